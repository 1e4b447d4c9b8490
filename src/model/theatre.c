/* theatre.c - theatre lists and the elective pathway. Referrals join their group's waiting list
 * (oldest referral first). A set time before each list (book_ahead) the list is filled, oldest
 * referral first across the groups that use the theatre, with every case whose planned
 * duration still fits in length x booking_fill. On the day the list starts late by a sampled
 * time; cases run in booked order with a sampled turnaround between them. Before each case:
 *  - with overrun: cancel_remaining, a case whose planned duration would run past the list's
 *    end is cancelled, with every case after it; with overrun: finish, a case may start at any
 *    time before the list's end and runs over, and only cases not started by then are cancelled;
 *  - the patient may be unfit on the day (p_unfit_on_day);
 *  - if the route goes on to a ward, a bed must be free there now (nobody waiting for the
 *    ward and fewer patients than beds); the patient is admitted to it at once, so the bed is
 *    held through the operation. Otherwise the case is cancelled for lack of a bed.
 * Cancelled patients return to the waiting list with their original referral time, so they
 * are first in line. A case in progress always finishes. */
#include "internal.h"

#include <flowsim/random.h>
#include <flowsim/util.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* One occurrence of a theatre list, from booking to its last case. */
struct list {
    uint32_t theatre;
    double start, end;                 /* scheduled */
    double actual_start, case_start;
    uint32_t *cases;                   /* booked patients, in booking order */
    double *operating;                 /* days each operated case took, 0 if cancelled */
    size_t ncases, cap, next;
    uint32_t current;                  /* the case being operated */
    size_t current_index;              /* its place in cases */
    uint32_t operated;
    double inside;                     /* operating time inside the scheduled list */
    uint32_t link;                     /* free list, or the theatre's queue of lists */
    /* bed_patience: cases waiting for a bed, and those whose bed came (first come first) */
    uint32_t pending, held_head, held_tail;
    bool idle;                         /* booked cases done, waiting on pending or held ones */
    uint32_t generation;               /* which use of this slot an end-of-list event is for */
};

/* One weekly timetable slot: a session on one weekday. */
struct slot {
    uint32_t theatre;
    double length;
    double next_start;                 /* the next occurrence to book */
    uint64_t weeks;                    /* weeks of the cycle it runs in (0: every week) */
    int cycle;                         /* the theatre's cycle, in weeks */
};

#define EPS 1e-9                        /* days: rounding slack in "does it fit" (0.1 ms) */

static double now(const struct flow_model *m) { return model_now(m); }

static double referred(const struct flow_model *m, uint32_t id) { return m->patients[id].referred; }

/* ---- waiting lists -------------------------------------------------------------------- */

static void set_listed(struct flow_model *m, struct group *g, long delta)
{
    g->listed = (size_t)((long)g->listed + delta);
    flow_level_set(&g->listed_level, now(m), (double)g->listed);
}

/* Joins the waiting list by referral time, after any equal one: new referrals go to the tail
 * at once, returning cancelled patients near the head. */
static void list_patient(struct flow_model *m, uint32_t id)
{
    struct group *g = &m->groups[m->patients[id].group];
    flow__queue_push(m, &g->waiting_list, id);
    patient_set(m, id, PS_LISTED);
}

double flow__list_overdue(const struct flow_model *m, double referred, double after, double until)
{
    return fmax(0, until - fmax(referred + after, m->start));
}

/* A patient leaves the list (operated or removed): its time over 18 and 52 weeks is counted. */
static void unlist(struct flow_model *m, struct group *g, uint32_t id)
{
    set_listed(m, g, -1);
    if (m->sc->list_measures) {
        double referred = m->patients[id].referred;
        g->period.over_18_weeks += flow__list_overdue(m, referred, 18 * 7, now(m));
        g->period.over_52_weeks += flow__list_overdue(m, referred, 52 * 7, now(m));
    }
}

/* leave_list: arg is the patient's record and the low 32 bits of its serial. A patient still
 * on the list (not booked) leaves it, and the model. */
static void on_leave_list(struct flow_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    struct flow_model *m = ctx;
    uint32_t id = (uint32_t)arg;
    struct patient *p = &m->patients[id];
    if (p->state != PS_LISTED || (uint32_t)p->serial != (uint32_t)(arg >> 32))
        return;
    struct group *g = &m->groups[p->group];
    flow__queue_remove(m, &g->waiting_list, id);
    unlist(m, g, id);
    g->period.removals++;
    if (m->wait_targets)
        flow__frontdoor_first_bed(m, id, false);     /* never had a bed: not within any target */
    model_trace(m, id, FLOW_TRACE_LEAVE_LIST, NULL, 0);
    model_trace(m, id, FLOW_TRACE_LEAVE, NULL, 0);
    flow__patient_free(m, id, true);
}

/* The post-operative route is drawn once, at referral, and kept through cancellations: drawn
 * again at each booking, a patient cancelled for want of a bed would redraw until it drew no
 * ward, so inpatients would become day cases exactly when beds are short. */
void flow__elective_referral(struct flow_model *m, uint32_t id)
{
    struct group *g = &m->groups[m->patients[id].group];
    double age = now(m) - m->patients[id].referred;   /* > 0: on the list before the run */
    m->patients[id].post = flow__steps_draw(m, id, 1);
    list_patient(m, id);
    set_listed(m, g, +1);
    if (g->leave_rng) {
        double after = age > 0 ? flow_dist_residual(&g->spec->leave_list, age, g->leave_rng)
                               : flow_dist_sample(&g->spec->leave_list, g->leave_rng);
        flow_engine_schedule(m->engine, now(m) + after, PRIO_LIST, on_leave_list, m,
                             (uint64_t)id | (uint64_t)(uint32_t)m->patients[id].serial << 32);
    }
}

/* ---- lists ---------------------------------------------------------------------------- */

static uint32_t list_new(struct flow_model *m, uint32_t theatre, double start, double length)
{
    uint32_t id;
    if (m->free_list != NONE) {
        id = m->free_list;
        m->free_list = m->lists[id].link;
    } else {
        flow_xgrow((void **)&m->lists, &m->cap_lists, m->nlists + 1, sizeof *m->lists);
        id = (uint32_t)m->nlists++;
        m->lists[id] = (struct list){0};
    }
    struct list *l = &m->lists[id];
    l->theatre = theatre;
    l->start = start;
    l->end = start + length;
    l->ncases = l->next = 0;
    l->operated = 0;
    l->inside = 0;
    l->link = NONE;
    l->pending = 0;
    l->held_head = l->held_tail = NONE;
    l->idle = false;
    l->generation++;
    return id;
}

static void list_add_case(struct list *l, uint32_t patient)
{
    if (l->ncases == l->cap) {
        flow_xgrow((void **)&l->cases, &l->cap, l->ncases + 1, sizeof *l->cases);
        l->operating = flow_xrealloc(l->operating, l->cap * sizeof *l->operating);
    }
    l->operating[l->ncases] = 0;
    l->cases[l->ncases++] = patient;
}

static const struct flow_step_spec *first_step(const struct flow_model *m, uint32_t patient)
{
    return &m->groups[m->patients[patient].group].spec->steps[0];
}

/* Which of two groups' next patients is booked first: the better priority (when the scenario
 * gives priorities), then the nearer due date (a group without `due` after those with one),
 * then the older referral. A group's own list is in referral order, and its priority and due
 * are the same for all its patients, so its head is its first. */
static bool books_before(const struct flow_model *m, const struct group *a, const struct group *b)
{
    double ra = referred(m, a->waiting_list.head), rb = referred(m, b->waiting_list.head);
    if (m->sc->priorities && a->spec->priority != b->spec->priority)
        return a->spec->priority < b->spec->priority;
    double da = a->spec->due > 0 ? ra + a->spec->due : INFINITY;
    double db = b->spec->due > 0 ? rb + b->spec->due : INFINITY;
    if (da != db)
        return da < db;
    return ra < rb;
}

/* Fills a list, best first across the theatre's groups (books_before), with every case that
 * still fits. All of a group's cases have the same planned duration, so a group whose next
 * case does not fit has no case that fits: it drops out, and booking never walks a list. */
static void book(struct flow_model *m, struct list *l)
{
    struct theatre *t = &m->theatres[l->theatre];
    double room = (l->end - l->start) * t->spec->booking_fill;
    for (;;) {
        struct group *best = NULL;
        for (size_t i = 0; i < t->ngroups; i++) {
            struct group *g = &m->groups[t->groups[i]];
            if (g->waiting_list.len == 0 || g->spec->steps[0].planned > room + EPS)
                continue;
            if (best == NULL || books_before(m, g, best))
                best = g;
        }
        if (best == NULL)
            return;
        uint32_t id = flow__queue_pop(m, &best->waiting_list);
        patient_set(m, id, PS_BOOKED);
        list_add_case(l, id);
        model_trace(m, id, FLOW_TRACE_BOOKED, t->spec->name, 0);
        room -= best->spec->steps[0].planned;
    }
}

static void on_list_start(struct flow_engine *e, void *ctx, uint64_t arg);

/* Moves a slot's next occurrence on to a week of the cycle it runs in: week 1 is the week
 * (Monday to Sunday) that holds time 0. */
static void slot_in_cycle(struct slot *s, int weekday0)
{
    if (s->weeks == 0 || s->cycle <= 1)
        return;
    for (int k = 0; k < s->cycle; k++) {
        long week = (long)floor((s->next_start + weekday0) / 7) % s->cycle;
        if (s->weeks >> week & 1)
            return;
        s->next_start += 7;
    }
}

/* A timetable slot comes up for booking: book this occurrence, schedule its start, and the
 * booking of its next. */
static void on_book(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    struct slot *s = &m->slots[arg];
    struct theatre *t = &m->theatres[s->theatre];
    double start = s->next_start;
    uint32_t id = list_new(m, s->theatre, start, s->length);
    book(m, &m->lists[id]);
    double late = flow_dist_sample(&t->spec->late_start, t->late_rng);
    flow_engine_schedule(e, fmax(start + late, now(m)), PRIO_LIST, on_list_start, m, id);
    s->next_start = start + 7;
    slot_in_cycle(s, m->sc->weekday0);
    flow_engine_schedule(e, fmax(now(m), s->next_start - t->spec->book_ahead), PRIO_BOOK, on_book, m, arg);
}

/* ---- the day of the list -------------------------------------------------------------- */

enum cancel_reason { CANCEL_NO_BED, CANCEL_UNFIT, CANCEL_OVERRUN };

static void cancel_case(struct flow_model *m, struct theatre *t, uint32_t id, enum cancel_reason why)
{
    model_trace(m, id, why == CANCEL_NO_BED ? FLOW_TRACE_CANCEL_NO_BED : why == CANCEL_UNFIT
                ? FLOW_TRACE_CANCEL_UNFIT : FLOW_TRACE_CANCEL_OVERRUN, t->spec->name, 0);
    if (why == CANCEL_NO_BED)
        t->period.cancelled_no_bed++;
    else if (why == CANCEL_UNFIT)
        t->period.cancelled_unfit++;
    else
        t->period.cancelled_overrun++;
    if (m->patients[id].ward != NONE)            /* its bed came, the theatre did not */
        flow__ward_give_back(m, id);
    list_patient(m, id);
}

static void on_case_end(struct flow_engine *e, void *ctx, uint64_t arg);
static void on_bed_patience(struct flow_engine *e, void *ctx, uint64_t arg);
static void next_case(struct flow_model *m, uint32_t lid);

static void on_next_case(struct flow_engine *e, void *ctx, uint64_t arg)
{
    next_case(ctx, (uint32_t)arg);
}

static void start_list(struct flow_model *m, uint32_t lid)
{
    struct list *l = &m->lists[lid];
    m->theatres[l->theatre].busy = true;
    l->actual_start = now(m);
    next_case(m, lid);
}

static void on_list_start(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    uint32_t lid = (uint32_t)arg;
    struct theatre *t = &m->theatres[m->lists[lid].theatre];
    if (t->busy) {                       /* the previous list is still running over */
        m->lists[lid].link = NONE;
        if (t->waiting_head == NONE)
            t->waiting_head = lid;
        else
            m->lists[t->waiting_tail].link = lid;
        t->waiting_tail = lid;
        return;
    }
    start_list(m, lid);
}

/* Records the list and allocates its cost to the groups of its cases by operating time. */
static void finish_list(struct flow_model *m, uint32_t lid)
{
    struct list *l = &m->lists[lid];
    struct theatre *t = &m->theatres[l->theatre];
    double t_now = now(m), length = l->end - l->start, over = fmax(0, t_now - l->end);
    double cost = t->spec->cost_per_hour * 24 * (length + over), total = 0;
    struct theatre_tally *c = &t->period;
    c->lists++;
    c->underrun += t_now < l->end - t->spec->underrun_threshold - EPS;
    c->late_sum += l->actual_start - l->start;
    c->overrun_sum += over;
    c->list_time += length;
    c->inside += l->inside;
    c->cases += l->operated;
    c->cost += cost;
    for (size_t i = 0; i < l->ncases; i++)
        total += l->operating[i];
    for (size_t i = 0; total > 0 && i < l->ncases; i++)
        if (l->operating[i] > 0)
            m->groups[m->patients[l->cases[i]].group].period.theatre_cost += cost * l->operating[i] / total;
    t->busy = false;
    l->link = m->free_list;
    m->free_list = lid;
    if (t->waiting_head != NONE) {
        uint32_t next = t->waiting_head;
        t->waiting_head = m->lists[next].link;
        start_list(m, next);
    }
}

static void operate(struct flow_model *m, uint32_t lid, uint32_t id, uint32_t post)
{
    struct list *l = &m->lists[lid];
    struct patient *p = &m->patients[id];
    struct group *g = &m->groups[p->group];
    double t_now = now(m), wait = t_now - p->referred;
    p->step = post;
    patient_set(m, id, PS_THEATRE);
    if (post < g->spec->nsteps) {        /* admitted to the ward bed now, held through surgery */
        if (p->ward == NONE)             /* (unless its bed came while it waited: bed_patience) */
            flow__ward_admit_now(m, id, (uint32_t)g->spec->steps[post].ward);
    } else {
        p->first_bed = t_now;            /* a day case: in hospital from the operation */
        flow__frontdoor_first_bed(m, id, true);
    }
    unlist(m, g, id);
    g->period.operated++;
    g->period.within_18_weeks += wait <= 18 * 7 + EPS;
    g->period.within_due += wait <= g->spec->due + EPS;
    g->period.wait_sum += wait;
    flow_hist_add(&g->wait_hist, wait / 7);
    l->current = id;
    for (l->current_index = 0; l->cases[l->current_index] != id; l->current_index++)
        ;                                /* a held case may run after later booked ones */
    l->case_start = t_now;
    model_trace(m, id, FLOW_TRACE_OPERATION_START, m->theatres[l->theatre].spec->name, 1);
    double op = flow_dist_sample(&g->spec->steps[0].operation, g->stay_rng[0]);
    flow_engine_schedule(m->engine, t_now + op, PRIO_LIST, on_case_end, m, lid);
}

/* ---- waiting for a bed before the operation (bed_patience) ---------------------------- */

static void list_continue(struct flow_model *m, uint32_t lid);

/* The case's bed is not free: it asks for one and waits up to its patience, while the list goes
 * on with the cases after it. */
static void wait_for_bed(struct flow_model *m, uint32_t lid, uint32_t id, const struct flow_step_spec *st)
{
    struct patient *p = &m->patients[id];
    struct group *g = &m->groups[p->group];
    struct ward *w = &m->wards[g->spec->steps[p->post].ward];
    flow__resource_request(m, &w->beds, id);
    patient_set(m, id, PS_THEATRE_WAIT_BED);
    model_trace(m, id, FLOW_TRACE_BED_WAIT, w->spec->name, 0);
    flow__resource_wait(m, &w->beds, id);
    p->list = lid;
    p->wait_token = ++m->wait_tokens;
    m->lists[lid].pending++;
    double patience = flow_dist_sample(&st->bed_patience, g->bed_patience_rng);
    flow_engine_schedule(m->engine, now(m) + patience, PRIO_LIST, on_bed_patience, m,
                         ((uint64_t)p->wait_token << 32) | id);
}

/* Its patience ran out before a bed came: cancelled for lack of a bed. */
static void on_bed_patience(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    uint32_t id = (uint32_t)arg;
    struct patient *p = &m->patients[id];
    if (p->state != PS_THEATRE_WAIT_BED || p->wait_token != (uint32_t)(arg >> 32))
        return;                                  /* the bed came, or the list ended, first */
    struct group *g = &m->groups[p->group];
    flow__resource_withdraw(m, &m->wards[g->spec->steps[p->post].ward].beds, id);
    struct list *l = &m->lists[p->list];
    l->pending--;
    cancel_case(m, &m->theatres[l->theatre], id, CANCEL_NO_BED);
    if (l->idle)
        list_continue(m, p->list);
}

void flow__theatre_bed_came(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    uint32_t lid = p->list;
    struct list *l = &m->lists[lid];
    patient_set(m, id, PS_THEATRE_HELD);
    l->pending--;
    p->next = NONE;
    if (l->held_head == NONE)
        l->held_head = id;
    else
        m->patients[l->held_tail].next = id;
    l->held_tail = id;
    if (l->idle)
        list_continue(m, lid);
}

/* With overrun: cancel_remaining, cases still waiting for a bed when an idle list reaches its
 * scheduled end are cancelled then, and the list ends. */
static void on_list_end(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    uint32_t lid = (uint32_t)arg;
    struct list *l = &m->lists[lid];
    if (l->generation != (uint32_t)(arg >> 32) || !l->idle || l->pending == 0)
        return;
    struct theatre *t = &m->theatres[l->theatre];
    for (size_t i = 0; i < l->ncases; i++) {
        uint32_t id = l->cases[i];
        struct patient *p = &m->patients[id];
        if (p->state != PS_THEATRE_WAIT_BED || p->list != lid)
            continue;
        struct group *g = &m->groups[p->group];
        flow__resource_withdraw(m, &m->wards[g->spec->steps[p->post].ward].beds, id);
        l->pending--;
        cancel_case(m, t, id, CANCEL_NO_BED);
    }
    list_continue(m, lid);
}

/* An idle list (booked cases done) goes on: a held case next, else it waits or ends. */
static void list_continue(struct flow_model *m, uint32_t lid)
{
    m->lists[lid].idle = false;
    next_case(m, lid);
}

/* Whether a case may start now: with overrun: cancel_remaining its planned duration must fit
 * before the list's end; with finish it must start before the end, except a case whose bed
 * came after the booked cases were done, which runs after the list if need be. */
static bool case_fits(const struct flow_model *m, const struct list *l, const struct theatre *t,
                      const struct flow_step_spec *st, bool held)
{
    if (t->spec->overrun == FLOW_OVERRUN_FINISH)
        return held || now(m) < l->end - EPS;
    return now(m) + st->planned <= l->end + EPS;
}

/* A case whose bed came while it waited: operated now if it may start, else cancelled (its
 * bed given back). True when one was started. */
static bool next_held(struct flow_model *m, uint32_t lid)
{
    struct list *l = &m->lists[lid];
    struct theatre *t = &m->theatres[l->theatre];
    while (l->held_head != NONE) {
        uint32_t id = l->held_head;
        l->held_head = m->patients[id].next;
        if (l->held_head == NONE)
            l->held_tail = NONE;
        if (!case_fits(m, l, t, first_step(m, id), true)) {
            cancel_case(m, t, id, CANCEL_OVERRUN);
            continue;
        }
        operate(m, lid, id, m->patients[id].post);
        return true;
    }
    return false;
}

/* Starts the next case that can go ahead (one whose bed came while it waited first), cancelling
 * those that cannot; when the booked cases are done, waits for cases still waiting for beds. */
static void next_case(struct flow_model *m, uint32_t lid)
{
    struct list *l = &m->lists[lid];
    struct theatre *t = &m->theatres[l->theatre];
    if (l->held_head != NONE && next_held(m, lid))
        return;
    while (l->next < l->ncases) {
        uint32_t id = l->cases[l->next++];
        const struct flow_step_spec *st = first_step(m, id);
        struct group *g = &m->groups[m->patients[id].group];
        if (!case_fits(m, l, t, st, false)) {
            cancel_case(m, t, id, CANCEL_OVERRUN);
            while (l->next < l->ncases)
                cancel_case(m, t, l->cases[l->next++], CANCEL_OVERRUN);
            break;
        }
        if (st->p_unfit_on_day > 0 && gsl_rng_uniform(g->unfit_rng) < st->p_unfit_on_day) {
            cancel_case(m, t, id, CANCEL_UNFIT);
            continue;
        }
        uint32_t post = m->patients[id].post;
        if (post < g->spec->nsteps && !flow__resource_free_for(m, &m->wards[g->spec->steps[post].ward].beds, id)) {
            if (st->has_bed_patience)
                wait_for_bed(m, lid, id, st);
            else
                cancel_case(m, t, id, CANCEL_NO_BED);
            continue;
        }
        operate(m, lid, id, post);
        return;
    }
    if (l->pending > 0) {                /* cases wait for beds: the theatre waits for them */
        l->idle = true;
        if (t->spec->overrun == FLOW_OVERRUN_CANCEL_REMAINING)
            flow_engine_schedule(m->engine, fmax(now(m), l->end), PRIO_LIST, on_list_end, m,
                                 ((uint64_t)l->generation << 32) | lid);
        return;
    }
    finish_list(m, lid);
}

static void on_case_end(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    uint32_t lid = (uint32_t)arg;
    struct list *l = &m->lists[lid];
    struct theatre *t = &m->theatres[l->theatre];
    double t_now = now(m);
    uint32_t id = l->current;
    l->operating[l->current_index] = t_now - l->case_start;
    l->inside += fmax(0, fmin(t_now, l->end) - fmax(l->case_start, l->start));
    l->operated++;
    model_trace(m, id, FLOW_TRACE_OPERATION_END, t->spec->name, 1);
    m->moves->operated(m, id);         /* to its stay, or home: the route's to decide */
    if (l->next < l->ncases || l->held_head != NONE) {
        double ta = flow_dist_sample(&t->spec->turnaround, t->turnaround_rng);
        t->period.turnarounds++;
        t->period.turnaround_sum += ta;
        flow_engine_schedule(e, t_now + ta, PRIO_LIST, on_next_case, m, lid);
    } else if (l->pending > 0) {
        next_case(m, lid);               /* the theatre waits for cases waiting for beds */
    } else {
        finish_list(m, lid);
    }
}

/* ---- lifetime ------------------------------------------------------------------------- */

static void theatre_init(struct flow_model *m, size_t i, uint64_t seed, uint32_t rep)
{
    const struct flow_scenario *s = m->sc;
    struct theatre *t = &m->theatres[i];
    char name[FLOW_MAX_NAME + 64];
    t->spec = &s->theatres[i];
    snprintf(name, sizeof name, "theatre/%s/late_start", t->spec->name);
    t->late_rng = flow_stream_create(seed, rep, name);
    snprintf(name, sizeof name, "theatre/%s/turnaround", t->spec->name);
    t->turnaround_rng = flow_stream_create(seed, rep, name);
    t->groups = flow_xcalloc(s->ngroups, sizeof *t->groups);
    for (size_t g = 0; g < s->ngroups; g++)
        if (s->groups[g].elective && s->groups[g].steps[0].theatre == (int)i)
            t->groups[t->ngroups++] = (uint32_t)g;
    t->waiting_head = t->waiting_tail = NONE;
}

void flow__theatres_create(struct flow_model *m, uint64_t seed, uint32_t rep)
{
    const struct flow_scenario *s = m->sc;
    m->free_list = NONE;
    m->theatres = flow_xcalloc(s->ntheatres ? s->ntheatres : 1, sizeof *m->theatres);
    for (size_t i = 0; i < s->ntheatres; i++) {
        theatre_init(m, i, seed, rep);
        for (size_t k = 0; k < s->theatres[i].nsessions; k++)
            for (int d = 0; d < 7; d++)
                m->nslots += (s->theatres[i].sessions[k].days >> d) & 1;
    }
    m->slots = flow_xcalloc(m->nslots ? m->nslots : 1, sizeof *m->slots);
    size_t n = 0;
    for (size_t i = 0; i < s->ntheatres; i++)
        for (size_t k = 0; k < s->theatres[i].nsessions; k++)
            for (int d = 0; d < 7; d++)
                if ((s->theatres[i].sessions[k].days >> d) & 1) {
                    m->slots[n] = (struct slot){(uint32_t)i, s->theatres[i].sessions[k].length,
                                                (d - s->weekday0 + 7) % 7 + s->theatres[i].sessions[k].start,
                                                s->theatres[i].sessions[k].weeks, s->theatres[i].cycle};
                    slot_in_cycle(&m->slots[n++], s->weekday0);
                }
    for (size_t g = 0; g < s->ngroups; g++) {
        struct group *grp = &m->groups[g];
        flow__queue_init(&grp->waiting_list, referred);
        if (!s->groups[g].elective)
            continue;
        char name[FLOW_MAX_NAME + 64];
        snprintf(name, sizeof name, "group/%s/unfit", s->groups[g].name);
        grp->unfit_rng = flow_stream_create(seed, rep, name);
        if (s->groups[g].steps[0].has_bed_patience) {
            snprintf(name, sizeof name, "group/%s/bed_patience", s->groups[g].name);
            grp->bed_patience_rng = flow_stream_create(seed, rep, name);
        }
        flow_hist_init(&grp->wait_hist);
        if (s->groups[g].has_leave_list) {
            snprintf(name, sizeof name, "group/%s/leave_list", s->groups[g].name);
            grp->leave_rng = flow_stream_create(seed, rep, name);
        }
    }
}

void flow__theatres_destroy(struct flow_model *m)
{
    for (size_t i = 0; m->theatres && i < m->sc->ntheatres; i++) {
        struct theatre *t = &m->theatres[i];
        gsl_rng_free(t->late_rng);
        gsl_rng_free(t->turnaround_rng);
        free(t->groups);
    }
    for (size_t i = 0; i < m->nlists; i++) {
        free(m->lists[i].cases);
        free(m->lists[i].operating);
    }
    for (size_t g = 0; m->groups && g < m->sc->ngroups; g++) {
        if (m->sc->groups[g].elective) {
            gsl_rng_free(m->groups[g].unfit_rng);
            if (m->groups[g].bed_patience_rng)
                gsl_rng_free(m->groups[g].bed_patience_rng);
            if (m->groups[g].leave_rng)
                gsl_rng_free(m->groups[g].leave_rng);
            flow_hist_fini(&m->groups[g].wait_hist);
        }
    }
    free(m->lists);
    free(m->slots);
    free(m->theatres);
}

/* The initial waiting lists (referred at time 0, or waiting_since before it) and the first
 * booking of every slot. */
void flow__theatres_start(struct flow_model *m)
{
    const struct flow_scenario *s = m->sc;
    for (size_t g = 0; g < s->ngroups; g++) {
        for (int i = 0; i < s->groups[g].initial_waiting_list; i++) {
            uint32_t id = flow__patient_new(m, (uint32_t)g);
            model_trace(m, id, FLOW_TRACE_REFERRAL, NULL, 0);
            flow__elective_referral(m, id);
        }
        for (size_t i = 0; i < s->groups[g].nwaiting_since; i++) {   /* referred before the run */
            uint32_t id = flow__patient_new(m, (uint32_t)g);
            m->patients[id].referred = -s->groups[g].waiting_since[i];
            model_trace(m, id, FLOW_TRACE_REFERRAL, NULL, 0);
            flow__elective_referral(m, id);
        }
    }
    for (size_t i = 0; i < m->nslots; i++) {
        const struct flow_theatre_spec *t = m->theatres[m->slots[i].theatre].spec;
        flow_engine_schedule(m->engine, fmax(0, m->slots[i].next_start - t->book_ahead), PRIO_BOOK,
                             on_book, m, i);
    }
}

void flow__theatres_mark(struct flow_model *m, double t_now)
{
    for (size_t i = 0; i < m->sc->ntheatres; i++)
        m->theatres[i].period = (struct theatre_tally){0};
    for (size_t g = 0; g < m->sc->ngroups; g++) {
        struct group *grp = &m->groups[g];
        flow_level_mark(&grp->listed_level, t_now);
        if (m->sc->groups[g].elective)
            flow_hist_reset(&grp->wait_hist);
    }
}
