/* dist.c - the distributions of durations: parameter checks, moment matching from the user's
 * mean and sd (users never give mu/sigma), and sampling with GSL. */
#include <flowsim/random.h>
#include <flowsim/util.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[FLOW_DIST_COUNT] = {
    "exponential", "lognormal", "gamma", "weibull", "triangular", "uniform", "fixed", "empirical", "mixture",
};

const char *flow_dist_name(enum flow_dist_kind kind) { return names[kind]; }

enum flow_dist_kind flow_dist_lookup(const char *name)
{
    for (int k = 0; k < FLOW_DIST_COUNT; k++)
        if (strcmp(names[k], name) == 0)
            return (enum flow_dist_kind)k;
    return FLOW_DIST_COUNT;
}

static const char *check(enum flow_dist_kind kind, double a, double b, double c)
{
    switch (kind) {
    case FLOW_DIST_EXPONENTIAL:
        return a > 0 ? NULL : "mean must be greater than 0";
    case FLOW_DIST_LOGNORMAL:
    case FLOW_DIST_GAMMA:
        if (!(a > 0))
            return "mean must be greater than 0";
        return b > 0 ? NULL : "sd must be greater than 0 (use dist: fixed for a constant)";
    case FLOW_DIST_WEIBULL:
        if (!(a > 0))
            return "shape must be greater than 0";
        return b > 0 ? NULL : "scale must be greater than 0";
    case FLOW_DIST_TRIANGULAR:
        if (a < 0)
            return "min must not be negative";
        if (!(a <= b && b <= c))
            return "parameters must satisfy min <= mode <= max";
        return a < c ? NULL : "min must be less than max (use dist: fixed for a constant)";
    case FLOW_DIST_UNIFORM:
        if (a < 0)
            return "min must not be negative";
        return a < b ? NULL : "min must be less than max (use dist: fixed for a constant)";
    case FLOW_DIST_FIXED:
        return a >= 0 ? NULL : "value must not be negative";
    default:
        return "not a parametric distribution";
    }
}

const char *flow_dist_init(struct flow_dist *d, enum flow_dist_kind kind, double a, double b,
                           double c)
{
    memset(d, 0, sizeof *d);
    const char *bad = check(kind, a, b, c);
    if (bad != NULL)
        return bad;
    d->kind = kind;
    d->a = a;
    d->b = b;
    d->c = c;
    if (kind == FLOW_DIST_LOGNORMAL) {
        double s2 = log1p((b * b) / (a * a));
        d->p1 = log(a) - s2 / 2;    /* mu */
        d->p2 = sqrt(s2);           /* sigma */
    } else if (kind == FLOW_DIST_GAMMA) {
        d->p1 = (a * a) / (b * b);  /* shape */
        d->p2 = (b * b) / a;        /* scale */
    }
    return NULL;
}

const char *flow_dist_init_empirical(struct flow_dist *d, const double *values,
                                     const double *weights, size_t n)
{
    memset(d, 0, sizeof *d);
    if (n == 0)
        return "needs at least one value";
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(values[i] >= 0) || !isfinite(values[i]))
            return "values must not be negative";
        double w = weights ? weights[i] : 1.0;
        if (!(w >= 0) || !isfinite(w))
            return "weights must not be negative";
        total += w;
    }
    if (!(total > 0))
        return "weights must not all be zero";
    if (!isfinite(total))
        return "weights add up to more than 1.8e308, the largest number held; scale them down";
    d->kind = FLOW_DIST_EMPIRICAL;
    d->n = n;
    d->values = flow_xmalloc(n * sizeof *d->values);
    d->cumulative = flow_xmalloc(n * sizeof *d->cumulative);
    double run = 0;
    for (size_t i = 0; i < n; i++) {
        d->values[i] = values[i];
        run += weights ? weights[i] : 1.0;
        d->cumulative[i] = run / total;
    }
    d->cumulative[n - 1] = 1.0;
    return NULL;
}

const char *flow_dist_init_mixture(struct flow_dist *d, struct flow_dist *parts, const double *weights,
                                   size_t n)
{
    memset(d, 0, sizeof *d);
    if (n == 0 || n > FLOW_DIST_MAX_PARTS)
        return "a mixture needs 1 to 50 components";
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        if (parts[i].kind == FLOW_DIST_MIXTURE)
            return "a component of a mixture cannot be a mixture (list its components in the outer one)";
        if (!(weights[i] > 0) || !isfinite(weights[i]))
            return "weights must be greater than 0";
        total += weights[i];
    }
    if (!isfinite(total))
        return "weights add up to more than 1.8e308, the largest number held; scale them down";
    d->kind = FLOW_DIST_MIXTURE;
    d->n = n;
    d->parts = flow_xmalloc(n * sizeof *d->parts);
    d->cumulative = flow_xmalloc(n * sizeof *d->cumulative);
    double run = 0;
    for (size_t i = 0; i < n; i++) {
        d->parts[i] = parts[i];
        memset(&parts[i], 0, sizeof parts[i]);
        run += weights[i];
        d->cumulative[i] = run / total;
    }
    d->cumulative[n - 1] = 1.0;
    return NULL;
}

void flow_dist_fini(struct flow_dist *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; d->kind == FLOW_DIST_MIXTURE && d->parts && i < d->n; i++)
        flow_dist_fini(&d->parts[i]);
    free(d->parts);
    free(d->values);
    free(d->cumulative);
    memset(d, 0, sizeof *d);
}

void flow_dist_copy(struct flow_dist *dst, const struct flow_dist *src)
{
    *dst = *src;
    if (src->kind == FLOW_DIST_EMPIRICAL || src->kind == FLOW_DIST_MIXTURE) {
        dst->cumulative = flow_xmalloc(src->n * sizeof *dst->cumulative);
        memcpy(dst->cumulative, src->cumulative, src->n * sizeof *dst->cumulative);
    }
    if (src->kind == FLOW_DIST_EMPIRICAL) {
        dst->values = flow_xmalloc(src->n * sizeof *dst->values);
        memcpy(dst->values, src->values, src->n * sizeof *dst->values);
    }
    if (src->kind == FLOW_DIST_MIXTURE) {
        dst->parts = flow_xmalloc(src->n * sizeof *dst->parts);
        for (size_t i = 0; i < src->n; i++)
            flow_dist_copy(&dst->parts[i], &src->parts[i]);
    }
}

/* The first index whose cumulative weight is above u. */
static size_t pick(const struct flow_dist *d, double u)
{
    size_t lo = 0, hi = d->n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->cumulative[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

size_t flow_dist_pick(const struct flow_dist *d, gsl_rng *r) { return pick(d, gsl_rng_uniform(r)); }

static double sample_empirical(const struct flow_dist *d, gsl_rng *r)
{
    return d->values[pick(d, gsl_rng_uniform(r))];
}

static double sample_triangular(const struct flow_dist *d, gsl_rng *r)
{
    double lo = d->a, mode = d->b, hi = d->c;
    double u = gsl_rng_uniform(r), f = (mode - lo) / (hi - lo);
    if (u < f)
        return lo + sqrt(u * (hi - lo) * (mode - lo));
    return hi - sqrt((1 - u) * (hi - lo) * (hi - mode));
}

double flow_dist_sample(const struct flow_dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case FLOW_DIST_EXPONENTIAL: return flow_ran_exponential(r, d->a);
    case FLOW_DIST_LOGNORMAL:   return flow_ran_lognormal(r, d->p1, d->p2);
    case FLOW_DIST_GAMMA:       return gsl_ran_gamma(r, d->p1, d->p2);
    case FLOW_DIST_WEIBULL:     return gsl_ran_weibull(r, d->b, d->a);
    case FLOW_DIST_TRIANGULAR:  return sample_triangular(d, r);
    case FLOW_DIST_UNIFORM:     return gsl_ran_flat(r, d->a, d->b);
    case FLOW_DIST_FIXED:       return d->a;
    case FLOW_DIST_EMPIRICAL:   return sample_empirical(d, r);
    case FLOW_DIST_MIXTURE:     return flow_dist_sample(&d->parts[flow_dist_pick(d, r)], r);
    default:                    return NAN;
    }
}

/* The weight of component or value i. */
double flow_dist_weight(const struct flow_dist *d, size_t i)
{
    return d->cumulative[i] - (i > 0 ? d->cumulative[i - 1] : 0);
}

/* A mixture's mean and second moment. */
static void mixture_moments(const struct flow_dist *d, double *m1, double *m2)
{
    *m1 = *m2 = 0;
    for (size_t i = 0; i < d->n; i++) {
        double w = flow_dist_weight(d, i), m = flow_dist_mean(&d->parts[i]), s = flow_dist_sd(&d->parts[i]);
        *m1 += w * m;
        *m2 += w * (s * s + m * m);
    }
}

static double empirical_moment(const struct flow_dist *d, int power)
{
    double m = 0, prev = 0;
    for (size_t i = 0; i < d->n; i++) {
        m += (d->cumulative[i] - prev) * pow(d->values[i], power);
        prev = d->cumulative[i];
    }
    return m;
}

double flow_dist_mean(const struct flow_dist *d)
{
    switch (d->kind) {
    case FLOW_DIST_EXPONENTIAL:
    case FLOW_DIST_LOGNORMAL:
    case FLOW_DIST_GAMMA:
    case FLOW_DIST_FIXED:       return d->a;
    case FLOW_DIST_WEIBULL:     return d->b * exp(gsl_sf_lngamma(1 + 1 / d->a));
    case FLOW_DIST_TRIANGULAR:  return (d->a + d->b + d->c) / 3;
    case FLOW_DIST_UNIFORM:     return (d->a + d->b) / 2;
    case FLOW_DIST_EMPIRICAL:   return empirical_moment(d, 1);
    case FLOW_DIST_MIXTURE: {
        double m1, m2;
        mixture_moments(d, &m1, &m2);
        return m1;
    }
    default:                    return NAN;
    }
}

double flow_dist_sd(const struct flow_dist *d)
{
    double a = d->a, b = d->b, c = d->c, m;
    switch (d->kind) {
    case FLOW_DIST_EXPONENTIAL: return a;
    case FLOW_DIST_LOGNORMAL:
    case FLOW_DIST_GAMMA:       return b;
    case FLOW_DIST_FIXED:       return 0;
    case FLOW_DIST_WEIBULL:
        m = exp(gsl_sf_lngamma(1 + 1 / a));
        return b * sqrt(fmax(0, exp(gsl_sf_lngamma(1 + 2 / a)) - m * m));
    case FLOW_DIST_TRIANGULAR:
        return sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18);
    case FLOW_DIST_UNIFORM:     return (b - a) / sqrt(12);
    case FLOW_DIST_EMPIRICAL:
        m = empirical_moment(d, 1);
        return sqrt(fmax(0, empirical_moment(d, 2) - m * m));
    case FLOW_DIST_MIXTURE: {
        double m2;
        mixture_moments(d, &m, &m2);
        return sqrt(fmax(0, m2 - m * m));
    }
    default:                    return NAN;
    }
}
