/* fuzz_scenario.c - libFuzzer target for the scenario loader and the --set parser. The input
 * is a scenario; lines after a line "--set" are overrides. Any input must give a scenario or
 * diagnostics: never a crash, a hang, a leak or undefined behaviour. */
#include <flowsim/scenario.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    const char *sets[8];
    size_t nsets = 0, len = size;
    char *mark = strstr(text, "\n--set\n");
    if (mark != NULL) {
        len = (size_t)(mark - text);
        char *line = mark + 7;
        while (line && *line && nsets < 8) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            sets[nsets++] = line;
            line = nl ? nl + 1 : NULL;
        }
    }
    struct flow_diag diag;
    flow_diag_init(&diag);
    struct flow_scenario *s = flow_scenario_load_text("fuzz.yaml", text, len, "/nonexistent",
                                                      sets, nsets, &diag);
    flow_scenario_destroy(s);
    flow_diag_fini(&diag);
    free(text);
    return 0;
}
