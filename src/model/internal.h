/* internal.h - the model's state, shared by the files of src/model only. */
#ifndef FLOWSIM_MODEL_INTERNAL_H
#define FLOWSIM_MODEL_INTERNAL_H

#include <flowsim/engine.h>
#include <flowsim/error.h>
#include <flowsim/model.h>
#include <flowsim/stats.h>

#define NONE UINT32_MAX

#include "resource.h"

#include <flowsim/week.h>

/* Same-time order of the model's events: one table, lower first (the engine then keeps
 * insertion order). The warm-up mark opens the measured period before anything else happens
 * at its instant; lists are booked before anything else happens at that time. The daily series
 * (before an instant's events) and the midnight census (after them) are not events: the run
 * loop takes them at each midnight. */
enum model_priority {
    PRIO_WARMUP = FLOW_PRIORITY_MIN + 1,
    PRIO_BEDS = -20,
    PRIO_BOOK = -10,
    PRIO_STAY_END = 0,
    PRIO_DISCHARGE = 0,
    PRIO_ARRIVAL = 1,
    PRIO_LIST = 2,
    PRIO_ROUND = 3,        /* after stays that end at the round's instant: they are reviewed */
};

/* Where a patient is: every live patient is in exactly one state. States marked (bed) hold a
 * ward bed; those marked (queue) are in exactly one queue. */
#define PATIENT_STATES(X)                                                                 \
    X(FREE, "free")                 /* a pool slot, not a patient */                     \
    X(LISTED, "listed")             /* (queue) on an elective waiting list */            \
    X(BOOKED, "booked")             /* on a theatre list, not yet operated */            \
    X(THEATRE, "theatre")           /* being operated on; (bed) when it goes on to a ward */ \
    X(WAIT_BED, "wait_bed")         /* (queue) for a first bed */                        \
    X(STAY, "stay")                 /* (bed) a ward stay */                              \
    X(READY, "ready")               /* (bed)(queue) stay over, waiting for a ward round */ \
    X(REVIEWED, "reviewed")         /* (bed) reviewed on a round, leaving after_round */ \
    X(BLOCKED, "blocked")           /* (bed)(queue) for a bed in the next ward */         \
    X(FIT, "fit")                   /* (bed) medically fit, pathway 0, leaving soon */   \
    X(WAIT_ASSESSOR, "wait_assessor") /* (queue) (bed, unless discharged to assess) */   \
    X(ASSESSMENT, "assessment")     /* being assessed (bed, unless discharged to assess) */ \
    X(WAIT_SERVICE, "wait_service") /* (bed)(queue) for a community place */              \
    X(SERVICE, "service")           /* in a community service, out of hospital */         \
    X(THEATRE_WAIT_BED, "theatre_wait_bed") /* (queue) a booked case waiting for a ward bed \
                                     * (bed_patience) before its operation */            \
    X(THEATRE_HELD, "theatre_held") /* (bed) its bed taken, waiting for the theatre */

enum patient_state {
#define X(id, name) PS_##id,
    PATIENT_STATES(X)
#undef X
};

struct patient {
    uint32_t group;
    uint32_t step;           /* current route step */
    uint32_t ward;           /* ward whose bed it holds, NONE if none */
    uint32_t next;           /* queue link, or free-list link */
    uint32_t prev;           /* queue link back */
    uint32_t post;           /* elective: the route step after theatre, drawn at referral */
    uint8_t state;           /* enum patient_state */
    uint8_t pathway;         /* discharge pathway 0-3 */
    uint8_t outlier;         /* its bed is in another ward's outlie_to ward, as an outlier */
    uint8_t at_start;        /* in hospital at the start (initial:), its first stay not yet begun:
                              * that stay is the residual drawn for it (initial.c) */
    int bed;                 /* bed number when tracing, else 0 */
    uint64_t serial;         /* unique patient number (pool slots are reused) */
    double fit;              /* time medically fit, or -1 */
    double first_bed;        /* time of first bed (or of operation), or -1 */
    double requested;        /* time the current request for a place was made (ready: since when) */
    double referred;         /* time of arrival or referral */
    double joined;           /* time it joined the queue of the ward whose bed it holds */
    uint32_t list;           /* bed_patience: the theatre list its case waits for a bed on */
    double visits;           /* visits a day it needs in a visit-based service */
    uint32_t wait_token;     /* bed_patience: which wait a patience event ends */
};

/* A patient a round reviews, with what orders them (first ready, then first to arrive). */
struct reviewed {
    double since;
    uint64_t serial;
    uint32_t id;
};

/* Per-ward observations of the measured period that are not the resource's own. */
struct ward_tally {
    double midnight_sum;               /* occupied beds at each midnight census, summed */
    uint64_t departures, before_noon, weekend;   /* wards with rounds: patients leaving the ward */
    double departure_hours;            /* wards with rounds: hours of the day they left at, summed */
    uint64_t left, within[FLOW_MAX_TARGETS];     /* time targets: patients leaving a bed here */
    double time_sum;                   /* days in the ward (queue to leaving), over `left` */
    uint64_t reneged, outlied;         /* of the patients who asked for a bed here */
};

struct ward {
    const struct flow_ward_spec *spec;
    struct resource beds;
    int blocked;                       /* patients in these beds waiting for another ward */
    struct flow_level blocked_level;
    struct ward_tally period;
    int *free_beds;                    /* when tracing: a stack of free bed numbers */
    int nfree;
    double *hourly;                    /* when profiling: occupied beds at each hour of the week, summed */
    /* rounds (round.c) */
    bool rounds;                       /* the ward has rounds (spec->nrounds > 0, one load nearer) */
    uint32_t *ready;                   /* ready patients not yet reviewed (any order) */
    size_t nwaiting;
    struct reviewed *reviewed;         /* scratch: those a round reviews */
    int nready;                        /* ready or reviewed, still in the bed */
    struct flow_level ready_level;
    gsl_rng *round_rng;
    double *departures_hourly;         /* when profiling a ward with rounds: departures by hour of the week */
    double *hourly_beds;               /* when profiling a ward whose beds change: open beds each hour, summed */
    /* the front door (ward.c, frontdoor.c) */
    struct flow_hist *time_hist;       /* time targets: days in the ward, when reported */
    gsl_rng *patience_rng;
    int outliers;                      /* beds here taken by other wards' outliers */
    struct flow_level outliers_level;
    /* bed changes (beds.c): the day's plan, and the next moment of it to apply */
    struct flow_week_edge *plan;
    size_t plan_n, plan_next;
};

/* Per-group observations of the measured period (zeroed as a whole at the end of warm-up). */
struct group_tally {
    uint64_t arrivals, departures;
    double los_sum;                    /* days, over departures */
    uint64_t admissions;               /* ward beds taken (each stay in a new ward) */
    double bed_wait_sum;               /* days from asking for those beds to getting them */
    uint64_t operated, within_18_weeks;
    double wait_sum;                   /* days, referral to operation */
    double theatre_cost;               /* list costs allocated to this group's cases */
    double hospital_assessment_cost, community_assessment_cost;
    uint64_t first_beds, first_within[FLOW_MAX_TARGETS];   /* wait targets (lost count, not within) */
    uint64_t within_due, removals;     /* elective: operated within `due`; left the list */
    double over_18_weeks, over_52_weeks;   /* days on the list beyond 18 and 52 weeks, summed */
};

struct group {
    const struct flow_group_spec *spec;
    gsl_rng *arrivals_rng, *route_rng;
    gsl_rng **stay_rng;                /* one per route step (operations: step 1's) */
    double hourly[168];                /* arrivals per day in each hour of the week from time 0 */
    double week_total;                 /* expected arrivals per week */
    /* the calendar (by_month, growth, holidays): rates by the day, cached for the day in hand */
    const struct flow_scenario *sc;
    double growth_k;                   /* ln(1 + growth_per_year) / 365 */
    double until;                      /* the run's end: no arrival is sought beyond it */
    int64_t cal_day;                   /* day of cal_rate, or -1 */
    double cal_rate[24];               /* arrivals per day in each hour of cal_day, before growth */
    double cal_factor;                 /* cal_day's weekday x month weight */
    double day_shape;                  /* a whole day's mass per unit of rate x factor at its start */
    struct group_tally period;
    /* elective groups only */
    gsl_rng *unfit_rng;
    gsl_rng *bed_patience_rng;         /* theatre steps with bed_patience */
    struct queue waiting_list;         /* oldest referral first */
    size_t listed;                     /* on the list or booked, not yet operated */
    struct flow_level listed_level;
    struct flow_hist wait_hist;        /* weeks, referral to operation */
    gsl_rng *leave_rng;                /* leave_list */
    /* discharge */
    gsl_rng *pathway_rng, *delay_rng, *assessment_rng, *readmit_rng;
    struct resource *assessors;        /* borrowed from the model's pools */
};

/* A community service: places, and patients waiting for one in a hospital bed. */
struct service {
    const struct flow_service_spec *spec;
    gsl_rng *stay_rng;
    struct resource places;            /* patients (unlimited for a service with visits_per_day) */
    /* visits_per_day: capacity in visits a day; patients wait, first come first served, for
     * the visits they need */
    gsl_rng *visits_rng;
    struct queue visit_queue;
    double visits_used, visits_unmet;  /* visits a day in use, and wanted by those waiting */
    struct flow_level used_level, unmet_level, visit_waiting;
};

struct pathway_stats {
    uint64_t left, readmissions;
    double fit_to_leave;               /* days, summed over patients who left */
};

/* Whole-model observations of the measured period. */
struct model_tally {
    uint64_t departures, same_or_next_day;
    uint64_t fit_left;
    double fit_to_leave;
    struct pathway_stats pathways[4];
    uint64_t midnights;                /* censuses taken in the measured period */
    uint64_t live_at_start, created_at_start;   /* patients in the model, and created, at the mark */
    uint64_t hour_samples[168];        /* when profiling: samples per hour of the week */
};

/* The route's continuations: how a rule module whose own event ends a patient's stage (a bed
 * given, an operation over, a readmission due) hands the patient back to the route (route.c)
 * without calling it, so that calls between the model's files go one way. model.c registers
 * route.c's (flow__route_moves), as the engine calls the model through callbacks. */
struct moves {
    void (*bed_granted)(struct flow_model *m, uint32_t id);     /* moved into a bed: stay or theatre */
    void (*operated)(struct flow_model *m, uint32_t id);        /* out of theatre: stay or home */
    void (*readmitted)(struct flow_model *m, uint32_t group);   /* back as an emergency arrival */
};

/* Per-theatre observations of the measured period (metrics.c reports them). */
/* Per-theatre observations of the measured period. */
struct theatre_tally {
    uint64_t lists, underrun, cases, turnarounds;
    uint64_t cancelled_no_bed, cancelled_unfit, cancelled_overrun;
    double late_sum, overrun_sum, turnaround_sum, inside, list_time, cost;
};

struct theatre {
    const struct flow_theatre_spec *spec;
    gsl_rng *late_rng, *turnaround_rng;
    uint32_t *groups;                  /* elective groups that start here */
    size_t ngroups;
    bool busy;
    uint32_t waiting_head, waiting_tail;   /* lists due to start while the theatre was busy */
    struct theatre_tally period;
};

/* A theatre's lists and timetable slots are theatre.c's own (file-local structs). */
struct list;
struct slot;

struct flow_model {
    const struct flow_scenario *sc;
    struct flow_engine *engine;
    const struct moves *moves;
    struct ward *wards;
    struct group *groups;
    struct theatre *theatres;
    struct slot *slots;
    size_t nslots;
    struct list *lists;
    size_t nlists, cap_lists;
    uint32_t free_list;
    struct service *services;
    struct resource *pools;            /* assessors: [0] shared, then one per group with its own */
    size_t npools;
    struct resource **offers;          /* resources with a freed place to offer (a stack) */
    size_t noffers;
    struct flow_level delayed;         /* medically fit patients in hospital beds */
    struct model_tally period;
    bool discharge;                    /* some group has a discharge block */
    bool time_targets, wait_targets;   /* some ward has targets; some group wait targets */
    double *daily;                     /* days x series, when recording */
    size_t daily_days, daily_done, daily_width;
    double *daily_prev;                /* each series' total area at the last midnight */
    const struct flow_level **daily_levels;   /* the level behind each series */
    bool profiling;
    flow_trace_fn trace;               /* NULL unless tracing */
    void *trace_arg;
    uint64_t serials;
    uint32_t wait_tokens;              /* bed_patience waits begun (tokens for their events) */
    struct patient *patients;
    size_t npatients, cap_patients, live;
    uint32_t free_patient;
    size_t max_live;                   /* FLOW_MAX_LIVE_PATIENTS (tests may lower it) */
    size_t readmits_due;               /* readmissions scheduled, not yet arrived (count in the cap) */
    uint64_t created, left, lost;      /* patients since time 0 (never reset): created = live + left + lost */
    double start;                      /* start of the measured period */
    const atomic_bool *cancel;         /* stops the run when set (flow_model_cancel_on), or NULL */
    struct flow_hist los_hist;
    int status;
    uint8_t *check_seen;               /* invariants.c's scratch space, when checking */
    size_t check_cap;
    int *check_beds;
    uint32_t replication;
    double *initial_left;              /* census patients' remaining first stays, by patient id */
    size_t initial_cap;
    double *backlog_start;             /* queues and occupancy totals at the start of the measured
                                        * period, then occupancy a quarter in (backlog.c) */
    double backlog_quarter_at;         /* when that quarter was, or -1 */
};

/* arrivals.c */
void flow__arrivals_setup(struct group *g, const struct flow_scenario *sc);
double flow__arrivals_next(struct group *g, gsl_rng *r, double now);

/* patient.c: the pool of patient records */
uint32_t flow__patient_new(struct flow_model *m, uint32_t group);
/* The patient leaves the model: lost (turned away) or not. */
void flow__patient_free(struct flow_model *m, uint32_t id, bool lost);
static inline void patient_set(struct flow_model *m, uint32_t id, enum patient_state s)
{
    m->patients[id].state = (uint8_t)s;
}
const char *flow__patient_state_name(enum patient_state s);

/* ward.c: beds */
void flow__wards_create(struct flow_model *m);
void flow__wards_destroy(struct flow_model *m);
void flow__wards_mark(struct flow_model *m, double t);
/* Asks for a bed in `ward` for the patient's current step: admits it at once when one is
 * free, otherwise it waits (blocking the bed it holds) or, at a divert ward, is lost. */
void flow__ward_request(struct flow_model *m, uint32_t id, uint32_t ward);
/* Admits the patient now to a bed known to be free (theatre: held from the operation). */
/* A census patient asks for a bed: it takes one, or waits for one in the ward's queue (never
 * diverted, outlying or giving up: it is in hospital already). */
void flow__ward_request_waiting(struct flow_model *m, uint32_t id, uint32_t ward);
void flow__ward_admit_now(struct flow_model *m, uint32_t id, uint32_t ward);
/* A patient holding a bed it will not use (a case cancelled after its bed came) gives it back. */
void flow__ward_give_back(struct flow_model *m, uint32_t id);
/* Frees the bed the patient holds (if any) and records its departure from hospital. */
void flow__ward_leave_hospital(struct flow_model *m, uint32_t id);

/* frontdoor.c: time targets, patience, outliers, ring-fenced beds */
void flow__frontdoor_create(struct flow_model *m, uint64_t seed, uint32_t rep);
void flow__frontdoor_destroy(struct flow_model *m);
void flow__frontdoor_mark(struct flow_model *m, double t);
/* How long a patient who has joined the queue at the front door of `ward` (which has patience)
 * will wait for a bed, drawn from the ward's patience stream. */
__attribute__((cold)) double flow__frontdoor_patience(struct flow_model *m, uint32_t ward);
/* The patient finds `ward` full: the first of its outlie_to wards with a bed free for it, or
 * NONE (it waits). */
__attribute__((cold)) uint32_t flow__frontdoor_host(struct flow_model *m, uint32_t id, uint32_t ward);
/* The patient has just moved into a bed as an outlier. */
__attribute__((cold)) void flow__frontdoor_start_outlier(struct flow_model *m, uint32_t id);
/* The patient no longer outlies (it leaves the bed, or its stay there is now its own). */
__attribute__((cold)) void flow__frontdoor_end_outlier(struct flow_model *m, uint32_t id);
/* The patient leaves a bed in `ward` (time targets). */
__attribute__((cold)) void flow__frontdoor_left_ward(struct flow_model *m, uint32_t id, uint32_t ward);
/* The patient's first bed now (got) or never (lost at the front door): wait targets. */
__attribute__((cold)) void flow__frontdoor_first_bed(struct flow_model *m, uint32_t id, bool got);
/* A first bed given back unused (a case cancelled after its bed came): its count undone. */
void flow__frontdoor_first_bed_undo(struct flow_model *m, uint32_t id);

/* route.c: the patient's movement: arrivals, the route from ward to ward, rounds' releases */
void flow__route_start(struct flow_model *m);
/* Schedules each ward's first round (after the theatres' first lists, as before). */
void flow__route_rounds_start(struct flow_model *m);
/* Starts a stay of the patient's current step in the bed it holds. */
void flow__route_start_stay(struct flow_model *m, uint32_t id);
/* Leaves hospital and the model. */
void flow__route_leave(struct flow_model *m, uint32_t id);
void flow__route_mark(struct flow_model *m, double t);
/* The stay just ended: the next route step, the discharge block or home. */
void flow__route_next(struct flow_model *m, uint32_t id);
/* The continuations model.c registers as m->moves. */
extern const struct moves flow__route_moves;

/* steps.c: the first route step from `from` on that is taken (each with its probability p),
 * or nsteps. */
uint32_t flow__steps_draw(struct flow_model *m, uint32_t id, uint32_t from);

/* round.c: ward rounds */
void flow__rounds_create(struct flow_model *m, uint64_t seed, uint32_t rep);
void flow__rounds_destroy(struct flow_model *m);
/* The patient's stay in a ward with rounds has ended: it waits in its bed for a round. */
void flow__round_ready(struct flow_model *m, uint32_t id);
/* When `ward`'s next round is, from t (after t when `after`), within the run; *which is the
 * round's index. INFINITY when there is none. */
double flow__round_next(const struct flow_model *m, uint32_t ward, double t, bool after, size_t *which);
/* Round `round` of `ward` reviews its ready patients: how many, in w->reviewed[].id in the
 * order they became ready. */
size_t flow__round_pick(struct flow_model *m, uint32_t ward, size_t round);
/* The patient is reviewed (state and trace). */
void flow__round_reviewed(struct flow_model *m, struct ward *w, uint32_t id);
/* Whether reviewed patients go at once (after_round is zero), or after flow__round_after. */
bool flow__round_at_once(const struct ward *w);
double flow__round_after(struct ward *w);
/* A reviewed patient moves on: it is no longer waiting in its bed for a round. */
void flow__round_left(struct flow_model *m, uint32_t id);
/* A patient leaves a ward with rounds (counted for the discharge-time metrics). */
void flow__round_departure(struct flow_model *m, struct ward *w);
double flow__round_weekend_days(const struct flow_scenario *s, double a, double b);

/* beds.c: beds that follow a calendar, and escalation */
void flow__beds_create(struct flow_model *m);
void flow__beds_start(struct flow_model *m);
void flow__beds_destroy(struct flow_model *m);
/* The most beds the ward can ever have open (for bed numbers in traces). */
int flow__beds_most(const struct flow_ward_spec *w);

/* theatre.c */
void flow__theatres_create(struct flow_model *m, uint64_t seed, uint32_t rep);
void flow__theatres_destroy(struct flow_model *m);
void flow__theatres_start(struct flow_model *m);
void flow__theatres_mark(struct flow_model *m, double now);
void flow__elective_referral(struct flow_model *m, uint32_t id);
/* bed_patience: the ward bed a waiting case asked for is its now (ward.c's grant). */
void flow__theatre_bed_came(struct flow_model *m, uint32_t id);
/* The days a waiting-list patient referred at `referred` spends on the list beyond `after`
 * days between the measured period's start and `until`. */
double flow__list_overdue(const struct flow_model *m, double referred, double after, double until);

/* discharge.c */
void flow__discharge_create(struct flow_model *m, uint64_t seed, uint32_t rep);
void flow__discharge_destroy(struct flow_model *m);
void flow__discharge_mark(struct flow_model *m, double now);
/* The patient's last ward stay has ended: it is medically fit, in its bed. */
void flow__discharge_fit(struct flow_model *m, uint32_t id);

/* discharge.c: a census patient in a place of `service` at the start, `left` days to stay. */
void flow__discharge_census(struct flow_model *m, uint32_t id, uint32_t service, double left);

/* initial.c: the patients in hospital at the start (a scenario's initial: census) */
void flow__initial_start(struct flow_model *m);
/* The remaining first stay of a census patient (once: it clears the patient's flag). */
double flow__initial_stay(struct flow_model *m, uint32_t id);

/* census.c: the midnight census, occupancy by hour, daily series */
void flow__census_midnight(struct flow_model *m, double t);
void flow__census_daily(struct flow_model *m, double t);
void flow__census_mark(struct flow_model *m, double t);
void flow__census_finish(struct flow_model *m);

/* backlog.c: queues at the start of the measured period */
void flow__backlog_mark(struct flow_model *m);

/* invariants.c: the model's bookkeeping, checked after every event in checking builds. */
void flow__invariants_check(struct flow_model *m);
/* What a report must satisfy, checked on each replication's metrics in checking builds: each
 * metric within the bounds of its unit, and rules across metrics and the model's tallies. */
void flow__invariants_check_metric(const struct flow_model *m, const char *section, const char *entity,
                                  const char *key, const char *unit, double value);
void flow__invariants_check_outputs(const struct flow_model *m);

/* model.c */
static inline double model_now(const struct flow_model *m) { return flow_engine_now(m->engine); }

/* Traces one event (no-op unless tracing). */
static inline void model_trace(struct flow_model *m, uint32_t id, enum flow_trace_event ev,
                               const char *place, int resource)
{
    if (m->trace && m->trace(m->trace_arg, flow_engine_now(m->engine), m->patients[id].serial,
                             m->groups[m->patients[id].group].spec->name, ev, place, resource) != 0
        && m->status == 0) {
        m->status = FLOW_E_IO;
        flow_engine_stop(m->engine);
    }
}

#endif
