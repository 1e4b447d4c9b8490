/* args.c - option parsing shared by the subcommands, and scenario loading with diagnostics. */
#define _XOPEN_SOURCE 700   /* realpath */
#include "cli.h"

#include <flowsim/error.h>
#include <flowsim/experiment.h>
#include <flowsim/util.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int flow__cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "flowsim: error: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'flowsim help%s%s')\n", command ? " " : "", command ? command : "");
    return EXIT_USAGE;
}

/* The absolute path of p's directory joined to p's last part (p need not exist), or NULL. */
static char *canonical(const char *p)
{
    const char *slash = strrchr(p, '/');
    char *dir = slash ? flow_xstrndup(p, slash == p ? 1 : (size_t)(slash - p)) : flow_xstrdup(".");
    char *real = realpath(dir, NULL);
    char *out = real ? flow_xasprintf("%s/%s", real, slash ? slash + 1 : p) : NULL;
    free(real);
    free(dir);
    return out;
}

/* True when a and b name one file: the same existing inode, or the same path. */
static bool same_file(const char *a, const char *b)
{
    struct stat x, y;
    if (a == NULL || b == NULL)
        return false;
    if (stat(a, &x) == 0 && stat(b, &y) == 0)
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
    char *ca = canonical(a), *cb = canonical(b);
    bool same = strcmp(a, b) == 0 || (ca && cb && strcmp(ca, cb) == 0);
    free(ca);
    free(cb);
    return same;
}

/* A file output that cannot be written fails before the first replication, not after the
 * whole run: a temporary file is made beside it and removed, as the real write will do. A
 * target that is not a regular file (/dev/stdout, a FIFO) is written directly and not probed. */
static bool writable(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return true;
    char *tmp = flow_xasprintf("%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        fprintf(stderr, "flowsim: error: cannot write %s: %s\n", path, strerror(errno));
    else
        close(fd), unlink(tmp);
    free(tmp);
    return fd >= 0;
}

/* An output that names an input (the scenario overwritten by its own results) or another
 * output (one file written twice) is refused before anything runs. */
int flow__cli_check_outputs(const struct cli_opts *o)
{
    const char *out[] = {o->output, o->report, o->trace};
    const char *out_opt[] = {"--output", "--report", "--trace"};
    const char *in[] = {o->scenario, o->scenario2 ? o->scenario2 : o->data};
    bool sweep = strcmp(o->command, "sweep") == 0;   /* its --output is a directory */
    struct stat st;
    for (int i = sweep ? 1 : 0; i < 3; i++) {
        if (out[i] != NULL && stat(out[i], &st) == 0 && S_ISDIR(st.st_mode))
            return flow__cli_usage_error(o->command, "%s '%s' is a directory; name a file", out_opt[i], out[i]);
        for (int k = 0; k < 2; k++)
            if (same_file(out[i], in[k]))
                return flow__cli_usage_error(o->command, "%s '%s' names the %s itself; choose another file", out_opt[i],
                                       out[i], strcmp(o->command, "fit") == 0 || (k == 1 && o->data) ? "extract"
                                                                                            : "scenario file");
        for (int j = sweep ? 1 : 0; j < i; j++)
            if (same_file(out[i], out[j]))
                return flow__cli_usage_error(o->command, "%s and %s name the same file '%s'", out_opt[j],
                                       out_opt[i], out[i]);
    }
    const char *dir = sweep ? o->output : o->csv;   /* outputs that are directories */
    if (dir != NULL && stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        return flow__cli_usage_error(o->command, "%s '%s' names a file, not a directory", sweep ? "--output" : "--csv",
                               dir);
    for (int i = sweep ? 1 : 0; i < 2; i++)
        if (out[i] != NULL && !writable(out[i]))
            return EXIT_RUNTIME;
    return EXIT_OK;
}

/* Options that change no result (where outputs go, their format, threads, messages): left out
 * of the command recorded with results, so that the same run gives the same bytes however it is
 * written out. Returns how many arguments the option takes up (0: not one of them). */
static int result_free(const char *a)
{
    static const char *const with_value[] = {"--threads", "--format", "--output", "-o", "--report", "--trace",
                                             "--trace-format", "--trace-replication", "--csv", "--shard"};
    static const char *const alone[] = {"-q", "--quiet", "--strict"};
    for (size_t k = 0; k < sizeof alone / sizeof *alone; k++)
        if (strcmp(a, alone[k]) == 0)
            return 1;
    if (strncmp(a, "-o", 2) == 0 && a[2] != '\0')
        return 1;                          /* -oFILE */
    for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++) {
        size_t n = strlen(with_value[k]);
        if (strncmp(a, with_value[k], n) == 0 && (a[n] == '\0' || a[n] == '='))
            return a[n] == '=' ? 1 : 2;
    }
    return 0;
}

char **flow__cli_shard_args(int argc, char **argv, size_t *n)
{
    char **out = flow_xcalloc((size_t)argc + 1, sizeof *out);
    *n = 0;
    for (int i = 0; i < argc; i++) {
        int skip = result_free(argv[i]);
        if (skip)
            i += skip - 1;
        else
            out[(*n)++] = argv[i];
    }
    return out;
}

/* Appends "# WHAT:" and a file's text (at most 1 MiB of it) to *text. */
static void provenance_file(char **text, const char *what, const char *body)
{
    size_t n = strlen(body);
    char *t = flow_xasprintf("%s\n\n# %s:\n%.*s", *text, what, (int)(n < (1u << 20) - 1 ? n : (1u << 20) - 1), body);
    free(*text);
    *text = t;
}

/* The scenario file's text, then the text of each file it extends. */
static void provenance_scenario(char **text, const char *path, const struct flow_scenario *s)
{
    if (path == NULL) {
        provenance_file(text, "the built-in example (scenarios/example.yaml)", flow_example_yaml);
        return;
    }
    const char *why = NULL;
    size_t n = 0;
    char *body = flow_read_regular(path, 8 << 20, &n, &why);
    if (body)
        provenance_file(text, path, body);
    free(body);
    for (size_t i = 0; s && i < s->nbases; i++) {
        char *what = flow_xasprintf("%s (extended by %s)", s->base_files[i], i == 0 ? path : s->base_files[i - 1]);
        provenance_file(text, what, s->base_texts[i]);
        free(what);
    }
}

char *flow__cli_provenance(const char *command, int argc, char **argv, const char *path, const struct flow_scenario *s,
                     const char *path2, const struct flow_scenario *s2)
{
    char *text = flow_xasprintf("flowsim %s", command);
    for (int i = 0; i < argc; i++) {
        int skip = result_free(argv[i]);
        if (skip) {
            i += skip - 1;
            continue;
        }
        bool quote = strpbrk(argv[i], " '\"{}[]*") != NULL;
        char *t = flow_xasprintf(quote ? "%s '%s'" : "%s %s", text, argv[i]);
        free(text);
        text = t;
    }
    provenance_scenario(&text, path, s);
    if (path2 != NULL && (path == NULL || strcmp(path, path2) != 0))
        provenance_scenario(&text, path2, s2);
    return text;
}

/* The command's output files, staged until the command has succeeded (flow__cli_outputs_end). */
static struct flow_output_set outputs;

int flow__cli_write_file(const char *path, flow_write_fn fn, const void *arg)
{
    char why[512];
    if (flow_output_stage(&outputs, path, fn, arg, why, sizeof why) != 0) {
        fprintf(stderr, "flowsim: error: %s\n", why);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

void flow__cli_stage_written(const char *path, const char *tmp) { flow_output_adopt(&outputs, path, tmp); }
void flow__cli_stage_dir(const char *dir) { flow_output_made_dir(&outputs, dir); }

int flow__cli_outputs_end(int rc)
{
    char why[512];
    if (rc != EXIT_OK) {
        flow_output_abort(&outputs);
        return rc;
    }
    int err = flow_output_commit(&outputs, why, sizeof why);
    if (err == FLOW_E_INTERRUPTED)
        return flow__cli_run_error(err, NULL);
    if (err != 0) {
        fprintf(stderr, "flowsim: error: %s\n", why);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

int flow__cli_write_dir(const char *dir, const char *const *names, const flow_write_fn *fns, size_t n, const void *arg)
{
    if (flow_mpi_rank() != 0)
        return EXIT_OK;
    struct stat st;
    if (mkdir(dir, 0777) == 0) {
        flow__cli_stage_dir(dir);
    } else if (errno != EEXIST || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "flowsim: error: cannot create the directory %s: %s\n", dir,
                errno == EEXIST ? "a file of that name exists" : strerror(errno));
        return EXIT_RUNTIME;
    }
    for (size_t i = 0; i < n; i++) {
        char *path = flow_xasprintf("%s/%s", dir, names[i]);
        int bad = flow__cli_write_file(path, fns[i], arg);
        free(path);
        if (bad)
            return bad;
    }
    return EXIT_OK;
}

int flow__cli_write_report(const struct cli_opts *o, flow_write_fn fn, const void *arg)
{
    if (o->report == NULL || flow_mpi_rank() != 0)
        return EXIT_OK;
    return flow__cli_write_file(o->report, fn, arg);
}

int flow__cli_emit(const struct cli_opts *o, flow_write_fn json, flow_write_fn text, const void *arg)
{
    if (flow_mpi_rank() != 0)            /* every rank has the results; rank 0 writes them */
        return EXIT_OK;
    flow_write_fn fn = o->format == FLOW_FORMAT_JSON ? json : text;
    if (o->output != NULL)
        return flow__cli_write_file(o->output, fn, arg);
    if (fn(stdout, arg) != 0 || fflush(stdout) != 0) {
        fprintf(stderr, "flowsim: error: cannot write the report to standard output\n");
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

int flow__cli_run_error(int err, const char *context)
{
    if (err == FLOW_E_INTERRUPTED) {
        fprintf(stderr, "flowsim: interrupted; no report was written%s\n",
                context && strstr(context, "sweep") ? " (finished sweep points are kept: use --resume)" : "");
        return EXIT_INTERRUPTED;
    }
    fprintf(stderr, "flowsim: error: %s%s%s\n", context ? context : "", context ? ": " : "", flow_strerror(err));
    return EXIT_RUNTIME;
}

void flow__cli_opts_fini(struct cli_opts *o)
{
    free(o->provenance);
    free(o->inputs);
    free(o->varies);
    free(o->targets);
    free(o->precision);
    free(o->sets);
    free(o->owned[0]);
    free(o->owned[1]);
    for (size_t k = 0; k < o->nretired; k++)
        free(o->retired[k]);
    free(o->retired);
}

static size_t load_warnings;   /* of the last flow__cli_load */

size_t flow__cli_load_warnings(void) { return load_warnings; }

struct flow_scenario *flow__cli_load(const struct cli_opts *o)
{
    struct flow_diag diag;
    flow_diag_init(&diag);
    struct flow_scenario *s;
    if (o->scenario)
        s = flow_scenario_load_file(o->scenario, o->sets, o->nsets, &diag);
    else
        s = flow_scenario_load_text("example.yaml", flow_example_yaml, flow_example_yaml_len,
                                    NULL, o->sets, o->nsets, &diag);
    for (size_t i = 0; i < diag.count; i++)
        fprintf(stderr, "%s\n", diag.lines[i]);
    if (diag.errors > diag.count)
        fprintf(stderr, "flowsim: %zu more errors not shown\n", diag.errors - diag.count);
    load_warnings = diag.warnings;
    flow_diag_fini(&diag);
    return s;
}

/* ---- helpers shared by the subcommands ---------------------------------------------- */

int flow__cli_finish(struct cli_opts *o, int rc)
{
    flow__cli_opts_fini(o);
    return rc;
}

struct flow_scenario *flow__cli_load_path(const char *path, const char *const *sets, size_t nsets)
{
    struct flow_diag d;
    flow_diag_init(&d);
    struct flow_scenario *s = flow_scenario_load_file(path, sets, nsets, &d);
    flow__cli_print_diag(&d);
    flow_diag_fini(&d);
    return s;
}

void flow__cli_print_diag(struct flow_diag *d)
{
    for (size_t i = 0; i < d->count; i++)
        fprintf(stderr, "%s\n", d->lines[i]);
}

const char **flow__cli_sets_with(const struct cli_opts *o, size_t extra)
{
    const char **sets = flow_xcalloc(o->nsets + extra + 1, sizeof *sets);
    for (size_t i = 0; i < o->nsets; i++)   /* a loop: o->sets is NULL when there are none */
        sets[i] = o->sets[i];
    return sets;
}

/* The --replications and --seed shorthands, which apply to every scenario of a command. */
size_t flow__cli_shorthand_sets(const struct cli_opts *o, const char **out)
{
    size_t n = 0;
    for (int k = 0; k < 2; k++)
        if (o->owned[k])
            out[n++] = o->owned[k];
    return n;
}

