/* main.c - flowsim's entry point: dispatches subcommands and prints help and version. */
#include "cli.h"

#include <flow_config.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

static const char *const usage_text =
    "usage: flowsim COMMAND [ARGS]\n"
    "\n"
    "Discrete-event simulation of patient flow through a hospital.\n"
    "\n"
    "commands:\n"
    "  run [SCENARIO]     run a scenario's replications and report (no SCENARIO: the\n"
    "                     built-in example hospital)\n"
    "  validate SCENARIO  check a scenario without running it\n"
    "  selftest           check the engine against closed-form queueing results\n"
    "  help [COMMAND]     show help for a command\n"
    "\n"
    "options:\n"
    "  -h, --help         show this help\n"
    "  --version          print the version\n"
    "\n"
    "exit codes: 0 ok, 1 selftest failure, 2 bad command line, 3 bad scenario,\n"
    "            4 run or output failed\n";

static const char *const run_text =
    "usage: flowsim run [SCENARIO] [OPTIONS]\n"
    "\n"
    "Runs the scenario's replications and prints a report with 95% confidence intervals.\n"
    "Without SCENARIO, runs the built-in example hospital (scenarios/example.yaml).\n"
    "\n"
    "options:\n"
    "  -s, --set PATH=VALUE   override a value, e.g. --set wards.AMU.beds=30 or\n"
    "                         --set groups.emergency_medical.arrivals.rate=22/d;\n"
    "                         list items are chosen by name (route steps by ward)\n"
    "                         or by position from 1; may be repeated\n"
    "  --replications N       same as --set replications=N\n"
    "  --seed N               same as --set seed=N\n"
    "  --format text|json     report format (default text)\n"
    "  -o, --output FILE      write the report to FILE (atomically) instead of stdout\n"
    "  --threads N            worker threads (default: one per core); results do not\n"
    "                         depend on it\n"
    "  -q, --quiet            print nothing but the report\n"
    "\n"
    "Errors in the scenario or a --set value are printed as FILE:LINE:COLUMN: error: WHAT\n"
    "(for --set, FILE is '--set', LINE the option's number and COLUMN the position in it)\n"
    "and exit with status 3.\n";

static const char *const validate_text =
    "usage: flowsim validate SCENARIO [--set PATH=VALUE]... [-q]\n"
    "\n"
    "Checks a scenario (and overrides) without running it. Prints every error found as\n"
    "FILE:LINE:COLUMN: error: WHAT and exits 3, or prints a one-line summary and exits 0.\n";

static const char *const selftest_text =
    "usage: flowsim selftest [--threads N]\n"
    "\n"
    "Runs scenarios whose answers are known exactly (Erlang B and C, M/G/infinity, Little's\n"
    "law, Pollaczek-Khinchine) and prints, for each, the theory value, the simulated mean\n"
    "with its 95% confidence interval, and pass or fail. Exits 1 if any case fails.\n";

int cli_help(const char *command)
{
    const char *text = command == NULL                   ? usage_text
                       : strcmp(command, "run") == 0      ? run_text
                       : strcmp(command, "validate") == 0 ? validate_text
                       : strcmp(command, "selftest") == 0 ? selftest_text
                       : strcmp(command, "help") == 0     ? usage_text
                                                          : NULL;
    if (text == NULL)
        return cli_usage_error(NULL, "no command '%s'", command);
    fputs(text, stdout);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2)
        return fputs(usage_text, stderr), EXIT_USAGE;
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0)
        return cli_help(NULL);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0)
        return printf("flowsim %s\n", FLOW_VERSION), EXIT_OK;
    if (strcmp(cmd, "help") == 0) {
        if (argc > 3)
            return cli_usage_error(NULL, "help takes one command");
        if (argc == 3 && (strcmp(argv[2], "-h") == 0 || strcmp(argv[2], "--help") == 0))
            return cli_help("help");
        return cli_help(argc == 3 ? argv[2] : NULL);
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate(argc - 2, argv + 2);
    if (strcmp(cmd, "selftest") == 0)
        return cmd_selftest(argc - 2, argv + 2);
    if (cmd[0] == '-')
        return cli_usage_error(NULL, "unknown option '%s'", cmd);
    return cli_usage_error(NULL, "unknown command '%s'", cmd);
}
