/* fuzz_shard.c - libFuzzer target for flowsim merge's reader of shard files: any bytes must be
 * read as a shard or refused with one located error, and a shard that reads must fill a small
 * run's results or be refused (a replication outside them or twice, parts that do not match):
 * never a crash, a hang, a leak, an allocation its bytes do not pay for, or undefined behaviour. */
#include <flowsim/experiment.h>
#include <flowsim/scenario.h>
#include <flowsim/shard.h>
#include <flowsim/util.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *text =
    "name: s\nhorizon: 5d\nreplications: 3\nseed: 1\nwards: [{name: W, beds: 2}]\n"
    "groups: [{name: g, arrivals: {rate: 3/d}, route: [{ward: W, stay: {dist: exponential, mean: 1d}}]}]\n";
static struct flow_scenario *scenario;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gsl_set_error_handler_off();
    struct flow_diag d;
    flow_diag_init(&d);
    scenario = flow_scenario_load_text("fuzz.yaml", text, strlen(text), NULL, NULL, 0, &d);
    flow_diag_fini(&d);
    snprintf(path, sizeof path, "/tmp/flowsim-fuzz-shard-%d.shard", (int)getpid());
    return scenario == NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    struct flow_shard sh;
    char why[1024];
    if (flow_shard_read(path, &sh, why, sizeof why) == 0) {
        struct flow_run_options o = {.profile = (size & 1) != 0, .daily = (size & 2) != 0};
        struct flow_results r;
        if (flow_experiment_results(scenario, &o, &r) == 0) {
            unsigned char seen[4] = {0};
            flow_shard_fill(&sh, 0, &r, seen, why, sizeof why);
            flow_results_fini(&r);
        }
    }
    flow_shard_fini(&sh);
    return 0;
}
