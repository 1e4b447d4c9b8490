/* model.c - wires a model from a scenario and runs it: creates the wards, groups, theatres and
 * discharge services, registers the work done after every event (offering freed places; in
 * checking builds, the invariants), opens the measured period at the end of warm-up, and runs
 * the engine a day at a time, recording the daily series at each midnight. The rules live in ward.c, route.c, theatre.c and discharge.c. */
#include "internal.h"

#include <flowsim/error.h>
#include <flowsim/random.h>
#include <flowsim/util.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* After an event that freed a place someone waits for (resource_release asks for this call):
 * freed places go to the heads of their queues. Checking builds call it after every event and
 * check the model's bookkeeping. */
static void after_event(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    if (arg)
        flow__resource_offer_freed(m);
#ifdef FLOW_INVARIANTS
    flow__invariants_check(m);
#endif
}

#ifdef FLOW_INVARIANTS
enum { AFTER_EVERY_EVENT = true };
#else
enum { AFTER_EVERY_EVENT = false };
#endif

/* End of warm-up: every observer starts its measured period here. Levels are marked (their
 * totals from time 0 are kept for the daily series); each module zeroes its own tallies as a
 * whole. */
static void on_warmup(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    double t = model_now(m);
    m->start = t;
    m->period = (struct model_tally){.live_at_start = m->live, .created_at_start = m->created};
    flow_hist_reset(&m->los_hist);
    flow__wards_mark(m, t);
    flow__frontdoor_mark(m, t);
    flow__route_mark(m, t);
    flow__theatres_mark(m, t);
    flow__discharge_mark(m, t);
    flow__census_mark(m, t);
    flow__backlog_mark(m);
}

/* ---- lifetime ------------------------------------------------------------------------- */

static void group_init(struct group *g, const struct flow_scenario *sc,
                       const struct flow_group_spec *s, uint64_t seed, uint32_t rep)
{
    char name[FLOW_MAX_NAME + 64];
    g->spec = s;
    snprintf(name, sizeof name, "group/%s/arrivals", s->name);
    g->arrivals_rng = flow_stream_create(seed, rep, name);
    snprintf(name, sizeof name, "group/%s/route", s->name);
    g->route_rng = flow_stream_create(seed, rep, name);
    g->stay_rng = flow_xcalloc(s->nsteps, sizeof *g->stay_rng);
    for (size_t k = 0; k < s->nsteps; k++) {
        snprintf(name, sizeof name, "group/%s/stay/%zu", s->name, k + 1);
        g->stay_rng[k] = flow_stream_create(seed, rep, name);
    }
    flow__arrivals_setup(g, sc);
}

static void group_fini(struct group *g)
{
    gsl_rng_free(g->arrivals_rng);
    gsl_rng_free(g->route_rng);
    for (size_t k = 0; g->stay_rng && k < g->spec->nsteps; k++)
        gsl_rng_free(g->stay_rng[k]);
    free(g->stay_rng);
}

/* Priorities: every queue for a place (beds, community places, assessors) serves the best
 * priority first, first come first served within it. No pre-emption. */
static double by_priority(const struct flow_model *m, uint32_t id)
{
    return m->groups[m->patients[id].group].spec->priority;
}

static void order_queues(struct flow_model *m)
{
    for (size_t i = 0; i < m->sc->nwards; i++)
        m->wards[i].beds.queue.key = by_priority;
    for (size_t i = 0; i < m->sc->ncommunity; i++)
        m->services[i].places.queue.key = by_priority;
    for (size_t k = 0; k < m->npools; k++)
        m->pools[k].queue.key = by_priority;
}

struct flow_model *flow_model_create(const struct flow_scenario *s, uint32_t replication)
{
    struct flow_model *m = flow_xcalloc(1, sizeof *m);
    m->sc = s;
    m->replication = replication;
    m->engine = flow_engine_create();
    m->moves = &flow__route_moves;   /* how the rule modules hand patients back to the route */
    m->free_patient = NONE;
    m->max_live = FLOW_MAX_LIVE_PATIENTS;
    flow__wards_create(m);
    flow__beds_create(m);
    flow__rounds_create(m, s->seed, replication);
    flow__frontdoor_create(m, s->seed, replication);
    m->groups = flow_xcalloc(s->ngroups, sizeof *m->groups);
    for (size_t g = 0; g < s->ngroups; g++)
        group_init(&m->groups[g], s, &s->groups[g], s->seed, replication);
    flow__theatres_create(m, s->seed, replication);
    flow__discharge_create(m, s->seed, replication);
    if (s->priorities)
        order_queues(m);
    /* Each resource is on the offer stack at most once. */
    m->offers = flow_xcalloc(s->nwards + s->ncommunity + m->npools + 1, sizeof *m->offers);
    flow_hist_init(&m->los_hist);
    flow_engine_after(m->engine, after_event, m, AFTER_EVERY_EVENT);
    return m;
}

void flow_model_destroy(struct flow_model *m)
{
    if (m == NULL)
        return;
    flow__rounds_destroy(m);
    flow__frontdoor_destroy(m);
    flow__beds_destroy(m);
    flow__wards_destroy(m);
    flow__theatres_destroy(m);
    flow__discharge_destroy(m);
    for (size_t g = 0; g < m->sc->ngroups; g++)
        group_fini(&m->groups[g]);
    flow_hist_fini(&m->los_hist);
    free(m->offers);
    free(m->check_seen);
    free(m->check_beds);
    free(m->backlog_start);
    free(m->initial_left);
    free(m->groups);
    free(m->patients);
    free(m->daily);
    free(m->daily_prev);
    free(m->daily_levels);
    flow_engine_destroy(m->engine);
    free(m);
}

static bool cancelled(const struct flow_model *m)
{
    return m->cancel != NULL && atomic_load_explicit(m->cancel, memory_order_relaxed);
}

static bool model_poll(struct flow_engine *e, void *ctx)
{
    (void)e;
    return flow_interrupted() || cancelled(ctx);
}

void flow_model_cancel_on(struct flow_model *m, const atomic_bool *flag) { m->cancel = flag; }

/* The engine's loop, from one place: with two calls the compiler no longer inlined its
 * scheduling into the events (measured: 10% slower at 20,000 pending). */
static __attribute__((noinline)) void run_to(struct flow_model *m, double until)
{
    flow_engine_run_until(m->engine, until);
}

int flow_model_run(struct flow_model *m)
{
    const struct flow_scenario *s = m->sc;
    flow_interrupt_defer();
    flow_engine_schedule(m->engine, s->warmup_days, PRIO_WARMUP, on_warmup, m, 0);
    flow__beds_start(m);
    flow__theatres_start(m);
    flow__route_rounds_start(m);
    flow__initial_start(m);
    flow__route_start(m);
    /* A day at a time and every few thousand events, so that an interrupt (SIGINT, SIGTERM)
     * or a cancel stops a long run promptly. */
    flow_engine_poll(m->engine, model_poll, m);
    double end = s->warmup_days + s->horizon_days;
    for (double t = 1; m->status == 0; t += 1) {
        if (m->daily_done < m->daily_days && t <= end) {   /* the day's row, before midnight's events */
            run_to(m, nextafter(t, 0));
            if (!flow_engine_stopped(m->engine))
                flow__census_daily(m, t);
        }
        run_to(m, t < end ? t : end);
        if (t <= end && !flow_engine_stopped(m->engine))
            flow__census_midnight(m, t);                  /* after midnight's events */
        if (flow_interrupted())
            m->status = FLOW_E_INTERRUPTED;
        else if (cancelled(m))
            m->status = FLOW_E_CANCELLED;
        else if (flow_engine_stalled(m->engine))
            m->status = FLOW_E_STALLED;
        if (t >= end || flow_engine_stopped(m->engine))
            break;
    }
    flow__census_finish(m);
    return m->status;
}

uint64_t flow_model_events(const struct flow_model *m) { return flow_engine_fired(m->engine); }

/* ---- trace ---------------------------------------------------------------------------- */

const char *flow_trace_event_name(enum flow_trace_event ev)
{
    switch (ev) {
#define X(id, name) case FLOW_TRACE_##id: return name;
    FLOW_TRACE_EVENTS(X)
#undef X
    }
    return "event";
}

void flow_model_trace(struct flow_model *m, flow_trace_fn fn, void *arg)
{
    m->trace = fn;
    m->trace_arg = arg;
    for (size_t i = 0; fn && i < m->sc->nwards; i++) {
        struct ward *w = &m->wards[i];
        int most = flow__beds_most(w->spec);
        w->free_beds = flow_xcalloc((size_t)most, sizeof *w->free_beds);
        for (int b = most; b >= 1; b--)
            w->free_beds[w->nfree++] = b;
    }
}
