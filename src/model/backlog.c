/* backlog.c - how many patients wait in each queue at the start and at the end of the measured
 * period (ward beds, community places, elective waiting lists, assessors), for warnings about
 * queues that keep growing and patients still waiting when the run ends. */
#include "internal.h"

#include <flowsim/util.h>

size_t flow_model_backlog_count(const struct flow_scenario *s)
{
    return s->nwards + s->ncommunity + 2 * s->ngroups + 1;
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

void flow_backlog_mark(struct flow_model *m)
{
    if (m->backlog_start == NULL)
        m->backlog_start = flow_xcalloc(flow_model_backlog_count(m->sc) + 1, sizeof *m->backlog_start);
    backlog_now(m, m->backlog_start);
}

void flow_model_backlog(const struct flow_model *m, double *out)
{
    size_t n = flow_model_backlog_count(m->sc);
    double *end = flow_xcalloc(n + 1, sizeof *end);
    backlog_now(m, end);
    for (size_t k = 0; k < n; k++) {
        out[2 * k] = m->backlog_start ? m->backlog_start[k] : 0;
        out[2 * k + 1] = end[k];
    }
    free(end);
}
