/* erlang.c - closed forms from queueing theory (Erlang B and C, computed with the stable
 * recurrence B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)); Erlang A from its birth-death chain). */
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

/* In units of the mean service time: arrivals at rate a, deaths at min(n, c) + max(n - c, 0) r.
 * Terms are scaled by the largest so far, so large c and a neither overflow nor underflow. */
double flow_erlang_a(unsigned c, double a, double r)
{
    double p = 1, total = 0, queue = 0;
    for (unsigned long n = 0; n < 10000000UL; n++) {
        total += p;
        queue += p * (double)(n > c ? n - c : 0);
        double death = (double)(n + 1 < c ? n + 1 : c) + (double)(n + 1 > c ? n + 1 - c : 0) * r;
        p *= a / death;
        if (p > 1e250) {              /* rescale everything summed so far */
            total /= p, queue /= p, p = 1;
        }
        if (n > c && p < 1e-17 * total)
            break;
    }
    return r * queue / total / a;
}
