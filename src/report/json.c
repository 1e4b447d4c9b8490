/* json.c - the run report as JSON, built with jansson (no hand-written encoder). Every metric is
 * {"mean", "sd", "ci_low", "ci_high"}; values that are undefined (no patient left, one
 * replication) are null. Key order is fixed, so the same results give the same bytes. */
#include "internal.h"

#include <flowsim/calendar.h>
#include <flowsim/compare.h>
#include <flowsim/error.h>
#include <flowsim/size.h>

#include <flow_config.h>
#include <math.h>

static json_t *number(double x) { return isfinite(x) ? json_real(x) : json_null(); }

static json_t *metric_object(const struct flow_summary *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "mean", number(s->mean));
    json_object_set_new(o, "sd", number(s->sd));
    json_object_set_new(o, "ci_low", number(s->ci_low));
    json_object_set_new(o, "ci_high", number(s->ci_high));
    return o;
}

/* The object at root.section[.entity], created on first use. */
static json_t *slot(json_t *root, const struct flow_metric_def *d)
{
    json_t *sec = json_object_get(root, d->section);
    if (sec == NULL) {
        sec = json_object();
        json_object_set_new(root, d->section, sec);
    }
    if (d->entity == NULL)
        return sec;
    json_t *ent = json_object_get(sec, d->entity);
    if (ent == NULL) {
        ent = json_object();
        json_object_set_new(sec, d->entity, ent);
    }
    return ent;
}

json_t *flow__json_run_value(const struct flow_results *r)
{
    const struct flow_scenario *s = r->scenario;
    json_t *root = json_object();
    json_object_set_new(root, "scenario", json_string(s->name));
    json_object_set_new(root, "seed", json_integer((json_int_t)s->seed));
    json_object_set_new(root, "replications", json_integer((json_int_t)r->nreps));
    json_object_set_new(root, "horizon_days", json_real(s->horizon_days));
    json_object_set_new(root, "warmup_days", json_real(s->warmup_days));
    if (s->has_start) {       /* only then: scenarios without a date keep their exact output */
        char date[11];
        flow_date_format(s->start_date, date);
        json_object_set_new(root, "start", json_string(date));
    }
    json_object_set_new(root, "flowsim_version", json_string(FLOW_VERSION));
    struct flow_warning *w;
    size_t nw = flow_results_warnings(r, &w);
    if (nw > 0) {              /* only then: a model that is fine keeps its exact output */
        json_t *list = json_array();
        for (size_t k = 0; k < nw; k++) {
            json_t *o = json_object();
            json_object_set_new(o, "code", json_string(w[k].code));
            json_object_set_new(o, "message", json_string(w[k].message));
            json_object_set_new(o, "path", json_string(w[k].path));
            json_array_append_new(list, o);
        }
        json_object_set_new(root, "warnings", list);
    }
    free(w);
    for (size_t i = 0; i < r->nmetrics; i++) {
        struct flow_summary sum;
        flow_results_summary(r, i, &sum);
        json_object_set_new(slot(root, &r->defs[i]), r->defs[i].key, metric_object(&sum));
    }
    return root;
}

json_t *flow__json_compare_value(const struct flow_comparison *c)
{
    const struct flow_scenario *b = c->base.scenario, *w = c->whatif.scenario;
    json_t *root = json_object(), *names = json_object();
    json_object_set_new(names, "base", json_string(b->name));
    json_object_set_new(names, "whatif", json_string(w->name));
    json_object_set_new(root, "scenario", names);
    if (c->base_from) {
        json_t *from = json_object();
        json_object_set_new(from, "base", json_string(c->base_from));
        json_object_set_new(from, "whatif", json_string(c->whatif_from ? c->whatif_from : ""));
        json_object_set_new(root, "from", from);
    }
    if (c->ungraded)                   /* sides of unrelated hospitals (--unrelated) */
        json_object_set_new(root, "ungraded", json_true());
    static const char *const only_key[2] = {"only_in_base", "only_in_whatif"};
    for (int side = 0; side < 2; side++) {
        char *only = flow_comparison_one_side(c, side == 1);
        if (only)
            json_object_set_new(root, only_key[side], json_string(only));
        free(only);
    }
    json_object_set_new(root, "seed", json_integer((json_int_t)b->seed));
    json_object_set_new(root, "replications", json_integer((json_int_t)c->base.nreps));
    json_object_set_new(root, "horizon_days", json_real(b->horizon_days));
    json_object_set_new(root, "warmup_days", json_real(b->warmup_days));
    json_object_set_new(root, "flowsim_version", json_string(FLOW_VERSION));
    char **head;
    size_t nh = flow__report_compare_headline(c, 5, &head);
    json_t *sentences = json_array();
    for (size_t k = 0; k < nh; k++) {
        json_array_append_new(sentences, json_string(head[k]));
        free(head[k]);
    }
    free(head);
    json_object_set_new(root, "headline", sentences);
    for (size_t k = 0; k < c->n; k++) {
        struct flow_summary sb, sw, sd;
        flow_comparison_summary(c, k, &sb, &sw, &sd);
        json_t *o = json_object();
        json_object_set_new(o, "base", metric_object(&sb));
        json_object_set_new(o, "whatif", metric_object(&sw));
        json_object_set_new(o, "diff", metric_object(&sd));
        const struct flow_metric_def *d = &c->base.defs[c->ib[k]];
        json_object_set_new(slot(root, d), d->key, o);
    }
    return root;
}


json_t *flow__json_size_targets(const struct flow_size_result *r)
{
    json_t *targets = json_array();
    for (size_t t = 0; t < r->ntargets; t++) {
        json_t *o = json_object();
        json_object_set_new(o, "metric", json_string(r->targets[t].metric));
        json_object_set_new(o, "at_most", json_boolean(r->targets[t].at_most));
        json_object_set_new(o, "value", json_real(r->targets[t].value));
        json_array_append_new(targets, o);
    }
    return targets;
}

json_t *flow__json_size_value(const struct flow_size_result *r)
{
    json_t *root = json_object(), *evals = json_array();
    json_object_set_new(root, "parameter", json_string(r->parameter));
    if (r->continuous)
        json_object_set_new(root, "answer", r->found ? json_real(r->x_answer) : json_null());
    else
        json_object_set_new(root, "answer", r->found ? json_integer(r->answer) : json_null());
    json_object_set_new(root, "targets", flow__json_size_targets(r));
    if (r->continuous) {       /* goal-seeking: the boundary, its estimate and interval */
        json_t *o = json_object(), *interval = json_array();
        json_object_set_new(o, "from", json_real(r->lo));
        json_object_set_new(o, "to", json_real(r->hi));
        json_object_set_new(o, "unit", json_string(r->unit));
        json_object_set_new(o, "resolution", json_real(r->resolution));
        json_object_set_new(o, "answer_is", json_string(r->largest ? "largest" : "smallest"));
        json_object_set_new(o, "estimate", number(r->estimate));
        bool up = r->largest;              /* the interval in increasing order */
        json_array_append_new(interval, number(up ? r->x_answer : r->reach));
        json_array_append_new(interval, number(up ? r->reach : r->x_answer));
        json_object_set_new(o, "interval", interval);
        json_object_set_new(o, "every_value_meets", json_boolean(r->all_meet));
        json_object_set_new(root, "seek", o);
    }
    if (r->stalled) {          /* only then: other searches keep their exact output */
        json_t *o = json_object();
        json_object_set_new(o, "from", json_integer(r->stalled_from));
        json_object_set_new(o, "to", json_integer(r->stalled_to));
        json_object_set_new(root, "stalled", o);
    }
    for (size_t i = 0; i < r->nevals; i++) {
        const struct flow_size_eval *e = &r->evals[i];
        json_t *o = json_object(), *metrics = json_object();
        json_object_set_new(o, "value", r->continuous ? json_real(e->x) : json_integer(e->value));
        json_object_set_new(o, "meets", json_boolean(e->meets));
        for (size_t t = 0; t < r->ntargets; t++) {
            struct flow_summary sum;
            long k = flow_results_find(&e->results, r->targets[t].metric);
            if (k < 0 || json_object_get(metrics, r->targets[t].metric))
                continue;
            flow_results_summary(&e->results, (size_t)k, &sum);
            json_object_set_new(metrics, r->targets[t].metric, metric_object(&sum));
        }
        json_object_set_new(o, "metrics", metrics);
        json_array_append_new(evals, o);
    }
    json_object_set_new(root, "evaluated", evals);
    return root;
}
