/* test_behaviour.c - the model's rules that mean values cannot see: queue order (traced, and
 * M/M/1 wait percentiles against P(W > t) = rho e^-(mu - lambda) t), capacity of assessors
 * (M/D/1 by Pollaczek-Khinchine), the warm-up reset of every metric, the census hour, every
 * cost term, percentiles, the same-or-next-day rule and the 18-week threshold, each with an
 * exact or closed-form answer. tools/mutate plants a bug for each and expects a failure here. */
#include "expect.h"

#include <flowsim/experiment.h>
#include <flowsim/model.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- queue order ------------------------------------------------------------------------ */

/* Checks from the trace that every queue is served first come, first served: a patient who
 * waited for a place (ward bed, assessor, community place) gets it only when everyone who
 * started waiting for that place before it has. */
enum { MAXQ = 8, MAXW = 100000 };
struct fifo_check {
    char place[MAXQ][32];
    uint64_t waiting[MAXQ][MAXW];
    size_t head[MAXQ], tail[MAXQ];
    size_t nplaces;
    uint64_t served, violations;
    enum flow_trace_event wait_ev, start_ev;
};

static size_t place_index(struct fifo_check *c, const char *place)
{
    const char *name = place ? place : "assessors";
    for (size_t i = 0; i < c->nplaces; i++)
        if (strcmp(c->place[i], name) == 0)
            return i;
    ck_assert(c->nplaces < MAXQ);
    snprintf(c->place[c->nplaces], sizeof c->place[0], "%s", name);
    return c->nplaces++;
}

static int fifo_trace(void *arg, double time, uint64_t patient, const char *group,
                      enum flow_trace_event ev, const char *place, int resource)
{
    struct fifo_check *c = arg;
    if (ev != c->wait_ev && ev != c->start_ev)
        return 0;
    size_t q = place_index(c, place);
    if (ev == c->wait_ev) {
        ck_assert(c->tail[q] < MAXW);
        c->waiting[q][c->tail[q]++] = patient;
        return 0;
    }
    for (size_t i = c->head[q]; i < c->tail[q]; i++)
        if (c->waiting[q][i] == patient) {      /* it waited: it must be first in line */
            c->violations += i != c->head[q];
            c->waiting[q][i] = c->waiting[q][c->head[q]];
            c->head[q]++;
            c->served++;
            return 0;
        }
    return 0;
}

static void expect_fifo(const char *text, enum flow_trace_event wait_ev, enum flow_trace_event start_ev,
                        uint64_t min_served)
{
    static struct fifo_check c;
    memset(&c, 0, sizeof c);
    c.wait_ev = wait_ev;
    c.start_ev = start_ev;
    struct flow_scenario *s = test_load(text, NULL, 0);
    struct flow_model *m = flow_model_create(s, 0);
    flow_model_trace(m, fifo_trace, &c);
    ck_assert_int_eq(flow_model_run(m), 0);
    ck_assert_msg(c.served >= min_served, "only %llu patients waited", (unsigned long long)c.served);
    ck_assert_msg(c.violations == 0, "%llu of %llu served out of turn", (unsigned long long)c.violations,
                  (unsigned long long)c.served);
    flow_model_destroy(m);
    flow_scenario_destroy(s);
}

/* Emergency patients move from an assessment unit to a ward, so the ward's queue mixes new
 * patients and blocked transfers; the assessment and community queues of a busy discharge
 * team are checked too. */
static const char *busy_hospital =
    "name: Busy\nhorizon: 200d\nwarmup: 0d\nreplications: 1\nseed: 77\n"
    "wards:\n  - {name: AMU, beds: 6}\n  - {name: Ward, beds: 12}\n"
    "community:\n  - {name: home_care, capacity: 8, stay: {dist: exponential, mean: 2d}}\n"
    "discharge:\n  model: assess_in_hospital\n  assessment: {dist: exponential, mean: 0.3d}\n"
    "  assessment_capacity: 2\n"
    "  pathways:\n    - {pathway: 0, share: 0.4, delay: {dist: fixed, value: 2h}}\n"
    "    - {pathway: 1, share: 0.6, service: home_care}\n"
    "groups:\n  - name: acute\n    arrivals: {rate: 5/d}\n"
    "    route:\n      - {ward: AMU, stay: {dist: exponential, mean: 0.5d}}\n"
    "      - {ward: Ward, p: 0.7, stay: {dist: exponential, mean: 2d}}\n";

START_TEST(beds_are_first_come_first_served)
{
    expect_fifo(busy_hospital, FLOW_TRACE_WAIT_BED, FLOW_TRACE_BED, 200);
}
END_TEST

START_TEST(assessors_are_first_come_first_served)
{
    expect_fifo(busy_hospital, FLOW_TRACE_ASSESSMENT_WAIT, FLOW_TRACE_ASSESSMENT_START, 100);
}
END_TEST

START_TEST(community_places_are_first_come_first_served)
{
    expect_fifo(busy_hospital, FLOW_TRACE_SERVICE_WAIT, FLOW_TRACE_SERVICE_START, 100);
}
END_TEST

/* Runs a scenario's replications with hourly profiles and percentiles on `threads` threads;
 * the caller finishes with flow_results_fini and flow_scenario_destroy(*s). */
static struct flow_results run_profiled(const char *text, int threads, struct flow_scenario **s)
{
    *s = test_load(text, NULL, 0);
    struct flow_results r;
    struct flow_run_options o = {.threads = threads, .profile = true};
    ck_assert_int_eq(flow_experiment_run(*s, &o, &r, NULL), 0);
    return r;
}

/* M/M/1 first come, first served: P(W > t) = rho e^-(mu - lambda) t, so the q-quantile of the
 * wait (q > 1 - rho) is ln(rho / (1 - q)) / (mu - lambda). Last come, first served has the same
 * mean but a different spread (more short waits, a longer tail), so the centiles tell them
 * apart. rho = 0.5 keeps the run-to-run spread of the centiles small. */
START_TEST(mm1_wait_percentiles_match_fifo_theory)
{
    const char *text = "name: MM1\nhorizon: 50000d\nwarmup: 100d\nreplications: 8\nseed: 31\n"
                       "wards: [{name: Ward, beds: 1}]\ngroups:\n  - name: all\n"
                       "    arrivals: {rate: 0.5/d}\n"
                       "    route: [{ward: Ward, stay: {dist: exponential, mean: 1d}}]\n";
    struct flow_scenario *s;
    struct flow_results r = run_profiled(text, 2, &s);
    const double lambda = 0.5, mu = 1, rho = 0.5;
    const int qs[] = {60, 75, 90, 95};
    for (size_t k = 0; k < 4; k++) {
        double q = qs[k] / 100.0, theory = 24 * log(rho / (1 - q)) / (mu - lambda), mean = 0;
        for (size_t rep = 0; rep < r.nreps; rep++)
            mean += r.wait_quantiles[rep * 99 + (size_t)qs[k] - 1] / (double)r.nreps;
        ck_assert_msg(fabs(mean - theory) < 0.04 * theory, "wait p%d: %.4g hours, theory %.4g",
                      qs[k], mean, theory);
    }
    flow_results_fini(&r);
    flow_scenario_destroy(s);
}
END_TEST

/* ---- capacity ----------------------------------------------------------------------------- */

/* One assessor, fixed half-day assessments, Poisson medically-fit patients (the output of an
 * M/M/infinity ward) at 1.5 a day: the assessor is M/D/1 with rho = 0.75, whose mean wait is
 * rho s / (2 (1 - rho)) = 0.75 d (Pollaczek-Khinchine). Unlimited community places, so fit to
 * leaving is the wait plus the assessment. */
START_TEST(one_assessor_is_md1)
{
    const char *text =
        "name: MD1 assessor\nhorizon: 3000d\nwarmup: 100d\nreplications: 10\nseed: 8\n"
        "wards: [{name: Ward, beds: 1000}]\ncommunity: [{name: care, stay: {dist: fixed, value: 1d}}]\n"
        "discharge:\n  model: assess_in_hospital\n  assessment: {dist: fixed, value: 0.5d}\n"
        "  assessment_capacity: 1\n  pathways: [{pathway: 1, share: 1, service: care}]\n"
        "groups:\n  - name: all\n    arrivals: {rate: 1.5/d}\n"
        "    route: [{ward: Ward, stay: {dist: exponential, mean: 2d}}]\n";
    struct flow_results r = run_text(text, NULL, 0);
    expect_near(&r, "discharge.fit_to_leave_days", 0.75 + 0.5, 0.04);
    done(&r);
}
END_TEST

/* ---- warm-up ------------------------------------------------------------------------------ */

/* Everything happens on Monday: emergency patients queue for one bed in AMU and block it
 * waiting for one bed in Ward, a theatre list runs, fit patients wait for an assessor and a
 * community place, and some are readmitted on Tuesday at the latest. By Wednesday the hospital is
 * empty again (all but the elective waiting list). The warm-up covers Monday to Wednesday, so
 * every metric of Thursday to Sunday must be zero or undefined: a statistic the warm-up forgot
 * to reset shows Monday's activity. */
static const char *monday_only =
    "name: Monday\nhorizon: 4d\nwarmup: 3d\nreplications: 4\nseed: 3\n"
    "wards:\n  - {name: AMU, beds: 1, cost_per_bed_day: 100}\n  - {name: Ward, beds: 1, cost_per_bed_day: 100}\n"
    "  - {name: Day, beds: 1, when_full: divert}\n"
    "theatres:\n  - name: T\n    cost_per_hour: 100\n    late_start: {dist: fixed, value: 10m}\n"
    "    turnaround: {dist: fixed, value: 5m}\n"
    "    sessions: [{days: [mon], start: \"09:00\", length: 4h}]\n"
    "community:\n  - {name: care, capacity: 1, stay: {dist: fixed, value: 1h}, cost_per_day: 10}\n"
    "discharge:\n  model: assess_in_hospital\n  assessment: {dist: fixed, value: 30m}\n"
    "  assessment_capacity: 1\n  cost_per_assessment: 5\n"
    "  pathways:\n    - {pathway: 0, share: 0.5, delay: {dist: fixed, value: 30m},\n"
    "       readmission: {p: 0.5, after: {dist: fixed, value: 2h}, group: acute}}\n"
    "    - {pathway: 1, share: 0.5, service: care}\n"
    "groups:\n  - name: acute\n    arrivals:\n      rate: 2/d\n"
    "      by_hour: [0,0,0,0,0,0,0,0,1,1,1,1,1,1,0,0,0,0,0,0,0,0,0,0]\n"
    "      by_weekday: [1, 0, 0, 0, 0, 0, 0]\n"
    "    route:\n      - {ward: AMU, stay: {dist: fixed, value: 20m}}\n"
    "      - {ward: Ward, stay: {dist: fixed, value: 20m}}\n"
    "  - name: walkin\n    arrivals:\n      rate: 1/d\n"
    "      by_hour: [0,0,0,0,0,0,0,0,1,1,1,1,1,1,0,0,0,0,0,0,0,0,0,0]\n"
    "      by_weekday: [1, 0, 0, 0, 0, 0, 0]\n"
    "    route: [{ward: Day, stay: {dist: fixed, value: 2h}}]\n"
    "    discharge: {pathways: [{pathway: 0, share: 1}]}\n"
    "  - name: ops\n    arrivals: {referrals: 0/d}\n    initial_waiting_list: 20\n"
    "    route:\n      - {theatre: T, operation: {dist: fixed, value: 50m}, planned: 50m, p_unfit_on_day: 0.2}\n"
    "      - {ward: Ward, p: 0.5, stay: {dist: fixed, value: 1h}}\n";

/* The metrics that may be non-zero after an empty period: the waiting list still there. */
static bool may_be_nonzero(const char *path)
{
    return strstr(path, "waiting_list_size") || strstr(path, "waiting_list_end");
}

START_TEST(warmup_resets_every_metric)
{
    /* Without the warm-up the same days show Monday's activity in every kind of metric. */
    const char *whole[] = {"warmup=0d", "horizon=7d"};
    struct flow_results busy = run_text(monday_only, whole, 2);
    const char *busy_paths[] = {"wards.AMU.mean_occupied_beds", "wards.AMU.mean_wait_hours",
        "wards.AMU.blocked_bed_days_per_day", "wards.AMU.p_full", "wards.Day.lost_fraction",
        "theatres.T.lists_per_week", "theatres.T.cancelled_unfit_per_week",
        "groups.ops.wait_weeks", "discharge.delayed_bed_days_per_day",
        "community.care.mean_occupied", "pathways.P0.readmissions_per_day", "system.cost_per_patient",
        "system.los_days_p90", "discharge.p_same_or_next_day"};
    for (size_t k = 0; k < sizeof busy_paths / sizeof *busy_paths; k++)
        ck_assert_msg(get(&busy, busy_paths[k]).mean > 0, "%s is 0 even with Monday measured", busy_paths[k]);
    done(&busy);

    struct flow_results r = run_text(monday_only, NULL, 0);
    for (size_t k = 0; k < r.nmetrics; k++) {
        char path[256];
        const struct flow_metric_def *d = &r.defs[k];
        snprintf(path, sizeof path, "%s%s%s.%s", d->section, d->entity ? "." : "",
                 d->entity ? d->entity : "", d->key);
        if (may_be_nonzero(path))
            continue;
        for (size_t rep = 0; rep < r.nreps; rep++) {
            double v = r.values[rep * r.nmetrics + k];
            ck_assert_msg(isnan(v) || v == 0, "%s is %g after an empty measured period", path, v);
        }
    }
    done(&r);
}
END_TEST

/* ---- the census --------------------------------------------------------------------------- */

/* Patients arrive only between 23:00 and midnight and stay exactly 12 hours: at midnight the
 * ward holds that hour's arrivals, Poisson(20), and at noon nobody. A census at the wrong hour
 * reads 0; one that also counts the empty hospital at time 0 (11 censuses for 10 days) reads
 * 20 x 10 / 11. */
START_TEST(midnight_census_counts_the_last_hour)
{
    const char *text =
        "name: Late\nhorizon: 10d\nwarmup: 0d\nreplications: 400\nseed: 12\n"
        "wards: [{name: Ward, beds: 1000}]\ngroups:\n  - name: late\n    arrivals:\n      rate: 20/d\n"
        "      by_hour: [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]\n"
        "    route: [{ward: Ward, stay: {dist: fixed, value: 12h}}]\n";
    struct flow_results r = run_text(text, NULL, 0);
    expect_near(&r, "wards.Ward.midnight_occupied_beds", 20, 0.02);
    done(&r);
}
END_TEST

/* The same ward by hour of the week: from 00:00 to 11:00 it holds the last hour's arrivals (a
 * patient who came at 23:xx leaves at 11:xx), from 12:00 to 23:00 nobody (the count at 23:00
 * sharp is taken before any arrival of that hour can have stayed). */
START_TEST(occupancy_by_hour_follows_the_clock)
{
    const char *text =
        "name: Late\nhorizon: 70d\nwarmup: 7d\nreplications: 20\nseed: 12\n"
        "wards: [{name: Ward, beds: 1000}]\ngroups:\n  - name: late\n    arrivals:\n      rate: 20/d\n"
        "      by_hour: [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]\n"
        "    route: [{ward: Ward, stay: {dist: fixed, value: 12h}}]\n";
    struct flow_scenario *s;
    struct flow_results r = run_profiled(text, 2, &s);
    for (int h = 0; h < 168; h++) {
        double mean = 0;
        for (size_t rep = 0; rep < r.nreps; rep++)
            mean += r.hourly[rep * 168 + (size_t)h] / (double)r.nreps;
        if (h % 24 < 12)
            ck_assert_msg(fabs(mean - 20) < 1.5, "hour %d of the week: %g beds, 20 expected", h, mean);
        else
            ck_assert_msg(mean == 0, "hour %d of the week: %g beds, none expected", h, mean);
    }
    flow_results_fini(&r);
    flow_scenario_destroy(s);
}
END_TEST

/* The hourly profile at changes that fall exactly on the hour, all known in advance: a census of
 * fixed stays (three leave at 24 h and 30 h, one stays past the end) and a bed change from 00:00
 * to 24:00 on Tuesdays. A boundary reads the ward after every event at its instant, the first
 * (00:00 at the start) is not in the period and the last (00:00 at the end) is. */
START_TEST(occupancy_by_hour_on_the_hour)
{
    const char *text =
        "name: Hours\nstart: 2027-01-04\nhorizon: 7d\nwarmup: 0d\nreplications: 1\nseed: 1\n"
        "wards:\n  - {name: W, beds: 10, bed_changes: [{days: [tue], change: -4}]}\n"
        "groups:\n  - {name: g, arrivals: {rate: 0/d}, route: [{ward: W, stay: {dist: fixed, value: 30h}}]}\n"
        "  - {name: h, arrivals: {rate: 0/d}, route: [{ward: W, stay: {dist: fixed, value: 10d}}]}\n"
        "initial:\n  - {ward: W, group: g, elapsed: [0h, 6h, 6h]}\n  - {ward: W, group: h, elapsed: [0h]}\n";
    struct flow_scenario *s;
    struct flow_results r = run_profiled(text, 1, &s);
    ck_assert_ptr_nonnull(r.hourly_beds);
    for (int h = 0; h < 168; h++) {
        double occupied = h == 0 ? 1 : h < 24 ? 4 : h < 30 ? 2 : 1, open = h >= 24 && h < 48 ? 6 : 10;
        ck_assert_msg(r.hourly[h] == occupied, "hour %d: %g occupied, %g expected", h, r.hourly[h], occupied);
        ck_assert_msg(r.hourly_beds[h] == open, "hour %d: %g open, %g expected", h, r.hourly_beds[h], open);
    }
    flow_results_fini(&r);
    flow_scenario_destroy(s);
}
END_TEST

/* Two stays in a row in the same ward keep the same bed: nobody blocks, however full the ward. */
START_TEST(next_stay_in_the_same_ward_keeps_the_bed)
{
    const char *text = "name: Same\nhorizon: 500d\nwarmup: 10d\nreplications: 4\nseed: 2\n"
                       "wards: [{name: A, beds: 3}]\ngroups:\n  - name: g\n    arrivals: {rate: 2.5/d}\n"
                       "    route:\n      - {ward: A, stay: {dist: exponential, mean: 0.5d}}\n"
                       "      - {ward: A, stay: {dist: exponential, mean: 0.5d}}\n";
    struct flow_results r = run_text(text, NULL, 0);
    ck_assert(get(&r, "wards.A.p_full").mean > 0.2);
    expect_exact(&r, "wards.A.blocked_bed_days_per_day", 0);
    done(&r);
}
END_TEST

/* Patients take pathways in proportion to their shares. */
START_TEST(pathways_in_proportion_to_shares)
{
    const char *text =
        "name: Shares\nhorizon: 1000d\nwarmup: 20d\nreplications: 4\nseed: 6\n"
        "wards: [{name: Ward, beds: 1000}]\n"
        "community:\n  - {name: a, stay: {dist: fixed, value: 1d}}\n  - {name: b, stay: {dist: fixed, value: 1d}}\n"
        "  - {name: c, stay: {dist: fixed, value: 1d}}\n"
        "discharge:\n  assessment: {dist: fixed, value: 1h}\n  pathways:\n    - {pathway: 0, share: 0.4}\n"
        "    - {pathway: 1, share: 0.3, service: a}\n    - {pathway: 2, share: 0.2, service: b}\n"
        "    - {pathway: 3, share: 0.1, service: c}\n"
        "groups:\n  - name: g\n    arrivals: {rate: 10/d}\n"
        "    route: [{ward: Ward, stay: {dist: exponential, mean: 1d}}]\n";
    struct flow_results r = run_text(text, NULL, 0);
    expect_near(&r, "pathways.P0.patients_per_day", 4, 0.03);
    expect_near(&r, "pathways.P1.patients_per_day", 3, 0.03);
    expect_near(&r, "pathways.P2.patients_per_day", 2, 0.04);
    expect_near(&r, "pathways.P3.patients_per_day", 1, 0.06);
    done(&r);
}
END_TEST

/* Occupancy is occupied places over places, replication by replication. */
START_TEST(occupancy_is_occupied_over_places)
{
    struct flow_results r = run_text(busy_hospital, NULL, 0);
    const char *occupied[] = {"wards.AMU.mean_occupied_beds", "wards.Ward.mean_occupied_beds",
                              "community.home_care.mean_occupied"};
    const char *occupancy[] = {"wards.AMU.occupancy", "wards.Ward.occupancy", "community.home_care.occupancy"};
    const double places[] = {6, 12, 8};
    for (size_t k = 0; k < 3; k++) {
        long a = flow_results_find(&r, occupied[k]), b = flow_results_find(&r, occupancy[k]);
        ck_assert(a >= 0 && b >= 0);
        double x = r.values[a], y = r.values[b];
        ck_assert(x > 0.5);
        ck_assert_msg(fabs(y - x / places[k]) < 1e-12, "%s %g, %s %g", occupancy[k], y, occupied[k], x);
    }
    done(&r);
}
END_TEST

/* ---- costs ---------------------------------------------------------------------------------- */

/* A periodic, deterministic hospital: 12 hip operations a week (Mon/Wed/Fri, four 60-minute
 * cases on a 4-hour list costing 1000/h, so 1000 a case), each followed by 3 days in a ward bed
 * at 200 a day (the bed is held from the start of the operation: 3 d + 1 h), a half-day
 * assessment in the bed (costing 50), and 2 days of community care at 100 a day. Measured over
 * whole weeks, every term of the cost per patient is exact. */
static const char *costed =
    "name: Costs\nhorizon: 140d\nwarmup: 28d\nreplications: 2\nseed: 5\n"
    "wards:\n  - {name: Ortho, beds: 100, cost_per_bed_day: 200}\n"
    "theatres:\n  - name: T1\n    cost_per_hour: 1000\n"
    "    sessions:\n      - {days: [mon, wed, fri], start: \"08:30\", length: 4h}\n"
    "community:\n  - {name: care, stay: {dist: fixed, value: 2d}, cost_per_day: 100}\n"
    "discharge:\n  model: assess_in_hospital\n  assessment: {dist: fixed, value: 0.5d}\n"
    "  cost_per_assessment: 50\n  pathways: [{pathway: 1, share: 1, service: care}]\n"
    "groups:\n  - name: hips\n    arrivals: {referrals: 0/w}\n    initial_waiting_list: 1000\n"
    "    route:\n      - theatre: T1\n        operation: {dist: fixed, value: 60m}\n"
    "      - ward: Ortho\n        stay: {dist: fixed, value: 3d}\n";

START_TEST(cost_per_patient_adds_every_term)
{
    struct flow_results r = run_text(costed, NULL, 0);
    double theatre = 1000, ward = 200 * (3 + 1.0 / 24 + 0.5), assessment = 50, community = 200;
    expect_exact(&r, "system.throughput_per_day", 12.0 / 7);
    expect_exact(&r, "theatres.T1.cost_per_case", theatre);
    expect_exact(&r, "system.hospital_cost_per_patient", theatre + ward + assessment);
    expect_exact(&r, "system.community_cost_per_patient", community);
    expect_exact(&r, "system.cost_per_patient", theatre + ward + assessment + community);
    expect_exact(&r, "groups.hips.cost_per_patient", theatre + ward + assessment + community);
    done(&r);
}
END_TEST

/* ---- percentiles ---------------------------------------------------------------------------- */

/* An uncapacitated ward with exponential stays: length of stay is exponential, so its median,
 * 90th and 95th centiles are ln 2, ln 10 and ln 20 times the mean. */
START_TEST(los_percentiles_are_exponential)
{
    const char *text = "name: LOS\nhorizon: 2000d\nwarmup: 20d\nreplications: 4\nseed: 9\n"
                       "wards: [{name: Ward, beds: 10000}]\ngroups:\n  - name: all\n"
                       "    arrivals: {rate: 20/d}\n"
                       "    route: [{ward: Ward, stay: {dist: exponential, mean: 2.5d}}]\n";
    struct flow_results r = run_text(text, NULL, 0);
    expect_near(&r, "system.los_days_p50", 2.5 * log(2), 0.01);
    expect_near(&r, "system.los_days_p90", 2.5 * log(10), 0.01);
    expect_near(&r, "system.los_days_p95", 2.5 * log(20), 0.01);
    done(&r);
}
END_TEST

/* ---- thresholds ------------------------------------------------------------------------------ */

/* Admissions between 02:00 and 03:00 and a fixed stay: 1 day ends the next day (counted), 2
 * days the day after (not counted), and 12 hours the same day (counted). */
START_TEST(same_or_next_day_is_two_calendar_days)
{
    const char *text = "name: Days\nhorizon: 56d\nwarmup: 7d\nreplications: 2\nseed: 4\n"
                       "wards: [{name: Ward, beds: 1000}]\n"
                       "discharge: {pathways: [{pathway: 0, share: 1, delay: {dist: fixed, value: 1m}}]}\n"
                       "groups:\n  - name: all\n    arrivals:\n      rate: 10/d\n"
                       "      by_hour: [0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]\n"
                       "    route: [{ward: Ward, stay: {dist: fixed, value: 1d}}]\n";
    const char *two[] = {"groups.all.route.1.stay.value=2d"};
    const char *half[] = {"groups.all.route.1.stay.value=12h"};
    struct flow_results r1 = run_text(text, NULL, 0), r2 = run_text(text, two, 1),
                        r0 = run_text(text, half, 1);
    expect_exact(&r1, "discharge.p_same_or_next_day", 1);
    expect_exact(&r2, "discharge.p_same_or_next_day", 0);
    expect_exact(&r0, "discharge.p_same_or_next_day", 1);
    done(&r0);
    done(&r1);
    done(&r2);
}
END_TEST

/* 360 patients on the list at time 0 and four 60-minute cases on each of three lists a week
 * (Mon/Wed/Fri 08:30): the lists of weeks 0 to 17 operate 18 x 12 = 216 of them within 18
 * weeks (day 126, a Monday, is before that day's list), so p = 0.6 exactly; the 92nd centile
 * of the wait is the wait of list 82 (week 27, Wednesday), 27 + (2 + 8.5 / 24) / 7 weeks. */
START_TEST(eighteen_weeks_and_the_92nd_centile)
{
    const char *text =
        "name: RTT\nhorizon: 210d\nwarmup: 0d\nreplications: 2\nseed: 5\n"
        "wards:\n  - {name: Ortho, beds: 100}\n"
        "theatres:\n  - name: T1\n    sessions:\n      - {days: [mon, wed, fri], start: \"08:30\", length: 4h}\n"
        "groups:\n  - name: hips\n    arrivals: {referrals: 0/w}\n    initial_waiting_list: 360\n"
        "    route:\n      - theatre: T1\n        operation: {dist: fixed, value: 60m}\n"
        "      - ward: Ortho\n        stay: {dist: fixed, value: 1d}\n";
    struct flow_results r = run_text(text, NULL, 0);
    expect_exact(&r, "groups.hips.p_within_18_weeks", 216.0 / 360);
    struct flow_summary p92 = get(&r, "groups.hips.wait_weeks_p92");
    double theory = 27 + (2 + 8.5 / 24) / 7;
    ck_assert_msg(fabs(p92.mean - theory) < 0.005 * theory, "p92 %.5g weeks, theory %.5g", p92.mean, theory);
    done(&r);
}
END_TEST

/* ---- theatre rules ------------------------------------------------------------------------- */

static const char *full_lists =
    "name: Lists\nhorizon: 140d\nwarmup: 7d\nreplications: 4\nseed: 15\n"
    "wards:\n  - {name: Ortho, beds: 100}\n"
    "theatres:\n  - name: T1\n    sessions:\n      - {days: [mon, wed, fri], start: \"08:30\", length: 4h}\n"
    "groups:\n  - name: hips\n    arrivals: {referrals: 1/w}\n    initial_waiting_list: 800\n"
    "    route:\n      - theatre: T1\n        operation: {dist: fixed, value: 60m}\n"
    "      - ward: Ortho\n        stay: {dist: fixed, value: 3d}\n";

/* booking_fill 0.75 books three 60-minute cases on a 4-hour list, not four. */
START_TEST(booking_fill_limits_the_booking)
{
    const char *sets[] = {"theatres.T1.booking_fill=0.75"};
    struct flow_results r = run_text(full_lists, sets, 1);
    expect_exact(&r, "theatres.T1.cases_per_list", 3);
    expect_exact(&r, "theatres.T1.utilisation", 0.75);
    done(&r);
}
END_TEST

/* Each booked case is unfit on the day with p = 0.25: three of the twelve booked cases a week,
 * and the rest operated. */
START_TEST(unfit_on_the_day_cancels_a_quarter)
{
    const char *sets[] = {"groups.hips.route.1.p_unfit_on_day=0.25"};
    struct flow_results r = run_text(full_lists, sets, 1);
    expect_near(&r, "theatres.T1.cancelled_unfit_per_week", 3, 0.1);
    expect_near(&r, "theatres.T1.cases_per_list", 3, 0.05);
    done(&r);
}
END_TEST

/* ---- priorities ------------------------------------------------------------------------ */

/* Non-preemptive priorities on an M/M/c ward with one stay distribution (Cobham): with
 * W0 = C(c, a) / (c mu) and sigma_k the load of classes 1..k over c mu, class k waits
 * W0 / ((1 - sigma_(k-1)) (1 - sigma_k)) on average. The ward as a whole still waits C(c, a). */
START_TEST(priorities_follow_cobham)
{
    const char *text =
        "name: p\nhorizon: 8000d\nwarmup: 50d\nreplications: 10\nseed: 5\n"
        "wards:\n  - {name: W, beds: 4}\n"
        "groups:\n"
        "  - {name: urgent, priority: 1, arrivals: {rate: 1.2/d}, route: [{ward: W, stay: {dist: exponential, mean: 1d}}]}\n"
        "  - {name: routine, arrivals: {rate: 1.6/d}, route: [{ward: W, stay: {dist: exponential, mean: 1d}}]}\n";
    struct flow_results r = run_text(text, NULL, 0);
    double c = 4, a = 2.8, w0 = flow_erlang_c(4, a) / c;
    double s1 = 1.2 / c, s2 = a / c;
    expect_near(&r, "groups.urgent.mean_wait_hours", 24 * w0 / (1 - s1), 0.05);
    expect_near(&r, "groups.routine.mean_wait_hours", 24 * w0 / ((1 - s1) * (1 - s2)), 0.05);
    expect_near(&r, "wards.W.p_wait", flow_erlang_c(4, a), 0.03);
    done(&r);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("behaviour");
    TCase *tc = tcase_create("rules");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, beds_are_first_come_first_served);
    tcase_add_test(tc, assessors_are_first_come_first_served);
    tcase_add_test(tc, community_places_are_first_come_first_served);
    tcase_add_test(tc, mm1_wait_percentiles_match_fifo_theory);
    tcase_add_test(tc, one_assessor_is_md1);
    tcase_add_test(tc, warmup_resets_every_metric);
    tcase_add_test(tc, midnight_census_counts_the_last_hour);
    tcase_add_test(tc, occupancy_by_hour_follows_the_clock);
    tcase_add_test(tc, occupancy_by_hour_on_the_hour);
    tcase_add_test(tc, next_stay_in_the_same_ward_keeps_the_bed);
    tcase_add_test(tc, pathways_in_proportion_to_shares);
    tcase_add_test(tc, occupancy_is_occupied_over_places);
    tcase_add_test(tc, cost_per_patient_adds_every_term);
    tcase_add_test(tc, los_percentiles_are_exponential);
    tcase_add_test(tc, same_or_next_day_is_two_calendar_days);
    tcase_add_test(tc, eighteen_weeks_and_the_92nd_centile);
    tcase_add_test(tc, booking_fill_limits_the_booking);
    tcase_add_test(tc, unfit_on_the_day_cancels_a_quarter);
    tcase_add_test(tc, priorities_follow_cobham);
    suite_add_tcase(s, tc);
    return s;
}
