/* model.h - the hospital model: patients arrive by group, follow a route of ward stays, wait
 * for beds (or are diverted), block beds while waiting to move on, and leave. One model is one
 * replication: it owns its engine, random streams, patients and statistics, and borrows the
 * read-only scenario. Statistics are reset at the end of warm-up. */
#ifndef FLOWSIM_MODEL_H
#define FLOWSIM_MODEL_H

#include <flowsim/scenario.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One reported metric: JSON path section[.entity].key, e.g. wards.AMU.occupancy. */
struct flow_metric_def {
    const char *section;      /* "system", "wards" or "groups" (static) */
    const char *entity;       /* ward or group name (borrowed from the scenario), or NULL */
    const char *key;          /* static */
    const char *label;        /* static, for text reports */
    const char *unit;         /* static: "fraction" (0 to 1), "hours", "days", "beds", ...;
                               * every metric is at least 0 */
    int better;               /* 1: higher is better, -1: lower is better, 0: neither (a volume
                               * such as arrivals or beds occupied) */
};

/* Every fixed metric of every section (entity NULL; targets' metrics, named by a scenario,
 * left out); free with free(). */
struct flow_metric_def *flow_metric_catalogue(size_t *count);
/* The metrics a scenario reports, in a fixed order; free with free(). */
struct flow_metric_def *flow_model_metric_defs(const struct flow_scenario *s, size_t *count);


struct flow_model;

struct flow_model *flow_model_create(const struct flow_scenario *s, uint32_t replication);
void flow_model_destroy(struct flow_model *m);
/* Runs warm-up and horizon. Returns 0 or FLOW_E_OVERLOAD. */
int flow_model_run(struct flow_model *m);
/* Writes the metric values (NAN where undefined) in flow_model_metric_defs order. */
void flow_model_metrics(const struct flow_model *m, double *values);
uint64_t flow_model_events(const struct flow_model *m);

/* Event trace of one replication: every patient event, in time order, through a callback
 * (costs one test per event when off). `place` is a ward, theatre or service name (or NULL);
 * `resource` a bed number in its ward (from 1), or 0. */
#define FLOW_TRACE_EVENTS(X)                                                             \
    X(ARRIVAL, "arrival") X(REFERRAL, "referral") X(READMISSION, "readmission")          \
    X(WAIT_BED, "wait_for_bed") X(BED, "bed") X(BED_END, "bed_end") X(DIVERT, "divert")   \
    X(LEAVE, "leave_hospital") X(BOOKED, "booked") X(CANCEL_NO_BED, "cancelled_no_bed")  \
    X(CANCEL_UNFIT, "cancelled_unfit") X(CANCEL_OVERRUN, "cancelled_out_of_time")        \
    X(OPERATION_START, "operation_start") X(OPERATION_END, "operation_end")              \
    X(FIT, "medically_fit") X(ASSESSMENT_WAIT, "wait_for_assessor")                      \
    X(ASSESSMENT_START, "assessment_start") X(ASSESSMENT_END, "assessment_end")          \
    X(SERVICE_WAIT, "wait_for_service") X(SERVICE_START, "service_start")                \
    X(SERVICE_END, "service_end") X(READY, "ready") X(ROUND, "ward_round")      \
    X(RENEGE, "renege") X(OUTLIE, "outlie") X(LEAVE_LIST, "leave_list")                  \
    X(AT_START, "in_hospital_at_start") X(COMMUNITY_DIVERT, "community_divert")   \
    X(BED_WAIT, "bed_wait")

enum flow_trace_event {
#define X(id, name) FLOW_TRACE_##id,
    FLOW_TRACE_EVENTS(X)
#undef X
};

const char *flow_trace_event_name(enum flow_trace_event ev);

/* Called for every event of a traced replication; a non-zero return (a failed write) stops the
 * run at once with FLOW_E_IO. */
typedef int (*flow_trace_fn)(void *arg, double time, uint64_t patient, const char *group,
                             enum flow_trace_event ev, const char *place, int resource);
void flow_model_trace(struct flow_model *m, flow_trace_fn fn, void *arg);
/* A flag that stops the run (FLOW_E_CANCELLED) within a day of simulated time, or a few
 * thousand events, of being set; call before the run. */
void flow_model_cancel_on(struct flow_model *m, const atomic_bool *flag);

/* Occupancy by hour of the week (for reports): call before the run; afterwards
 * flow_model_hourly writes nwards x 168 mean occupied beds (hour 0 = Monday 00:00, NAN for an
 * hour never sampled). Sampled as the beds change (no events), but it keeps 168 values a ward and
 * a histogram of waits, so it is off unless asked for. */
void flow_model_profile(struct flow_model *m);
void flow_model_hourly(const struct flow_model *m, double *out);
/* With profiling: nwards x 168 mean departures from the ward in each hour of the week, for
 * wards with rounds (NAN for the others). */
void flow_model_hourly_departures(const struct flow_model *m, double *out);
bool flow_model_has_rounds(const struct flow_scenario *s);
/* With profiling: nwards x 168 mean open beds in each hour of the week, for wards whose beds
 * change (bed changes or escalation; NAN for the others). */
void flow_model_hourly_beds(const struct flow_model *m, double *out);
bool flow_model_has_bed_plans(const struct flow_scenario *s);
/* Some group has a discharge block. */
bool flow_model_any_discharge(const struct flow_scenario *s);
/* With profiling: each ward's 1st to 99th percentiles of the wait for a bed, in hours
 * (nwards x 99). */
void flow_model_wait_quantiles(const struct flow_model *m, double *out);
/* When some ward has time targets: each ward's 1st to 99th percentiles of time in the ward
 * (joining its queue to leaving its bed), in hours (nwards x 99). */
void flow_model_time_quantiles(const struct flow_model *m, double *out);
/* The 1st to 99th percentiles of length of stay (days) of the patients who left. */
void flow_model_los_quantiles(const struct flow_model *m, double *out);
/* Patients waiting in each queue (each ward's beds, each community service's places, each
 * group's waiting list, the shared assessors, each group's own assessors (0 for none), in that
 * order: flow_model_backlog_count of them) at the start of the measured period and now: 2
 * values per queue. */
size_t flow_model_backlog_count(const struct flow_scenario *s);
/* The row flow_model_backlog writes: those 2 values per queue, then for each ward and then each
 * community service its mean occupancy in the first quarter of the measured period and in the
 * rest (NAN if the run did not reach the quarter), then for each ward the beds asked for and
 * taken over the measured period (for the ward's offered load). */
size_t flow_model_backlog_width(const struct flow_scenario *s);
void flow_model_backlog(const struct flow_model *m, double *out);

/* Daily series, for warm-up analysis and CSV export: when enabled before the run, the model
 * records daily means from time 0 (days x series values, row per day): for each ward its
 * occupied beds, patients waiting for a bed and beds blocked (then open beds when they change,
 * ready patients' beds with rounds, and the fraction of the day with every bed taken); then
 * for each community service its occupied places and patients waiting for one in a hospital
 * bed; then for each elective group its waiting list (referred, not yet operated); then, with a
 * discharge block, the beds held by medically fit patients. Memory grows with the
 * horizon, so it is off unless asked for. */
void flow_model_record_daily(struct flow_model *m, size_t days);
/* The index of the daily series named `name` (as flow_model_daily_name gives it), or
 * flow_model_daily_count(s) when there is none. */
size_t flow_model_daily_index(const struct flow_scenario *s, const char *name);
const double *flow_model_daily(const struct flow_model *m, size_t *days, size_t *series);
size_t flow_model_daily_count(const struct flow_scenario *s);
/* "wards.AMU.occupied", "wards.AMU.waiting", "wards.AMU.blocked",
 * "community.NAME.occupied", "community.NAME.waiting_in_hospital", "groups.NAME.waiting_list";
 * the caller frees it. */
char *flow_model_daily_name(const struct flow_scenario *s, size_t k);

#endif
