/*
 * Virtio sysmem device: Fuchsia's sysmem buffer allocator over virtio
 *
 * The device owns a shared memory region (shmid 0) that holds the buffers
 * and carries FIDL messages for fuchsia.sysmem2 and fuchsia.sysmem between
 * the guest and the sysmem core.  See
 * include/standard-headers/linux/virtio_sysmem.h for the ABI.
 *
 * Copyright (c) 2026 The virtio-sysmem authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/iov.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/units.h"
#include "hw/qdev-properties.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-sysmem.h"
#include "migration/vmstate.h"
#include "system/hostmem.h"
#include "trace.h"

/* FIDL transactional message header, fuchsia's fidl_message_header_t. */
#define FIDL_HEADER_SIZE            16
#define FIDL_MAGIC                  0x01
#define FIDL_AT_REST_V2             0x02
#define FIDL_DYNAMIC_FLEXIBLE       0x80
#define FIDL_ORDINAL_EPITAPH        UINT64_MAX
#define FIDL_RESULT_FRAMEWORK_ERR   3

typedef struct VirtIOSysmemRequest {
    VirtQueueElement elem;
} VirtIOSysmemRequest;

typedef struct VirtIOSysmemEvent {
    struct virtio_sysmem_event hdr;
    uint8_t bytes[24];
} VirtIOSysmemEvent;

typedef enum VirtIOSysmemProtocol {
    SYSMEM_CHANNEL_ALLOCATOR2 = VIRTIO_SYSMEM_PROTOCOL_SYSMEM2,
    SYSMEM_CHANNEL_ALLOCATOR1 = VIRTIO_SYSMEM_PROTOCOL_SYSMEM1,
} VirtIOSysmemProtocol;

static bool virtio_sysmem_is_guest_id(uint32_t id)
{
    return id != VIRTIO_SYSMEM_ID_INVALID && !(id & VIRTIO_SYSMEM_ID_DEVICE_BIT);
}

/* Events (eventq) */

static void virtio_sysmem_flush_events(VirtIOSysmem *s)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    bool pushed = false;

    while (!g_queue_is_empty(s->pending_events)) {
        VirtIOSysmemEvent *ev = g_queue_peek_head(s->pending_events);
        size_t len = sizeof(ev->hdr) + le32_to_cpu(ev->hdr.num_bytes);
        VirtQueueElement *elem = virtqueue_pop(s->event_vq,
                                               sizeof(VirtQueueElement));

        if (!elem) {
            break;
        }
        if (iov_size(elem->in_sg, elem->in_num) < len) {
            virtio_error(vdev, "virtio-sysmem: event buffer of %zu bytes, "
                         "%u required", iov_size(elem->in_sg, elem->in_num),
                         VIRTIO_SYSMEM_MAX_EVENT_BYTES);
            virtqueue_detach_element(s->event_vq, elem, 0);
            g_free(elem);
            return;
        }
        iov_from_buf(elem->in_sg, elem->in_num, 0, ev, len);
        virtqueue_push(s->event_vq, elem, len);
        trace_virtio_sysmem_event(le32_to_cpu(ev->hdr.type),
                                  le32_to_cpu(ev->hdr.object_id));
        g_free(elem);
        g_free(g_queue_pop_head(s->pending_events));
        pushed = true;
    }
    if (pushed) {
        virtio_notify(vdev, s->event_vq);
    }
}

static void virtio_sysmem_handle_event(VirtIODevice *vdev, VirtQueue *vq)
{
    virtio_sysmem_flush_events(VIRTIO_SYSMEM(vdev));
}

/*
 * Close the device's end of channel @id with FIDL epitaph @status and tell
 * the guest.  Events wait for event buffers up to max-pending-events; past
 * that the channel is still closed, the guest just learns it when it next
 * writes to it (NOT_FOUND).
 */
static void virtio_sysmem_close_channel(VirtIOSysmem *s, uint32_t id,
                                        int32_t status)
{
    VirtIOSysmemEvent *ev;

    if (!g_hash_table_remove(s->channels, GUINT_TO_POINTER(id))) {
        return;
    }
    trace_virtio_sysmem_close_channel(id, status);
    if (g_queue_get_length(s->pending_events) >= s->conf.max_pending_events) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-sysmem: event queue full, "
                      "channel %u closed without notice\n", id);
        return;
    }

    ev = g_new0(VirtIOSysmemEvent, 1);
    ev->hdr.type = cpu_to_le32(VIRTIO_SYSMEM_EVENT_CLOSED);
    ev->hdr.object_id = cpu_to_le32(id);
    ev->hdr.status = cpu_to_le32(status);
    ev->hdr.num_bytes = cpu_to_le32(sizeof(ev->bytes));
    /* The FIDL epitaph: txid 0, epitaph ordinal, int32 status, padding. */
    ev->bytes[4] = FIDL_AT_REST_V2;
    ev->bytes[7] = FIDL_MAGIC;
    stq_le_p(&ev->bytes[8], FIDL_ORDINAL_EPITAPH);
    stl_le_p(&ev->bytes[16], status);
    g_queue_push_tail(s->pending_events, ev);
    virtio_sysmem_flush_events(s);
}

/* Requests (requestq) */

static void virtio_sysmem_complete(VirtIOSysmem *s, VirtQueueElement *elem,
                                   int32_t status, const void *reply,
                                   uint32_t reply_bytes)
{
    struct virtio_sysmem_resp_hdr resp = {
        .status = cpu_to_le32(status),
    };
    size_t room = iov_size(elem->in_sg, elem->in_num) - sizeof(resp);
    size_t len = sizeof(resp);

    if (reply_bytes > room) {
        resp.status = cpu_to_le32(VIRTIO_SYSMEM_S_BUFFER_TOO_SMALL);
        resp.num_bytes = cpu_to_le32(reply_bytes);
    } else if (reply_bytes) {
        resp.num_bytes = cpu_to_le32(reply_bytes);
        iov_from_buf(elem->in_sg, elem->in_num, sizeof(resp), reply,
                     reply_bytes);
        len += reply_bytes;
    }
    iov_from_buf(elem->in_sg, elem->in_num, 0, &resp, sizeof(resp));
    trace_virtio_sysmem_complete(elem->index, le32_to_cpu(resp.status),
                                 le32_to_cpu(resp.num_bytes));
    virtqueue_push(s->request_vq, elem, len);
    virtio_notify(VIRTIO_DEVICE(s), s->request_vq);
    g_free(elem);
}

static int32_t virtio_sysmem_connect(VirtIOSysmem *s, uint32_t id,
                                     uint32_t protocol)
{
    if (!virtio_sysmem_is_guest_id(id)) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-sysmem: CONNECT with id 0x%x "
                      "outside the driver's id space\n", id);
        return VIRTIO_SYSMEM_S_INVALID_ARGS;
    }
    if (protocol != VIRTIO_SYSMEM_PROTOCOL_SYSMEM2 &&
        !(protocol == VIRTIO_SYSMEM_PROTOCOL_SYSMEM1 && s->conf.v1)) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-sysmem: CONNECT to unknown "
                      "protocol %u\n", protocol);
        return VIRTIO_SYSMEM_S_PROTOCOL_NOT_SUPPORTED;
    }
    if (g_hash_table_contains(s->channels, GUINT_TO_POINTER(id))) {
        return VIRTIO_SYSMEM_S_ALREADY_EXISTS;
    }
    if (g_hash_table_size(s->channels) >= s->conf.max_objects) {
        return VIRTIO_SYSMEM_S_NO_RESOURCES;
    }
    g_hash_table_insert(s->channels, GUINT_TO_POINTER(id),
                        GUINT_TO_POINTER(protocol));
    return VIRTIO_SYSMEM_S_OK;
}

/*
 * Until the sysmem core serves the channel, every method is unknown: a
 * flexible two-way call on the open fuchsia.sysmem2 protocols gets the
 * framework error reply (RFC-0138), anything else closes the channel as
 * FIDL bindings do for unknown strict methods.
 */
static void virtio_sysmem_message(VirtIOSysmem *s, VirtQueueElement *elem,
                                  uint32_t id, size_t offset, uint32_t bytes)
{
    uint8_t hdr[FIDL_HEADER_SIZE];
    uint8_t reply[FIDL_HEADER_SIZE + 16];
    gpointer protocol;
    uint32_t txid;

    if (!g_hash_table_lookup_extended(s->channels, GUINT_TO_POINTER(id),
                                      NULL, &protocol)) {
        virtio_sysmem_complete(s, elem, VIRTIO_SYSMEM_S_NOT_FOUND, NULL, 0);
        return;
    }
    if (bytes < FIDL_HEADER_SIZE || bytes > VIRTIO_SYSMEM_MAX_MSG_BYTES) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-sysmem: channel %u: message "
                      "of %u bytes\n", id, bytes);
        virtio_sysmem_close_channel(s, id, VIRTIO_SYSMEM_S_INVALID_ARGS);
        virtio_sysmem_complete(s, elem, VIRTIO_SYSMEM_S_INVALID_ARGS, NULL, 0);
        return;
    }
    iov_to_buf(elem->out_sg, elem->out_num, offset, hdr, sizeof(hdr));
    if (hdr[7] != FIDL_MAGIC || !(hdr[4] & FIDL_AT_REST_V2)) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-sysmem: channel %u: bad FIDL "
                      "header (magic 0x%x, flags 0x%x)\n", id, hdr[7], hdr[4]);
        virtio_sysmem_close_channel(s, id,
                                    VIRTIO_SYSMEM_S_PROTOCOL_NOT_SUPPORTED);
        virtio_sysmem_complete(s, elem, VIRTIO_SYSMEM_S_PEER_CLOSED, NULL, 0);
        return;
    }

    txid = ldl_le_p(hdr);
    trace_virtio_sysmem_message(id, txid, ldq_le_p(&hdr[8]), bytes);
    if (GPOINTER_TO_UINT(protocol) != SYSMEM_CHANNEL_ALLOCATOR2 ||
        !(hdr[6] & FIDL_DYNAMIC_FLEXIBLE)) {
        virtio_sysmem_close_channel(s, id, VIRTIO_SYSMEM_S_NOT_SUPPORTED);
        virtio_sysmem_complete(s, elem, VIRTIO_SYSMEM_S_PEER_CLOSED, NULL, 0);
        return;
    }
    if (txid == 0) {
        /* Unknown flexible one-way method: dropped, no reply. */
        virtio_sysmem_complete(s, elem, VIRTIO_SYSMEM_S_OK, NULL, 0);
        return;
    }

    /* Same txid and ordinal, flexible, result union ordinal 3, -2 inline. */
    memcpy(reply, hdr, FIDL_HEADER_SIZE);
    reply[4] = FIDL_AT_REST_V2;
    reply[5] = 0;
    reply[6] = FIDL_DYNAMIC_FLEXIBLE;
    memset(&reply[FIDL_HEADER_SIZE], 0, 16);
    stq_le_p(&reply[16], FIDL_RESULT_FRAMEWORK_ERR);
    stl_le_p(&reply[24], VIRTIO_SYSMEM_S_NOT_SUPPORTED);
    stw_le_p(&reply[30], 1);    /* envelope flags: inlined */
    virtio_sysmem_complete(s, elem, VIRTIO_SYSMEM_S_OK, reply, sizeof(reply));
}

static void virtio_sysmem_process(VirtIOSysmem *s, VirtQueueElement *elem)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    struct virtio_sysmem_req_hdr hdr;
    size_t out_len = iov_size(elem->out_sg, elem->out_num);
    size_t in_len = iov_size(elem->in_sg, elem->in_num);
    uint32_t op, id, bytes, handles;
    int32_t status;

    if (out_len < sizeof(hdr) ||
        in_len < sizeof(struct virtio_sysmem_resp_hdr)) {
        virtio_error(vdev, "virtio-sysmem: request chain with %zu readable "
                     "and %zu writable bytes", out_len, in_len);
        virtqueue_detach_element(s->request_vq, elem, 0);
        g_free(elem);
        return;
    }
    iov_to_buf(elem->out_sg, elem->out_num, 0, &hdr, sizeof(hdr));
    op = le32_to_cpu(hdr.op);
    id = le32_to_cpu(hdr.object_id);
    bytes = le32_to_cpu(hdr.num_bytes);
    handles = le32_to_cpu(hdr.num_handles);
    trace_virtio_sysmem_request(elem->index, op, id, bytes, handles);

    if (out_len < sizeof(hdr) + (uint64_t)bytes +
                  (uint64_t)handles * sizeof(struct virtio_sysmem_handle)) {
        virtio_error(vdev, "virtio-sysmem: request announces %u bytes and %u "
                     "handles but carries %zu bytes", bytes, handles,
                     out_len - sizeof(hdr));
        virtqueue_detach_element(s->request_vq, elem, 0);
        g_free(elem);
        return;
    }
    if (hdr.reserved) {
        virtio_sysmem_complete(s, elem, VIRTIO_SYSMEM_S_INVALID_ARGS, NULL, 0);
        return;
    }

    switch (op) {
    case VIRTIO_SYSMEM_OP_CONNECT:
        status = virtio_sysmem_connect(s, id, le32_to_cpu(hdr.arg));
        break;
    case VIRTIO_SYSMEM_OP_MESSAGE:
        virtio_sysmem_message(s, elem, id, sizeof(hdr), bytes);
        return;
    case VIRTIO_SYSMEM_OP_CLOSE:
        status = g_hash_table_remove(s->channels, GUINT_TO_POINTER(id)) ?
                 VIRTIO_SYSMEM_S_OK : VIRTIO_SYSMEM_S_NOT_FOUND;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-sysmem: unknown op %u\n", op);
        status = VIRTIO_SYSMEM_S_NOT_SUPPORTED;
        break;
    }
    virtio_sysmem_complete(s, elem, status, NULL, 0);
}

static void virtio_sysmem_handle_request(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOSysmem *s = VIRTIO_SYSMEM(vdev);
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq, sizeof(VirtIOSysmemRequest)))) {
        virtio_sysmem_process(s, elem);
    }
}

/* Config and features */

static void virtio_sysmem_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOSysmem *s = VIRTIO_SYSMEM(vdev);
    struct virtio_sysmem_config cfg = {};

    stq_le_p(&cfg.region_size, memory_region_size(s->region));
    stl_le_p(&cfg.max_msg_bytes, VIRTIO_SYSMEM_MAX_MSG_BYTES);
    stl_le_p(&cfg.max_msg_handles, VIRTIO_SYSMEM_MAX_MSG_HANDLES);
    stl_le_p(&cfg.max_event_bytes, VIRTIO_SYSMEM_MAX_EVENT_BYTES);
    stl_le_p(&cfg.max_objects, s->conf.max_objects);
    memcpy(config, &cfg, sizeof(cfg));
}

static uint64_t virtio_sysmem_get_features(VirtIODevice *vdev, uint64_t f,
                                           Error **errp)
{
    VirtIOSysmem *s = VIRTIO_SYSMEM(vdev);

    if (s->conf.v1) {
        virtio_add_feature(&f, VIRTIO_SYSMEM_F_V1);
    }
    return f;
}

/* Realize and unrealize */

uint64_t virtio_sysmem_region_size(VirtIOSysmem *s, Error **errp)
{
    uint64_t size;

    if (s->conf.memdev) {
        if (s->conf.size) {
            error_setg(errp, "virtio-sysmem: give either memdev or size, not "
                       "both (the region is the memdev)");
            return 0;
        }
        size = memory_region_size(host_memory_backend_get_memory(
                                      s->conf.memdev));
    } else {
        size = s->conf.size ? s->conf.size : VIRTIO_SYSMEM_DEFAULT_REGION_SIZE;
    }
    if (!is_power_of_2(size)) {
        error_setg(errp, "virtio-sysmem: region size 0x%" PRIx64 " is not a "
                   "power of two (it is exposed as a PCI BAR)", size);
        return 0;
    }
    if (size < VIRTIO_SYSMEM_MIN_REGION_SIZE) {
        error_setg(errp, "virtio-sysmem: region size 0x%" PRIx64 " is below "
                   "the minimum of 0x%" PRIx64 " bytes", size,
                   (uint64_t)VIRTIO_SYSMEM_MIN_REGION_SIZE);
        return 0;
    }
    return size;
}

static void virtio_sysmem_realize(DeviceState *dev, Error **errp)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtIOSysmem *s = VIRTIO_SYSMEM(dev);
    uint64_t size;

    size = virtio_sysmem_region_size(s, errp);
    if (!size) {
        return;
    }
    if (!s->conf.max_objects || !s->conf.max_pending_events) {
        error_setg(errp, "virtio-sysmem: max-objects and max-pending-events "
                   "must be at least 1");
        return;
    }
    if (s->conf.memdev) {
        if (host_memory_backend_is_mapped(s->conf.memdev)) {
            error_setg(errp, "virtio-sysmem: can't use already busy memdev: %s",
                       object_get_canonical_path_component(
                           OBJECT(s->conf.memdev)));
            return;
        }
        s->region = host_memory_backend_get_memory(s->conf.memdev);
        host_memory_backend_set_mapped(s->conf.memdev, true);
        vmstate_register_ram(s->region, dev);
    } else {
        if (!memory_region_init_ram(&s->region_ram, OBJECT(s),
                                    "virtio-sysmem-region", size, errp)) {
            return;
        }
        s->region = &s->region_ram;
    }
    s->region_ptr = memory_region_get_ram_ptr(s->region);

    s->channels = g_hash_table_new(NULL, NULL);
    s->pending_events = g_queue_new();

    virtio_init(vdev, VIRTIO_ID_SYSMEM, sizeof(struct virtio_sysmem_config));
    s->request_vq = virtio_add_queue(vdev, VIRTIO_SYSMEM_QUEUE_SIZE,
                                     virtio_sysmem_handle_request);
    s->event_vq = virtio_add_queue(vdev, VIRTIO_SYSMEM_QUEUE_SIZE,
                                   virtio_sysmem_handle_event);
    trace_virtio_sysmem_realize(size, s->conf.memdev != NULL);
}

static void virtio_sysmem_unrealize(DeviceState *dev)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtIOSysmem *s = VIRTIO_SYSMEM(dev);

    virtio_delete_queue(s->request_vq);
    virtio_delete_queue(s->event_vq);
    virtio_cleanup(vdev);
    g_queue_free_full(s->pending_events, g_free);
    g_hash_table_destroy(s->channels);
    if (s->conf.memdev) {
        vmstate_unregister_ram(s->region, dev);
        host_memory_backend_set_mapped(s->conf.memdev, false);
    }
}

/* Reset */

static void virtio_sysmem_reset(VirtIODevice *vdev)
{
    VirtIOSysmem *s = VIRTIO_SYSMEM(vdev);

    g_hash_table_remove_all(s->channels);
    while (!g_queue_is_empty(s->pending_events)) {
        g_free(g_queue_pop_head(s->pending_events));
    }
}

/* Migration */

static const VMStateDescription vmstate_virtio_sysmem = {
    .name = "virtio-sysmem",
    .minimum_version_id = 1,
    .version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_VIRTIO_DEVICE,
        VMSTATE_END_OF_LIST()
    },
};

/* Properties and type registration */

static const Property virtio_sysmem_properties[] = {
    DEFINE_PROP_LINK("memdev", VirtIOSysmem, conf.memdev,
                     TYPE_MEMORY_BACKEND, HostMemoryBackend *),
    DEFINE_PROP_SIZE("size", VirtIOSysmem, conf.size, 0),
    DEFINE_PROP_BOOL("v1", VirtIOSysmem, conf.v1, true),
    DEFINE_PROP_UINT32("max-objects", VirtIOSysmem, conf.max_objects, 16384),
    DEFINE_PROP_UINT32("max-pending-events", VirtIOSysmem,
                       conf.max_pending_events, 1024),
};

static void virtio_sysmem_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    device_class_set_props(dc, virtio_sysmem_properties);
    dc->vmsd = &vmstate_virtio_sysmem;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    vdc->realize = virtio_sysmem_realize;
    vdc->unrealize = virtio_sysmem_unrealize;
    vdc->get_config = virtio_sysmem_get_config;
    vdc->get_features = virtio_sysmem_get_features;
    vdc->reset = virtio_sysmem_reset;
}

static const TypeInfo virtio_sysmem_info = {
    .name = TYPE_VIRTIO_SYSMEM,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIOSysmem),
    .class_init = virtio_sysmem_class_init,
};

static void virtio_sysmem_register_types(void)
{
    type_register_static(&virtio_sysmem_info);
}

type_init(virtio_sysmem_register_types)
