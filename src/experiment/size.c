/* size.c - capacity sizing: the smallest number of beds (lists, places, assessors) that meets
 * every target with confidence. A full grid would run every value; assuming more capacity is
 * never worse, a search from a good starting point needs a handful of runs. And goal-seeking:
 * the value of a continuous parameter (a stay, a rate, a share) where the targets switch from
 * met to missed, by bisection with common random numbers. */
#include <flowsim/error.h>
#include <flowsim/experiment.h>
#include <flowsim/size.h>
#include <flowsim/util.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An evaluation run ahead of the search's need, with its run's status. */
struct ahead {
    struct flow_size_eval e;
    int status;
};

struct search {
    const char *path;
    const char *const *sets;
    size_t nsets;
    const char *param;
    const struct flow_target *targets;
    size_t ntargets;
    const struct flow_run_options *o;
    struct flow_size_result *out;
    struct flow_diag *diag;
    size_t cap;
    struct ahead *ahead;      /* evaluations run in the same pool as one the search asked for */
    size_t nahead, cap_ahead;
};

static bool target_met(const struct flow_results *r, const struct flow_target *t)
{
    struct flow_summary s;
    flow_results_summary(r, (size_t)flow_results_find(r, t->metric), &s);
    double lo = isfinite(s.ci_low) ? s.ci_low : s.mean, hi = isfinite(s.ci_high) ? s.ci_high : s.mean;
    return t->at_most ? hi <= t->value : lo >= t->value;
}

/* The evaluation at x if it was run, else NULL. */
static struct flow_size_eval *find_eval(struct search *s, double x)
{
    for (size_t i = 0; i < s->out->nevals; i++)
        if (s->out->evals[i].x == x)
            return &s->out->evals[i];
    return NULL;
}

/* Loads the scenario with the parameter at x; NULL (and *rc) when it does not load. */
static struct flow_scenario *load_at(struct search *s, double x, int *rc)
{
    const char **sets = flow_xcalloc(s->nsets + 1, sizeof *sets);
    if (s->nsets > 0)
        memcpy(sets, s->sets, s->nsets * sizeof *sets);
    char *set = s->out->continuous ? flow_xasprintf("%s=%.10g%s", s->param, x, s->out->unit)
                                   : flow_xasprintf("%s=%ld%s", s->param, (long)x, s->out->unit);
    sets[s->nsets] = set;
    struct flow_scenario *sc = flow_scenario_load_file(s->path, sets, s->nsets + 1, s->diag);
    free(set);
    free(sets);
    if (sc == NULL)
        *rc = (int)s->diag->errors;
    return sc;
}

/* A new evaluation at x of the loaded scenario sc (owned by it from now). */
static size_t add_eval(struct search *s, double x, struct flow_scenario *sc)
{
    struct flow_size_result *out = s->out;
    flow_xgrow((void **)&out->evals, &s->cap, out->nevals + 1, sizeof *out->evals);
    struct flow_size_eval *e = &out->evals[out->nevals];
    memset(e, 0, sizeof *e);
    e->value = (long)x;
    e->x = x;
    e->scenario = sc;
    return out->nevals++;
}

/* Whether a run evaluation meets every target; NULL (and *rc) when its run failed (run_rc) or
 * a target names a metric its report lacks. */
static struct flow_size_eval *judge(struct search *s, struct flow_size_eval *e, int run_rc, int *rc)
{
    if ((*rc = run_rc) != 0)
        return NULL;
    for (size_t t = 0; t < s->ntargets; t++) {
        if (flow_results_find(&e->results, s->targets[t].metric) < 0) {
            flow_diag_error(s->diag, "--target", (int)t + 1, 1, "no metric '%s' in this scenario's "
                            "report (paths look like wards.AMU.p_wait)", s->targets[t].metric);
            *rc = (int)s->diag->errors;
            return NULL;
        }
    }
    e->meets = true;
    for (size_t t = 0; t < s->ntargets; t++)
        e->meets = e->meets && target_met(&e->results, &s->targets[t]);
    return e;
}

/* An evaluation at x run ahead: moved into the search's results (as if run now: the same
 * replications give the same rows whenever they run). Its index, or SIZE_MAX. */
static size_t take_ahead(struct search *s, double x, int *status)
{
    for (size_t i = 0; i < s->nahead; i++) {
        if (s->ahead[i].e.x != x)
            continue;
        struct flow_size_result *out = s->out;
        flow_xgrow((void **)&out->evals, &s->cap, out->nevals + 1, sizeof *out->evals);
        out->evals[out->nevals] = s->ahead[i].e;
        *status = s->ahead[i].status;
        s->ahead[i] = s->ahead[--s->nahead];
        out->used_ahead++;
        return out->nevals++;
    }
    return SIZE_MAX;
}

static void drop_ahead(struct search *s)
{
    for (size_t i = 0; i < s->nahead; i++) {
        flow_results_fini(&s->ahead[i].e.results);
        flow_scenario_destroy(s->ahead[i].e.scenario);
    }
    free(s->ahead);
    s->ahead = NULL;
    s->nahead = s->cap_ahead = 0;
}

/* Whether one more evaluation fits the pool beside one of `reps` replications: a core would
 * otherwise sit idle while the search waits for its next step. */
static bool room_ahead(const struct search *s, int reps)
{
    long threads = s->o && s->o->threads > 0 ? s->o->threads : sysconf(_SC_NPROCESSORS_ONLN);
    return reps > 0 && threads >= 2L * reps;
}

/* Runs the scenario at x (once: results are kept). Returns the evaluation or NULL. */
static struct flow_size_eval *evaluate_at(struct search *s, double x, int *rc)
{
    struct flow_size_eval *e = find_eval(s, x);
    if (e != NULL)
        return e;
    int status;
    size_t k = take_ahead(s, x, &status);
    if (k != SIZE_MAX)
        return judge(s, &s->out->evals[k], status, rc);
    struct flow_scenario *sc = load_at(s, x, rc);
    if (sc == NULL)
        return NULL;
    k = add_eval(s, x, sc);                    /* may move the array: index it after */
    e = &s->out->evals[k];
    return judge(s, e, flow_experiment_run(sc, s->o, &e->results, NULL), rc);
}

/* Evaluates a and b (a != b, neither run yet) as one pool of replications, so that few
 * replications still keep every thread busy: the same results as evaluate_at on each. */
static int evaluate_pair(struct search *s, double a, double b, struct flow_size_eval **ea,
                         struct flow_size_eval **eb)
{
    int rc = 0;
    struct flow_scenario *sa = load_at(s, a, &rc);
    if (sa == NULL)
        return rc;
    struct flow_scenario *sb = load_at(s, b, &rc);
    if (sb == NULL) {
        flow_scenario_destroy(sa);
        return rc;
    }
    size_t ia = add_eval(s, a, sa), ib = add_eval(s, b, sb);
    const struct flow_scenario *both[2] = {sa, sb};
    struct flow_results res[2];
    int status[2];
    flow_experiment_run_batch(both, 2, s->o, res, status);
    s->out->evals[ia].results = res[0];
    s->out->evals[ib].results = res[1];
    if ((*ea = judge(s, &s->out->evals[ia], status[0], &rc)) == NULL)
        return rc;
    *eb = judge(s, &s->out->evals[ib], status[1], &rc);
    return rc;
}

static struct flow_size_eval *evaluate(struct search *s, long value, int *rc)
{
    return evaluate_at(s, (double)value, rc);
}

/* Bisection's next step at x, with `next` (where the step after goes if x meets) run in the
 * same pool when a core would otherwise be idle: half the time that saves a step's wait. What
 * the search reports is what it would be without: an evaluation run ahead and never asked for
 * is dropped, and one asked for gives the rows it would have given then. */
static struct flow_size_eval *evaluate_guessing(struct search *s, double x, double next, int *rc)
{
    const struct flow_size_eval *any = s->out->nevals ? &s->out->evals[0] : NULL;
    bool fresh = find_eval(s, x) == NULL && find_eval(s, next) == NULL && next != x;
    for (size_t i = 0; fresh && i < s->nahead; i++)
        fresh = s->ahead[i].e.x != x && s->ahead[i].e.x != next;
    if (!fresh || any == NULL || !room_ahead(s, any->scenario->replications))
        return evaluate_at(s, x, rc);
    struct flow_diag quiet;                     /* a step that may never be asked for says nothing */
    flow_diag_init(&quiet);
    struct flow_diag *said = s->diag;
    s->diag = &quiet;
    int ignored = 0;
    struct flow_scenario *sn = load_at(s, next, &ignored);
    s->diag = said;
    flow_diag_fini(&quiet);
    if (sn == NULL)
        return evaluate_at(s, x, rc);
    struct flow_scenario *sx = load_at(s, x, rc);
    if (sx == NULL) {
        flow_scenario_destroy(sn);
        return NULL;
    }
    const struct flow_scenario *both[2] = {sx, sn};
    struct flow_results res[2];
    int status[2];
    flow_experiment_run_batch(both, 2, s->o, res, status);
    flow_xgrow((void **)&s->ahead, &s->cap_ahead, s->nahead + 1, sizeof *s->ahead);
    struct ahead *a = &s->ahead[s->nahead++];
    s->out->ran_ahead++;
    memset(a, 0, sizeof *a);
    a->e.value = (long)next, a->e.x = next, a->e.scenario = sn, a->e.results = res[1], a->status = status[1];
    size_t k = add_eval(s, x, sx);
    s->out->evals[k].results = res[0];
    return judge(s, &s->out->evals[k], status[0], rc);
}

/* Just above the offered load of a ward, when the parameter is a ward's beds. */
static long erlang_start(const char *path, const char *const *sets, size_t nsets, const char *param,
                         struct flow_diag *diag)
{
    size_t n = strlen(param);
    if (strncmp(param, "wards.", 6) != 0 || n < 12 || strcmp(param + n - 5, ".beds") != 0)
        return 1;
    struct flow_scenario *sc = flow_scenario_load_file(path, sets, nsets, diag);
    if (sc == NULL)
        return 1;
    double load = 0;
    for (size_t w = 0; w < sc->nwards; w++) {
        if (strlen(sc->wards[w].name) != n - 11 || strncmp(param + 6, sc->wards[w].name, n - 11) != 0)
            continue;
        for (size_t g = 0; g < sc->ngroups; g++)
            for (size_t k = 0; k < sc->groups[g].nsteps; k++) {
                const struct flow_step_spec *st = &sc->groups[g].steps[k];
                if (st->kind == FLOW_STEP_WARD && st->ward == (int)w)
                    load += sc->groups[g].rate_per_day * st->p * flow_dist_mean(&st->stay);
            }
    }
    flow_scenario_destroy(sc);
    return (long)floor(load) + 1;
}

/* True when, for every target `b` misses, `b` came less than 5% of the remaining way from `a`
 * towards the target, within the noise of their intervals (the metric stopped moving towards
 * its target as the value grew). */
static bool no_better(const struct search *s, const struct flow_size_eval *a, const struct flow_size_eval *b)
{
    for (size_t t = 0; t < s->ntargets; t++) {
        const struct flow_target *tg = &s->targets[t];
        if (target_met(&b->results, tg))
            continue;
        struct flow_summary x, y;
        flow_results_summary(&a->results, (size_t)flow_results_find(&a->results, tg->metric), &x);
        flow_results_summary(&b->results, (size_t)flow_results_find(&b->results, tg->metric), &y);
        double gain = tg->at_most ? x.mean - y.mean : y.mean - x.mean;
        double noise = flow_ci_halfwidth(x.sd, x.n, 0.95) + flow_ci_halfwidth(y.sd, y.n, 0.95);
        double distance = fabs(x.mean - tg->value);
        if (!(gain <= (isfinite(noise) ? noise : 0) && gain < 0.05 * distance))
            return false;
    }
    return true;
}

static int by_value(const void *a, const void *b)
{
    double x = ((const struct flow_size_eval *)a)->x, y = ((const struct flow_size_eval *)b)->x;
    return (x > y) - (x < y);
}

/* The bracket bad < answer <= good while it is sought; good = hi + 1 until a value meets. */
struct bracket {
    long lo, hi, good, bad;
};

/* From a start that meets, steps down, doubling, to the first value that does not (or lo);
 * false when a run failed (*rc set). */
static bool bracket_down(struct search *s, struct bracket *b, int *rc)
{
    for (long step = 1; b->good > b->lo; step *= 2) {
        long v = b->good - step < b->lo ? b->lo : b->good - step;
        struct flow_size_eval *e = evaluate(s, v, rc);
        if (e == NULL)
            return false;
        if (!e->meets) {
            b->bad = v;
            break;
        }
        b->good = v;
    }
    return true;
}

/* From a start that misses, steps up, doubling, to the first value that meets (or hi). Two
 * large steps in a row (each a quarter more or better) that bring no target closer mean the
 * bottleneck is elsewhere, so the search stops (out->stalled) rather than climbing to the end
 * of the range. False when a run failed (*rc set). */
static bool bracket_up(struct search *s, struct bracket *b, int *rc)
{
    struct flow_size_result *out = s->out;
    size_t prev = out->nevals - 1;
    int flat = 0;
    for (long step = 1; b->bad < b->hi; step *= 2) {
        long v = b->bad + step > b->hi ? b->hi : b->bad + step;
        struct flow_size_eval *e = evaluate(s, v, rc);
        if (e == NULL)
            return false;
        if (e->meets) {
            b->good = v;
            break;
        }
        long from = out->evals[prev].value;
        if (4 * (v - from) >= from)
            flat = no_better(s, &out->evals[prev], e) ? flat + 1 : 0;
        if (flat >= 2) {
            out->stalled = true;
            out->stalled_from = out->evals[prev].value;
            out->stalled_to = v;
            break;
        }
        if (4 * (v - from) >= from)
            prev = out->nevals - 1;
        b->bad = v;
    }
    return true;
}

/* Halves the bracket until good and bad are neighbours; false when a run failed. */
static bool bisect(struct search *s, struct bracket *b, int *rc)
{
    while (!s->out->stalled && b->good <= b->hi && b->good - b->bad > 1) {
        long mid = b->bad + (b->good - b->bad) / 2;
        struct flow_size_eval *e = evaluate_guessing(s, (double)mid, (double)(b->bad + (mid - b->bad) / 2), rc);
        if (e == NULL)
            return false;
        if (e->meets)
            b->good = mid;
        else
            b->bad = mid;
    }
    return true;
}

int flow_size_run(const char *path, const char *const *sets, size_t nsets, const char *param,
                  const char *unit, long lo, long hi, const struct flow_target *targets, size_t ntargets,
                  const struct flow_run_options *o, struct flow_size_result *out,
                  struct flow_diag *diag)
{
    memset(out, 0, sizeof *out);
    out->parameter = flow_xstrdup(param);
    snprintf(out->unit, sizeof out->unit, "%s", unit ? unit : "");
    out->targets = targets;
    out->ntargets = ntargets;
    struct search s = {.path = path, .sets = sets, .nsets = nsets, .param = param, .targets = targets,
                       .ntargets = ntargets, .o = o, .out = out, .diag = diag};
    long start = erlang_start(path, sets, nsets, param, diag);
    start = start < lo ? lo : start > hi ? hi : start;
    int rc = 0;
    struct flow_size_eval *e = evaluate(&s, start, &rc);
    if (e == NULL)
        return rc;
    struct bracket b = {lo, hi, e->meets ? start : hi + 1, e->meets ? lo - 1 : start};
    if (!(e->meets ? bracket_down(&s, &b, &rc) : bracket_up(&s, &b, &rc)))
        return rc;
    bool ok = bisect(&s, &b, &rc);
    drop_ahead(&s);
    if (!ok)
        return rc;
    qsort(out->evals, out->nevals, sizeof *out->evals, by_value);
    out->found = !out->stalled && b.good <= hi;
    out->answer = out->found ? b.good : 0;
    return 0;
}

/* ---- goal-seeking a continuous parameter ------------------------------------------------ */

enum seek_rule { SEEK_INTERVAL, SEEK_MEAN, SEEK_REACH };

/* Every target on the good side: its whole interval (the answer's rule), its mean, or the
 * favourable end of its interval. */
static bool seek_met(const struct search *s, const struct flow_size_eval *e, enum seek_rule rule)
{
    if (rule == SEEK_INTERVAL)
        return e->meets;
    for (size_t t = 0; t < s->ntargets; t++) {
        const struct flow_target *tg = &s->targets[t];
        struct flow_summary x;
        flow_results_summary(&e->results, (size_t)flow_results_find(&e->results, tg->metric), &x);
        double v = rule == SEEK_MEAN ? x.mean : tg->at_most ? (isfinite(x.ci_low) ? x.ci_low : x.mean)
                                                           : (isfinite(x.ci_high) ? x.ci_high : x.mean);
        if (!(tg->at_most ? v <= tg->value : v >= tg->value))
            return false;
    }
    return true;
}

/* The boundary of `rule` to within the resolution: with the good side below (largest), the
 * largest value evaluated that meets it below the smallest that does not (*first_bad),
 * bisecting between them; mirrored for the smallest. NAN when the rule holds on the whole
 * range (*first_bad NAN too) or nowhere. */
static double seek_boundary(struct search *s, enum seek_rule rule, double *first_bad, int *rc)
{
    struct flow_size_result *out = s->out;
    bool largest = out->largest;
    for (;;) {
        double good = NAN, bad = NAN;
        for (size_t i = 0; i < out->nevals; i++) {      /* the nearest failure to the good end */
            double x = out->evals[i].x;
            if (!seek_met(s, &out->evals[i], rule) && (isnan(bad) || (largest ? x < bad : x > bad)))
                bad = x;
        }
        *first_bad = bad;
        if (isnan(bad))
            return NAN;                                 /* met over the whole range */
        for (size_t i = 0; i < out->nevals; i++) {      /* the nearest success before it */
            double x = out->evals[i].x;
            if (seek_met(s, &out->evals[i], rule) && (largest ? x < bad : x > bad) &&
                (isnan(good) || (largest ? x > good : x < good)))
                good = x;
        }
        if (isnan(good))
            return NAN;                                 /* met nowhere */
        if (fabs(bad - good) <= out->resolution)
            return good;
        double mid = good + (bad - good) / 2;
        if (evaluate_guessing(s, mid, mid + (bad - mid) / 2, rc) == NULL)
            return NAN;
    }
}

int flow_size_seek(const char *path, const char *const *sets, size_t nsets, const char *param, const char *unit,
                   double lo, double hi, double resolution, const struct flow_target *targets, size_t ntargets,
                   const struct flow_run_options *o, struct flow_size_result *out, struct flow_diag *diag)
{
    memset(out, 0, sizeof *out);
    out->parameter = flow_xstrdup(param);
    snprintf(out->unit, sizeof out->unit, "%s", unit ? unit : "");
    out->targets = targets;
    out->ntargets = ntargets;
    out->continuous = true;
    out->lo = lo, out->hi = hi, out->resolution = resolution;
    out->x_answer = out->estimate = out->reach = NAN;
    struct search s = {.path = path, .sets = sets, .nsets = nsets, .param = param, .targets = targets,
                       .ntargets = ntargets, .o = o, .out = out, .diag = diag};
    int rc = 0;
    struct flow_size_eval *a = NULL, *b = NULL;   /* the two ends: independent, run together */
    if (lo == hi) {
        if ((a = b = evaluate_at(&s, lo, &rc)) == NULL)
            return rc;
    } else if ((rc = evaluate_pair(&s, lo, hi, &a, &b)) != 0) {
        return rc;
    }
    bool low_meets = a->meets, high_meets = b->meets;
    if (low_meets != high_meets) {
        out->largest = low_meets;
        double bad;
        out->x_answer = seek_boundary(&s, SEEK_INTERVAL, &bad, &rc);
        /* The means cross between their last success and first failure; the favourable ends
         * of the intervals have crossed by the first value where even they miss. */
        double good = rc == 0 ? seek_boundary(&s, SEEK_MEAN, &bad, &rc) : NAN;
        out->estimate = isfinite(bad) ? (good + bad) / 2 : NAN;
        if (rc == 0)
            seek_boundary(&s, SEEK_REACH, &bad, &rc);
        out->reach = bad;
        drop_ahead(&s);
        if (rc != 0)
            return rc;
        out->found = isfinite(out->x_answer);
    }
    out->all_meet = low_meets && high_meets;
    qsort(out->evals, out->nevals, sizeof *out->evals, by_value);
    return 0;
}

void flow_size_fini(struct flow_size_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->nevals; i++) {
        flow_results_fini(&r->evals[i].results);
        flow_scenario_destroy(r->evals[i].scenario);
    }
    free(r->evals);
    free(r->parameter);
    memset(r, 0, sizeof *r);
}
