/* sweep.h - sweeps (flowsim sweep): the values each parameter takes, as a grid or a Latin
 * hypercube, the points they make, and running them (sweep_run.c): a plan checked before the
 * first point runs, then the points in batches that keep every thread busy, each handed to the
 * caller in order as it finishes (report.h writes them as CSV). */
#ifndef FLOWSIM_SWEEP_H
#define FLOWSIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow_diag;
struct flow_results;
struct flow_scenario;

/* One varied parameter: a path and its values (text, as for --set). */
struct flow_vary {
    char *path;
    char **values;
    size_t nvalues, cap_values;
    bool range;                /* given as FROM:TO[:STEP] */
    double from, to, step;     /* step 0: continuous (Latin hypercube only) */
    char unit[16];
    bool lhs;                  /* values drawn by flow_sweep_lhs: points zip the parameters */
};

/* Parses "PATH=FROM:TO:STEP" (inclusive; the numbers may share a unit suffix, as in
 * 1d:3d:0.5d) or "PATH=A,B,C". Returns 0, or -1 with a sentence in why. */
int flow_vary_parse(const char *spec, struct flow_vary *out, char *why, size_t len);
void flow_vary_fini(struct flow_vary *v);
/* Number of grid points; 0 if it would exceed max. */
size_t flow_sweep_points(const struct flow_vary *v, size_t n, size_t max);
/* The values of point p (0-based; the first parameter varies slowest), borrowed. */
void flow_sweep_point(const struct flow_vary *v, size_t n, size_t p, const char **values);
/* Replaces the grid by a Latin hypercube of `points` points: each range is cut into `points`
 * equal strata, one value drawn in each (rounded to STEP when one was given), and the strata
 * are shuffled independently per parameter (seeded by `seed`). Every --vary must be a range.
 * Afterwards point p takes value p of every parameter. Returns 0 or -1 with why. */
int flow_sweep_lhs(struct flow_vary *v, size_t n, size_t points, uint64_t seed, char *why, size_t len);

/* ---- running a sweep ---- */

/* A sweep's plan: the scenario and --set it starts from (borrowed), the grid, and the metrics
 * it keeps (found from the first point). Made by flow_sweep_plan, freed by flow_sweep_fini. */
struct flow_sweep {
    const char *scenario;            /* the scenario file (borrowed) */
    const char *const *sets;         /* the user's --set overrides (borrowed), applied before a point's */
    size_t nsets;
    struct flow_vary *vary;
    size_t nvary, points;
    char **where;                    /* a sweep: block's items: "FILE:LINE:COL" of each, or NULL */
    int reps_vary;                   /* index of a varied 'replications', or -1 */
    const char **units;              /* per parameter: "days", "per_day" (numeric columns) or NULL */
    char *metrics;                   /* the metrics kept (comma-separated paths or sections), or NULL: all */
    long lhs;                        /* points of a Latin hypercube, or 0: the grid */
    uint64_t fingerprint;            /* the scenario's, with the --set applied */
    int reps;                        /* the first point's replications */
    char **paths;                    /* metric paths of the first point */
    size_t nmetrics;
    size_t *cols;                    /* the kept metrics' indices */
    size_t ncols;
    size_t shard, shards;            /* flow_sweep_run runs only shard K of N's jobs (N 0: all; then
                                        from point 0) */
};

/* What went wrong, with a sentence in why: the command line (USAGE), an item of the scenario's
 * sweep: block (FILE: why is located, FILE:LINE:COLUMN: error: ...), a point that cannot be
 * loaded (SCENARIO: its diagnostics are in d), or a point that reports other metrics than the
 * first (SHAPE: a sweep varies values, not the hospital's structure). */
enum { FLOW_SWEEP_OK = 0, FLOW_SWEEP_USAGE, FLOW_SWEEP_FILE, FLOW_SWEEP_SCENARIO, FLOW_SWEEP_SHAPE, FLOW_SWEEP_STOPPED };

/* The plan of a sweep of scenario s (loaded from `scenario` with `sets`): the parameters from
 * varies (--vary), or else s's sweep: block; metrics and lhs likewise (NULL and 0: the file's).
 * Returns FLOW_SWEEP_OK, USAGE or FILE. */
int flow_sweep_plan(struct flow_sweep *w, const struct flow_scenario *s, const char *scenario,
                    const char *const *sets, size_t nsets, const char *const *varies, size_t nvaries,
                    const char *metrics, long lhs, char *why, size_t len);
/* Loads the points that show whether the sweep can run (every value of each parameter, or a
 * spread of them) before any runs, and finds the metrics kept. Load diagnostics go to d.
 * Returns FLOW_SWEEP_OK, SCENARIO, SHAPE, or USAGE (--metrics selects no metric). */
int flow_sweep_probe(struct flow_sweep *w, struct flow_diag *d, char *why, size_t len);
/* Point p's scenario, its values in values (borrowed); NULL with diagnostics in d, each about
 * the --vary (or sweep: item) that made it. */
struct flow_scenario *flow_sweep_load(const struct flow_sweep *w, size_t p, const char **values, struct flow_diag *d);
/* The replications of a point with these values. */
size_t flow_sweep_point_reps(const struct flow_sweep *w, const char **values);

/* Called with each finished point, in order: its values, results and run status (0, or the
 * run's error); returns 0 to go on, or a code that stops the sweep (and is returned). */
typedef int (*flow_sweep_point_fn)(void *arg, size_t point, const char **values, const struct flow_results *r,
                                   int status);
/* Runs points first.. in batches (one pool of jobs on `threads` threads, 0: one per core), each
 * handed to fn in order; FLOW_SWEEP_OK when all ran. fn stopping the sweep gives STOPPED, with
 * its code in *code (with MPI every rank runs the sweep and *code is rank 0's). A point that
 * cannot be loaded stops it after the points before it: SCENARIO or SHAPE, with why. d_fn,
 * when not NULL, is given each point's load diagnostics as they come. */
int flow_sweep_run(const struct flow_sweep *w, size_t first, int threads, flow_sweep_point_fn fn,
                   void (*d_fn)(void *arg, struct flow_diag *d), void *arg, int *code, char *why, size_t len);
void flow_sweep_fini(struct flow_sweep *w);

#endif
