/* round.c - ward rounds, the release rule of a ward with `rounds`: a patient whose stay there
 * ends is ready but keeps its bed; at each round every ready patient is reviewed with the
 * round's p_review; a reviewed patient moves on (next step, discharge block or home)
 * `after_round` later. This file decides (who is reviewed, when the next round is, how long
 * after it a patient goes) and keeps the ready list; the route (route.c) owns the round's
 * event and moves the patients. Departures from these wards are counted by hour, half-day and
 * weekday for the discharge-time metrics. */
#include "internal.h"

#include <flowsim/random.h>
#include <flowsim/util.h>
#include <flowsim/week.h>

#include <gsl/gsl_randist.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void set_ready(struct flow_model *m, struct ward *w, int delta)
{
    w->nready += delta;
    flow_level_set(&w->ready_level, model_now(m), w->nready);
}

void flow__round_ready(struct flow_model *m, uint32_t id)
{
    struct ward *w = &m->wards[m->patients[id].ward];
    patient_set(m, id, PS_READY);
    m->patients[id].requested = model_now(m);      /* ready since */
    set_ready(m, w, +1);
    w->ready[w->nwaiting++] = id;
    model_trace(m, id, FLOW_TRACE_READY, w->spec->name, m->patients[id].bed);
}

void flow__round_left(struct flow_model *m, uint32_t id)
{
    set_ready(m, &m->wards[m->patients[id].ward], -1);
}

bool flow__round_at_once(const struct ward *w)
{
    const struct flow_dist *d = &w->spec->after_round;
    return d->kind == FLOW_DIST_FIXED && d->a == 0;
}

double flow__round_after(struct ward *w)
{
    return flow_dist_sample(&w->spec->after_round, w->round_rng);
}

double flow__round_next(const struct flow_model *m, uint32_t ward, double t, bool after, size_t *which)
{
    *which = 0;
    double until = m->sc->warmup_days + m->sc->horizon_days;
    return flow_week_next_round(m->sc, m->wards[ward].spec, t, after, until, which);
}

/* First ready, first to leave (then first to arrive). */
static int by_ready(const void *a, const void *b)
{
    const struct reviewed *x = a, *y = b;
    if (x->since != y->since)
        return x->since < y->since ? -1 : 1;
    return (x->serial > y->serial) - (x->serial < y->serial);
}

/* Picks the patients this round reviews out of the ready ones into w->reviewed: each with
 * probability p, by geometric jumps over the array (work in proportion to those reviewed, not
 * to those waiting, however small p is). Walks from the end so that a swap-remove moves a
 * patient already passed. */
static size_t pick(const struct patient *pool, struct ward *w, double p)
{
    size_t n = 0;
    for (size_t i = w->nwaiting; i > 0;) {
        size_t skip = p < 1 ? gsl_ran_geometric(w->round_rng, p) - 1 : 0;
        if (skip >= i)
            break;
        i -= skip + 1;
        const struct patient *q = &pool[w->ready[i]];
        w->reviewed[n++] = (struct reviewed){q->requested, q->serial, w->ready[i]};
        w->ready[i] = w->ready[--w->nwaiting];
    }
    return n;
}

size_t flow__round_pick(struct flow_model *m, uint32_t ward, size_t round)
{
    struct ward *w = &m->wards[ward];
    size_t n = pick(m->patients, w, w->spec->rounds[round].p_review);
    qsort(w->reviewed, n, sizeof *w->reviewed, by_ready);
    return n;
}

void flow__round_reviewed(struct flow_model *m, struct ward *w, uint32_t id)
{
    patient_set(m, id, PS_REVIEWED);
    model_trace(m, id, FLOW_TRACE_ROUND, w->spec->name, m->patients[id].bed);
}

void flow__rounds_create(struct flow_model *m, uint64_t seed, uint32_t rep)
{
    char name[FLOW_MAX_NAME + 64];
    for (size_t i = 0; i < m->sc->nwards; i++) {
        struct ward *w = &m->wards[i];
        w->rounds = w->spec->nrounds > 0;
        if (!w->rounds)
            continue;
        snprintf(name, sizeof name, "ward/%s/rounds", w->spec->name);
        w->round_rng = flow_stream_create(seed, rep, name);
        size_t most = (size_t)flow__beds_most(w->spec) + 1;   /* ready patients hold beds */
        w->ready = flow_xcalloc(most, sizeof *w->ready);
        w->reviewed = flow_xcalloc(most, sizeof *w->reviewed);
    }
}

void flow__rounds_destroy(struct flow_model *m)
{
    for (size_t i = 0; m->wards && i < m->sc->nwards; i++) {
        if (m->wards[i].round_rng)
            gsl_rng_free(m->wards[i].round_rng);
        free(m->wards[i].departures_hourly);
        free(m->wards[i].ready);
        free(m->wards[i].reviewed);
    }
}

/* ---- departures ----------------------------------------------------------------------- */

void flow__round_departure(struct flow_model *m, struct ward *w)
{
    double t = model_now(m);
    int64_t day = (int64_t)t;
    int weekday = flow_week_calendar_day(m->sc, day);
    w->period.departures++;
    w->period.before_noon += t - (double)day < 0.5;
    w->period.departure_hours += (t - (double)day) * 24;
    w->period.weekend += weekday >= 5;
    if (w->departures_hourly)
        w->departures_hourly[weekday * 24 + (int)((t - (double)day) * 24)]++;
}

/* Days of [a, b) that fall on a Saturday or Sunday. */
double flow__round_weekend_days(const struct flow_scenario *s, double a, double b)
{
    double n = 0;
    for (double day = floor(a); day < b; day += 1) {
        if (flow_week_calendar_day(s, (int64_t)day) < 5)
            continue;
        n += fmin(b, day + 1) - fmax(a, day);
    }
    return n;
}
