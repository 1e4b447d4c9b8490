/* test_validation.c - the engine against closed-form queueing theory (every selftest case, plus
 * PASTA and Little's law under blocking), and reproducibility: same seed, same numbers bit for
 * bit, whatever the thread count; different seed, different numbers. */
#include "../unit/check_main.h"

#include <flowsim/experiment.h>
#include <math.h>
#include <string.h>

START_TEST(selftest_case_matches_theory)
{
    struct flow_selftest_result res;
    struct flow_diag d;
    flow_diag_init(&d);
    ck_assert_int_eq(flow_selftest_run((size_t)_i, 2, &res, &d), 0);
    ck_assert_msg(res.pass, "%s: theory %g, simulated %g (95%% CI %g to %g)", res.c->name,
                  res.theory, res.sim.mean, res.sim.ci_low, res.sim.ci_high);
    /* The interval must also be tight enough to catch a wrong engine: within 10% of theory. */
    ck_assert_msg(res.halfwidth_999 < 0.10 * fabs(res.theory), "%s: interval too wide (%g)",
                  res.c->name, res.halfwidth_999);
    flow_diag_fini(&d);
}
END_TEST

static void run(const struct flow_scenario *s, int threads, struct flow_results *r)
{
    struct flow_run_options o = {.threads = threads};
    ck_assert_int_eq(flow_experiment_run(s, &o, r, NULL), 0);
}

static const char *erlang_c =
    "name: Erlang C\nhorizon: 2000d\nwarmup: 50d\nreplications: 20\nseed: 23\n"
    "wards: [{name: Ward, beds: 20}]\ngroups:\n  - name: all\n    arrivals: {rate: 18/d}\n"
    "    route: [{ward: Ward, stay: {dist: exponential, mean: 1d}}]\n";

/* Poisson arrivals see time averages: the fraction of time all beds are full equals Erlang C. */
START_TEST(pasta_time_full_equals_erlang_c)
{
    struct flow_scenario *s = test_load(erlang_c, NULL, 0);
    struct flow_results r;
    run(s, 2, &r);
    struct flow_summary sum;
    flow_results_summary(&r, (size_t)flow_results_find(&r, "wards.Ward.p_full"), &sum);
    double h = flow_ci_halfwidth(sum.sd, sum.n, 0.999);
    ck_assert_msg(fabs(sum.mean - flow_erlang_c(20, 18)) <= h, "p_full %g vs %g", sum.mean,
                  flow_erlang_c(20, 18));
    flow_results_fini(&r);
    flow_scenario_destroy(s);
}
END_TEST

/* Little's law with blocking: beds held (occupied, including blocked beds) = throughput x length
 * of stay, in every replication, whatever the blocking. */
START_TEST(little_law_holds_under_blocking)
{
    const char *text =
        "name: Blocking\nhorizon: 3000d\nwarmup: 100d\nreplications: 10\nseed: 31\n"
        "wards: [{name: AMU, beds: 12}, {name: Medicine, beds: 20}]\ngroups:\n"
        "  - name: all\n    arrivals: {rate: 6/d}\n    route:\n"
        "      - {ward: AMU, stay: {dist: lognormal, mean: 1d, sd: 0.7d}}\n"
        "      - {ward: Medicine, p: 0.7, stay: {dist: gamma, mean: 4d, sd: 3d}}\n";
    struct flow_scenario *s = test_load(text, NULL, 0);
    struct flow_results r;
    run(s, 2, &r);
    double blocked = 0;
    for (size_t rep = 0; rep < r.nreps; rep++) {
        double l = test_value(&r, "wards.AMU.mean_occupied_beds", rep) +
                   test_value(&r, "wards.Medicine.mean_occupied_beds", rep);
        double lw = test_value(&r, "system.throughput_per_day", rep) * test_value(&r, "system.los_days", rep);
        ck_assert_msg(fabs(l - lw) < 0.01 * l, "replication %zu: L %g, lambda W %g", rep, l, lw);
        blocked += test_value(&r, "wards.AMU.blocked_bed_days_per_day", rep);
    }
    ck_assert_msg(blocked > 0, "this scenario must block");
    /* Medicine's offered load 6 x 0.7 x 4 = 16.8 beds of 20: blocking is real but finite. */
    flow_results_fini(&r);
    flow_scenario_destroy(s);
}
END_TEST

START_TEST(same_seed_same_numbers_any_threads)
{
    struct flow_scenario *s = test_load(erlang_c, NULL, 0);
    struct flow_results a, b;
    run(s, 1, &a);
    run(s, 2, &b);
    ck_assert_uint_eq(a.nmetrics, b.nmetrics);
    ck_assert_uint_eq(a.events, b.events);
    ck_assert(memcmp(a.values, b.values, a.nreps * a.nmetrics * sizeof *a.values) == 0);
    const char *sets[] = {"seed=24"};
    struct flow_scenario *s2 = test_load(erlang_c, sets, 1);
    struct flow_results c;
    run(s2, 2, &c);
    for (size_t rep = 0; rep < a.nreps; rep++)
        ck_assert(test_value(&a, "wards.Ward.p_wait", rep) != test_value(&c, "wards.Ward.p_wait", rep));
    flow_results_fini(&a);
    flow_results_fini(&b);
    flow_results_fini(&c);
    flow_scenario_destroy(s);
    flow_scenario_destroy(s2);
}
END_TEST

/* The midnight census of an M/G/infinity ward with a constant arrival rate has the same mean
 * as its time average: rate x mean stay. */
START_TEST(midnight_census_of_mginf)
{
    const char *text =
        "name: Census\nhorizon: 2000d\nwarmup: 20d\nreplications: 10\nseed: 41\n"
        "wards: [{name: Ward, beds: 500}]\ngroups:\n  - name: all\n    arrivals: {rate: 30/d}\n"
        "    route: [{ward: Ward, stay: {dist: lognormal, mean: 2d, sd: 1d}}]\n";
    struct flow_scenario *s = test_load(text, NULL, 0);
    struct flow_results r;
    run(s, 2, &r);
    struct flow_summary sum;
    flow_results_summary(&r, (size_t)flow_results_find(&r, "wards.Ward.midnight_occupied_beds"), &sum);
    double h = flow_ci_halfwidth(sum.sd, sum.n, 0.999);
    ck_assert_msg(fabs(sum.mean - 60) <= h && h < 1, "census %g (+- %g), theory 60", sum.mean, h);
    flow_results_fini(&r);
    flow_scenario_destroy(s);
}
END_TEST

/* Intervals are cut at the metric's bounds (at least 0, a fraction at most 1), the mean and sd
 * untouched; a paired difference that is rounding noise is exactly 0 and never significant. */
START_TEST(intervals_are_honest)
{
    struct flow_metric_def defs[2] = {{"wards", "W", "p_wait", "waited", "fraction", -1},
                                      {"wards", "W", "mean_wait_hours", "wait", "hours", -1}};
    double near0[] = {0, 0, 0.3, 0.001, 0, 0.002};       /* 3 replications x 2 metrics */
    struct flow_results r = {.defs = defs, .nmetrics = 2, .nreps = 3, .values = near0};
    struct flow_summary s;
    flow_results_summary(&r, 0, &s);
    ck_assert_double_eq(s.ci_low, 0);
    ck_assert(s.ci_high > s.mean && fabs(s.mean - 0.1) < 1e-12 && s.sd > 0.17);
    flow_results_summary(&r, 1, &s);
    ck_assert_double_eq(s.ci_low, 0);
    double near1[] = {1, 1, 0.7, 1, 1, 1};
    r.values = near1;
    flow_results_summary(&r, 0, &s);
    ck_assert_double_eq(s.ci_high, 1);
    ck_assert(s.ci_low < s.mean && fabs(s.mean - 0.9) < 1e-12);
    /* 0.1 + 0.2 against 0.3: equal but for the last bit */
    double base[] = {0.3, 1, 0.6, 2, 0.9, 3}, what[] = {0.1 + 0.2, 1, 0.2 + 0.4, 2, 0.3 + 0.6, 3};
    struct flow_comparison c = {.base = {.defs = defs, .nmetrics = 2, .nreps = 3, .values = base},
                                .whatif = {.defs = defs, .nmetrics = 2, .nreps = 3, .values = what}};
    size_t ib[] = {0}, iw[] = {0};
    c.n = 1, c.ib = ib, c.iw = iw;
    struct flow_summary sb, sw, sd;
    ck_assert(0.1 + 0.2 != 0.3);
    flow_comparison_summary(&c, 0, &sb, &sw, &sd);
    ck_assert_double_eq(sd.mean, 0);
    ck_assert_double_eq(sd.ci_low, 0);
    ck_assert_double_eq(sd.ci_high, 0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("validation");
    TCase *tc = tcase_create("closed-form");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, selftest_case_matches_theory, 0, (int)flow_selftest_count());
    tcase_add_test(tc, pasta_time_full_equals_erlang_c);
    tcase_add_test(tc, intervals_are_honest);
    tcase_add_test(tc, little_law_holds_under_blocking);
    tcase_add_test(tc, same_seed_same_numbers_any_threads);
    tcase_add_test(tc, midnight_census_of_mginf);
    suite_add_tcase(s, tc);
    return s;
}
