/* discharge.c - Discharge to Assess and the traditional model. A patient whose last ward stay
 * has ended is medically fit, in its bed, and takes one of four pathways (by share):
 *  - 0: home after a delay, in the bed until then;
 *  - 1-3, assess_in_hospital: assessed in the bed (waiting for an assessor if all are busy),
 *    then waits in the bed for a place in the pathway's community service (first come, first
 *    served), leaves hospital into it and stays there for the service's stay;
 *  - 1-3, discharge_to_assess: waits in the bed only for a place; leaves hospital into it at
 *    once, and is assessed there (the place is held for the assessment, any wait for an
 *    assessor included, and then the stay).
 * Every moment in a hospital bed after becoming fit is delayed. A pathway may readmit: with
 * probability p the patient comes back, `after` its discharge, through another group's route. */
#include "internal.h"

#include <flowsim/random.h>
#include <flowsim/util.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double now(const struct flow_model *m) { return model_now(m); }

static const struct flow_discharge_spec *spec_of(const struct flow_model *m, uint32_t id)
{
    return &m->groups[m->patients[id].group].spec->discharge;
}

/* ---- leaving hospital ----------------------------------------------------------------- */

static void on_readmit(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    m->readmits_due--;
    m->period.pathways[arg >> 32].readmissions++;
    m->moves->readmitted(m, (uint32_t)arg);
}

/* Records the fit patient's departure from hospital and draws its readmission. */
static void leave_hospital(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    struct group *g = &m->groups[p->group];
    const struct flow_pathway_spec *pw = &g->spec->discharge.pathways[p->pathway];
    double t = now(m), waited = t - p->fit;
    flow_level_set(&m->delayed, t, m->delayed.value - 1);
    m->period.fit_left++;
    m->period.fit_to_leave += waited;
    m->period.pathways[p->pathway].left++;
    m->period.pathways[p->pathway].fit_to_leave += waited;
    flow__ward_leave_hospital(m, id);
    if (pw->readmit_p > 0 && gsl_rng_uniform(g->readmit_rng) < pw->readmit_p) {
        double after = flow_dist_sample(&pw->readmit_after, g->readmit_rng);
        flow_engine_schedule(m->engine, t + after, PRIO_DISCHARGE, on_readmit, m,
                             ((uint64_t)p->pathway << 32) | (uint32_t)pw->readmit_group);
        m->readmits_due++;
    }
}

/* ---- community services --------------------------------------------------------------- */

static struct service *service_of(struct flow_model *m, uint32_t id)
{
    return &m->services[spec_of(m, id)->pathways[m->patients[id].pathway].service];
}

static void on_service_end(struct flow_engine *e, void *ctx, uint64_t arg);
static void request_assessment(struct flow_model *m, uint32_t id);

static void start_service_stay(struct flow_model *m, uint32_t id)
{
    struct service *s = service_of(m, id);
    double stay = flow_dist_sample(&s->spec->stay, s->stay_rng);
    flow_engine_schedule(m->engine, now(m) + stay, PRIO_DISCHARGE, on_service_end, m, id);
}

/* The patient has a place: it leaves hospital for it. The grant function of every service. */
static void enter_service(struct flow_model *m, uint32_t id, uint32_t service)
{
    struct service *s = &m->services[service];
    model_trace(m, id, FLOW_TRACE_SERVICE_START, s->spec->name, 0);
    patient_set(m, id, PS_SERVICE);
    leave_hospital(m, id);
    if (spec_of(m, id)->model == FLOW_DISCHARGE_TO_ASSESS)
        request_assessment(m, id);
    else
        start_service_stay(m, id);
}

/* A full service that turns patients away (when_full: divert): the patient leaves hospital
 * for care outside the model, counted by the service as lost. */
static void divert_from_service(struct flow_model *m, uint32_t id, struct service *s)
{
    flow__resource_lose(&s->places);
    model_trace(m, id, FLOW_TRACE_COMMUNITY_DIVERT, s->spec->name, 0);
    leave_hospital(m, id);
    flow__patient_free(m, id, false);
}

/* ---- services with a capacity in visits a day (visits_per_day) ------------------------- */

static void visits_set(struct flow_model *m, struct service *s, double used, double unmet)
{
    double t = now(m);
    s->visits_used = used, s->visits_unmet = unmet;
    flow_level_set(&s->used_level, t, used);
    flow_level_set(&s->unmet_level, t, unmet);
    flow_level_set(&s->visit_waiting, t, (double)s->visit_queue.len);
}

static void visits_start(struct flow_model *m, uint32_t id, struct service *s)
{
    visits_set(m, s, s->visits_used + m->patients[id].visits, s->visits_unmet);
    flow__resource_take(m, &s->places, id);
    enter_service(m, id, (uint32_t)(s - m->services));
}

static bool visits_fit(const struct service *s, double v)
{
    return s->visits_used + v <= s->spec->visits_per_day + 1e-9;
}

/* Patients waiting for visits start in the order they came: first come, while the first one's
 * visits fit; first fit, every one whose visits fit (a patient who needs more waits while those
 * behind it who need less start, as IPACS plans visits). */
static void visits_offer(struct flow_model *m, struct service *s)
{
    bool skip = s->spec->order == FLOW_ORDER_FIRST_FIT;
    uint32_t id = s->visit_queue.len > 0 ? s->visit_queue.head : NONE;
    while (id != NONE) {
        uint32_t next = m->patients[id].next;
        double v = m->patients[id].visits;
        if (!visits_fit(s, v)) {
            if (!skip)
                return;
            id = next;
            continue;
        }
        flow__queue_remove(m, &s->visit_queue, id);
        visits_set(m, s, s->visits_used, s->visits_unmet - v);
        visits_start(m, id, s);
        id = next;
    }
}

static void divert_from_service(struct flow_model *m, uint32_t id, struct service *s);

/* A patient the service cannot take now: turned away for care outside the model (when_full:
 * divert; true), or left waiting in its hospital bed (false: the caller queues it). */
static bool service_full(struct flow_model *m, uint32_t id, struct service *s)
{
    if (s->spec->when_full == FLOW_WHEN_FULL_DIVERT) {
        divert_from_service(m, id, s);
        return true;
    }
    model_trace(m, id, FLOW_TRACE_SERVICE_WAIT, s->spec->name, 0);
    patient_set(m, id, PS_WAIT_SERVICE);
    return false;
}

static void request_visits(struct flow_model *m, uint32_t id, struct service *s)
{
    struct patient *p = &m->patients[id];
    p->visits = fmax(0, flow_dist_sample(&s->spec->visits, s->visits_rng));
    flow__resource_request(m, &s->places, id);          /* counts it (its places are unlimited) */
    bool first = s->visit_queue.len == 0 || s->spec->order == FLOW_ORDER_FIRST_FIT;
    if (first && visits_fit(s, p->visits)) {
        visits_start(m, id, s);
        return;
    }
    if (service_full(m, id, s))
        return;
    flow__queue_push(m, &s->visit_queue, id);
    visits_set(m, s, s->visits_used, s->visits_unmet + p->visits);
}

static void request_service(struct flow_model *m, uint32_t id)
{
    struct service *s = service_of(m, id);
    if (s->spec->visits_per_day > 0) {
        request_visits(m, id, s);
        return;
    }
    if (flow__resource_request(m, &s->places, id)) {
        flow__resource_take(m, &s->places, id);
        enter_service(m, id, (uint32_t)(s - m->services));
        return;
    }
    if (!service_full(m, id, s))
        flow__resource_wait(m, &s->places, id);
}

static void on_service_end(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    uint32_t id = (uint32_t)arg;
    struct service *s = service_of(m, id);
    flow__resource_release(m, &s->places, id);
    model_trace(m, id, FLOW_TRACE_SERVICE_END, s->spec->name, 0);
    if (s->spec->visits_per_day > 0) {
        visits_set(m, s, s->visits_used - m->patients[id].visits, s->visits_unmet);
        flow__patient_free(m, id, false);
        visits_offer(m, s);
        return;
    }
    flow__patient_free(m, id, false);
}

void flow__discharge_census(struct flow_model *m, uint32_t id, uint32_t service, double left)
{
    struct service *s = &m->services[service];
    bool free_now = flow__resource_request(m, &s->places, id);   /* the census fits: checked at load */
    (void)free_now;
    flow__resource_take(m, &s->places, id);
    patient_set(m, id, PS_SERVICE);
    if (s->spec->visits_per_day > 0) {             /* its visits, even beyond the capacity */
        m->patients[id].visits = fmax(0, flow_dist_sample(&s->spec->visits, s->visits_rng));
        visits_set(m, s, s->visits_used + m->patients[id].visits, s->visits_unmet);
    }
    flow_engine_schedule(m->engine, now(m) + left, PRIO_DISCHARGE, on_service_end, m, id);
}

/* ---- assessment ----------------------------------------------------------------------- */

static void on_assessed(struct flow_engine *e, void *ctx, uint64_t arg);

/* An assessor has been given to the patient: the grant function of every pool. */
static void start_assessment(struct flow_model *m, uint32_t id, uint32_t pool)
{
    struct group *g = &m->groups[m->patients[id].group];
    const struct flow_discharge_spec *d = &g->spec->discharge;
    model_trace(m, id, FLOW_TRACE_ASSESSMENT_START, NULL, 0);
    patient_set(m, id, PS_ASSESSMENT);
    if (d->model == FLOW_DISCHARGE_TO_ASSESS)
        g->period.community_assessment_cost += d->cost_per_assessment;
    else
        g->period.hospital_assessment_cost += d->cost_per_assessment;
    double time = flow_dist_sample(&d->assessment, g->assessment_rng);
    flow_engine_schedule(m->engine, model_now(m) + time, PRIO_DISCHARGE, on_assessed, m, id);
}

static void request_assessment(struct flow_model *m, uint32_t id)
{
    struct resource *a = m->groups[m->patients[id].group].assessors;
    if (flow__resource_request(m, a, id)) {
        flow__resource_take(m, a, id);
        start_assessment(m, id, a->owner);
    } else {
        model_trace(m, id, FLOW_TRACE_ASSESSMENT_WAIT, NULL, 0);
        patient_set(m, id, PS_WAIT_ASSESSOR);
        flow__resource_wait(m, a, id);
    }
}

static void on_assessed(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    uint32_t id = (uint32_t)arg;
    flow__resource_release(m, m->groups[m->patients[id].group].assessors, id);
    model_trace(m, id, FLOW_TRACE_ASSESSMENT_END, NULL, 0);
    if (spec_of(m, id)->model == FLOW_DISCHARGE_TO_ASSESS) {
        patient_set(m, id, PS_SERVICE);
        start_service_stay(m, id);       /* assessed in the service: now the stay */
    } else {
        request_service(m, id);          /* assessed in the bed: now wait for a place */
    }
}

/* ---- medically fit -------------------------------------------------------------------- */

static void on_pathway0_leave(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    leave_hospital(m, (uint32_t)arg);
    flow__patient_free(m, (uint32_t)arg, false);
}

static uint8_t choose_pathway(const struct flow_discharge_spec *d, gsl_rng *r)
{
    double u = gsl_rng_uniform(r), run = 0;
    uint8_t last = 0;
    for (uint8_t k = 0; k < 4; k++) {
        if (d->pathways[k].share <= 0)
            continue;
        run += d->pathways[k].share;
        last = k;
        if (u < run)
            return k;
    }
    return last;                          /* shares summing to 1 - rounding */
}

void flow__discharge_fit(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    struct group *g = &m->groups[p->group];
    const struct flow_discharge_spec *d = &g->spec->discharge;
    double t = now(m);
    p->fit = t;
    model_trace(m, id, FLOW_TRACE_FIT, NULL, 0);
    patient_set(m, id, PS_FIT);
    flow_level_set(&m->delayed, t, m->delayed.value + 1);
    p->pathway = choose_pathway(d, g->pathway_rng);
    if (p->pathway == 0) {
        double delay = flow_dist_sample(&d->pathways[0].delay, g->delay_rng);
        flow_engine_schedule(m->engine, t + delay, PRIO_DISCHARGE, on_pathway0_leave, m, id);
    } else if (d->model == FLOW_ASSESS_IN_HOSPITAL) {
        request_assessment(m, id);
    } else {
        request_service(m, id);
    }
}

/* ---- lifetime ------------------------------------------------------------------------- */

static gsl_rng *stream(const char *kind, const char *name, const char *what, uint64_t seed,
                       uint32_t rep)
{
    char buf[FLOW_MAX_NAME + 64];
    snprintf(buf, sizeof buf, "%s/%s/%s", kind, name, what);
    return flow_stream_create(seed, rep, buf);
}

void flow__discharge_create(struct flow_model *m, uint64_t seed, uint32_t rep)
{
    const struct flow_scenario *s = m->sc;
    m->services = flow_xcalloc(s->ncommunity ? s->ncommunity : 1, sizeof *m->services);
    for (size_t i = 0; i < s->ncommunity; i++) {
        struct service *sv = &m->services[i];
        int cap = s->community[i].capacity;
        sv->spec = &s->community[i];
        sv->stay_rng = stream("community", sv->spec->name, "stay", seed, rep);
        flow__resource_init(&sv->places, cap > 0 ? cap : RESOURCE_UNLIMITED, s->ngroups, enter_service,
                      (uint32_t)i);
        flow__queue_init(&sv->visit_queue, NULL);
        if (sv->spec->visits_per_day > 0)
            sv->visits_rng = stream("community", sv->spec->name, "visits", seed, rep);
    }
    m->pools = flow_xcalloc(s->ngroups + 1, sizeof *m->pools);
    for (size_t k = 0; k <= s->ngroups; k++)
        flow__resource_init(&m->pools[k], RESOURCE_UNLIMITED, 0, start_assessment, (uint32_t)k);
    m->npools = 1;
    for (size_t g = 0; g < s->ngroups; g++) {
        struct group *grp = &m->groups[g];
        const struct flow_discharge_spec *d = &s->groups[g].discharge;
        if (!d->enabled)
            continue;
        m->discharge = true;
        grp->assessors = d->own_assessors ? &m->pools[m->npools++] : &m->pools[0];
        grp->assessors->capacity = d->assessment_capacity > 0 ? d->assessment_capacity
                                                               : RESOURCE_UNLIMITED;
        grp->pathway_rng = stream("group", s->groups[g].name, "pathway", seed, rep);
        grp->delay_rng = stream("group", s->groups[g].name, "pathway0_delay", seed, rep);
        grp->assessment_rng = stream("group", s->groups[g].name, "assessment", seed, rep);
        grp->readmit_rng = stream("group", s->groups[g].name, "readmission", seed, rep);
    }
}

void flow__discharge_destroy(struct flow_model *m)
{
    for (size_t i = 0; m->services && i < m->sc->ncommunity; i++) {
        gsl_rng_free(m->services[i].stay_rng);
        if (m->services[i].visits_rng)
            gsl_rng_free(m->services[i].visits_rng);
        flow__resource_fini(&m->services[i].places);
    }
    for (size_t k = 0; m->pools && k <= m->sc->ngroups; k++)
        flow__resource_fini(&m->pools[k]);
    for (size_t g = 0; m->groups && g < m->sc->ngroups; g++) {
        struct group *grp = &m->groups[g];
        if (grp->pathway_rng == NULL)
            continue;
        gsl_rng_free(grp->pathway_rng);
        gsl_rng_free(grp->delay_rng);
        gsl_rng_free(grp->assessment_rng);
        gsl_rng_free(grp->readmit_rng);
    }
    free(m->services);
    free(m->pools);
}

void flow__discharge_mark(struct flow_model *m, double t)
{
    flow_level_mark(&m->delayed, t);
    for (size_t i = 0; i < m->sc->ncommunity; i++) {
        flow__resource_mark(&m->services[i].places, t);
        flow_level_mark(&m->services[i].used_level, t);
        flow_level_mark(&m->services[i].unmet_level, t);
        flow_level_mark(&m->services[i].visit_waiting, t);
    }
    for (size_t k = 0; k < m->npools; k++)
        flow__resource_mark(&m->pools[k], t);
}
