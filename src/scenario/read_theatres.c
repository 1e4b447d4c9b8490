/* read_theatres.c - the scenario's theatres: their sessions (lists by weekday, week or cycle,
 * checked for overlaps), booking, late starts, turnaround and overruns. */
#include "table.h"

#include <flowsim/calendar.h>
#include <flowsim/week.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void read_theatre_ref(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    *(int *)dst = -1;
    if (!flow__schema_need_scalar(c, n, f->key, "the name of a theatre") || c->theatres_bad)
        return;
    const char *names[FLOW_MAX_THEATRES];
    for (size_t i = 0; i < c->sc->ntheatres; i++)
        names[i] = c->sc->theatres[i].name;
    *(int *)dst = flow__schema_lookup_name(c, n, "theatre", names, c->sc->ntheatres);
}

/* Weeks of a theatre's cycle, [1, 3]: each a whole number 1 to 52, at most once. */
static void read_weeks(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char b[80];
    uint64_t mask = 0;
    if (n->kind != YN_SEQ || n->n == 0) {
        flow__schema_err(c, n, "'%s' must be a list of weeks of the theatre's cycle such as [1, 3]; found %s", f->key,
                        n->kind == YN_SEQ ? "an empty list" : flow__schema_shown(n, b, sizeof b));
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        int week = 0;
        struct field e = {.key = "weeks", .min = 1, .max = FLOW_MAX_CYCLE_WEEKS};
        read_int(c, n->kids[i], &week, &e);
        if (week < 1)
            continue;
        if (mask & ((uint64_t)1 << (week - 1)))
            flow__schema_err(c, n->kids[i], "week %d is listed twice", week);
        mask |= (uint64_t)1 << (week - 1);
    }
    *(uint64_t *)dst = mask;
}

/* The theatre's cycle: a whole number of weeks, 1w to 52w. */
static void read_cycle(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char b[80];
    double days = -1;
    struct field d = {.key = f->key, .min = 0, .max = FLOW_MAX_HORIZON_DAYS};
    read_duration(c, n, &days, &d);
    if (days < 0)
        return;
    if (fabs(days / 7 - round(days / 7)) > 1e-9 || days < 7 || days > 7 * FLOW_MAX_CYCLE_WEEKS) {
        flow__schema_err(c, n, "'%s' must be a whole number of weeks from 1w to %dw; found %s", f->key,
                        FLOW_MAX_CYCLE_WEEKS, flow__schema_shown(n, b, sizeof b));
        return;
    }
    *(int *)dst = (int)lround(days / 7);
}

static const struct field session_fields[] = {
    {"days", read_days, true, NULL, 0, 0, offsetof(struct flow_session_spec, days), NULL},
    {"start", read_clock, true, NULL, 0, 0, offsetof(struct flow_session_spec, start), NULL},
    {"length", read_duration, true, NULL, 1.0 / 1440, 1, offsetof(struct flow_session_spec, length), NULL},
    {"weeks", read_weeks, false, NULL, 0, 0, offsetof(struct flow_session_spec, weeks), NULL},
};
static const struct schema session_schema = SCHEMA("session", session_fields);

/* Two sessions of one theatre must not overlap, also across midnight and the week's end. */
static void check_overlaps(struct ctx *c, const struct ynode *list, const struct flow_theatre_spec *t)
{
    for (size_t i = 0; i < t->nsessions; i++) {
        for (size_t j = 0; j <= i; j++) {
            const struct flow_session_spec *a = &t->sessions[i], *b = &t->sessions[j];
            for (int da = 0; da < 7; da++) {
                for (int db = 0; db < 7; db++) {
                    if (!(a->days >> da & 1) || !(b->days >> db & 1) || (i == j && da == db))
                        continue;
                    double sa = da + a->start, sb = db + b->start;
                    double gap = fmod(sb - sa + 14, 7);          /* from a's start to b's */
                    if (gap < a->length - 1e-9 || 7 - gap < b->length - 1e-9) {
                        flow__schema_err(c, list->kids[i], "session overlaps another session of theatre '%s' "
                                              "(on %s)", t->name, day_names[da]);
                        return;
                    }
                }
            }
        }
    }
}

/* With a cycle of several weeks: every list of the cycle as an interval on a circle of cycle x
 * 7 days; two that overlap are refused (at the later session in the file). */
struct occurrence {
    double from, to;
    size_t session;
    int day;
};

static int by_from(const void *a, const void *b)
{
    const struct occurrence *x = a, *y = b;
    return (x->from > y->from) - (x->from < y->from);
}

static void check_cycle_overlaps(struct ctx *c, const struct ynode *list, const struct flow_theatre_spec *t)
{
    size_t n = 0, cap = t->nsessions * 7 * (size_t)t->cycle;
    struct occurrence *o = flow_xmalloc((cap + 1) * sizeof *o);
    double circle = 7.0 * t->cycle;
    for (size_t i = 0; i < t->nsessions; i++)
        for (int w = 0; w < t->cycle; w++)
            for (int d = 0; d < 7; d++)
                if ((t->sessions[i].days >> d & 1) && (!t->sessions[i].weeks || (t->sessions[i].weeks >> w & 1)))
                    o[n++] = (struct occurrence){7.0 * w + d + t->sessions[i].start,
                                                 7.0 * w + d + t->sessions[i].start + t->sessions[i].length, i, d};
    qsort(o, n, sizeof *o, by_from);
    for (size_t k = 0; k < n; k++) {
        const struct occurrence *a = &o[k], *b = &o[(k + 1) % n];
        double next = b->from + (k + 1 == n ? circle : 0);
        if (n > 1 && a->to > next + 1e-9) {
            size_t later = a->session > b->session ? a->session : b->session;
            flow__schema_err(c, list->kids[later], "session overlaps another session of theatre '%s' (on %s)",
                            t->name, day_names[later == a->session ? a->day : b->day]);
            break;
        }
    }
    free(o);
}

/* Weeks must lie in the theatre's cycle, and a cycle of one week needs no weeks. */
static bool check_weeks(struct ctx *c, const struct ynode *list, const struct flow_theatre_spec *t)
{
    for (size_t i = 0; i < t->nsessions; i++) {
        uint64_t w = t->sessions[i].weeks;
        const struct ynode *at = flow__ytree_get(list->kids[i], "weeks");
        if (w && t->cycle == 1) {
            flow__schema_err(c, at, "'weeks' chooses weeks of the theatre's cycle: give the theatre a 'cycle' of "
                            "several weeks, such as cycle: 2w for alternate weeks");
            return false;
        }
        if (w >> t->cycle) {
            flow__schema_err(c, at, "'weeks' must be weeks of the theatre's cycle, 1 to %d (cycle: %dw); found week %d",
                            t->cycle, t->cycle, 64 - __builtin_clzll(w));
            return false;
        }
    }
    return true;
}

static void read_sessions(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_theatre_spec *t = dst;
    size_t before = c->diag->errors;
    t->sessions = read_list(c, n, f->key, &session_schema, sizeof *t->sessions,
                            FLOW_MAX_SESSIONS, &t->nsessions);
    if (t->sessions && c->diag->errors == before && t->name && check_weeks(c, n, t)) {
        if (t->cycle > 1)
            check_cycle_overlaps(c, n, t);
        else
            check_overlaps(c, n, t);
    }
}

static const char *const overrun_names[] = {"cancel_remaining", "finish", NULL};

/* name comes first so that session errors can name the theatre. */
static const struct field theatre_fields[] = {
    {"name", read_name, true, NULL, 0, 0, offsetof(struct flow_theatre_spec, name), NULL},
    {"cost_per_hour", read_real, false, "0", 0, 1e9, offsetof(struct flow_theatre_spec, cost_per_hour), NULL},
    {"cycle", read_cycle, false, NULL, 0, 0, offsetof(struct flow_theatre_spec, cycle), NULL},
    {"sessions", read_sessions, true, NULL, 0, 0, 0, NULL},
    {"late_start", read_dist_or_zero, false, NULL, 0, 0, offsetof(struct flow_theatre_spec, late_start), NULL},
    {"turnaround", read_dist_or_zero, false, NULL, 0, 0, offsetof(struct flow_theatre_spec, turnaround), NULL},
    {"overrun", read_enum, false, "cancel_remaining", 0, 0, offsetof(struct flow_theatre_spec, overrun),
     overrun_names},
    {"booking_fill", read_real, false, "1", 0.1, 2, offsetof(struct flow_theatre_spec, booking_fill), NULL},
    {"book_ahead", read_duration, false, "1d", 0, 365, offsetof(struct flow_theatre_spec, book_ahead), NULL},
    {"underrun_threshold", read_duration, false, "30m", 0, 1,
     offsetof(struct flow_theatre_spec, underrun_threshold), NULL},
};
static const struct schema theatre_schema = SCHEMA("theatre", theatre_fields);

void read_theatres(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_scenario *sc = c->sc;
    size_t before = c->diag->errors;
    char b[80];
    if (n->kind != YN_SEQ) {
        flow__schema_err(c, n, "'%s' must be a list (each item starting with '- '); found %s", f->key,
            flow__schema_shown(n, b, sizeof b));
        c->theatres_bad = true;
        return;
    }
    if (n->n > FLOW_MAX_THEATRES) {
        flow__schema_err(c, n, "'%s' has %zu items; the limit is %d", f->key, n->n, FLOW_MAX_THEATRES);
        c->theatres_bad = true;
        return;
    }
    sc->theatres = flow_xcalloc(n->n ? n->n : 1, sizeof *sc->theatres);
    sc->ntheatres = n->n;
    for (size_t i = 0; i < n->n; i++) {
        struct flow_theatre_spec *t = &sc->theatres[i];
        flow_dist_init(&t->late_start, FLOW_DIST_FIXED, 0, 0, 0);
        flow_dist_init(&t->turnaround, FLOW_DIST_FIXED, 0, 0, 0);
        t->cycle = 1;
        read_map(c, n->kids[i], &theatre_schema, t);
    }
    check_unique(c, n, "theatre");
    c->theatres_bad = c->diag->errors != before;
}

/* The longest list a theatre has, as booked (length x booking_fill). */
double longest_list(const struct flow_theatre_spec *t)
{
    double best = 0;
    for (size_t i = 0; i < t->nsessions; i++)
        best = fmax(best, t->sessions[i].length * t->booking_fill);
    return best;
}
