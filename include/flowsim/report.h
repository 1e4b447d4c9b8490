/* report.h - writers that read results and write text or JSON. They borrow the results and
 * write to a FILE the caller owns; flow_output_atomic makes a file appear whole or not at all. */
#ifndef FLOWSIM_REPORT_H
#define FLOWSIM_REPORT_H

#include <flowsim/experiment.h>
#include <stdio.h>

enum flow_format { FLOW_FORMAT_TEXT, FLOW_FORMAT_JSON };

/* Each returns 0 or FLOW_E_IO. */
int flow_report_text(FILE *f, const struct flow_results *r);
int flow_report_json(FILE *f, const struct flow_results *r);
int flow_report_write(FILE *f, const struct flow_results *r, enum flow_format format);

/* Paired comparison: text says which differences are significant; JSON puts
 * {"base", "whatif", "diff"} at every metric's path. */
int flow_report_compare_text(FILE *f, const struct flow_comparison *c);
int flow_report_compare_json(FILE *f, const struct flow_comparison *c);

/* Capacity sizing: {"parameter", "answer", "evaluated": [{"value", "meets", "metrics"}]}. */
int flow_report_size_json(FILE *f, const struct flow_size_result *r);
int flow_report_size_text(FILE *f, const struct flow_size_result *r);

/* Warm-up estimate; `current` is the scenario's own warm-up, in days. */
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
 * mean_occupied_beds (needs results->hourly). */
int flow_csv_hourly(FILE *f, const void *results);

/* CSV (RFC 4180 quoting; numbers with 12 significant digits; undefined values empty). */
void flow_csv_field(FILE *f, const char *text);
void flow_csv_number(FILE *f, double x);

/* Writes `path` through a temporary file in the same directory, fsync and rename, so that a
 * reader never sees a half-written file. On failure returns FLOW_E_IO with a sentence in why. */
typedef int (*flow_write_fn)(FILE *f, const void *arg);
int flow_output_atomic(const char *path, flow_write_fn fn, const void *arg, char *why, size_t len);

#endif
