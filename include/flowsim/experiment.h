/* experiment.h - runs the replications of a scenario and keeps one row of metric values per
 * replication: results, warnings, precision, MPI. Replication k always uses the streams of
 * replication k, and rows are kept in replication order, so results do not depend on how the
 * work is scheduled. What is built on runs has a header each: compare.h, sweep.h, size.h,
 * warmup.h, check.h, selftest.h. */
#ifndef FLOWSIM_EXPERIMENT_H
#define FLOWSIM_EXPERIMENT_H

#include <flowsim/extract.h>
#include <flowsim/model.h>
#include <flowsim/stats.h>
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct flow_results {
    const struct flow_scenario *scenario;   /* borrowed */
    struct flow_metric_def *defs;           /* owned */
    size_t nmetrics;
    size_t nreps;
    double *values;                         /* owned: nreps x nmetrics, row per replication */
    uint64_t events;                        /* events fired over all replications */
    double *hourly;                         /* owned, with profile: nreps x nwards x 168 mean
                                               occupied beds by hour of the week; else NULL */
    double *hourly_departures;              /* owned, with profile when a ward has rounds: nreps x
                                               nwards x 168 mean departures by hour of the week
                                               (NAN for wards without rounds); else NULL */
    double *hourly_beds;                    /* owned, with profile when a ward's beds change:
                                               nreps x nwards x 168 mean open beds by hour of
                                               the week (NAN for fixed wards); else NULL */
    double *daily;                          /* owned, with daily: nreps x days x daily_width
                                               daily means of the series kept; else NULL */
    size_t daily_width;                     /* series kept a day */
    size_t *daily_col;                      /* owned, with daily: for each series
                                               (flow_model_daily_name) its column, or SIZE_MAX
                                               when it was not kept */
    double *los_quantiles;                  /* owned, with profile: nreps x 99 percentiles */
    double *wait_quantiles;                 /* owned, with profile: nreps x nwards x 99 (hours) */
    double *time_quantiles;                 /* owned, with profile when some ward has targets:
                                             * nreps x nwards x 99 (hours in the ward) */
    double *curve_sum;                      /* owned, with fold_curves: the percentile curves
                                             * (99 of length of stay, 99 a ward of waits, and of
                                             * time in the ward with targets) summed over the
                                             * replications instead of kept as rows (the three
                                             * above are then NULL); read them with
                                             * flow_results_curve */
    size_t *curve_n;                        /* owned: the finite values summed in each */
    size_t curves_folded;                   /* replications summed so far */
    double *backlog;                        /* owned: nreps x flow_model_backlog_width (queues at
                                             * the start and end of the measured period, early
                                             * and late occupancy), for warnings */
    size_t days;
};

/* Daily series k of replication rep on day d: kept (flow_results_daily_kept) or NAN. */
static inline bool flow_results_daily_kept(const struct flow_results *r, size_t k)
{
    return r->daily != NULL && r->daily_col[k] != SIZE_MAX;
}
static inline double flow_results_daily(const struct flow_results *r, size_t rep, size_t d, size_t k)
{
    return flow_results_daily_kept(r, k) ? r->daily[(rep * r->days + d) * r->daily_width + r->daily_col[k]]
                                         : (double)NAN;
}

/* A run's percentile curves (profile): length of stay, waits for a bed, time in a ward (with
 * targets). Whether it kept curve c, and the mean over replications of each of its 99
 * percentiles (ward w's for WAIT and TIME): the finite values summed in replication order over
 * their count, NAN where none is finite; the same from rows or folded. */
enum flow_curve { FLOW_CURVE_LOS, FLOW_CURVE_WAIT, FLOW_CURVE_TIME };
bool flow_results_has_curve(const struct flow_results *r, enum flow_curve c);
void flow_results_curve(const struct flow_results *r, enum flow_curve c, size_t w, double out[99]);

/* A warning about a run's results (warnings.c): a code ("queue_growing", "unused_ward",
 * "few_replications"), the metric path it concerns ("" for the whole run) and what to do. */
struct flow_warning {
    char code[32];
    char path[FLOW_MAX_NAME + 32];
    char message[768];
};
/* The run's warnings, in a fixed order; *out is owned by the caller (free), NULL when none. */
size_t flow_results_warnings(const struct flow_results *r, struct flow_warning **out);

struct flow_run_options {
    int threads;      /* 0: one per core */
    bool profile;     /* also record occupancy by hour of the week (results->hourly) */
    bool daily;       /* also record daily series from time 0 (results->daily) */
    const unsigned char *daily_keep;   /* with daily: a flag for each series, those to keep
                                          (flow_report_daily_needs); NULL: all of them */
    flow_trace_fn trace;          /* trace replication trace_replication (0-based) through it */
    void *trace_arg;
    size_t trace_replication;
    void (*progress)(void *arg, size_t done, size_t total);
    void *progress_arg;
    const atomic_bool *cancel;    /* when set true, the run stops with FLOW_E_CANCELLED; or NULL */
    bool fold_curves;             /* with profile, in one process without shards: sum the
                                     percentile curves as replications finish (in replication
                                     order, the same numbers) instead of keeping their rows */
    /* Shards (a job array's tasks): with shards = N > 0, only shard K's jobs run (K = shard,
     * 1..N): replication k of a run, or of a batch's scenarios taken in order, is job
     * shard_jobs_before + (replications of the scenarios before it) + k, and shard K runs the
     * jobs j with j mod N = K - 1, into rows 0, 1, ... of its results, in job order
     * (flow_shard_rep tells their replications). Not with MPI. */
    size_t shard, shards, shard_jobs_before;
};

/* The rows a shard's results hold for a scenario of `reps` replications whose first job is
 * job0, and the replication of row `row` (without shards: reps, and row). */
size_t flow_shard_rows(const struct flow_run_options *o, size_t job0, size_t reps);
size_t flow_shard_rep(const struct flow_run_options *o, size_t job0, size_t row);

/* A replication's values in results, part by part, each nreps rows of `width` doubles: the
 * metrics, the backlog, then the profiles, percentiles and daily series that were kept. What
 * MPI gathers, and what a shard file holds for each of its replications. */
enum { FLOW_RESULTS_PARTS = 9 };
struct flow_results_part {
    const char *name;         /* "values", "backlog", "hourly", ..., "daily" */
    double *values;
    size_t width;
};
size_t flow_results_parts(const struct flow_results *r, struct flow_results_part out[FLOW_RESULTS_PARTS]);

/* Rows for s->replications replications, all zero, as flow_experiment_run would allocate them
 * with options o (what flowsim merge fills from shards): 0, or FLOW_E_TOO_BIG. */
int flow_experiment_results(const struct flow_scenario *s, const struct flow_run_options *o,
                            struct flow_results *out);
/* Runs s->replications replications. Returns 0, or a negative FLOW_E* code (with the failing
 * replication in *failed_rep when not NULL). */
int flow_experiment_run(const struct flow_scenario *s, const struct flow_run_options *o,
                        struct flow_results *out, size_t *failed_rep);
/* Runs the replications of n scenarios (a sweep's points) as one pool of jobs, in order of
 * scenario then replication, so that every thread is busy however few replications each has.
 * out[i] and status[i] are what flow_experiment_run(s[i], ...) gives (fini every out[i]). */
void flow_experiment_run_batch(const struct flow_scenario *const *s, size_t n,
                               const struct flow_run_options *o, struct flow_results *out, int *status);
/* Values (doubles) that nreps replications keep in memory at once with options o: the
 * experiment refuses (FLOW_E_TOO_BIG) a run that would keep over FLOW_MAX_KEPT_VALUES. */
double flow_experiment_kept(const struct flow_scenario *s, const struct flow_run_options *o,
                            size_t nreps);
/* Events that one replication of s is expected to fire (an estimate from its arrival rates,
 * routes, census, waiting lists and wards over warm-up and horizon, within a small factor of
 * what it fires): what flowsim serve's --max-work counts before running a request. */
double flow_experiment_events_estimate(const struct flow_scenario *s);
/* Runs replications r->nreps .. nreps-1 and adds their rows (replication k always uses the
 * streams of replication k, so extending gives the rows a longer run would have). */
int flow_experiment_extend(const struct flow_scenario *s, const struct flow_run_options *o,
                           struct flow_results *r, size_t nreps, size_t *failed_rep);

/* Precision goals: a metric's 95% CI half-width at most relative x |mean|, or at most
 * absolute[k] where that is >= 0. A metric undefined in every replication has no goal. */
struct flow_precision {
    double relative;          /* < 0: no relative goal */
    double *absolute;         /* per metric, -1 for none; owned by the caller */
    size_t max_replications;
};

/* Runs the scenario's replications, then adds batches (twice the thread count) until every
 * goal is met or max_replications is reached; *unmet counts metrics still short of it. */
int flow_experiment_precise(const struct flow_scenario *s, const struct flow_run_options *o,
                            const struct flow_precision *p, struct flow_results *r,
                            size_t *unmet);
bool flow_precision_met(const struct flow_results *r, size_t k, const struct flow_precision *p);
void flow_results_fini(struct flow_results *r);

/* MPI (when built with -Dmpi=enabled; otherwise one rank and no-ops). The CLI calls init and
 * finalize; experiments run collectively on every rank and give every rank the same results,
 * so only rank 0 needs to write them. */
void flow_mpi_init(int *argc, char ***argv);
void flow_mpi_finalize(void);
int flow_mpi_rank(void);
int flow_mpi_size(void);
/* Rank 0's value, on every rank. */
long flow_mpi_broadcast(long value);

void flow_results_summary(const struct flow_results *r, size_t metric, struct flow_summary *out);
/* Index of the metric at a dotted path such as "wards.AMU.p_wait", or -1. */
long flow_results_find(const struct flow_results *r, const char *path);

/* A dotted path for a metric, e.g. "wards.AMU.p_wait"; the caller frees it. */
char *flow_metric_path(const struct flow_metric_def *d);

#endif
