/* saved.c - HTML reports from saved results: a run's, a comparison's or a sizing's JSON, or a
 * sweep's output directory (its summary.csv). */
#include "internal.h"

#include <flowsim/csv.h>
#include <flowsim/error.h>
#include <flowsim/util.h>

#include <flow_config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static size_t ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The first column from `from` on that breaks the pattern NAME_mean, NAME_ci_low, NAME_ci_high
 * (the same NAME in each triple), or n when every column keeps it. */
static size_t metric_columns(char **head, size_t from, size_t n)
{
    for (size_t i = from; i < n; i += 3) {
        if (!ends_with(head[i], "_mean"))
            return i;
        size_t base = strlen(head[i]) - 5;
        static const char *const next[] = {"_ci_low", "_ci_high"};
        for (size_t k = 1; k <= 2; k++)
            if (i + k >= n || strncmp(head[i + k], head[i], base) != 0 ||
                strcmp(head[i + k] + base, next[k - 1]) != 0)
                return i + k < n ? i + k : i;
    }
    return n;
}

/* The header's parameters and metrics into params and metrics; the count of columns, or 0
 * with why said. */
static size_t sweep_header(const struct flow_csv *csv, long n, char **head, json_t *params, json_t *metrics,
                           const char *dir, char *why, size_t len)
{
    size_t nh = (size_t)n, nparams = 0;
    for (size_t i = 0; i < nh; i++)
        head[i] = csv->f[i];       /* in the file's text, which outlives the rows */
    while (nparams < nh && !ends_with(head[nparams], "_mean"))
        json_array_append_new(params, json_string(head[nparams++]));
    size_t bad = metric_columns(head, nparams, nh);
    if (nparams == nh) {
        snprintf(why, len, "%s/summary.csv:%d:1: error: no METRIC_mean column: not a sweep summary", dir, csv->line);
        return 0;
    }
    if (bad < nh) {
        char shown[200];
        snprintf(why, len, "%s/summary.csv:%d:%d: error: column %zu ('%s') is not METRIC_mean, METRIC_ci_low, "
                 "METRIC_ci_high in turn after the parameters", dir, csv->line, csv->col[bad], bad + 1,
                 flow_csv_shown(head[bad], 60, shown, sizeof shown));
        return 0;
    }
    for (size_t i = nparams; i < nh; i += 3)
        json_array_append_new(metrics, json_stringn(head[i], strlen(head[i]) - 5));
    return nh;
}

static json_t *sweep_row(const struct flow_csv *csv, long n, char **head, size_t nh, size_t nparams)
{
    json_t *row = json_object();
    for (size_t i = 0; i < (size_t)n && i < nh; i++) {
        char *end;
        const char *field = csv->f[i];
        double x = strtod(field, &end);
        if (i < nparams)
            json_object_set_new(row, head[i], json_string(field));
        else
            json_object_set_new(row, head[i], *field && *end == '\0' ? json_real(x) : json_null());
    }
    return row;
}

/* A sweep's summary.csv (through the one CSV reader) as the page's value, or NULL with why. */
static json_t *sweep_value(const char *dir, char *why, size_t len)
{
    char *path = flow_xasprintf("%s/summary.csv", dir);
    struct flow_csv csv;
    struct flow_diag d;
    flow_diag_init(&d);
    const char *err = flow_csv_open(&csv, path, "a sweep summary", 64 << 20, false, &d);
    if (err != NULL) {
        if (*err == '\0')
            snprintf(why, len, "%s", d.count ? d.lines[0] : "cannot read the summary");
        else if (strcmp(err, "too large") == 0)
            snprintf(why, len, "%s/summary.csv is larger than 64 MiB; sweep summaries are read up to 64 MiB", dir);
        else
            snprintf(why, len, "cannot read %s: %s", path, err);
        flow_diag_fini(&d);
        free(path);
        return NULL;
    }
    why[0] = '\0';
    json_t *rows = json_array(), *params = json_array(), *metrics = json_array();
    char **head = NULL;
    size_t nh = 0;
    long n = flow_csv_row(&csv, &d);
    if (n > 0) {
        head = flow_xcalloc((size_t)n, sizeof *head);
        nh = sweep_header(&csv, n, head, params, metrics, dir, why, len);
    }
    while (nh > 0 && (n = flow_csv_row(&csv, &d)) != 0)
        if (n > 0)
            json_array_append_new(rows, sweep_row(&csv, n, head, nh, json_array_size(params)));
    if (why[0] == '\0' && d.count > 0)
        snprintf(why, len, "%s", d.lines[0]);
    else if (why[0] == '\0' && (json_array_size(params) == 0 || json_array_size(rows) == 0))
        snprintf(why, len, "%s/summary.csv holds no finished sweep point", dir);
    free(head);
    flow_csv_close(&csv);
    flow_diag_fini(&d);
    free(path);
    if (why[0] != '\0') {
        json_decref(rows), json_decref(params), json_decref(metrics);
        return NULL;
    }
    json_t *v = json_object();
    json_object_set_new(v, "parameters", params);
    json_object_set_new(v, "metrics", metrics);
    json_object_set_new(v, "rows", rows);
    return v;
}

/* The saved JSON at path, parsed: an object, or NULL with why. */
static json_t *saved_load(const char *path, const struct stat *st, char *why, size_t len)
{
    const char *err = NULL;
    size_t n = 0;
    char *text = flow_read_regular(path, 64 << 20, &n, &err);
    if (text == NULL) {
        if (strcmp(err, "too large") == 0)
            snprintf(why, len, "%s is %lld bytes; results files are at most 64 MiB", path, (long long)st->st_size);
        else
            snprintf(why, len, "cannot read %s: %s", path, err);
        return NULL;
    }
    json_error_t e;
    json_t *root = json_loadb(text, n, 0, &e);
    free(text);
    if (root == NULL || !json_is_object(root)) {
        snprintf(why, len, "%s:%d:%d: error: not a flowsim results file (%s)", path, e.line < 1 ? 1 : e.line,
                 e.column < 1 ? 1 : e.column, root ? "not a JSON object" : e.text);
        json_decref(root);
        return NULL;
    }
    return root;
}

/* What the saved results are ("run", "compare", "size"), or NULL with why (not flowsim's, or a
 * newer format than this flowsim reads). */
static const char *saved_kind(const json_t *root, const char *path, char *why, size_t len)
{
    json_t *scen = json_object_get(root, "scenario"), *version = json_object_get(root, "format_version");
    const char *kind = json_object_get(root, "evaluated") && json_object_get(root, "parameter") ? "size"
                       : json_is_object(scen) ? "compare"
                       : json_is_string(scen) && json_object_get(root, "system") ? "run" : NULL;
    if (kind == NULL) {
        snprintf(why, len, "%s is JSON but not flowsim results (no scenario/system or evaluated)", path);
        return NULL;
    }
    if (version && (!json_is_integer(version) || json_integer_value(version) > FLOW_JSON_FORMAT)) {
        snprintf(why, len, "%s:1:1: error: format_version %s; this flowsim (%s) reads versions up to %d%s", path,
                 json_is_integer(version) ? "is newer than it knows" : "is not a whole number", FLOW_VERSION,
                 FLOW_JSON_FORMAT, json_is_integer(version) ? ": use a newer flowsim" : "");
        return NULL;
    }
    return kind;
}

/* The page of saved results of `kind` (takes root): from the page's parts saved with them, so
 * that it is the page the run drew; or, from older files, a page built from the results. */
static int saved_page(FILE *f, const char *kind, json_t *root, const char *path)
{
    json_t *parts = json_incref(json_object_get(root, "report"));
    json_object_del(root, "format_version");
    json_object_del(root, "report");
    int rc;
    if (json_is_object(parts) && json_is_string(json_object_get(parts, "title")) &&
        json_is_string(json_object_get(parts, "subtitle"))) {
        rc = flow__html_write_parts(f, kind, root, json_incref(parts));
    } else {
        json_t *scen = json_object_get(root, "scenario");
        char *t = flow_xstrdup(strcmp(kind, "size") == 0      ? "Capacity sizing"
                               : strcmp(kind, "compare") == 0 ? "Comparison"
                                                              : json_string_value(scen));
        char *prov = flow_xasprintf("flowsim report %s", path);
        rc = flow__html_write(f, kind, t, path, root, NULL, prov);
        free(t);
        free(prov);
    }
    json_decref(parts);
    return rc;
}

int flow_report_html_saved(FILE *f, const char *path, char *why, size_t len)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, len, "cannot read %s: %s", path, strerror(errno));
        return FLOW_E_IO;
    }
    if (S_ISDIR(st.st_mode)) {
        json_t *v = sweep_value(path, why, len);
        char *prov = flow_xasprintf("flowsim report %s", path);
        int rc = v ? flow__html_write(f, "sweep", "Sweep", path, v, NULL, prov) : FLOW_E_IO;
        free(prov);
        return rc;
    }
    json_t *root = saved_load(path, &st, why, len);
    const char *kind = root ? saved_kind(root, path, why, len) : NULL;
    if (kind == NULL) {
        json_decref(root);
        return FLOW_E_IO;
    }
    return saved_page(f, kind, root, path);
}
