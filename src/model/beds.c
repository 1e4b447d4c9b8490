/* beds.c - ward beds that change: a ward with bed changes or escalation gives its resource a
 * capacity plan, and one event at each calendar boundary (see week.h) sets the planned beds to
 * what the calendar says. Escalation itself is the resource's (resource.c). Wards without
 * either keep a fixed capacity and cost nothing here. */
#include "internal.h"

#include <flowsim/week.h>

#include <math.h>

static bool changes(const struct flow_ward_spec *w)
{
    return w->nbed_changes > 0 || w->escalation.beds > 0;
}

static int planned_now(const struct flow_model *m, const struct flow_ward_spec *w, double t)
{
    long beds = flow_week_planned_beds(m->sc, w, t);
    return beds < 0 ? 0 : (int)beds;    /* validation refuses a plan below 0 within the run */
}

static void on_bed_change(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    struct ward *w = &m->wards[arg];
    double t = model_now(m);
    flow_resource_set_planned(m, &w->beds, planned_now(m, w->spec, t));
    double next = flow_week_next_bed_change(m->sc, w->spec, t);
    if (next <= m->sc->warmup_days + m->sc->horizon_days)
        flow_engine_schedule(e, next, PRIO_BOOK, on_bed_change, m, arg);
}

void flow_beds_create(struct flow_model *m)
{
    for (size_t i = 0; i < m->sc->nwards; i++) {
        const struct flow_ward_spec *w = &m->sc->wards[i];
        if (!changes(w))
            continue;
        const struct flow_escalation_spec *x = &w->escalation;
        flow_resource_plan(m, &m->wards[i].beds, planned_now(m, w, 0), x->beds, x->open_when_waiting,
                           x->close_when_free);
    }
}

void flow_beds_start(struct flow_model *m)
{
    for (size_t i = 0; i < m->sc->nwards; i++) {
        const struct flow_ward_spec *w = &m->sc->wards[i];
        if (w->nbed_changes == 0)
            continue;
        double next = flow_week_next_bed_change(m->sc, w, 0);
        flow_engine_schedule(m->engine, next, PRIO_BOOK, on_bed_change, m, i);
    }
}

int flow_beds_most(const struct flow_ward_spec *w)
{
    long most = w->beds + w->escalation.beds;
    for (size_t k = 0; k < w->nbed_changes; k++)
        most += w->bed_changes[k].change > 0 ? w->bed_changes[k].change : 0;
    return most > 2L * FLOW_MAX_BEDS ? 2 * FLOW_MAX_BEDS : (int)most;
}
