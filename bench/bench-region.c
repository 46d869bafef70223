/*
 * Benchmark 5 (issue 7): region allocator operations per second and
 * fragmentation under a long random alloc/free churn with a realistic size
 * mix, versus the ideal.
 *
 * Workload: a 256 MiB region; pipelines come and go as whole collections of
 * 2-8 same-size buffers (what sysmem allocates), the size drawn from
 *   40% video frames (NV12 720p/1080p/4K, P010 1080p),
 *   20% display frames (BGRA 1080p, 1440p),
 *   25% compressed bitstream / audio (64 KiB - 2 MiB),
 *   15% small metadata buffers (4 - 60 KiB);
 * a collection is freed at random; the load is pushed up to ~95% and
 * allocations that do not fit fail (counted).  The churn runs ROUNDS
 * segments of 1,000,000 region operations on the same, ageing region; each
 * segment is one sample.
 *
 * The ideals, in the same run:
 *   ops/s      the same operation sequence against a zero-cost allocator
 *              (only the driver's RNG and bookkeeping): the ratio is the
 *              share of the churn loop the region itself leaves
 *   largest free / free   1.0 for a compacting allocator (all free space
 *              in one block); sampled every 1000 ops while load > 75%
 *   failed collections   per 1000 attempts, against the same churn on
 *              the compacting allocator (fails only when the free bytes
 *              do not hold the collection); "fragmentation failures" are
 *              the region's failures although free bytes >= the
 *              collection (0 for the ideal)
 *
 * usage: bench-region [ROUNDS]
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "bench/bench-util.h"
#include "hw/sysmem/region.h"

#define REGION (256ull << 20)
#define SEGMENT 1000000u
#define MAXLIVE 8192u
#define PAGE 4096ull

typedef struct Coll {
    uint64_t off[8];
    uint64_t size;
    unsigned n;
} Coll;

static uint64_t pick_size(GRand *rnd)
{
    static const uint64_t video[] = {
        1280 * 720 * 3 / 2, 1920 * 1088 * 3 / 2, 3840 * 2160 * 3 / 2,
        1920 * 1088 * 3,
    };
    static const uint64_t display[] = { 1920 * 1080 * 4, 2560 * 1440 * 4 };
    int p = g_rand_int_range(rnd, 0, 100);
    uint64_t sz;

    if (p < 40) {
        sz = video[g_rand_int_range(rnd, 0, 4)];
    } else if (p < 60) {
        sz = display[g_rand_int_range(rnd, 0, 2)];
    } else if (p < 85) {
        sz = 65536ull << g_rand_int_range(rnd, 0, 6);
        sz += g_rand_int_range(rnd, 0, (int)(sz / 2));
    } else {
        sz = 4096ull * g_rand_int_range(rnd, 1, 16);
    }
    return (sz + PAGE - 1) & ~(PAGE - 1);
}

typedef struct Churn {
    GRand *rnd;
    Coll *live;
    unsigned nlive;
    uint64_t used;              /* bookkeeping of the ideal allocator */
    uint64_t attempts, fails, frag_fails;
    double lf_sum;              /* largest free / free samples */
    unsigned lf_n;
} Churn;

/*
 * One segment of n region operations.  With r == NULL the allocator is
 * ideal and free (first-fit into a byte counter): the same random decisions,
 * none of the region's work.
 */
static void churn(Churn *c, SysmemRegion *r, unsigned n)
{
    unsigned ops = 0, i;

    while (ops < n) {
        bool grow = c->nlive == 0 ||
                    (c->nlive < MAXLIVE && g_rand_int_range(c->rnd, 0, 100) <
                     (c->used < REGION * 7 / 10 ? 60 : 45));

        if (grow) {
            Coll *k = &c->live[c->nlive];
            uint64_t sz = pick_size(c->rnd);
            unsigned cnt = g_rand_int_range(c->rnd, 2, 7);

            k->size = sz;
            k->n = 0;
            c->attempts++;
            for (i = 0; i < cnt; i++) {
                ops++;
                if (r) {
                    if (!sysmem_region_alloc(r, sz, 0, &k->off[i])) {
                        break;
                    }
                } else if (c->used + sz > REGION) {
                    break;
                }
                c->used += sz;
                k->n++;
            }
            if (k->n < cnt) {
                /* Sysmem fails the whole collection: give back the rest. */
                c->fails++;
                if (r && REGION - c->used >= sz * (cnt - k->n)) {
                    c->frag_fails++;
                }
                for (i = 0; i < k->n; i++) {
                    ops++;
                    if (r) {
                        sysmem_region_release(r, k->off[i]);
                    }
                    c->used -= sz;
                }
            } else {
                c->nlive++;
            }
        } else {
            unsigned j = g_rand_int_range(c->rnd, 0, c->nlive);
            Coll *k = &c->live[j];

            for (i = 0; i < k->n; i++) {
                ops++;
                if (r) {
                    sysmem_region_release(r, k->off[i]);
                }
                c->used -= k->size;
            }
            *k = c->live[--c->nlive];
        }
        if (r && ops % 1000 < 8 && c->used > REGION * 3 / 4) {
            SysmemRegionStats st;

            sysmem_region_get_stats(r, &st);
            if (st.free) {
                c->lf_sum += (double)st.largest_free / st.free;
                c->lf_n++;
            }
        }
    }
}

int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 10;
    BenchReport rep = { .benchmark = "region-churn" };
    SysmemRegion *reg = sysmem_region_new(0, REGION, PAGE);
    g_autofree double *ops = NULL, *ideal_ops = NULL, *lf = NULL, *ff = NULL;
    g_autofree double *fails = NULL, *ideal_fails = NULL, *one = NULL;
    Churn real = { 0 }, ideal = { 0 };
    BenchMetric *b, *b1, *b0;
    SysmemRegionStats st;
    unsigned s, i;

    if (rounds < 1 || !reg) {
        fprintf(stderr, "usage: %s [ROUNDS]\n", argv[0]);
        return 2;
    }
    ops = g_new(double, rounds);
    ideal_ops = g_new(double, rounds);
    lf = g_new(double, rounds);
    ff = g_new(double, rounds);
    fails = g_new(double, rounds);
    ideal_fails = g_new(double, rounds);
    one = g_new(double, rounds);
    real.rnd = g_rand_new_with_seed(7);
    ideal.rnd = g_rand_new_with_seed(7);
    real.live = g_new(Coll, MAXLIVE);
    ideal.live = g_new(Coll, MAXLIVE);
    for (s = 0; s < rounds; s++) {
        uint64_t a0 = real.attempts, f0 = real.fails, ff0 = real.frag_fails;
        uint64_t ia0 = ideal.attempts, if0 = ideal.fails;
        double t0;

        real.lf_sum = 0;
        real.lf_n = 0;
        t0 = bench_now_us();
        churn(&real, reg, SEGMENT);
        ops[s] = SEGMENT / ((bench_now_us() - t0) / 1e6);
        t0 = bench_now_us();
        churn(&ideal, NULL, SEGMENT);
        ideal_ops[s] = SEGMENT / ((bench_now_us() - t0) / 1e6);
        lf[s] = real.lf_n ? real.lf_sum / real.lf_n : 1.0;
        fails[s] = 1000.0 * (real.fails - f0) / MAX(real.attempts - a0, 1);
        ff[s] = 1000.0 * (real.frag_fails - ff0) /
                MAX(real.attempts - a0, 1);
        ideal_fails[s] = 1000.0 * (ideal.fails - if0) /
                         MAX(ideal.attempts - ia0, 1);
        one[s] = 1.0;
    }
    b = bench_add(&rep, "zero-cost allocator (harness)", "ops/s", ideal_ops,
                  rounds, NULL);
    bench_add(&rep, "region alloc/free", "ops/s", ops, rounds, b);
    b1 = bench_add(&rep, "ideal largest free / free", "ratio", one, rounds,
                   NULL);
    bench_add(&rep, "largest free / free at load > 75%", "ratio", lf, rounds,
              b1);
    b0 = bench_add(&rep, "ideal failed collections / 1000", "count",
                   ideal_fails, rounds, NULL);
    bench_add(&rep, "failed collections / 1000", "count", fails, rounds,
              b0);
    bench_add(&rep, "fragmentation failures / 1000", "count", ff, rounds,
              NULL);
    bench_print(&rep, "256 MiB region, collections of 2-6 buffers "
                "(frames, bitstream, metadata), 1M ops per round");
    for (s = 0; s < real.nlive; s++) {
        for (i = 0; i < real.live[s].n; i++) {
            sysmem_region_release(reg, real.live[s].off[i]);
        }
    }
    sysmem_region_get_stats(reg, &st);
    printf("after freeing everything: %" G_GUINT64_FORMAT " bytes used, %u "
           "free block(s)\n", st.used, st.free_blocks);
    g_rand_free(real.rnd);
    g_rand_free(ideal.rnd);
    g_free(real.live);
    g_free(ideal.live);
    sysmem_region_destroy(reg);
    return bench_write_json(&rep, NULL) ? 1 : 0;
}
