/* cmd_fit.c - the fit subcommand: a scenario from a hospital's episode extract (and, with --output,
 * the CSV files of stays no family fits well, beside it). */
#include "cli.h"

#include <flowsim/calendar.h>
#include <flowsim/extract.h>
#include <flowsim/limits.h>
#include <flowsim/scenario.h>
#include <flowsim/util.h>

#include <math.h>
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

/* The extract's times fit a scenario: it starts no earlier than 1900-01-01 even with the
 * warm-up before it, and its period and warm-up are at most FLOW_MAX_HORIZON_DAYS. False with
 * a located error (at the earliest or the latest time) otherwise. */
static double episode_end(const struct flow_episode *e)
{
    return (e->flags & FLOW_EP_OPEN) ? e->start : e->end + ((e->flags & FLOW_EP_END_DAY) ? 1 : 0);
}

static bool fit_times_fit(const char *path, const struct flow_extract *x, double warmup)
{
    size_t first = 0, last = 0;
    for (size_t i = 0; i < x->nepisodes; i++) {
        const struct flow_episode *e = &x->episodes[i], *f = &x->episodes[first];
        if (e->start < f->start || (e->start == f->start && e->line < f->line))
            first = i;
        if (episode_end(e) > episode_end(&x->episodes[last]))
            last = i;
    }
    int64_t day0 = (int64_t)floor(x->first), earliest = flow_date_days(1900, 1, 1);
    double days = ceil(x->last - (double)day0);
    char date[16];
    if ((double)day0 - warmup < (double)earliest) {
        flow_date_format(earliest + (int64_t)warmup, date);
        fprintf(stderr, "%s:%u:1: error: this stay starts before %s: a scenario starts no earlier than "
                "1900-01-01, and fit starts it %.0f days (the warm-up) before the extract's first day\n", path,
                x->episodes[first].line, date, warmup);
        return false;
    }
    if (days + warmup > FLOW_MAX_HORIZON_DAYS) {
        fprintf(stderr, "%s:%u:1: error: the extract spans %.0f days (line %u to this line): a scenario holds at "
                "most %.0f days, warm-up (%.0f days) included; fit a shorter period\n", path,
                x->episodes[last].line, days, x->episodes[first].line, FLOW_MAX_HORIZON_DAYS, warmup);
        return false;
    }
    return true;
}

/* Spells no route can hold (more stays than FLOW_MAX_STEPS): the first's line, and how many. */
static size_t fit_too_long(const struct flow_fitted *f, const struct flow_extract *x, uint32_t *line)
{
    size_t n = 0;
    *line = 0;
    for (uint32_t g = 0; g < x->ngroups; g++)
        n += f->routes[g].too_long;
    for (size_t i = 0; i < f->spells.nspells && n > 0 && *line == 0; i++)
        if (!f->spells.spells[i].open && f->spells.spells[i].n > FLOW_MAX_STEPS)
            *line = f->spells.stays[f->spells.spells[i].first].line;
    return n;
}

/* The scenario fit writes, in memory, loaded back as flowsim would load it: fit writes only
 * what loads. NULL (said) if it does not. */
static char *fit_text(struct fit_out *fo, size_t *len)
{
    char *text = NULL;
    FILE *m = open_memstream(&text, len);
    if (m == NULL || fit_yaml(m, fo) != 0 || fclose(m) != 0) {
        fprintf(stderr, "flowsim: error: out of memory writing the fitted scenario\n");
        free(text);
        return NULL;
    }
    struct flow_diag d;
    flow_diag_init(&d);
    struct flow_scenario *sc = flow_scenario_load_text("fitted.yaml", text, *len, NULL, NULL, 0, &d);
    if (sc == NULL) {
        fprintf(stderr, "flowsim: error: the fitted scenario would not load, so it is not written (a flaw in fit: "
                "please report it with the extract): %s\n", d.count ? d.lines[0] : "no reason given");
        free(text);
        text = NULL;
    }
    flow_scenario_destroy(sc);
    flow_diag_fini(&d);
    return text;
}

static int write_text(FILE *f, const void *arg)
{
    return fputs(arg, f) < 0 ? -1 : 0;
}

/* Reads an extract, printing its diagnostics; false on any error. */
bool flow__cli_extract_read(const char *path, struct flow_extract *x)
{
    struct flow_diag d;
    flow_diag_init(&d);
    size_t errors = flow_extract_read(path, x, &d);
    flow__cli_print_diag(&d);
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
            rc = flow__cli_write_file(path, flow_fitted_csv, &grp->steps[j]);
            free(path);
        }
    }
    free(dir);
    return rc;
}

/* Whether the fitted model can be written: some group fitted, and times the scenario can hold
 * (error printed otherwise); warns of what was left out. */
static bool fit_usable(const struct cli_opts *o, const struct flow_extract *x, const struct flow_fitted *f)
{
    uint32_t long_line;
    size_t too_long = fit_too_long(f, x, &long_line);
    if (f->ngroups == 0) {
        if (too_long > 0)
            fprintf(stderr, "%s:%u:1: error: every ended spell has more stays than a route has steps (%d), the first "
                    "starting here: no route can be fitted\n", o->scenario, long_line, FLOW_MAX_STEPS);
        else
            fprintf(stderr, "%s:1:1: error: no patient's spell in the extract has ended, so no stay can be fitted\n",
                    o->scenario);
        return false;
    }
    if (!fit_times_fit(o->scenario, x, flow_fitted_warmup_days(&f->spells)))
        return false;
    if (too_long > 0 && !o->quiet)
        fprintf(stderr, "flowsim: warning: %zu spell%s of more than %d stays %s left out of the routes (a route has "
                "at most %d steps), the first starting at line %u\n", too_long, too_long == 1 ? "" : "s",
                FLOW_MAX_STEPS, too_long == 1 ? "is" : "are", FLOW_MAX_STEPS, long_line);
    for (uint32_t g = 0; g < x->ngroups; g++)
        if (f->routes[g].ended == 0 && !o->quiet)
            fprintf(stderr, "flowsim: warning: group '%s' is left out: none of its %zu spells has ended\n",
                    x->groups[g], f->routes[g].spells);
    return true;
}

/* The scenario to --output (and the empirical alternatives beside it) or standard output. */
static int fit_write(const struct cli_opts *o, struct fit_out *fo)
{
    size_t len = 0;
    char *text = fit_text(fo, &len);
    int rc = EXIT_OK;
    if (text == NULL) {
        rc = EXIT_RUNTIME;
    } else if (o->output) {
        rc = flow__cli_write_file(o->output, write_text, text);
        if (rc == EXIT_OK)
            rc = fit_csvs(o->output, fo);
    } else if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
        fprintf(stderr, "flowsim: error: cannot write the scenario to standard output\n");
        rc = EXIT_RUNTIME;
    }
    free(text);
    return flow__cli_outputs_end(rc);
}

/* The closing summary: what was fitted, and the steps no family fits well. */
static void fit_summary(const struct cli_opts *o, const struct fit_out *fo)
{
    const struct flow_extract *x = fo->x;
    const struct flow_fitted *f = fo->f;
    size_t steps = 0;
    for (size_t g = 0; g < f->ngroups; g++)
        steps += f->groups[g].nsteps;
    fprintf(stderr, "flowsim: fitted %zu stays of %zu patients (%zu spells): %zu group%s, %zu route step%s, "
            "%zu ward%s%s%s\n", x->nepisodes, x->npatients, f->spells.nspells, f->ngroups, f->ngroups == 1 ? "" : "s",
            steps, steps == 1 ? "" : "s", x->nwards, x->nwards == 1 ? "" : "s", o->output ? "; wrote " : "",
            o->output ? o->output : "");
    if (fo->poor)
        fprintf(stderr, "flowsim: warning: no family fits %zu step%s well: see the comments%s\n", fo->poor,
                fo->poor == 1 ? "" : "s", o->output ? " (their stays are written beside the scenario)" : "");
}

static int fit_extract(const struct cli_opts *o, struct flow_extract *x)
{
    char why[512];
    if (flow_extract_names_clash(x, why, sizeof why)) {
        fprintf(stderr, "%s:1:1: error: %s\n", o->scenario, why);
        return EXIT_SCENARIO;
    }
    struct flow_fitted f;
    if (flow_fitted_make(x, &f) != 0) {
        fprintf(stderr, "flowsim: error: out of memory fitting %s\n", o->scenario);
        return EXIT_RUNTIME;
    }
    int rc = EXIT_SCENARIO;
    if (fit_usable(o, x, &f)) {
        char *stem = stem_of(o->scenario), *title = flow_xasprintf("Fitted from %s", stem);
        char *csv_stem = o->output ? stem_of(o->output) : NULL;
        struct fit_out fo = {x, &f, {o->scenario, title, csv_stem}, 0};
        rc = fit_write(o, &fo);
        if (rc == EXIT_OK && !o->quiet)
            fit_summary(o, &fo);
        free(stem), free(title), free(csv_stem);
    }
    flow_fitted_fini(&f, x);
    return rc;
}

int flow__cmd_fit(int argc, char **argv)
{
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "fit", &o);
    if (rc == EXIT_OK && !o.help && o.scenario == NULL)
        rc = flow__cli_usage_error("fit", "fit needs an extract (a CSV file of ward stays)");
    if (rc != EXIT_OK || o.help)
        return flow__cli_finish(&o, rc != EXIT_OK ? rc : flow__cli_help("fit"));
    struct flow_extract x;
    if (!flow__cli_extract_read(o.scenario, &x))
        return flow__cli_finish(&o, EXIT_SCENARIO);
    rc = fit_extract(&o, &x);
    flow_extract_fini(&x);
    return flow__cli_finish(&o, rc);
}
