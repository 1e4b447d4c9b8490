/* cmd_sweep.c - the sweep subcommand: a grid or Latin hypercube of parameter values to CSV,
 * appended point by point so that --resume can finish an interrupted sweep. */
#include "cli.h"

#include <flowsim/error.h>
#include <flowsim/experiment.h>
#include <flowsim/sweep.h>
#include <flowsim/util.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- sweep ---------------------------------------------------------------------------- */

struct sweep {
    const struct cli_opts *o;
    struct flow_vary *vary;
    size_t nvary, points;
    size_t *cols;             /* selected metric indices */
    size_t ncols;
    char **paths;             /* metric paths of the first point */
    size_t nmetrics;
    int reps;
    char *runs, *summary, *manifest;
    char *metrics;            /* --metrics, or the file's sweep.metrics (owned copy) */
    long lhs;                 /* --lhs, or the file's sweep.latin_hypercube */
    uint64_t fingerprint;     /* the scenario's, with --set applied (before the grid) */
    int reps_vary;            /* index of a varied 'replications', or -1 */
    const char **units;       /* per varied path: "days", "per_day" (numeric columns) or NULL */
    int lock_fd;              /* the output directory, locked while the sweep runs */
    char **where;             /* a sweep: block's items: "FILE:LINE:COL" of each (owned), or NULL */
    size_t warned_points, warnings;   /* points with a warning, and the warnings */
};

/* A point's warnings on standard error, each with the point's values; too few replications
 * only once for the whole sweep. */
static void warn_point(struct sweep *w, size_t point, const char **values, const struct flow_results *r)
{
    struct flow_warning *warn;
    size_t n = flow_results_warnings(r, &warn), shown = 0;
    for (size_t k = 0; k < n; k++) {
        bool few = strcmp(warn[k].code, "few_replications") == 0;
        if (few && w->warnings > 0)
            continue;
        fprintf(stderr, "flowsim: warning: sweep point %zu (", point + 1);
        for (size_t i = 0; i < w->nvary; i++)
            fprintf(stderr, "%s%s=%s", i ? ", " : "", w->vary[i].path, values[i]);
        fprintf(stderr, "): %s\n", warn[k].message);
        shown++, w->warnings++;
    }
    w->warned_points += shown > 0;
    free(warn);
}

static bool selected(const char *path, const char *metrics)
{
    if (metrics == NULL)
        return true;
    size_t n = strlen(path);
    for (const char *p = metrics; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len && len <= n && strncmp(path, p, len) == 0 && (path[len] == '\0' || path[len] == '.'))
            return true;
        p += len + (comma != NULL);
    }
    return false;
}

static const char **point_sets(const struct sweep *w, size_t point, const char **values)
{
    const struct cli_opts *o = w->o;
    const char **sets = flow__cli_sets_with(o, w->nvary);
    flow_sweep_point(w->vary, w->nvary, point, values);
    for (size_t i = 0; i < w->nvary; i++)
        sets[o->nsets + i] = flow_xasprintf("%s=%s", w->vary[i].path, values[i]);
    return sets;
}

/* Loads a point. Its varied values were applied as --set options after the user's: their
 * diagnostics are about the user's --vary (the Nth), so they say so, with the column in the
 * --vary text (a column past the path points at the start of its values). */
static struct flow_scenario *load_point(const struct sweep *w, const char **sets)
{
    struct flow_diag d;
    flow_diag_init(&d);
    struct flow_scenario *s = flow_scenario_load_file(w->o->scenario, sets, w->o->nsets + w->nvary, &d);
    for (size_t i = 0; i < d.count; i++) {
        unsigned long k;
        long col;
        int used = 0;
        if (sscanf(d.lines[i], "--set:%lu:%ld:%n", &k, &col, &used) != 2 || used == 0 || k <= w->o->nsets ||
            k > w->o->nsets + w->nvary)
            continue;
        size_t v = k - w->o->nsets - 1, path = strlen(w->vary[v].path);
        if (col > (long)path + 1)
            col = (long)path + 2;
        char *line = w->where ? flow_xasprintf("%s:%s", w->where[v], d.lines[i] + used)
                              : flow_xasprintf("--vary:%zu:%ld:%s", v + 1, col, d.lines[i] + used);
        free(d.lines[i]);
        d.lines[i] = line;
    }
    flow__cli_print_diag(&d);
    flow_diag_fini(&d);
    return s;
}

static void free_sets(const struct sweep *w, const char **sets)
{
    for (size_t i = 0; i < w->nvary; i++)
        free((char *)sets[w->o->nsets + i]);
    free(sets);
}

/* A parameter whose every value is a duration is written in days, and one whose every value is
 * a rate per day, as plain numbers (R and pandas read "5d" as text); the column's name says so
 * (PATH_days, PATH_per_day). Anything else is written as given. */
static const char *column_unit(const struct flow_vary *v)
{
    bool days = v->nvalues > 0, rate = v->nvalues > 0;
    double x;
    for (size_t k = 0; k < v->nvalues && (days || rate); k++) {
        days = days && flow_parse_duration(v->values[k], &x) == NULL;
        rate = rate && flow_parse_rate(v->values[k], &x) == NULL;
    }
    return days ? "days" : rate ? "per_day" : NULL;
}

static void write_value(FILE *f, const struct sweep *w, size_t i, const char *value)
{
    double x;
    if (w->units[i] == NULL)
        flow_csv_field(f, value);
    else if ((strcmp(w->units[i], "days") == 0 ? flow_parse_duration(value, &x) : flow_parse_rate(value, &x)) == NULL)
        flow_csv_number(f, x);
}

static void write_name(FILE *f, const struct sweep *w, size_t i)
{
    char *name = w->units[i] ? flow_xasprintf("%s_%s", w->vary[i].path, w->units[i]) : flow_xstrdup(w->vary[i].path);
    flow_csv_field(f, name);
    free(name);
}

static void write_headers(const struct sweep *w, FILE *runs, FILE *summary)
{
    fputs("point,replication", runs);
    for (size_t i = 0; i < w->nvary; i++) {
        fputc(',', runs);
        write_name(runs, w, i);
        if (i)
            fputc(',', summary);
        write_name(summary, w, i);
    }
    for (size_t c = 0; c < w->ncols; c++) {
        fputc(',', runs);
        flow_csv_field(runs, w->paths[w->cols[c]]);
        static const char *const suffix[] = {"_mean", "_ci_low", "_ci_high"};
        for (int k = 0; k < 3; k++) {
            char *name = flow_xasprintf("%s%s", w->paths[w->cols[c]], suffix[k]);
            fputc(',', summary);
            flow_csv_field(summary, name);
            free(name);
        }
    }
    fputc('\n', runs);
    fputc('\n', summary);
}

static void write_point(const struct sweep *w, size_t point, const char **values,
                        const struct flow_results *r, FILE *runs, FILE *summary)
{
    for (size_t rep = 0; rep < r->nreps; rep++) {
        fprintf(runs, "%zu,%zu", point + 1, rep + 1);
        for (size_t i = 0; i < w->nvary; i++) {
            fputc(',', runs);
            write_value(runs, w, i, values[i]);
        }
        for (size_t c = 0; c < w->ncols; c++) {
            fputc(',', runs);
            flow_csv_number(runs, r->values[rep * r->nmetrics + w->cols[c]]);
        }
        fputc('\n', runs);
    }
    for (size_t i = 0; i < w->nvary; i++) {
        if (i)
            fputc(',', summary);
        write_value(summary, w, i, values[i]);
    }
    for (size_t c = 0; c < w->ncols; c++) {
        struct flow_summary s;
        flow_results_summary(r, w->cols[c], &s);
        fputc(',', summary);
        flow_csv_number(summary, s.mean);
        fputc(',', summary);
        flow_csv_number(summary, s.ci_low);
        fputc(',', summary);
        flow_csv_number(summary, s.ci_high);
    }
    fputc('\n', summary);
}

/* Flushes a file to the disk; false on failure. */
static bool sync_file(FILE *f)
{
    return fflush(f) == 0 && fsync(fileno(f)) == 0 && !ferror(f);
}

/* What this sweep is: resuming is refused when it differs. */
static char *manifest_text(const struct sweep *w)
{
    const struct cli_opts *o = w->o;
    char *text = flow_xasprintf("flowsim sweep manifest\nscenario %s\nfingerprint %016llx\n"
                                "replications %d\n", o->scenario,
                                (unsigned long long)w->fingerprint, w->reps);
    for (size_t i = 0; i < o->nsets; i++) {
        char *t = flow_xasprintf("%sset %s\n", text, o->sets[i]);
        free(text);
        text = t;
    }
    for (size_t i = 0; i < w->nvary; i++) {
        char *t = flow_xasprintf("%svary %s", text, w->vary[i].path);
        free(text);
        text = t;
        for (size_t k = 0; k < w->vary[i].nvalues; k++) {
            t = flow_xasprintf("%s%c%s", text, k ? ',' : '=', w->vary[i].values[k]);
            free(text);
            text = t;
        }
        t = flow_xasprintf("%s\n", text);
        free(text);
        text = t;
    }
    char *t = flow_xasprintf("%smetrics %s\nlatin_hypercube %ld\n", text, w->metrics ? w->metrics : "all", w->lhs);
    free(text);
    return t;
}

/* Reads a sweep file whole (regular files only: a FIFO in its place is refused, not waited on). */
static char *slurp(const char *path, size_t *len)
{
    const char *why = NULL;
    return flow_read_regular(path, (size_t)1 << 36, len, &why);
}

/* The text a point's rows begin with in runs.csv ("P,R,values") or its summary line begins
 * with ("values"), as write_point writes them. */
static char *row_prefix(const struct sweep *w, size_t point, size_t rep, const char **values)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (rep > 0)
        fprintf(f, "%zu,%zu,", point + 1, rep);
    for (size_t i = 0; i < w->nvary; i++) {
        if (i)
            fputc(',', f);
        write_value(f, w, i, values[i]);
    }
    fputc(',', f);
    fclose(f);
    return buf;
}

static bool starts_with(const char *line, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return n <= len && memcmp(line, prefix, n) == 0;
}

/* Replications of point p: its value of a varied 'replications', else the scenario's. */
static size_t point_reps(const struct sweep *w, const char **values)
{
    return w->reps_vary >= 0 ? (size_t)strtoul(values[w->reps_vary], NULL, 10) : (size_t)w->reps;
}

/* Checks that both files hold this sweep's points in order, row by row, and finds how many
 * whole points they hold: summary line k is point k's values, and runs.csv holds rows 1..R
 * of each of those points (R from the point itself, so a varied 'replications' is right). A
 * partial point after them (a kill, a full disk) is cut; anything else was edited, and the
 * sweep refuses to mix it with new rows. Returns the count, or -1 (message printed). */
static long whole_points(const struct sweep *w, const char *runs, size_t rl, const char *summary,
                         size_t sl, long *cut_runs, long *cut_summary)
{
    const char **values = flow_xcalloc(w->nvary + 1, sizeof *values);
    const char *r = memchr(runs, '\n', rl), *q = memchr(summary, '\n', sl);
    const char *rend = runs + rl, *send = summary + sl;
    long done = -1;
    size_t point = 0;
    r = r ? r + 1 : rend;
    q = q ? q + 1 : send;
    for (;; point++) {
        const char *qnl = point < w->points ? memchr(q, '\n', (size_t)(send - q)) : NULL;
        if (qnl == NULL) {                       /* no further whole summary line */
            done = (long)point;
            break;
        }
        flow_sweep_point(w->vary, w->nvary, point, values);
        char *want = row_prefix(w, point, 0, values);
        bool ok = starts_with(q, (size_t)(qnl - q), want);
        free(want);
        size_t reps = point_reps(w, values);
        const char *point_rows = r;
        bool torn = false;
        for (size_t rep = 1; ok && !torn && rep <= reps; rep++) {
            const char *rnl = memchr(r, '\n', (size_t)(rend - r));
            torn = rnl == NULL;   /* runs.csv ends here: a torn write, cut back to point - 1 */
            char *row = row_prefix(w, point, rep, values);
            ok = torn || starts_with(r, (size_t)(rnl - r), row);
            free(row);
            r = ok && !torn ? rnl + 1 : r;
        }
        if (torn) {
            r = point_rows;
            done = (long)point;
            break;
        }
        if (!ok) {
            fprintf(stderr, "flowsim: error: --resume: the files in %s do not hold point %zu where "
                            "this sweep puts it (were rows deleted or edited?); run the sweep again "
                            "in another directory\n", w->o->output, point + 1);
            break;
        }
        q = qnl + 1;
    }
    *cut_runs = (long)(r - runs);
    *cut_summary = (long)(q - summary);
    free(values);
    return done;
}

/* Finds how many points an interrupted sweep finished, and cuts both files back to exactly
 * those points. Returns the count, or -1 (message printed) when the files are not this
 * sweep's. */
static long resume_point(const struct sweep *w)
{
    size_t rl, sl, ml;
    char *runs = slurp(w->runs, &rl), *summary = slurp(w->summary, &sl), *man = slurp(w->manifest, &ml);
    char *want = manifest_text(w);
    long done = -1, cut_runs = 0, cut_summary = 0;
    if (runs == NULL || summary == NULL || man == NULL) {
        fprintf(stderr, "flowsim: error: --resume: %s has no sweep to resume\n", w->o->output);
    } else if (strcmp(man, want) != 0) {
        fprintf(stderr, "flowsim: error: --resume: the sweep in %s was started with other "
                        "arguments or another scenario (see %s)\n", w->o->output, w->manifest);
    } else if ((done = whole_points(w, runs, rl, summary, sl, &cut_runs, &cut_summary)) > 0 &&
               (truncate(w->runs, cut_runs) != 0 || truncate(w->summary, cut_summary) != 0)) {
        fprintf(stderr, "flowsim: error: --resume: cannot repair the files in %s\n", w->o->output);
        done = -1;
    }
    free(runs);
    free(summary);
    free(man);
    free(want);
    return done;
}

static int write_manifest(const void *arg, FILE *f) { return fputs(arg, f) == EOF ? FLOW_E_IO : 0; }
static int manifest_fn(FILE *f, const void *arg) { return write_manifest(arg, f); }

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The points checked before the sweep starts: every value of every parameter (the others at
 * their first value) when a parameter has at most PROBE_ALL values; otherwise its first, last,
 * smallest, largest and PROBE_SPREAD values spread between. Planning thus costs a load per
 * value, not per point, and a million-point grid starts at once; a point whose combination
 * of values fails is reported when it is reached (finished points are kept). */
enum { PROBE_ALL = 64, PROBE_SPREAD = 16 };

static void probe_add(size_t *idx, size_t *n, size_t p) { idx[(*n)++] = p; }

static size_t *probe_points(const struct sweep *w, size_t *count)
{
    size_t cap = 1, n = 0;
    for (size_t i = 0; i < w->nvary; i++)
        cap += w->vary[i].nvalues <= PROBE_ALL ? w->vary[i].nvalues : 4 + PROBE_SPREAD;
    size_t *idx = flow_xcalloc(cap, sizeof *idx);
    bool zip = w->nvary > 0 && w->vary[0].lhs;
    probe_add(idx, &n, 0);
    size_t stride = 1;
    for (size_t i = w->nvary; i-- > 0;) {
        const struct flow_vary *v = &w->vary[i];
        size_t step = zip ? 1 : stride;
        if (v->nvalues <= PROBE_ALL) {
            for (size_t j = 0; j < v->nvalues; j++)
                probe_add(idx, &n, j * step);
        } else {
            size_t lo = 0, hi = 0;
            for (size_t j = 1; j < v->nvalues; j++) {
                double x = strtod(v->values[j], NULL);
                lo = x < strtod(v->values[lo], NULL) ? j : lo;
                hi = x > strtod(v->values[hi], NULL) ? j : hi;
            }
            probe_add(idx, &n, lo * step);
            probe_add(idx, &n, hi * step);
            probe_add(idx, &n, (v->nvalues - 1) * step);
            for (size_t k = 1; k < PROBE_SPREAD; k++)
                probe_add(idx, &n, (k * (v->nvalues - 1) / PROBE_SPREAD) * step);
        }
        stride *= zip ? 1 : v->nvalues;
    }
    qsort(idx, n, sizeof *idx, by_index);
    size_t u = 0;
    for (size_t k = 0; k < n; k++)
        if (u == 0 || idx[k] != idx[u - 1])
            idx[u++] = idx[k];
    *count = u;
    return idx;
}

/* Loads the probe points before running any, so a bad value stops the sweep before it starts. */
static int check_points(struct sweep *w)
{
    const char **values = flow_xcalloc(w->nvary, sizeof *values);
    int rc = EXIT_OK;
    size_t nprobe;
    size_t *probe = probe_points(w, &nprobe);
    for (size_t k = 0; k < nprobe && rc == EXIT_OK; k++) {
        size_t p = probe[k];
        const char **sets = point_sets(w, p, values);
        struct flow_scenario *s = load_point(w, sets);
        free_sets(w, sets);
        if (s == NULL) {
            fprintf(stderr, "flowsim: error: sweep point %zu cannot run (see above)\n", p + 1);
            rc = EXIT_SCENARIO;
            break;
        }
        size_t n;
        struct flow_metric_def *defs = flow_model_metric_defs(s, &n);
        if (p == 0) {
            w->reps = s->replications;
            w->nmetrics = n;
            w->paths = flow_xcalloc(n, sizeof *w->paths);
            w->cols = flow_xcalloc(n, sizeof *w->cols);
            for (size_t i = 0; i < n; i++) {
                w->paths[i] = flow_metric_path(&defs[i]);
                if (selected(w->paths[i], w->metrics))
                    w->cols[w->ncols++] = i;
            }
        } else if (n != w->nmetrics) {
            fprintf(stderr, "flowsim: error: sweep point %zu reports other metrics than point 1; "
                            "a sweep varies values, not the hospital's structure\n", p + 1);
            rc = EXIT_USAGE;
        }
        free(defs);
        flow_scenario_destroy(s);
    }
    free(probe);
    free(values);
    if (rc == EXIT_OK && w->ncols == 0)
        rc = flow__cli_usage_error("sweep", "--metrics '%s' selects no metric (use paths such as "
                             "wards.AMU.p_wait, or sections such as wards.AMU)", w->metrics);
    return rc;
}

/* A point reached in the run must report the metrics the probes found. */
static int point_shape(const struct sweep *w, const struct flow_scenario *s, size_t point)
{
    size_t n;
    free(flow_model_metric_defs(s, &n));
    if (n == w->nmetrics)
        return EXIT_OK;
    fprintf(stderr, "flowsim: error: sweep point %zu reports other metrics than point 1; "
                    "a sweep varies values, not the hospital's structure\n", point + 1);
    return EXIT_USAGE;
}

/* Points a sweep runs as one pool of jobs: at most BATCH_POINTS, stopping once they have
 * BATCH_JOBS_PER_THREAD replications a thread between them: enough that the threads' unequal
 * last jobs waste little, few enough that points are written (and can be resumed) as the sweep
 * goes. */
enum { BATCH_POINTS = 64, BATCH_JOBS_PER_THREAD = 8 };

static size_t batch_jobs(const struct cli_opts *o)
{
    long n = o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
    return (size_t)(n < 1 ? 1 : n > 256 ? 256 : n) * BATCH_JOBS_PER_THREAD;
}

/* Reports a point's failure, or writes its rows and summary, each synced: a crash leaves whole
 * points, and a failed write (a full disk) is cut back to the last whole point. */
static int write_batch_point(struct sweep *w, size_t point, const char **values, const struct flow_results *r,
                             int err, FILE *runs, FILE *summary)
{
    if (err > 0)
        return err;
    if (err != 0) {
        char ctx[64];
        snprintf(ctx, sizeof ctx, "sweep point %zu", point + 1);
        return flow__cli_run_error(err, ctx);
    }
    if (runs == NULL)                /* with MPI, the other ranks only compute */
        return EXIT_OK;
    warn_point(w, point, values, r);
    long runs_at = ftell(runs), summary_at = ftell(summary);
    write_point(w, point, values, r, runs, summary);
    if (sync_file(runs) && sync_file(summary))
        return EXIT_OK;
    fprintf(stderr, "flowsim: error: cannot write in %s: %s\n", w->o->output, strerror(errno));
    clearerr(runs);
    clearerr(summary);
    if (ftruncate(fileno(runs), runs_at) != 0 || ftruncate(fileno(summary), summary_at) != 0)
        fprintf(stderr, "flowsim: error: cannot cut %s back to its last whole point\n", w->o->output);
    return EXIT_RUNTIME;
}

static int run_points(struct sweep *w, size_t first)
{
    bool writer = flow_mpi_rank() == 0;  /* with MPI, the other ranks only compute */
    FILE *runs = writer ? fopen(w->runs, first ? "a" : "w") : NULL;
    FILE *summary = writer ? fopen(w->summary, first ? "a" : "w") : NULL;
    int rc = EXIT_OK;
    if (writer && (runs == NULL || summary == NULL)) {
        fprintf(stderr, "flowsim: error: cannot write in %s: %s\n", w->o->output, strerror(errno));
        rc = EXIT_RUNTIME;
    }
    rc = (int)flow_mpi_broadcast(rc);
    if (rc == EXIT_OK && first == 0 && writer) {
        write_headers(w, runs, summary);
        if (!sync_file(runs) || !sync_file(summary))
            rc = EXIT_RUNTIME;
    }
    struct progress p;
    flow__progress_init(&p, w->o, "sweep points");
    const char **values = flow_xcalloc(w->nvary, sizeof *values);
    struct flow_scenario **batch = flow_xcalloc(BATCH_POINTS, sizeof *batch);
    struct flow_results *res = flow_xcalloc(BATCH_POINTS, sizeof *res);
    int *status = flow_xcalloc(BATCH_POINTS, sizeof *status);
    for (size_t point = first; point < w->points && rc == EXIT_OK;) {
        /* The next points, up to one that cannot run, with enough replications between them to
         * keep every thread busy, run as one pool of jobs; then each is written in order. */
        size_t n = 0, jobs = 0;
        int load_err = EXIT_OK;
        while (n < BATCH_POINTS && point + n < w->points && jobs < batch_jobs(w->o)) {
            const char **sets = point_sets(w, point + n, values);
            struct flow_scenario *s = load_point(w, sets);
            free_sets(w, sets);
            load_err = s ? point_shape(w, s, point + n) : EXIT_SCENARIO;
            if (load_err != EXIT_OK) {
                flow_scenario_destroy(s);
                break;
            }
            batch[n++] = s;
            jobs += (size_t)s->replications;
        }
        struct flow_run_options ro = {.threads = w->o->threads};
        flow_experiment_run_batch((const struct flow_scenario *const *)batch, n, &ro, res, status);
        for (size_t k = 0; k <= n && rc == EXIT_OK; k++, point++) {
            if (k == n) {            /* the point that could not run, if any, ends the sweep */
                if (load_err == EXIT_SCENARIO)
                    fprintf(stderr, "flowsim: error: sweep point %zu cannot run (see above)\n", point + 1);
                rc = load_err;
                break;
            }
            free_sets(w, point_sets(w, point, values));
            rc = write_batch_point(w, point, values, &res[k], status[k], runs, summary);
            rc = (int)flow_mpi_broadcast(rc);
            flow__progress_update(&p, point + 1, w->points);
        }
        for (size_t k = 0; k < n; k++) {
            flow_results_fini(&res[k]);
            flow_scenario_destroy(batch[k]);
        }
    }
    free(batch);
    free(res);
    free(status);
    flow__progress_end(&p);
    free(values);
    if (rc == EXIT_RUNTIME && runs && summary)
        fprintf(stderr, "flowsim: error: the sweep in %s stopped; finished points are kept (use --resume)\n",
                w->o->output);
    /* Buffers that could not be written were discarded by the truncation above. */
    if (runs)
        rc = fclose(runs) != 0 && rc == EXIT_OK ? EXIT_RUNTIME : rc;
    if (summary)
        rc = fclose(summary) != 0 && rc == EXIT_OK ? EXIT_RUNTIME : rc;
    return rc;
}

/* Rank 0 prepares the output (or finds where to resume); every rank learns the outcome. */
static int prepare_files(struct sweep *w, long *first_point);

static int sweep_files(struct sweep *w)
{
    long first = 0;
    int rc = flow_mpi_rank() == 0 ? prepare_files(w, &first) : EXIT_OK;
    rc = (int)flow_mpi_broadcast(rc);
    first = flow_mpi_broadcast(first);
    if (rc != EXIT_OK)
        return rc;
    return run_points(w, (size_t)first);
}

static int prepare_files(struct sweep *w, long *first_point)
{
    const char *dir = w->o->output;
    flow_interrupt_defer();   /* from here an interrupt must leave whole points */
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "flowsim: error: cannot create %s: %s\n", dir, strerror(errno));
        return EXIT_RUNTIME;
    }
    /* One sweep per directory at a time: a second one would interleave its rows. The lock
     * goes with the process, however it ends. */
    w->lock_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (w->lock_fd < 0 || flock(w->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            return flow__cli_usage_error("sweep", "another sweep is writing in %s; wait for it, or use "
                                   "another --output", dir);
        fprintf(stderr, "flowsim: error: cannot use %s: %s\n", dir, strerror(errno));
        return EXIT_RUNTIME;
    }
    w->runs = flow_xasprintf("%s/runs.csv", dir);
    w->summary = flow_xasprintf("%s/summary.csv", dir);
    w->manifest = flow_xasprintf("%s/sweep.txt", dir);
    size_t first = 0;
    if (w->o->resume) {
        long done = resume_point(w);
        if (done < 0)
            return EXIT_USAGE;
        first = (size_t)done;
    } else {
        struct stat st;
        if (stat(w->runs, &st) == 0 || stat(w->summary, &st) == 0)
            return flow__cli_usage_error("sweep", "%s already holds a sweep: use --resume to finish it, or "
                                   "another --output", dir);
        char *man = manifest_text(w);
        char why[512];   /* written at once, not staged: --resume needs it after a kill */
        int bad = flow_output_atomic(w->manifest, manifest_fn, man, why, sizeof why);
        free(man);
        if (bad) {
            fprintf(stderr, "flowsim: error: %s\n", why);
            return EXIT_RUNTIME;
        }
    }
    *first_point = (long)first;
    return EXIT_OK;
}

/* The grid: --vary options, or else the scenario file's sweep: block. */
static int parse_varies(struct sweep *w, const struct flow_scenario *s)
{
    const struct cli_opts *o = w->o;
    bool from_file = o->nvaries == 0;
    w->nvary = from_file ? s->sweep.nvary : o->nvaries;
    const char *metrics = o->metrics ? o->metrics : s->sweep.metrics;
    w->metrics = metrics ? flow_xstrdup(metrics) : NULL;
    w->lhs = o->lhs ? o->lhs : s->sweep.latin_hypercube;
    if (w->nvary == 0)
        return flow__cli_usage_error("sweep", "sweep needs --vary, or a sweep: block with vary: in the scenario");
    w->vary = flow_xcalloc(w->nvary, sizeof *w->vary);
    if (from_file) {                   /* where each item is, for a point's diagnostics */
        w->where = flow_xcalloc(w->nvary, sizeof *w->where);
        for (size_t i = 0; i < w->nvary; i++)
            w->where[i] = flow_xasprintf("%s:%d:%d", s->sweep.src, s->sweep.line[i], s->sweep.col[i]);
    }
    char why[512];
    for (size_t i = 0; i < w->nvary; i++) {
        const char *spec = from_file ? s->sweep.vary[i] : o->varies[i];
        int bad = flow_vary_parse(spec, &w->vary[i], why, sizeof why) != 0;
        if (!bad && w->vary[i].nvalues == 0 && w->lhs == 0) {
            snprintf(why, sizeof why, "%s: a range FROM:TO needs a STEP (FROM:TO:STEP), or a Latin "
                                      "hypercube (--lhs N, or latin_hypercube: N)", w->vary[i].path);
            bad = 1;
        }
        if (bad && from_file) {
            fprintf(stderr, "%s:%d:%d: error: %s\n", s->sweep.src, s->sweep.line[i], s->sweep.col[i], why);
            return EXIT_SCENARIO;
        }
        if (bad)
            return flow__cli_usage_error("sweep", "%s", why);
    }
    w->reps_vary = -1;
    for (size_t i = 0; i < w->nvary; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(w->vary[i].path, w->vary[j].path) == 0)
                return flow__cli_usage_error("sweep", "%s is varied twice; give its values in one --vary",
                                       w->vary[i].path);
        if (strcmp(w->vary[i].path, "replications") == 0)
            w->reps_vary = (int)i;
    }
    if (w->lhs > 0 && (double)w->lhs * (double)w->nvary > 1e7)
        return flow__cli_usage_error("sweep", "a Latin hypercube of %ld points over %zu parameters is over "
                               "the limit of 1e7 values", w->lhs, w->nvary);
    if (w->lhs > 0 && flow_sweep_lhs(w->vary, w->nvary, (size_t)w->lhs, s->seed, why, sizeof why) != 0)
        return flow__cli_usage_error("sweep", "%s", why);
    if ((w->points = flow_sweep_points(w->vary, w->nvary, 1000000)) == 0)
        return flow__cli_usage_error("sweep", "the grid has more than 1,000,000 points");
    w->units = flow_xcalloc(w->nvary + 1, sizeof *w->units);
    for (size_t i = 0; i < w->nvary; i++)
        w->units[i] = column_unit(&w->vary[i]);
    return EXIT_OK;
}

int flow__cmd_sweep(int argc, char **argv)
{
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "sweep", &o);
    if (rc == EXIT_OK && !o.help && (o.scenario == NULL || o.output == NULL))
        rc = flow__cli_usage_error("sweep", "sweep needs SCENARIO and --output DIR");
    if (rc != EXIT_OK || o.help)
        return flow__cli_finish(&o, rc != EXIT_OK ? rc : flow__cli_help("sweep"));
    struct sweep w = {.o = &o, .lock_fd = -1};
    struct flow_scenario *s = flow__cli_load_path(o.scenario, o.sets, o.nsets);
    rc = s ? parse_varies(&w, s) : EXIT_SCENARIO;
    w.fingerprint = s ? s->fingerprint : 0;
    flow_scenario_destroy(s);
    if (rc == EXIT_OK)
        rc = check_points(&w);
    if (rc == EXIT_OK)
        rc = sweep_files(&w);
    if (rc == EXIT_OK && o.report)
        rc = flow__cli_write_report(&o, flow__cli_saved_html, o.output);
    w.warnings = (size_t)flow_mpi_broadcast((long)w.warnings);
    if (w.warnings > 0 && flow_mpi_rank() == 0)
        fprintf(stderr, "flowsim: %zu warning%s at %zu of %zu sweep points (above)%s\n", w.warnings,
                w.warnings == 1 ? "" : "s", w.warned_points, w.points, o.strict ? "; --strict: exit 5" : "");
    if (rc == EXIT_OK && o.strict && w.warnings + flow__cli_load_warnings() > 0)
        rc = EXIT_WARNING;
    for (size_t i = 0; i < w.nvary; i++) {
        flow_vary_fini(&w.vary[i]);
        if (w.where)
            free(w.where[i]);
    }
    free(w.where);
    for (size_t i = 0; w.paths && i < w.nmetrics; i++)
        free(w.paths[i]);
    free(w.paths);
    free(w.cols);
    free(w.vary);
    free(w.units);
    free(w.runs);
    free(w.summary);
    free(w.manifest);
    free(w.metrics);
    if (w.lock_fd >= 0)
        close(w.lock_fd);
    return flow__cli_finish(&o, rc);
}

