/* sweep.h - sweeps (flowsim sweep): the values each parameter takes, as a grid or a Latin
 * hypercube, and the points they make. */
#ifndef FLOWSIM_SWEEP_H
#define FLOWSIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
