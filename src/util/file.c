/* file.c - opening input files safely: only regular files are read, and the check is made
 * before anything can block (a FIFO or a device named as a scenario, an empirical file, an
 * extends: file or a report input is refused at once, never waited on). */
#include <flowsim/util.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *flow_open_regular(const char *path, const char **why)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        *why = strerror(errno);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        *why = "it is a directory, not a file";
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = "not a regular file (a pipe, a device or a socket)";
        return NULL;
    }
    /* O_NONBLOCK: should the path be swapped for a FIFO after stat, open still returns. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *why = strerror(errno);
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *why = "not a regular file (a pipe, a device or a socket)";
        close(fd);
        return NULL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (f == NULL) {
        *why = strerror(errno);
        close(fd);
    }
    return f;
}

/* The files read at a server's start-up (flow_files_record) and whether the disk is closed. */
static struct {
    bool recording, sealed;
    size_t n, cap;
    struct kept { char *path, *text; size_t len; } *v;
} kept;

void flow_files_record(void) { kept.recording = true; }
void flow_files_seal(void)
{
    kept.recording = false;
    kept.sealed = true;
}

void flow_files_forget(void)
{
    for (size_t i = 0; i < kept.n; i++)
        free(kept.v[i].path), free(kept.v[i].text);
    free(kept.v);
    memset(&kept, 0, sizeof kept);
}

static char *kept_copy(const char *path, size_t max, size_t *len, const char **why)
{
    for (size_t i = 0; i < kept.n; i++) {
        if (strcmp(kept.v[i].path, path) != 0)
            continue;
        if (kept.v[i].len > max) {
            *why = "too large";
            return NULL;
        }
        *len = kept.v[i].len;
        char *text = flow_xmalloc(kept.v[i].len + 1);
        memcpy(text, kept.v[i].text, kept.v[i].len + 1);
        return text;
    }
    *why = "not one of the files read when the server started (a request reads no files)";
    return NULL;
}

static void keep(const char *path, const char *text, size_t len)
{
    if (kept.n == kept.cap)
        flow_xgrow((void **)&kept.v, &kept.cap, kept.n + 1, sizeof *kept.v);
    char *copy = flow_xmalloc(len + 1);
    memcpy(copy, text, len + 1);
    kept.v[kept.n++] = (struct kept){flow_xstrdup(path), copy, len};
}

char *flow_read_regular(const char *path, size_t max, size_t *len, const char **why)
{
    if (kept.sealed)
        return kept_copy(path, max, len, why);
    FILE *f = flow_open_regular(path, why);
    if (f == NULL)
        return NULL;
    struct stat st;
    char *text = NULL;
    if (fstat(fileno(f), &st) != 0) {
        *why = strerror(errno);
    } else if ((unsigned long long)st.st_size > max) {
        *why = "too large";
    } else {
        text = flow_xmalloc((size_t)st.st_size + 1);
        *len = fread(text, 1, (size_t)st.st_size, f);
        if (ferror(f)) {
            *why = errno == EINTR ? "interrupted" : strerror(errno);
            free(text);
            text = NULL;
        } else {
            text[*len] = '\0';
            if (kept.recording)
                keep(path, text, *len);
        }
    }
    fclose(f);
    return text;
}
