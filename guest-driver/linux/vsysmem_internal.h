/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-sysmem guest driver: state shared by the transport, the user
 * interface and the dma-buf exporter.
 */
#ifndef _VSYSMEM_INTERNAL_H
#define _VSYSMEM_INTERNAL_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/virtio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/virtio_sysmem.h>
#include <linux/vsysmem.h>

/* Event buffers the driver keeps posted on the event queue. */
#define VSYSMEM_EVENT_BUFS	16
/* FIDL transactional message header: txid, flags, magic, ordinal. */
#define VSYSMEM_FIDL_HDR_BYTES	16
/* Driver-chosen ids: 1..0x7fffffff (see the device ABI). */
#define VSYSMEM_ID_DRIVER_MAX	(VIRTIO_SYSMEM_ID_DEVICE_BIT - 1)

/*
 * Locking.  Outermost first; a lock is only ever taken with the ones
 * above it held, never the other way round:
 *
 *   vsysmem_object.read_lock (mutex): held for a whole channel READ,
 *	which sleeps, copies to user space (so may fault: mmap_lock) and
 *	may close handles of a message it frees, i.e. take any lock below.
 *   mmap_lock (the mm's, held by the core around mmap, vma open/close
 *	and faults), then
 *	vsysmem_device.fault_lock (rwsem; read by faults, written once by
 *	remove() with nothing else held), or
 *	vsysmem_device.mapped_lock (mutex), then the dma-buf file's
 *	i_mmap_rwsem (unmap_mapping_range() in the remove() zap).
 *   The xarray's lock (sdev->objects), then vsysmem_object.lock: only
 *	remove() nests them, marking what is left peer-closed.
 *   Leaves, never held together and never held across a sleep or a call
 *	out of the driver: vsysmem_object.lock, vsysmem_device.pair_lock,
 *	vsysmem_device.vq_lock, vsysmem_device.close_lock,
 *	vsysmem_device.reply_rooms_lock.  Wake-ups of
 *	an object's wq happen after its lock is dropped.
 *
 * vsysmem_devices_lock (vsysmem_kapi.c) only guards the index table.
 * Virtqueue callbacks run in interrupt context and only schedule work;
 * everything else runs in process context.
 */
/*
 * Room for the reply to a two-way call: as large as the largest message
 * (64 KiB of bytes and 64 handle entries), so vmalloc'ed, with its
 * scatterlist.  Kept for the next call rather than freed: allocating,
 * zeroing and mapping 17 pages per call cost a Node.Sync 8x the cheapest
 * virtio round trip (docs/benchmarks.md).  The device writes the reply and
 * says how much it wrote (the used length); nothing reads past that, so a
 * reused room needs no zeroing.
 */
struct vsysmem_reply_room {
	void *buf;
	struct sg_table sgt;
};

#define VSYSMEM_REPLY_ROOMS	8

struct vsysmem_device {
	struct kref kref;
	struct virtio_device *vdev;
	int index;
	char name[24];
	struct miscdevice misc;

	/* Negotiated limits, read once from config space. */
	u64 region_size;
	u32 max_msg_bytes;
	u32 max_msg_handles;
	u32 max_event_bytes;
	u32 max_objects;
	u32 features;

	phys_addr_t shm_addr;
	u64 shm_len;

	struct virtqueue *reqq;
	struct virtqueue *evq;
	/* Serialises virtqueue adds/gets and 'dead'. */
	spinlock_t vq_lock;
	wait_queue_head_t reqq_space;
	/* Two-way calls on the ring, and the most it may hold (vq_lock). */
	unsigned int num_two_way;
	unsigned int max_two_way;
	struct work_struct req_work;
	struct work_struct ev_work;
	bool dead;

	/* Channels and event pairs by id, for routing events. */
	struct xarray objects;
	u32 next_id;
	/* Protects the pairing state (peer, bound) of pending pairs. */
	spinlock_t pair_lock;
	/* CLOSE requests waiting for room on the request queue. */
	spinlock_t close_lock;
	struct list_head deferred_closes;
	atomic_t next_txid;
	/* Reply rooms of finished two-way calls, for the next ones. */
	spinlock_t reply_rooms_lock;
	unsigned int num_reply_rooms;
	struct vsysmem_reply_room reply_rooms[VSYSMEM_REPLY_ROOMS];

	/*
	 * User mappings of buffers: faults read-lock fault_lock and check
	 * 'dead'; remove() write-locks it once, then zaps every buffer on
	 * mapped_buffers.
	 */
	struct rw_semaphore fault_lock;
	/* Guards mapped_buffers, buffers' mapcount and their vaddr. */
	struct mutex mapped_lock;
	struct list_head mapped_buffers;

	atomic_t num_channels;
	atomic_t num_buffers;
	atomic_t num_eventpairs;
	atomic_t num_pending;
	atomic64_t num_requests;
	atomic64_t num_events;
};

/* Who holds an object's handle. */
enum vsysmem_owner {
	VSYSMEM_OWNER_KERNEL,	/* a queued message or an in-kernel user */
	VSYSMEM_OWNER_FILE,	/* an fd (file or dma-buf) */
	VSYSMEM_OWNER_MOVED,	/* moved to the device */
	VSYSMEM_OWNER_CLOSED,
};

/*
 * One handle: what every kind of object has.  It is embedded in the
 * struct of its kind (type says which): a channel end in struct
 * vsysmem_channel, an event pair end in struct vsysmem_eventpair (both
 * through struct vsysmem_endpoint), a buffer in struct vsysmem_buffer.
 */
struct vsysmem_object {
	struct kref kref;
	struct vsysmem_device *sdev;
	u32 type;			/* VSYSMEM_HANDLE_*, never _SERVER */
	u32 id;
	u32 rights;
	/* The following are protected by lock. */
	spinlock_t lock;
	enum vsysmem_owner owner;
	bool registered;		/* in sdev->objects */
};

/* What channel ends and event pair ends share. */
struct vsysmem_endpoint {
	struct vsysmem_object obj;
	/*
	 * Pairs the driver created: the kept end (channel client, local
	 * event pair end) and the end for the device (server, remote) point
	 * at each other under sdev->pair_lock until the latter is moved.
	 * 'bound' is set on the kept end once the device holds its peer.
	 */
	struct vsysmem_endpoint *peer;
	bool bound;
	bool remote;			/* can only be moved to the device */
	bool orphan;			/* remote end whose kept end closed */
	/* Under obj.lock; wq wakes readers and pollers. */
	wait_queue_head_t wq;
	bool peer_closed;
	s32 epitaph;
};

struct vsysmem_channel {
	struct vsysmem_endpoint ep;
	struct list_head rxq;		/* struct vsysmem_rxmsg, under lock */
	struct mutex read_lock;		/* one reader at a time */
};

struct vsysmem_eventpair {
	struct vsysmem_endpoint ep;
};

struct vsysmem_buffer {
	struct vsysmem_object obj;
	u64 offset;			/* in the shared memory region */
	u64 size;
	u32 flags;			/* VIRTIO_SYSMEM_BUFFER_F_* */
	void *vaddr;			/* kernel mapping, see vsysmem_dmabuf.c */
	struct dma_buf *dmabuf;
	unsigned int mapcount;		/* user vmas, under sdev->mapped_lock */
	struct list_head mapped;	/* in sdev->mapped_buffers */
};

static inline bool vsysmem_is_endpoint(const struct vsysmem_object *obj)
{
	return obj->type == VSYSMEM_HANDLE_CHANNEL ||
	       obj->type == VSYSMEM_HANDLE_EVENTPAIR;
}

static inline struct vsysmem_endpoint *
to_vsysmem_endpoint(struct vsysmem_object *obj)
{
	WARN_ON_ONCE(!vsysmem_is_endpoint(obj));
	return container_of(obj, struct vsysmem_endpoint, obj);
}

static inline struct vsysmem_channel *
to_vsysmem_channel(struct vsysmem_object *obj)
{
	WARN_ON_ONCE(obj->type != VSYSMEM_HANDLE_CHANNEL);
	return container_of(obj, struct vsysmem_channel, ep.obj);
}

static inline struct vsysmem_buffer *
to_vsysmem_buffer(struct vsysmem_object *obj)
{
	WARN_ON_ONCE(obj->type != VSYSMEM_HANDLE_BUFFER);
	return container_of(obj, struct vsysmem_buffer, obj);
}

struct vsysmem_rxmsg {
	struct list_head node;
	u32 num_bytes;
	u32 num_handles;
	struct vsysmem_object **handles;
	u8 bytes[];
};

/*
 * Who finishes a request once the device has completed it.  Only a
 * waited-for request changes state, under vq_lock: WAITED becomes
 * COMPLETED (the completion path wakes the waiter, who then reads and
 * frees it) or ABANDONED (the waiter gave up first; the completion path
 * discards the reply and frees it).
 */
enum vsysmem_req_state {
	VSYSMEM_REQ_WAITED,		/* a caller of vsysmem_req_wait() */
	VSYSMEM_REQ_COMPLETED,		/* ... which the device has answered */
	VSYSMEM_REQ_ABANDONED,		/* ... which stopped waiting */
	VSYSMEM_REQ_ASYNC_REPLY,	/* queue the reply on reply_chan */
	VSYSMEM_REQ_NO_WAIT,		/* nobody: free it (CLOSE) */
};

/* A request chain; owned by the submitter until the device completes it. */
struct vsysmem_req {
	struct list_head node;		/* in deferred_closes */
	struct vsysmem_device *sdev;
	enum vsysmem_req_state state;
	struct completion done;
	void *out;
	struct virtio_sysmem_resp_hdr *resp;
	u32 in_len;			/* resp and room for a reply after it */
	struct sg_table out_sgt;
	struct sg_table in_sgt;
	u32 used_len;
	int err;			/* transport error, e.g. -ENODEV */
	struct vsysmem_channel *reply_chan; /* for VSYSMEM_REQ_ASYNC_REPLY */
	bool full_room;			/* resp is a whole reply room */
};

/* A two-way call: the device may hold it until its reply exists. */
static inline bool vsysmem_req_two_way(const struct vsysmem_req *req)
{
	return req->in_len > sizeof(*req->resp);
}

/* vsysmem_main.c */
void vsysmem_device_release(struct kref *kref);
struct vsysmem_req *vsysmem_req_alloc(struct vsysmem_device *sdev,
				      u32 out_len, u32 reply_room);
void vsysmem_req_free(struct vsysmem_req *req);
int vsysmem_req_submit(struct vsysmem_req *req);
int vsysmem_req_wait(struct vsysmem_req *req, u64 timeout_ns);
int vsysmem_send_close(struct vsysmem_device *sdev, u32 id);
int vsysmem_status_to_errno(s32 status);
void vsysmem_misc_init(struct vsysmem_device *sdev);

/* vsysmem_kapi.c */
int vsysmem_device_index_alloc(struct vsysmem_device *sdev);
void vsysmem_device_index_free(struct vsysmem_device *sdev);
void vsysmem_device_index_destroy(void);

/* vsysmem_object.c */
struct vsysmem_object *vsysmem_object_new(struct vsysmem_device *sdev,
					  u32 type);
int vsysmem_object_register(struct vsysmem_object *obj, u32 id);
int vsysmem_object_alloc_id(struct vsysmem_object *obj);
struct vsysmem_object *vsysmem_object_lookup(struct vsysmem_device *sdev,
					     u32 id);
void vsysmem_object_get(struct vsysmem_object *obj);
void vsysmem_object_put(struct vsysmem_object *obj);
void vsysmem_handle_close(struct vsysmem_object *obj);
void vsysmem_peer_closed(struct vsysmem_endpoint *ep, s32 status);
void vsysmem_channel_queue(struct vsysmem_channel *chan,
			   struct vsysmem_rxmsg *msg);
void vsysmem_channel_requeue(struct vsysmem_channel *chan,
			     struct vsysmem_rxmsg *msg);
void vsysmem_file_released(struct vsysmem_object *obj);
void vsysmem_rxmsg_free(struct vsysmem_rxmsg *msg);
struct vsysmem_rxmsg *vsysmem_rxmsg_from_wire(struct vsysmem_device *sdev,
					      const void *data, u32 len,
					      u32 num_bytes, u32 num_handles);
void vsysmem_discard_wire_handles(struct vsysmem_device *sdev,
				  const void *data, u32 len, u32 num_bytes,
				  u32 num_handles);
int vsysmem_object_pair(struct vsysmem_device *sdev, u32 type,
			struct vsysmem_object **kept,
			struct vsysmem_object **remote);
int vsysmem_object_connect(struct vsysmem_device *sdev, u32 protocol,
			   struct vsysmem_object **chan);
int vsysmem_msg_send(struct vsysmem_channel *chan, const void *bytes,
		     u32 num_bytes, struct vsysmem_object **handles,
		     u32 num_handles, bool call, u64 timeout_ns,
		     struct vsysmem_rxmsg **reply, s32 *epitaph);
struct vsysmem_rxmsg *vsysmem_channel_dequeue(struct vsysmem_channel *chan,
					      u32 bytes_cap, u32 handles_cap,
					      bool nonblock, u32 *need_bytes,
					      u32 *need_handles, s32 *epitaph,
					      int *err);

/* vsysmem_fops.c */
extern const struct file_operations vsysmem_misc_fops;
bool vsysmem_is_object_file(struct file *file);
struct vsysmem_object *vsysmem_claim_fd(struct vsysmem_device *sdev, int fd,
					u32 want_type,
					struct vsysmem_object *chan);

/* vsysmem_dmabuf.c */
struct dma_buf *vsysmem_buffer_export(struct vsysmem_buffer *buf);
bool vsysmem_is_dmabuf(struct dma_buf *dmabuf);
void vsysmem_buffers_zap(struct vsysmem_device *sdev);

#endif /* _VSYSMEM_INTERNAL_H */
