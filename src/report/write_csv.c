/* write_csv.c - CSV fields for sweep output: quoted only when they must be, numbers in a fixed form
 * so that the same results give the same bytes. */
#include "internal.h"

#include <flowsim/calendar.h>
#include <flowsim/error.h>
#include <flowsim/report.h>

#include <stdlib.h>
#include <flowsim/util.h>
#include <flowsim/compare.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include <math.h>
#include <stdbool.h>
#include <string.h>

/* A text that a spreadsheet would run as a formula (=, +, -, @ first, and not a number). */
static bool formula(const char *text)
{
    if (text[0] == '\0' || strchr("=+-@\t\r", text[0]) == NULL)
        return false;
    char *end;
    strtod(text, &end);
    return end == text || *end != '\0';
}

void flow_csv_field(FILE *f, const char *text)
{
    const char *guard = formula(text) ? "'" : "";   /* shown as text, never run */
    if (strpbrk(text, ",\"\r\n") == NULL) {
        fputs(guard, f);
        fputs(text, f);
        return;
    }
    fputc('"', f);
    fputs(guard, f);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

void flow_csv_number(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.12g", x);
}

int flow_csv_replications(FILE *f, const void *arg)
{
    const struct flow_results *r = arg;
    fputs("replication", f);
    for (size_t k = 0; k < r->nmetrics; k++) {
        char *path = flow_metric_path(&r->defs[k]);
        fputc(',', f);
        flow_csv_field(f, path);
        free(path);
    }
    fputc('\n', f);
    for (size_t rep = 0; rep < r->nreps; rep++) {
        fprintf(f, "%zu", rep + 1);
        for (size_t k = 0; k < r->nmetrics; k++) {
            fputc(',', f);
            flow_csv_number(f, r->values[rep * r->nmetrics + k]);
        }
        fputc('\n', f);
    }
    return ferror(f) ? FLOW_E_IO : 0;
}

int flow_csv_daily(FILE *f, const void *arg)
{
    const struct flow_results *r = arg;
    size_t width = flow_model_daily_count(r->scenario);
    bool dated = r->scenario->has_start;   /* a date column only then: nothing else changes */
    fputs(dated ? "replication,day,date" : "replication,day", f);
    for (size_t k = 0; k < width; k++) {
        char *name = flow_model_daily_name(r->scenario, k);
        fputc(',', f);
        flow_csv_field(f, name);
        free(name);
    }
    fputc('\n', f);
    for (size_t rep = 0; r->daily && rep < r->nreps; rep++) {
        for (size_t d = 0; d < r->days; d++) {
            fprintf(f, "%zu,%zu", rep + 1, d);
            if (dated) {
                char date[11];
                flow_date_format(r->scenario->start_date + (int64_t)d, date);
                fprintf(f, ",%s", date);
            }
            for (size_t k = 0; k < width; k++) {
                fputc(',', f);
                flow_csv_number(f, flow_results_daily(r, rep, d, k));
            }
            fputc('\n', f);
        }
    }
    return ferror(f) ? FLOW_E_IO : 0;
}

/* In a run from a census, the forecast's figure for each ward on day d: the chance of being full
 * at some point in the day (the share of replications in which every bed was taken), as the
 * text and HTML reports give it; its percentiles are left empty (it is a share, not a mean). */
static void full_chances(FILE *f, const struct flow_results *r, size_t d, const char *date)
{
    const struct flow_scenario *s = r->scenario;
    if (s->ninitial == 0)
        return;
    for (size_t w = 0; w < s->nwards; w++) {
        fprintf(f, "%zu,%s,", d, date);
        char *name = flow_xasprintf("wards.%s.p_full_some_time", s->wards[w].name);
        flow_csv_field(f, name);
        free(name);
        fputc(',', f), flow_csv_number(f, flow__report_full_chance(r, w, d));
        fputs(",,,\n", f);
    }
}

int flow_csv_daily_summary(FILE *f, const void *arg)
{
    const struct flow_results *r = arg;
    size_t width = flow_model_daily_count(r->scenario);
    fputs("day,date,metric,mean,p05,p50,p95\n", f);
    char **names = flow_xcalloc(width + 1, sizeof *names);
    for (size_t k = 0; k < width; k++)
        names[k] = flow_model_daily_name(r->scenario, k);
    double *col = flow_xcalloc(r->nreps + 1, sizeof *col);
    for (size_t d = 0; r->daily && d < r->days; d++) {
        char date[11] = "";
        if (r->scenario->has_start)
            flow_date_format(r->scenario->start_date + (int64_t)d, date);
        for (size_t k = 0; k < width; k++) {
            for (size_t rep = 0; rep < r->nreps; rep++)
                col[rep] = flow_results_daily(r, rep, d, k);
            gsl_sort(col, 1, r->nreps);
            fprintf(f, "%zu,%s,", d, date);
            flow_csv_field(f, names[k]);
            fputc(',', f), flow_csv_number(f, gsl_stats_mean(col, 1, r->nreps));
            static const double at[] = {0.05, 0.5, 0.95};
            for (int q = 0; q < 3; q++)
                fputc(',', f), flow_csv_number(f, gsl_stats_quantile_from_sorted_data(col, 1, r->nreps, at[q]));
            fputc('\n', f);
        }
        full_chances(f, r, d, date);
    }
    for (size_t k = 0; k < width; k++)
        free(names[k]);
    free(names);
    free(col);
    return ferror(f) ? FLOW_E_IO : 0;
}

int flow_csv_groups(FILE *f, const void *arg)
{
    const struct flow_results *r = arg;
    fputs("group,metric,mean,sd,ci_low,ci_high\n", f);
    for (size_t k = 0; k < r->nmetrics; k++) {
        const struct flow_metric_def *d = &r->defs[k];
        if (strcmp(d->section, "groups") != 0)
            continue;
        struct flow_summary s;
        flow_results_summary(r, k, &s);
        flow_csv_field(f, d->entity);
        fputc(',', f);
        flow_csv_field(f, d->key);
        double v[4] = {s.mean, s.sd, s.ci_low, s.ci_high};
        for (int i = 0; i < 4; i++) {
            fputc(',', f);
            flow_csv_number(f, v[i]);
        }
        fputc('\n', f);
    }
    return ferror(f) ? FLOW_E_IO : 0;
}

int flow_csv_hourly(FILE *f, const void *arg)
{
    const struct flow_results *r = arg;
    const struct flow_scenario *s = r->scenario;
    fprintf(f, "replication,ward,hour_of_week,weekday,hour,mean_occupied_beds%s%s\n",
            r->hourly_beds ? ",open_beds" : "", r->hourly_departures ? ",departures" : "");
    static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    for (size_t rep = 0; r->hourly && rep < r->nreps; rep++) {
        for (size_t w = 0; w < s->nwards; w++) {
            for (int h = 0; h < 168; h++) {
                fprintf(f, "%zu,", rep + 1);
                flow_csv_field(f, s->wards[w].name);
                fprintf(f, ",%d,%s,%d,", h, days[h / 24], h % 24);
                flow_csv_number(f, r->hourly[(rep * s->nwards + w) * 168 + (size_t)h]);
                if (r->hourly_beds) {
                    fputc(',', f);
                    flow_csv_number(f, r->hourly_beds[(rep * s->nwards + w) * 168 + (size_t)h]);
                }
                if (r->hourly_departures) {
                    fputc(',', f);
                    flow_csv_number(f, r->hourly_departures[(rep * s->nwards + w) * 168 + (size_t)h]);
                }
                fputc('\n', f);
            }
        }
    }
    return ferror(f) ? FLOW_E_IO : 0;
}

/* A metric's path, label, unit and which way is better (higher, lower or neither). */
static void metric_columns(FILE *f, const struct flow_metric_def *d)
{
    static const char *const better[3] = {"lower", "neither", "higher"};
    char *path = flow_metric_path(d);
    flow_csv_field(f, path);
    free(path);
    fputc(',', f);
    flow_csv_field(f, d->label);
    fprintf(f, ",%s,%s", d->unit, better[d->better + 1]);
}

/* comparison.csv: one row per metric in both sides. */
int flow_csv_comparison(FILE *f, const void *arg)
{
    const struct flow_comparison *c = arg;
    fputs("metric,label,unit,better,base_mean,base_ci_low,base_ci_high,whatif_mean,whatif_ci_low,"
          "whatif_ci_high,diff_mean,diff_ci_low,diff_ci_high,significant\n", f);
    for (size_t k = 0; k < c->n; k++) {
        struct flow_summary s[3];
        flow_comparison_summary(c, k, &s[0], &s[1], &s[2]);
        metric_columns(f, &c->base.defs[c->ib[k]]);
        for (int i = 0; i < 3; i++) {
            fputc(',', f), flow_csv_number(f, s[i].mean);
            fputc(',', f), flow_csv_number(f, s[i].ci_low);
            fputc(',', f), flow_csv_number(f, s[i].ci_high);
        }
        fprintf(f, ",%d\n", flow_summary_excludes_zero(&s[2]));
    }
    return ferror(f) ? FLOW_E_IO : 0;
}

/* paired.csv: one row per replication and metric (long form). */
int flow_csv_paired(FILE *f, const void *arg)
{
    const struct flow_comparison *c = arg;
    fputs("replication,metric,base,whatif,diff\n", f);
    size_t n = c->base.nreps < c->whatif.nreps ? c->base.nreps : c->whatif.nreps, nb = c->base.nmetrics, nw = c->whatif.nmetrics;
    for (size_t rep = 0; rep < n; rep++) {
        for (size_t k = 0; k < c->n; k++) {
            char *path = flow_metric_path(&c->base.defs[c->ib[k]]);
            double b = c->base.values[rep * nb + c->ib[k]], w = c->whatif.values[rep * nw + c->iw[k]];
            double d = flow_comparison_diff(c, k, rep);
            fprintf(f, "%zu,", rep + 1);
            flow_csv_field(f, path);
            fputc(',', f), flow_csv_number(f, b);
            fputc(',', f), flow_csv_number(f, w);
            fputc(',', f), flow_csv_number(f, d);
            fputc('\n', f);
            free(path);
        }
    }
    return ferror(f) ? FLOW_E_IO : 0;
}

/* metrics.csv: the run's metrics with their labels, units and which way is better (the table
 * the reports use), so that a script can label replications.csv's columns. */
int flow_csv_metrics(FILE *f, const void *arg)
{
    const struct flow_results *r = arg;
    fputs("metric,label,unit,better\n", f);
    for (size_t k = 0; k < r->nmetrics; k++) {
        metric_columns(f, &r->defs[k]);
        fputc('\n', f);
    }
    return ferror(f) ? FLOW_E_IO : 0;
}
