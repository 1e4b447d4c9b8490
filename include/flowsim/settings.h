/* settings.h - a scenario's values as a what-if page shows them: every value a --set can
 * change, with its path, and the overlay (extends: plus what changed) that a set of --set
 * overrides amounts to, as a YAML file a user can save and run. */
#ifndef FLOWSIM_SETTINGS_H
#define FLOWSIM_SETTINGS_H

#include <flowsim/util.h>
#include <stddef.h>

/* One value: wards.AMU.beds = "36". `section` is the top-level key (wards, groups, horizon);
 * `item` the named item of a top-level list (AMU) or NULL; `label` the rest of the path in
 * words (route 1 (AMU) · stay · mean); `key` the last key (beds, mean, share). A list of plain
 * values (by_hour, days) is one setting written as a YAML flow list. */
struct flow_setting {
    char *path, *value, *section, *item, *label, *key;
    int line;               /* where the value is written in the scenario (its first file) */
};

struct flow_settings {
    struct flow_setting *v;
    size_t n;
};

/* Lists the settings of a scenario given as text (name for diagnostics, dir resolving
 * extends:). Names and references (name, ward, group, service, theatre, file, extends) are
 * not settings. Returns 0, or -1 with diagnostics. */
int flow_settings_list(const char *name, const char *text, size_t len, const char *dir,
                       struct flow_settings *out, struct flow_diag *diag);
void flow_settings_fini(struct flow_settings *s);

/* The YAML of an overlay that `extends: base_name` and changes what the sets change (only
 * those values: named items by name, other lists whole). NULL, with diagnostics, when a set
 * is wrong. The caller frees. */
char *flow_settings_overlay(const char *name, const char *text, size_t len, const char *dir,
                            const char *base_name, const char *const *sets, size_t nsets,
                            struct flow_diag *diag);

#endif
