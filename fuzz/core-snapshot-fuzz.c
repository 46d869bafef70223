/*
 * libFuzzer target for sysmem_core_load: arbitrary bytes into a fresh
 * core.  The first input byte picks how the rest is used:
 *
 *   0  the bytes are the snapshot, as they are (mostly stops at the
 *      magic or the checksum);
 *   1  the bytes are a snapshot whose checksum is fixed up;
 *   2  a real snapshot (made at start-up from a rich scenario: pending
 *      waits, allocated and orphaned buffers, secure heap, v1, groups,
 *      attached tokens, lifetime trackers) with (u16 offset, u8 xor)
 *      edits from the input, checksum fixed up;
 *   3  the real snapshot with the input spliced in at a u16 offset,
 *      checksum fixed up;
 *   4  a program of host operations (connects, tokens, binds,
 *      constraints, waits, releases, closes, AttachToken, groups, lifetime
 *      trackers, weak, dispensable, buffer releases) run twice: straight,
 *      and with the core migrated in place wherever the program says.
 *      Every reachable state must save and load, and the host must see
 *      exactly the same replies, handles, closes, stats and dump.
 *
 * Whatever loads must save again, that save must load into another fresh
 * core and save to the same bytes, the core must survive a dump, a stall
 * log, a new allocation and every object closing, and a reset must leave
 * no buffer, handle, collection or region byte behind.  A failed load
 * must leave the core empty.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "tools/vsysmem-negotiate-host.h"
#include "hw/sysmem/core-internal.h"
#include "hw/sysmem/snapshot.h"

#define REGION (4u << 20)
#define SECURE (1u << 20)

static GByteArray *base;

static void f_reply(void *opaque, void *cookie, const uint8_t *bytes,
                    uint32_t n, const SysmemHandle *handles, uint32_t nh)
{
}

static void f_close(void *opaque, const SysmemClose *c)
{
}

static void f_log(void *opaque, GLogLevelFlags level, const char *msg)
{
}

static const SysmemHostOps ops = {
    .reply = f_reply, .close = f_close, .log = f_log,
};

static SysmemCore *fresh(void)
{
    SysmemCoreConfig cfg = { .region_size = REGION,
                             .secure_heap_size = SECURE };

    return sysmem_core_new(&cfg, &ops, NULL, NULL);
}

static void check_empty(SysmemCore *core, const char *when)
{
    SysmemCoreStats st;

    sysmem_core_get_stats(core, &st);
    if (st.objects || st.collections || st.buffers || st.buffer_handles ||
        st.region_used) {
        g_printerr("core not empty %s: %u objects, %u collections, %u "
                   "buffers, %u handles, %" G_GUINT64_FORMAT " bytes\n", when,
                   st.objects, st.collections, st.buffers, st.buffer_handles,
                   st.region_used);
        abort();
    }
}

static SysmemConstraints *cpu_constraints(uint32_t camping, uint64_t size)
{
    SysmemConstraints *c = g_new0(SysmemConstraints, 1);

    c->has_usage = true;
    c->usage.has_cpu = true;
    c->usage.cpu = SYSMEM2_CPU_USAGE_READ_OFTEN | SYSMEM2_CPU_USAGE_WRITE_OFTEN;
    c->has_min_buffer_count_for_camping = true;
    c->min_buffer_count_for_camping = camping;
    c->has_buffer_memory_constraints = true;
    c->buffer_memory_constraints.has_min_size_bytes = true;
    c->buffer_memory_constraints.min_size_bytes = size;
    return c;
}

/* The start-up scenario whose snapshot mode 2 and 3 edit. */
static GByteArray *make_base(void)
{
    SysmemCoreConfig cfg = { .region_size = REGION,
                             .secure_heap_size = SECURE };
    VsHost *h = vs_host_new(&cfg);
    g_autofree SysmemConstraints *c = cpu_constraints(2, 8192);
    g_autofree SysmemConstraints *small = cpu_constraints(1, 4096);
    g_autofree SysmemConstraints *sec = cpu_constraints(1, 65536);
    g_autofree sysmem1_buffer_collection_constraints_t *c1 =
        g_new0(sysmem1_buffer_collection_constraints_t, 1);
    GByteArray *b = g_byte_array_new();
    uint32_t a2, a1, t0, t1, t2, k0, k1, k2, at, g, ch0, ch1, gr;
    uint32_t oc;

    a2 = vs_connect(h, false);
    a1 = vs_connect(h, true);
    /* an allocated collection with a v1 participant and an attached token */
    t0 = vs_allocate_shared(h, a2, false);
    t1 = vs_duplicate(h, t0, FIDL_RIGHT_SAME_RIGHTS, false);
    t2 = vs_duplicate(h, t0, ~FIDL_RIGHT_WRITE, false);
    vs_set_dispensable(h, t2);
    vs_sync(h, t0, false);
    k0 = vs_bind(h, a2, t0, false);
    k1 = vs_bind(h, a1, t1, true);
    k2 = vs_bind(h, a2, t2, false);
    vs_set_name(h, k0, 7, "fuzz-base");
    vs_set_debug_info(h, k2, "dispensable");
    vs_attach_lifetime(h, k0, 1);
    vs_set_constraints(h, k0, c);
    c1->usage.cpu = SYSMEM2_CPU_USAGE_READ_OFTEN;
    c1->min_buffer_count_for_camping = 1;
    vs_set_constraints_v1(h, k1, c1);
    vs_wait(h, k1, true);
    vs_set_constraints(h, k2, small);
    vs_wait(h, k0, false);
    at = vs_attach_token(h, k0, FIDL_RIGHT_SAME_RIGHTS);
    vs_sync(h, k0, false);
    vs_attach_lifetime(h, k0, 0);
    (void)at;
    /* orphaned buffers: a collection that is gone, handles still held */
    oc = vs_allocate_non_shared(h, a2, false);
    vs_set_constraints(h, oc, sec);
    vs_wait(h, oc, false);
    vs_peer_close(h, oc);
    /* a pending group */
    gr = vs_allocate_shared(h, a2, false);
    g = vs_create_group(h, gr);
    ch0 = vs_group_create_child(h, g, FIDL_RIGHT_SAME_RIGHTS);
    ch1 = vs_group_create_child(h, g, ~FIDL_RIGHT_WRITE);
    vs_all_children_present(h, g);
    vs_sync(h, gr, false);
    (void)ch0;
    (void)ch1;
    k2 = vs_bind(h, a2, gr, false);
    vs_set_constraints(h, k2, small);
    vs_wait(h, k2, false);
    /* weak handles with close_weak_asap, a node ref, a node tracker */
    {
        sysmem2_node_attach_node_tracking_request_t track = {
            .has_server_end = true, .server_end = 1,
        };
        SysmemHandle ev = { .kind = SYSMEM_HANDLE_EVENTPAIR,
                            .id = vs_new_id(h) };
        uint32_t wt = vs_allocate_shared(h, a2, false);
        uint32_t wd = vs_duplicate(h, wt, FIDL_RIGHT_SAME_RIGHTS, false);
        uint32_t wc, sc;

        vs_sync(h, wt, false);
        sc = vs_bind(h, a2, wt, false);
        wc = vs_bind(h, a2, wd, false);
        vs_send(h, wc, SYSMEM_M_SYSMEM2_NODE_SET_WEAK, NULL, NULL, 0, NULL);
        vs_send(h, sc, SYSMEM_M_SYSMEM2_NODE_ATTACH_NODE_TRACKING, &track,
                &ev, 1, NULL);
        vs_send(h, sc, SYSMEM_M_SYSMEM2_NODE_GET_NODE_REF, NULL, NULL, 0,
                NULL);
        vs_set_constraints(h, sc, small);
        vs_set_constraints(h, wc, small);
        vs_wait(h, wc, false);
    }
    sysmem_core_save(vs_host_core(h), b);
    vs_host_free(h);
    return b;
}

/* A new collection on the loaded core, with hand-made requests. */
static void allocate_more(SysmemCore *core)
{
    static uint8_t msg[FIDL_MAX_MSG_BYTES];
    g_autofree SysmemConstraints *c = cpu_constraints(2, 12288);
    const sysmem_method_t *m;
    fidl_handle_info_t hinfo[1];
    SysmemHandle hs[1];
    uint32_t alloc = 0x7ffffff0u, coll = 0x7ffffff1u, n, nh;

    if (sysmem_core_connect(core, alloc, SYSMEM_PROTOCOL_SYSMEM2)) {
        return;
    }
    {
        sysmem2_allocator_allocate_non_shared_collection_request_t r = {
            .has_collection_request = true, .collection_request = 1,
        };

        m = sysmem_method_by_id(
            SYSMEM_M_SYSMEM2_ALLOCATOR_ALLOCATE_NON_SHARED_COLLECTION);
        if (sysmem_encode_request(m, 0, &r, msg, sizeof(msg), &n, hinfo, 1,
                                  &nh)) {
            abort();
        }
        hs[0] = (SysmemHandle) { .kind = SYSMEM_HANDLE_CHANNEL_SERVER,
                                 .id = coll };
        sysmem_core_message(core, alloc, msg, n, hs, nh, NULL);
    }
    {
        g_autofree sysmem2_buffer_collection_set_constraints_request_t *r =
            g_new0(sysmem2_buffer_collection_set_constraints_request_t, 1);

        r->has_constraints = true;
        r->constraints = *c;
        m = sysmem_method_by_id(
            SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS);
        if (sysmem_encode_request(m, 0, r, msg, sizeof(msg), &n, hinfo, 1,
                                  &nh)) {
            abort();
        }
        sysmem_core_message(core, coll, msg, n, NULL, 0, NULL);
    }
    m = sysmem_method_by_id(
        SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED);
    if (sysmem_encode_request(m, 1, NULL, msg, sizeof(msg), &n, hinfo, 1,
                              &nh)) {
        abort();
    }
    sysmem_core_message(core, coll, msg, n, NULL, 0, (void *)(uintptr_t)1);
}

static void exercise(SysmemCore *core)
{
    g_autoptr(GByteArray) s1 = g_byte_array_new();
    g_autoptr(GByteArray) s2 = g_byte_array_new();
    g_autoptr(GString) dump = g_string_new(NULL);
    SysmemCore *other = fresh();
    GHashTableIter it;
    gpointer key;
    GArray *ids = g_array_new(false, false, sizeof(uint32_t));
    char *err = NULL;
    guint i;

    /* save -> load -> save is stable */
    sysmem_core_save(core, s1);
    if (!sysmem_core_load(other, s1->data, s1->len, &err)) {
        g_printerr("a saved core does not load: %s\n", err);
        abort();
    }
    sysmem_core_save(other, s2);
    if (s1->len != s2->len || memcmp(s1->data, s2->data, s1->len)) {
        g_printerr("save -> load -> save changed the bytes\n");
        abort();
    }
    sysmem_core_free(other);

    sysmem_core_dump(core, dump);
    sysmem_core_log_stalled(core, 0);
    allocate_more(core);
    /* Every object closes (ids copied first: closing removes others). */
    g_hash_table_iter_init(&it, core->objects);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        uint32_t id = GPOINTER_TO_UINT(key);

        g_array_append_val(ids, id);
    }
    for (i = 0; i < ids->len; i++) {
        sysmem_core_peer_closed(core, g_array_index(ids, uint32_t, i));
    }
    g_array_free(ids, true);
    sysmem_core_reset(core);
    check_empty(core, "after reset");
}

/* ------------------------------------------------------------------ */
/* Mode 4: migration must be invisible                                  */

typedef struct Prog {
    const uint8_t *p;
    size_t n;
} Prog;

static uint8_t pu8(Prog *in)
{
    uint8_t v = 0;

    if (in->n) {
        v = *in->p++;
        in->n--;
    }
    return v;
}

typedef struct IdList {
    uint32_t v[32];
    unsigned n;
} IdList;

static void id_add(IdList *l, uint32_t id)
{
    l->v[l->n++ % 32] = id;
}

static uint32_t id_pick(IdList *l, Prog *in)
{
    uint8_t k = pu8(in);

    return l->n ? l->v[k % MIN(l->n, 32)] : 1 + k % 4;
}

/* Save, empty the core without callbacks, load: must always work. */
static void migrate_in_place(VsHost *h)
{
    SysmemCore *core = vs_host_core(h);
    g_autoptr(GByteArray) a = g_byte_array_new();
    g_autoptr(GByteArray) b = g_byte_array_new();
    char *err = NULL;

    sysmem_core_save(core, a);
    core->quiet = true;
    sysmem_core_reset(core);
    core->quiet = false;
    check_empty(core, "after a quiet reset");
    if (!sysmem_core_load(core, a->data, a->len, &err)) {
        g_printerr("a reachable state does not load: %s\n", err);
        abort();
    }
    sysmem_core_save(core, b);
    if (a->len != b->len || memcmp(a->data, b->data, a->len)) {
        g_printerr("save -> load -> save changed the bytes\n");
        abort();
    }
}

static void rec_call(GString *rec, const VsCall *c)
{
    uint32_t i;

    g_string_append_printf(rec, "call %d %d %u:", c->done, c->answered, c->n);
    for (i = 0; i < c->n; i++) {
        g_string_append_printf(rec, "%02x", c->bytes[i]);
    }
    for (i = 0; i < c->nh; i++) {
        g_string_append_printf(rec, " %u/%u/%x/%x/%" G_GINT64_MODIFIER "x/%"
                               G_GINT64_MODIFIER "x", c->handles[i].kind,
                               c->handles[i].id, c->handles[i].rights,
                               c->handles[i].flags, c->handles[i].offset,
                               c->handles[i].size);
    }
    g_string_append_c(rec, '\n');
}

/*
 * Run a program of host operations; with @mig, op 13 migrates the core.
 * Everything observable goes into @rec.
 */
static void run_program(const uint8_t *data, size_t size, bool mig,
                        GString *rec)
{
    SysmemCoreConfig cfg = { .region_size = REGION,
                             .secure_heap_size = SECURE };
    VsHost *h = vs_host_new(&cfg);
    Prog in = { data, size };
    IdList allocs = { .n = 0 }, nodes = { .n = 0 }, all = { .n = 0 };
    g_autoptr(GPtrArray) calls = g_ptr_array_new();
    g_autofree SysmemConstraints *c = NULL;
    SysmemCoreStats st;
    unsigned steps = 0, i;
    uint32_t id;

    while (in.n && steps++ < 120) {
        uint8_t op = pu8(&in);
        bool v1 = op & 0x80;

        switch (op % 16) {
        case 0:
            id = vs_connect(h, v1);
            id_add(&allocs, id);
            id_add(&all, id);
            break;
        case 1:
            id = vs_allocate_shared(h, id_pick(&allocs, &in), v1);
            id_add(&nodes, id);
            id_add(&all, id);
            break;
        case 2:
            id = vs_duplicate(h, id_pick(&nodes, &in),
                              pu8(&in) & 1 ? FIDL_RIGHT_SAME_RIGHTS :
                              ~FIDL_RIGHT_WRITE, v1);
            id_add(&nodes, id);
            id_add(&all, id);
            break;
        case 3:
            id = vs_bind(h, id_pick(&allocs, &in), id_pick(&nodes, &in), v1);
            id_add(&nodes, id);
            id_add(&all, id);
            break;
        case 4: {
            uint8_t k = pu8(&in);

            g_free(c);
            c = cpu_constraints(k % 3, (uint64_t)(1 + (k >> 2) % 8) * 4096);
            if (k & 0x40) {
                c->has_min_buffer_count = true;
                c->min_buffer_count = 4;
            }
            vs_set_constraints(h, id_pick(&nodes, &in), c);
            break;
        }
        case 5:
            g_ptr_array_add(calls, vs_wait(h, id_pick(&nodes, &in), v1));
            break;
        case 6:
            vs_release(h, id_pick(&nodes, &in), v1);
            break;
        case 7:
            vs_peer_close(h, id_pick(&all, &in));
            break;
        case 8:
            id = vs_attach_token(h, id_pick(&nodes, &in),
                                 FIDL_RIGHT_SAME_RIGHTS);
            id_add(&nodes, id);
            id_add(&all, id);
            break;
        case 9:
            id = vs_create_group(h, id_pick(&nodes, &in));
            id_add(&nodes, id);
            id_add(&all, id);
            break;
        case 10:
            id = vs_group_create_child(h, id_pick(&nodes, &in),
                                       FIDL_RIGHT_SAME_RIGHTS);
            id_add(&nodes, id);
            id_add(&all, id);
            break;
        case 11:
            vs_all_children_present(h, id_pick(&nodes, &in));
            break;
        case 12:
            id = vs_attach_lifetime(h, id_pick(&nodes, &in), pu8(&in) % 4);
            id_add(&all, id);
            break;
        case 13:
            if (mig) {
                migrate_in_place(h);
            }
            break;
        case 14:
            vs_release_buffers(h);
            break;
        case 15:
            if (v1) {
                vs_set_dispensable(h, id_pick(&nodes, &in));
            } else {
                vs_send(h, id_pick(&nodes, &in),
                        SYSMEM_M_SYSMEM2_NODE_SET_WEAK, NULL, NULL, 0, NULL);
            }
            break;
        }
    }
    for (i = 0; i < calls->len; i++) {
        rec_call(rec, g_ptr_array_index(calls, i));
    }
    for (i = 0; i < MIN(all.n, 32); i++) {
        int32_t ep = 0;
        bool closed = vs_closed(h, all.v[i], &ep);

        g_string_append_printf(rec, "id %u closed %d %d\n", all.v[i], closed,
                               closed ? ep : 0);
    }
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_string_append_printf(rec, "stats %u %u %u %u %u %" G_GUINT64_FORMAT
                           " %u %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
                           st.channels, st.collections, st.buffers,
                           st.buffer_handles, st.objects, st.region_used,
                           st.fragmentation, st.allocations_total,
                           st.failures_total);
    sysmem_core_dump(vs_host_core(h), rec);
    vs_drop_all(h);
    sysmem_core_get_stats(vs_host_core(h), &st);
    if (st.buffers || st.region_used || st.collections || st.buffer_handles ||
        st.channels) {
        g_printerr("leak after closing everything (migrating: %d)\n", mig);
        abort();
    }
    vs_host_free(h);
}

static void twin_programs(const uint8_t *data, size_t size)
{
    g_autoptr(GString) a = g_string_new(NULL);
    g_autoptr(GString) b = g_string_new(NULL);

    run_program(data, size, false, a);
    run_program(data, size, true, b);
    if (strcmp(a->str, b->str)) {
        g_printerr("migration changed what the host saw:\n--- straight\n%s"
                   "--- migrated\n%s", a->str, b->str);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SysmemCore *core;
    g_autoptr(GByteArray) blob = g_byte_array_new();
    uint8_t mode;
    size_t i;

    if (!base) {
        base = make_base();
    }
    if (!size) {
        return 0;
    }
    mode = data[0] % 5;
    data++;
    size--;
    if (mode == 4) {
        twin_programs(data, size);
        return 0;
    }
    switch (mode) {
    case 0:
    case 1:
        g_byte_array_append(blob, data, size);
        if (mode == 1) {
            sysmem_snapshot_reseal(blob->data, blob->len);
        }
        break;
    case 2:
        g_byte_array_append(blob, base->data, base->len);
        for (i = 0; i + 3 <= size; i += 3) {
            size_t off = (data[i] | data[i + 1] << 8) % blob->len;

            blob->data[off] ^= data[i + 2];
        }
        sysmem_snapshot_reseal(blob->data, blob->len);
        break;
    case 3: {
        size_t off = size >= 2 ? (data[0] | data[1] << 8) % base->len : 0;

        g_byte_array_append(blob, base->data, off);
        if (size > 2) {
            g_byte_array_append(blob, data + 2, size - 2);
        }
        g_byte_array_append(blob, base->data + off, base->len - off);
        sysmem_snapshot_reseal(blob->data, blob->len);
        break;
    }
    }
    core = fresh();
    if (sysmem_core_load(core, blob->data, blob->len, NULL)) {
        exercise(core);
    } else {
        check_empty(core, "after a failed load");
    }
    sysmem_core_free(core);
    return 0;
}
