/* arrivals.c - Poisson arrivals, homogeneous or with hour-of-day, day-of-week and month
 * weights, holidays and growth, or given date by date (a series). The non-homogeneous process is sampled exactly by inverting its
 * cumulative intensity: piecewise constant over the 168 hours of a week when the pattern is
 * weekly, hour by hour along the calendar otherwise (within an hour, growth makes the rate
 * exponential in time, and its integral is inverted in closed form). Thinning would be exact
 * too but wastes draws when the profile is peaked. Time 0 is 00:00 on the start date's
 * weekday (Monday without a start date). */
#include "internal.h"

#include <flowsim/calendar.h>
#include <flowsim/random.h>
#include <flowsim/week.h>
#include <math.h>

void flow__arrivals_setup(struct group *g, const struct flow_scenario *sc)
{
    const struct flow_group_spec *s = g->spec;
    g->week_total = 0;
    for (int h = 0; h < 168; h++) {
        int weekday = (sc->weekday0 + h / 24) % 7;
        g->hourly[h] = s->rate_per_day * s->by_hour[h % 24] * s->by_weekday[weekday];
        g->week_total += g->hourly[h] / 24;
    }
    g->sc = sc;
    g->growth_k = log1p(s->growth_per_year) / 365;
    g->until = sc->warmup_days + sc->horizon_days;
    g->cal_day = -1;
    /* A whole day's expected arrivals are rate x factor x e^(k day) x day_shape: days whose
     * mass is below the remaining draw are skipped at once, not hour by hour. */
    double k = g->growth_k;
    g->day_shape = 0;
    for (int h = 0; h < 24; h++)
        g->day_shape += s->by_hour[h] * (k == 0 ? 1.0 / 24 : exp(k * h / 24) * expm1(k / 24) / k);
}

/* The hourly rates of one day: weekday (Sunday on a holiday) and month weights. */
static void calendar_day(struct group *g, int64_t day)
{
    const struct flow_scenario *sc = g->sc;
    const struct flow_group_spec *s = g->spec;
    if (s->series != NULL) {           /* the rate of the date, shaped by the hour */
        double rate = day >= 0 && (size_t)day < s->nseries ? s->series[day] : 0;
        g->cal_factor = s->rate_per_day > 0 ? rate / s->rate_per_day : 0;
        for (int h = 0; h < 24; h++)
            g->cal_rate[h] = rate * s->by_hour[h];
        g->cal_day = day;
        return;
    }
    int weekday = flow_week_day(sc, day);
    double month = 1;
    if (sc->has_start) {
        int y, mo, d;
        flow_date_civil(sc->start_date + day, &y, &mo, &d);
        month = s->by_month[mo - 1];
    }
    g->cal_factor = s->by_weekday[weekday] * month;
    for (int h = 0; h < 24; h++)
        g->cal_rate[h] = s->rate_per_day * s->by_hour[h] * g->cal_factor;
    g->cal_day = day;
}

/* The next arrival after now, walking the calendar hour by hour. */
static double calendar_next(struct group *g, double e, double now)
{
    double k = g->growth_k, t = now;
    int64_t hour = (int64_t)floor(t * 24);
    if ((double)(hour + 1) / 24 <= t)
        hour += 1;
    while (t < g->until) {
        if (hour / 24 != g->cal_day)
            calendar_day(g, hour / 24);
        if (hour % 24 == 0 && (double)hour / 24 == t) {   /* a whole day ahead: skip it if it can */
            double base = g->spec->rate_per_day * g->cal_factor;
            double day_mass = base > 0 ? exp(log(base) + k * t) * g->day_shape : 0;
            if (day_mass < e) {
                e -= day_mass;
                hour += 24;
                t = (double)hour / 24;
                continue;
            }
        }
        double c = g->cal_rate[hour % 24], end = (double)(hour + 1) / 24;
        if (c > 0) {
            if (k == 0) {
                double mass = c * (end - t);
                if (mass >= e)
                    return t + e / c;
                e -= mass;
            } else {
                double rate = exp(log(c) + k * t);      /* the rate at t, growth included */
                double mass = rate * expm1(k * (end - t)) / k;
                if (mass >= e)
                    return t + log1p(e * k / rate) / k;
                e -= mass;
            }
        }
        t = end;
        hour += 1;
    }
    return INFINITY;
}

double flow__arrivals_next(struct group *g, gsl_rng *r, double now)
{
    const struct flow_group_spec *s = g->spec;
    if (!(s->rate_per_day > 0))
        return INFINITY;
    double e = flow_ran_exponential(r, 1.0);
    if (s->calendar)
        return calendar_next(g, e, now);
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
    int how = (int)((long long)hour % 168);   /* hour of the week: a counter, no fmod */
    for (;;) {
        double end = (hour + 1) / 24;
        double rate = g->hourly[how];
        double mass = rate * (end - t);
        if (rate > 0 && mass >= e)
            return t + e / rate;
        e -= mass > 0 ? mass : 0;
        t = end;
        hour += 1;
        how = how == 167 ? 0 : how + 1;
    }
}
