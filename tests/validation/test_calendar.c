/* test_calendar.c - the hospital's clock against closed forms: ward rounds (a fixed stay plus
 * the wait to the next round, worked out from the gaps between rounds; p_review adds a
 * geometric number of rounds; holidays follow Sunday; a stay that ends at a round's instant is
 * reviewed by it), discharge times (before noon, weekends), beds that change (a weekend closure
 * on a loss ward is the time-weighted Erlang B of its two bed numbers; a Sunday closure queues
 * Sunday's arrivals to Monday 00:00; closing beds move nobody; mean_beds follows the calendar
 * exactly) and escalation (open at 1 waiting, close at `beds` free is an M/M/(c+e) queue). */
#include "expect.h"

#include <flowsim/calendar.h>
#include <gsl/gsl_linalg.h>
#include <flowsim/experiment.h>
#include <flowsim/model.h>
#include <flowsim/stats.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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
    expect_exact(&r, "wards.W.mean_departure_hour", 9);
    done(&r);
    /* after_round: everyone leaves at 13:00, 4 hours later */
    const char *sets[] = {"wards.W.after_round={dist: fixed, value: 4h}"};
    r = run_text(ROUND_WARD("      - {days: [mon, tue, wed, thu, fri, sat, sun], at: \"09:00\"}\n"), sets, 1);
    expect_near(&r, "system.los_days", 2.5 + 4.0 / 24, 0.005);
    expect_near(&r, "wards.W.ready_bed_days_per_day", 20 * (0.5 + 4.0 / 24), 0.02);
    expect_exact(&r, "wards.W.p_leave_before_noon", 0);
    expect_exact(&r, "wards.W.mean_departure_hour", 13);
    expect_near(&r, "wards.W.weekend_departures_ratio", 1, 0.05);
    done(&r);
}
END_TEST

/* A round at 00:00 discharges at the census's own instant: whom it sends home is not in that
 * midnight's count (the census counts after every event at its instant). Fixed stays of 2 days
 * from Poisson arrivals leave at the first midnight after them, so at a midnight the ward holds
 * the last 2 days' arrivals, 40; a census before the round would count the third day's too, 60;
 * over time the ward holds 20 x 2.5 = 50 (Little's law). */
START_TEST(a_midnight_round_discharges_before_the_census)
{
    struct flow_results r =
        run_text(ROUND_WARD("      - {days: [mon, tue, wed, thu, fri, sat, sun], at: \"00:00\"}\n"), NULL, 0);
    expect_near(&r, "wards.W.midnight_occupied_beds", 40, 0.01);
    expect_near(&r, "wards.W.mean_occupied_beds", 50, 0.01);
    expect_exact(&r, "wards.W.mean_departure_hour", 0);
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

/* A patient whose next step is in the same ward keeps its bed and is on a stay again, not
 * ready: a daily round at 09:00 reviews the first stay (2 days, then half a day to the round);
 * the second stay (36 hours from 09:00) ends at 21:00 and waits 12 hours; a second stay of 24
 * hours ends at the round's instant and is reviewed by it. An outlier from a full ward whose
 * next step is in its host ward keeps that bed the same way (the checking build's invariants
 * see both). */
START_TEST(a_patient_keeping_its_bed_is_on_a_stay_again)
{
    const char *text =
        "name: r\nhorizon: 364d\nwarmup: 14d\nreplications: 8\nseed: 9\n"
        "wards:\n  - name: W\n    beds: 1000\n"
        "    rounds: [{days: [mon, tue, wed, thu, fri, sat, sun], at: \"09:00\"}]\n"
        "groups:\n  - name: g\n    arrivals: {rate: 20/d}\n"
        "    route: [{ward: W, stay: {dist: fixed, value: 2d}}, {ward: W, stay: {dist: fixed, value: 36h}}]\n";
    struct flow_results r = run_text(text, NULL, 0);
    expect_near(&r, "system.los_days", 2 + 0.5 + 1.5 + 0.5, 0.003);
    expect_near(&r, "wards.W.ready_bed_days_per_day", 20 * 1.0, 0.02);
    done(&r);
    const char *sets[] = {"groups.g.route.2.stay={dist: fixed, value: 24h}"};
    r = run_text(text, sets, 1);
    expect_near(&r, "system.los_days", 2 + 0.5 + 1, 0.003);
    expect_near(&r, "wards.W.ready_bed_days_per_day", 20 * 0.5, 0.02);
    done(&r);
    const char *outlie =
        "name: o\nhorizon: 200d\nwarmup: 14d\nreplications: 4\nseed: 9\n"
        "wards:\n  - {name: A, beds: 3, when_full: outlie, outlie_to: [B]}\n"
        "  - name: B\n    beds: 40\n    rounds: [{days: [mon, wed, fri], at: \"10:00\"}]\n"
        "groups:\n  - name: g\n    arrivals: {rate: 6/d}\n"
        "    route: [{ward: A, stay: {dist: exponential, mean: 1d}}, {ward: B, stay: {dist: gamma, mean: 2d, sd: 1d}}]\n";
    r = run_text(outlie, NULL, 0);
    struct flow_summary out = get(&r, "wards.B.outliers_mean");
    ck_assert_msg(out.mean > 0.1, "no outliers: %g", out.mean);
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
 * steady state, so losses are 5/7 B(10, a) + 2/7 B(6, a). The beds open are the plan's, plus
 * the closing beds still taken after Saturday 00:00 (Erlang's distribution of 10 beds then):
 * from n > 6 patients, (j - 6) beds stay open for 1 / (j mu) at each j down to 7. */
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
    double p[11], total = 0, closing = 0, mu = 96;   /* stays end at 96 a day */
    p[0] = 1;
    for (int n = 1; n <= 10; n++)
        p[n] = p[n - 1] * 8 / n;
    for (int n = 0; n <= 10; n++)
        total += p[n];
    for (int n = 7; n <= 10; n++)
        for (int j = 7; j <= n; j++)
            closing += p[n] / total * (j - 6) / (j * mu);
    expect_near(&r, "wards.W.mean_beds", 10 - 4 * 2.0 / 7 + closing / 7, 0.001);
    struct flow_summary beds = get(&r, "wards.W.mean_beds");
    ck_assert_msg(beds.mean > 10 - 4 * 2.0 / 7 + closing / 14, "closing beds not counted open: %.9g", beds.mean);
    for (size_t k = 0; k < r.nreps; k++)   /* occupancy is over the beds open on average */
        ck_assert_double_eq_tol(test_value(&r, "wards.W.occupancy", k),
                                test_value(&r, "wards.W.mean_occupied_beds", k) /
                                    test_value(&r, "wards.W.mean_beds", k), 1e-9);
    done(&r);
}
END_TEST

/* Fixed stays (not memoryless) of s = 12 hours on a 2-bed loss ward that closes a bed for the
 * weekend: at Saturday 00:00 two beds are taken with Erlang's chance p2 (insensitive), their
 * remaining stays independent and uniform on (0, s); the second bed closes when the first of
 * them ends, s / 3 later on average. A saturated ward with a queue is full of patients in every
 * bed it counts open at every closure size: occupancy and p_full exactly 1. */
START_TEST(closing_beds_stay_open_until_their_patients_leave)
{
    const char *text =
        "name: c\nhorizon: 1400d\nwarmup: 7d\nreplications: 20\nseed: 5\n"
        "wards:\n  - name: W\n    beds: 2\n    when_full: divert\n"
        "    bed_changes: [{days: [sat, sun], change: -1}]\n"
        "groups:\n  - name: g\n    arrivals: {rate: 4/d}\n"
        "    route: [{ward: W, stay: {dist: fixed, value: 12h}}]\n";
    struct flow_results r = run_text(text, NULL, 0);
    double a = 2, p2 = a * a / 2 / (1 + a + a * a / 2);
    expect_near(&r, "wards.W.mean_beds", 12.0 / 7 + p2 * 0.5 / 3 / 7, 0.002);
    done(&r);
    static const char *closures[] = {"-3", "-9", "-10"};
    for (int k = 0; k < 3; k++) {
        char full[600];
        snprintf(full, sizeof full,
                 "name: q\nhorizon: 60d\nwarmup: 7d\nreplications: 3\nseed: %d\n"
                 "wards:\n  - name: W\n    beds: 10\n"
                 "    bed_changes: [{days: [sat, sun], change: %s}, {days: [wed], start: \"06:00\", length: 5h, change: -2}]\n"
                 "groups:\n  - name: g\n    arrivals: {rate: 40/d}\n"
                 "    route: [{ward: W, stay: {dist: lognormal, mean: 2d, sd: 1d}}]\n", k + 1, closures[k]);
        r = run_text(full, NULL, 0);
        expect_exact(&r, "wards.W.occupancy", 1);
        expect_exact(&r, "wards.W.p_full", 1);
        done(&r);
    }
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

/* ---- escalation at any setting: the exact Markov chain ------------------------------------ */

/* An M/M ward of c beds and e escalation beds that open when W wait and close (as they empty)
 * when K are free, as a continuous-time Markov chain, solved exactly (dense, truncated far in
 * the queue's tail). R of the c beds may be ring-fenced for a group that never comes: the
 * patients who do come hold at most (open beds - R), and the fenced beds, always empty, are
 * never free for closing. Closed states are (b beds taken, q < W waiting); open states are n
 * in the ward, n > c + e - R - K (an open ward with K free closes at once). What each state
 * counts is the one rule of resource.h: closed, max(c, b) beds are open and b - c extra beds
 * are held; open, all c + e are. */
struct esc_chain {
    int c, e, w, k, r;
    double lambda, mu;
    int ntail;                          /* open states kept beyond the last bed */
    int days;                           /* the run's horizon (default 1500 days) */
};

static int esc_most(const struct esc_chain *x) { return x->c + x->e - x->r; }   /* beds they may hold */
static int esc_nclosed(const struct esc_chain *x) { return (esc_most(x) + 1) * x->w; }
static int esc_closed(const struct esc_chain *x, int b, int q) { return b * x->w + q; }
static int esc_first_open(const struct esc_chain *x) { return esc_most(x) - x->k + 1; }
static int esc_open(const struct esc_chain *x, int n) { return esc_nclosed(x) + n - esc_first_open(x); }
static int esc_nstates(const struct esc_chain *x) { return esc_nclosed(x) + x->k + x->ntail; }

/* The state after the ward settles from b taken, q waiting, open or not: places filled from
 * the queue, then the extra places close when K are free. */
static int esc_settle(const struct esc_chain *x, int b, int q, bool open)
{
    int cap = open ? esc_most(x) : x->c - x->r;
    while (q > 0 && b < cap)
        b++, q--;
    if (open && esc_most(x) - b >= x->k)
        return esc_closed(x, b, q);      /* q is 0 here: a place is free */
    return open ? esc_open(x, b + q) : esc_closed(x, b, q);
}

struct esc_result { double beds, extra, openings, p_full, p_wait, queue; };

static struct esc_result esc_solve(const struct esc_chain *x)
{
    int n = esc_nstates(x), big = esc_most(x), low = x->c - x->r;
    double *q = calloc((size_t)n * n, sizeof *q), *pi = calloc((size_t)n, sizeof *pi);
    double *opens = calloc((size_t)n, sizeof *opens), *waits = calloc((size_t)n, sizeof *waits);
    int *valid = calloc((size_t)n, sizeof *valid);
#define RATE(from, to, r) do { q[(size_t)(from) * n + (to)] += (r); q[(size_t)(from) * n + (from)] -= (r); } while (0)
    for (int b = 0; b <= big; b++)
        for (int k = 0; k < x->w; k++) {
            if (k > 0 && b < low)
                continue;                /* a free place and a queue never meet */
            int s = esc_closed(x, b, k);
            valid[s] = 1;
            if (b < low && k == 0)
                RATE(s, esc_closed(x, b + 1, 0), x->lambda);
            else if (k + 1 >= x->w) {
                RATE(s, esc_settle(x, b, k + 1, true), x->lambda);
                opens[s] = x->lambda;
                waits[s] = b + k + 1 > big;   /* the newcomer is last in the queue */
            } else {
                RATE(s, esc_closed(x, b, k + 1), x->lambda);
                waits[s] = 1;
            }
            if (b > 0)
                RATE(s, esc_settle(x, b - 1, k, false), b * x->mu);
        }
    for (int m = esc_first_open(x); esc_open(x, m) < n; m++) {
        int s = esc_open(x, m);
        valid[s] = 1;
        waits[s] = m >= big;
        if (esc_open(x, m + 1) < n)
            RATE(s, esc_open(x, m + 1), x->lambda);
        int b = m < big ? m : big;
        RATE(s, esc_settle(x, b - 1, m - b, true), b * x->mu);
    }
#undef RATE
    /* pi Q = 0 and sum pi = 1 (replacing the last equation); unreachable states get pi = 0. */
    gsl_matrix *a = gsl_matrix_alloc((size_t)n, (size_t)n);
    gsl_vector *rhs = gsl_vector_calloc((size_t)n), *sol = gsl_vector_alloc((size_t)n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            gsl_matrix_set(a, (size_t)i, (size_t)j, valid[i] ? q[(size_t)j * n + i] : i == j);
    for (int j = 0; j < n; j++)
        gsl_matrix_set(a, (size_t)n - 1, (size_t)j, valid[j] ? 1 : 0);
    gsl_vector_set(rhs, (size_t)n - 1, 1);
    gsl_permutation *perm = gsl_permutation_alloc((size_t)n);
    int sign;
    gsl_linalg_LU_decomp(a, perm, &sign);
    gsl_linalg_LU_solve(a, perm, rhs, sol);
    struct esc_result r = {0};
    for (int i = 0; i < n; i++)
        pi[i] = gsl_vector_get(sol, (size_t)i);
    for (int b = 0; b <= big; b++)
        for (int k = 0; k < x->w; k++) {
            double p = pi[esc_closed(x, b, k)];
            r.beds += p * (b > x->c ? b : x->c);
            r.extra += p * (b > x->c ? b - x->c : 0);
            r.p_full += p * (b >= x->c);
            r.queue += p * k;
        }
    for (int m = esc_first_open(x); esc_open(x, m) < n; m++) {
        double p = pi[esc_open(x, m)];
        r.beds += p * (x->c + x->e);
        r.extra += p * x->e;
        r.p_full += p * ((m < big ? m : big) >= x->c + x->e);
        r.queue += p * (m > big ? m - big : 0);
    }
    for (int i = 0; i < n; i++) {
        r.openings += pi[i] * opens[i];
        r.p_wait += pi[i] * waits[i];
    }
    gsl_permutation_free(perm);
    gsl_vector_free(rhs);
    gsl_vector_free(sol);
    gsl_matrix_free(a);
    free(q), free(pi), free(opens), free(waits), free(valid);
    return r;
}

/* Runs the ward of `x` (its R fenced beds kept for a group that never comes) against the
 * chain. */
static void expect_escalation(const struct esc_chain *x)
{
    char text[1024], fence[80] = "";
    if (x->r)
        snprintf(fence, sizeof fence, "    reserved: {beds: %d, groups: [fenced]}\n", x->r);
    snprintf(text, sizeof text,
             "name: x\nhorizon: %dd\nwarmup: 30d\nreplications: 8\nseed: %d\n"
             "wards:\n  - name: W\n    beds: %d\n"
             "    escalation: {beds: %d, open_when_waiting: %d, close_when_free: %d}\n%s"
             "groups:\n  - name: g\n    arrivals: {rate: %g/d}\n"
             "    route: [{ward: W, stay: {dist: exponential, mean: %gd}}]\n"
             "  - name: fenced\n    arrivals: {rate: 0/d}\n    route: [{ward: W, stay: {dist: fixed, value: 1d}}]\n",
             x->days ? x->days : 1500, 11 + x->k + 7 * x->w + 3 * x->r, x->c, x->e, x->w, x->k, fence, x->lambda,
             1 / x->mu);
    struct esc_result t = esc_solve(x);
    struct flow_results r = run_text(text, NULL, 0);
    expect_near(&r, "wards.W.mean_beds", t.beds, 0.01);
    expect_near(&r, "wards.W.escalation_bed_days_per_day", t.extra, 0.03);
    expect_near(&r, "wards.W.escalation_openings_per_week", 7 * t.openings, 0.03);
    expect_near(&r, "wards.W.p_full", t.p_full, 0.03);
    expect_near(&r, "wards.W.p_wait", t.p_wait, 0.05);
    expect_near(&r, "wards.W.mean_wait_hours", t.queue / x->lambda * 24, 0.08);
    expect_near(&r, "wards.W.mean_occupied_beds", x->lambda / x->mu, 0.01);
    struct flow_summary occ = get(&r, "wards.W.occupancy");
    ck_assert_msg(occ.mean <= 1 + 1e-12, "occupancy %g above 1", occ.mean);
    done(&r);
}

/* Every closing threshold from 1 free bed to the escalation's size, opening at 1 and at 3
 * waiting: mean open beds, escalation bed-days and openings, p_full, p_wait and the wait are
 * the chain's (occupancy never above 1, whatever the setting). */
START_TEST(escalation_follows_its_chain_at_every_threshold)
{
    static const int ks[] = {1, 3, 6};
    for (int w = 1; w <= 3; w += 2)
        for (size_t i = 0; i < sizeof ks / sizeof *ks; i++) {
            struct esc_chain x = {.c = 4, .e = 6, .w = w, .k = ks[i], .lambda = 7, .mu = 1, .ntail = 160};
            expect_escalation(&x);
        }
}
END_TEST

/* The boundary: a single escalation bed, opening at 1 waiting and closing at 1 free, and at 2. */
START_TEST(one_escalation_bed_follows_its_chain)
{
    struct esc_chain x = {.c = 4, .e = 1, .w = 1, .k = 1, .lambda = 3.6, .mu = 1, .ntail = 160, .days = 8000};
    expect_escalation(&x);
    x.w = 2;
    expect_escalation(&x);
}
END_TEST

/* Ring-fenced beds that nobody of the fenced group uses are never free for the others, nor so
 * for closing escalation (at two fences and thresholds). */
START_TEST(escalation_behind_a_ring_fence_sees_only_general_beds)
{
    struct esc_chain x = {.c = 7, .e = 6, .w = 1, .k = 2, .r = 3, .lambda = 7, .mu = 1, .ntail = 160};
    expect_escalation(&x);
    x.r = 2, x.w = 2, x.k = 5;
    expect_escalation(&x);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("calendar");
    TCase *tc = tcase_create("closed forms");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, daily_round_adds_half_a_day);
    tcase_add_test(tc, a_midnight_round_discharges_before_the_census);
    tcase_add_test(tc, weekday_rounds_wait_over_the_gaps);
    tcase_add_test(tc, p_review_adds_geometric_rounds);
    tcase_add_test(tc, holiday_rounds_follow_sunday);
    tcase_add_test(tc, stay_ending_at_the_round_is_reviewed_by_it);
    tcase_add_test(tc, a_patient_keeping_its_bed_is_on_a_stay_again);
    tcase_add_test(tc, weekend_closure_is_weighted_erlang_b);
    tcase_add_test(tc, sunday_closure_queues_to_monday);
    tcase_add_test(tc, closing_beds_stay_open_until_their_patients_leave);
    tcase_add_test(tc, closing_beds_move_nobody);
    tcase_add_test(tc, mean_beds_follow_the_calendar);
    tcase_add_test(tc, escalation_is_an_erlang_c_queue);
    tcase_add_test(tc, escalation_follows_its_chain_at_every_threshold);
    tcase_add_test(tc, escalation_behind_a_ring_fence_sees_only_general_beds);
    tcase_add_test(tc, one_escalation_bed_follows_its_chain);
    suite_add_tcase(s, tc);
    return s;
}
