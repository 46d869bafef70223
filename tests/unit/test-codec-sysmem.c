/*
 * sysmem bindings of the FIDL codec: ordinals (re-derived with SHA-256 and
 * compared with the values the reference lists), the method table, round
 * trips of every sysmem2 and v1 method payload with fields present and
 * absent, and byte-exact sysmem messages.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>

#include "sysmem/methods.h"
#include "codec-test-util.h"

/* ---------------------------------------------------------------------- */
/* SHA-256 (FIPS 180-4), enough to recompute ordinals                      */

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, hh;
    int i;

    for (i = 0; i < 16; i++) {
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    for (i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = h[0]; b = h[1]; c = h[2]; d = h[3];
    e = h[4]; f = h[5]; g = h[6]; hh = h[7];
    for (i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
                      ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
                      ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha256(const void *data, size_t len, uint8_t out[32])
{
    uint32_t h[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    const uint8_t *p = data;
    uint8_t tail[128];
    size_t full = len / 64 * 64, rest = len - full, tlen;
    int i;

    for (size_t off = 0; off < full; off += 64) {
        sha256_block(h, p + off);
    }
    memset(tail, 0, sizeof(tail));
    memcpy(tail, p + full, rest);
    tail[rest] = 0x80;
    tlen = rest + 9 <= 64 ? 64 : 128;
    for (i = 0; i < 8; i++) {
        tail[tlen - 1 - i] = (uint8_t)((uint64_t)len * 8 >> (8 * i));
    }
    sha256_block(h, tail);
    if (tlen == 128) {
        sha256_block(h, tail + 64);
    }
    for (i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h[i] >> 8);
        out[4 * i + 3] = (uint8_t)h[i];
    }
}

static uint64_t ordinal_of(const char *selector)
{
    uint8_t d[32];
    uint64_t v = 0;

    sha256(selector, strlen(selector), d);
    for (int i = 7; i >= 0; i--) {
        v = v << 8 | d[i];
    }
    return v & 0x7fffffffffffffffull;
}

static void test_sha256(void)
{
    uint8_t d[32];
    g_autofree char *hex = NULL;

    sha256("abc", 3, d);
    hex = hex_string(d, 4);
    g_assert_cmpstr(hex, ==, "ba 78 16 bf ");
    /* fidlc goldens */
    g_assert_cmphex(ordinal_of("test.error/Example.foo"), ==,
                    0x0f5f1179dc411e44ull);
    g_assert_cmphex(ordinal_of("fidl.test.inheritance/super.foo"), ==,
                    0x45602cf3b581d6abull);
}

/* Every generated ordinal is the SHA-256 rule applied to its selector. */
static void test_ordinals_rule(void)
{
    unsigned count = 0;

#define CHECK_SEL(name, sel, ord, legacy) \
    g_assert_cmphex(ordinal_of(sel), ==, (ord)); \
    g_assert_cmphex(name##_ORDINAL, ==, (ord)); \
    g_assert_cmpstr(name##_SELECTOR, ==, sel); \
    count++;
    SYSMEM_FOR_EACH_SELECTOR(CHECK_SEL)
#undef CHECK_SEL
    g_assert_cmpuint(count, ==, SYSMEM_SELECTOR_COUNT);
    g_assert_cmpuint(count, ==, SYSMEM_M_COUNT_);
}

/* The values listed in docs/reference/sysmem-protocol.md section 1. */
static void test_ordinals_reference(void)
{
    static const struct {
        uint64_t got, want;
    } v[] = {
        { SYSMEM2_ALLOCATOR_ALLOCATE_NON_SHARED_COLLECTION_ORDINAL, 0x5ca681f025a80e44ull },
        { SYSMEM2_ALLOCATOR_ALLOCATE_SHARED_COLLECTION_ORDINAL, 0x11a19ff51f0b49c1ull },
        { SYSMEM2_ALLOCATOR_BIND_SHARED_COLLECTION_ORDINAL, 0x550916b0dc1d5b4eull },
        { SYSMEM2_ALLOCATOR_VALIDATE_BUFFER_COLLECTION_TOKEN_ORDINAL, 0x4c5ee91b02a7e68dull },
        { SYSMEM2_ALLOCATOR_SET_DEBUG_CLIENT_INFO_ORDINAL, 0x6f68f19a3f509c4dull },
        { SYSMEM2_ALLOCATOR_GET_VMO_INFO_ORDINAL, 0x21a881120aa0ddf9ull },
        { SYSMEM2_NODE_SYNC_ORDINAL, 0x11ac2555cf575b54ull },
        { SYSMEM2_NODE_RELEASE_ORDINAL, 0x6a5cae7d6d6e04c6ull },
        { SYSMEM2_NODE_SET_NAME_ORDINAL, 0x0b41f1624f48c1e9ull },
        { SYSMEM2_NODE_SET_DEBUG_CLIENT_INFO_ORDINAL, 0x5cde8914608d99b1ull },
        { SYSMEM2_NODE_SET_DEBUG_TIMEOUT_LOG_DEADLINE_ORDINAL, 0x716b0af13d5c0806ull },
        { SYSMEM2_NODE_SET_VERBOSE_LOGGING_ORDINAL, 0x5209c77415b4dfadull },
        { SYSMEM2_NODE_GET_NODE_REF_ORDINAL, 0x5b3d0e51614df053ull },
        { SYSMEM2_NODE_IS_ALTERNATE_FOR_ORDINAL, 0x03a58e00157e0825ull },
        { SYSMEM2_NODE_GET_BUFFER_COLLECTION_ID_ORDINAL, 0x77d19a494b78ba8cull },
        { SYSMEM2_NODE_SET_WEAK_ORDINAL, 0x22dd3ea514eeffe1ull },
        { SYSMEM2_NODE_SET_WEAK_OK_ORDINAL, 0x38a44fc4d7724be9ull },
        { SYSMEM2_NODE_ATTACH_NODE_TRACKING_ORDINAL, 0x3f22f2a293d3cdacull },
        { SYSMEM2_BUFFER_COLLECTION_TOKEN_DUPLICATE_SYNC_ORDINAL, 0x1c1af9919d1ca45cull },
        { SYSMEM2_BUFFER_COLLECTION_TOKEN_DUPLICATE_ORDINAL, 0x73e78f92ee7fb887ull },
        { SYSMEM2_BUFFER_COLLECTION_TOKEN_SET_DISPENSABLE_ORDINAL, 0x228acf979254df8bull },
        { SYSMEM2_BUFFER_COLLECTION_TOKEN_CREATE_BUFFER_COLLECTION_TOKEN_GROUP_ORDINAL, 0x30f8d48e77bd36f2ull },
        { SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS_ORDINAL, 0x1fde0f19d650197bull },
        { SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED_ORDINAL, 0x062300344b61404eull },
        { SYSMEM2_BUFFER_COLLECTION_CHECK_ALL_BUFFERS_ALLOCATED_ORDINAL, 0x35a5fe77ce939c10ull },
        { SYSMEM2_BUFFER_COLLECTION_ATTACH_TOKEN_ORDINAL, 0x46ac7d0008492982ull },
        { SYSMEM2_BUFFER_COLLECTION_ATTACH_LIFETIME_TRACKING_ORDINAL, 0x3ecb510113116dcfull },
        { SYSMEM2_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILD_ORDINAL, 0x41a0075d419f30c5ull },
        { SYSMEM2_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILDREN_SYNC_ORDINAL, 0x15dea448c536070aull },
        { SYSMEM2_BUFFER_COLLECTION_TOKEN_GROUP_ALL_CHILDREN_PRESENT_ORDINAL, 0x5c327e4a23391312ull },
        { SYSMEM1_ALLOCATOR_ALLOCATE_NON_SHARED_COLLECTION_ORDINAL, 0x20f79299bbb4d2c6ull },
        { SYSMEM1_ALLOCATOR_ALLOCATE_SHARED_COLLECTION_ORDINAL, 0x7a757a57bfda0f71ull },
        { SYSMEM1_ALLOCATOR_BIND_SHARED_COLLECTION_ORDINAL, 0x146eca7ec46ff4eeull },
        { SYSMEM1_ALLOCATOR_VALIDATE_BUFFER_COLLECTION_TOKEN_ORDINAL, 0x575b279b0236faeaull },
        { SYSMEM1_ALLOCATOR_SET_DEBUG_CLIENT_INFO_ORDINAL, 0x419f0d5b30728b26ull },
        { SYSMEM1_ALLOCATOR_CONNECT_TO_SYSMEM2_ALLOCATOR_ORDINAL, 0x013db3e3abac2e24ull },
        { SYSMEM1_NODE_SYNC_ORDINAL, 0x04577e238ae26291ull },
        { SYSMEM1_NODE_CLOSE_ORDINAL, 0x5b1d7a4f5681fca7ull },
        { SYSMEM1_NODE_SET_NAME_ORDINAL, 0x77a41bb6217e2443ull },
        { SYSMEM1_NODE_SET_DEBUG_CLIENT_INFO_ORDINAL, 0x7275759070eb5ee2ull },
        { SYSMEM1_NODE_SET_DEBUG_TIMEOUT_LOG_DEADLINE_ORDINAL, 0x46d38f4772638867ull },
        { SYSMEM1_NODE_SET_VERBOSE_LOGGING_ORDINAL, 0x6bfbe2cf1701d288ull },
        { SYSMEM1_NODE_GET_NODE_REF_ORDINAL, 0x467b7c75c35c3b84ull },
        { SYSMEM1_NODE_IS_ALTERNATE_FOR_ORDINAL, 0x33a2a7aff2776c07ull },
        { SYSMEM1_BUFFER_COLLECTION_TOKEN_DUPLICATE_SYNC_ORDINAL, 0x049ed7ab7cc19f18ull },
        { SYSMEM1_BUFFER_COLLECTION_TOKEN_DUPLICATE_ORDINAL, 0x2f9f81bdde4b7292ull },
        { SYSMEM1_BUFFER_COLLECTION_TOKEN_SET_DISPENSABLE_ORDINAL, 0x76e4ec34fc2cf5b3ull },
        { SYSMEM1_BUFFER_COLLECTION_TOKEN_CREATE_BUFFER_COLLECTION_TOKEN_GROUP_ORDINAL, 0x2f6243e05f22b9a7ull },
        { SYSMEM1_BUFFER_COLLECTION_SET_CONSTRAINTS_ORDINAL, 0x4d9c3406c213227bull },
        { SYSMEM1_BUFFER_COLLECTION_WAIT_FOR_BUFFERS_ALLOCATED_ORDINAL, 0x714667ea2a29a3a2ull },
        { SYSMEM1_BUFFER_COLLECTION_CHECK_BUFFERS_ALLOCATED_ORDINAL, 0x0245bb81f79189e9ull },
        { SYSMEM1_BUFFER_COLLECTION_ATTACH_TOKEN_ORDINAL, 0x6f5adcca4ac7443eull },
        { SYSMEM1_BUFFER_COLLECTION_ATTACH_LIFETIME_TRACKING_ORDINAL, 0x170d0f1d89d50989ull },
        { SYSMEM1_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILD_ORDINAL, 0x2e74f8bcbf59ee59ull },
        { SYSMEM1_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILDREN_SYNC_ORDINAL, 0x569dc3ca2a98f535ull },
        { SYSMEM1_BUFFER_COLLECTION_TOKEN_GROUP_ALL_CHILDREN_PRESENT_ORDINAL, 0x1d41715f6f044b50ull },
        { SYSMEM1_BUFFER_COLLECTION_TOKEN_SYNC_ORDINAL, 0x16941ac71d960cd0ull },
        { SYSMEM1_BUFFER_COLLECTION_TOKEN_CLOSE_ORDINAL, 0x11df1970c2c12176ull },
        { SYSMEM1_BUFFER_COLLECTION_TOKEN_SET_NAME_ORDINAL, 0x217666cfb1e12891ull },
        { SYSMEM1_BUFFER_COLLECTION_TOKEN_SET_DEBUG_CLIENT_INFO_ORDINAL, 0x62877b3f964dd780ull },
        { SYSMEM1_BUFFER_COLLECTION_TOKEN_SET_DEBUG_TIMEOUT_LOG_DEADLINE_ORDINAL, 0x4ef125d1c1e03150ull },
        { SYSMEM1_BUFFER_COLLECTION_SYNC_ORDINAL, 0x0941fdbb6ec7f85eull },
        { SYSMEM1_BUFFER_COLLECTION_CLOSE_ORDINAL, 0x48ac4179438f99feull },
        { SYSMEM1_BUFFER_COLLECTION_SET_NAME_ORDINAL, 0x77250b31c9fae9d0ull },
        { SYSMEM1_BUFFER_COLLECTION_SET_DEBUG_CLIENT_INFO_ORDINAL, 0x39ce0028c1010ec5ull },
        { SYSMEM1_BUFFER_COLLECTION_SET_CONSTRAINTS_AUX_BUFFERS_ORDINAL, 0x1ad80e63c090d817ull },
        { SYSMEM1_BUFFER_COLLECTION_GET_AUX_BUFFERS_ORDINAL, 0x6c6cac6000a29a55ull },
    };

    g_assert_cmpuint(G_N_ELEMENTS(v), ==, SYSMEM_SELECTOR_COUNT);
    for (size_t i = 0; i < G_N_ELEMENTS(v); i++) {
        g_assert_cmphex(v[i].got, ==, v[i].want);
    }
}

/* ---------------------------------------------------------------------- */
/* Method table                                                            */

static void test_method_table(void)
{
    static const uint32_t protos[] = {
        SYSMEM_PROTO_V2_ALLOCATOR, SYSMEM_PROTO_V2_TOKEN,
        SYSMEM_PROTO_V2_COLLECTION, SYSMEM_PROTO_V2_GROUP,
        SYSMEM_PROTO_V1_ALLOCATOR, SYSMEM_PROTO_V1_TOKEN,
        SYSMEM_PROTO_V1_COLLECTION, SYSMEM_PROTO_V1_GROUP,
    };

    g_assert_cmpuint(sysmem_method_count, ==, SYSMEM_M_COUNT_);
    for (uint32_t i = 0; i < sysmem_method_count; i++) {
        const sysmem_method_t *m = &sysmem_methods_base[i];
        bool v2 = (m->protocols & SYSMEM_PROTO_V2_ALL) != 0;

        g_assert_nonnull(m->selector);
        g_assert_cmphex(ordinal_of(m->selector), ==, m->ordinal);
        g_assert_true(g_str_has_suffix(m->selector, m->name));
        g_assert_true(sysmem_method_by_id(m->id) == m);
        g_assert_cmpstr(sysmem_method_selector(m), ==, m->selector);
        /* one library per method; v2 flexible and v1 strict */
        g_assert_true(!(m->protocols & SYSMEM_PROTO_V2_ALL) ||
                      !(m->protocols & SYSMEM_PROTO_V1_ALL));
        g_assert_cmpint(!!(m->flags & SYSMEM_METHOD_FLEXIBLE), ==, v2);
        g_assert_cmpint(g_str_has_prefix(m->selector, "fuchsia.sysmem2/"), ==,
                        v2);
        if (!(m->flags & SYSMEM_METHOD_TWO_WAY)) {
            g_assert_null(m->response);
            g_assert_cmpuint(m->flags & (SYSMEM_METHOD_RESULT_UNION |
                                         SYSMEM_METHOD_HAS_ERROR), ==, 0);
        }
        /* flexible two-way methods always reply with a result union */
        if ((m->flags & SYSMEM_METHOD_TWO_WAY) &&
            (m->flags & (SYSMEM_METHOD_FLEXIBLE | SYSMEM_METHOD_HAS_ERROR))) {
            g_assert_true(m->flags & SYSMEM_METHOD_RESULT_UNION);
        }
        if (m->flags & SYSMEM_METHOD_RESULT_UNION) {
            g_assert_nonnull(m->response);
            g_assert_cmpint(m->response->kind, ==, FIDL_KIND_UNION);
            g_assert_cmpint(m->response->flags & FIDL_TF_STRICT, !=, 0);
        }
        /* the declaring protocol's name is in the selector */
        if (strstr(m->selector, "/Node.")) {
            g_assert_cmpuint(m->protocols, ==,
                             v2 ? SYSMEM_PROTO_V2_NODES : SYSMEM_PROTO_V1_NODES);
        }
    }
    /* within one protocol every ordinal names one method */
    for (size_t p = 0; p < G_N_ELEMENTS(protos); p++) {
        for (uint32_t i = 0; i < sysmem_method_count; i++) {
            const sysmem_method_t *m = &sysmem_methods_base[i];

            if (m->protocols & protos[p]) {
                g_assert_true(sysmem_method_lookup(protos[p], m->ordinal) == m);
            }
        }
    }
    /* Node methods are composed into all three v2 node protocols */
    g_assert_nonnull(sysmem_method_lookup(SYSMEM_PROTO_V2_GROUP,
                                          SYSMEM2_NODE_SYNC_ORDINAL));
    g_assert_nonnull(sysmem_method_lookup(SYSMEM_PROTO_V2_COLLECTION,
                                          SYSMEM2_NODE_RELEASE_ORDINAL));
    g_assert_null(sysmem_method_lookup(SYSMEM_PROTO_V2_ALLOCATOR,
                                       SYSMEM2_NODE_SYNC_ORDINAL));
    g_assert_null(sysmem_method_lookup(SYSMEM_PROTO_V2_TOKEN,
                                       SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS_ORDINAL));
    g_assert_null(sysmem_method_lookup(0, 0x1234));
    g_assert_true(SYSMEM_PROTO_IS_OPEN(SYSMEM_PROTO_V2_TOKEN));
    g_assert_false(SYSMEM_PROTO_IS_OPEN(SYSMEM_PROTO_V1_TOKEN));
}

/* ---------------------------------------------------------------------- */
/* Round trips of every payload, driven by the descriptors themselves      */

typedef struct {
    GRand *rand;
    bool all;               /* every optional field present */
    uint32_t next_handle;
    uint32_t vec_max;
} filler_t;

static void fill(filler_t *f, const fidl_type_t *t, uint8_t *c);

static void fill_vector(filler_t *f, const fidl_type_t *t, uint8_t *c)
{
    const fidl_type_t *e = t->elem;
    uint8_t *data = (uint8_t *)(((uintptr_t)c + 4 + e->c_align - 1) &
                                ~(uintptr_t)(e->c_align - 1));
    uint32_t max = MIN(t->max_count, f->vec_max);
    uint32_t count = f->all ? max : (uint32_t)g_rand_int_range(f->rand, 0,
                                                                max + 1);

    if ((t->flags & FIDL_TF_NULLABLE) && !f->all &&
        g_rand_int_range(f->rand, 0, 4) == 0) {
        memcpy(c, &(uint32_t){ FIDL_ABSENT_COUNT }, 4);
        return;
    }
    memcpy(c, &count, 4);
    for (uint32_t i = 0; i < count; i++) {
        fill(f, e, data + i * e->c_size);
    }
}

static void fill(filler_t *f, const fidl_type_t *t, uint8_t *c)
{
    uint64_t v = ((uint64_t)g_rand_int(f->rand) << 32) | g_rand_int(f->rand);
    uint32_t i;

    switch (t->kind) {
    case FIDL_KIND_BOOL:
        *(bool *)c = v & 1;
        break;
    case FIDL_KIND_INT:
    case FIDL_KIND_BITS:
        if (t->kind == FIDL_KIND_BITS && (t->flags & FIDL_TF_STRICT)) {
            v &= t->bits_mask;
        }
        memcpy(c, &v, t->c_size);     /* little-endian host */
        break;
    case FIDL_KIND_ENUM:
        if (t->flags & FIDL_TF_STRICT) {
            v = t->values[v % t->nmembers];
        }
        memcpy(c, &v, t->c_size);
        break;
    case FIDL_KIND_HANDLE:
        if ((t->flags & FIDL_TF_NULLABLE) && !f->all && (v & 1)) {
            break;
        }
        memcpy(c, &(fidl_handle_t){ f->next_handle++ }, 4);
        break;
    case FIDL_KIND_STRING: {
        uint32_t len = MIN(t->max_count, f->all ? 12 : (uint32_t)(v % 13));
        for (i = 0; i < len; i++) {
            c[4 + i] = (uint8_t)('a' + (v >> i) % 26);
        }
        memcpy(c, &len, 4);
        break;
    }
    case FIDL_KIND_VECTOR:
        fill_vector(f, t, c);
        break;
    case FIDL_KIND_ARRAY:
        for (i = 0; i < t->max_count; i++) {
            fill(f, t->elem, c + i * t->elem->c_size);
        }
        break;
    case FIDL_KIND_STRUCT:
        for (i = 0; i < t->nmembers; i++) {
            fill(f, t->fields[i].type, c + t->fields[i].c_offset);
        }
        break;
    case FIDL_KIND_TABLE:
        for (i = 0; i < t->nmembers; i++) {
            if (f->all || g_rand_boolean(f->rand)) {
                c[t->fields[i].c_has_offset] = 1;
                fill(f, t->fields[i].type, c + t->fields[i].c_offset);
            }
        }
        break;
    case FIDL_KIND_UNION: {
        const fidl_field_t *m = &t->fields[v % t->nmembers];
        memcpy(c, &(uint64_t){ m->ordinal }, 8);
        if (m->type == &fidl_framework_err_type) {
            memcpy(c + m->c_offset, &(int32_t){ -2 }, 4);
        } else {
            fill(f, m->type, c + m->c_offset);
        }
        break;
    }
    default:
        g_assert_not_reached();
    }
}

static void round_trip_value(const fidl_type_t *t, const void *value,
                             uint32_t *out_n)
{
    g_autofree uint8_t *buf = g_malloc(FIDL_MAX_MSG_BYTES);
    g_autofree void *back = g_malloc0(t->c_size);
    fidl_handle_info_t h[FIDL_MAX_MSG_HANDLES];
    uint32_t n, nh;
    g_autofree uint8_t *exact = NULL;

    assert_fidl(fidl_encode(t, value, buf, FIDL_MAX_MSG_BYTES, &n, h,
                            FIDL_MAX_MSG_HANDLES, &nh), FIDL_OK);
    exact = g_memdup2(buf, n);
    assert_fidl(fidl_decode(t, exact, n, h, nh, back), FIDL_OK);
    if (memcmp(back, value, t->c_size) != 0) {
        g_test_message("%s: decoded value differs from the encoded one",
                       t->name);
        g_assert_not_reached();
    }
    for (uint32_t i = 0; i < nh; i++) {
        g_assert_cmpuint(h[i].flags, ==, 0);
    }
    if (out_n) {
        *out_n = n;
    }
}

static void round_trip_type(const fidl_type_t *t)
{
    g_autofree uint8_t *c = g_malloc0(t->c_size);
    filler_t f = { .rand = g_rand_new_with_seed(42), .next_handle = 1,
                   .vec_max = 2 };
    uint32_t n;

    /* fields absent: an empty table encodes as 16 bytes */
    if (t->kind == FIDL_KIND_TABLE) {
        round_trip_value(t, c, &n);
        g_assert_cmpuint(n, ==, 16);
    }
    /* every field present */
    f.all = true;
    fill(&f, t, c);
    round_trip_value(t, c, NULL);
    /* random subsets */
    f.all = false;
    for (int i = 0; i < 40; i++) {
        memset(c, 0, t->c_size);
        f.next_handle = 1;
        fill(&f, t, c);
        round_trip_value(t, c, NULL);
    }
    g_rand_free(f.rand);
}

/*
 * With CODEC_FUZZ_SEEDS=<dir> in the environment, also write one fully
 * populated request and reply per method in fuzz/codec-fuzz.c's input
 * format ([0xff][handle count][handle type bytes][message]); that is how
 * fuzz/codec-corpus was made.
 */
static void write_fuzz_seed(const sysmem_method_t *m, bool reply)
{
    const char *dir = g_getenv("CODEC_FUZZ_SEEDS");
    const fidl_type_t *t = reply ? m->response : m->request;
    g_autofree uint8_t *c = NULL;
    g_autofree uint8_t *msg = g_malloc(FIDL_MAX_MSG_BYTES);
    fidl_handle_info_t h[FIDL_MAX_MSG_HANDLES];
    filler_t f = { .rand = g_rand_new_with_seed(7), .all = true,
                   .next_handle = 1, .vec_max = 2 };
    uint32_t n, nh = 0;
    GByteArray *seed;
    g_autofree char *name = NULL;
    g_autofree char *path = NULL;
    int r;

    if (!dir || (reply && !(m->flags & SYSMEM_METHOD_TWO_WAY))) {
        g_rand_free(f.rand);
        return;
    }
    if (t) {
        c = g_malloc0(t->c_size);
        fill(&f, t, c);
    }
    g_rand_free(f.rand);
    r = reply ? sysmem_encode_reply(m, 1, c, msg, FIDL_MAX_MSG_BYTES, &n, h,
                                    FIDL_MAX_MSG_HANDLES, &nh)
              : sysmem_encode_request(m, (m->flags & SYSMEM_METHOD_TWO_WAY)
                                      ? 1 : 0, c, msg, FIDL_MAX_MSG_BYTES,
                                      &n, h, FIDL_MAX_MSG_HANDLES, &nh);
    assert_fidl(r, FIDL_OK);
    seed = g_byte_array_new();
    g_byte_array_append(seed, (const guint8 *)"\xff", 1);
    g_byte_array_append(seed, (const guint8 *)&(guint8){ (guint8)nh }, 1);
    for (uint32_t i = 0; i < nh; i++) {
        static const uint32_t order[] = {
            FIDL_OBJ_TYPE_NONE, FIDL_OBJ_TYPE_CHANNEL, FIDL_OBJ_TYPE_VMO,
            FIDL_OBJ_TYPE_EVENT, FIDL_OBJ_TYPE_EVENTPAIR,
        };
        guint8 b = 0x80;

        for (guint8 k = 0; k < G_N_ELEMENTS(order); k++) {
            if (order[k] == h[i].type) {
                b |= k;
            }
        }
        g_byte_array_append(seed, &b, 1);
    }
    g_byte_array_append(seed, msg, n);
    name = g_strdup_printf("msg-%s-%s", strrchr(m->selector, '/') + 1,
                           reply ? "reply" : "request");
    if (g_str_has_prefix(m->selector, "fuchsia.sysmem/")) {
        g_autofree char *v1 = g_strconcat("v1-", name, NULL);
        g_free(name);
        name = g_steal_pointer(&v1);
    }
    path = g_build_filename(dir, name, NULL);
    g_assert_true(g_file_set_contents(path, (const char *)seed->data,
                                      seed->len, NULL));
    g_byte_array_free(seed, TRUE);
}

static void test_round_trip_all_methods(gconstpointer data)
{
    const sysmem_method_t *m = data;

    if (m->request) {
        round_trip_type(m->request);
    }
    if (m->response) {
        round_trip_type(m->response);
    }
    write_fuzz_seed(m, false);
    write_fuzz_seed(m, true);
}

static void test_round_trip_types(void)
{
    static const fidl_type_t *const types[] = {
        &sysmem2_buffer_usage_type, &sysmem2_heap_type,
        &sysmem2_buffer_memory_constraints_type,
        &sysmem2_pixel_format_and_modifier_type,
        &sysmem2_image_format_constraints_type,
        &sysmem2_buffer_collection_constraints_type,
        &sysmem2_buffer_memory_settings_type,
        &sysmem2_single_buffer_settings_type, &sysmem2_vmo_buffer_type,
        &sysmem2_buffer_collection_info_type, &images2_size_u_type,
        &images2_rect_u_type, &sysmem1_buffer_usage_type,
        &sysmem1_pixel_format_type, &sysmem1_image_format_constraints_type,
        &sysmem1_buffer_memory_constraints_type,
        &sysmem1_buffer_collection_constraints_type,
        &sysmem1_buffer_memory_settings_type,
        &sysmem1_single_buffer_settings_type, &sysmem1_vmo_buffer_type,
        &sysmem1_buffer_collection_info_2_type, &sysmem1_image_format_2_type,
    };

    for (size_t i = 0; i < G_N_ELEMENTS(types); i++) {
        round_trip_type(types[i]);
    }
}

/* ---------------------------------------------------------------------- */
/* Descriptor lint: every type reachable from the method table             */

static void lint_type(const fidl_type_t *t, GHashTable *seen);

static void lint_fields(const fidl_type_t *t, GHashTable *seen)
{
    for (uint32_t i = 0; i < t->nmembers; i++) {
        const fidl_field_t *f = &t->fields[i];
        const fidl_type_t *ft = f->type;

        g_assert_nonnull(ft);
        lint_type(ft, seen);
        if (ft->kind == FIDL_KIND_STRING || ft->kind == FIDL_KIND_VECTOR) {
            /* count, then the data array right after it, all inside */
            uint32_t ea = ft->kind == FIDL_KIND_STRING ? 1 : ft->elem->c_align;
            uint32_t es = ft->kind == FIDL_KIND_STRING ? 1 : ft->elem->c_size;
            uint32_t extra = ft->kind == FIDL_KIND_STRING ? 1 : 0;
            uint32_t data = (f->c_offset + 4 + ea - 1) & ~(ea - 1);

            g_assert_cmpuint(f->c_offset % 4, ==, 0);
            g_assert_cmpuint(data + (ft->max_count + extra) * es, <=,
                             t->c_size);
        } else {
            g_assert_cmpuint(f->c_offset % ft->c_align, ==, 0);
            g_assert_cmpuint(f->c_offset + ft->c_size, <=, t->c_size);
        }
        switch (t->kind) {
        case FIDL_KIND_STRUCT:
            g_assert_cmpuint(f->wire_offset % ft->wire_align, ==, 0);
            g_assert_cmpuint(f->wire_offset + ft->wire_size, <=,
                             t->wire_size);
            if (i > 0) {
                const fidl_field_t *p = &t->fields[i - 1];
                g_assert_cmpuint(p->wire_offset + p->type->wire_size, <=,
                                 f->wire_offset);
            }
            break;
        case FIDL_KIND_TABLE:
            g_assert_cmpuint(f->ordinal, >=, 1);
            g_assert_cmpuint(f->c_has_offset, <, t->c_size);
            g_assert_cmpuint(f->c_has_offset, !=, f->c_offset);
            if (i > 0) {
                g_assert_cmpuint(t->fields[i - 1].ordinal, <, f->ordinal);
            }
            if (ft->kind == FIDL_KIND_HANDLE || ft->kind == FIDL_KIND_VECTOR) {
                bool handles = ft->kind == FIDL_KIND_HANDLE ||
                               ft->elem->kind == FIDL_KIND_HANDLE;
                g_assert_true(!handles || (t->flags & FIDL_TF_RESOURCE));
            }
            break;
        case FIDL_KIND_UNION:
            g_assert_cmpuint(f->ordinal, >=, 1);
            g_assert_cmpuint(f->c_offset, >=, 8);
            for (uint32_t k = 0; k < i; k++) {
                g_assert_cmpuint(t->fields[k].ordinal, !=, f->ordinal);
            }
            break;
        default:
            g_assert_not_reached();
        }
    }
}

static void lint_type(const fidl_type_t *t, GHashTable *seen)
{
    if (!g_hash_table_add(seen, (gpointer)t)) {
        return;
    }
    g_assert_nonnull(t->name);
    g_assert_cmpuint(t->flags & FIDL_TF_NO_C, ==, 0);
    g_assert_cmpuint(t->wire_align, >=, 1);
    g_assert_cmpuint(t->wire_size % t->wire_align, ==, 0);
    g_assert_cmpuint(t->c_align, >=, 1);
    switch (t->kind) {
    case FIDL_KIND_BOOL:
    case FIDL_KIND_INT:
    case FIDL_KIND_BITS:
    case FIDL_KIND_ENUM:
        g_assert_cmpuint(t->wire_size, ==, t->c_size);
        if (t->kind == FIDL_KIND_ENUM && (t->flags & FIDL_TF_STRICT)) {
            g_assert_cmpuint(t->nmembers, >, 0);
            g_assert_nonnull(t->values);
        }
        break;
    case FIDL_KIND_HANDLE:
        g_assert_cmpuint(t->wire_size, ==, 4);
        g_assert_cmpuint(t->rights, !=, 0);
        break;
    case FIDL_KIND_STRING:
    case FIDL_KIND_VECTOR:
        g_assert_cmpuint(t->wire_size, ==, 16);
        g_assert_cmpuint(t->max_count, <, 0x10000);
        if (t->kind == FIDL_KIND_VECTOR) {
            g_assert_nonnull(t->elem);
            lint_type(t->elem, seen);
        }
        break;
    case FIDL_KIND_ARRAY:
        g_assert_cmpuint(t->wire_size, ==, t->max_count * t->elem->wire_size);
        g_assert_cmpuint(t->c_size, ==, t->max_count * t->elem->c_size);
        lint_type(t->elem, seen);
        break;
    case FIDL_KIND_STRUCT:
    case FIDL_KIND_TABLE:
    case FIDL_KIND_UNION:
        if (t->kind != FIDL_KIND_STRUCT) {
            g_assert_cmpuint(t->wire_size, ==, 16);
        }
        if (t->kind == FIDL_KIND_STRUCT && t->nmembers == 0) {
            g_assert_cmpuint(t->wire_size, ==, 1);
        }
        lint_fields(t, seen);
        break;
    default:
        g_assert_not_reached();
    }
}

static void test_descriptor_lint(void)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
    /* v1 data structs mirror the wire layout field for field */
    static const fidl_type_t *const v1_mirrors[] = {
        &sysmem1_buffer_usage_type, &sysmem1_pixel_format_type,
        &sysmem1_image_format_constraints_type,
        &sysmem1_buffer_memory_constraints_type,
        &sysmem1_buffer_collection_constraints_type,
        &sysmem1_buffer_memory_settings_type,
        &sysmem1_single_buffer_settings_type, &sysmem1_vmo_buffer_type,
        &sysmem1_buffer_collection_info_2_type, &sysmem1_image_format_2_type,
    };

    for (uint32_t i = 0; i < sysmem_method_count; i++) {
        const sysmem_method_t *m = &sysmem_methods_base[i];

        if (m->request) {
            lint_type(m->request, seen);
        }
        if (m->response) {
            lint_type(m->response, seen);
        }
    }
    g_assert_cmpuint(g_hash_table_size(seen), >, 60);
    for (size_t i = 0; i < G_N_ELEMENTS(v1_mirrors); i++) {
        const fidl_type_t *t = v1_mirrors[i];

        lint_type(t, seen);
        g_assert_cmpuint(t->c_size, ==, t->wire_size);
        for (uint32_t k = 0; k < t->nmembers; k++) {
            g_assert_cmpuint(t->fields[k].c_offset, ==,
                             t->fields[k].wire_offset);
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Byte-exact sysmem messages                                              */

static void expect_msg(const uint8_t *got, uint32_t n, const char *hex)
{
    uint32_t wn;
    g_autofree uint8_t *want = hex_bytes(hex, &wn);

    assert_bytes_eq(got, n, want, wn);
}

static void test_msg_set_name(void)
{
    const sysmem_method_t *m =
        sysmem_method_lookup(SYSMEM_PROTO_V2_TOKEN,
                             SYSMEM2_NODE_SET_NAME_ORDINAL);
    sysmem2_node_set_name_request_t req, back;
    uint8_t b[256];
    uint32_t n;
    fidl_message_header_t hdr;

    memset(&req, 0, sizeof(req));
    req.has_priority = true;
    req.priority = 5;
    req.has_name = true;
    SET_STR(req.name_len, req.name, "abc");
    assert_fidl(sysmem_encode_request(m, 0, &req, b, sizeof(b), &n, NULL, 0,
                                      NULL), FIDL_OK);
    expect_msg(b, n,
        "00 00 00 00 02 00 80 01  e9 c1 48 4f 62 f1 41 0b"
        "02 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "05 00 00 00 00 00 01 00  18 00 00 00 00 00 00 00"
        "03 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "61 62 63 00 00 00 00 00");
    assert_fidl(sysmem_decode_request(m, b, n, NULL, 0, &hdr, &back), FIDL_OK);
    g_assert_cmpmem(&back, sizeof(back), &req, sizeof(req));
    g_assert_true(fidl_header_is_flexible(&hdr));

    /* a message for another method */
    assert_fidl(sysmem_decode_request(sysmem_method_by_id(
                    SYSMEM_M_SYSMEM2_NODE_SET_DEBUG_CLIENT_INFO), b, n, NULL,
                    0, NULL, NULL), FIDL_ERR_UNEXPECTED_ORDINAL);
    /* one-way with a txid: rejected */
    b[0] = 1;
    assert_fidl(sysmem_decode_request(m, b, n, NULL, 0, NULL, &back),
                FIDL_ERR_INVALID_TXID);
    /* a name over 64 bytes */
    req.name_len = 65;
    assert_fidl(sysmem_encode_request(m, 0, &req, b, sizeof(b), &n, NULL, 0,
                                      NULL), FIDL_ERR_STRING_TOO_LONG);
}

static void test_msg_sync_reply(void)
{
    const sysmem_method_t *m =
        sysmem_method_lookup(SYSMEM_PROTO_V2_COLLECTION,
                             SYSMEM2_NODE_SYNC_ORDINAL);
    const sysmem_method_t *v1 =
        sysmem_method_lookup(SYSMEM_PROTO_V1_COLLECTION,
                             SYSMEM1_NODE_SYNC_ORDINAL);
    sysmem2_node_sync_result_t res = { .tag = FIDL_RESULT_RESPONSE };
    uint8_t b[64];
    uint32_t n;

    /* request: two-way, no payload */
    assert_fidl(sysmem_encode_request(m, 7, NULL, b, sizeof(b), &n, NULL, 0,
                                      NULL), FIDL_OK);
    expect_msg(b, n, "07 00 00 00 02 00 80 01  54 5b 57 cf 55 25 ac 11");
    assert_fidl(sysmem_decode_request(m, b, n, NULL, 0, NULL, NULL), FIDL_OK);
    b[0] = 0;
    assert_fidl(sysmem_decode_request(m, b, n, NULL, 0, NULL, NULL),
                FIDL_ERR_INVALID_TXID);

    /* flexible `-> ()` reply: result union, empty struct inlined */
    assert_fidl(sysmem_encode_reply(m, 7, &res, b, sizeof(b), &n, NULL, 0,
                                    NULL), FIDL_OK);
    expect_msg(b, n,
        "07 00 00 00 02 00 80 01  54 5b 57 cf 55 25 ac 11"
        "01 00 00 00 00 00 00 00  00 00 00 00 00 00 01 00");
    memset(&res, 0xaa, sizeof(res));
    assert_fidl(sysmem_decode_reply(m, b, n, NULL, 0, NULL, &res), FIDL_OK);
    g_assert_cmpuint(res.tag, ==, FIDL_RESULT_RESPONSE);

    /* v1 strict Sync reply: a bare header */
    assert_fidl(sysmem_encode_reply(v1, 9, NULL, b, sizeof(b), &n, NULL, 0,
                                    NULL), FIDL_OK);
    expect_msg(b, n, "09 00 00 00 02 00 00 01  91 62 e2 8a 23 7e 57 04");
    assert_fidl(sysmem_decode_reply(v1, b, n, NULL, 0, NULL, NULL), FIDL_OK);
}

static void test_msg_error_reply(void)
{
    const sysmem_method_t *m =
        sysmem_method_lookup(SYSMEM_PROTO_V2_COLLECTION,
                             SYSMEM2_BUFFER_COLLECTION_CHECK_ALL_BUFFERS_ALLOCATED_ORDINAL);
    sysmem2_buffer_collection_check_all_buffers_allocated_result_t res;
    uint8_t b[64];
    uint32_t n;

    memset(&res, 0, sizeof(res));
    res.tag = FIDL_RESULT_ERR;
    res.err = SYSMEM2_ERROR_PENDING;
    assert_fidl(sysmem_encode_reply(m, 3, &res, b, sizeof(b), &n, NULL, 0,
                                    NULL), FIDL_OK);
    expect_msg(b, n,
        "03 00 00 00 02 00 80 01  10 9c 93 ce 77 fe a5 35"
        "02 00 00 00 00 00 00 00  07 00 00 00 00 00 01 00");
    g_assert_true(m->flags & SYSMEM_METHOD_HAS_ERROR);
}

static void test_msg_wait_reply_handles(void)
{
    const sysmem_method_t *m =
        sysmem_method_lookup(SYSMEM_PROTO_V2_COLLECTION,
                             SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED_ORDINAL);
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t
        *res = g_new0(sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t, 1);
    g_autofree sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t
        *back = g_new0(sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t, 1);
    sysmem2_buffer_collection_info_t *info =
        &res->response.buffer_collection_info;
    g_autofree uint8_t *b = g_malloc(FIDL_MAX_MSG_BYTES);
    fidl_handle_info_t h[FIDL_MAX_MSG_HANDLES];
    uint32_t n, nh;

    res->tag = FIDL_RESULT_RESPONSE;
    res->response.has_buffer_collection_info = true;
    info->has_settings = true;
    info->settings.has_buffer_settings = true;
    info->settings.buffer_settings.has_size_bytes = true;
    info->settings.buffer_settings.size_bytes = 98304;
    info->settings.buffer_settings.has_coherency_domain = true;
    info->settings.buffer_settings.coherency_domain =
        SYSMEM2_COHERENCY_DOMAIN_CPU;
    info->settings.buffer_settings.has_heap = true;
    info->settings.buffer_settings.heap.has_heap_type = true;
    SET_STR(info->settings.buffer_settings.heap.heap_type_len,
            info->settings.buffer_settings.heap.heap_type,
            SYSMEM2_HEAP_TYPE_SYSTEM_RAM);
    info->settings.buffer_settings.heap.has_id = true;
    info->has_buffers = true;
    info->buffers_count = 3;
    for (int i = 0; i < 3; i++) {
        info->buffers[i].has_vmo = true;
        info->buffers[i].vmo = 0x500 + i;
        info->buffers[i].has_vmo_usable_start = true;
    }
    info->has_buffer_collection_id = true;
    info->buffer_collection_id = 1234;

    assert_fidl(sysmem_encode_reply(m, 5, res, b, FIDL_MAX_MSG_BYTES, &n, h,
                                    FIDL_MAX_MSG_HANDLES, &nh), FIDL_OK);
    g_assert_cmpuint(nh, ==, 3);
    for (uint32_t i = 0; i < nh; i++) {
        g_assert_cmpuint(h[i].handle, ==, 0x500 + i);
        g_assert_cmpuint(h[i].type, ==, FIDL_OBJ_TYPE_VMO);
        g_assert_cmpuint(h[i].rights, ==, FIDL_RIGHT_SAME_RIGHTS);
    }
    assert_fidl(sysmem_decode_reply(m, b, n, h, nh, NULL, back), FIDL_OK);
    g_assert_cmpmem(back, sizeof(*back), res, sizeof(*res));
    g_assert_cmpstr(back->response.buffer_collection_info.settings
                    .buffer_settings.heap.heap_type, ==,
                    SYSMEM2_HEAP_TYPE_SYSTEM_RAM);
    /* a handle of the wrong type is refused */
    h[1].type = FIDL_OBJ_TYPE_CHANNEL;
    assert_fidl(sysmem_decode_reply(m, b, n, h, nh, NULL, back),
                FIDL_ERR_INCORRECT_HANDLE_TYPE);
}

static void test_msg_set_constraints_scenario(void)
{
    /* scenario 2 of the reference: NV12/REC709 256x256, camping 3 */
    const sysmem_method_t *m =
        sysmem_method_lookup(SYSMEM_PROTO_V2_COLLECTION,
                             SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS_ORDINAL);
    g_autofree sysmem2_buffer_collection_set_constraints_request_t *req =
        g_new0(sysmem2_buffer_collection_set_constraints_request_t, 1);
    g_autofree sysmem2_buffer_collection_set_constraints_request_t *back =
        g_new0(sysmem2_buffer_collection_set_constraints_request_t, 1);
    sysmem2_buffer_collection_constraints_t *c = &req->constraints;
    sysmem2_image_format_constraints_t *ifc = &c->image_format_constraints[0];
    g_autofree uint8_t *b = g_malloc(FIDL_MAX_MSG_BYTES);
    uint32_t n;

    req->has_constraints = true;
    c->has_usage = true;
    c->usage.has_cpu = true;
    c->usage.cpu = SYSMEM2_CPU_USAGE_READ_OFTEN | SYSMEM2_CPU_USAGE_WRITE_OFTEN;
    c->has_min_buffer_count_for_camping = true;
    c->min_buffer_count_for_camping = 3;
    c->has_buffer_memory_constraints = true;
    c->buffer_memory_constraints.has_min_size_bytes = true;
    c->buffer_memory_constraints.min_size_bytes = 64 * 1024;
    c->buffer_memory_constraints.has_cpu_domain_supported = true;
    c->buffer_memory_constraints.cpu_domain_supported = true;
    c->has_image_format_constraints = true;
    c->image_format_constraints_count = 1;
    ifc->has_pixel_format = true;
    ifc->pixel_format = IMAGES2_PIXEL_FORMAT_NV12;
    ifc->has_color_spaces = true;
    ifc->color_spaces_count = 1;
    ifc->color_spaces[0] = IMAGES2_COLOR_SPACE_REC709;
    ifc->has_min_size = true;
    ifc->min_size.width = 256;
    ifc->min_size.height = 256;
    ifc->has_min_bytes_per_row = true;
    ifc->min_bytes_per_row = 256;
    ifc->has_size_alignment = true;
    ifc->size_alignment.width = 2;
    ifc->size_alignment.height = 2;
    ifc->has_bytes_per_row_divisor = true;
    ifc->bytes_per_row_divisor = 2;

    assert_fidl(sysmem_encode_request(m, 0, req, b, FIDL_MAX_MSG_BYTES, &n,
                                      NULL, 0, NULL), FIDL_OK);
    assert_fidl(sysmem_decode_request(m, b, n, NULL, 0, NULL, back), FIDL_OK);
    g_assert_cmpmem(back, sizeof(*back), req, sizeof(*req));
    g_assert_cmpuint(back->constraints.image_format_constraints[0]
                     .color_spaces[0], ==, IMAGES2_COLOR_SPACE_REC709);

    /* a handle smuggled into a value table is refused */
    {
        fidl_handle_info_t h = { .handle = 1 };
        assert_fidl(sysmem_decode_request(m, b, n, &h, 1, NULL, back),
                    FIDL_ERR_TOO_MANY_HANDLES_IN_MESSAGE);
    }
    /* a message truncated anywhere is refused */
    for (uint32_t cut = 0; cut < n; cut += 7) {
        g_autofree uint8_t *t = g_memdup2(b, cut);
        g_assert_cmpint(sysmem_decode_request(m, t, cut, NULL, 0, NULL, back),
                        !=, FIDL_OK);
    }
}

static void test_msg_unknown_fields(void)
{
    /* BufferUsage with an unknown inline field 6 and an unknown
     * out-of-line field 7: a newer client's table decodes, extras
     * dropped. */
    sysmem2_buffer_usage_t u;
    uint32_t n;
    g_autofree uint8_t *b = hex_bytes(
        "07 00 00 00 00 00 00 00  ff ff ff ff ff ff ff ff"
        "00 00 00 00 00 00 00 00  04 00 00 00 00 00 01 00"
        "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
        "00 00 00 00 00 00 00 00  2a 00 00 00 00 00 01 00"
        "08 00 00 00 00 00 00 00"
        "01 02 03 04 05 06 07 08", &n);

    assert_fidl(fidl_decode(&sysmem2_buffer_usage_type, b, n, NULL, 0, &u),
                FIDL_OK);
    g_assert_true(u.has_cpu);
    g_assert_cmpuint(u.cpu, ==, 4);
    g_assert_false(u.has_none);
    g_assert_false(u.has_video);
}

static void test_msg_v1_sizes(void)
{
    const sysmem_method_t *set =
        sysmem_method_lookup(SYSMEM_PROTO_V1_COLLECTION,
                             SYSMEM1_BUFFER_COLLECTION_SET_CONSTRAINTS_ORDINAL);
    const sysmem_method_t *wait =
        sysmem_method_lookup(SYSMEM_PROTO_V1_COLLECTION,
                             SYSMEM1_BUFFER_COLLECTION_WAIT_FOR_BUFFERS_ALLOCATED_ORDINAL);
    g_autofree sysmem1_buffer_collection_set_constraints_request_t *req =
        g_new0(sysmem1_buffer_collection_set_constraints_request_t, 1);
    g_autofree sysmem1_buffer_collection_wait_for_buffers_allocated_response_t
        *resp = g_new0(sysmem1_buffer_collection_wait_for_buffers_allocated_response_t, 1);
    g_autofree uint8_t *b = g_malloc(FIDL_MAX_MSG_BYTES);
    fidl_handle_info_t h[FIDL_MAX_MSG_HANDLES];
    uint32_t n, nh;

    g_assert_cmpuint(sysmem1_buffer_collection_constraints_type.wire_size, ==,
                     7760);
    g_assert_cmpuint(sysmem1_buffer_collection_info_2_type.wire_size, ==,
                     1296);
    g_assert_cmpuint(sysmem1_image_format_constraints_type.wire_size, ==, 232);
    g_assert_cmpuint(sysmem1_buffer_memory_constraints_type.wire_size, ==, 280);
    g_assert_cmpuint(sysmem1_single_buffer_settings_type.wire_size, ==, 264);

    req->has_constraints = true;
    req->constraints.min_buffer_count_for_camping = 2;
    req->constraints.image_format_constraints_count = 1;
    req->constraints.image_format_constraints[0].pixel_format.type =
        SYSMEM1_PIXEL_FORMAT_TYPE_NV12;
    assert_fidl(sysmem_encode_request(set, 0, req, b, FIDL_MAX_MSG_BYTES, &n,
                                      NULL, 0, NULL), FIDL_OK);
    g_assert_cmpuint(n, ==, 16 + 8 + 7760);
    g_assert_cmpuint(b[6], ==, 0);                  /* strict */
    g_assert_cmpuint(b[16], ==, 1);                 /* has_constraints */
    g_assert_cmpuint(b[16 + 8 + 20], ==, 2);        /* camping */
    g_assert_cmpuint(b[16 + 8 + 336], ==, 104);     /* NV12 */
    /* v1 enums are strict: P010 (117) does not exist in v1 */
    b[16 + 8 + 336] = 117;
    assert_fidl(sysmem_decode_request(set, b, n, NULL, 0, NULL, req),
                FIDL_ERR_STRICT_ENUM_UNKNOWN_VALUE);
    /* padding after has_constraints */
    b[16 + 8 + 336] = 104;
    b[16 + 3] = 1;
    assert_fidl(sysmem_decode_request(set, b, n, NULL, 0, NULL, req),
                FIDL_ERR_INVALID_PADDING_BYTE);

    resp->status = FIDL_ZX_OK;
    resp->buffer_collection_info.buffer_count = 2;
    resp->buffer_collection_info.buffers[0].vmo = 0x11;
    resp->buffer_collection_info.buffers[1].vmo = 0x12;
    assert_fidl(sysmem_encode_reply(wait, 4, resp, b, FIDL_MAX_MSG_BYTES, &n,
                                    h, FIDL_MAX_MSG_HANDLES, &nh), FIDL_OK);
    g_assert_cmpuint(n, ==, 16 + 8 + 1296);
    g_assert_cmpuint(nh, ==, 2);
    g_assert_cmpuint(h[0].type, ==, FIDL_OBJ_TYPE_VMO);
    /* absent optional VMO handles are zero, present ones all-ones */
    g_assert_cmpuint(b[16 + 8 + 272], ==, 0xff);
    g_assert_cmpuint(b[16 + 8 + 272 + 32], ==, 0x00);
}

static void test_msg_too_large(void)
{
    /* 64 fully populated ImageFormatConstraints exceed 64 KiB */
    g_autofree sysmem2_buffer_collection_set_constraints_request_t *req =
        g_new0(sysmem2_buffer_collection_set_constraints_request_t, 1);
    const sysmem_method_t *m =
        sysmem_method_lookup(SYSMEM_PROTO_V2_COLLECTION,
                             SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS_ORDINAL);
    g_autofree uint8_t *b = g_malloc(FIDL_MAX_MSG_BYTES);
    filler_t f = { .rand = g_rand_new_with_seed(1), .all = true,
                   .next_handle = 1, .vec_max = 64 };
    uint32_t n = 1;

    fill(&f, &sysmem2_buffer_collection_set_constraints_request_type,
         (uint8_t *)req);
    g_rand_free(f.rand);
    assert_fidl(sysmem_encode_request(m, 0, req, b, FIDL_MAX_MSG_BYTES, &n,
                                      NULL, 0, NULL),
                FIDL_ERR_EXCEEDED_MAX_MESSAGE_BYTES);
    g_assert_cmpuint(n, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/codec/ordinals/sha256", test_sha256);
    g_test_add_func("/codec/ordinals/rule", test_ordinals_rule);
    g_test_add_func("/codec/ordinals/reference", test_ordinals_reference);
    g_test_add_func("/codec/methods/table", test_method_table);
    g_test_add_func("/codec/methods/descriptor-lint", test_descriptor_lint);
    g_test_add_func("/codec/round-trip/types", test_round_trip_types);
    for (uint32_t i = 0; i < sysmem_method_count; i++) {
        const sysmem_method_t *m = &sysmem_methods_base[i];
        g_autofree char *path = g_strdup_printf("/codec/round-trip/%s",
                                                m->selector);

        g_test_add_data_func(path, m, test_round_trip_all_methods);
    }
    g_test_add_func("/codec/sysmem-msg/set-name", test_msg_set_name);
    g_test_add_func("/codec/sysmem-msg/sync-reply", test_msg_sync_reply);
    g_test_add_func("/codec/sysmem-msg/error-reply", test_msg_error_reply);
    g_test_add_func("/codec/sysmem-msg/wait-reply-handles",
                    test_msg_wait_reply_handles);
    g_test_add_func("/codec/sysmem-msg/set-constraints",
                    test_msg_set_constraints_scenario);
    g_test_add_func("/codec/sysmem-msg/unknown-fields",
                    test_msg_unknown_fields);
    g_test_add_func("/codec/sysmem-msg/v1-sizes", test_msg_v1_sizes);
    g_test_add_func("/codec/sysmem-msg/too-large", test_msg_too_large);

    return g_test_run();
}
