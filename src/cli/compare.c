/* compare.c - the compare subcommand: a paired comparison with common random numbers. */
#include "cli.h"

#include <flowsim/error.h>
#include <flowsim/experiment.h>
#include <flowsim/util.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- compare -------------------------------------------------------------------------- */

struct html_cmp {
    const struct flow_comparison *c;
    const char *provenance;
};

static int compare_html(FILE *f, const void *arg)
{
    const struct html_cmp *h = arg;
    return flow_report_html_compare(f, h->c, h->provenance);
}

static int compare_json(FILE *f, const void *arg)
{
    const struct html_cmp *h = arg;
    return flow_report_compare_json(f, h->c, h->provenance);
}

static int compare_text(FILE *f, const void *arg)
{
    const struct html_cmp *h = arg;
    return flow_report_compare_text(f, h->c);
}

int cmd_compare(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_begin(argc, argv, "compare", &o);
    if (rc == EXIT_OK && !o.help && o.scenario == NULL)
        rc = cli_usage_error("compare", "compare needs BASE.yaml and WHATIF.yaml, or BASE.yaml --set ...");
    if (rc == EXIT_OK && !o.help && o.scenario2 == NULL && o.nsets == cli_shorthand_sets(&o, (const char *[2]){0}))
        rc = cli_usage_error("compare", "compare needs a what-if: a second scenario or --set overrides");
    if (rc != EXIT_OK || o.help)
        return cli_finish(&o, rc != EXIT_OK ? rc : cli_help("compare"));
    const char *base_sets[2];
    struct flow_scenario *base = cli_load_path(o.scenario, base_sets, cli_shorthand_sets(&o, base_sets));
    if (base == NULL)
        return cli_finish(&o, EXIT_SCENARIO);
    /* The what-if runs with the base's seed and replications: common random numbers. */
    const char **sets = cli_sets_with(&o, 2);
    char *seed = flow_xasprintf("seed=%llu", (unsigned long long)base->seed);
    char *reps = flow_xasprintf("replications=%d", base->replications);
    sets[o.nsets] = seed;
    sets[o.nsets + 1] = reps;
    struct flow_scenario *whatif = cli_load_path(o.scenario2 ? o.scenario2 : o.scenario, sets, o.nsets + 2);
    rc = EXIT_SCENARIO;
    if (whatif != NULL) {
        struct flow_comparison c;
        struct progress p;
        progress_init(&p, &o, "replications");
        struct flow_run_options ro = {.threads = o.threads, .progress = progress_update, .progress_arg = &p};
        int err = flow_compare_run(base, whatif, &ro, &c);
        char *base_from = o.scenario ? flow_xstrdup(o.scenario) : flow_xstrdup("the built-in example");
        char *whatif_from = flow_xstrdup(o.scenario2 ? o.scenario2 : base_from);
        for (size_t k = 0; k < o.nsets; k++) {
            if (o.sets[k] == o.owned[0] || o.sets[k] == o.owned[1])
                continue;          /* --seed, --replications: both sides */
            char *t = flow_xasprintf("%s --set '%s'", whatif_from, o.sets[k]);
            free(whatif_from);
            whatif_from = t;
        }
        c.base_from = base_from, c.whatif_from = whatif_from;
        progress_end(&p);
        if (err != 0) {
            rc = cli_run_error(err, NULL);
        } else {
            size_t warnings = cli_load_warnings();
            for (int side = 0; side < 2; side++) {
                struct flow_warning *w;
                size_t nw = flow_results_warnings(side ? &c.whatif : &c.base, &w);
                for (size_t k = 0; k < nw && flow_mpi_rank() == 0; k++)
                    fprintf(stderr, "flowsim: warning: %s: %s\n", side ? "what-if" : "base", w[k].message);
                warnings += nw;
                free(w);
            }
            o.provenance = cli_provenance("compare", argc, argv, o.scenario, base,
                                          o.scenario2 ? o.scenario2 : o.scenario, whatif);
            struct html_cmp h = {&c, o.provenance};
            /* Files first (staged), the report on standard output last. */
            static const char *const names[] = {"comparison.csv", "paired.csv"};
            static const flow_write_fn fns[] = {flow_csv_comparison, flow_csv_paired};
            rc = cli_write_report(&o, compare_html, &h);
            if (rc == EXIT_OK && o.csv)
                rc = cli_write_dir(o.csv, names, fns, 2, &c);
            if (rc == EXIT_OK)
                rc = cli_emit(&o, compare_json, compare_text, &h);
            if (rc == EXIT_OK && o.strict && warnings > 0)
                rc = EXIT_WARNING;         /* the report is shown; no file is kept */
        }
        flow_comparison_fini(&c);
        free(base_from);
        free(whatif_from);
    }
    flow_scenario_destroy(whatif);
    flow_scenario_destroy(base);
    free(seed);
    free(reps);
    free(sets);
    return cli_finish(&o, rc);
}

