/* metrics.c - what a replication reports. One table per section pairs each JSON key with the
 * function that computes it, so the list of metrics and their values cannot drift apart. */
#include "internal.h"

#include <flowsim/util.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

struct view {
    const struct flow_model *m;
    double t, days;        /* end of the run, length of the measured period */
    size_t k;              /* metrics of a list of targets: which target */
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
        n += (double)v->m->groups[g].period.arrivals;
    return n / v->days;
}
static double sys_throughput(const struct view *v, size_t i) { return (double)v->m->period.departures / v->days; }
static double sys_los(const struct view *v, size_t i)
{
    double sum = 0;
    for (size_t g = 0; g < v->m->sc->ngroups; g++)
        sum += v->m->groups[g].period.los_sum;
    return ratio(sum, (double)v->m->period.departures);
}
static double sys_p50(const struct view *v, size_t i) { return flow_hist_quantile(&v->m->los_hist, 0.50); }
static double sys_p90(const struct view *v, size_t i) { return flow_hist_quantile(&v->m->los_hist, 0.90); }
static double sys_p95(const struct view *v, size_t i) { return flow_hist_quantile(&v->m->los_hist, 0.95); }
static double place_cost(const struct view *v, const struct service *s, const struct flow_level *l)
{
    return s->spec->cost_per_day * flow_level_mean(l, v->t, v->m->start) * v->days;
}

/* Beds, theatre lists, and assessments done in hospital. */
static double hospital_cost(const struct view *v)
{
    const struct flow_model *m = v->m;
    double cost = 0;
    for (size_t k = 0; k < m->sc->nwards; k++)
        cost += ward_cost(v, &m->wards[k], &m->wards[k].beds.use);
    for (size_t k = 0; k < m->sc->ntheatres; k++)
        cost += m->theatres[k].period.cost;
    for (size_t g = 0; g < m->sc->ngroups; g++)
        cost += m->groups[g].period.hospital_assessment_cost;
    return cost;
}

/* Community places, and assessments done in the community. */
static double community_cost(const struct view *v)
{
    const struct flow_model *m = v->m;
    double cost = 0;
    for (size_t k = 0; k < m->sc->ncommunity; k++)
        cost += place_cost(v, &m->services[k], &m->services[k].places.use);
    for (size_t g = 0; g < m->sc->ngroups; g++)
        cost += m->groups[g].period.community_assessment_cost;
    return cost;
}

static double sys_cost(const struct view *v, size_t i)
{
    return ratio(hospital_cost(v) + community_cost(v), (double)v->m->period.departures);
}
static double sys_hospital_cost(const struct view *v, size_t i)
{
    return ratio(hospital_cost(v), (double)v->m->period.departures);
}
static double sys_community_cost(const struct view *v, size_t i)
{
    return ratio(community_cost(v), (double)v->m->period.departures);
}

/* wards */
#define W (&v->m->wards[i])
static double w_occupied(const struct view *v, size_t i) { return flow_level_mean(&W->beds.use, v->t, v->m->start); }
static double w_mean_beds(const struct view *v, size_t i) { return flow_level_mean(&W->beds.plan->level, v->t, v->m->start); }
/* Beds that change: occupied over open beds on average (a fixed ward divides by its beds). */
static double w_occupancy(const struct view *v, size_t i)
{
    return W->beds.plan ? ratio(w_occupied(v, i), w_mean_beds(v, i)) : w_occupied(v, i) / W->spec->beds;
}
static double w_escalation_beds(const struct view *v, size_t i)
{
    return flow_level_mean(&W->beds.plan->extra_level, v->t, v->m->start);
}
static double w_escalation_openings(const struct view *v, size_t i) { return (double)W->beds.period.openings / v->days * 7; }
static double w_ready(const struct view *v, size_t i) { return flow_level_mean(&W->ready_level, v->t, v->m->start); }
static double w_before_noon(const struct view *v, size_t i)
{
    return ratio((double)W->period.before_noon, (double)W->period.departures);
}
static double w_departure_hour(const struct view *v, size_t i)
{
    return ratio(W->period.departure_hours, (double)W->period.departures);
}
/* Departures per Saturday or Sunday over departures per other day (calendar weekdays). */
static double w_weekend_ratio(const struct view *v, size_t i)
{
    double weekend = flow__round_weekend_days(v->m->sc, v->m->start, v->t), weekdays = v->days - weekend;
    double on_weekdays = (double)(W->period.departures - W->period.weekend);
    return ratio(ratio((double)W->period.weekend, weekend), ratio(on_weekdays, weekdays));
}
static double w_p_full(const struct view *v, size_t i) { return flow_level_mean(&W->beds.full, v->t, v->m->start); }
static double w_p_wait(const struct view *v, size_t i) { return ratio((double)W->beds.period.waited, (double)W->beds.period.taken); }
static double w_wait(const struct view *v, size_t i) { return ratio(W->beds.period.wait_sum * 24, (double)W->beds.period.taken); }
static double w_lost(const struct view *v, size_t i) { return ratio((double)W->beds.period.lost, (double)W->beds.period.requests); }
static double w_midnight(const struct view *v, size_t i)
{
    return ratio(W->period.midnight_sum, (double)v->m->period.midnights);
}
/* Patients waiting for a bed here when the run ends (front door, or blocked elsewhere). */
static double w_still_waiting(const struct view *v, size_t i) { return (double)W->beds.queue.len; }
/* The mean wait over admissions and the patients still waiting, whose waits so far (censored
 * at the end of the run) count as waits: a lower bound that, unlike mean_wait_hours, does not
 * leave out the longest waits of a ward that cannot keep up. */
static double w_wait_censored(const struct view *v, size_t i)
{
    double sum = W->beds.period.wait_sum;
    for (uint32_t id = W->beds.queue.head; id != NONE; id = v->m->patients[id].next)
        sum += v->t - v->m->patients[id].requested;
    return ratio(sum * 24, (double)(W->beds.period.taken + W->beds.queue.len));
}
static double w_blocked(const struct view *v, size_t i) { return flow_level_mean(&W->blocked_level, v->t, v->m->start); }
static double w_time(const struct view *v, size_t i) { return ratio(W->period.time_sum * 24, (double)W->period.left); }
static double w_time_p95(const struct view *v, size_t i) { return flow_hist_quantile(W->time_hist, 0.95) * 24; }
static double w_within(const struct view *v, size_t i)
{
    return ratio((double)W->period.within[v->k], (double)W->period.left);
}
static double w_reneged(const struct view *v, size_t i) { return ratio((double)W->period.reneged, (double)W->beds.period.requests); }
static double w_outlied(const struct view *v, size_t i) { return ratio((double)W->period.outlied, (double)W->beds.period.requests); }
static double w_outliers(const struct view *v, size_t i) { return flow_level_mean(&W->outliers_level, v->t, v->m->start); }
#undef W

/* groups */
#define G (&v->m->groups[i])
static double g_arrivals(const struct view *v, size_t i) { return (double)G->period.arrivals / v->days; }
static double g_los(const struct view *v, size_t i) { return ratio(G->period.los_sum, (double)G->period.departures); }
static double g_cost(const struct view *v, size_t i)
{
    double cost = 0;
    for (size_t k = 0; k < v->m->sc->nwards; k++)
        cost += ward_cost(v, &v->m->wards[k], &v->m->wards[k].beds.by_class[i]);
    for (size_t k = 0; k < v->m->sc->ncommunity; k++)
        cost += place_cost(v, &v->m->services[k], &v->m->services[k].places.by_class[i]);
    cost += G->period.theatre_cost + G->period.hospital_assessment_cost + G->period.community_assessment_cost;
    return ratio(cost, (double)G->period.departures);
}
static double g_bed_wait(const struct view *v, size_t i)
{
    return ratio(G->period.bed_wait_sum * 24, (double)G->period.admissions);
}
static double g_listed(const struct view *v, size_t i)
{
    return flow_level_mean(&G->listed_level, v->t, v->m->start);
}
static double g_listed_end(const struct view *v, size_t i) { return (double)G->listed; }
static double g_wait(const struct view *v, size_t i) { return ratio(G->period.wait_sum / 7, (double)G->period.operated); }
static double g_wait_p92(const struct view *v, size_t i) { return flow_hist_quantile(&G->wait_hist, 0.92); }
static double g_within(const struct view *v, size_t i)
{
    return ratio((double)G->period.within_18_weeks, (double)G->period.operated);
}
static double g_wait_within(const struct view *v, size_t i)
{
    return ratio((double)G->period.first_within[v->k], (double)G->period.first_beds);
}
/* Days on the group's list beyond `after` days in the measured period: those who left it, and
 * those still on it (listed or booked) up to now. */
static double list_overdue(const struct view *v, size_t i, double after, double done)
{
    const struct flow_model *m = v->m;
    for (size_t k = 0; k < m->npatients; k++) {
        const struct patient *p = &m->patients[k];
        if (p->group == i && (p->state == PS_LISTED || p->state == PS_BOOKED))
            done += flow__list_overdue(m, p->referred, after, v->t);
    }
    return done;
}
/* Incomplete pathways: the time-averaged share of the list waiting under 18 weeks. */
static double g_list_within_18(const struct view *v, size_t i)
{
    double listed = flow_level_mean(&G->listed_level, v->t, v->m->start) * v->days;
    return ratio(listed - list_overdue(v, i, 18 * 7, G->period.over_18_weeks), listed);
}
static double g_list_over_52(const struct view *v, size_t i)
{
    return list_overdue(v, i, 52 * 7, G->period.over_52_weeks) / v->days;
}
static double g_within_due(const struct view *v, size_t i)
{
    return ratio((double)G->period.within_due, (double)G->period.operated);
}
static double g_removals(const struct view *v, size_t i) { return (double)G->period.removals / v->days * 7; }
#undef G

/* discharge */
static double d_delayed(const struct view *v, size_t i) { return flow_level_mean(&v->m->delayed, v->t, v->m->start); }
static double d_fit_to_leave(const struct view *v, size_t i) { return ratio(v->m->period.fit_to_leave, (double)v->m->period.fit_left); }
static double d_same_next(const struct view *v, size_t i)
{
    return ratio((double)v->m->period.same_or_next_day, (double)v->m->period.departures);
}
#define P (&v->m->period.pathways[i])
static double p_left(const struct view *v, size_t i) { return (double)P->left / v->days; }
static double p_fit_to_leave(const struct view *v, size_t i) { return ratio(P->fit_to_leave, (double)P->left); }
static double p_readmit(const struct view *v, size_t i) { return (double)P->readmissions / v->days; }
#undef P
#define C (&v->m->services[i])
static double c_occupied(const struct view *v, size_t i) { return flow_level_mean(&C->places.use, v->t, v->m->start); }
static double c_occupancy(const struct view *v, size_t i)
{
    return C->spec->capacity > 0 ? c_occupied(v, i) / C->spec->capacity : NAN;
}
static double c_wait(const struct view *v, size_t i) { return ratio(C->places.period.wait_sum, (double)C->places.period.taken); }
static double c_queue(const struct view *v, size_t i)
{
    return flow_level_mean(C->spec->visits_per_day > 0 ? &C->visit_waiting : &C->places.waiting, v->t, v->m->start);
}
static double c_visits_used(const struct view *v, size_t i) { return flow_level_mean(&C->used_level, v->t, v->m->start); }
static double c_visits_unmet(const struct view *v, size_t i) { return flow_level_mean(&C->unmet_level, v->t, v->m->start); }
static double c_lost(const struct view *v, size_t i) { return ratio((double)C->places.period.lost, (double)C->places.period.requests); }
#undef C

/* theatres */
#define T (&v->m->theatres[i])
static double per_week(const struct view *v, double n) { return n / v->days * 7; }
static double t_lists(const struct view *v, size_t i) { return per_week(v, (double)T->period.lists); }
static double t_util(const struct view *v, size_t i) { return ratio(T->period.inside, T->period.list_time); }
static double t_underrun(const struct view *v, size_t i) { return ratio((double)T->period.underrun, (double)T->period.lists); }
static double t_late(const struct view *v, size_t i) { return ratio(T->period.late_sum * 1440, (double)T->period.lists); }
static double t_overrun(const struct view *v, size_t i) { return ratio(T->period.overrun_sum * 1440, (double)T->period.lists); }
static double t_turnaround(const struct view *v, size_t i)
{
    return ratio(T->period.turnaround_sum * 1440, (double)T->period.turnarounds);
}
static double t_cases(const struct view *v, size_t i) { return ratio((double)T->period.cases, (double)T->period.lists); }
static double t_no_bed(const struct view *v, size_t i) { return per_week(v, (double)T->period.cancelled_no_bed); }
static double t_unfit(const struct view *v, size_t i) { return per_week(v, (double)T->period.cancelled_unfit); }
static double t_over(const struct view *v, size_t i) { return per_week(v, (double)T->period.cancelled_overrun); }
static double t_cost(const struct view *v, size_t i) { return ratio(T->period.cost, (double)T->period.cases); }
#undef T

/* unit: "fraction" (0 to 1), "hours", "days", "weeks", "minutes", "beds", "places",
 * "patients", "cases", "per day", "per week", "money" or "ratio"; every metric is at least 0. */
struct metric {
    const char *key, *label, *unit;
    int better;            /* 1: higher is better, -1: lower is better, 0: neither (a volume) */
    double (*get)(const struct view *v, size_t i);
};

static const struct metric system_metrics[] = {
    {"arrivals_per_day", "arrivals per day", "per day", 0, sys_arrivals},
    {"throughput_per_day", "patients leaving per day", "per day", 0, sys_throughput},
    {"los_days", "length of stay, days (mean)", "days", -1, sys_los},
    {"los_days_p50", "length of stay, days (median)", "days", -1, sys_p50},
    {"los_days_p90", "length of stay, days (90th centile)", "days", -1, sys_p90},
    {"los_days_p95", "length of stay, days (95th centile)", "days", -1, sys_p95},
    {"cost_per_patient", "cost per patient", "money", -1, sys_cost},
};
static const struct metric cost_split_metrics[] = {
    {"hospital_cost_per_patient", "hospital cost per patient", "money", -1, sys_hospital_cost},
    {"community_cost_per_patient", "community cost per patient", "money", -1, sys_community_cost},
};
static const struct metric discharge_metrics[] = {
    {"delayed_bed_days_per_day", "beds held by medically fit patients (delayed)", "beds", -1, d_delayed},
    {"fit_to_leave_days", "medically fit to leaving hospital, days (mean)", "days", -1, d_fit_to_leave},
    {"p_same_or_next_day", "left on admission day or the next (fraction)", "fraction", 1, d_same_next},
};
static const struct metric pathway_metrics[] = {
    {"patients_per_day", "patients per day", "per day", 0, p_left},
    {"fit_to_leave_days", "medically fit to leaving hospital, days (mean)", "days", -1, p_fit_to_leave},
    {"readmissions_per_day", "readmissions per day", "per day", -1, p_readmit},
};
static const struct metric community_metrics[] = {
    {"mean_occupied", "places occupied (mean)", "places", 0, c_occupied},
    {"occupancy", "occupancy (fraction of places)", "fraction", 0, c_occupancy},
    {"mean_wait_days", "wait for a place, days (mean)", "days", -1, c_wait},
    {"queue_in_hospital", "waiting for a place in a hospital bed (mean)", "patients", -1, c_queue},
};
/* Services with a capacity in visits a day. */
static const struct metric community_visit_metrics[] = {
    {"visits_used", "visits a day in use (mean)", "visits a day", 0, c_visits_used},
    {"visits_unmet", "visits a day wanted by patients waiting (mean)", "visits a day", -1, c_visits_unmet},
};
/* Services that turn patients away when full. */
static const struct metric community_divert_metrics[] = {
    {"lost_fraction", "patients turned away, full (fraction)", "fraction", -1, c_lost},
};
static const char *const pathway_names[4] = {"P0", "P1", "P2", "P3"};

bool flow_model_any_discharge(const struct flow_scenario *s)
{
    for (size_t g = 0; g < s->ngroups; g++)
        if (s->groups[g].discharge.enabled)
            return true;
    return false;
}
static const struct metric ward_metrics[] = {
    {"mean_occupied_beds", "beds occupied (mean)", "beds", 0, w_occupied},
};
/* Wards with bed changes or escalation. */
static const struct metric ward_bed_metrics[] = {
    {"mean_beds", "open beds (mean)", "beds", 0, w_mean_beds},
};
static const struct metric ward_rest_metrics[] = {
    {"occupancy", "occupancy (fraction of beds)", "fraction", 0, w_occupancy},
    {"p_full", "time with every bed taken (fraction)", "fraction", -1, w_p_full},
    {"p_wait", "admissions that waited (fraction)", "fraction", -1, w_p_wait},
    {"mean_wait_hours", "wait for a bed, hours (mean)", "hours", -1, w_wait},
    {"lost_fraction", "arrivals diverted (fraction)", "fraction", -1, w_lost},
    {"blocked_bed_days_per_day", "beds blocked by patients waiting to move on", "beds", -1, w_blocked},
    {"midnight_occupied_beds", "beds occupied at midnight (mean census)", "beds", 0, w_midnight},
    {"still_waiting_end", "waiting for a bed at the end of the run", "patients", -1, w_still_waiting},
    {"mean_wait_hours_censored", "wait for a bed, hours (mean, incl. waiting)", "hours", -1,
     w_wait_censored},
};
static const struct metric ward_escalation_metrics[] = {
    {"escalation_bed_days_per_day", "escalation beds open (mean)", "beds", -1, w_escalation_beds},
    {"escalation_openings_per_week", "escalation openings per week", "per week", -1, w_escalation_openings},
};
/* Wards with rounds. */
static const struct metric ward_round_metrics[] = {
    {"ready_bed_days_per_day", "beds held by patients ready to leave", "beds", -1, w_ready},
    {"p_leave_before_noon", "left the ward before noon (fraction)", "fraction", 1, w_before_noon},
    {"weekend_departures_ratio", "departures per weekend day over per weekday", "ratio", 1, w_weekend_ratio},
    {"mean_departure_hour", "hour of the day patients left the ward (mean)", "hour of day", -1, w_departure_hour},
};
/* The front door (frontdoor.c), each only where its key is given: time in the ward (every ward
 * when some ward has targets), patience, outlying from and to a ward. */
static const struct metric ward_time_metrics[] = {
    {"time_in_ward_hours", "time in the ward, hours (mean)", "hours", -1, w_time},
    {"time_in_ward_hours_p95", "time in the ward, hours (95th centile)", "hours", -1, w_time_p95},
};
static const struct metric ward_patience_metrics[] = {
    {"reneged_fraction", "gave up waiting for a bed (fraction)", "fraction", -1, w_reneged},
};
static const struct metric ward_outlie_metrics[] = {
    {"outlied_fraction", "placed in another ward, outlying (fraction)", "fraction", -1, w_outlied},
};
static const struct metric ward_host_metrics[] = {
    {"outliers_mean", "beds taken by other wards' outliers (mean)", "beds", -1, w_outliers},
};
/* Elective groups, when some elective group gives due or leave_list. */
static const struct metric list_measure_metrics[] = {
    {"waiting_list_within_18_weeks", "on the list under 18 weeks (fraction)", "fraction", 1, g_list_within_18},
    {"waiting_list_over_52_weeks", "on the list over 52 weeks (mean)", "patients", -1, g_list_over_52},
};
static const struct metric due_metrics[] = {
    {"p_within_due", "operated within due (fraction)", "fraction", 1, g_within_due},
};
static const struct metric leave_list_metrics[] = {
    {"removals_per_week", "left the list untreated (per week)", "per week", 0, g_removals},
};
static const struct metric group_metrics[] = {
    {"arrivals_per_day", "arrivals per day", "per day", 0, g_arrivals},
    {"los_days", "length of stay, days (mean)", "days", -1, g_los},
    {"cost_per_patient", "cost per patient", "money", -1, g_cost},
};
/* When the scenario gives priorities. */
static const struct metric group_priority_metrics[] = {
    {"mean_wait_hours", "wait for a bed, hours (mean over admissions)", "hours", -1, g_bed_wait},
};
static const struct metric elective_metrics[] = {
    {"waiting_list_size", "waiting list (mean size)", "patients", -1, g_listed},
    {"waiting_list_end", "waiting list at the end", "patients", -1, g_listed_end},
    {"wait_weeks", "referral to operation, weeks (mean)", "weeks", -1, g_wait},
    {"wait_weeks_p92", "referral to operation, weeks (92nd centile)", "weeks", -1, g_wait_p92},
    {"p_within_18_weeks", "operated within 18 weeks (fraction)", "fraction", 1, g_within},
};
static const struct metric theatre_metrics[] = {
    {"lists_per_week", "lists per week", "per week", 0, t_lists},
    {"utilisation", "operating time within lists (fraction)", "fraction", 1, t_util},
    {"p_list_underrun", "lists that under-ran (fraction)", "fraction", -1, t_underrun},
    {"late_start_minutes", "late start, minutes (mean)", "minutes", -1, t_late},
    {"overrun_minutes", "overrun, minutes (mean)", "minutes", -1, t_overrun},
    {"turnaround_minutes", "turnaround, minutes (mean)", "minutes", -1, t_turnaround},
    {"cases_per_list", "cases per list", "cases", 1, t_cases},
    {"cancelled_no_bed_per_week", "cancelled on the day, no bed (per week)", "per week", -1, t_no_bed},
    {"cancelled_unfit_per_week", "cancelled on the day, unfit (per week)", "per week", -1, t_unfit},
    {"cancelled_overrun_per_week", "cancelled, list out of time (per week)", "per week", -1, t_over},
    {"cost_per_case", "cost per case", "money", -1, t_cost},
};

#define COUNT(a) (sizeof a / sizeof a[0])

/* The result-size limit (limits.h) counts metrics per entity with these numbers. */
_Static_assert(COUNT(system_metrics) + COUNT(cost_split_metrics) + COUNT(discharge_metrics) +
               4 * COUNT(pathway_metrics) == FLOW_METRICS_SYSTEM_MAX, "system metrics");
_Static_assert(COUNT(ward_metrics) + COUNT(ward_rest_metrics) == FLOW_METRICS_PER_WARD_BASE, "ward metrics");
_Static_assert(COUNT(ward_bed_metrics) == FLOW_METRICS_PER_WARD_BEDS, "ward bed metrics");
_Static_assert(COUNT(ward_escalation_metrics) == FLOW_METRICS_PER_WARD_ESCALATION, "escalation metrics");
_Static_assert(COUNT(ward_round_metrics) == FLOW_METRICS_PER_WARD_ROUNDS, "round metrics");
_Static_assert(FLOW_METRICS_PER_WARD_BASE + FLOW_METRICS_PER_WARD_BEDS + FLOW_METRICS_PER_WARD_ESCALATION +
               FLOW_METRICS_PER_WARD_ROUNDS == FLOW_METRICS_PER_WARD, "ward metrics at most");
_Static_assert(COUNT(theatre_metrics) == FLOW_METRICS_PER_THEATRE, "theatre metrics");
_Static_assert(COUNT(group_metrics) + COUNT(elective_metrics) == FLOW_METRICS_PER_GROUP_BASE, "group metrics");
_Static_assert(COUNT(group_priority_metrics) == FLOW_METRICS_PER_GROUP_PRIORITY, "priority metrics");
_Static_assert(FLOW_METRICS_PER_GROUP_BASE + FLOW_METRICS_PER_GROUP_PRIORITY == FLOW_METRICS_PER_GROUP, "group metrics at most");
_Static_assert(COUNT(community_metrics) == FLOW_METRICS_PER_SERVICE, "service metrics");

/* Called with each metric; k is the target of a metric of a list of targets (else 0). */
typedef void (*each_fn)(void *arg, const char *section, const char *entity, size_t i, size_t k,
                        const struct metric *mt);

static void each_target(const struct flow_targets *t, const char *section, const char *entity, size_t i,
                        double (*get)(const struct view *v, size_t i), each_fn fn, void *arg)
{
    for (size_t k = 0; k < t->n; k++) {
        struct metric mt = {t->key[k], t->label[k], "fraction", 1, get};   /* within a target */
        fn(arg, section, entity, i, k, &mt);
    }
}

static void each_of(const struct metric *list, size_t n, bool when, const char *section,
                    const char *entity, size_t i, each_fn fn, void *arg)
{
    for (size_t k = 0; when && k < n; k++)
        fn(arg, section, entity, i, 0, &list[k]);
}

static void each_frontdoor_ward(const struct flow_scenario *s, size_t i, each_fn fn, void *arg)
{
    const struct flow_ward_spec *w = &s->wards[i];
    each_of(ward_time_metrics, COUNT(ward_time_metrics), s->time_targets, "wards", w->name, i, fn, arg);
    each_target(&w->targets, "wards", w->name, i, w_within, fn, arg);
    each_of(ward_patience_metrics, COUNT(ward_patience_metrics), w->has_patience, "wards", w->name, i, fn, arg);
    each_of(ward_outlie_metrics, COUNT(ward_outlie_metrics), w->when_full == FLOW_WHEN_FULL_OUTLIE, "wards",
            w->name, i, fn, arg);
    each_of(ward_host_metrics, COUNT(ward_host_metrics), w->outlier_host, "wards", w->name, i, fn, arg);
}

static void each_frontdoor_group(const struct flow_scenario *s, size_t i, each_fn fn, void *arg)
{
    const struct flow_group_spec *g = &s->groups[i];
    each_target(&g->wait_targets, "groups", g->name, i, g_wait_within, fn, arg);
    each_of(list_measure_metrics, COUNT(list_measure_metrics), g->elective && s->list_measures, "groups",
            g->name, i, fn, arg);
    each_of(due_metrics, COUNT(due_metrics), g->due > 0, "groups", g->name, i, fn, arg);
    each_of(leave_list_metrics, COUNT(leave_list_metrics), g->has_leave_list, "groups", g->name, i, fn, arg);
}

/* Calls fn for every metric in report order. */
static void each(const struct flow_scenario *s, each_fn fn, void *arg)
{
    bool discharge = flow_model_any_discharge(s);
    for (size_t k = 0; k < COUNT(system_metrics); k++)
        fn(arg, "system", NULL, 0, 0, &system_metrics[k]);
    for (size_t k = 0; (discharge || s->ncommunity) && k < COUNT(cost_split_metrics); k++)
        fn(arg, "system", NULL, 0, 0, &cost_split_metrics[k]);
    for (size_t k = 0; discharge && k < COUNT(discharge_metrics); k++)
        fn(arg, "discharge", NULL, 0, 0, &discharge_metrics[k]);
    for (size_t i = 0; discharge && i < 4; i++)
        for (size_t k = 0; k < COUNT(pathway_metrics); k++)
            fn(arg, "pathways", pathway_names[i], i, 0, &pathway_metrics[k]);
    for (size_t i = 0; i < s->ncommunity; i++) {
        for (size_t k = 0; k < COUNT(community_metrics); k++)
            fn(arg, "community", s->community[i].name, i, 0, &community_metrics[k]);
        for (size_t k = 0; s->community[i].visits_per_day > 0 && k < COUNT(community_visit_metrics); k++)
            fn(arg, "community", s->community[i].name, i, 0, &community_visit_metrics[k]);
        for (size_t k = 0; s->community[i].when_full == FLOW_WHEN_FULL_DIVERT && k < COUNT(community_divert_metrics); k++)
            fn(arg, "community", s->community[i].name, i, 0, &community_divert_metrics[k]);
    }
    for (size_t i = 0; i < s->nwards; i++) {
        const struct flow_ward_spec *w = &s->wards[i];
        bool changes = flow_week_beds_change(w);
        for (size_t k = 0; k < COUNT(ward_metrics); k++)
            fn(arg, "wards", w->name, i, 0, &ward_metrics[k]);
        for (size_t k = 0; changes && k < COUNT(ward_bed_metrics); k++)
            fn(arg, "wards", w->name, i, 0, &ward_bed_metrics[k]);
        for (size_t k = 0; k < COUNT(ward_rest_metrics); k++)
            fn(arg, "wards", w->name, i, 0, &ward_rest_metrics[k]);
        for (size_t k = 0; w->escalation.beds > 0 && k < COUNT(ward_escalation_metrics); k++)
            fn(arg, "wards", w->name, i, 0, &ward_escalation_metrics[k]);
        for (size_t k = 0; w->nrounds > 0 && k < COUNT(ward_round_metrics); k++)
            fn(arg, "wards", w->name, i, 0, &ward_round_metrics[k]);
        each_frontdoor_ward(s, i, fn, arg);
    }
    for (size_t i = 0; i < s->ntheatres; i++)
        for (size_t k = 0; k < COUNT(theatre_metrics); k++)
            fn(arg, "theatres", s->theatres[i].name, i, 0, &theatre_metrics[k]);
    for (size_t i = 0; i < s->ngroups; i++) {
        for (size_t k = 0; k < COUNT(group_metrics); k++)
            fn(arg, "groups", s->groups[i].name, i, 0, &group_metrics[k]);
        for (size_t k = 0; s->priorities && k < COUNT(group_priority_metrics); k++)
            fn(arg, "groups", s->groups[i].name, i, 0, &group_priority_metrics[k]);
        for (size_t k = 0; s->groups[i].elective && k < COUNT(elective_metrics); k++)
            fn(arg, "groups", s->groups[i].name, i, 0, &elective_metrics[k]);
        each_frontdoor_group(s, i, fn, arg);
    }
}

/* Every fixed metric of every section, for documentation and reports that must label metrics
 * without a scenario (a saved sweep); targets' metrics (within_4h, wait_within_2h...) are
 * named by the scenario and left out. Entities are NULL. */
struct flow_metric_def *flow_metric_catalogue(size_t *count)
{
    static const struct {
        const char *section;
        const struct metric *list;
        size_t n;
    } tables[] = {
#define T(sec, t) {sec, t, COUNT(t)}
        T("system", system_metrics), T("system", cost_split_metrics), T("discharge", discharge_metrics),
        T("pathways", pathway_metrics), T("community", community_metrics), T("community", community_divert_metrics),
        T("community", community_visit_metrics),
        T("wards", ward_metrics),
        T("wards", ward_bed_metrics), T("wards", ward_rest_metrics), T("wards", ward_escalation_metrics),
        T("wards", ward_round_metrics), T("wards", ward_time_metrics), T("wards", ward_patience_metrics),
        T("wards", ward_outlie_metrics), T("wards", ward_host_metrics), T("theatres", theatre_metrics),
        T("groups", group_metrics), T("groups", group_priority_metrics), T("groups", elective_metrics),
        T("groups", list_measure_metrics), T("groups", due_metrics), T("groups", leave_list_metrics),
#undef T
    };
    size_t n = 0;
    for (size_t t = 0; t < COUNT(tables); t++)
        n += tables[t].n;
    struct flow_metric_def *defs = flow_xcalloc(n, sizeof *defs);
    n = 0;
    for (size_t t = 0; t < COUNT(tables); t++)
        for (size_t k = 0; k < tables[t].n; k++) {
            const struct metric *mt = &tables[t].list[k];
            defs[n++] = (struct flow_metric_def){tables[t].section, NULL, mt->key, mt->label, mt->unit, mt->better};
        }
    *count = n;
    return defs;
}

struct defs_acc {
    struct flow_metric_def *defs;
    size_t n;
};

static void add_def(void *arg, const char *section, const char *entity, size_t i, size_t k,
                    const struct metric *mt)
{
    (void)k;
    struct defs_acc *a = arg;
    if (a->defs)
        a->defs[a->n] = (struct flow_metric_def){section, entity, mt->key, mt->label, mt->unit, mt->better};
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

static void add_value(void *arg, const char *section, const char *entity, size_t i, size_t k,
                      const struct metric *mt)
{
    struct values_acc *a = arg;
    a->v.k = k;
    a->out[a->n++] = mt->get(&a->v, i);
#ifdef FLOW_INVARIANTS
    flow__invariants_check_metric(a->v.m, section, entity, mt->key, mt->unit, a->out[a->n - 1]);
#endif
}

void flow_model_metrics(const struct flow_model *m, double *values)
{
    double t = flow_engine_now(m->engine);
    struct values_acc a = {{m, t, t - m->start, 0}, values, 0};
    each(m->sc, add_value, &a);
#ifdef FLOW_INVARIANTS
    flow__invariants_check_outputs(m);
#endif
}
