/* read_frontdoor.c - the scenario keys of the front door and of who goes first: time targets
 * (ward `targets`, group `wait_targets`), `patience`, outlying (`when_full: outlie`,
 * `outlie_to`, `outlier_stay_factor`), ring-fenced beds (`reserved`) and the waiting-list keys
 * of elective groups (`due`, `leave_list`), with the checks that need the whole ward or group
 * list (names resolved once every ward or group is known). */
#include "table.h"

#include <stdio.h>
#include <string.h>

/* ---- time targets --------------------------------------------------------------------- */

/* A whole number (no sign, no leading zero) and one unit letter: "4h", "15m", "2w". */
static bool whole_with_unit(const char *t)
{
    size_t digits = strspn(t, "0123456789");
    return digits >= 1 && digits <= 9 && t[0] != '0' && strchr("mhdw", t[digits]) && t[digits] != '\0' &&
           t[digits + 1] == '\0';
}

/* f->aux is the key's prefix ("within_" or "wait_within_"). */
void flow__schema_read_targets(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_targets *t = dst;
    const char *prefix = f->aux;
    bool ward = strcmp(prefix, "within_") == 0;
    char b[80];
    t->n = 0;
    if (n->kind != YN_SEQ || n->n == 0 || n->n > FLOW_MAX_TARGETS) {
        char found[80];
        if (n->kind == YN_SEQ)
            snprintf(found, sizeof found, "%zu items", n->n);
        else
            flow__schema_shown(n, found, sizeof found);
        flow__schema_err(c, n, "'%s' must be a list of 1 to %d times such as [%s]; found %s", f->key,
                        FLOW_MAX_TARGETS, ward ? "4h, 12h" : "15m, 30m, 1h", found);
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *k = n->kids[i];
        double days;
        if (!flow__schema_need_scalar(c, k, f->key, "a whole number with a unit, such as 4h"))
            return;
        if (!whole_with_unit(k->text) || flow_parse_duration(k->text, &days) != NULL) {
            flow__schema_err(c, k, "'%s' items must be whole numbers with a unit (m, h, d or w) such as "
                            "4h or 30m; found %s", f->key, flow__schema_shown(k, b, sizeof b));
            return;
        }
        if (days > FLOW_MAX_HORIZON_DAYS) {
            flow__schema_err(c, k, "'%s' item %s is longer than the longest run (1000 years)", f->key, k->text);
            return;
        }
        if (i > 0 && !(days > t->days[i - 1] + 1e-9)) {
            flow__schema_err(c, k, "'%s' must be in increasing order: %s is not longer than %s", f->key,
                            k->text, n->kids[i - 1]->text);
            return;
        }
        t->days[i] = days;
        snprintf(t->key[i], sizeof t->key[i], "%s%s", prefix, k->text);
        snprintf(t->label[i], sizeof t->label[i], ward ? "time in the ward within %s (fraction)"
                                                        : "first bed within %s of arriving (fraction)", k->text);
    }
    t->n = n->n;
}

/* ---- patience and the list's own patience ---------------------------------------------- */

void flow__schema_read_patience(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_ward_spec *w = dst;
    read_dist(c, n, &w->patience, f);
    w->has_patience = true;
}

void flow__schema_read_leave_list(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_group_spec *g = dst;
    read_dist(c, n, &g->leave_list, f);
    g->has_leave_list = true;
}

/* ---- outliers and ring-fenced beds: shapes here, names once all are known --------------- */

static bool name_list(struct ctx *c, const struct ynode *n, const char *key, const char *example)
{
    char b[80];
    if (n->kind != YN_SEQ || n->n == 0) {
        flow__schema_err(c, n, "'%s' must be a non-empty list of names such as %s; found %s", key, example,
                        n->kind == YN_SEQ ? "an empty list" : flow__schema_shown(n, b, sizeof b));
        return false;
    }
    for (size_t i = 0; i < n->n; i++)
        if (!flow__schema_need_scalar(c, n->kids[i], key, "a name"))
            return false;
    return true;
}

void flow__schema_read_outlie_to(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    (void)dst;
    name_list(c, n, f->key, "[Surgery, Orthopaedics]");
}

struct reserved_in {
    int beds;
    const struct ynode *groups;
};

static const struct field reserved_fields[] = {
    {"beds", read_int, true, NULL, 1, FLOW_MAX_BEDS, offsetof(struct reserved_in, beds), NULL},
    {"groups", read_node, true, NULL, 0, 0, offsetof(struct reserved_in, groups), NULL},
};
static const struct schema reserved_schema = SCHEMA("reserved", reserved_fields);

void flow__schema_read_reserved(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    struct flow_ward_spec *w = dst;
    struct reserved_in in = {0};
    size_t before = c->diag->errors;
    if (!read_map(c, n, &reserved_schema, &in) || c->diag->errors != before)
        return;
    if (!name_list(c, in.groups, "groups", "[hip, knee]"))
        return;
    if (in.beds >= w->beds) {
        flow__schema_err(c, flow__ytree_get(n, "beds"), "ward '%s' has %d beds, so it cannot ring-fence %d: "
                        "reserved beds must be fewer than the ward's beds", w->name ? w->name : "?",
                        w->beds, in.beds);
        return;
    }
    w->reserved_beds = in.beds;
}

/* outlie_to names wards of the list (any order), never the ward itself, and only with
 * when_full: outlie; outlie needs somewhere to go. */
static void resolve_outliers(struct ctx *c, const struct ynode *wn, struct flow_ward_spec *w, size_t self)
{
    const struct ynode *to = flow__ytree_get(wn, "outlie_to");
    bool outlie = w->when_full == FLOW_WHEN_FULL_OUTLIE;
    if (to == NULL || to->kind != YN_SEQ) {
        if (outlie && to == NULL)
            flow__schema_err(c, flow__ytree_get(wn, "when_full"), "ward '%s' outlies when full but has no "
                            "'outlie_to' (the wards it may use, in order)", w->name);
        return;
    }
    if (!outlie) {
        flow__schema_err(c, to, "'outlie_to' needs 'when_full: outlie' (ward '%s' %s when full)", w->name,
                        w->when_full == FLOW_WHEN_FULL_DIVERT ? "diverts" : "queues");
        return;
    }
    const char *names[FLOW_MAX_WARDS];
    for (size_t i = 0; i < c->sc->nwards; i++)
        names[i] = c->sc->wards[i].name;
    w->outlie_to = flow_xcalloc(to->n, sizeof *w->outlie_to);
    for (size_t i = 0; i < to->n; i++) {
        int k = flow__schema_lookup_name(c, to->kids[i], "ward", names, c->sc->nwards);
        if (k < 0)
            continue;
        if ((size_t)k == self) {
            flow__schema_err(c, to->kids[i], "ward '%s' cannot outlie to itself", w->name);
            continue;
        }
        for (size_t j = 0; j < w->noutlie; j++)
            if (w->outlie_to[j] == k) {
                flow__schema_err(c, to->kids[i], "ward '%s' is named twice in 'outlie_to'", to->kids[i]->text);
                k = -1;
                break;
            }
        if (k >= 0)
            w->outlie_to[w->noutlie++] = k;
    }
}

void flow__frontdoor_wards(struct ctx *c, const struct ynode *list)
{
    struct flow_scenario *sc = c->sc;
    for (size_t i = 0; i < sc->nwards; i++) {
        const struct ynode *sf = flow__ytree_get(list->kids[i], "outlier_stay_factor");
        if (sf && sc->wards[i].when_full != FLOW_WHEN_FULL_OUTLIE)
            flow__schema_err(c, sf, "'outlier_stay_factor' needs 'when_full: outlie'");
        resolve_outliers(c, list->kids[i], &sc->wards[i], i);
        sc->time_targets |= sc->wards[i].targets.n > 0;
    }
    for (size_t i = 0; i < sc->nwards; i++)
        for (size_t k = 0; k < sc->wards[i].noutlie; k++)
            sc->wards[sc->wards[i].outlie_to[k]].outlier_host = true;
}

/* Reserved groups (groups are read after wards) and the keys only elective groups have. */
void flow__frontdoor_groups(struct ctx *c, const struct ynode *root)
{
    struct flow_scenario *sc = c->sc;
    const struct ynode *wl = flow__ytree_get(root, "wards"), *gl = flow__ytree_get(root, "groups");
    const char *names[FLOW_MAX_GROUPS];
    for (size_t g = 0; g < sc->ngroups; g++)
        names[g] = sc->groups[g].name;
    for (size_t i = 0; i < sc->nwards; i++) {
        struct flow_ward_spec *w = &sc->wards[i];
        const struct ynode *r = flow__ytree_get(wl->kids[i], "reserved");
        const struct ynode *groups = r ? flow__ytree_get(r, "groups") : NULL;
        if (w->reserved_beds == 0 || groups == NULL)
            continue;
        w->reserved_for = flow_xcalloc(sc->ngroups, 1);
        for (size_t k = 0; k < groups->n; k++) {
            int g = flow__schema_lookup_name(c, groups->kids[k], "group", names, sc->ngroups);
            if (g >= 0)
                w->reserved_for[g] = 1;
        }
    }
    for (size_t g = 0; g < sc->ngroups; g++) {
        const struct flow_group_spec *grp = &sc->groups[g];
        static const char *const elective_only[] = {"due", "leave_list", NULL};
        for (size_t k = 0; elective_only[k]; k++) {
            const struct ynode *v = flow__ytree_get(gl->kids[g], elective_only[k]);
            if (v && !grp->elective)
                flow__schema_err(c, v, "'%s' is for elective groups (with 'referrals'): group '%s' has none",
                                elective_only[k], grp->name);
        }
        sc->list_measures |= grp->elective && (grp->due > 0 || grp->has_leave_list);
    }
}

/* Metrics the front-door keys add to a ward and to a group (for the result-size limit). */
size_t flow__frontdoor_ward_metrics(const struct flow_scenario *sc, const struct flow_ward_spec *w)
{
    return (sc->time_targets ? 2 : 0) + w->targets.n + w->has_patience +
           (w->when_full == FLOW_WHEN_FULL_OUTLIE) + w->outlier_host;
}

size_t flow__frontdoor_group_metrics(const struct flow_scenario *sc, const struct flow_group_spec *g)
{
    return g->wait_targets.n + (g->elective && sc->list_measures ? 2 : 0) + (g->due > 0) + g->has_leave_list;
}
