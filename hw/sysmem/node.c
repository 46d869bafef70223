/*
 * Node methods shared by tokens, collections and groups (fuchsia.sysmem2
 * Node and fuchsia.sysmem v1 Node), and the dispatch to the three kinds.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "hw/sysmem/core-internal.h"

uint32_t sysmem_take_server_end(SysmemCore *core, const SysmemHandle *handles,
                                bool *consumed, fidl_handle_t h)
{
    const SysmemHandle *sh;

    if (h == FIDL_HANDLE_INVALID) {
        return 0;
    }
    sh = &handles[h - 1];
    if (sh->kind != SYSMEM_HANDLE_CHANNEL_SERVER ||
        !sysmem_id_available(core, sh->id)) {
        return 0;
    }
    consumed[h - 1] = true;
    return sh->id;
}

SysmemNode *sysmem_node_new_child(SysmemCore *core, SysmemNode *parent,
                                  SysmemNodeKind kind, uint32_t chan_id,
                                  uint32_t mask, bool v1)
{
    SysmemNode *n = sysmem_node_new(parent->lc, parent, kind);
    SysmemObject *chan = sysmem_object_new(core, chan_id, OBJ_NODE);

    if (mask != FIDL_RIGHT_SAME_RIGHTS) {
        n->rights_mask &= mask;
    }
    chan->v1 = v1;
    n->v1 = v1;
    sysmem_node_bind(core, n, chan);
    return n;
}

void sysmem_node_protocol_violation(SysmemCore *core, SysmemNode *node,
                                    const char *what)
{
    sysmem_log(core, G_LOG_LEVEL_WARNING, "%s '%s' (collection %"
               G_GUINT64_FORMAT "): protocol violation: %s",
               node->kind == NODE_TOKEN ? "token" :
               node->kind == NODE_COLLECTION ? "collection" : "group",
               sysmem_node_name(node), node->lc->id, what);
    if (node->chan) {
        sysmem_close_violation(core, node->chan);
    }
    sysmem_node_fail(core, node, SYSMEM2_ERROR_PROTOCOL_DEVIATION, false,
                     FIDL_ZX_ERR_PEER_CLOSED);
}

static void reply_empty(SysmemCore *core, const SysmemPending *p)
{
    sysmem2_node_sync_result_t r = { .tag = FIDL_RESULT_RESPONSE };

    /* v1 Sync has no body; the v2 result union carries an empty struct. */
    sysmem_reply(core, p, p->method->response ? &r : NULL, NULL, 0);
}

static void do_release(SysmemCore *core, SysmemNode *node)
{
    if (node->kind == NODE_GROUP && !node->children_present) {
        sysmem_node_protocol_violation(core, node,
                                       "Release before AllChildrenPresent");
        return;
    }
    node->released = true;
    sysmem_lc_update(core, node->lc);
}

static void set_debug_info(SysmemNode *node, const char *name, uint64_t id)
{
    g_free(node->debug_name);
    node->debug_name = g_strdup(name);
    node->debug_id = id;
}

static void get_node_ref(SysmemCore *core, SysmemNode *node,
                         const SysmemPending *p)
{
    uint32_t id = sysmem_new_device_id(core);
    SysmemHandle h = { .kind = SYSMEM_HANDLE_EVENTPAIR, .id = id,
                       .rights = FIDL_RIGHTS_BASIC & ~FIDL_RIGHT_WAIT };
    SysmemObject *ref;

    if (!id) {
        return;
    }
    ref = sysmem_object_new(core, id, OBJ_NODE_REF);
    ref->node_koid = node->koid;
    if (node->v1 && p->method->id == SYSMEM_M_SYSMEM1_NODE_GET_NODE_REF) {
        sysmem1_node_get_node_ref_response_t r = { .node_ref = 1 };
        sysmem_reply(core, p, &r, &h, 1);
    } else {
        sysmem2_node_get_node_ref_result_t r = { .tag = FIDL_RESULT_RESPONSE };

        r.response.has_node_ref = true;
        r.response.node_ref = 1;
        sysmem_reply(core, p, &r, &h, 1);
    }
}

/* Resolve a node_ref handle; NULL when it names no live node. */
static SysmemNode *node_ref_lookup(SysmemCore *core, const SysmemHandle *handles,
                                   fidl_handle_t h, bool *bad)
{
    SysmemObject *ref;

    *bad = false;
    if (h == FIDL_HANDLE_INVALID ||
        handles[h - 1].kind != SYSMEM_HANDLE_EVENTPAIR) {
        *bad = true;
        return NULL;
    }
    ref = sysmem_object_lookup(core, handles[h - 1].id);
    if (!ref || ref->kind != OBJ_NODE_REF) {
        *bad = true;
        return NULL;
    }
    return g_hash_table_lookup(core->nodes_by_koid, &ref->node_koid);
}

static void is_alternate_for(SysmemCore *core, SysmemNode *node,
                             const SysmemPending *p, fidl_handle_t h,
                             const SysmemHandle *handles)
{
    bool bad;
    SysmemNode *other = node_ref_lookup(core, handles, h, &bad);
    bool v1 = p->method->id == SYSMEM_M_SYSMEM1_NODE_IS_ALTERNATE_FOR;

    if (v1) {
        sysmem1_node_is_alternate_for_result_t r = { .tag = FIDL_RESULT_RESPONSE };

        if (!other || other->lc != node->lc) {
            r.tag = FIDL_RESULT_ERR;
            r.err = bad ? FIDL_ZX_ERR_INVALID_ARGS : FIDL_ZX_ERR_NOT_FOUND;
        } else {
            r.response.is_alternate = sysmem_node_is_alternate(node, other);
        }
        sysmem_reply(core, p, &r, NULL, 0);
    } else {
        sysmem2_node_is_alternate_for_result_t r = { .tag = FIDL_RESULT_RESPONSE };

        if (!other || other->lc != node->lc) {
            r.tag = FIDL_RESULT_ERR;
            r.err = bad ? SYSMEM2_ERROR_PROTOCOL_DEVIATION :
                          SYSMEM2_ERROR_NOT_FOUND;
        } else {
            r.response.has_is_alternate = true;
            r.response.is_alternate = sysmem_node_is_alternate(node, other);
        }
        sysmem_reply(core, p, &r, NULL, 0);
    }
}

static void attach_node_tracking(SysmemCore *core, SysmemNode *node,
                                 const SysmemHandle *handles, bool *consumed,
                                 fidl_handle_t h)
{
    SysmemObject *t;

    if (node->node_trackers->len >= SYSMEM_MAX_NODE_TRACKERS) {
        /* Fuchsia: AttachNodeTrackingCountLimit */
        sysmem_node_protocol_violation(core, node, "too many "
                                       "AttachNodeTracking");
        return;
    }
    if (!h || handles[h - 1].kind != SYSMEM_HANDLE_EVENTPAIR ||
        !sysmem_id_available(core, handles[h - 1].id)) {
        return;     /* dropped: the host sees its peer closed at once */
    }
    consumed[h - 1] = true;
    t = sysmem_object_new(core, handles[h - 1].id, OBJ_TRACKER);
    t->tracker = TRACK_NODE;
    t->node = node;
    g_ptr_array_add(node->node_trackers, t);
}

void sysmem_node_dispatch(SysmemCore *core, SysmemObject *obj,
                          const sysmem_method_t *m, const SysmemPending *p,
                          void *req, const SysmemHandle *handles,
                          bool *consumed)
{
    SysmemNode *node = obj->node;

    if (node->released) {
        sysmem_node_protocol_violation(core, node, "message after Release");
        return;
    }
    if (node->kind == NODE_TOKEN) {
        /* The first message decides the version a token speaks. */
        node->v1 = obj->v1 = (m->protocols & SYSMEM_PROTO_V2_ALL) == 0;
    }
    switch (m->id) {
    case SYSMEM_M_SYSMEM2_NODE_SYNC:
    case SYSMEM_M_SYSMEM1_NODE_SYNC:
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_SYNC:
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_SYNC:
        reply_empty(core, p);
        return;
    case SYSMEM_M_SYSMEM2_NODE_RELEASE:
    case SYSMEM_M_SYSMEM1_NODE_CLOSE:
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_CLOSE:
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_CLOSE:
        do_release(core, node);
        return;
    case SYSMEM_M_SYSMEM2_NODE_SET_NAME: {
        sysmem2_node_set_name_request_t *r = req;

        if (!r->has_priority || !r->has_name) {
            sysmem_node_protocol_violation(core, node, "SetName without "
                                           "priority or name");
            return;
        }
        sysmem_lc_set_name(node->lc, r->priority, r->name);
        return;
    }
    case SYSMEM_M_SYSMEM1_NODE_SET_NAME:
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_SET_NAME:
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_SET_NAME: {
        sysmem1_node_set_name_request_t *r = req;

        sysmem_lc_set_name(node->lc, r->priority, r->name);
        return;
    }
    case SYSMEM_M_SYSMEM2_NODE_SET_DEBUG_CLIENT_INFO: {
        sysmem2_set_debug_client_info_request_t *r = req;

        if (!r->has_name) {
            sysmem_node_protocol_violation(core, node, "SetDebugClientInfo "
                                           "without name");
            return;
        }
        set_debug_info(node, r->name, r->has_id ? r->id : 0);
        return;
    }
    case SYSMEM_M_SYSMEM1_NODE_SET_DEBUG_CLIENT_INFO:
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_SET_DEBUG_CLIENT_INFO:
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_SET_DEBUG_CLIENT_INFO: {
        sysmem1_set_debug_client_info_request_t *r = req;

        set_debug_info(node, r->name, r->id);
        return;
    }
    case SYSMEM_M_SYSMEM2_NODE_SET_DEBUG_TIMEOUT_LOG_DEADLINE:
    case SYSMEM_M_SYSMEM1_NODE_SET_DEBUG_TIMEOUT_LOG_DEADLINE:
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_SET_DEBUG_TIMEOUT_LOG_DEADLINE:
    case SYSMEM_M_SYSMEM2_NODE_SET_VERBOSE_LOGGING:
    case SYSMEM_M_SYSMEM1_NODE_SET_VERBOSE_LOGGING:
        /* Logging only; see sysmem_core_dump for who is missing. */
        return;
    case SYSMEM_M_SYSMEM2_NODE_GET_NODE_REF:
    case SYSMEM_M_SYSMEM1_NODE_GET_NODE_REF:
        get_node_ref(core, node, p);
        return;
    case SYSMEM_M_SYSMEM2_NODE_IS_ALTERNATE_FOR:
        is_alternate_for(core, node, p,
                         ((sysmem2_node_is_alternate_for_request_t *)req)->node_ref,
                         handles);
        return;
    case SYSMEM_M_SYSMEM1_NODE_IS_ALTERNATE_FOR:
        is_alternate_for(core, node, p,
                         ((sysmem1_node_is_alternate_for_request_t *)req)->node_ref,
                         handles);
        return;
    case SYSMEM_M_SYSMEM2_NODE_GET_BUFFER_COLLECTION_ID: {
        sysmem2_node_get_buffer_collection_id_result_t r = {
            .tag = FIDL_RESULT_RESPONSE,
        };

        r.response.has_buffer_collection_id = true;
        r.response.buffer_collection_id = node->lc->id;
        sysmem_reply(core, p, &r, NULL, 0);
        return;
    }
    case SYSMEM_M_SYSMEM2_NODE_SET_WEAK:
        if ((node->kind == NODE_COLLECTION && node->constraints_set) ||
            (node->kind == NODE_GROUP && node->children_present)) {
            sysmem_node_protocol_violation(core, node, "SetWeak too late");
            return;
        }
        node->weak = true;
        node->weak_ok = true;
        return;
    case SYSMEM_M_SYSMEM2_NODE_SET_WEAK_OK: {
        sysmem2_node_set_weak_ok_request_t *r = req;

        if (node->waited) {
            sysmem_node_protocol_violation(core, node, "SetWeakOk after "
                                           "WaitForAllBuffersAllocated");
            return;
        }
        node->weak_ok = true;
        node->weak_ok_for_children = r->has_for_child_nodes_also &&
                                     r->for_child_nodes_also;
        return;
    }
    case SYSMEM_M_SYSMEM2_NODE_ATTACH_NODE_TRACKING:
        attach_node_tracking(core, node, handles, consumed,
            ((sysmem2_node_attach_node_tracking_request_t *)req)->server_end);
        return;
    default:
        break;
    }
    switch (node->kind) {
    case NODE_TOKEN:
        if (sysmem_token_dispatch(core, node, m, p, req, handles, consumed)) {
            return;
        }
        break;
    case NODE_COLLECTION:
        if (sysmem_collection_dispatch(core, node, m, p, req, handles,
                                       consumed)) {
            return;
        }
        break;
    case NODE_GROUP:
        if (sysmem_group_dispatch(core, node, m, p, req, handles, consumed)) {
            return;
        }
        break;
    }
    sysmem_node_protocol_violation(core, node, m->name);
}
