/*
 * FIDL wire format v2 encoder/decoder: one walker driven by fidl_type_t
 * descriptors.
 *
 * Decoding validates as it converts, in a single depth-first pass over the
 * message, and stops at the first broken rule.  Every read is preceded by
 * a bounds check against the caller's byte count (out-of-line objects are
 * claimed through dec_claim(), inline parts lie inside an object already
 * claimed), so a hostile message can make it fail but never read past the
 * buffer.  Recursion depth is bounded by FIDL_MAX_DEPTH plus the static
 * nesting of the descriptors.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "sysmem/fidl.h"

/* ---------------------------------------------------------------------- */
/* Little-endian access (byte-wise: no alignment or endianness surprises)  */

static inline uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
           ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32);
}

/*
 * The masks say the truncation is meant: sparse (the kernel build's C=1)
 * warns about a cast that drops set bits of a constant argument.
 */
static inline void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xff);
    p[1] = (uint8_t)((v >> 8) & 0xff);
}

static inline void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v & 0xff);
    p[1] = (uint8_t)((v >> 8) & 0xff);
    p[2] = (uint8_t)((v >> 16) & 0xff);
    p[3] = (uint8_t)((v >> 24) & 0xff);
}

static inline void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

/* Read/write an unsigned integer of `size` bytes (1, 2, 4, 8). */
static uint64_t rd_le(const uint8_t *p, uint32_t size)
{
    switch (size) {
    case 1:
        return p[0];
    case 2:
        return rd16(p);
    case 4:
        return rd32(p);
    default:
        return rd64(p);
    }
}

static void wr_le(uint8_t *p, uint32_t size, uint64_t v)
{
    switch (size) {
    case 1:
        p[0] = (uint8_t)v;
        break;
    case 2:
        wr16(p, (uint16_t)v);
        break;
    case 4:
        wr32(p, (uint32_t)v);
        break;
    default:
        wr64(p, v);
        break;
    }
}

/* Native C integers of `size` bytes, through memcpy (no aliasing games). */
static uint64_t rd_c(const void *c, uint32_t size)
{
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;

    switch (size) {
    case 1:
        memcpy(&u8, c, 1);
        return u8;
    case 2:
        memcpy(&u16, c, 2);
        return u16;
    case 4:
        memcpy(&u32, c, 4);
        return u32;
    default:
        memcpy(&u64, c, 8);
        return u64;
    }
}

static void wr_c(void *c, uint32_t size, uint64_t v)
{
    uint8_t u8 = (uint8_t)v;
    uint16_t u16 = (uint16_t)v;
    uint32_t u32 = (uint32_t)v;

    switch (size) {
    case 1:
        memcpy(c, &u8, 1);
        break;
    case 2:
        memcpy(c, &u16, 2);
        break;
    case 4:
        memcpy(c, &u32, 4);
        break;
    default:
        memcpy(c, &v, 8);
        break;
    }
}

static inline uint64_t align8(uint64_t v)
{
    return (v + 7) & ~(uint64_t)7;
}

static inline uint32_t align_up32(uint32_t v, uint32_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Sign-extend a `size`-byte value to 64 bits (for signed enums). */
static uint64_t sext(uint64_t v, uint32_t size)
{
    uint32_t shift;

    if (size >= 8) {
        return v;
    }
    shift = 64 - size * 8;
    return (uint64_t)((int64_t)(v << shift) >> shift);
}

static bool all_zero(const uint8_t *p, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/*
 * Where vector data starts in the C layout: the T array declared right
 * after the u32 count, i.e. at the first address past the count aligned
 * for T.  Computed from the real address, which is what the C compiler
 * did too (the enclosing struct is aligned for T).
 */
static inline uintptr_t c_vector_data(const void *count, const fidl_type_t *e)
{
    uintptr_t a = e->c_align ? e->c_align : 1;

    return ((uintptr_t)count + 4 + a - 1) & ~(a - 1);
}

static inline void *cptr(void *c, uint32_t off)
{
    return c ? (uint8_t *)c + off : NULL;
}

static inline const void *ccptr(const void *c, uint32_t off)
{
    return (const uint8_t *)c + off;
}

/* ---------------------------------------------------------------------- */
/* Errors                                                                  */

static const char *const fidl_error_names[FIDL_ERR_COUNT_] = {
    [FIDL_OK] = "OK",
    [FIDL_ERR_INVALID_HEADER_SIZE] = "INVALID_HEADER_SIZE",
    [FIDL_ERR_INVALID_MAGIC_NUMBER] = "INVALID_MAGIC_NUMBER",
    [FIDL_ERR_UNSUPPORTED_WIRE_FORMAT] = "UNSUPPORTED_WIRE_FORMAT_VERSION",
    [FIDL_ERR_INVALID_TXID] = "INVALID_TXID",
    [FIDL_ERR_INVALID_EPITAPH] = "INVALID_EPITAPH",
    [FIDL_ERR_EXCEEDED_MAX_MESSAGE_BYTES] = "EXCEEDED_MAX_MESSAGE_BYTES",
    [FIDL_ERR_EXCEEDED_MAX_MESSAGE_HANDLES] = "EXCEEDED_MAX_MESSAGE_HANDLES",
    [FIDL_ERR_TOO_FEW_BYTES_IN_PRIMARY_OBJECT] = "TOO_FEW_BYTES_IN_PRIMARY_OBJECT",
    [FIDL_ERR_TOO_FEW_BYTES] = "TOO_FEW_BYTES",
    [FIDL_ERR_TOO_MANY_BYTES_IN_MESSAGE] = "TOO_MANY_BYTES_IN_MESSAGE",
    [FIDL_ERR_TOO_FEW_HANDLES] = "TOO_FEW_HANDLES",
    [FIDL_ERR_TOO_MANY_HANDLES_IN_MESSAGE] = "TOO_MANY_HANDLES_IN_MESSAGE",
    [FIDL_ERR_INVALID_PADDING_BYTE] = "INVALID_PADDING_BYTE",
    [FIDL_ERR_INVALID_BOOLEAN] = "INVALID_BOOLEAN",
    [FIDL_ERR_INVALID_EMPTY_STRUCT] = "INVALID_EMPTY_STRUCT",
    [FIDL_ERR_INVALID_PRESENCE_INDICATOR] = "INVALID_PRESENCE_INDICATOR",
    [FIDL_ERR_INVALID_HANDLE_PRESENCE_INDICATOR] =
        "INVALID_HANDLE_PRESENCE_INDICATOR",
    [FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE] =
        "NON_NULLABLE_TYPE_WITH_NULL_VALUE",
    [FIDL_ERR_NON_EMPTY_STRING_WITH_NULL_BODY] =
        "NON_EMPTY_STRING_WITH_NULL_BODY",
    [FIDL_ERR_NON_EMPTY_VECTOR_WITH_NULL_BODY] =
        "NON_EMPTY_VECTOR_WITH_NULL_BODY",
    [FIDL_ERR_STRING_COUNT_EXCEEDS_32_BIT_LIMIT] =
        "STRING_COUNT_EXCEEDS_32_BIT_LIMIT",
    [FIDL_ERR_VECTOR_COUNT_EXCEEDS_32_BIT_LIMIT] =
        "VECTOR_COUNT_EXCEEDS_32_BIT_LIMIT",
    [FIDL_ERR_TABLE_COUNT_EXCEEDS_32_BIT_LIMIT] =
        "TABLE_COUNT_EXCEEDS_32_BIT_LIMIT",
    [FIDL_ERR_STRING_TOO_LONG] = "STRING_TOO_LONG",
    [FIDL_ERR_COUNT_EXCEEDS_LIMIT] = "COUNT_EXCEEDS_LIMIT",
    [FIDL_ERR_STRING_NOT_UTF8] = "STRING_NOT_UTF8",
    [FIDL_ERR_INVALID_INLINE_MARKER_IN_ENVELOPE] =
        "INVALID_INLINE_MARKER_IN_ENVELOPE",
    [FIDL_ERR_INVALID_INLINE_BIT_IN_ENVELOPE] =
        "INVALID_INLINE_BIT_IN_ENVELOPE",
    [FIDL_ERR_INVALID_NUM_BYTES_IN_ENVELOPE] = "INVALID_NUM_BYTES_IN_ENVELOPE",
    [FIDL_ERR_INVALID_NUM_HANDLES_IN_ENVELOPE] =
        "INVALID_NUM_HANDLES_IN_ENVELOPE",
    [FIDL_ERR_ENVELOPE_BYTES_EXCEED_MESSAGE_LENGTH] =
        "ENVELOPE_BYTES_EXCEED_MESSAGE_LENGTH",
    [FIDL_ERR_ENVELOPE_HANDLES_EXCEED_MESSAGE_LENGTH] =
        "ENVELOPE_HANDLES_EXCEED_MESSAGE_LENGTH",
    [FIDL_ERR_UNION_FIELD_NOT_SET] = "UNION_FIELD_NOT_SET",
    [FIDL_ERR_STRICT_UNION_UNKNOWN_FIELD] = "STRICT_UNION_UNKNOWN_FIELD",
    [FIDL_ERR_STRICT_ENUM_UNKNOWN_VALUE] = "STRICT_ENUM_UNKNOWN_VALUE",
    [FIDL_ERR_STRICT_BITS_UNKNOWN_BIT] = "STRICT_BITS_UNKNOWN_BIT",
    [FIDL_ERR_EXCEEDED_MAX_OUT_OF_LINE_DEPTH] =
        "EXCEEDED_MAX_OUT_OF_LINE_DEPTH",
    [FIDL_ERR_INCORRECT_HANDLE_TYPE] = "INCORRECT_HANDLE_TYPE",
    [FIDL_ERR_MISSING_REQUIRED_HANDLE_RIGHTS] =
        "MISSING_REQUIRED_HANDLE_RIGHTS",
    [FIDL_ERR_UNKNOWN_UNION_TAG] = "UNKNOWN_UNION_TAG",
    [FIDL_ERR_BUFFER_TOO_SMALL] = "BUFFER_TOO_SMALL",
    [FIDL_ERR_HANDLE_BUFFER_TOO_SMALL] = "HANDLE_BUFFER_TOO_SMALL",
    [FIDL_ERR_INVALID_ARGS] = "INVALID_ARGS",
    [FIDL_ERR_UNSUPPORTED_TYPE] = "UNSUPPORTED_TYPE",
    [FIDL_ERR_UNEXPECTED_ORDINAL] = "UNEXPECTED_ORDINAL",
};

const char *fidl_strerror(int err)
{
    if (err < 0 || err >= FIDL_ERR_COUNT_ || !fidl_error_names[err]) {
        return "UNKNOWN_ERROR";
    }
    return fidl_error_names[err];
}

/* ---------------------------------------------------------------------- */
/* UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF)         */

bool fidl_utf8_valid(const uint8_t *s, uint32_t n)
{
    uint32_t i = 0;

    while (i < n) {
        uint8_t c = s[i];
        uint32_t need;
        uint8_t lo = 0x80, hi = 0xbf;

        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            if (c == 0xe0) {
                lo = 0xa0;
            } else if (c == 0xed) {
                hi = 0x9f;
            }
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            if (c == 0xf0) {
                lo = 0x90;
            } else if (c == 0xf4) {
                hi = 0x8f;
            }
        } else {
            return false;
        }
        if (n - i - 1 < need) {
            return false;
        }
        if (s[i + 1] < lo || s[i + 1] > hi) {
            return false;
        }
        for (uint32_t k = 2; k <= need; k++) {
            if (s[i + k] < 0x80 || s[i + k] > 0xbf) {
                return false;
            }
        }
        i += need + 1;
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* Transactional header                                                    */

void fidl_header_init(fidl_message_header_t *hdr, uint32_t txid,
                      uint64_t ordinal, bool flexible)
{
    hdr->txid = txid;
    hdr->at_rest_flags[0] = FIDL_AT_REST_FLAG_V2;
    hdr->at_rest_flags[1] = 0;
    hdr->dynamic_flags = flexible ? FIDL_DYN_FLAG_FLEXIBLE : 0;
    hdr->magic_number = FIDL_MAGIC_NUMBER;
    hdr->ordinal = ordinal;
}

void fidl_header_encode(const fidl_message_header_t *hdr, uint8_t out[16])
{
    wr32(out, hdr->txid);
    out[4] = hdr->at_rest_flags[0];
    out[5] = hdr->at_rest_flags[1];
    out[6] = hdr->dynamic_flags;
    out[7] = hdr->magic_number;
    wr64(out + 8, hdr->ordinal);
}

int fidl_header_decode(const uint8_t *bytes, uint32_t n,
                       fidl_message_header_t *hdr)
{
    if (!bytes || n < FIDL_HEADER_SIZE) {
        return FIDL_ERR_INVALID_HEADER_SIZE;
    }
    if (bytes[7] != FIDL_MAGIC_NUMBER) {
        return FIDL_ERR_INVALID_MAGIC_NUMBER;
    }
    if (!(bytes[4] & FIDL_AT_REST_FLAG_V2)) {
        return FIDL_ERR_UNSUPPORTED_WIRE_FORMAT;
    }
    if (hdr) {
        hdr->txid = rd32(bytes);
        hdr->at_rest_flags[0] = bytes[4];
        hdr->at_rest_flags[1] = bytes[5];
        hdr->dynamic_flags = bytes[6];
        hdr->magic_number = bytes[7];
        hdr->ordinal = rd64(bytes + 8);
    }
    return FIDL_OK;
}

int fidl_header_check_txid(const fidl_message_header_t *hdr, bool two_way)
{
    if (two_way ? hdr->txid == 0 : hdr->txid != 0) {
        return FIDL_ERR_INVALID_TXID;
    }
    return FIDL_OK;
}

/* ---------------------------------------------------------------------- */
/* Decoder                                                                 */

typedef struct fidl_decoder {
    const uint8_t *b;
    uint32_t n;
    uint32_t next;          /* next out-of-line offset */
    fidl_handle_info_t *h;
    uint32_t nh;
    uint32_t hnext;         /* next unclaimed handle */
    uint32_t at;            /* object being checked, for error reports */
} fidl_decoder_t;

static int dec_value(fidl_decoder_t *d, const fidl_type_t *t, uint32_t off,
                     void *c, uint32_t depth);

/*
 * Claim the next out-of-line object of `size` bytes (padded to 8) at
 * nesting `depth`: bounds and padding are checked here, once.
 */
static int dec_claim(fidl_decoder_t *d, uint64_t size, uint32_t depth,
                     uint32_t *off)
{
    uint64_t padded = align8(size);

    d->at = d->next;
    if (depth > FIDL_MAX_DEPTH) {
        return FIDL_ERR_EXCEEDED_MAX_OUT_OF_LINE_DEPTH;
    }
    if (padded > (uint64_t)(d->n - d->next)) {
        return FIDL_ERR_TOO_FEW_BYTES;
    }
    if (!all_zero(d->b + d->next + size, (uint32_t)(padded - size))) {
        return FIDL_ERR_INVALID_PADDING_BYTE;
    }
    *off = d->next;
    d->next += (uint32_t)padded;
    return FIDL_OK;
}

static int dec_handle(fidl_decoder_t *d, const fidl_type_t *t, uint32_t off,
                      void *c)
{
    uint32_t v = rd32(d->b + off);
    fidl_handle_info_t *hi;

    if (v == FIDL_HANDLE_ABSENT) {
        if (!(t->flags & FIDL_TF_NULLABLE)) {
            return FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE;
        }
        return FIDL_OK;     /* C value already zero */
    }
    if (v != FIDL_HANDLE_PRESENT) {
        return FIDL_ERR_INVALID_HANDLE_PRESENCE_INDICATOR;
    }
    if (d->hnext >= d->nh) {
        return FIDL_ERR_TOO_FEW_HANDLES;
    }
    hi = &d->h[d->hnext++];
    if (t->obj_type != FIDL_OBJ_TYPE_NONE &&
        hi->type != FIDL_OBJ_TYPE_NONE && hi->type != t->obj_type) {
        return FIDL_ERR_INCORRECT_HANDLE_TYPE;
    }
    /*
     * FidlEnsureHandleRights: the handle must carry every required right;
     * extra rights are dropped.  A transport that does not track rights
     * passes SAME_RIGHTS and gets the schema's rights.
     */
    if (t->rights != FIDL_RIGHT_SAME_RIGHTS) {
        if (hi->rights != FIDL_RIGHT_SAME_RIGHTS &&
            (hi->rights & t->rights) != t->rights) {
            return FIDL_ERR_MISSING_REQUIRED_HANDLE_RIGHTS;
        }
        hi->rights = t->rights;
    }
    if (c) {
        fidl_handle_t hv = hi->handle;
        memcpy(c, &hv, sizeof(hv));
    }
    return FIDL_OK;
}

static int dec_string(fidl_decoder_t *d, const fidl_type_t *t, uint32_t off,
                      void *c, uint32_t depth)
{
    uint64_t count = rd64(d->b + off);
    uint64_t presence = rd64(d->b + off + 8);
    uint32_t body;
    int r;

    if (count > UINT32_C(0xffffffff)) {
        return FIDL_ERR_STRING_COUNT_EXCEEDS_32_BIT_LIMIT;
    }
    if (presence == FIDL_ALLOC_ABSENT) {
        if (count) {
            return FIDL_ERR_NON_EMPTY_STRING_WITH_NULL_BODY;
        }
        if (!(t->flags & FIDL_TF_NULLABLE)) {
            return FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE;
        }
        if (c) {
            wr_c(c, 4, FIDL_ABSENT_COUNT);
        }
        return FIDL_OK;
    }
    if (presence != FIDL_ALLOC_PRESENT) {
        return FIDL_ERR_INVALID_PRESENCE_INDICATOR;
    }
    if (count > t->max_count) {
        return FIDL_ERR_STRING_TOO_LONG;
    }
    if (c && t->max_count == UINT32_C(0xffffffff)) {
        return FIDL_ERR_UNSUPPORTED_TYPE;   /* no C storage bound */
    }
    r = dec_claim(d, count, depth + 1, &body);
    if (r) {
        return r;
    }
    if (!fidl_utf8_valid(d->b + body, (uint32_t)count)) {
        return FIDL_ERR_STRING_NOT_UTF8;
    }
    if (c) {
        char *data = (char *)c + 4;
        wr_c(c, 4, count);
        memcpy(data, d->b + body, (size_t)count);
        data[count] = '\0';
    }
    return FIDL_OK;
}

static int dec_vector(fidl_decoder_t *d, const fidl_type_t *t, uint32_t off,
                      void *c, uint32_t depth)
{
    const fidl_type_t *e = t->elem;
    uint64_t count = rd64(d->b + off);
    uint64_t presence = rd64(d->b + off + 8);
    uint8_t *data = c ? (uint8_t *)c_vector_data(c, e) : NULL;
    uint32_t body, i;
    int r;

    if (count > UINT32_C(0xffffffff)) {
        return FIDL_ERR_VECTOR_COUNT_EXCEEDS_32_BIT_LIMIT;
    }
    if (presence == FIDL_ALLOC_ABSENT) {
        if (count) {
            return FIDL_ERR_NON_EMPTY_VECTOR_WITH_NULL_BODY;
        }
        if (!(t->flags & FIDL_TF_NULLABLE)) {
            return FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE;
        }
        if (c) {
            wr_c(c, 4, FIDL_ABSENT_COUNT);
        }
        return FIDL_OK;
    }
    if (presence != FIDL_ALLOC_PRESENT) {
        return FIDL_ERR_INVALID_PRESENCE_INDICATOR;
    }
    if (count > t->max_count) {
        return FIDL_ERR_COUNT_EXCEEDS_LIMIT;
    }
    if (c && t->max_count == UINT32_C(0xffffffff)) {
        return FIDL_ERR_UNSUPPORTED_TYPE;   /* no C storage bound */
    }
    r = dec_claim(d, count * e->wire_size, depth + 1, &body);
    if (r) {
        return r;
    }
    if (c) {
        wr_c(c, 4, count);
    }
    for (i = 0; i < count; i++) {
        r = dec_value(d, e, body + i * e->wire_size,
                      cptr(data, i * e->c_size), depth + 1);
        if (r) {
            return r;
        }
    }
    return FIDL_OK;
}

static int dec_struct(fidl_decoder_t *d, const fidl_type_t *t, uint32_t off,
                      void *c, uint32_t depth)
{
    uint32_t pos = 0, i;
    int r;

    if (t->nmembers == 0) {
        return d->b[off] ? FIDL_ERR_INVALID_EMPTY_STRUCT : FIDL_OK;
    }
    for (i = 0; i < t->nmembers; i++) {
        const fidl_field_t *f = &t->fields[i];

        if (!all_zero(d->b + off + pos, f->wire_offset - pos)) {
            d->at = off + pos;
            return FIDL_ERR_INVALID_PADDING_BYTE;
        }
        r = dec_value(d, f->type, off + f->wire_offset,
                      cptr(c, f->c_offset), depth);
        if (r) {
            return r;
        }
        pos = f->wire_offset + f->type->wire_size;
    }
    if (!all_zero(d->b + off + pos, t->wire_size - pos)) {
        d->at = off + pos;
        return FIDL_ERR_INVALID_PADDING_BYTE;
    }
    return FIDL_OK;
}

/*
 * One envelope at `off` (8 bytes, already inside a claimed object) whose
 * content nests at depth + 1.  `t` is the member's type, or NULL for an
 * unknown member, which is skipped (its handles flagged for closing).
 */
static int dec_envelope(fidl_decoder_t *d, const fidl_type_t *t, uint32_t off,
                        void *c, uint32_t depth, bool resource)
{
    const uint8_t *p = d->b + off;
    uint32_t num_bytes = rd32(p);
    uint32_t num_handles = rd16(p + 4);
    uint32_t flags = rd16(p + 6);
    uint32_t h0 = d->hnext, start, env = off;
    int r;

    d->at = env;
    if (flags & ~FIDL_ENVELOPE_FLAG_INLINE) {
        return FIDL_ERR_INVALID_INLINE_MARKER_IN_ENVELOPE;
    }
    if (!t) {
        if (!flags) {
            if (num_bytes % 8) {
                return FIDL_ERR_INVALID_NUM_BYTES_IN_ENVELOPE;
            }
            if (num_bytes > d->n - d->next) {
                return FIDL_ERR_ENVELOPE_BYTES_EXCEED_MESSAGE_LENGTH;
            }
            if (depth + 1 > FIDL_MAX_DEPTH && num_bytes) {
                return FIDL_ERR_EXCEEDED_MAX_OUT_OF_LINE_DEPTH;
            }
            d->next += num_bytes;
        }
        if (num_handles > d->nh - d->hnext) {
            return FIDL_ERR_ENVELOPE_HANDLES_EXCEED_MESSAGE_LENGTH;
        }
        for (; d->hnext < h0 + num_handles; d->hnext++) {
            d->h[d->hnext].flags |= FIDL_HANDLE_FLAG_UNKNOWN;
        }
        return FIDL_OK;
    }

    if ((flags != 0) != (t->wire_size <= FIDL_ENVELOPE_INLINE_MAX)) {
        return FIDL_ERR_INVALID_INLINE_BIT_IN_ENVELOPE;
    }
    /* A value type's envelope cannot carry handles. */
    if (!resource && num_handles) {
        return FIDL_ERR_INVALID_NUM_HANDLES_IN_ENVELOPE;
    }
    if (num_handles > d->nh - d->hnext) {
        return FIDL_ERR_ENVELOPE_HANDLES_EXCEED_MESSAGE_LENGTH;
    }
    if (flags) {
        r = dec_value(d, t, off, c, depth);
        if (r) {
            return r;
        }
        if (!all_zero(p + t->wire_size, FIDL_ENVELOPE_INLINE_MAX - t->wire_size)) {
            d->at = env;
            return FIDL_ERR_INVALID_PADDING_BYTE;
        }
    } else {
        if (num_bytes % 8) {
            return FIDL_ERR_INVALID_NUM_BYTES_IN_ENVELOPE;
        }
        start = d->next;
        r = dec_claim(d, t->wire_size, depth + 1, &off);
        if (r) {
            return r;
        }
        r = dec_value(d, t, off, c, depth + 1);
        if (r) {
            return r;
        }
        if (d->next - start != num_bytes) {
            d->at = env;
            return FIDL_ERR_INVALID_NUM_BYTES_IN_ENVELOPE;
        }
    }
    d->at = env;
    if (d->hnext - h0 != num_handles) {
        return FIDL_ERR_INVALID_NUM_HANDLES_IN_ENVELOPE;
    }
    return FIDL_OK;
}

static int dec_table(fidl_decoder_t *d, const fidl_type_t *t, uint32_t off,
                     void *c, uint32_t depth)
{
    uint64_t count = rd64(d->b + off);
    uint64_t presence = rd64(d->b + off + 8);
    bool resource = (t->flags & FIDL_TF_RESOURCE) != 0;
    uint32_t envs, ord, fi = 0;
    int r;

    if (presence == FIDL_ALLOC_ABSENT) {
        return FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE;
    }
    if (presence != FIDL_ALLOC_PRESENT) {
        return FIDL_ERR_INVALID_PRESENCE_INDICATOR;
    }
    if (count > UINT32_C(0xffffffff)) {
        return FIDL_ERR_TABLE_COUNT_EXCEEDS_32_BIT_LIMIT;
    }
    if (!count) {
        return FIDL_OK;
    }
    r = dec_claim(d, count * 8, depth + 1, &envs);
    if (r) {
        return r;
    }
    for (ord = 1; ord <= count; ord++) {
        const fidl_field_t *f = NULL;
        const uint8_t *p = d->b + envs + (ord - 1) * 8;

        while (fi < t->nmembers && t->fields[fi].ordinal < ord) {
            fi++;
        }
        if (fi < t->nmembers && t->fields[fi].ordinal == ord) {
            f = &t->fields[fi];
        }
        if (all_zero(p, 8)) {
            continue;   /* absent */
        }
        r = dec_envelope(d, f ? f->type : NULL, envs + (ord - 1) * 8,
                         f ? cptr(c, f->c_offset) : NULL, depth + 1,
                         resource);
        if (r) {
            return r;
        }
        if (f && c) {
            *(bool *)((uint8_t *)c + f->c_has_offset) = true;
        }
    }
    return FIDL_OK;
}

static int dec_union(fidl_decoder_t *d, const fidl_type_t *t, uint32_t off,
                     void *c, uint32_t depth)
{
    uint64_t ord = rd64(d->b + off);
    const fidl_field_t *f = NULL;
    uint32_t i;

    if (ord == 0) {
        if (!all_zero(d->b + off + 8, 8)) {
            return FIDL_ERR_UNION_FIELD_NOT_SET;
        }
        if (!(t->flags & FIDL_TF_NULLABLE)) {
            return FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE;
        }
        return FIDL_OK;
    }
    for (i = 0; i < t->nmembers; i++) {
        if (t->fields[i].ordinal == ord) {
            f = &t->fields[i];
            break;
        }
    }
    if (!f && (t->flags & FIDL_TF_STRICT)) {
        return FIDL_ERR_STRICT_UNION_UNKNOWN_FIELD;
    }
    if (c) {
        wr_c(c, 8, ord);
    }
    return dec_envelope(d, f ? f->type : NULL, off + 8,
                        f ? cptr(c, f->c_offset) : NULL, depth,
                        (t->flags & FIDL_TF_RESOURCE) != 0);
}

static int dec_value(fidl_decoder_t *d, const fidl_type_t *t, uint32_t off,
                     void *c, uint32_t depth)
{
    const uint8_t *p = d->b + off;
    uint64_t v;
    uint32_t i, body;
    int r;

    d->at = off;
    switch (t->kind) {
    case FIDL_KIND_BOOL:
        if (p[0] > 1) {
            return FIDL_ERR_INVALID_BOOLEAN;
        }
        if (c) {
            *(bool *)c = p[0] != 0;
        }
        return FIDL_OK;
    case FIDL_KIND_INT:
        if (c) {
            wr_c(c, t->wire_size, rd_le(p, t->wire_size));
        }
        return FIDL_OK;
    case FIDL_KIND_ENUM:
        v = rd_le(p, t->wire_size);
        if (t->flags & FIDL_TF_STRICT) {
            uint64_t key = (t->flags & FIDL_TF_SIGNED) ?
                           sext(v, t->wire_size) : v;
            for (i = 0; i < t->nmembers; i++) {
                if (t->values[i] == key) {
                    break;
                }
            }
            if (i == t->nmembers) {
                return FIDL_ERR_STRICT_ENUM_UNKNOWN_VALUE;
            }
        }
        if (c) {
            wr_c(c, t->wire_size, v);
        }
        return FIDL_OK;
    case FIDL_KIND_BITS:
        v = rd_le(p, t->wire_size);
        if ((t->flags & FIDL_TF_STRICT) && (v & ~t->bits_mask)) {
            return FIDL_ERR_STRICT_BITS_UNKNOWN_BIT;
        }
        if (c) {
            wr_c(c, t->wire_size, v);
        }
        return FIDL_OK;
    case FIDL_KIND_HANDLE:
        return dec_handle(d, t, off, c);
    case FIDL_KIND_STRING:
        return dec_string(d, t, off, c, depth);
    case FIDL_KIND_VECTOR:
        return dec_vector(d, t, off, c, depth);
    case FIDL_KIND_ARRAY:
        for (i = 0; i < t->max_count; i++) {
            r = dec_value(d, t->elem, off + i * t->elem->wire_size,
                          cptr(c, i * t->elem->c_size), depth);
            if (r) {
                return r;
            }
        }
        return FIDL_OK;
    case FIDL_KIND_STRUCT:
        return dec_struct(d, t, off, c, depth);
    case FIDL_KIND_BOX:
        v = rd64(p);
        if (v == FIDL_ALLOC_ABSENT) {
            return FIDL_OK;
        }
        if (v != FIDL_ALLOC_PRESENT) {
            return FIDL_ERR_INVALID_PRESENCE_INDICATOR;
        }
        r = dec_claim(d, t->elem->wire_size, depth + 1, &body);
        if (r) {
            return r;
        }
        if (c) {
            *(bool *)c = true;
        }
        return dec_value(d, t->elem, body,
                         cptr(c, align_up32(1, t->elem->c_align)),
                         depth + 1);
    case FIDL_KIND_TABLE:
        return dec_table(d, t, off, c, depth);
    case FIDL_KIND_UNION:
        return dec_union(d, t, off, c, depth);
    default:
        return FIDL_ERR_UNSUPPORTED_TYPE;
    }
}

int fidl_decode(const fidl_type_t *type, const uint8_t *bytes, uint32_t n,
                fidl_handle_info_t *handles, uint32_t nh, void *out)
{
    return fidl_decode_at(type, bytes, n, handles, nh, out, NULL);
}

int fidl_decode_at(const fidl_type_t *type, const uint8_t *bytes, uint32_t n,
                   fidl_handle_info_t *handles, uint32_t nh, void *out,
                   uint32_t *err_offset)
{
    fidl_decoder_t d = {
        .b = bytes, .n = n, .h = handles, .nh = nh,
    };
    uint32_t primary = (uint32_t)align8(type ? type->wire_size : 0);
    uint32_t i;
    int r;

    if (!type || (!bytes && n) || (!handles && nh)) {
        return FIDL_ERR_INVALID_ARGS;
    }
    if (out && (type->flags & FIDL_TF_NO_C)) {
        return FIDL_ERR_UNSUPPORTED_TYPE;
    }
    if (n > FIDL_MAX_MSG_BYTES) {
        return FIDL_ERR_EXCEEDED_MAX_MESSAGE_BYTES;
    }
    if (nh > FIDL_MAX_MSG_HANDLES) {
        return FIDL_ERR_EXCEEDED_MAX_MESSAGE_HANDLES;
    }
    for (i = 0; i < nh; i++) {
        handles[i].flags = 0;
    }
    if (out) {
        memset(out, 0, type->c_size);
    }
    if (n < primary) {
        return FIDL_ERR_TOO_FEW_BYTES_IN_PRIMARY_OBJECT;
    }
    if (!all_zero(bytes + type->wire_size, primary - type->wire_size)) {
        return FIDL_ERR_INVALID_PADDING_BYTE;
    }
    d.next = primary;
    r = dec_value(&d, type, 0, out, 0);
    if (r) {
        if (err_offset) {
            *err_offset = d.at;
        }
        return r;
    }
    if (d.next != n) {
        if (err_offset) {
            *err_offset = d.next;
        }
        return FIDL_ERR_TOO_MANY_BYTES_IN_MESSAGE;
    }
    if (d.hnext != nh) {
        return FIDL_ERR_TOO_MANY_HANDLES_IN_MESSAGE;
    }
    return FIDL_OK;
}

/* ---------------------------------------------------------------------- */
/* Encoder                                                                 */

typedef struct fidl_encoder {
    uint8_t *b;
    uint32_t cap;
    uint32_t next;
    fidl_handle_info_t *h;
    uint32_t hcap;
    uint32_t hnext;
} fidl_encoder_t;

static int enc_value(fidl_encoder_t *e, const fidl_type_t *t, uint32_t off,
                     const void *c, uint32_t depth);

/* Claim and zero the next out-of-line object. */
static int enc_claim(fidl_encoder_t *e, uint64_t size, uint32_t depth,
                     uint32_t *off)
{
    uint64_t padded = align8(size);

    if (depth > FIDL_MAX_DEPTH) {
        return FIDL_ERR_EXCEEDED_MAX_OUT_OF_LINE_DEPTH;
    }
    if (padded > (uint64_t)(e->cap - e->next)) {
        return e->next + padded > FIDL_MAX_MSG_BYTES ?
               FIDL_ERR_EXCEEDED_MAX_MESSAGE_BYTES : FIDL_ERR_BUFFER_TOO_SMALL;
    }
    memset(e->b + e->next, 0, (size_t)padded);
    *off = e->next;
    e->next += (uint32_t)padded;
    return FIDL_OK;
}

static int enc_handle(fidl_encoder_t *e, const fidl_type_t *t, uint32_t off,
                      const void *c)
{
    fidl_handle_t hv;

    memcpy(&hv, c, sizeof(hv));
    if (hv == FIDL_HANDLE_INVALID) {
        if (!(t->flags & FIDL_TF_NULLABLE)) {
            return FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE;
        }
        wr32(e->b + off, FIDL_HANDLE_ABSENT);
        return FIDL_OK;
    }
    if (e->hnext >= FIDL_MAX_MSG_HANDLES) {
        return FIDL_ERR_EXCEEDED_MAX_MESSAGE_HANDLES;
    }
    if (e->hnext >= e->hcap) {
        return FIDL_ERR_HANDLE_BUFFER_TOO_SMALL;
    }
    e->h[e->hnext].handle = hv;
    e->h[e->hnext].type = t->obj_type;
    e->h[e->hnext].rights = t->rights;
    e->h[e->hnext].flags = 0;
    e->hnext++;
    wr32(e->b + off, FIDL_HANDLE_PRESENT);
    return FIDL_OK;
}

static int enc_string(fidl_encoder_t *e, const fidl_type_t *t, uint32_t off,
                      const void *c, uint32_t depth)
{
    uint32_t len = (uint32_t)rd_c(c, 4), body;
    const uint8_t *data = (const uint8_t *)c + 4;
    int r;

    if (len == FIDL_ABSENT_COUNT) {
        if (!(t->flags & FIDL_TF_NULLABLE)) {
            return FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE;
        }
        wr64(e->b + off, 0);
        wr64(e->b + off + 8, FIDL_ALLOC_ABSENT);
        return FIDL_OK;
    }
    if (len > t->max_count) {
        return FIDL_ERR_STRING_TOO_LONG;
    }
    if (!fidl_utf8_valid(data, len)) {
        return FIDL_ERR_STRING_NOT_UTF8;
    }
    wr64(e->b + off, len);
    wr64(e->b + off + 8, FIDL_ALLOC_PRESENT);
    r = enc_claim(e, len, depth + 1, &body);
    if (r) {
        return r;
    }
    memcpy(e->b + body, data, len);
    return FIDL_OK;
}

static int enc_vector(fidl_encoder_t *e, const fidl_type_t *t, uint32_t off,
                      const void *c, uint32_t depth)
{
    const fidl_type_t *el = t->elem;
    uint32_t count = (uint32_t)rd_c(c, 4), body, i;
    const uint8_t *data = (const uint8_t *)c_vector_data(c, el);
    int r;

    if (count == FIDL_ABSENT_COUNT) {
        if (!(t->flags & FIDL_TF_NULLABLE)) {
            return FIDL_ERR_NON_NULLABLE_TYPE_WITH_NULL_VALUE;
        }
        wr64(e->b + off, 0);
        wr64(e->b + off + 8, FIDL_ALLOC_ABSENT);
        return FIDL_OK;
    }
    if (count > t->max_count) {
        return FIDL_ERR_COUNT_EXCEEDS_LIMIT;
    }
    wr64(e->b + off, count);
    wr64(e->b + off + 8, FIDL_ALLOC_PRESENT);
    r = enc_claim(e, (uint64_t)count * el->wire_size, depth + 1, &body);
    if (r) {
        return r;
    }
    for (i = 0; i < count; i++) {
        r = enc_value(e, el, body + i * el->wire_size,
                      ccptr(data, i * el->c_size), depth + 1);
        if (r) {
            return r;
        }
    }
    return FIDL_OK;
}

static int enc_envelope(fidl_encoder_t *e, const fidl_type_t *t, uint32_t off,
                        const void *c, uint32_t depth)
{
    uint32_t h0 = e->hnext, start, body;
    int r;

    if (t->wire_size <= FIDL_ENVELOPE_INLINE_MAX) {
        r = enc_value(e, t, off, c, depth);
        if (r) {
            return r;
        }
        wr16(e->b + off + 4, (uint16_t)(e->hnext - h0));
        wr16(e->b + off + 6, FIDL_ENVELOPE_FLAG_INLINE);
        return FIDL_OK;
    }
    start = e->next;
    r = enc_claim(e, t->wire_size, depth + 1, &body);
    if (r) {
        return r;
    }
    r = enc_value(e, t, body, c, depth + 1);
    if (r) {
        return r;
    }
    wr32(e->b + off, e->next - start);
    wr16(e->b + off + 4, (uint16_t)(e->hnext - h0));
    wr16(e->b + off + 6, 0);
    return FIDL_OK;
}

static int enc_table(fidl_encoder_t *e, const fidl_type_t *t, uint32_t off,
                     const void *c, uint32_t depth)
{
    uint32_t max_ord = 0, envs, i;
    int r;

    for (i = 0; i < t->nmembers; i++) {
        const fidl_field_t *f = &t->fields[i];
        uint8_t has;

        memcpy(&has, (const uint8_t *)c + f->c_has_offset, 1);
        if (has && f->ordinal > max_ord) {
            max_ord = f->ordinal;
        }
    }
    wr64(e->b + off, max_ord);
    wr64(e->b + off + 8, FIDL_ALLOC_PRESENT);
    if (!max_ord) {
        return FIDL_OK;
    }
    r = enc_claim(e, (uint64_t)max_ord * 8, depth + 1, &envs);
    if (r) {
        return r;
    }
    for (i = 0; i < t->nmembers; i++) {
        const fidl_field_t *f = &t->fields[i];
        uint8_t has;

        memcpy(&has, (const uint8_t *)c + f->c_has_offset, 1);
        if (!has) {
            continue;
        }
        r = enc_envelope(e, f->type, envs + (f->ordinal - 1) * 8,
                         ccptr(c, f->c_offset), depth + 1);
        if (r) {
            return r;
        }
    }
    return FIDL_OK;
}

static int enc_union(fidl_encoder_t *e, const fidl_type_t *t, uint32_t off,
                     const void *c, uint32_t depth)
{
    uint64_t tag = rd_c(c, 8);
    uint32_t i;

    if (tag == 0) {
        if (!(t->flags & FIDL_TF_NULLABLE)) {
            return FIDL_ERR_UNION_FIELD_NOT_SET;
        }
        return FIDL_OK;     /* 16 zero bytes, already zeroed */
    }
    for (i = 0; i < t->nmembers; i++) {
        const fidl_field_t *f = &t->fields[i];

        if (f->ordinal == tag) {
            wr64(e->b + off, tag);
            return enc_envelope(e, f->type, off + 8, ccptr(c, f->c_offset),
                                depth);
        }
    }
    return FIDL_ERR_UNKNOWN_UNION_TAG;
}

static int enc_value(fidl_encoder_t *e, const fidl_type_t *t, uint32_t off,
                     const void *c, uint32_t depth)
{
    uint8_t *p = e->b + off;
    uint64_t v;
    uint32_t i, body;
    int r;

    switch (t->kind) {
    case FIDL_KIND_BOOL:
        v = rd_c(c, 1);
        if (v > 1) {
            return FIDL_ERR_INVALID_BOOLEAN;
        }
        p[0] = (uint8_t)v;
        return FIDL_OK;
    case FIDL_KIND_INT:
        wr_le(p, t->wire_size, rd_c(c, t->wire_size));
        return FIDL_OK;
    case FIDL_KIND_ENUM:
        v = rd_c(c, t->wire_size);
        if (t->flags & FIDL_TF_STRICT) {
            uint64_t key = (t->flags & FIDL_TF_SIGNED) ?
                           sext(v, t->wire_size) : v;
            for (i = 0; i < t->nmembers; i++) {
                if (t->values[i] == key) {
                    break;
                }
            }
            if (i == t->nmembers) {
                return FIDL_ERR_STRICT_ENUM_UNKNOWN_VALUE;
            }
        }
        wr_le(p, t->wire_size, v);
        return FIDL_OK;
    case FIDL_KIND_BITS:
        v = rd_c(c, t->wire_size);
        if ((t->flags & FIDL_TF_STRICT) && (v & ~t->bits_mask)) {
            return FIDL_ERR_STRICT_BITS_UNKNOWN_BIT;
        }
        wr_le(p, t->wire_size, v);
        return FIDL_OK;
    case FIDL_KIND_HANDLE:
        return enc_handle(e, t, off, c);
    case FIDL_KIND_STRING:
        return enc_string(e, t, off, c, depth);
    case FIDL_KIND_VECTOR:
        return enc_vector(e, t, off, c, depth);
    case FIDL_KIND_ARRAY:
        for (i = 0; i < t->max_count; i++) {
            r = enc_value(e, t->elem, off + i * t->elem->wire_size,
                          ccptr(c, i * t->elem->c_size), depth);
            if (r) {
                return r;
            }
        }
        return FIDL_OK;
    case FIDL_KIND_STRUCT:
        for (i = 0; i < t->nmembers; i++) {
            const fidl_field_t *f = &t->fields[i];

            r = enc_value(e, f->type, off + f->wire_offset,
                          ccptr(c, f->c_offset), depth);
            if (r) {
                return r;
            }
        }
        return FIDL_OK;     /* padding and the empty struct stay zero */
    case FIDL_KIND_BOX:
        if (!rd_c(c, 1)) {
            wr64(p, FIDL_ALLOC_ABSENT);
            return FIDL_OK;
        }
        wr64(p, FIDL_ALLOC_PRESENT);
        r = enc_claim(e, t->elem->wire_size, depth + 1, &body);
        if (r) {
            return r;
        }
        return enc_value(e, t->elem, body,
                         ccptr(c, align_up32(1, t->elem->c_align)),
                         depth + 1);
    case FIDL_KIND_TABLE:
        return enc_table(e, t, off, c, depth);
    case FIDL_KIND_UNION:
        return enc_union(e, t, off, c, depth);
    default:
        return FIDL_ERR_UNSUPPORTED_TYPE;
    }
}

int fidl_encode(const fidl_type_t *type, const void *in,
                uint8_t *bytes, uint32_t cap, uint32_t *n,
                fidl_handle_info_t *handles, uint32_t hcap, uint32_t *nh)
{
    fidl_encoder_t e = {
        .b = bytes, .cap = cap, .h = handles, .hcap = handles ? hcap : 0,
    };
    uint32_t off;
    int r;

    if (!type || !in || (!bytes && cap)) {
        return FIDL_ERR_INVALID_ARGS;
    }
    if (type->flags & FIDL_TF_NO_C) {
        return FIDL_ERR_UNSUPPORTED_TYPE;
    }
    if (e.cap > FIDL_MAX_MSG_BYTES) {
        e.cap = FIDL_MAX_MSG_BYTES;
    }
    r = enc_claim(&e, type->wire_size, 0, &off);
    if (!r) {
        r = enc_value(&e, type, off, in, 0);
    }
    if (n) {
        *n = r ? 0 : e.next;
    }
    if (nh) {
        *nh = r ? 0 : e.hnext;
    }
    return r;
}

/* ---------------------------------------------------------------------- */
/* Whole messages                                                          */

int fidl_decode_msg(const fidl_type_t *type, const uint8_t *bytes, uint32_t n,
                    fidl_handle_info_t *handles, uint32_t nh,
                    fidl_message_header_t *hdr, void *out)
{
    int r;

    if (n > FIDL_MAX_MSG_BYTES) {
        return FIDL_ERR_EXCEEDED_MAX_MESSAGE_BYTES;
    }
    if (nh > FIDL_MAX_MSG_HANDLES) {
        return FIDL_ERR_EXCEEDED_MAX_MESSAGE_HANDLES;
    }
    r = fidl_header_decode(bytes, n, hdr);
    if (r) {
        return r;
    }
    if (!type) {
        if (n != FIDL_HEADER_SIZE) {
            return FIDL_ERR_TOO_MANY_BYTES_IN_MESSAGE;
        }
        if (nh) {
            return FIDL_ERR_TOO_MANY_HANDLES_IN_MESSAGE;
        }
        return FIDL_OK;
    }
    return fidl_decode(type, bytes + FIDL_HEADER_SIZE, n - FIDL_HEADER_SIZE,
                       handles, nh, out);
}

int fidl_encode_msg(const fidl_message_header_t *hdr, const fidl_type_t *type,
                    const void *in, uint8_t *bytes, uint32_t cap, uint32_t *n,
                    fidl_handle_info_t *handles, uint32_t hcap, uint32_t *nh)
{
    uint32_t body = 0, hn = 0;
    int r = FIDL_OK;

    if (!hdr || !bytes) {
        return FIDL_ERR_INVALID_ARGS;
    }
    if (cap < FIDL_HEADER_SIZE) {
        return FIDL_ERR_BUFFER_TOO_SMALL;
    }
    if (cap > FIDL_MAX_MSG_BYTES) {
        cap = FIDL_MAX_MSG_BYTES;
    }
    fidl_header_encode(hdr, bytes);
    if (type) {
        r = fidl_encode(type, in, bytes + FIDL_HEADER_SIZE,
                        cap - FIDL_HEADER_SIZE, &body, handles, hcap, &hn);
        if (r == FIDL_ERR_BUFFER_TOO_SMALL && cap == FIDL_MAX_MSG_BYTES) {
            r = FIDL_ERR_EXCEEDED_MAX_MESSAGE_BYTES;
        }
    }
    if (n) {
        *n = r ? 0 : FIDL_HEADER_SIZE + body;
    }
    if (nh) {
        *nh = r ? 0 : hn;
    }
    return r;
}

int fidl_encode_epitaph(int32_t status, uint8_t *bytes, uint32_t cap,
                        uint32_t *n)
{
    fidl_message_header_t hdr;

    if (!bytes || cap < FIDL_EPITAPH_SIZE) {
        return FIDL_ERR_BUFFER_TOO_SMALL;
    }
    fidl_header_init(&hdr, 0, FIDL_EPITAPH_ORDINAL, false);
    fidl_header_encode(&hdr, bytes);
    wr32(bytes + 16, (uint32_t)status);
    wr32(bytes + 20, 0);
    if (n) {
        *n = FIDL_EPITAPH_SIZE;
    }
    return FIDL_OK;
}

int fidl_decode_epitaph(const uint8_t *bytes, uint32_t n, int32_t *status)
{
    fidl_message_header_t hdr;
    int r = fidl_header_decode(bytes, n, &hdr);

    if (r) {
        return r;
    }
    if (hdr.ordinal != FIDL_EPITAPH_ORDINAL || hdr.txid != 0) {
        return FIDL_ERR_INVALID_EPITAPH;
    }
    if (n < FIDL_EPITAPH_SIZE) {
        return FIDL_ERR_TOO_FEW_BYTES_IN_PRIMARY_OBJECT;
    }
    if (n > FIDL_EPITAPH_SIZE) {
        return FIDL_ERR_TOO_MANY_BYTES_IN_MESSAGE;
    }
    if (!all_zero(bytes + 20, 4)) {
        return FIDL_ERR_INVALID_PADDING_BYTE;
    }
    if (status) {
        *status = (int32_t)rd32(bytes + 16);
    }
    return FIDL_OK;
}

int fidl_encode_unknown_method_reply(uint32_t txid, uint64_t ordinal,
                                     uint8_t *bytes, uint32_t cap,
                                     uint32_t *n)
{
    fidl_message_header_t hdr;

    if (!bytes || cap < FIDL_HEADER_SIZE + 16) {
        return FIDL_ERR_BUFFER_TOO_SMALL;
    }
    fidl_header_init(&hdr, txid, ordinal, true);
    fidl_header_encode(&hdr, bytes);
    wr64(bytes + 16, FIDL_RESULT_FRAMEWORK_ERR);
    wr32(bytes + 24, (uint32_t)FIDL_FRAMEWORK_ERR_UNKNOWN_METHOD);
    wr16(bytes + 28, 0);
    wr16(bytes + 30, FIDL_ENVELOPE_FLAG_INLINE);
    if (n) {
        *n = FIDL_HEADER_SIZE + 16;
    }
    return FIDL_OK;
}

fidl_unknown_action_t fidl_unknown_method_action(const fidl_message_header_t *hdr,
                                                 fidl_openness_t openness)
{
    if (!fidl_header_is_flexible(hdr) || openness == FIDL_PROTOCOL_CLOSED) {
        return FIDL_UNKNOWN_CLOSE_CHANNEL;
    }
    if (hdr->txid == 0) {
        return FIDL_UNKNOWN_IGNORE;
    }
    return openness == FIDL_PROTOCOL_OPEN ? FIDL_UNKNOWN_REPLY
                                          : FIDL_UNKNOWN_CLOSE_CHANNEL;
}
