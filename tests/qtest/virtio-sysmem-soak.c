/*
 * virtio-sysmem soak: many negotiations through one QEMU run
 *
 * Mixed fuchsia.sysmem2 and fuchsia.sysmem (v1) participants, 1 to 8 per
 * collection, and in about one negotiation out of five a participant that
 * dies (closes without Release) before setting constraints.  After every
 * negotiation the device must be back to zero objects and zero region
 * bytes; at the end QEMU's RSS must not have grown beyond a bound since the
 * warm-up (a leak of one allocation per negotiation would show).
 *
 * usage: virtio-sysmem-soak [--tap] [NEGOTIATIONS [SEED]]   (exit 0: pass)
 * With --tap the verdict is also one TAP line, for scripts/run-tests.sh.
 *
 * Copyright (c) 2026 The virtio-sysmem authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "qemu/bswap.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "libqos/malloc-pc.h"
#include "libqos/pci-pc.h"
#include "libqos/virtio-pci.h"
#include "libqos/virtio-sysmem.h"
#include "libqos/virtio-sysmem-fidl.h"

#define MAX_PARTICIPANTS 8

static QDict *device_info(QTestState *qts)
{
    QDict *resp = qtest_qmp(qts, "{'execute': 'x-query-virtio-sysmem'}");
    QDict *dev = qobject_to(QDict, qlist_peek(qdict_get_qlist(resp,
                                                               "return")));

    qobject_ref(dev);
    qobject_unref(resp);
    return dev;
}

static long qemu_rss_kib(QTestState *qts)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status",
                                            (int)qtest_pid(qts));
    g_autofree char *text = NULL;
    char *line;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    line = strstr(text, "VmRSS:");
    g_assert_nonnull(line);
    return strtol(line + 6, NULL, 10);
}

static uint32_t bind_v1(QTestState *qts, QVirtioSysmem *s, uint32_t alloc1,
                        uint32_t token)
{
    sysmem1_allocator_bind_shared_collection_request_t r = {
        .token = 1, .buffer_collection_request = 2,
    };
    struct virtio_sysmem_handle h[2] = {
        qvirtio_sysmem_client_end(token),
        qvirtio_sysmem_server_end(qsysmem_new_id()),
    };

    qvirtio_sysmem_fidl_send(qts, s, alloc1,
                             SYSMEM_M_SYSMEM1_ALLOCATOR_BIND_SHARED_COLLECTION,
                             &r, h, 2);
    return le32_to_cpu(h[1].id);
}

static int32_t set_constraints_v1(QTestState *qts, QVirtioSysmem *s,
                                  uint32_t coll, uint32_t count,
                                  uint32_t size)
{
    g_autofree sysmem1_buffer_collection_set_constraints_request_t *r =
        g_new0(sysmem1_buffer_collection_set_constraints_request_t, 1);
    g_autofree QVirtioSysmemReply *reply = g_new0(QVirtioSysmemReply, 1);
    QVirtioSysmemCall call;

    r->has_constraints = true;
    r->constraints.usage.cpu = SYSMEM2_CPU_USAGE_READ_OFTEN |
                               SYSMEM2_CPU_USAGE_WRITE_OFTEN;
    r->constraints.min_buffer_count_for_camping = count;
    r->constraints.has_buffer_memory_constraints = true;
    r->constraints.buffer_memory_constraints.min_size_bytes = size;
    r->constraints.buffer_memory_constraints.max_size_bytes = 1 << 22;
    r->constraints.buffer_memory_constraints.cpu_domain_supported = true;
    call = qvirtio_sysmem_fidl_submit(
        qts, s, coll, SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_SET_CONSTRAINTS, r,
        NULL, 0);
    return qvirtio_sysmem_fidl_wait(qts, s, &call, reply);
}

/* One negotiation; returns true if it was meant to (and did) allocate. */
static bool negotiate(QTestState *qts, QVirtioSysmem *s, GRand *rand)
{
    int n = g_rand_int_range(rand, 1, MAX_PARTICIPANTS + 1);
    int dying = g_rand_int_range(rand, 0, 5) == 0 && n > 1 ?
                g_rand_int_range(rand, 1, n) : -1;
    uint32_t a2 = qsysmem_open_allocator(qts, s,
                                         VIRTIO_SYSMEM_PROTOCOL_SYSMEM2);
    uint32_t a1 = qsysmem_open_allocator(qts, s,
                                         VIRTIO_SYSMEM_PROTOCOL_SYSMEM1);
    uint32_t token[MAX_PARTICIPANTS], coll[MAX_PARTICIPANTS];
    bool v1[MAX_PARTICIPANTS];
    QVirtioSysmemCall wait[MAX_PARTICIPANTS];
    g_autofree QVirtioSysmemReply *r = g_new0(QVirtioSysmemReply, 1);
    bool allocated = dying < 0;
    int i;

    token[0] = qsysmem_allocate_shared(qts, s, a2);
    for (i = 1; i < n; i++) {
        token[i] = qsysmem_duplicate(qts, s, token[0]);
    }
    qsysmem_node_sync(qts, s, token[0]);
    for (i = 0; i < n; i++) {
        v1[i] = i > 0 && g_rand_boolean(rand);
        if (i == dying) {
            /* Its process dies: the token closes without Release. */
            qsysmem_close(qts, s, token[i]);
            coll[i] = 0;
            continue;
        }
        coll[i] = v1[i] ? bind_v1(qts, s, a1, token[i]) :
                          qsysmem_bind_token(qts, s, a2, token[i]);
    }
    for (i = 0; i < n; i++) {
        /* Someone must ask for a buffer, or sysmem fails the collection. */
        uint32_t count = g_rand_int_range(rand, i == 0 ? 1 : 0, 3);
        uint32_t size = 4096 * g_rand_int_range(rand, 1, 33);
        int32_t st;

        if (!coll[i]) {
            continue;
        }
        if (v1[i]) {
            st = set_constraints_v1(qts, s, coll[i], count, size);
            wait[i] = qvirtio_sysmem_fidl_submit(
                qts, s, coll[i],
                SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_WAIT_FOR_BUFFERS_ALLOCATED,
                NULL, NULL, 0);
        } else {
            st = qsysmem_try_set_constraints(qts, s, coll[i], count, size);
            wait[i] = qsysmem_wait_allocated(qts, s, coll[i]);
        }
        /* After a participant died, sysmem may already have closed it. */
        if (st != VIRTIO_SYSMEM_S_OK &&
            (allocated || st != VIRTIO_SYSMEM_S_PEER_CLOSED)) {
            g_error("SetConstraints of participant %d of %d (%s, %s): "
                    "status %d", i, n, v1[i] ? "v1" : "v2",
                    allocated ? "nobody died" : "one died", st);
        }
    }
    for (i = 0; i < n; i++) {
        int32_t st;

        if (!coll[i]) {
            continue;
        }
        st = qvirtio_sysmem_fidl_wait(qts, s, &wait[i], r);
        if (allocated) {
            g_assert_cmpint(st, ==, VIRTIO_SYSMEM_S_OK);
            g_assert_cmpuint(le32_to_cpu(r->resp.num_handles), >=, 1);
        }
        if (st == VIRTIO_SYSMEM_S_OK) {
            qsysmem_release_buffers(qts, s, r);
        }
        /* Failed collections are closed by sysmem; close our end too. */
        qsysmem_close(qts, s, coll[i]);
    }
    qsysmem_close(qts, s, a1);
    qsysmem_close(qts, s, a2);
    return allocated;
}

/*
 * Read every event the device has, reposting each buffer, as a driver
 * does: a bound token's id is only free once its CLOSED event is read.
 */
#define EVENT_BUFFERS 32

static void drain_events(QTestState *qts, QVirtioSysmem *s)
{
    struct virtio_sysmem_event ev;
    uint8_t bytes[256];

    while (qvirtio_sysmem_next_event(qts, s, 0, &ev, bytes, sizeof(bytes))) {
        qvirtio_sysmem_post_event(qts, s, sizeof(bytes));
    }
}

static bool tap;

static int verdict(int status, int total)
{
    if (tap) {
        printf("1..1\n%s 1 - soak: %d negotiations\n",
               status ? "not ok" : "ok", total);
    }
    return status;
}

int main(int argc, char **argv)
{
    int total, warmup;
    guint32 seed;
    QPCIAddress addr = { .devfn = QPCI_DEVFN(4, 0) };
    g_autoptr(GRand) rand = NULL;
    QGuestAllocator alloc;
    QVirtioPCIDevice *dev;
    QVirtioSysmem s = {};
    QTestState *qts;
    long rss_start, rss_end;
    int i, ok = 0;

    if (argc > 1 && !strcmp(argv[1], "--tap")) {
        tap = true;
        argc--;
        argv++;
    }
    total = argc > 1 ? atoi(argv[1]) : 300;
    seed = argc > 2 ? strtoul(argv[2], NULL, 0) : 1;
    warmup = total / 10 + 1;
    rand = g_rand_new_with_seed(seed);
    if (total < 1 || !getenv("QTEST_QEMU_BINARY")) {
        fprintf(stderr, "usage: QTEST_QEMU_BINARY=... %s [NEGOTIATIONS "
                "[SEED]]\n", argv[0]);
        return 2;
    }
    qts = qtest_init("-M pc -device virtio-sysmem-pci,addr=04.0,size=64M");
    pc_alloc_init(&alloc, qts, ALLOC_NO_FLAGS);
    dev = virtio_pci_new(qpci_new_pc(qts, &alloc), &addr);
    g_assert_nonnull(dev);
    qvirtio_pci_start_hw(&dev->obj);
    s.vdev = &dev->vdev;
    s.alloc = &alloc;
    qvirtio_sysmem_start(&s);
    for (i = 0; i < EVENT_BUFFERS; i++) {
        qvirtio_sysmem_post_event(qts, &s, 256);
    }

    rss_start = 0;
    for (i = 0; i < total + warmup; i++) {
        QDict *info;

        if (i == warmup) {
            rss_start = qemu_rss_kib(qts);
        }
        ok += negotiate(qts, &s, rand);
        drain_events(qts, &s);
        info = device_info(qts);
        if (qdict_get_int(info, "objects") ||
            qdict_get_int(info, "region-used") ||
            qdict_get_int(info, "held-requests")) {
            fprintf(stderr, "negotiation %d left %" PRId64 " objects, %"
                    PRId64 " region bytes, %" PRId64 " held calls\n", i,
                    qdict_get_int(info, "objects"),
                    qdict_get_int(info, "region-used"),
                    qdict_get_int(info, "held-requests"));
            return verdict(1, total);
        }
        qobject_unref(info);
    }
    rss_end = qemu_rss_kib(qts);
    printf("# %d negotiations (%d allocated, %d failed on purpose), seed %u; "
           "QEMU RSS %ld KiB after warm-up, %ld KiB at the end\n",
           total + warmup, ok, total + warmup - ok, seed, rss_start, rss_end);
    qtest_quit(qts);
    /* 4 MiB of slack for allocator caches; a per-negotiation leak exceeds it. */
    if (rss_end - rss_start > 4096) {
        fprintf(stderr, "QEMU RSS grew by %ld KiB\n", rss_end - rss_start);
        return verdict(1, total + warmup);
    }
    return verdict(0, total + warmup);
}
