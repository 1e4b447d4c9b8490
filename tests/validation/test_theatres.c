/* test_theatres.c - theatre lists and the waiting list against exact answers: fixed-duration
 * lists hold exactly the cases that fit; a late start drops or overruns by exactly its length;
 * referrals above capacity grow the waiting list at exactly the difference; below it the list
 * stays small; emergency pressure on a shared ward cancels more elective cases. */
#include "../unit/check_main.h"

#include <flowsim/experiment.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* One theatre, Mon/Wed/Fri 08:30 for 4 hours; a long initial waiting list so every list is
 * full. Deterministic: fixed operation and stay, no turnaround, no late start. */
static const char *fixed_list =
    "name: Fixed list\nhorizon: 140d\nwarmup: 7d\nreplications: 3\nseed: 5\n"
    "wards:\n  - {name: Ortho, beds: 100}\n"
    "theatres:\n  - name: T1\n    cost_per_hour: 1000\n"
    "    sessions:\n      - {days: [mon, wed, fri], start: \"08:30\", length: 4h}\n"
    "groups:\n  - name: hips\n    arrivals: {referrals: 1/w}\n    initial_waiting_list: 500\n"
    "    route:\n      - theatre: T1\n        operation: {dist: fixed, value: 60m}\n"
    "      - ward: Ortho\n        stay: {dist: fixed, value: 3d}\n";

static struct flow_summary metric(const char *text, const char *const *sets, size_t n,
                                  const char *path)
{
    struct flow_scenario *s = test_load(text, sets, n);
    struct flow_results r;
    struct flow_run_options o = {.threads = 2};
    ck_assert_int_eq(flow_experiment_run(s, &o, &r, NULL), 0);
    long k = flow_results_find(&r, path);
    ck_assert_msg(k >= 0, "no metric %s", path);
    struct flow_summary sum;
    flow_results_summary(&r, (size_t)k, &sum);
    flow_results_fini(&r);
    flow_scenario_destroy(s);
    return sum;
}

static void expect_exact(const char *const *sets, size_t n, const char *path, double want)
{
    struct flow_summary s = metric(fixed_list, sets, n, path);
    ck_assert_msg(fabs(s.mean - want) < 1e-9 && s.sd < 1e-9, "%s: %.12g (sd %g), wanted %g", path,
                  s.mean, s.sd, want);
}

START_TEST(list_holds_four_60_minute_cases)
{
    expect_exact(NULL, 0, "theatres.T1.cases_per_list", 4);
    expect_exact(NULL, 0, "theatres.T1.utilisation", 1.0);
    expect_exact(NULL, 0, "theatres.T1.lists_per_week", 3);
    expect_exact(NULL, 0, "theatres.T1.p_list_underrun", 0);
    expect_exact(NULL, 0, "theatres.T1.cost_per_case", 1000);   /* 4 h x 1000 / 4 cases */
}
END_TEST

/* Sessions follow the start date's weekday: three days from a Monday hold the Monday and
 * Wednesday lists, from a Tuesday only Wednesday's, from a Saturday only Monday's, from a
 * Wednesday Wednesday's and Friday's. */
START_TEST(lists_follow_the_start_weekday)
{
    const char *monday[] = {"warmup=0d", "horizon=3d"};
    expect_exact(monday, 2, "theatres.T1.lists_per_week", 2 * 7.0 / 3);
    const char *tuesday[] = {"warmup=0d", "horizon=3d", "start=2027-01-05"};
    expect_exact(tuesday, 3, "theatres.T1.lists_per_week", 7.0 / 3);
    const char *saturday[] = {"warmup=0d", "horizon=3d", "start=2027-01-09"};
    expect_exact(saturday, 3, "theatres.T1.lists_per_week", 7.0 / 3);
    const char *wednesday[] = {"warmup=0d", "horizon=3d", "start=2027-01-06"};
    expect_exact(wednesday, 3, "theatres.T1.lists_per_week", 2 * 7.0 / 3);   /* Wednesday, Friday */
}
END_TEST

/* Lists on some weeks only: alternate weeks give half the lists a week over whole cycles (140
 * days after a 7-day warm-up: 10 cycles of 2 weeks), weeks 1 and 3 of 4 likewise, week 4 of 4 a
 * quarter. Week 1 is the week (Monday to Sunday) that holds time 0: from a Wednesday, the first
 * 7 days hold this week's Wednesday and Friday lists in week 1, then next Monday's, in week 2. */
START_TEST(lists_on_some_weeks_only)
{
    const char *alternate[] = {"theatres.T1.cycle=2w", "theatres.T1.sessions.1.weeks=[2]", "warmup=14d"};
    expect_exact(alternate, 3, "theatres.T1.lists_per_week", 1.5);
    const char *odd[] = {"theatres.T1.cycle=4w", "theatres.T1.sessions.1.weeks=[1, 3]", "warmup=28d",
                         "horizon=112d"};
    expect_exact(odd, 4, "theatres.T1.lists_per_week", 1.5);
    const char *monthly[] = {"theatres.T1.cycle=4w", "theatres.T1.sessions.1.weeks=[4]", "warmup=28d",
                             "horizon=112d"};
    expect_exact(monthly, 4, "theatres.T1.lists_per_week", 0.75);
    const char *week1[] = {"theatres.T1.cycle=2w", "theatres.T1.sessions.1.weeks=[1]", "warmup=0d", "horizon=7d",
                           "start=2027-01-06"};
    expect_exact(week1, 5, "theatres.T1.lists_per_week", 2);
    const char *week2[] = {"theatres.T1.cycle=2w", "theatres.T1.sessions.1.weeks=[2]", "warmup=0d", "horizon=7d",
                           "start=2027-01-06"};
    expect_exact(week2, 5, "theatres.T1.lists_per_week", 1);
}
END_TEST

/* Waiting for a bed before the slot is lost (bed_patience). Monday 08:00-12:00, one bed, held
 * by a census patient whose fixed stay ends at 09:00 (or later); one hip case (1 h, then a day
 * in the bed) with fixed patience, and a day case booked after it. Times are exact. */
static const char *patience_list =
    "name: Bed patience\nhorizon: 1d\nwarmup: 0d\nreplications: 2\nseed: 1\n"
    "wards:\n  - {name: W, beds: 1}\n"
    "theatres:\n  - name: T\n    sessions:\n      - {days: [mon], start: \"08:00\", length: 4h}\n"
    "groups:\n  - name: emerg\n    arrivals: {rate: 0/d}\n    route: [{ward: W, stay: {dist: fixed, value: 9h}}]\n"
    "  - name: hip\n    arrivals: {referrals: 0/d}\n    initial_waiting_list: 1\n    route:\n"
    "      - theatre: T\n        operation: {dist: fixed, value: 1h}\n"
    "        bed_patience: {dist: fixed, value: 2h}\n"
    "      - ward: W\n        stay: {dist: fixed, value: 1d}\n"
    "initial:\n  - {ward: W, group: emerg, elapsed: [0h]}\n";

static void patience_exact(const char *const *sets, size_t n, const char *path, double want)
{
    struct flow_summary s = metric(patience_list, sets, n, path);
    ck_assert_msg(fabs(s.mean - want) < 1e-9 && s.sd < 1e-9, "%s: %.12g, wanted %g", path, s.mean, want);
}

/* The bed frees 1 h into a 2 h patience: operated at 09:00 (a quarter of the list used). At
 * 3 h, or with no patience at all, the case is cancelled for lack of a bed. */
START_TEST(bed_patience_operates_if_the_bed_comes_in_time)
{
    patience_exact(NULL, 0, "theatres.T.cases_per_list", 1);
    patience_exact(NULL, 0, "theatres.T.cancelled_no_bed_per_week", 0);
    patience_exact(NULL, 0, "theatres.T.utilisation", 0.25);
    const char *late[] = {"groups.emerg.route.W.stay.value=11h"};
    patience_exact(late, 1, "theatres.T.cases_per_list", 0);
    patience_exact(late, 1, "theatres.T.cancelled_no_bed_per_week", 7);
    const char *at_once[] = {"groups.hip.route.1.bed_patience={dist: fixed, value: 0m}"};
    patience_exact(at_once, 1, "theatres.T.cancelled_no_bed_per_week", 7);
}
END_TEST

/* The list goes on meanwhile: a day case booked after the hip case is operated 08:00-09:00
 * while the hip case waits; the hip case's bed comes at 08:30 (held) or 09:00, and it is
 * operated at 09:00 when the theatre is free: two cases, half the list. */
START_TEST(bed_patience_lets_the_list_go_on)
{
    const char *dayc[] = {"groups=[{name: emerg, arrivals: {rate: 0/d}, route: [{ward: W, stay: {dist: fixed, value: 9h}}]},"
                          " {name: hip, arrivals: {referrals: 0/d}, initial_waiting_list: 1, route: [{theatre: T,"
                          " operation: {dist: fixed, value: 1h}, bed_patience: {dist: fixed, value: 2h}},"
                          " {ward: W, stay: {dist: fixed, value: 1d}}]},"
                          " {name: day, arrivals: {referrals: 0/d}, initial_waiting_list: 1, route: [{theatre: T,"
                          " operation: {dist: fixed, value: 1h}}]}]"};
    patience_exact(dayc, 1, "theatres.T.cases_per_list", 2);
    patience_exact(dayc, 1, "theatres.T.utilisation", 0.5);
    patience_exact(dayc, 1, "theatres.T.cancelled_no_bed_per_week", 0);
    /* A case whose bed came goes before the booked cases still to come: with two day cases and
     * the bed free at 08:30, the hip case is operated 09:00-10:00 (then 2 h in the bed), the
     * second day case 10:00-11:00; the bed is in use 00:00-08:30 and 08:30-12:00: half the day. */
    const char *first[] = {"groups=[{name: emerg, arrivals: {rate: 0/d}, route: [{ward: W, stay: {dist: fixed, value: 510m}}]},"
                           " {name: hip, arrivals: {referrals: 0/d}, initial_waiting_list: 1, route: [{theatre: T,"
                           " operation: {dist: fixed, value: 1h}, bed_patience: {dist: fixed, value: 2h}},"
                           " {ward: W, stay: {dist: fixed, value: 2h}}]},"
                           " {name: day, arrivals: {referrals: 0/d}, initial_waiting_list: 2, route: [{theatre: T,"
                           " operation: {dist: fixed, value: 1h}}]}]"};
    patience_exact(first, 1, "theatres.T.cases_per_list", 3);
    patience_exact(first, 1, "wards.W.mean_occupied_beds", 0.5);
    /* The booked cases are done (the day case at 09:00) while the hip case still waits: the
     * list waits for it, and its bed, free at 09:30, lets it be operated 09:30-10:30. */
    const char *waits[] = {"groups=[{name: emerg, arrivals: {rate: 0/d}, route: [{ward: W, stay: {dist: fixed, value: 570m}}]},"
                           " {name: hip, arrivals: {referrals: 0/d}, initial_waiting_list: 1, route: [{theatre: T,"
                           " operation: {dist: fixed, value: 1h}, bed_patience: {dist: fixed, value: 2h}},"
                           " {ward: W, stay: {dist: fixed, value: 1d}}]},"
                           " {name: day, arrivals: {referrals: 0/d}, initial_waiting_list: 1, route: [{theatre: T,"
                           " operation: {dist: fixed, value: 1h}}]}]"};
    patience_exact(waits, 1, "theatres.T.cases_per_list", 2);
    patience_exact(waits, 1, "theatres.T.cancelled_no_bed_per_week", 0);
    patience_exact(waits, 1, "theatres.T.utilisation", 0.5);
}
END_TEST

/* A bed that comes at 11:30 to a case planned for 1 h: with overrun: cancel_remaining it no
 * longer fits the list (ends 12:00) and is cancelled as out of time, its bed given back; with
 * overrun: finish it is operated 11:30-12:30, 30 minutes over. A bed that never comes in the
 * list (patience 10 h) cancels the case for lack of a bed when the list ends. */
START_TEST(bed_patience_and_the_end_of_the_list)
{
    const char *late[] = {"groups.emerg.route.W.stay.value=690m", "groups.hip.route.1.bed_patience.value=4h"};
    patience_exact(late, 2, "theatres.T.cancelled_overrun_per_week", 7);
    patience_exact(late, 2, "theatres.T.cases_per_list", 0);
    patience_exact(late, 2, "wards.W.mean_occupied_beds", 11.5 / 24);    /* the bed went back at once */
    const char *finish[] = {"groups.emerg.route.W.stay.value=690m", "groups.hip.route.1.bed_patience.value=4h",
                            "theatres.T.overrun=finish"};
    patience_exact(finish, 3, "theatres.T.cases_per_list", 1);
    patience_exact(finish, 3, "theatres.T.overrun_minutes", 30);
    const char *never[] = {"groups.emerg.route.W.stay.value=20h", "groups.hip.route.1.bed_patience.value=10h"};
    patience_exact(never, 2, "theatres.T.cancelled_no_bed_per_week", 7);
    patience_exact(never, 2, "theatres.T.cases_per_list", 0);
}
END_TEST

/* A bed taken at the very instant the warm-up ends belongs to the measured period, and so does
 * its undoing. Sunday 20:00-01:00 lists; the hip case (referred at time 0, 2 h planned, 10 h of
 * bed patience) waits from 20:00 on day 6 for the one bed, freed at 00:00 on day 7, the end of
 * the warm-up: it takes it then (a first bed 7 days after referral, within 10 days), but no
 * longer fits the list, so it is cancelled out of time and gives the bed back, which undoes
 * that first bed. Operated on day 13's list, 13.8 days after referral: 0 of 1 within 10 days
 * (counting the undone bed would give 1 of 2). */
START_TEST(a_first_bed_at_the_warmup_instant_is_undone_in_the_period)
{
    const char *text =
        "name: Tie\nhorizon: 8d\nwarmup: 7d\nreplications: 2\nseed: 1\n"
        "wards:\n  - {name: W, beds: 1}\n"
        "theatres:\n  - name: T\n    sessions:\n      - {days: [sun], start: \"20:00\", length: 5h}\n"
        "groups:\n  - name: emerg\n    arrivals: {rate: 0/d}\n    route: [{ward: W, stay: {dist: fixed, value: 7d}}]\n"
        "  - name: hip\n    arrivals: {referrals: 0/d}\n    initial_waiting_list: 1\n    wait_targets: [10d]\n"
        "    route:\n      - theatre: T\n        operation: {dist: fixed, value: 2h}\n"
        "        bed_patience: {dist: fixed, value: 10h}\n"
        "      - ward: W\n        stay: {dist: fixed, value: 1d}\n"
        "initial:\n  - {ward: W, group: emerg, elapsed: [0h]}\n";
    struct flow_summary s = metric(text, NULL, 0, "theatres.T.cancelled_overrun_per_week");
    ck_assert_msg(fabs(s.mean - 7.0 / 8) < 1e-9, "cancelled out of time: %g a week", s.mean);
    s = metric(text, NULL, 0, "groups.hip.wait_within_10d");
    ck_assert_msg(fabs(s.mean) < 1e-9 && s.sd < 1e-9, "wait_within_10d: %g, exactly 0 wanted", s.mean);
}
END_TEST

START_TEST(list_holds_three_70_minute_cases)
{
    const char *sets[] = {"groups.hips.route.1.operation.value=70m"};
    expect_exact(sets, 1, "theatres.T1.cases_per_list", 3);
    expect_exact(sets, 1, "theatres.T1.utilisation", 0.875);
    /* 210 of 240 minutes: finishes exactly 30 minutes early, which is not "more than" 30. */
    expect_exact(sets, 1, "theatres.T1.p_list_underrun", 0);
    const char *sets2[] = {"groups.hips.route.1.operation.value=70m", "theatres.T1.underrun_threshold=29m"};
    expect_exact(sets2, 2, "theatres.T1.p_list_underrun", 1);
}
END_TEST

START_TEST(late_start_cancels_the_last_case)
{
    const char *sets[] = {"theatres.T1.late_start={dist: fixed, value: 30m}"};
    expect_exact(sets, 1, "theatres.T1.cases_per_list", 3);
    expect_exact(sets, 1, "theatres.T1.late_start_minutes", 30);
    expect_exact(sets, 1, "theatres.T1.cancelled_overrun_per_week", 3);   /* one per list */
    expect_exact(sets, 1, "theatres.T1.utilisation", 0.75);
    expect_exact(sets, 1, "theatres.T1.overrun_minutes", 0);
}
END_TEST

START_TEST(late_start_with_finish_overruns)
{
    const char *sets[] = {"theatres.T1.late_start={dist: fixed, value: 30m}", "theatres.T1.overrun=finish"};
    expect_exact(sets, 2, "theatres.T1.cases_per_list", 4);
    expect_exact(sets, 2, "theatres.T1.overrun_minutes", 30);
    /* 210 minutes of operating inside the 240-minute list; the last 30 are outside. */
    expect_exact(sets, 2, "theatres.T1.utilisation", 0.875);
    /* cost: 4.5 staffed hours x 1000 / 4 cases */
    expect_exact(sets, 2, "theatres.T1.cost_per_case", 1125);
}
END_TEST

/* With overrun: finish a case may start at any time before the list's end: with 15-minute
 * turnarounds the fourth case starts at 3:45 and ends at 4:45. */
START_TEST(turnaround_between_cases)
{
    const char *sets[] = {"theatres.T1.turnaround={dist: fixed, value: 15m}", "theatres.T1.overrun=finish"};
    expect_exact(sets, 2, "theatres.T1.turnaround_minutes", 15);
    expect_exact(sets, 2, "theatres.T1.cases_per_list", 4);
    expect_exact(sets, 2, "theatres.T1.overrun_minutes", 45);
    /* With 20-minute turnarounds the fourth would start exactly at the end: it is cancelled. */
    const char *sets2[] = {"theatres.T1.turnaround={dist: fixed, value: 20m}", "theatres.T1.overrun=finish"};
    expect_exact(sets2, 2, "theatres.T1.cases_per_list", 3);
    expect_exact(sets2, 2, "theatres.T1.overrun_minutes", 0);
    expect_exact(sets2, 2, "theatres.T1.cancelled_overrun_per_week", 3);
}
END_TEST

/* Capacity 12 cases a week (3 lists x 4). At 15 referrals a week the list grows by exactly
 * 15 T / 7 - 12 (weeks) on average; the simulated growth must match within its interval. */
START_TEST(waiting_list_grows_at_the_difference)
{
    const char *sets[] = {"groups.hips.arrivals.referrals=15/w", "horizon=357d", "warmup=0d",
                          "replications=20", "groups.hips.initial_waiting_list=50"};
    struct flow_summary s = metric(fixed_list, sets, 5, "groups.hips.waiting_list_end");
    double expect = 50 + 15.0 / 7 * 357 - 12.0 * 51;
    double h = flow_ci_halfwidth(s.sd, s.n, 0.999);
    ck_assert_msg(fabs(s.mean - expect) <= h, "waiting list %g, expected %g (+- %g)", s.mean, expect, h);
    ck_assert(h < 30);     /* tight enough to see one case a week more or less (51) */
}
END_TEST

START_TEST(waiting_list_bounded_below_capacity)
{
    const char *y1[] = {"groups.hips.arrivals.referrals=9/w", "groups.hips.initial_waiting_list=0",
                        "horizon=365d", "warmup=0d", "replications=10"};
    const char *y10[] = {"groups.hips.arrivals.referrals=9/w", "groups.hips.initial_waiting_list=0",
                         "horizon=3650d", "warmup=0d", "replications=10"};
    struct flow_summary a = metric(fixed_list, y1, 5, "groups.hips.waiting_list_size");
    struct flow_summary b = metric(fixed_list, y10, 5, "groups.hips.waiting_list_size");
    ck_assert_msg(a.mean < 15 && b.mean < 15, "waiting list %g after 1 year, %g after 10", a.mean, b.mean);
    ck_assert_msg(fabs(a.mean - b.mean) < 3, "waiting list grows: %g then %g", a.mean, b.mean);
}
END_TEST

/* Emergency patients share the orthopaedic ward: more of them, more elective cases
 * cancelled for lack of a bed. */
START_TEST(emergency_pressure_cancels_electives)
{
    const char *text =
        "name: Shared ward\nhorizon: 365d\nwarmup: 28d\nreplications: 10\nseed: 8\n"
        "wards:\n  - {name: Ortho, beds: 24}\n"
        "theatres:\n  - name: T1\n    sessions:\n      - {days: [mon, tue, wed, thu, fri], start: \"08:30\", length: 4h}\n"
        "groups:\n  - name: hips\n    arrivals: {referrals: 18/w}\n    initial_waiting_list: 40\n"
        "    route:\n      - theatre: T1\n        operation: {dist: lognormal, mean: 55m, sd: 10m}\n"
        "        planned: 60m\n      - ward: Ortho\n        stay: {dist: lognormal, mean: 4d, sd: 2d}\n"
        "  - name: trauma\n    arrivals: {rate: 2/d}\n"
        "    route:\n      - ward: Ortho\n        stay: {dist: lognormal, mean: 5d, sd: 3d}\n";
    const char *rates[] = {"groups.trauma.arrivals.rate=0.5/d", "groups.trauma.arrivals.rate=2/d",
                           "groups.trauma.arrivals.rate=3/d"};
    double prev = -1;
    for (int i = 0; i < 3; i++) {
        struct flow_summary s = metric(text, &rates[i], 1, "theatres.T1.cancelled_no_bed_per_week");
        ck_assert_msg(s.ci_low > prev, "rate %d: cancellations %g [%g, %g] not above %g", i, s.mean,
                      s.ci_low, s.ci_high, prev);
        prev = s.ci_high;
    }
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("theatres");
    TCase *tc = tcase_create("exact");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, list_holds_four_60_minute_cases);
    tcase_add_test(tc, list_holds_three_70_minute_cases);
    tcase_add_test(tc, a_first_bed_at_the_warmup_instant_is_undone_in_the_period);
    tcase_add_test(tc, lists_follow_the_start_weekday);
    tcase_add_test(tc, lists_on_some_weeks_only);
    tcase_add_test(tc, bed_patience_operates_if_the_bed_comes_in_time);
    tcase_add_test(tc, bed_patience_lets_the_list_go_on);
    tcase_add_test(tc, bed_patience_and_the_end_of_the_list);
    tcase_add_test(tc, late_start_cancels_the_last_case);
    tcase_add_test(tc, late_start_with_finish_overruns);
    tcase_add_test(tc, turnaround_between_cases);
    tcase_add_test(tc, waiting_list_grows_at_the_difference);
    tcase_add_test(tc, waiting_list_bounded_below_capacity);
    tcase_add_test(tc, emergency_pressure_cancels_electives);
    suite_add_tcase(s, tc);
    return s;
}
