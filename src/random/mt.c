/* mt.c - the Mersenne Twister MT19937 as a GSL generator type that gives exactly the numbers
 * of GSL's gsl_rng_mt19937 for every seed (its seeding, refill, tempering and doubles; checked
 * draw for draw in tests/unit/test_random.c), written for speed: the refill has no branch (GSL's
 * tests the low bit of every word, a coin flip the processor mispredicts half the time, about a
 * tenth of a hospital run), words are 32 bits, and seeding waits for the first draw (a stream
 * that is never drawn from costs nothing). GSL's samplers use it through the type's functions. */
#include "mt.h"

enum { N = FLOW_MT_N, M = 397, UNSEEDED = N + 1 };

static inline uint32_t twist(uint32_t a, uint32_t b, uint32_t far)
{
    uint32_t y = (a & 0x80000000u) | (b & 0x7fffffffu);
    return far ^ (y >> 1) ^ ((0u - (y & 1u)) & 0x9908b0dfu);
}

/* GSL's mt_set, run when the first number is asked for. */
static void seed_now(struct mt *s)
{
    s->mt[0] = s->seed;
    for (uint32_t i = 1; i < N; i++)
        s->mt[i] = 1812433253u * (s->mt[i - 1] ^ (s->mt[i - 1] >> 30)) + i;
}

void flow__mt_refill(struct mt *s)
{
    if (s->mti == UNSEEDED)
        seed_now(s);
    uint32_t *mt = s->mt;
    int k = 0;
    for (; k < N - M; k++)
        mt[k] = twist(mt[k], mt[k + 1], mt[k + M]);
    for (; k < N - 1; k++)
        mt[k] = twist(mt[k], mt[k + 1], mt[k + (M - N)]);
    mt[N - 1] = twist(mt[N - 1], mt[0], mt[M - 1]);
    s->mti = 0;
}

static unsigned long mt_get(void *state) { return flow_mt_draw(state); }

static double mt_get_double(void *state) { return (double)flow_mt_draw(state) / 4294967296.0; }

static void mt_set(void *state, unsigned long seed)
{
    struct mt *s = state;
    s->seed = (uint32_t)((seed == 0 ? 4357 : seed) & 0xffffffffu);   /* GSL's default for 0 */
    s->mti = UNSEEDED;
}

static const gsl_rng_type mt_type = {"flowsim-mt19937", 0xffffffffUL, 0, sizeof(struct mt), &mt_set,
                                     &mt_get, &mt_get_double};

const gsl_rng_type *const flow_rng_mt19937 = &mt_type;
