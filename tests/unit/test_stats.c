/* test_stats.c - tallies, time-weighted levels, quantile histograms, Student-t intervals and the
 * Erlang formulas against published values. */
#include "check_main.h"

#include <flowsim/stats.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
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

/* All percentiles in one pass give what each gives alone, at ranks inside a bin, at a bin's
 * last count (5 of 6: the top of 1's bin), among the zeros and past the last value. */
START_TEST(hist_quantiles_at_once_as_alone)
{
    struct flow_hist h;
    flow_hist_init(&h);
    const double x[] = {0, 0, 1, 1, 1, 3, 0.002, 700, 700.5};
    const double qs[] = {0.01, 0.2, 1.0 / 3, 0.5, 5.0 / 6, 0.99, 1.0};
    double at_once[7];
    flow_hist_quantiles(&h, qs, 7, at_once);
    ck_assert(isnan(at_once[0]) && isnan(at_once[6]));
    for (int k = 0; k < 6; k++)
        flow_hist_add(&h, x[k]);
    flow_hist_quantiles(&h, qs, 7, at_once);
    ck_assert_double_eq(at_once[1], 0);
    ck_assert_double_eq(at_once[4], 1 + 1.0 / 256);
    ck_assert_double_eq(at_once[6], 3);
    for (int k = 0; k < 7; k++)
        ck_assert_double_eq(at_once[k], flow_hist_quantile(&h, qs[k]));
    for (int k = 6; k < 9; k++)
        flow_hist_add(&h, x[k]);
    flow_hist_quantiles(&h, qs, 7, at_once);
    for (int k = 0; k < 7; k++)
        ck_assert_double_eq(at_once[k], flow_hist_quantile(&h, qs[k]));
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

/* ---- fitting stays to data ---- */

struct truth {
    enum flow_fit_family family;
    double a, b;           /* as the scenario format gives them */
    double mean, sd;
};

static double draw(gsl_rng *r, const struct truth *t)
{
    switch (t->family) {
    case FLOW_FIT_LOGNORMAL: {
        double s2 = log1p(t->b * t->b / (t->a * t->a));
        return gsl_ran_lognormal(r, log(t->a) - s2 / 2, sqrt(s2));
    }
    case FLOW_FIT_GAMMA:     return gsl_ran_gamma(r, t->a * t->a / (t->b * t->b), t->b * t->b / t->a);
    case FLOW_FIT_WEIBULL:   return gsl_ran_weibull(r, t->b, t->a);
    default:                 return gsl_ran_exponential(r, t->a);
    }
}

/* n stays, each censored by an independent uniform end of observation on (0, cut): the data a
 * hospital extract gives, where stays still under way at the extract are censored. */
static size_t sample(const struct truth *t, double cut, size_t n, double *x, unsigned char *cens, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    size_t censored = 0;
    for (size_t i = 0; i < n; i++) {
        double stay = draw(r, t), end = cut > 0 ? gsl_ran_flat(r, 0, cut) : INFINITY;
        cens[i] = stay > end;
        x[i] = cens[i] ? end : stay;
        censored += cens[i];
    }
    gsl_rng_free(r);
    return censored;
}

static const struct truth truths[] = {
    {FLOW_FIT_LOGNORMAL, 5, 4, 5, 4},
    {FLOW_FIT_GAMMA, 6, 3, 6, 3},
    {FLOW_FIT_WEIBULL, 1.5, 4, 4 * 0.902745292950934, 4 * 0.6129357917546},
    {FLOW_FIT_EXPONENTIAL, 3, 0, 3, 3},
};

/* Each family is fitted back from 4,000 stays, a fifth or more censored: the family with the
 * least AIC is the true one, and its parameters lie within a few standard errors. */
START_TEST(fit_recovers_known_stays)
{
    const struct truth *t = &truths[_i];
    enum { N = 4000 };
    static double x[N];
    static unsigned char cens[N];
    size_t censored = sample(t, 4 * t->mean, N, x, cens, 7 + (unsigned long)_i);
    ck_assert_msg(censored > N / 10, "%zu censored", censored);
    struct flow_fit fits[FLOW_FIT_FAMILIES];
    enum flow_fit_family best;
    ck_assert_int_eq(flow_fit_best(x, cens, N, fits, &best), 0);
    const struct flow_fit *f = &fits[t->family];
    double se = t->sd / sqrt((double)f->observed);
    if (t->family == FLOW_FIT_WEIBULL) {
        ck_assert_msg(fabs(f->a - t->a) < 0.05 * t->a && fabs(f->b - t->b) < 0.05 * t->b, "weibull %g %g", f->a, f->b);
    } else {
        ck_assert_msg(fabs(f->a - t->a) < 6 * se, "%s mean %g, true %g (se %g)", flow_fit_family_name(t->family), f->a,
                      t->a, se);
        if (t->family != FLOW_FIT_EXPONENTIAL)
            ck_assert_msg(fabs(f->b - t->b) < 0.08 * t->b, "%s sd %g, true %g", flow_fit_family_name(t->family), f->b, t->b);
    }
    if (t->family != FLOW_FIT_EXPONENTIAL)   /* the exponential is a gamma and a Weibull with shape 1 */
        ck_assert_msg(best == t->family, "chose %s for %s", flow_fit_family_name(best), flow_fit_family_name(t->family));
    ck_assert_msg(f->ks < 3 / sqrt((double)f->observed), "KS %g", f->ks);    /* the true family fits */
    if (t->family == FLOW_FIT_LOGNORMAL)                                           /* a wrong one does not */
        ck_assert_msg(fits[FLOW_FIT_EXPONENTIAL].ks > 3 / sqrt((double)f->observed), "exponential KS %g",
                      fits[FLOW_FIT_EXPONENTIAL].ks);
    ck_assert_uint_eq(f->observed + f->censored, N);
}
END_TEST

/* Heavy censoring: exponential stays of mean 10 observed for a uniform (0, 10) days. Ignoring the
 * censored stays (the mean of those seen to end) is far too short; the censored likelihood is
 * right. */
START_TEST(fit_counts_censored_stays)
{
    enum { N = 4000 };
    static double x[N];
    static unsigned char cens[N];
    const struct truth t = {FLOW_FIT_EXPONENTIAL, 10, 0, 10, 10};
    sample(&t, 10, N, x, cens, 99);
    struct flow_fit with, without;
    ck_assert_int_eq(flow_fit_family(x, cens, N, FLOW_FIT_EXPONENTIAL, &with), 0);
    ck_assert_msg(fabs(with.a - 10) < 6 * 10 / sqrt((double)with.observed), "censored fit %g", with.a);
    ck_assert_int_eq(flow_fit_family(x, NULL, N, FLOW_FIT_EXPONENTIAL, &without), 0);
    ck_assert_msg(without.a < 6, "ignoring censoring gives %g: the test would not see it", without.a);
    struct flow_fit ln;
    ck_assert_int_eq(flow_fit_family(x, cens, N, FLOW_FIT_LOGNORMAL, &ln), 0);
    ck_assert(isfinite(ln.aic) && ln.aic > with.aic);   /* the true family wins */
    const double bad[] = {1, 0, 2};
    ck_assert_int_eq(flow_fit_family(bad, NULL, 3, FLOW_FIT_GAMMA, &ln), -1);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, tally_mean_and_sd);
    tcase_add_test(tc, level_time_average);
    tcase_add_test(tc, hist_quantiles_within_resolution);
    tcase_add_test(tc, hist_quantiles_at_once_as_alone);
    tcase_add_test(tc, summary_student_t_interval);
    tcase_add_test(tc, summary_skips_undefined_and_strides);
    tcase_add_test(tc, erlang_matches_published_tables);
    tcase_add_loop_test(tc, fit_recovers_known_stays, 0, sizeof truths / sizeof truths[0]);
    tcase_add_test(tc, fit_counts_censored_stays);
    suite_add_tcase(s, tc);
    return s;
}
