/* check.h - checking a scenario against a hospital's episode extract (flowsim check): the
 * scenario run over the extract's period, each measure observed beside simulated with its
 * prediction interval. */
#ifndef FLOWSIM_CHECK_H
#define FLOWSIM_CHECK_H

#include <flowsim/experiment.h>
#include <flowsim/extract.h>

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

#endif
