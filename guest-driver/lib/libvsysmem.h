/*
 * libvsysmem: guest user-space library for virtio-sysmem.
 *
 * Two layers:
 *  - raw channels: open the device, connect, create channel/event pairs,
 *    write/read/call FIDL messages with handles as fds (vsm_*);
 *  - fuchsia.sysmem2 calls encoded and decoded with the project's shared
 *    FIDL codec (include/sysmem/), e.g. vsm2_allocate_shared_collection(),
 *    vsm2_set_constraints(), vsm2_wait_for_all_buffers_allocated().
 *
 * Handles in the codec's C structs (fidl_handle_t) are file descriptors
 * here: channel fds, dma-buf fds for buffers, event pair fds.  fd 0 means
 * "absent" to the codec, so never close stdin and reuse 0 for a handle.
 *
 * Every function returns 0 (or a non-negative fd) on success and a
 * negative errno on failure; sysmem2 errors come back as
 * -VSM_ERR_BASE - sysmem2_error_t, see vsm_strerror().  The FIDL-layer
 * calls (vsm_fidl_call, vsm_method_call and every vsm2_* / vsm1_* call)
 * report a channel sysmem closed as VSM_ERR_CLOSED(epitaph) rather than
 * -EPIPE: the epitaph is the zx_status_t sysmem closed it with, and
 * vsm_err_sysmem2() reads the sysmem2 Error it stands for.  The raw layer
 * (vsm_read, vsm_call) keeps -EPIPE and hands the epitaph out separately.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef LIBVSYSMEM_H
#define LIBVSYSMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vsysmem.h>

#include "sysmem/fidl.h"
#include "sysmem/status.h"
#include "sysmem/sysmem2.h"
#include "sysmem/sysmem-v1.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Negative return values below -VSM_ERR_BASE carry a sysmem2 error. */
#define VSM_ERR_BASE            4096
#define VSM_ERR_SYSMEM(e)       (-(VSM_ERR_BASE + (int)(e)))
/* A FIDL framework error (unknown method) from the device. */
#define VSM_ERR_FRAMEWORK       (-(VSM_ERR_BASE + 1000))
/* The reply did not decode (codec error in vsm_last_codec_error()). */
#define VSM_ERR_DECODE          (-(VSM_ERR_BASE + 1001))

/*
 * The channel was closed by sysmem with epitaph `status` (a zx_status_t,
 * -2047..0).  An epitaph outside that range is reported as -EPIPE.
 */
#define VSM_ERR_CLOSED_BASE     (VSM_ERR_BASE + 2048)
#define VSM_ERR_CLOSED(status)  (-(VSM_ERR_CLOSED_BASE - (int)(status)))

/* err says the channel was closed; *status (may be NULL) gets the epitaph. */
bool vsm_err_epitaph(int err, int32_t *status);
/*
 * The sysmem2 Error behind err: a FIDL error result, or the Error a
 * closed channel's epitaph stands for (ZX_ERR_NOT_SUPPORTED is
 * CONSTRAINTS_INTERSECTION_EMPTY, ...; sysmem/status.h).  False when there
 * is none (an errno, or ZX_ERR_PEER_CLOSED: a participant left without
 * Release).
 */
bool vsm_err_sysmem2(int err, sysmem2_error_t *error);

/*
 * Name and meaning of err, never NULL: "No such file or directory",
 * "sysmem2 error CONSTRAINTS_INTERSECTION_EMPTY (no buffers ...)",
 * "channel closed: ZX_ERR_NOT_SUPPORTED (not supported), sysmem2
 * CONSTRAINTS_INTERSECTION_EMPTY (no buffers ...)".  Thread-local buffer.
 */
const char *vsm_strerror(int err);
int vsm_last_codec_error(void);

/* ---- Raw channels ---------------------------------------------------- */

/* Open /dev/vsysmem<index>; returns the device fd. */
int vsm_open(unsigned int index);
int vsm_info(int dev, struct vsysmem_info *info);
/* protocol: VSYSMEM_PROTOCOL_SYSMEM2 or _SYSMEM1; returns a channel fd. */
int vsm_connect(int dev, uint32_t protocol);
int vsm_channel_create(int dev, int *client, int *server);
int vsm_eventpair_create(int dev, int *local, int *remote);
int vsm_buffer_info(int dev, int buffer_fd, struct vsysmem_buffer_info *bi);

/* Write bytes + handles (fds are moved into the message). */
int vsm_write(int ch, const void *bytes, uint32_t num_bytes, const int *fds,
              uint32_t num_fds);
/*
 * Read one message: *num_bytes / *num_handles are capacities in, sizes
 * out.  nonblock: -EAGAIN instead of waiting.  -EPIPE: peer closed, with
 * its epitaph in *epitaph (may be NULL).
 */
int vsm_read(int ch, void *bytes, uint32_t *num_bytes,
             struct vsysmem_handle *handles, uint32_t *num_handles,
             bool nonblock, int32_t *epitaph);
/* Two-way call; the driver sets the txid.  Same conventions as vsm_read. */
int vsm_call(int ch, const void *wr_bytes, uint32_t wr_num_bytes,
             const int *wr_fds, uint32_t wr_num_fds, void *rd_bytes,
             uint32_t *rd_num_bytes, struct vsysmem_handle *rd_handles,
             uint32_t *rd_num_handles, uint64_t timeout_ns,
             int32_t *epitaph);

/*
 * A FIDL call with the shared codec: encode `req` (of req_type, NULL for
 * no payload) as method `ordinal`, wait for the reply and decode it into
 * `resp` (of resp_type, NULL for none).  For one-way methods pass
 * two_way = false; resp is then unused.
 */
int vsm_fidl_call(int ch, uint64_t ordinal, bool flexible, bool two_way,
                  const fidl_type_t *req_type, const void *req,
                  const fidl_type_t *resp_type, void *resp);

/*
 * The same through the codec's method table (SYSMEM_M_* ids from
 * sysmem/methods.h): request and reply types and strictness come from the
 * table.  resp is the reply payload's C struct (NULL for none).
 */
int vsm_method_call(int ch, uint32_t method_id, const void *req, void *resp);

/*
 * Decode a reply read off a channel (vsm_read of the answer to a two-way
 * WRITE) as method_id's reply, as vsm_method_call would: resp is the
 * reply payload's C struct; handle fds the decoded value does not refer
 * to are closed.  An epitaph message gives VSM_ERR_CLOSED(its status).
 */
int vsm_decode_reply(uint32_t method_id, const void *bytes, uint32_t num_bytes,
                     const struct vsysmem_handle *handles,
                     uint32_t num_handles, void *resp);

/* ---- fuchsia.sysmem2 -------------------------------------------------- */

/* Allocator.AllocateSharedCollection: returns a new token fd. */
int vsm2_allocate_shared_collection(int allocator);
/* Allocator.AllocateNonSharedCollection: returns a collection fd. */
int vsm2_allocate_non_shared_collection(int allocator);
/* Allocator.BindSharedCollection: consumes token, returns a collection fd. */
int vsm2_bind_shared_collection(int allocator, int token);
/* Allocator.SetDebugClientInfo / Node.SetDebugClientInfo. */
int vsm2_set_debug_client_info(int ch, bool node, const char *name,
                               uint64_t id);
/* Node.SetName(priority, name). */
int vsm2_set_name(int node, uint32_t priority, const char *name);
/* BufferCollectionToken.Duplicate + Node.Sync: returns a new token fd. */
int vsm2_duplicate(int token, uint32_t rights_mask);
/* BufferCollectionToken.SetDispensable. */
int vsm2_set_dispensable(int token);
/* BufferCollection.AttachToken + Node.Sync: returns a new token fd. */
int vsm2_attach_token(int collection, uint32_t rights_mask);
/* Node.Sync. */
int vsm2_sync(int node);
/* Node.Release (one-way): close without failing the collection. */
int vsm2_release(int node);
/* BufferCollection.SetConstraints (NULL: no constraints). */
int vsm2_set_constraints(int collection,
                         const sysmem2_buffer_collection_constraints_t *c);
/*
 * BufferCollection.WaitForAllBuffersAllocated.  `info` (heap-allocate
 * it: it is large) receives the collection info; its buffers[i].vmo are
 * dma-buf fds the caller owns.
 */
int vsm2_wait_for_all_buffers_allocated(int collection,
                                        sysmem2_buffer_collection_info_t *info,
                                        uint64_t timeout_ns);
/* Close every handle fd in an info from the call above. */
void vsm2_info_close_handles(sysmem2_buffer_collection_info_t *info);

/* Convenience: a zeroed constraints struct on the heap (free() it). */
sysmem2_buffer_collection_constraints_t *vsm2_constraints_new(void);
/* Typical CPU-accessible constraints: count buffers of at least size. */
void vsm2_constraints_cpu(sysmem2_buffer_collection_constraints_t *c,
                          uint32_t min_buffer_count, uint64_t min_size_bytes,
                          bool write);

/*
 * Typical secure constraints (a hardware decoder's): count buffers of at
 * least size from the device's secure heap, inaccessible domain only.
 */
void vsm2_constraints_secure(sysmem2_buffer_collection_constraints_t *c,
                             uint32_t min_buffer_count,
                             uint64_t min_size_bytes);

/* ---- fuchsia.sysmem (v1) ---------------------------------------------- */

/* v1 Allocator.BindSharedCollection (a v2 token works too): collection fd. */
int vsm1_bind_shared_collection(int allocator, int token);
int vsm1_set_constraints(int collection,
                         const sysmem1_buffer_collection_constraints_t *c);
/* -EIO with *status the zx_status_t when sysmem says no. */
int vsm1_wait_for_buffers_allocated(int collection,
                                    sysmem1_buffer_collection_info_2_t *info,
                                    int32_t *status);
/* BufferCollection.Close: leave without failing the collection. */
int vsm1_close(int node);

/* ---- Passing handles between processes -------------------------------- */

/* Send one fd (a token, usually) over a UNIX socket; 0 or -errno. */
int vsm_send_fd(int sock, int fd);
/* Receive one: the new fd, -EPIPE at end of stream, -EPROTO for no fd. */
int vsm_recv_fd(int sock);

/* ---- Buffers ------------------------------------------------------------ */

/* mmap a buffer dma-buf (PROT_READ, plus PROT_WRITE if write). */
void *vsm_map(int buffer_fd, size_t size, bool write);
int vsm_unmap(void *addr, size_t size);
/* DMA_BUF_IOCTL_SYNC start/end around CPU access. */
int vsm_sync(int buffer_fd, bool start, bool write);

#ifdef __cplusplus
}
#endif

#endif /* LIBVSYSMEM_H */
