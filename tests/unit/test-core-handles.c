/*
 * The core's channel and handle contract, against the core alone: why an
 * id is closed (SysmemCloseReason), how long a closed id stays taken, and
 * the status of every write (sysmem-core.h, docs/core.md "Channels and
 * ids").  One test per reason and per status.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "tests/unit/test-core-util.h"

/* A flexible method no protocol has: open protocols ignore or answer it. */
#define UNKNOWN_ORDINAL 0x10ff10ff10ff10ffull

static void fidl_msg(uint8_t msg[16], uint32_t txid, bool bad_magic)
{
    uint64_t ord = UNKNOWN_ORDINAL;
    int i;

    msg[0] = txid;
    msg[1] = txid >> 8;
    msg[2] = txid >> 16;
    msg[3] = txid >> 24;
    msg[4] = 0x02;                      /* at-rest flags: wire format v2 */
    msg[5] = 0;
    msg[6] = 0x80;                      /* dynamic flags: flexible */
    msg[7] = bad_magic ? 0x02 : 0x01;
    for (i = 0; i < 8; i++) {
        msg[8 + i] = ord >> (8 * i);
    }
}

/* A one-way message that leaves the channel open (an unknown flexible). */
static int32_t send_harmless(VsHost *h, uint32_t id, const SysmemHandle *hd,
                             uint32_t nh)
{
    uint8_t msg[16];

    fidl_msg(msg, 0, false);
    return vs_send_raw(h, id, msg, sizeof(msg), hd, nh);
}

/* The same as a two-way call; *answered says whether a reply came. */
static int32_t call_harmless(VsHost *h, uint32_t id, bool *answered)
{
    SysmemCore *core = vs_host_core(h);
    VsCall call = { 0 };
    uint8_t msg[16];
    int32_t rc;

    fidl_msg(msg, 0x1234, false);
    call.method = sysmem_method_by_id(SYSMEM_M_SYSMEM2_NODE_SYNC);
    rc = vs_host_status(h, sysmem_core_message(core, id, msg, sizeof(msg),
                                               NULL, 0, &call));
    *answered = call.done;
    g_free(call.bytes);
    return rc;
}

/* A message the core closes its channel for (bad magic). */
static int32_t send_malformed(VsHost *h, uint32_t id, bool two_way)
{
    uint8_t msg[16];

    fidl_msg(msg, two_way ? 7 : 0, true);
    return vs_send_raw(h, id, msg, sizeof(msg), NULL, 0);
}

static bool has(VsHost *h, uint32_t id)
{
    return sysmem_core_has_object(vs_host_core(h), id);
}

static SysmemCloseReason reason_of(VsHost *h, uint32_t id)
{
    SysmemCloseReason r;

    g_assert_true(vs_close_reason(h, id, &r));
    return r;
}

static uint32_t connect_at(VsHost *h, uint32_t id, int32_t expect)
{
    g_assert_cmpint(sysmem_core_connect(vs_host_core(h), id,
                                        SYSMEM_PROTOCOL_SYSMEM2), ==, expect);
    return id;
}

static uint32_t objects(VsHost *h)
{
    SysmemCoreStats st;

    sysmem_core_get_stats(vs_host_core(h), &st);
    return st.objects;
}

/* An AttachNodeTracking event pair end with host id @ev on @coll. */
static void attach_node_tracking(VsHost *h, uint32_t coll, uint32_t ev)
{
    sysmem2_node_attach_node_tracking_request_t r = {
        .has_server_end = true, .server_end = 1,
    };
    SysmemHandle hd = { .kind = SYSMEM_HANDLE_EVENTPAIR, .id = ev };

    g_assert_cmpint(vs_send(h, coll, SYSMEM_M_SYSMEM2_NODE_ATTACH_NODE_TRACKING,
                            &r, &hd, 1, NULL), ==, 0);
}

/* ------------------------------------------------------------------ */
/* Reasons                                                              */

/* HOST_CLOSED: nothing to pass on, no bytes, the id is free at once. */
static void test_reason_host_closed(void)
{
    VsHost *h = test_host(1 << 20, 0);
    uint32_t a = vs_connect(h, false);

    g_assert_true(sysmem_core_peer_closed(vs_host_core(h), a));
    g_assert_cmpint(reason_of(h, a), ==, SYSMEM_CLOSE_HOST_CLOSED);
    g_assert_cmpuint(vs_close_count(h, a), ==, 1);
    g_assert_false(has(h, a));
    connect_at(h, a, 0);
    vs_host_free(h);
}

/*
 * CONSUMED: the token BindSharedCollection turned into a collection.  Its
 * id stays taken (CONNECT refused, writes PEER_CLOSED) until the host says
 * it passed the close on; the host's CLOSE would free it too.
 */
static void test_reason_consumed(void)
{
    VsHost *h = test_host(1 << 20, 0);
    uint32_t a = vs_connect(h, false), token, coll;
    int32_t ep;

    vs_host_manual_notices(h, true);
    token = vs_allocate_shared(h, a, false);
    coll = vs_bind(h, a, token, false);
    g_assert_true(vs_closed(h, token, &ep));
    g_assert_cmpint(ep, ==, FIDL_ZX_ERR_PEER_CLOSED);
    g_assert_cmpint(reason_of(h, token), ==, SYSMEM_CLOSE_CONSUMED);
    g_assert_true(has(h, token));
    connect_at(h, token, FIDL_ZX_ERR_ALREADY_EXISTS);
    g_assert_cmpint(send_harmless(h, token, NULL, 0), ==,
                    FIDL_ZX_ERR_PEER_CLOSED);
    /* Only the ids the host was told of are released. */
    sysmem_core_close_notified(vs_host_core(h), coll);
    g_assert_true(has(h, coll));
    vs_host_notify(h);
    g_assert_false(has(h, token));
    connect_at(h, token, 0);
    g_assert_cmpuint(vs_close_count(h, token), ==, 1);
    g_assert_true(vs_sync(h, coll, false));
    vs_host_free(h);
}

/*
 * CONSUMED too: a client end moved in that nothing takes (a released token
 * handed to BindSharedCollection).  As on Fuchsia only the new collection
 * channel fails; the allocator carries on and the Bind itself succeeds.
 */
static void test_reason_consumed_untaken_client_end(void)
{
    VsHost *h = test_host(1 << 20, 0);
    uint32_t a = vs_connect(h, false);
    uint32_t token = vs_allocate_shared(h, a, false);
    uint32_t dup = vs_duplicate(h, token, FIDL_RIGHT_SAME_RIGHTS, false);
    uint32_t coll;

    g_assert_true(vs_sync(h, token, false));
    vs_release(h, token, false);
    coll = vs_bind(h, a, token, false);
    g_assert_cmpint(reason_of(h, token), ==, SYSMEM_CLOSE_CONSUMED);
    g_assert_cmpint(reason_of(h, coll), ==, SYSMEM_CLOSE_FAILED);
    g_assert_false(vs_closed(h, a, NULL));
    g_assert_false(has(h, token));      /* passed on by the test host */
    g_assert_true(has(h, coll));        /* until the host closes it */
    g_assert_true(vs_sync(h, dup, false));
    vs_host_free(h);
}

/*
 * FAILED: the epitaph comes as the status and as the FIDL epitaph message
 * (checked by the test host for every close); the channel is peer-closed
 * until the host's close, also after the close was passed on.
 */
static void test_reason_failed(void)
{
    VsHost *h = test_host(1 << 20, 0);
    uint32_t a = vs_connect(h, false);
    bool answered;
    int32_t ep;

    g_assert_cmpint(send_malformed(h, a, false), ==, FIDL_ZX_ERR_PEER_CLOSED);
    g_assert_true(vs_closed(h, a, &ep));
    g_assert_cmpint(ep, ==, FIDL_ZX_ERR_INVALID_ARGS);
    g_assert_cmpint(reason_of(h, a), ==, SYSMEM_CLOSE_FAILED);
    g_assert_true(has(h, a));
    g_assert_cmpint(send_harmless(h, a, NULL, 0), ==, FIDL_ZX_ERR_PEER_CLOSED);
    g_assert_cmpint(call_harmless(h, a, &answered), ==,
                    FIDL_ZX_ERR_PEER_CLOSED);
    g_assert_false(answered);           /* never written: no reply */
    connect_at(h, a, FIDL_ZX_ERR_ALREADY_EXISTS);
    g_assert_true(sysmem_core_peer_closed(vs_host_core(h), a));
    g_assert_cmpuint(vs_close_count(h, a), ==, 1);
    g_assert_cmpint(send_harmless(h, a, NULL, 0), ==, FIDL_ZX_ERR_NOT_FOUND);
    connect_at(h, a, 0);
    vs_host_free(h);
}

/* FAILED also for the channels of a collection that fails. */
static void test_reason_failed_domain(void)
{
    VsHost *h = test_host(1 << 20, 0);
    TestCollection tc;

    test_collection(h, &tc, 2);
    vs_peer_close(h, tc.colls[0]);      /* without Release */
    g_assert_cmpint(reason_of(h, tc.colls[0]), ==, SYSMEM_CLOSE_HOST_CLOSED);
    g_assert_cmpint(reason_of(h, tc.colls[1]), ==, SYSMEM_CLOSE_FAILED);
    g_assert_false(has(h, tc.colls[0]));
    g_assert_true(has(h, tc.colls[1]));
    g_assert_cmpint(send_harmless(h, tc.colls[1], NULL, 0), ==,
                    FIDL_ZX_ERR_PEER_CLOSED);
    vs_peer_close(h, tc.colls[1]);
    g_assert_false(has(h, tc.colls[1]));
    vs_host_free(h);
}

/*
 * EVENT_FIRED: a node tracker's event pair when its node goes.  No bytes;
 * the host's end stays taken until it closes it, and it is not a channel.
 */
static void test_reason_event_fired(void)
{
    VsHost *h = test_host(1 << 20, 0);
    TestCollection tc;
    uint32_t ev, other;

    test_collection(h, &tc, 2);
    ev = vs_new_id(h);
    attach_node_tracking(h, tc.colls[1], ev);
    g_assert_false(vs_closed(h, ev, NULL));
    g_assert_cmpint(send_harmless(h, ev, NULL, 0), ==,
                    FIDL_ZX_ERR_INVALID_ARGS);
    vs_peer_close(h, tc.colls[0]);
    g_assert_cmpint(reason_of(h, ev), ==, SYSMEM_CLOSE_EVENT_FIRED);
    g_assert_true(has(h, ev));
    g_assert_cmpint(send_harmless(h, ev, NULL, 0), ==,
                    FIDL_ZX_ERR_INVALID_ARGS);
    /* Creating an event pair end with its id is refused until then. */
    other = vs_connect(h, false);
    {
        SysmemHandle hd = { .kind = SYSMEM_HANDLE_EVENTPAIR, .id = ev };

        g_assert_cmpint(send_harmless(h, other, &hd, 1), ==,
                        FIDL_ZX_ERR_ALREADY_EXISTS);
    }
    g_assert_false(vs_closed(h, other, NULL));
    vs_peer_close(h, ev);
    g_assert_false(has(h, ev));
    g_assert_cmpuint(vs_close_count(h, ev), ==, 1);
    vs_host_free(h);
}

/*
 * An event pair end or server end handed in that nothing takes closes at
 * once (EVENT_FIRED, FAILED), so that the host's peer learns it.
 */
static void test_untaken_new_ends(void)
{
    VsHost *h = test_host(1 << 20, 0);
    uint32_t a = vs_connect(h, false);
    SysmemHandle hd[2] = {
        { .kind = SYSMEM_HANDLE_EVENTPAIR, .id = vs_new_id(h) },
        { .kind = SYSMEM_HANDLE_CHANNEL_SERVER, .id = vs_new_id(h) },
    };

    g_assert_cmpint(send_harmless(h, a, hd, 2), ==, 0);
    g_assert_cmpint(reason_of(h, hd[0].id), ==, SYSMEM_CLOSE_EVENT_FIRED);
    g_assert_cmpint(reason_of(h, hd[1].id), ==, SYSMEM_CLOSE_FAILED);
    g_assert_true(has(h, hd[0].id));
    g_assert_true(has(h, hd[1].id));
    g_assert_cmpint(send_harmless(h, hd[1].id, NULL, 0), ==,
                    FIDL_ZX_ERR_PEER_CLOSED);
    vs_host_free(h);
}

/*
 * A closed channel's client end moved in: the host holds nothing any
 * more, so the id is free once its close has been passed on -- at once
 * if it was, else when it is.
 */
static void test_closed_client_end_moved_in(void)
{
    VsHost *h = test_host(1 << 20, 0);
    uint32_t a = vs_connect(h, false), b = vs_connect(h, false);
    uint32_t c = vs_connect(h, false);
    SysmemHandle hb = { .kind = SYSMEM_HANDLE_CHANNEL_CLIENT, .id = b };
    SysmemHandle hc = { .kind = SYSMEM_HANDLE_CHANNEL_CLIENT, .id = c };

    vs_host_manual_notices(h, true);
    send_malformed(h, b, false);
    vs_host_notify(h);                  /* b's close passed on */
    send_malformed(h, c, false);        /* c's not yet */
    g_assert_true(has(h, b));
    g_assert_cmpint(send_harmless(h, a, &hb, 1), ==, 0);
    g_assert_false(has(h, b));
    g_assert_cmpint(send_harmless(h, a, &hc, 1), ==, 0);
    g_assert_true(has(h, c));
    connect_at(h, c, FIDL_ZX_ERR_ALREADY_EXISTS);
    vs_host_notify(h);
    g_assert_false(has(h, c));
    g_assert_cmpuint(vs_close_count(h, c), ==, 1);
    vs_host_free(h);
}

/* sysmem_core_fail_channel: the host cannot carry a channel any more. */
static void test_fail_channel(void)
{
    VsHost *h = test_host(1 << 20, 0);
    TestCollection tc;
    int32_t ep;

    test_collection(h, &tc, 2);
    g_assert_true(vs_host_status(h, sysmem_core_fail_channel(
        vs_host_core(h), tc.colls[0], FIDL_ZX_ERR_NO_RESOURCES)));
    g_assert_true(vs_closed(h, tc.colls[0], &ep));
    g_assert_cmpint(ep, ==, FIDL_ZX_ERR_NO_RESOURCES);
    g_assert_cmpint(reason_of(h, tc.colls[0]), ==, SYSMEM_CLOSE_FAILED);
    /* It had not Released: its collection failed with it. */
    g_assert_cmpint(reason_of(h, tc.colls[1]), ==, SYSMEM_CLOSE_FAILED);
    g_assert_false(sysmem_core_fail_channel(vs_host_core(h), tc.colls[0],
                                            FIDL_ZX_ERR_NO_RESOURCES));
    g_assert_false(sysmem_core_fail_channel(vs_host_core(h), 4242,
                                            FIDL_ZX_ERR_NO_RESOURCES));
    vs_host_free(h);
}

/* ------------------------------------------------------------------ */
/* Statuses                                                             */

/* NOT_FOUND: an id that names nothing, one-way and two-way; CLOSE too. */
static void test_status_not_found(void)
{
    VsHost *h = test_host(1 << 20, 0);
    bool answered;

    g_assert_cmpint(send_harmless(h, 99, NULL, 0), ==, FIDL_ZX_ERR_NOT_FOUND);
    g_assert_cmpint(call_harmless(h, 99, &answered), ==,
                    FIDL_ZX_ERR_NOT_FOUND);
    g_assert_false(answered);
    g_assert_false(sysmem_core_peer_closed(vs_host_core(h), 99));
    g_assert_cmpuint(objects(h), ==, 0);
    vs_host_free(h);
}

/*
 * PEER_CLOSED for a message that got its own channel closed: malformed
 * (one-way and two-way alike), and every handle table entry that cannot
 * be delivered: id 0, a server end in the core's range, a new id in use,
 * an unknown handle type.  Other channels carry on.
 */
static void test_status_peer_closed_own_channel(void)
{
    const SysmemHandle bad[] = {
        { .kind = SYSMEM_HANDLE_CHANNEL_SERVER, .id = 0 },
        { .kind = SYSMEM_HANDLE_EVENTPAIR, .id = 0 },
        { .kind = SYSMEM_HANDLE_CHANNEL_SERVER, .id = SYSMEM_DEVICE_ID_BIT | 3 },
        { .kind = 99, .id = 1234 },
    };
    VsHost *h = test_host(1 << 20, 0);
    uint32_t keep = vs_connect(h, false), a;
    SysmemHandle in_use[2] = {
        { .kind = SYSMEM_HANDLE_CHANNEL_SERVER, .id = keep },
        { .kind = SYSMEM_HANDLE_EVENTPAIR, .id = keep },
    };
    bool answered;
    unsigned i;

    g_assert_cmpint(send_malformed(h, a = vs_connect(h, false), false), ==,
                    FIDL_ZX_ERR_PEER_CLOSED);
    g_assert_cmpint(send_malformed(h, a = vs_connect(h, false), true), ==,
                    FIDL_ZX_ERR_PEER_CLOSED);
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        a = vs_connect(h, false);
        g_assert_cmpint(send_harmless(h, a, &bad[i], 1), ==,
                        FIDL_ZX_ERR_PEER_CLOSED);
        g_assert_cmpint(reason_of(h, a), ==, SYSMEM_CLOSE_FAILED);
    }
    for (i = 0; i < G_N_ELEMENTS(in_use); i++) {
        a = vs_connect(h, false);
        g_assert_cmpint(send_harmless(h, a, &in_use[i], 1), ==,
                        FIDL_ZX_ERR_PEER_CLOSED);
        g_assert_cmpint(reason_of(h, a), ==, SYSMEM_CLOSE_FAILED);
    }
    /* The id in use was not touched. */
    g_assert_false(vs_closed(h, keep, NULL));
    g_assert_cmpint(call_harmless(h, keep, &answered), ==, 0);
    g_assert_true(answered);
    vs_host_free(h);
}

/*
 * 0 for a valid message even when its collection then fails and closes
 * the channel (here a lone token's Release: nobody set constraints).
 */
static void test_status_ok_then_collection_fails(void)
{
    VsHost *h = test_host(1 << 20, 0);
    uint32_t a = vs_connect(h, false);
    uint32_t token = vs_allocate_shared(h, a, false);

    g_assert_cmpint(vs_send(h, token, SYSMEM_M_SYSMEM2_NODE_RELEASE, NULL,
                            NULL, 0, NULL), ==, 0);
    g_assert_cmpint(reason_of(h, token), ==, SYSMEM_CLOSE_FAILED);
    g_assert_cmpint(send_harmless(h, token, NULL, 0), ==,
                    FIDL_ZX_ERR_PEER_CLOSED);
    vs_host_free(h);
}

/*
 * INVALID_ARGS: refused and the channel stays open (over the handle or
 * byte limit; a target that is not a channel).  The handles are dropped.
 */
static void test_status_invalid_args(void)
{
    VsHost *h = test_host(1 << 20, 0);
    uint32_t a = vs_connect(h, false);
    g_autofree SysmemHandle *many = g_new0(SysmemHandle,
                                           FIDL_MAX_MSG_HANDLES + 1);
    g_autofree uint8_t *big = g_malloc0(FIDL_MAX_MSG_BYTES + 1);
    uint32_t i, ev;
    TestCollection tc;
    bool answered;

    for (i = 0; i <= FIDL_MAX_MSG_HANDLES; i++) {
        many[i] = (SysmemHandle) { .kind = SYSMEM_HANDLE_CHANNEL_SERVER,
                                   .id = vs_new_id(h) };
    }
    g_assert_cmpint(send_harmless(h, a, many, FIDL_MAX_MSG_HANDLES + 1), ==,
                    FIDL_ZX_ERR_INVALID_ARGS);
    /* Dropped: the host's client ends learn it. */
    g_assert_cmpint(reason_of(h, many[0].id), ==, SYSMEM_CLOSE_FAILED);
    fidl_msg(big, 0, false);
    g_assert_cmpint(vs_send_raw(h, a, big, FIDL_MAX_MSG_BYTES + 1, NULL, 0),
                    ==, FIDL_ZX_ERR_INVALID_ARGS);
    test_collection(h, &tc, 1);
    ev = vs_new_id(h);
    attach_node_tracking(h, tc.colls[0], ev);
    g_assert_cmpint(send_harmless(h, ev, NULL, 0), ==,
                    FIDL_ZX_ERR_INVALID_ARGS);
    g_assert_false(vs_closed(h, a, NULL));
    g_assert_cmpint(call_harmless(h, a, &answered), ==, 0);
    vs_host_free(h);
}

/*
 * ALREADY_EXISTS: a handle table entry creating an id the core closed and
 * the host has not let go of yet; refused, the channel stays open.
 * CONNECT of such an id is refused the same way.
 */
static void test_status_already_exists(void)
{
    VsHost *h = test_host(1 << 20, 0);
    uint32_t a = vs_connect(h, false), dead = vs_connect(h, false);
    SysmemHandle hd = { .kind = SYSMEM_HANDLE_CHANNEL_SERVER, .id = dead };
    bool answered;

    send_malformed(h, dead, false);
    connect_at(h, dead, FIDL_ZX_ERR_ALREADY_EXISTS);
    g_assert_cmpint(send_harmless(h, a, &hd, 1), ==, FIDL_ZX_ERR_ALREADY_EXISTS);
    g_assert_false(vs_closed(h, a, NULL));
    g_assert_cmpint(call_harmless(h, a, &answered), ==, 0);
    g_assert_cmpuint(vs_close_count(h, dead), ==, 1);
    vs_peer_close(h, dead);
    g_assert_cmpint(send_harmless(h, a, &hd, 1), ==, 0);   /* taken: none */
    vs_host_free(h);
}

/*
 * Closed ids are bounded by max_objects: a host that never lets go runs
 * out of objects (CONNECT NO_RESOURCES), it never makes the core grow.
 */
static void test_closed_ids_bounded(void)
{
    SysmemCoreConfig cfg = { .region_size = 1 << 20, .max_objects = 8 };
    VsHost *h = vs_host_new(&cfg);
    uint32_t i, id;

    for (i = 0; i < 8; i++) {
        send_malformed(h, connect_at(h, vs_new_id(h), 0), false);
    }
    id = vs_new_id(h);
    connect_at(h, id, FIDL_ZX_ERR_NO_RESOURCES);
    g_assert_cmpuint(objects(h), ==, 8);
    vs_peer_close(h, 1);
    connect_at(h, id, 0);
    vs_host_free(h);
}

/* Closed ids and what is still to be passed on migrate with the core. */
static void test_closed_ids_migrate(void)
{
    SysmemCoreConfig cfg = { .region_size = 1 << 20 };
    VsHost *h = vs_host_new(&cfg), *d = vs_host_new(&cfg);
    g_autoptr(GByteArray) snap = g_byte_array_new();
    uint32_t a = vs_connect(h, false), token, coll, dead;
    char *err = NULL;

    vs_host_manual_notices(h, true);
    token = vs_allocate_shared(h, a, false);
    coll = vs_bind(h, a, token, false);
    dead = vs_connect(h, false);
    send_malformed(h, dead, false);
    sysmem_core_save(vs_host_core(h), snap);
    g_assert_true(sysmem_core_load(vs_host_core(d), snap->data, snap->len,
                                   &err));
    g_assert_true(has(d, token));
    g_assert_cmpint(send_harmless(d, dead, NULL, 0), ==,
                    FIDL_ZX_ERR_PEER_CLOSED);
    connect_at(d, token, FIDL_ZX_ERR_ALREADY_EXISTS);
    sysmem_core_close_notified(vs_host_core(d), token);
    sysmem_core_close_notified(vs_host_core(d), dead);
    g_assert_false(has(d, token));
    g_assert_true(has(d, dead));
    g_assert_true(vs_sync(d, coll, false));
    vs_host_free(h);
    vs_host_free(d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/core-handles/reason/host-closed", test_reason_host_closed);
    g_test_add_func("/core-handles/reason/consumed", test_reason_consumed);
    g_test_add_func("/core-handles/reason/consumed-untaken-client-end",
                    test_reason_consumed_untaken_client_end);
    g_test_add_func("/core-handles/reason/failed", test_reason_failed);
    g_test_add_func("/core-handles/reason/failed-domain",
                    test_reason_failed_domain);
    g_test_add_func("/core-handles/reason/event-fired", test_reason_event_fired);
    g_test_add_func("/core-handles/untaken-new-ends", test_untaken_new_ends);
    g_test_add_func("/core-handles/closed-client-end-moved-in",
                    test_closed_client_end_moved_in);
    g_test_add_func("/core-handles/fail-channel", test_fail_channel);
    g_test_add_func("/core-handles/status/not-found", test_status_not_found);
    g_test_add_func("/core-handles/status/peer-closed-own-channel",
                    test_status_peer_closed_own_channel);
    g_test_add_func("/core-handles/status/ok-then-collection-fails",
                    test_status_ok_then_collection_fails);
    g_test_add_func("/core-handles/status/invalid-args",
                    test_status_invalid_args);
    g_test_add_func("/core-handles/status/already-exists",
                    test_status_already_exists);
    g_test_add_func("/core-handles/closed-ids-bounded",
                    test_closed_ids_bounded);
    g_test_add_func("/core-handles/closed-ids-migrate",
                    test_closed_ids_migrate);
    return g_test_run();
}
