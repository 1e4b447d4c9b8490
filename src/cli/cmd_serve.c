/* cmd_serve.c - the serve subcommand: options, then the what-if server (src/serve). */
#include "cli.h"

#include <flowsim/limits.h>
#include <flowsim/serve.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int flow__cmd_serve(int argc, char **argv)
{
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "serve", &o);
    if (rc == EXIT_OK && o.help)
        rc = flow__cli_help("serve");
    else if (rc == EXIT_OK && o.scenario != NULL && *o.scenario == '\0')
        rc = flow__cli_usage_error("serve", "the scenario's file name is empty");
    if (rc != EXIT_OK || o.help)
        return flow__cli_finish(&o, rc);
    struct flow_serve_config c = {
        .scenario = o.scenario, .bind = o.serve.bind, .port = (int)o.serve.port,
        .threads = (int)o.serve.threads, .max_replications = (int)o.serve.max_replications,
        .max_work = o.serve.max_work, .queue = (int)o.serve.queue, .max_body = (size_t)o.serve.max_body,
        .request_timeout = (int)o.serve.request_timeout};
    int served = flow_serve(&c);
    return flow__cli_finish(&o, served == 0 ? EXIT_OK : served == 1 ? EXIT_SCENARIO : EXIT_RUNTIME);
}
