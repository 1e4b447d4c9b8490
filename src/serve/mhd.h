/* mhd.h - libmicrohttpd as flowsim serve reaches it: loaded when the server starts
 * (flow__mhd_load), not linked into every flowsim process. Include this instead of
 * <microhttpd.h>: the functions serve calls become calls through flow__mhd. Internal to
 * src/serve. */
#ifndef FLOWSIM_SERVE_MHD_H
#define FLOWSIM_SERVE_MHD_H

#include <microhttpd.h>
#include <stdarg.h>
#include <stddef.h>

struct mhd_api {
    struct MHD_Daemon *(*start_daemon_va)(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
                                          MHD_AccessHandlerCallback, void *, va_list);
    void (*stop_daemon)(struct MHD_Daemon *);
    enum MHD_Result (*add_connection)(struct MHD_Daemon *, int, const struct sockaddr *, socklen_t);
    struct MHD_Response *(*create_response_from_buffer)(size_t, void *, enum MHD_ResponseMemoryMode);
    enum MHD_Result (*add_response_header)(struct MHD_Response *, const char *, const char *);
    enum MHD_Result (*queue_response)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
    void (*destroy_response)(struct MHD_Response *);
    const char *(*lookup_connection_value)(struct MHD_Connection *, enum MHD_ValueKind, const char *);
    void (*suspend_connection)(struct MHD_Connection *);
    void (*resume_connection)(struct MHD_Connection *);
    const union MHD_ConnectionInfo *(*get_connection_info)(struct MHD_Connection *, enum MHD_ConnectionInfoType,
                                                           ...);
};
extern struct mhd_api flow__mhd;

/* Loads libmicrohttpd (once): 0, or -1 with a sentence in why. */
int flow__mhd_load(char *why, size_t len);
struct MHD_Daemon *flow__mhd_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
                                          void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...);

#define MHD_start_daemon flow__mhd_start_daemon
#define MHD_stop_daemon flow__mhd.stop_daemon
#define MHD_add_connection flow__mhd.add_connection
#define MHD_create_response_from_buffer flow__mhd.create_response_from_buffer
#define MHD_add_response_header flow__mhd.add_response_header
#define MHD_queue_response flow__mhd.queue_response
#define MHD_destroy_response flow__mhd.destroy_response
#define MHD_lookup_connection_value flow__mhd.lookup_connection_value
#define MHD_suspend_connection flow__mhd.suspend_connection
#define MHD_resume_connection flow__mhd.resume_connection
#define MHD_get_connection_info flow__mhd.get_connection_info

#endif
