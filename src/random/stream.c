/* stream.c - seeds one independent gsl_rng per (seed, replication, purpose). The name is
 * hashed rather than numbered so that streams keep their seeds when components are added,
 * removed or reordered: the basis of common random numbers across what-if scenarios. */
#include <flowsim/random.h>

#include <stdio.h>
#include <stdlib.h>

static uint64_t splitmix64(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

uint64_t flow_stream_seed(uint64_t seed, uint32_t rep, const char *name)
{
    uint64_t h = splitmix64(seed);
    h = splitmix64(h ^ ((uint64_t)rep * UINT64_C(0xd1b54a32d192ed03)));
    return splitmix64(h ^ fnv1a(name));
}

gsl_rng *flow_stream_create(uint64_t seed, uint32_t rep, const char *name)
{
    gsl_rng *r = gsl_rng_alloc(flow_rng_mt19937);
    if (r == NULL) {
        fprintf(stderr, "flowsim: out of memory (gsl_rng_alloc)\n");
        abort();
    }
    /* mt19937 takes a 32-bit seed; fold the 64-bit one so both halves count. Zero would be
     * replaced by GSL's default seed, so avoid it. */
    uint64_t s = flow_stream_seed(seed, rep, name);
    unsigned long s32 = (unsigned long)((s ^ (s >> 32)) & 0xffffffffu);
    gsl_rng_set(r, s32 ? s32 : 1);
    return r;
}
