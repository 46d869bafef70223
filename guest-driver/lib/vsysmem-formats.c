/*
 * libvsysmem: Linux-native image formats for sysmem (see vsysmem-formats.h).
 *
 * The byte-order conventions differ: DRM fourccs and V4L2 pixel formats
 * name a packed pixel as a little-endian word (DRM_FORMAT_XRGB8888 is
 * [31:0] x:R:G:B, i.e. bytes B, G, R, x in memory), fuchsia.images2 names
 * the bytes in memory order (B8G8R8X8).  The tables below pair formats
 * with the same bytes in memory.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <string.h>

#include <drm/drm_fourcc.h>

#include "vsysmem-formats.h"
#include "hw/sysmem/image-format.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct fourcc_pair {
    uint32_t fourcc;
    images2_pixel_format_t fmt;
};

static const struct fourcc_pair drm_formats[] = {
    { DRM_FORMAT_ARGB8888, IMAGES2_PIXEL_FORMAT_B8G8R8A8 },
    { DRM_FORMAT_XRGB8888, IMAGES2_PIXEL_FORMAT_B8G8R8X8 },
    { DRM_FORMAT_ABGR8888, IMAGES2_PIXEL_FORMAT_R8G8B8A8 },
    { DRM_FORMAT_XBGR8888, IMAGES2_PIXEL_FORMAT_R8G8B8X8 },
    { DRM_FORMAT_RGB888, IMAGES2_PIXEL_FORMAT_B8G8R8 },
    { DRM_FORMAT_BGR888, IMAGES2_PIXEL_FORMAT_R8G8B8 },
    { DRM_FORMAT_RGB565, IMAGES2_PIXEL_FORMAT_R5G6B5 },
    { DRM_FORMAT_RGB332, IMAGES2_PIXEL_FORMAT_R3G3B2 },
    { DRM_FORMAT_ARGB2101010, IMAGES2_PIXEL_FORMAT_A2R10G10B10 },
    { DRM_FORMAT_ABGR2101010, IMAGES2_PIXEL_FORMAT_A2B10G10R10 },
    { DRM_FORMAT_R8, IMAGES2_PIXEL_FORMAT_R8 },
    { DRM_FORMAT_GR88, IMAGES2_PIXEL_FORMAT_R8G8 },
    { DRM_FORMAT_NV12, IMAGES2_PIXEL_FORMAT_NV12 },
    { DRM_FORMAT_YUV420, IMAGES2_PIXEL_FORMAT_I420 },
    { DRM_FORMAT_YVU420, IMAGES2_PIXEL_FORMAT_YV12 },
    { DRM_FORMAT_YUYV, IMAGES2_PIXEL_FORMAT_YUY2 },
    { DRM_FORMAT_P010, IMAGES2_PIXEL_FORMAT_P010 },
};

static const struct fourcc_pair v4l2_formats[] = {
    { V4L2_PIX_FMT_ABGR32, IMAGES2_PIXEL_FORMAT_B8G8R8A8 },
    { V4L2_PIX_FMT_XBGR32, IMAGES2_PIXEL_FORMAT_B8G8R8X8 },
    { V4L2_PIX_FMT_RGBA32, IMAGES2_PIXEL_FORMAT_R8G8B8A8 },
    { V4L2_PIX_FMT_RGBX32, IMAGES2_PIXEL_FORMAT_R8G8B8X8 },
    { V4L2_PIX_FMT_BGR24, IMAGES2_PIXEL_FORMAT_B8G8R8 },
    { V4L2_PIX_FMT_RGB24, IMAGES2_PIXEL_FORMAT_R8G8B8 },
    { V4L2_PIX_FMT_RGB565, IMAGES2_PIXEL_FORMAT_R5G6B5 },
    { V4L2_PIX_FMT_RGB332, IMAGES2_PIXEL_FORMAT_R3G3B2 },
    { V4L2_PIX_FMT_GREY, IMAGES2_PIXEL_FORMAT_L8 },
    { V4L2_PIX_FMT_NV12, IMAGES2_PIXEL_FORMAT_NV12 },
    { V4L2_PIX_FMT_YUV420, IMAGES2_PIXEL_FORMAT_I420 },
    { V4L2_PIX_FMT_YVU420, IMAGES2_PIXEL_FORMAT_YV12 },
    { V4L2_PIX_FMT_YUYV, IMAGES2_PIXEL_FORMAT_YUY2 },
    { V4L2_PIX_FMT_P010, IMAGES2_PIXEL_FORMAT_P010 },
    { V4L2_PIX_FMT_MJPEG, IMAGES2_PIXEL_FORMAT_MJPEG },
};

static int fourcc_to_fmt(const struct fourcc_pair *t, size_t n,
                         uint32_t fourcc, images2_pixel_format_t *fmt)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (t[i].fourcc == fourcc) {
            *fmt = t[i].fmt;
            return 0;
        }
    }
    return -EINVAL;
}

static int fmt_to_fourcc(const struct fourcc_pair *t, size_t n,
                         images2_pixel_format_t fmt, uint32_t *fourcc)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (t[i].fmt == fmt) {
            *fourcc = t[i].fourcc;
            return 0;
        }
    }
    return -EINVAL;
}

int vsm_format_from_drm(uint32_t drm_fourcc, images2_pixel_format_t *fmt)
{
    return fourcc_to_fmt(drm_formats, ARRAY_LEN(drm_formats), drm_fourcc,
                         fmt);
}

int vsm_format_to_drm(images2_pixel_format_t fmt, uint32_t *drm_fourcc)
{
    return fmt_to_fourcc(drm_formats, ARRAY_LEN(drm_formats), fmt,
                         drm_fourcc);
}

int vsm_format_from_v4l2(uint32_t v4l2_pixelformat,
                         images2_pixel_format_t *fmt)
{
    return fourcc_to_fmt(v4l2_formats, ARRAY_LEN(v4l2_formats),
                         v4l2_pixelformat, fmt);
}

int vsm_format_to_v4l2(images2_pixel_format_t fmt, uint32_t *v4l2_pixelformat)
{
    return fmt_to_fourcc(v4l2_formats, ARRAY_LEN(v4l2_formats), fmt,
                         v4l2_pixelformat);
}

/* ---- Modifiers ------------------------------------------------------- */

/* ARM AFBC bits with the same meaning and position in both spaces. */
#define ARM_SHARED_BITS (IMAGES2_FORMAT_MODIFIER_ARM_YUV_BIT | \
                         IMAGES2_FORMAT_MODIFIER_ARM_SPLIT_BLOCK_BIT | \
                         IMAGES2_FORMAT_MODIFIER_ARM_SPARSE_BIT | \
                         IMAGES2_FORMAT_MODIFIER_ARM_BCH_BIT)
#define ARM_BLOCK_MASK  UINT64_C(0xf)

static int arm_afbc_same(uint64_t m)
{
    uint64_t low = m & ~IMAGES2_FORMAT_MODIFIER_VENDOR_MASK;
    uint64_t block = low & ARM_BLOCK_MASK;

    return (block == AFBC_FORMAT_MOD_BLOCK_SIZE_16x16 ||
            block == AFBC_FORMAT_MOD_BLOCK_SIZE_32x8) &&
           !(low & ~(ARM_BLOCK_MASK | ARM_SHARED_BITS));
}

/* Intel's CCS variants: Fuchsia sets a bit, DRM gives them numbers. */
static const struct {
    uint64_t drm;
    uint64_t sysmem;
} intel_ccs[] = {
    { I915_FORMAT_MOD_Y_TILED_CCS,
      IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED_CCS },
    { I915_FORMAT_MOD_Yf_TILED_CCS,
      IMAGES2_FORMAT_MODIFIER_INTEL_I915_YF_TILED_CCS },
};

int vsm_modifier_from_drm(uint64_t drm_modifier, uint64_t *modifier)
{
    size_t i;

    switch (drm_modifier) {
    case DRM_FORMAT_MOD_LINEAR:
    case I915_FORMAT_MOD_X_TILED:
    case I915_FORMAT_MOD_Y_TILED:
    case I915_FORMAT_MOD_Yf_TILED:
        *modifier = drm_modifier;
        return 0;
    }
    for (i = 0; i < ARRAY_LEN(intel_ccs); i++) {
        if (intel_ccs[i].drm == drm_modifier) {
            *modifier = intel_ccs[i].sysmem;
            return 0;
        }
    }
    if ((drm_modifier & IMAGES2_FORMAT_MODIFIER_VENDOR_MASK) ==
            IMAGES2_FORMAT_MODIFIER_VENDOR_ARM && arm_afbc_same(drm_modifier)) {
        *modifier = drm_modifier;
        return 0;
    }
    return -EINVAL;
}

int vsm_modifier_to_drm(uint64_t modifier, uint64_t *drm_modifier)
{
    size_t i;

    switch (modifier) {
    case IMAGES2_FORMAT_MODIFIER_LINEAR:
    case IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED:
    case IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED:
    case IMAGES2_FORMAT_MODIFIER_INTEL_I915_YF_TILED:
        *drm_modifier = modifier;
        return 0;
    }
    for (i = 0; i < ARRAY_LEN(intel_ccs); i++) {
        if (intel_ccs[i].sysmem == modifier) {
            *drm_modifier = intel_ccs[i].drm;
            return 0;
        }
    }
    if ((modifier & IMAGES2_FORMAT_MODIFIER_VENDOR_MASK) ==
            IMAGES2_FORMAT_MODIFIER_VENDOR_ARM && arm_afbc_same(modifier)) {
        *drm_modifier = modifier;
        return 0;
    }
    return -EINVAL;
}

/* ---- Constraints ----------------------------------------------------- */

/*
 * A KMS plane takes Y'CbCr in any encoding its COLOR_ENCODING (BT.601,
 * BT.709, BT.2020) and COLOR_RANGE (limited, full) properties name; sysmem
 * pairs BT.2020 only with 10-bit formats, so 8-bit ones list the others.
 */
static const images2_color_space_t drm_ycbcr_spaces[] = {
    IMAGES2_COLOR_SPACE_REC601_NTSC, IMAGES2_COLOR_SPACE_REC601_PAL,
    IMAGES2_COLOR_SPACE_REC601_NTSC_FULL_RANGE,
    IMAGES2_COLOR_SPACE_REC601_PAL_FULL_RANGE, IMAGES2_COLOR_SPACE_REC709,
};
static const images2_color_space_t drm_ycbcr10_spaces[] = {
    IMAGES2_COLOR_SPACE_REC2020, IMAGES2_COLOR_SPACE_REC2100,
};

static bool is_ycbcr(images2_pixel_format_t fmt)
{
    return sysmem_format_plane_count(fmt) > 1 ||
           fmt == IMAGES2_PIXEL_FORMAT_YUY2;
}

static images2_color_space_t default_color_space(images2_pixel_format_t fmt)
{
    switch (fmt) {
    case IMAGES2_PIXEL_FORMAT_NV12:
    case IMAGES2_PIXEL_FORMAT_I420:
    case IMAGES2_PIXEL_FORMAT_YV12:
    case IMAGES2_PIXEL_FORMAT_YUY2:
    case IMAGES2_PIXEL_FORMAT_M420:
        return IMAGES2_COLOR_SPACE_REC709;
    case IMAGES2_PIXEL_FORMAT_P010:
        return IMAGES2_COLOR_SPACE_REC2020;
    case IMAGES2_PIXEL_FORMAT_MJPEG:
        return IMAGES2_COLOR_SPACE_REC601_PAL_FULL_RANGE;
    default:
        return IMAGES2_COLOR_SPACE_SRGB;
    }
}

static int color_space_from_v4l2(const struct v4l2_pix_format *f,
                                 images2_pixel_format_t fmt,
                                 images2_color_space_t *cs)
{
    bool full = f->quantization == V4L2_QUANTIZATION_FULL_RANGE;

    switch (f->colorspace) {
    case V4L2_COLORSPACE_DEFAULT:
        *cs = default_color_space(fmt);
        return 0;
    case V4L2_COLORSPACE_SRGB:
        /* sRGB-encoded Y'CbCr is Rec. 601 by V4L2's own rules. */
        if (is_ycbcr(fmt)) {
            *cs = full ? IMAGES2_COLOR_SPACE_REC601_PAL_FULL_RANGE
                       : IMAGES2_COLOR_SPACE_REC601_PAL;
        } else {
            *cs = IMAGES2_COLOR_SPACE_SRGB;
        }
        return 0;
    case V4L2_COLORSPACE_REC709:
        *cs = IMAGES2_COLOR_SPACE_REC709;
        return 0;
    case V4L2_COLORSPACE_SMPTE170M:
        *cs = full ? IMAGES2_COLOR_SPACE_REC601_NTSC_FULL_RANGE
                   : IMAGES2_COLOR_SPACE_REC601_NTSC;
        return 0;
    case V4L2_COLORSPACE_470_SYSTEM_BG:
        *cs = full ? IMAGES2_COLOR_SPACE_REC601_PAL_FULL_RANGE
                   : IMAGES2_COLOR_SPACE_REC601_PAL;
        return 0;
    case V4L2_COLORSPACE_JPEG:
        *cs = IMAGES2_COLOR_SPACE_REC601_PAL_FULL_RANGE;
        return 0;
    case V4L2_COLORSPACE_BT2020:
        *cs = IMAGES2_COLOR_SPACE_REC2020;
        return 0;
    default:
        return -EINVAL;
    }
}

static sysmem2_image_format_constraints_t *
next_image_format(sysmem2_buffer_collection_constraints_t *c)
{
    sysmem2_image_format_constraints_t *f;

    if (c->image_format_constraints_count >=
        SYSMEM2_MAX_COUNT_BUFFER_COLLECTION_CONSTRAINTS_IMAGE_FORMAT_CONSTRAINTS) {
        return NULL;
    }
    f = &c->image_format_constraints[c->image_format_constraints_count];
    memset(f, 0, sizeof(*f));
    return f;
}

static void commit_image_format(sysmem2_buffer_collection_constraints_t *c,
                                images2_pixel_format_t fmt, uint64_t modifier,
                                const images2_color_space_t *cs,
                                unsigned int num_cs,
                                uint32_t width, uint32_t height)
{
    sysmem2_image_format_constraints_t *f =
        &c->image_format_constraints[c->image_format_constraints_count++];

    c->has_image_format_constraints = true;
    f->has_pixel_format = true;
    f->pixel_format = fmt;
    f->has_pixel_format_modifier = true;
    f->pixel_format_modifier = modifier;
    f->has_color_spaces = true;
    f->color_spaces_count = num_cs;
    memcpy(f->color_spaces, cs, num_cs * sizeof(cs[0]));
    f->has_min_size = true;
    f->min_size.width = width;
    f->min_size.height = height;
}

static void raise_min_size_bytes(sysmem2_buffer_collection_constraints_t *c,
                                 uint64_t bytes)
{
    sysmem2_buffer_memory_constraints_t *m = &c->buffer_memory_constraints;

    c->has_buffer_memory_constraints = true;
    if (!m->has_min_size_bytes || m->min_size_bytes < bytes) {
        m->has_min_size_bytes = true;
        m->min_size_bytes = bytes;
    }
}

int vsm2_constraints_add_v4l2(sysmem2_buffer_collection_constraints_t *c,
                              const struct v4l2_pix_format *f)
{
    sysmem2_image_format_constraints_t *ifc = next_image_format(c);
    images2_pixel_format_t fmt;
    images2_color_space_t cs;
    int ret;

    if (!ifc || !f->width || !f->height) {
        return -EINVAL;
    }
    ret = vsm_format_from_v4l2(f->pixelformat, &fmt);
    if (ret == 0) {
        ret = color_space_from_v4l2(f, fmt, &cs);
    }
    if (ret) {
        return ret;
    }
    if (f->bytesperline) {
        ifc->has_min_bytes_per_row = true;
        ifc->min_bytes_per_row = f->bytesperline;
    }
    commit_image_format(c, fmt, IMAGES2_FORMAT_MODIFIER_LINEAR, &cs, 1,
                        f->width, f->height);
    if (f->sizeimage) {
        raise_min_size_bytes(c, f->sizeimage);
    }
    return 0;
}

int vsm2_constraints_add_drm(sysmem2_buffer_collection_constraints_t *c,
                             uint32_t drm_fourcc, uint64_t drm_modifier,
                             uint32_t width, uint32_t height)
{
    images2_pixel_format_t fmt;
    images2_color_space_t cs;
    uint64_t modifier;
    int ret;

    if (!next_image_format(c) || !width || !height) {
        return -EINVAL;
    }
    ret = vsm_format_from_drm(drm_fourcc, &fmt);
    if (ret == 0) {
        ret = vsm_modifier_from_drm(drm_modifier, &modifier);
    }
    if (ret) {
        return ret;
    }
    if (fmt == IMAGES2_PIXEL_FORMAT_P010) {
        commit_image_format(c, fmt, modifier, drm_ycbcr10_spaces,
                            ARRAY_LEN(drm_ycbcr10_spaces), width, height);
    } else if (is_ycbcr(fmt)) {
        commit_image_format(c, fmt, modifier, drm_ycbcr_spaces,
                            ARRAY_LEN(drm_ycbcr_spaces), width, height);
    } else {
        cs = IMAGES2_COLOR_SPACE_SRGB;
        commit_image_format(c, fmt, modifier, &cs, 1, width, height);
    }
    return 0;
}

/* ---- Layout ---------------------------------------------------------- */

static uint64_t round_up(uint64_t v, uint64_t to)
{
    return to > 1 ? (v + to - 1) / to * to : v;
}

int vsm2_image_layout(const sysmem2_single_buffer_settings_t *settings,
                      uint32_t width, uint32_t height,
                      struct vsm_image_layout *layout)
{
    const sysmem2_image_format_constraints_t *f =
        &settings->image_format_constraints;
    uint32_t min_row;
    uint64_t row;
    unsigned int i;

    memset(layout, 0, sizeof(*layout));
    if (!settings->has_image_format_constraints || !f->has_pixel_format ||
        !width || !height) {
        return -EINVAL;
    }
    layout->modifier = f->has_pixel_format_modifier ?
                       f->pixel_format_modifier : IMAGES2_FORMAT_MODIFIER_LINEAR;
    /* Tiled and compressed layouts are the importer's to compute. */
    if (layout->modifier != IMAGES2_FORMAT_MODIFIER_LINEAR) {
        return -EINVAL;
    }
    if ((f->has_min_size && (width < f->min_size.width ||
                             height < f->min_size.height)) ||
        (f->has_max_size && (width > f->max_size.width ||
                             height > f->max_size.height))) {
        return -EINVAL;
    }
    if (!sysmem_format_min_bytes_per_row(f->pixel_format, width, &min_row)) {
        return -EINVAL;
    }
    row = min_row;
    if (f->has_min_bytes_per_row && f->min_bytes_per_row > row) {
        row = f->min_bytes_per_row;
    }
    if (f->has_bytes_per_row_divisor) {
        row = round_up(row, f->bytes_per_row_divisor);
    }
    if (row > UINT32_MAX ||
        (f->has_max_bytes_per_row && row > f->max_bytes_per_row)) {
        return -EINVAL;
    }
    layout->pixel_format = f->pixel_format;
    layout->width = width;
    layout->height = height;
    layout->num_planes = sysmem_format_plane_count(f->pixel_format);
    layout->size = sysmem_image_size(f->pixel_format, layout->modifier,
                                     width, height, row);
    if (!layout->size || layout->num_planes > VSM_MAX_PLANES ||
        layout->size > settings->buffer_settings.size_bytes) {
        return -EINVAL;
    }
    for (i = 0; i < layout->num_planes; i++) {
        if (!sysmem_image_plane(f->pixel_format, height, row, i,
                                &layout->offset[i], &layout->stride[i])) {
            return -EINVAL;
        }
    }
    return 0;
}

int vsm_layout_to_v4l2(const struct vsm_image_layout *layout,
                       struct v4l2_pix_format *f)
{
    uint32_t pixelformat;
    int ret = vsm_format_to_v4l2(layout->pixel_format, &pixelformat);

    if (ret) {
        return ret;
    }
    if (layout->size > UINT32_MAX) {
        return -EINVAL;
    }
    f->pixelformat = pixelformat;
    f->width = layout->width;
    f->height = layout->height;
    f->bytesperline = layout->stride[0];
    f->sizeimage = layout->size;
    f->field = V4L2_FIELD_NONE;
    return 0;
}
