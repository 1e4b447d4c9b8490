/* table.h - the schema's table engine, shared by the files that convert a ytree into a scenario
 * (table.c: diagnostics, scalar readers and mappings; distribution.c: distributions;
 * hospital.c: wards, groups, routes, theatres, community services, discharge, sweeps and the
 * checks across them). Internal to src/scenario. */
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

#endif
