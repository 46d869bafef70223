/*
 * Pure constraint logic: sanitize, combine, finish, choose.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "tests/unit/test-core-util.h"
#include "hw/sysmem/image-format.h"

static const SysmemHeapDesc heaps[] = {
    { SYSMEM2_HEAP_TYPE_SYSTEM_RAM, 0, false, true, true, true },
    { "virtio.sysmem.heap.HEAP_TYPE.SECURE", 0, true, false, false, true },
};
static const SysmemAllocEnv env = {
    .heaps = heaps, .nheaps = 2, .page_size = 4096,
    .max_buffer_size = 256u << 20,
};

/* Run participants through the whole pipeline. */
static sysmem2_error_t run(SysmemConstraints **ps, unsigned n,
                           sysmem2_single_buffer_settings_t *out,
                           uint32_t *count)
{
    g_autofree SysmemConstraints *acc = c_new();
    g_autofree SysmemConstraints *s = c_new();
    g_autoptr(GString) why = g_string_new(NULL);
    bool have = false;
    sysmem2_error_t err;
    unsigned i;

    for (i = 0; i < n; i++) {
        err = sysmem_constraints_sanitize(ps[i], s, why);
        if (!err) {
            err = sysmem_constraints_combine(acc, &have, s, why);
        }
        if (err) {
            g_test_message("%s", why->str);
            return err;
        }
    }
    err = sysmem_constraints_finish(acc, why);
    if (!err) {
        err = sysmem_constraints_choose(&env, acc, out, count, why);
    }
    if (err) {
        g_test_message("%s", why->str);
    }
    return err;
}

typedef struct FormatCase {
    images2_pixel_format_t fmt;
    images2_color_space_t cs;
    uint32_t w, h;
    uint64_t size;
} FormatCase;

/* Each pixel format's negotiated size with default alignment rules. */
static void test_format_sizes(void)
{
    static const FormatCase cases[] = {
        { IMAGES2_PIXEL_FORMAT_R8G8B8A8, IMAGES2_COLOR_SPACE_SRGB, 101, 10, 4040 },
        { IMAGES2_PIXEL_FORMAT_B8G8R8A8, IMAGES2_COLOR_SPACE_SRGB, 64, 64, 16384 },
        { IMAGES2_PIXEL_FORMAT_NV12, IMAGES2_COLOR_SPACE_REC709, 255, 255, 98304 },
        { IMAGES2_PIXEL_FORMAT_I420, IMAGES2_COLOR_SPACE_REC601_NTSC, 320, 240, 115200 },
        { IMAGES2_PIXEL_FORMAT_YV12, IMAGES2_COLOR_SPACE_REC601_PAL, 321, 241, 116886 },
        { IMAGES2_PIXEL_FORMAT_YUY2, IMAGES2_COLOR_SPACE_REC709, 101, 11, 2448 },
        { IMAGES2_PIXEL_FORMAT_R5G6B5, IMAGES2_COLOR_SPACE_SRGB, 101, 10, 2020 },
        { IMAGES2_PIXEL_FORMAT_L8, IMAGES2_COLOR_SPACE_REC709, 101, 10, 1010 },
        { IMAGES2_PIXEL_FORMAT_R8, IMAGES2_COLOR_SPACE_SRGB, 101, 10, 1010 },
        { IMAGES2_PIXEL_FORMAT_R8G8, IMAGES2_COLOR_SPACE_SRGB, 101, 10, 2020 },
        { IMAGES2_PIXEL_FORMAT_A2R10G10B10, IMAGES2_COLOR_SPACE_SRGB, 101, 10, 4040 },
        { IMAGES2_PIXEL_FORMAT_A2B10G10R10, IMAGES2_COLOR_SPACE_SRGB, 1920, 1080, 8294400 },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree SysmemConstraints *c = c_new();
        sysmem2_single_buffer_settings_t out;
        sysmem2_image_format_constraints_t *f;
        uint32_t count;

        g_test_message("%s", sysmem_pixel_format_name(cases[i].fmt));
        c_cpu(c, CPU_RW);
        c_camping(c, 1);
        f = c_image(c, cases[i].fmt, cases[i].cs);
        ifc_min_size(f, cases[i].w, cases[i].h);
        g_assert_cmpint(run(&c, 1, &out, &count), ==, 0);
        g_assert_cmpuint(out.buffer_settings.size_bytes, ==, cases[i].size);
        g_assert_cmpuint(out.buffer_settings.raw_vmo_size % 4096, ==, 0);
        g_assert_cmpuint(out.image_format_constraints.pixel_format, ==,
                         cases[i].fmt);
    }
}

/* Counts: camping and dedicated slack sum, shared slack and min max. */
static void test_counts(void)
{
    g_autofree SysmemConstraints *a = c_new();
    g_autofree SysmemConstraints *b = c_new();
    SysmemConstraints *ps[2] = { a, b };
    sysmem2_single_buffer_settings_t out;
    uint32_t count;

    c_cpu(a, CPU_RW);
    c_cpu(b, SYSMEM2_CPU_USAGE_READ);
    c_size(a, 4096, 0);
    c_camping(a, 2);
    c_camping(b, 3);
    a->has_min_buffer_count_for_dedicated_slack = true;
    a->min_buffer_count_for_dedicated_slack = 1;
    b->has_min_buffer_count_for_dedicated_slack = true;
    b->min_buffer_count_for_dedicated_slack = 1;
    a->has_min_buffer_count_for_shared_slack = true;
    a->min_buffer_count_for_shared_slack = 2;
    b->has_min_buffer_count_for_shared_slack = true;
    b->min_buffer_count_for_shared_slack = 1;
    g_assert_cmpint(run(ps, 2, &out, &count), ==, 0);
    g_assert_cmpuint(count, ==, 2 + 3 + 1 + 1 + 2);
    b->has_max_buffer_count = true;
    b->max_buffer_count = 8;
    g_assert_cmpint(run(ps, 2, &out, &count), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    b->max_buffer_count = 9;
    g_assert_cmpint(run(ps, 2, &out, &count), ==, 0);
    c_min_count(b, 12);
    b->max_buffer_count = 20;
    g_assert_cmpint(run(ps, 2, &out, &count), ==, 0);
    g_assert_cmpuint(count, ==, 12);
}

/* DO_NOT_CARE format and modifier fan out against concrete entries. */
static void test_do_not_care(void)
{
    g_autofree SysmemConstraints *a = c_new();
    g_autofree SysmemConstraints *b = c_new();
    SysmemConstraints *ps[2] = { a, b };
    sysmem2_single_buffer_settings_t out;
    sysmem2_image_format_constraints_t *f;
    uint32_t count;

    c_cpu(a, CPU_RW);
    c_camping(a, 1);
    f = c_image(a, IMAGES2_PIXEL_FORMAT_DO_NOT_CARE,
                IMAGES2_COLOR_SPACE_DO_NOT_CARE);
    ifc_min_size(f, 128, 128);
    c_cpu(b, SYSMEM2_CPU_USAGE_READ);
    c_image(b, IMAGES2_PIXEL_FORMAT_NV12, IMAGES2_COLOR_SPACE_REC709);
    g_assert_cmpint(run(ps, 2, &out, &count), ==, 0);
    g_assert_cmpuint(out.image_format_constraints.pixel_format, ==,
                     IMAGES2_PIXEL_FORMAT_NV12);
    g_assert_cmpuint(out.image_format_constraints.color_spaces[0], ==,
                     IMAGES2_COLOR_SPACE_REC709);
    g_assert_cmpuint(out.buffer_settings.size_bytes, ==, 128 * 128 * 3 / 2);
    /* alone, DO_NOT_CARE cannot be allocated */
    g_assert_cmpint(run(ps, 1, &out, &count), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
}

/* Colour spaces intersect and the best remaining one is chosen. */
static void test_color_space_choice(void)
{
    g_autofree SysmemConstraints *a = c_new();
    g_autofree SysmemConstraints *b = c_new();
    SysmemConstraints *ps[2] = { a, b };
    sysmem2_single_buffer_settings_t out;
    sysmem2_image_format_constraints_t *f;
    uint32_t count;

    c_cpu(a, CPU_RW);
    c_camping(a, 1);
    f = c_image(a, IMAGES2_PIXEL_FORMAT_NV12, IMAGES2_COLOR_SPACE_REC601_NTSC);
    f->color_spaces[f->color_spaces_count++] = IMAGES2_COLOR_SPACE_REC709;
    f->color_spaces[f->color_spaces_count++] = IMAGES2_COLOR_SPACE_REC601_PAL;
    ifc_min_size(f, 16, 16);
    c_cpu(b, SYSMEM2_CPU_USAGE_READ);
    f = c_image(b, IMAGES2_PIXEL_FORMAT_NV12, IMAGES2_COLOR_SPACE_REC601_NTSC);
    f->color_spaces[f->color_spaces_count++] = IMAGES2_COLOR_SPACE_REC601_PAL;
    g_assert_cmpint(run(ps, 2, &out, &count), ==, 0);
    g_assert_cmpuint(out.image_format_constraints.color_spaces_count, ==, 1);
    g_assert_cmpuint(out.image_format_constraints.color_spaces[0], ==,
                     IMAGES2_COLOR_SPACE_REC601_PAL);
    /* disjoint colour spaces eliminate the format */
    f->color_spaces_count = 1;
    f->color_spaces[0] = IMAGES2_COLOR_SPACE_REC2020;
    g_assert_cmpint(run(ps, 2, &out, &count), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    /* and NV12 with SRGB is invalid on its own */
    f->color_spaces[0] = IMAGES2_COLOR_SPACE_SRGB;
    g_assert_cmpint(run(&b, 1, &out, &count), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
}

/* Intel tiling is preferred over linear (format cost table). */
static void test_format_cost(void)
{
    g_autofree SysmemConstraints *a = c_new();
    sysmem2_single_buffer_settings_t out;
    sysmem2_image_format_constraints_t *f;
    uint32_t count;

    c_cpu(a, CPU_RW);
    c_camping(a, 1);
    f = c_image(a, IMAGES2_PIXEL_FORMAT_B8G8R8A8, IMAGES2_COLOR_SPACE_SRGB);
    ifc_min_size(f, 256, 64);
    f->has_pixel_format_and_modifiers = true;
    f->pixel_format_and_modifiers_count = 2;
    f->pixel_format_and_modifiers[0].pixel_format = IMAGES2_PIXEL_FORMAT_R8G8B8A8;
    f->pixel_format_and_modifiers[0].pixel_format_modifier =
        IMAGES2_FORMAT_MODIFIER_LINEAR;
    f->pixel_format_and_modifiers[1].pixel_format = IMAGES2_PIXEL_FORMAT_B8G8R8A8;
    f->pixel_format_and_modifiers[1].pixel_format_modifier =
        IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED;
    g_assert_cmpint(run(&a, 1, &out, &count), ==, 0);
    g_assert_cmpuint(out.image_format_constraints.pixel_format_modifier, ==,
                     IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED);
    g_assert_cmpuint(out.buffer_settings.size_bytes, ==, 16 * 4096);
    /* without tiling, the numerically smaller format wins the tie */
    f->pixel_format_and_modifiers_count = 1;
    g_assert_cmpint(run(&a, 1, &out, &count), ==, 0);
    g_assert_cmpuint(out.image_format_constraints.pixel_format, ==,
                     IMAGES2_PIXEL_FORMAT_R8G8B8A8);
}

/* Sanitize rejects inconsistent usage and memory constraints. */
static void test_sanitize_rejects(void)
{
    g_autofree SysmemConstraints *c = c_new();
    g_autofree SysmemConstraints *out = c_new();
    sysmem2_buffer_memory_constraints_t *m;

    /* empty table is allowed (none usage) */
    g_assert_cmpint(sysmem_constraints_sanitize(c, out, NULL), ==, 0);
    g_assert_cmpuint(out->usage.none, ==, SYSMEM2_NONE_USAGE);
    g_assert_cmpint(sysmem_constraints_sanitize(NULL, out, NULL), ==, 0);
    /* usage table with no bits */
    c->has_usage = true;
    g_assert_cmpint(sysmem_constraints_sanitize(c, out, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    /* none together with cpu */
    c->usage.has_none = c->usage.has_cpu = true;
    c->usage.none = 1;
    c->usage.cpu = 1;
    g_assert_cmpint(sysmem_constraints_sanitize(c, out, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    c->usage.has_none = false;
    /* cpu usage with secure memory */
    m = c_bmc(c);
    m->has_secure_required = true;
    m->secure_required = true;
    g_assert_cmpint(sysmem_constraints_sanitize(c, out, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    m->secure_required = false;
    /* min > max size */
    c_size(c, 8192, 4096);
    g_assert_cmpint(sysmem_constraints_sanitize(c, out, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    c_size(c, 4096, 8192);
    /* permitted_heaps present but empty */
    m->has_permitted_heaps = true;
    g_assert_cmpint(sysmem_constraints_sanitize(c, out, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    m->has_permitted_heaps = false;
    /* modifier without a pixel format */
    c->has_image_format_constraints = true;
    c->image_format_constraints_count = 1;
    c->image_format_constraints[0].has_pixel_format_modifier = true;
    g_assert_cmpint(sysmem_constraints_sanitize(c, out, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    /* missing colour spaces */
    c->image_format_constraints[0].has_pixel_format = true;
    c->image_format_constraints[0].pixel_format = IMAGES2_PIXEL_FORMAT_NV12;
    c->image_format_constraints[0].has_pixel_format_modifier = false;
    g_assert_cmpint(sysmem_constraints_sanitize(c, out, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
    /* size_alignment not a power of two */
    c->image_format_constraints[0].has_color_spaces = true;
    c->image_format_constraints[0].color_spaces_count = 1;
    c->image_format_constraints[0].color_spaces[0] = IMAGES2_COLOR_SPACE_REC709;
    g_assert_cmpint(sysmem_constraints_sanitize(c, out, NULL), ==, 0);
    /* NV12 got its 2x2 alignment folded in */
    g_assert_cmpuint(out->image_format_constraints[0].size_alignment.width, ==, 2);
    g_assert_cmpuint(out->image_format_constraints[0].bytes_per_row_divisor, ==, 2);
    c->image_format_constraints[0].has_size_alignment = true;
    c->image_format_constraints[0].size_alignment.width = 3;
    c->image_format_constraints[0].size_alignment.height = 1;
    g_assert_cmpint(sysmem_constraints_sanitize(c, out, NULL), ==,
                    SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY);
}

/* NO_MEMORY limits: single buffer size and collection total. */
static void test_size_limits(void)
{
    g_autofree SysmemConstraints *c = c_new();
    sysmem2_single_buffer_settings_t out;
    uint32_t count;

    c_cpu(c, CPU_RW);
    c_camping(c, 1);
    c_size(c, 300u << 20, 0);
    g_assert_cmpint(run(&c, 1, &out, &count), ==, SYSMEM2_ERROR_NO_MEMORY);
    c_size(c, 200u << 20, 0);
    g_assert_cmpint(run(&c, 1, &out, &count), ==, 0);
    c_camping(c, 6);
    g_assert_cmpint(run(&c, 1, &out, &count), ==, SYSMEM2_ERROR_NO_MEMORY);
}

/* Pinning existing settings reproduces them. */
static void test_pin_roundtrip(void)
{
    g_autofree SysmemConstraints *c = c_new();
    g_autofree SysmemConstraints *pin = c_new();
    sysmem2_single_buffer_settings_t out, out2;
    sysmem2_image_format_constraints_t *f;
    uint32_t count, count2;

    c_cpu(c, CPU_RW);
    c_camping(c, 3);
    f = c_image(c, IMAGES2_PIXEL_FORMAT_NV12, IMAGES2_COLOR_SPACE_REC709);
    ifc_min_size(f, 640, 480);
    g_assert_cmpint(run(&c, 1, &out, &count), ==, 0);
    sysmem_constraints_pin(&out, count, pin);
    {
        SysmemConstraints *ps[2] = { c, pin };

        g_assert_cmpint(run(ps, 2, &out2, &count2), ==, 0);
    }
    g_assert_cmpuint(count2, ==, count);
    g_assert_true(sysmem_settings_equal(&out, &out2));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/constraints/format-sizes", test_format_sizes);
    g_test_add_func("/constraints/counts", test_counts);
    g_test_add_func("/constraints/do-not-care", test_do_not_care);
    g_test_add_func("/constraints/color-space-choice", test_color_space_choice);
    g_test_add_func("/constraints/format-cost", test_format_cost);
    g_test_add_func("/constraints/sanitize-rejects", test_sanitize_rejects);
    g_test_add_func("/constraints/size-limits", test_size_limits);
    g_test_add_func("/constraints/pin-roundtrip", test_pin_roundtrip);
    return g_test_run();
}
