/* ytree.c - turns libyaml's event stream into a ytree, enforcing the loader's limits (size,
 * depth, node count) and refusing aliases, so that alias bombs and deep nesting fail fast with
 * a clear message. The only file in flowsim that includes <yaml.h>. */
#include "ytree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct builder {
    const char *src;
    int line_off, col_off;
    struct flow_diag *diag;
    const char *text;
    size_t len;
    struct ynode *stack[YTREE_MAX_DEPTH + 1];
    int depth;
    size_t nodes;
    struct ynode *root;
    int docs;
};

struct ynode *flow__ytree_new(enum ynode_kind kind, const char *src, int line, int col)
{
    struct ynode *n = flow_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->src = src;
    n->line = line;
    n->col = col;
    return n;
}

void flow__ytree_free(struct ynode *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->n; i++)
        flow__ytree_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n);
}

void flow__ytree_append(struct ynode *parent, struct ynode *kid)
{
    flow_xgrow((void **)&parent->kids, &parent->cap, parent->n + 1, sizeof *parent->kids);
    parent->kids[parent->n++] = kid;
}

struct ynode *flow__ytree_get(const struct ynode *map, const char *key)
{
    if (map == NULL || map->kind != YN_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (map->kids[i]->kind == YN_SCALAR && strcmp(map->kids[i]->text, key) == 0)
            return map->kids[i + 1];
    return NULL;
}

/* Text with a column offset is a --set value: one line of a command line, whatever line
 * libyaml's end-of-input mark claims. */
static int pos_line(const struct builder *b, yaml_mark_t m)
{
    return b->col_off > 0 ? 1 + b->line_off : (int)m.line + 1 + b->line_off;
}

static int pos_col(const struct builder *b, yaml_mark_t m)
{
    if (b->col_off > 0 && m.line > 0)
        return b->col_off + (int)b->len + 1;
    return (int)m.column + 1 + (m.line == 0 ? b->col_off : 0);
}

static void fail(struct builder *b, yaml_mark_t m, const char *what)
{
    flow_diag_error(b->diag, b->src, pos_line(b, m), pos_col(b, m), "%s", what);
}

/* Attaches a finished node to its parent (or makes it the root). */
static bool attach(struct builder *b, struct ynode *n, yaml_mark_t m)
{
    if (++b->nodes > YTREE_MAX_NODES) {
        flow__ytree_free(n);
        fail(b, m, "too many values in one file (the limit is 500000)");
        return false;
    }
    if (b->depth == 0) {
        if (b->root != NULL) {
            flow__ytree_free(n);
            fail(b, m, "more than one YAML document; a scenario is one document");
            return false;
        }
        b->root = n;
        return true;
    }
    struct ynode *parent = b->stack[b->depth - 1];
    if (parent->kind == YN_MAP && parent->n % 2 == 0 && n->kind != YN_SCALAR) {
        flow__ytree_free(n);
        fail(b, m, "a mapping key must be a plain value, not a list or mapping");
        return false;
    }
    flow__ytree_append(parent, n);
    return true;
}

/* Tags (!!str, !!python/object, !custom) would change how a value is read, and are not ours
 * to honour: refused rather than silently dropped. */
static bool refuse_tag(struct builder *b, const yaml_event_t *ev, const unsigned char *tag, bool implicit)
{
    if (tag == NULL || implicit)
        return false;
    const char *t = (const char *)tag, *core = "tag:yaml.org,2002:";
    bool short_form = strncmp(t, core, strlen(core)) == 0;   /* shown as written: !!str */
    char what[200];
    snprintf(what, sizeof what, "YAML tags ('%s%.80s') are not supported; write the plain value",
             short_form ? "!!" : "", short_form ? t + strlen(core) : t);
    fail(b, ev->start_mark, what);
    return true;
}

static bool on_scalar(struct builder *b, const yaml_event_t *ev)
{
    if (refuse_tag(b, ev, ev->data.scalar.tag,
                   ev->data.scalar.plain_implicit || ev->data.scalar.quoted_implicit))
        return false;
    if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL) {
        fail(b, ev->start_mark, "a value or key holds a NUL character (\\0)");
        return false;
    }
    struct ynode *n = flow__ytree_new(YN_SCALAR, b->src, pos_line(b, ev->start_mark),
                                pos_col(b, ev->start_mark));
    n->len = ev->data.scalar.length;
    n->text = flow_xstrndup((const char *)ev->data.scalar.value, n->len);
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return attach(b, n, ev->start_mark);
}

static bool on_open(struct builder *b, const yaml_event_t *ev, enum ynode_kind kind)
{
    if (b->depth >= YTREE_MAX_DEPTH) {
        fail(b, ev->start_mark, "nesting is too deep (the limit is 32 levels)");
        return false;
    }
    struct ynode *n = flow__ytree_new(kind, b->src, pos_line(b, ev->start_mark),
                                pos_col(b, ev->start_mark));
    if (!attach(b, n, ev->start_mark))
        return false;
    b->stack[b->depth++] = n;
    return true;
}

static bool on_event(struct builder *b, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return on_scalar(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        if (refuse_tag(b, ev, ev->data.sequence_start.tag, ev->data.sequence_start.implicit))
            return false;
        return on_open(b, ev, YN_SEQ);
    case YAML_MAPPING_START_EVENT:
        if (refuse_tag(b, ev, ev->data.mapping_start.tag, ev->data.mapping_start.implicit))
            return false;
        return on_open(b, ev, YN_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        b->depth--;
        return true;
    case YAML_ALIAS_EVENT:
        fail(b, ev->start_mark, "YAML aliases (*name) are not supported; write the value out in full");
        return false;
    case YAML_DOCUMENT_START_EVENT:
        if (++b->docs > 1) {
            fail(b, ev->start_mark, "more than one YAML document; a scenario is one document");
            return false;
        }
        return true;
    default:
        return true;
    }
}

/* libyaml gives up on a key longer than 1,024 characters with a puzzling message at the key's
 * far end; when the error sits on the ':' after such a key, say so at the key's start. */
static bool long_key(struct builder *b, const yaml_parser_t *p)
{
    size_t at = p->problem_mark.index;
    if (at >= b->len || b->text[at] != ':' || at == 0)
        return false;
    size_t start = at;
    char q = b->text[at - 1];
    if (q == '"' || q == '\'') {
        start = at - 1;
        while (start > 0 && b->text[start - 1] != q)
            start--;
        start = start > 0 ? start - 1 : 0;
    } else {
        while (start > 0 && !strchr(" \t\r\n{[,", b->text[start - 1]))
            start--;
    }
    size_t n = at - start;
    if (n <= 1024 || n > p->problem_mark.column)
        return false;
    yaml_mark_t m = p->problem_mark;
    m.column -= n;
    char what[160];
    snprintf(what, sizeof what, "a key of %zu characters; YAML allows at most 1,024 characters in a "
             "key", n);
    fail(b, m, what);
    return true;
}

static void syntax_error(struct builder *b, const yaml_parser_t *p)
{
    yaml_mark_t m = p->problem_mark;
    if (p->error == YAML_READER_ERROR) {
        /* The reader reports a byte offset; turn it into a line and column. */
        m.line = 0;
        m.column = 0;
        for (size_t i = 0; i < p->problem_offset && i < b->len; i++) {
            if (b->text[i] == '\n') {
                m.line++;
                m.column = 0;
            } else {
                m.column++;
            }
        }
        char what[256];
        snprintf(what, sizeof what, "not valid UTF-8 text: %s", p->problem ? p->problem : "unreadable");
        fail(b, m, what);
        return;
    }
    if (long_key(b, p))
        return;
    char what[512];
    snprintf(what, sizeof what, "YAML syntax error: %s%s%s", p->problem ? p->problem : "invalid YAML",
             p->context ? " " : "", p->context ? p->context : "");
    fail(b, m, what);
}

struct ynode *flow__ytree_parse(const char *text, size_t len, const char *src, int line_off,
                          int col_off, struct flow_diag *diag)
{
    struct builder b = {.src = src, .text = text, .len = len, .line_off = line_off, .col_off = col_off, .diag = diag};
    if (len > YTREE_MAX_BYTES) {
        flow_diag_error(diag, src, 1 + line_off, 1 + col_off,
                        "input is %zu bytes; the limit is %d bytes (8 MiB)", len, YTREE_MAX_BYTES);
        return NULL;
    }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        fprintf(stderr, "flowsim: out of memory (yaml_parser_initialize)\n");
        abort();
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    bool ok = true, done = false;
    while (ok && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            syntax_error(&b, &p);
            ok = false;
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        ok = on_event(&b, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (!ok) {
        flow__ytree_free(b.root);
        return NULL;
    }
    if (b.root == NULL) {
        b.root = flow__ytree_new(YN_SCALAR, src, 1 + line_off, 1 + col_off);
        b.root->text = flow_xstrdup("");
        b.root->plain = true;
    }
    return b.root;
}

uint64_t flow__hash_bytes(const void *p, size_t n, uint64_t h)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

uint64_t flow__ytree_hash(const struct ynode *n, uint64_t h)
{
    if (n == NULL)
        return h;
    unsigned char kind = (unsigned char)n->kind;
    h = flow__hash_bytes(&kind, 1, h);
    if (n->kind == YN_SCALAR)
        return flow__hash_bytes(n->text, n->len + 1, h);   /* the NUL ends each scalar */
    uint64_t count = n->n;
    h = flow__hash_bytes(&count, sizeof count, h);
    for (size_t i = 0; i < n->n; i++)
        h = flow__ytree_hash(n->kids[i], h);
    return h;
}
