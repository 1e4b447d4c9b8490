/* test_random.c - named streams (reproducible, independent by name) and every distribution's
 * sample mean and sd against its parameters, plus Kolmogorov-Smirnov checks against gsl_cdf;
 * residual stays (given the time spent, and in equilibrium) against their exact laws. */
#include "check_main.h"

#include <flowsim/random.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdlib.h>

/* flowsim's Mersenne Twister gives GSL's gsl_rng_mt19937 numbers draw for draw: integers,
 * doubles and GSL's own samplers (which draw through the type), over several refills, for
 * seeds including 0 (GSL's default 4357), 2^32 - 1 and 64-bit seeds (GSL keeps 32 bits), and
 * when a stream is seeded again after drawing. */
START_TEST(mt19937_gives_gsl_numbers)
{
    const unsigned long seeds[] = {0, 1, 2, 4357, 42, 0xffffffffUL, 0x100000000UL, 0x123456789abcdefUL, 987654321};
    for (size_t k = 0; k < sizeof seeds / sizeof *seeds; k++) {
        gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937), *b = gsl_rng_alloc(flow_rng_mt19937);
        gsl_rng_set(a, seeds[k]);
        gsl_rng_set(b, seeds[k]);
        for (int i = 0; i < 3000; i++) {
            ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
            ck_assert(gsl_rng_uniform(a) == gsl_rng_uniform(b));
            ck_assert(gsl_ran_gaussian_ziggurat(a, 1.5) == gsl_ran_gaussian_ziggurat(b, 1.5));
            ck_assert(gsl_ran_gamma(a, 0.7, 2) == gsl_ran_gamma(b, 0.7, 2));
            ck_assert(gsl_rng_uniform_pos(a) == gsl_rng_uniform_pos(b));
        }
        gsl_rng_set(a, seeds[k] + 7);
        gsl_rng_set(b, seeds[k] + 7);
        for (int i = 0; i < 1000; i++)
            ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
        ck_assert_uint_eq(gsl_rng_max(b), gsl_rng_max(a));
        ck_assert_uint_eq(gsl_rng_min(b), gsl_rng_min(a));
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
    /* A generator that was never seeded draws as GSL's default does. */
    gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937), *b = gsl_rng_alloc(flow_rng_mt19937);
    for (int i = 0; i < 700; i++)
        ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}
END_TEST

START_TEST(stream_same_name_same_draws)
{
    gsl_rng *a = flow_stream_create(42, 3, "group/emergency/arrivals");
    gsl_rng *b = flow_stream_create(42, 3, "group/emergency/arrivals");
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}
END_TEST

START_TEST(stream_differs_by_name_seed_and_replication)
{
    uint64_t base = flow_stream_seed(42, 3, "group/a/arrivals");
    ck_assert_uint_ne(base, flow_stream_seed(42, 3, "group/b/arrivals"));
    ck_assert_uint_ne(base, flow_stream_seed(43, 3, "group/a/arrivals"));
    ck_assert_uint_ne(base, flow_stream_seed(42, 4, "group/a/arrivals"));
}
END_TEST

/* The 1000th draw of a stream is pinned: changing how streams are seeded would silently change
 * every published result, so it must be a deliberate act that updates this value. */
START_TEST(stream_nth_draw_is_pinned)
{
    gsl_rng *r = flow_stream_create(42, 0, "group/emergency_medical/arrivals");
    unsigned long v = 0;
    for (int i = 0; i < 1000; i++)
        v = gsl_rng_get(r);
    ck_assert_uint_eq(v, 3743936684UL);
    gsl_rng_free(r);
}
END_TEST

struct dcase {
    enum flow_dist_kind kind;
    double a, b, c;
    double mean, sd;     /* expected */
};

static const struct dcase dcases[] = {
    {FLOW_DIST_EXPONENTIAL, 2.385, 0, 0, 2.385, 2.385},
    {FLOW_DIST_LOGNORMAL, 1.5, 1.0, 0, 1.5, 1.0},
    {FLOW_DIST_GAMMA, 6.0, 5.0, 0, 6.0, 5.0},
    {FLOW_DIST_WEIBULL, 1.7, 3.2, 0, 3.2 * 0.8922445024993243, 3.2 * 0.5402358996270545},
    {FLOW_DIST_TRIANGULAR, 0.5, 1.25, 4.0, 5.75 / 3, 0.7523112535528245},
    {FLOW_DIST_UNIFORM, 0.25, 2.75, 0, 1.5, 2.5 / 3.4641016151},
    {FLOW_DIST_FIXED, 0.8125, 0, 0, 0.8125, 0},
};

START_TEST(dist_sample_mean_and_sd)
{
    const struct dcase *c = &dcases[_i];
    struct flow_dist d;
    ck_assert_ptr_null(flow_dist_init(&d, c->kind, c->a, c->b, c->c));
    ck_assert_double_eq_tol(flow_dist_mean(&d), c->mean, 1e-6 * c->mean);
    ck_assert_double_eq_tol(flow_dist_sd(&d), c->sd, 1e-6 * (c->sd + 1));
    gsl_rng *r = flow_stream_create(7, 0, flow_dist_name(c->kind));
    enum { N = 400000 };
    double sum = 0, sum2 = 0;
    for (int i = 0; i < N; i++) {
        double x = flow_dist_sample(&d, r);
        ck_assert(x >= 0);
        sum += x;
        sum2 += x * x;
    }
    double mean = sum / N, sd = sqrt(fmax(0, sum2 / N - mean * mean));
    /* Five standard errors: fails only for a wrong sampler. */
    ck_assert_double_eq_tol(mean, c->mean, 5 * c->sd / sqrt(N) + 1e-12);
    ck_assert_double_eq_tol(sd, c->sd, 0.02 * c->sd + 1e-12);
    gsl_rng_free(r);
    flow_dist_fini(&d);
}
END_TEST

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double cdf(const struct flow_dist *d, double x)
{
    switch (d->kind) {
    case FLOW_DIST_EXPONENTIAL: return gsl_cdf_exponential_P(x, d->a);
    case FLOW_DIST_LOGNORMAL:   return gsl_cdf_lognormal_P(x, d->p1, d->p2);
    case FLOW_DIST_GAMMA:       return gsl_cdf_gamma_P(x, d->p1, d->p2);
    case FLOW_DIST_WEIBULL:     return gsl_cdf_weibull_P(x, d->b, d->a);
    case FLOW_DIST_UNIFORM:     return gsl_cdf_flat_P(x, d->a, d->b);
    case FLOW_DIST_TRIANGULAR:
        if (x <= d->a)
            return 0;
        if (x >= d->c)
            return 1;
        return x <= d->b ? (x - d->a) * (x - d->a) / ((d->c - d->a) * (d->b - d->a))
                         : 1 - (d->c - x) * (d->c - x) / ((d->c - d->a) * (d->c - d->b));
    default:                    return NAN;
    }
}

START_TEST(dist_matches_gsl_cdf)
{
    static const struct dcase ks[] = {
        {FLOW_DIST_EXPONENTIAL, 2.385, 0, 0, 0, 0}, {FLOW_DIST_LOGNORMAL, 1.5, 1.0, 0, 0, 0},
        {FLOW_DIST_GAMMA, 6.0, 5.0, 0, 0, 0},       {FLOW_DIST_WEIBULL, 1.7, 3.2, 0, 0, 0},
        {FLOW_DIST_UNIFORM, 0.25, 2.75, 0, 0, 0},
    };
    enum { N = 20000 };
    static double x[N];
    for (size_t k = 0; k < sizeof ks / sizeof ks[0]; k++) {
        struct flow_dist d;
        flow_dist_init(&d, ks[k].kind, ks[k].a, ks[k].b, ks[k].c);
        gsl_rng *r = flow_stream_create(11, 0, "ks");
        for (int i = 0; i < N; i++)
            x[i] = flow_dist_sample(&d, r);
        qsort(x, N, sizeof x[0], cmp);
        double dmax = 0;
        for (int i = 0; i < N; i++) {
            double f = cdf(&d, x[i]);
            dmax = fmax(dmax, fmax(fabs(f - (double)i / N), fabs(f - (double)(i + 1) / N)));
        }
        /* Critical value at the 0.1% level is 1.95 / sqrt(N). */
        ck_assert_msg(dmax < 1.95 / sqrt(N), "%s: KS distance %g", flow_dist_name(d.kind), dmax);
        gsl_rng_free(r);
    }
}
END_TEST

/* The ziggurat's layers, edges and tail: P(X > x) = exp(-x / mean) at points in the body, near
 * the last layer and in the tail (beyond 7.7 means). */
START_TEST(exponential_tail_probabilities)
{
    enum { N = 2000000 };
    const double at[] = {0.1, 1.0, 3.0, 7.5, 9.0, 11.0};
    double count[6] = {0};
    gsl_rng *r = flow_stream_create(19, 0, "tail");
    for (int i = 0; i < N; i++) {
        double x = flow_ran_exponential(r, 2.385) / 2.385;
        for (int k = 0; k < 6; k++)
            count[k] += x > at[k];
    }
    for (int k = 0; k < 6; k++) {
        double expect = N * exp(-at[k]);
        ck_assert_msg(fabs(count[k] - expect) <= 5 * sqrt(expect) + 1, "P(X > %g): %g vs %g",
                      at[k], count[k], expect);
    }
    gsl_rng_free(r);
}
END_TEST

START_TEST(dist_empirical_uses_weights)
{
    const double values[] = {1.0, 2.0, 7.5};
    const double weights[] = {1, 2, 1};
    struct flow_dist d;
    ck_assert_ptr_null(flow_dist_init_empirical(&d, values, weights, 3));
    ck_assert_double_eq_tol(flow_dist_mean(&d), (1 + 4 + 7.5) / 4, 1e-12);
    gsl_rng *r = flow_stream_create(3, 0, "empirical");
    int count[3] = {0};
    enum { N = 200000 };
    for (int i = 0; i < N; i++) {
        double x = flow_dist_sample(&d, r);
        count[x == 1.0 ? 0 : x == 2.0 ? 1 : 2]++;
    }
    ck_assert_double_eq_tol(count[1] / (double)N, 0.5, 0.005);
    ck_assert_double_eq_tol(count[0] / (double)N, 0.25, 0.005);
    struct flow_dist copy;
    flow_dist_copy(&copy, &d);
    ck_assert_double_eq(flow_dist_mean(&copy), flow_dist_mean(&d));
    flow_dist_fini(&copy);
    flow_dist_fini(&d);
    gsl_rng_free(r);
}
END_TEST

START_TEST(dist_rejects_bad_parameters)
{
    struct flow_dist d;
    ck_assert_ptr_nonnull(flow_dist_init(&d, FLOW_DIST_EXPONENTIAL, 0, 0, 0));
    ck_assert_ptr_nonnull(flow_dist_init(&d, FLOW_DIST_LOGNORMAL, 1, 0, 0));
    ck_assert_ptr_nonnull(flow_dist_init(&d, FLOW_DIST_GAMMA, -1, 1, 0));
    ck_assert_ptr_nonnull(flow_dist_init(&d, FLOW_DIST_TRIANGULAR, 2, 1, 3));
    ck_assert_ptr_nonnull(flow_dist_init(&d, FLOW_DIST_TRIANGULAR, 2, 2, 2));   /* min = max: a constant */
    ck_assert_ptr_null(flow_dist_init(&d, FLOW_DIST_TRIANGULAR, 1, 1, 2));      /* the mode at either end */
    flow_dist_fini(&d);
    ck_assert_ptr_null(flow_dist_init(&d, FLOW_DIST_TRIANGULAR, 1, 2, 2));
    flow_dist_fini(&d);
    ck_assert_ptr_nonnull(flow_dist_init(&d, FLOW_DIST_UNIFORM, 2, 2, 0));
    ck_assert_ptr_nonnull(flow_dist_init(&d, FLOW_DIST_FIXED, -0.5, 0, 0));
    ck_assert_ptr_nonnull(flow_dist_init(&d, FLOW_DIST_WEIBULL, 1, 0, 0));
    const double v[] = {1, 2}, w[] = {0, 0};
    ck_assert_ptr_nonnull(flow_dist_init_empirical(&d, v, w, 2));
    ck_assert_ptr_nonnull(flow_dist_init_empirical(&d, v, NULL, 0));
    ck_assert_int_eq(flow_dist_lookup("lognormal"), FLOW_DIST_LOGNORMAL);
    ck_assert_int_eq(flow_dist_lookup("normal"), FLOW_DIST_COUNT);
}
END_TEST

/* Kolmogorov-Smirnov distance of n sorted draws from the law with CDF f (at the 0.1% level
 * the critical value is 1.95 / sqrt(n)). */
static double ks_distance(const double *x, int n, double (*f)(double, void *), void *arg)
{
    double dmax = 0;
    for (int i = 0; i < n; i++) {
        double p = f(x[i], arg);
        dmax = fmax(dmax, fmax(fabs(p - (double)i / n), fabs(p - (double)(i + 1) / n)));
    }
    return dmax;
}

struct given {
    const struct flow_dist *d;
    double a;
};

/* The residual's CDF given X > a: 1 - S(a + r) / S(a), from the independent cdf above. */
static double residual_cdf(double r, void *arg)
{
    const struct given *g = arg;
    return 1 - (1 - cdf(g->d, g->a + r)) / (1 - cdf(g->d, g->a));
}

static const struct dcase residual_cases[] = {
    {FLOW_DIST_EXPONENTIAL, 2.385, 0, 0, 2.385, 2.385}, {FLOW_DIST_LOGNORMAL, 1.5, 1.0, 0, 1.5, 1.0},
    {FLOW_DIST_GAMMA, 6.0, 5.0, 0, 6.0, 5.0},          {FLOW_DIST_GAMMA, 3.0, 1.0, 0, 3.0, 1.0},
    {FLOW_DIST_WEIBULL, 1.7, 3.2, 0, 3.2 * 0.8922445024993243, 3.2 * 0.5402358996270545},
    {FLOW_DIST_TRIANGULAR, 0.5, 1.25, 4.0, 5.75 / 3, 0.7523112535528245},
    {FLOW_DIST_UNIFORM, 0.25, 2.75, 0, 1.5, 2.5 / 3.4641016151},
};

/* Given the time already spent (before, at and well past the mean, and far in the tail), the
 * remaining stay follows the conditional law exactly: a fresh stay, or one shifted by the time
 * spent, would fail. */
START_TEST(residual_given_elapsed_follows_the_conditional_law)
{
    const struct dcase *c = &residual_cases[_i];
    struct flow_dist d;
    ck_assert_ptr_null(flow_dist_init(&d, c->kind, c->a, c->b, c->c));
    const double at[] = {0.3 * c->mean, c->mean, 1.7 * c->mean};
    enum { N = 20000 };
    static double x[N];
    for (size_t k = 0; k < 3; k++) {
        if (1 - cdf(&d, at[k]) < 1e-3)
            continue;
        gsl_rng *r = flow_stream_create(17, (uint32_t)k, "residual");
        for (int i = 0; i < N; i++)
            x[i] = flow_dist_residual(&d, at[k], r);
        qsort(x, N, sizeof x[0], cmp);
        ck_assert(x[0] >= 0);
        struct given g = {&d, at[k]};
        double dist = ks_distance(x, N, residual_cdf, &g);
        ck_assert_msg(dist < 1.95 / sqrt(N), "%s after %g: KS distance %g", flow_dist_name(d.kind), at[k], dist);
        gsl_rng_free(r);
    }
    flow_dist_fini(&d);
}
END_TEST

struct equilibrium {
    const struct flow_dist *d;
    double mean;
    gsl_integration_workspace *w;
    double x0, f0;       /* the last point integrated to, and the CDF there */
};

static double survival_at(double x, void *arg) { return 1 - cdf(arg, x); }

/* The equilibrium residual's CDF, integral of S from 0 to r over the mean, integrated piece by
 * piece along the sorted draws. */
static double equilibrium_cdf(double r, void *arg)
{
    struct equilibrium *e = arg;
    gsl_function f = {survival_at, (void *)e->d};
    double part = 0, err;
    if (r > e->x0)
        gsl_integration_qags(&f, e->x0, r, 1e-12, 1e-10, 1000, e->w, &part, &err);
    e->f0 += part / e->mean;
    e->x0 = fmax(e->x0, r);
    return e->f0;
}

/* With the time spent unknown, the remaining stay has density S(r) / mean: KS against that law,
 * and its mean is E[X^2] / (2 E[X]) = (sd^2 + mean^2) / (2 mean). Fresh stays (mean `mean`) or
 * uniform fractions of fresh stays (mean / 2) fail both for every family but the exponential. */
START_TEST(equilibrium_residual_follows_the_stationary_excess)
{
    const struct dcase *c = &residual_cases[_i];
    struct flow_dist d;
    ck_assert_ptr_null(flow_dist_init(&d, c->kind, c->a, c->b, c->c));
    enum { N = 40000 };
    static double x[N];
    gsl_rng *r = flow_stream_create(19, 0, "equilibrium");
    double sum = 0;
    for (int i = 0; i < N; i++)
        sum += x[i] = flow_dist_equilibrium_residual(&d, r);
    qsort(x, N, sizeof x[0], cmp);
    struct equilibrium e = {&d, c->mean, gsl_integration_workspace_alloc(1000), 0, 0};
    double dist = ks_distance(x, N, equilibrium_cdf, &e);
    ck_assert_msg(dist < 1.95 / sqrt(N), "%s: KS distance %g", flow_dist_name(d.kind), dist);
    double want = (c->sd * c->sd + c->mean * c->mean) / (2 * c->mean);
    ck_assert_msg(fabs(sum / N - want) < 0.02 * want, "%s: mean %g, theory %g", flow_dist_name(d.kind), sum / N, want);
    gsl_integration_workspace_free(e.w);
    gsl_rng_free(r);
    flow_dist_fini(&d);
}
END_TEST

/* Fixed and empirical stays: exact answers. A fixed stay of 3 days 1.25 days in has 1.75 left,
 * and none past its end; an empirical stay past 2 days is 7.5 (weight 1) or 10 (weight 3);
 * an empirical stay seen at a random moment is a value chosen by weight x value, then a uniform
 * fraction of it (mean E[V^2] / (2 E[V])). A time past every value ends the stay at once. */
START_TEST(residual_of_fixed_and_empirical_stays)
{
    struct flow_dist d;
    gsl_rng *r = flow_stream_create(23, 0, "exact");
    ck_assert_ptr_null(flow_dist_init(&d, FLOW_DIST_FIXED, 3, 0, 0));
    ck_assert_double_eq(flow_dist_residual(&d, 1.25, r), 1.75);
    ck_assert_double_eq(flow_dist_residual(&d, 3, r), 0);
    ck_assert_double_eq(flow_dist_residual(&d, 8, r), 0);
    double sum = 0;
    enum { N = 200000 };
    for (int i = 0; i < N; i++)
        sum += flow_dist_equilibrium_residual(&d, r);
    ck_assert_double_eq_tol(sum / N, 1.5, 0.01);
    flow_dist_fini(&d);
    const double v[] = {1, 2, 7.5, 10}, w[] = {4, 2, 1, 3};
    ck_assert_ptr_null(flow_dist_init_empirical(&d, v, w, 4));
    int n75 = 0, n10 = 0;
    for (int i = 0; i < N; i++) {
        double x = flow_dist_residual(&d, 2, r);
        ck_assert(x == 5.5 || x == 8);
        n75 += x == 5.5, n10 += x == 8;
    }
    ck_assert_double_eq_tol(n75 / (double)N, 0.25, 0.005);
    ck_assert_double_eq(flow_dist_residual(&d, 10, r), 0);
    ck_assert_double_eq(flow_dist_residual(&d, 12, r), 0);
    sum = 0;
    for (int i = 0; i < N; i++)
        sum += flow_dist_equilibrium_residual(&d, r);
    double ev = (4 * 1 + 2 * 2 + 7.5 + 3 * 10) / 10.0, ev2 = (4 * 1 + 2 * 4 + 56.25 + 3 * 100) / 10.0;
    ck_assert_double_eq_tol(sum / N, ev2 / (2 * ev), 0.02);
    flow_dist_fini(&d);
    /* Past the support of a bounded family, and far in a tail where S underflows: at once. */
    ck_assert_ptr_null(flow_dist_init(&d, FLOW_DIST_UNIFORM, 1, 2, 0));
    ck_assert_double_eq(flow_dist_residual(&d, 2.5, r), 0);
    flow_dist_fini(&d);
    ck_assert_ptr_null(flow_dist_init(&d, FLOW_DIST_LOGNORMAL, 1, 0.1, 0));
    ck_assert_double_eq(flow_dist_residual(&d, 1e6, r), 0);
    flow_dist_fini(&d);
    gsl_rng_free(r);
}
END_TEST

/* A mixture of lognormal(4.4, 2.9) with weight 0.51 and gamma(7, 7) with 0.49 (the HEP hip
 * stay's shape): mean and variance are the weighted moments exactly; 400,000 draws agree within
 * 4 standard errors (the variance by the fourth moment's bound); S is the weighted survival. Of
 * two exponentials (means 1 and 10, weights 3 and 1: weights are rescaled), the stay left after
 * 5 days is exponential 1 with weight 3 e^-5 and 10 with e^-0.5, so its mean is their weighted
 * mean; the equilibrium residual's mean is E[X^2] / (2 E[X]). */
START_TEST(mixture_moments_survival_and_residuals)
{
    struct flow_dist parts[2], d;
    ck_assert_ptr_null(flow_dist_init(&parts[0], FLOW_DIST_LOGNORMAL, 4.4, 2.9, 0));
    ck_assert_ptr_null(flow_dist_init(&parts[1], FLOW_DIST_GAMMA, 7, 7, 0));
    const double w[] = {0.51, 0.49};
    struct flow_dist ref[2];
    flow_dist_copy(&ref[0], &parts[0]);
    flow_dist_copy(&ref[1], &parts[1]);
    ck_assert_ptr_null(flow_dist_init_mixture(&d, parts, w, 2));
    double mean = 0.51 * 4.4 + 0.49 * 7, m2 = 0.51 * (2.9 * 2.9 + 4.4 * 4.4) + 0.49 * (49 + 49);
    double var = m2 - mean * mean;
    ck_assert_double_eq_tol(flow_dist_mean(&d), mean, 1e-12);
    ck_assert_double_eq_tol(flow_dist_sd(&d), sqrt(var), 1e-12);
    for (double x = 0.5; x < 30; x *= 1.7)
        ck_assert_double_eq_tol(flow_dist_survival(&d, x), 0.51 * flow_dist_survival(&ref[0], x) +
                                0.49 * flow_dist_survival(&ref[1], x), 1e-15);
    flow_dist_fini(&ref[0]);
    flow_dist_fini(&ref[1]);
    ck_assert(parts[0].kind == 0 && parts[0].values == NULL);     /* moved into the mixture */
    enum { N = 400000 };
    gsl_rng *r = flow_stream_create(29, 0, "mixture");
    double sum = 0, sum2 = 0;
    for (int i = 0; i < N; i++) {
        double x = flow_dist_sample(&d, r);
        sum += x, sum2 += x * x;
    }
    double sm = sum / N, sv = sum2 / N - sm * sm;
    ck_assert_msg(fabs(sm - mean) < 4 * sqrt(var / N), "mixture mean %g, theory %g", sm, mean);
    ck_assert_msg(fabs(sv / var - 1) < 0.03, "mixture variance %g, theory %g", sv, var);
    struct flow_dist copy;
    flow_dist_copy(&copy, &d);
    flow_dist_fini(&d);
    ck_assert_double_eq_tol(flow_dist_mean(&copy), mean, 1e-12);   /* a deep copy */
    flow_dist_fini(&copy);

    ck_assert_ptr_null(flow_dist_init(&parts[0], FLOW_DIST_EXPONENTIAL, 1, 0, 0));
    ck_assert_ptr_null(flow_dist_init(&parts[1], FLOW_DIST_EXPONENTIAL, 10, 0, 0));
    const double w2[] = {3, 1};
    ck_assert_ptr_null(flow_dist_init_mixture(&d, parts, w2, 2));
    double a = 3 * exp(-5.0), b = exp(-0.5), want = (a * 1 + b * 10) / (a + b);
    sum = 0;
    for (int i = 0; i < N; i++)
        sum += flow_dist_residual(&d, 5, r);
    ck_assert_msg(fabs(sum / N - want) < 4 * want / sqrt(N), "residual mean %g, theory %g", sum / N, want);
    double e1 = 0.75 * 1 + 0.25 * 10, e2 = 0.75 * 2 + 0.25 * 200;
    sum = 0;
    for (int i = 0; i < N; i++)
        sum += flow_dist_equilibrium_residual(&d, r);
    ck_assert_msg(fabs(sum / N / (e2 / (2 * e1)) - 1) < 0.02, "equilibrium mean %g, theory %g", sum / N, e2 / (2 * e1));
    flow_dist_fini(&d);
    gsl_rng_free(r);

    /* A mixture inside a mixture, and weights not above 0, are refused. */
    struct flow_dist inner[1], outer[1];
    ck_assert_ptr_null(flow_dist_init(&inner[0], FLOW_DIST_FIXED, 1, 0, 0));
    const double one[] = {1}, zero[] = {0};
    ck_assert_ptr_nonnull(flow_dist_init_mixture(&d, inner, zero, 1));
    ck_assert_ptr_null(flow_dist_init_mixture(&outer[0], inner, one, 1));
    ck_assert_ptr_nonnull(flow_dist_init_mixture(&d, outer, one, 1));
    flow_dist_fini(&outer[0]);
}
END_TEST

/* Survival of a distribution, for GSL's integrators. */
static double dist_survival_at(double x, void *d) { return flow_dist_survival(d, x); }

/* A stay already `a` long has X - a | X > a left: its mean is the integral of S from a to
 * infinity over S(a) (by quadrature), and P(left > t) = S(a + t) / S(a). A mixture of parts
 * that are not memoryless (lognormal and gamma; a Weibull with shape 3 and a fixed stay), at
 * three times spent: a remainder drawn fresh from the part, or from the mixture's weights
 * instead of by each part's chance of lasting, or not given its time spent, fails. */
static void expect_residuals(struct flow_dist *d, double a, gsl_rng *r)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    gsl_function f = {dist_survival_at, d};
    double integral, err;
    ck_assert_int_eq(gsl_integration_qagiu(&f, a, 1e-12, 1e-10, 1000, w, &integral, &err), 0);
    gsl_integration_workspace_free(w);
    double sa = flow_dist_survival(d, a), want = integral / sa;
    enum { N = 40000 };
    double sum = 0, sum2 = 0, t1 = want / 2, t2 = want * 2;
    size_t above1 = 0, above2 = 0;
    for (int i = 0; i < N; i++) {
        double x = flow_dist_residual(d, a, r);
        sum += x, sum2 += x * x;
        above1 += x > t1, above2 += x > t2;
    }
    double mean = sum / N, sd = sqrt(sum2 / N - mean * mean);
    ck_assert_msg(fabs(mean - want) < 4.5 * sd / sqrt(N), "after %g: residual mean %g, theory %g", a, mean, want);
    double p1 = flow_dist_survival(d, a + t1) / sa, p2 = flow_dist_survival(d, a + t2) / sa;
    ck_assert_msg(fabs((double)above1 / N - p1) < 4.5 * sqrt(p1 * (1 - p1) / N), "after %g: P(left > %g) %g, theory %g",
                  a, t1, (double)above1 / N, p1);
    ck_assert_msg(fabs((double)above2 / N - p2) < 4.5 * sqrt(p2 * (1 - p2) / N) + 1e-9,
                  "after %g: P(left > %g) %g, theory %g", a, t2, (double)above2 / N, p2);
}

START_TEST(mixture_residuals_of_parts_with_memory)
{
    struct flow_dist parts[2], d;
    ck_assert_ptr_null(flow_dist_init(&parts[0], FLOW_DIST_LOGNORMAL, 2, 1.5, 0));
    ck_assert_ptr_null(flow_dist_init(&parts[1], FLOW_DIST_GAMMA, 9, 3, 0));
    const double w[] = {0.6, 0.4};
    ck_assert_ptr_null(flow_dist_init_mixture(&d, parts, w, 2));
    gsl_rng *r = flow_stream_create(41, 0, "residual");
    expect_residuals(&d, 1, r);
    expect_residuals(&d, 4, r);
    expect_residuals(&d, 10, r);
    flow_dist_fini(&d);
    ck_assert_ptr_null(flow_dist_init(&parts[0], FLOW_DIST_WEIBULL, 3, 5, 0));
    ck_assert_ptr_null(flow_dist_init(&parts[1], FLOW_DIST_UNIFORM, 2, 12, 0));
    const double w2[] = {1, 3};
    ck_assert_ptr_null(flow_dist_init_mixture(&d, parts, w2, 2));
    expect_residuals(&d, 3, r);
    expect_residuals(&d, 7, r);
    flow_dist_fini(&d);
    gsl_rng_free(r);
}
END_TEST

/* A stay of no length has nothing under way: its residual is 0 and draws nothing, so the
 * stream's next number is what it would have been (a census of such stays leaves every other
 * draw where it was). */
START_TEST(residual_of_no_length_draws_nothing)
{
    struct flow_dist d = {.kind = FLOW_DIST_FIXED, .a = 0};
    gsl_rng *a = flow_stream_create(7, 0, "residual"), *b = flow_stream_create(7, 0, "residual");
    ck_assert_double_eq(flow_dist_equilibrium_residual(&d, a), 0);
    ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("random");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);   /* the sanitizer build on a busy machine */
    tcase_add_test(tc, mt19937_gives_gsl_numbers);
    tcase_add_test(tc, stream_same_name_same_draws);
    tcase_add_test(tc, stream_differs_by_name_seed_and_replication);
    tcase_add_test(tc, stream_nth_draw_is_pinned);
    tcase_add_loop_test(tc, dist_sample_mean_and_sd, 0, sizeof dcases / sizeof dcases[0]);
    tcase_add_test(tc, dist_matches_gsl_cdf);
    tcase_add_test(tc, exponential_tail_probabilities);
    tcase_add_test(tc, dist_empirical_uses_weights);
    tcase_add_test(tc, dist_rejects_bad_parameters);
    tcase_add_loop_test(tc, residual_given_elapsed_follows_the_conditional_law, 0,
                        sizeof residual_cases / sizeof residual_cases[0]);
    tcase_add_loop_test(tc, equilibrium_residual_follows_the_stationary_excess, 0,
                        sizeof residual_cases / sizeof residual_cases[0]);
    tcase_add_test(tc, residual_of_fixed_and_empirical_stays);
    tcase_add_test(tc, mixture_moments_survival_and_residuals);
    tcase_add_test(tc, mixture_residuals_of_parts_with_memory);
    tcase_add_test(tc, residual_of_no_length_draws_nothing);
    suite_add_tcase(s, tc);
    return s;
}
