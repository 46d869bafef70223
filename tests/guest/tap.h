/*
 * Minimal TAP output for the guest test programs: "ok N - name" lines
 * that scripts/run-tests.sh counts, and a plan at the end.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSYSMEM_TEST_TAP_H
#define VSYSMEM_TEST_TAP_H

#include <stdarg.h>
#include <stdio.h>

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

#endif /* VSYSMEM_TEST_TAP_H */
