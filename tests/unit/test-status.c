/*
 * zx_status_t and sysmem2 Error names (codec/status.c) and how libvsysmem
 * reports a channel sysmem closed: the epitaph decoded off the wire, its
 * name, the sysmem2 Error it stands for and the text vsysmemctl prints.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include <errno.h>

#include "libvsysmem.h"

/* Every Error has a name and a meaning, and its name reads back. */
static void test_error_names_round_trip(void)
{
    static const struct { sysmem2_error_t e; const char *name; } want[] = {
        { SYSMEM2_ERROR_INVALID, "INVALID" },
        { SYSMEM2_ERROR_UNSPECIFIED, "UNSPECIFIED" },
        { SYSMEM2_ERROR_PROTOCOL_DEVIATION, "PROTOCOL_DEVIATION" },
        { SYSMEM2_ERROR_NOT_FOUND, "NOT_FOUND" },
        { SYSMEM2_ERROR_HANDLE_ACCESS_DENIED, "HANDLE_ACCESS_DENIED" },
        { SYSMEM2_ERROR_NO_MEMORY, "NO_MEMORY" },
        { SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY,
          "CONSTRAINTS_INTERSECTION_EMPTY" },
        { SYSMEM2_ERROR_PENDING, "PENDING" },
        { SYSMEM2_ERROR_TOO_MANY_GROUP_CHILD_COMBINATIONS,
          "TOO_MANY_GROUP_CHILD_COMBINATIONS" },
        { SYSMEM2_ERROR_NO_MORE_STRONG_VMO_HANDLES,
          "NO_MORE_STRONG_VMO_HANDLES" },
    };
    sysmem2_error_t e;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(want); i++) {
        g_assert_cmpstr(sysmem2_error_name(want[i].e), ==, want[i].name);
        g_assert_nonnull(sysmem2_error_meaning(want[i].e));
        g_assert_true(sysmem2_error_from_name(want[i].name, &e));
        g_assert_cmpuint(e, ==, want[i].e);
    }
    g_assert_null(sysmem2_error_name(10));
    g_assert_null(sysmem2_error_meaning(0xffffffffu));
    g_assert_false(sysmem2_error_from_name("CONSTRAINTS_INTERSECTION", &e));
    g_assert_false(sysmem2_error_from_name("", &e));
}

/* Zircon's values, spot-checked against zircon/errors.h. */
static void test_zx_status_names(void)
{
    g_assert_cmpstr(fidl_zx_status_name(0), ==, "ZX_OK");
    g_assert_cmpstr(fidl_zx_status_name(FIDL_ZX_ERR_NOT_SUPPORTED), ==,
                    "ZX_ERR_NOT_SUPPORTED");
    g_assert_cmpstr(fidl_zx_status_name(FIDL_ZX_ERR_NO_MEMORY), ==,
                    "ZX_ERR_NO_MEMORY");
    g_assert_cmpstr(fidl_zx_status_name(FIDL_ZX_ERR_PEER_CLOSED), ==,
                    "ZX_ERR_PEER_CLOSED");
    g_assert_cmpstr(fidl_zx_status_name(FIDL_ZX_ERR_INVALID_ARGS), ==,
                    "ZX_ERR_INVALID_ARGS");
    g_assert_cmpstr(fidl_zx_status_name(-12), ==, "ZX_ERR_WRONG_TYPE");
    g_assert_cmpstr(fidl_zx_status_name(-54), ==, "ZX_ERR_NO_SPACE");
    g_assert_cmpstr(fidl_zx_status_name(-76), ==, "ZX_ERR_CONNECTION_ABORTED");
    g_assert_cmpstr(fidl_zx_status_meaning(FIDL_ZX_ERR_NOT_SUPPORTED), ==,
                    "not supported");
    g_assert_null(fidl_zx_status_name(-7));
    g_assert_null(fidl_zx_status_name(1));
    g_assert_null(fidl_zx_status_meaning(-1000));
}

/*
 * The epitaph sysmem closes a failed collection with names the Error back,
 * except where several Errors share ZX_ERR_INTERNAL.
 */
static void test_error_status_mapping(void)
{
    sysmem2_error_t e, back;

    for (e = SYSMEM2_ERROR_UNSPECIFIED;
         e <= SYSMEM2_ERROR_TOO_MANY_GROUP_CHILD_COMBINATIONS; e++) {
        int32_t st = sysmem2_error_to_status(e);

        g_assert_cmpint(st, <, 0);
        g_assert_nonnull(fidl_zx_status_name(st));
        g_assert_true(sysmem2_error_from_status(st, &back));
        g_assert_cmpuint(back, ==, e);
    }
    g_assert_cmpint(sysmem2_error_to_status(
                        SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY), ==,
                    FIDL_ZX_ERR_NOT_SUPPORTED);
    g_assert_cmpint(sysmem2_error_to_status(SYSMEM2_ERROR_NO_MEMORY), ==,
                    FIDL_ZX_ERR_NO_MEMORY);
    g_assert_cmpint(sysmem2_error_to_status(99), ==, FIDL_ZX_ERR_INTERNAL);
    g_assert_true(sysmem2_error_from_status(FIDL_ZX_ERR_INTERNAL, &back));
    g_assert_cmpuint(back, ==, SYSMEM2_ERROR_UNSPECIFIED);
    /* A participant that left without Release: no Error behind it. */
    g_assert_false(sysmem2_error_from_status(FIDL_ZX_ERR_PEER_CLOSED, &back));
    g_assert_false(sysmem2_error_from_status(0, &back));
}

/* The epitaph message the device sends, decoded and named. */
static void test_epitaph_on_the_wire(void)
{
    uint8_t bytes[FIDL_EPITAPH_SIZE];
    uint32_t n;
    int32_t status;

    g_assert_cmpint(fidl_encode_epitaph(
                        sysmem2_error_to_status(SYSMEM2_ERROR_NO_MEMORY),
                        bytes, sizeof(bytes), &n), ==, FIDL_OK);
    g_assert_cmpint(fidl_decode_epitaph(bytes, n, &status), ==, FIDL_OK);
    g_assert_cmpstr(fidl_zx_status_name(status), ==, "ZX_ERR_NO_MEMORY");
}

/* libvsysmem's error codes carry the epitaph and the Error. */
static void test_lib_error_codes(void)
{
    int closed = VSM_ERR_CLOSED(FIDL_ZX_ERR_NOT_SUPPORTED);
    sysmem2_error_t e;
    int32_t status;

    g_assert_cmpint(closed, <, 0);
    g_assert_true(vsm_err_epitaph(closed, &status));
    g_assert_cmpint(status, ==, FIDL_ZX_ERR_NOT_SUPPORTED);
    g_assert_true(vsm_err_sysmem2(closed, &e));
    g_assert_cmpuint(e, ==, SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    g_assert_true(vsm_err_epitaph(VSM_ERR_CLOSED(0), &status));
    g_assert_cmpint(status, ==, 0);
    g_assert_true(vsm_err_epitaph(VSM_ERR_CLOSED(-2047), &status));
    g_assert_cmpint(status, ==, -2047);

    g_assert_true(vsm_err_sysmem2(VSM_ERR_SYSMEM(SYSMEM2_ERROR_NO_MEMORY),
                                  &e));
    g_assert_cmpuint(e, ==, SYSMEM2_ERROR_NO_MEMORY);
    g_assert_false(vsm_err_epitaph(VSM_ERR_SYSMEM(SYSMEM2_ERROR_NO_MEMORY),
                                   NULL));
    g_assert_false(vsm_err_sysmem2(VSM_ERR_CLOSED(FIDL_ZX_ERR_PEER_CLOSED),
                                   &e));
    /* Plain errnos and the other library codes are neither. */
    g_assert_false(vsm_err_epitaph(-EPIPE, NULL));
    g_assert_false(vsm_err_sysmem2(-EPIPE, &e));
    g_assert_false(vsm_err_epitaph(VSM_ERR_FRAMEWORK, NULL));
    g_assert_false(vsm_err_sysmem2(VSM_ERR_FRAMEWORK, &e));
    g_assert_false(vsm_err_sysmem2(VSM_ERR_DECODE, &e));
    g_assert_false(vsm_err_epitaph(0, NULL));
}

/* What vsysmemctl prints: names and meanings, never "Broken pipe". */
static void test_lib_strerror(void)
{
    g_assert_cmpstr(vsm_strerror(VSM_ERR_CLOSED(FIDL_ZX_ERR_NOT_SUPPORTED)),
                    ==, "channel closed: ZX_ERR_NOT_SUPPORTED (not supported)"
                    ", sysmem2 CONSTRAINTS_INTERSECTION_EMPTY (no buffers "
                    "satisfy every participant's constraints)");
    g_assert_cmpstr(vsm_strerror(VSM_ERR_CLOSED(FIDL_ZX_ERR_NO_MEMORY)), ==,
                    "channel closed: ZX_ERR_NO_MEMORY (out of memory), "
                    "sysmem2 NO_MEMORY (not enough memory for the buffers)");
    g_assert_cmpstr(vsm_strerror(VSM_ERR_CLOSED(FIDL_ZX_ERR_PEER_CLOSED)), ==,
                    "channel closed: ZX_ERR_PEER_CLOSED (peer closed), a "
                    "participant closed without Release or the collection "
                    "went away");
    g_assert_cmpstr(vsm_strerror(VSM_ERR_CLOSED(-1999)), ==,
                    "channel closed: status -1999");
    g_assert_cmpstr(vsm_strerror(VSM_ERR_SYSMEM(
                        SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY)), ==,
                    "sysmem2 error CONSTRAINTS_INTERSECTION_EMPTY (no buffers "
                    "satisfy every participant's constraints)");
    g_assert_cmpstr(vsm_strerror(VSM_ERR_SYSMEM(77)), ==,
                    "sysmem2 error 77 (unknown)");
    g_assert_cmpstr(vsm_strerror(-ENOENT), ==, "No such file or directory");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/status/sysmem2-error-names-round-trip",
                    test_error_names_round_trip);
    g_test_add_func("/status/zx-status-names", test_zx_status_names);
    g_test_add_func("/status/error-status-mapping", test_error_status_mapping);
    g_test_add_func("/status/epitaph-on-the-wire", test_epitaph_on_the_wire);
    g_test_add_func("/status/libvsysmem-error-codes", test_lib_error_codes);
    g_test_add_func("/status/libvsysmem-strerror", test_lib_strerror);
    return g_test_run();
}
