/*
 * Image-format cases of Fuchsia's sysmem suite (sysmem_tests_v2.cc),
 * driven through the core with real FIDL messages.  Each test is named
 * after the Fuchsia case and asserts what that case asserts; checks that
 * go beyond it are marked as the project's own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "tests/unit/test-core-util.h"
#include "hw/sysmem/image-format.h"

typedef struct FormatPair {
    images2_pixel_format_t fmt;
    uint64_t mod;
} FormatPair;

static sysmem2_buffer_collection_info_t *info_new(void)
{
    return g_new0(sysmem2_buffer_collection_info_t, 1);
}

/*
 * WaitForAllBuffersAllocated on @coll: 0 and *info on success, else the
 * Error -- or, when the failure closed the channel before the call was
 * answered (a framework PEER_CLOSED error on Fuchsia), -1.
 */
static int64_t wait_for(VsHost *h, uint32_t coll,
                        sysmem2_buffer_collection_info_t *info)
{
    VsCall *w = vs_wait(h, coll, false);

    if (!w->answered) {
        g_assert_true(vs_closed(h, coll, NULL));
        return -1;
    }
    return vs_wait_result(w, info);
}

/*
 * Fuchsia's set_pixel_format_modifier_constraints_v2 with
 * use_only_format_array: cpu usage, camping 1, one page, cpu domain only,
 * one entry listing @pairs in pixel_format_and_modifiers, SRGB, 256x256.
 */
static SysmemConstraints *format_array_constraints(const FormatPair *pairs,
                                                   unsigned n)
{
    SysmemConstraints *c = c_new();
    sysmem2_image_format_constraints_t *f;
    unsigned i;

    c_cpu(c, CPU_RW);
    c_camping(c, 1);
    c_size(c, PAGE, 0);
    c_domains(c, true, false, false);
    c->has_image_format_constraints = true;
    c->image_format_constraints_count = 1;
    f = &c->image_format_constraints[0];
    f->has_pixel_format_and_modifiers = true;
    f->pixel_format_and_modifiers_count = n;
    for (i = 0; i < n; i++) {
        f->pixel_format_and_modifiers[i].pixel_format = pairs[i].fmt;
        f->pixel_format_and_modifiers[i].pixel_format_modifier = pairs[i].mod;
    }
    f->has_color_spaces = true;
    f->color_spaces_count = 1;
    f->color_spaces[0] = IMAGES2_COLOR_SPACE_SRGB;
    ifc_min_size(f, 256, 256);
    return c;
}

/*
 * ComplicatedFormatModifiersV2: two participants offering linear, Intel
 * X-tiled and two AFBC variants (one with every variant bit) succeed.
 */
static void test_complicated_format_modifiers_v2(void)
{
    static const uint64_t mods[] = {
        IMAGES2_FORMAT_MODIFIER_LINEAR,
        IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED,
        IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_SPLIT_BLOCK_SPARSE_YUV_TE_TILED_HEADER,
        IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_TE,
    };
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c1 = c_new();
    g_autofree SysmemConstraints *c2 = NULL;
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    TestCollection tc;
    VsCall *w1, *w2;
    unsigned i;

    c_cpu(c1, CPU_RW);
    c_camping(c1, 1);
    for (i = 0; i < G_N_ELEMENTS(mods); i++) {
        sysmem2_image_format_constraints_t *f =
            c_image(c1, i < 2 ? IMAGES2_PIXEL_FORMAT_R8G8B8A8
                              : IMAGES2_PIXEL_FORMAT_B8G8R8A8,
                    IMAGES2_COLOR_SPACE_SRGB);

        f->has_pixel_format_modifier = true;
        f->pixel_format_modifier = mods[i];
    }
    c2 = g_memdup2(c1, sizeof(*c1));
    for (i = 0; i < c2->image_format_constraints_count; i++) {
        c2->image_format_constraints[i].has_required_max_size = true;
        c2->image_format_constraints[i].required_max_size.width = 512;
        c2->image_format_constraints[i].required_max_size.height = 512;
    }
    test_collection(h, &tc, 2);
    vs_set_constraints(h, tc.colls[0], c1);
    g_assert_true(vs_sync(h, tc.colls[0], false));
    vs_set_constraints(h, tc.colls[1], c2);
    w1 = vs_wait(h, tc.colls[0], false);
    w2 = vs_wait(h, tc.colls[1], false);
    g_assert_cmpint(vs_wait_result(w1, info), ==, 0);
    g_assert_cmpint(vs_wait_result(w2, NULL), ==, 0);
    /* Project's own: the generic cost table prefers Intel X tiling. */
    g_assert_cmpuint(info->settings.image_format_constraints.pixel_format_modifier,
                     ==, IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED);
    test_teardown(h, &tc);
    vs_host_free(h);
}

/*
 * VectorPixelFormatAndModifier_MultipleInVector: a participant that also
 * offers B8G8R8A8/AFBC_16X16 agrees with one offering B8G8R8A8/Y-tiled on
 * their common R8G8B8A8/X-tiled entry.
 */
static void test_vector_pixel_format_and_modifier_multiple_in_vector(void)
{
    static const FormatPair parent[] = {
        { IMAGES2_PIXEL_FORMAT_B8G8R8A8, IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16 },
        { IMAGES2_PIXEL_FORMAT_R8G8B8A8, IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED },
    };
    static const FormatPair child[] = {
        { IMAGES2_PIXEL_FORMAT_B8G8R8A8, IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED },
        { IMAGES2_PIXEL_FORMAT_R8G8B8A8, IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED },
    };
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *cp = format_array_constraints(parent, 2);
    g_autofree SysmemConstraints *cc = format_array_constraints(child, 2);
    g_autofree sysmem2_buffer_collection_info_t *pi = info_new();
    g_autofree sysmem2_buffer_collection_info_t *ci = info_new();
    TestCollection tc;

    test_collection(h, &tc, 2);
    vs_set_constraints(h, tc.colls[0], cp);
    vs_set_constraints(h, tc.colls[1], cc);
    g_assert_cmpint(vs_wait_result(vs_wait(h, tc.colls[0], false), pi), ==, 0);
    g_assert_cmpint(vs_wait_result(vs_wait(h, tc.colls[1], false), ci), ==, 0);
    g_assert_cmpuint(pi->settings.image_format_constraints.pixel_format, ==,
                     IMAGES2_PIXEL_FORMAT_R8G8B8A8);
    g_assert_cmpuint(pi->settings.image_format_constraints.pixel_format_modifier,
                     ==, IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED);
    test_teardown(h, &tc);
    vs_host_free(h);
}

/*
 * Project's own: each layout sizes the buffers as Fuchsia's image-format
 * library does.  AFBC: 16x16 (or 32x8) blocks of 4-byte pixels plus
 * 16-byte block headers padded to 1 KiB (4 KiB and a 128x128 / 256x64
 * alignment with a tiled header), TE variants a transaction elimination
 * buffer after the image; ARM_LINEAR_TE is linear plus that buffer;
 * Goldfish-optimal is sized as linear but reports no width-derived
 * min_bytes_per_row.
 */
static void test_layouts(void)
{
    static const struct {
        images2_pixel_format_t fmt;
        images2_color_space_t cs;
        uint64_t mod;
        uint32_t w, h;
        uint64_t size;
        uint32_t min_bytes_per_row;
    } cases[] = {
        /* 300x200: 19x13 blocks of 1 KiB, headers 3952 -> 4096 */
        { IMAGES2_PIXEL_FORMAT_B8G8R8A8, IMAGES2_COLOR_SPACE_SRGB,
          IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16, 300, 200,
          19 * 13 * 1024 + 4096, 19 * 16 * 4 },
        /* 32x8 blocks: 10x25 blocks, headers 4000 -> 4096 */
        { IMAGES2_PIXEL_FORMAT_R8G8B8X8, IMAGES2_COLOR_SPACE_SRGB,
          IMAGES2_FORMAT_MODIFIER_ARM_AFBC_32X8, 300, 200,
          10 * 25 * 1024 + 4096, 10 * 32 * 4 },
        /* tiled header: 384x256 px = 24x16 blocks, headers 6144 -> 8192 */
        { IMAGES2_PIXEL_FORMAT_R8G8B8A8, IMAGES2_COLOR_SPACE_SRGB,
          IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_YUV_TILED_HEADER, 300, 200,
          24 * 16 * 1024 + 8192, 3 * 16 * 4 },
        /* TE: 64 header + 2 rows of 10 tiles (192 B aligned) x 7 */
        { IMAGES2_PIXEL_FORMAT_B8G8R8X8, IMAGES2_COLOR_SPACE_SRGB,
          IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_TE, 300, 200,
          19 * 13 * 1024 + 4096 + 64 + 192 * 2 * 7, 19 * 16 * 4 },
        /* 100 rows of 100 B, 64 B header, 2 x 64 B per 32 rows (4) */
        { IMAGES2_PIXEL_FORMAT_L8, IMAGES2_COLOR_SPACE_SRGB,
          IMAGES2_FORMAT_MODIFIER_ARM_LINEAR_TE, 100, 100,
          10048 + 64 + 64 * 2 * 4, 100 },
        /* NV12 100x100: 15000 B; min_bytes_per_row is just the divisor */
        { IMAGES2_PIXEL_FORMAT_NV12, IMAGES2_COLOR_SPACE_REC709,
          IMAGES2_FORMAT_MODIFIER_GOOGLE_GOLDFISH_OPTIMAL, 100, 100, 15000, 2 },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        FormatPair p = { cases[i].fmt, cases[i].mod };
        VsHost *h = test_host(64 << 20, 0);
        g_autofree SysmemConstraints *c = format_array_constraints(&p, 1);
        g_autofree sysmem2_buffer_collection_info_t *info = info_new();
        const sysmem2_image_format_constraints_t *r;
        TestCollection tc;

        c->image_format_constraints[0].color_spaces[0] = cases[i].cs;
        ifc_min_size(&c->image_format_constraints[0], cases[i].w, cases[i].h);
        test_collection(h, &tc, 1);
        vs_set_constraints(h, tc.colls[0], c);
        g_assert_cmpint(wait_for(h, tc.colls[0], info), ==, 0);
        r = &info->settings.image_format_constraints;
        g_assert_cmpuint(r->pixel_format_modifier, ==, cases[i].mod);
        g_assert_cmpuint(info->settings.buffer_settings.size_bytes, ==,
                         cases[i].size);
        g_assert_cmpuint(r->min_bytes_per_row, ==, cases[i].min_bytes_per_row);
        test_teardown(h, &tc);
        vs_host_free(h);
    }
}

/* One participant with @c on a fresh collection; the Wait result. */
static int64_t alloc_one(VsHost *h, const SysmemConstraints *c,
                                 sysmem2_buffer_collection_info_t *info)
{
    TestCollection tc;
    int64_t err;

    test_collection(h, &tc, 1);
    vs_set_constraints(h, tc.colls[0], c);
    err = wait_for(h, tc.colls[0], info);
    test_teardown(h, &tc);
    return err;
}

/* Secure, inaccessible, HW-decoder buffers offering one (format, modifier). */
static SysmemConstraints *secure_constraints(uint64_t mod)
{
    SysmemConstraints *c = c_new();
    sysmem2_buffer_memory_constraints_t *m = c_bmc(c);
    sysmem2_image_format_constraints_t *f;

    c->has_usage = true;
    c->usage.has_video = true;
    c->usage.video = SYSMEM2_VIDEO_USAGE_HW_DECODER;
    c_camping(c, 1);
    m->has_secure_required = true;
    m->secure_required = true;
    f = c_image(c, IMAGES2_PIXEL_FORMAT_B8G8R8A8, IMAGES2_COLOR_SPACE_SRGB);
    f->has_pixel_format_modifier = true;
    f->pixel_format_modifier = mod;
    ifc_min_size(f, 64, 64);
    return c;
}

/*
 * Project's own: AFBC is only for the 32-bit RGB formats, and its TE
 * variants (the CPU writes the TE buffer) cannot be secure.
 */
static void test_afbc_rejections(void)
{
    VsHost *h = test_host(8 << 20, 4 << 20);
    FormatPair nv12 = { IMAGES2_PIXEL_FORMAT_NV12,
                        IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16 };
    g_autofree SysmemConstraints *c = format_array_constraints(&nv12, 1);
    g_autofree SysmemConstraints *te =
        secure_constraints(IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16_TE);
    g_autofree SysmemConstraints *plain =
        secure_constraints(IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16);
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();

    c->image_format_constraints[0].color_spaces[0] = IMAGES2_COLOR_SPACE_REC709;
    g_assert_cmpint(alloc_one(h, c, NULL), !=, 0);
    g_assert_cmpint(alloc_one(h, te, NULL), !=, 0);
    g_assert_cmpint(alloc_one(h, plain, info), ==, 0);
    g_assert_true(info->settings.buffer_settings.is_secure);
    g_assert_cmpuint(info->settings.image_format_constraints.pixel_format_modifier,
                     ==, IMAGES2_FORMAT_MODIFIER_ARM_AFBC_16X16);
    vs_host_free(h);
}

/*
 * SizeAlignmentFlowsToMinSizeAndMinBytesPerRow: without min_size,
 * size_alignment {16, 8} becomes the result's min_size and R8G8B8A8's
 * min_bytes_per_row 16 * 4.
 */
static void test_size_alignment_flows_to_min_size_and_min_bytes_per_row(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *c = c_new();
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    sysmem2_image_format_constraints_t *f;
    const sysmem2_image_format_constraints_t *r;
    TestCollection tc;

    c_cpu(c, SYSMEM2_CPU_USAGE_READ);
    c_min_count(c, 1);
    f = c_image(c, IMAGES2_PIXEL_FORMAT_R8G8B8A8, IMAGES2_COLOR_SPACE_SRGB);
    f->has_size_alignment = true;
    f->size_alignment.width = 16;
    f->size_alignment.height = 8;
    f->has_required_max_size_list = true;
    f->required_max_size_list_count = 1;
    f->required_max_size_list[0].width = 32;
    f->required_max_size_list[0].height = 32;
    test_collection(h, &tc, 1);
    vs_set_constraints(h, tc.colls[0], c);
    g_assert_cmpint(vs_wait_result(vs_wait(h, tc.colls[0], false), info), ==, 0);
    r = &info->settings.image_format_constraints;
    g_assert_true(r->has_min_size);
    g_assert_cmpuint(r->min_size.width, ==, 16);
    g_assert_cmpuint(r->min_size.height, ==, 8);
    g_assert_true(r->has_min_bytes_per_row);
    g_assert_cmpuint(r->min_bytes_per_row, ==, 16 * 4);
    test_teardown(h, &tc);
    vs_host_free(h);
}

/* Fuchsia's IsYuv and HasAlphaOrX, written out. */
static bool is_yuv(images2_pixel_format_t f)
{
    switch (f) {
    case IMAGES2_PIXEL_FORMAT_I420:
    case IMAGES2_PIXEL_FORMAT_M420:
    case IMAGES2_PIXEL_FORMAT_NV12:
    case IMAGES2_PIXEL_FORMAT_YUY2:
    case IMAGES2_PIXEL_FORMAT_YV12:
    case IMAGES2_PIXEL_FORMAT_P010:
        return true;
    default:
        return false;
    }
}

static bool has_alpha_or_x(images2_pixel_format_t f)
{
    switch (f) {
    case IMAGES2_PIXEL_FORMAT_R8G8B8A8:
    case IMAGES2_PIXEL_FORMAT_R8G8B8X8:
    case IMAGES2_PIXEL_FORMAT_B8G8R8A8:
    case IMAGES2_PIXEL_FORMAT_B8G8R8X8:
    case IMAGES2_PIXEL_FORMAT_R2G2B2X2:
    case IMAGES2_PIXEL_FORMAT_A2R10G10B10:
    case IMAGES2_PIXEL_FORMAT_A2B10G10R10:
        return true;
    default:
        return false;
    }
}

/*
 * IsAlphaPresentField: for every format, a parent and a child that both
 * set is_alpha_present to different values fail; otherwise the result
 * carries the first value set, and only for formats with an A or X channel.
 */
static void test_is_alpha_present_field(void)
{
    static const images2_pixel_format_t fmts[] = {
        IMAGES2_PIXEL_FORMAT_R8G8B8A8, IMAGES2_PIXEL_FORMAT_B8G8R8A8,
        IMAGES2_PIXEL_FORMAT_I420, IMAGES2_PIXEL_FORMAT_M420,
        IMAGES2_PIXEL_FORMAT_NV12, IMAGES2_PIXEL_FORMAT_YUY2,
        IMAGES2_PIXEL_FORMAT_YV12, IMAGES2_PIXEL_FORMAT_B8G8R8,
        IMAGES2_PIXEL_FORMAT_R5G6B5, IMAGES2_PIXEL_FORMAT_R3G3B2,
        IMAGES2_PIXEL_FORMAT_R2G2B2X2, IMAGES2_PIXEL_FORMAT_L8,
        IMAGES2_PIXEL_FORMAT_R8, IMAGES2_PIXEL_FORMAT_R8G8,
        IMAGES2_PIXEL_FORMAT_A2R10G10B10, IMAGES2_PIXEL_FORMAT_A2B10G10R10,
        IMAGES2_PIXEL_FORMAT_P010, IMAGES2_PIXEL_FORMAT_R8G8B8,
    };
    VsHost *h = test_host(64 << 20, 0);
    unsigned i, set, val, failures = 0;

    for (i = 0; i < G_N_ELEMENTS(fmts); i++) {
        for (set = 0; set < 4; set++) {
            for (val = 0; val < 4; val++) {
                bool pset = set & 1, cset = set & 2;
                bool ptrue = val & 1, ctrue = val & 2;
                g_autofree SysmemConstraints *pc = c_new();
                g_autofree SysmemConstraints *cc = NULL;
                g_autofree sysmem2_buffer_collection_info_t *info = info_new();
                const sysmem2_image_format_constraints_t *r;
                sysmem2_image_format_constraints_t *f;
                images2_color_space_t cs;
                int64_t err;
                TestCollection tc;

                cs = fmts[i] == IMAGES2_PIXEL_FORMAT_P010 ?
                     IMAGES2_COLOR_SPACE_REC2100 :
                     is_yuv(fmts[i]) ? IMAGES2_COLOR_SPACE_REC709 :
                                       IMAGES2_COLOR_SPACE_SRGB;
                c_min_count(pc, 1);
                c_cpu(pc, SYSMEM2_CPU_USAGE_WRITE_OFTEN);
                f = c_image(pc, fmts[i], cs);
                ifc_min_size(f, 64, 64);
                cc = g_memdup2(pc, sizeof(*pc));
                pc->image_format_constraints[0].has_is_alpha_present = pset;
                pc->image_format_constraints[0].is_alpha_present = pset && ptrue;
                cc->image_format_constraints[0].has_is_alpha_present = cset;
                cc->image_format_constraints[0].is_alpha_present = cset && ctrue;

                test_collection(h, &tc, 2);
                vs_set_constraints(h, tc.colls[0], pc);
                vs_set_constraints(h, tc.colls[1], cc);
                err = wait_for(h, tc.colls[0], info);
                if (pset && cset && ptrue != ctrue) {
                    g_assert_cmpint(err, !=, 0);
                    failures++;
                } else {
                    g_assert_cmpint(err, ==, 0);
                    r = &info->settings.image_format_constraints;
                    g_assert_cmpuint(r->pixel_format, ==, fmts[i]);
                    g_assert_cmpint(r->has_is_alpha_present, ==,
                                    (pset || cset) && has_alpha_or_x(fmts[i]));
                    if (r->has_is_alpha_present) {
                        g_assert_cmpint(r->is_alpha_present, ==,
                                        pset ? ptrue : ctrue);
                    }
                }
                test_teardown(h, &tc);
            }
        }
    }
    /* per format: both set (1 of 4) and values differ (2 of 4) */
    g_assert_cmpuint(failures, ==, G_N_ELEMENTS(fmts) * 2);
    vs_host_free(h);
}

static uint64_t get_buffer_collection_id(VsHost *h, uint32_t node)
{
    sysmem2_node_get_buffer_collection_id_result_t r;
    VsCall *call;

    vs_send(h, node, SYSMEM_M_SYSMEM2_NODE_GET_BUFFER_COLLECTION_ID, NULL,
            NULL, 0, &call);
    g_assert_true(call->done);
    g_assert_cmpint(vs_call_decode(call, &r), ==, 0);
    g_assert_cmpuint(r.tag, ==, FIDL_RESULT_RESPONSE);
    g_assert_true(r.response.has_buffer_collection_id);
    return r.response.buffer_collection_id;
}

/*
 * GetBufferCollectionId: the id is neither ZX_KOID_INVALID (0) nor
 * ZX_KOID_KERNEL (1), and token, group, collection and the allocated info
 * all report the same one.
 */
static void test_get_buffer_collection_id(void)
{
    VsHost *h = test_host(64 << 20, 0);
    g_autofree SysmemConstraints *picky = c_new();
    g_autofree SysmemConstraints *empty = c_new();
    g_autofree sysmem2_buffer_collection_info_t *info = info_new();
    uint32_t alloc = vs_connect(h, false);
    uint32_t token = vs_allocate_shared(h, alloc, false);
    uint32_t group, child, coll, child_coll;
    uint64_t id;

    g_assert_true(vs_sync(h, token, false));
    id = get_buffer_collection_id(h, token);
    g_assert_cmpuint(id, !=, 0);
    g_assert_cmpuint(id, !=, 1);
    group = vs_create_group(h, token);
    g_assert_true(vs_sync(h, group, false));
    g_assert_cmpuint(get_buffer_collection_id(h, group), ==, id);
    coll = vs_bind(h, alloc, token, false);
    g_assert_cmpuint(get_buffer_collection_id(h, coll), ==, id);
    child = vs_group_create_child(h, group, FIDL_RIGHT_SAME_RIGHTS);
    g_assert_true(vs_sync(h, child, false));
    child_coll = vs_bind(h, alloc, child, false);
    vs_set_constraints(h, child_coll, empty);
    vs_all_children_present(h, group);
    c_cpu(picky, CPU_RW);
    c_camping(picky, 1);
    c_size(picky, PAGE, PAGE);
    c_domains(picky, true, false, false);
    vs_set_constraints(h, coll, picky);
    g_assert_cmpint(vs_wait_result(vs_wait(h, coll, false), info), ==, 0);
    g_assert_true(info->has_buffer_collection_id);
    g_assert_cmpuint(info->buffer_collection_id, ==, id);
    vs_host_free(h);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/core/fuchsia/ComplicatedFormatModifiersV2",
                    test_complicated_format_modifiers_v2);
    g_test_add_func("/core/fuchsia/VectorPixelFormatAndModifier_MultipleInVector",
                    test_vector_pixel_format_and_modifier_multiple_in_vector);
    g_test_add_func("/core/format/layouts", test_layouts);
    g_test_add_func("/core/format/afbc-rejections", test_afbc_rejections);
    g_test_add_func("/core/fuchsia/SizeAlignmentFlowsToMinSizeAndMinBytesPerRow",
                    test_size_alignment_flows_to_min_size_and_min_bytes_per_row);
    g_test_add_func("/core/fuchsia/IsAlphaPresentField",
                    test_is_alpha_present_field);
    g_test_add_func("/core/fuchsia/GetBufferCollectionId",
                    test_get_buffer_collection_id);
    return g_test_run();
}
