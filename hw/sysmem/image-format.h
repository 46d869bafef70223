/*
 * Image-format facts and layout math (pure functions)
 *
 * What Fuchsia's image-format library answers for sysmem: which pixel
 * format / modifier pairs exist, bytes per pixel, minimum divisors, colour
 * space compatibility, and the byte size of an image.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_SYSMEM_IMAGE_FORMAT_H
#define HW_SYSMEM_IMAGE_FORMAT_H

#include "sysmem/images2.h"
#include "sysmem/sysmem2.h"

/* A known, allocatable pixel format (not INVALID, DO_NOT_CARE or MJPEG). */
bool sysmem_format_is_known(images2_pixel_format_t fmt);

/* The pair is one sysmem can lay out. */
bool sysmem_format_is_supported(images2_pixel_format_t fmt, uint64_t modifier);

/* Bytes per pixel of the first plane's rows ("stride bytes per width pixel"). */
uint32_t sysmem_format_bytes_per_pixel(images2_pixel_format_t fmt);

/* Minimum width / height divisor (2 for subsampled YUV). */
uint32_t sysmem_format_min_width_divisor(images2_pixel_format_t fmt);
uint32_t sysmem_format_min_height_divisor(images2_pixel_format_t fmt);

/* Alignment of a sample, folded into bytes_per_row_divisor. */
uint32_t sysmem_format_sample_alignment(images2_pixel_format_t fmt);

/* Format has an alpha (or X) channel. */
bool sysmem_format_has_alpha(images2_pixel_format_t fmt);

/* Plane count of the linear layout. */
unsigned sysmem_format_plane_count(images2_pixel_format_t fmt);

/*
 * Fully specified pair is incompatible with protected memory: the ARM TE
 * variants (the CPU writes their transaction elimination buffer).
 */
bool sysmem_format_needs_cpu_access(uint64_t modifier);

/* Colour space usable with the format (PASSTHROUGH always is). */
bool sysmem_format_color_space_ok(images2_pixel_format_t fmt, uint64_t modifier,
                                  images2_color_space_t cs);

/* Known colour space (not INVALID, not DO_NOT_CARE). */
bool sysmem_color_space_is_known(images2_color_space_t cs);

/* Preference rank when several colour spaces remain (lower is better). */
unsigned sysmem_color_space_rank(images2_color_space_t cs);

/*
 * Minimum bytes per row for a width: width * bytes per pixel.  Returns
 * false on overflow of uint32.
 */
bool sysmem_format_min_bytes_per_row(images2_pixel_format_t fmt, uint32_t width,
                                     uint32_t *bytes_per_row);

/*
 * ImageFormatMinimumRowBytes: the smallest bytes_per_row an image @width
 * pixels wide can have under the sanitized, fully specified entry @f (its
 * min/max size, size_alignment, min/max bytes_per_row and divisor), per
 * layout: linear and ARM_LINEAR_TE round the width to size_alignment and
 * the row to the divisor; Intel tilings also round the divisor to the tile
 * row; AFBC counts blocks.  False when the layout has no width-derived
 * minimum (GOOGLE_GOLDFISH_OPTIMAL), when the width is outside min/max
 * size, or the result exceeds max_bytes_per_row or uint32.
 */
bool sysmem_format_min_row_bytes(const sysmem2_image_format_constraints_t *f,
                                 uint32_t width, uint32_t *row_bytes);

/*
 * Bytes an image of the given coded size and row pitch occupies
 * (ImageFormatImageSize): AFBC counts blocks of the size and ignores the
 * pitch; ARM TE variants add the transaction elimination buffer.  0 if the
 * pair is unsupported or on overflow.
 */
uint64_t sysmem_image_size(images2_pixel_format_t fmt, uint64_t modifier,
                           uint32_t width, uint32_t height,
                           uint32_t bytes_per_row);

/*
 * Offset and row pitch of plane @plane in a linear image (plane 0 is at
 * 0 with bytes_per_row).  False for a plane the format does not have.
 */
bool sysmem_image_plane(images2_pixel_format_t fmt, uint32_t height,
                        uint32_t bytes_per_row, unsigned plane,
                        uint64_t *offset, uint32_t *row_bytes);

/* Names for logs and the negotiate tool; NULL if unknown. */
const char *sysmem_pixel_format_name(images2_pixel_format_t fmt);
const char *sysmem_color_space_name(images2_color_space_t cs);
const char *sysmem_modifier_name(uint64_t modifier);
bool sysmem_pixel_format_from_name(const char *name, images2_pixel_format_t *fmt);
bool sysmem_color_space_from_name(const char *name, images2_color_space_t *cs);
bool sysmem_modifier_from_name(const char *name, uint64_t *modifier);

#endif
