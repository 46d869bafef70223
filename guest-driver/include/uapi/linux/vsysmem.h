/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vsysmem: user-space interface of the virtio-sysmem guest driver.
 *
 * Every virtio-sysmem device appears as /dev/vsysmemN.  Its fds carry
 * Fuchsia sysmem (fuchsia.sysmem2 and fuchsia.sysmem v1) FIDL messages to
 * the device, in the FIDL wire format, byte for byte what a Zircon channel
 * carries.  Zircon handles become file descriptors:
 *
 *   channel client end   "[vsysmem-channel]" fd: write/read/call ioctls, poll
 *   channel server end   "[vsysmem-server]" fd: can only be moved into a
 *                        message to the device (Duplicate, BindSharedCollection,
 *                        AllocateSharedCollection, ...)
 *   buffer (VMO)         dma-buf fd, mmap()able over the device's shared
 *                        memory region, DMA_BUF_IOCTL_SYNC, importable by
 *                        other drivers
 *   event pair end       "[vsysmem-eventpair]" fd: poll reports EPOLLHUP once
 *                        the peer end is closed
 *
 * Moving an fd into a message (VSYSMEM_IOC_WRITE or _CALL) moves the handle,
 * as on Zircon: the fd stays open but is dead afterwards (-EBADFD).  Channel
 * and event pair fds may be passed between processes with SCM_RIGHTS;
 * closing the last reference closes the handle on the device, which is how
 * sysmem learns that a participant went away.
 *
 * All structs have fixed-size fields and explicit padding, so that 32-bit
 * and 64-bit callers share one layout.  Reserved fields and undefined flag
 * bits must be 0; the driver returns -EINVAL otherwise, which leaves them
 * free for later versions.
 */
#ifndef _UAPI_LINUX_VSYSMEM_H
#define _UAPI_LINUX_VSYSMEM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Version of this interface, reported by VSYSMEM_IOC_GET_INFO. */
#define VSYSMEM_UAPI_VERSION		1

/* Largest message and handle count the driver accepts, as Zircon's. */
#define VSYSMEM_MAX_MSG_BYTES		65536
#define VSYSMEM_MAX_MSG_HANDLES		64

/* Values of vsysmem_connect.protocol. */
#define VSYSMEM_PROTOCOL_SYSMEM2	1	/* fuchsia.sysmem2/Allocator */
#define VSYSMEM_PROTOCOL_SYSMEM1	2	/* fuchsia.sysmem/Allocator */

/* Bits of vsysmem_info.features (the device's negotiated features). */
#define VSYSMEM_FEATURE_V1		(1u << 0)  /* serves fuchsia.sysmem v1 */
#define VSYSMEM_FEATURE_SECURE_HEAP	(1u << 1)  /* has a secure heap */

/**
 * struct vsysmem_info - VSYSMEM_IOC_GET_INFO on /dev/vsysmemN
 * @version: out: VSYSMEM_UAPI_VERSION of the driver.
 * @features: out: VSYSMEM_FEATURE_* bits the device offers.
 * @region_size: out: bytes in the device's shared memory region (buffers).
 * @max_msg_bytes: out: largest FIDL message the device accepts.
 * @max_msg_handles: out: most handles in one message.
 * @max_objects: out: most live objects the device keeps.
 * @num_channels: out: live channel ends (client and server) of this device
 *	held in the guest (by fds, queued messages or kernel users).
 * @num_buffers: out: live buffer handles held in the guest.
 * @num_eventpairs: out: live event pair ends held in the guest.
 * @num_pending: out: requests the device has not completed yet.
 * @max_calls: out: most two-way calls the device may hold at once; more
 *	wait in the driver, so that a CLOSE always finds room on the ring.
 * @requests: out: requests sent since the driver bound the device.
 * @events: out: events received since the driver bound the device.
 */
struct vsysmem_info {
	__u32 version;
	__u32 features;
	__u64 region_size;
	__u32 max_msg_bytes;
	__u32 max_msg_handles;
	__u32 max_objects;
	__u32 num_channels;
	__u32 num_buffers;
	__u32 num_eventpairs;
	__u32 num_pending;
	__u32 max_calls;
	__u64 requests;
	__u64 events;
};

/**
 * struct vsysmem_connect - VSYSMEM_IOC_CONNECT on /dev/vsysmemN
 * @protocol: in: VSYSMEM_PROTOCOL_SYSMEM2 or VSYSMEM_PROTOCOL_SYSMEM1.
 * @flags: in: must be 0.
 * @fd: out: a new channel fd (O_CLOEXEC) connected to the Allocator.
 * @reserved: must be 0.
 */
struct vsysmem_connect {
	__u32 protocol;
	__u32 flags;
	__s32 fd;
	__u32 reserved;
};

/**
 * struct vsysmem_pair - VSYSMEM_IOC_CHANNEL_CREATE, _EVENTPAIR_CREATE
 * @flags: in: must be 0.
 * @fd0: out: the end the guest keeps: the channel client end, or the event
 *	pair end to poll.
 * @fd1: out: the end that can only be moved to the device: the channel
 *	server end, or the event pair's other end.
 * @reserved: must be 0.
 *
 * Writing to the client end before its server end has been moved to the
 * device fails with -ENOTCONN.  Closing the server end without moving it
 * makes the client end peer-closed.
 */
struct vsysmem_pair {
	__u32 flags;
	__s32 fd0;
	__s32 fd1;
	__u32 reserved;
};

/* Values of vsysmem_handle.type. */
#define VSYSMEM_HANDLE_CHANNEL		1	/* a channel client end */
#define VSYSMEM_HANDLE_CHANNEL_SERVER	2	/* a channel server end */
#define VSYSMEM_HANDLE_BUFFER		3	/* a buffer (dma-buf fd) */
#define VSYSMEM_HANDLE_EVENTPAIR	4	/* an event pair end */

/* Rights (vsysmem_handle.rights), with Zircon's values. */
#define VSYSMEM_RIGHT_DUPLICATE		(1u << 0)
#define VSYSMEM_RIGHT_TRANSFER		(1u << 1)
#define VSYSMEM_RIGHT_READ		(1u << 2)
#define VSYSMEM_RIGHT_WRITE		(1u << 3)
#define VSYSMEM_RIGHT_EXECUTE		(1u << 4)
#define VSYSMEM_RIGHT_MAP		(1u << 5)
#define VSYSMEM_RIGHT_GET_PROPERTY	(1u << 6)
#define VSYSMEM_RIGHT_SIGNAL		(1u << 12)

/* Buffer flags (vsysmem_handle.flags). */
/* Secure heap: the buffer cannot be mapped by the CPU at all. */
#define VSYSMEM_BUFFER_INACCESSIBLE	(1u << 0)
/* mmap() is cached (CPU/RAM coherency domain), else write-combined. */
#define VSYSMEM_BUFFER_CPU_CACHED	(1u << 1)

/**
 * struct vsysmem_handle - one handle of a message
 * @fd: write: the fd whose handle is moved into the message; read: out:
 *	the new fd (O_CLOEXEC) that now holds the received handle.
 * @type: write: 0 (any) or the VSYSMEM_HANDLE_* the fd must be;
 *	read: out: VSYSMEM_HANDLE_*.
 * @rights: write: must be 0; read: out: VSYSMEM_RIGHT_* of the handle.
 * @flags: write: must be 0; read: out: VSYSMEM_BUFFER_* for buffers.
 * @size: write: must be 0; read: out: a buffer's size in bytes.
 *
 * The handles follow the order of the message's handle presence markers,
 * as in a Zircon channel message.
 */
struct vsysmem_handle {
	__s32 fd;
	__u32 type;
	__u32 rights;
	__u32 flags;
	__u64 size;
};

/**
 * struct vsysmem_msg - one FIDL message, in (write) or out (read)
 * @bytes: user pointer to the message bytes (FIDL header first).
 * @handles: user pointer to an array of struct vsysmem_handle.
 * @num_bytes: write: bytes to send; read: in: capacity of @bytes,
 *	out: bytes of the message (also when -EMSGSIZE).
 * @num_handles: write: handles to send; read: in: capacity of @handles,
 *	out: handles of the message (also when -EMSGSIZE).
 * @flags: must be 0.
 * @status: read: out: when the call fails with -EPIPE, the epitaph status
 *	(a zx_status_t) the device closed the channel with; else 0.
 *	write: must be 0.
 */
struct vsysmem_msg {
	__u64 bytes;
	__u64 handles;
	__u32 num_bytes;
	__u32 num_handles;
	__u32 flags;
	__s32 status;
};

/**
 * struct vsysmem_call - VSYSMEM_IOC_CALL on a channel fd
 * @wr: the request: a two-way FIDL message.  The driver overwrites its
 *	transaction id with one it chooses (high bit set, as Zircon's kernel
 *	does), so callers may leave it 0.
 * @rd: the reply, as for VSYSMEM_IOC_READ.  Replies that do not fit fail
 *	with -EMSGSIZE and are discarded (their handles closed).
 * @timeout_ns: in: 0 waits forever, else give up after this many
 *	nanoseconds with -ETIMEDOUT (the reply is then discarded).
 */
struct vsysmem_call {
	struct vsysmem_msg wr;
	struct vsysmem_msg rd;
	__u64 timeout_ns;
};

/**
 * struct vsysmem_buffer_info - VSYSMEM_IOC_BUFFER_INFO on /dev/vsysmemN
 * @fd: in: a buffer's dma-buf fd from this device.
 * @rights: out: VSYSMEM_RIGHT_* of the buffer handle.
 * @id: out: the device's object id of the buffer.
 * @flags: out: VSYSMEM_BUFFER_*.
 * @offset: out: offset of the buffer in the shared memory region.
 * @size: out: size of the buffer in bytes.
 */
struct vsysmem_buffer_info {
	__s32 fd;
	__u32 rights;
	__u32 id;
	__u32 flags;
	__u64 offset;
	__u64 size;
};

#define VSYSMEM_IOC_MAGIC		0xC7

/* On /dev/vsysmemN; CHANNEL_CREATE and EVENTPAIR_CREATE also on channels. */
#define VSYSMEM_IOC_GET_INFO	_IOWR(VSYSMEM_IOC_MAGIC, 0x00, struct vsysmem_info)
#define VSYSMEM_IOC_CONNECT	_IOWR(VSYSMEM_IOC_MAGIC, 0x01, struct vsysmem_connect)
#define VSYSMEM_IOC_CHANNEL_CREATE _IOWR(VSYSMEM_IOC_MAGIC, 0x02, struct vsysmem_pair)
#define VSYSMEM_IOC_EVENTPAIR_CREATE _IOWR(VSYSMEM_IOC_MAGIC, 0x03, struct vsysmem_pair)
#define VSYSMEM_IOC_BUFFER_INFO	_IOWR(VSYSMEM_IOC_MAGIC, 0x04, struct vsysmem_buffer_info)

/*
 * On channel fds.  WRITE of a one-way message returns once the device took
 * it; WRITE of a two-way message (non-zero txid) returns at once and the
 * reply is queued for READ.  READ blocks unless the fd is O_NONBLOCK
 * (-EAGAIN); it fails with -EPIPE once the peer closed and nothing is left.
 * poll(): EPOLLIN when a message is queued, EPOLLHUP when the peer closed,
 * EPOLLOUT while writable.
 */
#define VSYSMEM_IOC_WRITE	_IOW(VSYSMEM_IOC_MAGIC, 0x10, struct vsysmem_msg)
#define VSYSMEM_IOC_READ	_IOWR(VSYSMEM_IOC_MAGIC, 0x11, struct vsysmem_msg)
#define VSYSMEM_IOC_CALL	_IOWR(VSYSMEM_IOC_MAGIC, 0x12, struct vsysmem_call)

#endif /* _UAPI_LINUX_VSYSMEM_H */
