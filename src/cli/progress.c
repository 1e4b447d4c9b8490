/* progress.c - the progress line on stderr for long runs (on a terminal only). */
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

/* ---- progress ------------------------------------------------------------------------- */

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void flow__progress_init(struct progress *p, const struct cli_opts *o, const char *what)
{
    p->on = !o->quiet && isatty(STDERR_FILENO);
    p->what = what;
    p->start = seconds();
}

void flow__progress_update(void *arg, size_t done, size_t total)
{
    struct progress *p = arg;
    if (!p->on)
        return;
    double t = seconds() - p->start, rate = t > 0 ? (double)done / t : 0;
    double left = rate > 0 ? (double)(total - done) / rate : 0;
    fprintf(stderr, "\r%s %zu/%zu, %.1f/s, %.0f s left   ", p->what, done, total, rate, left);
    fflush(stderr);
}

void flow__progress_end(struct progress *p)
{
    if (p->on)
        fprintf(stderr, "\r\033[K");
}

