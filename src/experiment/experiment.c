/* experiment.c - replications in parallel threads. The replications of one scenario, or of a
 * batch of scenarios (a sweep's points), are one list of jobs in order (scenario, then
 * replication); each thread takes the next job from a shared counter and writes that
 * replication's row, so results are identical whatever the number of threads, and two cores
 * stay busy however few replications each scenario has. */
#include "curves.h"
#include "mpi_internal.h"

#include <flowsim/error.h>
#include <flowsim/limits.h>
#include <flowsim/experiment.h>
#include <flowsim/util.h>

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One scenario of a batch: replications [first, reps) are its jobs, numbered from job0 among
 * the jobs of a sharded run; its rows are r's (a shard's results hold its own jobs' rows only). */
struct point {
    const struct flow_scenario *s;
    struct flow_results *r;
    size_t first, reps, job0;
    int status;
    size_t failed_rep;
};

/* Shard K of N runs the jobs j with j mod N = K - 1: how many of jobs [0, x) those are. */
static size_t shard_jobs(const struct flow_run_options *o, size_t x)
{
    return (x + o->shards - o->shard) / o->shards;
}

static bool sharded(const struct flow_run_options *o) { return o != NULL && o->shards > 0; }

/* Curves are folded as replications finish only where every replication's row would reach
 * this process in order: not across MPI ranks or shards (they gather rows). */
static bool folds(const struct flow_run_options *o)
{
    return o != NULL && o->fold_curves && o->profile && !sharded(o) && flow_mpi_size() == 1;
}

/* The row of replication k of a point. */
static size_t row_of(const struct flow_run_options *o, const struct point *pt, size_t k)
{
    return sharded(o) ? shard_jobs(o, pt->job0 + k) - shard_jobs(o, pt->job0) : k;
}

size_t flow_shard_rows(const struct flow_run_options *o, size_t job0, size_t reps)
{
    return sharded(o) ? shard_jobs(o, job0 + reps) - shard_jobs(o, job0) : reps;
}

size_t flow_shard_rep(const struct flow_run_options *o, size_t job0, size_t row)
{
    if (!sharded(o))
        return row;
    size_t n = o->shards;
    return (o->shard - 1 + n - job0 % n) % n + row * n;
}

struct shared {
    size_t rank, ranks;       /* this process runs the replications k with k mod ranks = rank */
    struct point *points;
    size_t npoints;
    const struct flow_run_options *o;
    pthread_mutex_t lock;
    size_t point, next;       /* the next job: replication `next` of point `point` */
    size_t stop_point;        /* a failed point: no job of it or a later point starts */
    size_t done, total;       /* replications done and in all, over the batch (progress) */
    struct curve_queue curves;   /* folded curves: replications waiting for their turn */
};

/* The kept columns of a replication's daily series, into its rows. */
static void keep_daily(struct flow_results *r, size_t rep, const struct flow_model *m)
{
    size_t days, width;
    const double *d = flow_model_daily(m, &days, &width);
    double *out = r->daily + rep * r->days * r->daily_width;
    if (r->daily_width == width) {
        memcpy(out, d, days * width * sizeof *d);
        return;
    }
    for (size_t day = 0; day < days; day++)
        for (size_t k = 0; k < width; k++)
            if (r->daily_col[k] != SIZE_MAX)
                out[day * r->daily_width + r->daily_col[k]] = d[day * width + k];
}

/* One replication's percentile curves, into a row of flow__curves_width doubles. */
static void model_curves(const struct flow_model *m, const struct flow_scenario *s, double *row)
{
    flow_model_los_quantiles(m, row);
    flow_model_wait_quantiles(m, row + 99);
    if (s->time_targets)
        flow_model_time_quantiles(m, row + 99 + s->nwards * 99);
}

static int run_one(const struct shared *sh, const struct point *pt, size_t rep, uint64_t *events, double **curves)
{
    size_t row = row_of(sh->o, pt, rep);
    struct flow_model *m = flow_model_create(pt->s, (uint32_t)rep);
    if (pt->r->hourly)
        flow_model_profile(m);
    if (pt->r->daily)
        flow_model_record_daily(m, pt->r->days);
    if (sh->o && sh->o->trace && rep == sh->o->trace_replication)
        flow_model_trace(m, sh->o->trace, sh->o->trace_arg);
    if (sh->o && sh->o->cancel)
        flow_model_cancel_on(m, sh->o->cancel);
    int rc = flow_model_run(m);
    if (rc == 0)
        flow_model_metrics(m, pt->r->values + row * pt->r->nmetrics);
    if (rc == 0 && pt->r->hourly) {
        flow_model_hourly(m, pt->r->hourly + row * pt->s->nwards * 168);
        if (pt->r->hourly_departures)
            flow_model_hourly_departures(m, pt->r->hourly_departures + row * pt->s->nwards * 168);
        if (pt->r->hourly_beds)
            flow_model_hourly_beds(m, pt->r->hourly_beds + row * pt->s->nwards * 168);
        if (pt->r->curve_sum) {
            *curves = flow_xcalloc(flow__curves_width(pt->s), sizeof **curves);
            model_curves(m, pt->s, *curves);
        } else {
            flow_model_los_quantiles(m, pt->r->los_quantiles + row * 99);
            flow_model_wait_quantiles(m, pt->r->wait_quantiles + row * pt->s->nwards * 99);
            if (pt->r->time_quantiles)
                flow_model_time_quantiles(m, pt->r->time_quantiles + row * pt->s->nwards * 99);
        }
    }
    if (rc == 0)
        flow_model_backlog(m, pt->r->backlog + row * flow_model_backlog_width(pt->s));
    if (rc == 0 && pt->r->daily)
        keep_daily(pt->r, row, m);
    *events = flow_model_events(m);
    flow_model_destroy(m);
    return rc;
}

/* Takes the next job (under the lock): false when none is left for this thread. */
static bool next_job(struct shared *sh, struct point **pt, size_t *rep)
{
    for (;;) {
        while (sh->point < sh->npoints && sh->next >= sh->points[sh->point].reps) {
            sh->point++;
            if (sh->point < sh->npoints)
                sh->next = sh->points[sh->point].first;
        }
        if (sh->point >= sh->npoints || sh->point >= sh->stop_point)   /* earlier points' jobs are all taken */
            return false;
        size_t k = sh->next++;
        const struct flow_run_options *o = sh->o;
        if (sharded(o) ? (sh->points[sh->point].job0 + k) % o->shards == o->shard - 1 : k % sh->ranks == sh->rank) {
            *pt = &sh->points[sh->point];
            *rep = k;
            return true;
        }
    }
}

static void *worker(void *arg)
{
    struct shared *sh = arg;
    for (;;) {
        struct point *pt;
        size_t rep;
        pthread_mutex_lock(&sh->lock);
        bool go = next_job(sh, &pt, &rep);
        pthread_mutex_unlock(&sh->lock);
        if (!go)
            return NULL;
        uint64_t events = 0;
        double *curves = NULL;
        int rc = run_one(sh, pt, rep, &events, &curves);
        pthread_mutex_lock(&sh->lock);
        pt->r->events += events;
        if (curves && rc == 0)
            flow__curves_add(&sh->curves, pt->r, rep, curves);
        else
            free(curves);
        sh->done++;
        if (rc != 0 && (pt->status == 0 || rep < pt->failed_rep)) {
            pt->status = rc;
            pt->failed_rep = rep;
            size_t i = (size_t)(pt - sh->points);
            if (i < sh->stop_point)
                sh->stop_point = i;
        }
        if (sh->o && sh->o->progress)
            sh->o->progress(sh->o->progress_arg, sh->done, sh->total);
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

size_t flow_results_parts(const struct flow_results *r, struct flow_results_part out[FLOW_RESULTS_PARTS])
{
    const struct flow_scenario *s = r->scenario;
    size_t n = 0, wards = s->nwards;
    out[n++] = (struct flow_results_part){"values", r->values, r->nmetrics};
    out[n++] = (struct flow_results_part){"backlog", r->backlog, flow_model_backlog_width(s)};
    const struct flow_results_part maybe[] = {
        {"hourly", r->hourly, wards * 168},
        {"hourly_departures", r->hourly_departures, wards * 168},
        {"hourly_beds", r->hourly_beds, wards * 168},
        {"los_quantiles", r->los_quantiles, 99},
        {"wait_quantiles", r->wait_quantiles, wards * 99},
        {"time_quantiles", r->time_quantiles, wards * 99},
        {"daily", r->daily, r->days * r->daily_width},
    };
    for (size_t k = 0; k < sizeof maybe / sizeof *maybe; k++)
        if (maybe[k].values != NULL)
            out[n++] = maybe[k];
    return n;
}

/* Gathers the rows of replications [first, out->nreps) from every MPI rank. */
static int gather(struct flow_results *out, size_t first, int status)
{
    struct flow_results_part parts[FLOW_RESULTS_PARTS];
    size_t n = flow_results_parts(out, parts);
    int rc = flow__mpi_gather_rows(parts[0].values, parts[0].width, out->nreps, first, status, &out->events);
    for (size_t k = 1; k < n && rc == 0; k++)
        rc = flow__mpi_gather_rows(parts[k].values, parts[k].width, out->nreps, first, 0, NULL);
    return rc;
}

/* A thread that could not be started (no memory for its stack, a process limit): said once,
 * and the run goes on with those that did start, giving the same numbers. */
static void flow_thread_shortfall(int started, int wanted, int err)
{
    static atomic_flag said = ATOMIC_FLAG_INIT;
    if (!atomic_flag_test_and_set(&said))
        fprintf(stderr, "flowsim: warning: %d of %d threads could be started (%s); the run goes on with %d\n",
                started, wanted, strerror(err), started);
}

/* Runs every point's jobs on one pool of threads, then gathers each point's rows in order. */
static void run_points(struct point *pts, size_t n, const struct flow_run_options *o)
{
    struct shared sh = {.points = pts, .npoints = n, .o = o, .stop_point = SIZE_MAX,
                        .rank = (size_t)flow_mpi_rank(), .ranks = (size_t)flow_mpi_size()};
    for (size_t i = 0; i < n; i++) {
        sh.done += pts[i].first;
        sh.total += pts[i].r->nreps;
    }
    sh.next = n > 0 ? pts[0].first : 0;
    pthread_mutex_init(&sh.lock, NULL);
    int threads = thread_count(o, sh.total - sh.done);
    pthread_t tid[256];
    int started = 0, rc = 0;
    for (int i = 1; i < threads && rc == 0; i++)
        if ((rc = pthread_create(&tid[started], NULL, worker, &sh)) == 0)
            started++;
    if (rc != 0)     /* the work is shared out as threads ask for it: fewer threads do it all */
        flow_thread_shortfall(started + 1, threads, rc);
    worker(&sh);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    pthread_mutex_destroy(&sh.lock);
    flow__curves_drop(&sh.curves);
    for (size_t i = 0; i < n; i++)
        pts[i].status = gather(pts[i].r, pts[i].first, pts[i].status);
}

/* Runs one scenario's jobs (pt's replications [first, reps)) into their rows. */
static int run_point(struct point pt, const struct flow_run_options *o, size_t *failed_rep)
{
    run_points(&pt, 1, o);
    if (failed_rep)
        *failed_rep = pt.failed_rep;
    return pt.status;
}

/* The daily series a run keeps. */
static size_t daily_kept(const struct flow_scenario *s, const struct flow_run_options *o)
{
    size_t n = flow_model_daily_count(s), kept = 0;
    for (size_t k = 0; k < n; k++)
        kept += o->daily_keep == NULL || o->daily_keep[k];
    return kept;
}

double flow_experiment_kept(const struct flow_scenario *s, const struct flow_run_options *o,
                            size_t nreps)
{
    size_t nmetrics;
    free(flow_model_metric_defs(s, &nmetrics));
    double wards = (double)s->nwards, per_rep = (double)nmetrics, running = 0;
    double days = floor(s->warmup_days + s->horizon_days);
    if (o && o->profile) {
        double curves = (double)flow__curves_width(s);
        per_rep += wards * 168 * (1 + flow_model_has_rounds(s) + flow_model_has_bed_plans(s)) +
                   (folds(o) ? 0 : curves);
        running += folds(o) ? curves * (1 + (double)thread_count(o, nreps)) : 0;
    }
    if (o && o->daily) {
        per_rep += days * (double)daily_kept(s, o);
        running += (double)thread_count(o, nreps) * days * (double)flow_model_daily_count(s);
    }
    return (double)nreps * per_rep + running;
}

/* Mean of (1 + g)^(t / 365) over [0, days]. */
static double growth_mean(double g, double days)
{
    if (g == 0 || days <= 0)
        return 1;
    double k = log1p(g) / 365;
    return expm1(k * days) / (k * days);
}

/* A patient's events: arrival, then about one and a third for each step taken (its end, and
 * a bed request or a move); readmissions come back as patients of their own. */
static double events_per_patient(const struct flow_group_spec *g)
{
    double e = 1.5;
    for (size_t i = 0; i < g->nsteps; i++)
        e += 1.3 * g->steps[i].p;
    return e;
}

/* Cases a theatre can operate a day at most: its list time over the shortest booked case of
 * any group that uses it. */
static double theatre_cases_per_day(const struct flow_scenario *s, int t)
{
    const struct flow_theatre_spec *th = &s->theatres[t];
    double list_days = 0, shortest = HUGE_VAL;
    for (size_t i = 0; i < th->nsessions; i++)
        list_days += __builtin_popcount(th->sessions[i].days & 0x7f) * th->sessions[i].length / 7;
    for (size_t g = 0; g < s->ngroups; g++)
        for (size_t k = 0; k < s->groups[g].nsteps; k++) {
            const struct flow_step_spec *st = &s->groups[g].steps[k];
            if (st->kind == FLOW_STEP_THEATRE && st->theatre == t) {
                double d = st->planned > 0 ? st->planned : flow_dist_mean(&st->operation);
                shortest = fmin(shortest, d + flow_dist_mean(&th->turnaround));
            }
        }
    return shortest > 0 && shortest < HUGE_VAL ? list_days / shortest + 1 : list_days * 1440;
}

double flow_experiment_events_estimate(const struct flow_scenario *s)
{
    double days = s->warmup_days + s->horizon_days, events = 0;
    for (size_t i = 0; i < s->ngroups; i++) {
        const struct flow_group_spec *g = &s->groups[i];
        double arriving = g->rate_per_day * days * growth_mean(g->growth_per_year, days);
        double patients = arriving + g->initial_waiting_list + (double)g->nwaiting_since;
        double routed = patients;
        if (g->elective && g->nsteps > 0 && g->steps[0].kind == FLOW_STEP_THEATRE) {
            events += arriving;    /* each referral (a list at the start is there without one) */
            routed = fmin(patients, days * theatre_cases_per_day(s, g->steps[0].theatre));
        }
        double readmit = 0;
        for (int k = 0; k < 4; k++)
            readmit += g->discharge.pathways[k].share * g->discharge.pathways[k].readmit_p;
        events += routed * events_per_patient(g) / (1 - fmin(readmit, 0.9));
    }
    events += 4.0 * (double)s->ninitial;
    /* the day's own: the midnight census and daily series, bed plans, rounds, theatre sessions */
    events += days * (2 + 2 * (double)(s->nwards + s->ntheatres));
    return events;
}

/* Allocates out's rows (nrows of them, zero): 0, or FLOW_E_TOO_BIG (out then empty). */
static int results_init(const struct flow_scenario *s, const struct flow_run_options *o,
                        struct flow_results *out, size_t nrows)
{
    memset(out, 0, sizeof *out);
    if (flow_experiment_kept(s, o, nrows) > FLOW_MAX_KEPT_VALUES)
        return FLOW_E_TOO_BIG;
    out->scenario = s;
    out->defs = flow_model_metric_defs(s, &out->nmetrics);
    out->nreps = nrows;
    out->values = flow_xcalloc(out->nreps * out->nmetrics, sizeof *out->values);
    out->backlog = flow_xcalloc(out->nreps * flow_model_backlog_width(s) + 1, sizeof *out->backlog);
    if (o && o->profile) {
        out->hourly = flow_xcalloc(out->nreps * s->nwards * 168 + 1, sizeof *out->hourly);
        if (flow_model_has_rounds(s))
            out->hourly_departures = flow_xcalloc(out->nreps * s->nwards * 168 + 1, sizeof *out->hourly_departures);
        if (flow_model_has_bed_plans(s))
            out->hourly_beds = flow_xcalloc(out->nreps * s->nwards * 168 + 1, sizeof *out->hourly_beds);
        if (folds(o)) {
            flow__curves_init(out);
        } else {
            out->los_quantiles = flow_xcalloc(out->nreps * 99, sizeof *out->los_quantiles);
            out->wait_quantiles = flow_xcalloc(out->nreps * s->nwards * 99 + 1, sizeof *out->wait_quantiles);
            if (s->time_targets)
                out->time_quantiles = flow_xcalloc(out->nreps * s->nwards * 99 + 1, sizeof *out->time_quantiles);
        }
    }
    if (o && o->daily) {
        size_t n = flow_model_daily_count(s);
        out->days = (size_t)floor(s->warmup_days + s->horizon_days);
        out->daily_col = flow_xcalloc(n + 1, sizeof *out->daily_col);
        for (size_t k = 0; k < n; k++)
            out->daily_col[k] = o->daily_keep == NULL || o->daily_keep[k] ? out->daily_width++ : SIZE_MAX;
        out->daily = flow_xcalloc(out->nreps * out->days * out->daily_width + 1, sizeof *out->daily);
    }
    return 0;
}

int flow_experiment_results(const struct flow_scenario *s, const struct flow_run_options *o,
                            struct flow_results *out)
{
    return results_init(s, o, out, (size_t)s->replications);
}

int flow_experiment_run(const struct flow_scenario *s, const struct flow_run_options *o,
                        struct flow_results *out, size_t *failed_rep)
{
    size_t job0 = sharded(o) ? o->shard_jobs_before : 0, reps = (size_t)s->replications;
    int rc = results_init(s, o, out, flow_shard_rows(o, job0, reps));
    return rc != 0 ? rc : run_point((struct point){.s = s, .r = out, .reps = reps, .job0 = job0}, o, failed_rep);
}

void flow_experiment_run_batch(const struct flow_scenario *const *s, size_t n,
                               const struct flow_run_options *o, struct flow_results *out, int *status)
{
    struct point *pts = flow_xcalloc(n + 1, sizeof *pts);
    size_t k = 0, job0 = sharded(o) ? o->shard_jobs_before : 0;
    for (size_t i = 0; i < n; i++) {
        size_t reps = (size_t)s[i]->replications;
        status[i] = results_init(s[i], o, &out[i], flow_shard_rows(o, job0, reps));
        if (status[i] == 0)
            pts[k++] = (struct point){.s = s[i], .r = &out[i], .reps = reps, .job0 = job0};
        job0 += reps;
    }
    run_points(pts, k, o);
    for (size_t i = 0, j = 0; i < n; i++)
        if (status[i] == 0)
            status[i] = pts[j++].status;
    free(pts);
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
        if (r->los_quantiles)
            r->los_quantiles = flow_xrealloc(r->los_quantiles, nreps * 99 * sizeof *r->los_quantiles);
        if (r->wait_quantiles)
            r->wait_quantiles = flow_xrealloc(r->wait_quantiles,
                                              (nreps * s->nwards * 99 + 1) * sizeof *r->wait_quantiles);
        if (r->time_quantiles)
            r->time_quantiles = flow_xrealloc(r->time_quantiles,
                                              (nreps * s->nwards * 99 + 1) * sizeof *r->time_quantiles);
    }
    if (r->daily)
        r->daily = flow_xrealloc(r->daily, (nreps * r->days * r->daily_width + 1) * sizeof *r->daily);
    r->nreps = nreps;
    return run_point((struct point){.s = s, .r = r, .first = first, .reps = nreps}, o, failed_rep);
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
    free(r->daily_col);
    free(r->los_quantiles);
    free(r->wait_quantiles);
    free(r->time_quantiles);
    free(r->curve_sum);
    free(r->curve_n);
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

/* path starts with `part` and a dot: the rest after them, or NULL. */
static const char *after(const char *path, const char *part)
{
    size_t n = strlen(part);
    return strncmp(path, part, n) == 0 && path[n] == '.' ? path + n + 1 : NULL;
}

/* Whether path is flow_metric_path(d), without making it (warnings look up thousands). */
static bool path_is(const struct flow_metric_def *d, const char *path)
{
    const char *rest = after(path, d->section);
    if (rest && d->entity)
        rest = after(rest, d->entity);
    return rest != NULL && strcmp(rest, d->key) == 0;
}

long flow_results_find(const struct flow_results *r, const char *path)
{
    for (size_t i = 0; i < r->nmetrics; i++)
        if (path_is(&r->defs[i], path))
            return (long)i;
    return -1;
}
