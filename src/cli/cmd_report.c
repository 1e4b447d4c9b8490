/* cmd_report.c - the report subcommand: an HTML report from saved results. */
#include "cli.h"

#include <flowsim/error.h>
#include <flowsim/experiment.h>
#include <flowsim/util.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cli_saved_html(FILE *f, const void *arg)
{
    char why[512];
    int rc = flow_report_html_saved(f, arg, why, sizeof why);
    if (rc != 0)
        fprintf(stderr, "flowsim: error: %s\n", why);
    return rc;
}


/* ---- report --------------------------------------------------------------------------- */

int cmd_report(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_begin(argc, argv, "report", &o);
    if (rc == EXIT_OK && !o.help && (o.scenario == NULL || o.output == NULL))
        rc = cli_usage_error("report", "report needs RESULTS (a JSON file or a sweep directory) and "
                             "-o OUT.html");
    if (rc != EXIT_OK || o.help)
        return cli_finish(&o, rc != EXIT_OK ? rc : cli_help("report"));
    /* Read the input once before writing, so that a bad input is one message, not two. */
    FILE *sink = fopen("/dev/null", "w");
    char why[512];
    if (sink == NULL || flow_report_html_saved(sink, o.scenario, why, sizeof why) != 0) {
        if (strstr(why, ": error: ") == NULL)
            fprintf(stderr, "flowsim: error: ");
        fprintf(stderr, "%s\n", sink ? why : "cannot open /dev/null");
        rc = EXIT_SCENARIO;
    }
    if (sink)
        fclose(sink);
    if (rc == EXIT_OK && flow_mpi_rank() == 0)
        rc = cli_write_file(o.output, cli_saved_html, o.scenario);
    return cli_finish(&o, rc);
}
