/* read_initial.c - the scenario's `initial:` census: the patients in hospital when the run starts,
 * each in the route step of its group that uses its ward, with the time already spent in that
 * stay (`elapsed`) or not known (`patients`: a count), or medically fit in the discharge block
 * (`fit: true`); and patients in community services' places (`service`). Written in the
 * scenario or read from a CSV file (columns ward, group, elapsed and optionally fit). Every
 * mistake is located, in the YAML or in the file's own lines. */
#include "table.h"

#include <flowsim/csv.h>

#include <flowsim/limits.h>
#include <flowsim/util.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct item_in {
    const struct ynode *ward, *group, *elapsed, *file, *fit, *service;
    int patients;
};

static const struct field item_fields[] = {
    {"ward", read_node, false, NULL, 0, 0, offsetof(struct item_in, ward), NULL},
    {"service", read_node, false, NULL, 0, 0, offsetof(struct item_in, service), NULL},
    {"group", read_node, false, NULL, 0, 0, offsetof(struct item_in, group), NULL},
    {"patients", read_int, false, NULL, 0, FLOW_MAX_INITIAL, offsetof(struct item_in, patients), NULL},
    {"elapsed", read_node, false, NULL, 0, 0, offsetof(struct item_in, elapsed), NULL},
    {"fit", read_node, false, NULL, 0, 0, offsetof(struct item_in, fit), NULL},
    {"file", read_node, false, NULL, 0, 0, offsetof(struct item_in, file), NULL},
};
static const struct schema item_schema = SCHEMA("an 'initial' item", item_fields);

/* Where a diagnostic points: a YAML node, or a CSV file's line and column. */
struct at {
    struct ctx *c;
    const struct ynode *node;
    const char *file;
    int line, col;
};

static void at_err(const struct at *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void at_err(const struct at *a, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (a->node)
        flow__schema_err(a->c, a->node, "%s", msg);
    else
        flow_diag_error(a->c->diag, a->file, a->line, a->col, "%s", msg);
}

static int find(const char *name, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] != NULL && strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

/* A list of names with a hole (an item whose name was refused, already reported). */
static bool holes(const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] == NULL)
            return true;
    return false;
}

/* The ward and group by name, and the first step of the group's route in the ward. */
static bool resolve(const struct at *a, const char *ward, const struct at *ga, const char *group,
                    struct flow_initial_patient *out)
{
    const struct flow_scenario *sc = a->c->sc;
    const char *names[FLOW_MAX_WARDS > FLOW_MAX_GROUPS ? FLOW_MAX_WARDS : FLOW_MAX_GROUPS];
    for (size_t i = 0; i < sc->nwards; i++)
        names[i] = sc->wards[i].name;
    int w = find(ward, names, sc->nwards);
    if (w < 0 && holes(names, sc->nwards))
        return false;                  /* the ward list has errors of its own */
    if (w < 0) {
        const char *near = flow__schema_nearest(ward, names, sc->nwards);
        at_err(a, "unknown ward '%s'%s%s%s", ward, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        return false;
    }
    for (size_t i = 0; i < sc->ngroups; i++)
        names[i] = sc->groups[i].name;
    int g = find(group, names, sc->ngroups);
    if (g < 0 && holes(names, sc->ngroups))
        return false;                  /* the group list has errors of its own */
    if (g < 0) {
        const char *near = flow__schema_nearest(group, names, sc->ngroups);
        at_err(ga, "unknown group '%s'%s%s%s", group, near ? "; did you mean '" : "", near ? near : "",
               near ? "'?" : "");
        return false;
    }
    const struct flow_group_spec *gs = &sc->groups[g];
    for (size_t k = 0; k < gs->nsteps; k++) {
        if (gs->steps[k].kind == FLOW_STEP_WARD && gs->steps[k].ward == w) {
            out->ward = w;
            out->group = g;
            out->step = (int)k;
            return true;
        }
    }
    at_err(a, "group '%s' has no route step in ward '%s', so its patients cannot be there at the start",
           group, ward);
    return false;
}

/* The discharge block a group follows once its reading is done: its own, or the scenario's
 * (groups without one take it after the whole file is read). NULL: none. */
static const struct flow_discharge_spec *discharge_of(const struct ctx *c, int group)
{
    const struct flow_discharge_spec *own = &c->sc->groups[group].discharge;
    if (own->enabled)
        return own;
    return c->discharge != NULL && !c->discharge_bad ? &c->discharge_default : NULL;
}

/* Medically fit patients wait in their group's discharge block: it must have one. */
static bool fit_allowed(const struct at *a, const struct flow_initial_patient *p)
{
    if (discharge_of(a->c, p->group) != NULL)
        return true;
    at_err(a, "medically fit patients (fit) wait in a discharge block, and group '%s' has none (give "
              "'discharge' at the top level or in the group)", a->c->sc->groups[p->group].name);
    return false;
}

/* true, false, yes, no, 1, 0 (an empty CSV cell is false). */
static bool fit_value(const struct at *a, const char *text, bool *fit)
{
    static const char *const yes[] = {"true", "yes", "1"}, *const no[] = {"false", "no", "0", ""};
    for (size_t k = 0; k < 4; k++) {
        if (k < 3 && strcmp(text, yes[k]) == 0)
            return *fit = true, true;
        if (strcmp(text, no[k]) == 0)
            return *fit = false, true;
    }
    at_err(a, "'fit' must be true or false; found '%.60s'", text);
    return false;
}

/* A community service census: the service by name, and the group (given, or the first whose
 * discharge block sends patients there) and its pathway into the service. */
static bool resolve_service(struct ctx *c, const struct ynode *sn, const struct ynode *gn,
                            struct flow_initial_patient *out)
{
    const struct flow_scenario *sc = c->sc;
    const char *names[FLOW_MAX_SERVICES];
    for (size_t i = 0; i < sc->ncommunity; i++)
        names[i] = sc->community[i].name;
    if (sc->ncommunity == 0) {
        flow__schema_err(c, sn, "unknown community service '%s' (the scenario has no 'community' list)", sn->text);
        return false;
    }
    int sv = flow__schema_lookup_name(c, sn, "community service", names, sc->ncommunity);
    if (sv < 0)
        return false;
    int from = 0, to = (int)sc->ngroups;
    if (gn) {
        const char *gnames[FLOW_MAX_GROUPS];
        for (size_t i = 0; i < sc->ngroups; i++)
            gnames[i] = sc->groups[i].name;
        from = flow__schema_lookup_name(c, gn, "group", gnames, sc->ngroups);
        if (from < 0)
            return false;
        to = from + 1;
    }
    for (int g = from; g < to; g++) {
        const struct flow_discharge_spec *d = discharge_of(c, g);
        for (int k = 1; d && k < 4; k++)
            if (d->pathways[k].share > 0 && d->pathways[k].service == sv) {
                *out = (struct flow_initial_patient){.ward = -1, .group = g, .step = -1, .elapsed = -1,
                                                    .service = sv, .pathway = k};
                return true;
            }
    }
    flow__schema_err(c, gn ? gn : sn, "%s%s%s sends patients to community service '%s' (no discharge pathway "
                    "with a share uses it), so its census has no pathway to be on", gn ? "group '" : "no group",
                    gn ? gn->text : "", gn ? "' never" : "", sn->text);
    return false;
}

/* A time already spent: a duration with a unit, at least 0. */
static bool elapsed_of(const struct at *a, const char *text, double *days)
{
    const char *why = flow_parse_duration(text, days);
    if (why != NULL || !(*days >= 0) || *days > FLOW_MAX_HORIZON_DAYS) {
        at_err(a, "'elapsed' times must be durations with a unit of at least 0 (such as 30h or 2.5d), up "
                  "to 1000 years; found '%.60s'", text);
        return false;
    }
    return true;
}

static bool add(struct ctx *c, const struct at *a, const struct flow_initial_patient *p)
{
    struct flow_scenario *sc = c->sc;
    if (sc->ninitial >= FLOW_MAX_INITIAL) {
        at_err(a, "the census has more than %d patients, the limit", FLOW_MAX_INITIAL);
        return false;
    }
    if (sc->ninitial == sc->cap_initial) {
        sc->cap_initial = sc->cap_initial ? 2 * sc->cap_initial : 64;
        sc->initial = flow_xrealloc(sc->initial, sc->cap_initial * sizeof *sc->initial);
    }
    sc->initial[sc->ninitial++] = *p;
    return true;
}

/* ---- census files ------------------------------------------------------------------------ */

/* The header's columns: ward, group and elapsed (and fit), in any order; false when one is
 * missing (said). */
struct census_cols {
    int ward, group, elapsed, fit;
    long n;
};

static bool census_header(struct flow_csv *csv, long n, struct at *a, struct census_cols *k)
{
    *k = (struct census_cols){-1, -1, -1, -1, n};
    for (long i = 0; i < n; i++) {
        const char *f = csv->f[i];
        k->ward = strcmp(f, "ward") == 0 ? (int)i : k->ward;
        k->group = strcmp(f, "group") == 0 ? (int)i : k->group;
        k->elapsed = strcmp(f, "elapsed") == 0 ? (int)i : k->elapsed;
        k->fit = strcmp(f, "fit") == 0 ? (int)i : k->fit;
    }
    if (k->ward >= 0 && k->group >= 0 && k->elapsed >= 0)
        return true;
    char *head = flow_csv_joined(csv, n);
    char shown[400];
    at_err(a, "the header must name the columns ward, group and elapsed (in any order); found '%s'",
           flow_csv_shown(head, 120, shown, sizeof shown));
    free(head);
    return false;
}

/* One census row into a patient; false when it is not one (said). */
static bool census_row(struct ctx *c, struct flow_csv *csv, long n, const struct census_cols *k, const char *path)
{
    struct at a = {c, NULL, path, csv->line, 1};
    if (n != k->n) {
        at_err(&a, "this row has %ld fields; the header has %ld", n, k->n);
        return true;
    }
    struct flow_initial_patient p = {.elapsed = -1, .service = -1};
    struct at aw = a, ag = a, ae = a, af = a;
    aw.col = csv->col[k->ward], ag.col = csv->col[k->group], ae.col = csv->col[k->elapsed];
    af.col = k->fit >= 0 ? csv->col[k->fit] : 1;
    if (!resolve(&aw, csv->f[k->ward], &ag, csv->f[k->group], &p))
        return true;
    if (csv->f[k->elapsed][0] != '\0' && !elapsed_of(&ae, csv->f[k->elapsed], &p.elapsed))
        return true;
    if (k->fit >= 0 && (!fit_value(&af, csv->f[k->fit], &p.fit) || (p.fit && !fit_allowed(&af, &p))))
        return true;
    return add(c, &a, &p);
}

static void read_file(struct ctx *c, const struct ynode *fn)
{
    struct at here = {c, fn, NULL, 0, 0};
    if (!flow__schema_need_scalar(c, fn, "file", "the name of a CSV file with columns ward,group,elapsed"))
        return;
    char *path = (fn->text[0] == '/' || c->dir == NULL) ? flow_xstrdup(fn->text)
                                                        : flow_xasprintf("%s/%s", c->dir, fn->text);
    struct flow_csv csv;
    const char *why = flow_csv_open(&csv, path, "a census file", 64 << 20, false, c->diag);
    if (why != NULL) {
        if (*why)
            at_err(&here, "cannot read the census file '%.200s'%s: %s", fn->text,
                   fn->text[0] == '/' ? "" : " (the path is relative to this file)",
                   strcmp(why, "too large") == 0 ? "larger than 64 MiB" : why);
        free(path);
        return;
    }
    size_t before = c->diag->errors;
    long n = flow_csv_row(&csv, c->diag);
    struct at a = {c, NULL, path, csv.line, 1};
    struct census_cols k;
    if (n == 0)
        at_err(&here, "the census file '%.200s' is empty; it needs a header ward,group,elapsed", fn->text);
    else if (n > 0 && census_header(&csv, n, &a, &k))
        while ((n = flow_csv_row(&csv, c->diag)) != 0 && c->diag->errors - before < 20)
            if (n > 0 && !census_row(c, &csv, n, &k, path))
                break;
    flow_csv_close(&csv);
    free(path);
}

/* ---- the list ------------------------------------------------------------------------------ */

/* A community service's item: its service (and group) resolved into p; false (said) if not. */
static bool service_item(struct ctx *c, const struct item_in *in, struct flow_initial_patient *p)
{
    if (in->ward || in->fit) {
        flow__schema_err(c, in->ward ? in->ward : in->fit, "a community service's census item gives 'service' and "
                         "'patients' or 'elapsed' (and optionally 'group'); '%s' is for patients in a ward",
                         in->ward ? "ward" : "fit");
        return false;
    }
    return flow__schema_need_scalar(c, in->service, "service", "a community service's name") &&
           (!in->group || flow__schema_need_scalar(c, in->group, "group", "a group's name")) && !c->community_bad &&
           resolve_service(c, in->service, in->group, p);
}

/* A ward's item: its ward, group (the route step there) and fitness resolved into p. */
static bool ward_item(struct ctx *c, const struct ynode *n, const struct item_in *in, struct flow_initial_patient *p)
{
    if (!in->ward || !in->group) {
        flow__schema_err(c, n, "an 'initial' item needs 'ward' and 'group' (the route step of the group in that "
                         "ward is where its patients are), or 'service' for a community service");
        return false;
    }
    if (!flow__schema_need_scalar(c, in->ward, "ward", "a ward's name") ||
        !flow__schema_need_scalar(c, in->group, "group", "a group's name") || c->wards_bad)
        return false;
    struct at aw = {c, in->ward, NULL, 0, 0}, ag = {c, in->group, NULL, 0, 0};
    if (!resolve(&aw, in->ward->text, &ag, in->group->text, p))
        return false;
    struct at af = {c, in->fit, NULL, 0, 0};
    if (in->fit && (!flow__schema_need_scalar(c, in->fit, "fit", "true or false") || !fit_value(&af, in->fit->text,
                                                                                              &p->fit)))
        return false;
    if (p->fit && in->patients < 0) {
        flow__schema_err(c, in->fit, "medically fit patients have finished their stays: give their number as "
                         "'patients', not 'elapsed'");
        return false;
    }
    return !p->fit || fit_allowed(&af, p);
}

/* The item's patients: a count, or one per time in 'elapsed'. */
static void add_patients(struct ctx *c, const struct item_in *in, struct flow_initial_patient *p)
{
    struct at aw = {c, in->service ? in->service : in->ward, NULL, 0, 0};
    if (in->patients >= 0) {
        for (int i = 0; i < in->patients; i++)
            if (!add(c, &aw, p))
                return;
        return;
    }
    if (in->elapsed->kind != YN_SEQ || in->elapsed->n == 0) {
        char b[80];
        flow__schema_err(c, in->elapsed, "'elapsed' must be a list of times already spent, one per patient, such "
                         "as [2h, 30h, 3d]; found %s", flow__schema_shown(in->elapsed, b, sizeof b));
        return;
    }
    for (size_t i = 0; i < in->elapsed->n; i++) {
        const struct ynode *e = in->elapsed->kids[i];
        struct at ae = {c, e, NULL, 0, 0};
        if (!flow__schema_need_scalar(c, e, "elapsed", "a duration with a unit") || !elapsed_of(&ae, e->text,
                                                                                               &p->elapsed))
            return;
        if (!add(c, &ae, p))
            return;
    }
}

static void read_item(struct ctx *c, const struct ynode *n)
{
    struct item_in in = {.patients = -1};
    size_t before = c->diag->errors;
    if (!read_map(c, n, &item_schema, &in) || c->diag->errors > before)
        return;               /* a key's own error is the one message for this item */
    int forms = (in.patients >= 0) + (in.elapsed != NULL) + (in.file != NULL);
    if (forms != 1) {
        flow__schema_err(c, n, "an 'initial' item gives exactly one of 'patients' (a count, times already "
                         "spent unknown), 'elapsed' (one time per patient) or 'file' (a CSV census)");
        return;
    }
    if (in.file) {
        if (in.ward || in.group)
            flow__schema_err(c, in.ward ? in.ward : in.group, "a census 'file' names each patient's ward and "
                             "group in its columns; leave 'ward' and 'group' out of this item");
        else
            read_file(c, in.file);
        return;
    }
    struct flow_initial_patient p = {.elapsed = -1, .service = -1};
    if (in.service ? service_item(c, &in, &p) : ward_item(c, n, &in, &p))
        add_patients(c, &in, &p);
}

/* A ward's census beyond its beds waits for them at time 0: allowed (they are in hospital
 * already), but said, at the item that first takes the ward past its beds. */
static void census_beyond_beds(struct ctx *c, const struct ynode *n, const size_t *ends)
{
    const struct flow_scenario *s = c->sc;
    for (size_t w = 0; w < s->nwards; w++) {
        size_t total = 0, item = SIZE_MAX;
        for (size_t i = 0, k = 0; i < n->n; i++)
            for (; k < ends[i]; k++)
                if (s->initial[k].ward == (int)w && ++total > (size_t)s->wards[w].beds && item == SIZE_MAX)
                    item = i;
        if (item == SIZE_MAX)
            continue;
        const struct ynode *at = n->kids[item];
        flow_diag_warning(c->diag, at->src, at->line, at->col, "the census puts %zu patients in ward '%s', which "
                          "has %d beds: %zu of them wait for a bed at time 0 (in hospital already, they are never "
                          "diverted, outlying or giving up)", total, s->wards[w].name, s->wards[w].beds,
                          total - (size_t)s->wards[w].beds);
    }
}

void flow__schema_read_initial(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    (void)dst;
    if (n->kind != YN_SEQ) {
        char b[80];
        flow__schema_err(c, n, "'%s' must be a list of census items such as {ward: AMU, group: medical, "
                        "patients: 30}; found %s", f->key, flow__schema_shown(n, b, sizeof b));
        return;
    }
    if (c->wards_bad || c->sc->groups == NULL)
        return;                        /* names cannot be resolved; their errors are reported */
    size_t *ends = flow_xcalloc(n->n + 1, sizeof *ends);     /* census patients after each item */
    for (size_t i = 0; i < n->n; i++) {
        read_item(c, n->kids[i]);
        ends[i] = c->sc->ninitial;
    }
    census_beyond_beds(c, n, ends);
    free(ends);
    /* A service's census holds places: no more than it has. */
    for (size_t k = 0; k < c->sc->ncommunity; k++) {
        size_t count = 0;
        for (size_t i = 0; i < c->sc->ninitial; i++)
            count += c->sc->initial[i].service == (int)k;
        int cap = c->sc->community[k].capacity;
        if (cap > 0 && count > (size_t)cap)
            flow__schema_err(c, n, "the census puts %zu patients in community service '%s', which has %d places",
                            count, c->sc->community[k].name, cap);
    }
}
