/*
 * An in-process host for the sysmem core: implements SysmemHostOps the way
 * the virtio device does, and offers client-side helpers that encode real
 * FIDL requests with the shared codec.  Used by vsysmem-negotiate, the core
 * unit tests, the core fuzzer and the benchmark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TOOLS_VSYSMEM_NEGOTIATE_HOST_H
#define TOOLS_VSYSMEM_NEGOTIATE_HOST_H

#include <glib.h>
#include "hw/sysmem/sysmem-core.h"
#include "sysmem/methods.h"

typedef struct VsHost VsHost;

/* One two-way call: cookie for the core, reply once it arrives. */
typedef struct VsCall {
    const sysmem_method_t *method;
    bool done;
    bool answered;              /* done with a real reply (not "none") */
    uint8_t *bytes;
    uint32_t n;
    SysmemHandle handles[FIDL_MAX_MSG_HANDLES];
    uint32_t nh;
} VsCall;

VsHost *vs_host_new(const SysmemCoreConfig *cfg);
void vs_host_free(VsHost *h);
SysmemCore *vs_host_core(VsHost *h);

/* A fresh driver-side id (1..0x7fffffff). */
uint32_t vs_new_id(VsHost *h);

/* Epitaph if the core closed id (true), else false. */
bool vs_closed(VsHost *h, uint32_t id, int32_t *epitaph);
/* The reason of the last close of id (true), else false. */
bool vs_close_reason(VsHost *h, uint32_t id, SysmemCloseReason *reason);
/*
 * Pass on the closes made since the last call (sysmem_core_close_notified,
 * as a host that delivers every close at once) and return @status: call it
 * after calling the core directly.  The vs_* helpers do it themselves.
 */
int32_t vs_host_status(VsHost *h, int32_t status);
/* With manual notices, closes are passed on only by vs_host_notify(). */
void vs_host_manual_notices(VsHost *h, bool manual);
void vs_host_notify(VsHost *h);
/* How many times the core closed id. */
uint32_t vs_close_count(VsHost *h, uint32_t id);

/*
 * Send method @mid on @obj.  @req is the request C struct (NULL: none);
 * handle values in it are 1-based indexes into @handles.  Returns the
 * core's status; for two-way methods *call (if given) receives the call,
 * owned by the host (freed with vs_host_free).
 */
int32_t vs_send(VsHost *h, uint32_t obj, uint32_t mid, const void *req,
                const SysmemHandle *handles, uint32_t nh, VsCall **call);
/*
 * Send raw bytes (header included) on @obj; a call record is made when the
 * txid is non-zero.  For fuzzing and malformed-input tests.
 */
int32_t vs_send_raw(VsHost *h, uint32_t obj, const uint8_t *bytes, uint32_t n,
                    const SysmemHandle *handles, uint32_t nh);
/*
 * Close everything the host holds: every id it chose, every channel and
 * event the core handed it, every buffer handle.
 */
void vs_drop_all(VsHost *h);
/* Non-buffer handle ids the core handed out (tokens, node refs). */
GArray *vs_received_ids(VsHost *h);

/* Decode a finished call's reply into @out (method's response type). */
int vs_call_decode(VsCall *c, void *out);
/* Release every buffer handle the host received. */
void vs_release_buffers(VsHost *h);
uint32_t vs_live_buffer_handles(VsHost *h);

/* Convenience wrappers (v2 unless named _v1). */
uint32_t vs_connect(VsHost *h, bool v1);
uint32_t vs_allocate_shared(VsHost *h, uint32_t alloc, bool v1);
uint32_t vs_allocate_non_shared(VsHost *h, uint32_t alloc, bool v1);
uint32_t vs_duplicate(VsHost *h, uint32_t token, uint32_t mask, bool v1);
/* DuplicateSync: returns the number of tokens, ids in out[] */
int vs_duplicate_sync(VsHost *h, uint32_t token, const uint32_t *masks,
                      uint32_t n, uint32_t *out);
/* CreateChildrenSync on a group: the same, for the group's new children. */
int vs_create_children_sync(VsHost *h, uint32_t group, const uint32_t *masks,
                            uint32_t n, uint32_t *out);
bool vs_sync(VsHost *h, uint32_t node, bool v1);
uint32_t vs_bind(VsHost *h, uint32_t alloc, uint32_t token, bool v1);
void vs_set_constraints(VsHost *h, uint32_t coll,
                        const sysmem2_buffer_collection_constraints_t *c);
void vs_set_constraints_v1(VsHost *h, uint32_t coll,
                           const sysmem1_buffer_collection_constraints_t *c);
void vs_release(VsHost *h, uint32_t node, bool v1);
void vs_set_dispensable(VsHost *h, uint32_t token);
void vs_set_name(VsHost *h, uint32_t node, uint32_t prio, const char *name);
void vs_set_debug_info(VsHost *h, uint32_t node, const char *name);
uint32_t vs_attach_token(VsHost *h, uint32_t coll, uint32_t mask);
uint32_t vs_create_group(VsHost *h, uint32_t token);
uint32_t vs_group_create_child(VsHost *h, uint32_t group, uint32_t mask);
void vs_all_children_present(VsHost *h, uint32_t group);
uint32_t vs_attach_lifetime(VsHost *h, uint32_t coll, uint32_t remaining);
VsCall *vs_wait(VsHost *h, uint32_t coll, bool v1);
/* CheckAllBuffersAllocated: 0, an Error (v2) or a zx status (v1). */
int64_t vs_check(VsHost *h, uint32_t coll, bool v1);
void vs_peer_close(VsHost *h, uint32_t id);

/* Decode a finished v2 Wait: error (0 ok) and info (may be NULL). */
sysmem2_error_t vs_wait_result(VsCall *c,
                               sysmem2_buffer_collection_info_t *info);
int32_t vs_wait_result_v1(VsCall *c, sysmem1_buffer_collection_info_2_t *info);

/* Log lines the core produced (for tests); cleared by the caller. */
GString *vs_log(VsHost *h);

#endif
