/* util.h - allocation wrappers and the diagnostics list shared by every layer of libflowsim.
 * Out-of-memory is not an error code here: the wrappers abort, as Redis zmalloc does. */
#ifndef FLOWSIM_UTIL_H
#define FLOWSIM_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

void *flow_xmalloc(size_t size);
void *flow_xcalloc(size_t count, size_t size);
void *flow_xrealloc(void *ptr, size_t size);
/* size bytes at a multiple of align (a power of two), freed with free(). */
void *flow_xaligned(size_t align, size_t size);
/* Grows *ptr (an array of elem bytes per item, *cap items) to hold at least need items. */
void flow_xgrow(void **ptr, size_t *cap, size_t need, size_t elem);
char *flow_xstrdup(const char *s);
char *flow_xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string; the caller frees it. */
char *flow_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *flow_xvasprintf(const char *fmt, va_list ap);

/* A list of diagnostics, each one line "FILE:LINE:COLUMN: error: WHAT". The library only
 * collects them; the CLI prints them. Lines and columns are 1-based. */
struct flow_diag {
    char **lines;
    size_t count, cap;
    size_t errors;
    size_t warnings;           /* lines that are warnings: the input is used, but look at it */
};

enum { FLOW_DIAG_MAX = 100 };   /* further errors are counted but not stored */

void flow_diag_init(struct flow_diag *d);
void flow_diag_fini(struct flow_diag *d);
/* "FILE:LINE:COLUMN: warning: WHAT": counted in warnings, not errors. */
void flow_diag_warning(struct flow_diag *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void flow_diag_error(struct flow_diag *d, const char *file, int line, int col,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Interruption: a signal handler (in the CLI) calls flow_interrupt_request; long loops poll
 * flow_interrupted and stop cleanly. Async-signal-safe. */
void flow_interrupt_request(void);
int flow_interrupted(void);
/* Before flow_interrupt_defer is called the CLI's handler exits at once (nothing is half
 * done: loading and checking write nothing); afterwards it only records the request, for
 * the loops that poll it (model runs, sweeps) to stop cleanly and remove temporary files.
 * Called by flow_model_run and by whoever creates an output file. */
void flow_interrupt_defer(void);
int flow_interrupt_deferred(void);

/* Opens a regular file for reading; anything else (a directory, a FIFO, a device) is refused
 * before it could block. On failure returns NULL with a phrase in *why. */
FILE *flow_open_regular(const char *path, const char **why);
/* Reads a whole regular file of at most max bytes, NUL-terminated (the caller frees). On
 * failure returns NULL with a phrase in *why ("too large" when over max). */
/* Length of the valid UTF-8 sequence at p (at most n bytes): 1 to 4, or 0 when it is not one
 * (overlong, a surrogate, past U+10FFFF, cut short). */
size_t flow_utf8_len(const unsigned char *p, size_t n);
char *flow_read_regular(const char *path, size_t max, size_t *len, const char **why);
/* A server's guard on files (flowsim serve): after flow_files_record(), flow_read_regular keeps
 * a copy of every file it reads; after flow_files_seal(), it reads nothing more from disk and
 * gives only those copies, by the same path (anything else: "not one of the files read at
 * start-up"). Call both before any other thread starts; flow_files_forget frees the copies. */
void flow_files_record(void);
void flow_files_seal(void);
void flow_files_forget(void);

/* Edit distance, for "did you mean" suggestions. */
size_t flow_edit_distance(const char *a, const char *b);

#endif
