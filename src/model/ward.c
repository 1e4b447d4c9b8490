/* ward.c - ward beds: a resource per ward, admission (directly or from the ward's queue),
 * blocking (a patient waiting for the next ward keeps the bed it holds), diversion, bed
 * numbers for traces, and leaving hospital. */
#include "internal.h"

#include <flowsim/util.h>

#include <assert.h>
#include <math.h>
#include <stdlib.h>

static void set_blocked(struct flow_model *m, struct ward *w, int delta)
{
    w->blocked += delta;
    flow_level_set(&w->blocked_level, model_now(m), w->blocked);
}

/* Bed numbers, kept only when tracing (for animations of who is in which bed). */
static void bed_number_free(struct flow_model *m, struct ward *w, uint32_t id)
{
    struct patient *p = &m->patients[id];
    model_trace(m, id, FLOW_TRACE_BED_END, w->spec->name, p->bed);
    if (w->free_beds && p->bed > 0)
        w->free_beds[w->nfree++] = p->bed;
    p->bed = 0;
}

static void bed_number_take(struct flow_model *m, struct ward *w, uint32_t id)
{
    struct patient *p = &m->patients[id];
    p->bed = w->free_beds && w->nfree > 0 ? w->free_beds[--w->nfree] : 0;
    model_trace(m, id, FLOW_TRACE_BED, w->spec->name, p->bed);
}

static void release_bed(struct flow_model *m, uint32_t ward, uint32_t id)
{
    struct ward *w = &m->wards[ward];
    if (m->time_targets)
        flow__frontdoor_left_ward(m, id, ward);
    if (m->patients[id].outlier)
        flow__frontdoor_end_outlier(m, id);
    if (m->trace)
        bed_number_free(m, w, id);
    if (w->rounds)
        flow__round_departure(m, w);
    flow__resource_release(m, &w->beds, id);
}

/* The patient has just taken a place in `ward`: it moves in, freeing the bed it held (which
 * it may have been blocking). */
static void move_in(struct flow_model *m, uint32_t id, uint32_t ward)
{
    struct patient *p = &m->patients[id];
    uint32_t previous = p->ward;
    if (m->sc->priorities) {          /* groups' waits are reported only then */
        struct group_tally *g = &m->groups[p->group].period;
        g->admissions++;
        g->bed_wait_sum += model_now(m) - p->requested;
    }
    if (p->first_bed < 0) {
        p->first_bed = model_now(m);
        if (m->wait_targets)
            flow__frontdoor_first_bed(m, id, true);
    }
    if (previous != NONE) {
        if (p->state == PS_BLOCKED)
            set_blocked(m, &m->wards[previous], -1);
        release_bed(m, previous, id);
    }
    p->ward = ward;
    p->joined = p->requested;
    if (m->trace)
        bed_number_take(m, &m->wards[ward], id);
}

/* Moves the patient into the bed it has just taken and hands it back to the route (its stay,
 * or theatre for a case waiting for the bed). Also the grant function of every ward: a waiting
 * patient has been given a bed. */
static void admit(struct flow_model *m, uint32_t id, uint32_t ward)
{
    move_in(m, id, ward);
    m->moves->bed_granted(m, id);
}

/* A full ward's patient takes a free bed in `host` for the stay it came for (outlying). */
static void admit_outlier(struct flow_model *m, uint32_t id, uint32_t ward, uint32_t host)
{
    struct resource *beds = &m->wards[host].beds;
    m->wards[ward].period.outlied++;
    model_trace(m, id, FLOW_TRACE_OUTLIE, m->wards[host].spec->name, 0);
    flow__resource_request(m, beds, id);
    flow__resource_take(m, beds, id);
    move_in(m, id, host);
    flow__frontdoor_start_outlier(m, id);
    m->moves->bed_granted(m, id);
}

/* arg: the patient's record and the low 32 bits of its serial (the record may have been
 * reused by then). A patient still waiting at the front door gives up and leaves. */
static void on_renege(struct flow_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    struct flow_model *m = ctx;
    uint32_t id = (uint32_t)arg;
    struct patient *p = &m->patients[id];
    if (p->state != PS_WAIT_BED || (uint32_t)p->serial != (uint32_t)(arg >> 32))
        return;
    struct ward *w = &m->wards[m->groups[p->group].spec->steps[p->step].ward];
    flow__resource_withdraw(m, &w->beds, id);
    w->period.reneged++;
    model_trace(m, id, FLOW_TRACE_RENEGE, w->spec->name, 0);
    flow__frontdoor_first_bed(m, id, false);
    flow__ward_leave_hospital(m, id);
    flow__patient_free(m, id, true);
}

/* The patient has joined the queue of `ward`, which has patience: it gives up when its
 * patience (frontdoor.c) runs out before a bed comes. */
static void start_patience(struct flow_model *m, uint32_t id, uint32_t ward)
{
    double patience = flow__frontdoor_patience(m, ward);
    flow_engine_schedule(m->engine, model_now(m) + patience, PRIO_STAY_END, on_renege, m,
                         (uint64_t)id | (uint64_t)(uint32_t)m->patients[id].serial << 32);
}

static void divert(struct flow_model *m, uint32_t id, struct ward *w)
{
    flow__resource_lose(&w->beds);
    model_trace(m, id, FLOW_TRACE_DIVERT, w->spec->name, 0);
    if (m->patients[id].first_bed < 0)
        flow__frontdoor_first_bed(m, id, false);
    flow__ward_leave_hospital(m, id);
    flow__patient_free(m, id, true);
}

void flow__ward_request(struct flow_model *m, uint32_t id, uint32_t ward)
{
    struct patient *p = &m->patients[id];
    struct ward *w = &m->wards[ward];
    uint32_t host;
    if (flow__resource_request(m, &w->beds, id)) {
        flow__resource_take(m, &w->beds, id);
        admit(m, id, ward);
    } else if (w->spec->when_full == FLOW_WHEN_FULL_DIVERT) {
        divert(m, id, w);
    } else if (w->spec->when_full == FLOW_WHEN_FULL_OUTLIE &&
               (host = flow__frontdoor_host(m, id, ward)) != NONE) {
        admit_outlier(m, id, ward, host);
    } else {
        model_trace(m, id, FLOW_TRACE_WAIT_BED, w->spec->name, 0);
        flow__resource_wait(m, &w->beds, id);
        if (p->ward != NONE) {
            patient_set(m, id, PS_BLOCKED);
            set_blocked(m, &m->wards[p->ward], +1);
        } else {
            patient_set(m, id, PS_WAIT_BED);
            if (w->patience_rng)
                start_patience(m, id, ward);
        }
    }
}

void flow__ward_request_waiting(struct flow_model *m, uint32_t id, uint32_t ward)
{
    struct ward *w = &m->wards[ward];
    if (flow__resource_request(m, &w->beds, id)) {
        flow__resource_take(m, &w->beds, id);
        admit(m, id, ward);
        return;
    }
    model_trace(m, id, FLOW_TRACE_WAIT_BED, w->spec->name, 0);
    flow__resource_wait(m, &w->beds, id);
    patient_set(m, id, PS_WAIT_BED);
}

void flow__ward_admit_now(struct flow_model *m, uint32_t id, uint32_t ward)
{
    struct resource *beds = &m->wards[ward].beds;
    bool free_now = flow__resource_request(m, beds, id);
    (void)free_now;
    assert(free_now);
    flow__resource_take(m, beds, id);
    move_in(m, id, ward);
}

void flow__ward_give_back(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    release_bed(m, p->ward, id);
    p->ward = NONE;
    if (m->wait_targets)
        flow__frontdoor_first_bed_undo(m, id);
    p->first_bed = -1;              /* it goes home: its stay in hospital starts again later */
}

void flow__ward_leave_hospital(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    struct group *g = &m->groups[p->group];
    if (p->ward != NONE)
        release_bed(m, p->ward, id);
    p->ward = NONE;
    model_trace(m, id, FLOW_TRACE_LEAVE, NULL, 0);
    if (p->first_bed >= 0) {
        double t = model_now(m), los = t - p->first_bed;
        m->period.departures++;
        g->period.departures++;
        g->period.los_sum += los;
        flow_hist_add(&m->los_hist, los);
        /* Calendar days: times are >= 0 and under 2^63, so truncation is floor (and avoids a
         * library call per patient). */
        m->period.same_or_next_day += (int64_t)t - (int64_t)p->first_bed <= 1;
    }
}

/* ---- lifetime ------------------------------------------------------------------------- */

void flow__wards_create(struct flow_model *m)
{
    const struct flow_scenario *s = m->sc;
    m->wards = flow_xcalloc(s->nwards, sizeof *m->wards);
    for (size_t i = 0; i < s->nwards; i++) {
        m->wards[i].spec = &s->wards[i];
        flow__resource_init(&m->wards[i].beds, s->wards[i].beds, s->ngroups, admit, (uint32_t)i);
    }
}

void flow__wards_destroy(struct flow_model *m)
{
    for (size_t i = 0; m->wards && i < m->sc->nwards; i++) {
        flow__resource_fini(&m->wards[i].beds);
        free(m->wards[i].hourly);
        free(m->wards[i].hourly_beds);
        free(m->wards[i].free_beds);
    }
    free(m->wards);
}

void flow__wards_mark(struct flow_model *m, double t)
{
    for (size_t i = 0; i < m->sc->nwards; i++) {
        struct ward *w = &m->wards[i];
        flow__resource_mark(&w->beds, t);
        flow_level_mark(&w->blocked_level, t);
        flow_level_mark(&w->ready_level, t);
        w->period = (struct ward_tally){0};
    }
}
