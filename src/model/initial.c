/* initial.c - a run that starts from today's census (the scenario's initial: list): each patient
 * is created at time 0 in its route step and asks for a bed in the step's ward, in the order
 * given (patients beyond the beds wait for them, whatever the ward's when_full); its first stay is what is left of the stay under way, drawn from the step's stay
 * distribution given the time already spent, or in equilibrium when that is not known; a
 * medically fit patient goes into its discharge block as soon as it has its bed. Patients in
 * community services' places are placed first, with what is left of their service stays.
 * Draws come from a stream of their own, so a census changes no other stream. */
#include "internal.h"

#include <flowsim/random.h>
#include <flowsim/util.h>

void flow__initial_start(struct flow_model *m)
{
    const struct flow_scenario *s = m->sc;
    if (s->ninitial == 0)
        return;
    gsl_rng *r = flow_stream_create(s->seed, m->replication, "initial");
    /* Community services' census first: their places are theirs before any fit patient at
     * time 0 asks for one. */
    for (size_t k = 0; k < s->ninitial; k++) {
        const struct flow_initial_patient *c = &s->initial[k];
        if (c->ward >= 0)
            continue;
        const struct flow_dist *stay = &s->community[c->service].stay;
        uint32_t id = flow__patient_new(m, (uint32_t)c->group);
        m->patients[id].pathway = (uint8_t)c->pathway;
        model_trace(m, id, FLOW_TRACE_AT_START, s->community[c->service].name, 0);
        flow__discharge_census(m, id, (uint32_t)c->service, c->elapsed >= 0 ? flow_dist_residual(stay, c->elapsed, r)
                                                                           : flow_dist_equilibrium_residual(stay, r));
    }
    for (size_t k = 0; k < s->ninitial; k++) {
        const struct flow_initial_patient *c = &s->initial[k];
        if (c->ward < 0)
            continue;
        const struct flow_dist *stay = &s->groups[c->group].steps[c->step].stay;
        uint32_t id = flow__patient_new(m, (uint32_t)c->group);
        if (id >= m->initial_cap) {
            size_t cap = m->initial_cap ? m->initial_cap : 64;
            while (cap <= id)
                cap *= 2;
            m->initial_left = flow_xrealloc(m->initial_left, cap * sizeof *m->initial_left);
            m->initial_cap = cap;
        }
        m->initial_left[id] = c->fit            ? -1      /* medically fit: no stay left */
                              : c->elapsed >= 0 ? flow_dist_residual(stay, c->elapsed, r)
                                                : flow_dist_equilibrium_residual(stay, r);
        struct patient *p = &m->patients[id];
        p->step = (uint32_t)c->step;
        p->at_start = 1;
        model_trace(m, id, FLOW_TRACE_AT_START, s->wards[c->ward].name, 0);
        flow__ward_request_waiting(m, id, (uint32_t)c->ward);
    }
    gsl_rng_free(r);
}

double flow__initial_stay(struct flow_model *m, uint32_t id)
{
    m->patients[id].at_start = 0;
    return m->initial_left[id];
}
