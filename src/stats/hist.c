/* hist.c - log-linear histogram for quantiles (length of stay p50/p90/p95). Chosen over P-square
 * because it is exact to the bin width for every quantile at once, O(1) per value, and its size
 * does not depend on the horizon. */
#include <flowsim/stats.h>
#include <flowsim/util.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

void flow_hist_init(struct flow_hist *h)
{
    memset(h, 0, sizeof *h);
    h->bins = flow_xcalloc(FLOW_HIST_BINS, sizeof *h->bins);
    flow_hist_reset(h);
}

void flow_hist_fini(struct flow_hist *h)
{
    if (h == NULL)
        return;
    free(h->bins);
    h->bins = NULL;
}

void flow_hist_reset(struct flow_hist *h)
{
    memset(h->bins, 0, FLOW_HIST_BINS * sizeof *h->bins);
    h->n = h->zeros = 0;
    h->min = INFINITY;
    h->max = -INFINITY;
}

/* Bin i covers [lower(i), lower(i+1)). */
static double bin_lower(size_t i)
{
    int e = (int)(i / FLOW_HIST_SUB) + FLOW_HIST_MIN_EXP;
    double frac = (double)(i % FLOW_HIST_SUB) / FLOW_HIST_SUB;
    return ldexp(1.0 + frac, e - 1);
}

_Static_assert(FLOW_HIST_SUB == 256, "bin_of takes 8 mantissa bits");

/* Reads the exponent and the top mantissa bits straight from the IEEE-754 representation:
 * the same bins as frexp() would give, without the call. */
static size_t bin_of(double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int e = (int)((bits >> 52) & 0x7ff) - 1022;      /* x = m 2^e with m in [0.5, 1) */
    if (e < FLOW_HIST_MIN_EXP)
        return 0;
    if (e >= FLOW_HIST_MAX_EXP)
        return FLOW_HIST_BINS - 1;
    size_t sub = (size_t)((bits >> (52 - 8)) & (FLOW_HIST_SUB - 1));
    return (size_t)(e - FLOW_HIST_MIN_EXP) * FLOW_HIST_SUB + sub;
}

void flow_hist_add(struct flow_hist *h, double x)
{
    h->n++;
    if (x < h->min)
        h->min = x;
    if (x > h->max)
        h->max = x;
    if (!(x > 0)) {
        h->zeros++;
        return;
    }
    h->bins[bin_of(x)]++;
}

double flow_hist_quantile(const struct flow_hist *h, double q)
{
    double v;
    flow_hist_quantiles(h, &q, 1, &v);
    return v;
}

/* One pass over the bins for all of them: each rank's bin is at or after the last one's. */
void flow_hist_quantiles(const struct flow_hist *h, const double *q, size_t nq, double *out)
{
    size_t i = 0;
    double seen = (double)h->zeros;
    for (size_t k = 0; k < nq; k++) {
        double rank = q[k] * (double)h->n;
        if (h->n == 0) {
            out[k] = NAN;
            continue;
        }
        if (rank <= (double)h->zeros) {
            out[k] = 0.0;
            continue;
        }
        while (i < FLOW_HIST_BINS && (h->bins[i] == 0 || seen + h->bins[i] < rank))
            seen += h->bins[i++];
        if (i == FLOW_HIST_BINS) {
            out[k] = h->max;
            continue;
        }
        double lo = bin_lower(i), hi = bin_lower(i + 1);
        double v = lo + (hi - lo) * (rank - seen) / h->bins[i];
        out[k] = fmin(fmax(v, h->min), h->max);
    }
}
