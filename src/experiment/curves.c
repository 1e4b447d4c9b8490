/* curves.c - a run's percentile curves (length of stay, waits, time in a ward: 99 percentiles
 * each) folded as replications finish, instead of kept a row per replication: the report
 * shows only their mean over replications, and the rows were a quarter of what a large run
 * kept. The finite values are summed in replication order, as the mean over kept rows sums
 * them, so the curves are the same numbers to the last bit; a replication that finishes
 * before one ahead of it waits in a queue (a few rows: threads take replications in order). */
#include "curves.h"

#include <flowsim/util.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t flow__curves_width(const struct flow_scenario *s)
{
    return 99 + s->nwards * 99 * (1 + (s->time_targets ? 1 : 0));
}

void flow__curves_init(struct flow_results *r)
{
    size_t w = flow__curves_width(r->scenario);
    r->curve_sum = flow_xcalloc(w, sizeof *r->curve_sum);
    r->curve_n = flow_xcalloc(w, sizeof *r->curve_n);
}

static void fold(struct flow_results *r, const double *row)
{
    size_t w = flow__curves_width(r->scenario);
    for (size_t k = 0; k < w; k++)
        if (isfinite(row[k])) {
            r->curve_sum[k] += row[k];
            r->curve_n[k]++;
        }
    r->curves_folded++;
}

void flow__curves_add(struct curve_queue *q, struct flow_results *r, size_t rep, double *row)
{
    flow_xgrow((void **)&q->rows, &q->cap, q->n + 1, sizeof *q->rows);
    q->rows[q->n++] = (struct curve_row){r, rep, row};
    for (bool folded = true; folded;) {
        folded = false;
        for (size_t i = 0; i < q->n; i++)
            if (q->rows[i].rep == q->rows[i].r->curves_folded) {
                fold(q->rows[i].r, q->rows[i].row);
                free(q->rows[i].row);
                q->rows[i--] = q->rows[--q->n];
                folded = true;
            }
    }
}

void flow__curves_drop(struct curve_queue *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->rows[i].row);
    free(q->rows);
    memset(q, 0, sizeof *q);
}

bool flow_results_has_curve(const struct flow_results *r, enum flow_curve c)
{
    if (c == FLOW_CURVE_TIME)
        return r->time_quantiles != NULL || (r->curve_sum != NULL && r->scenario->time_targets);
    return (c == FLOW_CURVE_LOS ? r->los_quantiles : r->wait_quantiles) != NULL || r->curve_sum != NULL;
}

void flow_results_curve(const struct flow_results *r, enum flow_curve c, size_t w, double out[99])
{
    size_t nw = r->scenario->nwards;
    size_t at = c == FLOW_CURVE_LOS ? 0 : c == FLOW_CURVE_WAIT ? 99 + w * 99 : 99 + nw * 99 + w * 99;
    const double *rows = c == FLOW_CURVE_LOS ? r->los_quantiles : c == FLOW_CURVE_WAIT ? r->wait_quantiles
                                                                                     : r->time_quantiles;
    size_t stride = c == FLOW_CURVE_LOS ? 99 : nw * 99, offset = c == FLOW_CURVE_LOS ? 0 : w * 99;
    for (size_t q = 0; q < 99; q++) {
        double sum = 0;
        size_t n = 0;
        if (rows == NULL) {
            sum = r->curve_sum[at + q], n = r->curve_n[at + q];
        } else {
            for (size_t rep = 0; rep < r->nreps; rep++) {
                double x = rows[rep * stride + offset + q];
                if (isfinite(x))
                    sum += x, n++;
            }
        }
        out[q] = n ? sum / (double)n : (double)NAN;
    }
}
