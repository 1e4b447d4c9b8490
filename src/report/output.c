/* output.c - atomic output files: write a temporary file beside the target, flush, fsync,
 * rename. A crash or a full disk leaves the old file (or none), never half a file. */
#include <flowsim/error.h>
#include <flowsim/report.h>
#include <flowsim/util.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int flow_output_atomic(const char *path, flow_write_fn fn, const void *arg, char *why, size_t len)
{
    flow_interrupt_defer();   /* from here an interrupt must remove the temporary file */
    char *tmp = flow_xasprintf("%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(why, len, "cannot write %s: %s", path, strerror(errno));
        free(tmp);
        return FLOW_E_IO;
    }
    fchmod(fd, 0644);   /* mkstemp makes 0600; an output file is for sharing */
    FILE *f = fdopen(fd, "w");
    int rc = f ? fn(f, arg) : FLOW_E_IO;
    int saved = errno;
    if (f && rc == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0))
        rc = FLOW_E_IO, saved = errno;
    if (f ? fclose(f) != 0 : close(fd) != 0) {
        if (rc == 0)
            saved = errno;
        rc = FLOW_E_IO;
    }
    if (rc == 0 && flow_interrupted())
        rc = FLOW_E_INTERRUPTED;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = FLOW_E_IO, saved = errno;
    if (rc == FLOW_E_INTERRUPTED) {
        snprintf(why, len, "interrupted; %s was not written", path);
        unlink(tmp);
    } else if (rc != 0) {
        snprintf(why, len, "cannot write %s: %s", path, saved ? strerror(saved) : "write failed");
        unlink(tmp);
    }
    free(tmp);
    return rc;
}
