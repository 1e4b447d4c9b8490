/* csv.h - the one reader of every CSV file flowsim takes (episode extracts, census files,
 * demand series, empirical distributions, sweep summaries): a whole regular file up to a size
 * limit; a UTF-8 byte-order mark (as Excel writes) skipped; a NUL refused at its line and
 * column; rows split at commas with RFC 4180 quotes on one line ("" for a quote inside), the
 * spaces and tabs around a field not part of it, each field's column kept for messages; blank
 * lines (and, if asked, lines starting with '#') skipped but counted. Messages show a field
 * through flow_csv_shown, invisible characters escaped. */
#ifndef FLOWSIM_CSV_H
#define FLOWSIM_CSV_H

#include <flowsim/util.h>

#include <stdbool.h>
#include <stddef.h>

struct flow_csv {
    const char *path;          /* for messages (borrowed) */
    char *text;                /* the file as read, BOM included (owned) */
    size_t len;
    char *next;                /* where the next line starts */
    int line;                  /* the line of the row last returned */
    bool comments;             /* skip lines whose first character (after spaces) is '#' */
    char **f;                  /* the last row's fields (into text) */
    int *col;                  /* their 1-based columns */
    size_t cap;
};

/* Reads path (a regular file of at most limit bytes). NULL when it is open; else why not: a
 * phrase ("No such file or directory", "too large") for the caller to say where the file was
 * named, or "" when the file itself is at fault (a NUL: said in diag at its line and column,
 * "WHAT must be a text (CSV) file"). */
const char *flow_csv_open(struct flow_csv *c, const char *path, const char *what, size_t limit, bool comments,
                          struct flow_diag *diag);
/* The next row: its field count (fields in c->f, columns in c->col, its line in c->line); 0 at
 * the end; -1 for a malformed row (a quote not closed, text after a closing quote, more than
 * FLOW_CSV_MAX_FIELDS fields), with a located error in diag; reading may go on after it. */
enum { FLOW_CSV_MAX_FIELDS = 100000 };
long flow_csv_row(struct flow_csv *c, struct flow_diag *diag);
void flow_csv_close(struct flow_csv *c);
/* The last row's n fields joined by commas, as a message quotes a header found (owned). */
char *flow_csv_joined(const struct flow_csv *c, long n);
/* s as a message shows it, in buf: at most max characters, then "..."; a tab, a carriage
 * return, other control characters, DEL and bytes that are not UTF-8 escaped (\t, \r, \x01). */
const char *flow_csv_shown(const char *s, size_t max, char *buf, size_t size);

#endif
