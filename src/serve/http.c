/* http.c - the HTTP side of flowsim serve, on GNU libmicrohttpd. Connections come in through
 * the gate (gate.c), which hands one on only once its head has arrived and passed strict
 * checks; every answer closes its connection, so every request passes the gate. One polling
 * thread (epoll) answers every quick request, so slow or idle connections cost a descriptor,
 * not a thread; a run or a comparison is answered on a thread of its own while its connection
 * is suspended. A body must arrive within --request-timeout seconds of its head (watch.c);
 * away from the loopback address a client may hold at most PER_CLIENT connections. Every POST
 * only as application/json: a page on another site cannot send that without the browser
 * asking first. Answers come from api.c. */
#include "internal.h"

#include <flowsim/util.h>

#include <arpa/inet.h>
#include <errno.h>
#include "mhd.h"
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { IDLE_TIMEOUT_S = 15, PER_CLIENT = 64, MAX_CONNECTIONS = 4096, FD_RESERVE = 64 };

/* One request's state (MHD's con_cls). */
struct conn {
    char *body;
    size_t len, cap;
    bool too_big;
    enum { READING, WORKING, ANSWERED } state;
    struct server *sv;
    struct MHD_Connection *c;
    struct watch_sock *sock;
    char method[8], *url;
    struct reply reply;
};

struct server {
    struct served *s;
    bool loopback;
    struct watch watch;
};

static enum MHD_Result send_reply(struct MHD_Connection *c, struct reply *r)
{
    if (r->body == NULL)
        flow__reply_error(r, 500, "no answer");
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
    MHD_add_response_header(resp, "Connection", "close");   /* the next request comes through the gate */
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result answer(struct conn *k, struct reply *r)
{
    flow__watch_answered(&k->sv->watch, k->sock);
    return send_reply(k->c, r);
}

static enum MHD_Result refuse(struct conn *k, int status, const char *msg)
{
    struct reply r = {0};
    flow__reply_error(&r, status, "%s", msg);
    return answer(k, &r);
}

static bool json_type(struct MHD_Connection *c)
{
    const char *t = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    return t != NULL && strncasecmp(t, "application/json", 16) == 0 && (t[16] == '\0' || t[16] == ';' || t[16] == ' ');
}

/* ---- requests --------------------------------------------------------------------------- */

/* A run or a comparison, on its own thread: the answer is kept in the request's state and the
 * connection resumed, so that MHD calls on_request again to send it. */
static void *work(void *arg)
{
    struct conn *k = arg;
    struct server *sv = k->sv;
    flow__api_answer(sv->s, k->method, k->url, k->body ? k->body : "", k->len, &k->reply);
    k->state = ANSWERED;
    flow__watch_resume(&sv->watch, k->c);
    return NULL;
}

static enum MHD_Result start_work(struct conn *k, const char *method, const char *url)
{
    snprintf(k->method, sizeof k->method, "%s", method);
    k->url = flow_xstrdup(url);
    if (!flow__watch_work_begin(&k->sv->watch, k->sv->s->cfg.queue + 1)) {
        struct reply r = {0};
        flow__reply_error(&r, 429, "a run is in progress and %d more are waiting: try again when it has finished",
                    k->sv->s->cfg.queue);
        r.retry_after = 2;
        return answer(k, &r);
    }
    k->state = WORKING;
    flow__watch_working(&k->sv->watch, k->sock, true);
    MHD_suspend_connection(k->c);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &attr, work, k);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        flow__reply_error(&k->reply, 503, "the server could not start a thread for the run: %s", strerror(rc));
        k->state = ANSWERED;
        flow__watch_resume(&k->sv->watch, k->c);
    }
    return MHD_YES;
}

static bool slow_run(const char *method, const char *url)
{
    return strcmp(method, "POST") == 0 && (strcmp(url, "/api/run") == 0 || strcmp(url, "/api/compare") == 0);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **ctx)
{
    (void)version;
    struct server *sv = cls;
    struct conn *k = *ctx;
    if (k == NULL) {
        *ctx = k = flow_xcalloc(1, sizeof *k);
        k->sv = sv, k->c = c;
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        k->sock = ci ? ci->socket_context : NULL;
        return MHD_YES;
    }
    if (k->state == ANSWERED) {
        k->state = READING;
        flow__watch_working(&sv->watch, k->sock, false);
        return answer(k, &k->reply);
    }
    if (*size > 0) {
        size_t max = sv->s->cfg.max_body;
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
        return refuse(k, 413, "the request body is larger than the server's limit");
    if (strcmp(method, "POST") == 0 && !json_type(c))
        return refuse(k, 415, "send the request as Content-Type: application/json");
    if (slow_run(method, url))
        return start_work(k, method, url);
    struct reply r = {0};
    flow__api_answer(sv->s, method, url, k->body ? k->body : "", k->len, &r);
    return answer(k, &r);
}

static void on_done(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    struct conn *k = *ctx;
    if (k != NULL) {
        free(k->body);
        free(k->url);
        free(k->reply.body);
        free(k);
        *ctx = NULL;
    }
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct server *sv = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = flow__watch_open(&sv->watch, ci ? ci->connect_fd : -1);
    } else {
        flow__watch_close(&sv->watch, *socket_context);
        *socket_context = NULL;
    }
}

/* ---- the daemon ------------------------------------------------------------------------- */

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

/* Connections the descriptors allow (the soft limit raised to the hard one), up to
 * MAX_CONNECTIONS, keeping some for the scenario's files and the runs' threads. */
static unsigned connection_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 200;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max < MAX_CONNECTIONS + FD_RESERVE ? rl.rlim_max : MAX_CONNECTIONS + FD_RESERVE;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= MAX_CONNECTIONS + FD_RESERVE)
        return MAX_CONNECTIONS;
    return rl.rlim_cur > 2 * FD_RESERVE ? (unsigned)(rl.rlim_cur - FD_RESERVE) : (unsigned)(rl.rlim_cur / 2);
}

/* The listening socket, non-blocking; -1 with errno set when it cannot be had. */
static int listen_on(const struct sockaddr_storage *ss, int *port)
{
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (ss->ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    if (bind(fd, (const struct sockaddr *)ss, len) != 0 || listen(fd, 256) != 0 ||
        getsockname(fd, (struct sockaddr *)&bound, &blen) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    *port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                              : ((struct sockaddr_in *)&bound)->sin_port);
    return fd;
}

static struct MHD_Daemon *start_daemon(struct server *sv, unsigned limit)
{
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET;
    /* Every client is 127.0.0.1 on the loopback address, the user as well as anyone else: a
     * cap per address there would lock the user out, so it applies to other addresses only. */
    unsigned per_client = sv->loopback ? 0 : PER_CLIENT;
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, sv,
                            MHD_OPTION_CONNECTION_LIMIT, limit,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_client,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
                            MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, sv,
                            MHD_OPTION_END);
}

static void say_address(const struct flow_serve_config *c, const struct served *s, bool v6, bool loopback, int port)
{
    if (!loopback)
        fprintf(stderr, "flowsim: warning: listening on %s, not the loopback address: anyone who can "
                "reach it can run models on this machine\n", c->bind);
    const char *host = c->bind == NULL || strcmp(c->bind, "localhost") == 0 ? "127.0.0.1" : c->bind;
    printf("flowsim: serving '%s' at http://%s%s%s:%d/ (Ctrl-C to stop)\n", s->base->name, v6 ? "[" : "",
           host, v6 ? "]" : "", port);
    fflush(stdout);
}

int flow_serve(const struct flow_serve_config *c)
{
    struct sockaddr_storage ss;
    bool loopback;
    if (!parse_bind(c->bind, c->port, &ss, &loopback)) {
        fprintf(stderr, "flowsim: error: --bind %s: not an IP address (such as 127.0.0.1 or 0.0.0.0)\n", c->bind);
        return 2;
    }
    char why[512];
    if (flow__mhd_load(why, sizeof why) != 0) {
        fprintf(stderr, "flowsim: error: %s\n", why);
        return 1;
    }
    struct served s;
    if (flow__served_open(&s, c) != 0) {
        flow__served_close(&s);
        return 1;
    }
    struct server sv = {.s = &s, .loopback = loopback};
    flow__watch_init(&sv.watch, c->request_timeout);
    int port = 0, fd = listen_on(&ss, &port);
    unsigned limit = connection_limit();
    struct MHD_Daemon *d = fd >= 0 ? start_daemon(&sv, limit) : NULL;
    if (d == NULL) {
        int e = errno;
        fprintf(stderr, "flowsim: error: cannot listen on %s port %d: %s\n", c->bind ? c->bind : "127.0.0.1",
                c->port, e ? strerror(e) : "the address or port is not available");
        if (fd >= 0)
            close(fd);
        flow__watch_fini(&sv.watch);
        flow__served_close(&s);
        return 2;
    }
    say_address(c, &s, ss.ss_family == AF_INET6, loopback, port);
    struct gate g;
    struct gate_rules rules = {.loopback = loopback, .max_body = c->max_body};
    flow__gate_init(&g, fd, d, &rules, c->request_timeout > 0 ? c->request_timeout : 20, limit);
    flow_interrupt_defer();       /* from here SIGINT and SIGTERM stop the server cleanly */
    while (!flow_interrupted()) {
        flow__gate_turn(&g);
        flow__watch_sweep(&sv.watch);
    }
    flow__gate_fini(&g);
    close(fd);
    flow__runner_close(&s.runner);
    flow__watch_work_drain(&sv.watch);  /* every run's thread has answered and resumed its connection */
    MHD_stop_daemon(d);
    fprintf(stderr, "flowsim: server stopped\n");
    flow__watch_fini(&sv.watch);
    flow__served_close(&s);
    return 0;
}
