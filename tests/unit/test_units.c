/* test_units.c - the number, duration and rate parsers. */
#include "check_main.h"

#include <flowsim/calendar.h>

#include <flowsim/scenario.h>
#include <flowsim/week.h>
#include <math.h>

START_TEST(duration_units)
{
    double d;
    ck_assert_ptr_null(flow_parse_duration("90m", &d));
    ck_assert_double_eq_tol(d, 90.0 / 1440, 1e-15);
    ck_assert_ptr_null(flow_parse_duration("2.5h", &d));
    ck_assert_double_eq_tol(d, 2.5 / 24, 1e-15);
    ck_assert_ptr_null(flow_parse_duration("1.5d", &d));
    ck_assert_double_eq(d, 1.5);
    ck_assert_ptr_null(flow_parse_duration("2w", &d));
    ck_assert_double_eq(d, 14);
    ck_assert_ptr_null(flow_parse_duration("3 d", &d));
    ck_assert_double_eq(d, 3);
    ck_assert_ptr_null(flow_parse_duration("1e1d", &d));
    ck_assert_double_eq(d, 10);
    ck_assert_ptr_null(flow_parse_duration(".5d", &d));
    ck_assert_double_eq(d, 0.5);
}
END_TEST

START_TEST(duration_rejects_missing_or_bad_unit)
{
    const char *bad[] = {"0", "365", "1.5", "d", "1.5dd", "1.5 days", "0x10d", "nand", "infd",
                         "", "1,5d", "1.5D", "--1d", "1e999d", "5s"};
    double d;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(flow_parse_duration(bad[i], &d) != NULL, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(rate_units)
{
    double r;
    ck_assert_ptr_null(flow_parse_rate("20/d", &r));
    ck_assert_double_eq(r, 20);
    ck_assert_ptr_null(flow_parse_rate("3/h", &r));
    ck_assert_double_eq(r, 72);
    ck_assert_ptr_null(flow_parse_rate("9/w", &r));
    ck_assert_double_eq_tol(r, 9.0 / 7, 1e-15);
    ck_assert_ptr_null(flow_parse_rate("0.5 / d", &r));
    ck_assert_double_eq(r, 0.5);
    const char *bad[] = {"20", "20/", "20/m", "/d", "20/day", "20d", "x/d"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(flow_parse_rate(bad[i], &r) != NULL, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(numbers_are_strict)
{
    double x;
    long long n;
    ck_assert_ptr_null(flow_parse_number("-2.385e2", &x));
    ck_assert_double_eq(x, -238.5);
    ck_assert_ptr_nonnull(flow_parse_number("1.0.0", &x));
    ck_assert_ptr_nonnull(flow_parse_number("nan", &x));
    ck_assert_ptr_nonnull(flow_parse_number("0x1A", &x));
    ck_assert_ptr_null(flow_parse_int("24", &n));
    ck_assert_int_eq(n, 24);
    ck_assert_ptr_nonnull(flow_parse_int("24.0", &n));
    ck_assert_ptr_nonnull(flow_parse_int("99999999999999999999", &n));
}
END_TEST

/* Dates: known weekdays, leap years by the Gregorian rule, strict form, and day numbers that
 * round-trip over four centuries. */
/* A day's plan of beds: a Friday 20:00 shift of 60 hours closes 3 beds to Monday 08:00; a
 * Sunday change opens 2; Wednesday 2027-01-13 is a holiday, so it follows Sunday's pattern. */
START_TEST(day_plan_follows_shifts_and_holidays)
{
    const char *text =
        "name: p\nhorizon: 28d\nstart: 2027-01-04\nholidays: [2027-01-13]\n"
        "wards:\n  - name: W\n    beds: 10\n    bed_changes:\n"
        "      - {days: [fri], start: \"20:00\", length: 60h, change: -3}\n"
        "      - {days: [sun], start: \"06:00\", length: 12h, change: 2}\n"
        "      - {from: 2027-01-20, to: 2027-01-20, change: 5}\n"
        "groups:\n  - {name: g, arrivals: {rate: 1/d}, route: [{ward: W, stay: {dist: fixed, value: 1h}}]}\n";
    struct flow_scenario *s = test_load(text, NULL, 0);
    const struct flow_ward_spec *w = &s->wards[0];
    ck_assert_int_eq(w->change_span, 3);   /* Friday to Monday */
    struct flow_week_edge *e = calloc(flow_week_plan_room(w), sizeof *e);
    long start;
    /* Monday 2027-01-04 (day 0): the shift of the Friday before ends at 08:00 */
    ck_assert_uint_eq(flow_week_day_plan(s, w, 0, e, &start), 1);
    ck_assert_int_eq(start, 7);
    ck_assert(fabs(e[0].t - 8.0 / 24) < 1e-12 && e[0].delta == 10);
    /* Friday (day 4): closes at 20:00 */
    ck_assert_uint_eq(flow_week_day_plan(s, w, 4, e, &start), 1);
    ck_assert(start == 10 && fabs(e[0].t - (4 + 20.0 / 24)) < 1e-12 && e[0].delta == 7);
    /* Sunday (day 6): closed all day, 2 more from 06:00 to 18:00 */
    ck_assert_uint_eq(flow_week_day_plan(s, w, 6, e, &start), 2);
    ck_assert(start == 7 && e[0].delta == 9 && fabs(e[1].t - (6 + 18.0 / 24)) < 1e-12 && e[1].delta == 7);
    /* the Wednesday holiday (day 9) follows Sunday: 2 more from 06:00 to 18:00 */
    ck_assert_uint_eq(flow_week_day_plan(s, w, 9, e, &start), 2);
    ck_assert(start == 10 && e[0].delta == 12 && e[1].delta == 10);
    /* the dated change (day 16, a Wednesday): 5 more all day, nothing changes within it */
    ck_assert_uint_eq(flow_week_day_plan(s, w, 16, e, &start), 0);
    ck_assert_int_eq(start, 15);
    int64_t when;
    ck_assert_int_eq(flow_week_fewest_beds(s, w, 28, &when), 7);
    ck_assert_int_eq(when, 0);
    free(e);
    flow_scenario_destroy(s);
}
END_TEST

START_TEST(dates_parse_format_and_weekday)
{
    int64_t d;
    ck_assert(flow_date_parse("1970-01-01", &d) && d == 0);
    ck_assert(flow_date_parse("2027-01-04", &d) && flow_date_weekday(d) == 0);   /* a Monday */
    ck_assert(flow_date_parse("2024-02-29", &d) && flow_date_weekday(d) == 3);   /* a Thursday */
    ck_assert(flow_date_parse("2000-02-29", &d));
    ck_assert(!flow_date_parse("1900-02-29", &d));
    ck_assert(!flow_date_parse("2100-02-29", &d));
    ck_assert(!flow_date_parse("2027-02-29", &d));
    ck_assert(!flow_date_parse("2027-04-31", &d));
    ck_assert(!flow_date_parse("2027-1-04", &d));
    ck_assert(!flow_date_parse("2027-01-04x", &d));
    ck_assert(!flow_date_parse("1899-12-31", &d));
    ck_assert(!flow_date_parse("2027-13-01", &d));
    ck_assert(!flow_date_parse("2027-00-10", &d));
    char buf[11];
    int64_t first = flow_date_days(1900, 1, 1), last = flow_date_days(2300, 12, 31);
    ck_assert_int_eq(last - first + 1, 400 * 365 + 97 + 365);   /* 1900-2299, then 2300 */
    for (int64_t k = first; k <= last; k++) {
        flow_date_format(k, buf);
        int64_t back;
        ck_assert_msg(flow_date_parse(buf, &back) && back == k, "%s", buf);
        ck_assert_int_eq(flow_date_weekday(k), (int)((k - first + 0) % 7));   /* 1900-01-01: Monday */
    }
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, dates_parse_format_and_weekday);
    tcase_add_test(tc, day_plan_follows_shifts_and_holidays);
    tcase_add_test(tc, duration_units);
    tcase_add_test(tc, duration_rejects_missing_or_bad_unit);
    tcase_add_test(tc, rate_units);
    tcase_add_test(tc, numbers_are_strict);
    suite_add_tcase(s, tc);
    return s;
}
