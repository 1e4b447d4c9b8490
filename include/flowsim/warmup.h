/* warmup.h - warm-up estimation (flowsim warmup): MSER on each ward's and service's daily
 * occupancy. */
#ifndef FLOWSIM_WARMUP_H
#define FLOWSIM_WARMUP_H

#include <flowsim/experiment.h>

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

#endif
