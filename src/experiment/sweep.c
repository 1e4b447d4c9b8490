/* sweep.c - the parameter grid of a sweep: --vary specifications and the points of their
 * cartesian product (the first parameter varies slowest). */
#include <flowsim/compare.h>
#include <flowsim/experiment.h>
#include <flowsim/random.h>
#include <flowsim/scenario.h>
#include <flowsim/size.h>
#include <flowsim/sweep.h>
#include <flowsim/util.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_VALUES = 100000 };

static void add_value(struct flow_vary *v, char *text)
{
    flow_xgrow((void **)&v->values, &v->cap_values, v->nvalues + 1, sizeof *v->values);
    v->values[v->nvalues++] = text;
}

/* Splits "12.5d" into 12.5 and "d"; false if it does not start with a number. */
static bool number_unit(const char *s, double *x, const char **unit)
{
    char *end;
    if (!(isdigit((unsigned char)s[0]) || s[0] == '-' || s[0] == '+' || s[0] == '.'))
        return false;
    *x = strtod(s, &end);
    if (end == s || !isfinite(*x))
        return false;
    *unit = end;
    return true;
}

/* "FROM:TO:STEP" (or "FROM:TO", for Latin hypercubes), each a number with the same
 * (possibly empty) unit suffix. Returns 1 when the text is not a range at all. */
static int parse_range(const char *text, struct flow_vary *v, char *why, size_t len)
{
    char buf[3][64];
    const char *p = text;
    int parts = 0;
    while (parts < 3) {
        const char *colon = strchr(p, ':');
        const char *end = colon ? colon : p + strlen(p);
        if ((size_t)(end - p) >= sizeof buf[parts])
            return 1;
        memcpy(buf[parts], p, (size_t)(end - p));
        buf[parts++][end - p] = '\0';
        if (colon == NULL)
            break;
        p = colon + 1;
        if (parts == 3)
            return 1;
    }
    if (parts < 2)
        return 1;
    double from, to, step = 0;
    const char *u1, *u2, *u3 = "";
    if (!number_unit(buf[0], &from, &u1) || !number_unit(buf[1], &to, &u2) ||
        (parts == 3 && !number_unit(buf[2], &step, &u3)))
        return 1;
    if (strcmp(u1, u2) != 0 || (parts == 3 && strcmp(u1, u3) != 0) || strlen(u1) >= sizeof v->unit) {
        snprintf(why, len, "'%s': FROM, TO and STEP must have the same unit", text);
        return -1;
    }
    v->range = true;
    v->from = from;
    v->to = to;
    v->step = step;
    snprintf(v->unit, sizeof v->unit, "%s", u1);
    if (to < from || (parts == 3 && !(step > 0))) {
        snprintf(why, len, "'%s': needs FROM <= TO and a STEP greater than 0", text);
        return -1;
    }
    if (parts == 2)
        return 0;                    /* a continuous range: only a Latin hypercube samples it */
    double count = floor((to - from) / step + 1e-9) + 1;
    if (count > MAX_VALUES) {
        snprintf(why, len, "'%s' makes %.0f values; the limit is %d", text, count, MAX_VALUES);
        return -1;
    }
    for (long i = 0; i < (long)count; i++) {
        double x = from + (double)i * step;
        if (fabs(x) < 1e-12 * step)
            x = 0;
        add_value(v, flow_xasprintf("%.12g%s", x, u1));
    }
    return 0;
}

int flow_vary_parse(const char *spec, struct flow_vary *out, char *why, size_t len)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(spec, '=');
    if (eq == NULL || eq == spec || eq[1] == '\0') {
        snprintf(why, len, "--vary needs PATH=FROM:TO:STEP or PATH=A,B,...; found '%s'", spec);
        return -1;
    }
    out->path = flow_xstrndup(spec, (size_t)(eq - spec));
    if (flow_compare_run_setting(spec)) {
        snprintf(why, len, "--vary %s: every point of a sweep must share horizon, warmup, replications, seed "
                 "and start (its points are compared with common random numbers); give %s with --set, or run "
                 "a sweep for each", out->path, out->path);
        flow_vary_fini(out);
        return -1;
    }
    const char *text = eq + 1;
    int rc = strchr(text, ',') ? 1 : parse_range(text, out, why, len);
    if (rc < 0) {
        flow_vary_fini(out);
        return -1;
    }
    if (rc > 0) {                     /* a list, or a single value */
        for (const char *p = text;;) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            if (n == 0 || out->nvalues == MAX_VALUES) {
                if (n == 0)
                    snprintf(why, len, "--vary %s: an empty value in '%s'", out->path, text);
                else
                    snprintf(why, len, "--vary %s: more than %d values", out->path, MAX_VALUES);
                flow_vary_fini(out);
                return -1;
            }
            add_value(out, flow_xstrndup(p, n));
            if (comma == NULL)
                break;
            p = comma + 1;
        }
    }
    return 0;
}

int flow_sweep_lhs(struct flow_vary *v, size_t n, size_t points, uint64_t seed, char *why, size_t len)
{
    gsl_rng *r = flow_stream_create(seed, 0, "sweep/latin_hypercube");
    size_t *order = flow_xcalloc(points, sizeof *order);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!v[i].range) {
            snprintf(why, len, "--vary %s: a Latin hypercube needs a range FROM:TO or FROM:TO:STEP",
                     v[i].path);
            rc = -1;
            break;
        }
        for (size_t k = 0; k < points; k++)
            order[k] = k;
        for (size_t k = points; k > 1; k--) {          /* Fisher-Yates */
            size_t j = (size_t)gsl_rng_uniform_int(r, k);
            size_t t = order[k - 1];
            order[k - 1] = order[j];
            order[j] = t;
        }
        for (size_t k = 0; k < v[i].nvalues; k++)
            free(v[i].values[k]);
        free(v[i].values);
        v[i].values = NULL;
        v[i].nvalues = v[i].cap_values = 0;
        double width = (v[i].to - v[i].from) / (double)points;
        for (size_t k = 0; k < points; k++) {
            double x = v[i].from + width * ((double)order[k] + gsl_rng_uniform(r));
            if (v[i].step > 0)
                x = v[i].from + round((x - v[i].from) / v[i].step) * v[i].step;
            x = x > v[i].to ? v[i].to : x;
            add_value(&v[i], flow_xasprintf("%.6g%s", x, v[i].unit));
        }
        v[i].lhs = true;
    }
    free(order);
    gsl_rng_free(r);
    return rc;
}

void flow_vary_fini(struct flow_vary *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->nvalues; i++)
        free(v->values[i]);
    free(v->values);
    free(v->path);
    memset(v, 0, sizeof *v);
}

/* A Latin hypercube zips its parameters: every one has the same number of values. */
static bool zipped(const struct flow_vary *v, size_t n) { return n > 0 && v[0].lhs; }

size_t flow_sweep_points(const struct flow_vary *v, size_t n, size_t max)
{
    if (zipped(v, n))
        return v[0].nvalues <= max ? v[0].nvalues : 0;
    size_t points = 1;
    for (size_t i = 0; i < n; i++) {
        if (v[i].nvalues == 0 || points > max / v[i].nvalues)
            return 0;
        points *= v[i].nvalues;
    }
    return points;
}

void flow_sweep_point(const struct flow_vary *v, size_t n, size_t p, const char **values)
{
    if (zipped(v, n)) {
        for (size_t i = 0; i < n; i++)
            values[i] = v[i].values[p];
        return;
    }
    for (size_t i = n; i-- > 0;) {
        values[i] = v[i].values[p % v[i].nvalues];
        p /= v[i].nvalues;
    }
}

int flow_target_parse(const char *text, struct flow_target *t, char *why, size_t len)
{
    memset(t, 0, sizeof *t);
    const char *op = strstr(text, "<=");
    const char *ge = strstr(text, ">=");
    if ((op == NULL) == (ge == NULL)) {
        snprintf(why, len, "--target needs 'METRIC <= VALUE' or 'METRIC >= VALUE'; found '%s'", text);
        return -1;
    }
    t->at_most = op != NULL;
    op = op ? op : ge;
    const char *a = text, *b = op;
    while (a < b && isspace((unsigned char)*a))
        a++;
    while (b > a && isspace((unsigned char)b[-1]))
        b--;
    const char *v = op + 2;
    while (isspace((unsigned char)*v))
        v++;
    char num[64];
    snprintf(num, sizeof num, "%s", v);
    for (size_t i = strlen(num); i > 0 && isspace((unsigned char)num[i - 1]); i--)
        num[i - 1] = '\0';
    if (b == a || flow_parse_number(num, &t->value) != NULL) {
        snprintf(why, len, "--target needs 'METRIC <= VALUE' with a metric path and a number; "
                           "found '%s'", text);
        return -1;
    }
    t->metric = flow_xstrndup(a, (size_t)(b - a));
    return 0;
}

void flow_target_fini(struct flow_target *t)
{
    if (t == NULL)
        return;
    free(t->metric);
    t->metric = NULL;
}
