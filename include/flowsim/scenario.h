/* scenario.h - the scenario: a read-only, plain-C description of a hospital, loaded from YAML
 * (format v1, see docs/scenario-format.md) with --set overrides applied. Once loaded it is
 * shared by all replications and threads; nothing may change it. The loader owns nothing of
 * libyaml's after it returns. */
#ifndef FLOWSIM_SCENARIO_H
#define FLOWSIM_SCENARIO_H

#include <flowsim/limits.h>
#include <flowsim/random.h>
#include <flowsim/util.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum flow_when_full { FLOW_WHEN_FULL_QUEUE, FLOW_WHEN_FULL_DIVERT, FLOW_WHEN_FULL_OUTLIE };
/* Who starts when visits free up: the first waiting patient only, or any whose visits fit. */
enum flow_visit_order { FLOW_ORDER_FIRST_COME, FLOW_ORDER_FIRST_FIT };

/* Time targets ("within 4h"): whole durations in increasing order, each with the metric key
 * and label it is reported under (within_4h for a ward, wait_within_15m for a group). */
struct flow_targets {
    size_t n;
    double days[FLOW_MAX_TARGETS];
    char key[FLOW_MAX_TARGETS][32];
    char label[FLOW_MAX_TARGETS][64];
};

/* A ward round: on the given weekdays (a holiday counts as a Sunday) at a time of day, each
 * patient whose stay has ended is reviewed with probability p_review. */
struct flow_round_spec {
    unsigned days;             /* bit 0 Monday ... bit 6 Sunday */
    double at;                 /* days after midnight */
    double p_review;           /* (0, 1] */
};

/* A change to a ward's open beds, added to `beds` while it applies. Weekly: on the given
 * weekdays (a holiday counts as a Sunday) from `start` for `length` (all day: 00:00 for 1d).
 * Dated: every whole day from `from` to `to`, both included (day numbers from time 0). */
struct flow_bed_change_spec {
    bool dated;
    unsigned days;
    double start, length;      /* weekly: days after midnight, days */
    int64_t from, to;          /* dated: days from time 0 */
    int change;
};

/* Extra beds that open when `open_when_waiting` patients wait for the ward and close (as
 * they empty) when `close_when_free` beds are free. beds == 0: none. */
struct flow_escalation_spec {
    int beds;
    int open_when_waiting;
    int close_when_free;
};

struct flow_ward_spec {
    char *name;
    int beds;
    double cost_per_bed_day;
    enum flow_when_full when_full;
    struct flow_round_spec *rounds;        /* none: patients leave when their stay ends */
    size_t nrounds;
    struct flow_dist after_round;          /* reviewed on a round to leaving the bed (days) */
    struct flow_bed_change_spec *bed_changes;
    size_t nbed_changes;
    int change_span;                       /* days a weekly change reaches past its own (week.h) */
    struct flow_escalation_spec escalation;
    /* the front door (docs/scenario-format.md, "Time targets, patience, outliers") */
    struct flow_targets targets;           /* time in the ward, joining its queue to leaving */
    bool has_patience;
    struct flow_dist patience;             /* front-door patients waiting longer leave (days) */
    int *outlie_to;                        /* when_full: outlie: the wards tried, in order */
    size_t noutlie;
    double outlier_stay_factor;            /* stays of patients outlying from this ward x this */
    bool outlier_host;                     /* some ward outlies to this one */
    int reserved_beds;                     /* ring-fenced for reserved_for's groups (0: none) */
    unsigned char *reserved_for;           /* ngroups flags, or NULL */
};

enum flow_overrun { FLOW_OVERRUN_CANCEL_REMAINING, FLOW_OVERRUN_FINISH };

/* One line of a theatre's weekly timetable: a list on each of the given weekdays. */
struct flow_session_spec {
    unsigned days;             /* bit 0 Monday ... bit 6 Sunday */
    double start;              /* days after midnight (08:30 is 8.5 / 24) */
    double length;             /* days */
    uint64_t weeks;            /* bit k: week k + 1 of the theatre's cycle; 0: every week */
};

struct flow_theatre_spec {
    char *name;
    double cost_per_hour;      /* staffed list time, charged whether used or not */
    struct flow_session_spec *sessions;
    size_t nsessions;
    struct flow_dist late_start;   /* days after the scheduled start */
    struct flow_dist turnaround;   /* days between cases */
    enum flow_overrun overrun;
    double booking_fill;       /* book planned durations up to length x booking_fill */
    double book_ahead;         /* days before the list starts */
    double underrun_threshold; /* days: a list that ends earlier than this before its end under-ran */
    int cycle;                 /* weeks in the timetable's cycle (1 to 52); week 1 holds time 0 */
};

/* A community service patients go to after hospital (discharge pathways 1-3). */
struct flow_service_spec {
    char *name;
    int capacity;              /* places; 0 means unlimited */
    enum flow_when_full when_full;  /* queue (in the hospital bed), or divert (elsewhere, counted) */
    double visits_per_day;     /* > 0: capacity in visits a day instead of places (home care) */
    struct flow_dist visits;   /* with visits_per_day: visits a day each patient needs */
    enum flow_visit_order order;  /* with visits_per_day: first come, or first fit */
    struct flow_dist stay;     /* days */
    double cost_per_day;       /* per occupied place */
};

enum flow_discharge_model { FLOW_ASSESS_IN_HOSPITAL, FLOW_DISCHARGE_TO_ASSESS };

struct flow_pathway_spec {
    double share;              /* fraction of patients on this pathway */
    struct flow_dist delay;    /* pathway 0: time from medically fit to leaving */
    int service;               /* pathways 1-3: index into scenario->community */
    double readmit_p;          /* probability of readmission (0: none) */
    struct flow_dist readmit_after;   /* days after leaving hospital */
    int readmit_group;         /* the group whose route the readmission takes */
};

/* What happens when a patient is medically fit (its last ward stay has ended). */
struct flow_discharge_spec {
    bool enabled;              /* false: patients leave as soon as they are fit */
    enum flow_discharge_model model;
    struct flow_dist assessment;      /* days, pathways 1-3 */
    int assessment_capacity;   /* assessors at once; 0 means unlimited */
    bool own_assessors;        /* a group's own pool (it set assessment_capacity itself) */
    double cost_per_assessment;
    struct flow_pathway_spec pathways[4];
};

enum flow_step_kind { FLOW_STEP_WARD, FLOW_STEP_THEATRE };

struct flow_step_spec {
    enum flow_step_kind kind;
    int ward;                  /* ward steps: index into scenario->wards */
    double p;                  /* probability that the step is taken */
    struct flow_dist stay;     /* ward steps: days */
    int theatre;               /* theatre steps: index into scenario->theatres */
    struct flow_dist operation;    /* theatre steps: days */
    double planned;            /* theatre steps: booked duration, days */
    double p_unfit_on_day;     /* theatre steps */
    bool has_bed_patience;     /* theatre steps: a case with no bed waits up to bed_patience */
    struct flow_dist bed_patience; /* days */
};

/* A patient in hospital when the run starts (`initial:`): in the route step `step` of group
 * `group`, the group's first step in ward `ward`, with `elapsed` days of that stay already spent
 * (-1: not known); or, `fit`, medically fit in that ward's bed, in its group's discharge block;
 * or (ward -1) in a place of community service `service`, reached by discharge pathway
 * `pathway` of its group, with `elapsed` days of that stay spent. */
struct flow_initial_patient {
    int ward, group, step;
    double elapsed;
    bool fit;
    int service, pathway;
};

struct flow_group_spec {
    char *name;
    bool elective;             /* arrivals are referrals onto a waiting list (route starts in theatre) */
    double rate_per_day;       /* mean arrivals (or referrals) per day over a week */
    int initial_waiting_list;  /* elective: patients waiting at time 0 */
    double *waiting_since;     /* elective: more patients waiting at time 0, each referred this
                                * many days before (owned), or NULL */
    size_t nwaiting_since;
    double by_hour[24];        /* relative weights rescaled to mean 1 (all 1 when not given) */
    double by_weekday[7];      /* Monday first, rescaled to mean 1 */
    double by_month[12];       /* January first, rescaled to mean 1 over a 365-day year (all 1
                                * when not given; needs the scenario's start date) */
    double growth_per_year;    /* the rate grows by (1 + g)^(t / 365 days) from time 0 */
    double *series;            /* arrivals: {series: FILE}: the rate per day of each day of the run
                                * from time 0 (owned), or NULL; then rate_per_day is their mean */
    size_t nseries;
    bool time_varying;         /* a profile was given and is not flat */
    bool calendar;             /* by_month, growth or holidays apply: not periodic by the week */
    int priority;              /* 1 (first) to 9; every queue serves the best first, then FIFO */
    struct flow_targets wait_targets;   /* arrival (referral) to first bed */
    double due;                /* elective: clinical target, referral to operation (0: none) */
    bool has_leave_list;
    struct flow_dist leave_list;   /* elective: time on the list after which a patient leaves it */
    struct flow_step_spec *steps;
    size_t nsteps;
    struct flow_discharge_spec discharge;   /* the scenario's, with this group's overrides */
};

/* A sweep written in the scenario file (sweep: block), for grids too long for a command line. */
struct flow_sweep_spec {
    char **vary;               /* "PATH=VALUES", as for --vary */
    int *line, *col;           /* where each was written, for diagnostics */
    size_t nvary;
    char *src;                 /* the file they were written in */
    char *metrics;             /* comma-separated, or NULL for all */
    int latin_hypercube;       /* points, or 0 for the full grid */
};

struct flow_scenario {
    char *name;
    double horizon_days;       /* measured period, after warm-up */
    double warmup_days;
    int replications;
    uint64_t seed;
    struct flow_ward_spec *wards;
    size_t nwards;
    struct flow_group_spec *groups;
    size_t ngroups;
    struct flow_theatre_spec *theatres;
    size_t ntheatres;
    struct flow_service_spec *community;
    size_t ncommunity;
    struct flow_sweep_spec sweep;
    /* The calendar: with `start:`, time 0 is 00:00 on start_date (days since 1970-01-01);
     * weekday0 is that date's weekday (0 Monday; 0 without a start). holidays are day numbers
     * from time 0, ascending, which weekly patterns treat as Sundays. */
    bool priorities;           /* some group gives a `priority` (queues are then ordered by it) */
    bool time_targets;         /* some ward gives `targets`: every ward reports time in the ward */
    bool list_measures;        /* some elective group gives `due` or `leave_list`: every elective
                                * group reports its waiting list the NHS way */
    bool has_start;
    int64_t start_date;
    int weekday0;
    int32_t *holidays;
    size_t nholidays;
    /* A hash of what the scenario says once extends: and --set are applied (comments and
     * layout aside) and of any empirical file's values: equal fingerprints, equal models. */
    uint64_t fingerprint;
    /* The census at the start (initial:), in the order given: patients beyond a ward's beds
     * wait for them in this order. */
    struct flow_initial_patient *initial;
    size_t ninitial, cap_initial;
    /* The files named by extends:, nearest first, with their text as read: the record of
     * what was run that saved results carry. */
    char **base_files, **base_texts;
    size_t nbases;
};

/* Loads a scenario file, applying `sets` ("PATH=VALUE" strings) on top. Returns NULL and fills
 * diag (every error found, each "FILE:LINE:COLUMN: error: WHAT") when anything is wrong. */
struct flow_scenario *flow_scenario_load_file(const char *path, const char *const *sets,
                                              size_t nsets, struct flow_diag *diag);
/* The same from text in memory; `name` is used in diagnostics and `dir` (may be NULL: the
 * current directory) resolves relative file paths such as empirical {file: ...}. */
struct flow_scenario *flow_scenario_load_text(const char *name, const char *text, size_t len,
                                              const char *dir, const char *const *sets,
                                              size_t nsets, struct flow_diag *diag);
void flow_scenario_destroy(struct flow_scenario *s);
/* Deep copy and release of a discharge block (its distributions own memory). */
void flow_discharge_copy(struct flow_discharge_spec *dst, const struct flow_discharge_spec *src);
void flow_discharge_fini(struct flow_discharge_spec *d);

/* Unit parsers, exposed for tests and the CLI. Each returns NULL on success or a static
 * description of what was expected. */
const char *flow_parse_number(const char *text, double *out);
/* What the parsers return for a well-formed number that a double cannot hold: larger than
 * about 1.8e308 in size, or smaller than about 2.2e-308 and not 0. Compare pointers. */
extern const char flow_parse_too_large[], flow_parse_too_small[];
const char *flow_parse_int(const char *text, long long *out);
/* "90m", "2.5h", "1.5d", "2w" -> days. A bare number is refused: durations carry a unit. */
const char *flow_parse_duration(const char *text, double *days);
/* "20/d", "3/h", "9/w" -> per day. */
const char *flow_parse_rate(const char *text, double *per_day);

/* The embedded example hospital (identical to scenarios/example.yaml). */
extern const char flow_example_yaml[];
extern const size_t flow_example_yaml_len;

#endif
