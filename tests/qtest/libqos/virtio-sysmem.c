/*
 * libqos driver for virtio-sysmem
 *
 * Besides the qgraph node, this offers request/event helpers that keep many
 * chains in flight and reap completions out of order: the device holds
 * hanging gets (WaitForAllBuffersAllocated), and soak tests send far more
 * requests than the ring has descriptors, so descriptors are recycled here
 * rather than with qvirtqueue_add(), which never reuses them.
 *
 * Copyright (c) 2026 The virtio-sysmem authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "../libqtest.h"
#include "qemu/bswap.h"
#include "qemu/module.h"
#include "qgraph.h"
#include "virtio-sysmem.h"
#include "standard-headers/linux/virtio_ring.h"

#define QVIRTIO_SYSMEM_TIMEOUT_US (30 * 1000 * 1000)

typedef struct QVirtioSysmemQueueState {
    QVirtQueue *vq;
    bool *desc_busy;        /* vq->size entries */
    GHashTable *completed;  /* head -> used length + 1 */
    GHashTable *chain_len;  /* head -> descriptors in the chain */
    GHashTable *event_addr; /* eventq: head -> guest address of the buffer */
    GQueue event_order;     /* eventq: used heads, in used-ring order */
} QVirtioSysmemQueueState;

static GHashTable *queue_states;  /* QVirtQueue * -> QVirtioSysmemQueueState */

static QVirtioSysmemQueueState *queue_state(QVirtQueue *vq)
{
    QVirtioSysmemQueueState *qs;

    if (!queue_states) {
        queue_states = g_hash_table_new(NULL, NULL);
    }
    qs = g_hash_table_lookup(queue_states, vq);
    if (!qs) {
        qs = g_new0(QVirtioSysmemQueueState, 1);
        qs->vq = vq;
        qs->desc_busy = g_new0(bool, vq->size);
        qs->completed = g_hash_table_new(NULL, NULL);
        qs->chain_len = g_hash_table_new(NULL, NULL);
        qs->event_addr = g_hash_table_new(NULL, NULL);
        g_hash_table_insert(queue_states, vq, qs);
    }
    return qs;
}

static void queue_state_free(QVirtQueue *vq)
{
    QVirtioSysmemQueueState *qs;

    if (!queue_states) {
        return;
    }
    qs = g_hash_table_lookup(queue_states, vq);
    if (qs) {
        g_hash_table_remove(queue_states, vq);
        g_hash_table_destroy(qs->completed);
        g_hash_table_destroy(qs->chain_len);
        g_hash_table_destroy(qs->event_addr);
        g_queue_clear(&qs->event_order);
        g_free(qs->desc_busy);
        g_free(qs);
    }
}

/* Write a chain of @n buffers and make it available; returns its head. */
static uint32_t add_chain(QTestState *qts, QVirtioDevice *d, QVirtQueue *vq,
                          int n, const uint64_t *addr, const uint32_t *len,
                          const bool *writable)
{
    QVirtioSysmemQueueState *qs = queue_state(vq);
    uint32_t idx[8];
    int i, found = 0;

    g_assert(n <= ARRAY_SIZE(idx));
    for (i = 0; i < vq->size && found < n; i++) {
        if (!qs->desc_busy[i]) {
            idx[found++] = i;
        }
    }
    g_assert_cmpint(found, ==, n);

    for (i = 0; i < n; i++) {
        uint64_t desc = vq->desc + 16 * idx[i];
        uint16_t flags = writable[i] ? VRING_DESC_F_WRITE : 0;

        if (i + 1 < n) {
            flags |= VRING_DESC_F_NEXT;
        }
        qs->desc_busy[idx[i]] = true;
        qtest_writeq(qts, desc, addr[i]);
        qtest_writel(qts, desc + 8, len[i]);
        qtest_writew(qts, desc + 12, flags);
        qtest_writew(qts, desc + 14, i + 1 < n ? idx[i + 1] : 0);
    }
    g_hash_table_insert(qs->chain_len, GUINT_TO_POINTER(idx[0]),
                        GUINT_TO_POINTER(n));
    qvirtqueue_kick(qts, d, vq, idx[0]);
    return idx[0];
}

/*
 * Move every used element to qs->completed.  Its descriptors stay busy until
 * the completion is claimed, so a head names one chain until then.
 */
static void reap_used(QTestState *qts, QVirtioDevice *d, QVirtQueue *vq)
{
    QVirtioSysmemQueueState *qs = queue_state(vq);

    for (;;) {
        uint16_t used_idx = qtest_readw(qts, vq->used + 2);
        uint64_t elem;
        uint32_t head, len;

        if (used_idx == vq->last_used_idx) {
            return;
        }
        elem = vq->used + 4 + (vq->last_used_idx % vq->size) * 8;
        head = qtest_readl(qts, elem);
        len = qtest_readl(qts, elem + 4);
        vq->last_used_idx++;

        g_assert_cmpuint(head, <, vq->size);
        g_assert_true(g_hash_table_contains(qs->chain_len,
                                            GUINT_TO_POINTER(head)));
        if (g_hash_table_contains(qs->event_addr, GUINT_TO_POINTER(head))) {
            g_queue_push_tail(&qs->event_order, GUINT_TO_POINTER(head));
        } else {
            g_hash_table_insert(qs->completed, GUINT_TO_POINTER(head),
                                GUINT_TO_POINTER(len + 1));
        }
    }
}

/* The chain at @head is claimed: its descriptors may be reused. */
static void free_chain(QTestState *qts, QVirtQueue *vq, uint32_t head)
{
    QVirtioSysmemQueueState *qs = queue_state(vq);
    uint32_t n = GPOINTER_TO_UINT(g_hash_table_lookup(qs->chain_len,
                                                      GUINT_TO_POINTER(head)));
    uint32_t i, desc;

    g_hash_table_remove(qs->chain_len, GUINT_TO_POINTER(head));
    for (i = 0, desc = head; i < n; i++) {
        qs->desc_busy[desc] = false;
        desc = qtest_readw(qts, vq->desc + 16 * desc + 14);
    }
}

/* Remove @head from the completed set; returns its used length or -1. */
static int64_t take_completed(QTestState *qts, QVirtioDevice *d,
                              QVirtQueue *vq, uint32_t head)
{
    QVirtioSysmemQueueState *qs = queue_state(vq);
    gpointer v;

    reap_used(qts, d, vq);
    v = g_hash_table_lookup(qs->completed, GUINT_TO_POINTER(head));
    if (!v) {
        return -1;
    }
    g_hash_table_remove(qs->completed, GUINT_TO_POINTER(head));
    free_chain(qts, vq, head);
    return GPOINTER_TO_UINT(v) - 1;
}

QVirtioSysmemCall qvirtio_sysmem_submit(QTestState *qts, QVirtioSysmem *s,
                                        uint32_t op, uint32_t object_id,
                                        uint32_t arg, const void *bytes,
                                        uint32_t num_bytes,
                                        const struct virtio_sysmem_handle *h,
                                        uint32_t num_handles,
                                        size_t reply_cap)
{
    struct virtio_sysmem_req_hdr hdr = {
        .op = cpu_to_le32(op),
        .object_id = cpu_to_le32(object_id),
        .num_bytes = cpu_to_le32(num_bytes),
        .num_handles = cpu_to_le32(num_handles),
        .arg = cpu_to_le32(arg),
    };
    size_t handles_len = num_handles * sizeof(*h);
    size_t req_len = sizeof(hdr) + num_bytes + handles_len;
    QVirtioSysmemCall call = {
        .resp_cap = sizeof(struct virtio_sysmem_resp_hdr) + reply_cap,
    };
    uint64_t addr[2];
    uint32_t len[2];
    bool writable[2] = { false, true };

    call.req_addr = guest_alloc(s->alloc, req_len);
    call.resp_addr = guest_alloc(s->alloc, call.resp_cap);
    qtest_memwrite(qts, call.req_addr, &hdr, sizeof(hdr));
    if (num_bytes) {
        qtest_memwrite(qts, call.req_addr + sizeof(hdr), bytes, num_bytes);
    }
    if (num_handles) {
        qtest_memwrite(qts, call.req_addr + sizeof(hdr) + num_bytes, h,
                       handles_len);
    }
    qtest_memset(qts, call.resp_addr, 0xcc, call.resp_cap);

    addr[0] = call.req_addr;
    len[0] = req_len;
    addr[1] = call.resp_addr;
    len[1] = call.resp_cap;
    call.head = add_chain(qts, s->vdev, s->requestq, 2, addr, len, writable);
    return call;
}

bool qvirtio_sysmem_done(QTestState *qts, QVirtioSysmem *s,
                         QVirtioSysmemCall *call)
{
    QVirtioSysmemQueueState *qs = queue_state(s->requestq);

    reap_used(qts, s->vdev, s->requestq);
    return g_hash_table_contains(qs->completed, GUINT_TO_POINTER(call->head));
}

int32_t qvirtio_sysmem_wait(QTestState *qts, QVirtioSysmem *s,
                            QVirtioSysmemCall *call,
                            struct virtio_sysmem_resp_hdr *resp,
                            void *reply, size_t cap,
                            struct virtio_sysmem_handle *handles,
                            uint32_t handles_cap)
{
    struct virtio_sysmem_resp_hdr r;
    gint64 start = g_get_monotonic_time();
    int64_t used_len;
    uint32_t nb, nh;

    while ((used_len = take_completed(qts, s->vdev, s->requestq,
                                      call->head)) < 0) {
        g_assert(g_get_monotonic_time() - start <= QVIRTIO_SYSMEM_TIMEOUT_US);
        qtest_clock_step(qts, 100);
    }
    g_assert_cmpint(used_len, >=, sizeof(r));
    qtest_memread(qts, call->resp_addr, &r, sizeof(r));
    nb = le32_to_cpu(r.num_bytes);
    nh = le32_to_cpu(r.num_handles);
    if (le32_to_cpu(r.status) == VIRTIO_SYSMEM_S_OK) {
        g_assert_cmpint(used_len, ==,
                        sizeof(r) + nb + nh * sizeof(*handles));
        g_assert_cmpuint(nb, <=, cap);
        g_assert_cmpuint(nh, <=, handles_cap);
        if (nb) {
            qtest_memread(qts, call->resp_addr + sizeof(r), reply, nb);
        }
        if (nh) {
            qtest_memread(qts, call->resp_addr + sizeof(r) + nb, handles,
                          nh * sizeof(*handles));
        }
    }
    if (resp) {
        *resp = r;
    }
    guest_free(s->alloc, call->req_addr);
    guest_free(s->alloc, call->resp_addr);
    return (int32_t)le32_to_cpu(r.status);
}

int32_t qvirtio_sysmem_call(QTestState *qts, QVirtioSysmem *s, uint32_t op,
                            uint32_t object_id, uint32_t arg,
                            const void *bytes, uint32_t num_bytes,
                            const struct virtio_sysmem_handle *h,
                            uint32_t num_handles,
                            struct virtio_sysmem_resp_hdr *resp,
                            void *reply, size_t cap,
                            struct virtio_sysmem_handle *reply_handles,
                            uint32_t reply_handles_cap)
{
    QVirtioSysmemCall call = qvirtio_sysmem_submit(
        qts, s, op, object_id, arg, bytes, num_bytes, h, num_handles,
        cap + reply_handles_cap * sizeof(struct virtio_sysmem_handle));

    return qvirtio_sysmem_wait(qts, s, &call, resp, reply, cap,
                               reply_handles, reply_handles_cap);
}

uint64_t qvirtio_sysmem_post_event(QTestState *qts, QVirtioSysmem *s,
                                   size_t size)
{
    uint64_t addr = guest_alloc(s->alloc, size);
    uint32_t len = size;
    bool writable = true;
    QVirtioSysmemQueueState *qs = queue_state(s->eventq);
    uint32_t head;

    head = add_chain(qts, s->vdev, s->eventq, 1, &addr, &len, &writable);
    /* Remember where the buffer is: the head names it when it is used. */
    g_hash_table_insert(qs->event_addr, GUINT_TO_POINTER(head),
                        (gpointer)(uintptr_t)addr);
    return addr;
}

bool qvirtio_sysmem_next_event(QTestState *qts, QVirtioSysmem *s,
                               uint64_t timeout_us,
                               struct virtio_sysmem_event *ev,
                               void *bytes, size_t cap)
{
    QVirtioSysmemQueueState *qs = queue_state(s->eventq);
    gint64 start = g_get_monotonic_time();

    for (;;) {
        reap_used(qts, s->vdev, s->eventq);
        if (!g_queue_is_empty(&qs->event_order)) {
            gpointer key = g_queue_pop_head(&qs->event_order);
            uint64_t addr = (uintptr_t)g_hash_table_lookup(qs->event_addr, key);

            g_hash_table_remove(qs->event_addr, key);
            free_chain(qts, s->eventq, GPOINTER_TO_UINT(key));
            qtest_memread(qts, addr, ev, sizeof(*ev));
            g_assert_cmpuint(le32_to_cpu(ev->num_bytes), <=, cap);
            if (ev->num_bytes) {
                qtest_memread(qts, addr + sizeof(*ev), bytes,
                              le32_to_cpu(ev->num_bytes));
            }
            guest_free(s->alloc, addr);
            return true;
        }
        if (g_get_monotonic_time() - start > timeout_us) {
            return false;
        }
        qtest_clock_step(qts, 100);
    }
}

/* qgraph node */

static void *qvirtio_sysmem_get_driver(QVirtioSysmem *s, const char *interface)
{
    if (!g_strcmp0(interface, "virtio-sysmem")) {
        return s;
    }
    if (!g_strcmp0(interface, "virtio")) {
        return s->vdev;
    }
    fprintf(stderr, "%s not present in virtio-sysmem\n", interface);
    g_assert_not_reached();
}

static void *qvirtio_sysmem_pci_get_driver(void *object, const char *interface)
{
    QVirtioSysmemPCI *v = object;

    if (!g_strcmp0(interface, "pci-device")) {
        return v->pci_vdev.pdev;
    }
    return qvirtio_sysmem_get_driver(&v->sysmem, interface);
}

void qvirtio_sysmem_start(QVirtioSysmem *s)
{
    qvirtio_sysmem_start_refusing(s, 0);
}

void qvirtio_sysmem_start_refusing(QVirtioSysmem *s, uint64_t refused)
{
    uint64_t features = qvirtio_get_features(s->vdev) & ~refused;

    features &= ~(QVIRTIO_F_BAD_FEATURE |
                  (1ull << VIRTIO_RING_F_INDIRECT_DESC) |
                  (1ull << VIRTIO_RING_F_EVENT_IDX));
    qvirtio_set_features(s->vdev, features);
    s->requestq = qvirtqueue_setup(s->vdev, s->alloc, VIRTIO_SYSMEM_VQ_REQUEST);
    s->eventq = qvirtqueue_setup(s->vdev, s->alloc, VIRTIO_SYSMEM_VQ_EVENT);
    qvirtio_set_driver_ok(s->vdev);
}

static void qvirtio_sysmem_pci_start_hw(QOSGraphObject *obj)
{
    QVirtioSysmemPCI *v = (QVirtioSysmemPCI *)obj;

    qvirtio_pci_start_hw(&v->pci_vdev.obj);
    qvirtio_sysmem_start(&v->sysmem);
}

static void qvirtio_sysmem_pci_destructor(QOSGraphObject *obj)
{
    QVirtioSysmemPCI *v = (QVirtioSysmemPCI *)obj;
    QVirtioSysmem *s = &v->sysmem;

    if (s->requestq) {
        queue_state_free(s->requestq);
        qvirtqueue_cleanup(s->vdev->bus, s->requestq, s->alloc);
    }
    if (s->eventq) {
        queue_state_free(s->eventq);
        qvirtqueue_cleanup(s->vdev->bus, s->eventq, s->alloc);
    }
    qvirtio_pci_destructor(&v->pci_vdev.obj);
}

static void *virtio_sysmem_pci_create(void *pci_bus, QGuestAllocator *alloc,
                                      void *addr)
{
    QVirtioSysmemPCI *v = g_new0(QVirtioSysmemPCI, 1);
    QOSGraphObject *obj = &v->pci_vdev.obj;

    virtio_pci_init(&v->pci_vdev, pci_bus, addr);
    v->sysmem.vdev = &v->pci_vdev.vdev;
    v->sysmem.alloc = alloc;

    obj->get_driver = qvirtio_sysmem_pci_get_driver;
    obj->start_hw = qvirtio_sysmem_pci_start_hw;
    obj->destructor = qvirtio_sysmem_pci_destructor;
    return obj;
}

static void virtio_sysmem_register_nodes(void)
{
    QPCIAddress addr = {
        .devfn = QPCI_DEVFN(4, 0),
    };
    QOSGraphEdgeOptions opts = {
        .extra_device_opts = "addr=04.0,size=16M",
    };

    add_qpci_address(&opts, &addr);
    qos_node_create_driver("virtio-sysmem-pci", virtio_sysmem_pci_create);
    qos_node_consumes("virtio-sysmem-pci", "pci-bus", &opts);
    qos_node_produces("virtio-sysmem-pci", "pci-device");
    qos_node_produces("virtio-sysmem-pci", "virtio");
    qos_node_produces("virtio-sysmem-pci", "virtio-sysmem");
}

libqos_init(virtio_sysmem_register_nodes);
