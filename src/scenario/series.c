/* series.c - demand given date by date (arrivals: {series: FILE}): a CSV file with the columns
 * date,rate (YYYY-MM-DD, and a rate per day such as 23.5 or 23.5/d) that must give every day
 * of the run, from the start date to the end of warm-up plus horizon. A date outside the run is
 * allowed (a file may cover a whole year); a day of the run without a rate is an error, not a
 * silent zero. Bad rows are located at their own line and column. */
#include "table.h"

#include <flowsim/calendar.h>
#include <flowsim/csv.h>
#include <flowsim/limits.h>
#include <flowsim/util.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A rate per day: a plain number, or a rate with its unit (20/d, 1/h). */
static const char *rate_of(const char *text, double *per_day)
{
    if (strchr(text, '/'))
        return flow_parse_rate(text, per_day);
    return flow_parse_number(text, per_day) ? "a rate per day such as 23.5 or 23.5/d" : NULL;
}

/* Reads the rows into series (days of the run) and returns how many days they gave. */
static size_t read_rows(struct ctx *c, struct flow_csv *csv, double *series, bool *seen, size_t days)
{
    size_t given = 0, before = c->diag->errors;
    char shown[200];
    long n = flow_csv_row(csv, c->diag);
    if (n > 0 && !(n == 2 && strcmp(csv->f[0], "date") == 0 && strcmp(csv->f[1], "rate") == 0)) {
        char *head = flow_csv_joined(csv, n);
        flow_diag_error(c->diag, csv->path, csv->line, 1, "the header must be date,rate; found '%s'",
                        flow_csv_shown(head, 80, shown, sizeof shown));
        free(head);
        return 0;
    }
    if (n <= 0)
        return 0;
    while ((n = flow_csv_row(csv, c->diag)) != 0 && c->diag->errors - before < 20) {
        if (n < 0)
            continue;
        int line = csv->line;
        if (n != 2) {
            flow_diag_error(c->diag, csv->path, line, 1, "a row is date,rate (two fields); found %ld field%s", n,
                            n == 1 ? "" : "s");
            continue;
        }
        const char *date = csv->f[0], *rate = csv->f[1];
        int64_t day;
        double v;
        const char *why;
        if (!flow_date_parse(date, &day)) {
            flow_diag_error(c->diag, csv->path, line, csv->col[0], "'%s' is not a date YYYY-MM-DD",
                            flow_csv_shown(date, 40, shown, sizeof shown));
            continue;
        }
        if ((why = rate_of(rate, &v)) != NULL || !(v >= 0) || v > FLOW_MAX_RATE_PER_DAY) {
            flow_diag_error(c->diag, csv->path, line, csv->col[1], "'%s' is not %s from 0 to %.0f a day",
                            flow_csv_shown(rate, 40, shown, sizeof shown), why ? why : "a rate per day",
                            FLOW_MAX_RATE_PER_DAY);
            continue;
        }
        int64_t d = day - c->sc->start_date;
        if (d >= 0 && (size_t)d < days) {
            if (seen[d]) {
                flow_diag_error(c->diag, csv->path, line, csv->col[0], "%s is given twice", date);
                continue;
            }
            seen[d] = true;
            series[d] = v;
            given++;
        }
    }
    return given;
}

void flow__schema_read_series(struct ctx *c, const struct ynode *n, struct flow_group_spec *g)
{
    if (!flow__schema_need_scalar(c, n, "series", "the name of a CSV file with columns date,rate"))
        return;
    if (!c->sc->has_start) {
        flow__schema_err(c, n, "'series' gives demand by date, so it needs the scenario's 'start' date (such as "
                        "start: 2027-01-04)");
        return;
    }
    size_t days = (size_t)ceil(c->sc->warmup_days + c->sc->horizon_days);
    char *path = (n->text[0] == '/' || c->dir == NULL) ? flow_xstrdup(n->text) : flow_xasprintf("%s/%s", c->dir, n->text);
    struct flow_csv csv;
    const char *why = flow_csv_open(&csv, path, "a series", 64 << 20, false, c->diag);
    if (why != NULL) {
        if (*why)
            flow__schema_err(c, n, "cannot read the series '%.200s'%s: %s", n->text,
                            n->text[0] == '/' ? "" : " (the path is relative to this file)",
                            strcmp(why, "too large") == 0 ? "larger than 64 MiB" : why);
        free(path);
        return;
    }
    c->sc->fingerprint = flow__hash_bytes(csv.text, csv.len, c->sc->fingerprint);
    double *series = flow_xcalloc(days + 1, sizeof *series);
    bool *seen = flow_xcalloc(days + 1, sizeof *seen);
    size_t before = c->diag->errors, given = read_rows(c, &csv, series, seen, days);
    if (c->diag->errors == before && given < days) {
        size_t d = 0;
        while (seen[d])
            d++;
        char first[11], from[11], to[11];
        flow_date_format(c->sc->start_date + (int64_t)d, first);
        flow_date_format(c->sc->start_date, from);
        flow_date_format(c->sc->start_date + (int64_t)days - 1, to);
        flow__schema_err(c, n, "the series '%.200s' has no rate for %s (day %zu of the run); it must give every day "
                        "from %s to %s (%zu days: warm-up and horizon)", n->text, first, d, from, to, days);
    }
    if (c->diag->errors == before) {
        double sum = 0;
        for (size_t d = 0; d < days; d++)
            sum += series[d];
        g->series = series;
        g->nseries = days;
        g->rate_per_day = sum / (double)days;
        series = NULL;
    }
    free(series);
    free(seen);
    flow_csv_close(&csv);
    free(path);
}
