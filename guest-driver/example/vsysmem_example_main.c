// SPDX-License-Identifier: GPL-2.0
/*
 * vsysmem_example: a guest kernel driver that takes part in sysmem buffer
 * negotiation through the virtio-sysmem in-kernel API, as a display driver
 * would.
 *
 * User space hands it a collection token through its own ioctl on
 * /dev/vsysmem-example; the driver binds the token, sets display-like
 * constraints (a display layer scanning out NV12 with bytes per row
 * aligned to 256), waits for allocation, keeps the buffers as dma-bufs
 * and reads the first bytes of buffer 0 through dma_buf_vmap(), the way a
 * driver's CPU would see a frame.  FIDL messages are encoded with the
 * project's shared codec, compiled into this module.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/iosys-map.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vsysmem.h>

#include "sysmem/methods.h"
#include "vsysmem_compat.h"

/* The example's own tiny uapi. */
struct vsysmem_example_join {
	__s32 token_fd;		/* in: a sysmem2 BufferCollectionToken fd */
	__u32 buffer_count;	/* out */
	__u64 size_bytes;	/* out: per buffer */
	__u32 bytes_per_row;	/* out: the negotiated NV12 row stride */
	__u32 first_word;	/* out: first 4 bytes of buffer 0 */
	__u64 dma_address;	/* out: buffer 0 mapped for this "device" */
	__u64 dma_length;	/* out: and its length */
};

#define VSYSMEM_EXAMPLE_IOC_JOIN _IOWR(0xC7, 0x40, struct vsysmem_example_join)
#define VSYSMEM_EXAMPLE_IOC_READ _IOWR(0xC7, 0x41, struct vsysmem_example_join)
#define VSYSMEM_EXAMPLE_IOC_LEAVE _IO(0xC7, 0x42)

#define EX_MAX_BUFFERS 8

struct vsysmem_example {
	struct mutex lock;	/* serialises the ioctls and the state below */
	struct vsysmem_device *sdev;
	struct vsysmem_object *collection;
	struct dma_buf *bufs[EX_MAX_BUFFERS];
	u32 num_bufs;
	u64 size_bytes;
	u32 bytes_per_row;
};

static struct vsysmem_example ex;
static u64 ex_dma_mask = DMA_BIT_MASK(64);

/* Scratch for one message each way, and the handles as objects. */
struct ex_msg {
	u8 wr[FIDL_MAX_MSG_BYTES];
	u8 rd[FIDL_MAX_MSG_BYTES];
	fidl_handle_info_t hinfo[FIDL_MAX_MSG_HANDLES];
	struct vsysmem_object *objs[FIDL_MAX_MSG_HANDLES];
};

static void ex_handle_info(struct vsysmem_object *obj, u32 handle,
			   fidl_handle_info_t *hi)
{
	struct vsysmem_buffer_info bi;

	hi->handle = handle;
	hi->flags = 0;
	switch (vsysmem_object_type(obj)) {
	case VSYSMEM_HANDLE_BUFFER:
		vsysmem_buffer_get_info(obj, &bi);
		hi->type = FIDL_OBJ_TYPE_VMO;
		hi->rights = bi.rights;
		break;
	case VSYSMEM_HANDLE_CHANNEL:
		hi->type = FIDL_OBJ_TYPE_CHANNEL;
		hi->rights = FIDL_DEFAULT_CHANNEL_RIGHTS;
		break;
	default:
		/* The device ABI does not tell events from event pairs. */
		hi->type = FIDL_OBJ_TYPE_NONE;
		hi->rights = FIDL_RIGHTS_BASIC | FIDL_RIGHT_SIGNAL |
			     FIDL_RIGHT_SIGNAL_PEER;
		break;
	}
}

/*
 * Call method `id` on `chan`.  Handles in `req` are 1-based indexes into
 * in[]; handles in the decoded reply are 1-based indexes into m->objs[]
 * (owned by the caller afterwards).
 */
static int ex_call(struct vsysmem_object *chan, u32 id, const void *req,
		   struct vsysmem_object **in, u32 num_in, void *resp,
		   u32 *num_out, struct ex_msg *m)
{
	const sysmem_method_t *meth = sysmem_method_by_id(id);
	bool two_way = meth->flags & SYSMEM_METHOD_TWO_WAY;
	struct vsysmem_kmsg wr, rd;
	u32 n, nh, i;
	int err;

	err = sysmem_encode_request(meth, two_way ? 1 : 0, req, m->wr,
				    sizeof(m->wr), &n, m->hinfo,
				    FIDL_MAX_MSG_HANDLES, &nh);
	if (err || nh > num_in) {
		pr_err("vsysmem_example: encode %s: %s\n", meth->name,
		       fidl_strerror(err));
		for (i = 0; i < num_in; i++)
			vsysmem_object_close(in[i]);
		return -EINVAL;
	}
	for (i = 0; i < nh; i++)
		m->objs[i] = in[m->hinfo[i].handle - 1];
	wr.bytes = m->wr;
	wr.num_bytes = n;
	wr.handles = m->objs;
	wr.num_handles = nh;
	if (!two_way)
		return vsysmem_channel_write(chan, &wr);

	rd.bytes = m->rd;
	rd.num_bytes = sizeof(m->rd);
	rd.handles = m->objs;
	rd.num_handles = FIDL_MAX_MSG_HANDLES;
	err = vsysmem_channel_call(chan, &wr, &rd, NULL);
	if (err)
		return err;
	for (i = 0; i < rd.num_handles; i++)
		ex_handle_info(m->objs[i], i + 1, &m->hinfo[i]);
	err = sysmem_decode_reply(meth, m->rd, rd.num_bytes, m->hinfo,
				  rd.num_handles, NULL, resp);
	if (err) {
		pr_err("vsysmem_example: decode %s reply: %s\n", meth->name,
		       fidl_strerror(err));
		for (i = 0; i < rd.num_handles; i++)
			vsysmem_object_close(m->objs[i]);
		return -EPROTO;
	}
	*num_out = rd.num_handles;
	return 0;
}

static void ex_display_constraints(sysmem2_buffer_collection_constraints_t *c)
{
	sysmem2_image_format_constraints_t *ifc = &c->image_format_constraints[0];

	c->has_usage = true;
	c->usage.has_display = true;
	c->usage.display = SYSMEM2_DISPLAY_USAGE_LAYER;
	c->has_min_buffer_count_for_camping = true;
	c->min_buffer_count_for_camping = 1;
	c->has_buffer_memory_constraints = true;
	c->buffer_memory_constraints.has_ram_domain_supported = true;
	c->buffer_memory_constraints.ram_domain_supported = true;
	c->buffer_memory_constraints.has_cpu_domain_supported = true;
	c->buffer_memory_constraints.cpu_domain_supported = true;
	c->has_image_format_constraints = true;
	c->image_format_constraints_count = 1;
	ifc->has_pixel_format = true;
	ifc->pixel_format = IMAGES2_PIXEL_FORMAT_NV12;
	ifc->has_pixel_format_modifier = true;
	ifc->pixel_format_modifier = IMAGES2_FORMAT_MODIFIER_LINEAR;
	ifc->has_color_spaces = true;
	ifc->color_spaces_count = 1;
	ifc->color_spaces[0] = IMAGES2_COLOR_SPACE_REC709;
	ifc->has_min_size = true;
	ifc->min_size.width = 640;
	ifc->min_size.height = 480;
	ifc->has_bytes_per_row_divisor = true;
	ifc->bytes_per_row_divisor = 256;
}

static void ex_leave(void)
{
	u32 i;

	for (i = 0; i < ex.num_bufs; i++)
		dma_buf_put(ex.bufs[i]);
	ex.num_bufs = 0;
	if (ex.collection) {
		vsysmem_object_close(ex.collection);
		ex.collection = NULL;
	}
}

/* Everything big lives on the heap: kernel stacks are small. */
struct ex_join_state {
	struct ex_msg msg;
	sysmem2_allocator_bind_shared_collection_request_t bind;
	sysmem2_buffer_collection_set_constraints_request_t set;
	sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t wait;
};

static int ex_join(struct vsysmem_example_join *j)
{
	struct vsysmem_object *alloc, *token, *client, *server, *in[2];
	const sysmem2_buffer_collection_info_t *info;
	struct ex_join_state *st;
	u32 nout = 0, i;
	int err;

	if (ex.collection)
		return -EBUSY;
	token = vsysmem_object_from_fd(ex.sdev, j->token_fd);
	if (IS_ERR(token))
		return PTR_ERR(token);
	st = kvzalloc(sizeof(*st), GFP_KERNEL);
	if (!st) {
		vsysmem_object_close(token);
		return -ENOMEM;
	}
	alloc = vsysmem_connect(ex.sdev, VSYSMEM_PROTOCOL_SYSMEM2);
	if (IS_ERR(alloc)) {
		vsysmem_object_close(token);
		err = PTR_ERR(alloc);
		goto out;
	}
	err = vsysmem_channel_create(ex.sdev, &client, &server);
	if (err) {
		vsysmem_object_close(token);
		goto out_alloc;
	}
	st->bind.has_token = true;
	st->bind.token = 1;
	st->bind.has_buffer_collection_request = true;
	st->bind.buffer_collection_request = 2;
	in[0] = token;
	in[1] = server;
	err = ex_call(alloc, SYSMEM_M_SYSMEM2_ALLOCATOR_BIND_SHARED_COLLECTION,
		      &st->bind, in, 2, NULL, &nout, &st->msg);
	if (err) {
		vsysmem_object_close(client);
		goto out_alloc;
	}
	ex.collection = client;

	st->set.has_constraints = true;
	ex_display_constraints(&st->set.constraints);
	err = ex_call(client, SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS,
		      &st->set, NULL, 0, NULL, &nout, &st->msg);
	if (err)
		goto out_leave;
	err = ex_call(client,
		      SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_WAIT_FOR_ALL_BUFFERS_ALLOCATED,
		      NULL, NULL, 0, &st->wait, &nout, &st->msg);
	if (err)
		goto out_leave;
	if (st->wait.tag != FIDL_RESULT_RESPONSE) {
		pr_info("vsysmem_example: allocation failed: tag %llu err %u\n",
			st->wait.tag, st->wait.err);
		for (i = 0; i < nout; i++)
			vsysmem_object_close(st->msg.objs[i]);
		err = -EIO;
		goto out_leave;
	}
	info = &st->wait.response.buffer_collection_info;
	for (i = 0; i < info->buffers_count; i++) {
		struct vsysmem_object *obj;
		u32 h = info->buffers[i].vmo;

		if (!h || h > nout)
			continue;
		obj = st->msg.objs[h - 1];
		st->msg.objs[h - 1] = NULL;
		if (ex.num_bufs == EX_MAX_BUFFERS) {
			vsysmem_object_close(obj);
			continue;
		}
		ex.bufs[ex.num_bufs] = vsysmem_buffer_to_dma_buf(obj);
		if (IS_ERR(ex.bufs[ex.num_bufs]))
			vsysmem_object_close(obj);
		else
			ex.num_bufs++;
	}
	/* Handles the example has no use for (close_weak_asap, ...). */
	for (i = 0; i < nout; i++)
		if (st->msg.objs[i])
			vsysmem_object_close(st->msg.objs[i]);
	ex.size_bytes = info->settings.buffer_settings.size_bytes;
	ex.bytes_per_row = info->settings.image_format_constraints.min_bytes_per_row;
	j->buffer_count = ex.num_bufs;
	j->size_bytes = ex.size_bytes;
	j->bytes_per_row = ex.bytes_per_row;
	err = 0;
	goto out_alloc;

out_leave:
	ex_leave();
out_alloc:
	vsysmem_object_close(alloc);
out:
	kvfree(st);
	return err;
}

static int ex_read_first_word(u32 *word)
{
	struct iosys_map map;
	int err;

	if (!ex.num_bufs)
		return -ENOENT;
	err = dma_buf_begin_cpu_access(ex.bufs[0], DMA_FROM_DEVICE);
	if (err)
		return err;
	err = dma_buf_vmap_unlocked(ex.bufs[0], &map);
	if (!err) {
		*word = *(u32 *)map.vaddr;
		dma_buf_vunmap_unlocked(ex.bufs[0], &map);
	}
	dma_buf_end_cpu_access(ex.bufs[0], DMA_FROM_DEVICE);
	return err;
}

static struct miscdevice ex_misc;

/*
 * Import buffer 0 the way a DMA-capable driver would: attach its device
 * and map it.  The example's misc device stands in for real hardware.
 */
static int ex_import(struct vsysmem_example_join *j)
{
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;

	attach = dma_buf_attach(ex.bufs[0], ex_misc.this_device);
	if (IS_ERR(attach))
		return PTR_ERR(attach);
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		dma_buf_detach(ex.bufs[0], attach);
		return PTR_ERR(sgt);
	}
	j->dma_address = sg_dma_address(sgt->sgl);
	j->dma_length = sg_dma_len(sgt->sgl);
	dma_buf_unmap_attachment_unlocked(attach, sgt, DMA_BIDIRECTIONAL);
	dma_buf_detach(ex.bufs[0], attach);
	return 0;
}

static long ex_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vsysmem_example_join j;
	long err;

	if (cmd == VSYSMEM_EXAMPLE_IOC_LEAVE) {
		mutex_lock(&ex.lock);
		ex_leave();
		mutex_unlock(&ex.lock);
		return 0;
	}
	if (cmd != VSYSMEM_EXAMPLE_IOC_JOIN && cmd != VSYSMEM_EXAMPLE_IOC_READ)
		return -ENOTTY;
	if (copy_from_user(&j, (void __user *)arg, sizeof(j)))
		return -EFAULT;
	mutex_lock(&ex.lock);
	if (cmd == VSYSMEM_EXAMPLE_IOC_JOIN) {
		err = ex_join(&j);
	} else {
		j.buffer_count = ex.num_bufs;
		j.size_bytes = ex.size_bytes;
		j.bytes_per_row = ex.bytes_per_row;
		err = ex_read_first_word(&j.first_word);
		if (!err)
			err = ex_import(&j);
	}
	mutex_unlock(&ex.lock);
	if (!err && copy_to_user((void __user *)arg, &j, sizeof(j)))
		err = -EFAULT;
	return err;
}

static const struct file_operations ex_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = ex_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice ex_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vsysmem-example",
	.fops = &ex_fops,
};

static int __init ex_init(void)
{
	int err;

	mutex_init(&ex.lock);
	ex.sdev = vsysmem_device_get(0);
	if (!ex.sdev)
		return -ENODEV;
	err = misc_register(&ex_misc);
	if (err) {
		vsysmem_device_put(ex.sdev);
		return err;
	}
	/* A pretend DMA engine that can reach all of memory. */
	ex_misc.this_device->dma_mask = &ex_dma_mask;
	ex_misc.this_device->coherent_dma_mask = DMA_BIT_MASK(64);
	return 0;
}

static void __exit ex_exit(void)
{
	misc_deregister(&ex_misc);
	ex_leave();
	vsysmem_device_put(ex.sdev);
}

module_init(ex_init);
module_exit(ex_exit);

MODULE_DESCRIPTION("virtio-sysmem in-kernel API example: a display-like participant");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
