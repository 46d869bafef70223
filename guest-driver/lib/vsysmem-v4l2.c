/*
 * libvsysmem: hand sysmem buffers to a V4L2 device (V4L2_MEMORY_DMABUF).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vsysmem-formats.h"

static int xioctl(int fd, unsigned long req, void *arg)
{
    int r;

    do {
        r = ioctl(fd, req, arg);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : 0;
}

int vsm_v4l2_open_capture(const char *bus_info)
{
    struct v4l2_capability cap;
    char path[300];
    struct dirent *d;
    DIR *dir = opendir("/dev");
    int fd = -ENODEV;

    if (!dir) {
        return -errno;
    }
    while ((d = readdir(dir))) {
        if (strncmp(d->d_name, "video", 5)) {
            continue;
        }
        snprintf(path, sizeof(path), "/dev/%s", d->d_name);
        fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        memset(&cap, 0, sizeof(cap));
        if (!xioctl(fd, VIDIOC_QUERYCAP, &cap) &&
            !strcmp((const char *)cap.bus_info, bus_info) &&
            (cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) &&
            (cap.device_caps & V4L2_CAP_STREAMING)) {
            break;
        }
        close(fd);
        fd = -ENODEV;
    }
    closedir(dir);
    return fd;
}

int vsm_v4l2_queue_dmabufs(int cam,
                           const sysmem2_buffer_collection_info_t *info)
{
    struct v4l2_requestbuffers rb = {
        .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_DMABUF,
        .count = info->buffers_count,
    };
    uint32_t i;
    int ret = xioctl(cam, VIDIOC_REQBUFS, &rb);

    if (ret) {
        return ret;
    }
    if (rb.count != info->buffers_count) {
        return -ENOBUFS;
    }
    for (i = 0; i < info->buffers_count; i++) {
        struct v4l2_buffer b = {
            .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_DMABUF,
            .index = i, .m.fd = (int)info->buffers[i].vmo,
            .length = (uint32_t)info->settings.buffer_settings.size_bytes,
        };

        ret = xioctl(cam, VIDIOC_QBUF, &b);
        if (ret) {
            return ret;
        }
    }
    return (int)i;
}
