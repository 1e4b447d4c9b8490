/* test_model.c - model pieces with exact expectations: the arrival profile, zero rates, warm-up
 * reset, stream independence between groups (common random numbers), conservation of patients
 * through a divert ward, the resource contract (no queue-jumping, offers after the event), the
 * post-operative route drawn once, the daily series across a fractional warm-up, exactly one
 * census a measured day, and the limits on patients present. */
#include "check_main.h"

#include "model/internal.h"
#include <flowsim/calendar.h>
#include <flowsim/experiment.h>
#include <flowsim/error.h>
#include <flowsim/random.h>
#include <flowsim/report.h>
#include <flowsim/shard.h>
#include <flowsim/util.h>
#include <math.h>
#include <string.h>

static const char *profiled =
    "name: p\nhorizon: 7d\nwards: [{name: A, beds: 5}]\ngroups:\n  - name: g\n"
    "    arrivals:\n      rate: 30/d\n"
    "      by_hour: [0,0,0,0,0,0,1,2,3,4,4,4,4,4,4,3,3,2,2,1,1,0,0,0]\n"
    "      by_weekday: [2, 1.5, 1, 1, 1, 0.5, 0]\n"
    "    route: [{ward: A, stay: {dist: fixed, value: 1h}}]\n";

START_TEST(arrivals_follow_hour_and_weekday_profile)
{
    struct flow_scenario *s = test_load(profiled, NULL, 0);
    struct group g = {.spec = &s->groups[0]};
    flow__arrivals_setup(&g, s);
    gsl_rng *r = flow_stream_create(5, 0, "profile");
    enum { WEEKS = 400 };
    static double count[168];
    memset(count, 0, sizeof count);
    double t = 0;
    for (;;) {
        t = flow__arrivals_next(&g, r, t);
        if (t >= WEEKS * 7.0)
            break;
        count[(int)fmod(floor(t * 24), 168)]++;
    }
    for (int h = 0; h < 168; h++) {
        double expect = g.hourly[h] / 24 * WEEKS;
        /* Poisson counts: five standard deviations, and exactly zero where the rate is zero. */
        if (expect == 0)
            ck_assert_msg(count[h] == 0, "hour %d: %g arrivals where the rate is zero", h, count[h]);
        else
            ck_assert_msg(fabs(count[h] - expect) <= 5 * sqrt(expect), "hour %d: %g vs %g", h,
                          count[h], expect);
    }
    /* The weekly mean is the stated rate: 30 a day. */
    ck_assert_double_eq_tol(g.week_total, 30 * 7, 1e-9);
    gsl_rng_free(r);
    flow_scenario_destroy(s);
}
END_TEST

START_TEST(arrivals_zero_rate_never_arrive)
{
    const char *sets[] = {"groups.g.arrivals.rate=0/d"};
    struct flow_scenario *s = test_load(profiled, sets, 1);
    struct group g = {.spec = &s->groups[0]};
    flow__arrivals_setup(&g, s);
    gsl_rng *r = flow_stream_create(5, 0, "zero");
    ck_assert(isinf(flow__arrivals_next(&g, r, 3.25)));
    gsl_rng_free(r);
    flow_scenario_destroy(s);
}
END_TEST

/* Arrivals counted by day from time 0 until `days`, in a fresh stream. */
static void count_days(const char *text, double days, uint32_t stream, double *count)
{
    struct flow_scenario *s = test_load(text, NULL, 0);
    struct group g = {.spec = &s->groups[0]};
    flow__arrivals_setup(&g, s);
    gsl_rng *r = flow_stream_create(11, stream, "calendar");
    for (double t = flow__arrivals_next(&g, r, 0); t < days; t = flow__arrivals_next(&g, r, t))
        count[(size_t)t]++;
    gsl_rng_free(r);
    flow_scenario_destroy(s);
}

static void expect_poisson(double got, double want, const char *what, int i)
{
    if (want == 0)
        ck_assert_msg(got == 0, "%s %d: %g arrivals where the rate is zero", what, i, got);
    else
        ck_assert_msg(fabs(got - want) <= 5 * sqrt(want), "%s %d: %g arrivals, expected %g", what, i,
                      got, want);
}

/* by_month: weights rescaled over the days of a 365-day year, January first from the start
 * date; each month's expected arrivals are rate x weight x its days (leap Februaries too). */
START_TEST(arrivals_follow_months)
{
    const char *text =
        "name: m\nhorizon: 14610d\nstart: 2027-01-01\nwards: [{name: A, beds: 5}]\ngroups:\n"
        "  - name: g\n    arrivals: {rate: 2/d, by_month: [3, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 2]}\n"
        "    route: [{ward: A, stay: {dist: fixed, value: 1h}}]\n";
    static double day[14610], got[12], want[12];
    count_days(text, 14610, 1, day);
    double scale = 365.0 / (3 * 31 + 28 + 31 + 30 + 31 + 30 + 0 + 31 + 30 + 31 + 30 + 2 * 31);
    static const double w[12] = {3, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 2};
    for (int64_t d = 0; d < 14610; d++) {
        int y, mo, dd;
        flow_date_civil(flow_date_days(2027, 1, 1) + d, &y, &mo, &dd);
        got[mo - 1] += day[d];
        want[mo - 1] += 2 * w[mo - 1] * scale;
    }
    for (int mo = 0; mo < 12; mo++)
        expect_poisson(got[mo], want[mo], "month", mo + 1);
    /* the mean daily rate over whole years stays `rate` */
    ck_assert_double_eq_tol((want[0] + want[1] + want[2] + want[3] + want[4] + want[5] + want[6] +
                             want[7] + want[8] + want[9] + want[10] + want[11]) / 14610, 2, 0.01);
}
END_TEST

/* growth_per_year: year j brings rate x 365 / ln(1+g) x ((1+g)^(j+1) - (1+g)^j) arrivals. */
START_TEST(arrivals_grow)
{
    const char *text =
        "name: g\nhorizon: 1825d\nwards: [{name: A, beds: 5}]\ngroups:\n"
        "  - name: g\n    arrivals: {rate: 4/d, growth_per_year: 0.5}\n"
        "    route: [{ward: A, stay: {dist: fixed, value: 1h}}]\n";
    static double day[1825];
    memset(day, 0, sizeof day);
    for (uint32_t k = 0; k < 20; k++)
        count_days(text, 1825, k, day);
    for (int j = 0; j < 5; j++) {
        double got = 0;
        for (int d = 365 * j; d < 365 * (j + 1); d++)
            got += day[d];
        double want = 20 * 4 * 365 / log(1.5) * (pow(1.5, j + 1) - pow(1.5, j));
        expect_poisson(got, want, "year", j + 1);
    }
}
END_TEST

/* start: a Wednesday, so a Monday-only pattern gives arrivals on days 5, 12, 19 ... only, at
 * 7 x rate on each; a holiday on the Monday of day 5 behaves as a Sunday (no arrivals), and
 * changes no other day. */
#define WEEKDAY_TEXT(HOLIDAYS)                                                                  \
    "name: w\nhorizon: 700d\nstart: 2027-01-06\n" HOLIDAYS "wards: [{name: A, beds: 5}]\n"     \
    "groups:\n  - name: g\n    arrivals: {rate: 3/d, by_weekday: [1, 0, 0, 0, 0, 0, 0]}\n"     \
    "    route: [{ward: A, stay: {dist: fixed, value: 1h}}]\n"

START_TEST(arrivals_follow_start_weekday_and_holidays)
{
    static double day[700], hol[700];
    count_days(WEEKDAY_TEXT(""), 700, 2, day);
    count_days(WEEKDAY_TEXT("holidays: [2027-01-11, 2030-01-01]\n"), 700, 2, hol);
    double mondays = 0, want = 0, hol_mondays = 0;
    for (int d = 0; d < 700; d++) {
        bool monday = d % 7 == 5;
        ck_assert_msg(monday || day[d] == 0, "day %d is not a Monday: %g arrivals", d, day[d]);
        ck_assert_msg(monday || hol[d] == 0, "day %d is not a Monday: %g arrivals", d, hol[d]);
        mondays += day[d];
        hol_mondays += hol[d];
        want += monday ? 3 * 7 : 0;
    }
    ck_assert_msg(hol[5] == 0, "the holiday had %g arrivals", hol[5]);
    expect_poisson(mondays, want, "Mondays", 0);
    expect_poisson(hol_mondays, want - 3 * 7, "Mondays but the holiday", 0);
}
END_TEST

static const char *two_groups =
    "name: crn\nhorizon: 200d\nwarmup: 10d\nreplications: 4\nseed: 21\n"
    "wards: [{name: A, beds: 10}, {name: B, beds: 10}]\ngroups:\n"
    "  - name: ga\n    arrivals: {rate: 7/d}\n"
    "    route: [{ward: A, stay: {dist: lognormal, mean: 1d, sd: 0.5d}}]\n"
    "  - name: gb\n    arrivals: {rate: 5/d}\n"
    "    route: [{ward: B, stay: {dist: exponential, mean: 1.5d}}]\n";

/* Changing group gb must not shift a single random number of group ga. */
START_TEST(model_groups_have_independent_streams)
{
    const char *sets[] = {"groups.gb.arrivals.rate=9/d", "groups.gb.route.1.stay.mean=0.5d"};
    struct flow_scenario *base = test_load(two_groups, NULL, 0), *what = test_load(two_groups, sets, 2);
    struct flow_results rb, rw;
    struct flow_run_options o = {.threads = 1};
    ck_assert_int_eq(flow_experiment_run(base, &o, &rb, NULL), 0);
    ck_assert_int_eq(flow_experiment_run(what, &o, &rw, NULL), 0);
    for (size_t rep = 0; rep < 4; rep++) {
        ck_assert_double_eq(test_value(&rb, "groups.ga.los_days", rep), test_value(&rw, "groups.ga.los_days", rep));
        ck_assert_double_eq(test_value(&rb, "wards.A.mean_wait_hours", rep),
                            test_value(&rw, "wards.A.mean_wait_hours", rep));
        ck_assert(test_value(&rb, "wards.B.mean_occupied_beds", rep) !=
                  test_value(&rw, "wards.B.mean_occupied_beds", rep));
    }
    flow_results_fini(&rb);
    flow_results_fini(&rw);
    flow_scenario_destroy(base);
    flow_scenario_destroy(what);
}
END_TEST

/* A batch (a sweep's points as one pool of jobs) gives each scenario exactly the rows of its
 * own run, whatever the threads and however few replications each has. */
/* A run's cancel flag: set after the first replication, the run stops with FLOW_E_CANCELLED;
 * never set, the results are those of a run without one. */
static void cancel_after_first(void *arg, size_t done, size_t total)
{
    (void)total;
    if (done >= 1)
        atomic_store((atomic_bool *)arg, true);
}

START_TEST(run_stops_when_cancelled)
{
    const char *reps[] = {"replications=4"};
    struct flow_scenario *s = test_load(two_groups, reps, 1);
    atomic_bool flag;
    atomic_init(&flag, false);
    struct flow_run_options plain = {.threads = 1}, with = {.threads = 1, .cancel = &flag};
    struct flow_results a, b, c;
    ck_assert_int_eq(flow_experiment_run(s, &plain, &a, NULL), 0);
    ck_assert_int_eq(flow_experiment_run(s, &with, &b, NULL), 0);
    ck_assert_uint_eq(a.events, b.events);
    ck_assert(memcmp(a.values, b.values, a.nreps * a.nmetrics * sizeof *a.values) == 0);
    struct flow_run_options cancelling = {.threads = 1, .cancel = &flag, .progress = cancel_after_first,
                                          .progress_arg = &flag};
    size_t failed = 0;
    ck_assert_int_eq(flow_experiment_run(s, &cancelling, &c, &failed), FLOW_E_CANCELLED);
    ck_assert_uint_eq(failed, 1);                 /* the first finished; the second was stopped */
    flow_results_fini(&a);
    flow_results_fini(&b);
    flow_results_fini(&c);
    flow_scenario_destroy(s);
}
END_TEST

START_TEST(batch_equals_separate_runs)
{
    const char *one[] = {"replications=1"}, *three[] = {"replications=3", "wards.A.beds=3"},
                *two[] = {"replications=2", "seed=99"};
    struct flow_scenario *s[3] = {test_load(two_groups, one, 1), test_load(two_groups, three, 2),
                                  test_load(two_groups, two, 2)};
    for (int threads = 1; threads <= 3; threads++) {
        struct flow_run_options o = {.threads = threads};
        struct flow_results batch[3], alone;
        int status[3];
        flow_experiment_run_batch((const struct flow_scenario *const *)s, 3, &o, batch, status);
        for (int i = 0; i < 3; i++) {
            ck_assert_int_eq(status[i], 0);
            ck_assert_int_eq(flow_experiment_run(s[i], &o, &alone, NULL), 0);
            ck_assert_uint_eq(batch[i].nreps, alone.nreps);
            ck_assert_uint_eq(batch[i].events, alone.events);
            ck_assert(memcmp(batch[i].values, alone.values, alone.nreps * alone.nmetrics * sizeof *alone.values) == 0);
            flow_results_fini(&alone);
            flow_results_fini(&batch[i]);
        }
    }
    for (int i = 0; i < 3; i++)
        flow_scenario_destroy(s[i]);
}
END_TEST

/* A full divert ward: every arrival is either admitted or lost, and with fixed 1-day stays and
 * one bed no admission waits. */
START_TEST(model_divert_never_queues)
{
    const char *text = "name: d\nhorizon: 300d\nreplications: 3\nwards: [{name: A, beds: 1, "
                       "when_full: divert}]\ngroups:\n  - name: g\n    arrivals: {rate: 2/d}\n"
                       "    route: [{ward: A, stay: {dist: fixed, value: 1d}}]\n";
    struct flow_scenario *s = test_load(text, NULL, 0);
    struct flow_results r;
    struct flow_run_options o = {.threads = 2};
    ck_assert_int_eq(flow_experiment_run(s, &o, &r, NULL), 0);
    for (size_t rep = 0; rep < 3; rep++) {
        double arrivals = test_value(&r, "system.arrivals_per_day", rep);
        double out = test_value(&r, "system.throughput_per_day", rep);
        double lost = test_value(&r, "wards.A.lost_fraction", rep);
        ck_assert_double_eq(test_value(&r, "wards.A.p_wait", rep), 0);
        ck_assert_double_eq(test_value(&r, "wards.A.mean_wait_hours", rep), 0);
        /* admitted = arrivals x (1 - lost) = departures, up to the patient in bed at the end */
        ck_assert_double_eq_tol(arrivals * (1 - lost), out, 1.0 / 300 + 1e-9);
        ck_assert_double_eq_tol(test_value(&r, "system.los_days", rep), 1.0, 1e-9);
        ck_assert_double_eq_tol(test_value(&r, "system.los_days_p50", rep), 1.0, 0.005);
    }
    flow_results_fini(&r);
    flow_scenario_destroy(s);
}
END_TEST

/* Statistics start again at the end of warm-up. */
START_TEST(model_warmup_resets_counts)
{
    const char *text = "name: w\nhorizon: 100d\nwarmup: 50d\nreplications: 1\nseed: 4\n"
                       "wards: [{name: A, beds: 3, cost_per_bed_day: 100}]\ngroups:\n"
                       "  - name: g\n    arrivals: {rate: 10/d}\n"
                       "    route: [{ward: A, stay: {dist: fixed, value: 0.5d}}]\n";
    struct flow_scenario *s = test_load(text, NULL, 0);
    struct flow_model *m = flow_model_create(s, 0);
    ck_assert_int_eq(flow_model_run(m), 0);
    /* Arrivals counted only in the 100 measured days: about 1000, not 1500. */
    ck_assert_uint_ge(m->groups[0].period.arrivals, 850);
    ck_assert_uint_le(m->groups[0].period.arrivals, 1150);
    flow_model_destroy(m);
    flow_scenario_destroy(s);
}
END_TEST

/* ---- the resource contract ---------------------------------------------------------------- */

static const char *one_bed =
    "name: r\nhorizon: 10d\nwards: [{name: A, beds: 1}]\ngroups:\n  - name: g\n"
    "    arrivals: {rate: 1/d}\n    route: [{ward: A, stay: {dist: fixed, value: 1h}}]\n";

static uint32_t granted_to = UINT32_MAX;
static const char *fence_groups =
    "name: t\nhorizon: 1d\nwards: [{name: W, beds: 3}]\ngroups:\n"
    "  - {name: a, arrivals: {rate: 1/d}, route: [{ward: W, stay: {dist: fixed, value: 1d}}]}\n"
    "  - {name: b, arrivals: {rate: 1/d}, route: [{ward: W, stay: {dist: fixed, value: 1d}}]}\n";
static void record_grant(struct flow_model *m, uint32_t id, uint32_t owner) { granted_to = id; }

/* A ring-fence of 1 place of 3 for class 1: class 0 holds at most 2; a class-1 patient waiting
 * behind class-0 patients at their limit takes the freed place; a patient withdrawn from the
 * middle of a queue leaves its links whole. */
START_TEST(resource_ring_fence_and_withdraw)
{
    struct flow_scenario *s = test_load(fence_groups, NULL, 0);
    struct flow_model *m = flow_model_create(s, 0);
    struct resource r;
    static const unsigned char fenced[2] = {0, 1};
    flow__resource_init(&r, 3, 2, record_grant, 0);
    flow__resource_reserve(&r, 1, fenced);
    uint32_t a = flow__patient_new(m, 0), b = flow__patient_new(m, 0), c = flow__patient_new(m, 0);
    uint32_t d = flow__patient_new(m, 0), f = flow__patient_new(m, 1), g = flow__patient_new(m, 1);
    ck_assert(flow__resource_request(m, &r, a));
    flow__resource_take(m, &r, a);
    ck_assert(flow__resource_request(m, &r, b));
    flow__resource_take(m, &r, b);
    ck_assert(!flow__resource_request(m, &r, c));   /* class 0 is at its 2: a place is free, fenced */
    flow__resource_wait(m, &r, c);
    ck_assert(!flow__resource_request(m, &r, d));
    flow__resource_wait(m, &r, d);
    ck_assert(flow__resource_request(m, &r, f));     /* class 1 passes the queue to the fenced place */
    flow__resource_take(m, &r, f);
    ck_assert(!flow__resource_request(m, &r, g));    /* full now */
    flow__resource_wait(m, &r, g);
    ck_assert_uint_eq(r.queue.len, 3);
    ck_assert_uint_eq(r.reserved_waiting, 1);
    flow__resource_release(m, &r, f);                /* the fenced place frees: g, not c, takes it */
    flow__resource_offer_freed(m);
    ck_assert_uint_eq(granted_to, g);
    ck_assert_uint_eq(r.reserved_waiting, 0);
    ck_assert_uint_eq(r.queue.head, c);
    flow__resource_withdraw(m, &r, c);               /* c gives up: d is the whole queue */
    ck_assert_uint_eq(r.queue.head, d);
    ck_assert_uint_eq(r.queue.tail, d);
    ck_assert_uint_eq(m->patients[d].prev, NONE);
    flow__resource_release(m, &r, a);                /* class 0 drops to 1: d may take a place */
    ck_assert(!flow__resource_free_for(m, &r, g));   /* so a fenced newcomer does not pass d */
    flow__resource_offer_freed(m);
    ck_assert_uint_eq(granted_to, d);
    ck_assert_uint_eq(r.queue.len, 0);
    ck_assert_int_eq(r.others_in_use, 2);
    flow__resource_fini(&r);
    flow_model_destroy(m);
    flow_scenario_destroy(s);
}
END_TEST

/* A place freed during an event is not taken by a newcomer in the same event while somebody
 * waits: the newcomer queues behind, and after the event the place goes to the first in line. */
START_TEST(resource_newcomer_queues_behind_the_waiting)
{
    struct flow_scenario *s = test_load(one_bed, NULL, 0);
    struct flow_model *m = flow_model_create(s, 0);
    struct resource r;
    flow__resource_init(&r, 1, 1, record_grant, 0);
    uint32_t a = flow__patient_new(m, 0), b = flow__patient_new(m, 0), c = flow__patient_new(m, 0);
    ck_assert(flow__resource_request(m, &r, a));
    flow__resource_take(m, &r, a);
    ck_assert(!flow__resource_request(m, &r, b));
    flow__resource_wait(m, &r, b);
    flow__resource_release(m, &r, a);             /* a leaves: the place is free, b still waits */
    ck_assert(!flow__resource_free_for(m, &r, c));
    ck_assert(!flow__resource_request(m, &r, c)); /* so the newcomer c must queue behind b */
    flow__resource_wait(m, &r, c);
    ck_assert_uint_eq(m->noffers, 1);
    flow__resource_offer_freed(m);                /* what the after-event hook does */
    ck_assert_uint_eq(granted_to, b);
    ck_assert_int_eq(r.in_use, 1);
    ck_assert_uint_eq(r.queue.len, 1);
    ck_assert_uint_eq(r.queue.head, c);
    ck_assert_uint_eq(r.period.taken, 2);
    ck_assert_uint_eq(r.period.requests, 3);
    flow__resource_fini(&r);
    flow_model_destroy(m);
    flow_scenario_destroy(s);
}
END_TEST

static double by_serial_desc(const struct flow_model *m, uint32_t id) { return -(double)m->patients[id].serial; }

/* A queue with a key serves the smallest key first, ties in arrival order. */
START_TEST(queue_orders_by_key_then_arrival)
{
    struct flow_scenario *s = test_load(one_bed, NULL, 0);
    struct flow_model *m = flow_model_create(s, 0);
    struct queue q;
    flow__queue_init(&q, by_serial_desc);
    uint32_t ids[5];
    for (int i = 0; i < 5; i++) {
        ids[i] = flow__patient_new(m, 0);
        flow__queue_push(m, &q, ids[i]);
    }
    for (int i = 4; i >= 0; i--)
        ck_assert_uint_eq(flow__queue_pop(m, &q), ids[i]);
    ck_assert_uint_eq(q.len, 0);
    flow__queue_init(&q, NULL);
    for (int i = 0; i < 5; i++)
        flow__queue_push(m, &q, ids[i]);
    for (int i = 0; i < 5; i++)
        ck_assert_uint_eq(flow__queue_pop(m, &q), ids[i]);
    flow_model_destroy(m);
    flow_scenario_destroy(s);
}
END_TEST

/* ---- the post-operative route ------------------------------------------------------------- */

/* Half the operated patients go on to a 2-bed ward whatever the pressure on it: the route is
 * drawn at referral and kept through cancellations for want of a bed. */
START_TEST(postop_route_drawn_once_whatever_the_beds)
{
    const char *text =
        "name: postop\nhorizon: 364d\nwarmup: 28d\nreplications: 1\nseed: 17\n"
        "wards:\n  - {name: Ward, beds: 2}\n"
        "theatres:\n  - name: T\n    sessions: [{days: [mon, tue, wed, thu, fri], start: \"08:00\", length: 8h}]\n"
        "groups:\n  - name: ops\n    arrivals: {referrals: 6/d}\n    initial_waiting_list: 50\n"
        "    route:\n      - {theatre: T, operation: {dist: fixed, value: 1h}}\n"
        "      - {ward: Ward, p: 0.5, stay: {dist: exponential, mean: 3d}}\n";
    struct flow_scenario *s = test_load(text, NULL, 0);
    struct flow_model *m = flow_model_create(s, 0);
    ck_assert_int_eq(flow_model_run(m), 0);
    double operated = (double)m->groups[0].period.operated;
    double to_ward = (double)m->wards[0].beds.period.taken;
    ck_assert_msg(m->theatres[0].period.cancelled_no_bed > 100, "no bed pressure: %llu cancelled",
                  (unsigned long long)m->theatres[0].period.cancelled_no_bed);
    /* Binomial(operated, 0.5): four standard deviations. */
    ck_assert_msg(fabs(to_ward / operated - 0.5) < 4 * sqrt(0.25 / operated),
                  "%g of %g operated patients went to the ward", to_ward, operated);
    flow_model_destroy(m);
    flow_scenario_destroy(s);
}
END_TEST

/* ---- observers ----------------------------------------------------------------------------- */

static const char *busy_ward =
    "name: daily\nhorizon: 40d\nwarmup: 10.5d\nreplications: 1\nseed: 6\n"
    "wards: [{name: A, beds: 8}, {name: B, beds: 5}]\ngroups:\n  - name: g\n"
    "    arrivals: {rate: 9/d}\n    route:\n      - {ward: A, stay: {dist: exponential, mean: 0.7d}}\n"
    "      - {ward: B, p: 0.6, stay: {dist: lognormal, mean: 1d, sd: 0.4d}}\n";

/* The warm-up changes statistics, not the simulation: the daily series of a run with a
 * fractional warm-up are those of the same run without one, the warm-up day included. */
START_TEST(daily_series_continuous_across_fractional_warmup)
{
    const char *none[] = {"warmup=0d", "horizon=50.5d"};
    struct flow_scenario *s1 = test_load(busy_ward, NULL, 0), *s0 = test_load(busy_ward, none, 2);
    struct flow_model *m1 = flow_model_create(s1, 0), *m0 = flow_model_create(s0, 0);
    flow_model_record_daily(m1, 50);
    flow_model_record_daily(m0, 50);
    ck_assert_int_eq(flow_model_run(m1), 0);
    ck_assert_int_eq(flow_model_run(m0), 0);
    size_t d1, d0, n1, n0;
    const double *a = flow_model_daily(m1, &d1, &n1), *b = flow_model_daily(m0, &d0, &n0);
    ck_assert_uint_eq(d1, 50);
    ck_assert_uint_eq(d0, 50);
    ck_assert_uint_eq(n1, n0);
    double busiest = 0;
    for (size_t k = 0; k < d1 * n1; k++) {
        ck_assert_msg(fabs(a[k] - b[k]) < 1e-9, "day %zu series %zu: %g with warm-up, %g without",
                      k / n1 + 1, k % n1, a[k], b[k]);
        busiest = fmax(busiest, a[k]);
    }
    ck_assert(busiest > 1);
    flow_model_destroy(m1);
    flow_model_destroy(m0);
    flow_scenario_destroy(s1);
    flow_scenario_destroy(s0);
}
END_TEST

/* N measured days hold N midnights and, when profiling, every hour of the week N / 7 times. */
START_TEST(census_one_sample_per_measured_hour)
{
    const char *sets[] = {"horizon=28d", "warmup=7d"};
    struct flow_scenario *s = test_load(busy_ward, sets, 2);
    struct flow_model *m = flow_model_create(s, 0);
    flow_model_profile(m);
    ck_assert_int_eq(flow_model_run(m), 0);
    ck_assert_uint_eq(m->period.midnights, 28);
    for (int h = 0; h < 168; h++)
        ck_assert_msg(m->period.hour_samples[h] == 4, "hour %d sampled %llu times", h,
                      (unsigned long long)m->period.hour_samples[h]);
    flow_model_destroy(m);
    flow_scenario_destroy(s);
}
END_TEST

/* ---- limits ---------------------------------------------------------------------------------- */

/* Runs replication 0 of text with the cap on patients present lowered to cap, and checks that
 * it stops overloaded; model_fini releases the model and its scenario. */
static struct flow_model *run_to_cap(const char *text, size_t cap)
{
    struct flow_model *m = flow_model_create(test_load(text, NULL, 0), 0);
    m->max_live = cap;
    ck_assert_int_eq(flow_model_run(m), FLOW_E_OVERLOAD);
    return m;
}

static void model_fini(struct flow_model *m)
{
    struct flow_scenario *s = (struct flow_scenario *)m->sc;
    flow_model_destroy(m);
    flow_scenario_destroy(s);
}

/* Readmissions count against the cap on patients present, as arrivals do, from the moment
 * they are drawn. Patients arrive on Mondays only, leave within the hour and are all
 * readmitted a day later into one slow bed: only readmissions (due, then waiting for the bed)
 * make the crowd, and the run stops at the cap before Tuesday is out. */
START_TEST(readmissions_respect_the_patient_cap)
{
    const char *text =
        "name: cap\nhorizon: 20d\nreplications: 1\nseed: 2\n"
        "wards: [{name: Front, beds: 1000}, {name: Slow, beds: 1}]\n"
        "discharge:\n  pathways: [{pathway: 0, share: 1, delay: {dist: fixed, value: 1m},\n"
        "    readmission: {p: 1, after: {dist: fixed, value: 1d}, group: back}}]\n"
        "groups:\n  - name: front\n    arrivals: {rate: 10/d, by_weekday: [1, 0, 0, 0, 0, 0, 0]}\n"
        "    route: [{ward: Front, stay: {dist: fixed, value: 1h}}]\n"
        "  - name: back\n    arrivals: {rate: 0/d}\n"
        "    route: [{ward: Slow, stay: {dist: fixed, value: 1d}}]\n"
        "    discharge: {pathways: [{pathway: 0, share: 1}]}\n";
    struct flow_model *m = run_to_cap(text, 40);
    ck_assert_msg(m->live <= 40, "%zu patients present, the cap is 40", m->live);
    ck_assert(model_now(m) < 2.5);       /* stopped before Tuesday is out */
    model_fini(m);
}
END_TEST

/* Readmissions due far in the future count against the cap while they wait: 100 short stays a
 * day, each readmitted after 1000 days, keep few patients present but 100 more due every day. */
START_TEST(readmissions_due_count_in_the_cap)
{
    const char *text =
        "name: due\nhorizon: 100d\nreplications: 1\nseed: 3\n"
        "wards: [{name: A, beds: 1000}]\n"
        "discharge:\n  pathways: [{pathway: 0, share: 1, delay: {dist: fixed, value: 1m},\n"
        "    readmission: {p: 1, after: {dist: fixed, value: 1000d}, group: g}}]\n"
        "groups:\n  - name: g\n    arrivals: {rate: 100/d}\n"
        "    route: [{ward: A, stay: {dist: fixed, value: 1h}}]\n";
    struct flow_model *m = run_to_cap(text, 1000);
    ck_assert(model_now(m) > 9 && model_now(m) < 11);   /* 1000 due after about 10 days */
    ck_assert_uint_le(flow_engine_pending(m->engine), 1000 + 10);
    model_fini(m);
}
END_TEST

/* A scenario at the documented limit of initial waiting lists runs (the cap on patients present
 * leaves room above it); one past the limit, over two groups, is refused where it is exceeded. */
START_TEST(largest_waiting_list_runs)
{
    const char *text =
        "name: big list\nhorizon: 2d\nreplications: 1\n"
        "wards: [{name: Ward, beds: 10}]\n"
        "theatres:\n  - name: T\n    sessions: [{days: [mon], start: \"08:00\", length: 8h}]\n"
        "groups:\n  - name: a\n    arrivals: {referrals: 5/d}\n    initial_waiting_list: 1000000\n"
        "    route:\n      - {theatre: T, operation: {dist: fixed, value: 1h}}\n"
        "      - {ward: Ward, stay: {dist: fixed, value: 1h}}\n";
    struct flow_scenario *s = test_load(text, NULL, 0);
    struct flow_model *m = flow_model_create(s, 0);
    ck_assert_int_eq(flow_model_run(m), 0);
    struct group *g = &m->groups[0];
    ck_assert_uint_eq(g->listed, 1000000 + g->period.arrivals - g->period.operated);
    ck_assert_uint_eq(g->period.operated, 8);
    flow_model_destroy(m);
    flow_scenario_destroy(s);

    char *two = flow_xasprintf("%s  - name: b\n    arrivals: {referrals: 5/d}\n"
                               "    initial_waiting_list: 1\n    route:\n"
                               "      - {theatre: T, operation: {dist: fixed, value: 1h}}\n", text);
    struct flow_diag d;
    flow_diag_init(&d);
    ck_assert(flow_scenario_load_text("t.yaml", two, strlen(two), NULL, NULL, 0, &d) == NULL);
    ck_assert_str_eq(d.lines[0], "t.yaml:17:27: error: initial waiting lists add up to 1000001 "
                                 "patients; the limit is 1000000 for all groups together");
    flow_diag_fini(&d);
    free(two);
}
END_TEST

/* The events a replication is expected to fire (what flowsim serve's --max-work counts)
 * are within a small factor of what it fires (0.8 to 2: 1.44, 1.53, 1.61 and 1.03 here), for emergency routes with and without profiles,
 * growth, a theatre list with a waiting list longer than it can operate, and readmissions. */
START_TEST(events_estimate_near_events_fired)
{
    static const char *const cases[] = {
        "name: a\nhorizon: 200d\nwards: [{name: A, beds: 40}, {name: B, beds: 60}]\ngroups:\n"
        "  - name: g\n    arrivals: {rate: 30/d, growth_per_year: 0.5}\n    route:\n"
        "      - {ward: A, stay: {dist: exponential, mean: 1d}}\n"
        "      - {ward: B, p: 0.5, stay: {dist: lognormal, mean: 3d, sd: 2d}}\n",
        "name: b\nhorizon: 300d\nwarmup: 50d\nwards: [{name: A, beds: 10, when_full: queue}]\ngroups:\n"
        "  - name: g\n    arrivals: {rate: 4/d, by_weekday: [2, 1, 1, 1, 1, 0.5, 0.5]}\n"
        "    route: [{ward: A, stay: {dist: gamma, mean: 2d, sd: 1d}}]\n",
        "name: c\nhorizon: 200d\nwards: [{name: W, beds: 30}]\n"
        "theatres: [{name: T, sessions: [{days: [mon, tue, wed, thu, fri], start: '08:00', length: 8h}]}]\n"
        "groups:\n  - name: e\n    arrivals: {referrals: 6/d}\n    initial_waiting_list: 5000\n"
        "    route:\n      - {theatre: T, operation: {dist: fixed, value: 2h}}\n"
        "      - {ward: W, stay: {dist: exponential, mean: 3d}}\n",
        "name: d\nhorizon: 200d\nwards: [{name: A, beds: 50}]\n"
        "discharge: {pathways: [{pathway: 0, share: 1, readmission: {p: 0.3, group: g, after: {dist: "
        "exponential, mean: 10d}}}]}\n"
        "groups: [{name: g, arrivals: {rate: 8/d}, route: [{ward: A, stay: {dist: exponential, mean: 2d}}]}]\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct flow_scenario *s = test_load(cases[i], NULL, 0);
        s->replications = 4;
        struct flow_run_options o = {.threads = 1, .profile = true, .daily = true};
        struct flow_results r;
        ck_assert_int_eq(flow_experiment_run(s, &o, &r, NULL), 0);
        double ratio = 4 * flow_experiment_events_estimate(s) / (double)r.events;
        ck_assert_msg(ratio > 0.8 && ratio < 2.0, "case %zu: estimate / fired = %.2f", i, ratio);
        flow_results_fini(&r);
        flow_scenario_destroy(s);
    }
}
END_TEST

/* A run that keeps only the daily series the reports read (no --csv) keeps them with the values
 * a run keeping every series has, and no other: here every series of the ward whose beds
 * change, the other ward's occupied beds and full fraction (a run from a census), and the
 * waiting list; not the other ward's queue or blocked beds (the first ward's: columns move). */
START_TEST(daily_series_kept_as_the_reports_need)
{
    const char *text =
        "name: k\nhorizon: 20d\nreplications: 3\nseed: 4\n"
        "wards:\n  - {name: B, beds: 4}\n  - {name: A, beds: 6, bed_changes: [{days: [sat, sun], change: -2}]}\n"
        "theatres: [{name: T, sessions: [{days: [mon, wed], start: '08:00', length: 4h}]}]\n"
        "groups:\n  - {name: g, arrivals: {rate: 5/d}, route: [{ward: A, stay: {dist: exponential, mean: 1d}},"
        " {ward: B, stay: {dist: exponential, mean: 1d}}]}\n"
        "  - {name: e, arrivals: {referrals: 3/d}, route: [{theatre: T, operation: {dist: fixed, value: 1h}},"
        " {ward: B, stay: {dist: fixed, value: 1d}}]}\n"
        "initial: [{ward: B, group: g, patients: 3}]\n";
    struct flow_scenario *s = test_load(text, NULL, 0);
    size_t n = flow_model_daily_count(s);
    unsigned char *needs = calloc(n + 1, 1);
    flow_report_daily_needs(s, needs);
    struct flow_run_options all = {.threads = 2, .daily = true}, some = all;
    some.daily_keep = needs;
    struct flow_results a, b;
    ck_assert_int_eq(flow_experiment_run(s, &all, &a, NULL), 0);
    ck_assert_int_eq(flow_experiment_run(s, &some, &b, NULL), 0);
    size_t kept = 0;
    for (size_t k = 0; k < n; k++) {
        char *name = flow_model_daily_name(s, k);
        bool want = strncmp(name, "wards.A.", 8) == 0 || strcmp(name, "wards.B.occupied") == 0 ||
                    strcmp(name, "wards.B.full_fraction") == 0 || strcmp(name, "groups.e.waiting_list") == 0;
        ck_assert_msg(needs[k] == want, "%s: kept %d", name, needs[k]);
        ck_assert(flow_results_daily_kept(&a, k));
        ck_assert(flow_results_daily_kept(&b, k) == want);
        kept += want;
        for (size_t rep = 0; rep < 3; rep++)
            for (size_t d = 0; d < a.days; d++) {
                double x = flow_results_daily(&a, rep, d, k), y = flow_results_daily(&b, rep, d, k);
                ck_assert_msg(want ? x == y : isnan(y), "%s rep %zu day %zu: %g and %g", name, rep, d, x, y);
            }
        free(name);
    }
    ck_assert_uint_eq(b.daily_width, kept);
    ck_assert_uint_eq(kept, 8);
    ck_assert_uint_eq(a.daily_width, n);
    flow_results_fini(&a);
    flow_results_fini(&b);
    free(needs);
    flow_scenario_destroy(s);
}
END_TEST

/* Every part of row `row` of a against row `rep` of b. */
static void same_row(const struct flow_results *a, size_t row, const struct flow_results *b, size_t rep)
{
    struct flow_results_part pa[FLOW_RESULTS_PARTS], pb[FLOW_RESULTS_PARTS];
    size_t n = flow_results_parts(a, pa);
    ck_assert_uint_eq(n, flow_results_parts(b, pb));
    for (size_t k = 0; k < n; k++) {
        ck_assert_str_eq(pa[k].name, pb[k].name);
        ck_assert_uint_eq(pa[k].width, pb[k].width);
        ck_assert_msg(memcmp(pa[k].values + row * pa[k].width, pb[k].values + rep * pb[k].width,
                             pa[k].width * sizeof(double)) == 0, "%s of replication %zu", pa[k].name, rep);
    }
}

/* Shard K of N of a batch (a sweep's points) runs jobs j = (replications before) + k with
 * j mod N = K - 1, into rows in job order: over K = 1..N every replication of every point once,
 * each row the whole run's bytes, profiles and daily series too. */
START_TEST(shards_hold_the_whole_runs_rows)
{
    const char *one[] = {"replications=1"}, *three[] = {"replications=3", "wards.A.beds=3"},
                *five[] = {"replications=5", "seed=99"};
    struct flow_scenario *s[3] = {test_load(two_groups, one, 1), test_load(two_groups, three, 2),
                                  test_load(two_groups, five, 2)};
    struct flow_run_options o = {.threads = 2, .profile = true, .daily = true};
    struct flow_results whole[3], part[3];
    int status[3];
    flow_experiment_run_batch((const struct flow_scenario *const *)s, 3, &o, whole, status);
    for (size_t n = 1; n <= 10; n += 3)
        for (size_t before = 0; before <= 7; before += 7) {
            unsigned char seen[3][5] = {{0}};
            for (size_t k = 1; k <= n; k++) {
                struct flow_run_options so = o;
                so.shard = k, so.shards = n, so.shard_jobs_before = before;
                flow_experiment_run_batch((const struct flow_scenario *const *)s, 3, &so, part, status);
                for (size_t i = 0, job0 = before; i < 3; job0 += (size_t)s[i]->replications, i++) {
                    ck_assert_int_eq(status[i], 0);
                    ck_assert_uint_eq(part[i].nreps, flow_shard_rows(&so, job0, (size_t)s[i]->replications));
                    for (size_t row = 0; row < part[i].nreps; row++) {
                        size_t rep = flow_shard_rep(&so, job0, row);
                        ck_assert_uint_eq((job0 + rep) % n, k - 1);
                        ck_assert(!seen[i][rep]);
                        seen[i][rep] = 1;
                        same_row(&part[i], row, &whole[i], rep);
                    }
                    flow_results_fini(&part[i]);
                }
            }
            for (size_t i = 0; i < 3; i++)
                for (int rep = 0; rep < s[i]->replications; rep++)
                    ck_assert_msg(seen[i][rep], "%zu shards: replication %d of point %zu in none", n, rep, i);
        }
    for (size_t i = 0; i < 3; i++) {
        flow_results_fini(&whole[i]);
        flow_scenario_destroy(s[i]);
    }
}
END_TEST

/* A merge fills the rows a run with other options would keep (fewer daily series, no
 * profile) from shards that kept everything: the same bytes as that run. */
START_TEST(shards_fill_a_run_with_other_options)
{
    const char *five[] = {"replications=5"};
    struct flow_scenario *s = test_load(two_groups, five, 1);
    size_t n = flow_model_daily_count(s);
    unsigned char *keep = calloc(n + 1, 1);
    for (size_t k = 0; k < n; k += 2)
        keep[k] = 1;
    struct flow_run_options all = {.threads = 2, .profile = true, .daily = true}, some = {.threads = 2,
                                   .daily = true, .daily_keep = keep};
    struct flow_results single, merged;
    ck_assert_int_eq(flow_experiment_run(s, &some, &single, NULL), 0);
    ck_assert_int_eq(flow_experiment_results(s, &some, &merged), 0);
    unsigned char seen[5] = {0};
    char why[256];
    for (long k = 1; k <= 2; k++) {
        struct flow_run_options so = all;
        so.shard = (size_t)k, so.shards = 2;
        struct flow_results r;
        ck_assert_int_eq(flow_experiment_run(s, &so, &r, NULL), 0);
        struct flow_shard sh;
        flow_shard_init(&sh, "run", k, 2, NULL, 0, "p");
        for (size_t row = 0; row < r.nreps; row++)
            ck_assert_int_eq(flow_shard_add(&sh, 0, flow_shard_rep(&so, 0, row), &r, row), 0);
        ck_assert_int_eq(flow_shard_fill(&sh, 0, &merged, seen, why, sizeof why), 0);
        ck_assert_int_eq(flow_shard_fill(&sh, 0, &merged, seen, why, sizeof why), -1);   /* twice: refused */
        flow_shard_fini(&sh);
        flow_results_fini(&r);
    }
    for (size_t rep = 0; rep < 5; rep++) {
        ck_assert(seen[rep]);
        same_row(&merged, rep, &single, rep);
    }
    flow_results_fini(&single);
    flow_results_fini(&merged);
    free(keep);
    flow_scenario_destroy(s);
}
END_TEST

/* Curves folded as replications finish are the mean over kept rows to the last bit, on any
 * number of threads and when a run is extended (--precision): the waits of a ward that fills,
 * of one that never does and of one that some replications never see (no finite value there:
 * left out of the mean), length of stay, and time in a ward with targets. */
START_TEST(folded_curves_are_the_rows_mean)
{
    const char *text =
        "name: c\nhorizon: 30d\nwarmup: 2d\nreplications: 9\nseed: 5\n"
        "wards:\n  - {name: A, beds: 3}\n  - {name: B, beds: 50, targets: [24h]}\n  - {name: C, beds: 1}\n"
        "groups:\n  - {name: g, arrivals: {rate: 4/d}, route: [{ward: A, stay: {dist: exponential, mean: 0.6d}},"
        " {ward: B, stay: {dist: lognormal, mean: 1d, sd: 0.5d}}]}\n"
        "  - {name: h, arrivals: {rate: 0.05/d}, route: [{ward: C, stay: {dist: fixed, value: 1d}}]}\n";
    struct flow_scenario *s = test_load(text, NULL, 0);
    ck_assert(s->time_targets);
    for (int threads = 1; threads <= 3; threads++) {
        struct flow_run_options rows = {.threads = threads, .profile = true}, folded = rows;
        folded.fold_curves = true;
        struct flow_results a, b;
        ck_assert_int_eq(flow_experiment_run(s, &rows, &a, NULL), 0);
        ck_assert_int_eq(flow_experiment_run(s, &folded, &b, NULL), 0);
        ck_assert(b.wait_quantiles == NULL && b.curve_sum != NULL && b.curves_folded == 9);
        ck_assert_int_eq(flow_experiment_extend(s, &rows, &a, 14, NULL), 0);
        ck_assert_int_eq(flow_experiment_extend(s, &folded, &b, 14, NULL), 0);
        ck_assert_uint_eq(b.curves_folded, 14);
        enum flow_curve cs[] = {FLOW_CURVE_LOS, FLOW_CURVE_WAIT, FLOW_CURVE_TIME};
        for (size_t c = 0; c < 3; c++)
            for (size_t w = 0; w < s->nwards; w++) {
                ck_assert(flow_results_has_curve(&a, cs[c]) && flow_results_has_curve(&b, cs[c]));
                double x[99], y[99];
                flow_results_curve(&a, cs[c], w, x);
                flow_results_curve(&b, cs[c], w, y);
                for (int q = 0; q < 99; q++) {
                    ck_assert_msg(memcmp(&x[q], &y[q], sizeof x[q]) == 0 || (isnan(x[q]) && isnan(y[q])),
                                  "curve %zu ward %zu percentile %d: %.17g and %.17g", c, w, q + 1, x[q], y[q]);
                }
            }
        size_t none = 0;                    /* replications in which nobody entered ward C */
        for (size_t rep = 0; rep < a.nreps; rep++)
            none += isnan(a.wait_quantiles[rep * s->nwards * 99 + 2 * 99 + 49]);
        ck_assert_msg(none > 0 && none < a.nreps, "ward C unseen in %zu of %zu replications", none, a.nreps);
        double los[99];                     /* the rows' mean, worked here from a's rows */
        flow_results_curve(&b, FLOW_CURVE_LOS, 0, los);
        for (int q = 0; q < 99; q++) {
            double sum = 0, n = 0;
            for (size_t rep = 0; rep < a.nreps; rep++)
                if (isfinite(a.los_quantiles[rep * 99 + (size_t)q]))
                    sum += a.los_quantiles[rep * 99 + (size_t)q], n++;
            ck_assert(n == 14 && los[q] == sum / n);
        }
        flow_results_fini(&a);
        flow_results_fini(&b);
    }
    flow_scenario_destroy(s);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);   /* the sanitizer build on a busy machine */
    tcase_add_test(tc, arrivals_follow_hour_and_weekday_profile);
    tcase_add_test(tc, arrivals_zero_rate_never_arrive);
    tcase_add_test(tc, model_groups_have_independent_streams);
    tcase_add_test(tc, model_divert_never_queues);
    tcase_add_test(tc, model_warmup_resets_counts);
    tcase_add_test(tc, resource_newcomer_queues_behind_the_waiting);
    tcase_add_test(tc, resource_ring_fence_and_withdraw);
    tcase_add_test(tc, queue_orders_by_key_then_arrival);
    tcase_add_test(tc, postop_route_drawn_once_whatever_the_beds);
    tcase_add_test(tc, daily_series_continuous_across_fractional_warmup);
    tcase_add_test(tc, census_one_sample_per_measured_hour);
    tcase_add_test(tc, readmissions_respect_the_patient_cap);
    tcase_add_test(tc, readmissions_due_count_in_the_cap);
    tcase_add_test(tc, arrivals_follow_months);
    tcase_add_test(tc, arrivals_grow);
    tcase_add_test(tc, arrivals_follow_start_weekday_and_holidays);
    tcase_add_test(tc, largest_waiting_list_runs);
    tcase_add_test(tc, batch_equals_separate_runs);
    tcase_add_test(tc, run_stops_when_cancelled);
    tcase_add_test(tc, events_estimate_near_events_fired);
    tcase_add_test(tc, daily_series_kept_as_the_reports_need);
    tcase_add_test(tc, shards_hold_the_whole_runs_rows);
    tcase_add_test(tc, shards_fill_a_run_with_other_options);
    tcase_add_test(tc, folded_curves_are_the_rows_mean);
    suite_add_tcase(s, tc);
    return s;
}
