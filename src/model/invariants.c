/* invariants.c - the model's bookkeeping, checked after every event in checking builds
 * (meson -Dinvariants=true; tools/test's sanitizer build): places in use within capacity and
 * equal to the patients holding them and to the sum over groups; every queue's length equal to
 * its links both ways, every queued patient in a waiting state and in exactly one queue;
 * ring-fences and outliers counted; patients conserved (created = live + left + lost). A broken invariant is a bug: it aborts with the
 * rule, the time and the patient. */
#include "internal.h"

#include <flowsim/util.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An output rule broken: the rule, where, the value and the time. */
static _Noreturn void fail_output(const struct flow_model *m, const char *rule, const char *section,
                                  const char *entity, const char *key, double value, double bound)
{
    fprintf(stderr, "flowsim: output invariant broken at t=%.17g (replication %u): %s: %s%s%s%s%s = %.17g (bound %.17g)\n",
            model_now(m), m->replication + 1, rule, section, entity ? "." : "", entity ? entity : "",
            key ? "." : "", key ? key : "", value, bound);
    abort();
}

static _Noreturn void fail(const struct flow_model *m, const char *what, long a, long b)
{
    fprintf(stderr, "flowsim: invariant broken at t=%.17g: %s (%ld vs %ld)\n", model_now(m), what,
            a, b);
    abort();
}

#define REQUIRE(m, cond, what, a, b) do { if (!(cond)) fail(m, what, (long)(a), (long)(b)); } while (0)

static bool holds_bed(enum patient_state s)
{
    return s == PS_STAY || s == PS_BLOCKED || s == PS_FIT || s == PS_WAIT_SERVICE ||
           s == PS_THEATRE || s == PS_WAIT_ASSESSOR || s == PS_ASSESSMENT || s == PS_READY ||
           s == PS_REVIEWED || s == PS_THEATRE_HELD;
}

/* Walks a queue: its length, and each member is in `state` and seen once. */
static void check_queue(const struct flow_model *m, const struct queue *q, enum patient_state a,
                        enum patient_state b, enum patient_state c, uint8_t *seen)
{
    size_t n = 0;
    uint32_t last = NONE;
    for (uint32_t id = q->head; id != NONE; id = m->patients[id].next) {
        const struct patient *p = &m->patients[id];
        REQUIRE(m, p->state == a || p->state == b || p->state == c, "a queued patient is not waiting", p->state, a);
        REQUIRE(m, seen[id] == 0, "a patient is in two queues", id, seen[id]);
        REQUIRE(m, p->prev == last, "a queue's back link is wrong", p->prev, last);
        seen[id] = 1;
        if (q->key && last != NONE)
            REQUIRE(m, q->key(m, last) <= q->key(m, id), "a queue is out of order", last, id);
        last = id;
        REQUIRE(m, ++n <= q->len, "a queue is longer than its count", n, q->len);
    }
    REQUIRE(m, n == q->len, "a queue's count is not its length", n, q->len);
    REQUIRE(m, q->len == 0 || q->tail == last, "a queue's tail is not its last patient", q->tail, last);
}

static void check_resource(const struct flow_model *m, const struct resource *r)
{
    /* Places that close while taken close as they empty: only then may in_use pass capacity. */
    REQUIRE(m, r->in_use >= 0 && (r->in_use <= r->capacity || r->plan), "places in use outside 0..capacity",
            r->in_use, r->capacity);
    REQUIRE(m, r->plan == NULL || r->capacity == r->plan->planned + (r->plan->open ? r->plan->extra : 0),
            "capacity is not the planned places plus open extra places", r->capacity, r->plan->planned);
    if (r->plan) {
        const struct capacity_plan *p = r->plan;
        int above = r->in_use - p->planned;
        REQUIRE(m, p->level.value == flow_resource_open_places(r),
                "places counted open are not max(capacity, in use)", p->level.value, r->in_use);
        REQUIRE(m, p->level.value >= r->in_use, "more places taken than open", r->in_use, p->level.value);
        REQUIRE(m, p->open || (p->held >= 0 && p->held <= p->extra && p->held <= (above > 0 ? above : 0)),
                "closed extra places held beyond those taken", p->held, above);
        REQUIRE(m, p->extra_level.value == (p->open ? p->extra : p->held),
                "extra places counted open are not the open or held ones", p->extra_level.value, p->held);
    }
    REQUIRE(m, r->full.value == (r->in_use >= r->capacity), "the full level is stale", r->full.value,
            r->in_use);
    REQUIRE(m, r->use.value == r->in_use, "the level of places in use is stale", r->use.value, r->in_use);
    REQUIRE(m, r->waiting.value == (double)r->queue.len, "the queue level is stale", r->waiting.value,
            r->queue.len);
    double sum = 0;
    for (size_t c = 0; c < r->nclass; c++)
        sum += r->by_class[c].value;
    REQUIRE(m, r->nclass == 0 || sum == r->in_use, "places by group do not add up", sum, r->in_use);
    /* Offers are made after every event: a free place and a waiting patient never coexist,
     * unless a ring-fence keeps every waiting patient out of it. */
    bool fenced_out = r->reserved_for && r->reserved_waiting == 0 &&
                      r->others_in_use >= r->capacity - r->reserved;
    REQUIRE(m, r->queue.len == 0 || r->in_use >= r->capacity || fenced_out, "a free place with a queue",
            r->in_use, r->queue.len);
    if (r->reserved_for) {
        double others = 0;
        size_t flagged = 0;
        for (size_t c = 0; c < r->nclass; c++)
            others += r->reserved_for[c] ? 0 : r->by_class[c].value;
        for (uint32_t id = r->queue.head; id != NONE; id = m->patients[id].next)
            flagged += r->reserved_for[m->patients[id].group] != 0;
        REQUIRE(m, others == r->others_in_use, "places held outside the ring-fence are miscounted", others,
                r->others_in_use);
        REQUIRE(m, flagged == r->reserved_waiting, "ring-fenced patients waiting are miscounted", flagged,
                r->reserved_waiting);
    }
}

/* Every queue's patients in order and in the right state, none in two queues (seen marks
 * them); returns how many patients the groups' waiting lists count. */
static size_t check_queues(struct flow_model *m, uint8_t *seen)
{
    const struct flow_scenario *s = m->sc;
    for (size_t w = 0; w < s->nwards; w++) {
        check_resource(m, &m->wards[w].beds);
        check_queue(m, &m->wards[w].beds.queue, PS_WAIT_BED, PS_BLOCKED, PS_THEATRE_WAIT_BED, seen);
        for (size_t k = 0; k < m->wards[w].nwaiting; k++) {
            uint32_t id = m->wards[w].ready[k];
            REQUIRE(m, m->patients[id].state == PS_READY, "a patient waiting for a round is not ready", id,
                    m->patients[id].state);
            REQUIRE(m, seen[id] == 0, "a patient is in two queues", id, seen[id]);
            seen[id] = 1;
        }
    }
    for (size_t c = 0; c < s->ncommunity; c++) {
        check_resource(m, &m->services[c].places);
        check_queue(m, &m->services[c].places.queue, PS_WAIT_SERVICE, PS_WAIT_SERVICE, PS_WAIT_SERVICE, seen);
        check_queue(m, &m->services[c].visit_queue, PS_WAIT_SERVICE, PS_WAIT_SERVICE, PS_WAIT_SERVICE, seen);
        REQUIRE(m, m->services[c].visit_waiting.value == (double)m->services[c].visit_queue.len,
                "the visit queue's level is stale", m->services[c].visit_waiting.value, m->services[c].visit_queue.len);
    }
    for (size_t k = 0; k < m->npools; k++) {
        check_resource(m, &m->pools[k]);
        check_queue(m, &m->pools[k].queue, PS_WAIT_ASSESSOR, PS_WAIT_ASSESSOR, PS_WAIT_ASSESSOR, seen);
    }
    size_t listed = 0;
    for (size_t g = 0; g < s->ngroups; g++) {
        check_queue(m, &m->groups[g].waiting_list, PS_LISTED, PS_LISTED, PS_LISTED, seen);
        listed += m->groups[g].listed;
    }
    return listed;
}

/* What the patients' own records add up to, to set beside the model's counts. */
struct tally {
    int *beds, *ready, *outliers;      /* by ward */
    size_t blocked, live, on_lists, delayed;
};

/* One live patient: in a queue exactly when waiting, holding a bed exactly when its state
 * needs one; counted into t. */
static void check_patient(struct flow_model *m, size_t i, const uint8_t *seen, struct tally *t)
{
    const struct patient *p = &m->patients[i];
    t->live++;
    bool queued = p->state == PS_LISTED || p->state == PS_WAIT_BED || p->state == PS_BLOCKED ||
                  p->state == PS_WAIT_SERVICE || p->state == PS_WAIT_ASSESSOR || p->state == PS_READY ||
                  p->state == PS_THEATRE_WAIT_BED;
    REQUIRE(m, queued == (seen[i] == 1), "a waiting patient is in no queue", i, p->state);
    REQUIRE(m, (p->ward != NONE) <= holds_bed((enum patient_state)p->state),
            "a patient holds a bed in a state that holds none", i, p->state);
    bool bed_needed = p->state == PS_STAY || p->state == PS_BLOCKED || p->state == PS_FIT ||
                      p->state == PS_WAIT_SERVICE || p->state == PS_READY || p->state == PS_REVIEWED ||
                      p->state == PS_THEATRE_HELD;
    REQUIRE(m, !bed_needed || p->ward != NONE, "a patient in a bed state holds no bed", i, p->state);
    if (p->ward != NONE)
        t->beds[p->ward]++;
    REQUIRE(m, !p->outlier || p->ward != NONE, "an outlier holds no bed", i, p->state);
    if (p->outlier)
        t->outliers[p->ward]++;
    if (p->state == PS_READY || p->state == PS_REVIEWED)
        t->ready[p->ward]++;
    t->blocked += p->state == PS_BLOCKED;
    t->on_lists += p->state == PS_LISTED || p->state == PS_BOOKED || p->state == PS_THEATRE_WAIT_BED ||
                   p->state == PS_THEATRE_HELD;
    t->delayed += p->fit >= 0 && p->ward != NONE;
}

/* The model's counts against the patients' records. */
static void check_tally(struct flow_model *m, const struct tally *t, size_t listed)
{
    size_t blocking = 0;
    for (size_t w = 0; w < m->sc->nwards; w++) {
        const struct ward *wd = &m->wards[w];
        REQUIRE(m, t->beds[w] == wd->beds.in_use, "beds in use are not the patients in them", t->beds[w],
                wd->beds.in_use);
        REQUIRE(m, t->ready[w] == wd->nready && wd->ready_level.value == t->ready[w],
                "ready beds are not the ready patients", t->ready[w], wd->nready);
        REQUIRE(m, t->outliers[w] == wd->outliers && wd->outliers_level.value == t->outliers[w],
                "outlier beds are not the outliers in them", t->outliers[w], wd->outliers);
        blocking += (size_t)wd->blocked;
    }
    REQUIRE(m, blocking == t->blocked, "blocked beds are not the blocked patients", blocking, t->blocked);
    REQUIRE(m, t->on_lists == listed, "waiting lists do not count the listed patients", t->on_lists, listed);
    REQUIRE(m, (double)t->delayed == m->delayed.value, "delayed beds are not the fit patients in beds",
            t->delayed, m->delayed.value);
    REQUIRE(m, t->live == m->live, "live patients are not the records in use", t->live, m->live);
    REQUIRE(m, m->created == m->live + m->left + m->lost, "patients are not conserved", m->created,
            m->live + m->left + m->lost);
}

void flow__invariants_check(struct flow_model *m)
{
    const struct flow_scenario *s = m->sc;
    /* Scratch space owned by the model (freed with it), grown with the patient pool. */
    if (m->check_cap < m->npatients + 1) {
        m->check_cap = m->npatients * 2 + 64;
        m->check_seen = flow_xrealloc(m->check_seen, m->check_cap);
    }
    if (m->check_beds == NULL)
        m->check_beds = flow_xcalloc(3 * s->nwards + 1, sizeof *m->check_beds);
    uint8_t *seen = m->check_seen;
    struct tally t = {.beds = m->check_beds, .ready = m->check_beds + s->nwards,
                      .outliers = m->check_beds + 2 * s->nwards};
    for (size_t i = 0; i < m->npatients; i++)
        seen[i] = 0;
    for (size_t w = 0; w < s->nwards; w++)
        t.beds[w] = t.ready[w] = t.outliers[w] = 0;
    size_t listed = check_queues(m, seen);
    for (size_t i = 0; i < m->npatients; i++)
        if (m->patients[i].state != PS_FREE)
            check_patient(m, i, seen, &t);
    check_tally(m, &t, listed);
}

/* ---- outputs ---------------------------------------------------------------------------- */

static bool unit_is(const char *unit, const char *name) { return strcmp(unit, name) == 0; }

/* Every metric within the bounds of its unit: fractions in [0, 1], everything else (counts,
 * rates, times, beds, costs, ratios) at least 0; undefined (NaN) only as "no data", never
 * infinite. */
void flow__invariants_check_metric(const struct flow_model *m, const char *section, const char *entity,
                                  const char *key, const char *unit, double value)
{
    if (isnan(value))
        return;
    if (!isfinite(value))
        fail_output(m, "a metric is infinite", section, entity, key, value, 0);
    double eps = 1e-9;
    if (value < -eps)
        fail_output(m, "a metric is negative", section, entity, key, value, 0);
    if (unit_is(unit, "fraction") && value > 1 + eps)
        fail_output(m, "a fraction is above 1", section, entity, key, value, 1);
}

static double level_mean(const struct flow_model *m, const struct flow_level *l)
{
    return flow_level_mean(l, model_now(m), m->start);
}

/* A time average within [0, most], and at most `above` (another average it is part of). */
static void check_average(const struct flow_model *m, const char *rule, const char *section,
                          const char *entity, const char *key, double mean, double most)
{
    if (!(mean >= -1e-9 && mean <= most + 1e-9 * fmax(1, most)))
        fail_output(m, rule, section, entity, key, mean, most);
}

static void check_ward_outputs(const struct flow_model *m, const struct ward *w)
{
    const char *name = w->spec->name;
    const struct resource *r = &w->beds;
    double occupied = level_mean(m, &r->use), most = flow__beds_most(w->spec);
    check_average(m, "beds occupied beyond the most the ward can open", "wards", name, "mean_occupied_beds",
                  occupied, most);
    if (r->plan) {
        double open = level_mean(m, &r->plan->level);
        check_average(m, "beds occupied beyond beds open or closing", "wards", name, "mean_occupied_beds",
                      occupied, open);
        check_average(m, "open beds beyond the most the ward can open", "wards", name, "mean_beds", open, most);
        check_average(m, "escalation beds beyond the escalation", "wards", name, "escalation_bed_days_per_day",
                      level_mean(m, &r->plan->extra_level), r->plan->extra);
    } else {
        check_average(m, "beds occupied beyond the beds", "wards", name, "mean_occupied_beds", occupied,
                      r->capacity);
    }
    check_average(m, "blocked beds beyond the beds occupied", "wards", name, "blocked_bed_days_per_day",
                  level_mean(m, &w->blocked_level), occupied);
    check_average(m, "ready beds beyond the beds occupied", "wards", name, "ready_bed_days_per_day",
                  level_mean(m, &w->ready_level), occupied);
    check_average(m, "outlier beds beyond the beds occupied", "wards", name, "outliers_mean",
                  level_mean(m, &w->outliers_level), occupied);
    check_average(m, "time full beyond the period", "wards", name, "p_full", level_mean(m, &r->full), 1);
    if (r->period.taken > r->period.requests + m->period.live_at_start)
        fail_output(m, "more beds taken than asked for (or asked for before the mark)", "wards", name, "taken", (double)r->period.taken,
                    (double)r->period.requests + (double)m->period.live_at_start);
    if (r->period.waited > r->period.taken)
        fail_output(m, "more admissions waited than were admitted", "wards", name, "p_wait",
                    (double)r->period.waited, (double)r->period.taken);
}

void flow__invariants_check_outputs(const struct flow_model *m)
{
    const struct flow_scenario *s = m->sc;
    for (size_t w = 0; w < s->nwards; w++)
        check_ward_outputs(m, &m->wards[w]);
    for (size_t c = 0; c < s->ncommunity; c++) {
        const struct resource *r = &m->services[c].places;
        if (r->capacity != RESOURCE_UNLIMITED)
            check_average(m, "places occupied beyond the places", "community", s->community[c].name, "mean_occupied",
                          level_mean(m, &r->use), r->capacity);
    }
    /* Patients who leave were in the model at the mark or came after it. */
    uint64_t came = m->created - m->period.created_at_start, arrivals = 0;
    for (size_t g = 0; g < s->ngroups; g++)
        arrivals += m->groups[g].period.arrivals;
    if (m->period.departures > came + m->period.live_at_start)
        fail_output(m, "more patients left than arrived or were in hospital", "system", NULL, "departures",
                    (double)m->period.departures, (double)(came + m->period.live_at_start));
    if (arrivals > came)
        fail_output(m, "more arrivals than patients created", "system", NULL, "arrivals", (double)arrivals,
                    (double)came);
    if (m->period.same_or_next_day > m->period.departures)
        fail_output(m, "more same- or next-day discharges than discharges", "system", NULL, "same_or_next_day",
                    (double)m->period.same_or_next_day, (double)m->period.departures);
}
