/*
 * Benchmark 2 (issue 7): allocation cost versus the memory floor.
 *
 * A collection of 4 buffers totalling 1, 8 or 64 MiB is negotiated and
 * allocated through the core (SetConstraints + WaitForAllBuffersAllocated on
 * a non-shared collection), with the region memory in this process so the
 * core zero-fills every fresh buffer the way the device does.  The region is
 * a memfd mapping, like the device's memory-backend-memfd.  Same run, same
 * bytes:
 *
 *   memset          memset of the same number of bytes of the (already
 *                   faulted-in) region: the floor for eager zeroing
 *   punch           fallocate(PUNCH_HOLE) of the same bytes of the memfd:
 *                   the lazy alternative, which defers the zeroing to
 *   punch+touch     ... the first touch of every page afterwards (what a
 *                   user pays in page faults when it writes the buffer)
 *
 * Reported as bytes/s (MiB/s) and the ratio to memset.
 *
 * usage: bench-alloc [ROUNDS]
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include "bench/bench-util.h"
#include "tests/unit/test-core-util.h"

#define REGION (160ull << 20)
#define NBUF 4

static uint8_t *map;
static int mfd;

static double alloc_once(VsHost *h, uint64_t total)
{
    g_autofree SysmemConstraints *c = c_new();
    uint32_t alloc = vs_connect(h, false);
    uint32_t coll = vs_allocate_non_shared(h, alloc, false);
    double t0, t;
    VsCall *w;

    c_cpu(c, CPU_RW);
    c_min_count(c, NBUF);
    c_size(c, total / NBUF, 0);
    c_domains(c, true, false, false);
    t0 = bench_now_us();
    vs_set_constraints(h, coll, c);
    w = vs_wait(h, coll, false);
    t = bench_now_us() - t0;
    if (!w->answered || vs_wait_result(w, NULL)) {
        fprintf(stderr, "bench-alloc: allocation of %" G_GUINT64_FORMAT
                " bytes failed\n", total);
        abort();
    }
    vs_peer_close(h, coll);
    vs_peer_close(h, alloc);
    vs_release_buffers(h);
    return t;
}

static double memset_once(uint64_t total)
{
    double t0 = bench_now_us();

    memset(map, 0, total);
    __asm__ volatile("" ::: "memory");
    return bench_now_us() - t0;
}

static double punch_once(uint64_t total, bool touch)
{
    double t0 = bench_now_us();
    uint64_t off;

    if (fallocate(mfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
                  (off_t)total)) {
        perror("bench-alloc: fallocate(PUNCH_HOLE)");
        abort();
    }
    if (touch) {
        for (off = 0; off < total; off += 4096) {
            map[off] = 0;
        }
    }
    __asm__ volatile("" ::: "memory");
    return bench_now_us() - t0;
}

/* MiB/s of one op, the mean over enough repetitions for >= 5 ms. */
static double sample(VsHost *h, int op, uint64_t total)
{
    double us = 0;
    unsigned reps = 0;

    do {
        switch (op) {
        case 0:
            us += memset_once(total);
            break;
        case 1:
            us += alloc_once(h, total);
            break;
        case 2:
            us += punch_once(total, false);
            memset_once(total);         /* fault back in (untimed) */
            break;
        default:
            us += punch_once(total, true);
        }
        reps++;
    } while (us < 5000);
    return (double)total * reps / (1 << 20) / (us / 1e6);
}

int main(int argc, char **argv)
{
    static const unsigned mib[] = { 1, 8, 64 };
    static const char *const names[] = {
        "memset", "core alloc+zero", "memfd punch hole", "punch hole+touch",
    };
    unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 15;
    BenchReport rep = { .benchmark = "alloc-zero" };
    SysmemCoreConfig cfg = { .region_size = REGION };
    g_autofree double *v[4] = { 0 };
    unsigned s, r, op;
    VsHost *h;

    if (rounds < 1) {
        fprintf(stderr, "usage: %s [ROUNDS]\n", argv[0]);
        return 2;
    }
    mfd = memfd_create("bench-alloc", MFD_CLOEXEC);
    if (mfd < 0 || ftruncate(mfd, REGION)) {
        perror("bench-alloc: memfd");
        return 1;
    }
    map = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
    if (map == MAP_FAILED) {
        perror("bench-alloc: mmap");
        return 1;
    }
    memset(map, 1, REGION);             /* fault the whole region in */
    cfg.region_ptr = map;
    h = vs_host_new(&cfg);
    g_assert_nonnull(h);
    for (op = 0; op < 4; op++) {
        v[op] = g_new(double, rounds);
    }
    for (s = 0; s < G_N_ELEMENTS(mib); s++) {
        uint64_t total = (uint64_t)mib[s] << 20;
        BenchMetric *base;
        char name[96];

        for (op = 0; op < 4; op++) {
            sample(h, op, total);       /* warm up */
        }
        for (r = 0; r < rounds; r++) {
            for (op = 0; op < 4; op++) {
                v[op][r] = sample(h, op, total);
            }
        }
        snprintf(name, sizeof(name), "%s %u MiB", names[0], mib[s]);
        base = bench_add(&rep, name, "MiB/s", v[0], rounds, NULL);
        for (op = 1; op < 4; op++) {
            snprintf(name, sizeof(name), "%s %u MiB", names[op], mib[s]);
            bench_add(&rep, name, "MiB/s", v[op], rounds, base);
        }
    }
    bench_print(&rep, "bytes/s of zeroed allocations, 4 buffers per "
                "collection, memfd region (ratio = x memset)");
    vs_host_free(h);
    munmap(map, REGION);
    close(mfd);
    return bench_write_json(&rep, NULL) ? 1 : 0;
}
