/*
 * virtio-sysmem device round-trip benchmark (qtest-driven; not a test)
 *
 * Prints, median and spread over several rounds:
 *   - Node.Sync round trips per second through the device: the transport
 *     floor (virtqueue + codec + core dispatch for the smallest call);
 *   - a complete two-participant negotiation, and the same as a multiple
 *     of "number of messages x Sync round trip": how much the negotiation
 *     costs beyond moving its messages.
 * Every qtest memory access is a socket round trip to QEMU, so absolute
 * numbers are those of a qtest driver; the ratio is the point.
 *
 * usage: virtio-sysmem-bench [ROUNDS [SYNCS [JSON_PATH]]]
 *
 * Copyright (c) 2026 The virtio-sysmem authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "libqos/malloc-pc.h"
#include "libqos/pci-pc.h"
#include "libqos/virtio-pci.h"
#include "libqos/virtio-sysmem.h"
#include "libqos/virtio-sysmem-fidl.h"

/* Messages a two-participant negotiation sends (see negotiate()). */
#define NEGOTIATION_MESSAGES 16

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* One negotiation from connect to teardown; returns the messages sent. */
static int negotiate(QTestState *qts, QVirtioSysmem *s)
{
    g_autofree QVirtioSysmemReply *r1 = g_new0(QVirtioSysmemReply, 1);
    g_autofree QVirtioSysmemReply *r2 = g_new0(QVirtioSysmemReply, 1);
    g_autofree void *res1 = NULL, *res2 = NULL;
    uint32_t a = qsysmem_open_allocator(qts, s,
                                        VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    uint32_t token = qsysmem_allocate_shared(qts, s, a);
    uint32_t token2 = qsysmem_duplicate(qts, s, token);
    uint32_t c1, c2;
    QVirtioSysmemCall w1, w2;

    qsysmem_node_sync(qts, s, token);
    c1 = qsysmem_bind_token(qts, s, a, token);
    c2 = qsysmem_bind_token(qts, s, a, token2);
    qsysmem_set_constraints(qts, s, c1, 1, 64 * 1024);
    qsysmem_set_constraints(qts, s, c2, 1, 64 * 1024);
    w1 = qsysmem_wait_allocated(qts, s, c1);
    w2 = qsysmem_wait_allocated(qts, s, c2);
    res1 = qsysmem_wait_result(qts, s, &w1, r1);
    res2 = qsysmem_wait_result(qts, s, &w2, r2);
    qsysmem_release_buffers(qts, s, r1);    /* 2 CLOSEs */
    qsysmem_release_buffers(qts, s, r2);
    qsysmem_release_node(qts, s, c1);       /* Release + CLOSE */
    qsysmem_release_node(qts, s, c2);
    qsysmem_close(qts, s, a);
    return NEGOTIATION_MESSAGES;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    int syncs = argc > 2 ? atoi(argv[2]) : 500;
    const char *json = argc > 3 ? argv[3] : NULL;
    g_autofree double *sync_us = NULL, *neg_us = NULL, *ratio = NULL;
    QPCIAddress addr = { .devfn = QPCI_DEVFN(4, 0) };
    QGuestAllocator alloc;
    QVirtioPCIDevice *dev;
    QVirtioSysmem s = {};
    QTestState *qts;
    QPCIBus *bus;
    uint32_t a, coll;
    int r, i;

    if (rounds < 1 || syncs < 1) {
        fprintf(stderr, "usage: %s [ROUNDS [SYNCS [JSON_PATH]]]\n", argv[0]);
        return 2;
    }
    if (!getenv("QTEST_QEMU_BINARY")) {
        fprintf(stderr, "%s: set QTEST_QEMU_BINARY\n", argv[0]);
        return 2;
    }
    sync_us = g_new(double, rounds);
    neg_us = g_new(double, rounds);
    ratio = g_new(double, rounds);

    qts = qtest_init("-M pc -device virtio-sysmem-pci,addr=04.0,size=64M");
    pc_alloc_init(&alloc, qts, ALLOC_NO_FLAGS);
    bus = qpci_new_pc(qts, &alloc);
    dev = virtio_pci_new(bus, &addr);
    g_assert_nonnull(dev);
    qvirtio_pci_start_hw(&dev->obj);
    s.vdev = &dev->vdev;
    s.alloc = &alloc;
    qvirtio_sysmem_start(&s);

    a = qsysmem_open_allocator(qts, &s, VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    coll = qsysmem_allocate_non_shared(qts, &s, a);
    negotiate(qts, &s);     /* warm up */
    for (r = 0; r < rounds; r++) {
        gint64 t0 = g_get_monotonic_time();
        int messages;

        for (i = 0; i < syncs; i++) {
            qsysmem_node_sync(qts, &s, coll);
        }
        sync_us[r] = (double)(g_get_monotonic_time() - t0) / syncs;
        t0 = g_get_monotonic_time();
        messages = negotiate(qts, &s);
        neg_us[r] = (double)(g_get_monotonic_time() - t0);
        ratio[r] = neg_us[r] / (messages * sync_us[r]);
    }
    qsort(sync_us, rounds, sizeof(double), cmp_double);
    qsort(neg_us, rounds, sizeof(double), cmp_double);
    qsort(ratio, rounds, sizeof(double), cmp_double);

    printf("virtio-sysmem device round trip (qtest-driven, %d rounds, "
           "%d syncs/round)\n", rounds, syncs);
    printf("%-38s %12s %12s %12s\n", "metric", "median", "min", "max");
    printf("%-38s %12.1f %12.1f %12.1f\n", "Node.Sync round trip (us)",
           sync_us[rounds / 2], sync_us[0], sync_us[rounds - 1]);
    printf("%-38s %12.0f %12.0f %12.0f\n", "Node.Sync calls per second",
           1e6 / sync_us[rounds / 2], 1e6 / sync_us[rounds - 1],
           1e6 / sync_us[0]);
    printf("%-38s %12.0f %12.0f %12.0f\n",
           "2-participant negotiation (us)", neg_us[rounds / 2], neg_us[0],
           neg_us[rounds - 1]);
    printf("%-38s %12.2f %12.2f %12.2f\n",
           "negotiation / (16 msgs x Sync RTT)", ratio[rounds / 2],
           ratio[0], ratio[rounds - 1]);

    if (json) {
        /* The common record of docs/benchmarks.md (bench/bench-util.h). */
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
        double floor_us = NEGOTIATION_MESSAGES * sync_us[rounds / 2];
        g_autofree char *text = g_strdup_printf(
            "{\"benchmark\": \"device-roundtrip\", \"timestamp\": \"%s\", "
            "\"host\": \"%s, %d cpus, qtest-driven\", \"metrics\": [\n"
            "  {\"name\": \"Node.Sync round trip\", \"unit\": \"us\", "
            "\"median\": %.3f, \"min\": %.3f, \"max\": %.3f, "
            "\"baseline_name\": null, \"baseline_median\": null, "
            "\"ratio\": null},\n"
            "  {\"name\": \"Node.Sync calls per second\", \"unit\": "
            "\"calls/s\", \"median\": %.1f, \"min\": %.1f, \"max\": %.1f, "
            "\"baseline_name\": null, \"baseline_median\": null, "
            "\"ratio\": null},\n"
            "  {\"name\": \"2-participant negotiation\", \"unit\": \"us\", "
            "\"median\": %.1f, \"min\": %.1f, \"max\": %.1f, "
            "\"baseline_name\": \"%d msgs x Node.Sync RTT\", "
            "\"baseline_median\": %.1f, \"ratio\": %.4f},\n"
            "  {\"name\": \"negotiation / transport floor (per round)\", "
            "\"unit\": \"x\", \"median\": %.4f, \"min\": %.4f, "
            "\"max\": %.4f, \"baseline_name\": null, "
            "\"baseline_median\": null, \"ratio\": null}\n]}\n",
            stamp, g_get_host_name(), g_get_num_processors(),
            sync_us[rounds / 2], sync_us[0], sync_us[rounds - 1],
            1e6 / sync_us[rounds / 2], 1e6 / sync_us[rounds - 1],
            1e6 / sync_us[0], neg_us[rounds / 2], neg_us[0],
            neg_us[rounds - 1], NEGOTIATION_MESSAGES, floor_us,
            neg_us[rounds / 2] / floor_us, ratio[rounds / 2], ratio[0],
            ratio[rounds - 1]);

        if (!g_file_set_contents(json, text, -1, NULL)) {
            fprintf(stderr, "%s: cannot write %s\n", argv[0], json);
            return 1;
        }
    }
    qtest_quit(qts);
    return 0;
}
