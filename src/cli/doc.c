/* doc.c - what each command is: its name, its bit in the option table's masks, its synopsis
 * and what it does. `flowsim help COMMAND` and the man page print it (help.c); the parser
 * reads the bits (options.c). */
#include "cli.h"

#include <string.h>

const struct command_doc flow__cli_commands[] = {
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
    {"merge", CLI_MERGE, "flowsim merge SHARD... | DIR [-o OUT] [OPTIONS]",
     "Merges the shards of one run or sweep (each written by run or sweep with --shard K/N, as\n"
     "a job array's task K of N; given as files, or as a directory whose *.shard files are\n"
     "read) and writes what the run or sweep would have written in one process, byte for byte:\n"
     "the report (--format, -o), --csv and --report for a run; DIR/runs.csv, summary.csv and\n"
     "sweep.txt for a sweep. Run it where the shards ran (it reads the scenario again). Shards\n"
     "of another scenario, --set, seed or flowsim version than the first, a shard given twice\n"
     "and a missing one are refused as SHARD:LINE:COLUMN: error: WHAT (exit 3).\n",
     NULL},

};
const size_t flow__cli_ncommands = sizeof flow__cli_commands / sizeof flow__cli_commands[0];

const struct command_doc *flow__cli_command_doc(const char *name)
{
    for (size_t i = 0; i < flow__cli_ncommands; i++)
        if (strcmp(flow__cli_commands[i].name, name) == 0)
            return &flow__cli_commands[i];
    return NULL;
}

unsigned flow__cli_command_bit(const char *command)
{
    const struct command_doc *c = flow__cli_command_doc(command);
    return c ? c->bit : 0;
}
