/* settings.c - lists every value of a scenario that a --set can change, with the path that
 * changes it, for the what-if page (flowsim serve). Paths use the names --set understands:
 * list items by name (route steps by ward when it is unique), otherwise by position from 1. */
#include "schema.h"

#include <flowsim/settings.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keys that name or point to something rather than hold a number: not offered. */
static bool not_a_setting(const char *key)
{
    static const char *const skip[] = {"name", "ward", "theatre", "group", "service", "file",
                                       "extends", "readmission", "from", "to", "outlie_to", "pathway"};
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (strcmp(key, skip[i]) == 0)
            return true;
    return false;
}

static const char *scalar_of(const struct ynode *map, const char *key)
{
    const struct ynode *v = flow__ytree_get(map, key);
    return v && v->kind == YN_SCALAR ? v->text : NULL;
}

/* A name usable as a path segment: not empty, no '.' or '=', not all digits (a position). */
static bool segment_ok(const char *s)
{
    if (s == NULL || *s == '\0' || strpbrk(s, ".=") != NULL)
        return false;
    return strspn(s, "0123456789") != strlen(s);
}

static bool unique_ward(const struct ynode *seq, const char *ward)
{
    size_t count = 0;
    for (size_t i = 0; i < seq->n; i++) {
        const char *w = scalar_of(seq->kids[i], "ward");
        count += w && strcmp(w, ward) == 0;
        if (scalar_of(seq->kids[i], "name") && strcmp(scalar_of(seq->kids[i], "name"), ward) == 0)
            return false;
    }
    return count == 1;
}

/* The path segment and the words for item i of a list. */
static void item_names(const struct ynode *seq, size_t i, char *seg, size_t nseg, char *words, size_t nwords)
{
    const struct ynode *it = seq->kids[i];
    const char *name = scalar_of(it, "name"), *ward = scalar_of(it, "ward");
    const char *pathway = scalar_of(it, "pathway");
    if (segment_ok(name))
        snprintf(seg, nseg, "%s", name), snprintf(words, nwords, "%s", name);
    else if (segment_ok(ward) && unique_ward(seq, ward))
        snprintf(seg, nseg, "%s", ward), snprintf(words, nwords, "%s", ward);
    else
        snprintf(seg, nseg, "%zu", i + 1), snprintf(words, nwords, "%zu", i + 1);
    if (pathway)
        snprintf(words, nwords, "pathway %s", pathway);
    else if (!segment_ok(name) && ward && strcmp(seg, ward) != 0)
        snprintf(words, nwords, "%zu (%s)", i + 1, ward);
}

static bool plain_list(const struct ynode *seq)
{
    for (size_t i = 0; i < seq->n; i++)
        if (seq->kids[i]->kind != YN_SCALAR)
            return false;
    return seq->n > 0 && seq->n <= 64;
}

static char *flow_list_text(const struct ynode *seq)
{
    char *t = flow_xstrdup("[");
    for (size_t i = 0; i < seq->n; i++) {
        char *u = flow_xasprintf("%s%s%s", t, i ? ", " : "", seq->kids[i]->text);
        free(t);
        t = u;
    }
    char *u = flow_xasprintf("%s]", t);
    free(t);
    return u;
}

struct walk {
    struct flow_settings *out;
    size_t cap;
    const char *section, *item;
};

static void add(struct walk *w, const char *path, const char *label, const char *key,
                const struct ynode *v)
{
    if (w->out->n == w->cap)
        flow_xgrow((void **)&w->out->v, &w->cap, w->out->n + 1, sizeof *w->out->v);
    struct flow_setting *s = &w->out->v[w->out->n++];
    s->path = flow_xstrdup(path);
    s->value = v->kind == YN_SCALAR ? flow_xstrdup(v->text) : flow_list_text(v);
    s->section = flow_xstrdup(w->section);
    s->item = w->item ? flow_xstrdup(w->item) : NULL;
    s->label = flow_xstrdup(label);
    s->key = flow_xstrdup(key);
    s->line = v->line;
}

static void walk(struct walk *w, const struct ynode *v, const char *path, const char *label,
                 const char *key, int depth)
{
    if (depth > YTREE_MAX_DEPTH)
        return;
    if (v->kind == YN_SCALAR || (v->kind == YN_SEQ && plain_list(v))) {
        add(w, path, label, key, v);
    } else if (v->kind == YN_MAP) {
        for (size_t i = 0; i + 1 < v->n; i += 2) {
            const char *k = v->kids[i]->text;
            if (v->kids[i]->kind != YN_SCALAR || not_a_setting(k) || strpbrk(k, ".=") != NULL)
                continue;
            char *p = flow_xasprintf("%s.%s", path, k);
            char *l = *label ? flow_xasprintf("%s · %s", label, k) : flow_xstrdup(k);
            walk(w, v->kids[i + 1], p, l, k, depth + 1);
            free(p);
            free(l);
        }
    } else {
        for (size_t i = 0; i < v->n; i++) {
            char seg[FLOW_MAX_NAME + 32], words[FLOW_MAX_NAME + 48];
            item_names(v, i, seg, sizeof seg, words, sizeof words);
            char *p = flow_xasprintf("%s.%s", path, seg);
            char *l = *label ? flow_xasprintf("%s %s", label, words) : flow_xasprintf("%s %s", key, words);
            walk(w, v->kids[i], p, l, key, depth + 1);
            free(p);
            free(l);
        }
    }
}

int flow_settings_list(const char *name, const char *text, size_t len, const char *dir,
                       struct flow_settings *out, struct flow_diag *diag)
{
    memset(out, 0, sizeof *out);
    char **names;
    struct ynode *root = flow__scenario_tree(name, text, len, dir, NULL, 0, &names, diag);
    if (root == NULL || root->kind != YN_MAP) {
        flow__scenario_tree_free(root, names);
        return -1;
    }
    struct walk w = {.out = out};
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const struct ynode *k = root->kids[i], *v = root->kids[i + 1];
        if (k->kind != YN_SCALAR || not_a_setting(k->text) || strcmp(k->text, "seed") == 0)
            continue;
        w.section = k->text;
        if (v->kind == YN_SEQ && !plain_list(v)) {
            for (size_t j = 0; j < v->n; j++) {
                char seg[FLOW_MAX_NAME + 32], words[FLOW_MAX_NAME + 48];
                item_names(v, j, seg, sizeof seg, words, sizeof words);
                w.item = words;
                char *p = flow_xasprintf("%s.%s", k->text, seg);
                walk(&w, v->kids[j], p, "", k->text, 1);
                free(p);
            }
            w.item = NULL;
        } else {
            if (v->kind != YN_MAP)
                w.section = "run";           /* horizon, warmup, replications, start ... */
            walk(&w, v, k->text, v->kind == YN_MAP ? "" : k->text, k->text, 0);
        }
    }
    flow__scenario_tree_free(root, names);
    return 0;
}

void flow_settings_fini(struct flow_settings *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct flow_setting *v = &s->v[i];
        free(v->path), free(v->value), free(v->section), free(v->item), free(v->label), free(v->key);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}
