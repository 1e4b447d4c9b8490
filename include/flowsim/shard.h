/* shard.h - shard files: what one task of a job array (flowsim run or sweep --shard K/N) ran,
 * for flowsim merge to put back together. A shard holds the command it came from (its
 * arguments without --shard and outputs, and the provenance: the command and the scenario's
 * text), then one row per replication it ran: the sweep point, the replication, and each part
 * of the results (flow_results_parts) as doubles. Merging fills the rows of a run's results
 * exactly as one process would have, so that the outputs are the same bytes. */
#ifndef FLOWSIM_SHARD_H
#define FLOWSIM_SHARD_H

#include <flowsim/experiment.h>
#include <stdio.h>

struct flow_shard {
    char *command;             /* "run" or "sweep" */
    long shard, shards;        /* K of N */
    char **args;               /* the command's arguments (without --shard and its outputs) */
    size_t nargs;
    char *provenance;          /* the command and the scenario's text, as reports record them */
    char *version;             /* flowsim's, when written */
    uint64_t events;
    size_t nparts;
    char *names[FLOW_RESULTS_PARTS];
    size_t widths[FLOW_RESULTS_PARTS];
    size_t row_width;          /* 2 + the parts' widths */
    double *rows;              /* nrows x row_width: point, replication, the parts' values */
    size_t nrows, cap;
};

/* A shard to write: its command line and provenance are copied. */
void flow_shard_init(struct flow_shard *sh, const char *command, long shard, long shards, char *const *args,
                     size_t nargs, const char *provenance);
/* Adds row `row` of r (replication rep of sweep point `point`, 0 for a run). Every row of a
 * shard has the parts of the first one: returns 0, or -1 when r's parts differ. */
int flow_shard_add(struct flow_shard *sh, size_t point, size_t rep, const struct flow_results *r, size_t row);
/* A flow_write_fn: the shard file. */
int flow_shard_write(FILE *f, const void *sh);
/* Reads a shard file: 0, or -1 with "PATH:LINE:COLUMN: error: WHAT" in why. */
int flow_shard_read(const char *path, struct flow_shard *sh, char *why, size_t len);
/* Copies the shard's rows of sweep point `point` into r's rows (r as flow_experiment_results
 * made it: the parts r keeps, of the daily series the columns it keeps), marking each
 * replication in seen (r->nreps flags). Returns 0, or -1 with why (a replication outside r,
 * one already seen, parts that do not match r's). */
int flow_shard_fill(const struct flow_shard *sh, size_t point, struct flow_results *r, unsigned char *seen,
                    char *why, size_t len);
/* All n shards' rows of point `point` into r, every replication exactly once: 0, or -1 - i with
 * why (shard i at fault), or -1 - n (a replication in no shard). */
int flow_shard_fill_all(const struct flow_shard *sh, size_t n, size_t point, struct flow_results *r, char *why,
                        size_t len);
void flow_shard_fini(struct flow_shard *sh);

#endif
