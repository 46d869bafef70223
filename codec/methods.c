/*
 * The sysmem method table and request/reply helpers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "sysmem/methods.h"

#define TW   SYSMEM_METHOD_TWO_WAY
#define FLEX SYSMEM_METHOD_FLEXIBLE
#define ERR  SYSMEM_METHOD_HAS_ERROR
#define RES  SYSMEM_METHOD_RESULT_UNION
#define LEG  SYSMEM_METHOD_LEGACY

#define M(nm, mname, protos, flg, req, resp) \
    { .ordinal = nm##_ORDINAL, .id = SYSMEM_M_##nm, .protocols = (protos), \
      .flags = (flg), .selector = nm##_SELECTOR, .name = mname, .request = (req), .response = (resp) }

/* sysmem2: every method is flexible; two-way replies are result unions. */
#define V2_ONE_WAY(nm, mname, protos, req) M(nm, mname, protos, FLEX, req, NULL)
#define V2_TWO_WAY(nm, mname, protos, req, result) \
    M(nm, mname, protos, FLEX | TW | RES, req, &(result))
#define V2_TWO_WAY_ERR(nm, mname, protos, req, result) \
    M(nm, mname, protos, FLEX | TW | RES | ERR, req, &(result))

#define A2 SYSMEM_PROTO_V2_ALLOCATOR
#define N2 SYSMEM_PROTO_V2_NODES
#define T2 SYSMEM_PROTO_V2_TOKEN
#define C2 SYSMEM_PROTO_V2_COLLECTION
#define G2 SYSMEM_PROTO_V2_GROUP
#define A1 SYSMEM_PROTO_V1_ALLOCATOR
#define N1 SYSMEM_PROTO_V1_NODES
#define T1 SYSMEM_PROTO_V1_TOKEN
#define C1 SYSMEM_PROTO_V1_COLLECTION
#define G1 SYSMEM_PROTO_V1_GROUP

static const sysmem_method_t sysmem_method_table[] = {
    /* fuchsia.sysmem2/Allocator */
    V2_ONE_WAY(SYSMEM2_ALLOCATOR_ALLOCATE_NON_SHARED_COLLECTION,
               "AllocateNonSharedCollection", A2,
               &sysmem2_allocator_allocate_non_shared_collection_request_type),
    V2_ONE_WAY(SYSMEM2_ALLOCATOR_ALLOCATE_SHARED_COLLECTION,
               "AllocateSharedCollection", A2,
               &sysmem2_allocator_allocate_shared_collection_request_type),
    V2_ONE_WAY(SYSMEM2_ALLOCATOR_BIND_SHARED_COLLECTION,
               "BindSharedCollection", A2,
               &sysmem2_allocator_bind_shared_collection_request_type),
    V2_TWO_WAY(SYSMEM2_ALLOCATOR_VALIDATE_BUFFER_COLLECTION_TOKEN,
               "ValidateBufferCollectionToken", A2,
               &sysmem2_allocator_validate_buffer_collection_token_request_type,
               sysmem2_allocator_validate_buffer_collection_token_result_type),
    V2_ONE_WAY(SYSMEM2_ALLOCATOR_SET_DEBUG_CLIENT_INFO,
               "SetDebugClientInfo", A2,
               &sysmem2_set_debug_client_info_request_type),
    V2_TWO_WAY_ERR(SYSMEM2_ALLOCATOR_GET_VMO_INFO, "GetVmoInfo", A2,
                   &sysmem2_allocator_get_vmo_info_request_type,
                   sysmem2_allocator_get_vmo_info_result_type),

    /* fuchsia.sysmem2/Node, composed into token, collection and group */
    V2_TWO_WAY(SYSMEM2_NODE_SYNC, "Sync", N2, NULL,
               sysmem2_node_sync_result_type),
    V2_ONE_WAY(SYSMEM2_NODE_RELEASE, "Release", N2, NULL),
    V2_ONE_WAY(SYSMEM2_NODE_SET_NAME, "SetName", N2,
               &sysmem2_node_set_name_request_type),
    V2_ONE_WAY(SYSMEM2_NODE_SET_DEBUG_CLIENT_INFO, "SetDebugClientInfo", N2,
               &sysmem2_set_debug_client_info_request_type),
    V2_ONE_WAY(SYSMEM2_NODE_SET_DEBUG_TIMEOUT_LOG_DEADLINE,
               "SetDebugTimeoutLogDeadline", N2,
               &sysmem2_node_set_debug_timeout_log_deadline_request_type),
    V2_ONE_WAY(SYSMEM2_NODE_SET_VERBOSE_LOGGING, "SetVerboseLogging", N2,
               NULL),
    V2_TWO_WAY(SYSMEM2_NODE_GET_NODE_REF, "GetNodeRef", N2, NULL,
               sysmem2_node_get_node_ref_result_type),
    V2_TWO_WAY_ERR(SYSMEM2_NODE_IS_ALTERNATE_FOR, "IsAlternateFor", N2,
                   &sysmem2_node_is_alternate_for_request_type,
                   sysmem2_node_is_alternate_for_result_type),
    V2_TWO_WAY(SYSMEM2_NODE_GET_BUFFER_COLLECTION_ID,
               "GetBufferCollectionId", N2, NULL,
               sysmem2_node_get_buffer_collection_id_result_type),
    V2_ONE_WAY(SYSMEM2_NODE_SET_WEAK, "SetWeak", N2, NULL),
    V2_ONE_WAY(SYSMEM2_NODE_SET_WEAK_OK, "SetWeakOk", N2,
               &sysmem2_node_set_weak_ok_request_type),
    V2_ONE_WAY(SYSMEM2_NODE_ATTACH_NODE_TRACKING, "AttachNodeTracking", N2,
               &sysmem2_node_attach_node_tracking_request_type),

    /* fuchsia.sysmem2/BufferCollectionToken */
    V2_TWO_WAY(SYSMEM2_BUFFER_COLLECTION_TOKEN_DUPLICATE_SYNC,
               "DuplicateSync", T2,
               &sysmem2_buffer_collection_token_duplicate_sync_request_type,
               sysmem2_buffer_collection_token_duplicate_sync_result_type),
    V2_ONE_WAY(SYSMEM2_BUFFER_COLLECTION_TOKEN_DUPLICATE, "Duplicate", T2,
               &sysmem2_buffer_collection_token_duplicate_request_type),
    V2_ONE_WAY(SYSMEM2_BUFFER_COLLECTION_TOKEN_SET_DISPENSABLE,
               "SetDispensable", T2, NULL),
    V2_ONE_WAY(SYSMEM2_BUFFER_COLLECTION_TOKEN_CREATE_BUFFER_COLLECTION_TOKEN_GROUP,
               "CreateBufferCollectionTokenGroup", T2,
               &sysmem2_buffer_collection_token_create_buffer_collection_token_group_request_type),

    /* fuchsia.sysmem2/BufferCollection */
    V2_ONE_WAY(SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS, "SetConstraints", C2,
               &sysmem2_buffer_collection_set_constraints_request_type),
    V2_TWO_WAY_ERR(SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED,
                   "WaitForAllBuffersAllocated", C2, NULL,
                   sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_type),
    V2_TWO_WAY_ERR(SYSMEM2_BUFFER_COLLECTION_CHECK_ALL_BUFFERS_ALLOCATED,
                   "CheckAllBuffersAllocated", C2, NULL,
                   sysmem2_buffer_collection_check_all_buffers_allocated_result_type),
    V2_ONE_WAY(SYSMEM2_BUFFER_COLLECTION_ATTACH_TOKEN, "AttachToken", C2,
               &sysmem2_buffer_collection_attach_token_request_type),
    V2_ONE_WAY(SYSMEM2_BUFFER_COLLECTION_ATTACH_LIFETIME_TRACKING,
               "AttachLifetimeTracking", C2,
               &sysmem2_buffer_collection_attach_lifetime_tracking_request_type),

    /* fuchsia.sysmem2/BufferCollectionTokenGroup */
    V2_ONE_WAY(SYSMEM2_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILD,
               "CreateChild", G2,
               &sysmem2_buffer_collection_token_group_create_child_request_type),
    V2_TWO_WAY(SYSMEM2_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILDREN_SYNC,
               "CreateChildrenSync", G2,
               &sysmem2_buffer_collection_token_duplicate_sync_request_type,
               sysmem2_buffer_collection_token_duplicate_sync_result_type),
    V2_ONE_WAY(SYSMEM2_BUFFER_COLLECTION_TOKEN_GROUP_ALL_CHILDREN_PRESENT,
               "AllChildrenPresent", G2, NULL),

    /* fuchsia.sysmem/Allocator (v1: strict, closed, struct payloads) */
    M(SYSMEM1_ALLOCATOR_ALLOCATE_NON_SHARED_COLLECTION,
      "AllocateNonSharedCollection", A1, 0,
      &sysmem1_allocator_allocate_non_shared_collection_request_type, NULL),
    M(SYSMEM1_ALLOCATOR_ALLOCATE_SHARED_COLLECTION,
      "AllocateSharedCollection", A1, 0,
      &sysmem1_allocator_allocate_shared_collection_request_type, NULL),
    M(SYSMEM1_ALLOCATOR_BIND_SHARED_COLLECTION, "BindSharedCollection", A1, 0,
      &sysmem1_allocator_bind_shared_collection_request_type, NULL),
    M(SYSMEM1_ALLOCATOR_VALIDATE_BUFFER_COLLECTION_TOKEN,
      "ValidateBufferCollectionToken", A1, TW,
      &sysmem1_allocator_validate_buffer_collection_token_request_type,
      &sysmem1_allocator_validate_buffer_collection_token_response_type),
    M(SYSMEM1_ALLOCATOR_SET_DEBUG_CLIENT_INFO, "SetDebugClientInfo", A1, 0,
      &sysmem1_set_debug_client_info_request_type, NULL),
    M(SYSMEM1_ALLOCATOR_CONNECT_TO_SYSMEM2_ALLOCATOR,
      "ConnectToSysmem2Allocator", A1, 0,
      &sysmem1_allocator_connect_to_sysmem2_allocator_request_type, NULL),

    /* fuchsia.sysmem/Node */
    M(SYSMEM1_NODE_SYNC, "Sync", N1, TW, NULL, NULL),
    M(SYSMEM1_NODE_CLOSE, "Close", N1, 0, NULL, NULL),
    M(SYSMEM1_NODE_SET_NAME, "SetName", N1, 0,
      &sysmem1_node_set_name_request_type, NULL),
    M(SYSMEM1_NODE_SET_DEBUG_CLIENT_INFO, "SetDebugClientInfo", N1, 0,
      &sysmem1_set_debug_client_info_request_type, NULL),
    M(SYSMEM1_NODE_SET_DEBUG_TIMEOUT_LOG_DEADLINE,
      "SetDebugTimeoutLogDeadline", N1, 0,
      &sysmem1_node_set_debug_timeout_log_deadline_request_type, NULL),
    M(SYSMEM1_NODE_SET_VERBOSE_LOGGING, "SetVerboseLogging", N1, 0,
      NULL, NULL),
    M(SYSMEM1_NODE_GET_NODE_REF, "GetNodeRef", N1, TW, NULL,
      &sysmem1_node_get_node_ref_response_type),
    M(SYSMEM1_NODE_IS_ALTERNATE_FOR, "IsAlternateFor", N1, TW | RES | ERR,
      &sysmem1_node_is_alternate_for_request_type,
      &sysmem1_node_is_alternate_for_result_type),

    /* fuchsia.sysmem/BufferCollectionToken */
    M(SYSMEM1_BUFFER_COLLECTION_TOKEN_DUPLICATE_SYNC, "DuplicateSync", T1, TW,
      &sysmem1_duplicate_sync_request_type,
      &sysmem1_duplicate_sync_response_type),
    M(SYSMEM1_BUFFER_COLLECTION_TOKEN_DUPLICATE, "Duplicate", T1, 0,
      &sysmem1_buffer_collection_token_duplicate_request_type, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_TOKEN_SET_DISPENSABLE, "SetDispensable", T1, 0,
      NULL, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_TOKEN_CREATE_BUFFER_COLLECTION_TOKEN_GROUP,
      "CreateBufferCollectionTokenGroup", T1, 0,
      &sysmem1_buffer_collection_token_create_buffer_collection_token_group_request_type,
      NULL),

    /* fuchsia.sysmem/BufferCollection */
    M(SYSMEM1_BUFFER_COLLECTION_SET_CONSTRAINTS, "SetConstraints", C1, 0,
      &sysmem1_buffer_collection_set_constraints_request_type, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_WAIT_FOR_BUFFERS_ALLOCATED,
      "WaitForBuffersAllocated", C1, TW, NULL,
      &sysmem1_buffer_collection_wait_for_buffers_allocated_response_type),
    M(SYSMEM1_BUFFER_COLLECTION_CHECK_BUFFERS_ALLOCATED,
      "CheckBuffersAllocated", C1, TW, NULL,
      &sysmem1_buffer_collection_check_buffers_allocated_response_type),
    M(SYSMEM1_BUFFER_COLLECTION_ATTACH_TOKEN, "AttachToken", C1, 0,
      &sysmem1_buffer_collection_attach_token_request_type, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_ATTACH_LIFETIME_TRACKING,
      "AttachLifetimeTracking", C1, 0,
      &sysmem1_buffer_collection_attach_lifetime_tracking_request_type, NULL),

    /* fuchsia.sysmem/BufferCollectionTokenGroup */
    M(SYSMEM1_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILD, "CreateChild", G1, 0,
      &sysmem1_buffer_collection_token_group_create_child_request_type, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILDREN_SYNC,
      "CreateChildrenSync", G1, TW,
      &sysmem1_duplicate_sync_request_type,
      &sysmem1_duplicate_sync_response_type),
    M(SYSMEM1_BUFFER_COLLECTION_TOKEN_GROUP_ALL_CHILDREN_PRESENT,
      "AllChildrenPresent", G1, 0, NULL, NULL),

    /* fuchsia.sysmem before API level 9 */
    M(SYSMEM1_BUFFER_COLLECTION_TOKEN_SYNC, "Sync", T1, TW | LEG, NULL, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_TOKEN_CLOSE, "Close", T1, LEG, NULL, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_TOKEN_SET_NAME, "SetName", T1, LEG,
      &sysmem1_node_set_name_request_type, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_TOKEN_SET_DEBUG_CLIENT_INFO,
      "SetDebugClientInfo", T1, LEG,
      &sysmem1_set_debug_client_info_request_type, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_TOKEN_SET_DEBUG_TIMEOUT_LOG_DEADLINE,
      "SetDebugTimeoutLogDeadline", T1, LEG,
      &sysmem1_node_set_debug_timeout_log_deadline_request_type, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_SYNC, "Sync", C1, TW | LEG, NULL, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_CLOSE, "Close", C1, LEG, NULL, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_SET_NAME, "SetName", C1, LEG,
      &sysmem1_node_set_name_request_type, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_SET_DEBUG_CLIENT_INFO, "SetDebugClientInfo",
      C1, LEG, &sysmem1_set_debug_client_info_request_type, NULL),
    M(SYSMEM1_BUFFER_COLLECTION_SET_CONSTRAINTS_AUX_BUFFERS,
      "SetConstraintsAuxBuffers", C1, LEG,
      &sysmem1_buffer_collection_set_constraints_aux_buffers_request_type,
      NULL),
    M(SYSMEM1_BUFFER_COLLECTION_GET_AUX_BUFFERS, "GetAuxBuffers", C1,
      TW | LEG, NULL,
      &sysmem1_buffer_collection_wait_for_buffers_allocated_response_type),
};

_Static_assert(FIDL_COUNT_OF(sysmem_method_table) == SYSMEM_M_COUNT_,
               "every selector needs a method table entry");

const sysmem_method_t *const sysmem_methods_base = sysmem_method_table;
const uint32_t sysmem_method_count = FIDL_COUNT_OF(sysmem_method_table);

const sysmem_method_t *sysmem_method_by_id(uint32_t id)
{
    uint32_t i;

    for (i = 0; i < FIDL_COUNT_OF(sysmem_method_table); i++) {
        if (sysmem_method_table[i].id == id) {
            return &sysmem_method_table[i];
        }
    }
    return NULL;
}

const sysmem_method_t *sysmem_method_lookup(uint32_t protocol,
                                            uint64_t ordinal)
{
    uint32_t i;

    for (i = 0; i < FIDL_COUNT_OF(sysmem_method_table); i++) {
        const sysmem_method_t *m = &sysmem_method_table[i];

        if (m->ordinal == ordinal &&
            (protocol == 0 || (m->protocols & protocol))) {
            return m;
        }
    }
    return NULL;
}

const char *sysmem_method_selector(const sysmem_method_t *m)
{
    return m ? m->selector : NULL;
}

int sysmem_decode_request(const sysmem_method_t *m, const uint8_t *bytes,
                          uint32_t n, fidl_handle_info_t *handles,
                          uint32_t nh, fidl_message_header_t *hdr, void *out)
{
    fidl_message_header_t h;
    int r;

    if (!m) {
        return FIDL_ERR_INVALID_ARGS;
    }
    r = fidl_header_decode(bytes, n, &h);
    if (r) {
        return r;
    }
    if (hdr) {
        *hdr = h;
    }
    if (h.ordinal != m->ordinal) {
        return FIDL_ERR_UNEXPECTED_ORDINAL;
    }
    r = fidl_header_check_txid(&h, (m->flags & SYSMEM_METHOD_TWO_WAY) != 0);
    if (r) {
        return r;
    }
    return fidl_decode_msg(m->request, bytes, n, handles, nh, NULL,
                           m->request ? out : NULL);
}

int sysmem_decode_reply(const sysmem_method_t *m, const uint8_t *bytes,
                        uint32_t n, fidl_handle_info_t *handles, uint32_t nh,
                        fidl_message_header_t *hdr, void *out)
{
    fidl_message_header_t h;
    int r;

    if (!m || !(m->flags & SYSMEM_METHOD_TWO_WAY)) {
        return FIDL_ERR_INVALID_ARGS;
    }
    r = fidl_header_decode(bytes, n, &h);
    if (r) {
        return r;
    }
    if (hdr) {
        *hdr = h;
    }
    if (h.ordinal != m->ordinal) {
        return FIDL_ERR_UNEXPECTED_ORDINAL;
    }
    if (h.txid == 0) {
        return FIDL_ERR_INVALID_TXID;
    }
    return fidl_decode_msg(m->response, bytes, n, handles, nh, NULL,
                           m->response ? out : NULL);
}

static int sysmem_encode(const sysmem_method_t *m, uint32_t txid,
                         const fidl_type_t *type, const void *in,
                         uint8_t *bytes, uint32_t cap, uint32_t *n,
                         fidl_handle_info_t *handles, uint32_t hcap,
                         uint32_t *nh)
{
    fidl_message_header_t hdr;

    fidl_header_init(&hdr, txid, m->ordinal,
                     (m->flags & SYSMEM_METHOD_FLEXIBLE) != 0);
    if (type && !in) {
        return FIDL_ERR_INVALID_ARGS;
    }
    return fidl_encode_msg(&hdr, type, in, bytes, cap, n, handles, hcap, nh);
}

int sysmem_encode_reply(const sysmem_method_t *m, uint32_t txid,
                        const void *response, uint8_t *bytes, uint32_t cap,
                        uint32_t *n, fidl_handle_info_t *handles,
                        uint32_t hcap, uint32_t *nh)
{
    if (!m || !(m->flags & SYSMEM_METHOD_TWO_WAY) || txid == 0) {
        return FIDL_ERR_INVALID_ARGS;
    }
    return sysmem_encode(m, txid, m->response, response, bytes, cap, n,
                         handles, hcap, nh);
}

int sysmem_encode_request(const sysmem_method_t *m, uint32_t txid,
                          const void *request, uint8_t *bytes, uint32_t cap,
                          uint32_t *n, fidl_handle_info_t *handles,
                          uint32_t hcap, uint32_t *nh)
{
    if (!m || ((m->flags & SYSMEM_METHOD_TWO_WAY) ? txid == 0 : txid != 0)) {
        return FIDL_ERR_INVALID_ARGS;
    }
    return sysmem_encode(m, txid, m->request, request, bytes, cap, n,
                         handles, hcap, nh);
}
