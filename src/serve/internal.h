/* internal.h - what the server's files share: the served scenario, the run slot, and a reply.
 * Internal to src/serve. */
#ifndef FLOWSIM_SERVE_INTERNAL_H
#define FLOWSIM_SERVE_INTERNAL_H

#include <flowsim/scenario.h>
#include <flowsim/serve.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

enum { REPORTS_KEPT = 8 };

/* One run at a time; a few requests may wait for it, more are turned away (HTTP 429). */
struct runner {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    bool busy, closing;
    int waiting, queue;
    atomic_bool cancel;              /* the run in progress stops when set */
    atomic_size_t done, total;       /* replications finished and asked for, both sides */
    atomic_int kind;                 /* 0 none, 1 run, 2 compare */
    unsigned next_id;                /* reports: the last few runs' HTML, for download */
    struct kept_report { unsigned id; char *html; size_t len; } reports[REPORTS_KEPT];
};

enum { RUNNER_OK = 0, RUNNER_BUSY = -1, RUNNER_CLOSING = -2 };
void flow__runner_init(struct runner *r, int queue);
void flow__runner_fini(struct runner *r);
int flow__runner_enter(struct runner *r, int kind, size_t total);
void flow__runner_leave(struct runner *r);
void flow__runner_close(struct runner *r);             /* wakes and turns away whoever waits */
bool flow__runner_cancel(struct runner *r);            /* true when a run was in progress */
void flow__runner_progress(void *arg, size_t done, size_t total);
char *flow__runner_progress_json(struct runner *r);
unsigned flow__runner_keep_report(struct runner *r, char *html, size_t len);   /* takes html */
char *flow__runner_report(struct runner *r, unsigned id, size_t *len);         /* a copy, or NULL */

/* The served scenario, read once at start-up. */
struct served {
    struct flow_serve_config cfg;
    const char *shown;               /* the path as given, or "example.yaml" */
    char *base_name;                 /* its file name, for an overlay's extends: */
    char *text, *dir;
    size_t len;
    struct flow_scenario *base;
    char *scenario_json;             /* GET /api/scenario */
    struct runner runner;
};

/* An HTTP reply: status, body (owned), content type, and optional headers. */
struct reply {
    int status;
    char *body;
    size_t len;
    const char *type;
    const char *filename;            /* Content-Disposition: attachment, or NULL */
    unsigned report;                 /* X-Flowsim-Report, or 0 */
    int retry_after;                 /* seconds, for 429 and 503, or 0 */
};

/* Connections and their deadlines, and the threads answering runs (watch.c). */
struct MHD_Connection;
struct watch_sock;
struct watch {
    pthread_mutex_t lock;
    pthread_cond_t drained;
    struct watch_sock *head;
    int workers;                     /* threads answering a run or a comparison */
    int timeout;                     /* seconds a request may take to arrive */
};
/* Seconds on the monotonic clock, for every deadline the server keeps. */
double flow__serve_now(void);
void flow__watch_init(struct watch *w, int timeout_s);
void flow__watch_fini(struct watch *w);
struct watch_sock *flow__watch_open(struct watch *w, int fd);
void flow__watch_close(struct watch *w, struct watch_sock *s);
void flow__watch_answered(struct watch *w, struct watch_sock *s);   /* the next request's time starts */
void flow__watch_working(struct watch *w, struct watch_sock *s, bool on);   /* a run: no deadline */
void flow__watch_sweep(struct watch *w);                /* shuts the sockets of late connections */
bool flow__watch_work_begin(struct watch *w, int max);  /* false: max threads already work */
void flow__watch_resume(struct watch *w, struct MHD_Connection *c);   /* a run's thread is done */
void flow__watch_work_drain(struct watch *w);           /* waits for every run's thread */

/* The front door (gate.c): connections wait there until their heads have arrived whole and
 * are checked; then libmicrohttpd has them. */
struct MHD_Daemon;
struct gate_rules {
    bool loopback;                   /* Host must be 127.0.0.1, localhost or [::1] */
    size_t max_body;                 /* a larger Content-Length is refused (413) */
};
struct gate {
    int listen_fd;
    struct MHD_Daemon *daemon;
    struct gate_rules rules;
    int timeout;                     /* seconds a head may take to arrive */
    size_t max_waiting;
    struct waiting *w;
    size_t n, cap;
};
void flow__gate_init(struct gate *g, int listen_fd, struct MHD_Daemon *d, const struct gate_rules *rules,
               int timeout_s, size_t max_waiting);
void flow__gate_fini(struct gate *g);
void flow__gate_turn(struct gate *g);
/* NULL when a request's head (its line and headers, through the blank line) is acceptable;
 * else why not, with the status to answer (400, 403 or 413) in *status. */
const char *flow__gate_check_head(const char *head, size_t len, const struct gate_rules *r, int *status);

int flow__served_open(struct served *s, const struct flow_serve_config *c);
void flow__served_close(struct served *s);
/* Answers one request (method, path without the query, body). */
void flow__api_answer(struct served *s, const char *method, const char *url, const char *body,
                size_t len, struct reply *r);
void flow__reply_error(struct reply *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
