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

int flow__cli_saved_html(FILE *f, const void *arg)
{
    char why[512];
    int rc = flow_report_html_saved(f, arg, why, sizeof why);
    if (rc != 0)
        fprintf(stderr, "flowsim: error: %s\n", why);
    return rc;
}


/* ---- report --------------------------------------------------------------------------- */

int flow__cmd_report(int argc, char **argv)
{
    struct cli_opts o;
    int rc = flow__cli_begin(argc, argv, "report", &o);
    if (rc == EXIT_OK && !o.help && (o.scenario == NULL || o.output == NULL))
        rc = flow__cli_usage_error("report", "report needs RESULTS (a JSON file or a sweep directory) and "
                             "-o OUT.html");
    if (rc != EXIT_OK || o.help)
        return flow__cli_finish(&o, rc != EXIT_OK ? rc : flow__cli_help("report"));
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
        rc = flow__cli_write_file(o.output, flow__cli_saved_html, o.scenario);
    return flow__cli_finish(&o, rc);
}
