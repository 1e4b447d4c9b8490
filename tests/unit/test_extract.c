/* test_extract.c - episode extracts (flowsim fit's input): timestamps in every accepted form,
 * open stays censored at the extract's end, rows sorted by patient and time, groups defaulting
 * to `all`, and every malformed row reported at its own line and column. */
#include "check_main.h"

#include <flowsim/calendar.h>
#include <flowsim/extract.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes text to a temporary file; the caller unlinks path. */
static void write_temp(char *path, const char *text)
{
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    ck_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
}

START_TEST(timestamps_in_every_form)
{
    double t;
    bool day;
    ck_assert(flow_extract_time("1970-01-02 06:00", &t, &day) && !day);
    ck_assert_double_eq_tol(t, 1.25, 1e-12);
    ck_assert(flow_extract_time("1970-01-02T06:00:36", &t, &day) && !day);
    ck_assert_double_eq_tol(t, 1.25 + 36.0 / 86400, 1e-12);
    ck_assert(flow_extract_time("1970-01-03", &t, &day) && day);
    ck_assert_double_eq(t, 2);
    const char *bad[] = {"1970-01-02 6:00", "1970-01-02 24:00", "1970-02-30 10:00", "1970-01-02 10:00:5",
                         "1970-01-02x10:00", "02/01/1970", "", "1970-01-02 10:00 ", "1970-01-02 10:60"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(!flow_extract_time(bad[i], &t, &day), "'%s' accepted", bad[i]);
}
END_TEST

/* Reads an extract of this text, which must have no error. */
static void read_good(const char *text, struct flow_extract *x)
{
    char path[] = "/tmp/flowsim-extract-XXXXXX";
    write_temp(path, text);
    struct flow_diag d;
    flow_diag_init(&d);
    size_t errors = flow_extract_read(path, x, &d);
    unlink(path);
    ck_assert_msg(errors == 0, "%s", d.count ? d.lines[0] : "");
    flow_diag_fini(&d);
}

START_TEST(reads_a_good_extract)
{
    struct flow_extract x;
    read_good("patient,ward,start,end,group,extra\n"
              "p2,Medicine,2027-01-02 10:00,2027-01-05T12:30:00,medical,x\n"
              "p1,AMU,2027-01-01 08:00,2027-01-02 10:00,,y\n"
              "p1,\"Medicine, east\",2027-01-02 10:00,,medical,z\n"
              "p2,AMU,2027-01-01 09:00,2027-01-02 10:00,medical,\n"
              "\n"
              "p3,AMU,2027-01-03,2027-01-04,surgical,w\r\n", &x);
    ck_assert_uint_eq(x.nepisodes, 5);
    ck_assert_uint_eq(x.npatients, 3);
    ck_assert_uint_eq(x.nwards, 3);
    ck_assert_str_eq(x.wards[x.episodes[3].ward], "Medicine, east");
    /* sorted by patient (in order of first appearance: p2, p1, p3), then start */
    ck_assert_str_eq(x.patients[x.episodes[0].patient], "p2");
    ck_assert_str_eq(x.wards[x.episodes[0].ward], "AMU");
    ck_assert_str_eq(x.patients[x.episodes[2].patient], "p1");
    ck_assert_str_eq(x.groups[x.episodes[2].group], "all");          /* an empty group is `all` */
    const struct flow_episode *open = &x.episodes[3];
    ck_assert(open->flags & FLOW_EP_OPEN);
    ck_assert_double_eq_tol(x.last, 20823 + 12.5 / 24, 1e-9);       /* 2027-01-05 12:30, the latest time */
    ck_assert_double_eq_tol(open->end, x.last, 1e-12);              /* open: censored at the end */
    ck_assert(x.episodes[4].flags & FLOW_EP_START_DAY);
    ck_assert_double_eq_tol(x.first, 20819 + 8.0 / 24, 1e-9);        /* 2027-01-01 08:00 */
    flow_extract_fini(&x);
}
END_TEST

/* Each malformed extract: its first diagnostic, file name aside. */
static const struct {
    const char *text, *message;
} bad[] = {
    {"patient,ward,start\n", "1:1: error: the header has no 'end' column; an extract needs patient, ward, start and end (and may give group and ready)"},
    {"", "1:1: error: the extract is empty; it needs a header with patient, ward, start and end"},
    {"patient,ward,start,end\n", "2:1: error: the extract has a header but no stays"},
    {"patient,ward,start,end\np,W,2027-01-01 10:00\n", "2:1: error: this row has 3 fields; the header has 4"},
    {"patient,ward,start,end\np,,2027-01-01 10:00,\n", "2:3: error: 'ward' is empty"},
    {"patient,ward,start,end\np,W,2027-13-01 10:00,\n", "2:5: error: 'start' must be a time YYYY-MM-DD HH:MM (T or a space between, seconds optional) or a date YYYY-MM-DD; found '2027-13-01 10:00'"},
    {"patient,ward,start,end\np,W,2027-01-02 10:00,2027-01-01 10:00\n", "2:22: error: the stay ends (2027-01-01 10:00) before it starts (2027-01-02 10:00)"},
    {"patient,ward,start,end,ready\np,W,2027-01-01 10:00,2027-01-03 10:00,2027-01-04 10:00\n", "2:39: error: the ready time 2027-01-04 10:00 is outside the stay (2027-01-01 10:00 to 2027-01-03 10:00)"},
    {"patient,ward,start,end\np,W,2027-01-01 10:00,2027-01-03 10:00\np,X,2027-01-02 10:00,2027-01-04 10:00\n", "3:1: error: patient 'p' starts this stay before the stay of line 2 ends: a patient is in one ward at a time"},
    {"patient,ward,start,end\np,W,2027-01-01 10:00,\np,X,2027-01-02 10:00,2027-01-04 10:00\n", "3:1: error: patient 'p' has a stay starting here after the open stay of line 2 (an open stay, with no end, must be a patient's last)"},
    {"patient,ward,start,end\n\"p,W,2027-01-01 10:00,\n", "2:1: error: a quoted field is not closed on its line"},
    {"patient,ward,start,end\np\x01q,W,2027-01-01 10:00,\n", "2:1: error: 'patient' has a control character (byte 1); names are printed in reports and on terminals"},
    {"ward,patient,start,end\nW\x1b,p,2027-01-01 10:00,\n", "2:1: error: 'ward' has a control character (byte 27); names are printed in reports and on terminals"},
};

START_TEST(malformed_rows_are_located)
{
    char path[] = "/tmp/flowsim-extract-XXXXXX";
    write_temp(path, bad[_i].text);
    struct flow_extract x;
    struct flow_diag d;
    flow_diag_init(&d);
    size_t errors = flow_extract_read(path, &x, &d);
    ck_assert_uint_ge(errors, 1);
    char want[1024];
    snprintf(want, sizeof want, "%s:%s", path, bad[_i].message);
    ck_assert_str_eq(d.lines[0], want);
    ck_assert_ptr_null(x.episodes);                                   /* nothing half-read is kept */
    flow_diag_fini(&d);
    unlink(path);
}
END_TEST

/* Reading stops at the 50th error: a file of 80 malformed rows (a quote not closed on each) gives
 * 50 located errors, not 80; a malformed row before the header stops it at once. */
START_TEST(malformed_rows_stop_at_fifty_errors)
{
    char path[] = "/tmp/flowsim-extract-XXXXXX";
    char *text = flow_xstrdup("patient,ward,start,end\n");
    for (int i = 0; i < 80; i++) {
        char *t = flow_xasprintf("%s\"p%d,W,2027-01-01 10:00,\n", text, i);
        free(text);
        text = t;
    }
    write_temp(path, text);
    struct flow_extract x;
    struct flow_diag d;
    flow_diag_init(&d);
    ck_assert_uint_eq(flow_extract_read(path, &x, &d), 50);
    ck_assert_uint_eq(d.errors, 50);
    flow_diag_fini(&d);
    unlink(path);
    free(text);
    char path2[] = "/tmp/flowsim-extract-XXXXXX";
    write_temp(path2, "\"patient,ward\n\"p,W,2027-01-01 10:00,\n\"q,W,2027-01-01 10:00,\n");
    flow_diag_init(&d);
    ck_assert_uint_eq(flow_extract_read(path2, &x, &d), 1);
    flow_diag_fini(&d);
    unlink(path2);
}
END_TEST

/* Four weeks from Monday 2027-01-04: two patients of `medical` arrive at 10:00 and one at 21:00
 * each day, and one of `surgical` at 10:00 on Tuesdays: rates, hour and
 * weekday profiles come out exactly; 3-hour stays in AMU, the 10:00 pair overlapping, then
 * Medicine after a transfer at 13:00: peaks 3 (the pair and a surgical patient on Tuesdays) and 2,
 * a transfer counted once. */
START_TEST(arrival_profiles_and_peaks)
{
    char path[] = "/tmp/flowsim-extract-XXXXXX";
    FILE *f = NULL;
    write_temp(path, "");
    f = fopen(path, "w");
    fputs("patient,ward,start,end,group\n", f);
    int p = 0;
    for (int day = 0; day < 28; day++) {
        char date[11];
        flow_date_format(flow_date_days(2027, 1, 4) + day, date);
        for (int k = 0; k < 2; k++, p++) {
            fprintf(f, "m%d,AMU,%s 10:00,%s 13:00,medical\n", p, date, date);
            fprintf(f, "m%d,Medicine,%s 13:00,%s 15:00,medical\n", p, date, date);
        }
        fprintf(f, "e%d,AMU,%s 21:00,%s 22:00,medical\n", p++, date, date);
        if (day % 7 == 1)
            fprintf(f, "s%d,AMU,%s 10:00,%s 11:00,surgical\n", p++, date, date);
    }
    fclose(f);
    struct flow_extract x;
    struct flow_diag d;
    flow_diag_init(&d);
    ck_assert_uint_eq(flow_extract_read(path, &x, &d), 0);
    flow_diag_fini(&d);
    unlink(path);
    struct flow_arrival_profile a;
    ck_assert_int_eq(flow_extract_arrivals(&x, 0, &a), 0);     /* medical */
    double days = 27 + 22.0 / 24 - 10.0 / 24;                   /* 10:00 on day 0 to 22:00 on day 27 */
    ck_assert_uint_eq(a.arrivals, 84);
    ck_assert_double_eq_tol(a.days, days, 1e-9);
    ck_assert_double_eq_tol(a.rate_per_day, 84 / days, 1e-9);
    ck_assert_double_eq_tol(a.by_hour[10], 2.0 / 3 * 24, 1e-9);
    ck_assert_double_eq_tol(a.by_hour[21], 1.0 / 3 * 24, 1e-9);
    ck_assert_double_eq_tol(a.by_hour[0], 0, 1e-12);
    ck_assert_int_eq(flow_extract_arrivals(&x, 1, &a), 0);     /* surgical: Tuesdays only */
    ck_assert_uint_eq(a.arrivals, 4);
    ck_assert_double_eq_tol(a.by_weekday[0], 0, 1e-12);
    ck_assert(a.by_weekday[1] > 6.5 && a.by_weekday[1] < 7.5);   /* all of the rate on 1 day in 7 */
    size_t peak[2];
    flow_extract_peaks(&x, peak);
    ck_assert_uint_eq(peak[0], 3);                               /* AMU: the pair and a Tuesday surgical */
    ck_assert_uint_eq(peak[1], 2);                               /* Medicine */
    flow_extract_fini(&x);
}
END_TEST

/* Names that a scenario would write the same ('.' and '=' become '_') are refused, wards and
 * groups each on their own: a clash in either is enough, and distinct names pass. */
static bool clash_of(const char *text, char *why, size_t len)
{
    struct flow_extract x;
    read_good(text, &x);
    bool clash = flow_extract_names_clash(&x, why, len);
    flow_extract_fini(&x);
    return clash;
}

START_TEST(names_that_clash_in_a_scenario)
{
    char why[512] = "";
    ck_assert(!clash_of("patient,ward,start,end,group\np1,A.B,2027-01-01,2027-01-02,g.1\n"
                        "p2,A-B,2027-01-01,2027-01-02,g-1\n", why, sizeof why));
    ck_assert(clash_of("patient,ward,start,end,group\np1,A.B,2027-01-01,2027-01-02,g\n"
                       "p2,A_B,2027-01-01,2027-01-02,g\n", why, sizeof why));
    ck_assert_msg(strstr(why, "wards 'A.B' and 'A_B' would both be 'A_B'"), "%s", why);
    ck_assert(clash_of("patient,ward,start,end,group\np1,W,2027-01-01,2027-01-02,g=1\n"
                       "p2,W,2027-01-01,2027-01-02,g_1\n", why, sizeof why));
    ck_assert_msg(strstr(why, "groups 'g=1' and 'g_1' would both be 'g_1'"), "%s", why);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("extract");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, timestamps_in_every_form);
    tcase_add_test(tc, reads_a_good_extract);
    tcase_add_test(tc, names_that_clash_in_a_scenario);
    tcase_add_test(tc, arrival_profiles_and_peaks);
    tcase_add_loop_test(tc, malformed_rows_are_located, 0, sizeof bad / sizeof bad[0]);
    tcase_add_test(tc, malformed_rows_stop_at_fifty_errors);
    suite_add_tcase(s, tc);
    return s;
}
