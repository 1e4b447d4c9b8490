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
    "  help [COMMAND]     show help for a command\n"
    "\n"
    "options:\n"
    "  -h, --help         show this help\n"
    "  --version          print the version\n"
    "\n"
    "exit codes: 0 ok, 1 selftest failure or no size meets the target, 2 bad command\n"
    "            line, 3 bad scenario or extract,\n"
    "            4 run or output failed\n";

/* A command: its synopsis, what it does, and what follows its options (or NULL). */
struct command_doc {
    const char *name;
    unsigned bit;
    const char *usage;
    const char *text;
    const char *after;
};

static const struct command_doc commands[] = {
    {"run", CLI_RUN, "flowsim run [SCENARIO] [OPTIONS]",
     "Runs the scenario's replications and prints a report with 95% confidence intervals.\n"
     "Without SCENARIO, runs the built-in example hospital (scenarios/example.yaml).\n",
     "Errors in the scenario or a --set value are printed as FILE:LINE:COLUMN: error: WHAT\n"
     "(for --set, FILE is '--set', LINE the option's number and COLUMN the position in it)\n"
     "and exit with status 3.\n"},
    {"validate", CLI_VALIDATE, "flowsim validate SCENARIO [--set PATH=VALUE]... [-q]",
     "Checks a scenario (and overrides) without running it. Prints every error found as\n"
     "FILE:LINE:COLUMN: error: WHAT and exits 3, or prints a one-line summary and exits 0.\n",
     NULL},
    {"selftest", CLI_SELFTEST, "flowsim selftest [--threads N]",
     "Runs scenarios whose answers are known exactly (Erlang B and C, M/G/infinity, Little's\n"
     "law, Pollaczek-Khinchine) and prints, for each, the theory value, the simulated mean\n"
     "with its 95% confidence interval, and pass or fail. Exits 1 if any case fails.\n",
     NULL},
    {"compare", CLI_COMPARE, "flowsim compare BASE.yaml [WHATIF.yaml] [--set PATH=VALUE]... [OPTIONS]",
     "Runs a base scenario and a what-if with common random numbers and reports, for every\n"
     "metric, base, what-if, the difference (what-if - base) and its 95% confidence interval\n"
     "from the paired replications; '*' marks a significant difference. It opens with a\n"
     "headline: the largest significant changes in sentences. The what-if is WHATIF.yaml with\n"
     "the --set overrides, or BASE.yaml with them.\n"
     "\n"
     "Both sides must share horizon, warmup, replications, seed and start: compare refuses,\n"
     "naming each that differs, rather than grade unlike runs. A --set of one of them (or of\n"
     "holidays), like --replications and --seed, applies to both sides, with one file or two.\n"
     "Sides that share no ward and no group are refused too, unless --unrelated is given; they\n"
     "are then compared without calling any difference better or worse.\n",
     NULL},
    {"sweep", CLI_SWEEP, "flowsim sweep SCENARIO --vary PATH=VALUES [--vary ...] --output DIR [OPTIONS]",
     "Runs every point of the grid of --vary values (FROM:TO:STEP inclusive, numbers with an\n"
     "optional common unit such as 1d:3d:0.5d; or a comma list A,B,C) and writes\n"
     "DIR/runs.csv (point, replication, parameters, metrics) and DIR/summary.csv (parameters,\n"
     "METRIC_mean, METRIC_ci_low, METRIC_ci_high). Metric columns are named by JSON path.\n"
     "Each finished point is appended and synced to disk; after a crash or kill, the same\n"
     "command with --resume finishes the files exactly as an uninterrupted run would.\n",
     NULL},
    {"size", CLI_SIZE, "flowsim size SCENARIO --vary PATH[=FROM:TO] --target 'METRIC <= VALUE'... [OPTIONS]",
     "Finds the smallest whole value of PATH (beds, places, assessors ...) for which every\n"
     "target holds with its whole 95% confidence interval on the good side ('<=' or '>='),\n"
     "assuming more capacity is never worse. It starts from an Erlang bound where one applies\n"
     "(ward beds: just above the offered load) and searches outwards, then bisects. Exits 1\n"
     "when no value in FROM:TO (default 1:100000) meets every target. FROM and TO may carry a\n"
     "unit, as in theatres.T.sessions.1.length=4h:12h (whole hours of a list). When it stops\n"
     "helping (the bottleneck is elsewhere) it stops and says so.\n"
     "\n"
     "Goal-seeking: with --resolution R, or FROM:TO that are not whole numbers, PATH is any\n"
     "continuous value (an arrival rate 8/d:20/d, a stay's mean 3d:8d, a share 0.1:0.6) and\n"
     "size bisects for the boundary where the targets switch from met to missed, in whichever\n"
     "direction they hold (the largest demand that keeps p_wait under 0.1; the length of stay\n"
     "that fits the beds), to within R (default: a hundredth of the range), every run with the\n"
     "same random numbers. It reports the answer (whole intervals on the good side), where the\n"
     "means cross, and the interval that holds the boundary.\n",
     NULL},
    {"warmup", CLI_WARMUP, "flowsim warmup SCENARIO [--set PATH=VALUE]... [--replications N] [OPTIONS]",
     "Estimates the warm-up a scenario needs: runs its replications from an empty hospital for\n"
     "warmup + horizon days, averages each ward's and community service's daily occupancy over\n"
     "the replications, and applies MSER to each series (7-day batches; the truncation that\n"
     "minimises the squared standard error of what remains, at most half the run). Prints each\n"
     "series' estimate, the longest as the recommendation, and how it decided.\n",
     NULL},
    {"fit", CLI_FIT, "flowsim fit EXTRACT.csv [-o SCENARIO.yaml]",
     "Builds a scenario from an episode extract: a CSV file with a header naming at least the\n"
     "columns patient, ward, start and end (and optionally group and ready), one row per ward\n"
     "stay. Times are YYYY-MM-DD HH:MM (a T instead of the space, and seconds, are accepted) or a\n"
     "date alone (then known to the day); an empty end is a stay still under way when the\n"
     "extract was taken. A patient's stays without a gap form a spell; its wards in order are\n"
     "its route. Per group, fit writes the arrival rate and its profiles by hour, weekday and\n"
     "(for a year or more) month, the routes as steps with the share taking each (or one group\n"
     "per route where independent steps cannot reproduce them), each step's stay fitted by\n"
     "maximum likelihood (exponential, lognormal, gamma, Weibull; the least AIC chosen; open\n"
     "stays counted by their survival), delays from ready to leaving as an empirical\n"
     "distribution, and each ward's beds as the most patients present at once, with comments\n"
     "saying where every number came from. With -o, the stays of a step no family fits well\n"
     "are also written beside the scenario (SCENARIO-GROUP-STEP.csv) as an empirical\n"
     "alternative. A malformed row is an error at its line and column (exit 3).\n",
     NULL},
    {"check", CLI_CHECK, "flowsim check SCENARIO --data EXTRACT.csv [OPTIONS]",
     "Runs the scenario's replications over the extract's period (from empty, as the extract\n"
     "has no stay begun before it: warm-up 0, start on the extract's first day) and prints,\n"
     "observed beside simulated with its 95% prediction interval: arrivals per day by group,\n"
     "length of stay (mean, median, 90th and 95th centiles) by ward and for the whole spell,\n"
     "mean patients present by ward, the share of each group's patients on each route, and\n"
     "patients present by hour of the week (a distance per ward; --report draws it). Lines\n"
     "where the observation falls outside are marked '<<'. Scenario groups are matched to the\n"
     "extract's by name (fit's NAME_routeN counts as NAME). A report, not a test: exit 0\n"
     "whatever it finds, 3 for a bad scenario or extract.\n",
     NULL},
    {"report", CLI_REPORT, "flowsim report RESULTS -o OUT.html",
     "Writes a self-contained HTML report (charts by Chart.js, inlined; it opens offline) from\n"
     "saved results: the JSON of run, compare or size (--format json), or a sweep's --output\n"
     "directory. run, compare, sweep and size also take --report OUT.html directly; JSON saved\n"
     "by this version (format_version 2) gives the same page as --report in the run that wrote it.\n",
     NULL},
    {"serve", CLI_SERVE, "flowsim serve [SCENARIO] [OPTIONS]",
     "Serves a what-if page for the scenario (no SCENARIO: the built-in example) on this machine:\n"
     "open the address it prints, change beds, arrival rates, stays, pathway shares and the like,\n"
     "press Run, and see each figure beside the scenario's with the difference and its paired 95%\n"
     "interval (common random numbers, as flowsim compare). The same is a JSON API for R and\n"
     "Python (docs/serve-api.md): GET /api/scenario, POST /api/run and /api/compare with\n"
     "{\"set\": {\"wards.AMU.beds\": \"32\"}, \"replications\": 20}. Files the scenario names\n"
     "(extends:, empirical stays, a census) are read at start-up; requests read no files. One run\n"
     "at a time; --queue more may wait, and beyond that a request gets HTTP 429. Ctrl-C (SIGINT)\n"
     "or SIGTERM stops the server cleanly (exit 0).\n",
     NULL},

};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static const struct command_doc *command_doc(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

unsigned flow__cli_command_bit(const char *command)
{
    const struct command_doc *c = command_doc(command);
    return c ? c->bit : 0;
}

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
    const struct command_doc *c = command_doc(command);
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
    for (size_t i = 0; i < NCOMMANDS; i++) {
        const struct command_doc *c = &commands[i];
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
