// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-sysmem guest driver: buffers as dma-bufs.
 *
 * A buffer is a range of the device's shared memory region: memory behind
 * a BAR, without struct pages.  So, as virtio-gpu does for its VRAM blobs,
 * importers get a one-entry sg_table of a dma_map_resource() address, and
 * user space maps the physical range with vm_iomap_memory().  The CPU
 * mapping is write-combined unless the device says the buffer lives in the
 * CPU coherency domain; kernel and user mappings use the same attribute so
 * that x86 PAT never sees a conflict.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "vsysmem_internal.h"

static phys_addr_t vsysmem_buffer_phys(const struct vsysmem_object *buf)
{
	return buf->sdev->shm_addr + buf->offset;
}

static bool vsysmem_buffer_cpu_ok(const struct vsysmem_object *buf)
{
	return !(buf->buf_flags & VIRTIO_SYSMEM_BUFFER_F_INACCESSIBLE) &&
	       !READ_ONCE(buf->sdev->dead);
}

static struct sg_table *vsysmem_map_dma_buf(struct dma_buf_attachment *attach,
					    enum dma_data_direction dir)
{
	struct vsysmem_object *buf = attach->dmabuf->priv;
	struct sg_table *sgt;
	dma_addr_t addr;
	int err;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	err = sg_alloc_table(sgt, 1, GFP_KERNEL);
	if (err)
		goto err_free;
	addr = dma_map_resource(attach->dev, vsysmem_buffer_phys(buf),
				buf->size, dir, DMA_ATTR_SKIP_CPU_SYNC);
	err = dma_mapping_error(attach->dev, addr);
	if (err)
		goto err_table;
	/* No struct page: importers must only use the DMA address. */
	sg_set_page(sgt->sgl, NULL, buf->size, 0);
	sg_dma_address(sgt->sgl) = addr;
	sg_dma_len(sgt->sgl) = buf->size;
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
	return ERR_PTR(err);
}

static void vsysmem_unmap_dma_buf(struct dma_buf_attachment *attach,
				  struct sg_table *sgt,
				  enum dma_data_direction dir)
{
	dma_unmap_resource(attach->dev, sg_dma_address(sgt->sgl),
			   sg_dma_len(sgt->sgl), dir, DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(sgt);
	kfree(sgt);
}

static int vsysmem_dmabuf_mmap(struct dma_buf *dmabuf,
			       struct vm_area_struct *vma)
{
	struct vsysmem_object *buf = dmabuf->priv;

	if (!vsysmem_buffer_cpu_ok(buf))
		return -EPERM;
	if ((buf->rights & (VIRTIO_SYSMEM_RIGHT_READ | VIRTIO_SYSMEM_RIGHT_MAP)) !=
	    (VIRTIO_SYSMEM_RIGHT_READ | VIRTIO_SYSMEM_RIGHT_MAP))
		return -EACCES;
	if (!(buf->rights & VIRTIO_SYSMEM_RIGHT_WRITE)) {
		/*
		 * The dma-buf file is O_RDONLY then, so the VFS already keeps
		 * shared mappings from ever becoming writable.
		 */
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
	}
	if (!(buf->buf_flags & VIRTIO_SYSMEM_BUFFER_F_CPU_CACHED))
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	/* Checks vm_pgoff and the length against the buffer. */
	return vm_iomap_memory(vma, vsysmem_buffer_phys(buf), buf->size);
}

static int vsysmem_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct vsysmem_object *buf = dmabuf->priv;
	void *vaddr;

	if (!vsysmem_buffer_cpu_ok(buf))
		return -EPERM;
	vaddr = memremap(vsysmem_buffer_phys(buf), buf->size,
			 buf->buf_flags & VIRTIO_SYSMEM_BUFFER_F_CPU_CACHED ?
			 MEMREMAP_WB : MEMREMAP_WC);
	if (!vaddr)
		return -ENOMEM;
	buf->vaddr = vaddr;
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static void vsysmem_dmabuf_vunmap(struct dma_buf *dmabuf,
				  struct iosys_map *map)
{
	struct vsysmem_object *buf = dmabuf->priv;

	memunmap(map->vaddr);
	buf->vaddr = NULL;
}

static int vsysmem_begin_cpu_access(struct dma_buf *dmabuf,
				    enum dma_data_direction dir)
{
	return vsysmem_buffer_cpu_ok(dmabuf->priv) ? 0 : -EPERM;
}

static int vsysmem_end_cpu_access(struct dma_buf *dmabuf,
				  enum dma_data_direction dir)
{
	struct vsysmem_object *buf = dmabuf->priv;

	if (!vsysmem_buffer_cpu_ok(buf))
		return -EPERM;
	if (!(buf->buf_flags & VIRTIO_SYSMEM_BUFFER_F_CPU_CACHED))
		wmb(); /* drain write-combining buffers before others look */
	return 0;
}

static void vsysmem_dmabuf_release(struct dma_buf *dmabuf)
{
	vsysmem_file_released(dmabuf->priv);
}

static const struct dma_buf_ops vsysmem_dmabuf_ops = {
	.cache_sgt_mapping = true,
	.map_dma_buf = vsysmem_map_dma_buf,
	.unmap_dma_buf = vsysmem_unmap_dma_buf,
	.release = vsysmem_dmabuf_release,
	.mmap = vsysmem_dmabuf_mmap,
	.vmap = vsysmem_dmabuf_vmap,
	.vunmap = vsysmem_dmabuf_vunmap,
	.begin_cpu_access = vsysmem_begin_cpu_access,
	.end_cpu_access = vsysmem_end_cpu_access,
};

bool vsysmem_is_dmabuf(struct dma_buf *dmabuf)
{
	return dmabuf->ops == &vsysmem_dmabuf_ops;
}

/*
 * Export a kernel-owned buffer handle as a dma-buf.  The dma-buf holds a
 * reference of its own; the handle passes to it when the caller commits.
 */
struct dma_buf *vsysmem_buffer_export(struct vsysmem_object *buf)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp);
	struct dma_buf *dmabuf;

	exp.ops = &vsysmem_dmabuf_ops;
	exp.size = buf->size;
	/* Without WRITE, the file (and so any shared mapping) is read-only. */
	exp.flags = buf->rights & VIRTIO_SYSMEM_RIGHT_WRITE ? O_RDWR : O_RDONLY;
	exp.priv = buf;
	vsysmem_object_get(buf);
	dmabuf = dma_buf_export(&exp);
	if (IS_ERR(dmabuf))
		vsysmem_object_put(buf);
	return dmabuf;
}

/**
 * vsysmem_buffer_get_info() - where a buffer is and what it allows
 * @buf: a buffer handle
 * @info: out: id, offset, size, rights and flags (@info->fd is untouched)
 *
 * Return: 0, or -EPROTOTYPE if @buf is not a buffer.
 */
int vsysmem_buffer_get_info(const struct vsysmem_object *buf,
			    struct vsysmem_buffer_info *info)
{
	if (buf->type != VSYSMEM_HANDLE_BUFFER)
		return -EPROTOTYPE;
	info->id = buf->id;
	info->rights = buf->rights;
	info->flags = buf->buf_flags;
	info->offset = buf->offset;
	info->size = buf->size;
	return 0;
}
EXPORT_SYMBOL_GPL(vsysmem_buffer_get_info);

/**
 * vsysmem_buffer_to_dma_buf() - turn a buffer handle into a dma-buf
 * @buf: a buffer handle owned by the caller; consumed on success
 *
 * The buffer is closed on the device when the last dma-buf reference goes
 * away (dma_buf_put(), and every fd and importer of it).
 *
 * Return: the dma-buf, or an ERR_PTR (the handle is still the caller's).
 */
struct dma_buf *vsysmem_buffer_to_dma_buf(struct vsysmem_object *buf)
{
	struct dma_buf *dmabuf;

	if (buf->type != VSYSMEM_HANDLE_BUFFER)
		return ERR_PTR(-EPROTOTYPE);
	dmabuf = vsysmem_buffer_export(buf);
	if (IS_ERR(dmabuf))
		return dmabuf;
	spin_lock(&buf->lock);
	buf->owner = VSYSMEM_OWNER_FILE;
	spin_unlock(&buf->lock);
	return dmabuf;
}
EXPORT_SYMBOL_GPL(vsysmem_buffer_to_dma_buf);
