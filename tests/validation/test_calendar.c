/* test_calendar.c - the hospital's clock against closed forms: ward rounds (a fixed stay plus
 * the wait to the next round, worked out from the gaps between rounds; p_review adds a
 * geometric number of rounds; holidays follow Sunday; a stay that ends at a round's instant is
 * reviewed by it), discharge times (before noon, weekends), beds that change (a weekend closure
 * on a loss ward is the time-weighted Erlang B of its two bed numbers; a Sunday closure queues
 * Sunday's arrivals to Monday 00:00; closing beds move nobody; mean_beds follows the calendar
 * exactly) and escalation (open at 1 waiting, close at `beds` free is an M/M/(c+e) queue). */
#include "expect.h"

#include <flowsim/calendar.h>
#include <flowsim/experiment.h>
#include <flowsim/model.h>
#include <flowsim/stats.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Poisson arrivals end fixed stays at times spread evenly over the week, so the mean wait to
 * the next round is sum(gap^2) / (2 sum(gap)) over the gaps between successive rounds. */
static double round_wait(const double *gaps, int n)
{
    double sum = 0, squares = 0;
    for (int i = 0; i < n; i++)
        sum += gaps[i], squares += gaps[i] * gaps[i];
    return squares / (2 * sum);
}

/* A big ward (never full), Poisson arrivals, a fixed stay of 2 days. */
#define ROUND_WARD(rounds)                                                                    \
    "name: r\nhorizon: 364d\nwarmup: 14d\nreplications: 8\nseed: 7\n"                          \
    "wards:\n  - name: W\n    beds: 1000\n    rounds:\n" rounds                                 \
    "groups:\n  - name: g\n    arrivals: {rate: 20/d}\n"                                        \
    "    route: [{ward: W, stay: {dist: fixed, value: 2d}}]\n"

/* ---- rounds ----------------------------------------------------------------------------- */

START_TEST(daily_round_adds_half_a_day)
{
    struct flow_results r = run_text(ROUND_WARD("      - {days: [mon, tue, wed, thu, fri, sat, sun], at: \"09:00\"}\n"),
                                     NULL, 0);
    expect_near(&r, "system.los_days", 2.5, 0.005);
    expect_near(&r, "wards.W.ready_bed_days_per_day", 20 * 0.5, 0.02);   /* Little's law */
    expect_exact(&r, "wards.W.p_leave_before_noon", 1);                    /* all leave at 09:00 */
    done(&r);
    /* after_round: everyone leaves at 13:00, 4 hours later */
    const char *sets[] = {"wards.W.after_round={dist: fixed, value: 4h}"};
    r = run_text(ROUND_WARD("      - {days: [mon, tue, wed, thu, fri, sat, sun], at: \"09:00\"}\n"), sets, 1);
    expect_near(&r, "system.los_days", 2.5 + 4.0 / 24, 0.005);
    expect_near(&r, "wards.W.ready_bed_days_per_day", 20 * (0.5 + 4.0 / 24), 0.02);
    expect_exact(&r, "wards.W.p_leave_before_noon", 0);
    expect_near(&r, "wards.W.weekend_departures_ratio", 1, 0.05);
    done(&r);
}
END_TEST

START_TEST(weekday_rounds_wait_over_the_gaps)
{
    struct flow_results r = run_text(ROUND_WARD("      - {days: [mon, tue, wed, thu, fri], at: \"09:00\"}\n"), NULL, 0);
    static const double gaps[] = {1, 1, 1, 1, 3};
    expect_near(&r, "system.los_days", 2 + round_wait(gaps, 5), 0.005);
    expect_exact(&r, "wards.W.weekend_departures_ratio", 0);
    done(&r);
    /* weekend rounds an hour later: Fri 09:00 -> Sat 10:00 -> Sun 10:00 -> Mon 09:00 */
    r = run_text(ROUND_WARD("      - {days: [mon, tue, wed, thu, fri], at: \"09:00\"}\n"
                            "      - {days: [sat, sun], at: \"10:00\"}\n"), NULL, 0);
    static const double gaps2[] = {1, 1, 1, 1, 1 + 1.0 / 24, 1, 1 - 1.0 / 24};
    expect_near(&r, "system.los_days", 2 + round_wait(gaps2, 7), 0.005);
    expect_near(&r, "wards.W.weekend_departures_ratio", 1, 0.05);
    done(&r);
}
END_TEST

/* Each round reviews a ready patient with p = 1/4: 1/p - 1 = 3 more rounds on average. */
START_TEST(p_review_adds_geometric_rounds)
{
    struct flow_results r = run_text(
        ROUND_WARD("      - {days: [mon, tue, wed, thu, fri, sat, sun], at: \"09:00\", p_review: 0.25}\n"), NULL, 0);
    expect_near(&r, "system.los_days", 2 + 0.5 + 3, 0.01);
    done(&r);
}
END_TEST

/* Wednesdays are holidays: no round on them, as on a Sunday. Gaps Mon-Tue 1, Tue-Thu 2,
 * Thu-Fri 1, Fri-Mon 3. */
START_TEST(holiday_rounds_follow_sunday)
{
    static char text[8192];
    int n = snprintf(text, sizeof text,
                     "name: h\nhorizon: 357d\nwarmup: 7d\nreplications: 8\nstart: 2027-01-04\nholidays: [");
    for (int k = 0; k < 52; k++) {
        char d[11];
        flow_date_format(flow_date_days(2027, 1, 6) + 7 * k, d);
        n += snprintf(text + n, sizeof text - (size_t)n, "%s%s", k ? ", " : "", d);
    }
    snprintf(text + n, sizeof text - (size_t)n,
             "]\nwards:\n  - name: W\n    beds: 1000\n    rounds:\n"
             "      - {days: [mon, tue, wed, thu, fri], at: \"09:00\"}\n"
             "groups:\n  - name: g\n    arrivals: {rate: 20/d}\n"
             "    route: [{ward: W, stay: {dist: fixed, value: 2d}}]\n");
    struct flow_results r = run_text(text, NULL, 0);
    static const double gaps[] = {1, 2, 1, 3};
    expect_near(&r, "system.los_days", 2 + round_wait(gaps, 4), 0.005);
    done(&r);
}
END_TEST

/* An operation at Monday 08:00 (1 hour), then a fixed day in a ward with a 09:00 round: the
 * stay ends at Tuesday 09:00 exactly and that round reviews it. Length of stay is 25 hours,
 * every time. */
START_TEST(stay_ending_at_the_round_is_reviewed_by_it)
{
    const char *text =
        "name: e\nhorizon: 350d\nwarmup: 14d\nreplications: 3\n"
        "wards:\n  - name: W\n    beds: 10\n    rounds: [{days: [mon, tue, wed, thu, fri, sat, sun], at: \"09:00\"}]\n"
        "theatres:\n  - name: T\n    sessions: [{days: [mon], start: \"08:00\", length: 4h}]\n"
        "groups:\n  - name: e\n    arrivals: {referrals: 2/w}\n"
        "    route:\n      - {theatre: T, operation: {dist: fixed, value: 1h}, planned: 4h}\n"
        "      - {ward: W, stay: {dist: fixed, value: 1d}}\n";
    struct flow_results r = run_text(text, NULL, 0);
    expect_exact(&r, "system.los_days", 1 + 1.0 / 24);
    done(&r);
}
END_TEST

/* ---- beds that change -------------------------------------------------------------------- */

static double erlang_b(int c, double a)
{
    double b = 1;
    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return b;
}

/* Stays of 15 minutes against closures of whole days: each part of the week is near its own
 * steady state, so losses are 5/7 B(10, a) + 2/7 B(6, a). */
START_TEST(weekend_closure_is_weighted_erlang_b)
{
    const char *text =
        "name: c\nhorizon: 350d\nwarmup: 7d\nreplications: 6\nseed: 3\n"
        "wards:\n  - name: W\n    beds: 10\n    when_full: divert\n"
        "    bed_changes: [{days: [sat, sun], change: -4}]\n"
        "groups:\n  - name: g\n    arrivals: {rate: 32/h}\n"
        "    route: [{ward: W, stay: {dist: exponential, mean: 15m}}]\n";
    struct flow_results r = run_text(text, NULL, 0);
    expect_near(&r, "wards.W.lost_fraction", 5.0 / 7 * erlang_b(10, 8) + 2.0 / 7 * erlang_b(6, 8), 0.02);
    expect_exact(&r, "wards.W.mean_beds", 10 - 4 * 2.0 / 7);
    for (size_t k = 0; k < r.nreps; k++)   /* occupancy is over the beds open on average */
        ck_assert_double_eq_tol(test_value(&r, "wards.W.occupancy", k),
                                test_value(&r, "wards.W.mean_occupied_beds", k) / (10 - 4 * 2.0 / 7), 1e-9);
    done(&r);
}
END_TEST

/* Every bed closes on Sundays: Sunday's arrivals wait until Monday 00:00 (12 hours on
 * average), nobody else waits. */
START_TEST(sunday_closure_queues_to_monday)
{
    const char *text =
        "name: s\nhorizon: 350d\nwarmup: 7d\nreplications: 6\n"
        "wards:\n  - name: W\n    beds: 100\n    bed_changes: [{days: [sun], change: -100}]\n"
        "groups:\n  - name: g\n    arrivals: {rate: 24/d}\n"
        "    route: [{ward: W, stay: {dist: exponential, mean: 1h}}]\n";
    struct flow_results r = run_text(text, NULL, 0);
    expect_near(&r, "wards.W.p_wait", 1.0 / 7, 0.03);
    expect_near(&r, "wards.W.mean_wait_hours", 12.0 / 7, 0.03);
    done(&r);
}
END_TEST

/* Beds that close on Saturday keep their patients: a fixed stay of a day admitted on Friday
 * stays into Saturday. Occupied beds are arrivals x 5/7 x 1 day; 2/7 are turned away. */
START_TEST(closing_beds_move_nobody)
{
    const char *text =
        "name: n\nhorizon: 350d\nwarmup: 7d\nreplications: 6\n"
        "wards:\n  - name: W\n    beds: 1000\n    when_full: divert\n"
        "    bed_changes: [{days: [sat, sun], change: -1000}]\n"
        "groups:\n  - name: g\n    arrivals: {rate: 20/d}\n"
        "    route: [{ward: W, stay: {dist: fixed, value: 1d}}]\n";
    struct flow_results r = run_text(text, NULL, 0);
    expect_near(&r, "wards.W.lost_fraction", 2.0 / 7, 0.02);
    expect_near(&r, "wards.W.mean_occupied_beds", 20 * 5.0 / 7, 0.02);
    done(&r);
}
END_TEST

/* 52 weeks from Monday 2027-01-04: two half days a week with a bed fewer (but not on the
 * Monday holiday of 2027-05-31, which follows Sunday), two more beds all February. */
START_TEST(mean_beds_follow_the_calendar)
{
    const char *text =
        "name: b\nhorizon: 364d\nreplications: 2\nstart: 2027-01-04\nholidays: [2027-05-31]\n"
        "wards:\n  - name: W\n    beds: 20\n    bed_changes:\n"
        "      - {days: [mon, tue], start: \"08:00\", length: 12h, change: -1}\n"
        "      - {from: 2027-02-01, to: 2027-02-28, change: 2}\n"
        "groups:\n  - name: g\n    arrivals: {rate: 1/d}\n"
        "    route: [{ward: W, stay: {dist: fixed, value: 1h}}]\n";
    struct flow_results r = run_text(text, NULL, 0);
    expect_exact(&r, "wards.W.mean_beds", 20 + (2 * 28 - (104 - 1) * 0.5) / 364);
    done(&r);
    /* a shift across midnight: Friday 20:00 for 60 hours, to Monday 08:00 */
    const char *sets[] = {"wards.W.bed_changes.1={days: [fri], start: \"20:00\", length: 60h, change: -3}"};
    r = run_text(text, sets, 1);
    expect_exact(&r, "wards.W.mean_beds", 20 + (2 * 28 - 3 * 2.5 * 52) / 364);
    done(&r);
}
END_TEST

/* Escalation that opens at 1 waiting and closes at e free beds: an arrival that finds the c
 * beds full opens them at once, and they close when the count falls back to c. The ward is an
 * M/M/(c+e) queue; the extra beds are open while more than c are in. */
START_TEST(escalation_is_an_erlang_c_queue)
{
    const char *text =
        "name: x\nhorizon: 2000d\nwarmup: 50d\nreplications: 8\n"
        "wards:\n  - name: W\n    beds: 8\n    escalation: {beds: 4, open_when_waiting: 1, close_when_free: 4}\n"
        "groups:\n  - name: g\n    arrivals: {rate: 9/d}\n"
        "    route: [{ward: W, stay: {dist: exponential, mean: 1d}}]\n";
    struct flow_results r = run_text(text, NULL, 0);
    int c = 8, e = 4, n = c + e;
    double a = 9, p[13], total = 0;
    p[0] = 1;
    for (int k = 1; k <= n; k++)
        p[k] = p[k - 1] * a / k;
    for (int k = 0; k <= n; k++)
        total += p[k];
    double tail = p[n] / (1 - a / n);   /* P(N >= n), the geometric tail beyond n */
    total += tail - p[n];
    double above_c = 0;
    for (int k = c + 1; k < n; k++)
        above_c += p[k];
    above_c = (above_c + tail) / total;
    double wait_c = flow_erlang_c((unsigned)n, a);
    expect_near(&r, "wards.W.escalation_bed_days_per_day", e * above_c, 0.03);
    expect_near(&r, "wards.W.mean_beds", c + e * above_c, 0.01);
    expect_near(&r, "wards.W.escalation_openings_per_week", 7 * a * p[c] / total, 0.03);
    expect_near(&r, "wards.W.p_full", (p[c] + p[n] / (1 - a / n)) / total, 0.03);
    expect_near(&r, "wards.W.p_wait", wait_c, 0.05);
    expect_near(&r, "wards.W.mean_wait_hours", wait_c / (n - a) * 24, 0.06);
    done(&r);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("calendar");
    TCase *tc = tcase_create("closed forms");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, daily_round_adds_half_a_day);
    tcase_add_test(tc, weekday_rounds_wait_over_the_gaps);
    tcase_add_test(tc, p_review_adds_geometric_rounds);
    tcase_add_test(tc, holiday_rounds_follow_sunday);
    tcase_add_test(tc, stay_ending_at_the_round_is_reviewed_by_it);
    tcase_add_test(tc, weekend_closure_is_weighted_erlang_b);
    tcase_add_test(tc, sunday_closure_queues_to_monday);
    tcase_add_test(tc, closing_beds_move_nobody);
    tcase_add_test(tc, mean_beds_follow_the_calendar);
    tcase_add_test(tc, escalation_is_an_erlang_c_queue);
    suite_add_tcase(s, tc);
    return s;
}
