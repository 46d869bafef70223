/*
 * Guest test: many negotiations through the driver, and guest memory must
 * stay flat.
 *
 *   test-soak [N [SEED]]     (default 1000 negotiations, seed 0x50a6)
 *
 * Each negotiation has 1-8 participants, each binding through a sysmem2
 * or a v1 Allocator at random, with random sizes and buffer counts.  One
 * in four with two or more participants fails on purpose: a participant
 * closes its collection channel without Release, or a child process that
 * bound a token is killed in the middle (inside its held Wait or just
 * before).  A failure must fail the collection for everyone else; without
 * one everyone must get the same buffers, and one participant's write must
 * be visible through another's mapping.
 *
 * After every negotiation the driver must hold what it held before (its
 * GET_INFO counters).  After a warm-up and at the end the test compares
 * the driver's counters, the number of live dma-bufs (debugfs
 * dma_buf/bufinfo) and the kernel's unreclaimable slab and vmalloc use.
 * The host side (run-guest.sh) checks after the run that the device holds
 * no objects.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libvsysmem.h"
#include "tap.h"

#define MAX_PARTS 8

/*
 * Slab and vmalloc may move a little without any leak: SLUB keeps
 * partially used slabs per CPU and per node, and the first use of a size
 * class after the warm-up can add a slab page or two per cache.  256 KiB
 * is the same order as one such page for each of the few dozen kmalloc
 * caches the run touches.  A leak would be far larger: every message the
 * driver sends allocates a request (~300 bytes of slab) and, for two-way
 * calls, a 66 KiB vmalloc'ed reply buffer, and every negotiation sends
 * 10-40 messages, so leaking even one request per negotiation over the
 * default 1000 adds ~300 KiB of slab and ~64 MiB of vmalloc.
 */
#define SLAB_TOLERANCE_KB    256
#define VMALLOC_TOLERANCE_KB 256

enum fail { FAIL_NONE, FAIL_CLOSE, FAIL_KILL };

static int dev, alloc2, alloc1;
static long dmabufs_peak;       /* seen while a negotiation held buffers */
static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

struct mem {
    struct vsysmem_info info;
    long dmabufs;           /* live dma-bufs of any exporter */
    long sunreclaim_kb, slab_kb, vmalloc_kb;
};

static long meminfo_kb(const char *key)
{
    char line[256];
    long v = -1;
    FILE *f = fopen("/proc/meminfo", "r");

    while (f && fgets(line, sizeof(line), f)) {
        if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':') {
            v = strtol(line + strlen(key) + 1, NULL, 10);
        }
    }
    if (f) {
        fclose(f);
    }
    return v;
}

static long dmabuf_count(void)
{
    char line[512];
    long n = -1;
    FILE *f = fopen("/sys/kernel/debug/dma_buf/bufinfo", "r");

    while (f && fgets(line, sizeof(line), f)) {
        sscanf(line, "Total %ld objects", &n);
    }
    if (f) {
        fclose(f);
    }
    return n;
}

static void measure(struct mem *m)
{
    int fd;

    /* Let CLOSEs complete and RCU-freed objects go. */
    for (int i = 0; i < 200; i++) {
        if (vsm_info(dev, &m->info) == 0 && !m->info.num_pending) {
            break;
        }
        usleep(5000);
    }
    sync();
    fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
    if (fd >= 0) {
        if (write(fd, "3", 1) != 1) {
            tap_diag("drop_caches: %s", strerror(errno));
        }
        close(fd);
    }
    usleep(200000);
    vsm_info(dev, &m->info);
    m->dmabufs = dmabuf_count();
    m->sunreclaim_kb = meminfo_kb("SUnreclaim");
    m->slab_kb = meminfo_kb("Slab");
    m->vmalloc_kb = meminfo_kb("VmallocUsed");
}

static void constraints_v2(sysmem2_buffer_collection_constraints_t *c,
                           uint32_t camping, uint64_t size)
{
    memset(c, 0, sizeof(*c));
    vsm2_constraints_cpu(c, camping, size, true);
}

static void constraints_v1(sysmem1_buffer_collection_constraints_t *c,
                           uint32_t camping, uint64_t size)
{
    memset(c, 0, sizeof(*c));
    c->usage.cpu = SYSMEM2_CPU_USAGE_READ_OFTEN | SYSMEM2_CPU_USAGE_WRITE_OFTEN;
    c->min_buffer_count_for_camping = camping;
    c->has_buffer_memory_constraints = true;
    c->buffer_memory_constraints.min_size_bytes = (uint32_t)size;
    c->buffer_memory_constraints.max_size_bytes = 0xffffffffu;
    c->buffer_memory_constraints.cpu_domain_supported = true;
    c->buffer_memory_constraints.ram_domain_supported = true;
}

struct part {
    bool v1;
    int col;
    uint32_t camping;
    uint32_t count;         /* buffers it got */
    int bufs[64];
};

static sysmem2_buffer_collection_constraints_t *c2;
static sysmem1_buffer_collection_constraints_t *c1;
static sysmem2_buffer_collection_info_t *info2;
static sysmem1_buffer_collection_info_2_t *info1;

static int join_col(struct part *p, int a2, int a1, int token)
{
    p->col = p->v1 ? vsm1_bind_shared_collection(a1, token)
                   : vsm2_bind_shared_collection(a2, token);
    return p->col < 0 ? p->col : 0;
}

static int set_constraints(struct part *p, uint64_t size)
{
    if (p->v1) {
        constraints_v1(c1, p->camping, size);
        return vsm1_set_constraints(p->col, c1);
    }
    constraints_v2(c2, p->camping, size);
    return vsm2_set_constraints(p->col, c2);
}

static int wait_alloc(struct part *p)
{
    int32_t status = 0;
    int ret;

    p->count = 0;
    if (p->v1) {
        memset(info1, 0, sizeof(*info1));
        ret = vsm1_wait_for_buffers_allocated(p->col, info1, &status);
        for (uint32_t i = 0; !ret && i < info1->buffer_count && i < 64; i++) {
            p->bufs[p->count++] = (int)info1->buffers[i].vmo;
        }
        return ret;
    }
    memset(info2, 0, sizeof(*info2));
    ret = vsm2_wait_for_all_buffers_allocated(p->col, info2, 0);
    for (uint32_t i = 0; !ret && i < info2->buffers_count && i < 64; i++) {
        p->bufs[p->count++] = (int)info2->buffers[i].vmo;
    }
    return ret;
}

static void leave(struct part *p)
{
    for (uint32_t i = 0; i < p->count; i++) {
        close(p->bufs[i]);
    }
    p->count = 0;
    if (p->col >= 0) {
        if (p->v1) {
            vsm1_close(p->col);
        } else {
            vsm2_release(p->col);
        }
        close(p->col);
        p->col = -1;
    }
}

/* The participant that is killed: binds through its own connection. */
static void victim_child(struct part *p, int token, uint64_t size, int wr,
                         bool constraints)
{
    int a2 = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    int a1 = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM1);

    if (join_col(p, a2, a1, token) == 0 && constraints) {
        set_constraints(p, size);
    }
    if (write(wr, "r", 1) != 1) {
        _exit(1);
    }
    if (constraints) {
        wait_alloc(p);      /* held until the parent kills us */
    } else {
        pause();
    }
    _exit(0);
}

/* One negotiation; returns 1 if the outcome was the expected one. */
static int negotiate(int round, bool *failed)
{
    struct part parts[MAX_PARTS];
    int tokens[MAX_PARTS];
    int k = 1 + (int)(rnd() % MAX_PARTS), victim = -1, ok = 1, got = 0;
    uint64_t size = 4096 * (1 + rnd() % 16);
    enum fail fail = k > 1 && rnd() % 4 == 0 ?
                     (rnd() % 2 ? FAIL_KILL : FAIL_CLOSE) : FAIL_NONE;
    pid_t pid = -1;
    int pp[2] = { -1, -1 };
    char c;

    if (fail != FAIL_NONE) {
        victim = (int)(rnd() % (uint64_t)k);
    }
    memset(parts, 0, sizeof(parts));
    tokens[0] = vsm2_allocate_shared_collection(alloc2);
    if (tokens[0] < 0) {
        tap_diag("round %d: AllocateSharedCollection: %s", round,
                 vsm_strerror(tokens[0]));
        return 0;
    }
    for (int i = 1; i < k; i++) {
        tokens[i] = vsm2_duplicate(tokens[0], 0xffffffffu);
    }
    for (int i = 0; i < k; i++) {
        parts[i].v1 = rnd() % 3 == 0;
        /* Someone must need a buffer, or sysmem fails the collection. */
        parts[i].camping = (uint32_t)(rnd() % 3) + (i == 0);
        parts[i].col = -1;
        if (tokens[i] < 0) {
            ok = 0;
            continue;
        }
        if (i == victim && fail == FAIL_KILL) {
            bool constraints = rnd() % 2;

            if (pipe(pp)) {
                return 0;
            }
            pid = fork();
            if (pid == 0) {
                close(pp[0]);
                victim_child(&parts[i], tokens[i], size, pp[1], constraints);
            }
            close(pp[1]);
            close(tokens[i]);
            continue;
        }
        if (join_col(&parts[i], alloc2, alloc1, tokens[i])) {
            tap_diag("round %d: bind: %s", round, vsm_strerror(parts[i].col));
            ok = 0;
        }
    }
    if (fail == FAIL_CLOSE) {
        /* Gone without Release: sysmem must fail the whole collection. */
        close(parts[victim].col);
        parts[victim].col = -1;
    }
    if (fail == FAIL_KILL) {
        if (read(pp[0], &c, 1) != 1) {
            ok = 0;
        }
        close(pp[0]);
    }
    for (int i = 0; i < k; i++) {
        int ret = parts[i].col < 0 ? 0 : set_constraints(&parts[i], size);

        /* After a failure the collection may already be closed. */
        if (ret && (fail == FAIL_NONE || !vsm_err_epitaph(ret, NULL))) {
            tap_diag("round %d: set constraints: %s", round,
                     vsm_strerror(ret));
            ok = 0;
        }
    }
    if (fail == FAIL_KILL) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    for (int i = 0; i < k; i++) {
        int ret;

        if (parts[i].col < 0) {
            continue;
        }
        ret = wait_alloc(&parts[i]);
        if ((ret == 0) != (fail == FAIL_NONE)) {
            tap_diag("round %d: participant %d of %d (%s) wait: %s, "
                     "failure injected: %d", round, i, k,
                     parts[i].v1 ? "v1" : "v2", vsm_strerror(ret), fail);
            ok = 0;
        }
        if (ret == 0) {
            if (got && parts[i].count != parts[0].count) {
                tap_diag("round %d: %u buffers, participant 0 got %u", round,
                         parts[i].count, parts[0].count);
                ok = 0;
            }
            got++;
        }
    }
    if (got && round % 16 == 0) {
        long nb = dmabuf_count();

        dmabufs_peak = nb > dmabufs_peak ? nb : dmabufs_peak;
    }
    /* Shared memory: one participant writes, another reads. */
    if (fail == FAIL_NONE && got >= 2 && rnd() % 4 == 0) {
        uint32_t b = (uint32_t)(rnd() % parts[0].count);
        uint32_t *w = vsm_map(parts[0].bufs[b], 4096, true);
        uint32_t *r = vsm_map(parts[k - 1].bufs[b], 4096, false);

        if (w && r) {
            w[7] = 0x50a60000u + (uint32_t)round;
        }
        if (!w || !r || r[7] != 0x50a60000u + (uint32_t)round) {
            tap_diag("round %d: buffer %u not shared", round, b);
            ok = 0;
        }
        if (w) {
            vsm_unmap(w, 4096);
        }
        if (r) {
            vsm_unmap(r, 4096);
        }
    }
    for (int i = 0; i < k; i++) {
        leave(&parts[i]);
    }
    *failed = fail != FAIL_NONE;
    return ok;
}

static int same_counts(const struct vsysmem_info *a,
                       const struct vsysmem_info *b)
{
    return a->num_channels == b->num_channels &&
           a->num_buffers == b->num_buffers &&
           a->num_eventpairs == b->num_eventpairs;
}

static int settled(const struct vsysmem_info *base)
{
    struct vsysmem_info now;

    for (int i = 0; i < 200; i++) {
        if (vsm_info(dev, &now) == 0 && same_counts(&now, base)) {
            return 1;
        }
        usleep(5000);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    int warm = n / 10 < 50 ? (n / 10 > 5 ? n / 10 : 5) : 50;
    struct vsysmem_info base;
    struct mem m0, m1;
    int bad = 0, unsettled = 0, failures = 0;
    uint64_t t0;

    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x50a6;
    if (!rng) {
        rng = 1;
    }
    if (access("/sys/kernel/debug/dma_buf", F_OK) != 0) {
        mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
    }
    c2 = calloc(1, sizeof(*c2));
    c1 = calloc(1, sizeof(*c1));
    info2 = calloc(1, sizeof(*info2));
    info1 = calloc(1, sizeof(*info1));
    dev = vsm_open(0);
    alloc2 = dev < 0 ? dev : vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    alloc1 = dev < 0 ? dev : vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM1);
    if (!tap_ok(alloc2 >= 0 && alloc1 >= 0 && dmabuf_count() >= 0,
                "device, sysmem2 and v1 allocators, debugfs dma_buf")) {
        return tap_done();
    }
    vsm_info(dev, &base);
    tap_diag("%d negotiations (warm-up %d), seed %#llx", n, warm,
             (unsigned long long)rng);

    t0 = now_ns();
    for (int r = 0; r < n; r++) {
        bool failed = false;

        if (r == warm) {
            measure(&m0);
        }
        bad += !negotiate(r, &failed);
        failures += failed;
        unsettled += !settled(&base);
        if (r % 1000 == 999) {
            tap_diag("%d negotiations, %.1f s", r + 1, (now_ns() - t0) / 1e9);
        }
    }
    measure(&m1);
    tap_ok(bad == 0, "%d negotiations, %d with an injected failure, all with "
           "the expected outcome (%d not; %.1f s)", n, failures, bad,
           (now_ns() - t0) / 1e9);
    tap_ok(unsettled == 0, "after each one the driver holds what it held "
           "before (%d did not)", unsettled);
    tap_ok(same_counts(&m1.info, &base) && same_counts(&m0.info, &base) &&
           !m1.info.num_pending,
           "driver counters: %u channels, %u buffers, %u event pairs, "
           "%u pending at the end (after warm-up %u/%u/%u/%u)",
           m1.info.num_channels, m1.info.num_buffers, m1.info.num_eventpairs,
           m1.info.num_pending, m0.info.num_channels, m0.info.num_buffers,
           m0.info.num_eventpairs, m0.info.num_pending);
    tap_ok(m1.dmabufs == m0.dmabufs && dmabufs_peak > m0.dmabufs,
           "live dma-bufs: %ld after warm-up, %ld at the end (up to %ld while "
           "negotiations held buffers)", m0.dmabufs, m1.dmabufs, dmabufs_peak);
    tap_ok(m1.sunreclaim_kb - m0.sunreclaim_kb <= SLAB_TOLERANCE_KB,
           "unreclaimable slab: %ld KiB after warm-up, %ld KiB at the end "
           "(+%ld, tolerance %d; all slab %ld -> %ld KiB)", m0.sunreclaim_kb,
           m1.sunreclaim_kb, m1.sunreclaim_kb - m0.sunreclaim_kb,
           SLAB_TOLERANCE_KB, m0.slab_kb, m1.slab_kb);
    tap_ok(m1.vmalloc_kb - m0.vmalloc_kb <= VMALLOC_TOLERANCE_KB,
           "vmalloc: %ld KiB after warm-up, %ld KiB at the end (tolerance %d)",
           m0.vmalloc_kb, m1.vmalloc_kb, VMALLOC_TOLERANCE_KB);
    close(alloc1);
    close(alloc2);
    printf("VSYSMEM-HOSTSHOW soak-end\n");
    fflush(stdout);
    sleep(1);
    close(dev);
    return tap_done();
}
