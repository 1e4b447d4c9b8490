/* experiment.c - replications in parallel threads. Each thread takes the next replication
 * number from a shared counter and writes that replication's row, so results are identical
 * whatever the number of threads. */
#include <flowsim/error.h>
#include <flowsim/experiment.h>
#include <flowsim/util.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct shared {
    const struct flow_scenario *s;
    struct flow_results *r;
    const struct flow_run_options *o;
    pthread_mutex_t lock;
    size_t next, done;
    int status;
    size_t failed_rep;
};

static int run_one(struct shared *sh, size_t rep, uint64_t *events)
{
    struct flow_model *m = flow_model_create(sh->s, (uint32_t)rep);
    int rc = flow_model_run(m);
    if (rc == 0)
        flow_model_metrics(m, sh->r->values + rep * sh->r->nmetrics);
    *events = flow_model_events(m);
    flow_model_destroy(m);
    return rc;
}

static void *worker(void *arg)
{
    struct shared *sh = arg;
    for (;;) {
        pthread_mutex_lock(&sh->lock);
        size_t rep = sh->next++;
        bool stop = rep >= sh->r->nreps || sh->status != 0;
        pthread_mutex_unlock(&sh->lock);
        if (stop)
            return NULL;
        uint64_t events = 0;
        int rc = run_one(sh, rep, &events);
        pthread_mutex_lock(&sh->lock);
        sh->r->events += events;
        sh->done++;
        if (rc != 0 && (sh->status == 0 || rep < sh->failed_rep)) {
            sh->status = rc;
            sh->failed_rep = rep;
        }
        if (sh->o && sh->o->progress)
            sh->o->progress(sh->o->progress_arg, sh->done, sh->r->nreps);
        pthread_mutex_unlock(&sh->lock);
    }
}

static int thread_count(const struct flow_run_options *o, size_t reps)
{
    long n = o && o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if ((size_t)n > reps)
        n = (long)reps;
    return n > 256 ? 256 : (int)n;
}

int flow_experiment_run(const struct flow_scenario *s, const struct flow_run_options *o,
                        struct flow_results *out, size_t *failed_rep)
{
    memset(out, 0, sizeof *out);
    out->scenario = s;
    out->defs = flow_model_metric_defs(s, &out->nmetrics);
    out->nreps = (size_t)s->replications;
    out->values = flow_xcalloc(out->nreps * out->nmetrics, sizeof *out->values);
    struct shared sh = {.s = s, .r = out, .o = o};
    pthread_mutex_init(&sh.lock, NULL);
    int n = thread_count(o, out->nreps);
    pthread_t tid[256];
    int started = 0;
    for (int i = 1; i < n; i++)
        if (pthread_create(&tid[started], NULL, worker, &sh) == 0)
            started++;
    worker(&sh);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    pthread_mutex_destroy(&sh.lock);
    if (failed_rep)
        *failed_rep = sh.failed_rep;
    return sh.status;
}

void flow_results_fini(struct flow_results *r)
{
    if (r == NULL)
        return;
    free(r->defs);
    free(r->values);
    memset(r, 0, sizeof *r);
}

void flow_results_summary(const struct flow_results *r, size_t metric, struct flow_summary *out)
{
    flow_summary_compute(out, r->values + metric, r->nreps, r->nmetrics);
}

char *flow_metric_path(const struct flow_metric_def *d)
{
    return d->entity ? flow_xasprintf("%s.%s.%s", d->section, d->entity, d->key)
                     : flow_xasprintf("%s.%s", d->section, d->key);
}

long flow_results_find(const struct flow_results *r, const char *path)
{
    for (size_t i = 0; i < r->nmetrics; i++) {
        char *p = flow_metric_path(&r->defs[i]);
        int same = strcmp(p, path) == 0;
        free(p);
        if (same)
            return (long)i;
    }
    return -1;
}
