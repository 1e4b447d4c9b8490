/* experiment.h - runs the replications of a scenario and keeps one row of metric values per
 * replication; and the built-in self-test against closed-form queueing results. Replication k
 * always uses the streams of replication k, and rows are kept in replication order, so results
 * do not depend on how the work is scheduled. */
#ifndef FLOWSIM_EXPERIMENT_H
#define FLOWSIM_EXPERIMENT_H

#include <flowsim/extract.h>
#include <flowsim/model.h>
#include <flowsim/stats.h>
#include <stdatomic.h>
#include <stdbool.h>

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
    double *daily;                          /* owned, with daily: nreps x days x series daily
                                               means (flow_model_daily_name); else NULL */
    double *los_quantiles;                  /* owned, with profile: nreps x 99 percentiles */
    double *wait_quantiles;                 /* owned, with profile: nreps x nwards x 99 (hours) */
    double *time_quantiles;                 /* owned, with profile when some ward has targets:
                                             * nreps x nwards x 99 (hours in the ward) */
    double *backlog;                        /* owned: nreps x flow_model_backlog_width (queues at
                                             * the start and end of the measured period, early
                                             * and late occupancy), for warnings */
    size_t days;
};

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
    flow_trace_fn trace;          /* trace replication trace_replication (0-based) through it */
    void *trace_arg;
    size_t trace_replication;
    void (*progress)(void *arg, size_t done, size_t total);
    void *progress_arg;
    const atomic_bool *cancel;    /* when set true, the run stops with FLOW_E_CANCELLED; or NULL */
};

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

/* ---- checking a scenario against a hospital's extract (flowsim check) ---- */

/* The scenario must run over the extract's period: no warm-up, time 0 at 00:00 of the day of
 * the extract's first time (offset: that day, in days since 1970-01-01), long enough to reach
 * its last. Replication k uses the streams of replication k. */
struct flow_check_input {
    const struct flow_extract *x;
    const struct flow_spells *spells;            /* the extract's */
    const struct flow_group_routes *routes;      /* per extract group: the routes compared */
    double offset;
    void (*progress)(void *arg, size_t done, size_t total);
    void *progress_arg;
};
struct flow_check {
    struct flow_measure_layout layout;           /* the extract's groups, wards and routes */
    size_t n, nreps;                             /* measures; replications */
    double *observed, *sim;                      /* n; nreps x n (owned) */
    double *hourly_observed, *hourly_sim;        /* nwards x 168; nreps x nwards x 168 (owned) */
    uint32_t *ward_of, *group_of;                /* scenario ward/group -> extract's, or UINT32_MAX */
    bool *ward_modelled, *group_modelled;        /* per extract ward/group: the scenario has it */
};
int flow_check_run(const struct flow_scenario *s, const struct flow_check_input *in, struct flow_check *out);
/* Measure k: the simulated mean and 95% prediction interval, mean +- t(0.975, n-1) sd
 * sqrt(1 + 1/n) over the n replications that have it (where one period's value falls if the
 * model is right), and whether the observation is outside (or the model never has it). */
struct flow_check_interval {
    double mean, low, high;
    bool outside;
};
void flow_check_line(const struct flow_check *c, size_t k, struct flow_check_interval *out);
/* Ward w's patients present by hour of the week: the observed profile's root mean square
 * distance from the simulated mean, against the bound that 95% of replications stay within
 * (each replication's distance from the mean of the others, scaled to the observation's
 * variance; the ceil(0.95 (n + 1))-th smallest, so that a right model exceeds it about 5% of
 * the time). */
struct flow_check_hourly {
    double distance, bound;
    bool outside;
};
void flow_check_hourly(const struct flow_check *c, size_t w, struct flow_check_hourly *out);
void flow_check_fini(struct flow_check *c);

/* ---- paired comparison ---- */

/* Base and what-if run with the same seed and replications (the caller loads the what-if
 * with the base's), so each replication uses the same random streams for the same purposes:
 * common random numbers. Differences are what-if minus base, replication by replication. */
struct flow_comparison {
    struct flow_results base, whatif;
    size_t n;              /* metrics present in both */
    size_t *ib, *iw;       /* their indices in base and what-if */
    const char *base_from, *whatif_from;   /* where each side came from (borrowed), or NULL */
    bool ungraded;         /* sides of unrelated hospitals: differences are not called better or worse */
};
/* The metric paths of one side (whatif false: the base) that the other side lacks, as one
 * string "wards.X.p_wait, wards.X.occupancy, ..." (owned), or NULL when there is none. */
char *flow_comparison_one_side(const struct flow_comparison *c, bool whatif);

int flow_compare_run(const struct flow_scenario *base, const struct flow_scenario *whatif,
                     const struct flow_run_options *o, struct flow_comparison *out);
/* True when a "PATH=VALUE" override sets a run setting (horizon, warmup, replications, seed,
 * start, holidays): both sides of a comparison must share those, so such an override applies
 * to both. */
bool flow_compare_run_setting(const char *set);
void flow_comparison_fini(struct flow_comparison *c);
/* Summaries of common metric k: base, what-if, and the paired differences. */
void flow_comparison_summary(const struct flow_comparison *c, size_t k, struct flow_summary *base,
                             struct flow_summary *whatif, struct flow_summary *diff);
/* What-if minus base for common metric k in replication rep (0 when within 1e-12 of the values:
 * rounding noise; NAN when either is undefined). */
double flow_comparison_diff(const struct flow_comparison *c, size_t k, size_t rep);
/* The 95% interval lies wholly above or below 0: the significance rule of every report. */
bool flow_summary_excludes_zero(const struct flow_summary *s);

/* ---- sweeps ---- */

/* One varied parameter: a path and its values (text, as for --set). */
struct flow_vary {
    char *path;
    char **values;
    size_t nvalues, cap_values;
    bool range;                /* given as FROM:TO[:STEP] */
    double from, to, step;     /* step 0: continuous (Latin hypercube only) */
    char unit[16];
    bool lhs;                  /* values drawn by flow_sweep_lhs: points zip the parameters */
};

/* Parses "PATH=FROM:TO:STEP" (inclusive; the numbers may share a unit suffix, as in
 * 1d:3d:0.5d) or "PATH=A,B,C". Returns 0, or -1 with a sentence in why. */
int flow_vary_parse(const char *spec, struct flow_vary *out, char *why, size_t len);
void flow_vary_fini(struct flow_vary *v);
/* Number of grid points; 0 if it would exceed max. */
size_t flow_sweep_points(const struct flow_vary *v, size_t n, size_t max);
/* The values of point p (0-based; the first parameter varies slowest), borrowed. */
void flow_sweep_point(const struct flow_vary *v, size_t n, size_t p, const char **values);
/* Replaces the grid by a Latin hypercube of `points` points: each range is cut into `points`
 * equal strata, one value drawn in each (rounded to STEP when one was given), and the strata
 * are shuffled independently per parameter (seeded by `seed`). Every --vary must be a range.
 * Afterwards point p takes value p of every parameter. Returns 0 or -1 with why. */
int flow_sweep_lhs(struct flow_vary *v, size_t n, size_t points, uint64_t seed, char *why, size_t len);

/* ---- capacity sizing ---- */

struct flow_target {
    char *metric;          /* dotted path */
    bool at_most;          /* <= (true) or >= */
    double value;
};

/* Parses "PATH <= VALUE" or "PATH >= VALUE". Returns 0 or -1 with a sentence in why. */
int flow_target_parse(const char *text, struct flow_target *t, char *why, size_t len);
void flow_target_fini(struct flow_target *t);

struct flow_size_eval {
    long value;
    double x;                            /* the value as a number (= value for whole numbers) */
    bool meets;                          /* every target met, with its whole 95% CI */
    struct flow_scenario *scenario;      /* owned */
    struct flow_results results;         /* owned */
};

struct flow_size_result {
    char *parameter;                     /* owned copy of the path */
    char unit[16];                       /* written after each value ("h"), or "" */
    bool found;
    long answer;                         /* the smallest value that meets every target */
    struct flow_size_eval *evals;        /* in order of value */
    size_t nevals;
    const struct flow_target *targets;   /* borrowed */
    size_t ntargets;
    bool stalled;                        /* the search stopped: more stopped helping */
    long stalled_from, stalled_to;       /* the last two values that showed it */
    /* flow_size_seek (a continuous parameter): */
    bool continuous;
    double lo, hi, resolution;
    bool largest;                        /* the answer is the largest value that meets the
                                          * targets (they hold below it), else the smallest */
    double x_answer;                     /* the last value where every interval is on the good side */
    double estimate;                     /* where the means cross the targets (midway between the
                                          * last value where all meet them and the next; NAN:
                                          * outside the range) */
    double reach;                        /* the first value where some interval misses with its
                                          * favourable end too (NAN: none in the range): the
                                          * boundary lies between x_answer and reach */
    bool all_meet;                       /* every value in the range meets the targets */
    size_t ran_ahead, used_ahead;        /* bisection steps run ahead beside the current one
                                          * (when a core would be idle), and those the search
                                          * then asked for; not reported */
};

/* Finds the smallest whole value of `param` (in [lo, hi], written with `unit` after it, such
 * as "h" for a session's length; "" for none) for which every target holds with
 * its whole confidence interval on the good side, assuming more is better (monotone). It
 * starts from an Erlang bound where one applies (ward beds: just above the offered load) and
 * searches outwards by doubling steps, then by halving. Returns 0; FLOW_E_* from a run; or a
 * positive count of diagnostics (a bad scenario, value or metric). */
int flow_size_run(const char *path, const char *const *sets, size_t nsets, const char *param,
                  const char *unit, long lo, long hi, const struct flow_target *targets, size_t ntargets,
                  const struct flow_run_options *o, struct flow_size_result *out,
                  struct flow_diag *diag);
/* Goal-seeking a continuous parameter (a stay's mean, a rate, a share, a growth): bisects
 * [lo, hi] (numbers written with `unit` after them) to within `resolution` for the boundary
 * where the targets switch from met to missed, assuming the targets change monotonically with
 * the value, in either direction (found from the two ends). Every run uses the scenario's seed
 * and replications, so values are compared with common random numbers. Sets x_answer (whole
 * intervals on the good side: the answer), estimate (means) and reach (intervals touching the
 * good side). Returns as flow_size_run. */
int flow_size_seek(const char *path, const char *const *sets, size_t nsets, const char *param, const char *unit,
                   double lo, double hi, double resolution, const struct flow_target *targets, size_t ntargets,
                   const struct flow_run_options *o, struct flow_size_result *out, struct flow_diag *diag);
void flow_size_fini(struct flow_size_result *r);

/* ---- warm-up estimation ---- */

struct flow_warmup_series {
    char *metric;              /* e.g. "wards.AMU.mean_occupied_beds" (owned) */
    double warmup_days;        /* MSER truncation point */
    double steady_mean;        /* mean of the series after it */
};

struct flow_warmup_result {
    size_t replications, days;
    double batch_days;         /* 7: weekly batches */
    struct flow_warmup_series *series;
    size_t nseries;
    double recommended_days;   /* the longest of the series' warm-ups */
};

/* Runs the scenario's replications from an empty hospital (its warm-up ignored: it runs for
 * warmup + horizon, measuring from time 0), averages each ward's and community service's daily
 * occupancy across replications, and applies MSER to each series: the truncation point, in
 * batches of 7 days and at most half the run, that minimises the squared standard error of the
 * mean of what remains (White, 1997). Returns 0 or a FLOW_E_* code. */
int flow_warmup_run(const struct flow_scenario *s, struct flow_warmup_result *out);
void flow_warmup_fini(struct flow_warmup_result *r);

/* The self-test: scenarios with closed-form answers, shipped in the binary. */
struct flow_selftest_case {
    const char *name;
    const char *model;       /* e.g. "M/M/20 queue" */
    const char *yaml;
    const char *metric;      /* dotted path */
    double (*theory)(void);
    const char *formula;     /* how theory is computed, for the report */
};

struct flow_selftest_result {
    const struct flow_selftest_case *c;
    double theory;
    struct flow_summary sim;
    double halfwidth_999;    /* half-width of the 99.9% CI, the pass criterion */
    bool pass;
};

size_t flow_selftest_count(void);
const struct flow_selftest_case *flow_selftest_case(size_t i);
/* Runs case i. Returns 0, or a negative code / positive count of diagnostics on failure. */
int flow_selftest_run(size_t i, int threads, struct flow_selftest_result *out, struct flow_diag *diag);

#endif
