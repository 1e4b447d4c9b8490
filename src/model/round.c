/* round.c - ward rounds, the release rule of a ward with `rounds`: a patient whose stay there
 * ends is ready but keeps its bed; at each round every ready patient is reviewed with the
 * round's p_review; a reviewed patient moves on (next step, discharge block or home)
 * `after_round` later. One event per round per ward, plus one per stay when after_round is not
 * zero. Departures from these wards are counted by hour, half-day and weekday for the
 * discharge-time metrics. */
#include "internal.h"

#include <flowsim/random.h>
#include <flowsim/util.h>
#include <flowsim/week.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void set_ready(struct flow_model *m, struct ward *w, int delta)
{
    w->nready += delta;
    flow_level_set(&w->ready_level, model_now(m), w->nready);
}

void flow_round_ready(struct flow_model *m, uint32_t id)
{
    struct ward *w = &m->wards[m->patients[id].ward];
    patient_set(m, id, PS_READY);
    set_ready(m, w, +1);
    flow_queue_push(m, &w->ready, id);
    model_trace(m, id, FLOW_TRACE_READY, w->spec->name, m->patients[id].bed);
}

static void leave(struct flow_model *m, uint32_t id)
{
    set_ready(m, &m->wards[m->patients[id].ward], -1);
    flow_route_next(m, id);
}

static void on_after_round(struct flow_engine *e, void *ctx, uint64_t arg)
{
    leave(ctx, (uint32_t)arg);
}

static bool zero(const struct flow_dist *d)
{
    return d->kind == FLOW_DIST_FIXED && d->a == 0;
}

static void schedule_round(struct flow_model *m, uint32_t ward, double t, bool after)
{
    size_t which = 0;
    double until = m->sc->warmup_days + m->sc->horizon_days;
    double next = flow_week_next_round(m->sc, m->wards[ward].spec, t, after, until, &which);
    if (isfinite(next))
        flow_engine_schedule(m->engine, next, PRIO_ROUND, flow_round_on_round, m,
                             (uint64_t)which << 32 | ward);
}

/* Reviews every ready patient, in the order they became ready. */
void flow_round_on_round(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    uint32_t ward = (uint32_t)arg;
    struct ward *w = &m->wards[ward];
    const struct flow_round_spec *r = &w->spec->rounds[arg >> 32];
    double t = model_now(m);
    bool now = zero(&w->spec->after_round);
    uint32_t prev = NONE;
    for (uint32_t id = w->ready.head; id != NONE;) {
        uint32_t next = m->patients[id].next;
        if (r->p_review < 1 && gsl_rng_uniform(w->round_rng) >= r->p_review) {
            prev = id;
            id = next;
            continue;
        }
        flow_queue_remove(m, &w->ready, prev, id);
        patient_set(m, id, PS_REVIEWED);
        model_trace(m, id, FLOW_TRACE_ROUND, w->spec->name, m->patients[id].bed);
        if (now)
            leave(m, id);
        else
            flow_engine_schedule(e, t + flow_dist_sample(&w->spec->after_round, w->round_rng),
                                 PRIO_STAY_END, on_after_round, m, id);
        id = next;
    }
    schedule_round(m, ward, t, true);
}

void flow_rounds_create(struct flow_model *m, uint64_t seed, uint32_t rep)
{
    char name[FLOW_MAX_NAME + 64];
    for (size_t i = 0; i < m->sc->nwards; i++) {
        struct ward *w = &m->wards[i];
        flow_queue_init(&w->ready, NULL);
        if (w->spec->nrounds == 0)
            continue;
        snprintf(name, sizeof name, "ward/%s/rounds", w->spec->name);
        w->round_rng = flow_stream_create(seed, rep, name);
    }
}

void flow_rounds_destroy(struct flow_model *m)
{
    for (size_t i = 0; m->wards && i < m->sc->nwards; i++) {
        if (m->wards[i].round_rng)
            gsl_rng_free(m->wards[i].round_rng);
        free(m->wards[i].departures_hourly);
    }
}

void flow_rounds_start(struct flow_model *m)
{
    for (size_t i = 0; i < m->sc->nwards; i++)
        if (m->wards[i].spec->nrounds > 0)
            schedule_round(m, (uint32_t)i, 0, false);
}

/* ---- departures ----------------------------------------------------------------------- */

void flow_round_departure(struct flow_model *m, struct ward *w)
{
    double t = model_now(m);
    int64_t day = (int64_t)t;
    int weekday = flow_week_calendar_day(m->sc, day);
    w->period.departures++;
    w->period.before_noon += t - (double)day < 0.5;
    w->period.weekend += weekday >= 5;
    if (w->departures_hourly)
        w->departures_hourly[weekday * 24 + (int)((t - (double)day) * 24)]++;
}

/* Days of [a, b) that fall on a Saturday or Sunday. */
double flow_round_weekend_days(const struct flow_scenario *s, double a, double b)
{
    double n = 0;
    for (double day = floor(a); day < b; day += 1) {
        if (flow_week_calendar_day(s, (int64_t)day) < 5)
            continue;
        n += fmin(b, day + 1) - fmax(a, day);
    }
    return n;
}
