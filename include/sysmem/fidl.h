/*
 * FIDL wire format v2: transactional header, handles, type descriptors and
 * the descriptor-driven encoder/decoder shared by the virtio-sysmem device,
 * the guest library and the guest kernel module.
 *
 * Freestanding C11: no allocation, no stdio; every buffer is the caller's.
 * See docs/codec.md for the design and the C layout conventions that the
 * descriptors rely on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SYSMEM_FIDL_H
#define SYSMEM_FIDL_H

#include "sysmem/fidl-compat.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* Limits and wire constants                                               */

#define FIDL_HEADER_SIZE            16u
#define FIDL_EPITAPH_SIZE           24u
#define FIDL_MAX_MSG_BYTES          65536u  /* ZX_CHANNEL_MAX_MSG_BYTES */
#define FIDL_MAX_MSG_HANDLES        64u     /* ZX_CHANNEL_MAX_MSG_HANDLES */
#define FIDL_MAX_DEPTH              32u     /* out-of-line nesting */
#define FIDL_ALIGNMENT              8u

#define FIDL_MAGIC_NUMBER           0x01u
#define FIDL_AT_REST_FLAG_V2        0x02u   /* at_rest_flags[0] bit 1 */
#define FIDL_DYN_FLAG_FLEXIBLE      0x80u   /* dynamic_flags bit 7 */
#define FIDL_EPITAPH_ORDINAL        UINT64_C(0xffffffffffffffff)

#define FIDL_ALLOC_PRESENT          UINT64_C(0xffffffffffffffff)
#define FIDL_ALLOC_ABSENT           UINT64_C(0)
#define FIDL_HANDLE_PRESENT         UINT32_C(0xffffffff)
#define FIDL_HANDLE_ABSENT          UINT32_C(0)

/* Userspace-allocated txids stay below this; 0 means "no reply". */
#define FIDL_TXID_KERNEL_BASE       UINT32_C(0x80000000)

/* Envelope v2 flags (u16 at envelope offset 6). */
#define FIDL_ENVELOPE_FLAG_INLINE   0x0001u
#define FIDL_ENVELOPE_INLINE_MAX    4u

/* Result-union ordinals of methods with `error` or flexible two-way. */
#define FIDL_RESULT_RESPONSE        1u
#define FIDL_RESULT_ERR             2u
#define FIDL_RESULT_FRAMEWORK_ERR   3u
#define FIDL_FRAMEWORK_ERR_UNKNOWN_METHOD   (-2)

/* Count value that marks an absent *optional* string/vector in C. */
#define FIDL_ABSENT_COUNT           UINT32_C(0xffffffff)

/* ---------------------------------------------------------------------- */
/* Zircon values that appear on the wire                                   */

typedef uint32_t fidl_handle_t;     /* transport's handle value; 0 = none */
#define FIDL_HANDLE_INVALID         ((fidl_handle_t)0)

#define FIDL_OBJ_TYPE_NONE          0u
#define FIDL_OBJ_TYPE_PROCESS       1u
#define FIDL_OBJ_TYPE_THREAD        2u
#define FIDL_OBJ_TYPE_VMO           3u
#define FIDL_OBJ_TYPE_CHANNEL       4u
#define FIDL_OBJ_TYPE_EVENT         5u
#define FIDL_OBJ_TYPE_PORT          6u
#define FIDL_OBJ_TYPE_EVENTPAIR     16u

#define FIDL_RIGHT_NONE             0x00000000u
#define FIDL_RIGHT_DUPLICATE        0x00000001u
#define FIDL_RIGHT_TRANSFER         0x00000002u
#define FIDL_RIGHT_READ             0x00000004u
#define FIDL_RIGHT_WRITE            0x00000008u
#define FIDL_RIGHT_EXECUTE          0x00000010u
#define FIDL_RIGHT_MAP              0x00000020u
#define FIDL_RIGHT_GET_PROPERTY     0x00000040u
#define FIDL_RIGHT_SET_PROPERTY     0x00000080u
#define FIDL_RIGHT_SIGNAL           0x00001000u
#define FIDL_RIGHT_SIGNAL_PEER      0x00002000u
#define FIDL_RIGHT_WAIT             0x00004000u
#define FIDL_RIGHT_INSPECT          0x00008000u
#define FIDL_RIGHT_SAME_RIGHTS      0x80000000u
#define FIDL_RIGHTS_BASIC           (FIDL_RIGHT_TRANSFER | FIDL_RIGHT_DUPLICATE | \
                                     FIDL_RIGHT_WAIT | FIDL_RIGHT_INSPECT)
#define FIDL_RIGHTS_IO              (FIDL_RIGHT_READ | FIDL_RIGHT_WRITE)
/* ZX_DEFAULT_CHANNEL_RIGHTS: what fidlc gives client_end/server_end. */
#define FIDL_DEFAULT_CHANNEL_RIGHTS ((FIDL_RIGHTS_BASIC & ~FIDL_RIGHT_DUPLICATE) | \
                                     FIDL_RIGHTS_IO | FIDL_RIGHT_SIGNAL | \
                                     FIDL_RIGHT_SIGNAL_PEER)

/* zx_status_t values used by sysmem (v1 statuses, epitaphs). */
#define FIDL_ZX_OK                  0
#define FIDL_ZX_ERR_INTERNAL        (-1)
#define FIDL_ZX_ERR_NOT_SUPPORTED   (-2)
#define FIDL_ZX_ERR_NO_RESOURCES    (-3)
#define FIDL_ZX_ERR_NO_MEMORY       (-4)
#define FIDL_ZX_ERR_INVALID_ARGS    (-10)
#define FIDL_ZX_ERR_OUT_OF_RANGE    (-14)
#define FIDL_ZX_ERR_PEER_CLOSED     (-24)
#define FIDL_ZX_ERR_NOT_FOUND       (-25)
#define FIDL_ZX_ERR_ALREADY_EXISTS  (-26)
#define FIDL_ZX_ERR_UNAVAILABLE     (-28)
#define FIDL_ZX_ERR_ACCESS_DENIED   (-30)
#define FIDL_ZX_ERR_PROTOCOL_NOT_SUPPORTED (-70)

/*
 * One out-of-band handle, shaped like zx_handle_info_t on decode and like
 * zx_handle_disposition_t (minus operation/result) on encode:
 *  - encode fills handle from the C value and type/rights from the schema
 *    (FIDL_RIGHT_SAME_RIGHTS when the schema names none);
 *  - decode reads the transport's handle/type/rights, checks them against
 *    the schema and reduces rights in place to the schema's rights (what
 *    zx_handle_replace would do).  Handles that sat in unknown table or
 *    union members get FIDL_HANDLE_FLAG_UNKNOWN: the caller must close
 *    them, nothing in the decoded C value refers to them.
 */
typedef struct fidl_handle_info {
    fidl_handle_t handle;
    uint32_t type;          /* FIDL_OBJ_TYPE_* */
    uint32_t rights;        /* FIDL_RIGHT_* */
    uint32_t flags;         /* FIDL_HANDLE_FLAG_* (decode output) */
} fidl_handle_info_t;

#define FIDL_HANDLE_FLAG_UNKNOWN    0x1u

/* ---------------------------------------------------------------------- */
/* Errors: one value per validation rule (names follow GIDL's ErrorCode)   */

typedef enum fidl_error {
    FIDL_OK = 0,
    /* header */
    FIDL_ERR_INVALID_HEADER_SIZE,           /* < 16 bytes */
    FIDL_ERR_INVALID_MAGIC_NUMBER,
    FIDL_ERR_UNSUPPORTED_WIRE_FORMAT,       /* at-rest V2 bit clear */
    FIDL_ERR_INVALID_TXID,                  /* one-way with txid / two-way without */
    FIDL_ERR_INVALID_EPITAPH,
    /* message envelope */
    FIDL_ERR_EXCEEDED_MAX_MESSAGE_BYTES,
    FIDL_ERR_EXCEEDED_MAX_MESSAGE_HANDLES,
    FIDL_ERR_TOO_FEW_BYTES_IN_PRIMARY_OBJECT,
    FIDL_ERR_TOO_FEW_BYTES,
    FIDL_ERR_TOO_MANY_BYTES_IN_MESSAGE,
    FIDL_ERR_TOO_FEW_HANDLES,
    FIDL_ERR_TOO_MANY_HANDLES_IN_MESSAGE,
    /* values */
    FIDL_ERR_INVALID_PADDING_BYTE,
    FIDL_ERR_INVALID_BOOLEAN,
    FIDL_ERR_INVALID_EMPTY_STRUCT,
    FIDL_ERR_INVALID_PRESENCE_INDICATOR,
    FIDL_ERR_INVALID_HANDLE_PRESENCE_INDICATOR,
    FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE,
    FIDL_ERR_NON_EMPTY_STRING_WITH_NULL_BODY,
    FIDL_ERR_NON_EMPTY_VECTOR_WITH_NULL_BODY,
    FIDL_ERR_STRING_COUNT_EXCEEDS_32_BIT_LIMIT,
    FIDL_ERR_VECTOR_COUNT_EXCEEDS_32_BIT_LIMIT,
    FIDL_ERR_TABLE_COUNT_EXCEEDS_32_BIT_LIMIT,
    FIDL_ERR_STRING_TOO_LONG,
    FIDL_ERR_COUNT_EXCEEDS_LIMIT,
    FIDL_ERR_STRING_NOT_UTF8,
    FIDL_ERR_INVALID_INLINE_MARKER_IN_ENVELOPE,
    FIDL_ERR_INVALID_INLINE_BIT_IN_ENVELOPE,
    FIDL_ERR_INVALID_NUM_BYTES_IN_ENVELOPE,
    FIDL_ERR_INVALID_NUM_HANDLES_IN_ENVELOPE,
    FIDL_ERR_ENVELOPE_BYTES_EXCEED_MESSAGE_LENGTH,
    FIDL_ERR_ENVELOPE_HANDLES_EXCEED_MESSAGE_LENGTH,
    FIDL_ERR_UNION_FIELD_NOT_SET,
    FIDL_ERR_STRICT_UNION_UNKNOWN_FIELD,
    FIDL_ERR_STRICT_ENUM_UNKNOWN_VALUE,
    FIDL_ERR_STRICT_BITS_UNKNOWN_BIT,
    FIDL_ERR_EXCEEDED_MAX_OUT_OF_LINE_DEPTH,
    FIDL_ERR_INCORRECT_HANDLE_TYPE,
    FIDL_ERR_MISSING_REQUIRED_HANDLE_RIGHTS,
    /* encode-only and API misuse */
    FIDL_ERR_UNKNOWN_UNION_TAG,             /* encode: tag names no member */
    FIDL_ERR_BUFFER_TOO_SMALL,              /* encode: caller's byte buffer */
    FIDL_ERR_HANDLE_BUFFER_TOO_SMALL,       /* encode: caller's handle array */
    FIDL_ERR_INVALID_ARGS,
    FIDL_ERR_UNSUPPORTED_TYPE,              /* descriptor has no C layout */
    FIDL_ERR_UNEXPECTED_ORDINAL,            /* header names another method */
    FIDL_ERR_COUNT_
} fidl_error_t;

/* GIDL-style name of an error, e.g. "INVALID_PADDING_BYTE"; never NULL. */
const char *fidl_strerror(int err);

/* ---------------------------------------------------------------------- */
/* Transactional header                                                    */

typedef struct fidl_message_header {
    uint32_t txid;
    uint8_t at_rest_flags[2];
    uint8_t dynamic_flags;
    uint8_t magic_number;
    uint64_t ordinal;
} fidl_message_header_t;

/* Fill a header for sending: V2, magic 1, flexible bit as given. */
void fidl_header_init(fidl_message_header_t *hdr, uint32_t txid,
                      uint64_t ordinal, bool flexible);
void fidl_header_encode(const fidl_message_header_t *hdr, uint8_t out[16]);
/*
 * Parse and validate the first 16 bytes: size, magic, V2 bit.  Other
 * at-rest and dynamic flag bits are ignored, as the bindings do.
 */
int fidl_header_decode(const uint8_t *bytes, uint32_t n,
                       fidl_message_header_t *hdr);
static inline bool fidl_header_is_flexible(const fidl_message_header_t *hdr)
{
    return (hdr->dynamic_flags & FIDL_DYN_FLAG_FLEXIBLE) != 0;
}
/* txid rule for a request: two-way needs txid != 0, one-way needs 0. */
int fidl_header_check_txid(const fidl_message_header_t *hdr, bool two_way);

/* ---------------------------------------------------------------------- */
/* Type descriptors (data, read by one generic walker)                     */

typedef enum fidl_kind {
    FIDL_KIND_BOOL = 1,
    FIDL_KIND_INT,          /* size 1/2/4/8, FIDL_TF_SIGNED; also floats */
    FIDL_KIND_ENUM,
    FIDL_KIND_BITS,
    FIDL_KIND_HANDLE,
    FIDL_KIND_STRING,
    FIDL_KIND_VECTOR,
    FIDL_KIND_ARRAY,
    FIDL_KIND_STRUCT,       /* nfields == 0: the 1-byte empty struct */
    FIDL_KIND_BOX,          /* box<struct>: C {bool present; T value} */
    FIDL_KIND_TABLE,
    FIDL_KIND_UNION,
} fidl_kind_t;

/* fidl_type_t.flags */
#define FIDL_TF_NULLABLE    0x01u   /* optional string/vector/handle/union */
#define FIDL_TF_STRICT      0x02u   /* strict enum/bits/union */
#define FIDL_TF_SIGNED      0x04u   /* signed integer / enum underlying */
#define FIDL_TF_RESOURCE    0x08u   /* resource table/union */
#define FIDL_TF_NO_C        0x10u   /* validation only (recursive types) */

typedef struct fidl_type fidl_type_t;

/*
 * A member of a struct, table or union.
 *  struct: wire_offset = byte offset in the struct's inline part.
 *  table/union: ordinal = the member's ordinal.
 *  c_offset: where the value lives in the C struct; for strings and
 *    vectors, where the u32 count lives (the data follows it, see below).
 *  c_has_offset (tables only): offset of the member's `bool has_x`.
 */
typedef struct fidl_field {
    const fidl_type_t *type;
    uint32_t wire_offset;
    uint32_t ordinal;
    uint32_t c_offset;
    uint32_t c_has_offset;
    const char *name;
} fidl_field_t;

/*
 * C layout conventions (what c_offset points at):
 *  bool/int/enum/bits: the native value, same size as on the wire.
 *  handle: fidl_handle_t, FIDL_HANDLE_INVALID when absent.
 *  string:<N>:  uint32_t len; char data[N + 1];  (NUL-terminated)
 *  vector<T>:N: uint32_t count; T data[N];  (the array declared right
 *               after the count: it starts at the first address past the
 *               count that is aligned for T)
 *    An absent optional string/vector has len/count FIDL_ABSENT_COUNT.
 *  array<T,N>:  T data[N].
 *  struct/table: the C struct described by the descriptor.
 *  union: uint64_t tag (ordinal, 0 = absent) at offset 0, members at their
 *    c_offset.  A decoded unknown flexible member leaves tag = its ordinal;
 *    re-encoding such a value fails (FIDL_ERR_UNKNOWN_UNION_TAG).
 *  box: bool present; T value.
 */
struct fidl_type {
    uint8_t kind;           /* fidl_kind_t */
    uint8_t flags;          /* FIDL_TF_* */
    uint16_t nmembers;      /* fields / enum values */
    uint32_t wire_size;     /* inline size */
    uint32_t wire_align;
    uint32_t c_size;
    uint32_t c_align;
    uint32_t max_count;     /* string/vector bound, array length */
    uint32_t obj_type;      /* handle */
    uint32_t rights;        /* handle */
    uint64_t bits_mask;     /* bits */
    const fidl_type_t *elem;        /* vector/array element, box content */
    const fidl_field_t *fields;     /* struct/table/union */
    const uint64_t *values;         /* enum members (as u64 bit patterns) */
    const char *name;
};

/* ---------------------------------------------------------------------- */
/* Codec API                                                               */

/*
 * Decode (validate and convert) one FIDL body: the primary object of type
 * `type` at bytes[0] plus its out-of-line objects, using every byte and
 * every handle.  `out` is the C value (type->c_size bytes, zeroed first);
 * pass NULL to validate only.  `handles` may be NULL when nh == 0; their
 * rights are reduced in place, see fidl_handle_info_t.
 * Returns FIDL_OK or the fidl_error_t of the first rule broken.  Never
 * reads outside bytes[0..n) or handles[0..nh).
 */
int fidl_decode(const fidl_type_t *type, const uint8_t *bytes, uint32_t n,
                fidl_handle_info_t *handles, uint32_t nh, void *out);

/*
 * fidl_decode that also says where it stopped: on failure *err_offset is
 * the body offset of the object (or padding, or envelope) that broke the
 * rule, for log messages.  Best effort: the offset a rule is blamed on is
 * not part of the ABI.
 */
int fidl_decode_at(const fidl_type_t *type, const uint8_t *bytes, uint32_t n,
                   fidl_handle_info_t *handles, uint32_t nh, void *out,
                   uint32_t *err_offset);

/*
 * Encode the C value `in` of `type` into bytes[0..cap), handles into
 * handles[0..hcap).  On success *n / *nh are the used sizes.
 */
int fidl_encode(const fidl_type_t *type, const void *in,
                uint8_t *bytes, uint32_t cap, uint32_t *n,
                fidl_handle_info_t *handles, uint32_t hcap, uint32_t *nh);

/*
 * Whole transactional messages: bytes[0..16) is the header.
 * fidl_decode_msg validates the header (fidl_header_decode) and decodes
 * the body after it into `out`; type NULL means "no payload": the message
 * must be exactly 16 bytes with no handles.  `hdr` may be NULL.
 */
int fidl_decode_msg(const fidl_type_t *type, const uint8_t *bytes, uint32_t n,
                    fidl_handle_info_t *handles, uint32_t nh,
                    fidl_message_header_t *hdr, void *out);
int fidl_encode_msg(const fidl_message_header_t *hdr, const fidl_type_t *type,
                    const void *in, uint8_t *bytes, uint32_t cap, uint32_t *n,
                    fidl_handle_info_t *handles, uint32_t hcap, uint32_t *nh);

/* Epitaph: txid 0, epitaph ordinal, int32 status, 24 bytes. */
int fidl_encode_epitaph(int32_t status, uint8_t *bytes, uint32_t cap,
                        uint32_t *n);
int fidl_decode_epitaph(const uint8_t *bytes, uint32_t n, int32_t *status);

/*
 * RFC-0138 reply to an unknown flexible two-way method of an open
 * protocol: same txid and ordinal, flexible flag, result union variant 3
 * holding UNKNOWN_METHOD (-2).  32 bytes.
 */
int fidl_encode_unknown_method_reply(uint32_t txid, uint64_t ordinal,
                                     uint8_t *bytes, uint32_t cap,
                                     uint32_t *n);

/*
 * RFC-0138: what a receiver does with a message whose ordinal it does not
 * know.  Strict messages and anything on a closed protocol close the
 * channel; flexible one-way messages (and events, txid 0) on ajar/open
 * protocols are ignored (after closing their handles); a flexible two-way
 * call on an open protocol gets fidl_encode_unknown_method_reply(); on an
 * ajar protocol it closes the channel.
 */
typedef enum fidl_openness {
    FIDL_PROTOCOL_CLOSED,
    FIDL_PROTOCOL_AJAR,
    FIDL_PROTOCOL_OPEN,
} fidl_openness_t;

typedef enum fidl_unknown_action {
    FIDL_UNKNOWN_CLOSE_CHANNEL,
    FIDL_UNKNOWN_IGNORE,
    FIDL_UNKNOWN_REPLY,
} fidl_unknown_action_t;

fidl_unknown_action_t fidl_unknown_method_action(const fidl_message_header_t *hdr,
                                                 fidl_openness_t openness);

/* Strict UTF-8 check as FIDL requires (no overlongs, no surrogates). */
bool fidl_utf8_valid(const uint8_t *s, uint32_t n);

/* ---------------------------------------------------------------------- */
/* Descriptor-building helpers (used by codec/ tables and by tests)        */

#define FIDL__ALIGNOF(T) _Alignof(T)

#define FIDL_FIELD_STRUCT(ctype, member, woff, typ) \
    { .type = (typ), .wire_offset = (woff), \
      .c_offset = offsetof(ctype, member), .name = #member }
#define FIDL_FIELD_TABLE(ctype, member, ord, typ) \
    { .type = (typ), .ordinal = (ord), \
      .c_offset = offsetof(ctype, member), \
      .c_has_offset = offsetof(ctype, has_##member), .name = #member }
/* strings and vectors in tables: point at the count, member##_count/_len */
#define FIDL_FIELD_TABLE_VEC(ctype, member, ord, typ) \
    { .type = (typ), .ordinal = (ord), \
      .c_offset = offsetof(ctype, member##_count), \
      .c_has_offset = offsetof(ctype, has_##member), .name = #member }
#define FIDL_FIELD_TABLE_STR(ctype, member, ord, typ) \
    { .type = (typ), .ordinal = (ord), \
      .c_offset = offsetof(ctype, member##_len), \
      .c_has_offset = offsetof(ctype, has_##member), .name = #member }
#define FIDL_FIELD_STRUCT_VEC(ctype, member, woff, typ) \
    { .type = (typ), .wire_offset = (woff), \
      .c_offset = offsetof(ctype, member##_count), .name = #member }
#define FIDL_FIELD_STRUCT_STR(ctype, member, woff, typ) \
    { .type = (typ), .wire_offset = (woff), \
      .c_offset = offsetof(ctype, member##_len), .name = #member }
#define FIDL_FIELD_UNION(ctype, member, ord, typ) \
    { .type = (typ), .ordinal = (ord), \
      .c_offset = offsetof(ctype, member), .name = #member }

/* The 1-byte empty struct: payload of `-> ()` in result unions. */
typedef struct fidl_empty_struct {
    uint8_t reserved;
} fidl_empty_struct_t;
extern const fidl_type_t fidl_empty_struct_type;

/* Primitive descriptors, and fidl.FrameworkErr (strict int32 enum {-2}). */
extern const fidl_type_t fidl_bool_type;
extern const fidl_type_t fidl_int8_type;
extern const fidl_type_t fidl_int16_type;
extern const fidl_type_t fidl_int32_type;
extern const fidl_type_t fidl_int64_type;
extern const fidl_type_t fidl_uint8_type;
extern const fidl_type_t fidl_uint16_type;
extern const fidl_type_t fidl_uint32_type;
extern const fidl_type_t fidl_uint64_type;
extern const fidl_type_t fidl_float32_type;
extern const fidl_type_t fidl_float64_type;
extern const fidl_type_t fidl_framework_err_type;

#define FIDL_COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

#ifdef __cplusplus
}
#endif

#endif /* SYSMEM_FIDL_H */
