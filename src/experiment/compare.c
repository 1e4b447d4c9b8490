/* compare.c - paired comparison of a base scenario and a what-if with common random numbers.
 * Each replication of the what-if uses the streams of the same replication of the base, so
 * the replication-by-replication differences cancel most of the noise the two share. */
#include <flowsim/compare.h>
#include <flowsim/experiment.h>
#include <flowsim/util.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

int flow_compare_run(const struct flow_scenario *base, const struct flow_scenario *whatif,
                     const struct flow_run_options *o, struct flow_comparison *out)
{
    memset(out, 0, sizeof *out);
    int rc = flow_experiment_run(base, o, &out->base, NULL);
    if (rc == 0)
        rc = flow_experiment_run(whatif, o, &out->whatif, NULL);
    if (rc != 0)
        return rc;
    out->ib = flow_xcalloc(out->base.nmetrics, sizeof *out->ib);
    out->iw = flow_xcalloc(out->base.nmetrics, sizeof *out->iw);
    for (size_t i = 0; i < out->base.nmetrics; i++) {
        char *path = flow_metric_path(&out->base.defs[i]);
        long j = flow_results_find(&out->whatif, path);
        free(path);
        if (j >= 0) {
            out->ib[out->n] = i;
            out->iw[out->n++] = (size_t)j;
        }
    }
    return 0;
}

bool flow_compare_run_setting(const char *set)
{
    static const char *const keys[] = {"horizon", "warmup", "replications", "seed", "start", "holidays"};
    size_t n = strcspn(set, "=");
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        if (strlen(keys[k]) == n && strncmp(set, keys[k], n) == 0)
            return true;
    return false;
}

void flow_comparison_fini(struct flow_comparison *c)
{
    if (c == NULL)
        return;
    flow_results_fini(&c->base);
    flow_results_fini(&c->whatif);
    free(c->ib);
    free(c->iw);
    memset(c, 0, sizeof *c);
}

static bool in_common(const size_t *common, size_t n, size_t i)
{
    for (size_t k = 0; k < n; k++)
        if (common[k] == i)
            return true;
    return false;
}

static void append(char **out, const char *text)
{
    char *t = *out ? flow_xasprintf("%s, %s", *out, text) : flow_xstrdup(text);
    free(*out);
    *out = t;
}

/* An entity (a ward, a group ...) that the other side lacks altogether is named once
 * ("wards.AMU (all)"); otherwise each metric it lacks is listed. */
char *flow_comparison_one_side(const struct flow_comparison *c, bool whatif)
{
    const struct flow_results *r = whatif ? &c->whatif : &c->base;
    const size_t *common = whatif ? c->iw : c->ib;
    char *out = NULL;
    for (size_t i = 0; i < r->nmetrics;) {
        const struct flow_metric_def *d = &r->defs[i];
        size_t end = i, missing = 0;
        while (end < r->nmetrics && strcmp(r->defs[end].section, d->section) == 0 &&
               r->defs[end].entity == d->entity)
            missing += !in_common(common, c->n, end++);
        if (missing == end - i && d->entity) {
            char *t = flow_xasprintf("%s.%s (all)", d->section, d->entity);
            append(&out, t);
            free(t);
        } else {
            for (size_t k = i; missing && k < end; k++) {
                if (in_common(common, c->n, k))
                    continue;
                char *path = flow_metric_path(&r->defs[k]);
                append(&out, path);
                free(path);
            }
        }
        i = end;
    }
    return out;
}

void flow_comparison_summary(const struct flow_comparison *c, size_t k, struct flow_summary *base,
                             struct flow_summary *whatif, struct flow_summary *diff)
{
    size_t n = c->base.nreps < c->whatif.nreps ? c->base.nreps : c->whatif.nreps;
    flow_results_summary(&c->base, c->ib[k], base);
    flow_results_summary(&c->whatif, c->iw[k], whatif);
    double *d = flow_xcalloc(n ? n : 1, sizeof *d);
    for (size_t r = 0; r < n; r++)
        d[r] = flow_comparison_diff(c, k, r);
    flow_summary_compute(diff, d, n, 1);
    free(d);
}

double flow_comparison_diff(const struct flow_comparison *c, size_t k, size_t rep)
{
    double a = c->base.values[rep * c->base.nmetrics + c->ib[k]];
    double b = c->whatif.values[rep * c->whatif.nmetrics + c->iw[k]];
    double d = b - a;          /* NAN when either is undefined: skipped by summaries */
    return fabs(d) <= 1e-12 * fmax(fabs(a), fabs(b)) ? 0 : d;   /* rounding noise: the same value */
}

bool flow_summary_excludes_zero(const struct flow_summary *s)
{
    return isfinite(s->ci_low) && (s->ci_low > 0 || s->ci_high < 0);
}
