/*
 * BufferCollection: SetConstraints, WaitForAllBuffersAllocated (a hanging
 * get), CheckAllBuffersAllocated, AttachToken, AttachLifetimeTracking, and
 * the per-participant copy of the allocation result.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "hw/sysmem/core-internal.h"

#define VMO_RIGHTS (FIDL_RIGHTS_BASIC | FIDL_RIGHT_READ | FIDL_RIGHT_WRITE | \
                    FIDL_RIGHT_GET_PROPERTY | FIDL_RIGHT_SET_PROPERTY | \
                    FIDL_RIGHT_MAP)

static void set_constraints(SysmemCore *core, SysmemNode *node,
                            const SysmemConstraints *in, bool v1_has,
                            const sysmem1_buffer_collection_constraints_t *v1in)
{
    g_autoptr(GString) why = g_string_new(NULL);
    g_autoptr(SysmemConstraints) tmp = NULL;
    sysmem2_error_t err;

    if (node->constraints_set) {
        sysmem_node_protocol_violation(core, node, "second SetConstraints");
        return;
    }
    node->constraints_set = true;
    node->constraints = sysmem_constraints_new0();
    if (v1in) {
        tmp = sysmem_constraints_new0();
        err = sysmem_v1_constraints_to_v2(v1in, v1_has, tmp, why);
        in = tmp;
    } else {
        err = 0;
    }
    if (!err) {
        err = sysmem_constraints_sanitize(in, node->constraints, why);
    }
    if (err) {
        sysmem_constraints_free(node->constraints);
        node->constraints = NULL;
        node->constraints_error = err;
        node->constraints_why = g_strdup(why->str);
        sysmem_log(core, G_LOG_LEVEL_INFO, "collection %" G_GUINT64_FORMAT
                   ": participant '%s' set unusable constraints: %s",
                   node->lc->id, sysmem_node_name(node), why->str);
    }
    sysmem_lc_update(core, node->lc);
}

void sysmem_collection_deliver(SysmemCore *core, SysmemNode *node,
                               const SysmemPending *p)
{
    SysmemLogicalCollection *lc = node->lc;
    SysmemHandle h[FIDL_MAX_MSG_HANDLES];
    uint32_t rights = VMO_RIGHTS & node->rights_mask, i, nh = 0;
    uint32_t vmo_idx[SYSMEM_MAX_BUFFERS] = { 0 }, weak_idx[SYSMEM_MAX_BUFFERS] = { 0 };
    bool vmos = node->constraints &&
                !sysmem_usage_is_none_only(&node->constraints->usage);
    /*
     * Weak v2 participants also get a close_weak_asap per buffer, if the
     * handles fit in one message -- even without usage, and so without
     * buffer handles (Fuchsia: SetWeak_NoUsage_HasCloseWeakAsap).
     */
    bool weak = node->weak && !node->v1;
    bool weak_events = weak &&
                       (vmos ? 2 : 1) * lc->buffer_count <= FIDL_MAX_MSG_HANDLES;

    if (!node->constraints || !sysmem_usage_writes(&node->constraints->usage)) {
        rights &= ~FIDL_RIGHT_WRITE;
    }
    for (i = 0; i < lc->buffer_count; i++) {
        /*
         * A buffer whose last strong holder is gone has no handle and no
         * close_weak_asap any more (Fuchsia: Weak_SetWeak_SparseBufferSet).
         */
        if (!lc->buffers[i]) {
            continue;
        }
        if (vmos) {
            if (!sysmem_make_buffer_handle(core, lc->buffers[i], rights, weak,
                                           &h[nh])) {
                goto fail;
            }
            vmo_idx[i] = ++nh;
        }
        if (weak_events) {
            if (!sysmem_make_weak_tracker(core, lc->buffers[i], &h[nh])) {
                goto fail;
            }
            weak_idx[i] = ++nh;
        }
    }
    if (node->v1) {
        g_autofree sysmem1_buffer_collection_wait_for_buffers_allocated_response_t *r =
            g_new0(sysmem1_buffer_collection_wait_for_buffers_allocated_response_t, 1);

        r->status = 0;
        r->buffer_collection_info.buffer_count = lc->buffer_count;
        sysmem_v1_info_from_v2(lc->settings, &r->buffer_collection_info.settings);
        for (i = 0; i < lc->buffer_count; i++) {
            r->buffer_collection_info.buffers[i].vmo = vmo_idx[i];
        }
        sysmem_reply(core, p, r, h, nh);
    } else {
        g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t *r =
            g_new0(sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t, 1);
        sysmem2_buffer_collection_info_t *info =
            &r->response.buffer_collection_info;

        r->tag = FIDL_RESULT_RESPONSE;
        r->response.has_buffer_collection_info = true;
        info->has_settings = true;
        info->settings = *lc->settings;
        info->has_buffers = true;
        info->buffers_count = lc->buffer_count;
        for (i = 0; i < lc->buffer_count; i++) {
            info->buffers[i].has_vmo_usable_start = true;
            info->buffers[i].vmo_usable_start = 0;
            if (vmo_idx[i]) {
                info->buffers[i].has_vmo = true;
                info->buffers[i].vmo = vmo_idx[i];
            }
            if (weak_idx[i]) {
                info->buffers[i].has_close_weak_asap = true;
                info->buffers[i].close_weak_asap = weak_idx[i];
            }
        }
        info->has_buffer_collection_id = true;
        info->buffer_collection_id = lc->id;
        sysmem_reply(core, p, r, h, nh);
    }
    return;

fail:
    /* Out of object ids: undo and leave the call unanswered. */
    while (nh) {
        SysmemHandle *x = &h[--nh];

        if (x->kind == SYSMEM_HANDLE_BUFFER) {
            sysmem_core_buffer_release(core, x->id);
        } else {
            sysmem_tracker_drop(core, sysmem_object_lookup(core, x->id));
        }
    }
    sysmem_reply_none(core, p);
}

static void wait_allocated(SysmemCore *core, SysmemNode *node,
                           const SysmemPending *p)
{
    SysmemPending *q;

    if (!node->constraints_set && !node->v1) {
        sysmem_node_protocol_violation(core, node, "WaitForAllBuffersAllocated "
                                       "before SetConstraints");
        return;
    }
    if (node->weak && !node->weak_ok) {
        sysmem_node_protocol_violation(core, node, "weak collection without "
                                       "SetWeakOk");
        return;
    }
    node->waited = true;
    if (node->logically_allocated) {
        sysmem_collection_deliver(core, node, p);
        return;
    }
    q = g_new(SysmemPending, 1);
    *q = *p;
    g_queue_push_tail(&node->waits, q);
    sysmem_reply_queued(core, p);
}

static void check_allocated(SysmemCore *core, SysmemNode *node,
                            const SysmemPending *p)
{
    if (node->v1) {
        sysmem1_buffer_collection_check_buffers_allocated_response_t r = {
            .status = node->logically_allocated ? 0 : FIDL_ZX_ERR_UNAVAILABLE,
        };
        sysmem_reply(core, p, &r, NULL, 0);
    } else {
        sysmem2_buffer_collection_check_all_buffers_allocated_result_t r = {
            .tag = FIDL_RESULT_RESPONSE,
        };

        if (!node->logically_allocated) {
            r.tag = FIDL_RESULT_ERR;
            r.err = SYSMEM2_ERROR_PENDING;
        }
        sysmem_reply(core, p, &r, NULL, 0);
    }
}

static void attach_token(SysmemCore *core, SysmemNode *node, uint32_t mask,
                         fidl_handle_t req, const SysmemHandle *handles,
                         bool *consumed, bool v1)
{
    uint32_t id;
    SysmemNode *child;

    if (!mask) {
        sysmem_node_protocol_violation(core, node, "AttachToken with rights "
                                       "mask 0");
        return;
    }
    if (node->weak) {
        sysmem_node_protocol_violation(core, node, "AttachToken on a weak "
                                       "collection");
        return;
    }
    if (!sysmem_node_room(core, node, 1)) {
        return;
    }
    id = sysmem_take_server_end(core, handles, consumed, req);
    if (!id) {
        sysmem_node_protocol_violation(core, node, "AttachToken without a "
                                       "usable token_request");
        return;
    }
    child = sysmem_node_new_child(core, node, NODE_TOKEN, id, mask, v1);
    child->mode = MODE_DO_NOT_PROPAGATE;
    g_free(child->debug_name);
    child->debug_name = g_strdup_printf("%s then AttachToken()",
                                        sysmem_node_name(node));
}

static void attach_lifetime_tracking(SysmemCore *core, SysmemNode *node,
                                     fidl_handle_t h, uint32_t remaining,
                                     const SysmemHandle *handles, bool *consumed)
{
    SysmemLogicalCollection *lc = node->lc;
    SysmemObject *t;

    if (!h || handles[h - 1].kind != SYSMEM_HANDLE_EVENTPAIR ||
        !sysmem_id_available(core, handles[h - 1].id)) {
        sysmem_node_protocol_violation(core, node, "AttachLifetimeTracking "
                                       "without a usable server_end");
        return;
    }
    consumed[h - 1] = true;
    t = sysmem_object_new(core, handles[h - 1].id, OBJ_TRACKER);
    t->tracker = TRACK_LIFETIME;
    t->buffers_remaining = remaining;
    if (node->logically_allocated) {
        sysmem_lifetime_activate(core, lc, t);
    } else {
        /* Queued until this node's logical allocation. */
        t->node = node;
        g_ptr_array_add(node->lifetime_pending, t);
    }
}

bool sysmem_collection_dispatch(SysmemCore *core, SysmemNode *node,
                                const sysmem_method_t *m,
                                const SysmemPending *p, void *req,
                                const SysmemHandle *handles, bool *consumed)
{
    switch (m->id) {
    case SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS: {
        sysmem2_buffer_collection_set_constraints_request_t *r = req;

        set_constraints(core, node, r->has_constraints ? &r->constraints : NULL,
                        false, NULL);
        return true;
    }
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_SET_CONSTRAINTS: {
        sysmem1_buffer_collection_set_constraints_request_t *r = req;

        set_constraints(core, node, NULL, r->has_constraints, &r->constraints);
        return true;
    }
    case SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED:
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_WAIT_FOR_BUFFERS_ALLOCATED:
        wait_allocated(core, node, p);
        return true;
    case SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_CHECK_ALL_BUFFERS_ALLOCATED:
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_CHECK_BUFFERS_ALLOCATED:
        check_allocated(core, node, p);
        return true;
    case SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_ATTACH_TOKEN: {
        sysmem2_buffer_collection_attach_token_request_t *r = req;

        if (!r->has_rights_attenuation_mask || !r->has_token_request) {
            sysmem_node_protocol_violation(core, node, "AttachToken without "
                                           "mask or token_request");
            return true;
        }
        attach_token(core, node, r->rights_attenuation_mask, r->token_request,
                     handles, consumed, false);
        return true;
    }
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_ATTACH_TOKEN: {
        sysmem1_buffer_collection_attach_token_request_t *r = req;

        attach_token(core, node, r->rights_attenuation_mask, r->token_request,
                     handles, consumed, true);
        return true;
    }
    case SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_ATTACH_LIFETIME_TRACKING: {
        sysmem2_buffer_collection_attach_lifetime_tracking_request_t *r = req;

        if (!r->has_server_end || !r->has_buffers_remaining) {
            sysmem_node_protocol_violation(core, node, "AttachLifetimeTracking "
                                           "without server_end or "
                                           "buffers_remaining");
            return true;
        }
        attach_lifetime_tracking(core, node, r->server_end,
                                 r->buffers_remaining, handles, consumed);
        return true;
    }
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_ATTACH_LIFETIME_TRACKING: {
        sysmem1_buffer_collection_attach_lifetime_tracking_request_t *r = req;

        attach_lifetime_tracking(core, node, r->server_end,
                                 r->buffers_remaining, handles, consumed);
        return true;
    }
    default:
        return false;
    }
}
