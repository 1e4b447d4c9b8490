/* read_discharge.c - discharge and community: community services, the discharge block
 * (assessment, pathways 0-3, readmissions), a group's own discharge merged over the scenario's;
 * and readmission groups resolved once groups are read. */
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

void read_community(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
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

void discharge_init(struct flow_discharge_spec *d)
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

void read_top_discharge(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    size_t before = c->diag->errors;
    c->discharge = n;
    read_discharge_into(c, n, &c->discharge_default);
    c->discharge_bad = c->diag->errors != before;
}

/* A group's discharge block overrides the scenario's key by key: a borrowed-node map of the
 * scenario's pairs, each replaced by the group's where it has one, then the group's others. */
void read_group_discharge(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
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

/* Readmissions come back through an emergency group's route. */
void flow__discharge_resolve_readmissions(struct ctx *c)
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

/* Groups without a discharge block of their own take the scenario's (readmission groups
 * resolved first). */
void flow__discharge_defaults(struct ctx *c, const struct ynode *root)
{
    const struct ynode *groups = flow__ytree_get(root, "groups");
    for (size_t i = 0; c->discharge != NULL && i < c->sc->ngroups; i++)
        if (flow__ytree_get(groups->kids[i], "discharge") == NULL)
            flow_discharge_copy(&c->sc->groups[i].discharge, &c->discharge_default);
}
