/* check_main.h - the main() shared by every Check suite: runs the suite returned by the
 * file's make_suite() and exits non-zero when any test failed. */
#ifndef FLOWSIM_CHECK_MAIN_H
#define FLOWSIM_CHECK_MAIN_H

#include <check.h>
#include <gsl/gsl_errno.h>
#include <stdlib.h>

static Suite *make_suite(void);

int main(void)
{
    gsl_set_error_handler_off();
    SRunner *sr = srunner_create(make_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
