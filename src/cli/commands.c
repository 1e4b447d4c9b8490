/* commands.c - the run, validate and selftest subcommands. */
#include "cli.h"

#include <flowsim/error.h>
#include <flowsim/experiment.h>
#include <flowsim/limits.h>

#include <flowsim/util.h>
#include <flowsim/selftest.h>
#include <flowsim/shard.h>

#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>


/* A run's results with the command and scenario text behind them. */
struct run_out {
    const struct flow_results *r;
    const char *provenance;
};

static int write_html(FILE *f, const void *arg)
{
    const struct run_out *h = arg;
    return flow_report_html_run(f, h->r, h->provenance);
}

static int write_json(FILE *f, const void *arg)
{
    const struct run_out *h = arg;
    return flow_report_write(f, h->r, FLOW_FORMAT_JSON, h->provenance);
}

static int write_text(FILE *f, const void *arg)
{
    const struct run_out *h = arg;
    return flow_report_write(f, h->r, FLOW_FORMAT_TEXT, h->provenance);
}

/* --precision stops at --max-replications, 1000 by default. */
static size_t max_replications(const struct cli_opts *o)
{
    return o->max_replications ? (size_t)o->max_replications : 1000;
}

/* --precision 0.05 (every metric within 5% of its mean) and/or --precision PATH=ABS. */
static int parse_precision(const struct cli_opts *o, const struct flow_scenario *s,
                           struct flow_precision *p)
{
    size_t n;
    struct flow_metric_def *defs = flow_model_metric_defs(s, &n);
    p->relative = -1;
    p->absolute = flow_xcalloc(n, sizeof *p->absolute);
    p->max_replications = max_replications(o);
    for (size_t k = 0; k < n; k++)
        p->absolute[k] = -1;
    int rc = EXIT_OK;
    for (size_t i = 0; i < o->nprecision && rc == EXIT_OK; i++) {
        const char *spec = o->precision[i], *eq = strchr(spec, '=');
        double v;
        if (flow_parse_number(eq ? eq + 1 : spec, &v) != NULL || !(v > 0)) {
            rc = flow__cli_usage_error("run", "--precision needs a number greater than 0, or METRIC=NUMBER; "
                                 "found '%s'", spec);
            break;
        }
        if (eq == NULL) {
            p->relative = v;
            continue;
        }
        bool found = false;
        for (size_t k = 0; k < n; k++) {
            char *path = flow_metric_path(&defs[k]);
            if (strlen(path) == (size_t)(eq - spec) && strncmp(path, spec, (size_t)(eq - spec)) == 0)
                p->absolute[k] = v, found = true;
            free(path);
        }
        if (!found)
            rc = flow__cli_usage_error("run", "--precision: no metric '%.*s' in this scenario's report",
                                 (int)(eq - spec), spec);
    }
    free(defs);
    return rc;
}

static void warn_unmet(const struct flow_results *r, const struct flow_precision *p, size_t unmet)
{
    fprintf(stderr, "flowsim: warning: after %zu replications (--max-replications), %zu metric%s "
                    "still short of the precision asked for:", r->nreps, unmet, unmet == 1 ? " is" : "s are");
    size_t shown = 0;
    for (size_t k = 0; k < r->nmetrics && shown < 5; k++) {
        if (flow_precision_met(r, k, p))
            continue;
        char *path = flow_metric_path(&r->defs[k]);
        fprintf(stderr, "%s %s", shown++ ? "," : "", path);
        free(path);
    }
    fprintf(stderr, "%s\n", unmet > shown ? ", ..." : "");
}

static int run_precise(const struct cli_opts *o, const struct flow_scenario *s,
                       const struct flow_run_options *ro, struct flow_results *r)
{
    struct flow_precision p;
    memset(r, 0, sizeof *r);
    if (parse_precision(o, s, &p) != EXIT_OK) {
        free(p.absolute);
        return 1;                        /* reported; any non-zero code stops the run */
    }
    size_t unmet = 0;
    int rc = flow_experiment_precise(s, ro, &p, r, &unmet);
    if (rc == 0 && !o->quiet) {
        if (unmet == 0)
            fprintf(stderr, "flowsim: precision reached with %zu replications\n", r->nreps);
        else
            warn_unmet(r, &p, unmet);
    }
    free(p.absolute);
    return rc;
}

/* ---- trace ---- */

struct tracer {
    FILE *f;
    char *tmp;
    const char *path;
    bool failed;               /* a write failed: reported, and the run stopped */
    bool vidigi;
    size_t replication;
};

/* vidigi's event log: patient, event_type, event, time (minutes), resource_id, pathway. */
static void vidigi_row(struct tracer *t, double time, uint64_t patient, const char *group,
                       enum flow_trace_event ev, const char *place, int resource)
{
    const char *type = "queue", *name = flow_trace_event_name(ev);
    char buf[256];
    if (ev == FLOW_TRACE_READY || ev == FLOW_TRACE_ROUND)
        return;       /* the patient stays in its bed: no move for an animation to show */
    switch (ev) {
    case FLOW_TRACE_ARRIVAL: case FLOW_TRACE_REFERRAL: case FLOW_TRACE_READMISSION:
        type = "arrival_departure", name = "arrival";
        break;
    case FLOW_TRACE_AT_START:        /* a census patient arrives at time 0, in its ward */
        type = "arrival_departure", name = "arrival", place = NULL;
        break;
    case FLOW_TRACE_LEAVE:
        type = "arrival_departure", name = "depart";
        break;
    case FLOW_TRACE_BED: case FLOW_TRACE_OPERATION_START:
        type = "resource_use";
        break;
    case FLOW_TRACE_BED_END: case FLOW_TRACE_OPERATION_END:
        type = "resource_use_end";
        break;
    default:
        break;
    }
    if (place) {
        bool bed = ev == FLOW_TRACE_BED || ev == FLOW_TRACE_BED_END;
        bool op = ev == FLOW_TRACE_OPERATION_START || ev == FLOW_TRACE_OPERATION_END;
        snprintf(buf, sizeof buf, "%s_%s", bed ? "bed" : op ? "theatre" : name, place);
        name = buf;
    }
    fprintf(t->f, "%llu,%s,", (unsigned long long)patient, type);
    flow_csv_field(t->f, name);
    fprintf(t->f, ",%.10g,", time * 1440);
    if (resource > 0)
        fprintf(t->f, "%d", resource);
    fputc(',', t->f);
    flow_csv_field(t->f, group);
    fputc('\n', t->f);
}

/* Each row is checked as it is written: a full disk stops the run at once, not a century
 * of simulated time later. */
static int trace_failed(struct tracer *t)
{
    if (!ferror(t->f))
        return 0;
    if (!t->failed)
        fprintf(stderr, "flowsim: error: cannot write %s: %s; the run stopped\n", t->path,
                strerror(errno));
    t->failed = true;
    return -1;
}

static int trace_row(void *arg, double time, uint64_t patient, const char *group,
                     enum flow_trace_event ev, const char *place, int resource)
{
    struct tracer *t = arg;
    if (t->vidigi) {
        vidigi_row(t, time, patient, group, ev, place, resource);
        return trace_failed(t);
    }
    fprintf(t->f, "%.12g,%zu,%llu,", time, t->replication + 1, (unsigned long long)patient);
    flow_csv_field(t->f, group);
    fprintf(t->f, ",%s,", flow_trace_event_name(ev));
    if (place)
        flow_csv_field(t->f, place);
    fputc(',', t->f);
    if (resource > 0)
        fprintf(t->f, "%d", resource);
    fputc('\n', t->f);
    return trace_failed(t);
}

static int trace_open(struct tracer *t, const struct cli_opts *o)
{
    t->vidigi = o->trace_format == 1;
    t->path = o->trace;
    t->replication = o->trace_replication ? (size_t)o->trace_replication - 1 : 0;
    flow_interrupt_defer();   /* an interrupt must now remove the temporary trace */
    t->tmp = flow_xasprintf("%s.tmp.XXXXXX", o->trace);
    int fd = mkstemp(t->tmp);
    t->f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (t->f == NULL) {
        fprintf(stderr, "flowsim: error: cannot write %s: %s\n", o->trace, strerror(errno));
        if (fd >= 0)
            close(fd), unlink(t->tmp);
        free(t->tmp);
        return EXIT_RUNTIME;
    }
    fchmod(fd, 0644);
    fputs(t->vidigi ? "patient,event_type,event,time,resource_id,pathway\n"
                    : "time_days,replication,patient,group,event,place,resource\n", t->f);
    return EXIT_OK;
}

/* Keeps the trace (flushed, synced, staged with the other outputs) only when everything
 * succeeded. */
static int trace_close(struct tracer *t, const char *path, bool keep)
{
    int rc = EXIT_OK;
    if (keep && (fflush(t->f) != 0 || fsync(fileno(t->f)) != 0 || ferror(t->f)))
        rc = EXIT_RUNTIME;
    if (fclose(t->f) != 0)
        rc = EXIT_RUNTIME;
    if (rc != EXIT_OK && !t->failed)
        fprintf(stderr, "flowsim: error: cannot write %s: %s\n", path, strerror(errno));
    if (keep && rc == EXIT_OK)
        flow__cli_stage_written(path, t->tmp);
    else
        unlink(t->tmp);
    free(t->tmp);
    return rc;
}

static int finish_run(struct cli_opts *o, int rc)
{
    flow__cli_opts_fini(o);
    return rc;
}

/* replications.csv, daily.csv, groups.csv and hourly.csv in dir, each written atomically. */
static int write_csv(const char *dir, const struct flow_results *r)
{
    static const char *const names[] = {"replications.csv", "daily.csv", "daily_summary.csv", "groups.csv",
                                        "hourly.csv", "metrics.csv"};
    flow_write_fn fns[] = {flow_csv_replications, flow_csv_daily, flow_csv_daily_summary, flow_csv_groups,
                           flow_csv_hourly, flow_csv_metrics};
    return flow__cli_write_dir(dir, names, fns, 6, r);
}

/* Warnings go to standard error as well as into every report; with --strict any warning
 * makes the run fail (exit 5, and no file is kept). */
static int warn_of(const struct cli_opts *o, const struct flow_results *r)
{
    struct flow_warning *w;
    size_t n = flow_results_warnings(r, &w);
    for (size_t i = 0; flow_mpi_rank() == 0 && i < n; i++)
        fprintf(stderr, "flowsim: warning: %s\n", w[i].message);
    free(w);
    return n + flow__cli_load_warnings() > 0 && o->strict ? EXIT_WARNING : EXIT_OK;
}

/* --trace: refused where it cannot run, else its file opened and the run told to write it. */
static int trace_setup(const struct cli_opts *o, const struct flow_scenario *s, struct tracer *tr,
                       struct flow_run_options *ro)
{
    if (flow_mpi_size() > 1 || o->nprecision)
        return flow__cli_usage_error("run", "--trace runs in one process without --precision (run it without "
                                     "mpirun)");
    if (o->trace_replication > s->replications)
        return flow__cli_usage_error("run", "--trace-replication %ld: the scenario has %d replications",
                                     o->trace_replication, s->replications);
    if (trace_open(tr, o) != EXIT_OK)
        return EXIT_RUNTIME;
    ro->trace = trace_row;
    ro->trace_arg = tr;
    ro->trace_replication = tr->replication;
    return EXIT_OK;
}

/* What the run keeps, bounded before anything is allocated (with --precision, for as many
 * replications as it may reach); JSON alone keeps its charts' data only where it fits. */
static int kept_bound(const struct cli_opts *o, const struct flow_scenario *s, struct flow_run_options *ro)
{
    size_t most = (size_t)s->replications;
    if (o->nprecision && max_replications(o) > most)
        most = max_replications(o);
    double kept = flow_experiment_kept(s, ro, most);
    if (kept > FLOW_MAX_KEPT_VALUES && o->report == NULL && o->csv == NULL) {
        ro->profile = ro->daily = false;
        kept = flow_experiment_kept(s, ro, most);
    }
    if (kept <= FLOW_MAX_KEPT_VALUES)
        return EXIT_OK;
    return flow__cli_usage_error("run", "%zu replications would keep %.3g values in memory (metrics%s); the limit "
                                 "is 1e8 (800 MB): use fewer replications%s or a shorter horizon", most, kept,
                                 ro->daily ? ", hourly profiles and daily series for --report or --csv" : "",
                                 o->nprecision ? " (--max-replications)" : "");
}

/* The exit code of a finished run's error (0: none). */
static int run_status(int err, const struct tracer *tr, size_t failed)
{
    if (err == 0)
        return EXIT_OK;
    if (err == 1)
        return EXIT_USAGE;
    if (err == FLOW_E_IO && tr->failed)
        return EXIT_RUNTIME;               /* the trace's write error, reported as it happened */
    char ctx[64];
    snprintf(ctx, sizeof ctx, "replication %zu stopped", failed + 1);
    return flow__cli_run_error(err, err == FLOW_E_TOO_BIG ? NULL : ctx);
}

/* Files first, all staged (main renames them into place only if every one succeeded); the
 * report on standard output last, so a failed file leaves no report behind either. */
static int run_outputs(struct cli_opts *o, int argc, char **argv, const struct flow_scenario *s,
                       const struct flow_results *r, struct tracer *tr, int rc)
{
    bool ran = rc == EXIT_OK;              /* the run itself succeeded */
    struct run_out out = {r, NULL};
    if (rc == EXIT_OK) {
        out.provenance = o->provenance = flow__cli_provenance("run", argc, argv, o->scenario, s, NULL, NULL);
        rc = flow__cli_write_report(o, write_html, &out);
    }
    if (rc == EXIT_OK && o->csv)
        rc = write_csv(o->csv, r);
    if (o->trace) {
        int trc = trace_close(tr, o->trace, rc == EXIT_OK);
        rc = rc == EXIT_OK ? trc : rc;
    }
    if (rc == EXIT_OK)
        rc = warn_of(o, r);
    if (ran && (rc == EXIT_OK || rc == EXIT_WARNING)) {
        int erc = flow__cli_emit(o, write_json, write_text, &out);
        rc = erc != EXIT_OK ? erc : rc;
    }
    return rc;
}

/* What a run's outputs read (--format, --report, --csv): the run options that keep it, within
 * the memory bound; *needs (the caller frees it) flags the daily series kept. */
static int outputs_options(const struct cli_opts *o, const struct flow_scenario *s, struct flow_run_options *ro,
                           unsigned char **needs)
{
    ro->profile = o->report != NULL || o->csv != NULL || o->format == FLOW_FORMAT_JSON;
    ro->daily = o->csv != NULL || o->report != NULL || o->format == FLOW_FORMAT_JSON || s->ninitial > 0;
    *needs = NULL;                         /* without --csv, only the daily series reports read */
    if (o->csv == NULL) {
        *needs = flow_xcalloc(flow_model_daily_count(s) + 1, 1);
        flow_report_daily_needs(s, *needs);
        ro->daily_keep = *needs;
    }
    return kept_bound(o, s, ro);
}

static int run_scenario(struct cli_opts *o, int argc, char **argv, struct flow_scenario *s)
{
    struct progress p;
    flow__progress_init(&p, o, "replications");
    struct flow_run_options ro = {.threads = o->threads, .progress = flow__progress_update, .progress_arg = &p,
                                  .fold_curves = true};
    unsigned char *needs;
    int rc = outputs_options(o, s, &ro, &needs);
    struct tracer tr = {0};
    if (rc == EXIT_OK && o->trace)
        rc = trace_setup(o, s, &tr, &ro);
    if (rc != EXIT_OK) {
        free(needs);
        return rc;
    }
    struct flow_results r;
    size_t failed = 0;
    int err = o->nprecision ? run_precise(o, s, &ro, &r) : flow_experiment_run(s, &ro, &r, &failed);
    flow__progress_end(&p);
    rc = run_outputs(o, argc, argv, s, &r, &tr, run_status(err, &tr, failed));
    flow_results_fini(&r);
    free(needs);
    return rc;
}

/* --shard K/N: the slice's replications, every part of their results kept (the merge's
 * outputs are not known yet), written to --output as a shard. */
static int run_shard(struct cli_opts *o, int argc, char **argv, struct flow_scenario *s)
{
    struct progress p;
    flow__progress_init(&p, o, "replications");
    struct flow_run_options ro = {.threads = o->threads, .progress = flow__progress_update, .progress_arg = &p,
                                  .profile = true, .daily = true, .shard = (size_t)o->shard,
                                  .shards = (size_t)o->shards};
    struct flow_results r;
    size_t failed = 0;
    int err = flow_experiment_run(s, &ro, &r, &failed);
    flow__progress_end(&p);
    struct tracer tr = {0};
    int rc = run_status(err, &tr, failed);
    if (rc == EXIT_OK) {
        struct flow_shard sh;
        size_t nargs;
        char **args = flow__cli_shard_args(argc, argv, &nargs);
        char *prov = flow__cli_provenance("run", argc, argv, o->scenario, s, NULL, NULL);
        flow_shard_init(&sh, "run", o->shard, o->shards, args, nargs, prov);
        for (size_t row = 0; row < r.nreps; row++)
            flow_shard_add(&sh, 0, flow_shard_rep(&ro, 0, row), &r, row);
        sh.events = r.events;
        rc = flow__cli_write_file(o->output, flow_shard_write, &sh);
        flow_shard_fini(&sh);
        free(prov);
        free(args);
    }
    flow_results_fini(&r);
    return rc;
}

/* What a shard cannot be given: outputs belong to the merge; --precision and --trace need
 * the whole run in one place. */
static int shard_refused(const struct cli_opts *o)
{
    if (o->output == NULL)
        return flow__cli_usage_error(o->command, "--shard needs --output FILE, the shard to write for flowsim merge");
    const char *outputs = o->report ? "--report" : o->csv ? "--csv" : o->trace ? "--trace" : o->format ? "--format"
                        : NULL;
    if (outputs)
        return flow__cli_usage_error(o->command, "--shard writes a shard; give %s to flowsim merge instead", outputs);
    if (o->nprecision || o->resume)
        return flow__cli_usage_error(o->command, "--shard cannot be used with %s (it needs the whole run in one "
                                     "process)", o->nprecision ? "--precision" : "--resume");
    if (flow_mpi_size() > 1)
        return flow__cli_usage_error(o->command, "--shard runs as one task of a job array, not under mpirun");
    return EXIT_OK;
}

int flow__cli_merge_run(struct cli_opts *o, int argc, char **argv, const struct flow_scenario *s,
                        const struct flow_shard *shards, size_t n, char *why, size_t len)
{
    struct flow_run_options ro = {0};
    unsigned char *needs;
    int rc = outputs_options(o, s, &ro, &needs);
    struct flow_results r;
    if (rc == EXIT_OK && flow_experiment_results(s, &ro, &r) != 0)
        rc = flow__cli_run_error(FLOW_E_TOO_BIG, NULL);
    if (rc != EXIT_OK) {
        free(needs);
        return rc;
    }
    for (size_t i = 0; i < n; i++)
        r.events += shards[i].events;
    rc = flow_shard_fill_all(shards, n, 0, &r, why, len);   /* -1 - i: the caller names the shard */
    struct tracer tr = {0};
    if (rc == EXIT_OK)
        rc = run_outputs(o, argc, argv, s, &r, &tr, EXIT_OK);
    flow_results_fini(&r);
    free(needs);
    return rc;
}

int flow__cmd_run(int argc, char **argv)
{
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "run", &o);
    if (rc != EXIT_OK || o.help)
        return finish_run(&o, rc != EXIT_OK ? rc : flow__cli_help("run"));
    if (o.shards && (rc = shard_refused(&o)) != EXIT_OK)
        return finish_run(&o, rc);
    struct flow_scenario *s = flow__cli_load(&o);
    if (s == NULL)
        return finish_run(&o, EXIT_SCENARIO);
    rc = o.shards ? run_shard(&o, argc, argv, s) : run_scenario(&o, argc, argv, s);
    flow_scenario_destroy(s);
    return finish_run(&o, rc);
}

int flow__cmd_validate(int argc, char **argv)
{
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "validate", &o);
    if (rc == EXIT_OK && !o.help && o.scenario == NULL)
        rc = flow__cli_usage_error("validate", "validate needs a scenario file");
    if (rc != EXIT_OK || o.help) {
        flow__cli_opts_fini(&o);
        return rc != EXIT_OK ? rc : flow__cli_help("validate");
    }
    struct flow_scenario *s = flow__cli_load(&o);
    if (s != NULL && !o.quiet) {
        size_t steps = 0;
        for (size_t g = 0; g < s->ngroups; g++)
            steps += s->groups[g].nsteps;
        printf("%s: ok: '%s', %zu ward%s, %zu group%s, %zu route step%s", o.scenario, s->name,
               s->nwards, s->nwards == 1 ? "" : "s", s->ngroups, s->ngroups == 1 ? "" : "s",
               steps, steps == 1 ? "" : "s");
        if (s->ninitial > 0)          /* only then: other scenarios keep their line */
            printf(", %zu patient%s in the census", s->ninitial, s->ninitial == 1 ? "" : "s");
        putchar('\n');
    }
    rc = s ? EXIT_OK : EXIT_SCENARIO;
    flow_scenario_destroy(s);
    flow__cli_opts_fini(&o);
    return rc;
}

static void fmt(char *buf, size_t n, double x)
{
    snprintf(buf, n, fabs(x) >= 100 ? "%.2f" : fabs(x) >= 1 ? "%.4f" : "%.5f", x);
}

int flow__cmd_selftest(int argc, char **argv)
{
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "selftest", &o);
    if (rc == EXIT_OK && !o.help && (o.scenario || o.nsets || o.output))
        rc = flow__cli_usage_error("selftest", "selftest takes no scenario, --set or --output");
    if (rc != EXIT_OK || o.help) {
        flow__cli_opts_fini(&o);
        return rc != EXIT_OK ? rc : flow__cli_help("selftest");
    }
    size_t failed = 0, n = flow_selftest_count();
    printf("flowsim selftest: %zu cases with closed-form answers. A case passes when the theory\n"
           "value lies inside the simulated 99.9%% confidence interval (95%% interval shown).\n\n", n);
    for (size_t i = 0; i < n; i++) {
        struct flow_selftest_result res;
        struct flow_diag diag;
        flow_diag_init(&diag);
        int err = flow_selftest_run(i, o.threads, &res, &diag);
        flow_diag_fini(&diag);
        char th[32], mean[32], lo[32], hi[32];
        fmt(th, sizeof th, res.theory);
        fmt(mean, sizeof mean, res.sim.mean);
        fmt(lo, sizeof lo, res.sim.ci_low);
        fmt(hi, sizeof hi, res.sim.ci_high);
        bool pass = err == 0 && res.pass;
        failed += !pass;
        printf("%-4s %s\n     %s; %s\n     theory %s = %s   simulated %s  95%% CI [%s, %s]\n",
               pass ? "pass" : "FAIL", res.c->name, res.c->model, res.c->metric, res.c->formula,
               th, mean, lo, hi);
    }
    printf("\nselftest: %zu passed, %zu failed\n", n - failed, failed);
    flow__cli_opts_fini(&o);
    return failed ? EXIT_FAIL : EXIT_OK;
}
