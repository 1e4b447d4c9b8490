/* experiment.c - replications in parallel threads. Each thread takes the next replication
 * number from a shared counter and writes that replication's row, so results are identical
 * whatever the number of threads. */
#include "mpi_internal.h"

#include <flowsim/error.h>
#include <flowsim/limits.h>
#include <flowsim/experiment.h>
#include <flowsim/util.h>

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct shared {
    size_t rank, ranks;       /* this process runs the replications k with k mod ranks = rank */
    const struct flow_scenario *s;
    struct flow_results *r;
    const struct flow_run_options *o;
    pthread_mutex_t lock;
    size_t next, done;
    int status;
    size_t failed_rep;
};

static int run_one(struct shared *sh, size_t rep, uint64_t *events)
{
    struct flow_model *m = flow_model_create(sh->s, (uint32_t)rep);
    if (sh->r->hourly)
        flow_model_profile(m);
    if (sh->r->daily)
        flow_model_record_daily(m, sh->r->days);
    if (sh->o && sh->o->trace && rep == sh->o->trace_replication)
        flow_model_trace(m, sh->o->trace, sh->o->trace_arg);
    int rc = flow_model_run(m);
    if (rc == 0)
        flow_model_metrics(m, sh->r->values + rep * sh->r->nmetrics);
    if (rc == 0 && sh->r->hourly) {
        flow_model_hourly(m, sh->r->hourly + rep * sh->s->nwards * 168);
        if (sh->r->hourly_departures)
            flow_model_hourly_departures(m, sh->r->hourly_departures + rep * sh->s->nwards * 168);
        if (sh->r->hourly_beds)
            flow_model_hourly_beds(m, sh->r->hourly_beds + rep * sh->s->nwards * 168);
        flow_model_los_quantiles(m, sh->r->los_quantiles + rep * 99);
        flow_model_wait_quantiles(m, sh->r->wait_quantiles + rep * sh->s->nwards * 99);
        if (sh->r->time_quantiles)
            flow_model_time_quantiles(m, sh->r->time_quantiles + rep * sh->s->nwards * 99);
    }
    if (rc == 0)
        flow_model_backlog(m, sh->r->backlog + rep * flow_model_backlog_width(sh->s));
    if (rc == 0 && sh->r->daily) {
        size_t days, width;
        const double *d = flow_model_daily(m, &days, &width);
        memcpy(sh->r->daily + rep * sh->r->days * width, d, days * width * sizeof *d);
    }
    *events = flow_model_events(m);
    flow_model_destroy(m);
    return rc;
}

static void *worker(void *arg)
{
    struct shared *sh = arg;
    for (;;) {
        pthread_mutex_lock(&sh->lock);
        size_t rep = sh->next++;
        while (rep < sh->r->nreps && rep % sh->ranks != sh->rank)
            rep = sh->next++;
        bool stop = rep >= sh->r->nreps || sh->status != 0;
        pthread_mutex_unlock(&sh->lock);
        if (stop)
            return NULL;
        uint64_t events = 0;
        int rc = run_one(sh, rep, &events);
        pthread_mutex_lock(&sh->lock);
        sh->r->events += events;
        sh->done++;
        if (rc != 0 && (sh->status == 0 || rep < sh->failed_rep)) {
            sh->status = rc;
            sh->failed_rep = rep;
        }
        if (sh->o && sh->o->progress)
            sh->o->progress(sh->o->progress_arg, sh->done, sh->r->nreps);
        pthread_mutex_unlock(&sh->lock);
    }
}

static int thread_count(const struct flow_run_options *o, size_t reps)
{
    long n = o && o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if ((size_t)n > reps)
        n = (long)reps;
    return n > 256 ? 256 : (int)n;
}

/* Runs replications [first, out->nreps) into their rows. */
static int run_range(const struct flow_scenario *s, const struct flow_run_options *o,
                     struct flow_results *out, size_t first, size_t *failed_rep)
{
    struct shared sh = {.s = s, .r = out, .o = o, .next = first, .done = first,
                        .rank = (size_t)flow_mpi_rank(), .ranks = (size_t)flow_mpi_size()};
    pthread_mutex_init(&sh.lock, NULL);
    int n = thread_count(o, out->nreps - first);
    pthread_t tid[256];
    int started = 0;
    for (int i = 1; i < n; i++)
        if (pthread_create(&tid[started], NULL, worker, &sh) == 0)
            started++;
    worker(&sh);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    pthread_mutex_destroy(&sh.lock);
    if (failed_rep)
        *failed_rep = sh.failed_rep;
    int rc = flow_mpi_gather_rows(out->values, out->nmetrics, out->nreps, first, sh.status, &out->events);
    if (rc == 0)
        rc = flow_mpi_gather_rows(out->backlog, flow_model_backlog_width(s), out->nreps, first, 0, NULL);
    if (rc == 0 && out->hourly)
        rc = flow_mpi_gather_rows(out->hourly, s->nwards * 168, out->nreps, first, 0, NULL);
    if (rc == 0 && out->hourly_departures)
        rc = flow_mpi_gather_rows(out->hourly_departures, s->nwards * 168, out->nreps, first, 0, NULL);
    if (rc == 0 && out->hourly_beds)
        rc = flow_mpi_gather_rows(out->hourly_beds, s->nwards * 168, out->nreps, first, 0, NULL);
    if (rc == 0 && out->los_quantiles)
        rc = flow_mpi_gather_rows(out->los_quantiles, 99, out->nreps, first, 0, NULL);
    if (rc == 0 && out->wait_quantiles)
        rc = flow_mpi_gather_rows(out->wait_quantiles, s->nwards * 99, out->nreps, first, 0, NULL);
    if (rc == 0 && out->time_quantiles)
        rc = flow_mpi_gather_rows(out->time_quantiles, s->nwards * 99, out->nreps, first, 0, NULL);
    if (rc == 0 && out->daily)
        rc = flow_mpi_gather_rows(out->daily, out->days * flow_model_daily_count(s), out->nreps, first, 0, NULL);
    return rc;
}

double flow_experiment_kept(const struct flow_scenario *s, const struct flow_run_options *o,
                            size_t nreps)
{
    size_t nmetrics;
    free(flow_model_metric_defs(s, &nmetrics));
    double wards = (double)s->nwards, per_rep = (double)nmetrics, running = 0;
    double days = floor(s->warmup_days + s->horizon_days);
    if (o && o->profile)
        per_rep += wards * 168 * (1 + flow_model_has_rounds(s) + flow_model_has_bed_plans(s)) + 99 +
                   wards * 99 * (1 + s->time_targets);
    if (o && o->daily) {
        per_rep += days * (double)flow_model_daily_count(s);
        running = (double)thread_count(o, nreps) * days * (double)flow_model_daily_count(s);
    }
    return (double)nreps * per_rep + running;
}

int flow_experiment_run(const struct flow_scenario *s, const struct flow_run_options *o,
                        struct flow_results *out, size_t *failed_rep)
{
    memset(out, 0, sizeof *out);
    if (flow_experiment_kept(s, o, (size_t)s->replications) > FLOW_MAX_KEPT_VALUES)
        return FLOW_E_TOO_BIG;
    out->scenario = s;
    out->defs = flow_model_metric_defs(s, &out->nmetrics);
    out->nreps = (size_t)s->replications;
    out->values = flow_xcalloc(out->nreps * out->nmetrics, sizeof *out->values);
    out->backlog = flow_xcalloc(out->nreps * flow_model_backlog_width(s) + 1, sizeof *out->backlog);
    if (o && o->profile) {
        out->hourly = flow_xcalloc(out->nreps * s->nwards * 168 + 1, sizeof *out->hourly);
        if (flow_model_has_rounds(s))
            out->hourly_departures = flow_xcalloc(out->nreps * s->nwards * 168 + 1, sizeof *out->hourly_departures);
        if (flow_model_has_bed_plans(s))
            out->hourly_beds = flow_xcalloc(out->nreps * s->nwards * 168 + 1, sizeof *out->hourly_beds);
        out->los_quantiles = flow_xcalloc(out->nreps * 99, sizeof *out->los_quantiles);
        out->wait_quantiles = flow_xcalloc(out->nreps * s->nwards * 99 + 1, sizeof *out->wait_quantiles);
        if (s->time_targets)
            out->time_quantiles = flow_xcalloc(out->nreps * s->nwards * 99 + 1, sizeof *out->time_quantiles);
    }
    if (o && o->daily) {
        out->days = (size_t)floor(s->warmup_days + s->horizon_days);
        out->daily = flow_xcalloc(out->nreps * out->days * flow_model_daily_count(s) + 1, sizeof *out->daily);
    }
    return run_range(s, o, out, 0, failed_rep);
}

int flow_experiment_extend(const struct flow_scenario *s, const struct flow_run_options *o,
                           struct flow_results *r, size_t nreps, size_t *failed_rep)
{
    if (nreps <= r->nreps)
        return 0;
    if (flow_experiment_kept(s, o, nreps) > FLOW_MAX_KEPT_VALUES)
        return FLOW_E_TOO_BIG;
    size_t first = r->nreps;
    r->values = flow_xrealloc(r->values, nreps * r->nmetrics * sizeof *r->values);
    r->backlog = flow_xrealloc(r->backlog, (nreps * flow_model_backlog_width(s) + 1) * sizeof *r->backlog);
    if (r->hourly) {
        r->hourly = flow_xrealloc(r->hourly, (nreps * s->nwards * 168 + 1) * sizeof *r->hourly);
        if (r->hourly_departures)
            r->hourly_departures = flow_xrealloc(r->hourly_departures,
                                                 (nreps * s->nwards * 168 + 1) * sizeof *r->hourly_departures);
        if (r->hourly_beds)
            r->hourly_beds = flow_xrealloc(r->hourly_beds, (nreps * s->nwards * 168 + 1) * sizeof *r->hourly_beds);
        r->los_quantiles = flow_xrealloc(r->los_quantiles, nreps * 99 * sizeof *r->los_quantiles);
        r->wait_quantiles = flow_xrealloc(r->wait_quantiles, (nreps * s->nwards * 99 + 1) * sizeof *r->wait_quantiles);
        if (r->time_quantiles)
            r->time_quantiles = flow_xrealloc(r->time_quantiles,
                                              (nreps * s->nwards * 99 + 1) * sizeof *r->time_quantiles);
    }
    if (r->daily)
        r->daily = flow_xrealloc(r->daily, (nreps * r->days * flow_model_daily_count(s) + 1) * sizeof *r->daily);
    r->nreps = nreps;
    return run_range(s, o, r, first, failed_rep);
}

/* Half-width of metric k's 95% CI against its precision goal: true when met or undefined. */
static bool precise(const struct flow_results *r, size_t k, const struct flow_precision *p)
{
    struct flow_summary s;
    flow_results_summary(r, k, &s);
    if (s.n < 2 || !isfinite(s.mean))
        return s.n >= 2 || s.n == 0;
    double h = flow_ci_halfwidth(s.sd, s.n, 0.95);   /* the interval before any cut at 0 or 1 */
    double goal = p->absolute[k] >= 0 ? p->absolute[k] : p->relative * fabs(s.mean);
    return !(goal >= 0) || h <= goal + 1e-300;
}

int flow_experiment_precise(const struct flow_scenario *s, const struct flow_run_options *o,
                            const struct flow_precision *p, struct flow_results *r,
                            size_t *unmet)
{
    size_t most = p->max_replications > (size_t)s->replications ? p->max_replications
                                                                 : (size_t)s->replications;
    if (flow_experiment_kept(s, o, most) > FLOW_MAX_KEPT_VALUES) {
        memset(r, 0, sizeof *r);
        return FLOW_E_TOO_BIG;
    }
    int rc = flow_experiment_run(s, o, r, NULL);
    size_t batch = (size_t)thread_count(o, 1000) * 2;
    batch = batch < 4 ? 4 : batch;
    for (;;) {
        *unmet = 0;
        for (size_t k = 0; rc == 0 && k < r->nmetrics; k++)
            *unmet += !precise(r, k, p);
        if (rc != 0 || *unmet == 0 || r->nreps >= p->max_replications)
            return rc;
        size_t next = r->nreps + batch;
        rc = flow_experiment_extend(s, o, r, next < p->max_replications ? next : p->max_replications, NULL);
    }
}

bool flow_precision_met(const struct flow_results *r, size_t k, const struct flow_precision *p)
{
    return precise(r, k, p);
}

void flow_results_fini(struct flow_results *r)
{
    if (r == NULL)
        return;
    free(r->defs);
    free(r->values);
    free(r->hourly);
    free(r->hourly_departures);
    free(r->hourly_beds);
    free(r->daily);
    free(r->los_quantiles);
    free(r->wait_quantiles);
    free(r->time_quantiles);
    free(r->backlog);
    memset(r, 0, sizeof *r);
}

/* Every metric is at least 0 and a fraction at most 1, so a Student-t interval that runs past
 * those bounds (a rare event, a fraction near 0 or 1) is cut at them; the mean is not moved. */
void flow_results_summary(const struct flow_results *r, size_t metric, struct flow_summary *out)
{
    flow_summary_compute(out, r->values + metric, r->nreps, r->nmetrics);
    if (out->ci_low < 0)
        out->ci_low = 0;
    const char *unit = r->defs[metric].unit;
    if (unit && strcmp(unit, "fraction") == 0 && out->ci_high > 1)
        out->ci_high = 1;
}

char *flow_metric_path(const struct flow_metric_def *d)
{
    return d->entity ? flow_xasprintf("%s.%s.%s", d->section, d->entity, d->key)
                     : flow_xasprintf("%s.%s", d->section, d->key);
}

long flow_results_find(const struct flow_results *r, const char *path)
{
    for (size_t i = 0; i < r->nmetrics; i++) {
        char *p = flow_metric_path(&r->defs[i]);
        int same = strcmp(p, path) == 0;
        free(p);
        if (same)
            return (long)i;
    }
    return -1;
}
