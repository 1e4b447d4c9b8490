/* spells.c - an extract's episodes as spells: each patient's stays from arriving to leaving
 * hospital (a gap between stays means the patient left and came back), consecutive episodes in
 * the same ward merged into one stay, as the model keeps a patient's bed between two steps in
 * the same ward. */
#include <flowsim/extract.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool flow_episode_continues(const struct flow_episode *prev, const struct flow_episode *e)
{
    if (prev->patient != e->patient || (prev->flags & FLOW_EP_OPEN))
        return false;
    bool dates = (prev->flags & FLOW_EP_END_DAY) || (e->flags & FLOW_EP_START_DAY);
    double gap = e->start - prev->end;
    return dates ? floor(e->start) <= floor(prev->end) : gap <= 1.0 / 1440;
}

static struct flow_stay stay_of(const struct flow_episode *e)
{
    return (struct flow_stay){.ward = e->ward, .line = e->line, .start = e->start, .end = e->end,
                              .ready = e->ready, .flags = e->flags};
}

int flow_extract_spells(const struct flow_extract *x, struct flow_spells *out)
{
    memset(out, 0, sizeof *out);
    out->stays = malloc((x->nepisodes + 1) * sizeof *out->stays);
    out->spells = malloc((x->nepisodes + 1) * sizeof *out->spells);
    if (out->stays == NULL || out->spells == NULL) {
        flow_spells_fini(out);
        return -1;
    }
    for (size_t i = 0; i < x->nepisodes; i++) {
        const struct flow_episode *e = &x->episodes[i];
        bool continues = i > 0 && flow_episode_continues(&x->episodes[i - 1], e);
        if (!continues) {
            out->spells[out->nspells++] = (struct flow_spell){.patient = e->patient, .group = e->group,
                                                              .first = out->nstays};
        }
        struct flow_spell *sp = &out->spells[out->nspells - 1];
        struct flow_stay *last = sp->n > 0 ? &out->stays[out->nstays - 1] : NULL;
        if (last != NULL && last->ward == e->ward) {          /* the same bed: one stay */
            unsigned start_flags = last->flags & FLOW_EP_START_DAY;
            last->end = e->end;
            last->ready = e->ready;
            last->flags = start_flags | (e->flags & ~(unsigned)FLOW_EP_START_DAY);
        } else {
            out->stays[out->nstays++] = stay_of(e);
            sp->n++;
        }
        sp->open = (e->flags & FLOW_EP_OPEN) != 0;
    }
    return 0;
}

void flow_spells_fini(struct flow_spells *s)
{
    free(s->stays);
    free(s->spells);
    memset(s, 0, sizeof *s);
}
