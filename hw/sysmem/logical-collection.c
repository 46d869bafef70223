/*
 * Logical buffer collections: the node tree, readiness, failure domains,
 * group child selection and the allocation decision (initial and late).
 *
 * Mirrors Fuchsia's LogicalBufferCollection (src/sysmem/server), see
 * docs/reference/sysmem-protocol.md sections 5.1-5.4, 5.8 and 5.11.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "hw/sysmem/core-internal.h"

#define MAX_GROUP_COMBINATIONS 64

SysmemLogicalCollection *sysmem_lc_new(SysmemCore *core)
{
    SysmemLogicalCollection *lc = g_new0(SysmemLogicalCollection, 1);

    lc->core = core;
    lc->id = core->next_collection_id++;
    lc->set = sysmem_buffer_set_new(core);
    lc->set->lc = lc;
    lc->created_us = g_get_monotonic_time();
    core->collections = g_list_append(core->collections, lc);
    return lc;
}

SysmemNode *sysmem_node_new(SysmemLogicalCollection *lc, SysmemNode *parent,
                            SysmemNodeKind kind)
{
    SysmemNode *n = g_new0(SysmemNode, 1);

    n->lc = lc;
    n->kind = kind;
    n->koid = lc->core->next_koid++;
    n->children = g_ptr_array_new();
    n->node_trackers = g_ptr_array_new();
    n->lifetime_pending = g_ptr_array_new();
    n->rights_mask = 0xffffffffu;
    g_queue_init(&n->waits);
    lc->node_count++;
    if (parent) {
        n->parent = parent;
        n->depth = parent->depth + 1;
        g_ptr_array_add(parent->children, n);
        n->rights_mask = parent->rights_mask;
        n->debug_name = g_strdup(parent->debug_name);
        n->debug_id = parent->debug_id;
        n->weak = parent->weak;
        n->weak_ok = parent->weak_ok_for_children;
        n->weak_ok_for_children = parent->weak_ok_for_children;
        n->v1 = parent->v1;
    } else {
        lc->root = n;
    }
    g_hash_table_insert(lc->core->nodes_by_koid, &n->koid, n);
    return n;
}

void sysmem_node_bind(SysmemCore *core, SysmemNode *node, SysmemObject *chan)
{
    node->chan = chan;
    chan->node = node;
}

const char *sysmem_node_name(const SysmemNode *node)
{
    static const char *const kinds[] = { "token", "collection", "group" };

    return node->debug_name ? node->debug_name : kinds[node->kind];
}

bool sysmem_node_room(SysmemCore *core, const SysmemNode *parent, uint32_t n)
{
    if (parent->depth + 1 < SYSMEM_MAX_TREE_DEPTH &&
        parent->lc->node_count + n <= SYSMEM_MAX_NODES) {
        return true;
    }
    sysmem_log(core, G_LOG_LEVEL_WARNING, "collection %" G_GUINT64_FORMAT
               ": '%s' may not get %u more child node(s): the tree is "
               "limited to depth %u and %u nodes; refusing the request",
               parent->lc->id, sysmem_node_name(parent), n,
               SYSMEM_MAX_TREE_DEPTH, SYSMEM_MAX_NODES);
    return false;
}

uint32_t sysmem_node_count(const SysmemNode *n)
{
    uint32_t c = 1;
    guint i;

    for (i = 0; i < n->children->len; i++) {
        c += sysmem_node_count(g_ptr_array_index(n->children, i));
    }
    return c;
}

/* Connected nodes of the subtree at @n, and how many of them are strong. */
static uint32_t connected_count(const SysmemNode *n, uint32_t *strong)
{
    uint32_t c = n->chan != NULL;
    guint i;

    if (n->chan && !n->weak) {
        (*strong)++;
    }
    for (i = 0; i < n->children->len; i++) {
        c += connected_count(g_ptr_array_index(n->children, i), strong);
    }
    return c;
}

void sysmem_lc_set_name(SysmemLogicalCollection *lc, uint32_t prio,
                        const char *name)
{
    if (!lc->has_name || prio > lc->name_priority) {
        g_free(lc->name);
        lc->name = g_strdup(name);
        lc->name_priority = prio;
        lc->has_name = true;
    }
}

bool sysmem_node_is_alternate(const SysmemNode *a, const SysmemNode *b)
{
    const SysmemNode *x, *y;

    /* Lowest common ancestor: walk a's ancestors, find b's first match. */
    for (x = a; x; x = x->parent) {
        for (y = b; y; y = y->parent) {
            if (x == y) {
                return x->kind == NODE_GROUP && x != a && x != b;
            }
        }
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Failure                                                              */

static void collect_postorder(SysmemNode *n, GPtrArray *out)
{
    guint i;

    for (i = 0; i < n->children->len; i++) {
        collect_postorder(g_ptr_array_index(n->children, i), out);
    }
    g_ptr_array_add(out, n);
}

static void reply_wait_error(SysmemCore *core, SysmemNode *node,
                             SysmemPending *p, sysmem2_error_t err)
{
    if (node->v1) {
        sysmem1_buffer_collection_wait_for_buffers_allocated_response_t *r =
            g_new0(sysmem1_buffer_collection_wait_for_buffers_allocated_response_t, 1);

        r->status = sysmem_v1_status_from_error(err);
        sysmem_reply(core, p, r, NULL, 0);
        g_free(r);
    } else {
        sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t *r =
            g_new0(sysmem2_buffer_collection_wait_for_all_buffers_allocated_result_t, 1);

        r->tag = FIDL_RESULT_ERR;
        r->err = err;
        sysmem_reply(core, p, r, NULL, 0);
        g_free(r);
    }
}

static void node_free(SysmemCore *core, SysmemNode *n)
{
    guint i;

    for (i = 0; i < n->node_trackers->len; i++) {
        SysmemObject *t = g_ptr_array_index(n->node_trackers, i);

        t->node = NULL;
        sysmem_tracker_fire(core, t);
    }
    g_ptr_array_free(n->node_trackers, true);
    /* Never logically allocated: their trackers close at once. */
    for (i = 0; i < n->lifetime_pending->len; i++) {
        SysmemObject *t = g_ptr_array_index(n->lifetime_pending, i);

        t->node = NULL;
        sysmem_tracker_fire(core, t);
    }
    g_ptr_array_free(n->lifetime_pending, true);
    g_hash_table_remove(core->nodes_by_koid, &n->koid);
    n->lc->node_count--;
    g_ptr_array_free(n->children, true);
    sysmem_constraints_free(n->constraints);
    g_free(n->constraints_why);
    g_free(n->debug_name);
    g_free(n);
}

/*
 * Close every channel of the subtree at @top (children first), answer
 * pending waits with @err when @tell_waiters, and drop the nodes.
 */
static void fail_subtree(SysmemCore *core, SysmemNode *top, sysmem2_error_t err,
                         bool tell_waiters, int32_t epitaph)
{
    g_autoptr(GPtrArray) nodes = g_ptr_array_new();
    guint i;

    collect_postorder(top, nodes);
    if (top->parent) {
        g_ptr_array_remove(top->parent->children, top);
    } else {
        top->lc->root = NULL;
    }
    for (i = 0; i < nodes->len; i++) {
        SysmemNode *n = g_ptr_array_index(nodes, i);
        SysmemPending *p;

        while (tell_waiters && (p = g_queue_pop_head(&n->waits))) {
            reply_wait_error(core, n, p, err);
            g_free(p);
        }
        if (n->chan) {
            sysmem_close_channel(core, n->chan,
                                 n->v1 && epitaph != FIDL_ZX_ERR_PEER_CLOSED ?
                                 sysmem_v1_status_from_error(err) : epitaph);
        }
        node_free(core, n);
    }
}

void sysmem_lc_destroy(SysmemCore *core, SysmemLogicalCollection *lc)
{
    guint i;

    if (lc->root) {
        fail_subtree(core, lc->root, SYSMEM2_ERROR_UNSPECIFIED, false,
                     FIDL_ZX_ERR_PEER_CLOSED);
    }
    core->collections = g_list_remove(core->collections, lc);
    lc->set->lc = NULL;
    for (i = 0; i < lc->buffer_count; i++) {
        SysmemBuffer *b = lc->buffers[i];

        lc->buffers[i] = NULL;
        if (b) {
            sysmem_buffer_unref(core, b, !lc->strong_dropped);
        }
    }
    sysmem_buffer_set_orphan(core, lc->set);
    g_free(lc->buffers);
    g_free(lc->settings);
    g_free(lc->name);
    g_free(lc);
}

/* The domain a failure of @node takes down. */
static SysmemNode *failure_domain(SysmemNode *node)
{
    SysmemNode *d = node;

    while (d->parent) {
        if (d->mode == MODE_DO_NOT_PROPAGATE) {
            break;
        }
        if (d->mode == MODE_PROPAGATE_BEFORE_ALLOCATION &&
            d->logically_allocated) {
            break;
        }
        d = d->parent;
    }
    return d;
}

void sysmem_node_fail(SysmemCore *core, SysmemNode *node, sysmem2_error_t err,
                      bool tell_waiters, int32_t epitaph)
{
    SysmemLogicalCollection *lc = node->lc;
    SysmemNode *d = failure_domain(node);

    if (!d->parent) {
        sysmem_log(core, G_LOG_LEVEL_INFO, "collection %" G_GUINT64_FORMAT
                   " (%s) failed: %s", lc->id, lc->name ? lc->name : "unnamed",
                   sysmem_error_name(err));
        sysmem_lc_destroy(core, lc);
        return;
    }
    fail_subtree(core, d, err, tell_waiters, epitaph);
    sysmem_lc_update(core, lc);
}

void sysmem_node_orphan(SysmemCore *core, SysmemNode *node)
{
    SysmemLogicalCollection *lc = node->lc;

    if (node->chan) {
        sysmem_close_channel(core, node->chan, FIDL_ZX_ERR_PEER_CLOSED);
    }
    sysmem_lc_update(core, lc);
}

/* ------------------------------------------------------------------ */
/* Strong and weak holders                                              */

bool sysmem_lc_forget_buffer(SysmemLogicalCollection *lc, SysmemBuffer *b)
{
    if (b->index >= lc->buffer_count || lc->buffers[b->index] != b) {
        return false;
    }
    g_assert(lc->strong_dropped);
    lc->buffers[b->index] = NULL;
    return true;
}

static bool lc_has_buffers(const SysmemLogicalCollection *lc)
{
    uint32_t i;

    for (i = 0; i < lc->buffer_count; i++) {
        if (lc->buffers[i]) {
            return true;
        }
    }
    return false;
}

void sysmem_lc_check_buffers(SysmemCore *core, SysmemLogicalCollection *lc)
{
    /* Inside sysmem_lc_update, its loop looks again. */
    if (!lc->busy && !lc_has_buffers(lc)) {
        sysmem_log(core, G_LOG_LEVEL_INFO, "collection %" G_GUINT64_FORMAT
                   " (%s): the last strong buffer handle closed", lc->id,
                   lc->name ? lc->name : "unnamed");
        sysmem_lc_destroy(core, lc);
    }
}

/*
 * No strong node is left after allocation: like Fuchsia, the collection
 * stops holding its buffers strongly, so each buffer lives on only while a
 * participant holds a strong handle to it.  Returns false if that was the
 * last strong holder of every buffer and the collection is gone.
 */
static bool drop_strong(SysmemCore *core, SysmemLogicalCollection *lc)
{
    uint32_t i;

    lc->strong_dropped = true;
    for (i = 0; i < lc->buffer_count; i++) {
        SysmemBuffer *b = lc->buffers[i];

        if (!b) {
            continue;
        }
        if (b->strong > 1) {
            b->strong--;            /* strong handles remain; held weakly */
            continue;
        }
        /* Ours was the last strong hold: close_weak_asap fires now. */
        lc->buffers[i] = NULL;
        sysmem_buffer_unref(core, b, true);
    }
    if (lc_has_buffers(lc)) {
        return true;
    }
    sysmem_log(core, G_LOG_LEVEL_INFO, "collection %" G_GUINT64_FORMAT
               " (%s): no strong participant and no strong buffer handle "
               "left", lc->id, lc->name ? lc->name : "unnamed");
    sysmem_lc_destroy(core, lc);
    return false;
}

/* ------------------------------------------------------------------ */
/* Readiness and allocation                                             */

static bool node_ready(const SysmemNode *n)
{
    if (n->released) {
        return true;
    }
    switch (n->kind) {
    case NODE_TOKEN:
        return false;
    case NODE_COLLECTION:
        return n->constraints_set;
    default:
        return n->children_present && n->children->len > 0;
    }
}

/* Is @n's node pending its own (later) logical allocation? */
static bool is_separate_domain(const SysmemNode *n, const SysmemNode *top)
{
    return n != top && n->mode == MODE_DO_NOT_PROPAGATE &&
           !n->logically_allocated;
}

static bool subtree_ready(const SysmemNode *n, const SysmemNode *top)
{
    guint i;

    if (is_separate_domain(n, top)) {
        return true;
    }
    if (!node_ready(n)) {
        return false;
    }
    for (i = 0; i < n->children->len; i++) {
        if (!subtree_ready(g_ptr_array_index(n->children, i), top)) {
            return false;
        }
    }
    return true;
}

/* Walk the pruned subtree: selected group children only. */
static void prune_walk(SysmemNode *n, const SysmemNode *top, GPtrArray *nodes,
                       GPtrArray *groups)
{
    guint i;

    if (is_separate_domain(n, top)) {
        return;
    }
    g_ptr_array_add(nodes, n);
    if (n->kind == NODE_GROUP && n->children->len) {
        if (groups) {
            g_ptr_array_add(groups, n);
        }
        if (n->selected < n->children->len) {
            prune_walk(g_ptr_array_index(n->children, n->selected), top, nodes,
                       groups);
        }
        return;
    }
    for (i = 0; i < n->children->len; i++) {
        prune_walk(g_ptr_array_index(n->children, i), top, nodes, groups);
    }
}

static void reset_selection(SysmemNode *n)
{
    guint i;

    n->selected = 0;
    for (i = 0; i < n->children->len; i++) {
        reset_selection(g_ptr_array_index(n->children, i));
    }
}

static void collect_allocated(SysmemNode *n, GPtrArray *out)
{
    guint i;

    if (n->logically_allocated && (n->constraints || n->constraints_error)) {
        g_ptr_array_add(out, n);
    }
    for (i = 0; i < n->children->len; i++) {
        collect_allocated(g_ptr_array_index(n->children, i), out);
    }
}

/*
 * Aggregate the constraints of @participants (plus @extra if non-NULL) and
 * choose the settings.  On failure logs the participant and the reason.
 */
static sysmem2_error_t aggregate(SysmemCore *core, SysmemLogicalCollection *lc,
                                 GPtrArray *participants,
                                 const SysmemConstraints *extra,
                                 sysmem2_single_buffer_settings_t *settings,
                                 uint32_t *count)
{
    g_autoptr(SysmemConstraints) acc = sysmem_constraints_new();
    g_autoptr(GString) why = g_string_new(NULL);
    SysmemAllocEnv env = {
        .heaps = core->heap_descs, .nheaps = core->nheaps,
        .page_size = core->cfg.page_size,
        .max_buffer_size = core->cfg.max_buffer_size,
    };
    bool have = false, any_size = false;
    sysmem2_error_t err = 0;
    guint i;

    for (i = 0; i < participants->len; i++) {
        SysmemNode *n = g_ptr_array_index(participants, i);

        if (n->constraints_error) {
            sysmem_log(core, G_LOG_LEVEL_INFO, "collection %" G_GUINT64_FORMAT
                       ": participant '%s': %s", lc->id, sysmem_node_name(n),
                       n->constraints_why);
            return n->constraints_error;
        }
        if (!n->constraints) {
            continue;
        }
        any_size |= sysmem_constraints_imply_size(n->constraints);
        err = sysmem_constraints_combine(acc, &have, n->constraints, why);
        if (err) {
            sysmem_log(core, G_LOG_LEVEL_INFO, "collection %" G_GUINT64_FORMAT
                       ": participant '%s': %s", lc->id, sysmem_node_name(n),
                       why->str);
            return err;
        }
    }
    if (extra) {
        err = sysmem_constraints_combine(acc, &have, extra, why);
        if (err) {
            sysmem_log(core, G_LOG_LEVEL_INFO, "collection %" G_GUINT64_FORMAT
                       ": attached participants do not fit the existing "
                       "buffers: %s", lc->id, why->str);
            return err;
        }
        any_size = true;
    }
    if (!have) {
        sysmem_log(core, G_LOG_LEVEL_INFO, "collection %" G_GUINT64_FORMAT
                   ": no participant set constraints", lc->id);
        return SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY;
    }
    if (!any_size) {
        sysmem_log(core, G_LOG_LEVEL_INFO, "collection %" G_GUINT64_FORMAT
                   ": too unconstrained: no participant implies a size", lc->id);
        return SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY;
    }
    err = sysmem_constraints_finish(acc, why);
    if (!err) {
        err = sysmem_constraints_choose(&env, acc, settings, count, why);
    }
    if (err) {
        sysmem_log(core, G_LOG_LEVEL_INFO, "collection %" G_GUINT64_FORMAT
                   ": %s: %s", lc->id, sysmem_error_name(err), why->str);
    }
    return err;
}

void sysmem_lifetime_activate(SysmemCore *core, SysmemLogicalCollection *lc,
                              SysmemObject *t)
{
    t->node = NULL;
    t->set = lc->set;
    g_ptr_array_add(lc->set->trackers, t);
    sysmem_buffer_set_check_trackers(core, lc->set);
}

static void deliver_subtree(SysmemCore *core, GPtrArray *nodes)
{
    guint i, j;

    for (i = 0; i < nodes->len; i++) {
        SysmemNode *n = g_ptr_array_index(nodes, i);
        SysmemPending *p;

        n->logically_allocated = true;
        for (j = 0; j < n->lifetime_pending->len; j++) {
            sysmem_lifetime_activate(core, n->lc,
                                     g_ptr_array_index(n->lifetime_pending, j));
        }
        g_ptr_array_set_size(n->lifetime_pending, 0);
        while ((p = g_queue_pop_head(&n->waits))) {
            sysmem_collection_deliver(core, n, p);
            g_free(p);
        }
    }
}

/* Fail the group children that were not selected. */
static void drop_unselected(SysmemCore *core, GPtrArray *groups)
{
    guint i, j;

    for (i = 0; i < groups->len; i++) {
        SysmemNode *g = g_ptr_array_index(groups, i);
        g_autoptr(GPtrArray) losers = g_ptr_array_new();

        for (j = 0; j < g->children->len; j++) {
            if (j != g->selected) {
                g_ptr_array_add(losers, g_ptr_array_index(g->children, j));
            }
        }
        for (j = 0; j < losers->len; j++) {
            SysmemNode *c = g_ptr_array_index(losers, j);

            c->mode = MODE_DO_NOT_PROPAGATE;
            fail_subtree(core, c, SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY,
                         true, FIDL_ZX_ERR_NOT_SUPPORTED);
        }
        /* The selected child is now the only (index 0) child. */
        g->selected = 0;
    }
}

/*
 * Try the subtree at @top: initial allocation when @top is the root, late
 * logical allocation against the existing buffers otherwise.  Returns
 * false if the collection was destroyed.
 */
static bool try_subtree(SysmemCore *core, SysmemLogicalCollection *lc,
                        SysmemNode *top)
{
    bool initial = top == lc->root;
    g_autofree sysmem2_single_buffer_settings_t *settings =
        g_new0(sysmem2_single_buffer_settings_t, 1);
    g_autoptr(SysmemConstraints) pin = NULL;
    g_autoptr(GPtrArray) nodes = NULL;
    g_autoptr(GPtrArray) groups = NULL;
    sysmem2_error_t err = 0;
    uint32_t count = 0, attempt;
    guint i;

    if (!initial) {
        pin = sysmem_constraints_new();
        sysmem_constraints_pin(lc->settings, lc->buffer_count, pin);
    }
    reset_selection(top);
    for (attempt = 0;; attempt++) {
        g_autoptr(GPtrArray) participants = g_ptr_array_new();

        if (attempt == MAX_GROUP_COMBINATIONS) {
            err = SYSMEM2_ERROR_TOO_MANY_GROUP_CHILD_COMBINATIONS;
            break;
        }
        if (nodes) {
            g_ptr_array_free(nodes, true);
            g_ptr_array_free(groups, true);
        }
        nodes = g_ptr_array_new();
        groups = g_ptr_array_new();
        prune_walk(top, top, nodes, groups);
        if (!initial) {
            collect_allocated(lc->root, participants);
        }
        for (i = 0; i < nodes->len; i++) {
            g_ptr_array_add(participants, g_ptr_array_index(nodes, i));
        }
        err = aggregate(core, lc, participants, pin, settings, &count);
        if (!err && !initial &&
            (count != lc->buffer_count ||
             !sysmem_settings_equal(settings, lc->settings))) {
            sysmem_log(core, G_LOG_LEVEL_INFO, "collection %" G_GUINT64_FORMAT
                       ": attached '%s' would change the allocation", lc->id,
                       sysmem_node_name(top));
            err = SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY;
        }
        if (err != SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY) {
            break;
        }
        /* Next combination: the lowest-priority group is the fastest digit. */
        for (i = groups->len; i > 0; i--) {
            SysmemNode *g = g_ptr_array_index(groups, i - 1);

            if (++g->selected < g->children->len) {
                break;
            }
            g->selected = 0;
        }
        if (i == 0) {
            break;      /* every combination tried */
        }
    }
    if (!err && initial) {
        lc->buffers = g_new0(SysmemBuffer *, count);
        for (i = 0; i < count; i++) {
            lc->buffers[i] = sysmem_buffer_alloc(core, lc->set,
                                                 &settings->buffer_settings,
                                                 lc->id, i);
            if (!lc->buffers[i]) {
                sysmem_log(core, G_LOG_LEVEL_INFO, "collection %"
                           G_GUINT64_FORMAT ": out of memory for %u buffers "
                           "of %" G_GUINT64_FORMAT " bytes", lc->id, count,
                           settings->buffer_settings.raw_vmo_size);
                err = SYSMEM2_ERROR_NO_MEMORY;
                break;
            }
        }
        lc->buffer_count = i;
    }
    if (err) {
        core->failures_total++;
        if (initial) {
            g_autoptr(GPtrArray) all = g_ptr_array_new();

            lc->failed = true;
            lc->error = err;
            /* Every participant hears the error, then everything closes. */
            collect_postorder(lc->root, all);
            for (i = 0; i < all->len; i++) {
                SysmemNode *n = g_ptr_array_index(all, i);
                SysmemPending *p;

                while ((p = g_queue_pop_head(&n->waits))) {
                    reply_wait_error(core, n, p, err);
                    g_free(p);
                }
            }
            fail_subtree(core, lc->root, err, true,
                         sysmem_error_to_status(err));
            sysmem_lc_destroy(core, lc);
            return false;
        }
        fail_subtree(core, top, err, true, sysmem_error_to_status(err));
        return true;
    }
    if (initial) {
        lc->settings = g_steal_pointer(&settings);
        lc->allocated = true;
        core->allocations_total++;
    }
    drop_unselected(core, groups);
    deliver_subtree(core, nodes);
    return true;
}

/* Attached subtrees waiting for a late logical allocation. */
static SysmemNode *find_late_candidate(SysmemNode *n)
{
    guint i;

    for (i = 0; i < n->children->len; i++) {
        SysmemNode *c = g_ptr_array_index(n->children, i), *r;

        if (!c->logically_allocated && n->logically_allocated) {
            if (subtree_ready(c, c)) {
                return c;
            }
            continue;
        }
        r = find_late_candidate(c);
        if (r) {
            return r;
        }
    }
    return NULL;
}

void sysmem_lc_update(SysmemCore *core, SysmemLogicalCollection *lc)
{
    if (lc->busy) {
        return;
    }
    lc->busy = true;
    for (;;) {
        uint32_t strong = 0;
        SysmemNode *c;

        if (!lc->root || !connected_count(lc->root, &strong)) {
            if (!lc->allocated && lc->root) {
                sysmem_log(core, G_LOG_LEVEL_INFO, "collection %"
                           G_GUINT64_FORMAT ": every participant left "
                           "before allocation", lc->id);
            }
            sysmem_lc_destroy(core, lc);
            return;
        }
        if (!strong && !lc->allocated) {
            /* Only weak nodes: nobody could ever hold a strong buffer. */
            sysmem_log(core, G_LOG_LEVEL_INFO, "collection %"
                       G_GUINT64_FORMAT ": only weak participants left "
                       "before allocation", lc->id);
            sysmem_lc_destroy(core, lc);
            return;
        }
        if (lc->allocated && !strong && !lc->strong_dropped &&
            !drop_strong(core, lc)) {
            return;
        }
        if (lc->strong_dropped && !lc_has_buffers(lc)) {
            sysmem_log(core, G_LOG_LEVEL_INFO, "collection %"
                       G_GUINT64_FORMAT ": the last strong buffer handle "
                       "closed", lc->id);
            sysmem_lc_destroy(core, lc);
            return;
        }
        if (!lc->allocated) {
            if (!subtree_ready(lc->root, lc->root)) {
                break;
            }
            if (!try_subtree(core, lc, lc->root)) {
                return;
            }
            continue;
        }
        c = find_late_candidate(lc->root);
        if (!c) {
            break;
        }
        if (!try_subtree(core, lc, c)) {
            return;
        }
    }
    lc->busy = false;
}
