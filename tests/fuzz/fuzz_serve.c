/* fuzz_serve.c - libFuzzer target for flowsim serve's answers: the first byte picks the method
 * and path (the API's, a report id, or bytes of a path), the rest is the request body; or
 * (the last choice) the rest is a request's head for the front door's strict checks. The
 * served scenario is the built-in example, with limits so small that a request can only run
 * a day or two. Any request must get an answer with a status and a body: never a crash, a
 * hang, a leak or undefined behaviour (the JSON reader, --set's values through the loader,
 * the overlay writer, the report store). */
#include "../../src/serve/internal.h"

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

static struct served served;
static bool opened;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!opened) {
        struct flow_serve_config c = {.threads = 1, .max_replications = 3, .max_work = 400, .queue = 0,
                                      .max_body = 65536};
        if (flow__served_open(&served, &c) != 0)
            abort();
        opened = true;
    }
    if (size == 0)
        return 0;
    static const char *const routes[][2] = {
        {"POST", "/api/run"}, {"POST", "/api/compare"}, {"POST", "/api/overlay"}, {"GET", "/api/scenario"},
        {"GET", "/api/progress"}, {"POST", "/api/cancel"}, {"GET", "/"}, {"PUT", "/api/run"},
        {"GET", NULL},          /* the body's bytes as a path under /api/report/ */
        {"POST", NULL},         /* the body's bytes as a path */
        {NULL, NULL},           /* the body's bytes as a request's head, for flow__gate_check_head */
    };
    size_t k = data[0] % (sizeof routes / sizeof *routes);
    char *body = malloc(size);
    memcpy(body, data + 1, size - 1);
    body[size - 1] = '\0';
    if (routes[k][0] == NULL) {
        struct gate_rules rules = {.loopback = data[0] & 1, .max_body = 65536};
        int status = 0;
        const char *why = flow__gate_check_head(body, size - 1, &rules, &status);
        if (why != NULL && (status < 400 || status > 431 || *why == '\0'))
            abort();
        free(body);
        return 0;
    }
    char *url = NULL;
    if (routes[k][1] == NULL)
        url = k == 8 ? flow_xasprintf("/api/report/%s", body) : flow_xasprintf("/%s", body);
    struct reply r = {0};
    flow__api_answer(&served, routes[k][0], url ? url : routes[k][1], body, size - 1, &r);
    if (r.status < 200 || r.status > 599 || r.body == NULL)
        abort();
    free(r.body);
    free(url);
    free(body);
    return 0;
}
