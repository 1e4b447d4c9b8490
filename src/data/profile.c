/* profile.c - what an extract says about demand and capacity: each group's arrival rate and
 * its profile by hour of day, weekday and month (from the first stay of each spell), and each
 * ward's peak of patients present. */
#include <flowsim/calendar.h>
#include <flowsim/extract.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Relative rates: count / occurrences, rescaled to mean 1 over the occurrences. */
static void relative(const double *count, const double *occurs, size_t n, double *out)
{
    double total = 0, days = 0;
    for (size_t i = 0; i < n; i++)
        total += count[i], days += occurs[i];
    for (size_t i = 0; i < n; i++)
        out[i] = occurs[i] > 0 && total > 0 ? (count[i] / occurs[i]) / (total / days) : 1;
}

int flow_extract_arrivals(const struct flow_extract *x, uint32_t group, struct flow_arrival_profile *out)
{
    memset(out, 0, sizeof *out);
    if (group >= x->ngroups || !(x->last > x->first))
        return -1;
    for (size_t i = 0; i < x->nepisodes; i++) {
        const struct flow_episode *e = &x->episodes[i];
        if ((i > 0 && flow_episode_continues(&x->episodes[i - 1], e)) || e->group != group)
            continue;                               /* the first stay of each of the group's spells */
        int64_t day = (int64_t)floor(e->start);
        int y, m, d;
        flow_date_civil(day, &y, &m, &d);
        out->arrivals++;
        out->weekday_count[flow_date_weekday(day)]++;
        out->month_count[m - 1]++;
        if (!(e->flags & FLOW_EP_START_DAY)) {
            out->timed++;
            long second = lround((e->start - (double)day) * 86400);   /* times are whole seconds */
            out->hour_count[second >= 86400 ? 23 : second / 3600]++;
        }
    }
    /* How often each weekday and month occurs in the period, in days (whole days of it). */
    double wd[7] = {0}, mo[12] = {0}, hours[24];
    int64_t from = (int64_t)floor(x->first), to = (int64_t)ceil(x->last);
    for (int64_t day = from; day < to; day++) {
        int y, m, d;
        flow_date_civil(day, &y, &m, &d);
        double part = fmin(x->last, (double)day + 1) - fmax(x->first, (double)day);
        wd[flow_date_weekday(day)] += part;
        mo[m - 1] += part;
    }
    for (int h = 0; h < 24; h++)
        hours[h] = 1;                               /* every hour of the day equally often */
    out->days = x->last - x->first;
    out->rate_per_day = (double)out->arrivals / out->days;
    relative(out->hour_count, hours, 24, out->by_hour);
    relative(out->weekday_count, wd, 7, out->by_weekday);
    relative(out->month_count, mo, 12, out->by_month);
    return 0;
}

struct change {
    double t;
    int delta;
    uint32_t ward;
};

static int by_time(const void *a, const void *b)
{
    const struct change *x = a, *y = b;
    if (x->t != y->t)
        return (x->t > y->t) - (x->t < y->t);
    return x->delta - y->delta;                     /* ends (-1) before starts (+1) */
}

void flow_extract_peaks(const struct flow_extract *x, size_t *peak)
{
    struct change *c = malloc((2 * x->nepisodes + 1) * sizeof *c);
    long *now = calloc(x->nwards + 1, sizeof *now);
    memset(peak, 0, x->nwards * sizeof *peak);
    if (c == NULL || now == NULL) {
        free(c);
        free(now);
        return;
    }
    for (size_t i = 0; i < x->nepisodes; i++) {
        c[2 * i] = (struct change){x->episodes[i].start, +1, x->episodes[i].ward};
        c[2 * i + 1] = (struct change){x->episodes[i].end, -1, x->episodes[i].ward};
    }
    qsort(c, 2 * x->nepisodes, sizeof *c, by_time);
    for (size_t i = 0; i < 2 * x->nepisodes; i++) {
        now[c[i].ward] += c[i].delta;
        if (now[c[i].ward] > 0 && (size_t)now[c[i].ward] > peak[c[i].ward])
            peak[c[i].ward] = (size_t)now[c[i].ward];
    }
    free(c);
    free(now);
}
