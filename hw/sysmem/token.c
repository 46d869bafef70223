/*
 * BufferCollectionToken: Duplicate, DuplicateSync, SetDispensable,
 * CreateBufferCollectionTokenGroup (fuchsia.sysmem2 and v1).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "hw/sysmem/core-internal.h"

void sysmem_create_tokens_sync(SysmemCore *core, SysmemNode *parent,
                               const SysmemPending *p, const uint32_t *masks,
                               uint32_t count, bool v1)
{
    SysmemHandle h[FIDL_MAX_MSG_HANDLES];
    uint32_t i;

    for (i = 0; i < count; i++) {
        if (!masks[i]) {
            sysmem_node_protocol_violation(core, parent, "rights mask 0");
            return;
        }
    }
    if (!sysmem_node_room(core, parent, count)) {
        sysmem_reply_none(core, p);
        return;
    }
    for (i = 0; i < count; i++) {
        uint32_t id = sysmem_new_device_id(core);

        if (!id) {
            sysmem_node_protocol_violation(core, parent, "out of object ids");
            return;
        }
        sysmem_node_new_child(core, parent, NODE_TOKEN, id, masks[i], v1);
        h[i] = (SysmemHandle) { .kind = SYSMEM_HANDLE_CHANNEL_CLIENT, .id = id,
                                .rights = FIDL_DEFAULT_CHANNEL_RIGHTS };
    }
    if (v1) {
        g_autofree sysmem1_duplicate_sync_response_t *r =
            g_new0(sysmem1_duplicate_sync_response_t, 1);

        r->tokens_count = count;
        for (i = 0; i < count; i++) {
            r->tokens[i] = i + 1;
        }
        sysmem_reply(core, p, r, h, count);
    } else {
        g_autofree sysmem2_buffer_collection_token_duplicate_sync_result_t *r =
            g_new0(sysmem2_buffer_collection_token_duplicate_sync_result_t, 1);

        r->tag = FIDL_RESULT_RESPONSE;
        r->response.has_tokens = true;
        r->response.tokens_count = count;
        for (i = 0; i < count; i++) {
            r->response.tokens[i] = i + 1;
        }
        sysmem_reply(core, p, r, h, count);
    }
}

static void duplicate(SysmemCore *core, SysmemNode *node, uint32_t mask,
                      fidl_handle_t req, const SysmemHandle *handles,
                      bool *consumed, bool v1)
{
    uint32_t id;

    if (!sysmem_node_room(core, node, 1)) {
        return;
    }
    id = sysmem_take_server_end(core, handles, consumed, req);
    if (!id) {
        sysmem_node_protocol_violation(core, node, "Duplicate without a "
                                       "usable token_request");
        return;
    }
    /* Mask 0 is deprecated and means SAME_RIGHTS for Duplicate. */
    sysmem_node_new_child(core, node, NODE_TOKEN, id,
                          mask ? mask : FIDL_RIGHT_SAME_RIGHTS, v1);
}

static void create_group(SysmemCore *core, SysmemNode *node, fidl_handle_t req,
                         const SysmemHandle *handles, bool *consumed, bool v1)
{
    uint32_t id;

    if (!sysmem_node_room(core, node, 1)) {
        return;
    }
    id = sysmem_take_server_end(core, handles, consumed, req);
    if (!id) {
        sysmem_node_protocol_violation(core, node, "CreateBufferCollection"
                                       "TokenGroup without group_request");
        return;
    }
    sysmem_node_new_child(core, node, NODE_GROUP, id, FIDL_RIGHT_SAME_RIGHTS,
                          v1);
}

bool sysmem_token_dispatch(SysmemCore *core, SysmemNode *node,
                           const sysmem_method_t *m, const SysmemPending *p,
                           void *req, const SysmemHandle *handles,
                           bool *consumed)
{
    switch (m->id) {
    case SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_DUPLICATE_SYNC: {
        sysmem2_buffer_collection_token_duplicate_sync_request_t *r = req;

        if (!r->has_rights_attenuation_masks) {
            sysmem_node_protocol_violation(core, node, "DuplicateSync without "
                                           "rights_attenuation_masks");
            return true;
        }
        sysmem_create_tokens_sync(core, node, p, r->rights_attenuation_masks,
                                  r->rights_attenuation_masks_count, false);
        return true;
    }
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_DUPLICATE_SYNC: {
        sysmem1_duplicate_sync_request_t *r = req;

        sysmem_create_tokens_sync(core, node, p, r->rights_attenuation_masks,
                                  r->rights_attenuation_masks_count, true);
        return true;
    }
    case SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_DUPLICATE: {
        sysmem2_buffer_collection_token_duplicate_request_t *r = req;

        if (!r->has_rights_attenuation_mask || !r->has_token_request) {
            sysmem_node_protocol_violation(core, node, "Duplicate without "
                                           "rights_attenuation_mask or "
                                           "token_request");
            return true;
        }
        duplicate(core, node, r->rights_attenuation_mask, r->token_request,
                  handles, consumed, false);
        return true;
    }
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_DUPLICATE: {
        sysmem1_buffer_collection_token_duplicate_request_t *r = req;

        duplicate(core, node, r->rights_attenuation_mask, r->token_request,
                  handles, consumed, true);
        return true;
    }
    case SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_SET_DISPENSABLE:
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_SET_DISPENSABLE:
        if (node->mode == MODE_PROPAGATE) {
            node->mode = MODE_PROPAGATE_BEFORE_ALLOCATION;
        }
        return true;
    case SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_CREATE_BUFFER_COLLECTION_TOKEN_GROUP: {
        sysmem2_buffer_collection_token_create_buffer_collection_token_group_request_t *r = req;

        if (!r->has_group_request) {
            sysmem_node_protocol_violation(core, node, "CreateBufferCollection"
                                           "TokenGroup without group_request");
            return true;
        }
        create_group(core, node, r->group_request, handles, consumed, false);
        return true;
    }
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_CREATE_BUFFER_COLLECTION_TOKEN_GROUP: {
        sysmem1_buffer_collection_token_create_buffer_collection_token_group_request_t *r = req;

        create_group(core, node, r->group_request, handles, consumed, true);
        return true;
    }
    default:
        return false;
    }
}
