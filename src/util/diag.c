/* diag.c - collects bad-input diagnostics so a loader can report every error, then stop. */
#include <flowsim/util.h>

#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

void flow_diag_init(struct flow_diag *d) { memset(d, 0, sizeof *d); }

void flow_diag_fini(struct flow_diag *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->count; i++)
        free(d->lines[i]);
    free(d->lines);
    memset(d, 0, sizeof *d);
}

static void add(struct flow_diag *d, const char *kind, const char *file, int line, int col,
                const char *fmt, va_list ap)
{
    if (d->count >= FLOW_DIAG_MAX)
        return;
    char *what = flow_xvasprintf(fmt, ap);
    /* Messages are single lines, and safe on a terminal: a control character quoted from the
     * input (a newline, an escape sequence) is shown as \xNN, never sent as itself. */
    char *safe = flow_xmalloc(4 * strlen(what) + 1), *o = safe;
    for (const unsigned char *p = (const unsigned char *)what; *p; p++) {
        bool c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
        if (*p < 0x20 || *p == 0x7f || c1) {
            o += sprintf(o, "\\x%02x", c1 ? p[1] : *p);
            p += c1;
        } else {
            *o++ = (char)*p;
        }
    }
    *o = '\0';
    flow_xgrow((void **)&d->lines, &d->cap, d->count + 1, sizeof *d->lines);
    d->lines[d->count++] = flow_xasprintf("%s:%d:%d: %s: %s", file, line < 1 ? 1 : line,
                                          col < 1 ? 1 : col, kind, safe);
    free(safe);
    free(what);
}

void flow_diag_error(struct flow_diag *d, const char *file, int line, int col, const char *fmt, ...)
{
    d->errors++;
    va_list ap;
    va_start(ap, fmt);
    add(d, "error", file, line, col, fmt, ap);
    va_end(ap);
}

void flow_diag_warning(struct flow_diag *d, const char *file, int line, int col, const char *fmt, ...)
{
    d->warnings++;
    va_list ap;
    va_start(ap, fmt);
    add(d, "warning", file, line, col, fmt, ap);
    va_end(ap);
}

size_t flow_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}
