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

#include "vsysmem_compat.h"
#include "vsysmem_internal.h"

static phys_addr_t vsysmem_buffer_phys(const struct vsysmem_buffer *buf)
{
	return buf->obj.sdev->shm_addr + buf->offset;
}

static bool vsysmem_buffer_cpu_ok(const struct vsysmem_buffer *buf)
{
	return !(buf->flags & VIRTIO_SYSMEM_BUFFER_F_INACCESSIBLE) &&
	       !READ_ONCE(buf->obj.sdev->dead);
}

static struct sg_table *vsysmem_map_dma_buf(struct dma_buf_attachment *attach,
					    enum dma_data_direction dir)
{
	struct vsysmem_buffer *buf = attach->dmabuf->priv;
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

/*
 * The kernel mapping of a buffer, made once and kept until the dma-buf is
 * released.  Besides serving vmap, it holds the buffer's x86 PAT memtype
 * reservation: the user mappings are filled in at fault time, and a
 * fault's PTEs take the cache mode reserved for their physical range.
 */
static void *vsysmem_buffer_kmap(struct vsysmem_buffer *buf)
{
	void *vaddr;

	mutex_lock(&buf->obj.sdev->mapped_lock);
	vaddr = buf->vaddr;
	if (!vaddr) {
		vaddr = memremap(vsysmem_buffer_phys(buf), buf->size,
				 buf->flags & VIRTIO_SYSMEM_BUFFER_F_CPU_CACHED ?
				 MEMREMAP_WB : MEMREMAP_WC);
		buf->vaddr = vaddr;
	}
	mutex_unlock(&buf->obj.sdev->mapped_lock);
	return vaddr;
}

/*
 * User mappings are counted per buffer so that remove() can find and zap
 * the ones still there.  The count holds a reference to the dma-buf file:
 * the zap goes through its address_space.
 */
static void vsysmem_vm_get(struct vsysmem_buffer *buf)
{
	struct vsysmem_device *sdev = buf->obj.sdev;

	mutex_lock(&sdev->mapped_lock);
	if (!buf->mapcount++) {
		get_file(buf->dmabuf->file);
		list_add(&buf->mapped, &sdev->mapped_buffers);
	}
	mutex_unlock(&sdev->mapped_lock);
}

static void vsysmem_vm_open(struct vm_area_struct *vma)
{
	vsysmem_vm_get(vma->vm_private_data);
}

static void vsysmem_vm_close(struct vm_area_struct *vma)
{
	struct vsysmem_buffer *buf = vma->vm_private_data;
	struct vsysmem_device *sdev = buf->obj.sdev;

	mutex_lock(&sdev->mapped_lock);
	if (!--buf->mapcount) {
		list_del(&buf->mapped);
		/* Never the last reference: the vma holds one too. */
		fput(buf->dmabuf->file);
	}
	mutex_unlock(&sdev->mapped_lock);
}

/*
 * The first access maps the whole vma.  Once the device is gone the
 * region may be handed to someone else (a rebound driver, a new device),
 * so remove() zaps every mapping and later accesses get SIGBUS.
 */
static vm_fault_t vsysmem_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vsysmem_buffer *buf = vma->vm_private_data;
	struct vsysmem_device *sdev = buf->obj.sdev;
	unsigned long pfn, addr;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	down_read(&sdev->fault_lock);
	if (READ_ONCE(sdev->dead))
		goto out;
	pfn = PHYS_PFN(vsysmem_buffer_phys(buf)) + vma->vm_pgoff;
	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		ret = vmf_insert_pfn_prot(vma, addr, pfn++, vma->vm_page_prot);
		if (ret & VM_FAULT_ERROR)
			break;
	}
out:
	up_read(&sdev->fault_lock);
	return ret;
}

static const struct vm_operations_struct vsysmem_vm_ops = {
	.open = vsysmem_vm_open,
	.close = vsysmem_vm_close,
	.fault = vsysmem_vm_fault,
};

static int vsysmem_dmabuf_mmap(struct dma_buf *dmabuf,
			       struct vm_area_struct *vma)
{
	struct vsysmem_buffer *buf = dmabuf->priv;
	unsigned long pages = PAGE_ALIGN(buf->size) >> PAGE_SHIFT;

	if (!vsysmem_buffer_cpu_ok(buf))
		return -EPERM;
	if ((buf->obj.rights & (VIRTIO_SYSMEM_RIGHT_READ | VIRTIO_SYSMEM_RIGHT_MAP)) !=
	    (VIRTIO_SYSMEM_RIGHT_READ | VIRTIO_SYSMEM_RIGHT_MAP))
		return -EACCES;
	if (!(buf->obj.rights & VIRTIO_SYSMEM_RIGHT_WRITE)) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		/*
		 * Nor later through mprotect(): the O_RDONLY file keeps
		 * shared mappings read-only, this covers private ones.
		 */
		vm_flags_clear(vma, VM_MAYWRITE);
	}
	/* A private copy-on-write view of device memory makes no sense. */
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;
	if (vma->vm_pgoff >= pages || vma_pages(vma) > pages - vma->vm_pgoff)
		return -EINVAL;
	if (!vsysmem_buffer_kmap(buf))
		return -ENOMEM;
	if (!(buf->flags & VIRTIO_SYSMEM_BUFFER_F_CPU_CACHED))
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	vm_flags_set(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = buf;
	vma->vm_ops = &vsysmem_vm_ops;
	vsysmem_vm_get(buf);
	return 0;
}

/*
 * remove(): from here on no fault maps device memory, and every mapping
 * that exists is emptied; touching it again raises SIGBUS.
 */
void vsysmem_buffers_zap(struct vsysmem_device *sdev)
{
	struct vsysmem_buffer *buf;

	/* Faults that saw the device alive have finished. */
	down_write(&sdev->fault_lock);
	up_write(&sdev->fault_lock);
	mutex_lock(&sdev->mapped_lock);
	list_for_each_entry(buf, &sdev->mapped_buffers, mapped)
		unmap_mapping_range(buf->dmabuf->file->f_mapping, 0, 0, 1);
	mutex_unlock(&sdev->mapped_lock);
}

static int vsysmem_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct vsysmem_buffer *buf = dmabuf->priv;
	void *vaddr;

	if (!vsysmem_buffer_cpu_ok(buf))
		return -EPERM;
	vaddr = vsysmem_buffer_kmap(buf);
	if (!vaddr)
		return -ENOMEM;
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

/* The mapping stays until the dma-buf is released. */
static void vsysmem_dmabuf_vunmap(struct dma_buf *dmabuf,
				  struct iosys_map *map)
{
}

static int vsysmem_begin_cpu_access(struct dma_buf *dmabuf,
				    enum dma_data_direction dir)
{
	return vsysmem_buffer_cpu_ok(dmabuf->priv) ? 0 : -EPERM;
}

static int vsysmem_end_cpu_access(struct dma_buf *dmabuf,
				  enum dma_data_direction dir)
{
	struct vsysmem_buffer *buf = dmabuf->priv;

	if (!vsysmem_buffer_cpu_ok(buf))
		return -EPERM;
	if (!(buf->flags & VIRTIO_SYSMEM_BUFFER_F_CPU_CACHED))
		wmb(); /* drain write-combining buffers before others look */
	return 0;
}

static void vsysmem_dmabuf_release(struct dma_buf *dmabuf)
{
	struct vsysmem_buffer *buf = dmabuf->priv;

	/* No fd, mapping or importer is left. */
	if (buf->vaddr)
		memunmap(buf->vaddr);
	buf->vaddr = NULL;
	buf->dmabuf = NULL;
	vsysmem_file_released(&buf->obj);
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
struct dma_buf *vsysmem_buffer_export(struct vsysmem_buffer *buf)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp);
	struct dma_buf *dmabuf;

	exp.ops = &vsysmem_dmabuf_ops;
	exp.size = buf->size;
	/* Without WRITE, the file (and so any shared mapping) is read-only. */
	exp.flags = buf->obj.rights & VIRTIO_SYSMEM_RIGHT_WRITE ? O_RDWR : O_RDONLY;
	exp.priv = buf;
	vsysmem_object_get(&buf->obj);
	dmabuf = dma_buf_export(&exp);
	if (IS_ERR(dmabuf))
		vsysmem_object_put(&buf->obj);
	else
		buf->dmabuf = dmabuf;
	return dmabuf;
}
