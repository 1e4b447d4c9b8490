/* write_compare.c - the text report of a paired comparison: base, what-if, the difference and its
 * 95% confidence interval for every metric, and a plain statement of significance. */
#include "internal.h"

#include <flowsim/calendar.h>
#include <flowsim/compare.h>
#include <flowsim/error.h>
#include <flowsim/util.h>

#include <flow_config.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void heading(FILE *f, const struct flow_metric_def *d)
{
    if (d->entity)
        fprintf(f, "\n%s %s\n", d->section, d->entity);
    else
        fprintf(f, "\n%s\n", d->section);
}

/* "ward Frailty: " and the like, for a sentence about one metric. */
static void place_of(char *buf, size_t len, const struct flow_metric_def *d)
{
    static const char *const sections[][2] = {{"system", "whole hospital"}, {"wards", "ward"},
        {"groups", "group"}, {"theatres", "theatre"}, {"community", "community service"},
        {"pathways", "pathway"}, {"discharge", "discharge"}};
    const char *name = d->section;
    for (size_t k = 0; k < sizeof sections / sizeof *sections; k++)
        if (strcmp(d->section, sections[k][0]) == 0)
            name = sections[k][1];
    snprintf(buf, len, "%s%s%s: ", name, d->entity ? " " : "", d->entity ? d->entity : "");
}

/* x as a number: fractions as percentages (or percentage points). */
static void amount(char *buf, size_t len, double x, const struct flow_metric_def *d)
{
    flow__report_number(buf, len, strcmp(d->unit, "fraction") == 0 ? 100 * x : x);
}

/* After the second value: "%" for a fraction, else the unit unless the label names it. */
static const char *unit_after(const struct flow_metric_def *d)
{
    if (strcmp(d->unit, "fraction") == 0)
        return "%";
    return strstr(d->label, d->unit) != NULL || strcmp(d->unit, "ratio") == 0 || strcmp(d->unit, "money") == 0 ? "" : d->unit;
}

/* How much a change belongs in a headline. The measures flow coaches ask about first, in this
 * order (stays, beds, delays, waits, targets, cancellations, costs...), then any other that is
 * better or worse, then volumes; a change under 5% of the value comes after every larger one.
 * Within one measure (several wards' waits) the larger relative change leads. rel is the
 * change as a share of the larger side (0 to 1). */
static double headline_score(const struct flow_metric_def *d, double rel)
{
    static const char *const lead[] = {"los_days", "mean_occupied_beds", "delayed_bed_days_per_day",
        "p_same_or_next_day", "p_wait", "mean_wait_hours", "within_", "wait_weeks", "p_within_18_weeks",
        "cancelled_no_bed_per_week", "cost_per_patient", "blocked_bed_days_per_day", "lost_fraction",
        "reneged_fraction", "queue_in_hospital", "fit_to_leave_days"};
    size_t nlead = sizeof lead / sizeof *lead;
    double tier = d->better != 0 ? 1 : 0;
    for (size_t k = 0; k < nlead; k++)
        if (strcmp(d->key, lead[k]) == 0 || (k == 6 && strncmp(d->key, "within_", 7) == 0)) {
            tier = 2 + (double)(nlead - k);
            break;
        }
    return (rel >= 0.05 ? 100 : 0) + tier + 0.99 * fmin(rel, 1);
}

struct ranked {
    size_t k;
    double score;
};

static int by_score(const void *a, const void *b)
{
    double x = ((const struct ranked *)a)->score, y = ((const struct ranked *)b)->score;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Drops a change that repeats one ranked before it: the same measure with the same values
 * (a group that is the whole hospital). Returns the count kept. */
static size_t drop_repeats(const struct flow_comparison *c, struct ranked *r, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        const struct flow_metric_def *d = &c->base.defs[c->ib[r[i].k]];
        bool repeat = false;
        for (size_t j = 0; j < kept && !repeat; j++) {
            const struct flow_metric_def *e = &c->base.defs[c->ib[r[j].k]];
            struct flow_summary b1, w1, d1, b2, w2, d2;
            flow_comparison_summary(c, r[i].k, &b1, &w1, &d1);
            flow_comparison_summary(c, r[j].k, &b2, &w2, &d2);
            repeat = strcmp(d->key, e->key) == 0 && b1.mean == b2.mean && w1.mean == w2.mean;
        }
        if (!repeat)
            r[kept++] = r[i];
    }
    return kept;
}

size_t flow__report_compare_headline(const struct flow_comparison *c, size_t max, char ***out)
{
    struct ranked *r = flow_xcalloc(c->n + 1, sizeof *r);
    size_t n = 0;
    for (size_t k = 0; k < c->n; k++) {
        struct flow_summary sb, sw, sd;
        flow_comparison_summary(c, k, &sb, &sw, &sd);
        if (!flow_summary_excludes_zero(&sd))
            continue;
        const struct flow_metric_def *d = &c->base.defs[c->ib[k]];
        double rel = fabs(sd.mean) / fmax(fmax(fabs(sb.mean), fabs(sw.mean)), 1e-300);
        r[n++] = (struct ranked){k, headline_score(d, rel)};
    }
    qsort(r, n, sizeof *r, by_score);
    n = drop_repeats(c, r, n);
    size_t lines = n < max ? n : max;
    char **text = flow_xcalloc(lines + 1, sizeof *text);
    for (size_t i = 0; i < lines; i++) {
        struct flow_summary sb, sw, sd;
        flow_comparison_summary(c, r[i].k, &sb, &sw, &sd);
        const struct flow_metric_def *d = &c->base.defs[c->ib[r[i].k]];
        char where[FLOW_MAX_NAME + 40], a[32], b[32], diff[32], lo[32], hi[32];
        place_of(where, sizeof where, d);
        amount(a, sizeof a, sb.mean, d);
        amount(b, sizeof b, sw.mean, d);
        amount(diff, sizeof diff, sd.mean, d);
        amount(lo, sizeof lo, sd.ci_low, d);
        amount(hi, sizeof hi, sd.ci_high, d);
        bool up = sd.mean > 0, fraction = strcmp(d->unit, "fraction") == 0;
        const char *unit = unit_after(d), *verdict = d->better == 0 || c->ungraded ? "" : (d->better > 0) == up ? ": better" : ": worse";
        text[i] = flow_xasprintf("%s%s %s from %s%s to %s%s%s (%s%s%s, 95%% CI %s to %s)%s.", where, d->label,
                                 up ? "rises" : "falls", a, fraction ? "%" : "", b, *unit && !fraction ? " " : "", unit,
                                 up ? "+" : "", diff, fraction ? " points" : "", lo, hi, verdict);
    }
    if (n == 0) {
        text[0] = flow_xasprintf("No difference is significant at the 5%% level with %zu paired replications: "
                                 "the what-if cannot be told from the base (more replications narrow the "
                                 "intervals).", c->base.nreps);
        lines = 1;
    } else if (n > lines) {
        text = flow_xrealloc(text, (lines + 2) * sizeof *text);
        text[lines++] = flow_xasprintf("%zu more significant difference%s below.", n - max, n - max == 1 ? "" : "s");
    }
    free(r);
    *out = text;
    return lines;
}

/* Who was compared with whom, over what run, and how to read the table. */
static void compare_header(FILE *f, const struct flow_comparison *c)
{
    const struct flow_scenario *b = c->base.scenario, *w = c->whatif.scenario;
    fprintf(f, "Base:    %s", b->name);
    if (c->base_from)
        fprintf(f, " (%s)", c->base_from);
    fprintf(f, "\nWhat-if: %s", w->name);
    if (c->whatif_from)
        fprintf(f, " (%s)", c->whatif_from);
    fputc('\n', f);
    char from[40] = "";
    if (b->has_start) {
        char date[16];
        flow_date_format(b->start_date, date);
        snprintf(from, sizeof from, ", from %s", date);
    }
    fprintf(f, "flowsim %s: both sides %zu paired replications, seed %llu, %g days measured after %g "
               "days of warm-up%s\n", FLOW_VERSION, c->base.nreps, (unsigned long long)b->seed,
            b->horizon_days, b->warmup_days, from);
    if (c->ungraded)
        fputs("The sides share no ward and no group (--unrelated): differences are shown, not graded.\n", f);
    fprintf(f, "Difference = what-if - base, with its 95%% confidence interval from the paired\n"
               "replications. '*' marks a significant difference (the interval excludes 0;\n"
               "differences within 1e-12 of the values count as 0).\n");
}

/* What only one side has, the headline in sentences, and each side's warnings. */
static void compare_notes(FILE *f, const struct flow_comparison *c)
{
    for (int side = 0; side < 2; side++) {
        char *only = flow_comparison_one_side(c, side == 1);
        if (only)
            flow__report_wrap(f, side ? "Only in the what-if, so not compared:" : "Only in the base, so not compared:",
                              " ", only);
        free(only);
    }
    char **head;
    size_t nh = flow__report_compare_headline(c, 5, &head);
    fputs("\nHeadline\n", f);
    for (size_t k = 0; k < nh; k++) {
        flow__report_wrap(f, "  -", "   ", head[k]);
        free(head[k]);
    }
    free(head);
    for (int side = 0; side < 2; side++) {
        struct flow_warning *warn;
        size_t nw = flow_results_warnings(side ? &c->whatif : &c->base, &warn);
        if (nw > 0)
            fprintf(f, "\nWarnings (%s)\n", side ? "what-if" : "base");
        for (size_t k = 0; k < nw; k++)
            flow__report_wrap(f, "  !", "   ", warn[k].message);
        free(warn);
    }
}

/* One metric's row: base, what-if, difference and its interval; true when significant. */
static bool compare_row(FILE *f, const struct flow_comparison *c, size_t k, const struct flow_metric_def *d)
{
    struct flow_summary sb, sw, sd;
    flow_comparison_summary(c, k, &sb, &sw, &sd);
    char a[32], x[32], y[32], lo[32], hi[32];
    flow__report_number(a, sizeof a, sb.mean);
    flow__report_number(x, sizeof x, sw.mean);
    flow__report_number(y, sizeof y, sd.mean);
    flow__report_number(lo, sizeof lo, sd.ci_low);
    flow__report_number(hi, sizeof hi, sd.ci_high);
    bool sig = flow_summary_excludes_zero(&sd);
    if (isfinite(sd.ci_low))
        fprintf(f, "  %-44s %10s %10s %10s   [%s, %s]%s\n", d->label, a, x, y, lo, hi, sig ? " *" : "");
    else
        fprintf(f, "  %-44s %10s %10s %10s\n", d->label, a, x, y);
    return sig;
}

int flow_report_compare_text(FILE *f, const struct flow_comparison *c)
{
    compare_header(f, c);
    compare_notes(f, c);
    fprintf(f, "\n  %-44s %10s %10s %10s   %s\n", "", "base", "what-if", "difference", "95% CI");
    const struct flow_metric_def *prev = NULL;
    size_t significant = 0;
    for (size_t k = 0; k < c->n; k++) {
        const struct flow_metric_def *d = &c->base.defs[c->ib[k]];
        if (prev == NULL || strcmp(prev->section, d->section) != 0 || prev->entity != d->entity)
            heading(f, d);
        prev = d;
        significant += compare_row(f, c, k, d);
    }
    fprintf(f, "\n%zu of %zu differences are significant at the 5%% level.\n", significant, c->n);
    return ferror(f) ? FLOW_E_IO : 0;
}
