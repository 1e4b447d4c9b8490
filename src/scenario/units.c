/* units.c - strict parsers for numbers, durations and rates as written in scenarios. Strict
 * because a silently misread value is worse than an error: no hex, no inf/nan, no trailing
 * junk, and durations must carry a unit. */
#include <flowsim/scenario.h>
#include <flowsim/util.h>

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Length of the longest prefix of s that is a decimal number: [+-]digits[.digits][e[+-]digits]. */
static size_t number_prefix(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (isdigit((unsigned char)s[i]))
        i++, digits++;
    if (s[i] == '.') {
        i++;
        while (isdigit((unsigned char)s[i]))
            i++, digits++;
    }
    if (digits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        if (isdigit((unsigned char)s[j])) {
            while (isdigit((unsigned char)s[j]))
                j++;
            i = j;
        }
    }
    return i;
}

const char flow_parse_too_large[] = "a number of at most 1.8e308 in size";
const char flow_parse_too_small[] = "0, or a number of at least 2.2e-308 in size";

static const char *number_at(const char *text, size_t n, double *out)
{
    if (n == 0)
        return "a number";
    char *buf = flow_xstrndup(text, n);   /* any length: 0.000...1 is still a number */
    errno = 0;
    double v = strtod(buf, NULL);
    int range = errno;
    free(buf);
    if (!isfinite(v) || (range == ERANGE && fabs(v) > 1))
        return flow_parse_too_large;
    if (range == ERANGE || (v != 0 && fabs(v) < DBL_MIN))
        return flow_parse_too_small;
    *out = v;
    return NULL;
}

const char *flow_parse_number(const char *text, double *out)
{
    size_t n = number_prefix(text);
    if (n == 0 || text[n] != '\0')
        return "a number";
    return number_at(text, n, out);
}

const char *flow_parse_int(const char *text, long long *out)
{
    size_t i = (text[0] == '+' || text[0] == '-') ? 1 : 0;
    if (!isdigit((unsigned char)text[i]))
        return "a whole number";
    for (size_t j = i; text[j]; j++)
        if (!isdigit((unsigned char)text[j]))
            return "a whole number";
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno == ERANGE)
        return "a whole number of reasonable size";
    *out = v;
    return NULL;
}

static const char *with_unit(const char *text, double *days, const char *const units,
                             const double *scale, const char *expect, size_t skip_slash)
{
    size_t n = number_prefix(text);
    if (n == 0)
        return expect;
    double v;
    const char *range = number_at(text, n, &v);
    if (range != NULL)
        return range;
    const char *u = text + n;
    while (*u == ' ')
        u++;
    if (skip_slash) {
        if (*u != '/')
            return expect;
        u++;
        while (*u == ' ')
            u++;
    }
    const char *hit = (*u && u[1] == '\0') ? strchr(units, *u) : NULL;
    if (hit == NULL)
        return expect;
    double r = skip_slash ? v / scale[hit - units] : v * scale[hit - units];
    if (!isfinite(r))
        return flow_parse_too_large;
    if (r != 0 && fabs(r) < DBL_MIN)
        return flow_parse_too_small;
    *days = r;
    return NULL;
}

const char *flow_parse_duration(const char *text, double *days)
{
    static const double scale[] = {1.0 / 1440, 1.0 / 24, 1.0, 7.0};
    return with_unit(text, days, "mhdw", scale,
                     "a duration with a unit (m, h, d or w), such as 90m, 4h or 1.5d", 0);
}

const char *flow_parse_rate(const char *text, double *per_day)
{
    static const double scale[] = {1.0 / 24, 1.0, 7.0};
    return with_unit(text, per_day, "hdw", scale,
                     "a rate such as 20/d (per hour: /h, per day: /d, per week: /w)", 1);
}
