/* size.h - capacity sizing and goal-seeking (flowsim size): targets on metrics, and the search
 * for the smallest capacity (or the boundary of a continuous value) that meets them. */
#ifndef FLOWSIM_SIZE_H
#define FLOWSIM_SIZE_H

#include <flowsim/experiment.h>

struct flow_target {
    char *metric;          /* dotted path */
    bool at_most;          /* <= (true) or >= */
    double value;
};

/* Parses "PATH <= VALUE" or "PATH >= VALUE". Returns 0 or -1 with a sentence in why. */
int flow_target_parse(const char *text, struct flow_target *t, char *why, size_t len);
void flow_target_fini(struct flow_target *t);

struct flow_size_eval {
    long value;
    double x;                            /* the value as a number (= value for whole numbers) */
    bool meets;                          /* every target met, with its whole 95% CI */
    struct flow_scenario *scenario;      /* owned */
    struct flow_results results;         /* owned */
};

struct flow_size_result {
    char *parameter;                     /* owned copy of the path */
    char unit[16];                       /* written after each value ("h"), or "" */
    bool found;
    long answer;                         /* the smallest value that meets every target */
    struct flow_size_eval *evals;        /* in order of value */
    size_t nevals;
    const struct flow_target *targets;   /* borrowed */
    size_t ntargets;
    bool stalled;                        /* the search stopped: more stopped helping */
    long stalled_from, stalled_to;       /* the last two values that showed it */
    /* flow_size_seek (a continuous parameter): */
    bool continuous;
    double lo, hi, resolution;
    bool largest;                        /* the answer is the largest value that meets the
                                          * targets (they hold below it), else the smallest */
    double x_answer;                     /* the last value where every interval is on the good side */
    double estimate;                     /* where the means cross the targets (midway between the
                                          * last value where all meet them and the next; NAN:
                                          * outside the range) */
    double reach;                        /* the first value where some interval misses with its
                                          * favourable end too (NAN: none in the range): the
                                          * boundary lies between x_answer and reach */
    bool all_meet;                       /* every value in the range meets the targets */
    size_t ran_ahead, used_ahead;        /* bisection steps run ahead beside the current one
                                          * (when a core would be idle), and those the search
                                          * then asked for; not reported */
};

/* Finds the smallest whole value of `param` (in [lo, hi], written with `unit` after it, such
 * as "h" for a session's length; "" for none) for which every target holds with
 * its whole confidence interval on the good side, assuming more is better (monotone). It
 * starts from an Erlang bound where one applies (ward beds: just above the offered load) and
 * searches outwards by doubling steps, then by halving. Returns 0; FLOW_E_* from a run; or a
 * positive count of diagnostics (a bad scenario, value or metric). */
int flow_size_run(const char *path, const char *const *sets, size_t nsets, const char *param,
                  const char *unit, long lo, long hi, const struct flow_target *targets, size_t ntargets,
                  const struct flow_run_options *o, struct flow_size_result *out,
                  struct flow_diag *diag);
/* Goal-seeking a continuous parameter (a stay's mean, a rate, a share, a growth): bisects
 * [lo, hi] (numbers written with `unit` after them) to within `resolution` for the boundary
 * where the targets switch from met to missed, assuming the targets change monotonically with
 * the value, in either direction (found from the two ends). Every run uses the scenario's seed
 * and replications, so values are compared with common random numbers. Sets x_answer (whole
 * intervals on the good side: the answer), estimate (means) and reach (intervals touching the
 * good side). Returns as flow_size_run. */
int flow_size_seek(const char *path, const char *const *sets, size_t nsets, const char *param, const char *unit,
                   double lo, double hi, double resolution, const struct flow_target *targets, size_t ntargets,
                   const struct flow_run_options *o, struct flow_size_result *out, struct flow_diag *diag);
void flow_size_fini(struct flow_size_result *r);

#endif
