/*
 * Descriptors of the fuchsia.sysmem (v1) types and method payloads.
 * Wire offsets are the FIDL struct layout; the C structs in sysmem-v1.h
 * mirror it, which the assertions below keep honest.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "sysmem/sysmem-v1.h"
#include "fidl-desc.h"

/*
 * Where uint64_t is 8-aligned inside structs (every 64-bit ABI), the C
 * structs are the wire layout.  Elsewhere (i386) they are smaller, which
 * only matters to code that copies them raw; the codec goes by offsetof.
 */
struct sysmem1_u64_probe {
    char c;
    uint64_t v;
};
#define V1_U64_ALIGNED_8 (offsetof(struct sysmem1_u64_probe, v) == 8)
#define V1_WIRE_MATCHES_C(ctype, size) \
    _Static_assert(!V1_U64_ALIGNED_8 || sizeof(ctype) == (size), \
                   #ctype " differs from its wire size")

V1_WIRE_MATCHES_C(sysmem1_buffer_usage_t, SYSMEM1_BUFFER_USAGE_WIRE_SIZE);
V1_WIRE_MATCHES_C(sysmem1_pixel_format_t, SYSMEM1_PIXEL_FORMAT_WIRE_SIZE);
V1_WIRE_MATCHES_C(sysmem1_image_format_constraints_t,
                  SYSMEM1_IMAGE_FORMAT_CONSTRAINTS_WIRE_SIZE);
V1_WIRE_MATCHES_C(sysmem1_buffer_memory_constraints_t,
                  SYSMEM1_BUFFER_MEMORY_CONSTRAINTS_WIRE_SIZE);
V1_WIRE_MATCHES_C(sysmem1_buffer_collection_constraints_t,
                  SYSMEM1_BUFFER_COLLECTION_CONSTRAINTS_WIRE_SIZE);
V1_WIRE_MATCHES_C(sysmem1_buffer_memory_settings_t,
                  SYSMEM1_BUFFER_MEMORY_SETTINGS_WIRE_SIZE);
V1_WIRE_MATCHES_C(sysmem1_single_buffer_settings_t,
                  SYSMEM1_SINGLE_BUFFER_SETTINGS_WIRE_SIZE);
V1_WIRE_MATCHES_C(sysmem1_vmo_buffer_t, SYSMEM1_VMO_BUFFER_WIRE_SIZE);
V1_WIRE_MATCHES_C(sysmem1_buffer_collection_info_2_t,
                  SYSMEM1_BUFFER_COLLECTION_INFO_2_WIRE_SIZE);
V1_WIRE_MATCHES_C(sysmem1_image_format_2_t, SYSMEM1_IMAGE_FORMAT_2_WIRE_SIZE);

/* Handles */
static FIDL_DESC_HANDLE(sysmem1_channel_type, FIDL_OBJ_TYPE_CHANNEL,
                        FIDL_DEFAULT_CHANNEL_RIGHTS, 0);
static FIDL_DESC_HANDLE(sysmem1_optional_vmo_type, FIDL_OBJ_TYPE_VMO,
                        FIDL_RIGHT_SAME_RIGHTS, FIDL_TF_NULLABLE);
static FIDL_DESC_HANDLE(sysmem1_event_type, FIDL_OBJ_TYPE_EVENT,
                        FIDL_RIGHT_SAME_RIGHTS, 0);
static FIDL_DESC_HANDLE(sysmem1_eventpair_type, FIDL_OBJ_TYPE_EVENTPAIR,
                        FIDL_RIGHT_SAME_RIGHTS, 0);

static FIDL_DESC_STRING(sysmem1_name_string_type, SYSMEM1_MAX_NAME_LENGTH, 0);

/* Enums */
static const uint64_t sysmem1_heap_type_values[] = {
    SYSMEM1_HEAP_TYPE_SYSTEM_RAM,
    SYSMEM1_HEAP_TYPE_AMLOGIC_SECURE,
    SYSMEM1_HEAP_TYPE_AMLOGIC_SECURE_VDEC,
    SYSMEM1_HEAP_TYPE_GOLDFISH_DEVICE_LOCAL,
    SYSMEM1_HEAP_TYPE_GOLDFISH_HOST_VISIBLE,
    SYSMEM1_HEAP_TYPE_FRAMEBUFFER,
};
FIDL_DESC_ENUM(sysmem1_heap_type_type, sysmem1_heap_type_t, FIDL_TF_STRICT,
               sysmem1_heap_type_values);

static const uint64_t sysmem1_pixel_format_type_values[] = {
    0, 1, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113,
    114, 115, 116, SYSMEM1_PIXEL_FORMAT_TYPE_DO_NOT_CARE,
};
FIDL_DESC_ENUM(sysmem1_pixel_format_type_type, sysmem1_pixel_format_type_t,
               FIDL_TF_STRICT, sysmem1_pixel_format_type_values);

static const uint64_t sysmem1_color_space_type_values[] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, SYSMEM1_COLOR_SPACE_TYPE_DO_NOT_CARE,
};
FIDL_DESC_ENUM(sysmem1_color_space_type_type, sysmem1_color_space_type_t,
               FIDL_TF_STRICT, sysmem1_color_space_type_values);

static const uint64_t sysmem1_coherency_domain_values[] = { 0, 1, 2 };
FIDL_DESC_ENUM(sysmem1_coherency_domain_type, sysmem1_coherency_domain_t,
               FIDL_TF_STRICT, sysmem1_coherency_domain_values);

/* Structs */
static const fidl_field_t sysmem1_buffer_usage_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_buffer_usage_t, none, 0, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(sysmem1_buffer_usage_t, cpu, 4, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(sysmem1_buffer_usage_t, vulkan, 8, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(sysmem1_buffer_usage_t, display, 12, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(sysmem1_buffer_usage_t, video, 16, &fidl_uint32_type),
};
FIDL_DESC_STRUCT(sysmem1_buffer_usage_type, sysmem1_buffer_usage_t,
                 SYSMEM1_BUFFER_USAGE_WIRE_SIZE, 4, sysmem1_buffer_usage_fields);

static const fidl_field_t sysmem1_format_modifier_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_format_modifier_t, value, 0, &fidl_uint64_type),
};
FIDL_DESC_STRUCT(sysmem1_format_modifier_type, sysmem1_format_modifier_t,
                 SYSMEM1_FORMAT_MODIFIER_WIRE_SIZE, 8,
                 sysmem1_format_modifier_fields);

static const fidl_field_t sysmem1_pixel_format_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_pixel_format_t, type, 0,
                      &sysmem1_pixel_format_type_type),
    FIDL_FIELD_STRUCT(sysmem1_pixel_format_t, has_format_modifier, 4,
                      &fidl_bool_type),
    FIDL_FIELD_STRUCT(sysmem1_pixel_format_t, format_modifier, 8,
                      &sysmem1_format_modifier_type),
};
FIDL_DESC_STRUCT(sysmem1_pixel_format_type, sysmem1_pixel_format_t,
                 SYSMEM1_PIXEL_FORMAT_WIRE_SIZE, 8, sysmem1_pixel_format_fields);

static const fidl_field_t sysmem1_color_space_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_color_space_t, type, 0,
                      &sysmem1_color_space_type_type),
};
FIDL_DESC_STRUCT(sysmem1_color_space_type, sysmem1_color_space_t,
                 SYSMEM1_COLOR_SPACE_WIRE_SIZE, 4, sysmem1_color_space_fields);

static FIDL_DESC_ARRAY(sysmem1_color_space_array_type, sysmem1_color_space_type,
                       SYSMEM1_MAX_COUNT_IMAGE_FORMAT_CONSTRAINTS_COLOR_SPACES,
                       SYSMEM1_COLOR_SPACE_WIRE_SIZE, 4, sysmem1_color_space_t);

static const fidl_field_t sysmem1_image_format_constraints_fields[] = {
#define T sysmem1_image_format_constraints_t
#define U32(name, off) FIDL_FIELD_STRUCT(T, name, off, &fidl_uint32_type)
    FIDL_FIELD_STRUCT(T, pixel_format, 0, &sysmem1_pixel_format_type),
    U32(color_spaces_count, 16),
    FIDL_FIELD_STRUCT(T, color_space, 20, &sysmem1_color_space_array_type),
    U32(min_coded_width, 148),
    U32(max_coded_width, 152),
    U32(min_coded_height, 156),
    U32(max_coded_height, 160),
    U32(min_bytes_per_row, 164),
    U32(max_bytes_per_row, 168),
    U32(max_coded_width_times_coded_height, 172),
    U32(layers, 176),
    U32(coded_width_divisor, 180),
    U32(coded_height_divisor, 184),
    U32(bytes_per_row_divisor, 188),
    U32(start_offset_divisor, 192),
    U32(display_width_divisor, 196),
    U32(display_height_divisor, 200),
    U32(required_min_coded_width, 204),
    U32(required_max_coded_width, 208),
    U32(required_min_coded_height, 212),
    U32(required_max_coded_height, 216),
    U32(required_min_bytes_per_row, 220),
    U32(required_max_bytes_per_row, 224),
#undef U32
#undef T
};
FIDL_DESC_STRUCT(sysmem1_image_format_constraints_type,
                 sysmem1_image_format_constraints_t,
                 SYSMEM1_IMAGE_FORMAT_CONSTRAINTS_WIRE_SIZE, 8,
                 sysmem1_image_format_constraints_fields);

static FIDL_DESC_ARRAY(sysmem1_heap_array_type, sysmem1_heap_type_type,
                       SYSMEM1_MAX_COUNT_BUFFER_MEMORY_CONSTRAINTS_HEAP_PERMITTED,
                       8, 8, sysmem1_heap_type_t);

static const fidl_field_t sysmem1_buffer_memory_constraints_fields[] = {
#define T sysmem1_buffer_memory_constraints_t
    FIDL_FIELD_STRUCT(T, min_size_bytes, 0, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, max_size_bytes, 4, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, physically_contiguous_required, 8, &fidl_bool_type),
    FIDL_FIELD_STRUCT(T, secure_required, 9, &fidl_bool_type),
    FIDL_FIELD_STRUCT(T, ram_domain_supported, 10, &fidl_bool_type),
    FIDL_FIELD_STRUCT(T, cpu_domain_supported, 11, &fidl_bool_type),
    FIDL_FIELD_STRUCT(T, inaccessible_domain_supported, 12, &fidl_bool_type),
    FIDL_FIELD_STRUCT(T, heap_permitted_count, 16, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, heap_permitted, 24, &sysmem1_heap_array_type),
#undef T
};
FIDL_DESC_STRUCT(sysmem1_buffer_memory_constraints_type,
                 sysmem1_buffer_memory_constraints_t,
                 SYSMEM1_BUFFER_MEMORY_CONSTRAINTS_WIRE_SIZE, 8,
                 sysmem1_buffer_memory_constraints_fields);

static FIDL_DESC_ARRAY(sysmem1_image_format_constraints_array_type,
                       sysmem1_image_format_constraints_type,
                       SYSMEM1_MAX_COUNT_BUFFER_COLLECTION_CONSTRAINTS_IMAGE_FORMAT_CONSTRAINTS,
                       SYSMEM1_IMAGE_FORMAT_CONSTRAINTS_WIRE_SIZE, 8,
                       sysmem1_image_format_constraints_t);

static const fidl_field_t sysmem1_buffer_collection_constraints_fields[] = {
#define T sysmem1_buffer_collection_constraints_t
    FIDL_FIELD_STRUCT(T, usage, 0, &sysmem1_buffer_usage_type),
    FIDL_FIELD_STRUCT(T, min_buffer_count_for_camping, 20, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, min_buffer_count_for_dedicated_slack, 24,
                      &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, min_buffer_count_for_shared_slack, 28,
                      &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, min_buffer_count, 32, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, max_buffer_count, 36, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, has_buffer_memory_constraints, 40, &fidl_bool_type),
    FIDL_FIELD_STRUCT(T, buffer_memory_constraints, 48,
                      &sysmem1_buffer_memory_constraints_type),
    FIDL_FIELD_STRUCT(T, image_format_constraints_count, 328,
                      &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, image_format_constraints, 336,
                      &sysmem1_image_format_constraints_array_type),
#undef T
};
FIDL_DESC_STRUCT(sysmem1_buffer_collection_constraints_type,
                 sysmem1_buffer_collection_constraints_t,
                 SYSMEM1_BUFFER_COLLECTION_CONSTRAINTS_WIRE_SIZE, 8,
                 sysmem1_buffer_collection_constraints_fields);

static const fidl_field_t sysmem1_buffer_collection_constraints_aux_buffers_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_buffer_collection_constraints_aux_buffers_t,
                      need_clear_aux_buffers_for_secure, 0, &fidl_bool_type),
    FIDL_FIELD_STRUCT(sysmem1_buffer_collection_constraints_aux_buffers_t,
                      allow_clear_aux_buffers_for_secure, 1, &fidl_bool_type),
};
FIDL_DESC_STRUCT(sysmem1_buffer_collection_constraints_aux_buffers_type,
                 sysmem1_buffer_collection_constraints_aux_buffers_t,
                 SYSMEM1_BUFFER_COLLECTION_CONSTRAINTS_AUX_BUFFERS_WIRE_SIZE, 1,
                 sysmem1_buffer_collection_constraints_aux_buffers_fields);

static const fidl_field_t sysmem1_buffer_memory_settings_fields[] = {
#define T sysmem1_buffer_memory_settings_t
    FIDL_FIELD_STRUCT(T, size_bytes, 0, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, is_physically_contiguous, 4, &fidl_bool_type),
    FIDL_FIELD_STRUCT(T, is_secure, 5, &fidl_bool_type),
    FIDL_FIELD_STRUCT(T, coherency_domain, 8, &sysmem1_coherency_domain_type),
    FIDL_FIELD_STRUCT(T, heap, 16, &sysmem1_heap_type_type),
#undef T
};
FIDL_DESC_STRUCT(sysmem1_buffer_memory_settings_type,
                 sysmem1_buffer_memory_settings_t,
                 SYSMEM1_BUFFER_MEMORY_SETTINGS_WIRE_SIZE, 8,
                 sysmem1_buffer_memory_settings_fields);

static const fidl_field_t sysmem1_single_buffer_settings_fields[] = {
#define T sysmem1_single_buffer_settings_t
    FIDL_FIELD_STRUCT(T, buffer_settings, 0,
                      &sysmem1_buffer_memory_settings_type),
    FIDL_FIELD_STRUCT(T, has_image_format_constraints, 24, &fidl_bool_type),
    FIDL_FIELD_STRUCT(T, image_format_constraints, 32,
                      &sysmem1_image_format_constraints_type),
#undef T
};
FIDL_DESC_STRUCT(sysmem1_single_buffer_settings_type,
                 sysmem1_single_buffer_settings_t,
                 SYSMEM1_SINGLE_BUFFER_SETTINGS_WIRE_SIZE, 8,
                 sysmem1_single_buffer_settings_fields);

static const fidl_field_t sysmem1_vmo_buffer_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_vmo_buffer_t, vmo, 0, &sysmem1_optional_vmo_type),
    FIDL_FIELD_STRUCT(sysmem1_vmo_buffer_t, vmo_usable_start, 8,
                      &fidl_uint64_type),
};
FIDL_DESC_STRUCT(sysmem1_vmo_buffer_type, sysmem1_vmo_buffer_t,
                 SYSMEM1_VMO_BUFFER_WIRE_SIZE, 8, sysmem1_vmo_buffer_fields);

static FIDL_DESC_ARRAY(sysmem1_vmo_buffer_array_type, sysmem1_vmo_buffer_type,
                       SYSMEM1_MAX_COUNT_BUFFER_COLLECTION_INFO_BUFFERS,
                       SYSMEM1_VMO_BUFFER_WIRE_SIZE, 8, sysmem1_vmo_buffer_t);

static const fidl_field_t sysmem1_buffer_collection_info_2_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_buffer_collection_info_2_t, buffer_count, 0,
                      &fidl_uint32_type),
    FIDL_FIELD_STRUCT(sysmem1_buffer_collection_info_2_t, settings, 8,
                      &sysmem1_single_buffer_settings_type),
    FIDL_FIELD_STRUCT(sysmem1_buffer_collection_info_2_t, buffers, 272,
                      &sysmem1_vmo_buffer_array_type),
};
FIDL_DESC_STRUCT(sysmem1_buffer_collection_info_2_type,
                 sysmem1_buffer_collection_info_2_t,
                 SYSMEM1_BUFFER_COLLECTION_INFO_2_WIRE_SIZE, 8,
                 sysmem1_buffer_collection_info_2_fields);

static const fidl_field_t sysmem1_image_format_2_fields[] = {
#define T sysmem1_image_format_2_t
    FIDL_FIELD_STRUCT(T, pixel_format, 0, &sysmem1_pixel_format_type),
    FIDL_FIELD_STRUCT(T, coded_width, 16, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, coded_height, 20, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, bytes_per_row, 24, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, display_width, 28, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, display_height, 32, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, layers, 36, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, color_space, 40, &sysmem1_color_space_type),
    FIDL_FIELD_STRUCT(T, has_pixel_aspect_ratio, 44, &fidl_bool_type),
    FIDL_FIELD_STRUCT(T, pixel_aspect_ratio_width, 48, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(T, pixel_aspect_ratio_height, 52, &fidl_uint32_type),
#undef T
};
FIDL_DESC_STRUCT(sysmem1_image_format_2_type, sysmem1_image_format_2_t,
                 SYSMEM1_IMAGE_FORMAT_2_WIRE_SIZE, 8,
                 sysmem1_image_format_2_fields);

/* ---------------------------------------------------------------------- */
/* Method payloads                                                         */

#define ONE_HANDLE_STRUCT(var, ctype, member, htype) \
    static const fidl_field_t var##_fields[] = { \
        FIDL_FIELD_STRUCT(ctype, member, 0, &(htype)), \
    }; \
    FIDL_DESC_STRUCT(var, ctype, 4, 4, var##_fields)

ONE_HANDLE_STRUCT(sysmem1_allocator_allocate_non_shared_collection_request_type,
                  sysmem1_allocator_allocate_non_shared_collection_request_t,
                  collection_request, sysmem1_channel_type);
ONE_HANDLE_STRUCT(sysmem1_allocator_allocate_shared_collection_request_type,
                  sysmem1_allocator_allocate_shared_collection_request_t,
                  token_request, sysmem1_channel_type);
ONE_HANDLE_STRUCT(sysmem1_allocator_connect_to_sysmem2_allocator_request_type,
                  sysmem1_allocator_connect_to_sysmem2_allocator_request_t,
                  allocator_request, sysmem1_channel_type);
ONE_HANDLE_STRUCT(sysmem1_node_get_node_ref_response_type,
                  sysmem1_node_get_node_ref_response_t,
                  node_ref, sysmem1_event_type);
ONE_HANDLE_STRUCT(sysmem1_node_is_alternate_for_request_type,
                  sysmem1_node_is_alternate_for_request_t,
                  node_ref, sysmem1_event_type);
ONE_HANDLE_STRUCT(sysmem1_buffer_collection_token_create_buffer_collection_token_group_request_type,
                  sysmem1_buffer_collection_token_create_buffer_collection_token_group_request_t,
                  group_request, sysmem1_channel_type);

static const fidl_field_t sysmem1_allocator_bind_shared_collection_request_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_allocator_bind_shared_collection_request_t,
                      token, 0, &sysmem1_channel_type),
    FIDL_FIELD_STRUCT(sysmem1_allocator_bind_shared_collection_request_t,
                      buffer_collection_request, 4, &sysmem1_channel_type),
};
FIDL_DESC_STRUCT(sysmem1_allocator_bind_shared_collection_request_type,
                 sysmem1_allocator_bind_shared_collection_request_t, 8, 4,
                 sysmem1_allocator_bind_shared_collection_request_fields);

static const fidl_field_t sysmem1_allocator_validate_buffer_collection_token_request_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_allocator_validate_buffer_collection_token_request_t,
                      token_server_koid, 0, &fidl_uint64_type),
};
FIDL_DESC_STRUCT(sysmem1_allocator_validate_buffer_collection_token_request_type,
                 sysmem1_allocator_validate_buffer_collection_token_request_t,
                 8, 8,
                 sysmem1_allocator_validate_buffer_collection_token_request_fields);

static const fidl_field_t sysmem1_allocator_validate_buffer_collection_token_response_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_allocator_validate_buffer_collection_token_response_t,
                      is_known, 0, &fidl_bool_type),
};
FIDL_DESC_STRUCT(sysmem1_allocator_validate_buffer_collection_token_response_type,
                 sysmem1_allocator_validate_buffer_collection_token_response_t,
                 1, 1,
                 sysmem1_allocator_validate_buffer_collection_token_response_fields);

static const fidl_field_t sysmem1_set_debug_client_info_request_fields[] = {
    FIDL_FIELD_STRUCT_STR(sysmem1_set_debug_client_info_request_t, name, 0,
                          &sysmem1_name_string_type),
    FIDL_FIELD_STRUCT(sysmem1_set_debug_client_info_request_t, id, 16,
                      &fidl_uint64_type),
};
FIDL_DESC_STRUCT(sysmem1_set_debug_client_info_request_type,
                 sysmem1_set_debug_client_info_request_t, 24, 8,
                 sysmem1_set_debug_client_info_request_fields);

static const fidl_field_t sysmem1_node_set_name_request_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_node_set_name_request_t, priority, 0,
                      &fidl_uint32_type),
    FIDL_FIELD_STRUCT_STR(sysmem1_node_set_name_request_t, name, 8,
                          &sysmem1_name_string_type),
};
FIDL_DESC_STRUCT(sysmem1_node_set_name_request_type,
                 sysmem1_node_set_name_request_t, 24, 8,
                 sysmem1_node_set_name_request_fields);

static const fidl_field_t sysmem1_node_set_debug_timeout_log_deadline_request_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_node_set_debug_timeout_log_deadline_request_t,
                      deadline, 0, &fidl_int64_type),
};
FIDL_DESC_STRUCT(sysmem1_node_set_debug_timeout_log_deadline_request_type,
                 sysmem1_node_set_debug_timeout_log_deadline_request_t, 8, 8,
                 sysmem1_node_set_debug_timeout_log_deadline_request_fields);

static const fidl_field_t sysmem1_node_is_alternate_for_response_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_node_is_alternate_for_response_t, is_alternate,
                      0, &fidl_bool_type),
};
static FIDL_DESC_STRUCT(sysmem1_node_is_alternate_for_response_type,
                        sysmem1_node_is_alternate_for_response_t, 1, 1,
                        sysmem1_node_is_alternate_for_response_fields);
FIDL_DESC_RESULT_STRICT(sysmem1_node_is_alternate_for_result_type,
                        sysmem1_node_is_alternate_for_result_t,
                        sysmem1_node_is_alternate_for_response_type,
                        fidl_int32_type);

static FIDL_DESC_VECTOR(sysmem1_rights_vector_type, fidl_uint32_type,
                        SYSMEM1_MAX_COUNT_DUPLICATES, 0, 0, 4);
static FIDL_DESC_VECTOR(sysmem1_token_vector_type, sysmem1_channel_type,
                        SYSMEM1_MAX_COUNT_DUPLICATES, 0, 0, 4);

static const fidl_field_t sysmem1_duplicate_sync_request_fields[] = {
    FIDL_FIELD_STRUCT_VEC(sysmem1_duplicate_sync_request_t,
                          rights_attenuation_masks, 0,
                          &sysmem1_rights_vector_type),
};
FIDL_DESC_STRUCT(sysmem1_duplicate_sync_request_type,
                 sysmem1_duplicate_sync_request_t, 16, 8,
                 sysmem1_duplicate_sync_request_fields);

static const fidl_field_t sysmem1_duplicate_sync_response_fields[] = {
    FIDL_FIELD_STRUCT_VEC(sysmem1_duplicate_sync_response_t, tokens, 0,
                          &sysmem1_token_vector_type),
};
FIDL_DESC_STRUCT(sysmem1_duplicate_sync_response_type,
                 sysmem1_duplicate_sync_response_t, 16, 8,
                 sysmem1_duplicate_sync_response_fields);

#define MASK_AND_HANDLE_STRUCT(var, ctype) \
    static const fidl_field_t var##_fields[] = { \
        FIDL_FIELD_STRUCT(ctype, rights_attenuation_mask, 0, &fidl_uint32_type), \
        FIDL_FIELD_STRUCT(ctype, token_request, 4, &sysmem1_channel_type), \
    }; \
    FIDL_DESC_STRUCT(var, ctype, 8, 4, var##_fields)

MASK_AND_HANDLE_STRUCT(sysmem1_buffer_collection_token_duplicate_request_type,
                       sysmem1_buffer_collection_token_duplicate_request_t);
MASK_AND_HANDLE_STRUCT(sysmem1_buffer_collection_attach_token_request_type,
                       sysmem1_buffer_collection_attach_token_request_t);

static const fidl_field_t sysmem1_buffer_collection_set_constraints_request_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_buffer_collection_set_constraints_request_t,
                      has_constraints, 0, &fidl_bool_type),
    FIDL_FIELD_STRUCT(sysmem1_buffer_collection_set_constraints_request_t,
                      constraints, 8,
                      &sysmem1_buffer_collection_constraints_type),
};
FIDL_DESC_STRUCT(sysmem1_buffer_collection_set_constraints_request_type,
                 sysmem1_buffer_collection_set_constraints_request_t,
                 8 + SYSMEM1_BUFFER_COLLECTION_CONSTRAINTS_WIRE_SIZE, 8,
                 sysmem1_buffer_collection_set_constraints_request_fields);

static const fidl_field_t sysmem1_buffer_collection_wait_for_buffers_allocated_response_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_buffer_collection_wait_for_buffers_allocated_response_t,
                      status, 0, &fidl_int32_type),
    FIDL_FIELD_STRUCT(sysmem1_buffer_collection_wait_for_buffers_allocated_response_t,
                      buffer_collection_info, 8,
                      &sysmem1_buffer_collection_info_2_type),
};
FIDL_DESC_STRUCT(sysmem1_buffer_collection_wait_for_buffers_allocated_response_type,
                 sysmem1_buffer_collection_wait_for_buffers_allocated_response_t,
                 8 + SYSMEM1_BUFFER_COLLECTION_INFO_2_WIRE_SIZE, 8,
                 sysmem1_buffer_collection_wait_for_buffers_allocated_response_fields);

static const fidl_field_t sysmem1_buffer_collection_check_buffers_allocated_response_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_buffer_collection_check_buffers_allocated_response_t,
                      status, 0, &fidl_int32_type),
};
FIDL_DESC_STRUCT(sysmem1_buffer_collection_check_buffers_allocated_response_type,
                 sysmem1_buffer_collection_check_buffers_allocated_response_t,
                 4, 4,
                 sysmem1_buffer_collection_check_buffers_allocated_response_fields);

static const fidl_field_t sysmem1_buffer_collection_attach_lifetime_tracking_request_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_buffer_collection_attach_lifetime_tracking_request_t,
                      server_end, 0, &sysmem1_eventpair_type),
    FIDL_FIELD_STRUCT(sysmem1_buffer_collection_attach_lifetime_tracking_request_t,
                      buffers_remaining, 4, &fidl_uint32_type),
};
FIDL_DESC_STRUCT(sysmem1_buffer_collection_attach_lifetime_tracking_request_type,
                 sysmem1_buffer_collection_attach_lifetime_tracking_request_t,
                 8, 4,
                 sysmem1_buffer_collection_attach_lifetime_tracking_request_fields);

static const fidl_field_t sysmem1_buffer_collection_set_constraints_aux_buffers_request_fields[] = {
    FIDL_FIELD_STRUCT(sysmem1_buffer_collection_set_constraints_aux_buffers_request_t,
                      constraints, 0,
                      &sysmem1_buffer_collection_constraints_aux_buffers_type),
};
FIDL_DESC_STRUCT(sysmem1_buffer_collection_set_constraints_aux_buffers_request_type,
                 sysmem1_buffer_collection_set_constraints_aux_buffers_request_t,
                 2, 1,
                 sysmem1_buffer_collection_set_constraints_aux_buffers_request_fields);

static const fidl_field_t sysmem1_buffer_collection_token_group_create_child_request_fields[] = {
    FIDL_FIELD_TABLE(sysmem1_buffer_collection_token_group_create_child_request_t,
                     token_request, 1, &sysmem1_channel_type),
    FIDL_FIELD_TABLE(sysmem1_buffer_collection_token_group_create_child_request_t,
                     rights_attenuation_mask, 2, &fidl_uint32_type),
};
FIDL_DESC_TABLE(sysmem1_buffer_collection_token_group_create_child_request_type,
                sysmem1_buffer_collection_token_group_create_child_request_t,
                FIDL_TF_RESOURCE,
                sysmem1_buffer_collection_token_group_create_child_request_fields);
