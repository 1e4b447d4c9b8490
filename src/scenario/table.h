/* table.h - the schema's table engine, shared by the files that convert a ytree into a scenario
 * (table.c: diagnostics, scalar readers, mappings and lists; distribution.c: distributions;
 * read_*.c: a section each, with its own cross-checks; read_scenario.c: the top level and the
 * checks on the run as a whole). Internal to src/scenario. */
#ifndef FLOWSIM_SCENARIO_TABLE_H
#define FLOWSIM_SCENARIO_TABLE_H

#include "schema.h"

#include <stdbool.h>
#include <stddef.h>

struct ctx {
    struct flow_diag *diag;
    struct flow_scenario *sc;
    const char *dir;
    bool wards_bad;                    /* the ward list had errors: skip ward-name lookups */
    bool theatres_bad;                 /* likewise for theatres */
    bool community_bad;                /* likewise for community services */
    const struct ynode *discharge;     /* the scenario's discharge block, if any */
    bool discharge_bad;
    struct flow_discharge_spec discharge_default;
    struct readmit_ref *refs;          /* readmission groups, resolved once groups are read */
    size_t nrefs, cap_refs;
    size_t bed_changes;                /* in all wards so far (a limit of its own) */
    bool counts;                       /* reading a distribution of counts (visits): bare numbers */
};

struct readmit_ref {
    struct flow_pathway_spec *pathway;
    const struct ynode *name;
};

struct field;
typedef void (*read_fn)(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);

struct field {
    const char *key;
    read_fn read;
    bool required;
    const char *dflt;
    double min, max;
    size_t off;
    const void *aux;
};

struct schema {
    const char *what;          /* "ward", "group" ... for messages */
    const struct field *fields;
    size_t n;
};

#define SCHEMA(what, f) {what, f, sizeof f / sizeof f[0]}

/* The readers that field tables name, under their short names in the schema's files. */
#define read_dist flow__schema_read_dist
#define read_count_dist flow__schema_read_count_dist
#define read_duration flow__schema_read_duration
#define read_enum flow__schema_read_enum
#define read_int flow__schema_read_int
#define read_map flow__schema_read_map
#define read_name flow__schema_read_name
#define read_node flow__schema_read_node
#define read_prob flow__schema_read_prob
#define read_rate flow__schema_read_rate
#define read_real flow__schema_read_real
#define read_seed flow__schema_read_seed
#define read_text flow__schema_read_text
#define read_weights flow__schema_read_weights

void flow__schema_err(struct ctx *c, const struct ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void flow__schema_join(char *buf, size_t size, const char *const *names, size_t n);
const char *flow__schema_nearest(const char *word, const char *const *names, size_t n);
bool flow__schema_need_scalar(struct ctx *c, const struct ynode *n, const char *key, const char *expect);
void flow__schema_read_duration(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_enum(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_int(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
bool flow__schema_read_map(struct ctx *c, const struct ynode *n, const struct schema *s, void *dst);
void flow__schema_read_name(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_prob(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_rate(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_real(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_seed(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_text(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_weights(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
const char *flow__schema_shown(const struct ynode *n, char *buf, size_t size);
/* Reports a number too large or too small to hold (why from a flow_parse_* function) as out
 * of range, and returns true; returns false for anything else. */
/* True when p starts a control character: C0 (below space), DEL, or C1 (U+0080 to U+009F in
 * UTF-8), which a terminal may act on. */
bool flow__schema_control(const char *p);
bool flow__schema_range_err(struct ctx *c, const struct ynode *n, const char *key, const char *why);
void flow__schema_read_count_dist(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_dist(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_node(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
/* Looks n's text up among count names (NULL entries skipped); on failure says so, with a
 * suggestion, and returns -1. */
int flow__schema_lookup_name(struct ctx *c, const struct ynode *n, const char *what,
                            const char *const *names, size_t count);

/* series.c: arrivals given date by date (arrivals: {series: FILE}); sets g->series, nseries
 * and rate_per_day (their mean) */
void flow__schema_read_series(struct ctx *c, const struct ynode *n, struct flow_group_spec *g);

/* read_initial.c: the census at the start (after wards and groups are read) */
void flow__schema_read_initial(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);

/* read_frontdoor.c: time targets, patience, outliers, ring-fenced beds, waiting-list keys */
void flow__schema_read_targets(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_patience(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_leave_list(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_outlie_to(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void flow__schema_read_reserved(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
/* After the ward list: outlie_to resolved and checked, hosts and time targets flagged. */
void flow__frontdoor_wards(struct ctx *c, const struct ynode *list);
/* After the group list: reserved groups resolved, elective-only keys checked. */
void flow__frontdoor_groups(struct ctx *c, const struct ynode *root);
size_t flow__frontdoor_ward_metrics(const struct flow_scenario *sc, const struct flow_ward_spec *w);
size_t flow__frontdoor_group_metrics(const struct flow_scenario *sc, const struct flow_group_spec *g);

/* Each section's cross-checks, run by read_scenario.c once every section is read. */
void flow__discharge_resolve_readmissions(struct ctx *c);
void flow__discharge_defaults(struct ctx *c, const struct ynode *root);
void flow__groups_check(struct ctx *c, const struct ynode *root);
void flow__wards_check(struct ctx *c, const struct ynode *root, double total);

/* Readers one section defines and another uses (under short names, as the readers above). */
/* table.c: lists of mappings (read_list_init calls init on each item before it is read) */
#define read_list flow__schema_read_list
#define read_list_init flow__schema_read_list_init
#define check_unique flow__schema_check_unique
void *read_list(struct ctx *c, const struct ynode *n, const char *key, const struct schema *s, size_t size,
                size_t max, size_t *count);
void *read_list_init(struct ctx *c, const struct ynode *n, const char *key, const struct schema *s, size_t size,
                     size_t max, size_t *count, void (*init)(void *item));
void check_unique(struct ctx *c, const struct ynode *list, const char *what);
/* read_calendar.c: weekdays, clock times, dates, the run's start and holidays */
#define day_names flow__schema_day_names
#define read_days flow__schema_read_days
#define read_clock flow__schema_read_clock
#define read_date flow__schema_read_date
#define read_start flow__schema_read_start
#define read_holidays flow__schema_read_holidays
extern const char *const day_names[];
void read_days(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void read_clock(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
bool read_date(struct ctx *c, const struct ynode *n, const char *key, int64_t *days);
void read_start(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void read_holidays(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
/* read_wards.c */
#define read_wards flow__schema_read_wards
#define read_ward_ref flow__schema_read_ward_ref
#define read_dist_or_zero flow__schema_read_dist_or_zero
void read_wards(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void read_ward_ref(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void read_dist_or_zero(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
/* read_theatres.c; longest_list: the longest list a theatre has, as booked */
#define read_theatres flow__schema_read_theatres
#define read_theatre_ref flow__schema_read_theatre_ref
#define longest_list flow__schema_longest_list
void read_theatres(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void read_theatre_ref(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
double longest_list(const struct flow_theatre_spec *t);
/* read_discharge.c */
#define read_community flow__schema_read_community
#define read_top_discharge flow__schema_read_top_discharge
#define read_group_discharge flow__schema_read_group_discharge
#define discharge_init flow__schema_discharge_init
void read_community(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void read_top_discharge(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void read_group_discharge(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
void discharge_init(struct flow_discharge_spec *d);
/* read_groups.c; readmission_loop: true (error said) when readmissions make too much work */
#define read_groups flow__schema_read_groups
#define readmission_loop flow__schema_readmission_loop
void read_groups(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
bool readmission_loop(struct ctx *c, const struct ynode *gn, const struct flow_group_spec *g, int index,
                      double total);

/* Each section's cross-checks, run by read_scenario.c once every section is read. */
void flow__discharge_resolve_readmissions(struct ctx *c);
void flow__discharge_defaults(struct ctx *c, const struct ynode *root);
void flow__groups_check(struct ctx *c, const struct ynode *root);
void flow__wards_check(struct ctx *c, const struct ynode *root, double total);

/* cross-section readers (read_*.c): defined in one section, used by another */
#define read_group_discharge flow__schema_read_group_discharge
void read_group_discharge(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
#define read_ward_ref flow__schema_read_ward_ref
void read_ward_ref(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
#define read_theatre_ref flow__schema_read_theatre_ref
void read_theatre_ref(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
#define day_names flow__schema_day_names
extern const char *const day_names[];
#define read_dist_or_zero flow__schema_read_dist_or_zero
void read_dist_or_zero(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
#define read_days flow__schema_read_days
void read_days(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
#define read_clock flow__schema_read_clock
void read_clock(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);

#define read_start flow__schema_read_start
void read_start(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
#define read_holidays flow__schema_read_holidays
void read_holidays(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
#define read_wards flow__schema_read_wards
void read_wards(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
#define read_theatres flow__schema_read_theatres
void read_theatres(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
#define read_community flow__schema_read_community
void read_community(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
#define read_top_discharge flow__schema_read_top_discharge
void read_top_discharge(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);
#define read_groups flow__schema_read_groups
void read_groups(struct ctx *c, const struct ynode *n, void *dst, const struct field *f);

#define read_list flow__schema_read_list
void *read_list(struct ctx *c, const struct ynode *n, const char *key, const struct schema *s, size_t size, size_t max, size_t *count);
#define read_list_init flow__schema_read_list_init
void *read_list_init(struct ctx *c, const struct ynode *n, const char *key, const struct schema *s, size_t size, size_t max, size_t *count, void (*init)(void *item));
#define check_unique flow__schema_check_unique
void check_unique(struct ctx *c, const struct ynode *list, const char *what);
#define longest_list flow__schema_longest_list
double longest_list(const struct flow_theatre_spec *t);
#define readmission_loop flow__schema_readmission_loop
bool readmission_loop(struct ctx *c, const struct ynode *gn, const struct flow_group_spec *g, int index, double total);
#define discharge_init flow__schema_discharge_init
void discharge_init(struct flow_discharge_spec *d);
#define read_date flow__schema_read_date
bool read_date(struct ctx *c, const struct ynode *n, const char *key, int64_t *days);

#endif
