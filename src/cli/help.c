/* help.c - what flowsim says about itself: the overview (flowsim help), each command's help
 * (flowsim help COMMAND: its text, then its options from the table in options.c) and the man
 * page flowsim(1) from the same two tables. */
#include "cli.h"

#include <flow_config.h>
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
    "  compare BASE [WHATIF] [--set ...]\n"
    "                     paired comparison with common random numbers\n"
    "  sweep SCENARIO --vary PATH=VALUES... --output DIR\n"
    "                     run a grid of parameter values to CSV files\n"
    "  size SCENARIO --vary PATH --target 'METRIC <= VALUE'\n"
    "                     find the smallest capacity that meets the targets\n"
    "  warmup SCENARIO    estimate how long a warm-up the scenario needs (MSER)\n"
    "  fit EXTRACT.csv [-o SCENARIO.yaml]\n"
    "                     a scenario from a hospital's episode extract (one row per ward stay)\n"
    "  check SCENARIO --data EXTRACT.csv\n"
    "                     the scenario run over the extract's period, against the extract\n"
    "  report RESULTS -o OUT.html\n"
    "                     an HTML report from saved results (JSON, or a sweep directory)\n"
    "  serve [SCENARIO] [--port N]\n"
    "                     a what-if page in the browser, and its JSON API\n"
    "  merge SHARD... | DIR [-o OUT]\n"
    "                     the outputs of a run or sweep from its job array's shards\n"
    "  help [COMMAND]     show help for a command\n"
    "\n"
    "options:\n"
    "  -h, --help         show this help\n"
    "  --version          print the version\n"
    "\n"
    "exit codes: 0 ok, 1 selftest failure or no size meets the target, 2 bad command\n"
    "            line, 3 bad scenario or extract,\n"
    "            4 run or output failed\n";

/* "-s, --set PATH=VALUE" */
static void option_name(char *buf, size_t size, const struct cli_option *o)
{
    snprintf(buf, size, "%s%c%s--%s%s%s", o->short_name ? "-" : "", o->short_name ? o->short_name : ' ',
             o->short_name ? ", " : "", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    if (!o->short_name)
        memmove(buf, buf + 1, strlen(buf));
}

/* An option's help: its name, then its lines from column 26. */
static void option_help(FILE *f, const struct cli_option *o)
{
    char name[64];
    option_name(name, sizeof name, o);
    int pad = 23 - (int)strlen(name);
    fprintf(f, "  %s", name);
    if (pad < 1)
        fprintf(f, "\n%25s", "");
    else
        fprintf(f, "%*s", pad, "");
    for (const char *h = o->help; *h; h++) {
        fputc(*h, f);
        if (*h == '\n')
            fprintf(f, "%25s", "");
    }
    fputc('\n', f);
}

int flow__cli_help(const char *command)
{
    if (command == NULL || strcmp(command, "help") == 0) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    const struct command_doc *c = flow__cli_command_doc(command);
    if (c == NULL)
        return flow__cli_usage_error(NULL, "no command '%s'", command);
    printf("usage: %s\n\n%s\noptions:\n", c->usage, c->text);
    for (size_t i = 0; i < flow__cli_noptions; i++)
        if (flow__cli_options[i].commands & c->bit)
            option_help(stdout, &flow__cli_options[i]);
    if (c->after)
        printf("\n%s", c->after);
    return EXIT_OK;
}

void flow__cli_usage_text(FILE *f) { fputs(usage_text, f); }

/* ---- the man page ----------------------------------------------------------------------- */

/* Text as roff: backslashes and hyphens escaped, a line's leading '.' or '\'' protected, lines
 * joined into paragraphs (a blank line starts a new one). */
static void roff(FILE *f, const char *text)
{
    bool start = true;
    for (const char *t = text; *t; t++) {
        if (start && (*t == '.' || *t == '\''))
            fputs("\\&", f);
        start = *t == '\n';
        if (*t == '\n' && t[1] == '\n') {
            fputs("\n.PP\n", f);
            t++;
        } else if (*t == '\\' || *t == '-') {
            fprintf(f, "\\%c", *t == '-' ? '-' : 'e');
        } else {
            fputc(*t, f);
        }
    }
    if (!start)
        fputc('\n', f);
}

static void man_option(FILE *f, const struct cli_option *o)
{
    char name[64];
    option_name(name, sizeof name, o);
    fputs(".TP\n.B ", f);
    roff(f, name);
    roff(f, o->help);
}

void flow__cli_man(FILE *f)
{
    fprintf(f, ".TH FLOWSIM 1 \"\" \"flowsim %s\" \"User Commands\"\n", FLOW_VERSION);
    fputs(".SH NAME\nflowsim \\- discrete-event simulation of patient flow through a hospital\n"
          ".SH SYNOPSIS\n.B flowsim\n.I COMMAND\n[\\fIOPTIONS\\fR] [\\fIARGS\\fR]\n"
          ".SH DESCRIPTION\n", f);
    roff(f, "flowsim simulates patients' flow through a hospital: emergency and elective arrivals,\n"
            "theatre lists, wards with their beds, discharge pathways and community services. It\n"
            "reads a scenario (YAML), runs replications and reports each measure with its 95%\n"
            "confidence interval. The guide and reference are in the docs/ folder of the\n"
            "installed documentation.\n");
    fputs(".SH COMMANDS\n", f);
    for (size_t i = 0; i < flow__cli_ncommands; i++) {
        const struct command_doc *c = &flow__cli_commands[i];
        fputs(".SS ", f);
        roff(f, c->usage);
        roff(f, c->text);
        for (size_t k = 0; k < flow__cli_noptions; k++)
            if (flow__cli_options[k].commands & c->bit)
                man_option(f, &flow__cli_options[k]);
        if (c->after) {
            fputs(".PP\n", f);
            roff(f, c->after);
        }
    }
    fputs(".SH EXIT STATUS\n0 ok; 1 a selftest case failed or no size meets the targets; 2 a bad command\n"
          "line; 3 a bad scenario or extract; 4 the run or its output failed; 5 a warning under\n"
          "\\-\\-strict; 130 interrupted (SIGINT or SIGTERM), with no half-written file.\n"
          ".SH SEE ALSO\nThe user guide (docs/guide/) and the scenario reference\n"
          "(docs/scenario-format.md) in flowsim's documentation.\n", f);
}
