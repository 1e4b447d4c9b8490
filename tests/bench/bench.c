/* bench.c - the benchmark behind tools/bench: runs replication 0 of a scenario once and prints
 * events, events per second, nanoseconds per event and peak memory. Not a test: it prints
 * figures and always passes. */
#include <flowsim/experiment.h>
#include <flowsim/model.h>
#include <flowsim/scenario.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: flowsim-bench SCENARIO [REPEATS]\n");
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
