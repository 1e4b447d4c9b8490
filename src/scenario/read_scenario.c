/* read_scenario.c - the top level of a scenario: run settings, the sections in order, the
 * sweep block, and the checks that bound the run as a whole (length, arrivals, results). */
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

/* The run's length: horizon plus warm-up within the limit, and an end before 9999-12-31;
 * false when the run is too long to check further. */
static bool check_run_length(struct ctx *c, const struct ynode *root, double total)
{
    const struct flow_scenario *sc = c->sc;
    const struct ynode *h = flow__ytree_get(root, "horizon");
    if (h && total > FLOW_MAX_HORIZON_DAYS) {
        flow__schema_err(c, h, "horizon plus warmup is %gd; the limit is %gd (1000 years)", total,
                         FLOW_MAX_HORIZON_DAYS);
        return false;
    }
    if (sc->has_start && (double)sc->start_date + total > (double)flow_date_days(9999, 12, 31) + 1)
        flow__schema_err(c, flow__ytree_get(root, "start"), "the run would end after 9999-12-31 "
                         "(start plus warmup and horizon): choose an earlier start or a shorter run");
    return true;
}

/* Expected arrivals per day over the run, growth included; a group whose growth takes its
 * rate past the limit is an error at its growth_per_year. */
static double run_rate(struct ctx *c, const struct ynode *root, double total)
{
    const struct flow_scenario *sc = c->sc;
    const struct ynode *groups = flow__ytree_get(root, "groups");
    double rate = 0;
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
    return rate;
}

/* How many results the replications keep: metrics per ward, theatre, group and service. */
static double result_values(const struct flow_scenario *sc)
{
    double ward_metrics = 0;
    for (size_t i = 0; i < sc->nwards; i++) {
        const struct flow_ward_spec *w = &sc->wards[i];
        ward_metrics += FLOW_METRICS_PER_WARD_BASE + (flow_week_beds_change(w) ? FLOW_METRICS_PER_WARD_BEDS : 0) +
                        (w->escalation.beds ? FLOW_METRICS_PER_WARD_ESCALATION : 0) +
                        (w->nrounds ? FLOW_METRICS_PER_WARD_ROUNDS : 0) + (double)flow__frontdoor_ward_metrics(sc, w);
    }
    double group_metrics = (FLOW_METRICS_PER_GROUP_BASE + (sc->priorities ? FLOW_METRICS_PER_GROUP_PRIORITY : 0)) *
                           (double)sc->ngroups;
    for (size_t i = 0; i < sc->ngroups; i++)
        group_metrics += (double)flow__frontdoor_group_metrics(sc, &sc->groups[i]);
    return sc->replications * (FLOW_METRICS_SYSTEM_MAX + ward_metrics + FLOW_METRICS_PER_THEATRE * (double)sc->ntheatres +
                               group_metrics + (FLOW_METRICS_PER_SERVICE + 3) * (double)sc->ncommunity);
}

/* The work and memory a run asks for: arrivals per replication and in all, readmission loops,
 * and the results kept. */
static void check_run_size(struct ctx *c, const struct ynode *root, double total)
{
    const struct flow_scenario *sc = c->sc;
    const struct ynode *h = flow__ytree_get(root, "horizon"), *groups = flow__ytree_get(root, "groups");
    double rate = run_rate(c, root, total);
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
    double cells = result_values(sc);
    if (cells > FLOW_MAX_RESULT_VALUES)
        flow__schema_err(c, at, "%g replications of %zu wards, %zu theatres and %zu groups make %.3g results to "
                         "keep; the limit is %.0e: use fewer replications", reps, sc->nwards, sc->ntheatres,
                         sc->ngroups, cells, FLOW_MAX_RESULT_VALUES);
}

/* Checks that involve more than one key, each section's own first, in the order a reader
 * meets them. */
static void check_scenario(struct ctx *c, const struct ynode *root)
{
    flow__discharge_resolve_readmissions(c);
    flow__frontdoor_groups(c, root);
    flow__discharge_defaults(c, root);
    flow__groups_check(c, root);
    double total = c->sc->horizon_days + c->sc->warmup_days;
    if (!check_run_length(c, root, total))
        return;
    flow__wards_check(c, root, total);
    check_run_size(c, root, total);
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
