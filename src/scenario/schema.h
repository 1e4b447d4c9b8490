/* schema.h - converts a ytree into a flow_scenario, driven by one table per mapping (key, type,
 * bounds, default, destination). Internal to src/scenario. */
#ifndef FLOWSIM_SCHEMA_H
#define FLOWSIM_SCHEMA_H

#include "ytree.h"
#include <flowsim/scenario.h>

/* Fills sc from root; returns false (with diagnostics) when anything is wrong. dir resolves
 * relative file paths (NULL: current directory). */
bool flow__schema_convert(const struct ynode *root, const char *dir, struct flow_scenario *sc,
                    struct flow_diag *diag);

/* Applies one "PATH=VALUE" override (index counts --set options from 0) to the tree. */
bool flow__override_apply(struct ynode *root, const char *set, int index, struct flow_diag *diag);

/* Reads a one-column file of durations (empirical {file: ...}). unit_days > 0 lets values be
 * bare numbers in that unit. A file that cannot be read returns a static reason (the caller
 * reports it where the file is named); bad lines are diagnostics at the file's own lines, and
 * leave *values NULL. Returns NULL otherwise. */
const char *flow__csvcol_read(const char *path, double unit_days, double **values, size_t *n,
                        struct flow_diag *diag);

/* The scenario's tree as the loader sees it before conversion: extends: laid over its base and
 * the overrides applied. Nodes point into *names (the base files' names); free both with
 * flow__scenario_tree_free. NULL (with diagnostics) on any error. */
struct ynode *flow__scenario_tree(const char *name, const char *text, size_t len, const char *dir,
                                 const char *const *sets, size_t nsets, char ***names,
                                 struct flow_diag *diag);
void flow__scenario_tree_free(struct ynode *root, char **names);

#endif
