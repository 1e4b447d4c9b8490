/* calq.h - the engine's event list for many pending events: a calendar queue (Brown, 1988).
 * Internal to the engine, which keeps a small 4-ary heap while few events are pending and
 * moves its keys here when many are (engine.c): a heap's pop costs a level per factor of 4,
 * a calendar queue's about the same at any size.
 *
 * Contract: keys are unique (time, order) pairs and come out in increasing order, exactly as
 * the heap would give them; a key's slot (< 2^32) is unique among pending keys and indexes the
 * nodes, which the engine keeps in its event records (a node at the start of each, `stride`
 * bytes apart: one record, node and callback together, is one cache line) and which must hold
 * every slot pushed. Times are the bits of non-negative doubles. */
#ifndef FLOWSIM_ENGINE_CALQ_H
#define FLOWSIM_ENGINE_CALQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct key {
    uint64_t time;    /* the IEEE-754 bits of a non-negative time: they sort as the times do */
    uint64_t order;   /* priority in the high bits, insertion sequence in the low 44 */
    uint32_t slot;
};

__extension__ typedef unsigned __int128 u128;   /* GCC and Clang on 64-bit targets */

/* Keys compare as one 128-bit integer (time bits, then order): a compare and a subtract with
 * borrow, no branch. The heap's comparisons are unpredictable: written as two compares joined
 * by | and &, the compiler turned them into conditional jumps that carried a third of the
 * benchmark's mispredictions, and a floating-point compare with its NaN branch once cost a fifth
 * of its time. */
static inline bool key_less(const struct key *a, const struct key *b)
{
    u128 x = (u128)a->time << 64 | a->order;
    u128 y = (u128)b->time << 64 | b->order;
    return x < y;
}

struct calq_node {
    uint64_t time, order;
    uint64_t day;             /* floor(time / width): the key's "day" */
    uint32_t next;            /* next node of its bucket, in key order */
};

struct calq {
    uint32_t *head;           /* per bucket: its smallest key's slot, or CALQ_NONE */
    size_t nbuckets;          /* a power of two: one "year" */
    double inv_width;         /* 1 / the width of a bucket (days) */
    uint64_t day;             /* every pending key's day is at least this */
    size_t len;
    uint32_t top;             /* the smallest key's slot, when top_known (the engine looks at */
    bool top_known;           /* the next event two or three times before it takes it) */
    char *nodes;              /* slot s's node is at nodes + s * stride (the engine's records) */
    size_t stride;
    double *scratch;          /* for choosing the width */
    size_t scratch_cap;
};

#define CALQ_NONE UINT32_MAX

static inline struct calq_node *calq_node(const struct calq *q, uint32_t slot)
{
    return (struct calq_node *)(q->nodes + (size_t)slot * q->stride);
}

/* Empties q and fills it with keys[0..n) (n > 0), choosing its width from their times;
 * `now` is the current time. */
void flow__calq_build(struct calq *q, const struct key *keys, size_t n, double now);
void flow__calq_push(struct calq *q, struct key k);
/* The smallest key (q not empty). */
struct key flow__calq_top(struct calq *q);
/* Removes the smallest key (q not empty). */
void flow__calq_pop(struct calq *q);
/* Writes every key to out (in no set order) and empties q; returns how many. */
size_t flow__calq_drain(struct calq *q, struct key *out);
void flow__calq_free(struct calq *q);

#endif
