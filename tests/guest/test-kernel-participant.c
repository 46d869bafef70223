/*
 * Guest test: a kernel driver (guest-driver/example, through the in-kernel
 * API) and a user-space process negotiate one collection (needs the sysmem
 * core).  User space writes a word into buffer 0; the driver reads it back
 * through dma_buf_vmap().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libvsysmem.h"
#include "tap.h"

struct vsysmem_example_join {
    __s32 token_fd;
    __u32 buffer_count;
    __u64 size_bytes;
    __u32 bytes_per_row;
    __u32 first_word;
    __u64 dma_address;
    __u64 dma_length;
};

#define VSYSMEM_EXAMPLE_IOC_JOIN _IOWR(0xC7, 0x40, struct vsysmem_example_join)
#define VSYSMEM_EXAMPLE_IOC_READ _IOWR(0xC7, 0x41, struct vsysmem_example_join)
#define VSYSMEM_EXAMPLE_IOC_LEAVE _IO(0xC7, 0x42)

int main(void)
{
    sysmem2_buffer_collection_constraints_t *c = vsm2_constraints_new();
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    struct vsysmem_example_join j;
    struct vsysmem_info base, now;
    int dev, ex, alloc, token, dup, col, ret, status;
    uint32_t *p;
    pid_t pid;

    dev = vsm_open(0);
    ex = open("/dev/vsysmem-example", O_RDWR);
    if (!tap_ok(dev >= 0 && ex >= 0, "open /dev/vsysmem0 and the example "
                "driver's /dev/vsysmem-example")) {
        return tap_done();
    }
    vsm_info(dev, &base);
    alloc = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    token = vsm2_allocate_shared_collection(alloc);
    dup = token > 0 ? vsm2_duplicate(token, 0xffffffffu) : token;
    if (!tap_ok(dup > 0, "a token for the kernel participant (%s)",
                dup < 0 ? vsm_strerror(dup) : "ok")) {
        return tap_done();
    }
    col = vsm2_bind_shared_collection(alloc, token);
    vsm2_constraints_cpu(c, 1, 4096, true);
    ret = col < 0 ? col : vsm2_set_constraints(col, c);
    tap_ok(ret == 0, "user space bound and set CPU constraints (%s)",
           vsm_strerror(ret));

    pid = fork();
    if (pid == 0) {
        memset(&j, 0, sizeof(j));
        j.token_fd = dup;
        _exit(ioctl(ex, VSYSMEM_EXAMPLE_IOC_JOIN, &j) ? 1 : 0);
    }
    close(dup);
    ret = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    tap_ok(ret == 0, "allocation with the kernel participant (%s)",
           vsm_strerror(ret));
    waitpid(pid, &status, 0);
    tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "the kernel participant joined through its token fd");
    if (ret) {
        return tap_done();
    }
    tap_ok(info->settings.has_image_format_constraints &&
           info->settings.image_format_constraints.pixel_format ==
           IMAGES2_PIXEL_FORMAT_NV12 &&
           info->settings.image_format_constraints.min_bytes_per_row % 256 == 0,
           "the driver's display constraints won: NV12, %u bytes per row",
           info->settings.image_format_constraints.min_bytes_per_row);

    p = vsm_map((int)info->buffers[0].vmo, 4096, true);
    if (p) {
        vsm_sync((int)info->buffers[0].vmo, true, true);
        p[0] = 0xc0ffee42u;
        vsm_sync((int)info->buffers[0].vmo, false, true);
    }
    memset(&j, 0, sizeof(j));
    ret = ioctl(ex, VSYSMEM_EXAMPLE_IOC_READ, &j);
    tap_ok(ret == 0 && j.first_word == 0xc0ffee42u,
           "the driver reads what user space wrote (%#x, %u buffers of %llu)",
           j.first_word, j.buffer_count, (unsigned long long)j.size_bytes);

    tap_ok(ret == 0 && j.dma_address && !(j.dma_address & 4095) &&
           j.dma_length >= 4096,
           "the driver maps buffer 0 for DMA through the dma-buf "
           "(map_dma_buf: %#llx + %llu)", (unsigned long long)j.dma_address,
           (unsigned long long)j.dma_length);

    ioctl(ex, VSYSMEM_EXAMPLE_IOC_LEAVE);
    if (p) {
        vsm_unmap(p, 4096);
    }
    vsm2_info_close_handles(info);
    close(col);
    close(alloc);
    for (int i = 0; i < 200; i++) {
        vsm_info(dev, &now);
        if (now.num_buffers == base.num_buffers &&
            now.num_channels == base.num_channels) {
            break;
        }
        usleep(5000);
    }
    tap_ok(now.num_buffers == base.num_buffers &&
           now.num_channels == base.num_channels,
           "nothing left after both leave (%u buffers, %u channels)",
           now.num_buffers, now.num_channels);
    return tap_done();
}
