/* report.h - writers that read results and write text or JSON. They borrow the results and
 * write to a FILE the caller owns; flow_output_atomic makes a file appear whole or not at all. */
#ifndef FLOWSIM_REPORT_H
#define FLOWSIM_REPORT_H

#include <flowsim/check.h>
#include <flowsim/compare.h>
#include <flowsim/experiment.h>
#include <flowsim/size.h>
#include <flowsim/warmup.h>
#include <stdio.h>

enum flow_format { FLOW_FORMAT_TEXT, FLOW_FORMAT_JSON };

/* Each returns 0 or FLOW_E_IO. JSON starts with "format_version" and ends with "report": what
 * the HTML report needs besides the results (title, subtitle, the charts' data and `as_run`,
 * the command and scenario text behind them, which may be NULL), so that flowsim report
 * rebuilds the same page from the file. */
int flow_report_text(FILE *f, const struct flow_results *r);
/* The daily series the text, JSON and HTML reports read, a flag each (flow_model_daily_count
 * of them): a run that writes no CSV keeps only these (flow_run_options.daily_keep). */
void flow_report_daily_needs(const struct flow_scenario *s, unsigned char *keep);
int flow_report_json(FILE *f, const struct flow_results *r, const char *provenance);
int flow_report_write(FILE *f, const struct flow_results *r, enum flow_format format, const char *provenance);

/* Paired comparison: text says which differences are significant; JSON puts
 * {"base", "whatif", "diff"} at every metric's path. */
int flow_report_compare_text(FILE *f, const struct flow_comparison *c);
int flow_report_compare_json(FILE *f, const struct flow_comparison *c, const char *provenance);

/* Capacity sizing: {"parameter", "answer", "evaluated": [{"value", "meets", "metrics"}]}. */
int flow_report_size_json(FILE *f, const struct flow_size_result *r, const char *provenance);
int flow_report_size_text(FILE *f, const struct flow_size_result *r);

/* Warm-up estimate; `current` is the scenario's own warm-up, in days. */
/* flowsim check's report: text, JSON (--format json) and an HTML page (--report). */
struct flow_check_report {
    const struct flow_check *check;
    const struct flow_scenario *scenario;
    const struct flow_extract *x;
    const char *scenario_path, *extract_path;
    const char *from, *to;         /* the period's first and last times, as text */
    const char *provenance;        /* for the HTML page, or NULL */
};
int flow_report_check_text(FILE *f, const struct flow_check_report *r);
int flow_report_check_json(FILE *f, const struct flow_check_report *r);
int flow_report_check_html(FILE *f, const struct flow_check_report *r);
int flow_report_warmup_text(FILE *f, const struct flow_warmup_result *r, double current);
int flow_report_warmup_json(FILE *f, const struct flow_warmup_result *r, double current);

/* Self-contained HTML reports (Chart.js inlined; no network). `provenance` (may be NULL) is the
 * command and scenario text shown so that the charts can be reproduced. */
int flow_report_html_run(FILE *f, const struct flow_results *r, const char *provenance);
int flow_report_html_compare(FILE *f, const struct flow_comparison *c, const char *provenance);
int flow_report_html_size(FILE *f, const struct flow_size_result *r, const char *provenance);
/* From saved results: a run, compare or size JSON file, or a sweep's output directory. On
 * failure returns FLOW_E_IO with a sentence in why. */
int flow_report_html_saved(FILE *f, const char *path, char *why, size_t len);

/* CSV exports of a run (--csv DIR): replications.csv (replication, then every metric by JSON
 * path), daily.csv (replication, day, then every daily series; needs results->daily),
 * groups.csv (group, metric, mean, sd, ci_low, ci_high) and hourly.csv (below). */
int flow_csv_replications(FILE *f, const void *results);
int flow_csv_daily(FILE *f, const void *results);
int flow_csv_groups(FILE *f, const void *results);
/* hourly.csv: replication, ward, hour_of_week (0 = Monday 00:00), weekday, hour,
 * mean_occupied_beds, then open_beds when some ward's beds change and departures when some
 * ward has rounds (needs results->hourly). */
int flow_csv_hourly(FILE *f, const void *results);
/* daily_summary.csv (long): day, date (empty without a start date), metric (every daily
 * series), then across replications the mean and the 5th, 50th and 95th percentiles (GSL's
 * quantiles of sorted data: linear between order statistics, (n - 1) p). */
int flow_csv_daily_summary(FILE *f, const void *results);
/* metrics.csv: metric, label, unit, better (higher, lower or neither), one row per metric. */
int flow_csv_metrics(FILE *f, const void *results);

/* CSV exports of a comparison (compare --csv DIR): comparison.csv, one row per metric (metric,
 * label, unit, better, then mean, ci_low and ci_high of base, whatif and diff, significant 0/1),
 * and paired.csv, one row per replication and metric (replication, metric, base, whatif, diff). */
int flow_csv_comparison(FILE *f, const void *comparison);
int flow_csv_paired(FILE *f, const void *comparison);

/* CSV (RFC 4180 quoting; numbers with 12 significant digits; undefined values empty). */
void flow_csv_field(FILE *f, const char *text);
void flow_csv_number(FILE *f, double x);

/* Writes `path` through a temporary file in the same directory, fsync and rename, so that a
 * reader never sees a half-written file. On failure returns FLOW_E_IO with a sentence in why. */
typedef int (*flow_write_fn)(FILE *f, const void *arg);
int flow_output_atomic(const char *path, flow_write_fn fn, const void *arg, char *why, size_t len);

/* All or nothing for a command's several outputs: each is staged (written whole to a synced
 * temporary file beside its target), and only when every one succeeded does commit rename
 * them all into place; abort removes the temporary files and any directory made for them
 * (if still empty). Commit returns FLOW_E_INTERRUPTED (aborting) after an interrupt. */
enum { FLOW_OUTPUT_SET_MAX = 256 };
struct flow_output_set {
    size_t n, ndirs;
    char *path[FLOW_OUTPUT_SET_MAX], *tmp[FLOW_OUTPUT_SET_MAX];
    char *dirs[FLOW_OUTPUT_SET_MAX];
};
int flow_output_stage(struct flow_output_set *set, const char *path, flow_write_fn fn,
                      const void *arg, char *why, size_t len);
/* Takes tmp, an already written and synced temporary file, as path's content. */
void flow_output_adopt(struct flow_output_set *set, const char *path, const char *tmp);
/* Records a directory made for the outputs, removed again by abort if empty. */
void flow_output_made_dir(struct flow_output_set *set, const char *dir);
int flow_output_commit(struct flow_output_set *set, char *why, size_t len);
void flow_output_abort(struct flow_output_set *set);


/* ---- a sweep's files (write_sweep.c) ---- */
struct flow_sweep;
/* The header rows of runs.csv (point, replication, parameters, metrics) and summary.csv
 * (parameters, then METRIC_mean, METRIC_ci_low, METRIC_ci_high). */
void flow_sweep_csv_headers(const struct flow_sweep *w, FILE *runs, FILE *summary);
/* A finished point: a row per replication in runs, one row in summary. */
void flow_sweep_csv_point(const struct flow_sweep *w, size_t point, const char **values, const struct flow_results *r,
                          FILE *runs, FILE *summary);
/* The manifest (sweep.txt, owned): what this sweep is; resuming is refused when it differs. */
char *flow_sweep_manifest(const struct flow_sweep *w);
/* How many whole points the sweep in dir holds, both files cut back to exactly those; -1 with
 * why when they are not this sweep's or cannot be repaired. */
long flow_sweep_resume(const struct flow_sweep *w, const char *dir, char *why, size_t len);
#endif
