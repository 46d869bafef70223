/*
 * libvsysmem: Linux-native image formats for sysmem.
 *
 * A Linux participant names an image as a DRM fourcc plus a DRM format
 * modifier (KMS, GBM, Vulkan's VK_EXT_image_drm_format_modifier) or as a
 * V4L2 pixel format (cameras and codecs); sysmem names it as a
 * fuchsia.images2 PixelFormat plus a PixelFormatModifier.  These helpers
 * translate both ways, turn a V4L2 or DRM format into sysmem2
 * constraints, and turn a negotiated result back into the per-plane
 * strides and offsets that DRM_IOCTL_MODE_ADDFB2 or VIDIOC_S_FMT take.
 *
 * Format modifiers share one 64-bit space: the top byte is the vendor and
 * Fuchsia uses DRM's vendor numbers.  LINEAR, Intel's X/Y/Yf tiling and
 * ARM's AFBC block sizes with the YTR (Fuchsia: YUV), SPLIT, SPARSE and
 * BCH bits have the same values in both; Intel's CCS variants have
 * different values (DRM numbers them, Fuchsia sets a CCS bit) and are
 * translated; Fuchsia's ARM TE and TILED_HEADER bits and the Google
 * vendor's modifiers have no DRM counterpart, and DRM modifiers sysmem
 * does not know have no sysmem counterpart: both are -EINVAL.
 *
 * Every function returns 0 on success and -EINVAL for a format, modifier
 * or geometry that has no counterpart (vsm_strerror() names it).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef LIBVSYSMEM_FORMATS_H
#define LIBVSYSMEM_FORMATS_H

#include <stdint.h>

#include <linux/videodev2.h>

#include "sysmem/images2.h"
#include "sysmem/sysmem2.h"

#ifdef __cplusplus
extern "C" {
#endif

/* DRM fourcc (DRM_FORMAT_*) <-> images2 PixelFormat. */
int vsm_format_from_drm(uint32_t drm_fourcc, images2_pixel_format_t *fmt);
int vsm_format_to_drm(images2_pixel_format_t fmt, uint32_t *drm_fourcc);

/* DRM format modifier (DRM_FORMAT_MOD_*) <-> images2 PixelFormatModifier. */
int vsm_modifier_from_drm(uint64_t drm_modifier, uint64_t *modifier);
int vsm_modifier_to_drm(uint64_t modifier, uint64_t *drm_modifier);

/* V4L2 pixel format (V4L2_PIX_FMT_*) <-> images2 PixelFormat. */
int vsm_format_from_v4l2(uint32_t v4l2_pixelformat,
                         images2_pixel_format_t *fmt);
int vsm_format_to_v4l2(images2_pixel_format_t fmt,
                       uint32_t *v4l2_pixelformat);

/*
 * Append one image format constraints entry for a V4L2 single-planar
 * format to @c: its pixel format, the colour space its colorspace field
 * names (the format's usual one for V4L2_COLORSPACE_DEFAULT), min_size
 * width x height, min_bytes_per_row bytesperline (when set), and a
 * buffer-memory min_size_bytes of sizeimage (when set).  Usage and buffer
 * counts stay the caller's.
 */
int vsm2_constraints_add_v4l2(sysmem2_buffer_collection_constraints_t *c,
                              const struct v4l2_pix_format *f);
/* The same for a DRM framebuffer of @width x @height. */
int vsm2_constraints_add_drm(sysmem2_buffer_collection_constraints_t *c,
                             uint32_t drm_fourcc, uint64_t drm_modifier,
                             uint32_t width, uint32_t height);

#define VSM_MAX_PLANES 4

/* Where an image of the negotiated format lies in each buffer. */
struct vsm_image_layout {
    images2_pixel_format_t pixel_format;
    uint64_t modifier;
    uint32_t width;
    uint32_t height;
    unsigned int num_planes;
    uint64_t offset[VSM_MAX_PLANES];    /* bytes from the buffer start */
    uint32_t stride[VSM_MAX_PLANES];    /* bytes per row of the plane */
    uint64_t size;                      /* bytes the image occupies */
};

/*
 * The layout of a @width x @height image in buffers negotiated with the
 * result @settings (WaitForAllBuffersAllocated's settings): rows are as
 * wide as the result's min_bytes_per_row and bytes_per_row_divisor
 * require.  -EINVAL if the result has no image format, the size is
 * outside its bounds, or the image does not fit in the buffer.
 */
int vsm2_image_layout(const sysmem2_single_buffer_settings_t *settings,
                      uint32_t width, uint32_t height,
                      struct vsm_image_layout *layout);
/* Fill a V4L2 format (pixelformat, size, bytesperline, sizeimage) from it. */
int vsm_layout_to_v4l2(const struct vsm_image_layout *layout,
                       struct v4l2_pix_format *f);

/* ---- V4L2 devices ---------------------------------------------------- */

/*
 * Open the single-planar streaming capture node whose bus_info is
 * @bus_info (e.g. "platform:vivid-000"): its fd, or -ENODEV.
 */
int vsm_v4l2_open_capture(const char *bus_info);
/*
 * REQBUFS V4L2_MEMORY_DMABUF for every buffer of @info and QBUF each (index
 * i is info->buffers[i]): the number queued, or -errno.
 */
int vsm_v4l2_queue_dmabufs(int cam,
                           const sysmem2_buffer_collection_info_t *info);

#ifdef __cplusplus
}
#endif

#endif /* LIBVSYSMEM_FORMATS_H */
