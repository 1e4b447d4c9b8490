/* api.c - the server's answers: the scenario and its settings (GET /api/scenario), a run and a
 * paired comparison with the served scenario (POST /api/run, /api/compare: the JSON of
 * `flowsim run --format json` and `flowsim compare --format json`), the overlay of a what-if
 * (POST /api/overlay), progress, cancel and the last reports. A request's values go through the
 * loader exactly as --set does; requests carry no paths and read no files. */
#include "internal.h"

#include <flowsim/compare.h>
#include <flowsim/error.h>
#include <flowsim/experiment.h>
#include <flowsim/limits.h>
#include <flowsim/report.h>
#include <flowsim/settings.h>
#include <flowsim/util.h>

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char flow_example_yaml[];
extern const size_t flow_example_yaml_len;
extern const char flow__serve_page[];
extern const size_t flow__serve_page_len;
extern const char flow__chartjs[];

enum { MAX_SETS = 200, MAX_KEY = 300, MAX_VALUE = 4000 };

/* A JSON string of any bytes: what is not UTF-8 (a URL's raw bytes, a name cut short by a
 * message's width) becomes '?'. */
static json_t *text_json(const char *s)
{
    size_t n = strlen(s);
    char *t = flow_xmalloc(n + 1);
    for (size_t i = 0; i < n;) {
        size_t k = flow_utf8_len((const unsigned char *)s + i, n - i);
        if (k == 0)
            t[i++] = '?';
        for (; k > 0; k--, i++)
            t[i] = s[i];
    }
    t[n] = '\0';
    json_t *j = json_string(t);
    free(t);
    return j ? j : json_string("?");
}

void flow__reply_error(struct reply *r, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char msg[1200];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *o = json_object();
    json_object_set_new(o, "error", text_json(msg));
    r->status = status;
    r->body = json_dumps(o, JSON_INDENT(2));
    r->len = strlen(r->body);
    r->type = "application/json";
    json_decref(o);
}

static void reply_json(struct reply *r, json_t *o)
{
    r->status = 200;
    r->body = json_dumps(o, JSON_INDENT(2));
    r->len = strlen(r->body);
    r->type = "application/json";
    json_decref(o);
}

static void reply_text(struct reply *r, const char *text, size_t len, const char *type)
{
    r->status = 200;
    r->body = flow_xmalloc(len + 1);
    memcpy(r->body, text, len + 1);
    r->len = len;
    r->type = type;
}

/* ---- the request ------------------------------------------------------------------------ */

/* A request's body: what to set (as "PATH=VALUE" strings, --set's form), and for each set the
 * field it came from (the page shows a message beside that input). */
struct request {
    char **sets, **fields;
    size_t nsets;
    long replications;              /* 0: the scenario's */
    long long seed;                 /* -1: the scenario's */
};

static void request_fini(struct request *q)
{
    for (size_t i = 0; i < q->nsets; i++)
        free(q->sets[i]), free(q->fields[i]);
    free(q->sets);
    free(q->fields);
}

static void request_add(struct request *q, const char *field, const char *set)
{
    q->sets = flow_xrealloc(q->sets, (q->nsets + 1) * sizeof *q->sets);
    q->fields = flow_xrealloc(q->fields, (q->nsets + 1) * sizeof *q->fields);
    q->sets[q->nsets] = flow_xstrdup(set);
    q->fields[q->nsets++] = flow_xstrdup(field);
}

static bool printable(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
            return false;
    return true;
}

/* A JSON real as text the loader reads back as the same double and as a real: 32.0 stays
 * "32.0" (refused where a whole number is needed, as --set beds=32.0 is), 0.1 is "0.1". */
static void real_text(double x, char *buf, size_t size)
{
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    if (strpbrk(buf, ".eEn") == NULL && strlen(buf) + 3 < size)
        strcat(buf, ".0");
}

/* One "set" entry as --set's PATH=VALUE, or false with the reason in r. */
static bool read_set(struct request *q, const char *key, json_t *v, struct reply *r)
{
    size_t klen = strlen(key);
    if (klen == 0 || klen > MAX_KEY || strchr(key, '=') || !printable(key, klen)) {
        flow__reply_error(r, 400, "'%.100s' is not a path such as wards.AMU.beds (no '=', at most %d characters)",
                    key, MAX_KEY);
        return false;
    }
    char num[64];
    const char *text = NULL;
    size_t len = 0;
    if (json_is_string(v)) {
        text = json_string_value(v), len = json_string_length(v);
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        text = num, len = strlen(num);
    } else if (json_is_real(v)) {
        real_text(json_real_value(v), num, sizeof num);
        text = num, len = strlen(num);
    } else if (json_is_boolean(v)) {
        text = json_is_true(v) ? "true" : "false", len = strlen(text);
    } else {
        flow__reply_error(r, 400, "set: the value of '%.100s' must be a string or a number", key);
        return false;
    }
    if (len > MAX_VALUE || strlen(text) != len || !printable(text, len)) {
        flow__reply_error(r, 400, "set: the value of '%.100s' must be one line of at most %d characters",
                    key, MAX_VALUE);
        return false;
    }
    char *set = flow_xasprintf("%s=%s", key, text);
    request_add(q, key, set);
    free(set);
    return true;
}

/* Parses {"set": {...}, "replications": N, "seed": N}; false with a 400 in r. */
static bool read_request(const char *body, size_t len, int max_reps, struct request *q, struct reply *r)
{
    memset(q, 0, sizeof *q);
    q->seed = -1;
    json_error_t e;
    json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &e);
    if (o == NULL) {
        flow__reply_error(r, 400, "the request is not JSON: %s (line %d, column %d)", e.text, e.line, e.column);
        return false;
    }
    bool ok = json_is_object(o);
    if (!ok)
        flow__reply_error(r, 400, "the request must be a JSON object such as {\"set\": {\"wards.AMU.beds\": \"32\"}}");
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        if (!ok)
            break;
        if (strcmp(key, "set") == 0) {
            if (!json_is_object(v) || json_object_size(v) > MAX_SETS) {
                flow__reply_error(r, 400, "'set' must be an object of at most %d paths and values", MAX_SETS);
                ok = false;
                break;
            }
            const char *k;
            json_t *x;
            json_object_foreach(v, k, x) {
                if (!(ok = read_set(q, k, x, r)))
                    break;
            }
        } else if (strcmp(key, "replications") == 0 || strcmp(key, "seed") == 0) {
            bool reps = key[0] == 'r';
            json_int_t n = json_is_integer(v) ? json_integer_value(v) : -1;
            if (reps && (n < 1 || n > max_reps)) {
                flow__reply_error(r, 400, "'replications' must be a whole number from 1 to %d", max_reps);
                ok = false;
            } else if (!reps && (n < 0 || n > (json_int_t)1 << 53)) {
                flow__reply_error(r, 400, "'seed' must be a whole number from 0 to 2^53");
                ok = false;
            } else if (reps) {
                q->replications = (long)n;
            } else {
                q->seed = (long long)n;
            }
        } else {
            flow__reply_error(r, 400, "unknown field '%.100s' (a request has set, replications and seed)", key);
            ok = false;
        }
    }
    json_decref(o);
    if (!ok)
        request_fini(q);
    return ok;
}

/* ---- loading a side --------------------------------------------------------------------- */

/* An error located in a file ("PATH:LINE:COL: error: WHAT") as the answer may say it: the
 * file's name without its directory (the server's directories are nobody's business), and for
 * a file that is not the served scenario or one it extends (a census, a series, an empirical
 * distribution), not what the file holds either. */
static char *located_error(const struct served *s, const char *line, const char *what)
{
    const char *p = what;          /* back over ":COL" and ":LINE" */
    for (int k = 0; k < 2 && p > line; k++)
        for (p--; p > line && *p != ':'; p--)
            ;
    if (p <= line)
        return flow_xstrdup("error: the scenario could not be loaded");
    size_t plen = (size_t)(p - line);
    bool scenario = strlen(s->shown) == plen && strncmp(line, s->shown, plen) == 0;
    for (size_t i = 0; i < s->base->nbases && !scenario; i++)
        scenario = strlen(s->base->base_files[i]) == plen && strncmp(line, s->base->base_files[i], plen) == 0;
    const char *name = line;
    for (const char *q = line; q < p; q++)
        if (*q == '/')
            name = q + 1;
    if (scenario)
        return flow_xstrdup(name);
    return flow_xasprintf("%.*s: error: this file cannot be read as the request asks (the server does not "
                          "show what files hold: run flowsim with the same --set to see why)",
                          (int)(what - name), name);
}

/* The loader says "--set:N:C: error: WHAT" of the Nth value; the answer names the request's
 * JSON field instead ("set" field "PATH", column C, or "replications", "seed"), and gives its
 * path and column for the page to point to. An error in a file is said as located_error does. */
static void diag_reply(const struct served *s, struct reply *r, const struct flow_diag *d, char *const *fields,
                       size_t n)
{
    const char *line = d->count > 0 ? d->lines[0] : "error: the scenario could not be loaded";
    for (size_t i = 0; i < d->count; i++)
        if (strstr(d->lines[i], ": error: ") != NULL) {
            line = d->lines[i];
            break;
        }
    json_t *o = json_object();
    int k = 0, col = 0;
    const char *what = strstr(line, ": error: ");
    if (sscanf(line, "--set:%d:%d:", &k, &col) == 2 && k >= 1 && (size_t)k <= n && what) {
        const char *f = fields[k - 1];
        bool shorthand = strcmp(f, "replications") == 0 || strcmp(f, "seed") == 0;
        char *named = shorthand ? flow_xasprintf("\"%s\" field: error: %s", f, what + 9)
                                : flow_xasprintf("\"set\" field \"%s\", column %d: error: %s", f, col, what + 9);
        json_object_set_new(o, "error", text_json(named));
        free(named);
        json_object_set_new(o, "path", text_json(f));
        json_object_set_new(o, "column", json_integer(col));
        json_object_set_new(o, "message", text_json(what + 9));
    } else if (what != NULL && strncmp(line, "--set:", 6) != 0) {
        char *said = located_error(s, line, what);
        const char *msg = strstr(said, ": error: ");
        json_object_set_new(o, "error", text_json(said));
        json_object_set_new(o, "message", text_json(msg ? msg + 9 : said));
        free(said);
    } else {
        json_object_set_new(o, "error", text_json(line));
        json_object_set_new(o, "message", text_json(what ? what + 9 : line));
    }
    reply_json(r, o);
    r->status = 400;
}

static struct flow_scenario *load_side(struct served *s, char **sets, char **fields, size_t n, struct reply *r)
{
    struct flow_diag d;
    flow_diag_init(&d);
    struct flow_scenario *sc = flow_scenario_load_text(s->shown, s->text, s->len, s->dir,
                                                       (const char *const *)sets, n, &d);
    if (sc == NULL)
        diag_reply(s, r, &d, fields, n);
    flow_diag_fini(&d);
    return sc;
}

/* Adds the request's replications and seed as sets, so that they are checked like the rest. */
static void add_shorthands(struct request *q)
{
    char buf[64];
    if (q->replications > 0) {
        snprintf(buf, sizeof buf, "replications=%ld", q->replications);
        request_add(q, "replications", buf);
    }
    if (q->seed >= 0) {
        snprintf(buf, sizeof buf, "seed=%lld", q->seed);
        request_add(q, "seed", buf);
    }
}

/* Refuses a request beyond the server's limits: replications, and the work it asks for in
 * events (estimated from the scenario before running: arrivals, routes and days). */
static bool within_limits(const struct served *s, const struct flow_scenario *a,
                          const struct flow_scenario *b, struct reply *r)
{
    double work = a->replications * flow_experiment_events_estimate(a) +
                  (b ? b->replications * flow_experiment_events_estimate(b) : 0);
    if (a->replications > s->cfg.max_replications) {
        flow__reply_error(r, 400, "%d replications: this server runs at most %d (flowsim serve --max-replications)",
                    a->replications, s->cfg.max_replications);
        return false;
    }
    if (!(work <= s->cfg.max_work)) {
        flow__reply_error(r, 422, "this asks for about %.3g events (replications x the events of one, estimated "
                    "from arrival rates, routes and days%s); this server runs at most %.3g a request "
                    "(flowsim serve --max-work)", work, b ? ", both sides" : "", s->cfg.max_work);
        return false;
    }
    return true;
}

static char *provenance(const struct served *s, const char *kind, const struct request *q)
{
    char *t = flow_xasprintf("flowsim serve %s: %s", s->base_name, kind);
    for (size_t i = 0; i < q->nsets; i++) {
        char *u = flow_xasprintf("%s --set '%s'", t, q->sets[i]);
        free(t);
        t = u;
    }
    char *u = flow_xasprintf("%s\n\n# %s\n%s", t, s->base_name, s->text);
    free(t);
    return u;
}

/* Writes through fn into memory. */
static char *to_memory(int (*fn)(FILE *, const void *), const void *arg, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (f == NULL)
        return NULL;
    int rc = fn(f, arg);
    if (fclose(f) != 0 || rc != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static bool run_failed(int err, struct reply *r)
{
    if (err == 0)
        return false;
    if (err == FLOW_E_CANCELLED)
        flow__reply_error(r, 409, "the run was cancelled");
    else if (err == FLOW_E_INTERRUPTED)
        flow__reply_error(r, 503, "the server is stopping");
    else
        flow__reply_error(r, 422, "the run stopped: %s", flow_strerror(err));
    return true;
}

static bool take_slot(struct served *s, int kind, size_t total, struct reply *r)
{
    int rc = flow__runner_enter(&s->runner, kind, total);
    if (rc == RUNNER_BUSY) {
        flow__reply_error(r, 429, "a run is in progress and %d more are waiting: try again when it has finished",
                    s->cfg.queue);
        r->retry_after = 2;
    } else if (rc == RUNNER_CLOSING) {
        flow__reply_error(r, 503, "the server is stopping");
    }
    return rc == RUNNER_OK;
}

/* ---- run -------------------------------------------------------------------------------- */

struct run_out {
    const struct flow_results *r;
    const char *provenance;
};

static int run_json(FILE *f, const void *arg)
{
    const struct run_out *o = arg;
    return flow_report_json(f, o->r, o->provenance);
}

static int run_html(FILE *f, const void *arg)
{
    const struct run_out *o = arg;
    return flow_report_html_run(f, o->r, o->provenance);
}

static void api_run(struct served *s, struct request *q, struct reply *r)
{
    add_shorthands(q);
    struct flow_scenario *sc = load_side(s, q->sets, q->fields, q->nsets, r);
    if (sc == NULL || !within_limits(s, sc, NULL, r)) {
        flow_scenario_destroy(sc);
        return;
    }
    /* As `flowsim run --format json`: hourly profiles and daily series where they fit. */
    unsigned char *needs = flow_xcalloc(flow_model_daily_count(sc) + 1, 1);
    flow_report_daily_needs(sc, needs);
    struct flow_run_options ro = {.threads = s->cfg.threads, .progress = flow__runner_progress,
                                  .progress_arg = &s->runner, .cancel = &s->runner.cancel,
                                  .profile = true, .daily = true, .daily_keep = needs};
    if (flow_experiment_kept(sc, &ro, (size_t)sc->replications) > FLOW_MAX_KEPT_VALUES)
        ro.profile = ro.daily = false;
    if (flow_experiment_kept(sc, &ro, (size_t)sc->replications) > FLOW_MAX_KEPT_VALUES) {
        flow__reply_error(r, 400, "%d replications would keep more values than the limit of 1e8: use fewer "
                    "replications or a shorter horizon", sc->replications);
        free(needs);
        flow_scenario_destroy(sc);
        return;
    }
    if (!take_slot(s, 1, (size_t)sc->replications, r)) {
        free(needs);
        flow_scenario_destroy(sc);
        return;
    }
    struct flow_results res;
    int err = flow_experiment_run(sc, &ro, &res, NULL);
    free(needs);
    flow__runner_leave(&s->runner);
    if (!run_failed(err, r)) {
        char *prov = provenance(s, "run", q);
        struct run_out out = {&res, prov};
        size_t hlen = 0;
        char *html = to_memory(run_html, &out, &hlen);
        r->body = to_memory(run_json, &out, &r->len);
        if (r->body == NULL)
            flow__reply_error(r, 500, "the report could not be written");
        else
            r->status = 200, r->type = "application/json";
        if (html)
            r->report = flow__runner_keep_report(&s->runner, html, hlen);
        free(prov);
    }
    flow_results_fini(&res);
    flow_scenario_destroy(sc);
}

/* ---- compare ---------------------------------------------------------------------------- */

struct cmp_out {
    const struct flow_comparison *c;
    const char *provenance;
};

static int cmp_json(FILE *f, const void *arg)
{
    const struct cmp_out *o = arg;
    return flow_report_compare_json(f, o->c, o->provenance);
}

static int cmp_html(FILE *f, const void *arg)
{
    const struct cmp_out *o = arg;
    return flow_report_html_compare(f, o->c, o->provenance);
}

/* As `flowsim compare BASE --set ...`: the base with the request's replications, seed and run
 * settings (horizon, warmup, start...), the what-if with all its sets and the base's seed and
 * replications (common random numbers). */
static void api_compare(struct served *s, struct request *q, struct reply *r)
{
    struct request base_q = {.replications = q->replications, .seed = q->seed};
    add_shorthands(&base_q);
    for (size_t i = 0; i < q->nsets; i++)    /* run settings are both sides', as on the command line */
        if (flow_compare_run_setting(q->sets[i]))
            request_add(&base_q, q->fields[i], q->sets[i]);
    struct flow_scenario *base = load_side(s, base_q.sets, base_q.fields, base_q.nsets, r);
    struct flow_scenario *whatif = NULL;
    if (base != NULL) {
        char buf[64];
        snprintf(buf, sizeof buf, "seed=%llu", (unsigned long long)base->seed);
        request_add(q, "seed", buf);
        snprintf(buf, sizeof buf, "replications=%d", base->replications);
        request_add(q, "replications", buf);
        whatif = load_side(s, q->sets, q->fields, q->nsets, r);
    }
    size_t reps = base ? (size_t)base->replications : 0;
    if (whatif != NULL && within_limits(s, base, whatif, r) && take_slot(s, 2, 2 * reps, r)) {
        struct flow_run_options ro = {.threads = s->cfg.threads, .progress = flow__runner_progress,
                                      .progress_arg = &s->runner, .cancel = &s->runner.cancel};
        struct flow_comparison c;
        int err = flow_compare_run(base, whatif, &ro, &c);
        flow__runner_leave(&s->runner);
        if (!run_failed(err, r)) {
            /* "from" as the command line would say it */
            char *whatif_from = flow_xstrdup(s->base_name);
            for (size_t i = 0; i + 2 < q->nsets; i++) {
                if (flow_compare_run_setting(q->sets[i]))
                    continue;          /* both sides' */
                char *t = flow_xasprintf("%s --set '%s'", whatif_from, q->sets[i]);
                free(whatif_from);
                whatif_from = t;
            }
            c.base_from = s->base_name, c.whatif_from = whatif_from;
            char *prov = provenance(s, "compare with", q);
            struct cmp_out out = {&c, prov};
            size_t hlen = 0;
            char *html = to_memory(cmp_html, &out, &hlen);
            r->body = to_memory(cmp_json, &out, &r->len);
            if (r->body == NULL)
                flow__reply_error(r, 500, "the report could not be written");
            else
                r->status = 200, r->type = "application/json";
            if (html)
                r->report = flow__runner_keep_report(&s->runner, html, hlen);
            free(prov);
            free(whatif_from);
        }
        flow_comparison_fini(&c);
    }
    flow_scenario_destroy(whatif);
    flow_scenario_destroy(base);
    request_fini(&base_q);
}

/* ---- overlay ---------------------------------------------------------------------------- */

static void api_overlay(struct served *s, struct request *q, struct reply *r)
{
    add_shorthands(q);
    struct flow_diag d;
    flow_diag_init(&d);
    char *yaml = flow_settings_overlay(s->shown, s->text, s->len, s->dir, s->base_name,
                                       (const char *const *)q->sets, q->nsets, &d);
    if (yaml == NULL) {
        diag_reply(s, r, &d, q->fields, q->nsets);
    } else {
        r->status = 200;
        r->body = yaml, yaml = NULL;
        r->len = strlen(r->body);
        r->type = "application/yaml; charset=utf-8";
        r->filename = "whatif.yaml";
    }
    free(yaml);
    flow_diag_fini(&d);
}

/* ---- routing ---------------------------------------------------------------------------- */

static bool is(const char *method, const char *url, const char *m, const char *u)
{
    return strcmp(url, u) == 0 && (m == NULL || strcmp(method, m) == 0);
}

static void answer_post(struct served *s, const char *url, const char *body, size_t len, struct reply *r)
{
    struct request q;
    if (!read_request(body, len, s->cfg.max_replications, &q, r))
        return;
    if (strcmp(url, "/api/run") == 0)
        api_run(s, &q, r);
    else if (strcmp(url, "/api/compare") == 0)
        api_compare(s, &q, r);
    else
        api_overlay(s, &q, r);
    request_fini(&q);
}

void flow__api_answer(struct served *s, const char *method, const char *url, const char *body,
                size_t len, struct reply *r)
{
    static const char *const gets[] = {"/", "/index.html", "/chart.js", "/api/scenario", "/api/progress"};
    static const char *const posts[] = {"/api/run", "/api/compare", "/api/overlay", "/api/cancel"};
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0, post = strcmp(method, "POST") == 0;
    bool known_get = false, known_post = false;
    for (size_t i = 0; i < 5; i++)
        known_get |= strcmp(url, gets[i]) == 0;
    for (size_t i = 0; i < 4; i++)
        known_post |= strcmp(url, posts[i]) == 0;
    bool report = strncmp(url, "/api/report/", 12) == 0;
    if ((known_get || report) && !get) {
        flow__reply_error(r, 405, "%s takes GET", url);
    } else if (known_post && !post) {
        flow__reply_error(r, 405, "%s takes POST", url);
    } else if (is(method, url, NULL, "/") || is(method, url, NULL, "/index.html")) {
        reply_text(r, flow__serve_page, flow__serve_page_len, "text/html; charset=utf-8");
    } else if (is(method, url, NULL, "/chart.js")) {
        reply_text(r, flow__chartjs, strlen(flow__chartjs), "text/javascript; charset=utf-8");
    } else if (is(method, url, NULL, "/api/scenario")) {
        reply_text(r, s->scenario_json, strlen(s->scenario_json), "application/json");
    } else if (is(method, url, NULL, "/api/progress")) {
        r->body = flow__runner_progress_json(&s->runner);
        r->len = strlen(r->body), r->status = 200, r->type = "application/json";
    } else if (is(method, url, NULL, "/api/cancel")) {
        bool was = flow__runner_cancel(&s->runner);
        r->body = flow_xasprintf("{\"cancelled\": %s}\n", was ? "true" : "false");
        r->len = strlen(r->body), r->status = 200, r->type = "application/json";
    } else if (known_post) {
        answer_post(s, url, body, len, r);
    } else if (report) {
        char *end;
        unsigned long id = strtoul(url + 12, &end, 10);
        r->body = *end == '\0' && end != url + 12 && id <= 0xffffffffUL
                      ? flow__runner_report(&s->runner, (unsigned)id, &r->len) : NULL;
        if (r->body)
            r->status = 200, r->type = "text/html; charset=utf-8";   /* shown in the page; saved by its link */
        else
            flow__reply_error(r, 404, "no report %.40s (the server keeps the last %d)", url + 12, REPORTS_KEPT);
    } else {
        flow__reply_error(r, 404, "nothing at %.200s (the page is at /, the API under /api/)", url);
    }
}

/* ---- start-up --------------------------------------------------------------------------- */

/* The comment at the top of the file, before its first key: the page's description. */
static char *description(const char *text)
{
    char *out = flow_xstrdup("");
    for (const char *p = text; *p == '#';) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *line = p + 1;
        size_t m = n - 1;
        if (m > 0 && *line == ' ')
            line++, m--;
        char *t = flow_xasprintf("%s%s%.*s", out, *out && m ? " " : "", (int)m, line);
        free(out);
        out = t;
        if (end == NULL)
            break;
        p = end + 1;
    }
    return out;
}

static char *scenario_json(const struct served *s, const struct flow_settings *set)
{
    const struct flow_scenario *b = s->base;
    long beds = 0;
    for (size_t i = 0; i < b->nwards; i++)
        beds += b->wards[i].beds;
    char *desc = description(s->text);
    json_t *o = json_pack("{s:o, s:o, s:o, s:i, s:I, s:f, s:f}", "name", text_json(b->name), "file",
                          text_json(s->base_name), "description", text_json(desc), "replications",
                          b->replications, "seed", (json_int_t)b->seed, "horizon_days", b->horizon_days,
                          "warmup_days", b->warmup_days);
    free(desc);
    json_object_set_new(o, "summary", json_pack("{s:I, s:I, s:I, s:I, s:I}", "wards", (json_int_t)b->nwards,
                                                "beds", (json_int_t)beds, "groups", (json_int_t)b->ngroups,
                                                "theatres", (json_int_t)b->ntheatres,
                                                "community_services", (json_int_t)b->ncommunity));
    json_object_set_new(o, "limits", json_pack("{s:i, s:f, s:i, s:I}", "max_replications",
                                               s->cfg.max_replications, "max_work", s->cfg.max_work,
                                               "queue", s->cfg.queue, "max_body", (json_int_t)s->cfg.max_body));
    json_t *list = json_array();
    for (size_t i = 0; i < set->n; i++) {
        const struct flow_setting *v = &set->v[i];
        json_t *x = json_pack("{s:o, s:o, s:o, s:o, s:o, s:i}", "path", text_json(v->path), "value",
                              text_json(v->value), "section", text_json(v->section), "label",
                              text_json(v->label), "key", text_json(v->key), "line", v->line);
        json_object_set_new(x, "item", v->item ? text_json(v->item) : json_null());
        json_array_append_new(list, x);
    }
    json_object_set_new(o, "settings", list);
    char *text = json_dumps(o, JSON_INDENT(2));
    json_decref(o);
    return text;
}

static void print_diag(const struct flow_diag *d)
{
    for (size_t i = 0; i < d->count; i++)
        fprintf(stderr, "%s\n", d->lines[i]);
}

int flow__served_open(struct served *s, const struct flow_serve_config *c)
{
    memset(s, 0, sizeof *s);
    s->cfg = *c;
    flow_files_record();        /* every file the scenario names is read now, and kept */
    if (c->scenario) {
        const char *why = NULL;
        s->shown = c->scenario;
        s->text = flow_read_regular(c->scenario, 8 << 20, &s->len, &why);
        if (s->text == NULL) {
            fprintf(stderr, "%s:1:1: error: cannot read the scenario: %s\n", c->scenario,
                    strcmp(why, "too large") == 0 ? "larger than the limit of 8 MiB" : why);
            return -1;
        }
        const char *slash = strrchr(c->scenario, '/');
        s->base_name = flow_xstrdup(slash ? slash + 1 : c->scenario);
        s->dir = slash ? flow_xstrndup(c->scenario, slash == c->scenario ? 1 : (size_t)(slash - c->scenario)) : NULL;
    } else {
        s->shown = "example.yaml";
        s->text = flow_xstrdup(flow_example_yaml);
        s->len = flow_example_yaml_len;
        s->base_name = flow_xstrdup("example.yaml");
    }
    struct flow_diag d;
    flow_diag_init(&d);
    s->base = flow_scenario_load_text(s->shown, s->text, s->len, s->dir, NULL, 0, &d);
    struct flow_settings set = {0};
    if (s->base != NULL && flow_settings_list(s->shown, s->text, s->len, s->dir, &set, &d) == 0)
        s->scenario_json = scenario_json(s, &set);
    print_diag(&d);
    flow_diag_fini(&d);
    flow_settings_fini(&set);
    flow_files_seal();          /* from here on, no request reads the disk */
    flow__runner_init(&s->runner, c->queue);
    return s->scenario_json ? 0 : -1;
}

void flow__served_close(struct served *s)
{
    flow__runner_fini(&s->runner);
    flow_scenario_destroy(s->base);
    free(s->scenario_json);
    free(s->text);
    free(s->dir);
    free(s->base_name);
    flow_files_forget();
}
