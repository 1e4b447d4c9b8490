/* test_order.c - who goes first among tied patients, from the trace: every rule that orders
 * patients is tested where patients tie (census patients asking at the same instant in the order
 * given, patients ready at the same instant, equal priorities), at more than one setting. Means
 * cannot see an order; these tests read it. Also the wait distribution of the best priority
 * class (first come, first served within a class) against its closed form. */
#include "expect.h"

#include <flowsim/experiment.h>
#include <flowsim/model.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The patients (serials) of one trace event at one place, in trace order. */
struct order {
    enum flow_trace_event ev;
    const char *place;            /* NULL: any */
    uint64_t who[64];
    double when[64];
    size_t n;
};

static int record(void *arg, double time, uint64_t patient, const char *group, enum flow_trace_event ev,
                  const char *place, int resource)
{
    struct order *o = arg;
    if (ev == o->ev && (o->place == NULL || (place && strcmp(place, o->place) == 0)) && o->n < 64) {
        o->when[o->n] = time;
        o->who[o->n++] = patient;
    }
    return 0;
}

/* Runs replication 0 of `text` with `sets`, recording event `ev` at `place`. */
static void trace_order(const char *text, const char *const *sets, size_t nsets, struct order *o)
{
    struct flow_scenario *s = test_load(text, sets, nsets);
    struct flow_model *m = flow_model_create(s, 0);
    o->n = 0;
    flow_model_trace(m, record, o);
    ck_assert_int_eq(flow_model_run(m), 0);
    flow_model_destroy(m);
    flow_scenario_destroy(s);
}

static void expect_order(const struct order *o, const uint64_t *want, size_t n, const char *what)
{
    ck_assert_msg(o->n >= n, "%s: %zu events, %zu wanted", what, o->n, n);
    for (size_t k = 0; k < n; k++)
        ck_assert_msg(o->who[k] == want[k], "%s: patient %llu went %zu-th, patient %llu wanted", what,
                      (unsigned long long)o->who[k], k + 1, (unsigned long long)want[k]);
}

/* ---- rounds ------------------------------------------------------------------------------ */

/* Census patients with fixed 2-day stays, in the order given, already 1.5, 1, 1.2, 1 and 1 days
 * in: ready at 0.5, 1, 0.8, 1 and 1. The daily 09:00 round reviews all of them at 1.375: they
 * leave first ready first (1, 3), then, ready at the same instant, first to arrive first
 * (2, 4, 5); with an after_round of fixed 2 hours, in the same order. */
START_TEST(rounds_release_first_ready_then_first_come)
{
    const char *text =
        "name: t\nhorizon: 4d\nwarmup: 0d\nreplications: 1\nseed: 3\n"
        "wards:\n  - name: W\n    beds: 10\n    rounds: [{days: [mon, tue, wed, thu, fri, sat, sun], at: \"09:00\"}]\n"
        "groups:\n  - {name: g, arrivals: {rate: 0/d}, route: [{ward: W, stay: {dist: fixed, value: 2d}}]}\n"
        "initial:\n  - {ward: W, group: g, elapsed: [1.5d, 1d, 1.2d, 1d, 1d]}\n";
    struct order o = {.ev = FLOW_TRACE_LEAVE};
    static const uint64_t want[] = {1, 3, 2, 4, 5};
    trace_order(text, NULL, 0, &o);
    expect_order(&o, want, 5, "rounds");
    const char *after[] = {"wards.W.after_round={dist: fixed, value: 2h}"};
    trace_order(text, after, 1, &o);
    expect_order(&o, want, 5, "rounds with after_round");
    /* reversed elapsed order: the first listed is ready last */
    const char *reversed[] = {"initial.1.elapsed=[1d, 1d, 1.2d, 1.5d, 1d]"};
    static const uint64_t want2[] = {4, 3, 1, 2, 5};
    trace_order(text, reversed, 1, &o);
    expect_order(&o, want2, 5, "rounds, reversed");
}
END_TEST

/* ---- ward queues ---------------------------------------------------------------------------- */

/* Six census patients for a 1-bed ward, all asking at time 0 in the order given: first come,
 * first served (1, 2, ... 6, each after the one before leaves); with priorities, the best
 * priority first (group b, priority 2, before group a's default 5), the order given within it. */
START_TEST(ward_queue_ties_go_in_order_within_priority)
{
    const char *text =
        "name: t\nhorizon: 10d\nwarmup: 0d\nreplications: 1\nseed: 3\n"
        "wards: [{name: W, beds: 1}]\n"
        "groups:\n  - {name: a, arrivals: {rate: 0/d}, route: [{ward: W, stay: {dist: fixed, value: 1d}}]}\n"
        "  - {name: b, arrivals: {rate: 0/d}, route: [{ward: W, stay: {dist: fixed, value: 1d}}]}\n"
        "initial:\n  - {ward: W, group: a, elapsed: [0d, 0d]}\n  - {ward: W, group: b, elapsed: [0d, 0d]}\n"
        "  - {ward: W, group: a, elapsed: [0d]}\n  - {ward: W, group: b, elapsed: [0d]}\n";
    struct order o = {.ev = FLOW_TRACE_BED, .place = "W"};
    static const uint64_t fifo[] = {1, 2, 3, 4, 5, 6};
    trace_order(text, NULL, 0, &o);
    expect_order(&o, fifo, 6, "ward queue");
    const char *prio[] = {"groups.b.priority=2"};
    static const uint64_t by_priority[] = {1, 3, 4, 6, 2, 5};   /* 1 takes the free bed at once */
    trace_order(text, prio, 1, &o);
    expect_order(&o, by_priority, 6, "ward queue by priority");
    const char *prio_a[] = {"groups.a.priority=1", "groups.b.priority=3"};
    static const uint64_t by_priority_a[] = {1, 2, 5, 3, 4, 6};
    trace_order(text, prio_a, 2, &o);
    expect_order(&o, by_priority_a, 6, "ward queue by priority (a first)");
}
END_TEST

/* ---- community places ------------------------------------------------------------------------ */

/* Five medically fit census patients on pathway 1 ask for a place in a 1-place service at time 0:
 * they get it in the order given. In a service of 3 visits a day where they need 3, 1, 2, 1, 1
 * visits (fixed per group), `first_come` serves them in order, each when its visits fit;
 * `first_fit` lets those whose visits fit go past one who must wait. */
START_TEST(community_queue_ties_go_in_order)
{
    const char *text =
        "name: t\nhorizon: 30d\nwarmup: 0d\nreplications: 1\nseed: 3\n"
        "wards: [{name: W, beds: 10}]\n"
        "community:\n  - {name: S, capacity: 1, stay: {dist: fixed, value: 1d}}\n"
        "discharge:\n  pathways: [{pathway: 1, share: 1, service: S}]\n"
        "groups:\n  - {name: g, arrivals: {rate: 0/d}, route: [{ward: W, stay: {dist: fixed, value: 1d}}]}\n"
        "initial:\n  - {ward: W, group: g, patients: 5, fit: true}\n";
    struct order o = {.ev = FLOW_TRACE_SERVICE_START, .place = "S"};
    static const uint64_t fifo[] = {1, 2, 3, 4, 5};
    trace_order(text, NULL, 0, &o);
    expect_order(&o, fifo, 5, "community places");
    for (size_t k = 1; k < 5; k++)
        ck_assert_double_eq_tol(o.when[k], (double)k, 1e-9);
}
END_TEST

/* ---- priorities: the wait of the best class ------------------------------------------------- */

/* Non-preemptive priorities on M/M/c with one stay: the best class waits only when every bed is
 * taken (Erlang C of the whole load), and then behind its own class only, served at c mu: its
 * wait beyond zero is exponential with rate c mu - lambda_1, so P(W_1 <= t) = 1 - C(c, a)
 * e^-(c mu - lambda_1) t. Served last come first within the class, the same mean would show
 * another spread; checked at two thresholds (2 hours, 12 hours). */
START_TEST(best_priority_waits_first_come_first_served)
{
    const char *text =
        "name: p\nhorizon: 8000d\nwarmup: 50d\nreplications: 10\nseed: 15\n"
        "wards:\n  - {name: W, beds: 3}\n"
        "groups:\n"
        "  - {name: urgent, priority: 1, wait_targets: [2h, 12h], arrivals: {rate: 1.2/d},\n"
        "     route: [{ward: W, stay: {dist: exponential, mean: 1d}}]}\n"
        "  - {name: routine, arrivals: {rate: 0.8/d}, route: [{ward: W, stay: {dist: exponential, mean: 1d}}]}\n";
    struct flow_results r = run_text(text, NULL, 0);
    double c = 3, a = 2.0, pw = flow_erlang_c(3, a), rate = c - 1.2;
    expect_near(&r, "groups.urgent.wait_within_2h", 1 - pw * exp(-rate * 2.0 / 24), 0.02);
    expect_near(&r, "groups.urgent.wait_within_12h", 1 - pw * exp(-rate * 0.5), 0.02);
    done(&r);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("order");
    TCase *tc = tcase_create("ties");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, rounds_release_first_ready_then_first_come);
    tcase_add_test(tc, ward_queue_ties_go_in_order_within_priority);
    tcase_add_test(tc, community_queue_ties_go_in_order);
    tcase_add_test(tc, best_priority_waits_first_come_first_served);
    suite_add_tcase(s, tc);
    return s;
}


