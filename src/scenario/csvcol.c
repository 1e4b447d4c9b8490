/* csvcol.c - reads the first column of a small CSV file as durations, for empirical
 * distributions ({dist: empirical, file: los.csv}), through the one CSV reader (flowsim/csv.h).
 * A first line that is not a value is taken as a header; blank lines and lines starting with
 * '#' are skipped. */
#include "schema.h"

#include <flowsim/csv.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

const char *flow__csvcol_read(const char *path, double unit_days, double **values, size_t *n,
                        struct flow_diag *diag)
{
    *values = NULL;
    *n = 0;
    struct flow_csv csv;
    const char *why = flow_csv_open(&csv, path, "an empirical distribution's file", YTREE_MAX_BYTES, true, diag);
    if (why != NULL)
        return *why == '\0' ? NULL : strcmp(why, "too large") == 0 ? "the file is larger than the limit of 8 MiB" : why;
    size_t cap = 0, count = 0, errors = diag->errors;
    double *v = NULL;
    long nf;
    char shown[200];
    bool first = true;
    while ((nf = flow_csv_row(&csv, diag)) != 0) {
        if (nf < 0)
            continue;
        const char *cell = csv.f[0];
        if (*cell == '\0')
            continue;       /* a row with an empty first column */
        const char *bad;
        double x = parse_cell(cell, unit_days, &bad);
        bool header = first && csv.line == 1;
        first = false;
        if (bad != NULL) {
            if (header)
                continue;     /* a header */
            flow_diag_error(diag, path, csv.line, csv.col[0], "expected %s%s; found '%s'", bad,
                            unit_days > 0 ? " or a bare number" : "", flow_csv_shown(cell, 60, shown, sizeof shown));
            if (diag->errors - errors >= 20)
                break;
            continue;
        }
        if (count >= FLOW_MAX_EMPIRICAL) {
            flow_diag_error(diag, path, csv.line, 1, "more than %d values", FLOW_MAX_EMPIRICAL);
            break;
        }
        flow_xgrow((void **)&v, &cap, count + 1, sizeof *v);
        v[count++] = x;
    }
    flow_csv_close(&csv);
    if (diag->errors == errors && count == 0)
        flow_diag_error(diag, path, 1, 1, "no durations in this file");
    if (diag->errors != errors) {
        free(v);
        return NULL;
    }
    *values = v;
    *n = count;
    return NULL;
}
