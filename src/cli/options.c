/* options.c - every command-line option in one table: which commands take it, its value, what
 * it does, and how its value is read. The parser (getopt_long), `flowsim help COMMAND` and the
 * man page flowsim(1) (help.c) are all made from this table, so they cannot drift apart. */
#define _GNU_SOURCE   /* getopt_long */
#include "cli.h"

#include <flowsim/limits.h>
#include <flowsim/util.h>

#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFF(field) offsetof(struct cli_opts, field)

static void *field_of(struct cli_opts *o, size_t off) { return (char *)o + off; }

static int take_flag(struct cli_opts *o, const struct cli_option *spec, const char *v)
{
    (void)v;
    *(bool *)field_of(o, spec->field) = true;
    return EXIT_OK;
}

static int take_text(struct cli_opts *o, const struct cli_option *spec, const char *v)
{
    if (*v == '\0' && spec->needs)
        return flow__cli_usage_error(o->command, "--%s needs %s", spec->name, spec->needs);
    *(const char **)field_of(o, spec->field) = v;
    return EXIT_OK;
}

static int whole_error(const struct cli_opts *o, const struct cli_option *spec, const char *v)
{
    return flow__cli_usage_error(o->command, "--%s must be a whole number from %.0f to %.0f; found '%s'",
                                 spec->name, spec->lo, spec->hi, v);
}

/* A whole number within the option's bounds, as a long (or an int when spec->is_int). */
static int take_whole(struct cli_opts *o, const struct cli_option *spec, const char *v)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || n < spec->lo || n > spec->hi)
        return whole_error(o, spec, v);
    if (spec->is_int)
        *(int *)field_of(o, spec->field) = (int)n;
    else
        *(long *)field_of(o, spec->field) = n;
    return EXIT_OK;
}

/* A whole number that may be written as a real (1e9), kept as a double: the server's limits. */
static int take_amount(struct cli_opts *o, const struct cli_option *spec, const char *v)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end != '\0' || !(x >= spec->lo && x <= spec->hi) || x != floor(x))
        return whole_error(o, spec, v);
    *(double *)field_of(o, spec->field) = x;
    return EXIT_OK;
}

/* A repeatable option: its values gathered in order (--vary, --target, --precision). */
static int take_list(struct cli_opts *o, const struct cli_option *spec, const char *v)
{
    const char ***list = field_of(o, spec->field);
    size_t *n = field_of(o, spec->count);
    *list = flow_xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = v;
    return EXIT_OK;
}

static int add_set(struct cli_opts *o, const char *set)
{
    const char *eq = strchr(set, '=');
    if (eq == NULL || eq == set)
        return flow__cli_usage_error(o->command, "--set needs PATH=VALUE, such as wards.AMU.beds=30; found '%s'",
                                     set);
    o->sets = flow_xrealloc(o->sets, (o->nsets + 1) * sizeof *o->sets);
    o->sets[o->nsets++] = set;
    return EXIT_OK;
}

static int take_set(struct cli_opts *o, const struct cli_option *spec, const char *v)
{
    (void)spec;
    return add_set(o, v);
}

/* --replications and --seed: a --set of the scenario key of the same name. The --set list
 * borrows the string, so an earlier one given again stays alive (freed with the options); the
 * latest is the one that applies to every scenario of the command. */
static int take_shorthand(struct cli_opts *o, const struct cli_option *spec, const char *v)
{
    long n;
    char *end;
    n = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || n < spec->lo || n > spec->hi)
        return whole_error(o, spec, v);
    char **slot = &o->owned[spec->field];
    if (*slot != NULL) {
        flow_xgrow((void **)&o->retired, &o->cap_retired, o->nretired + 1, sizeof *o->retired);
        o->retired[o->nretired++] = *slot;
    }
    *slot = flow_xasprintf("%s=%ld", spec->name, n);
    return add_set(o, *slot);
}

/* An option with a few named values: spec->choices is "a|b|c"; the position of v is stored. */
static int take_choice(struct cli_opts *o, const struct cli_option *spec, const char *v)
{
    size_t n = strlen(v);
    int k = 0;
    for (const char *c = spec->choices; *c; k++) {
        size_t len = strcspn(c, "|");
        if (len == n && strncmp(c, v, n) == 0) {
            *(int *)field_of(o, spec->field) = k;
            return EXIT_OK;
        }
        c += len + (c[len] == '|');
    }
    char list[64];
    snprintf(list, sizeof list, "%s", spec->choices);
    char *bar = strrchr(list, '|');
    if (bar)                                   /* "a|b" reads "a or b" */
        *bar = '\0';
    return flow__cli_usage_error(o->command, "--%s must be %s%s%s; found '%s'", spec->name, list,
                                 bar ? " or " : "", bar ? bar + 1 : "", v);
}

/* --shard K/N: 1 <= K <= N. */
static int take_shard(struct cli_opts *o, const struct cli_option *spec, const char *v)
{
    long k, n;
    int used = 0;
    if (sscanf(v, "%ld/%ld%n", &k, &n, &used) != 2 || v[used] != '\0' || !isdigit((unsigned char)v[0]) || n < 1 ||
        n > FLOW_MAX_REPLICATIONS || k < 1 || k > n)
        return flow__cli_usage_error(o->command, "--%s must be K/N with 1 <= K <= N <= %d (task K of N), as in "
                                     "2/10; found '%s'", spec->name, FLOW_MAX_REPLICATIONS, v);
    o->shard = k;
    o->shards = n;
    return EXIT_OK;
}

enum {
    RUN = CLI_RUN, VALIDATE = CLI_VALIDATE, SELFTEST = CLI_SELFTEST, COMPARE = CLI_COMPARE,
    SWEEP = CLI_SWEEP, SIZE = CLI_SIZE, WARMUP = CLI_WARMUP, FIT = CLI_FIT, CHECK = CLI_CHECK,
    REPORT = CLI_REPORT, SERVE = CLI_SERVE, MERGE = CLI_MERGE,
    RUNS = RUN | COMPARE | SWEEP | SIZE | WARMUP | CHECK,     /* commands that run a scenario */
    ALL = (CLI_MERGE << 1) - 1,
};

/* One line per option and command set. An option may appear twice with different commands
 * when what it means differs (--output: a file, or a sweep's directory). */
#pragma GCC diagnostic push   /* rows name only the fields they use; the rest are zero */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
const struct cli_option flow__cli_options[] = {
    {"set", 's', "PATH=VALUE", RUNS | VALIDATE,
     "override a value, e.g. --set wards.AMU.beds=30 or\n"
     "--set groups.emergency_medical.arrivals.rate=22/d;\n"
     "list items are chosen by name (route steps by ward)\n"
     "or by position from 1; may be repeated",
     take_set},
    {"replications", 0, "N", RUNS | VALIDATE, "same as --set replications=N", take_shorthand, 0, 0, 1,
     FLOW_MAX_REPLICATIONS},
    {"seed", 0, "N", RUNS | VALIDATE, "same as --set seed=N", take_shorthand, 1, 0, 0, (double)FLOW_MAX_SEED},
    {"format", 0, "text|json", RUN | COMPARE | SIZE | WARMUP | CHECK | MERGE, "report format (default text)", take_choice,
     OFF(format), .choices = "text|json"},
    {"output", 'o', "FILE", RUN | COMPARE | SIZE | WARMUP | CHECK,
     "write the report to FILE (atomically) instead of stdout", take_text, OFF(output), .needs = "a file name"},
    {"output", 'o', "FILE", FIT, "write the scenario to FILE (default: standard output)", take_text, OFF(output),
     .needs = "a file name"},
    {"output", 'o', "OUT.html", REPORT, "the page to write (required)", take_text, OFF(output),
     .needs = "a file name"},
    {"output", 'o', "DIR", SWEEP, "the directory of runs.csv and summary.csv (with --shard:\nthe shard FILE)",
     take_text, OFF(output), .needs = "a directory"},
    {"output", 'o', "OUT", MERGE,
     "where the merged output goes, as the single run's --output:\n"
     "run shards, the report FILE (default: standard output);\n"
     "sweep shards, the DIR of runs.csv and summary.csv",
     take_text, OFF(output), .needs = "a file or directory name"},
    {"shard", 0, "K/N", RUN | SWEEP,
     "run only the K-th of N slices of the work (replication k of\n"
     "a run, or the k-th of a sweep's points' replications taken in\n"
     "order, is in slice k mod N + 1) and write them to --output\n"
     "FILE, a shard for flowsim merge (a job array's task K)",
     take_shard},
    {"threads", 0, "N", RUN | COMPARE | SWEEP | SIZE | SELFTEST,
     "worker threads (default: one per core); results do not\ndepend on it", take_whole, OFF(threads), 0, 1, 256,
     .is_int = true},
    {"precision", 0, "P", RUN,
     "add replications (in parallel batches) until every metric's\n"
     "95% CI half-width is within P x its mean (0.05: 5%); or, as\n"
     "METRIC=H, until METRIC's half-width is at most H (repeatable)",
     take_list, OFF(precision), OFF(nprecision)},
    {"max-replications", 0, "N", RUN, "stop adding replications at N (default 1000)", take_whole,
     OFF(max_replications), 0, 2, FLOW_MAX_REPLICATIONS},
    {"quiet", 'q', NULL, RUN | VALIDATE | COMPARE | SWEEP | SIZE | FIT | CHECK | MERGE,
     "print nothing but the report (and warnings)", take_flag, OFF(quiet)},
    {"strict", 0, NULL, RUN | COMPARE | SWEEP | SIZE | MERGE,
     "any warning (a queue that keeps growing, a warm-up too\n"
     "short, a ward no route uses, too few replications) is an\n"
     "error: exit 5",
     take_flag, OFF(strict)},
    {"csv", 0, "DIR", RUN | MERGE,
     "also write DIR/replications.csv (every metric of every\n"
     "replication), DIR/daily.csv (daily occupied, waiting and\n"
     "blocked per ward and service), DIR/groups.csv and\n"
     "DIR/hourly.csv (occupancy by hour of the week)",
     take_text, OFF(csv), .needs = "a directory"},
    {"csv", 0, "DIR", COMPARE,
     "also write DIR/comparison.csv (one row per metric) and\nDIR/paired.csv (one row per replication and metric)",
     take_text, OFF(csv), .needs = "a directory"},
    {"trace", 0, "FILE.csv", RUN,
     "also write every event of one replication (time_days,\n"
     "replication, patient, group, event, place, resource)",
     take_text, OFF(trace), .needs = "a file name"},
    {"trace-format", 0, "flowsim|vidigi", RUN,
     "the trace's form: flowsim (default), or the event log the\n"
     "vidigi animation tool reads (patient, event_type, event, time\n"
     "in minutes, resource_id, pathway)",
     take_choice, OFF(trace_format), .choices = "flowsim|vidigi"},
    {"trace-replication", 0, "N", RUN, "the replication to trace (default 1)", take_whole, OFF(trace_replication), 0,
     1, FLOW_MAX_REPLICATIONS},
    {"report", 0, "FILE.html", RUN | COMPARE | SWEEP | SIZE | CHECK | MERGE,
     "also write a self-contained HTML report with charts", take_text, OFF(report), .needs = "a file name"},
    {"unrelated", 0, NULL, COMPARE,
     "compare sides that share no ward and no group, without\ncalling any difference better or worse", take_flag,
     OFF(unrelated)},
    {"vary", 0, "PATH=VALUES", SWEEP,
     "a parameter and its values: FROM:TO:STEP inclusive, numbers\n"
     "with an optional common unit such as 1d:3d:0.5d; or a comma\n"
     "list A,B,C (repeatable: the grid of every combination)",
     take_list, OFF(varies), OFF(nvaries)},
    {"vary", 0, "PATH[=FROM:TO]", SIZE, "the capacity (or, goal-seeking, the value) to size", take_list, OFF(varies),
     OFF(nvaries)},
    {"target", 0, "'METRIC <= VALUE'", SIZE, "a target every answer must meet (repeatable; >= also)", take_list,
     OFF(targets), OFF(ntargets)},
    {"resolution", 0, "R", SIZE, "goal-seek a continuous value to within R", take_text, OFF(resolution)},
    {"metrics", 0, "LIST", SWEEP, "comma-separated metric paths or sections (wards.AMU) to keep", take_text,
     OFF(metrics)},
    {"lhs", 0, "N", SWEEP,
     "instead of the grid, N points of a Latin hypercube over the\n"
     "ranges (FROM:TO continuous, FROM:TO:STEP rounded to STEP)",
     take_whole, OFF(lhs), 0, 1, 1000000},
    {"resume", 0, NULL, SWEEP, "continue an interrupted sweep in --output DIR", take_flag, OFF(resume)},
    {"data", 0, "EXTRACT.csv", CHECK, "the episode extract to check against (required)", take_text, OFF(data),
     .needs = "an extract (a CSV file of ward stays)"},
    {"port", 0, "N", SERVE, "port (default 8642; 0: a free one, printed)", take_amount, OFF(serve.port), 0, 0,
     65535},
    {"bind", 0, "ADDR", SERVE,
     "listen on ADDR instead of 127.0.0.1 (warns: anyone who can\nreach it can run models)", take_text,
     OFF(serve.bind), .needs = "an address, such as 127.0.0.1"},
    {"threads", 0, "N", SERVE, "threads for each run (default: one per core)", take_amount, OFF(serve.threads), 0, 1,
     256},
    {"max-replications", 0, "N", SERVE, "most replications a request may ask for (default 1000)", take_amount,
     OFF(serve.max_replications), 0, 1, FLOW_MAX_REPLICATIONS},
    {"max-work", 0, "EVENTS", SERVE,
     "most events a request may ask for, estimated before it runs\n"
     "from arrival rates, routes, days and replications, both sides\n"
     "of a comparison together (default 1e9: a minute or so of work)",
     take_amount, OFF(serve.max_work), 0, 1, 1e15},
    {"queue", 0, "N", SERVE, "requests that may wait for the run in progress (default 4)", take_amount,
     OFF(serve.queue), 0, 0, 64},
    {"max-body", 0, "BYTES", SERVE, "largest request body (default 65536)", take_amount, OFF(serve.max_body), 0, 1024,
     16 << 20},
    {"request-timeout", 0, "S", SERVE,
     "seconds a request may take to arrive whole, headers and body\n(default 20; slower clients are cut off)",
     take_amount, OFF(serve.request_timeout), 0, 1, 3600},
    {"help", 'h', NULL, ALL, "show this help", take_flag, OFF(help)},
};
#pragma GCC diagnostic pop
const size_t flow__cli_noptions = sizeof flow__cli_options / sizeof flow__cli_options[0];

enum { LONG_BASE = 256, MAX_FOR_ONE = 48 };

/* getopt_long's tables for one command: long options (val = LONG_BASE + row) and the short
 * string; "-" keeps operands in order (returned as 1), ":" reports a missing value as ':'. */
static size_t options_for(unsigned bit, struct option *longs, char *shorts)
{
    size_t n = 0, k = 0;
    shorts[k++] = '-';
    shorts[k++] = ':';
    for (size_t i = 0; i < flow__cli_noptions; i++) {
        const struct cli_option *spec = &flow__cli_options[i];
        if (!(spec->commands & bit))
            continue;
        longs[n++] = (struct option){spec->name, spec->arg ? required_argument : no_argument, NULL,
                                     (int)(LONG_BASE + i)};
        if (spec->short_name) {
            shorts[k++] = spec->short_name;
            if (spec->arg)
                shorts[k++] = ':';
        }
    }
    longs[n] = (struct option){0};
    shorts[k] = '\0';
    return n;
}

static const struct cli_option *short_option(unsigned bit, int c)
{
    for (size_t i = 0; i < flow__cli_noptions; i++)
        if (flow__cli_options[i].short_name == c && (flow__cli_options[i].commands & bit))
            return &flow__cli_options[i];
    return NULL;
}

static int operand(struct cli_opts *o, const char *a)
{
    if (strcmp(o->command, "merge") == 0) {
        o->inputs = flow_xrealloc(o->inputs, (o->ninputs + 1) * sizeof *o->inputs);
        o->inputs[o->ninputs++] = a;
        return EXIT_OK;
    }
    if (o->scenario == NULL)
        o->scenario = a;
    else if (o->scenario2 == NULL && strcmp(o->command, "compare") == 0)
        o->scenario2 = a;
    else
        return flow__cli_usage_error(o->command, "one scenario at a time; found '%s' after '%s'", a, o->scenario);
    return EXIT_OK;
}

/* The option getopt could not take: its name as given (optopt is LONG_BASE + row for a long
 * option, the letter for a short one, 0 for an unknown long option). */
static void named(char *buf, size_t size, char **av)
{
    if (optopt >= LONG_BASE)
        snprintf(buf, size, "--%s", flow__cli_options[optopt - LONG_BASE].name);
    else if (optopt > 0)
        snprintf(buf, size, "-%c", optopt);
    else
        snprintf(buf, size, "%s", av[optind - 1]);
}

static int parse_one(struct cli_opts *o, unsigned bit, int c, char **av)
{
    char name[160];
    if (c == 1)
        return operand(o, optarg);
    if (c == '?' || c == ':') {
        named(name, sizeof name, av);
        return c == ':' ? flow__cli_usage_error(o->command, "option '%s' needs a value", name)
                        : flow__cli_usage_error(o->command, "unknown option '%s'", name);
    }
    const struct cli_option *spec = c >= LONG_BASE ? &flow__cli_options[c - LONG_BASE] : short_option(bit, c);
    return spec->take(o, spec, optarg);
}

int flow__cli_parse(int argc, char **argv, struct cli_opts *o)
{
    unsigned bit = flow__cli_command_bit(o->command);
    struct option longs[MAX_FOR_ONE + 1];
    char shorts[2 * MAX_FOR_ONE + 3];
    options_for(bit, longs, shorts);
    char **av = flow_xcalloc((size_t)argc + 2, sizeof *av);   /* getopt's argv: the command, then ours */
    av[0] = (char *)o->command;
    memcpy(av + 1, argv, (size_t)argc * sizeof *av);
    optind = 0;                     /* glibc: start afresh (a fuzz target parses many times) */
    opterr = 0;
    int c, rc = EXIT_OK;
    while (rc == EXIT_OK && (c = getopt_long(argc + 1, av, shorts, longs, NULL)) != -1)
        rc = parse_one(o, bit, c, av);
    for (int i = optind; rc == EXIT_OK && i < argc + 1; i++)   /* after "--" */
        rc = operand(o, av[i]);
    free(av);
    return rc != EXIT_OK ? rc : flow__cli_check_outputs(o);
}

int flow__cli_begin(int argc, char **argv, const char *command, struct cli_opts *o)
{
    memset(o, 0, sizeof *o);
    o->command = command;
    o->serve.port = 8642;
    o->serve.max_replications = 1000;
    o->serve.max_work = 1e9;
    o->serve.queue = 4;
    o->serve.max_body = 64 * 1024;
    o->serve.request_timeout = 20;
    return flow__cli_parse(argc, argv, o);
}
