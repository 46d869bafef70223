/*
 * Guest test: a DRM driver nobody here wrote imports sysmem buffers.
 *
 * vgem (Debian builds it as a module) imports a dma-buf with
 * DRM_IOCTL_PRIME_FD_TO_HANDLE, i.e. dma_buf_attach() and map_dma_buf()
 * from a device that is not ours.  Every buffer of a negotiated collection
 * is imported; the DRM core's own bookkeeping is what a DRM client relies
 * on (one handle per buffer however often it is imported, and the handle
 * exports back as the same buffer with the same bytes and rights); a
 * read-only participant's buffers stay read-only through the importer; a
 * secure (INACCESSIBLE) buffer imports (a device may DMA to it) but no
 * CPU mapping of it is handed out.
 *
 * What vgem cannot do with an imported object is map it for the CPU: the
 * DRM core refuses mmap offsets for imported GEM objects
 * (drm_gem_dumb_map_offset: -EINVAL), whoever exported them.  The test
 * asserts that errno (docs/guest-driver.md, "Importers").
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_mode.h>

#include "libvsysmem.h"
#include "tap.h"

#define BUF_COUNT   3
#define BUF_SIZE    (256 * 1024)

static int dev;

/* The vgem card among /dev/dri/card*, or -1. */
static int open_vgem(void)
{
    char name[16], path[300];
    struct drm_version v;
    struct dirent *d;
    DIR *dir = opendir("/dev/dri");
    int fd = -1;

    while (dir && (d = readdir(dir))) {
        if (strncmp(d->d_name, "card", 4)) {
            continue;
        }
        snprintf(path, sizeof(path), "/dev/dri/%s", d->d_name);
        fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        memset(&v, 0, sizeof(v));
        memset(name, 0, sizeof(name));
        v.name = name;
        v.name_len = sizeof(name) - 1;
        if (!ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vgem")) {
            break;
        }
        close(fd);
        fd = -1;
    }
    if (dir) {
        closedir(dir);
    }
    return fd;
}

static int prime_import(int drm, int dmabuf, uint32_t *handle)
{
    struct drm_prime_handle p = { .fd = dmabuf };

    if (ioctl(drm, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p)) {
        return -errno;
    }
    *handle = p.handle;
    return 0;
}

static void gem_close(int drm, uint32_t handle)
{
    struct drm_gem_close c = { .handle = handle };

    ioctl(drm, DRM_IOCTL_GEM_CLOSE, &c);
}

/* The mmap offset DRM hands out for a GEM object: -errno on refusal. */
static int gem_map_offset(int drm, uint32_t handle)
{
    struct drm_mode_map_dumb m = { .handle = handle };

    return ioctl(drm, DRM_IOCTL_MODE_MAP_DUMB, &m) ? -errno : 0;
}

/* Export a GEM handle back as a dma-buf fd, as a DRM client passes it on. */
static int prime_export(int drm, uint32_t handle, bool write)
{
    struct drm_prime_handle p = {
        .handle = handle,
        .flags = DRM_CLOEXEC | (write ? DRM_RDWR : 0),
    };

    return ioctl(drm, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p) ? -errno : p.fd;
}

static bool same_buffer(int a, int b)
{
    struct vsysmem_buffer_info x, y;

    return !vsm_buffer_info(dev, a, &x) && !vsm_buffer_info(dev, b, &y) &&
           x.id == y.id && x.offset == y.offset && x.size == y.size;
}

static uint8_t pattern(unsigned int buf, size_t i)
{
    return (uint8_t)(i * 7 + buf * 31 + 1);
}

/*
 * Join (token >= 0) or create a non-shared collection with CPU (or, for
 * secure, inaccessible) constraints; a non-shared one is waited for.
 */
static int allocate(int alloc, int token, bool write, bool secure,
                    sysmem2_buffer_collection_info_t *info)
{
    sysmem2_buffer_collection_constraints_t *c;
    int col, ret;

    col = token >= 0 ? vsm2_bind_shared_collection(alloc, token)
                     : vsm2_allocate_non_shared_collection(alloc);
    if (col < 0) {
        return col;
    }
    c = vsm2_constraints_new();
    if (secure) {
        vsm2_constraints_secure(c, 1, BUF_SIZE);
    } else {
        vsm2_constraints_cpu(c, BUF_COUNT, BUF_SIZE, write);
    }
    ret = vsm2_set_constraints(col, c);
    free(c);
    if (!ret && token < 0) {
        ret = vsm2_wait_for_all_buffers_allocated(col, info, 0);
    }
    if (ret) {
        close(col);
        return ret;
    }
    return col;
}

/*
 * Every buffer imports; importing again gives the same handle; the handle
 * exports back as the same buffer, whose bytes are the ones written before
 * the import; vgem offers no CPU mapping of an imported object.
 */
static void test_import_every_buffer(int drm, int alloc)
{
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    int col = allocate(alloc, -1, true, false, info);
    unsigned int b, imported = 0, deduped = 0, same = 0, bytes = 0;
    unsigned int refused = 0;
    size_t i;

    if (!tap_ok(col >= 0 && info->buffers_count == BUF_COUNT,
                "a %d-buffer CPU collection is allocated (%s)", BUF_COUNT,
                vsm_strerror(col < 0 ? col : 0))) {
        free(info);
        return;
    }
    for (b = 0; b < info->buffers_count; b++) {
        int fd = (int)info->buffers[b].vmo;
        uint8_t *mine = vsm_map(fd, BUF_SIZE, true);
        uint32_t handle = 0, again = 0;
        uint8_t *back;
        int out;
        bool ok = true;

        if (mine == NULL) {
            continue;
        }
        vsm_sync(fd, true, true);
        for (i = 0; i < BUF_SIZE; i++) {
            mine[i] = pattern(b, i);
        }
        vsm_sync(fd, false, true);
        vsm_unmap(mine, BUF_SIZE);
        if (prime_import(drm, fd, &handle)) {
            continue;
        }
        imported++;
        deduped += !prime_import(drm, fd, &again) && again == handle;
        refused += gem_map_offset(drm, handle) == -EINVAL;
        out = prime_export(drm, handle, true);
        if (out >= 0 && same_buffer(fd, out)) {
            same++;
            back = vsm_map(out, BUF_SIZE, false);
            if (back) {
                vsm_sync(out, true, false);
                for (i = 0; i < BUF_SIZE; i++) {
                    ok &= back[i] == pattern(b, i);
                }
                vsm_sync(out, false, false);
                bytes += ok;
                vsm_unmap(back, BUF_SIZE);
            }
        }
        if (out >= 0) {
            close(out);
        }
        gem_close(drm, handle);
    }
    tap_ok(imported == BUF_COUNT, "vgem imports every buffer (%u of %d)",
           imported, BUF_COUNT);
    tap_ok(deduped == BUF_COUNT,
           "importing a buffer again gives the same GEM handle (%u of %d)",
           deduped, BUF_COUNT);
    tap_ok(same == BUF_COUNT,
           "the GEM handle exports back as the same buffer (%u of %d)", same,
           BUF_COUNT);
    tap_ok(bytes == BUF_COUNT,
           "with the bytes written before the import (%u of %d)", bytes,
           BUF_COUNT);
    tap_ok(refused == BUF_COUNT,
           "DRM refuses a CPU mmap offset for the imported objects: EINVAL"
           " (%u of %d)", refused, BUF_COUNT);
    vsm2_release(col);
    close(col);
    vsm2_info_close_handles(info);
    free(info);
}

/* A participant whose token lacks WRITE gets buffers vgem cannot write. */
static void test_read_only_stays_read_only(int drm, int alloc)
{
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    sysmem2_buffer_collection_info_t *ro = calloc(1, sizeof(*ro));
    int token = vsm2_allocate_shared_collection(alloc);
    int dup = token >= 0 ? vsm2_duplicate(token, ~(uint32_t)VSYSMEM_RIGHT_WRITE)
                         : token;
    int writer = dup >= 0 ? allocate(alloc, token, true, false, NULL) : dup;
    int reader = writer >= 0 ? allocate(alloc, dup, false, false, NULL) : writer;
    int ret = reader < 0 ? reader :
              vsm2_wait_for_all_buffers_allocated(writer, info, 0);
    uint32_t handle = 0;
    void *p;

    if (!ret) {
        ret = vsm2_wait_for_all_buffers_allocated(reader, ro, 0);
    }
    if (!tap_ok(ret == 0, "a writer and a read-only reader share a collection"
                " (%s)", vsm_strerror(ret))) {
        goto out;
    }
    ret = prime_import(drm, (int)ro->buffers[0].vmo, &handle);
    tap_ok(ret == 0, "vgem imports the read-only buffer (%s)",
           vsm_strerror(ret));
    if (!ret) {
        int out = prime_export(drm, handle, true);

        p = out < 0 ? MAP_FAILED :
            mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, out, 0);
        tap_ok(out >= 0 && p == MAP_FAILED && errno == EACCES,
               "passed on through vgem, it still cannot be mapped writable"
               " (%s)", strerror(errno));
        if (p != MAP_FAILED) {
            munmap(p, BUF_SIZE);
        }
        p = out < 0 ? MAP_FAILED :
            mmap(NULL, BUF_SIZE, PROT_READ, MAP_SHARED, out, 0);
        tap_ok(p != MAP_FAILED, "but can be mapped read-only (%s)",
               p == MAP_FAILED ? strerror(errno) : "ok");
        if (p != MAP_FAILED) {
            munmap(p, BUF_SIZE);
        }
        if (out >= 0) {
            close(out);
        }
        gem_close(drm, handle);
    }
out:
    if (writer >= 0) {
        vsm2_release(writer);
        close(writer);
    }
    if (reader >= 0) {
        vsm2_release(reader);
        close(reader);
    }
    vsm2_info_close_handles(info);
    vsm2_info_close_handles(ro);
    free(info);
    free(ro);
}

static void test_secure_never_cpu_mapped(int drm, int alloc)
{
    sysmem2_buffer_collection_info_t *info = calloc(1, sizeof(*info));
    struct vsysmem_info di;
    int col, ret;
    uint32_t handle = 0;
    void *p;

    vsm_info(dev, &di);
    if (!tap_ok(di.features & VSYSMEM_FEATURE_SECURE_HEAP,
                "the device offers a secure heap")) {
        free(info);
        return;
    }
    col = allocate(alloc, -1, false, true, info);
    if (!tap_ok(col >= 0 && info->settings.buffer_settings.is_secure,
                "a secure collection is allocated (%s)",
                vsm_strerror(col < 0 ? col : 0))) {
        free(info);
        return;
    }
    ret = prime_import(drm, (int)info->buffers[0].vmo, &handle);
    tap_ok(ret == 0, "vgem imports the secure buffer: a device may DMA to it"
           " (%s)", vsm_strerror(ret));
    if (!ret) {
        int out = prime_export(drm, handle, false);

        errno = 0;
        p = out < 0 ? MAP_FAILED :
            mmap(NULL, BUF_SIZE, PROT_READ, MAP_SHARED, out, 0);
        tap_ok(out >= 0 && p == MAP_FAILED && errno == EPERM,
               "passed on through vgem, it cannot be mapped for the CPU:"
               " EPERM (%s)", strerror(errno));
        if (p != MAP_FAILED) {
            munmap(p, BUF_SIZE);
        }
        if (out >= 0) {
            close(out);
        }
        gem_close(drm, handle);
    }
    vsm2_release(col);
    close(col);
    vsm2_info_close_handles(info);
    free(info);
}

int main(void)
{
    int alloc, drm, ret;

    ret = system("modprobe vgem");
    dev = vsm_open(0);
    if (!tap_ok(dev >= 0, "open /dev/vsysmem0")) {
        return tap_done();
    }
    drm = open_vgem();
    if (!tap_ok(ret == 0 && drm >= 0, "vgem is loaded and its card opens")) {
        return tap_done();
    }
    alloc = vsm_connect(dev, VSYSMEM_PROTOCOL_SYSMEM2);
    if (!tap_ok(alloc >= 0, "connect")) {
        return tap_done();
    }
    vsm2_set_debug_client_info(alloc, false, "test-vgem", getpid());
    test_import_every_buffer(drm, alloc);
    test_read_only_stays_read_only(drm, alloc);
    test_secure_never_cpu_mapped(drm, alloc);
    close(alloc);
    close(drm);
    return tap_done();
}
