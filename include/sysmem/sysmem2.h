/*
 * fuchsia.sysmem2 types as C structs, with their FIDL descriptors.
 *
 * Tables: every field `x` has a `bool has_x` next to it; an absent field
 * has has_x == false (and x zeroed on decode).  On encode only fields with
 * has_x set are sent.
 * Vectors: `uint32_t x_count; T x[MAX];` sized by the FIDL bound.
 * Strings: `uint32_t x_len; char x[MAX + 1];` NUL-terminated after decode.
 * Handles: fidl_handle_t, FIDL_HANDLE_INVALID (0) when absent.
 *
 * The big ones (sysmem2_buffer_collection_constraints_t is ~130 KiB
 * because of its fixed arrays) belong on the heap, not the stack.
 *
 * Methods with a result union (flexible two-way, or `error`): the reply
 * body is the *_result_t: tag FIDL_RESULT_RESPONSE (response valid),
 * FIDL_RESULT_ERR (err valid) or FIDL_RESULT_FRAMEWORK_ERR.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SYSMEM_SYSMEM2_H
#define SYSMEM_SYSMEM2_H

#include "sysmem/fidl.h"
#include "sysmem/images2.h"
#include "sysmem/ordinals.h"

/* ---------------------------------------------------------------------- */
/* Limits (FIDL constants)                                                 */

#define SYSMEM2_MAX_COUNT_BUFFER_COLLECTION_INFO_BUFFERS            128
#define SYSMEM2_MAX_COUNT_BUFFER_COLLECTION_CONSTRAINTS_IMAGE_FORMAT_CONSTRAINTS 64
#define SYSMEM2_MAX_COUNT_BUFFER_MEMORY_CONSTRAINTS_PERMITTED_HEAPS 64
#define SYSMEM2_MAX_COUNT_IMAGE_FORMAT_CONSTRAINTS_COLOR_SPACES     32
#define SYSMEM2_MAX_COUNT_PIXEL_FORMAT_AND_MODIFIERS                64
#define SYSMEM2_MAX_COUNT_REQUIRED_MAX_SIZE_LIST                    64
#define SYSMEM2_MAX_COUNT_DUPLICATES                                64
#define SYSMEM2_MAX_COUNT_CREATE_CHILDREN                           64
#define SYSMEM2_MAX_CLIENT_NAME_LENGTH                              256
#define SYSMEM2_MAX_NAME_LENGTH                                     64
#define SYSMEM2_MAX_HEAP_TYPE_LENGTH                                128

/* ---------------------------------------------------------------------- */
/* Enums and usage bits                                                    */

/* fuchsia.sysmem2/Error (flexible enum : uint32) */
typedef uint32_t sysmem2_error_t;
#define SYSMEM2_ERROR_INVALID                           0u
#define SYSMEM2_ERROR_UNSPECIFIED                       1u
#define SYSMEM2_ERROR_PROTOCOL_DEVIATION                2u
#define SYSMEM2_ERROR_NOT_FOUND                         3u
#define SYSMEM2_ERROR_HANDLE_ACCESS_DENIED              4u
#define SYSMEM2_ERROR_NO_MEMORY                         5u
#define SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY    6u
#define SYSMEM2_ERROR_PENDING                           7u
#define SYSMEM2_ERROR_TOO_MANY_GROUP_CHILD_COMBINATIONS 8u
#define SYSMEM2_ERROR_NO_MORE_STRONG_VMO_HANDLES        9u

/* fuchsia.sysmem2/CoherencyDomain (flexible enum : uint32) */
typedef uint32_t sysmem2_coherency_domain_t;
#define SYSMEM2_COHERENCY_DOMAIN_CPU            0u
#define SYSMEM2_COHERENCY_DOMAIN_RAM            1u
#define SYSMEM2_COHERENCY_DOMAIN_INACCESSIBLE   2u

/* BufferUsage bit values (shared with v1) */
#define SYSMEM2_NONE_USAGE                              0x1u
#define SYSMEM2_CPU_USAGE_READ                          0x1u
#define SYSMEM2_CPU_USAGE_READ_OFTEN                    0x2u
#define SYSMEM2_CPU_USAGE_WRITE                         0x4u
#define SYSMEM2_CPU_USAGE_WRITE_OFTEN                   0x8u
#define SYSMEM2_VULKAN_IMAGE_USAGE_TRANSFER_SRC         0x1u
#define SYSMEM2_VULKAN_IMAGE_USAGE_TRANSFER_DST         0x2u
#define SYSMEM2_VULKAN_IMAGE_USAGE_SAMPLED              0x4u
#define SYSMEM2_VULKAN_IMAGE_USAGE_STORAGE              0x8u
#define SYSMEM2_VULKAN_IMAGE_USAGE_COLOR_ATTACHMENT     0x10u
#define SYSMEM2_VULKAN_IMAGE_USAGE_STENCIL_ATTACHMENT   0x20u
#define SYSMEM2_VULKAN_IMAGE_USAGE_TRANSIENT_ATTACHMENT 0x40u
#define SYSMEM2_VULKAN_IMAGE_USAGE_INPUT_ATTACHMENT     0x80u
#define SYSMEM2_VULKAN_BUFFER_USAGE_TRANSFER_SRC        0x10000u
#define SYSMEM2_VULKAN_BUFFER_USAGE_TRANSFER_DST        0x20000u
#define SYSMEM2_VULKAN_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER 0x40000u
#define SYSMEM2_VULKAN_BUFFER_USAGE_STORAGE_TEXEL_BUFFER 0x80000u
#define SYSMEM2_VULKAN_BUFFER_USAGE_UNIFORM_BUFFER      0x100000u
#define SYSMEM2_VULKAN_BUFFER_USAGE_STORAGE_BUFFER      0x200000u
#define SYSMEM2_VULKAN_BUFFER_USAGE_INDEX_BUFFER        0x400000u
#define SYSMEM2_VULKAN_BUFFER_USAGE_VERTEX_BUFFER       0x800000u
#define SYSMEM2_VULKAN_BUFFER_USAGE_INDIRECT_BUFFER     0x1000000u
#define SYSMEM2_DISPLAY_USAGE_LAYER                     0x1u
#define SYSMEM2_DISPLAY_USAGE_CURSOR                    0x2u
#define SYSMEM2_VIDEO_USAGE_HW_DECODER                  0x1u
#define SYSMEM2_VIDEO_USAGE_HW_ENCODER                  0x2u
#define SYSMEM2_VIDEO_USAGE_CAPTURE                     0x8u
#define SYSMEM2_VIDEO_USAGE_DECRYPTOR_OUTPUT            0x10u
#define SYSMEM2_VIDEO_USAGE_HW_DECODER_INTERNAL         0x20u

/* Heap.heap_type bind strings for the singleton heaps */
#define SYSMEM2_HEAP_TYPE_SYSTEM_RAM  "fuchsia.sysmem.heap.HEAP_TYPE.SYSTEM_RAM"
#define SYSMEM2_HEAP_TYPE_FRAMEBUFFER "fuchsia.sysmem.heap.HEAP_TYPE.FRAMEBUFFER"

/* ---------------------------------------------------------------------- */
/* Tables and structs                                                      */

typedef struct sysmem2_buffer_usage {
    bool has_none;
    uint32_t none;
    bool has_cpu;
    uint32_t cpu;
    bool has_vulkan;
    uint32_t vulkan;
    bool has_display;
    uint32_t display;
    bool has_video;
    uint32_t video;
} sysmem2_buffer_usage_t;

typedef struct sysmem2_heap {
    bool has_heap_type;
    uint32_t heap_type_len;
    char heap_type[SYSMEM2_MAX_HEAP_TYPE_LENGTH + 1];
    bool has_id;
    uint64_t id;
} sysmem2_heap_t;

typedef struct sysmem2_buffer_memory_constraints {
    bool has_min_size_bytes;
    uint64_t min_size_bytes;
    bool has_max_size_bytes;
    uint64_t max_size_bytes;
    bool has_physically_contiguous_required;
    bool physically_contiguous_required;
    bool has_secure_required;
    bool secure_required;
    bool has_cpu_domain_supported;
    bool cpu_domain_supported;
    bool has_ram_domain_supported;
    bool ram_domain_supported;
    bool has_inaccessible_domain_supported;
    bool inaccessible_domain_supported;
    bool has_permitted_heaps;
    uint32_t permitted_heaps_count;
    sysmem2_heap_t permitted_heaps[SYSMEM2_MAX_COUNT_BUFFER_MEMORY_CONSTRAINTS_PERMITTED_HEAPS];
    bool has_min_physical_base_alignment;
    uint64_t min_physical_base_alignment;
} sysmem2_buffer_memory_constraints_t;

/* struct PixelFormatAndModifier: 16 bytes on the wire (u32, pad, u64) */
typedef struct sysmem2_pixel_format_and_modifier {
    images2_pixel_format_t pixel_format;
    images2_pixel_format_modifier_t pixel_format_modifier;
} sysmem2_pixel_format_and_modifier_t;

typedef struct sysmem2_image_format_constraints {
    bool has_pixel_format;                              /* 1 */
    images2_pixel_format_t pixel_format;
    bool has_pixel_format_modifier;                     /* 2 */
    images2_pixel_format_modifier_t pixel_format_modifier;
    bool has_color_spaces;                              /* 3 */
    uint32_t color_spaces_count;
    images2_color_space_t color_spaces[SYSMEM2_MAX_COUNT_IMAGE_FORMAT_CONSTRAINTS_COLOR_SPACES];
    bool has_min_size;                                  /* 4 */
    images2_size_u_t min_size;
    bool has_max_size;                                  /* 5 */
    images2_size_u_t max_size;
    bool has_min_bytes_per_row;                         /* 6 */
    uint32_t min_bytes_per_row;
    bool has_max_bytes_per_row;                         /* 7 */
    uint32_t max_bytes_per_row;
    bool has_max_width_times_height;                    /* 8 */
    uint64_t max_width_times_height;
    bool has_size_alignment;                            /* 9 */
    images2_size_u_t size_alignment;
    bool has_display_rect_alignment;                    /* 10 */
    images2_size_u_t display_rect_alignment;
    bool has_required_min_size;                         /* 11 */
    images2_size_u_t required_min_size;
    bool has_required_max_size;                         /* 12 */
    images2_size_u_t required_max_size;
    bool has_bytes_per_row_divisor;                     /* 13 */
    uint32_t bytes_per_row_divisor;
    bool has_start_offset_divisor;                      /* 14 */
    uint32_t start_offset_divisor;
    bool has_pixel_format_and_modifiers;                /* 15 */
    uint32_t pixel_format_and_modifiers_count;
    sysmem2_pixel_format_and_modifier_t
        pixel_format_and_modifiers[SYSMEM2_MAX_COUNT_PIXEL_FORMAT_AND_MODIFIERS];
    bool has_require_bytes_per_row_at_pixel_boundary;   /* 16 */
    bool require_bytes_per_row_at_pixel_boundary;
    bool has_is_alpha_present;                          /* 17 */
    bool is_alpha_present;
    bool has_required_max_size_list;                    /* 18 */
    uint32_t required_max_size_list_count;
    images2_size_u_t required_max_size_list[SYSMEM2_MAX_COUNT_REQUIRED_MAX_SIZE_LIST];
    bool has_pad_for_block_size;                        /* 19 */
    images2_size_u_t pad_for_block_size;
    bool has_pad_beyond_image_size_bytes;               /* 20 */
    uint64_t pad_beyond_image_size_bytes;
} sysmem2_image_format_constraints_t;

typedef struct sysmem2_buffer_collection_constraints {
    bool has_usage;                                     /* 1 */
    sysmem2_buffer_usage_t usage;
    bool has_min_buffer_count_for_camping;              /* 2 */
    uint32_t min_buffer_count_for_camping;
    bool has_min_buffer_count_for_dedicated_slack;      /* 3 */
    uint32_t min_buffer_count_for_dedicated_slack;
    bool has_min_buffer_count_for_shared_slack;         /* 4 */
    uint32_t min_buffer_count_for_shared_slack;
    bool has_min_buffer_count;                          /* 5 */
    uint32_t min_buffer_count;
    bool has_max_buffer_count;                          /* 6 */
    uint32_t max_buffer_count;
    bool has_buffer_memory_constraints;                 /* 7 */
    sysmem2_buffer_memory_constraints_t buffer_memory_constraints;
    bool has_image_format_constraints;                  /* 8 */
    uint32_t image_format_constraints_count;
    sysmem2_image_format_constraints_t
        image_format_constraints[SYSMEM2_MAX_COUNT_BUFFER_COLLECTION_CONSTRAINTS_IMAGE_FORMAT_CONSTRAINTS];
} sysmem2_buffer_collection_constraints_t;

typedef struct sysmem2_buffer_memory_settings {
    bool has_size_bytes;                                /* 1 */
    uint64_t size_bytes;
    bool has_is_physically_contiguous;                  /* 2 */
    bool is_physically_contiguous;
    bool has_is_secure;                                 /* 3 */
    bool is_secure;
    bool has_coherency_domain;                          /* 4 */
    sysmem2_coherency_domain_t coherency_domain;
    bool has_heap;                                      /* 5 */
    sysmem2_heap_t heap;
    bool has_raw_vmo_size;                              /* 6 */
    uint64_t raw_vmo_size;
} sysmem2_buffer_memory_settings_t;

typedef struct sysmem2_single_buffer_settings {
    bool has_buffer_settings;                           /* 1 */
    sysmem2_buffer_memory_settings_t buffer_settings;
    bool has_image_format_constraints;                  /* 2 */
    sysmem2_image_format_constraints_t image_format_constraints;
} sysmem2_single_buffer_settings_t;

typedef struct sysmem2_vmo_buffer {
    bool has_vmo;                                       /* 1: handle:VMO */
    fidl_handle_t vmo;
    bool has_vmo_usable_start;                          /* 2 */
    uint64_t vmo_usable_start;
    bool has_close_weak_asap;                           /* 3: EVENTPAIR */
    fidl_handle_t close_weak_asap;
} sysmem2_vmo_buffer_t;

typedef struct sysmem2_buffer_collection_info {
    bool has_settings;                                  /* 1 */
    sysmem2_single_buffer_settings_t settings;
    bool has_buffers;                                   /* 2 */
    uint32_t buffers_count;
    sysmem2_vmo_buffer_t buffers[SYSMEM2_MAX_COUNT_BUFFER_COLLECTION_INFO_BUFFERS];
    bool has_buffer_collection_id;                      /* 3 */
    uint64_t buffer_collection_id;
} sysmem2_buffer_collection_info_t;

/* ---------------------------------------------------------------------- */
/* Method payloads (all tables)                                            */

/* Allocator */
typedef struct sysmem2_allocator_allocate_non_shared_collection_request {
    bool has_collection_request;            /* server_end:BufferCollection */
    fidl_handle_t collection_request;
} sysmem2_allocator_allocate_non_shared_collection_request_t;

typedef struct sysmem2_allocator_allocate_shared_collection_request {
    bool has_token_request;                 /* server_end:BufferCollectionToken */
    fidl_handle_t token_request;
} sysmem2_allocator_allocate_shared_collection_request_t;

typedef struct sysmem2_allocator_bind_shared_collection_request {
    bool has_token;                         /* client_end:BufferCollectionToken */
    fidl_handle_t token;
    bool has_buffer_collection_request;     /* server_end:BufferCollection */
    fidl_handle_t buffer_collection_request;
} sysmem2_allocator_bind_shared_collection_request_t;

typedef struct sysmem2_allocator_validate_buffer_collection_token_request {
    bool has_token_server_koid;
    uint64_t token_server_koid;
} sysmem2_allocator_validate_buffer_collection_token_request_t;

typedef struct sysmem2_allocator_validate_buffer_collection_token_response {
    bool has_is_known;
    bool is_known;
} sysmem2_allocator_validate_buffer_collection_token_response_t;

typedef struct sysmem2_allocator_validate_buffer_collection_token_result {
    uint64_t tag;
    int32_t framework_err;
    sysmem2_allocator_validate_buffer_collection_token_response_t response;
} sysmem2_allocator_validate_buffer_collection_token_result_t;

/* Allocator.SetDebugClientInfo and Node.SetDebugClientInfo */
typedef struct sysmem2_set_debug_client_info_request {
    bool has_name;
    uint32_t name_len;
    char name[SYSMEM2_MAX_CLIENT_NAME_LENGTH + 1];
    bool has_id;
    uint64_t id;
} sysmem2_set_debug_client_info_request_t;
typedef sysmem2_set_debug_client_info_request_t
    sysmem2_allocator_set_debug_client_info_request_t;
typedef sysmem2_set_debug_client_info_request_t
    sysmem2_node_set_debug_client_info_request_t;

typedef struct sysmem2_allocator_get_vmo_info_request {
    bool has_vmo;                           /* handle:VMO */
    fidl_handle_t vmo;
} sysmem2_allocator_get_vmo_info_request_t;

typedef struct sysmem2_allocator_get_vmo_info_response {
    bool has_buffer_collection_id;
    uint64_t buffer_collection_id;
    bool has_buffer_index;
    uint64_t buffer_index;
    bool has_close_weak_asap;               /* handle:EVENTPAIR */
    fidl_handle_t close_weak_asap;
} sysmem2_allocator_get_vmo_info_response_t;

typedef struct sysmem2_allocator_get_vmo_info_result {
    uint64_t tag;
    sysmem2_error_t err;
    int32_t framework_err;
    sysmem2_allocator_get_vmo_info_response_t response;
} sysmem2_allocator_get_vmo_info_result_t;

/* Node (composed into token, collection and group) */
typedef struct sysmem2_node_sync_result {
    uint64_t tag;
    int32_t framework_err;
    fidl_empty_struct_t response;
} sysmem2_node_sync_result_t;

typedef struct sysmem2_node_set_name_request {
    bool has_priority;
    uint32_t priority;
    bool has_name;
    uint32_t name_len;
    char name[SYSMEM2_MAX_NAME_LENGTH + 1];
} sysmem2_node_set_name_request_t;

typedef struct sysmem2_node_set_debug_timeout_log_deadline_request {
    bool has_deadline;
    int64_t deadline;                       /* zx.Time */
} sysmem2_node_set_debug_timeout_log_deadline_request_t;

typedef struct sysmem2_node_get_node_ref_response {
    bool has_node_ref;                      /* handle:EVENT */
    fidl_handle_t node_ref;
} sysmem2_node_get_node_ref_response_t;

typedef struct sysmem2_node_get_node_ref_result {
    uint64_t tag;
    int32_t framework_err;
    sysmem2_node_get_node_ref_response_t response;
} sysmem2_node_get_node_ref_result_t;

typedef struct sysmem2_node_is_alternate_for_request {
    bool has_node_ref;                      /* handle:EVENT */
    fidl_handle_t node_ref;
} sysmem2_node_is_alternate_for_request_t;

typedef struct sysmem2_node_is_alternate_for_response {
    bool has_is_alternate;
    bool is_alternate;
} sysmem2_node_is_alternate_for_response_t;

typedef struct sysmem2_node_is_alternate_for_result {
    uint64_t tag;
    sysmem2_error_t err;
    int32_t framework_err;
    sysmem2_node_is_alternate_for_response_t response;
} sysmem2_node_is_alternate_for_result_t;

typedef struct sysmem2_node_get_buffer_collection_id_response {
    bool has_buffer_collection_id;
    uint64_t buffer_collection_id;
} sysmem2_node_get_buffer_collection_id_response_t;

typedef struct sysmem2_node_get_buffer_collection_id_result {
    uint64_t tag;
    int32_t framework_err;
    sysmem2_node_get_buffer_collection_id_response_t response;
} sysmem2_node_get_buffer_collection_id_result_t;

typedef struct sysmem2_node_set_weak_ok_request {
    bool has_for_child_nodes_also;
    bool for_child_nodes_also;
} sysmem2_node_set_weak_ok_request_t;

typedef struct sysmem2_node_attach_node_tracking_request {
    bool has_server_end;                    /* handle:EVENTPAIR */
    fidl_handle_t server_end;
} sysmem2_node_attach_node_tracking_request_t;

/* BufferCollectionToken */
typedef struct sysmem2_buffer_collection_token_duplicate_sync_request {
    bool has_rights_attenuation_masks;
    uint32_t rights_attenuation_masks_count;
    uint32_t rights_attenuation_masks[SYSMEM2_MAX_COUNT_DUPLICATES];
} sysmem2_buffer_collection_token_duplicate_sync_request_t;

typedef struct sysmem2_buffer_collection_token_duplicate_sync_response {
    bool has_tokens;                        /* client_end:BufferCollectionToken */
    uint32_t tokens_count;
    fidl_handle_t tokens[SYSMEM2_MAX_COUNT_DUPLICATES];
} sysmem2_buffer_collection_token_duplicate_sync_response_t;

typedef struct sysmem2_buffer_collection_token_duplicate_sync_result {
    uint64_t tag;
    int32_t framework_err;
    sysmem2_buffer_collection_token_duplicate_sync_response_t response;
} sysmem2_buffer_collection_token_duplicate_sync_result_t;

typedef struct sysmem2_buffer_collection_token_duplicate_request {
    bool has_rights_attenuation_mask;
    uint32_t rights_attenuation_mask;
    bool has_token_request;                 /* server_end:BufferCollectionToken */
    fidl_handle_t token_request;
} sysmem2_buffer_collection_token_duplicate_request_t;

typedef struct sysmem2_buffer_collection_token_create_buffer_collection_token_group_request {
    bool has_group_request;                 /* server_end:BufferCollectionTokenGroup */
    fidl_handle_t group_request;
} sysmem2_buffer_collection_token_create_buffer_collection_token_group_request_t;

/* BufferCollection */
typedef struct sysmem2_buffer_collection_set_constraints_request {
    bool has_constraints;
    sysmem2_buffer_collection_constraints_t constraints;
} sysmem2_buffer_collection_set_constraints_request_t;

typedef struct sysmem2_buffer_collection_wait_for_all_buffers_allocated_response {
    bool has_buffer_collection_info;
    sysmem2_buffer_collection_info_t buffer_collection_info;
} sysmem2_buffer_collection_wait_for_all_buffers_allocated_response_t;

typedef struct sysmem2_buffer_collection_wait_for_all_buffers_allocated_result {
    uint64_t tag;
    sysmem2_error_t err;
    int32_t framework_err;
    sysmem2_buffer_collection_wait_for_all_buffers_allocated_response_t response;
} sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t;

typedef struct sysmem2_buffer_collection_check_all_buffers_allocated_result {
    uint64_t tag;
    sysmem2_error_t err;
    int32_t framework_err;
    fidl_empty_struct_t response;
} sysmem2_buffer_collection_check_all_buffers_allocated_result_t;

typedef struct sysmem2_buffer_collection_attach_token_request {
    bool has_rights_attenuation_mask;
    uint32_t rights_attenuation_mask;
    bool has_token_request;                 /* server_end:BufferCollectionToken */
    fidl_handle_t token_request;
} sysmem2_buffer_collection_attach_token_request_t;

typedef struct sysmem2_buffer_collection_attach_lifetime_tracking_request {
    bool has_server_end;                    /* handle:EVENTPAIR */
    fidl_handle_t server_end;
    bool has_buffers_remaining;
    uint32_t buffers_remaining;
} sysmem2_buffer_collection_attach_lifetime_tracking_request_t;

/* BufferCollectionTokenGroup */
typedef struct sysmem2_buffer_collection_token_group_create_child_request {
    bool has_token_request;                 /* server_end:BufferCollectionToken */
    fidl_handle_t token_request;
    bool has_rights_attenuation_mask;
    uint32_t rights_attenuation_mask;
} sysmem2_buffer_collection_token_group_create_child_request_t;

typedef sysmem2_buffer_collection_token_duplicate_sync_request_t
    sysmem2_buffer_collection_token_group_create_children_sync_request_t;
typedef sysmem2_buffer_collection_token_duplicate_sync_response_t
    sysmem2_buffer_collection_token_group_create_children_sync_response_t;
typedef sysmem2_buffer_collection_token_duplicate_sync_result_t
    sysmem2_buffer_collection_token_group_create_children_sync_result_t;

/* ---------------------------------------------------------------------- */
/* Descriptors                                                             */

extern const fidl_type_t sysmem2_error_type;
extern const fidl_type_t sysmem2_coherency_domain_type;
extern const fidl_type_t sysmem2_buffer_usage_type;
extern const fidl_type_t sysmem2_heap_type;
extern const fidl_type_t sysmem2_buffer_memory_constraints_type;
extern const fidl_type_t sysmem2_pixel_format_and_modifier_type;
extern const fidl_type_t sysmem2_image_format_constraints_type;
extern const fidl_type_t sysmem2_buffer_collection_constraints_type;
extern const fidl_type_t sysmem2_buffer_memory_settings_type;
extern const fidl_type_t sysmem2_single_buffer_settings_type;
extern const fidl_type_t sysmem2_vmo_buffer_type;
extern const fidl_type_t sysmem2_buffer_collection_info_type;

extern const fidl_type_t sysmem2_allocator_allocate_non_shared_collection_request_type;
extern const fidl_type_t sysmem2_allocator_allocate_shared_collection_request_type;
extern const fidl_type_t sysmem2_allocator_bind_shared_collection_request_type;
extern const fidl_type_t sysmem2_allocator_validate_buffer_collection_token_request_type;
extern const fidl_type_t sysmem2_allocator_validate_buffer_collection_token_response_type;
extern const fidl_type_t sysmem2_allocator_validate_buffer_collection_token_result_type;
extern const fidl_type_t sysmem2_set_debug_client_info_request_type;
extern const fidl_type_t sysmem2_allocator_get_vmo_info_request_type;
extern const fidl_type_t sysmem2_allocator_get_vmo_info_response_type;
extern const fidl_type_t sysmem2_allocator_get_vmo_info_result_type;
extern const fidl_type_t sysmem2_node_sync_result_type;
extern const fidl_type_t sysmem2_node_set_name_request_type;
extern const fidl_type_t sysmem2_node_set_debug_timeout_log_deadline_request_type;
extern const fidl_type_t sysmem2_node_get_node_ref_response_type;
extern const fidl_type_t sysmem2_node_get_node_ref_result_type;
extern const fidl_type_t sysmem2_node_is_alternate_for_request_type;
extern const fidl_type_t sysmem2_node_is_alternate_for_response_type;
extern const fidl_type_t sysmem2_node_is_alternate_for_result_type;
extern const fidl_type_t sysmem2_node_get_buffer_collection_id_response_type;
extern const fidl_type_t sysmem2_node_get_buffer_collection_id_result_type;
extern const fidl_type_t sysmem2_node_set_weak_ok_request_type;
extern const fidl_type_t sysmem2_node_attach_node_tracking_request_type;
extern const fidl_type_t sysmem2_buffer_collection_token_duplicate_sync_request_type;
extern const fidl_type_t sysmem2_buffer_collection_token_duplicate_sync_response_type;
extern const fidl_type_t sysmem2_buffer_collection_token_duplicate_sync_result_type;
extern const fidl_type_t sysmem2_buffer_collection_token_duplicate_request_type;
extern const fidl_type_t sysmem2_buffer_collection_token_create_buffer_collection_token_group_request_type;
extern const fidl_type_t sysmem2_buffer_collection_set_constraints_request_type;
extern const fidl_type_t sysmem2_buffer_collection_wait_for_all_buffers_allocated_response_type;
extern const fidl_type_t sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_type;
extern const fidl_type_t sysmem2_buffer_collection_check_all_buffers_allocated_result_type;
extern const fidl_type_t sysmem2_buffer_collection_attach_token_request_type;
extern const fidl_type_t sysmem2_buffer_collection_attach_lifetime_tracking_request_type;
extern const fidl_type_t sysmem2_buffer_collection_token_group_create_child_request_type;

#endif /* SYSMEM_SYSMEM2_H */
