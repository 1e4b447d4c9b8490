/* ziggurat.c - exponential variates by the ziggurat method (Marsaglia and Tsang, 2000), drawn
 * from a GSL generator. About 99% of draws cost one 32-bit integer and one multiplication,
 * against a logarithm per draw for inversion: the logarithm was the largest single cost of an
 * M/M/c run. As Doornik (2005) advises, the layer index (low 8 bits) and the position within
 * the layer (high 24 bits) use separate bits of the draw. Lognormal variates take their normal
 * from GSL's ziggurat (gsl_ran_gaussian_ziggurat, also Marsaglia and Tsang). */
#include "mt.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>

#define LAYERS 256
#define R 7.697117470131487           /* start of the tail */
#define V 3.949659822581572e-3        /* area of each layer */
#define SCALE 16777216.0              /* 2^24: resolution of the position within a layer */

static uint32_t k[LAYERS];            /* acceptance thresholds */
static double w[LAYERS];              /* position scale per layer */
static double f[LAYERS];              /* exp(-x) at each layer's edge */
/* The tables are filled before main() runs, so sampling needs no once-check (which cost more
 * than it saved) and threads only ever read them. */
__attribute__((constructor)) static void setup(void)
{
    double d = R, t = R, q = V / exp(-d);
    k[0] = (uint32_t)(d / q * SCALE);
    k[1] = 0;
    w[0] = q / SCALE;
    w[LAYERS - 1] = d / SCALE;
    f[0] = 1.0;
    f[LAYERS - 1] = exp(-d);
    for (int i = LAYERS - 2; i >= 1; i--) {
        d = -log(V / d + exp(-d));
        k[i + 1] = (uint32_t)(d / t * SCALE);
        t = d;
        f[i] = exp(-d);
        w[i] = d / SCALE;
    }
}

double flow_ran_exponential(gsl_rng *r, double mean)
{
    assert(gsl_rng_min(r) == 0 && gsl_rng_max(r) == 0xffffffffUL);
    for (;;) {
        uint32_t u = flow_rng_get(r);
        uint32_t layer = u & (LAYERS - 1), pos = u >> 8;
        if (pos < k[layer])
            return mean * (pos * w[layer]);
        if (layer == 0)                               /* the tail: memoryless beyond R */
            return mean * (R - log(gsl_rng_uniform_pos(r)));
        double x = pos * w[layer];
        if (f[layer] + gsl_rng_uniform(r) * (f[layer - 1] - f[layer]) < exp(-x))
            return mean * x;
    }
}

double flow_ran_lognormal(gsl_rng *r, double mu, double sigma)
{
    return exp(mu + sigma * gsl_ran_gaussian_ziggurat(r, 1.0));
}
