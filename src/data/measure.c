/* measure.c - what `flowsim check` compares: the same measures of an extract's spells and of a
 * simulated run's, computed by the same code so that both are counted alike (stays and spells
 * begun in the period, still-open ones censored at its end): arrivals per day by group, length
 * of stay by ward and overall (mean and centiles of the ended ones), mean patients present by
 * ward, the share of each group's ended spells on each of the extract's routes, and patients
 * present by hour of the week. */
#include <flowsim/calendar.h>
#include <flowsim/extract.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t routes_total(const struct flow_measure_layout *L)
{
    size_t n = 0;
    for (size_t g = 0; g < L->ngroups; g++)
        n += L->routes[g].kept;
    return n;
}

size_t flow_measure_count(const struct flow_measure_layout *L)
{
    return L->ngroups + 5 * L->nwards + FLOW_MEASURE_LOS + routes_total(L);
}

/* Where each kind of value starts. */
static size_t at_los(const struct flow_measure_layout *L, size_t w) { return L->ngroups + FLOW_MEASURE_LOS * w; }
static size_t at_occupancy(const struct flow_measure_layout *L, size_t w)
{
    return L->ngroups + FLOW_MEASURE_LOS * (L->nwards + 1) + w;
}
static size_t at_route(const struct flow_measure_layout *L, size_t g, size_t k)
{
    size_t n = at_occupancy(L, L->nwards);
    for (size_t h = 0; h < g; h++)
        n += L->routes[h].kept;
    return n + k;
}

enum flow_measure_kind flow_measure_describe(const struct flow_measure_layout *L, size_t i, size_t *a, size_t *b)
{
    if (i < L->ngroups)
        return *a = i, FLOW_MEASURE_ARRIVALS;
    if (i < at_occupancy(L, 0)) {
        size_t k = i - L->ngroups;
        *a = k / FLOW_MEASURE_LOS, *b = k % FLOW_MEASURE_LOS;
        return *a == L->nwards ? FLOW_MEASURE_SPELL_LOS : FLOW_MEASURE_WARD_LOS;
    }
    if (i < at_occupancy(L, L->nwards))
        return *a = i - at_occupancy(L, 0), FLOW_MEASURE_OCCUPANCY;
    size_t k = i - at_occupancy(L, L->nwards);
    for (size_t g = 0; g < L->ngroups; g++) {
        if (k < L->routes[g].kept)
            return *a = g, *b = k, FLOW_MEASURE_ROUTE;
        k -= L->routes[g].kept;
    }
    return FLOW_MEASURE_ARRIVALS;
}

/* Mean and centiles 50, 90, 95 of n durations (sorted in place); NAN when there are none. */
static void los_values(double *v, size_t n, double *out)
{
    if (n == 0) {
        for (int k = 0; k < FLOW_MEASURE_LOS; k++)
            out[k] = NAN;
        return;
    }
    gsl_sort(v, 1, n);
    out[0] = gsl_stats_mean(v, 1, n);
    out[1] = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.5);
    out[2] = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.9);
    out[3] = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.95);
}

static bool same_route(const struct flow_stay *a, size_t na, const struct flow_route *r)
{
    if (na != r->n)
        return false;
    for (size_t j = 0; j < na; j++)
        if (a[j].ward != r->stays[j].ward)
            return false;
    return true;
}

/* Patients present by hour of the week: hours spent in each (hour of week) bin over the hours
 * that bin has in the period. Hour 0 is Monday 00:00. */
static void hourly_add(const struct flow_stay *st, double first, double last, double *ward_hours)
{
    double from = fmax(st->start, first), to = fmin(st->end, last);
    double weeks = floor((to - from) / 7) - 1;     /* whole weeks add an hour to every bin: at */
    if (weeks > 0) {                               /* once, so a stay of centuries costs a fortnight */
        for (int b = 0; b < 168; b++)
            ward_hours[b] += weeks;
        from += 7 * weeks;
    }
    while (from < to) {
        int64_t hour = (int64_t)floor(from * 24 + 1e-9);      /* hours since 1970-01-01 00:00 */
        double next = fmin((double)(hour + 1) / 24, to);
        int bin = flow_date_weekday(hour / 24) * 24 + (int)(hour % 24);
        if (next > from)
            ward_hours[bin] += (next - from) * 24;
        from = fmax(next, (double)(hour + 1) / 24);
    }
}

static void hourly_exposure(double first, double last, double *hours)
{
    struct flow_stay all = {.start = first, .end = last};
    memset(hours, 0, 168 * sizeof *hours);
    hourly_add(&all, first, last, hours);
}

/* Arrivals per day and routes taken by group, occupancy (and its hourly profile) by ward; ended
 * counts the ended spells by group. */
static void measure_flow(const struct flow_spells *sp, double first, double last, const struct flow_measure_layout *L,
                         double *values, double *hourly, size_t *ended)
{
    size_t W = L->nwards;
    double days = last - first;
    for (size_t i = 0; i < sp->nspells; i++) {
        const struct flow_spell *s = &sp->spells[i];
        uint32_t g = s->group;
        const struct flow_stay *st = &sp->stays[s->first];
        if (g < L->ngroups) {
            values[g] += 1 / days;
            if (!s->open) {
                ended[g]++;
                for (size_t k = 0; k < L->routes[g].kept; k++)
                    if (same_route(st, s->n, &L->routes[g].routes[k]))
                        values[at_route(L, g, k)]++;
            }
        }
        for (size_t j = 0; j < s->n; j++) {
            if (st[j].ward >= W)
                continue;
            values[at_occupancy(L, st[j].ward)] += (fmin(st[j].end, last) - fmax(st[j].start, first)) / days;
            if (hourly)
                hourly_add(&st[j], first, last, hourly + 168 * st[j].ward);
        }
    }
    for (size_t g = 0; g < L->ngroups; g++)
        for (size_t k = 0; k < L->routes[g].kept; k++)
            values[at_route(L, g, k)] = ended[g] ? values[at_route(L, g, k)] / (double)ended[g] : NAN;
}

/* Length of stay: each ward's ended stays, then (w == W) every ended spell; buf holds them. */
static void measure_los(const struct flow_spells *sp, const struct flow_measure_layout *L, double *values,
                        double *buf)
{
    size_t W = L->nwards;
    for (size_t w = 0; w <= W; w++) {
        size_t m = 0;
        for (size_t i = 0; i < sp->nspells; i++) {
            const struct flow_spell *s = &sp->spells[i];
            const struct flow_stay *st = &sp->stays[s->first];
            if (w == W) {
                if (!s->open)
                    buf[m++] = st[s->n - 1].end - st[0].start;
                continue;
            }
            for (size_t j = 0; j < s->n; j++)
                if (st[j].ward == w && !(st[j].flags & FLOW_EP_OPEN))
                    buf[m++] = st[j].end - st[j].start;
        }
        los_values(buf, m, values + at_los(L, w));
    }
}

int flow_measure(const struct flow_spells *sp, double first, double last,
                 const struct flow_measure_layout *L, double *values, double *hourly)
{
    size_t n = flow_measure_count(L), W = L->nwards;
    double *buf = malloc((sp->nstays + sp->nspells + 1) * sizeof *buf);
    size_t *ended = calloc(L->ngroups + 1, sizeof *ended);
    if (buf == NULL || ended == NULL) {
        free(buf), free(ended);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        values[i] = 0;
    if (hourly)
        memset(hourly, 0, W * 168 * sizeof *hourly);
    measure_flow(sp, first, last, L, values, hourly, ended);
    measure_los(sp, L, values, buf);
    if (hourly) {
        double exposure[168];
        hourly_exposure(first, last, exposure);
        for (size_t w = 0; w < W; w++)
            for (int h = 0; h < 168; h++)
                hourly[168 * w + h] = exposure[h] > 0 ? hourly[168 * w + h] / exposure[h] : NAN;
    }
    free(buf), free(ended);
    return 0;
}
