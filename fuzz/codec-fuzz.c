/*
 * libFuzzer target for the FIDL decoder.
 *
 * Input: [selector][handle count][one byte per handle][message bytes].
 * The selector picks one sysmem body type to decode, or (past the end of
 * the type list) decodes the bytes as a whole transactional message of
 * whatever sysmem method its header names, as request and as reply.
 * Whatever decodes must re-encode, and decode again to the same C value.
 *
 * Selectors 0x80 + i instead take the bytes as a raw C value of type i and
 * encode it: the encoder must cope with any C value a buggy caller could
 * hand it, and whatever it does encode must decode.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sysmem/fidl.h"
#include "sysmem/methods.h"

static const fidl_type_t *const fuzz_types[] = {
    &sysmem2_buffer_collection_constraints_type,
    &sysmem2_buffer_collection_info_type,
    &sysmem2_image_format_constraints_type,
    &sysmem2_buffer_memory_constraints_type,
    &sysmem2_single_buffer_settings_type,
    &sysmem2_vmo_buffer_type,
    &sysmem2_heap_type,
    &sysmem2_buffer_usage_type,
    &sysmem2_buffer_collection_set_constraints_request_type,
    &sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_type,
    &sysmem2_buffer_collection_check_all_buffers_allocated_result_type,
    &sysmem2_buffer_collection_token_duplicate_sync_request_type,
    &sysmem2_buffer_collection_token_duplicate_sync_result_type,
    &sysmem2_node_set_name_request_type,
    &sysmem2_set_debug_client_info_request_type,
    &sysmem2_node_is_alternate_for_result_type,
    &sysmem2_allocator_get_vmo_info_result_type,
    &sysmem2_allocator_bind_shared_collection_request_type,
    &sysmem2_buffer_collection_token_group_create_child_request_type,
    &sysmem2_node_sync_result_type,
    &sysmem1_buffer_collection_set_constraints_request_type,
    &sysmem1_buffer_collection_wait_for_buffers_allocated_response_type,
    &sysmem1_set_debug_client_info_request_type,
    &sysmem1_node_set_name_request_type,
    &sysmem1_duplicate_sync_request_type,
    &sysmem1_duplicate_sync_response_type,
    &sysmem1_node_is_alternate_for_result_type,
    &sysmem1_buffer_collection_token_group_create_child_request_type,
    &sysmem1_image_format_2_type,
    &fidl_empty_struct_type,
};

#define NTYPES (sizeof(fuzz_types) / sizeof(fuzz_types[0]))
#define CBUF (256 * 1024)

static _Alignas(16) uint8_t c1[CBUF];
static _Alignas(16) uint8_t c2[CBUF];
static uint8_t wire[FIDL_MAX_MSG_BYTES];

static const uint32_t obj_types[] = {
    FIDL_OBJ_TYPE_NONE, FIDL_OBJ_TYPE_CHANNEL, FIDL_OBJ_TYPE_VMO,
    FIDL_OBJ_TYPE_EVENT, FIDL_OBJ_TYPE_EVENTPAIR,
};

static void round_trip(const fidl_type_t *t)
{
    fidl_handle_info_t h[FIDL_MAX_MSG_HANDLES];
    uint32_t n, nh;
    int r;

    r = fidl_encode(t, c1, wire, sizeof(wire), &n, h, FIDL_MAX_MSG_HANDLES,
                    &nh);
    if (r == FIDL_ERR_UNKNOWN_UNION_TAG) {
        return;     /* a decoded unknown flexible member cannot be sent */
    }
    if (r != FIDL_OK) {
        abort();
    }
    if (fidl_decode(t, wire, n, h, nh, c2) != FIDL_OK) {
        abort();
    }
    if (memcmp(c1, c2, t->c_size) != 0) {
        abort();
    }
}

static void decode_body(const fidl_type_t *t, const uint8_t *b, uint32_t n,
                        fidl_handle_info_t *h, uint32_t nh)
{
    /* exact-size copy: ASan flags any read past the end */
    uint8_t *copy = malloc(n ? n : 1);

    memcpy(copy, b, n);
    if (t->c_size <= CBUF &&
        fidl_decode(t, copy, n, h, nh, c1) == FIDL_OK) {
        if (fidl_decode(t, copy, n, h, nh, NULL) != FIDL_OK) {
            abort();
        }
        round_trip(t);
    }
    free(copy);
}

static void encode_raw(const fidl_type_t *t, const uint8_t *b, size_t n)
{
    fidl_handle_info_t h[FIDL_MAX_MSG_HANDLES];
    uint32_t wn, nh;

    if (t->c_size > CBUF) {
        return;
    }
    memset(c1, 0, t->c_size);
    memcpy(c1, b, n < t->c_size ? n : t->c_size);
    if (fidl_encode(t, c1, wire, sizeof(wire), &wn, h, FIDL_MAX_MSG_HANDLES,
                    &nh) != FIDL_OK) {
        return;
    }
    if (fidl_decode(t, wire, wn, h, nh, c2) != FIDL_OK) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fidl_handle_info_t h[FIDL_MAX_MSG_HANDLES];
    fidl_message_header_t hdr;
    uint32_t nh, i, sel;

    if (size < 2 || size > FIDL_MAX_MSG_BYTES + 2 + FIDL_MAX_MSG_HANDLES) {
        return 0;
    }
    sel = data[0];
    nh = data[1] % (FIDL_MAX_MSG_HANDLES + 1);
    data += 2;
    size -= 2;
    if (size < nh) {
        return 0;
    }
    for (i = 0; i < nh; i++) {
        h[i].handle = 0x100 + i;
        h[i].type = obj_types[data[i] % 5];
        h[i].rights = (data[i] & 0x80) ? FIDL_RIGHT_SAME_RIGHTS
                                        : 0xffffu * (data[i] & 1);
        h[i].flags = 0;
    }
    data += nh;
    size -= nh;

    if (sel < NTYPES) {
        decode_body(fuzz_types[sel], data, (uint32_t)size, h, nh);
        return 0;
    }
    if (sel >= 0x80 && sel < 0x80 + NTYPES) {
        encode_raw(fuzz_types[sel - 0x80], data, size);
        return 0;
    }
    if (fidl_header_decode(data, (uint32_t)size, &hdr) == FIDL_OK) {
        const sysmem_method_t *m = sysmem_method_lookup(0, hdr.ordinal);

        if (m) {
            (void)sysmem_decode_request(m, data, (uint32_t)size, h, nh, NULL,
                                        c1);
            (void)sysmem_decode_reply(m, data, (uint32_t)size, h, nh, NULL,
                                      c1);
            if (m->request) {
                decode_body(m->request, data + 16, (uint32_t)size - 16, h,
                            nh);
            }
            if (m->response) {
                decode_body(m->response, data + 16, (uint32_t)size - 16, h,
                            nh);
            }
        }
    }
    (void)fidl_decode_epitaph(data, (uint32_t)size, NULL);
    return 0;
}
