/* check.c - `flowsim check`'s runs: replications of a scenario over an extract's period, each
 * turned from its event trace into spells (a stay from a bed to leaving it, a spell from the
 * first bed to leaving hospital), then measured by the code that measures the extract. */
#include <flowsim/check.h>
#include <flowsim/error.h>
#include <flowsim/experiment.h>
#include <flowsim/util.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One replication's spells as they are being traced. */
struct sim {
    const struct flow_scenario *s;
    const uint32_t *ward_of, *group_of;   /* scenario ward/group -> extract's (or beyond it) */
    double offset, first, last;           /* time 0 in days since 1970; the period measured */
    long *spell_of;                       /* by patient: its current spell, -1 none, -2 left out */
    size_t cap_patients;
    struct flow_spells sp;                /* while running, spells[i].first is its newest stay */
    size_t *prev;                         /* by stay: the spell's stay before it (SIZE_MAX: none) */
    size_t cap_stays, cap_spells, cap_prev;
};

static size_t index_of(const char *name, const char *(*name_at)(const struct flow_scenario *, size_t),
                       const struct flow_scenario *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (name_at(s, i) == name)
            return i;
    for (size_t i = 0; i < n; i++)
        if (strcmp(name_at(s, i), name) == 0)
            return i;
    return n;
}

static const char *ward_name(const struct flow_scenario *s, size_t i) { return s->wards[i].name; }
static const char *group_name(const struct flow_scenario *s, size_t i) { return s->groups[i].name; }

static long *patient_slot(struct sim *m, uint64_t patient)
{
    if (patient >= m->cap_patients) {
        size_t old = m->cap_patients, cap = old ? old : 1024;
        while (cap <= patient)
            cap *= 2;
        m->spell_of = flow_xrealloc(m->spell_of, cap * sizeof *m->spell_of);
        for (size_t i = old; i < cap; i++)
            m->spell_of[i] = -1;
        m->cap_patients = cap;
    }
    return &m->spell_of[patient];
}

static void bed(struct sim *m, double t, uint64_t patient, const char *group, const char *place)
{
    long *slot = patient_slot(m, patient);
    if (*slot == -2 || t > m->last)
        return;
    if (*slot == -1) {
        if (t < m->first) {            /* begun before the period: the extract has no such spell */
            *slot = -2;
            return;
        }
        flow_xgrow((void **)&m->sp.spells, &m->cap_spells, m->sp.nspells + 1, sizeof *m->sp.spells);
        size_t g = index_of(group, group_name, m->s, m->s->ngroups);
        m->sp.spells[m->sp.nspells] = (struct flow_spell){.patient = (uint32_t)patient,
                                                          .group = g < m->s->ngroups ? m->group_of[g] : UINT32_MAX,
                                                          .first = SIZE_MAX};
        *slot = (long)m->sp.nspells++;
    }
    struct flow_spell *sp = &m->sp.spells[*slot];
    flow_xgrow((void **)&m->sp.stays, &m->cap_stays, m->sp.nstays + 1, sizeof *m->sp.stays);
    flow_xgrow((void **)&m->prev, &m->cap_prev, m->sp.nstays + 1, sizeof *m->prev);
    m->prev[m->sp.nstays] = sp->first;
    sp->first = m->sp.nstays;
    size_t w = index_of(place, ward_name, m->s, m->s->nwards);
    m->sp.stays[m->sp.nstays++] = (struct flow_stay){.ward = w < m->s->nwards ? m->ward_of[w] : UINT32_MAX,
                                                     .start = t, .end = m->last, .ready = NAN,
                                                     .flags = FLOW_EP_OPEN};
    sp->n++;
}

/* Ends the patient's open stay in the ward left (the newest such: a patient moving on may take
 * its next bed before the old one is freed). */
static void bed_end(struct sim *m, double t, uint64_t patient, const char *place)
{
    long spell = *patient_slot(m, patient);
    if (spell < 0 || t > m->last || place == NULL)
        return;
    struct flow_spell *sp = &m->sp.spells[spell];
    size_t w = index_of(place, ward_name, m->s, m->s->nwards);
    uint32_t ward = w < m->s->nwards ? m->ward_of[w] : UINT32_MAX;
    for (size_t j = sp->first; j != SIZE_MAX; j = m->prev[j]) {
        struct flow_stay *st = &m->sp.stays[j];
        if ((st->flags & FLOW_EP_OPEN) && st->ward == ward) {
            st->end = t;
            st->flags &= ~(unsigned)FLOW_EP_OPEN;
            return;
        }
    }
}

static int on_event(void *arg, double time, uint64_t patient, const char *group, enum flow_trace_event ev,
                    const char *place, int resource)
{
    struct sim *m = arg;
    double t = m->offset + time;
    (void)resource;
    if (ev == FLOW_TRACE_BED && place != NULL)
        bed(m, t, patient, group, place);
    else if (ev == FLOW_TRACE_BED_END)
        bed_end(m, t, patient, place);
    else if (ev == FLOW_TRACE_LEAVE || ev == FLOW_TRACE_DIVERT)
        *patient_slot(m, patient) = -1;
    return 0;
}

/* Each spell's stays together and in order (they were traced interleaved with other patients'),
 * stays in the same ward in a row as one stay, as in an extract; a spell is open while its
 * last stay is. */
static void sim_merge(struct sim *m)
{
    struct flow_spells *sp = &m->sp;
    struct flow_stay *in = sp->stays;
    sp->stays = flow_xcalloc(sp->nstays + 1, sizeof *sp->stays);
    size_t at = 0;
    for (size_t i = 0; i < sp->nspells; i++) {
        struct flow_spell *s = &sp->spells[i];
        size_t j = s->first, end = at + s->n;
        for (size_t k = end; k-- > at; j = m->prev[j])
            sp->stays[k] = in[j];
        s->first = at;
        at = end;
    }
    free(in);
    size_t k = 0;
    for (size_t i = 0; i < sp->nspells; i++) {
        struct flow_spell *s = &sp->spells[i];
        size_t first = k;
        for (size_t j = 0; j < s->n; j++) {
            struct flow_stay st = sp->stays[s->first + j];
            if (k > first && sp->stays[k - 1].ward == st.ward && fabs(sp->stays[k - 1].end - st.start) < 1e-9) {
                sp->stays[k - 1].end = st.end;
                sp->stays[k - 1].flags = st.flags;
            } else {
                sp->stays[k++] = st;
            }
        }
        s->first = first;
        s->n = k - first;
        s->open = s->n > 0 && (sp->stays[k - 1].flags & FLOW_EP_OPEN);
    }
    sp->nstays = k;
}

static int check_replication(const struct flow_scenario *s, const struct flow_check_input *in, uint32_t rep,
                             struct flow_check *out)
{
    struct sim m = {.s = s, .ward_of = out->ward_of, .group_of = out->group_of, .offset = in->offset,
                    .first = in->x->first, .last = in->x->last};
    struct flow_model *model = flow_model_create(s, rep);
    if (model == NULL)
        return FLOW_E_TOO_BIG;
    flow_model_trace(model, on_event, &m);
    int err = flow_model_run(model);
    flow_model_destroy(model);
    if (err == 0) {
        sim_merge(&m);
        double *row = out->sim + (size_t)rep * out->n;
        double *hourly = out->hourly_sim + (size_t)rep * out->layout.nwards * 168;
        if (flow_measure(&m.sp, m.first, m.last, &out->layout, row, hourly) != 0)
            err = FLOW_E_TOO_BIG;
    }
    free(m.spell_of);
    free(m.prev);
    free(m.sp.stays);
    free(m.sp.spells);
    return err;
}

/* Scenario wards and groups to the extract's, by the names fit gives them (a group split by
 * route, NAME_routeN, counts as NAME). */
static void check_maps(const struct flow_scenario *s, const struct flow_extract *x, struct flow_check *out)
{
    char name[FLOW_MAX_NAME + 1];
    out->ward_of = flow_xcalloc(s->nwards + 1, sizeof *out->ward_of);
    out->group_of = flow_xcalloc(s->ngroups + 1, sizeof *out->group_of);
    out->ward_modelled = flow_xcalloc(x->nwards + 1, sizeof *out->ward_modelled);
    out->group_modelled = flow_xcalloc(x->ngroups + 1, sizeof *out->group_modelled);
    for (size_t w = 0; w < s->nwards; w++) {
        out->ward_of[w] = UINT32_MAX;
        for (uint32_t k = 0; k < x->nwards; k++) {
            flow_extract_scenario_name(x->wards[k], name, sizeof name);
            if (strcmp(name, s->wards[w].name) == 0)
                out->ward_of[w] = k, out->ward_modelled[k] = true;
        }
    }
    for (size_t g = 0; g < s->ngroups; g++) {
        out->group_of[g] = UINT32_MAX;
        const char *n = s->groups[g].name, *suffix = strstr(n, "_route");
        for (uint32_t k = 0; k < x->ngroups; k++) {
            flow_extract_scenario_name(x->groups[k], name, sizeof name);
            size_t len = strlen(name);
            bool routed = suffix && (size_t)(suffix - n) == len && strncmp(n, name, len) == 0 &&
                          strspn(suffix + 6, "0123456789") == strlen(suffix + 6) && suffix[6] != '\0';
            if (strcmp(name, n) == 0 || routed)
                out->group_of[g] = k, out->group_modelled[k] = true;
        }
    }
}

int flow_check_run(const struct flow_scenario *s, const struct flow_check_input *in, struct flow_check *out)
{
    memset(out, 0, sizeof *out);
    const struct flow_extract *x = in->x;
    out->layout = (struct flow_measure_layout){x->ngroups, x->nwards, in->routes};
    out->n = flow_measure_count(&out->layout);
    out->nreps = (size_t)s->replications;
    check_maps(s, x, out);
    out->observed = flow_xcalloc(out->n + 1, sizeof *out->observed);
    out->hourly_observed = flow_xcalloc(x->nwards * 168 + 1, sizeof *out->hourly_observed);
    out->sim = flow_xcalloc(out->nreps * out->n + 1, sizeof *out->sim);
    out->hourly_sim = flow_xcalloc(out->nreps * x->nwards * 168 + 1, sizeof *out->hourly_sim);
    if (flow_measure(in->spells, x->first, x->last, &out->layout, out->observed, out->hourly_observed) != 0)
        return FLOW_E_TOO_BIG;
    for (size_t rep = 0; rep < out->nreps; rep++) {
        if (flow_interrupted())
            return FLOW_E_INTERRUPTED;
        int err = check_replication(s, in, (uint32_t)rep, out);
        if (err != 0)
            return err;
        if (in->progress)
            in->progress(in->progress_arg, rep + 1, out->nreps);
    }
    return 0;
}

void flow_check_fini(struct flow_check *c)
{
    free(c->observed);
    free(c->sim);
    free(c->hourly_observed);
    free(c->hourly_sim);
    free(c->ward_of);
    free(c->group_of);
    free(c->ward_modelled);
    free(c->group_modelled);
    memset(c, 0, sizeof *c);
}

void flow_check_line(const struct flow_check *c, size_t k, struct flow_check_interval *out)
{
    double *v = flow_xcalloc(c->nreps + 1, sizeof *v);
    size_t n = 0;
    for (size_t r = 0; r < c->nreps; r++)
        if (isfinite(c->sim[r * c->n + k]))
            v[n++] = c->sim[r * c->n + k];
    double obs = c->observed[k];
    out->mean = n ? gsl_stats_mean(v, 1, n) : NAN;
    double half = n >= 2 ? flow_prediction_halfwidth(gsl_stats_sd(v, 1, n), n, 0.95) : NAN;
    out->low = out->mean - half, out->high = out->mean + half;
    out->outside = isfinite(obs) && isfinite(half) && (obs < out->low - 1e-12 || obs > out->high + 1e-12);
    if (isfinite(obs) && n == 0)
        out->outside = true;                       /* the model never has it */
    free(v);
}

static double rms(const double *a, const double *mean)
{
    double s = 0;
    int n = 0;
    for (int h = 0; h < 168; h++)
        if (isfinite(a[h]) && isfinite(mean[h]))
            s += (a[h] - mean[h]) * (a[h] - mean[h]), n++;
    return n ? sqrt(s / n) : NAN;
}

/* Ward w's mean profile over the replications, less replication leave_out (-1: none). */
static void hourly_mean(const struct flow_check *c, size_t w, long leave_out, double *mean)
{
    size_t W = c->layout.nwards;
    for (int h = 0; h < 168; h++) {
        double s = 0;
        size_t n = 0;
        for (size_t r = 0; r < c->nreps; r++)
            if ((long)r != leave_out)
                s += c->hourly_sim[(r * W + w) * 168 + (size_t)h], n++;
        mean[h] = n ? s / (double)n : NAN;
    }
}

void flow_check_hourly(const struct flow_check *c, size_t w, struct flow_check_hourly *out)
{
    *out = (struct flow_check_hourly){NAN, NAN, false};
    size_t W = c->layout.nwards, n = c->nreps;
    if (n < 2)
        return;
    double mean[168], *d = flow_xcalloc(n, sizeof *d);
    hourly_mean(c, w, -1, mean);
    out->distance = rms(c->hourly_observed + 168 * w, mean);
    for (size_t r = 0; r < n; r++) {
        hourly_mean(c, w, (long)r, mean);
        /* X_r - mean of the others has variance (1 + 1/(n-1)) s^2; O - mean, (1 + 1/n) s^2 */
        d[r] = rms(c->hourly_sim + (r * W + w) * 168, mean) * sqrt((double)(n * n - 1)) / (double)n;
    }
    gsl_sort(d, 1, n);
    size_t k = (size_t)ceil(0.95 * (double)(n + 1));     /* the k-th smallest of n */
    out->bound = d[(k > n ? n : k) - 1];
    out->outside = out->distance > out->bound + 1e-12;
    free(d);
}
