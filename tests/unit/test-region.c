/*
 * Region allocator tests: exact sizes, alignment, exhaustion, coalescing and
 * random churn (no overlap, everything reclaimed, fragmentation bounded).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "hw/sysmem/region.h"

#define PAGE 4096ull

static void test_basic(void)
{
    SysmemRegion *r = sysmem_region_new(0, 64 * PAGE, PAGE);
    SysmemRegionStats st;
    uint64_t a, b, c;

    g_assert_nonnull(r);
    g_assert_true(sysmem_region_alloc(r, 1, 0, &a));
    g_assert_cmpuint(a, ==, 0);
    g_assert_cmpuint(sysmem_region_alloc_size(r, a), ==, PAGE);
    g_assert_true(sysmem_region_alloc(r, 98304, 0, &b));
    g_assert_cmpuint(b, ==, PAGE);
    g_assert_cmpuint(sysmem_region_alloc_size(r, b), ==, 98304);
    g_assert_true(sysmem_region_alloc(r, PAGE + 1, 0, &c));
    g_assert_cmpuint(sysmem_region_alloc_size(r, c), ==, 2 * PAGE);
    sysmem_region_get_stats(r, &st);
    g_assert_cmpuint(st.used, ==, (1 + 24 + 2) * PAGE);
    g_assert_cmpuint(st.allocations, ==, 3);
    g_assert_true(sysmem_region_check(r));
    g_assert_false(sysmem_region_release(r, a + 1));
    g_assert_false(sysmem_region_release(r, 63 * PAGE));
    g_assert_true(sysmem_region_release(r, b));
    g_assert_false(sysmem_region_release(r, b));
    g_assert_true(sysmem_region_release(r, a));
    g_assert_true(sysmem_region_release(r, c));
    sysmem_region_get_stats(r, &st);
    g_assert_cmpuint(st.used, ==, 0);
    g_assert_cmpuint(st.free_blocks, ==, 1);
    g_assert_cmpuint(st.largest_free, ==, 64 * PAGE);
    g_assert_true(sysmem_region_check(r));
    sysmem_region_destroy(r);
}

static void test_bad_args(void)
{
    SysmemRegion *r;
    uint64_t off;

    g_assert_null(sysmem_region_new(0, 10 * PAGE, 3000));
    g_assert_null(sysmem_region_new(0, 10 * PAGE + 1, PAGE));
    g_assert_null(sysmem_region_new(100, 10 * PAGE, PAGE));
    r = sysmem_region_new(0, 4 * PAGE, PAGE);
    g_assert_false(sysmem_region_alloc(r, 0, 0, &off));
    g_assert_false(sysmem_region_alloc(r, PAGE, 3 * PAGE, &off));
    g_assert_false(sysmem_region_alloc(r, UINT64_MAX, 0, &off));
    g_assert_false(sysmem_region_alloc(r, 5 * PAGE, 0, &off));
    sysmem_region_destroy(r);
    r = sysmem_region_new(0, 0, PAGE);
    g_assert_false(sysmem_region_alloc(r, 1, 0, &off));
    sysmem_region_destroy(r);
}

static void test_exhaustion(void)
{
    SysmemRegion *r = sysmem_region_new(1 << 20, 16 * PAGE, PAGE);
    uint64_t off[16], extra;
    int i;

    for (i = 0; i < 16; i++) {
        g_assert_true(sysmem_region_alloc(r, PAGE, 0, &off[i]));
        g_assert_cmpuint(off[i], ==, (1 << 20) + i * PAGE);
    }
    g_assert_false(sysmem_region_alloc(r, PAGE, 0, &extra));
    /* Free every other page: 8 pages free, but no 2-page hole. */
    for (i = 0; i < 16; i += 2) {
        g_assert_true(sysmem_region_release(r, off[i]));
    }
    g_assert_false(sysmem_region_alloc(r, 2 * PAGE, 0, &extra));
    g_assert_cmpuint(sysmem_region_fragmentation(r), ==, 875);
    g_assert_true(sysmem_region_release(r, off[1]));
    g_assert_true(sysmem_region_alloc(r, 3 * PAGE, 0, &extra));
    g_assert_cmpuint(extra, ==, off[0]);
    g_assert_true(sysmem_region_check(r));
    sysmem_region_reset(r);
    g_assert_true(sysmem_region_alloc(r, 16 * PAGE, 0, &extra));
    sysmem_region_destroy(r);
}

static void test_alignment(void)
{
    SysmemRegion *r = sysmem_region_new(0, 1024 * PAGE, PAGE);
    uint64_t a, b, c;
    SysmemRegionStats st;

    g_assert_true(sysmem_region_alloc(r, PAGE, 0, &a));
    g_assert_true(sysmem_region_alloc(r, PAGE, 64 * PAGE, &b));
    g_assert_cmpuint(b % (64 * PAGE), ==, 0);
    g_assert_cmpuint(b, ==, 64 * PAGE);
    /* The gap in front of an aligned block stays usable. */
    g_assert_true(sysmem_region_alloc(r, 62 * PAGE, 0, &c));
    g_assert_cmpuint(c, ==, PAGE);
    g_assert_true(sysmem_region_alloc(r, 1 << 20, 1 << 20, &c));
    g_assert_cmpuint(c % (1 << 20), ==, 0);
    g_assert_true(sysmem_region_check(r));
    sysmem_region_get_stats(r, &st);
    g_assert_cmpuint(st.used, ==, (64 + 256) * PAGE);
    sysmem_region_destroy(r);
}

typedef struct Live {
    uint64_t off, size;
} Live;

static int cmp_live(const void *a, const void *b)
{
    const Live *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * Random churn against a 64 MiB region at ~50-75% load.  Checks no overlap
 * after every phase, that freeing everything restores one block, and that
 * failures under load are real (free space smaller than the request) or
 * fragmentation stays bounded.
 */
static void test_churn(void)
{
    const uint64_t size = 64ull << 20;
    SysmemRegion *r = sysmem_region_new(0, size, PAGE);
    GRand *rand = g_rand_new_with_seed(1234);
    Live *live = g_new0(Live, 4096);
    unsigned n = 0, i, round, worst_frag = 0, fails = 0;
    SysmemRegionStats st;

    for (round = 0; round < 20000; round++) {
        bool do_alloc = n == 0 || (n < 4096 && g_rand_int_range(rand, 0, 100) < 55);

        sysmem_region_get_stats(r, &st);
        if (do_alloc && st.used < size * 3 / 4) {
            uint64_t sz = g_rand_int_range(rand, 1, 4 << 20);
            uint64_t align = g_rand_int_range(rand, 0, 8) == 0 ? 1 << 16 : 0;
            uint64_t off;

            if (sysmem_region_alloc(r, sz, align, &off)) {
                g_assert_cmpuint(off % PAGE, ==, 0);
                if (align) {
                    g_assert_cmpuint(off % align, ==, 0);
                }
                g_assert_cmpuint(off + sz, <=, size);
                live[n].off = off;
                live[n].size = sysmem_region_alloc_size(r, off);
                g_assert_cmpuint(live[n].size, >=, sz);
                g_assert_cmpuint(live[n].size, <, sz + PAGE);
                n++;
            } else {
                fails++;
                /* A failure with plenty of free space would be a bug. */
                g_assert_cmpuint(st.largest_free, <, sz + align + PAGE);
            }
        } else if (n) {
            i = g_rand_int_range(rand, 0, n);
            g_assert_true(sysmem_region_release(r, live[i].off));
            live[i] = live[--n];
        }
        if (round % 1000 == 0) {
            qsort(live, n, sizeof(*live), cmp_live);
            for (i = 1; i < n; i++) {
                g_assert_cmpuint(live[i - 1].off + live[i - 1].size, <=,
                                 live[i].off);
            }
            g_assert_true(sysmem_region_check(r));
            worst_frag = MAX(worst_frag, sysmem_region_fragmentation(r));
        }
    }
    g_test_message("churn: worst fragmentation %u per mille, %u failed allocs",
                   worst_frag, fails);
    /* With 1..4 MiB requests the largest hole stays a sizeable share. */
    g_assert_cmpuint(worst_frag, <, 900);
    for (i = 0; i < n; i++) {
        g_assert_true(sysmem_region_release(r, live[i].off));
    }
    sysmem_region_get_stats(r, &st);
    g_assert_cmpuint(st.used, ==, 0);
    g_assert_cmpuint(st.allocations, ==, 0);
    g_assert_cmpuint(st.free_blocks, ==, 1);
    g_assert_cmpuint(st.largest_free, ==, size);
    g_assert_true(sysmem_region_check(r));
    g_free(live);
    g_rand_free(rand);
    sysmem_region_destroy(r);
}

/* The exact hole a freed buffer left is reused before a bigger block. */
static void test_best_fit_reuses_hole(void)
{
    SysmemRegion *r = sysmem_region_new(0, 4096 * PAGE, PAGE);
    uint64_t a, b, c, d, e;

    /* [a 760][b 8][c 770][d 8][rest], then free a and c: two holes */
    g_assert_true(sysmem_region_alloc(r, 760 * PAGE, 0, &a));
    g_assert_true(sysmem_region_alloc(r, 8 * PAGE, 0, &b));
    g_assert_true(sysmem_region_alloc(r, 770 * PAGE, 0, &c));
    g_assert_true(sysmem_region_alloc(r, 8 * PAGE, 0, &d));
    g_assert_true(sysmem_region_release(r, a));
    g_assert_true(sysmem_region_release(r, c));
    /* 765 fits only the 770 hole (the next size class): good fit */
    g_assert_true(sysmem_region_alloc(r, 765 * PAGE, 0, &e));
    g_assert_cmpuint(e, ==, c);
    g_assert_true(sysmem_region_release(r, e));
    /*
     * 760 has a hole of its own size class; good fit alone would round up
     * to the next class and split the 770 hole instead.
     */
    g_assert_true(sysmem_region_alloc(r, 760 * PAGE, 0, &e));
    g_assert_cmpuint(e, ==, a);
    g_assert_true(sysmem_region_check(r));
    sysmem_region_destroy(r);
}

/* Without sysmem_region_assume_zeroed every byte may hold old data. */
static void test_dirty_by_default(void)
{
    SysmemRegion *r = sysmem_region_new(0, 64 * PAGE, PAGE);
    uint64_t off, dirty;

    g_assert_true(sysmem_region_alloc_ex(r, 3 * PAGE - 100, 0, &off, &dirty));
    g_assert_cmpuint(dirty, ==, 3 * PAGE);
    g_assert_true(sysmem_region_alloc_ex(r, PAGE, 0, &off, &dirty));
    g_assert_cmpuint(dirty, ==, PAGE);
    sysmem_region_destroy(r);
}

/*
 * A zeroed region: never-used bytes are reported clean, every byte that
 * was handed out before is inside the dirty prefix (checked against a
 * shadow of every granule ever handed out, under random churn).
 */
static void test_dirty_tracks_reuse(void)
{
    enum { PAGES = 512 };
    SysmemRegion *r = sysmem_region_new(0, PAGES * PAGE, PAGE);
    g_autofree bool *ever = g_new0(bool, PAGES);
    uint64_t off[32] = { 0 }, off2, dirty, p;
    GRand *rnd = g_rand_new_with_seed(18);
    unsigned i, step, clean = 0, reused = 0;

    sysmem_region_assume_zeroed(r);
    g_assert_true(sysmem_region_alloc_ex(r, 4 * PAGE, 0, &off2, &dirty));
    g_assert_cmpuint(dirty, ==, 0);
    g_assert_true(sysmem_region_release(r, off2));
    /* the same range again: it was handed out, so all of it is dirty */
    g_assert_true(sysmem_region_alloc_ex(r, 6 * PAGE, 0, &off2, &dirty));
    g_assert_cmpuint(off2, ==, 0);
    g_assert_cmpuint(dirty, ==, 4 * PAGE);
    g_assert_true(sysmem_region_release(r, off2));
    for (p = 0; p < 6; p++) {
        ever[p] = true;
    }

    for (step = 0; step < 20000; step++) {
        i = g_rand_int_range(rnd, 0, 32);
        if (off[i]) {
            g_assert_true(sysmem_region_release(r, off[i] - 1));
            off[i] = 0;
            continue;
        }
        if (!sysmem_region_alloc_ex(r, g_rand_int_range(rnd, 1, 40) * PAGE,
                                    g_rand_boolean(rnd) ? 4 * PAGE : 0,
                                    &off2, &dirty)) {
            continue;
        }
        g_assert_cmpuint(dirty % PAGE, ==, 0);
        g_assert_cmpuint(dirty, <=, sysmem_region_alloc_size(r, off2));
        for (p = off2 / PAGE; p < (off2 + sysmem_region_alloc_size(r, off2)) /
             PAGE; p++) {
            if (ever[p]) {
                /* old data may be here: it must be in the prefix */
                g_assert_cmpuint(p * PAGE, <, off2 + dirty);
                reused++;
            } else if (p * PAGE >= off2 + dirty) {
                clean++;
            }
            ever[p] = true;
        }
        off[i] = off2 + 1;
    }
    /* both cases really happened */
    g_assert_cmpuint(clean, >, 0);
    g_assert_cmpuint(reused, >, 0);

    /* reset returns the memory, but what was used stays dirty */
    sysmem_region_reset(r);
    g_assert_true(sysmem_region_alloc_ex(r, PAGES * PAGE, 0, &off2, &dirty));
    for (p = PAGES; p > 0 && !ever[p - 1]; p--) {
    }
    g_assert_cmpuint(dirty, ==, p * PAGE);
    g_rand_free(rnd);
    sysmem_region_destroy(r);
}

/* assume_zeroed with live allocations: only bytes after the last one. */
static void test_dirty_assume_with_live(void)
{
    SysmemRegion *r = sysmem_region_new(0, 64 * PAGE, PAGE);
    uint64_t a, b, c, dirty;

    g_assert_true(sysmem_region_alloc(r, 2 * PAGE, 0, &a));
    g_assert_true(sysmem_region_alloc(r, 2 * PAGE, 0, &b));
    g_assert_true(sysmem_region_release(r, a));
    sysmem_region_assume_zeroed(r);
    /* the hole before b is below the mark: conservatively dirty */
    g_assert_true(sysmem_region_alloc_ex(r, 2 * PAGE, 0, &a, &dirty));
    g_assert_cmpuint(a, ==, 0);
    g_assert_cmpuint(dirty, ==, 2 * PAGE);
    g_assert_true(sysmem_region_alloc_ex(r, 2 * PAGE, 0, &c, &dirty));
    g_assert_cmpuint(c, ==, 4 * PAGE);
    g_assert_cmpuint(dirty, ==, 0);
    sysmem_region_destroy(r);
}

static void collect(void *opaque, const SysmemRegionBlock *blk)
{
    g_array_append_val((GArray *)opaque, *blk);
}

/* After import (migration, snapshot) nothing is assumed zero any more. */
static void test_dirty_after_import(void)
{
    SysmemRegion *src = sysmem_region_new(0, 64 * PAGE, PAGE);
    SysmemRegion *dst = sysmem_region_new(0, 64 * PAGE, PAGE);
    g_autoptr(GArray) blocks = g_array_new(false, false,
                                           sizeof(SysmemRegionBlock));
    uint64_t a, dirty;

    sysmem_region_assume_zeroed(src);
    g_assert_true(sysmem_region_alloc(src, 8 * PAGE, 0, &a));
    sysmem_region_export(src, collect, blocks);
    sysmem_region_assume_zeroed(dst);
    g_assert_true(sysmem_region_import(dst, (SysmemRegionBlock *)blocks->data,
                                       blocks->len));
    g_assert_true(sysmem_region_alloc_ex(dst, 4 * PAGE, 0, &a, &dirty));
    g_assert_cmpuint(a, ==, 8 * PAGE);
    g_assert_cmpuint(dirty, ==, 4 * PAGE);
    /* a failed import leaves the region empty and still all dirty */
    g_assert_false(sysmem_region_import(dst, NULL, 0));
    g_assert_true(sysmem_region_alloc_ex(dst, 64 * PAGE, 0, &a, &dirty));
    g_assert_cmpuint(dirty, ==, 64 * PAGE);
    sysmem_region_destroy(src);
    sysmem_region_destroy(dst);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/region/basic", test_basic);
    g_test_add_func("/region/bad-args", test_bad_args);
    g_test_add_func("/region/exhaustion", test_exhaustion);
    g_test_add_func("/region/alignment", test_alignment);
    g_test_add_func("/region/churn", test_churn);
    g_test_add_func("/region/best-fit-reuses-hole", test_best_fit_reuses_hole);
    g_test_add_func("/region/dirty/by-default", test_dirty_by_default);
    g_test_add_func("/region/dirty/tracks-reuse", test_dirty_tracks_reuse);
    g_test_add_func("/region/dirty/assume-with-live",
                    test_dirty_assume_with_live);
    g_test_add_func("/region/dirty/after-import", test_dirty_after_import);
    return g_test_run();
}
