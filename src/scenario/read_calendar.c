/* read_calendar.c - the calendar of a scenario: weekday lists, clock times, dates, the run's
 * start and its holidays. */
#include "table.h"

#include <flowsim/calendar.h>
#include <flowsim/week.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

void read_days(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char b[80];
    unsigned mask = 0;
    if (n->kind != YN_SEQ || n->n == 0) {
        flow__schema_err(c, n, "'%s' must be a list of weekdays such as [mon, wed, fri]; found %s", f->key,
            n->kind == YN_SEQ ? "an empty list" : flow__schema_shown(n, b, sizeof b));
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        int day = -1;
        struct field e = {.key = "days", .aux = day_names};
        read_enum(c, n->kids[i], &day, &e);
        if (day < 0)
            continue;
        if (mask & (1u << day))
            flow__schema_err(c, n->kids[i], "'%s' is listed twice", day_names[day]);
        mask |= 1u << day;
    }
    *(unsigned *)dst = mask;
}

/* "HH:MM" on a 24-hour clock, as days after midnight. */
void read_clock(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    char b[80];
    const char *expect = "a time of day from 00:00 to 23:59, such as \"08:30\"";
    if (!flow__schema_need_scalar(c, n, f->key, expect))
        return;
    const char *t = n->text;
    int ok = strlen(t) == 5 && t[2] == ':' && isdigit((unsigned char)t[0]) &&
             isdigit((unsigned char)t[1]) && isdigit((unsigned char)t[3]) && isdigit((unsigned char)t[4]);
    int hh = ok ? (t[0] - '0') * 10 + t[1] - '0' : 0, mm = ok ? (t[3] - '0') * 10 + t[4] - '0' : 0;
    if (!ok || hh > 23 || mm > 59) {
        flow__schema_err(c, n, "'%s' must be %s; found %s", f->key, expect, flow__schema_shown(n, b, sizeof b));
        return;
    }
    *(double *)dst = (hh * 60 + mm) / 1440.0;
}

/* ---- the calendar: start and holidays ------------------------------------------------ */

bool read_date(struct ctx *c, const struct ynode *n, const char *key, int64_t *days)
{
    char b[80];
    if (!flow__schema_need_scalar(c, n, key, "a date such as 2027-01-04"))
        return false;
    if (!flow_date_parse(n->text, days)) {
        flow__schema_err(c, n, "'%s' must be a date that exists, written YYYY-MM-DD (such as "
                        "2027-01-04), from 1900; found %s", key, flow__schema_shown(n, b, sizeof b));
        return false;
    }
    return true;
}

void read_start(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    (void)dst;
    struct flow_scenario *sc = c->sc;
    if (read_date(c, n, f->key, &sc->start_date)) {
        sc->has_start = true;
        sc->weekday0 = flow_date_weekday(sc->start_date);
    }
}

struct dated {
    int64_t day;
    size_t index;   /* position in the list, for the message about a repeat */
};

static int by_day(const void *a, const void *b)
{
    const struct dated *x = a, *y = b;
    return x->day != y->day ? (x->day > y->day) - (x->day < y->day)
                            : (x->index > y->index) - (x->index < y->index);
}

void read_holidays(struct ctx *c, const struct ynode *n, void *dst, const struct field *f)
{
    (void)dst;
    char b[80];
    struct flow_scenario *sc = c->sc;
    if (!sc->has_start) {
        flow__schema_err(c, n, "'holidays' needs the scenario's 'start' date (such as start: "
                        "2027-01-04)");
        return;
    }
    if (n->kind != YN_SEQ) {
        flow__schema_err(c, n, "'%s' must be a list of dates such as [2027-12-25, 2027-12-27]; found %s",
                        f->key, flow__schema_shown(n, b, sizeof b));
        return;
    }
    struct dated *all = flow_xcalloc(n->n + 1, sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < n->n; i++)
        if (read_date(c, n->kids[i], "holidays", &all[k].day))
            all[k++].index = i;
    qsort(all, k, sizeof *all, by_day);   /* sorted, repeats are neighbours: O(n log n) */
    int32_t *days = flow_xcalloc(k + 1, sizeof *days);
    size_t u = 0;
    for (size_t i = 0; i < k; i++) {
        if (i > 0 && all[i].day == all[i - 1].day) {
            flow__schema_err(c, n->kids[all[i].index], "holiday %s is listed twice", n->kids[all[i].index]->text);
            continue;
        }
        int64_t d = all[i].day - sc->start_date;
        if (d >= 0 && d <= (int64_t)FLOW_MAX_HORIZON_DAYS)   /* days outside the run change nothing */
            days[u++] = (int32_t)d;
    }
    free(all);
    free(sc->holidays);
    sc->holidays = days;
    sc->nholidays = u;
}
