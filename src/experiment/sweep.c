/* sweep.c - the parameter grid of a sweep: --vary specifications and the points of their
 * cartesian product (the first parameter varies slowest). */
#include <flowsim/experiment.h>
#include <flowsim/scenario.h>
#include <flowsim/util.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_VALUES = 100000 };

static void add_value(struct flow_vary *v, char *text)
{
    v->values = flow_xrealloc(v->values, (v->nvalues + 1) * sizeof *v->values);
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

/* "FROM:TO:STEP", each a number with the same (possibly empty) unit suffix. */
static int parse_range(const char *text, struct flow_vary *v, char *why, size_t len)
{
    char buf[3][64];
    const char *p = text;
    for (int i = 0; i < 3; i++) {
        const char *colon = i < 2 ? strchr(p, ':') : p + strlen(p);
        if (colon == NULL || (size_t)(colon - p) >= sizeof buf[i])
            return 1;
        memcpy(buf[i], p, (size_t)(colon - p));
        buf[i][colon - p] = '\0';
        p = colon + 1;
    }
    double from, to, step;
    const char *u1, *u2, *u3;
    if (!number_unit(buf[0], &from, &u1) || !number_unit(buf[1], &to, &u2) ||
        !number_unit(buf[2], &step, &u3))
        return 1;
    if (strcmp(u1, u2) != 0 || strcmp(u1, u3) != 0) {
        snprintf(why, len, "'%s': FROM, TO and STEP must have the same unit", text);
        return -1;
    }
    if (!(step > 0) || to < from) {
        snprintf(why, len, "'%s': needs FROM <= TO and a STEP greater than 0", text);
        return -1;
    }
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
            if (n == 0) {
                snprintf(why, len, "--vary %s: an empty value in '%s'", out->path, text);
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

size_t flow_sweep_points(const struct flow_vary *v, size_t n, size_t max)
{
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
