/* error.h - environment and run-time error codes, one X-macro table of codes and messages
 * (as libuv's UV_ERRNO_MAP). Functions return 0 or a negative FLOW_E* code. Bad input is not
 * an error code: it is a diagnostic (see util.h). */
#ifndef FLOWSIM_ERROR_H
#define FLOWSIM_ERROR_H

#define FLOW_ERRNO_MAP(X)                                                              \
    X(IO, "input/output error")                                                        \
    X(OVERLOAD, "too many patients present at once (2,000,000, counting beds, queues, waiting " \
                "lists, community services and readmissions to come): demand outruns capacity") \
    X(TOO_BIG, "the results to keep pass the limit of 1e8 values (800 MB: replications x "   \
               "(metrics, and with --report or --csv hourly profiles and daily series)): use " \
               "fewer replications, fewer wards or a shorter horizon (or no --report, --csv)") \
    X(INTERRUPTED, "interrupted")                                                      \
    X(CANCELLED, "cancelled")                                                          \
    X(STALLED, "time stopped advancing: more than 16,777,216 events at one instant (a loop of " \
               "steps that take no time, such as a readmission after 0m to a stay of 0m)")

enum flow_error {
    FLOW_OK = 0,
#define X(name, msg) FLOW_E_##name,
    FLOW_E_FIRST_ = -100,
    FLOW_ERRNO_MAP(X)
#undef X
};

const char *flow_strerror(int code);

#endif
