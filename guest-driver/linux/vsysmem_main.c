// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-sysmem guest driver: device binding and the virtqueue transport.
 *
 * The driver is a transport, not a second sysmem: it carries FIDL messages
 * between channel fds and the device, and turns handles into fds and back.
 * Requests go out on the request queue, each chain with room for its
 * response; the device completes two-way calls when their reply exists, so
 * chains complete out of order.  Events (FIDL events, epitaphs, peer
 * closed) arrive in buffers the driver keeps posted on the event queue.
 */
#include <linux/dma-buf.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>

#include "vsysmem_compat.h"
#include "vsysmem_internal.h"

int vsysmem_status_to_errno(s32 status)
{
	switch (status) {
	case VIRTIO_SYSMEM_S_OK:
		return 0;
	case VIRTIO_SYSMEM_S_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case VIRTIO_SYSMEM_S_NO_RESOURCES:
		return -ENOSPC;
	case VIRTIO_SYSMEM_S_NO_MEMORY:
		return -ENOMEM;
	case VIRTIO_SYSMEM_S_BAD_HANDLE:
		return -EBADF;
	case VIRTIO_SYSMEM_S_BUFFER_TOO_SMALL:
		return -EMSGSIZE;
	case VIRTIO_SYSMEM_S_PEER_CLOSED:
		return -EPIPE;
	case VIRTIO_SYSMEM_S_NOT_FOUND:
		return -ENOENT;
	case VIRTIO_SYSMEM_S_ALREADY_EXISTS:
		return -EEXIST;
	case VIRTIO_SYSMEM_S_WRONG_TYPE:
		return -EPROTOTYPE;
	case VIRTIO_SYSMEM_S_PROTOCOL_NOT_SUPPORTED:
		return -EPROTONOSUPPORT;
	default:
		return -EINVAL;
	}
}

/* The room a two-way call's reply needs: the largest message. */
static u32 vsysmem_full_reply_room(struct vsysmem_device *sdev)
{
	return sdev->max_msg_bytes +
	       sdev->max_msg_handles * sizeof(struct virtio_sysmem_handle);
}

static bool vsysmem_reply_room_get(struct vsysmem_device *sdev,
				   struct vsysmem_req *req)
{
	struct vsysmem_reply_room room = { 0 };

	spin_lock(&sdev->reply_rooms_lock);
	if (sdev->num_reply_rooms)
		room = sdev->reply_rooms[--sdev->num_reply_rooms];
	spin_unlock(&sdev->reply_rooms_lock);
	if (!room.buf)
		return false;
	req->resp = room.buf;
	req->in_sgt = room.sgt;
	return true;
}

/* Keep a finished call's reply room for the next call, if there is room. */
static bool vsysmem_reply_room_put(struct vsysmem_device *sdev,
				   struct vsysmem_req *req)
{
	bool kept = false;

	spin_lock(&sdev->reply_rooms_lock);
	if (sdev->num_reply_rooms < VSYSMEM_REPLY_ROOMS) {
		sdev->reply_rooms[sdev->num_reply_rooms].buf = req->resp;
		sdev->reply_rooms[sdev->num_reply_rooms].sgt = req->in_sgt;
		sdev->num_reply_rooms++;
		kept = true;
	}
	spin_unlock(&sdev->reply_rooms_lock);
	return kept;
}

static void vsysmem_reply_rooms_free(struct vsysmem_device *sdev)
{
	while (sdev->num_reply_rooms) {
		struct vsysmem_reply_room *room =
			&sdev->reply_rooms[--sdev->num_reply_rooms];

		sg_free_table(&room->sgt);
		kvfree(room->buf);
	}
}

void vsysmem_device_release(struct kref *kref)
{
	struct vsysmem_device *sdev =
		container_of(kref, struct vsysmem_device, kref);

	vsysmem_reply_rooms_free(sdev);
	xa_destroy(&sdev->objects);
	mutex_destroy(&sdev->mapped_lock);
	kfree(sdev);
}

/* Describe a buffer from vsysmem_buf_alloc() for the virtqueue. */
static int vsysmem_sg_table(struct sg_table *sgt, void *buf, size_t len)
{
	struct scatterlist *sg;
	unsigned int n, i;
	int err;

	if (!is_vmalloc_addr(buf)) {
		err = sg_alloc_table(sgt, 1, GFP_KERNEL);
		if (!err)
			sg_set_buf(sgt->sgl, buf, len);
		return err;
	}
	n = DIV_ROUND_UP(offset_in_page(buf) + len, PAGE_SIZE);
	err = sg_alloc_table(sgt, n, GFP_KERNEL);
	if (err)
		return err;
	for_each_sg(sgt->sgl, sg, n, i) {
		size_t chunk = min_t(size_t, len, PAGE_SIZE - offset_in_page(buf));

		sg_set_page(sg, vmalloc_to_page(buf), chunk, offset_in_page(buf));
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

/* Big buffers page by page (no order-5 kmalloc rounded up to 128 KiB). */
static void *vsysmem_buf_alloc(size_t len)
{
	return len > PAGE_SIZE ? vzalloc(len) : kzalloc(len, GFP_KERNEL);
}

struct vsysmem_req *vsysmem_req_alloc(struct vsysmem_device *sdev,
				      u32 out_len, u32 reply_room)
{
	struct vsysmem_req *req;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return NULL;
	req->sdev = sdev;
	req->state = VSYSMEM_REQ_WAITED;
	init_completion(&req->done);
	req->out = vsysmem_buf_alloc(out_len);
	req->in_len = sizeof(*req->resp) + reply_room;
	req->full_room = reply_room == vsysmem_full_reply_room(sdev);
	if (!req->full_room || !vsysmem_reply_room_get(sdev, req)) {
		req->resp = vsysmem_buf_alloc(req->in_len);
		if (req->resp &&
		    vsysmem_sg_table(&req->in_sgt, req->resp, req->in_len)) {
			kvfree(req->resp);
			req->resp = NULL;
		}
	}
	if (!req->out || !req->resp ||
	    vsysmem_sg_table(&req->out_sgt, req->out, out_len)) {
		vsysmem_req_free(req);
		return NULL;
	}
	return req;
}

void vsysmem_req_free(struct vsysmem_req *req)
{
	if (req->reply_chan)
		vsysmem_object_put(&req->reply_chan->ep.obj);
	sg_free_table(&req->out_sgt);
	kvfree(req->out);
	if (req->resp &&
	    !(req->full_room && vsysmem_reply_room_put(req->sdev, req))) {
		sg_free_table(&req->in_sgt);
		kvfree(req->resp);
	}
	kfree(req);
}

static bool vsysmem_reqq_has_room(struct vsysmem_device *sdev,
				  struct vsysmem_req *req)
{
	unsigned long flags;
	bool room;

	spin_lock_irqsave(&sdev->vq_lock, flags);
	room = sdev->dead ||
	       (sdev->reqq->num_free > 0 &&
		(!vsysmem_req_two_way(req) ||
		 sdev->num_two_way < sdev->max_two_way));
	spin_unlock_irqrestore(&sdev->vq_lock, flags);
	return room;
}

static int __vsysmem_req_submit(struct vsysmem_req *req, bool wait)
{
	struct vsysmem_device *sdev = req->sdev;
	struct scatterlist *sgs[2] = { req->out_sgt.sgl, req->in_sgt.sgl };
	bool two_way = vsysmem_req_two_way(req);
	unsigned long flags;
	bool notify = false;
	int err;

	for (;;) {
		spin_lock_irqsave(&sdev->vq_lock, flags);
		if (sdev->dead) {
			err = -ENODEV;
		} else if (two_way && sdev->num_two_way >= sdev->max_two_way) {
			/* Keep room for CLOSE: it is what frees held calls. */
			err = -ENOSPC;
		} else {
			err = virtqueue_add_sgs(sdev->reqq, sgs, 1, 1, req,
						GFP_ATOMIC);
			if (!err) {
				notify = virtqueue_kick_prepare(sdev->reqq);
				atomic_inc(&sdev->num_pending);
				atomic64_inc(&sdev->num_requests);
				sdev->num_two_way += two_way;
			}
		}
		spin_unlock_irqrestore(&sdev->vq_lock, flags);
		if (err != -ENOSPC || !wait)
			break;
		err = wait_event_interruptible(sdev->reqq_space,
					       vsysmem_reqq_has_room(sdev, req));
		if (err)
			return -EINTR;
	}
	if (notify)
		virtqueue_notify(sdev->reqq);
	return err;
}

int vsysmem_req_submit(struct vsysmem_req *req)
{
	return __vsysmem_req_submit(req, true);
}

/* Send the CLOSEs that found the ring full, oldest first. */
static void vsysmem_flush_closes(struct vsysmem_device *sdev)
{
	struct vsysmem_req *req;

	for (;;) {
		spin_lock(&sdev->close_lock);
		req = list_first_entry_or_null(&sdev->deferred_closes,
					       struct vsysmem_req, node);
		if (req)
			list_del(&req->node);
		spin_unlock(&sdev->close_lock);
		if (!req)
			return;
		if (__vsysmem_req_submit(req, false) == -ENOSPC) {
			spin_lock(&sdev->close_lock);
			list_add(&req->node, &sdev->deferred_closes);
			spin_unlock(&sdev->close_lock);
			return;
		}
	}
}

/*
 * Wait for a submitted request.  If the wait ends early the request is
 * abandoned: the completion path discards the reply (closing its handles)
 * and frees it, so the caller must not touch it afterwards.
 */
int vsysmem_req_wait(struct vsysmem_req *req, u64 timeout_ns)
{
	struct vsysmem_device *sdev = req->sdev;
	unsigned long flags;
	long ret;

	if (timeout_ns) {
		unsigned long jiffies_left = max_t(unsigned long, 1,
						   nsecs_to_jiffies(timeout_ns));

		ret = wait_for_completion_interruptible_timeout(&req->done,
								jiffies_left);
		if (ret == 0)
			ret = -ETIMEDOUT;
	} else {
		ret = wait_for_completion_interruptible(&req->done);
	}
	if (ret >= 0)
		return 0;

	spin_lock_irqsave(&sdev->vq_lock, flags);
	if (req->state == VSYSMEM_REQ_COMPLETED) {
		spin_unlock_irqrestore(&sdev->vq_lock, flags);
		return 0;
	}
	req->state = VSYSMEM_REQ_ABANDONED;
	spin_unlock_irqrestore(&sdev->vq_lock, flags);
	/* The message went out: restarting the syscall would resend it. */
	return ret == -ERESTARTSYS ? -EINTR : (int)ret;
}

int vsysmem_send_close(struct vsysmem_device *sdev, u32 id)
{
	struct virtio_sysmem_req_hdr *hdr;
	struct vsysmem_req *req;
	int err;

	req = vsysmem_req_alloc(sdev, sizeof(*hdr), 0);
	if (!req)
		return -ENOMEM;
	hdr = req->out;
	hdr->op = cpu_to_le32(VIRTIO_SYSMEM_OP_CLOSE);
	hdr->object_id = cpu_to_le32(id);
	req->state = VSYSMEM_REQ_NO_WAIT;
	/*
	 * A CLOSE is how sysmem learns a participant left: never drop it,
	 * not even for a dying task whose wait would be cut short.  If the
	 * ring is full it goes out as soon as a completion frees a slot.
	 */
	err = __vsysmem_req_submit(req, false);
	if (err == -ENOSPC) {
		spin_lock(&sdev->close_lock);
		list_add_tail(&req->node, &sdev->deferred_closes);
		spin_unlock(&sdev->close_lock);
		return 0;
	}
	if (err) {
		dev_dbg(&sdev->vdev->dev, "CLOSE %#x not sent: %d\n", id, err);
		vsysmem_req_free(req);
	}
	return err;
}

/* The reply to a two-way WRITE: queue it on the channel for READ. */
static void vsysmem_async_reply(struct vsysmem_req *req)
{
	struct vsysmem_device *sdev = req->sdev;
	struct virtio_sysmem_resp_hdr *resp = req->resp;
	struct vsysmem_rxmsg *msg = NULL;
	s32 status;

	if (!req->err && req->used_len >= sizeof(*resp)) {
		status = le32_to_cpu(resp->status);
		if (status == VIRTIO_SYSMEM_S_OK)
			msg = vsysmem_rxmsg_from_wire(sdev, resp + 1,
						      req->used_len - sizeof(*resp),
						      le32_to_cpu(resp->num_bytes),
						      le32_to_cpu(resp->num_handles));
		else
			dev_dbg(&sdev->vdev->dev, "call on %#x failed: %d\n",
				req->reply_chan->ep.obj.id, status);
	}
	if (msg)
		vsysmem_channel_queue(req->reply_chan, msg);
}

static void vsysmem_req_done(struct vsysmem_req *req)
{
	struct vsysmem_device *sdev = req->sdev;
	struct virtio_sysmem_resp_hdr *resp = req->resp;
	enum vsysmem_req_state state;
	unsigned long flags;

	spin_lock_irqsave(&sdev->vq_lock, flags);
	state = req->state;
	if (state == VSYSMEM_REQ_WAITED)
		req->state = VSYSMEM_REQ_COMPLETED;
	spin_unlock_irqrestore(&sdev->vq_lock, flags);

	switch (state) {
	case VSYSMEM_REQ_WAITED:
		complete(&req->done);
		return;
	case VSYSMEM_REQ_ASYNC_REPLY:
		vsysmem_async_reply(req);
		vsysmem_req_free(req);
		return;
	case VSYSMEM_REQ_NO_WAIT:
		vsysmem_req_free(req);
		return;
	case VSYSMEM_REQ_ABANDONED:
		break;
	case VSYSMEM_REQ_COMPLETED:
		WARN_ON_ONCE(1);	/* completed twice */
		return;
	}
	if (!req->err && req->used_len >= sizeof(*resp) &&
	    (s32)le32_to_cpu(resp->status) == VIRTIO_SYSMEM_S_OK)
		vsysmem_discard_wire_handles(sdev, resp + 1,
					     req->used_len - sizeof(*resp),
					     le32_to_cpu(resp->num_bytes),
					     le32_to_cpu(resp->num_handles));
	vsysmem_req_free(req);
}

static void vsysmem_drain_reqq(struct vsysmem_device *sdev)
{
	struct vsysmem_req *req;
	unsigned long flags;
	unsigned int len;

	for (;;) {
		spin_lock_irqsave(&sdev->vq_lock, flags);
		req = sdev->dead ? NULL : virtqueue_get_buf(sdev->reqq, &len);
		spin_unlock_irqrestore(&sdev->vq_lock, flags);
		if (!req)
			break;
		req->used_len = min_t(u32, len, req->in_len);
		atomic_dec(&sdev->num_pending);
		spin_lock_irqsave(&sdev->vq_lock, flags);
		sdev->num_two_way -= vsysmem_req_two_way(req);
		spin_unlock_irqrestore(&sdev->vq_lock, flags);
		wake_up(&sdev->reqq_space);
		vsysmem_req_done(req);
	}
	vsysmem_flush_closes(sdev);
}

static void vsysmem_req_work(struct work_struct *work)
{
	vsysmem_drain_reqq(container_of(work, struct vsysmem_device,
					req_work));
}

static void vsysmem_reqq_cb(struct virtqueue *vq)
{
	struct vsysmem_device *sdev = vq->vdev->priv;

	schedule_work(&sdev->req_work);
}

static int vsysmem_post_event_buf(struct vsysmem_device *sdev, void *buf)
{
	struct scatterlist sg;

	sg_init_one(&sg, buf, sdev->max_event_bytes);
	return virtqueue_add_inbuf(sdev->evq, &sg, 1, buf, GFP_ATOMIC);
}

static void vsysmem_handle_event(struct vsysmem_device *sdev,
				 struct virtio_sysmem_event *ev, u32 len)
{
	struct vsysmem_object *obj;
	struct vsysmem_rxmsg *msg;
	u32 type, num_bytes, num_handles;

	atomic64_inc(&sdev->num_events);
	if (len < sizeof(*ev)) {
		dev_warn_ratelimited(&sdev->vdev->dev, "short event (%u)\n",
				     len);
		return;
	}
	type = le32_to_cpu(ev->type);
	num_bytes = le32_to_cpu(ev->num_bytes);
	num_handles = le32_to_cpu(ev->num_handles);
	obj = vsysmem_object_lookup(sdev, le32_to_cpu(ev->object_id));

	switch (type) {
	case VIRTIO_SYSMEM_EVENT_MESSAGE:
		if (!obj || obj->type != VSYSMEM_HANDLE_CHANNEL) {
			vsysmem_discard_wire_handles(sdev, ev + 1,
						     len - sizeof(*ev),
						     num_bytes, num_handles);
			break;
		}
		msg = vsysmem_rxmsg_from_wire(sdev, ev + 1, len - sizeof(*ev),
					      num_bytes, num_handles);
		if (msg)
			vsysmem_channel_queue(to_vsysmem_channel(obj), msg);
		break;
	case VIRTIO_SYSMEM_EVENT_CLOSED:
		/* Only channel and event pair ends are registered. */
		if (!obj)
			break;
		/* The epitaph message stays readable before the hangup. */
		if (obj->type == VSYSMEM_HANDLE_CHANNEL && num_bytes &&
		    !num_handles) {
			msg = vsysmem_rxmsg_from_wire(sdev, ev + 1,
						      len - sizeof(*ev),
						      num_bytes, 0);
			if (msg)
				vsysmem_channel_queue(to_vsysmem_channel(obj),
						      msg);
		}
		vsysmem_peer_closed(to_vsysmem_endpoint(obj),
				    le32_to_cpu(ev->status));
		break;
	default:
		dev_warn_ratelimited(&sdev->vdev->dev, "unknown event %u\n",
				     type);
		break;
	}
	if (obj)
		vsysmem_object_put(obj);
}

static void vsysmem_ev_work(struct work_struct *work)
{
	struct vsysmem_device *sdev =
		container_of(work, struct vsysmem_device, ev_work);
	unsigned long flags;
	unsigned int len;
	void *buf;
	bool notify;

	for (;;) {
		/*
		 * A reply the device completed before it sent this event
		 * (say, the last one before an epitaph) must be queued first.
		 */
		vsysmem_drain_reqq(sdev);
		spin_lock_irqsave(&sdev->vq_lock, flags);
		buf = sdev->dead ? NULL : virtqueue_get_buf(sdev->evq, &len);
		spin_unlock_irqrestore(&sdev->vq_lock, flags);
		if (!buf)
			break;
		vsysmem_handle_event(sdev, buf,
				     min_t(u32, len, sdev->max_event_bytes));

		spin_lock_irqsave(&sdev->vq_lock, flags);
		notify = false;
		if (!sdev->dead && !vsysmem_post_event_buf(sdev, buf)) {
			notify = virtqueue_kick_prepare(sdev->evq);
			buf = NULL;
		}
		spin_unlock_irqrestore(&sdev->vq_lock, flags);
		kfree(buf);
		if (notify)
			virtqueue_notify(sdev->evq);
	}
}

static void vsysmem_evq_cb(struct virtqueue *vq)
{
	struct vsysmem_device *sdev = vq->vdev->priv;

	schedule_work(&sdev->ev_work);
}

static int vsysmem_fill_evq(struct vsysmem_device *sdev)
{
	unsigned long flags;
	int i, err = 0;
	void *buf;

	for (i = 0; i < VSYSMEM_EVENT_BUFS; i++) {
		buf = kzalloc(sdev->max_event_bytes, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		spin_lock_irqsave(&sdev->vq_lock, flags);
		err = vsysmem_post_event_buf(sdev, buf);
		spin_unlock_irqrestore(&sdev->vq_lock, flags);
		if (err) {
			kfree(buf);
			/* A smaller ring still works. */
			return i ? 0 : err;
		}
	}
	virtqueue_kick(sdev->evq);
	return 0;
}

static int vsysmem_find_vqs(struct vsysmem_device *sdev)
{
	struct virtqueue_info info[VIRTIO_SYSMEM_VQ_MAX] = {
		[VIRTIO_SYSMEM_VQ_REQUEST] = {
			.name = "request", .callback = vsysmem_reqq_cb
		},
		[VIRTIO_SYSMEM_VQ_EVENT] = {
			.name = "event", .callback = vsysmem_evq_cb
		},
	};
	struct virtqueue *vqs[VIRTIO_SYSMEM_VQ_MAX];
	int err;

	err = virtio_find_vqs(sdev->vdev, VIRTIO_SYSMEM_VQ_MAX, vqs, info,
			      NULL);
	if (err)
		return err;
	sdev->reqq = vqs[VIRTIO_SYSMEM_VQ_REQUEST];
	sdev->evq = vqs[VIRTIO_SYSMEM_VQ_EVENT];
	/*
	 * The device may hold two-way calls for as long as it likes; if they
	 * took every descriptor, the CLOSE that ends them could never be
	 * sent.  Leave a quarter of the ring to other requests.
	 */
	sdev->max_two_way = virtqueue_get_vring_size(sdev->reqq) * 3 / 4;
	if (!sdev->max_two_way)
		sdev->max_two_way = 1;
	return 0;
}

static int vsysmem_read_config(struct vsysmem_device *sdev)
{
	struct virtio_device *vdev = sdev->vdev;
	u32 wire_max;

	virtio_cread_le(vdev, struct virtio_sysmem_config, region_size,
			&sdev->region_size);
	virtio_cread_le(vdev, struct virtio_sysmem_config, max_msg_bytes,
			&sdev->max_msg_bytes);
	virtio_cread_le(vdev, struct virtio_sysmem_config, max_msg_handles,
			&sdev->max_msg_handles);
	virtio_cread_le(vdev, struct virtio_sysmem_config, max_event_bytes,
			&sdev->max_event_bytes);
	virtio_cread_le(vdev, struct virtio_sysmem_config, max_objects,
			&sdev->max_objects);

	if (sdev->max_msg_bytes < VSYSMEM_FIDL_HDR_BYTES) {
		dev_err(&vdev->dev, "max_msg_bytes %u too small\n",
			sdev->max_msg_bytes);
		return -EINVAL;
	}
	sdev->max_msg_bytes = min_t(u32, sdev->max_msg_bytes,
				    VIRTIO_SYSMEM_MAX_MSG_BYTES);
	sdev->max_msg_handles = min_t(u32, sdev->max_msg_handles,
				      VIRTIO_SYSMEM_MAX_MSG_HANDLES);
	wire_max = sizeof(struct virtio_sysmem_event) + sdev->max_msg_bytes +
		   sdev->max_msg_handles * sizeof(struct virtio_sysmem_handle);
	if (sdev->max_event_bytes < sizeof(struct virtio_sysmem_event) ||
	    sdev->max_event_bytes > wire_max) {
		dev_err(&vdev->dev, "max_event_bytes %u outside [%zu, %u]\n",
			sdev->max_event_bytes,
			sizeof(struct virtio_sysmem_event), wire_max);
		return -EINVAL;
	}
	if (virtio_has_feature(vdev, VIRTIO_SYSMEM_F_V1))
		sdev->features |= VSYSMEM_FEATURE_V1;
	if (virtio_has_feature(vdev, VIRTIO_SYSMEM_F_SECURE_HEAP))
		sdev->features |= VSYSMEM_FEATURE_SECURE_HEAP;
	return 0;
}

static int vsysmem_map_region(struct vsysmem_device *sdev)
{
	struct virtio_device *vdev = sdev->vdev;
	struct virtio_shm_region region;

	if (!virtio_get_shm_region(vdev, &region, VIRTIO_SYSMEM_SHM_BUFFERS)) {
		dev_err(&vdev->dev, "no shared memory region %u\n",
			VIRTIO_SYSMEM_SHM_BUFFERS);
		return -ENODEV;
	}
	if (!devm_request_mem_region(&vdev->dev, region.addr, region.len,
				     dev_name(&vdev->dev))) {
		dev_err(&vdev->dev, "region %pa+%#llx busy\n", &region.addr,
			region.len);
		return -EBUSY;
	}
	if (region.len < sdev->region_size)
		dev_warn(&vdev->dev,
			 "region is %#llx bytes, config says %#llx\n",
			 region.len, sdev->region_size);
	sdev->shm_addr = region.addr;
	sdev->shm_len = region.len;
	return 0;
}

static int vsysmem_probe(struct virtio_device *vdev)
{
	struct vsysmem_device *sdev;
	int err;

	sdev = kzalloc(sizeof(*sdev), GFP_KERNEL);
	if (!sdev)
		return -ENOMEM;
	kref_init(&sdev->kref);
	sdev->vdev = vdev;
	spin_lock_init(&sdev->vq_lock);
	spin_lock_init(&sdev->pair_lock);
	spin_lock_init(&sdev->close_lock);
	spin_lock_init(&sdev->reply_rooms_lock);
	INIT_LIST_HEAD(&sdev->deferred_closes);
	init_rwsem(&sdev->fault_lock);
	mutex_init(&sdev->mapped_lock);
	INIT_LIST_HEAD(&sdev->mapped_buffers);
	init_waitqueue_head(&sdev->reqq_space);
	INIT_WORK(&sdev->req_work, vsysmem_req_work);
	INIT_WORK(&sdev->ev_work, vsysmem_ev_work);
	xa_init_flags(&sdev->objects, XA_FLAGS_ALLOC1);
	atomic_set(&sdev->next_txid, 0);
	vdev->priv = sdev;

	err = vsysmem_read_config(sdev);
	if (err)
		goto err_free;
	err = vsysmem_map_region(sdev);
	if (err)
		goto err_free;
	err = vsysmem_find_vqs(sdev);
	if (err)
		goto err_free;

	virtio_device_ready(vdev);
	err = vsysmem_fill_evq(sdev);
	if (err)
		goto err_reset;

	err = vsysmem_device_index_alloc(sdev);
	if (err < 0)
		goto err_reset;
	snprintf(sdev->name, sizeof(sdev->name), "vsysmem%d", sdev->index);
	vsysmem_misc_init(sdev);
	err = misc_register(&sdev->misc);
	if (err)
		goto err_idr;

	dev_info(&vdev->dev,
		 "/dev/%s: region %#llx bytes at %pa, %u-entry request ring%s\n",
		 sdev->name, sdev->shm_len, &sdev->shm_addr,
		 virtqueue_get_vring_size(sdev->reqq),
		 sdev->features & VSYSMEM_FEATURE_V1 ? ", v1" : "");
	return 0;

err_idr:
	vsysmem_device_index_free(sdev);
err_reset:
	virtio_reset_device(vdev);
	sdev->dead = true;
	cancel_work_sync(&sdev->req_work);
	cancel_work_sync(&sdev->ev_work);
	while (1) {
		void *buf = virtqueue_detach_unused_buf(sdev->evq);

		if (!buf)
			break;
		kfree(buf);
	}
	vdev->config->del_vqs(vdev);
err_free:
	vdev->priv = NULL;
	kref_put(&sdev->kref, vsysmem_device_release);
	return err;
}

static void vsysmem_remove(struct virtio_device *vdev)
{
	struct vsysmem_device *sdev = vdev->priv;
	struct vsysmem_req *req, *tmp;
	struct vsysmem_object *obj;
	unsigned long flags, id;
	void *buf;

	/* No new users; open fds see -ENODEV from now on. */
	misc_deregister(&sdev->misc);
	vsysmem_device_index_free(sdev);

	virtio_reset_device(vdev);
	spin_lock_irqsave(&sdev->vq_lock, flags);
	sdev->dead = true;
	spin_unlock_irqrestore(&sdev->vq_lock, flags);
	wake_up_all(&sdev->reqq_space);
	/* The region is no longer ours: no process may keep it mapped. */
	vsysmem_buffers_zap(sdev);
	cancel_work_sync(&sdev->req_work);
	cancel_work_sync(&sdev->ev_work);

	while ((req = virtqueue_detach_unused_buf(sdev->reqq))) {
		atomic_dec(&sdev->num_pending);
		req->err = -ENODEV;
		req->used_len = 0;
		vsysmem_req_done(req);
	}
	while ((buf = virtqueue_detach_unused_buf(sdev->evq)))
		kfree(buf);
	vdev->config->del_vqs(vdev);
	/* The reset dropped every object on the device anyway. */
	list_for_each_entry_safe(req, tmp, &sdev->deferred_closes, node) {
		list_del(&req->node);
		vsysmem_req_free(req);
	}

	/*
	 * Whatever the guest still holds is now peer-closed.  Registered
	 * objects are only freed after they leave the xarray, which takes
	 * its lock, so holding it keeps them alive here.
	 */
	xa_lock(&sdev->objects);
	xa_for_each(&sdev->objects, id, obj)
		vsysmem_peer_closed(to_vsysmem_endpoint(obj),
				    VIRTIO_SYSMEM_S_PEER_CLOSED);
	xa_unlock(&sdev->objects);
	vdev->priv = NULL;
	kref_put(&sdev->kref, vsysmem_device_release);
}

static const struct virtio_device_id vsysmem_id_table[] = {
	{ VIRTIO_ID_SYSMEM, VIRTIO_DEV_ANY_ID },
	{ 0 },
};
MODULE_DEVICE_TABLE(virtio, vsysmem_id_table);

static unsigned int vsysmem_features[] = {
	VIRTIO_SYSMEM_F_V1,
	VIRTIO_SYSMEM_F_SECURE_HEAP,
};

static struct virtio_driver vsysmem_driver = {
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.id_table = vsysmem_id_table,
	.feature_table = vsysmem_features,
	.feature_table_size = ARRAY_SIZE(vsysmem_features),
	.probe = vsysmem_probe,
	.remove = vsysmem_remove,
};

static int __init vsysmem_init(void)
{
	return register_virtio_driver(&vsysmem_driver);
}

static void __exit vsysmem_exit(void)
{
	unregister_virtio_driver(&vsysmem_driver);
	vsysmem_device_index_destroy();
}

module_init(vsysmem_init);
module_exit(vsysmem_exit);

MODULE_DESCRIPTION("virtio-sysmem: Fuchsia sysmem buffer allocation over virtio");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
