/*
 * Virtio sysmem device: Fuchsia's sysmem buffer allocator over virtio
 *
 * Copyright (c) 2026 The virtio-sysmem authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QEMU_VIRTIO_SYSMEM_H
#define QEMU_VIRTIO_SYSMEM_H

#include "hw/virtio/virtio.h"
#include "system/hostmem.h"
#include "standard-headers/linux/virtio_sysmem.h"

#define TYPE_VIRTIO_SYSMEM "virtio-sysmem-device"
OBJECT_DECLARE_SIMPLE_TYPE(VirtIOSysmem, VIRTIO_SYSMEM)

/* Without memdev=, the device allocates a region of this size itself. */
#define VIRTIO_SYSMEM_DEFAULT_REGION_SIZE   (256 * MiB)
#define VIRTIO_SYSMEM_MIN_REGION_SIZE       (1 * MiB)

#define VIRTIO_SYSMEM_QUEUE_SIZE            256
/*
 * Largest event the device writes (config max_event_bytes): sysmem's
 * protocols have no large events, only epitaphs and closes.
 */
#define VIRTIO_SYSMEM_MAX_EVENT_BYTES       256

typedef struct VirtIOSysmemConf {
    HostMemoryBackend *memdev;
    uint64_t size;
    uint64_t secure_size;
    bool v1;
    uint32_t max_objects;
    uint32_t max_pending_events;
} VirtIOSysmemConf;

typedef struct SysmemCore SysmemCore;
typedef struct SysmemHandle SysmemHandle;
typedef struct VirtIOSysmemRequest VirtIOSysmemRequest;

struct VirtIOSysmem {
    VirtIODevice parent_obj;

    VirtQueue *request_vq;
    VirtQueue *event_vq;

    VirtIOSysmemConf conf;

    /* The buffers' memory: the memdev's region or region_ram. */
    MemoryRegion *region;
    MemoryRegion region_ram;
    void *region_ptr;

    /* Allocation, negotiation and the FIDL servers live here. */
    SysmemCore *core;

    /* Two-way calls whose reply does not exist yet (hanging gets). */
    QTAILQ_HEAD(, VirtIOSysmemRequest) held;
    GHashTable *held_by_cookie;
    uint32_t num_held;
    uint32_t next_cookie;
    /*
     * Events waiting for an eventq buffer: at most max_pending_events
     * that are not CLOSED (num_message_events), and at most one CLOSED
     * event per id the core keeps taken for it (closed_events: id -> its
     * link in pending_events).
     */
    GQueue *pending_events;
    uint32_t num_message_events;
    GHashTable *closed_events;
    /*
     * Core calls the core's own callbacks must not make (VirtIOSysmemWork):
     * handles of replies the guest had no room for, CLOSED events
     * delivered, channels whose events overflowed.  Run before the next
     * request, or by deferred_bh.
     */
    GArray *deferred;
    QEMUBH *deferred_bh;
    /* Logs the participants holding up stalled collections. */
    QEMUTimer *stall_timer;
    /* Set while the core is being reset: rings are going away. */
    bool resetting;
};

/*
 * Validate the properties that decide the shared memory region and return
 * its size.  The PCI proxy calls this before the device is realized, to
 * size the BAR that will hold the region.
 */
uint64_t virtio_sysmem_region_size(VirtIOSysmem *s, Error **errp);

#endif
