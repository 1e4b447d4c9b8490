/* warnings.c - what a run's results say about the model that the numbers alone do not: a ward
 * downstream whose full beds hold patients blocked upstream (the bottleneck, named first);
 * wards whose offered load is at or beyond their beds; queues that kept growing over the
 * measured period (arrivals above capacity, or a warm-up too short), with the patients still
 * waiting at the end; occupancy still settling after the warm-up; wards that no route uses; too
 * few replications for an interval. Each warning says what to do, and no warm-up advice is given
 * to a forecast from a census. */
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

/* ---- wards loaded beyond their beds, and the ward that holds them up ------------------------ */

/* The mean over replications of metric section.entity.key, or NAN when it is not reported. */
static double metric_mean(const struct flow_results *r, const char *section, const char *entity, const char *key)
{
    char path[FLOW_MAX_NAME + 64];
    snprintf(path, sizeof path, "%s.%s.%s", section, entity, key);
    long k = flow_results_find(r, path);
    if (k < 0)
        return NAN;
    struct flow_summary s;
    flow_results_summary(r, (size_t)k, &s);
    return s.n > 0 ? s.mean : NAN;
}

/* A ward's offered load over its open beds: the beds it had in use, scaled up by the growth of
 * its queue over the admissions it made (patients who joined the queue and were not admitted
 * by the end would have needed beds for as long), over its mean open beds. Patients diverted,
 * outlying or giving up are not in the queue, so not counted. At 1 or more the ward cannot keep
 * up; the mean over replications. */
static double offered_load(const struct flow_results *r, size_t w)
{
    const struct flow_scenario *s = r->scenario;
    size_t nq = flow_model_backlog_count(s), width = flow_model_backlog_width(s);
    char occ[FLOW_MAX_NAME + 64], open[FLOW_MAX_NAME + 64];
    snprintf(occ, sizeof occ, "wards.%s.mean_occupied_beds", s->wards[w].name);
    snprintf(open, sizeof open, "wards.%s.mean_beds", s->wards[w].name);
    long ko = flow_results_find(r, occ), kb = flow_results_find(r, open);
    double sum = 0;
    size_t n = 0;
    for (size_t rep = 0; r->backlog && ko >= 0 && rep < r->nreps; rep++) {
        const double *row = r->backlog + rep * width;
        double taken = row[2 * nq + 2 * (s->nwards + s->ncommunity) + 2 * w + 1];
        double growth = row[2 * w + 1] - row[2 * w];
        double used = r->values[rep * r->nmetrics + (size_t)ko];
        double beds = kb >= 0 ? r->values[rep * r->nmetrics + (size_t)kb] : s->wards[w].beds;
        if (!(taken > 0 && beds > 0 && isfinite(used)))
            continue;
        sum += used / beds * (1 + fmax(0, growth) / taken);
        n++;
    }
    return n ? sum / (double)n : NAN;
}

/* The ward that patients of ward w wait for, blocked in w's beds: of the wards that follow w in
 * some route, the one most loaded, if it is full (offered load of 0.95 or more) and the
 * patients blocked in w hold a tenth of its occupied beds; else -1. */
static long blocked_by(const struct flow_results *r, size_t w, const double *load)
{
    const struct flow_scenario *s = r->scenario;
    double blocked = metric_mean(r, "wards", s->wards[w].name, "blocked_bed_days_per_day");
    double occupied = metric_mean(r, "wards", s->wards[w].name, "mean_occupied_beds");
    if (!(blocked >= 0.1 * occupied && blocked >= 0.5))
        return -1;
    long best = -1;
    for (size_t g = 0; g < s->ngroups; g++) {
        const struct flow_group_spec *gs = &s->groups[g];
        for (size_t k = 0; k + 1 < gs->nsteps; k++) {
            if (gs->steps[k].kind != FLOW_STEP_WARD || gs->steps[k].ward != (int)w)
                continue;
            for (size_t j = k + 1; j < gs->nsteps; j++) {     /* the next steps that may be taken */
                int y = gs->steps[j].kind == FLOW_STEP_WARD ? gs->steps[j].ward : -1;
                if (y >= 0 && y != (int)w && load[y] >= 0.95 && (best < 0 || load[y] > load[best]))
                    best = y;
                if (gs->steps[j].p >= 1)
                    break;
            }
        }
    }
    return best;
}

/* A ward cannot keep up: its offered load is at its beds or beyond, or so nearly with a queue
 * left at the end. */
static bool beyond_beds(double load, double waiting)
{
    return load >= 1 || (load >= 0.98 && waiting >= 10);
}

static bool has_warning(const struct list *l, const char *code, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->w[i].code, code) == 0 && strcmp(l->w[i].path, path) == 0)
            return true;
    return false;
}

/* Wards whose offered load is at or beyond their beds, whether or not their queue was seen
 * to grow (a ward at its limit may hold a long queue that does not grow surely); and the ward
 * downstream that holds a ward's patients in its beds, named first as the bottleneck. Fills
 * load[] and cause[] (the bottleneck of each ward, or -1) for the queue warnings. */
static void overloads(struct list *l, const struct flow_results *r, double *load, long *cause)
{
    const struct flow_scenario *s = r->scenario;
    char path[FLOW_MAX_NAME + 32];
    for (size_t w = 0; w < s->nwards; w++)
        load[w] = offered_load(r, w);
    for (size_t w = 0; w < s->nwards; w++) {
        const char *name = s->wards[w].name;
        double waiting = metric_mean(r, "wards", name, "still_waiting_end");
        bool over = beyond_beds(load[w], waiting);
        double start, end;
        bool growing = grew(r->backlog, w, flow_model_backlog_width(s), r->nreps, &start, &end);
        cause[w] = over || growing ? blocked_by(r, w, load) : -1;   /* a ward in trouble: why? */
        if (cause[w] >= 0) {
            const char *down = s->wards[cause[w]].name;
            snprintf(path, sizeof path, "wards.%s", down);
            if (!has_warning(l, "bottleneck", path))
                add(l, "bottleneck", path, "ward '%s' is a bottleneck: its offered load is %.0f%% of its beds, "
                    "and patients waiting for it hold %.1f beds of ward '%s' (blocked), which cannot keep up. "
                    "Add beds to '%s' or shorten its stays first: beds added to '%s' would fill with the same "
                    "blocked patients", down, 100 * load[cause[w]],
                    metric_mean(r, "wards", name, "blocked_bed_days_per_day"), name, down, name);
        }
    }
    for (size_t w = 0; w < s->nwards; w++) {
        const char *name = s->wards[w].name;
        double waiting = metric_mean(r, "wards", name, "still_waiting_end");
        if (!beyond_beds(load[w], waiting) || cause[w] >= 0)
            continue;
        snprintf(path, sizeof path, "wards.%s", name);
        if (!has_warning(l, "bottleneck", path))   /* named as a bottleneck: that warning says it */
            add(l, "overloaded", path, "ward '%s': its offered load (beds in use, and the queue's growth, over "
                "its %sbeds) is %.0f%% of its beds, with %.0f patients still waiting at the end (means of the "
                "replications): it cannot keep up, and its waits depend on how long the run is. Add beds or "
                "shorten stays", name, s->wards[w].nbed_changes || s->wards[w].escalation.beds ? "open " : "",
                100 * load[w], waiting);
    }
}

/* Advice on the warm-up, where the run has one to change (not a forecast from a census). */
static const char *warmup_advice(const struct flow_scenario *s)
{
    return s->ninitial > 0 && s->warmup_days == 0 ? "" : ", or check the warm-up with 'flowsim warmup'";
}

static const char *warmup_cause(const struct flow_scenario *s)
{
    return s->ninitial > 0 && s->warmup_days == 0 ? "" : ", or the warm-up is too short";
}

static void queues(struct list *l, const struct flow_results *r, const long *cause)
{
    const struct flow_scenario *s = r->scenario;
    size_t nq = flow_model_backlog_count(s), width = flow_model_backlog_width(s);
    char path[FLOW_MAX_NAME + 32];
    double start, end;
    for (size_t k = 0; r->backlog && k < nq; k++) {
        if (!grew(r->backlog, k, width, r->nreps, &start, &end))
            continue;
        if (k < s->nwards && cause[k] >= 0) {
            const char *name = s->wards[k].name, *down = s->wards[cause[k]].name;
            snprintf(path, sizeof path, "wards.%s", name);
            add(l, "queue_growing", path, "ward '%s': the queue for its beds grew from %.0f to %.0f patients over "
                "the measured period (means of the replications) because its patients cannot leave: they wait "
                "in its beds for ward '%s' (the bottleneck, above). Add beds to '%s', not '%s'; the %.0f still "
                "waiting at the end (still_waiting_end) are not in mean_wait_hours", name, start, end, down, down,
                name, end);
        } else if (k < s->nwards) {
            const char *name = s->wards[k].name;
            snprintf(path, sizeof path, "wards.%s", name);
            add(l, "queue_growing", path, "ward '%s': the queue for its beds grew from %.0f to %.0f patients over "
                "the measured period (means of the replications), so more patients arrive than it can "
                "treat%s; the %.0f still waiting at the end (still_waiting_end) are "
                "not in mean_wait_hours, which counts admissions only (mean_wait_hours_censored counts "
                "them to the end). Add beds, shorten stays%s",
                name, start, end, warmup_cause(s), end, warmup_advice(s));
        } else if (k < s->nwards + s->ncommunity) {
            const char *name = s->community[k - s->nwards].name;
            snprintf(path, sizeof path, "community.%s", name);
            add(l, "queue_growing", path, "community service '%s': the queue for its places grew from %.0f to "
                "%.0f patients over the measured period, so more patients need it than it can take%s; those "
                "waiting hold hospital beds. Add places, shorten stays%s", name, start, end, warmup_cause(s),
                warmup_advice(s));
        } else if (k >= s->nwards + s->ncommunity + s->ngroups) {
            size_t g = k - s->nwards - s->ncommunity - s->ngroups;   /* 0: shared, then each group's */
            if (g == 0)
                snprintf(path, sizeof path, "discharge");
            else
                snprintf(path, sizeof path, "groups.%s.discharge", s->groups[g - 1].name);
            add(l, "queue_growing", path, "%s%s%s: the queue for an assessment grew from %.0f to %.0f patients "
                "over the measured period, so more patients need assessing than the assessors can see%s; "
                "those waiting hold hospital beds (or wait at home, discharged to assess). Add assessors "
                "(assessment_capacity), shorten assessments%s", g == 0 ? "the assessors" : "the own assessors of group '",
                g == 0 ? "" : s->groups[g - 1].name, g == 0 ? "" : "'", start, end, warmup_cause(s), warmup_advice(s));
        } else {
            const char *name = s->groups[k - s->nwards - s->ncommunity].name;
            snprintf(path, sizeof path, "groups.%s", name);
            add(l, "queue_growing", path, "group '%s': the waiting list grew from %.0f to %.0f patients over the "
                "measured period, so operations (or beds after them) cannot keep up with referrals%s; the %.0f "
                "still waiting at the end are not in its waits (wait_weeks counts operated patients only). Add "
                "theatre time or beds%s", name, start, end, warmup_cause(s), end, warmup_advice(s));
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
    if (r->backlog == NULL || r->nreps < 3 || !weekly_steady(s) || (s->ninitial > 0 && s->warmup_days == 0))
        return;                        /* a forecast from a census is not meant to settle */
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
        bool ward = k < s->nwards;
        const char *name = ward ? s->wards[k].name : s->community[k - s->nwards].name;
        snprintf(path, sizeof path, "%s.%s", ward ? "wards" : "community", name);
        if (has_warning(l, "queue_growing", path))    /* a queue that grows says more */
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
    size_t nw = r->scenario->nwards;
    double *load = flow_xcalloc(nw + 1, sizeof *load);
    long *cause = flow_xcalloc(nw + 1, sizeof *cause);
    if (r->backlog)
        overloads(&l, r, load, cause);
    else
        for (size_t w = 0; w < nw; w++)
            cause[w] = -1;
    queues(&l, r, cause);
    /* A ward that is overloaded and whose queue grew needs one warning: the queue's. */
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.w[i].code, "overloaded") == 0 && has_warning(&l, "queue_growing", l.w[i].path)) {
            memmove(&l.w[i], &l.w[i + 1], (l.n - i - 1) * sizeof *l.w);
            l.n--, i--;
        }
    free(load);
    free(cause);
    warmup_short(&l, r);
    unused_wards(&l, r->scenario);
    *out = l.w;
    return l.n;
}
