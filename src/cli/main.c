/* main.c - flowsim's entry point: signals, then the subcommand (help texts are in help.c). */
#include "cli.h"

#include <flowsim/experiment.h>

#include <flow_config.h>
#include <gsl/gsl_errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int dispatch(int argc, char **argv);

/* With MPI every rank runs the same command; only rank 0 speaks. */
static void on_signal(int sig)
{
    (void)sig;
    if (!flow_interrupt_deferred()) {
        static const char msg[] = "flowsim: interrupted; no report was written\n";
        if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) { /* nothing more to do */ }
        _exit(EXIT_INTERRUPTED);
    }
    flow_interrupt_request();
}

/* SIGINT and SIGTERM stop the command (exit 130, no half-written file; a sweep keeps its
 * finished points): at once while loading and checking, cleanly at the next poll once runs
 * or outputs have begun (flow_interrupt_defer); SIGXFSZ is ignored so that a file-size limit is a write error to report,
 * not a silent death. */
static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGXFSZ, SIG_IGN);
}

int main(int argc, char **argv)
{
    install_signals();
    flow_mpi_init(&argc, &argv);
    if (flow_mpi_rank() != 0) {
        if (freopen("/dev/null", "w", stdout) == NULL || freopen("/dev/null", "w", stderr) == NULL)
            return EXIT_RUNTIME;
    }
    /* serve writes no files, and SIGINT is how it is meant to stop: its status stands. */
    bool serve = argc > 1 && strcmp(argv[1], "serve") == 0;
    int rc = serve ? dispatch(argc, argv) : flow__cli_outputs_end(dispatch(argc, argv));
    fflush(stdout);
    flow_mpi_finalize();
    return rc;
}

static int dispatch(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2)
        return flow__cli_usage_text(stderr), EXIT_USAGE;
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0)
        return flow__cli_help(NULL);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0)
        return printf("flowsim %s\n", FLOW_VERSION), EXIT_OK;
    if (strcmp(cmd, "help") == 0) {
        if (argc > 3)
            return flow__cli_usage_error(NULL, "help takes one command");
        if (argc == 3 && (strcmp(argv[2], "-h") == 0 || strcmp(argv[2], "--help") == 0))
            return flow__cli_help("help");
        if (argc == 3 && strcmp(argv[2], "--man") == 0)   /* the man page, made by the build */
            return flow__cli_man(stdout), EXIT_OK;
        return flow__cli_help(argc == 3 ? argv[2] : NULL);
    }
    if (strcmp(cmd, "run") == 0)
        return flow__cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "validate") == 0)
        return flow__cmd_validate(argc - 2, argv + 2);
    if (strcmp(cmd, "selftest") == 0)
        return flow__cmd_selftest(argc - 2, argv + 2);
    if (strcmp(cmd, "compare") == 0)
        return flow__cmd_compare(argc - 2, argv + 2);
    if (strcmp(cmd, "sweep") == 0)
        return flow__cmd_sweep(argc - 2, argv + 2);
    if (strcmp(cmd, "size") == 0)
        return flow__cmd_size(argc - 2, argv + 2);
    if (strcmp(cmd, "warmup") == 0)
        return flow__cmd_warmup(argc - 2, argv + 2);
    if (strcmp(cmd, "check") == 0)
        return flow__cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "serve") == 0)
        return flow__cmd_serve(argc - 2, argv + 2);
    if (strcmp(cmd, "fit") == 0)
        return flow__cmd_fit(argc - 2, argv + 2);
    if (strcmp(cmd, "report") == 0)
        return flow__cmd_report(argc - 2, argv + 2);
    if (strcmp(cmd, "merge") == 0)
        return flow__cmd_merge(argc - 2, argv + 2);
    if (cmd[0] == '-')
        return flow__cli_usage_error(NULL, "unknown option '%s'", cmd);
    return flow__cli_usage_error(NULL, "unknown command '%s'", cmd);
}
