/* test_engine.c - the event engine: ordering by time, priority and insertion, cancellation,
 * run_until, a randomised comparison against sorting, and a long run whose pending events rise
 * into the thousands and fall again, so that the event list moves between its heap and its
 * calendar queue many times, checked event by event against a plain reference list. */
#include "check_main.h"

#include <flowsim/engine.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

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

/* The poll function runs every FLOW_ENGINE_POLL_EVENTS events and can stop the run; often
 * enough that a cancel stops a run within a second even at 100 microseconds an event (a long
 * queue searched), so at most 4,096 events apart. */
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
    ck_assert_uint_le(FLOW_ENGINE_POLL_EVENTS, 4096);
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

/* ---- the heap and the calendar queue against a reference, event by event -------------- */

enum { REF_MAX = 8192 };

struct ref {                       /* pending events, unordered; the minimum found by a scan */
    double t[REF_MAX];
    int prio[REF_MAX];
    uint64_t seq[REF_MAX], id[REF_MAX];
    flow_event_handle h[REF_MAX];
    size_t n;
    uint64_t next_seq, next_id, fired, last_fired;
    uint64_t rng;
    bool growing;
    size_t peak, switches;
};

static uint64_t ref_rand(struct ref *r)
{
    r->rng ^= r->rng << 13, r->rng ^= r->rng >> 7, r->rng ^= r->rng << 17;
    return r->rng;
}

static void churn(struct flow_engine *e, void *ctx, uint64_t arg);

static void ref_schedule(struct flow_engine *e, struct ref *r, double t, int prio)
{
    ck_assert_uint_lt(r->n, REF_MAX);
    size_t i = r->n++;
    r->t[i] = t, r->prio[i] = prio, r->seq[i] = r->next_seq++, r->id[i] = r->next_id++;
    r->h[i] = flow_engine_schedule(e, t, prio, churn, r, r->id[i]);
}

/* Index of the reference's next event: time, then priority, then insertion. */
static size_t ref_min(const struct ref *r)
{
    size_t best = 0;
    for (size_t i = 1; i < r->n; i++)
        if (r->t[i] < r->t[best] || (r->t[i] == r->t[best] && (r->prio[i] < r->prio[best] ||
                                     (r->prio[i] == r->prio[best] && r->seq[i] < r->seq[best]))))
            best = i;
    return best;
}

static void ref_remove(struct ref *r, size_t i)
{
    r->n--;
    r->t[i] = r->t[r->n], r->prio[i] = r->prio[r->n], r->seq[i] = r->seq[r->n];
    r->id[i] = r->id[r->n], r->h[i] = r->h[r->n];
}

/* Fires: it must be the reference's next event. While growing, it looks ahead now and then,
 * schedules two events (ties, zero delays and spread-out times alike) and now and then cancels
 * one; while shrinking, none. */
static void churn(struct flow_engine *e, void *ctx, uint64_t arg)
{
    struct ref *r = ctx;
    size_t i = ref_min(r);
    ck_assert_msg(r->id[i] == arg, "event %llu fired where the reference has %llu next",
                  (unsigned long long)arg, (unsigned long long)r->id[i]);
    ck_assert(r->t[i] == flow_engine_now(e));
    ref_remove(r, i);
    r->fired++;
    if (r->growing && r->n > 5000)
        r->growing = false, r->switches++;
    else if (!r->growing && r->n < 20)
        r->growing = true, r->switches++;
    r->peak = r->n > r->peak ? r->n : r->peak;
    if (!r->growing)
        return;
    if (ref_rand(r) % 3 == 0)          /* a look ahead, as run_until makes, before scheduling */
        ck_assert(flow_engine_next_time(e) == (r->n ? r->t[ref_min(r)] : INFINITY));
    for (int k = 0; k < 2; k++) {
        uint64_t x = ref_rand(r);
        double delay = x % 4 == 0 ? 0 : x % 4 == 1 ? (double)(x >> 8 & 15) * 0.25
                                                   : -log(((double)(x >> 11) + 0.5) * 0x1.0p-53) * 3;
        ref_schedule(e, r, flow_engine_now(e) + delay, (int)(x >> 40) % 3 - 1);
    }
    if (ref_rand(r) % 10 == 0 && r->n > 1) {
        size_t j = ref_rand(r) % r->n;
        ck_assert(flow_engine_cancel(e, r->h[j]));
        ref_remove(r, j);
    }
}

START_TEST(event_list_switches_structure_mid_run)
{
    static struct ref r;
    memset(&r, 0, sizeof r);
    r.rng = 0x9E3779B97F4A7C15ULL;
    r.growing = true;
    struct flow_engine *e = flow_engine_create();
    for (int i = 0; i < 10; i++)
        ref_schedule(e, &r, 0.5 * i, 0);
    while (r.fired < 60000 && flow_engine_step(e))
        ck_assert_uint_eq(flow_engine_pending(e), r.n);
    ck_assert_uint_ge(r.fired, 60000);
    ck_assert_uint_ge(r.peak, 5000);           /* well into the calendar queue ... */
    ck_assert_uint_ge(r.switches, 4);          /* ... and back to the heap, more than once */
    flow_engine_destroy(e);
}
END_TEST

/* A calendar queue whose pending events, after a dense start, lie years of buckets apart: each
 * next one is found by the search over every bucket's head, and they still fire in order of
 * time, then priority, then insertion. */
static void count_fired(struct flow_engine *e, void *ctx, uint64_t arg)
{
    uint64_t *c = ctx;
    ck_assert_msg(arg == c[0], "event %llu fired where %llu was next", (unsigned long long)arg,
                  (unsigned long long)c[0]);
    ck_assert_double_eq(flow_engine_now(e), arg < 6000 ? (double)arg / 6000 : 1000.0 * (double)((arg - 6000) / 2 + 1));
    c[0]++;
}

START_TEST(event_far_apart_in_a_calendar_queue)
{
    static uint64_t next[1];
    next[0] = 0;
    struct flow_engine *e = flow_engine_create();
    /* A dense start first, so that the queue's width is chosen for it (a year of buckets is
     * about a day and a half), then keys 1000 days apart, two at each time, inserted last first. */
    for (uint64_t i = 0; i < 6000; i++)
        flow_engine_schedule(e, (double)i / 6000, 0, count_fired, next, i);
    for (uint64_t i = 6000 + 2 * 3000; i-- > 6000;)
        flow_engine_schedule(e, 1000.0 * (double)((i - 6000) / 2 + 1), (int)(i % 2), count_fired, next, i);
    while (flow_engine_step(e))
        ;
    ck_assert_uint_eq(next[0], 12000);
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
    tcase_add_test(tc, event_list_switches_structure_mid_run);
    tcase_add_test(tc, event_far_apart_in_a_calendar_queue);
    tcase_add_test(tc, event_stall_is_detected);
    tcase_add_test(tc, event_poll_can_stop);
    suite_add_tcase(s, tc);
    return s;
}
