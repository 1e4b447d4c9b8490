/* compare.h - paired comparisons (flowsim compare): a base and a what-if run on common random
 * numbers, every metric's difference with its paired interval. */
#ifndef FLOWSIM_COMPARE_H
#define FLOWSIM_COMPARE_H

#include <flowsim/experiment.h>

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

#endif
