/* alloc.c - allocation wrappers: one place decides what out-of-memory does (abort). */
#include <flowsim/util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *p, size_t size)
{
    if (p == NULL && size != 0) {
        fprintf(stderr, "flowsim: out of memory (%zu bytes)\n", size);
        abort();
    }
    return p;
}

void *flow_xmalloc(size_t size) { return check(malloc(size ? size : 1), size); }

void *flow_xcalloc(size_t count, size_t size)
{
    if (size != 0 && count > (size_t)-1 / size)
        return check(NULL, (size_t)-1);
    return check(calloc(count ? count : 1, size ? size : 1), count * size);
}

void *flow_xaligned(size_t align, size_t size)
{
    size_t n = (size + align - 1) / align * align;
    return check(aligned_alloc(align, n ? n : align), size);
}

void *flow_xrealloc(void *ptr, size_t size) { return check(realloc(ptr, size ? size : 1), size); }

void flow_xgrow(void **ptr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 8;
    while (n < need)
        n *= 2;
    if (n > (size_t)-1 / elem)
        check(NULL, (size_t)-1);
    *ptr = flow_xrealloc(*ptr, n * elem);
    *cap = n;
}

char *flow_xstrdup(const char *s) { return flow_xstrndup(s, strlen(s)); }

char *flow_xstrndup(const char *s, size_t n)
{
    char *p = flow_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *flow_xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = flow_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *flow_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = flow_xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}
