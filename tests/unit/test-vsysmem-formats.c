/*
 * libvsysmem's Linux-native formats: DRM fourcc / modifier and V4L2 pixel
 * formats to sysmem and back, constraints built from them negotiated by
 * the real core, and the negotiated result turned into plane layouts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <drm/drm_fourcc.h>

#include "tests/unit/test-core-util.h"
#include "vsysmem-formats.h"

static void test_drm_formats_round_trip(void)
{
    static const uint32_t fourccs[] = {
        DRM_FORMAT_ARGB8888, DRM_FORMAT_XRGB8888, DRM_FORMAT_ABGR8888,
        DRM_FORMAT_XBGR8888, DRM_FORMAT_RGB888, DRM_FORMAT_BGR888,
        DRM_FORMAT_RGB565, DRM_FORMAT_NV12, DRM_FORMAT_YUV420,
        DRM_FORMAT_YVU420, DRM_FORMAT_YUYV, DRM_FORMAT_P010, DRM_FORMAT_R8,
        DRM_FORMAT_GR88,
    };
    images2_pixel_format_t fmt;
    uint32_t back;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(fourccs); i++) {
        g_assert_cmpint(vsm_format_from_drm(fourccs[i], &fmt), ==, 0);
        g_assert_cmpint(vsm_format_to_drm(fmt, &back), ==, 0);
        g_assert_cmphex(back, ==, fourccs[i]);
    }
}

/* Memory byte order decides the pairing, not the names' letter order. */
static void test_drm_formats_pair_by_memory_order(void)
{
    images2_pixel_format_t fmt;

    g_assert_cmpint(vsm_format_from_drm(DRM_FORMAT_XRGB8888, &fmt), ==, 0);
    g_assert_cmpuint(fmt, ==, IMAGES2_PIXEL_FORMAT_B8G8R8X8);
    g_assert_cmpint(vsm_format_from_drm(DRM_FORMAT_ABGR8888, &fmt), ==, 0);
    g_assert_cmpuint(fmt, ==, IMAGES2_PIXEL_FORMAT_R8G8B8A8);
    g_assert_cmpint(vsm_format_from_drm(DRM_FORMAT_RGB888, &fmt), ==, 0);
    g_assert_cmpuint(fmt, ==, IMAGES2_PIXEL_FORMAT_B8G8R8);
}

static void test_v4l2_formats_round_trip(void)
{
    static const uint32_t formats[] = {
        V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_YUV420, V4L2_PIX_FMT_YVU420,
        V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_RGB24, V4L2_PIX_FMT_BGR24,
        V4L2_PIX_FMT_XBGR32, V4L2_PIX_FMT_ABGR32, V4L2_PIX_FMT_RGBX32,
        V4L2_PIX_FMT_RGBA32, V4L2_PIX_FMT_RGB565, V4L2_PIX_FMT_GREY,
        V4L2_PIX_FMT_P010, V4L2_PIX_FMT_MJPEG,
    };
    images2_pixel_format_t fmt;
    uint32_t back;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(formats); i++) {
        g_assert_cmpint(vsm_format_from_v4l2(formats[i], &fmt), ==, 0);
        g_assert_cmpint(vsm_format_to_v4l2(fmt, &back), ==, 0);
        g_assert_cmphex(back, ==, formats[i]);
    }
    /* V4L2's XBGR32 is B, G, R, x in memory, as DRM's XRGB8888. */
    g_assert_cmpint(vsm_format_from_v4l2(V4L2_PIX_FMT_XBGR32, &fmt), ==, 0);
    g_assert_cmpuint(fmt, ==, IMAGES2_PIXEL_FORMAT_B8G8R8X8);
}

static void test_unknown_formats_are_einval(void)
{
    images2_pixel_format_t fmt;
    uint32_t fourcc;

    g_assert_cmpint(vsm_format_from_drm(DRM_FORMAT_NV61, &fmt), ==, -EINVAL);
    g_assert_cmpint(vsm_format_from_drm(0, &fmt), ==, -EINVAL);
    g_assert_cmpint(vsm_format_from_v4l2(V4L2_PIX_FMT_SBGGR8, &fmt), ==,
                    -EINVAL);
    g_assert_cmpint(vsm_format_to_drm(IMAGES2_PIXEL_FORMAT_MJPEG, &fourcc),
                    ==, -EINVAL);
    g_assert_cmpint(vsm_format_to_v4l2(IMAGES2_PIXEL_FORMAT_R2G2B2X2,
                                       &fourcc), ==, -EINVAL);
    g_assert_cmpint(vsm_format_to_drm(IMAGES2_PIXEL_FORMAT_INVALID, &fourcc),
                    ==, -EINVAL);
}

static void test_modifiers_shared_values_are_identity(void)
{
    static const uint64_t same[] = {
        DRM_FORMAT_MOD_LINEAR, I915_FORMAT_MOD_X_TILED,
        I915_FORMAT_MOD_Y_TILED, I915_FORMAT_MOD_Yf_TILED,
        DRM_FORMAT_MOD_ARM_AFBC(AFBC_FORMAT_MOD_BLOCK_SIZE_16x16),
        DRM_FORMAT_MOD_ARM_AFBC(AFBC_FORMAT_MOD_BLOCK_SIZE_32x8),
        DRM_FORMAT_MOD_ARM_AFBC(AFBC_FORMAT_MOD_BLOCK_SIZE_16x16 |
                                AFBC_FORMAT_MOD_YTR | AFBC_FORMAT_MOD_SPLIT |
                                AFBC_FORMAT_MOD_SPARSE),
    };
    uint64_t m, back;
    size_t i;

    /* The spaces agree on these values (checked against images2.h). */
    g_assert_cmphex(DRM_FORMAT_MOD_LINEAR, ==, IMAGES2_FORMAT_MODIFIER_LINEAR);
    g_assert_cmphex(I915_FORMAT_MOD_Y_TILED, ==,
                    IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED);
    g_assert_cmphex(DRM_FORMAT_MOD_ARM_AFBC(AFBC_FORMAT_MOD_BLOCK_SIZE_16x16),
                    ==, IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16);
    g_assert_cmphex(DRM_FORMAT_MOD_INVALID, ==, IMAGES2_FORMAT_MODIFIER_INVALID);
    for (i = 0; i < G_N_ELEMENTS(same); i++) {
        g_assert_cmpint(vsm_modifier_from_drm(same[i], &m), ==, 0);
        g_assert_cmphex(m, ==, same[i]);
        g_assert_cmpint(vsm_modifier_to_drm(m, &back), ==, 0);
        g_assert_cmphex(back, ==, same[i]);
    }
}

static void test_modifiers_intel_ccs_translated(void)
{
    uint64_t m, back;

    g_assert_cmpint(vsm_modifier_from_drm(I915_FORMAT_MOD_Y_TILED_CCS, &m),
                    ==, 0);
    g_assert_cmphex(m, ==, IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED_CCS);
    g_assert_cmpint(vsm_modifier_to_drm(m, &back), ==, 0);
    g_assert_cmphex(back, ==, I915_FORMAT_MOD_Y_TILED_CCS);
    g_assert_cmpint(vsm_modifier_to_drm(
                        IMAGES2_FORMAT_MODIFIER_INTEL_I915_YF_TILED_CCS, &back),
                    ==, 0);
    g_assert_cmphex(back, ==, I915_FORMAT_MOD_Yf_TILED_CCS);
}

static void test_modifiers_without_counterpart_are_einval(void)
{
    uint64_t m;

    g_assert_cmpint(vsm_modifier_to_drm(IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_TE,
                                        &m), ==, -EINVAL);
    g_assert_cmpint(vsm_modifier_to_drm(IMAGES2_FORMAT_MODIFIER_ARM_LINEAR_TE,
                                        &m), ==, -EINVAL);
    g_assert_cmpint(vsm_modifier_to_drm(
                        IMAGES2_FORMAT_MODIFIER_GOOGLE_GOLDFISH_OPTIMAL, &m),
                    ==, -EINVAL);
    g_assert_cmpint(vsm_modifier_from_drm(DRM_FORMAT_MOD_INVALID, &m), ==,
                    -EINVAL);
    g_assert_cmpint(vsm_modifier_from_drm(
                        DRM_FORMAT_MOD_ARM_AFBC(AFBC_FORMAT_MOD_BLOCK_SIZE_16x16 |
                                                AFBC_FORMAT_MOD_TILED), &m),
                    ==, -EINVAL);
    g_assert_cmpint(vsm_modifier_from_drm(DRM_FORMAT_MOD_BROADCOM_VC4_T_TILED,
                                          &m), ==, -EINVAL);
}

static void test_v4l2_constraints_fields(void)
{
    g_autofree SysmemConstraints *c = c_new();
    struct v4l2_pix_format f = {
        .width = 640, .height = 480, .pixelformat = V4L2_PIX_FMT_YUYV,
        .bytesperline = 1280, .sizeimage = 614400,
        .colorspace = V4L2_COLORSPACE_SMPTE170M,
    };
    const sysmem2_image_format_constraints_t *ifc;

    g_assert_cmpint(vsm2_constraints_add_v4l2(c, &f), ==, 0);
    g_assert_true(c->has_image_format_constraints);
    g_assert_cmpuint(c->image_format_constraints_count, ==, 1);
    ifc = &c->image_format_constraints[0];
    g_assert_cmpuint(ifc->pixel_format, ==, IMAGES2_PIXEL_FORMAT_YUY2);
    g_assert_cmphex(ifc->pixel_format_modifier, ==,
                    IMAGES2_FORMAT_MODIFIER_LINEAR);
    g_assert_cmpuint(ifc->color_spaces[0], ==,
                     IMAGES2_COLOR_SPACE_REC601_NTSC);
    g_assert_cmpuint(ifc->min_size.width, ==, 640);
    g_assert_cmpuint(ifc->min_size.height, ==, 480);
    g_assert_cmpuint(ifc->min_bytes_per_row, ==, 1280);
    g_assert_cmpuint(c->buffer_memory_constraints.min_size_bytes, ==, 614400);
}

static void test_drm_constraints_and_refusals(void)
{
    g_autofree SysmemConstraints *c = c_new();
    struct v4l2_pix_format f = {
        .width = 64, .height = 64, .pixelformat = V4L2_PIX_FMT_SRGGB10,
    };

    g_assert_cmpint(vsm2_constraints_add_v4l2(c, &f), ==, -EINVAL);
    f.pixelformat = V4L2_PIX_FMT_NV12;
    f.width = 0;
    g_assert_cmpint(vsm2_constraints_add_v4l2(c, &f), ==, -EINVAL);
    g_assert_cmpint(vsm2_constraints_add_drm(c, DRM_FORMAT_NV12,
                                             DRM_FORMAT_MOD_INVALID, 64, 64),
                    ==, -EINVAL);
    /* A KMS plane takes every Y'CbCr encoding, RGB as sRGB. */
    g_assert_cmpint(vsm2_constraints_add_drm(c, DRM_FORMAT_YUYV,
                                             DRM_FORMAT_MOD_LINEAR, 64, 64),
                    ==, 0);
    g_assert_cmpuint(c->image_format_constraints[0].color_spaces_count, ==, 5);
    g_assert_cmpuint(c->image_format_constraints[0].color_spaces[0], ==,
                     IMAGES2_COLOR_SPACE_REC601_NTSC);
    g_assert_cmpint(vsm2_constraints_add_drm(c, DRM_FORMAT_XRGB8888,
                                             DRM_FORMAT_MOD_LINEAR, 64, 64),
                    ==, 0);
    g_assert_cmpuint(c->image_format_constraints[1].color_spaces_count, ==, 1);
    g_assert_cmpuint(c->image_format_constraints[1].color_spaces[0], ==,
                     IMAGES2_COLOR_SPACE_SRGB);
    memset(c, 0, sizeof(*c));
    /* Nothing half-written: a refused format adds no entry. */
    g_assert_false(c->has_image_format_constraints);
    g_assert_cmpuint(c->image_format_constraints_count, ==, 0);
}

/*
 * A V4L2 camera (NV12 1280x720, bytesperline 1280) and a DRM display
 * (NV12 linear, rows a multiple of 256 bytes) negotiate through the real
 * core; the result's layout satisfies both and V4L2 accepts it back.
 */
static void test_v4l2_camera_and_drm_display_negotiate_a_layout(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *cam = c_new();
    g_autofree SysmemConstraints *disp = c_new();
    g_autofree sysmem2_buffer_collection_info_t *info =
        g_new0(sysmem2_buffer_collection_info_t, 1);
    struct v4l2_pix_format f = {
        .width = 1280, .height = 720, .pixelformat = V4L2_PIX_FMT_NV12,
        .bytesperline = 1280, .sizeimage = 1280 * 720 * 3 / 2,
        .colorspace = V4L2_COLORSPACE_REC709,
    };
    struct v4l2_pix_format back = { 0 };
    struct vsm_image_layout layout;
    TestCollection tc;

    test_collection(h, &tc, 2);
    g_assert_cmpint(vsm2_constraints_add_v4l2(cam, &f), ==, 0);
    cam->has_usage = true;
    cam->usage.has_video = true;
    cam->usage.video = SYSMEM2_VIDEO_USAGE_CAPTURE;
    c_camping(cam, 2);
    g_assert_cmpint(vsm2_constraints_add_drm(disp, DRM_FORMAT_NV12,
                                             DRM_FORMAT_MOD_LINEAR, 1280, 720),
                    ==, 0);
    disp->image_format_constraints[0].has_bytes_per_row_divisor = true;
    disp->image_format_constraints[0].bytes_per_row_divisor = 256;
    disp->has_usage = true;
    disp->usage.has_display = true;
    disp->usage.display = SYSMEM2_DISPLAY_USAGE_LAYER;
    c_camping(disp, 1);
    vs_set_constraints(h, tc.colls[0], cam);
    vs_set_constraints(h, tc.colls[1], disp);
    g_assert_cmpint(vs_wait_result(vs_wait(h, tc.colls[0], false), info), ==,
                    0);
    g_assert_cmpuint(info->buffers_count, ==, 3);

    g_assert_cmpint(vsm2_image_layout(&info->settings, 1280, 720, &layout),
                    ==, 0);
    g_assert_cmpuint(layout.pixel_format, ==, IMAGES2_PIXEL_FORMAT_NV12);
    g_assert_cmpuint(layout.num_planes, ==, 2);
    g_assert_cmpuint(layout.stride[0], ==, 1280);
    g_assert_cmpuint(layout.stride[0] % 256, ==, 0);
    g_assert_cmpuint(layout.stride[1], ==, layout.stride[0]);
    g_assert_cmpuint(layout.offset[0], ==, 0);
    g_assert_cmpuint(layout.offset[1], ==, (uint64_t)layout.stride[0] * 720);
    g_assert_cmpuint(layout.size, <=,
                     info->settings.buffer_settings.size_bytes);
    g_assert_cmpint(vsm_layout_to_v4l2(&layout, &back), ==, 0);
    g_assert_cmphex(back.pixelformat, ==, V4L2_PIX_FMT_NV12);
    g_assert_cmpuint(back.bytesperline, ==, 1280);
    g_assert_cmpuint(back.sizeimage, ==, 1280 * 720 * 3 / 2);

    /* Smaller than the negotiated minimum: not a layout of these buffers. */
    g_assert_cmpint(vsm2_image_layout(&info->settings, 640, 360, &layout),
                    ==, -EINVAL);
    test_teardown(h, &tc);
    vs_host_free(h);
}

/* A 1366-wide XRGB8888 framebuffer: rows rounded up to the divisor. */
static void test_layout_rounds_rows_to_the_divisor(void)
{
    sysmem2_single_buffer_settings_t s = { 0 };
    sysmem2_image_format_constraints_t *f = &s.image_format_constraints;
    struct vsm_image_layout layout;

    s.has_image_format_constraints = true;
    s.buffer_settings.size_bytes = 8 << 20;
    f->has_pixel_format = true;
    f->pixel_format = IMAGES2_PIXEL_FORMAT_B8G8R8X8;
    f->has_bytes_per_row_divisor = true;
    f->bytes_per_row_divisor = 256;
    g_assert_cmpint(vsm2_image_layout(&s, 1366, 768, &layout), ==, 0);
    g_assert_cmpuint(layout.num_planes, ==, 1);
    g_assert_cmpuint(layout.stride[0], ==, 5632);   /* 1366 * 4 = 5464 */
    g_assert_cmpuint(layout.size, ==, 5632u * 768);
    /* Does not fit the buffer: refused, not truncated. */
    s.buffer_settings.size_bytes = 5632u * 767;
    g_assert_cmpint(vsm2_image_layout(&s, 1366, 768, &layout), ==, -EINVAL);
    /* Tiled results are the importer's to lay out. */
    s.buffer_settings.size_bytes = 8 << 20;
    f->has_pixel_format_modifier = true;
    f->pixel_format_modifier = IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED;
    g_assert_cmpint(vsm2_image_layout(&s, 1366, 768, &layout), ==, -EINVAL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vsysmem-formats/drm-formats-round-trip",
                    test_drm_formats_round_trip);
    g_test_add_func("/vsysmem-formats/drm-formats-pair-by-memory-order",
                    test_drm_formats_pair_by_memory_order);
    g_test_add_func("/vsysmem-formats/v4l2-formats-round-trip",
                    test_v4l2_formats_round_trip);
    g_test_add_func("/vsysmem-formats/unknown-formats-are-einval",
                    test_unknown_formats_are_einval);
    g_test_add_func("/vsysmem-formats/modifiers-shared-values-are-identity",
                    test_modifiers_shared_values_are_identity);
    g_test_add_func("/vsysmem-formats/modifiers-intel-ccs-translated",
                    test_modifiers_intel_ccs_translated);
    g_test_add_func("/vsysmem-formats/modifiers-without-counterpart-are-einval",
                    test_modifiers_without_counterpart_are_einval);
    g_test_add_func("/vsysmem-formats/v4l2-constraints-fields",
                    test_v4l2_constraints_fields);
    g_test_add_func("/vsysmem-formats/drm-color-spaces-and-refusals",
                    test_drm_constraints_and_refusals);
    g_test_add_func("/vsysmem-formats/v4l2-camera-and-drm-display-negotiate-a-layout",
                    test_v4l2_camera_and_drm_display_negotiate_a_layout);
    g_test_add_func("/vsysmem-formats/layout-rounds-rows-to-the-divisor",
                    test_layout_rounds_rows_to_the_divisor);
    return g_test_run();
}
