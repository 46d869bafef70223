/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-sysmem guest driver (and the example participant): the kernel
 * interfaces that differ between the oldest guest kernel it supports (6.1)
 * and current ones.  The only version checks live here, so that the .c
 * files read as they would in the tree they are merged into, and this
 * file goes away there.
 */
#ifndef _VSYSMEM_COMPAT_H
#define _VSYSMEM_COMPAT_H

#include <linux/dma-buf.h>
#include <linux/mm.h>
#include <linux/version.h>
#include <linux/virtio_config.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 11, 0)
/* 6.11 replaced the callbacks and names arrays by struct virtqueue_info. */
struct virtqueue_info {
	const char *name;
	vq_callback_t *callback;
};

static inline int vsysmem_compat_find_vqs(struct virtio_device *vdev,
					  unsigned int nvqs,
					  struct virtqueue *vqs[],
					  struct virtqueue_info info[])
{
	vq_callback_t *cbs[2];
	const char *names[2];
	unsigned int i;

	if (WARN_ON(nvqs > ARRAY_SIZE(cbs)))
		return -EINVAL;
	for (i = 0; i < nvqs; i++) {
		cbs[i] = info[i].callback;
		names[i] = info[i].name;
	}
	return virtio_find_vqs(vdev, nvqs, vqs, cbs, names, NULL);
}

#define virtio_find_vqs(vdev, nvqs, vqs, info, desc) \
	vsysmem_compat_find_vqs(vdev, nvqs, vqs, info)
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
/* 6.3 made vm_flags read-only outside these helpers. */
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma,
				  vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
/* 6.2 made dma_buf_vmap() expect the reservation lock held. */
#define dma_buf_vmap_unlocked dma_buf_vmap
#define dma_buf_vunmap_unlocked dma_buf_vunmap
#endif

#endif /* _VSYSMEM_COMPAT_H */
