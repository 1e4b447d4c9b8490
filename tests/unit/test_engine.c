/* test_engine.c - the event engine: ordering by time, priority and insertion, cancellation,
 * run_until, and a randomised comparison against sorting. */
#include "check_main.h"

#include <flowsim/engine.h>
#include <math.h>
#include <stdint.h>

struct log {
    uint64_t seen[4096];
    double times[4096];
    size_t n;
};

static void record(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct log *l = ctx;
    l->times[l->n] = flow_engine_now(e);
    l->seen[l->n++] = arg;
}

START_TEST(event_fires_in_time_order)
{
    struct flow_engine *e = flow_engine_create();
    struct log l = {0};
    flow_engine_schedule(e, 2.385, 0, record, &l, 1);
    flow_engine_schedule(e, 0.125, 0, record, &l, 2);
    flow_engine_schedule(e, 1.5, 0, record, &l, 3);
    ck_assert_uint_eq(flow_engine_run_until(e, 10), 3);
    ck_assert_uint_eq(l.seen[0], 2);
    ck_assert_uint_eq(l.seen[1], 3);
    ck_assert_uint_eq(l.seen[2], 1);
    ck_assert_double_eq(l.times[2], 2.385);
    ck_assert_double_eq(flow_engine_now(e), 10);
    flow_engine_destroy(e);
}
END_TEST

START_TEST(event_same_time_is_fifo)
{
    struct flow_engine *e = flow_engine_create();
    struct log l = {0};
    for (uint64_t i = 0; i < 100; i++)
        flow_engine_schedule(e, 3.0, 0, record, &l, i);
    flow_engine_run_until(e, 3.0);
    ck_assert_uint_eq(l.n, 100);
    for (uint64_t i = 0; i < 100; i++)
        ck_assert_uint_eq(l.seen[i], i);
    flow_engine_destroy(e);
}
END_TEST

START_TEST(event_same_time_lower_priority_first)
{
    /* Both insertion orders: priority decides, not insertion. */
    for (int order = 0; order < 2; order++) {
        struct flow_engine *e = flow_engine_create();
        struct log l = {0};
        int p1 = order ? 5 : -5, p2 = order ? -5 : 5;
        flow_engine_schedule(e, 1.0, p1, record, &l, (uint64_t)(p1 + 10));
        flow_engine_schedule(e, 1.0, p2, record, &l, (uint64_t)(p2 + 10));
        flow_engine_run_until(e, 2.0);
        ck_assert_uint_eq(l.seen[0], 5);
        ck_assert_uint_eq(l.seen[1], 15);
        flow_engine_destroy(e);
    }
}
END_TEST

START_TEST(event_cancel_removes_only_that_event)
{
    struct flow_engine *e = flow_engine_create();
    struct log l = {0};
    flow_engine_schedule(e, 1.0, 0, record, &l, 1);
    flow_event_handle h = flow_engine_schedule(e, 2.0, 0, record, &l, 2);
    flow_engine_schedule(e, 3.0, 0, record, &l, 3);
    ck_assert(flow_engine_cancel(e, h));
    ck_assert(!flow_engine_cancel(e, h));           /* a second cancel is refused */
    ck_assert_uint_eq(flow_engine_pending(e), 2);
    flow_engine_run_until(e, 5.0);
    ck_assert_uint_eq(l.n, 2);
    ck_assert_uint_eq(l.seen[0], 1);
    ck_assert_uint_eq(l.seen[1], 3);
    flow_engine_destroy(e);
}
END_TEST

START_TEST(event_stale_handle_is_ignored)
{
    struct flow_engine *e = flow_engine_create();
    struct log l = {0};
    flow_event_handle h = flow_engine_schedule(e, 1.0, 0, record, &l, 1);
    flow_engine_run_until(e, 1.5);
    /* The fired event's record is reused by the next schedule; the old handle must not hit it. */
    flow_engine_schedule(e, 2.0, 0, record, &l, 2);
    ck_assert(!flow_engine_cancel(e, h));
    ck_assert_uint_eq(flow_engine_pending(e), 1);
    flow_engine_destroy(e);
}
END_TEST

START_TEST(event_run_until_stops_at_bound)
{
    struct flow_engine *e = flow_engine_create();
    struct log l = {0};
    flow_engine_schedule(e, 1.0, 0, record, &l, 1);
    flow_engine_schedule(e, 2.0, 0, record, &l, 2);
    flow_engine_schedule(e, 2.0000001, 0, record, &l, 3);
    ck_assert_uint_eq(flow_engine_run_until(e, 2.0), 2);
    ck_assert_double_eq(flow_engine_now(e), 2.0);
    ck_assert_double_eq(flow_engine_next_time(e), 2.0000001);
    ck_assert(flow_engine_step(e));
    ck_assert(!flow_engine_step(e));
    ck_assert_double_eq(flow_engine_next_time(e), INFINITY);
    flow_engine_destroy(e);
}
END_TEST

/* A handler that schedules more events, as models do. */
static void chain(struct flow_engine *e, void *ctx, uint64_t arg)
{
    record(e, ctx, arg);
    if (arg < 1000)
        flow_engine_schedule(e, flow_engine_now(e) + 0.5, 0, chain, ctx, arg + 1);
}

START_TEST(event_handlers_schedule_more)
{
    struct flow_engine *e = flow_engine_create();
    static struct log l;
    l.n = 0;
    flow_engine_schedule(e, 0, 0, chain, &l, 0);
    flow_engine_run_until(e, 1e9);
    ck_assert_uint_eq(l.n, 1001);
    ck_assert_double_eq(l.times[1000], 500.0);
    ck_assert_uint_eq(flow_engine_fired(e), 1001);
    flow_engine_destroy(e);
}
END_TEST

/* Random times with many ties, random cancellations: firing order must equal a stable sort by
 * (time, priority) of the surviving events. */
/* An event that schedules itself again after `ctx` days, for ever. */
static void again(struct flow_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    flow_engine_schedule(e, flow_engine_now(e) + *(double *)ctx, 0, again, ctx, 0);
}

/* Time that stops advancing stops the run after FLOW_ENGINE_STALL_EVENTS events at one
 * instant; time that advances, however little, does not. */
START_TEST(event_stall_is_detected)
{
    static double zero = 0, tiny = 1e-6;
    struct flow_engine *e = flow_engine_create();
    flow_engine_schedule(e, 0.5, 0, again, &zero, 0);
    uint64_t n = flow_engine_run_until(e, 1);
    ck_assert(flow_engine_stalled(e));
    ck_assert_uint_ge(n, FLOW_ENGINE_STALL_EVENTS);
    ck_assert_uint_le(n, FLOW_ENGINE_STALL_EVENTS + FLOW_ENGINE_POLL_EVENTS);
    ck_assert_double_eq(flow_engine_now(e), 0.5);
    flow_engine_destroy(e);
    e = flow_engine_create();
    flow_engine_schedule(e, 0, 0, again, &tiny, 0);
    n = flow_engine_run_until(e, 20);
    ck_assert(!flow_engine_stalled(e));
    ck_assert_uint_ge(n, 19000000);
    flow_engine_destroy(e);
}
END_TEST

static bool stop_at_once(struct flow_engine *e, void *ctx)
{
    (void)e;
    return ++*(int *)ctx >= 3;
}

/* The poll function runs every FLOW_ENGINE_POLL_EVENTS events and can stop the run. */
START_TEST(event_poll_can_stop)
{
    static double step = 1e-3;
    int calls = 0;
    struct flow_engine *e = flow_engine_create();
    flow_engine_poll(e, stop_at_once, &calls);
    flow_engine_schedule(e, 0, 0, again, &step, 0);
    uint64_t n = flow_engine_run_until(e, 1e9);
    ck_assert_int_eq(calls, 3);
    ck_assert_uint_eq(n, 3 * (uint64_t)FLOW_ENGINE_POLL_EVENTS);
    ck_assert(flow_engine_stopped(e) && !flow_engine_stalled(e));
    flow_engine_destroy(e);
}
END_TEST

START_TEST(event_random_matches_sort)
{
    enum { N = 3000 };
    static struct log l;
    static double t[N];
    static int pr[N];
    static int cancelled[N];
    static flow_event_handle h[N];
    l.n = 0;
    struct flow_engine *e = flow_engine_create();
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        t[i] = (double)(x % 50) * 0.25;
        pr[i] = (int)((x >> 20) % 3) - 1;
        h[i] = flow_engine_schedule(e, t[i], pr[i], record, &l, (uint64_t)i);
    }
    for (int i = 0; i < N; i += 7)
        cancelled[i] = flow_engine_cancel(e, h[i]);
    flow_engine_run_until(e, 100);
    size_t k = 0;
    for (int i = 0; i < N; i++)
        k += !cancelled[i];
    ck_assert_uint_eq(l.n, k);
    for (size_t j = 1; j < l.n; j++) {
        int a = (int)l.seen[j - 1], b = (int)l.seen[j];
        int ok = t[a] < t[b] || (t[a] == t[b] && (pr[a] < pr[b] || (pr[a] == pr[b] && a < b)));
        ck_assert_msg(ok, "events %d and %d fired out of order", a, b);
    }
    flow_engine_destroy(e);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, event_fires_in_time_order);
    tcase_add_test(tc, event_same_time_is_fifo);
    tcase_add_test(tc, event_same_time_lower_priority_first);
    tcase_add_test(tc, event_cancel_removes_only_that_event);
    tcase_add_test(tc, event_stale_handle_is_ignored);
    tcase_add_test(tc, event_run_until_stops_at_bound);
    tcase_add_test(tc, event_handlers_schedule_more);
    tcase_add_test(tc, event_random_matches_sort);
    tcase_add_test(tc, event_stall_is_detected);
    tcase_add_test(tc, event_poll_can_stop);
    suite_add_tcase(s, tc);
    return s;
}
