/* extract.h - a hospital's episode extract, the input of `flowsim fit` and `flowsim check`: a
 * CSV file, one row per ward stay, with the columns patient, ward, start and end (and optionally
 * group and ready). A patient's rows in time order are its route. Times are days since
 * 1970-01-01 00:00. */
#ifndef FLOWSIM_EXTRACT_H
#define FLOWSIM_EXTRACT_H

#include <flowsim/util.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    FLOW_EP_OPEN = 1,          /* no end: still in the ward when the extract was taken */
    FLOW_EP_START_DAY = 2,     /* the start is a date only: somewhere in that day */
    FLOW_EP_END_DAY = 4,       /* likewise the end */
    FLOW_EP_READY = 8,         /* a ready (medically fit) time is given */
    FLOW_EP_READY_DAY = 16,    /* ... as a date only */
};

struct flow_episode {
    uint32_t patient, ward, group;   /* indices into the extract's name lists */
    uint32_t line;                   /* the CSV line it came from */
    double start, end, ready;        /* days; end = the extract's end when open; ready NAN if none */
    unsigned flags;
};

struct flow_extract {
    char **patients, **wards, **groups;      /* names, in order of first appearance (owned) */
    size_t npatients, nwards, ngroups;
    struct flow_episode *episodes;           /* sorted by patient, then start (owned) */
    size_t nepisodes;
    double first, last;                      /* the earliest start and the latest time given */
    bool has_ready;
};

/* Reads an extract. Every malformed row is a located diagnostic (FILE:LINE:COLUMN: error:
 * WHAT, the column that of the field); returns the number of errors (0: *out is filled, free
 * it with flow_extract_fini). Timestamps: YYYY-MM-DD HH:MM, with T instead of the space and
 * optional :SS, or a date alone (YYYY-MM-DD: within that day). An empty end is an open stay,
 * censored at the latest time in the extract. */
size_t flow_extract_read(const char *path, struct flow_extract *out, struct flow_diag *diag);
void flow_extract_fini(struct flow_extract *x);

/* Parses one timestamp into days since 1970-01-01; *date_only says whether it had no time.
 * False if malformed. */
bool flow_extract_time(const char *text, double *days, bool *date_only);

/* Arrivals of a group: the first stay of each of its patients that starts in the extract's
 * period [first, last], as a rate and as counts by hour of day, weekday (0 Monday) and month,
 * each normalised by how often that hour, weekday or month occurs in the period, so that
 * weights are relative rates (mean 1 over the period's days). Date-only starts count in the
 * rate, weekdays and months but not in the hours. */
struct flow_arrival_profile {
    size_t arrivals, timed;        /* all, and those with a time of day */
    double days;                   /* the period's length */
    double rate_per_day;
    double hour_count[24], weekday_count[7], month_count[12];    /* raw counts */
    double by_hour[24], by_weekday[7], by_month[12];             /* relative rates, mean 1 */
};
int flow_extract_arrivals(const struct flow_extract *x, uint32_t group, struct flow_arrival_profile *out);

/* The most patients present at once in each ward (peak[nwards]): stays from start to end, a
 * transfer at one instant counted once (ends before starts). */
void flow_extract_peaks(const struct flow_extract *x, size_t *peak);

#endif
