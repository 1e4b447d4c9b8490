/* expect.h - what the validation suites that check metrics share: run a scenario from text
 * (2 threads), free its results, and expect a metric exactly or within a 99.9% interval of a
 * closed form. Static functions: each suite is one file. */
#ifndef FLOWSIM_TESTS_EXPECT_H
#define FLOWSIM_TESTS_EXPECT_H

#include "../unit/check_main.h"

#include <flowsim/experiment.h>
#include <flowsim/stats.h>
#include <math.h>

static inline struct flow_results run_text(const char *text, const char *const *sets, size_t n)
{
    struct flow_scenario *s = test_load(text, sets, n);
    struct flow_results r;
    struct flow_run_options o = {.threads = 2};
    ck_assert_int_eq(flow_experiment_run(s, &o, &r, NULL), 0);
    return r;
}

/* Frees results from run_text and their scenario (which their metric names borrow from). */
static inline void done(struct flow_results *r)
{
    struct flow_scenario *s = (struct flow_scenario *)r->scenario;
    flow_results_fini(r);
    flow_scenario_destroy(s);
}

static inline struct flow_summary get(const struct flow_results *r, const char *path)
{
    long k = flow_results_find(r, path);
    ck_assert_msg(k >= 0, "no metric %s", path);
    struct flow_summary s;
    flow_results_summary(r, (size_t)k, &s);
    return s;
}

/* Every replication gives exactly `want`. */
static inline void expect_exact(const struct flow_results *r, const char *path, double want)
{
    struct flow_summary s = get(r, path);
    ck_assert_msg(s.n == r->nreps, "%s: defined in %zu of %zu replications", path, s.n, r->nreps);
    ck_assert_msg(fabs(s.mean - want) <= 1e-9 * fmax(1, fabs(want)) && !(s.sd > 1e-9 * fmax(1, fabs(want))),
                  "%s: %.12g (sd %g), exactly %.12g wanted", path, s.mean, s.sd, want);
}

/* The mean is within `rel` of theory, and theory is inside a 99.9% interval. */
static inline void expect_near(const struct flow_results *r, const char *path, double theory, double rel)
{
    struct flow_summary s = get(r, path);
    double h = flow_ci_halfwidth(s.sd, s.n, 0.999);
    ck_assert_msg(fabs(s.mean - theory) <= fmax(h, 1e-12) && fabs(s.mean - theory) <= rel * fabs(theory),
                  "%s: %.6g (+- %.3g), theory %.6g", path, s.mean, h, theory);
}

#endif
