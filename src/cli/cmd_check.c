/* cmd_check.c - the check subcommand: runs a scenario over an extract's period and reports each
 * measure of the extract beside the simulated one with its 95% prediction interval. A report,
 * not a test: exit 0 whatever it finds; 3 for a bad scenario or extract. */
#include "cli.h"

#include <flowsim/calendar.h>
#include <flowsim/check.h>
#include <flowsim/experiment.h>
#include <flowsim/extract.h>
#include <flowsim/util.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_text(FILE *f, const void *arg) { return flow_report_check_text(f, arg); }
static int check_json(FILE *f, const void *arg) { return flow_report_check_json(f, arg); }
static int check_html(FILE *f, const void *arg) { return flow_report_check_html(f, arg); }

static void time_text(double days, char *buf, size_t len)   /* buf: 48 bytes */
{
    char date[16];
    int64_t d = (int64_t)floor(days);
    long minutes = lround((days - (double)d) * 1440);
    if (minutes >= 1440)
        d++, minutes = 0;
    flow_date_format(d, date);
    snprintf(buf, len, "%s %02ld:%02ld", date, minutes / 60, minutes % 60);
}

/* The scenario, run over the extract's period: from empty, time 0 at 00:00 on its first day. */
static struct flow_scenario *check_scenario(const struct cli_opts *o, const struct flow_extract *x)
{
    char start[16];
    int64_t day0 = (int64_t)floor(x->first);
    flow_date_format(day0, start);
    const char **sets = flow__cli_sets_with(o, 3);
    char *horizon = flow_xasprintf("horizon=%.0fd", fmax(1, ceil(x->last - (double)day0)));
    char *date = flow_xasprintf("start=%s", start);
    sets[o->nsets] = "warmup=0d";
    sets[o->nsets + 1] = horizon;
    sets[o->nsets + 2] = date;
    struct flow_scenario *s = flow__cli_load_path(o->scenario, sets, o->nsets + 3);
    free(sets), free(horizon), free(date);
    return s;
}

struct observed {
    struct flow_extract x;
    struct flow_spells spells;
    struct flow_group_routes *routes;
};

static void observed_fini(struct observed *ob)
{
    for (size_t g = 0; ob->routes && g < ob->x.ngroups; g++)
        flow_group_routes_fini(&ob->routes[g]);
    free(ob->routes);
    flow_spells_fini(&ob->spells);
    flow_extract_fini(&ob->x);
}

static int observed_read(const char *path, struct observed *ob)
{
    memset(ob, 0, sizeof *ob);
    if (!flow__cli_extract_read(path, &ob->x))
        return EXIT_SCENARIO;
    ob->routes = flow_xcalloc(ob->x.ngroups + 1, sizeof *ob->routes);
    if (flow_extract_spells(&ob->x, &ob->spells) != 0)
        return EXIT_RUNTIME;
    for (uint32_t g = 0; g < ob->x.ngroups; g++)
        if (flow_routes_group(&ob->spells, g, &ob->routes[g]) != 0)
            return EXIT_RUNTIME;
    return EXIT_OK;
}

static int check_report(struct cli_opts *o, int argc, char **argv, struct flow_scenario *s, struct observed *ob)
{
    struct progress pr;
    flow__progress_init(&pr, o, "check");
    struct flow_check_input in = {&ob->x, &ob->spells, ob->routes, floor(ob->x.first), flow__progress_update, &pr};
    struct flow_check c;
    int err = flow_check_run(s, &in, &c), rc;
    flow__progress_end(&pr);
    if (err != 0) {
        rc = flow__cli_run_error(err, NULL);
    } else {
        char from[48], to[48];
        time_text(ob->x.first, from, sizeof from);
        time_text(ob->x.last, to, sizeof to);
        o->provenance = flow__cli_provenance("check", argc, argv, o->scenario, s, NULL, NULL);
        struct flow_check_report r = {&c, s, &ob->x, o->scenario, o->data, from, to, o->provenance};
        rc = flow__cli_emit(o, check_json, check_text, &r);
        if (rc == EXIT_OK)
            rc = flow__cli_write_report(o, check_html, &r);
        rc = flow__cli_outputs_end(rc);
    }
    flow_check_fini(&c);
    return rc;
}

int flow__cmd_check(int argc, char **argv)
{
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "check", &o);
    if (rc == EXIT_OK && !o.help && (o.scenario == NULL || o.data == NULL))
        rc = flow__cli_usage_error("check", "check needs a scenario and --data EXTRACT.csv");
    if (rc != EXIT_OK || o.help)
        return flow__cli_finish(&o, rc != EXIT_OK ? rc : flow__cli_help("check"));
    struct observed ob;
    rc = observed_read(o.data, &ob);
    struct flow_scenario *s = rc == EXIT_OK ? check_scenario(&o, &ob.x) : NULL;
    if (rc == EXIT_OK && s == NULL)
        rc = EXIT_SCENARIO;
    if (rc == EXIT_OK)
        rc = check_report(&o, argc, argv, s, &ob);
    flow_scenario_destroy(s);
    observed_fini(&ob);
    return flow__cli_finish(&o, rc);
}
