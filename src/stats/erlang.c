/* erlang.c - closed forms from queueing theory (Erlang B and C), computed with the stable
 * recurrence B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)). */
#include <flowsim/stats.h>

double flow_erlang_b(unsigned c, double a)
{
    double b = 1.0;
    for (unsigned k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return b;
}

double flow_erlang_c(unsigned c, double a)
{
    if (a >= c)
        return 1.0;
    double b = flow_erlang_b(c, a);
    return c * b / (c - a * (1 - b));
}

double flow_mmc_mean_wait(unsigned c, double lambda, double s)
{
    double a = lambda * s;
    if (a >= c)
        return 1.0 / 0.0;
    return flow_erlang_c(c, a) * s / (c - a);
}
