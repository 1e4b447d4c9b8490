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

/* Writes `path` through a temporary file in the same directory, fsync and rename, so that a
 * reader never sees a half-written file. On failure returns FLOW_E_IO with a sentence in why. */
typedef int (*flow_write_fn)(FILE *f, const void *arg);
int flow_output_atomic(const char *path, flow_write_fn fn, const void *arg, char *why, size_t len);

#endif
