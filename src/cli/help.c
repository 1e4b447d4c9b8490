/* help.c - the usage text of flowsim and of each command (flowsim help COMMAND). */
#include "cli.h"

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
    "  --precision P          add replications (in parallel batches) until every metric's\n"
    "                         95% CI half-width is within P x its mean (0.05: 5%)\n"
    "  --precision METRIC=H   ... or until METRIC's half-width is at most H (repeatable)\n"
    "  --max-replications N   stop adding replications at N (default 1000)\n"
    "  -q, --quiet            print nothing but the report (and warnings)\n"
    "  --strict               any warning (a queue that keeps growing, a warm-up too\n"
    "                         short, a ward no route uses, too few replications) is an\n"
    "                         error: exit 5 (also for compare, sweep and size)\n"
    "  --csv DIR              also write DIR/replications.csv (every metric of every\n"
    "                         replication), DIR/daily.csv (daily occupied, waiting and\n"
    "                         blocked per ward and service), DIR/groups.csv and\n"
    "                         DIR/hourly.csv (occupancy by hour of the week)\n"
    "  --trace FILE.csv       also write every event of one replication (time_days,\n"
    "                         replication, patient, group, event, place, resource)\n"
    "  --trace-format vidigi  ... as the event log the vidigi animation tool reads\n"
    "                         (patient, event_type, event, time in minutes, resource_id,\n"
    "                         pathway)\n"
    "  --trace-replication N  the replication to trace (default 1)\n"
    "  --report FILE.html     also write a self-contained HTML report with charts (also\n"
    "                         for compare, sweep and size)\n"
    "\n"
    "Errors in the scenario or a --set value are printed as FILE:LINE:COLUMN: error: WHAT\n"
    "(for --set, FILE is '--set', LINE the option's number and COLUMN the position in it)\n"
    "and exit with status 3.\n";

static const char *const validate_text =
    "usage: flowsim validate SCENARIO [--set PATH=VALUE]... [-q]\n"
    "\n"
    "Checks a scenario (and overrides) without running it. Prints every error found as\n"
    "FILE:LINE:COLUMN: error: WHAT and exits 3, or prints a one-line summary and exits 0.\n";

static const char *const compare_text =
    "usage: flowsim compare BASE.yaml [WHATIF.yaml] [--set PATH=VALUE]... [OPTIONS]\n"
    "\n"
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
    "are then compared without calling any difference better or worse.\n"
    "\n"
    "options: --replications N, --seed N (both scenarios), --format text|json,\n"
    "         -o/--output FILE, --report OUT.html, --csv DIR (comparison.csv: one row per\n"
    "         metric; paired.csv: one row per replication and metric), --threads N, -q/--quiet,\n"
    "         --unrelated, --strict\n";

static const char *const sweep_text =
    "usage: flowsim sweep SCENARIO --vary PATH=VALUES [--vary ...] --output DIR [OPTIONS]\n"
    "\n"
    "Runs every point of the grid of --vary values (FROM:TO:STEP inclusive, numbers with an\n"
    "optional common unit such as 1d:3d:0.5d; or a comma list A,B,C) and writes\n"
    "DIR/runs.csv (point, replication, parameters, metrics) and DIR/summary.csv (parameters,\n"
    "METRIC_mean, METRIC_ci_low, METRIC_ci_high). Metric columns are named by JSON path.\n"
    "Each finished point is appended and synced to disk; after a crash or kill, the same\n"
    "command with --resume finishes the files exactly as an uninterrupted run would.\n"
    "\n"
    "options:\n"
    "  --metrics LIST     comma-separated metric paths or sections (wards.AMU) to keep\n"
    "  --lhs N            instead of the grid, N points of a Latin hypercube over the\n"
    "                     ranges (FROM:TO continuous, FROM:TO:STEP rounded to STEP)\n"
    "  --resume           continue an interrupted sweep in --output DIR\n"
    "  --set, --replications N, --seed N, --threads N, -q/--quiet as for run\n";

static const char *const size_text =
    "usage: flowsim size SCENARIO --vary PATH[=FROM:TO] --target 'METRIC <= VALUE'... [OPTIONS]\n"
    "\n"
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
    "means cross, and the interval that holds the boundary.\n"
    "\n"
    "options: --set, --replications N, --seed N, --resolution R, --format text|json,\n"
    "         -o/--output FILE, --report OUT.html, --strict, --threads N, -q/--quiet\n";

static const char *const warmup_text =
    "usage: flowsim warmup SCENARIO [--set PATH=VALUE]... [--replications N] [OPTIONS]\n"
    "\n"
    "Estimates the warm-up a scenario needs: runs its replications from an empty hospital for\n"
    "warmup + horizon days, averages each ward's and community service's daily occupancy over\n"
    "the replications, and applies MSER to each series (7-day batches; the truncation that\n"
    "minimises the squared standard error of what remains, at most half the run). Prints each\n"
    "series' estimate, the longest as the recommendation, and how it decided.\n"
    "\n"
    "options: --set, --replications N, --seed N, --format text|json, -o/--output FILE\n";

static const char *const fit_text =
    "usage: flowsim fit EXTRACT.csv [-o SCENARIO.yaml]\n"
    "\n"
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
    "alternative. A malformed row is an error at its line and column (exit 3).\n"
    "\n"
    "options: -o/--output FILE (default: standard output), -q/--quiet\n";

static const char *const check_text =
    "usage: flowsim check SCENARIO --data EXTRACT.csv [OPTIONS]\n"
    "\n"
    "Runs the scenario's replications over the extract's period (from empty, as the extract\n"
    "has no stay begun before it: warm-up 0, start on the extract's first day) and prints,\n"
    "observed beside simulated with its 95% prediction interval: arrivals per day by group,\n"
    "length of stay (mean, median, 90th and 95th centiles) by ward and for the whole spell,\n"
    "mean patients present by ward, the share of each group's patients on each route, and\n"
    "patients present by hour of the week (a distance per ward; --report draws it). Lines\n"
    "where the observation falls outside are marked '<<'. Scenario groups are matched to the\n"
    "extract's by name (fit's NAME_routeN counts as NAME). A report, not a test: exit 0\n"
    "whatever it finds, 3 for a bad scenario or extract.\n"
    "\n"
    "options: --data FILE (required), --set, --replications N, --seed N, --format text|json,\n"
    "         -o/--output FILE, --report OUT.html, -q/--quiet\n";

static const char *const report_text =
    "usage: flowsim report RESULTS -o OUT.html\n"
    "\n"
    "Writes a self-contained HTML report (charts by Chart.js, inlined; it opens offline) from\n"
    "saved results: the JSON of run, compare or size (--format json), or a sweep's --output\n"
    "directory. run, compare, sweep and size also take --report OUT.html directly; JSON saved\n"
    "by this version (format_version 2) gives the same page as --report in the run that wrote it.\n";

static const char *const serve_text =
    "usage: flowsim serve [SCENARIO] [OPTIONS]\n"
    "\n"
    "Serves a what-if page for the scenario (no SCENARIO: the built-in example) on this machine:\n"
    "open the address it prints, change beds, arrival rates, stays, pathway shares and the like,\n"
    "press Run, and see each figure beside the scenario's with the difference and its paired 95%\n"
    "interval (common random numbers, as flowsim compare). The same is a JSON API for R and\n"
    "Python (docs/serve-api.md): GET /api/scenario, POST /api/run and /api/compare with\n"
    "{\"set\": {\"wards.AMU.beds\": \"32\"}, \"replications\": 20}. Files the scenario names\n"
    "(extends:, empirical stays, a census) are read at start-up; requests read no files. One run\n"
    "at a time; --queue more may wait, and beyond that a request gets HTTP 429. Ctrl-C (SIGINT)\n"
    "or SIGTERM stops the server cleanly (exit 0).\n"
    "\n"
    "options:\n"
    "  --port N               port (default 8642; 0: a free one, printed)\n"
    "  --bind ADDR            listen on ADDR instead of 127.0.0.1 (warns: anyone who can reach\n"
    "                         it can run models)\n"
    "  --threads N            threads for each run (default: one per core)\n"
    "  --max-replications N   most replications a request may ask for (default 1000)\n"
    "  --max-work EVENTS      most events a request may ask for, estimated before it runs from\n"
    "                         arrival rates, routes, days and replications, both sides of a\n"
    "                         comparison together (default 1e9: a minute or so of work)\n"
    "  --queue N              requests that may wait for the run in progress (default 4)\n"
    "  --max-body BYTES       largest request body (default 65536)\n"
    "  --request-timeout S    seconds a request may take to arrive whole, headers and body\n"
    "                         (default 20; slower clients are cut off)\n";

static const char *const selftest_text =
    "usage: flowsim selftest [--threads N]\n"
    "\n"
    "Runs scenarios whose answers are known exactly (Erlang B and C, M/G/infinity, Little's\n"
    "law, Pollaczek-Khinchine) and prints, for each, the theory value, the simulated mean\n"
    "with its 95% confidence interval, and pass or fail. Exits 1 if any case fails.\n";

int flow__cli_help(const char *command)
{
    const char *text = command == NULL                   ? usage_text
                       : strcmp(command, "run") == 0      ? run_text
                       : strcmp(command, "validate") == 0 ? validate_text
                       : strcmp(command, "selftest") == 0 ? selftest_text
                       : strcmp(command, "compare") == 0  ? compare_text
                       : strcmp(command, "sweep") == 0    ? sweep_text
                       : strcmp(command, "size") == 0     ? size_text
                       : strcmp(command, "warmup") == 0   ? warmup_text
                       : strcmp(command, "report") == 0   ? report_text
                       : strcmp(command, "fit") == 0      ? fit_text
                       : strcmp(command, "check") == 0    ? check_text
                       : strcmp(command, "serve") == 0    ? serve_text
                       : strcmp(command, "help") == 0     ? usage_text
                                                          : NULL;
    if (text == NULL)
        return flow__cli_usage_error(NULL, "no command '%s'", command);
    fputs(text, stdout);
    return EXIT_OK;
}

void flow__cli_usage_text(FILE *f) { fputs(usage_text, f); }
