/* test_frontdoor.c - the front door and who goes first against closed forms: time in a ward
 * with ample beds is its stay's distribution (within_Xh is the CDF at X); a first-bed wait
 * target on an M/M/c ward is Erlang C's wait distribution; patience is Erlang A (M/M/c+M);
 * outlying to a big ward makes the home ward an Erlang loss system; a ring-fence is the exact
 * two-class loss chain (solved here); the waiting list with removals and no operations is an
 * M/M/infinity list, whose ages are the removal time's distribution; booking by priority, then
 * due date, is a fixed schedule. Priorities on an M/M/c ward (Cobham) are in test_behaviour. */
#include "expect.h"

#include <flowsim/experiment.h>
#include <flowsim/stats.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- time targets ------------------------------------------------------------------------ */

/* Ample beds: time in W is the stay, exponential with mean 5h; X follows with a fixed 2h. */
START_TEST(within_targets_follow_the_stay_cdf)
{
    struct flow_results r = run_text(
        "name: t\nhorizon: 300d\nwarmup: 5d\nreplications: 6\nseed: 3\n"
        "wards:\n  - {name: W, beds: 1000, targets: [4h, 12h, 1d]}\n  - {name: X, beds: 1000, targets: [2h]}\n"
        "groups:\n  - name: g\n    arrivals: {rate: 40/d}\n"
        "    route:\n      - {ward: W, stay: {dist: exponential, mean: 5h}}\n"
        "      - {ward: X, stay: {dist: fixed, value: 2h}}\n", NULL, 0);
    expect_near(&r, "wards.W.within_4h", 1 - exp(-4.0 / 5), 0.005);
    expect_near(&r, "wards.W.within_12h", 1 - exp(-12.0 / 5), 0.002);
    expect_near(&r, "wards.W.within_1d", 1 - exp(-24.0 / 5), 0.001);
    expect_near(&r, "wards.W.time_in_ward_hours", 5, 0.01);
    expect_near(&r, "wards.W.time_in_ward_hours_p95", 5 * log(20), 0.02);
    expect_exact(&r, "wards.X.time_in_ward_hours", 2);       /* every ward reports it */
    expect_near(&r, "wards.X.time_in_ward_hours_p95", 2, 0.01);
    expect_exact(&r, "wards.X.within_2h", 1);                  /* exactly on the target is within */
    ck_assert(flow_results_find(&r, "wards.X.within_4h") < 0);   /* targets are per ward */
    done(&r);
}
END_TEST

/* Time in a ward runs from joining its queue to leaving its bed: waiting and blocked time
 * count. One bed, fixed 1h stays, two patients at once: the second waits 1h. Arrivals are
 * in pairs at fixed times via two groups with the same deterministic clock... here a single
 * M/D/1 ward: time in ward = wait + 1h, so its mean is the Pollaczek-Khinchine wait + 1h. */
START_TEST(time_in_ward_counts_the_wait)
{
    struct flow_results r = run_text(
        "name: t\nhorizon: 2000d\nwarmup: 10d\nreplications: 6\nseed: 5\n"
        "wards:\n  - {name: W, beds: 1, targets: [1h, 2h]}\n"
        "groups:\n  - name: g\n    arrivals: {rate: 12/d}\n"
        "    route: [{ward: W, stay: {dist: fixed, value: 1h}}]\n", NULL, 0);
    double rho = 0.5, s = 1.0;                    /* hours */
    double wq = rho * s / (2 * (1 - rho));        /* M/D/1 */
    expect_near(&r, "wards.W.time_in_ward_hours", s + wq, 0.01);
    /* within 1h: exactly those who did not wait, 1 - rho of them (Poisson arrivals see time
     * averages) */
    expect_near(&r, "wards.W.within_1h", 1 - rho, 0.01);
    done(&r);
}
END_TEST

/* M/M/c: P(wait <= t) = 1 - C(c, a) exp(-(c mu - lambda) t). */
START_TEST(wait_targets_follow_erlang_c)
{
    struct flow_results r = run_text(
        "name: t\nhorizon: 3000d\nwarmup: 30d\nreplications: 6\nseed: 11\n"
        "wards:\n  - {name: W, beds: 20}\n"
        "groups:\n  - name: g\n    arrivals: {rate: 18/d}\n    wait_targets: [1h, 12h, 1d]\n"
        "    route: [{ward: W, stay: {dist: exponential, mean: 1d}}]\n", NULL, 0);
    double c = flow_erlang_c(20, 18), gap = 20 - 18;   /* per day */
    expect_near(&r, "groups.g.wait_within_1h", 1 - c * exp(-gap / 24), 0.01);
    expect_near(&r, "groups.g.wait_within_12h", 1 - c * exp(-gap / 2), 0.01);
    expect_near(&r, "groups.g.wait_within_1d", 1 - c * exp(-gap), 0.01);
    ck_assert(flow_results_find(&r, "wards.W.time_in_ward_hours") < 0);   /* no ward targets */
    done(&r);
}
END_TEST

/* Patients turned away never get a bed: on an Erlang loss ward, 1 - B get one at once. */
START_TEST(wait_targets_count_the_diverted)
{
    struct flow_results r = run_text(
        "name: t\nhorizon: 10000d\nwarmup: 30d\nreplications: 6\nseed: 41\n"
        "wards:\n  - {name: W, beds: 6, when_full: divert}\n"
        "groups:\n  - name: g\n    arrivals: {rate: 5/d}\n    wait_targets: [1m]\n"
        "    route: [{ward: W, stay: {dist: exponential, mean: 1d}}]\n", NULL, 0);
    expect_near(&r, "groups.g.wait_within_1m", 1 - flow_erlang_b(6, 5), 0.005);
    done(&r);
}
END_TEST

/* ---- patience: Erlang A ------------------------------------------------------------------ */

/* M/M/c+M: a birth-death chain (death rate min(n, c) mu + max(n - c, 0) theta), summed until
 * its terms vanish; P(abandon) = theta E[queue] / lambda. */
static void erlang_a(int c, double lambda, double mu, double theta, double *abandon, double *busy)
{
    double p = 1, total = 0, queue = 0, servers = 0;
    for (int n = 0; n < 100000; n++) {
        total += p;
        queue += p * (n > c ? n - c : 0);
        servers += p * (n < c ? n : c);
        p *= lambda / ((n + 1 < c ? n + 1 : c) * mu + (n + 1 > c ? n + 1 - c : 0) * theta);
        if (n > c && p < 1e-300)
            break;
    }
    *abandon = theta * queue / total / lambda;
    *busy = servers / total;
}

START_TEST(patience_follows_erlang_a)
{
    struct flow_results r = run_text(
        "name: t\nhorizon: 3000d\nwarmup: 30d\nreplications: 6\nseed: 13\n"
        "wards:\n  - {name: W, beds: 10, patience: {dist: exponential, mean: 6h}}\n"
        "groups:\n  - name: g\n    arrivals: {rate: 11/d}\n    wait_targets: [1w]\n"
        "    route: [{ward: W, stay: {dist: exponential, mean: 1d}}]\n", NULL, 0);
    double abandon, busy;
    erlang_a(10, 11, 1, 4, &abandon, &busy);
    ck_assert_double_eq_tol(flow_erlang_a(10, 11, 4), abandon, 1e-12);   /* the library's own */
    expect_near(&r, "wards.W.reneged_fraction", abandon, 0.02);
    expect_near(&r, "wards.W.mean_occupied_beds", busy, 0.005);
    /* nobody waits a week (patience is 6 hours): only those who gave up miss the target */
    expect_near(&r, "groups.g.wait_within_1w", 1 - abandon, 0.005);
    done(&r);
    /* Short stays, long patience: records are reused long before the patience of the patient
     * who had one runs out, and that must not touch the new patient. */
    r = run_text("name: t\nhorizon: 2000d\nwarmup: 10d\nreplications: 6\nseed: 47\n"
                 "wards:\n  - {name: W, beds: 3, patience: {dist: exponential, mean: 2h}}\n"
                 "groups:\n  - name: g\n    arrivals: {rate: 60/d}\n"
                 "    route: [{ward: W, stay: {dist: exponential, mean: 1h}}]\n", NULL, 0);
    expect_near(&r, "wards.W.reneged_fraction", flow_erlang_a(3, 2.5, 0.5), 0.02);
    done(&r);
}
END_TEST

/* Patience is for the front door only: a patient already in a bed (blocked) never leaves. A
 * ward whose patients all come from another ward reneges nobody. */
START_TEST(blocked_patients_do_not_renege)
{
    struct flow_results r = run_text(
        "name: t\nhorizon: 400d\nwarmup: 10d\nreplications: 3\nseed: 17\n"
        "wards:\n  - {name: A, beds: 100}\n"
        "  - {name: B, beds: 3, patience: {dist: exponential, mean: 1h}}\n"
        "groups:\n  - name: g\n    arrivals: {rate: 5/d}\n"
        "    route:\n      - {ward: A, stay: {dist: exponential, mean: 2h}}\n"
        "      - {ward: B, stay: {dist: exponential, mean: 1d}}\n", NULL, 0);
    expect_exact(&r, "wards.B.reneged_fraction", 0);
    ck_assert(get(&r, "wards.A.blocked_bed_days_per_day").mean > 0.5);
    done(&r);
}
END_TEST

/* ---- outliers ---------------------------------------------------------------------------- */

/* A home ward of 8 beds outlying to big wards loses nobody but places the Erlang B fraction
 * elsewhere; the first host with a free bed takes them all, for 1.5 times the stay. */
START_TEST(outliers_make_home_an_erlang_loss)
{
    struct flow_results r = run_text(
        "name: t\nhorizon: 30000d\nwarmup: 20d\nreplications: 8\nseed: 19\n"
        "wards:\n  - {name: H, beds: 8, when_full: outlie, outlie_to: [X, Y], outlier_stay_factor: 1.5}\n"
        "  - {name: X, beds: 1000}\n  - {name: Y, beds: 1000}\n"
        "groups:\n  - name: g\n    arrivals: {rate: 6/d}\n"
        "    route: [{ward: H, stay: {dist: exponential, mean: 1d}}]\n", NULL, 0);
    double b = flow_erlang_b(8, 6);
    expect_near(&r, "wards.H.outlied_fraction", b, 0.01);
    expect_near(&r, "wards.H.mean_occupied_beds", 6 * (1 - b), 0.005);
    expect_near(&r, "wards.X.outliers_mean", 6 * b * 1.5, 0.01);
    expect_near(&r, "wards.X.mean_occupied_beds", 6 * b * 1.5, 0.01);
    expect_exact(&r, "wards.Y.outliers_mean", 0);
    expect_near(&r, "system.los_days", (1 - b) + b * 1.5, 0.005);
    done(&r);
}
END_TEST

/* A host with somebody waiting takes no outlier: host X is always crowded by its own queue;
 * and outliers may not take a host's ring-fenced beds. */
START_TEST(a_host_with_a_queue_takes_no_outliers)
{
    struct flow_results r = run_text(
        "name: t\nhorizon: 300d\nwarmup: 20d\nreplications: 3\nseed: 23\n"
        "wards:\n  - {name: H, beds: 2, when_full: outlie, outlie_to: [X]}\n  - {name: X, beds: 4}\n"
        "groups:\n  - name: h\n    arrivals: {rate: 4/d}\n"
        "    route: [{ward: H, stay: {dist: exponential, mean: 1d}}]\n"
        "  - name: x\n    arrivals: {rate: 8/d}\n"
        "    route: [{ward: X, stay: {dist: exponential, mean: 1d}}]\n", NULL, 0);
    double outliers = get(&r, "wards.X.outliers_mean").mean, occupied = get(&r, "wards.X.mean_occupied_beds").mean;
    ck_assert_msg(outliers < 0.05, "X (overloaded, always a queue) took %g outliers", outliers);
    ck_assert(occupied > 3.9);
    done(&r);
    /* A host's ring-fence holds against outliers: of X's 10 beds, 8 are fenced for a group
     * that (almost) never comes, so outliers hold at most 2 (unfenced they would hold about
     * 6 x B(4, 6) = 2.8 on average). */
    r = run_text("name: t\nhorizon: 1000d\nwarmup: 20d\nreplications: 3\nseed: 29\n"
                 "wards:\n  - {name: H, beds: 4, when_full: outlie, outlie_to: [X]}\n"
                 "  - {name: X, beds: 10, reserved: {beds: 8, groups: [x]}}\n"
                 "groups:\n  - name: h\n    arrivals: {rate: 6/d}\n"
                 "    route: [{ward: H, stay: {dist: exponential, mean: 1d}}]\n"
                 "  - name: x\n    arrivals: {rate: 0.0001/d}\n"
                 "    route: [{ward: X, stay: {dist: exponential, mean: 1d}}]\n", NULL, 0);
    for (size_t k = 0; k < r.nreps; k++) {
        double v = r.values[k * r.nmetrics + (size_t)flow_results_find(&r, "wards.X.outliers_mean")];
        ck_assert_msg(v <= 2 + 1e-9 && v > 1, "replication %zu: %g outlier beds in X's 2 unfenced beds", k, v);
    }
    done(&r);
}
END_TEST

/* ---- ring-fenced beds -------------------------------------------------------------------- */

/* The exact loss chain of a ward of c beds, r of them ring-fenced for class 2: states
 * (others i, fenced-class j); others are admitted while i < c - r and a bed is free. Solved by
 * Gauss-Seidel on the balance equations. */
static void ring_fence_chain(int c, int res, double l1, double l2, double mu, double *lost, double *busy)
{
    int n1 = c - res;
    double *p = calloc((size_t)(n1 + 1) * (size_t)(c + 1), sizeof *p);
#define P(i, j) p[(i) * (c + 1) + (j)]
    P(0, 0) = 1;
    for (int it = 0; it < 20000; it++) {
        for (int i = 0; i <= n1; i++)
            for (int j = 0; i + j <= c; j++) {
                double out = (i < n1 && i + j < c ? l1 : 0) + (i + j < c ? l2 : 0) + (i + j) * mu;
                double in = 0;
                if (i > 0)
                    in += P(i - 1, j) * l1;   /* (i-1, j) could admit: i - 1 < n1, i - 1 + j < c */
                if (j > 0)
                    in += P(i, j - 1) * l2;
                if (i < n1 && i + 1 + j <= c)
                    in += P(i + 1, j) * (i + 1) * mu;
                if (i + j + 1 <= c)
                    in += P(i, j + 1) * (j + 1) * mu;
                if (i + j > 0)
                    P(i, j) = in / out;
            }
    }
    double total = 0, l1_lost = 0, l2_lost = 0, occupied = 0;
    for (int i = 0; i <= n1; i++)
        for (int j = 0; i + j <= c; j++) {
            total += P(i, j);
            l1_lost += (i == n1 || i + j == c) ? P(i, j) : 0;
            l2_lost += i + j == c ? P(i, j) : 0;
            occupied += (i + j) * P(i, j);
        }
#undef P
    free(p);
    *lost = (l1 * l1_lost + l2 * l2_lost) / total / (l1 + l2);
    *busy = occupied / total;
}

START_TEST(ring_fence_is_the_two_class_loss_chain)
{
    struct flow_results r = run_text(
        "name: t\nhorizon: 3000d\nwarmup: 20d\nreplications: 6\nseed: 29\n"
        "wards:\n  - {name: W, beds: 10, when_full: divert, reserved: {beds: 3, groups: [hip]}}\n"
        "groups:\n  - name: med\n    arrivals: {rate: 6/d}\n"
        "    route: [{ward: W, stay: {dist: exponential, mean: 1d}}]\n"
        "  - name: hip\n    arrivals: {rate: 3/d}\n"
        "    route: [{ward: W, stay: {dist: exponential, mean: 1d}}]\n", NULL, 0);
    double lost, busy;
    ring_fence_chain(10, 3, 6, 3, 1, &lost, &busy);
    expect_near(&r, "wards.W.lost_fraction", lost, 0.02);
    expect_near(&r, "wards.W.mean_occupied_beds", busy, 0.005);
    done(&r);
    /* With (almost) no ring-fenced patients the others see Erlang B with c - r beds. */
    const char *sets[] = {"groups.hip.arrivals.rate=0.0001/d"};
    r = run_text("name: t\nhorizon: 3000d\nwarmup: 20d\nreplications: 6\nseed: 29\n"
                 "wards:\n  - {name: W, beds: 10, when_full: divert, reserved: {beds: 3, groups: [hip]}}\n"
                 "groups:\n  - name: med\n    arrivals: {rate: 6/d}\n"
                 "    route: [{ward: W, stay: {dist: exponential, mean: 1d}}]\n"
                 "  - name: hip\n    arrivals: {rate: 3/d}\n"
                 "    route: [{ward: W, stay: {dist: exponential, mean: 1d}}]\n", sets, 1);
    expect_near(&r, "wards.W.lost_fraction", flow_erlang_b(7, 6), 0.02);
    done(&r);
}
END_TEST

/* A queue behind a fence: the others (20 a day for 7 beds) always have a queue and hold their
 * 7 beds, so the fenced group, served past them, is an M/M/3 queue of its own: Erlang C. */
START_TEST(ring_fenced_group_passes_the_queue)
{
    struct flow_results r = run_text(
        "name: t\nhorizon: 1500d\nwarmup: 20d\nreplications: 4\nseed: 43\n"
        "wards:\n  - {name: W, beds: 10, reserved: {beds: 3, groups: [hip]}}\n"
        "groups:\n  - name: med\n    priority: 5\n    arrivals: {rate: 20/d}\n"
        "    route: [{ward: W, stay: {dist: exponential, mean: 1d}}]\n"
        "  - name: hip\n    priority: 5\n    arrivals: {rate: 2/d}\n    wait_targets: [12h]\n"
        "    route: [{ward: W, stay: {dist: exponential, mean: 1d}}]\n", NULL, 0);
    double c = flow_erlang_c(3, 2);
    expect_near(&r, "groups.hip.mean_wait_hours", c / (3 - 2) * 24, 0.03);
    expect_near(&r, "groups.hip.wait_within_12h", 1 - c * exp(-0.5), 0.01);
    expect_near(&r, "wards.W.mean_occupied_beds", 7 + 2, 0.01);
    done(&r);
}
END_TEST

/* ---- elective waiting lists -------------------------------------------------------------- */

/* Nobody is ever operated (every booked case is unfit on the day and goes straight back), so
 * the list is M/M/infinity with removals after an exponential time (mean 140 days): its mean
 * size is lambda x 140, its patients' ages are exponential too, so a fraction 1 - e^(-126/140)
 * waits under 18 weeks and lambda x 140 x e^(-364/140) over 52. */
START_TEST(waiting_list_measures_follow_mm_infinity)
{
    struct flow_results r = run_text(
        "name: t\nhorizon: 3650d\nwarmup: 1500d\nreplications: 6\nseed: 31\n"
        "wards:\n  - {name: W, beds: 10}\n"
        "theatres:\n  - name: T\n    sessions: [{days: [mon], start: \"09:00\", length: 10m}]\n    book_ahead: 0d\n"
        "groups:\n  - name: e\n    arrivals: {referrals: 2/d}\n    wait_targets: [52w]\n"
        "    leave_list: {dist: exponential, mean: 140d}\n"
        "    route:\n      - {theatre: T, operation: {dist: fixed, value: 1m}, p_unfit_on_day: 1}\n", NULL, 0);
    double size = 2 * 140.0;
    expect_near(&r, "groups.e.waiting_list_size", size, 0.01);
    expect_near(&r, "groups.e.removals_per_week", 14, 0.01);
    expect_near(&r, "groups.e.waiting_list_within_18_weeks", 1 - exp(-126.0 / 140), 0.01);
    expect_near(&r, "groups.e.waiting_list_over_52_weeks", size * exp(-364.0 / 140), 0.03);
    expect_exact(&r, "groups.e.wait_within_52w", 0);   /* removed untreated: never within */
    done(&r);
}
END_TEST

/* One case a day at 09:00 from day 0; ten patients of each group listed at time 0. Booking by
 * due date puts `soon` (due 1 week) first: its waits are k + 0.375 days (k = 0..9), 7 of them
 * within its week; `later` (due 4 weeks) follows on days 10..19, all within. A better
 * priority beats a nearer due date. */
#define BOOKING(extra)                                                                           \
    "name: t\nhorizon: 30d\nreplications: 2\nseed: 1\n"                                          \
    "wards:\n  - {name: W, beds: 10}\n"                                                          \
    "theatres:\n  - name: T\n    sessions: [{days: [mon, tue, wed, thu, fri, sat, sun], start: \"09:00\", length: 1h}]\n" \
    "groups:\n  - name: later\n    arrivals: {referrals: 0/d}\n    initial_waiting_list: 10\n    due: 4w\n" extra \
    "    route: [{theatre: T, operation: {dist: fixed, value: 1h}}]\n"                           \
    "  - name: soon\n    arrivals: {referrals: 0/d}\n    initial_waiting_list: 10\n    due: 1w\n"  \
    "    route: [{theatre: T, operation: {dist: fixed, value: 1h}}]\n"

START_TEST(booking_follows_priority_then_due_date)
{
    struct flow_results r = run_text(BOOKING(""), NULL, 0);
    expect_exact(&r, "groups.soon.wait_weeks", (4.5 + 0.375) / 7);
    expect_exact(&r, "groups.soon.p_within_due", 0.7);
    expect_exact(&r, "groups.later.wait_weeks", (14.5 + 0.375) / 7);
    expect_exact(&r, "groups.later.p_within_due", 1);
    expect_exact(&r, "groups.later.waiting_list_end", 0);
    done(&r);
    r = run_text(BOOKING("    priority: 2\n"), NULL, 0);   /* soon keeps the default 5 */
    expect_exact(&r, "groups.later.wait_weeks", (4.5 + 0.375) / 7);
    expect_exact(&r, "groups.soon.wait_weeks", (14.5 + 0.375) / 7);
    expect_exact(&r, "groups.soon.p_within_due", 0);
    done(&r);
}
END_TEST

/* ---- nothing changes by accident ---------------------------------------------------------- */

/* With ample beds and infinite patience in effect, the front-door keys change no shared
 * result: the same seed gives the same arrivals and stays. */
START_TEST(unused_front_door_keys_change_nothing)
{
    const char *base = "name: t\nhorizon: 100d\nreplications: 2\nseed: 37\n"
                       "wards:\n  - {name: W, beds: 1000}\n  - {name: X, beds: 1000}\n"
                       "groups:\n  - name: g\n    arrivals: {rate: 10/d}\n"
                       "    route: [{ward: W, stay: {dist: exponential, mean: 1d}}]\n";
    struct flow_results a = run_text(base, NULL, 0);
    const char *sets[] = {"wards.W.targets=[4h]", "wards.W.when_full=outlie", "wards.W.outlie_to=[X]",
                          "wards.W.reserved={beds: 2, groups: [g]}", "groups.g.wait_targets=[1h]"};
    struct flow_results b = run_text(base, sets, 5);
    static const char *const same[] = {"system.los_days", "system.throughput_per_day",
                                       "wards.W.mean_occupied_beds", "wards.W.p_wait"};
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        ck_assert_double_eq(get(&a, same[k]).mean, get(&b, same[k]).mean);
    expect_exact(&b, "wards.W.outlied_fraction", 0);
    expect_exact(&b, "groups.g.wait_within_1h", 1);
    done(&a);
    done(&b);
}
END_TEST

/* Patients still waiting at the end. B has one bed and stays of 100,000 days, so its first
 * patient keeps it and every later one waits to the end, blocked in A after A's fixed 1h stay:
 * given n patients reaching B in (0, T'] (T' = T - 1h), still_waiting_end is n - 1 (mean
 * lambda T' - 1 + P(n = 0)), the only admission waited 0, and the censored mean wait is the mean
 * of T' - a over the n - 1 who wait (uniform order statistics without the first): T'/2 -
 * T'/(n + 1) given n. A, with ample beds, has nobody waiting. */
START_TEST(still_waiting_counts_the_censored)
{
    struct flow_results r = run_text(
        "name: t\nhorizon: 100d\nwarmup: 0d\nreplications: 8\nseed: 9\n"
        "wards:\n  - {name: A, beds: 100000}\n  - {name: B, beds: 1}\n"
        "groups:\n  - name: g\n    arrivals: {rate: 10/d}\n"
        "    route:\n      - {ward: A, stay: {dist: fixed, value: 1h}}\n"
        "      - {ward: B, stay: {dist: fixed, value: 100000d}}\n", NULL, 0);
    double t = 100 - 1.0 / 24, n = 10 * t;
    expect_near(&r, "wards.B.still_waiting_end", n - 1, 0.01);
    expect_exact(&r, "wards.A.still_waiting_end", 0);
    expect_exact(&r, "wards.B.mean_wait_hours", 0);
    expect_near(&r, "wards.B.mean_wait_hours_censored", 24 * (t / 2 - t / (n + 1)), 0.03);
    expect_exact(&r, "wards.A.mean_wait_hours_censored", 0);
    done(&r);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("frontdoor");
    TCase *tc = tcase_create("closed forms");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, within_targets_follow_the_stay_cdf);
    tcase_add_test(tc, still_waiting_counts_the_censored);
    tcase_add_test(tc, time_in_ward_counts_the_wait);
    tcase_add_test(tc, wait_targets_follow_erlang_c);
    tcase_add_test(tc, wait_targets_count_the_diverted);
    tcase_add_test(tc, patience_follows_erlang_a);
    tcase_add_test(tc, blocked_patients_do_not_renege);
    tcase_add_test(tc, outliers_make_home_an_erlang_loss);
    tcase_add_test(tc, a_host_with_a_queue_takes_no_outliers);
    tcase_add_test(tc, ring_fence_is_the_two_class_loss_chain);
    tcase_add_test(tc, ring_fenced_group_passes_the_queue);
    tcase_add_test(tc, waiting_list_measures_follow_mm_infinity);
    tcase_add_test(tc, booking_follows_priority_then_due_date);
    tcase_add_test(tc, unused_front_door_keys_change_nothing);
    suite_add_tcase(s, tc);
    return s;
}
