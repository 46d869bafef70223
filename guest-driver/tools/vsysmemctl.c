/*
 * vsysmemctl: use a virtio-sysmem device from the guest shell.
 *
 *   vsysmemctl info
 *   vsysmemctl list
 *   vsysmemctl alloc [--count N] [--size BYTES]
 *   vsysmemctl negotiate SCENARIO.json | -
 *   vsysmemctl negotiate [--participants N] [--count N] [--size BYTES]
 *                        [--rounds N]
 *   vsysmemctl demo
 *   vsysmemctl camera [--frames N] [--dma-contig]
 *   vsysmemctl bench [--size BYTES] [--rounds N]
 *
 * Sizes take K/M/G suffixes.  Errors are printed by name, with the
 * participant whose call failed: a collection sysmem failed prints the
 * epitaph its channel was closed with and the sysmem2 Error behind it
 * ("alloc: WaitForAllBuffersAllocated: collection failed: channel closed:
 * ZX_ERR_NOT_SUPPORTED ...").  The exit status is 0 on success, 1 on a
 * failed operation, 2 on a usage error.  `vsysmemctl CMD --help` describes
 * each command.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libvsysmem.h"
#include "vsysmemctl.h"

static unsigned int opt_dev;

static int fail(const char *what, int err)
{
    fprintf(stderr, "vsysmemctl: %s: %s\n", what, vsm_strerror(err));
    return 1;
}

/*
 * A participant's call on its collection failed.  A sysmem2 Error or an
 * epitaph means sysmem failed the collection, not that the call was bad.
 */
static int fail_call(const char *who, const char *call, int err)
{
    sysmem2_error_t e;

    fprintf(stderr, "vsysmemctl: %s: %s: %s%s\n", who, call,
            vsm_err_sysmem2(err, &e) || vsm_err_epitaph(err, NULL) ?
            "collection failed: " : "", vsm_strerror(err));
    return 1;
}

static uint64_t parse_size(const char *s)
{
    char *end;
    uint64_t v = strtoull(s, &end, 0);

    switch (*end) {
    case 'G': case 'g': v <<= 10; /* fall through */
    case 'M': case 'm': v <<= 10; /* fall through */
    case 'K': case 'k': v <<= 10; break;
    default: break;
    }
    return v;
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int open_dev(int *dev, int *alloc)
{
    *dev = vsm_open(opt_dev);
    if (*dev < 0) {
        return fail("open /dev/vsysmem", *dev);
    }
    *alloc = vsm_connect(*dev, VSYSMEM_PROTOCOL_SYSMEM2);
    if (*alloc < 0) {
        return fail("connect to the sysmem2 Allocator", *alloc);
    }
    return 0;
}

static void print_info(const char *who, int dev,
                       const sysmem2_buffer_collection_info_t *info)
{
    const sysmem2_buffer_memory_settings_t *bs = &info->settings.buffer_settings;
    const sysmem2_image_format_constraints_t *ifc =
        &info->settings.image_format_constraints;

    printf("%s: %u buffers of %" PRIu64 " bytes, %s domain, heap %s\n", who,
           info->buffers_count, bs->size_bytes,
           sysmem2_coherency_domain_name(bs->coherency_domain) ?: "?",
           bs->has_heap && bs->heap.has_heap_type ? bs->heap.heap_type : "?");
    if (info->settings.has_image_format_constraints) {
        printf("%s: image: pixel format %u, min size %ux%u, "
               "bytes per row divisor %u, min bytes per row %u\n", who,
               ifc->pixel_format, ifc->min_size.width, ifc->min_size.height,
               ifc->bytes_per_row_divisor, ifc->min_bytes_per_row);
    }
    for (uint32_t i = 0; i < info->buffers_count; i++) {
        struct vsysmem_buffer_info bi;

        if (vsm_buffer_info(dev, (int)info->buffers[i].vmo, &bi) == 0) {
            printf("%s:   buffer %u: id %#x offset %#" PRIx64 " size %"
                   PRIu64 " rights %#x%s\n", who, i, bi.id,
                   (uint64_t)bi.offset, (uint64_t)bi.size, bi.rights,
                   bi.flags & VSYSMEM_BUFFER_CPU_CACHED ? " cached" : "");
        }
    }
}

static int cmd_info(void)
{
    struct vsysmem_info info;
    int dev = vsm_open(opt_dev), ret;

    if (dev < 0) {
        return fail("open /dev/vsysmem", dev);
    }
    ret = vsm_info(dev, &info);
    if (ret) {
        return fail("GET_INFO", ret);
    }
    printf("/dev/vsysmem%u: uapi v%u\n", opt_dev, info.version);
    printf("  region:        %" PRIu64 " MiB\n", (uint64_t)info.region_size >> 20);
    printf("  messages:      %u bytes, %u handles max\n", info.max_msg_bytes,
           info.max_msg_handles);
    printf("  protocols:     fuchsia.sysmem2%s%s\n",
           info.features & VSYSMEM_FEATURE_V1 ? ", fuchsia.sysmem (v1)" : "",
           info.features & VSYSMEM_FEATURE_SECURE_HEAP ? ", secure heap" : "");
    printf("  guest holds:   %u channels, %u buffers, %u event pairs\n",
           info.num_channels, info.num_buffers, info.num_eventpairs);
    printf("  traffic:       %" PRIu64 " requests, %" PRIu64 " events, %u pending\n",
           (uint64_t)info.requests, (uint64_t)info.events, info.num_pending);
    return 0;
}

static int participate(int dev, int alloc, int token, const char *name,
                       const sysmem2_buffer_collection_constraints_t *c,
                       sysmem2_buffer_collection_info_t *info, int *collection)
{
    int col, ret;

    col = vsm2_bind_shared_collection(alloc, token);
    if (col < 0) {
        return fail_call(name, "BindSharedCollection", col);
    }
    vsm2_set_name(col, 100, name);
    /* Sysmem's own log names the participant as this message does. */
    vsm2_set_debug_client_info(col, true, name, (uint64_t)getpid());
    ret = vsm2_set_constraints(col, c);
    if (ret) {
        close(col);
        return fail_call(name, "SetConstraints", ret);
    }
    ret = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    if (ret) {
        close(col);
        return fail_call(name, "WaitForAllBuffersAllocated", ret);
    }
    (void)dev;
    *collection = col;
    return 0;
}

static int cmd_alloc(uint32_t count, uint64_t size)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    int dev, alloc, col, ret;

    if (!c || !info) {
        return fail("alloc", -ENOMEM);
    }
    if (open_dev(&dev, &alloc)) {
        return 1;
    }
    col = vsm2_allocate_non_shared_collection(alloc);
    if (col < 0) {
        return fail_call("alloc", "AllocateNonSharedCollection", col);
    }
    vsm2_set_debug_client_info(col, true, "alloc", (uint64_t)getpid());
    vsm2_constraints_cpu(c, count, size, true);
    ret = vsm2_set_constraints(col, c);
    if (ret) {
        return fail_call("alloc", "SetConstraints", ret);
    }
    ret = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    if (ret) {
        return fail_call("alloc", "WaitForAllBuffersAllocated", ret);
    }
    print_info("alloc", dev, info);
    vsm2_release(col);
    vsm2_info_close_handles(info);
    return 0;
}

/*
 * One negotiation: this process allocates the token, duplicates one per
 * child and sends them over UNIX sockets; every participant binds, sets
 * constraints and waits.  Returns the latency seen by the parent.
 */
static int negotiate_once(int dev, int alloc, unsigned int participants,
                          uint32_t count, uint64_t size, bool verbose,
                          uint64_t *latency_ns)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    pid_t pids[64];
    int token, col, ret = 0, status;
    uint64_t t0 = now_ns();

    if (!c || !info || participants < 1 || participants > 64) {
        return fail("negotiate", -EINVAL);
    }
    token = vsm2_allocate_shared_collection(alloc);
    if (token < 0) {
        return fail("AllocateSharedCollection", token);
    }
    for (unsigned int i = 1; i < participants; i++) {
        int sv[2], dup;

        dup = vsm2_duplicate(token, 0xffffffffu);
        if (dup < 0) {
            return fail("Duplicate", dup);
        }
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
            return fail("socketpair", -errno);
        }
        pids[i] = fork();
        if (pids[i] == 0) {
            int ctoken, calloc_, ccol;
            char name[32];

            close(sv[0]);
            close(dup);
            close(token);
            ctoken = vsm_recv_fd(sv[1]);
            if (ctoken < 0) {
                _exit(fail("receive token", ctoken));
            }
            calloc_ = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
            if (calloc_ < 0) {
                _exit(fail("connect", calloc_));
            }
            snprintf(name, sizeof(name), "participant-%u", i);
            vsm2_constraints_cpu(c, count, size, false);
            if (participate(dev, calloc_, ctoken, name, c, info, &ccol)) {
                _exit(1);
            }
            if (verbose) {
                print_info(name, dev, info);
            }
            vsm2_release(ccol);
            vsm2_info_close_handles(info);
            _exit(0);
        }
        close(sv[1]);
        ret = vsm_send_fd(sv[0], dup);
        close(dup);
        close(sv[0]);
        if (ret) {
            return fail("send token", ret);
        }
    }
    vsm2_constraints_cpu(c, count, size, true);
    if (participate(dev, alloc, token, "participant-0", c, info, &col)) {
        ret = 1;
    } else {
        *latency_ns = now_ns() - t0;
        if (verbose) {
            print_info("participant-0", dev, info);
        }
        vsm2_release(col);
        vsm2_info_close_handles(info);
        close(col);
    }
    for (unsigned int i = 1; i < participants; i++) {
        if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
            WEXITSTATUS(status)) {
            ret = 1;
        }
    }
    free(c);
    free(info);
    return ret;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static int cmd_negotiate(unsigned int participants, uint32_t count,
                         uint64_t size, unsigned int rounds)
{
    uint64_t *lat = calloc(rounds ? rounds : 1, sizeof(*lat));
    int dev, alloc;

    if (open_dev(&dev, &alloc) || !lat) {
        return 1;
    }
    for (unsigned int r = 0; r < rounds; r++) {
        if (negotiate_once(dev, alloc, participants, count, size, r == 0,
                           &lat[r])) {
            return 1;
        }
    }
    qsort(lat, rounds, sizeof(*lat), cmp_u64);
    printf("negotiate: %u participants, %u rounds: median %.2f ms, "
           "min %.2f ms, max %.2f ms\n", participants, rounds,
           lat[rounds / 2] / 1e6, lat[0] / 1e6, lat[rounds - 1] / 1e6);
    return 0;
}

/* ---- demo: a camera and a display negotiate NV12 frames ---------------- */

#define DEMO_W 640
#define DEMO_H 480

static void demo_constraints(sysmem2_buffer_collection_constraints_t *c,
                             bool camera)
{
    sysmem2_image_format_constraints_t *ifc = &c->image_format_constraints[0];

    c->has_usage = true;
    c->usage.has_cpu = true;
    if (camera) {
        c->usage.cpu = SYSMEM2_CPU_USAGE_WRITE_OFTEN;
        c->usage.has_video = true;
        c->usage.video = SYSMEM2_VIDEO_USAGE_CAPTURE;
        c->has_min_buffer_count_for_camping = true;
        c->min_buffer_count_for_camping = 2;
    } else {
        c->usage.cpu = SYSMEM2_CPU_USAGE_READ_OFTEN;
        c->usage.has_display = true;
        c->usage.display = SYSMEM2_DISPLAY_USAGE_LAYER;
        c->has_min_buffer_count_for_camping = true;
        c->min_buffer_count_for_camping = 1;
    }
    c->has_buffer_memory_constraints = true;
    c->buffer_memory_constraints.has_cpu_domain_supported = true;
    c->buffer_memory_constraints.cpu_domain_supported = true;
    c->buffer_memory_constraints.has_ram_domain_supported = true;
    c->buffer_memory_constraints.ram_domain_supported = true;
    c->has_image_format_constraints = true;
    c->image_format_constraints_count = 1;
    ifc->has_pixel_format = true;
    ifc->pixel_format = IMAGES2_PIXEL_FORMAT_NV12;
    ifc->has_pixel_format_modifier = true;
    ifc->pixel_format_modifier = IMAGES2_FORMAT_MODIFIER_LINEAR;
    ifc->has_color_spaces = true;
    ifc->color_spaces_count = 1;
    ifc->color_spaces[0] = IMAGES2_COLOR_SPACE_REC709;
    ifc->has_min_size = true;
    ifc->min_size.width = DEMO_W;
    ifc->min_size.height = DEMO_H;
    if (!camera) {
        ifc->has_bytes_per_row_divisor = true;
        ifc->bytes_per_row_divisor = 256;
    }
}

static uint32_t demo_frame_sum(const uint8_t *p, uint32_t stride)
{
    uint32_t sum = 0;

    for (uint32_t y = 0; y < DEMO_H * 3 / 2; y++) {
        for (uint32_t x = 0; x < DEMO_W; x++) {
            sum = sum * 31 + p[y * stride + x];
        }
    }
    return sum;
}

static int demo_display(int dev, int sock)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    int alloc, token, col;
    uint32_t sums[2], stride;
    const uint8_t *p;

    token = vsm_recv_fd(sock);
    alloc = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    if (token < 0 || alloc < 0 || !c || !info) {
        return fail("display: setup", token < 0 ? token : alloc);
    }
    vsm2_set_debug_client_info(alloc, false, "display", getpid());
    demo_constraints(c, false);
    if (participate(dev, alloc, token, "display", c, info, &col)) {
        return 1;
    }
    stride = info->settings.image_format_constraints.min_bytes_per_row;
    printf("display: joined; row stride %u is a multiple of 256\n", stride);
    /* Wait for the camera's frame. */
    if (read(sock, sums, sizeof(sums[0])) != sizeof(sums[0])) {
        return fail("display: wait for a frame", -EPIPE);
    }
    p = vsm_map((int)info->buffers[0].vmo,
                info->settings.buffer_settings.size_bytes, false);
    if (!p) {
        return fail("display: mmap", -errno);
    }
    vsm_sync((int)info->buffers[0].vmo, true, false);
    sums[1] = demo_frame_sum(p, stride);
    vsm_sync((int)info->buffers[0].vmo, false, false);
    printf("display: frame in buffer 0 has checksum %#010x (%s)\n", sums[1],
           sums[1] == sums[0] ? "matches the camera's" : "MISMATCH");
    vsm2_release(col);
    vsm2_info_close_handles(info);
    return sums[1] == sums[0] ? 0 : 1;
}

static int cmd_demo(void)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    const sysmem2_image_format_constraints_t *ifc;
    int dev, alloc, token, dup, col, sv[2], status, ret;
    uint32_t stride, sum;
    uint64_t t0;
    uint8_t *p;
    pid_t pid;

    if (open_dev(&dev, &alloc) || !c || !info) {
        return 1;
    }
    printf("camera:  NV12 %ux%u, CPU writes, 2 buffers to camp on\n",
           DEMO_W, DEMO_H);
    printf("display: NV12 %ux%u, CPU reads, 1 buffer, bytes per row "
           "divisible by 256\n", DEMO_W, DEMO_H);
    t0 = now_ns();
    vsm2_set_debug_client_info(alloc, false, "camera", getpid());
    token = vsm2_allocate_shared_collection(alloc);
    if (token < 0) {
        return fail("camera: AllocateSharedCollection", token);
    }
    dup = vsm2_duplicate(token, 0xffffffffu);
    if (dup < 0) {
        return fail("camera: Duplicate", dup);
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
        return fail("socketpair", -errno);
    }
    pid = fork();
    if (pid == 0) {
        close(sv[0]);
        close(token);
        close(dup);
        _exit(demo_display(dev, sv[1]));
    }
    close(sv[1]);
    ret = vsm_send_fd(sv[0], dup);
    close(dup);
    if (ret) {
        return fail("camera: send the token to the display", ret);
    }
    printf("camera:  sent a token to the display process over a UNIX socket\n");
    demo_constraints(c, true);
    if (participate(dev, alloc, token, "camera", c, info, &col)) {
        return 1;
    }
    ifc = &info->settings.image_format_constraints;
    stride = ifc->min_bytes_per_row;
    printf("negotiated in %.2f ms: %u buffers of %" PRIu64 " bytes, "
           "pixel format %u (NV12), %ux%u, %u bytes per row, %s domain\n",
           (now_ns() - t0) / 1e6, info->buffers_count,
           info->settings.buffer_settings.size_bytes, ifc->pixel_format,
           ifc->min_size.width, ifc->min_size.height, stride,
           sysmem2_coherency_domain_name(
               info->settings.buffer_settings.coherency_domain) ?: "?");
    print_info("camera", dev, info);

    p = vsm_map((int)info->buffers[0].vmo,
                info->settings.buffer_settings.size_bytes, true);
    if (!p) {
        return fail("camera: mmap", -errno);
    }
    vsm_sync((int)info->buffers[0].vmo, true, true);
    for (uint32_t y = 0; y < DEMO_H; y++) {          /* Y: a gradient */
        for (uint32_t x = 0; x < DEMO_W; x++) {
            p[y * stride + x] = (uint8_t)(x + y);
        }
    }
    for (uint32_t y = DEMO_H; y < DEMO_H * 3 / 2; y++) {  /* UV: grey */
        memset(p + (size_t)y * stride, 128, DEMO_W);
    }
    vsm_sync((int)info->buffers[0].vmo, false, true);
    sum = demo_frame_sum(p, stride);
    printf("camera:  wrote a frame into buffer 0, checksum %#010x\n", sum);
    if (getenv("VSYSMEM_HOST_VIEW")) {
        /* scripts/run-guest.sh shows the device's view at this moment. */
        printf("VSYSMEM-HOSTSHOW both participants hold the buffers\n");
        fflush(stdout);
        sleep(1);
    }
    if (write(sv[0], &sum, sizeof(sum)) != sizeof(sum)) {
        return fail("camera: notify the display", -EPIPE);
    }
    waitpid(pid, &status, 0);
    vsm2_release(col);
    vsm2_info_close_handles(info);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* ---- bench: negotiation latency and mapped bandwidth (issue 7) --------- */

/*
 * Prints a table and one "bench-json: " line, the common record of
 * docs/benchmarks.md ({"benchmark", "timestamp", "host", "metrics": [...]});
 * make bench-guest stores it under build/bench/.
 */

#define BENCH_RUNS 7

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

struct bench_metric {
    const char *name, *unit, *base_name;
    double med, min, max, base;
};

/* Sorts v; median, min, max into m. */
static void bench_metric(struct bench_metric *m, const char *name,
                         const char *unit, double *v, int n,
                         const struct bench_metric *base)
{
    qsort(v, n, sizeof(*v), cmp_double);
    m->name = name;
    m->unit = unit;
    m->med = v[n / 2];
    m->min = v[0];
    m->max = v[n - 1];
    m->base_name = base ? base->name : NULL;
    m->base = base ? base->med : 0;
}

/* MiB/s of BENCH_RUNS passes over the mapping, each pass `reps` sweeps. */
static void bandwidth(uint8_t *p, size_t size, bool write, double *out)
{
    volatile uint64_t sink = 0;

    memset(p, 1, size);             /* fault everything in first */
    for (int run = 0; run < BENCH_RUNS; run++) {
        uint64_t t0 = now_ns();
        int reps = 4;

        for (int r = 0; r < reps; r++) {
            if (write) {
                memset(p, r + run, size);
            } else {
                const uint64_t *q = (const uint64_t *)p;
                uint64_t s = 0;

                for (size_t i = 0; i < size / 8; i += 4) {
                    s += q[i] + q[i + 1] + q[i + 2] + q[i + 3];
                }
                sink += s;
            }
        }
        out[run] = (double)size * reps / ((now_ns() - t0) / 1e9) / (1 << 20);
    }
    (void)sink;
}

/* A one-buffer collection of size bytes in one coherency domain. */
static uint8_t *bench_buffer(int alloc, uint64_t size, bool ram_domain,
                             sysmem2_buffer_collection_info_t *info,
                             int *col, bool *cached, int dev)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    struct vsysmem_buffer_info bi;
    uint8_t *p;
    int ret;

    vsm2_constraints_cpu(c, 1, size, true);
    c->buffer_memory_constraints.cpu_domain_supported = !ram_domain;
    c->buffer_memory_constraints.ram_domain_supported = ram_domain;
    *col = vsm2_allocate_non_shared_collection(alloc);
    ret = *col < 0 ? *col : vsm2_set_constraints(*col, c);
    free(c);
    if (!ret) {
        ret = vsm2_wait_for_all_buffers_allocated(*col, info, 0);
    }
    if (ret) {
        fail("bench: allocate", ret);
        return NULL;
    }
    p = vsm_map((int)info->buffers[0].vmo, size, true);
    if (!p) {
        fail("bench: mmap", -errno);
        return NULL;
    }
    vsm_buffer_info(dev, (int)info->buffers[0].vmo, &bi);
    *cached = bi.flags & VSYSMEM_BUFFER_CPU_CACHED;
    return p;
}

/*
 * The floor for the guest round trip: the cheapest virtio request this
 * guest can make, in the same boot.  make bench-guest adds
 * -device virtio-rng-pci; hw_random hands out 64 bytes per device request
 * (rng_buffer_size() and virtio-rng's own buffer are SMP_CACHE_BYTES), so
 * a 64-byte read of /dev/hwrng is one request to QEMU's rng-builtin.
 */
static bool rng_read_us(double *us)
{
    enum { READS = 100 };
    uint8_t buf[64];
    int fd = open("/dev/hwrng", O_RDONLY | O_CLOEXEC);

    if (fd < 0 || read(fd, buf, sizeof(buf)) != sizeof(buf)) {
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    for (int run = 0; run < BENCH_RUNS; run++) {
        uint64_t t0 = now_ns();

        for (int i = 0; i < READS; i++) {
            if (read(fd, buf, sizeof(buf)) != sizeof(buf)) {
                close(fd);
                return false;
            }
        }
        us[run] = (now_ns() - t0) / 1e3 / READS;
    }
    close(fd);
    return true;
}

static int cmd_bench(uint64_t size, unsigned int rounds)
{
    /* Messages the timed negotiation sends: AllocateSharedCollection,
     * Duplicate, BindSharedCollection x2, SetConstraints x2,
     * WaitForAllBuffersAllocated x2. */
    enum { NEG_MESSAGES = 8, SYNCS = 100 };
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    double *neg = calloc(rounds, sizeof(*neg));
    double sync_us[BENCH_RUNS], bw[6][BENCH_RUNS], floor_v[BENCH_RUNS];
    static const char *const bw_names[6] = {
        "memfd write", "memfd read", "CPU-domain buffer write",
        "CPU-domain buffer read", "RAM-domain buffer write",
        "RAM-domain buffer read",
    };
    struct bench_metric m[12];
    double rng_us[BENCH_RUNS];
    bool have_rng;
    int dev, alloc, fails = 0, col, mfd, ret, nm = 0;
    bool cached[2] = { false, false };
    char stamp[32];
    time_t now;
    uint8_t *p;

    if (open_dev(&dev, &alloc) || !c || !info || !neg) {
        return 1;
    }
    have_rng = rng_read_us(rng_us);
    /* In-guest Node.Sync round trip. */
    col = vsm2_allocate_non_shared_collection(alloc);
    if (col < 0) {
        return fail("bench: collection", col);
    }
    for (int run = 0; run < BENCH_RUNS; run++) {
        uint64_t t0 = now_ns();

        for (int i = 0; i < SYNCS; i++) {
            if (vsm2_sync(col)) {
                return fail("bench: Sync", -EIO);
            }
        }
        sync_us[run] = (now_ns() - t0) / 1e3 / SYNCS;
    }
    vsm2_release(col);
    close(col);

    vsm2_constraints_cpu(c, 1, 64 * 1024, true);
    for (unsigned int r = 0; r < rounds; r++) {
        uint64_t t0 = now_ns();
        int token = vsm2_allocate_shared_collection(alloc);
        int dup = vsm2_duplicate(token, 0xffffffffu);
        int a = vsm2_bind_shared_collection(alloc, token);
        int b = vsm2_bind_shared_collection(alloc, dup);

        ret = vsm2_set_constraints(a, c) | vsm2_set_constraints(b, c);
        ret |= vsm2_wait_for_all_buffers_allocated(a, info, 0);
        vsm2_info_close_handles(info);
        ret |= vsm2_wait_for_all_buffers_allocated(b, info, 0);
        vsm2_info_close_handles(info);
        neg[r] = (now_ns() - t0) / 1e3;
        fails += ret != 0;
        vsm2_release(a);
        vsm2_release(b);
        close(a);
        close(b);
    }

    /* Mapping bandwidth: memfd, then a buffer per coherency domain. */
    mfd = memfd_create("bench", 0);
    if (mfd < 0 || ftruncate(mfd, (off_t)size)) {
        return fail("bench: memfd", -errno);
    }
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
    if (p == MAP_FAILED) {
        return fail("bench: mmap memfd", -errno);
    }
    bandwidth(p, size, true, bw[0]);
    bandwidth(p, size, false, bw[1]);
    munmap(p, size);
    close(mfd);
    for (int d = 0; d < 2; d++) {
        p = bench_buffer(alloc, size, d == 1, info, &col, &cached[d], dev);
        if (!p) {
            return 1;
        }
        bandwidth(p, size, true, bw[2 + 2 * d]);
        bandwidth(p, size, false, bw[3 + 2 * d]);
        vsm_unmap(p, size);
        vsm2_release(col);
        vsm2_info_close_handles(info);
        close(col);
    }

    if (have_rng) {
        bench_metric(&m[11], "virtio-rng 64-byte read", "us", rng_us,
                     BENCH_RUNS, NULL);
    }
    bench_metric(&m[nm++], "in-guest Node.Sync round trip", "us", sync_us,
                 BENCH_RUNS, have_rng ? &m[11] : NULL);
    for (int i = 0; i < BENCH_RUNS; i++) {
        floor_v[i] = NEG_MESSAGES * sync_us[i];
    }
    bench_metric(&m[nm++], "8 msgs x Node.Sync RTT", "us", floor_v,
                 BENCH_RUNS, NULL);
    bench_metric(&m[nm++], "2-participant negotiation", "us", neg, rounds,
                 &m[1]);
    bench_metric(&m[nm], "memfd write", "MiB/s", bw[0], BENCH_RUNS, NULL);
    bench_metric(&m[nm + 1], "memfd read", "MiB/s", bw[1], BENCH_RUNS, NULL);
    for (int i = 2; i < 6; i++) {
        bench_metric(&m[nm + i], bw_names[i], "MiB/s", bw[i], BENCH_RUNS,
                     &m[nm + (i % 2)]);
    }
    nm += 6;
    if (have_rng) {
        m[nm++] = m[11];
    }

    printf("bench: %u negotiations (%d failed), %d x %d Syncs, %" PRIu64
           " MiB mappings (CPU domain %s, RAM domain %s)\n", rounds, fails,
           BENCH_RUNS, SYNCS, size >> 20,
           cached[0] ? "cached" : "write-combined",
           cached[1] ? "cached" : "write-combined");
    printf("%-32s %-6s %10s %10s %10s  %-24s %10s %7s\n", "metric", "unit",
           "median", "min", "max", "baseline", "base med", "ratio");
    for (int i = 0; i < nm; i++) {
        printf("%-32s %-6s %10.1f %10.1f %10.1f", m[i].name, m[i].unit,
               m[i].med, m[i].min, m[i].max);
        if (m[i].base_name) {
            printf("  %-24s %10.1f %7.3f\n", m[i].base_name, m[i].base,
                   m[i].med / m[i].base);
        } else {
            printf("\n");
        }
    }

    /* One machine-readable line for make bench-guest. */
    now = time(NULL);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    printf("bench-json: {\"benchmark\": \"guest\", \"timestamp\": \"%s\", "
           "\"host\": \"guest, %ld cpus, %" PRIu64 " MiB mappings, CPU "
           "domain %s, RAM domain %s\", \"metrics\": [", stamp,
           sysconf(_SC_NPROCESSORS_ONLN), size >> 20,
           cached[0] ? "cached" : "write-combined",
           cached[1] ? "cached" : "write-combined");
    for (int i = 0; i < nm; i++) {
        printf("%s{\"name\": \"%s\", \"unit\": \"%s\", \"median\": %.4f, "
               "\"min\": %.4f, \"max\": %.4f, ", i ? ", " : "", m[i].name,
               m[i].unit, m[i].med, m[i].min, m[i].max);
        if (m[i].base_name) {
            printf("\"baseline_name\": \"%s\", \"baseline_median\": %.4f, "
                   "\"ratio\": %.4f}", m[i].base_name, m[i].base,
                   m[i].med / m[i].base);
        } else {
            printf("\"baseline_name\": null, \"baseline_median\": null, "
                   "\"ratio\": null}");
        }
    }
    printf("]}\n");
    free(c);
    free(info);
    free(neg);
    return fails ? 1 : 0;
}

/* ---- list: which processes hold which handles ---------------------------- */

static bool fdinfo_is_ours(const char *pid, const char *fd, uint64_t *size)
{
    char path[600], line[128];
    bool ours = false;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", pid, fd);
    f = fopen(path, "r");
    if (!f) {
        return false;
    }
    while (fgets(line, sizeof(line), f)) {
        unsigned long long v;

        if (sscanf(line, "size: %llu", &v) == 1) {
            *size = v;
        }
        if (strstr(line, "exp_name:") && strstr(line, "virtio_sysmem")) {
            ours = true;
        }
    }
    fclose(f);
    return ours;
}

static int cmd_list(void)
{
    DIR *proc = opendir("/proc");
    struct dirent *p;
    int holders = 0;

    if (!proc) {
        return fail("open /proc", -errno);
    }
    printf("%7s %-16s %8s %8s %10s %8s %12s\n", "PID", "COMMAND", "CHANNELS",
           "SERVERS", "EVENTPAIRS", "BUFFERS", "BUFFER BYTES");
    while ((p = readdir(proc))) {
        unsigned int ch = 0, srv = 0, ev = 0, bufs = 0;
        uint64_t bytes = 0;
        char path[300], comm[64] = "?";
        struct dirent *d;
        DIR *fds;
        FILE *f;

        if (p->d_name[0] < '0' || p->d_name[0] > '9') {
            continue;
        }
        snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
        fds = opendir(path);
        if (!fds) {
            continue;
        }
        while ((d = readdir(fds))) {
            char link[600], target[128];
            ssize_t n;
            uint64_t size = 0;

            snprintf(link, sizeof(link), "/proc/%s/fd/%s", p->d_name, d->d_name);
            n = readlink(link, target, sizeof(target) - 1);
            if (n <= 0) {
                continue;
            }
            target[n] = 0;
            if (strstr(target, "[vsysmem-channel]")) {
                ch++;
            } else if (strstr(target, "[vsysmem-server]")) {
                srv++;
            } else if (strstr(target, "[vsysmem-eventpair]")) {
                ev++;
            } else if (strstr(target, "dmabuf") &&
                       fdinfo_is_ours(p->d_name, d->d_name, &size)) {
                bufs++;
                bytes += size;
            }
        }
        closedir(fds);
        if (!ch && !srv && !ev && !bufs) {
            continue;
        }
        snprintf(path, sizeof(path), "/proc/%s/comm", p->d_name);
        f = fopen(path, "r");
        if (f) {
            if (fgets(comm, sizeof(comm), f)) {
                comm[strcspn(comm, "\n")] = 0;
            }
            fclose(f);
        }
        printf("%7s %-16s %8u %8u %10u %8u %12" PRIu64 "\n", p->d_name, comm,
               ch, srv, ev, bufs, bytes);
        holders++;
    }
    closedir(proc);
    if (!holders) {
        printf("(no process holds virtio-sysmem handles)\n");
    }
    return 0;
}

/* One usage text per subcommand; `vsysmemctl CMD --help` prints its own. */
static const struct {
    const char *cmd, *usage, *help;
} cmds[] = {
    { "info", "info",
      "Show the device: region size, message limits, protocols, what this\n"
      "guest holds and the traffic so far.\n" },
    { "list", "list",
      "List the processes that hold virtio-sysmem channels, event pairs or\n"
      "buffers.\n" },
    { "alloc", "alloc [--count N] [--size BYTES]",
      "Allocate N CPU-accessible buffers of at least BYTES (K/M/G suffixes)\n"
      "in a collection of one participant, show them and release them.  If\n"
      "sysmem refuses, say why: the epitaph and the sysmem2 Error.\n" },
    { "negotiate", "negotiate SCENARIO.json | -\n"
      "       vsysmemctl [-d N] negotiate [--participants N] [--count N]"
      " [--size BYTES] [--rounds N]",
      "With a file (\"-\": stdin): run a vsysmem-negotiate scenario (the JSON\n"
      "format of docs/core.md) on the device, one process per participant,\n"
      "and print the outcome as vsysmem-negotiate does.  Bad input names the\n"
      "field and exits 2.\n"
      "With options: N participants, each asking for --count buffers of\n"
      "--size bytes, negotiate --rounds times; prints the latency.\n" },
    { "demo", "demo",
      "A camera and a display process negotiate NV12 frames and pass one\n"
      "through a shared buffer.\n" },
    { "camera", "camera [--frames N] [--dma-contig]",
      "vivid (the kernel's virtual V4L2 camera) captures N frames (default\n"
      "30) into buffers it negotiated with a display process; --dma-contig\n"
      "uses its videobuf2-dma-contig instance instead of vb2-vmalloc.\n" },
    { "bench", "bench [--size BYTES] [--rounds N]",
      "Negotiation latency and mapped-buffer bandwidth (docs/benchmarks.md).\n" },
};

static void usage(FILE *f)
{
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        fprintf(f, "%s vsysmemctl [-d N] %s\n", i ? "      " : "usage:",
                cmds[i].usage);
    }
}

static int cmd_usage(const char *cmd, FILE *f, int status)
{
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (!strcmp(cmds[i].cmd, cmd)) {
            fprintf(f, "usage: vsysmemctl [-d N] %s\n", cmds[i].usage);
            if (f == stdout) {
                fprintf(f, "\n%s", cmds[i].help);
            }
            return status;
        }
    }
    usage(f);
    return status;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "count", required_argument, NULL, 'c' },
        { "size", required_argument, NULL, 's' },
        { "participants", required_argument, NULL, 'p' },
        { "rounds", required_argument, NULL, 'r' },
        { "device", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    unsigned int participants = 2, rounds = 1;
    uint32_t count = 2;
    uint64_t size = 1 << 20;
    bool counted = false;
    const char *cmd;
    int o;

    while ((o = getopt_long(argc, argv, "+d:h", opts, NULL)) != -1) {
        switch (o) {
        case 'd': opt_dev = (unsigned int)strtoul(optarg, NULL, 0); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    cmd = argv[optind];
    if (!strcmp(cmd, "camera")) {
        /* Its own options (vsysmemctl-camera.c); argv[0] is "camera". */
        argc -= optind;
        argv += optind;
        optind = 1;
        return cmd_camera(argc, argv);
    }
    optind++;
    while ((o = getopt_long(argc, argv, "c:s:p:r:h", opts, NULL)) != -1) {
        switch (o) {
        case 'c': count = (uint32_t)strtoul(optarg, NULL, 0); break;
        case 's': size = parse_size(optarg); break;
        case 'p': participants = (unsigned int)strtoul(optarg, NULL, 0); break;
        case 'r': rounds = (unsigned int)strtoul(optarg, NULL, 0); break;
        case 'h': return cmd_usage(cmd, stdout, 0);
        default: return cmd_usage(cmd, stderr, 2);
        }
        counted = true;
    }
    if (!strcmp(cmd, "negotiate") && optind < argc) {
        /* A scenario file: the options of the counting mode do not mix. */
        if (counted || optind + 1 != argc) {
            return cmd_usage(cmd, stderr, 2);
        }
        return vsysmemctl_negotiate_scenario(opt_dev, argv[optind]);
    }
    if (optind < argc) {
        return cmd_usage(cmd, stderr, 2);
    }
    if (!strcmp(cmd, "info")) {
        return cmd_info();
    } else if (!strcmp(cmd, "alloc")) {
        return cmd_alloc(count, size);
    } else if (!strcmp(cmd, "negotiate")) {
        if (!rounds || !participants || participants > 64) {
            return cmd_usage(cmd, stderr, 2);
        }
        return cmd_negotiate(participants, count, size, rounds);
    } else if (!strcmp(cmd, "list")) {
        return cmd_list();
    } else if (!strcmp(cmd, "bench")) {
        return cmd_bench(size, rounds < 10 ? 100 : rounds);
    } else if (!strcmp(cmd, "demo")) {
        return cmd_demo();
    }
    fprintf(stderr, "vsysmemctl: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
