// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-sysmem guest driver: the in-kernel interface (<linux/vsysmem.h>)
 * for other guest drivers that take part in buffer negotiation.
 *
 * Every exported function is here; they are thin layers over the same
 * handle, message and dma-buf code the user-space interface uses, so a
 * kernel participant and a process behave alike.
 */
#include <linux/dma-buf.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "vsysmem_internal.h"

/* Bound devices by the N of /dev/vsysmemN. */
static DEFINE_IDR(vsysmem_devices);
static DEFINE_MUTEX(vsysmem_devices_lock);

int vsysmem_device_index_alloc(struct vsysmem_device *sdev)
{
	int index;

	mutex_lock(&vsysmem_devices_lock);
	index = idr_alloc(&vsysmem_devices, sdev, 0, 0, GFP_KERNEL);
	mutex_unlock(&vsysmem_devices_lock);
	if (index >= 0)
		sdev->index = index;
	return index;
}

void vsysmem_device_index_free(struct vsysmem_device *sdev)
{
	mutex_lock(&vsysmem_devices_lock);
	idr_remove(&vsysmem_devices, sdev->index);
	mutex_unlock(&vsysmem_devices_lock);
}

void vsysmem_device_index_destroy(void)
{
	idr_destroy(&vsysmem_devices);
}

/**
 * vsysmem_device_get() - find a virtio-sysmem device
 * @index: N of /dev/vsysmemN
 *
 * Return: the device with a reference the caller drops with
 * vsysmem_device_put(), or NULL if there is no such device.
 */
struct vsysmem_device *vsysmem_device_get(unsigned int index)
{
	struct vsysmem_device *sdev;

	mutex_lock(&vsysmem_devices_lock);
	sdev = idr_find(&vsysmem_devices, index);
	if (sdev)
		kref_get(&sdev->kref);
	mutex_unlock(&vsysmem_devices_lock);
	return sdev;
}
EXPORT_SYMBOL_GPL(vsysmem_device_get);

/**
 * vsysmem_device_put() - drop a reference from vsysmem_device_get()
 * @sdev: the device
 */
void vsysmem_device_put(struct vsysmem_device *sdev)
{
	kref_put(&sdev->kref, vsysmem_device_release);
}
EXPORT_SYMBOL_GPL(vsysmem_device_put);

/**
 * vsysmem_connect() - open a channel to the device's Allocator
 * @sdev: the device
 * @protocol: VSYSMEM_PROTOCOL_SYSMEM2 or VSYSMEM_PROTOCOL_SYSMEM1
 *
 * Return: the channel's client end, or an ERR_PTR.
 */
struct vsysmem_object *vsysmem_connect(struct vsysmem_device *sdev,
				       u32 protocol)
{
	struct vsysmem_object *chan;
	int err;

	err = vsysmem_object_connect(sdev, protocol, &chan);
	return err ? ERR_PTR(err) : chan;
}
EXPORT_SYMBOL_GPL(vsysmem_connect);

/**
 * vsysmem_channel_create() - create a channel whose server end goes to
 *	the device (in a Duplicate, BindSharedCollection, ... message)
 * @sdev: the device
 * @client: out: the client end
 * @server: out: the server end
 *
 * Return: 0 or a negative errno.
 */
int vsysmem_channel_create(struct vsysmem_device *sdev,
			   struct vsysmem_object **client,
			   struct vsysmem_object **server)
{
	return vsysmem_object_pair(sdev, VSYSMEM_HANDLE_CHANNEL, client,
				   server);
}
EXPORT_SYMBOL_GPL(vsysmem_channel_create);

/**
 * vsysmem_object_from_fd() - take a handle from a user-space fd
 * @sdev: the device the handle must belong to
 * @fd: a channel, server end or event pair fd of the calling process
 *
 * The handle moves into the kernel: the fd stays open but dead, as a
 * Zircon handle written into a channel.  This is how a driver receives a
 * collection token from user space.
 *
 * Return: the handle, or an ERR_PTR.
 */
struct vsysmem_object *vsysmem_object_from_fd(struct vsysmem_device *sdev,
					      int fd)
{
	return vsysmem_claim_fd(sdev, fd, 0, NULL);
}
EXPORT_SYMBOL_GPL(vsysmem_object_from_fd);

/* Check a message to send; if it is bad, its handles are consumed. */
static int vsysmem_kmsg_check(struct vsysmem_object *chan,
			      struct vsysmem_kmsg *msg)
{
	int err = 0;
	u32 i;

	if (vsysmem_object_type(chan) != VSYSMEM_HANDLE_CHANNEL)
		err = -EPROTOTYPE;
	for (i = 0; i < msg->num_handles && !err; i++) {
		struct vsysmem_object *obj = msg->handles[i];

		if (obj == chan || obj->sdev != chan->sdev ||
		    !vsysmem_is_endpoint(obj) ||
		    (!to_vsysmem_endpoint(obj)->remote &&
		     !to_vsysmem_endpoint(obj)->bound))
			err = -EINVAL;
	}
	if (err)
		for (i = 0; i < msg->num_handles; i++)
			vsysmem_handle_close(msg->handles[i]);
	return err;
}

/**
 * vsysmem_channel_write() - send a FIDL message
 * @chan: a channel client end
 * @msg: the message; its handles are consumed, whatever the result
 *
 * A two-way message's reply is lost: use vsysmem_channel_call() for those.
 *
 * Return: 0 or a negative errno.
 */
int vsysmem_channel_write(struct vsysmem_object *chan,
			  struct vsysmem_kmsg *msg)
{
	int err = vsysmem_kmsg_check(chan, msg);

	if (err)
		return err;
	return vsysmem_msg_send(to_vsysmem_channel(chan), msg->bytes,
				msg->num_bytes,
				msg->handles, msg->num_handles, false, 0, NULL,
				NULL);
}
EXPORT_SYMBOL_GPL(vsysmem_channel_write);

/**
 * vsysmem_channel_call() - send a two-way FIDL message and wait for its
 *	reply
 * @chan: a channel client end
 * @wr: the request; its txid is chosen here; its handles are consumed
 * @rd: the reply: capacities in, sizes and owned handles out
 * @epitaph: out, may be NULL: the device's status if it closed the channel
 *
 * Return: 0, -EMSGSIZE if the reply does not fit @rd (it is discarded),
 * -EPIPE if the channel was closed, or another negative errno.
 */
int vsysmem_channel_call(struct vsysmem_object *chan, struct vsysmem_kmsg *wr,
			 struct vsysmem_kmsg *rd, s32 *epitaph)
{
	struct vsysmem_rxmsg *reply = NULL;
	int err = vsysmem_kmsg_check(chan, wr);
	u32 i;

	if (err)
		return err;
	err = vsysmem_msg_send(to_vsysmem_channel(chan), wr->bytes,
			       wr->num_bytes, wr->handles,
			       wr->num_handles, true, 0, &reply, epitaph);
	if (err)
		return err;
	if (reply->num_bytes > rd->num_bytes ||
	    reply->num_handles > rd->num_handles) {
		rd->num_bytes = reply->num_bytes;
		rd->num_handles = reply->num_handles;
		vsysmem_rxmsg_free(reply);
		return -EMSGSIZE;
	}
	memcpy(rd->bytes, reply->bytes, reply->num_bytes);
	rd->num_bytes = reply->num_bytes;
	rd->num_handles = reply->num_handles;
	for (i = 0; i < reply->num_handles; i++) {
		rd->handles[i] = reply->handles[i];
		reply->handles[i] = NULL;
	}
	vsysmem_rxmsg_free(reply);
	return 0;
}
EXPORT_SYMBOL_GPL(vsysmem_channel_call);

/**
 * vsysmem_object_close() - close a handle held by an in-kernel user
 * @obj: the handle; the caller must not use it afterwards
 */
void vsysmem_object_close(struct vsysmem_object *obj)
{
	if (obj)
		vsysmem_handle_close(obj);
}
EXPORT_SYMBOL_GPL(vsysmem_object_close);

/**
 * vsysmem_object_type() - what kind of handle an object is
 * @obj: the handle
 *
 * Return: VSYSMEM_HANDLE_CHANNEL, _CHANNEL_SERVER, _BUFFER or _EVENTPAIR.
 */
u32 vsysmem_object_type(const struct vsysmem_object *obj)
{
	const struct vsysmem_endpoint *ep;

	if (obj->type != VSYSMEM_HANDLE_CHANNEL)
		return obj->type;
	ep = container_of(obj, const struct vsysmem_endpoint, obj);
	return ep->remote ? VSYSMEM_HANDLE_CHANNEL_SERVER : obj->type;
}
EXPORT_SYMBOL_GPL(vsysmem_object_type);

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
	const struct vsysmem_buffer *b;

	if (buf->type != VSYSMEM_HANDLE_BUFFER)
		return -EPROTOTYPE;
	b = container_of(buf, const struct vsysmem_buffer, obj);
	info->id = buf->id;
	info->rights = buf->rights;
	info->flags = b->flags;
	info->offset = b->offset;
	info->size = b->size;
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
	dmabuf = vsysmem_buffer_export(to_vsysmem_buffer(buf));
	if (IS_ERR(dmabuf))
		return dmabuf;
	spin_lock(&buf->lock);
	buf->owner = VSYSMEM_OWNER_FILE;
	spin_unlock(&buf->lock);
	return dmabuf;
}
EXPORT_SYMBOL_GPL(vsysmem_buffer_to_dma_buf);
