/* patient.c - the pool of patient records. Patients live in one array addressed by index, so
 * growing it never leaves a dangling pointer in the event list, and queues link through the
 * records, so waiting allocates nothing. Freed records are reused. */
#include "internal.h"

#include <flowsim/util.h>

uint32_t flow__patient_new(struct flow_model *m, uint32_t group)
{
    uint32_t id;
    if (m->free_patient != NONE) {
        id = m->free_patient;
        m->free_patient = m->patients[id].next;
    } else {
        flow_xgrow((void **)&m->patients, &m->cap_patients, m->npatients + 1, sizeof *m->patients);
        id = (uint32_t)m->npatients++;
    }
    m->live++;
    m->created++;
    m->patients[id] = (struct patient){.group = group, .ward = NONE, .next = NONE, .prev = NONE, .post = NONE,
                                       .state = PS_FREE, .first_bed = -1, .fit = -1,
                                       .referred = model_now(m), .serial = ++m->serials};
    return id;
}

void flow__patient_free(struct flow_model *m, uint32_t id, bool lost)
{
    struct patient *p = &m->patients[id];
    p->state = PS_FREE;
    p->ward = NONE;
    p->next = m->free_patient;
    m->free_patient = id;
    m->live--;
    if (lost)
        m->lost++;
    else
        m->left++;
}

const char *flow__patient_state_name(enum patient_state s)
{
    switch (s) {
#define X(id, name) case PS_##id: return name;
    PATIENT_STATES(X)
#undef X
    }
    return "?";
}
