/* test_units.c - the number, duration and rate parsers. */
#include "check_main.h"

#include <flowsim/calendar.h>

#include <flowsim/scenario.h>

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
    tcase_add_test(tc, duration_units);
    tcase_add_test(tc, duration_rejects_missing_or_bad_unit);
    tcase_add_test(tc, rate_units);
    tcase_add_test(tc, numbers_are_strict);
    suite_add_tcase(s, tc);
    return s;
}
