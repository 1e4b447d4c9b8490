/* bench.c - the benchmark behind tools/bench: runs replication 0 of a scenario once and prints
 * events, events per second, nanoseconds per event and peak memory; with --threads, runs
 * REPS replications on 1 and on 2 threads and prints replications per second and the
 * speed-up; with --engine, compares flowsim with a bare event loop (bare.c) on M/M/20 and at
 * 20, 2,000, 20,000 and 90,000 pending events; with --sweep, times POINTS one-replication points as
 * one batch against one run of POINTS replications; with --bare, runs the bare loop alone (the
 * whole process tools/bench times against `flowsim run`). Not a test: it prints figures and
 * always passes. */
#include "bare.h"

#include <flowsim/experiment.h>
#include <flowsim/model.h>
#include <flowsim/scenario.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static struct flow_scenario *load(const char *path, const char *const *sets, size_t n)
{
    struct flow_diag diag;
    flow_diag_init(&diag);
    struct flow_scenario *s = flow_scenario_load_file(path, sets, n, &diag);
    for (size_t i = 0; i < diag.count; i++)
        fprintf(stderr, "%s\n", diag.lines[i]);
    flow_diag_fini(&diag);
    return s;
}

/* Replications per second on 1 and 2 threads (best of 3 each). */
static int threads(const char *path, const char *reps)
{
    char set[64];
    snprintf(set, sizeof set, "replications=%s", reps);
    const char *sets[] = {set};
    struct flow_scenario *s = load(path, sets, 1);
    if (s == NULL)
        return 3;
    double rate[2];
    for (int t = 1; t <= 2; t++) {
        double best = 1e300;
        for (int k = 0; k < 3; k++) {
            struct flow_results r;
            struct flow_run_options o = {.threads = t};
            double t0 = seconds();
            flow_experiment_run(s, &o, &r, NULL);
            double dt = seconds() - t0;
            best = dt < best ? dt : best;
            flow_results_fini(&r);
        }
        rate[t - 1] = s->replications / best;
        printf("%d thread%s       %.1f replications/second (%d replications, best of 3)\n", t,
               t == 1 ? " " : "s", rate[t - 1], s->replications);
    }
    printf("speed-up        %.2fx on 2 threads\n", rate[1] / rate[0]);
    flow_scenario_destroy(s);
    return 0;
}

/* Best of `repeats` runs of replication 0: seconds, and the events fired. */
static double time_model(const struct flow_scenario *s, int repeats, uint64_t *events)
{
    size_t nm;
    struct flow_metric_def *defs = flow_model_metric_defs(s, &nm);
    double *values = malloc(nm * sizeof *values), best = 1e300;
    for (int r = 0; r < repeats; r++) {
        double t0 = seconds();
        struct flow_model *m = flow_model_create(s, 0);
        flow_model_run(m);
        flow_model_metrics(m, values);
        *events = flow_model_events(m);
        flow_model_destroy(m);
        double dt = seconds() - t0;
        best = dt < best ? dt : best;
    }
    free(values);
    free(defs);
    return best;
}

/* Best of `repeats` runs of the bare loop: nanoseconds per event. */
static double time_bare(int servers, double rate, double horizon, int repeats)
{
    double best = 1e300;
    uint64_t events = 1;
    for (int r = 0; r < repeats; r++) {
        double t0 = seconds();
        events = bare_run(servers, rate, 1.0, horizon);
        double dt = seconds() - t0;
        best = dt < best ? dt : best;
    }
    return best * 1e9 / (double)events;
}

/* flowsim's engine against the bare loop: M/M/20 as in mmc.yaml, then an M/M/infinity ward
 * with about 20, 2,000, 20,000 and 90,000 patients in their beds (so as many pending
 * departures; 90,000 is as near 10^5 as a ward of the largest size, 100,000 beds, stays an
 * M/M/infinity ward). */
static int engine(const char *mmc)
{
    struct flow_scenario *s = load(mmc, NULL, 0);
    if (s == NULL)
        return 3;
    uint64_t events;
    double dt = time_model(s, 5, &events), flow_ns = dt * 1e9 / (double)events;
    double bare_ns = time_bare(20, 18, s->horizon_days, 5);
    printf("M/M/20, %.2f million events (best of 5):\n", (double)events / 1e6);
    printf("  bare loop     %.1f ns/event\n  flowsim       %.1f ns/event\n", bare_ns, flow_ns);
    printf("  flowsim runs at %.2f of the bare loop's speed\n\n", bare_ns / flow_ns);
    flow_scenario_destroy(s);
    const int pending[] = {20, 2000, 20000, 90000};
    double first[2] = {0, 0};
    printf("pending events   bare ns/event   flowsim ns/event   flowsim / bare speed\n");
    for (int i = 0; i < 4; i++) {
        char beds[64], rate[64], horizon[64];
        double h = 2e6 / (2.0 * pending[i]) + 10;
        snprintf(beds, sizeof beds, "wards.Ward.beds=100000");
        snprintf(rate, sizeof rate, "groups.all.arrivals.rate=%d/d", pending[i]);
        snprintf(horizon, sizeof horizon, "horizon=%.0fd", h);
        const char *sets[] = {beds, rate, horizon};
        struct flow_scenario *w = load(mmc, sets, 3);
        if (w == NULL)
            return 3;
        double f = time_model(w, 3, &events) * 1e9 / (double)events;
        double b = time_bare(0, pending[i], h, 3);
        printf("%-16d %-15.1f %-18.1f %.2f\n", pending[i], b, f, b / f);
        if (i == 0)
            first[0] = b, first[1] = f;
        else if (i == 2)
            printf("growth 20 -> 20,000 pending: bare loop x%.2f, flowsim x%.2f\n", b / first[0], f / first[1]);
        flow_scenario_destroy(w);
    }
    return 0;
}

/* POINTS one-replication scenarios (seeds 1..POINTS) as one batch on 2 threads, against one
 * run of POINTS replications: the wall time a sweep of that many points needs. */
static int sweep(const char *path, int points)
{
    char reps[64];
    snprintf(reps, sizeof reps, "replications=%d", points);
    const char *one[] = {reps};
    struct flow_scenario *whole = load(path, one, 1);
    struct flow_scenario **pt = calloc((size_t)points, sizeof *pt);
    for (int i = 0; i < points && whole; i++) {
        char seed[64];
        snprintf(seed, sizeof seed, "seed=%d", i + 1);
        const char *sets[] = {"replications=1", seed};
        pt[i] = load(path, sets, 2);
        if (pt[i] == NULL)
            return 3;
    }
    if (whole == NULL)
        return 3;
    struct flow_results *res = calloc((size_t)points, sizeof *res);
    int *status = calloc((size_t)points, sizeof *status);
    struct flow_run_options o = {.threads = 2};
    double best_run = 1e300, best_sweep = 1e300;
    for (int k = 0; k < 3; k++) {
        struct flow_results r;
        double t0 = seconds();
        flow_experiment_run(whole, &o, &r, NULL);
        double t1 = seconds();
        flow_experiment_run_batch((const struct flow_scenario *const *)pt, (size_t)points, &o, res, status);
        double t2 = seconds();
        best_run = t1 - t0 < best_run ? t1 - t0 : best_run;
        best_sweep = t2 - t1 < best_sweep ? t2 - t1 : best_sweep;
        flow_results_fini(&r);
        for (int i = 0; i < points; i++)
            flow_results_fini(&res[i]);
    }
    printf("%d-point sweep, 1 replication a point, 2 threads: %.3f s\n", points, best_sweep);
    printf("one run of %d replications, 2 threads:           %.3f s\n", points, best_run);
    printf("sweep / run     %.2fx (best of 3)\n", best_sweep / best_run);
    for (int i = 0; i < points; i++)
        flow_scenario_destroy(pt[i]);
    flow_scenario_destroy(whole);
    free(pt);
    free(res);
    free(status);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--threads") == 0)
        return threads(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "--engine") == 0)
        return engine(argv[2]);
    if (argc == 4 && strcmp(argv[1], "--sweep") == 0)
        return sweep(argv[2], atoi(argv[3]));
    if (argc == 5 && strcmp(argv[1], "--bare") == 0) {   /* the bare loop as a whole process */
        uint64_t events = bare_run(atoi(argv[2]), atof(argv[3]), 1.0, atof(argv[4]));
        printf("%llu events\n", (unsigned long long)events);
        return 0;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: flowsim-bench SCENARIO [REPEATS] | --threads SCENARIO REPS | --engine MMC | --sweep SCENARIO POINTS | --bare SERVERS RATE DAYS\n");
        return 2;
    }
    int repeats = argc > 2 ? atoi(argv[2]) : 5;
    struct flow_diag diag;
    flow_diag_init(&diag);
    struct flow_scenario *s = flow_scenario_load_file(argv[1], NULL, 0, &diag);
    if (s == NULL) {
        for (size_t i = 0; i < diag.count; i++)
            fprintf(stderr, "%s\n", diag.lines[i]);
        return 3;
    }
    size_t nm;
    struct flow_metric_def *defs = flow_model_metric_defs(s, &nm);
    double *values = malloc(nm * sizeof *values);
    double best = 1e300;
    uint64_t events = 0;
    for (int r = 0; r < repeats; r++) {
        double t0 = seconds();
        struct flow_model *m = flow_model_create(s, 0);
        flow_model_run(m);
        flow_model_metrics(m, values);
        events = flow_model_events(m);
        flow_model_destroy(m);
        double dt = seconds() - t0;
        best = dt < best ? dt : best;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("scenario        %s\n", s->name);
    printf("events          %llu (one replication, best of %d runs)\n", (unsigned long long)events, repeats);
    printf("time            %.3f s\n", best);
    printf("events/second   %.2f million\n", (double)events / best / 1e6);
    printf("ns/event        %.1f\n", best * 1e9 / (double)events);
    printf("peak memory     %.1f MB (maximum resident set size)\n", (double)ru.ru_maxrss / 1024);
    free(values);
    free(defs);
    flow_scenario_destroy(s);
    flow_diag_fini(&diag);
    return 0;
}
