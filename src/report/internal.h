/* internal.h - what the report writers share: the JSON values of each kind of result, and the
 * HTML page writer. Internal to src/report (the only place that includes <jansson.h>). */
#ifndef FLOWSIM_REPORT_INTERNAL_H
#define FLOWSIM_REPORT_INTERNAL_H

#include <flowsim/compare.h>
#include <flowsim/report.h>
#include <flowsim/size.h>
#include <jansson.h>

/* A number for text reports: four significant figures, never in exponent form; "-" if undefined. */
void flow__report_number(char *buf, size_t size, double x);

json_t *flow__json_run_value(const struct flow_results *r);
json_t *flow__json_compare_value(const struct flow_comparison *c);
json_t *flow__json_size_value(const struct flow_size_result *r);
/* The targets of a size run, as [{"metric", "at_most", "value"}] (new reference). */
json_t *flow__json_size_targets(const struct flow_size_result *r);

/* Writes the page; takes ownership of results and extra (which may be NULL). */
int flow__html_write(FILE *f, const char *kind, const char *title, const char *subtitle, json_t *results,
               json_t *extra, const char *provenance);

/* What a page needs besides its results, {"title", "subtitle", "as_run", "charts"} (new
 * references); saved JSON carries it as "report". */
json_t *flow__html_run_parts(const struct flow_results *r, const char *provenance);
json_t *flow__html_compare_parts(const struct flow_comparison *c, const char *provenance);
json_t *flow__html_size_parts(const struct flow_size_result *r, const char *provenance);
/* Writes the page of `kind` from results and parts; takes ownership of both. */
int flow__html_write_parts(FILE *f, const char *kind, json_t *results, json_t *parts);

/* Saved JSON: {"format_version", then value's keys, then "report": parts}; takes ownership of
 * both. FLOW_JSON_FORMAT is the version written; a file without one is version 1. */
enum { FLOW_JSON_FORMAT = 2 };
/* write_json.c: */
int flow__json_dump_saved(FILE *f, json_t *value, json_t *parts);

/* write_compare.c: the comparison's headline in sentences (at most max significant differences,
 * better or worse ones first, then by relative size; a line saying how many more; or one
 * sentence saying none is significant). Sets *out to an owned array of owned strings. */
size_t flow__report_compare_headline(const struct flow_comparison *c, size_t max, char ***out);

/* text.c: the share of replications in which ward w was full at some point on day d (needs the
 * daily series). */
double flow__report_full_chance(const struct flow_results *r, size_t w, size_t d);

/* text.c: prints lead then text's words, wrapped at 96 columns, each further line starting
 * with indent (a space goes between it and the next word), and a newline. */
void flow__report_wrap(FILE *f, const char *lead, const char *indent, const char *text);

#endif
