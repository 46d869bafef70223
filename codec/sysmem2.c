/*
 * Descriptors of the fuchsia.sysmem2 types and method payloads.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "sysmem/sysmem2.h"
#include "fidl-desc.h"

/* Handles (table fields are never optional) */
static FIDL_DESC_HANDLE(sysmem2_channel_type, FIDL_OBJ_TYPE_CHANNEL,
                        FIDL_DEFAULT_CHANNEL_RIGHTS, 0);
static FIDL_DESC_HANDLE(sysmem2_vmo_type, FIDL_OBJ_TYPE_VMO,
                        FIDL_RIGHT_SAME_RIGHTS, 0);
static FIDL_DESC_HANDLE(sysmem2_event_type, FIDL_OBJ_TYPE_EVENT,
                        FIDL_RIGHT_SAME_RIGHTS, 0);
static FIDL_DESC_HANDLE(sysmem2_eventpair_type, FIDL_OBJ_TYPE_EVENTPAIR,
                        FIDL_RIGHT_SAME_RIGHTS, 0);

static FIDL_DESC_STRING(sysmem2_name_string_type, SYSMEM2_MAX_NAME_LENGTH, 0);
static FIDL_DESC_STRING(sysmem2_client_name_string_type,
                        SYSMEM2_MAX_CLIENT_NAME_LENGTH, 0);
static FIDL_DESC_STRING(sysmem2_heap_type_string_type,
                        SYSMEM2_MAX_HEAP_TYPE_LENGTH, 0);

FIDL_DESC_FLEX_ENUM(sysmem2_error_type, sysmem2_error_t, 0);
FIDL_DESC_FLEX_ENUM(sysmem2_coherency_domain_type,
                    sysmem2_coherency_domain_t, 0);

/* BufferUsage */
static const fidl_field_t sysmem2_buffer_usage_fields[] = {
    FIDL_FIELD_TABLE(sysmem2_buffer_usage_t, none, 1, &fidl_uint32_type),
    FIDL_FIELD_TABLE(sysmem2_buffer_usage_t, cpu, 2, &fidl_uint32_type),
    FIDL_FIELD_TABLE(sysmem2_buffer_usage_t, vulkan, 3, &fidl_uint32_type),
    FIDL_FIELD_TABLE(sysmem2_buffer_usage_t, display, 4, &fidl_uint32_type),
    FIDL_FIELD_TABLE(sysmem2_buffer_usage_t, video, 5, &fidl_uint32_type),
};
FIDL_DESC_TABLE(sysmem2_buffer_usage_type, sysmem2_buffer_usage_t, 0,
                sysmem2_buffer_usage_fields);

/* Heap */
static const fidl_field_t sysmem2_heap_fields[] = {
    FIDL_FIELD_TABLE_STR(sysmem2_heap_t, heap_type, 1,
                         &sysmem2_heap_type_string_type),
    FIDL_FIELD_TABLE(sysmem2_heap_t, id, 2, &fidl_uint64_type),
};
FIDL_DESC_TABLE(sysmem2_heap_type, sysmem2_heap_t, 0, sysmem2_heap_fields);

/* BufferMemoryConstraints */
static FIDL_DESC_VECTOR(sysmem2_heap_vector_type, sysmem2_heap_type,
                        SYSMEM2_MAX_COUNT_BUFFER_MEMORY_CONSTRAINTS_PERMITTED_HEAPS,
                        0, 0, 8);

static const fidl_field_t sysmem2_buffer_memory_constraints_fields[] = {
#define T sysmem2_buffer_memory_constraints_t
    FIDL_FIELD_TABLE(T, min_size_bytes, 1, &fidl_uint64_type),
    FIDL_FIELD_TABLE(T, max_size_bytes, 2, &fidl_uint64_type),
    FIDL_FIELD_TABLE(T, physically_contiguous_required, 3, &fidl_bool_type),
    FIDL_FIELD_TABLE(T, secure_required, 4, &fidl_bool_type),
    FIDL_FIELD_TABLE(T, cpu_domain_supported, 5, &fidl_bool_type),
    FIDL_FIELD_TABLE(T, ram_domain_supported, 6, &fidl_bool_type),
    FIDL_FIELD_TABLE(T, inaccessible_domain_supported, 7, &fidl_bool_type),
    FIDL_FIELD_TABLE_VEC(T, permitted_heaps, 8, &sysmem2_heap_vector_type),
    FIDL_FIELD_TABLE(T, min_physical_base_alignment, 9, &fidl_uint64_type),
#undef T
};
FIDL_DESC_TABLE(sysmem2_buffer_memory_constraints_type,
                sysmem2_buffer_memory_constraints_t, 0,
                sysmem2_buffer_memory_constraints_fields);

/* PixelFormatAndModifier (struct, 16 bytes, align 8) */
static const fidl_field_t sysmem2_pixel_format_and_modifier_fields[] = {
    FIDL_FIELD_STRUCT(sysmem2_pixel_format_and_modifier_t, pixel_format, 0,
                      &images2_pixel_format_type),
    FIDL_FIELD_STRUCT(sysmem2_pixel_format_and_modifier_t,
                      pixel_format_modifier, 8,
                      &images2_pixel_format_modifier_type),
};
FIDL_DESC_STRUCT(sysmem2_pixel_format_and_modifier_type,
                 sysmem2_pixel_format_and_modifier_t, 16, 8,
                 sysmem2_pixel_format_and_modifier_fields);

/* ImageFormatConstraints */
static FIDL_DESC_VECTOR(sysmem2_color_space_vector_type,
                        images2_color_space_type,
                        SYSMEM2_MAX_COUNT_IMAGE_FORMAT_CONSTRAINTS_COLOR_SPACES,
                        0, 0, 4);
static FIDL_DESC_VECTOR(sysmem2_pixel_format_and_modifier_vector_type,
                        sysmem2_pixel_format_and_modifier_type,
                        SYSMEM2_MAX_COUNT_PIXEL_FORMAT_AND_MODIFIERS, 0, 0, 8);
static FIDL_DESC_VECTOR(sysmem2_size_u_vector_type, images2_size_u_type,
                        SYSMEM2_MAX_COUNT_REQUIRED_MAX_SIZE_LIST, 0, 0, 4);

static const fidl_field_t sysmem2_image_format_constraints_fields[] = {
#define T sysmem2_image_format_constraints_t
    FIDL_FIELD_TABLE(T, pixel_format, 1, &images2_pixel_format_type),
    FIDL_FIELD_TABLE(T, pixel_format_modifier, 2,
                     &images2_pixel_format_modifier_type),
    FIDL_FIELD_TABLE_VEC(T, color_spaces, 3, &sysmem2_color_space_vector_type),
    FIDL_FIELD_TABLE(T, min_size, 4, &images2_size_u_type),
    FIDL_FIELD_TABLE(T, max_size, 5, &images2_size_u_type),
    FIDL_FIELD_TABLE(T, min_bytes_per_row, 6, &fidl_uint32_type),
    FIDL_FIELD_TABLE(T, max_bytes_per_row, 7, &fidl_uint32_type),
    FIDL_FIELD_TABLE(T, max_width_times_height, 8, &fidl_uint64_type),
    FIDL_FIELD_TABLE(T, size_alignment, 9, &images2_size_u_type),
    FIDL_FIELD_TABLE(T, display_rect_alignment, 10, &images2_size_u_type),
    FIDL_FIELD_TABLE(T, required_min_size, 11, &images2_size_u_type),
    FIDL_FIELD_TABLE(T, required_max_size, 12, &images2_size_u_type),
    FIDL_FIELD_TABLE(T, bytes_per_row_divisor, 13, &fidl_uint32_type),
    FIDL_FIELD_TABLE(T, start_offset_divisor, 14, &fidl_uint32_type),
    FIDL_FIELD_TABLE_VEC(T, pixel_format_and_modifiers, 15,
                         &sysmem2_pixel_format_and_modifier_vector_type),
    FIDL_FIELD_TABLE(T, require_bytes_per_row_at_pixel_boundary, 16,
                     &fidl_bool_type),
    FIDL_FIELD_TABLE(T, is_alpha_present, 17, &fidl_bool_type),
    FIDL_FIELD_TABLE_VEC(T, required_max_size_list, 18,
                         &sysmem2_size_u_vector_type),
    FIDL_FIELD_TABLE(T, pad_for_block_size, 19, &images2_size_u_type),
    FIDL_FIELD_TABLE(T, pad_beyond_image_size_bytes, 20, &fidl_uint64_type),
#undef T
};
FIDL_DESC_TABLE(sysmem2_image_format_constraints_type,
                sysmem2_image_format_constraints_t, 0,
                sysmem2_image_format_constraints_fields);

/* BufferCollectionConstraints */
static FIDL_DESC_VECTOR(sysmem2_image_format_constraints_vector_type,
                        sysmem2_image_format_constraints_type,
                        SYSMEM2_MAX_COUNT_BUFFER_COLLECTION_CONSTRAINTS_IMAGE_FORMAT_CONSTRAINTS,
                        0, 0, 8);

static const fidl_field_t sysmem2_buffer_collection_constraints_fields[] = {
#define T sysmem2_buffer_collection_constraints_t
    FIDL_FIELD_TABLE(T, usage, 1, &sysmem2_buffer_usage_type),
    FIDL_FIELD_TABLE(T, min_buffer_count_for_camping, 2, &fidl_uint32_type),
    FIDL_FIELD_TABLE(T, min_buffer_count_for_dedicated_slack, 3,
                     &fidl_uint32_type),
    FIDL_FIELD_TABLE(T, min_buffer_count_for_shared_slack, 4,
                     &fidl_uint32_type),
    FIDL_FIELD_TABLE(T, min_buffer_count, 5, &fidl_uint32_type),
    FIDL_FIELD_TABLE(T, max_buffer_count, 6, &fidl_uint32_type),
    FIDL_FIELD_TABLE(T, buffer_memory_constraints, 7,
                     &sysmem2_buffer_memory_constraints_type),
    FIDL_FIELD_TABLE_VEC(T, image_format_constraints, 8,
                         &sysmem2_image_format_constraints_vector_type),
#undef T
};
FIDL_DESC_TABLE(sysmem2_buffer_collection_constraints_type,
                sysmem2_buffer_collection_constraints_t, 0,
                sysmem2_buffer_collection_constraints_fields);

/* BufferMemorySettings */
static const fidl_field_t sysmem2_buffer_memory_settings_fields[] = {
#define T sysmem2_buffer_memory_settings_t
    FIDL_FIELD_TABLE(T, size_bytes, 1, &fidl_uint64_type),
    FIDL_FIELD_TABLE(T, is_physically_contiguous, 2, &fidl_bool_type),
    FIDL_FIELD_TABLE(T, is_secure, 3, &fidl_bool_type),
    FIDL_FIELD_TABLE(T, coherency_domain, 4, &sysmem2_coherency_domain_type),
    FIDL_FIELD_TABLE(T, heap, 5, &sysmem2_heap_type),
    FIDL_FIELD_TABLE(T, raw_vmo_size, 6, &fidl_uint64_type),
#undef T
};
FIDL_DESC_TABLE(sysmem2_buffer_memory_settings_type,
                sysmem2_buffer_memory_settings_t, 0,
                sysmem2_buffer_memory_settings_fields);

/* SingleBufferSettings */
static const fidl_field_t sysmem2_single_buffer_settings_fields[] = {
    FIDL_FIELD_TABLE(sysmem2_single_buffer_settings_t, buffer_settings, 1,
                     &sysmem2_buffer_memory_settings_type),
    FIDL_FIELD_TABLE(sysmem2_single_buffer_settings_t,
                     image_format_constraints, 2,
                     &sysmem2_image_format_constraints_type),
};
FIDL_DESC_TABLE(sysmem2_single_buffer_settings_type,
                sysmem2_single_buffer_settings_t, 0,
                sysmem2_single_buffer_settings_fields);

/* VmoBuffer (resource) */
static const fidl_field_t sysmem2_vmo_buffer_fields[] = {
    FIDL_FIELD_TABLE(sysmem2_vmo_buffer_t, vmo, 1, &sysmem2_vmo_type),
    FIDL_FIELD_TABLE(sysmem2_vmo_buffer_t, vmo_usable_start, 2,
                     &fidl_uint64_type),
    FIDL_FIELD_TABLE(sysmem2_vmo_buffer_t, close_weak_asap, 3,
                     &sysmem2_eventpair_type),
};
FIDL_DESC_TABLE(sysmem2_vmo_buffer_type, sysmem2_vmo_buffer_t,
                FIDL_TF_RESOURCE, sysmem2_vmo_buffer_fields);

/* BufferCollectionInfo (resource) */
static FIDL_DESC_VECTOR(sysmem2_vmo_buffer_vector_type, sysmem2_vmo_buffer_type,
                        SYSMEM2_MAX_COUNT_BUFFER_COLLECTION_INFO_BUFFERS,
                        0, 0, 8);

static const fidl_field_t sysmem2_buffer_collection_info_fields[] = {
    FIDL_FIELD_TABLE(sysmem2_buffer_collection_info_t, settings, 1,
                     &sysmem2_single_buffer_settings_type),
    FIDL_FIELD_TABLE_VEC(sysmem2_buffer_collection_info_t, buffers, 2,
                         &sysmem2_vmo_buffer_vector_type),
    FIDL_FIELD_TABLE(sysmem2_buffer_collection_info_t, buffer_collection_id, 3,
                     &fidl_uint64_type),
};
FIDL_DESC_TABLE(sysmem2_buffer_collection_info_type,
                sysmem2_buffer_collection_info_t, FIDL_TF_RESOURCE,
                sysmem2_buffer_collection_info_fields);

/* ---------------------------------------------------------------------- */
/* Method payloads                                                         */

#define ONE_FIELD_TABLE(var, ctype, flg, member, ftype) \
    static const fidl_field_t var##_fields[] = { \
        FIDL_FIELD_TABLE(ctype, member, 1, &(ftype)), \
    }; \
    FIDL_DESC_TABLE(var, ctype, flg, var##_fields)

ONE_FIELD_TABLE(sysmem2_allocator_allocate_non_shared_collection_request_type,
                sysmem2_allocator_allocate_non_shared_collection_request_t,
                FIDL_TF_RESOURCE, collection_request, sysmem2_channel_type);
ONE_FIELD_TABLE(sysmem2_allocator_allocate_shared_collection_request_type,
                sysmem2_allocator_allocate_shared_collection_request_t,
                FIDL_TF_RESOURCE, token_request, sysmem2_channel_type);

static const fidl_field_t sysmem2_allocator_bind_shared_collection_request_fields[] = {
    FIDL_FIELD_TABLE(sysmem2_allocator_bind_shared_collection_request_t,
                     token, 1, &sysmem2_channel_type),
    FIDL_FIELD_TABLE(sysmem2_allocator_bind_shared_collection_request_t,
                     buffer_collection_request, 2, &sysmem2_channel_type),
};
FIDL_DESC_TABLE(sysmem2_allocator_bind_shared_collection_request_type,
                sysmem2_allocator_bind_shared_collection_request_t,
                FIDL_TF_RESOURCE,
                sysmem2_allocator_bind_shared_collection_request_fields);

ONE_FIELD_TABLE(sysmem2_allocator_validate_buffer_collection_token_request_type,
                sysmem2_allocator_validate_buffer_collection_token_request_t,
                0, token_server_koid, fidl_uint64_type);
ONE_FIELD_TABLE(sysmem2_allocator_validate_buffer_collection_token_response_type,
                sysmem2_allocator_validate_buffer_collection_token_response_t,
                0, is_known, fidl_bool_type);
FIDL_DESC_RESULT_NOERR(sysmem2_allocator_validate_buffer_collection_token_result_type,
                       sysmem2_allocator_validate_buffer_collection_token_result_t,
                       sysmem2_allocator_validate_buffer_collection_token_response_type);

static const fidl_field_t sysmem2_set_debug_client_info_request_fields[] = {
    FIDL_FIELD_TABLE_STR(sysmem2_set_debug_client_info_request_t, name, 1,
                         &sysmem2_client_name_string_type),
    FIDL_FIELD_TABLE(sysmem2_set_debug_client_info_request_t, id, 2,
                     &fidl_uint64_type),
};
FIDL_DESC_TABLE(sysmem2_set_debug_client_info_request_type,
                sysmem2_set_debug_client_info_request_t, 0,
                sysmem2_set_debug_client_info_request_fields);

ONE_FIELD_TABLE(sysmem2_allocator_get_vmo_info_request_type,
                sysmem2_allocator_get_vmo_info_request_t,
                FIDL_TF_RESOURCE, vmo, sysmem2_vmo_type);

static const fidl_field_t sysmem2_allocator_get_vmo_info_response_fields[] = {
    FIDL_FIELD_TABLE(sysmem2_allocator_get_vmo_info_response_t,
                     buffer_collection_id, 1, &fidl_uint64_type),
    FIDL_FIELD_TABLE(sysmem2_allocator_get_vmo_info_response_t,
                     buffer_index, 2, &fidl_uint64_type),
    FIDL_FIELD_TABLE(sysmem2_allocator_get_vmo_info_response_t,
                     close_weak_asap, 3, &sysmem2_eventpair_type),
};
FIDL_DESC_TABLE(sysmem2_allocator_get_vmo_info_response_type,
                sysmem2_allocator_get_vmo_info_response_t, FIDL_TF_RESOURCE,
                sysmem2_allocator_get_vmo_info_response_fields);
FIDL_DESC_RESULT(sysmem2_allocator_get_vmo_info_result_type,
                 sysmem2_allocator_get_vmo_info_result_t,
                 sysmem2_allocator_get_vmo_info_response_type,
                 sysmem2_error_type);

/* Node */
FIDL_DESC_RESULT_NOERR(sysmem2_node_sync_result_type,
                       sysmem2_node_sync_result_t, fidl_empty_struct_type);

static const fidl_field_t sysmem2_node_set_name_request_fields[] = {
    FIDL_FIELD_TABLE(sysmem2_node_set_name_request_t, priority, 1,
                     &fidl_uint32_type),
    FIDL_FIELD_TABLE_STR(sysmem2_node_set_name_request_t, name, 2,
                         &sysmem2_name_string_type),
};
FIDL_DESC_TABLE(sysmem2_node_set_name_request_type,
                sysmem2_node_set_name_request_t, 0,
                sysmem2_node_set_name_request_fields);

ONE_FIELD_TABLE(sysmem2_node_set_debug_timeout_log_deadline_request_type,
                sysmem2_node_set_debug_timeout_log_deadline_request_t,
                0, deadline, fidl_int64_type);
ONE_FIELD_TABLE(sysmem2_node_get_node_ref_response_type,
                sysmem2_node_get_node_ref_response_t,
                FIDL_TF_RESOURCE, node_ref, sysmem2_event_type);
FIDL_DESC_RESULT_NOERR(sysmem2_node_get_node_ref_result_type,
                       sysmem2_node_get_node_ref_result_t,
                       sysmem2_node_get_node_ref_response_type);
ONE_FIELD_TABLE(sysmem2_node_is_alternate_for_request_type,
                sysmem2_node_is_alternate_for_request_t,
                FIDL_TF_RESOURCE, node_ref, sysmem2_event_type);
ONE_FIELD_TABLE(sysmem2_node_is_alternate_for_response_type,
                sysmem2_node_is_alternate_for_response_t,
                0, is_alternate, fidl_bool_type);
FIDL_DESC_RESULT(sysmem2_node_is_alternate_for_result_type,
                 sysmem2_node_is_alternate_for_result_t,
                 sysmem2_node_is_alternate_for_response_type,
                 sysmem2_error_type);
ONE_FIELD_TABLE(sysmem2_node_get_buffer_collection_id_response_type,
                sysmem2_node_get_buffer_collection_id_response_t,
                0, buffer_collection_id, fidl_uint64_type);
FIDL_DESC_RESULT_NOERR(sysmem2_node_get_buffer_collection_id_result_type,
                       sysmem2_node_get_buffer_collection_id_result_t,
                       sysmem2_node_get_buffer_collection_id_response_type);
ONE_FIELD_TABLE(sysmem2_node_set_weak_ok_request_type,
                sysmem2_node_set_weak_ok_request_t,
                0, for_child_nodes_also, fidl_bool_type);
ONE_FIELD_TABLE(sysmem2_node_attach_node_tracking_request_type,
                sysmem2_node_attach_node_tracking_request_t,
                FIDL_TF_RESOURCE, server_end, sysmem2_eventpair_type);

/* BufferCollectionToken */
static FIDL_DESC_VECTOR(sysmem2_rights_vector_type, fidl_uint32_type,
                        SYSMEM2_MAX_COUNT_DUPLICATES, 0, 0, 4);
static FIDL_DESC_VECTOR(sysmem2_token_vector_type, sysmem2_channel_type,
                        SYSMEM2_MAX_COUNT_DUPLICATES, 0, 0, 4);

static const fidl_field_t sysmem2_buffer_collection_token_duplicate_sync_request_fields[] = {
    FIDL_FIELD_TABLE_VEC(sysmem2_buffer_collection_token_duplicate_sync_request_t,
                         rights_attenuation_masks, 1,
                         &sysmem2_rights_vector_type),
};
FIDL_DESC_TABLE(sysmem2_buffer_collection_token_duplicate_sync_request_type,
                sysmem2_buffer_collection_token_duplicate_sync_request_t, 0,
                sysmem2_buffer_collection_token_duplicate_sync_request_fields);

static const fidl_field_t sysmem2_buffer_collection_token_duplicate_sync_response_fields[] = {
    FIDL_FIELD_TABLE_VEC(sysmem2_buffer_collection_token_duplicate_sync_response_t,
                         tokens, 1, &sysmem2_token_vector_type),
};
FIDL_DESC_TABLE(sysmem2_buffer_collection_token_duplicate_sync_response_type,
                sysmem2_buffer_collection_token_duplicate_sync_response_t,
                FIDL_TF_RESOURCE,
                sysmem2_buffer_collection_token_duplicate_sync_response_fields);
FIDL_DESC_RESULT_NOERR(sysmem2_buffer_collection_token_duplicate_sync_result_type,
                       sysmem2_buffer_collection_token_duplicate_sync_result_t,
                       sysmem2_buffer_collection_token_duplicate_sync_response_type);

static const fidl_field_t sysmem2_buffer_collection_token_duplicate_request_fields[] = {
    FIDL_FIELD_TABLE(sysmem2_buffer_collection_token_duplicate_request_t,
                     rights_attenuation_mask, 1, &fidl_uint32_type),
    FIDL_FIELD_TABLE(sysmem2_buffer_collection_token_duplicate_request_t,
                     token_request, 2, &sysmem2_channel_type),
};
FIDL_DESC_TABLE(sysmem2_buffer_collection_token_duplicate_request_type,
                sysmem2_buffer_collection_token_duplicate_request_t,
                FIDL_TF_RESOURCE,
                sysmem2_buffer_collection_token_duplicate_request_fields);

ONE_FIELD_TABLE(sysmem2_buffer_collection_token_create_buffer_collection_token_group_request_type,
                sysmem2_buffer_collection_token_create_buffer_collection_token_group_request_t,
                FIDL_TF_RESOURCE, group_request, sysmem2_channel_type);

/* BufferCollection */
ONE_FIELD_TABLE(sysmem2_buffer_collection_set_constraints_request_type,
                sysmem2_buffer_collection_set_constraints_request_t,
                0, constraints, sysmem2_buffer_collection_constraints_type);
ONE_FIELD_TABLE(sysmem2_buffer_collection_wait_for_all_buffers_allocated_response_type,
                sysmem2_buffer_collection_wait_for_all_buffers_allocated_response_t,
                FIDL_TF_RESOURCE, buffer_collection_info,
                sysmem2_buffer_collection_info_type);
FIDL_DESC_RESULT(sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_type,
                 sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t,
                 sysmem2_buffer_collection_wait_for_all_buffers_allocated_response_type,
                 sysmem2_error_type);
FIDL_DESC_RESULT(sysmem2_buffer_collection_check_all_buffers_allocated_result_type,
                 sysmem2_buffer_collection_check_all_buffers_allocated_result_t,
                 fidl_empty_struct_type, sysmem2_error_type);

static const fidl_field_t sysmem2_buffer_collection_attach_token_request_fields[] = {
    FIDL_FIELD_TABLE(sysmem2_buffer_collection_attach_token_request_t,
                     rights_attenuation_mask, 1, &fidl_uint32_type),
    FIDL_FIELD_TABLE(sysmem2_buffer_collection_attach_token_request_t,
                     token_request, 2, &sysmem2_channel_type),
};
FIDL_DESC_TABLE(sysmem2_buffer_collection_attach_token_request_type,
                sysmem2_buffer_collection_attach_token_request_t,
                FIDL_TF_RESOURCE,
                sysmem2_buffer_collection_attach_token_request_fields);

static const fidl_field_t sysmem2_buffer_collection_attach_lifetime_tracking_request_fields[] = {
    FIDL_FIELD_TABLE(sysmem2_buffer_collection_attach_lifetime_tracking_request_t,
                     server_end, 1, &sysmem2_eventpair_type),
    FIDL_FIELD_TABLE(sysmem2_buffer_collection_attach_lifetime_tracking_request_t,
                     buffers_remaining, 2, &fidl_uint32_type),
};
FIDL_DESC_TABLE(sysmem2_buffer_collection_attach_lifetime_tracking_request_type,
                sysmem2_buffer_collection_attach_lifetime_tracking_request_t,
                FIDL_TF_RESOURCE,
                sysmem2_buffer_collection_attach_lifetime_tracking_request_fields);

/* BufferCollectionTokenGroup */
static const fidl_field_t sysmem2_buffer_collection_token_group_create_child_request_fields[] = {
    FIDL_FIELD_TABLE(sysmem2_buffer_collection_token_group_create_child_request_t,
                     token_request, 1, &sysmem2_channel_type),
    FIDL_FIELD_TABLE(sysmem2_buffer_collection_token_group_create_child_request_t,
                     rights_attenuation_mask, 2, &fidl_uint32_type),
};
FIDL_DESC_TABLE(sysmem2_buffer_collection_token_group_create_child_request_type,
                sysmem2_buffer_collection_token_group_create_child_request_t,
                FIDL_TF_RESOURCE,
                sysmem2_buffer_collection_token_group_create_child_request_fields);
