/*
 * Core benchmark (not a test): time per constraint aggregation for 2, 16
 * and 64 participants (pure aggregation, and a whole negotiation through
 * the message interface), and region fragmentation under churn.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include <stdio.h>
#include "tests/unit/test-core-util.h"
#include "hw/sysmem/region.h"

static const SysmemHeapDesc heaps[] = {
    { SYSMEM2_HEAP_TYPE_SYSTEM_RAM, 0, false, true, true, true },
};
static const SysmemAllocEnv env = {
    .heaps = heaps, .nheaps = 1, .page_size = 4096,
    .max_buffer_size = 256u << 20,
};

/* Participant i: NV12 + BGRA entries, camping 1, sizes growing with i. */
static void participant(SysmemConstraints *c, unsigned i)
{
    sysmem2_image_format_constraints_t *f;

    memset(c, 0, sizeof(*c));
    c_cpu(c, SYSMEM2_CPU_USAGE_READ_OFTEN);
    c_camping(c, 1);
    f = c_image(c, IMAGES2_PIXEL_FORMAT_NV12, IMAGES2_COLOR_SPACE_REC709);
    f->color_spaces[f->color_spaces_count++] = IMAGES2_COLOR_SPACE_REC601_NTSC;
    ifc_min_size(f, 640 + 2 * i, 480);
    f = c_image(c, IMAGES2_PIXEL_FORMAT_B8G8R8A8, IMAGES2_COLOR_SPACE_SRGB);
    ifc_min_size(f, 640 + 2 * i, 480);
}

static double aggregate_once(SysmemConstraints **sanitized, unsigned n)
{
    g_autofree SysmemConstraints *acc = g_new(SysmemConstraints, 1);
    sysmem2_single_buffer_settings_t out;
    gint64 t0 = g_get_monotonic_time();
    bool have = false;
    uint32_t count;
    unsigned i;

    for (i = 0; i < n; i++) {
        if (sysmem_constraints_combine(acc, &have, sanitized[i], NULL)) {
            abort();
        }
    }
    if (sysmem_constraints_finish(acc, NULL) ||
        sysmem_constraints_choose(&env, acc, &out, &count, NULL) ||
        count != n) {
        abort();
    }
    return (g_get_monotonic_time() - t0) / 1.0;
}

static void bench_aggregation(unsigned n)
{
    SysmemConstraints **raw = g_new(SysmemConstraints *, n);
    SysmemConstraints **san = g_new(SysmemConstraints *, n);
    double best_pure = 1e18, best_e2e = 1e18, sanitize_us = 0;
    unsigned i, rep;

    for (i = 0; i < n; i++) {
        raw[i] = g_new(SysmemConstraints, 1);
        san[i] = g_new(SysmemConstraints, 1);
        participant(raw[i], i);
    }
    sanitize_us = 1e18;
    for (rep = 0; rep < 10; rep++) {
        gint64 t0 = g_get_monotonic_time();

        for (i = 0; i < n; i++) {
            if (sysmem_constraints_sanitize(raw[i], san[i], NULL)) {
                abort();
            }
        }
        sanitize_us = MIN(sanitize_us, (double)(g_get_monotonic_time() - t0));
    }
    for (rep = 0; rep < 20; rep++) {
        best_pure = MIN(best_pure, aggregate_once(san, n));
    }
    /* Whole negotiation: tokens, bind, SetConstraints, Wait, teardown. */
    for (rep = 0; rep < 10; rep++) {
        VsHost *h = test_host(256ull << 20, 0);
        TestCollection tc;
        gint64 t0 = g_get_monotonic_time();
        VsCall *w;

        test_collection(h, &tc, n);
        for (i = 0; i < n; i++) {
            vs_set_constraints(h, tc.colls[i], raw[i]);
        }
        w = vs_wait(h, tc.colls[0], false);
        if (!w->answered) {
            abort();
        }
        best_e2e = MIN(best_e2e, (double)(g_get_monotonic_time() - t0));
        vs_host_free(h);
    }
    printf("aggregation %2u participants: %8.1f us (sanitize all %.1f + "
           "combine/choose %.1f); whole negotiation through FIDL messages "
           "%8.1f us\n", n, sanitize_us + best_pure, sanitize_us, best_pure,
           best_e2e);
    for (i = 0; i < n; i++) {
        g_free(raw[i]);
        g_free(san[i]);
    }
    g_free(raw);
    g_free(san);
}

typedef struct Live {
    uint64_t off;
} Live;

/*
 * Random churn in a 256 MiB region: buffer sizes typical of sysmem (4 KiB
 * to 8 MiB, log-uniform), target load 50-90%.  Reports external
 * fragmentation (1 - largest free / free) and how full the region was when
 * the first request failed.
 */
static void bench_churn(void)
{
    const uint64_t size = 256ull << 20;
    SysmemRegion *r = sysmem_region_new(0, size, 4096);
    GRand *rand = g_rand_new_with_seed(42);
    Live *live = g_new(Live, 100000);
    unsigned n = 0, i, fails = 0;
    uint64_t ops = 0, frag_sum = 0, frag_samples = 0, worst = 0;
    double fail_load_sum = 0;
    SysmemRegionStats st;
    gint64 t0 = g_get_monotonic_time();

    for (ops = 0; ops < 1000000; ops++) {
        sysmem_region_get_stats(r, &st);
        if (n == 0 || (st.used < size * 9 / 10 && g_rand_boolean(rand))) {
            uint64_t sz = 4096ull << g_rand_int_range(rand, 0, 12);
            uint64_t off;

            sz += g_rand_int_range(rand, 0, (int)sz);
            if (sysmem_region_alloc(r, sz, 0, &off)) {
                live[n++].off = off;
            } else {
                fails++;
                fail_load_sum += (double)st.used / size;
            }
        } else {
            i = g_rand_int_range(rand, 0, n);
            sysmem_region_release(r, live[i].off);
            live[i] = live[--n];
        }
        if (ops % 1000 == 0 && ops > 100000) {
            unsigned f = sysmem_region_fragmentation(r);

            frag_sum += f;
            frag_samples++;
            worst = MAX(worst, f);
        }
    }
    printf("region churn: %" G_GUINT64_FORMAT " ops in %.0f ms (%.0f ns/op), "
           "fragmentation mean %.1f%% worst %.1f%%, %u failed allocs at mean "
           "load %.1f%%\n", ops, (g_get_monotonic_time() - t0) / 1000.0,
           (g_get_monotonic_time() - t0) * 1000.0 / ops,
           frag_sum / 10.0 / MAX(frag_samples, 1), worst / 10.0, fails,
           fails ? 100.0 * fail_load_sum / fails : 0.0);
    for (i = 0; i < n; i++) {
        sysmem_region_release(r, live[i].off);
    }
    sysmem_region_get_stats(r, &st);
    printf("region churn: after freeing everything: %" G_GUINT64_FORMAT
           " bytes used, %u free block(s)\n", st.used, st.free_blocks);
    g_free(live);
    g_rand_free(rand);
    sysmem_region_destroy(r);
}

int main(void)
{
    bench_aggregation(2);
    bench_aggregation(16);
    bench_aggregation(64);
    bench_churn();
    return 0;
}
