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
#include "libqos/virtio-sysmem.h"

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

static int32_t sysmem_connect(QVirtioSysmem *s, uint32_t id, uint32_t proto)
{
    return qvirtio_sysmem_call(global_qtest, s, VIRTIO_SYSMEM_OP_CONNECT, id,
                               proto, NULL, 0, NULL, 0, NULL, NULL, 0,
                               NULL, 0);
}

static int32_t sysmem_close(QVirtioSysmem *s, uint32_t id)
{
    return qvirtio_sysmem_call(global_qtest, s, VIRTIO_SYSMEM_OP_CLOSE, id, 0,
                               NULL, 0, NULL, 0, NULL, NULL, 0, NULL, 0);
}

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

    g_assert_cmpint(sysmem_connect(s, 1, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(sysmem_connect(s, 2, VIRTIO_SYSMEM_PROTOCOL_SYSMEM1), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(sysmem_connect(s, 1, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_ALREADY_EXISTS);
    /* The device's half of the id space is not the driver's to choose. */
    g_assert_cmpint(sysmem_connect(s, VIRTIO_SYSMEM_ID_DEVICE_BIT | 5,
                                   VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_INVALID_ARGS);
    g_assert_cmpint(sysmem_connect(s, 0, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_INVALID_ARGS);
    g_assert_cmpint(sysmem_connect(s, 3, 99), ==,
                    VIRTIO_SYSMEM_S_PROTOCOL_NOT_SUPPORTED);
    g_assert_cmpint(sysmem_close(s, 1), ==, VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(sysmem_close(s, 1), ==, VIRTIO_SYSMEM_S_NOT_FOUND);
    g_assert_cmpint(sysmem_close(s, 2), ==, VIRTIO_SYSMEM_S_OK);
}

static void test_unknown_method(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioSysmem *s = obj;
    struct virtio_sysmem_resp_hdr resp;
    uint8_t reply[64];
    int32_t status;

    g_assert_cmpint(sysmem_connect(s, 7, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
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
    g_assert_cmpint(sysmem_close(s, 7), ==, VIRTIO_SYSMEM_S_OK);
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
    g_assert_cmpint(sysmem_connect(s, 8, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    g_assert_cmpint(sysmem_connect(s, 9, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2), ==,
                    VIRTIO_SYSMEM_S_OK);
    status = qvirtio_sysmem_call(global_qtest, s, VIRTIO_SYSMEM_OP_MESSAGE, 8,
                                 0, bad, sizeof(bad), NULL, 0, NULL, NULL, 0,
                                 NULL, 0);
    g_assert_cmpint(status, ==, VIRTIO_SYSMEM_S_PEER_CLOSED);

    g_assert_true(qvirtio_sysmem_next_event(global_qtest, s, 5000000, &ev,
                                            epitaph, sizeof(epitaph)));
    g_assert_cmpuint(le32_to_cpu(ev.type), ==, VIRTIO_SYSMEM_EVENT_CLOSED);
    g_assert_cmpuint(le32_to_cpu(ev.object_id), ==, 8);
    g_assert_cmpint((int32_t)le32_to_cpu(ev.status), ==,
                    VIRTIO_SYSMEM_S_PROTOCOL_NOT_SUPPORTED);
    g_assert_cmpuint(le32_to_cpu(ev.num_bytes), ==, 24);
    g_assert_cmphex(ldq_le_p(&epitaph[8]), ==, UINT64_MAX);
    g_assert_cmpint((int32_t)ldl_le_p(&epitaph[16]), ==,
                    VIRTIO_SYSMEM_S_PROTOCOL_NOT_SUPPORTED);

    /* Channel 8 is gone, channel 9 is untouched. */
    g_assert_cmpint(sysmem_close(s, 8), ==, VIRTIO_SYSMEM_S_NOT_FOUND);
    status = qvirtio_sysmem_call(global_qtest, s, VIRTIO_SYSMEM_OP_MESSAGE, 9,
                                 0, unknown_two_way, sizeof(unknown_two_way),
                                 NULL, 0, NULL, epitaph, sizeof(epitaph),
                                 NULL, 0);
    g_assert_cmpint(status, ==, VIRTIO_SYSMEM_S_OK);
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

static void register_virtio_sysmem_test(void)
{
    qos_add_test("config", "virtio-sysmem", test_config, NULL);
    qos_add_test("shm-region", "virtio-sysmem-pci", test_shm_region, NULL);
    qos_add_test("connect-close", "virtio-sysmem", test_connect_and_close,
                 NULL);
    qos_add_test("unknown-method", "virtio-sysmem", test_unknown_method, NULL);
    qos_add_test("bad-magic", "virtio-sysmem", test_bad_magic_closes_channel,
                 NULL);
    qtest_add_func("/virtio-sysmem/bad-properties", test_bad_properties);
    qtest_add_func("/virtio-sysmem/bad-command-line", test_bad_command_line);
}

libqos_init(register_virtio_sysmem_test);
