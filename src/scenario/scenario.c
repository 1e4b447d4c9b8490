/* scenario.c - loads a scenario: read the file (bounded), parse to a ytree, apply --set
 * overrides, convert by the schema, free the tree. The result is read-only afterwards. */
#include "schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- extends: a scenario that changes only what it lists ------------------------------ */

enum { MAX_EXTENDS = 8 };

/* File names that diagnostics point to, kept until the scenario is converted. */
struct sources {
    char *names[MAX_EXTENDS + 1];
    char *texts[MAX_EXTENDS + 1];   /* as read, for the record of what was run */
    size_t n;
};

static bool all_named(const struct ynode *seq)
{
    for (size_t i = 0; i < seq->n; i++) {
        const struct ynode *name = flow__ytree_get(seq->kids[i], "name");
        if (name == NULL || name->kind != YN_SCALAR)
            return false;
    }
    return seq->n > 0;
}

/* What a merge reports to: the base's file, and the key of the list being merged. */
struct merging {
    struct flow_diag *diag;
    const char *base;
    const char *key;
};

static struct ynode *merge(struct ynode *base, struct ynode *over, struct merging m);

/* An overlay that names a ward, group, theatre or service the base lacks adds one: usually a
 * typo in a what-if, so it is said, with the nearest name of the base. */
static void new_item(const struct ynode *base, size_t count, const struct ynode *name, struct merging m)
{
    static const char *const keys[] = {"wards", "groups", "theatres", "community"};
    static const char *const what[] = {"ward", "group", "theatre", "community service"};
    size_t k = 0;
    while (k < 4 && (m.key == NULL || strcmp(m.key, keys[k]) != 0))
        k++;
    if (k == 4)
        return;
    const char *near = NULL;
    size_t best = (size_t)-1;
    for (size_t j = 0; j < count; j++) {     /* the base's own items, not those just added */
        const char *b = flow__ytree_get(base->kids[j], "name")->text;
        size_t d = flow_edit_distance(name->text, b);
        if (d < best)
            best = d, near = b;
    }
    size_t len = strlen(name->text);
    if (near && best <= (len < 6 ? 1 : len / 3))
        flow_diag_warning(m.diag, name->src, name->line, name->col, "%s '%.100s' is not in the base "
                          "scenario (%.200s), so this adds a new %s; did you mean '%.100s'?", what[k],
                          name->text, m.base, what[k], near);
    else
        flow_diag_warning(m.diag, name->src, name->line, name->col, "%s '%.100s' is not in the base "
                          "scenario (%.200s), so this adds a new %s", what[k], name->text, m.base, what[k]);
}

/* Lists of named items (wards, groups ...) merge item by item, matched by name; new names
 * are added at the end. */
static void merge_named(struct ynode *base, struct ynode *over, struct merging m)
{
    size_t before = base->n;
    for (size_t i = 0; i < over->n; i++) {
        const struct ynode *name = flow__ytree_get(over->kids[i], "name");
        size_t j = 0;
        while (j < base->n && strcmp(flow__ytree_get(base->kids[j], "name")->text, name->text) != 0)
            j++;
        if (j < base->n) {
            base->kids[j] = merge(base->kids[j], over->kids[i], (struct merging){m.diag, m.base, NULL});
        } else {
            new_item(base, before, name, m);
            flow__ytree_append(base, over->kids[i]);
        }
    }
    over->n = 0;
    flow__ytree_free(over);
}

static const char *census_ward(const struct ynode *item)
{
    const struct ynode *w = item->kind == YN_MAP ? flow__ytree_get(item, "ward") : NULL;
    return w && w->kind == YN_SCALAR ? w->text : NULL;
}

/* An overlay's census (initial:) replaces, ward by ward, the base's items for each ward it
 * names, keeping the base's items for other wards (and its census files); an overlay item
 * without a ward (a file) replaces the whole census. */
static struct ynode *merge_census(struct ynode *base, struct ynode *over)
{
    for (size_t i = 0; i < over->n; i++)
        if (census_ward(over->kids[i]) == NULL) {
            flow__ytree_free(base);
            return over;
        }
    size_t kept = 0;
    for (size_t j = 0; j < base->n; j++) {
        const char *w = census_ward(base->kids[j]);
        bool replaced = false;
        for (size_t i = 0; w && i < over->n && !replaced; i++)
            replaced = strcmp(census_ward(over->kids[i]), w) == 0;
        if (replaced)
            flow__ytree_free(base->kids[j]);
        else
            base->kids[kept++] = base->kids[j];
    }
    base->n = kept;
    for (size_t i = 0; i < over->n; i++)
        flow__ytree_append(base, over->kids[i]);
    over->n = 0;
    flow__ytree_free(over);
    return base;
}

/* Consumes both trees: mappings merge key by key, lists of named items by name, a census ward
 * by ward, and anything else in the overlay replaces the base. */
static struct ynode *merge(struct ynode *base, struct ynode *over, struct merging m)
{
    if (base->kind == YN_MAP && over->kind == YN_MAP) {
        for (size_t i = 0; i + 1 < over->n; i += 2) {
            size_t j = 0;
            while (j + 1 < base->n && strcmp(base->kids[j]->text, over->kids[i]->text) != 0)
                j += 2;
            if (j + 1 < base->n) {
                base->kids[j + 1] = merge(base->kids[j + 1], over->kids[i + 1],
                                          (struct merging){m.diag, m.base, over->kids[i]->text});
                flow__ytree_free(over->kids[i]);
            } else {
                flow__ytree_append(base, over->kids[i]);
                flow__ytree_append(base, over->kids[i + 1]);
            }
        }
        over->n = 0;
        flow__ytree_free(over);
        return base;
    }
    if (base->kind == YN_SEQ && over->kind == YN_SEQ && m.key && strcmp(m.key, "initial") == 0)
        return merge_census(base, over);
    if (base->kind == YN_SEQ && over->kind == YN_SEQ && all_named(base) && all_named(over)) {
        merge_named(base, over, m);
        return base;
    }
    flow__ytree_free(base);
    return over;
}

/* An overlay (a file with extends:) is merged key by key and name by name, which would
 * silently fold a key or a name given twice into one: such repeats are refused first. */
struct labelled {
    const char *text;
    const struct ynode *node;
};

static int by_text(const void *a, const void *b)
{
    const struct labelled *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->node->line > y->node->line) - (x->node->line < y->node->line);
}

static void repeats(struct labelled *l, size_t n, const char *what, struct flow_diag *diag)
{
    qsort(l, n, sizeof *l, by_text);
    for (size_t i = 1; i < n; i++)
        if (strcmp(l[i].text, l[i - 1].text) == 0)
            flow_diag_error(diag, l[i].node->src, l[i].node->line, l[i].node->col,
                            "duplicate %s '%.100s' (first given at line %d)", what, l[i].text,
                            l[i - 1].node->line);
}

static void overlay_check(const struct ynode *n, struct flow_diag *diag)
{
    if (n == NULL || n->kind == YN_SCALAR)
        return;
    bool map = n->kind == YN_MAP, named = !map && all_named(n);
    struct labelled *l = flow_xcalloc(n->n + 1, sizeof *l);
    size_t k = 0;
    for (size_t i = 0; i < n->n; i += map ? 2 : 1) {
        if (map && n->kids[i]->kind == YN_SCALAR)
            l[k++] = (struct labelled){n->kids[i]->text, n->kids[i]};
        else if (named)
            l[k].node = flow__ytree_get(n->kids[i], "name"), l[k].text = l[k].node->text, k++;
    }
    repeats(l, k, map ? "key" : "name", diag);
    free(l);
    for (size_t i = map ? 1 : 0; i < n->n; i += map ? 2 : 1)
        overlay_check(n->kids[i], diag);
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return NULL;
    return slash == path ? flow_xstrdup("/") : flow_xstrndup(path, (size_t)(slash - path));
}

static char *read_file(const char *path, const char *written, const char *shown, int line,
                       int col, size_t *len, struct flow_diag *diag);

/* Whether root's `extends` can be followed: an overlay's own keys sound, a file named, not
 * nested too deep (said when not). */
static bool extends_sound(struct ynode *root, const struct ynode *ext, const struct sources *src,
                          struct flow_diag *diag)
{
    size_t before = diag->errors;
    overlay_check(root, diag);
    if (diag->errors != before)
        return false;
    if (ext->kind != YN_SCALAR || ext->len == 0) {
        flow_diag_error(diag, ext->src, ext->line, ext->col, "'extends' must be the name of a scenario file");
        return false;
    }
    if (src->n >= MAX_EXTENDS) {
        flow_diag_error(diag, ext->src, ext->line, ext->col,
                        "'extends' is nested more than %d deep (or loops back on itself)", MAX_EXTENDS);
        return false;
    }
    return true;
}

static struct ynode *load_tree(const char *name, const char *text, size_t len, const char *dir,
                               struct sources *src, struct flow_diag *diag);

/* The base scenario `extends` names (relative to dir), loaded in turn: a mapping, or NULL
 * (said). Its path and text are kept in src. */
static struct ynode *load_base(const struct ynode *ext, const char *dir, struct sources *src, struct flow_diag *diag)
{
    char *path = (ext->text[0] == '/' || dir == NULL) ? flow_xstrdup(ext->text)
                                                      : flow_xasprintf("%s/%s", dir, ext->text);
    src->names[src->n++] = path;
    size_t blen;
    char *btext = read_file(path, ext->text, ext->src, ext->line, ext->col, &blen, diag);
    char *bdir = dir_of(path);
    size_t errors = diag->errors;
    src->texts[src->n - 1] = btext;
    struct ynode *base = btext ? load_tree(path, btext, blen, bdir, src, diag) : NULL;
    free(bdir);
    if (base != NULL && base->kind != YN_MAP) {
        flow__ytree_free(base);
        base = NULL;
    }
    if (base == NULL && btext != NULL && diag->errors == errors)
        flow_diag_error(diag, ext->src, ext->line, ext->col, "'extends' names '%.200s', which is "
                        "not a scenario (a YAML mapping of keys such as name, wards, groups)", ext->text);
    return base;
}

/* Removes the `extends` key (and its value) from root. */
static void drop_extends(struct ynode *root)
{
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        if (strcmp(root->kids[i]->text, "extends") == 0) {
            flow__ytree_free(root->kids[i]);
            flow__ytree_free(root->kids[i + 1]);
            memmove(&root->kids[i], &root->kids[i + 2], (root->n - i - 2) * sizeof *root->kids);
            root->n -= 2;
            return;
        }
    }
}

/* Parses text; if it has `extends: FILE`, loads that (recursively, relative to dir) and lays
 * this tree over it. */
static struct ynode *load_tree(const char *name, const char *text, size_t len, const char *dir,
                               struct sources *src, struct flow_diag *diag)
{
    struct ynode *root = flow__ytree_parse(text, len, name, 0, 0, diag);
    const struct ynode *ext = root ? flow__ytree_get(root, "extends") : NULL;
    if (ext == NULL)
        return root;
    struct ynode *base = extends_sound(root, ext, src, diag) ? load_base(ext, dir, src, diag) : NULL;
    if (base == NULL) {
        flow__ytree_free(root);
        return NULL;
    }
    char *base_name = flow_xstrdup(ext->text);
    drop_extends(root);                /* ext is freed with it */
    struct ynode *merged = merge(base, root, (struct merging){diag, base_name, NULL});
    free(base_name);
    return merged;
}

struct flow_scenario *flow_scenario_load_text(const char *name, const char *text, size_t len,
                                              const char *dir, const char *const *sets,
                                              size_t nsets, struct flow_diag *diag)
{
    size_t before = diag->errors;
    struct sources src = {0};
    struct ynode *root = load_tree(name, text, len, dir, &src, diag);
    if (root == NULL) {
        for (size_t i = 0; i < src.n; i++)
            free(src.names[i]), free(src.texts[i]);
        return NULL;
    }
    for (size_t i = 0; i < nsets; i++)
        flow__override_apply(root, sets[i], (int)i, diag);
    struct flow_scenario *sc = flow_xcalloc(1, sizeof *sc);
    sc->fingerprint = flow__ytree_hash(root, 14695981039346656037ULL);
    if (diag->errors == before)
        flow__schema_convert(root, dir, sc, diag);
    flow__ytree_free(root);
    sc->nbases = src.n;
    sc->base_files = flow_xcalloc(src.n + 1, sizeof *sc->base_files);
    sc->base_texts = flow_xcalloc(src.n + 1, sizeof *sc->base_texts);
    for (size_t i = 0; i < src.n; i++) {
        sc->base_files[i] = src.names[i];
        sc->base_texts[i] = src.texts[i] ? src.texts[i] : flow_xstrdup("");
    }
    if (diag->errors != before) {
        flow_scenario_destroy(sc);
        return NULL;
    }
    return sc;
}

struct ynode *flow__scenario_tree(const char *name, const char *text, size_t len, const char *dir,
                                 const char *const *sets, size_t nsets, char ***names,
                                 struct flow_diag *diag)
{
    size_t before = diag->errors;
    struct sources src = {0};
    struct ynode *root = load_tree(name, text, len, dir, &src, diag);
    for (size_t i = 0; root != NULL && i < nsets; i++)
        flow__override_apply(root, sets[i], (int)i, diag);
    *names = flow_xcalloc(src.n + 1, sizeof **names);
    for (size_t i = 0; i < src.n; i++) {
        (*names)[i] = src.names[i];
        free(src.texts[i]);
    }
    if (root != NULL && diag->errors != before) {
        flow__ytree_free(root);
        root = NULL;
    }
    return root;
}

void flow__scenario_tree_free(struct ynode *root, char **names)
{
    flow__ytree_free(root);
    for (size_t i = 0; names != NULL && names[i] != NULL; i++)
        free(names[i]);
    free(names);
}

/* Reads a whole file of at most 8 MiB. `written` is how the file was named in another file
 * (NULL for the scenario itself); diagnostics point to shown:line:col. */
static char *read_file(const char *path, const char *written, const char *shown, int line,
                       int col, size_t *len, struct flow_diag *diag)
{
    char what[300];
    if (written)
        snprintf(what, sizeof what, "'%.200s'%s", written,
                 written[0] == '/' ? "" : " (the path is relative to this file)");
    else
        snprintf(what, sizeof what, "the scenario");
    const char *why = NULL;
    char *text = flow_read_regular(path, YTREE_MAX_BYTES, len, &why);
    if (text == NULL && strcmp(why, "too large") == 0)
        flow_diag_error(diag, shown, line, col, "%s is larger than the limit of %d bytes (8 MiB)",
                        written ? what : "the file", YTREE_MAX_BYTES);
    else if (text == NULL)
        flow_diag_error(diag, shown, line, col, "cannot read %s: %s", what, why);
    return text;
}

struct flow_scenario *flow_scenario_load_file(const char *path, const char *const *sets,
                                              size_t nsets, struct flow_diag *diag)
{
    size_t len;
    char *text = read_file(path, NULL, path, 1, 1, &len, diag);
    if (text == NULL)
        return NULL;
    char *dir = dir_of(path);
    struct flow_scenario *sc = flow_scenario_load_text(path, text, len, dir, sets, nsets, diag);
    free(dir);
    free(text);
    return sc;
}
