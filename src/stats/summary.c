/* summary.c - across-replication mean, sd and Student-t confidence interval (GSL's t quantile). */
#include <flowsim/stats.h>

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdbool.h>

double flow_ci_halfwidth(double sd, size_t n, double level)
{
    if (n < 2 || !isfinite(sd))
        return NAN;
    double t = gsl_cdf_tdist_Pinv(0.5 + level / 2, (double)(n - 1));
    return t * sd / sqrt((double)n);
}

double flow_prediction_halfwidth(double sd, size_t n, double level)
{
    if (n < 2 || !isfinite(sd))
        return NAN;
    double t = gsl_cdf_tdist_Pinv(0.5 + level / 2, (double)(n - 1));
    return t * sd * sqrt(1 + 1.0 / (double)n);
}

void flow_summary_compute(struct flow_summary *s, const double *values, size_t count,
                          size_t stride)
{
    struct flow_tally t;
    flow_tally_reset(&t);
    bool all_equal = true;
    for (size_t i = 0; i < count; i++) {
        double x = values[i * stride];
        if (isfinite(x)) {
            all_equal = all_equal && (t.n == 0 || x == t.shift);
            flow_tally_add(&t, x);
        }
    }
    s->n = t.n;
    s->mean = flow_tally_mean(&t);
    s->sd = flow_tally_sd(&t);
    /* Identical replications (a deterministic model) give sd 0 exactly, not rounding noise. */
    if (t.n > 1 && all_equal)
        s->sd = 0;
    double h = flow_ci_halfwidth(s->sd, s->n, 0.95);
    s->ci_low = s->mean - h;
    s->ci_high = s->mean + h;
}
