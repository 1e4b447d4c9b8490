/* http.c - the HTTP side of flowsim serve, on GNU libmicrohttpd: a thread per connection (a
 * run holds its request while progress and cancel requests are answered), bodies limited in
 * size, POST only as application/json (a page on another site cannot post to the server
 * without the browser asking first), and on the loopback address only a Host header naming
 * it (no DNS rebinding). Answers come from api.c. */
#include "internal.h"

#include <flowsim/util.h>

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

enum { MAX_CONNECTIONS = 256, IDLE_TIMEOUT_S = 60 };

struct conn {
    char *body;
    size_t len, cap;
    bool too_big;
};

struct server {
    struct served *s;
    bool loopback;
    int port;
};

static enum MHD_Result send_reply(struct MHD_Connection *c, struct reply *r)
{
    if (r->body == NULL)
        reply_error(r, 500, "no answer");
    struct MHD_Response *resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
    r->body = NULL;
    MHD_add_response_header(resp, "Content-Type", r->type ? r->type : "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
                            "'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'");
    char buf[96];
    if (r->filename) {
        snprintf(buf, sizeof buf, "attachment; filename=\"%s\"", r->filename);
        MHD_add_response_header(resp, "Content-Disposition", buf);
    }
    if (r->report) {
        snprintf(buf, sizeof buf, "%u", r->report);
        MHD_add_response_header(resp, "X-Flowsim-Report", buf);
    }
    if (r->retry_after) {
        snprintf(buf, sizeof buf, "%d", r->retry_after);
        MHD_add_response_header(resp, "Retry-After", buf);
    }
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result refuse(struct MHD_Connection *c, int status, const char *msg)
{
    struct reply r = {0};
    reply_error(&r, status, "%s", msg);
    return send_reply(c, &r);
}

/* On the loopback address, the Host header must name it (or localhost): a page from another
 * site that resolves its own name to 127.0.0.1 is refused. */
static bool host_ok(const struct server *sv, struct MHD_Connection *c)
{
    if (!sv->loopback)
        return true;
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (host == NULL)
        return false;
    static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(names[i]);
        if (strncasecmp(host, names[i], n) == 0 && (host[n] == '\0' || host[n] == ':'))
            return true;
    }
    return false;
}

static bool json_type(struct MHD_Connection *c)
{
    const char *t = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    return t != NULL && strncasecmp(t, "application/json", 16) == 0 && (t[16] == '\0' || t[16] == ';' || t[16] == ' ');
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **ctx)
{
    (void)version;
    struct server *sv = cls;
    size_t max = sv->s->cfg.max_body;
    struct conn *k = *ctx;
    if (k == NULL) {
        *ctx = k = flow_xcalloc(1, sizeof *k);
        if (!host_ok(sv, c))
            return refuse(c, 403, "this server answers requests for 127.0.0.1 or localhost only");
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl != NULL && strtoull(cl, NULL, 10) > max) {
            k->too_big = true;
            return refuse(c, 413, "the request body is larger than the server's limit");
        }
        return MHD_YES;
    }
    if (*size > 0) {
        if (!k->too_big && k->len + *size > max) {
            k->too_big = true;
            free(k->body);
            k->body = NULL;
        }
        if (!k->too_big) {
            flow_xgrow((void **)&k->body, &k->cap, k->len + *size + 1, 1);
            memcpy(k->body + k->len, data, *size);
            k->len += *size;
            k->body[k->len] = '\0';
        }
        *size = 0;
        return MHD_YES;
    }
    if (k->too_big)
        return refuse(c, 413, "the request body is larger than the server's limit");
    if (strcmp(method, "POST") == 0 && strncmp(url, "/api/", 5) == 0 && strcmp(url, "/api/cancel") != 0 &&
        !json_type(c))
        return refuse(c, 415, "send the request as Content-Type: application/json");
    struct reply r = {0};
    api_answer(sv->s, method, url, k->body ? k->body : "", k->len, &r);
    return send_reply(c, &r);
}

static void on_done(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    struct conn *k = *ctx;
    if (k != NULL) {
        free(k->body);
        free(k);
        *ctx = NULL;
    }
}

/* The address to listen on: an IPv4 or IPv6 literal, or localhost. */
static bool parse_bind(const char *bind, int port, struct sockaddr_storage *ss, bool *loopback)
{
    memset(ss, 0, sizeof *ss);
    if (bind == NULL || strcmp(bind, "localhost") == 0)
        bind = "127.0.0.1";
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, bind, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
        return true;
    }
    if (inet_pton(AF_INET6, bind, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
        return true;
    }
    return false;
}

int flow_serve(const struct flow_serve_config *c)
{
    struct sockaddr_storage ss;
    bool loopback;
    if (!parse_bind(c->bind, c->port, &ss, &loopback)) {
        fprintf(stderr, "flowsim: error: --bind %s: not an IP address (such as 127.0.0.1 or 0.0.0.0)\n", c->bind);
        return 2;
    }
    struct served s;
    if (served_open(&s, c) != 0) {
        served_close(&s);
        return 1;
    }
    struct server sv = {&s, loopback, c->port};
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = MHD_start_daemon(flags, (uint16_t)c->port, NULL, NULL, on_request, &sv,
                                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
                                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
                                            MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
                                            MHD_OPTION_END);
    if (d == NULL) {
        int e = errno;
        fprintf(stderr, "flowsim: error: cannot listen on %s port %d: %s\n", c->bind ? c->bind : "127.0.0.1",
                c->port, e ? strerror(e) : "the address or port is not available");
        served_close(&s);
        return 2;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    int port = info ? info->port : c->port;
    if (!loopback)
        fprintf(stderr, "flowsim: warning: listening on %s, not the loopback address: anyone who can "
                "reach it can run models on this machine\n", c->bind);
    const char *host = c->bind == NULL || strcmp(c->bind, "localhost") == 0 ? "127.0.0.1" : c->bind;
    bool v6 = ss.ss_family == AF_INET6;
    printf("flowsim: serving '%s' at http://%s%s%s:%d/ (Ctrl-C to stop)\n", s.base->name, v6 ? "[" : "",
           host, v6 ? "]" : "", port);
    fflush(stdout);
    flow_interrupt_defer();       /* from here SIGINT and SIGTERM stop the server cleanly */
    while (!flow_interrupted()) {
        struct timespec t = {0, 100 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    runner_close(&s.runner);
    MHD_stop_daemon(d);
    fprintf(stderr, "flowsim: server stopped\n");
    served_close(&s);
    return 0;
}
