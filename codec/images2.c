/*
 * Descriptors of the fuchsia.images2 / fuchsia.math types sysmem2 uses.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "sysmem/images2.h"
#include "fidl-desc.h"

FIDL_DESC_FLEX_ENUM(images2_pixel_format_type, images2_pixel_format_t, 0);
FIDL_DESC_FLEX_ENUM(images2_color_space_type, images2_color_space_t, 0);
FIDL_DESC_FLEX_ENUM(images2_pixel_format_modifier_type,
                    images2_pixel_format_modifier_t, 0);

static const fidl_field_t images2_size_u_fields[] = {
    FIDL_FIELD_STRUCT(images2_size_u_t, width, 0, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(images2_size_u_t, height, 4, &fidl_uint32_type),
};
FIDL_DESC_STRUCT(images2_size_u_type, images2_size_u_t, 8, 4,
                 images2_size_u_fields);

static const fidl_field_t images2_rect_u_fields[] = {
    FIDL_FIELD_STRUCT(images2_rect_u_t, x, 0, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(images2_rect_u_t, y, 4, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(images2_rect_u_t, width, 8, &fidl_uint32_type),
    FIDL_FIELD_STRUCT(images2_rect_u_t, height, 12, &fidl_uint32_type),
};
FIDL_DESC_STRUCT(images2_rect_u_type, images2_rect_u_t, 16, 4,
                 images2_rect_u_fields);
