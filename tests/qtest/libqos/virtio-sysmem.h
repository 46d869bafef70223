/*
 * libqos driver for virtio-sysmem
 *
 * Copyright (c) 2026 The virtio-sysmem authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_LIBQOS_VIRTIO_SYSMEM_H
#define TESTS_LIBQOS_VIRTIO_SYSMEM_H

#include "qgraph.h"
#include "virtio.h"
#include "virtio-pci.h"
#include "standard-headers/linux/virtio_sysmem.h"

/* Region size the qos node asks for: small, the qtest PCI window is 512M. */
#define QVIRTIO_SYSMEM_TEST_REGION_SIZE (16 * 1024 * 1024)

typedef struct QVirtioSysmem QVirtioSysmem;
typedef struct QVirtioSysmemPCI QVirtioSysmemPCI;
typedef struct QVirtioSysmemCall QVirtioSysmemCall;

struct QVirtioSysmem {
    QVirtioDevice *vdev;
    QGuestAllocator *alloc;
    QVirtQueue *requestq;
    QVirtQueue *eventq;
};

struct QVirtioSysmemPCI {
    QVirtioPCIDevice pci_vdev;
    QVirtioSysmem sysmem;
};

/* A request chain in flight; the reply may come much later. */
struct QVirtioSysmemCall {
    uint32_t head;
    uint64_t req_addr;
    uint64_t resp_addr;
    size_t resp_cap;
};

/* Negotiate features, set up both queues, DRIVER_OK. */
void qvirtio_sysmem_start(QVirtioSysmem *s);
/* The same, but the driver does not accept the device features @refused. */
void qvirtio_sysmem_start_refusing(QVirtioSysmem *s, uint64_t refused);

/*
 * Submit a request chain: header, @num_bytes of @bytes, @num_handles
 * handle entries, and a writable reply area of @reply_cap bytes after the
 * response header.
 */
QVirtioSysmemCall qvirtio_sysmem_submit(QTestState *qts, QVirtioSysmem *s,
                                        uint32_t op, uint32_t object_id,
                                        uint32_t arg, const void *bytes,
                                        uint32_t num_bytes,
                                        const struct virtio_sysmem_handle *h,
                                        uint32_t num_handles,
                                        size_t reply_cap);

/* True once the device has completed @call (never blocks). */
bool qvirtio_sysmem_done(QTestState *qts, QVirtioSysmem *s,
                         QVirtioSysmemCall *call);

/*
 * Wait for @call, copy the response header, up to @cap reply bytes into
 * @reply and the reply's handle entries into @handles (up to
 * @handles_cap), free its guest memory and return the response status.
 */
int32_t qvirtio_sysmem_wait(QTestState *qts, QVirtioSysmem *s,
                            QVirtioSysmemCall *call,
                            struct virtio_sysmem_resp_hdr *resp,
                            void *reply, size_t cap,
                            struct virtio_sysmem_handle *handles,
                            uint32_t handles_cap);

/* submit + wait. */
int32_t qvirtio_sysmem_call(QTestState *qts, QVirtioSysmem *s, uint32_t op,
                            uint32_t object_id, uint32_t arg,
                            const void *bytes, uint32_t num_bytes,
                            const struct virtio_sysmem_handle *h,
                            uint32_t num_handles,
                            struct virtio_sysmem_resp_hdr *resp,
                            void *reply, size_t cap,
                            struct virtio_sysmem_handle *reply_handles,
                            uint32_t reply_handles_cap);

/* Post one event buffer of @size bytes; returns its guest address. */
uint64_t qvirtio_sysmem_post_event(QTestState *qts, QVirtioSysmem *s,
                                   size_t size);

/*
 * Wait for the next used event buffer and copy it to @ev/@bytes; returns
 * false if no event arrives within @timeout_us.
 */
bool qvirtio_sysmem_next_event(QTestState *qts, QVirtioSysmem *s,
                               uint64_t timeout_us,
                               struct virtio_sysmem_event *ev,
                               void *bytes, size_t cap);

#endif
