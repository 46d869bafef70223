/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Virtio sysmem device ABI: Fuchsia's sysmem buffer allocator over virtio.
 * The specification chapter is docs/spec/virtio-sysmem.md.
 *
 * This header is the one definition of the device ABI, shared by the QEMU
 * device, the Linux guest driver and the tests.  Like every virtio header it
 * uses only fixed-width little-endian types (virtio 1.x is little-endian):
 * every field is converted with le32_to_cpu() and friends, and signed
 * values (statuses) travel in two's complement.
 *
 * It is authored as a Linux uapi header: guest-driver/include/ stands for
 * a Linux tree's include/, and this header sits in its uapi/linux/.
 * QEMU's copy, include/standard-headers/linux/virtio_sysmem.h, is generated
 * from it by scripts/update-standard-headers.sh with the conversion QEMU's
 * scripts/update-linux-headers.sh applies to every kernel uapi header it
 * imports (fixed-width C types, QEMU's include paths).  Edit the uapi
 * header and regenerate; make check fails when the copy differs.
 *
 * Model
 * -----
 * The device serves the FIDL protocols fuchsia.sysmem2 and fuchsia.sysmem
 * (v1).  Every message carried on the request and event queues is a FIDL
 * transactional message in the FIDL wire format v2, byte for byte what a
 * Zircon channel would carry, so a Fuchsia guest can forward channel bytes
 * unchanged.  Zircon handles become 32-bit object ids:
 *
 *   - ids 0x00000001..0x7fffffff are chosen by the driver (server ends of
 *     channels it creates, event pairs it creates);
 *   - ids 0x80000000..0xffffffff are chosen by the device (buffers, node
 *     references);
 *   - id 0 is never valid.
 *
 * The device holds the server end of every channel; the driver holds (and
 * may move between its own clients) the client end, which is named by the
 * same id.  Buffers live in shared memory region VIRTIO_SYSMEM_SHM_BUFFERS
 * and are described by (id, offset, size, rights).
 *
 * Device ID 57 is PROVISIONAL: it is not assigned by the virtio TC.  IDs
 * 50-63 are unassigned in the virtio specification; crosvm uses 63 and
 * some of 60-62 privately, Linux's VIRTIO_ID_DMABUF shadows 37, and a
 * virtio-pci modern device can only express IDs up to 63 (0x1040 + ID).
 * It will change if the TC assigns a different number.
 */

#ifndef _LINUX_VIRTIO_SYSMEM_H
#define _LINUX_VIRTIO_SYSMEM_H

#include "standard-headers/linux/types.h"
#include "standard-headers/linux/virtio_types.h"

/* Provisional, see above. */
#define VIRTIO_ID_SYSMEM                57

/*
 * Feature bits
 */
/* The device also serves fuchsia.sysmem (v1) Allocator connections. */
#define VIRTIO_SYSMEM_F_V1              0
/* The device offers a secure (CPU-inaccessible) heap. */
#define VIRTIO_SYSMEM_F_SECURE_HEAP     1

/*
 * Virtqueues
 */
#define VIRTIO_SYSMEM_VQ_REQUEST        0
#define VIRTIO_SYSMEM_VQ_EVENT          1
#define VIRTIO_SYSMEM_VQ_MAX            2

/* Shared memory region ids */
#define VIRTIO_SYSMEM_SHM_BUFFERS       0

/* Object ids */
#define VIRTIO_SYSMEM_ID_INVALID        0x00000000u
#define VIRTIO_SYSMEM_ID_DEVICE_BIT     0x80000000u
/*
 * zx.Koid values in FIDL messages: a token's server koid
 * (Allocator.ValidateBufferCollectionToken) is the object id of the
 * token's channel, zero-extended to 64 bits; no koid above 0xffffffff
 * names anything.  buffer_collection_id values (GetBufferCollectionId,
 * GetVmoInfo, BufferCollectionInfo) are device-assigned 64-bit numbers,
 * never 0 and never reused while the device exists (reset included); they
 * are not object ids.
 */

/* FIDL channel limits, as Zircon's. */
#define VIRTIO_SYSMEM_MAX_MSG_BYTES     65536
#define VIRTIO_SYSMEM_MAX_MSG_HANDLES   64

/*
 * Device configuration space, read-only for the driver.
 */
struct virtio_sysmem_config {
	/* Size in bytes of shared memory region VIRTIO_SYSMEM_SHM_BUFFERS. */
	uint64_t region_size;
	/* Largest FIDL message (header included) on either queue. */
	uint32_t max_msg_bytes;
	/* Largest number of handles one FIDL message may carry. */
	uint32_t max_msg_handles;
	/*
	 * Size of the largest event the device writes; every buffer the
	 * driver posts on the event queue must be at least this large.
	 */
	uint32_t max_event_bytes;
	/* Most objects (channels, buffers, event pairs) live at once. */
	uint32_t max_objects;
};

/*
 * Request queue
 * -------------
 * Each chain is:
 *
 *   device-readable:  struct virtio_sysmem_req_hdr
 *                     hdr.num_bytes bytes of FIDL message (MESSAGE only)
 *                     hdr.num_handles x struct virtio_sysmem_handle
 *   device-writable:  struct virtio_sysmem_resp_hdr
 *                     room for the reply's bytes and handles (two-way calls)
 *
 * A chain whose readable part is shorter than the header announces, or whose
 * writable part cannot hold a struct virtio_sysmem_resp_hdr, breaks the
 * virtqueue contract and marks the device broken (NEEDS_RESET).  Anything
 * else wrong with a request is answered with a status, and, where the FIDL
 * rules say so, the channel it names is closed with an epitaph.
 *
 * The device completes one-way messages, CONNECT and CLOSE at once.  It
 * holds two-way calls until their reply exists (e.g. a hanging
 * WaitForAllBuffersAllocated), so chains complete out of order.  Held
 * calls can therefore occupy descriptors indefinitely: a driver must keep
 * room in the ring for CLOSE (and other non-held requests), e.g. by capping
 * its outstanding two-way calls below the queue size.
 *
 * Ordering: when the device closes a channel it first completes that
 * channel's held calls (status PEER_CLOSED, or their final reply), then
 * queues its CLOSED event.  A channel or event pair the driver CLOSEs gets
 * no CLOSED event: the CLOSE's completion is the last word on that id.
 *
 * Status of a MESSAGE, one-way or two-way alike (as zx_channel_write /
 * zx_channel_call): OK when delivered and the channel is still open;
 * NOT_FOUND when the id names nothing; PEER_CLOSED when it names a channel
 * the device closed (until the driver CLOSEs it), or when this very message
 * got its channel closed (malformed, a protocol violation, a handle entry
 * with id 0, an unknown type, a server end with a device-range id or an id
 * in use); INVALID_ARGS when refused with the channel still open (over
 * max_msg_bytes / max_msg_handles, a handle table invalid before delivery,
 * an id that is not a channel); ALREADY_EXISTS when refused with the
 * channel still open because a handle entry creates an id that is not free
 * yet (see below).  Handles of a refused message are closed.
 *
 * Id lifetime: an id stays in use until both ends are gone, and no id is
 * reused while in use: CONNECT, or a handle entry creating it, fails with
 * ALREADY_EXISTS.  For a channel or event pair end the driver created, the
 * id is free once the driver has sent CLOSE for its end and the device has
 * completed it (after a CLOSED event, too: the device keeps the id until
 * then); for a client end moved into the device (CHANNEL_CLIENT), once the
 * device has delivered CLOSED for it.  CLOSE of an id that names nothing
 * completes NOT_FOUND.  Drivers should allocate ids cyclically rather
 * than reuse a just-freed id at once.
 */
enum virtio_sysmem_op {
	/*
	 * Open a channel to the device's Allocator: object_id is the
	 * driver-chosen id of the new channel's server end, arg is a
	 * VIRTIO_SYSMEM_PROTOCOL_* value.
	 */
	VIRTIO_SYSMEM_OP_CONNECT = 1,
	/*
	 * (CONNECT with VIRTIO_SYSMEM_PROTOCOL_SYSMEM1 is served only when
	 * VIRTIO_SYSMEM_F_V1 was negotiated; otherwise it, like an unknown
	 * protocol, completes with VIRTIO_SYSMEM_S_PROTOCOL_NOT_SUPPORTED.)
	 */
	/*
	 * Write one FIDL message to the channel object_id.  If the message is
	 * a two-way call (non-zero txid) the reply is written into this
	 * chain's writable part.
	 */
	VIRTIO_SYSMEM_OP_MESSAGE = 2,
	/*
	 * The driver dropped its end of object_id (a channel client end, a
	 * buffer, an event pair end).  For a channel this is "peer closed" for
	 * the sysmem server: a participant that closes without Release fails
	 * its collection, exactly as on Fuchsia.
	 */
	VIRTIO_SYSMEM_OP_CLOSE = 3,
};

/* Values of virtio_sysmem_req_hdr.arg for VIRTIO_SYSMEM_OP_CONNECT. */
#define VIRTIO_SYSMEM_PROTOCOL_SYSMEM2  1 /* fuchsia.sysmem2/Allocator */
#define VIRTIO_SYSMEM_PROTOCOL_SYSMEM1  2 /* fuchsia.sysmem/Allocator */

struct virtio_sysmem_req_hdr {
	uint32_t op;              /* enum virtio_sysmem_op */
	uint32_t object_id;       /* target object */
	uint32_t num_bytes;       /* FIDL message bytes following the header */
	uint32_t num_handles;     /* handle entries following the bytes */
	uint32_t arg;             /* op-specific, 0 if unused */
	uint32_t reserved;        /* must be 0 */
};

/*
 * Status codes.  They are zx_status_t values, so that a status, an epitaph
 * and a Zircon error all read the same.
 */
#define VIRTIO_SYSMEM_S_OK                0
#define VIRTIO_SYSMEM_S_NOT_SUPPORTED    -2  /* ZX_ERR_NOT_SUPPORTED */
#define VIRTIO_SYSMEM_S_NO_RESOURCES     -3  /* ZX_ERR_NO_RESOURCES */
#define VIRTIO_SYSMEM_S_NO_MEMORY        -4  /* ZX_ERR_NO_MEMORY */
#define VIRTIO_SYSMEM_S_INVALID_ARGS    -10  /* ZX_ERR_INVALID_ARGS */
#define VIRTIO_SYSMEM_S_BAD_HANDLE      -11  /* ZX_ERR_BAD_HANDLE */
#define VIRTIO_SYSMEM_S_WRONG_TYPE      -12  /* ZX_ERR_WRONG_TYPE */
#define VIRTIO_SYSMEM_S_BUFFER_TOO_SMALL -15 /* ZX_ERR_BUFFER_TOO_SMALL */
#define VIRTIO_SYSMEM_S_PEER_CLOSED     -24  /* ZX_ERR_PEER_CLOSED */
#define VIRTIO_SYSMEM_S_NOT_FOUND       -25  /* ZX_ERR_NOT_FOUND */
#define VIRTIO_SYSMEM_S_ALREADY_EXISTS  -26  /* ZX_ERR_ALREADY_EXISTS */
#define VIRTIO_SYSMEM_S_PROTOCOL_NOT_SUPPORTED -70 /* ZX_ERR_PROTOCOL_NOT_SUPPORTED */

struct virtio_sysmem_resp_hdr {
	uint32_t status;          /* VIRTIO_SYSMEM_S_*, an s32 */
	/*
	 * Reply bytes and handles following this header.  With
	 * VIRTIO_SYSMEM_S_BUFFER_TOO_SMALL, the sizes the reply needed (its
	 * handles are closed by the device; the call has failed).
	 */
	uint32_t num_bytes;
	uint32_t num_handles;
	uint32_t reserved;
};

/*
 * Handle table entries, in requests (driver to device), replies and events
 * (device to driver).  They follow the FIDL message bytes in the order of
 * the message's handle presence markers, as a Zircon channel's handle array.
 */
enum virtio_sysmem_handle_type {
	/*
	 * The server end of a channel the driver has just created; id is the
	 * driver-chosen id that names it from now on.  (Driver to device:
	 * Duplicate, BindSharedCollection, AttachToken, ...)
	 */
	VIRTIO_SYSMEM_HANDLE_CHANNEL_SERVER = 1,
	/*
	 * The client end of an existing channel, named by its server's id,
	 * moved into the device (the token passed to BindSharedCollection).
	 * The driver no longer holds it and must not CLOSE it; its id is free
	 * once the driver has received the CLOSED event the device sends for
	 * it (whatever became of the message, unless it was refused with
	 * VIRTIO_SYSMEM_S_INVALID_ARGS before delivery: then nothing moved).
	 * Device to driver: the client end of a channel the device created
	 * (a token from DuplicateSync or CreateChildrenSync), with a
	 * device-chosen id and VIRTIO_SYSMEM_RIGHTS_CHANNEL; the driver now
	 * holds it, exactly like the client end of a channel it created.
	 */
	VIRTIO_SYSMEM_HANDLE_CHANNEL_CLIENT = 2,
	/*
	 * A buffer in region VIRTIO_SYSMEM_SHM_BUFFERS: id (device-chosen),
	 * offset, size and rights.  The driver releases it with CLOSE once no
	 * one in the guest holds it any more.  Driver to device (GetVmoInfo):
	 * only id is read; the handle is lent, not moved (it stands for the
	 * duplicate a Zircon client would send), so the driver still holds
	 * it and still CLOSEs it.
	 */
	VIRTIO_SYSMEM_HANDLE_BUFFER = 3,
	/*
	 * One end of an event pair.  Driver to device: an end the driver
	 * created (driver-chosen id), e.g. for AttachLifetimeTracking; the
	 * device signals the driver's peer end by a CLOSED event when sysmem
	 * drops its end.  Device to driver: a device-chosen event (GetNodeRef;
	 * a Zircon event rather than an event pair on Fuchsia, so a receiver
	 * decoding FIDL must not insist on the object type of this handle).
	 * Handed back (a node reference to IsAlternateFor), a device-created
	 * end is lent, not moved, like a BUFFER entry: the driver still holds
	 * and CLOSEs it.
	 */
	VIRTIO_SYSMEM_HANDLE_EVENTPAIR = 4,
};

/* Rights, with Zircon's values. */
#define VIRTIO_SYSMEM_RIGHT_DUPLICATE   (1u << 0)
#define VIRTIO_SYSMEM_RIGHT_TRANSFER    (1u << 1)
#define VIRTIO_SYSMEM_RIGHT_READ        (1u << 2)
#define VIRTIO_SYSMEM_RIGHT_WRITE       (1u << 3)
#define VIRTIO_SYSMEM_RIGHT_EXECUTE     (1u << 4)
#define VIRTIO_SYSMEM_RIGHT_MAP         (1u << 5)
#define VIRTIO_SYSMEM_RIGHT_GET_PROPERTY (1u << 6)
#define VIRTIO_SYSMEM_RIGHT_SIGNAL      (1u << 12)
#define VIRTIO_SYSMEM_RIGHT_SET_PROPERTY (1u << 7)
#define VIRTIO_SYSMEM_RIGHT_SIGNAL_PEER (1u << 13)
#define VIRTIO_SYSMEM_RIGHT_WAIT        (1u << 14)
#define VIRTIO_SYSMEM_RIGHT_INSPECT     (1u << 15)
/* Only in FIDL rights_attenuation_mask values, never in an entry. */
#define VIRTIO_SYSMEM_RIGHT_SAME_RIGHTS (1u << 31)

/*
 * Rights the device sets in the entries it sends (docs/spec/virtio-sysmem.md,
 * "Handle rights").  The device ignores the rights of entries the driver
 * sends: nothing but the driver holds the other end of anything.
 *
 * Channel client ends (DuplicateSync, CreateChildrenSync): Zircon's
 * ZX_DEFAULT_CHANNEL_RIGHTS.
 */
#define VIRTIO_SYSMEM_RIGHTS_CHANNEL \
	(VIRTIO_SYSMEM_RIGHT_TRANSFER | VIRTIO_SYSMEM_RIGHT_READ | \
	 VIRTIO_SYSMEM_RIGHT_WRITE | VIRTIO_SYSMEM_RIGHT_SIGNAL | \
	 VIRTIO_SYSMEM_RIGHT_SIGNAL_PEER | VIRTIO_SYSMEM_RIGHT_WAIT | \
	 VIRTIO_SYSMEM_RIGHT_INSPECT)
/* Node references (GetNodeRef): basic rights without WAIT, as Fuchsia's. */
#define VIRTIO_SYSMEM_RIGHTS_NODE_REF \
	(VIRTIO_SYSMEM_RIGHT_DUPLICATE | VIRTIO_SYSMEM_RIGHT_TRANSFER | \
	 VIRTIO_SYSMEM_RIGHT_INSPECT)
/*
 * Event pair ends the device creates for close_weak_asap (weak buffers):
 * basic rights and SIGNAL.
 */
#define VIRTIO_SYSMEM_RIGHTS_EVENTPAIR \
	(VIRTIO_SYSMEM_RIGHT_DUPLICATE | VIRTIO_SYSMEM_RIGHT_TRANSFER | \
	 VIRTIO_SYSMEM_RIGHT_WAIT | VIRTIO_SYSMEM_RIGHT_INSPECT | \
	 VIRTIO_SYSMEM_RIGHT_SIGNAL)
/*
 * Buffers: at most these, less what the participant's rights attenuation
 * masks removed, less WRITE when its usage does not write; secure buffers
 * never have READ, WRITE or MAP.
 */
#define VIRTIO_SYSMEM_RIGHTS_BUFFER \
	(VIRTIO_SYSMEM_RIGHT_DUPLICATE | VIRTIO_SYSMEM_RIGHT_TRANSFER | \
	 VIRTIO_SYSMEM_RIGHT_WAIT | VIRTIO_SYSMEM_RIGHT_INSPECT | \
	 VIRTIO_SYSMEM_RIGHT_READ | VIRTIO_SYSMEM_RIGHT_WRITE | \
	 VIRTIO_SYSMEM_RIGHT_MAP | VIRTIO_SYSMEM_RIGHT_GET_PROPERTY | \
	 VIRTIO_SYSMEM_RIGHT_SET_PROPERTY)

/* Buffer flags (virtio_sysmem_handle.flags for BUFFER handles). */
/* CPU access is impossible (secure heap): the driver must not map it. */
#define VIRTIO_SYSMEM_BUFFER_F_INACCESSIBLE (1u << 0)
/* Map it cached (CPU / RAM coherency domain) rather than write-combined. */
#define VIRTIO_SYSMEM_BUFFER_F_CPU_CACHED   (1u << 1)
/*
 * CPU_CACHED only chooses the memory type of the mapping (write-back rather
 * than write-combining); it is set for buffers of both the CPU and the RAM
 * coherency domain.  For the RAM domain the FIDL rules still apply: a
 * participant flushes/invalidates its CPU caches around accesses that a
 * non-coherent agent shares.  The device and host processes that map the
 * region are coherent with the guest's CPU and need no such flush.
 */

/*
 * Heap.heap_type values the device offers: the system heap (Fuchsia's own
 * name) and, with VIRTIO_SYSMEM_F_SECURE_HEAP, the secure heap.
 */
#define VIRTIO_SYSMEM_HEAP_SYSTEM_RAM   "fuchsia.sysmem.heap.HEAP_TYPE.SYSTEM_RAM"
#define VIRTIO_SYSMEM_HEAP_SECURE       "virtio.sysmem.heap.HEAP_TYPE.SECURE"

struct virtio_sysmem_handle {
	uint32_t type;            /* enum virtio_sysmem_handle_type */
	uint32_t id;              /* object id */
	uint32_t rights;          /* VIRTIO_SYSMEM_RIGHT_* */
	uint32_t flags;           /* BUFFER: VIRTIO_SYSMEM_BUFFER_F_*, else 0 */
	uint64_t offset;          /* BUFFER: offset in the region, else 0 */
	uint64_t size;            /* BUFFER: size in bytes, else 0 */
};

/*
 * In an entry the driver sends, flags/offset/size of any type but BUFFER
 * must be 0: otherwise the MESSAGE is refused with
 * VIRTIO_SYSMEM_S_INVALID_ARGS, its channel stays open and no handle
 * moves.  The device reads only type and id of a BUFFER entry and ignores
 * rights in every entry.
 */

/*
 * Event queue
 * -----------
 * The driver keeps device-writable buffers of at least max_event_bytes
 * posted.  Each used buffer holds one event:
 *
 *   struct virtio_sysmem_event
 *   num_bytes bytes of FIDL message
 *   num_handles x struct virtio_sysmem_handle
 *
 * CLOSED events are never dropped: while the driver posts no buffers they
 * wait, at most one per id the device keeps in use for it (so at most
 * max_objects), and are delivered as soon as buffers arrive; a CLOSE of
 * the id makes its waiting CLOSED event moot and the device drops it.
 * Other events wait up to a per-device bound; past it the event is dropped
 * and its channel closed (epitaph VIRTIO_SYSMEM_S_NO_RESOURCES), so the
 * device never grows without limit.
 */
enum virtio_sysmem_event_type {
	/* A FIDL event on channel object_id (its client end). */
	VIRTIO_SYSMEM_EVENT_MESSAGE = 1,
	/*
	 * The device closed its end of object_id.  For a channel, status is
	 * the epitaph and the bytes are the FIDL epitaph message; for an event
	 * pair, status is VIRTIO_SYSMEM_S_PEER_CLOSED and there are no bytes.
	 * The id is free for reuse once the driver has seen this event and
	 * sent CLOSE for its end.  (A client end the driver moved into the
	 * device: once the driver has seen this event; it sends no CLOSE.)
	 */
	VIRTIO_SYSMEM_EVENT_CLOSED = 2,
};

struct virtio_sysmem_event {
	uint32_t type;            /* enum virtio_sysmem_event_type */
	uint32_t object_id;
	uint32_t status;          /* CLOSED: the epitaph status, an s32 */
	uint32_t num_bytes;
	uint32_t num_handles;
	uint32_t reserved;
};

#endif /* _LINUX_VIRTIO_SYSMEM_H */
