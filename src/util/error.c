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
#include <signal.h>

static volatile sig_atomic_t interrupted, deferred;

void flow_interrupt_request(void) { interrupted = 1; }
int flow_interrupted(void) { return interrupted; }
void flow_interrupt_defer(void) { deferred = 1; }
int flow_interrupt_deferred(void) { return deferred; }
