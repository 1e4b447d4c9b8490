/* stats.h - streaming statistics within a replication (tallies, time-weighted averages,
 * quantile histograms) and summaries across replications (mean, sd, Student-t 95% CI).
 * Nothing here keeps per-observation history: memory does not grow with the horizon. */
#ifndef FLOWSIM_STATS_H
#define FLOWSIM_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Count, mean and variance of observations. Sums are kept relative to the first value
 * (shifted data), which is as accurate as Welford's update for flowsim's data and needs no
 * division per observation. */
struct flow_tally {
    uint64_t n;
    double shift, sum, sum2;
};

void flow_tally_reset(struct flow_tally *t);
void flow_tally_add(struct flow_tally *t, double x);
double flow_tally_mean(const struct flow_tally *t);   /* NAN when empty */
double flow_tally_sd(const struct flow_tally *t);     /* NAN with fewer than 2 */

/* The time integral of a piecewise-constant level (beds occupied, queue length). The integral
 * is kept in two parts split at the last mark (the end of warm-up), so that one level serves
 * both an observer of the measured period (the mean since the mark) and one that reads the
 * whole run (the total integral, which a mark never changes). */
struct flow_level {
    double value;    /* the current level */
    double since;    /* time of the last change or mark */
    double area;     /* integral of the level from the last mark to `since` */
    double before;   /* integral of the level before the last mark */
};

static inline void flow_level_set(struct flow_level *l, double now, double value)
{
    l->area += l->value * (now - l->since);
    l->since = now;
    l->value = value;
}
/* Starts a new measurement period at `now`, keeping the current level and the total. */
void flow_level_mark(struct flow_level *l, double now);
/* The time average from the last mark (at `start`) to `now`. */
double flow_level_mean(const struct flow_level *l, double now, double start);
/* The integral of the level from time 0 to `now` (marks do not change it). */
double flow_level_total(const struct flow_level *l, double now);

/* A log-linear histogram for quantiles of positive values with a relative resolution of
 * 1/FLOW_HIST_SUB (about 0.4%), from 2^FLOW_HIST_MIN_EXP to 2^FLOW_HIST_MAX_EXP; values
 * outside are clamped to the end bins. Fixed size; add is O(1). */
enum { FLOW_HIST_SUB = 256, FLOW_HIST_MIN_EXP = -24, FLOW_HIST_MAX_EXP = 24 };
enum { FLOW_HIST_BINS = (FLOW_HIST_MAX_EXP - FLOW_HIST_MIN_EXP) * FLOW_HIST_SUB + 1 };

struct flow_hist {
    uint64_t n, zeros;
    double min, max;
    uint32_t *bins;   /* FLOW_HIST_BINS counters, owned */
};

void flow_hist_init(struct flow_hist *h);
void flow_hist_fini(struct flow_hist *h);
void flow_hist_reset(struct flow_hist *h);
void flow_hist_add(struct flow_hist *h, double x);
/* The q-quantile (0 < q < 1), interpolated within a bin; NAN when empty. */
double flow_hist_quantile(const struct flow_hist *h, double q);
/* The quantiles q[0] <= q[1] <= ... (nq of them) at once, in one pass over the bins. */
void flow_hist_quantiles(const struct flow_hist *h, const double *q, size_t nq, double *out);

/* Across-replication summary of one metric. Non-finite values (a metric undefined in that
 * replication, such as a length of stay when nobody left) are skipped; n counts the rest.
 * sd and the CI are NAN when n < 2. */
struct flow_summary {
    size_t n;
    double mean, sd, ci_low, ci_high;
};

void flow_summary_compute(struct flow_summary *s, const double *values, size_t count,
                          size_t stride);
/* Half-width of a two-sided confidence interval at `level` (0.95) for n values with sd. */
double flow_ci_halfwidth(double sd, size_t n, double level);
/* Half-width of the prediction interval for one more value (where a new replication, or one
 * observed period, falls with probability level): t sd sqrt(1 + 1/n). */
double flow_prediction_halfwidth(double sd, size_t n, double level);

/* Closed forms from queueing theory, for validation and capacity sizing. */
/* Erlang B: probability that an arrival to c servers with offered load a is lost. */
double flow_erlang_b(unsigned c, double a);
/* Erlang C: probability of waiting in M/M/c with offered load a (a < c), 1 when a >= c. */
double flow_erlang_c(unsigned c, double a);
/* Mean wait in queue of M/M/c with arrival rate lambda and mean service time s. */
double flow_mmc_mean_wait(unsigned c, double lambda, double s);
/* Erlang A (M/M/c+M): the probability that an arrival abandons, with c servers, offered load a
 * (arrival rate x mean service) and patience rate over service rate r (mean service / mean
 * patience, > 0). Sums the birth-death chain's terms until they vanish. */
double flow_erlang_a(unsigned c, double a, double r);

/* ---- fitting stay distributions to data (flowsim fit) ---- */

enum flow_fit_family { FLOW_FIT_EXPONENTIAL, FLOW_FIT_LOGNORMAL, FLOW_FIT_GAMMA, FLOW_FIT_WEIBULL,
                       FLOW_FIT_FAMILIES };
const char *flow_fit_family_name(enum flow_fit_family f);

/* The fits call GSL's special functions at trial parameters that may be extreme: call
 * gsl_set_error_handler_off() before fitting (flowsim's programs do), or GSL's default handler
 * aborts where the fit would have rejected the trial. */

/* A maximum-likelihood fit to right-censored durations, in the scenario format's parameters:
 * exponential a = mean; lognormal and gamma a = mean, b = sd; Weibull a = shape, b = scale. */
struct flow_fit {
    enum flow_fit_family family;
    double a, b;
    double loglik, aic;       /* AIC = 2 k - 2 log L (k = 1 or 2 parameters) */
    double ks;                /* Kolmogorov-Smirnov distance from the Kaplan-Meier estimate */
    size_t observed, censored, intervals;   /* ended, still under way, known to an interval */
};

/* What is known of one duration: it ended at x; it was still under way at x (right-censored);
 * it ended somewhere in (x, hi] (interval-censored: one end a date without a time); it ran from
 * one date to another x days later, both without times (then X gives x with probability
 * 1 - |X - x|). */
enum { FLOW_FIT_ENDED, FLOW_FIT_RIGHT, FLOW_FIT_INTERVAL, FLOW_FIT_DAYS };
/* The general fit: kind[i] one of those (NULL: all ended), hi[i] the interval's upper end
 * (only read for intervals; x[i] >= 0 there and for days). -1 when fewer than 2 ended or the data are
 * invalid. */
int flow_fit_censored(const double *x, const double *hi, const unsigned char *kind, size_t n,
                      enum flow_fit_family family, struct flow_fit *out);
int flow_fit_best_censored(const double *x, const double *hi, const unsigned char *kind, size_t n,
                           struct flow_fit fits[FLOW_FIT_FAMILIES], enum flow_fit_family *best);

/* Fits one family to n durations x (> 0; censored[i] non-zero: still under way, only known to
 * exceed x[i]; censored may be NULL). Returns 0, or -1 (a duration not above 0, or fewer than 2
 * observed). */
int flow_fit_family(const double *x, const unsigned char *censored, size_t n, enum flow_fit_family family,
                    struct flow_fit *out);
/* Fits every family and names the one with the least AIC; -1 when none could be fitted. */
int flow_fit_best(const double *x, const unsigned char *censored, size_t n, struct flow_fit fits[FLOW_FIT_FAMILIES],
                  enum flow_fit_family *best);

#endif
