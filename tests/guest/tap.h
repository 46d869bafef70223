/*
 * Minimal TAP output for the guest test programs: "ok N - name" lines
 * that scripts/run-tests.sh counts, and a plan at the end.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSYSMEM_TEST_TAP_H
#define VSYSMEM_TEST_TAP_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static int tap_n;
static int tap_failed;

static inline int tap_ok(int cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;

    printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    if (!cond) {
        tap_failed++;
    }
    return cond;
}

#define tap_diag(...) do { printf("# " __VA_ARGS__); printf("\n"); \
                           fflush(stdout); } while (0)

static inline int tap_done(void)
{
    printf("1..%d\n", tap_n);
    fflush(stdout);
    return tap_failed ? 1 : 0;
}

/* Timing helpers for the latency lines. */
static inline uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

#endif /* VSYSMEM_TEST_TAP_H */
