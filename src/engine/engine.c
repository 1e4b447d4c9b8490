/* engine.c - future-event list and dispatch loop.
 * A 4-ary heap of 24-byte keys (time, order, slot) over a pool of event records. Keys live in
 * the heap itself so that sifting touches one cache line per level; the callback and its
 * argument stay in the pool, reached once per fired event. A binary heap was rejected: the
 * 4-ary one halves the depth for the same comparisons per level. */
#include <flowsim/engine.h>
#include <flowsim/util.h>

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#define ARITY 4
#define NO_POS UINT32_MAX

struct key {
    double time;
    uint64_t order;   /* priority in the high bits, insertion sequence in the low 44 */
    uint32_t slot;
};

struct record {
    flow_event_fn fn;
    void *ctx;
    uint64_t arg;
    uint32_t pos;     /* index in the heap, NO_POS when free */
    uint32_t gen;     /* bumped on every reuse so that stale handles are recognised */
    uint32_t next_free;
};

struct flow_engine {
    struct key *heap;
    size_t len, heap_cap;
    struct record *pool;
    size_t pool_len, pool_cap;
    uint32_t free_head;
    uint64_t seq;
    uint64_t fired;
    double now;
    bool stop;
};

#define SEQ_BITS 44

struct flow_engine *flow_engine_create(void)
{
    struct flow_engine *e = flow_xcalloc(1, sizeof *e);
    e->free_head = NO_POS;
    return e;
}

void flow_engine_destroy(struct flow_engine *e)
{
    if (e == NULL)
        return;
    free(e->heap);
    free(e->pool);
    free(e);
}

static inline bool less(const struct key *a, const struct key *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    return a->order < b->order;
}

static inline void place(struct flow_engine *e, size_t i, struct key k)
{
    e->heap[i] = k;
    e->pool[k.slot].pos = (uint32_t)i;
}

static void sift_up(struct flow_engine *e, size_t i)
{
    struct key k = e->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!less(&k, &e->heap[parent]))
            break;
        place(e, i, e->heap[parent]);
        i = parent;
    }
    place(e, i, k);
}

static void sift_down(struct flow_engine *e, size_t i)
{
    struct key k = e->heap[i];
    size_t n = e->len;
    for (;;) {
        size_t first = i * ARITY + 1;
        if (first >= n)
            break;
        size_t best = first;
        size_t last = first + ARITY < n ? first + ARITY : n;
        for (size_t c = first + 1; c < last; c++)
            if (less(&e->heap[c], &e->heap[best]))
                best = c;
        if (!less(&e->heap[best], &k))
            break;
        place(e, i, e->heap[best]);
        i = best;
    }
    place(e, i, k);
}

static uint32_t slot_alloc(struct flow_engine *e)
{
    if (e->free_head != NO_POS) {
        uint32_t s = e->free_head;
        e->free_head = e->pool[s].next_free;
        return s;
    }
    flow_xgrow((void **)&e->pool, &e->pool_cap, e->pool_len + 1, sizeof *e->pool);
    e->pool[e->pool_len].gen = 0;
    return (uint32_t)e->pool_len++;
}

static void slot_free(struct flow_engine *e, uint32_t s)
{
    e->pool[s].pos = NO_POS;
    e->pool[s].gen++;
    e->pool[s].next_free = e->free_head;
    e->free_head = s;
}

flow_event_handle flow_engine_schedule(struct flow_engine *e, double time, int priority,
                                       flow_event_fn fn, void *ctx, uint64_t arg)
{
    assert(time >= e->now && !isnan(time));
    assert(priority >= FLOW_PRIORITY_MIN && priority <= FLOW_PRIORITY_MAX);
    uint32_t s = slot_alloc(e);
    struct record *r = &e->pool[s];
    r->fn = fn;
    r->ctx = ctx;
    r->arg = arg;
    flow_xgrow((void **)&e->heap, &e->heap_cap, e->len + 1, sizeof *e->heap);
    uint64_t prio = (uint64_t)(priority - FLOW_PRIORITY_MIN);
    struct key k = {time, (prio << SEQ_BITS) | (e->seq++ & ((UINT64_C(1) << SEQ_BITS) - 1)), s};
    e->heap[e->len] = k;
    sift_up(e, e->len++);
    return ((uint64_t)r->gen << 32) | s;
}

static void remove_at(struct flow_engine *e, size_t i)
{
    e->len--;
    if (i == e->len)
        return;
    place(e, i, e->heap[e->len]);
    if (i > 0 && less(&e->heap[i], &e->heap[(i - 1) / ARITY]))
        sift_up(e, i);
    else
        sift_down(e, i);
}

bool flow_engine_cancel(struct flow_engine *e, flow_event_handle h)
{
    uint32_t s = (uint32_t)h, gen = (uint32_t)(h >> 32);
    if (s >= e->pool_len || e->pool[s].gen != gen || e->pool[s].pos == NO_POS)
        return false;
    remove_at(e, e->pool[s].pos);
    slot_free(e, s);
    return true;
}

double flow_engine_now(const struct flow_engine *e) { return e->now; }
size_t flow_engine_pending(const struct flow_engine *e) { return e->len; }
uint64_t flow_engine_fired(const struct flow_engine *e) { return e->fired; }
double flow_engine_next_time(const struct flow_engine *e) { return e->len ? e->heap[0].time : INFINITY; }
void flow_engine_stop(struct flow_engine *e) { e->stop = true; }
bool flow_engine_stopped(const struct flow_engine *e) { return e->stop; }

bool flow_engine_step(struct flow_engine *e)
{
    if (e->len == 0)
        return false;
    struct key top = e->heap[0];
    remove_at(e, 0);
    struct record r = e->pool[top.slot];
    slot_free(e, top.slot);
    e->now = top.time;
    e->fired++;
    r.fn(e, r.ctx, r.arg);
    return true;
}

uint64_t flow_engine_run_until(struct flow_engine *e, double until)
{
    uint64_t before = e->fired;
    while (!e->stop && e->len > 0 && e->heap[0].time <= until)
        flow_engine_step(e);
    if (!e->stop && until > e->now)
        e->now = until;
    return e->fired - before;
}
