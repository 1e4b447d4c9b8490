/* bare.c - the yardstick of tools/bench: an M/M/c queue (or M/M/infinity, c = 0) simulated by
 * the least code that can do it, a binary heap of (time, kind) events and a count of busy
 * servers, with no statistics, no event records, no model. flowsim's engine is measured
 * against it on the same events. Not part of flowsim. */
#include "bare.h"

#include <math.h>
#include <stdlib.h>

struct ev {
    double t;
    int kind;          /* 0 arrival, 1 departure */
};

struct heap {
    struct ev *a;
    size_t n, cap;
};

static void push(struct heap *h, struct ev e)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 1024;
        h->a = realloc(h->a, h->cap * sizeof *h->a);
    }
    size_t i = h->n++;
    while (i > 0 && h->a[(i - 1) / 2].t > e.t) {
        h->a[i] = h->a[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->a[i] = e;
}

static struct ev pop(struct heap *h)
{
    struct ev top = h->a[0], last = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->a[c + 1].t < h->a[c].t)
            c++;
        if (!(h->a[c].t < last.t))
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    h->a[i] = last;
    return top;
}

static uint64_t state = 88172645463325252ULL;

static double expo(double mean)
{
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;   /* xorshift64 */
    return -mean * log(((double)(state >> 11) + 0.5) * 0x1.0p-53);
}

uint64_t bare_run(int servers, double rate, double mean, double horizon)
{
    struct heap h = {0};
    uint64_t events = 0;
    long busy = 0, queue = 0;
    push(&h, (struct ev){expo(1 / rate), 0});
    while (h.n > 0) {
        struct ev e = pop(&h);
        if (e.t > horizon)
            break;
        events++;
        if (e.kind == 0) {
            push(&h, (struct ev){e.t + expo(1 / rate), 0});
            if (servers == 0 || busy < servers) {
                busy++;
                push(&h, (struct ev){e.t + expo(mean), 1});
            } else {
                queue++;
            }
        } else if (queue > 0) {
            queue--;
            push(&h, (struct ev){e.t + expo(mean), 1});
        } else {
            busy--;
        }
    }
    free(h.a);
    return events;
}
