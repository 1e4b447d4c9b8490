/* fuzz_extract.c - libFuzzer target for episode extracts (flowsim fit and check's input): the
 * reader, then for an extract it accepts the spells, routes, the whole fit written as a
 * scenario, and check's measures. Any input must give a fit or one located error: never a
 * crash, a hang, a leak or undefined behaviour. */
#include <flowsim/extract.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* As flowsim's programs do: GSL's special functions report extreme arguments through its error
 * handler, which aborts by default; the library reads their returned values instead. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gsl_set_error_handler_off();
    return 0;
}

static char path[64];
static FILE *sink;

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/flowsim-fuzz-extract-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    close(fd);
    sink = fopen("/dev/null", "w");
    if (sink == NULL)
        abort();
}

static void measure(const struct flow_extract *x, const struct flow_fitted *f)
{
    struct flow_measure_layout L = {x->ngroups, x->nwards, f->routes};
    size_t n = flow_measure_count(&L);
    double *v = malloc((n + 1) * sizeof *v), *hourly = malloc((x->nwards * 168 + 1) * sizeof *hourly);
    if (v && hourly && x->last > x->first)
        flow_measure(&f->spells, x->first, x->last, &L, v, hourly);
    free(v);
    free(hourly);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (sink == NULL)
        setup();
    FILE *f = fopen(path, "w");
    if (f == NULL)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    struct flow_extract x;
    struct flow_diag d;
    flow_diag_init(&d);
    if (flow_extract_read(path, &x, &d) == 0) {
        char why[512];
        struct flow_fitted fit;
        if (!flow_extract_names_clash(&x, why, sizeof why) && flow_fitted_make(&x, &fit) == 0) {
            size_t poor;
            struct flow_fit_write_options o = {"fuzz.csv", "fuzz", "fuzz"};
            flow_fitted_write(&x, &fit, &o, sink, &poor);
            measure(&x, &fit);
            flow_fitted_fini(&fit, &x);
        }
        flow_extract_fini(&x);
    }
    flow_diag_fini(&d);
    return 0;
}
