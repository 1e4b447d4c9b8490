/* test_stats.c - tallies, time-weighted levels, quantile histograms, Student-t intervals and the
 * Erlang formulas against published values. */
#include "check_main.h"

#include <flowsim/stats.h>
#include <math.h>

START_TEST(tally_mean_and_sd)
{
    struct flow_tally t;
    flow_tally_reset(&t);
    ck_assert(isnan(flow_tally_mean(&t)));
    const double x[] = {2.385, 1.25, 7.5, 0.125, 3.0};
    for (int i = 0; i < 5; i++)
        flow_tally_add(&t, x[i]);
    ck_assert_double_eq_tol(flow_tally_mean(&t), 14.26 / 5, 1e-12);
    /* sample sd computed by hand: sum of squares about the mean / 4 */
    double m = 14.26 / 5, ss = 0;
    for (int i = 0; i < 5; i++)
        ss += (x[i] - m) * (x[i] - m);
    ck_assert_double_eq_tol(flow_tally_sd(&t), sqrt(ss / 4), 1e-12);
}
END_TEST

START_TEST(level_time_average)
{
    struct flow_level l = {0};
    flow_level_mark(&l, 0);
    flow_level_set(&l, 0.0, 3);
    flow_level_set(&l, 2.0, 5);     /* 3 for 2 days */
    flow_level_set(&l, 2.5, 0);     /* 5 for half a day */
    /* then 0 until day 4: area 6 + 2.5 = 8.5 over 4 days */
    ck_assert_double_eq_tol(flow_level_mean(&l, 4.0, 0.0), 8.5 / 4, 1e-12);
    flow_level_mark(&l, 4.0);       /* warm-up ends; level 0 kept */
    flow_level_set(&l, 5.0, 2);
    ck_assert_double_eq_tol(flow_level_mean(&l, 6.0, 4.0), 2.0 / 2, 1e-12);
    /* The total from time 0 is not changed by the mark: 8.5 before it, 2 after. */
    ck_assert_double_eq_tol(flow_level_total(&l, 6.0), 10.5, 1e-12);
}
END_TEST

START_TEST(hist_quantiles_within_resolution)
{
    struct flow_hist h;
    flow_hist_init(&h);
    ck_assert(isnan(flow_hist_quantile(&h, 0.5)));
    /* 1..100000 scaled: the q-quantile is q * 100000 * 0.001 */
    for (int i = 1; i <= 100000; i++)
        flow_hist_add(&h, i * 0.001);
    const double qs[] = {0.5, 0.9, 0.95, 0.01};
    for (int k = 0; k < 4; k++)
        ck_assert_double_eq_tol(flow_hist_quantile(&h, qs[k]), qs[k] * 100, 0.005 * qs[k] * 100);
    flow_hist_reset(&h);
    flow_hist_add(&h, 0);
    flow_hist_add(&h, 0);
    flow_hist_add(&h, 4.5);
    ck_assert_double_eq(flow_hist_quantile(&h, 0.5), 0);
    ck_assert_double_eq_tol(flow_hist_quantile(&h, 0.95), 4.5, 4.5 * 0.005);
    flow_hist_fini(&h);
}
END_TEST

START_TEST(summary_student_t_interval)
{
    const double x[] = {1, 2, 3, 4, 5};
    struct flow_summary s;
    flow_summary_compute(&s, x, 5, 1);
    ck_assert_uint_eq(s.n, 5);
    ck_assert_double_eq_tol(s.mean, 3, 1e-12);
    ck_assert_double_eq_tol(s.sd, sqrt(2.5), 1e-12);
    /* t(0.975, 4) = 2.776445 (published tables) */
    ck_assert_double_eq_tol(s.ci_high - s.mean, 2.776445 * sqrt(2.5) / sqrt(5), 1e-6);
    ck_assert_double_eq_tol(s.mean - s.ci_low, 2.776445 * sqrt(2.5) / sqrt(5), 1e-6);
}
END_TEST

START_TEST(summary_skips_undefined_and_strides)
{
    const double x[] = {1, 99, NAN, 99, 3, 99};
    struct flow_summary s;
    flow_summary_compute(&s, x, 3, 2);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_double_eq(s.mean, 2);
    const double one[] = {4.25};
    flow_summary_compute(&s, one, 1, 1);
    ck_assert_double_eq(s.mean, 4.25);
    ck_assert(isnan(s.sd) && isnan(s.ci_low));
}
END_TEST

START_TEST(erlang_matches_published_tables)
{
    ck_assert_double_eq_tol(flow_erlang_b(1, 1.0), 0.5, 1e-12);
    ck_assert_double_eq_tol(flow_erlang_b(12, 10.0), 0.1197, 5e-5);
    ck_assert_double_eq_tol(flow_erlang_b(10, 5.0), 0.01838, 5e-6);
    ck_assert_double_eq_tol(flow_erlang_c(1, 0.5), 0.5, 1e-12);      /* M/M/1: rho */
    ck_assert_double_eq_tol(flow_erlang_c(20, 18.0), 0.5508, 5e-5);
    ck_assert_double_eq_tol(flow_erlang_c(2, 1.0), 1.0 / 3, 1e-12);
    ck_assert_double_eq_tol(flow_mmc_mean_wait(20, 18, 1) * 24, 6.61, 0.005);
    ck_assert_double_eq(flow_erlang_c(3, 3.0), 1.0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, tally_mean_and_sd);
    tcase_add_test(tc, level_time_average);
    tcase_add_test(tc, hist_quantiles_within_resolution);
    tcase_add_test(tc, summary_student_t_interval);
    tcase_add_test(tc, summary_skips_undefined_and_strides);
    tcase_add_test(tc, erlang_matches_published_tables);
    suite_add_tcase(s, tc);
    return s;
}
