/* fuzz_cli.c - libFuzzer target for flowsim's command line: the argument parser of every
 * command (options, values, repeats, shorthands, output checks) and the parsers of --vary and
 * --target values. The first byte picks the command; the rest, split at NUL bytes, is argv.
 * Any input must give options or one usage error: never a crash, a hang, a leak or undefined
 * behaviour. Nothing is run and nothing is written (tools/fuzz runs it with -close_fd_mask=3:
 * usage errors are its expected output, kept off the log). */
#include "../../src/cli/cli.h"

#include <flowsim/experiment.h>
#include <flowsim/size.h>
#include <flowsim/sweep.h>

#include <stdint.h>
#include <stdio.h>
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

enum { MAX_ARGS = 64 };

static const char *const commands[] = {"run", "validate", "selftest", "compare", "sweep",
                                       "size", "warmup", "report"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *command = commands[data[0] % (sizeof commands / sizeof *commands)];
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    for (char *p = text; p < text + size - 1 && argc < MAX_ARGS; p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;
    struct cli_opts o;
    if (flow__cli_begin(argc, argv, command, &o) == EXIT_OK) {
        char why[512];
        for (size_t i = 0; i < o.nvaries; i++) {
            struct flow_vary v;
            if (flow_vary_parse(o.varies[i], &v, why, sizeof why) == 0)
                flow_vary_fini(&v);
        }
        for (size_t i = 0; i < o.ntargets; i++) {
            struct flow_target t;
            if (flow_target_parse(o.targets[i], &t, why, sizeof why) == 0)
                flow_target_fini(&t);
        }
    }
    flow__cli_opts_fini(&o);
    free(text);
    return 0;
}
