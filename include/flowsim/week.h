/* week.h - the hospital's week in time, read from a scenario: the weekday pattern of a day (a
 * holiday follows Sunday's), ward rounds and planned bed numbers. Days count from time 0 (day 0
 * is the start date, or a Monday without one). Shared by validation and the model. */
#ifndef FLOWSIM_WEEK_H
#define FLOWSIM_WEEK_H

#include <flowsim/scenario.h>

#include <stdbool.h>
#include <stdint.h>

/* The longest weekly bed change, in days: an occurrence reaches at most this far. */
#define FLOW_WEEK_SPAN 7

bool flow_week_holiday(const struct flow_scenario *s, int64_t day);
/* 0 Monday ... 6 Sunday, by the calendar. */
int flow_week_calendar_day(const struct flow_scenario *s, int64_t day);
/* The weekday whose pattern the day follows: Sunday (6) on a holiday. */
int flow_week_day(const struct flow_scenario *s, int64_t day);

/* The first round of ward w at or after t (strictly after when `after`), no later than
 * `until`; INFINITY if none. *which is its index in w->rounds. */
double flow_week_next_round(const struct flow_scenario *s, const struct flow_ward_spec *w,
                            double t, bool after, double until, size_t *which);

/* A moment in a day's plan: from time t on, `delta` beds are planned (working space holds
 * changes instead). */
struct flow_week_edge {
    double t;
    long delta;
};

/* The beds ward w plans to have open through `day`: *at_start at 00:00, then from each
 * edges[i].t on (ascending, inside the day) edges[i].delta; returns how many. Planned beds may
 * be negative (validation refuses that within a run). edges needs flow_week_plan_room(w). */
size_t flow_week_day_plan(const struct flow_scenario *s, const struct flow_ward_spec *w, int64_t day,
                          struct flow_week_edge *edges, long *at_start);
size_t flow_week_plan_room(const struct flow_ward_spec *w);
/* The fewest planned beds at any time in [0, days), and the day it happens. */
long flow_week_fewest_beds(const struct flow_scenario *s, const struct flow_ward_spec *w,
                           double days, int64_t *when);
/* True when the ward's open beds can change (bed changes or escalation): it then reports
 * mean_beds and open beds, and its capacity follows a plan. */
bool flow_week_beds_change(const struct flow_ward_spec *w);
/* How many days after the day it starts on a weekly change of w can still apply (0 to 7); the
 * loader stores it in w->change_span. */
int flow_week_span(const struct flow_ward_spec *w);

#endif
