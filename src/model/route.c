/* route.c - arrivals and the route: a patient arrives (or is readmitted), takes each route
 * step with its probability, asks for a bed in each step's ward (keeping the bed it holds when
 * the next step is in the same ward), and when no step is left is medically fit (discharge.c)
 * or leaves. */
#include "internal.h"

#include <flowsim/error.h>
#include <flowsim/random.h>
#include <flowsim/util.h>

#include <math.h>
#include <stdio.h>

static void on_stay_end(struct flow_engine *e, void *ctx, uint64_t arg);

void flow__route_start_stay(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    struct group *g = &m->groups[p->group];
    const struct flow_step_spec *st = &g->spec->steps[p->step];
    double stay;
    if (__builtin_expect(p->at_start, 0)) {
        stay = flow__initial_stay(m, id);
        if (stay < 0) {                /* medically fit at the start: into the discharge block */
            flow__discharge_fit(m, id);
            return;
        }
    } else {
        stay = flow_dist_sample(&st->stay, g->stay_rng[p->step]);
    }
    if (__builtin_expect(p->outlier, 0))   /* outlying from the step's ward: it stays longer */
        stay *= m->wards[st->ward].spec->outlier_stay_factor;
    flow_engine_schedule(m->engine, model_now(m) + stay, PRIO_STAY_END, on_stay_end, m, id);
}

void flow__route_leave(struct flow_model *m, uint32_t id)
{
    flow__ward_leave_hospital(m, id);
    flow__patient_free(m, id, false);
}

uint32_t flow__route_draw_step(struct flow_model *m, uint32_t id, uint32_t from)
{
    struct group *g = &m->groups[m->patients[id].group];
    const struct flow_group_spec *s = g->spec;
    uint32_t k = from;
    while (k < s->nsteps && s->steps[k].p < 1 && gsl_rng_uniform(g->route_rng) >= s->steps[k].p)
        k++;
    return k;
}

/* Moves the patient to its next route step, or out of hospital when none is left. */
static void advance(struct flow_model *m, uint32_t id, uint32_t from)
{
    struct patient *p = &m->patients[id];
    const struct flow_group_spec *s = m->groups[p->group].spec;
    uint32_t k = flow__route_draw_step(m, id, from);
    if (k >= s->nsteps) {
        if (s->discharge.enabled && p->ward != NONE)
            flow__discharge_fit(m, id);
        else
            flow__route_leave(m, id);
        return;
    }
    p->step = k;
    uint32_t ward = (uint32_t)s->steps[k].ward;
    if (ward == p->ward) {             /* the next stay is in the same ward: keep the bed */
        if (p->outlier)                /* an outlier's next stay is in the ward it is in */
            flow__frontdoor_end_outlier(m, id);
        patient_set(m, id, PS_STAY);   /* it may have been ready or reviewed on a round */
        flow__route_start_stay(m, id);
    } else
        flow__ward_request(m, id, ward);
}

void flow__route_next(struct flow_model *m, uint32_t id)
{
    advance(m, id, m->patients[id].step + 1);
}

/* In a ward with rounds the patient is ready and waits for one; elsewhere it moves on. */
static void on_stay_end(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    uint32_t id = (uint32_t)arg;
    if (m->wards[m->patients[id].ward].rounds)
        flow__round_ready(m, id);
    else
        flow__route_next(m, id);
}

/* Stops the run when the model holds too many patients, present or due back as readmissions
 * (each a pending event): an overloaded model would otherwise exhaust memory. */
static bool overloaded(struct flow_model *m)
{
    if (m->live + m->readmits_due < m->max_live)
        return false;
    m->status = FLOW_E_OVERLOAD;
    flow_engine_stop(m->engine);
    return true;
}

static void on_arrival(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    struct group *g = &m->groups[arg];
    double next = flow__arrivals_next(g, g->arrivals_rng, model_now(m));
    if (isfinite(next))
        flow_engine_schedule(e, next, PRIO_ARRIVAL, on_arrival, m, arg);
    if (overloaded(m))
        return;
    g->period.arrivals++;
    uint32_t id = flow__patient_new(m, (uint32_t)arg);
    model_trace(m, id, g->spec->elective ? FLOW_TRACE_REFERRAL : FLOW_TRACE_ARRIVAL, NULL, 0);
    if (g->spec->elective)
        flow__elective_referral(m, id);
    else
        advance(m, id, 0);
}

void flow__route_readmit(struct flow_model *m, uint32_t group)
{
    if (overloaded(m))
        return;
    m->groups[group].period.arrivals++;
    uint32_t id = flow__patient_new(m, group);
    model_trace(m, id, FLOW_TRACE_READMISSION, NULL, 0);
    advance(m, id, 0);
}

void flow__route_start(struct flow_model *m)
{
    for (size_t g = 0; g < m->sc->ngroups; g++) {
        struct group *grp = &m->groups[g];
        double first = flow__arrivals_next(grp, grp->arrivals_rng, 0);
        if (isfinite(first))
            flow_engine_schedule(m->engine, first, PRIO_ARRIVAL, on_arrival, m, g);
    }
}

void flow__route_mark(struct flow_model *m, double t)
{
    for (size_t g = 0; g < m->sc->ngroups; g++)
        m->groups[g].period = (struct group_tally){0};
}
