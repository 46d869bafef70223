/*
 * virtio-sysmem core: Fuchsia's sysmem as a library (glib + the FIDL codec)
 *
 * The core serves fuchsia.sysmem2 and fuchsia.sysmem (v1) over a transport it
 * knows nothing about.  Its host (the virtio device, vsysmem-negotiate, the
 * tests, the fuzzer) hands it FIDL transactional messages in the real wire
 * format addressed to 32-bit object ids, and the core answers through the
 * SysmemHostOps callbacks.  It never touches QEMU headers and has no global
 * state: everything hangs off one SysmemCore.
 *
 * Object ids follow the device ABI: the host (guest driver) names the server
 * ends of channels it creates and the event pair ends it passes in (ids
 * 1..0x7fffffff); the core names what it creates itself -- buffer handles,
 * node-reference events, the client ends of tokens returned by DuplicateSync
 * and CreateChildrenSync -- from 0x80000000 up.
 *
 * Threading: none.  Call every function from one thread (the BQL in QEMU);
 * callbacks run synchronously from inside the call that caused them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_SYSMEM_SYSMEM_CORE_H
#define HW_SYSMEM_SYSMEM_CORE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct SysmemCore SysmemCore;

#define SYSMEM_DEVICE_ID_BIT 0x80000000u

/* Values match enum virtio_sysmem_handle_type so the glue can copy them. */
typedef enum SysmemHandleKind {
    /*
     * The server end of a channel the sender just created; id names it
     * from now on.  Core to host: never (the core keeps server ends).
     */
    SYSMEM_HANDLE_CHANNEL_SERVER = 1,
    /*
     * The client end of the channel whose server end is id.  Host to core:
     * a token being handed to BindSharedCollection (the host no longer holds
     * it).  Core to host: a new token the core created (DuplicateSync,
     * CreateChildrenSync); the host now holds that client end.
     */
    SYSMEM_HANDLE_CHANNEL_CLIENT = 2,
    /*
     * A buffer handle (a VMO in Zircon terms): offset/size inside the
     * region, rights, flags.  Each participant gets its own id per buffer;
     * the host reports the guest dropping one with sysmem_core_buffer_release.
     * Host to core (GetVmoInfo): lent, not moved; only the id is read.
     */
    SYSMEM_HANDLE_BUFFER = 3,
    /*
     * One end of an event pair.  Host to core: an end the host created
     * (AttachLifetimeTracking, AttachNodeTracking) or a node reference being
     * handed back (IsAlternateFor).  Core to host: a node reference
     * (GetNodeRef).  The core drops an end it holds with ops->close.  A
     * node reference handed back is lent, not moved: the host keeps it.
     * Host-range ids name ends the host created; node references and
     * close_weak_asap ends are in the core's range.
     */
    SYSMEM_HANDLE_EVENTPAIR = 4,
} SysmemHandleKind;

/* Rights (Zircon values) */
#define SYSMEM_RIGHT_DUPLICATE    (1u << 0)
#define SYSMEM_RIGHT_TRANSFER     (1u << 1)
#define SYSMEM_RIGHT_READ         (1u << 2)
#define SYSMEM_RIGHT_WRITE        (1u << 3)
#define SYSMEM_RIGHT_EXECUTE      (1u << 4)
#define SYSMEM_RIGHT_MAP          (1u << 5)
#define SYSMEM_RIGHT_GET_PROPERTY (1u << 6)
#define SYSMEM_RIGHT_SET_PROPERTY (1u << 7)
#define SYSMEM_RIGHT_SIGNAL       (1u << 12)
#define SYSMEM_RIGHT_WAIT         (1u << 14)
#define SYSMEM_RIGHT_INSPECT      (1u << 15)
#define SYSMEM_RIGHT_SAME_RIGHTS  (1u << 31)

/* Buffer handle flags (match VIRTIO_SYSMEM_BUFFER_F_*) */
#define SYSMEM_BUFFER_F_INACCESSIBLE (1u << 0)  /* secure heap: never map */
#define SYSMEM_BUFFER_F_CPU_CACHED   (1u << 1)  /* CPU/RAM coherency domain */

typedef struct SysmemHandle {
    uint32_t kind;              /* SysmemHandleKind */
    uint32_t id;
    uint32_t rights;            /* SYSMEM_RIGHT_* (buffers, events) */
    uint32_t flags;             /* SYSMEM_BUFFER_F_* for buffers */
    uint64_t offset;            /* buffers: offset in the region */
    uint64_t size;              /* buffers: size in bytes */
} SysmemHandle;

/* Values match VIRTIO_SYSMEM_PROTOCOL_* */
typedef enum SysmemProtocol {
    SYSMEM_PROTOCOL_SYSMEM2 = 1,    /* fuchsia.sysmem2/Allocator */
    SYSMEM_PROTOCOL_SYSMEM1 = 2,    /* fuchsia.sysmem/Allocator (v1) */
} SysmemProtocol;

/*
 * Heap.heap_type of the secure heap (the system heap is Fuchsia's
 * "fuchsia.sysmem.heap.HEAP_TYPE.SYSTEM_RAM").
 */
#define SYSMEM_HEAP_TYPE_SECURE "virtio.sysmem.heap.HEAP_TYPE.SECURE"

typedef struct SysmemCoreConfig {
    /* Size of the shared memory region buffers are carved from. */
    uint64_t region_size;
    /*
     * The region's memory in this process, or NULL.  When given, fresh
     * buffers are zero-filled here; otherwise ops->zero_fill is asked to.
     */
    void *region_ptr;
    /*
     * Bytes at the end of the region reserved for the secure heap
     * (fuchsia.sysmem.heap.HEAP_TYPE.SYSTEM_RAM is the rest).  Secure
     * buffers are handed out with SYSMEM_BUFFER_F_INACCESSIBLE and no
     * READ/WRITE/MAP rights.  0: no secure heap.
     */
    uint64_t secure_heap_size;
    /* Allocation granule, a power of two; 0 means 4096. */
    uint64_t page_size;
    /* Largest single buffer; 0 means 256 MiB (as Fuchsia). */
    uint64_t max_buffer_size;
    /* Most live objects (channels, buffer handles, events); 0 means 65536. */
    uint32_t max_objects;
    /*
     * True if the whole region reads as zero at sysmem_core_new (fresh
     * anonymous or memfd memory).  The core then skips zeroing bytes that
     * were never handed out (a high-water mark in the region allocator);
     * released bytes are zeroed again on their next allocation, and after
     * sysmem_core_load every byte counts as used.  False: zero every fresh
     * buffer whole.  Host configuration, not state: not in a snapshot.
     */
    bool region_zeroed;
} SysmemCoreConfig;

/*
 * Why the core closed its end of an id (SysmemClose.reason).
 *
 * Except after HOST_CLOSED the id stays taken -- sysmem_core_has_object()
 * is true, CONNECT and new handle table entries naming it are refused with
 * ZX_ERR_ALREADY_EXISTS, a message to a closed channel gets
 * ZX_ERR_PEER_CLOSED -- until the host lets go of it:
 *
 *   - FAILED, EVENT_FIRED: the host still holds its end (the guest's client
 *     end, the guest's end of the event pair); the id is free once the host
 *     calls sysmem_core_peer_closed() for it, as a Zircon channel whose peer
 *     closed stays a handle until its owner closes it.
 *   - CONSUMED: the host's end was moved into the core by a message and is
 *     gone with it; the id is free once the host calls
 *     sysmem_core_close_notified() (it has told its client, who may then
 *     reuse the id) or sysmem_core_peer_closed().
 *
 * So every close the host must pass on is backed by one taken id: a host
 * that keeps one notice per id can never hold more than max_objects of
 * them, and never needs to drop one.
 */
typedef enum SysmemCloseReason {
    /*
     * The host closed its end (sysmem_core_peer_closed, reset, a reply or
     * event the host could not deliver).  Nothing to pass on; the id is
     * free at once.
     */
    SYSMEM_CLOSE_HOST_CLOSED = 1,
    /*
     * A message moved the host's end in and the core is done with it: a
     * token BindSharedCollection turned into a collection, or a client end
     * (CHANNEL_CLIENT) the core did not take.
     */
    SYSMEM_CLOSE_CONSUMED = 2,
    /*
     * The core failed the channel: a protocol violation, a malformed
     * message, its collection failing, or a server end handed in that
     * nothing took.  The host's client end is now peer-closed.
     */
    SYSMEM_CLOSE_FAILED = 3,
    /*
     * The core dropped its end of an event pair, signalling the host's
     * peer: a lifetime or node tracker or a close_weak_asap event firing,
     * or an end handed in that nothing took.
     */
    SYSMEM_CLOSE_EVENT_FIRED = 4,
} SysmemCloseReason;

typedef struct SysmemClose {
    uint32_t object_id;
    /* SYSMEM_HANDLE_CHANNEL_SERVER (a channel) or SYSMEM_HANDLE_EVENTPAIR */
    uint32_t kind;
    SysmemCloseReason reason;
    /* zx_status_t: a channel's epitaph; ZX_ERR_PEER_CLOSED otherwise */
    int32_t epitaph;
    /*
     * Channels closed FAILED or CONSUMED: the FIDL epitaph message to hand
     * the client as its last message (valid during the callback); NULL, 0
     * otherwise.
     */
    const uint8_t *epitaph_bytes;
    uint32_t epitaph_len;
} SysmemClose;

typedef struct SysmemHostOps {
    /*
     * The reply to a two-way call.  Called exactly once for every
     * sysmem_core_message() whose message is at least a header (16 bytes)
     * with a non-zero txid and whose object_id names a channel, possibly
     * much later (WaitForAllBuffersAllocated is a hanging get) and in any
     * order.  bytes == NULL, n == 0 means the call will never be answered:
     * the message was rejected or its channel closed (ops->close follows
     * or preceded it).  The handles are moved to the host.  A message to
     * an id that names no open channel gets no reply, only the status
     * sysmem_core_message() returns.
     */
    void (*reply)(void *opaque, void *cookie, const uint8_t *bytes,
                  uint32_t n, const SysmemHandle *handles, uint32_t nh);
    /* A FIDL event on channel object_id (v1 has none today; reserved). */
    void (*event)(void *opaque, uint32_t object_id, const uint8_t *bytes,
                  uint32_t n, const SysmemHandle *handles, uint32_t nh);
    /*
     * The core's end of object_id is gone; *c says what it was and why
     * (see SysmemClose).  Called once per end, from inside the core call
     * that closed it.
     */
    void (*close)(void *opaque, const SysmemClose *c);
    /*
     * Optional.  Buffer memory [offset, offset+size) was taken from
     * (allocated = true) or returned to (false) the region allocator.
     * The host may use it to punch holes or track usage.
     */
    void (*buffer_memory)(void *opaque, uint64_t offset, uint64_t size,
                          bool allocated);
    /*
     * Optional; used when config.region_ptr is NULL: zero the fresh
     * buffer at [offset, offset+size) before any participant sees it.
     */
    void (*zero_fill)(void *opaque, uint64_t offset, uint64_t size);
    /* Optional log sink; without it the core uses g_log(G_LOG_DOMAIN). */
    void (*log)(void *opaque, GLogLevelFlags level, const char *msg);
} SysmemHostOps;

/* NULL on an invalid configuration (and *errmsg, if given, says why). */
SysmemCore *sysmem_core_new(const SysmemCoreConfig *cfg,
                            const SysmemHostOps *ops, void *opaque,
                            char **errmsg);
/* Drops everything without calling the host back (unlike reset). */
void sysmem_core_free(SysmemCore *core);

/*
 * A new Allocator channel whose server end is object_id.  Returns 0 or a
 * negative zx_status_t: ZX_ERR_ALREADY_EXISTS (id in use, including an id
 * the core closed that the host has not let go of, see SysmemCloseReason),
 * ZX_ERR_INVALID_ARGS (id 0 or in the core's range, bad protocol),
 * ZX_ERR_NO_RESOURCES (object limit).
 */
int32_t sysmem_core_connect(SysmemCore *core, uint32_t object_id,
                            SysmemProtocol protocol);

/*
 * A FIDL transactional message (16-byte header + body) arrived on the
 * server end object_id, carrying nh handles that now belong to the core
 * (even when the message is rejected: unused ones are dropped as the
 * reasons of SysmemCloseReason say), except buffer handles and event pair
 * ends (node references, close_weak_asap ends) the core gave out, which
 * are only lent (the host still releases them).  reply_cookie identifies
 * the reply (see ops->reply).  The status, as zx_channel_write /
 * zx_channel_call:
 *
 *   0                      delivered, and the channel is still open;
 *   ZX_ERR_NOT_FOUND       object_id names nothing;
 *   ZX_ERR_PEER_CLOSED     object_id is a channel the core closed (until
 *                          the host lets go of it), or this message got
 *                          its own channel closed: malformed, unknown
 *                          method, protocol violation, a handle table
 *                          entry with id 0, an unknown handle type, a
 *                          server end with a core-range id or an id in
 *                          use; one-way and two-way alike (a valid
 *                          message after which its collection fails,
 *                          e.g. allocation fails, was delivered: 0);
 *   ZX_ERR_INVALID_ARGS    refused, the channel stays open: more than
 *                          FIDL_MAX_MSG_BYTES or FIDL_MAX_MSG_HANDLES, or
 *                          object_id is not a channel (a buffer, an event
 *                          pair);
 *   ZX_ERR_ALREADY_EXISTS  refused, the channel stays open: a handle table
 *                          entry creates an id (a server end, an event
 *                          pair end) the core closed and the host has not
 *                          let go of yet.
 *
 * Only when the status is 0 or the message closed its own channel does a
 * two-way call get ops->reply (for the latter with bytes == NULL).
 */
int32_t sysmem_core_message(SysmemCore *core, uint32_t object_id,
                            const uint8_t *bytes, uint32_t n,
                            const SysmemHandle *handles, uint32_t nh,
                            void *reply_cookie);

/*
 * The host dropped its end of object_id: the client end of a channel, its
 * end of an event pair the core holds the other end of, a node reference
 * or a buffer handle the core gave it, or an id the core closed.  A
 * token, collection or group that did not Release first fails its failure
 * domain, as in Fuchsia.  For channels and event pairs the core still
 * holds, ops->close (SYSMEM_CLOSE_HOST_CLOSED) is called before this
 * returns.  Afterwards the id names nothing: the host may reuse it.
 * Returns false (and does nothing) when object_id names nothing.
 */
bool sysmem_core_peer_closed(SysmemCore *core, uint32_t object_id);

/*
 * The host has passed on the close of object_id (ops->close with reason
 * CONSUMED, FAILED or EVENT_FIRED) to its client.  An id whose host end
 * is gone too (CONSUMED) is free from now on; otherwise this only records
 * it.  Ids that name no closed object are ignored.
 */
void sysmem_core_close_notified(SysmemCore *core, uint32_t object_id);

/*
 * The host can no longer carry channel object_id's traffic (e.g. an event
 * for it did not fit): close it as the core closes a channel that failed
 * (SYSMEM_CLOSE_FAILED with @epitaph; a participant that did not Release
 * fails its domain).  Returns false when object_id is not an open channel.
 */
bool sysmem_core_fail_channel(SysmemCore *core, uint32_t object_id,
                              int32_t epitaph);

/*
 * The host dropped a buffer handle the core gave it.  The memory returns
 * to the region once no handle and no live collection refers to it.
 * Returns false if buffer_id is not a live buffer handle.
 */
bool sysmem_core_buffer_release(SysmemCore *core, uint32_t buffer_id);

/*
 * Whether object_id names an object of the core (a channel server end, an
 * event pair end, a node reference, a buffer handle, or an id the core
 * closed that the host has not let go of yet).
 */
bool sysmem_core_has_object(SysmemCore *core, uint32_t object_id);

/*
 * Drop every object, collection and buffer; ops->close (HOST_CLOSED) for
 * every channel and event pair end the core held.
 */
void sysmem_core_reset(SysmemCore *core);

/* Counters for the device's QMP/HMP command and for tests. */
typedef struct SysmemCoreStats {
    uint32_t channels;          /* allocator + node channels */
    uint32_t collections;       /* live logical collections */
    uint32_t buffers;           /* live buffer memory allocations */
    uint32_t buffer_handles;    /* buffer handles held by the host */
    uint32_t objects;           /* everything in the object table */
    uint64_t region_size;
    uint64_t region_used;       /* bytes allocated (both heaps) */
    uint64_t secure_used;
    uint32_t fragmentation;     /* per mille, system heap */
    uint64_t allocations_total; /* successful allocations since creation */
    uint64_t failures_total;    /* failed allocations since creation */
} SysmemCoreStats;

void sysmem_core_get_stats(SysmemCore *core, SysmemCoreStats *st);

/*
 * Human-readable dump of every collection (name, id, state, nodes with
 * their type, debug name and readiness), buffer and heap usage, appended
 * to out.  Meant for "info virtio-sysmem" / QMP.
 */
void sysmem_core_dump(SysmemCore *core, GString *out);

/*
 * Log (through ops->log) which participants are holding up every collection
 * that has waited for its allocation longer than min_age_us (Fuchsia logs
 * after 5 s).  The core has no timers: the host calls this from one.
 * Returns the number of collections reported.
 */
unsigned sysmem_core_log_stalled(SysmemCore *core, int64_t min_age_us);

/* Same as the dump, one callback per collection, for structured output. */
typedef struct SysmemCollectionInfo {
    uint64_t id;                /* buffer_collection_id */
    const char *name;           /* may be NULL */
    bool allocated;
    bool failed;
    uint32_t error;             /* fuchsia.sysmem2.Error when failed */
    uint32_t nodes;
    uint32_t buffer_count;
    uint64_t buffer_size;
    bool secure;
} SysmemCollectionInfo;

void sysmem_core_foreach_collection(SysmemCore *core,
                                    void (*fn)(const SysmemCollectionInfo *ci,
                                               void *opaque),
                                    void *opaque);

/*
 * Live migration.
 *
 * Serialize the core's whole state -- every object id and its kind and
 * protocol, node trees, logical collections (constraints, settings,
 * allocation results, failure state, names/debug info), buffers (region
 * offset, size, heap, which handles refer to them and their rights),
 * region allocator state, counters, id allocators, and the pending
 * two-way calls (hanging gets) named by their reply cookies -- appended to
 * `out`.  The region's bytes are not included.
 */
void sysmem_core_save(SysmemCore *core, GByteArray *out);

/*
 * Restore a state saved by sysmem_core_save into `core`, which must be
 * freshly created (or reset) with the same configuration.  Never aborts on
 * bad input: returns false and sets *errmsg (g_strdup'ed, may be NULL) on
 * truncated, corrupt, incompatible (different version or region size) or
 * inconsistent data, leaving the core empty.  Restored buffers are NOT
 * zero-filled and no host callbacks run during load; pending calls keep
 * their cookies, and their replies later go through ops->reply exactly as
 * if no migration had happened.  A core that is not empty is refused
 * (false, *errmsg says so) and left as it is.  The format is versioned;
 * only the same version loads.  See docs/core.md, "Migration".
 */
bool sysmem_core_load(SysmemCore *core, const uint8_t *data, size_t len,
                      char **errmsg);

#endif
