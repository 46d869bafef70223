/*
 * sysmem core internals: objects, the node tree, logical collections and
 * buffers, shared by the files of hw/sysmem/.  Not part of the host API.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_SYSMEM_CORE_INTERNAL_H
#define HW_SYSMEM_CORE_INTERNAL_H

#include <glib.h>
#include "hw/sysmem/sysmem-core.h"
#include "hw/sysmem/constraints.h"
#include "hw/sysmem/region.h"
#include "sysmem/methods.h"

typedef struct SysmemObject SysmemObject;
typedef struct SysmemNode SysmemNode;
typedef struct SysmemLogicalCollection SysmemLogicalCollection;
typedef struct SysmemBuffer SysmemBuffer;
typedef struct SysmemBufferSet SysmemBufferSet;

/*
 * Guest-controlled tree growth is bounded: every state change walks the
 * tree (recursively, so the depth bound also bounds the host stack), and an
 * unbounded tree would let one guest stall the device.  Fuchsia has no such
 * bound; its own tests stay far below both (SkipUnreachableChildSelectionsV2
 * nests 63 groups: depth 126, 190 nodes).  A request that would exceed a
 * bound fails alone; the tree is left as it was.
 */
#define SYSMEM_MAX_TREE_DEPTH 256       /* root = 0; deepest node 255 */
#define SYSMEM_MAX_NODES 1024           /* per collection */
#define SYSMEM_KOID_FIRST 1024          /* Zircon's ZX_KOID_FIRST */
/* AttachNodeTracking ends one node may hold; one more fails the node. */
#define SYSMEM_MAX_NODE_TRACKERS 256

typedef enum SysmemObjectKind {
    OBJ_ALLOCATOR,      /* an Allocator channel (server end) */
    OBJ_NODE,           /* a token / collection / group channel */
    OBJ_BUFFER,         /* a buffer handle held by the host */
    OBJ_TRACKER,        /* an event pair end the core holds */
    OBJ_NODE_REF,       /* a node reference event held by the host */
    /*
     * An id whose core end is closed but which is not free yet: the host
     * still holds its end, or has not passed the close on (see
     * SysmemCloseReason).  A channel here is "peer closed".
     */
    OBJ_CLOSED,
} SysmemObjectKind;

typedef enum SysmemNodeKind {
    NODE_TOKEN,
    NODE_COLLECTION,
    NODE_GROUP,
} SysmemNodeKind;

typedef enum SysmemErrorMode {
    MODE_PROPAGATE,
    MODE_PROPAGATE_BEFORE_ALLOCATION,   /* SetDispensable */
    MODE_DO_NOT_PROPAGATE,              /* AttachToken, unselected children */
} SysmemErrorMode;

typedef enum SysmemTrackerKind {
    TRACK_LIFETIME,     /* AttachLifetimeTracking */
    TRACK_NODE,         /* AttachNodeTracking */
    TRACK_WEAK,         /* close_weak_asap of a weak buffer handle */
} SysmemTrackerKind;

/* Where a reply goes once it exists. */
typedef struct SysmemPending {
    void *cookie;
    uint32_t txid;
    const sysmem_method_t *method;
} SysmemPending;

struct SysmemObject {
    uint32_t id;
    SysmemObjectKind kind;
    bool v1;                    /* allocator: protocol; node: v1 client */
    /* OBJ_CLOSED */
    bool closed_eventpair;      /* an event pair end, else a channel */
    bool host_end_open;         /* the host still holds its end */
    bool notice_pending;        /* the close is not passed on yet */
    /* OBJ_ALLOCATOR */
    char *client_name;
    uint64_t client_id;
    /* OBJ_NODE */
    SysmemNode *node;
    /* OBJ_BUFFER */
    SysmemBuffer *buffer;       /* also TRACK_WEAK: the buffer watched */
    uint32_t rights;
    bool weak;                  /* a weak buffer handle */
    /* OBJ_TRACKER */
    SysmemTrackerKind tracker;
    SysmemBufferSet *set;       /* lifetime, once active: buffers watched */
    uint32_t buffers_remaining;
    /* OBJ_NODE_REF */
    uint64_t node_koid;
};

struct SysmemNode {
    SysmemLogicalCollection *lc;
    SysmemNode *parent;
    GPtrArray *children;        /* SysmemNode*, creation order */
    SysmemNodeKind kind;
    unsigned depth;             /* root = 0 */
    SysmemObject *chan;         /* NULL once Released and closed */
    uint64_t koid;              /* unique, for node references */
    uint32_t rights_mask;       /* attenuation of buffer rights */
    SysmemErrorMode mode;
    SysmemConstraints *constraints;     /* sanitized; NULL: none */
    sysmem2_error_t constraints_error;  /* sanitizing failed */
    char *constraints_why;
    bool constraints_set;       /* SetConstraints received */
    bool released;              /* Release (v1 Close) received */
    bool children_present;      /* group: AllChildrenPresent */
    bool weak, weak_ok, weak_ok_for_children;
    bool logically_allocated;
    bool waited;                /* WaitForAllBuffersAllocated seen */
    bool v1;
    unsigned selected;          /* group: child index being tried */
    char *debug_name;
    uint64_t debug_id;
    GQueue waits;               /* SysmemPending*: hanging gets */
    GPtrArray *node_trackers;   /* SysmemObject* (TRACK_NODE) */
    /* AttachLifetimeTracking before this node's logical allocation */
    GPtrArray *lifetime_pending;
};

/* A collection's buffers, outliving the collection until the last is freed. */
struct SysmemBufferSet {
    SysmemCore *core;
    SysmemLogicalCollection *lc;        /* NULL once the collection is gone */
    uint32_t live;              /* buffers whose memory is not yet freed */
    bool orphaned;              /* collection gone */
    GPtrArray *trackers;        /* SysmemObject* (TRACK_LIFETIME) */
};

struct SysmemBuffer {
    SysmemBufferSet *set;
    uint64_t collection_id;
    uint32_t index;
    uint64_t offset;            /* in the region */
    uint64_t size;              /* allocated bytes (raw_vmo_size) */
    bool secure;
    uint32_t refs;              /* host handles + 1 while its collection holds it */
    /*
     * Strong handles + 1 while its collection holds it strongly (until the
     * collection has no strong node left).  At 0 nobody can get a new handle
     * to the buffer: close_weak_asap fires and the collection lets it go.
     */
    uint32_t strong;
    GPtrArray *weak_trackers;   /* close_weak_asap ends: close at strong == 0 */
    uint32_t cpu_flags;         /* SYSMEM_BUFFER_F_* */
};

struct SysmemLogicalCollection {
    SysmemCore *core;
    uint64_t id;                /* buffer_collection_id */
    SysmemNode *root;
    char *name;
    uint32_t name_priority;
    bool has_name;
    bool allocated;             /* initial allocation done (success) */
    bool failed;                /* initial allocation failed */
    sysmem2_error_t error;
    bool busy;                  /* inside maybe_allocate */
    /*
     * No strong node is connected any more: the collection holds its
     * buffers weakly, and a buffer whose last strong handle closes leaves
     * buffers[] (NULL).  With no buffer left the collection fails.
     */
    bool strong_dropped;
    sysmem2_single_buffer_settings_t *settings;
    uint32_t buffer_count;
    SysmemBuffer **buffers;     /* [buffer_count]; NULL: gone (see above) */
    SysmemBufferSet *set;
    int64_t created_us;         /* g_get_monotonic_time() at creation */
    uint32_t node_count;
};

typedef struct SysmemHeap {
    SysmemHeapDesc desc;
    SysmemRegion *region;
} SysmemHeap;

struct SysmemCore {
    SysmemCoreConfig cfg;
    SysmemHostOps ops;
    void *opaque;
    GHashTable *objects;        /* id -> SysmemObject* */
    GHashTable *nodes_by_koid;  /* koid -> SysmemNode* */
    GList *collections;         /* SysmemLogicalCollection* */
    SysmemHeap heaps[2];
    unsigned nheaps;
    SysmemHeapDesc heap_descs[2];
    uint32_t next_device_id;
    uint64_t next_koid;
    uint64_t next_collection_id;
    uint32_t live_buffers;
    uint32_t buffer_handles;
    uint64_t allocations_total;
    uint64_t failures_total;
    uint8_t *msg_buf;           /* encode scratch, FIDL_MAX_MSG_BYTES */
    void *req_buf;              /* decoded request scratch */
    bool quiet;                 /* being freed: no host callbacks */
    bool dropping;              /* reset: every close is HOST_CLOSED */
    const SysmemPending *cur;   /* the two-way call being dispatched */
    bool cur_done;              /* ... has been answered or queued */
    bool violated;              /* the message being handled broke the rules */
};

static inline void sysmem_host_reply(SysmemCore *core, void *cookie,
                                     const uint8_t *bytes, uint32_t n,
                                     const SysmemHandle *h, uint32_t nh)
{
    if (!core->quiet) {
        core->ops.reply(core->opaque, cookie, bytes, n, h, nh);
    }
}

/* core.c */
void sysmem_log(SysmemCore *core, GLogLevelFlags level, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
SysmemObject *sysmem_object_lookup(SysmemCore *core, uint32_t id);
SysmemObject *sysmem_object_new(SysmemCore *core, uint32_t id,
                                SysmemObjectKind kind);
uint32_t sysmem_new_device_id(SysmemCore *core);
bool sysmem_id_available(SysmemCore *core, uint32_t id);
void sysmem_object_free(SysmemCore *core, SysmemObject *obj);
/*
 * Close the core's end of a channel or tracker @obj for @reason and tell
 * the host; except for HOST_CLOSED the id stays taken (OBJ_CLOSED).
 */
void sysmem_object_close(SysmemCore *core, SysmemObject *obj,
                         SysmemCloseReason reason, int32_t epitaph);
/* The core fails channel @obj (SYSMEM_CLOSE_FAILED). */
void sysmem_close_channel(SysmemCore *core, SysmemObject *obj, int32_t epitaph);
/*
 * The message being handled on @obj broke the protocol: close @obj with
 * ZX_ERR_INVALID_ARGS, and the message's status is ZX_ERR_PEER_CLOSED.
 */
void sysmem_close_violation(SysmemCore *core, SysmemObject *obj);
/*
 * A new end the host handed in (a server end, an event pair end) that
 * nothing took: closed at once, so that the host's peer learns it.
 */
void sysmem_drop_new_end(SysmemCore *core, uint32_t id, bool eventpair);
void sysmem_reply(SysmemCore *core, const SysmemPending *p, const void *resp,
                  const SysmemHandle *handles, uint32_t nh);
void sysmem_reply_none(SysmemCore *core, const SysmemPending *p);
/* The current call's reply is queued (hanging get). */
void sysmem_reply_queued(SysmemCore *core, const SysmemPending *p);
int32_t sysmem_error_to_status(sysmem2_error_t err);
void sysmem_tracker_fire(SysmemCore *core, SysmemObject *t);
/* Forget a tracker the host never saw (no close callback). */
void sysmem_tracker_drop(SysmemCore *core, SysmemObject *t);
/* buffers */
/*
 * The ~129 KiB constraint tables a negotiation needs (one per participant,
 * plus aggregation scratch).  Freed ones are kept in a small cache: with
 * plain malloc each collection's tables land on top of the heap, glibc
 * trims them back to the kernel when they are freed, and the next
 * collection page-faults all of them in again (docs/benchmarks.md).  Any
 * g_malloc'ed SysmemConstraints may be passed to sysmem_constraints_free.
 */
SysmemConstraints *sysmem_constraints_new(void);     /* uninitialized */
SysmemConstraints *sysmem_constraints_new0(void);
void sysmem_constraints_free(SysmemConstraints *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SysmemConstraints, sysmem_constraints_free)

SysmemBuffer *sysmem_buffer_alloc(SysmemCore *core, SysmemBufferSet *set,
                                  const sysmem2_buffer_memory_settings_t *bs,
                                  uint64_t collection_id, uint32_t index);
void sysmem_buffer_unref(SysmemCore *core, SysmemBuffer *b, bool strong);
SysmemBufferSet *sysmem_buffer_set_new(SysmemCore *core);
void sysmem_buffer_set_orphan(SysmemCore *core, SysmemBufferSet *set);
void sysmem_buffer_set_check_trackers(SysmemCore *core, SysmemBufferSet *set);
bool sysmem_make_buffer_handle(SysmemCore *core, SysmemBuffer *b,
                               uint32_t rights, bool weak, SysmemHandle *out);
/* A close_weak_asap event pair for a weak handle of @b (false: none). */
bool sysmem_make_weak_tracker(SysmemCore *core, SysmemBuffer *b,
                              SysmemHandle *out);

/* allocator.c */
void sysmem_allocator_dispatch(SysmemCore *core, SysmemObject *obj,
                               const sysmem_method_t *m,
                               const SysmemPending *p, void *req,
                               const SysmemHandle *handles, bool *consumed);

/* node.c, token.c, collection.c, group.c */
void sysmem_node_dispatch(SysmemCore *core, SysmemObject *obj,
                          const sysmem_method_t *m, const SysmemPending *p,
                          void *req, const SysmemHandle *handles,
                          bool *consumed);
bool sysmem_token_dispatch(SysmemCore *core, SysmemNode *node,
                           const sysmem_method_t *m, const SysmemPending *p,
                           void *req, const SysmemHandle *handles,
                           bool *consumed);
bool sysmem_collection_dispatch(SysmemCore *core, SysmemNode *node,
                                const sysmem_method_t *m,
                                const SysmemPending *p, void *req,
                                const SysmemHandle *handles, bool *consumed);
bool sysmem_group_dispatch(SysmemCore *core, SysmemNode *node,
                           const sysmem_method_t *m, const SysmemPending *p,
                           void *req, const SysmemHandle *handles,
                           bool *consumed);
/*
 * Can @parent get @n more children without exceeding the limits?  If not
 * (logged), only the request fails: a one-way one leaves its server end
 * unconsumed (it closes), a two-way one gets no reply; the tree is intact.
 */
bool sysmem_node_room(SysmemCore *core, const SysmemNode *parent, uint32_t n);
/* Create a child token served on new channel id */
SysmemNode *sysmem_node_new_child(SysmemCore *core, SysmemNode *parent,
                                  SysmemNodeKind kind, uint32_t chan_id,
                                  uint32_t mask, bool v1);
/*
 * Create one child token per mask on core-chosen channel ids and answer
 * with their client ends (DuplicateSync, group CreateChildrenSync).
 */
void sysmem_create_tokens_sync(SysmemCore *core, SysmemNode *parent,
                               const SysmemPending *p, const uint32_t *masks,
                               uint32_t count, bool v1);
uint32_t sysmem_take_server_end(SysmemCore *core, const SysmemHandle *handles,
                                bool *consumed, fidl_handle_t h);
void sysmem_node_protocol_violation(SysmemCore *core, SysmemNode *node,
                                    const char *what);
void sysmem_collection_deliver(SysmemCore *core, SysmemNode *node,
                               const SysmemPending *p);
const char *sysmem_node_name(const SysmemNode *node);

/* logical-collection.c */
SysmemLogicalCollection *sysmem_lc_new(SysmemCore *core);
SysmemNode *sysmem_node_new(SysmemLogicalCollection *lc, SysmemNode *parent,
                            SysmemNodeKind kind);
void sysmem_node_bind(SysmemCore *core, SysmemNode *node, SysmemObject *chan);
/* The node's client went away (or violated the protocol). */
void sysmem_node_fail(SysmemCore *core, SysmemNode *node, sysmem2_error_t err,
                      bool tell_waiters, int32_t epitaph);
/* The node's channel closed after Release: keep the node as an orphan. */
void sysmem_node_orphan(SysmemCore *core, SysmemNode *node);
void sysmem_lc_update(SysmemCore *core, SysmemLogicalCollection *lc);
void sysmem_lc_destroy(SysmemCore *core, SysmemLogicalCollection *lc);
/* Start counting buffers for a lifetime tracker. */
void sysmem_lifetime_activate(SysmemCore *core, SysmemLogicalCollection *lc,
                              SysmemObject *t);
bool sysmem_node_is_alternate(const SysmemNode *a, const SysmemNode *b);
/*
 * The last strong holder of @b (held by @lc only weakly) closed: @lc drops
 * @b from its buffers.  True if @lc held it (the caller drops that ref).
 */
bool sysmem_lc_forget_buffer(SysmemLogicalCollection *lc, SysmemBuffer *b);
/* After sysmem_lc_forget_buffer: fail @lc if it has no buffer left. */
void sysmem_lc_check_buffers(SysmemCore *core, SysmemLogicalCollection *lc);
void sysmem_lc_set_name(SysmemLogicalCollection *lc, uint32_t prio,
                        const char *name);
uint32_t sysmem_node_count(const SysmemNode *n);

/* v1.c */
sysmem2_error_t sysmem_v1_constraints_to_v2(
    const sysmem1_buffer_collection_constraints_t *in, bool has_constraints,
    SysmemConstraints *out, GString *why);
void sysmem_v1_info_from_v2(const sysmem2_single_buffer_settings_t *s,
                            sysmem1_single_buffer_settings_t *out);
int32_t sysmem_v1_status_from_error(sysmem2_error_t err);

#endif
