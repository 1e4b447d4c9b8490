/* extract.h - a hospital's episode extract, the input of `flowsim fit` and `flowsim check`: a
 * CSV file, one row per ward stay, with the columns patient, ward, start and end (and optionally
 * group and ready). A patient's rows in time order are its route. Times are days since
 * 1970-01-01 00:00. */
#ifndef FLOWSIM_EXTRACT_H
#define FLOWSIM_EXTRACT_H

#include <flowsim/limits.h>
#include <flowsim/stats.h>
#include <flowsim/util.h>

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

enum {
    FLOW_EP_OPEN = 1,          /* no end: still in the ward when the extract was taken */
    FLOW_EP_START_DAY = 2,     /* the start is a date only: somewhere in that day */
    FLOW_EP_END_DAY = 4,       /* likewise the end */
    FLOW_EP_READY = 8,         /* a ready (medically fit) time is given */
    FLOW_EP_READY_DAY = 16,    /* ... as a date only */
};

struct flow_episode {
    uint32_t patient, ward, group;   /* indices into the extract's name lists */
    uint32_t line;                   /* the CSV line it came from */
    double start, end, ready;        /* days; end = the extract's end when open; ready NAN if none */
    unsigned flags;
};

struct flow_extract {
    char **patients, **wards, **groups;      /* names, in order of first appearance (owned) */
    size_t npatients, nwards, ngroups;
    struct flow_episode *episodes;           /* sorted by patient, then start (owned) */
    size_t nepisodes;
    double first, last;                      /* the earliest start and the latest time given */
    bool has_ready;
};

/* Reads an extract. Every malformed row is a located diagnostic (FILE:LINE:COLUMN: error:
 * WHAT, the column that of the field); returns the number of errors (0: *out is filled, free
 * it with flow_extract_fini). Timestamps: YYYY-MM-DD HH:MM, with T instead of the space and
 * optional :SS, or a date alone (YYYY-MM-DD: within that day). An empty end is an open stay,
 * censored at the latest time in the extract. */
size_t flow_extract_read(const char *path, struct flow_extract *out, struct flow_diag *diag);
void flow_extract_fini(struct flow_extract *x);

/* Parses one timestamp into days since 1970-01-01; *date_only says whether it had no time.
 * False if malformed. */
bool flow_extract_time(const char *text, double *days, bool *date_only);

/* Whether episode e (the one after prev in the extract's order) continues prev's spell: the same
 * patient, starting within a minute of prev's end (on the same date, where either is a date
 * alone). A later stay starts a new spell: the patient arrives again. */
bool flow_episode_continues(const struct flow_episode *prev, const struct flow_episode *e);

/* A spell: a patient's stays from arriving to leaving hospital, consecutive episodes in the
 * same ward merged into one stay (the model keeps the bed). */
struct flow_stay {
    uint32_t ward, line;          /* line: the first episode's */
    double start, end, ready;     /* ready: the last episode's, NAN if none */
    unsigned flags;               /* start flags of the first episode, end and ready of the last */
};
struct flow_spell {
    uint32_t patient, group;      /* group: that of its first stay */
    size_t first, n;              /* its stays, stays[first .. first + n) */
    bool open;                    /* the last stay had not ended when the extract was taken */
};
struct flow_spells {
    struct flow_stay *stays;      /* owned */
    struct flow_spell *spells;    /* owned, in the extract's order */
    size_t nstays, nspells;
};
int flow_extract_spells(const struct flow_extract *x, struct flow_spells *out);
void flow_spells_fini(struct flow_spells *s);

/* The routes of a group's spells: the distinct sequences of wards of its ended spells (a spell
 * still open has not finished its route), most common first; the `kept` most common (each at
 * least 1% of the ended spells and 5 spells, at most FLOW_ROUTES_KEPT) are modelled, the rest
 * lumped with them (so are spells of more than FLOW_MAX_STEPS stays, and kept sequences that
 * would make the steps more than FLOW_MAX_STEPS). Steps: the shortest list of wards in which
 * every kept sequence appears in order, with p[i] the share of the kept spells taking step i (steps taken independently, as
 * the model takes them); how well that reproduces the kept sequences' shares is a chi-square
 * test (the other cell: everything else) and the total variation distance. */
#define FLOW_ROUTES_KEPT 8
struct flow_route {
    const struct flow_stay *stays;   /* a spell having it (borrowed from the spells) */
    size_t n, count;
};
struct flow_group_routes {
    size_t spells, ended, kept_spells;
    size_t too_long;                 /* ended spells of more stays than a route has steps (in the rest) */
    struct flow_route *routes;       /* owned, most common first (ties: by wards) */
    size_t nroutes, kept;
    uint32_t *steps;                 /* owned: wards */
    double *p;                       /* owned */
    size_t nsteps;
    double chi2, p_value, distance;  /* distance: total variation over kept sequences and the rest */
    bool independent;                /* p_value >= 0.001 or distance <= 0.02 */
};
int flow_routes_group(const struct flow_spells *sp, uint32_t group, struct flow_group_routes *out);
void flow_group_routes_fini(struct flow_group_routes *r);
/* The probability that independent steps (steps[i] taken with p[i]) give exactly the sequence
 * seq (every way of taking it counted). */
double flow_routes_chance(const uint32_t *steps, const double *p, size_t nsteps, const struct flow_stay *seq,
                          size_t n);
/* Where a sequence of stays first fits in order in the steps (pos[n], leftmost); false if not. */
bool flow_routes_embed(const uint32_t *steps, size_t nsteps, const struct flow_stay *seq, size_t n, size_t *pos);

/* Arrivals of a group: the first stay of each of its spells that starts in the extract's
 * period [first, last], as a rate and as counts by hour of day, weekday (0 Monday) and month,
 * each normalised by how often that hour, weekday or month occurs in the period, so that
 * weights are relative rates (mean 1 over the period's days). Date-only starts count in the
 * rate, weekdays and months but not in the hours. */
struct flow_arrival_profile {
    size_t arrivals, timed;        /* all, and those with a time of day */
    double days;                   /* the period's length */
    double rate_per_day;
    double hour_count[24], weekday_count[7], month_count[12];    /* raw counts */
    double by_hour[24], by_weekday[7], by_month[12];             /* relative rates, mean 1 */
};
int flow_extract_arrivals(const struct flow_extract *x, uint32_t group, struct flow_arrival_profile *out);

/* The most patients present at once in each ward (peak[nwards]): stays from start to end, a
 * transfer at one instant counted once (ends before starts). */
void flow_extract_peaks(const struct flow_extract *x, size_t *peak);

/* A name of the extract as a scenario name: '.', '=' and control characters become '_' (they
 * cannot be in a scenario's names), cut at 100 bytes. fit and check both use it. */
void flow_extract_scenario_name(const char *name, char *out, size_t size);
/* True (with a sentence in why) when two wards, or two groups, would get one scenario name. */
bool flow_extract_names_clash(const struct flow_extract *x, char *why, size_t len);

/* The measures `flowsim check` compares (measure.c), for a layout of groups, wards and each
 * group's routes (the extract's): values[] holds arrivals per day by group; per ward (then
 * overall, by spell) length of stay mean and centiles 50, 90 and 95 (days, ended stays); mean
 * patients present by ward; each group's share of ended spells on each of its kept routes. */
enum { FLOW_MEASURE_LOS = 4 };
enum flow_measure_kind { FLOW_MEASURE_ARRIVALS, FLOW_MEASURE_WARD_LOS, FLOW_MEASURE_SPELL_LOS,
                         FLOW_MEASURE_OCCUPANCY, FLOW_MEASURE_ROUTE };
struct flow_measure_layout {
    size_t ngroups, nwards;
    const struct flow_group_routes *routes;     /* per group */
};
size_t flow_measure_count(const struct flow_measure_layout *L);
/* What value i is: its kind, and a = group or ward, b = the centile (0 mean, 1..3) or route. */
enum flow_measure_kind flow_measure_describe(const struct flow_measure_layout *L, size_t i, size_t *a, size_t *b);
/* Measures spells over [first, last] (days); stays in wards >= nwards, and spells of groups >=
 * ngroups, are left out of the ward and group measures. hourly (NULL: none): nwards x 168 mean patients present, hour 0 Monday 00:00. */
int flow_measure(const struct flow_spells *sp, double first, double last,
                 const struct flow_measure_layout *L, double *values, double *hourly);

/* What `flowsim fit` makes of an extract (fitted.c). */
struct flow_fitted_step {
    uint32_t ward;
    double p;                         /* the share of the group's patients taking it */
    size_t stays;                     /* stays fitted (ended, open and known to the day) */
    size_t to_ready;                  /* of them, a spell's last stay fitted to its ready time */
    struct flow_fit fits[FLOW_FIT_FAMILIES];
    enum flow_fit_family best;        /* least AIC */
    bool fitted, poor;                /* poor: the best family's KS distance is beyond chance */
    double *values;                   /* owned: the ended stays (days), for an empirical */
    size_t nvalues;
};
struct flow_fitted_group {
    char name[FLOW_MAX_NAME + 24];    /* the extract group's scenario name; `_routeN` for route N */
    uint32_t group;                   /* the extract's group */
    long route;                       /* -1: steps taken independently; else the kept route */
    double share;                     /* of the extract group's arrivals */
    struct flow_fitted_step *steps;   /* owned */
    size_t nsteps;
    size_t unplaced;                  /* stays of spells whose route is not this group's */
    size_t ready_stays;               /* last stays split at their ready time */
    size_t ready_ignored;             /* ready times on stays a spell moved on from */
    double *delays;                   /* owned: ready to leaving, in days, of ended spells */
    size_t ndelays;
};
struct flow_fitted {
    struct flow_spells spells;
    struct flow_group_routes *routes;            /* per extract group (owned) */
    struct flow_arrival_profile *arrivals;       /* per extract group (owned) */
    size_t *peak;                                /* per ward (owned) */
    struct flow_fitted_group *groups;            /* owned */
    size_t ngroups;
};
int flow_fitted_make(const struct flow_extract *x, struct flow_fitted *f);

/* Writes f as a scenario (fitwrite.c); *poor counts steps no family fits well. With csv_stem,
 * the comment of such a step names the CSV file of its ended stays (flow_fitted_csv_name:
 * STEM-GROUP-STEP.csv, beside the scenario; the caller writes it with flow_fitted_csv). */
struct flow_fit_write_options {
    const char *source;       /* the extract's name, for the comments */
    const char *title;        /* the scenario's name */
    const char *csv_stem;     /* NULL: no CSV files */
};
void flow_fitted_csv_name(const char *stem, const struct flow_fitted_group *g, size_t step, char *out, size_t size);
int flow_fitted_csv(FILE *f, const void *step);
/* The warm-up a fitted scenario gets: four times the mean ended spell, whole days, 7 to 180. */
double flow_fitted_warmup_days(const struct flow_spells *s);
int flow_fitted_write(const struct flow_extract *x, const struct flow_fitted *f,
                      const struct flow_fit_write_options *o, FILE *out, size_t *poor);
void flow_fitted_fini(struct flow_fitted *f, const struct flow_extract *x);

#endif
