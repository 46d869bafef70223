/*
 * libvsysmem: raw channel access over the vsysmem uapi, and sysmem2 calls
 * through the shared FIDL codec.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include <linux/virtio_sysmem.h>

#include "libvsysmem.h"
#include "sysmem/methods.h"

static __thread int last_codec_error;

int vsm_last_codec_error(void)
{
    return last_codec_error;
}

bool vsm_err_epitaph(int err, int32_t *status)
{
    int e = -err;

    if (e < VSM_ERR_CLOSED_BASE || e >= VSM_ERR_CLOSED_BASE + 2048) {
        return false;
    }
    if (status) {
        *status = -(int32_t)(e - VSM_ERR_CLOSED_BASE);
    }
    return true;
}

static bool err_sysmem2_result(int err, sysmem2_error_t *error)
{
    int e = -err;

    if (e < VSM_ERR_BASE || e >= VSM_ERR_BASE + 1000) {
        return false;
    }
    *error = (sysmem2_error_t)(e - VSM_ERR_BASE);
    return true;
}

bool vsm_err_sysmem2(int err, sysmem2_error_t *error)
{
    int32_t status;

    if (err_sysmem2_result(err, error)) {
        return true;
    }
    return vsm_err_epitaph(err, &status) &&
           sysmem2_error_from_status(status, error);
}

/* "NAME (meaning)" of a sysmem2 Error into buf. */
static void sysmem2_error_str(char *buf, size_t size, sysmem2_error_t e)
{
    const char *name = sysmem2_error_name(e);

    if (name) {
        snprintf(buf, size, "%s (%s)", name, sysmem2_error_meaning(e));
    } else {
        snprintf(buf, size, "%u (unknown)", e);
    }
}

const char *vsm_strerror(int err)
{
    static __thread char buf[256];
    char what[160];
    sysmem2_error_t e;
    int32_t status;

    if (err == VSM_ERR_FRAMEWORK) {
        return "FIDL framework error (UNKNOWN_METHOD)";
    }
    if (err == VSM_ERR_DECODE) {
        snprintf(buf, sizeof(buf), "reply did not decode (%s)",
                 fidl_strerror(last_codec_error));
        return buf;
    }
    if (err_sysmem2_result(err, &e)) {
        sysmem2_error_str(what, sizeof(what), e);
        snprintf(buf, sizeof(buf), "sysmem2 error %s", what);
        return buf;
    }
    if (vsm_err_epitaph(err, &status)) {
        const char *name = fidl_zx_status_name(status);
        int n;

        if (name) {
            n = snprintf(buf, sizeof(buf), "channel closed: %s (%s)", name,
                         fidl_zx_status_meaning(status));
        } else {
            n = snprintf(buf, sizeof(buf), "channel closed: status %d",
                         (int)status);
        }
        if (status == FIDL_ZX_ERR_PEER_CLOSED) {
            snprintf(buf + n, sizeof(buf) - n, ", a participant closed "
                     "without Release or the collection went away");
        } else if (sysmem2_error_from_status(status, &e)) {
            sysmem2_error_str(what, sizeof(what), e);
            snprintf(buf + n, sizeof(buf) - n, ", sysmem2 %s", what);
        }
        return buf;
    }
    snprintf(buf, sizeof(buf), "%s", strerror(-err));
    return buf;
}

/* What a FIDL-layer call reports for a channel that closed. */
static int closed_err(int32_t epitaph)
{
    return epitaph <= 0 && epitaph > -2048 ? VSM_ERR_CLOSED(epitaph) : -EPIPE;
}

/*
 * The epitaph of a channel a one-way write found closed.  A CALL on a
 * peer-closed channel fails before anything is sent and hands out the
 * epitaph without taking the epitaph message off the queue (a READ
 * would); the Sync header is only there to make it a valid request.
 */
static int32_t probe_epitaph(int ch)
{
    fidl_message_header_t hdr;
    uint8_t wr[FIDL_HEADER_SIZE], rd[FIDL_HEADER_SIZE];
    struct vsysmem_handle rh[1];
    uint32_t rn = sizeof(rd), rnh = 0;
    int32_t epitaph = FIDL_ZX_ERR_PEER_CLOSED;

    fidl_header_init(&hdr, 1, SYSMEM2_NODE_SYNC_ORDINAL, true);
    fidl_header_encode(&hdr, wr);
    if (vsm_call(ch, wr, sizeof(wr), NULL, 0, rd, &rn, rh, &rnh, 1,
                 &epitaph) != -EPIPE) {
        return FIDL_ZX_ERR_PEER_CLOSED;
    }
    return epitaph;
}

static int neg_errno(int ret)
{
    return ret < 0 ? -errno : ret;
}

int vsm_open(unsigned int index)
{
    char path[32];

    snprintf(path, sizeof(path), "/dev/vsysmem%u", index);
    return neg_errno(open(path, O_RDWR | O_CLOEXEC));
}

int vsm_info(int dev, struct vsysmem_info *info)
{
    memset(info, 0, sizeof(*info));
    return neg_errno(ioctl(dev, VSYSMEM_IOC_GET_INFO, info));
}

int vsm_connect(int dev, uint32_t protocol)
{
    struct vsysmem_connect c = { .protocol = protocol };
    int ret = neg_errno(ioctl(dev, VSYSMEM_IOC_CONNECT, &c));

    return ret < 0 ? ret : c.fd;
}

static int vsm_pair(int dev, unsigned long cmd, int *fd0, int *fd1)
{
    struct vsysmem_pair p = { 0 };
    int ret = neg_errno(ioctl(dev, cmd, &p));

    if (ret == 0) {
        *fd0 = p.fd0;
        *fd1 = p.fd1;
    }
    return ret;
}

int vsm_channel_create(int dev, int *client, int *server)
{
    return vsm_pair(dev, VSYSMEM_IOC_CHANNEL_CREATE, client, server);
}

int vsm_eventpair_create(int dev, int *local, int *remote)
{
    return vsm_pair(dev, VSYSMEM_IOC_EVENTPAIR_CREATE, local, remote);
}

int vsm_buffer_info(int dev, int buffer_fd, struct vsysmem_buffer_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    bi->fd = buffer_fd;
    return neg_errno(ioctl(dev, VSYSMEM_IOC_BUFFER_INFO, bi));
}

static void fill_handles(struct vsysmem_handle *h, const int *fds, uint32_t n)
{
    memset(h, 0, n * sizeof(*h));
    for (uint32_t i = 0; i < n; i++) {
        h[i].fd = fds[i];
    }
}

int vsm_write(int ch, const void *bytes, uint32_t num_bytes, const int *fds,
              uint32_t num_fds)
{
    struct vsysmem_handle h[VSYSMEM_MAX_MSG_HANDLES];
    struct vsysmem_msg m = {
        .bytes = (uintptr_t)bytes,
        .handles = (uintptr_t)h,
        .num_bytes = num_bytes,
        .num_handles = num_fds,
    };

    if (num_fds > VSYSMEM_MAX_MSG_HANDLES) {
        return -EINVAL;
    }
    fill_handles(h, fds, num_fds);
    return neg_errno(ioctl(ch, VSYSMEM_IOC_WRITE, &m));
}

int vsm_read(int ch, void *bytes, uint32_t *num_bytes,
             struct vsysmem_handle *handles, uint32_t *num_handles,
             bool nonblock, int32_t *epitaph)
{
    struct vsysmem_msg m = {
        .bytes = (uintptr_t)bytes,
        .handles = (uintptr_t)handles,
        .num_bytes = *num_bytes,
        .num_handles = *num_handles,
    };
    int flags = 0, ret;

    if (nonblock) {
        flags = fcntl(ch, F_GETFL);
        fcntl(ch, F_SETFL, flags | O_NONBLOCK);
    }
    ret = neg_errno(ioctl(ch, VSYSMEM_IOC_READ, &m));
    if (nonblock) {
        fcntl(ch, F_SETFL, flags);
    }
    if (ret == 0 || ret == -EMSGSIZE) {
        *num_bytes = m.num_bytes;
        *num_handles = m.num_handles;
    }
    if (epitaph) {
        *epitaph = m.status;
    }
    return ret;
}

int vsm_call(int ch, const void *wr_bytes, uint32_t wr_num_bytes,
             const int *wr_fds, uint32_t wr_num_fds, void *rd_bytes,
             uint32_t *rd_num_bytes, struct vsysmem_handle *rd_handles,
             uint32_t *rd_num_handles, uint64_t timeout_ns, int32_t *epitaph)
{
    struct vsysmem_handle h[VSYSMEM_MAX_MSG_HANDLES];
    struct vsysmem_call c = {
        .wr = {
            .bytes = (uintptr_t)wr_bytes,
            .handles = (uintptr_t)h,
            .num_bytes = wr_num_bytes,
            .num_handles = wr_num_fds,
        },
        .rd = {
            .bytes = (uintptr_t)rd_bytes,
            .handles = (uintptr_t)rd_handles,
            .num_bytes = *rd_num_bytes,
            .num_handles = *rd_num_handles,
        },
        .timeout_ns = timeout_ns,
    };
    int ret;

    if (wr_num_fds > VSYSMEM_MAX_MSG_HANDLES) {
        return -EINVAL;
    }
    fill_handles(h, wr_fds, wr_num_fds);
    ret = neg_errno(ioctl(ch, VSYSMEM_IOC_CALL, &c));
    if (ret == 0 || ret == -EMSGSIZE) {
        *rd_num_bytes = c.rd.num_bytes;
        *rd_num_handles = c.rd.num_handles;
    }
    if (epitaph) {
        *epitaph = c.rd.status;
    }
    return ret;
}

static uint32_t obj_type_of(uint32_t vsysmem_type)
{
    switch (vsysmem_type) {
    case VSYSMEM_HANDLE_CHANNEL:
    case VSYSMEM_HANDLE_CHANNEL_SERVER:
        return FIDL_OBJ_TYPE_CHANNEL;
    case VSYSMEM_HANDLE_BUFFER:
        return FIDL_OBJ_TYPE_VMO;
    case VSYSMEM_HANDLE_EVENTPAIR:
        /*
         * The device ABI names Zircon events (GetNodeRef's node_ref) and
         * event pairs (close_weak_asap) alike; "unknown" lets the codec
         * accept either where the schema wants one of them.
         */
        return FIDL_OBJ_TYPE_NONE;
    default:
        return FIDL_OBJ_TYPE_NONE;
    }
}

/* Message buffers: FIDL's 64 KiB maximum, twice, per thread. */
struct msgbuf {
    uint8_t wr[FIDL_MAX_MSG_BYTES];
    uint8_t rd[FIDL_MAX_MSG_BYTES];
};

static struct msgbuf *msgbuf(void)
{
    static __thread struct msgbuf *mb;

    if (!mb) {
        mb = malloc(sizeof(*mb));
    }
    return mb;
}

/*
 * Decode a reply with the method table's descriptors when `m` is given,
 * else as a message of resp_type; closes the handles the value does not
 * hold (all of them on failure).
 */
static int decode_reply(const sysmem_method_t *m, const fidl_type_t *resp_type,
                        const uint8_t *bytes, uint32_t n,
                        const struct vsysmem_handle *rh, uint32_t rnh,
                        void *resp)
{
    fidl_handle_info_t hout[FIDL_MAX_MSG_HANDLES];
    uint32_t i;
    int ret;

    if (rnh > FIDL_MAX_MSG_HANDLES) {
        return -EINVAL;
    }
    for (i = 0; i < rnh; i++) {
        hout[i].handle = (fidl_handle_t)rh[i].fd;
        hout[i].type = obj_type_of(rh[i].type);
        /* Channel fds carry every channel right the driver knows of. */
        hout[i].rights = hout[i].type == FIDL_OBJ_TYPE_CHANNEL ?
                         FIDL_DEFAULT_CHANNEL_RIGHTS | rh[i].rights :
                         rh[i].rights;
        hout[i].flags = 0;
    }
    ret = m ? sysmem_decode_reply(m, bytes, n, hout, rnh, NULL, resp) :
          fidl_decode_msg(resp_type, bytes, n, hout, rnh, NULL, resp);
    if (ret != FIDL_OK) {
        last_codec_error = ret;
        for (i = 0; i < rnh; i++) {
            close(rh[i].fd);
        }
        return VSM_ERR_DECODE;
    }
    for (i = 0; i < rnh; i++) {
        if (hout[i].flags & FIDL_HANDLE_FLAG_UNKNOWN) {
            close(rh[i].fd);
        }
    }
    return 0;
}

int vsm_decode_reply(uint32_t method_id, const void *bytes, uint32_t num_bytes,
                     const struct vsysmem_handle *handles,
                     uint32_t num_handles, void *resp)
{
    const sysmem_method_t *m = sysmem_method_by_id(method_id);
    fidl_message_header_t hdr;
    int32_t status;

    if (!m) {
        return -EINVAL;
    }
    if (fidl_header_decode(bytes, num_bytes, &hdr) == FIDL_OK &&
        hdr.ordinal == FIDL_EPITAPH_ORDINAL) {
        if (fidl_decode_epitaph(bytes, num_bytes, &status) != FIDL_OK) {
            return VSM_ERR_DECODE;
        }
        return closed_err(status);
    }
    return decode_reply(m, NULL, bytes, num_bytes, handles, num_handles, resp);
}

/*
 * Send the message encoded in mb->wr; for a two-way call wait for the
 * reply and decode it, with the method table's descriptors when `m` is
 * given, else as a message of resp_type.
 */
static int transact(int ch, struct msgbuf *mb, uint32_t n,
                    const fidl_handle_info_t *hin, uint32_t nh, bool two_way,
                    const sysmem_method_t *m, const fidl_type_t *resp_type,
                    void *resp)
{
    struct vsysmem_handle rh[FIDL_MAX_MSG_HANDLES];
    int fds[FIDL_MAX_MSG_HANDLES];
    uint32_t rn, rnh, i;
    int32_t epitaph = 0;
    int ret;

    for (i = 0; i < nh; i++) {
        fds[i] = (int)hin[i].handle;
    }
    if (!two_way) {
        ret = vsm_write(ch, mb->wr, n, fds, nh);
        return ret == -EPIPE ? closed_err(probe_epitaph(ch)) : ret;
    }
    rn = sizeof(mb->rd);
    rnh = FIDL_MAX_MSG_HANDLES;
    ret = vsm_call(ch, mb->wr, n, fds, nh, mb->rd, &rn, rh, &rnh, 0,
                   &epitaph);
    if (ret == -EPIPE) {
        return closed_err(epitaph);
    }
    if (ret) {
        return ret;
    }
    return decode_reply(m, resp_type, mb->rd, rn, rh, rnh, resp);
}

int vsm_fidl_call(int ch, uint64_t ordinal, bool flexible, bool two_way,
                  const fidl_type_t *req_type, const void *req,
                  const fidl_type_t *resp_type, void *resp)
{
    fidl_handle_info_t hin[FIDL_MAX_MSG_HANDLES];
    struct msgbuf *mb = msgbuf();
    fidl_message_header_t hdr;
    uint32_t n, nh;
    int ret;

    if (!mb) {
        return -ENOMEM;
    }
    /* The driver chooses the real txid of a call. */
    fidl_header_init(&hdr, two_way ? 1 : 0, ordinal, flexible);
    ret = fidl_encode_msg(&hdr, req_type, req, mb->wr, sizeof(mb->wr), &n,
                          hin, FIDL_MAX_MSG_HANDLES, &nh);
    if (ret != FIDL_OK) {
        last_codec_error = ret;
        return -EINVAL;
    }
    return transact(ch, mb, n, hin, nh, two_way, NULL, resp_type, resp);
}

int vsm_method_call(int ch, uint32_t method_id, const void *req, void *resp)
{
    const sysmem_method_t *m = sysmem_method_by_id(method_id);
    fidl_handle_info_t hin[FIDL_MAX_MSG_HANDLES];
    struct msgbuf *mb = msgbuf();
    uint32_t n, nh;
    bool two_way;
    int ret;

    if (!mb || !m) {
        return mb ? -EINVAL : -ENOMEM;
    }
    two_way = m->flags & SYSMEM_METHOD_TWO_WAY;
    ret = sysmem_encode_request(m, two_way ? 1 : 0, req, mb->wr,
                                sizeof(mb->wr), &n, hin,
                                FIDL_MAX_MSG_HANDLES, &nh);
    if (ret != FIDL_OK) {
        last_codec_error = ret;
        return -EINVAL;
    }
    return transact(ch, mb, n, hin, nh, two_way, m, NULL, resp);
}

static int result_of(uint64_t tag, uint32_t err, int32_t framework_err)
{
    (void)framework_err;
    switch (tag) {
    case FIDL_RESULT_RESPONSE:
        return 0;
    case FIDL_RESULT_ERR:
        return VSM_ERR_SYSMEM(err);
    default:
        return VSM_ERR_FRAMEWORK;
    }
}

/*
 * Create a channel pair, put its server end in *slot of `req` and send the
 * one-way method; returns the client end.
 */
static int send_server_end(int ch, uint64_t ordinal, const fidl_type_t *type,
                           void *req, bool *has_slot, fidl_handle_t *slot)
{
    int client, server, ret;

    ret = vsm_channel_create(ch, &client, &server);
    if (ret) {
        return ret;
    }
    *has_slot = true;
    *slot = (fidl_handle_t)server;
    ret = vsm_fidl_call(ch, ordinal, true, false, type, req, NULL, NULL);
    /* The handle moved into the message; this only drops the dead fd. */
    close(server);
    if (ret) {
        close(client);
        return ret;
    }
    return client;
}

int vsm2_allocate_shared_collection(int allocator)
{
    sysmem2_allocator_allocate_shared_collection_request_t req = { 0 };

    return send_server_end(allocator,
                           SYSMEM2_ALLOCATOR_ALLOCATE_SHARED_COLLECTION_ORDINAL,
                           &sysmem2_allocator_allocate_shared_collection_request_type,
                           &req, &req.has_token_request, &req.token_request);
}

int vsm2_allocate_non_shared_collection(int allocator)
{
    sysmem2_allocator_allocate_non_shared_collection_request_t req = { 0 };

    return send_server_end(allocator,
                           SYSMEM2_ALLOCATOR_ALLOCATE_NON_SHARED_COLLECTION_ORDINAL,
                           &sysmem2_allocator_allocate_non_shared_collection_request_type,
                           &req, &req.has_collection_request,
                           &req.collection_request);
}

int vsm2_bind_shared_collection(int allocator, int token)
{
    sysmem2_allocator_bind_shared_collection_request_t req = { 0 };
    int ret;

    req.has_token = true;
    req.token = (fidl_handle_t)token;
    ret = send_server_end(allocator,
                          SYSMEM2_ALLOCATOR_BIND_SHARED_COLLECTION_ORDINAL,
                          &sysmem2_allocator_bind_shared_collection_request_type,
                          &req, &req.has_buffer_collection_request,
                          &req.buffer_collection_request);
    close(token);
    return ret;
}

int vsm2_set_debug_client_info(int ch, bool node, const char *name,
                               uint64_t id)
{
    sysmem2_set_debug_client_info_request_t *req = calloc(1, sizeof(*req));
    int ret;

    if (!req) {
        return -ENOMEM;
    }
    if (name) {
        size_t len = strlen(name);

        if (len > SYSMEM2_MAX_CLIENT_NAME_LENGTH) {
            len = SYSMEM2_MAX_CLIENT_NAME_LENGTH;
        }
        req->has_name = true;
        req->name_len = (uint32_t)len;
        memcpy(req->name, name, len);
    }
    req->has_id = true;
    req->id = id;
    ret = vsm_fidl_call(ch, node ? SYSMEM2_NODE_SET_DEBUG_CLIENT_INFO_ORDINAL :
                        SYSMEM2_ALLOCATOR_SET_DEBUG_CLIENT_INFO_ORDINAL,
                        true, false, &sysmem2_set_debug_client_info_request_type,
                        req, NULL, NULL);
    free(req);
    return ret;
}

int vsm2_set_name(int node, uint32_t priority, const char *name)
{
    sysmem2_node_set_name_request_t req = { 0 };
    size_t len = strlen(name);

    if (len > SYSMEM2_MAX_NAME_LENGTH) {
        len = SYSMEM2_MAX_NAME_LENGTH;
    }
    req.has_priority = true;
    req.priority = priority;
    req.has_name = true;
    req.name_len = (uint32_t)len;
    memcpy(req.name, name, len);
    return vsm_fidl_call(node, SYSMEM2_NODE_SET_NAME_ORDINAL, true, false,
                         &sysmem2_node_set_name_request_type, &req, NULL,
                         NULL);
}

int vsm2_sync(int node)
{
    sysmem2_node_sync_result_t res;
    int ret;

    memset(&res, 0, sizeof(res));
    ret = vsm_fidl_call(node, SYSMEM2_NODE_SYNC_ORDINAL, true, true, NULL,
                        NULL, &sysmem2_node_sync_result_type, &res);
    return ret ? ret : result_of(res.tag, 0, res.framework_err);
}

/*
 * A new token (client, or a negative error) made on `ch`: sysmem must know
 * it before anyone else uses it, so Sync `ch` first.
 */
static int synced_token(int ch, int client)
{
    int ret;

    if (client < 0) {
        return client;
    }
    ret = vsm2_sync(ch);
    if (ret) {
        close(client);
        return ret;
    }
    return client;
}

int vsm2_duplicate(int token, uint32_t rights_mask)
{
    sysmem2_buffer_collection_token_duplicate_request_t req = { 0 };

    req.has_rights_attenuation_mask = true;
    req.rights_attenuation_mask = rights_mask;
    return synced_token(token, send_server_end(token,
                        SYSMEM2_BUFFER_COLLECTION_TOKEN_DUPLICATE_ORDINAL,
                        &sysmem2_buffer_collection_token_duplicate_request_type,
                        &req, &req.has_token_request, &req.token_request));
}

int vsm2_set_dispensable(int token)
{
    return vsm_fidl_call(token,
                         SYSMEM2_BUFFER_COLLECTION_TOKEN_SET_DISPENSABLE_ORDINAL,
                         true, false, NULL, NULL, NULL, NULL);
}

int vsm2_attach_token(int collection, uint32_t rights_mask)
{
    sysmem2_buffer_collection_attach_token_request_t req = { 0 };

    req.has_rights_attenuation_mask = true;
    req.rights_attenuation_mask = rights_mask;
    return synced_token(collection, send_server_end(collection,
                        SYSMEM2_BUFFER_COLLECTION_ATTACH_TOKEN_ORDINAL,
                        &sysmem2_buffer_collection_attach_token_request_type,
                        &req, &req.has_token_request, &req.token_request));
}

int vsm2_release(int node)
{
    return vsm_fidl_call(node, SYSMEM2_NODE_RELEASE_ORDINAL, true, false, NULL,
                         NULL, NULL, NULL);
}

/*
 * SetConstraints, v1 or v2: both requests are {bool has_constraints;
 * constraints} and too big for the stack.
 */
static int set_constraints(int collection, uint32_t method_id,
                           size_t req_size, size_t has_off, size_t c_off,
                           const void *c, size_t c_size)
{
    uint8_t *req = calloc(1, req_size);
    int ret;

    if (!req) {
        return -ENOMEM;
    }
    if (c) {
        req[has_off] = true;
        memcpy(req + c_off, c, c_size);
    }
    ret = vsm_method_call(collection, method_id, req, NULL);
    free(req);
    return ret;
}

int vsm2_set_constraints(int collection,
                         const sysmem2_buffer_collection_constraints_t *c)
{
    typedef sysmem2_buffer_collection_set_constraints_request_t req_t;

    return set_constraints(collection,
                           SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS,
                           sizeof(req_t), offsetof(req_t, has_constraints),
                           offsetof(req_t, constraints), c, sizeof(*c));
}

int vsm2_wait_for_all_buffers_allocated(int collection,
                                        sysmem2_buffer_collection_info_t *info,
                                        uint64_t timeout_ns)
{
    sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t *res;
    int ret;

    (void)timeout_ns;
    res = calloc(1, sizeof(*res));
    if (!res) {
        return -ENOMEM;
    }
    ret = vsm_fidl_call(collection,
                        SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED_ORDINAL,
                        true, true, NULL, NULL,
                        &sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_type,
                        res);
    if (!ret) {
        ret = result_of(res->tag, res->err, res->framework_err);
    }
    if (!ret) {
        memcpy(info, &res->response.buffer_collection_info, sizeof(*info));
    }
    free(res);
    return ret;
}

void vsm2_info_close_handles(sysmem2_buffer_collection_info_t *info)
{
    for (uint32_t i = 0; i < info->buffers_count; i++) {
        if (info->buffers[i].has_vmo && info->buffers[i].vmo) {
            close((int)info->buffers[i].vmo);
            info->buffers[i].vmo = 0;
        }
        if (info->buffers[i].has_close_weak_asap &&
            info->buffers[i].close_weak_asap) {
            close((int)info->buffers[i].close_weak_asap);
            info->buffers[i].close_weak_asap = 0;
        }
    }
}

sysmem2_buffer_collection_constraints_t *vsm2_constraints_new(void)
{
    return calloc(1, sizeof(sysmem2_buffer_collection_constraints_t));
}

void vsm2_constraints_cpu(sysmem2_buffer_collection_constraints_t *c,
                          uint32_t min_buffer_count, uint64_t min_size_bytes,
                          bool write)
{
    c->has_usage = true;
    c->usage.has_cpu = true;
    c->usage.cpu = SYSMEM2_CPU_USAGE_READ_OFTEN |
                   (write ? SYSMEM2_CPU_USAGE_WRITE_OFTEN : 0);
    if (min_buffer_count) {
        c->has_min_buffer_count_for_camping = true;
        c->min_buffer_count_for_camping = min_buffer_count;
    }
    c->has_buffer_memory_constraints = true;
    c->buffer_memory_constraints.has_min_size_bytes = true;
    c->buffer_memory_constraints.min_size_bytes = min_size_bytes;
    c->buffer_memory_constraints.has_cpu_domain_supported = true;
    c->buffer_memory_constraints.cpu_domain_supported = true;
    c->buffer_memory_constraints.has_ram_domain_supported = true;
    c->buffer_memory_constraints.ram_domain_supported = true;
}

void vsm2_constraints_secure(sysmem2_buffer_collection_constraints_t *c,
                             uint32_t min_buffer_count, uint64_t min_size_bytes)
{
    sysmem2_buffer_memory_constraints_t *bm = &c->buffer_memory_constraints;
    sysmem2_heap_t *heap = &bm->permitted_heaps[0];

    c->has_usage = true;
    c->usage.has_video = true;
    c->usage.video = SYSMEM2_VIDEO_USAGE_HW_DECODER;
    if (min_buffer_count) {
        c->has_min_buffer_count_for_camping = true;
        c->min_buffer_count_for_camping = min_buffer_count;
    }
    c->has_buffer_memory_constraints = true;
    bm->has_min_size_bytes = true;
    bm->min_size_bytes = min_size_bytes;
    bm->has_secure_required = true;
    bm->secure_required = true;
    bm->has_inaccessible_domain_supported = true;
    bm->inaccessible_domain_supported = true;
    bm->has_cpu_domain_supported = true;
    bm->cpu_domain_supported = false;
    bm->has_ram_domain_supported = true;
    bm->ram_domain_supported = false;
    bm->has_permitted_heaps = true;
    bm->permitted_heaps_count = 1;
    memset(heap, 0, sizeof(*heap));
    heap->has_heap_type = true;
    heap->heap_type_len = (uint32_t)strlen(VIRTIO_SYSMEM_HEAP_SECURE);
    memcpy(heap->heap_type, VIRTIO_SYSMEM_HEAP_SECURE, heap->heap_type_len);
    heap->has_id = true;
}

void *vsm_map(int buffer_fd, size_t size, bool write)
{
    void *p = mmap(NULL, size, PROT_READ | (write ? PROT_WRITE : 0),
                   MAP_SHARED, buffer_fd, 0);

    return p == MAP_FAILED ? NULL : p;
}

int vsm_unmap(void *addr, size_t size)
{
    return neg_errno(munmap(addr, size));
}

int vsm_sync(int buffer_fd, bool start, bool write)
{
    struct dma_buf_sync s = {
        .flags = (start ? DMA_BUF_SYNC_START : DMA_BUF_SYNC_END) |
                 (write ? DMA_BUF_SYNC_RW : DMA_BUF_SYNC_READ),
    };

    return neg_errno(ioctl(buffer_fd, DMA_BUF_IOCTL_SYNC, &s));
}

/* ---- fuchsia.sysmem (v1) ------------------------------------------------ */

int vsm1_bind_shared_collection(int allocator, int token)
{
    sysmem1_allocator_bind_shared_collection_request_t req = { 0 };
    int client, server, ret;

    ret = vsm_channel_create(allocator, &client, &server);
    if (ret) {
        close(token);
        return ret;
    }
    req.token = (fidl_handle_t)token;
    req.buffer_collection_request = (fidl_handle_t)server;
    ret = vsm_method_call(allocator,
                          SYSMEM_M_SYSMEM1_ALLOCATOR_BIND_SHARED_COLLECTION,
                          &req, NULL);
    close(server);
    close(token);
    if (ret) {
        close(client);
        return ret;
    }
    return client;
}

int vsm1_set_constraints(int collection,
                         const sysmem1_buffer_collection_constraints_t *c)
{
    typedef sysmem1_buffer_collection_set_constraints_request_t req_t;

    return set_constraints(collection,
                           SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_SET_CONSTRAINTS,
                           sizeof(req_t), offsetof(req_t, has_constraints),
                           offsetof(req_t, constraints), c, sizeof(*c));
}

int vsm1_wait_for_buffers_allocated(int collection,
                                    sysmem1_buffer_collection_info_2_t *info,
                                    int32_t *status)
{
    sysmem1_buffer_collection_wait_for_buffers_allocated_response_t *res;
    int ret;

    res = calloc(1, sizeof(*res));
    if (!res) {
        return -ENOMEM;
    }
    ret = vsm_method_call(collection,
                          SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_WAIT_FOR_BUFFERS_ALLOCATED,
                          NULL, res);
    if (!ret) {
        *status = res->status;
        memcpy(info, &res->buffer_collection_info, sizeof(*info));
        if (res->status) {
            ret = -EIO;
        }
    }
    free(res);
    return ret;
}

int vsm1_close(int node)
{
    return vsm_method_call(node, SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_CLOSE,
                           NULL, NULL);
}
