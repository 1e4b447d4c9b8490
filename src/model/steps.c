/* steps.c - which route step a patient takes next: each step from `from` on is taken with
 * its probability p, drawn from the group's route stream (a step with p = 1 draws nothing). A
 * rule the route (route.c) and theatre lists (theatre.c, drawing where a case will go after
 * its operation) share. */
#include "internal.h"

#include <gsl/gsl_rng.h>

uint32_t flow__steps_draw(struct flow_model *m, uint32_t id, uint32_t from)
{
    struct group *g = &m->groups[m->patients[id].group];
    const struct flow_group_spec *s = g->spec;
    uint32_t k = from;
    while (k < s->nsteps && s->steps[k].p < 1 && gsl_rng_uniform(g->route_rng) >= s->steps[k].p)
        k++;
    return k;
}
