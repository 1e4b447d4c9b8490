/* distribution.c - the scenario schema of a distribution ({dist: KIND, ...}): one table per
 * family, empirical values inline or from a file, mixtures of the others by weight, converted
 * with the parameter checks of src/random. */
#include "table.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- distributions -------------------------------------------------------------------- */

struct dist_in {
    const char *kind;
    double a, b, c;
    double unit;               /* empirical: days per bare number, 0 when not given */
    const struct ynode *values, *weights, *file, *of;
};

void read_node(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    *(const struct ynode **)dst = n;
}

static void read_unit(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    static const char *const units[] = {"m", "h", "d", "w", NULL};
    static const double days[] = {1.0 / 1440, 1.0 / 24, 1, 7};
    int k = -1;
    struct field e = {.key = f->key, .aux = units};
    read_enum(c, n, &k, &e);
    if (k >= 0)
        *(double *)dst = days[k];
}

#define DUR(k, field_, lo) {k, read_duration, true, NULL, lo, FLOW_MAX_HORIZON_DAYS, \
                            offsetof(struct dist_in, field_), NULL}
#define KIND {"dist", read_node, true, NULL, 0, 0, 0, NULL}

static const struct field f_exponential[] = {KIND, DUR("mean", a, 0)};
static const struct field f_meansd[] = {KIND, DUR("mean", a, 0), DUR("sd", b, 0)};
static const struct field f_weibull[] = {
    KIND, {"shape", read_real, true, NULL, FLOW_MIN_WEIBULL_SHAPE, FLOW_MAX_WEIBULL_SHAPE, offsetof(struct dist_in, a), NULL},
    DUR("scale", b, 0)};
static const struct field f_triangular[] = {KIND, DUR("min", a, 0), DUR("mode", b, 0),
                                            DUR("max", c, 0)};
static const struct field f_uniform[] = {KIND, DUR("min", a, 0), DUR("max", b, 0)};
static const struct field f_fixed[] = {KIND, DUR("value", a, 0)};
static const struct field f_empirical[] = {
    KIND,
    {"values", read_node, false, NULL, 0, 0, offsetof(struct dist_in, values), NULL},
    {"weights", read_node, false, NULL, 0, 0, offsetof(struct dist_in, weights), NULL},
    {"file", read_node, false, NULL, 0, 0, offsetof(struct dist_in, file), NULL},
    {"unit", read_unit, false, NULL, 0, 0, offsetof(struct dist_in, unit), NULL},
};

static const struct field f_mixture[] = {
    KIND, {"of", read_node, true, NULL, 0, 0, offsetof(struct dist_in, of), NULL}};

static const struct schema dist_schemas[FLOW_DIST_COUNT] = {
    SCHEMA("an exponential distribution", f_exponential),
    SCHEMA("a lognormal distribution", f_meansd),
    SCHEMA("a gamma distribution", f_meansd),
    SCHEMA("a weibull distribution", f_weibull),
    SCHEMA("a triangular distribution", f_triangular),
    SCHEMA("a uniform distribution", f_uniform),
    SCHEMA("a fixed distribution", f_fixed),
    SCHEMA("an empirical distribution", f_empirical),
    SCHEMA("a mixture", f_mixture),
};

/* Reads a list of durations (or bare numbers when unit > 0) or plain numbers (durations false). */
static double *read_number_list(struct ctx *c, const struct ynode *n, const char *key,
                                bool durations, double unit, size_t *count)
{
    char b[80];
    if (n->kind != YN_SEQ || n->n == 0) {
        flow__schema_err(c, n, "'%s' must be a non-empty list; found %s", key, flow__schema_shown(n, b, sizeof b));
        return NULL;
    }
    double *v = flow_xmalloc(n->n * sizeof *v);
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *k = n->kids[i];
        const char *why = k->kind == YN_SCALAR ? NULL : "a value";
        if (why == NULL && durations) {
            why = flow_parse_duration(k->text, &v[i]);
            if (why != NULL && unit > 0 && flow_parse_number(k->text, &v[i]) == NULL) {
                v[i] *= unit;
                why = NULL;
            }
        } else if (why == NULL) {
            why = flow_parse_number(k->text, &v[i]);
        }
        if (flow__schema_range_err(c, k, key, why)) {
            ok = false;
            continue;
        }
        if (why == NULL && v[i] < 0)
            why = "a value that is not negative";
        else if (why == NULL && durations && v[i] > FLOW_MAX_HORIZON_DAYS)
            why = "durations from 0d to 365250d (1000 years)";
        if (why != NULL) {
            flow__schema_err(c, k, "'%s' items must be %s; found %s", key, why, flow__schema_shown(k, b, sizeof b));
            ok = false;
        }
    }
    if (!ok) {
        free(v);
        return NULL;
    }
    *count = n->n;
    return v;
}

static char *resolve_path(const char *dir, const char *file)
{
    if (file[0] == '/' || dir == NULL || dir[0] == '\0')
        return flow_xstrdup(file);
    return flow_xasprintf("%s/%s", dir, file);
}

static void make_empirical(struct ctx *c, const struct ynode *n, struct dist_in *in,
                           struct flow_dist *out)
{
    if ((in->values != NULL) == (in->file != NULL)) {
        flow__schema_err(c, n, "an empirical distribution needs exactly one of 'values' or 'file'");
        return;
    }
    double *values = NULL, *weights = NULL;
    size_t nv = 0, nw = 0;
    if (in->values != NULL) {
        values = read_number_list(c, in->values, "values", !c->counts, in->unit, &nv);
    } else if (flow__schema_need_scalar(c, in->file, "file", "a file name")) {
        char *path = resolve_path(c->dir, in->file->text);
        const char *why = flow__csvcol_read(path, in->unit, &values, &nv, c->diag);
        if (values != NULL)   /* the file's values are part of what the scenario says */
            c->sc->fingerprint = flow__hash_bytes(values, nv * sizeof *values, c->sc->fingerprint);
        if (why != NULL)
            flow__schema_err(c, in->file, "cannot read '%s': %s%s", in->file->text, why,
                in->file->text[0] == '/' ? "" : " (the path is relative to the scenario file)");
        free(path);
    }
    if (in->weights != NULL)
        weights = read_number_list(c, in->weights, "weights", false, 0, &nw);
    if (values != NULL && nv > FLOW_MAX_EMPIRICAL)
        flow__schema_err(c, n, "an empirical distribution may have at most %d values; found %zu",
            FLOW_MAX_EMPIRICAL, nv);
    else if (values != NULL && in->weights != NULL && weights != NULL && nw != nv)
        flow__schema_err(c, in->weights, "'weights' must have one weight per value: %zu values, %zu weights",
            nv, nw);
    else if (values != NULL && (in->weights == NULL || weights != NULL)) {
        const char *why = flow_dist_init_empirical(out, values, weights, nv);
        if (why != NULL)
            flow__schema_err(c, n, "empirical distribution: %s", why);
    }
    free(values);
    free(weights);
}

/* A mixture's component: its weight, and the rest of its map as a distribution. */
static bool mixture_part(struct ctx *c, const struct ynode *item, struct flow_dist *part, double *weight)
{
    char b[80];
    const struct ynode *w = item->kind == YN_MAP ? flow__ytree_get(item, "weight") : NULL;
    const struct ynode *kind = item->kind == YN_MAP ? flow__ytree_get(item, "dist") : NULL;
    if (item->kind != YN_MAP || w == NULL) {
        flow__schema_err(c, item, "each item of a mixture's 'of' must be a distribution with a 'weight', such as "
                        "{weight: 0.5, dist: lognormal, mean: 4d, sd: 3d}; found %s",
                        item->kind == YN_MAP ? "no 'weight' key" : flow__schema_shown(item, b, sizeof b));
        return false;
    }
    if (!flow__schema_need_scalar(c, w, "weight", "a number greater than 0"))
        return false;
    const char *why = flow_parse_number(w->text, weight);
    if (why == NULL && !(*weight > 0))
        why = "a number greater than 0";
    if (why != NULL) {
        flow__schema_err(c, w, "'weight' must be %s; found %s", why, flow__schema_shown(w, b, sizeof b));
        return false;
    }
    if (kind != NULL && kind->kind == YN_SCALAR && strcmp(kind->text, "mixture") == 0) {
        flow__schema_err(c, kind, "a component of a mixture cannot be a mixture: list its components in the "
                        "outer mixture's 'of', their weights multiplied");
        return false;
    }
    struct ynode view = *item;                  /* the map without its weight */
    view.kids = flow_xmalloc(item->n * sizeof *view.kids);
    view.n = 0;
    for (size_t i = 0; i + 1 < item->n; i += 2)
        if (strcmp(item->kids[i]->text, "weight") != 0)
            view.kids[view.n++] = item->kids[i], view.kids[view.n++] = item->kids[i + 1];
    size_t before = c->diag->errors;
    struct field f = {.key = "of"};
    read_dist(c, &view, part, &f);
    free(view.kids);
    return c->diag->errors == before;
}

static void make_mixture(struct ctx *c, const struct ynode *n, const struct ynode *of, struct flow_dist *out)
{
    char b[80];
    if (of->kind != YN_SEQ || of->n == 0 || of->n > FLOW_DIST_MAX_PARTS) {
        flow__schema_err(c, of, "'of' must be a list of 1 to %d distributions, each with a 'weight'; found %s",
                        FLOW_DIST_MAX_PARTS, of->kind == YN_SEQ ? (of->n ? "a longer list" : "an empty list")
                                                                : flow__schema_shown(of, b, sizeof b));
        return;
    }
    struct flow_dist parts[FLOW_DIST_MAX_PARTS];
    double weights[FLOW_DIST_MAX_PARTS];
    memset(parts, 0, sizeof parts);
    bool ok = true;
    for (size_t i = 0; i < of->n; i++)
        ok = mixture_part(c, of->kids[i], &parts[i], &weights[i]) && ok;
    const char *why = ok ? flow_dist_init_mixture(out, parts, weights, of->n) : NULL;
    if (why != NULL)
        flow__schema_err(c, n, "mixture: %s", why);
    for (size_t i = 0; i < of->n; i++)
        flow_dist_fini(&parts[i]);
}

void read_dist(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char b[80];
    const struct ynode *kind = flow__ytree_get(n, "dist");
    if (n->kind != YN_MAP || kind == NULL) {
        flow__schema_err(c, n, "'%s' must be a distribution such as {dist: lognormal, mean: 2d, sd: 1d}; "
                  "found %s", f->key, n->kind == YN_MAP ? "no 'dist' key" : flow__schema_shown(n, b, sizeof b));
        return;
    }
    if (!flow__schema_need_scalar(c, kind, "dist", "a distribution name"))
        return;
    enum flow_dist_kind k = flow_dist_lookup(kind->text);
    if (k == FLOW_DIST_COUNT) {
        const char *names[FLOW_DIST_COUNT];
        for (int i = 0; i < FLOW_DIST_COUNT; i++)
            names[i] = flow_dist_name((enum flow_dist_kind)i);
        char all[256];
        flow__schema_join(all, sizeof all, names, FLOW_DIST_COUNT);
        const char *near = flow__schema_nearest(kind->text, names, FLOW_DIST_COUNT);
        flow__schema_err(c, kind, "unknown distribution %s%s%s%s (known: %s)", flow__schema_shown(kind, b, sizeof b),
            near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "", all);
        return;
    }
    struct dist_in in = {0};
    size_t before = c->diag->errors;
    read_map(c, n, &dist_schemas[k], &in);
    if (c->diag->errors > before)
        return;
    struct flow_dist *out = dst;
    if (k == FLOW_DIST_EMPIRICAL) {
        make_empirical(c, n, &in, out);
        return;
    }
    if (k == FLOW_DIST_MIXTURE) {
        make_mixture(c, n, in.of, out);
        return;
    }
    const char *why = flow_dist_init(out, k, in.a, in.b, in.c);
    if (why != NULL)
        flow__schema_err(c, n, "%s distribution: %s", kind->text, why);
}

/* A distribution of counts (visits a day): its parameters are bare numbers, not durations. */
void flow__schema_read_count_dist(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    c->counts = true;
    read_dist(c, n, dst, f);
    c->counts = false;
}
