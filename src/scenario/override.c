/* override.c - applies "--set PATH=VALUE" to the YAML tree before it is converted, so an
 * override is checked by exactly the same schema as a value written in the file. PATH is
 * dot-separated keys; list items are chosen by their `name` (route steps by their `ward`) or
 * by position counting from 1. VALUE is parsed as YAML, so lists and mappings work too.
 * Diagnostics use the file name "--set", line N for the Nth --set and the column within it. */
#include "schema.h"

#include <stdlib.h>
#include <string.h>

static const char *const SRC = "--set";

static bool matches(const struct ynode *item, const char *key, const char *seg)
{
    const struct ynode *v = flow__ytree_get(item, key);
    return v && v->kind == YN_SCALAR && strcmp(v->text, seg) == 0;
}

static struct ynode *seq_item(const struct ynode *seq, const char *seg)
{
    for (size_t i = 0; i < seq->n; i++)
        if (matches(seq->kids[i], "name", seg))
            return seq->kids[i];
    for (size_t i = 0; i < seq->n; i++)
        if (matches(seq->kids[i], "ward", seg))
            return seq->kids[i];
    size_t k = 0, digits = strspn(seg, "0123456789");
    if (digits == 0 || digits > 9 || seg[digits] != '\0')
        return NULL;       /* a position is digits alone: " 1", "+1" and "1e0" are not */
    k = strtoul(seg, NULL, 10);
    return k >= 1 && k <= seq->n ? seq->kids[k - 1] : NULL;
}

static void no_item(const struct ynode *seq, const char *seg, const char *parent, int line,
                    int col, struct flow_diag *diag)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < seq->n; i++) {
        const struct ynode *v = flow__ytree_get(seq->kids[i], "name");
        if (v && v->kind == YN_SCALAR) {
            size_t d = flow_edit_distance(seg, v->text);
            if (d < best_d)
                best_d = d, best = v->text;
        }
    }
    if (best)
        flow_diag_error(diag, SRC, line, col, "no item named '%s' in %s; did you mean '%s'?",
                        seg, parent, best);
    else
        flow_diag_error(diag, SRC, line, col,
                        "no item named '%s' in %s (choose items by name, or by position from 1)",
                        seg, parent);
}

/* Replaces (or adds) key `seg` of map `m` with value v. */
static void map_put(struct ynode *m, const char *seg, struct ynode *v, int line, int col)
{
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        if (strcmp(m->kids[i]->text, seg) == 0) {
            flow__ytree_free(m->kids[i + 1]);
            m->kids[i + 1] = v;
            return;
        }
    }
    struct ynode *k = flow__ytree_new(YN_SCALAR, SRC, line, col);
    k->text = flow_xstrdup(seg);
    k->len = strlen(seg);
    k->plain = true;
    flow__ytree_append(m, k);
    flow__ytree_append(m, v);
}

/* A path of at most YTREE_MAX_DEPTH parts (a scenario nests no deeper; every walk of the tree
 * it makes then stays shallow), none with a space or tab at its start or end. */
static bool path_sound(const char *set, size_t len, int line, struct flow_diag *diag)
{
    size_t parts = 1;
    for (size_t i = 0; i < len; i++)
        parts += set[i] == '.';
    if (parts > YTREE_MAX_DEPTH) {
        flow_diag_error(diag, SRC, line, 1, "the path has %zu parts; a scenario nests at most %d deep", parts,
                        YTREE_MAX_DEPTH);
        return false;
    }
    for (size_t start = 0, end; start <= len; start = end + 1) {
        for (end = start; end < len && set[end] != '.'; end++)
            ;
        bool lead = end > start && (set[start] == ' ' || set[start] == '\t');
        bool trail = end > start && (set[end - 1] == ' ' || set[end - 1] == '\t');
        if (lead || trail) {
            flow_diag_error(diag, SRC, line, (int)(lead ? start : end - 1) + 1, "'%.*s' in the path has a space at "
                            "its %s: names and positions are written without", (int)(end - start), set + start,
                            lead ? "start" : "end");
            return false;
        }
    }
    return true;
}

/* Puts value at cur's key seg (a list item chosen by name or number is replaced whole); true
 * when it was placed (cur owns it then). */
static bool put_last(struct ynode *cur, const char *seg, struct ynode *value, const char *parent, int line, int col,
                     struct flow_diag *diag)
{
    if (cur->kind == YN_MAP) {
        map_put(cur, seg, value, line, col);
        return true;
    }
    if (cur->kind != YN_SEQ) {
        flow_diag_error(diag, SRC, line, col, "'%s' is a single value, not a section", parent);
        return false;
    }
    struct ynode *item = seq_item(cur, seg);
    if (item == NULL) {
        no_item(cur, seg, parent, line, col, diag);
        return false;
    }
    for (size_t i = 0; i < cur->n; i++)
        if (cur->kids[i] == item)
            flow__ytree_free(item), cur->kids[i] = value;
    return true;
}

/* The section at cur's key seg, made when a mapping lacks it; NULL (said) when there is none. */
static struct ynode *step_into(struct ynode *cur, const char *seg, const char *parent, int line, int col,
                               struct flow_diag *diag)
{
    if (cur->kind == YN_MAP) {
        struct ynode *next = flow__ytree_get(cur, seg);
        if (next == NULL) {
            next = flow__ytree_new(YN_MAP, SRC, line, col);
            map_put(cur, seg, next, line, col);
        }
        return next;
    }
    if (cur->kind == YN_SEQ) {
        struct ynode *next = seq_item(cur, seg);
        if (next == NULL)
            no_item(cur, seg, parent, line, col, diag);
        return next;
    }
    flow_diag_error(diag, SRC, line, col, "'%s' is a single value, not a section", parent);
    return NULL;
}

/* Walks path (a copy of set's first len bytes, its parts separated by dots, cut up as it goes)
 * from root and puts value at its end; true when placed (the tree owns value then). */
static bool put_path(struct ynode *root, char *path, const char *set, size_t len, struct ynode *value, int line,
                     struct flow_diag *diag)
{
    struct ynode *cur = root;
    const char *parent = "the scenario";
    for (char *seg = path, *dot;; seg = dot + 1) {
        dot = strchr(seg, '.');
        if (dot)
            *dot = '\0';
        int col = (int)(seg - path) + 1;
        if (*seg == '\0') {
            flow_diag_error(diag, SRC, line, col, "empty name in path '%.*s'", (int)len, set);
            return false;
        }
        if (dot == NULL)
            return put_last(cur, seg, value, parent, line, col, diag);
        if ((cur = step_into(cur, seg, parent, line, col, diag)) == NULL)
            return false;
        parent = seg;
    }
}

/* The value of PATH=VALUE, parsed, once the setting is known to be one --set may make; NULL
 * (said) otherwise. */
static struct ynode *override_value(const struct ynode *root, const char *set, const char *eq, int index,
                                    struct flow_diag *diag)
{
    int line = index + 1;
    if (eq == NULL || eq == set) {
        flow_diag_error(diag, SRC, line, 1, "'%s' is not PATH=VALUE, such as wards.AMU.beds=30", set);
        return NULL;
    }
    if ((size_t)(eq - set) == strlen("extends") && strncmp(set, "extends", 7) == 0) {
        flow_diag_error(diag, SRC, line, 1, "'extends' cannot be set with --set; name the base "
                        "scenario in the file (extends: base.yaml), or run the base with --set");
        return NULL;
    }
    struct ynode *value = flow__ytree_parse(eq + 1, strlen(eq + 1), SRC, index, (int)(eq - set) + 1, diag);
    if (value == NULL)
        return NULL;
    if (root->kind != YN_MAP) {
        flow_diag_error(diag, SRC, line, 1, "the scenario is not a mapping; nothing to set");
        flow__ytree_free(value);
        return NULL;
    }
    if (!path_sound(set, (size_t)(eq - set), line, diag)) {
        flow__ytree_free(value);
        return NULL;
    }
    return value;
}

bool flow__override_apply(struct ynode *root, const char *set, int index, struct flow_diag *diag)
{
    const char *eq = strchr(set, '=');
    struct ynode *value = override_value(root, set, eq, index, diag);
    if (value == NULL)
        return false;
    char *path = flow_xstrndup(set, (size_t)(eq - set));
    bool ok = put_path(root, path, set, (size_t)(eq - set), value, index + 1, diag);
    if (!ok)
        flow__ytree_free(value);
    free(path);
    return ok;
}
