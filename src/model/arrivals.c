/* arrivals.c - Poisson arrivals, homogeneous or with hour-of-day and day-of-week weights. The
 * non-homogeneous process is sampled exactly by inverting its piecewise-constant cumulative
 * intensity over the 168 hours of a week, so the daily totals are exactly those asked for
 * (thinning would be exact too but wastes draws when the profile is peaked). Time 0 is Monday
 * 00:00. */
#include "internal.h"

#include <flowsim/random.h>
#include <math.h>

void flow_arrivals_setup(struct group *g)
{
    const struct flow_group_spec *s = g->spec;
    g->week_total = 0;
    for (int h = 0; h < 168; h++) {
        g->hourly[h] = s->rate_per_day * s->by_hour[h % 24] * s->by_weekday[h / 24];
        g->week_total += g->hourly[h] / 24;
    }
}

double flow_arrivals_next(const struct group *g, gsl_rng *r, double now)
{
    const struct flow_group_spec *s = g->spec;
    if (!(s->rate_per_day > 0))
        return INFINITY;
    double e = flow_ran_exponential(r, 1.0);
    if (!s->time_varying)
        return now + e / s->rate_per_day;
    double t = now;
    double hour = floor(t * 24);
    if ((hour + 1) / 24 <= t)
        hour += 1;
    if (e >= g->week_total) {              /* skip whole weeks at once */
        double weeks = floor(e / g->week_total);
        e -= weeks * g->week_total;
        t += weeks * 7;
        hour += weeks * 168;
    }
    for (;;) {
        double end = (hour + 1) / 24;
        double rate = g->hourly[(long long)fmod(hour, 168)];
        double mass = rate * (end - t);
        if (rate > 0 && mass >= e)
            return t + e / rate;
        e -= mass > 0 ? mass : 0;
        t = end;
        hour += 1;
    }
}
