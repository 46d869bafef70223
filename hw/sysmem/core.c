/*
 * sysmem core: the instance, the object table, message dispatch, buffers and
 * the host callbacks.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include <stdarg.h>
#include "hw/sysmem/core-internal.h"
#include "hw/sysmem/image-format.h"
#include "sysmem/status.h"

#define DEFAULT_PAGE_SIZE 4096
#define DEFAULT_MAX_BUFFER (256ull << 20)
#define DEFAULT_MAX_OBJECTS 65536

void sysmem_log(SysmemCore *core, GLogLevelFlags level, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (core->ops.log) {
        core->ops.log(core->opaque, level, msg);
    } else {
        g_log("sysmem", level, "%s", msg);
    }
}

int32_t sysmem_error_to_status(sysmem2_error_t err)
{
    /* One mapping for the core and the guest that reads the epitaph. */
    return sysmem2_error_to_status(err);
}

/* ------------------------------------------------------------------ */
/* Objects                                                              */

SysmemObject *sysmem_object_lookup(SysmemCore *core, uint32_t id)
{
    return g_hash_table_lookup(core->objects, GUINT_TO_POINTER(id));
}

bool sysmem_id_available(SysmemCore *core, uint32_t id)
{
    return id && !(id & SYSMEM_DEVICE_ID_BIT) &&
           !sysmem_object_lookup(core, id) &&
           g_hash_table_size(core->objects) < core->cfg.max_objects;
}

uint32_t sysmem_new_device_id(SysmemCore *core)
{
    uint32_t i;

    if (g_hash_table_size(core->objects) >= core->cfg.max_objects) {
        return 0;
    }
    for (i = 0; i < 0x80000000u; i++) {
        uint32_t id = core->next_device_id;

        core->next_device_id = id == 0xffffffffu ? SYSMEM_DEVICE_ID_BIT : id + 1;
        if (!sysmem_object_lookup(core, id)) {
            return id;
        }
    }
    return 0;
}

SysmemObject *sysmem_object_new(SysmemCore *core, uint32_t id,
                                SysmemObjectKind kind)
{
    SysmemObject *obj = g_new0(SysmemObject, 1);

    obj->id = id;
    obj->kind = kind;
    g_hash_table_insert(core->objects, GUINT_TO_POINTER(id), obj);
    return obj;
}

void sysmem_object_free(SysmemCore *core, SysmemObject *obj)
{
    g_hash_table_remove(core->objects, GUINT_TO_POINTER(obj->id));
    g_free(obj->client_name);
    g_free(obj);
}

/* ------------------------------------------------------------------ */
/* Replies                                                              */

void sysmem_reply_none(SysmemCore *core, const SysmemPending *p)
{
    if (p == core->cur) {
        core->cur_done = true;
    }
    sysmem_host_reply(core, p->cookie, NULL, 0, NULL, 0);
}

void sysmem_reply_queued(SysmemCore *core, const SysmemPending *p)
{
    if (p == core->cur) {
        core->cur_done = true;
    }
}

void sysmem_reply(SysmemCore *core, const SysmemPending *p, const void *resp,
                  const SysmemHandle *handles, uint32_t nh)
{
    fidl_handle_info_t hinfo[FIDL_MAX_MSG_HANDLES];
    SysmemHandle out[FIDL_MAX_MSG_HANDLES];
    uint32_t n = 0, onh = 0, i;
    int err;

    if (p == core->cur) {
        core->cur_done = true;
    }
    err = sysmem_encode_reply(p->method, p->txid, resp, core->msg_buf,
                              FIDL_MAX_MSG_BYTES, &n, hinfo,
                              FIDL_MAX_MSG_HANDLES, &onh);
    if (err) {
        /* Our own reply failed to encode: a core bug, not a guest error. */
        sysmem_log(core, G_LOG_LEVEL_WARNING, "encoding %s reply: %s",
                   p->method->name, fidl_strerror(err));
        for (i = 0; i < nh; i++) {
            if (handles[i].kind == SYSMEM_HANDLE_BUFFER) {
                sysmem_core_buffer_release(core, handles[i].id);
            }
        }
        sysmem_reply_none(core, p);
        return;
    }
    for (i = 0; i < onh; i++) {
        out[i] = handles[hinfo[i].handle - 1];
    }
    sysmem_host_reply(core, p->cookie, core->msg_buf, n, out, onh);
}

/* ------------------------------------------------------------------ */
/* Buffers                                                              */

SysmemBufferSet *sysmem_buffer_set_new(SysmemCore *core)
{
    SysmemBufferSet *set = g_new0(SysmemBufferSet, 1);

    set->core = core;
    set->trackers = g_ptr_array_new();
    return set;
}

static void buffer_set_maybe_free(SysmemBufferSet *set)
{
    if (set->orphaned && !set->live) {
        g_assert(!set->trackers->len);
        g_ptr_array_free(set->trackers, true);
        g_free(set);
    }
}

static void tracker_detach(SysmemObject *t)
{
    if (t->set) {
        g_ptr_array_remove(t->set->trackers, t);
        t->set = NULL;
    }
    if (t->tracker == TRACK_WEAK && t->buffer) {
        g_ptr_array_remove(t->buffer->weak_trackers, t);
        t->buffer = NULL;
    }
    if (t->node) {
        g_ptr_array_remove(t->tracker == TRACK_NODE ? t->node->node_trackers :
                           t->node->lifetime_pending, t);
        t->node = NULL;
    }
}

void sysmem_tracker_drop(SysmemCore *core, SysmemObject *t)
{
    tracker_detach(t);
    sysmem_object_free(core, t);
}

void sysmem_tracker_fire(SysmemCore *core, SysmemObject *t)
{
    sysmem_object_close(core, t, SYSMEM_CLOSE_EVENT_FIRED,
                        FIDL_ZX_ERR_PEER_CLOSED);
}

void sysmem_buffer_set_check_trackers(SysmemCore *core, SysmemBufferSet *set)
{
    guint i = 0;

    while (i < set->trackers->len) {
        SysmemObject *t = g_ptr_array_index(set->trackers, i);

        if (set->live <= t->buffers_remaining) {
            sysmem_tracker_fire(core, t);   /* removes it from the array */
        } else {
            i++;
        }
    }
}

void sysmem_buffer_set_orphan(SysmemCore *core, SysmemBufferSet *set)
{
    set->orphaned = true;
    if (!set->live) {
        /* No buffers: every tracker fires. */
        sysmem_buffer_set_check_trackers(core, set);
    }
    buffer_set_maybe_free(set);
}

static SysmemHeap *heap_for(SysmemCore *core, const sysmem2_heap_t *h)
{
    unsigned i;

    for (i = 0; i < core->nheaps; i++) {
        if (!strcmp(core->heaps[i].desc.heap_type, h->heap_type) &&
            core->heaps[i].desc.id == h->id) {
            return &core->heaps[i];
        }
    }
    return NULL;
}

/* At most this many free tables are kept (1 MiB). */
#define CONSTRAINTS_CACHE 8

G_LOCK_DEFINE_STATIC(constraints_cache);
static SysmemConstraints *constraints_cache[CONSTRAINTS_CACHE];
static unsigned constraints_cached;

SysmemConstraints *sysmem_constraints_new(void)
{
    SysmemConstraints *c = NULL;

    G_LOCK(constraints_cache);
    if (constraints_cached) {
        c = constraints_cache[--constraints_cached];
    }
    G_UNLOCK(constraints_cache);
    return c ? c : g_new(SysmemConstraints, 1);
}

SysmemConstraints *sysmem_constraints_new0(void)
{
    SysmemConstraints *c = sysmem_constraints_new();

    memset(c, 0, sizeof(*c));
    return c;
}

void sysmem_constraints_free(SysmemConstraints *c)
{
    if (!c) {
        return;
    }
    G_LOCK(constraints_cache);
    if (constraints_cached < CONSTRAINTS_CACHE) {
        constraints_cache[constraints_cached++] = c;
        c = NULL;
    }
    G_UNLOCK(constraints_cache);
    g_free(c);
}

SysmemBuffer *sysmem_buffer_alloc(SysmemCore *core, SysmemBufferSet *set,
                                  const sysmem2_buffer_memory_settings_t *bs,
                                  uint64_t collection_id, uint32_t index)
{
    SysmemHeap *heap = heap_for(core, &bs->heap);
    SysmemBuffer *b;
    uint64_t offset, dirty;

    if (!heap || !sysmem_region_alloc_ex(heap->region, bs->raw_vmo_size, 0,
                                         &offset, &dirty)) {
        return NULL;
    }
    b = g_new0(SysmemBuffer, 1);
    b->set = set;
    b->collection_id = collection_id;
    b->index = index;
    b->offset = offset;
    b->size = bs->raw_vmo_size;
    b->secure = bs->is_secure;
    b->refs = 1;
    b->strong = 1;
    b->weak_trackers = g_ptr_array_new();
    if (b->secure) {
        b->cpu_flags = SYSMEM_BUFFER_F_INACCESSIBLE;
    } else if (bs->coherency_domain != SYSMEM2_COHERENCY_DOMAIN_INACCESSIBLE) {
        b->cpu_flags = SYSMEM_BUFFER_F_CPU_CACHED;
    }
    set->live++;
    core->live_buffers++;
    /*
     * Fresh buffers always read as zero.  Only the part the region says
     * may hold old data is cleared: bytes of a zeroed region never handed
     * out before are zero already (cfg.region_zeroed).  The region counts
     * whole granules; the buffer may end inside the last one.
     */
    dirty = MIN(dirty, b->size);
    if (!dirty) {
        /* nothing to clear */
    } else if (core->cfg.region_ptr) {
        memset((uint8_t *)core->cfg.region_ptr + offset, 0, dirty);
    } else if (core->ops.zero_fill) {
        core->ops.zero_fill(core->opaque, offset, dirty);
    }
    if (core->ops.buffer_memory) {
        core->ops.buffer_memory(core->opaque, offset, b->size, true);
    }
    return b;
}

void sysmem_buffer_unref(SysmemCore *core, SysmemBuffer *b, bool strong)
{
    SysmemBufferSet *set = b->set;
    SysmemLogicalCollection *lost = NULL;
    unsigned i;

    g_assert(b->refs);
    if (strong) {
        g_assert(b->strong);
        if (!--b->strong) {
            /* The last strong holder is gone: weak holders should let go. */
            while (b->weak_trackers->len) {
                sysmem_tracker_fire(core, g_ptr_array_index(b->weak_trackers,
                                                            0));
            }
            /* A collection holding it weakly lets go too (Fuchsia). */
            if (set->lc && sysmem_lc_forget_buffer(set->lc, b)) {
                lost = set->lc;
                g_assert(b->refs > 1);
                b->refs--;
            }
        }
    }
    if (--b->refs) {
        if (lost) {
            sysmem_lc_check_buffers(core, lost);
        }
        return;
    }
    g_assert(!b->weak_trackers->len);
    g_ptr_array_free(b->weak_trackers, true);
    for (i = 0; i < core->nheaps; i++) {
        if (sysmem_region_release(core->heaps[i].region, b->offset)) {
            break;
        }
    }
    if (core->ops.buffer_memory) {
        core->ops.buffer_memory(core->opaque, b->offset, b->size, false);
    }
    core->live_buffers--;
    set->live--;
    g_free(b);
    sysmem_buffer_set_check_trackers(core, set);
    buffer_set_maybe_free(set);
    if (lost) {
        sysmem_lc_check_buffers(core, lost);
    }
}

bool sysmem_make_weak_tracker(SysmemCore *core, SysmemBuffer *b,
                              SysmemHandle *out)
{
    uint32_t id = b->strong ? sysmem_new_device_id(core) : 0;
    SysmemObject *t;

    if (!id) {
        return false;
    }
    t = sysmem_object_new(core, id, OBJ_TRACKER);
    t->tracker = TRACK_WEAK;
    t->buffer = b;
    g_ptr_array_add(b->weak_trackers, t);
    *out = (SysmemHandle) { .kind = SYSMEM_HANDLE_EVENTPAIR, .id = id,
                            .rights = FIDL_RIGHTS_BASIC | FIDL_RIGHT_SIGNAL };
    return true;
}

bool sysmem_make_buffer_handle(SysmemCore *core, SysmemBuffer *b,
                               uint32_t rights, bool weak, SysmemHandle *out)
{
    uint32_t id = sysmem_new_device_id(core);
    SysmemObject *obj;

    if (!id) {
        return false;
    }
    if (b->secure) {
        rights &= ~(SYSMEM_RIGHT_READ | SYSMEM_RIGHT_WRITE | SYSMEM_RIGHT_MAP);
    }
    obj = sysmem_object_new(core, id, OBJ_BUFFER);
    obj->buffer = b;
    obj->rights = rights;
    obj->weak = weak;
    b->refs++;
    if (!weak) {
        b->strong++;
    }
    core->buffer_handles++;
    out->kind = SYSMEM_HANDLE_BUFFER;
    out->id = id;
    out->rights = rights;
    out->flags = b->cpu_flags;
    out->offset = b->offset;
    out->size = b->size;
    return true;
}

bool sysmem_core_buffer_release(SysmemCore *core, uint32_t buffer_id)
{
    SysmemObject *obj = sysmem_object_lookup(core, buffer_id);
    SysmemBuffer *b;
    bool strong;

    if (!obj || obj->kind != OBJ_BUFFER) {
        return false;
    }
    b = obj->buffer;
    strong = !obj->weak;
    sysmem_object_free(core, obj);
    core->buffer_handles--;
    sysmem_buffer_unref(core, b, strong);
    return true;
}

bool sysmem_core_has_object(SysmemCore *core, uint32_t object_id)
{
    return sysmem_object_lookup(core, object_id) != NULL;
}

/* ------------------------------------------------------------------ */
/* Channels                                                             */

static void host_close(SysmemCore *core, uint32_t id, bool eventpair,
                       SysmemCloseReason reason, int32_t epitaph)
{
    uint8_t bytes[FIDL_EPITAPH_SIZE];
    SysmemClose c = {
        .object_id = id,
        .kind = eventpair ? SYSMEM_HANDLE_EVENTPAIR :
                            SYSMEM_HANDLE_CHANNEL_SERVER,
        .reason = reason,
        .epitaph = epitaph,
    };

    if (core->quiet) {
        return;
    }
    /* The core decides the epitaph, so it also writes the message. */
    if (!eventpair && reason != SYSMEM_CLOSE_HOST_CLOSED &&
        !fidl_encode_epitaph(epitaph, bytes, sizeof(bytes), &c.epitaph_len)) {
        c.epitaph_bytes = bytes;
    }
    core->ops.close(core->opaque, &c);
}

/*
 * Turn @obj into a closed id (OBJ_CLOSED): it stays in the table, counted
 * against max_objects, until the host lets go of it.
 */
static void object_bury(SysmemObject *obj, bool eventpair, bool host_end_open)
{
    uint32_t id = obj->id;

    g_free(obj->client_name);
    *obj = (SysmemObject) {
        .id = id,
        .kind = OBJ_CLOSED,
        .closed_eventpair = eventpair,
        .host_end_open = host_end_open,
        .notice_pending = true,
    };
}

void sysmem_object_close(SysmemCore *core, SysmemObject *obj,
                         SysmemCloseReason reason, int32_t epitaph)
{
    uint32_t id = obj->id;
    bool eventpair = obj->kind == OBJ_TRACKER;

    g_assert(obj->kind == OBJ_ALLOCATOR || obj->kind == OBJ_NODE ||
             obj->kind == OBJ_TRACKER);
    if (obj->node && obj->kind == OBJ_NODE) {
        SysmemNode *node = obj->node;
        SysmemPending *p;

        while ((p = g_queue_pop_head(&node->waits))) {
            sysmem_reply_none(core, p);
            g_free(p);
        }
        node->chan = NULL;
        obj->node = NULL;
    }
    if (eventpair) {
        tracker_detach(obj);
    }
    if (core->dropping) {
        reason = SYSMEM_CLOSE_HOST_CLOSED;
    }
    if (reason == SYSMEM_CLOSE_HOST_CLOSED) {
        sysmem_object_free(core, obj);
    } else {
        object_bury(obj, eventpair, reason != SYSMEM_CLOSE_CONSUMED);
    }
    host_close(core, id, eventpair, reason, epitaph);
}

void sysmem_close_channel(SysmemCore *core, SysmemObject *obj, int32_t epitaph)
{
    sysmem_object_close(core, obj, SYSMEM_CLOSE_FAILED, epitaph);
}

void sysmem_close_violation(SysmemCore *core, SysmemObject *obj)
{
    core->violated = true;
    sysmem_close_channel(core, obj, FIDL_ZX_ERR_INVALID_ARGS);
}

void sysmem_drop_new_end(SysmemCore *core, uint32_t id, bool eventpair)
{
    SysmemObject *obj;

    /*
     * An id that is invalid, taken, or past the object limit never came
     * alive: there is nothing to close (writes to it are NOT_FOUND).
     */
    if (!sysmem_id_available(core, id)) {
        return;
    }
    obj = sysmem_object_new(core, id, OBJ_CLOSED);
    object_bury(obj, eventpair, true);
    host_close(core, id, eventpair, eventpair ? SYSMEM_CLOSE_EVENT_FIRED :
               SYSMEM_CLOSE_FAILED, FIDL_ZX_ERR_PEER_CLOSED);
}

/*
 * The host's end of @obj is gone: it closed it (HOST_CLOSED) or a message
 * moved it in and nothing took it (CONSUMED).
 */
static void host_end_gone(SysmemCore *core, SysmemObject *obj,
                          SysmemCloseReason reason)
{
    SysmemNode *node;

    switch (obj->kind) {
    case OBJ_ALLOCATOR:
    case OBJ_TRACKER:
        sysmem_object_close(core, obj, reason, FIDL_ZX_ERR_PEER_CLOSED);
        break;
    case OBJ_NODE:
        node = obj->node;
        sysmem_object_close(core, obj, reason, FIDL_ZX_ERR_PEER_CLOSED);
        if (node->released) {
            sysmem_node_orphan(core, node);
        } else {
            sysmem_log(core, G_LOG_LEVEL_INFO,
                       "%s closed without Release: failing its domain",
                       sysmem_node_name(node));
            sysmem_node_fail(core, node, SYSMEM2_ERROR_UNSPECIFIED, false,
                             FIDL_ZX_ERR_PEER_CLOSED);
        }
        break;
    case OBJ_BUFFER:
        sysmem_core_buffer_release(core, obj->id);
        break;
    case OBJ_NODE_REF:
        sysmem_object_free(core, obj);
        break;
    case OBJ_CLOSED:
        /*
         * Closing its end makes the notice moot; an end moved in still
         * waits for the host to pass the close on.
         */
        obj->host_end_open = false;
        if (reason == SYSMEM_CLOSE_HOST_CLOSED || !obj->notice_pending) {
            sysmem_object_free(core, obj);
        }
        break;
    }
}

/* Drop a handle that arrived in a message and that nothing took. */
static void drop_handle(SysmemCore *core, const SysmemHandle *h)
{
    SysmemObject *obj = sysmem_object_lookup(core, h->id);

    switch (h->kind) {
    case SYSMEM_HANDLE_CHANNEL_SERVER:
        if (!obj) {
            sysmem_drop_new_end(core, h->id, false);
        }
        break;
    case SYSMEM_HANDLE_CHANNEL_CLIENT:
        /* The client end was moved into the core and is now dropped. */
        if (obj) {
            host_end_gone(core, obj, SYSMEM_CLOSE_CONSUMED);
        }
        break;
    case SYSMEM_HANDLE_BUFFER:
        /*
         * Lent, not moved: an entry naming a buffer handle or an event
         * pair end the core gave out (GetVmoInfo, IsAlternateFor) stands
         * for a duplicate, which sysmem drops; the host keeps its handle
         * and releases it itself.  The ABI has no duplicate operation, so
         * moving the host's only handle would cost it the buffer.
         */
        break;
    case SYSMEM_HANDLE_EVENTPAIR:
        /* A node reference the core gave out is lent (see above). */
        if (!obj) {
            sysmem_drop_new_end(core, h->id, true);
        }
        break;
    }
}

/*
 * Why handle table entry @h cannot be delivered at all, or NULL.  *taken
 * is set when it creates an id the core closed and the host has not let
 * go of: that refuses the message instead of failing the channel.
 */
static const char *bad_handle(SysmemCore *core, const SysmemHandle *h,
                              bool *taken)
{
    SysmemObject *obj = sysmem_object_lookup(core, h->id);

    if (!h->id) {
        return "handle with id 0";
    }
    switch (h->kind) {
    case SYSMEM_HANDLE_CHANNEL_SERVER:
        if (h->id & SYSMEM_DEVICE_ID_BIT) {
            return "server end with an id of the core's range";
        }
        break;
    case SYSMEM_HANDLE_EVENTPAIR:
        if (h->id & SYSMEM_DEVICE_ID_BIT) {
            return NULL;    /* one of the core's (a node reference) */
        }
        break;
    case SYSMEM_HANDLE_CHANNEL_CLIENT:
    case SYSMEM_HANDLE_BUFFER:
        return NULL;
    default:
        return "unknown handle type";
    }
    /* A server end or event pair end the host just created: a new id. */
    if (obj) {
        *taken = *taken || obj->kind == OBJ_CLOSED;
        return "new handle with an id in use";
    }
    return NULL;
}

/* Which method table entry a node channel accepts for this ordinal. */
static const sysmem_method_t *lookup_method(SysmemObject *obj, uint64_t ordinal)
{
    const sysmem_method_t *m;
    uint32_t v2, v1;

    if (obj->kind == OBJ_ALLOCATOR) {
        return sysmem_method_lookup(obj->v1 ? SYSMEM_PROTO_V1_ALLOCATOR :
                                    SYSMEM_PROTO_V2_ALLOCATOR, ordinal);
    }
    switch (obj->node->kind) {
    case NODE_TOKEN:
        v2 = SYSMEM_PROTO_V2_TOKEN;
        v1 = SYSMEM_PROTO_V1_TOKEN;
        break;
    case NODE_COLLECTION:
        v2 = SYSMEM_PROTO_V2_COLLECTION;
        v1 = SYSMEM_PROTO_V1_COLLECTION;
        break;
    default:
        v2 = SYSMEM_PROTO_V2_GROUP;
        v1 = SYSMEM_PROTO_V1_GROUP;
        break;
    }
    /* A token speaks either version; a collection or group the one it
     * was created with. */
    if (obj->node->kind == NODE_TOKEN) {
        m = sysmem_method_lookup(v2, ordinal);
        return m ? m : sysmem_method_lookup(v1, ordinal);
    }
    return sysmem_method_lookup(obj->v1 ? v1 : v2, ordinal);
}

static void protocol_violation(SysmemCore *core, SysmemObject *obj,
                               const char *what)
{
    if (obj->kind == OBJ_NODE) {
        sysmem_node_protocol_violation(core, obj->node, what);
    } else {
        sysmem_log(core, G_LOG_LEVEL_WARNING, "allocator %u: %s", obj->id,
                   what);
        sysmem_close_violation(core, obj);
    }
}

int32_t sysmem_core_message(SysmemCore *core, uint32_t object_id,
                            const uint8_t *bytes, uint32_t n,
                            const SysmemHandle *handles, uint32_t nh,
                            void *reply_cookie)
{
    SysmemObject *obj = sysmem_object_lookup(core, object_id);
    fidl_handle_info_t hinfo[FIDL_MAX_MSG_HANDLES];
    bool consumed[FIDL_MAX_MSG_HANDLES] = { false };
    fidl_message_header_t hdr;
    const sysmem_method_t *m;
    SysmemPending pending;
    void *req;
    uint32_t txid = n >= FIDL_HEADER_SIZE ?
                    bytes[0] | bytes[1] << 8 | bytes[2] << 16 |
                    (uint32_t)bytes[3] << 24 : 0;
    const char *bad = NULL;
    bool taken = false;
    int32_t ret = 0;
    uint32_t i;
    int err;

    if (!obj) {
        ret = FIDL_ZX_ERR_NOT_FOUND;
    } else if (obj->kind == OBJ_CLOSED) {
        ret = obj->closed_eventpair ? FIDL_ZX_ERR_INVALID_ARGS :
                                      FIDL_ZX_ERR_PEER_CLOSED;
    } else if ((obj->kind != OBJ_ALLOCATOR && obj->kind != OBJ_NODE) ||
               nh > FIDL_MAX_MSG_HANDLES || n > FIDL_MAX_MSG_BYTES) {
        ret = FIDL_ZX_ERR_INVALID_ARGS;
    } else {
        for (i = 0; i < nh; i++) {
            const char *why = bad_handle(core, &handles[i], &taken);

            bad = bad ? bad : why;
        }
        if (taken) {
            ret = FIDL_ZX_ERR_ALREADY_EXISTS;
        }
    }
    if (ret) {
        /*
         * Never written (as zx_channel_write refusing it), so there is no
         * call to answer; the status is all the host gets.
         */
        nh = MIN(nh, FIDL_MAX_MSG_HANDLES);
        for (i = 0; i < nh; i++) {
            drop_handle(core, &handles[i]);
        }
        return ret;
    }
    pending.cookie = reply_cookie;
    pending.txid = txid;
    pending.method = NULL;
    core->violated = false;

    err = fidl_header_decode(bytes, n, &hdr);
    if (err || bad) {
        protocol_violation(core, obj, err ? fidl_strerror(err) : bad);
        goto out;
    }
    m = lookup_method(obj, hdr.ordinal);
    if (!m) {
        bool open = !obj->v1 ||
                    (obj->kind == OBJ_NODE && obj->node->kind == NODE_TOKEN);

        if (fidl_header_is_flexible(&hdr) && open) {
            /* open protocol: answer unknown two-way calls, ignore one-way */
            if (txid) {
                uint32_t len;

                fidl_encode_unknown_method_reply(txid, hdr.ordinal,
                                                 core->msg_buf,
                                                 FIDL_MAX_MSG_BYTES, &len);
                sysmem_host_reply(core, reply_cookie, core->msg_buf, len,
                                NULL, 0);
                txid = 0;
            }
            goto out;
        }
        protocol_violation(core, obj, "unknown method");
        goto out;
    }
    pending.method = m;
    for (i = 0; i < nh; i++) {
        hinfo[i].handle = i + 1;
        hinfo[i].flags = 0;
        switch (handles[i].kind) {
        case SYSMEM_HANDLE_CHANNEL_SERVER:
        case SYSMEM_HANDLE_CHANNEL_CLIENT:
            hinfo[i].type = FIDL_OBJ_TYPE_CHANNEL;
            hinfo[i].rights = 0x7fffffffu;
            break;
        case SYSMEM_HANDLE_BUFFER:
            hinfo[i].type = FIDL_OBJ_TYPE_VMO;
            hinfo[i].rights = 0x7fffffffu;
            break;
        default:
            /* event or eventpair: the transport does not tell them apart */
            hinfo[i].type = FIDL_OBJ_TYPE_NONE;
            hinfo[i].rights = 0x7fffffffu;
            break;
        }
    }
    /* Requests decode into one scratch buffer (the codec zeroes it). */
    req = m->request ? core->req_buf : NULL;
    err = sysmem_decode_request(m, bytes, n, hinfo, nh, &hdr, req);
    if (err) {
        g_autofree char *what = g_strdup_printf("%s: %s", m->name,
                                                fidl_strerror(err));
        protocol_violation(core, obj, what);
        goto out;
    }
    core->cur = &pending;
    core->cur_done = false;
    if (obj->kind == OBJ_ALLOCATOR) {
        sysmem_allocator_dispatch(core, obj, m, &pending, req, handles,
                                  consumed);
    } else {
        sysmem_node_dispatch(core, obj, m, &pending, req, handles, consumed);
    }
    if (core->cur_done) {
        txid = 0;
    }
    core->cur = NULL;
out:
    if (txid) {
        sysmem_host_reply(core, reply_cookie, NULL, 0, NULL, 0);
    }
    for (i = 0; i < nh; i++) {
        if (!consumed[i]) {
            drop_handle(core, &handles[i]);
        }
    }
    /*
     * A message that got its own channel closed for breaking the rules
     * fails as a zx_channel_call whose server closed, one-way or two-way
     * alike.  A valid message after which the collection fails (say, the
     * last SetConstraints, and the allocation fails) was delivered.
     */
    obj = sysmem_object_lookup(core, object_id);
    return core->violated &&
           !(obj && (obj->kind == OBJ_ALLOCATOR || obj->kind == OBJ_NODE)) ?
           FIDL_ZX_ERR_PEER_CLOSED : 0;
}

int32_t sysmem_core_connect(SysmemCore *core, uint32_t object_id,
                            SysmemProtocol protocol)
{
    SysmemObject *obj;

    if (protocol != SYSMEM_PROTOCOL_SYSMEM2 &&
        protocol != SYSMEM_PROTOCOL_SYSMEM1) {
        return FIDL_ZX_ERR_INVALID_ARGS;
    }
    if (!object_id || (object_id & SYSMEM_DEVICE_ID_BIT)) {
        return FIDL_ZX_ERR_INVALID_ARGS;
    }
    if (sysmem_object_lookup(core, object_id)) {
        return FIDL_ZX_ERR_ALREADY_EXISTS;
    }
    if (g_hash_table_size(core->objects) >= core->cfg.max_objects) {
        return FIDL_ZX_ERR_NO_RESOURCES;
    }
    obj = sysmem_object_new(core, object_id, OBJ_ALLOCATOR);
    obj->v1 = protocol == SYSMEM_PROTOCOL_SYSMEM1;
    return 0;
}

bool sysmem_core_peer_closed(SysmemCore *core, uint32_t object_id)
{
    SysmemObject *obj = sysmem_object_lookup(core, object_id);

    if (!obj) {
        return false;
    }
    host_end_gone(core, obj, SYSMEM_CLOSE_HOST_CLOSED);
    return true;
}

void sysmem_core_close_notified(SysmemCore *core, uint32_t object_id)
{
    SysmemObject *obj = sysmem_object_lookup(core, object_id);

    if (obj && obj->kind == OBJ_CLOSED) {
        obj->notice_pending = false;
        if (!obj->host_end_open) {
            sysmem_object_free(core, obj);
        }
    }
}

bool sysmem_core_fail_channel(SysmemCore *core, uint32_t object_id,
                              int32_t epitaph)
{
    SysmemObject *obj = sysmem_object_lookup(core, object_id);
    SysmemNode *node;

    if (!obj || (obj->kind != OBJ_ALLOCATOR && obj->kind != OBJ_NODE)) {
        return false;
    }
    sysmem_log(core, G_LOG_LEVEL_WARNING, "channel %u: the host cannot carry "
               "its traffic any more: closing it", object_id);
    node = obj->kind == OBJ_NODE ? obj->node : NULL;
    sysmem_close_channel(core, obj, epitaph);
    if (node && node->released) {
        sysmem_node_orphan(core, node);
    } else if (node) {
        sysmem_node_fail(core, node, SYSMEM2_ERROR_UNSPECIFIED, false,
                         FIDL_ZX_ERR_PEER_CLOSED);
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Instance                                                             */

SysmemCore *sysmem_core_new(const SysmemCoreConfig *cfg,
                            const SysmemHostOps *ops, void *opaque,
                            char **errmsg)
{
    SysmemCore *core;
    uint64_t page = cfg->page_size ? cfg->page_size : DEFAULT_PAGE_SIZE;
    uint64_t secure = cfg->secure_heap_size;
    const char *bad = NULL;
    size_t req_size = 0;
    uint32_t i;

    if (!ops || !ops->reply || !ops->close) {
        bad = "reply and close callbacks are required";
    } else if (page & (page - 1)) {
        bad = "page_size must be a power of two";
    } else if (cfg->region_size % page || secure % page) {
        bad = "region_size and secure_heap_size must be page multiples";
    } else if (secure > cfg->region_size) {
        bad = "secure_heap_size exceeds region_size";
    }
    if (bad) {
        if (errmsg) {
            *errmsg = g_strdup(bad);
        }
        return NULL;
    }
    core = g_new0(SysmemCore, 1);
    core->cfg = *cfg;
    core->cfg.page_size = page;
    if (!core->cfg.max_buffer_size) {
        core->cfg.max_buffer_size = DEFAULT_MAX_BUFFER;
    }
    if (!core->cfg.max_objects) {
        core->cfg.max_objects = DEFAULT_MAX_OBJECTS;
    }
    core->ops = *ops;
    core->opaque = opaque;
    core->objects = g_hash_table_new(g_direct_hash, g_direct_equal);
    core->nodes_by_koid = g_hash_table_new(g_int64_hash, g_int64_equal);
    core->next_device_id = SYSMEM_DEVICE_ID_BIT;
    core->next_koid = 1;
    /*
     * buffer_collection_id stands for a Zircon koid: start where Zircon's
     * user koids start, clear of ZX_KOID_INVALID (0), ZX_KOID_KERNEL (1)
     * and the rest of the reserved range.
     */
    core->next_collection_id = SYSMEM_KOID_FIRST;
    core->msg_buf = g_malloc(FIDL_MAX_MSG_BYTES);
    for (i = 0; i < sysmem_method_count; i++) {
        const sysmem_method_t *m = &sysmem_methods_base[i];

        if (m->request) {
            req_size = MAX(req_size, m->request->c_size);
        }
    }
    core->req_buf = g_malloc0(req_size);

    core->heaps[0].desc = (SysmemHeapDesc) {
        .heap_type = SYSMEM2_HEAP_TYPE_SYSTEM_RAM, .id = 0, .secure = false,
        .cpu_domain = true, .ram_domain = true, .inaccessible_domain = true,
    };
    core->heaps[0].region = sysmem_region_new(0, cfg->region_size - secure,
                                              page);
    core->nheaps = 1;
    if (secure) {
        core->heaps[1].desc = (SysmemHeapDesc) {
            .heap_type = SYSMEM_HEAP_TYPE_SECURE, .id = 0, .secure = true,
            .inaccessible_domain = true,
        };
        core->heaps[1].region = sysmem_region_new(cfg->region_size - secure,
                                                  secure, page);
        core->nheaps = 2;
    }
    if (cfg->region_zeroed) {
        for (unsigned i = 0; i < core->nheaps; i++) {
            sysmem_region_assume_zeroed(core->heaps[i].region);
        }
    }
    core->heap_descs[0] = core->heaps[0].desc;
    core->heap_descs[1] = core->heaps[1].desc;
    return core;
}

static void drop_everything(SysmemCore *core, bool notify)
{
    GList *objs, *l;
    unsigned i;

    /* Collections first: that closes every node channel. */
    core->dropping = true;
    while ((l = core->collections)) {
        sysmem_lc_destroy(core, l->data);
    }
    objs = g_hash_table_get_values(core->objects);
    g_hash_table_steal_all(core->objects);
    /* Trackers before buffers, so that freeing buffers fires nothing. */
    for (l = objs; l; l = l->next) {
        SysmemObject *obj = l->data;

        if (obj->kind == OBJ_TRACKER) {
            tracker_detach(obj);
            if (notify) {
                host_close(core, obj->id, true, SYSMEM_CLOSE_HOST_CLOSED,
                           FIDL_ZX_ERR_PEER_CLOSED);
            }
        }
    }
    for (l = objs; l; l = l->next) {
        SysmemObject *obj = l->data;

        if (obj->kind == OBJ_ALLOCATOR && notify) {
            host_close(core, obj->id, false, SYSMEM_CLOSE_HOST_CLOSED,
                       FIDL_ZX_ERR_PEER_CLOSED);
        }
        if (obj->kind == OBJ_BUFFER) {
            core->buffer_handles--;
            sysmem_buffer_unref(core, obj->buffer, !obj->weak);
        }
        g_free(obj->client_name);
        g_free(obj);
    }
    g_list_free(objs);
    for (i = 0; i < core->nheaps; i++) {
        sysmem_region_reset(core->heaps[i].region);
    }
    core->dropping = false;
}

void sysmem_core_reset(SysmemCore *core)
{
    drop_everything(core, true);
}

void sysmem_core_free(SysmemCore *core)
{
    unsigned i;

    if (!core) {
        return;
    }
    /* Quietly: the host is going away too. */
    core->quiet = true;
    drop_everything(core, false);
    for (i = 0; i < core->nheaps; i++) {
        sysmem_region_destroy(core->heaps[i].region);
    }
    g_hash_table_destroy(core->objects);
    g_hash_table_destroy(core->nodes_by_koid);
    g_free(core->msg_buf);
    g_free(core->req_buf);
    g_free(core);
}

/* ------------------------------------------------------------------ */
/* Introspection                                                        */

void sysmem_core_get_stats(SysmemCore *core, SysmemCoreStats *st)
{
    GHashTableIter it;
    gpointer value;
    SysmemRegionStats rs;
    unsigned i;

    memset(st, 0, sizeof(*st));
    g_hash_table_iter_init(&it, core->objects);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        SysmemObject *obj = value;

        if (obj->kind == OBJ_ALLOCATOR || obj->kind == OBJ_NODE) {
            st->channels++;
        }
    }
    st->objects = g_hash_table_size(core->objects);
    st->collections = g_list_length(core->collections);
    st->buffers = core->live_buffers;
    st->buffer_handles = core->buffer_handles;
    st->region_size = core->cfg.region_size;
    for (i = 0; i < core->nheaps; i++) {
        sysmem_region_get_stats(core->heaps[i].region, &rs);
        st->region_used += rs.used;
        if (core->heaps[i].desc.secure) {
            st->secure_used += rs.used;
        }
    }
    st->fragmentation = sysmem_region_fragmentation(core->heaps[0].region);
    st->allocations_total = core->allocations_total;
    st->failures_total = core->failures_total;
}

static const char *node_state(const SysmemNode *n)
{
    if (n->logically_allocated) {
        return "allocated";
    }
    if (n->released) {
        return "released";
    }
    switch (n->kind) {
    case NODE_TOKEN:
        return "waiting for BindSharedCollection";
    case NODE_COLLECTION:
        return n->constraints_set ? "constraints set" :
                                    "waiting for SetConstraints";
    default:
        return n->children_present ? "children present" :
                                     "waiting for AllChildrenPresent";
    }
}

static void dump_node(const SysmemNode *n, GString *out, int depth)
{
    static const char *const kinds[] = { "token", "collection", "group" };
    guint i;

    g_string_append_printf(out, "%*s%s", depth * 2 + 4, "", kinds[n->kind]);
    if (n->chan) {
        g_string_append_printf(out, " #%u", n->chan->id);
    }
    g_string_append_printf(out, " '%s'%s%s: %s\n",
                           n->debug_name ? n->debug_name : "",
                           n->v1 ? " v1" : "",
                           n->mode == MODE_PROPAGATE_BEFORE_ALLOCATION ?
                           " dispensable" : n->mode == MODE_DO_NOT_PROPAGATE ?
                           " attached" : "", node_state(n));
    for (i = 0; i < n->children->len; i++) {
        dump_node(g_ptr_array_index(n->children, i), out, depth + 1);
    }
}

void sysmem_core_dump(SysmemCore *core, GString *out)
{
    SysmemCoreStats st;
    GList *l;
    unsigned i;

    sysmem_core_get_stats(core, &st);
    g_string_append_printf(out, "sysmem: %u channels, %u collections, %u "
                           "buffers (%u handles), %" G_GUINT64_FORMAT " of %"
                           G_GUINT64_FORMAT " bytes in use, fragmentation "
                           "%u/1000\n", st.channels, st.collections,
                           st.buffers, st.buffer_handles, st.region_used,
                           st.region_size, st.fragmentation);
    for (i = 0; i < core->nheaps; i++) {
        SysmemRegionStats rs;

        sysmem_region_get_stats(core->heaps[i].region, &rs);
        g_string_append_printf(out, "  heap %s: %" G_GUINT64_FORMAT "/%"
                               G_GUINT64_FORMAT " bytes, %u allocations, "
                               "largest free %" G_GUINT64_FORMAT "\n",
                               core->heaps[i].desc.heap_type, rs.used, rs.size,
                               rs.allocations, rs.largest_free);
    }
    for (l = core->collections; l; l = l->next) {
        SysmemLogicalCollection *lc = l->data;

        g_string_append_printf(out, "  collection %" G_GUINT64_FORMAT
                               " '%s': %s", lc->id, lc->name ? lc->name : "",
                               lc->allocated ? "allocated" : "pending");
        if (lc->allocated) {
            g_string_append_printf(out, ", %u x %" G_GUINT64_FORMAT " bytes",
                                   lc->buffer_count,
                                   lc->settings->buffer_settings.size_bytes);
        }
        g_string_append_c(out, '\n');
        if (lc->root) {
            dump_node(lc->root, out, 0);
        }
        for (i = 0; i < lc->buffer_count; i++) {
            SysmemBuffer *b = lc->buffers[i];

            if (!b) {
                g_string_append_printf(out, "    buffer %u: gone (no strong "
                                       "holder left)\n", i);
                continue;
            }
            g_string_append_printf(out, "    buffer %u: offset 0x%" G_GINT64_MODIFIER
                                   "x size %" G_GUINT64_FORMAT " %s, %u "
                                   "holder(s)\n", i, b->offset, b->size,
                                   b->secure ? "secure" : "cpu", b->refs);
        }
    }
}

static void collect_missing(const SysmemNode *n, GString *out)
{
    guint i;

    if (!n->released && !n->logically_allocated &&
        ((n->kind == NODE_TOKEN) ||
         (n->kind == NODE_COLLECTION && !n->constraints_set) ||
         (n->kind == NODE_GROUP && !n->children_present))) {
        g_string_append_printf(out, " %s '%s' (%s)",
                               n->kind == NODE_TOKEN ? "token" :
                               n->kind == NODE_COLLECTION ? "collection" :
                               "group", n->debug_name ? n->debug_name : "",
                               node_state(n));
    }
    for (i = 0; i < n->children->len; i++) {
        collect_missing(g_ptr_array_index(n->children, i), out);
    }
}

unsigned sysmem_core_log_stalled(SysmemCore *core, int64_t min_age_us)
{
    int64_t now = g_get_monotonic_time();
    unsigned count = 0;
    GList *l;

    for (l = core->collections; l; l = l->next) {
        SysmemLogicalCollection *lc = l->data;
        g_autoptr(GString) missing = NULL;

        if (lc->allocated || !lc->root || now - lc->created_us < min_age_us) {
            continue;
        }
        missing = g_string_new(NULL);
        collect_missing(lc->root, missing);
        sysmem_log(core, G_LOG_LEVEL_WARNING, "collection %" G_GUINT64_FORMAT
                   " '%s' still not allocated after %" G_GINT64_FORMAT
                   " ms; waiting for:%s", lc->id, lc->name ? lc->name : "",
                   (now - lc->created_us) / 1000, missing->str);
        count++;
    }
    return count;
}

void sysmem_core_foreach_collection(SysmemCore *core,
                                    void (*fn)(const SysmemCollectionInfo *ci,
                                               void *opaque),
                                    void *opaque)
{
    GList *l;

    for (l = core->collections; l; l = l->next) {
        SysmemLogicalCollection *lc = l->data;
        SysmemCollectionInfo ci = {
            .id = lc->id, .name = lc->name, .allocated = lc->allocated,
            .failed = lc->failed, .error = lc->error,
            .nodes = lc->root ? sysmem_node_count(lc->root) : 0,
            .buffer_count = lc->buffer_count,
        };

        if (lc->settings) {
            ci.buffer_size = lc->settings->buffer_settings.size_bytes;
            ci.secure = lc->settings->buffer_settings.is_secure;
        }
        fn(&ci, opaque);
    }
}
