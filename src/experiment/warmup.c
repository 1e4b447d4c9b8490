/* warmup.c - warm-up length by MSER on the replications' daily occupancy series, in 7-day
 * batches rather than MSER-5's 5-day ones: arrivals follow the day of the week, and a batch
 * of a whole week keeps that cycle from looking like a trend. A model
 * starts empty, so its early days under-state occupancy; MSER trades the bias of keeping them
 * against the variance of dropping data, and is the usual automatic rule in simulation
 * output analysis (White 1997; Hoad, Robinson and Davies 2010). */
#include <flowsim/error.h>
#include <flowsim/experiment.h>
#include <flowsim/limits.h>
#include <flowsim/util.h>
#include <flowsim/warmup.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH = 7 };   /* days per batch */

/* MSER on n batch means: the d (0 <= d <= n/2) minimising sum((y_i - mean)^2) / (n - d)^2
 * over i >= d. The sums of every tail come from one backward pass (Welford's update, which
 * keeps the sum of squares accurate), so a 1000-year series costs O(n), not O(n^2). */
static size_t mser(const double *y, size_t n, double *steady)
{
    size_t best = 0;
    double best_v = INFINITY, mean = 0, ss = 0;
    for (size_t d = n; d-- > 0;) {
        double k = (double)(n - d), delta = y[d] - mean;
        mean += delta / k;
        ss += delta * (y[d] - mean);
        if (d > n / 2)
            continue;
        double v = ss / (k * k);
        if (v <= best_v) {   /* ties go to the smaller d, as a forward search would choose */
            best_v = v;
            best = d;
            *steady = mean;
        }
    }
    return best;
}

/* The daily series of ward k's occupied beds (k < nwards), else of service k - nwards's
 * occupied places: found by name, as wards with changing beds or rounds have more series. */
static size_t occupancy_column(const struct flow_scenario *s, size_t k)
{
    char *want = k < s->nwards ? flow_xasprintf("wards.%s.occupied", s->wards[k].name)
                               : flow_xasprintf("community.%s.occupied", s->community[k - s->nwards].name);
    size_t col = flow_model_daily_index(s, want);
    free(want);
    return col;
}

int flow_warmup_run(const struct flow_scenario *s, struct flow_warmup_result *out)
{
    memset(out, 0, sizeof *out);
    size_t days = (size_t)floor(s->warmup_days + s->horizon_days);
    size_t nseries = s->nwards + s->ncommunity, width = flow_model_daily_count(s);
    if (2.0 * (double)days * (double)width > FLOW_MAX_KEPT_VALUES)   /* the mean and one run */
        return FLOW_E_TOO_BIG;
    double *sum = flow_xcalloc(days * width + 1, sizeof *sum);
    out->replications = (size_t)s->replications;
    out->days = days;
    out->batch_days = BATCH;
    int rc = 0;
    for (size_t rep = 0; rep < out->replications && rc == 0; rep++) {
        struct flow_model *m = flow_model_create(s, (uint32_t)rep);
        flow_model_record_daily(m, days);
        rc = flow_model_run(m);
        size_t got, n;
        const double *daily = flow_model_daily(m, &got, &n);
        for (size_t i = 0; rc == 0 && i < got * n; i++)
            sum[i] += daily[i] / (double)out->replications;
        flow_model_destroy(m);
    }
    size_t nb = days / BATCH;
    double *batch = flow_xcalloc(nb + 1, sizeof *batch);
    out->series = flow_xcalloc(nseries + 1, sizeof *out->series);
    for (size_t k = 0; rc == 0 && k < nseries && nb >= 2; k++) {
        size_t col = occupancy_column(s, k);
        for (size_t b = 0; b < nb; b++) {
            batch[b] = 0;
            for (size_t d = 0; d < BATCH; d++)
                batch[b] += sum[(b * BATCH + d) * width + col] / BATCH;
        }
        struct flow_warmup_series *w = &out->series[out->nseries++];
        w->metric = k < s->nwards ? flow_xasprintf("wards.%s.mean_occupied_beds", s->wards[k].name)
                                  : flow_xasprintf("community.%s.mean_occupied", s->community[k - s->nwards].name);
        w->warmup_days = (double)(mser(batch, nb, &w->steady_mean) * BATCH);
        out->recommended_days = fmax(out->recommended_days, w->warmup_days);
    }
    free(batch);
    free(sum);
    return rc;
}

void flow_warmup_fini(struct flow_warmup_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->nseries; i++)
        free(r->series[i].metric);
    free(r->series);
    memset(r, 0, sizeof *r);
}
