/* fitwrite.c - writes what `flowsim fit` made of an extract as a scenario file, with comments
 * that say where each number came from: the counts behind every rate and weight, each family's
 * AIC and goodness of fit, the routes kept and lumped, and the peaks behind the beds. Stays whose
 * best family fits poorly are also written to a CSV beside the scenario, as an empirical
 * alternative. */
#include <flowsim/calendar.h>
#include <flowsim/extract.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A double-quoted YAML scalar. */
static void quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void name(FILE *out, const char *extract_name)
{
    char n[FLOW_MAX_NAME + 1];
    flow_extract_scenario_name(extract_name, n, sizeof n);
    quoted(out, n);
}

/* A duration in days as the scenario format writes it: minutes below a hundredth of a day. */
static void duration(FILE *out, double days)
{
    if (days <= 0)
        fputs("0m", out);
    else if (days < 0.01)
        fprintf(out, "%.4gm", fmax(days * 1440, 0.01));
    else
        fprintf(out, "%.6gd", days);
}

static void weights(FILE *out, const double *w, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%.3f", i ? ", " : "", w[i]);
    fputc(']', out);
}

static void counts(FILE *out, const char *indent, const char *what, const double *c, size_t n)
{
    fprintf(out, "%s# %s:", indent, what);
    for (size_t i = 0; i < n; i++)
        fprintf(out, " %.0f", c[i]);
    fputc('\n', out);
}

static void distribution(FILE *out, const struct flow_fit *f)
{
    fprintf(out, "{dist: %s, ", flow_fit_family_name(f->family));
    switch (f->family) {
    case FLOW_FIT_EXPONENTIAL:
        fputs("mean: ", out), duration(out, f->a);
        break;
    case FLOW_FIT_WEIBULL:
        fprintf(out, "shape: %.4g, scale: ", f->a), duration(out, f->b);
        break;
    default:
        fputs("mean: ", out), duration(out, f->a), fputs(", sd: ", out), duration(out, f->b);
    }
    fputc('}', out);
}

void flow_fitted_csv_name(const char *stem, const struct flow_fitted_group *g, size_t step, char *out, size_t size)
{
    snprintf(out, size, "%s-%s-%zu.csv", stem, g->name, step + 1);
    for (char *c = out; *c; c++)
        if (*c == '/' || *c == ' ' || *c == '"' || *c == '\\' || *c == ':' || *c == '#')
            *c = '_';
}

int flow_fitted_csv(FILE *f, const void *arg)
{
    const struct flow_fitted_step *st = arg;
    fputs("stay_days\n", f);
    for (size_t i = 0; i < st->nvalues; i++)
        fprintf(f, "%.6g\n", st->values[i]);
    return ferror(f) ? -1 : 0;
}

static int step_write(FILE *out, const struct flow_extract *x, const struct flow_fitted_group *g, size_t j,
                      const struct flow_fit_write_options *o, size_t *poor)
{
    const struct flow_fitted_step *st = &g->steps[j];
    const struct flow_fit *best = &st->fits[st->best];
    fputs("      - ward: ", out);
    name(out, x->wards[st->ward]);
    fputc('\n', out);
    if (st->p < 1 - 1e-12)
        fprintf(out, "        p: %.4f\n", st->p);
    if (!st->fitted) {
        fputs("        # too few ended stays to fit a family: their mean, as an exponential\n", out);
        double sum = 0;
        for (size_t i = 0; i < st->nvalues; i++)
            sum += st->values[i];
        fputs("        stay: {dist: exponential, mean: ", out);
        duration(out, st->nvalues ? sum / (double)st->nvalues : 1);
        fputs("}\n", out);
        return 0;
    }
    fprintf(out, "        # %zu stays (%zu ended, %zu still open, %zu known to the day", st->stays, best->observed,
            best->censored, best->intervals);
    if (st->to_ready)
        fprintf(out, "; %zu of them to the ready time, the delay after it is the group's discharge delay", st->to_ready);
    fputs("); AIC (less is better), KS distance from the Kaplan-Meier estimate:\n", out);
    for (int f = 0; f < FLOW_FIT_FAMILIES; f++)
        if (isfinite(st->fits[f].aic))
            fprintf(out, "        #   %-11s AIC %.1f  KS %.3f%s\n", flow_fit_family_name((enum flow_fit_family)f),
                    st->fits[f].aic, st->fits[f].ks, f == (int)st->best ? "  <- chosen" : "");
    if (st->poor) {
        (*poor)++;
        fprintf(out, "        # warning: no family fits well (KS %.3f, beyond the 5%% critical value %.3f)\n",
                best->ks, 1.36 / sqrt((double)(best->observed + best->intervals)));
        if (o->csv_stem != NULL) {
            char file[FLOW_MAX_NAME * 3 + 64];
            flow_fitted_csv_name(o->csv_stem, g, j, file, sizeof file);
            fprintf(out, "        # the ended stays are in %s; to use them instead:\n", file);
            fprintf(out, "        #   stay: {dist: empirical, file: %s, unit: d}\n", file);
        } else {
            fputs("        # (with --output, fit also writes the ended stays to a CSV file to use as an empirical)\n",
                  out);
        }
    }
    fputs("        stay: ", out);
    distribution(out, best);
    fputc('\n', out);
    return 0;
}

/* A group's delays from ready to leaving, as an empirical distribution binned to the hour (or
 * to the quarter day when any is a week or more). */
static void delays_write(FILE *out, const struct flow_fitted_group *g)
{
    double longest = 0, sum = 0;
    for (size_t i = 0; i < g->ndelays; i++)
        longest = fmax(longest, g->delays[i]), sum += g->delays[i];
    double bin = longest >= 7 ? 0.25 : 1.0 / 24;
    size_t nbins = (size_t)floor(longest / bin + 0.5) + 1;
    size_t *n = calloc(nbins, sizeof *n);
    if (n == NULL)
        return;
    for (size_t i = 0; i < g->ndelays; i++)
        n[(size_t)floor(g->delays[i] / bin + 0.5)]++;
    fprintf(out, "    # %zu patients' delays from ready (medically fit) to leaving: mean %.3g days; binned to %s\n",
            g->ndelays, sum / (double)g->ndelays, bin < 0.1 ? "the hour" : "the quarter day");
    fputs("    discharge:\n      pathways:\n        - pathway: 0\n          share: 1\n", out);
    fputs("          delay: {dist: empirical, values: [", out);
    bool first = true;
    for (size_t b = 0; b < nbins; b++)
        if (n[b]) {
            fputs(first ? "" : ", ", out), duration(out, (double)b * bin);
            first = false;
        }
    fputs("], weights: [", out);
    first = true;
    for (size_t b = 0; b < nbins; b++)
        if (n[b])
            fprintf(out, "%s%zu", first ? "" : ", ", n[b]), first = false;
    fputs("]}\n", out);
    free(n);
}

static void routes_comment(FILE *out, const struct flow_extract *x, const struct flow_group_routes *r)
{
    fprintf(out, "    # routes of %zu ended spells (%zu still in hospital at the end are left out):\n", r->ended,
            r->spells - r->ended);
    for (size_t k = 0; k < r->nroutes; k++) {
        if (k == r->kept)
            fputs("    # lumped with the routes above (too rare to model apart):\n", out);
        if (k >= r->kept + 10) {
            fprintf(out, "    #   ... and %zu more sequences\n", r->nroutes - k);
            break;
        }
        fprintf(out, "    #   %6zu  %5.1f%%  ", r->routes[k].count, 100.0 * (double)r->routes[k].count / (double)r->ended);
        for (size_t j = 0; j < r->routes[k].n; j++)
            fprintf(out, "%s%s", j ? " > " : "", x->wards[r->routes[k].stays[j].ward]);
        fputc('\n', out);
    }
    if (r->independent)
        fprintf(out, "    # steps taken independently reproduce these shares (total variation distance %.3f, "
                "chi-square p %.3g)\n", r->distance, r->p_value);
    else
        fprintf(out, "    # steps taken independently would not reproduce these shares (total variation distance "
                "%.3f, chi-square p %.3g):\n    # one group per route, each with its share of the arrivals\n",
                r->distance, r->p_value);
}

static void arrivals_write(FILE *out, const struct flow_extract *x, const struct flow_fitted_group *g,
                           const struct flow_arrival_profile *a, bool months)
{
    fprintf(out, "    arrivals:\n      # %zu spells began in %.1f days (%zu with a time of day)%s\n", a->arrivals,
            a->days, a->timed, g->route >= 0 ? "; this route's share of them" : "");
    if (g->route >= 0)
        fprintf(out, "      # %.4f of them\n", g->share);
    fprintf(out, "      rate: %.6g/d\n", a->rate_per_day * g->share);
    if (a->timed > 0) {
        counts(out, "      ", "arrivals by hour of day", a->hour_count, 24);
        fputs("      by_hour: ", out), weights(out, a->by_hour, 24), fputc('\n', out);
    }
    counts(out, "      ", "arrivals by weekday, Monday first", a->weekday_count, 7);
    fputs("      by_weekday: ", out), weights(out, a->by_weekday, 7), fputc('\n', out);
    if (months) {
        counts(out, "      ", "arrivals by month, January first", a->month_count, 12);
        fputs("      by_month: ", out), weights(out, a->by_month, 12), fputc('\n', out);
    }
    (void)x;
}

/* Warm-up: four times the mean spell (time for a model that starts empty to fill), whole days,
 * 7 to 180. */
double flow_fitted_warmup_days(const struct flow_spells *s)
{
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < s->nspells; i++)
        if (!s->spells[i].open) {
            const struct flow_spell *sp = &s->spells[i];
            sum += s->stays[sp->first + sp->n - 1].end - s->stays[sp->first].start;
            n++;
        }
    double mean = n ? sum / (double)n : 1;
    return fmin(180, fmax(7, ceil(4 * mean)));
}

int flow_fitted_write(const struct flow_extract *x, const struct flow_fitted *f,
                      const struct flow_fit_write_options *o, FILE *out, size_t *poor)
{
    *poor = 0;
    int64_t day0 = (int64_t)floor(x->first);
    double days = ceil(x->last - (double)day0), warmup = flow_fitted_warmup_days(&f->spells);
    bool months = days >= 365;
    char start[16], from[16], to[16];
    flow_date_format(day0 - (int64_t)warmup, start);
    flow_date_format(day0, from);
    flow_date_format((int64_t)ceil(x->last) - 1, to);
    fprintf(out, "# Fitted by `flowsim fit` from %s: %zu stays of %zu patients in %zu wards, %s to %s.\n",
            o->source, x->nepisodes, x->npatients, x->nwards, from, to);
    fputs("# Stays by maximum likelihood (open stays by their survival, dates alone by their day); read the\n"
          "# comments, then `flowsim check` this file against the extract.\n", out);
    fputs("name: ", out);
    quoted(out, o->title);
    fprintf(out, "\nstart: %s    # the extract's first day less the warm-up\n", start);
    fprintf(out, "warmup: %.0fd      # 4 x the mean spell: the model starts empty\n", warmup);
    fprintf(out, "horizon: %.0fd     # the extract's period\n", days);
    fputs("replications: 20\nseed: 1\n\nwards:\n", out);
    for (size_t w = 0; w < x->nwards; w++) {
        fputs("  - name: ", out);
        name(out, x->wards[w]);
        fprintf(out, "\n    beds: %zu    # the most patients present at once in the extract\n", f->peak[w] ? f->peak[w] : 1);
    }
    fputs("\ngroups:\n", out);
    for (size_t g = 0; g < x->ngroups; g++)
        if (f->routes[g].ended == 0)
            fprintf(out, "  # group %s is left out: none of its %zu spells has ended\n", x->groups[g],
                    f->routes[g].spells);
    for (size_t k = 0; k < f->ngroups; k++) {
        const struct flow_fitted_group *g = &f->groups[k];
        const struct flow_group_routes *r = &f->routes[g->group];
        fputs("  - name: ", out);
        quoted(out, g->name);
        fputc('\n', out);
        if (g->route <= 0)
            routes_comment(out, x, r);
        arrivals_write(out, x, g, &f->arrivals[g->group], months);
        if (g->ndelays > 0)
            delays_write(out, g);
        if (g->ready_ignored > 0)
            fprintf(out, "    # %zu ready times on stays the patient moved on from are not used (ready means ready to "
                    "leave hospital)\n", g->ready_ignored);
        if (g->unplaced > 0)
            fprintf(out, "    # %zu stays of spells on other routes are not in these fits\n", g->unplaced);
        fputs("    route:\n", out);
        for (size_t j = 0; j < g->nsteps; j++)
            if (step_write(out, x, g, j, o, poor) != 0)
                return -1;
    }
    return ferror(out) ? -1 : 0;
}
