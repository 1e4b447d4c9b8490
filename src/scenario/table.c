/* table.c - the scenario schema's table engine: one table per mapping says each key's reader,
 * whether it is required, its default (written as it would be in a file, and parsed by the
 * same reader), its bounds and where it goes. Parsing, defaults, bounds and unknown-key errors
 * all come from these tables, as Redis does with static_configs[]. Errors are collected, not
 * fatal, so a user sees every mistake at once. This file holds the diagnostics, the scalar
 * readers and the reading of mappings. */
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

void flow__schema_err(struct ctx *c, const struct ynode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = flow_xvasprintf(fmt, ap);
    va_end(ap);
    flow_diag_error(c->diag, n->src, n->line, n->col, "%s", what);
    free(what);
}

/* A value as flow__schema_shown in a message: quoted, shortened, and only its first line. */
const char *flow__schema_shown(const struct ynode *n, char *buf, size_t size)
{
    if (n->kind == YN_MAP)
        return "a mapping";
    if (n->kind == YN_SEQ)
        return "a list";
    if (n->len == 0)
        return "nothing";
    size_t k = 0;
    buf[k++] = '\'';
    for (size_t i = 0; i < n->len && k + 5 < size; i++) {
        unsigned char ch = (unsigned char)n->text[i];
        buf[k++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    if (n->len > size - 6)
        buf[k++] = '.', buf[k++] = '.';
    buf[k++] = '\'';
    buf[k] = '\0';
    return buf;
}

bool flow__schema_need_scalar(struct ctx *c, const struct ynode *n, const char *key, const char *expect)
{
    char b[80];
    if (n->kind == YN_SCALAR && n->len > 0 && strlen(n->text) == n->len)
        return true;
    flow__schema_err(c, n, "'%s' must be %s; found %s", key, expect, flow__schema_shown(n, b, sizeof b));
    return false;
}

/* Formats a bound in days with the unit that reads best. */
static void fmt_days(char *buf, size_t size, double d)
{
    if (d > 0 && d < 1.0 / 24)
        snprintf(buf, size, "%gm", d * 1440);
    else if (d > 0 && d < 1)
        snprintf(buf, size, "%gh", d * 24);
    else
        snprintf(buf, size, "%gd", d);
}

/* ---- scalar readers ------------------------------------------------------------------ */

bool flow__schema_control(const char *p)
{
    unsigned char b = (unsigned char)p[0], next = (unsigned char)p[1];
    return b < 0x20 || b == 0x7f || (b == 0xc2 && next >= 0x80 && next <= 0x9f);  /* C0, DEL, C1 */
}

void read_name(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    if (!flow__schema_need_scalar(c, n, f->key, "a name"))
        return;
    if (n->len > FLOW_MAX_NAME) {
        flow__schema_err(c, n, "'%s' is %zu characters long; the limit is %d", f->key, n->len, FLOW_MAX_NAME);
        return;
    }
    for (const char *p = n->text; *p; p++) {
        if (flow__schema_control(p) || *p == '.' || *p == '=') {
            flow__schema_err(c, n, "'%s' must not contain '.', '=' or control characters (it is used in paths "
                      "such as wards.NAME.beds)", f->key);
            return;
        }
    }
    *(char **)dst = flow_xstrdup(n->text);
}

void read_text(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    if (!flow__schema_need_scalar(c, n, f->key, "a text value"))
        return;
    if (n->len > 1000) {
        flow__schema_err(c, n, "'%s' is %zu characters long; the limit is 1000", f->key, n->len);
        return;
    }
    for (const char *p = n->text; *p; p++) {
        if (flow__schema_control(p)) {
            flow__schema_err(c, n, "'%s' must not contain control characters (such as ESC, CR or LF): "
                            "it is printed in reports and on terminals", f->key);
            return;
        }
    }
    *(char **)dst = flow_xstrdup(n->text);
}

void read_int(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char expect[96], b[80];
    snprintf(expect, sizeof expect, "a whole number from %.0f to %.0f", f->min, f->max);
    if (!flow__schema_need_scalar(c, n, f->key, expect))
        return;
    long long v;
    if (flow_parse_int(n->text, &v) != NULL || v < f->min || v > f->max) {
        flow__schema_err(c, n, "'%s' must be %s; found %s", f->key, expect, flow__schema_shown(n, b, sizeof b));
        return;
    }
    *(int *)dst = (int)v;
}

/* Seeds stop at 2^53 - 1 so that they survive any JSON reader, which may hold numbers as doubles. */
void read_seed(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    const char *expect = "a whole number from 0 to 9007199254740991";
    char b[80];
    if (!flow__schema_need_scalar(c, n, f->key, expect))
        return;
    long long v;
    if (flow_parse_int(n->text, &v) != NULL || v < 0 || v > FLOW_MAX_SEED) {
        flow__schema_err(c, n, "'%s' must be %s; found %s", f->key, expect, flow__schema_shown(n, b, sizeof b));
        return;
    }
    *(uint64_t *)dst = (uint64_t)v;
}

bool flow__schema_range_err(struct ctx *c, const struct ynode *n, const char *key, const char *why)
{
    char b[80];
    if (why == flow_parse_too_large)
        flow__schema_err(c, n, "'%s' is out of range: %s is too large to hold (numbers are at most "
                        "1.8e308 in size)", key, flow__schema_shown(n, b, sizeof b));
    else if (why == flow_parse_too_small)
        flow__schema_err(c, n, "'%s' is out of range: %s is too small to hold (write 0, or a number "
                        "of at least 2.2e-308 in size)", key, flow__schema_shown(n, b, sizeof b));
    return why == flow_parse_too_large || why == flow_parse_too_small;
}

void read_real(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char expect[96], b[80];
    snprintf(expect, sizeof expect, "a number from %g to %g", f->min, f->max);
    if (!flow__schema_need_scalar(c, n, f->key, expect))
        return;
    double v;
    const char *why = flow_parse_number(n->text, &v);
    if (flow__schema_range_err(c, n, f->key, why))
        return;
    if (why != NULL || v < f->min || v > f->max) {
        flow__schema_err(c, n, "'%s' must be %s; found %s", f->key, expect, flow__schema_shown(n, b, sizeof b));
        return;
    }
    *(double *)dst = v;
}

void read_prob(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char b[80];
    const char *expect = "a probability from 0 to 1";
    if (!flow__schema_need_scalar(c, n, f->key, expect))
        return;
    double v;
    const char *why = flow_parse_number(n->text, &v);
    if (flow__schema_range_err(c, n, f->key, why))
        return;
    if (why != NULL || v < 0 || v > 1) {
        flow__schema_err(c, n, "'%s' must be %s; found %s", f->key, expect, flow__schema_shown(n, b, sizeof b));
        return;
    }
    *(double *)dst = v;
}

/* A count (visits a day) where a distribution would take a duration: a bare number, 0 to 1e6. */
static void read_count(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char b[80];
    if (!flow__schema_need_scalar(c, n, f->key, "a number of visits a day, such as 2"))
        return;
    double v;
    const char *why = flow_parse_number(n->text, &v);
    if (why == NULL && !(v >= 0 && v <= 1e6))
        why = "a number of visits a day from 0 to 1000000";
    if (why != NULL) {
        flow__schema_err(c, n, "'%s' must be %s (visits are counts: no unit); found %s", f->key, why,
                        flow__schema_shown(n, b, sizeof b));
        return;
    }
    *(double *)dst = v;
}

void read_duration(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char b[80], lo[32], hi[32];
    if (c->counts && f->max >= 1) {          /* a distribution's parameter, read as a count */
        read_count(c, n, dst, f);
        return;
    }
    if (!flow__schema_need_scalar(c, n, f->key, "a duration with a unit (m, h, d or w), such as 90m or 1.5d"))
        return;
    double v;
    const char *why = flow_parse_duration(n->text, &v);
    if (flow__schema_range_err(c, n, f->key, why))
        return;
    if (why != NULL) {
        flow__schema_err(c, n, "'%s' must be %s; found %s", f->key, why, flow__schema_shown(n, b, sizeof b));
        return;
    }
    if (v < f->min || v > f->max) {
        fmt_days(lo, sizeof lo, f->min);
        fmt_days(hi, sizeof hi, f->max);
        flow__schema_err(c, n, "'%s' must be a duration from %s to %s; found %s", f->key, lo, hi,
            flow__schema_shown(n, b, sizeof b));
        return;
    }
    *(double *)dst = v;
}

void read_rate(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char b[80];
    if (!flow__schema_need_scalar(c, n, f->key, "a rate such as 20/d"))
        return;
    double v;
    const char *why = flow_parse_rate(n->text, &v);
    if (flow__schema_range_err(c, n, f->key, why))
        return;
    if (why != NULL) {
        flow__schema_err(c, n, "'%s' must be %s; found %s", f->key, why, flow__schema_shown(n, b, sizeof b));
        return;
    }
    if (v < f->min || v > f->max) {
        flow__schema_err(c, n, "'%s' must be a rate from %g/d to %g/d; found %s", f->key, f->min, f->max,
            flow__schema_shown(n, b, sizeof b));
        return;
    }
    *(double *)dst = v;
}

const char *flow__schema_nearest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, len = strlen(word);
    size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    for (size_t i = 0; i < n; i++) {
        size_t other = strlen(names[i]);
        if ((other > len ? other - len : len - other) > limit)
            continue;   /* the distance is at least the difference in length */
        size_t d = flow_edit_distance(word, names[i]);
        if (d < best_d)
            best_d = d, best = names[i];
    }
    return best_d <= limit ? best : NULL;
}

void flow__schema_join(char *buf, size_t size, const char *const *names, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s%s", i ? ", " : "", names[i]);
}

void read_enum(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    const char *const *names = f->aux;
    size_t count = 0;
    while (names[count])
        count++;
    char all[256], expect[300], b[80];
    flow__schema_join(all, sizeof all, names, count);
    snprintf(expect, sizeof expect, "one of %s", all);
    if (!flow__schema_need_scalar(c, n, f->key, expect))
        return;
    for (size_t i = 0; i < count; i++) {
        if (strcmp(n->text, names[i]) == 0) {
            *(int *)dst = (int)i;
            return;
        }
    }
    const char *near = flow__schema_nearest(n->text, names, count);
    if (near)
        flow__schema_err(c, n, "'%s' must be one of %s; found %s; did you mean '%s'?", f->key, all,
            flow__schema_shown(n, b, sizeof b), near);
    else
        flow__schema_err(c, n, "'%s' must be one of %s; found %s", f->key, all, flow__schema_shown(n, b, sizeof b));
}

/* A list of exactly f->max relative weights, rescaled to mean 1. */
void read_weights(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    size_t want = (size_t)f->max;
    char b[80];
    if (n->kind != YN_SEQ || n->n != want) {
        if (n->kind == YN_SEQ)
            flow__schema_err(c, n, "'%s' must be a list of %zu weights; found %zu", f->key, want, n->n);
        else
            flow__schema_err(c, n, "'%s' must be a list of %zu weights, such as [1, 1.2, ...]; found %s",
                f->key, want, flow__schema_shown(n, b, sizeof b));
        return;
    }
    double *w = dst, sum = 0;
    bool ok = true;
    for (size_t i = 0; i < want; i++) {
        const struct ynode *k = n->kids[i];
        double v;
        const char *why = k->kind == YN_SCALAR ? flow_parse_number(k->text, &v) : "a number";
        if (flow__schema_range_err(c, k, f->key, why)) {
            ok = false;
            continue;
        }
        if (why != NULL || v < 0 || v > 1e9) {
            flow__schema_err(c, k, "'%s' weights must be numbers from 0 to 1e9; found %s", f->key,
                flow__schema_shown(k, b, sizeof b));
            ok = false;
            continue;
        }
        w[i] = v;
        sum += v;
    }
    if (ok && !(sum > 0)) {
        flow__schema_err(c, n, "'%s' weights must not all be zero", f->key);
        return;
    }
    for (size_t i = 0; ok && i < want; i++)
        w[i] *= (double)want / sum;
}

/* ---- mappings ------------------------------------------------------------------------- */

static const struct field *find_field(const struct schema *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->fields[i].key, key) == 0)
            return &s->fields[i];
    return NULL;
}

static void unknown_key(struct ctx *c, const struct schema *s, const struct ynode *key)
{
    const char *names[64];
    size_t count = 0;
    for (size_t i = 0; i < s->n && count < 64; i++)
        names[count++] = s->fields[i].key;
    char all[512], b[80];
    flow__schema_join(all, sizeof all, names, count);
    const char *near = flow__schema_nearest(key->text, names, count);
    if (near)
        flow__schema_err(c, key, "unknown key %s in %s; did you mean '%s'?", flow__schema_shown(key, b, sizeof b),
            s->what, near);
    else
        flow__schema_err(c, key, "unknown key %s in %s (valid keys: %s)", flow__schema_shown(key, b, sizeof b), s->what, all);
}

/* Checks keys (unknown, duplicate, not scalar), then reads every field in table order. */
bool read_map(struct ctx *c, const struct ynode *n, const struct schema *s, void *dst)
{
    char b[80];
    if (n->kind != YN_MAP) {
        flow__schema_err(c, n, "%s must be a mapping of keys to values; found %s", s->what, flow__schema_shown(n, b, sizeof b));
        return false;
    }
    for (size_t i = 0; i + 1 < n->n; i += 2) {
        const struct ynode *k = n->kids[i];
        if (find_field(s, k->text) == NULL) {
            unknown_key(c, s, k);
            continue;
        }
        for (size_t j = 0; j < i; j += 2) {
            if (strcmp(n->kids[j]->text, k->text) == 0) {
                flow__schema_err(c, k, "duplicate key '%s' in %s (first given at line %d)", k->text, s->what,
                    n->kids[j]->line);
                break;
            }
        }
    }
    for (size_t i = 0; i < s->n; i++) {
        const struct field *f = &s->fields[i];
        const struct ynode *v = flow__ytree_get(n, f->key);
        if (v != NULL) {
            f->read(c, v, (char *)dst + f->off, f);
        } else if (f->required) {
            flow__schema_err(c, n, "%s is missing the required key '%s'", s->what, f->key);
        } else if (f->dflt != NULL) {
            struct ynode d = {.kind = YN_SCALAR, .src = "<default>", .line = 1, .col = 1,
                              .text = (char *)f->dflt, .len = strlen(f->dflt), .plain = true};
            f->read(c, &d, (char *)dst + f->off, f);
        }
    }
    return true;
}

int flow__schema_lookup_name(struct ctx *c, const struct ynode *n, const char *what,
                            const char *const *names, size_t count)
{
    char b[80];
    for (size_t i = 0; i < count; i++)
        if (names[i] != NULL && strcmp(names[i], n->text) == 0)
            return (int)i;
    if (c->diag->count >= FLOW_DIAG_MAX) {   /* not shown: count it, spare the search */
        flow__schema_err(c, n, "unknown %s", what);
        return -1;
    }
    const char *valid[FLOW_MAX_WARDS] = {0};
    size_t k = 0;
    for (size_t i = 0; i < count && k < FLOW_MAX_WARDS; i++)
        if (names[i] != NULL)
            valid[k++] = names[i];
    const char *near = flow__schema_nearest(n->text, valid, k);
    if (near) {
        flow__schema_err(c, n, "unknown %s %s; did you mean '%s'?", what, flow__schema_shown(n, b, sizeof b), near);
    } else if (k > 0 && k <= 12) {
        char all[1024];
        flow__schema_join(all, sizeof all, valid, k);
        flow__schema_err(c, n, "unknown %s %s (%ss are: %s)", what, flow__schema_shown(n, b, sizeof b), what, all);
    } else {
        flow__schema_err(c, n, "unknown %s %s", what, flow__schema_shown(n, b, sizeof b));
    }
    return -1;
}

/* Reads a list of mappings into a new array of `size`-byte items, each first given its
 * defaults by init (may be NULL). */
void *read_list_init(struct ctx *c, const struct ynode *n, const char *key,
                            const struct schema *s, size_t size, size_t max, size_t *count,
                            void (*init)(void *item))
{
    char b[80];
    if (n->kind != YN_SEQ || n->n == 0) {
        flow__schema_err(c, n, "'%s' must be a non-empty list (each item starting with '- '); found %s", key,
            n->kind == YN_SEQ ? "an empty list" : flow__schema_shown(n, b, sizeof b));
        return NULL;
    }
    if (n->n > max) {
        flow__schema_err(c, n, "'%s' has %zu items; the limit is %zu", key, n->n, max);
        return NULL;
    }
    char *items = flow_xcalloc(n->n, size);
    *count = n->n;
    for (size_t i = 0; i < n->n; i++) {
        if (init)
            init(items + i * size);
        read_map(c, n->kids[i], s, items + i * size);
    }
    return items;
}

void *read_list(struct ctx *c, const struct ynode *n, const char *key,
                       const struct schema *s, size_t size, size_t max, size_t *count)
{
    return read_list_init(c, n, key, s, size, max, count, NULL);
}

void check_unique(struct ctx *c, const struct ynode *list, const char *what)
{
    for (size_t i = 0; i < list->n; i++) {
        const struct ynode *a = flow__ytree_get(list->kids[i], "name");
        for (size_t j = 0; a && a->kind == YN_SCALAR && j < i; j++) {
            const struct ynode *b = flow__ytree_get(list->kids[j], "name");
            if (b && b->kind == YN_SCALAR && strcmp(a->text, b->text) == 0) {
                flow__schema_err(c, a, "duplicate %s name '%s' (first given at line %d)", what, a->text, b->line);
                break;
            }
        }
    }
}
