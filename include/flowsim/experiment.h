/* experiment.h - runs the replications of a scenario and keeps one row of metric values per
 * replication; and the built-in self-test against closed-form queueing results. Replication k
 * always uses the streams of replication k, and rows are kept in replication order, so results
 * do not depend on how the work is scheduled. */
#ifndef FLOWSIM_EXPERIMENT_H
#define FLOWSIM_EXPERIMENT_H

#include <flowsim/model.h>
#include <flowsim/stats.h>
#include <stdbool.h>

struct flow_results {
    const struct flow_scenario *scenario;   /* borrowed */
    struct flow_metric_def *defs;           /* owned */
    size_t nmetrics;
    size_t nreps;
    double *values;                         /* owned: nreps x nmetrics, row per replication */
    uint64_t events;                        /* events fired over all replications */
};

struct flow_run_options {
    int threads;      /* 0: one per core */
    void (*progress)(void *arg, size_t done, size_t total);
    void *progress_arg;
};

/* Runs s->replications replications. Returns 0, or a negative FLOW_E* code (with the failing
 * replication in *failed_rep when not NULL). */
int flow_experiment_run(const struct flow_scenario *s, const struct flow_run_options *o,
                        struct flow_results *out, size_t *failed_rep);
void flow_results_fini(struct flow_results *r);
void flow_results_summary(const struct flow_results *r, size_t metric, struct flow_summary *out);
/* Index of the metric at a dotted path such as "wards.AMU.p_wait", or -1. */
long flow_results_find(const struct flow_results *r, const char *path);

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
