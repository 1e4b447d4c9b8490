/* engine.c - future-event list and dispatch loop.
 * A 4-ary heap of 24-byte keys (time, order, slot) over a pool of event records. Keys live in
 * the heap itself so that sifting touches one cache line per level; the callback and its
 * argument stay in the pool, reached once per fired event. A binary heap was rejected: the
 * 4-ary one halves the depth for the same comparisons per level. While many events are
 * pending (a hospital's hundreds of beds, each with its patient's departure) the keys move to
 * a calendar queue (calq.c), whose cost does not grow with their number, and back to the heap
 * when few are: both give the same keys in the same order, so results do not depend on it.
 * The calendar's node for an event is the first half of the event's 64-byte record, so that
 * among 10^5 pending events taking one touches its bucket's head and one cache line.
 * Cancellation is lazy: a cancelled record is marked and its key is dropped when it reaches
 * the top. Tracking every key's heap position for eager removal cost a store per sift step on
 * every event, to speed up an operation models rarely use. */
#include "calq.h"

#include <flowsim/engine.h>
#include <flowsim/util.h>

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ARITY 4
#define NO_POS UINT32_MAX

/* Pending keys at which the heap hands over to the calendar queue, and back: apart, so that a
 * count near one of them does not move the keys at every event. */
enum { TO_CALENDAR = 512, TO_HEAP = 128 };

/* An event: its calendar node (used while the calendar queue holds the keys) and what to
 * call, 64 bytes on one cache line, so that filing or taking an event among 10^5 pending
 * touches one line for both. */
struct record {
    struct calq_node node;
    flow_event_fn fn;   /* NULL once cancelled */
    void *ctx;
    uint64_t arg;
    uint32_t gen;       /* bumped on every reuse so that stale handles are recognised */
    uint32_t next_free; /* free-list link; NO_POS while the event is pending */
};

_Static_assert(sizeof(struct record) == 64, "an event record is one cache line");

struct flow_engine {
    struct key *heap;
    size_t len, heap_cap;      /* len: keys pending, in the heap or the calendar queue */
    bool calendar;             /* the keys are in cq, not the heap */
    struct calq cq;
    struct record *pool;
    size_t pool_len, pool_cap;
    uint32_t free_head;
    size_t cancelled;   /* cancelled keys still in the heap */
    uint64_t seq;
    uint64_t fired;
    double now;
    bool stop;
    flow_event_fn after;   /* the after-event function, or NULL */
    void *after_ctx;
    uint8_t after_mode;    /* AFTER_ALWAYS | AFTER_ASKED: one test per event */
    flow_engine_poll_fn poll;   /* called every FLOW_ENGINE_POLL_EVENTS events, or NULL */
    void *poll_ctx;
    double poll_time;      /* now() at the last poll */
    uint32_t poll_same;    /* polls in a row that found now() unchanged */
    bool stalled;
};

#define SEQ_BITS 44
enum { AFTER_ASKED = 1, AFTER_ALWAYS = 2 };   /* after_mode bits */

struct flow_engine *flow_engine_create(void)
{
    struct flow_engine *e = flow_xcalloc(1, sizeof *e);
    e->free_head = NO_POS;
    e->poll_time = -1;
    return e;
}

void flow_engine_destroy(struct flow_engine *e)
{
    if (e == NULL)
        return;
    free(e->heap);
    flow__calq_free(&e->cq);
    free(e->pool);
    free(e);
}

/* c when key c is less than key best, else best, by a mask rather than a jump. */
static inline size_t pick(const struct key *heap, size_t c, size_t best)
{
    size_t m = (size_t)0 - (size_t)key_less(&heap[c], &heap[best]);
    return (c & m) | (best & ~m);
}

static inline uint64_t key_time(const struct key *k) { return k->time; }

static inline uint64_t time_bits(double t)
{
    uint64_t bits;
    t += 0.0;         /* -0.0 becomes +0.0 */
    memcpy(&bits, &t, sizeof bits);
    return bits;
}

static inline double bits_time(uint64_t bits)
{
    double t;
    memcpy(&t, &bits, sizeof t);
    return t;
}

static void sift_up(struct flow_engine *e, size_t i)
{
    struct key k = e->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!key_less(&k, &e->heap[parent]))
            break;
        e->heap[i] = e->heap[parent];
        i = parent;
    }
    e->heap[i] = k;
}

/* Removes the top key: the hole at the root sinks along the smallest children to a leaf
 * (no comparison with the moved key on the way down), then the last key fills it and rises,
 * which it rarely needs to, being a late event (Floyd's bottom-up variant). */
static void pop_top(struct flow_engine *e)
{
    size_t n = --e->len, i = 0;
    if (n == 0)
        return;
    for (;;) {
        size_t first = i * ARITY + 1;
        if (first >= n)
            break;
        size_t best = first;
        size_t last = first + ARITY < n ? first + ARITY : n;
        for (size_t c = first + 1; c < last; c++)
            best = pick(e->heap, c, best);
        e->heap[i] = e->heap[best];
        i = best;
    }
    e->heap[i] = e->heap[n];
    sift_up(e, i);
}

/* ---- the event list: the heap, or the calendar queue while many keys are pending -------- */

static inline __attribute__((always_inline)) void list_push(struct flow_engine *e, struct key k)
{
    if (e->calendar) {
        flow__calq_push(&e->cq, k);
        e->len++;
        return;
    }
    flow_xgrow((void **)&e->heap, &e->heap_cap, e->len + 1, sizeof *e->heap);
    e->heap[e->len] = k;
    sift_up(e, e->len++);
    if (e->len >= TO_CALENDAR) {               /* many pending: over to the calendar queue */
        flow__calq_build(&e->cq, e->heap, e->len, e->now);
        e->calendar = true;
    }
}

/* The smallest pending key (some must be pending), and its time alone. */
static inline struct key list_top(struct flow_engine *e)
{
    if (__builtin_expect(e->calendar, 0))
        return flow__calq_top(&e->cq);
    return e->heap[0];
}

static inline uint64_t list_top_time(struct flow_engine *e)
{
    if (__builtin_expect(e->calendar, 0))
        return flow__calq_top(&e->cq).time;
    return e->heap[0].time;
}

/* Removes the smallest pending key. */
static void list_pop(struct flow_engine *e)
{
    if (__builtin_expect(!e->calendar, 1)) {
        pop_top(e);
        return;
    }
    flow__calq_pop(&e->cq);
    if (--e->len <= TO_HEAP) {                 /* few pending: back to the heap */
        size_t n = flow__calq_drain(&e->cq, e->heap);
        e->calendar = false;
        e->len = 0;
        for (size_t i = 0; i < n; i++) {
            e->heap[e->len] = e->heap[i];
            sift_up(e, e->len++);
        }
    }
}

/* Doubles the pool, on cache-line boundaries; the calendar queue finds its nodes there. */
static void pool_grow(struct flow_engine *e)
{
    size_t cap = e->pool_cap ? 2 * e->pool_cap : 64;
    if (cap > (size_t)UINT32_MAX)
        cap = (size_t)UINT32_MAX;                 /* slots are 32 bits */
    struct record *p = flow_xaligned(64, cap * sizeof *p);
    if (e->pool_len > 0)
        memcpy(p, e->pool, e->pool_len * sizeof *p);
    free(e->pool);
    e->pool = p;
    e->pool_cap = cap;
    e->cq.nodes = (char *)p;
    e->cq.stride = sizeof *p;
}

static uint32_t slot_alloc(struct flow_engine *e)
{
    if (e->free_head != NO_POS) {
        uint32_t s = e->free_head;
        e->free_head = e->pool[s].next_free;
        return s;
    }
    if (e->pool_len == e->pool_cap)
        pool_grow(e);
    e->pool[e->pool_len].gen = 0;
    return (uint32_t)e->pool_len++;
}

static void slot_free(struct flow_engine *e, uint32_t s)
{
    e->pool[s].gen++;
    e->pool[s].next_free = e->free_head;
    e->free_head = s;
}

flow_event_handle flow_engine_schedule(struct flow_engine *e, double time, int priority,
                                       flow_event_fn fn, void *ctx, uint64_t arg)
{
    assert(time >= e->now && time >= 0 && !isnan(time));
    assert(priority >= FLOW_PRIORITY_MIN && priority <= FLOW_PRIORITY_MAX);
    uint32_t s = slot_alloc(e);
    struct record *r = &e->pool[s];
    r->fn = fn;
    r->ctx = ctx;
    r->arg = arg;
    r->next_free = NO_POS;
    uint64_t prio = (uint64_t)(priority - FLOW_PRIORITY_MIN);
    uint64_t order = (prio << SEQ_BITS) | (e->seq++ & ((UINT64_C(1) << SEQ_BITS) - 1));
    list_push(e, (struct key){time_bits(time), order, s});
    return ((uint64_t)r->gen << 32) | s;
}

bool flow_engine_cancel(struct flow_engine *e, flow_event_handle h)
{
    uint32_t s = (uint32_t)h, gen = (uint32_t)(h >> 32);
    if (s >= e->pool_len || e->pool[s].gen != gen || e->pool[s].next_free != NO_POS ||
        e->pool[s].fn == NULL)
        return false;
    e->pool[s].fn = NULL;
    e->cancelled++;
    return true;
}

/* Drops cancelled keys from the top so that the top, if any, is a live event. */
static void skip_cancelled(struct flow_engine *e)
{
    while (e->cancelled > 0 && e->len > 0 && e->pool[list_top(e).slot].fn == NULL) {
        uint32_t s = list_top(e).slot;
        list_pop(e);
        slot_free(e, s);
        e->cancelled--;
    }
}

double flow_engine_now(const struct flow_engine *e) { return e->now; }
size_t flow_engine_pending(const struct flow_engine *e) { return e->len - e->cancelled; }
uint64_t flow_engine_fired(const struct flow_engine *e) { return e->fired; }
double flow_engine_next_time(struct flow_engine *e)
{
    skip_cancelled(e);
    return e->len ? bits_time(list_top_time(e)) : INFINITY;
}
void flow_engine_stop(struct flow_engine *e) { e->stop = true; }

void flow_engine_after(struct flow_engine *e, flow_event_fn fn, void *ctx, bool always)
{
    e->after = fn;
    e->after_ctx = ctx;
    e->after_mode = fn != NULL && always ? AFTER_ALWAYS : 0;
}

void flow_engine_after_this(struct flow_engine *e)
{
    if (e->after != NULL)
        e->after_mode |= AFTER_ASKED;
}
bool flow_engine_stopped(const struct flow_engine *e) { return e->stop; }

bool flow_engine_step(struct flow_engine *e)
{
    skip_cancelled(e);
    if (e->len == 0)
        return false;
    struct key top = list_top(e);
    list_pop(e);
    const struct record *r = &e->pool[top.slot];
    flow_event_fn fn = r->fn;
    void *ctx = r->ctx;
    uint64_t arg = r->arg;
    slot_free(e, top.slot);
    e->now = bits_time(key_time(&top));
    e->fired++;
    fn(e, ctx, arg);
    if (e->after_mode) {
        e->after(e, e->after_ctx, e->after_mode & AFTER_ASKED);
        e->after_mode &= AFTER_ALWAYS;   /* requests made by the after function itself are done */
    }
    return true;
}

void flow_engine_poll(struct flow_engine *e, flow_engine_poll_fn fn, void *ctx)
{
    e->poll = fn;
    e->poll_ctx = ctx;
}

bool flow_engine_stalled(const struct flow_engine *e) { return e->stalled; }

/* Every FLOW_ENGINE_POLL_EVENTS events: time is monotone, so finding now() unchanged at
 * FLOW_ENGINE_STALL_POLLS polls in a row means every event in between fired at one instant. */
static void engine_check(struct flow_engine *e)
{
    if (e->now == e->poll_time) {
        if (++e->poll_same >= FLOW_ENGINE_STALL_POLLS) {
            e->stalled = true;
            e->stop = true;
        }
    } else {
        e->poll_time = e->now;
        e->poll_same = 0;
    }
    if (e->poll != NULL && e->poll(e, e->poll_ctx))
        e->stop = true;
}

uint64_t flow_engine_run_until(struct flow_engine *e, double until)
{
    uint64_t before = e->fired;
    uint64_t bound = until >= 0 ? time_bits(until) : 0;
    for (;;) {
        skip_cancelled(e);
        if (e->stop || e->len == 0 || list_top_time(e) > bound || until < 0)
            break;
        flow_engine_step(e);
        if ((e->fired & (FLOW_ENGINE_POLL_EVENTS - 1)) == 0)
            engine_check(e);
    }
    if (!e->stop && until > e->now)
        e->now = until;
    return e->fired - before;
}
