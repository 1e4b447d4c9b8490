/* write_check.c - the report of `flowsim check`: each measure of the extract beside the simulated
 * mean and its 95% prediction interval, marked where the observation is outside; patients
 * present by hour of the week as one distance per ward against its bound (the intervals and
 * bounds: experiment/check.c). As text, JSON or an HTML page. */
#include <flowsim/check.h>
#include <flowsim/error.h>
#include <flowsim/report.h>
#include <flowsim/scenario.h>
#include <flowsim/util.h>

#include "internal.h"

#include <gsl/gsl_statistics_double.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct line {
    char section[32], label[FLOW_MAX_NAME * 8], path[FLOW_MAX_NAME * 8];
    double observed, mean, low, high;
    bool outside;
};

static const char *const centile_key[] = {"mean", "p50", "p90", "p95"};
static const char *const centile_text[] = {"mean", "median", "90th centile", "95th centile"};

static void interval(const struct flow_check *c, size_t k, struct line *l)
{
    struct flow_check_interval in;
    flow_check_line(c, k, &in);
    l->observed = c->observed[k];
    l->mean = in.mean, l->low = in.low, l->high = in.high, l->outside = in.outside;
}

static void route_text(const struct flow_extract *x, const struct flow_route *r, char *buf, size_t len,
                       const char *sep)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < r->n && used + 1 < len; j++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", j ? sep : "", x->wards[r->stays[j].ward]);
}

static void describe(const struct flow_check *c, const struct flow_extract *x, size_t k, struct line *l)
{
    size_t a = 0, b = 0;
    char route[FLOW_MAX_NAME * 4];
    switch (flow_measure_describe(&c->layout, k, &a, &b)) {
    case FLOW_MEASURE_ARRIVALS:
        snprintf(l->section, sizeof l->section, "arrivals");
        snprintf(l->label, sizeof l->label, "%s%s", x->groups[a], c->group_modelled[a] ? "" : " (not modelled)");
        snprintf(l->path, sizeof l->path, "arrivals.%s", x->groups[a]);
        break;
    case FLOW_MEASURE_WARD_LOS:
        snprintf(l->section, sizeof l->section, "los");
        snprintf(l->label, sizeof l->label, "%s, %s%s", x->wards[a], centile_text[b],
                 c->ward_modelled[a] ? "" : " (not modelled)");
        snprintf(l->path, sizeof l->path, "los.%s.%s", x->wards[a], centile_key[b]);
        break;
    case FLOW_MEASURE_SPELL_LOS:
        snprintf(l->section, sizeof l->section, "los");
        snprintf(l->label, sizeof l->label, "whole spell, %s", centile_text[b]);
        snprintf(l->path, sizeof l->path, "los.spell.%s", centile_key[b]);
        break;
    case FLOW_MEASURE_OCCUPANCY:
        snprintf(l->section, sizeof l->section, "occupancy");
        snprintf(l->label, sizeof l->label, "%s%s", x->wards[a], c->ward_modelled[a] ? "" : " (not modelled)");
        snprintf(l->path, sizeof l->path, "occupancy.%s", x->wards[a]);
        break;
    case FLOW_MEASURE_ROUTE:
        snprintf(l->section, sizeof l->section, "routes");
        route_text(x, &c->layout.routes[a].routes[b], route, sizeof route, " > ");
        snprintf(l->label, sizeof l->label, "%s: %s", x->groups[a], route);
        snprintf(l->path, sizeof l->path, "routes.%s.%s", x->groups[a], route);
        break;
    }
}

static struct line *lines_of(const struct flow_check *c, const struct flow_extract *x)
{
    struct line *l = flow_xcalloc(c->n + 1, sizeof *l);
    for (size_t k = 0; k < c->n; k++) {
        describe(c, x, k, &l[k]);
        interval(c, k, &l[k]);
    }
    return l;
}

static const char *section_title(const char *s)
{
    return strcmp(s, "arrivals") == 0    ? "Arrivals per day"
           : strcmp(s, "los") == 0       ? "Length of stay, days (ended stays; whole spell: arrival to leaving)"
           : strcmp(s, "occupancy") == 0 ? "Patients present, mean"
                                         : "Routes: share of each group's ended spells";
}

static size_t count_outside(const struct line *l, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += l[i].outside;
    return k;
}

/* Scenario wards and groups with no counterpart in the extract: simulated, not compared. */
static void unmatched_text(FILE *f, const struct flow_check_report *r)
{
    const struct flow_scenario *s = r->scenario;
    const char *sep = "Not in the extract, so not compared: ";
    for (size_t w = 0; w < s->nwards; w++)
        if (r->check->ward_of[w] == UINT32_MAX)
            fprintf(f, "%sward %s", sep, s->wards[w].name), sep = ", ";
    for (size_t g = 0; g < s->ngroups; g++)
        if (r->check->group_of[g] == UINT32_MAX)
            fprintf(f, "%sgroup %s", sep, s->groups[g].name), sep = ", ";
    if (sep[0] == ',')
        fputs(".\n", f);
}

int flow_report_check_text(FILE *f, const struct flow_check_report *r)
{
    const struct flow_check *c = r->check;
    struct line *l = lines_of(c, r->x);
    fprintf(f, "Check of %s against %s\n", r->scenario_path, r->extract_path);
    fprintf(f, "Period: %s to %s (%.1f days); %zu replications,\n"
               "each starting empty as the extract does (it has no stay begun before it).\n"
               "Observed, then simulated: the mean of the replications and its 95%% prediction interval\n"
               "(where one period's value falls 95%% of the time if the model is right). '<<' marks an\n"
               "observation outside it: by chance alone, about one line in 20 is.\n",
            r->from, r->to, r->x->last - r->x->first, c->nreps);
    unmatched_text(f, r);
    const char *section = "";
    for (size_t k = 0; k < c->n; k++) {
        if (strcmp(section, l[k].section) != 0) {
            section = l[k].section;
            fprintf(f, "\n%s\n%-46s %10s %10s  %s\n", section_title(section), "", "observed", "simulated",
                    "95% prediction interval");
        }
        fprintf(f, "  %-44.44s %10.4g %10.4g  [%.4g, %.4g]%s\n", l[k].label, l[k].observed, l[k].mean, l[k].low,
                l[k].high, l[k].outside ? "  <<" : "");
    }
    fprintf(f, "\nPatients present by hour of the week (root mean square difference from the simulated mean;\n"
               "the bound: 95%% of replications differ from the others' mean by less)\n");
    size_t hourly_outside = 0;
    for (size_t w = 0; w < r->x->nwards; w++) {
        struct flow_check_hourly h;
        flow_check_hourly(c, w, &h);
        hourly_outside += h.outside;
        char label[FLOW_MAX_NAME * 4];
        snprintf(label, sizeof label, "%s, hour of the week", r->x->wards[w]);
        fprintf(f, "  %-44.44s %10.4g  bound %.4g%s\n", label, h.distance, h.bound, h.outside ? "  <<" : "");
    }
    size_t outside = count_outside(l, c->n) + hourly_outside;
    fprintf(f, "\n%zu of %zu lines outside their interval.\n", outside, c->n + r->x->nwards);
    free(l);
    return ferror(f) ? FLOW_E_IO : 0;
}

static json_t *number(double x) { return isfinite(x) ? json_real(x) : json_null(); }

static json_t *series(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, number(v[i]));
    return a;
}

/* Per ward: observed, simulated mean and 95% prediction band by hour of the week. */
static json_t *hourly_json(const struct flow_check_report *r, size_t w)
{
    const struct flow_check *c = r->check;
    size_t W = c->layout.nwards;
    double mean[168], low[168], high[168], *v = flow_xcalloc(c->nreps + 1, sizeof *v);
    for (int h = 0; h < 168; h++) {
        for (size_t k = 0; k < c->nreps; k++)
            v[k] = c->hourly_sim[(k * W + w) * 168 + (size_t)h];
        mean[h] = gsl_stats_mean(v, 1, c->nreps);
        double half = flow_prediction_halfwidth(gsl_stats_sd(v, 1, c->nreps), c->nreps, 0.95);
        low[h] = mean[h] - half, high[h] = mean[h] + half;
    }
    free(v);
    struct flow_check_hourly test;
    flow_check_hourly(c, w, &test);
    json_t *o = json_object();
    json_object_set_new(o, "observed", series(c->hourly_observed + 168 * w, 168));
    json_object_set_new(o, "mean", series(mean, 168));
    json_object_set_new(o, "low", series(low, 168));
    json_object_set_new(o, "high", series(high, 168));
    json_object_set_new(o, "distance", number(test.distance));
    json_object_set_new(o, "bound", number(test.bound));
    json_object_set_new(o, "outside", json_boolean(test.outside));
    return o;
}

static json_t *check_json(const struct flow_check_report *r)
{
    const struct flow_check *c = r->check;
    struct line *l = lines_of(c, r->x);
    json_t *root = json_object(), *lines = json_array(), *hourly = json_object();
    json_object_set_new(root, "kind", json_string("check"));
    json_object_set_new(root, "scenario", json_string(r->scenario_path));
    json_object_set_new(root, "extract", json_string(r->extract_path));
    json_object_set_new(root, "from", json_string(r->from));
    json_object_set_new(root, "to", json_string(r->to));
    json_object_set_new(root, "days", json_real(r->x->last - r->x->first));
    json_object_set_new(root, "replications", json_integer((json_int_t)c->nreps));
    json_t *unmatched = json_array();
    for (size_t w = 0; w < r->scenario->nwards; w++)
        if (c->ward_of[w] == UINT32_MAX)
            json_array_append_new(unmatched, json_sprintf("wards.%s", r->scenario->wards[w].name));
    for (size_t g = 0; g < r->scenario->ngroups; g++)
        if (c->group_of[g] == UINT32_MAX)
            json_array_append_new(unmatched, json_sprintf("groups.%s", r->scenario->groups[g].name));
    json_object_set_new(root, "not_in_extract", unmatched);
    size_t outside = count_outside(l, c->n);
    for (size_t k = 0; k < c->n; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "section", json_string(l[k].section));
        json_object_set_new(o, "label", json_string(l[k].label));
        json_object_set_new(o, "path", json_string(l[k].path));
        json_object_set_new(o, "observed", number(l[k].observed));
        json_object_set_new(o, "mean", number(l[k].mean));
        json_object_set_new(o, "low", number(l[k].low));
        json_object_set_new(o, "high", number(l[k].high));
        json_object_set_new(o, "outside", json_boolean(l[k].outside));
        json_array_append_new(lines, o);
    }
    for (size_t w = 0; w < r->x->nwards; w++) {
        json_t *h = hourly_json(r, w);
        outside += json_is_true(json_object_get(h, "outside"));
        json_object_set_new(hourly, r->x->wards[w], h);
    }
    json_object_set_new(root, "lines", lines);
    json_object_set_new(root, "hourly", hourly);
    json_object_set_new(root, "outside", json_integer((json_int_t)outside));
    free(l);
    return root;
}

int flow_report_check_json(FILE *f, const struct flow_check_report *r)
{
    json_t *root = check_json(r);
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    fputc('\n', f);
    return rc != 0 || ferror(f) ? FLOW_E_IO : 0;
}

int flow_report_check_html(FILE *f, const struct flow_check_report *r)
{
    char *title = flow_xasprintf("Check of %s against %s", r->scenario_path, r->extract_path);
    char *subtitle = flow_xasprintf("%zu replications over %s to %s", r->check->nreps, r->from, r->to);
    int rc = flow__html_write(f, "check", title, subtitle, check_json(r), NULL, r->provenance);
    free(title);
    free(subtitle);
    return rc;
}
