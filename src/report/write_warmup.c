/* write_warmup.c - the report of a warm-up estimate: each series' MSER-5 truncation point, the
 * recommendation, and how it was decided. */
#include <flowsim/error.h>
#include <flowsim/report.h>
#include <flowsim/warmup.h>

#include <flow_config.h>
#include <jansson.h>
#include <math.h>

int flow_report_warmup_text(FILE *f, const struct flow_warmup_result *r, double current)
{
    fprintf(f, "Warm-up estimate: MSER with weekly batches on the mean of %zu replications' daily series, each "
               "started empty and run for %zu days.\n\n", r->replications, r->days);
    for (size_t i = 0; i < r->nseries; i++)
        fprintf(f, "  %-48s %6.0f days   (then about %.4g)\n", r->series[i].metric,
                r->series[i].warmup_days, r->series[i].steady_mean);
    fprintf(f, "\nRecommended: warmup: %.0fd (the longest above); the scenario has warmup: %gd.\n",
            r->recommended_days, current);
    fprintf(f, "How: the daily occupancy of each ward and service is averaged over the replications\n"
               "and cut into 7-day batches (so day-of-week patterns do not look like a trend, as they\n"
               "would to MSER-5); MSER drops the first d batches where that minimises the\n"
               "squared standard error of the mean of the rest (d at most half the run), trading the\n"
               "bias of the empty start against the noise of a shorter record.\n");
    if (r->recommended_days > r->days / 4.0)
        fprintf(f, "Warning: the estimate is over a quarter of the run. With few replications MSER can\n"
                   "mistake noise for a trend (try --replications 40), or the model settles slowly or\n"
                   "not at all (an overloaded ward): try a longer horizon.\n");
    return ferror(f) ? FLOW_E_IO : 0;
}

int flow_report_warmup_json(FILE *f, const struct flow_warmup_result *r, double current)
{
    json_t *root = json_object(), *series = json_array();
    json_object_set_new(root, "method", json_string("MSER, 7-day batches"));
    json_object_set_new(root, "batch_days", json_real(r->batch_days));
    json_object_set_new(root, "replications", json_integer((json_int_t)r->replications));
    json_object_set_new(root, "days", json_integer((json_int_t)r->days));
    for (size_t i = 0; i < r->nseries; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "metric", json_string(r->series[i].metric));
        json_object_set_new(o, "warmup_days", json_real(r->series[i].warmup_days));
        json_object_set_new(o, "steady_mean", isfinite(r->series[i].steady_mean)
                                                  ? json_real(r->series[i].steady_mean) : json_null());
        json_array_append_new(series, o);
    }
    json_object_set_new(root, "series", series);
    json_object_set_new(root, "recommended_days", json_real(r->recommended_days));
    json_object_set_new(root, "scenario_warmup_days", json_real(current));
    json_object_set_new(root, "flowsim_version", json_string(FLOW_VERSION));
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    return rc != 0 || fputc('\n', f) == EOF ? FLOW_E_IO : 0;
}
