/* backlog.c - how many patients wait in each queue at the start and at the end of the measured
 * period (ward beds, community places, elective waiting lists, assessors), and the mean
 * occupancy of each ward and community service in the first quarter of the measured period and
 * in the rest, and the beds each ward was asked for and gave: for warnings about queues that keep
 * growing, wards loaded beyond their beds, patients still waiting when the run ends, and a
 * warm-up too short for the model to fill from empty. */
#include "internal.h"

#include <flowsim/util.h>

#include <math.h>

size_t flow_model_backlog_count(const struct flow_scenario *s)
{
    return s->nwards + s->ncommunity + 2 * s->ngroups + 1;
}

size_t flow_model_backlog_width(const struct flow_scenario *s)
{
    return 2 * (flow_model_backlog_count(s) + s->nwards + s->ncommunity + s->nwards);
}

/* The queues now, in the order of flow_model_backlog_count. */
static void backlog_now(const struct flow_model *m, double *out)
{
    const struct flow_scenario *s = m->sc;
    size_t k = 0;
    for (size_t i = 0; i < s->nwards; i++)
        out[k++] = (double)m->wards[i].beds.queue.len;
    for (size_t i = 0; i < s->ncommunity; i++)
        out[k++] = (double)m->services[i].places.queue.len;
    for (size_t g = 0; g < s->ngroups; g++)
        out[k++] = (double)m->groups[g].listed;
    out[k++] = (double)m->pools[0].queue.len;          /* the shared assessors */
    for (size_t g = 0; g < s->ngroups; g++) {           /* a group's own assessors */
        const struct resource *a = m->groups[g].assessors;
        out[k++] = a != NULL && a != &m->pools[0] ? (double)a->queue.len : 0;
    }
}

/* The occupancy totals (bed-days, place-days from time 0) of each ward, then each service. */
static void occupancy_now(const struct flow_model *m, double *out)
{
    const struct flow_scenario *s = m->sc;
    double t = model_now(m);
    for (size_t i = 0; i < s->nwards; i++)
        out[i] = flow_level_total(&m->wards[i].beds.use, t);
    for (size_t i = 0; i < s->ncommunity; i++)
        out[s->nwards + i] = flow_level_total(&m->services[i].places.use, t);
}

/* About a quarter into the measured period: where "early" occupancy ends. */
static void on_quarter(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    m->backlog_quarter_at = model_now(m);
    occupancy_now(m, m->backlog_start + flow_model_backlog_count(m->sc) + m->sc->nwards + m->sc->ncommunity);
}

void flow__backlog_mark(struct flow_model *m)
{
    const struct flow_scenario *s = m->sc;
    size_t nq = flow_model_backlog_count(s), nocc = s->nwards + s->ncommunity;
    if (m->backlog_start == NULL)
        m->backlog_start = flow_xcalloc(nq + 2 * nocc + 1, sizeof *m->backlog_start);
    backlog_now(m, m->backlog_start);
    occupancy_now(m, m->backlog_start + nq);
    /* About a quarter, in whole weeks so that weekly patterns weigh alike in both parts. */
    double quarter = 7 * floor(s->horizon_days / 28);
    m->backlog_quarter_at = -1;
    if (quarter > 0)
        flow_engine_schedule(m->engine, model_now(m) + quarter, PRIO_WARMUP, on_quarter, m, 0);
}

void flow_model_backlog(const struct flow_model *m, double *out)
{
    const struct flow_scenario *s = m->sc;
    size_t n = flow_model_backlog_count(s), nocc = s->nwards + s->ncommunity;
    double *now = flow_xcalloc(n + nocc + 1, sizeof *now);
    backlog_now(m, now);
    occupancy_now(m, now + n);
    for (size_t k = 0; k < n; k++) {
        out[2 * k] = m->backlog_start ? m->backlog_start[k] : 0;
        out[2 * k + 1] = now[k];
    }
    /* Mean occupancy early (start to the quarter) and late (the quarter to now); NAN when the
     * run did not reach the quarter. */
    double t = model_now(m), q = m->backlog_quarter_at;
    for (size_t k = 0; k < nocc; k++) {
        double *o = out + 2 * n + 2 * k;
        if (m->backlog_start == NULL || q < 0 || t <= q || q <= m->start) {
            o[0] = o[1] = NAN;
            continue;
        }
        double start = m->backlog_start[n + k], quarter = m->backlog_start[n + nocc + k];
        o[0] = (quarter - start) / (q - m->start);
        o[1] = (now[n + k] - quarter) / (t - q);
    }
    for (size_t i = 0; i < s->nwards; i++) {
        double *o = out + 2 * n + 2 * nocc + 2 * i;
        o[0] = (double)m->wards[i].beds.period.requests;
        o[1] = (double)m->wards[i].beds.period.taken;
    }
    free(now);
}
