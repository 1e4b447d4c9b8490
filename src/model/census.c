/* census.c - observers that count at fixed times: the midnight census of occupied beds (how
 * the NHS publishes occupancy), occupancy by hour of the week, and the daily series (daily
 * means of every level from time 0, for warm-up analysis and CSV). They read the model; they
 * change nothing in it. */
#include "internal.h"

#include <flowsim/util.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* At each midnight, after every other event at its instant (flow_model_run calls it once the
 * events up to midnight have fired), so an admission at exactly 00:00 is in that midnight's
 * count and a departure at 00:00 is not. The measured period (start, end] holds exactly one
 * midnight per measured day: the census closing each day is counted, the one at its start is
 * not. The hourly profile samples the same way at every hour, from the beds' own changes
 * (flow__resource_sample_hours); neither needs an event. */
void flow__census_midnight(struct flow_model *m, double t)
{
    if (t > m->start) {
        m->period.midnights++;
        for (size_t i = 0; i < m->sc->nwards; i++)
            m->wards[i].period.midnight_sum += m->wards[i].beds.in_use;
    }
}

/* The end of the run: every ward's beds sampled to the last boundary at or before now, and the
 * boundaries of the measured period (start < k / 24 <= now) counted by hour of the week. */
void flow__census_finish(struct flow_model *m)
{
    if (!m->profiling)
        return;
    double t = model_now(m);
    for (size_t i = 0; i < m->sc->nwards; i++)
        flow__resource_sample_hours(m, &m->wards[i].beds, t, true);
    long first = (long)floor(m->start * 24), last = (long)floor(t * 24);
    while (first > 0 && (double)(first - 1) / 24 > m->start)
        first--;
    while ((double)first / 24 <= m->start)
        first++;
    while ((double)(last + 1) / 24 <= t)
        last++;
    while (last >= first && (double)last / 24 > t)
        last--;
    long n = last - first + 1, hour = (first + 24L * m->sc->weekday0) % 168;
    for (long j = 0; j < 168; j++)
        m->period.hour_samples[(hour + j) % 168] = n > 0 ? (uint64_t)(n / 168 + (j < n % 168)) : 0;
}

void flow__census_mark(struct flow_model *m, double t)
{
    for (size_t i = 0; m->profiling && i < m->sc->nwards; i++) {
        memset(m->wards[i].hourly, 0, 168 * sizeof *m->wards[i].hourly);
        if (m->wards[i].departures_hourly)
            memset(m->wards[i].departures_hourly, 0, 168 * sizeof *m->wards[i].departures_hourly);
        if (m->wards[i].hourly_beds)
            memset(m->wards[i].hourly_beds, 0, 168 * sizeof *m->wards[i].hourly_beds);
    }
}

void flow_model_profile(struct flow_model *m)
{
    m->profiling = true;
    for (size_t i = 0; i < m->sc->nwards; i++) {
        m->wards[i].hourly = flow_xcalloc(168, sizeof *m->wards[i].hourly);
        if (m->sc->wards[i].nrounds > 0)
            m->wards[i].departures_hourly = flow_xcalloc(168, sizeof *m->wards[i].departures_hourly);
        if (m->wards[i].beds.plan)
            m->wards[i].hourly_beds = flow_xcalloc(168, sizeof *m->wards[i].hourly_beds);
        flow__resource_keep_waits(&m->wards[i].beds, 24);
        flow__resource_keep_hours(&m->wards[i].beds, m->wards[i].hourly, m->wards[i].hourly_beds, m->sc->weekday0);
    }
}

/* The 1st to 99th percentiles of h (NAN for none), each times `scale`. */
static void percentiles(const struct flow_hist *h, double scale, double *out)
{
    double q[99];
    for (int k = 1; k <= 99; k++)
        q[k - 1] = k / 100.0;
    if (h == NULL) {
        for (int k = 0; k < 99; k++)
            out[k] = NAN;
        return;
    }
    flow_hist_quantiles(h, q, 99, out);
    for (int k = 0; scale != 1 && k < 99; k++)
        out[k] *= scale;
}

void flow_model_wait_quantiles(const struct flow_model *m, double *out)
{
    for (size_t i = 0; i < m->sc->nwards; i++)
        percentiles(m->wards[i].beds.wait_hist, 1, out + i * 99);
}

void flow_model_time_quantiles(const struct flow_model *m, double *out)
{
    for (size_t i = 0; i < m->sc->nwards; i++)
        percentiles(m->wards[i].time_hist, 24, out + i * 99);
}

void flow_model_los_quantiles(const struct flow_model *m, double *out)
{
    percentiles(&m->los_hist, 1, out);
}

/* Each ward's hour-of-week sums (per ward by `sums`, NULL for none) over the hours sampled. */
static void per_hour(const struct flow_model *m, double *out,
                     const double *(*sums)(const struct ward *w))
{
    const uint64_t *n = m->period.hour_samples;
    for (size_t i = 0; i < m->sc->nwards; i++) {
        const double *x = sums(&m->wards[i]);
        for (int h = 0; h < 168; h++)
            out[i * 168 + h] = x && n[h] ? x[h] / (double)n[h] : NAN;
    }
}

static const double *occupied(const struct ward *w) { return w->hourly; }
static const double *departures(const struct ward *w) { return w->departures_hourly; }
static const double *open_beds(const struct ward *w) { return w->hourly_beds; }

void flow_model_hourly(const struct flow_model *m, double *out) { per_hour(m, out, occupied); }
void flow_model_hourly_departures(const struct flow_model *m, double *out) { per_hour(m, out, departures); }
void flow_model_hourly_beds(const struct flow_model *m, double *out) { per_hour(m, out, open_beds); }

bool flow_model_has_bed_plans(const struct flow_scenario *s)
{
    for (size_t i = 0; i < s->nwards; i++)
        if (flow_week_beds_change(&s->wards[i]))
            return true;
    return false;
}

bool flow_model_has_rounds(const struct flow_scenario *s)
{
    for (size_t i = 0; i < s->nwards; i++)
        if (s->wards[i].nrounds > 0)
            return true;
    return false;
}

/* ---- daily series --------------------------------------------------------------------- */

static size_t elective_index(const struct flow_scenario *s, size_t e);
static size_t electives(const struct flow_scenario *s);

/* Each ward's daily series: occupied beds, patients waiting for one and beds blocked; open
 * beds when they change; beds held by ready patients when the ward has rounds; the fraction of
 * the day with every bed taken. */
enum ward_series { WS_OCCUPIED, WS_WAITING, WS_BLOCKED, WS_BEDS, WS_READY, WS_FULL };
static const char *const ward_series_names[] = {"occupied", "waiting", "blocked", "open_beds", "ready", "full_fraction"};

/* The forecast's series (full, and discharge.delayed) only for a run from a census: other
 * scenarios keep their daily.csv exactly. */
static bool ward_has_series(const struct flow_scenario *s, const struct flow_ward_spec *w, int kind)
{
    return kind < WS_BEDS || (kind == WS_BEDS && flow_week_beds_change(w)) ||
           (kind == WS_READY && w->nrounds > 0) || (kind == WS_FULL && s->ninitial > 0);
}

static size_t ward_series_count(const struct flow_scenario *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nwards; i++)
        for (int kind = 0; kind <= WS_FULL; kind++)
            n += ward_has_series(s, &s->wards[i], kind);
    return n;
}

/* Finds the ward and kind of ward series k (< ward_series_count). */
static void ward_series_at(const struct flow_scenario *s, size_t k, size_t *ward, int *kind)
{
    for (size_t i = 0; i < s->nwards; i++)
        for (int c = 0; c <= WS_FULL; c++)
            if (ward_has_series(s, &s->wards[i], c) && k-- == 0) {
                *ward = i;
                *kind = c;
                return;
            }
}

/* The level behind daily series k (see flow_model_daily_name). */
static const struct flow_level *daily_level(const struct flow_model *m, size_t k)
{
    const struct flow_scenario *s = m->sc;
    size_t nw = ward_series_count(s);
    if (k < nw) {
        size_t i;
        int kind;
        ward_series_at(s, k, &i, &kind);
        const struct ward *w = &m->wards[i];
        switch (kind) {
        case WS_OCCUPIED: return &w->beds.use;
        case WS_WAITING: return &w->beds.waiting;
        case WS_BLOCKED: return &w->blocked_level;
        case WS_BEDS: return &w->beds.plan->level;
        case WS_FULL: return &w->beds.full;
        default: return &w->ready_level;
        }
    }
    k -= nw;
    if (k < 2 * s->ncommunity) {
        const struct service *sv = &m->services[k / 2];
        return k % 2 == 0 ? &sv->places.use : &sv->places.waiting;
    }
    k -= 2 * s->ncommunity;
    if (k < electives(s))
        return &m->groups[elective_index(s, k)].listed_level;
    return &m->delayed;                /* discharge.delayed */
}

/* Each day's mean is the growth of the level's total area over the day, read at midnight
 * before any event of that instant (flow_model_run calls this between the events before
 * midnight and those at it): the end of warm-up marks levels but does not change their
 * totals, so no day is cut short by it. */
void flow__census_daily(struct flow_model *m, double t)
{
    size_t n = m->daily_width;
    double *row = m->daily + m->daily_done * n;
    for (size_t k = 0; k < n; k++) {
        double a = flow_level_total(m->daily_levels[k], t);
        row[k] = a - m->daily_prev[k];
        m->daily_prev[k] = a;
    }
    m->daily_done++;
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
    return ward_series_count(s) + 2 * s->ncommunity + electives(s) +
           (s->ninitial > 0 && flow_model_any_discharge(s) ? 1 : 0);
}

char *flow_model_daily_name(const struct flow_scenario *s, size_t k)
{
    static const char *const service_kind[] = {"occupied", "waiting_in_hospital"};
    size_t nw = ward_series_count(s);
    if (k < nw) {
        size_t i;
        int kind;
        ward_series_at(s, k, &i, &kind);
        return flow_xasprintf("wards.%s.%s", s->wards[i].name, ward_series_names[kind]);
    }
    k -= nw;
    if (k < 2 * s->ncommunity)
        return flow_xasprintf("community.%s.%s", s->community[k / 2].name, service_kind[k % 2]);
    k -= 2 * s->ncommunity;
    if (k < electives(s))
        return flow_xasprintf("groups.%s.waiting_list", s->groups[elective_index(s, k)].name);
    return flow_xstrdup("discharge.delayed");
}

void flow_model_record_daily(struct flow_model *m, size_t days)
{
    size_t n = flow_model_daily_count(m->sc);
    free(m->daily);
    free(m->daily_prev);
    free(m->daily_levels);
    m->daily_levels = flow_xcalloc(n + 1, sizeof *m->daily_levels);
    for (size_t k = 0; k < n; k++)
        m->daily_levels[k] = daily_level(m, k);
    m->daily = flow_xcalloc(days * n + 1, sizeof *m->daily);
    m->daily_prev = flow_xcalloc(n + 1, sizeof *m->daily_prev);
    m->daily_days = days;
    m->daily_done = 0;
    m->daily_width = n;
}

const double *flow_model_daily(const struct flow_model *m, size_t *days, size_t *series)
{
    *days = m->daily_done;
    *series = flow_model_daily_count(m->sc);
    return m->daily;
}

size_t flow_model_daily_index(const struct flow_scenario *s, const char *name)
{
    size_t width = flow_model_daily_count(s);
    for (size_t k = 0; k < width; k++) {
        char *n = flow_model_daily_name(s, k);
        bool hit = strcmp(n, name) == 0;
        free(n);
        if (hit)
            return k;
    }
    return width;
}
