/* test_initial.c - runs that start from a census (initial:) against closed forms, day by day: an
 * M/M/infinity ward started from n patients empties towards its load as n e^(-t/m) + lambda m
 * (1 - e^(-t/m)); a ward started from its steady-state census with times already spent unknown
 * stays at lambda x mean stay every day for lognormal, gamma and empirical stays (fresh stays, or
 * uniform fractions of them, would not); known times spent with fixed stays leave on the exact
 * days; patients beyond the beds wait for them in the order given; medically fit patients and
 * patients in community services leave on the exact days; demand given by date follows the
 * dates. */
#include "expect.h"

#include <flowsim/experiment.h>
#include <flowsim/model.h>
#include <flowsim/random.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Runs with daily series kept. */
static struct flow_results run_daily(const char *text)
{
    struct flow_scenario *s = test_load(text, NULL, 0);
    struct flow_results r;
    struct flow_run_options o = {.threads = 2, .daily = true};
    ck_assert_int_eq(flow_experiment_run(s, &o, &r, NULL), 0);
    return r;
}

static size_t column(const struct flow_results *r, const char *name)
{
    size_t width = flow_model_daily_count(r->scenario);
    for (size_t k = 0; k < width; k++) {
        char *n = flow_model_daily_name(r->scenario, k);
        bool hit = strcmp(n, name) == 0;
        free(n);
        if (hit)
            return k;
    }
    ck_abort_msg("no daily series %s", name);
    return 0;
}

/* Day d's mean and 99.9% half-width of series `name` across replications. */
static void day_summary(const struct flow_results *r, const char *name, size_t d, double *mean, double *half)
{
    size_t width = flow_model_daily_count(r->scenario), k = column(r, name);
    double *v = calloc(r->nreps, sizeof *v);
    for (size_t rep = 0; rep < r->nreps; rep++)
        v[rep] = r->daily[(rep * r->days + d) * width + k];
    struct flow_summary s;
    flow_summary_compute(&s, v, r->nreps, 1);
    free(v);
    *mean = s.mean;
    *half = flow_ci_halfwidth(s.sd, s.n, 0.999);
}

/* 100 patients in an M/M/infinity ward whose load is 5 x 4 = 20: the mean occupancy over day d
 * is 20 + (100 - 20) x 4 (e^(-d/4) - e^(-(d+1)/4)) exactly (exponential stays are memoryless, so
 * known or unknown times spent give the same). */
START_TEST(mminf_from_a_census_empties_to_its_load)
{
    struct flow_results r = run_daily(
        "name: t\nhorizon: 14d\nwarmup: 0d\nreplications: 40\nseed: 5\n"
        "wards: [{name: W, beds: 10000}]\n"
        "groups:\n  - name: g\n    arrivals: {rate: 5/d}\n    route: [{ward: W, stay: {dist: exponential, mean: 4d}}]\n"
        "initial:\n  - {ward: W, group: g, patients: 60}\n  - {ward: W, group: g, elapsed: [1d, 2d, 3d, 4d]}\n"
        "  - {ward: W, group: g, patients: 36}\n");
    for (size_t d = 0; d < 14; d++) {
        double want = 20 + 80 * 4 * (exp(-(double)d / 4) - exp(-(double)(d + 1) / 4)), mean, half;
        day_summary(&r, "wards.W.occupied", d, &mean, &half);
        ck_assert_msg(fabs(mean - want) <= half && half < 4, "day %zu: %g (+- %g), theory %g", d, mean, half, want);
    }
    done(&r);
}
END_TEST

/* A census of lambda x mean stay patients with times spent unknown, in a ward with ample beds:
 * the remaining stays are equilibrium residuals, so the ward is in steady state from day 0 and
 * its mean occupancy is lambda x mean every day. */
static void stays_steady(const char *stay, double load)
{
    char text[1024];
    snprintf(text, sizeof text,
             "name: t\nhorizon: 21d\nwarmup: 0d\nreplications: 60\nseed: 9\n"
             "wards: [{name: W, beds: 10000}]\n"
             "groups:\n  - name: g\n    arrivals: {rate: 10/d}\n    route: [{ward: W, stay: %s}]\n"
             "initial:\n  - {ward: W, group: g, patients: %.0f}\n", stay, load);
    struct flow_results r = run_daily(text);
    for (size_t d = 0; d < 21; d++) {
        double mean, half;
        day_summary(&r, "wards.W.occupied", d, &mean, &half);
        ck_assert_msg(fabs(mean - load) <= half && half < 5, "%s day %zu: %g (+- %g), steady %g", stay, d, mean,
                      half, load);
    }
    done(&r);
}

START_TEST(steady_census_stays_steady)
{
    stays_steady("{dist: lognormal, mean: 7d, sd: 5d}", 70);
    stays_steady("{dist: gamma, mean: 5d, sd: 1d}", 50);
    stays_steady("{dist: empirical, values: [1d, 2d, 12d], weights: [5, 3, 2]}", 10 * (5 + 6 + 24) / 10.0);
}
END_TEST

/* Fixed 5-day stays 12h, 2.25d and 4d in leave at 4.5, 2.75 and 1: the daily means are exact. A
 * time spent past the stay ends it at once (it leaves at time 0). No arrivals. */
START_TEST(fixed_stays_leave_on_the_exact_days)
{
    struct flow_results r = run_daily(
        "name: t\nhorizon: 7d\nwarmup: 0d\nreplications: 3\nseed: 2\n"
        "wards: [{name: W, beds: 10}]\n"
        "groups:\n  - {name: g, arrivals: {rate: 0/d}, route: [{ward: W, stay: {dist: fixed, value: 5d}}]}\n"
        "initial:\n  - {ward: W, group: g, elapsed: [12h, 2.25d, 4d, 6d]}\n");
    const double want[] = {3, 2, 1.75, 1, 0.5, 0, 0};
    for (size_t d = 0; d < 7; d++) {
        double mean, half;
        day_summary(&r, "wards.W.occupied", d, &mean, &half);
        ck_assert_msg(fabs(mean - want[d]) < 1e-9 && !(half > 1e-9), "day %zu: %g, exactly %g", d, mean, want[d]);
    }
    done(&r);
}
END_TEST

/* Beyond the beds: 2 beds and 4 census patients with fixed 1-day stays already 0.5 days in (a
 * half day left): the first two leave at 0.5, the next two then take the beds for their own half
 * day and leave at 1.0. Day 0's mean occupancy is exactly 2, day 1's 0; patients 3 and 4 waited
 * half a day each. */
START_TEST(census_beyond_the_beds_waits_in_order)
{
    static const char *const when_full[] = {"queue", "divert"};   /* in hospital already: never diverted */
    for (int k = 0; k < 2; k++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "name: t\nhorizon: 3d\nwarmup: 0d\nreplications: 2\nseed: 2\n"
                 "wards: [{name: W, beds: 2, when_full: %s}]\n"
                 "groups:\n  - {name: g, arrivals: {rate: 0/d}, route: [{ward: W, stay: {dist: fixed, value: 1d}}]}\n"
                 "initial:\n  - {ward: W, group: g, elapsed: [12h, 12h, 12h, 12h]}\n", when_full[k]);
        struct flow_results r = run_daily(text);
        double mean, half;
        day_summary(&r, "wards.W.occupied", 0, &mean, &half);
        ck_assert_double_eq_tol(mean, 2, 1e-9);
        day_summary(&r, "wards.W.waiting", 0, &mean, &half);
        ck_assert_double_eq_tol(mean, 1, 1e-9);        /* two waited for half the day */
        day_summary(&r, "wards.W.occupied", 1, &mean, &half);
        ck_assert_double_eq_tol(mean, 0, 1e-9);
        done(&r);
    }
}
END_TEST

/* Medically fit at the start and in community services: 10 fit patients on pathway 0 (a fixed
 * 2.5-day delay) hold their beds for exactly 2.5 days, so the daily delayed beds are 10, 10, 5,
 * 0; two patients in a service with fixed 4-day stays, 1 and 3 days in, leave at 3 and 1: its
 * daily occupancy is 2, 1, 1, 0. No arrivals. */
START_TEST(fit_and_service_census_are_exact)
{
    struct flow_results r = run_daily(
        "name: t\nhorizon: 5d\nwarmup: 0d\nreplications: 2\nseed: 2\n"
        "wards: [{name: W, beds: 20}]\n"
        "community: [{name: S, capacity: 5, stay: {dist: fixed, value: 4d}}]\n"
        "groups:\n"
        "  - name: a\n    arrivals: {rate: 0/d}\n    route: [{ward: W, stay: {dist: fixed, value: 1d}}]\n"
        "    discharge:\n      assessment: {dist: fixed, value: 1h}\n"
        "      pathways: [{pathway: 0, share: 1, delay: {dist: fixed, value: 2.5d}}]\n"
        "  - name: b\n    arrivals: {rate: 0/d}\n    route: [{ward: W, stay: {dist: fixed, value: 1d}}]\n"
        "    discharge:\n      assessment: {dist: fixed, value: 1h}\n"
        "      pathways: [{pathway: 1, share: 1, service: S}]\n"
        "initial:\n  - {ward: W, group: a, patients: 10, fit: true}\n"
        "  - {service: S, elapsed: [1d, 3d]}\n");
    const double delayed[] = {10, 10, 5, 0, 0}, service[] = {2, 1, 1, 0, 0};
    for (size_t d = 0; d < 5; d++) {
        double mean, half;
        day_summary(&r, "discharge.delayed", d, &mean, &half);
        ck_assert_msg(fabs(mean - delayed[d]) < 1e-9, "delayed day %zu: %g, exactly %g", d, mean, delayed[d]);
        day_summary(&r, "community.S.occupied", d, &mean, &half);
        ck_assert_msg(fabs(mean - service[d]) < 1e-9, "service day %zu: %g, exactly %g", d, mean, service[d]);
    }
    done(&r);
}
END_TEST

/* Demand by date: arrivals follow the series day by day (a non-homogeneous Poisson process, flat
 * within each day here). With 1-hour stays in ample beds a day's mean occupancy is its rate / 24,
 * less what its last hour's stays spill over midnight into the next day and plus what the day
 * before spilled into it (rate x (1/24)^2 / 2 each). The file covers more dates than the run. */
START_TEST(demand_series_follows_the_dates)
{
    char path[] = "/tmp/flowsim-series-XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    const char *csv = "date,rate\n2026-12-31,500\n2027-01-04,48\n2027-01-05,0/d\n2027-01-06,240\n2027-01-07,1/h\n"
                      "2027-01-08,9\n";
    ck_assert(write(fd, csv, strlen(csv)) == (ssize_t)strlen(csv));
    close(fd);
    char text[1024];
    snprintf(text, sizeof text,
             "name: t\nstart: 2027-01-04\nhorizon: 4d\nwarmup: 0d\nreplications: 200\nseed: 3\n"
             "wards: [{name: W, beds: 10000}]\n"
             "groups:\n  - name: g\n    arrivals: {series: %s}\n"
             "    route: [{ward: W, stay: {dist: fixed, value: 1h}}]\n", path);
    struct flow_results r = run_daily(text);
    unlink(path);
    const double rates[] = {48, 0, 240, 24};
    for (size_t d = 0; d < 4; d++) {
        double spill = 1 / (24.0 * 24 * 2);   /* a day's share of the stays of its last hour */
        double want = rates[d] / 24 - rates[d] * spill + (d > 0 ? rates[d - 1] * spill : 0), mean, half;
        day_summary(&r, "wards.W.occupied", d, &mean, &half);
        ck_assert_msg(fabs(mean - want) <= fmax(half, 1e-12), "day %zu: %g (+- %g), theory %g", d, mean, half, want);
    }
    expect_near(&r, "system.arrivals_per_day", (48 + 0 + 240 + 24) / 4.0, 0.02);
    done(&r);
}
END_TEST

/* Waiting lists with their ages (waiting_since): nobody is operated (every case is unfit on the
 * day) and nobody is referred, so over 4 weeks patients listed 10, 17, 30 and 60 weeks ago spend
 * 4 + 1 of their 16 patient-weeks under 18 weeks (0.3125) and one is always over 52 weeks. With
 * leave_list a fixed 20 weeks from referral, a patient 19 weeks in leaves after 1 week and one
 * 25 weeks in at once: 2 removals in 4 weeks, and a quarter of a patient on the list (booked only
 * at 09:00 on Mondays, so never booked when due to leave). */
START_TEST(waiting_list_ages_count_from_referral)
{
    struct flow_results r = run_text(
        "name: t\nhorizon: 28d\nwarmup: 0d\nreplications: 2\nseed: 5\n"
        "wards: [{name: W, beds: 10}]\n"
        "theatres:\n  - name: T\n    sessions: [{days: [mon], start: \"09:00\", length: 10m}]\n    book_ahead: 0d\n"
        "groups:\n  - name: e\n    arrivals: {referrals: 0/d}\n    waiting_since: [10w, 17w, 30w, 60w]\n    due: 18w\n"
        "    route: [{theatre: T, operation: {dist: fixed, value: 1m}, p_unfit_on_day: 1}]\n"
        "  - name: f\n    arrivals: {referrals: 0/d}\n    waiting_since: [19w, 25w]\n"
        "    leave_list: {dist: fixed, value: 20w}\n"
        "    route: [{theatre: T, operation: {dist: fixed, value: 1m}, p_unfit_on_day: 1}]\n", NULL, 0);
    expect_exact(&r, "groups.e.waiting_list_within_18_weeks", 5.0 / 16);
    expect_exact(&r, "groups.e.waiting_list_over_52_weeks", 1);
    expect_exact(&r, "groups.f.removals_per_week", 0.5);
    expect_exact(&r, "groups.f.waiting_list_size", 0.25);
    done(&r);
}
END_TEST

/* Survival of a stay, for GSL's integrator. */
static double stay_survival(double x, void *d) { return flow_dist_survival(d, x); }

/* A census with times spent known, in a model with no arrivals: length of stay counts from time
 * 0, so it is the mean remaining stay, E[X - a | X > a] = integral of S from a over S(a), found
 * by quadrature here, for a mixture of parts with memory (lognormal and gamma) at two times
 * spent: 400 patients 1 day in and 400 patients 6 days in. A remainder drawn fresh from the
 * part, or the part picked by weight alone, is off by days. */
static double mean_left(const struct flow_dist *d, double a)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    gsl_function f = {stay_survival, (void *)d};
    double integral, err;
    ck_assert_int_eq(gsl_integration_qagiu(&f, a, 1e-12, 1e-10, 1000, w, &integral, &err), 0);
    gsl_integration_workspace_free(w);
    return integral / flow_dist_survival(d, a);
}

START_TEST(census_mixture_stays_leave_their_remainder)
{
    static const double spent[] = {1, 6};
    for (int k = 0; k < 2; k++) {
        char text[1024], elapsed[4096] = "";
        for (int i = 0; i < 400; i++)
            snprintf(elapsed + strlen(elapsed), sizeof elapsed - strlen(elapsed), "%s%gd", i ? ", " : "", spent[k]);
        snprintf(text, sizeof text,
                 "name: t\nhorizon: 400d\nwarmup: 0d\nreplications: 24\nseed: %d\n"
                 "wards: [{name: W, beds: 1000}]\n"
                 "groups:\n  - name: g\n    arrivals: {rate: 0/d}\n    route: [{ward: W, stay: {dist: mixture, of: "
                 "[{weight: 0.6, dist: lognormal, mean: 2d, sd: 1.5d}, {weight: 0.4, dist: gamma, mean: 9d, sd: 3d}]}}]\n"
                 "initial:\n  - {ward: W, group: g, elapsed: [%s]}\n", 3 + k, "%s");
        char *full = malloc(strlen(text) + strlen(elapsed) + 1);
        ck_assert_ptr_nonnull(full);
        sprintf(full, text, elapsed);
        struct flow_results r = run_text(full, NULL, 0);
        free(full);
        struct flow_dist parts[2], d;
        ck_assert_ptr_null(flow_dist_init(&parts[0], FLOW_DIST_LOGNORMAL, 2, 1.5, 0));
        ck_assert_ptr_null(flow_dist_init(&parts[1], FLOW_DIST_GAMMA, 9, 3, 0));
        ck_assert_ptr_null(flow_dist_init_mixture(&d, parts, (const double[]){0.6, 0.4}, 2));
        expect_near(&r, "system.los_days", mean_left(&d, spent[k]), 0.03);
        flow_dist_fini(&d);
        done(&r);
    }
}
END_TEST

/* Each elective group's daily waiting list is its own: three groups (one emergency between
 * them) with 10, 0 and 30 on their lists and nothing operated before Friday's list hold those
 * numbers exactly from Monday to Wednesday. */
START_TEST(daily_waiting_lists_are_each_groups_own)
{
    struct flow_results r = run_daily(
        "name: t\nhorizon: 3d\nwarmup: 0d\nreplications: 2\nseed: 2\n"
        "wards: [{name: W, beds: 10}]\n"
        "theatres: [{name: T, sessions: [{days: [fri], start: \"08:00\", length: 4h}]}]\n"
        "groups:\n"
        "  - {name: a, arrivals: {referrals: 0/d}, initial_waiting_list: 10, route: [{theatre: T, operation: {dist: fixed, value: 1h}}]}\n"
        "  - {name: e, arrivals: {rate: 0/d}, route: [{ward: W, stay: {dist: fixed, value: 1d}}]}\n"
        "  - {name: b, arrivals: {referrals: 0/d}, route: [{theatre: T, operation: {dist: fixed, value: 1h}}]}\n"
        "  - {name: c, arrivals: {referrals: 0/d}, initial_waiting_list: 30, route: [{theatre: T, operation: {dist: fixed, value: 1h}}]}\n");
    static const char *const names[] = {"groups.a.waiting_list", "groups.b.waiting_list", "groups.c.waiting_list"};
    static const double want[] = {10, 0, 30};
    for (int g = 0; g < 3; g++)
        for (size_t d = 0; d < 3; d++) {
            double mean, half;
            day_summary(&r, names[g], d, &mean, &half);
            ck_assert_msg(fabs(mean - want[g]) < 1e-9, "%s day %zu: %g, exactly %g", names[g], d, mean, want[g]);
        }
    done(&r);
}
END_TEST

/* A scenario without initial: draws no census stream: its results are those of the same
 * scenario with an empty census list... and of the scenario as it was. */
START_TEST(no_census_changes_nothing)
{
    const char *base = "name: t\nhorizon: 60d\nwarmup: 5d\nreplications: 3\nseed: 4\n"
                       "wards: [{name: W, beds: 12}]\n"
                       "groups:\n  - name: g\n    arrivals: {rate: 8/d}\n"
                       "    route: [{ward: W, stay: {dist: lognormal, mean: 1.2d, sd: 1d}}]\n";
    char with[1024];
    snprintf(with, sizeof with, "%sinitial: []\n", base);
    struct flow_results a = run_text(base, NULL, 0), b = run_text(with, NULL, 0);
    ck_assert_int_eq((int)a.nmetrics, (int)b.nmetrics);
    ck_assert_int_eq(memcmp(a.values, b.values, a.nreps * a.nmetrics * sizeof *a.values), 0);
    done(&a);
    done(&b);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("initial");
    TCase *tc = tcase_create("closed forms");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, mminf_from_a_census_empties_to_its_load);
    tcase_add_test(tc, steady_census_stays_steady);
    tcase_add_test(tc, fixed_stays_leave_on_the_exact_days);
    tcase_add_test(tc, census_beyond_the_beds_waits_in_order);
    tcase_add_test(tc, fit_and_service_census_are_exact);
    tcase_add_test(tc, demand_series_follows_the_dates);
    tcase_add_test(tc, waiting_list_ages_count_from_referral);
    tcase_add_test(tc, no_census_changes_nothing);
    tcase_add_test(tc, census_mixture_stays_leave_their_remainder);
    tcase_add_test(tc, daily_waiting_lists_are_each_groups_own);
    suite_add_tcase(s, tc);
    return s;
}

