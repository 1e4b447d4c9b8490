/* curves.h - the percentile curves of a run's results folded as replications finish: what
 * experiment.c uses of curves.c. Internal to src/experiment. */
#ifndef FLOWSIM_CURVES_H
#define FLOWSIM_CURVES_H

#include <flowsim/experiment.h>

/* Doubles in one replication's curves: 99 (length of stay), 99 a ward (waits), and 99 a ward
 * (time in the ward) when some ward has targets. */
size_t flow__curves_width(const struct flow_scenario *s);
/* Makes r's folded curves (empty). */
void flow__curves_init(struct flow_results *r);
/* Replications finished out of order, held until those before them are folded. */
struct curve_queue {
    struct curve_row { struct flow_results *r; size_t rep; double *row; } *rows;
    size_t n, cap;
};
/* Takes row (owned, flow__curves_width doubles: replication rep's curves) and folds every row
 * whose turn has come, in replication order. */
void flow__curves_add(struct curve_queue *q, struct flow_results *r, size_t rep, double *row);
/* Frees the rows still waiting (a run that failed before their turn). */
void flow__curves_drop(struct curve_queue *q);

#endif
