/* cli.h - the command-line front end: subcommands, options and exit codes. The only part of
 * flowsim that prints to stderr or exits. */
#ifndef FLOWSIM_CLI_H
#define FLOWSIM_CLI_H

#include <flowsim/report.h>
#include <flowsim/scenario.h>
#include <stdbool.h>

/* Exit codes, documented in the README and in `flowsim --help`. */
enum {
    EXIT_OK = 0,
    EXIT_FAIL = 1,        /* selftest case failed */
    EXIT_USAGE = 2,       /* bad command line */
    EXIT_SCENARIO = 3,    /* bad scenario file, --set value or extract */
    EXIT_RUNTIME = 4,     /* the run or its output failed (overload, disk, ...) */
    EXIT_WARNING = 5,     /* --strict: the run gave a warning */
    EXIT_INTERRUPTED = 130, /* SIGINT or SIGTERM */
};

struct cli_opts {
    const char *command;
    const char *scenario;          /* NULL: the built-in example */
    const char **sets;
    size_t nsets;
    enum flow_format format;
    const char *output;
    int threads;
    bool quiet;
    bool help;
    char *owned[2];                /* strings made for the latest --replications and --seed */
    char **retired;                /* those made for earlier ones (still in sets) */
    size_t nretired, cap_retired;
    const char *scenario2;         /* compare: the what-if file */
    const char **varies;           /* sweep, size: --vary */
    size_t nvaries;
    const char **targets;          /* size: --target */
    size_t ntargets;
    const char *metrics;           /* sweep: --metrics */
    bool resume;                   /* sweep: --resume */
    bool strict;                   /* run: any warning is an error (exit 5) */
    bool unrelated;                /* compare: sides that share no ward or group, ungraded */
    const char **precision;        /* run: --precision VALUE or METRIC=VALUE */
    size_t nprecision;
    long max_replications;         /* run: --max-replications (with --precision) */
    long lhs;                      /* sweep: --lhs N (Latin hypercube points) */
    const char *resolution;        /* size: --resolution R (goal-seek a continuous value) */
    const char *data;              /* check: --data EXTRACT.csv */
    const char *report;            /* --report FILE.html */
    const char *csv;               /* run: --csv DIR */
    const char *trace;             /* run: --trace FILE.csv */
    int trace_format;              /* run: --trace-format: 0 flowsim, 1 vidigi */
    long trace_replication;        /* run: --trace-replication N (from 1) */
    char *provenance;              /* the command line (set by the command), for reports */
    long shard, shards;            /* run, sweep: --shard K/N (shards 0: the whole run) */
    const char **inputs;           /* merge: the shard files or directory given */
    size_t ninputs;
    struct {                       /* serve: its limits (defaults set by flow__cli_begin) */
        double port, threads, max_replications, max_work, queue, max_body, request_timeout;
        const char *bind;
    } serve;
};

/* The commands, as bits of a mask saying which take an option. */
enum {
    CLI_RUN = 1 << 0, CLI_VALIDATE = 1 << 1, CLI_SELFTEST = 1 << 2, CLI_COMPARE = 1 << 3,
    CLI_SWEEP = 1 << 4, CLI_SIZE = 1 << 5, CLI_WARMUP = 1 << 6, CLI_FIT = 1 << 7,
    CLI_CHECK = 1 << 8, CLI_REPORT = 1 << 9, CLI_SERVE = 1 << 10, CLI_MERGE = 1 << 11,
};

/* One command-line option (options.c): the parser, the help and the man page read the table. */
struct cli_option {
    const char *name;              /* the long name, without "--" */
    char short_name;               /* its letter, or 0 */
    const char *arg;               /* what its value is called in help, or NULL for a flag */
    unsigned commands;             /* CLI_* of the commands that take it */
    const char *help;              /* lines of at most 62 columns, separated by newlines */
    int (*take)(struct cli_opts *o, const struct cli_option *spec, const char *value);
    size_t field;                  /* where the value goes in cli_opts (offsetof) */
    size_t count;                  /* lists: where their length goes */
    double lo, hi;                 /* whole numbers: the bounds */
    const char *needs;             /* text values: what an empty one lacks ("a file name") */
    const char *choices;           /* named values, "a|b", stored as the position */
    bool is_int;                   /* whole numbers kept as int (not long) */
};
extern const struct cli_option flow__cli_options[];
extern const size_t flow__cli_noptions;

/* A command (doc.c): its synopsis, what it does, and what follows its options (or NULL). */
struct command_doc {
    const char *name;
    unsigned bit;                  /* CLI_* */
    const char *usage;
    const char *text;
    const char *after;
};
extern const struct command_doc flow__cli_commands[];
extern const size_t flow__cli_ncommands;
/* The command named, or NULL. */
const struct command_doc *flow__cli_command_doc(const char *name);
/* A command's bit (CLI_*), or 0 for a name that is not a command. */
unsigned flow__cli_command_bit(const char *command);
/* Refuses outputs that name an input or each other, or cannot be written; an exit code. */
int flow__cli_check_outputs(const struct cli_opts *o);
/* Writes the man page flowsim(1), in roff, from the commands' and options' tables. */
void flow__cli_man(FILE *f);

/* Parses argv after the command name. Returns EXIT_OK or EXIT_USAGE (message printed). */
int flow__cli_parse(int argc, char **argv, struct cli_opts *o);
void flow__cli_opts_fini(struct cli_opts *o);
int flow__cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports a failed run (FLOW_E_* err) and returns its exit code: 130 when interrupted. */
int flow__cli_run_error(int err, const char *context);

/* Loads the scenario named by o (or the built-in example); prints diagnostics on failure. */
/* Warnings (not errors) printed while loading the last scenario (an overlay adding a ward). */
size_t flow__cli_load_warnings(void);
struct flow_scenario *flow__cli_load(const struct cli_opts *o);

/* The general usage text (help.c). */
void flow__cli_usage_text(FILE *f);

/* A new array of the --set strings (borrowed) with room for `extra` more after them. */
const char **flow__cli_sets_with(const struct cli_opts *o, size_t extra);

int flow__cmd_run(int argc, char **argv);
int flow__cmd_validate(int argc, char **argv);
int flow__cmd_selftest(int argc, char **argv);
int flow__cmd_compare(int argc, char **argv);
int flow__cmd_sweep(int argc, char **argv);
int flow__cmd_size(int argc, char **argv);
int flow__cmd_warmup(int argc, char **argv);
int flow__cmd_fit(int argc, char **argv);
int flow__cmd_check(int argc, char **argv);
int flow__cmd_serve(int argc, char **argv);

struct flow_extract;
/* Reads an extract, printing its diagnostics; false on any error (cmd_fit.c). */
bool flow__cli_extract_read(const char *path, struct flow_extract *x);
int flow__cmd_report(int argc, char **argv);
int flow__cmd_merge(int argc, char **argv);

/* Shards (--shard K/N, flowsim merge): a command's arguments without those that change no result
 * (--shard, outputs, threads, messages), borrowed from argv into an array the caller frees; the
 * merge of a run's shards into o's outputs (0, an exit code, or -1 - i: shard i is at fault, or
 * -1 - n: replications are missing, with why); of a sweep's, into o's --output directory. */
struct flow_shard;
char **flow__cli_shard_args(int argc, char **argv, size_t *n);
int flow__cli_merge_run(struct cli_opts *o, int argc, char **argv, const struct flow_scenario *s,
                        const struct flow_shard *shards, size_t n, char *why, size_t len);
int flow__cli_merge_sweep(struct cli_opts *o, int argc, char **argv, const struct flow_shard *shards, size_t n,
                          char *why, size_t len);

/* The command and the text of the scenario files (path, or the built-in example when NULL,
 * and every file it extends; then path2's when it differs; s and s2 may be NULL), for the "as
 * run" part of an HTML report and of saved JSON. */
char *flow__cli_provenance(const char *command, int argc, char **argv, const char *path, const struct flow_scenario *s,
                     const char *path2, const struct flow_scenario *s2);
/* Makes dir (if new) and writes names[i] in it with fns[i] (staged; rank 0 only); returns an
 * exit code. */
int flow__cli_write_dir(const char *dir, const char *const *names, const flow_write_fn *fns, size_t n, const void *arg);
/* Writes path atomically (error printed); returns an exit code. */
int flow__cli_write_file(const char *path, flow_write_fn fn, const void *arg);
/* Outputs are all or nothing: flow__cli_write_file stages a file, flow__cli_stage_written takes a finished
 * temporary file (the trace), flow__cli_stage_dir records a directory made for outputs; main calls
 * flow__cli_outputs_end with the command's status, which renames every staged file into place on
 * success (returning a new status if that fails) and removes them all otherwise. */
void flow__cli_stage_written(const char *path, const char *tmp);
void flow__cli_stage_dir(const char *dir);
int flow__cli_outputs_end(int rc);
/* The command's report, JSON or text by --format, to --output or stdout (rank 0 only). */
int flow__cli_emit(const struct cli_opts *o, flow_write_fn json, flow_write_fn text, const void *arg);
/* Writes an HTML report atomically to o->report (if set). */
int flow__cli_write_report(const struct cli_opts *o, flow_write_fn fn, const void *arg);

/* Shared by the subcommands: parse (begin) and clean up (finish, returning rc); load a
 * scenario file printing its diagnostics; the --replications/--seed sets; an HTML report of
 * saved results (arg: the path). */
int flow__cli_begin(int argc, char **argv, const char *command, struct cli_opts *o);
int flow__cli_finish(struct cli_opts *o, int rc);
struct flow_scenario *flow__cli_load_path(const char *path, const char *const *sets, size_t nsets);
void flow__cli_print_diag(struct flow_diag *d);
size_t flow__cli_shorthand_sets(const struct cli_opts *o, const char **out);
int flow__cli_saved_html(FILE *f, const void *arg);

/* A progress line on stderr when it is a terminal (and not --quiet); nothing otherwise. */
struct progress {
    bool on;
    const char *what;
    double start;
};
void flow__progress_init(struct progress *p, const struct cli_opts *o, const char *what);
void flow__progress_update(void *arg, size_t done, size_t total);
void flow__progress_end(struct progress *p);
int flow__cli_help(const char *command);

#endif
