/*
 * The device goes away under load: shared by test-unbind (the driver is
 * unbound through sysfs and bound again) and test-hotplug (the host
 * unplugs the PCI device and plugs in a new one).
 *
 * Before the removal a child process holds a CALL the device cannot
 * answer yet (WaitForAllBuffersAllocated while a token is unbound) and
 * another child has a buffer mapped and touched.  Afterwards: the held
 * call fails with ENODEV, every old fd answers ENODEV (or EPERM for the
 * buffer), and once a new driver instance has handed the region out again
 * (same offset, a new pattern written) the old mapping raises SIGBUS
 * instead of showing the new collection's bytes.  The kernel log must
 * stay clean (checked by the initramfs).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSYSMEM_TEST_UNPLUG_H
#define VSYSMEM_TEST_UNPLUG_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include "libvsysmem.h"
#include "tap.h"

#define UNPLUG_BUF_SIZE (64 * 1024)
#define UNPLUG_OLD_BYTE 0xa1
#define UNPLUG_NEW_BYTE 0x5c

struct unplug_state {
    int dev, alloc, col, buf;
    uint64_t buf_off;
    pid_t held_pid, map_pid;
    int held_rd;            /* the held child's result */
    int map_go, map_rd;     /* tell the mapper to read; its answer */
};

static int unplug_wait_pending(int dev, uint32_t want)
{
    struct vsysmem_info info;

    for (int i = 0; i < 500; i++) {
        if (vsm_info(dev, &info) == 0 && info.num_pending == want) {
            return 1;
        }
        usleep(10000);
    }
    return 0;
}

/* A non-shared collection with one CPU buffer; returns the buffer fd. */
static int unplug_one_buffer(int alloc, int *colp)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    int col, ret, buf = -1;

    col = vsm2_allocate_non_shared_collection(alloc);
    vsm2_constraints_cpu(c, 1, UNPLUG_BUF_SIZE, true);
    ret = col < 0 ? col : vsm2_set_constraints(col, c);
    ret = ret ? ret : vsm2_wait_for_all_buffers_allocated(col, info, 0);
    if (ret == 0 && info->buffers_count == 1) {
        buf = (int)info->buffers[0].vmo;
    } else {
        tap_diag("allocation: %s", vsm_strerror(ret));
        vsm2_info_close_handles(info);
    }
    *colp = col;
    free(c);
    free(info);
    return buf;
}

/* Child: a WaitForAllBuffersAllocated the device holds (a token unbound). */
static void unplug_held_child(int dev, int wr)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    int a = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    int token = vsm2_allocate_shared_collection(a);
    int dup = token < 0 ? token : vsm2_duplicate(token, 0xffffffffu);
    int col = dup < 0 ? dup : vsm2_bind_shared_collection(a, token);
    int ret;

    vsm2_constraints_cpu(c, 1, 4096, true);
    ret = col < 0 ? col : vsm2_set_constraints(col, c);
    if (ret == 0) {
        ret = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    }
    /* dup stays open until here: without it the call would complete. */
    if (write(wr, &ret, sizeof(ret)) != sizeof(ret)) {
        _exit(2);
    }
    (void)dup;
    _exit(0);
}

/*
 * Child: map the buffer, write and read it back, report, then wait; on
 * "go" read the mapping again and report the first byte (SIGBUS ends it
 * first if the driver zapped the mapping).
 */
static void unplug_map_child(int buf, int go, int wr)
{
    volatile uint8_t *p = vsm_map(buf, UNPLUG_BUF_SIZE, true);
    int v = -1;
    char c;

    if (p) {
        memset((void *)p, UNPLUG_OLD_BYTE, UNPLUG_BUF_SIZE);
        v = p[UNPLUG_BUF_SIZE - 1];
    }
    if (write(wr, &v, sizeof(v)) != sizeof(v) || read(go, &c, 1) != 1) {
        _exit(2);
    }
    v = p[0];
    if (write(wr, &v, sizeof(v)) != sizeof(v)) {
        _exit(2);
    }
    _exit(0);
}

static int unplug_setup(struct unplug_state *s)
{
    struct vsysmem_buffer_info bi;
    int hp[2], gp[2], rp[2], v = -1;

    memset(s, 0, sizeof(*s));
    s->dev = vsm_open(0);
    s->alloc = s->dev < 0 ? s->dev : vsm_connect(s->dev,
                                                 VSYSMEM_PROTOCOL_SYSMEM2);
    if (!tap_ok(s->alloc >= 0, "open the device and connect")) {
        return -1;
    }
    s->buf = unplug_one_buffer(s->alloc, &s->col);
    if (!tap_ok(s->buf >= 0 && vsm_buffer_info(s->dev, s->buf, &bi) == 0,
                "a buffer to map")) {
        return -1;
    }
    s->buf_off = bi.offset;

    if (pipe(hp) || pipe(gp) || pipe(rp)) {
        return -1;
    }
    s->map_pid = fork();
    if (s->map_pid == 0) {
        unplug_map_child(s->buf, gp[0], rp[1]);
    }
    s->map_go = gp[1];
    s->map_rd = rp[0];
    tap_ok(read(s->map_rd, &v, sizeof(v)) == sizeof(v) &&
           v == UNPLUG_OLD_BYTE, "a child maps the buffer at region offset "
           "%#llx and writes it", (unsigned long long)s->buf_off);

    s->held_pid = fork();
    if (s->held_pid == 0) {
        unplug_held_child(s->dev, hp[1]);
    }
    s->held_rd = hp[0];
    close(hp[1]);
    close(gp[0]);
    close(rp[1]);
    /* The collection's own Wait and nothing else: the device holds it. */
    return tap_ok(unplug_wait_pending(s->dev, 1),
                  "another child's CALL is held by the device") ? 0 : -1;
}

static int unplug_gone(void)
{
    for (int i = 0; i < 600; i++) {
        if (access("/dev/vsysmem0", F_OK) != 0) {
            return 1;
        }
        usleep(100000);
    }
    return 0;
}

static int unplug_back(void)
{
    for (int i = 0; i < 600; i++) {
        if (access("/dev/vsysmem0", F_OK) == 0) {
            return 1;
        }
        usleep(100000);
    }
    return 0;
}

/* After the removal: what every old fd says. */
static void unplug_check_removed(struct unplug_state *s)
{
    struct vsysmem_info info;
    struct pollfd pfd = { .fd = s->alloc, .events = POLLIN };
    struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_START |
                                 DMA_BUF_SYNC_READ };
    int ret = 1, status = 0, n;
    void *p;

    tap_ok(unplug_gone(), "/dev/vsysmem0 is gone");
    n = (int)read(s->held_rd, &ret, sizeof(ret));
    waitpid(s->held_pid, &status, 0);
    tap_ok(n == sizeof(ret) && ret == -ENODEV,
           "the held CALL fails with ENODEV (%s)",
           n == sizeof(ret) ? vsm_strerror(ret) : "no answer");
    ret = vsm_info(s->dev, &info);
    tap_ok(ret == -ENODEV, "GET_INFO on the old device fd: ENODEV (%s)",
           vsm_strerror(ret));
    ret = vsm_connect(s->dev, VSYSMEM_PROTOCOL_SYSMEM2);
    tap_ok(ret == -ENODEV, "CONNECT on the old device fd: ENODEV (%s)",
           vsm_strerror(ret));
    ret = vsm2_sync(s->alloc);
    tap_ok(ret == -ENODEV, "a CALL on an old channel: ENODEV (%s)",
           vsm_strerror(ret));
    tap_ok(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLHUP),
           "old channels report peer closed");
    p = mmap(NULL, UNPLUG_BUF_SIZE, PROT_READ, MAP_SHARED, s->buf, 0);
    tap_ok(p == MAP_FAILED && errno == EPERM,
           "the old buffer cannot be mapped again (%s)", strerror(errno));
    tap_ok(ioctl(s->buf, DMA_BUF_IOCTL_SYNC, &sync) < 0 && errno == EPERM,
           "nor synced for CPU access (%s)", strerror(errno));
}

/* The new driver instance: it holds nothing, reuses the region, works. */
static void unplug_check_fresh(struct unplug_state *s)
{
    struct vsysmem_info info;
    struct vsysmem_buffer_info bi;
    int dev, alloc, col = -1, buf, ret, status, v = -1;
    uint8_t *p;

    if (!tap_ok(unplug_back(), "/dev/vsysmem0 is back")) {
        return;
    }
    dev = vsm_open(0);
    ret = dev < 0 ? dev : vsm_info(dev, &info);
    tap_ok(ret == 0 && !info.num_channels && !info.num_buffers &&
           !info.num_eventpairs && !info.num_pending,
           "the new driver instance holds nothing (%s)", vsm_strerror(ret));
    alloc = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    buf = alloc < 0 ? -1 : unplug_one_buffer(alloc, &col);
    ret = buf < 0 ? -1 : vsm_buffer_info(dev, buf, &bi);
    tap_ok(ret == 0, "a negotiation on the new instance works");
    if (ret) {
        return;
    }
    tap_diag("the new buffer is at offset %#llx, the old one was at %#llx",
             (unsigned long long)bi.offset, (unsigned long long)s->buf_off);
    p = vsm_map(buf, UNPLUG_BUF_SIZE, true);
    if (p) {
        memset(p, UNPLUG_NEW_BYTE, UNPLUG_BUF_SIZE);
    }
    tap_ok(p && p[0] == UNPLUG_NEW_BYTE, "its buffer maps and holds new bytes");

    /* The old mapping: gone, not the new collection's bytes. */
    ret = (int)write(s->map_go, "g", 1);
    ret = (int)read(s->map_rd, &v, sizeof(v));
    waitpid(s->map_pid, &status, 0);
    tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS,
           "touching the old mapping raises SIGBUS (status %#x, read %#x)",
           status, ret == sizeof(v) ? v : -1);
    if (p) {
        vsm_unmap(p, UNPLUG_BUF_SIZE);
    }

    /* Closing the old fds touches nothing on the new instance. */
    close(s->buf);
    close(s->col);
    close(s->alloc);
    close(s->dev);
    vsm_info(dev, &info);
    tap_ok(info.num_channels == 2 && info.num_buffers == 1,
           "closing the old fds leaves the new instance alone (%u channels,"
           " %u buffers)", info.num_channels, info.num_buffers);
    vsm2_release(col);
    close(col);
    close(buf);
    close(alloc);
    for (int i = 0; i < 300; i++) {
        vsm_info(dev, &info);
        if (!info.num_channels && !info.num_buffers && !info.num_pending) {
            break;
        }
        usleep(10000);
    }
    tap_ok(!info.num_channels && !info.num_buffers && !info.num_pending,
           "and ends with nothing held (%u channels, %u buffers)",
           info.num_channels, info.num_buffers);
    close(dev);
}

#endif /* VSYSMEM_TEST_UNPLUG_H */
