/*
 * Guest test: real sysmem2 negotiations through the driver (needs the
 * sysmem core behind the device).
 *
 * Two processes join one collection by passing a token fd over a UNIX
 * socket; one writes a pattern into a buffer, the other reads it; the host
 * side checks the same bytes in the memory backend ("VSYSMEM-HOSTCHECK"
 * lines, verified by scripts/run-guest.sh).  Also: rights attenuation
 * makes read-only buffers, a killed participant fails the collection for
 * the other, buffers are zero-filled, DMA_BUF_IOCTL_SYNC, and nothing
 * leaks once every fd is closed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include "libvsysmem.h"
#include "sysmem/methods.h"
#include "tap.h"

#define BUF_SIZE    (256 * 1024)
#define PATTERN_SEED 0x5a

static int dev;

static uint8_t pattern(uint64_t i)
{
    return (uint8_t)(PATTERN_SEED + i * 7 + (i >> 12));
}

static int wait_counts(const struct vsysmem_info *base)
{
    struct vsysmem_info info;

    memset(&info, 0, sizeof(info));
    for (int i = 0; i < 400; i++) {
        if (vsm_info(dev, &info) == 0 &&
            info.num_channels == base->num_channels &&
            info.num_eventpairs == base->num_eventpairs &&
            info.num_buffers == base->num_buffers && info.num_pending == 0) {
            return 1;
        }
        usleep(5000);
    }
    tap_diag("channels %u (was %u) eventpairs %u (was %u) buffers %u (was %u)"
             " pending %u", info.num_channels, base->num_channels,
             info.num_eventpairs, base->num_eventpairs, info.num_buffers,
             base->num_buffers, info.num_pending);
    return 0;
}

/* Bind a token, set CPU constraints, wait.  Returns the collection fd. */
static int join(int alloc, int token, uint32_t count, bool write,
                sysmem2_buffer_collection_info_t *info, int *err)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    int col;

    col = vsm2_bind_shared_collection(alloc, token);
    if (col < 0) {
        *err = col;
        free(c);
        return col;
    }
    vsm2_constraints_cpu(c, count, BUF_SIZE, write);
    *err = vsm2_set_constraints(col, c);
    if (!*err) {
        *err = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    }
    free(c);
    if (*err) {
        close(col);
        return -1;
    }
    return col;
}

/* The second participant: read-only (attenuated) token from the socket. */
static int reader_child(int sock)
{
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    int alloc, token, col, err, bad = 0;
    uint8_t *p;
    char go;

    alloc = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    token = vsm_recv_fd(sock);
    if (alloc < 0 || token < 0) {
        return 10;
    }
    col = join(alloc, token, 1, false, info, &err);
    if (col < 0) {
        tap_diag("child: %s", vsm_strerror(err));
        return 11;
    }
    /* Tell the parent what we see: buffer count and first offset. */
    {
        struct vsysmem_buffer_info bi;
        uint64_t msg[2] = { info->buffers_count, 0 };

        if (vsm_buffer_info(dev, (int)info->buffers[0].vmo, &bi) == 0) {
            msg[1] = bi.offset;
        }
        if (write(sock, msg, sizeof(msg)) != sizeof(msg)) {
            return 12;
        }
    }
    /* Read-only rights: a writable shared mapping must be refused. */
    p = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
             (int)info->buffers[0].vmo, 0);
    if (p != MAP_FAILED) {
        return 13;
    }
    if (read(sock, &go, 1) != 1) {
        return 14;
    }
    p = vsm_map((int)info->buffers[0].vmo, BUF_SIZE, false);
    if (!p) {
        return 15;
    }
    vsm_sync((int)info->buffers[0].vmo, true, false);
    for (uint64_t i = 0; i < BUF_SIZE; i++) {
        bad += p[i] != pattern(i);
    }
    vsm_sync((int)info->buffers[0].vmo, false, false);
    vsm_unmap(p, BUF_SIZE);
    if (bad) {
        return 16;
    }
    vsm2_release(col);
    close(col);
    vsm2_info_close_handles(info);
    close(alloc);
    return 0;
}

static void test_two_process(int alloc)
{
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    struct vsysmem_buffer_info bi;
    int sv[2], token, dup, col, err, status, ret;
    uint64_t child_view[2];
    pid_t pid;
    uint8_t *p;
    int zero = 1;

    token = vsm2_allocate_shared_collection(alloc);
    tap_ok(token > 0, "AllocateSharedCollection (%s)",
           token < 0 ? vsm_strerror(token) : "ok");
    if (token <= 0) {
        return;
    }
    ret = vsm2_sync(token);
    tap_ok(ret == 0, "Sync on the new token (%s)", vsm_strerror(ret));
    /* The child's token lacks WRITE: its buffers come read-only. */
    dup = vsm2_duplicate(token, ~(uint32_t)VSYSMEM_RIGHT_WRITE);
    tap_ok(dup > 0, "Duplicate without WRITE (%s)",
           dup < 0 ? vsm_strerror(dup) : "ok");
    if (dup <= 0) {
        close(token);
        return;
    }
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pid = fork();
    if (pid == 0) {
        close(sv[0]);
        close(token);
        close(dup);
        _exit(reader_child(sv[1]));
    }
    close(sv[1]);
    ret = vsm_send_fd(sv[0], dup);
    close(dup);
    tap_ok(ret == 0, "token passed to the other process over a UNIX socket");

    col = join(alloc, token, 2, true, info, &err);
    tap_ok(col >= 0, "two processes negotiated one collection (%s)",
           col < 0 ? vsm_strerror(err) : "ok");
    if (col < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return;
    }
    ret = read(sv[0], child_view, sizeof(child_view)) == sizeof(child_view);
    vsm_buffer_info(dev, (int)info->buffers[0].vmo, &bi);
    tap_ok(ret && child_view[0] == info->buffers_count &&
           child_view[1] == bi.offset && info->buffers_count >= 3,
           "both see the same %u buffers (buffer 0 at offset %#llx)",
           info->buffers_count, (unsigned long long)bi.offset);
    tap_ok(info->settings.buffer_settings.size_bytes >= BUF_SIZE,
           "buffer size %llu >= %u",
           (unsigned long long)info->settings.buffer_settings.size_bytes,
           BUF_SIZE);

    p = vsm_map((int)info->buffers[1].vmo, BUF_SIZE, false);
    for (uint64_t i = 0; p && i < BUF_SIZE; i++) {
        zero &= p[i] == 0;
    }
    tap_ok(p && zero, "a fresh buffer reads as zeros");
    if (p) {
        vsm_unmap(p, BUF_SIZE);
    }

    p = vsm_map((int)info->buffers[0].vmo, BUF_SIZE, true);
    tap_ok(p != NULL, "mmap a buffer read/write");
    if (p) {
        ret = vsm_sync((int)info->buffers[0].vmo, true, true);
        for (uint64_t i = 0; i < BUF_SIZE; i++) {
            p[i] = pattern(i);
        }
        ret |= vsm_sync((int)info->buffers[0].vmo, false, true);
        tap_ok(ret == 0, "DMA_BUF_IOCTL_SYNC around the writes");
        vsm_unmap(p, BUF_SIZE);
        /* The host checks its backend file while we hold the buffer. */
        printf("VSYSMEM-HOSTCHECK %llu %u %u\n", (unsigned long long)bi.offset,
               BUF_SIZE, PATTERN_SEED);
        fflush(stdout);
        sleep(1);
    }
    ret = write(sv[0], "g", 1);
    waitpid(pid, &status, 0);
    tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "the other process could not map read-only buffers writable and "
           "read the pattern (exit %d)", WEXITSTATUS(status));
    vsm2_release(col);
    close(col);
    vsm2_info_close_handles(info);
    close(sv[0]);
    free(info);
}

static void test_killed_participant(int alloc)
{
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    int token, dup, col, err;
    pid_t pid;

    token = vsm2_allocate_shared_collection(alloc);
    dup = token > 0 ? vsm2_duplicate(token, 0xffffffffu) : -1;
    if (!tap_ok(dup > 0, "set up a collection with a second token")) {
        if (token > 0) {
            close(token);
        }
        return;
    }
    pid = fork();
    if (pid == 0) {
        /* Bind, then die without Release: sysmem must fail the collection. */
        int a = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
        int c = vsm2_bind_shared_collection(a, dup);

        (void)c;
        vsm2_sync(c);
        raise(SIGKILL);
        _exit(1);
    }
    close(dup);
    waitpid(pid, NULL, 0);
    col = join(alloc, token, 1, true, info, &err);
    tap_ok(col < 0, "a killed participant fails the collection for the other"
           " (%s)", col < 0 ? vsm_strerror(err) : "allocated anyway");
    if (col >= 0) {
        vsm2_info_close_handles(info);
        close(col);
    }
    free(info);
}

static void test_non_shared(int alloc)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    int col, ret;
    uint8_t *p;

    col = vsm2_allocate_non_shared_collection(alloc);
    vsm2_constraints_cpu(c, 1, 4096, true);
    ret = col < 0 ? col : vsm2_set_constraints(col, c);
    if (!ret) {
        ret = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    }
    tap_ok(ret == 0 && info->buffers_count >= 1,
           "AllocateNonSharedCollection gives a buffer (%s)",
           vsm_strerror(ret));
    if (ret) {
        if (col >= 0) {
            close(col);
        }
        return;
    }
    p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, (int)info->buffers[0].vmo,
             1 << 20);
    tap_ok(p == MAP_FAILED, "mmap beyond the buffer's end is refused");
    vsm2_release(col);
    close(col);
    vsm2_info_close_handles(info);
    free(c);
    free(info);
}

/* The secure heap: buffers the CPU must never map. */
static void test_secure(int alloc)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    struct vsysmem_buffer_info bi;
    struct vsysmem_info di;
    int col, ret;
    void *p;

    vsm_info(dev, &di);
    if (!tap_ok(di.features & VSYSMEM_FEATURE_SECURE_HEAP,
                "the device offers a secure heap")) {
        return;
    }
    col = vsm2_allocate_non_shared_collection(alloc);
    vsm2_constraints_secure(c, 1, 64 * 1024);
    ret = col < 0 ? col : vsm2_set_constraints(col, c);
    if (!ret) {
        ret = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    }
    tap_ok(ret == 0 && info->settings.buffer_settings.is_secure,
           "a secure buffer is allocated (%s)", vsm_strerror(ret));
    if (!ret) {
        vsm_buffer_info(dev, (int)info->buffers[0].vmo, &bi);
        p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, (int)info->buffers[0].vmo,
                 0);
        tap_ok(p == MAP_FAILED && errno == EPERM &&
               (bi.flags & VSYSMEM_BUFFER_INACCESSIBLE),
               "an INACCESSIBLE buffer cannot be mapped (%s)", strerror(errno));
        errno = 0;
        tap_ok(vsm_sync((int)info->buffers[0].vmo, true, false) == -EPERM,
               "nor accessed with DMA_BUF_IOCTL_SYNC");
        vsm2_release(col);
        vsm2_info_close_handles(info);
    }
    if (col >= 0) {
        close(col);
    }
    free(c);
    free(info);
}

/* AttachLifetimeTracking: an event pair end that hangs up with the buffers. */
static void test_lifetime_tracking(int alloc)
{
    sysmem2_buffer_collection_attach_lifetime_tracking_request_t req = { 0 };
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    struct pollfd pfd = { .events = POLLIN };
    int col, local, remote, ret;

    col = vsm2_allocate_non_shared_collection(alloc);
    ret = col < 0 ? col : vsm_eventpair_create(dev, &local, &remote);
    if (!tap_ok(ret == 0, "an event pair for lifetime tracking (%s)",
                vsm_strerror(ret))) {
        return;
    }
    req.has_server_end = true;
    req.server_end = (fidl_handle_t)remote;
    req.has_buffers_remaining = true;
    req.buffers_remaining = 0;
    ret = vsm_method_call(col,
                          SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_ATTACH_LIFETIME_TRACKING,
                          &req, NULL);
    close(remote);
    vsm2_constraints_cpu(c, 2, 4096, true);
    if (!ret) {
        ret = vsm2_set_constraints(col, c);
    }
    if (!ret) {
        ret = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    }
    pfd.fd = local;
    tap_ok(ret == 0 && poll(&pfd, 1, 200) == 0,
           "the tracking end stays quiet while buffers live (%s)",
           vsm_strerror(ret));
    vsm2_release(col);
    close(col);
    vsm2_info_close_handles(info);
    tap_ok(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLHUP),
           "it hangs up once every buffer is gone");
    close(local);
    free(c);
    free(info);
}

/*
 * Two-way calls the device holds (WaitForAllBuffersAllocated before any
 * constraints) must never take the whole request ring: a process that
 * piles up more of them than fit blocks, others keep working, and killing
 * it still gets its CLOSEs through, which completes every held call.
 */
static void test_held_calls(void)
{
    struct vsysmem_info info, base;
    int sv[2], ret, pending = 0, other;
    pid_t pid;
    char c;

    vsm_info(dev, &base);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pid = fork();
    if (pid == 0) {
        sysmem2_buffer_collection_constraints_t *cc = vsm2_constraints_new();
        int a = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);

        struct rlimit rl = { 8192, 8192 };

        close(sv[0]);
        setrlimit(RLIMIT_NOFILE, &rl);
        vsm2_constraints_cpu(cc, 1, 4096, true);
        for (uint32_t i = 0; i < base.max_calls + 100; i++) {
            /* The second token is never bound: the Wait stays held. */
            int token = vsm2_allocate_shared_collection(a);
            int dup = token < 0 ? token : vsm2_duplicate(token, 0xffffffffu);
            int col = dup < 0 ? dup : vsm2_bind_shared_collection(a, token);
            uint8_t msg[16];
            fidl_message_header_t hdr;

            if (col >= 0 && vsm2_set_constraints(col, cc)) {
                col = -EIO;
            }

            fidl_header_init(&hdr, i + 1,
                SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED_ORDINAL,
                true);
            fidl_header_encode(&hdr, msg);
            close(token);   /* moved into BindSharedCollection: dead */
            ret = col < 0 ? col : vsm_write(col, msg, sizeof(msg), NULL, 0);
            if (ret) {
                tap_diag("held call %u: %s", i, vsm_strerror(ret));
                _exit(1);
            }
            if (i == 10) {
                ret = write(sv[1], "s", 1);
            }
        }
        _exit(2);   /* never: the driver stops it at max_calls */
    }
    close(sv[1]);
    ret = read(sv[0], &c, 1);
    for (int i = 0; i < 6000; i++) {
        vsm_info(dev, &info);
        pending = (int)info.num_pending;
        if (pending >= (int)base.max_calls) {
            break;
        }
        usleep(10000);
    }
    usleep(300000);
    vsm_info(dev, &info);
    tap_ok(info.num_pending == base.max_calls && base.max_calls > 0,
           "a process piles up %u held calls and waits at the driver's "
           "limit (%u)", info.num_pending, base.max_calls);
    other = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    ret = other < 0 ? other :
          vsm2_set_debug_client_info(other, false, "still-works", 1);
    tap_ok(ret == 0, "others still connect and send meanwhile (%s)",
           vsm_strerror(ret));
    if (other >= 0) {
        close(other);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    for (int i = 0; i < 500; i++) {
        vsm_info(dev, &info);
        if (info.num_pending == 0 && info.num_channels == base.num_channels) {
            break;
        }
        usleep(10000);
    }
    tap_ok(info.num_pending == 0 && info.num_channels == base.num_channels,
           "killing it gets every CLOSE through and ends every held call "
           "(%u pending, %u channels)", info.num_pending, info.num_channels);
    close(sv[0]);
}

/*
 * Calls abandoned while the device holds them: one by a timeout, one by a
 * process killed inside the call.  Their replies (with buffer handles)
 * arrive later and must be discarded, the buffers closed on the device.
 */
static void test_abandoned_calls(int alloc)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    struct vsysmem_info base, now;
    uint8_t msg[16], rep[256];
    struct vsysmem_handle h[8];
    uint32_t n = sizeof(rep), nh = 8;
    fidl_message_header_t hdr;
    int token, dup, col, col2, ret, status;
    pid_t pid;

    vsm_info(dev, &base);
    vsm2_constraints_cpu(c, 1, 4096, true);
    token = vsm2_allocate_shared_collection(alloc);
    dup = vsm2_duplicate(token, 0xffffffffu);
    col = vsm2_bind_shared_collection(alloc, token);
    ret = vsm2_set_constraints(col, c);
    fidl_header_init(&hdr, 0,
                     SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED_ORDINAL,
                     true);
    fidl_header_encode(&hdr, msg);
    ret = ret ? ret : vsm_call(col, msg, sizeof(msg), NULL, 0, rep, &n, h, &nh,
                               100 * 1000 * 1000, NULL);
    tap_ok(ret == -ETIMEDOUT, "a held CALL gives up after its timeout (%s)",
           vsm_strerror(ret));
    /* Now let it allocate: the abandoned reply brings buffers nobody takes. */
    col2 = vsm2_bind_shared_collection(alloc, dup);
    ret = vsm2_set_constraints(col2, c);
    ret = ret ? ret : vsm2_wait_for_all_buffers_allocated(col2, info, 0);
    tap_ok(ret == 0, "the other participant still gets its buffers (%s)",
           vsm_strerror(ret));
    vsm2_info_close_handles(info);
    vsm2_release(col2);
    vsm2_release(col);
    close(col2);
    close(col);

    token = vsm2_allocate_shared_collection(alloc);
    dup = vsm2_duplicate(token, 0xffffffffu);
    pid = fork();
    if (pid == 0) {
        int a = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
        int cc = vsm2_bind_shared_collection(a, dup);

        vsm2_set_constraints(cc, c);
        vsm2_wait_for_all_buffers_allocated(cc, info, 0);  /* held */
        _exit(3);
    }
    close(dup);
    usleep(300000);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    col = vsm2_bind_shared_collection(alloc, token);
    ret = vsm2_set_constraints(col, c);
    ret = ret ? ret : vsm2_wait_for_all_buffers_allocated(col, info, 0);
    tap_ok(WIFSIGNALED(status) && ret != 0,
           "a process killed inside a held CALL fails the collection (%s)",
           vsm_strerror(ret));
    close(col);
    for (int i = 0; i < 300; i++) {
        vsm_info(dev, &now);
        if (!now.num_pending && now.num_buffers == base.num_buffers &&
            now.num_channels == base.num_channels) {
            break;
        }
        usleep(10000);
    }
    tap_ok(!now.num_pending && now.num_buffers == base.num_buffers &&
           now.num_channels == base.num_channels,
           "abandoned calls leave nothing behind (%u pending, %u buffers)",
           now.num_pending, now.num_buffers);
    free(c);
    free(info);
}

/* GetNodeRef hands out a device event; IsAlternateFor takes it back. */
static void test_node_ref(int alloc)
{
    sysmem2_node_get_node_ref_result_t ref;
    sysmem2_node_is_alternate_for_request_t req = { 0 };
    sysmem2_node_is_alternate_for_result_t alt;
    struct vsysmem_info before, after;
    int token, ret;

    memset(&ref, 0, sizeof(ref));
    memset(&alt, 0, sizeof(alt));
    token = vsm2_allocate_shared_collection(alloc);
    vsm_info(dev, &before);
    ret = token < 0 ? token :
          vsm_method_call(token, SYSMEM_M_SYSMEM2_NODE_GET_NODE_REF, NULL, &ref);
    tap_ok(ret == 0 && ref.tag == FIDL_RESULT_RESPONSE &&
           ref.response.has_node_ref && ref.response.node_ref > 0,
           "GetNodeRef returns an event fd (%s)", vsm_strerror(ret));
    if (ret == 0 && ref.response.has_node_ref) {
        vsm_info(dev, &after);
        req.has_node_ref = true;
        req.node_ref = ref.response.node_ref;
        ret = vsm_method_call(token, SYSMEM_M_SYSMEM2_NODE_IS_ALTERNATE_FOR,
                              &req, &alt);
        tap_ok(ret == 0 && after.num_eventpairs == before.num_eventpairs + 1,
               "IsAlternateFor takes the event back to the device (%s, "
               "tag %llu)", vsm_strerror(ret), (unsigned long long)alt.tag);
        close((int)ref.response.node_ref);
    }
    if (token >= 0) {
        close(token);
    }
}

/* A v1 client joins a collection that a v2 client created. */
static void test_v1_mix(int alloc)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    sysmem1_buffer_collection_constraints_t *c1 = calloc(1, sizeof(*c1));
    sysmem1_buffer_collection_info_2_t *info1 = calloc(1, sizeof(*info1));
    int alloc1, token, dup, col, col1, ret, ret1;
    int32_t status = 0;
    uint32_t *p;

    alloc1 = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM1);
    token = vsm2_allocate_shared_collection(alloc);
    dup = token > 0 ? vsm2_duplicate(token, 0xffffffffu) : token;
    if (!tap_ok(alloc1 >= 0 && dup > 0, "v1 Allocator and a token for it")) {
        return;
    }
    col = vsm2_bind_shared_collection(alloc, token);
    col1 = vsm1_bind_shared_collection(alloc1, dup);
    vsm2_constraints_cpu(c, 1, 64 * 1024, true);
    c1->usage.cpu = SYSMEM2_CPU_USAGE_READ_OFTEN | SYSMEM2_CPU_USAGE_WRITE_OFTEN;
    c1->min_buffer_count_for_camping = 1;
    c1->has_buffer_memory_constraints = true;
    c1->buffer_memory_constraints.min_size_bytes = 128 * 1024;
    c1->buffer_memory_constraints.max_size_bytes = 0xffffffffu;
    c1->buffer_memory_constraints.cpu_domain_supported = true;
    c1->buffer_memory_constraints.ram_domain_supported = true;
    ret = vsm2_set_constraints(col, c);
    ret1 = vsm1_set_constraints(col1, c1);
    tap_ok(col >= 0 && col1 >= 0 && !ret && !ret1,
           "v2 and v1 clients bound one collection and set constraints (%s)",
           vsm_strerror(ret ? ret : ret1));
    ret = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    ret1 = vsm1_wait_for_buffers_allocated(col1, info1, &status);
    tap_ok(!ret && !ret1 && info->buffers_count == info1->buffer_count &&
           info1->buffer_count >= 2 &&
           info1->settings.buffer_settings.size_bytes >= 128 * 1024,
           "both got the same %u buffers of %u bytes (v2: %s, v1: %s/%d)",
           info1->buffer_count, info1->settings.buffer_settings.size_bytes,
           vsm_strerror(ret), vsm_strerror(ret1), status);
    if (!ret && !ret1) {
        p = vsm_map((int)info->buffers[0].vmo, 4096, true);
        if (p) {
            p[0] = 0x5e1f1e55u;
            vsm_unmap(p, 4096);
        }
        p = vsm_map((int)info1->buffers[0].vmo, 4096, false);
        tap_ok(p && p[0] == 0x5e1f1e55u,
               "the v1 client reads what the v2 client wrote");
        if (p) {
            vsm_unmap(p, 4096);
        }
        for (uint32_t i = 0; i < info1->buffer_count; i++) {
            close((int)info1->buffers[i].vmo);
        }
    }
    vsm2_release(col);
    vsm1_close(col1);
    vsm2_info_close_handles(info);
    close(col);
    close(col1);
    close(alloc1);
    free(c);
    free(c1);
    free(info);
    free(info1);
}

static void test_latency(int alloc)
{
    enum { ROUNDS = 30 };
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    uint64_t t[ROUNDS];
    int fails = 0;

    vsm2_constraints_cpu(c, 1, 64 * 1024, true);
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t t0 = now_ns();
        int token = vsm2_allocate_shared_collection(alloc);
        int dup = vsm2_duplicate(token, 0xffffffffu);
        int a = vsm2_bind_shared_collection(alloc, token);
        int b = vsm2_bind_shared_collection(alloc, dup);
        int ret = vsm2_set_constraints(a, c) | vsm2_set_constraints(b, c);

        ret |= vsm2_wait_for_all_buffers_allocated(a, info, 0);
        vsm2_info_close_handles(info);
        ret |= vsm2_wait_for_all_buffers_allocated(b, info, 0);
        vsm2_info_close_handles(info);
        t[r] = now_ns() - t0;
        fails += ret != 0;
        vsm2_release(a);
        vsm2_release(b);
        close(a);
        close(b);
    }
    qsort(t, ROUNDS, sizeof(t[0]), cmp_u64);
    tap_ok(fails == 0, "%d two-participant negotiations: median %.2f ms",
           ROUNDS, t[ROUNDS / 2] / 1e6);
    free(c);
    free(info);
}

int main(void)
{
    struct vsysmem_info base;
    int alloc;

    dev = vsm_open(0);
    if (!tap_ok(dev >= 0, "open /dev/vsysmem0")) {
        return tap_done();
    }
    vsm_info(dev, &base);
    alloc = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    if (!tap_ok(alloc >= 0, "connect")) {
        return tap_done();
    }
    vsm2_set_debug_client_info(alloc, false, "test-negotiate", getpid());
    test_two_process(alloc);
    test_killed_participant(alloc);
    test_non_shared(alloc);
    test_v1_mix(alloc);
    test_secure(alloc);
    test_lifetime_tracking(alloc);
    test_held_calls();
    test_abandoned_calls(alloc);
    test_node_ref(alloc);
    test_latency(alloc);
    close(alloc);
    tap_ok(wait_counts(&base), "no channels, buffers or event pairs left");
    return tap_done();
}
