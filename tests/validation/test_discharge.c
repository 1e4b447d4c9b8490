/* test_discharge.c - discharge pathways against exact answers: Little's law for the beds that
 * Discharge to Assess frees, Erlang C for the wait for a community place, fixed pathway-0
 * delays, readmission rates; and a full community service backing up the whole hospital. */
#include "../unit/check_main.h"

#include <flowsim/experiment.h>
#include <math.h>
#include <string.h>

/* 10 discharges a day from an ample ward; half on pathway 1 with a fixed 2-day assessment and
 * unlimited reablement. */
static const char *little =
    "name: D2A Little\nhorizon: 1500d\nwarmup: 50d\nreplications: 20\nseed: 3\n"
    "wards:\n  - {name: Ward, beds: 500}\n"
    "community:\n  - name: reablement\n    stay: {dist: exponential, mean: 10d}\n"
    "discharge:\n  model: assess_in_hospital\n  assessment: {dist: fixed, value: 2d}\n"
    "  pathways:\n    - {pathway: 0, share: 0.5, delay: {dist: fixed, value: 4h}}\n"
    "    - {pathway: 1, share: 0.5, service: reablement,\n"
    "       readmission: {p: 0.2, after: {dist: exponential, mean: 20d}, group: all}}\n"
    "groups:\n  - name: all\n    arrivals: {rate: 8/d}\n"
    "    route:\n      - {ward: Ward, stay: {dist: exponential, mean: 3d}}\n";

static struct flow_results run(const char *text, const char *const *sets, size_t n)
{
    struct flow_diag d;
    flow_diag_init(&d);
    struct flow_scenario *s = flow_scenario_load_text("t.yaml", text, strlen(text), NULL, sets, n, &d);
    ck_assert_msg(s != NULL, "%s", d.count ? d.lines[0] : "");
    flow_diag_fini(&d);
    struct flow_results r;
    struct flow_run_options o = {.threads = 2};
    ck_assert_int_eq(flow_experiment_run(s, &o, &r, NULL), 0);
    /* The scenario is borrowed by r; keep it alive for the caller through a static slot. */
    static struct flow_scenario *keep[16];
    static size_t nkeep;
    if (nkeep == 16) {
        for (size_t i = 0; i < 16; i++)
            flow_scenario_destroy(keep[i]);
        nkeep = 0;
    }
    keep[nkeep++] = s;
    return r;
}

static struct flow_summary get(const struct flow_results *r, const char *path)
{
    long k = flow_results_find(r, path);
    ck_assert_msg(k >= 0, "no metric %s", path);
    struct flow_summary s;
    flow_results_summary(r, (size_t)k, &s);
    return s;
}

/* Theory inside the 99.9% interval, and the interval tight (within `rel` of theory). */
static void expect_theory(const struct flow_results *r, const char *path, double theory, double rel)
{
    struct flow_summary s = get(r, path);
    double h = fmax(flow_ci_halfwidth(s.sd, s.n, 0.999), 1e-9 * fabs(theory) + 1e-12);
    ck_assert_msg(fabs(s.mean - theory) <= h, "%s: %g, theory %g (+- %g)", path, s.mean, theory, h);
    ck_assert_msg(h <= rel * fabs(theory) + 1e-12, "%s: interval %g too wide", path, h);
}

/* Occupied beds = arrival rate x time in bed. Readmissions come back through the same group,
 * so the rate into the ward is lambda / (1 - 0.5 x 0.2) = 8 / 0.9. */
START_TEST(d2a_frees_beds_by_littles_law)
{
    const double lambda = 8 / 0.9;
    struct flow_results aih = run(little, NULL, 0);
    const char *d2a_set[] = {"discharge.model=discharge_to_assess"};
    struct flow_results d2a = run(little, d2a_set, 1);
    /* in bed: 3 d stay; then pathway 0 (half) 4 h; pathway 1 (half) the 2-day assessment */
    expect_theory(&aih, "wards.Ward.mean_occupied_beds", lambda * (3 + 0.5 / 6 + 0.5 * 2), 0.02);
    expect_theory(&d2a, "wards.Ward.mean_occupied_beds", lambda * (3 + 0.5 / 6), 0.02);
    expect_theory(&aih, "discharge.delayed_bed_days_per_day", lambda * (0.5 / 6 + 0.5 * 2), 0.03);
    /* reablement holds its place for the stay, plus the assessment under D2A */
    expect_theory(&aih, "community.reablement.mean_occupied", lambda * 0.5 * 10, 0.03);
    expect_theory(&d2a, "community.reablement.mean_occupied", lambda * 0.5 * 12, 0.03);
    /* fixed times: exact */
    expect_theory(&aih, "pathways.P0.fit_to_leave_days", 1.0 / 6, 1e-9);
    expect_theory(&aih, "pathways.P1.fit_to_leave_days", 2, 1e-9);
    expect_theory(&d2a, "pathways.P1.fit_to_leave_days", 0, 1e-9);
    /* the difference the issue asks for: 10 beds at 10 discharges a day would be 5 x 2 days */
    double diff = get(&aih, "wards.Ward.mean_occupied_beds").mean - get(&d2a, "wards.Ward.mean_occupied_beds").mean;
    ck_assert_msg(fabs(diff - lambda * 0.5 * 2) < 0.3, "beds freed %g, theory %g", diff, lambda);
    flow_results_fini(&aih);
    flow_results_fini(&d2a);
}
END_TEST

/* The case exactly: 10 discharges a day, half on pathways 1-3, a fixed 2-day
 * assessment, unlimited community places. Under D2A the assessment leaves the hospital, so
 * 5 a day x 2 days = 10 fewer beds are occupied. Both runs use the same random numbers, so
 * the difference is measured replication by replication (paired). */
START_TEST(d2a_frees_ten_beds_at_ten_discharges_a_day)
{
    const char *text =
        "name: Ten a day\nhorizon: 1000d\nwarmup: 50d\nreplications: 20\nseed: 10\n"
        "wards:\n  - {name: Ward, beds: 1000}\n"
        "community:\n  - {name: reablement, stay: {dist: exponential, mean: 14d}}\n"
        "  - {name: rehab, stay: {dist: lognormal, mean: 20d, sd: 8d}}\n"
        "discharge:\n  model: assess_in_hospital\n  assessment: {dist: fixed, value: 2d}\n"
        "  pathways:\n    - {pathway: 0, share: 0.5}\n    - {pathway: 1, share: 0.3, service: reablement}\n"
        "    - {pathway: 2, share: 0.2, service: rehab}\n"
        "groups:\n  - name: all\n    arrivals: {rate: 10/d}\n"
        "    route:\n      - {ward: Ward, stay: {dist: gamma, mean: 4d, sd: 2d}}\n";
    const char *d2a_set[] = {"discharge.model=discharge_to_assess"};
    struct flow_results aih = run(text, NULL, 0), d2a = run(text, d2a_set, 1);
    long k = flow_results_find(&aih, "wards.Ward.mean_occupied_beds");
    double diff[20];
    for (size_t r = 0; r < 20; r++)
        diff[r] = aih.values[r * aih.nmetrics + (size_t)k] - d2a.values[r * d2a.nmetrics + (size_t)k];
    struct flow_summary s;
    flow_summary_compute(&s, diff, 20, 1);
    double h = flow_ci_halfwidth(s.sd, s.n, 0.999);
    ck_assert_msg(fabs(s.mean - 10) <= h, "beds freed %g (+- %g), theory 10", s.mean, h);
    ck_assert_msg(h < 0.5, "interval %g too wide", h);
    expect_theory(&aih, "wards.Ward.mean_occupied_beds", 10 * (4 + 0.5 * 2), 0.02);
    flow_results_fini(&aih);
    flow_results_fini(&d2a);
}
END_TEST

START_TEST(readmissions_at_their_rate)
{
    struct flow_results r = run(little, NULL, 0);
    /* readmissions a day = p x pathway-1 discharges a day */
    struct flow_summary p1 = get(&r, "pathways.P1.patients_per_day");
    expect_theory(&r, "pathways.P1.readmissions_per_day", 0.2 * p1.mean, 0.06);
    expect_theory(&r, "pathways.P0.readmissions_per_day", 0, 1e-9);
    expect_theory(&r, "system.arrivals_per_day", 8 / 0.9, 0.02);
    flow_results_fini(&r);
}
END_TEST

/* Poisson discharges (an M/M/infinity ward's output is Poisson) into a service of c places with
 * exponential stays: the wait for a place is Erlang C. */
START_TEST(wait_for_service_is_erlang_c)
{
    const char *text =
        "name: Service Erlang C\nhorizon: 4000d\nwarmup: 100d\nreplications: 20\nseed: 17\n"
        "wards:\n  - {name: Ward, beds: 1000}\n"
        "community:\n  - {name: rehab, capacity: 5, stay: {dist: exponential, mean: 2d}}\n"
        "discharge:\n  pathways:\n    - {pathway: 2, share: 1, service: rehab}\n"
        "groups:\n  - name: all\n    arrivals: {rate: 2/d}\n"
        "    route:\n      - {ward: Ward, stay: {dist: exponential, mean: 1.5d}}\n";
    struct flow_results r = run(text, NULL, 0);
    double wq = flow_mmc_mean_wait(5, 2, 2);       /* days */
    /* Waits at 80% occupancy vary a lot between replications: 20% still tells c = 5 from
     * c = 6 (a wait four times shorter). */
    expect_theory(&r, "community.rehab.mean_wait_days", wq, 0.2);
    expect_theory(&r, "community.rehab.queue_in_hospital", 2 * wq, 0.2);
    expect_theory(&r, "community.rehab.occupancy", 0.8, 0.02);
    expect_theory(&r, "discharge.delayed_bed_days_per_day", 2 * wq, 0.2);
    flow_results_fini(&r);
}
END_TEST

/* A service that turns patients away when full is an Erlang loss system: 4 a day offered, stays
 * of 2 days, 10 places: B(10, 8) turned away, whatever the stay's law (lognormal here too, the
 * insensitivity of Erlang B); the diverted leave hospital at once, so nobody waits in a bed, and
 * the places are used at a (1 - B) / c. Under Discharge to Assess likewise. */
START_TEST(divert_service_is_erlang_b)
{
    const char *text =
        "name: Service Erlang B\nhorizon: 8000d\nwarmup: 100d\nreplications: 20\nseed: 23\n"
        "wards:\n  - {name: Ward, beds: 1000}\n"
        "community:\n  - {name: rehab, capacity: 10, when_full: divert, stay: {dist: exponential, mean: 2d}}\n"
        "discharge:\n  pathways:\n    - {pathway: 2, share: 1, service: rehab}\n"
        "groups:\n  - name: all\n    arrivals: {rate: 4/d}\n"
        "    route:\n      - {ward: Ward, stay: {dist: exponential, mean: 1.5d}}\n";
    double b = flow_erlang_b(10, 8);
    const char *lognormal[] = {"community.rehab.stay={dist: lognormal, mean: 2d, sd: 3d}"};
    const char *d2a[] = {"discharge.model=discharge_to_assess"};
    const char *const *sets[] = {NULL, lognormal, d2a};
    for (int k = 0; k < 3; k++) {
        struct flow_results r = run(text, sets[k], k ? 1 : 0);
        expect_theory(&r, "community.rehab.lost_fraction", b, 0.05);
        expect_theory(&r, "community.rehab.mean_occupied", 8 * (1 - b), 0.02);
        expect_theory(&r, "community.rehab.queue_in_hospital", 0, 0.01);
        expect_theory(&r, "discharge.delayed_bed_days_per_day", 0, 0.01);
        flow_results_fini(&r);
    }
}
END_TEST

/* Home care planned in visits (visits_per_day): 20 visits a day for patients needing exactly 2
 * each is 10 places. Turning patients away it is Erlang B(10, 8), with 2 x 8 (1 - B) visits a
 * day in use; queueing, Erlang C for the wait (4 a day, stays of 2 days), and the visits wanted
 * by those waiting are twice the patients waiting, exactly. */
START_TEST(visit_capacity_is_places_of_visits)
{
    const char *text =
        "name: Visits\nhorizon: 8000d\nwarmup: 100d\nreplications: 20\nseed: 29\n"
        "wards:\n  - {name: Ward, beds: 1000}\n"
        "community:\n  - {name: homecare, visits_per_day: 20, visits: {dist: fixed, value: 2}, when_full: divert,\n"
        "     stay: {dist: exponential, mean: 2d}}\n"
        "discharge:\n  pathways:\n    - {pathway: 1, share: 1, service: homecare}\n"
        "groups:\n  - name: all\n    arrivals: {rate: 4/d}\n"
        "    route:\n      - {ward: Ward, stay: {dist: exponential, mean: 1.5d}}\n";
    double b = flow_erlang_b(10, 8);
    struct flow_results r = run(text, NULL, 0);
    expect_theory(&r, "community.homecare.lost_fraction", b, 0.05);
    expect_theory(&r, "community.homecare.visits_used", 16 * (1 - b), 0.02);
    struct flow_summary used = get(&r, "community.homecare.visits_used"), places = get(&r, "community.homecare.mean_occupied");
    ck_assert_double_eq_tol(used.mean, 2 * places.mean, 1e-9);
    flow_results_fini(&r);
    const char *queue[] = {"community.homecare.when_full=queue"};
    r = run(text, queue, 1);
    double wq = flow_mmc_mean_wait(10, 4, 2);
    expect_theory(&r, "community.homecare.mean_wait_days", wq, 0.15);
    expect_theory(&r, "community.homecare.visits_used", 16, 0.02);
    struct flow_summary unmet = get(&r, "community.homecare.visits_unmet"), waiting = get(&r, "community.homecare.queue_in_hospital");
    ck_assert_double_eq_tol(unmet.mean, 2 * waiting.mean, 1e-9);
    expect_theory(&r, "community.homecare.queue_in_hospital", 4 * wq, 0.15);
    flow_results_fini(&r);
    /* The same 10 places at the boundary of a visit a day: 1 visit a day, a tenth each. */
    const char *tenth[] = {"community.homecare.when_full=queue", "community.homecare.visits_per_day=1",
                           "community.homecare.visits={dist: fixed, value: 0.1}"};
    r = run(text, tenth, 3);
    expect_theory(&r, "community.homecare.mean_wait_days", wq, 0.15);
    expect_theory(&r, "community.homecare.queue_in_hospital", 4 * wq, 0.15);
    expect_theory(&r, "community.homecare.visits_used", 0.8, 0.02);
    flow_results_fini(&r);
}
END_TEST

/* order: first_fit lets a patient whose visits fit start past one whose visits do not. Patients
 * needing 1 visit a day (99.9%) or 100 (more than the service's 10 a day: they never start): first
 * fit, the small ones are exactly M/M/10 at 0.999 x 4.25 a day with 2-day stays (Erlang C wait,
 * 8.49 places in use, the big ones all waiting); first come, the first big one stops everyone. */
START_TEST(first_fit_lets_small_needs_past)
{
    const char *text =
        "name: First fit\nhorizon: 8000d\nwarmup: 30d\nreplications: 20\nseed: 31\n"
        "wards:\n  - {name: Ward, beds: 200}\n"
        "community:\n  - {name: homecare, visits_per_day: 10, order: first_fit,\n"
        "     visits: {dist: empirical, values: [1, 100], weights: [0.999, 0.001]},\n"
        "     stay: {dist: exponential, mean: 2d}}\n"
        "discharge:\n  pathways:\n    - {pathway: 1, share: 1, service: homecare}\n"
        "groups:\n  - name: all\n    arrivals: {rate: 4.25/d}\n"
        "    route:\n      - {ward: Ward, stay: {dist: fixed, value: 1m}}\n";
    struct flow_results r = run(text, NULL, 0);
    expect_theory(&r, "community.homecare.mean_wait_days", flow_mmc_mean_wait(10, 0.999 * 4.25, 2), 0.15);
    expect_theory(&r, "community.homecare.mean_occupied", 0.999 * 4.25 * 2, 0.01);
    expect_theory(&r, "community.homecare.visits_used", 0.999 * 4.25 * 2, 0.01);
    flow_results_fini(&r);
    /* First come: with a big need one patient in ten, the first comes within days and stops
     * everyone behind it (a short run: the queue only grows). */
    const char *fifo[] = {"community.homecare.order=first_come", "community.homecare.visits.weights=[0.9, 0.1]",
                          "horizon=100d"};
    r = run(text, fifo, 3);
    struct flow_summary used = get(&r, "community.homecare.visits_used");
    ck_assert_msg(used.mean < 0.5, "first come: %g visits in use, want the first big need to stop all", used.mean);
    flow_results_fini(&r);
}
END_TEST

/* A community service that is too small backs up the ward, the front door and the theatre. */
START_TEST(full_service_backs_up_the_hospital)
{
    const char *text =
        "name: Backed up\nhorizon: 365d\nwarmup: 60d\nreplications: 8\nseed: 5\n"
        "wards:\n  - {name: Ward, beds: 40}\n"
        "theatres:\n  - name: T\n    sessions: [{days: [mon, tue, wed, thu, fri], start: \"09:00\", length: 4h}]\n"
        "community:\n  - {name: rehab, capacity: 12, stay: {dist: exponential, mean: 10d}}\n"
        "discharge:\n  pathways:\n    - {pathway: 0, share: 0.8}\n    - {pathway: 2, share: 0.2, service: rehab}\n"
        "groups:\n  - name: medical\n    arrivals: {rate: 6/d}\n"
        "    route: [{ward: Ward, stay: {dist: lognormal, mean: 4d, sd: 3d}}]\n"
        "  - name: surgical\n    arrivals: {referrals: 12/w}\n    initial_waiting_list: 20\n"
        "    route:\n      - {theatre: T, operation: {dist: fixed, value: 70m}}\n"
        "      - {ward: Ward, stay: {dist: lognormal, mean: 3d, sd: 1d}}\n";
    const char *wide[] = {"community.rehab.capacity=60"};
    struct flow_results tight = run(text, NULL, 0), ample = run(text, wide, 1);
    const char *paths[] = {"discharge.delayed_bed_days_per_day", "wards.Ward.mean_wait_hours",
                           "theatres.T.cancelled_no_bed_per_week", "community.rehab.queue_in_hospital"};
    for (int i = 0; i < 4; i++) {
        struct flow_summary a = get(&tight, paths[i]), b = get(&ample, paths[i]);
        ck_assert_msg(a.ci_low > b.ci_high, "%s: %g with 12 places, %g with 60", paths[i], a.mean, b.mean);
    }
    flow_results_fini(&tight);
    flow_results_fini(&ample);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("discharge");
    TCase *tc = tcase_create("exact");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, d2a_frees_beds_by_littles_law);
    tcase_add_test(tc, d2a_frees_ten_beds_at_ten_discharges_a_day);
    tcase_add_test(tc, readmissions_at_their_rate);
    tcase_add_test(tc, wait_for_service_is_erlang_c);
    tcase_add_test(tc, divert_service_is_erlang_b);
    tcase_add_test(tc, visit_capacity_is_places_of_visits);
    tcase_add_test(tc, full_service_backs_up_the_hospital);
    suite_add_tcase(s, tc);
    TCase *order = tcase_create("order");
    tcase_set_timeout(order, 600);
    tcase_add_test(order, first_fit_lets_small_needs_past);
    suite_add_tcase(s, order);
    return s;
}
