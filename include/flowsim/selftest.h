/* selftest.h - the built-in self-test (flowsim selftest): scenarios whose answers are known
 * exactly, run and compared with theory. */
#ifndef FLOWSIM_SELFTEST_H
#define FLOWSIM_SELFTEST_H

#include <flowsim/experiment.h>

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
