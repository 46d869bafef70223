/*
 * Fixtures for the ports of Fuchsia's own sysmem test suites
 * (src/sysmem/tests/sysmem/sysmem_tests_v2.cc and sysmem_tests.cc) to the
 * core: the shapes of node tree and constraints those suites build again and
 * again, expressed as real FIDL messages through the in-process host.  The
 * per-case mapping is docs/fuchsia-tests.md.
 *
 * Where Fuchsia looks at a Zircon object (a VMO's koid, size or rights, an
 * eventpair's PEER_CLOSED signal) the port looks at what the core hands the
 * host instead: the buffer handle's id, size, rights and offset, and the
 * host's record of the ids the core closed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_UNIT_FUCHSIA_PORT_H
#define TESTS_UNIT_FUCHSIA_PORT_H

#include "tests/unit/test-core-util.h"

/* ZX_DEFAULT_VMO_RIGHTS in the core's right bits (which are Zircon's). */
#define FX_DEFAULT_VMO_RIGHTS                                               \
    (SYSMEM_RIGHT_DUPLICATE | SYSMEM_RIGHT_TRANSFER | SYSMEM_RIGHT_WAIT |   \
     SYSMEM_RIGHT_INSPECT | SYSMEM_RIGHT_READ | SYSMEM_RIGHT_WRITE |        \
     SYSMEM_RIGHT_MAP | SYSMEM_RIGHT_GET_PROPERTY |                         \
     SYSMEM_RIGHT_SET_PROPERTY | SYSMEM_RIGHT_SIGNAL)

#define FX_ROUND_UP(x, a) (((x) + (a) - 1) / (a) * (a))

/* create_initial_token: AllocateSharedCollection, then Sync the token. */
static inline uint32_t fx_token(VsHost *h, uint32_t alloc, bool v1)
{
    uint32_t tok = vs_allocate_shared(h, alloc, v1);

    g_assert_true(vs_sync(h, tok, v1));
    return tok;
}

/* create_token_under_token: Duplicate, then Sync the new token. */
static inline uint32_t fx_child(VsHost *h, uint32_t tok, bool v1)
{
    uint32_t child = vs_duplicate(h, tok, FIDL_RIGHT_SAME_RIGHTS, v1);

    g_assert_true(vs_sync(h, child, v1));
    return child;
}

/* create_group_under_token (v2 methods; v1 groups share the wire shape). */
static inline uint32_t fx_group(VsHost *h, uint32_t tok)
{
    uint32_t g = vs_create_group(h, tok);

    g_assert_true(vs_sync(h, g, false));
    return g;
}

/* create_token_under_group. */
static inline uint32_t fx_group_child(VsHost *h, uint32_t group)
{
    uint32_t t = vs_group_create_child(h, group, FIDL_RIGHT_SAME_RIGHTS);

    g_assert_true(vs_sync(h, t, false));
    return t;
}

/* make_single_participant_collection: a shared collection of one, named. */
static inline uint32_t fx_single(VsHost *h, uint32_t *alloc_out, bool v1)
{
    uint32_t alloc = vs_connect(h, v1);
    uint32_t tok = vs_allocate_shared(h, alloc, v1);
    uint32_t coll = vs_bind(h, alloc, tok, v1);

    if (!v1) {
        vs_set_name(h, coll, 1000000, "sysmem-test-v2");
    }
    if (alloc_out) {
        *alloc_out = alloc;
    }
    return coll;
}

/* verify_connectivity: a non-shared collection answers Sync. */
static inline bool fx_connected(VsHost *h, uint32_t alloc, bool v1)
{
    return vs_sync(h, vs_allocate_non_shared(h, alloc, v1), v1);
}

/* The buffer_memory_constraints block every Fuchsia case spells out. */
static inline void fx_memory(SysmemConstraints *c, uint64_t min, uint64_t max,
                             bool contig, bool ram, bool cpu, bool inacc)
{
    sysmem2_buffer_memory_constraints_t *m = c_bmc(c);

    c_size(c, min, max);
    m->has_physically_contiguous_required = true;
    m->physically_contiguous_required = contig;
    m->has_secure_required = true;
    m->secure_required = false;
    c_domains(c, cpu, ram, inacc);
}

static inline void fx_heap(SysmemConstraints *c, const char *type, bool has_id)
{
    sysmem2_buffer_memory_constraints_t *m = c_bmc(c);
    sysmem2_heap_t *hp = &m->permitted_heaps[m->permitted_heaps_count++];

    m->has_permitted_heaps = true;
    hp->has_heap_type = true;
    hp->heap_type_len = strlen(type);
    memcpy(hp->heap_type, type, hp->heap_type_len + 1);
    hp->has_id = has_id;
    hp->id = 0;
}

/* set_picky_constraints: exactly @size bytes, cpu domain, camping 1. */
static inline SysmemConstraints *fx_picky(uint64_t size)
{
    SysmemConstraints *c = c_new();

    c_cpu(c, CPU_RW);
    c_camping(c, 1);
    fx_memory(c, size, size, false, false, true, false);
    return c;
}

/* make_min_camping_constraints: one page exactly, cpu domain. */
static inline SysmemConstraints *fx_min_camping(uint32_t camping,
                                                uint32_t max_count)
{
    SysmemConstraints *c = fx_picky(PAGE);

    c_camping(c, camping);
    if (max_count) {
        c->has_max_buffer_count = true;
        c->max_buffer_count = max_count;
    }
    return c;
}

static inline void fx_set(VsHost *h, uint32_t coll, SysmemConstraints *c)
{
    vs_set_constraints(h, coll, c);
    g_free(c);
}

/* WaitForAllBuffersAllocated that must succeed. */
static inline VsCall *fx_wait_ok(VsHost *h, uint32_t coll,
                                 sysmem2_buffer_collection_info_t *info)
{
    VsCall *w = vs_wait(h, coll, false);

    g_assert_true(w->answered);
    g_assert_cmpint(vs_wait_result(w, info), ==, 0);
    return w;
}

/*
 * WaitForAllBuffersAllocated that must fail: either an error reply (then
 * returned), or the channel closed by the core (returns
 * SYSMEM2_ERROR_INVALID, the value no reply carries).
 */
static inline sysmem2_error_t fx_wait_fails(VsHost *h, uint32_t coll)
{
    VsCall *w = vs_wait(h, coll, false);
    sysmem2_error_t e;

    if (!w->answered) {
        g_assert_true(vs_closed(h, coll, NULL));
        return SYSMEM2_ERROR_INVALID;
    }
    e = vs_wait_result(w, NULL);
    g_assert_cmpint(e, !=, 0);
    return e;
}

/* Allocator.SetDebugClientInfo (v2), name only. */
static inline void fx_allocator_debug_info(VsHost *h, uint32_t alloc,
                                           const char *name)
{
    g_autofree sysmem2_set_debug_client_info_request_t *r =
        g_new0(sysmem2_set_debug_client_info_request_t, 1);

    r->has_name = true;
    r->name_len = strlen(name);
    memcpy(r->name, name, r->name_len);
    vs_send(h, alloc, SYSMEM_M_SYSMEM2_ALLOCATOR_SET_DEBUG_CLIENT_INFO, r,
            NULL, 0, NULL);
}

/* Node.SetVerboseLogging. */
static inline void fx_set_verbose(VsHost *h, uint32_t node, bool v1)
{
    vs_send(h, node, v1 ? SYSMEM_M_SYSMEM1_NODE_SET_VERBOSE_LOGGING :
            SYSMEM_M_SYSMEM2_NODE_SET_VERBOSE_LOGGING, NULL, NULL, 0, NULL);
}

/* Node.SetWeak / Node.SetWeakOk. */
static inline void fx_set_weak(VsHost *h, uint32_t node)
{
    vs_send(h, node, SYSMEM_M_SYSMEM2_NODE_SET_WEAK, NULL, NULL, 0, NULL);
}

static inline void fx_set_weak_ok(VsHost *h, uint32_t node, bool children)
{
    sysmem2_node_set_weak_ok_request_t r = {
        .has_for_child_nodes_also = children, .for_child_nodes_also = children };

    vs_send(h, node, SYSMEM_M_SYSMEM2_NODE_SET_WEAK_OK, &r, NULL, 0, NULL);
}

/* Node.AttachNodeTracking: returns the id of the event pair end sent. */
static inline uint32_t fx_attach_node_tracking(VsHost *h, uint32_t node)
{
    uint32_t id = vs_new_id(h);
    SysmemHandle hd = { .kind = SYSMEM_HANDLE_EVENTPAIR, .id = id };
    sysmem2_node_attach_node_tracking_request_t r = { .has_server_end = true,
                                                      .server_end = 1 };

    vs_send(h, node, SYSMEM_M_SYSMEM2_NODE_ATTACH_NODE_TRACKING, &r, &hd, 1,
            NULL);
    return id;
}

/* Node.GetBufferCollectionId. */
static inline uint64_t fx_collection_id(VsHost *h, uint32_t node)
{
    sysmem2_node_get_buffer_collection_id_result_t res;
    VsCall *c;

    vs_send(h, node, SYSMEM_M_SYSMEM2_NODE_GET_BUFFER_COLLECTION_ID, NULL,
            NULL, 0, &c);
    g_assert_cmpint(vs_call_decode(c, &res), ==, 0);
    g_assert_cmpuint(res.tag, ==, FIDL_RESULT_RESPONSE);
    g_assert_true(res.response.has_buffer_collection_id);
    return res.response.buffer_collection_id;
}


/* ---- fuchsia.sysmem (v1) counterparts ---------------------------------- */

typedef sysmem1_buffer_collection_constraints_t V1Constraints;

static inline uint32_t fx1_group(VsHost *h, uint32_t tok)
{
    uint32_t id = vs_new_id(h);
    SysmemHandle hd = { .kind = SYSMEM_HANDLE_CHANNEL_SERVER, .id = id };
    sysmem1_buffer_collection_token_create_buffer_collection_token_group_request_t r = {
        .group_request = 1 };

    vs_send(h, tok,
            SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_CREATE_BUFFER_COLLECTION_TOKEN_GROUP,
            &r, &hd, 1, NULL);
    g_assert_true(vs_sync(h, id, true));
    return id;
}

/* create_token_under_group_v1: the mask is only sent when not SAME_RIGHTS */
static inline uint32_t fx1_group_child_mask(VsHost *h, uint32_t group,
                                            uint32_t mask)
{
    uint32_t id = vs_new_id(h);
    SysmemHandle hd = { .kind = SYSMEM_HANDLE_CHANNEL_SERVER, .id = id };
    sysmem1_buffer_collection_token_group_create_child_request_t r = {
        .has_token_request = true, .token_request = 1,
        .has_rights_attenuation_mask = mask != FIDL_RIGHT_SAME_RIGHTS,
        .rights_attenuation_mask = mask };

    vs_send(h, group, SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILD,
            &r, &hd, 1, NULL);
    return id;
}

static inline uint32_t fx1_group_child(VsHost *h, uint32_t group)
{
    uint32_t t = fx1_group_child_mask(h, group, FIDL_RIGHT_SAME_RIGHTS);

    g_assert_true(vs_sync(h, t, true));
    return t;
}

static inline void fx1_all_children_present(VsHost *h, uint32_t group)
{
    vs_send(h, group,
            SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_GROUP_ALL_CHILDREN_PRESENT,
            NULL, NULL, 0, NULL);
}

/* DuplicateSync (token) or CreateChildrenSync (group): count, or -1. */
static inline int fx1_dup_sync(VsHost *h, uint32_t node, bool group,
                               const uint32_t *masks, uint32_t n, uint32_t *out)
{
    g_autofree sysmem1_duplicate_sync_request_t *r =
        g_new0(sysmem1_duplicate_sync_request_t, 1);
    VsCall *c;
    uint32_t i;

    r->rights_attenuation_masks_count = n;
    memcpy(r->rights_attenuation_masks, masks, n * sizeof(*masks));
    vs_send(h, node, group ?
            SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_GROUP_CREATE_CHILDREN_SYNC :
            SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_DUPLICATE_SYNC,
            r, NULL, 0, &c);
    if (!c->answered) {
        return -1;
    }
    for (i = 0; i < c->nh; i++) {
        out[i] = c->handles[i].id;
    }
    return c->nh;
}

static inline uint32_t fx1_node_ref(VsHost *h, uint32_t node)
{
    VsCall *c;

    vs_send(h, node, SYSMEM_M_SYSMEM1_NODE_GET_NODE_REF, NULL, NULL, 0, &c);
    g_assert_true(c->answered);
    g_assert_cmpuint(c->nh, ==, 1);
    return c->handles[0].id;
}

static inline int fx1_is_alternate(VsHost *h, uint32_t node, uint32_t ref)
{
    SysmemHandle hd = { .kind = SYSMEM_HANDLE_EVENTPAIR, .id = ref };
    sysmem1_node_is_alternate_for_request_t r = { .node_ref = 1 };
    sysmem1_node_is_alternate_for_result_t res;
    VsCall *c;

    vs_send(h, node, SYSMEM_M_SYSMEM1_NODE_IS_ALTERNATE_FOR, &r, &hd, 1, &c);
    g_assert_cmpint(vs_call_decode(c, &res), ==, 0);
    if (res.tag != FIDL_RESULT_RESPONSE) {
        return res.err < 0 ? res.err : -res.err;
    }
    return res.response.is_alternate;
}

static inline bool fx1_validate(VsHost *h, uint32_t alloc, uint64_t koid)
{
    sysmem1_allocator_validate_buffer_collection_token_request_t r = {
        .token_server_koid = koid };
    sysmem1_allocator_validate_buffer_collection_token_response_t res;
    VsCall *c;

    vs_send(h, alloc,
            SYSMEM_M_SYSMEM1_ALLOCATOR_VALIDATE_BUFFER_COLLECTION_TOKEN,
            &r, NULL, 0, &c);
    g_assert_cmpint(vs_call_decode(c, &res), ==, 0);
    return res.is_known;
}

static inline void fx1_set_name(VsHost *h, uint32_t node, uint32_t prio,
                                const char *name)
{
    sysmem1_node_set_name_request_t r = { .priority = prio };

    r.name_len = strlen(name);
    memcpy(r.name, name, r.name_len);
    vs_send(h, node, SYSMEM_M_SYSMEM1_NODE_SET_NAME, &r, NULL, 0, NULL);
}

static inline void fx1_debug_info(VsHost *h, uint32_t obj, bool allocator,
                                  const char *name, uint64_t id)
{
    g_autofree sysmem1_set_debug_client_info_request_t *r =
        g_new0(sysmem1_set_debug_client_info_request_t, 1);

    r->name_len = strlen(name);
    memcpy(r->name, name, r->name_len);
    r->id = id;
    vs_send(h, obj, allocator ? SYSMEM_M_SYSMEM1_ALLOCATOR_SET_DEBUG_CLIENT_INFO :
            SYSMEM_M_SYSMEM1_NODE_SET_DEBUG_CLIENT_INFO, r, NULL, 0, NULL);
}

static inline void fx1_set_dispensable(VsHost *h, uint32_t tok)
{
    vs_send(h, tok, SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_SET_DISPENSABLE,
            NULL, NULL, 0, NULL);
}

static inline uint32_t fx1_attach_token(VsHost *h, uint32_t coll, uint32_t mask)
{
    uint32_t id = vs_new_id(h);
    SysmemHandle hd = { .kind = SYSMEM_HANDLE_CHANNEL_SERVER, .id = id };
    sysmem1_buffer_collection_attach_token_request_t r = {
        .rights_attenuation_mask = mask, .token_request = 1 };

    vs_send(h, coll, SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_ATTACH_TOKEN, &r, &hd, 1,
            NULL);
    return id;
}

static inline uint32_t fx1_attach_lifetime(VsHost *h, uint32_t coll,
                                           uint32_t remaining)
{
    uint32_t id = vs_new_id(h);
    SysmemHandle hd = { .kind = SYSMEM_HANDLE_EVENTPAIR, .id = id };
    sysmem1_buffer_collection_attach_lifetime_tracking_request_t r = {
        .server_end = 1, .buffers_remaining = remaining };

    vs_send(h, coll, SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_ATTACH_LIFETIME_TRACKING,
            &r, &hd, 1, NULL);
    return id;
}

static inline void fx1_set(VsHost *h, uint32_t coll, V1Constraints *c)
{
    vs_set_constraints_v1(h, coll, c);
    g_free(c);
}

static inline VsCall *fx1_wait_ok(VsHost *h, uint32_t coll,
                                  sysmem1_buffer_collection_info_2_t *info)
{
    VsCall *w = vs_wait(h, coll, true);

    g_assert_true(w->answered);
    g_assert_cmpint(vs_wait_result_v1(w, info), ==, 0);
    return w;
}

/* A failed v1 wait: the zx status it carried, or PEER_CLOSED. */
static inline int32_t fx1_wait_fails(VsHost *h, uint32_t coll)
{
    VsCall *w = vs_wait(h, coll, true);
    int32_t st;

    if (!w->answered) {
        g_assert_true(vs_closed(h, coll, NULL));
        return FIDL_ZX_ERR_PEER_CLOSED;
    }
    st = vs_wait_result_v1(w, NULL);
    g_assert_cmpint(st, !=, 0);
    return st;
}

static inline V1Constraints *fx1_cpu_buffers(uint32_t camping, uint32_t min,
                                             uint32_t max)
{
    V1Constraints *c = g_new0(V1Constraints, 1);

    c->usage.cpu = CPU_RW;
    c->min_buffer_count_for_camping = camping;
    c->has_buffer_memory_constraints = true;
    c->buffer_memory_constraints.min_size_bytes = min;
    c->buffer_memory_constraints.max_size_bytes = max;
    c->buffer_memory_constraints.cpu_domain_supported = true;
    return c;
}

/* ---- shared by both ports --------------------------------------------- */

/* A host whose region memory the test can read (and dirty). */
static inline VsHost *fx_memory_host(uint8_t **mem, uint64_t size)
{
    SysmemCoreConfig cfg = { .region_size = size };
    VsHost *h;

    *mem = g_malloc(size);
    memset(*mem, 0xaa, size);
    cfg.region_ptr = *mem;
    h = vs_host_new(&cfg);
    g_assert_nonnull(h);
    return h;
}

static inline bool fx_all_zero(const uint8_t *p, uint64_t n)
{
    uint64_t i;

    for (i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* sysmem_core_foreach_collection callback: the (one) collection's name. */
static inline void fx_name_cb(const SysmemCollectionInfo *ci, void *opaque)
{
    *(char **)opaque = g_strdup(ci->name);
}

/*
 * Two participants' handles to the same buffers: different handle values
 * (ids), the same VMO (Fuchsia compares koids; here: the same memory).
 */
static inline void fx_same_buffers(const VsCall *a, const VsCall *b)
{
    uint32_t i;

    g_assert_cmpuint(a->nh, ==, b->nh);
    for (i = 0; i < a->nh; i++) {
        g_assert_cmpuint(a->handles[i].id, !=, b->handles[i].id);
        g_assert_cmpuint(a->handles[i].offset, ==, b->handles[i].offset);
        g_assert_cmpuint(a->handles[i].size, ==, b->handles[i].size);
    }
}

/*
 * Wait on @coll in either protocol: 0 and the buffer size on success, 1 on
 * a clean failure (the channel closed, or CONSTRAINTS_INTERSECTION_EMPTY /
 * ZX_ERR_NOT_SUPPORTED); anything else fails the test.
 */
static inline int fx_wait_any(VsHost *h, uint32_t coll, bool v1,
                              uint64_t *size)
{
    VsCall *w = vs_wait(h, coll, v1);

    if (!w->answered) {
        g_assert_true(vs_closed(h, coll, NULL));
        return 1;
    }
    if (v1) {
        g_autofree sysmem1_buffer_collection_info_2_t *i =
            g_new0(sysmem1_buffer_collection_info_2_t, 1);
        int32_t st = vs_wait_result_v1(w, i);

        if (st) {
            g_assert_cmpint(st, ==, FIDL_ZX_ERR_NOT_SUPPORTED);
            return 1;
        }
        *size = i->settings.buffer_settings.size_bytes;
    } else {
        g_autofree sysmem2_buffer_collection_info_t *i =
            g_new0(sysmem2_buffer_collection_info_t, 1);
        sysmem2_error_t e = vs_wait_result(w, i);

        if (e) {
            g_assert_cmpint(e, ==, SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
            return 1;
        }
        *size = i->settings.buffer_settings.size_bytes;
    }
    return 0;
}

/*
 * The randomised token/group trees of GroupPriority and Group_MiniStress,
 * in either protocol.
 */
typedef struct FxNode {
    int parent;
    bool group;
    bool camper;            /* GroupPriority */
    bool compatible;        /* Group_MiniStress */
    uint32_t id, coll;
    uint32_t children[32], nchildren;
    uint32_t which;         /* a group's selected child (MiniStress) */
    uint32_t ordinal;       /* DFS pre-order among picked groups */
} FxNode;

typedef struct FxTree {
    VsHost *h;
    bool v1;
    uint32_t alloc;
    FxNode n[64];
    uint32_t count;
} FxTree;

static inline FxTree *fx_tree_new(bool v1)
{
    FxTree *t = g_new0(FxTree, 1);

    t->h = test_host(64 << 20, 0);
    t->v1 = v1;
    t->alloc = vs_connect(t->h, v1);
    return t;
}

static inline void fx_tree_free(FxTree *t)
{
    vs_host_free(t->h);
    g_free(t);
}

static inline uint32_t fx_tree_add(FxTree *t, int parent, bool group)
{
    FxNode *p = parent >= 0 ? &t->n[parent] : NULL;
    FxNode *n = &t->n[t->count];

    g_assert_cmpuint(t->count, <, G_N_ELEMENTS(t->n));
    memset(n, 0, sizeof(*n));
    n->parent = parent;
    n->group = group;
    n->camper = true;
    if (!p) {
        n->id = fx_token(t->h, t->alloc, t->v1);
    } else if (group) {
        n->id = t->v1 ? fx1_group(t->h, p->id) : fx_group(t->h, p->id);
    } else if (p->group) {
        n->id = t->v1 ? fx1_group_child(t->h, p->id) :
                fx_group_child(t->h, p->id);
    } else {
        n->id = fx_child(t->h, p->id, t->v1);
    }
    if (p) {
        g_assert_cmpuint(p->nchildren, <, G_N_ELEMENTS(p->children));
        p->children[p->nchildren++] = t->count;
    }
    return t->count++;
}

static inline void fx_tree_preorder(FxTree *t, uint32_t i, uint32_t *ordinal)
{
    FxNode *n = &t->n[i];
    uint32_t k;

    if (n->group && !n->camper) {
        n->ordinal = (*ordinal)++;
    }
    for (k = 0; k < n->nchildren; k++) {
        fx_tree_preorder(t, n->children[k], ordinal);
    }
}

static inline bool fx_tree_visible(FxTree *t, uint32_t i)
{
    while (t->n[i].parent >= 0) {
        FxNode *p = &t->n[t->n[i].parent];

        if (p->group && p->children[p->which] != i) {
            return false;
        }
        i = t->n[i].parent;
    }
    return true;
}

/* Groups: AllChildrenPresent.  Tokens: bind; exactly @size, camping as
 * given (0 or 1), max_buffer_count if non-zero. */
static inline void fx_tree_finish(FxTree *t, uint32_t i, uint64_t size,
                                  uint32_t camping, uint32_t max_count)
{
    FxNode *n = &t->n[i];

    if (n->group) {
        if (t->v1) {
            fx1_all_children_present(t->h, n->id);
        } else {
            vs_all_children_present(t->h, n->id);
        }
        return;
    }
    n->coll = vs_bind(t->h, t->alloc, n->id, t->v1);
    if (t->v1) {
        V1Constraints *c = fx1_cpu_buffers(camping, size, size);

        c->max_buffer_count = max_count;
        fx1_set(t->h, n->coll, c);
    } else {
        SysmemConstraints *c = fx_picky(size);

        c_camping(c, camping);
        if (max_count) {
            c->has_max_buffer_count = true;
            c->max_buffer_count = max_count;
        }
        fx_set(t->h, n->coll, c);
    }
}

/*
 * GroupPriority: 13 tokens, 4 groups of one camping child, 2 of the groups
 * "picked" and given a second, non-camping child; max_buffer_count one
 * short of every camper.  Only the picked group last in DFS pre-order (the
 * least important) gives up its camping child; the other keeps it.
 */
static inline void fx_group_priority(bool v1, uint32_t seed)
{
    FxTree *t = fx_tree_new(v1);
    GRand *r = g_rand_new_with_seed(seed);
    uint32_t pre_groups, i, constraints = 0, ordinal = 0;
    uint32_t unpicked[4], nunpicked = 0;
    uint64_t size;

    fx_tree_add(t, -1, false);
    for (i = 0; i < 12; i++) {
        fx_tree_add(t, g_rand_int_range(r, 0, t->count), false);
    }
    pre_groups = t->count;
    for (i = 0; i < 4; i++) {
        uint32_t g = fx_tree_add(t, g_rand_int_range(r, 0, pre_groups), true);

        fx_tree_add(t, g, false);
        unpicked[nunpicked++] = g;
    }
    for (i = 0; i < 2; i++) {
        uint32_t which = g_rand_int_range(r, 0, nunpicked);
        uint32_t g = unpicked[which];

        unpicked[which] = unpicked[--nunpicked];
        t->n[g].camper = false;
        t->n[fx_tree_add(t, g, false)].camper = false;
    }
    for (i = 0; i < t->count; i++) {
        FxNode *n = &t->n[i];

        if (!n->group && (n->parent < 0 || !t->n[n->parent].group ||
                          t->n[n->parent].children[0] == i)) {
            constraints++;
        }
    }
    fx_tree_preorder(t, 0, &ordinal);
    for (i = 0; i < t->count; i++) {
        fx_tree_finish(t, i, PAGE, t->n[i].camper ? 1 : 0,
                       i == 0 ? constraints - 1 : 0);
    }
    for (i = 0; i < t->count; i++) {
        FxNode *n = &t->n[i];

        if (!n->group && fx_wait_any(t->h, n->coll, v1, &size)) {
            FxNode *g = &t->n[n->parent];

            g_assert_true(n->parent >= 0 && g->group);
            g_assert_false(g->camper);
            g_assert_cmpint(g->ordinal < 1, ==, !n->camper);
        }
    }
    g_rand_free(r);
    fx_tree_free(t);
}

/*
 * Group_MiniStress: a random tree of 6 more tokens and groups, a random
 * selected child per group; only nodes visible through those selections
 * get compatible constraints (1 page; 2 otherwise), and exactly those
 * allocate.
 */
static inline void fx_group_mini_stress(bool v1, uint32_t seed)
{
    FxTree *t = fx_tree_new(v1);
    GRand *r = g_rand_new_with_seed(seed);
    uint64_t size = 0;
    uint32_t i;

    fx_tree_add(t, -1, false);
    for (i = 0; i < 6; i++) {
        uint32_t p = g_rand_int_range(r, 0, t->count);

        if (t->n[p].group || g_rand_boolean(r)) {
            fx_tree_add(t, p, false);
        } else {
            fx_tree_add(t, fx_tree_add(t, p, true), false);
        }
    }
    for (i = 0; i < t->count; i++) {
        if (t->n[i].group) {
            t->n[i].which = g_rand_int_range(r, 0, t->n[i].nchildren);
        }
    }
    for (i = 0; i < t->count; i++) {
        t->n[i].compatible = !t->n[i].group && fx_tree_visible(t, i);
    }
    for (i = 0; i < t->count; i++) {
        fx_tree_finish(t, i, t->n[i].compatible ? PAGE : 2 * PAGE, 1, 0);
    }
    for (i = 0; i < t->count; i++) {
        if (t->n[i].group) {
            continue;
        }
        g_assert_cmpint(fx_wait_any(t->h, t->n[i].coll, v1, &size), ==,
                        !t->n[i].compatible);
        if (t->n[i].compatible) {
            g_assert_cmpuint(size, ==, PAGE);
        }
    }
    g_rand_free(r);
    fx_tree_free(t);
}

#endif
