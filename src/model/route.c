/* route.c - the patient's movement, the one place that moves a patient from stage to stage: a
 * patient arrives (or is readmitted), takes each route step with its probability (steps.c),
 * asks for a bed in each step's ward (ward.c; keeping the bed it holds when the next step is in
 * the same ward), stays, waits for a round in a ward with rounds (round.c decides who is
 * reviewed), and when no step is left is medically fit (discharge.c) or leaves. The rule
 * modules below decide and return; where their own events end a stage (a bed given, an
 * operation over, a readmission due) they hand the patient back through flow__route_moves,
 * which model.c registers, as the engine calls the model through callbacks. See
 * docs/design.md. */
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

/* Moves the patient to its next route step, or out of hospital when none is left. */
static void advance(struct flow_model *m, uint32_t id, uint32_t from)
{
    struct patient *p = &m->patients[id];
    const struct flow_group_spec *s = m->groups[p->group].spec;
    uint32_t k = flow__steps_draw(m, id, from);
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

static void readmitted(struct flow_model *m, uint32_t group)
{
    if (overloaded(m))
        return;
    m->groups[group].period.arrivals++;
    uint32_t id = flow__patient_new(m, group);
    model_trace(m, id, FLOW_TRACE_READMISSION, NULL, 0);
    advance(m, id, 0);
}

/* ---- rounds: round.c decides who is reviewed and when; the route moves them ------------ */

static void moves_on(struct flow_model *m, uint32_t id)
{
    flow__round_left(m, id);
    flow__route_next(m, id);
}

static void on_after_round(struct flow_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    moves_on(ctx, (uint32_t)arg);
}

static void on_round(struct flow_engine *e, void *ctx, uint64_t arg);

static void schedule_round(struct flow_model *m, uint32_t ward, double t, bool after)
{
    size_t which;
    double next = flow__round_next(m, ward, t, after, &which);
    if (isfinite(next))
        flow_engine_schedule(m->engine, next, PRIO_ROUND, on_round, m, (uint64_t)which << 32 | ward);
}

/* Reviews the ready patients; those reviewed move on (now, or after_round), in the order they
 * became ready. */
static void on_round(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    uint32_t ward = (uint32_t)arg;
    struct ward *w = &m->wards[ward];
    double t = model_now(m);
    bool now = flow__round_at_once(w);
    size_t n = flow__round_pick(m, ward, (size_t)(arg >> 32));
    for (size_t k = 0; k < n; k++) {
        uint32_t id = w->reviewed[k].id;
        flow__round_reviewed(m, w, id);
        if (now)
            moves_on(m, id);
        else
            flow_engine_schedule(e, t + flow__round_after(w), PRIO_STAY_END, on_after_round, m, id);
    }
    schedule_round(m, ward, t, true);
}

void flow__route_rounds_start(struct flow_model *m)
{
    for (size_t i = 0; i < m->sc->nwards; i++)
        if (m->wards[i].spec->nrounds > 0)
            schedule_round(m, (uint32_t)i, 0, false);
}

/* ---- continuations: stages that the rule modules' own events end ----------------------- */

/* A bed was given (ward.c's grant, at once or when one freed): a case waiting for it goes to
 * theatre; anyone else starts the stay it came for. */
static void bed_granted(struct flow_model *m, uint32_t id)
{
    if (m->patients[id].state == PS_THEATRE_WAIT_BED) {
        flow__theatre_bed_came(m, id);
        return;
    }
    patient_set(m, id, PS_STAY);
    flow__route_start_stay(m, id);
}

/* Out of theatre: the stay after the operation, in the bed held for it, or home. */
static void operated(struct flow_model *m, uint32_t id)
{
    if (m->patients[id].step < m->groups[m->patients[id].group].spec->nsteps) {
        patient_set(m, id, PS_STAY);
        flow__route_start_stay(m, id);
    } else {
        flow__route_leave(m, id);
    }
}

const struct moves flow__route_moves = {bed_granted, operated, readmitted};

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
