/*
 * Guest test: what one process can reach through the driver.
 *
 * - Buffers are reached only through their dma-buf fds: the device fd and
 *   channel fds cannot be mapped, and a buffer's mapping cannot reach past
 *   its end into a neighbour.
 * - An fd's rights cannot be widened: a read-only buffer cannot be mapped
 *   writable privately, made writable with mprotect(), or reopened
 *   read/write through /proc, and a dup() of it is just as read-only.
 *   Writable buffers refuse private (copy-on-write) mappings.
 * - Ids cannot be forged through the raw channel interface: handle tables
 *   naming fds that are not vsysmem handles or handles in a role they do
 *   not have get an errno; FIDL messages claiming handles they do not carry
 *   or carrying integers where handle markers belong fail on the device,
 *   on that channel only, and never bind another connection's token.
 *
 * Covered elsewhere: read-only MAP_SHARED|PROT_WRITE, mmap beyond the end
 * and the secure heap (test-negotiate); closed fds and the device fd as
 * handles (test-transport).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libvsysmem.h"
#include "tap.h"

#define SIZE (64 * 1024)

static int dev;

/* A channel whose server still answers (an Allocator has no Sync method,
 * so it answers with a framework error). */
static int answered(int ch)
{
    int ret = vsm2_sync(ch);

    return ret == 0 || ret == VSM_ERR_FRAMEWORK;
}

struct pair {
    int col_rw, col_ro;
    sysmem2_buffer_collection_info_t *rw, *ro;
};

/* Two participants in one collection, the second without WRITE. */
static int two_views(int alloc, struct pair *p)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    int token, dup, ret;

    p->rw = calloc(1, sizeof(*p->rw));
    p->ro = calloc(1, sizeof(*p->ro));
    token = vsm2_allocate_shared_collection(alloc);
    dup = token < 0 ? token :
          vsm2_duplicate(token, ~(uint32_t)VSYSMEM_RIGHT_WRITE);
    p->col_rw = dup < 0 ? dup : vsm2_bind_shared_collection(alloc, token);
    p->col_ro = p->col_rw < 0 ? p->col_rw :
                vsm2_bind_shared_collection(alloc, dup);
    vsm2_constraints_cpu(c, 1, SIZE, true);
    ret = p->col_ro < 0 ? p->col_ro : vsm2_set_constraints(p->col_rw, c);
    memset(c, 0, sizeof(*c));
    vsm2_constraints_cpu(c, 1, SIZE, false);
    ret = ret ? ret : vsm2_set_constraints(p->col_ro, c);
    ret = ret ? ret : vsm2_wait_for_all_buffers_allocated(p->col_rw, p->rw, 0);
    ret = ret ? ret : vsm2_wait_for_all_buffers_allocated(p->col_ro, p->ro, 0);
    free(c);
    return ret;
}

static void test_only_buffer_fds(int alloc, struct pair *p)
{
    int rw = (int)p->rw->buffers[0].vmo;
    void *m;

    m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, dev, 0);
    tap_ok(m == MAP_FAILED, "the device fd cannot be mapped (%s)",
           strerror(errno));
    m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, alloc, 0);
    tap_ok(m == MAP_FAILED, "a channel fd cannot be mapped (%s)",
           strerror(errno));
    m = mmap(NULL, 2 * SIZE, PROT_READ, MAP_SHARED, rw, 0);
    tap_ok(m == MAP_FAILED, "a mapping longer than the buffer, into its "
           "neighbour, is refused (%s)", strerror(errno));
    m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, rw, SIZE);
    tap_ok(m == MAP_FAILED, "so is one just past its end (%s)",
           strerror(errno));
}

static void test_rights(struct pair *p)
{
    int rw = (int)p->rw->buffers[0].vmo, ro = (int)p->ro->buffers[0].vmo;
    struct vsysmem_buffer_info bi_rw, bi_ro;
    volatile uint32_t *w, *r;
    void *m;
    char path[64];
    int fd, d;

    vsm_buffer_info(dev, rw, &bi_rw);
    vsm_buffer_info(dev, ro, &bi_ro);
    tap_ok(bi_rw.id != bi_ro.id && bi_rw.offset == bi_ro.offset &&
           (bi_rw.rights & VSYSMEM_RIGHT_WRITE) &&
           !(bi_ro.rights & VSYSMEM_RIGHT_WRITE),
           "one buffer, two handles: rights %#x and %#x (no WRITE)",
           bi_rw.rights, bi_ro.rights);
    w = vsm_map(rw, SIZE, true);
    r = vsm_map(ro, SIZE, false);
    if (w && r) {
        w[3] = 0x15011a7e;
    }
    tap_ok(w && r && r[3] == 0x15011a7e,
           "the writable handle maps read/write, the other read-only, and "
           "both see the same bytes");

    m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    tap_ok(m == MAP_FAILED && errno == EACCES,
           "read-only: a private writable mapping is refused (%s)",
           strerror(errno));
    tap_ok(r && mprotect((void *)r, SIZE, PROT_READ | PROT_WRITE) != 0 &&
           errno == EACCES,
           "read-only: mprotect of a shared mapping to PROT_WRITE is refused"
           " (%s)", strerror(errno));
    m = mmap(NULL, SIZE, PROT_READ, MAP_PRIVATE, ro, 0);
    tap_ok(m != MAP_FAILED && mprotect(m, SIZE, PROT_READ | PROT_WRITE) != 0
           && errno == EACCES,
           "read-only: mprotect of a private mapping to PROT_WRITE is "
           "refused (%s)", strerror(errno));
    if (m != MAP_FAILED) {
        munmap(m, SIZE);
    }

    d = dup(ro);
    fcntl(d, F_SETFL, O_RDWR);
    m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, d, 0);
    tap_ok((fcntl(d, F_GETFL) & O_ACCMODE) == O_RDONLY && m == MAP_FAILED,
           "read-only: a dup() stays O_RDONLY and cannot be mapped writable "
           "(%s)", strerror(errno));
    close(d);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", ro);
    fd = open(path, O_RDWR);
    tap_ok(fd < 0, "read-only: it cannot be reopened read/write through "
           "/proc (%s)", fd < 0 ? strerror(errno) : "opened");
    if (fd >= 0) {
        close(fd);
    }
    tap_ok(r && r[3] == 0x15011a7e, "and the buffer still holds what the "
           "writable handle wrote");

    m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, rw, 0);
    tap_ok(m == MAP_FAILED && errno == EINVAL,
           "writable: a private (copy-on-write) mapping is refused (%s)",
           strerror(errno));
    if (w) {
        vsm_unmap((void *)w, SIZE);
    }
    if (r) {
        vsm_unmap((void *)r, SIZE);
    }
}

/* Handle tables: only vsysmem handles, each in the role it has. */
static void test_handle_tables(int alloc, struct pair *p)
{
    uint8_t msg[16];
    fidl_message_header_t hdr;
    struct vsysmem_msg m;
    struct vsysmem_handle h;
    int pp[2], client, server, ret, buf = (int)p->rw->buffers[0].vmo;
    uint32_t *map;

    fidl_header_init(&hdr, 0, SYSMEM2_NODE_RELEASE_ORDINAL, true);
    fidl_header_encode(&hdr, msg);
    if (pipe(pp)) {
        return;
    }
    ret = vsm_write(alloc, msg, sizeof(msg), &pp[0], 1);
    tap_ok(ret == -EBADF, "a pipe fd as handle: EBADF (%s)", vsm_strerror(ret));
    close(pp[0]);
    close(pp[1]);

    vsm_channel_create(dev, &client, &server);
    memset(&m, 0, sizeof(m));
    memset(&h, 0, sizeof(h));
    m.bytes = (uintptr_t)msg;
    m.num_bytes = sizeof(msg);
    m.handles = (uintptr_t)&h;
    m.num_handles = 1;
    h.fd = client;
    h.type = VSYSMEM_HANDLE_CHANNEL_SERVER;
    ret = ioctl(alloc, VSYSMEM_IOC_WRITE, &m) ? -errno : 0;
    tap_ok(ret == -EPROTOTYPE, "a client end declared as a server end: "
           "EPROTOTYPE (%s)", vsm_strerror(ret));
    close(client);
    close(server);

    ret = vsm_write(alloc, msg, sizeof(msg), &buf, 1);
    map = vsm_map(buf, 4096, false);
    tap_ok(ret == -EOPNOTSUPP && map && map[3] == 0x15011a7e,
           "a buffer fd as handle: EOPNOTSUPP, and the buffer stays usable "
           "(%s)", vsm_strerror(ret));
    if (map) {
        vsm_unmap(map, 4096);
    }
    tap_ok(answered(alloc), "the allocator channel still works");
}

/*
 * A BindSharedCollection whose bytes and handle table disagree, or whose
 * token marker is an integer.  Returns the collection client end, whose
 * Sync tells whether anything got bound.
 */
static int raw_bind(int alloc, int token, int carry, uint32_t forged_id)
{
    sysmem2_allocator_bind_shared_collection_request_t req = { 0 };
    fidl_handle_info_t hin[FIDL_MAX_MSG_HANDLES];
    static uint8_t bytes[FIDL_MAX_MSG_BYTES];
    fidl_message_header_t hdr;
    int client, server, fds[2];
    uint32_t n, nh, marker = 0xffffffffu;

    if (vsm_channel_create(dev, &client, &server)) {
        return -1;
    }
    req.has_token = true;
    req.token = (fidl_handle_t)token;
    req.has_buffer_collection_request = true;
    req.buffer_collection_request = (fidl_handle_t)server;
    fidl_header_init(&hdr, 0, SYSMEM2_ALLOCATOR_BIND_SHARED_COLLECTION_ORDINAL,
                     true);
    if (fidl_encode_msg(&hdr, &sysmem2_allocator_bind_shared_collection_request_type,
                        &req, bytes, sizeof(bytes), &n, hin,
                        FIDL_MAX_MSG_HANDLES, &nh) != FIDL_OK || nh != 2) {
        close(client);
        close(server);
        return -1;
    }
    if (forged_id) {
        /* The token's handle marker (the first one) becomes an id. */
        for (uint32_t off = 16; off + 4 <= n; off += 4) {
            if (!memcmp(bytes + off, &marker, 4)) {
                memcpy(bytes + off, &forged_id, 4);
                break;
            }
        }
    }
    fds[0] = (int)hin[0].handle;
    fds[1] = (int)hin[1].handle;
    /* carry 1: only the server end; carry 0: no handles at all. */
    vsm_write(alloc, bytes, n, carry == 2 ? fds : fds + 1, (uint32_t)carry);
    close(server);
    return client;
}

static void test_forged_messages(void)
{
    int victim = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    int bystander = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    int vtoken = vsm2_allocate_shared_collection(victim);
    int vdup = vtoken < 0 ? vtoken : vsm2_duplicate(vtoken, 0xffffffffu);
    int bound = 0, attempts = 0, dead = 0, other, a, col, ret;
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();

    if (!tap_ok(vdup > 0 && bystander >= 0, "a victim connection with a "
                "token and its duplicate")) {
        return;
    }
    /*
     * Ids are small integers the driver hands out in order (1, 2, ...):
     * try every id up to well past the ones alive (the victim's tokens
     * among them) in the token slot, with only the server end carried.
     */
    for (uint32_t id = 1; id <= 48; id++) {
        a = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
        col = raw_bind(a, a, 1, id);
        attempts++;
        bound += col >= 0 && vsm2_sync(col) == 0;
        dead += !answered(a);
        close(col);
        close(a);
    }
    tap_ok(bound == 0, "integers in place of the token's handle marker bind "
           "nothing (%d ids tried, %d bound; the device closed %d of the "
           "allocators that sent them)", attempts, bound, dead);

    /* Handle markers present, handles missing: none, or the token. */
    other = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    for (int carry = 0; carry < 2; carry++) {
        a = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
        col = raw_bind(a, other, carry, 0);
        ret = vsm2_sync(col);
        tap_ok(ret != 0, "a message claiming two handles and carrying %s "
               "binds nothing (%s)", carry ? "only the server end" : "none",
               vsm_strerror(ret));
        close(col);
        close(a);
    }
    close(other);

    /* Another connection's Allocator channel in the role of a token. */
    a = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    other = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    col = vsm2_bind_shared_collection(a, other);
    ret = col < 0 ? col : vsm2_sync(col);
    tap_ok(ret != 0, "an Allocator channel passed as a token binds nothing "
           "(%s)", vsm_strerror(ret));
    close(col);
    close(a);

    tap_ok(answered(bystander), "an unrelated connection is unaffected");
    /* The victim's tokens were never reachable: they still negotiate. */
    vsm2_constraints_cpu(c, 1, 4096, true);
    a = vsm2_bind_shared_collection(victim, vtoken);
    col = vsm2_bind_shared_collection(victim, vdup);
    ret = vsm2_set_constraints(a, c);
    ret = ret ? ret : vsm2_set_constraints(col, c);
    ret = ret ? ret : vsm2_wait_for_all_buffers_allocated(a, info, 0);
    vsm2_info_close_handles(info);
    ret = ret ? ret : vsm2_wait_for_all_buffers_allocated(col, info, 0);
    vsm2_info_close_handles(info);
    tap_ok(ret == 0, "the victim's tokens still bind and allocate (%s)",
           vsm_strerror(ret));
    vsm2_release(a);
    vsm2_release(col);
    close(a);
    close(col);
    close(victim);
    close(bystander);
    free(info);
    free(c);
}

int main(void)
{
    struct vsysmem_info base, now;
    struct pair p;
    int alloc, ret;

    dev = vsm_open(0);
    alloc = dev < 0 ? dev : vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    if (!tap_ok(alloc >= 0, "open the device and connect")) {
        return tap_done();
    }
    vsm_info(dev, &base);
    ret = two_views(alloc, &p);
    if (!tap_ok(ret == 0, "a collection with a read/write and a read-only "
                "participant (%s)", vsm_strerror(ret))) {
        return tap_done();
    }
    test_only_buffer_fds(alloc, &p);
    test_rights(&p);
    test_handle_tables(alloc, &p);
    vsm2_release(p.col_rw);
    vsm2_release(p.col_ro);
    close(p.col_rw);
    close(p.col_ro);
    vsm2_info_close_handles(p.rw);
    vsm2_info_close_handles(p.ro);
    test_forged_messages();
    close(alloc);
    for (int i = 0; i < 300; i++) {
        vsm_info(dev, &now);
        if (now.num_channels + 1 == base.num_channels && !now.num_buffers &&
            !now.num_eventpairs && !now.num_pending) {
            break;
        }
        usleep(10000);
    }
    tap_ok(now.num_channels + 1 == base.num_channels && !now.num_buffers &&
           !now.num_eventpairs && !now.num_pending,
           "nothing left (%u channels, %u buffers, %u pending)",
           now.num_channels, now.num_buffers, now.num_pending);
    close(dev);
    return tap_done();
}
