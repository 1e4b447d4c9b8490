/* read_groups.c - the scenario's patient groups: arrivals (rates, profiles, growth, series,
 * referrals), routes and their steps, waiting lists; and the groups' own cross-checks (theatre
 * steps, elective-only keys, waiting-list totals, readmission loops). */
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

void read_groups(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_scenario *sc = c->sc;
    sc->groups = read_list(c, n, f->key, &group_schema, sizeof *sc->groups, FLOW_MAX_GROUPS,
                           &sc->ngroups);
    if (sc->groups)
        check_unique(c, n, "group");
    for (size_t i = 0; sc->groups && i < sc->ngroups; i++)
        sc->priorities |= flow__ytree_get(n->kids[i], "priority") != NULL;

}

/* Readmissions multiply a group's arrivals: a patient of group g comes back to g with
 * probability `back` (pathway shares x readmission p, for readmissions into g), after a cycle
 * of at least its route's stays, its pathway-0 delay and the readmission delay (means). Over a
 * run of T days that is about min(back / (1 - back), T / (2 cycle)) returns per arrival: with
 * back = 1 a short cycle is endless work however low the rate (every patient comes back for
 * ever). Refused when the arrivals it makes pass the limit. */
bool readmission_loop(struct ctx *c, const struct ynode *gn, const struct flow_group_spec *g,
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

/* The groups' cross-checks: each group's theatre steps and elective-only keys, then the
 * waiting lists of all groups together. */
void flow__groups_check(struct ctx *c, const struct ynode *root)
{
    const struct ynode *groups = flow__ytree_get(root, "groups");
    const struct flow_scenario *sc = c->sc;
    for (size_t i = 0; i < sc->ngroups; i++)
        check_group(c, groups->kids[i], &sc->groups[i]);
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
}
