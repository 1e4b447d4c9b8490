/* fitted.c - what `flowsim fit` makes of an extract: per group, its routes as steps (or, where
 * the steps cannot reproduce the routes taken, one group per route), each step's stays fitted by
 * maximum likelihood (censored stays by their survival, dates alone by their day's interval),
 * delays after the ready time as an empirical distribution, and each ward's peak of patients
 * present. The YAML writer (fitwrite.c) prints it. */
#include <flowsim/calendar.h>
#include <flowsim/extract.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void flow_extract_scenario_name(const char *name, char *out, size_t size)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && k + 1 < size && k < 100; p++)
        out[k++] = (*p == '.' || *p == '=' || *p < 0x20 || *p == 0x7f) ? '_' : (char)*p;
    out[k] = '\0';
}

/* Two of n names that become one scenario name, or false. */
static bool clash(char *const *names, size_t n, const char *what, char *why, size_t len)
{
    char a[FLOW_MAX_NAME + 1], b[FLOW_MAX_NAME + 1];
    for (size_t i = 0; i < n; i++) {
        flow_extract_scenario_name(names[i], a, sizeof a);
        for (size_t j = 0; j < i; j++) {
            flow_extract_scenario_name(names[j], b, sizeof b);
            if (strcmp(a, b) == 0) {
                snprintf(why, len, "the %ss '%.100s' and '%.100s' would both be '%s' in a scenario (names there are "
                         "at most 100 bytes, without '.', '=' or control characters): rename one", what, names[j],
                         names[i], a);
                return true;
            }
        }
    }
    return false;
}

bool flow_extract_names_clash(const struct flow_extract *x, char *why, size_t len)
{
    return clash(x->wards, x->nwards, "ward", why, len) || clash(x->groups, x->ngroups, "group", why, len);
}

/* Durations of one step's stays, with what is known of each. */
struct sample {
    double *x, *hi;
    unsigned char *kind;
    size_t n, cap;
};

static int sample_add(struct sample *s, double lo, double hi, unsigned char kind)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        double *x = realloc(s->x, cap * sizeof *x);
        if (x == NULL)
            return -1;
        s->x = x;
        double *h = realloc(s->hi, cap * sizeof *h);
        if (h == NULL)
            return -1;
        s->hi = h;
        unsigned char *k = realloc(s->kind, cap);
        if (k == NULL)
            return -1;
        s->kind = k;
        s->cap = cap;
    }
    s->x[s->n] = lo, s->hi[s->n] = hi, s->kind[s->n] = kind;
    s->n++;
    return 0;
}

/* A duration from a to b where either end may be a date alone (then known to the day). */
static int sample_span(struct sample *s, double a, bool a_day, double b, bool b_day, bool open)
{
    if (open)
        return sample_add(s, fmax(b - a, 1.0 / 1440), 0, FLOW_FIT_RIGHT);
    if (!a_day && !b_day)
        return sample_add(s, fmax(b - a, 1.0 / 1440), 0, FLOW_FIT_ENDED);
    if (a_day && b_day)
        return sample_add(s, fmax(round(b - a), 0), 0, FLOW_FIT_DAYS);
    double lo = (b - a) - (a_day ? 1 : 0), hi = (b - a) + (b_day ? 1 : 0);
    return sample_add(s, fmax(lo, 0), fmax(hi, 1.0 / 1440), FLOW_FIT_INTERVAL);
}

static void sample_fini(struct sample *s)
{
    free(s->x);
    free(s->hi);
    free(s->kind);
}

/* Fits a step's sample: the best family, and whether it fits poorly (the KS distance beyond its
 * 5% critical value and above 0.03). */
static void step_fit(struct flow_fitted_step *st, const struct sample *s)
{
    st->stays = s->n;
    st->fitted = flow_fit_best_censored(s->x, s->hi, s->kind, s->n, st->fits, &st->best) == 0;
    if (!st->fitted)
        return;
    const struct flow_fit *f = &st->fits[st->best];
    double n = (double)(f->observed + f->intervals);
    st->poor = f->ks > 1.36 / sqrt(n) && f->ks > 0.03;
    /* The ended stays, for an empirical alternative. */
    st->values = malloc((s->n + 1) * sizeof *st->values);
    if (st->values == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (s->kind[i] == FLOW_FIT_ENDED)
            st->values[st->nvalues++] = s->x[i];
        else if (s->kind[i] == FLOW_FIT_INTERVAL)
            st->values[st->nvalues++] = fmax(0.5 * (s->x[i] + s->hi[i]), 1.0 / 1440);
        else if (s->kind[i] == FLOW_FIT_DAYS)
            st->values[st->nvalues++] = fmax(s->x[i], 1.0 / 1440);
}

/* Adds spell sp's stays to the samples of steps (at positions pos), the last stay split at its
 * ready time into a clinical stay and a delay when the extract gives one. */
static int add_spell(const struct flow_spells *spells, const struct flow_spell *sp, const size_t *pos,
                     struct sample *samples, struct sample *delays, struct flow_fitted_group *g)
{
    for (size_t j = 0; j < sp->n; j++) {
        const struct flow_stay *st = &spells->stays[sp->first + j];
        bool open = (st->flags & FLOW_EP_OPEN) != 0, last = j + 1 == sp->n;
        bool a_day = st->flags & FLOW_EP_START_DAY, b_day = st->flags & FLOW_EP_END_DAY;
        if (last && (st->flags & FLOW_EP_READY)) {
            bool r_day = st->flags & FLOW_EP_READY_DAY;
            g->ready_stays++;
            g->steps[pos[j]].to_ready++;
            if (sample_span(&samples[pos[j]], st->start, a_day, st->ready, r_day, false) != 0)
                return -1;
            if (!open && sample_add(delays, fmax(st->end - st->ready, 0), 0, FLOW_FIT_ENDED) != 0)
                return -1;
            continue;
        }
        g->ready_ignored += (st->flags & FLOW_EP_READY) != 0;    /* a patient moving on was not leaving */
        if (sample_span(&samples[pos[j]], st->start, a_day, st->end, b_day, open) != 0)
            return -1;
    }
    return 0;
}

/* Whether spell sp belongs to the fitted group (route k, or all of the group's when k < 0);
 * pos gets the step each of its stays takes. An open spell belongs to the first kept route it
 * begins. */
static bool spell_is_mine(const struct flow_spells *spells, const struct flow_spell *sp,
                          const struct flow_group_routes *r, long k, const uint32_t *steps, size_t nsteps,
                          size_t *pos)
{
    const struct flow_stay *seq = &spells->stays[sp->first];
    if (k < 0)
        return flow_routes_embed(steps, nsteps, seq, sp->n, pos);
    if (!sp->open)
        return sp->n == nsteps && flow_routes_embed(steps, nsteps, seq, sp->n, pos);
    long first = -1;
    for (size_t q = 0; q < r->kept && first < 0; q++) {
        size_t m = 0;
        while (m < sp->n && m < r->routes[q].n && r->routes[q].stays[m].ward == seq[m].ward)
            m++;
        if (m == sp->n)
            first = (long)q;
    }
    for (size_t j = 0; first == k && j < sp->n; j++)
        pos[j] = j;
    return first == k;
}

/* The steps' fits (and the delays') from the samples gathered. */
static void group_fit_steps(const struct flow_group_routes *r, long k, const uint32_t *steps, struct sample *samples,
                            struct sample *delays, struct flow_fitted_group *g)
{
    for (size_t j = 0; j < g->nsteps; j++) {
        g->steps[j].ward = steps[j];
        g->steps[j].p = k < 0 ? r->p[j] : 1;
        step_fit(&g->steps[j], &samples[j]);
    }
    if (delays->n > 0) {
        g->delays = delays->x;
        g->ndelays = delays->n;
        delays->x = NULL;
    }
}

/* The steps of one fitted group and the spells that belong to it: all spells of the extract
 * group that fit its steps (route k < 0), or those whose ward sequence is route k's (and
 * open spells that begin it, when it is the first route they begin). */
static int group_fit(const struct flow_spells *spells, const struct flow_group_routes *r, uint32_t group, long k,
                     struct flow_fitted_group *g)
{
    const uint32_t *steps = k < 0 ? r->steps : NULL;
    size_t nsteps = k < 0 ? r->nsteps : r->routes[k].n;
    uint32_t *own = NULL;
    if (k >= 0) {
        own = malloc((nsteps + 1) * sizeof *own);
        if (own == NULL)
            return -1;
        for (size_t j = 0; j < nsteps; j++)
            own[j] = r->routes[k].stays[j].ward;
        steps = own;
    }
    g->steps = calloc(nsteps + 1, sizeof *g->steps);
    struct sample *samples = calloc(nsteps + 1, sizeof *samples), delays = {0};
    size_t *pos = malloc((spells->nstays + 1) * sizeof *pos);
    int rc = g->steps && samples && pos ? 0 : -1;
    g->nsteps = nsteps;
    for (size_t i = 0; rc == 0 && i < spells->nspells; i++) {
        const struct flow_spell *sp = &spells->spells[i];
        if (sp->group != group)
            continue;
        if (spell_is_mine(spells, sp, r, k, steps, nsteps, pos))
            rc = add_spell(spells, sp, pos, samples, &delays, g);
        else
            g->unplaced += sp->n;
    }
    if (rc == 0)
        group_fit_steps(r, k, steps, samples, &delays, g);
    for (size_t j = 0; samples && j < nsteps; j++)
        sample_fini(&samples[j]);
    sample_fini(&delays);
    free(samples);
    free(pos);
    free(own);
    return rc;
}

static void group_fini(struct flow_fitted_group *g)
{
    for (size_t j = 0; g->steps && j < g->nsteps; j++)
        free(g->steps[j].values);
    free(g->steps);
    free(g->delays);
}

/* One extract group: one fitted group with independent steps, or one per kept route. */
static int fitted_group(struct flow_fitted *f, const struct flow_extract *x, uint32_t group)
{
    struct flow_group_routes *r = &f->routes[group];
    if (flow_routes_group(&f->spells, group, r) != 0)
        return -1;
    if (flow_extract_arrivals(x, group, &f->arrivals[group]) != 0 || r->kept == 0)
        return 0;                              /* no spell has ended: nothing to fit */
    size_t parts = r->independent ? 1 : r->kept;
    struct flow_fitted_group *more = realloc(f->groups, (f->ngroups + parts) * sizeof *more);
    if (more == NULL)
        return -1;
    f->groups = more;
    for (size_t q = 0; q < parts; q++) {
        struct flow_fitted_group *g = &f->groups[f->ngroups++];
        memset(g, 0, sizeof *g);
        g->group = group;
        g->route = r->independent ? -1 : (long)q;
        g->share = r->independent ? 1 : (double)r->routes[q].count / (double)r->kept_spells;
        char base[FLOW_MAX_NAME + 1];
        flow_extract_scenario_name(x->groups[group], base, sizeof base);
        if (q == 0)
            snprintf(g->name, sizeof g->name, "%s", base);
        else
            snprintf(g->name, sizeof g->name, "%.*s_route%zu", FLOW_MAX_NAME - 12, base, q + 1);
        if (group_fit(&f->spells, r, group, g->route, g) != 0)
            return -1;
    }
    return 0;
}

int flow_fitted_make(const struct flow_extract *x, struct flow_fitted *f)
{
    memset(f, 0, sizeof *f);
    f->routes = calloc(x->ngroups + 1, sizeof *f->routes);
    f->arrivals = calloc(x->ngroups + 1, sizeof *f->arrivals);
    f->peak = calloc(x->nwards + 1, sizeof *f->peak);
    if (f->routes == NULL || f->arrivals == NULL || f->peak == NULL || flow_extract_spells(x, &f->spells) != 0) {
        flow_fitted_fini(f, x);
        return -1;
    }
    flow_extract_peaks(x, f->peak);
    for (uint32_t g = 0; g < x->ngroups; g++)
        if (fitted_group(f, x, g) != 0) {
            flow_fitted_fini(f, x);
            return -1;
        }
    return 0;
}

void flow_fitted_fini(struct flow_fitted *f, const struct flow_extract *x)
{
    for (size_t g = 0; g < f->ngroups; g++)
        group_fini(&f->groups[g]);
    free(f->groups);
    for (size_t g = 0; f->routes && g < x->ngroups; g++)
        flow_group_routes_fini(&f->routes[g]);
    free(f->routes);
    free(f->arrivals);
    free(f->peak);
    flow_spells_fini(&f->spells);
    memset(f, 0, sizeof *f);
}
