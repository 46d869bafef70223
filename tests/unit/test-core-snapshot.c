/*
 * sysmem core snapshots (live migration): sysmem_core_save/sysmem_core_load.
 *
 * Each scenario runs twice on fresh hosts: once straight through (the
 * twin) and once with the core migrated at marked points: saved, emptied
 * without host callbacks, loaded back (and, on the side, loaded into a
 * separate core whose callbacks must never run, which must save the same
 * bytes).  Everything the host can observe -- replies (bytes, handle ids,
 * offsets, rights), closed ids and epitaphs, stats and the dump -- is
 * recorded and must be identical between the two runs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "tests/unit/test-core-util.h"
#include "hw/sysmem/core-internal.h"
#include "hw/sysmem/snapshot.h"

/* ------------------------------------------------------------------ */
/* Migration and recording                                              */

static void no_reply(void *opaque, void *cookie, const uint8_t *bytes,
                     uint32_t n, const SysmemHandle *handles, uint32_t nh)
{
    g_assert_not_reached();
}

static void no_close(void *opaque, const SysmemClose *c)
{
    g_assert_not_reached();
}

/* sysmem_core_free reports memory going back; load must not. */
static unsigned memory_calls;

static void no_memory(void *opaque, uint64_t offset, uint64_t size,
                      bool allocated)
{
    memory_calls++;
}

static void no_zero_fill(void *opaque, uint64_t offset, uint64_t size)
{
    g_assert_not_reached();
}

static const SysmemHostOps strict_ops = {
    .reply = no_reply, .close = no_close, .buffer_memory = no_memory,
    .zero_fill = no_zero_fill,
};

static SysmemCore *strict_core(SysmemCore *like)
{
    SysmemCoreConfig cfg = like->cfg;
    SysmemCore *c;

    cfg.region_ptr = NULL;
    c = sysmem_core_new(&cfg, &strict_ops, NULL, NULL);
    g_assert_nonnull(c);
    return c;
}

static GByteArray *save(SysmemCore *core)
{
    GByteArray *b = g_byte_array_new();

    sysmem_core_save(core, b);
    return b;
}

static void assert_same_bytes(GByteArray *a, GByteArray *b)
{
    g_assert_cmpuint(a->len, ==, b->len);
    g_assert_true(memcmp(a->data, b->data, a->len) == 0);
}

/* Empty the core without telling the host (as a fresh destination). */
static void quiet_reset(SysmemCore *core)
{
    core->quiet = true;
    sysmem_core_reset(core);
    core->quiet = false;
}

static void assert_empty(SysmemCore *core)
{
    SysmemCoreStats st;

    sysmem_core_get_stats(core, &st);
    g_assert_cmpuint(st.objects, ==, 0);
    g_assert_cmpuint(st.collections, ==, 0);
    g_assert_cmpuint(st.buffers, ==, 0);
    g_assert_cmpuint(st.buffer_handles, ==, 0);
    g_assert_cmpuint(st.region_used, ==, 0);
}

static unsigned migrations;

/* Migrate the host's core in place; checks the round trip on the way. */
static void migrate(VsHost *h)
{
    SysmemCore *core = vs_host_core(h), *other;
    g_autoptr(GByteArray) before = save(core);
    g_autoptr(GByteArray) after = NULL;
    g_autoptr(GByteArray) elsewhere = NULL;
    g_autoptr(GString) dump0 = g_string_new(NULL);
    g_autoptr(GString) dump1 = g_string_new(NULL);
    SysmemCoreStats st0, st1;
    char *err = NULL;

    sysmem_core_get_stats(core, &st0);
    sysmem_core_dump(core, dump0);
    quiet_reset(core);
    assert_empty(core);
    g_assert_true(sysmem_core_load(core, before->data, before->len, &err));
    g_assert_null(err);
    after = save(core);
    assert_same_bytes(before, after);
    sysmem_core_get_stats(core, &st1);
    sysmem_core_dump(core, dump1);
    g_assert_true(memcmp(&st0, &st1, sizeof(st0)) == 0);
    g_assert_cmpstr(dump0->str, ==, dump1->str);

    /* A second, separate core: no callback may run during load or free. */
    other = strict_core(core);
    memory_calls = 0;
    g_assert_true(sysmem_core_load(other, before->data, before->len, &err));
    g_assert_cmpuint(memory_calls, ==, 0);
    elsewhere = save(other);
    assert_same_bytes(before, elsewhere);
    sysmem_core_free(other);
    migrations++;
}

typedef struct Run {
    VsHost *h;
    bool mig;
    GString *rec;
} Run;

static void point(Run *r)
{
    if (r->mig) {
        migrate(r->h);
    }
}

static void rec_call(Run *r, const char *what, const VsCall *c)
{
    uint32_t i;

    g_string_append_printf(r->rec, "%s: done %d answered %d n %u:", what,
                           c->done, c->answered, c->n);
    for (i = 0; i < c->n; i++) {
        g_string_append_printf(r->rec, "%02x", c->bytes[i]);
    }
    for (i = 0; i < c->nh; i++) {
        const SysmemHandle *x = &c->handles[i];

        g_string_append_printf(r->rec, " [%u %u r%x f%x @%" G_GINT64_MODIFIER
                               "x +%" G_GINT64_MODIFIER "x]", x->kind, x->id,
                               x->rights, x->flags, x->offset, x->size);
    }
    g_string_append_c(r->rec, '\n');
}

static void rec_closed(Run *r, const char *what, uint32_t id)
{
    int32_t ep = 0;
    bool closed = vs_closed(r->h, id, &ep);

    g_string_append_printf(r->rec, "%s %u: closed %d epitaph %d\n", what, id,
                           closed, closed ? ep : 0);
}

static void rec_state(Run *r, const char *what)
{
    SysmemCoreStats st;

    sysmem_core_get_stats(vs_host_core(r->h), &st);
    g_string_append_printf(r->rec, "%s: ch %u coll %u buf %u bh %u obj %u "
                           "used %" G_GUINT64_FORMAT " secure %"
                           G_GUINT64_FORMAT " frag %u alloc %" G_GUINT64_FORMAT
                           " fail %" G_GUINT64_FORMAT "\n", what, st.channels,
                           st.collections, st.buffers, st.buffer_handles,
                           st.objects, st.region_used, st.secure_used,
                           st.fragmentation, st.allocations_total,
                           st.failures_total);
    sysmem_core_dump(vs_host_core(r->h), r->rec);
}

/* Run @fn straight and with migrations; both must record the same. */
static void twin(uint64_t region, uint64_t secure, void (*fn)(Run *r))
{
    Run a = { .h = test_host(region, secure), .mig = false,
              .rec = g_string_new(NULL) };
    Run b = { .h = test_host(region, secure), .mig = true,
              .rec = g_string_new(NULL) };
    unsigned m0 = migrations;

    fn(&a);
    fn(&b);
    g_assert_cmpuint(migrations, >, m0);
    if (g_test_verbose()) {
        g_printerr("%s", a.rec->str);
    }
    g_assert_cmpstr(a.rec->str, ==, b.rec->str);
    vs_host_free(a.h);
    vs_host_free(b.h);
    g_string_free(a.rec, true);
    g_string_free(b.rec, true);
}

/* ------------------------------------------------------------------ */
/* Constraints                                                          */

static SysmemConstraints *simple(uint32_t camping, uint64_t min_size)
{
    SysmemConstraints *c = c_new();

    c_cpu(c, CPU_RW);
    c_camping(c, camping);
    if (min_size) {
        c_size(c, min_size, 0);
    }
    return c;
}

static SysmemConstraints *exact_pages(uint32_t pages)
{
    SysmemConstraints *c = simple(1, (uint64_t)pages * PAGE);

    c_size(c, (uint64_t)pages * PAGE, (uint64_t)pages * PAGE);
    return c;
}

static SysmemConstraints *secure_c(uint32_t camping, uint64_t size)
{
    SysmemConstraints *c = c_new();
    sysmem2_buffer_memory_constraints_t *m;

    c->has_usage = true;
    c->usage.has_video = true;
    c->usage.video = SYSMEM2_VIDEO_USAGE_HW_DECODER;
    c_camping(c, camping);
    c_size(c, size, 0);
    m = c_bmc(c);
    m->has_secure_required = true;
    m->secure_required = true;
    m->has_permitted_heaps = true;
    m->permitted_heaps_count = 1;
    m->permitted_heaps[0].has_heap_type = true;
    strcpy(m->permitted_heaps[0].heap_type, SYSMEM_HEAP_TYPE_SECURE);
    m->permitted_heaps[0].heap_type_len = strlen(SYSMEM_HEAP_TYPE_SECURE);
    return c;
}

static sysmem1_buffer_collection_constraints_t *v1_simple(uint32_t camping,
                                                          uint32_t min_size)
{
    sysmem1_buffer_collection_constraints_t *c =
        g_new0(sysmem1_buffer_collection_constraints_t, 1);

    c->usage.cpu = CPU_RW;
    c->min_buffer_count_for_camping = camping;
    c->has_buffer_memory_constraints = true;
    c->buffer_memory_constraints.min_size_bytes = min_size;
    c->buffer_memory_constraints.cpu_domain_supported = true;
    return c;
}

/* ------------------------------------------------------------------ */
/* (a) a pending WaitForAllBuffersAllocated crosses the migration       */

static void scen_pending_wait(Run *r)
{
    VsHost *h = r->h;
    g_autofree SysmemConstraints *c0 = simple(2, 8192);
    g_autofree SysmemConstraints *c1 = simple(1, 3 * PAGE);
    g_autofree sysmem2_buffer_collection_info_t *info =
        g_new0(sysmem2_buffer_collection_info_t, 1);
    TestCollection tc;
    VsCall *w0, *w1;

    test_collection(h, &tc, 2);
    vs_set_name(h, tc.colls[0], 5, "migrating");
    vs_set_debug_info(h, tc.colls[1], "second");
    vs_set_constraints(h, tc.colls[0], c0);
    w0 = vs_wait(h, tc.colls[0], false);
    g_assert_false(w0->done);
    point(r);
    g_assert_false(w0->done);
    rec_state(r, "pending");
    vs_set_constraints(h, tc.colls[1], c1);
    /* the reply goes to the original cookie (w0) */
    g_assert_true(w0->answered);
    g_assert_cmpint(vs_wait_result(w0, info), ==, 0);
    g_assert_cmpuint(info->buffers_count, ==, 3);
    g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==, 3 * PAGE);
    w1 = vs_wait(h, tc.colls[1], false);
    g_assert_true(w1->answered);
    rec_call(r, "w0", w0);
    rec_call(r, "w1", w1);
    rec_state(r, "allocated");
    point(r);
    test_teardown(h, &tc);
    rec_state(r, "end");
}

static void test_pending_wait(void)
{
    twin(16 << 20, 0, scen_pending_wait);
}

/* ------------------------------------------------------------------ */
/* (b) after allocation: buffers, offsets, holes, secure heap, orphans  */

static VsCall *alloc_one(VsHost *h, TestCollection *tc,
                         const SysmemConstraints *c)
{
    VsCall *w;

    test_collection(h, tc, 1);
    vs_set_constraints(h, tc->colls[0], c);
    w = vs_wait(h, tc->colls[0], false);
    g_assert_true(w->answered);
    return w;
}

static void close_all(VsHost *h, TestCollection *tc)
{
    unsigned i;

    for (i = 0; i < tc->n; i++) {
        vs_peer_close(h, tc->colls[i]);
    }
    vs_peer_close(h, tc->alloc);
}

static void scen_allocated(Run *r)
{
    VsHost *h = r->h;
    SysmemCore *core = vs_host_core(h);
    g_autofree SysmemConstraints *a = simple(2, 5 * PAGE);
    g_autofree SysmemConstraints *b = simple(3, 7 * PAGE);
    g_autofree SysmemConstraints *s = secure_c(2, 65536);
    g_autofree SysmemConstraints *d = simple(1, 3 * PAGE);
    TestCollection ta, tb, ts, tg, td;
    SysmemCoreStats st0, st1;
    VsCall *w;

    w = alloc_one(h, &ta, a);
    rec_call(r, "a", w);
    w = alloc_one(h, &tb, b);
    rec_call(r, "b", w);
    w = alloc_one(h, &ts, s);
    rec_call(r, "secure", w);
    g_assert_true(w->handles[0].flags & SYSMEM_BUFFER_F_INACCESSIBLE);
    /* an orphaned buffer set: the collection is gone, handles are not */
    w = alloc_one(h, &tg, a);
    rec_call(r, "orphan", w);
    vs_peer_close(h, tg.colls[0]);
    vs_peer_close(h, tg.alloc);
    /* a hole in the region: b's buffers go back */
    vs_peer_close(h, tb.colls[0]);
    vs_peer_close(h, tb.alloc);
    {
        VsCall *bw = vs_wait(h, ta.colls[0], false);

        rec_call(r, "a again", bw);
    }
    sysmem_core_get_stats(core, &st0);
    rec_state(r, "before");
    point(r);
    sysmem_core_get_stats(core, &st1);
    g_assert_true(memcmp(&st0, &st1, sizeof(st0)) == 0);
    rec_state(r, "after");
    /* the allocator picks the same blocks as the twin */
    w = alloc_one(h, &td, d);
    rec_call(r, "d", w);
    point(r);
    close_all(h, &td);
    close_all(h, &ta);
    close_all(h, &ts);
    /* everything else, including b's and the orphan's handles */
    vs_release_buffers(h);
    sysmem_core_get_stats(core, &st1);
    g_assert_cmpuint(st1.region_used, ==, 0);
    g_assert_cmpuint(st1.buffers, ==, 0);
    g_assert_cmpuint(st1.buffer_handles, ==, 0);
    g_assert_true(sysmem_region_check(core->heaps[0].region));
    g_assert_true(sysmem_region_check(core->heaps[1].region));
    rec_state(r, "end");
}

static void test_allocated(void)
{
    twin(32 << 20, 4 << 20, scen_allocated);
}

/* ------------------------------------------------------------------ */
/* (c) v1 and v2 participants in one collection                         */

static void scen_mixed(Run *r)
{
    VsHost *h = r->h;
    g_autofree sysmem1_buffer_collection_constraints_t *c1 = v1_simple(2, 0);
    g_autofree SysmemConstraints *c2 = simple(1, 65536);
    uint32_t a2 = vs_connect(h, false), a1 = vs_connect(h, true);
    uint32_t tok = vs_allocate_shared(h, a2, false);
    uint32_t dup = vs_duplicate(h, tok, FIDL_RIGHT_SAME_RIGHTS, false);
    uint32_t coll2, coll1;
    VsCall *w1, *w2;

    g_assert_true(vs_sync(h, tok, false));
    coll2 = vs_bind(h, a2, tok, false);
    coll1 = vs_bind(h, a1, dup, true);
    vs_set_name(h, coll2, 3, "mixed");
    vs_set_constraints_v1(h, coll1, c1);
    w1 = vs_wait(h, coll1, true);
    point(r);
    g_assert_false(w1->done);
    g_assert_cmpint(vs_check(h, coll1, true), ==, FIDL_ZX_ERR_UNAVAILABLE);
    vs_set_constraints(h, coll2, c2);
    point(r);
    w2 = vs_wait(h, coll2, false);
    g_assert_true(w1->answered);
    g_assert_true(w2->answered);
    g_assert_cmpint(vs_wait_result_v1(w1, NULL), ==, 0);
    g_assert_cmpint(vs_wait_result(w2, NULL), ==, 0);
    rec_call(r, "v1", w1);
    rec_call(r, "v2", w2);
    rec_state(r, "mixed");
    vs_release(h, coll1, true);
    vs_release(h, coll2, false);
    vs_peer_close(h, coll1);
    vs_peer_close(h, coll2);
    vs_peer_close(h, a1);
    vs_peer_close(h, a2);
    vs_release_buffers(h);
    rec_state(r, "end");
}

static void test_mixed(void)
{
    twin(16 << 20, 0, scen_mixed);
}

/* ------------------------------------------------------------------ */
/* (d) failure state: a failed collection, a participant whose          */
/* constraints were unusable while the others are still missing        */

static void scen_failed(Run *r)
{
    VsHost *h = r->h;
    g_autofree SysmemConstraints *bad = simple(1, 8 * PAGE);
    g_autofree SysmemConstraints *ok = simple(1, PAGE);
    TestCollection tf, tp;
    VsCall *wf, *w0, *w1;

    /* min size above max size */
    c_size(bad, 8 * PAGE, 2 * PAGE);
    test_collection(h, &tf, 1);
    vs_set_constraints(h, tf.colls[0], bad);
    wf = vs_wait(h, tf.colls[0], false);
    rec_call(r, "failed at once", wf);
    rec_closed(r, "failed coll", tf.colls[0]);

    test_collection(h, &tp, 2);
    vs_set_constraints(h, tp.colls[0], bad);
    w0 = vs_wait(h, tp.colls[0], false);
    g_assert_false(w0->done);
    point(r);
    rec_state(r, "one unusable");
    vs_set_constraints(h, tp.colls[1], ok);
    w1 = vs_wait(h, tp.colls[1], false);
    g_assert_true(w0->answered);
    g_assert_cmpint(vs_wait_result(w0, NULL), !=, 0);
    rec_call(r, "w0", w0);
    rec_call(r, "w1", w1);
    rec_closed(r, "coll0", tp.colls[0]);
    rec_closed(r, "coll1", tp.colls[1]);
    point(r);
    rec_state(r, "end");
    vs_peer_close(h, tp.alloc);
    vs_peer_close(h, tf.alloc);
}

static void test_failed(void)
{
    twin(16 << 20, 0, scen_failed);
}

/* ------------------------------------------------------------------ */
/* (e) AttachToken, dispensable, lifetime tracking, groups              */

static void scen_attach(Run *r)
{
    VsHost *h = r->h;
    g_autofree SysmemConstraints *c = simple(1, 4 * PAGE);
    g_autofree SysmemConstraints *late = simple(0, PAGE);
    TestCollection tc;
    uint32_t disp, dcoll, at, early_at, acoll, ecoll, t_pre, t_post, t_zero;
    VsCall *w, *aw, *ew;

    c_min_count(c, 4);
    tc.n = 2;
    tc.alloc = vs_connect(h, false);
    tc.tokens[0] = vs_allocate_shared(h, tc.alloc, false);
    tc.tokens[1] = vs_duplicate(h, tc.tokens[0], FIDL_RIGHT_SAME_RIGHTS,
                                false);
    disp = vs_duplicate(h, tc.tokens[0], FIDL_RIGHT_SAME_RIGHTS, false);
    vs_set_dispensable(h, disp);
    g_assert_true(vs_sync(h, tc.tokens[0], false));
    point(r);
    tc.colls[0] = vs_bind(h, tc.alloc, tc.tokens[0], false);
    tc.colls[1] = vs_bind(h, tc.alloc, tc.tokens[1], false);
    t_pre = vs_attach_lifetime(h, tc.colls[0], 2);
    early_at = vs_attach_token(h, tc.colls[1], SYSMEM_RIGHT_READ |
                               SYSMEM_RIGHT_MAP | SYSMEM_RIGHT_DUPLICATE |
                               SYSMEM_RIGHT_TRANSFER);
    g_assert_true(vs_sync(h, tc.colls[1], false));
    point(r);
    dcoll = vs_bind(h, tc.alloc, disp, false);
    ecoll = vs_bind(h, tc.alloc, early_at, false);
    vs_set_constraints(h, ecoll, late);
    ew = vs_wait(h, ecoll, false);
    vs_set_constraints(h, tc.colls[0], c);
    vs_set_constraints(h, dcoll, c);
    point(r);
    vs_set_constraints(h, tc.colls[1], c);
    w = vs_wait(h, tc.colls[0], false);
    g_assert_true(w->answered);
    g_assert_true(ew->answered);
    rec_call(r, "w", w);
    rec_call(r, "early attached", ew);
    point(r);
    /* late: attached after the allocation */
    at = vs_attach_token(h, tc.colls[0], FIDL_RIGHT_SAME_RIGHTS);
    g_assert_true(vs_sync(h, tc.colls[0], false));
    t_post = vs_attach_lifetime(h, tc.colls[1], 1);
    t_zero = vs_attach_lifetime(h, tc.colls[1], 0);
    point(r);
    acoll = vs_bind(h, tc.alloc, at, false);
    vs_set_constraints(h, acoll, late);
    aw = vs_wait(h, acoll, false);
    g_assert_true(aw->answered);
    rec_call(r, "late attached", aw);
    /* the dispensable one leaves without Release: after allocation, alone */
    vs_peer_close(h, dcoll);
    rec_closed(r, "dispensable", dcoll);
    rec_closed(r, "coll0", tc.colls[0]);
    point(r);
    rec_state(r, "attached");
    vs_peer_close(h, acoll);
    vs_peer_close(h, ecoll);
    test_teardown(h, &tc);
    rec_closed(r, "t_pre", t_pre);
    rec_closed(r, "t_post", t_post);
    rec_closed(r, "t_zero", t_zero);
    rec_state(r, "end");
}

static void test_attach(void)
{
    twin(16 << 20, 0, scen_attach);
}

static void scen_group(Run *r)
{
    VsHost *h = r->h;
    g_autofree SysmemConstraints *c16 = exact_pages(16);
    g_autofree SysmemConstraints *c32 = exact_pages(32);
    g_autofree SysmemConstraints *rc = exact_pages(16);
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t group = vs_create_group(h, root);
    uint32_t ch0 = vs_group_create_child(h, group, FIDL_RIGHT_SAME_RIGHTS);
    uint32_t ch1 = vs_group_create_child(h, group, SYSMEM_RIGHT_READ |
                                         SYSMEM_RIGHT_MAP);
    uint32_t rcoll, c0, c1;
    VsCall *wr, *w0, *w1;

    point(r);
    vs_all_children_present(h, group);
    g_assert_true(vs_sync(h, root, false));
    rcoll = vs_bind(h, alloc, root, false);
    c0 = vs_bind(h, alloc, ch0, false);
    c1 = vs_bind(h, alloc, ch1, false);
    vs_set_constraints(h, rcoll, rc);
    vs_set_constraints(h, c1, c32);
    w1 = vs_wait(h, c1, false);
    point(r);
    vs_set_constraints(h, c0, c16);
    wr = vs_wait(h, rcoll, false);
    w0 = vs_wait(h, c0, false);
    g_assert_cmpint(vs_wait_result(wr, NULL), ==, 0);
    g_assert_cmpint(vs_wait_result(w1, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    rec_call(r, "root", wr);
    rec_call(r, "child0", w0);
    rec_call(r, "child1", w1);
    rec_closed(r, "child1", c1);
    point(r);
    rec_state(r, "group");
    vs_drop_all(h);
    rec_state(r, "end");
}

static void test_group(void)
{
    twin(16 << 20, 0, scen_group);
}

/* Weak handles with close_weak_asap, node references, node tracking */
static void scen_weak(Run *r)
{
    VsHost *h = r->h;
    g_autofree SysmemConstraints *c = simple(1, 8192);
    sysmem2_node_attach_node_tracking_request_t track = {
        .has_server_end = true, .server_end = 1,
    };
    sysmem2_node_is_alternate_for_request_t alt = {
        .has_node_ref = true, .node_ref = 1,
    };
    SysmemHandle ev = { .kind = SYSMEM_HANDLE_EVENTPAIR };
    TestCollection tc;
    VsCall *ref, *ia, *ws, *ww;
    uint32_t i;

    test_collection(h, &tc, 2);
    vs_send(h, tc.colls[1], SYSMEM_M_SYSMEM2_NODE_SET_WEAK, NULL, NULL, 0,
            NULL);
    ev.id = vs_new_id(h);
    vs_send(h, tc.colls[0], SYSMEM_M_SYSMEM2_NODE_ATTACH_NODE_TRACKING,
            &track, &ev, 1, NULL);
    vs_send(h, tc.colls[0], SYSMEM_M_SYSMEM2_NODE_GET_NODE_REF, NULL, NULL, 0,
            &ref);
    g_assert_true(ref->answered);
    rec_call(r, "node ref", ref);
    point(r);
    vs_set_constraints(h, tc.colls[0], c);
    vs_set_constraints(h, tc.colls[1], c);
    ws = vs_wait(h, tc.colls[0], false);
    point(r);
    ww = vs_wait(h, tc.colls[1], false);
    g_assert_cmpuint(ww->nh, ==, 4);            /* weak: vmo + event each */
    rec_call(r, "strong", ws);
    rec_call(r, "weak", ww);
    /* the node ref survived: IsAlternateFor resolves it */
    vs_send(h, tc.colls[1], SYSMEM_M_SYSMEM2_NODE_IS_ALTERNATE_FOR, &alt,
            &ref->handles[0], 1, &ia);
    g_assert_true(ia->answered);
    rec_call(r, "is alternate", ia);
    vs_peer_close(h, tc.colls[0]);
    vs_peer_close(h, tc.colls[1]);
    point(r);
    rec_closed(r, "node tracker", ev.id);
    sysmem_core_buffer_release(vs_host_core(h), ws->handles[0].id);
    point(r);
    for (i = 0; i < ww->nh; i++) {
        rec_closed(r, "weak handle", ww->handles[i].id);
    }
    rec_state(r, "weak");
    vs_peer_close(h, tc.alloc);
    vs_release_buffers(h);
    for (i = 0; i < ww->nh; i++) {
        rec_closed(r, "weak handle", ww->handles[i].id);
    }
    rec_state(r, "end");
}

static void test_weak(void)
{
    twin(16 << 20, 0, scen_weak);
}

/*
 * A collection left with only a weak node holds its buffers weakly; a
 * buffer whose last strong handle closed has left it (a hole) across the
 * migration, and the last strong handle still fails it afterwards.
 */
static void scen_weakly_held(Run *r)
{
    VsHost *h = r->h;
    g_autofree SysmemConstraints *c0 = simple(0, 8192);
    g_autofree SysmemConstraints *c3 = simple(3, 8192);
    sysmem2_node_set_weak_ok_request_t ok = { 0 };
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t child = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);
    uint32_t pcoll, ccoll, tracker, i;
    VsCall *ws, *ww;

    vs_send(h, child, SYSMEM_M_SYSMEM2_NODE_SET_WEAK, NULL, NULL, 0, NULL);
    pcoll = vs_bind(h, alloc, root, false);
    ccoll = vs_bind(h, alloc, child, false);
    vs_set_constraints(h, pcoll, c0);
    vs_set_constraints(h, ccoll, c3);
    ws = vs_wait(h, pcoll, false);
    g_assert_cmpuint(ws->nh, ==, 3);
    rec_call(r, "strong", ws);
    vs_release(h, pcoll, false);
    vs_peer_close(h, pcoll);
    point(r);
    sysmem_core_buffer_release(vs_host_core(h), ws->handles[0].id);
    tracker = vs_attach_lifetime(h, ccoll, 0);
    point(r);
    rec_state(r, "weakly held, one buffer gone");
    vs_send(h, ccoll, SYSMEM_M_SYSMEM2_NODE_SET_WEAK_OK, &ok, NULL, 0, NULL);
    ww = vs_wait(h, ccoll, false);
    g_assert_cmpuint(ww->nh, ==, 4);            /* buffers 1 and 2 only */
    rec_call(r, "weak", ww);
    point(r);
    sysmem_core_buffer_release(vs_host_core(h), ws->handles[1].id);
    point(r);
    sysmem_core_buffer_release(vs_host_core(h), ws->handles[2].id);
    rec_closed(r, "weak collection", ccoll);
    for (i = 0; i < ww->nh; i++) {
        rec_closed(r, "weak handle", ww->handles[i].id);
    }
    rec_closed(r, "lifetime tracker", tracker);
    point(r);
    vs_peer_close(h, alloc);
    vs_release_buffers(h);
    rec_closed(r, "lifetime tracker", tracker);
    rec_state(r, "end");
}

static void test_weakly_held(void)
{
    twin(16 << 20, 0, scen_weakly_held);
}

/* ------------------------------------------------------------------ */
/* (f) bad input                                                        */

/* A snapshot of a core in an interesting state, and its config. */
static GByteArray *sample(VsHost **hp)
{
    VsHost *h = test_host(16 << 20, 4 << 20);
    g_autofree SysmemConstraints *c = simple(2, 8192);
    g_autofree SysmemConstraints *s = secure_c(1, 65536);
    TestCollection tc, ts;
    uint32_t at;

    test_collection(h, &tc, 3);
    vs_set_name(h, tc.colls[0], 1, "sample");
    vs_set_constraints(h, tc.colls[0], c);
    vs_wait(h, tc.colls[0], false);
    vs_attach_lifetime(h, tc.colls[0], 1);
    alloc_one(h, &ts, s);
    at = vs_attach_token(h, ts.colls[0], FIDL_RIGHT_SAME_RIGHTS);
    g_assert_true(vs_sync(h, ts.colls[0], false));
    (void)at;
    *hp = h;
    return save(vs_host_core(h));
}

static void assert_load_fails(SysmemCore *core, const uint8_t *data,
                              size_t len, const char *expect)
{
    char *err = NULL;

    g_assert_false(sysmem_core_load(core, data, len, &err));
    g_assert_nonnull(err);
    if (expect && !strstr(err, expect)) {
        g_error("expected '%s' in '%s'", expect, err);
    }
    g_free(err);
    /* NULL errmsg is fine too */
    g_assert_false(sysmem_core_load(core, data, len, NULL));
    assert_empty(core);
}

static void test_bad_input(void)
{
    VsHost *h;
    g_autoptr(GByteArray) good = sample(&h);
    SysmemCore *core = strict_core(vs_host_core(h));
    g_autofree uint8_t *buf = g_malloc(good->len);
    g_autoptr(GByteArray) again = NULL;
    SysmemCoreConfig cfg = vs_host_core(h)->cfg;
    SysmemCore *other;
    size_t i;

    /* every truncation */
    for (i = 0; i < good->len; i++) {
        assert_load_fails(core, good->data, i, NULL);
    }
    assert_load_fails(core, NULL, 0, "truncated");
    /* one flipped bit in every byte (a different bit each time) */
    for (i = 0; i < good->len; i++) {
        memcpy(buf, good->data, good->len);
        buf[i] ^= 1u << (i % 8);
        assert_load_fails(core, buf, good->len, NULL);
    }
    /* trailing garbage */
    {
        g_autofree uint8_t *longer = g_malloc(good->len + 1);

        memcpy(longer, good->data, good->len);
        longer[good->len] = 0;
        assert_load_fails(core, longer, good->len + 1, NULL);
        sysmem_snapshot_reseal(longer, good->len + 1);
        assert_load_fails(core, longer, good->len + 1, NULL);
    }
    /* another version, even correctly sealed */
    memcpy(buf, good->data, good->len);
    buf[SYSMEM_SNAPSHOT_VERSION_OFFSET] = SYSMEM_SNAPSHOT_VERSION + 1;
    sysmem_snapshot_reseal(buf, good->len);
    assert_load_fails(core, buf, good->len, "version");
    memcpy(buf, good->data, good->len);
    buf[0] ^= 0x20;
    assert_load_fails(core, buf, good->len, "magic");
    /* another region size */
    cfg.region_size *= 2;
    other = sysmem_core_new(&cfg, &strict_ops, NULL, NULL);
    assert_load_fails(other, good->data, good->len, "region");
    sysmem_core_free(other);
    cfg = vs_host_core(h)->cfg;
    cfg.secure_heap_size = 0;
    other = sysmem_core_new(&cfg, &strict_ops, NULL, NULL);
    assert_load_fails(other, good->data, good->len, "region");
    sysmem_core_free(other);
    cfg = vs_host_core(h)->cfg;
    cfg.max_objects = 100;
    other = sysmem_core_new(&cfg, &strict_ops, NULL, NULL);
    assert_load_fails(other, good->data, good->len, "configuration");
    sysmem_core_free(other);

    /* after all that, the same core still loads the good one */
    g_assert_true(sysmem_core_load(core, good->data, good->len, NULL));
    again = save(core);
    assert_same_bytes(good, again);
    /* ... and refuses a second load on top */
    {
        char *err = NULL;

        g_assert_false(sysmem_core_load(core, good->data, good->len, &err));
        g_assert_nonnull(strstr(err, "not empty"));
        g_free(err);
    }
    sysmem_core_free(core);
    vs_host_free(h);
}

/*
 * Sealed corruption: bytes changed and the CRC fixed up, so the structure
 * checks have to catch it.  A load may succeed (a changed name is still a
 * valid state); then the core must survive use and teardown.
 */
static void exercise(SysmemCore *core)
{
    g_autoptr(GString) dump = g_string_new(NULL);
    g_autoptr(GByteArray) b = save(core);
    g_autoptr(GList) ids = g_hash_table_get_keys(core->objects);
    GList *l;

    sysmem_core_dump(core, dump);
    sysmem_core_log_stalled(core, 0);
    core->quiet = true;
    for (l = ids; l; l = l->next) {
        sysmem_core_peer_closed(core, GPOINTER_TO_UINT(l->data));
    }
    core->quiet = false;
    quiet_reset(core);
    assert_empty(core);
}

static void quiet_log(void *opaque, GLogLevelFlags level, const char *msg)
{
}

static void test_sealed_corruption(void)
{
    VsHost *h;
    g_autoptr(GByteArray) good = sample(&h);
    SysmemCoreConfig cfg = vs_host_core(h)->cfg;
    SysmemHostOps ops = strict_ops;
    g_autofree uint8_t *buf = g_malloc(good->len);
    unsigned loaded = 0;
    SysmemCore *core;
    size_t i;
    int bit;

    ops.log = quiet_log;
    ops.buffer_memory = NULL;
    core = sysmem_core_new(&cfg, &ops, NULL, NULL);
    for (i = 8 + 4; i + SYSMEM_SNAPSHOT_CRC_BYTES < good->len; i++) {
        for (bit = 0; bit < 8; bit += (good->len > 4096 ? 3 : 1)) {
            memcpy(buf, good->data, good->len);
            buf[i] ^= 1u << bit;
            sysmem_snapshot_reseal(buf, good->len);
            if (sysmem_core_load(core, buf, good->len, NULL)) {
                loaded++;
                exercise(core);
            } else {
                assert_empty(core);
            }
        }
    }
    g_test_message("%u of the sealed corruptions loaded", loaded);
    sysmem_core_free(core);
    vs_host_free(h);
}

/* The host-visible side of load: no callbacks, buffers not zero-filled. */
static void test_no_zero_fill(void)
{
    g_autofree uint8_t *mem = g_malloc0(4 << 20);
    SysmemCoreConfig cfg = { .region_size = 4 << 20, .region_ptr = mem };
    SysmemHostOps ops = { .reply = no_reply, .close = no_close };
    VsHost *h = test_host(4 << 20, 0);
    g_autofree SysmemConstraints *c = simple(1, PAGE);
    g_autoptr(GByteArray) blob = NULL;
    TestCollection tc;
    SysmemCore *core;
    VsCall *w;

    w = alloc_one(h, &tc, c);
    blob = save(vs_host_core(h));
    memset(mem, 0xa5, 4 << 20);
    core = sysmem_core_new(&cfg, &ops, NULL, NULL);
    g_assert_true(sysmem_core_load(core, blob->data, blob->len, NULL));
    g_assert_cmpuint(mem[w->handles[0].offset], ==, 0xa5);
    sysmem_core_free(core);
    vs_host_free(h);
}

/*
 * Never-used tracking after migration: the destination's region holds the
 * source's bytes (dirty where the source's buffers were), so a destination
 * that was told its fresh region is zero must still clear every buffer
 * after the load.
 */
static void test_load_forgets_never_used(void)
{
    g_autofree uint8_t *src_mem = g_malloc0(1 << 20);
    g_autofree uint8_t *dst_mem = NULL;
    SysmemCoreConfig cfg = { .region_size = 1 << 20, .region_ptr = src_mem,
                             .region_zeroed = true };
    g_autoptr(GByteArray) blob = NULL;
    VsHost *src = vs_host_new(&cfg), *dst;

    /* the source dirties the first 8 pages, frees them, and migrates */
    alloc_check_fill(src, src_mem, 2, 4 * PAGE, 0x5a, 0);
    blob = save(vs_host_core(src));
    dst_mem = g_memdup2(src_mem, 1 << 20);      /* the migrated RAM */
    cfg.region_ptr = dst_mem;
    dst = vs_host_new(&cfg);
    g_assert_true(sysmem_core_load(vs_host_core(dst), blob->data, blob->len,
                                   NULL));
    alloc_check_fill(dst, dst_mem, 2, 4 * PAGE, 0x11, 0);
    vs_host_free(src);
    vs_host_free(dst);
}

/* ------------------------------------------------------------------ */
/* The region allocator's export/import                                 */

static void collect_block(void *opaque, const SysmemRegionBlock *blk)
{
    g_array_append_val((GArray *)opaque, *blk);
}

static GArray *export_blocks(SysmemRegion *r)
{
    GArray *a = g_array_new(false, false, sizeof(SysmemRegionBlock));

    sysmem_region_export(r, collect_block, a);
    return a;
}

static void test_region_import(void)
{
    const uint64_t base = 1 << 20, gran = 4096, size = 1024 * 4096;
    SysmemRegion *a = sysmem_region_new(base, size, gran);
    SysmemRegion *b = sysmem_region_new(base, size, gran);
    g_autoptr(GRand) rnd = g_rand_new_with_seed(7);
    g_autoptr(GArray) live = g_array_new(false, false, sizeof(uint64_t));
    g_autoptr(GArray) blocks = NULL;
    g_autoptr(GArray) again = NULL;
    SysmemRegionBlock *bl;
    SysmemRegionStats sa, sb;
    unsigned i;

    /* churn, so that the free lists hold several blocks per class */
    for (i = 0; i < 3000; i++) {
        uint64_t off;

        if (live->len && g_rand_int_range(rnd, 0, 100) < 45) {
            guint k = g_rand_int_range(rnd, 0, live->len);

            g_assert_true(sysmem_region_release(
                a, g_array_index(live, uint64_t, k)));
            g_array_remove_index_fast(live, k);
        } else if (sysmem_region_alloc(a, gran * g_rand_int_range(rnd, 1, 24),
                                       gran << g_rand_int_range(rnd, 0, 3),
                                       &off)) {
            g_array_append_val(live, off);
        }
    }
    blocks = export_blocks(a);
    g_assert_cmpuint(blocks->len, >, 20);
    g_assert_true(sysmem_region_import(b, (SysmemRegionBlock *)blocks->data,
                                       blocks->len));
    g_assert_true(sysmem_region_check(b));
    again = export_blocks(b);
    g_assert_cmpuint(again->len, ==, blocks->len);
    g_assert_true(memcmp(again->data, blocks->data,
                         blocks->len * sizeof(SysmemRegionBlock)) == 0);
    sysmem_region_get_stats(a, &sa);
    sysmem_region_get_stats(b, &sb);
    g_assert_true(memcmp(&sa, &sb, sizeof(sa)) == 0);
    /* the same requests land on the same offsets from here on */
    for (i = 0; i < 2000; i++) {
        uint64_t oa = 0, ob = 0, sz = gran * g_rand_int_range(rnd, 1, 24);
        bool ra, rb;

        if (live->len && g_rand_int_range(rnd, 0, 100) < 45) {
            guint k = g_rand_int_range(rnd, 0, live->len);

            g_assert_true(sysmem_region_release(
                a, g_array_index(live, uint64_t, k)));
            g_assert_true(sysmem_region_release(
                b, g_array_index(live, uint64_t, k)));
            g_array_remove_index_fast(live, k);
            continue;
        }
        ra = sysmem_region_alloc(a, sz, 0, &oa);
        rb = sysmem_region_alloc(b, sz, 0, &ob);
        g_assert_cmpint(ra, ==, rb);
        g_assert_cmpuint(oa, ==, ob);
        if (ra) {
            g_array_append_val(live, oa);
        }
    }
    g_assert_true(sysmem_region_check(b));

    /* bad lists leave the region empty */
    g_array_free(blocks, true);
    blocks = export_blocks(a);
    bl = (SysmemRegionBlock *)blocks->data;
    g_assert_false(sysmem_region_import(b, bl, blocks->len - 1));   /* gap */
    sysmem_region_get_stats(b, &sb);
    g_assert_cmpuint(sb.used, ==, 0);
    g_assert_cmpuint(sb.free_blocks, ==, 1);
    g_assert_true(sysmem_region_check(b));
    bl[0].offset += 1;
    g_assert_false(sysmem_region_import(b, bl, blocks->len));   /* misaligned */
    bl[0].offset -= 1;
    bl[0].size += gran;
    g_assert_false(sysmem_region_import(b, bl, blocks->len));   /* overlap */
    bl[0].size -= gran;
    bl[0].offset = base - gran;
    g_assert_false(sysmem_region_import(b, bl, blocks->len));   /* outside */
    g_assert_false(sysmem_region_import(b, NULL, 0));           /* nothing */
    {
        SysmemRegionBlock two[2] = {
            { base, size / 2, true }, { base + size / 2, size / 2, true },
        };

        g_assert_false(sysmem_region_import(b, two, 2));    /* not coalesced */
        two[1].free = false;
        g_assert_true(sysmem_region_import(b, two, 2));
        g_assert_true(sysmem_region_check(b));
    }
    sysmem_region_destroy(a);
    sysmem_region_destroy(b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/core-snapshot/pending-wait", test_pending_wait);
    g_test_add_func("/core-snapshot/allocated", test_allocated);
    g_test_add_func("/core-snapshot/v1-v2-mixed", test_mixed);
    g_test_add_func("/core-snapshot/failed", test_failed);
    g_test_add_func("/core-snapshot/attach-dispensable-lifetime",
                    test_attach);
    g_test_add_func("/core-snapshot/group", test_group);
    g_test_add_func("/core-snapshot/weak-node-ref", test_weak);
    g_test_add_func("/core-snapshot/weakly-held", test_weakly_held);
    g_test_add_func("/core-snapshot/bad-input", test_bad_input);
    g_test_add_func("/core-snapshot/sealed-corruption",
                    test_sealed_corruption);
    g_test_add_func("/core-snapshot/no-zero-fill", test_no_zero_fill);
    g_test_add_func("/core-snapshot/load-forgets-never-used",
                    test_load_forgets_never_used);
    g_test_add_func("/core-snapshot/region-import", test_region_import);
    return g_test_run();
}
