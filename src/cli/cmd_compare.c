/* cmd_compare.c - the compare subcommand: a paired comparison with common random numbers. */
#include "cli.h"

#include <flowsim/calendar.h>
#include <flowsim/compare.h>
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

/* ---- what both sides must share ------------------------------------------------------------ */

/* The run settings both sides must share (flow_compare_run_setting's, holidays aside). */
static const char *const run_keys[] = {"horizon", "warmup", "replications", "seed", "start"};

/* Where a top-level key is written in a scenario file: its line (column 1), or line 1. */
static int key_line(const char *path, const char *key)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    if (f == NULL)
        return 1;
    char buf[4096];
    size_t n = strlen(key);
    int line = 0, found = 1;
    while (fgets(buf, sizeof buf, f)) {
        line++;
        if (strncmp(buf, key, n) == 0 && (buf[n] == ':' || buf[n] == ' ')) {
            found = line;
            break;
        }
    }
    fclose(f);
    return found;
}

static void date_text(const struct flow_scenario *s, char *out, size_t size)
{
    char date[16];
    if (s->has_start)
        flow_date_format(s->start_date, date);
    snprintf(out, size, "%s", s->has_start ? date : "none");
}

/* One line per run setting the sides disagree on; the number of them. */
static size_t settings_differ(const struct flow_scenario *b, const struct flow_scenario *w, const char *base_path,
                              const char *whatif_path)
{
    char bv[64], wv[64];
    size_t bad = 0;
    for (size_t k = 0; k < sizeof run_keys / sizeof *run_keys; k++) {
        const char *key = run_keys[k], *unit = "";
        switch (k) {
        case 0: snprintf(bv, sizeof bv, "%g", b->horizon_days), snprintf(wv, sizeof wv, "%g", w->horizon_days), unit = " days"; break;
        case 1: snprintf(bv, sizeof bv, "%g", b->warmup_days), snprintf(wv, sizeof wv, "%g", w->warmup_days), unit = " days"; break;
        case 2: snprintf(bv, sizeof bv, "%d", b->replications), snprintf(wv, sizeof wv, "%d", w->replications); break;
        case 3: snprintf(bv, sizeof bv, "%llu", (unsigned long long)b->seed), snprintf(wv, sizeof wv, "%llu", (unsigned long long)w->seed); break;
        default: date_text(b, bv, sizeof bv), date_text(w, wv, sizeof wv); break;
        }
        if (strcmp(bv, wv) == 0)
            continue;
        fprintf(stderr, "%s:%d:1: error: the what-if's %s (%s%s) is not the base's (%s%s, in %s): both sides of a "
                "comparison must share horizon, warmup, replications, seed and start; give it with --set to set "
                "both sides\n", whatif_path, key_line(whatif_path, key), key, wv, unit, bv, unit, base_path);
        bad++;
    }
    return bad;
}

static bool share_a_name(const struct flow_scenario *b, const struct flow_scenario *w)
{
    for (size_t i = 0; i < b->nwards; i++)
        for (size_t j = 0; j < w->nwards; j++)
            if (strcmp(b->wards[i].name, w->wards[j].name) == 0)
                return true;
    for (size_t i = 0; i < b->ngroups; i++)
        for (size_t j = 0; j < w->ngroups; j++)
            if (strcmp(b->groups[i].name, w->groups[j].name) == 0)
                return true;
    return false;
}

/* The command line's problems (none: EXIT_OK): a base, and a what-if to compare it with. */
static int compare_usage(const struct cli_opts *o)
{
    if (o->help)
        return EXIT_OK;
    if (o->scenario == NULL)
        return flow__cli_usage_error("compare", "compare needs BASE.yaml and WHATIF.yaml, or BASE.yaml --set ...");
    size_t nrun = 0;
    for (size_t k = 0; k < o->nsets; k++)
        nrun += flow_compare_run_setting(o->sets[k]);
    if (o->scenario2 == NULL && o->nsets == nrun)
        return flow__cli_usage_error("compare", "compare needs a what-if: a second scenario or --set overrides "
                                     "(--set of horizon, warmup, replications, seed, start or holidays sets both "
                                     "sides)");
    return EXIT_OK;
}

/* Loads both sides; false (diagnostics printed, nothing left loaded) unless they can be paired.
 * Run settings given on the command line are both sides'; the rest only the what-if's. The
 * what-if is loaded first, so that a bad --set is reported once, at its own number. */
static bool load_sides(const struct cli_opts *o, struct flow_scenario **base, struct flow_scenario **whatif)
{
    *base = NULL;
    *whatif = flow__cli_load_path(o->scenario2 ? o->scenario2 : o->scenario, o->sets, o->nsets);
    if (*whatif == NULL)
        return false;
    const char **base_sets = flow__cli_sets_with(o, 0);
    size_t nbase = 0;
    for (size_t k = 0; k < o->nsets; k++)
        if (flow_compare_run_setting(o->sets[k]))
            base_sets[nbase++] = o->sets[k];
    *base = flow__cli_load_path(o->scenario, base_sets, nbase);
    free(base_sets);
    const char *base_path = o->scenario ? o->scenario : "the built-in example";
    const char *whatif_path = o->scenario2 ? o->scenario2 : base_path;
    bool ok = *base != NULL && settings_differ(*base, *whatif, base_path, whatif_path) == 0;
    if (ok && !o->unrelated && !share_a_name(*base, *whatif)) {
        fprintf(stderr, "%s:1:1: error: the what-if shares no ward and no group with the base (%s), so its results "
                "cannot be paired with the base's; compare them anyway, ungraded, with --unrelated\n", whatif_path,
                base_path);
        ok = false;
    }
    if (!ok) {
        flow_scenario_destroy(*whatif);
        flow_scenario_destroy(*base);
    }
    return ok;
}

/* Where the what-if came from, for the report: its file and the --set overrides that are its
 * own (run settings such as --seed are both sides'). */
static char *whatif_from(const struct cli_opts *o, const char *base_from)
{
    char *from = flow_xstrdup(o->scenario2 ? o->scenario2 : base_from);
    for (size_t k = 0; k < o->nsets; k++) {
        if (flow_compare_run_setting(o->sets[k]))
            continue;
        char *t = flow_xasprintf("%s --set '%s'", from, o->sets[k]);
        free(from);
        from = t;
    }
    return from;
}

/* Prints both sides' warnings; returns how many there were. */
static size_t side_warnings(const struct flow_comparison *c)
{
    size_t warnings = 0;
    for (int side = 0; side < 2; side++) {
        struct flow_warning *w;
        size_t nw = flow_results_warnings(side ? &c->whatif : &c->base, &w);
        for (size_t k = 0; k < nw && flow_mpi_rank() == 0; k++)
            fprintf(stderr, "flowsim: warning: %s: %s\n", side ? "what-if" : "base", w[k].message);
        warnings += nw;
        free(w);
    }
    return warnings;
}

/* The outputs of a finished comparison: files first (staged), the report on standard output
 * last; EXIT_WARNING under --strict when there was a warning (the report is shown, no file kept). */
static int compare_outputs(struct cli_opts *o, int argc, char **argv, struct flow_comparison *c,
                           const struct flow_scenario *base, const struct flow_scenario *whatif)
{
    size_t warnings = flow__cli_load_warnings() + side_warnings(c);
    o->provenance = flow__cli_provenance("compare", argc, argv, o->scenario, base,
                                         o->scenario2 ? o->scenario2 : o->scenario, whatif);
    struct html_cmp h = {c, o->provenance};
    static const char *const names[] = {"comparison.csv", "paired.csv"};
    static const flow_write_fn fns[] = {flow_csv_comparison, flow_csv_paired};
    int rc = flow__cli_write_report(o, compare_html, &h);
    if (rc == EXIT_OK && o->csv)
        rc = flow__cli_write_dir(o->csv, names, fns, 2, c);
    if (rc == EXIT_OK)
        rc = flow__cli_emit(o, compare_json, compare_text, &h);
    if (rc == EXIT_OK && o->strict && warnings > 0)
        rc = EXIT_WARNING;
    return rc;
}

static int compare_sides(struct cli_opts *o, int argc, char **argv, struct flow_scenario *base,
                         struct flow_scenario *whatif)
{
    struct flow_comparison c;
    struct progress p;
    flow__progress_init(&p, o, "replications");
    struct flow_run_options ro = {.threads = o->threads, .progress = flow__progress_update, .progress_arg = &p};
    int err = flow_compare_run(base, whatif, &ro, &c);
    c.ungraded = o->unrelated && !share_a_name(base, whatif);
    char *base_from = flow_xstrdup(o->scenario ? o->scenario : "the built-in example");
    char *from = whatif_from(o, base_from);
    c.base_from = base_from, c.whatif_from = from;
    flow__progress_end(&p);
    int rc = err != 0 ? flow__cli_run_error(err, NULL) : compare_outputs(o, argc, argv, &c, base, whatif);
    flow_comparison_fini(&c);
    free(base_from);
    free(from);
    return rc;
}

int flow__cmd_compare(int argc, char **argv)
{
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "compare", &o);
    if (rc == EXIT_OK)
        rc = compare_usage(&o);
    if (rc != EXIT_OK || o.help)
        return flow__cli_finish(&o, rc != EXIT_OK ? rc : flow__cli_help("compare"));
    struct flow_scenario *base, *whatif;
    if (!load_sides(&o, &base, &whatif))
        return flow__cli_finish(&o, EXIT_SCENARIO);
    rc = compare_sides(&o, argc, argv, base, whatif);
    flow_scenario_destroy(whatif);
    flow_scenario_destroy(base);
    return flow__cli_finish(&o, rc);
}
