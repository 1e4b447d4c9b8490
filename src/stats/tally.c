/* tally.c - Welford's streaming mean and variance, and time-weighted levels. */
#include <flowsim/stats.h>

#include <math.h>

void flow_tally_reset(struct flow_tally *t) { t->n = 0, t->shift = 0, t->sum = 0, t->sum2 = 0; }

void flow_tally_add(struct flow_tally *t, double x)
{
    if (t->n++ == 0)
        t->shift = x;
    double d = x - t->shift;
    t->sum += d;
    t->sum2 += d * d;
}

double flow_tally_mean(const struct flow_tally *t)
{
    return t->n ? t->shift + t->sum / (double)t->n : NAN;
}

double flow_tally_sd(const struct flow_tally *t)
{
    if (t->n < 2)
        return NAN;
    double n = (double)t->n;
    double ss = t->sum2 - t->sum * t->sum / n;
    return sqrt(ss > 0 ? ss / (n - 1) : 0);
}

void flow_level_mark(struct flow_level *l, double now)
{
    l->before += l->area + l->value * (now - l->since);
    l->since = now;
    l->area = 0;
}

double flow_level_total(const struct flow_level *l, double now)
{
    return l->before + l->area + l->value * (now - l->since);
}

double flow_level_mean(const struct flow_level *l, double now, double start)
{
    if (!(now > start))
        return NAN;
    return (l->area + l->value * (now - l->since)) / (now - start);
}
