/*
 * FIDL clients for virtio-sysmem qtests and benchmarks
 *
 * Copyright (c) 2026 The virtio-sysmem authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "../libqtest.h"
#include "qemu/bswap.h"
#include "virtio-sysmem-fidl.h"

static uint32_t next_txid = 1;
static uint32_t next_id = 0x1000;

uint32_t qsysmem_new_id(void)
{
    return next_id++;
}

struct virtio_sysmem_handle qvirtio_sysmem_server_end(uint32_t id)
{
    return (struct virtio_sysmem_handle) {
        .type = cpu_to_le32(VIRTIO_SYSMEM_HANDLE_CHANNEL_SERVER),
        .id = cpu_to_le32(id),
    };
}

struct virtio_sysmem_handle qvirtio_sysmem_client_end(uint32_t id)
{
    return (struct virtio_sysmem_handle) {
        .type = cpu_to_le32(VIRTIO_SYSMEM_HANDLE_CHANNEL_CLIENT),
        .id = cpu_to_le32(id),
    };
}

QVirtioSysmemCall qvirtio_sysmem_fidl_submit(QTestState *qts,
                                             QVirtioSysmem *s, uint32_t obj,
                                             uint32_t mid, const void *req,
                                             const struct virtio_sysmem_handle *h,
                                             uint32_t nh)
{
    const sysmem_method_t *m = sysmem_method_by_id(mid);
    g_autofree uint8_t *bytes = g_malloc(FIDL_MAX_MSG_BYTES);
    fidl_handle_info_t hinfo[FIDL_MAX_MSG_HANDLES];
    struct virtio_sysmem_handle wire[FIDL_MAX_MSG_HANDLES];
    bool two_way = m->flags & SYSMEM_METHOD_TWO_WAY;
    uint32_t n, onh, i;

    g_assert_cmpint(sysmem_encode_request(m, two_way ? next_txid++ : 0, req,
                                          bytes, FIDL_MAX_MSG_BYTES, &n,
                                          hinfo, FIDL_MAX_MSG_HANDLES, &onh),
                    ==, 0);
    if (next_txid >= 0x80000000u) {
        next_txid = 1;  /* user-space txids stay below the kernel's range */
    }
    for (i = 0; i < onh; i++) {
        g_assert_cmpuint(hinfo[i].handle, >=, 1);
        g_assert_cmpuint(hinfo[i].handle, <=, nh);
        wire[i] = h[hinfo[i].handle - 1];
    }
    return qvirtio_sysmem_submit(qts, s, VIRTIO_SYSMEM_OP_MESSAGE, obj, 0,
                                 bytes, n, wire, onh,
                                 two_way ? sizeof(QVirtioSysmemReply) : 0);
}

int32_t qvirtio_sysmem_fidl_wait(QTestState *qts, QVirtioSysmem *s,
                                 QVirtioSysmemCall *call,
                                 QVirtioSysmemReply *r)
{
    return qvirtio_sysmem_wait(qts, s, call, &r->resp, r->bytes,
                               sizeof(r->bytes), r->handles,
                               VIRTIO_SYSMEM_MAX_MSG_HANDLES);
}

void qvirtio_sysmem_fidl_send(QTestState *qts, QVirtioSysmem *s, uint32_t obj,
                              uint32_t mid, const void *req,
                              const struct virtio_sysmem_handle *h,
                              uint32_t nh)
{
    QVirtioSysmemCall c = qvirtio_sysmem_fidl_submit(qts, s, obj, mid, req,
                                                     h, nh);
    g_autofree QVirtioSysmemReply *r = g_new0(QVirtioSysmemReply, 1);

    g_assert_cmpint(qvirtio_sysmem_fidl_wait(qts, s, &c, r), ==,
                    VIRTIO_SYSMEM_S_OK);
}

int qvirtio_sysmem_fidl_decode(uint32_t mid, const QVirtioSysmemReply *r,
                               void *out)
{
    fidl_handle_info_t hinfo[FIDL_MAX_MSG_HANDLES];
    uint32_t nh = le32_to_cpu(r->resp.num_handles), i;

    for (i = 0; i < nh; i++) {
        uint32_t type = le32_to_cpu(r->handles[i].type);

        hinfo[i].handle = i + 1;
        hinfo[i].type = type == VIRTIO_SYSMEM_HANDLE_BUFFER ?
                        FIDL_OBJ_TYPE_VMO :
                        type == VIRTIO_SYSMEM_HANDLE_EVENTPAIR ?
                        FIDL_OBJ_TYPE_NONE : FIDL_OBJ_TYPE_CHANNEL;
        hinfo[i].rights = le32_to_cpu(r->handles[i].rights) |
                          FIDL_RIGHTS_BASIC;
        hinfo[i].flags = 0;
    }
    return sysmem_decode_reply(sysmem_method_by_id(mid), r->bytes,
                               le32_to_cpu(r->resp.num_bytes), hinfo, nh,
                               NULL, (void *)out);
}

/* Common steps of a negotiation, each one message and its answer. */

int32_t qsysmem_connect(QTestState *qts, QVirtioSysmem *s, uint32_t id,
                        uint32_t proto)
{
    return qvirtio_sysmem_call(qts, s, VIRTIO_SYSMEM_OP_CONNECT, id,
                               proto, NULL, 0, NULL, 0, NULL, NULL, 0,
                               NULL, 0);
}

int32_t qsysmem_close(QTestState *qts, QVirtioSysmem *s, uint32_t id)
{
    return qvirtio_sysmem_call(qts, s, VIRTIO_SYSMEM_OP_CLOSE, id, 0,
                               NULL, 0, NULL, 0, NULL, NULL, 0, NULL, 0);
}

uint32_t qsysmem_open_allocator(QTestState *qts, QVirtioSysmem *s,
                                uint32_t protocol)
{
    uint32_t id = qsysmem_new_id();

    g_assert_cmpint(qsysmem_connect(qts, s, id, protocol), ==,
                    VIRTIO_SYSMEM_S_OK);
    return id;
}

uint32_t qsysmem_allocate_shared(QTestState *qts, QVirtioSysmem *s,
                                 uint32_t alloc)
{
    sysmem2_allocator_allocate_shared_collection_request_t r = {
        .has_token_request = true, .token_request = 1,
    };
    struct virtio_sysmem_handle h = qvirtio_sysmem_server_end(qsysmem_new_id());

    qvirtio_sysmem_fidl_send(qts, s, alloc,
                             SYSMEM_M_SYSMEM2_ALLOCATOR_ALLOCATE_SHARED_COLLECTION,
              &r, &h, 1);
    return le32_to_cpu(h.id);
}

uint32_t qsysmem_duplicate(QTestState *qts, QVirtioSysmem *s, uint32_t token)
{
    sysmem2_buffer_collection_token_duplicate_request_t r = {
        .has_rights_attenuation_mask = true,
        .rights_attenuation_mask = 0xffffffff,
        .has_token_request = true, .token_request = 1,
    };
    struct virtio_sysmem_handle h = qvirtio_sysmem_server_end(qsysmem_new_id());

    qvirtio_sysmem_fidl_send(qts, s, token,
                             SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_DUPLICATE,
              &r, &h, 1);
    return le32_to_cpu(h.id);
}

void qsysmem_node_sync(QTestState *qts, QVirtioSysmem *s, uint32_t node)
{
    QVirtioSysmemCall c = qvirtio_sysmem_fidl_submit(qts, s, node,
                                                     SYSMEM_M_SYSMEM2_NODE_SYNC,
                                      NULL, NULL, 0);
    g_autofree QVirtioSysmemReply *r = g_new0(QVirtioSysmemReply, 1);

    g_assert_cmpint(qvirtio_sysmem_fidl_wait(qts, s, &c, r), ==,
                    VIRTIO_SYSMEM_S_OK);
}

uint32_t qsysmem_bind_token(QTestState *qts, QVirtioSysmem *s, uint32_t alloc,
                            uint32_t token)
{
    sysmem2_allocator_bind_shared_collection_request_t r = {
        .has_token = true, .token = 1,
        .has_buffer_collection_request = true,
        .buffer_collection_request = 2,
    };
    struct virtio_sysmem_handle h[2] = {
        qvirtio_sysmem_client_end(token),
        qvirtio_sysmem_server_end(qsysmem_new_id()),
    };

    qvirtio_sysmem_fidl_send(qts, s, alloc,
                             SYSMEM_M_SYSMEM2_ALLOCATOR_BIND_SHARED_COLLECTION,
              &r, h, 2);
    return le32_to_cpu(h[1].id);
}

uint32_t qsysmem_allocate_non_shared(QTestState *qts, QVirtioSysmem *s,
                                     uint32_t alloc)
{
    sysmem2_allocator_allocate_non_shared_collection_request_t r = {
        .has_collection_request = true, .collection_request = 1,
    };
    struct virtio_sysmem_handle h = qvirtio_sysmem_server_end(qsysmem_new_id());

    qvirtio_sysmem_fidl_send(qts, s, alloc,
              SYSMEM_M_SYSMEM2_ALLOCATOR_ALLOCATE_NON_SHARED_COLLECTION,
              &r, &h, 1);
    return le32_to_cpu(h.id);
}

int32_t qsysmem_try_set_constraints(QTestState *qts, QVirtioSysmem *s,
                                    uint32_t coll, uint32_t count,
                                    uint64_t min_size)
{
    g_autofree sysmem2_buffer_collection_set_constraints_request_t *r =
        g_new0(sysmem2_buffer_collection_set_constraints_request_t, 1);
    g_autofree QVirtioSysmemReply *reply = g_new0(QVirtioSysmemReply, 1);
    sysmem2_buffer_collection_constraints_t *c = &r->constraints;
    QVirtioSysmemCall call;

    r->has_constraints = true;
    c->has_usage = true;
    c->usage.has_cpu = true;
    c->usage.cpu = SYSMEM2_CPU_USAGE_READ_OFTEN |
                   SYSMEM2_CPU_USAGE_WRITE_OFTEN;
    c->has_min_buffer_count_for_camping = true;
    c->min_buffer_count_for_camping = count;
    c->has_buffer_memory_constraints = true;
    c->buffer_memory_constraints.has_min_size_bytes = true;
    c->buffer_memory_constraints.min_size_bytes = min_size;
    call = qvirtio_sysmem_fidl_submit(
        qts, s, coll, SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS, r,
        NULL, 0);
    return qvirtio_sysmem_fidl_wait(qts, s, &call, reply);
}

void qsysmem_set_constraints(QTestState *qts, QVirtioSysmem *s, uint32_t coll,
                             uint32_t count, uint64_t min_size)
{
    g_assert_cmpint(qsysmem_try_set_constraints(qts, s, coll, count,
                                                min_size), ==,
                    VIRTIO_SYSMEM_S_OK);
}

QVirtioSysmemCall qsysmem_wait_allocated(QTestState *qts, QVirtioSysmem *s,
                                         uint32_t coll)
{
    return qvirtio_sysmem_fidl_submit(qts, s, coll,
                       SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED,
                       NULL, NULL, 0);
}

/* Wait for the reply and decode the collection info (or the error). */
sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t *
qsysmem_wait_result(QTestState *qts, QVirtioSysmem *s, QVirtioSysmemCall *call,
                    QVirtioSysmemReply *r)
{
    sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t *res =
        g_new0(sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t,
               1);

    g_assert_cmpint(qvirtio_sysmem_fidl_wait(qts, s, call, r), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qvirtio_sysmem_fidl_decode(
        SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED,
        r, res), ==, 0);
    return res;
}

void qsysmem_release_buffers(QTestState *qts, QVirtioSysmem *s,
                             QVirtioSysmemReply *r)
{
    uint32_t i;

    for (i = 0; i < le32_to_cpu(r->resp.num_handles); i++) {
        if (le32_to_cpu(r->handles[i].type) == VIRTIO_SYSMEM_HANDLE_BUFFER) {
            g_assert_cmpint(qsysmem_close(qts, s,
                                          le32_to_cpu(r->handles[i].id)),
                            ==, VIRTIO_SYSMEM_S_OK);
        }
    }
}

void qsysmem_release_node(QTestState *qts, QVirtioSysmem *s, uint32_t node)
{
    qvirtio_sysmem_fidl_send(qts, s, node, SYSMEM_M_SYSMEM2_NODE_RELEASE, NULL,
                             NULL, 0);
    g_assert_cmpint(qsysmem_close(qts, s, node), ==, VIRTIO_SYSMEM_S_OK);
}

