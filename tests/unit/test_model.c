/* test_model.c - model pieces with exact expectations: the arrival profile, zero rates, warm-up
 * reset, stream independence between groups (common random numbers), and conservation of
 * patients through a divert ward. */
#include "check_main.h"

#include "model/internal.h"
#include <flowsim/experiment.h>
#include <flowsim/random.h>
#include <math.h>
#include <string.h>

static const char *profiled =
    "name: p\nhorizon: 7d\nwards: [{name: A, beds: 5}]\ngroups:\n  - name: g\n"
    "    arrivals:\n      rate: 30/d\n"
    "      by_hour: [0,0,0,0,0,0,1,2,3,4,4,4,4,4,4,3,3,2,2,1,1,0,0,0]\n"
    "      by_weekday: [2, 1.5, 1, 1, 1, 0.5, 0]\n"
    "    route: [{ward: A, stay: {dist: fixed, value: 1h}}]\n";

START_TEST(arrivals_follow_hour_and_weekday_profile)
{
    struct flow_scenario *s = test_load(profiled, NULL, 0);
    struct group g = {.spec = &s->groups[0]};
    arrivals_setup(&g);
    gsl_rng *r = flow_stream_create(5, 0, "profile");
    enum { WEEKS = 400 };
    static double count[168];
    memset(count, 0, sizeof count);
    double t = 0;
    for (;;) {
        t = arrivals_next(&g, r, t);
        if (t >= WEEKS * 7.0)
            break;
        count[(int)fmod(floor(t * 24), 168)]++;
    }
    for (int h = 0; h < 168; h++) {
        double expect = g.hourly[h] / 24 * WEEKS;
        /* Poisson counts: five standard deviations, and exactly zero where the rate is zero. */
        if (expect == 0)
            ck_assert_msg(count[h] == 0, "hour %d: %g arrivals where the rate is zero", h, count[h]);
        else
            ck_assert_msg(fabs(count[h] - expect) <= 5 * sqrt(expect), "hour %d: %g vs %g", h,
                          count[h], expect);
    }
    /* The weekly mean is the stated rate: 30 a day. */
    ck_assert_double_eq_tol(g.week_total, 30 * 7, 1e-9);
    gsl_rng_free(r);
    flow_scenario_destroy(s);
}
END_TEST

START_TEST(arrivals_zero_rate_never_arrive)
{
    const char *sets[] = {"groups.g.arrivals.rate=0/d"};
    struct flow_scenario *s = test_load(profiled, sets, 1);
    struct group g = {.spec = &s->groups[0]};
    arrivals_setup(&g);
    gsl_rng *r = flow_stream_create(5, 0, "zero");
    ck_assert(isinf(arrivals_next(&g, r, 3.25)));
    gsl_rng_free(r);
    flow_scenario_destroy(s);
}
END_TEST

static const char *two_groups =
    "name: crn\nhorizon: 200d\nwarmup: 10d\nreplications: 4\nseed: 21\n"
    "wards: [{name: A, beds: 10}, {name: B, beds: 10}]\ngroups:\n"
    "  - name: ga\n    arrivals: {rate: 7/d}\n"
    "    route: [{ward: A, stay: {dist: lognormal, mean: 1d, sd: 0.5d}}]\n"
    "  - name: gb\n    arrivals: {rate: 5/d}\n"
    "    route: [{ward: B, stay: {dist: exponential, mean: 1.5d}}]\n";

/* Changing group gb must not shift a single random number of group ga. */
START_TEST(model_groups_have_independent_streams)
{
    const char *sets[] = {"groups.gb.arrivals.rate=9/d", "groups.gb.route.1.stay.mean=0.5d"};
    struct flow_scenario *base = test_load(two_groups, NULL, 0), *what = test_load(two_groups, sets, 2);
    struct flow_results rb, rw;
    struct flow_run_options o = {.threads = 1};
    ck_assert_int_eq(flow_experiment_run(base, &o, &rb, NULL), 0);
    ck_assert_int_eq(flow_experiment_run(what, &o, &rw, NULL), 0);
    for (size_t rep = 0; rep < 4; rep++) {
        ck_assert_double_eq(test_value(&rb, "groups.ga.los_days", rep), test_value(&rw, "groups.ga.los_days", rep));
        ck_assert_double_eq(test_value(&rb, "wards.A.mean_wait_hours", rep),
                            test_value(&rw, "wards.A.mean_wait_hours", rep));
        ck_assert(test_value(&rb, "wards.B.mean_occupied_beds", rep) !=
                  test_value(&rw, "wards.B.mean_occupied_beds", rep));
    }
    flow_results_fini(&rb);
    flow_results_fini(&rw);
    flow_scenario_destroy(base);
    flow_scenario_destroy(what);
}
END_TEST

/* A full divert ward: every arrival is either admitted or lost, and with fixed 1-day stays and
 * one bed no admission waits. */
START_TEST(model_divert_never_queues)
{
    const char *text = "name: d\nhorizon: 300d\nreplications: 3\nwards: [{name: A, beds: 1, "
                       "when_full: divert}]\ngroups:\n  - name: g\n    arrivals: {rate: 2/d}\n"
                       "    route: [{ward: A, stay: {dist: fixed, value: 1d}}]\n";
    struct flow_scenario *s = test_load(text, NULL, 0);
    struct flow_results r;
    struct flow_run_options o = {.threads = 2};
    ck_assert_int_eq(flow_experiment_run(s, &o, &r, NULL), 0);
    for (size_t rep = 0; rep < 3; rep++) {
        double arrivals = test_value(&r, "system.arrivals_per_day", rep);
        double out = test_value(&r, "system.throughput_per_day", rep);
        double lost = test_value(&r, "wards.A.lost_fraction", rep);
        ck_assert_double_eq(test_value(&r, "wards.A.p_wait", rep), 0);
        ck_assert_double_eq(test_value(&r, "wards.A.mean_wait_hours", rep), 0);
        /* admitted = arrivals x (1 - lost) = departures, up to the patient in bed at the end */
        ck_assert_double_eq_tol(arrivals * (1 - lost), out, 1.0 / 300 + 1e-9);
        ck_assert_double_eq_tol(test_value(&r, "system.los_days", rep), 1.0, 1e-9);
        ck_assert_double_eq_tol(test_value(&r, "system.los_days_p50", rep), 1.0, 0.005);
    }
    flow_results_fini(&r);
    flow_scenario_destroy(s);
}
END_TEST

/* Statistics start again at the end of warm-up. */
START_TEST(model_warmup_resets_counts)
{
    const char *text = "name: w\nhorizon: 100d\nwarmup: 50d\nreplications: 1\nseed: 4\n"
                       "wards: [{name: A, beds: 3, cost_per_bed_day: 100}]\ngroups:\n"
                       "  - name: g\n    arrivals: {rate: 10/d}\n"
                       "    route: [{ward: A, stay: {dist: fixed, value: 0.5d}}]\n";
    struct flow_scenario *s = test_load(text, NULL, 0);
    struct flow_model *m = flow_model_create(s, 0);
    ck_assert_int_eq(flow_model_run(m), 0);
    /* Arrivals counted only in the 100 measured days: about 1000, not 1500. */
    ck_assert_uint_ge(m->groups[0].period.arrivals, 850);
    ck_assert_uint_le(m->groups[0].period.arrivals, 1150);
    flow_model_destroy(m);
    flow_scenario_destroy(s);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, arrivals_follow_hour_and_weekday_profile);
    tcase_add_test(tc, arrivals_zero_rate_never_arrive);
    tcase_add_test(tc, model_groups_have_independent_streams);
    tcase_add_test(tc, model_divert_never_queues);
    tcase_add_test(tc, model_warmup_resets_counts);
    suite_add_tcase(s, tc);
    return s;
}
