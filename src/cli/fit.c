/* fit.c - the fit subcommand: a scenario from a hospital's episode extract (and, with --output,
 * the CSV files of stays no family fits well, beside it). */
#include "cli.h"

#include <flowsim/extract.h>
#include <flowsim/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fit_out {
    const struct flow_extract *x;
    const struct flow_fitted *f;
    struct flow_fit_write_options w;
    size_t poor;
};

static int fit_yaml(FILE *f, const void *arg)
{
    struct fit_out *o = (struct fit_out *)arg;
    return flow_fitted_write(o->x, o->f, &o->w, f, &o->poor);
}

/* Reads an extract, printing its diagnostics; false on any error. */
bool cli_extract_read(const char *path, struct flow_extract *x)
{
    struct flow_diag d;
    flow_diag_init(&d);
    size_t errors = flow_extract_read(path, x, &d);
    cli_print_diag(&d);
    if (d.errors > d.count)
        fprintf(stderr, "flowsim: %zu more errors not shown\n", d.errors - d.count);
    flow_diag_fini(&d);
    if (errors == 0 && !(x->last > x->first)) {
        fprintf(stderr, "%s:1:1: error: the extract spans no time: its first and last times are the same\n", path);
        flow_extract_fini(x);
        return false;
    }
    return errors == 0;
}

/* The file name without directory and extension. */
static char *stem_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    return flow_xstrndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

/* The empirical alternatives, beside the scenario. */
static int fit_csvs(const char *output, const struct fit_out *fo)
{
    const char *slash = strrchr(output, '/');
    char *dir = slash ? flow_xstrndup(output, (size_t)(slash - output) + 1) : flow_xstrdup("");
    int rc = EXIT_OK;
    for (size_t g = 0; g < fo->f->ngroups && rc == EXIT_OK; g++) {
        const struct flow_fitted_group *grp = &fo->f->groups[g];
        for (size_t j = 0; j < grp->nsteps && rc == EXIT_OK; j++) {
            if (!grp->steps[j].poor)
                continue;
            char name[FLOW_MAX_NAME * 3 + 64];
            flow_fitted_csv_name(fo->w.csv_stem, grp, j, name, sizeof name);
            char *path = flow_xasprintf("%s%s", dir, name);
            rc = cli_write_file(path, flow_fitted_csv, &grp->steps[j]);
            free(path);
        }
    }
    free(dir);
    return rc;
}

int cmd_fit(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_begin(argc, argv, "fit", &o);
    if (rc == EXIT_OK && !o.help && o.scenario == NULL)
        rc = cli_usage_error("fit", "fit needs an extract (a CSV file of ward stays)");
    if (rc == EXIT_OK && (o.nsets > 0 || o.report || o.format != FLOW_FORMAT_TEXT || o.threads))
        rc = cli_usage_error("fit", "fit takes only the extract and --output FILE (and --quiet)");
    if (rc != EXIT_OK || o.help)
        return cli_finish(&o, rc != EXIT_OK ? rc : cli_help("fit"));
    struct flow_extract x;
    if (!cli_extract_read(o.scenario, &x))
        return cli_finish(&o, EXIT_SCENARIO);
    char why[512];
    if (flow_extract_names_clash(&x, why, sizeof why)) {
        fprintf(stderr, "%s:1:1: error: %s\n", o.scenario, why);
        flow_extract_fini(&x);
        return cli_finish(&o, EXIT_SCENARIO);
    }
    struct flow_fitted f;
    if (flow_fitted_make(&x, &f) != 0) {
        flow_extract_fini(&x);
        fprintf(stderr, "flowsim: error: out of memory fitting %s\n", o.scenario);
        return cli_finish(&o, EXIT_RUNTIME);
    }
    if (f.ngroups == 0) {
        fprintf(stderr, "%s:1:1: error: no patient's spell in the extract has ended, so no stay can be fitted\n",
                o.scenario);
        flow_fitted_fini(&f, &x);
        flow_extract_fini(&x);
        return cli_finish(&o, EXIT_SCENARIO);
    }
    for (uint32_t g = 0; g < x.ngroups; g++)
        if (f.routes[g].ended == 0 && !o.quiet)
            fprintf(stderr, "flowsim: warning: group '%s' is left out: none of its %zu spells has ended\n", x.groups[g],
                    f.routes[g].spells);
    char *stem = stem_of(o.scenario), *title = flow_xasprintf("Fitted from %s", stem);
    char *csv_stem = o.output ? stem_of(o.output) : NULL;
    struct fit_out fo = {&x, &f, {o.scenario, title, csv_stem}, 0};
    if (o.output) {
        rc = cli_write_file(o.output, fit_yaml, &fo);
        if (rc == EXIT_OK)
            rc = fit_csvs(o.output, &fo);
    } else if (fit_yaml(stdout, &fo) != 0 || fflush(stdout) != 0) {
        fprintf(stderr, "flowsim: error: cannot write the scenario to standard output\n");
        rc = EXIT_RUNTIME;
    }
    rc = cli_outputs_end(rc);
    if (rc == EXIT_OK && !o.quiet) {
        size_t steps = 0;
        for (size_t g = 0; g < f.ngroups; g++)
            steps += f.groups[g].nsteps;
        fprintf(stderr, "flowsim: fitted %zu stays of %zu patients (%zu spells): %zu group%s, %zu route step%s, "
                "%zu ward%s%s%s\n", x.nepisodes, x.npatients, f.spells.nspells, f.ngroups, f.ngroups == 1 ? "" : "s",
                steps, steps == 1 ? "" : "s", x.nwards, x.nwards == 1 ? "" : "s", o.output ? "; wrote " : "",
                o.output ? o.output : "");
        if (fo.poor)
            fprintf(stderr, "flowsim: warning: no family fits %zu step%s well: see the comments%s\n", fo.poor,
                    fo.poor == 1 ? "" : "s", o.output ? " (their stays are written beside the scenario)" : "");
    }
    free(stem), free(title), free(csv_stem);
    flow_fitted_fini(&f, &x);
    flow_extract_fini(&x);
    return cli_finish(&o, rc);
}
