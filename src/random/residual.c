/* residual.c - what is left of a stay already under way, for runs that start from today's
 * census: given the time already spent (X - a | X > a, drawn exactly by the survival
 * function's inverse), or with it unknown (the equilibrium residual, the remaining life of a
 * stay seen at a random moment: a length-biased stay, then a uniform fraction of it). Every
 * family is exact; none is approximated by fresh stays. */
#include <flowsim/random.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>

/* ---- the survival function and its inverse ------------------------------------------------ */

static double triangular_survival(const struct flow_dist *d, double x)
{
    double lo = d->a, mode = d->b, hi = d->c;
    if (x <= lo)
        return 1;
    if (x >= hi)
        return 0;
    if (x <= mode)
        return 1 - (x - lo) * (x - lo) / ((hi - lo) * (mode - lo));
    return (hi - x) * (hi - x) / ((hi - lo) * (hi - mode));
}

static double triangular_survival_inverse(const struct flow_dist *d, double q)
{
    double lo = d->a, mode = d->b, hi = d->c, at_mode = (hi - mode) / (hi - lo);
    if (q <= at_mode)
        return hi - sqrt(q * (hi - lo) * (hi - mode));
    return lo + sqrt((1 - q) * (hi - lo) * (mode - lo));
}

double flow_dist_survival(const struct flow_dist *d, double x)
{
    if (x < 0)
        return 1;
    switch (d->kind) {
    case FLOW_DIST_EXPONENTIAL: return gsl_cdf_exponential_Q(x, d->a);
    case FLOW_DIST_LOGNORMAL:   return x <= 0 ? 1 : gsl_cdf_lognormal_Q(x, d->p1, d->p2);
    case FLOW_DIST_GAMMA:       return gsl_cdf_gamma_Q(x, d->p1, d->p2);
    case FLOW_DIST_WEIBULL:     return gsl_cdf_weibull_Q(x, d->b, d->a);
    case FLOW_DIST_TRIANGULAR:  return triangular_survival(d, x);
    case FLOW_DIST_UNIFORM:     return x < d->a ? 1 : x >= d->b ? 0 : (d->b - x) / (d->b - d->a);
    case FLOW_DIST_FIXED:       return x < d->a ? 1 : 0;
    case FLOW_DIST_EMPIRICAL: {
        double s = 0, prev = 0;
        for (size_t i = 0; i < d->n; i++) {
            if (d->values[i] > x)
                s += d->cumulative[i] - prev;
            prev = d->cumulative[i];
        }
        return s;
    }
    case FLOW_DIST_MIXTURE: {
        double s = 0;
        for (size_t i = 0; i < d->n; i++)
            s += flow_dist_weight(d, i) * flow_dist_survival(&d->parts[i], x);
        return s;
    }
    default:                    return NAN;
    }
}

/* A mixture's component drawn with probability proportional to weight x score(component). */
static const struct flow_dist *mixture_part(const struct flow_dist *d, const double *score, gsl_rng *r)
{
    double total = 0;
    for (size_t i = 0; i < d->n; i++)
        total += flow_dist_weight(d, i) * score[i];
    double u = gsl_rng_uniform(r) * total, run = 0;
    size_t last = 0;
    for (size_t i = 0; i < d->n; i++) {
        double w = flow_dist_weight(d, i) * score[i];
        if (!(w > 0))
            continue;
        last = i;
        run += w;
        if (u < run)
            return &d->parts[i];
    }
    return &d->parts[last];
}

/* The x with survival q (0 < q <= 1), for the continuous families. */
static double survival_inverse(const struct flow_dist *d, double q)
{
    switch (d->kind) {
    case FLOW_DIST_LOGNORMAL:   return gsl_cdf_lognormal_Qinv(q, d->p1, d->p2);
    case FLOW_DIST_GAMMA:       return gsl_cdf_gamma_Qinv(q, d->p1, d->p2);
    case FLOW_DIST_WEIBULL:     return gsl_cdf_weibull_Qinv(q, d->b, d->a);
    case FLOW_DIST_TRIANGULAR:  return triangular_survival_inverse(d, q);
    case FLOW_DIST_UNIFORM:     return d->b - q * (d->b - d->a);
    default:                    return NAN;
    }
}

/* An empirical value above `above` (all of them when above < 0), by weight; -1 if none. */
static double empirical_above(const struct flow_dist *d, double above, gsl_rng *r)
{
    double total = flow_dist_survival(d, above), u = gsl_rng_uniform(r) * total, run = 0, prev = 0;
    double last = -1;
    for (size_t i = 0; i < d->n; i++) {
        double w = d->cumulative[i] - prev;
        prev = d->cumulative[i];
        if (!(d->values[i] > above) || w <= 0)
            continue;
        last = d->values[i];
        run += w;
        if (u < run)
            return d->values[i];
    }
    return last;                   /* rounding at the very end of the weights */
}

double flow_dist_residual(const struct flow_dist *d, double elapsed, gsl_rng *r)
{
    if (elapsed <= 0)
        return flow_dist_sample(d, r);
    switch (d->kind) {
    case FLOW_DIST_EXPONENTIAL:
        return flow_ran_exponential(r, d->a);          /* memoryless */
    case FLOW_DIST_FIXED:
        return d->a > elapsed ? d->a - elapsed : 0;
    case FLOW_DIST_EMPIRICAL: {
        double v = empirical_above(d, elapsed, r);
        return v > elapsed ? v - elapsed : 0;
    }
    case FLOW_DIST_MIXTURE: {          /* the component by its chance of lasting this long */
        double alive[FLOW_DIST_MAX_PARTS];
        for (size_t i = 0; i < d->n; i++)
            alive[i] = flow_dist_survival(&d->parts[i], elapsed);
        if (!(flow_dist_survival(d, elapsed) > 0))
            return 0;
        return flow_dist_residual(mixture_part(d, alive, r), elapsed, r);
    }
    default: {
        double s = flow_dist_survival(d, elapsed);
        if (!(s > 0))
            return 0;                                  /* beyond the support: it ends now */
        double u = 1 - gsl_rng_uniform(r);             /* (0, 1] */
        double x = survival_inverse(d, u * s);
        return isfinite(x) && x > elapsed ? x - elapsed : 0;
    }
    }
}

/* ---- the equilibrium residual ------------------------------------------------------------- */

/* A length-biased stay: density x f(x) / mean. */
static double length_biased(const struct flow_dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case FLOW_DIST_EXPONENTIAL: return gsl_ran_gamma(r, 2, d->a);
    case FLOW_DIST_LOGNORMAL:   return flow_ran_lognormal(r, d->p1 + d->p2 * d->p2, d->p2);
    case FLOW_DIST_GAMMA:       return gsl_ran_gamma(r, d->p1 + 1, d->p2);
    case FLOW_DIST_WEIBULL:     /* (X / scale)^shape is Exp(1); biased by x it is Gamma(1 + 1/shape) */
        return d->b * pow(gsl_ran_gamma(r, 1 + 1 / d->a, 1), 1 / d->a);
    case FLOW_DIST_UNIFORM:
        return sqrt(d->a * d->a + gsl_rng_uniform(r) * (d->b * d->b - d->a * d->a));
    case FLOW_DIST_FIXED:       return d->a;
    case FLOW_DIST_TRIANGULAR:
        for (;;) {                                     /* accepts with x / max: at least 1/3 */
            double x = flow_dist_sample(d, r);
            if (gsl_rng_uniform(r) * d->c < x)
                return x;
        }
    case FLOW_DIST_EMPIRICAL: {
        double total = 0, prev = 0;
        for (size_t i = 0; i < d->n; i++)
            total += (d->cumulative[i] - prev) * d->values[i], prev = d->cumulative[i];
        double u = gsl_rng_uniform(r) * total, run = 0, last = 0;
        prev = 0;
        for (size_t i = 0; i < d->n; i++) {
            double w = (d->cumulative[i] - prev) * d->values[i];
            prev = d->cumulative[i];
            if (w <= 0)
                continue;
            last = d->values[i];
            run += w;
            if (u < run)
                return d->values[i];
        }
        return last;
    }
    case FLOW_DIST_MIXTURE: {          /* a length-biased mixture: components by weight x mean */
        double mean[FLOW_DIST_MAX_PARTS];
        for (size_t i = 0; i < d->n; i++)
            mean[i] = flow_dist_mean(&d->parts[i]);
        return length_biased(mixture_part(d, mean, r), r);
    }
    default:                    return NAN;
    }
}

double flow_dist_equilibrium_residual(const struct flow_dist *d, gsl_rng *r)
{
    if (!(flow_dist_mean(d) > 0))
        return 0;                                      /* stays of no length: none under way */
    return gsl_rng_uniform(r) * length_biased(d, r);
}
