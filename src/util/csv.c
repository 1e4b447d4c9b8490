/* csv.c - the one CSV reader (include/flowsim/csv.h): whole file, BOM, NUL, quoted fields,
 * columns, blank and comment lines, and fields shown safely in messages. */
#include <flowsim/csv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void locate(const char *text, const char *at, int *line, int *col)
{
    *line = 1, *col = 1;
    for (const char *p = text; p < at; p++)
        *p == '\n' ? (++*line, *col = 1) : ++*col;
}

const char *flow_csv_open(struct flow_csv *c, const char *path, const char *what, size_t limit, bool comments,
                          struct flow_diag *diag)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    c->comments = comments;
    const char *why = NULL;
    c->text = flow_read_regular(path, limit, &c->len, &why);
    if (c->text == NULL)
        return why;
    const char *nul = memchr(c->text, '\0', c->len);
    if (nul != NULL) {
        int line, col;
        locate(c->text, nul, &line, &col);
        flow_diag_error(diag, path, line, col, "a NUL byte: %s must be a text (CSV) file", what);
        flow_csv_close(c);
        return "";
    }
    c->next = c->text;
    if (c->len >= 3 && memcmp(c->text, "\xEF\xBB\xBF", 3) == 0)
        c->next += 3;            /* a UTF-8 byte-order mark, as Excel writes */
    return NULL;
}

void flow_csv_close(struct flow_csv *c)
{
    free(c->text);
    free(c->f);
    free(c->col);
    memset(c, 0, sizeof *c);
}

char *flow_csv_joined(const struct flow_csv *c, long n)
{
    size_t len = 1;
    for (long i = 0; i < n; i++)
        len += strlen(c->f[i]) + 1;
    char *out = flow_xmalloc(len), *p = out;
    for (long i = 0; i < n; i++)
        p += sprintf(p, "%s%s", i ? "," : "", c->f[i]);
    *p = '\0';
    return out;
}

/* One line into fields, in place; the count, or -1 with the error in diag. */
static long split(struct flow_csv *c, char *line, int col0, struct flow_diag *diag)
{
    long n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        char *start = p, *out = p;
        int col = (int)(p - line) + col0;
        if (*p == '"') {
            start = out = ++p;
            for (;;) {
                if (*p == '\0') {
                    flow_diag_error(diag, c->path, c->line, col, "a quoted field is not closed on its line");
                    return -1;
                }
                if (*p == '"' && p[1] == '"')
                    *out++ = '"', p += 2;
                else if (*p == '"')
                    break;
                else
                    *out++ = *p++;
            }
            p++;
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p != ',' && *p != '\0') {
                flow_diag_error(diag, c->path, c->line, (int)(p - line) + col0,
                                "text after a quoted field's closing quote (a quote inside a field is written \"\")");
                return -1;
            }
        } else {
            while (*p && *p != ',')
                out++, p++;
            while (out > start && (out[-1] == ' ' || out[-1] == '\t'))
                out--;
        }
        char next = *p;
        *out = '\0';
        if ((size_t)n >= FLOW_CSV_MAX_FIELDS) {
            flow_diag_error(diag, c->path, c->line, col, "more than %d fields in a row", FLOW_CSV_MAX_FIELDS);
            return -1;
        }
        if ((size_t)n == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 16;
            c->f = flow_xrealloc(c->f, c->cap * sizeof *c->f);
            c->col = flow_xrealloc(c->col, c->cap * sizeof *c->col);
        }
        c->f[n] = start, c->col[n] = col;
        n++;
        if (next != ',')
            return n;
        p++;
    }
}

long flow_csv_row(struct flow_csv *c, struct flow_diag *diag)
{
    while (c->next != NULL && c->next < c->text + c->len) {
        char *line = c->next, *nl = memchr(line, '\n', (size_t)(c->text + c->len - line));
        if (nl != NULL)
            *nl = '\0';
        c->next = nl ? nl + 1 : NULL;
        c->line++;
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\r')
            line[--n] = '\0';
        const char *q = line;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '\0' || (c->comments && *q == '#'))
            continue;
        return split(c, line, 1, diag);
    }
    return 0;
}

const char *flow_csv_shown(const char *s, size_t max, char *buf, size_t size)
{
    size_t k = 0, chars = 0, n = strlen(s);
    for (size_t i = 0; i < n && k + 8 < size; chars++) {
        if (chars == max) {
            memcpy(buf + k, "...", 3), k += 3;
            break;
        }
        const unsigned char *p = (const unsigned char *)s + i;
        size_t len = flow_utf8_len(p, n - i);
        if (len == 1 && *p >= 0x20 && *p != 0x7f) {
            buf[k++] = (char)*p, i++;
        } else if (len > 1) {
            memcpy(buf + k, p, len), k += len, i += len;
        } else {
            k += (size_t)snprintf(buf + k, size - k, *p == '\t' ? "\\t" : *p == '\r' ? "\\r" : "\\x%02X", *p);
            i++;
        }
    }
    buf[k] = '\0';
    return buf;
}
