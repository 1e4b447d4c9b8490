/* resource.h - the model's one capacity-and-queue building block: a number of places, the
 * places in use, and an ordered queue of patients waiting for one. Ward beds, assessors and
 * community places are all resources; they differ only in configuration (capacity, queue
 * order, what happens when a waiting patient is given a place).
 *
 * Contract:
 *  - A request takes a place at once only when one is free and nobody is waiting, so nobody
 *    jumps the queue. Otherwise the caller queues the patient or turns it away.
 *  - A released place is not handed over inside the event that frees it: the resource goes on
 *    the model's list of freed resources, and after every event (the engine's after-each hook)
 *    flow__resource_offer_freed gives places to the heads of their queues, calling each resource's
 *    grant function. A handler cannot forget to do it.
 *  - Queues link both ways through the patient records (no allocation): a patient is in at
 *    most one queue, and leaves it from anywhere in O(1) (patience, removal from a list).
 *  - A resource may ring-fence places (reserve): patients of other classes then hold at most
 *    capacity - reserved places, and the queue is served first eligible first.
 *  - The resource owns its by_class array and histogram; it borrows the model. */
#ifndef FLOWSIM_MODEL_RESOURCE_H
#define FLOWSIM_MODEL_RESOURCE_H

#include <flowsim/stats.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow_model;

#define RESOURCE_UNLIMITED INT32_MAX

/* The order of a queue: patients with a smaller key go first, equal keys first come first
 * served. NULL: first come, first served (arrival order). */
typedef double (*queue_key_fn)(const struct flow_model *m, uint32_t patient);

/* An ordered queue of patients, linked through their records. */
struct queue {
    uint32_t head, tail;
    size_t len;
    queue_key_fn key;
};

void flow__queue_init(struct queue *q, queue_key_fn key);
/* Inserts by key, after every patient with an equal or smaller key. */
void flow__queue_push(struct flow_model *m, struct queue *q, uint32_t id);
uint32_t flow__queue_pop(struct flow_model *m, struct queue *q);
/* Removes `id` from anywhere in the queue. */
void flow__queue_remove(struct flow_model *m, struct queue *q, uint32_t id);

/* Gives a waiting patient the place it has just been allocated (the place is already taken). */
typedef void (*grant_fn)(struct flow_model *m, uint32_t patient, uint32_t owner);

/* What a resource counts in the measured period (zeroed as a whole at the end of warm-up). */
struct resource_tally {
    uint64_t requests;         /* patients who asked for a place */
    uint64_t taken;            /* places taken */
    uint64_t waited;           /* of which after a wait */
    uint64_t lost;             /* requests turned away */
    double wait_sum;           /* days from request to place, over places taken */
    uint64_t openings;         /* escalation: times the extra places opened */
};

/* A capacity that follows a schedule and, optionally, pressure (set up by the owner): planned
 * places (set by the owner as its calendar says) plus `extra` places that open when `open_when`
 * patients wait and close when `close_when` places are free (places a ring-fence keeps for
 * others not counted as free).
 *
 * One meaning of open, closing and taken, used by every figure: a place that closes while
 * taken (a planned place the calendar closes, an extra place after the extra places close)
 * closes as its patient leaves. Nobody is moved and nobody new takes it, so in_use may exceed
 * capacity (the places that take patients) for a while; until its patient leaves such a place
 * is still counted as open (and staffed). Places counted open are max(capacity, in_use), so
 * places taken never exceed places open; extra places counted open are all of them while
 * open, and after closing those still taken (`held`, which only falls until they open again). */
struct capacity_plan {
    int planned;
    int extra, open_when, close_when;
    bool open;                 /* the extra places are open */
    int held;                  /* extra places closed but still taken (while !open) */
    struct flow_level level;   /* places counted open: max(capacity, in_use) */
    struct flow_level extra_level;   /* extra places counted open: extra when open, else held */
};

/* When asked for (a ward's hourly profile): the places in use, and counted open, at each hour
 * boundary of the measured period, summed by hour of the week. Sampled as the places change
 * (a boundary takes the value after every event at its instant), so it costs no event. */
struct hour_samples {
    double *use, *open;        /* 168 sums each, borrowed; open NULL when not kept */
    long next;                 /* the first boundary not yet sampled: hour k is at k / 24 */
    double due;                /* its time, next / 24 */
    int hour;                  /* its hour of the week (0: Monday 00:00) */
};

struct resource {
    int capacity;              /* places, or RESOURCE_UNLIMITED */
    int in_use;
    struct queue queue;
    struct flow_level use;     /* places in use */
    struct flow_level full;    /* 1 while every place is in use */
    struct flow_level waiting; /* queue length */
    struct flow_level *by_class;   /* places in use by each patient group (costs), or NULL */
    size_t nclass;
    struct resource_tally period;
    struct flow_hist *wait_hist;   /* when asked for: waits, in days x hist_scale */
    double hist_scale;
    grant_fn grant;
    uint32_t owner;            /* passed to grant: the ward, service or pool index */
    bool offered;              /* on the model's list of resources with freed places */
    struct capacity_plan *plan;    /* NULL: the capacity never changes */
    struct hour_samples *hours;    /* NULL: no hourly profile */
    /* ring-fenced places: classes without a flag hold at most capacity - reserved */
    const unsigned char *reserved_for;   /* nclass flags (borrowed), or NULL: no ring-fence */
    int reserved;
    int others_in_use;         /* places held by classes without a flag */
    size_t reserved_waiting;   /* flagged patients in the queue */
};

void flow__resource_init(struct resource *r, int capacity, size_t nclass, grant_fn grant, uint32_t owner);
void flow__resource_fini(struct resource *r);
/* Keeps a histogram of waits (in days x scale) from now on. */
void flow__resource_keep_waits(struct resource *r, double scale);
/* Samples the places in use (and open, when `open` is not NULL) at every hour boundary from
 * now on, into 168 sums by hour of the week (see struct hour_samples). */
void flow__resource_keep_hours(struct resource *r, double *use, double *open, int weekday0);
/* Samples the hour boundaries before `t` (at or before it when `at`) not yet sampled. */
void flow__resource_sample_hours(const struct flow_model *m, struct resource *r, double t, bool at);
/* True when a request by this patient now would take a place at once. */
bool flow__resource_free_for(const struct flow_model *m, const struct resource *r, uint32_t id);
/* Ring-fences `reserved` places for the classes flagged in `flags` (nclass of them). */
void flow__resource_reserve(struct resource *r, int reserved, const unsigned char *flags);
/* Counts a request at the current time (stamping the patient's request time) and returns
 * flow__resource_free_for: when true the caller takes the place (flow__resource_take), when false it
 * queues the patient (flow__resource_wait) or turns it away (flow__resource_lose). */
bool flow__resource_request(struct flow_model *m, struct resource *r, uint32_t id);
/* Queues a patient whose request was not met. */
void flow__resource_wait(struct flow_model *m, struct resource *r, uint32_t id);
/* Takes a waiting patient out of the queue (it gave up waiting). */
void flow__resource_withdraw(struct flow_model *m, struct resource *r, uint32_t id);
/* Counts a request that was turned away. */
void flow__resource_lose(struct resource *r);
/* Takes a place for the patient (recording its wait since its request). */
void flow__resource_take(struct flow_model *m, struct resource *r, uint32_t id);
/* Gives a place back; it is offered to the queue after the event. */
void flow__resource_release(struct flow_model *m, struct resource *r, uint32_t id);
/* Offers every freed place to its queue, last freed resource first (a transfer that frees a
 * bed elsewhere is resolved before other resources are looked at). The after-event hook. */
void flow__resource_offer_freed(struct flow_model *m);
/* Gives the resource a capacity that changes (planned places now, and escalation: extra places
 * 0 for none). */
void flow__resource_plan(struct flow_model *m, struct resource *r, int planned, int extra,
                        int open_when, int close_when);
/* The planned places change (a calendar boundary): capacity follows, freed places are offered. */
void flow__resource_set_planned(struct flow_model *m, struct resource *r, int planned);
/* Places counted open: those that take patients, and those closing while still taken. */
static inline int flow_resource_open_places(const struct resource *r)
{
    return r->in_use > r->capacity ? r->in_use : r->capacity;
}
/* Starts a new measured period at t: levels marked, tally and histogram zeroed. */
void flow__resource_mark(struct resource *r, double t);

#endif
