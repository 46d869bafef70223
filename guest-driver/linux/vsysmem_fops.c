// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-sysmem guest driver: the user-space interface (/dev/vsysmemN and
 * the fds it hands out).
 */
#include <linux/anon_inodes.h>
#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vsysmem_internal.h"

static const struct file_operations vsysmem_object_fops;

bool vsysmem_is_object_file(struct file *file)
{
	return file->f_op == &vsysmem_object_fops;
}

static const char *vsysmem_object_name(struct vsysmem_object *obj)
{
	switch (vsysmem_object_type(obj)) {
	case VSYSMEM_HANDLE_CHANNEL:
		return "[vsysmem-channel]";
	case VSYSMEM_HANDLE_CHANNEL_SERVER:
		return "[vsysmem-server]";
	default:
		return "[vsysmem-eventpair]";
	}
}

/*
 * A not yet installed file for a kernel-owned handle.  It holds its own
 * reference; the handle itself passes to it in vsysmem_file_commit().
 */
static struct file *vsysmem_file_create(struct vsysmem_object *obj)
{
	struct dma_buf *dmabuf;
	struct file *file;

	if (obj->type == VSYSMEM_HANDLE_BUFFER) {
		dmabuf = vsysmem_buffer_export(to_vsysmem_buffer(obj));
		if (IS_ERR(dmabuf))
			return ERR_CAST(dmabuf);
		return dmabuf->file;
	}
	vsysmem_object_get(obj);
	file = anon_inode_getfile(vsysmem_object_name(obj),
				  &vsysmem_object_fops, obj, O_RDWR);
	if (IS_ERR(file))
		vsysmem_object_put(obj);
	return file;
}

/*
 * The file now owns the handle: the handle's reference stays with it,
 * beside the file's own, until the file is released or the handle moved.
 */
static void vsysmem_file_commit(struct vsysmem_object *obj)
{
	spin_lock(&obj->lock);
	obj->owner = VSYSMEM_OWNER_FILE;
	spin_unlock(&obj->lock);
}

/* Give a kernel-owned handle an fd; on failure the handle is untouched. */
static int vsysmem_install(struct vsysmem_object *obj, int *fdp,
			   struct file **filep)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	file = vsysmem_file_create(obj);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	*fdp = fd;
	*filep = file;
	return 0;
}

static void vsysmem_uninstall(int fd, struct file *file)
{
	put_unused_fd(fd);
	fput(file);
}

/*
 * Take the handle out of an fd (moving it into the kernel).  The fd stays
 * open but dead.  Returns the object holding the handle's reference.
 */
struct vsysmem_object *vsysmem_claim_fd(struct vsysmem_device *sdev, int fd,
					u32 want_type,
					struct vsysmem_object *chan)
{
	struct vsysmem_endpoint *ep;
	struct vsysmem_object *obj;
	struct file *file;
	int err = 0;

	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	if (!vsysmem_is_object_file(file)) {
		struct dma_buf *dmabuf = dma_buf_get(fd);

		fput(file);
		if (IS_ERR(dmabuf))
			return ERR_PTR(-EBADF);
		/* Buffers are not sent to the device by this version. */
		dma_buf_put(dmabuf);
		return ERR_PTR(-EOPNOTSUPP);
	}
	/* Object files hold channel and event pair ends. */
	obj = file->private_data;
	ep = to_vsysmem_endpoint(obj);
	if (obj == chan)
		err = -EINVAL;	/* a channel cannot carry itself */
	else if (obj->sdev != sdev)
		err = -EXDEV;
	else if (want_type && vsysmem_object_type(obj) != want_type)
		err = -EPROTOTYPE;
	/* A kept end whose peer the device has never seen. */
	else if (!ep->remote && !ep->bound)
		err = -ENOTCONN;
	/* The device already holds the other end of a driver pair. */
	else if (obj->type == VSYSMEM_HANDLE_EVENTPAIR && !ep->remote &&
		 !(obj->id & VIRTIO_SYSMEM_ID_DEVICE_BIT))
		err = -EINVAL;
	if (!err) {
		spin_lock(&obj->lock);
		if (obj->owner == VSYSMEM_OWNER_FILE)
			obj->owner = VSYSMEM_OWNER_KERNEL;
		else
			err = -EBADFD;
		spin_unlock(&obj->lock);
	}
	/* The handle's reference passes to the caller; the file keeps its own. */
	fput(file);
	return err ? ERR_PTR(err) : obj;
}

static int vsysmem_claim_handles(struct vsysmem_channel *chan,
				 const struct vsysmem_msg *m,
				 struct vsysmem_object **objs)
{
	struct vsysmem_handle __user *uh = u64_to_user_ptr(m->handles);
	struct vsysmem_handle h;
	u32 i, j;
	int err = 0;

	for (i = 0; i < m->num_handles; i++) {
		if (copy_from_user(&h, &uh[i], sizeof(h))) {
			err = -EFAULT;
			break;
		}
		if (h.rights || h.flags || h.size) {
			err = -EINVAL;
			break;
		}
		objs[i] = vsysmem_claim_fd(chan->ep.obj.sdev, h.fd, h.type,
					   &chan->ep.obj);
		if (IS_ERR(objs[i])) {
			err = PTR_ERR(objs[i]);
			break;
		}
	}
	if (err) {
		/* Handles are consumed even on failure, as on Zircon. */
		for (j = 0; j < i; j++)
			vsysmem_handle_close(objs[j]);
	}
	return err;
}

static int vsysmem_check_msg(struct vsysmem_device *sdev,
			     const struct vsysmem_msg *m, bool write)
{
	if (m->flags)
		return -EINVAL;
	if (write && (m->status || m->num_bytes > sdev->max_msg_bytes ||
		      m->num_handles > sdev->max_msg_handles))
		return -EINVAL;
	return 0;
}

static int vsysmem_do_send(struct vsysmem_channel *chan,
			   const struct vsysmem_msg *m, bool call,
			   u64 timeout_ns, struct vsysmem_rxmsg **reply,
			   s32 *epitaph)
{
	struct vsysmem_device *sdev = chan->ep.obj.sdev;
	struct vsysmem_object **objs = NULL;
	void *bytes;
	int err;

	err = vsysmem_check_msg(sdev, m, true);
	if (err)
		return err;
	if (m->num_bytes < VSYSMEM_FIDL_HDR_BYTES)
		return -EINVAL;
	bytes = memdup_user(u64_to_user_ptr(m->bytes), m->num_bytes);
	if (IS_ERR(bytes))
		return PTR_ERR(bytes);
	if (m->num_handles) {
		objs = kcalloc(m->num_handles, sizeof(*objs), GFP_KERNEL);
		if (!objs) {
			err = -ENOMEM;
			goto out;
		}
		err = vsysmem_claim_handles(chan, m, objs);
		if (err)
			goto out;
	}
	err = vsysmem_msg_send(chan, bytes, m->num_bytes, objs, m->num_handles,
			       call, timeout_ns, reply, epitaph);
out:
	kfree(objs);
	kfree(bytes);
	return err;
}

/*
 * Hand a received message to user space: bytes, and one new fd per
 * handle.  Everything that can fail happens before any fd is installed,
 * so on failure the message is intact and the caller can requeue it.
 */
static int vsysmem_deliver(struct vsysmem_rxmsg *msg, struct vsysmem_msg *m)
{
	struct vsysmem_handle __user *uh = u64_to_user_ptr(m->handles);
	struct file **files = NULL;
	struct vsysmem_handle h;
	int *fds = NULL;
	u32 i, n = 0;
	int err = 0;

	if (copy_to_user(u64_to_user_ptr(m->bytes), msg->bytes,
			 msg->num_bytes))
		return -EFAULT;
	if (msg->num_handles) {
		files = kcalloc(msg->num_handles, sizeof(*files), GFP_KERNEL);
		fds = kcalloc(msg->num_handles, sizeof(*fds), GFP_KERNEL);
		if (!files || !fds) {
			err = -ENOMEM;
			goto out;
		}
	}
	for (n = 0; n < msg->num_handles; n++) {
		struct vsysmem_object *obj = msg->handles[n];

		err = vsysmem_install(obj, &fds[n], &files[n]);
		if (err)
			goto out;
		memset(&h, 0, sizeof(h));
		h.fd = fds[n];
		h.type = vsysmem_object_type(obj);
		h.rights = obj->rights;
		if (obj->type == VSYSMEM_HANDLE_BUFFER) {
			h.flags = to_vsysmem_buffer(obj)->flags;
			h.size = to_vsysmem_buffer(obj)->size;
		}
		if (copy_to_user(&uh[n], &h, sizeof(h))) {
			err = -EFAULT;
			n++;
			goto out;
		}
	}
	for (i = 0; i < msg->num_handles; i++) {
		fd_install(fds[i], files[i]);
		vsysmem_file_commit(msg->handles[i]);
		msg->handles[i] = NULL;
	}
	m->num_bytes = msg->num_bytes;
	m->num_handles = msg->num_handles;
out:
	if (err)
		for (i = 0; i < n; i++)
			vsysmem_uninstall(fds[i], files[i]);
	kfree(files);
	kfree(fds);
	return err;
}

static long vsysmem_chan_read(struct file *file, struct vsysmem_channel *chan,
			      void __user *arg)
{
	struct vsysmem_rxmsg *msg;
	struct vsysmem_msg m;
	s32 epitaph = 0;
	u32 nb, nh;
	int err;

	if (copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	err = vsysmem_check_msg(chan->ep.obj.sdev, &m, false);
	if (err)
		return err;
	if (m.status)
		return -EINVAL;

	if (mutex_lock_interruptible(&chan->read_lock))
		return -EINTR;
	msg = vsysmem_channel_dequeue(chan, m.num_bytes, m.num_handles,
				      file->f_flags & O_NONBLOCK, &nb, &nh,
				      &epitaph, &err);
	if (!msg) {
		if (err == -EMSGSIZE || err == -EPIPE) {
			m.num_bytes = err == -EMSGSIZE ? nb : 0;
			m.num_handles = err == -EMSGSIZE ? nh : 0;
			m.status = epitaph;
			if (copy_to_user(arg, &m, sizeof(m)))
				err = -EFAULT;
		}
		goto out;
	}
	err = vsysmem_deliver(msg, &m);
	if (err) {
		vsysmem_channel_requeue(chan, msg);
		goto out;
	}
	vsysmem_rxmsg_free(msg);
	/* The fds are installed by now; too late to undo. */
	if (copy_to_user(arg, &m, sizeof(m)))
		err = -EFAULT;
out:
	mutex_unlock(&chan->read_lock);
	if (err == -ERESTARTSYS)
		err = -EINTR;
	return err;
}

static long vsysmem_chan_write(struct vsysmem_channel *chan, void __user *arg)
{
	struct vsysmem_msg m;

	if (copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	return vsysmem_do_send(chan, &m, false, 0, NULL, NULL);
}

static long vsysmem_chan_call(struct vsysmem_channel *chan, void __user *arg)
{
	struct vsysmem_rxmsg *reply = NULL;
	struct vsysmem_call c;
	s32 epitaph = 0;
	int err;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	err = vsysmem_check_msg(chan->ep.obj.sdev, &c.rd, false);
	if (err || c.rd.status)
		return err ?: -EINVAL;
	err = vsysmem_do_send(chan, &c.wr, true, c.timeout_ns, &reply,
			      &epitaph);
	if (err == -EPIPE) {
		c.rd.num_bytes = 0;
		c.rd.num_handles = 0;
		c.rd.status = epitaph;
		if (copy_to_user(arg, &c, sizeof(c)))
			return -EFAULT;
		return err;
	}
	if (err)
		return err;
	if (reply->num_bytes > c.rd.num_bytes ||
	    reply->num_handles > c.rd.num_handles) {
		c.rd.num_bytes = reply->num_bytes;
		c.rd.num_handles = reply->num_handles;
		err = -EMSGSIZE;
	} else {
		err = vsysmem_deliver(reply, &c.rd);
	}
	vsysmem_rxmsg_free(reply);
	if ((!err || err == -EMSGSIZE) && copy_to_user(arg, &c, sizeof(c)))
		err = -EFAULT;
	return err;
}

static long vsysmem_misc_pair(struct vsysmem_device *sdev, u32 type,
			      void __user *arg);

static long vsysmem_object_ioctl(struct file *file, unsigned int cmd,
				 unsigned long arg)
{
	struct vsysmem_object *obj = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct vsysmem_channel *chan;

	if (obj->type != VSYSMEM_HANDLE_CHANNEL ||
	    to_vsysmem_endpoint(obj)->remote)
		return -ENOTTY;
	chan = to_vsysmem_channel(obj);
	if (READ_ONCE(obj->sdev->dead))
		return -ENODEV;
	switch (cmd) {
	case VSYSMEM_IOC_CHANNEL_CREATE:
		return vsysmem_misc_pair(obj->sdev, VSYSMEM_HANDLE_CHANNEL,
					 uarg);
	case VSYSMEM_IOC_EVENTPAIR_CREATE:
		return vsysmem_misc_pair(obj->sdev, VSYSMEM_HANDLE_EVENTPAIR,
					 uarg);
	case VSYSMEM_IOC_WRITE:
		return vsysmem_chan_write(chan, uarg);
	case VSYSMEM_IOC_READ:
		return vsysmem_chan_read(file, chan, uarg);
	case VSYSMEM_IOC_CALL:
		return vsysmem_chan_call(chan, uarg);
	default:
		return -ENOTTY;
	}
}

static __poll_t vsysmem_object_poll(struct file *file, poll_table *wait)
{
	struct vsysmem_object *obj = file->private_data;
	struct vsysmem_endpoint *ep = to_vsysmem_endpoint(obj);
	bool channel = obj->type == VSYSMEM_HANDLE_CHANNEL;
	__poll_t mask = 0;

	if (ep->remote)
		return 0;
	poll_wait(file, &ep->wq, wait);
	spin_lock(&obj->lock);
	if (obj->owner != VSYSMEM_OWNER_FILE) {
		mask = EPOLLERR;
	} else {
		if (channel && !list_empty(&to_vsysmem_channel(obj)->rxq))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (ep->peer_closed)
			mask |= EPOLLHUP;
		else if (channel && ep->bound)
			mask |= EPOLLOUT | EPOLLWRNORM;
	}
	spin_unlock(&obj->lock);
	return mask;
}

static int vsysmem_object_release(struct inode *inode, struct file *file)
{
	vsysmem_file_released(file->private_data);
	return 0;
}

static const struct file_operations vsysmem_object_fops = {
	.owner = THIS_MODULE,
	.release = vsysmem_object_release,
	.poll = vsysmem_object_poll,
	.unlocked_ioctl = vsysmem_object_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/* Install a fresh kernel-owned handle as an fd; closes it on failure. */
static int vsysmem_install_new(struct vsysmem_object *obj, int *fdp,
			       struct file **filep)
{
	int err = vsysmem_install(obj, fdp, filep);

	if (err)
		vsysmem_handle_close(obj);
	return err;
}

static long vsysmem_misc_info(struct vsysmem_device *sdev, void __user *arg)
{
	struct vsysmem_info info = {
		.version = VSYSMEM_UAPI_VERSION,
		.features = sdev->features,
		.region_size = sdev->shm_len,
		.max_msg_bytes = sdev->max_msg_bytes,
		.max_msg_handles = sdev->max_msg_handles,
		.max_objects = sdev->max_objects,
		.num_channels = atomic_read(&sdev->num_channels),
		.num_buffers = atomic_read(&sdev->num_buffers),
		.num_eventpairs = atomic_read(&sdev->num_eventpairs),
		.num_pending = atomic_read(&sdev->num_pending),
		.max_calls = sdev->max_two_way,
		.requests = atomic64_read(&sdev->num_requests),
		.events = atomic64_read(&sdev->num_events),
	};

	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long vsysmem_misc_connect(struct vsysmem_device *sdev,
				 void __user *arg)
{
	struct vsysmem_connect c;
	struct vsysmem_object *chan;
	struct file *file;
	int err, fd;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.flags || c.reserved)
		return -EINVAL;
	err = vsysmem_object_connect(sdev, c.protocol, &chan);
	if (err)
		return err;
	err = vsysmem_install_new(chan, &fd, &file);
	if (err)
		return err;
	c.fd = fd;
	if (copy_to_user(arg, &c, sizeof(c))) {
		vsysmem_uninstall(fd, file);
		vsysmem_handle_close(chan);
		return -EFAULT;
	}
	fd_install(fd, file);
	vsysmem_file_commit(chan);
	return 0;
}

static long vsysmem_misc_pair(struct vsysmem_device *sdev, u32 type,
			      void __user *arg)
{
	struct vsysmem_object *kept, *remote;
	struct file *kfile, *rfile;
	struct vsysmem_pair p;
	int err, kfd, rfd;

	if (copy_from_user(&p, arg, sizeof(p)))
		return -EFAULT;
	if (p.flags || p.reserved)
		return -EINVAL;
	err = vsysmem_object_pair(sdev, type, &kept, &remote);
	if (err)
		return err;
	err = vsysmem_install(kept, &kfd, &kfile);
	if (err)
		goto err_close;
	err = vsysmem_install(remote, &rfd, &rfile);
	if (err)
		goto err_kept;
	p.fd0 = kfd;
	p.fd1 = rfd;
	if (copy_to_user(arg, &p, sizeof(p))) {
		err = -EFAULT;
		goto err_remote;
	}
	fd_install(kfd, kfile);
	fd_install(rfd, rfile);
	vsysmem_file_commit(kept);
	vsysmem_file_commit(remote);
	return 0;

err_remote:
	vsysmem_uninstall(rfd, rfile);
err_kept:
	vsysmem_uninstall(kfd, kfile);
err_close:
	vsysmem_handle_close(remote);
	vsysmem_handle_close(kept);
	return err;
}

static long vsysmem_misc_buffer_info(struct vsysmem_device *sdev,
				     void __user *arg)
{
	struct vsysmem_buffer_info bi;
	struct dma_buf *dmabuf;
	int err;

	if (copy_from_user(&bi, arg, sizeof(bi)))
		return -EFAULT;
	dmabuf = dma_buf_get(bi.fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	if (!vsysmem_is_dmabuf(dmabuf)) {
		err = -EBADF;
	} else {
		struct vsysmem_buffer *buf = dmabuf->priv;

		err = buf->obj.sdev == sdev ?
			vsysmem_buffer_get_info(&buf->obj, &bi) : -EXDEV;
	}
	dma_buf_put(dmabuf);
	if (!err && copy_to_user(arg, &bi, sizeof(bi)))
		err = -EFAULT;
	return err;
}

static int vsysmem_misc_open(struct inode *inode, struct file *file)
{
	struct vsysmem_device *sdev = container_of(file->private_data,
						   struct vsysmem_device,
						   misc);

	/* misc_open() holds misc_mtx, so remove() cannot free sdev yet. */
	kref_get(&sdev->kref);
	file->private_data = sdev;
	return 0;
}

static int vsysmem_misc_release(struct inode *inode, struct file *file)
{
	vsysmem_device_put(file->private_data);
	return 0;
}

static long vsysmem_misc_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	struct vsysmem_device *sdev = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (READ_ONCE(sdev->dead))
		return -ENODEV;
	switch (cmd) {
	case VSYSMEM_IOC_GET_INFO:
		return vsysmem_misc_info(sdev, uarg);
	case VSYSMEM_IOC_CONNECT:
		return vsysmem_misc_connect(sdev, uarg);
	case VSYSMEM_IOC_CHANNEL_CREATE:
		return vsysmem_misc_pair(sdev, VSYSMEM_HANDLE_CHANNEL, uarg);
	case VSYSMEM_IOC_EVENTPAIR_CREATE:
		return vsysmem_misc_pair(sdev, VSYSMEM_HANDLE_EVENTPAIR, uarg);
	case VSYSMEM_IOC_BUFFER_INFO:
		return vsysmem_misc_buffer_info(sdev, uarg);
	default:
		return -ENOTTY;
	}
}

const struct file_operations vsysmem_misc_fops = {
	.owner = THIS_MODULE,
	.open = vsysmem_misc_open,
	.release = vsysmem_misc_release,
	.unlocked_ioctl = vsysmem_misc_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

void vsysmem_misc_init(struct vsysmem_device *sdev)
{
	sdev->misc.minor = MISC_DYNAMIC_MINOR;
	sdev->misc.name = sdev->name;
	sdev->misc.fops = &vsysmem_misc_fops;
	sdev->misc.parent = &sdev->vdev->dev;
}
