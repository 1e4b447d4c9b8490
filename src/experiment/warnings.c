/* warnings.c - what a run's results say about the model that the numbers alone do not: queues
 * that kept growing over the measured period (arrivals above capacity, or a warm-up too
 * short), with the patients still waiting at the end; occupancy still settling after the
 * warm-up; wards that no route uses; too few replications for an interval. Each warning says what to do. */
#include <flowsim/experiment.h>
#include <flowsim/model.h>
#include <flowsim/stats.h>
#include <flowsim/util.h>

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct list {
    struct flow_warning *w;
    size_t n, cap;
};

static void add(struct list *l, const char *code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add(struct list *l, const char *code, const char *path, const char *fmt, ...)
{
    flow_xgrow((void **)&l->w, &l->cap, l->n + 1, sizeof *l->w);
    struct flow_warning *w = &l->w[l->n++];
    snprintf(w->code, sizeof w->code, "%s", code);
    snprintf(w->path, sizeof w->path, "%s", path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->message, sizeof w->message, fmt, ap);
    va_end(ap);
}

/* A queue grew when its growth over the measured period is sure (a one-sided 99.9% bound
 * above 0 across replications; with one replication, well beyond Poisson noise) and large (a
 * quarter of the queue at the end, and at least 10 patients). */
static bool grew(const double *b, size_t k, size_t width, size_t nreps, double *start, double *end)
{
    double sum = 0, squares = 0, s = 0, e = 0;
    for (size_t r = 0; r < nreps; r++) {
        const double *row = b + r * width;
        double g = row[2 * k + 1] - row[2 * k];
        sum += g, squares += g * g;
        s += row[2 * k], e += row[2 * k + 1];
    }
    double n = (double)nreps, mean = sum / n;
    *start = s / n, *end = e / n;
    if (*end < 10 || mean < 0.25 * *end)
        return false;
    if (nreps == 1)
        return mean > 10 + 3 * sqrt(*start + *end);
    double sd = sqrt(fmax(0, (squares - n * mean * mean) / (n - 1)));
    return mean - gsl_cdf_tdist_Pinv(0.999, n - 1) * sd / sqrt(n) > 0;
}

static void queues(struct list *l, const struct flow_results *r)
{
    const struct flow_scenario *s = r->scenario;
    size_t nq = flow_model_backlog_count(s), width = flow_model_backlog_width(s);
    char path[FLOW_MAX_NAME + 32];
    double start, end;
    for (size_t k = 0; r->backlog && k < nq; k++) {
        if (!grew(r->backlog, k, width, r->nreps, &start, &end))
            continue;
        if (k < s->nwards) {
            const char *name = s->wards[k].name;
            snprintf(path, sizeof path, "wards.%s", name);
            add(l, "queue_growing", path, "ward '%s': the queue for its beds grew from %.0f to %.0f patients over "
                "the measured period (means of the replications), so more patients arrive than it can "
                "treat, or the warm-up is too short; the %.0f still waiting at the end (still_waiting_end) are "
                "not in mean_wait_hours, which counts admissions only (mean_wait_hours_censored counts "
                "them to the end). Add beds, shorten stays, or check the warm-up with 'flowsim warmup'",
                name, start, end, end);
        } else if (k < s->nwards + s->ncommunity) {
            const char *name = s->community[k - s->nwards].name;
            snprintf(path, sizeof path, "community.%s", name);
            add(l, "queue_growing", path, "community service '%s': the queue for its places grew from %.0f to "
                "%.0f patients over the measured period, so more patients need it than it can take, or the "
                "warm-up is too short; those waiting hold hospital beds. Add places, shorten stays, or "
                "check the warm-up with 'flowsim warmup'", name, start, end);
        } else if (k >= s->nwards + s->ncommunity + s->ngroups) {
            size_t g = k - s->nwards - s->ncommunity - s->ngroups;   /* 0: shared, then each group's */
            if (g == 0)
                snprintf(path, sizeof path, "discharge");
            else
                snprintf(path, sizeof path, "groups.%s.discharge", s->groups[g - 1].name);
            add(l, "queue_growing", path, "%s%s%s: the queue for an assessment grew from %.0f to %.0f patients "
                "over the measured period, so more patients need assessing than the assessors can see, "
                "or the warm-up is too short; those waiting hold hospital beds (or wait at home, "
                "discharged to assess). Add assessors (assessment_capacity), shorten assessments, or "
                "check the warm-up with 'flowsim warmup'", g == 0 ? "the assessors" : "the own assessors of group '",
                g == 0 ? "" : s->groups[g - 1].name, g == 0 ? "" : "'", start, end);
        } else {
            const char *name = s->groups[k - s->nwards - s->ncommunity].name;
            snprintf(path, sizeof path, "groups.%s", name);
            add(l, "queue_growing", path, "group '%s': the waiting list grew from %.0f to %.0f patients over the "
                "measured period, so operations (or beds after them) cannot keep up with referrals, or the "
                "warm-up is too short; the %.0f still waiting at the end are not in its waits "
                "(wait_weeks counts operated patients only). Add theatre time or beds, or check the "
                "warm-up with 'flowsim warmup'", name, start, end, end);
        }
    }
}

/* Demand and capacity repeat every week (no month profile, growth, holiday or dated bed
 * change), so that after a long enough warm-up occupancy has no trend. */
static bool weekly_steady(const struct flow_scenario *s)
{
    if (s->nholidays > 0)
        return false;
    for (size_t g = 0; g < s->ngroups; g++)
        if (s->groups[g].calendar)
            return false;
    for (size_t i = 0; i < s->nwards; i++)
        for (size_t k = 0; k < s->wards[i].nbed_changes; k++)
            if (s->wards[i].bed_changes[k].dated)
                return false;
    return true;
}

/* A warm-up too short for the model to fill from empty: in a model whose demand repeats every
 * week, a ward's or service's mean occupancy in the first quarter of the measured period
 * differs from the rest, surely (a two-sided 99.9% interval of the paired difference across
 * replications excludes 0) and by enough to matter (2% of the later level and half a bed). */
static void warmup_short(struct list *l, const struct flow_results *r)
{
    const struct flow_scenario *s = r->scenario;
    if (r->backlog == NULL || r->nreps < 3 || !weekly_steady(s))
        return;
    size_t nq = flow_model_backlog_count(s), width = flow_model_backlog_width(s);
    char path[FLOW_MAX_NAME + 32];
    for (size_t k = 0; k < s->nwards + s->ncommunity; k++) {
        double sum = 0, squares = 0, early = 0, late = 0, n = (double)r->nreps;
        bool defined = true;
        for (size_t rep = 0; rep < r->nreps; rep++) {
            const double *o = r->backlog + rep * width + 2 * nq + 2 * k;
            defined = defined && isfinite(o[0]) && isfinite(o[1]);
            double d = o[1] - o[0];
            sum += d, squares += d * d, early += o[0], late += o[1];
        }
        if (!defined)
            continue;
        double mean = sum / n, sd = sqrt(fmax(0, (squares - n * mean * mean) / (n - 1)));
        early /= n, late /= n;
        if (fabs(mean) < fmax(0.5, 0.02 * late) ||
            fabs(mean) - gsl_cdf_tdist_Pinv(0.9995, n - 1) * sd / sqrt(n) <= 0)
            continue;
        bool ward = k < s->nwards, growing = false;
        const char *name = ward ? s->wards[k].name : s->community[k - s->nwards].name;
        snprintf(path, sizeof path, "%s.%s", ward ? "wards" : "community", name);
        for (size_t i = 0; i < l->n; i++)    /* a queue that grows says more */
            growing = growing || (strcmp(l->w[i].code, "queue_growing") == 0 && strcmp(l->w[i].path, path) == 0);
        if (growing)
            continue;
        add(l, "warmup_short", path, "%s '%s': mean occupancy in the first quarter of the measured period "
            "(%.1f %s) differs from the rest (%.1f), so the model had not settled when measuring began: "
            "the warm-up of %g days is too short. Run 'flowsim warmup' on the scenario and set warmup: "
            "to what it recommends or longer", ward ? "ward" : "community service", name, early,
            ward ? "beds" : "places", late, s->warmup_days);
    }
}

/* A ward in no route step that no ward outlies to takes no patient. */
static void unused_wards(struct list *l, const struct flow_scenario *s)
{
    char path[FLOW_MAX_NAME + 32];
    for (size_t i = 0; i < s->nwards; i++) {
        bool used = s->wards[i].outlier_host;
        for (size_t g = 0; !used && g < s->ngroups; g++)
            for (size_t k = 0; !used && k < s->groups[g].nsteps; k++)
                used = s->groups[g].steps[k].kind == FLOW_STEP_WARD && s->groups[g].steps[k].ward == (int)i;
        if (used)
            continue;
        snprintf(path, sizeof path, "wards.%s", s->wards[i].name);
        add(l, "unused_ward", path, "ward '%s' is in no group's route (and no ward outlies to it), so it takes "
            "no patients; check the ward names in the routes, or remove it", s->wards[i].name);
    }
}

size_t flow_results_warnings(const struct flow_results *r, struct flow_warning **out)
{
    struct list l = {0};
    if (r->nreps < 3)
        add(&l, "few_replications", "", "only %zu replication%s: confidence intervals are %s; use 10 or more "
            "(--replications) or let --precision choose", r->nreps, r->nreps == 1 ? "" : "s",
            r->nreps == 1 ? "missing" : "very wide");
    queues(&l, r);
    warmup_short(&l, r);
    unused_wards(&l, r->scenario);
    *out = l.w;
    return l.n;
}
