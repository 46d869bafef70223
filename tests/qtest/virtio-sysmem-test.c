/*
 * QTest testcases for virtio-sysmem
 *
 * The device is driven only through its virtqueues, its configuration
 * space and its shared-memory BAR, as a guest driver would.
 *
 * Copyright (c) 2026 The virtio-sysmem authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest-single.h"
#include "qemu/bswap.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "standard-headers/linux/pci_regs.h"
#include "standard-headers/linux/virtio_pci.h"
#include "libqos/qgraph.h"
#include "libqos/pci.h"
#include "libqos/pci-pc.h"
#include "libqos/malloc-pc.h"
#include "libqos/virtio-pci.h"
#include "qobject/qlist.h"
#include "libqos/virtio-sysmem.h"
#include "libqos/virtio-sysmem-fidl.h"

#define TEST_REGION_SIZE QVIRTIO_SYSMEM_TEST_REGION_SIZE

static const uint8_t unknown_two_way[16] = {
    0xcd, 0xab, 0x00, 0x00, 0x02, 0x00, 0x80, 0x01,
    0xff, 0x10, 0xff, 0x10, 0xff, 0x10, 0xff, 0x10,
};

/* The RFC-0138 framework error reply, from the FIDL wire-format reference. */
static const uint8_t unknown_two_way_reply[32] = {
    0xcd, 0xab, 0x00, 0x00, 0x02, 0x00, 0x80, 0x01,
    0xff, 0x10, 0xff, 0x10, 0xff, 0x10, 0xff, 0x10,
    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xfe, 0xff, 0xff, 0xff, 0x00, 0x00, 0x01, 0x00,
};

static void test_config(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;

    g_assert_cmphex(qvirtio_config_readq(s->vdev, 0), ==, TEST_REGION_SIZE);
    g_assert_cmpuint(qvirtio_config_readl(s->vdev, 8), ==,
                     VIRTIO_SYSMEM_MAX_MSG_BYTES);
    g_assert_cmpuint(qvirtio_config_readl(s->vdev, 12), ==,
                     VIRTIO_SYSMEM_MAX_MSG_HANDLES);
    g_assert_cmpuint(qvirtio_config_readl(s->vdev, 16), >=,
                     sizeof(struct virtio_sysmem_event) + 24);
    g_assert_cmpuint(qvirtio_config_readl(s->vdev, 20), >, 0);
    g_assert_true(qvirtio_get_features(s->vdev) &
                  (1ull << VIRTIO_SYSMEM_F_V1));
}

/* Find the VIRTIO_PCI_CAP_SHARED_MEMORY_CFG capability with id @shmid. */
static uint8_t find_shm_cap(QPCIDevice *pdev, uint8_t shmid)
{
    uint8_t cap = 0;

    while ((cap = qpci_find_capability(pdev, PCI_CAP_ID_VNDR, cap))) {
        uint8_t type = qpci_config_readb(pdev, cap + 3);

        if (type == VIRTIO_PCI_CAP_SHARED_MEMORY_CFG &&
            qpci_config_readb(pdev, cap + 5) == shmid) {
            return cap;
        }
    }
    return 0;
}

static void test_shm_region(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioSysmemPCI *dev = obj;
    QPCIDevice *pdev = dev->pci_vdev.pdev;
    uint8_t cap = find_shm_cap(pdev, VIRTIO_SYSMEM_SHM_BUFFERS);
    uint64_t offset, length, bar_size;
    uint8_t pattern[4096], back[4096];
    QPCIBar bar;
    uint8_t bar_idx;
    int i;

    g_assert_cmpuint(cap, !=, 0);
    g_assert_cmpuint(qpci_config_readb(pdev, cap + 2), >=, 24);
    bar_idx = qpci_config_readb(pdev, cap + 4);
    offset = qpci_config_readl(pdev, cap + 8) |
             (uint64_t)qpci_config_readl(pdev, cap + 16) << 32;
    length = qpci_config_readl(pdev, cap + 12) |
             (uint64_t)qpci_config_readl(pdev, cap + 20) << 32;
    g_assert_cmpuint(bar_idx, ==, 4);
    g_assert_cmphex(offset, ==, 0);
    g_assert_cmphex(length, ==, TEST_REGION_SIZE);

    /* The BAR is the region: 64-bit prefetchable memory, zero-filled. */
    g_assert_cmphex(qpci_config_readl(pdev, PCI_BASE_ADDRESS_0 + 4 * bar_idx) &
                    0xf, ==, PCI_BASE_ADDRESS_MEM_PREFETCH |
                    PCI_BASE_ADDRESS_MEM_TYPE_64);
    qpci_device_enable(pdev);
    bar = qpci_iomap(pdev, bar_idx, &bar_size);
    g_assert_cmphex(bar_size, ==, TEST_REGION_SIZE);
    qpci_memread(pdev, bar, length - sizeof(back), back, sizeof(back));
    for (i = 0; i < sizeof(back); i++) {
        g_assert_cmpuint(back[i], ==, 0);
    }
    for (i = 0; i < sizeof(pattern); i++) {
        pattern[i] = i * 7 + 3;
    }
    qpci_memwrite(pdev, bar, length - sizeof(pattern), pattern,
                  sizeof(pattern));
    qpci_memread(pdev, bar, length - sizeof(back), back, sizeof(back));
    g_assert_cmpmem(back, sizeof(back), pattern, sizeof(pattern));
    qpci_iounmap(pdev, bar);
}

static void test_connect_and_close(void *obj, void *data,
                                   QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;

    g_assert_cmpint(qsysmem_connect(global_qtest, s, 1,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_connect(global_qtest, s, 2,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM1), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_connect(global_qtest, s, 1,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_ALREADY_EXISTS);
    /* The device's half of the id space is not the driver's to choose. */
    g_assert_cmpint(qsysmem_connect(global_qtest, s,
                                    VIRTIO_SYSMEM_ID_DEVICE_BIT | 5,
                                   VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_INVALID_ARGS);
    g_assert_cmpint(qsysmem_connect(global_qtest, s, 0,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_INVALID_ARGS);
    g_assert_cmpint(qsysmem_connect(global_qtest, s, 3, 99), ==,
                    VIRTIO_SYSMEM_S_PROTOCOL_NOT_SUPPORTED);
    g_assert_cmpint(qsysmem_close(global_qtest, s, 1), ==, VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_close(global_qtest, s, 2), ==, VIRTIO_SYSMEM_S_OK);
    /* Closed ids are free for reuse. */
    g_assert_cmpint(qsysmem_connect(global_qtest, s, 1,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_close(global_qtest, s, 1), ==, VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_close(global_qtest, s, 0), ==,
                    VIRTIO_SYSMEM_S_INVALID_ARGS);
}

static void test_unknown_method(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    struct virtio_sysmem_resp_hdr resp;
    uint8_t reply[64];
    int32_t status;

    g_assert_cmpint(qsysmem_connect(global_qtest, s, 7,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    status = qvirtio_sysmem_call(global_qtest, s, VIRTIO_SYSMEM_OP_MESSAGE, 7,
                                 0, unknown_two_way, sizeof(unknown_two_way),
                                 NULL, 0, &resp, reply, sizeof(reply),
                                 NULL, 0);
    g_assert_cmpint(status, ==, VIRTIO_SYSMEM_S_OK);
    g_assert_cmpuint(le32_to_cpu(resp.num_bytes), ==,
                     sizeof(unknown_two_way_reply));
    g_assert_cmpmem(reply, sizeof(unknown_two_way_reply),
                    unknown_two_way_reply, sizeof(unknown_two_way_reply));

    /* A reply area too small for the reply is an error, not truncation. */
    status = qvirtio_sysmem_call(global_qtest, s, VIRTIO_SYSMEM_OP_MESSAGE, 7,
                                 0, unknown_two_way, sizeof(unknown_two_way),
                                 NULL, 0, &resp, reply, 8, NULL, 0);
    g_assert_cmpint(status, ==, VIRTIO_SYSMEM_S_BUFFER_TOO_SMALL);
    g_assert_cmpuint(le32_to_cpu(resp.num_bytes), ==,
                     sizeof(unknown_two_way_reply));

    /* The channel is still open. */
    g_assert_cmpint(qsysmem_close(global_qtest, s, 7), ==, VIRTIO_SYSMEM_S_OK);
}

static void test_bad_magic_closes_channel(void *obj, void *data,
                                          QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    struct virtio_sysmem_event ev;
    uint8_t bad[16], epitaph[64];
    int32_t status;

    memcpy(bad, unknown_two_way, sizeof(bad));
    bad[7] = 0x02;  /* magic */
    qvirtio_sysmem_post_event(global_qtest, s, 256);
    g_assert_cmpint(qsysmem_connect(global_qtest, s, 8,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_connect(global_qtest, s, 9,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    status = qvirtio_sysmem_call(global_qtest, s, VIRTIO_SYSMEM_OP_MESSAGE, 8,
                                 0, bad, sizeof(bad), NULL, 0, NULL, NULL, 0,
                                 NULL, 0);
    g_assert_cmpint(status, ==, VIRTIO_SYSMEM_S_PEER_CLOSED);

    g_assert_true(qvirtio_sysmem_next_event(global_qtest, s, 5000000, &ev,
                                            epitaph, sizeof(epitaph)));
    g_assert_cmpuint(le32_to_cpu(ev.type), ==, VIRTIO_SYSMEM_EVENT_CLOSED);
    g_assert_cmpuint(le32_to_cpu(ev.object_id), ==, 8);
    /* The epitaph is an error status, the same in the event and bytes. */
    g_assert_cmpint((int32_t)le32_to_cpu(ev.status), <, 0);
    g_assert_cmpuint(le32_to_cpu(ev.num_bytes), ==, 24);
    g_assert_cmphex(ldq_le_p(&epitaph[8]), ==, UINT64_MAX);
    g_assert_cmpint((int32_t)ldl_le_p(&epitaph[16]), ==,
                    (int32_t)le32_to_cpu(ev.status));

    /* Channel 8 is gone, channel 9 is untouched. */
    status = qvirtio_sysmem_call(global_qtest, s, VIRTIO_SYSMEM_OP_MESSAGE, 8,
                                 0, unknown_two_way, sizeof(unknown_two_way),
                                 NULL, 0, NULL, epitaph, sizeof(epitaph),
                                 NULL, 0);
    /* As zx_channel_write after the peer closed. */
    g_assert_cmpint(status, ==, VIRTIO_SYSMEM_S_PEER_CLOSED);
    g_assert_cmpint(qsysmem_close(global_qtest, s, 8), ==, VIRTIO_SYSMEM_S_OK);
    status = qvirtio_sysmem_call(global_qtest, s, VIRTIO_SYSMEM_OP_MESSAGE, 9,
                                 0, unknown_two_way, sizeof(unknown_two_way),
                                 NULL, 0, NULL, epitaph, sizeof(epitaph),
                                 NULL, 0);
    g_assert_cmpint(status, ==, VIRTIO_SYSMEM_S_OK);
}


/*
 * FIDL clients over the virtqueues (libqos/virtio-sysmem-fidl.h): requests
 * are encoded with the shared codec exactly as a guest library does.
 */

#define CPU_RW (SYSMEM2_CPU_USAGE_READ_OFTEN | SYSMEM2_CPU_USAGE_WRITE_OFTEN)

/* x-query-virtio-sysmem's entry for the only device of @qts. */
static QDict *query_sysmem_on(QTestState *qts)
{
    QDict *resp = qtest_qmp(qts, "{'execute': 'x-query-virtio-sysmem'}");
    QList *list = qdict_get_qlist(resp, "return");
    QDict *dev;

    g_assert_nonnull(list);
    g_assert_cmpint(qlist_size(list), ==, 1);
    dev = qobject_to(QDict, qlist_peek(list));
    qobject_ref(dev);
    qobject_unref(resp);
    return dev;
}

static QDict *query_sysmem(void)
{
    return query_sysmem_on(global_qtest);
}

static void assert_region_used(uint64_t expected)
{
    QDict *dev = query_sysmem();

    g_assert_cmpuint(qdict_get_int(dev, "region-used"), ==, expected);
    qobject_unref(dev);
}

static void test_non_shared(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    g_autofree QVirtioSysmemReply *r = g_new0(QVirtioSysmemReply, 1);
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t
        *res = NULL;
    sysmem2_buffer_collection_info_t *info;
    uint32_t a = qsysmem_open_allocator(global_qtest, s,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    uint32_t coll = qsysmem_allocate_non_shared(global_qtest, s, a);
    QVirtioSysmemCall wait;

    qsysmem_set_constraints(global_qtest, s, coll, 2, 64 * 1024);
    wait = qsysmem_wait_allocated(global_qtest, s, coll);
    res = qsysmem_wait_result(global_qtest, s, &wait, r);
    g_assert_cmpuint(res->tag, ==, 1);
    info = &res->response.buffer_collection_info;
    g_assert_cmpuint(info->buffers_count, ==, 2);
    g_assert_cmpuint(info->settings.buffer_settings.size_bytes, >=, 64 * 1024);
    g_assert_cmpuint(le32_to_cpu(r->resp.num_handles), ==, 2);
    g_assert_cmpuint(le32_to_cpu(r->handles[0].type), ==,
                     VIRTIO_SYSMEM_HANDLE_BUFFER);
    g_assert_cmpuint(le64_to_cpu(r->handles[0].size), >=, 64 * 1024);
    g_assert_cmpuint(le64_to_cpu(r->handles[0].offset) +
                     le64_to_cpu(r->handles[0].size), <=, TEST_REGION_SIZE);
    g_assert_cmpuint(le64_to_cpu(r->handles[0].offset), !=,
                     le64_to_cpu(r->handles[1].offset));
    assert_region_used(le64_to_cpu(r->handles[0].size) +
                       le64_to_cpu(r->handles[1].size));

    qsysmem_release_buffers(global_qtest, s, r);
    qsysmem_release_node(global_qtest, s, coll);
    g_assert_cmpint(qsysmem_close(global_qtest, s, a), ==, VIRTIO_SYSMEM_S_OK);
    assert_region_used(0);
}

/*
 * Two participants on one shared collection: the first one's
 * WaitForAllBuffersAllocated is held until the second sets constraints;
 * both get the same buffers, zero-filled, visible through the BAR.
 */
static void test_shared_two_participants(void *obj, void *data,
                                         QGuestAllocator *alloc)
{
    QVirtioSysmemPCI *dev = obj;
    QVirtioSysmem *s = &dev->sysmem;
    QPCIDevice *pdev = dev->pci_vdev.pdev;
    g_autofree QVirtioSysmemReply *r1 = g_new0(QVirtioSysmemReply, 1);
    g_autofree QVirtioSysmemReply *r2 = g_new0(QVirtioSysmemReply, 1);
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t
        *res1 = NULL, *res2 = NULL;
    uint32_t a = qsysmem_open_allocator(global_qtest, s,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    uint32_t token = qsysmem_allocate_shared(global_qtest, s, a);
    uint32_t token2 = qsysmem_duplicate(global_qtest, s, token);
    uint32_t c1, c2, i;
    QVirtioSysmemCall w1, w2;
    uint8_t buf[256];
    uint64_t bar_size, off;
    QPCIBar bar;

    qsysmem_node_sync(global_qtest, s, token);
    c1 = qsysmem_bind_token(global_qtest, s, a, token);
    c2 = qsysmem_bind_token(global_qtest, s, a, token2);
    qsysmem_set_constraints(global_qtest, s, c1, 1, 8192);
    w1 = qsysmem_wait_allocated(global_qtest, s, c1);
    qsysmem_node_sync(global_qtest, s, c1);
    g_assert_false(qvirtio_sysmem_done(global_qtest, s, &w1));

    qsysmem_set_constraints(global_qtest, s, c2, 2, 16384);
    w2 = qsysmem_wait_allocated(global_qtest, s, c2);
    res1 = qsysmem_wait_result(global_qtest, s, &w1, r1);
    res2 = qsysmem_wait_result(global_qtest, s, &w2, r2);
    g_assert_cmpuint(res1->tag, ==, 1);
    g_assert_cmpuint(res2->tag, ==, 1);
    g_assert_cmpuint(res1->response.buffer_collection_info.buffers_count, ==,
                     3);
    g_assert_cmpuint(le32_to_cpu(r1->resp.num_handles), ==, 3);
    g_assert_cmpuint(le32_to_cpu(r2->resp.num_handles), ==, 3);
    for (i = 0; i < 3; i++) {
        /* Each participant holds its own handle to the same memory. */
        g_assert_cmpuint(le64_to_cpu(r1->handles[i].offset), ==,
                         le64_to_cpu(r2->handles[i].offset));
        g_assert_cmpuint(le32_to_cpu(r1->handles[i].id), !=,
                         le32_to_cpu(r2->handles[i].id));
        g_assert_cmpuint(le64_to_cpu(r1->handles[i].size), >=, 16384);
    }

    qpci_device_enable(pdev);
    bar = qpci_iomap(pdev, 4, &bar_size);
    off = le64_to_cpu(r1->handles[2].offset);
    qpci_memread(pdev, bar, off, buf, sizeof(buf));
    for (i = 0; i < sizeof(buf); i++) {
        g_assert_cmpuint(buf[i], ==, 0);
    }
    memset(buf, 0x5a, sizeof(buf));
    qpci_memwrite(pdev, bar, off, buf, sizeof(buf));
    qpci_iounmap(pdev, bar);

    qsysmem_release_buffers(global_qtest, s, r1);
    /* Participant 2 still holds the buffers: memory stays allocated. */
    g_assert_cmpuint(qdict_get_int(query_sysmem(), "region-used"), >, 0);
    qsysmem_release_buffers(global_qtest, s, r2);
    qsysmem_release_node(global_qtest, s, c1);
    qsysmem_release_node(global_qtest, s, c2);
    g_assert_cmpint(qsysmem_close(global_qtest, s, a), ==, VIRTIO_SYSMEM_S_OK);
    assert_region_used(0);
}

/* A participant that closes without Release fails the others. */
static void test_close_without_release(void *obj, void *data,
                                       QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    g_autofree QVirtioSysmemReply *r = g_new0(QVirtioSysmemReply, 1);
    uint32_t a = qsysmem_open_allocator(global_qtest, s,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    uint32_t token = qsysmem_allocate_shared(global_qtest, s, a);
    uint32_t token2 = qsysmem_duplicate(global_qtest, s, token);
    uint32_t c1;
    QVirtioSysmemCall w1;
    struct virtio_sysmem_event ev;
    uint8_t bytes[256];
    bool saw_c1 = false;
    int i;

    for (i = 0; i < 8; i++) {
        qvirtio_sysmem_post_event(global_qtest, s, 256);
    }
    qsysmem_node_sync(global_qtest, s, token);
    c1 = qsysmem_bind_token(global_qtest, s, a, token);
    qsysmem_set_constraints(global_qtest, s, c1, 1, 4096);
    w1 = qsysmem_wait_allocated(global_qtest, s, c1);
    /* The second participant's process dies: its token just closes. */
    g_assert_cmpint(qsysmem_close(global_qtest, s, token2), ==,
                    VIRTIO_SYSMEM_S_OK);

    /* The held call ends (error reply or closed), and c1 is closed. */
    qvirtio_sysmem_fidl_wait(global_qtest, s, &w1, r);
    while (qvirtio_sysmem_next_event(global_qtest, s, 2000000, &ev, bytes,
                                     sizeof(bytes))) {
        if (le32_to_cpu(ev.type) == VIRTIO_SYSMEM_EVENT_CLOSED &&
            le32_to_cpu(ev.object_id) == c1) {
            saw_c1 = true;
            g_assert_cmpint((int32_t)le32_to_cpu(ev.status), !=, 0);
            break;
        }
    }
    g_assert_true(saw_c1);
    qsysmem_close(global_qtest, s, c1);
    g_assert_cmpint(qsysmem_close(global_qtest, s, a), ==, VIRTIO_SYSMEM_S_OK);
    assert_region_used(0);
}

/* Device reset drops every object and returns all memory. */
static void test_reset_reclaims(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    g_autofree QVirtioSysmemReply *r = g_new0(QVirtioSysmemReply, 1);
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t
        *res = NULL;
    uint32_t a = qsysmem_open_allocator(global_qtest, s,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    uint32_t coll = qsysmem_allocate_non_shared(global_qtest, s, a);
    QVirtioSysmemCall wait;
    QDict *dev;

    qsysmem_set_constraints(global_qtest, s, coll, 4, 1024 * 1024);
    wait = qsysmem_wait_allocated(global_qtest, s, coll);
    res = qsysmem_wait_result(global_qtest, s, &wait, r);
    g_assert_cmpuint(res->tag, ==, 1);
    g_assert_cmpuint(qdict_get_int(query_sysmem(), "region-used"), >=,
                     4 * 1024 * 1024);

    qvirtio_reset(s->vdev);
    dev = query_sysmem();
    g_assert_cmpuint(qdict_get_int(dev, "region-used"), ==, 0);
    g_assert_cmpuint(qdict_get_int(dev, "objects"), ==, 0);
    g_assert_cmpuint(qdict_get_int(dev, "held-requests"), ==, 0);
    qobject_unref(dev);
}

/* A handle naming an id nobody holds closes only that channel. */
static void test_bad_handle(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    uint32_t a = qsysmem_open_allocator(global_qtest, s,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    uint32_t b = qsysmem_open_allocator(global_qtest, s,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    sysmem2_allocator_bind_shared_collection_request_t r = {
        .has_token = true, .token = 1,
        .has_buffer_collection_request = true,
        .buffer_collection_request = 2,
    };
    struct virtio_sysmem_handle h[2] = {
        qvirtio_sysmem_client_end(0x7ffffff0),
        qvirtio_sysmem_server_end(qsysmem_new_id()),
    };
    QVirtioSysmemCall c;
    g_autofree QVirtioSysmemReply *rep = g_new0(QVirtioSysmemReply, 1);

    uint32_t coll = le32_to_cpu(h[1].id);

    qvirtio_sysmem_fidl_send(global_qtest, s, a,
                             SYSMEM_M_SYSMEM2_ALLOCATOR_BIND_SHARED_COLLECTION, &r,
              h, 2);
    /*
     * As on Fuchsia with a token sysmem does not know: the collection being
     * bound fails; the allocator and other channels carry on.
     */
    c = qvirtio_sysmem_fidl_submit(global_qtest, s, coll,
                                   SYSMEM_M_SYSMEM2_NODE_SYNC, NULL, NULL, 0);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(global_qtest, s, &c, rep), ==,
                    VIRTIO_SYSMEM_S_PEER_CLOSED);
    g_assert_cmpint(qsysmem_close(global_qtest, s, coll), ==,
                    VIRTIO_SYSMEM_S_OK);
    qsysmem_node_sync(global_qtest, s,
                      qsysmem_allocate_non_shared(global_qtest, s, a));
    qsysmem_node_sync(global_qtest, s,
                      qsysmem_allocate_non_shared(global_qtest, s, b));
    g_assert_cmpint(qsysmem_close(global_qtest, s, a), ==, VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_close(global_qtest, s, b), ==, VIRTIO_SYSMEM_S_OK);
}

/* Over-limit messages are refused like zx_channel_write; the channel stays. */
static void test_oversize(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    uint32_t a = qsysmem_open_allocator(global_qtest, s,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    g_autofree uint8_t *big = g_malloc0(VIRTIO_SYSMEM_MAX_MSG_BYTES + 16);
    int32_t status;

    memcpy(big, unknown_two_way, sizeof(unknown_two_way));
    status = qvirtio_sysmem_call(global_qtest, s, VIRTIO_SYSMEM_OP_MESSAGE, a,
                                 0, big, VIRTIO_SYSMEM_MAX_MSG_BYTES + 16,
                                 NULL, 0, NULL, NULL, 0, NULL, 0);
    g_assert_cmpint(status, ==, VIRTIO_SYSMEM_S_INVALID_ARGS);
    qsysmem_node_sync(global_qtest, s,
                      qsysmem_allocate_non_shared(global_qtest, s, a));
}


/*
 * A fuchsia.sysmem (v1) participant and two sysmem2 participants share one
 * collection: the v2 token is duplicated, one duplicate is bound through a
 * v1 Allocator connection with v1 constraints; all three see the same
 * buffers.
 */
static void test_v1_v2_three_participants(void *obj, void *data,
                                          QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    g_autofree QVirtioSysmemReply *r1 = g_new0(QVirtioSysmemReply, 1);
    g_autofree QVirtioSysmemReply *r2 = g_new0(QVirtioSysmemReply, 1);
    g_autofree QVirtioSysmemReply *r3 = g_new0(QVirtioSysmemReply, 1);
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t
        *res1 = NULL, *res2 = NULL;
    g_autofree sysmem1_buffer_collection_wait_for_buffers_allocated_response_t
        *res3 = g_new0(
            sysmem1_buffer_collection_wait_for_buffers_allocated_response_t, 1);
    g_autofree sysmem1_buffer_collection_set_constraints_request_t *v1c =
        g_new0(sysmem1_buffer_collection_set_constraints_request_t, 1);
    uint32_t a2 = qsysmem_open_allocator(global_qtest, s,
                                         VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    uint32_t a1 = qsysmem_open_allocator(global_qtest, s,
                                         VIRTIO_SYSMEM_PROTOCOL_SYSMEM1);
    uint32_t token = qsysmem_allocate_shared(global_qtest, s, a2);
    uint32_t t2 = qsysmem_duplicate(global_qtest, s, token);
    uint32_t t3 = qsysmem_duplicate(global_qtest, s, token);
    sysmem1_allocator_bind_shared_collection_request_t b1 = {
        .token = 1, .buffer_collection_request = 2,
    };
    struct virtio_sysmem_handle h[2] = {
        qvirtio_sysmem_client_end(t3),
        qvirtio_sysmem_server_end(qsysmem_new_id()),
    };
    uint32_t c1, c2, c3 = le32_to_cpu(h[1].id), i;
    QVirtioSysmemCall w1, w2, w3;

    qsysmem_node_sync(global_qtest, s, token);
    c1 = qsysmem_bind_token(global_qtest, s, a2, token);
    c2 = qsysmem_bind_token(global_qtest, s, a2, t2);
    qvirtio_sysmem_fidl_send(global_qtest, s, a1,
                             SYSMEM_M_SYSMEM1_ALLOCATOR_BIND_SHARED_COLLECTION, &b1,
              h, 2);

    qsysmem_set_constraints(global_qtest, s, c1, 1, 4096);
    qsysmem_set_constraints(global_qtest, s, c2, 1, 8192);
    v1c->has_constraints = true;
    v1c->constraints.usage.cpu = CPU_RW;
    v1c->constraints.min_buffer_count_for_camping = 2;
    v1c->constraints.has_buffer_memory_constraints = true;
    v1c->constraints.buffer_memory_constraints.min_size_bytes = 12288;
    v1c->constraints.buffer_memory_constraints.max_size_bytes = 1 << 20;
    v1c->constraints.buffer_memory_constraints.cpu_domain_supported = true;
    w1 = qsysmem_wait_allocated(global_qtest, s, c1);
    w2 = qsysmem_wait_allocated(global_qtest, s, c2);
    g_assert_false(qvirtio_sysmem_done(global_qtest, s, &w1));
    qvirtio_sysmem_fidl_send(global_qtest, s, c3,
                             SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_SET_CONSTRAINTS, v1c,
              NULL, 0);
    w3 = qvirtio_sysmem_fidl_submit(global_qtest, s, c3,
                     SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_WAIT_FOR_BUFFERS_ALLOCATED,
                     NULL, NULL, 0);

    res1 = qsysmem_wait_result(global_qtest, s, &w1, r1);
    res2 = qsysmem_wait_result(global_qtest, s, &w2, r2);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(global_qtest, s, &w3, r3), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qvirtio_sysmem_fidl_decode(
        SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_WAIT_FOR_BUFFERS_ALLOCATED, r3,
        res3), ==, 0);
    g_assert_cmpuint(res1->tag, ==, 1);
    g_assert_cmpuint(res2->tag, ==, 1);
    g_assert_cmpint(res3->status, ==, 0);
    /* 1 + 1 + 2 buffers for camping, at least 12 KiB each. */
    g_assert_cmpuint(res3->buffer_collection_info.buffer_count, ==, 4);
    g_assert_cmpuint(res3->buffer_collection_info.settings.buffer_settings.size_bytes,
                     >=, 12288);
    g_assert_cmpuint(le32_to_cpu(r3->resp.num_handles), ==, 4);
    for (i = 0; i < 4; i++) {
        g_assert_cmpuint(le64_to_cpu(r1->handles[i].offset), ==,
                         le64_to_cpu(r3->handles[i].offset));
        g_assert_cmpuint(le64_to_cpu(r2->handles[i].offset), ==,
                         le64_to_cpu(r3->handles[i].offset));
    }

    qsysmem_release_buffers(global_qtest, s, r1);
    qsysmem_release_buffers(global_qtest, s, r2);
    qsysmem_release_buffers(global_qtest, s, r3);
    qsysmem_release_node(global_qtest, s, c1);
    qsysmem_release_node(global_qtest, s, c2);
    qvirtio_sysmem_fidl_send(global_qtest, s, c3,
                             SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_CLOSE, NULL, NULL, 0);
    g_assert_cmpint(qsysmem_close(global_qtest, s, c3), ==, VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_close(global_qtest, s, a1), ==, VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_close(global_qtest, s, a2), ==, VIRTIO_SYSMEM_S_OK);
    assert_region_used(0);
}

/*
 * A guest that never posts event buffers while its channels keep failing
 * and it CLOSEs them: each CLOSE drops the CLOSED event still waiting for
 * its id, so nothing piles up, QEMU stays healthy and other channels keep
 * working.
 */
static void test_event_storm(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    uint8_t bad[16];
    QDict *dev;
    int i;

    memcpy(bad, unknown_two_way, sizeof(bad));
    bad[7] = 0x02;  /* bad magic: every channel closes with an epitaph */
    for (i = 0; i < 1100; i++) {
        uint32_t a = qsysmem_open_allocator(global_qtest, s,
                                            VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);

        qvirtio_sysmem_call(global_qtest, s, VIRTIO_SYSMEM_OP_MESSAGE, a, 0,
                            bad, sizeof(bad), NULL, 0, NULL, NULL, 0, NULL, 0);
        qsysmem_close(global_qtest, s, a);
    }
    dev = query_sysmem();
    g_assert_cmpint(qdict_get_int(dev, "pending-events"), ==, 0);
    g_assert_cmpint(qdict_get_int(dev, "objects"), ==, 0);
    qobject_unref(dev);
    qsysmem_node_sync(global_qtest, s,
                      qsysmem_allocate_non_shared(global_qtest, s,
                                                  qsysmem_open_allocator(global_qtest,
        s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2)));
}


/*
 * Region exhausted: the collection that asked gets NO_MEMORY; a collection
 * holding memory is unaffected; after frees, allocation works again.
 */
static void test_region_exhausted(void *obj, void *data,
                                  QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    QTestState *qts = global_qtest;
    g_autofree QVirtioSysmemReply *r = g_new0(QVirtioSysmemReply, 1);
    g_autofree QVirtioSysmemReply *big = g_new0(QVirtioSysmemReply, 1);
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t
        *held = NULL, *fail = NULL, *again = NULL;
    uint32_t a = qsysmem_open_allocator(qts, s,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    uint32_t keep = qsysmem_allocate_non_shared(qts, s, a);
    uint32_t token, token2, greedy, other, later;
    QVirtioSysmemCall w, c;

    /* Half the 16 MiB region stays allocated throughout. */
    qsysmem_set_constraints(qts, s, keep, 1, TEST_REGION_SIZE / 2);
    w = qsysmem_wait_allocated(qts, s, keep);
    held = qsysmem_wait_result(qts, s, &w, r);
    g_assert_cmpuint(held->tag, ==, 1);

    /*
     * Two participants, so that the hanging get is in place when the
     * allocation fails (as on Fuchsia, waiting before SetConstraints is a
     * protocol deviation).
     */
    token = qsysmem_allocate_shared(qts, s, a);
    token2 = qsysmem_duplicate(qts, s, token);
    qsysmem_node_sync(qts, s, token);
    greedy = qsysmem_bind_token(qts, s, a, token);
    other = qsysmem_bind_token(qts, s, a, token2);
    qsysmem_set_constraints(qts, s, greedy, 2, TEST_REGION_SIZE / 2);
    w = qsysmem_wait_allocated(qts, s, greedy);
    c = qvirtio_sysmem_fidl_submit(
        qts, s, other, SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS,
        &(sysmem2_buffer_collection_set_constraints_request_t){}, NULL, 0);
    qvirtio_sysmem_fidl_wait(qts, s, &c, big);
    fail = qsysmem_wait_result(qts, s, &w, big);
    g_assert_cmpuint(fail->tag, ==, 2);
    g_assert_cmpuint(fail->err, ==, SYSMEM2_ERROR_NO_MEMORY);
    qsysmem_close(qts, s, greedy);
    qsysmem_close(qts, s, other);

    /* The first collection still answers and its memory is intact. */
    qsysmem_node_sync(qts, s, keep);
    assert_region_used(TEST_REGION_SIZE / 2);

    qsysmem_release_buffers(qts, s, r);
    qsysmem_release_node(qts, s, keep);
    assert_region_used(0);
    later = qsysmem_allocate_non_shared(qts, s, a);
    qsysmem_set_constraints(qts, s, later, 2, TEST_REGION_SIZE / 4);
    w = qsysmem_wait_allocated(qts, s, later);
    again = qsysmem_wait_result(qts, s, &w, big);
    g_assert_cmpuint(again->tag, ==, 1);
    qsysmem_release_buffers(qts, s, big);
    qsysmem_release_node(qts, s, later);
    qsysmem_close(qts, s, a);
    assert_region_used(0);
}


/*
 * Live migration mid-negotiation, between two QEMUs through a file: a
 * collection allocated before migration still answers after it with the
 * same buffer contents, and a WaitForAllBuffersAllocated held across the
 * migration is answered on the destination.
 */
typedef struct SysmemMachine {
    QTestState *qts;
    QGuestAllocator alloc;
    QPCIBus *bus;
    QVirtioPCIDevice *dev;
    QVirtioSysmem s;
} SysmemMachine;

/* Bring up the driver side of the device in slot 4 (again after a hotplug). */
static void machine_bind(SysmemMachine *m)
{
    QPCIAddress addr = { .devfn = QPCI_DEVFN(4, 0) };

    m->dev = virtio_pci_new(m->bus, &addr);
    g_assert_nonnull(m->dev);
    qvirtio_pci_start_hw(&m->dev->obj);
    m->s.vdev = &m->dev->vdev;
    m->s.alloc = &m->alloc;
    qvirtio_sysmem_start(&m->s);
}

/* A pc machine with the device in slot 4 (@dev: its properties). */
static void machine_start_dev(SysmemMachine *m, const char *dev,
                              const char *extra)
{
    m->qts = qtest_initf("-M pc -device virtio-sysmem-pci,addr=04.0,%s %s",
                         dev, extra);
    pc_alloc_init(&m->alloc, m->qts, ALLOC_NO_FLAGS);
    m->bus = qpci_new_pc(m->qts, &m->alloc);
    machine_bind(m);
}

static void machine_start(SysmemMachine *m, const char *extra)
{
    machine_start_dev(m, "size=16M", extra);
}

static void wait_migration(QTestState *qts, const char *want)
{
    gint64 start = g_get_monotonic_time();

    for (;;) {
        QDict *rsp = qtest_qmp(qts, "{'execute': 'query-migrate'}");
        const char *st = qdict_get_try_str(qdict_get_qdict(rsp, "return"),
                                           "status");

        if (st && !strcmp(st, want)) {
            qobject_unref(rsp);
            return;
        }
        g_assert(!st || strcmp(st, "failed"));
        qobject_unref(rsp);
        g_assert(g_get_monotonic_time() - start < 60 * G_USEC_PER_SEC);
        g_usleep(20 * 1000);
    }
}

static void test_migration(void)
{
    g_autofree char *path = g_strdup_printf("%s/virtio-sysmem-mig-%d.bin",
                                            g_get_tmp_dir(), getpid());
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    g_autofree QVirtioSysmemReply *r = g_new0(QVirtioSysmemReply, 1);
    g_autofree QVirtioSysmemReply *rw = g_new0(QVirtioSysmemReply, 1);
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t
        *res = NULL, *resw = NULL;
    SysmemMachine src = {}, *m = &src;
    QTestState *dst;
    QVirtioSysmemCall w, held;
    uint32_t a, done, token, token2, c1, c2;
    uint8_t pattern[512], back[512];
    uint64_t bar_size, off;
    QPCIBar bar;
    QDict *rsp;
    int i;

    machine_start(m, "");
    a = qsysmem_open_allocator(m->qts, &m->s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);

    /* A collection allocated and written before migration. */
    done = qsysmem_allocate_non_shared(m->qts, &m->s, a);
    qsysmem_set_constraints(m->qts, &m->s, done, 1, 8192);
    w = qsysmem_wait_allocated(m->qts, &m->s, done);
    res = qsysmem_wait_result(m->qts, &m->s, &w, r);
    g_assert_cmpuint(res->tag, ==, 1);
    qpci_device_enable(m->dev->pdev);
    bar = qpci_iomap(m->dev->pdev, 4, &bar_size);
    off = le64_to_cpu(r->handles[0].offset);
    for (i = 0; i < sizeof(pattern); i++) {
        pattern[i] = i ^ 0xa5;
    }
    qpci_memwrite(m->dev->pdev, bar, off, pattern, sizeof(pattern));

    /* A shared collection with one participant still missing. */
    token = qsysmem_allocate_shared(m->qts, &m->s, a);
    token2 = qsysmem_duplicate(m->qts, &m->s, token);
    qsysmem_node_sync(m->qts, &m->s, token);
    c1 = qsysmem_bind_token(m->qts, &m->s, a, token);
    c2 = qsysmem_bind_token(m->qts, &m->s, a, token2);
    qsysmem_set_constraints(m->qts, &m->s, c1, 2, 4096);
    held = qsysmem_wait_allocated(m->qts, &m->s, c1);
    qsysmem_node_sync(m->qts, &m->s, c1);
    g_assert_false(qvirtio_sysmem_done(m->qts, &m->s, &held));

    rsp = qtest_qmp(m->qts, "{'execute': 'migrate', 'arguments': "
                    "{'uri': %s}}", uri);
    g_assert_false(qdict_haskey(rsp, "error"));
    qobject_unref(rsp);
    wait_migration(m->qts, "completed");
    qtest_quit(m->qts);

    dst = qtest_initf("-M pc -device virtio-sysmem-pci,addr=04.0,size=16M "
                      "-incoming defer");
    rsp = qtest_qmp(dst, "{'execute': 'migrate-incoming', 'arguments': "
                    "{'uri': %s}}", uri);
    g_assert_false(qdict_haskey(rsp, "error"));
    qobject_unref(rsp);
    wait_migration(dst, "completed");
    unlink(path);
    /* The test's view of the guest now talks to the destination. */
    m->qts = dst;
    m->bus->qts = dst;

    qsysmem_node_sync(dst, &m->s, done);
    qpci_memread(m->dev->pdev, bar, off, back, sizeof(back));
    g_assert_cmpmem(back, sizeof(back), pattern, sizeof(pattern));

    /* The last participant arrives; the call held across migration ends. */
    qsysmem_set_constraints(dst, &m->s, c2, 1, 4096);
    resw = qsysmem_wait_result(dst, &m->s, &held, rw);
    g_assert_cmpuint(resw->tag, ==, 1);
    g_assert_cmpuint(resw->response.buffer_collection_info.buffers_count, ==,
                     3);

    qsysmem_release_buffers(dst, &m->s, r);
    qsysmem_release_buffers(dst, &m->s, rw);
    qsysmem_release_node(dst, &m->s, done);
    qsysmem_close(dst, &m->s, c1);
    qsysmem_close(dst, &m->s, c2);
    qsysmem_close(dst, &m->s, a);
    rsp = qtest_qmp(dst, "{'execute': 'x-query-virtio-sysmem'}");
    g_assert_cmpint(qdict_get_int(qobject_to(QDict, qlist_peek(
        qdict_get_qlist(rsp, "return"))), "region-used"), ==, 0);
    qobject_unref(rsp);
    qtest_quit(dst);
}


/* virtio-sysmem-device: the same device on virtio-mmio (microvm). */
static void test_mmio_device(void)
{
    QTestState *qts = qtest_init("-M microvm -nodefaults "
                                 "-device virtio-sysmem-device,size=4M");
    QDict *rsp = qtest_qmp(qts, "{'execute': 'x-query-virtio-sysmem'}");
    QList *list = qdict_get_qlist(rsp, "return");
    QDict *dev;

    g_assert_cmpint(qlist_size(list), ==, 1);
    dev = qobject_to(QDict, qlist_peek(list));
    g_assert_cmpint(qdict_get_int(dev, "region-size"), ==, 4 * 1024 * 1024);
    g_assert_cmpint(qdict_get_int(dev, "objects"), ==, 0);
    qobject_unref(rsp);
    qtest_quit(qts);
}

/* Bad properties: refused with a message naming the problem. */

static void assert_device_add_fails(QTestState *qts, const char *args,
                                    const char *expected)
{
    g_autofree char *json = g_strdup_printf(
        "{\"driver\": \"virtio-sysmem-pci\", %s}", args);
    QObject *arguments = qobject_from_json(json, &error_abort);
    QDict *resp = qtest_qmp(qts, "{'execute': 'device_add', "
                            "'arguments': %p}", arguments);
    QDict *error = qdict_get_qdict(resp, "error");
    const char *desc;

    g_assert_nonnull(error);
    desc = qdict_get_str(error, "desc");
    if (!strstr(desc, expected)) {
        g_error("device_add %s: error '%s' does not mention '%s'", args, desc,
                expected);
    }
    qobject_unref(resp);
}

static void test_bad_properties(void)
{
    QTestState *qts = qtest_init("-M pc -object memory-backend-ram,id=m0,"
                                 "size=8M -object memory-backend-ram,id=m1,"
                                 "size=3M");

    assert_device_add_fails(qts, "\"id\": \"a\", \"size\": 3145728",
                            "not a power of two");
    assert_device_add_fails(qts, "\"id\": \"b\", \"size\": 65536",
                            "below the minimum");
    assert_device_add_fails(qts, "\"id\": \"c\", \"size\": 8388608, "
                            "\"memdev\": \"m0\"", "either memdev or size");
    assert_device_add_fails(qts, "\"id\": \"d\", \"memdev\": \"m1\"",
                            "not a power of two");
    assert_device_add_fails(qts, "\"id\": \"e\", \"memdev\": \"nosuch\"",
                            "nosuch");
    assert_device_add_fails(qts, "\"id\": \"f\", \"max-objects\": 0",
                            "max-objects");

    /* A good one with m0 works, and then m0 is busy for a second one. */
    qtest_qmp_device_add(qts, "virtio-sysmem-pci", "g", "{'memdev': 'm0'}");
    assert_device_add_fails(qts, "\"id\": \"h\", \"memdev\": \"m0\"",
                            "busy memdev");
    qtest_quit(qts);
}

/* The command line fails the same way, with status 1 and no crash. */
static void test_bad_command_line(void)
{
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr(GError) gerr = NULL;
    const char *argv[] = {
        qemu, "-M", "q35", "-display", "none", "-nodefaults",
        "-device", "virtio-sysmem,size=5M", NULL
    };
    int status;

    g_assert_nonnull(qemu);
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT,
                               NULL, NULL, &out, &err, &status, &gerr));
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_nonnull(strstr(err, "not a power of two"));
}

/*
 * Two virtio-sysmem devices in one QEMU: ids are per device instance.  A
 * channel, buffer or token id valid on device A names nothing on device B:
 * messages and CLOSE to it fail there (NOT_FOUND) and do nothing to A, a
 * token of A passed to B fails only B's new collection, and B may reuse
 * A's ids for its own channels.  A never notices.
 */
typedef struct SysmemPair {
    QTestState *qts;
    QGuestAllocator alloc;
    QPCIBus *bus;
    QVirtioPCIDevice *dev[2];
    QVirtioSysmem s[2];
} SysmemPair;

static void pair_start(SysmemPair *p)
{
    int i;

    p->qts = qtest_init("-M pc"
                        " -device virtio-sysmem-pci,id=sa,addr=04.0,size=16M"
                        " -device virtio-sysmem-pci,id=sb,addr=05.0,size=16M");
    pc_alloc_init(&p->alloc, p->qts, ALLOC_NO_FLAGS);
    p->bus = qpci_new_pc(p->qts, &p->alloc);
    for (i = 0; i < 2; i++) {
        QPCIAddress addr = { .devfn = QPCI_DEVFN(4 + i, 0) };

        p->dev[i] = virtio_pci_new(p->bus, &addr);
        g_assert_nonnull(p->dev[i]);
        qvirtio_pci_start_hw(&p->dev[i]->obj);
        p->s[i].vdev = &p->dev[i]->vdev;
        p->s[i].alloc = &p->alloc;
        qvirtio_sysmem_start(&p->s[i]);
    }
}

/* x-query-virtio-sysmem's entry for the device with qdev id @id. */
static QDict *pair_query(QTestState *qts, const char *id)
{
    g_autofree char *needle = g_strdup_printf("/%s/", id);
    QDict *rsp = qtest_qmp(qts, "{'execute': 'x-query-virtio-sysmem'}");
    QList *list = qdict_get_qlist(rsp, "return");
    const QListEntry *e;
    QDict *found = NULL;

    g_assert_nonnull(list);
    g_assert_cmpint(qlist_size(list), ==, 2);
    QLIST_FOREACH_ENTRY(list, e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        if (strstr(qdict_get_str(d, "path"), needle)) {
            g_assert_null(found);
            found = d;
        }
    }
    g_assert_nonnull(found);
    qobject_ref(found);
    qobject_unref(rsp);
    return found;
}

static void assert_pair_state(QTestState *qts, const char *id,
                              uint64_t region_used, int64_t objects)
{
    QDict *d = pair_query(qts, id);

    g_assert_cmpuint(qdict_get_int(d, "region-used"), ==, region_used);
    if (objects >= 0) {
        g_assert_cmpint(qdict_get_int(d, "objects"), ==, objects);
    }
    qobject_unref(d);
}

static void test_two_devices_isolated(void)
{
    SysmemPair pair = {}, *p = &pair;
    QVirtioSysmem *A, *B;
    g_autofree QVirtioSysmemReply *r = g_new0(QVirtioSysmemReply, 1);
    g_autofree QVirtioSysmemReply *rep = g_new0(QVirtioSysmemReply, 1);
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t
        *res = NULL;
    uint32_t a, coll, token, bcoll, i;
    uint64_t used;
    QVirtioSysmemCall w, c;
    QDict *d;
    int64_t a_objects;

    pair_start(p);
    A = &p->s[0];
    B = &p->s[1];
    for (i = 0; i < 8; i++) {
        qvirtio_sysmem_post_event(p->qts, A, 256);
        qvirtio_sysmem_post_event(p->qts, B, 256);
    }

    /* On A: an allocator, an allocated collection with 2 buffers, a token. */
    a = qsysmem_open_allocator(p->qts, A, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    coll = qsysmem_allocate_non_shared(p->qts, A, a);
    qsysmem_set_constraints(p->qts, A, coll, 2, 64 * 1024);
    w = qsysmem_wait_allocated(p->qts, A, coll);
    res = qsysmem_wait_result(p->qts, A, &w, r);
    g_assert_cmpuint(res->tag, ==, 1);
    g_assert_cmpuint(le32_to_cpu(r->resp.num_handles), ==, 2);
    used = le64_to_cpu(r->handles[0].size) + le64_to_cpu(r->handles[1].size);
    token = qsysmem_allocate_shared(p->qts, A, a);
    qsysmem_node_sync(p->qts, A, token);
    assert_pair_state(p->qts, "sb", 0, 0);
    d = pair_query(p->qts, "sa");
    g_assert_cmpuint(qdict_get_int(d, "region-used"), ==, used);
    a_objects = qdict_get_int(d, "objects");
    qobject_unref(d);

    /* A's channel ids name nothing on B: one-way messages are NOT_FOUND. */
    c = qvirtio_sysmem_fidl_submit(p->qts, B, coll,
                                   SYSMEM_M_SYSMEM2_NODE_RELEASE, NULL,
                                   NULL, 0);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(p->qts, B, &c, rep), ==,
                    VIRTIO_SYSMEM_S_NOT_FOUND);
    c = qvirtio_sysmem_fidl_submit(p->qts, B, a,
        SYSMEM_M_SYSMEM2_ALLOCATOR_SET_DEBUG_CLIENT_INFO,
        &(sysmem2_allocator_set_debug_client_info_request_t){}, NULL, 0);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(p->qts, B, &c, rep), ==,
                    VIRTIO_SYSMEM_S_NOT_FOUND);
    /* ... and so are two-way calls: A's servers never see them. */
    c = qvirtio_sysmem_fidl_submit(p->qts, B, token,
                                   SYSMEM_M_SYSMEM2_NODE_SYNC, NULL, NULL, 0);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(p->qts, B, &c, rep), ==,
                    VIRTIO_SYSMEM_S_NOT_FOUND);

    /* CLOSE on B of A's buffers, channels and token does nothing to A. */
    for (i = 0; i < 2; i++) {
        g_assert_cmpint(qsysmem_close(p->qts, B, le32_to_cpu(r->handles[i].id)),
                        ==, VIRTIO_SYSMEM_S_NOT_FOUND);
    }
    g_assert_cmpint(qsysmem_close(p->qts, B, coll), ==,
                    VIRTIO_SYSMEM_S_NOT_FOUND);
    g_assert_cmpint(qsysmem_close(p->qts, B, token), ==,
                    VIRTIO_SYSMEM_S_NOT_FOUND);
    g_assert_cmpint(qsysmem_close(p->qts, B, a), ==,
                    VIRTIO_SYSMEM_S_NOT_FOUND);
    assert_pair_state(p->qts, "sa", used, a_objects);
    assert_pair_state(p->qts, "sb", 0, 0);

    /* B's id space is its own: it may open a channel with A's ids. */
    g_assert_cmpint(qsysmem_connect(p->qts, B, a,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    qsysmem_node_sync(p->qts, B, qsysmem_allocate_non_shared(p->qts, B, a));

    /*
     * A's token handed to B: B does not know it, so only the collection
     * being bound on B fails; B's allocator and A's token carry on.
     */
    bcoll = qsysmem_bind_token(p->qts, B, a, token);
    c = qvirtio_sysmem_fidl_submit(p->qts, B, bcoll,
                                   SYSMEM_M_SYSMEM2_NODE_SYNC, NULL, NULL, 0);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(p->qts, B, &c, rep), ==,
                    VIRTIO_SYSMEM_S_PEER_CLOSED);
    g_assert_cmpint(qsysmem_close(p->qts, B, bcoll), ==, VIRTIO_SYSMEM_S_OK);
    qsysmem_node_sync(p->qts, B, qsysmem_allocate_non_shared(p->qts, B, a));

    /* A is untouched: its token, collection and buffers all still work. */
    qsysmem_node_sync(p->qts, A, token);
    qsysmem_node_sync(p->qts, A, coll);
    assert_pair_state(p->qts, "sa", used, a_objects);
    assert_pair_state(p->qts, "sb", 0, -1);

    /* Both release everything; each region is empty again. */
    qsysmem_release_buffers(p->qts, A, r);
    qsysmem_release_node(p->qts, A, coll);
    qsysmem_release_node(p->qts, A, token);
    g_assert_cmpint(qsysmem_close(p->qts, A, a), ==, VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_close(p->qts, B, a), ==, VIRTIO_SYSMEM_S_OK);
    assert_pair_state(p->qts, "sa", 0, -1);
    assert_pair_state(p->qts, "sb", 0, -1);
    qtest_quit(p->qts);
}

/*
 * max-objects: past the limit CONNECT is refused with NO_RESOURCES and
 * nothing else changes; once an object goes, a new one fits again.
 */
static void test_max_objects(void)
{
    SysmemMachine mach = {}, *m = &mach;
    g_autofree QVirtioSysmemReply *rep = g_new0(QVirtioSysmemReply, 1);
    sysmem2_allocator_allocate_non_shared_collection_request_t r = {
        .has_collection_request = true, .collection_request = 1,
    };
    sysmem2_allocator_set_debug_client_info_request_t info = {
        .has_name = true, .name_len = 4, .name = "test", .has_id = true,
        .id = 1,
    };
    struct virtio_sysmem_handle h = qvirtio_sysmem_server_end(9);
    QVirtioSysmemCall c;
    uint32_t i;
    QDict *rsp;

    machine_start(m, "-global virtio-sysmem-device.max-objects=4");
    for (i = 1; i <= 4; i++) {
        g_assert_cmpint(qsysmem_connect(m->qts, &m->s, i,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                        VIRTIO_SYSMEM_S_OK);
    }
    g_assert_cmpint(qsysmem_connect(m->qts, &m->s, 5,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_NO_RESOURCES);
    /*
     * A request that needs a new object (the collection's server end)
     * fails as one with an unusable server end: that allocator is closed,
     * the others are not.
     */
    c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, 1,
        SYSMEM_M_SYSMEM2_ALLOCATOR_ALLOCATE_NON_SHARED_COLLECTION, &r, &h, 1);
    qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep);
    c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, 1,
        SYSMEM_M_SYSMEM2_ALLOCATOR_SET_DEBUG_CLIENT_INFO, &info, NULL, 0);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep), ==,
                    VIRTIO_SYSMEM_S_PEER_CLOSED);
    qvirtio_sysmem_fidl_send(m->qts, &m->s, 2,
        SYSMEM_M_SYSMEM2_ALLOCATOR_SET_DEBUG_CLIENT_INFO, &info, NULL, 0);
    g_assert_cmpint(qsysmem_close(m->qts, &m->s, 1), ==, VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_connect(m->qts, &m->s, 6,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_close(m->qts, &m->s, 4), ==, VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_connect(m->qts, &m->s, 5,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    rsp = qtest_qmp(m->qts, "{'execute': 'x-query-virtio-sysmem'}");
    g_assert_cmpint(qdict_get_int(qobject_to(QDict, qlist_peek(
        qdict_get_qlist(rsp, "return"))), "objects"), ==, 4);
    qobject_unref(rsp);
    qtest_quit(m->qts);
}

/*
 * An id is free again once the guest has CLOSEd it: a channel opened again
 * with the same id is a new channel, and CLOSE closes that one too, and
 * no CLOSED event for the id follows.
 */
static void test_close_reused_id(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    uint32_t id = qsysmem_new_id(), other = qsysmem_new_id();
    struct virtio_sysmem_event ev;
    uint8_t bad[16], epitaph[64];
    QDict *dev;
    int i;

    for (i = 0; i < 4; i++) {
        qvirtio_sysmem_post_event(global_qtest, s, 256);
    }
    for (i = 0; i < 3; i++) {
        g_assert_cmpint(qsysmem_connect(global_qtest, s, id,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                        VIRTIO_SYSMEM_S_OK);
        g_assert_cmpint(qsysmem_close(global_qtest, s, id), ==,
                        VIRTIO_SYSMEM_S_OK);
        dev = query_sysmem();
        g_assert_cmpint(qdict_get_int(dev, "objects"), ==, 0);
        qobject_unref(dev);
    }

    /*
     * None of those CLOSEs sent a CLOSED event for the id (one arriving
     * after the guest reused it would close the new channel): the first
     * event is that of a channel the device closes.
     */
    memcpy(bad, unknown_two_way, sizeof(bad));
    bad[7] = 0x02;
    g_assert_cmpint(qsysmem_connect(global_qtest, s, other,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    qvirtio_sysmem_call(global_qtest, s, VIRTIO_SYSMEM_OP_MESSAGE, other, 0,
                        bad, sizeof(bad), NULL, 0, NULL, NULL, 0, NULL, 0);
    g_assert_true(qvirtio_sysmem_next_event(global_qtest, s, 5000000, &ev,
                                            epitaph, sizeof(epitaph)));
    g_assert_cmpuint(le32_to_cpu(ev.type), ==, VIRTIO_SYSMEM_EVENT_CLOSED);
    g_assert_cmpuint(le32_to_cpu(ev.object_id), ==, other);
    g_assert_cmpint(qsysmem_close(global_qtest, s, other), ==,
                    VIRTIO_SYSMEM_S_OK);
}

/*
 * A channel the device closed stays taken until the guest CLOSEs it, as a
 * Zircon channel handle whose peer closed: writes to it fail with
 * PEER_CLOSED, CONNECT of its id with ALREADY_EXISTS, and it counts
 * against max-objects (so no guest can make the device remember more);
 * all of this migrates with the core.  A GetNodeRef event the guest
 * CLOSEs, or hands back to the device in a message, takes no room.
 */
static void test_closed_ids_taken(void)
{
    g_autofree char *path = g_strdup_printf("%s/virtio-sysmem-pc-%d.bin",
                                            g_get_tmp_dir(), getpid());
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    uint8_t bad[16];
    SysmemMachine mach = {}, *m = &mach;
    g_autofree QVirtioSysmemReply *rep = g_new0(QVirtioSysmemReply, 1);
    QVirtioSysmemCall c;
    QTestState *dst;
    QDict *rsp;
    uint32_t i, a, coll;

    memcpy(bad, unknown_two_way, sizeof(bad));
    bad[7] = 0x02;  /* bad magic: the device closes the channel */
    machine_start(m, "-global virtio-sysmem-device.max-objects=4");
    a = qsysmem_open_allocator(m->qts, &m->s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    coll = qsysmem_allocate_non_shared(m->qts, &m->s, a);
    for (i = 0; i < 8; i++) {
        c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, coll,
                                       SYSMEM_M_SYSMEM2_NODE_GET_NODE_REF,
                                       NULL, NULL, 0);
        g_assert_cmpint(qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep), ==,
                        VIRTIO_SYSMEM_S_OK);
        g_assert_cmpuint(le32_to_cpu(rep->resp.num_handles), ==, 1);
        g_assert_cmpuint(le32_to_cpu(rep->handles[0].type), ==,
                         VIRTIO_SYSMEM_HANDLE_EVENTPAIR);
        g_assert_cmpint(qsysmem_close(m->qts, &m->s,
                                      le32_to_cpu(rep->handles[0].id)), ==,
                        VIRTIO_SYSMEM_S_OK);
    }
    /*
     * ... and so is one the guest lends back (IsAlternateFor) and then
     * closes: lending does not end it.
     */
    for (i = 0; i < 8; i++) {
        sysmem2_node_is_alternate_for_request_t alt = {
            .has_node_ref = true, .node_ref = 1,
        };
        struct virtio_sysmem_handle ref;

        c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, coll,
                                       SYSMEM_M_SYSMEM2_NODE_GET_NODE_REF,
                                       NULL, NULL, 0);
        g_assert_cmpint(qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep), ==,
                        VIRTIO_SYSMEM_S_OK);
        ref = rep->handles[0];
        c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, coll,
                                       SYSMEM_M_SYSMEM2_NODE_IS_ALTERNATE_FOR,
                                       &alt, &ref, 1);
        g_assert_cmpint(qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep), ==,
                        VIRTIO_SYSMEM_S_OK);
        g_assert_cmpuint(le32_to_cpu(rep->resp.num_bytes), >, 16);
        g_assert_cmpint(qsysmem_close(m->qts, &m->s, le32_to_cpu(ref.id)), ==,
                        VIRTIO_SYSMEM_S_OK);
    }
    for (i = 0; i < 2; i++) {
        g_assert_cmpint(qsysmem_connect(m->qts, &m->s, 100 + i,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                        VIRTIO_SYSMEM_S_OK);
        g_assert_cmpint(qvirtio_sysmem_call(m->qts, &m->s,
                                            VIRTIO_SYSMEM_OP_MESSAGE,
                                            100 + i, 0, bad, sizeof(bad),
                                            NULL, 0, NULL, NULL, 0, NULL, 0),
                        ==, VIRTIO_SYSMEM_S_PEER_CLOSED);
    }
    /* Both still count: the table is full until the guest CLOSEs one. */
    g_assert_cmpint(qsysmem_connect(m->qts, &m->s, 102,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_NO_RESOURCES);
    g_assert_cmpint(qsysmem_connect(m->qts, &m->s, 100,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_ALREADY_EXISTS);
    g_assert_cmpint(qvirtio_sysmem_call(m->qts, &m->s,
                                        VIRTIO_SYSMEM_OP_MESSAGE, 101, 0,
                                        bad + 8, 8, NULL, 0, NULL, NULL, 0,
                                        NULL, 0), ==,
                    VIRTIO_SYSMEM_S_PEER_CLOSED);

    rsp = qtest_qmp(m->qts, "{'execute': 'migrate', 'arguments': "
                    "{'uri': %s}}", uri);
    g_assert_false(qdict_haskey(rsp, "error"));
    qobject_unref(rsp);
    wait_migration(m->qts, "completed");
    qtest_quit(m->qts);

    dst = qtest_initf("-M pc -device virtio-sysmem-pci,addr=04.0,size=16M "
                      "-global virtio-sysmem-device.max-objects=4 "
                      "-incoming defer");
    rsp = qtest_qmp(dst, "{'execute': 'migrate-incoming', 'arguments': "
                    "{'uri': %s}}", uri);
    g_assert_false(qdict_haskey(rsp, "error"));
    qobject_unref(rsp);
    wait_migration(dst, "completed");
    unlink(path);
    m->qts = dst;
    m->bus->qts = dst;
    g_assert_cmpint(qvirtio_sysmem_call(dst, &m->s, VIRTIO_SYSMEM_OP_MESSAGE,
                                        100, 0, bad + 8, 8, NULL, 0, NULL,
                                        NULL, 0, NULL, 0), ==,
                    VIRTIO_SYSMEM_S_PEER_CLOSED);
    qsysmem_node_sync(dst, &m->s, coll);
    g_assert_cmpint(qsysmem_connect(dst, &m->s, 200,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_NO_RESOURCES);
    g_assert_cmpint(qsysmem_close(dst, &m->s, 100), ==, VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qvirtio_sysmem_call(dst, &m->s, VIRTIO_SYSMEM_OP_MESSAGE,
                                        100, 0, bad + 8, 8, NULL, 0, NULL,
                                        NULL, 0, NULL, 0), ==,
                    VIRTIO_SYSMEM_S_NOT_FOUND);
    g_assert_cmpint(qsysmem_connect(dst, &m->s, 200,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    qtest_quit(dst);
}

/*
 * A two-way call the core turns away completes with the status of a
 * zx_channel_call that could not be written: NOT_FOUND for an id that
 * names no channel, PEER_CLOSED for a channel the device closed (until the
 * guest CLOSEs it) or that closed because of the call itself.
 */
/* Send @msg as a two-way MESSAGE on @id; the status of the response. */
static int32_t two_way_call_on(QTestState *qts, QVirtioSysmem *s, uint32_t id,
                               const uint8_t *msg)
{
    uint8_t reply[64];

    return qvirtio_sysmem_call(qts, s, VIRTIO_SYSMEM_OP_MESSAGE, id, 0, msg,
                               16, NULL, 0, NULL, reply, sizeof(reply), NULL,
                               0);
}

static int32_t two_way_call(QVirtioSysmem *s, uint32_t id, const uint8_t *msg)
{
    return two_way_call_on(global_qtest, s, id, msg);
}

static void test_two_way_status(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    uint32_t id = qsysmem_new_id();
    uint8_t bad[16];

    memcpy(bad, unknown_two_way, sizeof(bad));
    bad[7] = 0x02;  /* bad magic: the device closes the channel */
    g_assert_cmpint(two_way_call(s, id, unknown_two_way), ==,
                    VIRTIO_SYSMEM_S_NOT_FOUND);
    g_assert_cmpint(qsysmem_connect(global_qtest, s, id,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(two_way_call(s, id, unknown_two_way), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(two_way_call(s, id, bad), ==, VIRTIO_SYSMEM_S_PEER_CLOSED);
    g_assert_cmpint(two_way_call(s, id, unknown_two_way), ==,
                    VIRTIO_SYSMEM_S_PEER_CLOSED);
    g_assert_cmpint(qsysmem_close(global_qtest, s, id), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(two_way_call(s, id, unknown_two_way), ==,
                    VIRTIO_SYSMEM_S_NOT_FOUND);
}

/*
 * An event pair handle that names one of the guest's live channels is not
 * a new event pair: the message that carries it fails its own channel
 * (PEER_CLOSED), the channel it names is untouched, and when that channel
 * closes later the guest gets its epitaph (it is not mistaken for an event
 * pair).
 */
static void test_eventpair_names_channel(void *obj, void *data,
                                         QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    g_autofree QVirtioSysmemReply *rep = g_new0(QVirtioSysmemReply, 1);
    sysmem2_node_attach_node_tracking_request_t req = {
        .has_server_end = true, .server_end = 1,
    };
    struct virtio_sysmem_handle h;
    struct virtio_sysmem_event ev;
    uint8_t bad[16], epitaph[64];
    uint32_t a, coll;
    QVirtioSysmemCall c;

    memcpy(bad, unknown_two_way, sizeof(bad));
    bad[7] = 0x02;
    qvirtio_sysmem_post_event(global_qtest, s, 256);
    qvirtio_sysmem_post_event(global_qtest, s, 256);
    a = qsysmem_open_allocator(global_qtest, s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    coll = qsysmem_allocate_non_shared(global_qtest, s, a);
    h = (struct virtio_sysmem_handle) {
        .type = cpu_to_le32(VIRTIO_SYSMEM_HANDLE_EVENTPAIR),
        .id = cpu_to_le32(a),
    };
    c = qvirtio_sysmem_fidl_submit(global_qtest, s, coll,
                                   SYSMEM_M_SYSMEM2_NODE_ATTACH_NODE_TRACKING,
                                   &req, &h, 1);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(global_qtest, s, &c, rep), ==,
                    VIRTIO_SYSMEM_S_PEER_CLOSED);
    g_assert_true(qvirtio_sysmem_next_event(global_qtest, s, 5000000, &ev,
                                            epitaph, sizeof(epitaph)));
    g_assert_cmpuint(le32_to_cpu(ev.type), ==, VIRTIO_SYSMEM_EVENT_CLOSED);
    g_assert_cmpuint(le32_to_cpu(ev.object_id), ==, coll);
    g_assert_cmpint(qsysmem_close(global_qtest, s, coll), ==,
                    VIRTIO_SYSMEM_S_OK);
    qsysmem_node_sync(global_qtest, s, a);

    g_assert_cmpint(qvirtio_sysmem_call(global_qtest, s,
                                        VIRTIO_SYSMEM_OP_MESSAGE, a, 0, bad,
                                        sizeof(bad), NULL, 0, NULL, NULL, 0,
                                        NULL, 0), ==,
                    VIRTIO_SYSMEM_S_PEER_CLOSED);
    g_assert_true(qvirtio_sysmem_next_event(global_qtest, s, 5000000, &ev,
                                            epitaph, sizeof(epitaph)));
    g_assert_cmpuint(le32_to_cpu(ev.type), ==, VIRTIO_SYSMEM_EVENT_CLOSED);
    g_assert_cmpuint(le32_to_cpu(ev.object_id), ==, a);
    g_assert_cmpuint(le32_to_cpu(ev.num_bytes), ==, 24);
    g_assert_cmphex(ldq_le_p(&epitaph[8]), ==, UINT64_MAX);
    g_assert_cmpint(qsysmem_close(global_qtest, s, a), ==, VIRTIO_SYSMEM_S_OK);
}

/*
 * Load the device as a busy guest would before a reset or an unplug: live
 * buffers, a WaitForAllBuffersAllocated held for a participant that never
 * comes, and events queued because no event buffer is posted.
 */
static void load_device(SysmemMachine *m)
{
    g_autofree QVirtioSysmemReply *r = g_new0(QVirtioSysmemReply, 1);
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t
        *res = NULL;
    uint32_t a, coll, token, i;
    QVirtioSysmemCall w;
    uint8_t bad[16];
    QDict *dev;

    memcpy(bad, unknown_two_way, sizeof(bad));
    bad[7] = 0x02;
    a = qsysmem_open_allocator(m->qts, &m->s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    coll = qsysmem_allocate_non_shared(m->qts, &m->s, a);
    qsysmem_set_constraints(m->qts, &m->s, coll, 2, 1024 * 1024);
    w = qsysmem_wait_allocated(m->qts, &m->s, coll);
    res = qsysmem_wait_result(m->qts, &m->s, &w, r);
    g_assert_cmpuint(res->tag, ==, 1);

    token = qsysmem_allocate_shared(m->qts, &m->s, a);
    qsysmem_duplicate(m->qts, &m->s, token);
    coll = qsysmem_bind_token(m->qts, &m->s, a, token);
    qsysmem_set_constraints(m->qts, &m->s, coll, 1, 64 * 1024);
    qsysmem_wait_allocated(m->qts, &m->s, coll);      /* held */

    for (i = 0; i < 3; i++) {
        uint32_t id = qsysmem_new_id();

        g_assert_cmpint(qsysmem_connect(m->qts, &m->s, id,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                        VIRTIO_SYSMEM_S_OK);
        qvirtio_sysmem_call(m->qts, &m->s, VIRTIO_SYSMEM_OP_MESSAGE, id, 0,
                            bad, sizeof(bad), NULL, 0, NULL, NULL, 0, NULL, 0);
    }

    dev = query_sysmem_on(m->qts);
    g_assert_cmpuint(qdict_get_int(dev, "region-used"), >=, 2 * 1024 * 1024);
    g_assert_cmpuint(qdict_get_int(dev, "held-requests"), ==, 1);
    /* CLOSED for the three failed channels and the token Bind consumed. */
    g_assert_cmpuint(qdict_get_int(dev, "pending-events"), ==, 4);
    qobject_unref(dev);
}

/* Nothing left on the device of @m. */
static void assert_machine_empty(SysmemMachine *m)
{
    QDict *dev = query_sysmem_on(m->qts);

    g_assert_cmpuint(qdict_get_int(dev, "region-used"), ==, 0);
    g_assert_cmpuint(qdict_get_int(dev, "objects"), ==, 0);
    g_assert_cmpuint(qdict_get_int(dev, "held-requests"), ==, 0);
    g_assert_cmpuint(qdict_get_int(dev, "pending-events"), ==, 0);
    qobject_unref(dev);
}

/* A fresh collection on the device in slot 4, allocated and released. */
static void assert_device_negotiates(SysmemMachine *m)
{
    g_autofree QVirtioSysmemReply *r = g_new0(QVirtioSysmemReply, 1);
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t
        *res = NULL;
    uint32_t a = qsysmem_open_allocator(m->qts, &m->s,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    uint32_t coll = qsysmem_allocate_non_shared(m->qts, &m->s, a);
    QVirtioSysmemCall w;

    qsysmem_set_constraints(m->qts, &m->s, coll, 2, 64 * 1024);
    w = qsysmem_wait_allocated(m->qts, &m->s, coll);
    res = qsysmem_wait_result(m->qts, &m->s, &w, r);
    g_assert_cmpuint(res->tag, ==, 1);
    qsysmem_release_buffers(m->qts, &m->s, r);
    qsysmem_release_node(m->qts, &m->s, coll);
    g_assert_cmpint(qsysmem_close(m->qts, &m->s, a), ==, VIRTIO_SYSMEM_S_OK);
    assert_machine_empty(m);
}

/*
 * A device reset with a held call, live buffers and queued events (a guest
 * rebooting or its driver unloading mid-negotiation) drops all of it, and
 * a driver that starts again finds a clean device.
 */
static void test_reset_under_load(void)
{
    SysmemMachine mach = {}, *m = &mach;

    machine_start(m, "");
    load_device(m);
    qvirtio_reset(m->s.vdev);
    assert_machine_empty(m);

    qvirtio_pci_start_hw(&m->dev->obj);
    qvirtio_sysmem_start(&m->s);
    assert_device_negotiates(m);
    qtest_quit(m->qts);
}

/*
 * A token the guest hands to BindSharedCollection is the device's from
 * then on, but its id stays taken until the guest has its CLOSED event
 * (it could not know before that the id is free): without event buffers
 * bound tokens count against max-objects; once the guest posts buffers
 * their CLOSED events arrive and the ids are free without a CLOSE.
 */
static void test_bound_tokens_taken_until_seen(void)
{
    SysmemMachine mach = {}, *m = &mach;
    struct virtio_sysmem_event ev;
    uint8_t epitaph[64];
    uint32_t a, token[2], coll, ch, i;
    bool seen[2] = { false, false };

    machine_start(m, "-global virtio-sysmem-device.max-objects=4");
    a = qsysmem_open_allocator(m->qts, &m->s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    for (i = 0; i < 2; i++) {
        token[i] = qsysmem_allocate_shared(m->qts, &m->s, a);
        coll = qsysmem_bind_token(m->qts, &m->s, a, token[i]);
        qsysmem_node_sync(m->qts, &m->s, coll);
        qsysmem_release_node(m->qts, &m->s, coll);
    }
    ch = qsysmem_new_id();
    g_assert_cmpint(qsysmem_connect(m->qts, &m->s, ch,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_connect(m->qts, &m->s, token[0],
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_ALREADY_EXISTS);
    g_assert_cmpint(qsysmem_connect(m->qts, &m->s, qsysmem_new_id(),
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_NO_RESOURCES);
    for (i = 0; i < 2; i++) {
        qvirtio_sysmem_post_event(m->qts, &m->s, 256);
    }
    for (i = 0; i < 2; i++) {
        g_assert_true(qvirtio_sysmem_next_event(m->qts, &m->s, 5000000, &ev,
                                                epitaph, sizeof(epitaph)));
        g_assert_cmpuint(le32_to_cpu(ev.type), ==, VIRTIO_SYSMEM_EVENT_CLOSED);
        g_assert_cmpint((int32_t)le32_to_cpu(ev.status), ==,
                        VIRTIO_SYSMEM_S_PEER_CLOSED);
        seen[le32_to_cpu(ev.object_id) == token[1]] = true;
    }
    g_assert_true(seen[0] && seen[1]);
    for (i = 0; i < 2; i++) {
        g_assert_cmpint(qsysmem_connect(m->qts, &m->s, token[i],
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                        VIRTIO_SYSMEM_S_OK);
    }
    qtest_quit(m->qts);
}

/*
 * CLOSED events are never dropped.  With max-pending-events far below the
 * number of channels that fail while the guest posts no event buffers,
 * every id still gets its CLOSED event (with its epitaph) once buffers
 * come, each id stays taken until then (CONNECT: ALREADY_EXISTS), and
 * after the guest's CLOSE (or, for a bound token, the event alone) every
 * id can be reused.
 */
#define FILL_FAILED 12
#define FILL_TOKENS 4

static void test_closed_events_never_dropped(void)
{
    SysmemMachine mach = {}, *m = &mach;
    uint32_t ids[FILL_FAILED + FILL_TOKENS], a, coll, i, j;
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
    struct virtio_sysmem_event ev;
    uint8_t bad[16], epitaph[64];
    QDict *dev;

    memcpy(bad, unknown_two_way, sizeof(bad));
    bad[7] = 0x02;
    machine_start(m, "-global virtio-sysmem-device.max-pending-events=2 "
                  "-global virtio-sysmem-device.max-objects=48");
    a = qsysmem_open_allocator(m->qts, &m->s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    for (i = 0; i < FILL_FAILED; i++) {
        ids[i] = qsysmem_new_id();
        g_assert_cmpint(qsysmem_connect(m->qts, &m->s, ids[i],
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                        VIRTIO_SYSMEM_S_OK);
        g_assert_cmpint(qvirtio_sysmem_call(m->qts, &m->s,
                                            VIRTIO_SYSMEM_OP_MESSAGE, ids[i],
                                            0, bad, sizeof(bad), NULL, 0,
                                            NULL, NULL, 0, NULL, 0), ==,
                        VIRTIO_SYSMEM_S_PEER_CLOSED);
    }
    for (i = FILL_FAILED; i < FILL_FAILED + FILL_TOKENS; i++) {
        ids[i] = qsysmem_allocate_shared(m->qts, &m->s, a);
        coll = qsysmem_bind_token(m->qts, &m->s, a, ids[i]);
        qsysmem_release_node(m->qts, &m->s, coll);
    }
    dev = query_sysmem_on(m->qts);
    g_assert_cmpint(qdict_get_int(dev, "pending-events"), ==,
                    FILL_FAILED + FILL_TOKENS);
    qobject_unref(dev);
    for (i = 0; i < FILL_FAILED + FILL_TOKENS; i++) {
        g_assert_cmpint(qsysmem_connect(m->qts, &m->s, ids[i],
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                        VIRTIO_SYSMEM_S_ALREADY_EXISTS);
    }

    for (i = 0; i < FILL_FAILED + FILL_TOKENS; i++) {
        qvirtio_sysmem_post_event(m->qts, &m->s, 256);
    }
    for (i = 0; i < FILL_FAILED + FILL_TOKENS; i++) {
        uint32_t id;

        g_assert_true(qvirtio_sysmem_next_event(m->qts, &m->s, 5000000, &ev,
                                                epitaph, sizeof(epitaph)));
        g_assert_cmpuint(le32_to_cpu(ev.type), ==, VIRTIO_SYSMEM_EVENT_CLOSED);
        id = le32_to_cpu(ev.object_id);
        for (j = 0; j < FILL_FAILED + FILL_TOKENS && ids[j] != id; j++) {
        }
        g_assert_cmpuint(j, <, FILL_FAILED + FILL_TOKENS);
        g_assert_false(g_hash_table_contains(seen, GUINT_TO_POINTER(id)));
        g_hash_table_add(seen, GUINT_TO_POINTER(id));
        g_assert_cmpuint(le32_to_cpu(ev.num_bytes), ==, 24);
        g_assert_cmpint((int32_t)ldl_le_p(&epitaph[16]), ==,
                        (int32_t)le32_to_cpu(ev.status));
        g_assert_cmpint((int32_t)le32_to_cpu(ev.status), ==,
                        j < FILL_FAILED ? VIRTIO_SYSMEM_S_INVALID_ARGS :
                                          VIRTIO_SYSMEM_S_PEER_CLOSED);
    }
    dev = query_sysmem_on(m->qts);
    g_assert_cmpint(qdict_get_int(dev, "pending-events"), ==, 0);
    qobject_unref(dev);

    /* The failed channels wait for the guest's CLOSE; tokens do not. */
    for (i = 0; i < FILL_FAILED + FILL_TOKENS; i++) {
        if (i < FILL_FAILED) {
            g_assert_cmpint(qsysmem_connect(m->qts, &m->s, ids[i],
                                            VIRTIO_SYSMEM_PROTOCOL_SYSMEM2),
                            ==, VIRTIO_SYSMEM_S_ALREADY_EXISTS);
            g_assert_cmpint(qsysmem_close(m->qts, &m->s, ids[i]), ==,
                            VIRTIO_SYSMEM_S_OK);
        }
        g_assert_cmpint(qsysmem_connect(m->qts, &m->s, ids[i],
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                        VIRTIO_SYSMEM_S_OK);
        qsysmem_node_sync(m->qts, &m->s,
                          qsysmem_allocate_non_shared(m->qts, &m->s, ids[i]));
    }
    qtest_quit(m->qts);
}

/*
 * A guest that floods the request queue with calls the device must hold
 * (WaitForAllBuffersAllocated for a participant that never comes) ties up
 * ring entries, not host memory beyond one element per entry: the device
 * holds every one, still serves the requests that fit beside them, and
 * answers them all when the collection fails.
 */
#define FLOOD_CALLS 120 /* 2 descriptors each: 240 of the 256-entry ring */

static void test_request_flood(void)
{
    SysmemMachine mach = {}, *m = &mach;
    g_autofree QVirtioSysmemReply *rep = g_new0(QVirtioSysmemReply, 1);
    QVirtioSysmemCall calls[FLOOD_CALLS];
    uint32_t a, token, dup, coll, i;
    QDict *dev;

    machine_start(m, "");
    for (i = 0; i < 4; i++) {
        qvirtio_sysmem_post_event(m->qts, &m->s, 256);
    }
    a = qsysmem_open_allocator(m->qts, &m->s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    token = qsysmem_allocate_shared(m->qts, &m->s, a);
    dup = qsysmem_duplicate(m->qts, &m->s, token);
    coll = qsysmem_bind_token(m->qts, &m->s, a, token);
    qsysmem_set_constraints(m->qts, &m->s, coll, 1, 64 * 1024);
    for (i = 0; i < FLOOD_CALLS; i++) {
        calls[i] = qsysmem_wait_allocated(m->qts, &m->s, coll);
    }
    qsysmem_node_sync(m->qts, &m->s, dup);
    dev = query_sysmem_on(m->qts);
    g_assert_cmpuint(qdict_get_int(dev, "held-requests"), ==, FLOOD_CALLS);
    qobject_unref(dev);

    /* The token's holder goes away without Release: the collection fails. */
    g_assert_cmpint(qsysmem_close(m->qts, &m->s, dup), ==, VIRTIO_SYSMEM_S_OK);
    for (i = 0; i < FLOOD_CALLS; i++) {
        g_assert_cmpint(qvirtio_sysmem_fidl_wait(m->qts, &m->s, &calls[i],
                                                 rep), ==,
                        VIRTIO_SYSMEM_S_PEER_CLOSED);
    }
    g_assert_cmpint(qsysmem_close(m->qts, &m->s, coll), ==, VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_close(m->qts, &m->s, a), ==, VIRTIO_SYSMEM_S_OK);
    assert_machine_empty(m);
    qtest_quit(m->qts);
}

/*
 * Hot-unplug (device_del, ACPI eject) with a held call, live buffers and
 * queued events: QEMU goes on (under ASan in make check: no use after
 * free), the memdev is free for a new device, and a device plugged into
 * the same slot works from a clean state.
 */
static void test_unplug_under_load(void)
{
    SysmemMachine mach = {}, *m = &mach;
    QDict *rsp;

    machine_start_dev(m, "id=sysmem0,memdev=mem0",
                      "-object memory-backend-ram,id=mem0,size=16M");
    load_device(m);
    qpci_unplug_acpi_device_test(m->qts, "sysmem0", 4);
    rsp = qtest_qmp(m->qts, "{'execute': 'x-query-virtio-sysmem'}");
    g_assert_cmpint(qlist_size(qdict_get_qlist(rsp, "return")), ==, 0);
    qobject_unref(rsp);

    /* The memdev was released: a new device may take it. */
    qtest_qmp_device_add(m->qts, "virtio-sysmem-pci", "sysmem1",
                         "{'addr': '04.0', 'memdev': 'mem0'}");
    machine_bind(m);
    assert_device_negotiates(m);

    /* And the new device unplugs cleanly too, idle this time. */
    qpci_unplug_acpi_device_test(m->qts, "sysmem1", 4);
    rsp = qtest_qmp(m->qts, "{'execute': 'query-status'}");
    g_assert_true(qdict_get_bool(qdict_get_qdict(rsp, "return"), "running"));
    qobject_unref(rsp);
    qtest_quit(m->qts);
}

static void register_virtio_sysmem_test(void)
{
    qos_add_test("config", "virtio-sysmem", test_config, NULL);
    qos_add_test("shm-region", "virtio-sysmem-pci", test_shm_region, NULL);
    qos_add_test("connect-close", "virtio-sysmem", test_connect_and_close,
                 NULL);
    qos_add_test("unknown-method", "virtio-sysmem", test_unknown_method, NULL);
    qos_add_test("bad-magic", "virtio-sysmem", test_bad_magic_closes_channel,
                 NULL);
    qos_add_test("non-shared", "virtio-sysmem", test_non_shared, NULL);
    qos_add_test("shared-two-participants", "virtio-sysmem-pci",
                 test_shared_two_participants, NULL);
    qos_add_test("close-without-release", "virtio-sysmem",
                 test_close_without_release, NULL);
    qos_add_test("reset-reclaims", "virtio-sysmem", test_reset_reclaims, NULL);
    qos_add_test("bad-handle", "virtio-sysmem", test_bad_handle, NULL);
    qos_add_test("oversize", "virtio-sysmem", test_oversize, NULL);
    qos_add_test("v1-v2-three-participants", "virtio-sysmem",
                 test_v1_v2_three_participants, NULL);
    qos_add_test("event-storm", "virtio-sysmem", test_event_storm, NULL);
    qos_add_test("region-exhausted", "virtio-sysmem", test_region_exhausted,
                 NULL);

    qtest_add_func("/virtio-sysmem/migration", test_migration);
    qtest_add_func("/virtio-sysmem/mmio-device", test_mmio_device);
    qtest_add_func("/virtio-sysmem/bad-properties", test_bad_properties);
    qtest_add_func("/virtio-sysmem/bad-command-line", test_bad_command_line);
    qtest_add_func("/virtio-sysmem/two-devices-isolated",
                   test_two_devices_isolated);
    qtest_add_func("/virtio-sysmem/max-objects", test_max_objects);
    qos_add_test("close-reused-id", "virtio-sysmem", test_close_reused_id,
                 NULL);
    qtest_add_func("/virtio-sysmem/closed-ids-taken", test_closed_ids_taken);
    qos_add_test("two-way-status", "virtio-sysmem", test_two_way_status, NULL);
    qtest_add_func("/virtio-sysmem/reset-under-load", test_reset_under_load);
    qtest_add_func("/virtio-sysmem/request-flood", test_request_flood);
    qtest_add_func("/virtio-sysmem/bound-tokens-taken-until-seen",
                   test_bound_tokens_taken_until_seen);
    qtest_add_func("/virtio-sysmem/closed-events-never-dropped",
                   test_closed_events_never_dropped);
    qtest_add_func("/virtio-sysmem/unplug-under-load", test_unplug_under_load);
    qos_add_test("eventpair-names-channel", "virtio-sysmem",
                 test_eventpair_names_channel, NULL);
}

libqos_init(register_virtio_sysmem_test);

/*
 * Decisions of the specification chapter (docs/spec/virtio-sysmem.md):
 * feature negotiation, handle-table entries, rights, lent handles, koids,
 * heaps and cache modes.
 */

/* A machine whose driver does not accept the device features @refused. */
static void machine_start_refusing(SysmemMachine *m, const char *dev,
                                   uint64_t refused)
{
    QPCIAddress addr = { .devfn = QPCI_DEVFN(4, 0) };

    m->qts = qtest_initf("-M pc -device virtio-sysmem-pci,addr=04.0,%s", dev);
    pc_alloc_init(&m->alloc, m->qts, ALLOC_NO_FLAGS);
    m->bus = qpci_new_pc(m->qts, &m->alloc);
    m->dev = virtio_pci_new(m->bus, &addr);
    g_assert_nonnull(m->dev);
    qvirtio_pci_start_hw(&m->dev->obj);
    m->s.vdev = &m->dev->vdev;
    m->s.alloc = &m->alloc;
    qvirtio_sysmem_start_refusing(&m->s, refused);
}

/*
 * fuchsia.sysmem (v1) is served only when VIRTIO_SYSMEM_F_V1 was
 * negotiated: a device that offers it to a driver that does not accept it
 * refuses a v1 CONNECT as it refuses an unknown protocol, and the id stays
 * free.
 */
static void test_v1_connect_needs_negotiated_feature(void)
{
    SysmemMachine mach = {}, *m = &mach;

    machine_start_refusing(m, "size=16M", 1ull << VIRTIO_SYSMEM_F_V1);
    g_assert_true(qvirtio_get_features(m->s.vdev) &
                  (1ull << VIRTIO_SYSMEM_F_V1));
    g_assert_cmpint(qsysmem_connect(m->qts, &m->s, 5,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM1), ==,
                    VIRTIO_SYSMEM_S_PROTOCOL_NOT_SUPPORTED);
    g_assert_cmpint(qsysmem_connect(m->qts, &m->s, 5,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_close(m->qts, &m->s, 5), ==, VIRTIO_SYSMEM_S_OK);
    assert_machine_empty(m);
    qtest_quit(m->qts);

    /* The v1 property off: not offered, so not negotiated either. */
    machine_start_dev(m, "size=16M,v1=off", "");
    g_assert_false(qvirtio_get_features(m->s.vdev) &
                   (1ull << VIRTIO_SYSMEM_F_V1));
    g_assert_cmpint(qsysmem_connect(m->qts, &m->s, 5,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM1), ==,
                    VIRTIO_SYSMEM_S_PROTOCOL_NOT_SUPPORTED);
    qtest_quit(m->qts);
}

/* Token.Duplicate on @token with @entry as its token_request. */
static int32_t duplicate_with(SysmemMachine *m, uint32_t token,
                              struct virtio_sysmem_handle entry)
{
    sysmem2_buffer_collection_token_duplicate_request_t r = {
        .has_rights_attenuation_mask = true,
        .rights_attenuation_mask = 0xffffffff,
        .has_token_request = true, .token_request = 1,
    };
    g_autofree QVirtioSysmemReply *rep = g_new0(QVirtioSysmemReply, 1);
    QVirtioSysmemCall c;

    c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, token,
                                   SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_DUPLICATE,
                                   &r, &entry, 1);
    return qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep);
}

/*
 * flags, offset and size are reserved in every entry but BUFFER: an entry
 * with any of them set is refused with INVALID_ARGS before delivery, the
 * channel stays open and nothing moves (the new id is not taken, a client
 * end is still the driver's).  Rights of the driver's entries are ignored.
 */
static void test_nonbuffer_entry_reserved_fields_refused(void)
{
    SysmemMachine mach = {}, *m = &mach;
    struct virtio_sysmem_handle e, h[2];
    sysmem2_allocator_bind_shared_collection_request_t bind = {
        .has_token = true, .token = 1,
        .has_buffer_collection_request = true, .buffer_collection_request = 2,
    };
    g_autofree QVirtioSysmemReply *rep = g_new0(QVirtioSysmemReply, 1);
    uint32_t a, token, id, coll, i;
    QVirtioSysmemCall c;

    machine_start(m, "");
    a = qsysmem_open_allocator(m->qts, &m->s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    token = qsysmem_allocate_shared(m->qts, &m->s, a);
    for (i = 0; i < 3; i++) {
        id = qsysmem_new_id();
        e = qvirtio_sysmem_server_end(id);
        if (i == 0) {
            e.flags = cpu_to_le32(VIRTIO_SYSMEM_BUFFER_F_CPU_CACHED);
        } else if (i == 1) {
            e.offset = cpu_to_le64(4096);
        } else {
            e.size = cpu_to_le64(1);
        }
        g_assert_cmpint(duplicate_with(m, token, e), ==,
                        VIRTIO_SYSMEM_S_INVALID_ARGS);
        /* The token is still open and the id was not taken. */
        qsysmem_node_sync(m->qts, &m->s, token);
        g_assert_cmpint(qsysmem_connect(m->qts, &m->s, id,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                        VIRTIO_SYSMEM_S_OK);
        g_assert_cmpint(qsysmem_close(m->qts, &m->s, id), ==,
                        VIRTIO_SYSMEM_S_OK);
    }

    /* An event pair entry is checked the same way. */
    e = (struct virtio_sysmem_handle) {
        .type = cpu_to_le32(VIRTIO_SYSMEM_HANDLE_EVENTPAIR),
        .id = cpu_to_le32(qsysmem_new_id()),
        .offset = cpu_to_le64(1),
    };
    g_assert_cmpint(duplicate_with(m, token, e), ==,
                    VIRTIO_SYSMEM_S_INVALID_ARGS);
    qsysmem_node_sync(m->qts, &m->s, token);

    /* A client end with a reserved field set is not moved in. */
    coll = qsysmem_new_id();
    h[0] = qvirtio_sysmem_client_end(token);
    h[0].size = cpu_to_le64(8);
    h[1] = qvirtio_sysmem_server_end(coll);
    c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, a,
                                   SYSMEM_M_SYSMEM2_ALLOCATOR_BIND_SHARED_COLLECTION,
                                   &bind, h, 2);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep), ==,
                    VIRTIO_SYSMEM_S_INVALID_ARGS);
    qsysmem_node_sync(m->qts, &m->s, token);

    /* Rights, whatever they say, are no reason to refuse an entry. */
    e = qvirtio_sysmem_server_end(qsysmem_new_id());
    e.rights = 0;
    g_assert_cmpint(duplicate_with(m, token, e), ==, VIRTIO_SYSMEM_S_OK);
    qsysmem_node_sync(m->qts, &m->s, le32_to_cpu(e.id));
    e = qvirtio_sysmem_server_end(qsysmem_new_id());
    e.rights = cpu_to_le32(0xffffffff);
    g_assert_cmpint(duplicate_with(m, token, e), ==, VIRTIO_SYSMEM_S_OK);
    qsysmem_node_sync(m->qts, &m->s, le32_to_cpu(e.id));
    qtest_quit(m->qts);
}

/* An entry the device sent: @type, a device-chosen id, @rights, no more. */
static void assert_device_entry(const struct virtio_sysmem_handle *h,
                                uint32_t type, uint32_t rights)
{
    g_assert_cmpuint(le32_to_cpu(h->type), ==, type);
    g_assert_cmphex(le32_to_cpu(h->id) & VIRTIO_SYSMEM_ID_DEVICE_BIT, ==,
                    VIRTIO_SYSMEM_ID_DEVICE_BIT);
    g_assert_cmphex(le32_to_cpu(h->rights), ==, rights);
    g_assert_cmpuint(le32_to_cpu(h->flags), ==, 0);
    g_assert_cmpuint(le64_to_cpu(h->offset), ==, 0);
    g_assert_cmpuint(le64_to_cpu(h->size), ==, 0);
}

/*
 * Channels the device creates (DuplicateSync, CreateChildrenSync) reach
 * the driver as CHANNEL_CLIENT entries with device-chosen ids and
 * ZX_DEFAULT_CHANNEL_RIGHTS; the driver then holds a live token by that
 * id and can move it back in.  Node references are EVENTPAIR entries with
 * the basic rights less WAIT.
 */
static void test_device_created_ends_are_client_entries(void)
{
    SysmemMachine mach = {}, *m = &mach;
    g_autofree QVirtioSysmemReply *rep = g_new0(QVirtioSysmemReply, 1);
    sysmem2_buffer_collection_token_duplicate_sync_request_t ds = {
        .has_rights_attenuation_masks = true,
        .rights_attenuation_masks_count = 2,
        .rights_attenuation_masks = { 0xffffffff,
                                      VIRTIO_SYSMEM_RIGHT_SAME_RIGHTS },
    };
    sysmem2_buffer_collection_token_create_buffer_collection_token_group_request_t
        cg = { .has_group_request = true, .group_request = 1 };
    struct virtio_sysmem_handle gh;
    uint32_t a, token, t1, t2, group, child, coll, i, mid;
    QVirtioSysmemCall c;

    machine_start(m, "");
    a = qsysmem_open_allocator(m->qts, &m->s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    token = qsysmem_allocate_shared(m->qts, &m->s, a);
    mid = SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_DUPLICATE_SYNC;
    c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, token, mid, &ds, NULL, 0);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpuint(le32_to_cpu(rep->resp.num_handles), ==, 2);
    for (i = 0; i < 2; i++) {
        assert_device_entry(&rep->handles[i],
                            VIRTIO_SYSMEM_HANDLE_CHANNEL_CLIENT,
                            VIRTIO_SYSMEM_RIGHTS_CHANNEL);
    }
    t1 = le32_to_cpu(rep->handles[0].id);
    t2 = le32_to_cpu(rep->handles[1].id);
    g_assert_cmphex(t1, !=, t2);
    qsysmem_node_sync(m->qts, &m->s, t1);
    qsysmem_node_sync(m->qts, &m->s, t2);

    /* CreateChildrenSync on a group hands out the same kind of entry. */
    group = qsysmem_new_id();
    gh = qvirtio_sysmem_server_end(group);
    mid = SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_CREATE_BUFFER_COLLECTION_TOKEN_GROUP;
    qvirtio_sysmem_fidl_send(m->qts, &m->s, t2, mid, &cg, &gh, 1);
    ds.rights_attenuation_masks_count = 1;
    mid = SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILDREN_SYNC;
    c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, group, mid, &ds, NULL, 0);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpuint(le32_to_cpu(rep->resp.num_handles), ==, 1);
    assert_device_entry(&rep->handles[0], VIRTIO_SYSMEM_HANDLE_CHANNEL_CLIENT,
                        VIRTIO_SYSMEM_RIGHTS_CHANNEL);
    child = le32_to_cpu(rep->handles[0].id);
    qsysmem_node_sync(m->qts, &m->s, child);

    /* GetNodeRef: an event pair entry. */
    c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, token,
                                   SYSMEM_M_SYSMEM2_NODE_GET_NODE_REF,
                                   NULL, NULL, 0);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpuint(le32_to_cpu(rep->resp.num_handles), ==, 1);
    assert_device_entry(&rep->handles[0], VIRTIO_SYSMEM_HANDLE_EVENTPAIR,
                        VIRTIO_SYSMEM_RIGHTS_NODE_REF);
    g_assert_cmpint(qsysmem_close(m->qts, &m->s,
                                  le32_to_cpu(rep->handles[0].id)), ==,
                    VIRTIO_SYSMEM_S_OK);

    /* A device-created token moves back in like any client end. */
    coll = qsysmem_bind_token(m->qts, &m->s, a, t1);
    qsysmem_node_sync(m->qts, &m->s, coll);
    qtest_quit(m->qts);
}

/* Node.IsAlternateFor(@node, @ref): 1 or 0, or the Error negated. */
static int is_alternate_on(SysmemMachine *m, uint32_t node,
                           const struct virtio_sysmem_handle *ref)
{
    sysmem2_node_is_alternate_for_request_t r = {
        .has_node_ref = true, .node_ref = 1,
    };
    g_autofree QVirtioSysmemReply *rep = g_new0(QVirtioSysmemReply, 1);
    sysmem2_node_is_alternate_for_result_t res;
    QVirtioSysmemCall c;

    c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, node,
                                   SYSMEM_M_SYSMEM2_NODE_IS_ALTERNATE_FOR,
                                   &r, ref, 1);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qvirtio_sysmem_fidl_decode(
                        SYSMEM_M_SYSMEM2_NODE_IS_ALTERNATE_FOR, rep, &res),
                    ==, 0);
    return res.tag == 1 ? res.response.is_alternate : -(int)res.err;
}

/*
 * A node reference handed back (IsAlternateFor) is lent, not moved: the
 * driver still holds it, can use it again, and CLOSEs it itself.
 */
static void test_node_ref_is_lent_to_is_alternate_for(void)
{
    SysmemMachine mach = {}, *m = &mach;
    g_autofree QVirtioSysmemReply *rep = g_new0(QVirtioSysmemReply, 1);
    struct virtio_sysmem_handle ref;
    uint32_t a, token, dup;
    QVirtioSysmemCall c;
    QDict *dev;
    int64_t objects;

    machine_start(m, "");
    a = qsysmem_open_allocator(m->qts, &m->s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    token = qsysmem_allocate_shared(m->qts, &m->s, a);
    dup = qsysmem_duplicate(m->qts, &m->s, token);
    c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, dup,
                                   SYSMEM_M_SYSMEM2_NODE_GET_NODE_REF,
                                   NULL, NULL, 0);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep), ==,
                    VIRTIO_SYSMEM_S_OK);
    ref = rep->handles[0];
    dev = query_sysmem_on(m->qts);
    objects = qdict_get_int(dev, "objects");
    qobject_unref(dev);

    g_assert_cmpint(is_alternate_on(m, token, &ref), ==, 0);
    g_assert_cmpint(is_alternate_on(m, token, &ref), ==, 0);
    dev = query_sysmem_on(m->qts);
    g_assert_cmpint(qdict_get_int(dev, "objects"), ==, objects);
    qobject_unref(dev);
    g_assert_cmpint(qsysmem_close(m->qts, &m->s, le32_to_cpu(ref.id)), ==,
                    VIRTIO_SYSMEM_S_OK);
    dev = query_sysmem_on(m->qts);
    g_assert_cmpint(qdict_get_int(dev, "objects"), ==, objects - 1);
    qobject_unref(dev);
    qtest_quit(m->qts);
}

/* Allocator.GetVmoInfo(@entry) into @res. */
static void get_vmo_info_on(SysmemMachine *m, uint32_t a,
                            const struct virtio_sysmem_handle *entry,
                            sysmem2_allocator_get_vmo_info_result_t *res)
{
    sysmem2_allocator_get_vmo_info_request_t r = { .has_vmo = true, .vmo = 1 };
    g_autofree QVirtioSysmemReply *rep = g_new0(QVirtioSysmemReply, 1);
    QVirtioSysmemCall c;

    c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, a,
                                   SYSMEM_M_SYSMEM2_ALLOCATOR_GET_VMO_INFO,
                                   &r, entry, 1);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qvirtio_sysmem_fidl_decode(
                        SYSMEM_M_SYSMEM2_ALLOCATOR_GET_VMO_INFO, rep, res),
                    ==, 0);
}

/*
 * GetVmoInfo with a BUFFER entry names the buffer by its id only, and the
 * buffer is lent: the driver still holds it, can ask again, and releases
 * the memory with its own CLOSE.
 */
static void test_get_vmo_info_lends_the_buffer(void)
{
    SysmemMachine mach = {}, *m = &mach;
    g_autofree QVirtioSysmemReply *r = g_new0(QVirtioSysmemReply, 1);
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t
        *res = NULL;
    sysmem2_allocator_get_vmo_info_result_t info;
    struct virtio_sysmem_handle entry;
    uint32_t a, coll, i;
    QVirtioSysmemCall w;
    QDict *dev;

    machine_start(m, "");
    a = qsysmem_open_allocator(m->qts, &m->s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    coll = qsysmem_allocate_non_shared(m->qts, &m->s, a);
    qsysmem_set_constraints(m->qts, &m->s, coll, 2, 64 * 1024);
    w = qsysmem_wait_allocated(m->qts, &m->s, coll);
    res = qsysmem_wait_result(m->qts, &m->s, &w, r);
    g_assert_cmpuint(res->tag, ==, 1);
    g_assert_cmpuint(le32_to_cpu(r->handles[1].type), ==,
                     VIRTIO_SYSMEM_HANDLE_BUFFER);
    entry = r->handles[1];
    for (i = 0; i < 2; i++) {
        get_vmo_info_on(m, a, &entry, &info);
        g_assert_cmpuint(info.tag, ==, 1);
        g_assert_cmpuint(info.response.buffer_collection_id, ==,
                         res->response.buffer_collection_info.buffer_collection_id);
        g_assert_cmpuint(info.response.buffer_index, ==, 1);
        /* Only the id counts; the rest of a BUFFER entry is not read. */
        entry.offset = cpu_to_le64(12345);
        entry.size = 0;
        entry.rights = 0;
    }
    qsysmem_release_buffers(m->qts, &m->s, r);
    qsysmem_release_node(m->qts, &m->s, coll);
    g_assert_cmpint(qsysmem_close(m->qts, &m->s, a), ==, VIRTIO_SYSMEM_S_OK);
    dev = query_sysmem_on(m->qts);
    g_assert_cmpint(qdict_get_int(dev, "region-used"), ==, 0);
    qobject_unref(dev);
    assert_machine_empty(m);
    qtest_quit(m->qts);
}

/* Allocator.ValidateBufferCollectionToken(@koid).is_known. */
static bool token_known_on(SysmemMachine *m, uint32_t a, uint64_t koid)
{
    sysmem2_allocator_validate_buffer_collection_token_request_t r = {
        .has_token_server_koid = true, .token_server_koid = koid,
    };
    g_autofree QVirtioSysmemReply *rep = g_new0(QVirtioSysmemReply, 1);
    sysmem2_allocator_validate_buffer_collection_token_result_t res;
    uint32_t mid = SYSMEM_M_SYSMEM2_ALLOCATOR_VALIDATE_BUFFER_COLLECTION_TOKEN;
    QVirtioSysmemCall c;

    c = qvirtio_sysmem_fidl_submit(m->qts, &m->s, a, mid, &r, NULL, 0);
    g_assert_cmpint(qvirtio_sysmem_fidl_wait(m->qts, &m->s, &c, rep), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qvirtio_sysmem_fidl_decode(mid, rep, &res), ==, 0);
    g_assert_cmpuint(res.tag, ==, 1);
    return res.response.is_known;
}

/*
 * A token's server koid is the object id of its channel, zero-extended;
 * nothing above 32 bits names a token, nor does a collection's id.
 */
static void test_token_server_koid_is_channel_id(void)
{
    SysmemMachine mach = {}, *m = &mach;
    uint32_t a, token, dup, coll;

    machine_start(m, "");
    a = qsysmem_open_allocator(m->qts, &m->s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    token = qsysmem_allocate_shared(m->qts, &m->s, a);
    dup = qsysmem_duplicate(m->qts, &m->s, token);
    g_assert_true(token_known_on(m, a, token));
    g_assert_true(token_known_on(m, a, dup));
    g_assert_false(token_known_on(m, a, (1ull << 32) | token));
    g_assert_false(token_known_on(m, a, a));
    coll = qsysmem_bind_token(m->qts, &m->s, a, dup);
    g_assert_false(token_known_on(m, a, coll));
    g_assert_false(token_known_on(m, a, dup));
    qtest_quit(m->qts);
}

static void set_memory_constraints(SysmemMachine *m, uint32_t coll,
                                   bool cpu, bool ram, bool secure)
{
    g_autofree sysmem2_buffer_collection_set_constraints_request_t *r =
        g_new0(sysmem2_buffer_collection_set_constraints_request_t, 1);
    sysmem2_buffer_collection_constraints_t *c = &r->constraints;
    sysmem2_buffer_memory_constraints_t *bm = &c->buffer_memory_constraints;

    r->has_constraints = true;
    c->has_usage = true;
    if (secure) {
        c->usage.has_video = true;
        c->usage.video = SYSMEM2_VIDEO_USAGE_HW_DECODER;
    } else {
        c->usage.has_cpu = true;
        c->usage.cpu = SYSMEM2_CPU_USAGE_READ_OFTEN |
                       SYSMEM2_CPU_USAGE_WRITE_OFTEN;
    }
    c->has_min_buffer_count_for_camping = true;
    c->min_buffer_count_for_camping = 1;
    c->has_buffer_memory_constraints = true;
    bm->has_min_size_bytes = true;
    bm->min_size_bytes = 64 * 1024;
    bm->has_cpu_domain_supported = true;
    bm->cpu_domain_supported = cpu;
    bm->has_ram_domain_supported = true;
    bm->ram_domain_supported = ram;
    bm->has_inaccessible_domain_supported = true;
    bm->inaccessible_domain_supported = secure;
    if (secure) {
        bm->has_secure_required = true;
        bm->secure_required = true;
        bm->has_permitted_heaps = true;
        bm->permitted_heaps_count = 1;
        bm->permitted_heaps[0].has_heap_type = true;
        strcpy(bm->permitted_heaps[0].heap_type, VIRTIO_SYSMEM_HEAP_SECURE);
        bm->permitted_heaps[0].heap_type_len =
            strlen(VIRTIO_SYSMEM_HEAP_SECURE);
    }
    qvirtio_sysmem_fidl_send(m->qts, &m->s, coll,
                             SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS,
                             r, NULL, 0);
}

/*
 * Allocate one buffer with the given domains; check its heap name, its
 * coherency domain and its entry's flags, then release everything.
 */
static void assert_allocation(SysmemMachine *m, uint32_t a, bool cpu,
                              bool ram, bool secure, const char *heap,
                              uint32_t domain, uint32_t flags)
{
    g_autofree QVirtioSysmemReply *r = g_new0(QVirtioSysmemReply, 1);
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t
        *res = NULL;
    const sysmem2_buffer_memory_settings_t *bs;
    uint32_t coll = qsysmem_allocate_non_shared(m->qts, &m->s, a);
    QVirtioSysmemCall w;

    set_memory_constraints(m, coll, cpu, ram, secure);
    w = qsysmem_wait_allocated(m->qts, &m->s, coll);
    res = qsysmem_wait_result(m->qts, &m->s, &w, r);
    g_assert_cmpuint(res->tag, ==, 1);
    bs = &res->response.buffer_collection_info.settings.buffer_settings;
    g_assert_cmpstr(bs->heap.heap_type, ==, heap);
    g_assert_cmpuint(bs->coherency_domain, ==, domain);
    g_assert_cmpuint(le32_to_cpu(r->handles[0].type), ==,
                     VIRTIO_SYSMEM_HANDLE_BUFFER);
    g_assert_cmphex(le32_to_cpu(r->handles[0].flags), ==, flags);
    g_assert_cmphex(le32_to_cpu(r->handles[0].rights) &
                    ~VIRTIO_SYSMEM_RIGHTS_BUFFER, ==, 0);
    if (secure) {
        g_assert_cmphex(le32_to_cpu(r->handles[0].rights) &
                        (VIRTIO_SYSMEM_RIGHT_READ | VIRTIO_SYSMEM_RIGHT_WRITE |
                         VIRTIO_SYSMEM_RIGHT_MAP), ==, 0);
    } else {
        g_assert_cmphex(le32_to_cpu(r->handles[0].rights), ==,
                        VIRTIO_SYSMEM_RIGHTS_BUFFER);
    }
    qsysmem_release_buffers(m->qts, &m->s, r);
    qsysmem_release_node(m->qts, &m->s, coll);
}

/*
 * The heaps carry the names the header defines; CPU_CACHED is set for
 * buffers of the CPU and of the RAM coherency domain alike, never for a
 * secure (inaccessible) one; buffer rights are VIRTIO_SYSMEM_RIGHTS_BUFFER
 * at most.
 */
static void test_heap_names_and_cache_flags(void)
{
    SysmemMachine mach = {}, *m = &mach;
    uint32_t a;

    machine_start_dev(m, "size=16M,secure-size=4M", "");
    g_assert_true(qvirtio_get_features(m->s.vdev) &
                  (1ull << VIRTIO_SYSMEM_F_SECURE_HEAP));
    a = qsysmem_open_allocator(m->qts, &m->s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    assert_allocation(m, a, true, true, false, VIRTIO_SYSMEM_HEAP_SYSTEM_RAM,
                      SYSMEM2_COHERENCY_DOMAIN_CPU,
                      VIRTIO_SYSMEM_BUFFER_F_CPU_CACHED);
    assert_allocation(m, a, false, true, false, VIRTIO_SYSMEM_HEAP_SYSTEM_RAM,
                      SYSMEM2_COHERENCY_DOMAIN_RAM,
                      VIRTIO_SYSMEM_BUFFER_F_CPU_CACHED);
    assert_allocation(m, a, false, false, true, VIRTIO_SYSMEM_HEAP_SECURE,
                      SYSMEM2_COHERENCY_DOMAIN_INACCESSIBLE,
                      VIRTIO_SYSMEM_BUFFER_F_INACCESSIBLE);
    g_assert_cmpint(qsysmem_close(m->qts, &m->s, a), ==, VIRTIO_SYSMEM_S_OK);
    assert_machine_empty(m);
    qtest_quit(m->qts);
}

/*
 * A client end moved into the device gets exactly one CLOSED event, and
 * that event frees its id: the driver sends no CLOSE for it and may use
 * the id for a new channel.
 */
static void test_moved_in_client_end_freed_by_closed_event(void)
{
    SysmemMachine mach = {}, *m = &mach;
    struct virtio_sysmem_event ev;
    uint8_t bytes[256];
    uint32_t a, token, coll;

    machine_start(m, "");
    qvirtio_sysmem_post_event(m->qts, &m->s, 256);
    qvirtio_sysmem_post_event(m->qts, &m->s, 256);
    a = qsysmem_open_allocator(m->qts, &m->s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    token = qsysmem_allocate_shared(m->qts, &m->s, a);
    coll = qsysmem_bind_token(m->qts, &m->s, a, token);
    g_assert_true(qvirtio_sysmem_next_event(m->qts, &m->s, 5000000, &ev,
                                            bytes, sizeof(bytes)));
    g_assert_cmpuint(le32_to_cpu(ev.type), ==, VIRTIO_SYSMEM_EVENT_CLOSED);
    g_assert_cmpuint(le32_to_cpu(ev.object_id), ==, token);
    g_assert_cmpint((int32_t)le32_to_cpu(ev.status), ==,
                    VIRTIO_SYSMEM_S_PEER_CLOSED);
    /*
     * Only one: the device queues events while it handles the request, so
     * a second one would already be in the second buffer.
     */
    g_assert_false(qvirtio_sysmem_next_event(m->qts, &m->s, 0, &ev,
                                             bytes, sizeof(bytes)));
    g_assert_cmpint(qsysmem_connect(m->qts, &m->s, token,
                                    VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(qsysmem_close(m->qts, &m->s, token), ==,
                    VIRTIO_SYSMEM_S_OK);
    qsysmem_release_node(m->qts, &m->s, coll);
    g_assert_cmpint(qsysmem_close(m->qts, &m->s, a), ==, VIRTIO_SYSMEM_S_OK);
    assert_machine_empty(m);
    qtest_quit(m->qts);
}

static void register_virtio_sysmem_spec_test(void)
{
    qtest_add_func("/virtio-sysmem/spec/v1-connect-needs-negotiated-feature",
                   test_v1_connect_needs_negotiated_feature);
    qtest_add_func("/virtio-sysmem/spec/nonbuffer-entry-reserved-fields-refused",
                   test_nonbuffer_entry_reserved_fields_refused);
    qtest_add_func("/virtio-sysmem/spec/device-created-ends-are-client-entries",
                   test_device_created_ends_are_client_entries);
    qtest_add_func("/virtio-sysmem/spec/node-ref-is-lent-to-is-alternate-for",
                   test_node_ref_is_lent_to_is_alternate_for);
    qtest_add_func("/virtio-sysmem/spec/get-vmo-info-lends-the-buffer",
                   test_get_vmo_info_lends_the_buffer);
    qtest_add_func("/virtio-sysmem/spec/token-server-koid-is-channel-id",
                   test_token_server_koid_is_channel_id);
    qtest_add_func("/virtio-sysmem/spec/heap-names-and-cache-flags",
                   test_heap_names_and_cache_flags);
    qtest_add_func("/virtio-sysmem/spec/moved-in-client-end-freed-by-closed-event",
                   test_moved_in_client_end_freed_by_closed_event);
}

libqos_init(register_virtio_sysmem_spec_test);
