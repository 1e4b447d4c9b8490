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

int flow_week_span(const struct flow_ward_spec *w)
{
    int span = 0;
    for (size_t k = 0; k < w->nbed_changes; k++) {
        const struct flow_bed_change_spec *c = &w->bed_changes[k];
        int reach = c->dated ? 0 : (int)ceil(c->start + c->length) - 1;   /* days after its own */
        span = reach > span ? reach : span;
    }
    return span;
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


/* The weekly changes through `day`: each occurrence that overlaps it (started on it or up to
 * span days before, on a day whose pattern has it) adds its change at the start of the day or
 * where it starts, and takes it away where it ends within the day. */
static size_t day_edges(const struct flow_scenario *s, const struct flow_ward_spec *w, int64_t day,
                        struct flow_week_edge *edges, long *level)
{
    double lo = (double)day, hi = lo + 1;
    size_t n = 0;
    *level = 0;
    for (int64_t e = day - w->change_span; e <= day; e++) {
        unsigned bit = 1u << flow_week_day(s, e);
        for (size_t k = 0; k < w->nbed_changes; k++) {
            const struct flow_bed_change_spec *c = &w->bed_changes[k];
            double a, b;
            if (c->dated || !(c->days & bit))
                continue;
            occurrence(c, e, &a, &b);
            if (b <= lo || a >= hi)
                continue;
            if (a <= lo)
                *level += c->change;
            else
                edges[n++] = (struct flow_week_edge){a, c->change};
            if (b < hi)
                edges[n++] = (struct flow_week_edge){b, -c->change};
        }
    }
    return n;
}

static int by_time(const void *a, const void *b)
{
    const struct flow_week_edge *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

/* Sorts the day's edges and folds those at one instant together (as [from, to) intervals
 * are), keeping only instants where the level changes: edges[i] then holds the time and the
 * level from it on. */
static size_t fold(struct flow_week_edge *edges, size_t n, long level)
{
    qsort(edges, n, sizeof *edges, by_time);
    size_t out = 0;
    for (size_t i = 0; i < n;) {
        double t = edges[i].t;
        long before = level;
        for (; i < n && edges[i].t == t; i++)
            level += edges[i].delta;
        if (level != before)
            edges[out++] = (struct flow_week_edge){t, level};
    }
    return out;
}

size_t flow_week_day_plan(const struct flow_scenario *s, const struct flow_ward_spec *w, int64_t day,
                          struct flow_week_edge *edges, long *at_start)
{
    long weekly, base = w->beds + dated_beds(w, day);
    size_t n = day_edges(s, w, day, edges, &weekly);
    n = fold(edges, n, weekly);
    *at_start = base + weekly;
    for (size_t i = 0; i < n; i++)
        edges[i].delta += base;
    return n;
}

size_t flow_week_plan_room(const struct flow_ward_spec *w)
{
    return 2 * w->nbed_changes * (size_t)(w->change_span + 1) + 1;
}

/* The fewest beds weekly changes leave open during `day` (relative to beds). */
static long weekly_min_of_day(const struct flow_scenario *s, const struct flow_ward_spec *w,
                              int64_t day, struct flow_week_edge *edges)
{
    long level;
    size_t n = day_edges(s, w, day, edges, &level);
    n = fold(edges, n, level);
    long best = level;
    for (size_t i = 0; i < n; i++)
        best = edges[i].delta < best ? edges[i].delta : best;
    return best;
}

/* A day's weekly pattern depends only on its weekday and which of it and the span days before
 * it are holidays: at most 7 x 256 patterns, each worked out once. Dated changes are whole
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
    struct dated_edge *dated_edges = calloc(2 * w->nbed_changes + 1, sizeof *dated_edges);
    struct flow_week_edge *edges = calloc(flow_week_plan_room(w), sizeof *edges);
    if (memo == NULL || dated_edges == NULL || edges == NULL)
        abort();
    size_t nedges = 0;
    for (size_t k = 0; k < w->nbed_changes; k++) {
        const struct flow_bed_change_spec *c = &w->bed_changes[k];
        if (c->dated) {
            dated_edges[nedges++] = (struct dated_edge){c->from, c->change};
            dated_edges[nedges++] = (struct dated_edge){c->to + 1, -c->change};
        }
    }
    qsort(dated_edges, nedges, sizeof *dated_edges, by_edge_day);
    long fewest = LONG_MAX, dated = 0;
    size_t e = 0, h = 0;
    int64_t end = (int64_t)ceil(days), quiet_from = 0;   /* no holiday or edge since quiet_from - 8 */
    unsigned bits = 0, mask = (2u << w->change_span) - 1;   /* bit i: day - i is a holiday */
    *when = 0;
    for (int64_t day = 0; day < end; day++) {
        while (e < nedges && dated_edges[e].day <= day)
            dated += dated_edges[e++].delta, quiet_from = day + FLOW_WEEK_SPAN + 1;
        while (h < s->nholidays && s->holidays[h] < day)
            h++;
        bool holiday = h < s->nholidays && s->holidays[h] == day;
        if (holiday)
            quiet_from = day + FLOW_WEEK_SPAN + 1;
        bits = (bits << 1 | holiday) & mask;
        unsigned key = (unsigned)flow_week_calendar_day(s, day) * 256 + bits;
        if (!memo->known[key]) {
            memo->min[key] = weekly_min_of_day(s, w, day, edges);
            memo->known[key] = true;
        }
        long v = w->beds + memo->min[key] + dated;
        if (v < fewest)
            fewest = v, *when = day;
        if (day >= quiet_from + 6) {   /* a whole quiet week seen: jump to the next event */
            int64_t next = end;
            if (e < nedges && dated_edges[e].day < next)
                next = dated_edges[e].day;
            if (h < s->nholidays && s->holidays[h] < next)
                next = s->holidays[h];
            if (next - 1 > day)
                day = next - 1;
        }
    }
    free(edges);
    free(dated_edges);
    free(memo);
    return fewest;
}

bool flow_week_beds_change(const struct flow_ward_spec *w)
{
    return w->nbed_changes > 0 || w->escalation.beds > 0;
}

