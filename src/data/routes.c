/* routes.c - a group's routes: the sequences of wards its spells took, the most common kept,
 * and the steps (wards taken independently with a probability each, as the model takes a
 * route's steps) that reproduce them, with a test of how well they do. */
#include <flowsim/extract.h>
#include <flowsim/limits.h>

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int by_wards(const void *a, const void *b)
{
    const struct flow_route *x = a, *y = b;
    for (size_t i = 0; i < x->n && i < y->n; i++)
        if (x->stays[i].ward != y->stays[i].ward)
            return x->stays[i].ward < y->stays[i].ward ? -1 : 1;
    return (x->n > y->n) - (x->n < y->n);
}

static int by_count(const void *a, const void *b)
{
    const struct flow_route *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return by_wards(a, b);
}

/* The distinct sequences of the group's ended spells, with their counts. */
static int routes_count(const struct flow_spells *sp, uint32_t group, struct flow_group_routes *out)
{
    out->routes = malloc((sp->nspells + 1) * sizeof *out->routes);
    if (out->routes == NULL)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < sp->nspells; i++) {
        const struct flow_spell *s = &sp->spells[i];
        if (s->group != group)
            continue;
        out->spells++;
        if (s->open)
            continue;
        out->ended++;
        if (s->n > FLOW_MAX_STEPS) {      /* no route can hold it: counted in the rest */
            out->too_long++;
            continue;
        }
        out->routes[n++] = (struct flow_route){&sp->stays[s->first], s->n, 1};
    }
    qsort(out->routes, n, sizeof *out->routes, by_wards);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        if (distinct > 0 && by_wards(&out->routes[distinct - 1], &out->routes[i]) == 0)
            out->routes[distinct - 1].count++;
        else
            out->routes[distinct++] = out->routes[i];
    }
    qsort(out->routes, distinct, sizeof *out->routes, by_count);
    out->nroutes = distinct;
    return 0;
}

bool flow_routes_embed(const uint32_t *steps, size_t nsteps, const struct flow_stay *seq, size_t n, size_t *pos)
{
    size_t j = 0;
    for (size_t i = 0; i < nsteps && j < n; i++)
        if (steps[i] == seq[j].ward)
            pos[j++] = i;
    return j == n;
}

/* The shortest common supersequence of steps and seq (longest common subsequence table), in
 * place of steps (room for nsteps + n). */
static int merge(uint32_t *steps, size_t *nsteps, const struct flow_stay *seq, size_t n)
{
    size_t a = *nsteps, w = n + 1;
    size_t *lcs = calloc((a + 1) * w, sizeof *lcs);
    uint32_t *merged = malloc((a + n + 1) * sizeof *merged);
    if (lcs == NULL || merged == NULL) {
        free(lcs);
        free(merged);
        return -1;
    }
    for (size_t i = a; i-- > 0;)
        for (size_t j = n; j-- > 0;)
            lcs[i * w + j] = steps[i] == seq[j].ward ? 1 + lcs[(i + 1) * w + j + 1]
                             : lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] ? lcs[(i + 1) * w + j] : lcs[i * w + j + 1];
    size_t i = 0, j = 0, k = 0;
    while (i < a || j < n) {
        if (i < a && j < n && steps[i] == seq[j].ward)
            merged[k++] = steps[i++], j++;
        else if (j == n || (i < a && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]))
            merged[k++] = steps[i++];
        else
            merged[k++] = seq[j++].ward;
    }
    memcpy(steps, merged, k * sizeof *steps);
    *nsteps = k;
    free(lcs);
    free(merged);
    return 0;
}

double flow_routes_chance(const uint32_t *steps, const double *p, size_t nsteps, const struct flow_stay *seq,
                          size_t n)
{
    /* f[j]: the chance that the steps so far gave exactly seq's first j wards. */
    double *f = calloc(n + 1, sizeof *f);
    if (f == NULL)
        return NAN;
    f[0] = 1;
    for (size_t i = 0; i < nsteps; i++)
        for (size_t j = n + 1; j-- > 0;) {
            double took = j > 0 && steps[i] == seq[j - 1].ward ? f[j - 1] * p[i] : 0;
            f[j] = f[j] * (1 - p[i]) + took;
        }
    double chance = f[n];
    free(f);
    return chance;
}

/* Steps and their shares from the kept sequences; then the test. */
static int routes_steps(struct flow_group_routes *r)
{
    size_t room = 0;
    for (size_t k = 0; k < r->kept; k++)
        room += r->routes[k].n;
    r->steps = malloc((room + 1) * sizeof *r->steps);
    r->p = calloc(room + 1, sizeof *r->p);
    size_t *pos = malloc((room + 1) * sizeof *pos);
    if (r->steps == NULL || r->p == NULL || pos == NULL) {
        free(pos);
        return -1;
    }
    /* The kept routes merged while the steps fit in a route (FLOW_MAX_STEPS); a route that
     * would not fit, and those after it, are left to the rest. */
    uint32_t *before = malloc((room + 1) * sizeof *before);
    if (before == NULL) {
        free(pos);
        return -1;
    }
    for (size_t k = 0; k < r->kept; k++) {
        size_t had = r->nsteps;
        memcpy(before, r->steps, had * sizeof *before);
        if (merge(r->steps, &r->nsteps, r->routes[k].stays, r->routes[k].n) != 0) {
            free(pos);
            free(before);
            return -1;
        }
        if (r->nsteps > FLOW_MAX_STEPS && k > 0) {
            memcpy(r->steps, before, had * sizeof *before);
            r->nsteps = had;
            for (size_t j = k; j < r->kept; j++)
                r->kept_spells -= r->routes[j].count;
            r->kept = k;
            break;
        }
    }
    free(before);
    for (size_t k = 0; k < r->kept; k++) {
        flow_routes_embed(r->steps, r->nsteps, r->routes[k].stays, r->routes[k].n, pos);
        for (size_t j = 0; j < r->routes[k].n; j++)
            r->p[pos[j]] += (double)r->routes[k].count / (double)r->kept_spells;
    }
    free(pos);
    double n = (double)r->ended, expected_kept = 0;
    r->chi2 = r->distance = 0;
    for (size_t k = 0; k < r->kept; k++) {
        double chance = flow_routes_chance(r->steps, r->p, r->nsteps, r->routes[k].stays, r->routes[k].n);
        double e = n * chance, o = (double)r->routes[k].count;
        expected_kept += chance;
        r->chi2 += e > 0 ? (o - e) * (o - e) / e : INFINITY;
        r->distance += 0.5 * fabs(o / n - chance);
    }
    double other_o = (double)(r->ended - r->kept_spells), other_e = n * fmax(0, 1 - expected_kept);
    r->chi2 += other_e > 0 ? (other_o - other_e) * (other_o - other_e) / other_e : (other_o > 0 ? INFINITY : 0);
    r->distance += 0.5 * fabs(other_o / n - other_e / n);
    double df = (double)r->kept - (double)r->nsteps;        /* cells kept + 1, less 1, less the p's */
    r->p_value = df > 0 && isfinite(r->chi2) ? gsl_cdf_chisq_Q(r->chi2, df) : (r->chi2 < 1e-9 ? 1 : 0);
    r->independent = r->p_value >= 0.001 || r->distance <= 0.02;
    return 0;
}

int flow_routes_group(const struct flow_spells *sp, uint32_t group, struct flow_group_routes *out)
{
    memset(out, 0, sizeof *out);
    if (routes_count(sp, group, out) != 0)
        return -1;
    double least = fmax(5, 0.01 * (double)out->ended);
    while (out->kept < out->nroutes && out->kept < FLOW_ROUTES_KEPT && (double)out->routes[out->kept].count >= least)
        out->kept_spells += out->routes[out->kept++].count;
    if (out->kept == 0 && out->nroutes > 0)                     /* a few spells: keep the commonest */
        out->kept_spells = out->routes[out->kept++].count;
    if (out->kept > 0 && routes_steps(out) != 0) {
        flow_group_routes_fini(out);
        return -1;
    }
    return 0;
}

void flow_group_routes_fini(struct flow_group_routes *r)
{
    free(r->routes);
    free(r->steps);
    free(r->p);
    memset(r, 0, sizeof *r);
}
