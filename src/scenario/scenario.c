/* scenario.c - loads a scenario: read the file (bounded), parse to a ytree, apply --set
 * overrides, convert by the schema, free the tree. The result is read-only afterwards. */
#include "schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void flow_discharge_copy(struct flow_discharge_spec *dst, const struct flow_discharge_spec *src)
{
    *dst = *src;
    flow_dist_copy(&dst->assessment, &src->assessment);
    for (int k = 0; k < 4; k++) {
        flow_dist_copy(&dst->pathways[k].delay, &src->pathways[k].delay);
        flow_dist_copy(&dst->pathways[k].readmit_after, &src->pathways[k].readmit_after);
    }
}

void flow_discharge_fini(struct flow_discharge_spec *d)
{
    flow_dist_fini(&d->assessment);
    for (int k = 0; k < 4; k++) {
        flow_dist_fini(&d->pathways[k].delay);
        flow_dist_fini(&d->pathways[k].readmit_after);
    }
}

void flow_scenario_destroy(struct flow_scenario *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nwards; i++)
        free(s->wards[i].name);
    for (size_t g = 0; g < s->ngroups; g++) {
        struct flow_group_spec *grp = &s->groups[g];
        for (size_t k = 0; k < grp->nsteps; k++) {
            flow_dist_fini(&grp->steps[k].stay);
            flow_dist_fini(&grp->steps[k].operation);
        }
        free(grp->steps);
        free(grp->name);
        flow_discharge_fini(&grp->discharge);
    }
    for (size_t i = 0; i < s->ntheatres; i++) {
        free(s->theatres[i].name);
        free(s->theatres[i].sessions);
        flow_dist_fini(&s->theatres[i].late_start);
        flow_dist_fini(&s->theatres[i].turnaround);
    }
    free(s->theatres);
    for (size_t i = 0; i < s->ncommunity; i++) {
        free(s->community[i].name);
        flow_dist_fini(&s->community[i].stay);
    }
    free(s->community);
    free(s->wards);
    free(s->groups);
    free(s->name);
    free(s);
}

struct flow_scenario *flow_scenario_load_text(const char *name, const char *text, size_t len,
                                              const char *dir, const char *const *sets,
                                              size_t nsets, struct flow_diag *diag)
{
    size_t before = diag->errors;
    struct ynode *root = ytree_parse(text, len, name, 0, 0, diag);
    if (root == NULL)
        return NULL;
    for (size_t i = 0; i < nsets; i++)
        override_apply(root, sets[i], (int)i, diag);
    struct flow_scenario *sc = flow_xcalloc(1, sizeof *sc);
    if (diag->errors == before)
        schema_convert(root, dir, sc, diag);
    ytree_free(root);
    if (diag->errors != before) {
        flow_scenario_destroy(sc);
        return NULL;
    }
    return sc;
}

struct flow_scenario *flow_scenario_load_file(const char *path, const char *const *sets,
                                              size_t nsets, struct flow_diag *diag)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (f == NULL || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        flow_diag_error(diag, path, 1, 1, "cannot read the scenario: %s",
                        f == NULL ? strerror(errno) : "not a regular file");
        if (f)
            fclose(f);
        return NULL;
    }
    if (st.st_size > YTREE_MAX_BYTES) {
        flow_diag_error(diag, path, 1, 1, "the file is %lld bytes; the limit is %d bytes (8 MiB)",
                        (long long)st.st_size, YTREE_MAX_BYTES);
        fclose(f);
        return NULL;
    }
    char *text = flow_xmalloc((size_t)st.st_size + 1);
    size_t len = fread(text, 1, (size_t)st.st_size, f);
    text[len] = '\0';
    fclose(f);
    const char *slash = strrchr(path, '/');
    char *dir = slash ? flow_xstrndup(path, (size_t)(slash - path)) : NULL;
    if (dir && dir[0] == '\0') {
        free(dir);
        dir = flow_xstrdup("/");
    }
    struct flow_scenario *sc = flow_scenario_load_text(path, text, len, dir, sets, nsets, diag);
    free(dir);
    free(text);
    return sc;
}
