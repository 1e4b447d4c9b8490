/* html.c - one self-contained HTML file per report: the results as JSON, Chart.js (Debian's
 * libjs-chart.js, inlined at build time) and report.js (src/report/html/) which draws the
 * charts. It opens offline and makes no network request. */
#include "internal.h"

#include <flowsim/calendar.h>
#include <flowsim/compare.h>
#include <flowsim/error.h>
#include <flowsim/size.h>
#include <flowsim/util.h>
#include <flowsim/week.h>

#include <flow_config.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const char flow__chartjs[];
extern const char flow__report_js[];

static const char *const style =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#222;background:#fafafa}"
    "header{background:#0b5394;color:#fff;padding:16px 28px}header h1{margin:0;font-size:24px}"
    "header p{margin:4px 0 0;opacity:.85}#main{padding:8px 28px 28px;max-width:1200px}"
    "section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 18px;margin:16px 0}"
    "h2{font-size:18px;margin:4px 0 8px}.note{color:#555;margin:0 0 8px}.chart{position:relative;margin:10px 0}"
    "section.warnings{border:2px solid #c0392b;background:#fdecea}"
    "table{border-collapse:collapse;font-size:14px}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}"
    "td:first-child,th:first-child{text-align:left}pre{background:#f3f3f3;padding:10px;overflow:auto;font-size:12px}"
    ".error{color:#b00}";

static void escaped(FILE *f, const char *text)
{
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*p, f);
        }
    }
}

/* JSON inside <script>: '<', '>' and '&' only occur in its strings, where \u escapes mean the
 * same; written so, no name (such as "<!--<script>" or "</script>") can end or change the
 * script element. */
static void script_safe(FILE *f, const char *json)
{
    for (const char *p = json; *p; p++) {
        switch (*p) {
        case '<': fputs("\\u003c", f); break;
        case '>': fputs("\\u003e", f); break;
        case '&': fputs("\\u0026", f); break;
        default: fputc(*p, f);
        }
    }
}

/* {"section.key": {"label", "unit", "better"}} for every fixed metric: the one table of labels,
 * units and directions that the page's charts and tables use. */
static json_t *metric_table(void)
{
    size_t n;
    struct flow_metric_def *defs = flow_metric_catalogue(&n);
    json_t *o = json_object();
    for (size_t k = 0; k < n; k++) {
        json_t *m = json_object();
        json_object_set_new(m, "label", json_string(defs[k].label));
        json_object_set_new(m, "unit", json_string(defs[k].unit));
        json_object_set_new(m, "better", json_integer(defs[k].better));
        char *key = flow_xasprintf("%s.%s", defs[k].section, defs[k].key);
        json_object_set_new(o, key, m);
        free(key);
    }
    free(defs);
    return o;
}

int flow__html_write(FILE *f, const char *kind, const char *title, const char *subtitle, json_t *results,
               json_t *extra, const char *provenance)
{
    json_t *data = json_object();
    json_object_set_new(data, "kind", json_string(kind));
    json_object_set_new(data, "results", results);
    json_object_set_new(data, "extra", extra ? extra : json_object());
    json_object_set_new(data, "metrics", metric_table());
    char *json = json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12) |
                                      JSON_ESCAPE_SLASH);
    json_decref(data);
    if (json == NULL)
        return FLOW_E_IO;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>flowsim: ", f);
    escaped(f, title);
    fprintf(f, "</title>\n<style>%s</style>\n<script>\n%s\n</script>\n</head>\n<body>\n<header><h1>", style,
            flow__chartjs);
    escaped(f, title);
    fputs("</h1><p>", f);
    escaped(f, subtitle);
    fputs("</p></header>\n<div id=\"main\"></div>\n", f);
    if (provenance) {
        fputs("<div id=\"main-tail\" style=\"padding:0 28px 28px;max-width:1200px\"><section><h2>As run</h2>"
              "<p class=\"note\">The command and scenario behind this report, so that every chart can be "
              "reproduced.</p><pre>", f);
        escaped(f, provenance);
        fputs("</pre></section></div>\n", f);
    }
    fputs("<script type=\"application/json\" id=\"flowsim-data\">", f);
    script_safe(f, json);
    fputs("</script>\n", f);
    fprintf(f, "<script>\n%s\n</script>\n</body></html>\n", flow__report_js);
    free(json);
    return ferror(f) ? FLOW_E_IO : 0;
}

/* The mean across replications of ward w's hour-of-week series in `rows` (NAN-free means;
 * null for an hour with none). */
static json_t *hourly_mean(const struct flow_results *r, const double *rows, size_t w)
{
    const struct flow_scenario *s = r->scenario;
    json_t *mean = json_array();
    for (int h = 0; h < 168; h++) {
        double sum = 0;
        size_t n = 0;
        for (size_t k = 0; k < r->nreps; k++) {
            double x = rows[(k * s->nwards + w) * 168 + (size_t)h];
            if (isfinite(x))
                sum += x, n++;
        }
        json_array_append_new(mean, n ? json_real(sum / (double)n) : json_null());
    }
    return mean;
}

/* Mean and 5th/95th percentiles across replications of each ward's hour-of-week occupancy;
 * open beds where they change, departures where the ward has rounds. */
static json_t *hourly_bands(const struct flow_results *r)
{
    const struct flow_scenario *s = r->scenario;
    json_t *wards = json_object();
    double *col = flow_xcalloc(r->nreps + 1, sizeof *col);
    for (size_t w = 0; w < s->nwards; w++) {
        json_t *mean = json_array(), *p5 = json_array(), *p95 = json_array(), *o = json_object();
        for (int h = 0; h < 168; h++) {
            size_t n = 0;
            for (size_t k = 0; k < r->nreps; k++) {
                double x = r->hourly[(k * s->nwards + w) * 168 + (size_t)h];
                if (isfinite(x))
                    col[n++] = x;
            }
            gsl_sort(col, 1, n);
            json_array_append_new(mean, n ? json_real(gsl_stats_mean(col, 1, n)) : json_null());
            json_array_append_new(p5, n ? json_real(gsl_stats_quantile_from_sorted_data(col, 1, n, 0.05)) : json_null());
            json_array_append_new(p95, n ? json_real(gsl_stats_quantile_from_sorted_data(col, 1, n, 0.95)) : json_null());
        }
        json_object_set_new(o, "mean", mean);
        json_object_set_new(o, "p5", p5);
        json_object_set_new(o, "p95", p95);
        json_object_set_new(o, "beds", json_integer(s->wards[w].beds));
        const struct flow_ward_spec *ws = &s->wards[w];
        if (r->hourly_beds && flow_week_beds_change(ws))
            json_object_set_new(o, "open_beds", hourly_mean(r, r->hourly_beds, w));
        if (r->hourly_departures && ws->nrounds > 0)
            json_object_set_new(o, "departures", hourly_mean(r, r->hourly_departures, w));
        json_object_set_new(wards, s->wards[w].name, o);
    }
    free(col);
    return wards;
}

/* Per-day mean and 5th/95th percentiles across replications of the daily series whose name
 * starts with `prefix` (e.g. "groups." for waiting lists). */
static json_t *daily_bands(const struct flow_results *r, const char *prefix)
{
    const struct flow_scenario *s = r->scenario;
    size_t width = flow_model_daily_count(s);
    json_t *out = json_object();
    double *col = flow_xcalloc(r->nreps + 1, sizeof *col);
    for (size_t k = 0; r->daily && k < width; k++) {
        if (!flow_results_daily_kept(r, k))
            continue;
        char *name = flow_model_daily_name(s, k);
        if (strncmp(name, prefix, strlen(prefix)) != 0) {
            free(name);
            continue;
        }
        json_t *mean = json_array(), *p5 = json_array(), *p95 = json_array(), *o = json_object();
        for (size_t d = 0; d < r->days; d++) {
            for (size_t rep = 0; rep < r->nreps; rep++)
                col[rep] = flow_results_daily(r, rep, d, k);
            gsl_sort(col, 1, r->nreps);
            json_array_append_new(mean, json_real(gsl_stats_mean(col, 1, r->nreps)));
            json_array_append_new(p5, json_real(gsl_stats_quantile_from_sorted_data(col, 1, r->nreps, 0.05)));
            json_array_append_new(p95, json_real(gsl_stats_quantile_from_sorted_data(col, 1, r->nreps, 0.95)));
        }
        json_object_set_new(o, "mean", mean);
        json_object_set_new(o, "p5", p5);
        json_object_set_new(o, "p95", p95);
        json_object_set_new(out, name, o);
        free(name);
    }
    free(col);
    return out;
}

/* The mean across replications of each of curve c's percentiles (ward w's); null where none. */
static json_t *percentile_curve(const struct flow_results *r, enum flow_curve c, size_t w)
{
    double q[99];
    flow_results_curve(r, c, w, q);
    json_t *curve = json_array();
    for (int k = 0; k < 99; k++)
        json_array_append_new(curve, isnan(q[k]) ? json_null() : json_real(q[k]));
    return curve;
}

/* Wards with time targets: the distribution of time in the ward (hours) and the targets. */
static json_t *ward_times(const struct flow_results *r)
{
    json_t *o = json_object();
    for (size_t w = 0; w < r->scenario->nwards; w++) {
        const struct flow_targets *t = &r->scenario->wards[w].targets;
        if (t->n == 0)
            continue;
        json_t *ward = json_object(), *targets = json_array();
        for (size_t k = 0; k < t->n; k++) {
            json_t *target = json_object();
            json_object_set_new(target, "hours", json_real(t->days[k] * 24));
            json_object_set_new(target, "key", json_string(t->key[k]));
            json_array_append_new(targets, target);
        }
        json_object_set_new(ward, "percentiles", percentile_curve(r, FLOW_CURVE_TIME, w));
        json_object_set_new(ward, "targets", targets);
        json_object_set_new(o, r->scenario->wards[w].name, ward);
    }
    return o;
}

static void subtitle_of(char *buf, size_t len, const struct flow_scenario *s, size_t reps)
{
    char from[40] = "";
    if (s->has_start) {
        char date[11];
        flow_date_format(s->start_date, date);
        snprintf(from, sizeof from, ", from 00:00 on %s", date);
    }
    snprintf(buf, len, "flowsim %s: %zu replications, seed %llu, %g days measured after %g days of "
                       "warm-up%s", FLOW_VERSION, reps, (unsigned long long)s->seed, s->horizon_days,
             s->warmup_days, from);
}

/* What a page needs besides the results: {"title", "subtitle", "as_run", "charts"}. Saved JSON
 * carries it as "report", so that `flowsim report` rebuilds the same page. */
static json_t *page_parts(const char *title, const char *subtitle, const char *provenance, json_t *charts)
{
    json_t *o = json_object();
    json_object_set_new(o, "title", json_string(title));
    json_object_set_new(o, "subtitle", json_string(subtitle));
    json_object_set_new(o, "as_run", provenance ? json_string(provenance) : json_null());
    json_object_set_new(o, "charts", charts ? charts : json_object());
    return o;
}

/* A run from a census: for each ward, the daily occupied beds across replications (median,
 * 5th and 95th percentiles), its beds, and the chance of being full at some point each day. */
static json_t *forecast_bands(const struct flow_results *r)
{
    const struct flow_scenario *s = r->scenario;
    size_t width = flow_model_daily_count(s);
    json_t *out = json_object();
    double *col = flow_xcalloc(r->nreps + 1, sizeof *col);
    for (size_t w = 0; w < s->nwards; w++) {
        char *want = flow_xasprintf("wards.%s.occupied", s->wards[w].name);
        size_t k = flow_model_daily_index(s, want);
        free(want);
        json_t *p5 = json_array(), *p50 = json_array(), *p95 = json_array(), *full = json_array(), *o = json_object();
        for (size_t d = 0; k < width && d < r->days; d++) {
            for (size_t rep = 0; rep < r->nreps; rep++)
                col[rep] = flow_results_daily(r, rep, d, k);
            gsl_sort(col, 1, r->nreps);
            json_array_append_new(p5, json_real(gsl_stats_quantile_from_sorted_data(col, 1, r->nreps, 0.05)));
            json_array_append_new(p50, json_real(gsl_stats_quantile_from_sorted_data(col, 1, r->nreps, 0.5)));
            json_array_append_new(p95, json_real(gsl_stats_quantile_from_sorted_data(col, 1, r->nreps, 0.95)));
            json_array_append_new(full, json_real(flow__report_full_chance(r, w, d)));
        }
        json_object_set_new(o, "p5", p5);
        json_object_set_new(o, "p50", p50);
        json_object_set_new(o, "p95", p95);
        json_object_set_new(o, "beds", json_integer(s->wards[w].beds));
        json_object_set_new(o, "full_chance", full);
        json_object_set_new(out, s->wards[w].name, o);
    }
    free(col);
    return out;
}

/* Keeps the daily series whose names start with `prefix`, as daily_bands reads them. */
static void keep_prefixed(const struct flow_scenario *s, const char *prefix, unsigned char *keep)
{
    size_t n = flow_model_daily_count(s);
    for (size_t k = 0; k < n; k++) {
        char *name = flow_model_daily_name(s, k);
        keep[k] |= strncmp(name, prefix, strlen(prefix)) == 0;
        free(name);
    }
}

/* Keeps the series `name` (the caller's, freed here), as forecast_bands finds it. */
static void keep_named(const struct flow_scenario *s, char *name, unsigned char *keep)
{
    size_t k = flow_model_daily_index(s, name);
    if (k < flow_model_daily_count(s))
        keep[k] = 1;
    free(name);
}

void flow_report_daily_needs(const struct flow_scenario *s, unsigned char *keep)
{
    memset(keep, 0, flow_model_daily_count(s));
    keep_prefixed(s, "groups.", keep);                                   /* waiting_lists */
    for (size_t w = 0; w < s->nwards; w++) {
        const char *ward = s->wards[w].name;
        if (flow_week_beds_change(&s->wards[w])) {                      /* ward_days */
            char *prefix = flow_xasprintf("wards.%s.", ward);
            keep_prefixed(s, prefix, keep);
            free(prefix);
        }
        if (s->ninitial > 0) {                                           /* forecast, full chances */
            keep_named(s, flow_xasprintf("wards.%s.occupied", ward), keep);
            keep_named(s, flow_xasprintf("wards.%s.full_fraction", ward), keep);
        }
    }
}

static json_t *run_charts(const struct flow_results *r)
{
    json_t *extra = json_object();
    if (r->daily && r->scenario->ninitial > 0)     /* only then: other runs keep their charts */
        json_object_set_new(extra, "forecast", forecast_bands(r));
    if (r->hourly)
        json_object_set_new(extra, "hourly", hourly_bands(r));
    if (flow_results_has_curve(r, FLOW_CURVE_LOS))
        json_object_set_new(extra, "los_percentiles", percentile_curve(r, FLOW_CURVE_LOS, 0));
    if (flow_results_has_curve(r, FLOW_CURVE_WAIT)) {
        json_t *waits = json_object();
        for (size_t w = 0; w < r->scenario->nwards; w++)
            json_object_set_new(waits, r->scenario->wards[w].name, percentile_curve(r, FLOW_CURVE_WAIT, w));
        json_object_set_new(extra, "wait_percentiles", waits);
    }
    if (flow_results_has_curve(r, FLOW_CURVE_TIME))
        json_object_set_new(extra, "ward_times", ward_times(r));
    if (r->daily && flow_model_has_bed_plans(r->scenario)) {
        json_t *beds = json_object();
        for (size_t w = 0; w < r->scenario->nwards; w++) {
            const struct flow_ward_spec *ws = &r->scenario->wards[w];
            if (flow_week_beds_change(ws)) {
                char *prefix = flow_xasprintf("wards.%s.", ws->name), *full = flow_xasprintf("%sfull", prefix);
                json_t *bands = daily_bands(r, prefix);
                json_object_del(bands, full);     /* the fan charts of a forecast draw it */
                json_object_set_new(beds, ws->name, bands);
                free(prefix);
                free(full);
            }
        }
        json_object_set_new(extra, "ward_days", beds);
    }
    if (r->daily) {
        json_object_set_new(extra, "waiting_lists", daily_bands(r, "groups."));
        json_object_set_new(extra, "warmup_days", json_real(r->scenario->warmup_days));
    }
    return extra;
}

json_t *flow__html_run_parts(const struct flow_results *r, const char *provenance)
{
    char sub[256];
    subtitle_of(sub, sizeof sub, r->scenario, r->nreps);
    return page_parts(r->scenario->name, sub, provenance, run_charts(r));
}

json_t *flow__html_compare_parts(const struct flow_comparison *c, const char *provenance)
{
    char title[512], sub[256];
    snprintf(title, sizeof title, "%s vs %s", c->base.scenario->name, c->whatif.scenario->name);
    subtitle_of(sub, sizeof sub, c->base.scenario, c->base.nreps);
    return page_parts(title, sub, provenance, NULL);
}

json_t *flow__html_size_parts(const struct flow_size_result *r, const char *provenance)
{
    json_t *extra = json_object();
    json_object_set_new(extra, "targets", flow__json_size_targets(r));
    char title[300];
    snprintf(title, sizeof title, "Sizing %s", r->parameter);
    return page_parts(title, "flowsim " FLOW_VERSION, provenance, extra);
}

int flow__html_write_parts(FILE *f, const char *kind, json_t *results, json_t *parts)
{
    const char *prov = json_string_value(json_object_get(parts, "as_run"));
    json_t *charts = json_incref(json_object_get(parts, "charts"));
    int rc = flow__html_write(f, kind, json_string_value(json_object_get(parts, "title")),
                             json_string_value(json_object_get(parts, "subtitle")), results, charts, prov);
    json_decref(parts);
    return rc;
}

int flow_report_html_run(FILE *f, const struct flow_results *r, const char *provenance)
{
    return flow__html_write_parts(f, "run", flow__json_run_value(r), flow__html_run_parts(r, provenance));
}

int flow_report_html_compare(FILE *f, const struct flow_comparison *c, const char *provenance)
{
    return flow__html_write_parts(f, "compare", flow__json_compare_value(c), flow__html_compare_parts(c, provenance));
}

int flow_report_html_size(FILE *f, const struct flow_size_result *r, const char *provenance)
{
    return flow__html_write_parts(f, "size", flow__json_size_value(r), flow__html_size_parts(r, provenance));
}
