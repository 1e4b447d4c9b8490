/* cmd_size.c - the size subcommand: the smallest capacity that meets every target. */
#include "cli.h"

#include <flowsim/error.h>
#include <flowsim/experiment.h>
#include <flowsim/size.h>
#include <flowsim/util.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- size ----------------------------------------------------------------------------- */

struct html_size {
    const struct flow_size_result *r;
    const char *provenance;
};

static int size_html(FILE *f, const void *arg)
{
    const struct html_size *h = arg;
    return flow_report_html_size(f, h->r, h->provenance);
}

static int size_json(FILE *f, const void *arg)
{
    const struct html_size *h = arg;
    return flow_report_size_json(f, h->r, h->provenance);
}

static int size_text(FILE *f, const void *arg)
{
    const struct html_size *h = arg;
    return flow_report_size_text(f, h->r);
}

/* The warnings of the run at the answer, on standard error; returns their count. (Runs below
 * the answer fail their targets, often with growing queues: that is what sizing explores.) */
static size_t answer_warns(const struct flow_size_result *r)
{
    double answer = r->continuous ? r->x_answer : (double)r->answer;
    for (size_t i = 0; i < r->nevals; i++) {
        if (r->evals[i].x != answer)
            continue;
        struct flow_warning *w;
        size_t n = flow_results_warnings(&r->evals[i].results, &w);
        for (size_t k = 0; k < n && flow_mpi_rank() == 0; k++)
            fprintf(stderr, "flowsim: warning: at the answer (%s = %.6g%s): %s\n", r->parameter, answer, r->unit,
                    w[k].message);
        free(w);
        return n;
    }
    return 0;
}

/* "PATH" or "PATH=FROM:TO", where FROM and TO are whole numbers with the same optional unit
 * (such as 4h:10h for a session's length). */
static int parse_size_vary(const char *spec, char **path, long *lo, long *hi, char *unit, size_t ulen)
{
    const char *eq = strchr(spec, '=');
    *lo = 1;
    *hi = 100000;
    unit[0] = '\0';
    if (eq == NULL) {
        *path = flow_xstrdup(spec);
        return *spec ? 0 : -1;
    }
    char *end, *end2;
    *lo = strtol(eq + 1, &end, 10);
    const char *colon = strchr(end, ':');
    if (end == eq + 1 || colon == NULL || (size_t)(colon - end) >= ulen)
        return -1;
    snprintf(unit, ulen, "%.*s", (int)(colon - end), end);
    *hi = strtol(colon + 1, &end2, 10);
    if (end2 == colon + 1 || strcmp(end2, unit) != 0 || *lo < 0 || *hi < *lo)
        return -1;
    if (unit[0] != '\0' && !isalpha((unsigned char)unit[0]) && unit[0] != '/')
        return -1;                     /* "0.5d" is no whole number with the unit ".5d" */
    *path = flow_xstrndup(spec, (size_t)(eq - spec));
    return eq == spec ? -1 : 0;
}

/* "PATH=FROM:TO" with numbers (decimals allowed) and the same optional unit (1.5d:4d, 8/d:20/d,
 * 0.1:0.6), for goal-seeking. */
static int parse_seek_vary(const char *spec, char **path, double *lo, double *hi, char *unit, size_t ulen)
{
    const char *eq = strchr(spec, '=');
    if (eq == NULL || eq == spec)
        return -1;
    char *end, *end2;
    *lo = strtod(eq + 1, &end);
    const char *colon = strchr(end, ':');
    if (end == eq + 1 || colon == NULL || (size_t)(colon - end) >= ulen)
        return -1;
    snprintf(unit, ulen, "%.*s", (int)(colon - end), end);
    if (unit[0] != '\0' && !isalpha((unsigned char)unit[0]) && unit[0] != '/')
        return -1;
    *hi = strtod(colon + 1, &end2);
    if (end2 == colon + 1 || strcmp(end2, unit) != 0 || !isfinite(*lo) || !isfinite(*hi) || *lo < 0 || *hi <= *lo)
        return -1;
    *path = flow_xstrndup(spec, (size_t)(eq - spec));
    return 0;
}

/* Keys that name, seed or place a model rather than measure it: nothing to size. */
static bool not_a_quantity(const char *path)
{
    const char *last = strrchr(path, '.');
    last = last ? last + 1 : path;
    static const char *const keys[] = {"name", "seed", "start", "extends", "dist", "file", "when_full", "ward",
                                       "theatre", "outlie_to", "days", "holidays", "horizon", "warmup"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        if (strcmp(last, keys[k]) == 0)
            return true;
    return false;
}

/* The varied value was applied as the (index)th --set: its diagnostics are about the user's
 * --vary, so they say so (a column past the path points at the start of the user's values). */
static void name_the_vary(struct flow_diag *d, size_t index, const char *path)
{
    char prefix[48];
    snprintf(prefix, sizeof prefix, "--set:%zu:", index);
    for (size_t i = 0; i < d->count; i++) {
        if (strncmp(d->lines[i], prefix, strlen(prefix)) != 0)
            continue;
        char *rest;
        long col = strtol(d->lines[i] + strlen(prefix), &rest, 10);
        if (col > (long)strlen(path) + 1)
            col = (long)strlen(path) + 2;
        char *line = flow_xasprintf("--vary:1:%ld%s", col, rest);
        free(d->lines[i]);
        d->lines[i] = line;
    }
}

/* What --vary and --resolution ask for: a whole range to size, or a continuous one to seek. */
struct size_request {
    char *param;                   /* the path varied (owned) */
    char unit[16];
    long lo, hi;                   /* sizing */
    double xlo, xhi, resolution;   /* goal-seeking */
    bool seek;
};

static int seek_resolution(const struct cli_opts *o, struct size_request *q)
{
    char *end;
    q->resolution = o->resolution ? strtod(o->resolution, &end) : (q->xhi - q->xlo) / 100;
    if (o->resolution && (end == o->resolution || strcmp(end, q->unit) != 0 || !(q->resolution > 0) ||
                          q->resolution > q->xhi - q->xlo))
        return flow__cli_usage_error("size", "--resolution must be a number above 0 and at most the range, in the "
                                     "range's unit ('%s'); found '%s'", q->unit, o->resolution);
    return EXIT_OK;
}

/* Reads --vary (and --resolution) into q; an exit code (the message printed). */
static int size_request_read(const struct cli_opts *o, struct size_request *q)
{
    *q = (struct size_request){.seek = o->resolution != NULL};
    if (!q->seek && parse_size_vary(o->varies[0], &q->param, &q->lo, &q->hi, q->unit, sizeof q->unit) != 0) {
        free(q->param);
        q->param = NULL;
        q->seek = true;                /* not whole numbers: perhaps a continuous range */
    }
    if (q->seek && parse_seek_vary(o->varies[0], &q->param, &q->xlo, &q->xhi, q->unit, sizeof q->unit) != 0)
        return flow__cli_usage_error("size", "--vary needs PATH or PATH=FROM:TO with whole numbers (and the same "
                                     "unit, as in 4h:10h), or for goal-seeking a continuous value PATH=FROM:TO "
                                     "with numbers (1.5d:6d, 8/d:20/d, 0.1:0.6); found '%s'", o->varies[0]);
    int rc = q->seek ? seek_resolution(o, q) : EXIT_OK;
    if (rc == EXIT_OK && not_a_quantity(q->param))
        rc = flow__cli_usage_error("size", "--vary '%s': '%s' is not a quantity that can be sized (choose beds, "
                                   "capacity, a rate, a stay's mean, a share...)", o->varies[0],
                                   strrchr(q->param, '.') ? strrchr(q->param, '.') + 1 : q->param);
    return rc;
}

/* The report of a finished search, and its exit code: 5 under --strict when the answer
 * warns, 1 when no value meets every target. */
static int size_outputs(struct cli_opts *o, int argc, char **argv, struct flow_size_result *r)
{
    struct flow_diag quiet;            /* loaded again only to name the files it extends */
    flow_diag_init(&quiet);
    struct flow_scenario *sc = o->scenario ? flow_scenario_load_file(o->scenario, NULL, 0, &quiet) : NULL;
    flow_diag_fini(&quiet);
    o->provenance = flow__cli_provenance("size", argc, argv, o->scenario, sc, NULL, NULL);
    flow_scenario_destroy(sc);
    struct html_size h = {r, o->provenance};
    int rc = flow__cli_emit(o, size_json, size_text, &h);
    if (rc == EXIT_OK)
        rc = flow__cli_write_report(o, size_html, &h);
    if (rc == EXIT_OK && r->found && answer_warns(r) + flow__cli_load_warnings() > 0 && o->strict)
        rc = EXIT_WARNING;
    if (rc == EXIT_OK && !r->found)
        rc = EXIT_FAIL;
    return rc;
}

static int size_search(struct cli_opts *o, int argc, char **argv, const struct size_request *q,
                       const struct flow_target *t)
{
    struct flow_size_result r;
    struct flow_diag d;
    flow_diag_init(&d);
    struct progress p;
    flow__progress_init(&p, o, "replications");
    struct flow_run_options ro = {.threads = o->threads, .progress = flow__progress_update, .progress_arg = &p};
    int err = q->seek ? flow_size_seek(o->scenario, o->sets, o->nsets, q->param, q->unit, q->xlo, q->xhi,
                                       q->resolution, t, o->ntargets, &ro, &r, &d)
                      : flow_size_run(o->scenario, o->sets, o->nsets, q->param, q->unit, q->lo, q->hi, t,
                                      o->ntargets, &ro, &r, &d);
    flow__progress_end(&p);
    name_the_vary(&d, o->nsets + 1, q->param);
    flow__cli_print_diag(&d);
    int rc = err > 0 ? EXIT_SCENARIO : err < 0 ? flow__cli_run_error(err, NULL) : size_outputs(o, argc, argv, &r);
    flow_diag_fini(&d);
    flow_size_fini(&r);
    return rc;
}

int flow__cmd_size(int argc, char **argv)
{
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "size", &o);
    if (rc == EXIT_OK && !o.help && (o.scenario == NULL || o.nvaries != 1 || o.ntargets == 0))
        rc = flow__cli_usage_error("size", "size needs SCENARIO, one --vary PATH and at least one --target");
    if (rc != EXIT_OK || o.help)
        return flow__cli_finish(&o, rc != EXIT_OK ? rc : flow__cli_help("size"));
    struct size_request q;
    rc = size_request_read(&o, &q);
    struct flow_target *t = flow_xcalloc(o.ntargets, sizeof *t);
    char why[512];
    for (size_t i = 0; i < o.ntargets && rc == EXIT_OK; i++)
        if (flow_target_parse(o.targets[i], &t[i], why, sizeof why) != 0)
            rc = flow__cli_usage_error("size", "%s", why);
    if (rc == EXIT_OK)
        rc = size_search(&o, argc, argv, &q, t);
    for (size_t i = 0; i < o.ntargets; i++)
        flow_target_fini(&t[i]);
    free(t);
    free(q.param);
    return flow__cli_finish(&o, rc);
}
