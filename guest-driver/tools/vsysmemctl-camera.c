/*
 * vsysmemctl camera: a real V4L2 camera (vivid) captures into buffers that
 * it negotiated with a display process through sysmem.
 *
 * The camera's constraints come from vivid's V4L2 format, the display's
 * from what a scanout engine wants (rows at 256-byte multiples); the
 * display joins with a token passed over a UNIX socket.  vivid gets the
 * sysmem dma-bufs with V4L2_MEMORY_DMABUF and streams; the display maps
 * each frame it is handed.  With VSYSMEM_HOST_VIEW set, the last frame is
 * announced to scripts/run-guest.sh, which reads it from the device's
 * memory backend on the host and writes it as a PNG.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm/drm_fourcc.h>

#include "libvsysmem.h"
#include "vsysmem-formats.h"
#include "vsysmemctl.h"

#define CAMERA_CAMPING      2
#define DISPLAY_ROW_DIVISOR 256

static int camera_fail(const char *who, const char *what, int err)
{
    fprintf(stderr, "vsysmemctl camera: %s: %s: %s\n", who, what,
            vsm_strerror(err));
    return 1;
}

/* Bytes of luma that are not zero in the frame's first plane. */
static uint64_t lit_samples(const uint8_t *p, const struct vsm_image_layout *l)
{
    uint64_t n = 0;
    uint32_t x, y;

    for (y = 0; y < l->height; y++) {
        const uint8_t *row = p + l->offset[0] + (uint64_t)y * l->stride[0];

        for (x = 0; x < l->width * 2; x += 2) {
            n += row[x] != 0;
        }
    }
    return n;
}

static int camera_display(int dev, int sock, uint32_t width, uint32_t height)
{
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_image_format_constraints_t *ifc = &c->image_format_constraints[0];
    struct vsm_image_layout layout;
    uint8_t *maps[SYSMEM2_MAX_COUNT_BUFFER_COLLECTION_INFO_BUFFERS] = { 0 };
    unsigned int frames = 0, lit = 0;
    int alloc, token, col, ret;
    uint8_t idx;

    token = vsm_recv_fd(sock);
    alloc = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    if (token < 0 || alloc < 0 || !info || !c) {
        return camera_fail("display", "setup", token < 0 ? token : alloc);
    }
    vsm2_set_debug_client_info(alloc, false, "display", getpid());
    col = vsm2_bind_shared_collection(alloc, token);
    if (col < 0) {
        return camera_fail("display", "BindSharedCollection", col);
    }
    c->has_usage = true;
    c->usage.has_cpu = true;
    c->usage.cpu = SYSMEM2_CPU_USAGE_READ_OFTEN;
    c->usage.has_display = true;
    c->usage.display = SYSMEM2_DISPLAY_USAGE_LAYER;
    c->has_min_buffer_count_for_camping = true;
    c->min_buffer_count_for_camping = 1;
    ret = vsm2_constraints_add_drm(c, DRM_FORMAT_YUYV, DRM_FORMAT_MOD_LINEAR,
                                   width, height);
    if (ret) {
        return camera_fail("display", "constraints", ret);
    }
    ifc->has_bytes_per_row_divisor = true;
    ifc->bytes_per_row_divisor = DISPLAY_ROW_DIVISOR;
    ret = vsm2_set_constraints(col, c);
    if (!ret) {
        ret = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    }
    if (!ret) {
        ret = vsm2_image_layout(&info->settings, width, height, &layout);
    }
    if (ret) {
        return camera_fail("display", "negotiate", ret);
    }
    printf("display: joined; YUYV rows at %u bytes (a multiple of %u)\n",
           layout.stride[0], DISPLAY_ROW_DIVISOR);
    while (read(sock, &idx, 1) == 1) {
        int fd = idx < info->buffers_count ? (int)info->buffers[idx].vmo : -1;
        uint8_t ack = 0;

        if (fd >= 0 && !maps[idx]) {
            maps[idx] = vsm_map(fd, info->settings.buffer_settings.size_bytes,
                                false);
        }
        if (fd >= 0 && maps[idx]) {
            vsm_sync(fd, true, false);
            lit += lit_samples(maps[idx], &layout) > 0;
            vsm_sync(fd, false, false);
            frames++;
            ack = 1;
        }
        if (write(sock, &ack, 1) != 1) {
            break;
        }
    }
    printf("display: %u frames shown, %u with a picture in them\n", frames,
           lit);
    vsm2_release(col);
    vsm2_info_close_handles(info);
    return frames && lit == frames ? 0 : 1;
}

static int stream(int cam, int sock, const sysmem2_buffer_collection_info_t *info,
                  const struct vsm_image_layout *layout, unsigned int frames)
{
    int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    struct vsysmem_buffer_info bi;
    unsigned int n;
    int dev = -1;

    if (ioctl(cam, VIDIOC_STREAMON, &type)) {
        return camera_fail("camera", "STREAMON", -errno);
    }
    for (n = 0; n < frames; n++) {
        struct v4l2_buffer b = {
            .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_DMABUF,
        };
        uint8_t idx, ack;

        if (ioctl(cam, VIDIOC_DQBUF, &b)) {
            return camera_fail("camera", "DQBUF", -errno);
        }
        idx = (uint8_t)b.index;
        if (write(sock, &idx, 1) != 1 || read(sock, &ack, 1) != 1 || !ack) {
            return camera_fail("camera", "hand the frame to the display",
                               -EPIPE);
        }
        if (n + 1 == frames && getenv("VSYSMEM_HOST_VIEW")) {
            /* The frame stays dequeued (vivid cannot overwrite it) while
             * the host reads it from the memory backend. */
            dev = vsm_open(0);
            if (dev >= 0 &&
                !vsm_buffer_info(dev, (int)info->buffers[b.index].vmo, &bi)) {
                printf("VSYSMEM-HOSTSHOW the display holds frame %u\n", n + 1);
                printf("VSYSMEM-HOSTPNG %" PRIu64 " %u %u %u YUYV camera-frame\n",
                       (uint64_t)bi.offset + layout->offset[0], layout->width,
                       layout->height, layout->stride[0]);
                fflush(stdout);
                sleep(2);
            }
            if (dev >= 0) {
                close(dev);
            }
        }
        if (ioctl(cam, VIDIOC_QBUF, &b)) {
            return camera_fail("camera", "QBUF", -errno);
        }
    }
    ioctl(cam, VIDIOC_STREAMOFF, &type);
    printf("camera:  vivid streamed %u frames into the sysmem buffers\n",
           frames);
    return 0;
}

int cmd_camera(int argc, char **argv)
{
    static const struct option opts[] = {
        { "frames", required_argument, NULL, 'n' },
        { "dma-contig", no_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 },
    };
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
    struct vsm_image_layout layout;
    unsigned int frames = 30, inst = 0, i;
    int dev, alloc, token, dup, col, cam, sv[2], status, ret, opt;
    char bus[32], *end;
    pid_t pid;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'n':
            frames = (unsigned int)strtoul(optarg, &end, 0);
            if (*end || !frames || frames > 10000) {
                fprintf(stderr, "vsysmemctl camera: --frames takes 1..10000,"
                        " not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'c':
            inst = 1;
            break;
        default:
            return 2;
        }
    }
    if (!info || !c) {
        return camera_fail("camera", "allocate", -ENOMEM);
    }
    /* Instance 0 imports through vb2-vmalloc, instance 1 vb2-dma-contig. */
    if (system("modprobe vivid n_devs=2 node_types=0x1,0x1 allocators=0,1")) {
        return camera_fail("camera", "modprobe vivid", -ENODEV);
    }
    snprintf(bus, sizeof(bus), "platform:vivid-%03u", inst);
    cam = vsm_v4l2_open_capture(bus);
    if (cam < 0) {
        return camera_fail("camera", bus, cam);
    }
    fmt.fmt.pix.width = 640;
    fmt.fmt.pix.height = 480;
    fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
    fmt.fmt.pix.field = V4L2_FIELD_NONE;
    if (ioctl(cam, VIDIOC_S_FMT, &fmt)) {
        return camera_fail("camera", "VIDIOC_S_FMT", -errno);
    }
    printf("camera:  vivid (%s), YUYV %ux%u, %u bytes per row, %u bytes a"
           " frame; camps on %d buffers\n", inst ? "vb2-dma-contig" :
           "vb2-vmalloc", fmt.fmt.pix.width, fmt.fmt.pix.height,
           fmt.fmt.pix.bytesperline, fmt.fmt.pix.sizeimage, CAMERA_CAMPING);
    printf("display: a KMS plane: YUYV (BT.601 or BT.709, either range), CPU"
           " reads, 1 buffer, rows a multiple of %d bytes\n", DISPLAY_ROW_DIVISOR);

    dev = vsm_open(0);
    alloc = dev < 0 ? dev : vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    if (alloc < 0) {
        return camera_fail("camera", "connect", alloc);
    }
    vsm2_set_debug_client_info(alloc, false, "camera", getpid());
    token = vsm2_allocate_shared_collection(alloc);
    dup = token < 0 ? token : vsm2_duplicate(token, 0xffffffffu);
    if (dup < 0) {
        return camera_fail("camera", "AllocateSharedCollection/Duplicate",
                           dup);
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        return camera_fail("camera", "socketpair", -errno);
    }
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        close(sv[0]);
        _exit(camera_display(dev, sv[1], fmt.fmt.pix.width,
                             fmt.fmt.pix.height));
    }
    close(sv[1]);
    ret = vsm_send_fd(sv[0], dup);
    close(dup);
    if (ret) {
        return camera_fail("camera", "send the token to the display", ret);
    }
    ret = vsm2_constraints_add_v4l2(c, &fmt.fmt.pix);
    if (ret) {
        return camera_fail("camera", "constraints from the V4L2 format", ret);
    }
    c->has_usage = true;
    c->usage.has_video = true;
    c->usage.video = SYSMEM2_VIDEO_USAGE_CAPTURE;
    c->has_min_buffer_count_for_camping = true;
    c->min_buffer_count_for_camping = CAMERA_CAMPING;
    col = vsm2_bind_shared_collection(alloc, token);
    if (col >= 0) {
        vsm2_set_name(col, 10, "vivid capture");
    }
    ret = col < 0 ? col : vsm2_set_constraints(col, c);
    if (!ret) {
        ret = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    }
    if (!ret) {
        ret = vsm2_image_layout(&info->settings, fmt.fmt.pix.width,
                                fmt.fmt.pix.height, &layout);
    }
    if (ret) {
        return camera_fail("camera", "negotiate", ret);
    }
    printf("negotiated: %u buffers of %" PRIu64 " bytes, YUYV %ux%u at %u"
           " bytes per row\n", info->buffers_count,
           info->settings.buffer_settings.size_bytes, layout.width,
           layout.height, layout.stride[0]);
    for (i = 0; i < info->buffers_count; i++) {
        struct vsysmem_buffer_info bi;

        if (!vsm_buffer_info(dev, (int)info->buffers[i].vmo, &bi)) {
            printf("camera:  buffer %u: region offset %#" PRIx64 ", %" PRIu64
                   " bytes\n", i, (uint64_t)bi.offset, (uint64_t)bi.size);
        }
    }
    /* vivid writes at the negotiated stride, into the sysmem dma-bufs. */
    vsm_layout_to_v4l2(&layout, &fmt.fmt.pix);
    if (ioctl(cam, VIDIOC_S_FMT, &fmt) ||
        fmt.fmt.pix.bytesperline != layout.stride[0]) {
        return camera_fail("camera", "VIDIOC_S_FMT at the negotiated stride",
                           -EINVAL);
    }
    ret = vsm_v4l2_queue_dmabufs(cam, info);
    if (ret < 0) {
        return camera_fail("camera", "queue the sysmem dma-bufs", ret);
    }
    printf("camera:  queued %d sysmem dma-bufs on vivid (V4L2_MEMORY_DMABUF)\n",
           ret);
    fflush(stdout);
    ret = stream(cam, sv[0], info, &layout, frames);
    close(sv[0]);
    waitpid(pid, &status, 0);
    vsm2_release(col);
    vsm2_info_close_handles(info);
    close(cam);
    free(c);
    free(info);
    return ret || !WIFEXITED(status) || WEXITSTATUS(status) ? 1 : 0;
}
