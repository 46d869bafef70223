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
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "qemu/units.h"
#include "hw/qdev-properties.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-sysmem.h"
#include "hw/sysmem/sysmem-core.h"
#include "sysmem/fidl.h"
#include "migration/qemu-file-types.h"
#include "migration/vmstate.h"
#include "system/hostmem.h"
#include "trace.h"

struct VirtIOSysmemRequest {
    VirtQueueElement elem;
    QTAILQ_ENTRY(VirtIOSysmemRequest) next;
    /* Names the call to the core; stale cookies find nothing. */
    uint32_t cookie;
    bool held;
};

typedef struct VirtIOSysmemEvent {
    uint32_t object_id;
    /*
     * A CLOSED event: never dropped (the core keeps its id taken until the
     * guest has it, so there is at most one per id and max-objects in all);
     * once delivered the core hears of it.
     */
    bool closed;
    size_t len;
    uint8_t data[];     /* struct virtio_sysmem_event, bytes, handles */
} VirtIOSysmemEvent;

/* Core calls that cannot be made from inside the core's callbacks. */
typedef enum VirtIOSysmemWorkOp {
    /* The guest never saw this handle: the device drops it for the guest. */
    VIRTIO_SYSMEM_WORK_RELEASE,
    /* The guest got the CLOSED event for this id. */
    VIRTIO_SYSMEM_WORK_NOTIFIED,
    /* An event of this channel did not fit: fail the channel. */
    VIRTIO_SYSMEM_WORK_FAIL,
} VirtIOSysmemWorkOp;

typedef struct VirtIOSysmemWork {
    VirtIOSysmemWorkOp op;
    uint32_t id;
} VirtIOSysmemWork;

/* Device-side handle kinds mirror the ABI's, so entries copy across. */
QEMU_BUILD_BUG_ON((int)SYSMEM_HANDLE_CHANNEL_SERVER !=
                  VIRTIO_SYSMEM_HANDLE_CHANNEL_SERVER);
QEMU_BUILD_BUG_ON((int)SYSMEM_HANDLE_CHANNEL_CLIENT !=
                  VIRTIO_SYSMEM_HANDLE_CHANNEL_CLIENT);
QEMU_BUILD_BUG_ON((int)SYSMEM_HANDLE_BUFFER != VIRTIO_SYSMEM_HANDLE_BUFFER);
QEMU_BUILD_BUG_ON((int)SYSMEM_HANDLE_EVENTPAIR !=
                  VIRTIO_SYSMEM_HANDLE_EVENTPAIR);
QEMU_BUILD_BUG_ON(SYSMEM_BUFFER_F_INACCESSIBLE !=
                  VIRTIO_SYSMEM_BUFFER_F_INACCESSIBLE);
QEMU_BUILD_BUG_ON(SYSMEM_BUFFER_F_CPU_CACHED !=
                  VIRTIO_SYSMEM_BUFFER_F_CPU_CACHED);
QEMU_BUILD_BUG_ON(SYSMEM_DEVICE_ID_BIT != VIRTIO_SYSMEM_ID_DEVICE_BIT);
/* The rights the core hands out are the ones the ABI names. */
QEMU_BUILD_BUG_ON(SYSMEM_RIGHT_SET_PROPERTY != VIRTIO_SYSMEM_RIGHT_SET_PROPERTY);
QEMU_BUILD_BUG_ON(FIDL_RIGHT_SIGNAL_PEER != VIRTIO_SYSMEM_RIGHT_SIGNAL_PEER);
QEMU_BUILD_BUG_ON(SYSMEM_RIGHT_WAIT != VIRTIO_SYSMEM_RIGHT_WAIT);
QEMU_BUILD_BUG_ON(SYSMEM_RIGHT_INSPECT != VIRTIO_SYSMEM_RIGHT_INSPECT);
QEMU_BUILD_BUG_ON(SYSMEM_RIGHT_SAME_RIGHTS != VIRTIO_SYSMEM_RIGHT_SAME_RIGHTS);
QEMU_BUILD_BUG_ON(FIDL_DEFAULT_CHANNEL_RIGHTS != VIRTIO_SYSMEM_RIGHTS_CHANNEL);
QEMU_BUILD_BUG_ON((FIDL_RIGHTS_BASIC & ~FIDL_RIGHT_WAIT) !=
                  VIRTIO_SYSMEM_RIGHTS_NODE_REF);
QEMU_BUILD_BUG_ON((FIDL_RIGHTS_BASIC | FIDL_RIGHT_SIGNAL) !=
                  VIRTIO_SYSMEM_RIGHTS_EVENTPAIR);

static void handle_to_wire(const SysmemHandle *h,
                           struct virtio_sysmem_handle *w)
{
    w->type = cpu_to_le32(h->kind);
    w->id = cpu_to_le32(h->id);
    w->rights = cpu_to_le32(h->rights);
    w->flags = cpu_to_le32(h->flags);
    w->offset = cpu_to_le64(h->offset);
    w->size = cpu_to_le64(h->size);
}

static void handle_from_wire(const struct virtio_sysmem_handle *w,
                             SysmemHandle *h)
{
    h->kind = le32_to_cpu(w->type);
    h->id = le32_to_cpu(w->id);
    h->rights = le32_to_cpu(w->rights);
    h->flags = le32_to_cpu(w->flags);
    h->offset = le64_to_cpu(w->offset);
    h->size = le64_to_cpu(w->size);
}

static void virtio_sysmem_defer(VirtIOSysmem *s, VirtIOSysmemWorkOp op,
                               uint32_t id)
{
    VirtIOSysmemWork w = { .op = op, .id = id };

    g_array_append_val(s->deferred, w);
    qemu_bh_schedule(s->deferred_bh);
}

/* Handles the guest will never see: give them back to the core, later. */
static void virtio_sysmem_defer_release(VirtIOSysmem *s,
                                        const SysmemHandle *handles,
                                        uint32_t nh)
{
    uint32_t i;

    for (i = 0; i < nh; i++) {
        virtio_sysmem_defer(s, VIRTIO_SYSMEM_WORK_RELEASE, handles[i].id);
    }
}

static void virtio_sysmem_run_deferred(VirtIOSysmem *s)
{
    guint i;

    /* Each call may defer more work: the loop picks that up too. */
    for (i = 0; i < s->deferred->len; i++) {
        VirtIOSysmemWork w = g_array_index(s->deferred, VirtIOSysmemWork, i);

        switch (w.op) {
        case VIRTIO_SYSMEM_WORK_RELEASE:
            sysmem_core_peer_closed(s->core, w.id);
            break;
        case VIRTIO_SYSMEM_WORK_NOTIFIED:
            sysmem_core_close_notified(s->core, w.id);
            break;
        case VIRTIO_SYSMEM_WORK_FAIL:
            sysmem_core_fail_channel(s->core, w.id,
                                     VIRTIO_SYSMEM_S_NO_RESOURCES);
            break;
        }
    }
    g_array_set_size(s->deferred, 0);
}

static void virtio_sysmem_deferred_bh(void *opaque)
{
    virtio_sysmem_run_deferred(opaque);
}

static void virtio_sysmem_event_free(VirtIOSysmem *s, VirtIOSysmemEvent *ev)
{
    if (ev->closed) {
        g_hash_table_remove(s->closed_events, GUINT_TO_POINTER(ev->object_id));
    } else {
        s->num_message_events--;
    }
    g_free(ev);
}

/* The guest CLOSEd @id: a CLOSED event still waiting for it is moot. */
static void virtio_sysmem_forget_closed_event(VirtIOSysmem *s, uint32_t id)
{
    GList *link = g_hash_table_lookup(s->closed_events, GUINT_TO_POINTER(id));

    if (link) {
        virtio_sysmem_event_free(s, link->data);
        g_queue_delete_link(s->pending_events, link);
    }
}

/* Events (eventq) */

static void virtio_sysmem_flush_events(VirtIOSysmem *s)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    bool pushed = false;

    while (!g_queue_is_empty(s->pending_events) &&
           virtio_queue_ready(s->event_vq)) {
        VirtIOSysmemEvent *ev = g_queue_peek_head(s->pending_events);
        VirtQueueElement *elem = virtqueue_pop(s->event_vq,
                                               sizeof(VirtQueueElement));

        if (!elem) {
            break;
        }
        if (iov_size(elem->in_sg, elem->in_num) < ev->len) {
            virtio_error(vdev, "virtio-sysmem: event buffer of %zu bytes, "
                         "%u required", iov_size(elem->in_sg, elem->in_num),
                         VIRTIO_SYSMEM_MAX_EVENT_BYTES);
            virtqueue_detach_element(s->event_vq, elem, 0);
            g_free(elem);
            return;
        }
        iov_from_buf(elem->in_sg, elem->in_num, 0, ev->data, ev->len);
        virtqueue_push(s->event_vq, elem, ev->len);
        trace_virtio_sysmem_event(ldl_le_p(ev->data), ev->object_id);
        g_free(elem);
        g_queue_pop_head(s->pending_events);
        if (ev->closed) {
            virtio_sysmem_defer(s, VIRTIO_SYSMEM_WORK_NOTIFIED, ev->object_id);
        }
        virtio_sysmem_event_free(s, ev);
        pushed = true;
    }
    if (pushed) {
        virtio_notify(vdev, s->event_vq);
    }
}

static void virtio_sysmem_handle_event(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOSysmem *s = VIRTIO_SYSMEM(vdev);

    virtio_sysmem_flush_events(s);
    virtio_sysmem_run_deferred(s);
}

/*
 * Queue an event for the guest.  CLOSED events always wait for an event
 * buffer: each stands for an id the core keeps taken until it is
 * delivered or the guest CLOSEs the id, so there are at most max-objects
 * of them.  Other events wait up to max-pending-events; past that the
 * event is dropped and its channel is failed (its participant fails, as
 * one whose process died), so a guest that never reads events cannot make
 * the device grow.
 */
static void virtio_sysmem_queue_event(VirtIOSysmem *s, uint32_t type,
                                      uint32_t object_id, int32_t status,
                                      const uint8_t *bytes, uint32_t n,
                                      const SysmemHandle *handles,
                                      uint32_t nh)
{
    struct virtio_sysmem_event hdr = {
        .type = cpu_to_le32(type),
        .object_id = cpu_to_le32(object_id),
        .status = cpu_to_le32(status),
        .num_bytes = cpu_to_le32(n),
        .num_handles = cpu_to_le32(nh),
    };
    size_t len = sizeof(hdr) + n + nh * sizeof(struct virtio_sysmem_handle);
    VirtIOSysmemEvent *ev;
    uint32_t i;

    if (s->resetting) {
        return;
    }
    if (type == VIRTIO_SYSMEM_EVENT_CLOSED &&
        g_hash_table_contains(s->closed_events, GUINT_TO_POINTER(object_id))) {
        /* The core closes an id once per life: the guest learns it once. */
        return;
    }
    if (type != VIRTIO_SYSMEM_EVENT_CLOSED &&
        (len > VIRTIO_SYSMEM_MAX_EVENT_BYTES ||
         s->num_message_events >= s->conf.max_pending_events)) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-sysmem: event for object 0x%x "
                      "dropped (%u events pending, none read); closing it\n",
                      object_id, s->num_message_events);
        trace_virtio_sysmem_event_overflow(object_id);
        virtio_sysmem_defer_release(s, handles, nh);
        virtio_sysmem_defer(s, VIRTIO_SYSMEM_WORK_FAIL, object_id);
        return;
    }

    ev = g_malloc(sizeof(*ev) + len);
    ev->object_id = object_id;
    ev->closed = type == VIRTIO_SYSMEM_EVENT_CLOSED;
    ev->len = len;
    memcpy(ev->data, &hdr, sizeof(hdr));
    if (n) {
        memcpy(ev->data + sizeof(hdr), bytes, n);
    }
    for (i = 0; i < nh; i++) {
        struct virtio_sysmem_handle w;

        handle_to_wire(&handles[i], &w);
        memcpy(ev->data + sizeof(hdr) + n + i * sizeof(w), &w, sizeof(w));
    }
    g_queue_push_tail(s->pending_events, ev);
    if (ev->closed) {
        g_hash_table_insert(s->closed_events, GUINT_TO_POINTER(object_id),
                            g_queue_peek_tail_link(s->pending_events));
    } else {
        s->num_message_events++;
    }
    virtio_sysmem_flush_events(s);
}

/* Requests (requestq) */

static void virtio_sysmem_complete(VirtIOSysmem *s, VirtIOSysmemRequest *req,
                                   int32_t status, const uint8_t *bytes,
                                   uint32_t n, const SysmemHandle *handles,
                                   uint32_t nh)
{
    VirtQueueElement *elem = &req->elem;
    struct virtio_sysmem_resp_hdr resp = {
        .status = cpu_to_le32(status),
        .num_bytes = cpu_to_le32(n),
        .num_handles = cpu_to_le32(nh),
    };
    size_t room = iov_size(elem->in_sg, elem->in_num) - sizeof(resp);
    size_t need = n + (size_t)nh * sizeof(struct virtio_sysmem_handle);
    size_t len = sizeof(resp);
    uint32_t i;

    if (need > room) {
        /* The call fails; its handles go back to the core. */
        resp.status = cpu_to_le32(VIRTIO_SYSMEM_S_BUFFER_TOO_SMALL);
        virtio_sysmem_defer_release(s, handles, nh);
    } else {
        if (n) {
            iov_from_buf(elem->in_sg, elem->in_num, len, bytes, n);
            len += n;
        }
        for (i = 0; i < nh; i++) {
            struct virtio_sysmem_handle w;

            handle_to_wire(&handles[i], &w);
            iov_from_buf(elem->in_sg, elem->in_num, len, &w, sizeof(w));
            len += sizeof(w);
        }
    }
    iov_from_buf(elem->in_sg, elem->in_num, 0, &resp, sizeof(resp));
    trace_virtio_sysmem_complete(elem->index, le32_to_cpu(resp.status), n, nh);
    virtqueue_push(s->request_vq, elem, len);
    virtio_notify(VIRTIO_DEVICE(s), s->request_vq);
    g_free(req);
}

static void virtio_sysmem_hold(VirtIOSysmem *s, VirtIOSysmemRequest *req)
{
    req->cookie = ++s->next_cookie ? s->next_cookie : ++s->next_cookie;
    req->held = true;
    QTAILQ_INSERT_TAIL(&s->held, req, next);
    g_hash_table_insert(s->held_by_cookie, GUINT_TO_POINTER(req->cookie), req);
    s->num_held++;
}

static void virtio_sysmem_unhold(VirtIOSysmem *s, VirtIOSysmemRequest *req)
{
    QTAILQ_REMOVE(&s->held, req, next);
    g_hash_table_remove(s->held_by_cookie, GUINT_TO_POINTER(req->cookie));
    req->held = false;
    s->num_held--;
}

/* Drop a request without completing it: its ring is going away. */
static void virtio_sysmem_drop(VirtIOSysmem *s, VirtIOSysmemRequest *req)
{
    virtqueue_detach_element(s->request_vq, &req->elem, 0);
    g_free(req);
}

static void virtio_sysmem_core_reply(void *opaque, void *cookie,
                                     const uint8_t *bytes, uint32_t n,
                                     const SysmemHandle *handles, uint32_t nh)
{
    VirtIOSysmem *s = opaque;
    VirtIOSysmemRequest *req = g_hash_table_lookup(s->held_by_cookie, cookie);

    if (!req) {
        virtio_sysmem_defer_release(s, handles, nh);
        return;
    }
    virtio_sysmem_unhold(s, req);
    if (s->resetting) {
        virtio_sysmem_drop(s, req);
    } else if (!bytes) {
        /* The channel closed before the call could be answered. */
        virtio_sysmem_complete(s, req, VIRTIO_SYSMEM_S_PEER_CLOSED, NULL, 0,
                               NULL, 0);
    } else {
        virtio_sysmem_complete(s, req, VIRTIO_SYSMEM_S_OK, bytes, n, handles,
                               nh);
    }
}

static void virtio_sysmem_core_event(void *opaque, uint32_t object_id,
                                     const uint8_t *bytes, uint32_t n,
                                     const SysmemHandle *handles, uint32_t nh)
{
    virtio_sysmem_queue_event(opaque, VIRTIO_SYSMEM_EVENT_MESSAGE, object_id,
                              VIRTIO_SYSMEM_S_OK, bytes, n, handles, nh);
}

/*
 * The core closed its end of an id.  The guest hears of it by a CLOSED
 * event carrying the epitaph the core wrote, unless the guest closed the
 * id itself: its CLOSE's completion is the last word on the id.
 */
static void virtio_sysmem_core_close(void *opaque, const SysmemClose *c)
{
    trace_virtio_sysmem_close(c->object_id, c->epitaph);
    if (c->reason == SYSMEM_CLOSE_HOST_CLOSED) {
        return;
    }
    virtio_sysmem_queue_event(opaque, VIRTIO_SYSMEM_EVENT_CLOSED,
                              c->object_id, c->epitaph, c->epitaph_bytes,
                              c->epitaph_len, NULL, 0);
}

static void virtio_sysmem_core_log(void *opaque, GLogLevelFlags level,
                                   const char *msg)
{
    if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
                 G_LOG_LEVEL_WARNING)) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-sysmem: %s\n", msg);
    }
    trace_virtio_sysmem_log(msg);
}

static const SysmemHostOps virtio_sysmem_core_ops = {
    .reply = virtio_sysmem_core_reply,
    .event = virtio_sysmem_core_event,
    .close = virtio_sysmem_core_close,
    .log = virtio_sysmem_core_log,
};

/*
 * flags, offset and size mean something only in a BUFFER entry; in any
 * other entry they are reserved and must be zero.  A table that breaks
 * this is refused before delivery, like an oversized message: the status
 * is INVALID_ARGS, the channel stays open and no handle moves.
 */
static bool virtio_sysmem_entries_valid(uint32_t id, const SysmemHandle *h,
                                        uint32_t nh)
{
    uint32_t i;

    for (i = 0; i < nh; i++) {
        if (h[i].kind != SYSMEM_HANDLE_BUFFER &&
            (h[i].flags || h[i].offset || h[i].size)) {
            qemu_log_mask(LOG_GUEST_ERROR, "virtio-sysmem: object 0x%x: "
                          "handle entry %u (type %u) has non-zero reserved "
                          "fields\n", id, i, h[i].kind);
            return false;
        }
    }
    return true;
}

static void virtio_sysmem_message(VirtIOSysmem *s, VirtIOSysmemRequest *req,
                                  uint32_t id, uint32_t n, uint32_t nh)
{
    VirtQueueElement *elem = &req->elem;
    size_t offset = sizeof(struct virtio_sysmem_req_hdr);
    g_autofree uint8_t *bytes = NULL;
    g_autofree SysmemHandle *handles = NULL;
    bool two_way;
    uint32_t cookie;
    int32_t rc;
    uint32_t i;

    /* What zx_channel_write refuses; the channel stays open. */
    if (n > VIRTIO_SYSMEM_MAX_MSG_BYTES || nh > VIRTIO_SYSMEM_MAX_MSG_HANDLES) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-sysmem: object 0x%x: message "
                      "of %u bytes and %u handles is over the limits\n",
                      id, n, nh);
        virtio_sysmem_complete(s, req, VIRTIO_SYSMEM_S_INVALID_ARGS, NULL, 0,
                               NULL, 0);
        return;
    }

    bytes = g_malloc(n ? n : 1);
    iov_to_buf(elem->out_sg, elem->out_num, offset, bytes, n);
    handles = g_new0(SysmemHandle, nh ? nh : 1);
    for (i = 0; i < nh; i++) {
        struct virtio_sysmem_handle w;

        iov_to_buf(elem->out_sg, elem->out_num,
                   offset + n + i * sizeof(w), &w, sizeof(w));
        handle_from_wire(&w, &handles[i]);
    }
    if (!virtio_sysmem_entries_valid(id, handles, nh)) {
        virtio_sysmem_complete(s, req, VIRTIO_SYSMEM_S_INVALID_ARGS, NULL, 0,
                               NULL, 0);
        return;
    }

    /* A two-way call is held until the core replies, maybe much later. */
    two_way = n >= FIDL_HEADER_SIZE && ldl_le_p(bytes) != 0;
    trace_virtio_sysmem_message(id, n >= 4 ? ldl_le_p(bytes) : 0,
                                n >= FIDL_HEADER_SIZE ? ldq_le_p(bytes + 8) : 0,
                                n, nh);
    if (!two_way) {
        rc = sysmem_core_message(s->core, id, bytes, n, handles, nh, NULL);
        virtio_sysmem_complete(s, req, rc, NULL, 0, NULL, 0);
        return;
    }

    virtio_sysmem_hold(s, req);
    cookie = req->cookie;
    rc = sysmem_core_message(s->core, id, bytes, n, handles, nh,
                             GUINT_TO_POINTER(cookie));
    /*
     * The reply callback may already have completed and freed req (a
     * channel that closed because of the message answers PEER_CLOSED).  A
     * call the core never took is still held and gets the core's status.
     */
    if (rc != 0 && (req = g_hash_table_lookup(s->held_by_cookie,
                                              GUINT_TO_POINTER(cookie)))) {
        virtio_sysmem_unhold(s, req);
        virtio_sysmem_complete(s, req, rc, NULL, 0, NULL, 0);
    }
}

static void virtio_sysmem_process(VirtIOSysmem *s, VirtIOSysmemRequest *req)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    VirtQueueElement *elem = &req->elem;
    struct virtio_sysmem_req_hdr hdr;
    size_t out_len = iov_size(elem->out_sg, elem->out_num);
    size_t in_len = iov_size(elem->in_sg, elem->in_num);
    uint32_t op, id, bytes, handles;
    int32_t status;

    /* Requests see the core as the events the guest has describe it. */
    virtio_sysmem_run_deferred(s);
    if (out_len < sizeof(hdr) ||
        in_len < sizeof(struct virtio_sysmem_resp_hdr)) {
        virtio_error(vdev, "virtio-sysmem: request chain with %zu readable "
                     "and %zu writable bytes", out_len, in_len);
        virtio_sysmem_drop(s, req);
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
        virtio_sysmem_drop(s, req);
        return;
    }
    if (hdr.reserved) {
        virtio_sysmem_complete(s, req, VIRTIO_SYSMEM_S_INVALID_ARGS, NULL, 0,
                               NULL, 0);
        return;
    }

    switch (op) {
    case VIRTIO_SYSMEM_OP_CONNECT:
        /*
         * fuchsia.sysmem (v1) only when the driver accepted
         * VIRTIO_SYSMEM_F_V1 (offered when the v1 property is on): a
         * feature the driver did not negotiate is not used.
         */
        if (le32_to_cpu(hdr.arg) != VIRTIO_SYSMEM_PROTOCOL_SYSMEM2 &&
            !(le32_to_cpu(hdr.arg) == VIRTIO_SYSMEM_PROTOCOL_SYSMEM1 &&
              virtio_vdev_has_feature(vdev, VIRTIO_SYSMEM_F_V1))) {
            status = VIRTIO_SYSMEM_S_PROTOCOL_NOT_SUPPORTED;
            break;
        }
        status = sysmem_core_connect(s->core, id, le32_to_cpu(hdr.arg));
        break;
    case VIRTIO_SYSMEM_OP_MESSAGE:
        virtio_sysmem_message(s, req, id, bytes, handles);
        return;
    case VIRTIO_SYSMEM_OP_CLOSE:
        if (id == VIRTIO_SYSMEM_ID_INVALID) {
            status = VIRTIO_SYSMEM_S_INVALID_ARGS;
            break;
        }
        /*
         * The guest dropped its end: the id is free once this completes,
         * and a CLOSED event still queued for it would only reach whatever
         * the guest opens next with the id.
         */
        virtio_sysmem_forget_closed_event(s, id);
        status = sysmem_core_peer_closed(s->core, id) ?
                 VIRTIO_SYSMEM_S_OK : VIRTIO_SYSMEM_S_NOT_FOUND;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-sysmem: unknown op %u\n", op);
        status = VIRTIO_SYSMEM_S_NOT_SUPPORTED;
        break;
    }
    virtio_sysmem_complete(s, req, status, NULL, 0, NULL, 0);
}

static void virtio_sysmem_handle_request(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOSysmem *s = VIRTIO_SYSMEM(vdev);
    VirtIOSysmemRequest *req;

    while ((req = virtqueue_pop(vq, sizeof(VirtIOSysmemRequest)))) {
        req->held = false;
        virtio_sysmem_process(s, req);
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
    if (s->conf.secure_size) {
        virtio_add_feature(&f, VIRTIO_SYSMEM_F_SECURE_HEAP);
    }
    return f;
}

/*
 * Like Fuchsia's sysmem, say which participants hold up a collection that
 * has waited for its allocation for 5 s; the core keeps no timers itself.
 */
#define VIRTIO_SYSMEM_STALL_MS      5000

static void virtio_sysmem_stall_check(void *opaque)
{
    VirtIOSysmem *s = opaque;

    sysmem_core_log_stalled(s->core, VIRTIO_SYSMEM_STALL_MS * 1000);
    timer_mod(s->stall_timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) +
              VIRTIO_SYSMEM_STALL_MS);
}

/* Reset */

/*
 * Reset (driver unload, reboot) drops every object and returns all memory
 * to the region: a later driver starts clean.
 */
static void virtio_sysmem_drop_all(VirtIOSysmem *s)
{
    VirtIOSysmemRequest *req, *next;

    s->resetting = true;
    sysmem_core_reset(s->core);
    QTAILQ_FOREACH_SAFE(req, &s->held, next, next) {
        virtio_sysmem_unhold(s, req);
        virtio_sysmem_drop(s, req);
    }
    while (!g_queue_is_empty(s->pending_events)) {
        virtio_sysmem_event_free(s, g_queue_pop_head(s->pending_events));
    }
    g_array_set_size(s->deferred, 0);
    s->resetting = false;
}

static void virtio_sysmem_reset(VirtIODevice *vdev)
{
    VirtIOSysmem *s = VIRTIO_SYSMEM(vdev);

    trace_virtio_sysmem_reset();
    virtio_sysmem_drop_all(s);
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

static SysmemCore *virtio_sysmem_core_new(VirtIOSysmem *s, uint64_t size,
                                          Error **errp)
{
    SysmemCoreConfig cfg = {
        .region_size = size,
        .region_ptr = s->region_ptr,
        .secure_heap_size = s->conf.secure_size,
        .page_size = qemu_real_host_page_size(),
        .max_objects = s->conf.max_objects,
        /*
         * RAM the device allocated itself is fresh anonymous memory: zero.
         * A memdev may hold anything (a file, or a memfd an unplugged
         * device used before), so its bytes are all zeroed on first use.
         */
        .region_zeroed = !s->conf.memdev,
    };
    g_autofree char *msg = NULL;
    SysmemCore *core;

    core = sysmem_core_new(&cfg, &virtio_sysmem_core_ops, s, &msg);
    if (!core) {
        error_setg(errp, "virtio-sysmem: %s", msg ? msg : "bad configuration");
    }
    return core;
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
    if (s->conf.secure_size >= size ||
        s->conf.secure_size % qemu_real_host_page_size()) {
        error_setg(errp, "virtio-sysmem: secure-size 0x%" PRIx64 " must be "
                   "page aligned and smaller than the region (0x%" PRIx64 ")",
                   s->conf.secure_size, size);
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

    s->core = virtio_sysmem_core_new(s, size, errp);
    if (!s->core) {
        if (s->conf.memdev) {
            vmstate_unregister_ram(s->region, dev);
            host_memory_backend_set_mapped(s->conf.memdev, false);
        }
        return;
    }
    QTAILQ_INIT(&s->held);
    s->held_by_cookie = g_hash_table_new(NULL, NULL);
    s->pending_events = g_queue_new();
    s->closed_events = g_hash_table_new(NULL, NULL);
    s->deferred = g_array_new(false, false, sizeof(VirtIOSysmemWork));
    s->deferred_bh = qemu_bh_new_guarded(virtio_sysmem_deferred_bh, s,
                                         &dev->mem_reentrancy_guard);
    s->stall_timer = timer_new_ms(QEMU_CLOCK_REALTIME,
                                  virtio_sysmem_stall_check, s);
    timer_mod(s->stall_timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) +
              VIRTIO_SYSMEM_STALL_MS);

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

    timer_free(s->stall_timer);
    virtio_sysmem_drop_all(s);
    qemu_bh_delete(s->deferred_bh);
    virtio_delete_queue(s->request_vq);
    virtio_delete_queue(s->event_vq);
    virtio_cleanup(vdev);
    sysmem_core_free(s->core);
    g_queue_free_full(s->pending_events, g_free);
    g_hash_table_destroy(s->closed_events);
    g_hash_table_destroy(s->held_by_cookie);
    g_array_free(s->deferred, true);
    /*
     * The transport mapped the region (into its BAR); take it out, or a
     * memdev handed to the next device after a hot-unplug would still sit
     * in this device's BAR.
     */
    if (s->region->container) {
        memory_region_del_subregion(s->region->container, s->region);
    }
    if (s->conf.memdev) {
        vmstate_unregister_ram(s->region, dev);
        host_memory_backend_set_mapped(s->conf.memdev, false);
    }
}

/* Migration */

/*
 * The region migrates as RAM.  Everything else goes in the device's own
 * section: held two-way calls (their chains, re-mapped on the destination
 * by qemu_get_virtqueue_element, and the cookies the core knows them by),
 * queued events, and the core's serialized state (which has every id's
 * state, closed ones included).
 */
#define VIRTIO_SYSMEM_MIGRATION_MAGIC   0x53594d32  /* "SYM2" */

static void virtio_sysmem_save(VirtIODevice *vdev, QEMUFile *f)
{
    VirtIOSysmem *s = VIRTIO_SYSMEM(vdev);
    g_autoptr(GByteArray) core = g_byte_array_new();
    VirtIOSysmemRequest *req;
    GList *l;

    /* Finish deferred work first: it only talks to the core. */
    virtio_sysmem_run_deferred(s);

    qemu_put_be32(f, VIRTIO_SYSMEM_MIGRATION_MAGIC);
    qemu_put_be32(f, s->next_cookie);
    QTAILQ_FOREACH(req, &s->held, next) {
        qemu_put_byte(f, 1);
        qemu_put_be32(f, req->cookie);
        qemu_put_virtqueue_element(vdev, f, &req->elem);
    }
    qemu_put_byte(f, 0);

    qemu_put_be32(f, g_queue_get_length(s->pending_events));
    for (l = s->pending_events->head; l; l = l->next) {
        VirtIOSysmemEvent *ev = l->data;

        qemu_put_be32(f, ev->object_id);
        qemu_put_byte(f, ev->closed);
        qemu_put_be32(f, ev->len);
        qemu_put_buffer(f, ev->data, ev->len);
    }

    sysmem_core_save(s->core, core);
    qemu_put_be32(f, core->len);
    qemu_put_buffer(f, core->data, core->len);
}

static int virtio_sysmem_load(VirtIODevice *vdev, QEMUFile *f, int version_id)
{
    VirtIOSysmem *s = VIRTIO_SYSMEM(vdev);
    g_autofree uint8_t *core = NULL;
    g_autofree char *msg = NULL;
    uint32_t n, len, i;

    if (qemu_get_be32(f) != VIRTIO_SYSMEM_MIGRATION_MAGIC) {
        error_report("virtio-sysmem: bad migration stream");
        return -EINVAL;
    }
    s->next_cookie = qemu_get_be32(f);
    while (qemu_get_byte(f)) {
        uint32_t cookie = qemu_get_be32(f);
        VirtIOSysmemRequest *req;

        req = qemu_get_virtqueue_element(vdev, f,
                                         sizeof(VirtIOSysmemRequest));
        if (!req) {
            return -EINVAL;
        }
        req->cookie = cookie;
        req->held = true;
        QTAILQ_INSERT_TAIL(&s->held, req, next);
        g_hash_table_insert(s->held_by_cookie, GUINT_TO_POINTER(cookie), req);
        s->num_held++;
    }

    n = qemu_get_be32(f);
    for (i = 0; i < n; i++) {
        uint32_t object_id = qemu_get_be32(f);
        bool closed = qemu_get_byte(f);
        VirtIOSysmemEvent *ev;

        len = qemu_get_be32(f);
        if (len > VIRTIO_SYSMEM_MAX_EVENT_BYTES ||
            (closed ? g_hash_table_size(s->closed_events) >=
                      s->conf.max_objects ||
                      g_hash_table_contains(s->closed_events,
                                            GUINT_TO_POINTER(object_id)) :
                      s->num_message_events >= s->conf.max_pending_events)) {
            error_report("virtio-sysmem: bad pending event %u of %u in the "
                         "migration stream", i, n);
            return -EINVAL;
        }
        ev = g_malloc(sizeof(*ev) + len);
        ev->object_id = object_id;
        ev->closed = closed;
        ev->len = len;
        qemu_get_buffer(f, ev->data, len);
        g_queue_push_tail(s->pending_events, ev);
        if (closed) {
            g_hash_table_insert(s->closed_events, GUINT_TO_POINTER(object_id),
                                g_queue_peek_tail_link(s->pending_events));
        } else {
            s->num_message_events++;
        }
    }

    len = qemu_get_be32(f);
    if (len > 256 * MiB) {
        return -EINVAL;
    }
    core = g_malloc(len ? len : 1);
    qemu_get_buffer(f, core, len);
    if (!sysmem_core_load(s->core, core, len, &msg)) {
        error_report("virtio-sysmem: cannot restore sysmem state: %s",
                     msg ? msg : "unknown error");
        return -EINVAL;
    }
    return 0;
}

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
    DEFINE_PROP_SIZE("secure-size", VirtIOSysmem, conf.secure_size, 0),
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
    vdc->save = virtio_sysmem_save;
    vdc->load = virtio_sysmem_load;
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
