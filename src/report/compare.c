/* compare.c - the text report of a paired comparison: base, what-if, the difference and its
 * 95% confidence interval for every metric, and a plain statement of significance. */
#include "internal.h"

#include <flowsim/error.h>

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

int flow_report_compare_text(FILE *f, const struct flow_comparison *c)
{
    const struct flow_scenario *b = c->base.scenario, *w = c->whatif.scenario;
    fprintf(f, "Base:    %s", b->name);
    if (c->base_from)
        fprintf(f, " (%s)", c->base_from);
    fprintf(f, "\nWhat-if: %s", w->name);
    if (c->whatif_from)
        fprintf(f, " (%s)", c->whatif_from);
    fputc('\n', f);
    fprintf(f, "flowsim %s: %zu paired replications, seed %llu, %g days measured after %g days "
               "of warm-up\n", FLOW_VERSION, c->base.nreps, (unsigned long long)b->seed,
            b->horizon_days, b->warmup_days);
    fprintf(f, "Difference = what-if - base, with its 95%% confidence interval from the paired\n"
               "replications. '*' marks a significant difference (the interval excludes 0;\n"
               "differences within 1e-12 of the values count as 0).\n");
    for (int side = 0; side < 2; side++) {
        char *only = flow_comparison_one_side(c, side == 1);
        if (only)
            flow_report_wrap(f, side ? "Only in the what-if, so not compared:" : "Only in the base, so not compared:",
                             " ", only);
        free(only);
    }
    for (int side = 0; side < 2; side++) {
        struct flow_warning *warn;
        size_t nw = flow_results_warnings(side ? &c->whatif : &c->base, &warn);
        if (nw > 0)
            fprintf(f, "\nWarnings (%s)\n", side ? "what-if" : "base");
        for (size_t k = 0; k < nw; k++)
            flow_report_wrap(f, "  !", "   ", warn[k].message);
        free(warn);
    }
    fprintf(f, "\n  %-44s %10s %10s %10s   %s\n", "", "base", "what-if", "difference", "95% CI");
    const struct flow_metric_def *prev = NULL;
    size_t significant = 0;
    for (size_t k = 0; k < c->n; k++) {
        const struct flow_metric_def *d = &c->base.defs[c->ib[k]];
        if (prev == NULL || strcmp(prev->section, d->section) != 0 || prev->entity != d->entity)
            heading(f, d);
        prev = d;
        struct flow_summary sb, sw, sd;
        flow_comparison_summary(c, k, &sb, &sw, &sd);
        char a[32], x[32], y[32], lo[32], hi[32];
        flow_report_number(a, sizeof a, sb.mean);
        flow_report_number(x, sizeof x, sw.mean);
        flow_report_number(y, sizeof y, sd.mean);
        flow_report_number(lo, sizeof lo, sd.ci_low);
        flow_report_number(hi, sizeof hi, sd.ci_high);
        bool sig = isfinite(sd.ci_low) && (sd.ci_low > 0 || sd.ci_high < 0);
        significant += sig;
        if (isfinite(sd.ci_low))
            fprintf(f, "  %-44s %10s %10s %10s   [%s, %s]%s\n", d->label, a, x, y, lo, hi, sig ? " *" : "");
        else
            fprintf(f, "  %-44s %10s %10s %10s\n", d->label, a, x, y);
    }
    fprintf(f, "\n%zu of %zu differences are significant at the 5%% level.\n", significant, c->n);
    return ferror(f) ? FLOW_E_IO : 0;
}
