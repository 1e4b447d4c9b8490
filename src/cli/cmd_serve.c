/* cmd_serve.c - the serve subcommand: options, then the what-if server (src/serve). */
#include "cli.h"

#include <flowsim/limits.h>
#include <flowsim/serve.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool number(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !(v >= lo && v <= hi) || v != (double)(long long)v)
        return false;
    *out = v;
    return true;
}

/* One option with its value; EXIT_OK, or EXIT_USAGE with the message said. */
static int serve_option(int argc, char **argv, int *i, struct flow_serve_config *c)
{
    static const struct {
        const char *name;
        double lo, hi;
    } nums[] = {{"--port", 0, 65535}, {"--threads", 1, 256}, {"--max-replications", 1, FLOW_MAX_REPLICATIONS},
                {"--max-work", 1, 1e15}, {"--queue", 0, 64}, {"--max-body", 1024, 16 << 20},
                {"--request-timeout", 1, 3600}};
    const char *a = argv[*i];
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    const char *v = eq ? eq + 1 : (*i + 1 < argc ? argv[*i + 1] : NULL);
    bool bind = strncmp(a, "--bind", n) == 0 && n == 6;
    size_t k = 0;
    while (k < 7 && !(strncmp(a, nums[k].name, n) == 0 && strlen(nums[k].name) == n))
        k++;
    if (!bind && k == 7)
        return flow__cli_usage_error("serve", "unknown option '%s'", a);
    if (v == NULL)
        return flow__cli_usage_error("serve", "%.*s needs a value", (int)n, a);
    if (!eq)
        (*i)++;
    if (bind) {
        if (*v == '\0')
            return flow__cli_usage_error("serve", "--bind needs an address, such as 127.0.0.1");
        c->bind = v;
        return EXIT_OK;
    }
    double x;
    if (!number(v, nums[k].lo, nums[k].hi, &x))
        return flow__cli_usage_error("serve", "%s must be a whole number from %.0f to %.0f; found '%s'",
                               nums[k].name, nums[k].lo, nums[k].hi, v);
    switch (k) {
    case 0: c->port = (int)x; break;
    case 1: c->threads = (int)x; break;
    case 2: c->max_replications = (int)x; break;
    case 3: c->max_work = x; break;
    case 4: c->queue = (int)x; break;
    case 5: c->max_body = (size_t)x; break;
    default: c->request_timeout = (int)x; break;
    }
    return EXIT_OK;
}

int flow__cmd_serve(int argc, char **argv)
{
    struct flow_serve_config c = {.port = 8642, .max_replications = 1000, .max_work = 1e9,
                                  .queue = 4, .max_body = 64 * 1024, .request_timeout = 20};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            return flow__cli_help("serve");
        if (a[0] == '-' && a[1] != '\0') {
            int rc = serve_option(argc, argv, &i, &c);
            if (rc != EXIT_OK)
                return rc;
        } else if (c.scenario == NULL) {
            if (*a == '\0')
                return flow__cli_usage_error("serve", "the scenario's file name is empty");
            c.scenario = a;
        } else {
            return flow__cli_usage_error("serve", "serve takes one scenario; found '%s' as well", a);
        }
    }
    int rc = flow_serve(&c);
    return rc == 0 ? EXIT_OK : rc == 1 ? EXIT_SCENARIO : EXIT_RUNTIME;
}
