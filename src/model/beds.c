/* beds.c - ward beds that change: a ward with bed changes or escalation gives its resource a
 * capacity plan. At each midnight the ward works out the day's plan from the calendar (week.h:
 * the planned beds at 00:00 and at each moment they change during the day) and one event at
 * each of those moments sets the planned beds. Escalation itself is the resource's
 * (resource.c). Wards without either keep a fixed capacity and cost nothing here. */
#include "internal.h"

#include <flowsim/util.h>
#include <flowsim/week.h>

#include <math.h>
#include <stdlib.h>

enum { AT_MIDNIGHT = 0, AT_CHANGE = 1 };

static int clamp(long beds)
{
    return beds < 0 ? 0 : (int)beds;    /* validation refuses a plan below 0 within the run */
}

static double run_end(const struct flow_model *m)
{
    return m->sc->warmup_days + m->sc->horizon_days;
}

static void on_bed_change(struct flow_engine *e, void *ctx, uint64_t arg);

static void schedule(struct flow_model *m, double t, uint32_t ward, uint64_t kind)
{
    if (t <= run_end(m))
        flow_engine_schedule(m->engine, t, PRIO_BEDS, on_bed_change, m, kind << 32 | ward);
}

/* Midnight: the day's plan; later, its next moment. */
static void on_bed_change(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    uint32_t i = (uint32_t)arg;
    struct ward *w = &m->wards[i];
    double t = model_now(m);
    if (arg >> 32 == AT_MIDNIGHT) {
        long start;
        w->plan_n = flow_week_day_plan(m->sc, w->spec, (int64_t)t, w->plan, &start);
        w->plan_next = 0;
        flow__resource_set_planned(m, &w->beds, clamp(start));
        schedule(m, t + 1, i, AT_MIDNIGHT);
    } else {
        flow__resource_set_planned(m, &w->beds, clamp(w->plan[w->plan_next++].delta));
    }
    if (w->plan_next < w->plan_n)
        schedule(m, w->plan[w->plan_next].t, i, AT_CHANGE);
}

void flow__beds_create(struct flow_model *m)
{
    for (size_t i = 0; i < m->sc->nwards; i++) {
        const struct flow_ward_spec *w = &m->sc->wards[i];
        if (!flow_week_beds_change(w))
            continue;
        struct ward *wd = &m->wards[i];
        long start = w->beds;
        if (w->nbed_changes > 0) {
            wd->plan = flow_xcalloc(flow_week_plan_room(w), sizeof *wd->plan);
            wd->plan_n = flow_week_day_plan(m->sc, w, 0, wd->plan, &start);
        }
        const struct flow_escalation_spec *x = &w->escalation;
        flow__resource_plan(m, &wd->beds, clamp(start), x->beds, x->open_when_waiting, x->close_when_free);
    }
}

void flow__beds_start(struct flow_model *m)
{
    for (size_t i = 0; i < m->sc->nwards; i++) {
        struct ward *w = &m->wards[i];
        if (w->spec->nbed_changes == 0)
            continue;
        w->plan_next = 0;
        if (w->plan_n > 0)
            schedule(m, w->plan[0].t, (uint32_t)i, AT_CHANGE);
        schedule(m, 1, (uint32_t)i, AT_MIDNIGHT);
    }
}

void flow__beds_destroy(struct flow_model *m)
{
    for (size_t i = 0; m->wards && i < m->sc->nwards; i++)
        free(m->wards[i].plan);
}

int flow__beds_most(const struct flow_ward_spec *w)
{
    long most = w->beds + w->escalation.beds;
    for (size_t k = 0; k < w->nbed_changes; k++)
        most += w->bed_changes[k].change > 0 ? w->bed_changes[k].change : 0;
    return most > 2L * FLOW_MAX_BEDS ? 2 * FLOW_MAX_BEDS : (int)most;
}
