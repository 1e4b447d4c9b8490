/* model.h - the hospital model: patients arrive by group, follow a route of ward stays, wait
 * for beds (or are diverted), block beds while waiting to move on, and leave. One model is one
 * replication: it owns its engine, random streams, patients and statistics, and borrows the
 * read-only scenario. Statistics are reset at the end of warm-up. */
#ifndef FLOWSIM_MODEL_H
#define FLOWSIM_MODEL_H

#include <flowsim/scenario.h>
#include <stddef.h>
#include <stdint.h>

/* One reported metric: JSON path section[.entity].key, e.g. wards.AMU.occupancy. */
struct flow_metric_def {
    const char *section;      /* "system", "wards" or "groups" (static) */
    const char *entity;       /* ward or group name (borrowed from the scenario), or NULL */
    const char *key;          /* static */
    const char *label;        /* static, for text reports */
};

/* The metrics a scenario reports, in a fixed order; free with free(). */
struct flow_metric_def *flow_model_metric_defs(const struct flow_scenario *s, size_t *count);

/* Hard limit on patients present at once (in beds or queues), so an overloaded model stops
 * with FLOW_E_OVERLOAD instead of exhausting memory. */
#define FLOW_MAX_LIVE_PATIENTS 1000000

struct flow_model;

struct flow_model *flow_model_create(const struct flow_scenario *s, uint32_t replication);
void flow_model_destroy(struct flow_model *m);
/* Runs warm-up and horizon. Returns 0 or FLOW_E_OVERLOAD. */
int flow_model_run(struct flow_model *m);
/* Writes the metric values (NAN where undefined) in flow_model_metric_defs order. */
void flow_model_metrics(const struct flow_model *m, double *values);
uint64_t flow_model_events(const struct flow_model *m);

/* Occupancy by hour of the week (for reports): call before the run; afterwards
 * flow_model_hourly writes nwards x 168 mean occupied beds (hour 0 = Monday 00:00, NAN for an
 * hour never sampled). Costs one event an hour, so it is off unless asked for. */
void flow_model_profile(struct flow_model *m);
void flow_model_hourly(const struct flow_model *m, double *out);

/* Daily series, for warm-up analysis and CSV export: when enabled before the run, the model
 * records daily means from time 0 (days x series values, row per day): for each ward its
 * occupied beds, patients waiting for a bed and beds blocked; then for each community service
 * its occupied places and patients waiting for one in a hospital bed. Memory grows with the
 * horizon, so it is off unless asked for. */
void flow_model_record_daily(struct flow_model *m, size_t days);
const double *flow_model_daily(const struct flow_model *m, size_t *days, size_t *series);
size_t flow_model_daily_count(const struct flow_scenario *s);
/* "wards.AMU.occupied", "wards.AMU.waiting", "wards.AMU.blocked",
 * "community.NAME.occupied", "community.NAME.waiting_in_hospital"; the caller frees it. */
char *flow_model_daily_name(const struct flow_scenario *s, size_t k);

#endif
