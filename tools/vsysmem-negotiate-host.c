/*
 * An in-process host for the sysmem core (see vsysmem-negotiate-host.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "tools/vsysmem-negotiate-host.h"

struct VsHost {
    SysmemCore *core;
    uint32_t next_id;
    GHashTable *closed;         /* id -> epitaph */
    GHashTable *reasons;        /* id -> SysmemCloseReason of its last close */
    GArray *notices;            /* uint32_t ids whose close is to pass on */
    GHashTable *close_counts;   /* id -> closes seen */
    bool manual_notices;        /* vs_host_notify only when asked */
    GHashTable *buffers;        /* buffer handle ids we hold */
    GPtrArray *calls;           /* VsCall* */
    GString *log;
    uint8_t *buf;
    GArray *received;           /* uint32_t ids of non-buffer handles */
};

static void host_reply(void *opaque, void *cookie, const uint8_t *bytes,
                       uint32_t n, const SysmemHandle *handles, uint32_t nh)
{
    VsHost *h = opaque;
    VsCall *c = cookie;
    uint32_t i;

    g_assert(!c->done);
    c->done = true;
    c->answered = bytes != NULL;
    c->bytes = g_memdup2(bytes, n);
    c->n = n;
    c->nh = nh;
    for (i = 0; i < nh; i++) {
        c->handles[i] = handles[i];
        if (handles[i].kind == SYSMEM_HANDLE_BUFFER) {
            g_hash_table_add(h->buffers, GUINT_TO_POINTER(handles[i].id));
        } else {
            g_array_append_val(h->received, handles[i].id);
        }
    }
}

static void host_event(void *opaque, uint32_t id, const uint8_t *bytes,
                       uint32_t n, const SysmemHandle *handles, uint32_t nh)
{
}

static void host_close(void *opaque, const SysmemClose *c)
{
    VsHost *h = opaque;

    /* The epitaph message says what the status says. */
    if (c->epitaph_bytes) {
        int32_t status;

        g_assert_cmpuint(c->kind, ==, SYSMEM_HANDLE_CHANNEL_SERVER);
        g_assert_cmpint(fidl_decode_epitaph(c->epitaph_bytes, c->epitaph_len,
                                            &status), ==, 0);
        g_assert_cmpint(status, ==, c->epitaph);
    }
    g_hash_table_insert(h->closed, GUINT_TO_POINTER(c->object_id),
                        GINT_TO_POINTER(c->epitaph));
    g_hash_table_insert(h->reasons, GUINT_TO_POINTER(c->object_id),
                        GINT_TO_POINTER(c->reason));
    g_hash_table_insert(h->close_counts, GUINT_TO_POINTER(c->object_id),
                        GUINT_TO_POINTER(vs_close_count(h, c->object_id) + 1));
    if (c->reason != SYSMEM_CLOSE_HOST_CLOSED) {
        g_array_append_val(h->notices, c->object_id);
    }
}

/*
 * Pass on the closes the last core call made, as a host that delivers
 * them at once (not from inside the callback: the core is not reentrant).
 */
void vs_host_notify(VsHost *h)
{
    guint i;

    for (i = 0; i < h->notices->len; i++) {
        sysmem_core_close_notified(h->core,
                                   g_array_index(h->notices, uint32_t, i));
    }
    g_array_set_size(h->notices, 0);
}

static void host_notify(VsHost *h)
{
    if (!h->manual_notices) {
        vs_host_notify(h);
    }
}

void vs_host_manual_notices(VsHost *h, bool manual)
{
    h->manual_notices = manual;
}

uint32_t vs_close_count(VsHost *h, uint32_t id)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(h->close_counts,
                                                GUINT_TO_POINTER(id)));
}

static void host_log(void *opaque, GLogLevelFlags level, const char *msg)
{
    VsHost *h = opaque;

    if (g_getenv("VS_LOG")) {
        g_printerr("core: %s\n", msg);
    }
    g_string_append(h->log, msg);
    g_string_append_c(h->log, '\n');
}

static void call_free(gpointer p)
{
    VsCall *c = p;

    g_free(c->bytes);
    g_free(c);
}

VsHost *vs_host_new(const SysmemCoreConfig *cfg)
{
    static const SysmemHostOps ops = {
        .reply = host_reply, .event = host_event, .close = host_close,
        .log = host_log,
    };
    VsHost *h = g_new0(VsHost, 1);

    h->core = sysmem_core_new(cfg, &ops, h, NULL);
    if (!h->core) {
        g_free(h);
        return NULL;
    }
    h->next_id = 1;
    h->closed = g_hash_table_new(g_direct_hash, g_direct_equal);
    h->reasons = g_hash_table_new(g_direct_hash, g_direct_equal);
    h->close_counts = g_hash_table_new(g_direct_hash, g_direct_equal);
    h->notices = g_array_new(false, false, sizeof(uint32_t));
    h->buffers = g_hash_table_new(g_direct_hash, g_direct_equal);
    h->calls = g_ptr_array_new_with_free_func(call_free);
    h->log = g_string_new(NULL);
    h->buf = g_malloc(FIDL_MAX_MSG_BYTES);
    h->received = g_array_new(false, false, sizeof(uint32_t));
    return h;
}

void vs_host_free(VsHost *h)
{
    if (!h) {
        return;
    }
    sysmem_core_free(h->core);
    g_hash_table_destroy(h->closed);
    g_hash_table_destroy(h->reasons);
    g_hash_table_destroy(h->close_counts);
    g_array_free(h->notices, true);
    g_hash_table_destroy(h->buffers);
    g_ptr_array_free(h->calls, true);
    g_string_free(h->log, true);
    g_free(h->buf);
    g_array_free(h->received, true);
    g_free(h);
}

GArray *vs_received_ids(VsHost *h)
{
    return h->received;
}

void vs_drop_all(VsHost *h)
{
    uint32_t id;
    guint i;

    for (id = 1; id < h->next_id; id++) {
        sysmem_core_peer_closed(h->core, id);
    }
    for (i = 0; i < h->received->len; i++) {
        sysmem_core_peer_closed(h->core, g_array_index(h->received, uint32_t, i));
    }
    host_notify(h);
    vs_release_buffers(h);
}

int32_t vs_send_raw(VsHost *h, uint32_t obj, const uint8_t *bytes, uint32_t n,
                    const SysmemHandle *handles, uint32_t nh)
{
    uint32_t txid = n >= FIDL_HEADER_SIZE ?
                    bytes[0] | bytes[1] << 8 | bytes[2] << 16 |
                    (uint32_t)bytes[3] << 24 : 0;
    VsCall *c = NULL;

    if (txid) {
        c = g_new0(VsCall, 1);
        c->method = sysmem_method_by_id(SYSMEM_M_SYSMEM2_NODE_SYNC);
        g_ptr_array_add(h->calls, c);
    }
    return vs_host_status(h, sysmem_core_message(h->core, obj, bytes, n,
                                                 handles, nh, c));
}

SysmemCore *vs_host_core(VsHost *h)
{
    return h->core;
}

GString *vs_log(VsHost *h)
{
    return h->log;
}

uint32_t vs_new_id(VsHost *h)
{
    return h->next_id++;
}

bool vs_closed(VsHost *h, uint32_t id, int32_t *epitaph)
{
    gpointer v;

    if (!g_hash_table_lookup_extended(h->closed, GUINT_TO_POINTER(id), NULL,
                                      &v)) {
        return false;
    }
    if (epitaph) {
        *epitaph = GPOINTER_TO_INT(v);
    }
    return true;
}

int32_t vs_send(VsHost *h, uint32_t obj, uint32_t mid, const void *req,
                const SysmemHandle *handles, uint32_t nh, VsCall **call)
{
    const sysmem_method_t *m = sysmem_method_by_id(mid);
    fidl_handle_info_t hinfo[FIDL_MAX_MSG_HANDLES];
    SysmemHandle out[FIDL_MAX_MSG_HANDLES];
    uint32_t n = 0, onh = 0, i;
    VsCall *c = NULL;
    int err;

    g_assert(m);
    err = sysmem_encode_request(m, (m->flags & SYSMEM_METHOD_TWO_WAY) ? 1 : 0,
                                req, h->buf, FIDL_MAX_MSG_BYTES, &n, hinfo,
                                FIDL_MAX_MSG_HANDLES, &onh);
    g_assert_cmpint(err, ==, 0);
    for (i = 0; i < onh; i++) {
        g_assert(hinfo[i].handle >= 1 && hinfo[i].handle <= nh);
        out[i] = handles[hinfo[i].handle - 1];
    }
    if (m->flags & SYSMEM_METHOD_TWO_WAY) {
        c = g_new0(VsCall, 1);
        c->method = m;
        g_ptr_array_add(h->calls, c);
    }
    if (call) {
        *call = c;
    }
    return vs_host_status(h, sysmem_core_message(h->core, obj, h->buf, n, out,
                                                 onh, c));
}

int vs_call_decode(VsCall *c, void *out)
{
    fidl_handle_info_t hinfo[FIDL_MAX_MSG_HANDLES];
    uint32_t i;

    if (!c->answered) {
        return -1;
    }
    for (i = 0; i < c->nh; i++) {
        hinfo[i].handle = i + 1;
        hinfo[i].type = c->handles[i].kind == SYSMEM_HANDLE_BUFFER ?
                        FIDL_OBJ_TYPE_VMO :
                        c->handles[i].kind == SYSMEM_HANDLE_EVENTPAIR ?
                        FIDL_OBJ_TYPE_NONE : FIDL_OBJ_TYPE_CHANNEL;
        hinfo[i].rights = c->handles[i].rights | FIDL_RIGHTS_BASIC;
        hinfo[i].flags = 0;
    }
    return sysmem_decode_reply(c->method, c->bytes, c->n, hinfo, c->nh, NULL,
                               out);
}

void vs_release_buffers(VsHost *h)
{
    GHashTableIter it;
    gpointer key;

    g_hash_table_iter_init(&it, h->buffers);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        sysmem_core_buffer_release(h->core, GPOINTER_TO_UINT(key));
        g_hash_table_iter_remove(&it);
    }
    host_notify(h);
}

uint32_t vs_live_buffer_handles(VsHost *h)
{
    return g_hash_table_size(h->buffers);
}

void vs_peer_close(VsHost *h, uint32_t id)
{
    sysmem_core_peer_closed(h->core, id);
    host_notify(h);
}

int32_t vs_host_status(VsHost *h, int32_t status)
{
    host_notify(h);
    return status;
}

bool vs_close_reason(VsHost *h, uint32_t id, SysmemCloseReason *reason)
{
    gpointer v;

    if (!g_hash_table_lookup_extended(h->reasons, GUINT_TO_POINTER(id), NULL,
                                      &v)) {
        return false;
    }
    *reason = GPOINTER_TO_INT(v);
    return true;
}

/* ------------------------------------------------------------------ */

static SysmemHandle server_end(uint32_t id)
{
    return (SysmemHandle) { .kind = SYSMEM_HANDLE_CHANNEL_SERVER, .id = id };
}

uint32_t vs_connect(VsHost *h, bool v1)
{
    uint32_t id = vs_new_id(h);

    g_assert_cmpint(sysmem_core_connect(h->core, id, v1 ?
                                        SYSMEM_PROTOCOL_SYSMEM1 :
                                        SYSMEM_PROTOCOL_SYSMEM2), ==, 0);
    return id;
}

uint32_t vs_allocate_shared(VsHost *h, uint32_t alloc, bool v1)
{
    uint32_t id = vs_new_id(h);
    SysmemHandle hd = server_end(id);

    if (v1) {
        sysmem1_allocator_allocate_shared_collection_request_t r = {
            .token_request = 1 };
        vs_send(h, alloc, SYSMEM_M_SYSMEM1_ALLOCATOR_ALLOCATE_SHARED_COLLECTION,
                &r, &hd, 1, NULL);
    } else {
        sysmem2_allocator_allocate_shared_collection_request_t r = {
            .has_token_request = true, .token_request = 1 };
        vs_send(h, alloc, SYSMEM_M_SYSMEM2_ALLOCATOR_ALLOCATE_SHARED_COLLECTION,
                &r, &hd, 1, NULL);
    }
    return id;
}

uint32_t vs_allocate_non_shared(VsHost *h, uint32_t alloc, bool v1)
{
    uint32_t id = vs_new_id(h);
    SysmemHandle hd = server_end(id);

    if (v1) {
        sysmem1_allocator_allocate_non_shared_collection_request_t r = {
            .collection_request = 1 };
        vs_send(h, alloc,
                SYSMEM_M_SYSMEM1_ALLOCATOR_ALLOCATE_NON_SHARED_COLLECTION,
                &r, &hd, 1, NULL);
    } else {
        sysmem2_allocator_allocate_non_shared_collection_request_t r = {
            .has_collection_request = true, .collection_request = 1 };
        vs_send(h, alloc,
                SYSMEM_M_SYSMEM2_ALLOCATOR_ALLOCATE_NON_SHARED_COLLECTION,
                &r, &hd, 1, NULL);
    }
    return id;
}

uint32_t vs_duplicate(VsHost *h, uint32_t token, uint32_t mask, bool v1)
{
    uint32_t id = vs_new_id(h);
    SysmemHandle hd = server_end(id);

    if (v1) {
        sysmem1_buffer_collection_token_duplicate_request_t r = {
            .rights_attenuation_mask = mask, .token_request = 1 };
        vs_send(h, token, SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_DUPLICATE,
                &r, &hd, 1, NULL);
    } else {
        sysmem2_buffer_collection_token_duplicate_request_t r = {
            .has_rights_attenuation_mask = true,
            .rights_attenuation_mask = mask,
            .has_token_request = true, .token_request = 1 };
        vs_send(h, token, SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_DUPLICATE,
                &r, &hd, 1, NULL);
    }
    return id;
}

/* DuplicateSync and CreateChildrenSync share their request and reply. */
static int dup_sync(VsHost *h, uint32_t node, uint32_t mid,
                    const uint32_t *masks, uint32_t n, uint32_t *out)
{
    g_autofree sysmem2_buffer_collection_token_duplicate_sync_request_t *r =
        g_new0(sysmem2_buffer_collection_token_duplicate_sync_request_t, 1);
    g_autofree sysmem2_buffer_collection_token_duplicate_sync_result_t *res =
        g_new0(sysmem2_buffer_collection_token_duplicate_sync_result_t, 1);
    VsCall *c;
    uint32_t i;

    r->has_rights_attenuation_masks = true;
    r->rights_attenuation_masks_count = n;
    memcpy(r->rights_attenuation_masks, masks, n * sizeof(*masks));
    vs_send(h, node, mid, r, NULL, 0, &c);
    if (!c->answered || vs_call_decode(c, res) ||
        res->tag != FIDL_RESULT_RESPONSE) {
        return -1;
    }
    for (i = 0; i < c->nh; i++) {
        out[i] = c->handles[i].id;
    }
    return c->nh;
}

int vs_duplicate_sync(VsHost *h, uint32_t token, const uint32_t *masks,
                      uint32_t n, uint32_t *out)
{
    return dup_sync(h, token,
                    SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_DUPLICATE_SYNC,
                    masks, n, out);
}

int vs_create_children_sync(VsHost *h, uint32_t group, const uint32_t *masks,
                            uint32_t n, uint32_t *out)
{
    return dup_sync(h, group,
                    SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILDREN_SYNC,
                    masks, n, out);
}

bool vs_sync(VsHost *h, uint32_t node, bool v1)
{
    VsCall *c;

    vs_send(h, node, v1 ? SYSMEM_M_SYSMEM1_NODE_SYNC : SYSMEM_M_SYSMEM2_NODE_SYNC,
            NULL, NULL, 0, &c);
    return c->answered;
}

uint32_t vs_bind(VsHost *h, uint32_t alloc, uint32_t token, bool v1)
{
    uint32_t id = vs_new_id(h);
    SysmemHandle hd[2] = {
        { .kind = SYSMEM_HANDLE_CHANNEL_CLIENT, .id = token },
        server_end(id),
    };

    if (v1) {
        sysmem1_allocator_bind_shared_collection_request_t r = {
            .token = 1, .buffer_collection_request = 2 };
        vs_send(h, alloc, SYSMEM_M_SYSMEM1_ALLOCATOR_BIND_SHARED_COLLECTION,
                &r, hd, 2, NULL);
    } else {
        sysmem2_allocator_bind_shared_collection_request_t r = {
            .has_token = true, .token = 1,
            .has_buffer_collection_request = true,
            .buffer_collection_request = 2 };
        vs_send(h, alloc, SYSMEM_M_SYSMEM2_ALLOCATOR_BIND_SHARED_COLLECTION,
                &r, hd, 2, NULL);
    }
    return id;
}

void vs_set_constraints(VsHost *h, uint32_t coll,
                        const sysmem2_buffer_collection_constraints_t *c)
{
    g_autofree sysmem2_buffer_collection_set_constraints_request_t *r =
        g_new0(sysmem2_buffer_collection_set_constraints_request_t, 1);

    if (c) {
        r->has_constraints = true;
        r->constraints = *c;
    }
    vs_send(h, coll, SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS, r,
            NULL, 0, NULL);
}

void vs_set_constraints_v1(VsHost *h, uint32_t coll,
                           const sysmem1_buffer_collection_constraints_t *c)
{
    g_autofree sysmem1_buffer_collection_set_constraints_request_t *r =
        g_new0(sysmem1_buffer_collection_set_constraints_request_t, 1);

    if (c) {
        r->has_constraints = true;
        r->constraints = *c;
    }
    vs_send(h, coll, SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_SET_CONSTRAINTS, r,
            NULL, 0, NULL);
}

void vs_release(VsHost *h, uint32_t node, bool v1)
{
    vs_send(h, node, v1 ? SYSMEM_M_SYSMEM1_NODE_CLOSE :
            SYSMEM_M_SYSMEM2_NODE_RELEASE, NULL, NULL, 0, NULL);
}

void vs_set_dispensable(VsHost *h, uint32_t token)
{
    vs_send(h, token, SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_SET_DISPENSABLE,
            NULL, NULL, 0, NULL);
}

void vs_set_name(VsHost *h, uint32_t node, uint32_t prio, const char *name)
{
    sysmem2_node_set_name_request_t r = { .has_priority = true,
                                          .priority = prio, .has_name = true };

    r.name_len = MIN(strlen(name), SYSMEM2_MAX_NAME_LENGTH);
    memcpy(r.name, name, r.name_len);
    vs_send(h, node, SYSMEM_M_SYSMEM2_NODE_SET_NAME, &r, NULL, 0, NULL);
}

void vs_set_debug_info(VsHost *h, uint32_t node, const char *name)
{
    g_autofree sysmem2_set_debug_client_info_request_t *r =
        g_new0(sysmem2_set_debug_client_info_request_t, 1);

    r->has_name = true;
    r->name_len = MIN(strlen(name), SYSMEM2_MAX_CLIENT_NAME_LENGTH);
    memcpy(r->name, name, r->name_len);
    vs_send(h, node, SYSMEM_M_SYSMEM2_NODE_SET_DEBUG_CLIENT_INFO, r, NULL, 0,
            NULL);
}

uint32_t vs_attach_token(VsHost *h, uint32_t coll, uint32_t mask)
{
    uint32_t id = vs_new_id(h);
    SysmemHandle hd = server_end(id);
    sysmem2_buffer_collection_attach_token_request_t r = {
        .has_rights_attenuation_mask = true, .rights_attenuation_mask = mask,
        .has_token_request = true, .token_request = 1 };

    vs_send(h, coll, SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_ATTACH_TOKEN, &r, &hd,
            1, NULL);
    return id;
}

uint32_t vs_create_group(VsHost *h, uint32_t token)
{
    uint32_t id = vs_new_id(h);
    SysmemHandle hd = server_end(id);
    sysmem2_buffer_collection_token_create_buffer_collection_token_group_request_t r = {
        .has_group_request = true, .group_request = 1 };

    vs_send(h, token,
            SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_CREATE_BUFFER_COLLECTION_TOKEN_GROUP,
            &r, &hd, 1, NULL);
    return id;
}

uint32_t vs_group_create_child(VsHost *h, uint32_t group, uint32_t mask)
{
    uint32_t id = vs_new_id(h);
    SysmemHandle hd = server_end(id);
    sysmem2_buffer_collection_token_group_create_child_request_t r = {
        .has_token_request = true, .token_request = 1,
        .has_rights_attenuation_mask = true, .rights_attenuation_mask = mask };

    vs_send(h, group, SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILD,
            &r, &hd, 1, NULL);
    return id;
}

void vs_all_children_present(VsHost *h, uint32_t group)
{
    vs_send(h, group,
            SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_GROUP_ALL_CHILDREN_PRESENT,
            NULL, NULL, 0, NULL);
}

uint32_t vs_attach_lifetime(VsHost *h, uint32_t coll, uint32_t remaining)
{
    uint32_t id = vs_new_id(h);
    SysmemHandle hd = { .kind = SYSMEM_HANDLE_EVENTPAIR, .id = id };
    sysmem2_buffer_collection_attach_lifetime_tracking_request_t r = {
        .has_server_end = true, .server_end = 1,
        .has_buffers_remaining = true, .buffers_remaining = remaining };

    vs_send(h, coll, SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_ATTACH_LIFETIME_TRACKING,
            &r, &hd, 1, NULL);
    return id;
}

VsCall *vs_wait(VsHost *h, uint32_t coll, bool v1)
{
    VsCall *c;

    vs_send(h, coll, v1 ? SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_WAIT_FOR_BUFFERS_ALLOCATED :
            SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED,
            NULL, NULL, 0, &c);
    return c;
}

int64_t vs_check(VsHost *h, uint32_t coll, bool v1)
{
    VsCall *c;

    if (v1) {
        sysmem1_buffer_collection_check_buffers_allocated_response_t r;

        vs_send(h, coll, SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_CHECK_BUFFERS_ALLOCATED,
                NULL, NULL, 0, &c);
        if (vs_call_decode(c, &r)) {
            return INT64_MIN;
        }
        return r.status;
    } else {
        sysmem2_buffer_collection_check_all_buffers_allocated_result_t r;

        vs_send(h, coll, SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_CHECK_ALL_BUFFERS_ALLOCATED,
                NULL, NULL, 0, &c);
        if (vs_call_decode(c, &r)) {
            return INT64_MIN;
        }
        return r.tag == FIDL_RESULT_RESPONSE ? 0 : r.err;
    }
}

sysmem2_error_t vs_wait_result(VsCall *c, sysmem2_buffer_collection_info_t *info)
{
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t *r =
        g_new0(sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t, 1);
    int err = vs_call_decode(c, r);

    g_assert_cmpint(err, ==, 0);
    if (r->tag != FIDL_RESULT_RESPONSE) {
        return r->tag == FIDL_RESULT_ERR ? r->err : SYSMEM2_ERROR_UNSPECIFIED;
    }
    if (info) {
        *info = r->response.buffer_collection_info;
    }
    return 0;
}

int32_t vs_wait_result_v1(VsCall *c, sysmem1_buffer_collection_info_2_t *info)
{
    g_autofree sysmem1_buffer_collection_wait_for_buffers_allocated_response_t *r =
        g_new0(sysmem1_buffer_collection_wait_for_buffers_allocated_response_t, 1);
    int err = vs_call_decode(c, r);

    g_assert_cmpint(err, ==, 0);
    if (info) {
        *info = r->buffer_collection_info;
    }
    return r->status;
}
