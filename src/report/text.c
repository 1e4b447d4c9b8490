/* text.c - the readable report: one section for the whole hospital, one per ward and group,
 * each metric with its mean and 95% confidence interval across replications. */
#include "internal.h"

#include <flowsim/util.h>

#include <flowsim/calendar.h>
#include <flowsim/error.h>

#include <flow_config.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

/* Four significant figures, never in exponent form. */
void flow__report_number(char *buf, size_t size, double x)
{
    if (!isfinite(x)) {
        snprintf(buf, size, "-");
        return;
    }
    int dec = 0;
    if (x != 0) {
        dec = 3 - (int)floor(log10(fabs(x)));
        dec = dec < 0 ? 0 : dec > 6 ? 6 : dec;
    }
    snprintf(buf, size, "%.*f", dec, x);
    if (strcmp(buf, "-0") == 0 || strspn(buf, "-0.") == strlen(buf))
        snprintf(buf, size, "0");
}

static size_t rounds_a_week(const struct flow_ward_spec *w)
{
    size_t n = 0;
    for (size_t r = 0; r < w->nrounds; r++)
        n += (size_t)__builtin_popcount(w->rounds[r].days);
    return n;
}

static void heading(FILE *f, const struct flow_metric_def *d, const struct flow_scenario *s,
                    size_t index)
{
    if (strcmp(d->section, "system") == 0) {
        fprintf(f, "\nWhole hospital\n");
    } else if (strcmp(d->section, "wards") == 0) {
        for (size_t i = 0; i < s->nwards; i++) {
            const struct flow_ward_spec *w = &s->wards[i];
            if (w->name != d->entity)
                continue;
            char more[96] = "";
            if (w->nbed_changes > 0)
                snprintf(more, sizeof more, " before %zu bed change%s", w->nbed_changes,
                         w->nbed_changes > 1 ? "s" : "");
            if (w->escalation.beds > 0)
                snprintf(more + strlen(more), sizeof more - strlen(more), " + %d escalation",
                         w->escalation.beds);
            if (w->nrounds > 0)
                snprintf(more + strlen(more), sizeof more - strlen(more), ", %zu round%s a week",
                         rounds_a_week(w), rounds_a_week(w) == 1 ? "" : "s");
            if (w->reserved_beds > 0)
                snprintf(more + strlen(more), sizeof more - strlen(more), ", %d ring-fenced",
                         w->reserved_beds);
            static const char *const full[] = {"queue", "divert", "outlie"};
            fprintf(f, "\nWard %s (%d beds%s, %s when full)\n", d->entity, w->beds, more, full[w->when_full]);
        }
    } else if (strcmp(d->section, "discharge") == 0) {
        fprintf(f, "\nDischarge\n");
    } else if (strcmp(d->section, "pathways") == 0) {
        static const char *const what[] = {"home", "home with support", "bed-based rehabilitation",
                                           "care home"};
        fprintf(f, "\nPathway %s (%s)\n", d->entity + 1, what[d->entity[1] - '0']);
    } else if (strcmp(d->section, "community") == 0) {
        for (size_t i = 0; i < s->ncommunity; i++)
            if (s->community[i].name == d->entity) {
                if (s->community[i].visits_per_day > 0)
                    fprintf(f, "\nCommunity service %s (%g visits a day)\n", d->entity, s->community[i].visits_per_day);
                else if (s->community[i].capacity > 0)
                    fprintf(f, "\nCommunity service %s (%d places)\n", d->entity, s->community[i].capacity);
                else
                    fprintf(f, "\nCommunity service %s (unlimited places)\n", d->entity);
            }
    } else if (strcmp(d->section, "theatres") == 0) {
        fprintf(f, "\nTheatre %s\n", d->entity);
    } else {
        for (size_t i = 0; i < s->ngroups; i++)
            if (s->groups[i].name == d->entity)
                fprintf(f, "\nGroup %s (%s)\n", d->entity,
                        s->groups[i].elective ? "elective, from a waiting list" : "emergency");
    }
}

void flow__report_wrap(FILE *f, const char *lead, const char *indent, const char *text)
{
    int col = fprintf(f, "%s", lead);
    while (*text) {
        int word = (int)strcspn(text, " ");
        if (col + 1 + word > 96 && col > (int)strlen(indent) + 1)
            col = fprintf(f, "\n%s", indent);
        col += fprintf(f, " %.*s", word, text);
        text += word;
        text += strspn(text, " ");
    }
    fputc('\n', f);
}

/* The chance that ward w was full at some point on day d: the share of replications whose
 * fraction of the day with every bed taken is above 0. */
double flow__report_full_chance(const struct flow_results *r, size_t w, size_t d)
{
    const struct flow_scenario *s = r->scenario;
    size_t width = flow_model_daily_count(s);
    char *want = flow_xasprintf("wards.%s.full_fraction", s->wards[w].name);
    size_t col = flow_model_daily_index(s, want), full = 0;
    free(want);
    for (size_t rep = 0; col < width && rep < r->nreps; rep++)
        full += flow_results_daily(r, rep, d, col) > 0;
    return r->nreps ? (double)full / (double)r->nreps : NAN;
}

/* A run from a census: for each ward, the days with the highest chance of being full. */
static void forecast(FILE *f, const struct flow_results *r)
{
    const struct flow_scenario *s = r->scenario;
    if (s->ninitial == 0 || r->daily == NULL || r->days == 0)
        return;
    fprintf(f, "\nForecast from the census at the start: the days each ward is most likely to be full at\n"
               "some point (the share of replications in which every bed was taken on that day)\n");
    size_t *best = flow_xcalloc(r->days, sizeof *best);
    double *chance = flow_xcalloc(r->days, sizeof *chance);
    for (size_t w = 0; w < s->nwards; w++) {
        for (size_t d = 0; d < r->days; d++)
            chance[d] = flow__report_full_chance(r, w, d);
        size_t n = 0;
        for (size_t d = 0; d < r->days; d++) {      /* insertion: by chance, then by day */
            size_t at = n++;
            while (at > 0 && chance[best[at - 1]] < chance[d])
                best[at] = best[at - 1], at--;
            best[at] = d;
        }
        char line[512] = "", lead[FLOW_MAX_NAME + 8];
        for (size_t k = 0; k < n && k < 5; k++) {
            char date[16] = "";
            if (s->has_start) {
                static const char *const names[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
                int64_t day = s->start_date + (int64_t)best[k];
                memcpy(date, names[flow_date_weekday(day)], 3);
                date[3] = ' ';
                flow_date_format(day, date + 4);
            }
            snprintf(line + strlen(line), sizeof line - strlen(line), "%sday %zu%s%s%s %.0f%%", k ? ", " : "",
                     best[k], *date ? " (" : "", date, *date ? ")" : "", 100 * chance[best[k]]);
        }
        snprintf(lead, sizeof lead, "  %s:", s->wards[w].name);
        flow__report_wrap(f, lead, "   ", line);
    }
    free(best);
    free(chance);
}

int flow_report_text(FILE *f, const struct flow_results *r)
{
    const struct flow_scenario *s = r->scenario;
    fprintf(f, "%s\n", s->name);
    fprintf(f, "flowsim %s: %zu replication%s, seed %llu, %g days measured after %g days of "
               "warm-up\n", FLOW_VERSION, r->nreps, r->nreps == 1 ? "" : "s",
            (unsigned long long)s->seed, s->horizon_days, s->warmup_days);
    if (s->has_start) {
        char from[11], to[11];
        static const char *const weekday[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                              "Friday", "Saturday", "Sunday"};
        flow_date_format(s->start_date, from);
        flow_date_format(s->start_date + (int64_t)ceil(s->warmup_days + s->horizon_days) - 1, to);
        fprintf(f, "Time 0 is 00:00 on %s %s; the run ends on %s.\n", weekday[s->weekday0], from, to);
    }
    fprintf(f, "Means across replications, with 95%% confidence intervals.\n");
    struct flow_warning *w;
    size_t nw = flow_results_warnings(r, &w);
    if (nw > 0)
        fprintf(f, "\nWarnings\n");
    for (size_t k = 0; k < nw; k++)
        flow__report_wrap(f, "  !", "   ", w[k].message);
    free(w);
    forecast(f, r);
    const struct flow_metric_def *prev = NULL;
    for (size_t i = 0; i < r->nmetrics; i++) {
        const struct flow_metric_def *d = &r->defs[i];
        bool same_section = prev != NULL && strcmp(prev->section, d->section) == 0;
        if (!same_section || prev->entity != d->entity)
            if (!(same_section && strcmp(d->section, "system") == 0))
                heading(f, d, s, i);
        prev = d;
        struct flow_summary sum;
        flow_results_summary(r, i, &sum);
        char mean[32], lo[32], hi[32];
        flow__report_number(mean, sizeof mean, sum.mean);
        flow__report_number(lo, sizeof lo, sum.ci_low);
        flow__report_number(hi, sizeof hi, sum.ci_high);
        if (isfinite(sum.ci_low))
            fprintf(f, "  %-46s %10s   [%s, %s]\n", d->label, mean, lo, hi);
        else
            fprintf(f, "  %-46s %10s\n", d->label, mean);
    }
    return ferror(f) ? FLOW_E_IO : 0;
}
