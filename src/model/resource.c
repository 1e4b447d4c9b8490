/* resource.c - capacity and queues, written once (see resource.h): places taken and released,
 * ordered queues through the patient records, and the after-event offer of freed places. */
#include "internal.h"

#include <flowsim/util.h>

#include <stdlib.h>

/* ---- queues --------------------------------------------------------------------------- */

void flow__queue_init(struct queue *q, queue_key_fn key)
{
    *q = (struct queue){.head = NONE, .tail = NONE, .key = key};
}

/* The tail is tried first: most patients join at the back (a first-come queue walks nothing),
 * and only those who belong further forward walk from the head (the tail's key is above
 * theirs, so the walk stops before it). */
void flow__queue_push(struct flow_model *m, struct queue *q, uint32_t id)
{
    struct patient *pool = m->patients;
    if (q->key == NULL || q->len == 0 || q->key(m, q->tail) <= q->key(m, id)) {
        pool[id].next = NONE;
        pool[id].prev = q->tail;
        if (q->len++ == 0)
            q->head = id;
        else
            pool[q->tail].next = id;
        q->tail = id;
        return;
    }
    /* It goes before the tail: walk from the head past every key not above its own. */
    double k = q->key(m, id);
    uint32_t prev = NONE, cur = q->head;
    while (q->key(m, cur) <= k)
        prev = cur, cur = pool[cur].next;
    pool[id].next = cur;
    pool[id].prev = prev;
    pool[cur].prev = id;
    if (prev == NONE)
        q->head = id;
    else
        pool[prev].next = id;
    q->len++;
}

uint32_t flow__queue_pop(struct flow_model *m, struct queue *q)
{
    uint32_t id = q->head;
    q->head = m->patients[id].next;
    if (--q->len == 0)
        q->tail = NONE;
    else
        m->patients[q->head].prev = NONE;
    m->patients[id].next = NONE;
    return id;
}

void flow__queue_remove(struct flow_model *m, struct queue *q, uint32_t id)
{
    struct patient *p = &m->patients[id];
    if (p->prev == NONE)
        q->head = p->next;
    else
        m->patients[p->prev].next = p->next;
    if (p->next == NONE)
        q->tail = p->prev;
    else
        m->patients[p->next].prev = p->prev;
    p->next = p->prev = NONE;
    q->len--;
}

/* ---- places --------------------------------------------------------------------------- */

void flow__resource_init(struct resource *r, int capacity, size_t nclass, grant_fn grant, uint32_t owner)
{
    *r = (struct resource){.capacity = capacity, .nclass = nclass, .grant = grant, .owner = owner};
    flow__queue_init(&r->queue, NULL);
    r->by_class = nclass ? flow_xcalloc(nclass, sizeof *r->by_class) : NULL;
}

void flow__resource_fini(struct resource *r)
{
    free(r->by_class);
    free(r->plan);
    free(r->hours);
    if (r->wait_hist) {
        flow_hist_fini(r->wait_hist);
        free(r->wait_hist);
    }
}

void flow__resource_keep_hours(struct resource *r, double *use, double *open, int weekday0)
{
    r->hours = flow_xcalloc(1, sizeof *r->hours);
    *r->hours = (struct hour_samples){.use = use, .open = open, .hour = 24 * weekday0 % 168};
}

/* A boundary counts when it is after the start of the measured period, as the midnight census
 * does; before the end of warm-up the start is 0, and the mark clears what was summed. */
void flow__resource_sample_hours(const struct flow_model *m, struct resource *r, double t, bool at)
{
    struct hour_samples *h = r->hours;
    for (; h->due < t || (at && h->due == t); h->due = (double)++h->next / 24, h->hour = (h->hour + 1) % 168) {
        if (!(h->due > m->start))
            continue;
        h->use[h->hour] += r->in_use;
        if (h->open)
            h->open[h->hour] += flow_resource_open_places(r);
    }
}

void flow__resource_keep_waits(struct resource *r, double scale)
{
    r->wait_hist = flow_xcalloc(1, sizeof *r->wait_hist);
    flow_hist_init(r->wait_hist);
    r->hist_scale = scale;
}

void flow__resource_reserve(struct resource *r, int reserved, const unsigned char *flags)
{
    r->reserved = reserved;
    r->reserved_for = flags;
}

static bool reserved_class(const struct resource *r, uint32_t cls) { return r->reserved_for[cls] != 0; }

/* Places classes without a flag may still take. */
static bool others_may_take(const struct resource *r)
{
    return r->others_in_use < r->capacity - r->reserved;
}

/* Nobody waiting could take a free place before this patient: without a ring-fence, nobody
 * waits; with one, a flagged patient goes ahead of waiting others only when they are at their
 * limit (within an event a place may be free while others who could take it still wait). */
static __attribute__((noinline)) bool ring_fence_free(const struct flow_model *m, const struct resource *r,
                                                      uint32_t id)
{
    if (reserved_class(r, m->patients[id].group))
        return r->reserved_waiting == 0 && (r->queue.len == 0 || !others_may_take(r));
    return r->queue.len == 0 && others_may_take(r);
}

bool flow__resource_free_for(const struct flow_model *m, const struct resource *r, uint32_t id)
{
    if (r->in_use >= r->capacity)
        return false;
    return r->reserved_for ? ring_fence_free(m, r, id) : r->queue.len == 0;
}

/* Puts the resource on the model's list of resources to offer places from after this event. */
static void offer_later(struct flow_model *m, struct resource *r)
{
    if (!r->offered) {
        r->offered = true;
        m->offers[m->noffers++] = r;
        flow_engine_after_this(m->engine);
    }
}

static void set_full(struct resource *r, double t)
{
    double full = r->in_use >= r->capacity;
    if (full != r->full.value)
        flow_level_set(&r->full, t, full);
}

static void set_open_levels(struct resource *r, double t);

static void set_in_use(struct flow_model *m, struct resource *r, uint32_t cls, int delta)
{
    double t = model_now(m);
    if (__builtin_expect(r->hours != NULL, 0) && r->hours->due < t)
        flow__resource_sample_hours(m, r, t, false);
    r->in_use += delta;
    flow_level_set(&r->use, t, r->in_use);
    set_full(r, t);
    if (__builtin_expect(r->plan != NULL, 0))
        set_open_levels(r, t);
    if (r->by_class) {
        struct flow_level *c = &r->by_class[cls];
        flow_level_set(c, t, c->value + delta);
    }
}

bool flow__resource_request(struct flow_model *m, struct resource *r, uint32_t id)
{
    r->period.requests++;
    m->patients[id].requested = model_now(m);
    return flow__resource_free_for(m, r, id);
}

void flow__resource_wait(struct flow_model *m, struct resource *r, uint32_t id)
{
    flow__queue_push(m, &r->queue, id);
    if (r->reserved_for && reserved_class(r, m->patients[id].group))
        r->reserved_waiting++;
    flow_level_set(&r->waiting, model_now(m), (double)r->queue.len);
    if (r->plan && r->plan->extra > 0 && !r->plan->open)
        offer_later(m, r);     /* the queue may now open the extra places */
}

/* Places held outside the ring-fence (out of line: most resources have none). */
static __attribute__((cold, noinline)) void count_others(struct flow_model *m, struct resource *r, uint32_t id, int delta)
{
    if (!reserved_class(r, m->patients[id].group))
        r->others_in_use += delta;
}

/* Out of the queue, wherever it is. */
static void unqueue(struct flow_model *m, struct resource *r, uint32_t id)
{
    flow__queue_remove(m, &r->queue, id);
    if (r->reserved_for && reserved_class(r, m->patients[id].group))
        r->reserved_waiting--;
    flow_level_set(&r->waiting, model_now(m), (double)r->queue.len);
}

void flow__resource_withdraw(struct flow_model *m, struct resource *r, uint32_t id)
{
    unqueue(m, r, id);
}

void flow__resource_lose(struct resource *r) { r->period.lost++; }

void flow__resource_take(struct flow_model *m, struct resource *r, uint32_t id)
{
    double wait = model_now(m) - m->patients[id].requested;
    set_in_use(m, r, m->patients[id].group, +1);
    if (__builtin_expect(r->reserved_for != NULL, 0))
        count_others(m, r, id, +1);
    r->period.taken++;
    r->period.waited += wait > 0;
    r->period.wait_sum += wait;
    if (r->wait_hist)
        flow_hist_add(r->wait_hist, wait * r->hist_scale);
}

void flow__resource_release(struct flow_model *m, struct resource *r, uint32_t id)
{
    set_in_use(m, r, m->patients[id].group, -1);
    if (__builtin_expect(r->reserved_for != NULL, 0))
        count_others(m, r, id, -1);
    if (r->queue.len > 0 || (r->plan && r->plan->open))
        offer_later(m, r);     /* a place for the queue, or free enough to close extra places */
}

/* ---- capacity that changes ------------------------------------------------------------ */

/* The places counted open (resource.h): extra places closed but still taken are `held`, which
 * only falls (as their patients leave) until the extra places open again. */
static void set_open_levels(struct resource *r, double t)
{
    struct capacity_plan *p = r->plan;
    if (!p->open && p->held > 0) {
        int above = r->in_use - p->planned;
        if (above < p->held)
            p->held = above > 0 ? above : 0;
    }
    double open = flow_resource_open_places(r), extra = p->open ? p->extra : p->held;
    if (open != p->level.value)
        flow_level_set(&p->level, t, open);
    if (extra != p->extra_level.value)
        flow_level_set(&p->extra_level, t, extra);
}

static void set_capacity(struct flow_model *m, struct resource *r)
{
    struct capacity_plan *p = r->plan;
    double t = model_now(m);
    if (r->hours)
        flow__resource_sample_hours(m, r, t, false);
    r->capacity = p->planned + (p->open ? p->extra : 0);
    set_open_levels(r, t);
    set_full(r, t);
}

void flow__resource_plan(struct flow_model *m, struct resource *r, int planned, int extra,
                        int open_when, int close_when)
{
    r->plan = flow_xcalloc(1, sizeof *r->plan);
    *r->plan = (struct capacity_plan){.planned = planned, .extra = extra, .open_when = open_when,
                                      .close_when = close_when};
    set_capacity(m, r);
}

void flow__resource_set_planned(struct flow_model *m, struct resource *r, int planned)
{
    if (planned == r->plan->planned)
        return;
    r->plan->planned = planned;
    set_capacity(m, r);
    if (r->queue.len > 0 || r->plan->open)
        offer_later(m, r);
}

/* Free places that a patient outside the ring-fence could take: ring-fenced places that no
 * fenced patient holds are not free for them (nor, so, for closing the extra places). */
static int free_general(const struct resource *r)
{
    int free = r->capacity - r->in_use;
    if (r->reserved_for) {
        int fenced_empty = r->reserved - (r->in_use - r->others_in_use);
        free -= fenced_empty > 0 ? fenced_empty : 0;
    }
    return free;
}

/* Escalation after the places have been offered: the extra places open when enough patients
 * still wait, and close when enough places are free. Opening fills places from the queue, so
 * what is left either waits (no place free, nothing to close) or is nobody. Extra places that
 * close while taken are held (counted open) until their patients leave. */
static bool escalate(struct flow_model *m, struct resource *r)
{
    struct capacity_plan *p = r->plan;
    if (!p->open && r->queue.len >= (size_t)p->open_when) {
        p->open = true;
        p->held = 0;
        r->period.openings++;
        set_capacity(m, r);
        return true;
    }
    if (p->open && free_general(r) >= p->close_when) {
        int above = r->in_use - p->planned;
        p->open = false;
        p->held = above <= 0 ? 0 : above < p->extra ? above : p->extra;
        set_capacity(m, r);
    }
    return false;
}

/* The first waiting patient who may take a free place under the ring-fence, or NONE: the head
 * while others may take places, else the first flagged patient. */
static __attribute__((noinline)) uint32_t first_eligible(const struct flow_model *m, const struct resource *r)
{
    if (others_may_take(r))
        return r->queue.head;
    if (r->reserved_waiting == 0)
        return NONE;
    uint32_t id = r->queue.head;
    while (!reserved_class(r, m->patients[id].group))
        id = m->patients[id].next;
    return id;
}

static inline __attribute__((always_inline)) void fill(struct flow_model *m, struct resource *r)
{
    while (r->queue.len > 0 && r->in_use < r->capacity) {
        uint32_t id = flow__queue_pop(m, &r->queue);
        flow_level_set(&r->waiting, model_now(m), (double)r->queue.len);
        flow__resource_take(m, r, id);
        r->grant(m, id, r->owner);
    }
}

/* fill behind a ring-fence: first eligible first (out of line: most resources have none). */
static __attribute__((cold, noinline)) void fill_fenced(struct flow_model *m, struct resource *r)
{
    uint32_t id;
    while (r->queue.len > 0 && r->in_use < r->capacity && (id = first_eligible(m, r)) != NONE) {
        unqueue(m, r, id);
        flow__resource_take(m, r, id);
        r->grant(m, id, r->owner);
    }
}

/* Escalation may open places for the queue: they are filled, and escalation looked at once
 * more (to close what is not needed). Out of line: most resources have none. */
static __attribute__((noinline)) void escalate_and_fill(struct flow_model *m, struct resource *r)
{
    if (escalate(m, r)) {
        if (r->reserved_for)
            fill_fenced(m, r);
        else
            fill(m, r);
        escalate(m, r);
    }
}

/* Granting a place may free another (a blocked patient moves on and leaves its bed), which
 * joins the list, so a chain of transfers resolves within one event. */
void flow__resource_offer_freed(struct flow_model *m)
{
    while (m->noffers > 0) {
        struct resource *r = m->offers[--m->noffers];
        r->offered = false;
        if (__builtin_expect(r->reserved_for != NULL, 0))
            fill_fenced(m, r);
        else
            fill(m, r);
        if (r->plan && r->plan->extra > 0)
            escalate_and_fill(m, r);
    }
}

void flow__resource_mark(struct resource *r, double t)
{
    flow_level_mark(&r->use, t);
    flow_level_mark(&r->full, t);
    flow_level_mark(&r->waiting, t);
    for (size_t c = 0; c < r->nclass; c++)
        flow_level_mark(&r->by_class[c], t);
    if (r->plan) {
        flow_level_mark(&r->plan->level, t);
        flow_level_mark(&r->plan->extra_level, t);
    }
    r->period = (struct resource_tally){0};
    if (r->wait_hist)
        flow_hist_reset(r->wait_hist);
}
