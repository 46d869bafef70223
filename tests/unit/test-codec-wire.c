/*
 * FIDL wire format v2 codec: the golden vectors of the GIDL conformance
 * suite (docs/reference/fidl-wire-format.md section 4), one test per
 * validation rule, and the transactional header.
 *
 * Each GIDL type is re-declared here as a descriptor plus a C struct.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>

#include "sysmem/fidl.h"
#include "codec/fidl-desc.h"
#include "codec-test-util.h"

#define H_CHANNEL(h) { .handle = (h), .type = FIDL_OBJ_TYPE_CHANNEL, \
                       .rights = FIDL_RIGHT_SAME_RIGHTS }
#define H_EVENT(h, r) { .handle = (h), .type = FIDL_OBJ_TYPE_EVENT, \
                        .rights = (r) }

/* ---------------------------------------------------------------------- */
/* Test types                                                              */

static FIDL_DESC_HANDLE(plain_handle, FIDL_OBJ_TYPE_NONE,
                        FIDL_RIGHT_SAME_RIGHTS, 0);
static FIDL_DESC_HANDLE(optional_handle, FIDL_OBJ_TYPE_NONE,
                        FIDL_RIGHT_SAME_RIGHTS, FIDL_TF_NULLABLE);
static FIDL_DESC_HANDLE(channel_handle, FIDL_OBJ_TYPE_CHANNEL,
                        FIDL_RIGHT_SAME_RIGHTS, 0);
static FIDL_DESC_HANDLE(event_d003_handle, FIDL_OBJ_TYPE_EVENT, 0xd003, 0);
static FIDL_DESC_STRING(string64, 64, 0);
static FIDL_DESC_STRING(string5, 5, 0);
static FIDL_DESC_STRING(string_unbounded, 0xffffffffu, 0);

/* table SimpleTable { 1: x int64; 5: y int64; } */
typedef struct {
    bool has_x;
    int64_t x;
    bool has_y;
    int64_t y;
} simple_table_t;
static const fidl_field_t simple_table_fields[] = {
    FIDL_FIELD_TABLE(simple_table_t, x, 1, &fidl_int64_type),
    FIDL_FIELD_TABLE(simple_table_t, y, 5, &fidl_int64_type),
};
static FIDL_DESC_TABLE(simple_table, simple_table_t, 0, simple_table_fields);

typedef struct {
    uint8_t unused;
} empty_table_t;
static FIDL_DESC_EMPTY_TABLE(empty_table, empty_table_t, 0);

/* table TableWithGaps { 2: second int32; 4: fourth int32; } */
typedef struct {
    bool has_second;
    int32_t second;
    bool has_fourth;
    int32_t fourth;
} table_gaps_t;
static const fidl_field_t table_gaps_fields[] = {
    FIDL_FIELD_TABLE(table_gaps_t, second, 2, &fidl_int32_type),
    FIDL_FIELD_TABLE(table_gaps_t, fourth, 4, &fidl_int32_type),
};
static FIDL_DESC_TABLE(table_gaps, table_gaps_t, 0, table_gaps_fields);

/* table { 1: foo string; 2: bar int32; 3: baz vector<uint8>; } */
typedef struct {
    bool has_foo;
    uint32_t foo_len;
    char foo[65];
    bool has_bar;
    int32_t bar;
    bool has_baz;
    uint32_t baz_count;
    uint8_t baz[64];
} table_str_vec_t;
static FIDL_DESC_VECTOR(bytes64, fidl_uint8_type, 64, 0, 0, 1);
static const fidl_field_t table_str_vec_fields[] = {
    FIDL_FIELD_TABLE_STR(table_str_vec_t, foo, 1, &string64),
    FIDL_FIELD_TABLE(table_str_vec_t, bar, 2, &fidl_int32_type),
    FIDL_FIELD_TABLE_VEC(table_str_vec_t, baz, 3, &bytes64),
};
static FIDL_DESC_TABLE(table_str_vec, table_str_vec_t, 0,
                       table_str_vec_fields);

/* resource table { 1: f handle:CHANNEL; } */
typedef struct {
    bool has_f;
    fidl_handle_t f;
} table_handle_t;
static const fidl_field_t table_handle_fields[] = {
    FIDL_FIELD_TABLE(table_handle_t, f, 1, &channel_handle),
};
static FIDL_DESC_TABLE(table_handle, table_handle_t, FIDL_TF_RESOURCE,
                       table_handle_fields);

/* table { 1: f int32; } and table { 1: f int64; } */
typedef struct {
    bool has_f;
    int32_t f;
} table_i32_t;
static const fidl_field_t table_i32_fields[] = {
    FIDL_FIELD_TABLE(table_i32_t, f, 1, &fidl_int32_type),
};
static FIDL_DESC_TABLE(table_i32, table_i32_t, 0, table_i32_fields);
typedef struct {
    bool has_f;
    int64_t f;
} table_i64_t;
static const fidl_field_t table_i64_fields[] = {
    FIDL_FIELD_TABLE(table_i64_t, f, 1, &fidl_int64_type),
};
static FIDL_DESC_TABLE(table_i64, table_i64_t, 0, table_i64_fields);

/* flexible resource union { 1: small uint32; 2: large uint64; 3: handle } */
typedef struct {
    uint64_t tag;
    uint32_t small;
    uint64_t large;
    fidl_handle_t handle;
} inlining_union_t;
static const fidl_field_t inlining_union_fields[] = {
    FIDL_FIELD_UNION(inlining_union_t, small, 1, &fidl_uint32_type),
    FIDL_FIELD_UNION(inlining_union_t, large, 2, &fidl_uint64_type),
    FIDL_FIELD_UNION(inlining_union_t, handle, 3, &plain_handle),
};
static FIDL_DESC_UNION(inlining_union, inlining_union_t, FIDL_TF_RESOURCE,
                       inlining_union_fields);

/* strict union { 1: boundFiveStr string:5; } */
typedef struct {
    uint64_t tag;
    uint32_t s_len;
    char s[6];
} bound_str_union_t;
static const fidl_field_t bound_str_union_fields[] = {
    FIDL_FIELD_UNION(bound_str_union_t, s_len, 1, &string5),
};
static FIDL_DESC_UNION(bound_str_union, bound_str_union_t, FIDL_TF_STRICT,
                       bound_str_union_fields);

/* flexible union SampleXUnion { 1: u uint32; }, plus strict/optional */
typedef struct {
    uint64_t tag;
    uint32_t u;
} xunion_t;
static const fidl_field_t xunion_fields[] = {
    FIDL_FIELD_UNION(xunion_t, u, 1, &fidl_uint32_type),
};
static FIDL_DESC_UNION(xunion, xunion_t, 0, xunion_fields);
static FIDL_DESC_UNION(xunion_opt, xunion_t, FIDL_TF_NULLABLE, xunion_fields);
static FIDL_DESC_UNION(strict_xunion, xunion_t, FIDL_TF_STRICT, xunion_fields);
static FIDL_DESC_UNION(strict_xunion_opt, xunion_t,
                       FIDL_TF_STRICT | FIDL_TF_NULLABLE, xunion_fields);

/* struct { before string; xu SampleXUnion; after string; } */
typedef struct {
    uint32_t before_len;
    char before[65];
    xunion_t xu;
    uint32_t after_len;
    char after[65];
} xunion_in_struct_t;
static const fidl_field_t xunion_in_struct_fields[] = {
    FIDL_FIELD_STRUCT_STR(xunion_in_struct_t, before, 0, &string64),
    FIDL_FIELD_STRUCT(xunion_in_struct_t, xu, 16, &xunion),
    FIDL_FIELD_STRUCT_STR(xunion_in_struct_t, after, 32, &string64),
};
static FIDL_DESC_STRUCT(xunion_in_struct, xunion_in_struct_t, 48, 8,
                        xunion_in_struct_fields);
static const fidl_field_t opt_xunion_in_struct_fields[] = {
    FIDL_FIELD_STRUCT_STR(xunion_in_struct_t, before, 0, &string64),
    FIDL_FIELD_STRUCT(xunion_in_struct_t, xu, 16, &xunion_opt),
    FIDL_FIELD_STRUCT_STR(xunion_in_struct_t, after, 32, &string64),
};
static FIDL_DESC_STRUCT(opt_xunion_in_struct, xunion_in_struct_t, 48, 8,
                        opt_xunion_in_struct_fields);

/* strict union U { 1: vec vector<U:optional>; }, two C levels */
typedef struct {
    uint64_t tag;
    uint32_t vec_count;
} rec_inner_t;
typedef struct {
    uint64_t tag;
    uint32_t vec_count;
    rec_inner_t vec[1];
} rec_outer_t;
static const fidl_type_t rec_inner;
static FIDL_DESC_VECTOR(rec_inner_vec, rec_inner, 0, 0, 0, 8);
static const fidl_field_t rec_inner_fields[] = {
    FIDL_FIELD_UNION(rec_inner_t, vec_count, 1, &rec_inner_vec),
};
static FIDL_DESC_UNION(rec_inner, rec_inner_t,
                       FIDL_TF_STRICT | FIDL_TF_NULLABLE, rec_inner_fields);
static FIDL_DESC_VECTOR(rec_outer_vec, rec_inner, 1, 0, 0, 8);
static const fidl_field_t rec_outer_fields[] = {
    FIDL_FIELD_UNION(rec_outer_t, vec_count, 1, &rec_outer_vec),
};
static FIDL_DESC_UNION(rec_outer, rec_outer_t, FIDL_TF_STRICT,
                       rec_outer_fields);

/* struct { v vector<vector<uint8>>; } */
typedef struct {
    uint32_t count;
    uint8_t data[8];
} byte_vec_t;
static FIDL_DESC_VECTOR(byte_vec8, fidl_uint8_type, 8, 0,
                        sizeof(byte_vec_t), 4);
static FIDL_DESC_VECTOR(byte_vec_vec, byte_vec8, 4, 0, 0, 8);
typedef struct {
    uint32_t v_count;
    byte_vec_t v[4];
} vec_of_vec_t;
static const fidl_field_t vec_of_vec_fields[] = {
    FIDL_FIELD_STRUCT_VEC(vec_of_vec_t, v, 0, &byte_vec_vec),
};
static FIDL_DESC_STRUCT(vec_of_vec, vec_of_vec_t, 16, 8, vec_of_vec_fields);

/* struct { before string; es EmptyStruct; after string; } */
typedef struct {
    uint32_t before_len;
    char before[65];
    fidl_empty_struct_t es;
    uint32_t after_len;
    char after[65];
} empty_sandwich_t;
static const fidl_field_t empty_sandwich_fields[] = {
    FIDL_FIELD_STRUCT_STR(empty_sandwich_t, before, 0, &string64),
    FIDL_FIELD_STRUCT(empty_sandwich_t, es, 16, &fidl_empty_struct_type),
    FIDL_FIELD_STRUCT_STR(empty_sandwich_t, after, 24, &string64),
};
static FIDL_DESC_STRUCT(empty_sandwich, empty_sandwich_t, 40, 8,
                        empty_sandwich_fields);

/* resource struct { v vector<handle:optional>; } */
typedef struct {
    uint32_t v_count;
    fidl_handle_t v[8];
} vec_opt_handles_t;
static FIDL_DESC_VECTOR(opt_handle_vec, optional_handle, 8, 0, 0, 4);
static const fidl_field_t vec_opt_handles_fields[] = {
    FIDL_FIELD_STRUCT_VEC(vec_opt_handles_t, v, 0, &opt_handle_vec),
};
static FIDL_DESC_STRUCT(vec_opt_handles, vec_opt_handles_t, 16, 8,
                        vec_opt_handles_fields);

/* struct { u StrictXUnion:optional; } */
typedef struct {
    xunion_t u;
} opt_union_struct_t;
static const fidl_field_t opt_union_struct_fields[] = {
    FIDL_FIELD_STRUCT(opt_union_struct_t, u, 0, &strict_xunion_opt),
};
static FIDL_DESC_STRUCT(opt_union_struct, opt_union_struct_t, 16, 8,
                        opt_union_struct_fields);

/* struct { str string; } (unbounded: validation only) */
typedef struct {
    uint32_t str_len;
} string_struct_t;
static const fidl_field_t string_struct_fields[] = {
    FIDL_FIELD_STRUCT_STR(string_struct_t, str, 0, &string_unbounded),
};
static const fidl_type_t string_struct = {
    .kind = FIDL_KIND_STRUCT, .flags = FIDL_TF_NO_C, .nmembers = 1,
    .wire_size = 16, .wire_align = 8, .fields = string_struct_fields,
    .name = "string_struct",
};

/* struct { v vector<uint8>:64; } */
typedef struct {
    uint32_t v_count;
    uint8_t v[64];
} byte_vec_struct_t;
static const fidl_field_t byte_vec_struct_fields[] = {
    FIDL_FIELD_STRUCT_VEC(byte_vec_struct_t, v, 0, &bytes64),
};
static FIDL_DESC_STRUCT(byte_vec_struct, byte_vec_struct_t, 16, 8,
                        byte_vec_struct_fields);

/* struct { v vector<string:<2, optional>>:4; } */
typedef struct {
    uint32_t len;
    char data[3];
} str2_t;
static FIDL_DESC_STRING(opt_string2, 2, FIDL_TF_NULLABLE);
static FIDL_DESC_VECTOR(opt_string2_vec, opt_string2, 4, 0, 0, 8);
typedef struct {
    uint32_t v_count;
    str2_t v[4];
} vec_opt_str_t;
static const fidl_field_t vec_opt_str_fields[] = {
    FIDL_FIELD_STRUCT_VEC(vec_opt_str_t, v, 0, &opt_string2_vec),
};
static FIDL_DESC_STRUCT(vec_opt_str, vec_opt_str_t, 16, 8,
                        vec_opt_str_fields);

/* union { 1: field int8; } in a struct */
typedef struct {
    uint64_t tag;
    int8_t field;
} int8_union_t;
static const fidl_field_t int8_union_fields[] = {
    FIDL_FIELD_UNION(int8_union_t, field, 1, &fidl_int8_type),
};
static FIDL_DESC_UNION(int8_union, int8_union_t, 0, int8_union_fields);

/* struct { a int8; b int32; } */
typedef struct {
    int8_t a;
    int32_t b;
} int8_int32_t;
static const fidl_field_t int8_int32_fields[] = {
    FIDL_FIELD_STRUCT(int8_int32_t, a, 0, &fidl_int8_type),
    FIDL_FIELD_STRUCT(int8_int32_t, b, 4, &fidl_int32_type),
};
static FIDL_DESC_STRUCT(int8_int32, int8_int32_t, 8, 4, int8_int32_fields);

/* struct { h handle:optional; } / { h handle; } / { h handle:<EVENT,0xd003> } */
typedef struct {
    fidl_handle_t h;
} handle_struct_t;
static const fidl_field_t opt_handle_struct_fields[] = {
    FIDL_FIELD_STRUCT(handle_struct_t, h, 0, &optional_handle),
};
static FIDL_DESC_STRUCT(opt_handle_struct, handle_struct_t, 4, 4,
                        opt_handle_struct_fields);
static const fidl_field_t handle_struct_fields[] = {
    FIDL_FIELD_STRUCT(handle_struct_t, h, 0, &plain_handle),
};
static FIDL_DESC_STRUCT(handle_struct, handle_struct_t, 4, 4,
                        handle_struct_fields);
static const fidl_field_t event_struct_fields[] = {
    FIDL_FIELD_STRUCT(handle_struct_t, h, 0, &event_d003_handle),
};
static FIDL_DESC_STRUCT(event_struct, handle_struct_t, 4, 4,
                        event_struct_fields);

/* strict enum : uint8 { 1, 2, 3 }, strict bits : uint16 { 1, 2 } */
static const uint64_t enum_u8_values[] = { 1, 2, 3 };
static FIDL_DESC_ENUM(strict_enum_u8, uint8_t, FIDL_TF_STRICT, enum_u8_values);
static const uint64_t enum_i16_values[] = { (uint64_t)-5, 7 };
static FIDL_DESC_ENUM(strict_enum_i16, int16_t,
                      FIDL_TF_STRICT | FIDL_TF_SIGNED, enum_i16_values);
static FIDL_DESC_BITS(strict_bits_u16, uint16_t, FIDL_TF_STRICT, 0x3);
static FIDL_DESC_BITS(flexible_bits_u16, uint16_t, 0, 0x3);
typedef struct {
    uint8_t e;
} enum_struct_t;
static const fidl_field_t enum_struct_fields[] = {
    FIDL_FIELD_STRUCT(enum_struct_t, e, 0, &strict_enum_u8),
};
static FIDL_DESC_STRUCT(enum_struct, enum_struct_t, 1, 1, enum_struct_fields);

/* struct R { inner box<R>; } (recursive: validation only) */
static const fidl_type_t rec_struct;
static const fidl_type_t rec_box = {
    .kind = FIDL_KIND_BOX, .flags = FIDL_TF_NO_C | FIDL_TF_NULLABLE,
    .wire_size = 8, .wire_align = 8, .elem = &rec_struct, .name = "box<R>",
};
static const fidl_field_t rec_struct_fields[] = {
    { .type = &rec_box, .wire_offset = 0, .name = "inner" },
};
static const fidl_type_t rec_struct = {
    .kind = FIDL_KIND_STRUCT, .flags = FIDL_TF_NO_C, .nmembers = 1,
    .wire_size = 8, .wire_align = 8, .fields = rec_struct_fields,
    .name = "R",
};

/* test.error: foo(struct{s string}) -> (struct{y int64}) error uint32 */
typedef struct {
    int64_t y;
} foo_response_t;
static const fidl_field_t foo_response_fields[] = {
    FIDL_FIELD_STRUCT(foo_response_t, y, 0, &fidl_int64_type),
};
static FIDL_DESC_STRUCT(foo_response, foo_response_t, 8, 8,
                        foo_response_fields);
typedef struct {
    uint64_t tag;
    uint32_t err;
    int32_t framework_err;
    foo_response_t response;
} foo_result_t;
FIDL_DESC_RESULT_STRICT(foo_result, foo_result_t, foo_response,
                        fidl_uint32_type);
typedef struct {
    uint64_t tag;
    uint32_t err;
    int32_t framework_err;
    fidl_empty_struct_t response;
} empty_result_t;
FIDL_DESC_RESULT(flexible_empty_result, empty_result_t,
                 fidl_empty_struct_type, fidl_uint32_type);
typedef struct {
    uint32_t s_len;
    char s[65];
} foo_request_t;
static const fidl_field_t foo_request_fields[] = {
    FIDL_FIELD_STRUCT_STR(foo_request_t, s, 0, &string64),
};
static FIDL_DESC_STRUCT(foo_request, foo_request_t, 16, 8,
                        foo_request_fields);

/* struct { b bool; } */
typedef struct {
    bool b;
} bool_struct_t;
static const fidl_field_t bool_struct_fields[] = {
    FIDL_FIELD_STRUCT(bool_struct_t, b, 0, &fidl_bool_type),
};
static FIDL_DESC_STRUCT(bool_struct, bool_struct_t, 1, 1, bool_struct_fields);

/* ---------------------------------------------------------------------- */
/* Success cases S1..S12: encode and decode both ways                      */

static void test_s1_simple_table(void)
{
    simple_table_t v;

    memset(&v, 0, sizeof(v));
    v.has_x = true;
    v.x = 42;
    v.has_y = true;
    v.y = 67;
    expect_golden(&simple_table, &v,
        "05 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "08 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
        "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
        "08 00 00 00 00 00 00 00  2a 00 00 00 00 00 00 00"
        "43 00 00 00 00 00 00 00", NULL, 0);

    memset(&v, 0, sizeof(v));
    v.has_x = true;
    v.x = 42;
    expect_golden(&simple_table, &v,
        "01 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "08 00 00 00 00 00 00 00  2a 00 00 00 00 00 00 00", NULL, 0);

    memset(&v, 0, sizeof(v));
    expect_golden(&simple_table, &v,
        "00 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff", NULL, 0);
}

static void test_s1_empty_table(void)
{
    empty_table_t v;

    memset(&v, 0, sizeof(v));
    expect_golden(&empty_table, &v,
        "00 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff", NULL, 0);
    /* Decoders accept trailing absent envelopes (and unknown ones). */
    expect_decode(&empty_table,
        "02 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00", NULL, 0, FIDL_OK);
}

static void test_s2_table_with_gaps(void)
{
    table_gaps_t v;

    memset(&v, 0, sizeof(v));
    v.has_second = true;
    v.second = 1;
    v.has_fourth = true;
    v.fourth = 2;
    expect_golden(&table_gaps, &v,
        "04 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "00 00 00 00 00 00 00 00  01 00 00 00 00 00 01 00"
        "00 00 00 00 00 00 00 00  02 00 00 00 00 00 01 00", NULL, 0);
}

static void test_s3_table_string_vector(void)
{
    table_str_vec_t v;

    memset(&v, 0, sizeof(v));
    v.has_foo = true;
    SET_STR(v.foo_len, v.foo, "hello");
    v.has_bar = true;
    v.bar = 27;
    expect_golden(&table_str_vec, &v,
        "02 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "18 00 00 00 00 00 00 00  1b 00 00 00 00 00 01 00"
        "05 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "68 65 6c 6c 6f 00 00 00", NULL, 0);
}

static void test_s4_table_inlined_handle(void)
{
    table_handle_t v;
    fidl_handle_info_t h[] = { H_CHANNEL(0x1234) };

    memset(&v, 0, sizeof(v));
    v.has_f = true;
    v.f = 0x1234;
    expect_golden(&table_handle, &v,
        "01 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "ff ff ff ff 01 00 01 00", h, 1);
}

static void test_s5_union_inlining(void)
{
    inlining_union_t v;
    fidl_handle_info_t h[] = { H_CHANNEL(0x77) };

    memset(&v, 0, sizeof(v));
    v.tag = 1;
    v.small = 100;
    expect_golden(&inlining_union, &v,
        "01 00 00 00 00 00 00 00  64 00 00 00 00 00 01 00", NULL, 0);

    memset(&v, 0, sizeof(v));
    v.tag = 2;
    v.large = 100;
    expect_golden(&inlining_union, &v,
        "02 00 00 00 00 00 00 00  08 00 00 00 00 00 00 00"
        "64 00 00 00 00 00 00 00", NULL, 0);

    memset(&v, 0, sizeof(v));
    v.tag = 3;
    v.handle = 0x77;
    expect_golden(&inlining_union, &v,
        "03 00 00 00 00 00 00 00  ff ff ff ff 01 00 01 00", h, 1);
}

static void test_s6_union_bound_string(void)
{
    bound_str_union_t v;

    memset(&v, 0, sizeof(v));
    v.tag = 1;
    SET_STR(v.s_len, v.s, "abcd");
    expect_golden(&bound_str_union, &v,
        "01 00 00 00 00 00 00 00  18 00 00 00 00 00 00 00"
        "04 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "61 62 63 64 00 00 00 00", NULL, 0);
}

static void test_s7_xunion_in_struct(void)
{
    xunion_in_struct_t v;

    memset(&v, 0, sizeof(v));
    SET_STR(v.before_len, v.before, "before");
    v.xu.tag = 1;
    v.xu.u = 0xdeadbeef;
    SET_STR(v.after_len, v.after, "after");
    expect_golden(&xunion_in_struct, &v,
        "06 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "01 00 00 00 00 00 00 00  ef be ad de 00 00 01 00"
        "05 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "62 65 66 6f 72 65 00 00  61 66 74 65 72 00 00 00", NULL, 0);

    /* OptionalXUnionInStructAbsent */
    v.xu.tag = 0;
    v.xu.u = 0;
    expect_golden(&opt_xunion_in_struct, &v,
        "06 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
        "05 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "62 65 66 6f 72 65 00 00  61 66 74 65 72 00 00 00", NULL, 0);
}

static void test_s8_recursive_vector_union(void)
{
    rec_outer_t v;

    memset(&v, 0, sizeof(v));
    v.tag = 1;
    v.vec_count = 1;
    v.vec[0].tag = 1;
    v.vec[0].vec_count = 0;
    expect_golden(&rec_outer, &v,
        "01 00 00 00 00 00 00 00  30 00 00 00 00 00 00 00"
        "01 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "01 00 00 00 00 00 00 00  10 00 00 00 00 00 00 00"
        "00 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff", NULL, 0);
}

static void test_s9_vector_of_byte_vector(void)
{
    vec_of_vec_t v;

    memset(&v, 0, sizeof(v));
    v.v_count = 3;
    v.v[0].count = 3;
    memcpy(v.v[0].data, "\x01\x02\x03", 3);
    v.v[1].count = 2;
    memcpy(v.v[1].data, "\x04\x05", 2);
    v.v[2].count = 4;
    memcpy(v.v[2].data, "\x06\x07\x08\x09", 4);
    expect_golden(&vec_of_vec, &v,
        "03 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "03 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "02 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "04 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "01 02 03 00 00 00 00 00  04 05 00 00 00 00 00 00"
        "06 07 08 09 00 00 00 00", NULL, 0);
}

static void test_s10_empty_struct_sandwich(void)
{
    empty_sandwich_t v;

    memset(&v, 0, sizeof(v));
    SET_STR(v.before_len, v.before, "before");
    SET_STR(v.after_len, v.after, "after");
    expect_golden(&empty_sandwich, &v,
        "06 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "00 00 00 00 00 00 00 00"
        "05 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "62 65 66 6f 72 65 00 00  61 66 74 65 72 00 00 00", NULL, 0);
}

static void test_s11_vector_of_optional_handles(void)
{
    vec_opt_handles_t v;
    fidl_handle_info_t h[] = { H_CHANNEL(0x55) };

    memset(&v, 0, sizeof(v));
    v.v_count = 3;
    v.v[1] = 0x55;
    expect_golden(&vec_opt_handles, &v,
        "03 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "00 00 00 00 ff ff ff ff  00 00 00 00 00 00 00 00", h, 1);
}

static void test_s12_optional_union_absent(void)
{
    opt_union_struct_t v;

    memset(&v, 0, sizeof(v));
    expect_golden(&opt_union_struct, &v,
        "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00", NULL, 0);
}

/* ---------------------------------------------------------------------- */
/* Failure cases F1..F26                                                   */

static void test_f1_bad_inline_marker(void)
{
    expect_decode(&table_i32,
        "01 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "7b 00 00 00 00 00 ff 00", NULL, 0,
        FIDL_ERR_INVALID_INLINE_MARKER_IN_ENVELOPE);
    expect_decode(&table_i32,
        "01 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "7b 00 00 00 00 00 01 ee", NULL, 0,
        FIDL_ERR_INVALID_INLINE_MARKER_IN_ENVELOPE);
}

static void test_f2_out_of_line_when_inline_required(void)
{
    expect_decode(&table_i32,
        "01 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "08 00 00 00 00 00 00 00  7b 00 00 00 00 00 00 00", NULL, 0,
        FIDL_ERR_INVALID_INLINE_BIT_IN_ENVELOPE);
}

static void test_f3_inline_when_out_of_line_required(void)
{
    expect_decode(&table_i64,
        "01 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "08 00 00 00 00 00 01 00", NULL, 0,
        FIDL_ERR_INVALID_INLINE_BIT_IN_ENVELOPE);
}

static void test_f4_unknown_bytes_not_multiple_of_8(void)
{
    expect_decode(&simple_table,
        "02 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "00 00 00 00 00 00 00 00  14 00 00 00 00 00 00 00"
        "ab ab ab ab ab ab ab ab  ab ab ab ab ab ab ab ab"
        "ab ab ab ab 00 00 00 00", NULL, 0,
        FIDL_ERR_INVALID_NUM_BYTES_IN_ENVELOPE);
}

static void test_f5_absent_table(void)
{
    expect_decode(&empty_table,
        "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00", NULL, 0,
        FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE);
    expect_decode(&empty_table,
        "00 00 00 00 00 00 00 00  ab ab ab ab ab ab ab ab", NULL, 0,
        FIDL_ERR_INVALID_PRESENCE_INDICATOR);
}

static void test_f6_table_count_exceeds_32_bits(void)
{
    expect_decode(&empty_table,
        "00 00 00 00 01 00 00 00  ff ff ff ff ff ff ff ff", NULL, 0,
        FIDL_ERR_TABLE_COUNT_EXCEEDS_32_BIT_LIMIT);
}

#define F7_BYTES \
    "d2 04 00 00 00 00 00 00  18 00 00 00 00 00 00 00" \
    "ab ab ab ab ab ab ab ab  ab ab ab ab ab ab ab ab" \
    "ab ab ab ab 00 00 00 00"

static void test_f7_strict_union_unknown(void)
{
    uint32_t n;
    g_autofree uint8_t *b = hex_bytes(F7_BYTES, &n);
    xunion_t v;
    uint8_t buf[64];
    uint32_t got;

    expect_decode(&strict_xunion, F7_BYTES, NULL, 0,
                  FIDL_ERR_STRICT_UNION_UNKNOWN_FIELD);
    /* As a flexible union the bytes decode to "unknown 1234"... */
    assert_fidl(fidl_decode(&xunion, b, n, NULL, 0, &v), FIDL_OK);
    g_assert_cmpuint(v.tag, ==, 1234);
    /* ...which cannot be re-encoded. */
    assert_fidl(fidl_encode(&xunion, &v, buf, sizeof(buf), &got, NULL, 0,
                            NULL), FIDL_ERR_UNKNOWN_UNION_TAG);
}

static void test_f8_required_union_absent(void)
{
    expect_decode(&strict_xunion,
        "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00", NULL, 0,
        FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE);
}

static void test_f9_zero_ordinal_with_payload(void)
{
    expect_decode(&opt_union_struct,
        "00 00 00 00 00 00 00 00  18 00 00 00 00 00 00 00"
        "ab ab ab ab ab ab ab ab  ab ab ab ab ab ab ab ab"
        "ab ab ab ab 00 00 00 00", NULL, 0,
        FIDL_ERR_UNION_FIELD_NOT_SET);
}

static void test_f10_invalid_num_handles(void)
{
    expect_decode(&xunion_in_struct,
        "06 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "01 00 00 00 00 00 00 00  ef be ad de 01 00 01 00"
        "05 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "62 65 66 6f 72 65 00 00  61 66 74 65 72 00 00 00", NULL, 0,
        FIDL_ERR_INVALID_NUM_HANDLES_IN_ENVELOPE);
}

static void test_f11_envelope_handles_exceed(void)
{
    expect_decode(&inlining_union,
        "01 00 00 00 00 00 00 00  00 00 00 00 01 00 01 00", NULL, 0,
        FIDL_ERR_ENVELOPE_HANDLES_EXCEED_MESSAGE_LENGTH);
}

static void test_f12_f14_string_header(void)
{
    expect_decode(&string_struct,
        "03 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00", NULL, 0,
        FIDL_ERR_NON_EMPTY_STRING_WITH_NULL_BODY);
    expect_decode(&string_struct,
        "03 00 00 00 00 00 00 00  00 00 00 00 00 00 00 01", NULL, 0,
        FIDL_ERR_INVALID_PRESENCE_INDICATOR);
    expect_decode(&string_struct,
        "00 00 00 00 01 00 00 00  ff ff ff ff ff ff ff ff", NULL, 0,
        FIDL_ERR_STRING_COUNT_EXCEEDS_32_BIT_LIMIT);
}

static void test_f15_vector_count_exceeds_message(void)
{
    static FIDL_DESC_VECTOR(bytes_unbounded, fidl_uint8_type, 0xffffffffu,
                            0, 0, 1);
    static const fidl_field_t f[] = {
        { .type = &bytes_unbounded, .wire_offset = 0, .name = "v" },
    };
    static const fidl_type_t t = {
        .kind = FIDL_KIND_STRUCT, .flags = FIDL_TF_NO_C, .nmembers = 1,
        .wire_size = 16, .wire_align = 8, .fields = f, .name = "vec_u8",
    };

    expect_decode(&t,
        "19 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "ab ab ab ab ab ab ab ab", NULL, 0, FIDL_ERR_TOO_FEW_BYTES);
    /* and a count that would overflow 32-bit size arithmetic */
    expect_decode(&t,
        "ff ff ff ff 00 00 00 00  ff ff ff ff ff ff ff ff", NULL, 0,
        FIDL_ERR_TOO_FEW_BYTES);
}

static void test_f16_string_in_vector_too_long(void)
{
    expect_decode(&vec_opt_str,
        "01 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "03 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "48 65 6c 6c 6f 00 00 00", NULL, 0, FIDL_ERR_STRING_TOO_LONG);
}

static void test_f17_f19_padding(void)
{
    expect_decode(&byte_vec_struct,
        "06 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "01 02 03 04 05 06 ee 00", NULL, 0, FIDL_ERR_INVALID_PADDING_BYTE);
    expect_decode(&int8_union,
        "01 00 00 00 00 00 00 00  01 ee 00 00 00 00 01 00", NULL, 0,
        FIDL_ERR_INVALID_PADDING_BYTE);
    expect_decode(&int8_int32,
        "01 00 ee 00 05 04 03 02", NULL, 0, FIDL_ERR_INVALID_PADDING_BYTE);
    /* struct tail padding of the primary object */
    expect_decode(&int8_union,
        "01 00 00 00 00 00 00 00  01 00 00 00 00 00 01 00", NULL, 0,
        FIDL_OK);
    expect_decode(&bool_struct, "01 00 00 00 00 00 00 ee", NULL, 0,
                  FIDL_ERR_INVALID_PADDING_BYTE);
    /* union inline slack */
    expect_decode(&xunion,
        "01 00 00 00 00 00 00 00  01 00 00 00 00 00 01 00", NULL, 0,
        FIDL_OK);
}

static void test_f20_f23_handles(void)
{
    fidl_handle_info_t one[] = { H_CHANNEL(5) };
    fidl_handle_info_t two[] = { H_CHANNEL(5), H_CHANNEL(6) };
    fidl_handle_info_t chan[] = { { .handle = 9, .type = FIDL_OBJ_TYPE_CHANNEL,
                                    .rights = 0xd003 } };
    fidl_handle_info_t weak_event[] = { H_EVENT(9, 0xc003) };
    fidl_handle_info_t strong_event[] = { H_EVENT(9, 0xf00f) };
    fidl_handle_info_t untyped[] = { { .handle = 9,
                                       .type = FIDL_OBJ_TYPE_NONE,
                                       .rights = FIDL_RIGHT_SAME_RIGHTS } };
    handle_struct_t v;
    uint32_t n;
    g_autofree uint8_t *b = hex_bytes("ff ff ff ff 00 00 00 00", &n);

    expect_decode(&opt_handle_struct, "ab ab ab ab 00 00 00 00", one, 1,
                  FIDL_ERR_INVALID_HANDLE_PRESENCE_INDICATOR);
    expect_decode(&handle_struct, "00 00 00 00 00 00 00 00", NULL, 0,
                  FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE);
    expect_decode(&handle_struct, "ff ff ff ff 00 00 00 00", two, 2,
                  FIDL_ERR_TOO_MANY_HANDLES_IN_MESSAGE);
    expect_decode(&handle_struct, "ff ff ff ff 00 00 00 00", NULL, 0,
                  FIDL_ERR_TOO_FEW_HANDLES);
    expect_decode(&event_struct, "ff ff ff ff 00 00 00 00", chan, 1,
                  FIDL_ERR_INCORRECT_HANDLE_TYPE);
    expect_decode(&event_struct, "ff ff ff ff 00 00 00 00", weak_event, 1,
                  FIDL_ERR_MISSING_REQUIRED_HANDLE_RIGHTS);

    /* Extra rights are dropped, like zx_handle_replace. */
    assert_fidl(fidl_decode(&event_struct, b, n, strong_event, 1, &v),
                FIDL_OK);
    g_assert_cmpuint(v.h, ==, 9);
    g_assert_cmpuint(strong_event[0].rights, ==, 0xd003);
    /* A transport that does not know type/rights gets the schema's. */
    assert_fidl(fidl_decode(&event_struct, b, n, untyped, 1, &v), FIDL_OK);
    g_assert_cmpuint(untyped[0].rights, ==, 0xd003);
}

static void test_f24_unconsumed_bytes(void)
{
    expect_decode(&fidl_empty_struct_type,
        "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00", NULL, 0,
        FIDL_ERR_TOO_MANY_BYTES_IN_MESSAGE);
    expect_decode(&fidl_empty_struct_type, "00", NULL, 0,
                  FIDL_ERR_TOO_FEW_BYTES_IN_PRIMARY_OBJECT);
    expect_decode(&fidl_empty_struct_type, "00 00 00 00 00 00 00 00", NULL, 0,
                  FIDL_OK);
}

static void test_f25_strict_enum(void)
{
    expect_decode(&enum_struct, "aa 00 00 00 00 00 00 00", NULL, 0,
                  FIDL_ERR_STRICT_ENUM_UNKNOWN_VALUE);
    expect_decode(&enum_struct, "03 00 00 00 00 00 00 00", NULL, 0, FIDL_OK);
}

static char *rec_boxes(int depth)
{
    GString *s = g_string_new(NULL);

    for (int i = 0; i < depth; i++) {
        g_string_append(s, "ff ff ff ff ff ff ff ff ");
    }
    g_string_append(s, "00 00 00 00 00 00 00 00");
    return g_string_free(s, FALSE);
}

static void test_f26_depth(void)
{
    g_autofree char *ok = rec_boxes(32);
    g_autofree char *deep = rec_boxes(33);

    expect_decode(&rec_struct, ok, NULL, 0, FIDL_OK);
    expect_decode(&rec_struct, deep, NULL, 0,
                  FIDL_ERR_EXCEEDED_MAX_OUT_OF_LINE_DEPTH);
}

/* ---------------------------------------------------------------------- */
/* Rules the reference lists beyond its numbered vectors                   */

static void test_rule_invalid_boolean(void)
{
    expect_decode(&bool_struct, "02 00 00 00 00 00 00 00", NULL, 0,
                  FIDL_ERR_INVALID_BOOLEAN);
    expect_decode(&bool_struct, "01 00 00 00 00 00 00 00", NULL, 0, FIDL_OK);
}

static void test_rule_invalid_empty_struct(void)
{
    expect_decode(&fidl_empty_struct_type, "01 00 00 00 00 00 00 00", NULL,
                  0, FIDL_ERR_INVALID_EMPTY_STRUCT);
}

static void test_rule_vector_header(void)
{
    expect_decode(&byte_vec_struct,
        "02 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00", NULL, 0,
        FIDL_ERR_NON_EMPTY_VECTOR_WITH_NULL_BODY);
    expect_decode(&byte_vec_struct,
        "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00", NULL, 0,
        FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE);
    expect_decode(&byte_vec_struct,
        "00 00 00 00 01 00 00 00  ff ff ff ff ff ff ff ff", NULL, 0,
        FIDL_ERR_VECTOR_COUNT_EXCEEDS_32_BIT_LIMIT);
    expect_decode(&byte_vec_struct,
        "41 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff", NULL, 0,
        FIDL_ERR_COUNT_EXCEEDS_LIMIT);
    expect_decode(&byte_vec_struct,
        "00 00 00 00 00 00 00 00  ff ff ff ff ff ff ff 00", NULL, 0,
        FIDL_ERR_INVALID_PRESENCE_INDICATOR);
    /* present and empty: no body */
    expect_decode(&byte_vec_struct,
        "00 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff", NULL, 0, FIDL_OK);
}

static void test_rule_optional_string_absent(void)
{
    vec_opt_str_t v;

    memset(&v, 0, sizeof(v));
    v.v_count = 2;
    v.v[0].len = FIDL_ABSENT_COUNT;
    SET_STR(v.v[1].len, v.v[1].data, "hi");
    expect_golden(&vec_opt_str, &v,
        "02 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
        "02 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "68 69 00 00 00 00 00 00", NULL, 0);
}

static void test_rule_utf8(void)
{
    static const struct {
        const char *bytes;
        bool ok;
    } cases[] = {
        { "", true },
        { "hi", true },
        { "\xc3\xa9", true },                   /* é */
        { "\xe2\x82\xac", true },               /* € */
        { "\xf0\x9f\x98\x80", true },           /* U+1F600 */
        { "\xf4\x8f\xbf\xbf", true },           /* U+10FFFF */
        { "\x80", false },                      /* stray continuation */
        { "\xc0\xaf", false },                  /* overlong */
        { "\xe0\x80\xaf", false },              /* overlong */
        { "\xed\xa0\x80", false },              /* surrogate */
        { "\xf4\x90\x80\x80", false },          /* > U+10FFFF */
        { "\xf5\x80\x80\x80", false },
        { "\xe2\x82", false },                  /* truncated */
        { "\xff", false },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_assert_cmpint(fidl_utf8_valid((const uint8_t *)cases[i].bytes,
                                        strlen(cases[i].bytes)), ==,
                        cases[i].ok);
    }
    expect_decode(&foo_request,
        "02 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "c0 af 00 00 00 00 00 00", NULL, 0, FIDL_ERR_STRING_NOT_UTF8);
}

static void test_rule_string_bound(void)
{
    bound_str_union_t v;
    uint8_t buf[64];
    uint32_t n;

    expect_decode(&bound_str_union,
        "01 00 00 00 00 00 00 00  18 00 00 00 00 00 00 00"
        "06 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "61 62 63 64 65 66 00 00", NULL, 0, FIDL_ERR_STRING_TOO_LONG);
    memset(&v, 0, sizeof(v));
    v.tag = 1;
    v.s_len = 6;
    assert_fidl(fidl_encode(&bound_str_union, &v, buf, sizeof(buf), &n,
                            NULL, 0, NULL), FIDL_ERR_STRING_TOO_LONG);
}

static void test_rule_envelope_counts(void)
{
    /* unknown envelope claiming more bytes than the message has */
    expect_decode(&table_i32,
        "02 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "00 00 00 00 00 00 00 00  20 00 00 00 00 00 00 00"
        "00 00 00 00 00 00 00 00", NULL, 0,
        FIDL_ERR_ENVELOPE_BYTES_EXCEED_MESSAGE_LENGTH);
    /* unknown envelope claiming more handles than the message has */
    expect_decode(&table_i32,
        "02 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "00 00 00 00 00 00 00 00  00 00 00 00 02 00 01 00", NULL, 0,
        FIDL_ERR_ENVELOPE_HANDLES_EXCEED_MESSAGE_LENGTH);
    /* known out-of-line member whose num_bytes lies */
    expect_decode(&table_i64,
        "01 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "10 00 00 00 00 00 00 00  05 00 00 00 00 00 00 00", NULL, 0,
        FIDL_ERR_INVALID_NUM_BYTES_IN_ENVELOPE);
    /* resource member whose num_handles lies */
    {
        fidl_handle_info_t h[] = { H_CHANNEL(1), H_CHANNEL(2) };
        expect_decode(&table_handle,
            "01 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
            "ff ff ff ff 02 00 01 00", h, 2,
            FIDL_ERR_INVALID_NUM_HANDLES_IN_ENVELOPE);
    }
    /* unknown members are skipped; their handles are flagged for closing */
    {
        fidl_handle_info_t h[] = { H_CHANNEL(1), H_CHANNEL(2) };
        table_handle_t v;
        uint32_t n;
        g_autofree uint8_t *b = hex_bytes(
            "03 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
            "ff ff ff ff 01 00 01 00  00 00 00 00 00 00 00 00"
            "08 00 00 00 01 00 00 00  ff ff ff ff 00 00 00 00", &n);

        assert_fidl(fidl_decode(&table_handle, b, n, h, 2, &v), FIDL_OK);
        g_assert_true(v.has_f);
        g_assert_cmpuint(v.f, ==, 1);
        g_assert_cmpuint(h[0].flags, ==, 0);
        g_assert_cmpuint(h[1].flags, ==, FIDL_HANDLE_FLAG_UNKNOWN);
    }
}

static void test_rule_bits_enums(void)
{
    uint8_t b[8] = { 0 };
    uint16_t v;
    int16_t e;

    b[0] = 0x03;
    assert_fidl(fidl_decode(&strict_bits_u16, b, 8, NULL, 0, &v), FIDL_OK);
    b[0] = 0x07;
    assert_fidl(fidl_decode(&strict_bits_u16, b, 8, NULL, 0, &v),
                FIDL_ERR_STRICT_BITS_UNKNOWN_BIT);
    assert_fidl(fidl_decode(&flexible_bits_u16, b, 8, NULL, 0, &v), FIDL_OK);
    g_assert_cmpuint(v, ==, 7);
    /* signed enum: -5 is 0xfffb on the wire */
    b[0] = 0xfb;
    b[1] = 0xff;
    assert_fidl(fidl_decode(&strict_enum_i16, b, 8, NULL, 0, &e), FIDL_OK);
    g_assert_cmpint(e, ==, -5);
    b[0] = 0xfa;
    assert_fidl(fidl_decode(&strict_enum_i16, b, 8, NULL, 0, &e),
                FIDL_ERR_STRICT_ENUM_UNKNOWN_VALUE);
    e = 8;
    assert_fidl(fidl_encode(&strict_enum_i16, &e, b, 8, NULL, NULL, 0, NULL),
                FIDL_ERR_STRICT_ENUM_UNKNOWN_VALUE);
    v = 4;
    assert_fidl(fidl_encode(&strict_bits_u16, &v, b, 8, NULL, NULL, 0, NULL),
                FIDL_ERR_STRICT_BITS_UNKNOWN_BIT);
}

static void test_rule_message_limits(void)
{
    g_autofree uint8_t *big = g_malloc0(FIDL_MAX_MSG_BYTES + 8);
    fidl_handle_info_t h[FIDL_MAX_MSG_HANDLES + 1];
    vec_opt_handles_t v;
    uint8_t buf[64];
    uint32_t n;

    memset(h, 0, sizeof(h));
    assert_fidl(fidl_decode(&fidl_empty_struct_type, big,
                            FIDL_MAX_MSG_BYTES + 8, NULL, 0, NULL),
                FIDL_ERR_EXCEEDED_MAX_MESSAGE_BYTES);
    assert_fidl(fidl_decode(&fidl_empty_struct_type, big, 8, h,
                            FIDL_MAX_MSG_HANDLES + 1, NULL),
                FIDL_ERR_EXCEEDED_MAX_MESSAGE_HANDLES);
    assert_fidl(fidl_decode_msg(&fidl_empty_struct_type, big,
                                FIDL_MAX_MSG_BYTES + 8, NULL, 0, NULL, NULL),
                FIDL_ERR_EXCEEDED_MAX_MESSAGE_BYTES);

    /* encoder: caller buffers too small */
    memset(&v, 0, sizeof(v));
    v.v_count = 3;
    v.v[0] = 1;
    v.v[1] = 2;
    assert_fidl(fidl_encode(&vec_opt_handles, &v, buf, 16, &n, h, 2, NULL),
                FIDL_ERR_BUFFER_TOO_SMALL);
    assert_fidl(fidl_encode(&vec_opt_handles, &v, buf, sizeof(buf), &n, h, 1,
                            NULL), FIDL_ERR_HANDLE_BUFFER_TOO_SMALL);
    assert_fidl(fidl_encode(&vec_opt_handles, &v, buf, sizeof(buf), &n, h, 2,
                            NULL), FIDL_OK);
    g_assert_cmpuint(n, ==, 32);
}

static void test_rule_encode_required(void)
{
    handle_struct_t hs = { 0 };
    xunion_t u = { 0 };
    byte_vec_struct_t bv;
    uint8_t buf[64];

    memset(&bv, 0, sizeof(bv));
    assert_fidl(fidl_encode(&handle_struct, &hs, buf, sizeof(buf), NULL,
                            NULL, 0, NULL),
                FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE);
    assert_fidl(fidl_encode(&xunion, &u, buf, sizeof(buf), NULL, NULL, 0,
                            NULL), FIDL_ERR_UNION_FIELD_NOT_SET);
    bv.v_count = FIDL_ABSENT_COUNT;
    assert_fidl(fidl_encode(&byte_vec_struct, &bv, buf, sizeof(buf), NULL,
                            NULL, 0, NULL),
                FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE);
    bv.v_count = 65;
    assert_fidl(fidl_encode(&byte_vec_struct, &bv, buf, sizeof(buf), NULL,
                            NULL, 0, NULL), FIDL_ERR_COUNT_EXCEEDS_LIMIT);
}

/* ---------------------------------------------------------------------- */
/* Transactional messages (section 1 of the reference)                     */

static void test_header_rules(void)
{
    fidl_message_header_t hdr;
    uint32_t n;
    g_autofree uint8_t *ok = hex_bytes(
        "01 00 00 00 02 00 00 01  44 1e 41 dc 79 11 5f 0f", &n);
    uint8_t b[16];

    assert_fidl(fidl_header_decode(ok, 16, &hdr), FIDL_OK);
    g_assert_cmpuint(hdr.txid, ==, 1);
    g_assert_cmphex(hdr.ordinal, ==, 0x0f5f1179dc411e44ull);
    g_assert_false(fidl_header_is_flexible(&hdr));
    assert_fidl(fidl_header_decode(ok, 15, &hdr),
                FIDL_ERR_INVALID_HEADER_SIZE);

    memcpy(b, ok, 16);
    b[7] = 0xff;
    assert_fidl(fidl_header_decode(b, 16, &hdr),
                FIDL_ERR_INVALID_MAGIC_NUMBER);
    memcpy(b, ok, 16);
    b[4] = 0x00;
    assert_fidl(fidl_header_decode(b, 16, &hdr),
                FIDL_ERR_UNSUPPORTED_WIRE_FORMAT);
    /* other at-rest bits and dynamic bits are ignored */
    memcpy(b, ok, 16);
    b[4] = 0xff;
    b[5] = 0xff;
    b[6] = 0x7f;
    assert_fidl(fidl_header_decode(b, 16, &hdr), FIDL_OK);
    g_assert_false(fidl_header_is_flexible(&hdr));
    b[6] = 0x80;
    assert_fidl(fidl_header_decode(b, 16, &hdr), FIDL_OK);
    g_assert_true(fidl_header_is_flexible(&hdr));

    /* txid rules */
    hdr.txid = 0;
    assert_fidl(fidl_header_check_txid(&hdr, true), FIDL_ERR_INVALID_TXID);
    assert_fidl(fidl_header_check_txid(&hdr, false), FIDL_OK);
    hdr.txid = 7;
    assert_fidl(fidl_header_check_txid(&hdr, false), FIDL_ERR_INVALID_TXID);
    assert_fidl(fidl_header_check_txid(&hdr, true), FIDL_OK);

    /* encode */
    fidl_header_init(&hdr, 0xabcd, 0x10ff10ff10ff10ffull, true);
    fidl_header_encode(&hdr, b);
    {
        uint32_t wn;
        g_autofree uint8_t *want = hex_bytes(
            "cd ab 00 00 02 00 80 01  ff 10 ff 10 ff 10 ff 10", &wn);
        assert_bytes_eq(b, 16, want, wn);
    }

    /* a payload-less message is exactly 16 bytes */
    assert_fidl(fidl_decode_msg(NULL, ok, 16, NULL, 0, &hdr, NULL), FIDL_OK);
    {
        uint8_t longer[24] = { 0 };
        fidl_handle_info_t h[] = { H_CHANNEL(1) };
        memcpy(longer, ok, 16);
        assert_fidl(fidl_decode_msg(NULL, longer, 24, NULL, 0, NULL, NULL),
                    FIDL_ERR_TOO_MANY_BYTES_IN_MESSAGE);
        assert_fidl(fidl_decode_msg(NULL, longer, 16, h, 1, NULL, NULL),
                    FIDL_ERR_TOO_MANY_HANDLES_IN_MESSAGE);
    }
}

static void test_epitaph(void)
{
    uint8_t b[32];
    uint32_t n, wn;
    int32_t status = 0;
    g_autofree uint8_t *want = hex_bytes(
        "00 00 00 00 02 00 00 01  ff ff ff ff ff ff ff ff"
        "e8 ff ff ff 00 00 00 00", &wn);

    assert_fidl(fidl_encode_epitaph(FIDL_ZX_ERR_PEER_CLOSED, b, sizeof(b),
                                    &n), FIDL_OK);
    assert_bytes_eq(b, n, want, wn);
    assert_fidl(fidl_decode_epitaph(want, wn, &status), FIDL_OK);
    g_assert_cmpint(status, ==, -24);
    b[20] = 1;
    assert_fidl(fidl_decode_epitaph(b, n, &status),
                FIDL_ERR_INVALID_PADDING_BYTE);
    b[20] = 0;
    b[0] = 1;
    assert_fidl(fidl_decode_epitaph(b, n, &status), FIDL_ERR_INVALID_EPITAPH);
    assert_fidl(fidl_encode_epitaph(0, b, 23, &n), FIDL_ERR_BUFFER_TOO_SMALL);
}

static void test_unknown_method_reply(void)
{
    uint8_t b[64];
    uint32_t n, wn;
    g_autofree uint8_t *want = hex_bytes(
        "cd ab 00 00 02 00 80 01  ff 10 ff 10 ff 10 ff 10"
        "03 00 00 00 00 00 00 00  fe ff ff ff 00 00 01 00", &wn);
    empty_result_t r;

    assert_fidl(fidl_encode_unknown_method_reply(0xabcd, 0x10ff10ff10ff10ffull,
                                                 b, sizeof(b), &n), FIDL_OK);
    assert_bytes_eq(b, n, want, wn);
    /* a client decodes it as the framework_err arm of any result union */
    assert_fidl(fidl_decode_msg(&flexible_empty_result, want, wn, NULL, 0,
                                NULL, &r), FIDL_OK);
    g_assert_cmpuint(r.tag, ==, FIDL_RESULT_FRAMEWORK_ERR);
    g_assert_cmpint(r.framework_err, ==, -2);
    /* any other framework_err value is invalid (strict enum) */
    want[24] = 0xfd;
    assert_fidl(fidl_decode_msg(&flexible_empty_result, want, wn, NULL, 0,
                                NULL, &r),
                FIDL_ERR_STRICT_ENUM_UNKNOWN_VALUE);
    /* and so is an ordinal outside 1..3 (the union is strict) */
    want[24] = 0xfe;
    want[16] = 4;
    assert_fidl(fidl_decode_msg(&flexible_empty_result, want, wn, NULL, 0,
                                NULL, &r),
                FIDL_ERR_STRICT_UNION_UNKNOWN_FIELD);
}

static void test_unknown_interactions(void)
{
    static const struct {
        bool flexible;
        fidl_openness_t openness;
        uint32_t txid;
        fidl_unknown_action_t want;
    } cases[] = {
        { false, FIDL_PROTOCOL_OPEN, 0, FIDL_UNKNOWN_CLOSE_CHANNEL },
        { false, FIDL_PROTOCOL_OPEN, 5, FIDL_UNKNOWN_CLOSE_CHANNEL },
        { false, FIDL_PROTOCOL_AJAR, 0, FIDL_UNKNOWN_CLOSE_CHANNEL },
        { false, FIDL_PROTOCOL_CLOSED, 5, FIDL_UNKNOWN_CLOSE_CHANNEL },
        { true, FIDL_PROTOCOL_CLOSED, 0, FIDL_UNKNOWN_CLOSE_CHANNEL },
        { true, FIDL_PROTOCOL_CLOSED, 5, FIDL_UNKNOWN_CLOSE_CHANNEL },
        { true, FIDL_PROTOCOL_AJAR, 0, FIDL_UNKNOWN_IGNORE },
        { true, FIDL_PROTOCOL_AJAR, 5, FIDL_UNKNOWN_CLOSE_CHANNEL },
        { true, FIDL_PROTOCOL_OPEN, 0, FIDL_UNKNOWN_IGNORE },
        { true, FIDL_PROTOCOL_OPEN, 5, FIDL_UNKNOWN_REPLY },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        fidl_message_header_t hdr;

        fidl_header_init(&hdr, cases[i].txid, 0x10ff10ff10ff10ffull,
                         cases[i].flexible);
        g_assert_cmpint(fidl_unknown_method_action(&hdr, cases[i].openness),
                        ==, cases[i].want);
    }
}

static void test_result_union_golden(void)
{
    fidl_message_header_t hdr;
    foo_request_t req;
    foo_result_t res;
    empty_result_t er;
    uint8_t b[128];
    uint32_t n;

    fidl_header_init(&hdr, 1, 0x0f5f1179dc411e44ull, false);
    memset(&req, 0, sizeof(req));
    SET_STR(req.s_len, req.s, "hi");
    assert_fidl(fidl_encode_msg(&hdr, &foo_request, &req, b, sizeof(b), &n,
                                NULL, 0, NULL), FIDL_OK);
    {
        uint32_t wn;
        g_autofree uint8_t *want = hex_bytes(
            "01 00 00 00 02 00 00 01  44 1e 41 dc 79 11 5f 0f"
            "02 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
            "68 69 00 00 00 00 00 00", &wn);
        assert_bytes_eq(b, n, want, wn);
    }

    memset(&res, 0, sizeof(res));
    res.tag = FIDL_RESULT_RESPONSE;
    res.response.y = 5;
    expect_golden(&foo_result, &res,
        "01 00 00 00 00 00 00 00  08 00 00 00 00 00 00 00"
        "05 00 00 00 00 00 00 00", NULL, 0);

    memset(&res, 0, sizeof(res));
    res.tag = FIDL_RESULT_ERR;
    res.err = 7;
    expect_golden(&foo_result, &res,
        "02 00 00 00 00 00 00 00  07 00 00 00 00 00 01 00", NULL, 0);
    /* a strict method's result union has no framework_err arm */
    expect_decode(&foo_result,
        "03 00 00 00 00 00 00 00  fe ff ff ff 00 00 01 00", NULL, 0,
        FIDL_ERR_STRICT_UNION_UNKNOWN_FIELD);

    memset(&er, 0, sizeof(er));
    er.tag = FIDL_RESULT_RESPONSE;
    expect_golden(&flexible_empty_result, &er,
        "01 00 00 00 00 00 00 00  00 00 00 00 00 00 01 00", NULL, 0);
}

static void test_error_offset(void)
{
    uint32_t n, at = 0;
    g_autofree uint8_t *b = hex_bytes(
        "06 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "01 00 00 00 00 00 00 00  ef be ad de 00 00 01 00"
        "05 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "62 65 66 6f 72 65 00 00  61 66 74 65 72 00 ee 00", &n);

    /* padding after "after" (body at 56, 5 bytes) */
    assert_fidl(fidl_decode_at(&xunion_in_struct, b, n, NULL, 0, NULL, &at),
                FIDL_ERR_INVALID_PADDING_BYTE);
    g_assert_cmpuint(at, ==, 56);
    /* union envelope (at 24) with a bad inline marker */
    b[62] = 0;
    b[31] = 1;
    assert_fidl(fidl_decode_at(&xunion_in_struct, b, n, NULL, 0, NULL, &at),
                FIDL_ERR_INVALID_INLINE_MARKER_IN_ENVELOPE);
    g_assert_cmpuint(at, ==, 24);
    b[31] = 0;
    /* trailing bytes */
    {
        g_autofree uint8_t *longer = g_malloc0(n + 8);
        memcpy(longer, b, n);
        assert_fidl(fidl_decode_at(&xunion_in_struct, longer, n + 8, NULL, 0,
                                   NULL, &at),
                    FIDL_ERR_TOO_MANY_BYTES_IN_MESSAGE);
        g_assert_cmpuint(at, ==, n);
    }
    assert_fidl(fidl_decode_at(&xunion_in_struct, b, n, NULL, 0, NULL, &at),
                FIDL_OK);
}

static void test_api_misuse(void)
{
    uint8_t b[16] = { 0 };
    simple_table_t v;
    char out[64];

    assert_fidl(fidl_decode(NULL, b, 16, NULL, 0, NULL), FIDL_ERR_INVALID_ARGS);
    assert_fidl(fidl_decode(&simple_table, NULL, 16, NULL, 0, NULL),
                FIDL_ERR_INVALID_ARGS);
    assert_fidl(fidl_decode(&simple_table, b, 16, NULL, 1, NULL),
                FIDL_ERR_INVALID_ARGS);
    assert_fidl(fidl_encode(&simple_table, NULL, b, 16, NULL, NULL, 0, NULL),
                FIDL_ERR_INVALID_ARGS);
    memset(&v, 0, sizeof(v));
    assert_fidl(fidl_encode(&simple_table, &v, NULL, 16, NULL, NULL, 0, NULL),
                FIDL_ERR_INVALID_ARGS);
    /* validation-only (recursive) types have no C form */
    assert_fidl(fidl_decode(&rec_struct, b, 8, NULL, 0, out),
                FIDL_ERR_UNSUPPORTED_TYPE);
    assert_fidl(fidl_encode(&rec_struct, out, b, 16, NULL, NULL, 0, NULL),
                FIDL_ERR_UNSUPPORTED_TYPE);
}

static void test_strerror(void)
{
    g_assert_cmpstr(fidl_strerror(FIDL_OK), ==, "OK");
    g_assert_cmpstr(fidl_strerror(FIDL_ERR_INVALID_PADDING_BYTE), ==,
                    "INVALID_PADDING_BYTE");
    g_assert_cmpstr(fidl_strerror(-1), ==, "UNKNOWN_ERROR");
    g_assert_cmpstr(fidl_strerror(FIDL_ERR_COUNT_), ==, "UNKNOWN_ERROR");
    for (int e = 0; e < FIDL_ERR_COUNT_; e++) {
        g_assert_cmpstr(fidl_strerror(e), !=, "UNKNOWN_ERROR");
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/codec/golden/S1-simple-table", test_s1_simple_table);
    g_test_add_func("/codec/golden/S1-empty-table", test_s1_empty_table);
    g_test_add_func("/codec/golden/S2-table-with-gaps", test_s2_table_with_gaps);
    g_test_add_func("/codec/golden/S3-table-string-vector",
                    test_s3_table_string_vector);
    g_test_add_func("/codec/golden/S4-table-inlined-handle",
                    test_s4_table_inlined_handle);
    g_test_add_func("/codec/golden/S5-union-inlining", test_s5_union_inlining);
    g_test_add_func("/codec/golden/S6-union-bound-string",
                    test_s6_union_bound_string);
    g_test_add_func("/codec/golden/S7-xunion-in-struct",
                    test_s7_xunion_in_struct);
    g_test_add_func("/codec/golden/S8-recursive-vector-union",
                    test_s8_recursive_vector_union);
    g_test_add_func("/codec/golden/S9-vector-of-byte-vector",
                    test_s9_vector_of_byte_vector);
    g_test_add_func("/codec/golden/S10-empty-struct-sandwich",
                    test_s10_empty_struct_sandwich);
    g_test_add_func("/codec/golden/S11-vector-of-optional-handles",
                    test_s11_vector_of_optional_handles);
    g_test_add_func("/codec/golden/S12-optional-union-absent",
                    test_s12_optional_union_absent);

    g_test_add_func("/codec/golden/F1-bad-inline-marker",
                    test_f1_bad_inline_marker);
    g_test_add_func("/codec/golden/F2-out-of-line-when-inline-required",
                    test_f2_out_of_line_when_inline_required);
    g_test_add_func("/codec/golden/F3-inline-when-out-of-line-required",
                    test_f3_inline_when_out_of_line_required);
    g_test_add_func("/codec/golden/F4-unknown-bytes-not-multiple-of-8",
                    test_f4_unknown_bytes_not_multiple_of_8);
    g_test_add_func("/codec/golden/F5-absent-table", test_f5_absent_table);
    g_test_add_func("/codec/golden/F6-table-count-exceeds-32-bits",
                    test_f6_table_count_exceeds_32_bits);
    g_test_add_func("/codec/golden/F7-strict-union-unknown",
                    test_f7_strict_union_unknown);
    g_test_add_func("/codec/golden/F8-required-union-absent",
                    test_f8_required_union_absent);
    g_test_add_func("/codec/golden/F9-zero-ordinal-with-payload",
                    test_f9_zero_ordinal_with_payload);
    g_test_add_func("/codec/golden/F10-invalid-num-handles",
                    test_f10_invalid_num_handles);
    g_test_add_func("/codec/golden/F11-envelope-handles-exceed",
                    test_f11_envelope_handles_exceed);
    g_test_add_func("/codec/golden/F12-F14-string-header",
                    test_f12_f14_string_header);
    g_test_add_func("/codec/golden/F15-vector-count-exceeds-message",
                    test_f15_vector_count_exceeds_message);
    g_test_add_func("/codec/golden/F16-string-in-vector-too-long",
                    test_f16_string_in_vector_too_long);
    g_test_add_func("/codec/golden/F17-F19-padding", test_f17_f19_padding);
    g_test_add_func("/codec/golden/F20-F23-handles", test_f20_f23_handles);
    g_test_add_func("/codec/golden/F24-unconsumed-bytes",
                    test_f24_unconsumed_bytes);
    g_test_add_func("/codec/golden/F25-strict-enum", test_f25_strict_enum);
    g_test_add_func("/codec/golden/F26-depth", test_f26_depth);

    g_test_add_func("/codec/rule/invalid-boolean", test_rule_invalid_boolean);
    g_test_add_func("/codec/rule/invalid-empty-struct",
                    test_rule_invalid_empty_struct);
    g_test_add_func("/codec/rule/vector-header", test_rule_vector_header);
    g_test_add_func("/codec/rule/optional-string-absent",
                    test_rule_optional_string_absent);
    g_test_add_func("/codec/rule/utf8", test_rule_utf8);
    g_test_add_func("/codec/rule/string-bound", test_rule_string_bound);
    g_test_add_func("/codec/rule/envelope-counts", test_rule_envelope_counts);
    g_test_add_func("/codec/rule/bits-enums", test_rule_bits_enums);
    g_test_add_func("/codec/rule/message-limits", test_rule_message_limits);
    g_test_add_func("/codec/rule/encode-required", test_rule_encode_required);

    g_test_add_func("/codec/message/header", test_header_rules);
    g_test_add_func("/codec/message/epitaph", test_epitaph);
    g_test_add_func("/codec/message/unknown-method-reply",
                    test_unknown_method_reply);
    g_test_add_func("/codec/message/result-union", test_result_union_golden);
    g_test_add_func("/codec/message/unknown-interactions",
                    test_unknown_interactions);
    g_test_add_func("/codec/error-offset", test_error_offset);
    g_test_add_func("/codec/api-misuse", test_api_misuse);
    g_test_add_func("/codec/strerror", test_strerror);

    return g_test_run();
}
