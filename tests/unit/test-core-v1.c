/*
 * fuchsia.sysmem (v1) participants, alone and mixed with sysmem2 ones in
 * one collection.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "tests/unit/test-core-util.h"

static sysmem1_buffer_collection_constraints_t *v1_simple(uint32_t camping,
                                                          uint32_t min_size)
{
    sysmem1_buffer_collection_constraints_t *c =
        g_new0(sysmem1_buffer_collection_constraints_t, 1);

    c->usage.cpu = CPU_RW;
    c->min_buffer_count_for_camping = camping;
    c->has_buffer_memory_constraints = true;
    c->buffer_memory_constraints.min_size_bytes = min_size;
    c->buffer_memory_constraints.cpu_domain_supported = true;
    return c;
}

/* A v1-only collection: Wait before SetConstraints is tolerated in v1. */
static void test_v1_single(void)
{
    VsHost *h = test_host(16 << 20, 0);
    g_autofree sysmem1_buffer_collection_constraints_t *c = v1_simple(2, 65536);
    g_autofree sysmem1_buffer_collection_info_2_t *info =
        g_new0(sysmem1_buffer_collection_info_2_t, 1);
    uint32_t alloc = vs_connect(h, true);
    uint32_t tok = vs_allocate_shared(h, alloc, true);
    uint32_t coll;
    VsCall *w;

    g_assert_true(vs_sync(h, tok, true));
    coll = vs_bind(h, alloc, tok, true);
    w = vs_wait(h, coll, true);
    g_assert_false(w->done);
    g_assert_cmpint(vs_check(h, coll, true), ==, FIDL_ZX_ERR_UNAVAILABLE);
    vs_set_constraints_v1(h, coll, c);
    g_assert_true(w->answered);
    g_assert_cmpint(vs_wait_result_v1(w, info), ==, 0);
    g_assert_cmpuint(info->buffer_count, ==, 2);
    g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==, 65536);
    g_assert_cmpuint(info->settings.buffer_settings.coherency_domain, ==,
                     SYSMEM1_COHERENCY_DOMAIN_CPU);
    g_assert_cmpuint(info->settings.buffer_settings.heap, ==,
                     SYSMEM1_HEAP_TYPE_SYSTEM_RAM);
    g_assert_false(info->settings.has_image_format_constraints);
    g_assert_cmpuint(w->nh, ==, 2);
    g_assert_cmpint(vs_check(h, coll, true), ==, 0);
    vs_host_free(h);
}

/* v1 and v2 participants share one collection. */
static void test_v1_v2_mixed(void)
{
    VsHost *h = test_host(16 << 20, 0);
    g_autofree sysmem1_buffer_collection_constraints_t *c1 = v1_simple(2, 0);
    g_autofree SysmemConstraints *c2 = c_new();
    g_autofree sysmem1_buffer_collection_info_2_t *i1 =
        g_new0(sysmem1_buffer_collection_info_2_t, 1);
    g_autofree sysmem2_buffer_collection_info_t *i2 =
        g_new0(sysmem2_buffer_collection_info_t, 1);
    sysmem1_image_format_constraints_t *f1;
    sysmem2_image_format_constraints_t *f2;
    uint32_t a1 = vs_connect(h, true), a2 = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, a2, false);
    uint32_t dup = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);
    uint32_t coll1, coll2;
    VsCall *w1, *w2;

    /* v1 side: NV12 256x256, with its own token channel speaking v1 */
    c1->image_format_constraints_count = 1;
    f1 = &c1->image_format_constraints[0];
    f1->pixel_format.type = SYSMEM1_PIXEL_FORMAT_TYPE_NV12;
    f1->color_spaces_count = 1;
    f1->color_space[0].type = SYSMEM1_COLOR_SPACE_TYPE_REC709;
    f1->min_coded_width = 256;
    f1->min_coded_height = 256;
    /* v2 side: NV12 at least 512 wide */
    c_cpu(c2, SYSMEM2_CPU_USAGE_READ);
    c_camping(c2, 1);
    f2 = c_image(c2, IMAGES2_PIXEL_FORMAT_NV12, IMAGES2_COLOR_SPACE_REC709);
    ifc_min_size(f2, 512, 256);
    g_assert_true(vs_sync(h, dup, true));
    coll1 = vs_bind(h, a1, dup, true);
    coll2 = vs_bind(h, a2, root, false);
    vs_set_constraints_v1(h, coll1, c1);
    w1 = vs_wait(h, coll1, true);
    vs_set_constraints(h, coll2, c2);
    w2 = vs_wait(h, coll2, false);
    g_assert_cmpint(vs_wait_result_v1(w1, i1), ==, 0);
    g_assert_cmpint(vs_wait_result(w2, i2), ==, 0);
    g_assert_cmpuint(i1->buffer_count, ==, 3);
    g_assert_cmpuint(i2->buffers_count, ==, 3);
    g_assert_cmpuint(i1->settings.buffer_settings.size_bytes, ==,
                     512 * 256 * 3 / 2);
    g_assert_cmpuint(i2->settings.buffer_settings.size_bytes, ==,
                     512 * 256 * 3 / 2);
    g_assert_true(i1->settings.has_image_format_constraints);
    g_assert_cmpuint(i1->settings.image_format_constraints.pixel_format.type, ==,
                     SYSMEM1_PIXEL_FORMAT_TYPE_NV12);
    g_assert_cmpuint(i1->settings.image_format_constraints.min_coded_width, ==,
                     512);
    /* the same buffers, separately handed out */
    g_assert_cmpuint(w1->handles[0].offset, ==, w2->handles[0].offset);
    /* v2 reader has no WRITE; v1 writer does */
    g_assert_true(w1->handles[0].rights & SYSMEM_RIGHT_WRITE);
    g_assert_false(w2->handles[0].rights & SYSMEM_RIGHT_WRITE);
    vs_host_free(h);
}

/* v1 failures carry the translated status. */
static void test_v1_failure_status(void)
{
    VsHost *h = test_host(1 << 20, 0);
    g_autofree sysmem1_buffer_collection_constraints_t *c = v1_simple(2, 4096);
    g_autofree sysmem1_buffer_collection_constraints_t *big =
        v1_simple(4, 512 * 1024);
    uint32_t alloc = vs_connect(h, true);
    uint32_t root = vs_allocate_shared(h, alloc, true);
    uint32_t dup = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, true);
    uint32_t c1, c2;
    VsCall *w;
    int32_t ep;

    c1 = vs_bind(h, alloc, root, true);
    c2 = vs_bind(h, alloc, dup, true);
    w = vs_wait(h, c1, true);
    vs_set_constraints_v1(h, c1, c);
    vs_set_constraints_v1(h, c2, big);
    g_assert_true(w->answered);
    g_assert_cmpint(vs_wait_result_v1(w, NULL), ==, FIDL_ZX_ERR_NO_MEMORY);
    g_assert_true(vs_closed(h, c1, &ep));
    g_assert_cmpint(ep, ==, FIDL_ZX_ERR_NO_MEMORY);

    /* layers > 1 is not convertible: CONSTRAINTS_INTERSECTION_EMPTY */
    root = vs_allocate_shared(h, alloc, true);
    dup = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, true);
    c1 = vs_bind(h, alloc, root, true);
    c2 = vs_bind(h, alloc, dup, true);
    w = vs_wait(h, c1, true);
    c->image_format_constraints_count = 1;
    c->image_format_constraints[0].pixel_format.type =
        SYSMEM1_PIXEL_FORMAT_TYPE_R8G8B8A8;
    c->image_format_constraints[0].color_spaces_count = 1;
    c->image_format_constraints[0].color_space[0].type =
        SYSMEM1_COLOR_SPACE_TYPE_SRGB;
    c->image_format_constraints[0].layers = 2;
    vs_set_constraints_v1(h, c1, c);
    vs_set_constraints_v1(h, c2, NULL);
    g_assert_cmpint(vs_wait_result_v1(w, NULL), ==, FIDL_ZX_ERR_NOT_SUPPORTED);
    vs_host_free(h);
}

/* v1 Close = Release; ConnectToSysmem2Allocator hands out a v2 allocator. */
static void test_v1_close_and_connect(void)
{
    VsHost *h = test_host(1 << 20, 0);
    g_autofree sysmem1_buffer_collection_constraints_t *c = v1_simple(1, 4096);
    uint32_t alloc = vs_connect(h, true);
    uint32_t v2 = vs_new_id(h);
    SysmemHandle hd = { .kind = SYSMEM_HANDLE_CHANNEL_SERVER, .id = v2 };
    sysmem1_allocator_connect_to_sysmem2_allocator_request_t r = {
        .allocator_request = 1 };
    uint32_t root, dup, c1, c2;
    g_autofree sysmem2_buffer_collection_info_t *info =
        g_new0(sysmem2_buffer_collection_info_t, 1);

    vs_send(h, alloc, SYSMEM_M_SYSMEM1_ALLOCATOR_CONNECT_TO_SYSMEM2_ALLOCATOR,
            &r, &hd, 1, NULL);
    root = vs_allocate_shared(h, v2, false);
    dup = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);
    c1 = vs_bind(h, alloc, dup, true);
    c2 = vs_bind(h, v2, root, false);
    vs_set_constraints_v1(h, c1, c);
    vs_release(h, c1, true);
    vs_peer_close(h, c1);
    {
        g_autofree SysmemConstraints *c2c = c_new();

        c_cpu(c2c, CPU_RW);
        c_camping(c2c, 1);
        vs_set_constraints(h, c2, c2c);
    }
    g_assert_cmpint(vs_wait_result(vs_wait(h, c2, false), info), ==, 0);
    /* the v1 participant's camping buffer still counts after Close */
    g_assert_cmpuint(info->buffers_count, ==, 2);
    vs_host_free(h);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/core-v1/single", test_v1_single);
    g_test_add_func("/core-v1/mixed", test_v1_v2_mixed);
    g_test_add_func("/core-v1/failure-status", test_v1_failure_status);
    g_test_add_func("/core-v1/close-and-connect", test_v1_close_and_connect);
    return g_test_run();
}
