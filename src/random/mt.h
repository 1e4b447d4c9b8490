/* mt.h - the Mersenne Twister's state and its next number, inline for the samplers of
 * src/random (internal to it): a draw without a call through the generator's type. */
#ifndef FLOWSIM_MT_H
#define FLOWSIM_MT_H

#include <flowsim/random.h>

#include <stdint.h>

enum { FLOW_MT_N = 624 };

struct mt {
    uint32_t mt[FLOW_MT_N];
    int mti;              /* next word; FLOW_MT_N: refill; more: seed, then refill */
    uint32_t seed;
};

void flow__mt_refill(struct mt *s);

static inline uint32_t flow_mt_draw(struct mt *s)
{
    if (__builtin_expect(s->mti >= FLOW_MT_N, 0))
        flow__mt_refill(s);
    uint32_t k = s->mt[s->mti++];
    k ^= k >> 11;
    k ^= (k << 7) & 0x9d2c5680u;
    k ^= (k << 15) & 0xefc60000u;
    k ^= k >> 18;
    return k;
}

/* gsl_rng_get for any generator, inline for flowsim's own. */
static inline uint32_t flow_rng_get(const gsl_rng *r)
{
    return r->type == flow_rng_mt19937 ? flow_mt_draw(r->state) : (uint32_t)gsl_rng_get(r);
}

#endif
