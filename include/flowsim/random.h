/* random.h - named random streams over gsl_rng, and the distributions flowsim samples.
 * Every random source owns a stream seeded from (seed, replication, stream name), so adding a
 * component never shifts another's draws. Samplers take the stream as an argument. */
#ifndef FLOWSIM_RANDOM_H
#define FLOWSIM_RANDOM_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

/* The 64-bit seed of stream `name` in replication `rep` of a run seeded with `seed`. */
uint64_t flow_stream_seed(uint64_t seed, uint32_t rep, const char *name);
/* GSL's Mersenne Twister, number for number, made faster (src/random/mt.c). */
extern const gsl_rng_type *const flow_rng_mt19937;
/* A new Mersenne Twister (flow_rng_mt19937: the numbers of gsl_rng_mt19937) seeded for that
 * stream; free with gsl_rng_free. */
gsl_rng *flow_stream_create(uint64_t seed, uint32_t rep, const char *name);

enum flow_dist_kind {
    FLOW_DIST_EXPONENTIAL,
    FLOW_DIST_LOGNORMAL,
    FLOW_DIST_GAMMA,
    FLOW_DIST_WEIBULL,
    FLOW_DIST_TRIANGULAR,
    FLOW_DIST_UNIFORM,
    FLOW_DIST_FIXED,
    FLOW_DIST_EMPIRICAL,
    FLOW_DIST_MIXTURE,
    FLOW_DIST_COUNT
};

/* A distribution of non-negative durations (in days) or counts. Parameters are the user's:
 * exponential {mean}; lognormal and gamma {mean, sd}; weibull {shape, scale};
 * triangular {min, mode, max}; uniform {min, max}; fixed {value}; empirical: values and
 * weights (owned, freed by flow_dist_fini); mixture: n components (none of them a mixture),
 * chosen by weight (owned). */
struct flow_dist {
    enum flow_dist_kind kind;
    double a, b, c;         /* the user's parameters, in the order listed above */
    double p1, p2;          /* derived sampler parameters (mu/sigma, shape/scale) */
    size_t n;               /* empirical: number of values; mixture: of components */
    double *values;         /* empirical: the values */
    double *cumulative;     /* empirical, mixture: cumulative weights, last one 1 */
    struct flow_dist *parts;/* mixture: the components */
};

const char *flow_dist_name(enum flow_dist_kind kind);
/* Looks a distribution up by name; returns FLOW_DIST_COUNT when unknown. */
enum flow_dist_kind flow_dist_lookup(const char *name);

/* Initialise from the user's parameters. On bad parameters returns a static English sentence
 * saying what is wrong (d is then left empty); NULL on success. */
const char *flow_dist_init(struct flow_dist *d, enum flow_dist_kind kind, double a, double b,
                           double c);
/* Empirical: takes copies of values and weights (weights may be NULL: equal). */
const char *flow_dist_init_empirical(struct flow_dist *d, const double *values,
                                     const double *weights, size_t n);
/* Mixture: takes the n components (moved: parts[i] is left empty) with weights (> 0, rescaled to
 * sum 1). At most FLOW_DIST_MAX_PARTS; a component may not be a mixture. */
#define FLOW_DIST_MAX_PARTS 50
const char *flow_dist_init_mixture(struct flow_dist *d, struct flow_dist *parts, const double *weights,
                                   size_t n);
void flow_dist_fini(struct flow_dist *d);
/* Deep copy of an initialised distribution. */
void flow_dist_copy(struct flow_dist *dst, const struct flow_dist *src);

double flow_dist_sample(const struct flow_dist *d, gsl_rng *r);
/* Empirical and mixture: an index drawn by weight, and the weight of index i. */
size_t flow_dist_pick(const struct flow_dist *d, gsl_rng *r);
double flow_dist_weight(const struct flow_dist *d, size_t i);
/* An exponential variate with the given mean (ziggurat method; needs a generator with 32-bit
 * output, such as the streams of flow_stream_create). */
double flow_ran_exponential(gsl_rng *r, double mean);
/* A lognormal variate exp(mu + sigma Z), Z standard normal by the ziggurat method (GSL's
 * gsl_ran_gaussian_ziggurat): about a third of the instructions of gsl_ran_lognormal's polar
 * method, whose logarithm, square root and rejections were a tenth of a hospital run. */
double flow_ran_lognormal(gsl_rng *r, double mu, double sigma);
double flow_dist_mean(const struct flow_dist *d);
/* P(X > x). */
double flow_dist_survival(const struct flow_dist *d, double x);
/* What is left of a stay that has already lasted `elapsed` days: a draw of X - elapsed given
 * X > elapsed, exact for every family (the survival function inverted at U x S(elapsed); an
 * empirical value above elapsed by weight). 0 when elapsed is beyond the support (the stay ends
 * at once); a fresh stay when elapsed <= 0. */
double flow_dist_residual(const struct flow_dist *d, double elapsed, gsl_rng *r);
/* What is left of a stay seen under way at a random moment, its start unknown: the equilibrium
 * residual, density S(x) / mean (a length-biased stay, then a uniform fraction of it), so that
 * a census drawn so from a ward in steady state stays in steady state. 0 for stays of no length. */
double flow_dist_equilibrium_residual(const struct flow_dist *d, gsl_rng *r);
double flow_dist_sd(const struct flow_dist *d);

#endif
