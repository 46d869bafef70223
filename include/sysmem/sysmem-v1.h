/*
 * fuchsia.sysmem (v1) types as C structs, with their FIDL descriptors.
 *
 * v1 types are fixed-layout FIDL structs.  The C structs below declare the
 * fields in wire order with the same natural alignment, so each
 * SYSMEM1_*_WIRE_SIZE equals sizeof() of the C struct on 64-bit ABIs
 * (codec/sysmem-v1.c checks both).  They still go through the codec: the
 * wire form has padding that must be zero and enums that must be known.
 *
 * Method payloads are structs too, except BufferCollectionTokenGroup
 * .CreateChild, which takes a table.  v1 vectors and strings follow the
 * same C conventions as sysmem2.h (x_count + x[MAX], x_len + x[MAX + 1]).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SYSMEM_SYSMEM_V1_H
#define SYSMEM_SYSMEM_V1_H

#include "sysmem/fidl.h"
#include "sysmem/ordinals.h"

/* ---------------------------------------------------------------------- */
/* Limits                                                                  */

#define SYSMEM1_MAX_COUNT_BUFFER_COLLECTION_INFO_BUFFERS            64
#define SYSMEM1_MAX_COUNT_BUFFER_COLLECTION_CONSTRAINTS_IMAGE_FORMAT_CONSTRAINTS 32
#define SYSMEM1_MAX_COUNT_BUFFER_MEMORY_CONSTRAINTS_HEAP_PERMITTED  32
#define SYSMEM1_MAX_COUNT_IMAGE_FORMAT_CONSTRAINTS_COLOR_SPACES     32
#define SYSMEM1_MAX_COUNT_DUPLICATES                                64
#define SYSMEM1_MAX_COUNT_CREATE_CHILDREN                           64
#define SYSMEM1_MAX_NAME_LENGTH                                     64

/* ---------------------------------------------------------------------- */
/* Enums (all strict)                                                      */

/* HeapType (strict enum : uint64) */
typedef uint64_t sysmem1_heap_type_t;
#define SYSMEM1_HEAP_TYPE_SYSTEM_RAM            UINT64_C(0x0000000000000000)
#define SYSMEM1_HEAP_TYPE_AMLOGIC_SECURE        UINT64_C(0x1000000000010000)
#define SYSMEM1_HEAP_TYPE_AMLOGIC_SECURE_VDEC   UINT64_C(0x1000000000010001)
#define SYSMEM1_HEAP_TYPE_GOLDFISH_DEVICE_LOCAL UINT64_C(0x1000000000020000)
#define SYSMEM1_HEAP_TYPE_GOLDFISH_HOST_VISIBLE UINT64_C(0x1000000000020001)
#define SYSMEM1_HEAP_TYPE_FRAMEBUFFER           UINT64_C(0x1000000000030001)

/* PixelFormatType (strict enum : uint32); numerically = images2 values */
typedef uint32_t sysmem1_pixel_format_type_t;
#define SYSMEM1_PIXEL_FORMAT_TYPE_INVALID       0u
#define SYSMEM1_PIXEL_FORMAT_TYPE_R8G8B8A8      1u
#define SYSMEM1_PIXEL_FORMAT_TYPE_BGRA32        101u
#define SYSMEM1_PIXEL_FORMAT_TYPE_I420          102u
#define SYSMEM1_PIXEL_FORMAT_TYPE_M420          103u
#define SYSMEM1_PIXEL_FORMAT_TYPE_NV12          104u
#define SYSMEM1_PIXEL_FORMAT_TYPE_YUY2          105u
#define SYSMEM1_PIXEL_FORMAT_TYPE_MJPEG         106u
#define SYSMEM1_PIXEL_FORMAT_TYPE_YV12          107u
#define SYSMEM1_PIXEL_FORMAT_TYPE_BGR24         108u
#define SYSMEM1_PIXEL_FORMAT_TYPE_RGB565        109u
#define SYSMEM1_PIXEL_FORMAT_TYPE_RGB332        110u
#define SYSMEM1_PIXEL_FORMAT_TYPE_RGB2220       111u
#define SYSMEM1_PIXEL_FORMAT_TYPE_L8            112u
#define SYSMEM1_PIXEL_FORMAT_TYPE_R8            113u
#define SYSMEM1_PIXEL_FORMAT_TYPE_R8G8          114u
#define SYSMEM1_PIXEL_FORMAT_TYPE_A2R10G10B10   115u
#define SYSMEM1_PIXEL_FORMAT_TYPE_A2B10G10R10   116u
#define SYSMEM1_PIXEL_FORMAT_TYPE_DO_NOT_CARE   0xfffffffeu

/* ColorSpaceType (strict enum : uint32) */
typedef uint32_t sysmem1_color_space_type_t;
#define SYSMEM1_COLOR_SPACE_TYPE_INVALID                0u
#define SYSMEM1_COLOR_SPACE_TYPE_SRGB                   1u
#define SYSMEM1_COLOR_SPACE_TYPE_REC601_NTSC            2u
#define SYSMEM1_COLOR_SPACE_TYPE_REC601_NTSC_FULL_RANGE 3u
#define SYSMEM1_COLOR_SPACE_TYPE_REC601_PAL             4u
#define SYSMEM1_COLOR_SPACE_TYPE_REC601_PAL_FULL_RANGE  5u
#define SYSMEM1_COLOR_SPACE_TYPE_REC709                 6u
#define SYSMEM1_COLOR_SPACE_TYPE_REC2020                7u
#define SYSMEM1_COLOR_SPACE_TYPE_REC2100                8u
#define SYSMEM1_COLOR_SPACE_TYPE_PASS_THROUGH           9u
#define SYSMEM1_COLOR_SPACE_TYPE_DO_NOT_CARE            0xfffffffeu

/* CoherencyDomain (strict enum : uint32) */
typedef uint32_t sysmem1_coherency_domain_t;
#define SYSMEM1_COHERENCY_DOMAIN_CPU            0u
#define SYSMEM1_COHERENCY_DOMAIN_RAM            1u
#define SYSMEM1_COHERENCY_DOMAIN_INACCESSIBLE   2u

/* Usage bits: as SYSMEM2_* plus v1's protected-video bit */
#define SYSMEM1_VIDEO_USAGE_HW_PROTECTED        0x4u

/* Format modifiers (v1 spelling; GOOGLE differs from images2!) */
#define SYSMEM1_FORMAT_MODIFIER_NONE            UINT64_C(0)
#define SYSMEM1_FORMAT_MODIFIER_LINEAR          UINT64_C(0)
#define SYSMEM1_FORMAT_MODIFIER_INVALID         UINT64_C(0x00ffffffffffffff)
#define SYSMEM1_FORMAT_MODIFIER_GOOGLE_GOLDFISH_OPTIMAL UINT64_C(0x0900000000000001)

/* ---------------------------------------------------------------------- */
/* Structs (offsets are wire offsets)                                      */

#define SYSMEM1_BUFFER_USAGE_WIRE_SIZE                  20
typedef struct sysmem1_buffer_usage {
    uint32_t none;          /* 0 */
    uint32_t cpu;           /* 4 */
    uint32_t vulkan;        /* 8 */
    uint32_t display;       /* 12 */
    uint32_t video;         /* 16 */
} sysmem1_buffer_usage_t;

#define SYSMEM1_FORMAT_MODIFIER_WIRE_SIZE               8
typedef struct sysmem1_format_modifier {
    uint64_t value;
} sysmem1_format_modifier_t;

#define SYSMEM1_PIXEL_FORMAT_WIRE_SIZE                  16
typedef struct sysmem1_pixel_format {
    sysmem1_pixel_format_type_t type;               /* 0 */
    bool has_format_modifier;                       /* 4 */
    sysmem1_format_modifier_t format_modifier;      /* 8 */
} sysmem1_pixel_format_t;

#define SYSMEM1_COLOR_SPACE_WIRE_SIZE                   4
typedef struct sysmem1_color_space {
    sysmem1_color_space_type_t type;
} sysmem1_color_space_t;

#define SYSMEM1_IMAGE_FORMAT_CONSTRAINTS_WIRE_SIZE      232
typedef struct sysmem1_image_format_constraints {
    sysmem1_pixel_format_t pixel_format;            /* 0 */
    uint32_t color_spaces_count;                    /* 16 */
    sysmem1_color_space_t
        color_space[SYSMEM1_MAX_COUNT_IMAGE_FORMAT_CONSTRAINTS_COLOR_SPACES]; /* 20 */
    uint32_t min_coded_width;                       /* 148 */
    uint32_t max_coded_width;
    uint32_t min_coded_height;
    uint32_t max_coded_height;
    uint32_t min_bytes_per_row;
    uint32_t max_bytes_per_row;
    uint32_t max_coded_width_times_coded_height;
    uint32_t layers;
    uint32_t coded_width_divisor;
    uint32_t coded_height_divisor;
    uint32_t bytes_per_row_divisor;
    uint32_t start_offset_divisor;
    uint32_t display_width_divisor;
    uint32_t display_height_divisor;
    uint32_t required_min_coded_width;
    uint32_t required_max_coded_width;
    uint32_t required_min_coded_height;
    uint32_t required_max_coded_height;
    uint32_t required_min_bytes_per_row;
    uint32_t required_max_bytes_per_row;            /* 224 */
} sysmem1_image_format_constraints_t;

#define SYSMEM1_BUFFER_MEMORY_CONSTRAINTS_WIRE_SIZE     280
typedef struct sysmem1_buffer_memory_constraints {
    uint32_t min_size_bytes;                        /* 0 */
    uint32_t max_size_bytes;                        /* 4 */
    bool physically_contiguous_required;            /* 8 */
    bool secure_required;                           /* 9 */
    bool ram_domain_supported;                      /* 10 */
    bool cpu_domain_supported;                      /* 11 */
    bool inaccessible_domain_supported;             /* 12 */
    uint32_t heap_permitted_count;                  /* 16 */
    sysmem1_heap_type_t
        heap_permitted[SYSMEM1_MAX_COUNT_BUFFER_MEMORY_CONSTRAINTS_HEAP_PERMITTED]; /* 24 */
} sysmem1_buffer_memory_constraints_t;

#define SYSMEM1_BUFFER_COLLECTION_CONSTRAINTS_WIRE_SIZE 7760
typedef struct sysmem1_buffer_collection_constraints {
    sysmem1_buffer_usage_t usage;                   /* 0 */
    uint32_t min_buffer_count_for_camping;          /* 20 */
    uint32_t min_buffer_count_for_dedicated_slack;  /* 24 */
    uint32_t min_buffer_count_for_shared_slack;     /* 28 */
    uint32_t min_buffer_count;                      /* 32 */
    uint32_t max_buffer_count;                      /* 36 */
    bool has_buffer_memory_constraints;             /* 40 */
    sysmem1_buffer_memory_constraints_t buffer_memory_constraints; /* 48 */
    uint32_t image_format_constraints_count;        /* 328 */
    sysmem1_image_format_constraints_t
        image_format_constraints[SYSMEM1_MAX_COUNT_BUFFER_COLLECTION_CONSTRAINTS_IMAGE_FORMAT_CONSTRAINTS]; /* 336 */
} sysmem1_buffer_collection_constraints_t;

#define SYSMEM1_BUFFER_COLLECTION_CONSTRAINTS_AUX_BUFFERS_WIRE_SIZE 2
typedef struct sysmem1_buffer_collection_constraints_aux_buffers {
    bool need_clear_aux_buffers_for_secure;
    bool allow_clear_aux_buffers_for_secure;
} sysmem1_buffer_collection_constraints_aux_buffers_t;

#define SYSMEM1_BUFFER_MEMORY_SETTINGS_WIRE_SIZE        24
typedef struct sysmem1_buffer_memory_settings {
    uint32_t size_bytes;                            /* 0 */
    bool is_physically_contiguous;                  /* 4 */
    bool is_secure;                                 /* 5 */
    sysmem1_coherency_domain_t coherency_domain;    /* 8 */
    sysmem1_heap_type_t heap;                       /* 16 */
} sysmem1_buffer_memory_settings_t;

#define SYSMEM1_SINGLE_BUFFER_SETTINGS_WIRE_SIZE        264
typedef struct sysmem1_single_buffer_settings {
    sysmem1_buffer_memory_settings_t buffer_settings;           /* 0 */
    bool has_image_format_constraints;                          /* 24 */
    sysmem1_image_format_constraints_t image_format_constraints; /* 32 */
} sysmem1_single_buffer_settings_t;

#define SYSMEM1_VMO_BUFFER_WIRE_SIZE                    16
typedef struct sysmem1_vmo_buffer {
    fidl_handle_t vmo;                              /* 0: handle<VMO>:optional */
    uint64_t vmo_usable_start;                      /* 8 */
} sysmem1_vmo_buffer_t;

#define SYSMEM1_BUFFER_COLLECTION_INFO_2_WIRE_SIZE      1296
typedef struct sysmem1_buffer_collection_info_2 {
    uint32_t buffer_count;                          /* 0 */
    sysmem1_single_buffer_settings_t settings;      /* 8 */
    sysmem1_vmo_buffer_t
        buffers[SYSMEM1_MAX_COUNT_BUFFER_COLLECTION_INFO_BUFFERS]; /* 272 */
} sysmem1_buffer_collection_info_2_t;

#define SYSMEM1_IMAGE_FORMAT_2_WIRE_SIZE                56
typedef struct sysmem1_image_format_2 {
    sysmem1_pixel_format_t pixel_format;            /* 0 */
    uint32_t coded_width;                           /* 16 */
    uint32_t coded_height;                          /* 20 */
    uint32_t bytes_per_row;                         /* 24 */
    uint32_t display_width;                         /* 28 */
    uint32_t display_height;                        /* 32 */
    uint32_t layers;                                /* 36 */
    sysmem1_color_space_t color_space;              /* 40 */
    bool has_pixel_aspect_ratio;                    /* 44 */
    uint32_t pixel_aspect_ratio_width;              /* 48 */
    uint32_t pixel_aspect_ratio_height;             /* 52 */
} sysmem1_image_format_2_t;

/* ---------------------------------------------------------------------- */
/* Method payloads                                                         */

/* Allocator */
typedef struct sysmem1_allocator_allocate_non_shared_collection_request {
    fidl_handle_t collection_request;       /* server_end:BufferCollection */
} sysmem1_allocator_allocate_non_shared_collection_request_t;

typedef struct sysmem1_allocator_allocate_shared_collection_request {
    fidl_handle_t token_request;            /* server_end:BufferCollectionToken */
} sysmem1_allocator_allocate_shared_collection_request_t;

typedef struct sysmem1_allocator_bind_shared_collection_request {
    fidl_handle_t token;                    /* client_end:BufferCollectionToken */
    fidl_handle_t buffer_collection_request; /* server_end:BufferCollection */
} sysmem1_allocator_bind_shared_collection_request_t;

typedef struct sysmem1_allocator_validate_buffer_collection_token_request {
    uint64_t token_server_koid;
} sysmem1_allocator_validate_buffer_collection_token_request_t;

typedef struct sysmem1_allocator_validate_buffer_collection_token_response {
    bool is_known;
} sysmem1_allocator_validate_buffer_collection_token_response_t;

/* Allocator.SetDebugClientInfo and Node.SetDebugClientInfo */
typedef struct sysmem1_set_debug_client_info_request {
    uint32_t name_len;
    char name[SYSMEM1_MAX_NAME_LENGTH + 1];
    uint64_t id;
} sysmem1_set_debug_client_info_request_t;

typedef struct sysmem1_allocator_connect_to_sysmem2_allocator_request {
    fidl_handle_t allocator_request;        /* server_end:fuchsia.sysmem2/Allocator */
} sysmem1_allocator_connect_to_sysmem2_allocator_request_t;

/* Node */
typedef struct sysmem1_node_set_name_request {
    uint32_t priority;
    uint32_t name_len;
    char name[SYSMEM1_MAX_NAME_LENGTH + 1];
} sysmem1_node_set_name_request_t;

typedef struct sysmem1_node_set_debug_timeout_log_deadline_request {
    int64_t deadline;
} sysmem1_node_set_debug_timeout_log_deadline_request_t;

typedef struct sysmem1_node_get_node_ref_response {
    fidl_handle_t node_ref;                 /* handle:EVENT */
} sysmem1_node_get_node_ref_response_t;

typedef struct sysmem1_node_is_alternate_for_request {
    fidl_handle_t node_ref;                 /* handle:EVENT */
} sysmem1_node_is_alternate_for_request_t;

typedef struct sysmem1_node_is_alternate_for_response {
    bool is_alternate;
} sysmem1_node_is_alternate_for_response_t;

/* strict result union: response (1) or zx.Status err (2) */
typedef struct sysmem1_node_is_alternate_for_result {
    uint64_t tag;
    int32_t err;
    sysmem1_node_is_alternate_for_response_t response;
} sysmem1_node_is_alternate_for_result_t;

/* BufferCollectionToken (and TokenGroup.CreateChildrenSync) */
typedef struct sysmem1_duplicate_sync_request {
    uint32_t rights_attenuation_masks_count;
    uint32_t rights_attenuation_masks[SYSMEM1_MAX_COUNT_DUPLICATES];
} sysmem1_duplicate_sync_request_t;

typedef struct sysmem1_duplicate_sync_response {
    uint32_t tokens_count;                  /* client_end:BufferCollectionToken */
    fidl_handle_t tokens[SYSMEM1_MAX_COUNT_DUPLICATES];
} sysmem1_duplicate_sync_response_t;

typedef struct sysmem1_buffer_collection_token_duplicate_request {
    uint32_t rights_attenuation_mask;
    fidl_handle_t token_request;            /* server_end:BufferCollectionToken */
} sysmem1_buffer_collection_token_duplicate_request_t;

typedef struct sysmem1_buffer_collection_token_create_buffer_collection_token_group_request {
    fidl_handle_t group_request;            /* server_end:BufferCollectionTokenGroup */
} sysmem1_buffer_collection_token_create_buffer_collection_token_group_request_t;

/* BufferCollection */
typedef struct sysmem1_buffer_collection_set_constraints_request {
    bool has_constraints;                                   /* 0 */
    sysmem1_buffer_collection_constraints_t constraints;    /* 8 */
} sysmem1_buffer_collection_set_constraints_request_t;

typedef struct sysmem1_buffer_collection_wait_for_buffers_allocated_response {
    int32_t status;                                         /* 0 */
    sysmem1_buffer_collection_info_2_t buffer_collection_info; /* 8 */
} sysmem1_buffer_collection_wait_for_buffers_allocated_response_t;

typedef struct sysmem1_buffer_collection_check_buffers_allocated_response {
    int32_t status;
} sysmem1_buffer_collection_check_buffers_allocated_response_t;

typedef struct sysmem1_buffer_collection_attach_token_request {
    uint32_t rights_attenuation_mask;
    fidl_handle_t token_request;            /* server_end:BufferCollectionToken */
} sysmem1_buffer_collection_attach_token_request_t;

typedef struct sysmem1_buffer_collection_attach_lifetime_tracking_request {
    fidl_handle_t server_end;               /* handle:EVENTPAIR */
    uint32_t buffers_remaining;
} sysmem1_buffer_collection_attach_lifetime_tracking_request_t;

/* legacy (before API 9) */
typedef struct sysmem1_buffer_collection_set_constraints_aux_buffers_request {
    sysmem1_buffer_collection_constraints_aux_buffers_t constraints;
} sysmem1_buffer_collection_set_constraints_aux_buffers_request_t;

typedef sysmem1_buffer_collection_wait_for_buffers_allocated_response_t
    sysmem1_buffer_collection_get_aux_buffers_response_t;

/* BufferCollectionTokenGroup */
typedef struct sysmem1_buffer_collection_token_group_create_child_request {
    bool has_token_request;                 /* table! */
    fidl_handle_t token_request;
    bool has_rights_attenuation_mask;
    uint32_t rights_attenuation_mask;
} sysmem1_buffer_collection_token_group_create_child_request_t;

/* ---------------------------------------------------------------------- */
/* Descriptors                                                             */

extern const fidl_type_t sysmem1_heap_type_type;
extern const fidl_type_t sysmem1_pixel_format_type_type;
extern const fidl_type_t sysmem1_color_space_type_type;
extern const fidl_type_t sysmem1_coherency_domain_type;
extern const fidl_type_t sysmem1_buffer_usage_type;
extern const fidl_type_t sysmem1_format_modifier_type;
extern const fidl_type_t sysmem1_pixel_format_type;
extern const fidl_type_t sysmem1_color_space_type;
extern const fidl_type_t sysmem1_image_format_constraints_type;
extern const fidl_type_t sysmem1_buffer_memory_constraints_type;
extern const fidl_type_t sysmem1_buffer_collection_constraints_type;
extern const fidl_type_t sysmem1_buffer_collection_constraints_aux_buffers_type;
extern const fidl_type_t sysmem1_buffer_memory_settings_type;
extern const fidl_type_t sysmem1_single_buffer_settings_type;
extern const fidl_type_t sysmem1_vmo_buffer_type;
extern const fidl_type_t sysmem1_buffer_collection_info_2_type;
extern const fidl_type_t sysmem1_image_format_2_type;

extern const fidl_type_t sysmem1_allocator_allocate_non_shared_collection_request_type;
extern const fidl_type_t sysmem1_allocator_allocate_shared_collection_request_type;
extern const fidl_type_t sysmem1_allocator_bind_shared_collection_request_type;
extern const fidl_type_t sysmem1_allocator_validate_buffer_collection_token_request_type;
extern const fidl_type_t sysmem1_allocator_validate_buffer_collection_token_response_type;
extern const fidl_type_t sysmem1_set_debug_client_info_request_type;
extern const fidl_type_t sysmem1_allocator_connect_to_sysmem2_allocator_request_type;
extern const fidl_type_t sysmem1_node_set_name_request_type;
extern const fidl_type_t sysmem1_node_set_debug_timeout_log_deadline_request_type;
extern const fidl_type_t sysmem1_node_get_node_ref_response_type;
extern const fidl_type_t sysmem1_node_is_alternate_for_request_type;
extern const fidl_type_t sysmem1_node_is_alternate_for_result_type;
extern const fidl_type_t sysmem1_duplicate_sync_request_type;
extern const fidl_type_t sysmem1_duplicate_sync_response_type;
extern const fidl_type_t sysmem1_buffer_collection_token_duplicate_request_type;
extern const fidl_type_t sysmem1_buffer_collection_token_create_buffer_collection_token_group_request_type;
extern const fidl_type_t sysmem1_buffer_collection_set_constraints_request_type;
extern const fidl_type_t sysmem1_buffer_collection_wait_for_buffers_allocated_response_type;
extern const fidl_type_t sysmem1_buffer_collection_check_buffers_allocated_response_type;
extern const fidl_type_t sysmem1_buffer_collection_attach_token_request_type;
extern const fidl_type_t sysmem1_buffer_collection_attach_lifetime_tracking_request_type;
extern const fidl_type_t sysmem1_buffer_collection_set_constraints_aux_buffers_request_type;
extern const fidl_type_t sysmem1_buffer_collection_token_group_create_child_request_type;

#endif /* SYSMEM_SYSMEM_V1_H */
