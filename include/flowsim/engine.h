/* engine.h - the discrete-event engine: a future-event list (a 4-ary heap, or a calendar
 * queue while many events are pending, over pooled event records) and its dispatch loop. It
 * knows nothing about hospitals; models register callbacks.
 *
 * Contract:
 *  - Time is a non-negative double counting days since time 0, the one internal time unit
 *    of flowsim.
 *  - Events fire in order of time, then priority (lower first), then insertion order, so a
 *    run is deterministic.
 *  - Time never goes backwards: scheduling before now() is a bug (asserted).
 *  - flow_engine_schedule returns a handle that flow_engine_cancel accepts until the event
 *    has fired or been cancelled; a stale handle is recognised and ignored.
 *  - An after-event function, when set, runs at the event's time once the event is done.
 *  - A run whose time stops advancing (more than FLOW_ENGINE_STALL_EVENTS events at one
 *    instant: a loop of zero-length steps) stops, and flow_engine_stalled says so.
 *  - Event records are pooled: in steady state no event allocates memory.
 * The engine borrows ctx pointers; it owns only its heap and pool. */
#ifndef FLOWSIM_ENGINE_H
#define FLOWSIM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow_engine;

typedef void (*flow_event_fn)(struct flow_engine *engine, void *ctx, uint64_t arg);

/* Priorities run from FLOW_PRIORITY_MIN to FLOW_PRIORITY_MAX. */
enum { FLOW_PRIORITY_MIN = -1000, FLOW_PRIORITY_MAX = 1000 };

typedef uint64_t flow_event_handle;

struct flow_engine *flow_engine_create(void);
void flow_engine_destroy(struct flow_engine *engine);

flow_event_handle flow_engine_schedule(struct flow_engine *engine, double time, int priority,
                                       flow_event_fn fn, void *ctx, uint64_t arg);
/* Returns true when the event was pending and is now cancelled. */
bool flow_engine_cancel(struct flow_engine *engine, flow_event_handle handle);

double flow_engine_now(const struct flow_engine *engine);
size_t flow_engine_pending(const struct flow_engine *engine);
uint64_t flow_engine_fired(const struct flow_engine *engine);
/* Time of the next event, or INFINITY when none is pending. */
double flow_engine_next_time(struct flow_engine *engine);

/* Fires the next event; returns false when none was pending. */
bool flow_engine_step(struct flow_engine *engine);
/* Fires every event with time <= until, then sets now() to until. Returns events fired. */
uint64_t flow_engine_run_until(struct flow_engine *engine, double until);
/* Registers fn(engine, ctx, asked), to run when an event is done, before the next one: after
 * every event when `always` (debug checks of a model's bookkeeping), otherwise only after an
 * event during which flow_engine_after_this was called (work an event leaves to be done once
 * it is over, such as offering freed capacity to queues). `asked` is 1 when
 * flow_engine_after_this was called during the event, else 0. NULL removes it. */
void flow_engine_after(struct flow_engine *engine, flow_event_fn fn, void *ctx, bool always);
void flow_engine_after_this(struct flow_engine *engine);
/* Makes run_until return after the event being fired (for models that must abort). */
void flow_engine_stop(struct flow_engine *engine);
bool flow_engine_stopped(const struct flow_engine *engine);

/* run_until calls fn(engine, ctx) every FLOW_ENGINE_POLL_EVENTS events and stops when it
 * returns true (an interrupt, say); NULL removes it. */
typedef bool (*flow_engine_poll_fn)(struct flow_engine *engine, void *ctx);
void flow_engine_poll(struct flow_engine *engine, flow_engine_poll_fn fn, void *ctx);
enum { FLOW_ENGINE_POLL_EVENTS = 1 << 10, FLOW_ENGINE_STALL_POLLS = 1 << 14 };
#define FLOW_ENGINE_STALL_EVENTS ((uint64_t)FLOW_ENGINE_POLL_EVENTS * FLOW_ENGINE_STALL_POLLS)
/* True once run_until stopped because time stopped advancing. */
bool flow_engine_stalled(const struct flow_engine *engine);

#endif
