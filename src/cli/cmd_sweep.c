/* cmd_sweep.c - the sweep subcommand: the output directory (made, locked, or resumed), then the
 * sweep's points run (experiment: sweep_run.c) and appended to its CSV files point by point
 * (report: write_sweep.c), so that --resume can finish an interrupted sweep; warnings and
 * progress on standard error. */
#include "cli.h"

#include <flowsim/error.h>
#include <flowsim/experiment.h>
#include <flowsim/report.h>
#include <flowsim/shard.h>
#include <flowsim/sweep.h>
#include <flowsim/util.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct sweep {
    const struct cli_opts *o;
    struct flow_sweep plan;
    char *runs, *summary, *manifest;  /* the files in --output DIR */
    FILE *runs_f, *summary_f;          /* open while points are written (rank 0 only) */
    int lock_fd;                       /* the output directory, locked while the sweep runs */
    size_t warned_points, warnings;    /* points with a warning, and the warnings */
    struct progress progress;
    struct flow_shard *shard;          /* --shard: the shard being made, else NULL */
    size_t jobs;                       /* --shard: replications of the points before this one */
};

/* A point's warnings on standard error, each with the point's values; too few replications
 * only once for the whole sweep. */
static void warn_point(struct sweep *w, size_t point, const char **values, const struct flow_results *r)
{
    struct flow_warning *warn;
    size_t n = flow_results_warnings(r, &warn), shown = 0;
    for (size_t k = 0; k < n; k++) {
        bool few = strcmp(warn[k].code, "few_replications") == 0;
        if (few && w->warnings > 0)
            continue;
        fprintf(stderr, "flowsim: warning: sweep point %zu (", point + 1);
        for (size_t i = 0; i < w->plan.nvary; i++)
            fprintf(stderr, "%s%s=%s", i ? ", " : "", w->plan.vary[i].path, values[i]);
        fprintf(stderr, "): %s\n", warn[k].message);
        shown++, w->warnings++;
    }
    w->warned_points += shown > 0;
    free(warn);
}

/* Flushes a file to the disk; false on failure. */
static bool sync_file(FILE *f)
{
    return fflush(f) == 0 && fsync(fileno(f)) == 0 && !ferror(f);
}

/* flow_sweep_run's point function: reports a point's failure, or writes its rows and summary,
 * each synced: a crash leaves whole points, and a failed write (a full disk) is cut back to the
 * last whole point. */
static int write_point(void *arg, size_t point, const char **values, const struct flow_results *r, int err)
{
    struct sweep *w = arg;
    flow__progress_update(&w->progress, point + 1, w->plan.points);
    if (err > 0)
        return err;
    if (err != 0) {
        char ctx[64];
        snprintf(ctx, sizeof ctx, "sweep point %zu", point + 1);
        return flow__cli_run_error(err, ctx);
    }
    if (w->runs_f == NULL)             /* with MPI, the other ranks only compute */
        return EXIT_OK;
    warn_point(w, point, values, r);
    long runs_at = ftell(w->runs_f), summary_at = ftell(w->summary_f);
    flow_sweep_csv_point(&w->plan, point, values, r, w->runs_f, w->summary_f);
    if (sync_file(w->runs_f) && sync_file(w->summary_f))
        return EXIT_OK;
    fprintf(stderr, "flowsim: error: cannot write in %s: %s\n", w->o->output, strerror(errno));
    clearerr(w->runs_f);
    clearerr(w->summary_f);
    if (ftruncate(fileno(w->runs_f), runs_at) != 0 || ftruncate(fileno(w->summary_f), summary_at) != 0)
        fprintf(stderr, "flowsim: error: cannot cut %s back to its last whole point\n", w->o->output);
    return EXIT_RUNTIME;
}

static void print_diag(void *arg, struct flow_diag *d)
{
    (void)arg;
    flow__cli_print_diag(d);
}

/* A sweep's own failure (not a point's run): its message, and the exit code. */
static int sweep_failed(int status, const char *why)
{
    if (status == FLOW_SWEEP_USAGE)
        return flow__cli_usage_error("sweep", "%s", why);
    if (status == FLOW_SWEEP_FILE) {
        fprintf(stderr, "%s\n", why);
        return EXIT_SCENARIO;
    }
    fprintf(stderr, "flowsim: error: %s\n", why);
    return status == FLOW_SWEEP_SCENARIO ? EXIT_SCENARIO : EXIT_USAGE;
}

/* Opens the files (rank 0), writes their headers for a new sweep, and runs the points. */
static int run_points(struct sweep *w, size_t first)
{
    bool writer = flow_mpi_rank() == 0;  /* with MPI, the other ranks only compute */
    w->runs_f = writer ? fopen(w->runs, first ? "a" : "w") : NULL;
    w->summary_f = writer ? fopen(w->summary, first ? "a" : "w") : NULL;
    int rc = EXIT_OK;
    if (writer && (w->runs_f == NULL || w->summary_f == NULL)) {
        fprintf(stderr, "flowsim: error: cannot write in %s: %s\n", w->o->output, strerror(errno));
        rc = EXIT_RUNTIME;
    }
    rc = (int)flow_mpi_broadcast(rc);
    if (rc == EXIT_OK && first == 0 && writer) {
        flow_sweep_csv_headers(&w->plan, w->runs_f, w->summary_f);
        if (!sync_file(w->runs_f) || !sync_file(w->summary_f))
            rc = EXIT_RUNTIME;
    }
    flow__progress_init(&w->progress, w->o, "sweep points");
    char why[512];
    int code = EXIT_OK;
    int status = rc == EXIT_OK ? flow_sweep_run(&w->plan, first, w->o->threads, write_point, print_diag, w, &code,
                                                why, sizeof why) : FLOW_SWEEP_OK;
    flow__progress_end(&w->progress);
    if (status != FLOW_SWEEP_OK)
        rc = status == FLOW_SWEEP_STOPPED ? code : sweep_failed(status, why);
    if (rc == EXIT_RUNTIME && w->runs_f && w->summary_f)
        fprintf(stderr, "flowsim: error: the sweep in %s stopped; finished points are kept (use --resume)\n",
                w->o->output);
    /* Buffers that could not be written were discarded by the truncation above. */
    if (w->runs_f)
        rc = fclose(w->runs_f) != 0 && rc == EXIT_OK ? EXIT_RUNTIME : rc;
    if (w->summary_f)
        rc = fclose(w->summary_f) != 0 && rc == EXIT_OK ? EXIT_RUNTIME : rc;
    return rc;
}

static int write_manifest(FILE *f, const void *arg) { return fputs(arg, f) == EOF ? FLOW_E_IO : 0; }

/* One sweep per directory at a time: a second one would interleave its rows. The lock goes
 * with the process, however it ends. */
static int lock_dir(struct sweep *w, const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "flowsim: error: cannot create %s: %s\n", dir, strerror(errno));
        return EXIT_RUNTIME;
    }
    w->lock_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (w->lock_fd >= 0 && flock(w->lock_fd, LOCK_EX | LOCK_NB) == 0)
        return EXIT_OK;
    if (errno == EWOULDBLOCK)
        return flow__cli_usage_error("sweep", "another sweep is writing in %s; wait for it, or use another --output",
                                     dir);
    fprintf(stderr, "flowsim: error: cannot use %s: %s\n", dir, strerror(errno));
    return EXIT_RUNTIME;
}

/* A new sweep: its manifest, written at once (not staged: --resume needs it after a kill). */
static int start_files(struct sweep *w, const char *dir)
{
    struct stat st;
    if (stat(w->runs, &st) == 0 || stat(w->summary, &st) == 0)
        return flow__cli_usage_error("sweep", "%s already holds a sweep: use --resume to finish it, or another "
                                     "--output", dir);
    char *man = flow_sweep_manifest(&w->plan);
    char why[512];
    int bad = flow_output_atomic(w->manifest, write_manifest, man, why, sizeof why);
    free(man);
    if (bad) {
        fprintf(stderr, "flowsim: error: %s\n", why);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* Rank 0 makes the directory and its files, or finds where to resume (first_point). */
static int prepare_files(struct sweep *w, long *first_point)
{
    const char *dir = w->o->output;
    flow_interrupt_defer();   /* from here an interrupt must leave whole points */
    int rc = lock_dir(w, dir);
    if (rc != EXIT_OK)
        return rc;
    w->runs = flow_xasprintf("%s/runs.csv", dir);
    w->summary = flow_xasprintf("%s/summary.csv", dir);
    w->manifest = flow_xasprintf("%s/sweep.txt", dir);
    *first_point = 0;
    if (!w->o->resume)
        return start_files(w, dir);
    char why[512];
    long done = flow_sweep_resume(&w->plan, dir, why, sizeof why);
    if (done < 0) {
        fprintf(stderr, "flowsim: error: %s\n", why);
        return EXIT_USAGE;
    }
    *first_point = done;
    return EXIT_OK;
}

/* Every rank learns rank 0's preparation, then runs the points. */
static int sweep_files(struct sweep *w)
{
    long first = 0;
    int rc = flow_mpi_rank() == 0 ? prepare_files(w, &first) : EXIT_OK;
    rc = (int)flow_mpi_broadcast(rc);
    first = flow_mpi_broadcast(first);
    if (rc != EXIT_OK)
        return rc;
    return run_points(w, (size_t)first);
}

/* The plan from the scenario and options, and the probe points loaded. */
static int plan_sweep(struct sweep *w, const struct cli_opts *o)
{
    struct flow_scenario *s = flow__cli_load_path(o->scenario, o->sets, o->nsets);
    if (s == NULL)
        return EXIT_SCENARIO;
    char why[512];
    int status = flow_sweep_plan(&w->plan, s, o->scenario, o->sets, o->nsets, o->varies, o->nvaries, o->metrics,
                                 o->lhs, why, sizeof why);
    flow_scenario_destroy(s);
    if (status == FLOW_SWEEP_OK) {
        struct flow_diag d;
        flow_diag_init(&d);
        status = flow_sweep_probe(&w->plan, &d, why, sizeof why);
        flow__cli_print_diag(&d);
        flow_diag_fini(&d);
    }
    return status == FLOW_SWEEP_OK ? EXIT_OK : sweep_failed(status, why);
}

/* The warnings of the whole sweep, counted on every rank; EXIT_WARNING under --strict. */
static int sweep_warnings(struct sweep *w, int rc)
{
    w->warnings = (size_t)flow_mpi_broadcast((long)w->warnings);
    if (w->warnings > 0 && flow_mpi_rank() == 0)
        fprintf(stderr, "flowsim: %zu warning%s at %zu of %zu sweep points (above)%s\n", w->warnings,
                w->warnings == 1 ? "" : "s", w->warned_points, w->plan.points, w->o->strict ? "; --strict: exit 5" : "");
    if (rc == EXIT_OK && w->o->strict && w->warnings + flow__cli_load_warnings() > 0)
        rc = EXIT_WARNING;
    return rc;
}

/* After the points: the report, the warnings (rc < 0, a merge's refusal, skips both), and the
 * sweep's memory and lock. */
static int sweep_end(struct sweep *w, int rc)
{
    if (rc == EXIT_OK && w->o->report)
        rc = flow__cli_write_report(w->o, flow__cli_saved_html, w->o->output);
    if (rc >= 0)
        rc = sweep_warnings(w, rc);
    flow_sweep_fini(&w->plan);
    free(w->runs);
    free(w->summary);
    free(w->manifest);
    if (w->lock_fd >= 0)
        close(w->lock_fd);
    return rc;
}

/* flow_sweep_run's point function under --shard: the point's rows this shard ran, kept. */
static int shard_point(void *arg, size_t point, const char **values, const struct flow_results *r, int err)
{
    (void)values;
    struct sweep *w = arg;
    flow__progress_update(&w->progress, point + 1, w->plan.points);
    if (err != 0) {
        char ctx[64];
        snprintf(ctx, sizeof ctx, "sweep point %zu", point + 1);
        return err > 0 ? err : flow__cli_run_error(err, ctx);
    }
    struct flow_run_options ro = {.shard = w->plan.shard, .shards = w->plan.shards};
    for (size_t row = 0; row < r->nreps; row++)
        flow_shard_add(w->shard, point, flow_shard_rep(&ro, w->jobs, row), r, row);
    w->shard->events += r->events;
    w->jobs += (size_t)r->scenario->replications;
    return EXIT_OK;
}

/* The provenance of a sweep's command line: the command and the scenario's text. */
static char *sweep_provenance(const struct cli_opts *o, int argc, char **argv)
{
    struct flow_scenario *s = flow__cli_load_path(o->scenario, o->sets, o->nsets);
    char *p = flow__cli_provenance("sweep", argc, argv, o->scenario, s, NULL, NULL);
    flow_scenario_destroy(s);
    return p;
}

/* --shard K/N: this slice's jobs of every point, written to --output as a shard. */
static int sweep_shard(struct sweep *w, int argc, char **argv)
{
    const struct cli_opts *o = w->o;
    if (o->report || o->resume || flow_mpi_size() > 1)
        return flow__cli_usage_error("sweep", "--shard cannot be used with %s", o->report ? "--report (give it to "
                                     "flowsim merge)" : o->resume ? "--resume" : "mpirun (it is a job array's task)");
    struct flow_shard sh;
    size_t nargs;
    char **args = flow__cli_shard_args(argc, argv, &nargs);
    char *prov = sweep_provenance(o, argc, argv);
    flow_shard_init(&sh, "sweep", o->shard, o->shards, args, nargs, prov);
    free(prov);
    free(args);
    w->shard = &sh;
    w->plan.shard = (size_t)o->shard;
    w->plan.shards = (size_t)o->shards;
    flow__progress_init(&w->progress, o, "sweep points");
    char why[512];
    int code = EXIT_OK;
    int status = flow_sweep_run(&w->plan, 0, o->threads, shard_point, print_diag, w, &code, why, sizeof why);
    flow__progress_end(&w->progress);
    int rc = status == FLOW_SWEEP_OK ? EXIT_OK : status == FLOW_SWEEP_STOPPED ? code : sweep_failed(status, why);
    if (rc == EXIT_OK)
        rc = flow__cli_write_file(o->output, flow_shard_write, &sh);
    flow_shard_fini(&sh);
    return rc;
}

/* One point of a merge: its results filled from the shards, then written as a run writes it. */
static int merge_point(struct sweep *w, size_t point, const char **values, const struct flow_shard *shards,
                       size_t n, char *why, size_t len)
{
    struct flow_diag d;
    flow_diag_init(&d);
    struct flow_scenario *s = flow_sweep_load(&w->plan, point, values, &d);
    flow__cli_print_diag(&d);
    flow_diag_fini(&d);
    if (s == NULL)
        return snprintf(why, len, "sweep point %zu cannot be loaded", point + 1), -1 - (int)n;
    struct flow_results r;
    int rc = flow_experiment_results(s, NULL, &r) != 0 ? flow__cli_run_error(FLOW_E_TOO_BIG, NULL)
                                                        : flow_shard_fill_all(shards, n, point, &r, why, len);
    if (rc == EXIT_OK)
        rc = write_point(w, point, values, &r, 0);
    flow_results_fini(&r);
    flow_scenario_destroy(s);
    return rc;
}

/* The merged sweep's files, point by point (the shards' rows are all in memory). */
static int merge_points(struct sweep *w, const struct flow_shard *shards, size_t n, char *why, size_t len)
{
    w->runs_f = fopen(w->runs, "w");
    w->summary_f = fopen(w->summary, "w");
    if (w->runs_f == NULL || w->summary_f == NULL) {
        fprintf(stderr, "flowsim: error: cannot write in %s: %s\n", w->o->output, strerror(errno));
        return EXIT_RUNTIME;
    }
    flow_sweep_csv_headers(&w->plan, w->runs_f, w->summary_f);
    const char **values = flow_xcalloc(w->plan.nvary + 1, sizeof *values);
    int rc = EXIT_OK;
    for (size_t p = 0; p < w->plan.points && rc == EXIT_OK; p++) {
        flow_sweep_point(w->plan.vary, w->plan.nvary, p, values);
        rc = merge_point(w, p, values, shards, n, why, len);
    }
    free(values);
    rc = fclose(w->runs_f) != 0 && rc == EXIT_OK ? EXIT_RUNTIME : rc;
    rc = fclose(w->summary_f) != 0 && rc == EXIT_OK ? EXIT_RUNTIME : rc;
    return rc;
}

int flow__cli_merge_sweep(struct cli_opts *o, int argc, char **argv, const struct flow_shard *shards, size_t n,
                          char *why, size_t len)
{
    struct sweep w = {.o = o, .lock_fd = -1};
    int rc = plan_sweep(&w, o);
    if (rc == EXIT_OK) {
        char *prov = sweep_provenance(o, argc, argv);
        if (strcmp(prov, shards[0].provenance) != 0)
            rc = (snprintf(why, len, "the scenario, or a file it reads, has changed since the shards ran: run them "
                           "again"), -1);
        free(prov);
    }
    long first = 0;
    if (rc == EXIT_OK)
        rc = prepare_files(&w, &first);
    if (rc == EXIT_OK)
        rc = merge_points(&w, shards, n, why, len);
    return sweep_end(&w, rc);
}

int flow__cmd_sweep(int argc, char **argv)
{
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "sweep", &o);
    if (rc == EXIT_OK && !o.help && (o.scenario == NULL || o.output == NULL))
        rc = flow__cli_usage_error("sweep", "sweep needs SCENARIO and --output DIR");
    if (rc != EXIT_OK || o.help)
        return flow__cli_finish(&o, rc != EXIT_OK ? rc : flow__cli_help("sweep"));
    struct sweep w = {.o = &o, .lock_fd = -1};
    rc = plan_sweep(&w, &o);
    if (rc == EXIT_OK && o.shards) {
        rc = sweep_shard(&w, argc, argv);
        flow_sweep_fini(&w.plan);
        return flow__cli_finish(&o, rc);
    }
    if (rc == EXIT_OK)
        rc = sweep_files(&w);
    return flow__cli_finish(&o, sweep_end(&w, rc));
}
