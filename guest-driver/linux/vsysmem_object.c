// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-sysmem guest driver: handles (channel ends, buffers, event pair
 * ends) and the messages that carry them.
 *
 * An object is one Zircon handle.  Its handle has exactly one owner at a
 * time (a queued message, an fd, an in-kernel user, or the device once it
 * has been moved there); closing the handle tells the device with CLOSE.
 * The kref only keeps the memory alive for code that still looks at it.
 */
#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/slab.h>

#include "vsysmem_internal.h"

static atomic_t *vsysmem_counter(struct vsysmem_device *sdev, u32 type)
{
	switch (type) {
	case VSYSMEM_HANDLE_BUFFER:
		return &sdev->num_buffers;
	case VSYSMEM_HANDLE_EVENTPAIR:
		return &sdev->num_eventpairs;
	default:
		return &sdev->num_channels;
	}
}

static void vsysmem_object_init(struct vsysmem_object *obj,
				struct vsysmem_device *sdev, u32 type)
{
	kref_init(&obj->kref);
	kref_get(&sdev->kref);
	obj->sdev = sdev;
	obj->type = type;
	obj->owner = VSYSMEM_OWNER_KERNEL;
	spin_lock_init(&obj->lock);
	atomic_inc(vsysmem_counter(sdev, type));
}

/* A new kernel-owned handle of the given kind, or NULL. */
struct vsysmem_object *vsysmem_object_new(struct vsysmem_device *sdev,
					  u32 type)
{
	struct vsysmem_endpoint *ep;
	struct vsysmem_channel *chan;
	struct vsysmem_eventpair *evp;
	struct vsysmem_buffer *buf;

	switch (type) {
	case VSYSMEM_HANDLE_BUFFER:
		buf = kzalloc(sizeof(*buf), GFP_KERNEL);
		if (!buf)
			return NULL;
		vsysmem_object_init(&buf->obj, sdev, type);
		return &buf->obj;
	case VSYSMEM_HANDLE_CHANNEL:
		chan = kzalloc(sizeof(*chan), GFP_KERNEL);
		if (!chan)
			return NULL;
		INIT_LIST_HEAD(&chan->rxq);
		mutex_init(&chan->read_lock);
		ep = &chan->ep;
		break;
	case VSYSMEM_HANDLE_EVENTPAIR:
		evp = kzalloc(sizeof(*evp), GFP_KERNEL);
		if (!evp)
			return NULL;
		ep = &evp->ep;
		break;
	default:
		return NULL;
	}
	init_waitqueue_head(&ep->wq);
	vsysmem_object_init(&ep->obj, sdev, type);
	return &ep->obj;
}

static void vsysmem_object_release(struct kref *kref)
{
	struct vsysmem_object *obj =
		container_of(kref, struct vsysmem_object, kref);
	struct vsysmem_device *sdev = obj->sdev;
	struct vsysmem_channel *chan;

	switch (obj->type) {
	case VSYSMEM_HANDLE_BUFFER:
		kfree(to_vsysmem_buffer(obj));
		break;
	case VSYSMEM_HANDLE_CHANNEL:
		chan = to_vsysmem_channel(obj);
		WARN_ON_ONCE(!list_empty(&chan->rxq));
		mutex_destroy(&chan->read_lock);
		kfree(chan);
		break;
	default:
		kfree(container_of(to_vsysmem_endpoint(obj),
				   struct vsysmem_eventpair, ep));
		break;
	}
	kref_put(&sdev->kref, vsysmem_device_release);
}

void vsysmem_object_get(struct vsysmem_object *obj)
{
	kref_get(&obj->kref);
}

void vsysmem_object_put(struct vsysmem_object *obj)
{
	kref_put(&obj->kref, vsysmem_object_release);
}

/* Make obj findable by id, so that events reach it. */
int vsysmem_object_register(struct vsysmem_object *obj, u32 id)
{
	int err;

	err = xa_insert(&obj->sdev->objects, id, obj, GFP_KERNEL);
	if (err)
		return err;
	obj->id = id;
	obj->registered = true;
	return 0;
}

/* Choose a driver id for obj and register it. */
int vsysmem_object_alloc_id(struct vsysmem_object *obj)
{
	struct vsysmem_device *sdev = obj->sdev;
	u32 id;
	int err;

	/* Cyclic: an id moved to the device is never reused soon. */
	err = xa_alloc_cyclic(&sdev->objects, &id, obj,
			      XA_LIMIT(1, VSYSMEM_ID_DRIVER_MAX),
			      &sdev->next_id, GFP_KERNEL);
	if (err < 0)
		return err;
	obj->id = id;
	obj->registered = true;
	return 0;
}

struct vsysmem_object *vsysmem_object_lookup(struct vsysmem_device *sdev,
					     u32 id)
{
	struct vsysmem_object *obj;

	xa_lock(&sdev->objects);
	obj = xa_load(&sdev->objects, id);
	if (obj && !kref_get_unless_zero(&obj->kref))
		obj = NULL;
	xa_unlock(&sdev->objects);
	return obj;
}

static void vsysmem_object_unregister(struct vsysmem_object *obj)
{
	if (obj->registered) {
		xa_cmpxchg(&obj->sdev->objects, obj->id, obj, NULL, 0);
		obj->registered = false;
	}
}

/* Drop what a channel end has queued (nothing for other kinds). */
static void vsysmem_rxq_purge(struct vsysmem_object *obj)
{
	struct vsysmem_rxmsg *msg, *tmp;
	struct vsysmem_channel *chan;
	LIST_HEAD(list);

	if (obj->type != VSYSMEM_HANDLE_CHANNEL)
		return;
	chan = to_vsysmem_channel(obj);
	spin_lock(&obj->lock);
	list_splice_init(&chan->rxq, &list);
	spin_unlock(&obj->lock);
	list_for_each_entry_safe(msg, tmp, &list, node) {
		list_del(&msg->node);
		vsysmem_rxmsg_free(msg);
	}
}

/*
 * Close obj's handle: the owner gives up the handle and its reference.
 * The device hears CLOSE for everything it knows about.
 */
/*
 * An endpoint's handle is closed: unpair it.  Returns whether the device
 * knows the id and must hear CLOSE.
 */
static bool vsysmem_endpoint_unpair(struct vsysmem_endpoint *ep)
{
	struct vsysmem_device *sdev = ep->obj.sdev;
	struct vsysmem_endpoint *peer;
	bool tell_device = true;

	spin_lock(&sdev->pair_lock);
	peer = ep->peer;
	if (peer) {
		/* A pair the device has not seen yet: only the peer cares. */
		ep->peer = NULL;
		peer->peer = NULL;
		tell_device = false;
		if (ep->remote) {
			vsysmem_object_get(&peer->obj);
		} else {
			peer->orphan = true;
			peer = NULL;
		}
	} else if (ep->remote || !ep->bound) {
		tell_device = false;
	}
	spin_unlock(&sdev->pair_lock);
	if (peer) {
		vsysmem_peer_closed(peer, VIRTIO_SYSMEM_S_PEER_CLOSED);
		vsysmem_object_put(&peer->obj);
	}
	return tell_device;
}

void vsysmem_handle_close(struct vsysmem_object *obj)
{
	struct vsysmem_device *sdev = obj->sdev;
	bool tell_device = true;

	spin_lock(&obj->lock);
	if (obj->owner == VSYSMEM_OWNER_CLOSED ||
	    obj->owner == VSYSMEM_OWNER_MOVED) {
		spin_unlock(&obj->lock);
		vsysmem_object_put(obj);
		return;
	}
	obj->owner = VSYSMEM_OWNER_CLOSED;
	spin_unlock(&obj->lock);

	if (vsysmem_is_endpoint(obj))
		tell_device = vsysmem_endpoint_unpair(to_vsysmem_endpoint(obj));

	vsysmem_object_unregister(obj);
	vsysmem_rxq_purge(obj);
	if (tell_device)
		vsysmem_send_close(sdev, obj->id);
	atomic_dec(vsysmem_counter(sdev, obj->type));
	vsysmem_object_put(obj);
}

void vsysmem_peer_closed(struct vsysmem_endpoint *ep, s32 status)
{
	spin_lock(&ep->obj.lock);
	if (!ep->peer_closed) {
		ep->peer_closed = true;
		ep->epitaph = status;
	}
	spin_unlock(&ep->obj.lock);
	wake_up_interruptible_all(&ep->wq);
}

void vsysmem_rxmsg_free(struct vsysmem_rxmsg *msg)
{
	u32 i;

	for (i = 0; i < msg->num_handles; i++)
		if (msg->handles[i])
			vsysmem_handle_close(msg->handles[i]);
	kfree(msg);
}

static void vsysmem_channel_add(struct vsysmem_channel *chan,
				struct vsysmem_rxmsg *msg, bool head)
{
	struct vsysmem_object *obj = &chan->ep.obj;
	bool queued = false;

	spin_lock(&obj->lock);
	if (obj->owner != VSYSMEM_OWNER_CLOSED &&
	    obj->owner != VSYSMEM_OWNER_MOVED) {
		if (head)
			list_add(&msg->node, &chan->rxq);
		else
			list_add_tail(&msg->node, &chan->rxq);
		queued = true;
	}
	spin_unlock(&obj->lock);
	if (queued)
		wake_up_interruptible_all(&chan->ep.wq);
	else
		vsysmem_rxmsg_free(msg);
}

void vsysmem_channel_queue(struct vsysmem_channel *chan,
			   struct vsysmem_rxmsg *msg)
{
	vsysmem_channel_add(chan, msg, false);
}

/* Put back a message a reader could not take; it stays first. */
void vsysmem_channel_requeue(struct vsysmem_channel *chan,
			     struct vsysmem_rxmsg *msg)
{
	vsysmem_channel_add(chan, msg, true);
}

/* The fd (file or dma-buf) of obj went away: close the handle it owns. */
void vsysmem_file_released(struct vsysmem_object *obj)
{
	bool owner;

	spin_lock(&obj->lock);
	owner = obj->owner == VSYSMEM_OWNER_FILE;
	spin_unlock(&obj->lock);
	if (owner)
		vsysmem_handle_close(obj);
	vsysmem_object_put(obj);
}

static bool vsysmem_wire_handles_ok(const void *data, u32 len, u32 num_bytes,
				    u32 num_handles, u32 max_bytes,
				    u32 max_handles)
{
	if (num_bytes > max_bytes || num_handles > max_handles)
		return false;
	return (u64)num_bytes +
	       (u64)num_handles * sizeof(struct virtio_sysmem_handle) <= len;
}

/* Close, on the device, the handles of a message nobody will receive. */
void vsysmem_discard_wire_handles(struct vsysmem_device *sdev,
				  const void *data, u32 len, u32 num_bytes,
				  u32 num_handles)
{
	const struct virtio_sysmem_handle *wh;
	u32 i;

	if (!vsysmem_wire_handles_ok(data, len, num_bytes, num_handles,
				     sdev->max_msg_bytes,
				     sdev->max_msg_handles))
		return;
	wh = data + num_bytes;
	for (i = 0; i < num_handles; i++)
		if (le32_to_cpu(wh[i].id) != VIRTIO_SYSMEM_ID_INVALID)
			vsysmem_send_close(sdev, le32_to_cpu(wh[i].id));
}

static struct vsysmem_object *
vsysmem_object_from_wire(struct vsysmem_device *sdev,
			 const struct virtio_sysmem_handle *wh)
{
	u32 id = le32_to_cpu(wh->id), wire_type = le32_to_cpu(wh->type);
	u64 offset = le64_to_cpu(wh->offset), size = le64_to_cpu(wh->size);
	struct vsysmem_object *obj;
	u32 type;

	switch (wire_type) {
	case VIRTIO_SYSMEM_HANDLE_CHANNEL_CLIENT:
		type = VSYSMEM_HANDLE_CHANNEL;
		break;
	case VIRTIO_SYSMEM_HANDLE_BUFFER:
		type = VSYSMEM_HANDLE_BUFFER;
		if (!size || !PAGE_ALIGNED(offset) || offset >= sdev->shm_len ||
		    size > sdev->shm_len - offset) {
			dev_warn_ratelimited(&sdev->vdev->dev,
					     "buffer %#x at %#llx+%#llx outside the region\n",
					     id, offset, size);
			return ERR_PTR(-EPROTO);
		}
		break;
	case VIRTIO_SYSMEM_HANDLE_EVENTPAIR:
		type = VSYSMEM_HANDLE_EVENTPAIR;
		break;
	default:
		/* Server ends are served by the device, never by the guest. */
		dev_warn_ratelimited(&sdev->vdev->dev,
				     "unexpected handle type %u\n", wire_type);
		return ERR_PTR(-EPROTO);
	}
	if (id == VIRTIO_SYSMEM_ID_INVALID)
		return ERR_PTR(-EPROTO);

	obj = vsysmem_object_new(sdev, type);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->rights = le32_to_cpu(wh->rights);
	if (type == VSYSMEM_HANDLE_BUFFER) {
		struct vsysmem_buffer *buf = to_vsysmem_buffer(obj);

		obj->id = id;
		buf->offset = offset;
		buf->size = size;
		buf->flags = le32_to_cpu(wh->flags);
		return obj;
	}
	/* The device holds the peer of what it sends. */
	to_vsysmem_endpoint(obj)->bound = true;
	if (vsysmem_object_register(obj, id)) {
		/* Already known: the device broke the id rules. */
		dev_warn_ratelimited(&sdev->vdev->dev, "duplicate id %#x\n",
				     id);
		atomic_dec(vsysmem_counter(sdev, type));
		vsysmem_object_put(obj);
		return ERR_PTR(-EPROTO);
	}
	return obj;
}

/*
 * Turn the bytes + handle table of a reply or event into a message whose
 * handles the guest now owns.  On failure the handles are closed on the
 * device and NULL is returned.
 */
struct vsysmem_rxmsg *vsysmem_rxmsg_from_wire(struct vsysmem_device *sdev,
					      const void *data, u32 len,
					      u32 num_bytes, u32 num_handles)
{
	const struct virtio_sysmem_handle *wh = data + num_bytes;
	struct vsysmem_rxmsg *msg;
	u32 i;

	if (!vsysmem_wire_handles_ok(data, len, num_bytes, num_handles,
				     sdev->max_msg_bytes,
				     sdev->max_msg_handles)) {
		dev_warn_ratelimited(&sdev->vdev->dev,
				     "message of %u bytes, %u handles does not fit %u\n",
				     num_bytes, num_handles, len);
		return NULL;
	}
	msg = kzalloc(sizeof(*msg) + ALIGN(num_bytes, sizeof(void *)) +
		      num_handles * sizeof(msg->handles[0]), GFP_KERNEL);
	if (!msg) {
		vsysmem_discard_wire_handles(sdev, data, len, num_bytes,
					     num_handles);
		return NULL;
	}
	msg->handles = (void *)(msg->bytes + ALIGN(num_bytes, sizeof(void *)));
	memcpy(msg->bytes, data, num_bytes);
	msg->num_bytes = num_bytes;
	for (i = 0; i < num_handles; i++) {
		struct vsysmem_object *obj = vsysmem_object_from_wire(sdev,
								      &wh[i]);

		if (IS_ERR(obj)) {
			u32 j;

			for (j = i; j < num_handles; j++)
				if (le32_to_cpu(wh[j].id) !=
				    VIRTIO_SYSMEM_ID_INVALID)
					vsysmem_send_close(sdev,
							   le32_to_cpu(wh[j].id));
			msg->num_handles = i;
			vsysmem_rxmsg_free(msg);
			return NULL;
		}
		msg->handles[i] = obj;
	}
	msg->num_handles = num_handles;
	return msg;
}

/*
 * Create a pair: the end the guest keeps (channel client end, event pair
 * end) and the end that can only be moved to the device.  Both share one
 * driver-chosen id; only the kept end is registered for events.
 */
int vsysmem_object_pair(struct vsysmem_device *sdev, u32 type,
			struct vsysmem_object **kept,
			struct vsysmem_object **remote)
{
	struct vsysmem_endpoint *kep, *rep;
	struct vsysmem_object *k, *r;
	int err;

	k = vsysmem_object_new(sdev, type);
	if (!k)
		return -ENOMEM;
	r = vsysmem_object_new(sdev, type);
	if (!r) {
		vsysmem_handle_close(k);
		return -ENOMEM;
	}
	err = vsysmem_object_alloc_id(k);
	if (err) {
		vsysmem_handle_close(r);
		vsysmem_handle_close(k);
		return err;
	}
	kep = to_vsysmem_endpoint(k);
	rep = to_vsysmem_endpoint(r);
	r->id = k->id;
	rep->remote = true;
	if (type == VSYSMEM_HANDLE_CHANNEL) {
		k->rights = VSYSMEM_RIGHT_TRANSFER | VSYSMEM_RIGHT_READ |
			    VSYSMEM_RIGHT_WRITE | VSYSMEM_RIGHT_SIGNAL;
	} else {
		k->rights = VSYSMEM_RIGHT_DUPLICATE | VSYSMEM_RIGHT_TRANSFER |
			    VSYSMEM_RIGHT_SIGNAL;
	}
	r->rights = k->rights;
	spin_lock(&sdev->pair_lock);
	kep->peer = rep;
	rep->peer = kep;
	spin_unlock(&sdev->pair_lock);
	*kept = k;
	*remote = r;
	return 0;
}

int vsysmem_object_connect(struct vsysmem_device *sdev, u32 protocol,
			   struct vsysmem_object **chanp)
{
	struct virtio_sysmem_req_hdr *hdr;
	struct vsysmem_object *chan;
	struct vsysmem_req *req;
	int err;

	if (protocol != VSYSMEM_PROTOCOL_SYSMEM2 &&
	    protocol != VSYSMEM_PROTOCOL_SYSMEM1)
		return -EINVAL;
	if (protocol == VSYSMEM_PROTOCOL_SYSMEM1 &&
	    !(sdev->features & VSYSMEM_FEATURE_V1))
		return -EPROTONOSUPPORT;

	chan = vsysmem_object_new(sdev, VSYSMEM_HANDLE_CHANNEL);
	if (!chan)
		return -ENOMEM;
	chan->rights = VSYSMEM_RIGHT_TRANSFER | VSYSMEM_RIGHT_READ |
		       VSYSMEM_RIGHT_WRITE | VSYSMEM_RIGHT_SIGNAL;
	err = vsysmem_object_alloc_id(chan);
	if (err)
		goto err_close;

	req = vsysmem_req_alloc(sdev, sizeof(*hdr), 0);
	if (!req) {
		err = -ENOMEM;
		goto err_close;
	}
	hdr = req->out;
	hdr->op = cpu_to_le32(VIRTIO_SYSMEM_OP_CONNECT);
	hdr->object_id = cpu_to_le32(chan->id);
	hdr->arg = cpu_to_le32(protocol);
	err = vsysmem_req_submit(req);
	if (err) {
		vsysmem_req_free(req);
		goto err_close;
	}
	err = vsysmem_req_wait(req, 0);
	if (err)
		goto err_abandoned;
	err = req->err;
	if (!err && req->used_len < sizeof(*req->resp))
		err = -EPROTO;
	if (!err)
		err = vsysmem_status_to_errno(le32_to_cpu(req->resp->status));
	vsysmem_req_free(req);
	if (err)
		goto err_close;
	to_vsysmem_endpoint(chan)->bound = true;
	*chanp = chan;
	return 0;

err_abandoned:
	/* The device may have opened it: let CLOSE tidy up. */
	to_vsysmem_endpoint(chan)->bound = true;
err_close:
	vsysmem_handle_close(chan);
	return err;
}

/*
 * Move handles into a message for the device.  Called with every handle
 * validated; from here on they belong to the message (and then the device)
 * whatever happens.  Returns the number of ids to CLOSE after the message:
 * kept ends whose peer must be closed again at once because the kept end
 * is already gone, and device event pairs the device only borrows.
 */
static void vsysmem_move_handles(struct vsysmem_device *sdev,
				 struct vsysmem_object **handles,
				 u32 num_handles,
				 struct virtio_sysmem_handle *wh,
				 u32 *orphans, u32 *num_orphans)
{
	u32 i;

	*num_orphans = 0;
	for (i = 0; i < num_handles; i++) {
		struct vsysmem_object *obj = handles[i];
		struct vsysmem_endpoint *ep = to_vsysmem_endpoint(obj);
		struct vsysmem_endpoint *kept;
		u32 type;

		if (obj->type == VSYSMEM_HANDLE_EVENTPAIR)
			type = VIRTIO_SYSMEM_HANDLE_EVENTPAIR;
		else if (ep->remote)
			type = VIRTIO_SYSMEM_HANDLE_CHANNEL_SERVER;
		else
			type = VIRTIO_SYSMEM_HANDLE_CHANNEL_CLIENT;
		memset(&wh[i], 0, sizeof(wh[i]));
		wh[i].type = cpu_to_le32(type);
		wh[i].id = cpu_to_le32(obj->id);
		wh[i].rights = cpu_to_le32(obj->rights);

		/*
		 * The device only borrows an event pair it created (a node
		 * reference, a close_weak_asap end): the caller gave its handle
		 * away, so drop it on the device once the message is there.
		 */
		if (obj->type == VSYSMEM_HANDLE_EVENTPAIR &&
		    (obj->id & VIRTIO_SYSMEM_ID_DEVICE_BIT))
			orphans[(*num_orphans)++] = obj->id;

		spin_lock(&sdev->pair_lock);
		if (ep->remote) {
			kept = ep->peer;
			ep->peer = NULL;
			if (kept) {
				kept->peer = NULL;
				kept->bound = true;
			} else if (ep->orphan) {
				orphans[(*num_orphans)++] = obj->id;
			}
		}
		spin_unlock(&sdev->pair_lock);

		spin_lock(&obj->lock);
		obj->owner = VSYSMEM_OWNER_MOVED;
		spin_unlock(&obj->lock);
		/* Readers and pollers of the now dead fd must not wait on. */
		wake_up_interruptible_all(&ep->wq);
		/* The device holds it now; its id no longer routes here. */
		vsysmem_object_unregister(obj);
		vsysmem_rxq_purge(obj);
		atomic_dec(vsysmem_counter(sdev, obj->type));
		vsysmem_object_put(obj);
	}
}

/*
 * The message carrying these handles never reached the device: close on
 * the device the client ends it already knew, so that no participant
 * waits for a handle nobody holds.  (Its own event pairs are among the
 * orphans, closed either way.)
 */
static void vsysmem_unsent_handles(struct vsysmem_device *sdev,
				   const struct virtio_sysmem_handle *wh,
				   u32 num_handles)
{
	u32 i, type, id;

	for (i = 0; i < num_handles; i++) {
		type = le32_to_cpu(wh[i].type);
		id = le32_to_cpu(wh[i].id);
		if (type == VIRTIO_SYSMEM_HANDLE_CHANNEL_CLIENT)
			vsysmem_send_close(sdev, id);
	}
}

/**
 * vsysmem_msg_send() - send a FIDL message on a channel
 * @chan: channel client end (the caller holds a reference)
 * @bytes: message bytes, FIDL header first
 * @num_bytes: size of @bytes
 * @handles: handles to move; consumed, whatever the result
 * @num_handles: number of @handles
 * @call: wait for the reply and return it in @reply (a fresh txid is set)
 * @timeout_ns: for @call, 0 for none
 * @reply: for @call, the reply
 * @epitaph: for @call, the device's status when the channel was closed
 *
 * Return: 0 or a negative errno.
 */
int vsysmem_msg_send(struct vsysmem_channel *chan, const void *bytes,
		     u32 num_bytes, struct vsysmem_object **handles,
		     u32 num_handles, bool call, u64 timeout_ns,
		     struct vsysmem_rxmsg **reply, s32 *epitaph)
{
	struct vsysmem_object *obj = &chan->ep.obj;
	struct vsysmem_device *sdev = obj->sdev;
	struct virtio_sysmem_resp_hdr *resp;
	struct virtio_sysmem_req_hdr *hdr;
	u32 orphans[VIRTIO_SYSMEM_MAX_MSG_HANDLES];
	u32 num_orphans = 0, reply_room = 0, i;
	__le32 txid;	/* FIDL messages are little-endian too */
	struct vsysmem_req *req;
	bool two_way;
	int err;

	if (num_bytes < VSYSMEM_FIDL_HDR_BYTES ||
	    num_bytes > sdev->max_msg_bytes ||
	    num_handles > sdev->max_msg_handles) {
		err = -EINVAL;
		goto err_handles;
	}
	spin_lock(&obj->lock);
	if (obj->owner == VSYSMEM_OWNER_CLOSED ||
	    obj->owner == VSYSMEM_OWNER_MOVED)
		err = -EBADFD;
	else if (chan->ep.peer_closed)
		err = -EPIPE;
	else if (!chan->ep.bound)
		err = -ENOTCONN;
	else
		err = 0;
	if (epitaph)
		*epitaph = chan->ep.peer_closed ? chan->ep.epitaph : 0;
	spin_unlock(&obj->lock);
	if (err)
		goto err_handles;

	memcpy(&txid, bytes, sizeof(txid));
	two_way = call || txid;
	if (two_way)
		reply_room = sdev->max_msg_bytes + sdev->max_msg_handles *
			     sizeof(struct virtio_sysmem_handle);
	req = vsysmem_req_alloc(sdev, sizeof(*hdr) + num_bytes + num_handles *
				sizeof(struct virtio_sysmem_handle),
				reply_room);
	if (!req) {
		err = -ENOMEM;
		goto err_handles;
	}
	hdr = req->out;
	hdr->op = cpu_to_le32(VIRTIO_SYSMEM_OP_MESSAGE);
	hdr->object_id = cpu_to_le32(obj->id);
	hdr->num_bytes = cpu_to_le32(num_bytes);
	hdr->num_handles = cpu_to_le32(num_handles);
	memcpy(hdr + 1, bytes, num_bytes);
	if (call) {
		/* Kernel-chosen txids have the high bit set, as on Zircon. */
		txid = cpu_to_le32(0x80000000u |
				   (atomic_inc_return(&sdev->next_txid) &
				    0x7fffffffu));
		memcpy(hdr + 1, &txid, sizeof(txid));
	}
	vsysmem_move_handles(sdev, handles, num_handles,
			     (void *)(hdr + 1) + num_bytes, orphans,
			     &num_orphans);
	if (two_way && !call) {
		vsysmem_object_get(obj);
		req->reply_chan = chan;
		req->state = VSYSMEM_REQ_ASYNC_REPLY;
	}

	err = vsysmem_req_submit(req);
	if (err) {
		vsysmem_unsent_handles(sdev, (void *)(hdr + 1) + num_bytes,
				       num_handles);
		vsysmem_req_free(req);
		goto out_orphans;
	}
	if (two_way && !call)
		goto out_orphans;

	err = vsysmem_req_wait(req, call ? timeout_ns : 0);
	if (err)
		goto out_orphans;
	resp = req->resp;
	err = req->err;
	if (!err && req->used_len < sizeof(*resp))
		err = -EPROTO;
	if (!err)
		err = vsysmem_status_to_errno(le32_to_cpu(resp->status));
	if (!err && call) {
		*reply = vsysmem_rxmsg_from_wire(sdev, resp + 1,
						 req->used_len - sizeof(*resp),
						 le32_to_cpu(resp->num_bytes),
						 le32_to_cpu(resp->num_handles));
		if (!*reply)
			err = -EPROTO;
	}
	if (err == -EPIPE && epitaph) {
		spin_lock(&obj->lock);
		*epitaph = chan->ep.peer_closed ? chan->ep.epitaph :
			   VIRTIO_SYSMEM_S_PEER_CLOSED;
		spin_unlock(&obj->lock);
	}
	vsysmem_req_free(req);

out_orphans:
	for (i = 0; i < num_orphans; i++)
		vsysmem_send_close(sdev, orphans[i]);
	return err;

err_handles:
	for (i = 0; i < num_handles; i++)
		vsysmem_handle_close(handles[i]);
	return err;
}

static bool vsysmem_channel_readable(struct vsysmem_channel *chan)
{
	struct vsysmem_object *obj = &chan->ep.obj;
	bool ready;

	spin_lock(&obj->lock);
	ready = !list_empty(&chan->rxq) || chan->ep.peer_closed ||
		obj->owner == VSYSMEM_OWNER_MOVED ||
		obj->owner == VSYSMEM_OWNER_CLOSED;
	spin_unlock(&obj->lock);
	return ready;
}

/*
 * Take the next message off a channel, if it fits.  With -EMSGSIZE the
 * message stays queued and *need_* say what it needs.
 */
struct vsysmem_rxmsg *vsysmem_channel_dequeue(struct vsysmem_channel *chan,
					      u32 bytes_cap, u32 handles_cap,
					      bool nonblock, u32 *need_bytes,
					      u32 *need_handles, s32 *epitaph,
					      int *err)
{
	struct vsysmem_object *obj = &chan->ep.obj;
	struct vsysmem_rxmsg *msg;

	for (;;) {
		spin_lock(&obj->lock);
		msg = list_first_entry_or_null(&chan->rxq,
					       struct vsysmem_rxmsg, node);
		if (msg) {
			*need_bytes = msg->num_bytes;
			*need_handles = msg->num_handles;
			if (msg->num_bytes > bytes_cap ||
			    msg->num_handles > handles_cap) {
				spin_unlock(&obj->lock);
				*err = -EMSGSIZE;
				return NULL;
			}
			list_del(&msg->node);
			spin_unlock(&obj->lock);
			*err = 0;
			return msg;
		}
		if (obj->owner == VSYSMEM_OWNER_CLOSED ||
		    obj->owner == VSYSMEM_OWNER_MOVED) {
			*err = -EBADFD;
		} else if (chan->ep.peer_closed) {
			*epitaph = chan->ep.epitaph;
			*err = -EPIPE;
		} else if (nonblock) {
			*err = -EAGAIN;
		} else {
			*err = 0;
		}
		spin_unlock(&obj->lock);
		if (*err)
			return NULL;
		*err = wait_event_interruptible(chan->ep.wq,
						vsysmem_channel_readable(chan));
		if (*err)
			return NULL;
	}
}
