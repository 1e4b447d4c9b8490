/* test_fit.c - flowsim fit and check's pieces on extracts generated from known parameters:
 * spells (gaps, same-ward merges), routes (independent steps with their shares, exact chances,
 * one group per route when steps cannot reproduce them), the whole fit (families, parameters,
 * shares, hour and weekday profiles, open stays censored) within tolerances from the sample
 * size, interval-censored stays (dates alone), the measures check compares, exactly, and its
 * prediction intervals and hour-of-week bound. */
#include "check_main.h"

#include <flowsim/calendar.h>
#include <flowsim/check.h>
#include <flowsim/experiment.h>
#include <flowsim/extract.h>
#include <flowsim/limits.h>
#include <flowsim/stats.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void stamp(FILE *f, double t)
{
    int64_t day = (int64_t)floor(t);
    long s = lround((t - (double)day) * 86400);
    if (s >= 86400)
        day++, s = 0;
    char date[16];
    flow_date_format(day, date);
    fprintf(f, "%s %02ld:%02ld:%02ld", date, s / 3600, s / 60 % 60, s % 60);
}

/* A stay row: empty end when the stay runs past `end` (still under way then). */
static void row(FILE *f, const char *patient, const char *group, const char *ward, double a, double b, double end)
{
    fprintf(f, "%s,%s,%s,", patient, group, ward);
    stamp(f, a);
    fputc(',', f);
    if (b < end)
        stamp(f, b);
    fputc('\n', f);
}

static void read_extract(const char *path, struct flow_extract *x)
{
    struct flow_diag d;
    flow_diag_init(&d);
    size_t errors = flow_extract_read(path, x, &d);
    ck_assert_msg(errors == 0, "%s", d.count ? d.lines[0] : "");
    flow_diag_fini(&d);
}

/* Reads the extract written at path (then removes it) and fits it. */
static void read_and_fit(const char *path, struct flow_extract *x, struct flow_fitted *fit)
{
    read_extract(path, x);
    unlink(path);
    ck_assert_int_eq(flow_fitted_make(x, fit), 0);
}

static double lognormal(gsl_rng *r, double mean, double sd)
{
    double s2 = log1p(sd * sd / (mean * mean));
    return gsl_ran_lognormal(r, log(mean) - s2 / 2, sqrt(s2));
}

/* Group g: 30 a day (hours 8-19 twice the rest; Mondays 1.6, other days 0.9), ward A
 * lognormal(2, 1.5), then ward B with p 0.4, Weibull(shape 1.5, scale 5). Group s: 10 a day,
 * ward C, gamma(4, 2). From Monday 2027-01-04 for `days` days; stays then under way are open. */
static void generate(const char *path, double days, unsigned long seed)
{
    FILE *f = fopen(path, "w");
    ck_assert(f != NULL);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    double t0 = (double)flow_date_days(2027, 1, 4), end = t0 + days;
    fputs("patient,group,ward,start,end\n", f);
    int n = 0;
    for (double t = t0;;) {                                   /* thinning from a peak of 2 x 1.6 x 30 */
        t += gsl_ran_exponential(r, 1.0 / (30 * 2 * 1.6 / (1.5 * 1.0)));
        if (t >= end)
            break;
        int hour = (int)floor((t - floor(t)) * 24), wd = flow_date_weekday((int64_t)floor(t));
        double rate = 30 * ((hour >= 8 && hour < 20) ? 2 : 1) / 1.5 * (wd == 0 ? 1.6 : 0.9);
        if (gsl_rng_uniform(r) * (30 * 2 * 1.6 / 1.5) >= rate)
            continue;
        char id[32];
        snprintf(id, sizeof id, "g%d", ++n);
        double a = t + lognormal(r, 2, 1.5);
        row(f, id, "g", "A", t, a, end);
        if (a < end && gsl_rng_uniform(r) < 0.4)
            row(f, id, "g", "B", a, a + gsl_ran_weibull(r, 5, 1.5), end);
    }
    for (double t = t0;;) {
        t += gsl_ran_exponential(r, 1.0 / 10);
        if (t >= end)
            break;
        char id[32];
        snprintf(id, sizeof id, "s%d", ++n);
        row(f, id, "s", "C", t, t + gsl_ran_gamma(r, 4, 1), end);
    }
    gsl_rng_free(r);
    fclose(f);
}

static size_t ward_index(const struct flow_extract *x, const char *name)
{
    for (size_t w = 0; w < x->nwards; w++)
        if (strcmp(x->wards[w], name) == 0)
            return w;
    ck_abort_msg("no ward %s", name);
    return 0;
}

START_TEST(fit_recovers_known_parameters)
{
    char path[] = "/tmp/flowsim-fit-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    generate(path, 200, 17);
    struct flow_extract x;
    read_extract(path, &x);
    unlink(path);
    struct flow_fitted f;
    ck_assert_int_eq(flow_fitted_make(&x, &f), 0);
    ck_assert_uint_eq(f.ngroups, 2);
    const struct flow_fitted_group *g = &f.groups[0], *s = &f.groups[1];
    ck_assert_str_eq(g->name, "g");
    ck_assert_int_eq(g->route, -1);
    ck_assert_uint_eq(g->nsteps, 2);
    ck_assert_uint_eq(g->steps[0].ward, ward_index(&x, "A"));
    ck_assert_uint_eq(g->steps[1].ward, ward_index(&x, "B"));
    ck_assert_double_eq(g->steps[0].p, 1);
    double n = (double)f.routes[0].ended;
    ck_assert_msg(fabs(g->steps[1].p - 0.4) < 4 * sqrt(0.24 / n), "p %g", g->steps[1].p);

    /* Families and parameters: means within 5 standard errors, shapes and sds within 8%. */
    const struct flow_fitted_step *a = &g->steps[0], *b = &g->steps[1], *c = &s->steps[0];
    ck_assert_str_eq(flow_fit_family_name(a->best), "lognormal");
    ck_assert_str_eq(flow_fit_family_name(b->best), "weibull");
    ck_assert_str_eq(flow_fit_family_name(c->best), "gamma");
    ck_assert(a->fitted && b->fitted && c->fitted);
    ck_assert_msg(fabs(a->fits[a->best].a - 2) < 5 * 1.5 / sqrt((double)a->stays), "A mean %g", a->fits[a->best].a);
    ck_assert_msg(fabs(a->fits[a->best].b / 1.5 - 1) < 0.08, "A sd %g", a->fits[a->best].b);
    ck_assert_msg(fabs(b->fits[b->best].a / 1.5 - 1) < 0.08, "B shape %g", b->fits[b->best].a);
    ck_assert_msg(fabs(b->fits[b->best].b / 5 - 1) < 0.05, "B scale %g", b->fits[b->best].b);
    ck_assert_msg(fabs(c->fits[c->best].a - 4) < 5 * 2 / sqrt((double)c->stays), "C mean %g", c->fits[c->best].a);
    ck_assert_msg(fabs(c->fits[c->best].b / 2 - 1) < 0.08, "C sd %g", c->fits[c->best].b);
    ck_assert_msg(a->fits[a->best].censored + b->fits[b->best].censored > 0, "no open stay at the end");
    ck_assert(!a->poor && !b->poor && !c->poor);

    /* Arrivals: the rate, the day-time hours twice the night's, Mondays 1.6 (relative rates). */
    const struct flow_arrival_profile *p = &f.arrivals[0];
    ck_assert_msg(fabs(p->rate_per_day - 30) < 5 * sqrt(30 / 200.0), "rate %g", p->rate_per_day);
    double day = 0;
    for (int h = 8; h < 20; h++)
        day += p->by_hour[h] / 12;
    ck_assert_msg(fabs(day - 4.0 / 3) < 0.05, "day-time relative rate %g", day);
    double monday_se = 1.6 / sqrt(p->weekday_count[0]);
    ck_assert_msg(fabs(p->by_weekday[0] - 1.6) < 5 * monday_se, "Monday %g", p->by_weekday[0]);
    flow_fitted_fini(&f, &x);
    flow_extract_fini(&x);
}
END_TEST

/* Writes text as an extract and reads it. */
static void extract_of(const char *text, struct flow_extract *x)
{
    char path[] = "/tmp/flowsim-fit-XXXXXX";
    int fd = mkstemp(path);
    ck_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    read_extract(path, x);
    unlink(path);
}

START_TEST(spells_join_and_split)
{
    struct flow_extract x;
    extract_of("patient,ward,start,end\n"
               "p1,AMU,2027-01-04 10:00,2027-01-04 12:00\n"
               "p1,AMU,2027-01-04 12:00,2027-01-04 14:00\n"
               "p1,Med,2027-01-04 14:00:30,2027-01-04 20:00\n"
               "p1,AMU,2027-01-05 08:00,2027-01-05 10:00\n"
               "p2,AMU,2027-01-04,2027-01-05\n"
               "p2,Med,2027-01-05,\n", &x);
    struct flow_spells s;
    ck_assert_int_eq(flow_extract_spells(&x, &s), 0);
    ck_assert_uint_eq(s.nspells, 3);
    ck_assert_uint_eq(s.spells[0].n, 2);                 /* AMU 10:00-14:00 merged, then Med */
    ck_assert_double_eq_tol(s.stays[0].end - s.stays[0].start, 4.0 / 24, 1e-9);
    ck_assert_uint_eq(s.spells[1].n, 1);                 /* back the next day: a new spell */
    ck_assert(!s.spells[1].open);
    ck_assert_uint_eq(s.spells[2].n, 2);                 /* dates alone: the same date continues */
    ck_assert(s.spells[2].open);
    flow_spells_fini(&s);
    flow_extract_fini(&x);
}
END_TEST

START_TEST(route_chances_are_exact)
{
    uint32_t steps[] = {0, 1, 0};
    double p[] = {0.5, 0.5, 0.5};
    struct flow_stay a = {.ward = 0}, b = {.ward = 1};
    struct flow_stay seq_a[] = {a}, seq_aa[] = {a, a}, seq_ba[] = {b, a}, seq_aba[] = {a, b, a};
    ck_assert_double_eq_tol(flow_routes_chance(steps, p, 3, seq_a, 1), 0.25, 1e-15);
    ck_assert_double_eq_tol(flow_routes_chance(steps, p, 3, seq_aa, 2), 0.125, 1e-15);
    ck_assert_double_eq_tol(flow_routes_chance(steps, p, 3, seq_ba, 2), 0.125, 1e-15);
    ck_assert_double_eq_tol(flow_routes_chance(steps, p, 3, seq_aba, 3), 0.125, 1e-15);
    ck_assert_double_eq_tol(flow_routes_chance(steps, p, 3, NULL, 0), 0.125, 1e-15);
    size_t pos[3];
    ck_assert(flow_routes_embed(steps, 3, seq_ba, 2, pos) && pos[0] == 1 && pos[1] == 2);
    ck_assert(!flow_routes_embed(steps, 3, (struct flow_stay[]){b, b}, 2, pos));
}
END_TEST

/* n patients A > B and m patients C alone: independent steps would give A > B > C and the like,
 * so the fit makes one group per route with its share of the arrivals. */
static char *two_routes(int n, int m, bool with_b)
{
    size_t cap = (size_t)(n + m) * 160 + 64, used = 0;
    char *t = malloc(cap);
    used += (size_t)snprintf(t, cap, "patient,group,ward,start,end\n");
    for (int i = 0; i < n + m; i++) {
        int day = 4 + i % 20, hour = i % 24;
        if (i < n) {
            used += (size_t)snprintf(t + used, cap - used, "p%d,g,A,2027-01-%02d %02d:00,2027-01-%02d %02d:30\n", i,
                                     day, hour, day + 1, hour);
            if (with_b)
                used += (size_t)snprintf(t + used, cap - used, "p%d,g,B,2027-01-%02d %02d:30,2027-01-%02d %02d:00\n",
                                         i, day + 1, hour, day + 3, hour);
        } else {
            used += (size_t)snprintf(t + used, cap - used, "p%d,g,C,2027-01-%02d %02d:00,2027-01-%02d %02d:45\n", i,
                                     day, hour, day + 2, hour);
        }
    }
    return t;
}

START_TEST(one_group_per_route_when_steps_cannot_reproduce_them)
{
    char *text = two_routes(300, 200, true);
    struct flow_extract x;
    extract_of(text, &x);
    free(text);
    struct flow_fitted f;
    ck_assert_int_eq(flow_fitted_make(&x, &f), 0);
    ck_assert(!f.routes[0].independent);
    ck_assert_uint_eq(f.ngroups, 2);
    ck_assert_str_eq(f.groups[0].name, "g");
    ck_assert_str_eq(f.groups[1].name, "g_route2");
    ck_assert_double_eq_tol(f.groups[0].share, 0.6, 1e-12);
    ck_assert_double_eq_tol(f.groups[1].share, 0.4, 1e-12);
    ck_assert_uint_eq(f.groups[0].nsteps, 2);
    ck_assert_uint_eq(f.groups[1].nsteps, 1);
    ck_assert_uint_eq(f.groups[1].steps[0].ward, ward_index(&x, "C"));
    ck_assert_uint_eq(f.groups[0].steps[1].stays, 300);      /* every stay of the route, and only them */
    for (size_t g = 0; g < f.ngroups; g++)                     /* a route of its own takes every step */
        for (size_t j = 0; j < f.groups[g].nsteps; j++)
            ck_assert_double_eq(f.groups[g].steps[j].p, 1);
    flow_fitted_fini(&f, &x);
    flow_extract_fini(&x);

    /* 300 patients A > B and 200 A alone: one group, B taken with p 0.6. */
    text = two_routes(300, 0, true);
    char *more = two_routes(200, 0, false), *both = malloc(strlen(text) + strlen(more) + 1);
    strcpy(both, text);
    char *tail = strchr(more, '\n') + 1;           /* the header once; other patients: q, not p */
    for (char *p = tail; *p; p++)
        if (*p == 'p' && p[-1] == '\n')
            *p = 'q';
    if (tail[0] == 'p')
        tail[0] = 'q';
    strcat(both, tail);
    extract_of(both, &x);
    free(text), free(more), free(both);
    ck_assert_int_eq(flow_fitted_make(&x, &f), 0);
    ck_assert(f.routes[0].independent);
    ck_assert_uint_eq(f.ngroups, 1);
    ck_assert_uint_eq(f.groups[0].nsteps, 2);
    ck_assert_double_eq_tol(f.groups[0].steps[1].p, 0.6, 1e-12);
    flow_fitted_fini(&f, &x);
    flow_extract_fini(&x);
}
END_TEST

/* An extract's text measured as check measures it: the extract, its spells, the first group's
 * routes, the measures (v) and patients present by hour of the week (hourly); free with
 * measured_fini. */
struct measured {
    struct flow_extract x;
    struct flow_spells sp;
    struct flow_group_routes r;
    struct flow_measure_layout L;
    size_t n;
    double *v, *hourly;
};

static void measured_of(const char *text, struct measured *m)
{
    extract_of(text, &m->x);
    ck_assert_int_eq(flow_extract_spells(&m->x, &m->sp), 0);
    ck_assert_int_eq(flow_routes_group(&m->sp, 0, &m->r), 0);
    m->L = (struct flow_measure_layout){m->x.ngroups, m->x.nwards, &m->r};
    m->n = flow_measure_count(&m->L);
    m->v = malloc(m->n * sizeof *m->v);              /* not zeroed: flow_measure fills them all */
    m->hourly = malloc(m->x.nwards * 168 * sizeof *m->hourly);
    for (size_t i = 0; i < m->n; i++)
        m->v[i] = NAN;
    for (size_t i = 0; i < m->x.nwards * 168; i++)
        m->hourly[i] = NAN;
    ck_assert_int_eq(flow_measure(&m->sp, m->x.first, m->x.last, &m->L, m->v, m->hourly), 0);
}

static void measured_fini(struct measured *m)
{
    free(m->v), free(m->hourly);
    flow_group_routes_fini(&m->r);
    flow_spells_fini(&m->sp);
    flow_extract_fini(&m->x);
}

START_TEST(measures_are_exact)
{
    /* Monday 2027-01-04 00:00 to Monday 2027-01-11 00:00: one week. */
    struct measured m;
    measured_of("patient,ward,start,end\n"
                "p1,A,2027-01-04 00:00,2027-01-04 02:00\n"
                "p2,A,2027-01-04 01:00,2027-01-10 12:00\n"
                "p2,B,2027-01-10 12:00,2027-01-11 00:00\n"
                "p3,B,2027-01-05 00:00,\n", &m);
    const double *v = m.v, *hourly = m.hourly;
    const struct flow_measure_layout *L = &m.L;
    size_t a, b;
    ck_assert_double_eq_tol(m.x.last - m.x.first, 7, 1e-12);
    ck_assert_int_eq(flow_measure_describe(L, 0, &a, &b), FLOW_MEASURE_ARRIVALS);
    ck_assert_double_eq_tol(v[0], 3.0 / 7, 1e-12);
    /* ward A (index 0): stays of 2 h and 155 h */
    ck_assert_int_eq(flow_measure_describe(L, 1, &a, &b), FLOW_MEASURE_WARD_LOS);
    ck_assert_double_eq_tol(v[1], (2 + 155) / 2.0 / 24, 1e-9);
    /* ward B: the ended stay of 12 h only (p3's is open) */
    ck_assert_double_eq_tol(v[1 + FLOW_MEASURE_LOS], 0.5, 1e-9);
    /* whole spells: p1 2 h, p2 167 h (p3 open) */
    ck_assert_int_eq(flow_measure_describe(L, 1 + 2 * FLOW_MEASURE_LOS, &a, &b), FLOW_MEASURE_SPELL_LOS);
    ck_assert_double_eq_tol(v[1 + 2 * FLOW_MEASURE_LOS], (2 + 167) / 2.0 / 24, 1e-9);
    /* patients present: A 157 h over 168; B 12 h + 144 h */
    size_t occ = 1 + 3 * FLOW_MEASURE_LOS;
    ck_assert_int_eq(flow_measure_describe(L, occ, &a, &b), FLOW_MEASURE_OCCUPANCY);
    ck_assert_double_eq_tol(v[occ], 157.0 / 168, 1e-9);
    ck_assert_double_eq_tol(v[occ + 1], 156.0 / 168, 1e-9);
    /* routes of the ended spells: A (p1) and A > B (p2), half each; too few to keep more than
     * the commonest (the first of the two in ward order) */
    ck_assert_uint_eq(m.r.kept, 1);
    ck_assert_uint_eq(m.r.routes[0].n, 1);
    ck_assert_int_eq(flow_measure_describe(L, occ + 2, &a, &b), FLOW_MEASURE_ROUTE);
    ck_assert_double_eq_tol(v[occ + 2], 0.5, 1e-12);
    ck_assert_uint_eq(m.n, occ + 3);
    /* by hour of the week: Monday 00-01 one patient in A, 01-02 two, 02-03 one; Sunday 23 none */
    ck_assert_double_eq_tol(hourly[0], 1, 1e-9);
    ck_assert_double_eq_tol(hourly[1], 2, 1e-9);
    ck_assert_double_eq_tol(hourly[2], 1, 1e-9);
    ck_assert_double_eq_tol(hourly[167], 0, 1e-9);
    ck_assert_double_eq_tol(hourly[168 + 167], 2, 1e-9);        /* B on Sunday night: p2 and p3 */
    measured_fini(&m);
}
END_TEST

/* Stays known only to the day. From one date to another (both without times) the stay is within
 * a day either way, with a triangular chance: the day-counted fit recovers the sd, where the day
 * counts taken as exact stays would inflate it by the rounding (variance + 1/6). From a time to
 * a date: within the day after, an interval. */
START_TEST(dates_alone_are_censored_to_the_day)
{
    enum { N = 20000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 99);
    double *x = malloc(N * sizeof *x), *hi = malloc(N * sizeof *hi), *mid = malloc(N * sizeof *mid);
    unsigned char *kind = malloc(N);
    for (int i = 0; i < N; i++) {
        double start = gsl_rng_uniform(r), stay = gsl_ran_gamma(r, 4, 0.5);   /* mean 2, sd 1 */
        x[i] = floor(start + stay), kind[i] = FLOW_FIT_DAYS;                    /* end date - start date */
        mid[i] = fmax(x[i], 0.5);
    }
    struct flow_fit fd, fm;
    ck_assert_int_eq(flow_fit_censored(x, NULL, kind, N, FLOW_FIT_GAMMA, &fd), 0);
    ck_assert_int_eq(flow_fit_censored(mid, NULL, NULL, N, FLOW_FIT_GAMMA, &fm), 0);
    ck_assert_uint_eq(fd.intervals, N);
    ck_assert_msg(fabs(fd.a - 2) < 5 * 1 / sqrt(N), "days mean %g", fd.a);
    ck_assert_msg(fabs(fd.b - 1) < 0.02, "days sd %g", fd.b);
    ck_assert_msg(fm.b - 1 > 0.025, "the day counts as exact stays would have fitted sd %g", fm.b);
    enum flow_fit_family best;
    struct flow_fit all[FLOW_FIT_FAMILIES];
    ck_assert_int_eq(flow_fit_best_censored(x, NULL, kind, N / 4, all, &best), 0);
    ck_assert_int_eq(best, FLOW_FIT_GAMMA);
    for (int i = 0; i < N; i++) {                       /* a timed start, an end date: (x, x + 1) */
        double start = gsl_rng_uniform(r), stay = gsl_ran_weibull(r, 3, 1.5);
        x[i] = floor(start + stay) - start, hi[i] = x[i] + 1, kind[i] = FLOW_FIT_INTERVAL;
        if (x[i] < 0)
            x[i] = 0;
    }
    ck_assert_int_eq(flow_fit_censored(x, hi, kind, N, FLOW_FIT_WEIBULL, &fd), 0);
    ck_assert_msg(fabs(fd.a / 1.5 - 1) < 0.06 && fabs(fd.b / 3 - 1) < 0.03, "Weibull %g %g", fd.a, fd.b);
    free(x), free(hi), free(mid), free(kind);
    gsl_rng_free(r);
}
END_TEST

/* check's intervals: the prediction interval of 5 replications 1..5 is 3 +- t(0.975, 4) sd
 * sqrt(1.2) (sd = sqrt(2.5)); an observation just outside is marked, one just inside is not, and
 * a measure the model never has (no replication with it) is outside. */
START_TEST(check_intervals_are_prediction_intervals)
{
    double sim[10] = {1, NAN, 2, NAN, 3, NAN, 4, NAN, 5, NAN}, observed[2] = {0, 7};
    struct flow_check c = {.n = 2, .nreps = 5, .observed = observed, .sim = sim};
    struct flow_check_interval in;
    double half = 2.7764451051977987 * sqrt(2.5) * sqrt(1.2);
    observed[0] = 3 + half - 1e-6;
    flow_check_line(&c, 0, &in);
    ck_assert_double_eq_tol(in.mean, 3, 1e-12);
    ck_assert_double_eq_tol(in.high - in.mean, half, 1e-9);
    ck_assert_double_eq_tol(in.mean - in.low, half, 1e-9);
    ck_assert(!in.outside);
    observed[0] = 3 - half - 1e-6;
    flow_check_line(&c, 0, &in);
    ck_assert(in.outside);
    flow_check_line(&c, 1, &in);
    ck_assert(isnan(in.mean) && in.outside);
}
END_TEST

/* The hour-of-week bound: 19 replications whose profiles are flat at 0..18 beds (one ward).
 * Replication r's distance from the others' mean is |r - m_r| sqrt(n^2 - 1) / n, the 19th
 * smallest (ceil(0.95 x 20)) the largest: r = 0 or 18, |9 x 19/18| x sqrt(360)/19. An
 * observation flat at 9 is at distance 0; flat at 9 + that bound and a little, outside. */
START_TEST(check_hourly_bound_is_an_order_statistic)
{
    enum { N = 19 };
    double *sim = calloc(N * 168, sizeof *sim), observed[168];
    for (size_t r = 0; r < N; r++)
        for (int h = 0; h < 168; h++)
            sim[r * 168 + (size_t)h] = (double)r;
    struct flow_check c = {.nreps = N, .hourly_sim = sim, .hourly_observed = observed};
    c.layout.nwards = 1;
    double bound = 9.0 * 19 / 18 * sqrt(360.0) / 19;
    for (int h = 0; h < 168; h++)
        observed[h] = 9;
    struct flow_check_hourly out;
    flow_check_hourly(&c, 0, &out);
    ck_assert_double_eq_tol(out.distance, 0, 1e-12);
    ck_assert_double_eq_tol(out.bound, bound, 1e-9);
    ck_assert(!out.outside);
    for (int h = 0; h < 168; h++)
        observed[h] = 9 + bound + 1e-6;
    flow_check_hourly(&c, 0, &out);
    ck_assert(out.outside);
    for (int h = 0; h < 168; h++)
        observed[h] = 9 + bound - 1e-6;
    flow_check_hourly(&c, 0, &out);
    ck_assert(!out.outside);
    free(sim);
}
END_TEST

/* Long stays in a short extract: a third of them still open at its end. Their survival keeps
 * the fitted mean right, where counting them as ended (at the extract's end) would not. */
START_TEST(open_stays_are_censored_in_the_fit)
{
    char path[] = "/tmp/flowsim-fit-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    double t0 = (double)flow_date_days(2027, 1, 4), end = t0 + 30;
    fputs("patient,group,ward,start,end\n", f);
    for (int i = 0; i < 3000; i++) {
        double a = t0 + 30 * gsl_rng_uniform(r);
        char id[16];
        snprintf(id, sizeof id, "p%d", i);
        row(f, id, "all", "W", a, a + gsl_ran_gamma(r, 4, 2.5), end);     /* mean 10, sd 5 */
    }
    fclose(f);
    gsl_rng_free(r);
    struct flow_extract x;
    struct flow_fitted fit;
    read_and_fit(path, &x, &fit);
    const struct flow_fitted_step *st = &fit.groups[0].steps[0];
    const struct flow_fit *g = &st->fits[FLOW_FIT_GAMMA];
    ck_assert_msg(g->censored > 1000, "%zu open stays", g->censored);
    ck_assert_msg(fabs(g->a - 10) < 5 * 5 / sqrt((double)g->observed), "gamma mean %g", g->a);
    flow_fitted_fini(&fit, &x);
    flow_extract_fini(&x);
}
END_TEST

/* With a ready column: the last stay is fitted to the ready time (the clinical stay) and the
 * delays after it become the group's discharge delay, so neither is counted twice. Clinical
 * stays exponential, mean 3 days; half the patients leave when ready, half 2 days later. */
START_TEST(ready_splits_clinical_stay_and_delay)
{
    char path[] = "/tmp/flowsim-fit-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 8);
    double t0 = (double)flow_date_days(2027, 1, 4);
    size_t delayed = 0;
    fputs("patient,ward,start,end,ready\n", f);
    for (int i = 0; i < 2000; i++) {
        double a = t0 + 100 * gsl_rng_uniform(r), ready = a + gsl_ran_exponential(r, 3);
        bool late = gsl_rng_uniform(r) < 0.5;
        delayed += late;
        fprintf(f, "p%d,W,", i);
        stamp(f, a), fputc(',', f), stamp(f, ready + (late ? 2 : 0)), fputc(',', f), stamp(f, ready);
        fputc('\n', f);
    }
    /* one more patient, still in hospital at the end, keeps the period going */
    fprintf(f, "q,W,"), stamp(f, t0 + 1), fputs(",,\n", f);
    fclose(f);
    gsl_rng_free(r);
    struct flow_extract x;
    struct flow_fitted fit;
    read_and_fit(path, &x, &fit);
    const struct flow_fitted_group *g = &fit.groups[0];
    ck_assert_uint_eq(g->ndelays, 2000);
    ck_assert_uint_eq(g->ready_stays, 2000);
    double sum = 0;
    for (size_t i = 0; i < g->ndelays; i++)
        sum += g->delays[i];
    ck_assert_double_eq_tol(sum, 2.0 * (double)delayed, 0.01);      /* to the second */
    const struct flow_fit *e = &g->steps[0].fits[FLOW_FIT_EXPONENTIAL];
    ck_assert_msg(fabs(e->a - 3) < 5 * 3 / sqrt(2000.0), "clinical mean %g", e->a);
    /* Written as a scenario, the delays are the group's discharge: pathway 0 with an empirical
     * delay of the same mean (binned to the hour). */
    char *text = NULL;
    size_t len = 0, poor = 0;
    FILE *out = open_memstream(&text, &len);
    struct flow_fit_write_options wo = {.source = "ready.csv", .title = "ready"};
    ck_assert_int_eq(flow_fitted_write(&x, &fit, &wo, out, &poor), 0);
    fclose(out);
    struct flow_scenario *s = test_load(text, NULL, 0);
    const struct flow_discharge_spec *d = &s->groups[0].discharge;
    ck_assert_msg(d->enabled && d->pathways[0].share == 1, "no discharge block in the fitted scenario:\n%s", text);
    ck_assert_double_eq_tol(flow_dist_mean(&d->pathways[0].delay), sum / 2000, 1.0 / 24);
    flow_scenario_destroy(s);
    free(text);
    flow_fitted_fini(&fit, &x);
    flow_extract_fini(&x);
}
END_TEST

/* From extract rows, not intervals: stays (gamma, mean 2.5 days, sd 1.2) written with the start
 * as a date alone (the stay began somewhere in that day: it lasted between end - (date + 1) and
 * end - date), the end as a date alone, both, or neither, in four extracts and one that mixes
 * them. Each fit recovers the mean within its sampling error; a half-dated stay put on the
 * wrong side of its day would be a day off, half a day on average. */
static void date(FILE *f, double t)
{
    char text[16];
    flow_date_format((int64_t)floor(t), text);
    fputs(text, f);
}

static double fit_dated(int mode, unsigned long seed)
{
    char path[] = "/tmp/flowsim-fit-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    double t0 = (double)flow_date_days(2027, 3, 1);
    fputs("patient,ward,start,end\n", f);
    for (int i = 0; i < 3000; i++) {
        double a = t0 + 60 * gsl_rng_uniform(r), b = a + gsl_ran_gamma(r, 2.5 * 2.5 / 1.44, 1.44 / 2.5);
        int m = mode < 4 ? mode : i % 4;      /* 0 times, 1 start date, 2 end date, 3 both dates */
        fprintf(f, "p%d,W,", i);
        (m == 1 || m == 3) ? date(f, a) : stamp(f, a);
        fputc(',', f);
        (m == 2 || m == 3) ? date(f, b) : stamp(f, b);
        fputc('\n', f);
    }
    fclose(f);
    gsl_rng_free(r);
    struct flow_extract x;
    struct flow_fitted fit;
    read_and_fit(path, &x, &fit);
    double mean = fit.groups[0].steps[0].fits[FLOW_FIT_GAMMA].a;
    flow_fitted_fini(&fit, &x);
    flow_extract_fini(&x);
    return mean;
}

START_TEST(half_dated_rows_fit_on_the_right_side_of_their_day)
{
    for (int mode = 0; mode <= 4; mode++) {
        double mean = fit_dated(mode, 20 + (unsigned long)mode);
        ck_assert_msg(fabs(mean - 2.5) < 5 * 1.2 / sqrt(3000.0) + 0.02, "mode %d: fitted mean %g, 2.5 wanted",
                      mode, mean);
    }
}
END_TEST

/* "2027-01-DD HH:MM", minutes after 2027-01-04 00:00 (up to three weeks). */
static void stamp_minutes(char *buf, int minutes)
{
    snprintf(buf, 32, "2027-01-%02d %02d:%02d", 4 + minutes / 1440, minutes % 1440 / 60, minutes % 60);
}

/* Appends a stay of patient to text (owned). */
static char *add_stay(char *text, const char *patient, const char *ward, int from, int to)
{
    char a[32], b[32];
    stamp_minutes(a, from), stamp_minutes(b, to);
    char *t = flow_xasprintf("%s%s,%s,%s,%s\n", text, patient, ward, a, b);
    free(text);
    return t;
}

/* Routes hold at most FLOW_MAX_STEPS steps: a spell of more stays is counted in the rest
 * (too_long), and kept routes whose merge would pass the limit are left to the rest too. */
START_TEST(routes_fit_in_a_route)
{
    char *text = flow_xstrdup("patient,ward,start,end\n");
    for (int i = 0; i < FLOW_MAX_STEPS + 1; i++)          /* p0: one stay more than a route holds */
        text = add_stay(text, "p0", i % 2 ? "W1" : "W0", 10 * i, 10 * i + 10);
    /* six routes of 30 distinct wards each, 10 spells each, orders that share little */
    for (int r = 0; r < 6; r++)
        for (int p = 0; p < 10; p++) {
            char patient[16], ward[16];
            snprintf(patient, sizeof patient, "q%d_%d", r, p);
            int base = 2000 + (r * 10 + p) * 400;
            for (int j = 0; j < 30; j++) {
                snprintf(ward, sizeof ward, "V%d", (r % 2 ? 29 - j : j) + 30 * (r / 2));
                text = add_stay(text, patient, ward, base + 10 * j, base + 10 * j + 10);
            }
        }
    struct flow_extract x;
    extract_of(text, &x);
    free(text);
    struct flow_spells sp;
    ck_assert_int_eq(flow_extract_spells(&x, &sp), 0);
    struct flow_group_routes r;
    ck_assert_int_eq(flow_routes_group(&sp, 0, &r), 0);
    ck_assert_uint_eq(r.too_long, 1);
    ck_assert_uint_le(r.nsteps, FLOW_MAX_STEPS);
    ck_assert_uint_gt(r.kept, 0);
    ck_assert_uint_lt(r.kept, 6);               /* six routes of 30 distinct wards would need 180 steps */
    size_t kept = 0;
    for (size_t k = 0; k < r.kept; k++)
        kept += r.routes[k].count;
    ck_assert_uint_eq(kept, r.kept_spells);
    flow_group_routes_fini(&r);
    flow_spells_fini(&sp);
    flow_extract_fini(&x);
}
END_TEST

/* Patients present by hour of the week over centuries: whole weeks are counted at once (a stay
 * of 4,000 years took 35 million steps), and each hour of the week still gets what it had. In
 * ward A a patient present for 4,000 years (208,710 weeks, Monday to Monday) and one present on
 * the first Monday 10:00-11:30; in ward B one present to 6,000 years on (313,065 weeks: the
 * period). A's hours of the week: 208,710 / 313,065 each, Monday 10 and 11 a little more. */
START_TEST(hourly_presence_over_centuries)
{
    struct measured m;
    measured_of("patient,ward,start,end\n"
                "p1,A,2027-01-04 00:00,6027-01-04 00:00\n"
                "p2,A,2027-01-04 10:00,2027-01-04 11:30\n"
                "p3,B,2027-01-04 00:00,8027-01-04 00:00\n", &m);
    ck_assert_double_eq(m.x.last - m.x.first, 7.0 * 313065);
    for (int h = 0; h < 168; h++) {
        double want = (208710 + (h == 10 ? 1 : h == 11 ? 0.5 : 0)) / 313065.0;
        ck_assert_msg(fabs(m.hourly[h] - want) < 1e-10, "A, hour %d: %.12g, want %.12g", h, m.hourly[h], want);
        ck_assert_msg(fabs(m.hourly[168 + h] - 1) < 1e-10, "B, hour %d: %.12g", h, m.hourly[168 + h]);
    }
    measured_fini(&m);
}
END_TEST

/* A fit a scenario cannot hold is never the best: durations all alike give a Weibull shape in
 * the millions (the scenario takes 0.1 to 100), so another family is chosen. */
START_TEST(best_fit_is_one_a_scenario_holds)
{
    double x[40];
    for (int i = 0; i < 40; i++)
        x[i] = 2 + 1e-9 * (i % 3);
    struct flow_fit fits[FLOW_FIT_FAMILIES];
    enum flow_fit_family best;
    ck_assert_int_eq(flow_fit_best(x, NULL, 40, fits, &best), 0);
    const struct flow_fit *b = &fits[best];
    if (b->family == FLOW_FIT_WEIBULL)
        ck_assert(b->a >= FLOW_MIN_WEIBULL_SHAPE && b->a <= FLOW_MAX_WEIBULL_SHAPE);
    ck_assert(b->a > 0 && b->a <= FLOW_MAX_HORIZON_DAYS);
    ck_assert(b->family == FLOW_FIT_EXPONENTIAL || (b->b > 0 && b->b <= FLOW_MAX_HORIZON_DAYS));
    ck_assert(!isfinite(fits[FLOW_FIT_WEIBULL].aic));     /* the Weibull fit was refused */
}
END_TEST

/* The fitted warm-up is four mean ended spells (first stay's start to last stay's end), whole
 * days, within 7 to 180; open spells do not count. Each threshold at two settings. */
static double warmup_of(const double *spans, size_t n, bool open_extra)
{
    struct flow_stay stays[8];
    struct flow_spell spells[8];
    size_t k = 0;
    for (size_t i = 0; i < n; i++, k++) {      /* two stays a spell: 1 day, then the rest */
        stays[2 * i] = (struct flow_stay){.start = 10, .end = 11};
        stays[2 * i + 1] = (struct flow_stay){.start = 11, .end = 10 + spans[i]};
        spells[i] = (struct flow_spell){.first = 2 * i, .n = 2};
    }
    if (open_extra) {                         /* an open spell a hundred days long */
        stays[2 * k] = (struct flow_stay){.start = 0, .end = 100};
        spells[k++] = (struct flow_spell){.first = 2 * n, .n = 1, .open = true};
    }
    struct flow_spells sp = {.stays = stays, .spells = spells, .nstays = 2 * k, .nspells = k};
    return flow_fitted_warmup_days(&sp);
}

START_TEST(warmup_is_four_mean_spells_in_days)
{
    ck_assert_double_eq(warmup_of((double[]){2.25, 1.75}, 2, false), 8);      /* 4 x 2 */
    ck_assert_double_eq(warmup_of((double[]){2.25, 1.75}, 2, true), 8);       /* the open one left out */
    ck_assert_double_eq(warmup_of((double[]){2.5, 2.25}, 2, false), 10);      /* 9.5, a whole day up */
    ck_assert_double_eq(warmup_of((double[]){1.5, 1.5}, 2, false), 7);        /* 6: at least 7 */
    ck_assert_double_eq(warmup_of((double[]){1.5, 2.0}, 2, false), 7);        /* 7 */
    ck_assert_double_eq(warmup_of((double[]){44.75, 45.25}, 2, false), 180);  /* 180 */
    ck_assert_double_eq(warmup_of((double[]){46, 46}, 2, false), 180);        /* 184: at most 180 */
    ck_assert_double_eq(warmup_of(NULL, 0, true), 7);                         /* nothing ended: 4 x 1 day */
}
END_TEST

/* The empirical stays beside a fitted scenario: stem-group-step.csv, with the characters a file
 * name or a YAML scalar cannot carry plainly made '_', and nothing else changed. */
START_TEST(fitted_csv_names_are_plain)
{
    struct flow_fitted_group g = {0};
    snprintf(g.name, sizeof g.name, "%s", "hip/knee \"x\":a#b\\c_d-e");
    char out[256];
    flow_fitted_csv_name("sample", &g, 2, out, sizeof out);
    ck_assert_str_eq(out, "sample-hip_knee__x__a_b_c_d-e-3.csv");
    snprintf(g.name, sizeof g.name, "%s", "medical");
    flow_fitted_csv_name("my fit", &g, 0, out, sizeof out);
    ck_assert_str_eq(out, "my_fit-medical-1.csv");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("fit");
    TCase *tc = tcase_create("fit");
    tcase_set_timeout(tc, 300);   /* the sanitizer build on a busy machine */
    tcase_add_test(tc, fit_recovers_known_parameters);
    tcase_add_test(tc, spells_join_and_split);
    tcase_add_test(tc, route_chances_are_exact);
    tcase_add_test(tc, one_group_per_route_when_steps_cannot_reproduce_them);
    tcase_add_test(tc, measures_are_exact);
    tcase_add_test(tc, dates_alone_are_censored_to_the_day);
    tcase_add_test(tc, check_intervals_are_prediction_intervals);
    tcase_add_test(tc, check_hourly_bound_is_an_order_statistic);
    tcase_add_test(tc, open_stays_are_censored_in_the_fit);
    tcase_add_test(tc, ready_splits_clinical_stay_and_delay);
    tcase_add_test(tc, half_dated_rows_fit_on_the_right_side_of_their_day);
    tcase_add_test(tc, routes_fit_in_a_route);
    tcase_add_test(tc, hourly_presence_over_centuries);
    tcase_add_test(tc, best_fit_is_one_a_scenario_holds);
    tcase_add_test(tc, warmup_is_four_mean_spells_in_days);
    tcase_add_test(tc, fitted_csv_names_are_plain);
    suite_add_tcase(s, tc);
    return s;
}
