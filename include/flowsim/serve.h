/* serve.h - the what-if server (flowsim serve): one scenario, a page in the browser and a JSON
 * API (docs/serve-api.md) that run it and compare what-ifs against it. */
#ifndef FLOWSIM_SERVE_H
#define FLOWSIM_SERVE_H

#include <stdbool.h>
#include <stddef.h>

struct flow_serve_config {
    const char *scenario;       /* the file served (NULL: the built-in example) */
    const char *bind;           /* address to listen on; NULL: 127.0.0.1 */
    int port;                   /* 0: a free port */
    int threads;                /* for runs; 0: one per core */
    double max_work;            /* events (estimated before running) that one request may ask for */
    int request_timeout;        /* seconds a request may take to arrive whole */
    int max_replications;       /* per side of a request */
    int queue;                  /* requests that may wait for the run in progress */
    size_t max_body;            /* bytes in a request body */
};

/* Loads the scenario (reading every file it names now, and none later), listens, prints the
 * address on standard output, and serves until SIGINT or SIGTERM (flow_interrupted). Returns
 * 0, or an error (already said on standard error, as FILE:LINE:COL: error: ... for the
 * scenario): 1 for the scenario, 2 for the address or port. */
int flow_serve(const struct flow_serve_config *c);

#endif
