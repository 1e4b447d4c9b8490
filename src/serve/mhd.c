/* mhd.c - libmicrohttpd loaded when flowsim serve starts. Linked into the program it brought
 * GnuTLS and ten more libraries into every flowsim process, whatever the command: about 6 ms
 * of start-up each (measured: 9.5 ms of CPU for `flowsim --version` against 3.6 ms for a
 * program without them), a twentieth of a 2-million-event run. Only serve uses it. */
#include "mhd.h"

#include <dlfcn.h>
#include <stdio.h>

struct mhd_api flow__mhd;

static const char *const sonames[] = {"libmicrohttpd.so.12", "libmicrohttpd.so"};

/* Each function serve calls, by its name in the library, and where its address goes. */
#define ENTRY(field, name) {(void **)&flow__mhd.field, name}
static const struct {
    void **slot;
    const char *name;
} entries[] = {
    ENTRY(start_daemon_va, "MHD_start_daemon_va"),
    ENTRY(stop_daemon, "MHD_stop_daemon"),
    ENTRY(add_connection, "MHD_add_connection"),
    ENTRY(create_response_from_buffer, "MHD_create_response_from_buffer"),
    ENTRY(add_response_header, "MHD_add_response_header"),
    ENTRY(queue_response, "MHD_queue_response"),
    ENTRY(destroy_response, "MHD_destroy_response"),
    ENTRY(lookup_connection_value, "MHD_lookup_connection_value"),
    ENTRY(suspend_connection, "MHD_suspend_connection"),
    ENTRY(resume_connection, "MHD_resume_connection"),
    ENTRY(get_connection_info, "MHD_get_connection_info"),
};

int flow__mhd_load(char *why, size_t len)
{
    static void *lib;
    for (size_t i = 0; lib == NULL && i < sizeof sonames / sizeof *sonames; i++)
        lib = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        snprintf(why, len, "flowsim serve needs libmicrohttpd (%s), which cannot be loaded: %s; install it "
                 "(apt-get install libmicrohttpd12)", sonames[0], dlerror());
        return -1;
    }
    for (size_t i = 0; i < sizeof entries / sizeof *entries; i++) {
        *entries[i].slot = dlsym(lib, entries[i].name);
        if (*entries[i].slot == NULL) {
            snprintf(why, len, "the libmicrohttpd found has no %s (too old a version?)", entries[i].name);
            return -1;
        }
    }
    return 0;
}

struct MHD_Daemon *flow__mhd_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
                                          void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
    va_list ap;
    va_start(ap, dh_cls);
    struct MHD_Daemon *d = flow__mhd.start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
    va_end(ap);
    return d;
}
