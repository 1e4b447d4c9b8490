/* watch.c - the server's connections and run threads: every connection has a deadline by which
 * its request must have arrived whole (so a client that trickles its headers or body a byte at
 * a time cannot hold a connection for ever), checked by the main thread every tenth of a
 * second, which shuts a late connection's socket; and the count of threads answering runs, so
 * that there are never more than the queue allows and the server stops only once each has
 * resumed its connection. */
#include "internal.h"

#include <flowsim/util.h>

#include "mhd.h"
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

struct watch_sock {
    int fd;
    double deadline;
    bool working, shut;
    struct watch_sock *prev, *next;
};

double flow__serve_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void flow__watch_init(struct watch *w, int timeout_s)
{
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->drained, NULL);
    w->head = NULL;
    w->workers = 0;
    w->timeout = timeout_s > 0 ? timeout_s : 20;
}

void flow__watch_fini(struct watch *w)
{
    while (w->head) {
        struct watch_sock *s = w->head;
        w->head = s->next;
        free(s);
    }
    pthread_cond_destroy(&w->drained);
    pthread_mutex_destroy(&w->lock);
}

struct watch_sock *flow__watch_open(struct watch *w, int fd)
{
    struct watch_sock *s = flow_xcalloc(1, sizeof *s);
    s->fd = fd;
    s->deadline = flow__serve_now() + w->timeout;
    pthread_mutex_lock(&w->lock);
    s->next = w->head;
    if (w->head)
        w->head->prev = s;
    w->head = s;
    pthread_mutex_unlock(&w->lock);
    return s;
}

void flow__watch_close(struct watch *w, struct watch_sock *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    if (s->prev)
        s->prev->next = s->next;
    else
        w->head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    pthread_mutex_unlock(&w->lock);
    free(s);
}

void flow__watch_answered(struct watch *w, struct watch_sock *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    s->deadline = flow__serve_now() + w->timeout;
    pthread_mutex_unlock(&w->lock);
}

void flow__watch_working(struct watch *w, struct watch_sock *s, bool on)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    s->working = on;
    pthread_mutex_unlock(&w->lock);
}

void flow__watch_sweep(struct watch *w)
{
    double t = flow__serve_now();
    pthread_mutex_lock(&w->lock);
    for (struct watch_sock *s = w->head; s; s = s->next)
        if (!s->working && !s->shut && t > s->deadline && s->fd >= 0) {
            shutdown(s->fd, SHUT_RDWR);      /* MHD sees the end of the stream and closes it */
            s->shut = true;
        }
    pthread_mutex_unlock(&w->lock);
}

bool flow__watch_work_begin(struct watch *w, int max)
{
    pthread_mutex_lock(&w->lock);
    bool ok = w->workers < max;
    if (ok)
        w->workers++;
    pthread_mutex_unlock(&w->lock);
    return ok;
}

void flow__watch_resume(struct watch *w, struct MHD_Connection *c)
{
    MHD_resume_connection(c);    /* outside our lock: MHD takes its own, and calls us under it */
    pthread_mutex_lock(&w->lock);
    w->workers--;
    pthread_cond_broadcast(&w->drained);
    pthread_mutex_unlock(&w->lock);
}

void flow__watch_work_drain(struct watch *w)
{
    pthread_mutex_lock(&w->lock);
    while (w->workers > 0)
        pthread_cond_wait(&w->drained, &w->lock);
    pthread_mutex_unlock(&w->lock);
}
