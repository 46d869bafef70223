/*
 * sysmem core scenarios, driven through the host interface with real FIDL
 * messages (reference section 6 and the failure paths).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "tests/unit/test-core-util.h"

/* 1. one participant, cpuRW, camping 3, 64..128 KiB, cpu domain only */
static void test_single_participant(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = c_new();
    g_autofree sysmem2_buffer_collection_info_t *info =
        g_new0(sysmem2_buffer_collection_info_t, 1);
    TestCollection tc;
    VsCall *w;
    uint32_t i;

    test_collection(h, &tc, 1);
    c_cpu(c, CPU_RW);
    c_camping(c, 3);
    c_size(c, 64 * 1024, 128 * 1024);
    c_domains(c, true, false, false);
    vs_set_constraints(h, tc.colls[0], c);
    w = vs_wait(h, tc.colls[0], false);
    g_assert_true(w->done);
    g_assert_cmpint(vs_wait_result(w, info), ==, 0);
    g_assert_cmpuint(info->buffers_count, ==, 3);
    g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==, 65536);
    g_assert_cmpuint(info->settings.buffer_settings.raw_vmo_size, ==, 65536);
    g_assert_cmpuint(info->settings.buffer_settings.coherency_domain, ==,
                     SYSMEM2_COHERENCY_DOMAIN_CPU);
    g_assert_false(info->settings.has_image_format_constraints);
    g_assert_cmpstr(info->settings.buffer_settings.heap.heap_type, ==,
                    SYSMEM2_HEAP_TYPE_SYSTEM_RAM);
    g_assert_cmpuint(w->nh, ==, 3);
    for (i = 0; i < 3; i++) {
        g_assert_true(info->buffers[i].has_vmo);
        g_assert_cmpuint(w->handles[i].size, ==, 65536);
        g_assert_true(w->handles[i].rights & SYSMEM_RIGHT_WRITE);
    }
    g_assert_cmpint(vs_check(h, tc.colls[0], false), ==, 0);
    test_teardown(h, &tc);
    vs_host_free(h);
}


static sysmem2_buffer_collection_info_t *info_new(void)
{
    return g_new0(sysmem2_buffer_collection_info_t, 1);
}

/* cpu usage, camping n, optional min size */
static SysmemConstraints *simple(uint32_t camping, uint64_t min_size)
{
    SysmemConstraints *c = c_new();

    c_cpu(c, CPU_RW);
    c_camping(c, camping);
    if (min_size) {
        c_size(c, min_size, 0);
    }
    return c;
}

static sysmem2_image_format_constraints_t *nv12(SysmemConstraints *c,
                                                uint32_t w, uint32_t h)
{
    sysmem2_image_format_constraints_t *f =
        c_image(c, IMAGES2_PIXEL_FORMAT_NV12, IMAGES2_COLOR_SPACE_REC709);

    ifc_min_size(f, w, h);
    return f;
}

/* 2. NV12 256x256 with bpr/alignment constraints: exactly 98304 bytes */
static void test_nv12_size(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(3, 64 * 1024);
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    sysmem2_image_format_constraints_t *f;
    TestCollection tc;

    c->buffer_memory_constraints.has_min_size_bytes = false;
    f = nv12(c, 256, 256);
    f->has_min_bytes_per_row = true;
    f->min_bytes_per_row = 256;
    f->has_size_alignment = true;
    f->size_alignment.width = f->size_alignment.height = 2;
    f->has_bytes_per_row_divisor = true;
    f->bytes_per_row_divisor = 2;
    test_collection(h, &tc, 1);
    vs_set_constraints(h, tc.colls[0], c);
    g_assert_cmpint(vs_wait_result(vs_wait(h, tc.colls[0], false), info), ==, 0);
    g_assert_cmpuint(info->buffers_count, ==, 3);
    g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==, 98304);
    g_assert_true(info->settings.has_image_format_constraints);
    g_assert_cmpuint(info->settings.image_format_constraints.pixel_format, ==,
                     IMAGES2_PIXEL_FORMAT_NV12);
    g_assert_cmpuint(info->settings.image_format_constraints.pixel_format_modifier,
                     ==, IMAGES2_FORMAT_MODIFIER_LINEAR);
    g_assert_cmpuint(info->settings.image_format_constraints.color_spaces[0], ==,
                     IMAGES2_COLOR_SPACE_REC709);
    test_teardown(h, &tc);
    vs_host_free(h);
}

/* 3. camping 3 + min_buffer_count 5 -> 5 */
static void test_min_buffer_count(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(3, 4096);
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    TestCollection tc;

    c_min_count(c, 5);
    test_collection(h, &tc, 1);
    vs_set_constraints(h, tc.colls[0], c);
    g_assert_cmpint(vs_wait_result(vs_wait(h, tc.colls[0], false), info), ==, 0);
    g_assert_cmpuint(info->buffers_count, ==, 5);
    test_teardown(h, &tc);
    vs_host_free(h);
}

/* 4. two NV12 participants + one with empty constraints */
static void test_three_participants(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c1 = simple(3, 0);
    g_autofree SysmemConstraints *c2 = simple(3, 0);
    g_autofree SysmemConstraints *empty = c_new();
    g_autofree sysmem2_buffer_collection_info_t *i1 = info_new();
    g_autofree sysmem2_buffer_collection_info_t *i3 = info_new();
    TestCollection tc;
    VsCall *w1, *w3;

    nv12(c1, 256, 256);
    nv12(c2, 512, 512);
    c_size(c1, 0, 393216);
    test_collection(h, &tc, 3);
    vs_set_constraints(h, tc.colls[0], c1);
    w1 = vs_wait(h, tc.colls[0], false);
    g_assert_cmpint(vs_check(h, tc.colls[0], false), ==, SYSMEM2_ERROR_PENDING);
    vs_set_constraints(h, tc.colls[2], empty);
    g_assert_cmpint(vs_check(h, tc.colls[2], false), ==, SYSMEM2_ERROR_PENDING);
    g_assert_false(w1->done);
    vs_set_constraints(h, tc.colls[1], c2);
    g_assert_true(w1->done);
    w3 = vs_wait(h, tc.colls[2], false);
    g_assert_cmpint(vs_wait_result(w1, i1), ==, 0);
    g_assert_cmpint(vs_wait_result(w3, i3), ==, 0);
    g_assert_cmpuint(i1->buffers_count, ==, 6);
    g_assert_cmpuint(i1->settings.buffer_settings.size_bytes, ==, 393216);
    g_assert_cmpuint(w1->nh, ==, 6);
    /* the none-usage participant gets buffers without vmos */
    g_assert_cmpuint(i3->buffers_count, ==, 6);
    g_assert_cmpuint(w3->nh, ==, 0);
    g_assert_false(i3->buffers[0].has_vmo);
    g_assert_true(i3->buffers[0].has_vmo_usable_start);
    g_assert_cmpuint(i3->settings.buffer_settings.size_bytes, ==, 393216);
    g_assert_cmpuint(i3->buffer_collection_id, ==, i1->buffer_collection_id);
    g_assert_cmpint(vs_check(h, tc.colls[1], false), ==, 0);
    test_teardown(h, &tc);
    vs_host_free(h);
}

/* 5. released constraints still count */
static void test_release_keeps_constraints(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(2, 4096);
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    TestCollection tc;
    int32_t ep;

    test_collection(h, &tc, 2);
    vs_set_constraints(h, tc.colls[0], c);
    vs_release(h, tc.colls[0], false);
    vs_peer_close(h, tc.colls[0]);
    g_assert_true(vs_closed(h, tc.colls[0], &ep));
    vs_set_constraints(h, tc.colls[1], c);
    g_assert_cmpint(vs_wait_result(vs_wait(h, tc.colls[1], false), info), ==, 0);
    g_assert_cmpuint(info->buffers_count, ==, 4);
    test_teardown(h, &tc);
    vs_host_free(h);
}

/* 6a. a dispensable token closing before allocation fails everything */
static void test_dispensable_before_allocation(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(2, 4096);
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t child = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);
    uint32_t coll;
    int32_t ep;
    VsCall *w;

    vs_set_dispensable(h, child);
    g_assert_true(vs_sync(h, root, false));
    coll = vs_bind(h, alloc, root, false);
    vs_set_constraints(h, coll, c);
    w = vs_wait(h, coll, false);
    vs_peer_close(h, child);
    g_assert_true(w->done);
    g_assert_false(w->answered);
    g_assert_true(vs_closed(h, coll, &ep));
    g_assert_cmpint(ep, ==, FIDL_ZX_ERR_PEER_CLOSED);
    vs_host_free(h);
}

/* 6b. a dispensable participant failing after allocation is contained */
static void test_dispensable_after_allocation(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(2, 4096);
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t child = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);
    uint32_t coll, coll2;
    SysmemCoreStats st;

    vs_set_dispensable(h, child);
    g_assert_true(vs_sync(h, root, false));
    coll = vs_bind(h, alloc, root, false);
    coll2 = vs_bind(h, alloc, child, false);
    vs_set_constraints(h, coll, c);
    vs_set_constraints(h, coll2, c);
    g_assert_cmpint(vs_wait_result(vs_wait(h, coll, false), info), ==, 0);
    g_assert_cmpuint(info->buffers_count, ==, 4);
    vs_peer_close(h, coll2);
    g_assert_false(vs_closed(h, coll, NULL));
    g_assert_true(vs_sync(h, coll, false));
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.collections, ==, 1);
    g_assert_cmpuint(st.buffers, ==, 4);
    vs_peer_close(h, coll);
    vs_release_buffers(h);
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.buffers, ==, 0);
    vs_host_free(h);
}

/* 7. a participant closing without Release ends the others' waits */
static void test_close_without_release(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(2, 4096);
    TestCollection tc;
    VsCall *w;
    int32_t ep;
    SysmemCoreStats st;

    test_collection(h, &tc, 2);
    vs_set_constraints(h, tc.colls[0], c);
    w = vs_wait(h, tc.colls[0], false);
    vs_peer_close(h, tc.colls[1]);
    g_assert_true(w->done);
    g_assert_false(w->answered);
    g_assert_true(vs_closed(h, tc.colls[0], &ep));
    g_assert_cmpint(ep, ==, FIDL_ZX_ERR_PEER_CLOSED);
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.collections, ==, 0);
    g_assert_cmpuint(st.buffers, ==, 0);
    vs_host_free(h);
}

static sysmem2_error_t alloc_one(VsHost *h, const SysmemConstraints *c,
                                 sysmem2_buffer_collection_info_t *info,
                                 VsCall **wp)
{
    TestCollection tc;
    VsCall *w;

    g_autofree SysmemConstraints *empty = c_new();

    /* A second, empty participant lets the wait be queued first. */
    test_collection(h, &tc, 2);
    vs_set_constraints(h, tc.colls[0], c);
    w = vs_wait(h, tc.colls[0], false);
    g_assert_false(w->done);
    vs_set_constraints(h, tc.colls[1], empty);
    if (wp) {
        *wp = w;
    }
    g_assert_true(w->done);
    if (!w->answered) {
        return SYSMEM2_ERROR_INVALID;   /* channel closed, no error value */
    }
    return vs_wait_result(w, info);
}

/* 9. the same format twice in one participant */
static void test_duplicate_format(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(1, 0);

    nv12(c, 64, 64)->color_spaces[0] = IMAGES2_COLOR_SPACE_REC601_NTSC;
    nv12(c, 64, 64);
    g_assert_cmpint(alloc_one(h, c, NULL, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    vs_host_free(h);
}

/* 10. non-shared collection with display usage picks the RAM domain */
static void test_display_ram_domain(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(1, 4096);
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    uint32_t alloc = vs_connect(h, false);
    uint32_t coll = vs_allocate_non_shared(h, alloc, false);

    c->usage.has_display = true;
    c->usage.display = SYSMEM2_DISPLAY_USAGE_LAYER;
    c_domains(c, true, true, false);
    vs_set_constraints(h, coll, c);
    g_assert_cmpint(vs_wait_result(vs_wait(h, coll, false), info), ==, 0);
    g_assert_cmpuint(info->settings.buffer_settings.coherency_domain, ==,
                     SYSMEM2_COHERENCY_DOMAIN_RAM);
    vs_host_free(h);
}

/* 13. deprecated required_max_size goes into the list */
static void test_required_max_size(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(1, 0);
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    sysmem2_image_format_constraints_t *f = nv12(c, 256, 256), *r;

    f->has_required_max_size = true;
    f->required_max_size.width = 512;
    f->required_max_size.height = 1024;
    g_assert_cmpint(alloc_one(h, c, info, NULL), ==, 0);
    r = &info->settings.image_format_constraints;
    g_assert_cmpuint(r->required_max_size_list_count, ==, 1);
    g_assert_cmpuint(r->required_max_size_list[0].width, ==, 512);
    g_assert_cmpuint(r->required_max_size_list[0].height, ==, 1024);
    g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==, 786432);
    vs_host_free(h);
}

/* 14. required_max_size_list echoed exactly */
static void test_required_max_size_list(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(1, 0);
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    sysmem2_image_format_constraints_t *f = nv12(c, 256, 256), *r;

    f->has_required_max_size_list = true;
    f->required_max_size_list_count = 1;
    f->required_max_size_list[0].width = 512;
    f->required_max_size_list[0].height = 1024;
    g_assert_cmpint(alloc_one(h, c, info, NULL), ==, 0);
    r = &info->settings.image_format_constraints;
    g_assert_cmpuint(r->required_max_size_list_count, ==, 1);
    g_assert_cmpuint(r->required_max_size_list[0].width, ==, 512);
    g_assert_cmpuint(r->required_max_size_list[0].height, ==, 1024);
    g_assert_cmpuint(r->required_max_size.width, ==, 0);
    g_assert_cmpuint(r->required_max_size.height, ==, 0);
    g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==, 786432);
    vs_host_free(h);
}

/* 18. invalid constraints */
static void test_invalid_constraints(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(1, 0);
    sysmem2_image_format_constraints_t *f;

    /* no size implied at all */
    g_assert_cmpint(alloc_one(h, c, NULL, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    /* max_buffer_count 0 */
    c_size(c, 4096, 0);
    c->has_max_buffer_count = true;
    c->max_buffer_count = 0;
    g_assert_cmpint(alloc_one(h, c, NULL, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    c->has_max_buffer_count = false;
    /* required_min_size with a 0 dimension */
    f = nv12(c, 64, 64);
    f->has_required_min_size = true;
    f->required_min_size.width = 64;
    f->required_min_size.height = 0;
    g_assert_cmpint(alloc_one(h, c, NULL, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    f->has_required_min_size = false;
    /* two identical entries */
    nv12(c, 64, 64);
    g_assert_cmpint(alloc_one(h, c, NULL, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    vs_host_free(h);
}

/* 19. far too many buffers */
static void test_too_many_buffers(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(0, 4096);
    uint32_t alloc = vs_connect(h, false);
    uint32_t coll = vs_allocate_non_shared(h, alloc, false);
    VsCall *w;

    c_min_count(c, (1u << 30) / PAGE);
    vs_set_constraints(h, coll, c);
    /* a single participant: the failure closes the channel at once */
    g_assert_true(vs_closed(h, coll, NULL));
    w = vs_wait(h, coll, false);
    g_assert_false(w->answered);
    g_assert_cmpint(alloc_one(h, c, NULL, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    vs_host_free(h);
}

/* 20. DuplicateSync with an attenuation mask removes WRITE */
static void test_rights_attenuation(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(1, 4096);
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t masks[2] = { FIDL_RIGHT_SAME_RIGHTS, ~FIDL_RIGHT_WRITE };
    uint32_t toks[2], colls[3], i;
    VsCall *w[3];

    g_assert_cmpint(vs_duplicate_sync(h, root, masks, 2, toks), ==, 2);
    g_assert_cmpuint(toks[0] & SYSMEM_DEVICE_ID_BIT, !=, 0);
    colls[0] = vs_bind(h, alloc, root, false);
    colls[1] = vs_bind(h, alloc, toks[0], false);
    colls[2] = vs_bind(h, alloc, toks[1], false);
    for (i = 0; i < 3; i++) {
        vs_set_constraints(h, colls[i], c);
    }
    for (i = 0; i < 3; i++) {
        w[i] = vs_wait(h, colls[i], false);
        g_assert_true(w[i]->answered);
        g_assert_cmpuint(w[i]->nh, ==, 3);
    }
    g_assert_true(w[0]->handles[0].rights & SYSMEM_RIGHT_WRITE);
    g_assert_true(w[1]->handles[0].rights & SYSMEM_RIGHT_WRITE);
    g_assert_false(w[2]->handles[0].rights & SYSMEM_RIGHT_WRITE);
    g_assert_true(w[2]->handles[0].rights & SYSMEM_RIGHT_READ);
    /* same memory, different handles */
    g_assert_cmpuint(w[0]->handles[1].offset, ==, w[2]->handles[1].offset);
    g_assert_cmpuint(w[0]->handles[1].id, !=, w[2]->handles[1].id);
    vs_host_free(h);
}

static void name_cb(const SysmemCollectionInfo *ci, void *opaque)
{
    *(char **)opaque = g_strdup(ci->name);
}

/* 21. the name with the highest priority wins */
static void test_names(void)
{
    VsHost *h = test_host(64 << 20, 0);
    TestCollection tc;
    g_autofree char *name = NULL;

    test_collection(h, &tc, 2);
    vs_set_name(h, tc.colls[0], 2000000, "abcdefghijkl");
    vs_set_name(h, tc.colls[1], 0, "low_pri");
    vs_set_debug_info(h, tc.colls[1], "second participant");
    sysmem_core_foreach_collection(vs_host_core(h), name_cb, &name);
    g_assert_cmpstr(name, ==, "abcdefghijkl");
    vs_host_free(h);
}

/* 22. AttachToken: logical allocation against existing buffers */
static void test_attach_token(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(3, 4096);
    g_autofree SysmemConstraints *c1 = simple(1, 4096);
    g_autofree SysmemConstraints *c2 = simple(2, 4096);
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    g_autofree sysmem2_buffer_collection_info_t *ainfo = info_new();
    TestCollection tc;
    uint32_t at, acoll;
    VsCall *w, *aw;

    test_collection(h, &tc, 2);
    vs_set_constraints(h, tc.colls[0], c);
    /* attached before allocation: waits for the initial allocation */
    at = vs_attach_token(h, tc.colls[0], FIDL_RIGHT_SAME_RIGHTS);
    g_assert_true(vs_sync(h, tc.colls[0], false));
    acoll = vs_bind(h, tc.alloc, at, false);
    vs_set_constraints(h, acoll, c1);
    aw = vs_wait(h, acoll, false);
    g_assert_false(aw->done);
    vs_set_constraints(h, tc.colls[1], c);
    w = vs_wait(h, tc.colls[0], false);
    g_assert_cmpint(vs_wait_result(w, info), ==, 0);
    g_assert_cmpuint(info->buffers_count, ==, 6);
    /* camping 3+3 uses every buffer: the attached camping 1 fails */
    g_assert_true(aw->done);
    g_assert_cmpint(vs_wait_result(aw, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    g_assert_true(vs_closed(h, acoll, NULL));
    g_assert_false(vs_closed(h, tc.colls[0], NULL));
    g_assert_true(vs_sync(h, tc.colls[1], false));
    test_teardown(h, &tc);

    /* with min_buffer_count 8, an attached camping 2 fits */
    test_collection(h, &tc, 2);
    c_min_count(c, 8);
    vs_set_constraints(h, tc.colls[0], c);
    vs_set_constraints(h, tc.colls[1], c);
    w = vs_wait(h, tc.colls[0], false);
    g_assert_cmpint(vs_wait_result(w, info), ==, 0);
    g_assert_cmpuint(info->buffers_count, ==, 8);
    at = vs_attach_token(h, tc.colls[1], FIDL_RIGHT_SAME_RIGHTS);
    g_assert_true(vs_sync(h, tc.colls[1], false));
    acoll = vs_bind(h, tc.alloc, at, false);
    vs_set_constraints(h, acoll, c2);
    aw = vs_wait(h, acoll, false);
    g_assert_cmpint(vs_wait_result(aw, ainfo), ==, 0);
    g_assert_cmpuint(ainfo->buffers_count, ==, 8);
    g_assert_cmpuint(ainfo->settings.buffer_settings.size_bytes, ==,
                     info->settings.buffer_settings.size_bytes);
    g_assert_cmpuint(ainfo->buffer_collection_id, ==, info->buffer_collection_id);
    g_assert_cmpuint(aw->handles[5].offset, ==, w->handles[5].offset);
    vs_peer_close(h, acoll);
    test_teardown(h, &tc);
    vs_host_free(h);
}

/* 23. attached participant whose max size is one byte too small */
static void test_attach_too_small(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(1, 8192);
    g_autofree SysmemConstraints *a = simple(0, 0);
    TestCollection tc;
    uint32_t at, acoll;
    VsCall *aw;

    c_min_count(c, 4);
    test_collection(h, &tc, 1);
    vs_set_constraints(h, tc.colls[0], c);
    g_assert_true(vs_wait(h, tc.colls[0], false)->answered);
    at = vs_attach_token(h, tc.colls[0], FIDL_RIGHT_SAME_RIGHTS);
    acoll = vs_bind(h, tc.alloc, at, false);
    c_size(a, 0, 8191);
    vs_set_constraints(h, acoll, a);
    /* the late allocation ran at SetConstraints and failed the subtree */
    g_assert_true(vs_closed(h, acoll, NULL));
    aw = vs_wait(h, acoll, false);
    g_assert_false(aw->answered);
    g_assert_false(vs_closed(h, tc.colls[0], NULL));
    g_assert_true(vs_sync(h, tc.colls[0], false));
    test_teardown(h, &tc);
    vs_host_free(h);
}

/* 25. AttachLifetimeTracking */
static void test_lifetime_tracking(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(3, 4096);
    TestCollection tc;
    uint32_t t[6], i;
    VsCall *w;

    test_collection(h, &tc, 1);
    for (i = 0; i < 6; i++) {
        t[i] = vs_attach_lifetime(h, tc.colls[0], i);
    }
    for (i = 0; i < 6; i++) {
        g_assert_false(vs_closed(h, t[i], NULL));
    }
    vs_set_constraints(h, tc.colls[0], c);
    w = vs_wait(h, tc.colls[0], false);
    g_assert_cmpuint(w->nh, ==, 3);
    for (i = 0; i < 6; i++) {
        g_assert_cmpint(vs_closed(h, t[i], NULL), ==, i >= 3);
    }
    /* the collection goes away; buffers live on while handles exist */
    vs_peer_close(h, tc.colls[0]);
    g_assert_false(vs_closed(h, t[2], NULL));
    sysmem_core_buffer_release(vs_host_core(h), w->handles[0].id);
    g_assert_true(vs_closed(h, t[2], NULL));
    g_assert_false(vs_closed(h, t[1], NULL));
    sysmem_core_buffer_release(vs_host_core(h), w->handles[1].id);
    g_assert_true(vs_closed(h, t[1], NULL));
    sysmem_core_buffer_release(vs_host_core(h), w->handles[2].id);
    g_assert_true(vs_closed(h, t[0], NULL));

    /* an attached subtree that fails closes its trackers at once */
    {
        g_autofree SysmemConstraints *a = simple(1, 4096);
        uint32_t at, acoll, helper, hcoll, tr;

        test_collection(h, &tc, 1);
        vs_set_constraints(h, tc.colls[0], c);
        g_assert_true(vs_wait(h, tc.colls[0], false)->answered);
        at = vs_attach_token(h, tc.colls[0], FIDL_RIGHT_SAME_RIGHTS);
        helper = vs_duplicate(h, at, FIDL_RIGHT_SAME_RIGHTS, false);
        acoll = vs_bind(h, tc.alloc, at, false);
        hcoll = vs_bind(h, tc.alloc, helper, false);
        tr = vs_attach_lifetime(h, acoll, 100);
        /* queued until the logical allocation, even though 100 >= 3 */
        g_assert_false(vs_closed(h, tr, NULL));
        vs_set_constraints(h, acoll, a);    /* camping 1 > 0 spare buffers */
        vs_release(h, hcoll, false);
        vs_peer_close(h, hcoll);
        g_assert_true(vs_closed(h, acoll, NULL));
        g_assert_true(vs_closed(h, tr, NULL));
        g_assert_false(vs_closed(h, tc.colls[0], NULL));
        test_teardown(h, &tc);
    }
    vs_host_free(h);
}

static SysmemConstraints *exact_pages(unsigned pages)
{
    SysmemConstraints *c = simple(1, pages * PAGE);

    c_size(c, pages * PAGE, pages * PAGE);
    return c;
}

/* 26. token group: the first child that fits wins */
static void test_group_selection(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *root_c = c_new();
    g_autofree SysmemConstraints *c16 = exact_pages(16);
    g_autofree SysmemConstraints *c32 = exact_pages(32);
    g_autofree SysmemConstraints *rc = exact_pages(16);
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t group = vs_create_group(h, root);
    uint32_t ch0 = vs_group_create_child(h, group, FIDL_RIGHT_SAME_RIGHTS);
    uint32_t ch1 = vs_group_create_child(h, group, FIDL_RIGHT_SAME_RIGHTS);
    uint32_t rcoll, c0, c1;
    VsCall *wr, *w0, *w1;
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();

    vs_all_children_present(h, group);
    /* a group that Released after AllChildrenPresent still selects */
    vs_release(h, group, false);
    vs_peer_close(h, group);
    g_assert_true(vs_sync(h, root, false));
    rcoll = vs_bind(h, alloc, root, false);
    c0 = vs_bind(h, alloc, ch0, false);
    c1 = vs_bind(h, alloc, ch1, false);
    /* root: 16 pages exact; child 0: 16 pages; child 1: 32 pages */
    vs_set_constraints(h, rcoll, rc);
    vs_set_constraints(h, c1, c32);
    w1 = vs_wait(h, c1, false);
    vs_set_constraints(h, c0, c16);
    wr = vs_wait(h, rcoll, false);
    w0 = vs_wait(h, c0, false);
    g_assert_cmpint(vs_wait_result(wr, info), ==, 0);
    g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==, 16 * PAGE);
    g_assert_cmpint(vs_wait_result(w0, NULL), ==, 0);
    g_assert_cmpint(vs_wait_result(w1, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    g_assert_true(vs_closed(h, c1, NULL));
    g_assert_false(vs_closed(h, rcoll, NULL));
    (void)root_c;
    vs_host_free(h);
}

/* 26b. group with the preferred child infeasible: falls back to child 1 */
static void test_group_fallback(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *rc = exact_pages(32);
    g_autofree SysmemConstraints *c16 = exact_pages(16);
    g_autofree SysmemConstraints *c32 = exact_pages(32);
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t group = vs_create_group(h, root);
    uint32_t ch0 = vs_group_create_child(h, group, FIDL_RIGHT_SAME_RIGHTS);
    uint32_t ch1 = vs_group_create_child(h, group, FIDL_RIGHT_SAME_RIGHTS);
    uint32_t rcoll, c0, c1;
    VsCall *w0, *w1;

    vs_all_children_present(h, group);
    rcoll = vs_bind(h, alloc, root, false);
    c0 = vs_bind(h, alloc, ch0, false);
    c1 = vs_bind(h, alloc, ch1, false);
    vs_set_constraints(h, rcoll, rc);
    vs_set_constraints(h, c0, c16);
    w0 = vs_wait(h, c0, false);
    vs_set_constraints(h, c1, c32);
    w1 = vs_wait(h, c1, false);
    g_assert_cmpint(vs_wait_result(w1, NULL), ==, 0);
    g_assert_cmpint(vs_wait_result(w0, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    g_assert_true(vs_wait(h, rcoll, false)->answered);
    vs_host_free(h);
}

/* More than 64 combinations of infeasible group children. */
static void test_group_combination_cap(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *rc = exact_pages(8);
    g_autofree SysmemConstraints *bad = exact_pages(16);
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t rcoll, g[7], i, j, ch, coll;
    VsCall *w;

    for (i = 0; i < 7; i++) {
        uint32_t tok = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);

        g[i] = vs_create_group(h, tok);
        vs_release(h, tok, false);
        for (j = 0; j < 2; j++) {
            ch = vs_group_create_child(h, g[i], FIDL_RIGHT_SAME_RIGHTS);
            coll = vs_bind(h, alloc, ch, false);
            vs_set_constraints(h, coll, bad);
        }
    }
    rcoll = vs_bind(h, alloc, root, false);
    vs_set_constraints(h, rcoll, rc);
    w = vs_wait(h, rcoll, false);
    for (i = 0; i < 7; i++) {
        vs_all_children_present(h, g[i]);
    }
    g_assert_cmpint(vs_wait_result(w, NULL), ==,
                    SYSMEM2_ERROR_TOO_MANY_GROUP_CHILD_COMBINATIONS);
    vs_host_free(h);
}

/* 27. IsAlternateFor */
static void test_is_alternate_for(void)
{
    VsHost *h = test_host(64 << 20, 0);
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t a = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);
    uint32_t b = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);
    uint32_t g = vs_create_group(h, root);
    uint32_t g0 = vs_group_create_child(h, g, FIDL_RIGHT_SAME_RIGHTS);
    uint32_t g1 = vs_group_create_child(h, g, FIDL_RIGHT_SAME_RIGHTS);

    g_assert_cmpint(is_alternate(h, a, node_ref(h, b)), ==, 0);
    g_assert_cmpint(is_alternate(h, g0, node_ref(h, g1)), ==, 1);
    g_assert_cmpint(is_alternate(h, g0, node_ref(h, a)), ==, 0);
    /* a node reference is lent, not moved: the host keeps it until closed */
    {
        uint32_t ref = node_ref(h, g1);

        g_assert_cmpint(is_alternate(h, g0, ref), ==, 1);
        g_assert_true(sysmem_core_has_object(vs_host_core(h), ref));
        g_assert_cmpint(is_alternate(h, g0, ref), ==, 1);
        sysmem_core_peer_closed(vs_host_core(h), ref);
        g_assert_false(sysmem_core_has_object(vs_host_core(h), ref));
    }
    /* a reference to a node that is gone */
    {
        uint32_t ref = node_ref(h, b);

        vs_release(h, b, false);
        vs_peer_close(h, b);
        g_assert_cmpint(is_alternate(h, a, ref), ==, 0); /* b orphaned, alive */
    }
    vs_host_free(h);
}

/* 29. rights mask 0 and group misuse */
static void test_mask_zero_and_group_misuse(void)
{
    VsHost *h = test_host(64 << 20, 0);
    uint32_t masks[1] = { 0 };
    uint32_t toks[1];
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t g, child;
    int32_t ep;

    g_assert_cmpint(vs_duplicate_sync(h, root, masks, 1, toks), ==, -1);
    g_assert_true(vs_closed(h, root, &ep));
    g_assert_cmpint(ep, ==, FIDL_ZX_ERR_INVALID_ARGS);

    root = vs_allocate_shared(h, alloc, false);
    g = vs_create_group(h, root);
    child = vs_group_create_child(h, g, 0);
    g_assert_true(vs_closed(h, g, NULL));
    g_assert_true(vs_closed(h, root, NULL));
    g_assert_false(vs_closed(h, child, NULL) && false);

    root = vs_allocate_shared(h, alloc, false);
    g = vs_create_group(h, root);
    vs_group_create_child(h, g, FIDL_RIGHT_SAME_RIGHTS);
    vs_release(h, g, false);
    g_assert_true(vs_closed(h, root, NULL));
    vs_host_free(h);
}

/* 30. weak collections need SetWeakOk */
static void test_weak(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = simple(1, 4096);
    TestCollection tc;
    sysmem2_node_set_weak_ok_request_t ok = { 0 };
    VsCall *w;

    test_collection(h, &tc, 2);
    vs_send(h, tc.colls[1], SYSMEM_M_SYSMEM2_NODE_SET_WEAK, NULL, NULL, 0, NULL);
    vs_set_constraints(h, tc.colls[0], c);
    vs_set_constraints(h, tc.colls[1], c);
    g_assert_true(vs_wait(h, tc.colls[1], false)->answered);
    test_teardown(h, &tc);

    /*
     * A child created after SetWeak is weak, and without SetWeakOk fails
     * (Fuchsia: Weak_SetWeakOk_NeverSentFails; the strong child keeps the
     * collection from failing for having only weak nodes).
     */
    {
        uint32_t alloc = vs_connect(h, false);
        uint32_t root = vs_allocate_shared(h, alloc, false);
        uint32_t strong, child, coll, rcoll, scoll;

        strong = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);
        vs_send(h, root, SYSMEM_M_SYSMEM2_NODE_SET_WEAK, NULL, NULL, 0, NULL);
        child = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);
        rcoll = vs_bind(h, alloc, root, false);
        coll = vs_bind(h, alloc, child, false);
        scoll = vs_bind(h, alloc, strong, false);
        vs_set_constraints(h, rcoll, c);
        vs_set_constraints(h, coll, c);
        g_assert_true(vs_sync(h, coll, false));
        w = vs_wait(h, coll, false);
        g_assert_false(w->answered);
        g_assert_true(vs_closed(h, rcoll, NULL));
        g_assert_true(vs_closed(h, scoll, NULL));
    }
    /*
     * SetWeakOk(for_child_nodes_also) covers weak children that never sent
     * SetWeakOk (Fuchsia: SetWeakOk_ForChildNodesAlso).
     */
    {
        uint32_t alloc = vs_connect(h, false);
        uint32_t root = vs_allocate_shared(h, alloc, false);
        uint32_t child1, child2, rcoll, coll1, coll2;
        g_autofree sysmem2_buffer_collection_info_t *info = info_new();

        child1 = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);
        vs_send(h, child1, SYSMEM_M_SYSMEM2_NODE_SET_WEAK, NULL, NULL, 0, NULL);
        ok.has_for_child_nodes_also = true;
        ok.for_child_nodes_also = true;
        vs_send(h, child1, SYSMEM_M_SYSMEM2_NODE_SET_WEAK_OK, &ok, NULL, 0,
                NULL);
        child2 = vs_duplicate(h, child1, FIDL_RIGHT_SAME_RIGHTS, false);
        rcoll = vs_bind(h, alloc, root, false);
        coll1 = vs_bind(h, alloc, child1, false);
        coll2 = vs_bind(h, alloc, child2, false);
        vs_set_constraints(h, rcoll, c);
        vs_set_constraints(h, coll1, c);
        vs_set_constraints(h, coll2, c);
        w = vs_wait(h, rcoll, false);
        g_assert_cmpint(vs_wait_result(w, info), ==, 0);
        g_assert_false(info->buffers[0].has_close_weak_asap);
        w = vs_wait(h, coll1, false);
        g_assert_cmpint(vs_wait_result(w, info), ==, 0);
        g_assert_true(info->buffers[0].has_close_weak_asap);
        w = vs_wait(h, coll2, false);
        g_assert_cmpint(vs_wait_result(w, info), ==, 0);
        g_assert_true(info->buffers[0].has_close_weak_asap);
        /* SetWeakOk after Wait is a violation (Weak_SetWeakOk_TooLateFails) */
        vs_send(h, coll2, SYSMEM_M_SYSMEM2_NODE_SET_WEAK_OK, &ok, NULL, 0, NULL);
        g_assert_true(vs_closed(h, coll2, NULL));
    }
    vs_host_free(h);
}

/* Weak participants get close_weak_asap events, closed with the last
 * strong holder; the memory lives until the weak handles are gone too. */
static void test_weak_buffers(void)
{
    VsHost *h = test_host(1 << 20, 0);
    g_autofree SysmemConstraints *c = simple(1, 8192);
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    SysmemCoreStats st;
    TestCollection tc;
    VsCall *ws, *ww;
    uint32_t i;

    test_collection(h, &tc, 2);
    vs_send(h, tc.colls[1], SYSMEM_M_SYSMEM2_NODE_SET_WEAK, NULL, NULL, 0, NULL);
    vs_set_constraints(h, tc.colls[0], c);
    vs_set_constraints(h, tc.colls[1], c);
    ws = vs_wait(h, tc.colls[0], false);
    ww = vs_wait(h, tc.colls[1], false);
    g_assert_cmpint(vs_wait_result(ww, info), ==, 0);
    g_assert_cmpuint(info->buffers_count, ==, 2);
    g_assert_cmpuint(ws->nh, ==, 2);            /* strong: vmos only */
    g_assert_cmpuint(ww->nh, ==, 4);            /* weak: vmo + event each */
    for (i = 0; i < 2; i++) {
        g_assert_true(info->buffers[i].has_vmo);
        g_assert_true(info->buffers[i].has_close_weak_asap);
    }
    g_assert_cmpuint(ww->handles[1].kind, ==, SYSMEM_HANDLE_EVENTPAIR);
    /* the strong participant and the collection go away */
    vs_peer_close(h, tc.colls[0]);
    vs_peer_close(h, tc.colls[1]);
    g_assert_false(vs_closed(h, ww->handles[1].id, NULL));
    sysmem_core_buffer_release(vs_host_core(h), ws->handles[0].id);
    g_assert_true(vs_closed(h, ww->handles[1].id, NULL));   /* buffer 0 */
    g_assert_false(vs_closed(h, ww->handles[3].id, NULL));  /* buffer 1 */
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.buffers, ==, 2);        /* weak handles still there */
    sysmem_core_buffer_release(vs_host_core(h), ws->handles[1].id);
    g_assert_true(vs_closed(h, ww->handles[3].id, NULL));
    sysmem_core_buffer_release(vs_host_core(h), ww->handles[0].id);
    sysmem_core_buffer_release(vs_host_core(h), ww->handles[2].id);
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.buffers, ==, 0);
    /* The fired events stay taken until the host closes its ends. */
    g_assert_cmpuint(st.objects, ==, 3);
    vs_peer_close(h, ww->handles[1].id);
    vs_peer_close(h, ww->handles[3].id);
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.objects, ==, 1);        /* the allocator */
    vs_host_free(h);
}

/* The host handle id a Wait reply names with 1-based index @idx. */
static uint32_t handle_id(VsCall *w, fidl_handle_t idx)
{
    g_assert_cmpuint(idx, >=, 1);
    g_assert_cmpuint(idx, <=, w->nh);
    return w->handles[idx - 1].id;
}

/*
 * Fuchsia: Weak_CloseWeakAsap_Signaled.  Once the strong participant has
 * Released and closed, only its buffer handles hold the buffers strongly:
 * closing each fires that buffer's close_weak_asap, closing the last one
 * fails the collection, and the memory (lifetime tracking) is freed only
 * when the weak handles are gone too.
 */
static void test_weak_close_weak_asap_signaled(void)
{
    enum { N = 10 };
    VsHost *h = test_host(1 << 20, 0);
    g_autofree SysmemConstraints *c0 = simple(0, PAGE);
    g_autofree SysmemConstraints *cn = simple(N, PAGE);
    g_autofree sysmem2_buffer_collection_info_t *si = info_new();
    g_autofree sysmem2_buffer_collection_info_t *wi = info_new();
    SysmemCoreStats st;
    TestCollection tc;
    VsCall *ws, *ww;
    uint32_t i, tracker;

    test_collection(h, &tc, 2);
    vs_set_constraints(h, tc.colls[0], c0);
    vs_send(h, tc.colls[1], SYSMEM_M_SYSMEM2_NODE_SET_WEAK, NULL, NULL, 0, NULL);
    vs_set_constraints(h, tc.colls[1], cn);
    ws = vs_wait(h, tc.colls[0], false);
    ww = vs_wait(h, tc.colls[1], false);
    g_assert_cmpint(vs_wait_result(ws, si), ==, 0);
    g_assert_cmpint(vs_wait_result(ww, wi), ==, 0);
    g_assert_cmpuint(si->buffers_count, ==, N);
    g_assert_cmpuint(wi->buffers_count, ==, N);
    for (i = 0; i < N; i++) {
        g_assert_true(si->buffers[i].has_vmo);
        g_assert_false(si->buffers[i].has_close_weak_asap);
        g_assert_true(wi->buffers[i].has_vmo);
        g_assert_true(wi->buffers[i].has_close_weak_asap);
    }

    /* the strong node goes; its buffer handles keep the collection */
    vs_release(h, tc.colls[0], false);
    vs_peer_close(h, tc.colls[0]);
    g_assert_true(vs_sync(h, tc.colls[1], false));
    for (i = 0; i < N; i++) {
        g_assert_false(vs_closed(h, handle_id(ww, wi->buffers[i].close_weak_asap),
                                 NULL));
    }
    tracker = vs_attach_lifetime(h, tc.colls[1], 0);

    for (i = 0; i < N; i++) {
        sysmem_core_buffer_release(vs_host_core(h),
                                   handle_id(ws, si->buffers[i].vmo));
        g_assert_true(vs_closed(h, handle_id(ww, wi->buffers[i].close_weak_asap),
                                NULL));
        if (i + 1 < N) {
            g_assert_false(vs_closed(h, handle_id(ww,
                                     wi->buffers[i + 1].close_weak_asap), NULL));
            g_assert_true(vs_sync(h, tc.colls[1], false));
        }
    }
    /* the last strong handle closed: the collection failed */
    g_assert_true(vs_closed(h, tc.colls[1], NULL));
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.collections, ==, 0);
    g_assert_cmpuint(st.buffers, ==, N);        /* weak handles hold them */

    for (i = 0; i + 1 < N; i++) {
        sysmem_core_buffer_release(vs_host_core(h),
                                   handle_id(ww, wi->buffers[i].vmo));
    }
    g_assert_false(vs_closed(h, tracker, NULL));
    sysmem_core_buffer_release(vs_host_core(h),
                               handle_id(ww, wi->buffers[N - 1].vmo));
    g_assert_true(vs_closed(h, tracker, NULL));
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.buffers, ==, 0);
    g_assert_cmpuint(st.region_used, ==, 0);
    vs_host_free(h);
}

/*
 * Fuchsia: Weak_SetWeak_SparseBufferSet.  A strong collection that Released
 * and closed no longer holds its buffers: those it had dropped the handles
 * of are freed (lifetime tracking sees it), and a weak participant that
 * waits later gets neither a handle nor close_weak_asap for them.
 */
static void test_weak_sparse_buffer_set(void)
{
    enum { N = 10 };
    VsHost *h = test_host(1 << 20, 0);
    g_autofree SysmemConstraints *c0 = simple(0, PAGE);
    g_autofree SysmemConstraints *cn = simple(N, PAGE);
    g_autofree sysmem2_buffer_collection_info_t *pi = info_new();
    g_autofree sysmem2_buffer_collection_info_t *ci = info_new();
    sysmem2_node_set_weak_ok_request_t ok = { 0 };
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t child = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);
    uint32_t pcoll, ccoll, tracker, i;
    SysmemCoreStats st;
    VsCall *pw, *cw;

    vs_send(h, child, SYSMEM_M_SYSMEM2_NODE_SET_WEAK, NULL, NULL, 0, NULL);
    pcoll = vs_bind(h, alloc, root, false);
    ccoll = vs_bind(h, alloc, child, false);
    vs_set_constraints(h, pcoll, c0);
    vs_set_constraints(h, ccoll, cn);
    g_assert_true(vs_sync(h, pcoll, false));
    g_assert_true(vs_sync(h, ccoll, false));
    pw = vs_wait(h, pcoll, false);
    g_assert_cmpint(vs_wait_result(pw, pi), ==, 0);
    g_assert_cmpuint(pi->buffers_count, ==, N);
    tracker = vs_attach_lifetime(h, pcoll, N - 2);
    sysmem_core_buffer_release(vs_host_core(h), handle_id(pw, pi->buffers[0].vmo));
    sysmem_core_buffer_release(vs_host_core(h),
                               handle_id(pw, pi->buffers[N - 1].vmo));
    /* the strong node still holds every buffer */
    g_assert_false(vs_closed(h, tracker, NULL));
    vs_release(h, pcoll, false);
    vs_peer_close(h, pcoll);
    g_assert_true(vs_closed(h, tracker, NULL));
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.buffers, ==, N - 2);

    vs_send(h, ccoll, SYSMEM_M_SYSMEM2_NODE_SET_WEAK_OK, &ok, NULL, 0, NULL);
    cw = vs_wait(h, ccoll, false);
    g_assert_cmpint(vs_wait_result(cw, ci), ==, 0);
    g_assert_cmpuint(ci->buffers_count, ==, N);
    g_assert_false(ci->buffers[0].has_vmo);
    g_assert_false(ci->buffers[0].has_close_weak_asap);
    g_assert_false(ci->buffers[N - 1].has_vmo);
    g_assert_false(ci->buffers[N - 1].has_close_weak_asap);
    for (i = 1; i + 1 < N; i++) {
        g_assert_true(ci->buffers[i].has_vmo);
        g_assert_true(ci->buffers[i].has_close_weak_asap);
        g_assert_cmpuint(cw->handles[ci->buffers[i].vmo - 1].kind, ==,
                         SYSMEM_HANDLE_BUFFER);
        g_assert_cmpuint(cw->handles[ci->buffers[i].close_weak_asap - 1].kind,
                         ==, SYSMEM_HANDLE_EVENTPAIR);
    }
    g_assert_cmpuint(cw->nh, ==, 2 * (N - 2));
    vs_peer_close(h, ccoll);
    vs_peer_close(h, alloc);
    vs_release_buffers(h);
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.buffers, ==, 0);
    g_assert_cmpuint(st.collections, ==, 0);
    vs_host_free(h);
}

/* Fuchsia: SetWeak_NoUsage_HasCloseWeakAsap */
static void test_set_weak_no_usage_has_close_weak_asap(void)
{
    VsHost *h = test_host(1 << 20, 0);
    g_autofree SysmemConstraints *c1 = simple(1, PAGE);
    g_autofree SysmemConstraints *empty = c_new();
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    TestCollection tc;
    VsCall *w;

    test_collection(h, &tc, 2);
    vs_send(h, tc.colls[1], SYSMEM_M_SYSMEM2_NODE_SET_WEAK, NULL, NULL, 0, NULL);
    vs_set_constraints(h, tc.colls[0], c1);
    vs_set_constraints(h, tc.colls[1], empty);
    g_assert_true(vs_wait(h, tc.colls[0], false)->answered);
    w = vs_wait(h, tc.colls[1], false);
    g_assert_cmpint(vs_wait_result(w, info), ==, 0);
    g_assert_cmpuint(info->buffers_count, ==, 1);
    g_assert_false(info->buffers[0].has_vmo);          /* no usage: no vmo */
    g_assert_true(info->buffers[0].has_close_weak_asap);    /* but weak */
    g_assert_cmpuint(w->nh, ==, 1);
    g_assert_cmpuint(w->handles[0].kind, ==, SYSMEM_HANDLE_EVENTPAIR);
    test_teardown(h, &tc);
    vs_host_free(h);
}

/* Fuchsia: Weak_ZeroStrongNodesBeforeReadyForAllocation_Fails */
static void test_weak_zero_strong_nodes_before_allocation_fails(void)
{
    VsHost *h = test_host(1 << 20, 0);
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t child = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);
    uint32_t coll;
    SysmemCoreStats st;

    vs_send(h, child, SYSMEM_M_SYSMEM2_NODE_SET_WEAK, NULL, NULL, 0, NULL);
    coll = vs_bind(h, alloc, child, false);
    g_assert_true(vs_sync(h, coll, false));
    vs_release(h, root, false);
    g_assert_true(vs_sync(h, coll, false));     /* root still connected */
    vs_peer_close(h, root);
    g_assert_true(vs_closed(h, coll, NULL));
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.collections, ==, 0);
    vs_host_free(h);
}

/* Fuchsia: AttachNodeTrackingCountLimit -- 256 per node, the 257th fails it */
static void test_attach_node_tracking_count_limit(void)
{
    VsHost *h = test_host(1 << 20, 0);
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t t[257], i;

    for (i = 0; i < 257; i++) {
        SysmemHandle hd = { .kind = SYSMEM_HANDLE_EVENTPAIR,
                            .id = t[i] = vs_new_id(h) };
        sysmem2_node_attach_node_tracking_request_t r = {
            .has_server_end = true, .server_end = 1 };

        if (i == 256) {
            g_assert_true(vs_sync(h, root, false));
            for (uint32_t j = 0; j < 256; j++) {
                g_assert_false(vs_closed(h, t[j], NULL));
            }
        }
        vs_send(h, root, SYSMEM_M_SYSMEM2_NODE_ATTACH_NODE_TRACKING, &r, &hd,
                1, NULL);
    }
    g_assert_true(vs_closed(h, root, NULL));
    for (i = 0; i < 257; i++) {
        g_assert_true(vs_closed(h, t[i], NULL));
    }
    vs_host_free(h);
}

/* 31. ValidateBufferCollectionToken and binding an unknown token */
static void test_validate_token(void)
{
    VsHost *h = test_host(64 << 20, 0);
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t dup = vs_duplicate(h, root, FIDL_RIGHT_SAME_RIGHTS, false);
    uint32_t coll;

    g_assert_true(vs_sync(h, root, false));
    g_assert_true(validate(h, alloc, root));
    g_assert_true(validate(h, alloc, dup));
    g_assert_false(validate(h, alloc, 12345));
    coll = vs_bind(h, alloc, 4242, false);
    g_assert_true(vs_closed(h, coll, NULL));
    g_assert_false(vs_closed(h, alloc, NULL));
    vs_host_free(h);
}

/* Garbage on the allocator closes only that channel. */
static void test_malformed_message(void)
{
    VsHost *h = test_host(64 << 20, 0);
    SysmemCore *core = vs_host_core(h);
    TestCollection tc;
    uint8_t junk[40] = { 1, 0, 0, 0, 2, 0, 0x80, 1, 0x44, 0x0e, 0xa8, 0x25,
                         0xf0, 0x81, 0xa6, 0x5c, 9, 9, 9 };
    uint32_t alloc2 = vs_connect(h, false);
    SysmemHandle hd = { .kind = SYSMEM_HANDLE_CHANNEL_SERVER, .id = 777 };
    VsCall *call;
    int32_t ep;

    test_collection(h, &tc, 1);
    junk[0] = 0;   /* one-way AllocateNonSharedCollection with bad body */
    /* The message closed its own channel: PEER_CLOSED; INVALID_ARGS epitaph */
    g_assert_cmpint(sysmem_core_message(core, alloc2, junk, sizeof(junk), &hd,
                                        1, NULL), ==, FIDL_ZX_ERR_PEER_CLOSED);
    g_assert_true(vs_closed(h, alloc2, &ep));
    g_assert_cmpint(ep, ==, FIDL_ZX_ERR_INVALID_ARGS);
    g_assert_true(vs_closed(h, 777, NULL));  /* its handle was dropped */
    g_assert_false(vs_closed(h, tc.alloc, NULL));
    g_assert_true(vs_sync(h, tc.colls[0], false));
    /* too short, unknown object */
    g_assert_cmpint(sysmem_core_message(core, 999, junk, 3, NULL, 0, NULL), ==,
                    FIDL_ZX_ERR_NOT_FOUND);
    /* A two-way call to it was never written: NOT_FOUND and no reply. */
    g_assert_cmpint(vs_send(h, 999, SYSMEM_M_SYSMEM2_NODE_SYNC, NULL, NULL, 0,
                            &call), ==, FIDL_ZX_ERR_NOT_FOUND);
    g_assert_false(call->done);
    g_assert_cmpint(sysmem_core_message(core, tc.alloc, junk, 3, NULL, 0, NULL),
                    ==, FIDL_ZX_ERR_PEER_CLOSED);
    g_assert_true(vs_closed(h, tc.alloc, NULL));
    vs_host_free(h);
}

/* Unknown methods: open protocols answer flexible two-way calls. */
static void test_unknown_method(void)
{
    VsHost *h = test_host(64 << 20, 0);
    SysmemCore *core = vs_host_core(h);
    uint32_t alloc = vs_connect(h, false);
    uint32_t alloc1 = vs_connect(h, true);
    uint8_t msg[16] = { 5, 0, 0, 0, 2, 0, 0x80, 1, 1, 2, 3, 4, 5, 6, 7, 8 };
    VsCall call = { 0 };

    call.method = sysmem_method_by_id(SYSMEM_M_SYSMEM2_NODE_SYNC);
    g_assert_cmpint(sysmem_core_message(core, alloc, msg, 16, NULL, 0, &call),
                    ==, 0);
    g_assert_true(call.answered);
    g_assert_cmpuint(call.n, ==, 32);
    g_assert_cmpuint(call.bytes[16], ==, 3);    /* framework_err */
    g_free(call.bytes);
    msg[0] = 0;     /* one-way unknown flexible: ignored */
    g_assert_cmpint(sysmem_core_message(core, alloc, msg, 16, NULL, 0, NULL),
                    ==, 0);
    g_assert_false(vs_closed(h, alloc, NULL));
    /* v1 is closed: unknown ordinals close the channel */
    g_assert_cmpint(sysmem_core_message(core, alloc1, msg, 16, NULL, 0, NULL),
                    ==, FIDL_ZX_ERR_PEER_CLOSED);
    g_assert_true(vs_closed(h, alloc1, NULL));
    vs_host_free(h);
}

/* Out of region memory is NO_MEMORY, and nothing leaks. */
static void test_out_of_memory(void)
{
    VsHost *h = test_host(1 << 20, 0);
    g_autofree SysmemConstraints *c = simple(4, 512 * 1024);
    SysmemCoreStats st;

    g_assert_cmpint(alloc_one(h, c, NULL, NULL), ==, SYSMEM2_ERROR_NO_MEMORY);
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.region_used, ==, 0);
    g_assert_cmpuint(st.failures_total, ==, 1);
    /* a fitting request still works afterwards */
    c_camping(c, 2);
    g_assert_cmpint(alloc_one(h, c, NULL, NULL), ==, 0);
    vs_host_free(h);
}

/* Secure heap: inaccessible buffers without CPU rights. */
static void test_secure_heap(void)
{
    VsHost *h = test_host(8 << 20, 4 << 20);
    g_autofree SysmemConstraints *c = c_new();
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    sysmem2_buffer_memory_constraints_t *m;
    VsCall *w;

    c->has_usage = true;
    c->usage.has_video = true;
    c->usage.video = SYSMEM2_VIDEO_USAGE_HW_DECODER;
    c_camping(c, 2);
    c_size(c, 65536, 0);
    m = c_bmc(c);
    m->has_secure_required = true;
    m->secure_required = true;
    m->has_permitted_heaps = true;
    m->permitted_heaps_count = 1;
    m->permitted_heaps[0].has_heap_type = true;
    strcpy(m->permitted_heaps[0].heap_type, "virtio.sysmem.heap.HEAP_TYPE.SECURE");
    m->permitted_heaps[0].heap_type_len = strlen(m->permitted_heaps[0].heap_type);
    g_assert_cmpint(alloc_one(h, c, info, &w), ==, 0);
    g_assert_true(info->settings.buffer_settings.is_secure);
    g_assert_cmpuint(info->settings.buffer_settings.coherency_domain, ==,
                     SYSMEM2_COHERENCY_DOMAIN_INACCESSIBLE);
    g_assert_cmpuint(w->nh, ==, 2);
    g_assert_true(w->handles[0].flags & SYSMEM_BUFFER_F_INACCESSIBLE);
    g_assert_false(w->handles[0].rights & (SYSMEM_RIGHT_READ |
                                           SYSMEM_RIGHT_WRITE |
                                           SYSMEM_RIGHT_MAP));
    g_assert_cmpuint(w->handles[0].offset, >=, 4 << 20);
    vs_host_free(h);

    /* no secure heap configured: nothing can satisfy it */
    h = test_host(8 << 20, 0);
    m->has_permitted_heaps = false;
    g_assert_cmpint(alloc_one(h, c, NULL, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    vs_host_free(h);
}

/* Fresh buffers are zero-filled in the region memory. */
static void test_zero_fill(void)
{
    g_autofree uint8_t *mem = g_malloc(1 << 20);
    SysmemCoreConfig cfg = { .region_size = 1 << 20, .region_ptr = mem };
    VsHost *h = vs_host_new(&cfg);
    g_autofree SysmemConstraints *c = simple(2, 8192);
    VsCall *w;
    uint64_t i;

    memset(mem, 0xaa, 1 << 20);
    g_assert_cmpint(alloc_one(h, c, NULL, &w), ==, 0);
    for (i = 0; i < 8192; i++) {
        g_assert_cmpuint(mem[w->handles[1].offset + i], ==, 0);
    }
    g_assert_cmpuint(mem[16384], ==, 0xaa);
    vs_host_free(h);
}

/*
 * A zeroed region (cfg.region_zeroed): buffers carved from bytes used and
 * dirtied before are cleared again, whatever mix of reused and never-used
 * bytes they cover.
 */
static void test_zero_fill_reused(void)
{
    g_autofree uint8_t *mem = g_malloc0(1 << 20);
    SysmemCoreConfig cfg = { .region_size = 1 << 20, .region_ptr = mem,
                             .region_zeroed = true };
    VsHost *h = vs_host_new(&cfg);

    alloc_check_fill(h, mem, 2, 3 * PAGE, 0x5a, 0);
    /* 3 x 4 pages: the 6 dirty pages again, and pages never used */
    g_assert_cmpuint(alloc_check_fill(h, mem, 3, 4 * PAGE, 0xa5, 6 * PAGE),
                     >, 0);
    alloc_check_fill(h, mem, 4, 5 * PAGE, 0x11, 0);
    vs_host_free(h);
}

/*
 * ... and bytes never handed out are trusted to be zero: the core does not
 * write them (a canary planted there, which nothing in a real region could
 * put, survives), while without region_zeroed it is cleared.
 */
static void test_zero_fill_skips_never_used(void)
{
    g_autofree uint8_t *mem = g_malloc0(1 << 20);
    SysmemCoreConfig cfg = { .region_size = 1 << 20, .region_ptr = mem };
    g_autofree SysmemConstraints *c = simple(1, PAGE);
    VsHost *h;
    VsCall *w;

    cfg.region_zeroed = true;
    h = vs_host_new(&cfg);
    mem[0] = 0x77;
    g_assert_cmpint(alloc_one(h, c, NULL, &w), ==, 0);
    g_assert_cmpuint(w->handles[0].offset, ==, 0);
    g_assert_cmpuint(mem[0], ==, 0x77);
    vs_host_free(h);

    cfg.region_zeroed = false;
    h = vs_host_new(&cfg);
    g_assert_cmpint(alloc_one(h, c, NULL, &w), ==, 0);
    g_assert_cmpuint(w->handles[0].offset, ==, 0);
    g_assert_cmpuint(mem[0], ==, 0);
    vs_host_free(h);
}

/* Buffers are reclaimed only when the last holder lets go. */
static void test_buffer_lifetime(void)
{
    VsHost *h = test_host(1 << 20, 0);
    g_autofree SysmemConstraints *c = simple(2, 8192);
    SysmemCoreStats st;
    TestCollection tc;
    VsCall *w;

    test_collection(h, &tc, 1);
    vs_set_constraints(h, tc.colls[0], c);
    w = vs_wait(h, tc.colls[0], false);
    vs_wait(h, tc.colls[0], false);     /* a second set of handles */
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.buffer_handles, ==, 4);
    g_assert_cmpuint(st.region_used, ==, 16384);
    vs_peer_close(h, tc.colls[0]);
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.collections, ==, 0);
    g_assert_cmpuint(st.buffers, ==, 2);
    g_assert_true(sysmem_core_buffer_release(vs_host_core(h), w->handles[0].id));
    g_assert_false(sysmem_core_buffer_release(vs_host_core(h), w->handles[0].id));
    vs_release_buffers(h);
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.buffers, ==, 0);
    g_assert_cmpuint(st.region_used, ==, 0);
    vs_host_free(h);
}

/* GetVmoInfo names the collection and the index. */
static void test_get_vmo_info(void)
{
    VsHost *h = test_host(1 << 20, 0);
    g_autofree SysmemConstraints *c = simple(3, 4096);
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    sysmem2_allocator_get_vmo_info_request_t r = { .has_vmo = true, .vmo = 1 };
    sysmem2_allocator_get_vmo_info_result_t res;
    uint32_t alloc;
    VsCall *w, *c2;

    g_assert_cmpint(alloc_one(h, c, info, &w), ==, 0);
    alloc = vs_connect(h, false);
    vs_send(h, alloc, SYSMEM_M_SYSMEM2_ALLOCATOR_GET_VMO_INFO, &r,
            &w->handles[2], 1, &c2);
    g_assert_cmpint(vs_call_decode(c2, &res), ==, 0);
    g_assert_cmpuint(res.tag, ==, FIDL_RESULT_RESPONSE);
    g_assert_cmpuint(res.response.buffer_collection_id, ==,
                     info->buffer_collection_id);
    g_assert_cmpuint(res.response.buffer_index, ==, 2);
    /* the handle was lent, not moved: the host still holds it */
    g_assert_true(sysmem_core_buffer_release(vs_host_core(h), w->handles[2].id));
    vs_host_free(h);
}

/* Protocol violations on a collection fail it. */
static void test_protocol_violations(void)
{
    VsHost *h = test_host(1 << 20, 0);
    g_autofree SysmemConstraints *c = simple(1, 4096);
    TestCollection tc;
    int32_t ep;

    test_collection(h, &tc, 2);
    vs_set_constraints(h, tc.colls[0], c);
    vs_set_constraints(h, tc.colls[0], c);      /* second SetConstraints */
    g_assert_true(vs_closed(h, tc.colls[0], &ep));
    g_assert_cmpint(ep, ==, FIDL_ZX_ERR_INVALID_ARGS);
    g_assert_true(vs_closed(h, tc.colls[1], &ep));
    g_assert_cmpint(ep, ==, FIDL_ZX_ERR_PEER_CLOSED);

    test_collection(h, &tc, 1);
    vs_release(h, tc.colls[0], false);
    g_assert_false(vs_sync(h, tc.colls[0], false));  /* after Release */
    g_assert_true(vs_closed(h, tc.colls[0], NULL));

    /* v2 Wait before SetConstraints */
    test_collection(h, &tc, 1);
    g_assert_false(vs_wait(h, tc.colls[0], false)->answered);
    g_assert_true(vs_closed(h, tc.colls[0], NULL));
    vs_host_free(h);
}

/* Heaps and domains that do not intersect. */
static void test_heap_and_domain_mismatch(void)
{
    VsHost *h = test_host(1 << 20, 0);
    g_autofree SysmemConstraints *a = simple(1, 4096);
    g_autofree SysmemConstraints *b = simple(1, 4096);
    sysmem2_buffer_memory_constraints_t *m;
    TestCollection tc;
    VsCall *w;

    m = c_bmc(a);
    m->has_permitted_heaps = true;
    m->permitted_heaps_count = 1;
    m->permitted_heaps[0].has_heap_type = true;
    strcpy(m->permitted_heaps[0].heap_type, "some.other.heap");
    m->permitted_heaps[0].heap_type_len = 15;
    m = c_bmc(b);
    m->has_permitted_heaps = true;
    m->permitted_heaps_count = 1;
    m->permitted_heaps[0].has_heap_type = true;
    strcpy(m->permitted_heaps[0].heap_type, SYSMEM2_HEAP_TYPE_SYSTEM_RAM);
    m->permitted_heaps[0].heap_type_len = strlen(SYSMEM2_HEAP_TYPE_SYSTEM_RAM);
    test_collection(h, &tc, 2);
    vs_set_constraints(h, tc.colls[0], a);
    w = vs_wait(h, tc.colls[0], false);
    vs_set_constraints(h, tc.colls[1], b);
    g_assert_cmpint(vs_wait_result(w, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);

    /* cpu-only versus ram-only domains */
    c_bmc(a)->has_permitted_heaps = false;
    c_domains(a, true, false, false);
    c_domains(b, false, true, false);
    test_collection(h, &tc, 2);
    vs_set_constraints(h, tc.colls[0], a);
    w = vs_wait(h, tc.colls[0], false);
    vs_set_constraints(h, tc.colls[1], b);
    g_assert_cmpint(vs_wait_result(w, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    vs_host_free(h);
}

/* Hanging gets on two collections complete out of order. */
static void test_out_of_order_replies(void)
{
    VsHost *h = test_host(1 << 20, 0);
    g_autofree SysmemConstraints *c = simple(1, 4096);
    TestCollection a, b;
    VsCall *wa, *wb;

    test_collection(h, &a, 2);
    test_collection(h, &b, 2);
    vs_set_constraints(h, a.colls[0], c);
    vs_set_constraints(h, b.colls[0], c);
    wa = vs_wait(h, a.colls[0], false);
    wb = vs_wait(h, b.colls[0], false);
    vs_set_constraints(h, b.colls[1], c);
    g_assert_true(wb->answered);
    g_assert_false(wa->done);
    vs_set_constraints(h, a.colls[1], c);
    g_assert_true(wa->answered);
    vs_peer_close(h, b.colls[0]);
    vs_peer_close(h, b.colls[1]);
    test_teardown(h, &a);
    vs_host_free(h);
}

/* Reset drops everything and tells the host. */
static void test_reset(void)
{
    VsHost *h = test_host(1 << 20, 0);
    g_autofree SysmemConstraints *c = simple(1, 4096);
    SysmemCoreStats st;
    TestCollection tc;
    VsCall *w;

    test_collection(h, &tc, 2);
    vs_set_constraints(h, tc.colls[0], c);
    w = vs_wait(h, tc.colls[0], false);
    sysmem_core_reset(vs_host_core(h));
    g_assert_true(w->done);
    g_assert_true(vs_closed(h, tc.colls[0], NULL));
    g_assert_true(vs_closed(h, tc.alloc, NULL));
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.objects, ==, 0);
    g_assert_cmpuint(st.region_used, ==, 0);
    vs_host_free(h);
}

/* Every participant leaving before allocation drops the collection. */
static void test_all_released(void)
{
    VsHost *h = test_host(1 << 20, 0);
    SysmemCoreStats st;
    TestCollection tc;
    g_autoptr(GString) dump = g_string_new(NULL);

    test_collection(h, &tc, 2);
    sysmem_core_dump(vs_host_core(h), dump);
    g_assert_nonnull(strstr(dump->str, "waiting for SetConstraints"));
    vs_set_debug_info(h, tc.colls[1], "slowpoke");
    g_assert_cmpuint(sysmem_core_log_stalled(vs_host_core(h), 0), ==, 1);
    g_assert_nonnull(strstr(vs_log(h)->str, "slowpoke"));
    g_assert_cmpuint(sysmem_core_log_stalled(vs_host_core(h), 3600 * 1000000ll),
                     ==, 0);
    vs_release(h, tc.colls[0], false);
    vs_peer_close(h, tc.colls[0]);
    vs_release(h, tc.colls[1], false);
    vs_peer_close(h, tc.colls[1]);
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.collections, ==, 0);
    vs_host_free(h);
}

/*
 * Fuchsia: SkipUnreachableChildSelectionsV2.  63 nested groups (depth 126),
 * each preferring its deeper, incompatible child: the odometer skips the
 * selections hidden by an ancestor's choice, so the one working selection
 * is found within the combination cap.
 */
static void test_skip_unreachable_child_selections(void)
{
    enum { GROUPS = 63 };
    VsHost *h = test_host(1 << 20, 0);
    g_autofree SysmemConstraints *good = exact_pages(1);
    g_autofree SysmemConstraints *bad = exact_pages(2);
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    uint32_t alloc = vs_connect(h, false);
    uint32_t root = vs_allocate_shared(h, alloc, false);
    uint32_t good_tok[GROUPS + 1], bad_tok[GROUPS], groups[GROUPS];
    uint32_t good_coll[GROUPS + 1], bad_coll[GROUPS], cur = root, i;
    SysmemCoreStats st;

    good_tok[0] = root;
    for (i = 0; i < GROUPS; i++) {
        groups[i] = vs_create_group(h, cur);
        /* created first, so preferred: the deeper subtree */
        bad_tok[i] = vs_group_create_child(h, groups[i], FIDL_RIGHT_SAME_RIGHTS);
        good_tok[i + 1] = vs_group_create_child(h, groups[i],
                                                FIDL_RIGHT_SAME_RIGHTS);
        cur = bad_tok[i];
    }
    g_assert_true(vs_sync(h, cur, false));
    for (i = 0; i <= GROUPS; i++) {
        good_coll[i] = vs_bind(h, alloc, good_tok[i], false);
        vs_set_constraints(h, good_coll[i], good);
    }
    for (i = 0; i < GROUPS; i++) {
        bad_coll[i] = vs_bind(h, alloc, bad_tok[i], false);
        vs_set_constraints(h, bad_coll[i], bad);
    }
    for (i = 0; i < GROUPS; i++) {
        vs_all_children_present(h, groups[i]);
    }
    /* the root and the second child of the top group win */
    for (i = 0; i < 2; i++) {
        VsCall *w = vs_wait(h, good_coll[i], false);

        g_assert_cmpint(vs_wait_result(w, info), ==, 0);
        g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==, PAGE);
    }
    for (i = 2; i <= GROUPS; i++) {
        VsCall *w = vs_wait(h, good_coll[i], false);

        g_assert_true(!w->answered || vs_wait_result(w, NULL) != 0);
    }
    for (i = 0; i < GROUPS; i++) {
        VsCall *w = vs_wait(h, bad_coll[i], false);

        g_assert_true(!w->answered || vs_wait_result(w, NULL) != 0);
    }
    vs_release(h, good_coll[0], false);
    vs_peer_close(h, good_coll[0]);
    vs_release(h, good_coll[1], false);
    vs_peer_close(h, good_coll[1]);
    for (i = 0; i < GROUPS; i++) {
        vs_release(h, groups[i], false);
        vs_peer_close(h, groups[i]);
    }
    vs_release_buffers(h);
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.collections, ==, 0);
    g_assert_cmpuint(st.buffers, ==, 0);
    vs_host_free(h);
}

/*
 * The node tree is bounded (depth 256, 1024 nodes per collection, far
 * beyond what Fuchsia's tests build); a request that would exceed a bound
 * fails alone and the tree works on.  The deepest tree allowed allocates
 * (the -san build of this test checks the recursive walks at that depth).
 */
static void test_tree_limits(void)
{
    enum { DEPTH = 256, NODES = 1024 };
    VsHost *h = test_host(1 << 20, 0);
    g_autofree SysmemConstraints *c1 = simple(1, PAGE);
    g_autofree SysmemConstraints *c0 = simple(0, PAGE);
    g_autofree uint32_t *tok = g_new0(uint32_t, DEPTH);
    g_autofree uint32_t *coll = g_new0(uint32_t, DEPTH);
    uint32_t alloc = vs_connect(h, false);
    uint32_t mask = FIDL_RIGHT_SAME_RIGHTS, out[1], x, i;
    SysmemCoreStats st;
    VsCall *w;

    /* a chain of Duplicates down to the deepest level, depth 255 */
    tok[0] = vs_allocate_shared(h, alloc, false);
    for (i = 1; i < DEPTH; i++) {
        tok[i] = vs_duplicate(h, tok[i - 1], FIDL_RIGHT_SAME_RIGHTS, false);
    }
    g_assert_true(vs_sync(h, tok[DEPTH - 1], false));
    /* one level more: only that request fails */
    x = vs_duplicate(h, tok[DEPTH - 1], FIDL_RIGHT_SAME_RIGHTS, false);
    g_assert_true(vs_closed(h, x, NULL));
    g_assert_cmpint(vs_duplicate_sync(h, tok[DEPTH - 1], &mask, 1, out), ==, -1);
    x = vs_create_group(h, tok[DEPTH - 1]);
    g_assert_true(vs_closed(h, x, NULL));
    g_assert_true(vs_sync(h, tok[DEPTH - 1], false));
    g_assert_false(vs_closed(h, tok[0], NULL));
    /* and the deepest tree allocates and tears down */
    for (i = 0; i < DEPTH; i++) {
        coll[i] = vs_bind(h, alloc, tok[i], false);
        vs_set_constraints(h, coll[i], i ? c0 : c1);
    }
    w = vs_wait(h, coll[DEPTH - 1], false);
    g_assert_cmpint(vs_wait_result(w, NULL), ==, 0);
    g_assert_true(vs_wait(h, coll[0], false)->answered);
    x = vs_attach_token(h, coll[DEPTH - 1], FIDL_RIGHT_SAME_RIGHTS);
    g_assert_true(vs_closed(h, x, NULL));
    g_assert_true(vs_sync(h, coll[DEPTH - 1], false));
    vs_peer_close(h, coll[0]);      /* without Release: fails everything */
    for (i = 0; i < DEPTH; i++) {
        g_assert_true(vs_closed(h, coll[i], NULL));
    }
    vs_release_buffers(h);
    sysmem_core_get_stats(vs_host_core(h), &st);
    g_assert_cmpuint(st.collections, ==, 0);
    g_assert_cmpuint(st.buffers, ==, 0);

    /* 1024 nodes: the next Duplicate, DuplicateSync or group fails alone */
    tok[0] = vs_allocate_shared(h, alloc, false);
    for (i = 1; i < NODES; i++) {
        vs_duplicate(h, tok[0], FIDL_RIGHT_SAME_RIGHTS, false);
    }
    x = vs_duplicate(h, tok[0], FIDL_RIGHT_SAME_RIGHTS, false);
    g_assert_true(vs_closed(h, x, NULL));
    g_assert_cmpint(vs_duplicate_sync(h, tok[0], &mask, 1, out), ==, -1);
    x = vs_create_group(h, tok[0]);
    g_assert_true(vs_closed(h, x, NULL));
    g_assert_true(vs_sync(h, tok[0], false));
    g_assert_false(vs_closed(h, tok[0], NULL));
    vs_host_free(h);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/core/single-participant", test_single_participant);
    g_test_add_func("/core/nv12-size", test_nv12_size);
    g_test_add_func("/core/min-buffer-count", test_min_buffer_count);
    g_test_add_func("/core/three-participants", test_three_participants);
    g_test_add_func("/core/release-keeps-constraints",
                    test_release_keeps_constraints);
    g_test_add_func("/core/dispensable-before-allocation",
                    test_dispensable_before_allocation);
    g_test_add_func("/core/dispensable-after-allocation",
                    test_dispensable_after_allocation);
    g_test_add_func("/core/close-without-release", test_close_without_release);
    g_test_add_func("/core/duplicate-format", test_duplicate_format);
    g_test_add_func("/core/display-ram-domain", test_display_ram_domain);
    g_test_add_func("/core/required-max-size", test_required_max_size);
    g_test_add_func("/core/required-max-size-list", test_required_max_size_list);
    g_test_add_func("/core/invalid-constraints", test_invalid_constraints);
    g_test_add_func("/core/too-many-buffers", test_too_many_buffers);
    g_test_add_func("/core/rights-attenuation", test_rights_attenuation);
    g_test_add_func("/core/names", test_names);
    g_test_add_func("/core/attach-token", test_attach_token);
    g_test_add_func("/core/attach-too-small", test_attach_too_small);
    g_test_add_func("/core/lifetime-tracking", test_lifetime_tracking);
    g_test_add_func("/core/group-selection", test_group_selection);
    g_test_add_func("/core/group-fallback", test_group_fallback);
    g_test_add_func("/core/group-combination-cap", test_group_combination_cap);
    g_test_add_func("/core/is-alternate-for", test_is_alternate_for);
    g_test_add_func("/core/mask-zero-group-misuse",
                    test_mask_zero_and_group_misuse);
    g_test_add_func("/core/weak", test_weak);
    g_test_add_func("/core/weak-buffers", test_weak_buffers);
    g_test_add_func("/core/Weak_CloseWeakAsap_Signaled",
                    test_weak_close_weak_asap_signaled);
    g_test_add_func("/core/Weak_SetWeak_SparseBufferSet",
                    test_weak_sparse_buffer_set);
    g_test_add_func("/core/SetWeak_NoUsage_HasCloseWeakAsap",
                    test_set_weak_no_usage_has_close_weak_asap);
    g_test_add_func("/core/Weak_ZeroStrongNodesBeforeReadyForAllocation_Fails",
                    test_weak_zero_strong_nodes_before_allocation_fails);
    g_test_add_func("/core/AttachNodeTrackingCountLimit",
                    test_attach_node_tracking_count_limit);
    g_test_add_func("/core/validate-token", test_validate_token);
    g_test_add_func("/core/malformed-message", test_malformed_message);
    g_test_add_func("/core/unknown-method", test_unknown_method);
    g_test_add_func("/core/out-of-memory", test_out_of_memory);
    g_test_add_func("/core/secure-heap", test_secure_heap);
    g_test_add_func("/core/zero-fill", test_zero_fill);
    g_test_add_func("/core/zero-fill/reused-range-cleared",
                    test_zero_fill_reused);
    g_test_add_func("/core/zero-fill/never-used-not-rewritten",
                    test_zero_fill_skips_never_used);
    g_test_add_func("/core/buffer-lifetime", test_buffer_lifetime);
    g_test_add_func("/core/get-vmo-info", test_get_vmo_info);
    g_test_add_func("/core/protocol-violations", test_protocol_violations);
    g_test_add_func("/core/heap-domain-mismatch", test_heap_and_domain_mismatch);
    g_test_add_func("/core/out-of-order-replies", test_out_of_order_replies);
    g_test_add_func("/core/reset", test_reset);
    g_test_add_func("/core/all-released", test_all_released);
    g_test_add_func("/core/SkipUnreachableChildSelectionsV2",
                    test_skip_unreachable_child_selections);
    g_test_add_func("/core/tree-limits", test_tree_limits);
    return g_test_run();
}
