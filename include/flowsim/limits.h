/* limits.h - every documented limit of flowsim, in one place: validation refuses a scenario
 * beyond them, the model stops a run that outgrows them, and docs/scenario-format.md lists
 * them (a unit test checks that every row there says what FLOW_LIMIT_DOCS says here). */
#ifndef FLOWSIM_LIMITS_H
#define FLOWSIM_LIMITS_H

#define FLOW_MAX_WARDS 1000
#define FLOW_MAX_GROUPS 1000
#define FLOW_MAX_STEPS 100
#define FLOW_MAX_BEDS 100000
#define FLOW_MAX_REPLICATIONS 100000
#define FLOW_MAX_SEED 9007199254740991LL     /* 2^53 - 1, in the file, --set and --seed alike */
#define FLOW_MAX_HORIZON_DAYS 365250.0       /* 1000 years, warm-up included */
#define FLOW_MAX_RATE_PER_DAY 1000000.0
#define FLOW_MAX_ARRIVALS 2000000000.0       /* expected arrivals in one replication */
#define FLOW_MAX_TOTAL_ARRIVALS 1e11         /* expected arrivals over all replications */
#define FLOW_MAX_RESULT_VALUES 5e7           /* replications x reported metrics */
#define FLOW_MAX_NAME 100
#define FLOW_MAX_CYCLE_WEEKS 52      /* a theatre timetable's cycle: 1w to 52w */
#define FLOW_MAX_EMPIRICAL 1000000
#define FLOW_MIN_WEIBULL_SHAPE 0.1           /* a Weibull distribution's shape */
#define FLOW_MAX_WEIBULL_SHAPE 100.0
#define FLOW_MAX_THEATRES 200
#define FLOW_MAX_SESSIONS 50                 /* per theatre */
#define FLOW_MAX_ROUNDS 50                   /* per ward */
#define FLOW_MAX_BED_CHANGES 50              /* per ward */
#define FLOW_MAX_ALL_BED_CHANGES 1000        /* all wards together */
#define FLOW_MAX_TARGETS 10                  /* time targets per ward or group */
#define FLOW_MAX_WAITING_LIST 1000000        /* initial_waiting_list, all groups together */
#define FLOW_MAX_INITIAL 1000000             /* census patients (initial:), all items together */
#define FLOW_MAX_SERVICES 200
#define FLOW_MAX_CAPACITY 1000000            /* community places, assessors */
/* Patients present at once (in hospital, in queues, on waiting lists, in community services):
 * an overloaded model stops with FLOW_E_OVERLOAD instead of exhausting memory. It leaves room
 * for as many patients again as the largest initial waiting list. */
#define FLOW_MAX_LIVE_PATIENTS 2000000

/* Values an experiment keeps in memory at once: every replication's metrics, and with a report
 * or CSV files its hourly profiles, quantiles and daily series, plus each running model's daily
 * record (flow_experiment_kept). 1e8 doubles are 800 MB; beyond, a run stops before it starts
 * with FLOW_E_TOO_BIG. */
#define FLOW_MAX_KEPT_VALUES 1e8

/* Metrics reported per entity (the model's metric tables assert these), for the size of the
 * results an experiment keeps: system at most, then per ward, theatre, group (elective
 * included) and community service. */
#define FLOW_METRICS_SYSTEM_MAX 24
#define FLOW_METRICS_PER_WARD 17              /* at most: */
#define FLOW_METRICS_PER_WARD_BASE 10         /* every ward */
#define FLOW_METRICS_PER_WARD_BEDS 1          /* beds that change (bed changes or escalation) */
#define FLOW_METRICS_PER_WARD_ESCALATION 2
#define FLOW_METRICS_PER_WARD_ROUNDS 4
#define FLOW_METRICS_PER_THEATRE 11
#define FLOW_METRICS_PER_GROUP 9              /* at most: */
#define FLOW_METRICS_PER_GROUP_BASE 8         /* every group (elective ones included) */
#define FLOW_METRICS_PER_GROUP_PRIORITY 1     /* when the scenario gives priorities */
#define FLOW_METRICS_PER_SERVICE 4

/* The rows of the Limits table in docs/scenario-format.md that state these numbers. */
#define FLOW_LIMIT_DOCS(X)                                                                      \
    X("wards, groups", "1,000 each")                                                            \
    X("theatres", "200, with 50 sessions each")                                                 \
    X("community services", "200; capacity and assessors up to 1,000,000")                      \
    X("route steps", "100 per group")                                                           \
    X("beds", "100,000 per ward")                                                               \
    X("ward rounds, bed changes", "50 each per ward; 1,000 bed changes in all")                     \
    X("replications", "100,000")                                                                \
    X("horizon + warm-up", "365,250 days (1,000 years)")                                        \
    X("initial waiting lists", "1,000,000 patients, all groups together")                       \
    X("census (initial:)", "1,000,000 patients, all items together")                             \
    X("time targets", "10 per ward (targets) or group (wait_targets)")                         \
    X("results kept", "replications x metrics (24 + 8 to 29 per ward + 11 per theatre + 8 to 23 per group " \
                      "+ 4 per service) at most 5e7")                                           \
    X("values kept in memory", "1e8 (800 MB): replications x (metrics, and with --report or "    \
                               "--csv hourly profiles and daily series)")                       \
    X("patients present at once", "2,000,000 (in beds, queues, waiting lists and community "   \
                                  "services, and readmissions to come): an overloaded model stops with exit status 4 "   \
                                  "instead of exhausting memory")

#endif
