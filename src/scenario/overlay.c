/* overlay.c - writes what a set of --set overrides changed as an overlay scenario: a YAML file
 * with `extends:` naming the base and only the values that differ (named items by name, any
 * other list whole), so a what-if tried on the page can be saved, rerun and shared. The
 * what-if is loaded first, so an overlay is only written for values a run would accept. */
#include "schema.h"

#include <flowsim/settings.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ynode *copy(const struct ynode *n)
{
    struct ynode *c = flow__ytree_new(n->kind, n->src, n->line, n->col);
    if (n->kind == YN_SCALAR) {
        c->text = flow_xmalloc(n->len + 1);
        memcpy(c->text, n->text, n->len + 1);
        c->len = n->len;
        c->plain = n->plain;
    }
    for (size_t i = 0; i < n->n; i++)
        flow__ytree_append(c, copy(n->kids[i]));
    return c;
}

static bool same(const struct ynode *a, const struct ynode *b)
{
    return flow__ytree_hash(a, 14695981039346656037ULL) == flow__ytree_hash(b, 14695981039346656037ULL);
}

static const struct ynode *name_of(const struct ynode *item)
{
    const struct ynode *v = flow__ytree_get(item, "name");
    return v && v->kind == YN_SCALAR ? v : NULL;
}

static bool all_named(const struct ynode *seq)
{
    for (size_t i = 0; i < seq->n; i++)
        if (name_of(seq->kids[i]) == NULL)
            return false;
    return seq->n > 0;
}

static void put(struct ynode *map, const struct ynode *key, struct ynode *value)
{
    flow__ytree_append(map, copy(key));
    flow__ytree_append(map, value);
}

/* What `changed` has that `base` has not, as an overlay (merged the way extends: merges), or
 * NULL when they are the same. */
static struct ynode *diff(const struct ynode *base, const struct ynode *changed, const char *key)
{
    if (same(base, changed))
        return NULL;
    if (base->kind == YN_MAP && changed->kind == YN_MAP) {
        struct ynode *out = flow__ytree_new(YN_MAP, changed->src, changed->line, changed->col);
        for (size_t i = 0; i + 1 < changed->n; i += 2) {
            const struct ynode *k = changed->kids[i], *b = flow__ytree_get(base, k->text);
            struct ynode *d = b ? diff(b, changed->kids[i + 1], k->text) : copy(changed->kids[i + 1]);
            if (d)
                put(out, k, d);
        }
        return out;
    }
    bool census = key && strcmp(key, "initial") == 0;
    if (base->kind == YN_SEQ && changed->kind == YN_SEQ && !census && all_named(base) && all_named(changed)) {
        struct ynode *out = flow__ytree_new(YN_SEQ, changed->src, changed->line, changed->col);
        for (size_t i = 0; i < changed->n; i++) {
            const struct ynode *item = changed->kids[i], *b = NULL;
            for (size_t j = 0; j < base->n && b == NULL; j++)
                if (strcmp(name_of(base->kids[j])->text, name_of(item)->text) == 0)
                    b = base->kids[j];
            struct ynode *d = b ? diff(b, item, NULL) : copy(item);
            if (d == NULL)
                continue;
            if (b && flow__ytree_get(d, "name") == NULL) {      /* the name first: it matches the item */
                struct ynode *named = flow__ytree_new(YN_MAP, d->src, d->line, d->col);
                struct ynode *k = flow__ytree_new(YN_SCALAR, d->src, d->line, d->col);
                k->text = flow_xstrdup("name"), k->len = 4, k->plain = true;
                flow__ytree_append(named, k);
                flow__ytree_append(named, copy(name_of(item)));
                for (size_t j = 0; j < d->n; j++)
                    flow__ytree_append(named, d->kids[j]);
                d->n = 0;
                flow__ytree_free(d);
                d = named;
            }
            flow__ytree_append(out, d);
        }
        return out;
    }
    return copy(changed);
}

/* ---- writing YAML ----------------------------------------------------------------------- */

struct text {
    char *s;
    size_t n, cap;
};

static void emit(struct text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap)
        flow_xgrow((void **)&t->s, &t->cap, t->n + n + 1, 1);
    memcpy(t->s + t->n, s, n);
    t->n += n;
    t->s[t->n] = '\0';
}

static void emits(struct text *t, const char *s) { emit(t, s, strlen(s)); }

static void indent(struct text *t, int n)
{
    for (int i = 0; i < n; i++)
        emit(t, " ", 1);
}

/* A scalar as YAML: as written when that is safe, otherwise double-quoted. */
static void scalar(struct text *t, const struct ynode *n)
{
    const char *s = n->text;
    bool plain = n->plain && n->len == strlen(s) && n->len > 0 && strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]) == NULL
                 && strpbrk(s, "\n\r\t") == NULL && strstr(s, ": ") == NULL && strstr(s, " #") == NULL
                 && s[n->len - 1] != ':' && s[n->len - 1] != ' ';
    if (plain) {
        emit(t, s, n->len);
        return;
    }
    emit(t, "\"", 1);
    for (size_t i = 0; i < n->len; i++) {
        unsigned char c = (unsigned char)s[i];
        char buf[8];
        if (c == '"' || c == '\\')
            snprintf(buf, sizeof buf, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            snprintf(buf, sizeof buf, "\\x%02x", c);
        else
            buf[0] = (char)c, buf[1] = '\0';
        emits(t, buf);
    }
    emit(t, "\"", 1);
}

static bool flat(const struct ynode *n)
{
    for (size_t i = 0; i < n->n; i++)
        if (n->kids[i]->kind != YN_SCALAR)
            return false;
    return true;
}

/* A collection in flow style: [a, b] or {k: v}. */
static void flow(struct text *t, const struct ynode *n)
{
    emits(t, n->kind == YN_SEQ ? "[" : "{");
    for (size_t i = 0; i < n->n; i++) {
        if (i > 0)
            emits(t, n->kind == YN_MAP && i % 2 ? ": " : ", ");
        scalar(t, n->kids[i]);
    }
    emits(t, n->kind == YN_SEQ ? "]" : "}");
}

static void block(struct text *t, const struct ynode *n, int at, bool inline_first);

/* A value after "key:" or "- ". */
static void value(struct text *t, const struct ynode *v, int at)
{
    if (v->kind == YN_SCALAR) {
        emits(t, " ");
        scalar(t, v);
        emits(t, "\n");
    } else if (v->n == 0 || (flat(v) && (v->kind == YN_SEQ || v->n <= 8))) {
        emits(t, " ");
        flow(t, v);
        emits(t, "\n");
    } else {
        emits(t, "\n");
        block(t, v, at, false);
    }
}

static void block(struct text *t, const struct ynode *n, int at, bool inline_first)
{
    if (n->kind == YN_MAP) {
        for (size_t i = 0; i + 1 < n->n; i += 2) {
            if (!(inline_first && i == 0))
                indent(t, at);
            scalar(t, n->kids[i]);
            emits(t, ":");
            value(t, n->kids[i + 1], at + 2);
        }
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        indent(t, at);
        emits(t, "-");
        const struct ynode *item = n->kids[i];
        if (item->kind == YN_MAP && item->n > 0 && !(flat(item) && item->n <= 4)) {
            emits(t, " ");
            block(t, item, at + 2, true);
        } else {
            value(t, item, at + 2);
        }
    }
}

char *flow_settings_overlay(const char *name, const char *text, size_t len, const char *dir,
                            const char *base_name, const char *const *sets, size_t nsets,
                            struct flow_diag *diag)
{
    /* The what-if must load: every value checked as a run checks it. */
    struct flow_scenario *sc = flow_scenario_load_text(name, text, len, dir, sets, nsets, diag);
    if (sc == NULL)
        return NULL;
    flow_scenario_destroy(sc);
    char **names0, **names1;
    struct ynode *base = flow__scenario_tree(name, text, len, dir, NULL, 0, &names0, diag);
    struct ynode *changed = base ? flow__scenario_tree(name, text, len, dir, sets, nsets, &names1, diag) : NULL;
    char *out = NULL;
    if (changed != NULL) {
        struct text t = {0};
        emits(&t, "# What-if: ");
        emits(&t, base_name);
        for (size_t i = 0; i < nsets; i++) {
            emits(&t, i ? ", " : " with ");
            for (const char *p = sets[i]; *p; p++)
                emit(&t, *p == '\n' || *p == '\r' ? " " : p, 1);
        }
        emits(&t, ".\n# Save it next to ");
        emits(&t, base_name);
        emits(&t, " and run it with: flowsim run THIS-FILE.yaml\nextends: ");
        struct ynode ext = {.kind = YN_SCALAR, .text = (char *)base_name, .len = strlen(base_name), .plain = true};
        scalar(&t, &ext);
        emits(&t, "\n");
        struct ynode *d = diff(base, changed, NULL);
        if (d != NULL)
            block(&t, d, 0, false);
        flow__ytree_free(d);
        out = t.s;
        flow__scenario_tree_free(changed, names1);
    }
    flow__scenario_tree_free(base, names0);
    return out;
}
