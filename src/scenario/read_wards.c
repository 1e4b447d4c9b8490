/* read_wards.c - the scenario's wards: beds, what a full ward does, ward rounds, bed changes
 * (weekly, dated and on holidays) and escalation beds; and the wards' own cross-check, that
 * no day plans fewer than 0 open beds. */
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

static void read_rounds(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
static void read_bed_changes(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
static void read_escalation(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);

static const char *const when_full_names[] = {"queue", "divert", "outlie", NULL};

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

void read_ward_ref(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    *(int *)dst = -1;
    if (!flow__schema_need_scalar(c, n, f->key, "the name of a ward") || c->wards_bad)
        return;
    const char *names[FLOW_MAX_WARDS];
    for (size_t i = 0; i < c->sc->nwards; i++)
        names[i] = c->sc->wards[i].name;
    *(int *)dst = flow__schema_lookup_name(c, n, "ward", names, c->sc->nwards);
}

static void ward_init(void *item)
{
    struct flow_ward_spec *w = item;
    flow_dist_init(&w->after_round, FLOW_DIST_FIXED, 0, 0, 0);
}

void read_wards(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
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

/* ---- ward rounds, bed changes and escalation ------------------------------------------ */

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
    bool from_ok = read_date(c, in->from, "from", &from);   /* both read: both errors said */
    bool to_ok = read_date(c, in->to, "to", &to);
    if (!from_ok || !to_ok)
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
void read_dist_or_zero(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    flow_dist_fini(dst);
    read_dist(c, n, dst, f);
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

/* The wards' cross-check, once the run's length is known: open beds planned, never below 0. */
void flow__wards_check(struct ctx *c, const struct ynode *root, double total)
{
    const struct ynode *list = flow__ytree_get(root, "wards");
    for (size_t i = 0; i < c->sc->nwards; i++)
        check_planned_beds(c, flow__ytree_get(list->kids[i], "bed_changes"), &c->sc->wards[i], total);
}
