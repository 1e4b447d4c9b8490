/* test_validation.c - the engine against closed-form queueing theory (every selftest case, plus
 * PASTA and Little's law under blocking), and reproducibility: same seed, same numbers bit for
 * bit, whatever the thread count; different seed, different numbers. */
#include "../unit/check_main.h"

#include <flowsim/experiment.h>
#include <math.h>
#include <stdio.h>
#include <flowsim/stats.h>
#include <flowsim/compare.h>
#include <flowsim/selftest.h>
#include <flowsim/size.h>
#include <flowsim/warmup.h>
#include <unistd.h>
#include <stdlib.h>
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

/* The codes of a run's warnings, as "code path; code path; ...". */
static void warning_codes(const char *text, const char *const *sets, size_t nsets, char *out, size_t len)
{
    struct flow_scenario *s = test_load(text, sets, nsets);
    struct flow_results r;
    run(s, 2, &r);
    struct flow_warning *w;
    size_t n = flow_results_warnings(&r, &w);
    out[0] = '\0';
    for (size_t k = 0; k < n; k++)
        snprintf(out + strlen(out), len - strlen(out), "%s %s; ", w[k].code, w[k].path);
    free(w);
    flow_results_fini(&r);
    flow_scenario_destroy(s);
}

/* Warnings name what is wrong and only that: an overloaded ward's queue grows; a warm-up of
 * 0 days leaves a ward with 10-day stays filling for weeks of the measured period (its first
 * quarter is below the rest); 60 days of warm-up fill it (no warning); a month profile is a
 * trend of its own, never taken for a short warm-up; 2 replications are too few. */
START_TEST(warnings_say_what_is_wrong)
{
    const char *ward =
        "name: W\nhorizon: 200d\nwarmup: 60d\nreplications: 10\nseed: 5\nstart: 2027-01-01\n"
        "wards: [{name: W, beds: 200}]\ngroups:\n  - name: g\n    arrivals: {rate: 10/d}\n"
        "    route: [{ward: W, stay: {dist: exponential, mean: 10d}}]\n";
    char got[2048];
    warning_codes(ward, NULL, 0, got, sizeof got);
    ck_assert_msg(strcmp(got, "") == 0, "a fine model warned: %s", got);
    const char *cold[] = {"warmup=0d"};
    warning_codes(ward, cold, 1, got, sizeof got);
    ck_assert_msg(strcmp(got, "warmup_short wards.W; ") == 0, "no warm-up: %s", got);
    const char *over[] = {"wards.W.beds=80"};
    warning_codes(ward, over, 1, got, sizeof got);
    ck_assert_msg(strcmp(got, "queue_growing wards.W; ") == 0, "overloaded: %s", got);
    const char *season[] = {"groups.g.arrivals.by_month=[1.6, 1.5, 1.3, 1, 0.8, 0.6, 0.5, 0.5, 0.7, 1, 1.2, 1.4]"};
    warning_codes(ward, season, 1, got, sizeof got);
    ck_assert_msg(strcmp(got, "") == 0, "a month profile warned: %s", got);
    const char *few[] = {"replications=2", "warmup=0d"};
    warning_codes(ward, few, 2, got, sizeof got);
    ck_assert_msg(strcmp(got, "few_replications ; ") == 0, "two replications: %s", got);
}
END_TEST

/* flowsim warmup reads each ward's own occupancy, also behind a ward with rounds (which has
 * more daily series): its steady level is the M/G/infinity load, rate x mean stay: 9 x 5 for
 * Medicine and 9 x 0.5 x 20 for Rehab (half go on to it). */
START_TEST(warmup_reads_each_wards_occupancy)
{
    struct flow_scenario *s = test_load(
        "name: W\nhorizon: 364d\nwarmup: 28d\nreplications: 6\nseed: 11\n"
        "wards:\n  - name: Medicine\n    beds: 10000\n    rounds: [{days: [mon, tue, wed, thu, fri], at: \"09:30\"}]\n"
        "  - {name: Rehab, beds: 10000}\n"
        "groups:\n  - name: g\n    arrivals: {rate: 9/d}\n    route:\n"
        "      - {ward: Medicine, stay: {dist: exponential, mean: 5d}}\n"
        "      - {ward: Rehab, p: 0.5, stay: {dist: exponential, mean: 20d}}\n", NULL, 0);
    struct flow_warmup_result w;
    ck_assert_int_eq(flow_warmup_run(s, &w), 0);
    ck_assert_int_eq((int)w.nseries, 2);
    ck_assert_str_eq(w.series[1].metric, "wards.Rehab.mean_occupied_beds");
    /* Medicine's stays wait for the next weekday round (under a day on average), so only a
     * lower bound there; Rehab's load is exact. */
    ck_assert_msg(w.series[0].steady_mean > 45 && w.series[0].steady_mean < 60, "Medicine %g", w.series[0].steady_mean);
    ck_assert_msg(fabs(w.series[1].steady_mean - 90) < 6, "Rehab %g, theory 90", w.series[1].steady_mean);
    flow_warmup_fini(&w);
    flow_scenario_destroy(s);
}
END_TEST

/* Goal-seeking on an M/M/20 ward (mean stay 1 day): the largest arrival rate with p_wait <= 0.3
 * is where Erlang C equals 0.3 (about 16.37 a day). The boundary reported, from the answer (every
 * interval on the good side) to the first rate where even the favourable end misses, holds the
 * theory; the means cross within 1% of it. Turned round (p_wait >= 0.3: the smallest rate) the
 * answer is on the other side of the same boundary; a target met everywhere has no boundary. */
static struct flow_size_result seek(const char *target, double res)
{
    char path[] = "/tmp/flowsim-seek-XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    const char *text = "name: seek\nhorizon: 2000d\nwarmup: 50d\nreplications: 10\nseed: 7\n"
                       "wards: [{name: Ward, beds: 20}]\ngroups:\n  - name: all\n    arrivals: {rate: 18/d}\n"
                       "    route: [{ward: Ward, stay: {dist: exponential, mean: 1d}}]\n";
    ck_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    struct flow_target *t = calloc(1, sizeof *t);
    char why[256];
    ck_assert_int_eq(flow_target_parse(target, t, why, sizeof why), 0);
    struct flow_run_options o = {.threads = 2};
    struct flow_size_result r;
    struct flow_diag d;
    flow_diag_init(&d);
    ck_assert_int_eq(flow_size_seek(path, NULL, 0, "groups.all.arrivals.rate", "/d", 10, 19, res, t, 1, &o, &r, &d), 0);
    flow_diag_fini(&d);
    unlink(path);
    r.targets = NULL;          /* the target is freed here; the result keeps its numbers */
    flow_target_fini(t);
    free(t);
    return r;
}

static double erlang_c_rate(double p)
{
    double lo = 10, hi = 19.99;
    for (int k = 0; k < 60; k++) {
        double mid = (lo + hi) / 2;
        if (flow_erlang_c(20, mid) <= p)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

START_TEST(goal_seek_finds_the_erlang_c_boundary)
{
    double theory = erlang_c_rate(0.3);
    struct flow_size_result r = seek("wards.Ward.p_wait <= 0.3", 0.05);
    ck_assert(r.found && r.largest && r.continuous);
    ck_assert_msg(r.x_answer <= theory && theory <= r.reach, "theory %g outside [%g, %g]", theory, r.x_answer, r.reach);
    ck_assert_msg(r.reach - r.x_answer < 0.5, "interval [%g, %g] too wide", r.x_answer, r.reach);
    ck_assert_msg(fabs(r.estimate - theory) < 0.01 * theory, "estimate %g, theory %g", r.estimate, theory);
    for (size_t i = 0; i + 1 < r.nevals; i++) {      /* sorted, and met exactly below the answer */
        ck_assert(r.evals[i].x < r.evals[i + 1].x);
        ck_assert(r.evals[i].meets == (r.evals[i].x <= r.x_answer));
    }
    flow_size_fini(&r);
    r = seek("wards.Ward.p_wait >= 0.3", 0.05);
    ck_assert(r.found && !r.largest);
    ck_assert_msg(r.reach <= theory && theory <= r.x_answer, "theory %g outside [%g, %g]", theory, r.reach, r.x_answer);
    flow_size_fini(&r);
    r = seek("wards.Ward.p_wait <= 0.99", 0.05);
    ck_assert(!r.found && r.all_meet && r.nevals == 2);
    flow_size_fini(&r);
}
END_TEST

/* Sizing and goal-seeking with one replication a value, on 1 thread and on 2 (where the next
 * bisection step runs beside the current one): the same values evaluated, with the same rows,
 * and the same answer. */
static void size_both(const char *param, long lo, long hi, bool seek, struct flow_size_result *r, int threads)
{
    char path[] = "/tmp/flowsim-ahead-XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    const char *text = "name: ahead\nhorizon: 300d\nwarmup: 20d\nreplications: 1\nseed: 11\n"
                       "wards: [{name: Ward, beds: 20}]\ngroups:\n  - name: all\n    arrivals: {rate: 18/d}\n"
                       "    route: [{ward: Ward, stay: {dist: exponential, mean: 1d}}]\n";
    ck_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    struct flow_target t;
    char why[256];
    ck_assert_int_eq(flow_target_parse("wards.Ward.p_wait <= 0.2", &t, why, sizeof why), 0);
    struct flow_run_options o = {.threads = threads};
    struct flow_diag d;
    flow_diag_init(&d);
    int rc = seek ? flow_size_seek(path, NULL, 0, param, "/d", (double)lo, (double)hi, 0.05, &t, 1, &o, r, &d)
                  : flow_size_run(path, NULL, 0, param, "", lo, hi, &t, 1, &o, r, &d);
    ck_assert_int_eq(rc, 0);
    flow_diag_fini(&d);
    unlink(path);
    r->targets = NULL;
    flow_target_fini(&t);
}

START_TEST(size_runs_ahead_without_changing_answers)
{
    for (int seek = 0; seek <= 1; seek++) {
        struct flow_size_result a, b;
        const char *param = seek ? "groups.all.arrivals.rate" : "wards.Ward.beds";
        size_both(param, seek ? 10 : 1, seek ? 19 : 5000, seek, &a, 1);
        size_both(param, seek ? 10 : 1, seek ? 19 : 5000, seek, &b, 2);
        ck_assert_uint_eq(a.nevals, b.nevals);
        ck_assert(a.nevals >= 5);
        ck_assert_uint_eq(a.ran_ahead, 0);                 /* 1 thread: no core to spare */
        ck_assert_uint_gt(b.ran_ahead, 0);
        ck_assert_uint_gt(b.used_ahead, 0);                /* a step run ahead saved a wait */
        ck_assert_uint_le(b.used_ahead, b.ran_ahead);
        ck_assert_int_eq(a.answer, b.answer);
        ck_assert(a.x_answer == b.x_answer || (isnan(a.x_answer) && isnan(b.x_answer)));
        for (size_t i = 0; i < a.nevals; i++) {
            ck_assert(a.evals[i].x == b.evals[i].x);
            ck_assert_int_eq(a.evals[i].meets, b.evals[i].meets);
            ck_assert_uint_eq(a.evals[i].results.events, b.evals[i].results.events);
            ck_assert(memcmp(a.evals[i].results.values, b.evals[i].results.values,
                             a.evals[i].results.nmetrics * sizeof *a.evals[i].results.values) == 0);
        }
        flow_size_fini(&a);
        flow_size_fini(&b);
    }
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
    tcase_add_test(tc, warnings_say_what_is_wrong);
    tcase_add_test(tc, warmup_reads_each_wards_occupancy);
    tcase_add_test(tc, goal_seek_finds_the_erlang_c_boundary);
    tcase_add_test(tc, size_runs_ahead_without_changing_answers);
    tcase_add_test(tc, little_law_holds_under_blocking);
    tcase_add_test(tc, same_seed_same_numbers_any_threads);
    tcase_add_test(tc, midnight_census_of_mginf);
    suite_add_tcase(s, tc);
    return s;
}
