/* resource.c - capacity and queues, written once (see resource.h): places taken and released,
 * ordered queues through the patient records, and the after-event offer of freed places. */
#include "internal.h"

#include <flowsim/util.h>

#include <stdlib.h>

/* ---- queues --------------------------------------------------------------------------- */

void flow_queue_init(struct queue *q, queue_key_fn key)
{
    *q = (struct queue){.head = NONE, .tail = NONE, .key = key};
}

/* The tail is tried first: most patients join at the back (a first-come queue walks nothing),
 * and only those who belong further forward walk from the head (the tail's key is above
 * theirs, so the walk stops before it). */
void flow_queue_push(struct flow_model *m, struct queue *q, uint32_t id)
{
    struct patient *pool = m->patients;
    if (q->key == NULL || q->len == 0 || q->key(m, q->tail) <= q->key(m, id)) {
        pool[id].next = NONE;
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
    if (prev == NONE)
        q->head = id;
    else
        pool[prev].next = id;
    q->len++;
}

uint32_t flow_queue_pop(struct flow_model *m, struct queue *q)
{
    uint32_t id = q->head;
    q->head = m->patients[id].next;
    if (--q->len == 0)
        q->tail = NONE;
    m->patients[id].next = NONE;
    return id;
}

void flow_queue_remove(struct flow_model *m, struct queue *q, uint32_t prev, uint32_t id)
{
    uint32_t next = m->patients[id].next;
    if (prev == NONE)
        q->head = next;
    else
        m->patients[prev].next = next;
    if (q->tail == id)
        q->tail = prev;
    m->patients[id].next = NONE;
    q->len--;
}

/* ---- places --------------------------------------------------------------------------- */

void flow_resource_init(struct resource *r, int capacity, size_t nclass, grant_fn grant, uint32_t owner)
{
    *r = (struct resource){.capacity = capacity, .nclass = nclass, .grant = grant, .owner = owner};
    flow_queue_init(&r->queue, NULL);
    r->by_class = nclass ? flow_xcalloc(nclass, sizeof *r->by_class) : NULL;
}

void flow_resource_fini(struct resource *r)
{
    free(r->by_class);
    if (r->wait_hist) {
        flow_hist_fini(r->wait_hist);
        free(r->wait_hist);
    }
}

void flow_resource_keep_waits(struct resource *r, double scale)
{
    r->wait_hist = flow_xcalloc(1, sizeof *r->wait_hist);
    flow_hist_init(r->wait_hist);
    r->hist_scale = scale;
}

bool flow_resource_free_now(const struct resource *r)
{
    return r->queue.len == 0 && r->in_use < r->capacity;
}

static void set_in_use(struct flow_model *m, struct resource *r, uint32_t cls, int delta)
{
    double t = model_now(m);
    bool was_full = r->in_use >= r->capacity;
    r->in_use += delta;
    flow_level_set(&r->use, t, r->in_use);
    if (was_full != (r->in_use >= r->capacity))
        flow_level_set(&r->full, t, !was_full);
    if (r->by_class) {
        struct flow_level *c = &r->by_class[cls];
        flow_level_set(c, t, c->value + delta);
    }
}

bool flow_resource_request(struct flow_model *m, struct resource *r, uint32_t id)
{
    r->period.requests++;
    m->patients[id].requested = model_now(m);
    return flow_resource_free_now(r);
}

void flow_resource_wait(struct flow_model *m, struct resource *r, uint32_t id)
{
    flow_queue_push(m, &r->queue, id);
    flow_level_set(&r->waiting, model_now(m), (double)r->queue.len);
}

void flow_resource_lose(struct resource *r) { r->period.lost++; }

void flow_resource_take(struct flow_model *m, struct resource *r, uint32_t id)
{
    double wait = model_now(m) - m->patients[id].requested;
    set_in_use(m, r, m->patients[id].group, +1);
    r->period.taken++;
    r->period.waited += wait > 0;
    r->period.wait_sum += wait;
    if (r->wait_hist)
        flow_hist_add(r->wait_hist, wait * r->hist_scale);
}

void flow_resource_release(struct flow_model *m, struct resource *r, uint32_t id)
{
    set_in_use(m, r, m->patients[id].group, -1);
    if (r->queue.len > 0 && !r->offered) {
        r->offered = true;
        m->offers[m->noffers++] = r;
        flow_engine_after_this(m->engine);
    }
}

/* Granting a place may free another (a blocked patient moves on and leaves its bed), which
 * joins the list, so a chain of transfers resolves within one event. */
void flow_resource_offer_freed(struct flow_model *m)
{
    while (m->noffers > 0) {
        struct resource *r = m->offers[--m->noffers];
        r->offered = false;
        while (r->queue.len > 0 && r->in_use < r->capacity) {
            uint32_t id = flow_queue_pop(m, &r->queue);
            flow_level_set(&r->waiting, model_now(m), (double)r->queue.len);
            flow_resource_take(m, r, id);
            r->grant(m, id, r->owner);
        }
    }
}

void flow_resource_mark(struct resource *r, double t)
{
    flow_level_mark(&r->use, t);
    flow_level_mark(&r->full, t);
    flow_level_mark(&r->waiting, t);
    for (size_t c = 0; c < r->nclass; c++)
        flow_level_mark(&r->by_class[c], t);
    r->period = (struct resource_tally){0};
    if (r->wait_hist)
        flow_hist_reset(r->wait_hist);
}
