/* check_main.h - what every Check suite shares: main(), which runs the suite returned by the
 * file's make_suite() and exits non-zero when any test failed, and a scenario loader. */
#ifndef FLOWSIM_CHECK_MAIN_H
#define FLOWSIM_CHECK_MAIN_H

#include <check.h>
#include <flowsim/experiment.h>
#include <flowsim/scenario.h>
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

static Suite *make_suite(void);

/* Loads a scenario from text (failing the test, with the first diagnostic, if it is bad). */
static inline struct flow_scenario *test_load(const char *text, const char *const *sets, size_t n)
{
    struct flow_diag d;
    flow_diag_init(&d);
    struct flow_scenario *s = flow_scenario_load_text("t.yaml", text, strlen(text), NULL, sets, n, &d);
    ck_assert_msg(s != NULL, "%s", d.count ? d.lines[0] : "");
    flow_diag_fini(&d);
    return s;
}


int main(void)
{
    gsl_set_error_handler_off();
    SRunner *sr = srunner_create(make_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* The value of metric `path` in replication `rep` (failing the test if there is no such metric). */
static inline double test_value(const struct flow_results *r, const char *path, size_t rep)
{
    long k = flow_results_find(r, path);
    ck_assert_msg(k >= 0, "no metric %s", path);
    return r->values[rep * r->nmetrics + (size_t)k];
}

#endif
