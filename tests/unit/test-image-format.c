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
    g_assert_false(sysmem_format_is_supported(IMAGES2_PIXEL_FORMAT_NV12,
                   IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED_CCS));
    g_assert_false(sysmem_format_is_supported(IMAGES2_PIXEL_FORMAT_R8G8B8A8,
                   IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16));
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
    g_test_add_func("/image-format/names", test_names);
    return g_test_run();
}
