/*
 * Image-format math: bytes per pixel, divisors, colour spaces and the size
 * of every supported pixel format (linear, and Intel tiling).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "hw/sysmem/image-format.h"

#define LIN IMAGES2_FORMAT_MODIFIER_LINEAR

typedef struct SizeCase {
    images2_pixel_format_t fmt;
    uint32_t w, h;
    uint32_t min_bpr;       /* width * bytes per pixel */
    uint64_t size;          /* linear size with bpr = min_bpr */
} SizeCase;

static const SizeCase cases[] = {
    { IMAGES2_PIXEL_FORMAT_R8G8B8A8, 64, 64, 256, 16384 },
    { IMAGES2_PIXEL_FORMAT_B8G8R8A8, 64, 64, 256, 16384 },
    { IMAGES2_PIXEL_FORMAT_R8G8B8X8, 100, 10, 400, 4000 },
    { IMAGES2_PIXEL_FORMAT_B8G8R8X8, 100, 10, 400, 4000 },
    { IMAGES2_PIXEL_FORMAT_NV12, 256, 256, 256, 98304 },
    { IMAGES2_PIXEL_FORMAT_I420, 256, 256, 256, 98304 },
    { IMAGES2_PIXEL_FORMAT_YV12, 640, 480, 640, 460800 },
    { IMAGES2_PIXEL_FORMAT_M420, 640, 480, 640, 460800 },
    { IMAGES2_PIXEL_FORMAT_YUY2, 640, 480, 1280, 614400 },
    { IMAGES2_PIXEL_FORMAT_R5G6B5, 320, 240, 640, 153600 },
    { IMAGES2_PIXEL_FORMAT_L8, 100, 100, 100, 10000 },
    { IMAGES2_PIXEL_FORMAT_R8, 100, 100, 100, 10000 },
    { IMAGES2_PIXEL_FORMAT_R8G8, 100, 100, 200, 20000 },
    { IMAGES2_PIXEL_FORMAT_A2R10G10B10, 1920, 1080, 7680, 8294400 },
    { IMAGES2_PIXEL_FORMAT_A2B10G10R10, 1920, 1080, 7680, 8294400 },
    { IMAGES2_PIXEL_FORMAT_B8G8R8, 10, 10, 30, 300 },
    { IMAGES2_PIXEL_FORMAT_R8G8B8, 10, 10, 30, 300 },
    { IMAGES2_PIXEL_FORMAT_R3G3B2, 16, 16, 16, 256 },
    { IMAGES2_PIXEL_FORMAT_R2G2B2X2, 16, 16, 16, 256 },
    { IMAGES2_PIXEL_FORMAT_P010, 64, 64, 128, 12288 },
    { IMAGES2_PIXEL_FORMAT_NV12, 1920, 1080, 1920, 3110400 },
};

static void test_linear_sizes(void)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        const SizeCase *c = &cases[i];
        uint32_t bpr;

        g_test_message("%s %ux%u", sysmem_pixel_format_name(c->fmt), c->w, c->h);
        g_assert_true(sysmem_format_is_supported(c->fmt, LIN));
        g_assert_true(sysmem_format_min_bytes_per_row(c->fmt, c->w, &bpr));
        g_assert_cmpuint(bpr, ==, c->min_bpr);
        g_assert_cmpuint(sysmem_image_size(c->fmt, LIN, c->w, c->h, bpr), ==,
                         c->size);
    }
}

static void test_padded_rows(void)
{
    /* 64x64 BGRA with a 512-byte pitch */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_B8G8R8A8, LIN, 64,
                                       64, 512), ==, 32768);
    /* NV12 with a padded pitch: both planes use it */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_NV12, LIN, 100, 100,
                                       128), ==, 19200);
}

static void test_planes(void)
{
    uint64_t off;
    uint32_t row;

    g_assert_true(sysmem_image_plane(IMAGES2_PIXEL_FORMAT_NV12, 256, 256, 1,
                                     &off, &row));
    g_assert_cmpuint(off, ==, 65536);
    g_assert_cmpuint(row, ==, 256);
    g_assert_false(sysmem_image_plane(IMAGES2_PIXEL_FORMAT_NV12, 256, 256, 2,
                                      &off, &row));
    g_assert_true(sysmem_image_plane(IMAGES2_PIXEL_FORMAT_I420, 256, 256, 2,
                                     &off, &row));
    g_assert_cmpuint(off, ==, 65536 + 128 * 128);
    g_assert_cmpuint(row, ==, 128);
    g_assert_true(sysmem_image_plane(IMAGES2_PIXEL_FORMAT_YV12, 256, 256, 1,
                                     &off, &row));
    g_assert_cmpuint(off, ==, 65536);
    g_assert_false(sysmem_image_plane(IMAGES2_PIXEL_FORMAT_R8G8B8A8, 4, 4, 1,
                                      &off, &row));
}

static void test_format_facts(void)
{
    g_assert_cmpuint(sysmem_format_min_width_divisor(IMAGES2_PIXEL_FORMAT_NV12),
                     ==, 2);
    g_assert_cmpuint(sysmem_format_min_height_divisor(IMAGES2_PIXEL_FORMAT_YUY2),
                     ==, 2);
    g_assert_cmpuint(sysmem_format_min_width_divisor(IMAGES2_PIXEL_FORMAT_R8G8B8A8),
                     ==, 1);
    g_assert_cmpuint(sysmem_format_sample_alignment(IMAGES2_PIXEL_FORMAT_B8G8R8A8),
                     ==, 4);
    g_assert_cmpuint(sysmem_format_sample_alignment(IMAGES2_PIXEL_FORMAT_R5G6B5),
                     ==, 2);
    g_assert_cmpuint(sysmem_format_sample_alignment(IMAGES2_PIXEL_FORMAT_L8), ==,
                     1);
    g_assert_true(sysmem_format_has_alpha(IMAGES2_PIXEL_FORMAT_A2B10G10R10));
    g_assert_false(sysmem_format_has_alpha(IMAGES2_PIXEL_FORMAT_NV12));
    g_assert_false(sysmem_format_is_supported(IMAGES2_PIXEL_FORMAT_MJPEG, LIN));
    g_assert_false(sysmem_format_is_supported(IMAGES2_PIXEL_FORMAT_INVALID, LIN));
    g_assert_false(sysmem_format_is_supported(IMAGES2_PIXEL_FORMAT_DO_NOT_CARE,
                                              LIN));
    g_assert_false(sysmem_format_is_supported(IMAGES2_PIXEL_FORMAT_YUY2,
                   IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED));
    /* Fuchsia's Intel set has CCS for NV12 too; X-tiled CCS does not exist */
    g_assert_true(sysmem_format_is_supported(IMAGES2_PIXEL_FORMAT_NV12,
                  IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED_CCS));
    g_assert_false(sysmem_format_is_supported(IMAGES2_PIXEL_FORMAT_B8G8R8A8,
                   IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED |
                   IMAGES2_FORMAT_MODIFIER_INTEL_CCS_BIT));
    g_assert_true(sysmem_format_is_supported(IMAGES2_PIXEL_FORMAT_L8,
                  IMAGES2_FORMAT_MODIFIER_ARM_LINEAR_TE));
    g_assert_true(sysmem_format_is_supported(IMAGES2_PIXEL_FORMAT_NV12,
                  IMAGES2_FORMAT_MODIFIER_GOOGLE_GOLDFISH_OPTIMAL));
}

/* AFBC: which pairs exist, and the block / header / TE arithmetic. */
static void test_afbc(void)
{
    const uint64_t bits[] = {
        0, IMAGES2_FORMAT_MODIFIER_ARM_TE_BIT,
        IMAGES2_FORMAT_MODIFIER_ARM_SPLIT_BLOCK_BIT,
        IMAGES2_FORMAT_MODIFIER_ARM_SPARSE_BIT,
        IMAGES2_FORMAT_MODIFIER_ARM_YUV_BIT,
        IMAGES2_FORMAT_MODIFIER_ARM_BCH_BIT,
        IMAGES2_FORMAT_MODIFIER_ARM_TILED_HEADER_BIT,
        IMAGES2_FORMAT_MODIFIER_ARM_TE_BIT | IMAGES2_FORMAT_MODIFIER_ARM_SPLIT_BLOCK_BIT |
        IMAGES2_FORMAT_MODIFIER_ARM_SPARSE_BIT | IMAGES2_FORMAT_MODIFIER_ARM_YUV_BIT |
        IMAGES2_FORMAT_MODIFIER_ARM_BCH_BIT | IMAGES2_FORMAT_MODIFIER_ARM_TILED_HEADER_BIT,
    };
    const images2_pixel_format_t rgb32[] = {
        IMAGES2_PIXEL_FORMAT_R8G8B8A8, IMAGES2_PIXEL_FORMAT_R8G8B8X8,
        IMAGES2_PIXEL_FORMAT_B8G8R8A8, IMAGES2_PIXEL_FORMAT_B8G8R8X8,
    };
    sysmem2_image_format_constraints_t f = {
        .pixel_format = IMAGES2_PIXEL_FORMAT_B8G8R8A8,
        .min_size = { 1, 1 }, .max_size = { UINT32_MAX, UINT32_MAX },
        .size_alignment = { 1, 1 }, .bytes_per_row_divisor = 4,
        .min_bytes_per_row = 0, .max_bytes_per_row = UINT32_MAX,
    };
    uint32_t row;
    unsigned i, j;

    for (i = 0; i < G_N_ELEMENTS(bits); i++) {
        for (j = 0; j < G_N_ELEMENTS(rgb32); j++) {
            g_assert_true(sysmem_format_is_supported(rgb32[j],
                          IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16 | bits[i]));
            g_assert_true(sysmem_format_is_supported(rgb32[j],
                          IMAGES2_FORMAT_MODIFIER_ARM_AFBC_32X8 | bits[i]));
        }
        g_assert_false(sysmem_format_is_supported(IMAGES2_PIXEL_FORMAT_NV12,
                       IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16 | bits[i]));
        g_assert_false(sysmem_format_is_supported(IMAGES2_PIXEL_FORMAT_R5G6B5,
                       IMAGES2_FORMAT_MODIFIER_ARM_AFBC_32X8 | bits[i]));
    }
    /* an ARM modifier with an unknown low bit is not AFBC */
    g_assert_false(sysmem_format_is_supported(IMAGES2_PIXEL_FORMAT_R8G8B8A8,
                   IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16 | 0x4));

    /* 64x64 in 16x16 blocks: 16 blocks of 1 KiB + 256 B of headers -> 1 KiB */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_B8G8R8A8,
                     IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16, 64, 64, 256), ==,
                     16 * 1024 + 1024);
    /* the row pitch does not matter */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_B8G8R8A8,
                     IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16, 64, 64, 4096), ==,
                     16 * 1024 + 1024);
    /* 32x8 blocks: 65x9 -> 3x2 blocks, headers 96 -> 1 KiB */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_R8G8B8X8,
                     IMAGES2_FORMAT_MODIFIER_ARM_AFBC_32X8, 65, 9, 260), ==,
                     6 * 1024 + 1024);
    /* tiled header: 16x16 aligned to 128x128, body aligned to 4 KiB */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_R8G8B8A8,
                     IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_YUV_TILED_HEADER,
                     64, 64, 256), ==, 64 * 1024 + 4096);
    /* 32x8 with tiled header: aligned to 256x64 */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_R8G8B8A8,
                     IMAGES2_FORMAT_MODIFIER_ARM_AFBC_32X8 |
                     IMAGES2_FORMAT_MODIFIER_ARM_TILED_HEADER_BIT,
                     64, 64, 256), ==, 8 * 8 * 1024 + 4096);
    /* TE: + 64 header + 2 rows of (2 tiles * 16 -> 64 B) per 32 rows */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_B8G8R8A8,
                     IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_TE, 64, 64, 256), ==,
                     16 * 1024 + 1024 + 64 + 64 * 2 * 2);
    /* ARM_LINEAR_TE: 100 rows of 404 B (40400 -> 40448), 64 B header, then
     * 2 rows of (4 tiles * 16 -> 64 B) per 32 rows (4) */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_B8G8R8A8,
                     IMAGES2_FORMAT_MODIFIER_ARM_LINEAR_TE, 100, 100, 404), ==,
                     40448 + 64 + 64 * 2 * 4);
    /* huge sizes are an overflow, not a wrapped value */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_B8G8R8A8,
                     IMAGES2_FORMAT_MODIFIER_ARM_AFBC_32X8, UINT32_MAX,
                     UINT32_MAX, 0), ==, 0);

    /* minimum row bytes: blocks across the width, 4 bytes a pixel */
    f.pixel_format_modifier = IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16;
    g_assert_true(sysmem_format_min_row_bytes(&f, 17, &row));
    g_assert_cmpuint(row, ==, 2 * 16 * 4);
    f.pixel_format_modifier = IMAGES2_FORMAT_MODIFIER_ARM_AFBC_32X8_TE;
    g_assert_true(sysmem_format_min_row_bytes(&f, 17, &row));
    g_assert_cmpuint(row, ==, 32 * 4);
    /* with a tiled header Fuchsia counts 128-pixel units of 16 pixels */
    f.pixel_format_modifier = IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_YUV_TILED_HEADER;
    g_assert_true(sysmem_format_min_row_bytes(&f, 300, &row));
    g_assert_cmpuint(row, ==, 3 * 16 * 4);
}

/* ImageFormatMinimumRowBytes per layout. */
static void test_min_row_bytes(void)
{
    sysmem2_image_format_constraints_t f = {
        .pixel_format = IMAGES2_PIXEL_FORMAT_R8G8B8A8,
        .pixel_format_modifier = LIN,
        .min_size = { 1, 1 }, .max_size = { 1000, 1000 },
        .size_alignment = { 8, 1 }, .bytes_per_row_divisor = 4,
        .min_bytes_per_row = 0, .max_bytes_per_row = UINT32_MAX,
    };
    uint32_t row;

    /* linear: width rounded to size_alignment, then to the divisor */
    g_assert_true(sysmem_format_min_row_bytes(&f, 13, &row));
    g_assert_cmpuint(row, ==, 16 * 4);
    f.min_bytes_per_row = 100;
    g_assert_true(sysmem_format_min_row_bytes(&f, 13, &row));
    g_assert_cmpuint(row, ==, 100);
    f.min_bytes_per_row = 0;
    g_assert_false(sysmem_format_min_row_bytes(&f, 1001, &row));
    f.max_bytes_per_row = 32;
    g_assert_false(sysmem_format_min_row_bytes(&f, 13, &row));
    f.max_bytes_per_row = UINT32_MAX;
    /* ARM_LINEAR_TE rows are linear rows */
    f.pixel_format_modifier = IMAGES2_FORMAT_MODIFIER_ARM_LINEAR_TE;
    g_assert_true(sysmem_format_min_row_bytes(&f, 13, &row));
    g_assert_cmpuint(row, ==, 16 * 4);
    /* Intel: the divisor is rounded up to the tile row (512 B for X) */
    f.pixel_format_modifier = IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED;
    g_assert_true(sysmem_format_min_row_bytes(&f, 13, &row));
    g_assert_cmpuint(row, ==, 512);
    f.pixel_format_modifier = IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED;
    g_assert_true(sysmem_format_min_row_bytes(&f, 40, &row));
    g_assert_cmpuint(row, ==, 256);
    /* Goldfish layouts are opaque: no minimum from the width */
    f.pixel_format_modifier = IMAGES2_FORMAT_MODIFIER_GOOGLE_GOLDFISH_OPTIMAL;
    g_assert_false(sysmem_format_min_row_bytes(&f, 13, &row));
}

static void test_color_spaces(void)
{
    g_assert_false(sysmem_format_color_space_ok(IMAGES2_PIXEL_FORMAT_NV12, LIN,
                   IMAGES2_COLOR_SPACE_SRGB));
    g_assert_true(sysmem_format_color_space_ok(IMAGES2_PIXEL_FORMAT_NV12, LIN,
                  IMAGES2_COLOR_SPACE_REC709));
    g_assert_true(sysmem_format_color_space_ok(IMAGES2_PIXEL_FORMAT_P010, LIN,
                  IMAGES2_COLOR_SPACE_REC2020));
    g_assert_false(sysmem_format_color_space_ok(IMAGES2_PIXEL_FORMAT_R8G8B8A8,
                   LIN, IMAGES2_COLOR_SPACE_REC2020));
    g_assert_true(sysmem_format_color_space_ok(IMAGES2_PIXEL_FORMAT_R8G8B8A8,
                  LIN, IMAGES2_COLOR_SPACE_SRGB));
    g_assert_true(sysmem_format_color_space_ok(IMAGES2_PIXEL_FORMAT_L8, LIN,
                  IMAGES2_COLOR_SPACE_REC601_PAL));
    g_assert_true(sysmem_format_color_space_ok(IMAGES2_PIXEL_FORMAT_NV12, LIN,
                  IMAGES2_COLOR_SPACE_PASSTHROUGH));
    g_assert_cmpuint(sysmem_color_space_rank(IMAGES2_COLOR_SPACE_SRGB), <,
                     sysmem_color_space_rank(IMAGES2_COLOR_SPACE_REC709));
}

static void test_intel_tiled(void)
{
    /* X tiles are 512 B x 8 rows: 256 px BGRA (1024 B) x 64 rows = 2 x 8 */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_B8G8R8A8,
                     IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED, 256, 64, 1024),
                     ==, 16 * 4096);
    /* Y tiles are 128 B x 32 rows */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_B8G8R8A8,
                     IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED, 256, 64, 1024),
                     ==, 8 * 2 * 4096);
    /* CCS adds one tile per 32x16 tiles */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_B8G8R8A8,
                     IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED_CCS, 256, 64,
                     1024), ==, (16 + 1) * 4096);
    /* NV12 Y tiled: luma 2x2 tiles, chroma 2x1 */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_NV12,
                     IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED, 256, 64, 256),
                     ==, (4 + 2) * 4096);
    /* NV12 CCS is sized from the chroma plane's tiles: 2x1 -> 1 CCS tile */
    g_assert_cmpuint(sysmem_image_size(IMAGES2_PIXEL_FORMAT_NV12,
                     IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED_CCS, 256, 64,
                     256), ==, (4 + 2 + 1) * 4096);
}

static void test_names(void)
{
    images2_pixel_format_t f;
    images2_color_space_t cs;
    uint64_t m;

    g_assert_true(sysmem_pixel_format_from_name("NV12", &f));
    g_assert_cmpuint(f, ==, IMAGES2_PIXEL_FORMAT_NV12);
    g_assert_true(sysmem_pixel_format_from_name("BGRA32", &f));
    g_assert_cmpuint(f, ==, IMAGES2_PIXEL_FORMAT_B8G8R8A8);
    g_assert_false(sysmem_pixel_format_from_name("NV21", &f));
    g_assert_true(sysmem_color_space_from_name("REC709", &cs));
    g_assert_cmpuint(cs, ==, IMAGES2_COLOR_SPACE_REC709);
    g_assert_true(sysmem_modifier_from_name("INTEL_I915_X_TILED", &m));
    g_assert_cmpuint(m, ==, IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED);
    g_assert_cmpstr(sysmem_modifier_name(0), ==, "LINEAR");
    g_assert_true(sysmem_modifier_from_name(
        "ARM_AFBC_16X16_SPLIT_BLOCK_SPARSE_YUV_TE_TILED_HEADER", &m));
    g_assert_cmpuint(m, ==,
        IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_SPLIT_BLOCK_SPARSE_YUV_TE_TILED_HEADER);
    g_assert_cmpstr(sysmem_modifier_name(IMAGES2_FORMAT_MODIFIER_ARM_AFBC_32X8_TE),
                    ==, "ARM_AFBC_32X8_TE");
    g_assert_cmpstr(sysmem_pixel_format_name(IMAGES2_PIXEL_FORMAT_R5G6B5), ==,
                    "R5G6B5");
    g_assert_null(sysmem_pixel_format_name(12345));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/image-format/linear-sizes", test_linear_sizes);
    g_test_add_func("/image-format/padded-rows", test_padded_rows);
    g_test_add_func("/image-format/planes", test_planes);
    g_test_add_func("/image-format/facts", test_format_facts);
    g_test_add_func("/image-format/color-spaces", test_color_spaces);
    g_test_add_func("/image-format/intel-tiled", test_intel_tiled);
    g_test_add_func("/image-format/afbc", test_afbc);
    g_test_add_func("/image-format/min-row-bytes", test_min_row_bytes);
    g_test_add_func("/image-format/names", test_names);
    return g_test_run();
}
