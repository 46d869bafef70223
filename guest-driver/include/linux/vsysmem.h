/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vsysmem: in-kernel interface of the virtio-sysmem guest driver.
 *
 * Other guest drivers use it to take part in sysmem buffer negotiation
 * exactly like a user-space participant: they hold channel ends, event pair
 * ends and buffers as struct vsysmem_object handles, send FIDL messages
 * (encoded with the shared FIDL codec) and receive buffers as dma-bufs.
 *
 * A handle has one owner.  Functions that return a handle give it to the
 * caller, who releases it with vsysmem_object_close(); functions that take
 * handles (in a message) consume them whether they succeed or not, as
 * Zircon's channel_write does.
 */
#ifndef _LINUX_VSYSMEM_H
#define _LINUX_VSYSMEM_H

#include <linux/types.h>
#include <uapi/linux/vsysmem.h>

struct dma_buf;
struct vsysmem_device;
struct vsysmem_object;

/**
 * struct vsysmem_kmsg - a FIDL message for the in-kernel interface
 * @bytes: the message bytes, FIDL header first.
 * @num_bytes: write: bytes to send; read: in: capacity of @bytes,
 *	out: bytes received.
 * @handles: the handles of the message.
 * @num_handles: write: handles to send; read: in: capacity of @handles,
 *	out: handles received (now owned by the caller).
 */
struct vsysmem_kmsg {
	void *bytes;
	u32 num_bytes;
	struct vsysmem_object **handles;
	u32 num_handles;
};

struct vsysmem_device *vsysmem_device_get(unsigned int index);
void vsysmem_device_put(struct vsysmem_device *sdev);

struct vsysmem_object *vsysmem_connect(struct vsysmem_device *sdev,
				       u32 protocol);
int vsysmem_channel_create(struct vsysmem_device *sdev,
			   struct vsysmem_object **client,
			   struct vsysmem_object **server);
struct vsysmem_object *vsysmem_object_from_fd(struct vsysmem_device *sdev,
					      int fd);
void vsysmem_object_close(struct vsysmem_object *obj);
u32 vsysmem_object_type(const struct vsysmem_object *obj);

int vsysmem_channel_write(struct vsysmem_object *chan,
			  struct vsysmem_kmsg *msg);
int vsysmem_channel_call(struct vsysmem_object *chan, struct vsysmem_kmsg *wr,
			 struct vsysmem_kmsg *rd, s32 *epitaph);

int vsysmem_buffer_get_info(const struct vsysmem_object *buf,
			    struct vsysmem_buffer_info *info);
struct dma_buf *vsysmem_buffer_to_dma_buf(struct vsysmem_object *buf);

#endif /* _LINUX_VSYSMEM_H */
