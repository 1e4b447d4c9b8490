/* calq.c - a calendar queue (Brown, 1988) for the engine's many-pending-events mode: keys
 * hashed by "day" (time / width) into a year of buckets, each bucket a list sorted by key.
 * The next key is the head of the current day's bucket when its day is the current day; a
 * year without one falls back to a search of every bucket's head. The year doubles or halves
 * with the number of keys, and the width is chosen afresh each time from the keys' spacing, so
 * that a bucket holds one or two keys and a pop or push costs the same at any size. */
#include "calq.h"

#include <flowsim/util.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MIN_BUCKETS = 64 };

static double bits_time(uint64_t bits)
{
    double t;
    memcpy(&t, &bits, sizeof t);
    return t;
}

/* floor(time / width), capped far beyond any run: monotone in time, so days sort as times do. */
static uint64_t day_of(const struct calq *q, uint64_t bits)
{
    double d = bits_time(bits) * q->inv_width;
    return d < 9e18 ? (uint64_t)d : (uint64_t)9e18;
}

static bool node_less(const struct calq_node *a, const struct calq_node *b)
{
    u128 x = (u128)a->time << 64 | a->order;
    u128 y = (u128)b->time << 64 | b->order;
    return x < y;
}

static struct key key_of(const struct calq *q, uint32_t slot)
{
    const struct calq_node *n = calq_node(q, slot);
    return (struct key){n->time, n->order, slot};
}

/* Files a key in its bucket, after every smaller key. Keys come mostly in increasing order
 * within a bucket (a day's events, ties in insertion order), so the tail is tried first. */
static void file(struct calq *q, struct key k)
{
    struct calq_node *n = calq_node(q, k.slot);
    n->time = k.time;
    n->order = k.order;
    n->day = day_of(q, k.time);
    if (n->day < q->day)
        q->day = n->day;
    size_t b = n->day & (q->nbuckets - 1);
    uint32_t *p = &q->head[b];
    if (*p != CALQ_NONE && node_less(calq_node(q, q->head[q->nbuckets + b]), n))
        p = &calq_node(q, q->head[q->nbuckets + b])->next;  /* after the tail */
    else
        while (*p != CALQ_NONE && node_less(calq_node(q, *p), n))
            p = &calq_node(q, *p)->next;
    n->next = *p;
    if (*p == CALQ_NONE)
        q->head[q->nbuckets + b] = k.slot;             /* the new tail */
    *p = k.slot;
    q->len++;
    if (q->top_known && node_less(n, calq_node(q, q->top)))
        q->top = k.slot;                               /* its day is q->day: rewound above */
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A bucket about one and a half times the mean gap between the nearest half of the keys: from
 * the median time ahead m, half the keys lie within m, so the gap there is about 2m / n.
 * Brown's three gaps filed two or three keys a bucket, and a key filed among them is a
 * comparison the processor cannot predict; at one and a half, the 600-bed hospital ran about
 * 4% faster and M/M/20 with 20,000 pending about 5%, for more empty buckets stepped over. */
static double choose_width(struct calq *q, const struct key *keys, size_t n, double now)
{
    flow_xgrow((void **)&q->scratch, &q->scratch_cap, n, sizeof *q->scratch);
    double span = 0;
    for (size_t i = 0; i < n; i++) {
        double ahead = bits_time(keys[i].time) - now;
        q->scratch[i] = ahead > 0 && isfinite(ahead) ? ahead : 0;
        span = q->scratch[i] > span ? q->scratch[i] : span;
    }
    qsort(q->scratch, n, sizeof *q->scratch, by_value);   /* at a resize only: amortised */
    double m = q->scratch[n / 2];
    double w = 3 * m / (double)n;
    if (!(w > 0))
        w = span > 0 ? 3 * span / (double)n : 1;
    return w > 1e-12 ? w : 1e-12;
}

static void build(struct calq *q, const struct key *keys, size_t n, size_t nbuckets, double now)
{
    q->nbuckets = nbuckets;
    free(q->head);
    q->head = flow_xcalloc(2 * nbuckets, sizeof *q->head);   /* heads, then tails */
    for (size_t b = 0; b < 2 * nbuckets; b++)
        q->head[b] = CALQ_NONE;
    q->inv_width = 1 / choose_width(q, keys, n, now);
    q->len = 0;
    q->day = UINT64_MAX;
    q->top_known = false;
    for (size_t i = 0; i < n; i++)
        file(q, keys[i]);
}

static size_t buckets_for(size_t n)
{
    size_t b = MIN_BUCKETS;
    while (b < n)
        b *= 2;
    return b;
}

void flow__calq_build(struct calq *q, const struct key *keys, size_t n, double now)
{
    build(q, keys, n, buckets_for(n), now);
}

/* Rebuilds with `nbuckets` buckets and a width chosen from the keys now pending. */
static void resize(struct calq *q, size_t nbuckets)
{
    size_t n = q->len;
    struct key *keys = flow_xcalloc(n, sizeof *keys);
    double now = bits_time(flow__calq_top(q).time);
    flow__calq_drain(q, keys);
    build(q, keys, n, nbuckets, now);
    free(keys);
}

void flow__calq_push(struct calq *q, struct key k)
{
    file(q, k);
    if (q->len > 2 * q->nbuckets)
        resize(q, 2 * q->nbuckets);
}

struct key flow__calq_top(struct calq *q)
{
    if (q->top_known)
        return key_of(q, q->top);
    q->top_known = true;
    size_t mask = q->nbuckets - 1;
    for (size_t i = 0; i < q->nbuckets; i++) {
        uint64_t d = q->day + i;
        uint32_t h = q->head[d & mask];
        if (h != CALQ_NONE && calq_node(q, h)->day == d) {
            q->day = d;
            q->top = h;
            return key_of(q, h);
        }
    }
    uint32_t best = CALQ_NONE;                 /* a year without a key: search every head */
    for (size_t b = 0; b < q->nbuckets; b++) {
        uint32_t h = q->head[b];
        if (h != CALQ_NONE && (best == CALQ_NONE || node_less(calq_node(q, h), calq_node(q, best))))
            best = h;
    }
    q->day = calq_node(q, best)->day;
    q->top = best;
    return key_of(q, best);
}

void flow__calq_pop(struct calq *q)
{
    struct key k = flow__calq_top(q);
    size_t b = q->day & (q->nbuckets - 1);
    q->head[b] = calq_node(q, k.slot)->next;
    if (q->head[b] == CALQ_NONE)
        q->head[q->nbuckets + b] = CALQ_NONE;
    q->len--;
    q->top_known = false;
    if (q->nbuckets > MIN_BUCKETS && q->len < q->nbuckets / 4 && q->len > 0)
        resize(q, q->nbuckets / 2);
}

size_t flow__calq_drain(struct calq *q, struct key *out)
{
    size_t n = 0;
    for (size_t b = 0; b < q->nbuckets; b++) {
        for (uint32_t h = q->head[b]; h != CALQ_NONE; h = calq_node(q, h)->next)
            out[n++] = key_of(q, h);
        q->head[b] = q->head[q->nbuckets + b] = CALQ_NONE;
    }
    q->len = 0;
    q->day = UINT64_MAX;
    q->top_known = false;
    return n;
}

void flow__calq_free(struct calq *q)
{
    free(q->head);
    free(q->scratch);
    memset(q, 0, sizeof *q);
}
