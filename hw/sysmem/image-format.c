/*
 * Image-format facts and layout math (pure functions)
 *
 * Follows the facts of Fuchsia's image-format library (image_format.cc)
 * as recorded in docs/reference/sysmem-protocol.md section 5.9: five sets
 * of layouts, each answering "supported", image size and minimum row bytes
 * the way its Fuchsia counterpart does:
 *   linear            every known format
 *   Intel X/Y/Yf      (+CCS for Y/Yf) the 32-bit RGB formats and NV12
 *   ARM AFBC          16x16 / 32x8 blocks with any of the TE, split-block,
 *                     sparse, YUV, BCH and tiled-header bits, for the
 *                     32-bit RGB formats
 *   ARM_LINEAR_TE     every known format: linear plus a transaction
 *                     elimination buffer
 *   GOOGLE_GOLDFISH_OPTIMAL  every known format, sized as linear, with no
 *                     width-derived minimum row bytes
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stddef.h>
#include <string.h>
#include "hw/sysmem/image-format.h"

/*
 * Freestanding: libvsysmem (guest user space, no glib) computes plane
 * layouts with these same functions.
 */
#define FORMAT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

#define INTEL_TILE_BYTES 4096u

/* The AFBC variant bits; the rest of the modifier names the block size. */
#define AFBC_VARIANT_BITS (IMAGES2_FORMAT_MODIFIER_ARM_TE_BIT | \
                           IMAGES2_FORMAT_MODIFIER_ARM_SPLIT_BLOCK_BIT | \
                           IMAGES2_FORMAT_MODIFIER_ARM_SPARSE_BIT | \
                           IMAGES2_FORMAT_MODIFIER_ARM_YUV_BIT | \
                           IMAGES2_FORMAT_MODIFIER_ARM_BCH_BIT | \
                           IMAGES2_FORMAT_MODIFIER_ARM_TILED_HEADER_BIT)
#define AFBC_BYTES_PER_PIXEL 4u
#define AFBC_BYTES_PER_BLOCK_HEADER 16u
#define AFBC_BODY_ALIGNMENT 1024u
#define AFBC_TILED_BODY_ALIGNMENT 4096u
/* Transaction elimination: 64-byte aligned, 16 B per 32x32 tile per row. */
#define TE_ALIGNMENT 64u
#define TE_TILE 32u
#define TE_BYTES_PER_TILE_ROW 16u

typedef struct FormatInfo {
    images2_pixel_format_t fmt;
    const char *name;
    uint8_t bytes_per_pixel;
    uint8_t divisor;            /* min width/height divisor */
    uint8_t sample_alignment;
    uint8_t planes;
    bool alpha;
    bool yuv;
    uint8_t bits;               /* bits per colour component */
    bool intel_tiling;          /* X/Y/Yf (+CCS) layouts exist */
} FormatInfo;

static const FormatInfo formats[] = {
    { IMAGES2_PIXEL_FORMAT_R8G8B8A8, "R8G8B8A8", 4, 1, 4, 1, true, false, 8, true },
    { IMAGES2_PIXEL_FORMAT_B8G8R8A8, "B8G8R8A8", 4, 1, 4, 1, true, false, 8, true },
    { IMAGES2_PIXEL_FORMAT_I420, "I420", 1, 2, 2, 3, false, true, 8, false },
    { IMAGES2_PIXEL_FORMAT_M420, "M420", 1, 2, 2, 1, false, true, 8, false },
    { IMAGES2_PIXEL_FORMAT_NV12, "NV12", 1, 2, 2, 2, false, true, 8, true },
    { IMAGES2_PIXEL_FORMAT_YUY2, "YUY2", 2, 2, 2, 1, false, true, 8, false },
    { IMAGES2_PIXEL_FORMAT_YV12, "YV12", 1, 2, 2, 3, false, true, 8, false },
    { IMAGES2_PIXEL_FORMAT_B8G8R8, "B8G8R8", 3, 1, 1, 1, false, false, 8, false },
    { IMAGES2_PIXEL_FORMAT_R5G6B5, "R5G6B5", 2, 1, 2, 1, false, false, 8, false },
    { IMAGES2_PIXEL_FORMAT_R3G3B2, "R3G3B2", 1, 1, 1, 1, false, false, 8, false },
    { IMAGES2_PIXEL_FORMAT_R2G2B2X2, "R2G2B2X2", 1, 1, 1, 1, true, false, 8, false },
    { IMAGES2_PIXEL_FORMAT_L8, "L8", 1, 1, 1, 1, false, false, 8, false },
    { IMAGES2_PIXEL_FORMAT_R8, "R8", 1, 1, 1, 1, false, false, 8, false },
    { IMAGES2_PIXEL_FORMAT_R8G8, "R8G8", 2, 1, 2, 1, false, false, 8, false },
    { IMAGES2_PIXEL_FORMAT_A2R10G10B10, "A2R10G10B10", 4, 1, 4, 1, true, false, 8, false },
    { IMAGES2_PIXEL_FORMAT_A2B10G10R10, "A2B10G10R10", 4, 1, 4, 1, true, false, 8, false },
    { IMAGES2_PIXEL_FORMAT_P010, "P010", 2, 2, 4, 2, false, true, 10, false },
    { IMAGES2_PIXEL_FORMAT_R8G8B8, "R8G8B8", 3, 1, 1, 1, false, false, 8, false },
    { IMAGES2_PIXEL_FORMAT_R8G8B8X8, "R8G8B8X8", 4, 1, 4, 1, true, false, 8, true },
    { IMAGES2_PIXEL_FORMAT_B8G8R8X8, "B8G8R8X8", 4, 1, 4, 1, true, false, 8, true },
};

static const FormatInfo *format_info(images2_pixel_format_t fmt)
{
    size_t i;

    for (i = 0; i < FORMAT_ARRAY_LEN(formats); i++) {
        if (formats[i].fmt == fmt) {
            return &formats[i];
        }
    }
    return NULL;
}

bool sysmem_format_is_known(images2_pixel_format_t fmt)
{
    return format_info(fmt) != NULL;
}

static bool is_intel_tiled(uint64_t m)
{
    return m == IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED ||
           m == IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED ||
           m == IMAGES2_FORMAT_MODIFIER_INTEL_I915_YF_TILED ||
           m == IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED_CCS ||
           m == IMAGES2_FORMAT_MODIFIER_INTEL_I915_YF_TILED_CCS;
}

static bool is_rgb32(images2_pixel_format_t fmt)
{
    return fmt == IMAGES2_PIXEL_FORMAT_R8G8B8A8 ||
           fmt == IMAGES2_PIXEL_FORMAT_R8G8B8X8 ||
           fmt == IMAGES2_PIXEL_FORMAT_B8G8R8A8 ||
           fmt == IMAGES2_PIXEL_FORMAT_B8G8R8X8;
}

/* An AFBC modifier (any variant bits): block size 16x16 or 32x8. */
static bool is_afbc(uint64_t m)
{
    uint64_t base = m & ~AFBC_VARIANT_BITS;

    return base == IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16 ||
           base == IMAGES2_FORMAT_MODIFIER_ARM_AFBC_32X8;
}

bool sysmem_format_is_supported(images2_pixel_format_t fmt, uint64_t modifier)
{
    const FormatInfo *fi = format_info(fmt);

    if (!fi) {
        return false;
    }
    if (modifier == IMAGES2_FORMAT_MODIFIER_LINEAR ||
        modifier == IMAGES2_FORMAT_MODIFIER_ARM_LINEAR_TE ||
        modifier == IMAGES2_FORMAT_MODIFIER_GOOGLE_GOLDFISH_OPTIMAL) {
        return true;
    }
    if (is_intel_tiled(modifier)) {
        return fi->intel_tiling;
    }
    if (is_afbc(modifier)) {
        return is_rgb32(fmt);
    }
    return false;
}

uint32_t sysmem_format_bytes_per_pixel(images2_pixel_format_t fmt)
{
    const FormatInfo *fi = format_info(fmt);
    return fi ? fi->bytes_per_pixel : 0;
}

uint32_t sysmem_format_min_width_divisor(images2_pixel_format_t fmt)
{
    const FormatInfo *fi = format_info(fmt);
    return fi ? fi->divisor : 1;
}

uint32_t sysmem_format_min_height_divisor(images2_pixel_format_t fmt)
{
    return sysmem_format_min_width_divisor(fmt);
}

uint32_t sysmem_format_sample_alignment(images2_pixel_format_t fmt)
{
    const FormatInfo *fi = format_info(fmt);
    return fi ? fi->sample_alignment : 1;
}

bool sysmem_format_has_alpha(images2_pixel_format_t fmt)
{
    const FormatInfo *fi = format_info(fmt);
    return fi && fi->alpha;
}

unsigned sysmem_format_plane_count(images2_pixel_format_t fmt)
{
    const FormatInfo *fi = format_info(fmt);
    return fi ? fi->planes : 0;
}

bool sysmem_format_needs_cpu_access(uint64_t modifier)
{
    /* Transaction elimination buffers are written by the CPU-side driver. */
    return (modifier & IMAGES2_FORMAT_MODIFIER_VENDOR_MASK) ==
               IMAGES2_FORMAT_MODIFIER_VENDOR_ARM &&
           (modifier & IMAGES2_FORMAT_MODIFIER_ARM_TE_BIT);
}

bool sysmem_color_space_is_known(images2_color_space_t cs)
{
    return cs >= IMAGES2_COLOR_SPACE_SRGB && cs <= IMAGES2_COLOR_SPACE_PASSTHROUGH;
}

bool sysmem_format_color_space_ok(images2_pixel_format_t fmt, uint64_t modifier,
                                  images2_color_space_t cs)
{
    const FormatInfo *fi = format_info(fmt);
    bool rgb_ok, yuv_ok;

    if (cs == IMAGES2_COLOR_SPACE_PASSTHROUGH) {
        return true;
    }
    if (!fi || !sysmem_color_space_is_known(cs)) {
        return false;
    }
    /* L8 and R8 may carry either luma or a red channel. */
    rgb_ok = !fi->yuv;
    yuv_ok = fi->yuv || fmt == IMAGES2_PIXEL_FORMAT_L8 ||
             fmt == IMAGES2_PIXEL_FORMAT_R8;
    switch (cs) {
    case IMAGES2_COLOR_SPACE_SRGB:
        return rgb_ok;
    case IMAGES2_COLOR_SPACE_REC601_NTSC:
    case IMAGES2_COLOR_SPACE_REC601_NTSC_FULL_RANGE:
    case IMAGES2_COLOR_SPACE_REC601_PAL:
    case IMAGES2_COLOR_SPACE_REC601_PAL_FULL_RANGE:
    case IMAGES2_COLOR_SPACE_REC709:
        return yuv_ok && (fi->bits == 8 || fi->bits == 10);
    case IMAGES2_COLOR_SPACE_REC2020:
    case IMAGES2_COLOR_SPACE_REC2100:
        return yuv_ok && (fi->bits == 10 || fi->bits == 12);
    default:
        return false;
    }
}

unsigned sysmem_color_space_rank(images2_color_space_t cs)
{
    switch (cs) {
    case IMAGES2_COLOR_SPACE_SRGB:
        return 1;
    case IMAGES2_COLOR_SPACE_REC2100:
        return 2;
    case IMAGES2_COLOR_SPACE_REC2020:
        return 3;
    case IMAGES2_COLOR_SPACE_REC709:
        return 4;
    case IMAGES2_COLOR_SPACE_REC601_PAL_FULL_RANGE:
        return 5;
    case IMAGES2_COLOR_SPACE_REC601_PAL:
        return 6;
    case IMAGES2_COLOR_SPACE_REC601_NTSC_FULL_RANGE:
        return 7;
    case IMAGES2_COLOR_SPACE_REC601_NTSC:
        return 8;
    case IMAGES2_COLOR_SPACE_PASSTHROUGH:
        return 9;
    default:
        return 100;
    }
}

bool sysmem_format_min_bytes_per_row(images2_pixel_format_t fmt, uint32_t width,
                                     uint32_t *bytes_per_row)
{
    uint64_t v = (uint64_t)width * sysmem_format_bytes_per_pixel(fmt);

    if (v > UINT32_MAX) {
        return false;
    }
    *bytes_per_row = v;
    return true;
}

static uint64_t div_round_up(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

static uint64_t round_up(uint64_t a, uint64_t b)
{
    return div_round_up(a, b) * b;
}

/* AFBC block geometry and the alignment the (tiled) header imposes. */
static void afbc_geometry(uint64_t modifier, uint32_t *bw, uint32_t *bh,
                          uint32_t *wa, uint32_t *ha, uint32_t *body_align)
{
    bool tiled = modifier & IMAGES2_FORMAT_MODIFIER_ARM_TILED_HEADER_BIT;

    if ((modifier & ~AFBC_VARIANT_BITS) == IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16) {
        *bw = 16;
        *bh = 16;
        *wa = tiled ? 128 : 16;
        *ha = tiled ? 128 : 16;
    } else {
        *bw = 32;
        *bh = 8;
        *wa = tiled ? 256 : 32;
        *ha = tiled ? 64 : 8;
    }
    *body_align = tiled ? AFBC_TILED_BODY_ALIGNMENT : AFBC_BODY_ALIGNMENT;
}

bool sysmem_format_min_row_bytes(const sysmem2_image_format_constraints_t *f,
                                 uint32_t width, uint32_t *row_bytes)
{
    images2_pixel_format_t fmt = f->pixel_format;
    uint64_t m = f->pixel_format_modifier, w = width, r, divisor;
    uint64_t bpp = sysmem_format_bytes_per_pixel(fmt);

    if (!sysmem_format_is_supported(fmt, m) ||
        m == IMAGES2_FORMAT_MODIFIER_GOOGLE_GOLDFISH_OPTIMAL) {
        /* Goldfish layouts are opaque: no minimum follows from the width. */
        return false;
    }
    if (is_afbc(m)) {
        uint32_t bw, bh, wa, ha, body;

        if (width < f->min_size.width || width > f->max_size.width) {
            return false;
        }
        afbc_geometry(m, &bw, &bh, &wa, &ha, &body);
        /*
         * Width in alignment units times the block width, as Fuchsia
         * computes it (with a tiled header this is less than the real row
         * of blocks; AFBC rows have no CPU meaning, so only the value a
         * client sees matters).  Divisor and min_bytes_per_row do not apply.
         */
        r = div_round_up(w, wa) * bw * AFBC_BYTES_PER_PIXEL;
    } else if (is_intel_tiled(m)) {
        uint32_t tile_row_bytes =
            m == IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED ? 512 : 128;

        w = round_up(w, f->size_alignment.width);
        if (w < f->min_size.width || w > f->max_size.width) {
            return false;
        }
        divisor = round_up(f->bytes_per_row_divisor, tile_row_bytes);
        r = round_up(max_u64(bpp * w, f->min_bytes_per_row), divisor);
    } else {
        /* LINEAR and ARM_LINEAR_TE */
        if (width < f->min_size.width || width > f->max_size.width) {
            return false;
        }
        w = round_up(w, f->size_alignment.width);
        r = round_up(max_u64(bpp * w, f->min_bytes_per_row),
                     f->bytes_per_row_divisor);
    }
    if (r > UINT32_MAX || (!is_afbc(m) && r > f->max_bytes_per_row)) {
        return false;
    }
    *row_bytes = r;
    return true;
}

static uint64_t intel_tiled_size(images2_pixel_format_t fmt, uint64_t modifier,
                                 uint32_t height, uint32_t bytes_per_row)
{
    uint32_t tile_row_bytes, tile_rows;
    uint64_t w_tiles, h_tiles, size;

    if (modifier == IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED) {
        tile_row_bytes = 512;
        tile_rows = 8;
    } else {
        tile_row_bytes = 128;
        tile_rows = 32;
    }
    w_tiles = div_round_up(bytes_per_row, tile_row_bytes);
    h_tiles = div_round_up(height, tile_rows);
    if (w_tiles * h_tiles > (UINT64_MAX >> 14)) {
        return 0;       /* overflow below */
    }
    size = w_tiles * h_tiles * INTEL_TILE_BYTES;
    if (fmt == IMAGES2_PIXEL_FORMAT_NV12) {
        /*
         * Interleaved UV plane: same row pitch, half the rows, tile
         * aligned on its own.  The CCS below is sized from this last
         * plane, as Fuchsia does.
         */
        h_tiles = div_round_up(div_round_up(height, 2), tile_rows);
        size += w_tiles * h_tiles * INTEL_TILE_BYTES;
    }
    if (modifier & IMAGES2_FORMAT_MODIFIER_INTEL_CCS_BIT) {
        size += div_round_up(w_tiles, 32) * div_round_up(h_tiles, 16) *
                INTEL_TILE_BYTES;
    }
    return size;
}

/*
 * Bytes a transaction elimination buffer placed after @start bytes of
 * image adds: alignment to 64, a 64-byte header, then two rows of 16 bytes
 * per 32-pixel tile (each row 64-byte aligned) per 32 rows of pixels.
 */
static uint64_t te_extra(uint64_t start, uint32_t width, uint32_t height)
{
    uint64_t row = round_up(div_round_up(width, TE_TILE) * TE_BYTES_PER_TILE_ROW,
                            TE_ALIGNMENT);

    return round_up(start, TE_ALIGNMENT) - start + TE_ALIGNMENT +
           row * 2 * div_round_up(height, TE_TILE);
}

/* Header plus body of an AFBC image, without transaction elimination. */
static uint64_t afbc_size(uint64_t modifier, uint32_t width, uint32_t height)
{
    uint32_t bw, bh, wa, ha, body;
    uint64_t blocks;

    afbc_geometry(modifier, &bw, &bh, &wa, &ha, &body);
    blocks = round_up(width, wa) / bw * (round_up(height, ha) / bh);
    /* Up to 2^59 blocks: refuse what would not fit 64 bits below. */
    if (blocks > (UINT64_MAX >> 2) / (bw * bh * AFBC_BYTES_PER_PIXEL +
                                      2 * AFBC_BYTES_PER_BLOCK_HEADER)) {
        return 0;
    }
    return blocks * bw * bh * AFBC_BYTES_PER_PIXEL +
           round_up(blocks * AFBC_BYTES_PER_BLOCK_HEADER, body);
}

uint64_t sysmem_image_size(images2_pixel_format_t fmt, uint64_t modifier,
                           uint32_t width, uint32_t height,
                           uint32_t bytes_per_row)
{
    const FormatInfo *fi = format_info(fmt);
    uint64_t plane0, size;

    if (!fi || !sysmem_format_is_supported(fmt, modifier)) {
        return 0;
    }
    if (is_intel_tiled(modifier)) {
        return intel_tiled_size(fmt, modifier, height, bytes_per_row);
    }
    if (is_afbc(modifier)) {
        /* AFBC ignores bytes_per_row: the blocks follow from the size. */
        size = afbc_size(modifier, width, height);
    } else {
        plane0 = (uint64_t)height * bytes_per_row;
        switch (fmt) {
        case IMAGES2_PIXEL_FORMAT_I420:
        case IMAGES2_PIXEL_FORMAT_M420:
        case IMAGES2_PIXEL_FORMAT_NV12:
        case IMAGES2_PIXEL_FORMAT_YV12:
        case IMAGES2_PIXEL_FORMAT_P010:
            size = plane0 > UINT64_MAX / 3 ? 0 : plane0 * 3 / 2;
            break;
        default:
            size = plane0;
        }
    }
    if (size > (UINT64_MAX >> 1)) {
        return 0;       /* no room for the TE buffer; far beyond any limit */
    }
    if (size && (modifier & IMAGES2_FORMAT_MODIFIER_VENDOR_MASK) ==
                    IMAGES2_FORMAT_MODIFIER_VENDOR_ARM &&
        (modifier & IMAGES2_FORMAT_MODIFIER_ARM_TE_BIT)) {
        size += te_extra(size, width, height);
    }
    return size;
}

bool sysmem_image_plane(images2_pixel_format_t fmt, uint32_t height,
                        uint32_t bytes_per_row, unsigned plane,
                        uint64_t *offset, uint32_t *row_bytes)
{
    uint64_t luma = (uint64_t)height * bytes_per_row;

    if (plane >= sysmem_format_plane_count(fmt)) {
        return false;
    }
    if (plane == 0) {
        *offset = 0;
        *row_bytes = bytes_per_row;
        return true;
    }
    switch (fmt) {
    case IMAGES2_PIXEL_FORMAT_NV12:
    case IMAGES2_PIXEL_FORMAT_P010:
        *offset = luma;
        *row_bytes = bytes_per_row;
        return true;
    case IMAGES2_PIXEL_FORMAT_I420:
    case IMAGES2_PIXEL_FORMAT_YV12:
        /* I420 is Y, U, V; YV12 is Y, V, U: same geometry. */
        *offset = plane == 1 ? luma : luma + (uint64_t)(height / 2) *
                                            (bytes_per_row / 2);
        *row_bytes = bytes_per_row / 2;
        return true;
    default:
        return false;
    }
}

/* ------------------------------------------------------------------ */
/* Names                                                               */

typedef struct NamedValue {
    const char *name;
    uint64_t value;
} NamedValue;

static const NamedValue color_spaces[] = {
    { "INVALID", IMAGES2_COLOR_SPACE_INVALID },
    { "SRGB", IMAGES2_COLOR_SPACE_SRGB },
    { "REC601_NTSC", IMAGES2_COLOR_SPACE_REC601_NTSC },
    { "REC601_NTSC_FULL_RANGE", IMAGES2_COLOR_SPACE_REC601_NTSC_FULL_RANGE },
    { "REC601_PAL", IMAGES2_COLOR_SPACE_REC601_PAL },
    { "REC601_PAL_FULL_RANGE", IMAGES2_COLOR_SPACE_REC601_PAL_FULL_RANGE },
    { "REC709", IMAGES2_COLOR_SPACE_REC709 },
    { "REC2020", IMAGES2_COLOR_SPACE_REC2020 },
    { "REC2100", IMAGES2_COLOR_SPACE_REC2100 },
    { "PASSTHROUGH", IMAGES2_COLOR_SPACE_PASSTHROUGH },
    { "DO_NOT_CARE", IMAGES2_COLOR_SPACE_DO_NOT_CARE },
};

static const NamedValue modifiers[] = {
    { "LINEAR", IMAGES2_FORMAT_MODIFIER_LINEAR },
    { "DO_NOT_CARE", IMAGES2_FORMAT_MODIFIER_DO_NOT_CARE },
    { "INVALID", IMAGES2_FORMAT_MODIFIER_INVALID },
    { "INTEL_I915_X_TILED", IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED },
    { "INTEL_I915_Y_TILED", IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED },
    { "INTEL_I915_YF_TILED", IMAGES2_FORMAT_MODIFIER_INTEL_I915_YF_TILED },
    { "INTEL_I915_Y_TILED_CCS", IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED_CCS },
    { "INTEL_I915_YF_TILED_CCS", IMAGES2_FORMAT_MODIFIER_INTEL_I915_YF_TILED_CCS },
    { "ARM_AFBC_16X16", IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16 },
    { "ARM_AFBC_32X8", IMAGES2_FORMAT_MODIFIER_ARM_AFBC_32X8 },
    { "ARM_LINEAR_TE", IMAGES2_FORMAT_MODIFIER_ARM_LINEAR_TE },
    { "ARM_AFBC_16X16_TE", IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_TE },
    { "ARM_AFBC_32X8_TE", IMAGES2_FORMAT_MODIFIER_ARM_AFBC_32X8_TE },
    { "ARM_AFBC_16X16_YUV_TILED_HEADER",
      IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_YUV_TILED_HEADER },
    { "ARM_AFBC_16X16_SPLIT_BLOCK_SPARSE_YUV",
      IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_SPLIT_BLOCK_SPARSE_YUV },
    { "ARM_AFBC_16X16_SPLIT_BLOCK_SPARSE_YUV_TE",
      IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_SPLIT_BLOCK_SPARSE_YUV_TE },
    { "ARM_AFBC_16X16_SPLIT_BLOCK_SPARSE_YUV_TILED_HEADER",
      IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_SPLIT_BLOCK_SPARSE_YUV_TILED_HEADER },
    { "ARM_AFBC_16X16_SPLIT_BLOCK_SPARSE_YUV_TE_TILED_HEADER",
      IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_SPLIT_BLOCK_SPARSE_YUV_TE_TILED_HEADER },
    { "GOOGLE_GOLDFISH_OPTIMAL", IMAGES2_FORMAT_MODIFIER_GOOGLE_GOLDFISH_OPTIMAL },
};

static const char *name_of(const NamedValue *t, size_t n, uint64_t v)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (t[i].value == v) {
            return t[i].name;
        }
    }
    return NULL;
}

static bool value_of(const NamedValue *t, size_t n, const char *name,
                     uint64_t *v)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!strcmp(t[i].name, name)) {
            *v = t[i].value;
            return true;
        }
    }
    return false;
}

const char *sysmem_pixel_format_name(images2_pixel_format_t fmt)
{
    const FormatInfo *fi = format_info(fmt);

    if (fi) {
        return fi->name;
    }
    switch (fmt) {
    case IMAGES2_PIXEL_FORMAT_INVALID:
        return "INVALID";
    case IMAGES2_PIXEL_FORMAT_MJPEG:
        return "MJPEG";
    case IMAGES2_PIXEL_FORMAT_DO_NOT_CARE:
        return "DO_NOT_CARE";
    default:
        return NULL;
    }
}

bool sysmem_pixel_format_from_name(const char *name, images2_pixel_format_t *fmt)
{
    size_t i;

    for (i = 0; i < FORMAT_ARRAY_LEN(formats); i++) {
        if (!strcmp(formats[i].name, name)) {
            *fmt = formats[i].fmt;
            return true;
        }
    }
    if (!strcmp(name, "INVALID")) {
        *fmt = IMAGES2_PIXEL_FORMAT_INVALID;
    } else if (!strcmp(name, "MJPEG")) {
        *fmt = IMAGES2_PIXEL_FORMAT_MJPEG;
    } else if (!strcmp(name, "DO_NOT_CARE")) {
        *fmt = IMAGES2_PIXEL_FORMAT_DO_NOT_CARE;
    } else if (!strcmp(name, "BGRA32")) {       /* v1 spelling */
        *fmt = IMAGES2_PIXEL_FORMAT_B8G8R8A8;
    } else if (!strcmp(name, "RGB565")) {       /* v1 spelling */
        *fmt = IMAGES2_PIXEL_FORMAT_R5G6B5;
    } else {
        return false;
    }
    return true;
}

const char *sysmem_color_space_name(images2_color_space_t cs)
{
    return name_of(color_spaces, FORMAT_ARRAY_LEN(color_spaces), cs);
}

bool sysmem_color_space_from_name(const char *name, images2_color_space_t *cs)
{
    uint64_t v;

    if (!value_of(color_spaces, FORMAT_ARRAY_LEN(color_spaces), name, &v)) {
        return false;
    }
    *cs = v;
    return true;
}

const char *sysmem_modifier_name(uint64_t modifier)
{
    return name_of(modifiers, FORMAT_ARRAY_LEN(modifiers), modifier);
}

bool sysmem_modifier_from_name(const char *name, uint64_t *modifier)
{
    return value_of(modifiers, FORMAT_ARRAY_LEN(modifiers), name, modifier);
}
