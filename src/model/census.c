/* census.c - observers that count at fixed times: the midnight census of occupied beds (how
 * the NHS publishes occupancy), occupancy by hour of the week, and the daily series (daily
 * means of every level from time 0, for warm-up analysis and CSV). They read the model; they
 * change nothing in it. */
#include "internal.h"

#include <flowsim/util.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One event a day, or an hour when profiling. The measured period (start, end] holds exactly
 * one midnight per measured day: the census closing each day is counted, the one at its start
 * is not (with no warm-up it is the empty hospital at time 0). The census runs after every
 * other event at its instant, so an admission at exactly 00:00 is in that midnight's count
 * and a departure at 00:00 is not. */
static void on_census(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    double t = model_now(m);
    if (t > m->start) {
        long hour = ((long)llround(t * 24) + 24L * m->sc->weekday0) % 168;   /* 0: Monday 00:00 */
        bool midnight = hour % 24 == 0;
        m->period.midnights += midnight;
        if (m->profiling)
            m->period.hour_samples[hour]++;
        for (size_t i = 0; i < m->sc->nwards; i++) {
            struct ward *w = &m->wards[i];
            if (midnight)
                w->period.midnight_sum += w->beds.in_use;
            if (m->profiling)
                w->hourly[hour] += w->beds.in_use;
        }
    }
    double next = m->profiling ? (llround(t * 24) + 1) / 24.0 : floor(t + 0.5) + 1;
    flow_engine_schedule(e, next, PRIO_CENSUS, on_census, m, 0);
}

void flow_census_start(struct flow_model *m)
{
    flow_engine_schedule(m->engine, 0, PRIO_CENSUS, on_census, m, 0);
}

void flow_census_mark(struct flow_model *m, double t)
{
    for (size_t i = 0; m->profiling && i < m->sc->nwards; i++)
        memset(m->wards[i].hourly, 0, 168 * sizeof *m->wards[i].hourly);
}

void flow_model_profile(struct flow_model *m)
{
    m->profiling = true;
    for (size_t i = 0; i < m->sc->nwards; i++) {
        m->wards[i].hourly = flow_xcalloc(168, sizeof *m->wards[i].hourly);
        flow_resource_keep_waits(&m->wards[i].beds, 24);
    }
}

void flow_model_wait_quantiles(const struct flow_model *m, double *out)
{
    for (size_t i = 0; i < m->sc->nwards; i++) {
        const struct flow_hist *h = m->wards[i].beds.wait_hist;
        for (int q = 1; q <= 99; q++)
            out[i * 99 + (size_t)q - 1] = h ? flow_hist_quantile(h, q / 100.0) : NAN;
    }
}

void flow_model_los_quantiles(const struct flow_model *m, double *out)
{
    for (int q = 1; q <= 99; q++)
        out[q - 1] = flow_hist_quantile(&m->los_hist, q / 100.0);
}

void flow_model_hourly(const struct flow_model *m, double *out)
{
    const uint64_t *n = m->period.hour_samples;
    for (size_t i = 0; i < m->sc->nwards; i++)
        for (int h = 0; h < 168; h++)
            out[i * 168 + h] = n[h] ? m->wards[i].hourly[h] / (double)n[h] : NAN;
}

/* ---- daily series --------------------------------------------------------------------- */

static size_t elective_index(const struct flow_scenario *s, size_t e);

/* The level behind daily series k (see flow_model_daily_name). */
static const struct flow_level *daily_level(const struct flow_model *m, size_t k)
{
    const struct flow_scenario *s = m->sc;
    if (k < 3 * s->nwards) {
        const struct ward *w = &m->wards[k / 3];
        return k % 3 == 0 ? &w->beds.use : k % 3 == 1 ? &w->beds.waiting : &w->blocked_level;
    }
    k -= 3 * s->nwards;
    if (k < 2 * s->ncommunity) {
        const struct service *sv = &m->services[k / 2];
        return k % 2 == 0 ? &sv->places.use : &sv->places.waiting;
    }
    return &m->groups[elective_index(s, k - 2 * s->ncommunity)].listed_level;
}

/* Each day's mean is the growth of the level's total area over the day: the end of warm-up
 * marks levels but does not change their totals, so no day is cut short by it. */
static void on_midnight(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct flow_model *m = ctx;
    double t = model_now(m);
    size_t n = flow_model_daily_count(m->sc);
    double *row = m->daily + m->daily_done * n;
    for (size_t k = 0; k < n; k++) {
        double a = flow_level_total(daily_level(m, k), t);
        row[k] = a - m->daily_prev[k];
        m->daily_prev[k] = a;
    }
    if (++m->daily_done < m->daily_days)
        flow_engine_schedule(e, t + 1, PRIO_DAILY, on_midnight, m, 0);
}

static size_t electives(const struct flow_scenario *s)
{
    size_t n = 0;
    for (size_t g = 0; g < s->ngroups; g++)
        n += s->groups[g].elective;
    return n;
}

/* The group index of the e-th elective group. */
static size_t elective_index(const struct flow_scenario *s, size_t e)
{
    for (size_t g = 0; g < s->ngroups; g++)
        if (s->groups[g].elective && e-- == 0)
            return g;
    return 0;
}

size_t flow_model_daily_count(const struct flow_scenario *s)
{
    return 3 * s->nwards + 2 * s->ncommunity + electives(s);
}

char *flow_model_daily_name(const struct flow_scenario *s, size_t k)
{
    static const char *const ward_kind[] = {"occupied", "waiting", "blocked"};
    static const char *const service_kind[] = {"occupied", "waiting_in_hospital"};
    if (k < 3 * s->nwards)
        return flow_xasprintf("wards.%s.%s", s->wards[k / 3].name, ward_kind[k % 3]);
    k -= 3 * s->nwards;
    if (k < 2 * s->ncommunity)
        return flow_xasprintf("community.%s.%s", s->community[k / 2].name, service_kind[k % 2]);
    return flow_xasprintf("groups.%s.waiting_list", s->groups[elective_index(s, k - 2 * s->ncommunity)].name);
}

void flow_model_record_daily(struct flow_model *m, size_t days)
{
    size_t n = flow_model_daily_count(m->sc);
    free(m->daily);
    free(m->daily_prev);
    m->daily = flow_xcalloc(days * n + 1, sizeof *m->daily);
    m->daily_prev = flow_xcalloc(n + 1, sizeof *m->daily_prev);
    m->daily_days = days;
    m->daily_done = 0;
    if (days > 0)
        flow_engine_schedule(m->engine, 1, PRIO_DAILY, on_midnight, m, 0);
}

const double *flow_model_daily(const struct flow_model *m, size_t *days, size_t *series)
{
    *days = m->daily_done;
    *series = flow_model_daily_count(m->sc);
    return m->daily;
}
