/* write_size.c - the text report of a capacity search: the answer, and every value tried with the
 * target metrics and whether each met them. */
#include <flowsim/error.h>
#include <flowsim/report.h>
#include <flowsim/size.h>

#include <math.h>

/* A goal-seek's ending: the answer with its interval, or why there is none. */
static void seek_answer(FILE *f, const struct flow_size_result *r)
{
    const char *u = r->unit, *side = r->largest ? "largest" : "smallest";
    if (r->found) {
        fprintf(f, "\nAnswer: %s = %.6g%s, the %s value that meets every target with its whole 95%% interval\n"
                   "(to within %.6g%s; %zu runs, common random numbers).\n", r->parameter, r->x_answer, u, side,
                r->resolution, u, r->nevals);
        char est[64], reach[64];
        const char *end = r->largest ? "the top of the range" : "the bottom of the range";
        if (isfinite(r->estimate))
            snprintf(est, sizeof est, "%.6g%s", r->estimate, u);
        else
            snprintf(est, sizeof est, "beyond %s", end);
        if (isfinite(r->reach))
            snprintf(reach, sizeof reach, "%.6g%s", r->reach, u);
        else
            snprintf(reach, sizeof reach, "beyond %s", end);
        if (r->largest)
            fprintf(f, "The means cross the targets at about %s; the boundary lies between %.6g%s and %s\n"
                       "(where even the favourable ends of the intervals miss).\n", est, r->x_answer, u, reach);
        else
            fprintf(f, "The means cross the targets at about %s; the boundary lies between %s (where even\n"
                       "the favourable ends of the intervals miss) and %.6g%s.\n", est, reach, r->x_answer, u);
    } else if (r->all_meet) {
        fprintf(f, "\nEvery value from %.6g%s to %.6g%s meets every target: widen the range (%zu runs).\n", r->lo, u,
                r->hi, u, r->nevals);
    } else {
        fprintf(f, "\nNeither end of the range (%.6g%s, %.6g%s) meets every target, so (the targets changing in one "
                   "direction with the value) no value between does (%zu runs).\n", r->lo, u, r->hi, u, r->nevals);
    }
}

int flow_report_size_text(FILE *f, const struct flow_size_result *r)
{
    if (r->continuous)
        fprintf(f, "Goal-seeking %s from %.6g%s to %.6g%s (to within %.6g%s) against:", r->parameter, r->lo, r->unit,
                r->hi, r->unit, r->resolution, r->unit);
    else
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
        if (r->continuous) {
            char v[48];
            snprintf(v, sizeof v, "%.6g%s", e->x, r->unit);
            fprintf(f, "  %10s  %-5s", v, e->meets ? "yes" : "no");
        } else {
            fprintf(f, "  %9ld%-1s  %-5s", e->value, r->unit, e->meets ? "yes" : "no");
        }
        for (size_t t = 0; t < r->ntargets; t++) {
            struct flow_summary s;
            flow_results_summary(&e->results, (size_t)flow_results_find(&e->results, r->targets[t].metric), &s);
            fprintf(f, "  %.4g [%.4g, %.4g]", s.mean, s.ci_low, s.ci_high);
        }
        fputc('\n', f);
    }
    if (r->continuous)
        seek_answer(f, r);
    else if (r->found)
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
