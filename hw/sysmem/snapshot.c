/*
 * sysmem core: save/restore of the whole core state for live migration.
 *
 * The core's state is serialized directly: the object table, the buffer
 * sets and buffers, every logical collection with its node tree, the
 * region allocators' block lists and the counters.  Constraints and
 * settings are FIDL tables, written with the shared codec (their wire
 * form is compact; the C structs are up to ~130 KiB).  Pointers between
 * objects become indexes (buffers, buffer sets) or ids (objects, by
 * their object id; nodes are found by position in their tree).
 *
 * Format (all integers little-endian):
 *
 *   "VSYSMEMS" u32 version u32 flags(0)
 *   config    u64 region_size, secure_heap_size, page_size,
 *             max_buffer_size; u32 max_objects
 *   counters  u32 next_device_id; u64 next_koid, next_collection_id,
 *             allocations_total, failures_total; u32 live_buffers,
 *             buffer_handles (both checked against what follows)
 *   heaps     u32 n; per heap u32 nblocks, blocks {u64 offset, u64 size,
 *             u8 free} (allocations in address order, then free blocks
 *             in free-list order, see sysmem_region_export)
 *   sets      u32 n; per set u8 orphaned
 *   buffers   u32 n; per buffer u32 set, u64 collection_id, u32 index,
 *             u64 offset, u64 size, u8 secure, u32 refs, u32 strong,
 *             u32 cpu_flags
 *   objects   u32 n (ascending id); u32 id, u8 kind, u8 v1, then
 *             allocator: str client_name, u64 client_id
 *             node: -
 *             buffer: u32 buffer, u32 rights, u8 weak
 *             tracker: u8 kind, u32 buffers_remaining
 *             node ref: u64 koid
 *             closed id: u8 flags (CF_*)
 *   set trackers     per set: u32 n, lifetime tracker ids
 *   weak trackers    per buffer: u32 n, close_weak_asap tracker ids
 *   collections u32 n (core order); u64 id, str name, u32 name_priority,
 *             u8 has_name, allocated, failed, strong_dropped; u32 error;
 *             u64 age (s); fidl settings; u32 set; u32 count,
 *             u32 buffers[count] (UINT32_MAX: gone, only if strong_dropped);
 *             u8 has_root, node (pre-order, recursively):
 *               u8 kind, u32 channel id (0: none), u64 koid,
 *               u32 rights_mask, u8 mode, fidl constraints,
 *               u32 constraints_error, str constraints_why, u16 flags,
 *               u32 selected, str debug_name, u64 debug_id,
 *               u32 nwaits {u64 cookie, u32 txid, u32 method id},
 *               u32 n, node tracker ids; u32 n, lifetime tracker ids;
 *               u32 nchildren, children
 *   u32 CRC-32 of all the bytes before it
 *
 *   str:  u8 present, u32 len, bytes (no NUL)
 *   fidl: u8 present, u32 len, FIDL wire bytes of the table
 *
 * Loading parses everything into free-standing structures first, checks
 * every cross reference and invariant the core relies on, and only then
 * links them into the core, so a bad blob never leaves half a state.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include <stdarg.h>
#include "hw/sysmem/core-internal.h"
#include "hw/sysmem/snapshot.h"

/*
 * Tripwire: every field of these structs is saved below or derived on
 * load.  A size change means a field was added or removed: save and load
 * it here (bumping SYSMEM_SNAPSHOT_VERSION), then update the size.
 */
#if GLIB_SIZEOF_VOID_P == 8 && defined(__x86_64__)
G_STATIC_ASSERT(sizeof(SysmemObject) == 88);
G_STATIC_ASSERT(sizeof(SysmemNode) == 152);
G_STATIC_ASSERT(sizeof(SysmemBufferSet) == 32);
G_STATIC_ASSERT(sizeof(SysmemBuffer) == 72);
G_STATIC_ASSERT(sizeof(SysmemLogicalCollection) == 96);
G_STATIC_ASSERT(sizeof(SysmemPending) == 24);
G_STATIC_ASSERT(sizeof(SysmemCore) == 336);
#endif

#define MAX_STRING (64u << 10)
#define MAX_FIDL_BYTES (16u << 20)

enum {
    NF_CONSTRAINTS_SET = 1 << 0,
    NF_RELEASED = 1 << 1,
    NF_CHILDREN_PRESENT = 1 << 2,
    NF_WEAK = 1 << 3,
    NF_WEAK_OK = 1 << 4,
    NF_WEAK_OK_FOR_CHILDREN = 1 << 5,
    NF_LOGICALLY_ALLOCATED = 1 << 6,
    NF_WAITED = 1 << 7,
    NF_V1 = 1 << 8,
    NF_ALL = (1 << 9) - 1,
};

/* OBJ_CLOSED flags */
enum {
    CF_EVENTPAIR = 1 << 0,
    CF_HOST_END_OPEN = 1 << 1,
    CF_NOTICE_PENDING = 1 << 2,
    CF_ALL = (1 << 3) - 1,
};

/* ------------------------------------------------------------------ */
/* CRC-32 (IEEE 802.3, reflected)                                       */

uint32_t sysmem_snapshot_crc32(const uint8_t *data, size_t len)
{
    uint32_t crc = 0xffffffffu;
    size_t i;
    int k;

    for (i = 0; i < len; i++) {
        crc ^= data[i];
        for (k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
        }
    }
    return ~crc;
}

void sysmem_snapshot_reseal(uint8_t *data, size_t len)
{
    uint32_t crc;

    if (len < SYSMEM_SNAPSHOT_CRC_BYTES) {
        return;
    }
    crc = sysmem_snapshot_crc32(data, len - SYSMEM_SNAPSHOT_CRC_BYTES);
    data[len - 4] = crc;
    data[len - 3] = crc >> 8;
    data[len - 2] = crc >> 16;
    data[len - 1] = crc >> 24;
}

/* ------------------------------------------------------------------ */
/* Writer                                                               */

static void w8(GByteArray *o, uint8_t v)
{
    g_byte_array_append(o, &v, 1);
}

static void w16(GByteArray *o, uint16_t v)
{
    uint8_t b[2] = { v, v >> 8 };

    g_byte_array_append(o, b, 2);
}

static void w32(GByteArray *o, uint32_t v)
{
    uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

    g_byte_array_append(o, b, 4);
}

static void w64(GByteArray *o, uint64_t v)
{
    w32(o, (uint32_t)v);
    w32(o, (uint32_t)(v >> 32));
}

static void wstr(GByteArray *o, const char *s)
{
    size_t n = s ? strlen(s) : 0;

    w8(o, s != NULL);
    if (s) {
        n = MIN(n, MAX_STRING);
        w32(o, n);
        g_byte_array_append(o, (const uint8_t *)s, n);
    }
}

/*
 * A FIDL table: present byte 0 (absent), 1 (wire bytes follow) or 2 (the
 * core's own value did not encode: a core bug; load refuses it).
 */
static void wfidl(GByteArray *o, const fidl_type_t *type, const void *v)
{
    uint32_t cap, n = 0, nh = 0;
    uint8_t *buf;
    int err = -1;

    if (!v) {
        w8(o, 0);
        return;
    }
    for (cap = 64u << 10; cap <= MAX_FIDL_BYTES; cap *= 2) {
        buf = g_malloc(cap);
        err = fidl_encode(type, v, buf, cap, &n, NULL, 0, &nh);
        if (!err) {
            w8(o, 1);
            w32(o, n);
            g_byte_array_append(o, buf, n);
            g_free(buf);
            return;
        }
        g_free(buf);
    }
    w8(o, 2);
}

/* ------------------------------------------------------------------ */
/* Save                                                                 */

typedef struct SaveCtx {
    SysmemCore *core;
    GByteArray *out;
    GHashTable *buf_idx;        /* SysmemBuffer* -> index + 1 */
    GPtrArray *bufs;
    GHashTable *set_idx;        /* SysmemBufferSet* -> index + 1 */
    GPtrArray *sets;
    uint32_t nblocks;
} SaveCtx;

static uint32_t note_set(SaveCtx *s, SysmemBufferSet *set)
{
    gpointer v = g_hash_table_lookup(s->set_idx, set);

    if (!v) {
        g_ptr_array_add(s->sets, set);
        v = GUINT_TO_POINTER(s->sets->len);
        g_hash_table_insert(s->set_idx, set, v);
    }
    return GPOINTER_TO_UINT(v) - 1;
}

static uint32_t note_buffer(SaveCtx *s, SysmemBuffer *b)
{
    gpointer v = g_hash_table_lookup(s->buf_idx, b);

    if (!v) {
        g_ptr_array_add(s->bufs, b);
        v = GUINT_TO_POINTER(s->bufs->len);
        g_hash_table_insert(s->buf_idx, b, v);
        note_set(s, b->set);
    }
    return GPOINTER_TO_UINT(v) - 1;
}

static void save_block(void *opaque, const SysmemRegionBlock *blk)
{
    SaveCtx *s = opaque;

    w64(s->out, blk->offset);
    w64(s->out, blk->size);
    w8(s->out, blk->free);
    s->nblocks++;
}

static void count_block(void *opaque, const SysmemRegionBlock *blk)
{
    ((SaveCtx *)opaque)->nblocks++;
}

static void save_ids(GByteArray *o, GPtrArray *objs)
{
    guint i;

    w32(o, objs->len);
    for (i = 0; i < objs->len; i++) {
        w32(o, ((SysmemObject *)g_ptr_array_index(objs, i))->id);
    }
}

static void save_node(SaveCtx *s, const SysmemNode *n)
{
    GByteArray *o = s->out;
    uint16_t flags = 0;
    GList *l;
    guint i;

    w8(o, n->kind);
    w32(o, n->chan ? n->chan->id : 0);
    w64(o, n->koid);
    w32(o, n->rights_mask);
    w8(o, n->mode);
    wfidl(o, &sysmem2_buffer_collection_constraints_type, n->constraints);
    w32(o, n->constraints_error);
    wstr(o, n->constraints_why);
    flags |= n->constraints_set ? NF_CONSTRAINTS_SET : 0;
    flags |= n->released ? NF_RELEASED : 0;
    flags |= n->children_present ? NF_CHILDREN_PRESENT : 0;
    flags |= n->weak ? NF_WEAK : 0;
    flags |= n->weak_ok ? NF_WEAK_OK : 0;
    flags |= n->weak_ok_for_children ? NF_WEAK_OK_FOR_CHILDREN : 0;
    flags |= n->logically_allocated ? NF_LOGICALLY_ALLOCATED : 0;
    flags |= n->waited ? NF_WAITED : 0;
    flags |= n->v1 ? NF_V1 : 0;
    w16(o, flags);
    w32(o, n->selected);
    wstr(o, n->debug_name);
    w64(o, n->debug_id);
    w32(o, g_queue_get_length((GQueue *)&n->waits));
    for (l = n->waits.head; l; l = l->next) {
        const SysmemPending *p = l->data;

        w64(o, (uint64_t)(uintptr_t)p->cookie);
        w32(o, p->txid);
        w32(o, p->method->id);
    }
    save_ids(o, n->node_trackers);
    save_ids(o, n->lifetime_pending);
    w32(o, n->children->len);
    for (i = 0; i < n->children->len; i++) {
        save_node(s, g_ptr_array_index(n->children, i));
    }
}

static gint cmp_u32(gconstpointer a, gconstpointer b)
{
    uint32_t x = GPOINTER_TO_UINT(*(const gpointer *)a);
    uint32_t y = GPOINTER_TO_UINT(*(const gpointer *)b);

    return x < y ? -1 : x > y;
}

void sysmem_core_save(SysmemCore *core, GByteArray *out)
{
    SaveCtx s = { .core = core, .out = out };
    int64_t now = g_get_monotonic_time();
    g_autoptr(GPtrArray) ids = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;
    guint start = out->len, i, j;
    GList *l;
    uint32_t crc;

    s.buf_idx = g_hash_table_new(g_direct_hash, g_direct_equal);
    s.bufs = g_ptr_array_new();
    s.set_idx = g_hash_table_new(g_direct_hash, g_direct_equal);
    s.sets = g_ptr_array_new();

    /* Objects in id order, so that equal states give equal bytes. */
    g_hash_table_iter_init(&it, core->objects);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        g_ptr_array_add(ids, key);
    }
    g_ptr_array_sort(ids, cmp_u32);
    /* Index buffers and sets: collections' first, then held handles'. */
    for (l = core->collections; l; l = l->next) {
        SysmemLogicalCollection *lc = l->data;

        note_set(&s, lc->set);
        for (j = 0; j < lc->buffer_count; j++) {
            if (lc->buffers[j]) {
                note_buffer(&s, lc->buffers[j]);
            }
        }
    }
    for (i = 0; i < ids->len; i++) {
        SysmemObject *obj = sysmem_object_lookup(core,
                                GPOINTER_TO_UINT(g_ptr_array_index(ids, i)));

        if (obj->kind == OBJ_BUFFER) {
            note_buffer(&s, obj->buffer);
        }
        if (obj->kind == OBJ_TRACKER && obj->set) {
            note_set(&s, obj->set);
        }
        if (obj->kind == OBJ_TRACKER && obj->tracker == TRACK_WEAK &&
            obj->buffer) {
            note_buffer(&s, obj->buffer);
        }
    }

    g_byte_array_append(out, (const uint8_t *)SYSMEM_SNAPSHOT_MAGIC, 8);
    w32(out, SYSMEM_SNAPSHOT_VERSION);
    w32(out, 0);
    w64(out, core->cfg.region_size);
    w64(out, core->cfg.secure_heap_size);
    w64(out, core->cfg.page_size);
    w64(out, core->cfg.max_buffer_size);
    w32(out, core->cfg.max_objects);

    w32(out, core->next_device_id);
    w64(out, core->next_koid);
    w64(out, core->next_collection_id);
    w64(out, core->allocations_total);
    w64(out, core->failures_total);
    w32(out, core->live_buffers);
    w32(out, core->buffer_handles);

    w32(out, core->nheaps);
    for (i = 0; i < core->nheaps; i++) {
        s.nblocks = 0;
        sysmem_region_export(core->heaps[i].region, count_block, &s);
        w32(out, s.nblocks);
        sysmem_region_export(core->heaps[i].region, save_block, &s);
    }

    w32(out, s.sets->len);
    for (i = 0; i < s.sets->len; i++) {
        SysmemBufferSet *set = g_ptr_array_index(s.sets, i);

        w8(out, set->orphaned);
    }
    w32(out, s.bufs->len);
    for (i = 0; i < s.bufs->len; i++) {
        SysmemBuffer *b = g_ptr_array_index(s.bufs, i);

        w32(out, note_set(&s, b->set));
        w64(out, b->collection_id);
        w32(out, b->index);
        w64(out, b->offset);
        w64(out, b->size);
        w8(out, b->secure);
        w32(out, b->refs);
        w32(out, b->strong);
        w32(out, b->cpu_flags);
    }

    w32(out, ids->len);
    for (i = 0; i < ids->len; i++) {
        SysmemObject *obj = sysmem_object_lookup(core,
                                GPOINTER_TO_UINT(g_ptr_array_index(ids, i)));

        w32(out, obj->id);
        w8(out, obj->kind);
        w8(out, obj->v1);
        switch (obj->kind) {
        case OBJ_ALLOCATOR:
            wstr(out, obj->client_name);
            w64(out, obj->client_id);
            break;
        case OBJ_NODE:
            break;
        case OBJ_BUFFER:
            w32(out, note_buffer(&s, obj->buffer));
            w32(out, obj->rights);
            w8(out, obj->weak);
            break;
        case OBJ_TRACKER:
            w8(out, obj->tracker);
            w32(out, obj->buffers_remaining);
            break;
        case OBJ_NODE_REF:
            w64(out, obj->node_koid);
            break;
        case OBJ_CLOSED:
            w8(out, (obj->closed_eventpair ? CF_EVENTPAIR : 0) |
                    (obj->host_end_open ? CF_HOST_END_OPEN : 0) |
                    (obj->notice_pending ? CF_NOTICE_PENDING : 0));
            break;
        }
    }

    for (i = 0; i < s.sets->len; i++) {
        save_ids(out, ((SysmemBufferSet *)g_ptr_array_index(s.sets, i))->trackers);
    }
    for (i = 0; i < s.bufs->len; i++) {
        save_ids(out, ((SysmemBuffer *)g_ptr_array_index(s.bufs, i))->weak_trackers);
    }

    w32(out, g_list_length(core->collections));
    for (l = core->collections; l; l = l->next) {
        SysmemLogicalCollection *lc = l->data;

        w64(out, lc->id);
        wstr(out, lc->name);
        w32(out, lc->name_priority);
        w8(out, lc->has_name);
        w8(out, lc->allocated);
        w8(out, lc->failed);
        w8(out, lc->strong_dropped);
        w32(out, lc->error);
        w64(out, now > lc->created_us ? (now - lc->created_us) / G_USEC_PER_SEC
                                      : 0);
        wfidl(out, &sysmem2_single_buffer_settings_type, lc->settings);
        w32(out, note_set(&s, lc->set));
        w32(out, lc->buffer_count);
        for (j = 0; j < lc->buffer_count; j++) {
            w32(out, lc->buffers[j] ? note_buffer(&s, lc->buffers[j])
                                    : UINT32_MAX);
        }
        w8(out, lc->root != NULL);
        if (lc->root) {
            save_node(&s, lc->root);
        }
    }

    crc = sysmem_snapshot_crc32(out->data + start, out->len - start);
    w32(out, crc);

    g_hash_table_destroy(s.buf_idx);
    g_ptr_array_free(s.bufs, true);
    g_hash_table_destroy(s.set_idx);
    g_ptr_array_free(s.sets, true);
}

/* ------------------------------------------------------------------ */
/* Reader                                                               */

typedef struct Rd {
    const uint8_t *p;
    size_t n, off;
    char *err;                  /* first error; later reads return 0 */
} Rd;

static void G_GNUC_PRINTF(2, 3) fail(Rd *r, const char *fmt, ...)
{
    va_list ap;

    if (r->err) {
        return;
    }
    va_start(ap, fmt);
    r->err = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

static const uint8_t *rbytes(Rd *r, size_t n)
{
    const uint8_t *p;

    if (r->err) {
        return NULL;
    }
    if (n > r->n - r->off) {
        fail(r, "truncated at byte %zu", r->off);
        return NULL;
    }
    p = r->p + r->off;
    r->off += n;
    return p;
}

static uint8_t r8(Rd *r)
{
    const uint8_t *p = rbytes(r, 1);

    return p ? p[0] : 0;
}

static uint16_t r16(Rd *r)
{
    const uint8_t *p = rbytes(r, 2);

    return p ? p[0] | p[1] << 8 : 0;
}

static uint32_t r32(Rd *r)
{
    const uint8_t *p = rbytes(r, 4);

    return p ? p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24 : 0;
}

static uint64_t r64(Rd *r)
{
    uint64_t lo = r32(r);

    return lo | (uint64_t)r32(r) << 32;
}

static bool rbool(Rd *r, const char *what)
{
    uint8_t v = r8(r);

    if (v > 1) {
        fail(r, "%s: bad boolean %u", what, v);
    }
    return v == 1;
}

/* A count of records of at least @min bytes each that must still fit. */
static uint32_t rcount(Rd *r, size_t min, uint32_t limit, const char *what)
{
    uint32_t n = r32(r);

    if (r->err) {
        return 0;
    }
    if (n > limit || (size_t)n * min > r->n - r->off) {
        fail(r, "%s: bad count %u", what, n);
        return 0;
    }
    return n;
}

static char *rstr(Rd *r, const char *what)
{
    const uint8_t *p;
    uint32_t n;

    if (!rbool(r, what)) {
        return NULL;
    }
    n = r32(r);
    if (n > MAX_STRING) {
        fail(r, "%s: string too long", what);
        return NULL;
    }
    p = rbytes(r, n);
    if (!p) {
        return NULL;
    }
    if (memchr(p, 0, n)) {
        fail(r, "%s: NUL in string", what);
        return NULL;
    }
    return g_strndup((const char *)p, n);
}

/* Decode a FIDL table into a fresh c_size allocation (NULL: absent). */
static void *rfidl(Rd *r, const fidl_type_t *type, const char *what)
{
    const uint8_t *p;
    uint8_t present = r8(r);
    uint32_t n;
    void *v;
    int err;

    if (r->err || !present) {
        return NULL;
    }
    if (present != 1) {
        fail(r, "%s: %s", what, present == 2 ? "did not encode when saved" :
                                               "bad presence byte");
        return NULL;
    }
    n = r32(r);
    if (n > MAX_FIDL_BYTES) {
        fail(r, "%s: too long", what);
        return NULL;
    }
    p = rbytes(r, n);
    if (!p) {
        return NULL;
    }
    v = g_malloc0(type->c_size);
    err = fidl_decode(type, p, n, NULL, 0, v);
    if (err) {
        fail(r, "%s: %s", what, fidl_strerror(err));
        g_free(v);
        return NULL;
    }
    return v;
}

/* ------------------------------------------------------------------ */
/* Load                                                                 */

typedef struct LoadCtx {
    SysmemCore *core;
    Rd r;
    /* Everything parsed, not yet in the core (freed on failure). */
    GPtrArray *objs;            /* SysmemObject* */
    GHashTable *obj_by_id;      /* id -> SysmemObject* */
    GHashTable *owned;          /* SysmemObject* already in some list */
    GPtrArray *sets;            /* SysmemBufferSet* */
    GArray *set_owner;          /* uint8_t: owned by a collection */
    GPtrArray *bufs;            /* SysmemBuffer* */
    GArray *buf_refs;           /* uint32_t: references seen */
    GArray *buf_strong;         /* uint32_t: strong references seen */
    GArray *buf_lc;             /* uint8_t: in some collection's array */
    GPtrArray *lcs;             /* SysmemLogicalCollection* */
    GPtrArray *nodes;           /* SysmemNode* */
    GHashTable *koids;          /* koid -> SysmemNode* */
    GHashTable *lc_ids;         /* collection id (u64*) set */
    GArray *blocks[2];          /* SysmemRegionBlock */
    uint32_t live_buffers, buffer_handles;
    uint32_t next_device_id;
    uint64_t next_koid, next_collection_id;
    uint64_t allocations_total, failures_total;
    int64_t now;
} LoadCtx;

static void free_node(SysmemNode *n)
{
    g_ptr_array_free(n->children, true);
    g_ptr_array_free(n->node_trackers, true);
    g_ptr_array_free(n->lifetime_pending, true);
    g_queue_clear_full(&n->waits, g_free);
    g_free(n->constraints);
    g_free(n->constraints_why);
    g_free(n->debug_name);
    g_free(n);
}

static void free_staging(LoadCtx *c)
{
    guint i;

    for (i = 0; i < c->objs->len; i++) {
        SysmemObject *obj = g_ptr_array_index(c->objs, i);

        g_free(obj->client_name);
        g_free(obj);
    }
    for (i = 0; i < c->sets->len; i++) {
        SysmemBufferSet *set = g_ptr_array_index(c->sets, i);

        g_ptr_array_free(set->trackers, true);
        g_free(set);
    }
    for (i = 0; i < c->bufs->len; i++) {
        SysmemBuffer *b = g_ptr_array_index(c->bufs, i);

        g_ptr_array_free(b->weak_trackers, true);
        g_free(b);
    }
    for (i = 0; i < c->lcs->len; i++) {
        SysmemLogicalCollection *lc = g_ptr_array_index(c->lcs, i);

        g_free(lc->name);
        g_free(lc->settings);
        g_free(lc->buffers);
        g_free(lc);
    }
    for (i = 0; i < c->nodes->len; i++) {
        free_node(g_ptr_array_index(c->nodes, i));
    }
    g_ptr_array_set_size(c->objs, 0);
    g_ptr_array_set_size(c->sets, 0);
    g_ptr_array_set_size(c->bufs, 0);
    g_ptr_array_set_size(c->lcs, 0);
    g_ptr_array_set_size(c->nodes, 0);
}

static void destroy_ctx(LoadCtx *c)
{
    g_ptr_array_free(c->objs, true);
    g_hash_table_destroy(c->obj_by_id);
    g_hash_table_destroy(c->owned);
    g_ptr_array_free(c->sets, true);
    g_array_free(c->set_owner, true);
    g_ptr_array_free(c->bufs, true);
    g_array_free(c->buf_refs, true);
    g_array_free(c->buf_strong, true);
    g_array_free(c->buf_lc, true);
    g_ptr_array_free(c->lcs, true);
    g_ptr_array_free(c->nodes, true);
    g_hash_table_destroy(c->koids);
    g_hash_table_destroy(c->lc_ids);
    g_array_free(c->blocks[0], true);
    g_array_free(c->blocks[1], true);
}

/*
 * Read a list of tracker ids into @list, checking that each names a
 * tracker of @kind that no other list holds.
 */
static void read_trackers(LoadCtx *c, GPtrArray *list, SysmemTrackerKind kind,
                          const char *what)
{
    Rd *r = &c->r;
    uint32_t n = rcount(r, 4, c->core->cfg.max_objects, what), i;

    for (i = 0; i < n && !r->err; i++) {
        uint32_t id = r32(r);
        SysmemObject *t = g_hash_table_lookup(c->obj_by_id,
                                              GUINT_TO_POINTER(id));

        if (!t || t->kind != OBJ_TRACKER || t->tracker != kind) {
            fail(r, "%s: %u is not such a tracker", what, id);
        } else if (g_hash_table_contains(c->owned, t)) {
            fail(r, "%s: tracker %u listed twice", what, id);
        } else {
            g_hash_table_add(c->owned, t);
            g_ptr_array_add(list, t);
        }
    }
}

static void read_config(LoadCtx *c)
{
    Rd *r = &c->r;
    SysmemCoreConfig *cfg = &c->core->cfg;
    const uint8_t *magic = rbytes(r, 8);
    uint32_t version;
    uint64_t region, secure, page, maxbuf;
    uint32_t maxobj;

    if (!magic || memcmp(magic, SYSMEM_SNAPSHOT_MAGIC, 8)) {
        fail(r, "not a sysmem core snapshot (bad magic)");
        return;
    }
    version = r32(r);
    if (!r->err && version != SYSMEM_SNAPSHOT_VERSION) {
        fail(r, "unsupported snapshot version %u (this core reads %u)",
             version, SYSMEM_SNAPSHOT_VERSION);
        return;
    }
    if (r32(r) != 0) {
        fail(r, "unknown snapshot flags");
        return;
    }
    region = r64(r);
    secure = r64(r);
    page = r64(r);
    maxbuf = r64(r);
    maxobj = r32(r);
    if (r->err) {
        return;
    }
    if (region != cfg->region_size || secure != cfg->secure_heap_size) {
        fail(r, "incompatible region: snapshot has %" G_GUINT64_FORMAT
             " bytes (%" G_GUINT64_FORMAT " secure), this core %"
             G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT ")", region, secure,
             cfg->region_size, cfg->secure_heap_size);
    } else if (page != cfg->page_size || maxbuf != cfg->max_buffer_size ||
               maxobj != cfg->max_objects) {
        fail(r, "incompatible configuration (page size, buffer or object "
             "limit differ)");
    }
}

static void read_counters(LoadCtx *c)
{
    Rd *r = &c->r;

    c->next_device_id = r32(r);
    c->next_koid = r64(r);
    c->next_collection_id = r64(r);
    c->allocations_total = r64(r);
    c->failures_total = r64(r);
    c->live_buffers = r32(r);
    c->buffer_handles = r32(r);
    if (!r->err && (!(c->next_device_id & SYSMEM_DEVICE_ID_BIT) ||
                    !c->next_koid || !c->next_collection_id)) {
        fail(r, "bad id allocator state");
    }
}

static void read_heaps(LoadCtx *c)
{
    Rd *r = &c->r;
    uint32_t nheaps = r32(r), h, i;

    if (!r->err && nheaps != c->core->nheaps) {
        fail(r, "snapshot has %u heaps, this core %u", nheaps,
             c->core->nheaps);
        return;
    }
    for (h = 0; h < nheaps && !r->err; h++) {
        uint32_t n = rcount(r, 17, UINT32_MAX, "heap blocks");

        for (i = 0; i < n && !r->err; i++) {
            SysmemRegionBlock b;

            b.offset = r64(r);
            b.size = r64(r);
            b.free = rbool(r, "heap block");
            g_array_append_val(c->blocks[h], b);
        }
    }
}

static void read_sets(LoadCtx *c)
{
    Rd *r = &c->r;
    uint32_t n = rcount(r, 1, UINT32_MAX, "buffer sets"), i;

    for (i = 0; i < n && !r->err; i++) {
        SysmemBufferSet *set = g_new0(SysmemBufferSet, 1);
        uint8_t zero = 0;

        set->core = c->core;
        set->trackers = g_ptr_array_new();
        g_ptr_array_add(c->sets, set);
        g_array_append_val(c->set_owner, zero);
        set->orphaned = rbool(r, "buffer set");
    }
}

static void read_buffers(LoadCtx *c)
{
    Rd *r = &c->r;
    uint32_t n = rcount(r, 45, UINT32_MAX, "buffers"), i;

    for (i = 0; i < n && !r->err; i++) {
        SysmemBuffer *b = g_new0(SysmemBuffer, 1);
        uint32_t set = r32(r), zero = 0;

        b->weak_trackers = g_ptr_array_new();
        g_ptr_array_add(c->bufs, b);
        g_array_append_val(c->buf_refs, zero);
        g_array_append_val(c->buf_strong, zero);
        g_array_append_val(c->buf_lc, zero);
        if (!r->err && set >= c->sets->len) {
            fail(r, "buffer %u: bad set %u", i, set);
            return;
        }
        b->set = g_ptr_array_index(c->sets, set);
        b->collection_id = r64(r);
        b->index = r32(r);
        b->offset = r64(r);
        b->size = r64(r);
        b->secure = rbool(r, "buffer");
        b->refs = r32(r);
        b->strong = r32(r);
        b->cpu_flags = r32(r);
    }
}

static void read_objects(LoadCtx *c)
{
    Rd *r = &c->r;
    uint32_t n = rcount(r, 6, c->core->cfg.max_objects, "objects"), i;
    uint32_t prev = 0;

    for (i = 0; i < n && !r->err; i++) {
        SysmemObject *obj = g_new0(SysmemObject, 1);
        uint8_t kind;

        g_ptr_array_add(c->objs, obj);
        obj->id = r32(r);
        kind = r8(r);
        obj->v1 = rbool(r, "object");
        if (r->err) {
            return;
        }
        if (!obj->id || obj->id <= prev) {
            fail(r, "object ids not ascending at %u", obj->id);
            return;
        }
        prev = obj->id;
        g_hash_table_insert(c->obj_by_id, GUINT_TO_POINTER(obj->id), obj);
        switch (kind) {
        case OBJ_ALLOCATOR:
            obj->client_name = rstr(r, "allocator client name");
            obj->client_id = r64(r);
            break;
        case OBJ_NODE:
            break;
        case OBJ_BUFFER: {
            uint32_t b = r32(r);

            obj->rights = r32(r);
            obj->weak = rbool(r, "buffer handle");
            if (r->err) {
                return;
            }
            if (b >= c->bufs->len) {
                fail(r, "buffer handle %u: bad buffer %u", obj->id, b);
                return;
            }
            obj->buffer = g_ptr_array_index(c->bufs, b);
            g_array_index(c->buf_refs, uint32_t, b)++;
            if (!obj->weak) {
                g_array_index(c->buf_strong, uint32_t, b)++;
            }
            break;
        }
        case OBJ_TRACKER: {
            uint8_t tk = r8(r);

            if (tk != TRACK_LIFETIME && tk != TRACK_NODE && tk != TRACK_WEAK) {
                fail(r, "tracker %u: bad kind %u", obj->id, tk);
                return;
            }
            obj->tracker = tk;
            obj->buffers_remaining = r32(r);
            break;
        }
        case OBJ_NODE_REF:
            obj->node_koid = r64(r);
            break;
        case OBJ_CLOSED: {
            uint8_t f = r8(r);

            /* Nothing would ever free an id the host is done with. */
            if ((f & ~CF_ALL) ||
                !(f & (CF_HOST_END_OPEN | CF_NOTICE_PENDING))) {
                fail(r, "closed id %u: bad flags 0x%x", obj->id, f);
                return;
            }
            obj->closed_eventpair = f & CF_EVENTPAIR;
            obj->host_end_open = f & CF_HOST_END_OPEN;
            obj->notice_pending = f & CF_NOTICE_PENDING;
            break;
        }
        default:
            fail(r, "object %u: bad kind %u", obj->id, kind);
            return;
        }
        obj->kind = kind;
    }
}

static bool wait_method_ok(const SysmemNode *n, uint32_t mid)
{
    return n->kind == NODE_COLLECTION &&
           mid == (n->v1 ?
                   (uint32_t)SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_WAIT_FOR_BUFFERS_ALLOCATED :
                   (uint32_t)SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED);
}

static SysmemNode *read_node(LoadCtx *c, SysmemLogicalCollection *lc,
                             SysmemNode *parent, unsigned depth)
{
    Rd *r = &c->r;
    SysmemNode *n = g_new0(SysmemNode, 1);
    uint32_t chan, count, i;
    uint16_t flags;
    uint8_t kind, mode;

    n->children = g_ptr_array_new();
    n->node_trackers = g_ptr_array_new();
    n->lifetime_pending = g_ptr_array_new();
    g_queue_init(&n->waits);
    g_ptr_array_add(c->nodes, n);
    n->lc = lc;
    n->parent = parent;
    n->depth = depth;
    if (parent) {
        g_ptr_array_add(parent->children, n);
    }
    if (depth >= SYSMEM_MAX_TREE_DEPTH || ++lc->node_count > SYSMEM_MAX_NODES) {
        fail(r, "collection %" G_GUINT64_FORMAT ": node tree too large",
             lc->id);
        return n;
    }
    kind = r8(r);
    chan = r32(r);
    n->koid = r64(r);
    n->rights_mask = r32(r);
    mode = r8(r);
    if (r->err) {
        return n;
    }
    if (kind > NODE_GROUP || mode > MODE_DO_NOT_PROPAGATE) {
        fail(r, "node: bad kind %u or mode %u", kind, mode);
        return n;
    }
    n->kind = kind;
    n->mode = mode;
    if (!n->koid || n->koid >= c->next_koid ||
        g_hash_table_contains(c->koids, &n->koid)) {
        fail(r, "node: bad or duplicate koid %" G_GUINT64_FORMAT, n->koid);
        return n;
    }
    g_hash_table_insert(c->koids, &n->koid, n);
    n->constraints = rfidl(r, &sysmem2_buffer_collection_constraints_type,
                           "node constraints");
    n->constraints_error = r32(r);
    n->constraints_why = rstr(r, "constraints_why");
    flags = r16(r);
    n->selected = r32(r);
    n->debug_name = rstr(r, "debug name");
    n->debug_id = r64(r);
    if (r->err) {
        return n;
    }
    if (flags & ~NF_ALL) {
        fail(r, "node: unknown flags 0x%x", flags);
        return n;
    }
    n->constraints_set = flags & NF_CONSTRAINTS_SET;
    n->released = flags & NF_RELEASED;
    n->children_present = flags & NF_CHILDREN_PRESENT;
    n->weak = flags & NF_WEAK;
    n->weak_ok = flags & NF_WEAK_OK;
    n->weak_ok_for_children = flags & NF_WEAK_OK_FOR_CHILDREN;
    n->logically_allocated = flags & NF_LOGICALLY_ALLOCATED;
    n->waited = flags & NF_WAITED;
    n->v1 = flags & NF_V1;
    if (n->logically_allocated && !lc->allocated) {
        fail(r, "node allocated in an unallocated collection");
        return n;
    }
    if (n->constraints && n->constraints_error) {
        fail(r, "node has both constraints and a constraints error");
        return n;
    }
    if (chan) {
        SysmemObject *obj = g_hash_table_lookup(c->obj_by_id,
                                                GUINT_TO_POINTER(chan));

        if (!obj || obj->kind != OBJ_NODE || obj->node) {
            fail(r, "node: channel %u is not a free node channel", chan);
            return n;
        }
        if (obj->v1 != n->v1) {
            fail(r, "node: channel %u version differs from its node", chan);
            return n;
        }
        obj->node = n;
        n->chan = obj;
    }
    count = rcount(r, 16, c->core->cfg.max_objects, "pending calls");
    for (i = 0; i < count && !r->err; i++) {
        SysmemPending *p;
        uint64_t cookie = r64(r);
        uint32_t txid = r32(r), mid = r32(r);

        if (r->err) {
            break;
        }
        if (cookie > UINTPTR_MAX || !txid || !wait_method_ok(n, mid)) {
            fail(r, "node: bad pending call (method %u)", mid);
            break;
        }
        p = g_new(SysmemPending, 1);
        p->cookie = (void *)(uintptr_t)cookie;
        p->txid = txid;
        p->method = sysmem_method_by_id(mid);
        g_queue_push_tail(&n->waits, p);
    }
    read_trackers(c, n->node_trackers, TRACK_NODE, "node trackers");
    read_trackers(c, n->lifetime_pending, TRACK_LIFETIME, "lifetime trackers");
    for (i = 0; i < n->node_trackers->len; i++) {
        ((SysmemObject *)g_ptr_array_index(n->node_trackers, i))->node = n;
    }
    for (i = 0; i < n->lifetime_pending->len; i++) {
        ((SysmemObject *)g_ptr_array_index(n->lifetime_pending, i))->node = n;
    }
    count = rcount(r, 1, SYSMEM_MAX_NODES, "children");
    for (i = 0; i < count && !r->err; i++) {
        read_node(c, lc, n, depth + 1);
    }
    return n;
}

static void read_collections(LoadCtx *c)
{
    Rd *r = &c->r;
    uint32_t n = rcount(r, 39, UINT32_MAX, "collections"), i, j;

    for (i = 0; i < n && !r->err; i++) {
        SysmemLogicalCollection *lc = g_new0(SysmemLogicalCollection, 1);
        uint32_t set, count;
        uint64_t age;

        g_ptr_array_add(c->lcs, lc);
        lc->core = c->core;
        lc->id = r64(r);
        lc->name = rstr(r, "collection name");
        lc->name_priority = r32(r);
        lc->has_name = rbool(r, "has_name");
        lc->allocated = rbool(r, "allocated");
        lc->failed = rbool(r, "failed");
        lc->strong_dropped = rbool(r, "strong_dropped");
        lc->error = r32(r);
        age = r64(r);
        lc->settings = rfidl(r, &sysmem2_single_buffer_settings_type,
                             "collection settings");
        set = r32(r);
        if (r->err) {
            return;
        }
        if (!lc->id || lc->id >= c->next_collection_id ||
            g_hash_table_contains(c->lc_ids, &lc->id)) {
            fail(r, "bad or duplicate collection id %" G_GUINT64_FORMAT,
                 lc->id);
            return;
        }
        g_hash_table_add(c->lc_ids, &lc->id);
        age = MIN(age, (uint64_t)G_MAXINT32);
        lc->created_us = c->now - (int64_t)age * G_USEC_PER_SEC;
        if (lc->allocated != (lc->settings != NULL)) {
            fail(r, "collection %" G_GUINT64_FORMAT ": settings do not match "
                 "its allocation state", lc->id);
            return;
        }
        if (set >= c->sets->len || g_array_index(c->set_owner, uint8_t, set)) {
            fail(r, "collection %" G_GUINT64_FORMAT ": bad buffer set %u",
                 lc->id, set);
            return;
        }
        g_array_index(c->set_owner, uint8_t, set) = 1;
        lc->set = g_ptr_array_index(c->sets, set);
        lc->set->lc = lc;
        if (lc->strong_dropped && !lc->allocated) {
            fail(r, "collection %" G_GUINT64_FORMAT ": weak before "
                 "allocation", lc->id);
            return;
        }
        count = rcount(r, 4, SYSMEM_MAX_BUFFERS, "collection buffers");
        if (!r->err && count && !lc->allocated) {
            fail(r, "unallocated collection with buffers");
        }
        /* NULL when empty, as the core has it (allocation sets it). */
        lc->buffers = count ? g_new0(SysmemBuffer *, count) : NULL;
        for (j = 0; j < count && !r->err; j++) {
            uint32_t b = r32(r);

            if (r->err) {
                break;
            }
            if (b == UINT32_MAX && lc->strong_dropped) {
                lc->buffer_count++;     /* gone: no strong holder left */
                continue;
            }
            if (b >= c->bufs->len || g_array_index(c->buf_lc, uint8_t, b) ||
                ((SysmemBuffer *)g_ptr_array_index(c->bufs, b))->set !=
                lc->set) {
                fail(r, "collection %" G_GUINT64_FORMAT ": bad buffer %u",
                     lc->id, b);
                break;
            }
            g_array_index(c->buf_lc, uint8_t, b) = 1;
            g_array_index(c->buf_refs, uint32_t, b)++;
            if (!lc->strong_dropped) {
                g_array_index(c->buf_strong, uint32_t, b)++;
            }
            lc->buffers[j] = g_ptr_array_index(c->bufs, b);
            lc->buffer_count++;
        }
        if (rbool(r, "has_root")) {
            lc->root = read_node(c, lc, NULL, 0);
        }
    }
}

/* The tracker lists of sets and buffers, now that the objects exist. */
static void read_links(LoadCtx *c)
{
    uint32_t i, j;

    for (i = 0; i < c->sets->len; i++) {
        SysmemBufferSet *set = g_ptr_array_index(c->sets, i);

        read_trackers(c, set->trackers, TRACK_LIFETIME, "set trackers");
        for (j = 0; j < set->trackers->len; j++) {
            ((SysmemObject *)g_ptr_array_index(set->trackers, j))->set = set;
        }
    }
    for (i = 0; i < c->bufs->len; i++) {
        SysmemBuffer *b = g_ptr_array_index(c->bufs, i);

        read_trackers(c, b->weak_trackers, TRACK_WEAK, "weak trackers");
        for (j = 0; j < b->weak_trackers->len; j++) {
            ((SysmemObject *)g_ptr_array_index(b->weak_trackers, j))->buffer = b;
        }
    }
}

/* Cross checks that need everything read. */
static void check_all(LoadCtx *c)
{
    Rd *r = &c->r;
    SysmemCore *core = c->core;
    g_autoptr(GHashTable) offsets = g_hash_table_new(g_int64_hash,
                                                     g_int64_equal);
    uint32_t handles = 0, allocations = 0;
    guint i;

    for (i = 0; i < c->objs->len && !r->err; i++) {
        SysmemObject *obj = g_ptr_array_index(c->objs, i);

        if (obj->kind == OBJ_NODE && !obj->node) {
            fail(r, "node channel %u has no node", obj->id);
        }
        if (obj->kind == OBJ_BUFFER) {
            handles++;
        }
    }
    for (i = 0; i < c->bufs->len && !r->err; i++) {
        SysmemBuffer *b = g_ptr_array_index(c->bufs, i);
        uint64_t rounded;
        unsigned h;

        b->set->live++;
        if (b->refs != g_array_index(c->buf_refs, uint32_t, i) || !b->refs) {
            fail(r, "buffer %u: %u references, %u found", i, b->refs,
                 g_array_index(c->buf_refs, uint32_t, i));
            break;
        }
        /* A collection holds a buffer only while someone holds it strongly. */
        if (b->strong != g_array_index(c->buf_strong, uint32_t, i) ||
            (!b->strong && b->weak_trackers->len) ||
            (!b->strong && g_array_index(c->buf_lc, uint8_t, i))) {
            fail(r, "buffer %u: bad strong reference count %u", i, b->strong);
            break;
        }
        if (!b->size || b->size > core->cfg.region_size ||
            g_hash_table_contains(offsets, &b->offset)) {
            fail(r, "buffer %u: bad size or offset", i);
            break;
        }
        g_hash_table_add(offsets, &b->offset);
        rounded = (b->size + core->cfg.page_size - 1) &
                  ~(core->cfg.page_size - 1);
        for (h = 0; h < core->nheaps; h++) {
            if (sysmem_region_alloc_size(core->heaps[h].region, b->offset) ==
                rounded && core->heaps[h].desc.secure == b->secure) {
                break;
            }
        }
        if (h == core->nheaps) {
            fail(r, "buffer %u: no such allocation in the region", i);
        }
    }
    for (i = 0; i < c->sets->len && !r->err; i++) {
        SysmemBufferSet *set = g_ptr_array_index(c->sets, i);
        bool owned = g_array_index(c->set_owner, uint8_t, i);

        if (owned == set->orphaned || (set->orphaned && !set->live)) {
            fail(r, "buffer set %u: inconsistent ownership", i);
        }
    }
    for (i = 0; i < core->nheaps && !r->err; i++) {
        SysmemRegionStats st;

        sysmem_region_get_stats(core->heaps[i].region, &st);
        allocations += st.allocations;
    }
    if (!r->err && (allocations != c->bufs->len ||
                    c->live_buffers != c->bufs->len ||
                    c->buffer_handles != handles)) {
        fail(r, "buffer counts do not match the region");
    }
}

static void commit(LoadCtx *c)
{
    SysmemCore *core = c->core;
    guint i;

    for (i = 0; i < c->objs->len; i++) {
        SysmemObject *obj = g_ptr_array_index(c->objs, i);

        g_hash_table_insert(core->objects, GUINT_TO_POINTER(obj->id), obj);
    }
    for (i = 0; i < c->nodes->len; i++) {
        SysmemNode *n = g_ptr_array_index(c->nodes, i);

        g_hash_table_insert(core->nodes_by_koid, &n->koid, n);
    }
    for (i = 0; i < c->lcs->len; i++) {
        core->collections = g_list_prepend(core->collections,
                                           g_ptr_array_index(c->lcs, i));
    }
    core->collections = g_list_reverse(core->collections);
    core->next_device_id = c->next_device_id;
    core->next_koid = c->next_koid;
    core->next_collection_id = c->next_collection_id;
    core->allocations_total = c->allocations_total;
    core->failures_total = c->failures_total;
    core->live_buffers = c->live_buffers;
    core->buffer_handles = c->buffer_handles;
    /* The core owns them now. */
    g_ptr_array_set_size(c->objs, 0);
    g_ptr_array_set_size(c->sets, 0);
    g_ptr_array_set_size(c->bufs, 0);
    g_ptr_array_set_size(c->lcs, 0);
    g_ptr_array_set_size(c->nodes, 0);
}

bool sysmem_core_load(SysmemCore *core, const uint8_t *data, size_t len,
                      char **errmsg)
{
    LoadCtx c = {
        .core = core,
        .r = { .p = data, .n = len },
        .objs = g_ptr_array_new(),
        .obj_by_id = g_hash_table_new(g_direct_hash, g_direct_equal),
        .owned = g_hash_table_new(g_direct_hash, g_direct_equal),
        .sets = g_ptr_array_new(),
        .set_owner = g_array_new(false, false, sizeof(uint8_t)),
        .bufs = g_ptr_array_new(),
        .buf_refs = g_array_new(false, false, sizeof(uint32_t)),
        .buf_strong = g_array_new(false, false, sizeof(uint32_t)),
        .buf_lc = g_array_new(false, false, sizeof(uint8_t)),
        .lcs = g_ptr_array_new(),
        .nodes = g_ptr_array_new(),
        .koids = g_hash_table_new(g_int64_hash, g_int64_equal),
        .lc_ids = g_hash_table_new(g_int64_hash, g_int64_equal),
        .blocks = { g_array_new(false, false, sizeof(SysmemRegionBlock)),
                    g_array_new(false, false, sizeof(SysmemRegionBlock)) },
        .now = g_get_monotonic_time(),
    };
    Rd *r = &c.r;
    bool region_touched = false;
    unsigned i;

    if (g_hash_table_size(core->objects) || core->collections ||
        core->live_buffers) {
        fail(r, "the core is not empty (load needs a fresh or reset core)");
        goto out;
    }
    if (!data || len < 8 + 4 + SYSMEM_SNAPSHOT_CRC_BYTES) {
        fail(r, "truncated snapshot (%zu bytes)", len);
        goto out;
    }
    /* The version check first: a newer format may checksum differently. */
    read_config(&c);
    if (r->err) {
        goto out;
    }
    r->n = len - SYSMEM_SNAPSHOT_CRC_BYTES;
    {
        const uint8_t *t = data + r->n;
        uint32_t want = t[0] | t[1] << 8 | t[2] << 16 | (uint32_t)t[3] << 24;

        if (sysmem_snapshot_crc32(data, r->n) != want) {
            fail(r, "snapshot checksum mismatch (corrupt or truncated)");
            goto out;
        }
    }
    read_counters(&c);
    read_heaps(&c);
    read_sets(&c);
    read_buffers(&c);
    read_objects(&c);
    read_links(&c);
    read_collections(&c);
    if (!r->err && r->off != r->n) {
        fail(r, "%zu trailing bytes", r->n - r->off);
    }
    if (r->err) {
        goto out;
    }
    region_touched = true;
    for (i = 0; i < core->nheaps; i++) {
        if (!sysmem_region_import(core->heaps[i].region,
                                  (SysmemRegionBlock *)c.blocks[i]->data,
                                  c.blocks[i]->len)) {
            fail(r, "heap %u: region blocks do not tile the heap", i);
            goto out;
        }
    }
    check_all(&c);
    if (r->err) {
        goto out;
    }
    commit(&c);
out:
    if (r->err) {
        free_staging(&c);
        for (i = 0; region_touched && i < core->nheaps; i++) {
            sysmem_region_reset(core->heaps[i].region);
        }
        if (errmsg) {
            *errmsg = g_strdup_printf("sysmem core snapshot: %s", r->err);
        }
        g_free(r->err);
        destroy_ctx(&c);
        return false;
    }
    destroy_ctx(&c);
    return true;
}
