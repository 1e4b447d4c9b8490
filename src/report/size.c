/* size.c - the text report of a capacity search: the answer, and every value tried with the
 * target metrics and whether each met them. */
#include <flowsim/error.h>
#include <flowsim/report.h>

#include <math.h>

int flow_report_size_text(FILE *f, const struct flow_size_result *r)
{
    fprintf(f, "Sizing %s against:", r->parameter);
    for (size_t t = 0; t < r->ntargets; t++)
        fprintf(f, "%s %s %s %g", t ? " and" : "", r->targets[t].metric,
                r->targets[t].at_most ? "<=" : ">=", r->targets[t].value);
    fprintf(f, "\nA value meets the targets when the whole 95%% confidence interval is on the "
               "good side.\n\n");
    fprintf(f, "  %10s  %-5s", "value", "meets");
    for (size_t t = 0; t < r->ntargets; t++)
        fprintf(f, "  %s (mean [95%% CI])", r->targets[t].metric);
    fputc('\n', f);
    for (size_t i = 0; i < r->nevals; i++) {
        const struct flow_size_eval *e = &r->evals[i];
        fprintf(f, "  %9ld%-1s  %-5s", e->value, r->unit, e->meets ? "yes" : "no");
        for (size_t t = 0; t < r->ntargets; t++) {
            struct flow_summary s;
            flow_results_summary(&e->results, (size_t)flow_results_find(&e->results, r->targets[t].metric), &s);
            fprintf(f, "  %.4g [%.4g, %.4g]", s.mean, s.ci_low, s.ci_high);
        }
        fputc('\n', f);
    }
    if (r->found)
        fprintf(f, "\nAnswer: %s = %ld%s (%zu values evaluated)\n", r->parameter, r->answer, r->unit,
                r->nevals);
    else if (r->stalled)
        fprintf(f, "\nStopped: from %ld%s to %ld%s, more %s brought no target closer\n(beyond the noise of "
                "the intervals), so the bottleneck is elsewhere; no value meets every\ntarget (%zu values "
                "evaluated).\n", r->stalled_from, r->unit, r->stalled_to, r->unit, r->parameter, r->nevals);
    else
        fprintf(f, "\nNo value in the range searched meets every target (%zu values evaluated).\n",
                r->nevals);
    return ferror(f) ? FLOW_E_IO : 0;
}
