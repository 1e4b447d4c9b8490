/* runner.c - the server's one run slot: a request takes it or waits in a short queue (beyond
 * that it is turned away), reports its progress, can be cancelled; the last few reports are
 * kept for download. */
#include "internal.h"

#include <flowsim/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void flow__runner_init(struct runner *r, int queue)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->freed, NULL);
    r->queue = queue;
    atomic_init(&r->cancel, false);
    atomic_init(&r->done, 0);
    atomic_init(&r->total, 0);
    atomic_init(&r->kind, 0);
}

void flow__runner_fini(struct runner *r)
{
    for (int i = 0; i < REPORTS_KEPT; i++)
        free(r->reports[i].html);
    pthread_cond_destroy(&r->freed);
    pthread_mutex_destroy(&r->lock);
}

int flow__runner_enter(struct runner *r, int kind, size_t total)
{
    pthread_mutex_lock(&r->lock);
    if (r->closing || (r->busy && r->waiting >= r->queue)) {
        int rc = r->closing ? RUNNER_CLOSING : RUNNER_BUSY;
        pthread_mutex_unlock(&r->lock);
        return rc;
    }
    r->waiting++;
    while (r->busy && !r->closing)
        pthread_cond_wait(&r->freed, &r->lock);
    r->waiting--;
    if (r->closing) {
        pthread_cond_broadcast(&r->freed);
        pthread_mutex_unlock(&r->lock);
        return RUNNER_CLOSING;
    }
    r->busy = true;
    atomic_store(&r->cancel, false);
    atomic_store(&r->done, 0);
    atomic_store(&r->total, total);
    atomic_store(&r->kind, kind);
    pthread_mutex_unlock(&r->lock);
    return RUNNER_OK;
}

void flow__runner_leave(struct runner *r)
{
    pthread_mutex_lock(&r->lock);
    r->busy = false;
    atomic_store(&r->kind, 0);
    pthread_cond_signal(&r->freed);
    pthread_mutex_unlock(&r->lock);
}

void flow__runner_close(struct runner *r)
{
    pthread_mutex_lock(&r->lock);
    r->closing = true;
    atomic_store(&r->cancel, true);
    pthread_cond_broadcast(&r->freed);
    pthread_mutex_unlock(&r->lock);
}

bool flow__runner_cancel(struct runner *r)
{
    pthread_mutex_lock(&r->lock);
    bool running = r->busy;
    if (running)
        atomic_store(&r->cancel, true);
    pthread_mutex_unlock(&r->lock);
    return running;
}

/* flow_run_options' progress: called once per finished replication, on either side. */
void flow__runner_progress(void *arg, size_t done, size_t total)
{
    (void)done, (void)total;
    struct runner *r = arg;
    atomic_fetch_add(&r->done, 1);
}

char *flow__runner_progress_json(struct runner *r)
{
    pthread_mutex_lock(&r->lock);
    int kind = atomic_load(&r->kind), waiting = r->waiting;
    size_t done = atomic_load(&r->done), total = atomic_load(&r->total);
    bool cancelling = r->busy && atomic_load(&r->cancel);
    pthread_mutex_unlock(&r->lock);
    static const char *const kinds[] = {"none", "run", "compare"};
    return flow_xasprintf("{\"running\": %s, \"kind\": \"%s\", \"done\": %zu, \"total\": %zu, "
                          "\"waiting\": %d, \"cancelling\": %s}\n", kind ? "true" : "false",
                          kinds[kind], kind ? done : 0, kind ? total : 0, waiting,
                          cancelling ? "true" : "false");
}

unsigned flow__runner_keep_report(struct runner *r, char *html, size_t len)
{
    pthread_mutex_lock(&r->lock);
    unsigned id = ++r->next_id;
    struct kept_report *k = &r->reports[id % REPORTS_KEPT];
    free(k->html);
    *k = (struct kept_report){id, html, len};
    pthread_mutex_unlock(&r->lock);
    return id;
}

char *flow__runner_report(struct runner *r, unsigned id, size_t *len)
{
    char *copy = NULL;
    pthread_mutex_lock(&r->lock);
    const struct kept_report *k = &r->reports[id % REPORTS_KEPT];
    if (id != 0 && k->id == id && k->html != NULL) {
        copy = flow_xmalloc(k->len + 1);
        memcpy(copy, k->html, k->len + 1);
        *len = k->len;
    }
    pthread_mutex_unlock(&r->lock);
    return copy;
}
