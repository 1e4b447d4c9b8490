/* csvcol.c - reads the first column of a small CSV file as durations, for empirical
 * distributions ({dist: empirical, file: los.csv}). A first line that is not a value is taken
 * as a header; blank lines and lines starting with '#' are skipped. */
#include "schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *slurp(const char *path, char **text, size_t *len)
{
    const char *why = NULL;
    *text = flow_read_regular(path, YTREE_MAX_BYTES, len, &why);
    if (*text == NULL && strcmp(why, "too large") == 0)
        why = "the file is larger than the limit of 8 MiB";
    return *text ? NULL : why;
}

static double parse_cell(const char *cell, double unit_days, const char **why)
{
    double v;
    *why = flow_parse_duration(cell, &v);
    if (*why != NULL && unit_days > 0 && flow_parse_number(cell, &v) == NULL) {
        *why = NULL;
        v *= unit_days;
    }
    if (*why == NULL && v < 0)
        *why = "a duration that is not negative";
    else if (*why == NULL && !(v <= FLOW_MAX_HORIZON_DAYS))
        *why = "a duration from 0d to 365250d (1000 years)";
    return v;
}

const char *flow_csvcol_read(const char *path, double unit_days, double **values, size_t *n,
                        struct flow_diag *diag)
{
    char *text = NULL;
    size_t len = 0;
    const char *shown = path;
    *values = NULL;
    *n = 0;
    const char *why = slurp(path, &text, &len);
    if (why != NULL)
        return why;
    size_t cap = 0, count = 0, errors = diag->errors;
    double *v = NULL;
    int line = 0;
    for (char *p = text, *next; p < text + len; p = next) {
        line++;
        char *end = memchr(p, '\n', (size_t)(text + len - p));
        next = end ? end + 1 : text + len;
        char *cell_end = p;
        while (cell_end < next && *cell_end != ',' && *cell_end != '\n' && *cell_end != '\r')
            cell_end++;
        while (p < cell_end && (*p == ' ' || *p == '\t' || *p == '"'))
            p++;
        while (cell_end > p && (cell_end[-1] == ' ' || cell_end[-1] == '\t' || cell_end[-1] == '"'))
            cell_end--;
        if (cell_end == p || *p == '#')
            continue;
        char cell[64];
        size_t cl = (size_t)(cell_end - p);
        if (memchr(p, '\0', cl) != NULL) {
            flow_diag_error(diag, shown, line, 1, "a cell holds a NUL character (\\0)");
            continue;
        }
        if (cl >= sizeof cell) {
            flow_diag_error(diag, shown, line, 1, "a cell of %zu characters; values are at most %zu",
                            cl, sizeof cell - 1);
            continue;
        }
        memcpy(cell, p, cl);
        cell[cl] = '\0';
        const char *bad;
        double x = parse_cell(cell, unit_days, &bad);
        if (bad != NULL) {
            if (count == 0 && line == 1)
                continue;     /* a header */
            flow_diag_error(diag, shown, line, 1, "expected %s%s; found '%s'", bad,
                            unit_days > 0 ? " or a bare number" : "", cell);
            continue;
        }
        if (count >= FLOW_MAX_EMPIRICAL) {
            flow_diag_error(diag, shown, line, 1, "more than %d values", FLOW_MAX_EMPIRICAL);
            break;
        }
        flow_xgrow((void **)&v, &cap, count + 1, sizeof *v);
        v[count++] = x;
    }
    free(text);
    if (diag->errors == errors && count == 0)
        flow_diag_error(diag, shown, 1, 1, "no durations in this file");
    if (diag->errors != errors) {
        free(v);
        return NULL;
    }
    *values = v;
    *n = count;
    return NULL;
}
