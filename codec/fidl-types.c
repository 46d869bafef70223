/*
 * Descriptors of the FIDL built-in types.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "sysmem/fidl.h"
#include "fidl-desc.h"

#define FIDL_DESC_PRIM(var, k, ctype, flg) \
    const fidl_type_t var = { \
        .kind = (k), .flags = (flg), \
        .wire_size = sizeof(ctype), .wire_align = sizeof(ctype), \
        .c_size = sizeof(ctype), .c_align = _Alignof(ctype), \
        .name = #var }

FIDL_DESC_PRIM(fidl_bool_type, FIDL_KIND_BOOL, uint8_t, 0);
FIDL_DESC_PRIM(fidl_int8_type, FIDL_KIND_INT, int8_t, FIDL_TF_SIGNED);
FIDL_DESC_PRIM(fidl_int16_type, FIDL_KIND_INT, int16_t, FIDL_TF_SIGNED);
FIDL_DESC_PRIM(fidl_int32_type, FIDL_KIND_INT, int32_t, FIDL_TF_SIGNED);
FIDL_DESC_PRIM(fidl_int64_type, FIDL_KIND_INT, int64_t, FIDL_TF_SIGNED);
FIDL_DESC_PRIM(fidl_uint8_type, FIDL_KIND_INT, uint8_t, 0);
FIDL_DESC_PRIM(fidl_uint16_type, FIDL_KIND_INT, uint16_t, 0);
FIDL_DESC_PRIM(fidl_uint32_type, FIDL_KIND_INT, uint32_t, 0);
FIDL_DESC_PRIM(fidl_uint64_type, FIDL_KIND_INT, uint64_t, 0);
FIDL_DESC_PRIM(fidl_float32_type, FIDL_KIND_INT, uint32_t, 0);
FIDL_DESC_PRIM(fidl_float64_type, FIDL_KIND_INT, uint64_t, 0);

_Static_assert(sizeof(bool) == 1, "the codec stores FIDL bools as C bool");

const fidl_type_t fidl_empty_struct_type = {
    .kind = FIDL_KIND_STRUCT,
    .wire_size = 1,
    .wire_align = 1,
    .c_size = sizeof(fidl_empty_struct_t),
    .c_align = _Alignof(fidl_empty_struct_t),
    .name = "fidl_empty_struct",
};

static const uint64_t fidl_framework_err_values[] = {
    (uint64_t)(int64_t)FIDL_FRAMEWORK_ERR_UNKNOWN_METHOD,
};
FIDL_DESC_ENUM(fidl_framework_err_type, int32_t,
               FIDL_TF_STRICT | FIDL_TF_SIGNED, fidl_framework_err_values);
