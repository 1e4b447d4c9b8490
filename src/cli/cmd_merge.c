/* cmd_merge.c - the merge subcommand: reads the shards of one run or sweep (files, or the
 * *.shard files of a directory), checks that they are the N slices of one command, each once,
 * and has run (commands.c) or sweep (cmd_sweep.c) write what it would have written in one
 * process, from the same command line with merge's outputs. */
#include "cli.h"

#include <flow_config.h>
#include <flowsim/shard.h>
#include <flowsim/util.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The shard files: those given, or a directory's *.shard files in name order (owned strings). */
static char **shard_paths(const struct cli_opts *o, size_t *n)
{
    *n = 0;
    if (!(o->ninputs == 1 && is_dir(o->inputs[0]))) {
        char **paths = flow_xcalloc(o->ninputs + 1, sizeof *paths);
        for (size_t i = 0; i < o->ninputs; i++)
            paths[(*n)++] = flow_xstrdup(o->inputs[i]);
        return paths;
    }
    DIR *d = opendir(o->inputs[0]);
    size_t cap = 16;
    char **paths = flow_xcalloc(cap, sizeof *paths);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len <= 6 || e->d_name[0] == '.' || strcmp(e->d_name + len - 6, ".shard") != 0)
            continue;
        flow_xgrow((void **)&paths, &cap, *n + 2, sizeof *paths);
        paths[(*n)++] = flow_xasprintf("%s/%s", o->inputs[0], e->d_name);
    }
    if (d)
        closedir(d);
    qsort(paths, *n, sizeof *paths, by_name);
    return paths;
}

/* What makes shard b another command's than a, or NULL. */
static const char *unlike(const struct flow_shard *a, const struct flow_shard *b)
{
    if (strcmp(a->version, b->version) != 0)
        return "written by another flowsim version";
    if (strcmp(a->command, b->command) != 0)
        return "of another command (run or sweep)";
    if (a->shards != b->shards)
        return "of another number of shards (N in --shard K/N)";
    bool same_args = a->nargs == b->nargs;
    for (size_t i = 0; same_args && i < a->nargs; i++)
        same_args = strcmp(a->args[i], b->args[i]) == 0;
    if (!same_args)
        return "of another command line (scenario, --set, --replications, --seed or --vary)";
    if (strcmp(a->provenance, b->provenance) != 0)
        return "of another scenario text (the file changed between the shards)";
    return NULL;
}

/* Every shard of one command, shard K once for each K in 1..N: EXIT_OK, or the located error. */
static int check_shards(const struct flow_shard *sh, char *const *paths, size_t n)
{
    if (strcmp(sh[0].version, FLOW_VERSION) != 0) {
        fprintf(stderr, "%s:2:1: error: written by flowsim %s; this is flowsim %s: merge shards with the flowsim "
                "that wrote them\n", paths[0], sh[0].version, FLOW_VERSION);
        return EXIT_SCENARIO;
    }
    size_t *at = flow_xcalloc((size_t)sh[0].shards + 1, sizeof *at);   /* shard K's index + 1 */
    int rc = EXIT_OK;
    for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
        const char *why = unlike(&sh[0], &sh[i]);
        if (why) {
            fprintf(stderr, "%s:2:1: error: a shard %s than %s\n", paths[i], why, paths[0]);
            rc = EXIT_SCENARIO;
        } else if (at[sh[i].shard]) {
            fprintf(stderr, "%s:2:1: error: shard %ld of %ld is also %s\n", paths[i], sh[i].shard, sh[i].shards,
                    paths[at[sh[i].shard] - 1]);
            rc = EXIT_SCENARIO;
        } else {
            at[sh[i].shard] = i + 1;
        }
    }
    for (long k = 1; k <= sh[0].shards && rc == EXIT_OK; k++)
        if (!at[k]) {
            fprintf(stderr, "%s:2:1: error: shard %ld of %ld is missing (its task did not finish, or its file is "
                    "not given)\n", paths[0], k, sh[0].shards);
            rc = EXIT_SCENARIO;
        }
    free(at);
    return rc;
}

/* A shard's command line holds no output, thread or message option (run and sweep leave them
 * out): merge gives those itself, and a shard's own could write where merge was not asked to. */
static int check_args(const struct flow_shard *sh, const char *path)
{
    size_t n;
    char **kept = flow__cli_shard_args((int)sh->nargs, sh->args, &n);
    free(kept);
    if (n == sh->nargs)
        return EXIT_OK;
    fprintf(stderr, "%s:2:1: error: the shard's command line holds an output option; shards "
            "written by flowsim run or sweep --shard have none\n", path);
    return EXIT_SCENARIO;
}

/* The shards' command line with merge's outputs: what the single run would have been given. */
static char **merged_argv(const struct cli_opts *o, const struct flow_shard *sh, int *argc)
{
    char **av = flow_xcalloc(sh->nargs + 12, sizeof *av);
    size_t n = 0;
    for (size_t i = 0; i < sh->nargs; i++)
        av[n++] = sh->args[i];
    if (o->format == FLOW_FORMAT_JSON)
        av[n++] = "--format", av[n++] = "json";
    if (o->output)
        av[n++] = "--output", av[n++] = (char *)o->output;
    if (o->csv)
        av[n++] = "--csv", av[n++] = (char *)o->csv;
    if (o->report)
        av[n++] = "--report", av[n++] = (char *)o->report;
    if (o->quiet)
        av[n++] = "--quiet";
    if (o->strict)
        av[n++] = "--strict";
    *argc = (int)n;
    return av;
}

/* The run's outputs from its shards. */
static int merge_run(struct cli_opts *m, const struct flow_shard *sh, char *const *paths, size_t n)
{
    int argc;
    char **argv = merged_argv(m, &sh[0], &argc), why[512];
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "run", &o);
    struct flow_scenario *s = rc == EXIT_OK ? flow__cli_load(&o) : NULL;
    if (rc == EXIT_OK && s == NULL)
        rc = EXIT_SCENARIO;
    if (rc == EXIT_OK) {
        char *prov = flow__cli_provenance("run", argc, argv, o.scenario, s, NULL, NULL);
        if (strcmp(prov, sh[0].provenance) != 0) {
            fprintf(stderr, "%s:2:1: error: the scenario, or a file it reads, has changed since the shards ran: run "
                    "them again\n", paths[0]);
            rc = EXIT_SCENARIO;
        }
        free(prov);
    }
    if (rc == EXIT_OK && (rc = flow__cli_merge_run(&o, argc, argv, s, sh, n, why, sizeof why)) < 0) {
        size_t i = (size_t)(-1 - rc);
        fprintf(stderr, "%s:3:1: error: %s\n", paths[i < n ? i : 0], why);
        rc = EXIT_SCENARIO;
    }
    flow_scenario_destroy(s);
    flow__cli_opts_fini(&o);
    free(argv);
    return rc;
}

/* The sweep's files from its shards. */
static int merge_sweep(struct cli_opts *m, const struct flow_shard *sh, char *const *paths, size_t n)
{
    if (m->output == NULL)
        return flow__cli_usage_error("merge", "the shards are a sweep's: give --output DIR for its files");
    if (m->format == FLOW_FORMAT_JSON || m->csv)
        return flow__cli_usage_error("merge", "a sweep writes CSV files in --output DIR; %s is for a run's shards",
                                     m->csv ? "--csv" : "--format");
    int argc;
    char **argv = merged_argv(m, &sh[0], &argc), why[512];
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "sweep", &o);
    if (rc == EXIT_OK && (rc = flow__cli_merge_sweep(&o, argc, argv, sh, n, why, sizeof why)) < 0) {
        size_t i = (size_t)(-1 - rc);
        fprintf(stderr, "%s:%d:1: error: %s\n", paths[i < n ? i : 0], i < n ? 3 : 2, why);
        rc = EXIT_SCENARIO;
    }
    flow__cli_opts_fini(&o);
    free(argv);
    return rc;
}

int flow__cmd_merge(int argc, char **argv)
{
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "merge", &o);
    if (rc == EXIT_OK && !o.help && o.ninputs == 0)
        rc = flow__cli_usage_error("merge", "merge needs the shards: their files, or a directory of *.shard files");
    if (rc != EXIT_OK || o.help)
        return flow__cli_finish(&o, rc != EXIT_OK ? rc : flow__cli_help("merge"));
    size_t n;
    char **paths = shard_paths(&o, &n);
    if (n == 0)
        rc = flow__cli_usage_error("merge", "%s holds no *.shard file", o.inputs[0]);
    struct flow_shard *sh = flow_xcalloc(n + 1, sizeof *sh);
    char why[1024];
    for (size_t i = 0; i < n && rc == EXIT_OK; i++)
        if (flow_shard_read(paths[i], &sh[i], why, sizeof why) != 0) {
            fprintf(stderr, "%s\n", why);
            rc = EXIT_SCENARIO;
        }
    if (rc == EXIT_OK)
        rc = check_shards(sh, paths, n);
    if (rc == EXIT_OK)
        rc = check_args(&sh[0], paths[0]);
    if (rc == EXIT_OK)
        rc = strcmp(sh[0].command, "run") == 0 ? merge_run(&o, sh, paths, n) : merge_sweep(&o, sh, paths, n);
    for (size_t i = 0; i < n; i++) {
        flow_shard_fini(&sh[i]);
        free(paths[i]);
    }
    free(sh);
    free(paths);
    return flow__cli_finish(&o, rc);
}
