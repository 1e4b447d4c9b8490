/* fuzz_report.c - libFuzzer target for `flowsim report`: saved results (a run's, comparison's or
 * sizing's JSON) and sweep directories (summary.csv). The first byte chooses: even, the rest
 * is a JSON results file; odd, it is a sweep's summary.csv. Any input must give a report or
 * one error: never a crash, a hang, a leak or undefined behaviour. */
#include <flowsim/report.h>

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

static char dir[64], json_path[96], csv_path[96];
static FILE *sink;

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/flowsim-fuzz-report-XXXXXX");
    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(json_path, sizeof json_path, "%s/results.json", dir);
    snprintf(csv_path, sizeof csv_path, "%s/summary.csv", dir);
    sink = fopen("/dev/null", "w");
    if (sink == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (sink == NULL)
        setup();
    if (size == 0)
        return 0;
    bool sweep = data[0] & 1;
    FILE *f = fopen(sweep ? csv_path : json_path, "w");
    if (f == NULL)
        abort();
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    char why[512];
    flow_report_html_saved(sink, sweep ? dir : json_path, why, sizeof why);
    return 0;
}
