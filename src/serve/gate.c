/* gate.c - the server's front door: it listens and accepts, and holds each new connection
 * until its request line and headers have arrived whole (read with MSG_PEEK, so nothing is
 * consumed), checks them strictly, and only then hands the connection to libmicrohttpd. A
 * head that is malformed, ambiguous or from another site gets one clean 4xx from here (no
 * request smuggling: one Host, one Content-Length of digits, not both Content-Length and
 * Transfer-Encoding, no transfer coding but chunked, no NUL or control character in the path);
 * a head that does not arrive whole within the request timeout, whatever its pace, is dropped
 * (slowloris). Waiting connections cost a descriptor and a slot in a list, not a thread. */
#define _GNU_SOURCE             /* accept4 */
#include "internal.h"

#include <flowsim/util.h>

#include <ctype.h>
#include <errno.h>
#include "mhd.h"
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

enum { HEAD_MAX = 16 * 1024 };

struct waiting {
    int fd;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    double deadline;
    int queued;                      /* bytes seen at the last look */
};

/* ---- the head --------------------------------------------------------------------------- */

static bool all_digits(const char *s, size_t n, size_t max)
{
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Host: a name (or an [IPv6] literal) and an optional port of 1 to 5 digits up to 65535; the
 * length of the name in *name_len. */
static bool host_syntax(const char *host, size_t n, size_t *name_len)
{
    const char *end = host + n, *colon = NULL;
    if (n > 0 && host[0] == '[') {
        const char *close = memchr(host, ']', n);
        if (close == NULL || (close + 1 < end && close[1] != ':'))
            return false;
        colon = close + 1 < end ? close + 1 : NULL;
    } else {
        colon = memchr(host, ':', n);
    }
    *name_len = colon ? (size_t)(colon - host) : n;
    if (*name_len == 0)
        return false;
    for (size_t i = 0; i < *name_len; i++)
        if ((unsigned char)host[i] <= ' ' || host[i] == '/' || host[i] == '@' || host[i] == 0x7f)
            return false;
    if (colon == NULL)
        return true;
    size_t plen = (size_t)(end - colon - 1);
    return all_digits(colon + 1, plen, 5) && strtol(colon + 1, NULL, 10) <= 65535;
}

/* On the loopback address the Host must name it (or localhost): a page from another site that
 * resolves its own name to 127.0.0.1 is refused (DNS rebinding). */
static bool host_local(const char *host, size_t n)
{
    static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
    for (size_t i = 0; i < 3; i++)
        if (n == strlen(names[i]) && strncasecmp(host, names[i], n) == 0)
            return true;
    return false;
}

static bool token_char(unsigned char c)
{
    return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The request line: METHOD SP TARGET SP HTTP/1.x, the target printable and without %00. */
static const char *check_request_line(const char *p, size_t n)
{
    const char *sp1 = memchr(p, ' ', n);
    if (sp1 == NULL || sp1 == p)
        return "the request line is not METHOD PATH HTTP/1.1";
    for (const char *q = p; q < sp1; q++)
        if (!token_char((unsigned char)*q))
            return "the request line is not METHOD PATH HTTP/1.1";
    const char *target = sp1 + 1, *sp2 = memchr(target, ' ', (size_t)(p + n - target));
    if (sp2 == NULL || sp2 == target || (size_t)(p + n - sp2 - 1) != 8 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
        (sp2[8] != '0' && sp2[8] != '1'))
        return "the request line is not METHOD PATH HTTP/1.1";
    for (const char *q = target; q < sp2; q++)
        if ((unsigned char)*q <= ' ' || (unsigned char)*q == 0x7f)
            return "the path has a control character or a space in it";
    for (const char *q = target; q + 2 < sp2; q++)
        if (q[0] == '%' && q[1] == '0' && q[2] == '0')
            return "the path has a NUL (%00) in it";
    return NULL;
}

struct head_counts {
    int host, length, coding;
    const char *host_v, *length_v, *coding_v;
    size_t host_n, length_n, coding_n;
};

static void count(struct head_counts *h, const char *name, size_t nlen, const char *v, size_t vlen)
{
    if (nlen == 4 && strncasecmp(name, "Host", 4) == 0)
        h->host++, h->host_v = v, h->host_n = vlen;
    else if (nlen == 14 && strncasecmp(name, "Content-Length", 14) == 0)
        h->length++, h->length_v = v, h->length_n = vlen;
    else if (nlen == 17 && strncasecmp(name, "Transfer-Encoding", 17) == 0)
        h->coding++, h->coding_v = v, h->coding_n = vlen;
}

/* One header line "Name: value" into h; the value trimmed of spaces and tabs. */
static const char *header_line(const char *p, size_t n, struct head_counts *h)
{
    if (n > 0 && (p[0] == ' ' || p[0] == '\t'))
        return "a header is folded over two lines";
    const char *colon = memchr(p, ':', n);
    if (colon == NULL || colon == p)
        return "a header line has no name";
    for (const char *q = p; q < colon; q++)
        if (!token_char((unsigned char)*q))
            return "a header's name has a character headers' names cannot have";
    const char *v = colon + 1, *end = p + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    for (const char *q = v; q < end; q++)
        if (((unsigned char)*q < ' ' && *q != '\t') || *q == 0x7f)
            return "a header's value has a control character in it";
    count(h, p, (size_t)(colon - p), v, (size_t)(end - v));
    return NULL;
}

static const char *check_counts(const struct head_counts *h, const struct gate_rules *r, int *status)
{
    size_t name_len = 0;
    if (h->host > 1)
        return "the request has more than one Host header";
    if (h->host == 1 && !host_syntax(h->host_v, h->host_n, &name_len))
        return "the Host header is not a host name with an optional port (such as localhost:8642)";
    if (h->length > 1)
        return "the request has more than one Content-Length header";
    if (h->length == 1 && !all_digits(h->length_v, h->length_n, 18))
        return "Content-Length must be a number of bytes (digits only)";
    if (h->length == 1 && h->coding > 0)
        return "the request has both Content-Length and Transfer-Encoding";
    if (h->coding > 1 || (h->coding == 1 && !(h->coding_n == 7 && strncasecmp(h->coding_v, "chunked", 7) == 0)))
        return "the only transfer coding this server takes is Transfer-Encoding: chunked";
    if (r->loopback && (h->host == 0 || !host_local(h->host_v, name_len))) {
        *status = 403;
        return "this server answers requests for 127.0.0.1 or localhost only";
    }
    if (h->length == 1 && strtoull(h->length_v, NULL, 10) > r->max_body) {
        *status = 413;
        return "the request body is larger than the server's limit";
    }
    return NULL;
}

const char *flow__gate_check_head(const char *head, size_t len, const struct gate_rules *r, int *status)
{
    *status = 400;
    if (memchr(head, '\0', len) != NULL)
        return "the request's head has a NUL in it";
    struct head_counts h = {0};
    bool first = true;
    for (const char *p = head, *end = head + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        size_t n = (size_t)(line_end - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n == 0 && !first)
            break;                   /* the blank line: the end of the head */
        const char *why = first ? check_request_line(p, n) : header_line(p, n, &h);
        if (why)
            return why;
        first = false;
        p = nl ? nl + 1 : end;
    }
    return check_counts(&h, r, status);
}

/* Length of the head (through its blank line) in buf, or 0 while it has not all arrived. */
static size_t head_length(const char *buf, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (buf[i] == '\n' && (buf[i + 1] == '\n' || (i + 2 < n && buf[i + 1] == '\r' && buf[i + 2] == '\n')))
            return i + (buf[i + 1] == '\n' ? 2 : 3);
    return 0;
}

/* ---- the connections waiting for their heads ---------------------------------------------- */

static void refuse(int fd, int status, const char *why)
{
    const char *text = status == 403 ? "Forbidden" : status == 408 ? "Request Timeout" : status == 413
                       ? "Content Too Large" : status == 431 ? "Request Header Fields Too Large" : "Bad Request";
    char body[400], out[700];
    int blen = snprintf(body, sizeof body, "{\n  \"error\": \"%s\"\n}", why);
    int n = snprintf(out, sizeof out, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
                     "X-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s",
                     status, text, blen, body);
    if (n > 0 && send(fd, out, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
        (void)0;                     /* a client that is gone: nothing to tell */
    shutdown(fd, SHUT_WR);
    close(fd);
}

static void drop(struct gate *g, size_t i)
{
    g->w[i] = g->w[--g->n];
}

/* Looks at waiting connection i: hands it on, refuses it or drops it (true), or leaves it. */
static bool look(struct gate *g, size_t i, double t)
{
    struct waiting *w = &g->w[i];
    int avail = 0;
    if (ioctl(w->fd, FIONREAD, &avail) == 0 && avail == w->queued && t <= w->deadline)
        return false;                /* nothing new */
    char buf[HEAD_MAX];
    ssize_t got = recv(w->fd, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        close(w->fd);                /* the client went away */
        return true;
    }
    size_t n = got > 0 ? (size_t)got : 0, head = head_length(buf, n);
    w->queued = (int)n;
    int status = 400;
    const char *why = NULL;
    if (head == 0 && n >= sizeof buf)
        status = 431, why = "the request's head (its line and headers) is larger than 16 KiB";
    else if (head == 0 && t > w->deadline)
        status = 408, why = "the request did not arrive in time";
    else if (head == 0)
        return false;
    else
        why = flow__gate_check_head(buf, head, &g->rules, &status);
    if (why) {
        refuse(w->fd, status, why);
    } else if (MHD_add_connection(g->daemon, w->fd, (struct sockaddr *)&w->addr, w->addrlen) != MHD_YES) {
        close(w->fd);                /* MHD is full: it has closed nothing, so we do */
    }
    return true;
}

static void accept_new(struct gate *g, double t)
{
    for (;;) {
        struct waiting w = {.addrlen = sizeof w.addr, .deadline = t + g->timeout};
        w.fd = accept4(g->listen_fd, (struct sockaddr *)&w.addr, &w.addrlen, SOCK_CLOEXEC);
        if (w.fd < 0)
            return;
        if (g->n >= g->max_waiting) {
            refuse(w.fd, 503, "the server has too many connections waiting: try again shortly");
            continue;
        }
        if (g->n == g->cap) {
            g->cap = g->cap ? 2 * g->cap : 64;
            g->w = flow_xrealloc(g->w, g->cap * sizeof *g->w);
        }
        g->w[g->n++] = w;
    }
}

void flow__gate_init(struct gate *g, int listen_fd, struct MHD_Daemon *d, const struct gate_rules *rules,
               int timeout_s, size_t max_waiting)
{
    memset(g, 0, sizeof *g);
    g->listen_fd = listen_fd;
    g->daemon = d;
    g->rules = *rules;
    g->timeout = timeout_s;
    g->max_waiting = max_waiting;
}

void flow__gate_fini(struct gate *g)
{
    for (size_t i = 0; i < g->n; i++)
        close(g->w[i].fd);
    free(g->w);
    g->w = NULL;
    g->n = g->cap = 0;
}

/* One turn: waits up to a tenth of a second for a new connection (a fiftieth while heads are
 * arriving), accepts what is there and looks at every connection waiting for its head. */
void flow__gate_turn(struct gate *g)
{
    struct pollfd p = {.fd = g->listen_fd, .events = POLLIN};
    poll(&p, 1, g->n > 0 ? 20 : 100);
    double t = flow__serve_now();
    if (p.revents & POLLIN)
        accept_new(g, t);
    for (size_t i = 0; i < g->n;)
        if (look(g, i, t))
            drop(g, i);
        else
            i++;
}
