/* internal.h - the model's state, shared by the files of src/model only. */
#ifndef FLOWSIM_MODEL_INTERNAL_H
#define FLOWSIM_MODEL_INTERNAL_H

#include <flowsim/engine.h>
#include <flowsim/model.h>
#include <flowsim/stats.h>

#define NONE UINT32_MAX

struct patient {
    uint32_t group;
    uint32_t step;           /* current route step */
    uint32_t ward;           /* ward whose bed it holds, NONE if none */
    uint32_t next;           /* queue link, or free-list link */
    bool blocking;           /* waiting in a queue while holding a bed elsewhere */
    uint8_t pathway;         /* discharge pathway 0-3 */
    int bed;                 /* bed number when tracing, else 0 */
    uint64_t serial;         /* unique patient number (pool slots are reused) */
    double fit;              /* time medically fit, or -1 */
    double first_bed;        /* time of first bed (or of operation), or -1 */
    double requested;        /* time the current bed request was made */
    double referred;         /* time of arrival or referral */
};

struct ward {
    const struct flow_ward_spec *spec;
    int occupied, blocked;
    uint32_t qhead, qtail;
    size_t qlen;
    bool queued_for_drain;
    struct flow_level occ, full, blocked_level, queue_level;
    struct flow_level *by_group;       /* beds held by each group, for costs */
    uint64_t arrivals, admissions, waited, diverted;
    double wait_sum;
    double midnight_sum;               /* occupied beds at each midnight, summed */
    int *free_beds;                    /* when tracing: a stack of free bed numbers */
    int nfree;
    double *hourly;                    /* when profiling: occupied beds at each hour of the week, summed */
    struct flow_hist *wait_hist;       /* when profiling: waits for a bed (hours) */
};

struct group {
    const struct flow_group_spec *spec;
    gsl_rng *arrivals_rng, *route_rng;
    gsl_rng **stay_rng;                /* one per route step (operations: step 1's) */
    double hourly[168];                /* arrivals per day in each hour of the week */
    double week_total;                 /* expected arrivals per week */
    uint64_t arrivals, departures;
    double los_sum;                    /* days, over departures */
    /* elective groups only */
    gsl_rng *unfit_rng;
    uint32_t wl_head, wl_tail;         /* waiting list, oldest referral first */
    size_t listed;                     /* on the list or booked, not yet operated */
    struct flow_level listed_level;
    uint64_t operated, within_18_weeks;
    double wait_sum;                   /* days, referral to operation */
    struct flow_hist wait_hist;        /* weeks */
    double theatre_cost;               /* list costs allocated to this group's cases */
    /* discharge */
    gsl_rng *pathway_rng, *delay_rng, *assessment_rng, *readmit_rng;
    struct assessors *assessors;       /* borrowed from the model */
    double hospital_assessment_cost, community_assessment_cost;
};

/* One occurrence of a theatre list, from booking to its last case. */
struct list {
    uint32_t theatre;
    double start, end;                 /* scheduled */
    double actual_start, case_start;
    uint32_t *cases;                   /* booked patients, in booking order */
    double *operating;                 /* days each operated case took, 0 if cancelled */
    size_t ncases, cap, next;
    uint32_t current;                  /* the case being operated */
    uint32_t operated;
    double inside;                     /* operating time inside the scheduled list */
    uint32_t link;                     /* free list, or the theatre's queue of lists */
};

struct theatre {
    const struct flow_theatre_spec *spec;
    gsl_rng *late_rng, *turnaround_rng;
    uint32_t *groups;                  /* elective groups that start here */
    size_t ngroups;
    bool busy;
    uint32_t waiting_head, waiting_tail;   /* lists due to start while the theatre was busy */
    uint64_t lists, underrun, cases, turnarounds;
    uint64_t cancelled_no_bed, cancelled_unfit, cancelled_overrun;
    double late_sum, overrun_sum, turnaround_sum, inside, list_time, cost;
};

/* A community service: places, and patients waiting for one in a hospital bed. */
struct service {
    const struct flow_service_spec *spec;
    gsl_rng *stay_rng;
    int occupied;
    uint32_t qhead, qtail;
    size_t qlen;
    struct flow_level occ, queue;
    struct flow_level *by_group;       /* places held by each group, for costs */
    uint64_t entries;
    double wait_sum;                   /* days from asking for a place to getting it */
};

/* Assessors: a pool shared by the groups that use the scenario's discharge block, and one for
 * each group that sets its own assessment_capacity. */
struct assessors {
    int capacity;                      /* 0: unlimited */
    int busy;
    uint32_t qhead, qtail;
    size_t qlen;
};

struct pathway_stats {
    uint64_t left, readmissions;
    double fit_to_leave;               /* days, summed over patients who left */
};

/* One weekly timetable slot: a session on one weekday. */
struct slot {
    uint32_t theatre;
    double length;
    double next_start;                 /* the next occurrence to book */
};

struct flow_model {
    const struct flow_scenario *sc;
    struct flow_engine *engine;
    struct ward *wards;
    struct group *groups;
    struct theatre *theatres;
    struct slot *slots;
    size_t nslots;
    struct list *lists;
    size_t nlists, cap_lists;
    uint32_t free_list;
    struct service *services;
    struct assessors *pools;           /* [0] shared, then one per group with its own */
    struct flow_level delayed;         /* medically fit patients in hospital beds */
    struct pathway_stats pathways[4];
    uint64_t fit_left, same_or_next_day;
    double fit_to_leave;
    bool discharge;                    /* some group has a discharge block */
    double *daily;                     /* days x (wards + services), when recording */
    size_t daily_days, daily_done;
    double *daily_prev;                /* each series' area at the last midnight */
    uint64_t midnights;                /* censuses taken in the measured period */
    uint64_t hour_samples[168];        /* when profiling: samples per hour of the week */
    bool profiling;
    flow_trace_fn trace;               /* NULL unless tracing */
    void *trace_arg;
    uint64_t serials;
    struct patient *patients;
    size_t npatients, cap_patients, live;
    uint32_t free_patient;
    uint32_t *drain;                   /* wards with a freed bed to offer to their queue */
    size_t ndrain;
    double start;                      /* start of the measured period */
    uint64_t departures;
    struct flow_hist los_hist;
    int status;
};

/* arrivals.c */
void arrivals_setup(struct group *g);
double arrivals_next(const struct group *g, gsl_rng *r, double now);

/* theatre.c */
void theatres_create(struct flow_model *m, uint64_t seed, uint32_t rep);
void theatres_destroy(struct flow_model *m);
void theatres_start(struct flow_model *m);
void theatres_reset(struct flow_model *m, double now);
void elective_referral(struct flow_model *m, uint32_t id);

/* discharge.c */
void discharge_create(struct flow_model *m, uint64_t seed, uint32_t rep);
void discharge_destroy(struct flow_model *m);
void discharge_reset(struct flow_model *m, double now);
/* The patient's last ward stay has ended: it is medically fit, in its bed. */
void discharge_fit(struct flow_model *m, uint32_t id);

/* model.c: trace one event (no-op unless tracing) */
static inline void model_trace(struct flow_model *m, uint32_t id, enum flow_trace_event ev,
                               const char *place, int resource)
{
    if (m->trace)
        m->trace(m->trace_arg, flow_engine_now(m->engine), m->patients[id].serial,
                 m->groups[m->patients[id].group].spec->name, ev, place, resource);
}

/* model.c: the patient moves that theatre.c shares */
double model_now(const struct flow_model *m);
uint32_t model_patient_new(struct flow_model *m, uint32_t group);
uint32_t model_next_step(struct flow_model *m, uint32_t id, uint32_t from);
void model_take_bed(struct flow_model *m, uint32_t id, uint32_t ward);
void model_start_stay(struct flow_model *m, uint32_t id);
void model_leave(struct flow_model *m, uint32_t id);
/* Leaves hospital (bed freed, stay recorded) but stays alive, for a community service. */
void model_leave_hospital(struct flow_model *m, uint32_t id);
void model_patient_free(struct flow_model *m, uint32_t id);
void model_arrive(struct flow_model *m, uint32_t group);
void model_drain(struct flow_model *m);

#endif
