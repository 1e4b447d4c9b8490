/* tally.c - Welford's streaming mean and variance, and time-weighted levels. */
#include <flowsim/stats.h>

#include <math.h>

void flow_tally_reset(struct flow_tally *t) { t->n = 0, t->mean = 0, t->m2 = 0; }

void flow_tally_add(struct flow_tally *t, double x)
{
    t->n++;
    double d = x - t->mean;
    t->mean += d / (double)t->n;
    t->m2 += d * (x - t->mean);
}

double flow_tally_mean(const struct flow_tally *t) { return t->n ? t->mean : NAN; }

double flow_tally_sd(const struct flow_tally *t)
{
    return t->n > 1 ? sqrt(t->m2 / (double)(t->n - 1)) : NAN;
}

void flow_level_reset(struct flow_level *l, double now)
{
    l->since = now;
    l->area = 0;
}

double flow_level_mean(const struct flow_level *l, double now, double start)
{
    if (!(now > start))
        return NAN;
    return (l->area + l->value * (now - l->since)) / (now - start);
}
