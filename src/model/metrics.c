/* metrics.c - what a replication reports. One table per section pairs each JSON key with the
 * function that computes it, so the list of metrics and their values cannot drift apart. */
#include "internal.h"

#include <flowsim/util.h>

#include <math.h>
#include <stdlib.h>

struct view {
    const struct flow_model *m;
    double t, days;        /* end of the run, length of the measured period */
};

static double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

static double ward_cost(const struct view *v, const struct ward *w, const struct flow_level *l)
{
    return w->spec->cost_per_bed_day * flow_level_mean(l, v->t, v->m->start) * v->days;
}

/* system */
static double sys_arrivals(const struct view *v, size_t i)
{
    double n = 0;
    for (size_t g = 0; g < v->m->sc->ngroups; g++)
        n += (double)v->m->groups[g].arrivals;
    return n / v->days;
}
static double sys_throughput(const struct view *v, size_t i) { return (double)v->m->departures / v->days; }
static double sys_los(const struct view *v, size_t i)
{
    double sum = 0;
    for (size_t g = 0; g < v->m->sc->ngroups; g++)
        sum += v->m->groups[g].los_sum;
    return ratio(sum, (double)v->m->departures);
}
static double sys_p50(const struct view *v, size_t i) { return flow_hist_quantile(&v->m->los_hist, 0.50); }
static double sys_p90(const struct view *v, size_t i) { return flow_hist_quantile(&v->m->los_hist, 0.90); }
static double sys_p95(const struct view *v, size_t i) { return flow_hist_quantile(&v->m->los_hist, 0.95); }
static double sys_cost(const struct view *v, size_t i)
{
    double cost = 0;
    for (size_t k = 0; k < v->m->sc->nwards; k++)
        cost += ward_cost(v, &v->m->wards[k], &v->m->wards[k].occ);
    for (size_t k = 0; k < v->m->sc->ntheatres; k++)
        cost += v->m->theatres[k].cost;
    return ratio(cost, (double)v->m->departures);
}

/* wards */
#define W (&v->m->wards[i])
static double w_occupied(const struct view *v, size_t i) { return flow_level_mean(&W->occ, v->t, v->m->start); }
static double w_occupancy(const struct view *v, size_t i) { return w_occupied(v, i) / W->spec->beds; }
static double w_p_full(const struct view *v, size_t i) { return flow_level_mean(&W->full, v->t, v->m->start); }
static double w_p_wait(const struct view *v, size_t i) { return ratio((double)W->waited, (double)W->admissions); }
static double w_wait(const struct view *v, size_t i) { return ratio(W->wait_sum * 24, (double)W->admissions); }
static double w_lost(const struct view *v, size_t i) { return ratio((double)W->diverted, (double)W->arrivals); }
static double w_blocked(const struct view *v, size_t i) { return flow_level_mean(&W->blocked_level, v->t, v->m->start); }
#undef W

/* groups */
#define G (&v->m->groups[i])
static double g_arrivals(const struct view *v, size_t i) { return (double)G->arrivals / v->days; }
static double g_los(const struct view *v, size_t i) { return ratio(G->los_sum, (double)G->departures); }
static double g_cost(const struct view *v, size_t i)
{
    double cost = 0;
    for (size_t k = 0; k < v->m->sc->nwards; k++)
        cost += ward_cost(v, &v->m->wards[k], &v->m->wards[k].by_group[i]);
    return ratio(cost + G->theatre_cost, (double)G->departures);
}
static double g_listed(const struct view *v, size_t i)
{
    return flow_level_mean(&G->listed_level, v->t, v->m->start);
}
static double g_listed_end(const struct view *v, size_t i) { return (double)G->listed; }
static double g_wait(const struct view *v, size_t i) { return ratio(G->wait_sum / 7, (double)G->operated); }
static double g_wait_p92(const struct view *v, size_t i) { return flow_hist_quantile(&G->wait_hist, 0.92); }
static double g_within(const struct view *v, size_t i)
{
    return ratio((double)G->within_18_weeks, (double)G->operated);
}
#undef G

/* theatres */
#define T (&v->m->theatres[i])
static double per_week(const struct view *v, double n) { return n / v->days * 7; }
static double t_lists(const struct view *v, size_t i) { return per_week(v, (double)T->lists); }
static double t_util(const struct view *v, size_t i) { return ratio(T->inside, T->list_time); }
static double t_underrun(const struct view *v, size_t i) { return ratio((double)T->underrun, (double)T->lists); }
static double t_late(const struct view *v, size_t i) { return ratio(T->late_sum * 1440, (double)T->lists); }
static double t_overrun(const struct view *v, size_t i) { return ratio(T->overrun_sum * 1440, (double)T->lists); }
static double t_turnaround(const struct view *v, size_t i)
{
    return ratio(T->turnaround_sum * 1440, (double)T->turnarounds);
}
static double t_cases(const struct view *v, size_t i) { return ratio((double)T->cases, (double)T->lists); }
static double t_no_bed(const struct view *v, size_t i) { return per_week(v, (double)T->cancelled_no_bed); }
static double t_unfit(const struct view *v, size_t i) { return per_week(v, (double)T->cancelled_unfit); }
static double t_over(const struct view *v, size_t i) { return per_week(v, (double)T->cancelled_overrun); }
static double t_cost(const struct view *v, size_t i) { return ratio(T->cost, (double)T->cases); }
#undef T

struct metric {
    const char *key, *label;
    double (*get)(const struct view *v, size_t i);
};

static const struct metric system_metrics[] = {
    {"arrivals_per_day", "arrivals per day", sys_arrivals},
    {"throughput_per_day", "patients leaving per day", sys_throughput},
    {"los_days", "length of stay, days (mean)", sys_los},
    {"los_days_p50", "length of stay, days (median)", sys_p50},
    {"los_days_p90", "length of stay, days (90th centile)", sys_p90},
    {"los_days_p95", "length of stay, days (95th centile)", sys_p95},
    {"cost_per_patient", "cost per patient", sys_cost},
};
static const struct metric ward_metrics[] = {
    {"mean_occupied_beds", "beds occupied (mean)", w_occupied},
    {"occupancy", "occupancy (fraction of beds)", w_occupancy},
    {"p_full", "time with every bed taken (fraction)", w_p_full},
    {"p_wait", "admissions that waited (fraction)", w_p_wait},
    {"mean_wait_hours", "wait for a bed, hours (mean)", w_wait},
    {"lost_fraction", "arrivals diverted (fraction)", w_lost},
    {"blocked_bed_days_per_day", "beds blocked by patients waiting to move on", w_blocked},
};
static const struct metric group_metrics[] = {
    {"arrivals_per_day", "arrivals per day", g_arrivals},
    {"los_days", "length of stay, days (mean)", g_los},
    {"cost_per_patient", "cost per patient", g_cost},
};
static const struct metric elective_metrics[] = {
    {"waiting_list_size", "waiting list (mean size)", g_listed},
    {"waiting_list_end", "waiting list at the end", g_listed_end},
    {"wait_weeks", "referral to operation, weeks (mean)", g_wait},
    {"wait_weeks_p92", "referral to operation, weeks (92nd centile)", g_wait_p92},
    {"p_within_18_weeks", "operated within 18 weeks (fraction)", g_within},
};
static const struct metric theatre_metrics[] = {
    {"lists_per_week", "lists per week", t_lists},
    {"utilisation", "operating time within lists (fraction)", t_util},
    {"p_list_underrun", "lists that under-ran (fraction)", t_underrun},
    {"late_start_minutes", "late start, minutes (mean)", t_late},
    {"overrun_minutes", "overrun, minutes (mean)", t_overrun},
    {"turnaround_minutes", "turnaround, minutes (mean)", t_turnaround},
    {"cases_per_list", "cases per list", t_cases},
    {"cancelled_no_bed_per_week", "cancelled on the day, no bed (per week)", t_no_bed},
    {"cancelled_unfit_per_week", "cancelled on the day, unfit (per week)", t_unfit},
    {"cancelled_overrun_per_week", "cancelled, list out of time (per week)", t_over},
    {"cost_per_case", "cost per case", t_cost},
};

#define COUNT(a) (sizeof a / sizeof a[0])

/* Calls fn for every metric in report order. */
static void each(const struct flow_scenario *s,
                 void (*fn)(void *arg, const char *section, const char *entity, size_t i,
                            const struct metric *mt),
                 void *arg)
{
    for (size_t k = 0; k < COUNT(system_metrics); k++)
        fn(arg, "system", NULL, 0, &system_metrics[k]);
    for (size_t i = 0; i < s->nwards; i++)
        for (size_t k = 0; k < COUNT(ward_metrics); k++)
            fn(arg, "wards", s->wards[i].name, i, &ward_metrics[k]);
    for (size_t i = 0; i < s->ntheatres; i++)
        for (size_t k = 0; k < COUNT(theatre_metrics); k++)
            fn(arg, "theatres", s->theatres[i].name, i, &theatre_metrics[k]);
    for (size_t i = 0; i < s->ngroups; i++) {
        for (size_t k = 0; k < COUNT(group_metrics); k++)
            fn(arg, "groups", s->groups[i].name, i, &group_metrics[k]);
        for (size_t k = 0; s->groups[i].elective && k < COUNT(elective_metrics); k++)
            fn(arg, "groups", s->groups[i].name, i, &elective_metrics[k]);
    }
}

struct defs_acc {
    struct flow_metric_def *defs;
    size_t n;
};

static void add_def(void *arg, const char *section, const char *entity, size_t i,
                    const struct metric *mt)
{
    struct defs_acc *a = arg;
    if (a->defs)
        a->defs[a->n] = (struct flow_metric_def){section, entity, mt->key, mt->label};
    a->n++;
}

struct flow_metric_def *flow_model_metric_defs(const struct flow_scenario *s, size_t *count)
{
    struct defs_acc a = {NULL, 0};
    each(s, add_def, &a);
    a.defs = flow_xcalloc(a.n, sizeof *a.defs);
    a.n = 0;
    each(s, add_def, &a);
    *count = a.n;
    return a.defs;
}

struct values_acc {
    struct view v;
    double *out;
    size_t n;
};

static void add_value(void *arg, const char *section, const char *entity, size_t i,
                      const struct metric *mt)
{
    struct values_acc *a = arg;
    a->out[a->n++] = mt->get(&a->v, i);
}

void flow_model_metrics(const struct flow_model *m, double *values)
{
    double t = flow_engine_now(m->engine);
    struct values_acc a = {{m, t, t - m->start}, values, 0};
    each(m->sc, add_value, &a);
}
