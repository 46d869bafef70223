/*
 * FIDL clients for virtio-sysmem qtests and benchmarks
 *
 * Requests are encoded with the shared codec (include/sysmem/) exactly as a
 * guest library encodes them; handle fields of a request C struct index the
 * handle table passed alongside, from 1.
 *
 * Copyright (c) 2026 The virtio-sysmem authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_LIBQOS_VIRTIO_SYSMEM_FIDL_H
#define TESTS_LIBQOS_VIRTIO_SYSMEM_FIDL_H

#include "virtio-sysmem.h"
#include "sysmem/methods.h"

typedef struct QVirtioSysmemReply {
    struct virtio_sysmem_resp_hdr resp;
    uint8_t bytes[VIRTIO_SYSMEM_MAX_MSG_BYTES];
    struct virtio_sysmem_handle handles[VIRTIO_SYSMEM_MAX_MSG_HANDLES];
} QVirtioSysmemReply;

struct virtio_sysmem_handle qvirtio_sysmem_server_end(uint32_t id);
struct virtio_sysmem_handle qvirtio_sysmem_client_end(uint32_t id);

/* Encode method @mid (SYSMEM_M_*) with @req and submit it on @obj. */
QVirtioSysmemCall qvirtio_sysmem_fidl_submit(QTestState *qts,
                                             QVirtioSysmem *s, uint32_t obj,
                                             uint32_t mid, const void *req,
                                             const struct virtio_sysmem_handle *h,
                                             uint32_t nh);

/* Wait for a submitted message; returns the response status. */
int32_t qvirtio_sysmem_fidl_wait(QTestState *qts, QVirtioSysmem *s,
                                 QVirtioSysmemCall *call,
                                 QVirtioSysmemReply *r);

/* submit + wait, asserting that the device accepted it. */
void qvirtio_sysmem_fidl_send(QTestState *qts, QVirtioSysmem *s, uint32_t obj,
                              uint32_t mid, const void *req,
                              const struct virtio_sysmem_handle *h,
                              uint32_t nh);

/* Decode a reply to @mid into its C struct; returns the codec's status. */
int qvirtio_sysmem_fidl_decode(uint32_t mid, const QVirtioSysmemReply *r,
                               void *out);

/*
 * Common steps of a negotiation, each one message and its answer checked.
 * Ids for new server ends come from qsysmem_new_id().
 */
uint32_t qsysmem_new_id(void);
int32_t qsysmem_connect(QTestState *qts, QVirtioSysmem *s, uint32_t id,
                        uint32_t protocol);
int32_t qsysmem_close(QTestState *qts, QVirtioSysmem *s, uint32_t id);
uint32_t qsysmem_open_allocator(QTestState *qts, QVirtioSysmem *s,
                                uint32_t protocol);
uint32_t qsysmem_allocate_shared(QTestState *qts, QVirtioSysmem *s,
                                 uint32_t alloc);
uint32_t qsysmem_allocate_non_shared(QTestState *qts, QVirtioSysmem *s,
                                     uint32_t alloc);
uint32_t qsysmem_duplicate(QTestState *qts, QVirtioSysmem *s, uint32_t token);
void qsysmem_node_sync(QTestState *qts, QVirtioSysmem *s, uint32_t node);
uint32_t qsysmem_bind_token(QTestState *qts, QVirtioSysmem *s, uint32_t alloc,
                            uint32_t token);
/*
 * CPU read/write usage, @count buffers for camping, @min_size bytes each.
 * The try_ form returns the status (PEER_CLOSED once the collection failed).
 */
int32_t qsysmem_try_set_constraints(QTestState *qts, QVirtioSysmem *s,
                                    uint32_t coll, uint32_t count,
                                    uint64_t min_size);
void qsysmem_set_constraints(QTestState *qts, QVirtioSysmem *s, uint32_t coll,
                             uint32_t count, uint64_t min_size);
QVirtioSysmemCall qsysmem_wait_allocated(QTestState *qts, QVirtioSysmem *s,
                                         uint32_t coll);
/* Wait for WaitForAllBuffersAllocated; the result is g_new0'ed. */
sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t *
qsysmem_wait_result(QTestState *qts, QVirtioSysmem *s, QVirtioSysmemCall *call,
                    QVirtioSysmemReply *r);
/* CLOSE every buffer handle of @r. */
void qsysmem_release_buffers(QTestState *qts, QVirtioSysmem *s,
                             QVirtioSysmemReply *r);
/* Node.Release, then CLOSE. */
void qsysmem_release_node(QTestState *qts, QVirtioSysmem *s, uint32_t node);

#endif
