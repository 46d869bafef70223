/*
 * Guest test: a V4L2 camera nobody here wrote captures into sysmem buffers.
 *
 * vivid (Debian builds it as a module) is loaded with two instances: the
 * first imports dma-bufs through videobuf2-vmalloc (dma_buf_vmap), the
 * second through videobuf2-dma-contig (map_dma_buf, then vmap for its CPU
 * test-pattern generator).  For each, a "camera" participant (this
 * process) negotiates a collection with constraints made from vivid's own
 * V4L2 format, a "display" participant in another process joins with a
 * token passed over a UNIX socket, the camera queues the sysmem dma-bufs
 * with V4L2_MEMORY_DMABUF and streams frames, and the display maps each
 * filled buffer and checks it holds vivid's colour bars at the negotiated
 * stride.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm/drm_fourcc.h>
#include <linux/videodev2.h>

#include "libvsysmem.h"
#include "vsysmem-formats.h"
#include "tap.h"

#define CAMPING     3
#define FRAMES      8
#define WIDTH       640
#define HEIGHT      480
#define DISPLAY_ROW_DIVISOR 1024

static int dev;

/*
 * vivid's default input draws 75% colour bars: vertical stripes, so the
 * bottom rows are equal to each other and a row holds several distinct
 * luma values.  Text and borders are drawn at the top only.
 */
static bool looks_like_colour_bars(const uint8_t *p,
                                   const struct vsm_image_layout *l)
{
    const uint8_t *last = p + l->offset[0] +
                          (uint64_t)l->stride[0] * (l->height - 1);
    const uint8_t *above = last - l->stride[0];
    uint32_t row_bytes = l->width * 2;  /* YUYV */
    unsigned int distinct = 0, i;
    int prev = -1;

    if (memcmp(last, above, row_bytes)) {
        return false;
    }
    for (i = 0; i < row_bytes; i += 2) {    /* the Y samples */
        if (last[i] != prev) {
            distinct++;
            prev = last[i];
        }
    }
    return distinct >= 4 && distinct < l->width / 4;
}

/*
 * The display: join with the token from @sock, then for every buffer
 * index the camera sends, map that buffer and check the frame; reply one
 * byte per frame (1 = a frame of colour bars at the right stride).
 */
static int display_process(int sock)
{
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    struct vsm_image_layout layout;
    int alloc, token, col, ret;
    uint8_t idx, verdict;
    void *maps[CAMPING * 2] = { 0 };

    alloc = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    token = vsm_recv_fd(sock);
    if (alloc < 0 || token < 0) {
        return 1;
    }
    vsm2_set_debug_client_info(alloc, false, "display", getpid());
    col = vsm2_bind_shared_collection(alloc, token);
    if (col < 0) {
        return 1;
    }
    c->has_usage = true;
    c->usage.has_cpu = true;
    c->usage.cpu = SYSMEM2_CPU_USAGE_READ_OFTEN;
    c->has_min_buffer_count_for_camping = true;
    c->min_buffer_count_for_camping = 1;
    /*
     * A display (a KMS plane) that scans out rows at 1 KiB multiples: the
     * negotiated stride is then not the camera's natural one, and vivid
     * has to honour it.
     */
    ret = vsm2_constraints_add_drm(c, DRM_FORMAT_YUYV, DRM_FORMAT_MOD_LINEAR,
                                   WIDTH, HEIGHT);
    c->image_format_constraints[0].has_bytes_per_row_divisor = true;
    c->image_format_constraints[0].bytes_per_row_divisor = DISPLAY_ROW_DIVISOR;
    if (ret) {
        return 1;
    }
    ret = vsm2_set_constraints(col, c);
    if (!ret) {
        ret = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    }
    if (!ret) {
        ret = vsm2_image_layout(&info->settings, WIDTH, HEIGHT, &layout);
    }
    if (ret) {
        return 1;
    }
    while (read(sock, &idx, 1) == 1) {
        int fd = idx < info->buffers_count && idx < CAMPING * 2 ?
                 (int)info->buffers[idx].vmo : -1;
        size_t size = info->settings.buffer_settings.size_bytes;

        if (fd >= 0 && !maps[idx]) {
            maps[idx] = vsm_map(fd, size, false);
        }
        verdict = 0;
        if (fd >= 0 && maps[idx]) {
            vsm_sync(fd, true, false);
            verdict = looks_like_colour_bars(maps[idx], &layout);
            vsm_sync(fd, false, false);
        }
        if (write(sock, &verdict, 1) != 1) {
            break;
        }
    }
    vsm2_release(col);
    return 0;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
    int r;

    do {
        r = ioctl(fd, req, arg);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : 0;
}

static void capture_into_sysmem(unsigned int inst, const char *allocator)
{
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
    struct v4l2_requestbuffers rb = {
        .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_DMABUF,
    };
    struct vsm_image_layout layout;
    char bus[32];
    int sv[2], alloc, token, dup, col = -1, cam, ret, type, status = 0;
    unsigned int frames = 0, good = 0;
    pid_t pid;

    snprintf(bus, sizeof(bus), "platform:vivid-%03u", inst);
    cam = vsm_v4l2_open_capture(bus);
    if (!tap_ok(cam >= 0, "[%s] vivid instance %u has a capture node",
                allocator, inst)) {
        goto out_free;
    }
    fmt.fmt.pix.width = WIDTH;
    fmt.fmt.pix.height = HEIGHT;
    fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
    fmt.fmt.pix.field = V4L2_FIELD_NONE;
    ret = xioctl(cam, VIDIOC_S_FMT, &fmt);
    if (!tap_ok(ret == 0 && fmt.fmt.pix.width == WIDTH &&
                fmt.fmt.pix.pixelformat == V4L2_PIX_FMT_YUYV,
                "[%s] vivid takes YUYV %ux%u (bytesperline %u, sizeimage %u)",
                allocator, fmt.fmt.pix.width, fmt.fmt.pix.height,
                fmt.fmt.pix.bytesperline, fmt.fmt.pix.sizeimage)) {
        goto out_cam;
    }

    /* The camera's constraints come from vivid's format. */
    alloc = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    vsm2_set_debug_client_info(alloc, false, "camera", getpid());
    token = vsm2_allocate_shared_collection(alloc);
    dup = token >= 0 ? vsm2_duplicate(token, 0xffffffffu) : token;
    ret = vsm2_constraints_add_v4l2(c, &fmt.fmt.pix);
    c->has_usage = true;
    c->usage.has_video = true;
    c->usage.video = SYSMEM2_VIDEO_USAGE_CAPTURE;
    c->has_min_buffer_count_for_camping = true;
    c->min_buffer_count_for_camping = CAMPING;
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    pid = fork();
    if (pid == 0) {
        close(sv[0]);
        _exit(display_process(sv[1]));
    }
    close(sv[1]);
    if (dup >= 0) {
        vsm_send_fd(sv[0], dup);
        close(dup);
    }
    col = ret ? ret : vsm2_bind_shared_collection(alloc, token);
    ret = col < 0 ? col : vsm2_set_constraints(col, c);
    if (!ret) {
        ret = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    }
    if (!ret) {
        ret = vsm2_image_layout(&info->settings, WIDTH, HEIGHT, &layout);
    }
    if (!tap_ok(ret == 0, "[%s] camera and display negotiate %u buffers of %"
                PRIu64 " bytes, stride %u (%s)", allocator,
                info->buffers_count, info->settings.buffer_settings.size_bytes,
                layout.stride[0], vsm_strerror(ret))) {
        goto out_child;
    }
    /* Tell vivid the negotiated stride, then hand it the buffers. */
    vsm_layout_to_v4l2(&layout, &fmt.fmt.pix);
    ret = xioctl(cam, VIDIOC_S_FMT, &fmt);
    tap_ok(ret == 0 && fmt.fmt.pix.bytesperline == layout.stride[0] &&
           layout.stride[0] % DISPLAY_ROW_DIVISOR == 0 &&
           layout.stride[0] > WIDTH * 2,
           "[%s] vivid captures at the negotiated stride %u, not its natural"
           " %u", allocator, fmt.fmt.pix.bytesperline, WIDTH * 2);
    ret = vsm_v4l2_queue_dmabufs(cam, info);
    if (!tap_ok(ret == (int)info->buffers_count,
                "[%s] vivid imports every sysmem dma-buf (REQBUFS"
                " V4L2_MEMORY_DMABUF, QBUF %u buffers: %s)", allocator,
                info->buffers_count, ret < 0 ? strerror(-ret) : "ok")) {
        goto out_child;
    }
    type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    ret = xioctl(cam, VIDIOC_STREAMON, &type);
    if (!tap_ok(ret == 0, "[%s] STREAMON (%s)", allocator, strerror(-ret))) {
        goto out_child;
    }
    for (frames = 0; frames < FRAMES; frames++) {
        struct v4l2_buffer b = {
            .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_DMABUF,
        };
        uint8_t idx, verdict = 0;

        if (xioctl(cam, VIDIOC_DQBUF, &b) ||
            (b.flags & V4L2_BUF_FLAG_ERROR)) {
            break;
        }
        idx = (uint8_t)b.index;
        if (write(sv[0], &idx, 1) != 1 || read(sv[0], &verdict, 1) != 1) {
            break;
        }
        good += verdict;
        if (xioctl(cam, VIDIOC_QBUF, &b)) {
            break;
        }
    }
    xioctl(cam, VIDIOC_STREAMOFF, &type);
    tap_ok(frames == FRAMES, "[%s] %u frames captured into sysmem buffers",
           allocator, frames);
    tap_ok(good == FRAMES && frames == FRAMES,
           "[%s] the display process sees vivid's colour bars at stride %u"
           " in every frame (%u of %u)", allocator, layout.stride[0], good,
           frames);
    rb.count = 0;
    xioctl(cam, VIDIOC_REQBUFS, &rb);
out_child:
    close(sv[0]);
    waitpid(pid, &status, 0);
    tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "[%s] the display process exits cleanly", allocator);
    if (col >= 0) {
        vsm2_release(col);
        close(col);
    }
    vsm2_info_close_handles(info);
    close(alloc);
out_cam:
    close(cam);
out_free:
    free(c);
    free(info);
}

int main(void)
{
    int ret;

    /* Instance 0 imports through vb2-vmalloc, instance 1 dma-contig. */
    ret = system("modprobe vivid n_devs=2 node_types=0x1,0x1 allocators=0,1");
    dev = vsm_open(0);
    if (!tap_ok(dev >= 0, "open /dev/vsysmem0") ||
        !tap_ok(ret == 0, "vivid loads with a vmalloc and a dma-contig"
                " instance")) {
        return tap_done();
    }
    capture_into_sysmem(0, "vb2-vmalloc");
    capture_into_sysmem(1, "vb2-dma-contig");
    return tap_done();
}
