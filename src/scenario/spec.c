/* spec.c - the read-only scenario's lifetime: copying the parts readers share and freeing
 * everything a loaded scenario owns (flow_scenario_destroy). */
#include "schema.h"

#include <stdlib.h>

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
    for (size_t i = 0; i < s->nwards; i++) {
        free(s->wards[i].name);
        free(s->wards[i].rounds);
        free(s->wards[i].bed_changes);
        flow_dist_fini(&s->wards[i].after_round);
        flow_dist_fini(&s->wards[i].patience);
        free(s->wards[i].outlie_to);
        free(s->wards[i].reserved_for);
    }
    for (size_t g = 0; g < s->ngroups; g++) {
        struct flow_group_spec *grp = &s->groups[g];
        for (size_t k = 0; k < grp->nsteps; k++) {
            flow_dist_fini(&grp->steps[k].stay);
            flow_dist_fini(&grp->steps[k].operation);
            flow_dist_fini(&grp->steps[k].bed_patience);
        }
        free(grp->steps);
        free(grp->name);
        free(grp->series);
        free(grp->waiting_since);
        flow_discharge_fini(&grp->discharge);
        flow_dist_fini(&grp->leave_list);
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
        flow_dist_fini(&s->community[i].visits);
    }
    free(s->community);
    free(s->holidays);
    for (size_t i = 0; i < s->sweep.nvary; i++)
        free(s->sweep.vary[i]);
    free(s->sweep.vary);
    free(s->sweep.line);
    free(s->sweep.col);
    free(s->sweep.src);
    free(s->sweep.metrics);
    for (size_t i = 0; i < s->nbases; i++)
        free(s->base_files[i]), free(s->base_texts[i]);
    free(s->base_files);
    free(s->base_texts);
    free(s->initial);
    free(s->wards);
    free(s->groups);
    free(s->name);
    free(s);
}
