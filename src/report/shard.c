/* shard.c - shard files (shard.h). Line 1 says what the file is ("flowsim shard"); line 2 is a
 * JSON header (format_version, flowsim_version, command, shard, shards, args, provenance,
 * events, byte_order, parts, rows); the rows follow as raw doubles in this machine's byte
 * order, which the header names so that another machine refuses them rather than misread. */
#include <flowsim/error.h>
#include <flowsim/limits.h>
#include <flowsim/shard.h>
#include <flowsim/util.h>

#include <flow_config.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAGIC "flowsim shard\n"
enum { FORMAT_VERSION = 1 };

static const char *byte_order(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1 ? "little-endian" : "big-endian";
}

void flow_shard_init(struct flow_shard *sh, const char *command, long shard, long shards, char *const *args,
                     size_t nargs, const char *provenance)
{
    memset(sh, 0, sizeof *sh);
    sh->command = flow_xstrdup(command);
    sh->shard = shard;
    sh->shards = shards;
    sh->args = flow_xcalloc(nargs + 1, sizeof *sh->args);
    for (size_t i = 0; i < nargs; i++)
        sh->args[i] = flow_xstrdup(args[i]);
    sh->nargs = nargs;
    sh->provenance = flow_xstrdup(provenance);
    sh->version = flow_xstrdup(FLOW_VERSION);
}

void flow_shard_fini(struct flow_shard *sh)
{
    free(sh->command);
    for (size_t i = 0; i < sh->nargs; i++)
        free(sh->args[i]);
    free(sh->args);
    free(sh->provenance);
    free(sh->version);
    for (size_t k = 0; k < sh->nparts; k++)
        free(sh->names[k]);
    free(sh->rows);
    memset(sh, 0, sizeof *sh);
}

int flow_shard_add(struct flow_shard *sh, size_t point, size_t rep, const struct flow_results *r, size_t row)
{
    struct flow_results_part parts[FLOW_RESULTS_PARTS];
    size_t n = flow_results_parts(r, parts);
    if (sh->nrows == 0 && sh->nparts == 0) {
        sh->row_width = 2;
        for (size_t k = 0; k < n; k++) {
            sh->names[k] = flow_xstrdup(parts[k].name);
            sh->widths[k] = parts[k].width;
            sh->row_width += parts[k].width;
        }
        sh->nparts = n;
    }
    if (n != sh->nparts)
        return -1;
    for (size_t k = 0; k < n; k++)
        if (strcmp(parts[k].name, sh->names[k]) != 0 || parts[k].width != sh->widths[k])
            return -1;
    flow_xgrow((void **)&sh->rows, &sh->cap, (sh->nrows + 1) * sh->row_width, sizeof *sh->rows);
    double *out = sh->rows + sh->nrows++ * sh->row_width;
    *out++ = (double)point;
    *out++ = (double)rep;
    for (size_t k = 0; k < n; k++) {
        memcpy(out, parts[k].values + row * parts[k].width, parts[k].width * sizeof *out);
        out += parts[k].width;
    }
    return 0;
}

static json_t *header_json(const struct flow_shard *sh)
{
    json_t *args = json_array(), *parts = json_array();
    for (size_t i = 0; i < sh->nargs; i++)
        json_array_append_new(args, json_string(sh->args[i]));
    for (size_t k = 0; k < sh->nparts; k++)
        json_array_append_new(parts, json_pack("{s:s, s:I}", "name", sh->names[k], "width", (json_int_t)sh->widths[k]));
    return json_pack("{s:i, s:s, s:s, s:I, s:I, s:o, s:s, s:I, s:s, s:o, s:I}", "format_version", FORMAT_VERSION,
                     "flowsim_version", sh->version, "command", sh->command, "shard", (json_int_t)sh->shard,
                     "shards", (json_int_t)sh->shards, "args", args, "provenance", sh->provenance, "events",
                     (json_int_t)sh->events, "byte_order", byte_order(), "parts", parts, "rows",
                     (json_int_t)sh->nrows);
}

int flow_shard_write(FILE *f, const void *arg)
{
    const struct flow_shard *sh = arg;
    json_t *h = header_json(sh);
    char *text = h ? json_dumps(h, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(h);
    if (text == NULL)
        return FLOW_E_IO;
    int bad = fputs(MAGIC, f) == EOF || fputs(text, f) == EOF || fputc('\n', f) == EOF;
    free(text);
    size_t n = sh->nrows * sh->row_width;
    if (!bad && n > 0 && fwrite(sh->rows, sizeof *sh->rows, n, f) != n)
        bad = 1;
    return bad || ferror(f) ? FLOW_E_IO : 0;
}

/* ---- reading ---------------------------------------------------------------------------- */

static int fail(char *why, size_t len, const char *path, int line, int col, const char *what)
{
    snprintf(why, len, "%s:%d:%d: error: %s", path, line, col, what);
    return -1;
}

/* A whole number member of the header within [lo, hi]. */
static bool whole(json_t *h, const char *key, json_int_t lo, json_int_t hi, json_int_t *out)
{
    json_t *v = json_object_get(h, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return false;
    *out = json_integer_value(v);
    return true;
}

static int read_parts(struct flow_shard *sh, json_t *parts)
{
    if (!json_is_array(parts) || json_array_size(parts) > FLOW_RESULTS_PARTS)
        return -1;
    sh->row_width = 2;
    for (size_t k = 0; k < json_array_size(parts); k++) {
        json_t *p = json_array_get(parts, k), *name = json_object_get(p, "name"), *w = json_object_get(p, "width");
        if (!json_is_string(name) || !json_is_integer(w) || json_integer_value(w) < 0 ||
            json_integer_value(w) > (json_int_t)1 << 40)
            return -1;
        sh->names[sh->nparts] = flow_xstrdup(json_string_value(name));
        sh->widths[sh->nparts++] = (size_t)json_integer_value(w);
        sh->row_width += (size_t)json_integer_value(w);
    }
    return 0;
}

static int read_args(struct flow_shard *sh, json_t *args)
{
    if (!json_is_array(args))
        return -1;
    sh->args = flow_xcalloc(json_array_size(args) + 1, sizeof *sh->args);
    for (size_t i = 0; i < json_array_size(args); i++) {
        json_t *a = json_array_get(args, i);
        if (!json_is_string(a))
            return -1;
        sh->args[sh->nargs++] = flow_xstrdup(json_string_value(a));
    }
    return 0;
}

/* The header's members into sh: 0, or -1 with what is wrong in what. */
static int read_header(struct flow_shard *sh, json_t *h, const char **what)
{
    json_int_t fv, k, n, ev, rows;
    json_t *cmd = json_object_get(h, "command"), *prov = json_object_get(h, "provenance"),
           *ver = json_object_get(h, "flowsim_version"), *order = json_object_get(h, "byte_order");
    *what = "the shard's header lacks a member, or one is of the wrong type or out of range (at most 100000 "
            "shards)";
    if (!whole(h, "format_version", 0, 1000000, &fv) || !json_is_string(ver) || !json_is_string(cmd) ||
        !json_is_string(prov) || !json_is_string(order) || !whole(h, "shard", 1, FLOW_MAX_REPLICATIONS, &k) ||
        !whole(h, "shards", k, FLOW_MAX_REPLICATIONS, &n) || !whole(h, "events", 0, INT64_MAX, &ev) ||
        !whole(h, "rows", 0, (json_int_t)1 << 40, &rows))
        return -1;
    if (fv != FORMAT_VERSION)
        return *what = "a shard of another format version (written by another flowsim): merge needs shards of "
                       "this version", -1;
    if (strcmp(json_string_value(cmd), "run") != 0 && strcmp(json_string_value(cmd), "sweep") != 0)
        return *what = "the shard's command is neither run nor sweep", -1;
    if (strcmp(json_string_value(order), byte_order()) != 0)
        return *what = "the shard was written on a machine of the other byte order", -1;
    sh->command = flow_xstrdup(json_string_value(cmd));
    sh->provenance = flow_xstrdup(json_string_value(prov));
    sh->version = flow_xstrdup(json_string_value(ver));
    sh->shard = (long)k, sh->shards = (long)n, sh->events = (uint64_t)ev, sh->nrows = (size_t)rows;
    if (read_args(sh, json_object_get(h, "args")) != 0 || read_parts(sh, json_object_get(h, "parts")) != 0)
        return *what = "the shard's args or parts are malformed", -1;
    return 0;
}

/* The rows after the header: exactly nrows of them, as many bytes as the file has left (checked
 * before anything is allocated, so that a header's counts cannot ask for more). */
static int read_rows(struct flow_shard *sh, FILE *f, const char *path, char *why, size_t len)
{
    struct stat st;
    long at = ftell(f);
    if (fstat(fileno(f), &st) != 0 || at < 0 || st.st_size < at)
        return fail(why, len, path, 3, 1, "cannot be read");
    unsigned long long left = (unsigned long long)(st.st_size - at), n = 0;
    if (sh->row_width > 0 && sh->nrows > 0 &&
        (__builtin_mul_overflow((unsigned long long)sh->nrows, (unsigned long long)sh->row_width, &n) ||
         n > left / sizeof *sh->rows))
        return fail(why, len, path, 3, 1, "the shard is cut short: its rows are not all there");
    sh->rows = flow_xcalloc(n + 1, sizeof *sh->rows);
    sh->cap = n + 1;
    if (fread(sh->rows, sizeof *sh->rows, n, f) != n)
        return fail(why, len, path, 3, 1, "the shard is cut short: its rows are not all there");
    if (fgetc(f) != EOF)
        return fail(why, len, path, 3, 1, "the shard has more bytes than its rows");
    for (size_t r = 0; r < sh->nrows; r++) {
        double p = sh->rows[r * sh->row_width], k = sh->rows[r * sh->row_width + 1];
        if (!(p >= 0 && p < 1e15 && p == floor(p) && k >= 0 && k < 1e15 && k == floor(k)))
            return fail(why, len, path, 3, 1, "a row of the shard names no sweep point and replication");
    }
    return 0;
}

int flow_shard_read(const char *path, struct flow_shard *sh, char *why, size_t len)
{
    memset(sh, 0, sizeof *sh);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return fail(why, len, path, 1, 1, "cannot be read");
    char magic[sizeof MAGIC] = "";
    char *line = NULL;
    size_t cap = 0;
    int rc = -1;
    const char *what = "not a shard file (written by flowsim run or sweep --shard K/N)";
    if (fread(magic, 1, sizeof MAGIC - 1, f) != sizeof MAGIC - 1 || memcmp(magic, MAGIC, sizeof MAGIC - 1) != 0)
        fail(why, len, path, 1, 1, what);
    else if (getline(&line, &cap, f) < 1)
        fail(why, len, path, 2, 1, "the shard's header is missing");
    else {
        json_error_t err;
        json_t *h = json_loads(line, JSON_REJECT_DUPLICATES, &err);
        if (h == NULL)
            fail(why, len, path, 2, err.column > 0 ? err.column : 1, "the shard's header is not JSON");
        else if (read_header(sh, h, &what) != 0)
            fail(why, len, path, 2, 1, what);
        else
            rc = read_rows(sh, f, path, why, len);
        json_decref(h);
    }
    free(line);
    fclose(f);
    return rc;
}

/* ---- filling results ---------------------------------------------------------------------- */

/* The shard's part named `name`, or -1; *at its offset in a row. */
static long part_at(const struct flow_shard *sh, const char *name, size_t *at)
{
    *at = 2;
    for (size_t k = 0; k < sh->nparts; k++) {
        if (strcmp(sh->names[k], name) == 0)
            return (long)k;
        *at += sh->widths[k];
    }
    return -1;
}

/* A part of one row into r's row `rep`: the daily series by r's columns, the rest as they are. */
static int fill_part(const struct flow_shard *sh, const double *row, struct flow_results *r,
                     const struct flow_results_part *p, size_t rep)
{
    size_t at;
    long k = part_at(sh, p->name, &at);
    if (k < 0)
        return -1;
    double *out = p->values + rep * p->width;
    if (strcmp(p->name, "daily") != 0) {
        if (sh->widths[k] != p->width)
            return -1;
        memcpy(out, row + at, p->width * sizeof *out);
        return 0;
    }
    size_t series = flow_model_daily_count(r->scenario);
    if (sh->widths[k] != r->days * series)
        return -1;
    for (size_t d = 0; d < r->days; d++)
        for (size_t s = 0; s < series; s++)
            if (r->daily_col[s] != SIZE_MAX)
                out[d * r->daily_width + r->daily_col[s]] = row[at + d * series + s];
    return 0;
}

int flow_shard_fill(const struct flow_shard *sh, size_t point, struct flow_results *r, unsigned char *seen,
                    char *why, size_t len)
{
    struct flow_results_part parts[FLOW_RESULTS_PARTS];
    size_t n = flow_results_parts(r, parts);
    for (size_t i = 0; i < sh->nrows; i++) {
        const double *row = sh->rows + i * sh->row_width;
        if ((size_t)row[0] != point)
            continue;
        size_t rep = (size_t)row[1];
        if (rep >= r->nreps || seen[rep]) {
            snprintf(why, len, "replication %zu of sweep point %zu is %s", rep + 1, point + 1,
                     rep >= r->nreps ? "beyond the run's replications" : "in two shards");
            return -1;
        }
        seen[rep] = 1;
        for (size_t k = 0; k < n; k++)
            if (fill_part(sh, row, r, &parts[k], rep) != 0) {
                snprintf(why, len, "its %s do not match the run's (another scenario's shard?)", parts[k].name);
                return -1;
            }
    }
    return 0;
}

int flow_shard_fill_all(const struct flow_shard *sh, size_t n, size_t point, struct flow_results *r, char *why,
                        size_t len)
{
    unsigned char *seen = flow_xcalloc(r->nreps + 1, 1);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (flow_shard_fill(&sh[i], point, r, seen, why, len) != 0)
            rc = -1 - (int)i;
    for (size_t k = 0; k < r->nreps && rc == 0; k++)
        if (!seen[k]) {
            snprintf(why, len, n > 0 && strcmp(sh[0].command, "sweep") == 0
                     ? "replication %zu of sweep point %zu is in no shard" : "replication %zu is in no shard",
                     k + 1, point + 1);
            rc = -1 - (int)n;
        }
    free(seen);
    return rc;
}
