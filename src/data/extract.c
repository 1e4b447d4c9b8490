/* extract.c - reads a hospital's episode extract (one row per ward stay: patient, ward, start,
 * end, and optionally group and ready) into episodes sorted by patient and time. A malformed row
 * is an error at its own line and column, never a row dropped in silence: a missing field, a
 * timestamp that is not one, an end before its start, a ready time outside the stay, and two
 * stays of one patient that overlap. */
#include <flowsim/calendar.h>
#include <flowsim/csv.h>
#include <flowsim/extract.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ERRORS = 50 };

bool flow_extract_time(const char *text, double *days, bool *date_only)
{
    char date[11];
    size_t n = strlen(text);
    if (n < 10)
        return false;
    memcpy(date, text, 10);
    date[10] = '\0';
    int64_t d;
    if (!flow_date_parse(date, &d))
        return false;
    *date_only = n == 10;
    if (n == 10) {
        *days = (double)d;
        return true;
    }
    int hh, mm, ss = 0, used = 0;
    if ((text[10] != ' ' && text[10] != 'T') ||
        !(sscanf(text + 11, "%2d:%2d%n", &hh, &mm, &used) == 2 && used == 5))
        return false;
    const char *rest = text + 16;
    if (*rest == ':') {
        int more = 0;
        if (sscanf(rest + 1, "%2d%n", &ss, &more) != 1 || more != 2)
            return false;
        rest += 3;
    }
    if (*rest != '\0' || !isdigit((unsigned char)text[11]) || hh > 23 || mm > 59 || ss > 59)
        return false;
    *days = (double)d + (hh * 3600 + mm * 60 + ss) / 86400.0;
    return true;
}

/* Names in order of first appearance, found through an open-addressing hash table (an extract
 * may name 100,000 patients). */
struct names {
    char **v;
    size_t n;
    uint32_t *slot;        /* index + 1, or 0: empty */
    size_t cap;            /* a power of two, kept at least twice n */
};

static uint64_t hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void names_grow(struct names *t)
{
    size_t cap = t->cap ? 2 * t->cap : 64;
    uint32_t *slot = flow_xcalloc(cap, sizeof *slot);
    for (size_t i = 0; i < t->n; i++) {
        size_t h = (size_t)hash(t->v[i]) & (cap - 1);
        while (slot[h])
            h = (h + 1) & (cap - 1);
        slot[h] = (uint32_t)i + 1;
    }
    free(t->slot);
    t->slot = slot;
    t->cap = cap;
}

static uint32_t intern(struct names *t, const char *name)
{
    if (2 * (t->n + 1) > t->cap)
        names_grow(t);
    size_t h = (size_t)hash(name) & (t->cap - 1);
    while (t->slot[h]) {
        if (strcmp(t->v[t->slot[h] - 1], name) == 0)
            return t->slot[h] - 1;
        h = (h + 1) & (t->cap - 1);
    }
    t->v = flow_xrealloc(t->v, (t->n + 1) * sizeof *t->v);
    t->v[t->n] = flow_xstrdup(name);
    t->slot[h] = (uint32_t)t->n + 1;
    return (uint32_t)t->n++;
}

struct columns {
    int patient, ward, start, end, group, ready;
};

static bool header(const struct flow_csv *csv, long nf, struct columns *c, size_t *n, const char *path,
                   struct flow_diag *diag)
{
    char *const *fields = csv->f;
    const int *cols = csv->col;
    *n = (size_t)nf;
    *c = (struct columns){-1, -1, -1, -1, -1, -1};
    static const char *const names[] = {"patient", "ward", "start", "end", "group", "ready"};
    int *slot[] = {&c->patient, &c->ward, &c->start, &c->end, &c->group, &c->ready};
    for (size_t i = 0; i < *n; i++)
        for (int k = 0; k < 6; k++)
            if (strcmp(fields[i], names[k]) == 0) {
                if (*slot[k] >= 0) {
                    flow_diag_error(diag, path, csv->line, cols[i], "the header names '%s' twice (columns %d and %zu)",
                                    names[k], *slot[k] + 1, i + 1);
                    return false;
                }
                *slot[k] = (int)i;
            }
    for (int k = 0; k < 4; k++)
        if (*slot[k] < 0) {
            flow_diag_error(diag, path, csv->line, 1, "the header has no '%s' column; an extract needs patient, ward, start "
                            "and end (and may give group and ready)", names[k]);
            return false;
        }
    return true;
}

struct row_ctx {
    const char *path;
    struct flow_diag *diag;
    int line;
};

static bool time_field(const struct row_ctx *r, const char *what, const char *text, int col, double *t, bool *day)
{
    if (flow_extract_time(text, t, day))
        return true;
    char shown[200];
    flow_diag_error(r->diag, r->path, r->line, col, "'%s' must be a time YYYY-MM-DD HH:MM (T or a space between, "
                    "seconds optional) or a date YYYY-MM-DD; found '%s'", what, flow_csv_shown(text, 40, shown, sizeof shown));
    return false;
}

/* One data row into an episode; false (with a located error) when it is malformed. */
struct lists {
    struct names patients, wards, groups;
};

/* The stay's end (or none: open) and its ready time, each within the stay. */
static bool row_times(const struct row_ctx *r, char *const *f, const int *col, const struct columns *c,
                      struct flow_episode *ep)
{
    bool day;
    if (f[c->end][0] == '\0') {
        ep->flags |= FLOW_EP_OPEN;
    } else {
        if (!time_field(r, "end", f[c->end], col[c->end], &ep->end, &day))
            return false;
        ep->flags |= day ? FLOW_EP_END_DAY : 0;
        /* A date alone is somewhere in that day: it ends the stay no earlier than its start's
         * day (a stay from 07:00 that ends "on" that date is a stay of under 17 hours). */
        if (day ? ep->end + 1 <= ep->start : ep->end < ep->start) {
            flow_diag_error(r->diag, r->path, r->line, col[c->end], "the stay ends (%s) before it starts (%s)",
                            f[c->end], f[c->start]);
            return false;
        }
    }
    if (c->ready < 0 || f[c->ready][0] == '\0')
        return true;
    if (!time_field(r, "ready", f[c->ready], col[c->ready], &ep->ready, &day))
        return false;
    ep->flags |= FLOW_EP_READY | (day ? FLOW_EP_READY_DAY : 0);
    bool open = ep->flags & FLOW_EP_OPEN;
    bool before = day ? ep->ready + 1 <= ep->start : ep->ready < ep->start;
    bool end_day = ep->flags & FLOW_EP_END_DAY;
    if (before || (!open && ep->ready > ep->end + (end_day ? 1 : 0))) {
        flow_diag_error(r->diag, r->path, r->line, col[c->ready], "the ready time %s is outside the stay (%s to "
                        "%s)", f[c->ready], f[c->start], open ? "still open" : f[c->end]);
        return false;
    }
    return true;
}

/* Names are printed in reports and on terminals: none may hold a control character. */
static bool row_names(const struct row_ctx *r, char *const *f, const int *col, const struct columns *c)
{
    static const char *const named[] = {"patient", "ward", "group"};
    const int nidx[] = {c->patient, c->ward, c->group};
    for (int k = 0; k < 3; k++)
        for (const unsigned char *p = nidx[k] >= 0 ? (const unsigned char *)f[nidx[k]] : NULL; p && *p; p++)
            if (*p < 0x20 || *p == 0x7f) {
                flow_diag_error(r->diag, r->path, r->line, col[nidx[k]], "'%s' has a control character (byte %d); "
                                "names are printed in reports and on terminals", named[k], *p);
                return false;
            }
    return true;
}

static bool row(const struct row_ctx *r, const struct flow_csv *csv, size_t n, const struct columns *c, size_t nh,
                struct lists *x, struct flow_episode *ep)
{
    char *const *f = csv->f;
    const int *col = csv->col;
    if (n != nh) {
        flow_diag_error(r->diag, r->path, r->line, 1, "this row has %zu fields; the header has %zu", n, nh);
        return false;
    }
    static const char *const need[] = {"patient", "ward", "start"};
    const int idx[] = {c->patient, c->ward, c->start};
    for (int k = 0; k < 3; k++)
        if (f[idx[k]][0] == '\0') {
            flow_diag_error(r->diag, r->path, r->line, col[idx[k]], "'%s' is empty", need[k]);
            return false;
        }
    bool day;
    *ep = (struct flow_episode){.line = (uint32_t)r->line, .ready = NAN};
    if (!time_field(r, "start", f[c->start], col[c->start], &ep->start, &day))
        return false;
    ep->flags |= day ? FLOW_EP_START_DAY : 0;
    if (!row_times(r, f, col, c, ep) || !row_names(r, f, col, c))
        return false;
    const char *group = c->group >= 0 && f[c->group][0] != '\0' ? f[c->group] : "all";
    ep->patient = intern(&x->patients, f[c->patient]);
    ep->ward = intern(&x->wards, f[c->ward]);
    ep->group = intern(&x->groups, group);
    return true;
}

static int by_patient_time(const void *a, const void *b)
{
    const struct flow_episode *x = a, *y = b;
    if (x->patient != y->patient)
        return (x->patient > y->patient) - (x->patient < y->patient);
    if (x->start != y->start)
        return (x->start > y->start) - (x->start < y->start);
    return (x->line > y->line) - (x->line < y->line);
}

/* A patient is in one ward at a time: its stays, in time order, must not overlap (a stay that
 * ends when the next starts is a transfer). An open stay must be the patient's last. */
static void check_overlaps(struct flow_extract *x, const char *path, struct flow_diag *diag)
{
    for (size_t i = 1; i < x->nepisodes; i++) {
        const struct flow_episode *a = &x->episodes[i - 1], *b = &x->episodes[i];
        if (a->patient != b->patient)
            continue;
        if (a->flags & FLOW_EP_OPEN)
            flow_diag_error(diag, path, (int)b->line, 1, "patient '%s' has a stay starting here after the open stay "
                            "of line %u (an open stay, with no end, must be a patient's last)",
                            x->patients[b->patient], a->line);
        else if (b->start < a->end && !((a->flags & FLOW_EP_END_DAY) || (b->flags & FLOW_EP_START_DAY)))
            flow_diag_error(diag, path, (int)b->line, 1, "patient '%s' starts this stay before the stay of line %u "
                            "ends: a patient is in one ward at a time", x->patients[b->patient], a->line);
        if (diag->errors >= MAX_ERRORS)
            return;
    }
}

/* Adds a read stay, widening the extract's span (a date alone spans its day). */
static void add_episode(struct flow_extract *out, size_t *cap, const struct flow_episode *ep)
{
    flow_xgrow((void **)&out->episodes, cap, out->nepisodes + 1, sizeof *out->episodes);
    out->episodes[out->nepisodes++] = *ep;
    double start_end = ep->start + ((ep->flags & FLOW_EP_START_DAY) ? 1 : 0);
    double end = (ep->flags & FLOW_EP_OPEN) ? ep->start : ep->end + ((ep->flags & FLOW_EP_END_DAY) ? 1 : 0);
    out->first = fmin(out->first, ep->start);
    out->last = fmax(out->last, fmax(start_end, end));
}

/* The header, then every row; returns whether a header was read. Stops after MAX_ERRORS. */
static bool read_rows(struct flow_csv *csv, const char *path, struct flow_extract *out, struct lists *names,
                      struct flow_diag *diag, size_t before)
{
    struct columns c;
    size_t nh = 0, cap = 0;
    bool have_header = false;
    long nf;
    while ((nf = flow_csv_row(csv, diag)) != 0) {
        if (nf < 0) {
            if (!have_header || diag->errors - before >= MAX_ERRORS)
                break;
            continue;
        }
        if (!have_header) {
            if (!header(csv, nf, &c, &nh, path, diag))
                break;
            have_header = true;
            out->has_ready = c.ready >= 0;
            continue;
        }
        struct flow_episode ep;
        struct row_ctx r = {path, diag, csv->line};
        if (row(&r, csv, (size_t)nf, &c, nh, names, &ep))
            add_episode(out, &cap, &ep);
        else if (diag->errors - before >= MAX_ERRORS)
            break;
    }
    return have_header;
}

size_t flow_extract_read(const char *path, struct flow_extract *out, struct flow_diag *diag)
{
    memset(out, 0, sizeof *out);
    size_t before = diag->errors;
    struct flow_csv csv;
    const char *why = flow_csv_open(&csv, path, "the extract", (size_t)1 << 30, false, diag);
    if (why != NULL) {
        if (*why)
            flow_diag_error(diag, path, 1, 1, "cannot read the extract: %s", strcmp(why, "too large") == 0 ?
                            "larger than 1 GiB" : why);
        return diag->errors - before;
    }
    struct lists names;
    memset(&names, 0, sizeof names);
    out->first = INFINITY, out->last = -INFINITY;
    bool have_header = read_rows(&csv, path, out, &names, diag, before);
    flow_csv_close(&csv);
    out->patients = names.patients.v, out->npatients = names.patients.n;
    out->wards = names.wards.v, out->nwards = names.wards.n;
    out->groups = names.groups.v, out->ngroups = names.groups.n;
    free(names.patients.slot);
    free(names.wards.slot);
    free(names.groups.slot);
    if (!have_header && diag->errors == before)
        flow_diag_error(diag, path, 1, 1, "the extract is empty; it needs a header with patient, ward, start and end");
    else if (diag->errors == before && out->nepisodes == 0)
        flow_diag_error(diag, path, 2, 1, "the extract has a header but no stays");
    if (diag->errors == before) {
        for (size_t i = 0; i < out->nepisodes; i++)   /* open stays are censored at the extract's end */
            if (out->episodes[i].flags & FLOW_EP_OPEN)
                out->episodes[i].end = out->last;
        qsort(out->episodes, out->nepisodes, sizeof *out->episodes, by_patient_time);
        check_overlaps(out, path, diag);
    }
    if (diag->errors != before)
        flow_extract_fini(out);
    return diag->errors - before;
}

void flow_extract_fini(struct flow_extract *x)
{
    if (x == NULL)
        return;
    char **lists[] = {x->patients, x->wards, x->groups};
    size_t counts[] = {x->npatients, x->nwards, x->ngroups};
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < counts[k]; i++)
            free(lists[k][i]);
        free(lists[k]);
    }
    free(x->episodes);
    memset(x, 0, sizeof *x);
}
