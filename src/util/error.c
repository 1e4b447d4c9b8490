/* error.c - messages for the FLOW_E* codes. */
#include <flowsim/error.h>

const char *flow_strerror(int code)
{
    switch (code) {
    case FLOW_OK: return "success";
#define X(name, msg) case FLOW_E_##name: return msg;
    FLOW_ERRNO_MAP(X)
#undef X
    default: return "unknown error";
    }
}

#include <flowsim/util.h>
#include <stdatomic.h>

/* Set by the signal handler, read by every worker thread: lock-free atomics, which are both
 * async-signal-safe and free of data races (a volatile sig_atomic_t is only the first). */
static atomic_int interrupted, deferred;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the interrupt flags must be lock-free to be set in a signal handler");

void flow_interrupt_request(void) { atomic_store_explicit(&interrupted, 1, memory_order_relaxed); }
int flow_interrupted(void) { return atomic_load_explicit(&interrupted, memory_order_relaxed); }
void flow_interrupt_defer(void) { atomic_store_explicit(&deferred, 1, memory_order_relaxed); }
int flow_interrupt_deferred(void) { return atomic_load_explicit(&deferred, memory_order_relaxed); }
