/* output.c - atomic output files: write a temporary file beside the target, flush, fsync,
 * rename. A crash or a full disk leaves the old file (or none), never half a file. */
#define _XOPEN_SOURCE 700   /* realpath, lstat */
#include <flowsim/error.h>
#include <flowsim/report.h>
#include <flowsim/util.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes path's content to a new temporary file beside it, flushed and synced; returns the
 * temporary name (the caller renames or unlinks it), or NULL with why. */
static char *output_temp(const char *path, flow_write_fn fn, const void *arg, char *why, size_t len)
{
    flow_interrupt_defer();   /* from here an interrupt must remove the temporary file */
    char *tmp = flow_xasprintf("%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(why, len, "cannot write %s: %s", path, strerror(errno));
        free(tmp);
        return NULL;
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
    if (rc != 0) {
        snprintf(why, len, "cannot write %s: %s", path, saved ? strerror(saved) : "write failed");
        unlink(tmp);
        free(tmp);
        return NULL;
    }
    return tmp;
}

/* A target that is not a regular file (/dev/stdout, /dev/null, a FIFO) cannot be replaced by
 * a rename (that would replace the device or the link itself): it is written directly, at
 * once, as a stream. */
static int output_direct(const char *path, flow_write_fn fn, const void *arg, char *why, size_t len)
{
    FILE *f = fopen(path, "w");
    int rc = f ? fn(f, arg) : FLOW_E_IO;
    int saved = errno;
    if (f && (fflush(f) != 0 || ferror(f)) && rc == 0)
        rc = FLOW_E_IO, saved = errno;
    if (f && fclose(f) != 0 && rc == 0)
        rc = FLOW_E_IO, saved = errno;
    if (rc != 0)
        snprintf(why, len, "cannot write %s: %s", path, saved ? strerror(saved) : "write failed");
    return rc;
}

int flow_output_stage(struct flow_output_set *set, const char *path, flow_write_fn fn,
                      const void *arg, char *why, size_t len)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        return output_direct(path, fn, arg, why, len);
    if (set->n == FLOW_OUTPUT_SET_MAX) {
        snprintf(why, len, "cannot write %s: too many output files", path);
        return FLOW_E_IO;
    }
    /* A symbolic link to a file: the file is replaced, the link kept. */
    char *real = lstat(path, &st) == 0 && S_ISLNK(st.st_mode) ? realpath(path, NULL) : NULL;
    const char *target = real ? real : path;
    char *tmp = output_temp(target, fn, arg, why, len);
    int rc = tmp != NULL ? 0 : FLOW_E_IO;
    if (tmp != NULL)
        flow_output_adopt(set, target, tmp);
    free(tmp);
    free(real);
    return rc;
}

void flow_output_adopt(struct flow_output_set *set, const char *path, const char *tmp)
{
    set->path[set->n] = flow_xstrdup(path);
    set->tmp[set->n] = flow_xstrdup(tmp);
    set->n++;
}

void flow_output_made_dir(struct flow_output_set *set, const char *dir)
{
    if (set->ndirs < FLOW_OUTPUT_SET_MAX)
        set->dirs[set->ndirs++] = flow_xstrdup(dir);
}

static void output_clear(struct flow_output_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        free(set->path[i]), free(set->tmp[i]);
    for (size_t i = 0; i < set->ndirs; i++)
        free(set->dirs[i]);
    memset(set, 0, sizeof *set);
}

void flow_output_abort(struct flow_output_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        unlink(set->tmp[i]);
    for (size_t i = set->ndirs; i-- > 0;)
        rmdir(set->dirs[i]);            /* only if still empty: never someone else's files */
    output_clear(set);
}

int flow_output_commit(struct flow_output_set *set, char *why, size_t len)
{
    if (flow_interrupted()) {
        snprintf(why, len, "interrupted; no output was written");
        flow_output_abort(set);
        return FLOW_E_INTERRUPTED;
    }
    for (size_t i = 0; i < set->n; i++) {
        if (rename(set->tmp[i], set->path[i]) != 0) {
            snprintf(why, len, "cannot write %s: %s", set->path[i], strerror(errno));
            for (size_t k = i; k < set->n; k++)
                unlink(set->tmp[k]);
            output_clear(set);
            return FLOW_E_IO;
        }
    }
    output_clear(set);
    return 0;
}

int flow_output_atomic(const char *path, flow_write_fn fn, const void *arg, char *why, size_t len)
{
    struct flow_output_set one = {0};
    int rc = flow_output_stage(&one, path, fn, arg, why, len);
    return rc != 0 ? rc : flow_output_commit(&one, why, len);
}
