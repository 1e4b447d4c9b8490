/* week.c - the hospital's week in time, read from a scenario: which weekday pattern a day
 * follows (a holiday is a Sunday), when a ward's next round is, and how many beds a ward plans
 * to have open (its beds plus the weekly and dated changes that apply). The model runs on these
 * and validation checks them, so the two cannot disagree. */
#include <flowsim/week.h>

#include <limits.h>
#include <math.h>
#include <stdlib.h>

bool flow_week_holiday(const struct flow_scenario *s, int64_t day)
{
    size_t lo = 0, hi = s->nholidays;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->holidays[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->nholidays && s->holidays[lo] == day;
}

int flow_week_calendar_day(const struct flow_scenario *s, int64_t day)
{
    return (int)(((s->weekday0 + day) % 7 + 7) % 7);
}

int flow_week_day(const struct flow_scenario *s, int64_t day)
{
    return flow_week_holiday(s, day) ? 6 : flow_week_calendar_day(s, day);
}

/* ---- rounds --------------------------------------------------------------------------- */

double flow_week_next_round(const struct flow_scenario *s, const struct flow_ward_spec *w,
                            double t, bool after, double until, size_t *which)
{
    for (double day = floor(t); day <= until; day += 1) {
        unsigned bit = 1u << flow_week_day(s, (int64_t)day);
        double best = INFINITY;
        for (size_t r = 0; r < w->nrounds; r++) {
            double at = day + w->rounds[r].at;
            if ((w->rounds[r].days & bit) && (after ? at > t : at >= t) && at < best) {
                best = at;
                *which = r;
            }
        }
        if (best <= until)
            return best;
        if (isfinite(best))
            break;
    }
    return INFINITY;
}

/* ---- planned beds --------------------------------------------------------------------- */

/* The occurrence of a weekly change that starts on `day`: [from, to). One expression for every
 * caller, so that a boundary found by one is the boundary tested by another. */
static void occurrence(const struct flow_bed_change_spec *c, int64_t day, double *from, double *to)
{
    *from = (double)day + c->start;
    *to = *from + c->length;
}

/* Beds added by weekly changes at time t (holidays as Sundays). */
static long weekly_beds(const struct flow_scenario *s, const struct flow_ward_spec *w, double t)
{
    int64_t day = (int64_t)floor(t);
    long beds = 0;
    for (size_t k = 0; k < w->nbed_changes; k++) {
        const struct flow_bed_change_spec *c = &w->bed_changes[k];
        for (int64_t e = day - FLOW_WEEK_SPAN; !c->dated && e <= day; e++) {
            double a, b;
            occurrence(c, e, &a, &b);
            if ((c->days >> flow_week_day(s, e) & 1) && a <= t && t < b)
                beds += c->change;
        }
    }
    return beds;
}

static long dated_beds(const struct flow_ward_spec *w, int64_t day)
{
    long beds = 0;
    for (size_t k = 0; k < w->nbed_changes; k++) {
        const struct flow_bed_change_spec *c = &w->bed_changes[k];
        if (c->dated && day >= c->from && day <= c->to)
            beds += c->change;
    }
    return beds;
}

long flow_week_planned_beds(const struct flow_scenario *s, const struct flow_ward_spec *w, double t)
{
    return w->beds + weekly_beds(s, w, t) + dated_beds(w, (int64_t)floor(t));
}

double flow_week_next_bed_change(const struct flow_scenario *s, const struct flow_ward_spec *w,
                                 double t)
{
    int64_t day = (int64_t)floor(t);
    double best = (double)day + 1;          /* midnight: dated and all-day changes */
    for (size_t k = 0; k < w->nbed_changes; k++) {
        const struct flow_bed_change_spec *c = &w->bed_changes[k];
        for (int64_t e = day - FLOW_WEEK_SPAN; !c->dated && e <= day + 1; e++) {
            double a, b;
            occurrence(c, e, &a, &b);
            if (!(c->days >> flow_week_day(s, e) & 1))
                continue;
            if (a > t && a < best)
                best = a;
            if (b > t && b < best)
                best = b;
        }
    }
    return best;
}

/* The fewest beds weekly changes leave open during `day` (relative to beds): at its start and
 * at every boundary inside it. */
static long weekly_min_of_day(const struct flow_scenario *s, const struct flow_ward_spec *w,
                              int64_t day)
{
    long best = weekly_beds(s, w, (double)day);
    for (size_t k = 0; k < w->nbed_changes; k++) {
        const struct flow_bed_change_spec *c = &w->bed_changes[k];
        for (int64_t e = day - FLOW_WEEK_SPAN; !c->dated && e <= day; e++) {
            double a, b;
            occurrence(c, e, &a, &b);
            if (a >= (double)day && a < (double)day + 1) {
                long v = weekly_beds(s, w, a);
                best = v < best ? v : best;
            }
            if (b >= (double)day && b < (double)day + 1) {
                long v = weekly_beds(s, w, b);
                best = v < best ? v : best;
            }
        }
    }
    return best;
}

/* A day's weekly pattern depends only on its weekday and which of it and the FLOW_WEEK_SPAN
 * days before it are holidays: 7 x 256 patterns, each worked out once. Dated changes are whole
 * days. So days are walked one by one only near a holiday or a dated boundary: further than a
 * week from both, every week repeats the one before and the walk jumps to the next of them. */
struct pattern_memo {
    long min[7 * 256];
    bool known[7 * 256];
};

struct dated_edge {
    int64_t day;
    long delta;
};

static int by_edge_day(const void *a, const void *b)
{
    const struct dated_edge *x = a, *y = b;
    return (x->day > y->day) - (x->day < y->day);
}

long flow_week_fewest_beds(const struct flow_scenario *s, const struct flow_ward_spec *w,
                           double days, int64_t *when)
{
    struct pattern_memo *memo = calloc(1, sizeof *memo);
    struct dated_edge *edges = calloc(2 * w->nbed_changes + 1, sizeof *edges);
    if (memo == NULL || edges == NULL)
        abort();
    size_t nedges = 0;
    for (size_t k = 0; k < w->nbed_changes; k++) {
        const struct flow_bed_change_spec *c = &w->bed_changes[k];
        if (c->dated) {
            edges[nedges++] = (struct dated_edge){c->from, c->change};
            edges[nedges++] = (struct dated_edge){c->to + 1, -c->change};
        }
    }
    qsort(edges, nedges, sizeof *edges, by_edge_day);
    long fewest = LONG_MAX, dated = 0;
    size_t e = 0, h = 0;
    int64_t end = (int64_t)ceil(days), quiet_from = 0;   /* no holiday or edge since quiet_from - 8 */
    unsigned bits = 0;      /* bit i: day - i is a holiday */
    *when = 0;
    for (int64_t day = 0; day < end; day++) {
        while (e < nedges && edges[e].day <= day)
            dated += edges[e++].delta, quiet_from = day + FLOW_WEEK_SPAN + 1;
        while (h < s->nholidays && s->holidays[h] < day)
            h++;
        bool holiday = h < s->nholidays && s->holidays[h] == day;
        if (holiday)
            quiet_from = day + FLOW_WEEK_SPAN + 1;
        bits = (bits << 1 | holiday) & 0xff;
        unsigned key = (unsigned)flow_week_calendar_day(s, day) * 256 + bits;
        if (!memo->known[key]) {
            memo->min[key] = weekly_min_of_day(s, w, day);
            memo->known[key] = true;
        }
        long v = w->beds + memo->min[key] + dated;
        if (v < fewest)
            fewest = v, *when = day;
        if (day >= quiet_from + 6) {   /* a whole quiet week seen: jump to the next event */
            int64_t next = end;
            if (e < nedges && edges[e].day < next)
                next = edges[e].day;
            if (h < s->nholidays && s->holidays[h] < next)
                next = s->holidays[h];
            if (next - 1 > day)
                day = next - 1;
        }
    }
    free(edges);
    free(memo);
    return fewest;
}
