/* test_scenario.c - the loader: a valid file with its defaults, --set overrides, empirical
 * files, and every bad-input file in tests/data/bad with its exact expected message. Each bad
 * file names its expectation in its first lines:
 *   # expect: LINE:COLUMN: error: MESSAGE      (the first diagnostic, file name omitted)
 *   # set: PATH=VALUE                          (optional --set options, in order)
 *   # file: NAME                               (optional: the diagnostic names this file, in
 *                                                tests/data/bad, or --set) */
#include "check_main.h"

#include <flowsim/csv.h>

#include <flowsim/scenario.h>
#include <flowsim/settings.h>
#include <flowsim/util.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *good =
    "name: Test hospital\n"
    "horizon: 365d\n"
    "wards:\n"
    "  - name: AMU\n"
    "    beds: 24\n"
    "    cost_per_bed_day: 420\n"
    "  - name: Medicine\n"
    "    beds: 60\n"
    "    when_full: divert\n"
    "groups:\n"
    "  - name: emergency_medical\n"
    "    arrivals:\n"
    "      rate: 3/h\n"
    "      by_weekday: [2, 1, 1, 1, 1, 1, 0]\n"
    "    route:\n"
    "      - ward: AMU\n"
    "        stay: {dist: lognormal, mean: 1.5d, sd: 1d}\n"
    "      - ward: Medicine\n"
    "        p: 0.6\n"
    "        stay: {dist: gamma, mean: 6d, sd: 5d}\n";

static struct flow_scenario *load(const char *text, const char *const *sets, size_t n,
                                  struct flow_diag *d)
{
    flow_diag_init(d);
    return flow_scenario_load_text("test.yaml", text, strlen(text), NULL, sets, n, d);
}

START_TEST(scenario_loads_with_defaults)
{
    struct flow_diag d;
    struct flow_scenario *s = load(good, NULL, 0, &d);
    ck_assert_msg(s != NULL, "%s", d.count ? d.lines[0] : "");
    ck_assert_str_eq(s->name, "Test hospital");
    ck_assert_double_eq(s->horizon_days, 365);
    ck_assert_double_eq(s->warmup_days, 0);
    ck_assert_int_eq(s->replications, 10);
    ck_assert_uint_eq(s->seed, 1);
    ck_assert_uint_eq(s->nwards, 2);
    ck_assert_int_eq(s->wards[0].beds, 24);
    ck_assert_double_eq(s->wards[0].cost_per_bed_day, 420);
    ck_assert_int_eq(s->wards[0].when_full, FLOW_WHEN_FULL_QUEUE);
    ck_assert_double_eq(s->wards[1].cost_per_bed_day, 0);
    ck_assert_int_eq(s->wards[1].when_full, FLOW_WHEN_FULL_DIVERT);
    const struct flow_group_spec *g = &s->groups[0];
    ck_assert_double_eq(g->rate_per_day, 72);
    ck_assert(g->time_varying);
    ck_assert_double_eq_tol(g->by_weekday[0], 2 * 7.0 / 7, 1e-12);   /* rescaled to mean 1 */
    ck_assert_double_eq(g->by_weekday[6], 0);
    ck_assert_double_eq(g->by_hour[13], 1);
    ck_assert_uint_eq(g->nsteps, 2);
    ck_assert_int_eq(g->steps[1].ward, 1);
    ck_assert_double_eq(g->steps[0].p, 1);
    ck_assert_double_eq(g->steps[1].p, 0.6);
    ck_assert_int_eq(g->steps[1].stay.kind, FLOW_DIST_GAMMA);
    ck_assert_double_eq(g->steps[1].stay.a, 6);
    flow_scenario_destroy(s);
    flow_diag_fini(&d);
}
END_TEST

START_TEST(scenario_set_overrides_by_path)
{
    const char *sets[] = {
        "wards.AMU.beds=30",
        "groups.emergency_medical.arrivals.rate=22/d",
        "wards.Medicine.cost_per_bed_day=310.5",          /* absent in the file: added */
        "groups.emergency_medical.route.Medicine.p=0.25", /* a step chosen by its ward */
        "groups.emergency_medical.route.1.stay={dist: fixed, value: 12h}", /* by position */
        "seed=99",
    };
    struct flow_diag d;
    struct flow_scenario *s = load(good, sets, 6, &d);
    ck_assert_msg(s != NULL, "%s", d.count ? d.lines[0] : "");
    ck_assert_int_eq(s->wards[0].beds, 30);
    ck_assert_double_eq(s->groups[0].rate_per_day, 22);
    ck_assert_double_eq(s->wards[1].cost_per_bed_day, 310.5);
    ck_assert_double_eq(s->groups[0].steps[1].p, 0.25);
    ck_assert_int_eq(s->groups[0].steps[0].stay.kind, FLOW_DIST_FIXED);
    ck_assert_double_eq(s->groups[0].steps[0].stay.a, 0.5);
    ck_assert_uint_eq(s->seed, 99);
    flow_scenario_destroy(s);
    flow_diag_fini(&d);
}
END_TEST

/* --set paths: at most 32 parts (33 refused, 32 walked), no part with a space at either end,
 * positions as digits alone; each refusal one located line. */
START_TEST(set_paths_are_bounded_and_exact)
{
    char deep[200] = "x";
    for (int i = 1; i < 33; i++)
        strcat(deep, ".x");
    strcat(deep, "=1");              /* 33 parts */
    static const struct { const char *set, *want; } bad[] = {
        {NULL, "--set:1:1: error: the path has 33 parts; a scenario nests at most 32 deep"},
        {"wards. 1.beds=7", "--set:1:7: error: ' 1' in the path has a space at its start"},
        {"wards.AMU\t.beds=7", "--set:1:10: error: 'AMU\\x09' in the path has a space at its end"},
        {"wards.+1.beds=7", "--set:1:7: error: no item named '+1' in wards"},
        {"wards.1e0.beds=7", "--set:1:7: error: no item named '1e0' in wards"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *sets[] = {bad[i].set ? bad[i].set : deep};
        struct flow_diag d;
        ck_assert(load(good, sets, 1, &d) == NULL);
        ck_assert_uint_eq(d.errors, 1);
        ck_assert_msg(strncmp(d.lines[0], bad[i].want, strlen(bad[i].want)) == 0, "%s", d.lines[0]);
        flow_diag_fini(&d);
    }
    char ok[200] = "wards.1";          /* 32 parts: walked (and refused by the schema, not the walk) */
    for (int i = 2; i < 31; i++)
        strcat(ok, ".x");
    strcat(ok, ".y=1");
    const char *sets[] = {ok, "wards.01.beds=31"};
    struct flow_diag d;
    ck_assert(load(good, sets, 1, &d) == NULL);
    ck_assert_msg(strstr(d.lines[0], "nests at most") == NULL, "%s", d.lines[0]);
    flow_diag_fini(&d);
    struct flow_scenario *s = load(good, sets + 1, 1, &d);
    ck_assert_msg(s != NULL && s->wards[0].beds == 31, "%s", d.count ? d.lines[0] : "");
    flow_scenario_destroy(s);
    flow_diag_fini(&d);
}
END_TEST

START_TEST(scenario_reports_every_error)
{
    const char *text = "name: x\nhorizon: 5\nwards:\n  - {name: A, beds: -1}\n"
                       "groups:\n  - name: g\n    arrivals: {rate: 1/d}\n"
                       "    route: [{ward: A, p: 2, stay: {dist: fixed, value: 1d}}]\n";
    struct flow_diag d;
    ck_assert_ptr_null(load(text, NULL, 0, &d));
    ck_assert_uint_eq(d.errors, 3);
    ck_assert_str_eq(d.lines[0], "test.yaml:2:10: error: 'horizon' must be a duration with a "
                                 "unit (m, h, d or w), such as 90m, 4h or 1.5d; found '5'");
    flow_diag_fini(&d);
}
END_TEST

/* Writes bytes to a temporary file; its path in path. */
static void temp_file(char *path, const char *bytes, size_t n)
{
    strcpy(path, "/tmp/flowsim-csv-XXXXXX");
    int fd = mkstemp(path);
    ck_assert(fd >= 0 && write(fd, bytes, n) == (ssize_t)n);
    close(fd);
}

/* The one CSV reader: a byte-order mark skipped, CRLF, blank lines counted, quotes ("" inside),
 * spaces around fields dropped, columns kept; a NUL refused at its line and column; an open
 * quote and text after a closing quote refused at theirs; fields shown escaped. */
START_TEST(csv_reader_rules)
{
    static const char text[] = "\xEF\xBB\xBF" "a, b\r\n\r\n\n \"x,\"\"y\"\"\" , 2\n# not a comment here\n";
    char path[64];
    temp_file(path, text, sizeof text - 1);
    struct flow_csv c;
    struct flow_diag d;
    flow_diag_init(&d);
    ck_assert_ptr_null(flow_csv_open(&c, path, "a test file", 1 << 20, false, &d));
    ck_assert_int_eq(flow_csv_row(&c, &d), 2);
    ck_assert_str_eq(c.f[0], "a");
    ck_assert_str_eq(c.f[1], "b");
    ck_assert_int_eq(c.line, 1);
    ck_assert_int_eq(c.col[1], 4);
    char *joined = flow_csv_joined(&c, 2);
    ck_assert_str_eq(joined, "a,b");
    free(joined);
    ck_assert_int_eq(flow_csv_row(&c, &d), 2);
    ck_assert_int_eq(c.line, 4);                    /* the blank lines were counted */
    ck_assert_str_eq(c.f[0], "x,\"y\"");
    ck_assert_str_eq(c.f[1], "2");
    ck_assert_int_eq(c.col[0], 2);
    ck_assert_int_eq(flow_csv_row(&c, &d), 1);      /* '#' is data unless comments are asked for */
    ck_assert_int_eq(flow_csv_row(&c, &d), 0);
    ck_assert_uint_eq(d.errors, 0);
    flow_csv_close(&c);
    unlink(path);

    static const char nul[] = "a,b\n1,2\n3,\0\n";
    temp_file(path, nul, sizeof nul - 1);
    const char *why = flow_csv_open(&c, path, "a test file", 1 << 20, false, &d);
    ck_assert(why != NULL && *why == '\0');
    ck_assert_uint_eq(d.errors, 1);
    ck_assert_msg(strstr(d.lines[0], ":3:3: error: a NUL byte: a test file must be a text (CSV) file"), "%s", d.lines[0]);
    unlink(path);

    static const char bad[] = "\"open,1\n\"a\"b,2\nok,3\n";
    temp_file(path, bad, sizeof bad - 1);
    ck_assert_ptr_null(flow_csv_open(&c, path, "a test file", 1 << 20, true, &d));
    ck_assert_int_eq(flow_csv_row(&c, &d), -1);
    ck_assert_msg(strstr(d.lines[1], ":1:1: error: a quoted field is not closed on its line"), "%s", d.lines[1]);
    ck_assert_int_eq(flow_csv_row(&c, &d), -1);
    ck_assert_msg(strstr(d.lines[2], ":2:4: error: text after a quoted field's closing quote"), "%s", d.lines[2]);
    ck_assert_int_eq(flow_csv_row(&c, &d), 2);       /* reading goes on */
    ck_assert_str_eq(c.f[0], "ok");
    flow_csv_close(&c);
    unlink(path);
    flow_diag_fini(&d);

    char shown[64];
    ck_assert_str_eq(flow_csv_shown("a\tb\x01\xff\xc3\xa9", 40, shown, sizeof shown), "a\\tb\\x01\\xFF\xc3\xa9");
    ck_assert_str_eq(flow_csv_shown("abcdef", 3, shown, sizeof shown), "abc...");
}
END_TEST

START_TEST(scenario_empirical_file_relative_to_scenario)
{
    char dir[] = "/tmp/flowsim-test-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256], csv[256];
    snprintf(csv, sizeof csv, "%s/los.csv", dir);
    FILE *f = fopen(csv, "w");
    fputs("los_days,ward\n2,AMU\n4,AMU\n# a comment\n\n6,AMU\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    f = fopen(path, "w");
    fputs("name: e\nhorizon: 10d\nwards: [{name: A, beds: 2}]\ngroups:\n  - name: g\n"
          "    arrivals: {rate: 1/d}\n"
          "    route: [{ward: A, stay: {dist: empirical, file: los.csv, unit: d}}]\n", f);
    fclose(f);
    struct flow_diag d;
    flow_diag_init(&d);
    struct flow_scenario *s = flow_scenario_load_file(path, NULL, 0, &d);
    ck_assert_msg(s != NULL, "%s", d.count ? d.lines[0] : "");
    ck_assert_uint_eq(s->groups[0].steps[0].stay.n, 3);
    ck_assert_double_eq(flow_dist_mean(&s->groups[0].steps[0].stay), 4);
    flow_scenario_destroy(s);
    flow_diag_fini(&d);
    remove(csv);
    remove(path);
    remove(dir);
}
END_TEST

/* An overlay changes only what it lists: named list items merge by name, new ones are added,
 * other values are replaced, and --set applies on top. */
START_TEST(scenario_extends_merges_by_name)
{
    char dir[] = "/tmp/flowsim-extends-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char base[256], over[256];
    snprintf(base, sizeof base, "%s/base.yaml", dir);
    snprintf(over, sizeof over, "%s/over.yaml", dir);
    FILE *f = fopen(base, "w");
    fputs(good, f);
    fclose(f);
    f = fopen(over, "w");
    fputs("extends: base.yaml\nname: Overlay\nreplications: 3\nwards:\n  - name: Medicine\n"
          "    beds: 72\n  - name: Overflow\n    beds: 6\n", f);
    fclose(f);
    const char *sets[] = {"wards.Overflow.beds=8"};
    struct flow_diag d;
    flow_diag_init(&d);
    struct flow_scenario *s = flow_scenario_load_file(over, sets, 1, &d);
    ck_assert_msg(s != NULL, "%s", d.count ? d.lines[0] : "");
    ck_assert_str_eq(s->name, "Overlay");
    ck_assert_int_eq(s->replications, 3);
    ck_assert_double_eq(s->horizon_days, 365);            /* from the base */
    ck_assert_uint_eq(s->nwards, 3);
    ck_assert_int_eq(s->wards[0].beds, 24);                /* untouched */
    ck_assert_int_eq(s->wards[1].beds, 72);                /* merged by name */
    ck_assert_int_eq(s->wards[1].when_full, FLOW_WHEN_FULL_DIVERT);   /* kept from the base */
    ck_assert_str_eq(s->wards[2].name, "Overflow");       /* added */
    ck_assert_int_eq(s->wards[2].beds, 8);                 /* --set on top */
    ck_assert_uint_eq(s->ngroups, 1);
    flow_scenario_destroy(s);
    flow_diag_fini(&d);
    remove(base);
    remove(over);
    remove(dir);
}
END_TEST

START_TEST(scenario_example_loads)
{
    struct flow_diag d;
    flow_diag_init(&d);
    struct flow_scenario *s = flow_scenario_load_text("example.yaml", flow_example_yaml,
                                                      flow_example_yaml_len, NULL, NULL, 0, &d);
    ck_assert_msg(s != NULL, "%s", d.count ? d.lines[0] : "");
    flow_scenario_destroy(s);
    flow_diag_fini(&d);
}
END_TEST

/* ---- bad files ---- */

static char **bad_files;
static size_t nbad;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_bad_files(void)
{
    DIR *dir = opendir(BAD_DIR);
    struct dirent *e;
    while (dir && (e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0) {
            bad_files = realloc(bad_files, (nbad + 1) * sizeof *bad_files);
            bad_files[nbad++] = strdup(e->d_name);
        }
    }
    if (dir)
        closedir(dir);
    qsort(bad_files, nbad, sizeof *bad_files, by_name);
}

START_TEST(bad_file_gives_expected_message)
{
    char path[512], line[1024], expect[1024] = "", shown[2048];
    char *sets[8];
    size_t nsets = 0;
    snprintf(path, sizeof path, "%s/%s", BAD_DIR, bad_files[_i]);
    snprintf(shown, sizeof shown, "%s", path);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) && strncmp(line, "# ", 2) == 0) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "# expect: ", 10) == 0)
            snprintf(expect, sizeof expect, "%s", line + 10);
        else if (strncmp(line, "# set: ", 7) == 0 && nsets < 8)
            sets[nsets++] = strdup(line + 7);
        else if (strncmp(line, "# file: ", 8) == 0 && line[8] != '-')
            snprintf(shown, sizeof shown, "%s/%s", BAD_DIR, line + 8);   /* a file beside it */
        else if (strncmp(line, "# file: ", 8) == 0)
            snprintf(shown, sizeof shown, "%s", line + 8);
    }
    fclose(f);
    ck_assert_msg(expect[0] != '\0', "%s has no '# expect:' line", bad_files[_i]);
    struct flow_diag d;
    flow_diag_init(&d);
    struct flow_scenario *s = flow_scenario_load_file(path, (const char *const *)sets, nsets, &d);
    ck_assert_msg(s == NULL, "%s was accepted", bad_files[_i]);
    ck_assert_uint_ge(d.count, 1);
    char want[4096];
    snprintf(want, sizeof want, "%s:%s", shown, expect);
    ck_assert_str_eq(d.lines[0], want);
    flow_diag_fini(&d);
    for (size_t i = 0; i < nsets; i++)
        free(sets[i]);
}
END_TEST

/* Every documented limit says what limits.h says: the Limits table of the scenario format
 * has each row of FLOW_LIMIT_DOCS, word for word. */
START_TEST(documented_limits_match_the_code)
{
    FILE *f = fopen(DOCS_DIR "/scenario-format.md", "r");
    ck_assert(f != NULL);
    static char doc[1 << 20];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    doc[n] = '\0';
    fclose(f);
#define X(what, text) ck_assert_msg(strstr(doc, "| " what " | " text " |") != NULL, \
                                    "docs/scenario-format.md lacks the row | %s | %s |", what, text);
    FLOW_LIMIT_DOCS(X)
#undef X
}
END_TEST


/* The settings a what-if page offers: every value with the path --set takes, names and
 * references left out, route steps by their ward, a plain list as one value. */
START_TEST(settings_list_paths_that_set_takes)
{
    struct flow_settings st;
    struct flow_diag d;
    flow_diag_init(&d);
    ck_assert_int_eq(flow_settings_list("test.yaml", good, strlen(good), NULL, &st, &d), 0);
    const char *want[][2] = {{"horizon", "365d"}, {"wards.AMU.beds", "24"}, {"wards.Medicine.when_full", "divert"},
                             {"groups.emergency_medical.arrivals.rate", "3/h"},
                             {"groups.emergency_medical.arrivals.by_weekday", "[2, 1, 1, 1, 1, 1, 0]"},
                             {"groups.emergency_medical.route.Medicine.p", "0.6"},
                             {"groups.emergency_medical.route.AMU.stay.mean", "1.5d"}};
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        size_t i = 0;
        while (i < st.n && strcmp(st.v[i].path, want[k][0]) != 0)
            i++;
        ck_assert_msg(i < st.n, "no setting %s", want[k][0]);
        ck_assert_str_eq(st.v[i].value, want[k][1]);
    }
    for (size_t i = 0; i < st.n; i++) {
        ck_assert_msg(strstr(st.v[i].path, ".name") == NULL && strstr(st.v[i].path, ".ward") == NULL &&
                      strcmp(st.v[i].path, "name") != 0, "%s is a name, not a setting", st.v[i].path);
        const char *set[1] = {NULL};
        char *text = flow_xasprintf("%s=%s", st.v[i].path, st.v[i].value);
        set[0] = text;
        struct flow_diag e;
        struct flow_scenario *sc = load(good, set, 1, &e);      /* --set takes every path as listed */
        ck_assert_msg(sc != NULL, "%s: %s", text, e.count ? e.lines[0] : "");
        flow_scenario_destroy(sc);
        flow_diag_fini(&e);
        free(text);
    }
    ck_assert_str_eq(st.v[1].section, "wards");
    ck_assert_str_eq(st.v[1].item, "AMU");
    flow_settings_fini(&st);
    flow_diag_fini(&d);
}
END_TEST

/* An overlay written from --set overrides loads (with the base beside it) as the base with
 * those overrides: named items by name, other lists whole, a bad value refused. */
START_TEST(settings_overlay_reloads_as_the_whatif)
{
    char dir[] = "/tmp/flowsim-overlay-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char base[256], over[256];
    snprintf(base, sizeof base, "%s/base.yaml", dir);
    snprintf(over, sizeof over, "%s/over.yaml", dir);
    FILE *f = fopen(base, "w");
    fputs(good, f);
    fclose(f);
    const char *sets[] = {"wards.Medicine.beds=70", "groups.emergency_medical.route.Medicine.p=0.25",
                          "groups.emergency_medical.arrivals.by_weekday=[1, 1, 1, 1, 1, 1, 1]", "replications=3"};
    struct flow_diag d;
    flow_diag_init(&d);
    char *yaml = flow_settings_overlay("base.yaml", good, strlen(good), NULL, "base.yaml", sets, 4, &d);
    ck_assert_msg(yaml != NULL, "%s", d.count ? d.lines[0] : "");
    ck_assert_ptr_null(strstr(yaml, "AMU\n    beds"));     /* what did not change is not written */
    f = fopen(over, "w");
    fputs(yaml, f);
    fclose(f);
    struct flow_scenario *a = flow_scenario_load_file(over, NULL, 0, &d);
    ck_assert_msg(a != NULL, "%s\n%s", d.count ? d.lines[0] : "", yaml);
    struct flow_diag e;
    struct flow_scenario *b = load(good, sets, 4, &e);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(a->fingerprint, b->fingerprint);      /* the same tree: the same scenario */
    ck_assert_int_eq(a->wards[1].beds, 70);
    ck_assert_int_eq(a->replications, 3);
    flow_scenario_destroy(a);
    flow_scenario_destroy(b);
    free(yaml);
    const char *bad[] = {"wards.Medicine.beds=lots"};
    ck_assert_ptr_null(flow_settings_overlay("base.yaml", good, strlen(good), NULL, "base.yaml", bad, 1, &e));
    flow_diag_fini(&d);
    flow_diag_fini(&e);
    remove(base);
    remove(over);
    remove(dir);
}
END_TEST

/* A server's guard: once sealed, only the files read before are given, from memory. */
START_TEST(files_sealed_give_only_what_was_read)
{
    char dir[] = "/tmp/flowsim-files-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/a.txt", dir);
    snprintf(b, sizeof b, "%s/b.txt", dir);
    FILE *f = fopen(a, "w");
    fputs("first", f);
    fclose(f);
    f = fopen(b, "w");
    fputs("second", f);
    fclose(f);
    size_t len;
    const char *why = NULL;
    flow_files_record();
    char *t = flow_read_regular(a, 100, &len, &why);
    ck_assert_str_eq(t, "first");
    free(t);
    flow_files_seal();
    remove(a);                               /* gone from disk: still given, as read */
    t = flow_read_regular(a, 100, &len, &why);
    ck_assert_str_eq(t, "first");
    ck_assert_uint_eq(len, 5);
    free(t);
    ck_assert_ptr_null(flow_read_regular(a, 3, &len, &why));
    ck_assert_str_eq(why, "too large");
    ck_assert_ptr_null(flow_read_regular(b, 100, &len, &why));    /* on disk, but not read before */
    ck_assert_ptr_nonnull(strstr(why, "not one of the files read"));
    flow_files_forget();
    t = flow_read_regular(b, 100, &len, &why);                    /* forgotten: the disk again */
    ck_assert_str_eq(t, "second");
    free(t);
    remove(b);
    remove(dir);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, documented_limits_match_the_code);
    tcase_add_test(tc, scenario_loads_with_defaults);
    tcase_add_test(tc, scenario_set_overrides_by_path);
    tcase_add_test(tc, set_paths_are_bounded_and_exact);
    tcase_add_test(tc, csv_reader_rules);
    tcase_add_test(tc, scenario_reports_every_error);
    tcase_add_test(tc, scenario_empirical_file_relative_to_scenario);
    tcase_add_test(tc, scenario_example_loads);
    tcase_add_test(tc, scenario_extends_merges_by_name);
    tcase_add_test(tc, settings_list_paths_that_set_takes);
    tcase_add_test(tc, settings_overlay_reloads_as_the_whatif);
    tcase_add_test(tc, files_sealed_give_only_what_was_read);
    suite_add_tcase(s, tc);
    list_bad_files();
    TCase *bad = tcase_create("bad");
    tcase_add_loop_test(bad, bad_file_gives_expected_message, 0, (int)nbad);
    suite_add_tcase(s, bad);
    return s;
}
