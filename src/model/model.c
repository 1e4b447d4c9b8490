/* model.c - the patient-flow model over the engine: arrivals, bed requests, admissions,
 * blocking, diversion and departures. Event handlers read state, decide, change state,
 * schedule what follows, and record statistics, in that order.
 *
 * Patients live in one pooled array addressed by index (so growing it never leaves a dangling
 * pointer in the event list); waiting patients are linked through the same records, so
 * queues allocate nothing. */
#include "internal.h"

#include <flowsim/error.h>
#include <flowsim/random.h>
#include <flowsim/util.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The daily recorder (FLOW_PRIORITY_MIN) closes a day before the warm-up reset opens the
 * measured period at the same instant. */
enum { PRIO_DAILY = FLOW_PRIORITY_MIN, PRIO_WARMUP = FLOW_PRIORITY_MIN + 1, PRIO_STAY_END = 0,
       PRIO_ARRIVAL = 1 };

/* ---- patient pool --------------------------------------------------------------------- */

static double now(const struct flow_model *m) { return flow_engine_now(m->engine); }
double model_now(const struct flow_model *m) { return now(m); }

uint32_t model_patient_new(struct flow_model *m, uint32_t group)
{
    uint32_t id;
    if (m->free_patient != NONE) {
        id = m->free_patient;
        m->free_patient = m->patients[id].next;
    } else {
        flow_xgrow((void **)&m->patients, &m->cap_patients, m->npatients + 1, sizeof *m->patients);
        id = (uint32_t)m->npatients++;
    }
    m->live++;
    m->patients[id] = (struct patient){.group = group, .ward = NONE, .next = NONE, .first_bed = -1,
                                       .fit = -1, .referred = now(m), .serial = ++m->serials};
    return id;
}

void model_patient_free(struct flow_model *m, uint32_t id)
{
    m->patients[id].next = m->free_patient;
    m->free_patient = id;
    m->live--;
}

/* ---- beds ----------------------------------------------------------------------------- */

static void set_occupied(struct flow_model *m, struct ward *w, uint32_t group, int delta)
{
    double t = now(m);
    int beds = w->spec->beds;
    bool was_full = w->occupied >= beds;
    w->occupied += delta;
    flow_level_set(&w->occ, t, w->occupied);
    if (was_full != (w->occupied >= beds))
        flow_level_set(&w->full, t, !was_full);
    struct flow_level *g = &w->by_group[group];
    flow_level_set(g, t, g->value + delta);
}

static void set_blocked(struct flow_model *m, struct ward *w, int delta)
{
    w->blocked += delta;
    flow_level_set(&w->blocked_level, now(m), w->blocked);
}

/* Frees a bed and remembers to offer it to the ward's queue once the current event is done. */
/* Bed numbers, kept only when tracing (for animations of who is in which bed). */
static void bed_release_number(struct flow_model *m, struct ward *w, uint32_t id)
{
    struct patient *p = &m->patients[id];
    model_trace(m, id, FLOW_TRACE_BED_END, w->spec->name, p->bed);
    if (w->free_beds && p->bed > 0)
        w->free_beds[w->nfree++] = p->bed;
    p->bed = 0;
}

static void bed_take_number(struct flow_model *m, struct ward *w, uint32_t id)
{
    struct patient *p = &m->patients[id];
    p->bed = w->free_beds && w->nfree > 0 ? w->free_beds[--w->nfree] : 0;
    model_trace(m, id, FLOW_TRACE_BED, w->spec->name, p->bed);
}

static void release_bed(struct flow_model *m, uint32_t ward, uint32_t id)
{
    struct ward *w = &m->wards[ward];
    uint32_t group = m->patients[id].group;
    if (m->trace)
        bed_release_number(m, w, id);
    set_occupied(m, w, group, -1);
    if (w->qlen > 0 && !w->queued_for_drain) {
        w->queued_for_drain = true;
        m->drain[m->ndrain++] = ward;
    }
}

static void on_stay_end(struct flow_engine *e, void *ctx, uint64_t arg);

void model_start_stay(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    struct group *g = &m->groups[p->group];
    double stay = flow_dist_sample(&g->spec->steps[p->step].stay, g->stay_rng[p->step]);
    flow_engine_schedule(m->engine, now(m) + stay, PRIO_STAY_END, on_stay_end, m, id);
}

/* Gives the patient a bed in `ward` (freeing the one it held), counting the admission and its
 * wait since the request. */
void model_take_bed(struct flow_model *m, uint32_t id, uint32_t ward)
{
    struct patient *p = &m->patients[id];
    struct ward *w = &m->wards[ward];
    double wait = now(m) - p->requested;
    uint32_t previous = p->ward;
    set_occupied(m, w, p->group, +1);
    p->ward = ward;
    if (p->first_bed < 0)
        p->first_bed = now(m);
    if (previous != NONE) {            /* the bed it held (and perhaps blocked) is free now */
        if (p->blocking)
            set_blocked(m, &m->wards[previous], -1);
        p->blocking = false;
        release_bed(m, previous, id);
    }
    if (m->trace)
        bed_take_number(m, w, id);
    w->admissions++;
    w->waited += wait > 0;
    w->wait_sum += wait;
    if (w->wait_hist)
        flow_hist_add(w->wait_hist, wait * 24);
}

static void admit(struct flow_model *m, uint32_t id, uint32_t ward)
{
    model_take_bed(m, id, ward);
    model_start_stay(m, id);
}

static void enqueue(struct flow_model *m, struct ward *w, uint32_t id)
{
    m->patients[id].next = NONE;
    if (w->qlen++ == 0)
        w->qhead = id;
    else
        m->patients[w->qtail].next = id;
    w->qtail = id;
    if (m->daily)                      /* only the daily series read the queue's level */
        flow_level_set(&w->queue_level, now(m), (double)w->qlen);
}

static uint32_t dequeue(struct flow_model *m, struct ward *w)
{
    uint32_t id = w->qhead;
    w->qhead = m->patients[id].next;
    w->qlen--;
    if (m->daily)
        flow_level_set(&w->queue_level, now(m), (double)w->qlen);
    return id;
}

/* Offers freed beds to waiting patients; admitting a blocked patient frees a bed elsewhere,
 * which joins the list, so a chain of transfers resolves within one event. */
void model_drain(struct flow_model *m)
{
    while (m->ndrain > 0) {
        uint32_t ward = m->drain[--m->ndrain];
        struct ward *w = &m->wards[ward];
        w->queued_for_drain = false;
        while (w->qlen > 0 && w->occupied < w->spec->beds)
            admit(m, dequeue(m, w), ward);
    }
}

/* ---- leaving -------------------------------------------------------------------------- */

void model_leave_hospital(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    struct group *g = &m->groups[p->group];
    if (p->ward != NONE)
        release_bed(m, p->ward, id);
    p->ward = NONE;
    model_trace(m, id, FLOW_TRACE_LEAVE, NULL, 0);
    if (p->first_bed >= 0) {
        double t = now(m), los = t - p->first_bed;
        m->departures++;
        g->departures++;
        g->los_sum += los;
        flow_hist_add(&m->los_hist, los);
        m->same_or_next_day += floor(t) - floor(p->first_bed) <= 1;
    }
}

void model_leave(struct flow_model *m, uint32_t id)
{
    model_leave_hospital(m, id);
    model_patient_free(m, id);
}

static void request_bed(struct flow_model *m, uint32_t id, uint32_t ward)
{
    struct patient *p = &m->patients[id];
    struct ward *w = &m->wards[ward];
    w->arrivals++;
    p->requested = now(m);
    if (w->qlen == 0 && w->occupied < w->spec->beds) {
        admit(m, id, ward);
    } else if (w->spec->when_full == FLOW_WHEN_FULL_DIVERT) {
        w->diverted++;
        model_trace(m, id, FLOW_TRACE_DIVERT, w->spec->name, 0);
        model_leave(m, id);
    } else {
        model_trace(m, id, FLOW_TRACE_WAIT_BED, w->spec->name, 0);
        enqueue(m, w, id);
        if (p->ward != NONE) {
            p->blocking = true;
            set_blocked(m, &m->wards[p->ward], +1);
        }
    }
}

/* The first route step from `from` on that is taken (each with its probability p), or nsteps
 * when none is. */
uint32_t model_next_step(struct flow_model *m, uint32_t id, uint32_t from)
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
    uint32_t k = model_next_step(m, id, from);
    if (k >= s->nsteps) {
        if (s->discharge.enabled && p->ward != NONE)
            discharge_fit(m, id);
        else
            model_leave(m, id);
        return;
    }
    p->step = k;
    uint32_t ward = (uint32_t)s->steps[k].ward;
    if (ward == p->ward)               /* the next stay is in the same ward: keep the bed */
        model_start_stay(m, id);
    else
        request_bed(m, id, ward);
}

/* ---- events --------------------------------------------------------------------------- */

static void on_stay_end(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    uint32_t id = (uint32_t)arg;
    advance(m, id, m->patients[id].step + 1);
    model_drain(m);
}

static void on_arrival(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    struct group *g = &m->groups[arg];
    double next = arrivals_next(g, g->arrivals_rng, now(m));
    if (isfinite(next))
        flow_engine_schedule(e, next, PRIO_ARRIVAL, on_arrival, m, arg);
    if (m->live >= FLOW_MAX_LIVE_PATIENTS) {
        m->status = FLOW_E_OVERLOAD;
        flow_engine_stop(e);
        return;
    }
    g->arrivals++;
    uint32_t id = model_patient_new(m, (uint32_t)arg);
    model_trace(m, id, g->spec->elective ? FLOW_TRACE_REFERRAL : FLOW_TRACE_ARRIVAL, NULL, 0);
    if (g->spec->elective)
        elective_referral(m, id);
    else
        advance(m, id, 0);
    model_drain(m);
}

/* An arrival that is not part of the group's own arrival process (a readmission). */
void model_arrive(struct flow_model *m, uint32_t group)
{
    m->groups[group].arrivals++;
    uint32_t id = model_patient_new(m, group);
    model_trace(m, id, FLOW_TRACE_READMISSION, NULL, 0);
    advance(m, id, 0);
}

/* End of warm-up: every statistic starts again from here. */
static void on_warmup(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    double t = now(m);
    m->start = t;
    m->departures = 0;
    flow_hist_reset(&m->los_hist);
    m->same_or_next_day = 0;
    for (size_t i = 0; i < m->sc->nwards; i++) {
        struct ward *w = &m->wards[i];
        flow_level_reset(&w->occ, t);
        flow_level_reset(&w->full, t);
        flow_level_reset(&w->blocked_level, t);
        flow_level_reset(&w->queue_level, t);
        for (size_t g = 0; g < m->sc->ngroups; g++)
            flow_level_reset(&w->by_group[g], t);
        w->arrivals = w->admissions = w->waited = w->diverted = 0;
        w->wait_sum = 0;
        w->midnight_sum = 0;
        if (w->hourly)
            memset(w->hourly, 0, 168 * sizeof *w->hourly);
        if (w->wait_hist)
            flow_hist_reset(w->wait_hist);
    }
    theatres_reset(m, t);
    m->midnights = 0;
    memset(m->hour_samples, 0, sizeof m->hour_samples);
    discharge_reset(m, t);
    for (size_t g = 0; g < m->sc->ngroups; g++) {
        m->groups[g].arrivals = m->groups[g].departures = 0;
        m->groups[g].los_sum = 0;
    }
}

/* ---- lifetime ------------------------------------------------------------------------- */

static void group_init(struct group *g, const struct flow_group_spec *s, uint64_t seed,
                       uint32_t rep)
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
    arrivals_setup(g);
}

static void group_fini(struct group *g)
{
    gsl_rng_free(g->arrivals_rng);
    gsl_rng_free(g->route_rng);
    for (size_t k = 0; g->stay_rng && k < g->spec->nsteps; k++)
        gsl_rng_free(g->stay_rng[k]);
    free(g->stay_rng);
}

struct flow_model *flow_model_create(const struct flow_scenario *s, uint32_t replication)
{
    struct flow_model *m = flow_xcalloc(1, sizeof *m);
    m->sc = s;
    m->engine = flow_engine_create();
    m->free_patient = NONE;
    m->wards = flow_xcalloc(s->nwards, sizeof *m->wards);
    m->drain = flow_xcalloc(s->nwards, sizeof *m->drain);
    for (size_t i = 0; i < s->nwards; i++) {
        m->wards[i].spec = &s->wards[i];
        m->wards[i].by_group = flow_xcalloc(s->ngroups, sizeof *m->wards[i].by_group);
    }
    m->groups = flow_xcalloc(s->ngroups, sizeof *m->groups);
    for (size_t g = 0; g < s->ngroups; g++)
        group_init(&m->groups[g], &s->groups[g], s->seed, replication);
    theatres_create(m, s->seed, replication);
    discharge_create(m, s->seed, replication);
    flow_hist_init(&m->los_hist);
    return m;
}

void flow_model_destroy(struct flow_model *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->sc->nwards; i++) {
        free(m->wards[i].by_group);
        free(m->wards[i].hourly);
        free(m->wards[i].free_beds);
        flow_hist_fini(m->wards[i].wait_hist);
        free(m->wards[i].wait_hist);
    }
    theatres_destroy(m);
    discharge_destroy(m);
    for (size_t g = 0; g < m->sc->ngroups; g++)
        group_fini(&m->groups[g]);
    flow_hist_fini(&m->los_hist);
    free(m->wards);
    free(m->drain);
    free(m->groups);
    free(m->patients);
    free(m->daily);
    free(m->daily_prev);
    flow_engine_destroy(m->engine);
    free(m);
}

static void on_census(struct flow_engine *e, void *ctx, uint64_t arg);

int flow_model_run(struct flow_model *m)
{
    const struct flow_scenario *s = m->sc;
    flow_engine_schedule(m->engine, s->warmup_days, PRIO_WARMUP, on_warmup, m, 0);
    theatres_start(m);
    flow_engine_schedule(m->engine, 0, FLOW_PRIORITY_MAX, on_census, m, 0);
    for (size_t g = 0; g < s->ngroups; g++) {
        struct group *grp = &m->groups[g];
        double first = arrivals_next(grp, grp->arrivals_rng, 0);
        if (isfinite(first))
            flow_engine_schedule(m->engine, first, PRIO_ARRIVAL, on_arrival, m, g);
    }
    /* A day at a time, so that an interrupt (SIGINT, SIGTERM) stops a long run promptly. */
    double end = s->warmup_days + s->horizon_days;
    for (double t = 1; m->status == 0; t += 1) {
        flow_engine_run_until(m->engine, t < end ? t : end);
        if (flow_interrupted())
            m->status = FLOW_E_INTERRUPTED;
        if (t >= end || flow_engine_stopped(m->engine))
            break;
    }
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
        w->free_beds = flow_xcalloc((size_t)w->spec->beds, sizeof *w->free_beds);
        for (int b = w->spec->beds; b >= 1; b--)
            w->free_beds[w->nfree++] = b;
    }
}

/* ---- censuses ------------------------------------------------------------------------- */

/* The midnight census (how the NHS publishes occupancy), and with profiling the count at every
 * hour of the week. One event an hour when profiling, one a day otherwise. */
static void on_census(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    double t = now(m);
    if (t >= m->start) {
        long hour = (long)llround(t * 24) % 168;
        bool midnight = hour % 24 == 0;
        m->midnights += midnight;
        if (m->profiling)
            m->hour_samples[hour]++;
        for (size_t i = 0; i < m->sc->nwards; i++) {
            struct ward *w = &m->wards[i];
            if (midnight)
                w->midnight_sum += w->occupied;
            if (m->profiling)
                w->hourly[hour] += w->occupied;
        }
    }
    double next = m->profiling ? (llround(t * 24) + 1) / 24.0 : floor(t + 0.5) + 1;
    flow_engine_schedule(e, next, FLOW_PRIORITY_MAX, on_census, m, 0);
}

void flow_model_profile(struct flow_model *m)
{
    m->profiling = true;
    for (size_t i = 0; i < m->sc->nwards; i++) {
        m->wards[i].hourly = flow_xcalloc(168, sizeof *m->wards[i].hourly);
        m->wards[i].wait_hist = flow_xcalloc(1, sizeof *m->wards[i].wait_hist);
        flow_hist_init(m->wards[i].wait_hist);
    }
}

void flow_model_wait_quantiles(const struct flow_model *m, double *out)
{
    for (size_t i = 0; i < m->sc->nwards; i++)
        for (int q = 1; q <= 99; q++)
            out[i * 99 + (size_t)q - 1] = m->wards[i].wait_hist
                                             ? flow_hist_quantile(m->wards[i].wait_hist, q / 100.0) : NAN;
}

void flow_model_los_quantiles(const struct flow_model *m, double *out)
{
    for (int q = 1; q <= 99; q++)
        out[q - 1] = flow_hist_quantile(&m->los_hist, q / 100.0);
}

void flow_model_hourly(const struct flow_model *m, double *out)
{
    for (size_t i = 0; i < m->sc->nwards; i++)
        for (int h = 0; h < 168; h++)
            out[i * 168 + h] = m->hour_samples[h] ? m->wards[i].hourly[h] / (double)m->hour_samples[h] : NAN;
}

/* ---- daily series --------------------------------------------------------------------- */

static double area_at(const struct flow_level *l, double t) { return l->area + l->value * (t - l->since); }

static size_t elective_index(const struct flow_scenario *s, size_t e);

static void on_midnight(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    const struct flow_scenario *s = m->sc;
    double t = now(m);
    size_t n = flow_model_daily_count(s);
    double *row = m->daily + m->daily_done * n;
    for (size_t k = 0; k < n; k++) {
        const struct flow_level *l;
        size_t c = k - 3 * s->nwards;
        if (k < 3 * s->nwards) {
            const struct ward *w = &m->wards[k / 3];
            l = k % 3 == 0 ? &w->occ : k % 3 == 1 ? &w->queue_level : &w->blocked_level;
        } else if (c < 2 * s->ncommunity) {
            const struct service *sv = &m->services[c / 2];
            l = c % 2 == 0 ? &sv->occ : &sv->queue;
        } else {
            l = &m->groups[elective_index(s, c - 2 * s->ncommunity)].listed_level;
        }
        double a = area_at(l, t);
        /* After the warm-up reset areas restart from zero: a smaller area means it just did. */
        row[k] = a >= m->daily_prev[k] ? a - m->daily_prev[k] : a;
        m->daily_prev[k] = a;
    }
    if (++m->daily_done < m->daily_days)
        flow_engine_schedule(e, t + 1, PRIO_DAILY, on_midnight, m, 0);
}

static size_t electives(const struct flow_scenario *s)
{
    size_t n = 0;
    for (size_t g = 0; g < s->ngroups; g++)
        n += s->groups[g].elective;
    return n;
}

/* The group index of the e-th elective group. */
static size_t elective_index(const struct flow_scenario *s, size_t e)
{
    for (size_t g = 0; g < s->ngroups; g++)
        if (s->groups[g].elective && e-- == 0)
            return g;
    return 0;
}

size_t flow_model_daily_count(const struct flow_scenario *s)
{
    return 3 * s->nwards + 2 * s->ncommunity + electives(s);
}

char *flow_model_daily_name(const struct flow_scenario *s, size_t k)
{
    static const char *const ward_kind[] = {"occupied", "waiting", "blocked"};
    static const char *const service_kind[] = {"occupied", "waiting_in_hospital"};
    if (k < 3 * s->nwards)
        return flow_xasprintf("wards.%s.%s", s->wards[k / 3].name, ward_kind[k % 3]);
    k -= 3 * s->nwards;
    if (k < 2 * s->ncommunity)
        return flow_xasprintf("community.%s.%s", s->community[k / 2].name, service_kind[k % 2]);
    return flow_xasprintf("groups.%s.waiting_list", s->groups[elective_index(s, k - 2 * s->ncommunity)].name);
}

void flow_model_record_daily(struct flow_model *m, size_t days)
{
    size_t n = flow_model_daily_count(m->sc);
    free(m->daily);
    free(m->daily_prev);
    m->daily = flow_xcalloc(days * n + 1, sizeof *m->daily);
    m->daily_prev = flow_xcalloc(n + 1, sizeof *m->daily_prev);
    m->daily_days = days;
    m->daily_done = 0;
    if (days > 0)
        flow_engine_schedule(m->engine, 1, PRIO_DAILY, on_midnight, m, 0);
}

const double *flow_model_daily(const struct flow_model *m, size_t *days, size_t *series)
{
    *days = m->daily_done;
    *series = flow_model_daily_count(m->sc);
    return m->daily;
}
