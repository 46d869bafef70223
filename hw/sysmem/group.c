/*
 * BufferCollectionTokenGroup: CreateChild, CreateChildrenSync,
 * AllChildrenPresent.  Child selection happens at allocation time
 * (logical-collection.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "hw/sysmem/core-internal.h"

static void create_child(SysmemCore *core, SysmemNode *group, bool has_req,
                         fidl_handle_t req, bool has_mask, uint32_t mask,
                         const SysmemHandle *handles, bool *consumed, bool v1)
{
    uint32_t id;

    if (group->children_present) {
        sysmem_node_protocol_violation(core, group, "CreateChild after "
                                       "AllChildrenPresent");
        return;
    }
    if (!sysmem_node_room(core, group, 1)) {
        return;
    }
    if (has_mask && !mask) {
        sysmem_node_protocol_violation(core, group, "CreateChild with "
                                       "rights mask 0");
        return;
    }
    id = has_req ? sysmem_take_server_end(core, handles, consumed, req) : 0;
    if (!id) {
        sysmem_node_protocol_violation(core, group, "CreateChild without a "
                                       "usable token_request");
        return;
    }
    sysmem_node_new_child(core, group, NODE_TOKEN, id,
                          has_mask ? mask : FIDL_RIGHT_SAME_RIGHTS, v1);
}

bool sysmem_group_dispatch(SysmemCore *core, SysmemNode *node,
                           const sysmem_method_t *m, const SysmemPending *p,
                           void *req, const SysmemHandle *handles,
                           bool *consumed)
{
    switch (m->id) {
    case SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILD: {
        sysmem2_buffer_collection_token_group_create_child_request_t *r = req;

        create_child(core, node, r->has_token_request, r->token_request,
                     r->has_rights_attenuation_mask, r->rights_attenuation_mask,
                     handles, consumed, false);
        return true;
    }
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILD: {
        sysmem1_buffer_collection_token_group_create_child_request_t *r = req;

        create_child(core, node, r->has_token_request, r->token_request,
                     r->has_rights_attenuation_mask, r->rights_attenuation_mask,
                     handles, consumed, true);
        return true;
    }
    case SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILDREN_SYNC: {
        sysmem2_buffer_collection_token_group_create_children_sync_request_t *r = req;

        if (node->children_present || !r->has_rights_attenuation_masks) {
            sysmem_node_protocol_violation(core, node, "bad CreateChildrenSync");
            return true;
        }
        sysmem_create_tokens_sync(core, node, p, r->rights_attenuation_masks,
                                  r->rights_attenuation_masks_count, false);
        return true;
    }
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILDREN_SYNC: {
        sysmem1_duplicate_sync_request_t *r = req;

        if (node->children_present) {
            sysmem_node_protocol_violation(core, node, "bad CreateChildrenSync");
            return true;
        }
        sysmem_create_tokens_sync(core, node, p, r->rights_attenuation_masks,
                                  r->rights_attenuation_masks_count, true);
        return true;
    }
    case SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_TOKEN_GROUP_ALL_CHILDREN_PRESENT:
    case SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_GROUP_ALL_CHILDREN_PRESENT:
        if (node->children_present || !node->children->len) {
            sysmem_node_protocol_violation(core, node, node->children_present ?
                                           "second AllChildrenPresent" :
                                           "AllChildrenPresent without children");
            return true;
        }
        node->children_present = true;
        sysmem_lc_update(core, node->lc);
        return true;
    default:
        return false;
    }
}
