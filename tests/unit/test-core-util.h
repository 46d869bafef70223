/*
 * Helpers for the core tests: constraint builders and a host with a region.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TEST_CORE_UTIL_H
#define TEST_CORE_UTIL_H

#include <glib.h>
#include "tools/vsysmem-negotiate-host.h"
#include "hw/sysmem/constraints.h"

#define PAGE 4096u
#define CPU_RW (SYSMEM2_CPU_USAGE_READ_OFTEN | SYSMEM2_CPU_USAGE_WRITE_OFTEN)

static inline VsHost *test_host(uint64_t region, uint64_t secure)
{
    SysmemCoreConfig cfg = { .region_size = region,
                             .secure_heap_size = secure };
    VsHost *h = vs_host_new(&cfg);

    g_assert_nonnull(h);
    return h;
}

static inline SysmemConstraints *c_new(void)
{
    return g_new0(SysmemConstraints, 1);
}

static inline void c_cpu(SysmemConstraints *c, uint32_t cpu)
{
    c->has_usage = true;
    c->usage.has_cpu = true;
    c->usage.cpu = cpu;
}

static inline void c_camping(SysmemConstraints *c, uint32_t n)
{
    c->has_min_buffer_count_for_camping = true;
    c->min_buffer_count_for_camping = n;
}

static inline void c_min_count(SysmemConstraints *c, uint32_t n)
{
    c->has_min_buffer_count = true;
    c->min_buffer_count = n;
}

static inline sysmem2_buffer_memory_constraints_t *c_bmc(SysmemConstraints *c)
{
    c->has_buffer_memory_constraints = true;
    return &c->buffer_memory_constraints;
}

static inline void c_size(SysmemConstraints *c, uint64_t min, uint64_t max)
{
    sysmem2_buffer_memory_constraints_t *m = c_bmc(c);

    if (min) {
        m->has_min_size_bytes = true;
        m->min_size_bytes = min;
    }
    if (max) {
        m->has_max_size_bytes = true;
        m->max_size_bytes = max;
    }
}

static inline void c_domains(SysmemConstraints *c, bool cpu, bool ram,
                             bool inacc)
{
    sysmem2_buffer_memory_constraints_t *m = c_bmc(c);

    m->has_cpu_domain_supported = true;
    m->cpu_domain_supported = cpu;
    m->has_ram_domain_supported = true;
    m->ram_domain_supported = ram;
    m->has_inaccessible_domain_supported = true;
    m->inaccessible_domain_supported = inacc;
}

static inline sysmem2_image_format_constraints_t *
c_image(SysmemConstraints *c, uint32_t fmt, uint32_t cs)
{
    sysmem2_image_format_constraints_t *f;

    c->has_image_format_constraints = true;
    f = &c->image_format_constraints[c->image_format_constraints_count++];
    f->has_pixel_format = true;
    f->pixel_format = fmt;
    f->has_color_spaces = true;
    f->color_spaces_count = 1;
    f->color_spaces[0] = cs;
    return f;
}

static inline void ifc_min_size(sysmem2_image_format_constraints_t *f,
                                uint32_t w, uint32_t h)
{
    f->has_min_size = true;
    f->min_size.width = w;
    f->min_size.height = h;
}

/* Allocator + root token + n-1 duplicates (synced), bound as collections. */
typedef struct TestCollection {
    uint32_t alloc;
    uint32_t tokens[64];
    uint32_t colls[64];
    unsigned n;
} TestCollection;

static inline void test_collection(VsHost *h, TestCollection *tc, unsigned n)
{
    unsigned i;

    tc->n = n;
    tc->alloc = vs_connect(h, false);
    tc->tokens[0] = vs_allocate_shared(h, tc->alloc, false);
    for (i = 1; i < n; i++) {
        tc->tokens[i] = vs_duplicate(h, tc->tokens[0], FIDL_RIGHT_SAME_RIGHTS,
                                     false);
    }
    g_assert_true(vs_sync(h, tc->tokens[0], false));
    for (i = 0; i < n; i++) {
        tc->colls[i] = vs_bind(h, tc->alloc, tc->tokens[i], false);
    }
}

/* Every participant closes; all buffers the host got are released. */
static inline void test_teardown(VsHost *h, TestCollection *tc)
{
    SysmemCoreStats st;
    unsigned i;

    for (i = 0; i < tc->n; i++) {
        vs_peer_close(h, tc->colls[i]);
    }
    vs_peer_close(h, tc->alloc);
    vs_release_buffers(h);
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.buffers, ==, 0);
    g_assert_cmpuint(st.region_used, ==, 0);
    g_assert_cmpuint(st.collections, ==, 0);
}

/*
 * One participant allocates @count CPU buffers of @size in @mem (the
 * region_ptr); each buffer must read as zero, then is filled with @fill
 * (as a user would) and everything is torn down.  Returns how many of the
 * buffers' bytes lay at or above @hint (to see never-used bytes covered).
 */
static inline uint64_t alloc_check_fill(VsHost *h, uint8_t *mem,
                                        uint32_t count, uint64_t size,
                                        uint8_t fill, uint64_t hint)
{
    g_autofree SysmemConstraints *c = c_new();
    uint64_t above = 0, j;
    TestCollection tc;
    VsCall *w;
    uint32_t i;

    c_cpu(c, CPU_RW);
    c_min_count(c, count);
    c_size(c, size, 0);
    c_domains(c, true, false, false);
    test_collection(h, &tc, 1);
    vs_set_constraints(h, tc.colls[0], c);
    w = vs_wait(h, tc.colls[0], false);
    g_assert_true(w->answered);
    g_assert_cmpint(vs_wait_result(w, NULL), ==, 0);
    g_assert_cmpuint(w->nh, ==, count);
    for (i = 0; i < count; i++) {
        uint8_t *p = mem + w->handles[i].offset;

        for (j = 0; j < size; j++) {
            g_assert_cmpuint(p[j], ==, 0);
        }
        if (w->handles[i].offset + size > hint) {
            above += w->handles[i].offset + size -
                     MAX(hint, w->handles[i].offset);
        }
        memset(p, fill, size);
    }
    test_teardown(h, &tc);
    return above;
}

/* Node.GetNodeRef: the id of the event the core hands out. */
static inline uint32_t node_ref(VsHost *h, uint32_t node)
{
    VsCall *c;

    vs_send(h, node, SYSMEM_M_SYSMEM2_NODE_GET_NODE_REF, NULL, NULL, 0, &c);
    g_assert_true(c->answered);
    g_assert_cmpuint(c->nh, ==, 1);
    return c->handles[0].id;
}

/* Node.IsAlternateFor: 1/0, or -error. */
static inline int is_alternate(VsHost *h, uint32_t node, uint32_t ref)
{
    SysmemHandle hd = { .kind = SYSMEM_HANDLE_EVENTPAIR, .id = ref };
    sysmem2_node_is_alternate_for_request_t r = { .has_node_ref = true,
                                                  .node_ref = 1 };
    sysmem2_node_is_alternate_for_result_t res;
    VsCall *c;

    vs_send(h, node, SYSMEM_M_SYSMEM2_NODE_IS_ALTERNATE_FOR, &r, &hd, 1, &c);
    g_assert_cmpint(vs_call_decode(c, &res), ==, 0);
    if (res.tag != FIDL_RESULT_RESPONSE) {
        return -(int)res.err;
    }
    return res.response.is_alternate;
}

/* Allocator.ValidateBufferCollectionToken (a token's koid is its id). */
static inline bool validate(VsHost *h, uint32_t alloc, uint64_t koid)
{
    sysmem2_allocator_validate_buffer_collection_token_request_t r = {
        .has_token_server_koid = true, .token_server_koid = koid };
    sysmem2_allocator_validate_buffer_collection_token_result_t res;
    VsCall *c;

    vs_send(h, alloc, SYSMEM_M_SYSMEM2_ALLOCATOR_VALIDATE_BUFFER_COLLECTION_TOKEN,
            &r, NULL, 0, &c);
    g_assert_cmpint(vs_call_decode(c, &res), ==, 0);
    return res.response.is_known;
}

#endif
