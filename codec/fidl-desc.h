/*
 * Macros that build fidl_type_t descriptors.  Private to the codec and its
 * tests: descriptors are data, these only spell the data compactly.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SYSMEM_CODEC_FIDL_DESC_H
#define SYSMEM_CODEC_FIDL_DESC_H

#include "sysmem/fidl.h"

#define FIDL_DESC_ENUM(var, ctype, flg, vals) \
    const fidl_type_t var = { \
        .kind = FIDL_KIND_ENUM, .flags = (flg), \
        .nmembers = FIDL_COUNT_OF(vals), \
        .wire_size = sizeof(ctype), .wire_align = sizeof(ctype), \
        .c_size = sizeof(ctype), .c_align = _Alignof(ctype), \
        .values = (vals), .name = #var }

/* A flexible enum: every value is valid, no member list needed. */
#define FIDL_DESC_FLEX_ENUM(var, ctype, flg) \
    const fidl_type_t var = { \
        .kind = FIDL_KIND_ENUM, .flags = (flg), \
        .wire_size = sizeof(ctype), .wire_align = sizeof(ctype), \
        .c_size = sizeof(ctype), .c_align = _Alignof(ctype), \
        .name = #var }

#define FIDL_DESC_BITS(var, ctype, flg, mask) \
    const fidl_type_t var = { \
        .kind = FIDL_KIND_BITS, .flags = (flg), \
        .wire_size = sizeof(ctype), .wire_align = sizeof(ctype), \
        .c_size = sizeof(ctype), .c_align = _Alignof(ctype), \
        .bits_mask = (mask), .name = #var }

#define FIDL_DESC_HANDLE(var, objtype, rts, flg) \
    const fidl_type_t var = { \
        .kind = FIDL_KIND_HANDLE, .flags = (flg), \
        .wire_size = 4, .wire_align = 4, \
        .c_size = sizeof(fidl_handle_t), .c_align = _Alignof(fidl_handle_t), \
        .obj_type = (objtype), .rights = (rts), .name = #var }

/* string:max.  c_size: the {u32 len; char data[max + 1]} element form. */
#define FIDL_DESC_STRING(var, max, flg) \
    const fidl_type_t var = { \
        .kind = FIDL_KIND_STRING, .flags = (flg), \
        .wire_size = 16, .wire_align = 8, \
        .c_size = ((4 + (max) + 1 + 3) / 4) * 4, .c_align = 4, \
        .max_count = (max), .name = #var }

/* vector<elem>:max; ctype is the C form when used as an element, or void */
#define FIDL_DESC_VECTOR(var, el, max, flg, csize, calign) \
    const fidl_type_t var = { \
        .kind = FIDL_KIND_VECTOR, .flags = (flg), \
        .wire_size = 16, .wire_align = 8, \
        .c_size = (csize), .c_align = (calign), \
        .max_count = (max), .elem = &(el), .name = #var }

#define FIDL_DESC_ARRAY(var, el, count, el_wire_size, el_wire_align, el_ctype) \
    const fidl_type_t var = { \
        .kind = FIDL_KIND_ARRAY, \
        .wire_size = (count) * (el_wire_size), .wire_align = (el_wire_align), \
        .c_size = (count) * sizeof(el_ctype), .c_align = _Alignof(el_ctype), \
        .max_count = (count), .elem = &(el), .name = #var }

#define FIDL_DESC_STRUCT(var, ctype, wsize, walign, flds) \
    const fidl_type_t var = { \
        .kind = FIDL_KIND_STRUCT, \
        .nmembers = FIDL_COUNT_OF(flds), \
        .wire_size = (wsize), .wire_align = (walign), \
        .c_size = sizeof(ctype), .c_align = _Alignof(ctype), \
        .fields = (flds), .name = #var }

#define FIDL_DESC_TABLE(var, ctype, flg, flds) \
    const fidl_type_t var = { \
        .kind = FIDL_KIND_TABLE, .flags = (flg), \
        .nmembers = FIDL_COUNT_OF(flds), \
        .wire_size = 16, .wire_align = 8, \
        .c_size = sizeof(ctype), .c_align = _Alignof(ctype), \
        .fields = (flds), .name = #var }

#define FIDL_DESC_EMPTY_TABLE(var, ctype, flg) \
    const fidl_type_t var = { \
        .kind = FIDL_KIND_TABLE, .flags = (flg), \
        .wire_size = 16, .wire_align = 8, \
        .c_size = sizeof(ctype), .c_align = _Alignof(ctype), \
        .name = #var }

#define FIDL_DESC_UNION(var, ctype, flg, flds) \
    const fidl_type_t var = { \
        .kind = FIDL_KIND_UNION, .flags = (flg), \
        .nmembers = FIDL_COUNT_OF(flds), \
        .wire_size = 16, .wire_align = 8, \
        .c_size = sizeof(ctype), .c_align = _Alignof(ctype), \
        .fields = (flds), .name = #var }

/*
 * Result union of a flexible two-way method: 1 response, 2 err (when the
 * method has an error type), 3 framework_err.  Strict: other ordinals fail.
 */
#define FIDL_DESC_RESULT(var, ctype, resp_type, err_type) \
    static const fidl_field_t var##_fields[] = { \
        FIDL_FIELD_UNION(ctype, response, FIDL_RESULT_RESPONSE, &(resp_type)), \
        FIDL_FIELD_UNION(ctype, err, FIDL_RESULT_ERR, &(err_type)), \
        FIDL_FIELD_UNION(ctype, framework_err, FIDL_RESULT_FRAMEWORK_ERR, \
                         &fidl_framework_err_type), \
    }; \
    FIDL_DESC_UNION(var, ctype, FIDL_TF_STRICT | FIDL_TF_RESOURCE, var##_fields)

#define FIDL_DESC_RESULT_NOERR(var, ctype, resp_type) \
    static const fidl_field_t var##_fields[] = { \
        FIDL_FIELD_UNION(ctype, response, FIDL_RESULT_RESPONSE, &(resp_type)), \
        FIDL_FIELD_UNION(ctype, framework_err, FIDL_RESULT_FRAMEWORK_ERR, \
                         &fidl_framework_err_type), \
    }; \
    FIDL_DESC_UNION(var, ctype, FIDL_TF_STRICT | FIDL_TF_RESOURCE, var##_fields)

/* Strict result union of a strict method with `error` (v1). */
#define FIDL_DESC_RESULT_STRICT(var, ctype, resp_type, err_type) \
    static const fidl_field_t var##_fields[] = { \
        FIDL_FIELD_UNION(ctype, response, FIDL_RESULT_RESPONSE, &(resp_type)), \
        FIDL_FIELD_UNION(ctype, err, FIDL_RESULT_ERR, &(err_type)), \
    }; \
    FIDL_DESC_UNION(var, ctype, FIDL_TF_STRICT | FIDL_TF_RESOURCE, var##_fields)

#endif /* SYSMEM_CODEC_FIDL_DESC_H */
