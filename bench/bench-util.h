/*
 * Shared helpers for the host benchmarks (bench/bench-*.c): repeated-run
 * statistics, the printed table and the JSON record every benchmark writes
 * under build/bench/ (<benchmark>-<timestamp>.json):
 *
 *   {"benchmark", "timestamp", "host",
 *    "metrics": [{"name", "unit", "median", "min", "max",
 *                 "baseline_name", "baseline_median", "ratio"}]}
 *
 * ratio is always median / baseline_median (for a time, > 1 is slower than
 * the baseline; for a bandwidth, < 1 is slower).  scripts/bench-plot.py
 * reads these records.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct BenchMetric {
    char name[96];
    char unit[16];
    double median, min, max;
    char baseline_name[96];     /* "" when the metric has no baseline */
    double baseline_median;
    double ratio;
} BenchMetric;

typedef struct BenchReport {
    const char *benchmark;
    BenchMetric m[64];
    unsigned n;
} BenchReport;

static inline double bench_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Sorts v in place; median (upper middle), min, max. */
static inline void bench_stats(double *v, unsigned n, double *med,
                               double *min, double *max)
{
    qsort(v, n, sizeof(*v), bench_cmp_double);
    *med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    *min = v[0];
    *max = v[n - 1];
}

/*
 * Add a metric from n samples (sorted in place).  baseline may be NULL;
 * otherwise its median is the baseline_median and ratio = median / it.
 */
static inline BenchMetric *bench_add(BenchReport *r, const char *name,
                                     const char *unit, double *v, unsigned n,
                                     const BenchMetric *baseline)
{
    BenchMetric *m;

    g_assert(r->n < G_N_ELEMENTS(r->m));
    m = &r->m[r->n++];
    memset(m, 0, sizeof(*m));
    g_strlcpy(m->name, name, sizeof(m->name));
    g_strlcpy(m->unit, unit, sizeof(m->unit));
    bench_stats(v, n, &m->median, &m->min, &m->max);
    if (baseline) {
        g_strlcpy(m->baseline_name, baseline->name, sizeof(m->baseline_name));
        m->baseline_median = baseline->median;
        m->ratio = baseline->median ? m->median / baseline->median : 0;
    }
    return m;
}

/* A metric that is one number (e.g. a fitted slope): median = min = max. */
static inline BenchMetric *bench_add1(BenchReport *r, const char *name,
                                      const char *unit, double x,
                                      const char *baseline_name,
                                      double baseline)
{
    BenchMetric *m = bench_add(r, name, unit, &x, 1, NULL);

    if (baseline_name) {
        g_strlcpy(m->baseline_name, baseline_name, sizeof(m->baseline_name));
        m->baseline_median = baseline;
        m->ratio = baseline ? x / baseline : 0;
    }
    return m;
}

static inline const char *bench_fmt(char *buf, size_t n, double x)
{
    double a = x < 0 ? -x : x;

    if (a != 0 && (a >= 1e7 || a < 0.01)) {
        snprintf(buf, n, "%.3g", x);
    } else if (a >= 1000) {
        snprintf(buf, n, "%.0f", x);
    } else {
        snprintf(buf, n, "%.3g", x);
    }
    return buf;
}

static inline void bench_print(const BenchReport *r, const char *title)
{
    char a[32], b[32], c[32], d[32];
    unsigned i;

    printf("\n== %s: %s\n", r->benchmark, title);
    printf("%-44s %-7s %10s %10s %10s  %-30s %10s %7s\n", "metric", "unit",
           "median", "min", "max", "baseline", "base med", "ratio");
    for (i = 0; i < r->n; i++) {
        const BenchMetric *m = &r->m[i];

        printf("%-44s %-7s %10s %10s %10s", m->name, m->unit,
               bench_fmt(a, sizeof(a), m->median),
               bench_fmt(b, sizeof(b), m->min),
               bench_fmt(c, sizeof(c), m->max));
        if (m->baseline_name[0]) {
            printf("  %-30s %10s %7.3f\n", m->baseline_name,
                   bench_fmt(d, sizeof(d), m->baseline_median), m->ratio);
        } else {
            printf("\n");
        }
    }
    fflush(stdout);
}

static inline void bench_json_str(GString *s, const char *v)
{
    g_string_append_c(s, '"');
    for (; *v; v++) {
        if (*v == '"' || *v == '\\') {
            g_string_append_c(s, '\\');
        }
        if ((unsigned char)*v >= 0x20) {
            g_string_append_c(s, *v);
        }
    }
    g_string_append_c(s, '"');
}

/* "hostname, N cpus, model name" */
static inline char *bench_host(void)
{
    g_autofree char *cpuinfo = NULL;
    char host[256] = "unknown";
    const char *model = "";
    g_autofree char *m = NULL;

    gethostname(host, sizeof(host) - 1);
    if (g_file_get_contents("/proc/cpuinfo", &cpuinfo, NULL, NULL)) {
        char *p = strstr(cpuinfo, "model name");

        if (p && (p = strchr(p, ':'))) {
            char *e = strchr(p, '\n');

            m = g_strstrip(g_strndup(p + 1, e ? (size_t)(e - p - 1)
                                                : strlen(p + 1)));
            model = m;
        }
    }
    return g_strdup_printf("%s, %ld cpus, %s", host,
                           sysconf(_SC_NPROCESSORS_ONLN), model);
}

static inline void bench_json_num(GString *s, double x)
{
    if (x != x || x > 1e300 || x < -1e300) {
        g_string_append(s, "null");
    } else {
        g_string_append_printf(s, "%.6g", x);
    }
}

/*
 * Write <dir>/<benchmark>-<YYYYmmddTHHMMSS>.json (dir NULL: $BENCH_DIR or
 * build/bench).  Returns 0 or -1.
 */
static inline int bench_write_json(const BenchReport *r, const char *dir)
{
    g_autoptr(GString) s = g_string_new("{\"benchmark\": ");
    g_autofree char *host = bench_host();
    g_autofree char *path = NULL;
    char stamp[32], iso[32];
    time_t t = time(NULL);
    struct tm tm;
    unsigned i;

    gmtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
    strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!dir) {
        dir = getenv("BENCH_DIR") ? getenv("BENCH_DIR") : "build/bench";
    }
    bench_json_str(s, r->benchmark);
    g_string_append(s, ", \"timestamp\": ");
    bench_json_str(s, iso);
    g_string_append(s, ", \"host\": ");
    bench_json_str(s, host);
    g_string_append(s, ", \"metrics\": [");
    for (i = 0; i < r->n; i++) {
        const BenchMetric *m = &r->m[i];

        g_string_append(s, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
        bench_json_str(s, m->name);
        g_string_append(s, ", \"unit\": ");
        bench_json_str(s, m->unit);
        g_string_append(s, ", \"median\": ");
        bench_json_num(s, m->median);
        g_string_append(s, ", \"min\": ");
        bench_json_num(s, m->min);
        g_string_append(s, ", \"max\": ");
        bench_json_num(s, m->max);
        g_string_append(s, ", \"baseline_name\": ");
        if (m->baseline_name[0]) {
            bench_json_str(s, m->baseline_name);
            g_string_append(s, ", \"baseline_median\": ");
            bench_json_num(s, m->baseline_median);
            g_string_append(s, ", \"ratio\": ");
            bench_json_num(s, m->ratio);
        } else {
            g_string_append(s, "null, \"baseline_median\": null, "
                            "\"ratio\": null");
        }
        g_string_append(s, "}");
    }
    g_string_append(s, "\n]}\n");
    g_mkdir_with_parents(dir, 0755);
    path = g_strdup_printf("%s/%s-%s.json", dir, r->benchmark, stamp);
    if (!g_file_set_contents(path, s->str, s->len, NULL)) {
        fprintf(stderr, "bench: cannot write %s\n", path);
        return -1;
    }
    printf("(record: %s)\n", path);
    return 0;
}

/* Least-squares slope of y over x. */
static inline double bench_slope(const double *x, const double *y, unsigned n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    unsigned i;

    for (i = 0; i < n; i++) {
        sx += x[i];
        sy += y[i];
        sxx += x[i] * x[i];
        sxy += x[i] * y[i];
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

#endif
