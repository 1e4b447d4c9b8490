/* bare.h - the bare M/M/c event loop tools/bench measures flowsim against (bare.c). */
#ifndef FLOWSIM_BENCH_BARE_H
#define FLOWSIM_BENCH_BARE_H

#include <stdint.h>

/* Simulates an M/M/c queue (servers 0: M/M/infinity) with arrivals at `rate` and exponential
 * services of `mean`, from empty until `horizon`; returns the events fired. */
uint64_t bare_run(int servers, double rate, double mean, double horizon);

#endif
