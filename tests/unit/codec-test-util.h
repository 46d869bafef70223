/*
 * Helpers shared by the codec unit tests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef CODEC_TEST_UTIL_H
#define CODEC_TEST_UTIL_H

#include <glib.h>
#include <string.h>

#include "sysmem/fidl.h"

/* Parse "01 00 ff ..." (whitespace and '|' ignored) into a new buffer. */
static inline uint8_t *hex_bytes(const char *hex, uint32_t *n)
{
    GByteArray *a = g_byte_array_new();
    const char *p = hex;

    while (*p) {
        if (g_ascii_isxdigit(p[0]) && g_ascii_isxdigit(p[1])) {
            guint8 b = (guint8)(g_ascii_xdigit_value(p[0]) * 16 +
                                g_ascii_xdigit_value(p[1]));
            g_byte_array_append(a, &b, 1);
            p += 2;
        } else {
            g_assert(*p == ' ' || *p == '\n' || *p == '|' || *p == '/');
            p++;
        }
    }
    *n = a->len;
    return g_byte_array_free(a, FALSE);
}

static inline char *hex_string(const uint8_t *b, uint32_t n)
{
    GString *s = g_string_new(NULL);

    for (uint32_t i = 0; i < n; i++) {
        g_string_append_printf(s, "%02x%s", b[i], (i % 8 == 7) ? "\n" : " ");
    }
    return g_string_free(s, FALSE);
}

static inline void assert_bytes_eq(const uint8_t *got, uint32_t ngot,
                                   const uint8_t *want, uint32_t nwant)
{
    if (ngot != nwant || memcmp(got, want, nwant) != 0) {
        g_autofree char *g = hex_string(got, ngot);
        g_autofree char *w = hex_string(want, nwant);
        g_test_message("got %u bytes:\n%s\nwant %u bytes:\n%s", ngot, g,
                       nwant, w);
        g_assert_not_reached();
    }
}

#define assert_fidl(r, want) do { \
        int r_ = (r), w_ = (want); \
        if (r_ != w_) { \
            g_test_message("%s: got %s, want %s", #r, fidl_strerror(r_), \
                           fidl_strerror(w_)); \
        } \
        g_assert_cmpstr(fidl_strerror(r_), ==, fidl_strerror(w_)); \
    } while (0)

/*
 * Decode `hex` as `type` from an exact-size heap copy (so ASan catches any
 * read past the end) and expect `want`.
 */
static inline void expect_decode(const fidl_type_t *type, const char *hex,
                                 fidl_handle_info_t *handles, uint32_t nh,
                                 int want)
{
    uint32_t n;
    g_autofree uint8_t *b = hex_bytes(hex, &n);
    g_autofree uint8_t *exact = g_memdup2(b, n);
    g_autofree void *out = NULL;

    assert_fidl(fidl_decode(type, exact, n, handles, nh, NULL), want);
    if (!(type->flags & FIDL_TF_NO_C)) {
        out = g_malloc0(type->c_size);
        assert_fidl(fidl_decode(type, exact, n, handles, nh, out), want);
    }
}

/*
 * Golden vector, both ways: encoding `value` gives exactly `hex` (and
 * `nh` handle dispositions), decoding `hex` gives back `value` byte for
 * byte, and every strict prefix of `hex` is rejected.
 */
static inline void expect_golden(const fidl_type_t *type, const void *value,
                                 const char *hex,
                                 fidl_handle_info_t *handles, uint32_t nh)
{
    uint32_t n, got_n = 0, got_nh = 0, i;
    g_autofree uint8_t *want = hex_bytes(hex, &n);
    g_autofree uint8_t *buf = g_malloc0(FIDL_MAX_MSG_BYTES);
    g_autofree uint8_t *exact = NULL;
    fidl_handle_info_t hout[FIDL_MAX_MSG_HANDLES];
    g_autofree void *out = g_malloc0(type->c_size);

    assert_fidl(fidl_encode(type, value, buf, FIDL_MAX_MSG_BYTES, &got_n,
                            hout, FIDL_MAX_MSG_HANDLES, &got_nh), FIDL_OK);
    assert_bytes_eq(buf, got_n, want, n);
    g_assert_cmpuint(got_nh, ==, nh);
    for (i = 0; i < nh; i++) {
        g_assert_cmpuint(hout[i].handle, ==, handles[i].handle);
    }

    exact = g_memdup2(want, n);
    assert_fidl(fidl_decode(type, exact, n, handles, nh, out), FIDL_OK);
    if (memcmp(out, value, type->c_size) != 0) {
        g_autofree char *g = hex_string(out, type->c_size);
        g_autofree char *w = hex_string(value, type->c_size);
        g_test_message("decoded C value differs:\n%s\nwant:\n%s", g, w);
        g_assert_not_reached();
    }
    for (i = 0; i < n; i++) {
        g_autofree uint8_t *prefix = g_memdup2(want, i);
        g_assert_cmpint(fidl_decode(type, prefix, i, handles, nh, NULL), !=,
                        FIDL_OK);
    }
}

/* C string field helper: fills x_len / x for the conventions in fidl.h. */
#define SET_STR(lenfield, datafield, s) do { \
        (lenfield) = (uint32_t)strlen(s); \
        memcpy((datafield), (s), strlen(s) + 1); \
    } while (0)

#endif /* CODEC_TEST_UTIL_H */
