/* fit.c - maximum-likelihood fits of stay distributions (exponential, lognormal, gamma,
 * Weibull) to censored durations: an observed stay contributes its density, a stay still
 * under way when the data were taken its survival, a stay known only to within a day (dates
 * without times) the probability of its interval. The exponential's maximum is closed-form;
 * the others maximise the log-likelihood in log-parameters with GSL's Nelder-Mead simplex
 * (nmsimplex2), started from the moments of the observed stays. Families are compared by AIC;
 * a Kolmogorov-Smirnov distance from the Kaplan-Meier estimate says how well one fits. */
#include <flowsim/limits.h>
#include <flowsim/stats.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *flow_fit_family_name(enum flow_fit_family f)
{
    static const char *const names[] = {"exponential", "lognormal", "gamma", "weibull"};
    return f < FLOW_FIT_FAMILIES ? names[f] : "?";
}

struct data {
    const double *x;
    const unsigned char *censored;   /* FLOW_FIT_* kinds, or NULL: all ended */
    const double *hi;                /* the intervals' upper ends */
    size_t n;
    enum flow_fit_family family;
    /* Sufficient statistics of the ended stays, so one evaluation of the likelihood costs a
     * pass over the stays only for the Weibull (and the censored ones): count, sum of x, of
     * log x and of log^2 x, and log x of every ended stay (NAN for censored ones). */
    double n_ended, sum_x, sum_log, sum_log2;
    double *logx;
    /* Day-counted stays (both ends dates) by their count of days: values and how many. */
    double *days, *days_n;
    size_t ndays;
};

/* log S(x) of a family with natural parameters p (lognormal mu, sigma; gamma shape, scale;
 * Weibull shape, scale). */
static double log_survival(enum flow_fit_family f, const double *p, double x)
{
    switch (f) {
    case FLOW_FIT_LOGNORMAL: return log(gsl_cdf_lognormal_Q(x, p[0], p[1]));
    case FLOW_FIT_GAMMA:     return log(gsl_cdf_gamma_Q(x, p[0], p[1]));
    case FLOW_FIT_WEIBULL:   return -pow(x / p[1], p[0]);
    default:                 return -x / p[0];
    }
}

static double cdf(enum flow_fit_family f, const double *p, double x)
{
    switch (f) {
    case FLOW_FIT_LOGNORMAL: return gsl_cdf_lognormal_P(x, p[0], p[1]);
    case FLOW_FIT_GAMMA:     return gsl_cdf_gamma_P(x, p[0], p[1]);
    case FLOW_FIT_WEIBULL:   return gsl_cdf_weibull_P(x, p[1], p[0]);
    default:                 return gsl_cdf_exponential_P(x, p[0]);
    }
}

/* The ended stays' part of the log-likelihood from the sufficient statistics. */
static double log_likelihood_ended(const struct data *d, const double *p)
{
    double n = d->n_ended;
    switch (d->family) {
    case FLOW_FIT_LOGNORMAL: {
        double mu = p[0], s = p[1];
        double squares = d->sum_log2 - 2 * mu * d->sum_log + n * mu * mu;
        return -d->sum_log - n * log(s) - 0.5 * n * log(2 * M_PI) - squares / (2 * s * s);
    }
    case FLOW_FIT_GAMMA:
        return (p[0] - 1) * d->sum_log - d->sum_x / p[1] - n * gsl_sf_lngamma(p[0]) - n * p[0] * log(p[1]);
    case FLOW_FIT_WEIBULL: {
        double powers = 0, logscale = log(p[1]);
        for (size_t i = 0; i < d->n; i++)
            if (!isnan(d->logx[i]))
                powers += exp(p[0] * (d->logx[i] - logscale));
        return n * log(p[0] / p[1]) + (p[0] - 1) * (d->sum_log - n * logscale) - powers;
    }
    default:
        return -n * log(p[0]) - d->sum_x / p[0];
    }
}

/* E[X; X <= t], the partial expectation, for the day-counted stays. */
static double partial_mean(enum flow_fit_family f, const double *p, double t)
{
    switch (f) {
    case FLOW_FIT_LOGNORMAL:
        return exp(p[0] + p[1] * p[1] / 2) * gsl_cdf_ugaussian_P((log(t) - p[0] - p[1] * p[1]) / p[1]);
    case FLOW_FIT_GAMMA:
        return p[0] * p[1] * gsl_cdf_gamma_P(t, p[0] + 1, p[1]);
    case FLOW_FIT_WEIBULL:
        return p[1] * exp(gsl_sf_lngamma(1 + 1 / p[0])) * gsl_sf_gamma_inc_P(1 + 1 / p[0], pow(t / p[1], p[0]));
    default:
        return p[0] * gsl_cdf_gamma_P(t, 2, p[0]);
    }
}

/* G(t), the integral of the distribution function from 0 to t: t F(t) - E[X; X <= t]. */
static double integrated_cdf(enum flow_fit_family f, const double *p, double t)
{
    return t > 0 ? t * cdf(f, p, t) - partial_mean(f, p, t) : 0;
}

/* A stay from one date to another k days later, both without times: the stay X gives k with
 * probability 1 - |X - k| (|X - k| < 1), so the likelihood is G(k+1) - 2 G(k) + G(k-1). */
static double log_days(enum flow_fit_family f, const double *p, double k)
{
    return log(integrated_cdf(f, p, k + 1) - 2 * integrated_cdf(f, p, k) + integrated_cdf(f, p, k - 1));
}

static double log_likelihood(const struct data *d, const double *p)
{
    double ll = log_likelihood_ended(d, p);
    if (d->censored)
        for (size_t i = 0; i < d->n; i++) {
            if (d->censored[i] == FLOW_FIT_RIGHT)
                ll += log_survival(d->family, p, d->x[i]);
            else if (d->censored[i] == FLOW_FIT_INTERVAL)
                ll += log(cdf(d->family, p, d->hi[i]) - (d->x[i] > 0 ? cdf(d->family, p, d->x[i]) : 0));
        }
    for (size_t k = 0; k < d->ndays; k++)
        ll += d->days_n[k] * log_days(d->family, p, d->days[k]);
    return ll;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The day-counted stays as distinct counts of days with their numbers. */
static int days_prepare(struct data *d)
{
    d->days = malloc((d->n + 1) * sizeof *d->days);
    d->days_n = malloc((d->n + 1) * sizeof *d->days_n);
    if (d->days == NULL || d->days_n == NULL)
        return -1;
    size_t n = 0;
    for (size_t i = 0; d->censored && i < d->n; i++)
        if (d->censored[i] == FLOW_FIT_DAYS)
            d->days[n++] = d->x[i];
    qsort(d->days, n, sizeof *d->days, by_value);
    d->ndays = 0;
    for (size_t i = 0; i < n; i++) {
        if (d->ndays > 0 && d->days[d->ndays - 1] == d->days[i]) {
            d->days_n[d->ndays - 1]++;
        } else {
            d->days[d->ndays] = d->days[i];
            d->days_n[d->ndays++] = 1;
        }
    }
    return 0;
}

static void data_fini(struct data *d)
{
    free(d->logx);
    free(d->days);
    free(d->days_n);
}

/* Fills the sufficient statistics (allocated: data_fini frees them). */
static int data_prepare(struct data *d)
{
    d->logx = malloc((d->n + 1) * sizeof *d->logx);
    if (d->logx == NULL || days_prepare(d) != 0)
        return -1;
    d->n_ended = d->sum_x = d->sum_log = d->sum_log2 = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->censored && d->censored[i] != FLOW_FIT_ENDED) {
            d->logx[i] = NAN;
            continue;
        }
        double l = log(d->x[i]);
        d->logx[i] = l;
        d->n_ended++, d->sum_x += d->x[i], d->sum_log += l, d->sum_log2 += l * l;
    }
    return 0;
}

/* The simplex works on (log a, log b) for lognormal's (mu, log sigma) and the others' (log
 * shape, log scale), so every point it tries is a valid distribution. */
static void natural(enum flow_fit_family f, const gsl_vector *v, double *p)
{
    p[0] = f == FLOW_FIT_LOGNORMAL ? gsl_vector_get(v, 0) : exp(gsl_vector_get(v, 0));
    p[1] = v->size > 1 ? exp(gsl_vector_get(v, 1)) : 0;
}

static double minus_ll(const gsl_vector *v, void *arg)
{
    const struct data *d = arg;
    double p[2];
    natural(d->family, v, p);
    double ll = log_likelihood(d, p);
    return isfinite(ll) ? -ll : GSL_POSINF;
}

/* Starting values from the observed stays' mean and variance. */
static void start(enum flow_fit_family f, double mean, double var, gsl_vector *v)
{
    double cv2 = fmax(var / (mean * mean), 1e-4);
    switch (f) {
    case FLOW_FIT_LOGNORMAL:
        gsl_vector_set(v, 0, log(mean) - 0.5 * log1p(cv2));
        gsl_vector_set(v, 1, 0.5 * log(log1p(cv2)));
        break;
    case FLOW_FIT_GAMMA:
        gsl_vector_set(v, 0, log(1 / cv2));
        gsl_vector_set(v, 1, log(mean * cv2));
        break;
    case FLOW_FIT_EXPONENTIAL:
        gsl_vector_set(v, 0, log(mean));
        break;
    default: {                            /* Weibull: shape from the coefficient of variation */
        double k = fmax(0.2, pow(sqrt(cv2), -1.086));
        gsl_vector_set(v, 0, log(k));
        gsl_vector_set(v, 1, log(mean / exp(gsl_sf_lngamma(1 + 1 / k))));
    }
    }
}

/* The user's parameters of the scenario format: exponential mean; lognormal and gamma mean
 * and sd; Weibull shape and scale. */
static void user_params(enum flow_fit_family f, const double *p, struct flow_fit *out)
{
    switch (f) {
    case FLOW_FIT_LOGNORMAL:
        out->a = exp(p[0] + p[1] * p[1] / 2);
        out->b = out->a * sqrt(expm1(p[1] * p[1]));
        break;
    case FLOW_FIT_GAMMA:
        out->a = p[0] * p[1];
        out->b = sqrt(p[0]) * p[1];
        break;
    case FLOW_FIT_WEIBULL:
        out->a = p[0];
        out->b = p[1];
        break;
    default:
        out->a = p[0];
        out->b = 0;
    }
}

struct obs {
    double x;
    unsigned char censored;
};

static int by_time(const void *a, const void *b)
{
    const struct obs *x = a, *y = b;
    if (x->x != y->x)
        return (x->x > y->x) - (x->x < y->x);
    return (int)x->censored - (int)y->censored;   /* ends before censorings at the same time */
}

/* Kolmogorov-Smirnov distance between the Kaplan-Meier estimate of the stays (which censored
 * stays enter correctly) and the fitted law, at every observed end, before and after its step. */
static double ks_kaplan_meier(const struct data *d, const double *p)
{
    struct obs *o = malloc((d->n + 1) * sizeof *o);
    if (o == NULL)
        return NAN;
    for (size_t i = 0; i < d->n; i++)
        o[i] = (struct obs){d->x[i], (unsigned char)(d->censored && d->censored[i] == FLOW_FIT_RIGHT)};
    for (size_t i = 0; i < d->n; i++)    /* an interval enters at its middle */
        if (d->censored && d->censored[i] == FLOW_FIT_INTERVAL)
            o[i].x = 0.5 * (d->x[i] + d->hi[i]);
        else if (d->censored && d->censored[i] == FLOW_FIT_DAYS)
            o[i].x = fmax(d->x[i], 0.5);
    qsort(o, d->n, sizeof *o, by_time);
    double surv = 1, dmax = 0;
    for (size_t i = 0; i < d->n;) {
        size_t j = i, ends = 0;
        while (j < d->n && o[j].x == o[i].x)
            ends += !o[j].censored, j++;
        if (ends > 0) {
            double f = cdf(d->family, p, o[i].x), before = 1 - surv;
            surv *= 1 - (double)ends / (double)(d->n - i);
            dmax = fmax(dmax, fmax(fabs(f - before), fabs(f - (1 - surv))));
        }
        i = j;
    }
    free(o);
    return dmax;
}

/* Maximises the likelihood over the family's log-parameters from the moments' starting point. */
static void maximise(struct data *d, double mean, double var, double *p)
{
    size_t k = d->family == FLOW_FIT_EXPONENTIAL ? 1 : 2;
    gsl_vector *v = gsl_vector_alloc(k), *step = gsl_vector_alloc(k);
    start(d->family, mean, var, v);
    gsl_vector_set_all(step, 0.3);
    gsl_multimin_function f = {minus_ll, k, d};
    gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, k);
    gsl_multimin_fminimizer_set(s, &f, v, step);
    int status = GSL_CONTINUE;
    for (int iter = 0; iter < 2000 && status == GSL_CONTINUE; iter++) {
        if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS)
            break;
        status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), 1e-7);
    }
    natural(d->family, s->x, p);
    gsl_multimin_fminimizer_free(s);
    gsl_vector_free(v);
    gsl_vector_free(step);
}

int flow_fit_censored(const double *x, const double *hi, const unsigned char *kind, size_t n,
                      enum flow_fit_family family, struct flow_fit *out)
{
    memset(out, 0, sizeof *out);
    out->family = family;
    struct data d = {.x = x, .censored = kind, .hi = hi, .n = n, .family = family};
    double sum = 0, sum2 = 0, total = 0;
    size_t observed = 0, intervals = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = kind ? kind[i] : FLOW_FIT_ENDED;
        if (c == FLOW_FIT_INTERVAL || c == FLOW_FIT_DAYS) {
            if (c == FLOW_FIT_INTERVAL && (hi == NULL || !(x[i] >= 0) || !(hi[i] > x[i]) || !isfinite(hi[i])))
                return -1;
            if (c == FLOW_FIT_DAYS && !(x[i] >= 0 && isfinite(x[i])))
                return -1;
            double mid = c == FLOW_FIT_DAYS ? fmax(x[i], 0.5) : 0.5 * (x[i] + hi[i]);
            intervals++, observed++, sum += mid, sum2 += mid * mid;
            continue;
        }
        if (!(x[i] > 0) || !isfinite(x[i]) || c > FLOW_FIT_DAYS)
            return -1;                    /* stays must be positive */
        total += x[i];
        if (c == FLOW_FIT_ENDED)
            observed++, sum += x[i], sum2 += x[i] * x[i];
    }
    if (observed < 2)
        return -1;
    double mean = sum / (double)observed, var = fmax(sum2 / (double)observed - mean * mean, 0);
    double p[2];
    size_t k = family == FLOW_FIT_EXPONENTIAL ? 1 : 2;
    if (data_prepare(&d) != 0) {
        data_fini(&d);
        return -1;
    }
    if (family == FLOW_FIT_EXPONENTIAL && intervals == 0) {
        p[0] = total / (double)observed;   /* censored stays count in the time, not the events */
        p[1] = 0;
    } else {
        maximise(&d, mean, var, p);
    }
    out->loglik = log_likelihood(&d, p);
    data_fini(&d);
    if (!isfinite(out->loglik))
        return -1;
    out->aic = 2 * (double)k - 2 * out->loglik;
    out->ks = ks_kaplan_meier(&d, p);
    out->observed = observed - intervals;
    out->intervals = intervals;
    out->censored = n - observed;
    user_params(family, p, out);
    return 0;
}

int flow_fit_family(const double *x, const unsigned char *censored, size_t n, enum flow_fit_family family,
                    struct flow_fit *out)
{
    if (censored == NULL)
        return flow_fit_censored(x, NULL, NULL, n, family, out);
    unsigned char *kind = malloc(n + 1);
    if (kind == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        kind[i] = censored[i] ? FLOW_FIT_RIGHT : FLOW_FIT_ENDED;
    int rc = flow_fit_censored(x, NULL, kind, n, family, out);
    free(kind);
    return rc;
}

/* A fit a scenario can hold: finite, positive parameters, durations within the horizon's limit,
 * a Weibull shape within its range (data all alike give a shape in the millions). */
static bool fit_usable(const struct flow_fit *f)
{
    bool two = f->family != FLOW_FIT_EXPONENTIAL;
    double dur = f->family == FLOW_FIT_WEIBULL ? f->b : f->a;
    if (!(dur > 0 && dur <= FLOW_MAX_HORIZON_DAYS) || (two && !(f->b > 0 && f->b <= FLOW_MAX_HORIZON_DAYS)))
        return false;
    return f->family != FLOW_FIT_WEIBULL || (f->a >= FLOW_MIN_WEIBULL_SHAPE && f->a <= FLOW_MAX_WEIBULL_SHAPE);
}

int flow_fit_best_censored(const double *x, const double *hi, const unsigned char *kind, size_t n,
                           struct flow_fit fits[FLOW_FIT_FAMILIES], enum flow_fit_family *best)
{
    int found = -1;
    for (int f = 0; f < FLOW_FIT_FAMILIES; f++) {
        if (flow_fit_censored(x, hi, kind, n, (enum flow_fit_family)f, &fits[f]) != 0 || !fit_usable(&fits[f])) {
            fits[f].aic = INFINITY;
            continue;
        }
        if (found < 0 || fits[f].aic < fits[found].aic)
            found = f;
    }
    if (found < 0)
        return -1;
    *best = (enum flow_fit_family)found;
    return 0;
}

int flow_fit_best(const double *x, const unsigned char *censored, size_t n, struct flow_fit fits[FLOW_FIT_FAMILIES],
                  enum flow_fit_family *best)
{
    unsigned char *kind = malloc(n + 1);
    if (kind == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        kind[i] = censored && censored[i] ? FLOW_FIT_RIGHT : FLOW_FIT_ENDED;
    int rc = flow_fit_best_censored(x, NULL, kind, n, fits, best);
    free(kind);
    return rc;
}
