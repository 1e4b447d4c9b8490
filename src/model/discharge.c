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

enum { PRIO_DISCHARGE = 0 };

static double now(const struct flow_model *m) { return model_now(m); }

static const struct flow_discharge_spec *spec_of(const struct flow_model *m, uint32_t id)
{
    return &m->groups[m->patients[id].group].spec->discharge;
}

/* ---- FIFO queues through the patient records ----------------------------------------- */

static void push(struct flow_model *m, uint32_t *head, uint32_t *tail, size_t *len, uint32_t id)
{
    m->patients[id].next = NONE;
    if ((*len)++ == 0)
        *head = id;
    else
        m->patients[*tail].next = id;
    *tail = id;
}

static uint32_t pop(struct flow_model *m, uint32_t *head, size_t *len)
{
    uint32_t id = *head;
    *head = m->patients[id].next;
    (*len)--;
    return id;
}

/* ---- leaving hospital ----------------------------------------------------------------- */

static void on_readmit(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    m->pathways[arg >> 32].readmissions++;
    model_arrive(m, (uint32_t)arg);
    model_drain(m);
}

/* Records the fit patient's departure from hospital and draws its readmission. */
static void leave_hospital(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    struct group *g = &m->groups[p->group];
    const struct flow_pathway_spec *pw = &g->spec->discharge.pathways[p->pathway];
    double t = now(m), waited = t - p->fit;
    flow_level_set(&m->delayed, t, m->delayed.value - 1);
    m->fit_left++;
    m->fit_to_leave += waited;
    m->pathways[p->pathway].left++;
    m->pathways[p->pathway].fit_to_leave += waited;
    model_leave_hospital(m, id);
    if (pw->readmit_p > 0 && gsl_rng_uniform(g->readmit_rng) < pw->readmit_p) {
        double after = flow_dist_sample(&pw->readmit_after, g->readmit_rng);
        flow_engine_schedule(m->engine, t + after, PRIO_DISCHARGE, on_readmit, m,
                             ((uint64_t)p->pathway << 32) | (uint32_t)pw->readmit_group);
    }
}

/* ---- community services --------------------------------------------------------------- */

static void set_places(struct flow_model *m, struct service *s, uint32_t group, int delta)
{
    double t = now(m);
    s->occupied += delta;
    flow_level_set(&s->occ, t, s->occupied);
    flow_level_set(&s->by_group[group], t, s->by_group[group].value + delta);
}

static void on_service_end(struct flow_engine *e, void *ctx, uint64_t arg);
static void request_assessment(struct flow_model *m, uint32_t id);

static void start_service_stay(struct flow_model *m, uint32_t id)
{
    struct service *s = &m->services[spec_of(m, id)->pathways[m->patients[id].pathway].service];
    double stay = flow_dist_sample(&s->spec->stay, s->stay_rng);
    flow_engine_schedule(m->engine, now(m) + stay, PRIO_DISCHARGE, on_service_end, m, id);
}

/* The patient takes a place: it leaves hospital for it. */
static void enter_service(struct flow_model *m, struct service *s, uint32_t id)
{
    struct patient *p = &m->patients[id];
    s->entries++;
    s->wait_sum += now(m) - p->requested;
    model_trace(m, id, FLOW_TRACE_SERVICE_START, s->spec->name, 0);
    set_places(m, s, p->group, +1);
    leave_hospital(m, id);
    if (spec_of(m, id)->model == FLOW_DISCHARGE_TO_ASSESS)
        request_assessment(m, id);
    else
        start_service_stay(m, id);
}

static void request_service(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    struct service *s = &m->services[spec_of(m, id)->pathways[p->pathway].service];
    p->requested = now(m);
    if (s->qlen == 0 && (s->spec->capacity == 0 || s->occupied < s->spec->capacity)) {
        enter_service(m, s, id);
        return;
    }
    model_trace(m, id, FLOW_TRACE_SERVICE_WAIT, s->spec->name, 0);
    push(m, &s->qhead, &s->qtail, &s->qlen, id);
    flow_level_set(&s->queue, now(m), (double)s->qlen);
}

static void on_service_end(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    uint32_t id = (uint32_t)arg;
    struct service *s = &m->services[spec_of(m, id)->pathways[m->patients[id].pathway].service];
    set_places(m, s, m->patients[id].group, -1);
    model_trace(m, id, FLOW_TRACE_SERVICE_END, s->spec->name, 0);
    model_patient_free(m, id);
    while (s->qlen > 0 && (s->spec->capacity == 0 || s->occupied < s->spec->capacity)) {
        uint32_t next = pop(m, &s->qhead, &s->qlen);
        flow_level_set(&s->queue, now(m), (double)s->qlen);
        enter_service(m, s, next);
    }
    model_drain(m);
}

/* ---- assessment ----------------------------------------------------------------------- */

static void on_assessed(struct flow_engine *e, void *ctx, uint64_t arg);

static void start_assessment(struct flow_model *m, uint32_t id)
{
    struct group *g = &m->groups[m->patients[id].group];
    const struct flow_discharge_spec *d = &g->spec->discharge;
    g->assessors->busy++;
    model_trace(m, id, FLOW_TRACE_ASSESSMENT_START, NULL, 0);
    if (d->model == FLOW_DISCHARGE_TO_ASSESS)
        g->community_assessment_cost += d->cost_per_assessment;
    else
        g->hospital_assessment_cost += d->cost_per_assessment;
    double time = flow_dist_sample(&d->assessment, g->assessment_rng);
    flow_engine_schedule(m->engine, now(m) + time, PRIO_DISCHARGE, on_assessed, m, id);
}

static void request_assessment(struct flow_model *m, uint32_t id)
{
    struct assessors *a = m->groups[m->patients[id].group].assessors;
    if (a->qlen == 0 && (a->capacity == 0 || a->busy < a->capacity)) {
        start_assessment(m, id);
    } else {
        model_trace(m, id, FLOW_TRACE_ASSESSMENT_WAIT, NULL, 0);
        push(m, &a->qhead, &a->qtail, &a->qlen, id);
    }
}

static void on_assessed(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    uint32_t id = (uint32_t)arg;
    struct assessors *a = m->groups[m->patients[id].group].assessors;
    a->busy--;
    model_trace(m, id, FLOW_TRACE_ASSESSMENT_END, NULL, 0);
    while (a->qlen > 0 && (a->capacity == 0 || a->busy < a->capacity))
        start_assessment(m, pop(m, &a->qhead, &a->qlen));
    if (spec_of(m, id)->model == FLOW_DISCHARGE_TO_ASSESS)
        start_service_stay(m, id);       /* assessed in the service: now the stay */
    else
        request_service(m, id);          /* assessed in the bed: now wait for a place */
    model_drain(m);
}

/* ---- medically fit -------------------------------------------------------------------- */

static void on_pathway0_leave(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    leave_hospital(m, (uint32_t)arg);
    model_patient_free(m, (uint32_t)arg);
    model_drain(m);
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

void discharge_fit(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    struct group *g = &m->groups[p->group];
    const struct flow_discharge_spec *d = &g->spec->discharge;
    double t = now(m);
    p->fit = t;
    model_trace(m, id, FLOW_TRACE_FIT, NULL, 0);
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

void discharge_create(struct flow_model *m, uint64_t seed, uint32_t rep)
{
    const struct flow_scenario *s = m->sc;
    m->services = flow_xcalloc(s->ncommunity ? s->ncommunity : 1, sizeof *m->services);
    for (size_t i = 0; i < s->ncommunity; i++) {
        struct service *sv = &m->services[i];
        sv->spec = &s->community[i];
        sv->stay_rng = stream("community", sv->spec->name, "stay", seed, rep);
        sv->by_group = flow_xcalloc(s->ngroups, sizeof *sv->by_group);
    }
    m->pools = flow_xcalloc(s->ngroups + 1, sizeof *m->pools);
    size_t npools = 1;
    for (size_t g = 0; g < s->ngroups; g++) {
        struct group *grp = &m->groups[g];
        const struct flow_discharge_spec *d = &s->groups[g].discharge;
        if (!d->enabled)
            continue;
        m->discharge = true;
        grp->assessors = d->own_assessors ? &m->pools[npools++] : &m->pools[0];
        grp->assessors->capacity = d->assessment_capacity;
        grp->pathway_rng = stream("group", s->groups[g].name, "pathway", seed, rep);
        grp->delay_rng = stream("group", s->groups[g].name, "pathway0_delay", seed, rep);
        grp->assessment_rng = stream("group", s->groups[g].name, "assessment", seed, rep);
        grp->readmit_rng = stream("group", s->groups[g].name, "readmission", seed, rep);
    }
}

void discharge_destroy(struct flow_model *m)
{
    for (size_t i = 0; m->services && i < m->sc->ncommunity; i++) {
        gsl_rng_free(m->services[i].stay_rng);
        free(m->services[i].by_group);
    }
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

void discharge_reset(struct flow_model *m, double t)
{
    flow_level_reset(&m->delayed, t);
    for (int k = 0; k < 4; k++)
        m->pathways[k] = (struct pathway_stats){0};
    m->fit_left = 0;
    m->fit_to_leave = 0;
    for (size_t i = 0; i < m->sc->ncommunity; i++) {
        struct service *sv = &m->services[i];
        flow_level_reset(&sv->occ, t);
        flow_level_reset(&sv->queue, t);
        for (size_t g = 0; g < m->sc->ngroups; g++)
            flow_level_reset(&sv->by_group[g], t);
        sv->entries = 0;
        sv->wait_sum = 0;
    }
    for (size_t g = 0; g < m->sc->ngroups; g++)
        m->groups[g].hospital_assessment_cost = m->groups[g].community_assessment_cost = 0;
}
