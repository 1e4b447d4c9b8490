/* calendar.h - civil dates as whole days since 1970-01-01 (the proleptic Gregorian calendar,
 * as ISO 8601 uses), for scenarios that start on a date. */
#ifndef FLOWSIM_CALENDAR_H
#define FLOWSIM_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

/* Parses exactly YYYY-MM-DD (years 1900 to 9999) into days; false if malformed or the date
 * does not exist (2027-02-29). */
bool flow_date_parse(const char *text, int64_t *days);
int64_t flow_date_days(int year, int month, int day);
void flow_date_civil(int64_t days, int *year, int *month, int *day);
/* 0 Monday ... 6 Sunday. */
int flow_date_weekday(int64_t days);
/* "YYYY-MM-DD" into buf (at least 11 bytes). */
void flow_date_format(int64_t days, char *buf);
int flow_days_in_month(int year, int month);

#endif
