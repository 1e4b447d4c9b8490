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
    double first_bed;        /* time of first bed, or -1 */
    double requested;        /* time the current bed request was made */
};

struct ward {
    const struct flow_ward_spec *spec;
    int occupied, blocked;
    uint32_t qhead, qtail;
    size_t qlen;
    bool queued_for_drain;
    struct flow_level occ, full, blocked_level;
    struct flow_level *by_group;       /* beds held by each group, for costs */
    uint64_t arrivals, admissions, waited, diverted;
    double wait_sum;
};

struct group {
    const struct flow_group_spec *spec;
    gsl_rng *arrivals_rng, *route_rng;
    gsl_rng **stay_rng;                /* one per route step */
    double hourly[168];                /* arrivals per day in each hour of the week */
    double week_total;                 /* expected arrivals per week */
    uint64_t arrivals, departures;
    double los_sum;                    /* days, over departures */
};

struct flow_model {
    const struct flow_scenario *sc;
    struct flow_engine *engine;
    struct ward *wards;
    struct group *groups;
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

#endif
