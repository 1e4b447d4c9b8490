/* frontdoor.c - the front door and who goes first, as configuration of the resource: patience
 * (a patient waiting at the front door for a ward's bed leaves when its patience runs out),
 * outlying (a patient whose ward is full takes a free bed in another ward and stays longer
 * there), ring-fenced beds (resource reserve), and what they are measured by: each ward's time
 * from joining its queue to leaving its bed against its targets, and each group's wait from
 * arriving to its first bed against its wait targets. Priorities are the queues' order
 * (model.c). */
#include "internal.h"

#include <flowsim/random.h>
#include <flowsim/util.h>

#include <stdio.h>
#include <stdlib.h>

#define EPS 1e-9                 /* days: a time exactly on a target counts as within it */

void flow__frontdoor_create(struct flow_model *m, uint64_t seed, uint32_t rep)
{
    const struct flow_scenario *s = m->sc;
    m->time_targets = s->time_targets;
    for (size_t g = 0; g < s->ngroups; g++)
        m->wait_targets |= s->groups[g].wait_targets.n > 0;
    for (size_t i = 0; i < s->nwards; i++) {
        struct ward *w = &m->wards[i];
        const struct flow_ward_spec *ws = &s->wards[i];
        if (ws->has_patience) {
            char name[FLOW_MAX_NAME + 64];
            snprintf(name, sizeof name, "ward/%s/patience", ws->name);
            w->patience_rng = flow_stream_create(seed, rep, name);
        }
        if (s->time_targets) {
            w->time_hist = flow_xcalloc(1, sizeof *w->time_hist);
            flow_hist_init(w->time_hist);
        }
        if (ws->reserved_beds > 0)
            flow__resource_reserve(&w->beds, ws->reserved_beds, ws->reserved_for);
    }
}

void flow__frontdoor_destroy(struct flow_model *m)
{
    for (size_t i = 0; m->wards && i < m->sc->nwards; i++) {
        struct ward *w = &m->wards[i];
        if (w->patience_rng)
            gsl_rng_free(w->patience_rng);
        if (w->time_hist) {
            flow_hist_fini(w->time_hist);
            free(w->time_hist);
        }
    }
}

void flow__frontdoor_mark(struct flow_model *m, double t)
{
    for (size_t i = 0; i < m->sc->nwards; i++) {
        struct ward *w = &m->wards[i];
        flow_level_mark(&w->outliers_level, t);
        if (w->time_hist)
            flow_hist_reset(w->time_hist);
    }
}

/* ---- patience ------------------------------------------------------------------------- */

double flow__frontdoor_patience(struct flow_model *m, uint32_t ward)
{
    struct ward *w = &m->wards[ward];
    return flow_dist_sample(&w->spec->patience, w->patience_rng);
}

/* ---- outliers ------------------------------------------------------------------------- */

/* A ward the patient already has a bed in is no host: it waits there instead. */
uint32_t flow__frontdoor_host(struct flow_model *m, uint32_t id, uint32_t ward)
{
    const struct flow_ward_spec *ws = m->wards[ward].spec;
    for (size_t k = 0; k < ws->noutlie; k++) {
        uint32_t h = (uint32_t)ws->outlie_to[k];
        if (h != m->patients[id].ward && flow__resource_free_for(m, &m->wards[h].beds, id))
            return h;
    }
    return NONE;
}

static void set_outliers(struct flow_model *m, struct ward *w, int delta)
{
    w->outliers += delta;
    flow_level_set(&w->outliers_level, model_now(m), w->outliers);
}

void flow__frontdoor_start_outlier(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    p->outlier = 1;
    set_outliers(m, &m->wards[p->ward], +1);
}

void flow__frontdoor_end_outlier(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    p->outlier = 0;
    set_outliers(m, &m->wards[p->ward], -1);
}

/* ---- what the targets measure ---------------------------------------------------------- */

static void count_within(uint64_t *within, const struct flow_targets *t, double days)
{
    for (size_t k = 0; k < t->n; k++)
        within[k] += days <= t->days[k] + EPS;
}

void flow__frontdoor_first_bed_undo(struct flow_model *m, uint32_t id)
{
    struct patient *p = &m->patients[id];
    struct group *g = &m->groups[p->group];
    if (g->spec->wait_targets.n == 0 || p->first_bed < m->start)
        return;                          /* none counted, or counted before this period */
    g->period.first_beds--;
    double days = p->first_bed - p->referred;
    for (size_t k = 0; k < g->spec->wait_targets.n; k++)
        g->period.first_within[k] -= days <= g->spec->wait_targets.days[k] + EPS;
}

void flow__frontdoor_left_ward(struct flow_model *m, uint32_t id, uint32_t ward)
{
    struct ward *w = &m->wards[ward];
    double days = model_now(m) - m->patients[id].joined;
    w->period.left++;
    w->period.time_sum += days;
    flow_hist_add(w->time_hist, days);
    count_within(w->period.within, &w->spec->targets, days);
}

void flow__frontdoor_first_bed(struct flow_model *m, uint32_t id, bool got)
{
    struct patient *p = &m->patients[id];
    struct group *g = &m->groups[p->group];
    if (g->spec->wait_targets.n == 0)
        return;
    g->period.first_beds++;
    if (got)
        count_within(g->period.first_within, &g->spec->wait_targets, model_now(m) - p->referred);
}
