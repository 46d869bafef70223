/*
 * Guest test: the virtio-sysmem transport through the vsysmem uapi.
 *
 * Needs only a device that accepts CONNECT and answers two-way calls (the
 * sysmem core is not required): device info, connect, CALL and WRITE+READ
 * round trips, channel and event pairs, peer-closed signalling, malformed
 * ioctls, and that closing fds (or exiting) leaves nothing behind.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libvsysmem.h"
#include "tap.h"

static int dev;

static short poll_one(int fd, short events, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = events };

    return poll(&p, 1, timeout_ms) == 1 ? p.revents : 0;
}

/* A 16-byte header-only message: two-way if txid != 0. */
static void fidl_hdr(uint8_t *b, uint32_t txid, uint64_t ordinal)
{
    fidl_message_header_t h;

    fidl_header_init(&h, txid, ordinal, true);
    fidl_header_encode(&h, b);
}

/* Sync on the Allocator: not an Allocator method, so any server must
 * answer a sysmem2 (open protocol) call with UNKNOWN_METHOD. */
static int call_unknown(int ch)
{
    sysmem2_node_sync_result_t res;
    int ret;

    memset(&res, 0, sizeof(res));
    ret = vsm_fidl_call(ch, SYSMEM2_NODE_SYNC_ORDINAL, true, true, NULL, NULL,
                        &sysmem2_node_sync_result_type, &res);
    if (ret) {
        return ret;
    }
    return res.tag == FIDL_RESULT_FRAMEWORK_ERR &&
           res.framework_err == FIDL_FRAMEWORK_ERR_UNKNOWN_METHOD ? 0 : -EPROTO;
}

static int wait_counts(const struct vsysmem_info *base)
{
    struct vsysmem_info info;

    for (int i = 0; i < 200; i++) {
        if (vsm_info(dev, &info) == 0 &&
            info.num_channels == base->num_channels &&
            info.num_eventpairs == base->num_eventpairs &&
            info.num_buffers == base->num_buffers && info.num_pending == 0) {
            return 1;
        }
        usleep(5000);
    }
    tap_diag("channels %u (was %u) eventpairs %u (was %u) buffers %u "
             "pending %u", info.num_channels, base->num_channels,
             info.num_eventpairs, base->num_eventpairs, info.num_buffers,
             info.num_pending);
    return 0;
}

static void test_round_trips(int ch)
{
    enum { N = 300 };
    static uint64_t t[N];
    int fails = 0;

    for (int i = 0; i < N; i++) {
        uint64_t t0 = now_ns();

        if (call_unknown(ch)) {
            fails++;
        }
        t[i] = now_ns() - t0;
    }
    qsort(t, N, sizeof(t[0]), cmp_u64);
    tap_ok(fails == 0, "%d CALL round trips (median %.1f us, p90 %.1f us)",
           N, t[N / 2] / 1000.0, t[N * 9 / 10] / 1000.0);
}

static void test_write_read(int ch)
{
    uint8_t req[16], rep[256];
    struct vsysmem_handle h[4];
    uint32_t n = sizeof(rep), nh = 4, txid;
    int ret;

    fidl_hdr(req, 7, SYSMEM2_NODE_SYNC_ORDINAL);
    ret = vsm_write(ch, req, sizeof(req), NULL, 0);
    tap_ok(ret == 0, "WRITE of a two-way message (%s)", vsm_strerror(ret));
    tap_ok(poll_one(ch, POLLIN, 5000) & POLLIN, "poll reports the reply");
    ret = vsm_read(ch, rep, &n, h, &nh, true, NULL);
    memcpy(&txid, rep, 4);
    tap_ok(ret == 0 && n >= 16 && txid == 7,
           "READ returns the reply with txid 7 (%s, %u bytes, txid %u)",
           vsm_strerror(ret), n, txid);
    n = sizeof(rep);
    nh = 4;
    ret = vsm_read(ch, rep, &n, h, &nh, true, NULL);
    tap_ok(ret == -EAGAIN, "READ on an empty O_NONBLOCK channel: EAGAIN (%s)",
           vsm_strerror(ret));

    /* A reply that does not fit stays queued. */
    ret = vsm_write(ch, req, sizeof(req), NULL, 0);
    poll_one(ch, POLLIN, 5000);
    n = 8;
    nh = 0;
    ret = vsm_read(ch, rep, &n, h, &nh, true, NULL);
    tap_ok(ret == -EMSGSIZE && n >= 16, "short READ: EMSGSIZE with the size");
    n = sizeof(rep);
    nh = 4;
    ret = vsm_read(ch, rep, &n, h, &nh, true, NULL);
    tap_ok(ret == 0, "the message is still there afterwards");
}

static void test_pairs(void)
{
    uint8_t msg[16];
    uint32_t n = sizeof(msg), nh = 0;
    struct vsysmem_handle h[1];
    int client, server, local, remote, ret;
    int32_t epitaph = 0;

    ret = vsm_channel_create(dev, &client, &server);
    tap_ok(ret == 0, "CHANNEL_CREATE (%s)", vsm_strerror(ret));
    fidl_hdr(msg, 0, SYSMEM2_NODE_RELEASE_ORDINAL);
    ret = vsm_write(client, msg, sizeof(msg), NULL, 0);
    tap_ok(ret == -ENOTCONN, "write before the server end is sent: ENOTCONN");
    ret = vsm_write(server, msg, sizeof(msg), NULL, 0);
    tap_ok(ret == -ENOTTY, "a server end cannot be written: ENOTTY");
    close(server);
    tap_ok(poll_one(client, POLLIN, 1000) & POLLHUP,
           "closing an unsent server end hangs up the client");
    ret = vsm_read(client, msg, &n, h, &nh, false, &epitaph);
    tap_ok(ret == -EPIPE, "READ after hangup: EPIPE (%s)", vsm_strerror(ret));
    close(client);

    ret = vsm_eventpair_create(dev, &local, &remote);
    tap_ok(ret == 0, "EVENTPAIR_CREATE (%s)", vsm_strerror(ret));
    tap_ok(poll_one(local, POLLIN, 0) == 0, "a fresh event pair is quiet");
    close(remote);
    tap_ok(poll_one(local, POLLIN, 1000) & POLLHUP,
           "closing the other end signals peer closed");
    close(local);
}

static void test_bad_ioctls(int ch)
{
    struct vsysmem_connect c = { .protocol = 99 };
    struct vsysmem_msg m;
    struct vsysmem_handle h = { .fd = 9999 };
    uint8_t msg[16];
    int fds[2] = { 0, 0 };
    int ret;

    errno = 0;
    tap_ok(ioctl(dev, VSYSMEM_IOC_CONNECT, &c) < 0 && errno == EINVAL,
           "CONNECT to protocol 99: EINVAL");
    c.protocol = VSYSMEM_PROTOCOL_SYSMEM2;
    c.flags = 1;
    tap_ok(ioctl(dev, VSYSMEM_IOC_CONNECT, &c) < 0 && errno == EINVAL,
           "CONNECT with unknown flags: EINVAL");
    tap_ok(ioctl(dev, VSYSMEM_IOC_CONNECT, NULL) < 0 && errno == EFAULT,
           "CONNECT with a NULL argument: EFAULT");
    tap_ok(ioctl(dev, _IO(VSYSMEM_IOC_MAGIC, 0x7f)) < 0 && errno == ENOTTY,
           "unknown device ioctl: ENOTTY");
    tap_ok(ioctl(ch, VSYSMEM_IOC_GET_INFO, NULL) < 0 && errno == ENOTTY,
           "device ioctl on a channel: ENOTTY");

    fidl_hdr(msg, 0, SYSMEM2_NODE_RELEASE_ORDINAL);
    memset(&m, 0, sizeof(m));
    m.bytes = (uintptr_t)msg;
    m.num_bytes = 8;
    tap_ok(ioctl(ch, VSYSMEM_IOC_WRITE, &m) < 0 && errno == EINVAL,
           "WRITE shorter than a FIDL header: EINVAL");
    m.num_bytes = VSYSMEM_MAX_MSG_BYTES + 1;
    tap_ok(ioctl(ch, VSYSMEM_IOC_WRITE, &m) < 0 && errno == EINVAL,
           "WRITE over 64 KiB: EINVAL");
    m.num_bytes = 16;
    m.num_handles = VSYSMEM_MAX_MSG_HANDLES + 1;
    tap_ok(ioctl(ch, VSYSMEM_IOC_WRITE, &m) < 0 && errno == EINVAL,
           "WRITE with 65 handles: EINVAL");
    m.num_handles = 0;
    m.bytes = 16;
    tap_ok(ioctl(ch, VSYSMEM_IOC_WRITE, &m) < 0 && errno == EFAULT,
           "WRITE from a bad pointer: EFAULT");
    m.bytes = (uintptr_t)msg;
    m.flags = 0x10;
    tap_ok(ioctl(ch, VSYSMEM_IOC_WRITE, &m) < 0 && errno == EINVAL,
           "WRITE with unknown flags: EINVAL");
    m.flags = 0;
    m.handles = (uintptr_t)&h;
    m.num_handles = 1;
    tap_ok(ioctl(ch, VSYSMEM_IOC_WRITE, &m) < 0 && errno == EBADF,
           "WRITE with a closed fd as handle: EBADF");
    h.fd = dev;
    tap_ok(ioctl(ch, VSYSMEM_IOC_WRITE, &m) < 0 && errno == EBADF,
           "WRITE with a non-vsysmem fd as handle: EBADF");
    fds[0] = ch;
    ret = vsm_write(ch, msg, 16, fds, 1);
    tap_ok(ret == -EINVAL, "WRITE of a channel into itself: EINVAL (%s)",
           vsm_strerror(ret));
    tap_ok(ioctl(ch, VSYSMEM_IOC_READ, (void *)16) < 0 && errno == EFAULT,
           "READ with a bad struct pointer: EFAULT");
}

/* A reader blocked on a channel whose handle another thread moves away. */
static void test_move_wakes_reader(void)
{
    int x = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    int y = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    uint8_t msg[16];
    int status, ret;
    pid_t pid;

    pid = fork();
    if (pid == 0) {
        uint8_t buf[64];
        struct vsysmem_handle h[1];
        uint32_t n = sizeof(buf), nh = 1;

        ret = vsm_read(x, buf, &n, h, &nh, false, NULL);
        _exit(ret == -EBADFD ? 0 : 1);
    }
    usleep(200000);
    fidl_hdr(msg, 0, SYSMEM2_NODE_RELEASE_ORDINAL);
    ret = vsm_write(y, msg, sizeof(msg), &x, 1);
    waitpid(pid, &status, 0);
    tap_ok(ret == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "moving a channel's handle wakes its blocked reader (EBADFD)");
    close(x);
    close(y);
}

static void test_exit_closes(const struct vsysmem_info *base)
{
    pid_t pid = fork();

    if (pid == 0) {
        int d = vsm_open(0), a, b, c2, s;

        a = vsm_connect(d, VSYSMEM_PROTOCOL_SYSMEM2);
        b = vsm_connect(d, VSYSMEM_PROTOCOL_SYSMEM2);
        vsm_channel_create(d, &c2, &s);
        (void)a;
        (void)b;
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    tap_ok(wait_counts(base), "process exit closes every handle it held");
}

int main(void)
{
    struct vsysmem_info info, base;
    int ch, ret;
    uint64_t t0;

    dev = vsm_open(0);
    if (!tap_ok(dev >= 0, "open /dev/vsysmem0 (%s)",
                dev < 0 ? vsm_strerror(dev) : "ok")) {
        return tap_done();
    }
    ret = vsm_info(dev, &info);
    tap_ok(ret == 0 && info.version == VSYSMEM_UAPI_VERSION &&
           info.region_size > 0 && info.max_msg_bytes >= 16,
           "GET_INFO: uapi v%u, region %llu MiB, max msg %u bytes/%u handles",
           info.version, (unsigned long long)(info.region_size >> 20),
           info.max_msg_bytes, info.max_msg_handles);
    base = info;

    t0 = now_ns();
    ch = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    tap_ok(ch >= 0, "CONNECT sysmem2 Allocator (%s, %.1f us)",
           ch < 0 ? vsm_strerror(ch) : "ok", (now_ns() - t0) / 1000.0);
    if (ch < 0) {
        return tap_done();
    }
    ret = call_unknown(ch);
    tap_ok(ret == 0, "CALL: an unknown method gets a framework-error reply "
           "(%s)", ret ? vsm_strerror(ret) : "UNKNOWN_METHOD");
    test_round_trips(ch);
    test_write_read(ch);
    test_pairs();
    test_bad_ioctls(ch);
    ret = vsm_info(dev, &info);
    tap_ok(ret == 0 && info.events == base.events,
           "no unexpected events (%llu requests sent)",
           (unsigned long long)info.requests);
    test_move_wakes_reader();
    close(ch);
    tap_ok(wait_counts(&base), "closing every fd leaves no handles behind");
    test_exit_closes(&base);

    ch = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM1);
    ret = vsm_info(dev, &info);
    if (info.features & VSYSMEM_FEATURE_V1) {
        tap_ok(ch >= 0, "CONNECT v1 Allocator (%s)",
               ch < 0 ? vsm_strerror(ch) : "ok");
    } else {
        tap_ok(ch == -EPROTONOSUPPORT,
               "CONNECT v1 without VIRTIO_SYSMEM_F_V1: EPROTONOSUPPORT");
    }
    if (ch >= 0) {
        close(ch);
    }
    close(dev);
    return tap_done();
}
