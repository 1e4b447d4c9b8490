/* sweep_run.c - running a sweep: its plan (the parameters from --vary or the scenario's sweep:
 * block, checked; the metrics kept), the probe points loaded before any runs, and the points run
 * in batches, each handed to the caller in order (who writes it: report.h). Prints nothing:
 * messages go back as sentences and diagnostics. */
#include <flowsim/experiment.h>
#include <flowsim/scenario.h>
#include <flowsim/sweep.h>
#include <flowsim/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the plan --------------------------------------------------------------------------- */

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

/* Parses parameter i from spec; FLOW_SWEEP_OK, or USAGE (a --vary) or FILE (a sweep: item). */
static int plan_vary(struct flow_sweep *w, const struct flow_scenario *s, size_t i, const char *spec, bool from_file,
                     char *why, size_t len)
{
    char msg[512];
    int bad = flow_vary_parse(spec, &w->vary[i], msg, sizeof msg) != 0;
    if (!bad && w->vary[i].nvalues == 0 && w->lhs == 0) {
        snprintf(msg, sizeof msg, "%s: a range FROM:TO needs a STEP (FROM:TO:STEP), or a Latin hypercube (--lhs N, "
                 "or latin_hypercube: N)", w->vary[i].path);
        bad = 1;
    }
    if (!bad)
        return FLOW_SWEEP_OK;
    if (!from_file) {
        snprintf(why, len, "%s", msg);
        return FLOW_SWEEP_USAGE;
    }
    snprintf(why, len, "%s:%d:%d: error: %s", s->sweep.src, s->sweep.line[i], s->sweep.col[i], msg);
    return FLOW_SWEEP_FILE;
}

/* The grid's own checks: no parameter twice, a hypercube within its limit, the points
 * counted; units and the varied 'replications' found. */
static int plan_grid(struct flow_sweep *w, const struct flow_scenario *s, char *why, size_t len)
{
    w->reps_vary = -1;
    for (size_t i = 0; i < w->nvary; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(w->vary[i].path, w->vary[j].path) == 0) {
                snprintf(why, len, "%s is varied twice; give its values in one --vary", w->vary[i].path);
                return FLOW_SWEEP_USAGE;
            }
        if (strcmp(w->vary[i].path, "replications") == 0)
            w->reps_vary = (int)i;
    }
    if (w->lhs > 0 && (double)w->lhs * (double)w->nvary > 1e7) {
        snprintf(why, len, "a Latin hypercube of %ld points over %zu parameters is over the limit of 1e7 values",
                 w->lhs, w->nvary);
        return FLOW_SWEEP_USAGE;
    }
    if (w->lhs > 0 && flow_sweep_lhs(w->vary, w->nvary, (size_t)w->lhs, s->seed, why, len) != 0)
        return FLOW_SWEEP_USAGE;
    if ((w->points = flow_sweep_points(w->vary, w->nvary, 1000000)) == 0) {
        snprintf(why, len, "the grid has more than 1,000,000 points");
        return FLOW_SWEEP_USAGE;
    }
    w->units = flow_xcalloc(w->nvary + 1, sizeof *w->units);
    for (size_t i = 0; i < w->nvary; i++)
        w->units[i] = column_unit(&w->vary[i]);
    return FLOW_SWEEP_OK;
}

int flow_sweep_plan(struct flow_sweep *w, const struct flow_scenario *s, const char *scenario,
                    const char *const *sets, size_t nsets, const char *const *varies, size_t nvaries,
                    const char *metrics, long lhs, char *why, size_t len)
{
    *w = (struct flow_sweep){.scenario = scenario, .sets = sets, .nsets = nsets, .reps_vary = -1,
                             .fingerprint = s->fingerprint};
    bool from_file = nvaries == 0;
    w->nvary = from_file ? s->sweep.nvary : nvaries;
    metrics = metrics ? metrics : s->sweep.metrics;
    w->metrics = metrics ? flow_xstrdup(metrics) : NULL;
    w->lhs = lhs ? lhs : s->sweep.latin_hypercube;
    if (w->nvary == 0) {
        snprintf(why, len, "sweep needs --vary, or a sweep: block with vary: in the scenario");
        return FLOW_SWEEP_USAGE;
    }
    w->vary = flow_xcalloc(w->nvary, sizeof *w->vary);
    if (from_file) {                   /* where each item is, for a point's diagnostics */
        w->where = flow_xcalloc(w->nvary, sizeof *w->where);
        for (size_t i = 0; i < w->nvary; i++)
            w->where[i] = flow_xasprintf("%s:%d:%d", s->sweep.src, s->sweep.line[i], s->sweep.col[i]);
    }
    for (size_t i = 0; i < w->nvary; i++) {
        int rc = plan_vary(w, s, i, from_file ? s->sweep.vary[i] : varies[i], from_file, why, len);
        if (rc != FLOW_SWEEP_OK)
            return rc;
    }
    return plan_grid(w, s, why, len);
}

void flow_sweep_fini(struct flow_sweep *w)
{
    for (size_t i = 0; w->vary && i < w->nvary; i++) {
        flow_vary_fini(&w->vary[i]);
        if (w->where)
            free(w->where[i]);
    }
    free(w->where);
    for (size_t i = 0; w->paths && i < w->nmetrics; i++)
        free(w->paths[i]);
    free(w->paths);
    free(w->cols);
    free(w->vary);
    free(w->units);
    free(w->metrics);
}

size_t flow_sweep_point_reps(const struct flow_sweep *w, const char **values)
{
    return w->reps_vary >= 0 ? (size_t)strtoul(values[w->reps_vary], NULL, 10) : (size_t)w->reps;
}

/* ---- loading a point -------------------------------------------------------------------- */

/* The user's --set, then one per parameter at point p's values (those strings owned). */
static const char **point_sets(const struct flow_sweep *w, size_t point, const char **values)
{
    const char **sets = flow_xcalloc(w->nsets + w->nvary + 1, sizeof *sets);
    for (size_t i = 0; i < w->nsets; i++)
        sets[i] = w->sets[i];
    flow_sweep_point(w->vary, w->nvary, point, values);
    for (size_t i = 0; i < w->nvary; i++)
        sets[w->nsets + i] = flow_xasprintf("%s=%s", w->vary[i].path, values[i]);
    return sets;
}

static void free_sets(const struct flow_sweep *w, const char **sets)
{
    for (size_t i = 0; i < w->nvary; i++)
        free((char *)sets[w->nsets + i]);
    free(sets);
}

/* Its varied values were applied as --set options after the user's: their diagnostics are
 * about the user's --vary (the Nth), so they say so, with the column in the --vary text (a
 * column past the path points at the start of its values), or the sweep: item's place. */
static void name_the_varies(const struct flow_sweep *w, struct flow_diag *d, size_t from)
{
    for (size_t i = from; i < d->count; i++) {
        unsigned long k;
        long col;
        int used = 0;
        if (sscanf(d->lines[i], "--set:%lu:%ld:%n", &k, &col, &used) != 2 || used == 0 || k <= w->nsets ||
            k > w->nsets + w->nvary)
            continue;
        size_t v = k - w->nsets - 1, path = strlen(w->vary[v].path);
        if (col > (long)path + 1)
            col = (long)path + 2;
        char *line = w->where ? flow_xasprintf("%s:%s", w->where[v], d->lines[i] + used)
                              : flow_xasprintf("--vary:%zu:%ld:%s", v + 1, col, d->lines[i] + used);
        free(d->lines[i]);
        d->lines[i] = line;
    }
}

struct flow_scenario *flow_sweep_load(const struct flow_sweep *w, size_t p, const char **values, struct flow_diag *d)
{
    const char **sets = point_sets(w, p, values);
    size_t before = d->count;
    struct flow_scenario *s = flow_scenario_load_file(w->scenario, sets, w->nsets + w->nvary, d);
    name_the_varies(w, d, before);
    free_sets(w, sets);
    return s;
}

/* ---- the probe: can the sweep run? ------------------------------------------------------ */

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

/* A parameter of more than PROBE_ALL values: its smallest, largest, last and a spread. */
static void probe_spread(const struct flow_vary *v, size_t step, size_t *idx, size_t *n)
{
    size_t lo = 0, hi = 0;
    for (size_t j = 1; j < v->nvalues; j++) {
        double x = strtod(v->values[j], NULL);
        lo = x < strtod(v->values[lo], NULL) ? j : lo;
        hi = x > strtod(v->values[hi], NULL) ? j : hi;
    }
    probe_add(idx, n, lo * step);
    probe_add(idx, n, hi * step);
    probe_add(idx, n, (v->nvalues - 1) * step);
    for (size_t k = 1; k < PROBE_SPREAD; k++)
        probe_add(idx, n, (k * (v->nvalues - 1) / PROBE_SPREAD) * step);
}

static size_t *probe_points(const struct flow_sweep *w, size_t *count)
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
        if (v->nvalues <= PROBE_ALL)
            for (size_t j = 0; j < v->nvalues; j++)
                probe_add(idx, &n, j * step);
        else
            probe_spread(v, step, idx, &n);
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

/* The first point's metrics: the paths of all, and the indices of those kept. */
static void keep_metrics(struct flow_sweep *w, const struct flow_scenario *s, const struct flow_metric_def *defs,
                         size_t n)
{
    w->reps = s->replications;
    w->nmetrics = n;
    w->paths = flow_xcalloc(n, sizeof *w->paths);
    w->cols = flow_xcalloc(n, sizeof *w->cols);
    for (size_t i = 0; i < n; i++) {
        w->paths[i] = flow_metric_path(&defs[i]);
        if (selected(w->paths[i], w->metrics))
            w->cols[w->ncols++] = i;
    }
}

static int cannot_run(size_t point, char *why, size_t len)
{
    snprintf(why, len, "sweep point %zu cannot run (see above)", point + 1);
    return FLOW_SWEEP_SCENARIO;
}

static int other_shape(size_t point, char *why, size_t len)
{
    snprintf(why, len, "sweep point %zu reports other metrics than point 1; a sweep varies values, not the "
             "hospital's structure", point + 1);
    return FLOW_SWEEP_SHAPE;
}

int flow_sweep_probe(struct flow_sweep *w, struct flow_diag *d, char *why, size_t len)
{
    const char **values = flow_xcalloc(w->nvary + 1, sizeof *values);
    int rc = FLOW_SWEEP_OK;
    size_t nprobe;
    size_t *probe = probe_points(w, &nprobe);
    for (size_t k = 0; k < nprobe && rc == FLOW_SWEEP_OK; k++) {
        size_t p = probe[k], n;
        struct flow_scenario *s = flow_sweep_load(w, p, values, d);
        if (s == NULL) {
            rc = cannot_run(p, why, len);
            break;
        }
        struct flow_metric_def *defs = flow_model_metric_defs(s, &n);
        if (p == 0)
            keep_metrics(w, s, defs, n);
        else if (n != w->nmetrics)
            rc = other_shape(p, why, len);
        free(defs);
        flow_scenario_destroy(s);
    }
    free(probe);
    free(values);
    if (rc == FLOW_SWEEP_OK && w->ncols == 0) {
        snprintf(why, len, "--metrics '%s' selects no metric (use paths such as wards.AMU.p_wait, or sections such "
                 "as wards.AMU)", w->metrics);
        rc = FLOW_SWEEP_USAGE;
    }
    return rc;
}

/* ---- running the points ----------------------------------------------------------------- */

/* Points a sweep runs as one pool of jobs: at most BATCH_POINTS, stopping once they have
 * BATCH_JOBS_PER_THREAD replications a thread between them: enough that the threads' unequal
 * last jobs waste little, few enough that points are written (and can be resumed) as the sweep
 * goes. */
enum { BATCH_POINTS = 64, BATCH_JOBS_PER_THREAD = 8 };

static size_t batch_jobs(int threads)
{
    long n = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);
    return (size_t)(n < 1 ? 1 : n > 256 ? 256 : n) * BATCH_JOBS_PER_THREAD;
}

struct batch {
    struct flow_scenario *s[BATCH_POINTS];
    struct flow_results res[BATCH_POINTS];
    int status[BATCH_POINTS];
    size_t n;
    int load_err;                      /* why the batch ended before its last point, or OK */
};

/* The next points from `point`, up to one that cannot run, with enough replications between
 * them to keep every thread busy. */
static void batch_load(const struct flow_sweep *w, size_t point, int threads, struct batch *b, const char **values,
                       void (*d_fn)(void *, struct flow_diag *), void *arg)
{
    size_t jobs = 0;
    b->n = 0;
    b->load_err = FLOW_SWEEP_OK;
    while (b->n < BATCH_POINTS && point + b->n < w->points && jobs < batch_jobs(threads)) {
        struct flow_diag d;
        flow_diag_init(&d);
        struct flow_scenario *s = flow_sweep_load(w, point + b->n, values, &d);
        if (d_fn)
            d_fn(arg, &d);
        flow_diag_fini(&d);
        size_t n = 0;
        if (s)
            free(flow_model_metric_defs(s, &n));
        b->load_err = s == NULL ? FLOW_SWEEP_SCENARIO : n != w->nmetrics ? FLOW_SWEEP_SHAPE : FLOW_SWEEP_OK;
        if (b->load_err != FLOW_SWEEP_OK) {
            flow_scenario_destroy(s);
            break;
        }
        b->s[b->n++] = s;
        jobs += (size_t)s->replications;
    }
}

int flow_sweep_run(const struct flow_sweep *w, size_t first, int threads, flow_sweep_point_fn fn,
                   void (*d_fn)(void *arg, struct flow_diag *d), void *arg, int *code, char *why, size_t len)
{
    const char **values = flow_xcalloc(w->nvary + 1, sizeof *values);
    struct batch *b = flow_xcalloc(1, sizeof *b);
    int rc = 0;
    size_t jobs = 0;                   /* replications of the points before the batch */
    *code = 0;
    for (size_t point = first; point < w->points && rc == 0;) {
        batch_load(w, point, threads, b, values, d_fn, arg);
        struct flow_run_options ro = {.threads = threads, .shard = w->shard, .shards = w->shards,
                                      .shard_jobs_before = jobs};
        flow_experiment_run_batch((const struct flow_scenario *const *)b->s, b->n, &ro, b->res, b->status);
        for (size_t k = 0; k < b->n; k++)
            jobs += (size_t)b->s[k]->replications;
        for (size_t k = 0; k < b->n && rc == 0; k++, point++) {
            flow_sweep_point(w->vary, w->nvary, point, values);
            *code = (int)flow_mpi_broadcast(fn(arg, point, values, &b->res[k], b->status[k]));
            rc = *code != 0 ? FLOW_SWEEP_STOPPED : 0;
        }
        if (rc == 0 && b->load_err != FLOW_SWEEP_OK)   /* the point that could not run ends the sweep */
            rc = b->load_err == FLOW_SWEEP_SCENARIO ? cannot_run(point, why, len) : other_shape(point, why, len);
        for (size_t k = 0; k < b->n; k++) {
            flow_results_fini(&b->res[k]);
            flow_scenario_destroy(b->s[k]);
        }
    }
    free(b);
    free(values);
    return rc;
}
