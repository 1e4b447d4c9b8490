/* hospital.c - the scenario schema of the hospital: wards, routes, groups and their arrivals,
 * theatres and sessions, community services, discharge pathways and readmissions, the sweep
 * block, the top level, and the checks that need more than one section (readmission groups,
 * waiting lists, result size). */
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

/* ---- wards, groups, routes ------------------------------------------------------------ */

static const char *const when_full_names[] = {"queue", "divert", "outlie", NULL};

static void read_days(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
static void read_clock(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
static void read_rounds(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
static void read_bed_changes(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
static void read_escalation(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
static void read_dist_or_zero(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);

/* name and beds come first so that round and bed-change errors can name the ward. */
static const struct field ward_fields[] = {
    {"name", read_name, true, NULL, 0, 0, offsetof(struct flow_ward_spec, name), NULL},
    {"beds", read_int, true, NULL, 1, FLOW_MAX_BEDS, offsetof(struct flow_ward_spec, beds), NULL},
    {"cost_per_bed_day", read_real, false, "0", 0, 1e9,
     offsetof(struct flow_ward_spec, cost_per_bed_day), NULL},
    {"when_full", read_enum, false, "queue", 0, 0, offsetof(struct flow_ward_spec, when_full),
     when_full_names},
    {"rounds", read_rounds, false, NULL, 0, 0, 0, NULL},
    {"after_round", read_dist_or_zero, false, NULL, 0, 0, offsetof(struct flow_ward_spec, after_round), NULL},
    {"bed_changes", read_bed_changes, false, NULL, 0, 0, 0, NULL},
    {"escalation", read_escalation, false, NULL, 0, 0, offsetof(struct flow_ward_spec, escalation), NULL},
    {"targets", flow__schema_read_targets, false, NULL, 0, 0, offsetof(struct flow_ward_spec, targets), "within_"},
    {"patience", flow__schema_read_patience, false, NULL, 0, 0, 0, NULL},
    {"outlie_to", flow__schema_read_outlie_to, false, NULL, 0, 0, 0, NULL},
    {"outlier_stay_factor", read_real, false, "1", 0.01, 100,
     offsetof(struct flow_ward_spec, outlier_stay_factor), NULL},
    {"reserved", flow__schema_read_reserved, false, NULL, 0, 0, 0, NULL},
};
static const struct schema ward_schema = SCHEMA("ward", ward_fields);

static void read_ward_ref(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    *(int *)dst = -1;
    if (!flow__schema_need_scalar(c, n, f->key, "the name of a ward") || c->wards_bad)
        return;
    const char *names[FLOW_MAX_WARDS];
    for (size_t i = 0; i < c->sc->nwards; i++)
        names[i] = c->sc->wards[i].name;
    *(int *)dst = flow__schema_lookup_name(c, n, "ward", names, c->sc->nwards);
}

static void read_theatre_ref(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    *(int *)dst = -1;
    if (!flow__schema_need_scalar(c, n, f->key, "the name of a theatre") || c->theatres_bad)
        return;
    const char *names[FLOW_MAX_THEATRES];
    for (size_t i = 0; i < c->sc->ntheatres; i++)
        names[i] = c->sc->theatres[i].name;
    *(int *)dst = flow__schema_lookup_name(c, n, "theatre", names, c->sc->ntheatres);
}

static const struct field step_fields[] = {
    {"ward", read_ward_ref, false, NULL, 0, 0, offsetof(struct flow_step_spec, ward), NULL},
    {"theatre", read_theatre_ref, false, NULL, 0, 0, offsetof(struct flow_step_spec, theatre), NULL},
    {"p", read_prob, false, "1", 0, 1, offsetof(struct flow_step_spec, p), NULL},
    {"stay", read_dist, false, NULL, 0, 0, offsetof(struct flow_step_spec, stay), NULL},
    {"operation", read_dist, false, NULL, 0, 0, offsetof(struct flow_step_spec, operation), NULL},
    {"planned", read_duration, false, NULL, 1.0 / 1440, 1, offsetof(struct flow_step_spec, planned), NULL},
    {"p_unfit_on_day", read_prob, false, "0", 0, 1, offsetof(struct flow_step_spec, p_unfit_on_day), NULL},
    {"bed_patience", read_dist, false, NULL, 0, 0, offsetof(struct flow_step_spec, bed_patience), NULL},
};
static const struct schema step_schema = SCHEMA("route step", step_fields);

/* Keys that belong to one kind of step only. */
static void refuse_keys(struct ctx *c, const struct ynode *n, const char *const *keys,
                        const char *kind, const char *other)
{
    for (size_t i = 0; keys[i]; i++) {
        const struct ynode *v = flow__ytree_get(n, keys[i]);
        for (size_t k = 0; v && k + 1 < n->n; k += 2)
            if (n->kids[k + 1] == v)
                flow__schema_err(c, n->kids[k], "'%s' belongs to %s steps; this is a %s step", keys[i], other, kind);
    }
}

/* A step is a ward stay or an operation; the table reads every key, this decides which. */
static void check_step(struct ctx *c, const struct ynode *n, struct flow_step_spec *st)
{
    static const char *const theatre_only[] = {"operation", "planned", "p_unfit_on_day", "bed_patience", NULL};
    static const char *const ward_only[] = {"stay", "p", NULL};
    if (n->kind != YN_MAP)
        return;
    bool ward = flow__ytree_get(n, "ward") != NULL, theatre = flow__ytree_get(n, "theatre") != NULL;
    if (ward == theatre) {
        flow__schema_err(c, n, ward ? "a route step has 'ward' or 'theatre', not both"
                       : "route step is missing the required key 'ward' (or 'theatre')");
        return;
    }
    st->kind = ward ? FLOW_STEP_WARD : FLOW_STEP_THEATRE;
    if (ward) {
        refuse_keys(c, n, theatre_only, "ward", "theatre");
        if (flow__ytree_get(n, "stay") == NULL)
            flow__schema_err(c, n, "route step is missing the required key 'stay'");
        return;
    }
    refuse_keys(c, n, ward_only, "theatre", "ward");
    st->has_bed_patience = flow__ytree_get(n, "bed_patience") != NULL;
    if (flow__ytree_get(n, "operation") == NULL) {
        flow__schema_err(c, n, "route step is missing the required key 'operation'");
        return;
    }
    if (flow__ytree_get(n, "planned") == NULL) {
        st->planned = flow_dist_mean(&st->operation);
        if (st->planned < 1.0 / 1440)   /* as 'planned' itself: a case books at least 1m */
            flow__schema_err(c, flow__ytree_get(n, "operation"), "the mean of 'operation' is %gm, "
                            "so its booked duration 'planned' would be below the minimum of 1m; "
                            "give 'planned' (1m to 1d) or a longer operation", st->planned * 1440);
    }
}

/* Reads a list of mappings into a new array of `size`-byte items, each first given its
 * defaults by init (may be NULL). */
static void *read_list_init(struct ctx *c, const struct ynode *n, const char *key,
                            const struct schema *s, size_t size, size_t max, size_t *count,
                            void (*init)(void *item))
{
    char b[80];
    if (n->kind != YN_SEQ || n->n == 0) {
        flow__schema_err(c, n, "'%s' must be a non-empty list (each item starting with '- '); found %s", key,
            n->kind == YN_SEQ ? "an empty list" : flow__schema_shown(n, b, sizeof b));
        return NULL;
    }
    if (n->n > max) {
        flow__schema_err(c, n, "'%s' has %zu items; the limit is %zu", key, n->n, max);
        return NULL;
    }
    char *items = flow_xcalloc(n->n, size);
    *count = n->n;
    for (size_t i = 0; i < n->n; i++) {
        if (init)
            init(items + i * size);
        read_map(c, n->kids[i], s, items + i * size);
    }
    return items;
}

static void *read_list(struct ctx *c, const struct ynode *n, const char *key,
                       const struct schema *s, size_t size, size_t max, size_t *count)
{
    return read_list_init(c, n, key, s, size, max, count, NULL);
}

static void check_unique(struct ctx *c, const struct ynode *list, const char *what)
{
    for (size_t i = 0; i < list->n; i++) {
        const struct ynode *a = flow__ytree_get(list->kids[i], "name");
        for (size_t j = 0; a && a->kind == YN_SCALAR && j < i; j++) {
            const struct ynode *b = flow__ytree_get(list->kids[j], "name");
            if (b && b->kind == YN_SCALAR && strcmp(a->text, b->text) == 0) {
                flow__schema_err(c, a, "duplicate %s name '%s' (first given at line %d)", what, a->text, b->line);
                break;
            }
        }
    }
}

static void ward_init(void *item)
{
    struct flow_ward_spec *w = item;
    flow_dist_init(&w->after_round, FLOW_DIST_FIXED, 0, 0, 0);
}

static void read_wards(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_scenario *sc = c->sc;
    size_t before = c->diag->errors;
    sc->wards = read_list_init(c, n, f->key, &ward_schema, sizeof *sc->wards, FLOW_MAX_WARDS,
                               &sc->nwards, ward_init);
    for (size_t i = 0; sc->wards && i < sc->nwards; i++) {
        const struct ynode *ar = flow__ytree_get(n->kids[i], "after_round");
        if (ar && sc->wards[i].nrounds == 0 && flow__ytree_get(n->kids[i], "rounds") == NULL)
            flow__schema_err(c, ar, "'after_round' is the time from a ward round to leaving the bed: "
                            "it needs 'rounds'");
        const struct ynode *esc = flow__ytree_get(n->kids[i], "escalation");
        if (esc && sc->wards[i].when_full == FLOW_WHEN_FULL_DIVERT)
            flow__schema_err(c, esc, "escalation beds open when patients wait for ward '%s', but it turns "
                            "them away (when_full: divert), so they would never open", sc->wards[i].name);
    }
    if (sc->wards)
        check_unique(c, n, "ward");
    c->wards_bad = c->diag->errors != before;
    if (sc->wards && !c->wards_bad)
        flow__frontdoor_wards(c, n);
}

static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

static void read_days(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char b[80];
    unsigned mask = 0;
    if (n->kind != YN_SEQ || n->n == 0) {
        flow__schema_err(c, n, "'%s' must be a list of weekdays such as [mon, wed, fri]; found %s", f->key,
            n->kind == YN_SEQ ? "an empty list" : flow__schema_shown(n, b, sizeof b));
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        int day = -1;
        struct field e = {.key = "days", .aux = day_names};
        read_enum(c, n->kids[i], &day, &e);
        if (day < 0)
            continue;
        if (mask & (1u << day))
            flow__schema_err(c, n->kids[i], "'%s' is listed twice", day_names[day]);
        mask |= 1u << day;
    }
    *(unsigned *)dst = mask;
}

/* "HH:MM" on a 24-hour clock, as days after midnight. */
static void read_clock(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char b[80];
    const char *expect = "a time of day from 00:00 to 23:59, such as \"08:30\"";
    if (!flow__schema_need_scalar(c, n, f->key, expect))
        return;
    const char *t = n->text;
    int ok = strlen(t) == 5 && t[2] == ':' && isdigit((unsigned char)t[0]) &&
             isdigit((unsigned char)t[1]) && isdigit((unsigned char)t[3]) && isdigit((unsigned char)t[4]);
    int hh = ok ? (t[0] - '0') * 10 + t[1] - '0' : 0, mm = ok ? (t[3] - '0') * 10 + t[4] - '0' : 0;
    if (!ok || hh > 23 || mm > 59) {
        flow__schema_err(c, n, "'%s' must be %s; found %s", f->key, expect, flow__schema_shown(n, b, sizeof b));
        return;
    }
    *(double *)dst = (hh * 60 + mm) / 1440.0;
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

/* ---- ward rounds, bed changes and escalation ------------------------------------------ */

static bool read_date(struct ctx *c, const struct ynode *n, const char *key, int64_t *days);

static const struct field round_fields[] = {
    {"days", read_days, true, NULL, 0, 0, offsetof(struct flow_round_spec, days), NULL},
    {"at", read_clock, true, NULL, 0, 0, offsetof(struct flow_round_spec, at), NULL},
    {"p_review", read_prob, false, "1", 0, 1, offsetof(struct flow_round_spec, p_review), NULL},
};
static const struct schema round_schema = SCHEMA("round", round_fields);

static void clock_text(double at, char *buf, size_t size)
{
    int minutes = (int)lround(at * 1440);
    snprintf(buf, size, "%02d:%02d", minutes / 60, minutes % 60);
}

/* Rounds review each ready patient with p_review > 0, and no two are at the same moment. */
static void check_rounds(struct ctx *c, const struct ynode *list, const struct flow_ward_spec *w)
{
    for (size_t i = 0; i < w->nrounds; i++) {
        const struct flow_round_spec *r = &w->rounds[i];
        const struct ynode *p = flow__ytree_get(list->kids[i], "p_review");
        if (p && r->p_review <= 0)
            flow__schema_err(c, p, "'p_review' must be more than 0 and at most 1 (a round that reviews "
                            "nobody never discharges anyone); found %s", p->text);
        for (size_t j = 0; j < i; j++) {
            unsigned both = r->days & w->rounds[j].days;
            if (both && fabs(r->at - w->rounds[j].at) < 1e-9) {
                char t[32];
                clock_text(r->at, t, sizeof t);
                flow__schema_err(c, list->kids[i], "ward '%s' already has a round on %s at %s (round %zu)",
                                w->name, day_names[__builtin_ctz(both)], t, j + 1);
                break;
            }
        }
    }
}

static void read_rounds(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_ward_spec *w = dst;
    size_t before = c->diag->errors;
    w->rounds = read_list(c, n, f->key, &round_schema, sizeof *w->rounds, FLOW_MAX_ROUNDS, &w->nrounds);
    if (w->rounds && c->diag->errors == before)
        check_rounds(c, n, w);
}

struct bed_change_in {
    unsigned days;
    double start, length;
    const struct ynode *from, *to;
    int change;
};

static const struct field bed_change_fields[] = {
    {"days", read_days, false, NULL, 0, 0, offsetof(struct bed_change_in, days), NULL},
    {"start", read_clock, false, NULL, 0, 0, offsetof(struct bed_change_in, start), NULL},
    {"length", read_duration, false, NULL, 1.0 / 1440, FLOW_WEEK_SPAN,
     offsetof(struct bed_change_in, length), NULL},
    {"from", read_node, false, NULL, 0, 0, offsetof(struct bed_change_in, from), NULL},
    {"to", read_node, false, NULL, 0, 0, offsetof(struct bed_change_in, to), NULL},
    {"change", read_int, true, NULL, -FLOW_MAX_BEDS, FLOW_MAX_BEDS, offsetof(struct bed_change_in, change), NULL},
};
static const struct schema bed_change_schema = SCHEMA("bed change", bed_change_fields);

/* Two occurrences of one weekly change (on two of its days) must not overlap, across the
 * week's end too. */
static void check_self_overlap(struct ctx *c, const struct ynode *n, const struct flow_bed_change_spec *b)
{
    for (int da = 0; da < 7; da++)
        for (int db = 0; db < 7; db++) {
            if (da == db || !(b->days >> da & 1) || !(b->days >> db & 1))
                continue;
            int gap = (db - da + 7) % 7;           /* days from a's start to b's */
            if (gap < b->length - 1e-9) {
                flow__schema_err(c, n, "this bed change overlaps itself: its %s occurrence lasts %gh and "
                                "its %s one starts %dh later", day_names[da], b->length * 24,
                                day_names[db], gap * 24);
                return;
            }
        }
}

static void read_dated_change(struct ctx *c, const struct ynode *n, const struct bed_change_in *in,
                              struct flow_bed_change_spec *b)
{
    static const char *const weekly_only[] = {"days", "start", "length", NULL};
    const struct ynode *at = in->from ? in->from : in->to;
    for (size_t i = 0; weekly_only[i]; i++)
        if (flow__ytree_get(n, weekly_only[i]))
            flow__schema_err(c, flow__ytree_get(n, weekly_only[i]), "'%s' is for weekly bed changes; a "
                            "dated change (from, to) is whole days", weekly_only[i]);
    if (!c->sc->has_start) {
        flow__schema_err(c, at, "a dated bed change needs the scenario's 'start' date (such as "
                        "start: 2027-01-04)");
        return;
    }
    if (in->from == NULL || in->to == NULL) {
        flow__schema_err(c, n, "a dated bed change needs both 'from' and 'to' (both included)");
        return;
    }
    int64_t from, to;
    if (!read_date(c, in->from, "from", &from) | !read_date(c, in->to, "to", &to))
        return;
    if (to < from) {
        flow__schema_err(c, in->to, "'to' (%s) is before 'from' (%s)", in->to->text, in->from->text);
        return;
    }
    b->dated = true;
    b->from = from - c->sc->start_date;
    b->to = to - c->sc->start_date;
}

static void read_bed_change(struct ctx *c, const struct ynode *n, struct flow_bed_change_spec *b)
{
    struct bed_change_in in = {0};
    size_t before = c->diag->errors;
    if (!read_map(c, n, &bed_change_schema, &in) || c->diag->errors != before)
        return;
    b->change = in.change;
    bool weekly = flow__ytree_get(n, "days") != NULL, dated = in.from || in.to;
    if (weekly == dated) {
        flow__schema_err(c, n, weekly ? "a bed change is weekly ('days') or dated ('from', 'to'), not both"
                        : "a bed change needs 'days' (weekly, such as [sat, sun]) or 'from' and 'to' "
                          "(dated, such as from: 2027-12-01, to: 2028-03-31)");
        return;
    }
    if (dated) {
        read_dated_change(c, n, &in, b);
        return;
    }
    bool start = flow__ytree_get(n, "start") != NULL, length = flow__ytree_get(n, "length") != NULL;
    if (start != length) {
        flow__schema_err(c, n, "a weekly bed change gives 'start' and 'length' together (or neither: all "
                        "day on each of its days)");
        return;
    }
    b->days = in.days;
    b->start = start ? in.start : 0;
    b->length = start ? in.length : 1;
    check_self_overlap(c, n, b);
}

static void read_bed_changes(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_ward_spec *w = dst;
    char b[80];
    if (n->kind != YN_SEQ || n->n == 0 || n->n > FLOW_MAX_BED_CHANGES) {
        flow__schema_err(c, n, "'%s' must be a list of 1 to %d changes such as - {days: [sat, sun], "
                        "change: -4}; found %s", f->key, FLOW_MAX_BED_CHANGES,
                        n->kind == YN_SEQ ? "a list of another length" : flow__schema_shown(n, b, sizeof b));
        return;
    }
    w->bed_changes = flow_xcalloc(n->n, sizeof *w->bed_changes);
    w->nbed_changes = n->n;
    for (size_t i = 0; i < n->n; i++)
        read_bed_change(c, n->kids[i], &w->bed_changes[i]);
    w->change_span = flow_week_span(w);
    c->bed_changes += n->n;
    if (c->bed_changes > FLOW_MAX_ALL_BED_CHANGES && c->bed_changes - n->n <= FLOW_MAX_ALL_BED_CHANGES)
        flow__schema_err(c, n, "the wards have more than %d bed changes in all; the limit is %d",
                        FLOW_MAX_ALL_BED_CHANGES, FLOW_MAX_ALL_BED_CHANGES);
}

static const struct field escalation_fields[] = {
    {"beds", read_int, true, NULL, 1, FLOW_MAX_BEDS, offsetof(struct flow_escalation_spec, beds), NULL},
    {"open_when_waiting", read_int, true, NULL, 1, FLOW_MAX_LIVE_PATIENTS,
     offsetof(struct flow_escalation_spec, open_when_waiting), NULL},
    {"close_when_free", read_int, true, NULL, 1, 2 * FLOW_MAX_BEDS,
     offsetof(struct flow_escalation_spec, close_when_free), NULL},
};
static const struct schema escalation_schema = SCHEMA("escalation", escalation_fields);

static void read_escalation(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_escalation_spec in = {0};
    size_t before = c->diag->errors;
    if (!read_map(c, n, &escalation_schema, &in) || c->diag->errors != before)
        return;
    *(struct flow_escalation_spec *)dst = in;
}

/* A distribution that defaults to {dist: fixed, value: 0m}. */
static void read_dist_or_zero(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    flow_dist_fini(dst);
    read_dist(c, n, dst, f);
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

static void read_theatres(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
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

/* ---- community services and discharge ------------------------------------------------ */

/* A whole number of places or people, or "unlimited" (stored as 0). */
static void read_capacity(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char b[80];
    if (n->kind == YN_SCALAR && strcmp(n->text, "unlimited") == 0) {
        *(int *)dst = 0;
        return;
    }
    long long v;
    if (n->kind != YN_SCALAR || flow_parse_int(n->text, &v) != NULL || v < 1 || v > FLOW_MAX_CAPACITY) {
        flow__schema_err(c, n, "'%s' must be a whole number from 1 to %d, or unlimited; found %s", f->key,
            FLOW_MAX_CAPACITY, flow__schema_shown(n, b, sizeof b));
        return;
    }
    *(int *)dst = (int)v;
}

static const char *const service_full_names[] = {"queue", "divert", NULL};
static const char *const service_order_names[] = {"first_come", "first_fit", NULL};
static const struct field service_fields[] = {
    {"name", read_name, true, NULL, 0, 0, offsetof(struct flow_service_spec, name), NULL},
    {"capacity", read_capacity, false, "unlimited", 0, 0, offsetof(struct flow_service_spec, capacity), NULL},
    {"when_full", read_enum, false, "queue", 0, 0, offsetof(struct flow_service_spec, when_full), service_full_names},
    {"visits_per_day", read_real, false, NULL, 0.001, 1e7, offsetof(struct flow_service_spec, visits_per_day), NULL},
    {"visits", read_count_dist, false, NULL, 0, 0, offsetof(struct flow_service_spec, visits), NULL},
    {"order", read_enum, false, "first_come", 0, 0, offsetof(struct flow_service_spec, order), service_order_names},
    {"stay", read_dist, true, NULL, 0, 0, offsetof(struct flow_service_spec, stay), NULL},
    {"cost_per_day", read_real, false, "0", 0, 1e9, offsetof(struct flow_service_spec, cost_per_day), NULL},
};
static const struct schema service_schema = SCHEMA("community service", service_fields);

static void read_community(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_scenario *sc = c->sc;
    size_t before = c->diag->errors;
    sc->community = read_list(c, n, f->key, &service_schema, sizeof *sc->community,
                              FLOW_MAX_SERVICES, &sc->ncommunity);
    if (sc->community)
        check_unique(c, n, "community service");
    for (size_t i = 0; sc->community && i < sc->ncommunity && n->kind == YN_SEQ; i++) {
        const struct ynode *item = n->kids[i], *per_day = flow__ytree_get(item, "visits_per_day"),
                           *visits = flow__ytree_get(item, "visits"), *cap = flow__ytree_get(item, "capacity"),
                           *order = flow__ytree_get(item, "order");
        if (per_day && cap)
            flow__schema_err(c, cap, "a service gives its capacity as 'capacity' (places) or 'visits_per_day' "
                            "(visits), not both");
        else if (per_day && !visits)
            flow__schema_err(c, per_day, "'visits_per_day' needs 'visits': the visits a day each patient needs, "
                            "such as {dist: fixed, value: 2}");
        else if (visits && !per_day)
            flow__schema_err(c, visits, "'visits' needs 'visits_per_day', the service's capacity in visits a day");
        else if (order && !per_day)
            flow__schema_err(c, order, "'order' needs 'visits_per_day': it says who starts when visits free "
                            "up (places are all alike)");
    }
    c->community_bad = c->diag->errors != before || sc->community == NULL;
}

static void read_service_ref(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    *(int *)dst = -1;
    if (!flow__schema_need_scalar(c, n, f->key, "the name of a community service") || c->community_bad)
        return;
    const char *names[FLOW_MAX_SERVICES];
    for (size_t i = 0; i < c->sc->ncommunity; i++)
        names[i] = c->sc->community[i].name;
    if (c->sc->ncommunity == 0) {
        flow__schema_err(c, n, "unknown community service '%s' (the scenario has no 'community' list)", n->text);
        return;
    }
    *(int *)dst = flow__schema_lookup_name(c, n, "community service", names, c->sc->ncommunity);
}

struct readmit_in {
    double p;
    struct flow_dist after;
    const struct ynode *group;
};

static const struct field readmit_fields[] = {
    {"p", read_prob, true, NULL, 0, 1, offsetof(struct readmit_in, p), NULL},
    {"after", read_dist, true, NULL, 0, 0, offsetof(struct readmit_in, after), NULL},
    {"group", read_node, true, NULL, 0, 0, offsetof(struct readmit_in, group), NULL},
};
static const struct schema readmit_schema = SCHEMA("readmission", readmit_fields);

struct pathway_in {
    int pathway;
    double share;
    struct flow_dist delay;
    int service;
    const struct ynode *readmission;
};

static const struct field pathway_fields[] = {
    {"pathway", read_int, true, NULL, 0, 3, offsetof(struct pathway_in, pathway), NULL},
    {"share", read_prob, true, NULL, 0, 1, offsetof(struct pathway_in, share), NULL},
    {"delay", read_dist_or_zero, false, NULL, 0, 0, offsetof(struct pathway_in, delay), NULL},
    {"service", read_service_ref, false, NULL, 0, 0, offsetof(struct pathway_in, service), NULL},
    {"readmission", read_node, false, NULL, 0, 0, offsetof(struct pathway_in, readmission), NULL},
};
static const struct schema pathway_schema = SCHEMA("pathway", pathway_fields);

static void read_pathway(struct ctx *c, const struct ynode *n, struct flow_discharge_spec *d,
                         bool *seen)
{
    struct pathway_in in = {.pathway = -1, .service = -1};
    flow_dist_init(&in.delay, FLOW_DIST_FIXED, 0, 0, 0);
    size_t before = c->diag->errors;
    read_map(c, n, &pathway_schema, &in);
    if (c->diag->errors != before || in.pathway < 0) {
        flow_dist_fini(&in.delay);
        return;
    }
    const struct ynode *num = flow__ytree_get(n, "pathway");
    if (seen[in.pathway])
        flow__schema_err(c, num, "pathway %d is listed twice", in.pathway);
    seen[in.pathway] = true;
    if (in.pathway == 0 && flow__ytree_get(n, "service"))
        flow__schema_err(c, flow__ytree_get(n, "service"), "pathway 0 is home with no new support: it takes no 'service'");
    if (in.pathway > 0 && !flow__ytree_get(n, "service") && !c->community_bad)
        flow__schema_err(c, n, "pathway %d needs a 'service' (the community service it discharges to)", in.pathway);
    if (in.pathway > 0 && flow__ytree_get(n, "delay"))
        flow__schema_err(c, flow__ytree_get(n, "delay"), "'delay' is for pathway 0; pathways 1-3 wait for their "
                                      "assessment and service");
    struct flow_pathway_spec *pw = &d->pathways[in.pathway];
    flow_dist_fini(&pw->delay);
    pw->share = in.share;
    pw->delay = in.delay;
    pw->service = in.service;
    if (in.readmission != NULL) {
        struct readmit_in r = {0};
        size_t b2 = c->diag->errors;
        read_map(c, in.readmission, &readmit_schema, &r);
        if (c->diag->errors == b2 && flow__schema_need_scalar(c, r.group, "group", "the name of a group")) {
            pw->readmit_p = r.p;
            flow_dist_fini(&pw->readmit_after);
            pw->readmit_after = r.after;
            flow_xgrow((void **)&c->refs, &c->cap_refs, c->nrefs + 1, sizeof *c->refs);
            c->refs[c->nrefs++] = (struct readmit_ref){pw, r.group};
        } else {
            flow_dist_fini(&r.after);
        }
    }
}

static void read_pathways(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_discharge_spec *d = dst;
    char b[80];
    if (n->kind != YN_SEQ || n->n == 0 || n->n > 4) {
        flow__schema_err(c, n, "'%s' must be a list of 1 to 4 pathways, such as - {pathway: 0, share: 0.6}; "
                  "found %s", f->key, n->kind == YN_SEQ ? "a list of another length" : flow__schema_shown(n, b, sizeof b));
        return;
    }
    bool seen[4] = {false};
    size_t before = c->diag->errors;
    for (size_t i = 0; i < n->n; i++)
        read_pathway(c, n->kids[i], d, seen);
    double total = 0;
    for (int k = 0; k < 4; k++)
        total += d->pathways[k].share;
    if (c->diag->errors == before && fabs(total - 1) > 1e-6)
        flow__schema_err(c, n, "pathway shares must add up to 1; they add up to %g", total);
}

static const char *const discharge_model_names[] = {"assess_in_hospital", "discharge_to_assess", NULL};

static const struct field discharge_fields[] = {
    {"model", read_enum, false, "assess_in_hospital", 0, 0, offsetof(struct flow_discharge_spec, model),
     discharge_model_names},
    {"assessment", read_dist_or_zero, false, NULL, 0, 0, offsetof(struct flow_discharge_spec, assessment), NULL},
    {"assessment_capacity", read_capacity, false, "unlimited", 0, 0,
     offsetof(struct flow_discharge_spec, assessment_capacity), NULL},
    {"cost_per_assessment", read_real, false, "0", 0, 1e9,
     offsetof(struct flow_discharge_spec, cost_per_assessment), NULL},
    {"pathways", read_pathways, true, NULL, 0, 0, 0, NULL},
};
static const struct schema discharge_schema = SCHEMA("discharge", discharge_fields);

static void discharge_init(struct flow_discharge_spec *d)
{
    memset(d, 0, sizeof *d);
    flow_dist_init(&d->assessment, FLOW_DIST_FIXED, 0, 0, 0);
    for (int k = 0; k < 4; k++) {
        flow_dist_init(&d->pathways[k].delay, FLOW_DIST_FIXED, 0, 0, 0);
        flow_dist_init(&d->pathways[k].readmit_after, FLOW_DIST_FIXED, 0, 0, 0);
        d->pathways[k].service = -1;
        d->pathways[k].readmit_group = -1;
    }
}

static void read_discharge_into(struct ctx *c, const struct ynode *n, struct flow_discharge_spec *d)
{
    discharge_init(d);
    d->enabled = true;
    read_map(c, n, &discharge_schema, d);
}

static void read_top_discharge(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    size_t before = c->diag->errors;
    c->discharge = n;
    read_discharge_into(c, n, &c->discharge_default);
    c->discharge_bad = c->diag->errors != before;
}

/* A group's discharge block overrides the scenario's key by key: a borrowed-node map of the
 * scenario's pairs, each replaced by the group's where it has one, then the group's others. */
static void read_group_discharge(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_group_spec *g = dst;
    flow_discharge_fini(&g->discharge);
    if (n->kind != YN_MAP || c->discharge == NULL || c->discharge->kind != YN_MAP) {
        read_discharge_into(c, n, &g->discharge);
        g->discharge.own_assessors = true;
        return;
    }
    struct ynode merged = {.kind = YN_MAP, .src = n->src, .line = n->line, .col = n->col};
    for (size_t i = 0; i + 1 < c->discharge->n; i += 2) {
        const struct ynode *k = c->discharge->kids[i];
        const struct ynode *v = flow__ytree_get(n, k->text);
        if (v == NULL) {
            flow__ytree_append(&merged, c->discharge->kids[i]);
            flow__ytree_append(&merged, c->discharge->kids[i + 1]);
        }
    }
    for (size_t i = 0; i < n->n; i++)
        flow__ytree_append(&merged, n->kids[i]);
    read_discharge_into(c, &merged, &g->discharge);
    g->discharge.own_assessors = flow__ytree_get(n, "assessment_capacity") != NULL;
    free(merged.kids);      /* the nodes are borrowed */
}

struct arrivals_in {
    double rate, referrals;
    double by_hour[24], by_weekday[7], by_month[12];
    double growth;
    const struct ynode *series;
};

static const struct field arrivals_fields[] = {
    {"rate", read_rate, false, NULL, 0, FLOW_MAX_RATE_PER_DAY, offsetof(struct arrivals_in, rate), NULL},
    {"referrals", read_rate, false, NULL, 0, FLOW_MAX_RATE_PER_DAY,
     offsetof(struct arrivals_in, referrals), NULL},
    {"by_hour", read_weights, false, NULL, 0, 24, offsetof(struct arrivals_in, by_hour), NULL},
    {"by_weekday", read_weights, false, NULL, 0, 7, offsetof(struct arrivals_in, by_weekday), NULL},
    {"by_month", read_weights, false, NULL, 0, 12, offsetof(struct arrivals_in, by_month), NULL},
    {"growth_per_year", read_real, false, "0", -0.9, 10, offsetof(struct arrivals_in, growth), NULL},
    {"series", read_node, false, NULL, 0, 0, offsetof(struct arrivals_in, series), NULL},
};
static const struct schema arrivals_schema = SCHEMA("arrivals", arrivals_fields);

static bool flat(const double *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (w[i] != 1.0)
            return false;
    return true;
}

/* read_weights rescaled the 12 weights to mean 1 as numbers; by month they are rescaled to
 * mean 1 over the days of a 365-day year, so that `rate` stays the mean daily rate. */
static void month_weights(double *w)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    double total = 0;
    for (int m = 0; m < 12; m++)
        total += w[m] * days[m];
    if (total > 0 && !flat(w, 12))
        for (int m = 0; m < 12; m++)
            w[m] *= 365 / total;
}

static void read_arrivals(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_group_spec *g = dst;
    struct arrivals_in in;
    for (int i = 0; i < 24; i++)
        in.by_hour[i] = 1;
    for (int i = 0; i < 7; i++)
        in.by_weekday[i] = 1;
    for (int i = 0; i < 12; i++)
        in.by_month[i] = 1;
    in.rate = in.referrals = in.growth = 0;
    in.series = NULL;
    if (!read_map(c, n, &arrivals_schema, &in))
        return;
    bool rate = flow__ytree_get(n, "rate") != NULL, referrals = flow__ytree_get(n, "referrals") != NULL;
    if (in.series) {
        static const char *const twice[] = {"rate", "referrals", "by_weekday", "by_month", "growth_per_year"};
        for (size_t k = 0; k < sizeof twice / sizeof *twice; k++) {
            const struct ynode *t = flow__ytree_get(n, twice[k]);
            if (t) {
                flow__schema_err(c, t, "'series' gives the rate of each date (weekdays, months and growth "
                                "included), so '%s' cannot be given with it (by_hour can)", twice[k]);
                return;
            }
        }
        memcpy(g->by_hour, in.by_hour, sizeof g->by_hour);
        for (int i = 0; i < 7; i++)
            g->by_weekday[i] = 1;
        for (int i = 0; i < 12; i++)
            g->by_month[i] = 1;
        flow__schema_read_series(c, in.series, g);
        g->time_varying = g->calendar = true;
        return;
    }
    if (rate == referrals)
        flow__schema_err(c, n, rate ? "arrivals have 'rate' (emergency) or 'referrals' (elective, onto a "
                         "waiting list), not both"
                       : "arrivals is missing the required key 'rate' (or 'referrals')");
    g->elective = referrals;
    g->rate_per_day = referrals ? in.referrals : in.rate;
    memcpy(g->by_hour, in.by_hour, sizeof g->by_hour);
    memcpy(g->by_weekday, in.by_weekday, sizeof g->by_weekday);
    const struct ynode *by_month = flow__ytree_get(n, "by_month");
    if (by_month != NULL && !c->sc->has_start)
        flow__schema_err(c, by_month, "'by_month' needs the scenario's 'start' date (such as "
                        "start: 2027-01-04), to know which month it is");
    month_weights(in.by_month);
    memcpy(g->by_month, in.by_month, sizeof g->by_month);
    g->growth_per_year = in.growth;
    g->time_varying = !flat(in.by_hour, 24) || !flat(in.by_weekday, 7) || !flat(in.by_month, 12) ||
                      in.growth != 0;
    g->calendar = !flat(in.by_month, 12) || in.growth != 0 ||
                  (c->sc->nholidays > 0 && !flat(in.by_weekday, 7));
}

static void read_route(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_group_spec *g = dst;
    g->steps = read_list(c, n, f->key, &step_schema, sizeof *g->steps, FLOW_MAX_STEPS, &g->nsteps);
    for (size_t i = 0; g->steps && i < g->nsteps; i++)
        check_step(c, n->kids[i], &g->steps[i]);
}

/* Elective patients on the list at time 0 with their referral ages: one per duration. */
static void read_waiting_since(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_group_spec *g = dst;
    char b[80];
    if (n->kind != YN_SEQ || n->n == 0 || n->n > FLOW_MAX_WAITING_LIST) {
        flow__schema_err(c, n, "'%s' must be a list of 1 to %d times since referral, one per patient on the "
                        "list, such as [3w, 20w, 40w]; found %s", f->key, FLOW_MAX_WAITING_LIST,
                        flow__schema_shown(n, b, sizeof b));
        return;
    }
    double *ages = flow_xcalloc(n->n, sizeof *ages);
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *k = n->kids[i];
        const char *why = k->kind == YN_SCALAR ? flow_parse_duration(k->text, &ages[i]) : "a duration";
        if (why != NULL || !(ages[i] >= 0) || ages[i] > FLOW_MAX_HORIZON_DAYS) {
            flow__schema_err(c, k, "'%s' items must be durations with a unit of at least 0 (such as 20w), up to "
                            "1000 years; found %s", f->key, flow__schema_shown(k, b, sizeof b));
            free(ages);
            return;
        }
    }
    g->waiting_since = ages;
    g->nwaiting_since = n->n;
}

/* arrivals and route are read into the whole group (offset 0). */
static const struct field group_fields[] = {
    {"name", read_name, true, NULL, 0, 0, offsetof(struct flow_group_spec, name), NULL},
    {"arrivals", read_arrivals, true, NULL, 0, 0, 0, NULL},
    {"route", read_route, true, NULL, 0, 0, 0, NULL},
    {"initial_waiting_list", read_int, false, "0", 0, FLOW_MAX_WAITING_LIST,
     offsetof(struct flow_group_spec, initial_waiting_list), NULL},
    {"waiting_since", read_waiting_since, false, NULL, 0, 0, 0, NULL},
    {"discharge", read_group_discharge, false, NULL, 0, 0, 0, NULL},
    {"priority", read_int, false, "5", 1, 9, offsetof(struct flow_group_spec, priority), NULL},
    {"wait_targets", flow__schema_read_targets, false, NULL, 0, 0,
     offsetof(struct flow_group_spec, wait_targets), "wait_within_"},
    {"due", read_duration, false, NULL, 1.0 / 1440, FLOW_MAX_HORIZON_DAYS, offsetof(struct flow_group_spec, due), NULL},
    {"leave_list", flow__schema_read_leave_list, false, NULL, 0, 0, 0, NULL},
};
static const struct schema group_schema = SCHEMA("group", group_fields);

static void read_groups(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_scenario *sc = c->sc;
    sc->groups = read_list(c, n, f->key, &group_schema, sizeof *sc->groups, FLOW_MAX_GROUPS,
                           &sc->ngroups);
    if (sc->groups)
        check_unique(c, n, "group");
    for (size_t i = 0; sc->groups && i < sc->ngroups; i++)
        sc->priorities |= flow__ytree_get(n->kids[i], "priority") != NULL;

}

/* ---- sweep: a sweep's grid written in the file ----------------------------------------- */

static void read_vary_list(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_sweep_spec *sw = dst;
    char b[80];
    if (n->kind != YN_SEQ || n->n == 0 || n->n > 100) {
        flow__schema_err(c, n, "'%s' must be a list of 1 to 100 strings such as \"wards.AMU.beds=20:40:2\"; "
                  "found %s", f->key, flow__schema_shown(n, b, sizeof b));
        return;
    }
    sw->vary = flow_xcalloc(n->n, sizeof *sw->vary);
    sw->line = flow_xcalloc(n->n, sizeof *sw->line);
    sw->col = flow_xcalloc(n->n, sizeof *sw->col);
    sw->src = flow_xstrdup(n->src);
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *k = n->kids[i];
        if (!flow__schema_need_scalar(c, k, f->key, "a string PATH=VALUES, such as \"wards.AMU.beds=20:40:2\""))
            continue;
        const char *eq = strchr(k->text, '=');
        if (eq == NULL || eq == k->text || eq[1] == '\0') {
            flow__schema_err(c, k, "'%s' items must be PATH=FROM:TO:STEP or PATH=A,B,...; found %s", f->key,
                flow__schema_shown(k, b, sizeof b));
            continue;
        }
        sw->vary[sw->nvary] = flow_xstrdup(k->text);
        sw->line[sw->nvary] = k->line;
        sw->col[sw->nvary++] = k->col;
    }
}

static void read_metric_list(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char b[80];
    if (n->kind != YN_SEQ || n->n == 0) {
        flow__schema_err(c, n, "'%s' must be a list of metric paths or sections; found %s", f->key, flow__schema_shown(n, b, sizeof b));
        return;
    }
    char *joined = NULL;
    for (size_t i = 0; i < n->n; i++) {
        if (!flow__schema_need_scalar(c, n->kids[i], f->key, "a metric path such as wards.AMU.p_wait"))
            continue;
        char *t = joined ? flow_xasprintf("%s,%s", joined, n->kids[i]->text) : flow_xstrdup(n->kids[i]->text);
        free(joined);
        joined = t;
    }
    *(char **)dst = joined;
}

static const struct field sweep_fields[] = {
    {"vary", read_vary_list, true, NULL, 0, 0, 0, NULL},
    {"metrics", read_metric_list, false, NULL, 0, 0, offsetof(struct flow_sweep_spec, metrics), NULL},
    {"latin_hypercube", read_int, false, "0", 0, 1000000,
     offsetof(struct flow_sweep_spec, latin_hypercube), NULL},
};
static const struct schema sweep_schema = SCHEMA("sweep", sweep_fields);

static void read_sweep(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    read_map(c, n, &sweep_schema, &c->sc->sweep);
}

/* Readmissions multiply a group's arrivals: a patient of group g comes back to g with
 * probability `back` (pathway shares x readmission p, for readmissions into g), after a cycle
 * of at least its route's stays, its pathway-0 delay and the readmission delay (means). Over a
 * run of T days that is about min(back / (1 - back), T / (2 cycle)) returns per arrival: with
 * back = 1 a short cycle is endless work however low the rate (every patient comes back for
 * ever). Refused when the arrivals it makes pass the limit. */
static bool readmission_loop(struct ctx *c, const struct ynode *gn, const struct flow_group_spec *g,
                             int index, double total)
{
    if (!g->discharge.enabled)
        return false;
    double back = 0, wait = 0;
    for (int k = 0; k < 4; k++) {
        const struct flow_pathway_spec *pw = &g->discharge.pathways[k];
        if (pw->share > 0 && pw->readmit_p > 0 && pw->readmit_group == index) {
            double w = pw->share * pw->readmit_p, delay = k == 0 ? flow_dist_mean(&pw->delay) : 0;
            back += w;
            wait += w * (flow_dist_mean(&pw->readmit_after) + (isfinite(delay) ? delay : 0));
        }
    }
    if (!(back > 0))
        return false;
    double cycle = wait / back;
    for (size_t k = 0; k < g->nsteps; k++) {
        const struct flow_step_spec *st = &g->steps[k];
        double m = flow_dist_mean(st->kind == FLOW_STEP_THEATRE ? &st->operation : &st->stay);
        cycle += isfinite(m) ? m * st->p : 0;
    }
    double returns = back >= 1 ? INFINITY : back / (1 - back);
    if (cycle > 0)
        returns = fmin(returns, total / (2 * cycle));
    double arrivals = g->rate_per_day * total * (1 + returns);
    if (!(arrivals > FLOW_MAX_ARRIVALS))
        return false;
    const struct ynode *d = flow__ytree_get(gn, "discharge");
    char who[64], when[64];
    if (back >= 1)
        snprintf(who, sizeof who, "every one of its patients comes back");
    else
        snprintf(who, sizeof who, "%.3g%% of its patients come back", 100 * back);
    if (cycle <= 0)
        snprintf(when, sizeof when, "at once");
    else if (cycle < 1.0 / 24)
        snprintf(when, sizeof when, "after about %.3g minutes", cycle * 1440);
    else
        snprintf(when, sizeof when, "after about %.3g days", cycle);
    char count[48];
    snprintf(count, sizeof count, isfinite(arrivals) ? "about %.3g" : "endless", arrivals);
    flow__schema_err(c, d ? d : gn, "readmissions make %s arrivals of group '%s' per replication "
                    "(%s, %s, again and again); the limit is %.0e: lower the readmission probability, "
                    "lengthen 'after', or shorten the horizon", count, g->name, who, when,
                    FLOW_MAX_ARRIVALS);
    return true;
}

/* ---- the calendar: start and holidays ------------------------------------------------ */

static bool read_date(struct ctx *c, const struct ynode *n, const char *key, int64_t *days)
{
    char b[80];
    if (!flow__schema_need_scalar(c, n, key, "a date such as 2027-01-04"))
        return false;
    if (!flow_date_parse(n->text, days)) {
        flow__schema_err(c, n, "'%s' must be a date that exists, written YYYY-MM-DD (such as "
                        "2027-01-04), from 1900; found %s", key, flow__schema_shown(n, b, sizeof b));
        return false;
    }
    return true;
}

static void read_start(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    (void)dst;
    struct flow_scenario *sc = c->sc;
    if (read_date(c, n, f->key, &sc->start_date)) {
        sc->has_start = true;
        sc->weekday0 = flow_date_weekday(sc->start_date);
    }
}

struct dated {
    int64_t day;
    size_t index;   /* position in the list, for the message about a repeat */
};

static int by_day(const void *a, const void *b)
{
    const struct dated *x = a, *y = b;
    return x->day != y->day ? (x->day > y->day) - (x->day < y->day)
                            : (x->index > y->index) - (x->index < y->index);
}

static void read_holidays(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    (void)dst;
    char b[80];
    struct flow_scenario *sc = c->sc;
    if (!sc->has_start) {
        flow__schema_err(c, n, "'holidays' needs the scenario's 'start' date (such as start: "
                        "2027-01-04)");
        return;
    }
    if (n->kind != YN_SEQ) {
        flow__schema_err(c, n, "'%s' must be a list of dates such as [2027-12-25, 2027-12-27]; found %s",
                        f->key, flow__schema_shown(n, b, sizeof b));
        return;
    }
    struct dated *all = flow_xcalloc(n->n + 1, sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < n->n; i++)
        if (read_date(c, n->kids[i], "holidays", &all[k].day))
            all[k++].index = i;
    qsort(all, k, sizeof *all, by_day);   /* sorted, repeats are neighbours: O(n log n) */
    int32_t *days = flow_xcalloc(k + 1, sizeof *days);
    size_t u = 0;
    for (size_t i = 0; i < k; i++) {
        if (i > 0 && all[i].day == all[i - 1].day) {
            flow__schema_err(c, n->kids[all[i].index], "holiday %s is listed twice", n->kids[all[i].index]->text);
            continue;
        }
        int64_t d = all[i].day - sc->start_date;
        if (d >= 0 && d <= (int64_t)FLOW_MAX_HORIZON_DAYS)   /* days outside the run change nothing */
            days[u++] = (int32_t)d;
    }
    free(all);
    free(sc->holidays);
    sc->holidays = days;
    sc->nholidays = u;
}

/* wards come before groups so that routes can name them. */
static const struct field top_fields[] = {
    {"name", read_text, true, NULL, 0, 0, offsetof(struct flow_scenario, name), NULL},
    {"horizon", read_duration, true, NULL, 1.0 / 1440, FLOW_MAX_HORIZON_DAYS,
     offsetof(struct flow_scenario, horizon_days), NULL},
    {"warmup", read_duration, false, "0d", 0, FLOW_MAX_HORIZON_DAYS,
     offsetof(struct flow_scenario, warmup_days), NULL},
    {"replications", read_int, false, "10", 1, FLOW_MAX_REPLICATIONS,
     offsetof(struct flow_scenario, replications), NULL},
    {"seed", read_seed, false, "1", 0, 0, offsetof(struct flow_scenario, seed), NULL},
    {"start", read_start, false, NULL, 0, 0, 0, NULL},
    {"holidays", read_holidays, false, NULL, 0, 0, 0, NULL},
    {"wards", read_wards, true, NULL, 0, 0, 0, NULL},
    {"theatres", read_theatres, false, NULL, 0, 0, 0, NULL},
    {"community", read_community, false, NULL, 0, 0, 0, NULL},
    {"discharge", read_top_discharge, false, NULL, 0, 0, 0, NULL},
    {"groups", read_groups, true, NULL, 0, 0, 0, NULL},
    {"initial", flow__schema_read_initial, false, NULL, 0, 0, 0, NULL},
    {"sweep", read_sweep, false, NULL, 0, 0, 0, NULL},
};
static const struct schema top_schema = SCHEMA("the scenario", top_fields);

/* The longest list a theatre has, as booked (length x booking_fill). */
static double longest_list(const struct flow_theatre_spec *t)
{
    double best = 0;
    for (size_t i = 0; i < t->nsessions; i++)
        best = fmax(best, t->sessions[i].length * t->booking_fill);
    return best;
}

/* Elective groups start in theatre; only they, and only there, use a theatre. */
static void check_group(struct ctx *c, const struct ynode *gn, const struct flow_group_spec *g)
{
    const struct ynode *route = flow__ytree_get(gn, "route");
    for (size_t k = 0; k < g->nsteps; k++) {
        const struct flow_step_spec *st = &g->steps[k];
        const struct ynode *sn = route->kids[k];
        if (st->kind == FLOW_STEP_THEATRE && (k > 0 || !g->elective)) {
            flow__schema_err(c, sn, k > 0 ? "a theatre step must be the first step of a route"
                             : "a route that starts in theatre needs 'referrals' (elective "
                               "patients on a waiting list), not 'rate'");
            continue;
        }
        if (st->kind == FLOW_STEP_THEATRE && st->theatre >= 0) {
            const struct flow_theatre_spec *t = &c->sc->theatres[st->theatre];
            double longest = longest_list(t);
            const struct ynode *at = flow__ytree_get(sn, "planned") ? flow__ytree_get(sn, "planned") : sn;
            if (st->planned > longest + 1e-9)
                flow__schema_err(c, at, "planned duration %gm is longer than any list of theatre '%s' can "
                           "book (%gm): these patients could never be booked",
                    round(st->planned * 1440 * 100) / 100, t->name, round(longest * 1440 * 100) / 100);
        }
    }
    if (g->elective && g->nsteps > 0 && g->steps[0].kind != FLOW_STEP_THEATRE)
        flow__schema_err(c, route->kids[0], "an elective group (with 'referrals') must start its route with a "
                               "theatre step");
    const struct ynode *wl = flow__ytree_get(gn, "initial_waiting_list");
    if (wl && !g->elective)
        flow__schema_err(c, wl, "'initial_waiting_list' is for elective groups (with 'referrals')");
    const struct ynode *ws = flow__ytree_get(gn, "waiting_since");
    if (ws && !g->elective)
        flow__schema_err(c, ws, "'waiting_since' is for elective groups (with 'referrals')");
}

/* Readmissions come back through an emergency group's route. */
static void resolve_readmissions(struct ctx *c)
{
    const char *names[FLOW_MAX_GROUPS];
    for (size_t i = 0; i < c->sc->ngroups; i++)
        names[i] = c->sc->groups[i].name;
    for (size_t i = 0; i < c->nrefs; i++) {
        int g = flow__schema_lookup_name(c, c->refs[i].name, "group", names, c->sc->ngroups);
        if (g >= 0 && c->sc->groups[g].elective)
            flow__schema_err(c, c->refs[i].name, "readmissions come back as emergency patients: group '%s' is "
                                    "elective", c->sc->groups[g].name);
        c->refs[i].pathway->readmit_group = g;
    }
}

/* Open beds may never be planned below 0, on any day of the run (weekly, dated and holiday
 * changes together). */
static void check_planned_beds(struct ctx *c, const struct ynode *n, const struct flow_ward_spec *w,
                               double total)
{
    if (n == NULL || w->nbed_changes == 0)
        return;
    int64_t when;
    long fewest = flow_week_fewest_beds(c->sc, w, total, &when);
    if (fewest >= 0)
        return;
    static const char *const names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                        "Saturday", "Sunday"};
    char day[64];
    if (c->sc->has_start) {
        flow_date_format(c->sc->start_date + when, day);
        snprintf(day + strlen(day), sizeof day - strlen(day), ", a %s%s",
                 names[flow_week_calendar_day(c->sc, when)], flow_week_holiday(c->sc, when) ? " (holiday)" : "");
    } else {
        snprintf(day, sizeof day, "day %lld, a %s", (long long)when, names[flow_week_calendar_day(c->sc, when)]);
    }
    flow__schema_err(c, n, "these changes plan %ld open beds for ward '%s' on %s (%d beds plus the "
                    "changes that apply then); open beds cannot be planned below 0", fewest, w->name,
                    day, w->beds);
}

/* Checks that involve more than one key. */
static void check_scenario(struct ctx *c, const struct ynode *root)
{
    resolve_readmissions(c);
    flow__frontdoor_groups(c, root);
    /* Groups without a discharge block of their own take the scenario's, readmission groups
     * resolved. */
    const struct ynode *gl = flow__ytree_get(root, "groups");
    for (size_t i = 0; c->discharge != NULL && i < c->sc->ngroups; i++)
        if (flow__ytree_get(gl->kids[i], "discharge") == NULL)
            flow_discharge_copy(&c->sc->groups[i].discharge, &c->discharge_default);
    const struct ynode *groups = flow__ytree_get(root, "groups");
    for (size_t i = 0; i < c->sc->ngroups; i++)
        check_group(c, groups->kids[i], &c->sc->groups[i]);
    const struct flow_scenario *sc = c->sc;
    double listed = 0;
    for (size_t i = 0; i < sc->ngroups; i++) {
        listed += sc->groups[i].initial_waiting_list + (double)sc->groups[i].nwaiting_since;
        const struct ynode *wl = flow__ytree_get(groups->kids[i], "initial_waiting_list");
        if (wl == NULL)
            wl = flow__ytree_get(groups->kids[i], "waiting_since");
        if (wl && listed > FLOW_MAX_WAITING_LIST) {
            flow__schema_err(c, wl, "initial waiting lists add up to %.0f patients; the limit is %d for all "
                       "groups together", listed, FLOW_MAX_WAITING_LIST);
            break;
        }
    }
    const struct ynode *h = flow__ytree_get(root, "horizon");
    double total = sc->horizon_days + sc->warmup_days;
    if (h && total > FLOW_MAX_HORIZON_DAYS) {
        flow__schema_err(c, h, "horizon plus warmup is %gd; the limit is %gd (1000 years)", total,
            FLOW_MAX_HORIZON_DAYS);
        return;
    }
    if (sc->has_start && (double)sc->start_date + total > (double)flow_date_days(9999, 12, 31) + 1)
        flow__schema_err(c, flow__ytree_get(root, "start"), "the run would end after 9999-12-31 "
                        "(start plus warmup and horizon): choose an earlier start or a shorter run");
    const struct ynode *wl2 = flow__ytree_get(root, "wards");
    for (size_t i = 0; i < sc->nwards; i++)
        check_planned_beds(c, flow__ytree_get(wl2->kids[i], "bed_changes"), &sc->wards[i], total);
    double rate = 0;   /* expected arrivals per day over the run, growth included */
    for (size_t i = 0; i < sc->ngroups; i++) {
        const struct flow_group_spec *g = &sc->groups[i];
        double grow = g->growth_per_year, end = g->rate_per_day * pow(1 + grow, total / 365);
        rate += grow == 0 ? g->rate_per_day
                          : g->rate_per_day * 365 / log1p(grow) * expm1(log1p(grow) * total / 365) / total;
        const struct ynode *a = flow__ytree_get(groups->kids[i], "arrivals");
        const struct ynode *gn = a ? flow__ytree_get(a, "growth_per_year") : NULL;
        if (gn && end > FLOW_MAX_RATE_PER_DAY)
            flow__schema_err(c, gn, "'growth_per_year' takes the rate to %.3g/d by the end of the run; "
                            "the limit is %.0f/d", end, FLOW_MAX_RATE_PER_DAY);
    }
    if (h && rate * total > FLOW_MAX_ARRIVALS)
        flow__schema_err(c, h, "about %.3g arrivals per replication (rate x (warmup + horizon)); the limit is "
                  "%.0e: shorten the horizon", rate * total, FLOW_MAX_ARRIVALS);
    for (size_t i = 0; h && rate * total <= FLOW_MAX_ARRIVALS && i < sc->ngroups; i++)
        if (readmission_loop(c, groups->kids[i], &sc->groups[i], (int)i, total))
            return;
    const struct ynode *r = flow__ytree_get(root, "replications");
    const struct ynode *at = r ? r : root;
    double reps = sc->replications;
    if (rate * total <= FLOW_MAX_ARRIVALS && rate * total * reps > FLOW_MAX_TOTAL_ARRIVALS)
        flow__schema_err(c, at, "about %.3g arrivals over all replications; the limit is %.0e: use fewer "
                   "replications or a shorter horizon", rate * total * reps, FLOW_MAX_TOTAL_ARRIVALS);
    double ward_metrics = 0;
    for (size_t i = 0; i < sc->nwards; i++) {
        const struct flow_ward_spec *w = &sc->wards[i];
        ward_metrics += FLOW_METRICS_PER_WARD_BASE +
                        (flow_week_beds_change(w) ? FLOW_METRICS_PER_WARD_BEDS : 0) +
                        (w->escalation.beds ? FLOW_METRICS_PER_WARD_ESCALATION : 0) +
                        (w->nrounds ? FLOW_METRICS_PER_WARD_ROUNDS : 0) +
                        (double)flow__frontdoor_ward_metrics(sc, w);
    }
    double group_metrics = (FLOW_METRICS_PER_GROUP_BASE + (sc->priorities ? FLOW_METRICS_PER_GROUP_PRIORITY : 0)) *
                           (double)sc->ngroups;
    for (size_t i = 0; i < sc->ngroups; i++)
        group_metrics += (double)flow__frontdoor_group_metrics(sc, &sc->groups[i]);
    double cells = reps * (FLOW_METRICS_SYSTEM_MAX + ward_metrics +
                           FLOW_METRICS_PER_THEATRE * (double)sc->ntheatres + group_metrics +
                           (FLOW_METRICS_PER_SERVICE + 3) * (double)sc->ncommunity);
    if (cells > FLOW_MAX_RESULT_VALUES)
        flow__schema_err(c, at, "%g replications of %zu wards, %zu theatres and %zu groups make %.3g results to "
                   "keep; the limit is %.0e: use fewer replications", reps, sc->nwards,
            sc->ntheatres, sc->ngroups, cells,
            FLOW_MAX_RESULT_VALUES);
}

bool flow__schema_convert(const struct ynode *root, const char *dir, struct flow_scenario *sc,
                    struct flow_diag *diag)
{
    struct ctx c = {.diag = diag, .sc = sc, .dir = dir};
    discharge_init(&c.discharge_default);
    size_t before = diag->errors;
    if (root->kind == YN_SCALAR && root->len == 0) {
        flow__schema_err(&c, root, "the scenario is empty; it needs at least name, horizon, wards and groups");
        return false;
    }
    read_map(&c, root, &top_schema, sc);
    if (diag->errors == before)
        check_scenario(&c, root);
    flow_discharge_fini(&c.discharge_default);
    free(c.refs);
    return diag->errors == before;
}
