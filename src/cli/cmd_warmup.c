/* cmd_warmup.c - the warmup subcommand: how long a warm-up a scenario needs. */
#include "cli.h"

#include <flowsim/error.h>
#include <flowsim/experiment.h>
#include <flowsim/util.h>
#include <flowsim/warmup.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- warmup --------------------------------------------------------------------------- */

struct warmup_out {
    const struct flow_warmup_result *r;
    double current;
};

static int warmup_json(FILE *f, const void *arg)
{
    const struct warmup_out *w = arg;
    return flow_report_warmup_json(f, w->r, w->current);
}

static int warmup_text(FILE *f, const void *arg)
{
    const struct warmup_out *w = arg;
    return flow_report_warmup_text(f, w->r, w->current);
}

int flow__cmd_warmup(int argc, char **argv)
{
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "warmup", &o);
    if (rc == EXIT_OK && !o.help && o.scenario == NULL)
        rc = flow__cli_usage_error("warmup", "warmup needs a scenario file");
    if (rc != EXIT_OK || o.help)
        return flow__cli_finish(&o, rc != EXIT_OK ? rc : flow__cli_help("warmup"));
    struct flow_scenario *s = flow__cli_load_path(o.scenario, o.sets, o.nsets);
    if (s == NULL)
        return flow__cli_finish(&o, EXIT_SCENARIO);
    /* Run from empty for warm-up + horizon, measuring from time 0. */
    const char **sets = flow__cli_sets_with(&o, 2);
    char *horizon = flow_xasprintf("horizon=%.17gd", s->warmup_days + s->horizon_days);
    sets[o.nsets] = "warmup=0d";
    sets[o.nsets + 1] = horizon;
    struct flow_scenario *from0 = flow__cli_load_path(o.scenario, sets, o.nsets + 2);
    rc = EXIT_SCENARIO;
    if (from0 != NULL) {
        struct flow_warmup_result r;
        int err = flow_warmup_run(from0, &r);
        struct warmup_out out = {&r, s->warmup_days};
        if (err != 0)
            rc = flow__cli_run_error(err, NULL);
        else
            rc = flow__cli_emit(&o, warmup_json, warmup_text, &out);
        flow_warmup_fini(&r);
    }
    flow_scenario_destroy(from0);
    flow_scenario_destroy(s);
    free(horizon);
    free(sets);
    return flow__cli_finish(&o, rc);
}

