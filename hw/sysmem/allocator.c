/*
 * Allocator: fuchsia.sysmem2.Allocator and fuchsia.sysmem.Allocator (v1).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "hw/sysmem/core-internal.h"

static void apply_client_info(SysmemObject *alloc, SysmemNode *node)
{
    if (alloc->client_name) {
        g_free(node->debug_name);
        node->debug_name = g_strdup(alloc->client_name);
        node->debug_id = alloc->client_id;
    }
}

static void new_collection(SysmemCore *core, SysmemObject *alloc,
                           uint32_t chan_id, SysmemNodeKind kind)
{
    SysmemLogicalCollection *lc = sysmem_lc_new(core);
    SysmemNode *root = sysmem_node_new(lc, NULL, kind);
    SysmemObject *chan = sysmem_object_new(core, chan_id, OBJ_NODE);

    chan->v1 = alloc->v1;
    root->v1 = alloc->v1;
    apply_client_info(alloc, root);
    sysmem_node_bind(core, root, chan);
}

static void bind_shared(SysmemCore *core, SysmemObject *alloc,
                        fidl_handle_t token, fidl_handle_t request,
                        const SysmemHandle *handles, bool *consumed)
{
    uint32_t coll_id = sysmem_take_server_end(core, handles, consumed, request);
    SysmemObject *tok = NULL, *chan;
    SysmemNode *node;

    if (!coll_id) {
        sysmem_log(core, G_LOG_LEVEL_WARNING, "allocator %u: "
                   "BindSharedCollection without a usable collection request",
                   alloc->id);
        sysmem_close_violation(core, alloc);
        return;
    }
    if (token && handles[token - 1].kind == SYSMEM_HANDLE_CHANNEL_CLIENT) {
        tok = sysmem_object_lookup(core, handles[token - 1].id);
    }
    if (!tok || tok->kind != OBJ_NODE || tok->node->kind != NODE_TOKEN ||
        tok->node->released) {
        /* Unknown token: the new collection channel simply closes. */
        sysmem_log(core, G_LOG_LEVEL_INFO, "BindSharedCollection: unknown "
                   "token %u", token ? handles[token - 1].id : 0);
        sysmem_drop_new_end(core, coll_id, false);
        return;
    }
    consumed[token - 1] = true;
    node = tok->node;
    /* The token's channel is consumed; the node becomes a collection. */
    sysmem_object_close(core, tok, SYSMEM_CLOSE_CONSUMED,
                        FIDL_ZX_ERR_PEER_CLOSED);
    node->kind = NODE_COLLECTION;
    node->v1 = alloc->v1;
    chan = sysmem_object_new(core, coll_id, OBJ_NODE);
    chan->v1 = alloc->v1;
    apply_client_info(alloc, node);
    sysmem_node_bind(core, node, chan);
    sysmem_lc_update(core, node->lc);
}

static bool token_known(SysmemCore *core, uint64_t koid)
{
    SysmemObject *obj = koid <= UINT32_MAX ?
                        sysmem_object_lookup(core, (uint32_t)koid) : NULL;

    return obj && obj->kind == OBJ_NODE && obj->node->kind == NODE_TOKEN;
}

static void get_vmo_info(SysmemCore *core, const SysmemPending *p,
                         fidl_handle_t h, const SysmemHandle *handles)
{
    sysmem2_allocator_get_vmo_info_result_t r = { .tag = FIDL_RESULT_RESPONSE };
    SysmemObject *obj = NULL;

    if (h && handles[h - 1].kind == SYSMEM_HANDLE_BUFFER) {
        obj = sysmem_object_lookup(core, handles[h - 1].id);
    }
    if (!h) {
        r.tag = FIDL_RESULT_ERR;
        r.err = SYSMEM2_ERROR_PROTOCOL_DEVIATION;
    } else if (!obj || obj->kind != OBJ_BUFFER) {
        r.tag = FIDL_RESULT_ERR;
        r.err = SYSMEM2_ERROR_NOT_FOUND;
    } else {
        r.response.has_buffer_collection_id = true;
        r.response.buffer_collection_id = obj->buffer->collection_id;
        r.response.has_buffer_index = true;
        r.response.buffer_index = obj->buffer->index;
    }
    /* The vmo handle itself is dropped by the caller (moved into sysmem). */
    sysmem_reply(core, p, &r, NULL, 0);
}

static void set_client_info(SysmemObject *alloc, const char *name, uint64_t id)
{
    g_free(alloc->client_name);
    alloc->client_name = g_strdup(name);
    alloc->client_id = id;
}

void sysmem_allocator_dispatch(SysmemCore *core, SysmemObject *obj,
                               const sysmem_method_t *m,
                               const SysmemPending *p, void *req,
                               const SysmemHandle *handles, bool *consumed)
{
    uint32_t id;

    switch (m->id) {
    case SYSMEM_M_SYSMEM2_ALLOCATOR_ALLOCATE_NON_SHARED_COLLECTION: {
        sysmem2_allocator_allocate_non_shared_collection_request_t *r = req;

        id = sysmem_take_server_end(core, handles, consumed,
                                    r->has_collection_request ?
                                    r->collection_request : 0);
        if (!id) {
            break;
        }
        new_collection(core, obj, id, NODE_COLLECTION);
        return;
    }
    case SYSMEM_M_SYSMEM1_ALLOCATOR_ALLOCATE_NON_SHARED_COLLECTION: {
        sysmem1_allocator_allocate_non_shared_collection_request_t *r = req;

        id = sysmem_take_server_end(core, handles, consumed,
                                    r->collection_request);
        if (!id) {
            break;
        }
        new_collection(core, obj, id, NODE_COLLECTION);
        return;
    }
    case SYSMEM_M_SYSMEM2_ALLOCATOR_ALLOCATE_SHARED_COLLECTION: {
        sysmem2_allocator_allocate_shared_collection_request_t *r = req;

        id = sysmem_take_server_end(core, handles, consumed,
                                    r->has_token_request ? r->token_request : 0);
        if (!id) {
            break;
        }
        new_collection(core, obj, id, NODE_TOKEN);
        return;
    }
    case SYSMEM_M_SYSMEM1_ALLOCATOR_ALLOCATE_SHARED_COLLECTION: {
        sysmem1_allocator_allocate_shared_collection_request_t *r = req;

        id = sysmem_take_server_end(core, handles, consumed, r->token_request);
        if (!id) {
            break;
        }
        new_collection(core, obj, id, NODE_TOKEN);
        return;
    }
    case SYSMEM_M_SYSMEM2_ALLOCATOR_BIND_SHARED_COLLECTION: {
        sysmem2_allocator_bind_shared_collection_request_t *r = req;

        if (!r->has_token || !r->has_buffer_collection_request) {
            break;
        }
        bind_shared(core, obj, r->token, r->buffer_collection_request,
                    handles, consumed);
        return;
    }
    case SYSMEM_M_SYSMEM1_ALLOCATOR_BIND_SHARED_COLLECTION: {
        sysmem1_allocator_bind_shared_collection_request_t *r = req;

        bind_shared(core, obj, r->token, r->buffer_collection_request,
                    handles, consumed);
        return;
    }
    case SYSMEM_M_SYSMEM2_ALLOCATOR_VALIDATE_BUFFER_COLLECTION_TOKEN: {
        sysmem2_allocator_validate_buffer_collection_token_request_t *r = req;
        sysmem2_allocator_validate_buffer_collection_token_result_t res = {
            .tag = FIDL_RESULT_RESPONSE,
        };

        res.response.has_is_known = true;
        res.response.is_known = r->has_token_server_koid &&
                                token_known(core, r->token_server_koid);
        sysmem_reply(core, p, &res, NULL, 0);
        return;
    }
    case SYSMEM_M_SYSMEM1_ALLOCATOR_VALIDATE_BUFFER_COLLECTION_TOKEN: {
        sysmem1_allocator_validate_buffer_collection_token_request_t *r = req;
        sysmem1_allocator_validate_buffer_collection_token_response_t res = {
            .is_known = token_known(core, r->token_server_koid),
        };

        sysmem_reply(core, p, &res, NULL, 0);
        return;
    }
    case SYSMEM_M_SYSMEM2_ALLOCATOR_SET_DEBUG_CLIENT_INFO: {
        sysmem2_set_debug_client_info_request_t *r = req;

        if (!r->has_name) {
            break;
        }
        set_client_info(obj, r->name, r->has_id ? r->id : 0);
        return;
    }
    case SYSMEM_M_SYSMEM1_ALLOCATOR_SET_DEBUG_CLIENT_INFO: {
        sysmem1_set_debug_client_info_request_t *r = req;

        set_client_info(obj, r->name, r->id);
        return;
    }
    case SYSMEM_M_SYSMEM2_ALLOCATOR_GET_VMO_INFO: {
        sysmem2_allocator_get_vmo_info_request_t *r = req;

        get_vmo_info(core, p, r->has_vmo ? r->vmo : 0, handles);
        return;
    }
    case SYSMEM_M_SYSMEM1_ALLOCATOR_CONNECT_TO_SYSMEM2_ALLOCATOR: {
        sysmem1_allocator_connect_to_sysmem2_allocator_request_t *r = req;
        SysmemObject *v2;

        id = sysmem_take_server_end(core, handles, consumed,
                                    r->allocator_request);
        if (!id) {
            break;
        }
        v2 = sysmem_object_new(core, id, OBJ_ALLOCATOR);
        if (obj->client_name) {
            set_client_info(v2, obj->client_name, obj->client_id);
        }
        return;
    }
    default:
        break;
    }
    sysmem_log(core, G_LOG_LEVEL_WARNING, "allocator %u: bad %s request",
               obj->id, m->name);
    sysmem_close_violation(core, obj);
}
