/* json.c - the run report as JSON, built with jansson (no hand-written encoder). Every metric is
 * {"mean", "sd", "ci_low", "ci_high"}; values that are undefined (no patient left, one
 * replication) are null. Key order is fixed, so the same results give the same bytes. */
#include <flowsim/error.h>
#include <flowsim/report.h>

#include <flow_config.h>
#include <jansson.h>
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

static json_t *build(const struct flow_results *r)
{
    const struct flow_scenario *s = r->scenario;
    json_t *root = json_object();
    json_object_set_new(root, "scenario", json_string(s->name));
    json_object_set_new(root, "seed", json_integer((json_int_t)s->seed));
    json_object_set_new(root, "replications", json_integer((json_int_t)r->nreps));
    json_object_set_new(root, "horizon_days", json_real(s->horizon_days));
    json_object_set_new(root, "warmup_days", json_real(s->warmup_days));
    json_object_set_new(root, "flowsim_version", json_string(FLOW_VERSION));
    for (size_t i = 0; i < r->nmetrics; i++) {
        struct flow_summary sum;
        flow_results_summary(r, i, &sum);
        json_object_set_new(slot(root, &r->defs[i]), r->defs[i].key, metric_object(&sum));
    }
    return root;
}

int flow_report_json(FILE *f, const struct flow_results *r)
{
    json_t *root = build(r);
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    if (rc != 0 || fputc('\n', f) == EOF)
        return FLOW_E_IO;
    return 0;
}

int flow_report_write(FILE *f, const struct flow_results *r, enum flow_format format)
{
    int rc = format == FLOW_FORMAT_JSON ? flow_report_json(f, r) : flow_report_text(f, r);
    if (rc == 0 && (fflush(f) != 0 || ferror(f)))
        rc = FLOW_E_IO;
    return rc;
}
