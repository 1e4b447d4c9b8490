/* write_sweep.c - a sweep's files: runs.csv (a row per point and replication) and summary.csv
 * (a row per point: each metric's mean and interval), written a point at a time; the manifest
 * (sweep.txt) saying what the sweep is; and, to resume one, how many whole points the files
 * hold, cutting a torn last point away. */
#define _XOPEN_SOURCE 700   /* open_memstream, truncate */
#include <flowsim/experiment.h>
#include <flowsim/report.h>
#include <flowsim/scenario.h>
#include <flowsim/sweep.h>
#include <flowsim/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void write_value(FILE *f, const struct flow_sweep *w, size_t i, const char *value)
{
    double x;
    if (w->units[i] == NULL)
        flow_csv_field(f, value);
    else if ((strcmp(w->units[i], "days") == 0 ? flow_parse_duration(value, &x) : flow_parse_rate(value, &x)) == NULL)
        flow_csv_number(f, x);
}

static void write_name(FILE *f, const struct flow_sweep *w, size_t i)
{
    char *name = w->units[i] ? flow_xasprintf("%s_%s", w->vary[i].path, w->units[i]) : flow_xstrdup(w->vary[i].path);
    flow_csv_field(f, name);
    free(name);
}

void flow_sweep_csv_headers(const struct flow_sweep *w, FILE *runs, FILE *summary)
{
    fputs("point,replication", runs);
    for (size_t i = 0; i < w->nvary; i++) {
        fputc(',', runs);
        write_name(runs, w, i);
        if (i)
            fputc(',', summary);
        write_name(summary, w, i);
    }
    for (size_t c = 0; c < w->ncols; c++) {
        fputc(',', runs);
        flow_csv_field(runs, w->paths[w->cols[c]]);
        static const char *const suffix[] = {"_mean", "_ci_low", "_ci_high"};
        for (int k = 0; k < 3; k++) {
            char *name = flow_xasprintf("%s%s", w->paths[w->cols[c]], suffix[k]);
            fputc(',', summary);
            flow_csv_field(summary, name);
            free(name);
        }
    }
    fputc('\n', runs);
    fputc('\n', summary);
}

static void write_summary(const struct flow_sweep *w, const char **values, const struct flow_results *r, FILE *summary)
{
    for (size_t i = 0; i < w->nvary; i++) {
        if (i)
            fputc(',', summary);
        write_value(summary, w, i, values[i]);
    }
    for (size_t c = 0; c < w->ncols; c++) {
        struct flow_summary s;
        flow_results_summary(r, w->cols[c], &s);
        fputc(',', summary);
        flow_csv_number(summary, s.mean);
        fputc(',', summary);
        flow_csv_number(summary, s.ci_low);
        fputc(',', summary);
        flow_csv_number(summary, s.ci_high);
    }
    fputc('\n', summary);
}

void flow_sweep_csv_point(const struct flow_sweep *w, size_t point, const char **values, const struct flow_results *r,
                          FILE *runs, FILE *summary)
{
    for (size_t rep = 0; rep < r->nreps; rep++) {
        fprintf(runs, "%zu,%zu", point + 1, rep + 1);
        for (size_t i = 0; i < w->nvary; i++) {
            fputc(',', runs);
            write_value(runs, w, i, values[i]);
        }
        for (size_t c = 0; c < w->ncols; c++) {
            fputc(',', runs);
            flow_csv_number(runs, r->values[rep * r->nmetrics + w->cols[c]]);
        }
        fputc('\n', runs);
    }
    write_summary(w, values, r, summary);
}

/* Appends a formatted line to *text (owned). */
static void add_line(char **text, const char *fmt, const char *a, const char *b)
{
    char *t = flow_xasprintf(fmt, *text, a, b);
    free(*text);
    *text = t;
}

char *flow_sweep_manifest(const struct flow_sweep *w)
{
    char *text = flow_xasprintf("flowsim sweep manifest\nscenario %s\nfingerprint %016llx\nreplications %d\n",
                                w->scenario, (unsigned long long)w->fingerprint, w->reps);
    for (size_t i = 0; i < w->nsets; i++)
        add_line(&text, "%sset %s%s\n", w->sets[i], "");
    for (size_t i = 0; i < w->nvary; i++) {
        add_line(&text, "%svary %s%s", w->vary[i].path, "");
        for (size_t k = 0; k < w->vary[i].nvalues; k++)
            add_line(&text, "%s%s%s", k ? "," : "=", w->vary[i].values[k]);
        add_line(&text, "%s%s%s\n", "", "");
    }
    char lhs[32];
    snprintf(lhs, sizeof lhs, "%ld", w->lhs);
    add_line(&text, "%smetrics %s\nlatin_hypercube %s\n", w->metrics ? w->metrics : "all", lhs);
    return text;
}

/* ---- resuming --------------------------------------------------------------------------- */

/* The text a point's rows begin with in runs.csv ("P,R,values") or its summary line begins
 * with ("values"), as flow_sweep_csv_point writes them. */
static char *row_prefix(const struct flow_sweep *w, size_t point, size_t rep, const char **values)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (rep > 0)
        fprintf(f, "%zu,%zu,", point + 1, rep);
    for (size_t i = 0; i < w->nvary; i++) {
        if (i)
            fputc(',', f);
        write_value(f, w, i, values[i]);
    }
    fputc(',', f);
    fclose(f);
    return buf;
}

static bool starts_with(const char *line, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return n <= len && memcmp(line, prefix, n) == 0;
}

/* Where the files are read: a cursor in each. */
struct cursor {
    const char *r, *rend;              /* runs.csv */
    const char *q, *qend;              /* summary.csv */
};

/* Point `point`'s rows 1..R at c->r (advanced past them when whole). Returns 1 when they are
 * whole and right, 0 when runs.csv ends among them (torn), -1 when a row is not this point's. */
static int point_rows(const struct flow_sweep *w, size_t point, const char **values, struct cursor *c)
{
    size_t reps = flow_sweep_point_reps(w, values);
    const char *at = c->r;
    for (size_t rep = 1; rep <= reps; rep++) {
        const char *rnl = memchr(at, '\n', (size_t)(c->rend - at));
        if (rnl == NULL)
            return 0;
        char *row = row_prefix(w, point, rep, values);
        bool ok = starts_with(at, (size_t)(rnl - at), row);
        free(row);
        if (!ok)
            return -1;
        at = rnl + 1;
    }
    c->r = at;
    return 1;
}

/* Checks that both files hold this sweep's points in order, row by row, and finds how many
 * whole points they hold: summary line k is point k's values, and runs.csv holds rows 1..R
 * of each of those points (R from the point itself, so a varied 'replications' is right). A
 * partial point after them (a kill, a full disk) is cut; anything else was edited, and the
 * sweep refuses to mix it with new rows. Returns the count, or -1 with why. */
static long whole_points(const struct flow_sweep *w, struct cursor *c, const char *dir, char *why, size_t len)
{
    const char **values = flow_xcalloc(w->nvary + 1, sizeof *values);
    long done = -1;
    for (size_t point = 0;; point++) {
        const char *qnl = point < w->points ? memchr(c->q, '\n', (size_t)(c->qend - c->q)) : NULL;
        if (qnl == NULL) {                       /* no further whole summary line */
            done = (long)point;
            break;
        }
        flow_sweep_point(w->vary, w->nvary, point, values);
        char *want = row_prefix(w, point, 0, values);
        bool ok = starts_with(c->q, (size_t)(qnl - c->q), want);
        free(want);
        int rows = ok ? point_rows(w, point, values, c) : -1;
        if (rows == 0) {                         /* runs.csv ends here: cut back to point - 1 */
            done = (long)point;
            break;
        }
        if (rows < 0) {
            snprintf(why, len, "--resume: the files in %s do not hold point %zu where this sweep puts it (were rows "
                     "deleted or edited?); run the sweep again in another directory", dir, point + 1);
            break;
        }
        c->q = qnl + 1;
    }
    free(values);
    return done;
}

/* Reads a sweep file whole (regular files only: a FIFO in its place is refused, not waited on). */
static char *slurp(const char *path, size_t *len)
{
    const char *why = NULL;
    return flow_read_regular(path, (size_t)1 << 36, len, &why);
}

long flow_sweep_resume(const struct flow_sweep *w, const char *dir, char *why, size_t len)
{
    char *runs_path = flow_xasprintf("%s/runs.csv", dir), *summary_path = flow_xasprintf("%s/summary.csv", dir);
    char *manifest_path = flow_xasprintf("%s/sweep.txt", dir);
    size_t rl, sl, ml;
    char *runs = slurp(runs_path, &rl), *summary = slurp(summary_path, &sl), *man = slurp(manifest_path, &ml);
    char *want = flow_sweep_manifest(w);
    long done = -1;
    if (runs == NULL || summary == NULL || man == NULL) {
        snprintf(why, len, "--resume: %s has no sweep to resume", dir);
    } else if (strcmp(man, want) != 0) {
        snprintf(why, len, "--resume: the sweep in %s was started with other arguments or another scenario (see %s)",
                 dir, manifest_path);
    } else {
        const char *r = memchr(runs, '\n', rl), *q = memchr(summary, '\n', sl);
        struct cursor c = {r ? r + 1 : runs + rl, runs + rl, q ? q + 1 : summary + sl, summary + sl};
        done = whole_points(w, &c, dir, why, len);
        if (done > 0 && (truncate(runs_path, c.r - runs) != 0 || truncate(summary_path, c.q - summary) != 0)) {
            snprintf(why, len, "--resume: cannot repair the files in %s", dir);
            done = -1;
        }
    }
    free(runs), free(summary), free(man), free(want);
    free(runs_path), free(summary_path), free(manifest_path);
    return done;
}
