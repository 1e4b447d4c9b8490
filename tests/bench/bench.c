/* bench.c - the benchmark behind tools/bench: runs replication 0 of a scenario once and prints
 * events, events per second, nanoseconds per event and peak memory; with --threads, runs
 * REPS replications on 1 and on 2 threads and prints replications per second and the
 * speed-up. Not a test: it prints figures and always passes. */
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

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--threads") == 0)
        return threads(argv[2], argv[3]);
    if (argc < 2) {
        fprintf(stderr, "usage: flowsim-bench SCENARIO [REPEATS] | --threads SCENARIO REPS\n");
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
