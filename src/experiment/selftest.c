/* selftest.c - closed-form cases shipped in the binary (`flowsim selftest`) and run by the
 * validation suite: each scenario has an exact answer from queueing theory. A case passes when
 * the theory value lies inside the simulated 99.9% confidence interval; the report also shows
 * the usual 95% interval. A wrong engine fails because the intervals are narrow. */
#include <flowsim/experiment.h>
#include <flowsim/scenario.h>
#include <flowsim/selftest.h>
#include <flowsim/util.h>

#include <math.h>
#include <string.h>

static double erlang_c_p_wait(void) { return flow_erlang_c(20, 18.0); }
static double erlang_c_wait_hours(void) { return flow_mmc_mean_wait(20, 18.0, 1.0) * 24; }
static double erlang_c_occupied(void) { return 18.0; }
static double erlang_b_12_10(void) { return flow_erlang_b(12, 10.0); }
static double erlang_b_8_6(void) { return flow_erlang_b(8, 6.0); }
static double mginf_occupied(void) { return 20.0 * 3.0; }
static double mtginf_occupied(void) { return 12.0 * 2.5; }
static double little_los(void) { return 1.5 + 0.6 * 6.0; }
static double little_occupied(void) { return 10.0 * 0.6 * 6.0; }
static double md1_wait_hours(void) { return 0.8 * 1.0 / (2 * (1 - 0.8)) * 24; }
/* Rounds Monday to Friday at 09:00: gaps 1, 1, 1, 1, 3 days; the wait to the next round of a
 * stay ending at a random time is sum(gap^2) / (2 sum(gap)) = 13/14 day. */
static double weekday_round_los(void) { return 2 + 13.0 / 14; }
/* Daily round reviewing each ready patient with p = 0.5: half a day, then 1/p - 1 more days. */
static double p_review_los(void) { return 2 + 0.5 + 1; }
/* M/M/10+M, 11 a day, stays 1 d, patience 6 h: patience rate / service rate = 4. */
static double erlang_a_reneged(void) { return flow_erlang_a(10, 11.0, 4.0); }
static double outlied_erlang_b(void) { return flow_erlang_b(8, 6.0); }
static double within_4h_exponential(void) { return 1 - exp(-4.0 / 5); }
static double ring_fence_lost(void) { return flow_erlang_b(7, 6.0); }
static double weekend_closure_lost(void)
{
    return 5.0 / 7 * flow_erlang_b(10, 8.0) + 2.0 / 7 * flow_erlang_b(6, 8.0);
}

#define ERLANG_C                                                                     \
    "name: Erlang C check\n"                                                         \
    "horizon: 5000d\nwarmup: 50d\nreplications: 40\nseed: 7\n"                       \
    "wards:\n  - {name: Ward, beds: 20, when_full: queue}\n"                         \
    "groups:\n  - name: all\n    arrivals: {rate: 18/d}\n"                           \
    "    route:\n      - {ward: Ward, stay: {dist: exponential, mean: 1d}}\n"

static const struct flow_selftest_case cases[] = {
    {"Erlang C: probability of waiting", "M/M/20, 18 a day, mean stay 1 d", ERLANG_C,
     "wards.Ward.p_wait", erlang_c_p_wait, "ErlangC(c=20, a=18)"},
    {"Erlang C: mean wait for a bed", "M/M/20, 18 a day, mean stay 1 d", ERLANG_C,
     "wards.Ward.mean_wait_hours", erlang_c_wait_hours, "24 C(20,18) / (20 - 18) hours"},
    {"Erlang C: mean beds occupied", "M/M/20, 18 a day, mean stay 1 d", ERLANG_C,
     "wards.Ward.mean_occupied_beds", erlang_c_occupied, "a = 18"},
    {"Erlang B: share diverted", "M/M/12/12, 10 a day, exponential stay 1 d",
     "name: Erlang B check\nhorizon: 2000d\nwarmup: 20d\nreplications: 20\nseed: 11\n"
     "wards:\n  - {name: Ward, beds: 12, when_full: divert}\n"
     "groups:\n  - name: all\n    arrivals: {rate: 10/d}\n"
     "    route:\n      - {ward: Ward, stay: {dist: exponential, mean: 1d}}\n",
     "wards.Ward.lost_fraction", erlang_b_12_10, "ErlangB(c=12, a=10)"},
    {"Erlang B is insensitive to the stay distribution", "M/G/8/8, 6 a day, lognormal stay 1 d (sd 2 d)",
     "name: Erlang B lognormal\nhorizon: 3000d\nwarmup: 50d\nreplications: 20\nseed: 5\n"
     "wards:\n  - {name: Ward, beds: 8, when_full: divert}\n"
     "groups:\n  - name: all\n    arrivals: {rate: 6/d}\n"
     "    route:\n      - {ward: Ward, stay: {dist: lognormal, mean: 1d, sd: 2d}}\n",
     "wards.Ward.lost_fraction", erlang_b_8_6, "ErlangB(c=8, a=6)"},
    {"M/G/infinity: mean beds occupied", "20 a day, gamma stay 3 d (sd 2 d), 200 beds",
     "name: M/G/inf\nhorizon: 1000d\nwarmup: 30d\nreplications: 20\nseed: 3\n"
     "wards:\n  - {name: Ward, beds: 200}\n"
     "groups:\n  - name: all\n    arrivals: {rate: 20/d}\n"
     "    route:\n      - {ward: Ward, stay: {dist: gamma, mean: 3d, sd: 2d}}\n",
     "wards.Ward.mean_occupied_beds", mginf_occupied, "rate x mean stay = 20 x 3"},
    {"M(t)/G/infinity with daily and weekly patterns", "12 a day on average, weibull stay 2.5 d",
     "name: Mt/G/inf\nhorizon: 700d\nwarmup: 28d\nreplications: 20\nseed: 9\n"
     "wards:\n  - {name: Ward, beds: 300}\n"
     "groups:\n  - name: all\n    arrivals:\n      rate: 12/d\n"
     "      by_hour: [0.3,0.2,0.2,0.2,0.2,0.3,0.5,0.8,1.2,1.6,1.8,1.8,1.7,1.6,1.5,1.5,1.4,1.4,"
     "1.3,1.2,1.0,0.8,0.6,0.4]\n"
     "      by_weekday: [1.3, 1.1, 1.0, 1.0, 1.1, 0.7, 0.8]\n"
     "    route:\n      - {ward: Ward, stay: {dist: weibull, shape: 2, scale: 2.820947917738781d}}\n",
     "wards.Ward.mean_occupied_beds", mtginf_occupied, "mean rate x mean stay = 12 x 2.5"},
    {"Little's law: length of stay on a two-ward route", "10 a day, AMU 1.5 d then Medicine (p 0.6) 6 d",
     "name: Little\nhorizon: 1000d\nwarmup: 60d\nreplications: 20\nseed: 13\n"
     "wards:\n  - {name: AMU, beds: 100}\n  - {name: Medicine, beds: 200}\n"
     "groups:\n  - name: all\n    arrivals: {rate: 10/d}\n    route:\n"
     "      - {ward: AMU, stay: {dist: exponential, mean: 1.5d}}\n"
     "      - {ward: Medicine, p: 0.6, stay: {dist: gamma, mean: 6d, sd: 5d}}\n",
     "system.los_days", little_los, "1.5 + 0.6 x 6 days"},
    {"Little's law: beds occupied on a two-ward route", "10 a day, AMU 1.5 d then Medicine (p 0.6) 6 d",
     "name: Little\nhorizon: 1000d\nwarmup: 60d\nreplications: 20\nseed: 13\n"
     "wards:\n  - {name: AMU, beds: 100}\n  - {name: Medicine, beds: 200}\n"
     "groups:\n  - name: all\n    arrivals: {rate: 10/d}\n    route:\n"
     "      - {ward: AMU, stay: {dist: exponential, mean: 1.5d}}\n"
     "      - {ward: Medicine, p: 0.6, stay: {dist: gamma, mean: 6d, sd: 5d}}\n",
     "wards.Medicine.mean_occupied_beds", little_occupied, "rate x p x mean stay = 10 x 0.6 x 6"},
    {"M/D/1: Pollaczek-Khinchine mean wait", "1 bed, 0.8 a day, fixed stay 1 d",
     "name: M/D/1\nhorizon: 20000d\nwarmup: 100d\nreplications: 20\nseed: 17\n"
     "wards:\n  - {name: Ward, beds: 1}\n"
     "groups:\n  - name: all\n    arrivals: {rate: 0.8/d}\n"
     "    route:\n      - {ward: Ward, stay: {dist: fixed, value: 1d}}\n",
     "wards.Ward.mean_wait_hours", md1_wait_hours, "24 rho S / (2 (1 - rho)), rho = 0.8"},
    {"Ward rounds on weekdays: length of stay", "20 a day, fixed stay 2 d, rounds Mon-Fri 09:00",
     "name: Weekday rounds\nhorizon: 700d\nwarmup: 14d\nreplications: 20\nseed: 19\n"
     "wards:\n  - name: Ward\n    beds: 1000\n"
     "    rounds: [{days: [mon, tue, wed, thu, fri], at: \"09:00\"}]\n"
     "groups:\n  - name: all\n    arrivals: {rate: 20/d}\n"
     "    route:\n      - {ward: Ward, stay: {dist: fixed, value: 2d}}\n",
     "system.los_days", weekday_round_los, "2 + (4 x 1^2 + 3^2) / (2 x 7) days"},
    {"Ward rounds with p_review: length of stay", "20 a day, fixed stay 2 d, daily round, p_review 0.5",
     "name: Review\nhorizon: 700d\nwarmup: 14d\nreplications: 20\nseed: 23\n"
     "wards:\n  - name: Ward\n    beds: 1000\n"
     "    rounds: [{days: [mon, tue, wed, thu, fri, sat, sun], at: \"09:00\", p_review: 0.5}]\n"
     "groups:\n  - name: all\n    arrivals: {rate: 20/d}\n"
     "    route:\n      - {ward: Ward, stay: {dist: fixed, value: 2d}}\n",
     "system.los_days", p_review_los, "2 + 0.5 + (1/p - 1) days"},
    {"Weekend bed closure: share diverted", "32 an hour, 15 min stays, 10 beds, 4 closed Sat-Sun",
     "name: Weekend closure\nhorizon: 350d\nwarmup: 7d\nreplications: 20\nseed: 29\n"
     "wards:\n  - name: Ward\n    beds: 10\n    when_full: divert\n"
     "    bed_changes: [{days: [sat, sun], change: -4}]\n"
     "groups:\n  - name: all\n    arrivals: {rate: 32/h}\n"
     "    route:\n      - {ward: Ward, stay: {dist: exponential, mean: 15m}}\n",
     "wards.Ward.lost_fraction", weekend_closure_lost, "5/7 ErlangB(10, 8) + 2/7 ErlangB(6, 8)"},
    {"Erlang A: patients who give up waiting", "M/M/10+M, 11 a day, stay 1 d, patience 6 h",
     "name: Erlang A\nhorizon: 3000d\nwarmup: 30d\nreplications: 20\nseed: 31\n"
     "wards:\n  - {name: Ward, beds: 10, patience: {dist: exponential, mean: 6h}}\n"
     "groups:\n  - name: all\n    arrivals: {rate: 11/d}\n"
     "    route:\n      - {ward: Ward, stay: {dist: exponential, mean: 1d}}\n",
     "wards.Ward.reneged_fraction", erlang_a_reneged, "ErlangA(c=10, a=11, patience/service = 4)"},
    {"Outlying: the home ward is an Erlang loss system", "8 beds, 6 a day, stay 1 d, outliers to a big ward",
     "name: Outliers\nhorizon: 3000d\nwarmup: 20d\nreplications: 20\nseed: 37\n"
     "wards:\n  - {name: Home, beds: 8, when_full: outlie, outlie_to: [Host]}\n  - {name: Host, beds: 500}\n"
     "groups:\n  - name: all\n    arrivals: {rate: 6/d}\n"
     "    route:\n      - {ward: Home, stay: {dist: exponential, mean: 1d}}\n",
     "wards.Home.outlied_fraction", outlied_erlang_b, "ErlangB(c=8, a=6)"},
    {"Ring-fenced beds: the others see the unfenced beds", "10 beds, 3 fenced for a group that (almost) never comes; others 6 a day, stay 1 d, divert",
     "name: Ring fence\nhorizon: 3000d\nwarmup: 20d\nreplications: 20\nseed: 41\n"
     "wards:\n  - {name: Ward, beds: 10, when_full: divert, reserved: {beds: 3, groups: [fenced]}}\n"
     "groups:\n  - name: others\n    arrivals: {rate: 6/d}\n"
     "    route:\n      - {ward: Ward, stay: {dist: exponential, mean: 1d}}\n"
     "  - name: fenced\n    arrivals: {rate: 0.00001/d}\n"
     "    route:\n      - {ward: Ward, stay: {dist: exponential, mean: 1d}}\n",
     "wards.Ward.lost_fraction", ring_fence_lost, "ErlangB(c=10-3, a=6)"},
    {"Time targets: time in the ward within 4 hours", "ample cubicles, 40 a day, exponential stay 5 h",
     "name: Targets\nhorizon: 300d\nwarmup: 5d\nreplications: 20\nseed: 43\n"
     "wards:\n  - {name: ED, beds: 1000, targets: [4h, 12h]}\n"
     "groups:\n  - name: all\n    arrivals: {rate: 40/d}\n"
     "    route:\n      - {ward: ED, stay: {dist: exponential, mean: 5h}}\n",
     "wards.ED.within_4h", within_4h_exponential, "1 - exp(-4/5)"},
};

size_t flow_selftest_count(void) { return sizeof cases / sizeof cases[0]; }

const struct flow_selftest_case *flow_selftest_case(size_t i)
{
    return i < flow_selftest_count() ? &cases[i] : NULL;
}

int flow_selftest_run(size_t i, int threads, struct flow_selftest_result *out, struct flow_diag *diag)
{
    const struct flow_selftest_case *c = &cases[i];
    memset(out, 0, sizeof *out);
    out->c = c;
    out->theory = c->theory();
    struct flow_scenario *s = flow_scenario_load_text("<selftest>", c->yaml, strlen(c->yaml),
                                                      NULL, NULL, 0, diag);
    if (s == NULL)
        return (int)diag->errors;
    struct flow_results r;
    struct flow_run_options o = {.threads = threads};
    int rc = flow_experiment_run(s, &o, &r, NULL);
    long k = rc == 0 ? flow_results_find(&r, c->metric) : -1;
    if (k >= 0) {
        flow_results_summary(&r, (size_t)k, &out->sim);
        out->halfwidth_999 = flow_ci_halfwidth(out->sim.sd, out->sim.n, 0.999);
        out->pass = fabs(out->sim.mean - out->theory) <= out->halfwidth_999;
    }
    flow_results_fini(&r);
    flow_scenario_destroy(s);
    return rc;
}
