/*
 * Fuchsia's sysmem (v1) test suite (src/sysmem/tests/sysmem/sysmem_tests.cc)
 * ported to the core: each GTest path is /fuchsia/v1/<Fuchsia case name>,
 * and each case drives the core through real fuchsia.sysmem FIDL messages
 * as the Fuchsia case drives sysmem.  docs/fuchsia-tests.md lists every
 * case, the ones not here and why.  Written from a reading of the Fuchsia
 * cases; none of their code.
 *
 * fuchsia.sysmem usage bits have the same values as fuchsia.sysmem2's, so
 * the SYSMEM2_*_USAGE_* constants fill the v1 usage fields.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "tests/unit/fuchsia-port.h"

typedef sysmem1_buffer_collection_info_2_t V1Info;
typedef sysmem1_image_format_constraints_t V1Image;

static V1Info *info_new(void)
{
    return g_new0(V1Info, 1);
}

static VsHost *host(void)
{
    return test_host(64 << 20, 0);
}

static V1Constraints *v1c_new(void)
{
    return g_new0(V1Constraints, 1);
}

static V1Image *image(V1Constraints *c, uint32_t type, uint32_t cs)
{
    V1Image *f = &c->image_format_constraints[c->image_format_constraints_count++];

    f->pixel_format.type = type;
    f->color_spaces_count = 1;
    f->color_space[0].type = cs;
    return f;
}

/* NV12 256x256 with the divisors Fuchsia's v1 cases spell out */
static V1Image *nv12_256(V1Constraints *c, uint32_t align)
{
    V1Image *f = image(c, SYSMEM1_PIXEL_FORMAT_TYPE_NV12,
                       SYSMEM1_COLOR_SPACE_TYPE_REC709);

    f->min_coded_width = f->min_coded_height = 256;
    f->max_coded_width = f->max_coded_height = UINT32_MAX;
    f->min_bytes_per_row = 256;
    f->max_bytes_per_row = UINT32_MAX;
    f->max_coded_width_times_coded_height = UINT32_MAX;
    f->layers = 1;
    f->coded_width_divisor = f->coded_height_divisor = align;
    f->bytes_per_row_divisor = align;
    f->start_offset_divisor = align;
    f->display_width_divisor = f->display_height_divisor = 1;
    return f;
}

/* set_picky_constraints_v1 */
static V1Constraints *picky(uint32_t size)
{
    return fx1_cpu_buffers(1, size, size);
}


static uint32_t single(VsHost *h, uint32_t *alloc_out)
{
    uint32_t coll = fx_single(h, alloc_out, true);

    fx1_set_name(h, coll, 1000000, "sysmem-test-v1");
    return coll;
}

typedef struct Pair {
    VsHost *h;
    uint32_t alloc, parent, child, pcoll, ccoll;
} Pair;

static void pair_new(Pair *p)
{
    p->h = host();
    p->alloc = vs_connect(p->h, true);
    p->parent = fx_token(p->h, p->alloc, true);
    p->child = fx_child(p->h, p->parent, true);
    p->pcoll = vs_bind(p->h, p->alloc, p->parent, true);
    p->ccoll = vs_bind(p->h, p->alloc, p->child, true);
}

static void check_usable(const VsCall *w, const V1Info *info)
{
    uint32_t i;

    g_assert_cmpuint(w->nh, ==, info->buffer_count);
    for (i = 0; i < SYSMEM1_MAX_COUNT_BUFFER_COLLECTION_INFO_BUFFERS; i++) {
        if (i >= info->buffer_count) {
            g_assert_cmpuint(info->buffers[i].vmo, ==, 0);
            continue;
        }
        g_assert_cmpuint(info->buffers[i].vmo, !=, 0);
        g_assert_cmpuint(info->buffers[i].vmo_usable_start +
                         info->settings.buffer_settings.size_bytes, <=,
                         w->handles[i].size);
    }
}

/* Fuchsia memcmps the infos with the VMO handles zeroed. */
static void check_same_info(const V1Info *a, const V1Info *b)
{
    uint32_t i;

    g_assert_cmpuint(a->buffer_count, ==, b->buffer_count);
    g_assert_cmpmem(&a->settings, sizeof(a->settings), &b->settings,
                    sizeof(b->settings));
    for (i = 0; i < a->buffer_count; i++) {
        g_assert_cmpuint(a->buffers[i].vmo_usable_start, ==,
                         b->buffers[i].vmo_usable_start);
    }
}

/* Three plain 64 KiB buffers in @domain, no image constraints. */
static void check_three_64k(const VsCall *w, const V1Info *info,
                            uint32_t domain)
{
    uint32_t i;

    g_assert_cmpuint(info->buffer_count, ==, 3);
    g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==, 64 * 1024);
    g_assert_false(info->settings.buffer_settings.is_physically_contiguous);
    g_assert_false(info->settings.buffer_settings.is_secure);
    g_assert_cmpuint(info->settings.buffer_settings.coherency_domain, ==,
                     domain);
    g_assert_false(info->settings.has_image_format_constraints);
    for (i = 0; i < 3; i++) {
        g_assert_cmpuint(w->handles[i].size, ==, 64 * 1024);
    }
    check_usable(w, info);
}

static void test_service_connection(void)
{
    VsHost *h = host();

    g_assert_true(fx_connected(h, vs_connect(h, true), true));
    vs_host_free(h);
}

static void test_verify_token(void)
{
    VsHost *h = host();
    uint32_t alloc = vs_connect(h, true);
    uint32_t tok = vs_allocate_shared(h, alloc, true);
    uint32_t tok2 = vs_duplicate(h, tok, FIDL_RIGHT_SAME_RIGHTS, true);

    g_assert_true(vs_sync(h, tok, true));
    g_assert_true(vs_sync(h, tok2, true));
    g_assert_true(fx1_validate(h, alloc, tok));
    g_assert_true(fx1_validate(h, alloc, tok2));
    g_assert_false(fx1_validate(h, alloc, vs_new_id(h)));
    vs_host_free(h);
}

static void test_one_participant_no_image(void)
{
    VsHost *h = host();
    g_autofree V1Info *info = info_new();
    uint32_t coll = single(h, NULL);
    VsCall *w;

    fx1_set(h, coll, fx1_cpu_buffers(3, 64 * 1024, 128 * 1024));
    w = fx1_wait_ok(h, coll, info);
    check_three_64k(w, info, SYSMEM1_COHERENCY_DOMAIN_CPU);
    vs_host_free(h);
}

static V1Constraints *nv12_ranked(uint32_t n, const uint32_t *spaces)
{
    V1Constraints *c = fx1_cpu_buffers(1, 64 * 1024, 128 * 1024);
    V1Image *f = image(c, SYSMEM1_PIXEL_FORMAT_TYPE_NV12, spaces[0]);
    uint32_t i;

    f->color_spaces_count = n;
    for (i = 0; i < n; i++) {
        f->color_space[i].type = spaces[i];
    }
    return c;
}

static const uint32_t three_spaces[] = {
    SYSMEM1_COLOR_SPACE_TYPE_REC601_PAL,
    SYSMEM1_COLOR_SPACE_TYPE_REC601_PAL_FULL_RANGE,
    SYSMEM1_COLOR_SPACE_TYPE_REC709 };

static void check_nv12_709(const V1Info *info, uint32_t buffers)
{
    g_assert_cmpuint(info->buffer_count, ==, buffers);
    g_assert_true(info->settings.has_image_format_constraints);
    g_assert_cmpuint(info->settings.image_format_constraints.pixel_format.type,
                     ==, SYSMEM1_PIXEL_FORMAT_TYPE_NV12);
    g_assert_cmpuint(info->settings.image_format_constraints.color_spaces_count,
                     ==, 1);
    g_assert_cmpuint(info->settings.image_format_constraints.color_space[0].type,
                     ==, SYSMEM1_COLOR_SPACE_TYPE_REC709);
}

static void test_one_participant_colorspace_ranking(void)
{
    VsHost *h = host();
    g_autofree V1Info *info = info_new();
    uint32_t coll = single(h, NULL);

    fx1_set(h, coll, nv12_ranked(3, three_spaces));
    fx1_wait_ok(h, coll, info);
    check_nv12_709(info, 1);
    vs_host_free(h);
}

static void test_attach_lifetime_tracking(void)
{
    VsHost *h = host();
    uint32_t coll = single(h, NULL), t[6], i, j, at, acoll, atrack;
    VsCall *w;

    g_assert_true(vs_sync(h, coll, true));
    for (i = 0; i < 6; i++) {
        t[i] = fx1_attach_lifetime(h, coll, i);
    }
    for (i = 0; i < 6; i++) {
        g_assert_false(vs_closed(h, t[i], NULL));
    }
    fx1_set(h, coll, fx1_cpu_buffers(3, 64 * 1024, 128 * 1024));
    for (i = 0; i < 6; i++) {
        g_assert_cmpint(vs_closed(h, t[i], NULL), ==, i >= 3);
    }
    w = fx1_wait_ok(h, coll, NULL);
    g_assert_cmpuint(w->nh, ==, 3);
    at = fx1_attach_token(h, coll, UINT32_MAX);
    g_assert_true(vs_sync(h, coll, true));
    acoll = vs_bind(h, vs_connect(h, true), at, true);
    g_assert_true(vs_sync(h, acoll, true));
    atrack = fx1_attach_lifetime(h, acoll, 0);
    fx1_set(h, acoll, fx1_cpu_buffers(1, 64 * 1024, 128 * 1024));
    g_assert_true(vs_closed(h, atrack, NULL));
    vs_peer_close(h, coll);
    for (i = 0; i < 6; i++) {
        g_assert_cmpint(vs_closed(h, t[i], NULL), ==, i >= 3);
    }
    for (j = 0; j < 3; j++) {
        sysmem_core_buffer_release(vs_host_core(h), w->handles[j].id);
        for (i = 0; i < 3; i++) {
            g_assert_cmpint(vs_closed(h, t[i], NULL), ==, i >= 3 - (j + 1));
        }
    }
    vs_host_free(h);
}

static void test_one_participant_with_image(void)
{
    VsHost *h = host();
    g_autofree V1Info *info = info_new();
    V1Constraints *c = fx1_cpu_buffers(3, 64 * 1024, 128 * 1024);
    uint32_t coll = single(h, NULL);
    VsCall *w;

    nv12_256(c, 2);
    fx1_set(h, coll, c);
    w = fx1_wait_ok(h, coll, info);
    g_assert_cmpuint(info->buffer_count, ==, 3);
    g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==,
                     64 * 1024 * 3 / 2);
    g_assert_false(info->settings.buffer_settings.is_physically_contiguous);
    g_assert_false(info->settings.buffer_settings.is_secure);
    g_assert_cmpuint(info->settings.buffer_settings.coherency_domain, ==,
                     SYSMEM1_COHERENCY_DOMAIN_CPU);
    g_assert_true(info->settings.has_image_format_constraints);
    check_usable(w, info);
    vs_host_free(h);
}

static void test_min_buffer_count(void)
{
    VsHost *h = host();
    g_autofree V1Info *info = info_new();
    V1Constraints *c = fx1_cpu_buffers(3, 64 * 1024, 128 * 1024);
    uint32_t coll = single(h, NULL);

    c->min_buffer_count = 5;
    fx1_set(h, coll, c);
    fx1_wait_ok(h, coll, info);
    g_assert_cmpuint(info->buffer_count, ==, 5);
    vs_host_free(h);
}

/* The VMO name becomes the collection name the core reports. */
static void test_buffer_name(void)
{
    VsHost *h = host();
    g_autofree V1Info *info = info_new();
    g_autofree char *name = NULL;
    V1Constraints *c = fx1_cpu_buffers(0, 4096, 0);
    uint32_t coll = single(h, NULL);

    fx1_set_name(h, coll, 2000000, "abcdefghijkl\0mnopqrstuvwxyz");
    fx1_set_name(h, coll, 0, "low_pri");
    c->min_buffer_count = 1;
    fx1_set(h, coll, c);
    fx1_wait_ok(h, coll, info);
    g_assert_cmpuint(info->buffer_count, ==, 1);
    sysmem_core_foreach_collection(vs_host_core(h), fx_name_cb, &name);
    g_assert_cmpstr(name, ==, "abcdefghijkl");
    vs_host_free(h);
}

static void test_no_token(void)
{
    VsHost *h = host();
    g_autofree V1Info *info = info_new();
    V1Constraints *c = fx1_cpu_buffers(3, 64 * 1024, 128 * 1024);
    uint32_t alloc = vs_connect(h, true);
    uint32_t coll = vs_allocate_non_shared(h, alloc, true);
    VsCall *w;

    fx1_set_name(h, coll, 1000000, "sysmem-test-v1");
    c->usage.display = SYSMEM2_DISPLAY_USAGE_LAYER;
    c->buffer_memory_constraints.ram_domain_supported = true;
    fx1_set(h, coll, c);
    w = fx1_wait_ok(h, coll, info);
    check_three_64k(w, info, SYSMEM1_COHERENCY_DOMAIN_RAM);
    vs_host_free(h);
}

/* See NoSyncV2: messages queued on a token the core does not know yet
 * (SetDebugClientInfo, Close) are left out. */
static void test_no_sync(void)
{
    VsHost *h = host();
    uint32_t alloc = vs_connect(h, true);
    uint32_t tok1 = vs_allocate_shared(h, alloc, true);
    uint32_t tok3, coll3, coll1, tok2 = vs_new_id(h);
    SysmemHandle hd = { .kind = SYSMEM_HANDLE_CHANNEL_SERVER, .id = tok2 };
    sysmem1_buffer_collection_token_duplicate_request_t r = {
        .rights_attenuation_mask = FIDL_RIGHT_SAME_RIGHTS, .token_request = 1 };
    int32_t ep;

    fx1_debug_info(h, alloc, true, "TestAllocator", 1);
    fx1_debug_info(h, tok1, false, "TestClient", 2);
    tok3 = vs_duplicate(h, tok1, FIDL_RIGHT_SAME_RIGHTS, true);
    g_assert_true(vs_sync(h, tok1, true));
    coll3 = vs_bind(h, alloc, tok3, true);
    fx1_set_name(h, coll3, 1, "TestCollection");
    coll1 = vs_bind(h, alloc, tok2, true);
    g_assert_false(vs_sync(h, coll1, true));
    g_assert_true(vs_closed(h, coll1, &ep));
    g_assert_cmpint(ep, ==, FIDL_ZX_ERR_PEER_CLOSED);
    vs_send(h, tok1, SYSMEM_M_SYSMEM1_BUFFER_COLLECTION_TOKEN_DUPLICATE, &r,
            &hd, 1, NULL);
    g_assert_true(vs_sync(h, tok1, true));
    vs_host_free(h);
}

static void test_multiple_participants(void)
{
    VsHost *h = host();
    g_autofree V1Info *i1 = info_new();
    g_autofree V1Info *i2 = info_new();
    g_autofree V1Info *i3 = info_new();
    g_autofree V1Constraints *c1 = fx1_cpu_buffers(3, 64 * 1024, 512 * 512 * 3 / 2);
    g_autofree V1Constraints *c2 = NULL;
    uint32_t alloc = vs_connect(h, true), alloc2;
    uint32_t tok1 = vs_allocate_shared(h, alloc, true);
    uint32_t tok2 = vs_duplicate(h, tok1, FIDL_RIGHT_SAME_RIGHTS, true);
    uint32_t tok3 = vs_duplicate(h, tok1, FIDL_RIGHT_SAME_RIGHTS, true);
    uint32_t coll1, coll2, coll3, i;
    VsCall *w1, *w2, *w3;

    coll1 = vs_bind(h, alloc, tok1, true);
    fx1_set_name(h, coll1, 1000000, "sysmem-test-v1");
    nv12_256(c1, 2);
    c2 = g_memdup2(c1, sizeof(*c1));
    c2->image_format_constraints[0].min_coded_width = 512;
    c2->image_format_constraints[0].min_coded_height = 512;
    vs_set_constraints_v1(h, coll1, c1);
    alloc2 = vs_connect(h, true);
    g_assert_true(vs_sync(h, coll1, true));
    for (i = 0; i < 512; i++) {
        g_assert_true(vs_sync(h, coll1, true));
    }
    coll2 = vs_bind(h, alloc2, tok2, true);
    coll3 = vs_bind(h, alloc2, tok3, true);
    vs_set_constraints_v1(h, coll3, NULL);
    g_assert_cmpint(vs_check(h, coll1, true), ==, FIDL_ZX_ERR_UNAVAILABLE);
    g_assert_cmpint(vs_check(h, coll2, true), ==, FIDL_ZX_ERR_UNAVAILABLE);
    vs_set_constraints_v1(h, coll2, c2);
    w1 = fx1_wait_ok(h, coll1, i1);
    g_assert_cmpint(vs_check(h, coll1, true), ==, 0);
    g_assert_cmpint(vs_check(h, coll2, true), ==, 0);
    w2 = fx1_wait_ok(h, coll2, i2);
    w3 = fx1_wait_ok(h, coll3, i3);
    g_assert_cmpuint(i1->buffer_count, ==, 6);
    g_assert_cmpuint(i1->settings.buffer_settings.size_bytes, >=,
                     512 * 512 * 3 / 2);
    g_assert_false(i1->settings.buffer_settings.is_physically_contiguous);
    g_assert_false(i1->settings.buffer_settings.is_secure);
    g_assert_true(i1->settings.has_image_format_constraints);
    fx_same_buffers(w1, w2);
    check_usable(w1, i1);
    check_usable(w2, i2);
    /* SetConstraints(false, ...): no VMOs */
    g_assert_cmpuint(w3->nh, ==, 0);
    for (i = 0; i < SYSMEM1_MAX_COUNT_BUFFER_COLLECTION_INFO_BUFFERS; i++) {
        g_assert_cmpuint(i3->buffers[i].vmo, ==, 0);
    }
    check_same_info(i1, i2);
    check_same_info(i1, i3);
    /* Close on the empty participant after allocation is fine */
    vs_release(h, coll3, true);
    g_assert_false(vs_closed(h, coll1, NULL));
    vs_host_free(h);
}

/* As the v2 port: modifiers, AFBC among them, in fuchsia.sysmem terms. */
static void test_complicated_format_modifiers(void)
{
    static const uint64_t mods[4] = {
        SYSMEM1_FORMAT_MODIFIER_LINEAR, IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED,
        IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_SPLIT_BLOCK_SPARSE_YUV_TE_TILED_HEADER,
        IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_TE };
    VsHost *h = host();
    g_autofree V1Constraints *c1 = v1c_new();
    g_autofree V1Constraints *c2 = NULL;
    uint32_t alloc = vs_connect(h, true);
    uint32_t tok1 = vs_allocate_shared(h, alloc, true);
    uint32_t tok2 = vs_duplicate(h, tok1, FIDL_RIGHT_SAME_RIGHTS, true);
    uint32_t coll1 = vs_bind(h, alloc, tok1, true), coll2, i;

    fx1_set_name(h, coll1, 1000000, "sysmem-test-v1");
    c1->usage.cpu = CPU_RW;
    c1->min_buffer_count_for_camping = 1;
    for (i = 0; i < 4; i++) {
        /* the modifier values are the same in both libraries */
        V1Image *f = image(c1, i < 2 ? SYSMEM1_PIXEL_FORMAT_TYPE_R8G8B8A8 :
                           SYSMEM1_PIXEL_FORMAT_TYPE_BGRA32,
                           SYSMEM1_COLOR_SPACE_TYPE_SRGB);

        f->pixel_format.has_format_modifier = true;
        f->pixel_format.format_modifier.value = mods[i];
    }
    c2 = g_memdup2(c1, sizeof(*c1));
    for (i = 0; i < 4; i++) {
        c2->image_format_constraints[i].required_max_coded_width = 512;
        c2->image_format_constraints[i].required_max_coded_height = 512;
    }
    vs_set_constraints_v1(h, coll1, c1);
    g_assert_true(vs_sync(h, coll1, true));
    coll2 = vs_bind(h, alloc, tok2, true);
    vs_set_constraints_v1(h, coll2, c2);
    fx1_wait_ok(h, coll1, NULL);
    vs_host_free(h);
}

static void test_multiple_participants_colorspace_ranking(void)
{
    static const uint32_t two[] = {
        SYSMEM1_COLOR_SPACE_TYPE_REC601_PAL_FULL_RANGE,
        SYSMEM1_COLOR_SPACE_TYPE_REC709 };
    g_autofree V1Info *info = info_new();
    Pair p;

    pair_new(&p);
    fx1_set(p.h, p.pcoll, nv12_ranked(3, three_spaces));
    fx1_set(p.h, p.ccoll, nv12_ranked(2, two));
    fx1_wait_ok(p.h, p.pcoll, info);
    check_nv12_709(info, 2);
    fx1_wait_ok(p.h, p.ccoll, info);
    check_nv12_709(info, 2);
    vs_host_free(p.h);
}

static V1Constraints *nv12_one_page(bool include_rec601)
{
    V1Constraints *c = fx1_cpu_buffers(1, PAGE, 0);

    if (include_rec601) {
        image(c, SYSMEM1_PIXEL_FORMAT_TYPE_NV12,
              SYSMEM1_COLOR_SPACE_TYPE_REC601_NTSC);
    }
    image(c, SYSMEM1_PIXEL_FORMAT_TYPE_NV12, SYSMEM1_COLOR_SPACE_TYPE_REC709);
    return c;
}

/* v1 reports the clean failure as ZX_ERR_NOT_SUPPORTED; both orders. */
static void test_two_ifc_same_pixel_format(void)
{
    unsigned first;

    for (first = 0; first < 2; first++) {
        Pair p;
        VsCall *w[2];
        unsigned k;
        uint32_t colls[2];

        pair_new(&p);
        colls[0] = p.pcoll;
        colls[1] = p.ccoll;
        for (k = 0; k < 2; k++) {
            unsigned which = (first + k) % 2;

            fx1_set(p.h, colls[which], nv12_one_page(which == 0));
            w[which] = vs_wait(p.h, colls[which], true);
        }
        for (k = 0; k < 2; k++) {
            if (w[k]->answered) {
                g_assert_cmpint(vs_wait_result_v1(w[k], NULL), ==,
                                FIDL_ZX_ERR_NOT_SUPPORTED);
            } else {
                g_assert_true(vs_closed(p.h, colls[k], NULL));
            }
        }
        g_assert_true(w[0]->answered || w[1]->answered);
        vs_host_free(p.h);
    }
}

static void test_duplicate_sync(void)
{
    VsHost *h = host();
    uint32_t alloc = vs_connect(h, true);
    uint32_t tok1 = vs_allocate_shared(h, alloc, true);
    uint32_t same = FIDL_RIGHT_SAME_RIGHTS;
    uint32_t masks[2] = { FIDL_RIGHT_SAME_RIGHTS,
                          FX_DEFAULT_VMO_RIGHTS & ~SYSMEM_RIGHT_WRITE };
    uint32_t tok2, toks[2], c1, c2, c3, c4;
    g_autofree V1Constraints *c = fx1_cpu_buffers(1, 64 * 1024, 0);
    VsCall *w3, *w4;

    g_assert_cmpint(fx1_dup_sync(h, tok1, false, &same, 1, &tok2), ==, 1);
    c1 = vs_bind(h, alloc, tok1, true);
    fx1_set_name(h, c1, 1000000, "sysmem-test-v1");
    vs_set_constraints_v1(h, c1, c);
    g_assert_cmpint(fx1_dup_sync(h, tok2, false, masks, 2, toks), ==, 2);
    c2 = vs_bind(h, alloc, tok2, true);
    vs_set_constraints_v1(h, c2, c);
    c3 = vs_bind(h, alloc, toks[0], true);
    c4 = vs_bind(h, alloc, toks[1], true);
    vs_set_constraints_v1(h, c3, c);
    vs_set_constraints_v1(h, c4, c);
    fx1_wait_ok(h, c1, NULL);
    w3 = fx1_wait_ok(h, c3, NULL);
    w4 = fx1_wait_ok(h, c4, NULL);
    g_assert_true(w3->handles[0].rights & SYSMEM_RIGHT_WRITE);
    g_assert_false(w4->handles[0].rights & SYSMEM_RIGHT_WRITE);
    vs_host_free(h);
}

static void test_close_with_outstanding_wait(void)
{
    VsHost *h = host();
    V1Constraints *c = v1c_new();
    V1Image *f;
    uint32_t alloc = vs_connect(h, true);
    uint32_t tok1 = vs_allocate_shared(h, alloc, true);
    uint32_t tok2 = vs_duplicate(h, tok1, FIDL_RIGHT_SAME_RIGHTS, true);
    uint32_t coll1 = vs_bind(h, alloc, tok1, true), coll2;
    int32_t ep;
    VsCall *w;

    c->usage.cpu = CPU_RW;
    c->min_buffer_count_for_camping = 1;
    f = image(c, SYSMEM1_PIXEL_FORMAT_TYPE_R8G8B8A8, SYSMEM1_COLOR_SPACE_TYPE_SRGB);
    f->pixel_format.has_format_modifier = true;
    f->pixel_format.format_modifier.value = SYSMEM1_FORMAT_MODIFIER_LINEAR;
    fx1_set(h, coll1, c);
    w = vs_wait(h, coll1, true);
    g_assert_false(w->done);
    g_assert_true(vs_sync(h, coll1, true));
    coll2 = vs_bind(h, alloc, tok2, true);
    vs_peer_close(h, coll2);
    g_assert_true(w->done);
    g_assert_false(w->answered);
    g_assert_true(vs_closed(h, coll1, &ep));
    g_assert_cmpint(ep, ==, FIDL_ZX_ERR_PEER_CLOSED);
    g_assert_true(fx_connected(h, alloc, true));
    vs_host_free(h);
}

static void test_constraints_retained_beyond_clean_close(void)
{
    VsHost *h = host();
    g_autofree V1Info *info = info_new();
    g_autofree V1Constraints *c = fx1_cpu_buffers(2, 64 * 1024, 64 * 1024);
    uint32_t alloc = vs_connect(h, true);
    uint32_t tok1 = vs_allocate_shared(h, alloc, true);
    uint32_t tok2 = vs_duplicate(h, tok1, FIDL_RIGHT_SAME_RIGHTS, true);
    uint32_t coll1 = vs_bind(h, alloc, tok1, true), coll2;

    vs_set_constraints_v1(h, coll1, c);
    g_assert_true(vs_sync(h, coll1, true));
    vs_release(h, coll1, true);                 /* v1 Close */
    vs_peer_close(h, coll1);
    coll2 = vs_bind(h, vs_connect(h, true), tok2, true);
    g_assert_cmpint(vs_check(h, coll2, true), ==, FIDL_ZX_ERR_UNAVAILABLE);
    vs_set_constraints_v1(h, coll2, c);
    fx1_wait_ok(h, coll2, info);
    g_assert_cmpuint(info->buffer_count, ==, 4);
    vs_host_free(h);
}

static V1Constraints *vulkan_4k(bool cpu, bool ram, bool inacc)
{
    V1Constraints *c = v1c_new();
    sysmem1_buffer_memory_constraints_t *m = &c->buffer_memory_constraints;

    c->usage.vulkan = SYSMEM2_VULKAN_IMAGE_USAGE_TRANSFER_DST;
    c->min_buffer_count_for_camping = 1;
    c->has_buffer_memory_constraints = true;
    m->min_size_bytes = m->max_size_bytes = 4096;
    m->physically_contiguous_required = true;
    m->cpu_domain_supported = cpu;
    m->ram_domain_supported = ram;
    m->inaccessible_domain_supported = inacc;
    m->heap_permitted_count = 1;
    m->heap_permitted[0] = SYSMEM1_HEAP_TYPE_SYSTEM_RAM;
    return c;
}

static void test_heap_constraints(void)
{
    VsHost *h = host();
    g_autofree V1Info *info = info_new();
    uint32_t coll = single(h, NULL);

    fx1_set(h, coll, vulkan_4k(false, false, true));
    fx1_wait_ok(h, coll, info);
    g_assert_cmpuint(info->buffer_count, ==, 1);
    g_assert_cmpuint(info->settings.buffer_settings.coherency_domain, ==,
                     SYSMEM1_COHERENCY_DOMAIN_INACCESSIBLE);
    g_assert_cmpuint(info->settings.buffer_settings.heap, ==,
                     SYSMEM1_HEAP_TYPE_SYSTEM_RAM);
    g_assert_true(info->settings.buffer_settings.is_physically_contiguous);
    vs_host_free(h);
}

static void test_cpu_usage_and_inaccessible_domain_fails(void)
{
    VsHost *h = host();
    V1Constraints *c = vulkan_4k(false, false, true);
    uint32_t coll = single(h, NULL);

    c->usage.vulkan = 0;
    c->usage.cpu = CPU_RW;
    fx1_set(h, coll, c);
    fx1_wait_fails(h, coll);
    vs_host_free(h);
}

static void test_system_ram_heap_supports_all_domains(void)
{
    unsigned d;

    for (d = 0; d < 3; d++) {
        VsHost *h = host();
        g_autofree V1Info *info = info_new();
        uint32_t coll = single(h, NULL);

        fx1_set(h, coll, vulkan_4k(d == SYSMEM1_COHERENCY_DOMAIN_CPU,
                                   d == SYSMEM1_COHERENCY_DOMAIN_RAM,
                                   d == SYSMEM1_COHERENCY_DOMAIN_INACCESSIBLE));
        fx1_wait_ok(h, coll, info);
        g_assert_cmpuint(info->settings.buffer_settings.coherency_domain, ==, d);
        vs_host_free(h);
    }
}

static V1Constraints *nv12_no_memory(void)
{
    V1Constraints *c = v1c_new();

    c->usage.cpu = CPU_RW;
    c->min_buffer_count_for_camping = 1;
    nv12_256(c, 1);
    return c;
}

static void test_required_size(void)
{
    VsHost *h = host();
    V1Constraints *c = nv12_no_memory();
    uint32_t coll = single(h, NULL);
    VsCall *w;

    c->image_format_constraints[0].required_max_coded_width = 512;
    c->image_format_constraints[0].required_max_coded_height = 1024;
    fx1_set(h, coll, c);
    w = fx1_wait_ok(h, coll, NULL);
    g_assert_cmpuint(w->handles[0].size, >=, 1024 * 512 * 3 / 2);
    vs_host_free(h);
}

static void test_bytes_per_row_min_row(void)
{
    VsHost *h = host();
    g_autofree V1Info *info = info_new();
    V1Constraints *c = nv12_no_memory();
    V1Image *f = &c->image_format_constraints[0];
    uint32_t coll = single(h, NULL);

    f->pixel_format.type = SYSMEM1_PIXEL_FORMAT_TYPE_R8G8B8A8;
    f->color_space[0].type = SYSMEM1_COLOR_SPACE_TYPE_SRGB;
    f->min_coded_width = 254;
    f->bytes_per_row_divisor = 64;
    f->required_max_coded_width = 512;
    f->required_max_coded_height = 1024;
    fx1_set(h, coll, c);
    fx1_wait_ok(h, coll, info);
    g_assert_cmpuint(
        info->settings.image_format_constraints.min_bytes_per_row % 64, ==, 0);
    vs_host_free(h);
}

static void test_cpu_usage_and_no_buffer_memory_constraints(void)
{
    g_autofree V1Info *info = info_new();
    V1Constraints *c1 = v1c_new(), *c2 = v1c_new();
    sysmem1_buffer_memory_constraints_t *m = &c2->buffer_memory_constraints;
    Pair p;

    c1->usage.cpu = CPU_RW;
    c1->min_buffer_count_for_camping = 1;
    c2->usage.display = SYSMEM2_DISPLAY_USAGE_LAYER;
    c2->min_buffer_count_for_camping = 1;
    c2->has_buffer_memory_constraints = true;
    m->min_size_bytes = 1;
    m->max_size_bytes = 0xffffffff;
    m->cpu_domain_supported = m->ram_domain_supported = true;
    m->inaccessible_domain_supported = true;
    pair_new(&p);
    fx1_set(p.h, p.pcoll, c1);
    fx1_set(p.h, p.ccoll, c2);
    fx1_wait_ok(p.h, p.pcoll, info);
    g_assert_cmpuint(info->settings.buffer_settings.coherency_domain, ==,
                     SYSMEM1_COHERENCY_DOMAIN_CPU);
    vs_host_free(p.h);
}

/* Cache policy → SYSMEM_BUFFER_F_CPU_CACHED, as in the v2 port. */
static void test_contiguous_system_ram_is_cached(void)
{
    VsHost *h = host();
    g_autofree V1Info *info = info_new();
    uint32_t coll = single(h, NULL);
    VsCall *w;

    fx1_set(h, coll, vulkan_4k(true, false, false));
    w = fx1_wait_ok(h, coll, info);
    g_assert_cmpuint(info->buffer_count, ==, 1);
    g_assert_cmpuint(info->settings.buffer_settings.coherency_domain, ==,
                     SYSMEM1_COHERENCY_DOMAIN_CPU);
    g_assert_cmpuint(info->settings.buffer_settings.heap, ==,
                     SYSMEM1_HEAP_TYPE_SYSTEM_RAM);
    g_assert_true(info->settings.buffer_settings.is_physically_contiguous);
    g_assert_true(w->handles[0].flags & SYSMEM_BUFFER_F_CPU_CACHED);
    vs_host_free(h);
}

static void test_contiguous_system_ram_is_recycled(void)
{
    const uint32_t region = 16 << 20, per_pass = 2 << 20;
    VsHost *h = test_host(region, 0);
    uint64_t total;

    for (total = 0; total < 2ull * region; total += per_pass) {
        g_autofree V1Info *info = info_new();
        V1Constraints *c = vulkan_4k(true, false, false);
        uint32_t alloc;
        uint32_t coll = single(h, &alloc);

        c->buffer_memory_constraints.min_size_bytes = per_pass;
        c->buffer_memory_constraints.max_size_bytes = per_pass;
        fx1_set(h, coll, c);
        fx1_wait_ok(h, coll, info);
        g_assert_cmpuint(info->buffer_count, ==, 1);
        g_assert_true(info->settings.buffer_settings.is_physically_contiguous);
        vs_peer_close(h, coll);
        vs_peer_close(h, alloc);
        vs_release_buffers(h);
    }
    vs_host_free(h);
}

static V1Constraints *none_usage(bool also_cpu)
{
    V1Constraints *c = fx1_cpu_buffers(3, 64 * 1024, 128 * 1024);

    c->usage.cpu = also_cpu ? SYSMEM2_CPU_USAGE_READ_OFTEN : 0;
    c->usage.none = SYSMEM2_NONE_USAGE;
    c->min_buffer_count = 5;
    return c;
}

static void test_only_none_usage_fails(void)
{
    VsHost *h = host();
    uint32_t coll = single(h, NULL);
    int32_t st;

    fx1_set(h, coll, none_usage(false));
    st = fx1_wait_fails(h, coll);
    g_assert_true(st == FIDL_ZX_ERR_PEER_CLOSED ||
                  st == FIDL_ZX_ERR_NOT_SUPPORTED);
    vs_host_free(h);
}

static void test_none_and_other_usage_single_participant_fails(void)
{
    VsHost *h = host();
    uint32_t coll = single(h, NULL);
    int32_t st;

    fx1_debug_info(h, coll, false, "TestClient", 6);
    fx1_set(h, coll, none_usage(true));
    st = fx1_wait_fails(h, coll);
    g_assert_true(st == FIDL_ZX_ERR_PEER_CLOSED ||
                  st == FIDL_ZX_ERR_NOT_SUPPORTED);
    vs_host_free(h);
}

static void test_none_usage_with_separate_other_usage(void)
{
    V1Constraints *c1 = fx1_cpu_buffers(3, 64 * 1024, 512 * 512 * 3 / 2);
    V1Constraints *c2 = fx1_cpu_buffers(3, 64 * 1024, 512 * 512 * 3 / 2);
    Pair p;

    c1->usage.cpu = 0;
    c1->usage.none = SYSMEM2_NONE_USAGE;
    c2->usage.cpu = 0;
    c2->usage.vulkan = SYSMEM2_VULKAN_IMAGE_USAGE_TRANSFER_DST;
    pair_new(&p);
    fx1_set(p.h, p.pcoll, c1);
    fx1_set(p.h, p.ccoll, c2);
    fx1_wait_ok(p.h, p.pcoll, NULL);
    vs_host_free(p.h);
}

static void test_pixel_format_bgr24(void)
{
    const uint32_t stride = 600 * 3, aligned = (stride + 31) & ~31u;
    VsHost *h = host();
    g_autofree V1Info *info = info_new();
    V1Constraints *c = fx1_cpu_buffers(3, stride, aligned);
    V1Image *f;
    uint32_t coll = single(h, NULL);
    VsCall *w;

    c->buffer_memory_constraints.ram_domain_supported = true;
    c->buffer_memory_constraints.heap_permitted_count = 1;
    c->buffer_memory_constraints.heap_permitted[0] = SYSMEM1_HEAP_TYPE_SYSTEM_RAM;
    f = nv12_256(c, 1);
    f->pixel_format.type = SYSMEM1_PIXEL_FORMAT_TYPE_BGR24;
    f->color_space[0].type = SYSMEM1_COLOR_SPACE_TYPE_SRGB;
    f->min_coded_width = 600;
    f->min_coded_height = 1;
    f->min_bytes_per_row = stride;
    f->bytes_per_row_divisor = 32;
    f->start_offset_divisor = 32;
    fx1_set(h, coll, c);
    w = fx1_wait_ok(h, coll, info);
    g_assert_cmpuint(info->buffer_count, ==, 3);
    g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==, aligned);
    g_assert_cmpuint(info->settings.buffer_settings.coherency_domain, ==,
                     SYSMEM1_COHERENCY_DOMAIN_CPU);
    g_assert_true(info->settings.has_image_format_constraints);
    g_assert_cmpuint(info->settings.image_format_constraints.pixel_format.type,
                     ==, SYSMEM1_PIXEL_FORMAT_TYPE_BGR24);
    check_usable(w, info);
    vs_release(h, coll, true);
    g_assert_false(vs_closed(h, coll, NULL));
    vs_host_free(h);
}

static void test_close_token(void)
{
    VsHost *h = host();
    uint32_t alloc = vs_connect(h, true);
    uint32_t tok1 = vs_allocate_shared(h, alloc, true);
    uint32_t tok2 = vs_duplicate(h, tok1, FIDL_RIGHT_SAME_RIGHTS, true);

    g_assert_true(vs_sync(h, tok1, true));
    vs_release(h, tok1, true);
    vs_peer_close(h, tok1);
    g_assert_true(vs_sync(h, tok2, true));
    vs_host_free(h);
}

static void test_cpu_usage_and_inaccessible_domain_supported_succeeds(void)
{
    VsHost *h = host();
    g_autofree V1Info *info = info_new();
    V1Constraints *c = fx1_cpu_buffers(3, 64 * 1024, 128 * 1024);
    uint32_t coll = single(h, NULL);
    VsCall *w;

    c->buffer_memory_constraints.inaccessible_domain_supported = true;
    fx1_set(h, coll, c);
    w = fx1_wait_ok(h, coll, info);
    check_three_64k(w, info, SYSMEM1_COHERENCY_DOMAIN_CPU);
    vs_host_free(h);
}

static void test_allocated_buffer_zero_in_ram(void)
{
    g_autofree uint8_t *mem = NULL;
    VsHost *h = fx_memory_host(&mem, 1 << 20);
    unsigned iter;

    for (iter = 0; iter < 200; iter++) {
        uint32_t alloc;
        uint32_t coll = single(h, &alloc);
        VsCall *w;

        fx1_set(h, coll, fx1_cpu_buffers(1, 64 * 1024, 64 * 1024));
        w = fx1_wait_ok(h, coll, NULL);
        g_assert_true(fx_all_zero(mem + w->handles[0].offset, 64 * 1024));
        memset(mem + w->handles[0].offset, 0x5a, 64 * 1024);
        vs_peer_close(h, coll);
        vs_peer_close(h, alloc);
        vs_release_buffers(h);
    }
    vs_host_free(h);
}

static void test_default_attributes(void)
{
    VsHost *h = host();
    V1Constraints *c = v1c_new();
    V1Image *f;
    uint32_t coll = single(h, NULL);
    VsCall *w;

    c->usage.cpu = CPU_RW;
    c->min_buffer_count_for_camping = 1;
    f = image(c, SYSMEM1_PIXEL_FORMAT_TYPE_NV12, SYSMEM1_COLOR_SPACE_TYPE_REC709);
    f->required_max_coded_width = 512;
    f->required_max_coded_height = 1024;
    fx1_set(h, coll, c);
    w = fx1_wait_ok(h, coll, NULL);
    g_assert_cmpuint(w->handles[0].size, >=, 512 * 1024 * 3 / 2);
    vs_host_free(h);
}

/* v1's array is fixed at 32 on the wire; a count of 100 is the server's
 * to reject, and the allocator stays usable. */
static void test_too_many_formats(void)
{
    VsHost *h = host();
    uint32_t alloc = vs_connect(h, true);
    uint32_t coll = vs_bind(h, alloc, vs_allocate_shared(h, alloc, true), true);
    V1Constraints *c = v1c_new();
    unsigned i;

    c->usage.cpu = CPU_RW;
    c->min_buffer_count_for_camping = 1;
    for (i = 0; i < 32; i++) {
        V1Image *f = image(c, SYSMEM1_PIXEL_FORMAT_TYPE_NV12,
                           SYSMEM1_COLOR_SPACE_TYPE_REC709);

        f->pixel_format.has_format_modifier = true;
        f->pixel_format.format_modifier.value = SYSMEM1_FORMAT_MODIFIER_LINEAR;
        f->required_max_coded_width = 512;
        f->required_max_coded_height = 1024;
    }
    c->image_format_constraints_count = 100;
    fx1_set(h, coll, c);
    fx1_wait_fails(h, coll);
    g_assert_true(fx_connected(h, alloc, true));
    vs_host_free(h);
}

static void test_too_many_buffers(void)
{
    VsHost *h = host();
    uint32_t alloc = vs_connect(h, true);
    uint32_t coll = vs_allocate_non_shared(h, alloc, true);
    V1Constraints *c = fx1_cpu_buffers(0, PAGE, 0);

    fx1_set_name(h, coll, 1000000, "sysmem-test-v1");
    c->min_buffer_count = (1u << 30) / PAGE;
    c->usage.cpu = SYSMEM2_CPU_USAGE_READ;
    fx1_set(h, coll, c);
    fx1_wait_fails(h, coll);
    g_assert_true(fx_connected(h, alloc, true));
    vs_host_free(h);
}

static bool basic_allocation_succeeds(void (*modify)(V1Constraints *))
{
    g_autofree uint8_t *mem = NULL;
    VsHost *h = fx_memory_host(&mem, 8 << 20);
    V1Constraints *c = fx1_cpu_buffers(3, 64 * 1024, 128 * 1024);
    g_autofree V1Info *info = info_new();
    uint32_t coll = single(h, NULL);
    VsCall *w;
    bool ok;

    nv12_256(c, 2);
    if (modify) {
        modify(c);
    }
    fx1_set(h, coll, c);
    w = vs_wait(h, coll, true);
    ok = w->answered && vs_wait_result_v1(w, info) == 0;
    if (ok) {
        ok = fx_all_zero(mem + w->handles[0].offset,
                      MIN(w->handles[0].size,
                          info->settings.buffer_settings.size_bytes));
    }
    vs_host_free(h);
    return ok;
}

static void test_basic_allocation_succeeds(void)
{
    g_assert_true(basic_allocation_succeeds(NULL));
}

static void zero_min_size(V1Constraints *c)
{
    c->image_format_constraints_count = 0;
    c->buffer_memory_constraints.min_size_bytes = 0;
}

static void test_zero_min_size_bytes_fails(void)
{
    g_assert_false(basic_allocation_succeeds(zero_min_size));
}

/* In v1, 0 means "the default": these succeed (and fail in v2). */
static void zero_max_buffer_count(V1Constraints *c)
{
    c->max_buffer_count = 0;
}

static void zero_required_min_width(V1Constraints *c)
{
    c->image_format_constraints[0].required_min_coded_width = 0;
}

static void zero_required_min_height(V1Constraints *c)
{
    c->image_format_constraints[0].required_min_coded_height = 0;
}

static void zero_required_min_bpr(V1Constraints *c)
{
    c->image_format_constraints[0].required_min_bytes_per_row = 0;
}

static void test_zero_max_buffer_count(void)
{
    g_assert_true(basic_allocation_succeeds(zero_max_buffer_count));
}

static void test_zero_required_min_coded_width(void)
{
    g_assert_true(basic_allocation_succeeds(zero_required_min_width));
}

static void test_zero_required_min_coded_height(void)
{
    g_assert_true(basic_allocation_succeeds(zero_required_min_height));
}

static void test_zero_required_min_bytes_per_row(void)
{
    g_assert_true(basic_allocation_succeeds(zero_required_min_bpr));
}

static void duplicate_ifc(V1Constraints *c)
{
    c->image_format_constraints[1] = c->image_format_constraints[0];
    c->image_format_constraints_count = 2;
}

static void test_duplicate_constraints_fails(void)
{
    g_assert_false(basic_allocation_succeeds(duplicate_ifc));
}

/* AttachTokenSucceedsV1: as the v2 port, in fuchsia.sysmem messages. */
typedef void (*AtModify)(V1Constraints *c, void *opaque);

typedef struct AttachCase {
    bool before, fail_early;
    AtModify initiator, participant, attached;
    uint32_t verify_domain;     /* UINT32_MAX: don't */
    void *opaque;
    uint32_t expected;
} AttachCase;

static bool attach_token_succeeds(const AttachCase *ac)
{
    VsHost *h = host();
    g_autofree V1Info *i1 = info_new();
    g_autofree V1Info *i2 = info_new();
    g_autofree V1Info *i3 = info_new();
    g_autofree V1Constraints *c1 = fx1_cpu_buffers(3, 64 * 1024, 512 * 512 * 3 / 2);
    g_autofree V1Constraints *c2 = NULL;
    g_autofree V1Constraints *c3 = v1c_new();
    uint32_t alloc = vs_connect(h, true), alloc2;
    uint32_t tok1 = vs_allocate_shared(h, alloc, true);
    uint32_t tok2 = vs_duplicate(h, tok1, FIDL_RIGHT_SAME_RIGHTS, true);
    uint32_t coll1, coll2, tok3, coll3 = 0, i;
    bool ok = true;
    VsCall *w1, *w2, *w3;

    coll1 = vs_bind(h, alloc, tok1, true);
    nv12_256(c1, 2);
    c2 = g_memdup2(c1, sizeof(*c1));
    c2->image_format_constraints[0].min_coded_width = 512;
    c2->image_format_constraints[0].min_coded_height = 512;
    if (ac->initiator) {
        ac->initiator(c1, ac->opaque);
    }
    vs_set_constraints_v1(h, coll1, c1);
    alloc2 = vs_connect(h, true);
    g_assert_true(vs_sync(h, coll1, true));
    coll2 = vs_bind(h, alloc2, tok2, true);
    g_assert_cmpint(vs_check(h, coll1, true), ==, FIDL_ZX_ERR_UNAVAILABLE);
    g_assert_cmpint(vs_check(h, coll2, true), ==, FIDL_ZX_ERR_UNAVAILABLE);
    c3->usage.cpu = CPU_RW;
    c3->has_buffer_memory_constraints = true;
    c3->buffer_memory_constraints.cpu_domain_supported = true;
    if (ac->attached) {
        ac->attached(c3, ac->opaque);
    }
    if (ac->before) {
        tok3 = fx1_attach_token(h, coll2, FIDL_RIGHT_SAME_RIGHTS);
        g_assert_true(vs_sync(h, coll2, true));
        coll3 = vs_bind(h, alloc2, tok3, true);
        vs_set_constraints_v1(h, coll3, c3);
        if (ac->fail_early) {
            vs_peer_close(h, coll3);
        }
    }
    if (ac->participant) {
        ac->participant(c2, ac->opaque);
    }
    vs_set_constraints_v1(h, coll2, c2);
    w1 = fx1_wait_ok(h, coll1, i1);
    g_assert_cmpint(vs_check(h, coll1, true), ==, 0);
    g_assert_cmpint(vs_check(h, coll2, true), ==, 0);
    w2 = fx1_wait_ok(h, coll2, i2);
    fx_same_buffers(w1, w2);
    g_assert_cmpuint(i1->buffer_count, ==, ac->expected);
    g_assert_cmpuint(i1->settings.buffer_settings.size_bytes, >=,
                     512 * 512 * 3 / 2);
    g_assert_false(i1->settings.buffer_settings.is_physically_contiguous);
    g_assert_false(i1->settings.buffer_settings.is_secure);
    g_assert_true(i1->settings.has_image_format_constraints);
    check_usable(w1, i1);
    check_usable(w2, i2);
    if (ac->before && ac->fail_early) {
        ok = false;
        goto out;
    }
    if (ac->before) {
        w3 = vs_wait(h, coll3, true);
        if (!w3->answered || vs_wait_result_v1(w3, NULL)) {
            ok = false;
            goto out;
        }
    }
    for (i = 0; i < 3; i++) {
        if (i != 0 || !ac->before) {
            if (coll3) {
                vs_peer_close(h, coll3);
            }
            tok3 = fx1_attach_token(h, coll2, FIDL_RIGHT_SAME_RIGHTS);
            g_assert_true(vs_sync(h, coll2, true));
            coll3 = vs_bind(h, alloc2, tok3, true);
            vs_set_constraints_v1(h, coll3, c3);
        }
        g_assert_true(vs_sync(h, coll1, true));
        w3 = vs_wait(h, coll3, true);
        if (!w3->answered || vs_wait_result_v1(w3, i3)) {
            ok = false;
            goto out;
        }
        fx_same_buffers(w1, w3);
    }
    check_same_info(i1, i2);
    check_same_info(i1, i3);
    if (ac->verify_domain != UINT32_MAX) {
        g_assert_cmpuint(i1->settings.buffer_settings.coherency_domain, ==,
                         ac->verify_domain);
    }
out:
    g_assert_true(vs_sync(h, coll1, true));
    g_assert_true(vs_sync(h, coll2, true));
    vs_host_free(h);
    return ok;
}

#define NO_DOMAIN .verify_domain = UINT32_MAX

static void test_attach_before_success(void)
{
    AttachCase ac = { .before = true, .expected = 6, NO_DOMAIN };

    g_assert_true(attach_token_succeeds(&ac));
}

static void test_attach_after_success(void)
{
    AttachCase ac = { .expected = 6, NO_DOMAIN };

    g_assert_true(attach_token_succeeds(&ac));
}

static void test_attach_before_failed_early(void)
{
    AttachCase ac = { .before = true, .fail_early = true, .expected = 6,
                      NO_DOMAIN };

    g_assert_false(attach_token_succeeds(&ac));
}

static void attached_too_small(V1Constraints *c, void *opaque)
{
    c->buffer_memory_constraints.max_size_bytes = 512 * 512 * 3 / 2 - 1;
}

static void test_attach_before_failure_sizes(void)
{
    AttachCase ac = { .before = true, .attached = attached_too_small,
                      .expected = 6, NO_DOMAIN };

    g_assert_false(attach_token_succeeds(&ac));
}

static void test_attach_after_failure_sizes(void)
{
    AttachCase ac = { .attached = attached_too_small, .expected = 6,
                      NO_DOMAIN };

    g_assert_false(attach_token_succeeds(&ac));
}

static void count_camping(V1Constraints *c, void *opaque)
{
    *(uint32_t *)opaque += c->min_buffer_count_for_camping;
}

static void count_camping_and_min(V1Constraints *c, void *opaque)
{
    count_camping(c, opaque);
    c->min_buffer_count = *(uint32_t *)opaque + 2;
}

static void attached_camping_2(V1Constraints *c, void *opaque)
{
    c->min_buffer_count_for_camping = 2;
}

static void attached_camping_1(V1Constraints *c, void *opaque)
{
    c->min_buffer_count_for_camping = 1;
}

static void attach_success_counts(bool before)
{
    uint32_t needed = 0;
    AttachCase ac = { .before = before, .initiator = count_camping,
                      .participant = count_camping_and_min,
                      .attached = attached_camping_2, .opaque = &needed,
                      .expected = 8, NO_DOMAIN };

    g_assert_true(attach_token_succeeds(&ac));
    g_assert_cmpuint(needed, ==, 6);
}

static void test_attach_before_success_counts(void)
{
    attach_success_counts(true);
}

static void test_attach_after_success_counts(void)
{
    attach_success_counts(false);
}

static void test_attach_before_failure_counts(void)
{
    AttachCase ac = { .before = true, .attached = attached_camping_1,
                      .expected = 6, NO_DOMAIN };

    g_assert_false(attach_token_succeeds(&ac));
}

static void test_attach_after_failure_counts(void)
{
    AttachCase ac = { .attached = attached_camping_1, .expected = 6,
                      NO_DOMAIN };

    g_assert_false(attach_token_succeeds(&ac));
}

static void cpu_ram(V1Constraints *c, void *opaque)
{
    c->buffer_memory_constraints.cpu_domain_supported = true;
    c->buffer_memory_constraints.ram_domain_supported = true;
    c->buffer_memory_constraints.inaccessible_domain_supported = false;
    g_assert_cmpuint(c->usage.cpu, !=, 0);
}

static void cpu_ram_display(V1Constraints *c, void *opaque)
{
    cpu_ram(c, opaque);
    c->usage.display = SYSMEM2_DISPLAY_USAGE_LAYER;
}

static void test_attach_selects_same_domain(void)
{
    AttachCase ram = { .initiator = cpu_ram_display, .participant = cpu_ram,
                       .attached = cpu_ram,
                       .verify_domain = SYSMEM1_COHERENCY_DOMAIN_RAM,
                       .expected = 6 };
    AttachCase cpu = { .initiator = cpu_ram, .participant = cpu_ram,
                       .attached = cpu_ram_display,
                       .verify_domain = SYSMEM1_COHERENCY_DOMAIN_CPU,
                       .expected = 6 };

    g_assert_true(attach_token_succeeds(&ram));
    g_assert_true(attach_token_succeeds(&cpu));
}

static void test_set_dispensable(void)
{
    unsigned after;

    for (after = 0; after < 2; after++) {
        VsHost *h = host();
        g_autofree V1Info *info = info_new();
        g_autofree V1Constraints *c = fx1_cpu_buffers(2, 64 * 1024, 64 * 1024);
        uint32_t alloc = vs_connect(h, true);
        uint32_t tok1 = vs_allocate_shared(h, alloc, true);
        uint32_t tok2 = vs_duplicate(h, tok1, FIDL_RIGHT_SAME_RIGHTS, true);
        uint32_t coll1, coll2;
        VsCall *w;

        fx1_set_dispensable(h, tok2);
        coll1 = vs_bind(h, alloc, tok1, true);
        g_assert_true(vs_sync(h, coll1, true));
        coll2 = vs_bind(h, vs_connect(h, true), tok2, true);
        vs_set_constraints_v1(h, coll1, c);
        if (!after) {
            vs_peer_close(h, coll2);
            w = vs_wait(h, coll1, true);
            g_assert_false(w->answered);
            g_assert_true(vs_closed(h, coll1, NULL));
        } else {
            vs_set_constraints_v1(h, coll2, c);
            fx1_wait_ok(h, coll1, info);
            g_assert_cmpuint(info->buffer_count, ==, 4);
            vs_peer_close(h, coll2);
            g_assert_true(vs_sync(h, coll1, true));
        }
        vs_host_free(h);
    }
}

static void test_is_alternate_for_false(void)
{
    VsHost *h = host();
    uint32_t root = fx_token(h, vs_connect(h, true), true);
    uint32_t a = fx_child(h, root, true), b = fx_child(h, root, true);

    g_assert_cmpint(fx1_is_alternate(h, a, fx1_node_ref(h, b)), ==, 0);
    vs_host_free(h);
}

static void test_is_alternate_for_true(void)
{
    VsHost *h = host();
    uint32_t root = fx_token(h, vs_connect(h, true), true);
    uint32_t g = fx1_group(h, root);
    uint32_t a = fx1_group_child(h, g), b = fx1_group_child(h, g);

    g_assert_cmpint(fx1_is_alternate(h, a, fx1_node_ref(h, b)), ==, 1);
    vs_host_free(h);
}

static uint32_t child_chain(VsHost *h, GRand *r, uint32_t tok, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++) {
        if (i == n / 2 && g_rand_boolean(r)) {
            uint32_t g = fx1_group(h, tok);

            fx1_group_child(h, g);
            tok = fx1_group_child(h, g);
        } else {
            tok = fx_child(h, tok, true);
        }
    }
    return tok;
}

static void test_is_alternate_for_mini_stress(void)
{
    unsigned iter;

    for (iter = 0; iter < 50; iter++) {
        VsHost *h = host();
        GRand *r = g_rand_new_with_seed(iter);
        uint32_t root = fx_token(h, vs_connect(h, true), true);
        uint32_t branch = child_chain(h, r, root, g_rand_int_range(r, 0, 5));
        bool alternate = g_rand_boolean(r);
        uint32_t a = branch, b = branch;

        if (alternate) {
            uint32_t g = fx1_group(h, branch);

            a = fx1_group_child(h, g);
            b = fx1_group_child(h, g);
        }
        a = child_chain(h, r, a, g_rand_int_range(r, 0, 5));
        b = child_chain(h, r, b, g_rand_int_range(r, 0, 5));
        g_assert_cmpint(fx1_is_alternate(h, a, fx1_node_ref(h, b)), ==,
                        alternate);
        g_rand_free(r);
        vs_host_free(h);
    }
}

static void group_prefers_first_child(bool close_group_first)
{
    VsHost *h = host();
    g_autofree V1Info *info = info_new();
    uint32_t alloc = vs_connect(h, true);
    uint32_t root = fx_token(h, alloc, true);
    uint32_t g = fx1_group(h, root);
    uint32_t t0 = fx1_group_child(h, g), t1 = fx1_group_child(h, g);
    uint32_t rc, c0, c1;
    int32_t st;

    if (close_group_first) {
        /* AllChildrenPresent, then Close and drop the group channel */
        fx1_all_children_present(h, g);
        vs_release(h, g, true);
        vs_peer_close(h, g);
    }
    rc = vs_bind(h, alloc, root, true);
    c0 = vs_bind(h, alloc, t0, true);
    c1 = vs_bind(h, alloc, t1, true);
    vs_set_constraints_v1(h, rc, NULL);
    fx1_set(h, c0, picky(16 * PAGE));
    fx1_set(h, c1, picky(32 * PAGE));
    if (!close_group_first) {
        fx1_all_children_present(h, g);
    }
    fx1_wait_ok(h, rc, info);
    g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==, 16 * PAGE);
    fx1_wait_ok(h, c0, info);
    g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==, 16 * PAGE);
    st = fx1_wait_fails(h, c1);
    g_assert_true(st == FIDL_ZX_ERR_PEER_CLOSED ||
                  st == FIDL_ZX_ERR_NOT_SUPPORTED);
    vs_host_free(h);
}

static void test_group_prefers_first_child(void)
{
    group_prefers_first_child(false);
}

static void test_group_close_before_children_set_constraints(void)
{
    group_prefers_first_child(true);
}

static void test_group_priority(void)
{
    unsigned iter;

    for (iter = 0; iter < 20; iter++) {
        fx_group_priority(true, 1000 + iter);
    }
}

static void test_group_mini_stress(void)
{
    unsigned iter;

    for (iter = 0; iter < 50; iter++) {
        fx_group_mini_stress(true, 2000 + iter);
    }
}

/*
 * 63 nested groups, each preferring its deeper (incompatible) child: only
 * the root and the shorter child of the first group can allocate, and
 * sysmem must find that without trying the unreachable selections.
 */
static void test_skip_unreachable_child_selections(void)
{
    VsHost *h = host();
    uint32_t alloc = vs_connect(h, true);
    uint32_t root = fx_token(h, alloc, true), cur = root, i;
    uint32_t comp[64], incomp[63], groups[63], nc = 0, ni = 0;

    comp[nc++] = root;
    for (i = 0; i < 63; i++) {
        groups[i] = fx1_group(h, cur);
        /* the deeper sub-tree is created first: it is preferred */
        incomp[ni++] = fx1_group_child(h, groups[i]);
        comp[nc++] = fx1_group_child(h, groups[i]);
        cur = incomp[ni - 1];
    }
    for (i = 0; i < nc; i++) {
        comp[i] = vs_bind(h, alloc, comp[i], true);
        fx1_set(h, comp[i], picky(PAGE));
    }
    for (i = 0; i < ni; i++) {
        incomp[i] = vs_bind(h, alloc, incomp[i], true);
        fx1_set(h, incomp[i], picky(2 * PAGE));
    }
    for (i = 0; i < 63; i++) {
        fx1_all_children_present(h, groups[i]);
    }
    for (i = 0; i < nc; i++) {
        if (i < 2) {
            g_autofree V1Info *info = info_new();

            fx1_wait_ok(h, comp[i], info);
            g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==,
                             PAGE);
        } else {
            int32_t st = fx1_wait_fails(h, comp[i]);

            g_assert_true(st == FIDL_ZX_ERR_PEER_CLOSED ||
                          st == FIDL_ZX_ERR_NOT_SUPPORTED);
        }
    }
    for (i = 0; i < ni; i++) {
        int32_t st = fx1_wait_fails(h, incomp[i]);

        g_assert_true(st == FIDL_ZX_ERR_PEER_CLOSED ||
                      st == FIDL_ZX_ERR_NOT_SUPPORTED);
    }
    vs_host_free(h);
}

/* v1 reports TooManyGroupChildCombinations as ZX_ERR_OUT_OF_RANGE. */
static void test_group_child_selection_combination_count_limit(void)
{
    VsHost *h = host();
    uint32_t alloc = vs_connect(h, true);
    uint32_t root = fx_token(h, alloc, true);
    uint32_t groups[64], colls[129], ncolls = 0, i, k;

    for (i = 0; i < 64; i++) {
        groups[i] = fx1_group(h, root);
        for (k = 0; k < 2; k++) {
            uint32_t t = fx1_group_child(h, groups[i]);

            colls[ncolls] = vs_bind(h, alloc, t, true);
            fx1_set(h, colls[ncolls++], picky(PAGE));
        }
    }
    colls[ncolls] = vs_bind(h, alloc, root, true);
    fx1_set(h, colls[ncolls++], picky(2 * PAGE));
    for (i = 0; i < 64; i++) {
        fx1_all_children_present(h, groups[i]);
    }
    for (i = 0; i < ncolls; i++) {
        int32_t st = fx1_wait_fails(h, colls[i]);

        g_assert_true(st == FIDL_ZX_ERR_PEER_CLOSED ||
                      st == FIDL_ZX_ERR_OUT_OF_RANGE);
    }
    vs_host_free(h);
}

static void test_group_create_children_sync(void)
{
    unsigned writable;

    for (writable = 0; writable < 2; writable++) {
        VsHost *h = host();
        uint32_t alloc = vs_connect(h, true);
        uint32_t root = fx_token(h, alloc, true);
        uint32_t g = fx1_group(h, root);
        uint32_t masks[16], toks[17], colls[17], i;

        for (i = 0; i < 16; i++) {
            masks[i] = FIDL_RIGHT_SAME_RIGHTS;
        }
        if (!writable) {
            masks[8] = 0xffffffffu & ~SYSMEM_RIGHT_WRITE;
        }
        g_assert_cmpint(fx1_dup_sync(h, g, true, masks, 16, toks), ==, 16);
        toks[16] = root;
        for (i = 0; i < 17; i++) {
            colls[i] = vs_bind(h, alloc, toks[i], true);
            fx1_set(h, colls[i], picky(i == 8 || i == 16 ? PAGE : 2 * PAGE));
        }
        fx1_all_children_present(h, g);
        for (i = 0; i < 17; i++) {
            g_autofree V1Info *info = info_new();
            VsCall *w;

            if (i != 8 && i != 16) {
                int32_t st = fx1_wait_fails(h, colls[i]);

                g_assert_true(st == FIDL_ZX_ERR_PEER_CLOSED ||
                              st == FIDL_ZX_ERR_NOT_SUPPORTED);
                continue;
            }
            w = fx1_wait_ok(h, colls[i], info);
            g_assert_cmpuint(info->buffer_count, ==, 2);
            g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==, PAGE);
            g_assert_cmpint(!!(w->handles[0].rights & SYSMEM_RIGHT_WRITE), ==,
                            i == 16 || writable);
        }
        vs_host_free(h);
    }
}

static void test_set_verbose_logging(void)
{
    VsHost *h = host();
    uint32_t alloc = vs_connect(h, true);
    uint32_t root = fx_token(h, alloc, true), child, child2, colls[3], i;

    fx_set_verbose(h, root, true);
    child = fx_child(h, root, true);
    child2 = fx_child(h, child, true);
    g_assert_true(vs_sync(h, child, true));
    g_assert_true(vs_sync(h, child2, true));
    colls[0] = vs_bind(h, alloc, root, true);
    colls[1] = vs_bind(h, alloc, child, true);
    colls[2] = vs_bind(h, alloc, child2, true);
    fx1_set(h, colls[0], picky(PAGE));
    fx1_set(h, colls[1], picky(2 * PAGE));
    vs_set_constraints_v1(h, colls[2], NULL);
    for (i = 0; i < 3; i++) {
        int32_t st = fx1_wait_fails(h, colls[i]);

        g_assert_true(st == FIDL_ZX_ERR_PEER_CLOSED ||
                      st == FIDL_ZX_ERR_NOT_SUPPORTED);
    }
    g_assert_true(vs_sync(h, fx_token(h, vs_connect(h, true), true), true));
    vs_host_free(h);
}

/* cpu WRITE_OFTEN, camping 1, one image entry 32x32 */
static V1Constraints *dnc_base(uint32_t type, uint32_t cs)
{
    V1Constraints *c = v1c_new();
    V1Image *f;

    c->usage.cpu = SYSMEM2_CPU_USAGE_WRITE_OFTEN;
    c->min_buffer_count_for_camping = 1;
    f = image(c, type, cs);
    f->min_coded_width = f->min_coded_height = 32;
    return c;
}

static void dnc_pair(V1Constraints *c1, V1Constraints *c2, bool ok,
                     V1Info *info)
{
    Pair p;

    pair_new(&p);
    fx1_set(p.h, p.pcoll, c1);
    fx1_set(p.h, p.ccoll, c2);
    if (ok) {
        fx1_wait_ok(p.h, p.pcoll, info);
        fx1_wait_ok(p.h, p.ccoll, NULL);
    } else {
        fx1_wait_fails(p.h, p.pcoll);
        fx1_wait_fails(p.h, p.ccoll);
    }
    vs_host_free(p.h);
}

static void test_pixel_format_do_not_care_success(void)
{
    g_autofree V1Info *info = info_new();
    V1Constraints *c1 = dnc_base(SYSMEM1_PIXEL_FORMAT_TYPE_DO_NOT_CARE,
                                 SYSMEM1_COLOR_SPACE_TYPE_REC709);
    V1Constraints *c2 = dnc_base(SYSMEM1_PIXEL_FORMAT_TYPE_NV12,
                                 SYSMEM1_COLOR_SPACE_TYPE_REC709);
    unsigned k;

    for (k = 0; k < 2; k++) {
        V1Constraints *c = k ? c2 : c1;

        /* fuchsia.sysmem's declared default: cpu_domain_supported true */
        c->has_buffer_memory_constraints = true;
        c->buffer_memory_constraints.min_size_bytes = 1;
        c->buffer_memory_constraints.max_size_bytes = 512 << 20;
        c->buffer_memory_constraints.cpu_domain_supported = true;
    }
    dnc_pair(c1, c2, true, info);
    g_assert_cmpuint(info->buffer_count, ==, 2);
    g_assert_cmpuint(info->settings.image_format_constraints.pixel_format.type,
                     ==, SYSMEM1_PIXEL_FORMAT_TYPE_NV12);
}

static void test_pixel_format_do_not_care_multiple_fails(void)
{
    unsigned pass;

    for (pass = 0; pass < 3; pass++) {
        g_autofree V1Info *info = info_new();
        V1Constraints *c1 = dnc_base(SYSMEM1_PIXEL_FORMAT_TYPE_DO_NOT_CARE,
                                     SYSMEM1_COLOR_SPACE_TYPE_REC709);

        if (pass) {
            c1->image_format_constraints[1] = c1->image_format_constraints[0];
            c1->image_format_constraints[1].pixel_format.type =
                pass == 1 ? SYSMEM1_PIXEL_FORMAT_TYPE_NV12 :
                SYSMEM1_PIXEL_FORMAT_TYPE_INVALID;
            c1->image_format_constraints_count = 2;
        }
        dnc_pair(c1, dnc_base(SYSMEM1_PIXEL_FORMAT_TYPE_NV12,
                              SYSMEM1_COLOR_SPACE_TYPE_REC709), !pass, info);
        if (!pass) {
            g_assert_cmpuint(
                info->settings.image_format_constraints.pixel_format.type, ==,
                SYSMEM1_PIXEL_FORMAT_TYPE_NV12);
        }
    }
}

static void test_pixel_format_do_not_care_unconstrained_fails(void)
{
    unsigned pass;

    for (pass = 0; pass < 2; pass++) {
        g_autofree V1Info *info = info_new();

        dnc_pair(dnc_base(SYSMEM1_PIXEL_FORMAT_TYPE_DO_NOT_CARE,
                          SYSMEM1_COLOR_SPACE_TYPE_REC709),
                 dnc_base(pass ? SYSMEM1_PIXEL_FORMAT_TYPE_DO_NOT_CARE :
                          SYSMEM1_PIXEL_FORMAT_TYPE_NV12,
                          SYSMEM1_COLOR_SPACE_TYPE_REC709), !pass, info);
        if (!pass) {
            g_assert_cmpuint(
                info->settings.image_format_constraints.pixel_format.type, ==,
                SYSMEM1_PIXEL_FORMAT_TYPE_NV12);
        }
    }
}

static void test_color_space_do_not_care_success(void)
{
    g_autofree V1Info *info = info_new();

    dnc_pair(dnc_base(SYSMEM1_PIXEL_FORMAT_TYPE_NV12,
                      SYSMEM1_COLOR_SPACE_TYPE_DO_NOT_CARE),
             dnc_base(SYSMEM1_PIXEL_FORMAT_TYPE_NV12,
                      SYSMEM1_COLOR_SPACE_TYPE_REC709), true, info);
    g_assert_cmpuint(info->buffer_count, ==, 2);
    g_assert_cmpuint(info->settings.image_format_constraints.pixel_format.type,
                     ==, SYSMEM1_PIXEL_FORMAT_TYPE_NV12);
    g_assert_cmpuint(info->settings.image_format_constraints.color_space[0].type,
                     ==, SYSMEM1_COLOR_SPACE_TYPE_REC709);
}

static void test_pixel_format_do_not_care_one_color_space_else_fails(void)
{
    unsigned pass;

    for (pass = 0; pass < 3; pass++) {
        g_autofree V1Info *info = info_new();
        V1Constraints *c1 = dnc_base(SYSMEM1_PIXEL_FORMAT_TYPE_NV12,
                                     SYSMEM1_COLOR_SPACE_TYPE_DO_NOT_CARE);
        V1Image *f = &c1->image_format_constraints[0];

        if (pass == 1) {
            f->color_space[1].type = SYSMEM1_COLOR_SPACE_TYPE_REC709;
            f->color_spaces_count = 2;
        } else if (pass == 2) {
            f->color_space[0].type = SYSMEM1_COLOR_SPACE_TYPE_INVALID;
            f->color_space[1].type = SYSMEM1_COLOR_SPACE_TYPE_DO_NOT_CARE;
            f->color_spaces_count = 2;
        }
        dnc_pair(c1, dnc_base(SYSMEM1_PIXEL_FORMAT_TYPE_NV12,
                              SYSMEM1_COLOR_SPACE_TYPE_REC709), !pass, info);
        if (!pass) {
            g_assert_cmpuint(
                info->settings.image_format_constraints.color_space[0].type, ==,
                SYSMEM1_COLOR_SPACE_TYPE_REC709);
        }
    }
}

static void test_color_space_do_not_care_unconstrained_fails(void)
{
    g_autofree V1Info *info = info_new();
    VsHost *h = host();
    uint32_t alloc = vs_connect(h, true);
    uint32_t c1 = vs_bind(h, alloc, fx_token(h, alloc, true), true);

    /* with a participant that constrains the colour space: fine */
    dnc_pair(dnc_base(SYSMEM1_PIXEL_FORMAT_TYPE_NV12,
                      SYSMEM1_COLOR_SPACE_TYPE_DO_NOT_CARE),
             dnc_base(SYSMEM1_PIXEL_FORMAT_TYPE_NV12,
                      SYSMEM1_COLOR_SPACE_TYPE_REC709), true, info);
    g_assert_cmpuint(info->settings.image_format_constraints.color_space[0].type,
                     ==, SYSMEM1_COLOR_SPACE_TYPE_REC709);
    /* alone: nothing constrains it, and sysmem picks none */
    fx1_set(h, c1, dnc_base(SYSMEM1_PIXEL_FORMAT_TYPE_NV12,
                            SYSMEM1_COLOR_SPACE_TYPE_DO_NOT_CARE));
    fx1_wait_fails(h, c1);
    vs_host_free(h);
}

static void test_duplicate_sync_mask_zero_fails(void)
{
    VsHost *h = host();
    uint32_t parent = fx_token(h, vs_connect(h, true), true);
    uint32_t masks[2] = { 0, 0 }, toks[2];

    g_assert_cmpint(fx1_dup_sync(h, parent, false, masks, 2, toks), ==, -1);
    vs_host_free(h);
}

static void test_group_create_child_mask_zero_fails(void)
{
    VsHost *h = host();
    uint32_t parent = fx_token(h, vs_connect(h, true), true);
    uint32_t g = fx1_group(h, parent);

    fx1_group_child_mask(h, g, 0);
    g_assert_false(vs_sync(h, parent, true));
    vs_host_free(h);
}

static void test_group_create_children_mask_zero_fails(void)
{
    VsHost *h = host();
    uint32_t parent = fx_token(h, vs_connect(h, true), true);
    uint32_t g = fx1_group(h, parent);
    uint32_t masks[2] = { 0, 0 }, toks[2];

    g_assert_cmpint(fx1_dup_sync(h, g, true, masks, 2, toks), ==, -1);
    vs_host_free(h);
}

static void test_group_close_before_all_children_present_fails(void)
{
    VsHost *h = host();
    uint32_t parent = fx_token(h, vs_connect(h, true), true);
    uint32_t g = fx1_group(h, parent);

    fx1_group_child(h, g);
    vs_release(h, g, true);
    g_assert_false(vs_sync(h, parent, true));
    vs_host_free(h);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define CASE(name, fn) g_test_add_func("/fuchsia/v1/" name, fn)
    CASE("ServiceConnectionV1", test_service_connection);
    CASE("VerifyBufferCollectionTokenV1", test_verify_token);
    CASE("TokenOneParticipantNoImageConstraintsV1",
         test_one_participant_no_image);
    CASE("TokenOneParticipantColorspaceRankingV1",
         test_one_participant_colorspace_ranking);
    CASE("AttachLifetimeTrackingV1", test_attach_lifetime_tracking);
    CASE("TokenOneParticipantWithImageConstraintsV1",
         test_one_participant_with_image);
    CASE("MinBufferCountV1", test_min_buffer_count);
    CASE("BufferNameV1", test_buffer_name);
    CASE("NoTokenV1", test_no_token);
    CASE("NoSyncV1", test_no_sync);
    CASE("MultipleParticipantsV1", test_multiple_participants);
    CASE("ComplicatedFormatModifiersV1", test_complicated_format_modifiers);
    CASE("MultipleParticipantsColorspaceRankingV1",
         test_multiple_participants_colorspace_ranking);
    CASE("MultipleParticipants_TwoImageFormatConstraintsSamePixelFormat_"
         "CompatibleColorspacesV1", test_two_ifc_same_pixel_format);
    CASE("DuplicateSyncV1", test_duplicate_sync);
    CASE("CloseWithOutstandingWaitV1", test_close_with_outstanding_wait);
    CASE("ConstraintsRetainedBeyondCleanCloseV1",
         test_constraints_retained_beyond_clean_close);
    CASE("HeapConstraintsV1", test_heap_constraints);
    CASE("CpuUsageAndInaccessibleDomainFailsV1",
         test_cpu_usage_and_inaccessible_domain_fails);
    CASE("SystemRamHeapSupportsAllDomainsV1",
         test_system_ram_heap_supports_all_domains);
    CASE("RequiredSizeV1", test_required_size);
    CASE("BytesPerRowMinRowV1", test_bytes_per_row_min_row);
    CASE("CpuUsageAndNoBufferMemoryConstraintsV1",
         test_cpu_usage_and_no_buffer_memory_constraints);
    CASE("ContiguousSystemRamIsCachedV1", test_contiguous_system_ram_is_cached);
    CASE("ContiguousSystemRamIsRecycledV1",
         test_contiguous_system_ram_is_recycled);
    CASE("OnlyNoneUsageFailsV1", test_only_none_usage_fails);
    CASE("NoneUsageAndOtherUsageFromSingleParticipantFailsV1",
         test_none_and_other_usage_single_participant_fails);
    CASE("NoneUsageWithSeparateOtherUsageSucceedsV1",
         test_none_usage_with_separate_other_usage);
    CASE("PixelFormatBgr24V1", test_pixel_format_bgr24);
    CASE("CloseTokenV1", test_close_token);
    CASE("CpuUsageAndInaccessibleDomainSupportedSucceedsV1",
         test_cpu_usage_and_inaccessible_domain_supported_succeeds);
    CASE("AllocatedBufferZeroInRamV1", test_allocated_buffer_zero_in_ram);
    CASE("DefaultAttributesV1", test_default_attributes);
    CASE("TooManyFormatsV1", test_too_many_formats);
    CASE("TooManyBuffersV1", test_too_many_buffers);
    CASE("BasicAllocationSucceedsV1", test_basic_allocation_succeeds);
    CASE("ZeroMinSizeBytesFailsV1", test_zero_min_size_bytes_fails);
    CASE("ZeroMaxBufferCount_SucceedsOnlyForNowV1", test_zero_max_buffer_count);
    CASE("ZeroRequiredMinCodedWidth_SucceedsOnlyForNowV1",
         test_zero_required_min_coded_width);
    CASE("ZeroRequiredMinCodedHeight_SucceedsOnlyForNowV1",
         test_zero_required_min_coded_height);
    CASE("ZeroRequiredMinBytesPerRow_SucceedsOnlyForNowV1",
         test_zero_required_min_bytes_per_row);
    CASE("DuplicateConstraintsFailsV1", test_duplicate_constraints_fails);
    CASE("AttachToken_BeforeAllocate_SuccessV1", test_attach_before_success);
    CASE("AttachToken_AfterAllocate_SuccessV1", test_attach_after_success);
    CASE("AttachToken_BeforeAllocate_AttachedFailedEarly_FailureV1",
         test_attach_before_failed_early);
    CASE("AttachToken_BeforeAllocate_Failure_BufferSizesV1",
         test_attach_before_failure_sizes);
    CASE("AttachToken_AfterAllocate_Failure_BufferSizesV1",
         test_attach_after_failure_sizes);
    CASE("AttachToken_BeforeAllocate_Success_BufferCountsV1",
         test_attach_before_success_counts);
    CASE("AttachToken_AfterAllocate_Success_BufferCountsV1",
         test_attach_after_success_counts);
    CASE("AttachToken_BeforeAllocate_Failure_BufferCountsV1",
         test_attach_before_failure_counts);
    CASE("AttachToken_AfterAllocate_Failure_BufferCountsV1",
         test_attach_after_failure_counts);
    CASE("AttachToken_SelectsSameDomainAsInitialAllocationV1",
         test_attach_selects_same_domain);
    CASE("SetDispensableV1", test_set_dispensable);
    CASE("IsAlternateFor_FalseV1", test_is_alternate_for_false);
    CASE("IsAlternateFor_TrueV1", test_is_alternate_for_true);
    CASE("IsAlternateFor_MiniStressV1", test_is_alternate_for_mini_stress);
    CASE("GroupPrefersFirstChildV1", test_group_prefers_first_child);
    CASE("Group_CloseBeforeChildrenSetConstraints",
         test_group_close_before_children_set_constraints);
    CASE("GroupPriorityV1", test_group_priority);
    CASE("Group_MiniStressV1", test_group_mini_stress);
    CASE("SkipUnreachableChildSelectionsV1",
         test_skip_unreachable_child_selections);
    CASE("GroupChildSelectionCombinationCountLimitV1",
         test_group_child_selection_combination_count_limit);
    CASE("GroupCreateChildrenSyncV1", test_group_create_children_sync);
    CASE("SetVerboseLoggingV1", test_set_verbose_logging);
    CASE("PixelFormatDoNotCare_SuccessV1", test_pixel_format_do_not_care_success);
    CASE("PixelFormatDoNotCare_MultiplePixelFormatsFailsV1",
         test_pixel_format_do_not_care_multiple_fails);
    CASE("PixelFormatDoNotCare_UnconstrainedFailsV1",
         test_pixel_format_do_not_care_unconstrained_fails);
    CASE("ColorSpaceDoNotCare_SuccessV1", test_color_space_do_not_care_success);
    CASE("PixelFormatDoNotCare_OneColorSpaceElseFailsV1",
         test_pixel_format_do_not_care_one_color_space_else_fails);
    CASE("ColorSpaceDoNotCare_UnconstrainedColorSpaceRemovesPixelFormatV1",
         test_color_space_do_not_care_unconstrained_fails);
    CASE("DuplicateSyncRightsAttenuationMaskZeroFails",
         test_duplicate_sync_mask_zero_fails);
    CASE("BufferCollectionTokenGroupCreateChildZeroAttenuationMaskFails",
         test_group_create_child_mask_zero_fails);
    CASE("BufferCollectionTokenGroupCreateChildrenZeroAttenuationMaskFails",
         test_group_create_children_mask_zero_fails);
    CASE("BufferCollectionTokenGroupCloseBeforeAllChildrenPresentFails",
         test_group_close_before_all_children_present_fails);
#undef CASE
    return g_test_run();
}
