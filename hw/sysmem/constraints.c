/*
 * Constraint sanitizing, combining and choosing (pure functions)
 *
 * The rules are Fuchsia's (src/sysmem/server/logical_buffer_collection.cc),
 * as summarized in docs/reference/sysmem-protocol.md sections 5.5-5.7.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "hw/sysmem/constraints.h"
#include "hw/sysmem/image-format.h"
#include "sysmem/status.h"

#define MAX_IFC SYSMEM2_MAX_COUNT_BUFFER_COLLECTION_CONSTRAINTS_IMAGE_FORMAT_CONSTRAINTS
#define MAX_RMSL SYSMEM2_MAX_COUNT_REQUIRED_MAX_SIZE_LIST

typedef sysmem2_image_format_constraints_t Ifc;

static sysmem2_error_t fail(GString *why, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static sysmem2_error_t fail(GString *why, const char *fmt, ...)
{
    va_list ap;

    if (why) {
        if (why->len) {
            g_string_append(why, "; ");
        }
        va_start(ap, fmt);
        g_string_append_vprintf(why, fmt, ap);
        va_end(ap);
    }
    return SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY;
}

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* lcm, false on u32 overflow */
static bool lcm32(uint32_t a, uint32_t b, uint32_t *out)
{
    uint64_t l = (uint64_t)a / gcd64(a, b) * b;

    if (l > UINT32_MAX) {
        return false;
    }
    *out = l;
    return true;
}

static uint32_t round_up32(uint32_t v, uint32_t a, bool *ok)
{
    uint64_t r = ((uint64_t)v + a - 1) / a * a;

    if (r > UINT32_MAX) {
        *ok = false;
        return v;
    }
    return r;
}

static uint32_t round_down32(uint32_t v, uint32_t a)
{
    return v / a * a;
}

static bool fmt_dnc(const Ifc *f)
{
    return f->pixel_format == IMAGES2_PIXEL_FORMAT_DO_NOT_CARE;
}

static bool mod_dnc(const Ifc *f)
{
    return f->pixel_format_modifier == IMAGES2_FORMAT_MODIFIER_DO_NOT_CARE;
}

static bool fully_specified(const Ifc *f)
{
    return !fmt_dnc(f) && !mod_dnc(f);
}

bool sysmem_usage_is_none_only(const sysmem2_buffer_usage_t *u)
{
    return !u->cpu && !u->vulkan && !u->display && !u->video;
}

bool sysmem_usage_writes(const sysmem2_buffer_usage_t *u)
{
    return (u->cpu & (SYSMEM2_CPU_USAGE_WRITE | SYSMEM2_CPU_USAGE_WRITE_OFTEN)) ||
           (u->vulkan & (SYSMEM2_VULKAN_IMAGE_USAGE_TRANSFER_DST |
                         SYSMEM2_VULKAN_IMAGE_USAGE_STORAGE |
                         SYSMEM2_VULKAN_BUFFER_USAGE_TRANSFER_DST |
                         SYSMEM2_VULKAN_BUFFER_USAGE_STORAGE_BUFFER)) ||
           (u->video & (SYSMEM2_VIDEO_USAGE_HW_DECODER |
                        SYSMEM2_VIDEO_USAGE_HW_DECODER_INTERNAL |
                        SYSMEM2_VIDEO_USAGE_DECRYPTOR_OUTPUT |
                        SYSMEM2_VIDEO_USAGE_HW_ENCODER));
}

/* ------------------------------------------------------------------ */
/* Sanitize                                                             */

static void set_size(images2_size_u_t *s, uint32_t w, uint32_t h)
{
    s->width = w;
    s->height = h;
}

#define DEFAULT(obj, field, val) \
    do { \
        if (!(obj)->has_##field) { \
            (obj)->has_##field = true; \
            (obj)->field = (val); \
        } \
    } while (0)

#define DEFAULT_SIZE(obj, field, w, h) \
    do { \
        if (!(obj)->has_##field) { \
            (obj)->has_##field = true; \
            set_size(&(obj)->field, (w), (h)); \
        } \
    } while (0)

/*
 * Fold the format's minimum row bytes for min_size.width into
 * min_bytes_per_row (at least the divisor).  A layout with no such minimum,
 * or a width the entry cannot hold, leaves it: the min/max checks that
 * follow fail such an entry with a clearer reason.
 */
static void apply_min_row_bytes(Ifc *f)
{
    uint32_t min_row;

    f->min_bytes_per_row = MAX(f->min_bytes_per_row, f->bytes_per_row_divisor);
    if (sysmem_format_min_row_bytes(f, f->min_size.width, &min_row)) {
        f->min_bytes_per_row = MAX(f->min_bytes_per_row, min_row);
    }
}

/*
 * With the format's facts folded into the alignments and divisors: the
 * minimum row bytes, then mins rounded up and maxes (other than the "no
 * limit" u32max) rounded down to them, so clients need not round.  False
 * on overflow.
 */
static bool fold_alignment(Ifc *f)
{
    bool ok = true;

    apply_min_row_bytes(f);
    f->min_size.width = round_up32(f->min_size.width, f->size_alignment.width,
                                   &ok);
    f->min_size.height = round_up32(f->min_size.height,
                                    f->size_alignment.height, &ok);
    f->min_bytes_per_row = round_up32(f->min_bytes_per_row,
                                      f->bytes_per_row_divisor, &ok);
    if (f->max_size.width != UINT32_MAX) {
        f->max_size.width = round_down32(f->max_size.width,
                                         f->size_alignment.width);
    }
    if (f->max_size.height != UINT32_MAX) {
        f->max_size.height = round_down32(f->max_size.height,
                                          f->size_alignment.height);
    }
    if (f->max_bytes_per_row != UINT32_MAX) {
        f->max_bytes_per_row = round_down32(f->max_bytes_per_row,
                                            f->bytes_per_row_divisor);
    }
    return ok;
}

static sysmem2_error_t sanitize_ifc(Ifc *f, GString *why)
{
    const char *fname = sysmem_pixel_format_name(f->pixel_format);
    uint32_t i, bpp;
    bool ok = true;

    if (!fname) {
        fname = "unknown";
    }
    if (f->pixel_format == IMAGES2_PIXEL_FORMAT_INVALID) {
        return fail(why, "pixel_format INVALID");
    }
    if (f->pixel_format_modifier == IMAGES2_FORMAT_MODIFIER_INVALID) {
        return fail(why, "pixel_format_modifier INVALID");
    }
    if (!f->has_color_spaces || !f->color_spaces_count) {
        return fail(why, "%s: color_spaces missing or empty", fname);
    }
    for (i = 0; i < f->color_spaces_count; i++) {
        images2_color_space_t cs = f->color_spaces[i];

        if (cs == IMAGES2_COLOR_SPACE_DO_NOT_CARE) {
            if (f->color_spaces_count != 1) {
                return fail(why, "%s: DO_NOT_CARE color space must be alone",
                            fname);
            }
            continue;
        }
        if (!sysmem_color_space_is_known(cs)) {
            return fail(why, "%s: color space %u invalid", fname, cs);
        }
        if (fully_specified(f) &&
            !sysmem_format_color_space_ok(f->pixel_format,
                                          f->pixel_format_modifier, cs)) {
            return fail(why, "%s: color space %s not valid for the format",
                        fname, sysmem_color_space_name(cs));
        }
    }
    DEFAULT_SIZE(f, min_size, 0, 0);
    DEFAULT_SIZE(f, max_size, UINT32_MAX, UINT32_MAX);
    DEFAULT(f, min_bytes_per_row, 0);
    DEFAULT(f, max_bytes_per_row, UINT32_MAX);
    DEFAULT(f, max_width_times_height, UINT64_MAX);
    DEFAULT_SIZE(f, size_alignment, 1, 1);
    DEFAULT_SIZE(f, display_rect_alignment, 1, 1);
    DEFAULT_SIZE(f, required_min_size, UINT32_MAX, UINT32_MAX);
    DEFAULT_SIZE(f, required_max_size, 0, 0);
    DEFAULT(f, bytes_per_row_divisor, 1);
    DEFAULT(f, start_offset_divisor, 1);
    DEFAULT(f, require_bytes_per_row_at_pixel_boundary, false);
    DEFAULT_SIZE(f, pad_for_block_size, 1, 1);
    DEFAULT(f, pad_beyond_image_size_bytes, 0);
    if (!f->has_required_max_size_list) {
        f->has_required_max_size_list = true;
        f->required_max_size_list_count = 0;
    }
    /*
     * is_alpha_present is kept even for formats without an A or X channel:
     * two participants disagreeing about it fail the pair whatever the
     * format (Fuchsia's IsAlphaPresentField); the result drops it for such
     * formats (sysmem_constraints_choose).
     */
    if (!is_pow2(f->size_alignment.width) || !is_pow2(f->size_alignment.height)) {
        return fail(why, "%s: size_alignment not a power of 2", fname);
    }
    if (!is_pow2(f->display_rect_alignment.width) ||
        !is_pow2(f->display_rect_alignment.height)) {
        return fail(why, "%s: display_rect_alignment not a power of 2", fname);
    }
    if (!is_pow2(f->pad_for_block_size.width) ||
        !is_pow2(f->pad_for_block_size.height)) {
        return fail(why, "%s: pad_for_block_size not a power of 2", fname);
    }
    if (!f->bytes_per_row_divisor) {
        return fail(why, "%s: bytes_per_row_divisor 0", fname);
    }
    if (!is_pow2(f->start_offset_divisor) || f->start_offset_divisor > 4096) {
        return fail(why, "%s: start_offset_divisor not a power of 2 <= page",
                    fname);
    }
    for (i = 0; i < f->required_max_size_list_count; i++) {
        if (!f->required_max_size_list[i].width ||
            !f->required_max_size_list[i].height) {
            return fail(why, "%s: required_max_size_list[%u] has a 0 dimension",
                        fname, i);
        }
    }
    if (fully_specified(f)) {
        if (!sysmem_format_is_supported(f->pixel_format,
                                        f->pixel_format_modifier)) {
            return fail(why, "%s with modifier 0x%" G_GINT64_MODIFIER "x "
                        "not supported", fname, f->pixel_format_modifier);
        }
        bpp = sysmem_format_bytes_per_pixel(f->pixel_format);
        f->size_alignment.width = MAX(f->size_alignment.width,
                              sysmem_format_min_width_divisor(f->pixel_format));
        f->size_alignment.height = MAX(f->size_alignment.height,
                             sysmem_format_min_height_divisor(f->pixel_format));
        if (!lcm32(f->bytes_per_row_divisor,
                   sysmem_format_sample_alignment(f->pixel_format),
                   &f->bytes_per_row_divisor) ||
            (f->require_bytes_per_row_at_pixel_boundary &&
             !lcm32(f->bytes_per_row_divisor, bpp, &f->bytes_per_row_divisor))) {
            return fail(why, "%s: bytes_per_row_divisor overflow", fname);
        }
        f->start_offset_divisor = MAX(f->start_offset_divisor,
                              sysmem_format_sample_alignment(f->pixel_format));
        ok = fold_alignment(f);
        if (!ok) {
            return fail(why, "%s: size or bytes_per_row overflow", fname);
        }
    }
    if (f->min_size.width > f->max_size.width ||
        f->min_size.height > f->max_size.height) {
        return fail(why, "%s: min_size %ux%u > max_size %ux%u", fname,
                    f->min_size.width, f->min_size.height,
                    f->max_size.width, f->max_size.height);
    }
    if (f->min_bytes_per_row > f->max_bytes_per_row) {
        return fail(why, "%s: min_bytes_per_row %u > max_bytes_per_row %u",
                    fname, f->min_bytes_per_row, f->max_bytes_per_row);
    }
    if ((uint64_t)f->min_size.width * f->min_size.height > UINT32_MAX ||
        (uint64_t)f->min_size.width * f->min_size.height >
            f->max_width_times_height) {
        return fail(why, "%s: min_size area exceeds max_width_times_height",
                    fname);
    }
    if (f->required_min_size.width != UINT32_MAX ||
        f->required_min_size.height != UINT32_MAX) {
        if (!f->required_min_size.width || !f->required_min_size.height) {
            return fail(why, "%s: required_min_size has a 0 dimension", fname);
        }
        if (f->required_min_size.width < f->min_size.width ||
            f->required_min_size.height < f->min_size.height) {
            return fail(why, "%s: required_min_size < min_size", fname);
        }
    }
    if (f->required_max_size.width > f->max_size.width ||
        f->required_max_size.height > f->max_size.height) {
        return fail(why, "%s: required_max_size > max_size", fname);
    }
    for (i = 0; i < f->required_max_size_list_count; i++) {
        if (f->required_max_size_list[i].width > f->max_size.width ||
            f->required_max_size_list[i].height > f->max_size.height) {
            return fail(why, "%s: required_max_size_list[%u] > max_size",
                        fname, i);
        }
    }
    if (f->pad_for_block_size.width > 1 || f->pad_for_block_size.height > 1) {
        if (!fully_specified(f) ||
            f->pixel_format_modifier != IMAGES2_FORMAT_MODIFIER_LINEAR ||
            sysmem_format_plane_count(f->pixel_format) != 1) {
            return fail(why, "%s: pad_for_block_size needs a linear "
                        "single-plane format", fname);
        }
    }
    return 0;
}

/* Entries "combinable": equal, or one covers the other via DO_NOT_CARE. */
static bool pair_matches(const Ifc *a, const Ifc *b)
{
    bool fmt = a->pixel_format == b->pixel_format || fmt_dnc(a) || fmt_dnc(b);
    bool mod = a->pixel_format_modifier == b->pixel_format_modifier ||
               mod_dnc(a) || mod_dnc(b);
    return fmt && mod;
}

/*
 * Copy a constraints table.  The C struct reserves room for the FIDL
 * maximum of 64 image format entries (~129 KiB in all); participants use a
 * handful, so copy only the entries in use (image_format_constraints is the
 * last member).  Whole-struct copies were most of the aggregation time and,
 * through fresh allocations, most of a small allocation's cost.
 */
static void constraints_copy(SysmemConstraints *dst,
                             const SysmemConstraints *src)
{
    uint32_t n = MIN(src->image_format_constraints_count,
                     G_N_ELEMENTS(src->image_format_constraints));

    G_STATIC_ASSERT(offsetof(SysmemConstraints, image_format_constraints) +
                    sizeof(((SysmemConstraints *)0)->image_format_constraints) ==
                    sizeof(SysmemConstraints));
    memcpy(dst, src, offsetof(SysmemConstraints, image_format_constraints) +
           n * sizeof(src->image_format_constraints[0]));
}

sysmem2_error_t sysmem_constraints_sanitize(const SysmemConstraints *in,
                                            SysmemConstraints *out,
                                            GString *why)
{
    sysmem2_buffer_usage_t *u;
    sysmem2_buffer_memory_constraints_t *m;
    bool has_usage_bits;
    uint32_t i, j, n = 0, src_count;
    sysmem2_error_t err;
    Ifc *src;

    if (in) {
        constraints_copy(out, in);
    } else {
        memset(out, 0, sizeof(*out));
    }
    /* A completely empty table: contributes nothing, but is allowed. */
    if (!out->has_usage && !out->has_min_buffer_count_for_camping &&
        !out->has_min_buffer_count_for_dedicated_slack &&
        !out->has_min_buffer_count_for_shared_slack &&
        !out->has_min_buffer_count && !out->has_max_buffer_count &&
        !out->has_buffer_memory_constraints &&
        !out->has_image_format_constraints) {
        out->has_usage = true;
        out->usage.has_none = true;
        out->usage.none = SYSMEM2_NONE_USAGE;
    }
    u = &out->usage;
    out->has_usage = true;
    DEFAULT(u, none, 0);
    DEFAULT(u, cpu, 0);
    DEFAULT(u, vulkan, 0);
    DEFAULT(u, display, 0);
    DEFAULT(u, video, 0);
    has_usage_bits = u->cpu || u->vulkan || u->display || u->video;
    if (!u->none && !has_usage_bits) {
        return fail(why, "usage has no bits set");
    }
    if (u->none && has_usage_bits) {
        return fail(why, "usage.none combined with other usage");
    }
    DEFAULT(out, min_buffer_count_for_camping, 0);
    DEFAULT(out, min_buffer_count_for_dedicated_slack, 0);
    DEFAULT(out, min_buffer_count_for_shared_slack, 0);
    DEFAULT(out, min_buffer_count, 0);
    DEFAULT(out, max_buffer_count, UINT32_MAX);
    if (!out->max_buffer_count) {
        return fail(why, "max_buffer_count 0");
    }
    if (out->min_buffer_count > out->max_buffer_count) {
        return fail(why, "min_buffer_count %u > max_buffer_count %u",
                    out->min_buffer_count, out->max_buffer_count);
    }

    m = &out->buffer_memory_constraints;
    if (!out->has_buffer_memory_constraints) {
        memset(m, 0, sizeof(*m));
        out->has_buffer_memory_constraints = true;
    }
    DEFAULT(m, min_size_bytes, 0);
    DEFAULT(m, max_size_bytes, UINT64_MAX);
    DEFAULT(m, physically_contiguous_required, false);
    DEFAULT(m, secure_required, false);
    DEFAULT(m, cpu_domain_supported, !m->secure_required);
    DEFAULT(m, ram_domain_supported, !m->secure_required && !u->cpu);
    DEFAULT(m, inaccessible_domain_supported, !u->cpu);
    if (m->has_permitted_heaps && !m->permitted_heaps_count) {
        return fail(why, "permitted_heaps present but empty");
    }
    for (i = 0; m->has_permitted_heaps && i < m->permitted_heaps_count; i++) {
        if (!m->permitted_heaps[i].has_heap_type) {
            return fail(why, "permitted_heaps[%u] without heap_type", i);
        }
        DEFAULT(&m->permitted_heaps[i], id, 0);
    }
    if (m->has_min_physical_base_alignment &&
        (!is_pow2(m->min_physical_base_alignment) ||
         !m->physically_contiguous_required)) {
        return fail(why, "min_physical_base_alignment needs a power of 2 "
                    "and physically_contiguous_required");
    }
    DEFAULT(m, min_physical_base_alignment, 1);
    if (m->min_size_bytes > m->max_size_bytes) {
        return fail(why, "min_size_bytes %" G_GUINT64_FORMAT " > max_size_bytes %"
                    G_GUINT64_FORMAT, m->min_size_bytes, m->max_size_bytes);
    }
    if (u->cpu && !m->cpu_domain_supported && !m->ram_domain_supported) {
        return fail(why, "cpu usage without cpu or ram domain support");
    }
    if (u->cpu && m->secure_required) {
        return fail(why, "cpu usage with secure_required");
    }
    if (m->secure_required &&
        (m->cpu_domain_supported || m->ram_domain_supported)) {
        return fail(why, "secure_required with cpu or ram domain supported");
    }

    /* Flatten image formats: one (format, modifier) per entry. */
    if (!out->has_image_format_constraints) {
        out->has_image_format_constraints = true;
        out->image_format_constraints_count = 0;
    }
    src_count = out->image_format_constraints_count;
    src = g_new(Ifc, MAX(src_count, 1));
    memcpy(src, out->image_format_constraints, src_count * sizeof(Ifc));
    err = 0;
    for (i = 0; i < src_count && !err; i++) {
        const Ifc *e = &src[i];
        sysmem2_pixel_format_and_modifier_t pairs[SYSMEM2_MAX_COUNT_PIXEL_FORMAT_AND_MODIFIERS + 1];
        uint32_t npairs = 0;

        if (e->has_pixel_format_modifier && !e->has_pixel_format) {
            err = fail(why, "image_format_constraints[%u]: "
                       "pixel_format_modifier without pixel_format", i);
            break;
        }
        if (e->has_pixel_format) {
            pairs[npairs].pixel_format = e->pixel_format;
            if (e->has_pixel_format_modifier) {
                pairs[npairs].pixel_format_modifier = e->pixel_format_modifier;
            } else if (e->pixel_format == IMAGES2_PIXEL_FORMAT_DO_NOT_CARE ||
                       u->none) {
                pairs[npairs].pixel_format_modifier =
                    IMAGES2_FORMAT_MODIFIER_DO_NOT_CARE;
            } else {
                pairs[npairs].pixel_format_modifier =
                    IMAGES2_FORMAT_MODIFIER_LINEAR;
            }
            npairs++;
        }
        for (j = 0; e->has_pixel_format_and_modifiers &&
                    j < e->pixel_format_and_modifiers_count; j++) {
            pairs[npairs++] = e->pixel_format_and_modifiers[j];
        }
        if (!npairs) {
            err = fail(why, "image_format_constraints[%u]: no pixel format", i);
            break;
        }
        for (j = 0; j < npairs && !err; j++) {
            Ifc *f;

            if (n == MAX_IFC) {
                err = fail(why, "more than %d pixel format entries", MAX_IFC);
                break;
            }
            f = &out->image_format_constraints[n++];
            *f = *e;
            f->has_pixel_format = true;
            f->pixel_format = pairs[j].pixel_format;
            f->has_pixel_format_modifier = true;
            f->pixel_format_modifier = pairs[j].pixel_format_modifier;
            f->has_pixel_format_and_modifiers = false;
            f->pixel_format_and_modifiers_count = 0;
            err = sanitize_ifc(f, why);
        }
    }
    g_free(src);
    out->image_format_constraints_count = n;
    if (err) {
        return err;
    }
    for (i = 0; i < n; i++) {
        const Ifc *a = &out->image_format_constraints[i];

        for (j = i + 1; j < n; j++) {
            if (pair_matches(a, &out->image_format_constraints[j])) {
                return fail(why, "two image format entries for %s/0x%"
                            G_GINT64_MODIFIER "x",
                            sysmem_pixel_format_name(a->pixel_format) ?: "?",
                            a->pixel_format_modifier);
            }
        }
    }
    return 0;
}

bool sysmem_constraints_imply_size(const SysmemConstraints *p)
{
    uint32_t i;

    if (p->buffer_memory_constraints.min_size_bytes > 0) {
        return true;
    }
    for (i = 0; i < p->image_format_constraints_count; i++) {
        const Ifc *f = &p->image_format_constraints[i];

        if ((f->min_size.width && f->min_size.height) ||
            (f->required_max_size.width && f->required_max_size.height) ||
            f->required_max_size_list_count) {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Combine                                                              */

/* Remove sizes dominated by another (w and h both <=). */
static void dedupe_size_list(Ifc *f)
{
    uint32_t i, j, n = 0;
    images2_size_u_t *l = f->required_max_size_list;

    for (i = 0; i < f->required_max_size_list_count; i++) {
        bool dominated = false;

        for (j = 0; j < f->required_max_size_list_count && !dominated; j++) {
            if (i == j) {
                continue;
            }
            if (l[j].width >= l[i].width && l[j].height >= l[i].height &&
                (l[j].width != l[i].width || l[j].height != l[i].height ||
                 j < i)) {
                dominated = true;
            }
        }
        if (!dominated) {
            l[n++] = l[i];
        }
    }
    f->required_max_size_list_count = n;
}

static bool merge_color_spaces(Ifc *out, const Ifc *a, const Ifc *b)
{
    uint32_t i, j, n = 0;

    if (a->color_spaces_count == 1 &&
        a->color_spaces[0] == IMAGES2_COLOR_SPACE_DO_NOT_CARE) {
        a = b;
        b = NULL;
    } else if (b->color_spaces_count == 1 &&
               b->color_spaces[0] == IMAGES2_COLOR_SPACE_DO_NOT_CARE) {
        b = NULL;
    }
    for (i = 0; i < a->color_spaces_count; i++) {
        images2_color_space_t cs = a->color_spaces[i];
        bool in_b = !b;

        for (j = 0; b && j < b->color_spaces_count; j++) {
            in_b |= b->color_spaces[j] == cs;
        }
        if (!in_b) {
            continue;
        }
        if (cs != IMAGES2_COLOR_SPACE_DO_NOT_CARE && fully_specified(out) &&
            !sysmem_format_color_space_ok(out->pixel_format,
                                          out->pixel_format_modifier, cs)) {
            continue;
        }
        out->color_spaces[n++] = cs;
    }
    out->color_spaces_count = n;
    return n > 0;
}

#define MAXF(f) out->f = MAX(a->f, b->f)
#define MINF(f) out->f = MIN(a->f, b->f)

static bool merge_ifc(Ifc *dst, const Ifc *a, const Ifc *b)
{
    Ifc tmp = *a, *out = &tmp;
    uint32_t i;

    out->pixel_format = fmt_dnc(a) ? b->pixel_format : a->pixel_format;
    out->pixel_format_modifier = mod_dnc(a) ? b->pixel_format_modifier :
                                              a->pixel_format_modifier;
    if (fully_specified(out) &&
        !sysmem_format_is_supported(out->pixel_format,
                                    out->pixel_format_modifier)) {
        return false;
    }
    if (!merge_color_spaces(out, a, b)) {
        return false;
    }
    MAXF(min_size.width);
    MAXF(min_size.height);
    MINF(max_size.width);
    MINF(max_size.height);
    MAXF(min_bytes_per_row);
    MINF(max_bytes_per_row);
    MINF(max_width_times_height);
    MAXF(size_alignment.width);
    MAXF(size_alignment.height);
    if (!lcm32(a->bytes_per_row_divisor, b->bytes_per_row_divisor,
               &out->bytes_per_row_divisor)) {
        return false;
    }
    out->require_bytes_per_row_at_pixel_boundary =
        a->require_bytes_per_row_at_pixel_boundary ||
        b->require_bytes_per_row_at_pixel_boundary;
    MAXF(start_offset_divisor);
    MAXF(display_rect_alignment.width);
    MAXF(display_rect_alignment.height);
    MINF(required_min_size.width);
    MINF(required_min_size.height);
    MAXF(required_max_size.width);
    MAXF(required_max_size.height);
    for (i = 0; i < b->required_max_size_list_count; i++) {
        if (out->required_max_size_list_count == MAX_RMSL) {
            dedupe_size_list(out);
            if (out->required_max_size_list_count == MAX_RMSL) {
                return false;
            }
        }
        out->required_max_size_list[out->required_max_size_list_count++] =
            b->required_max_size_list[i];
    }
    if (a->has_is_alpha_present && b->has_is_alpha_present &&
        a->is_alpha_present != b->is_alpha_present) {
        return false;
    }
    if (!a->has_is_alpha_present && b->has_is_alpha_present) {
        out->has_is_alpha_present = true;
        out->is_alpha_present = b->is_alpha_present;
    }
    MAXF(pad_for_block_size.width);
    MAXF(pad_for_block_size.height);
    if (out->pad_for_block_size.width > 1 && fully_specified(out)) {
        uint64_t blk = (uint64_t)sysmem_format_bytes_per_pixel(out->pixel_format) *
                       out->pad_for_block_size.width;
        if (blk > UINT32_MAX ||
            !lcm32(out->bytes_per_row_divisor, blk, &out->bytes_per_row_divisor)) {
            return false;
        }
    }
    MAXF(pad_beyond_image_size_bytes);
    *dst = tmp;
    return true;
}

static sysmem2_error_t combine_images(SysmemConstraints *acc,
                                      const SysmemConstraints *p, GString *why)
{
    uint32_t i, j, k, n = 0;
    Ifc *res;

    if (!p->image_format_constraints_count) {
        return 0;
    }
    if (!acc->image_format_constraints_count) {
        memcpy(acc->image_format_constraints, p->image_format_constraints,
               p->image_format_constraints_count * sizeof(Ifc));
        acc->image_format_constraints_count = p->image_format_constraints_count;
        return 0;
    }
    res = g_new(Ifc, MIN((uint64_t)acc->image_format_constraints_count *
                         p->image_format_constraints_count, MAX_IFC));
    for (i = 0; i < acc->image_format_constraints_count; i++) {
        for (j = 0; j < p->image_format_constraints_count; j++) {
            const Ifc *a = &acc->image_format_constraints[i];
            const Ifc *b = &p->image_format_constraints[j];
            bool dup = false;

            if (!pair_matches(a, b)) {
                continue;
            }
            if (n == MAX_IFC) {
                g_free(res);
                return fail(why, "more than %d combined pixel format entries",
                            MAX_IFC);
            }
            res[n] = *a;
            if (!merge_ifc(&res[n], a, b)) {
                continue;
            }
            for (k = 0; k < n && !dup; k++) {
                dup = res[k].pixel_format == res[n].pixel_format &&
                      res[k].pixel_format_modifier ==
                          res[n].pixel_format_modifier;
            }
            if (!dup) {
                n++;
            }
        }
    }
    if (!n) {
        g_free(res);
        return fail(why, "all pixel_format(s) eliminated");
    }
    memcpy(acc->image_format_constraints, res, n * sizeof(Ifc));
    acc->image_format_constraints_count = n;
    g_free(res);
    return 0;
}

static bool heap_equal(const sysmem2_heap_t *a, const sysmem2_heap_t *b)
{
    return a->id == b->id && !strcmp(a->heap_type, b->heap_type);
}

sysmem2_error_t sysmem_constraints_combine(SysmemConstraints *acc,
                                           bool *have_acc,
                                           const SysmemConstraints *p,
                                           GString *why)
{
    sysmem2_buffer_memory_constraints_t *am = &acc->buffer_memory_constraints;
    const sysmem2_buffer_memory_constraints_t *pm = &p->buffer_memory_constraints;
    uint64_t sum;

    if (!*have_acc) {
        constraints_copy(acc, p);
        *have_acc = true;
        return 0;
    }
    acc->usage.none |= p->usage.none;
    acc->usage.cpu |= p->usage.cpu;
    acc->usage.vulkan |= p->usage.vulkan;
    acc->usage.display |= p->usage.display;
    acc->usage.video |= p->usage.video;
    sum = (uint64_t)acc->min_buffer_count_for_camping +
          p->min_buffer_count_for_camping;
    acc->min_buffer_count_for_camping = MIN(sum, UINT32_MAX);
    sum = (uint64_t)acc->min_buffer_count_for_dedicated_slack +
          p->min_buffer_count_for_dedicated_slack;
    acc->min_buffer_count_for_dedicated_slack = MIN(sum, UINT32_MAX);
    acc->min_buffer_count_for_shared_slack =
        MAX(acc->min_buffer_count_for_shared_slack,
            p->min_buffer_count_for_shared_slack);
    acc->min_buffer_count = MAX(acc->min_buffer_count, p->min_buffer_count);
    acc->max_buffer_count = MIN(acc->max_buffer_count, p->max_buffer_count);

    am->min_size_bytes = MAX(am->min_size_bytes, pm->min_size_bytes);
    am->max_size_bytes = MIN(am->max_size_bytes, pm->max_size_bytes);
    am->physically_contiguous_required |= pm->physically_contiguous_required;
    am->min_physical_base_alignment = MAX(am->min_physical_base_alignment,
                                          pm->min_physical_base_alignment);
    am->secure_required |= pm->secure_required;
    am->cpu_domain_supported &= pm->cpu_domain_supported;
    am->ram_domain_supported &= pm->ram_domain_supported;
    am->inaccessible_domain_supported &= pm->inaccessible_domain_supported;
    if (pm->has_permitted_heaps) {
        if (!am->has_permitted_heaps) {
            am->has_permitted_heaps = true;
            am->permitted_heaps_count = pm->permitted_heaps_count;
            memcpy(am->permitted_heaps, pm->permitted_heaps,
                   pm->permitted_heaps_count * sizeof(sysmem2_heap_t));
        } else {
            uint32_t i, j, n = 0;

            for (i = 0; i < am->permitted_heaps_count; i++) {
                bool found = false;

                for (j = 0; j < pm->permitted_heaps_count && !found; j++) {
                    found = heap_equal(&am->permitted_heaps[i],
                                       &pm->permitted_heaps[j]);
                }
                if (found) {
                    am->permitted_heaps[n++] = am->permitted_heaps[i];
                }
            }
            am->permitted_heaps_count = n;
            if (!n) {
                return fail(why, "permitted_heaps intersection empty");
            }
        }
    }
    return combine_images(acc, p, why);
}

/* ------------------------------------------------------------------ */
/* Finish (aggregated stage)                                            */

/*
 * Fuchsia sanitizes the aggregate once more: size_alignment becomes a
 * floor of min_size (so an entry without min_size still reports one), and
 * min_bytes_per_row follows from that width under the combined divisor.
 * Only here, not per participant: whether a participant implies a size is
 * judged on the min_size it sent.  False on overflow.
 */
static bool aggregate_sizes(Ifc *f)
{
    f->min_size.width = MAX(f->min_size.width, f->size_alignment.width);
    f->min_size.height = MAX(f->min_size.height, f->size_alignment.height);
    return fold_alignment(f);
}

sysmem2_error_t sysmem_constraints_finish(SysmemConstraints *acc, GString *why)
{
    uint32_t i, n = 0, before = acc->image_format_constraints_count;
    const sysmem2_buffer_usage_t *u = &acc->usage;

    if (sysmem_usage_is_none_only(u)) {
        return fail(why, "aggregated usage has only none bits");
    }
    if (acc->buffer_memory_constraints.min_size_bytes >
        acc->buffer_memory_constraints.max_size_bytes) {
        return fail(why, "aggregated min_size_bytes > max_size_bytes");
    }
    if (acc->min_buffer_count > acc->max_buffer_count) {
        return fail(why, "aggregated min_buffer_count > max_buffer_count");
    }
    for (i = 0; i < before; i++) {
        Ifc *f = &acc->image_format_constraints[i];
        images2_color_space_t best = IMAGES2_COLOR_SPACE_INVALID;
        uint32_t j;

        if (!fully_specified(f)) {
            continue;
        }
        if (f->color_spaces_count == 1 &&
            f->color_spaces[0] == IMAGES2_COLOR_SPACE_DO_NOT_CARE) {
            continue;
        }
        if (!aggregate_sizes(f)) {
            continue;
        }
        if (f->min_size.width > f->max_size.width ||
            f->min_size.height > f->max_size.height ||
            f->min_bytes_per_row > f->max_bytes_per_row) {
            continue;
        }
        if (f->required_max_size.width && f->required_max_size.height) {
            if (f->required_max_size_list_count == MAX_RMSL) {
                dedupe_size_list(f);
            }
            if (f->required_max_size_list_count < MAX_RMSL) {
                f->required_max_size_list[f->required_max_size_list_count++] =
                    f->required_max_size;
            }
        }
        dedupe_size_list(f);
        for (j = 0; j < f->color_spaces_count; j++) {
            if (best == IMAGES2_COLOR_SPACE_INVALID ||
                sysmem_color_space_rank(f->color_spaces[j]) <
                    sysmem_color_space_rank(best)) {
                best = f->color_spaces[j];
            }
        }
        f->color_spaces[0] = best;
        f->color_spaces_count = 1;
        if (n != i) {
            acc->image_format_constraints[n] = *f;
        }
        n++;
    }
    acc->image_format_constraints_count = n;
    if (before && !n) {
        return fail(why, "no fully specified pixel format left");
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Choose                                                               */

static uint32_t format_cost(const Ifc *f)
{
    switch (f->pixel_format) {
    case IMAGES2_PIXEL_FORMAT_R8G8B8A8:
    case IMAGES2_PIXEL_FORMAT_B8G8R8A8:
    case IMAGES2_PIXEL_FORMAT_R8G8B8X8:
    case IMAGES2_PIXEL_FORMAT_B8G8R8X8:
        switch (f->pixel_format_modifier) {
        case IMAGES2_FORMAT_MODIFIER_INTEL_I915_YF_TILED_CCS:
            return 500;
        case IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED_CCS:
            return 600;
        case IMAGES2_FORMAT_MODIFIER_INTEL_I915_YF_TILED:
            return 1000;
        case IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED:
            return 2000;
        case IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED:
            return 3000;
        }
        break;
    }
    return UINT32_MAX;
}

static bool ifc_better(const Ifc *a, const Ifc *b)
{
    uint32_t ca = format_cost(a), cb = format_cost(b);

    if (ca != cb) {
        return ca < cb;
    }
    if (a->pixel_format != b->pixel_format) {
        return a->pixel_format < b->pixel_format;
    }
    return a->pixel_format_modifier < b->pixel_format_modifier;
}

static bool heap_is(const sysmem2_heap_t *h, const SysmemHeapDesc *d)
{
    return !strcmp(h->heap_type, d->heap_type) && h->id == d->id;
}

static const SysmemHeapDesc *choose_heap(const SysmemAllocEnv *env,
                                         const SysmemConstraints *acc,
                                         GString *why)
{
    const sysmem2_buffer_memory_constraints_t *m = &acc->buffer_memory_constraints;
    const SysmemHeapDesc *best = NULL;
    unsigned i;
    uint32_t j;

    for (i = 0; i < env->nheaps; i++) {
        const SysmemHeapDesc *d = &env->heaps[i];
        bool permitted = !m->has_permitted_heaps;

        for (j = 0; m->has_permitted_heaps && j < m->permitted_heaps_count; j++) {
            permitted |= heap_is(&m->permitted_heaps[j], d);
        }
        if (!permitted || d->secure != m->secure_required) {
            continue;
        }
        if (!((d->cpu_domain && m->cpu_domain_supported) ||
              (d->ram_domain && m->ram_domain_supported) ||
              (d->inaccessible_domain && m->inaccessible_domain_supported))) {
            continue;
        }
        if (m->secure_required) {
            /* The secure heap with the alphabetically smallest type. */
            if (!best || strcmp(d->heap_type, best->heap_type) < 0) {
                best = d;
            }
        } else if (!strcmp(d->heap_type, SYSMEM2_HEAP_TYPE_SYSTEM_RAM) &&
                   !d->id) {
            return d;
        } else if (!best) {
            best = d;
        }
    }
    if (!best) {
        fail(why, "no permitted heap supports the constraints%s",
             m->secure_required ? " (secure)" : "");
    }
    return best;
}

static uint64_t round_up64(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

sysmem2_error_t sysmem_constraints_choose(const SysmemAllocEnv *env,
                                          const SysmemConstraints *acc,
                                          sysmem2_single_buffer_settings_t *out,
                                          uint32_t *buffer_count,
                                          GString *why)
{
    const sysmem2_buffer_memory_constraints_t *m = &acc->buffer_memory_constraints;
    sysmem2_buffer_memory_settings_t *bs = &out->buffer_settings;
    const SysmemHeapDesc *heap;
    uint64_t count, size = m->min_size_bytes, raw, pad = 0;
    const Ifc *best = NULL;
    uint32_t i;

    memset(out, 0, sizeof(*out));
    count = (uint64_t)acc->min_buffer_count_for_camping +
            acc->min_buffer_count_for_dedicated_slack +
            acc->min_buffer_count_for_shared_slack;
    count = MAX(count, acc->min_buffer_count);
    if (!count) {
        return fail(why, "buffer count 0");
    }
    if (count > acc->max_buffer_count) {
        return fail(why, "buffer count %" G_GUINT64_FORMAT " > max_buffer_count %u",
                    count, acc->max_buffer_count);
    }
    if (count > SYSMEM_MAX_BUFFERS) {
        return fail(why, "buffer count %" G_GUINT64_FORMAT " > %d", count,
                    SYSMEM_MAX_BUFFERS);
    }
    heap = choose_heap(env, acc, why);
    if (!heap) {
        return SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY;
    }
    bs->has_is_physically_contiguous = true;
    bs->is_physically_contiguous = m->physically_contiguous_required;
    bs->has_is_secure = true;
    bs->is_secure = m->secure_required;
    bs->has_coherency_domain = true;
    if (acc->usage.display && m->ram_domain_supported && heap->ram_domain) {
        bs->coherency_domain = SYSMEM2_COHERENCY_DOMAIN_RAM;
    } else if (m->cpu_domain_supported && heap->cpu_domain) {
        bs->coherency_domain = SYSMEM2_COHERENCY_DOMAIN_CPU;
    } else if (m->ram_domain_supported && heap->ram_domain) {
        bs->coherency_domain = SYSMEM2_COHERENCY_DOMAIN_RAM;
    } else if (m->inaccessible_domain_supported && heap->inaccessible_domain) {
        bs->coherency_domain = SYSMEM2_COHERENCY_DOMAIN_INACCESSIBLE;
    } else {
        return fail(why, "no coherency domain supported by all participants "
                    "and heap %s", heap->heap_type);
    }
    bs->has_heap = true;
    bs->heap.has_heap_type = true;
    bs->heap.heap_type_len = MIN(strlen(heap->heap_type),
                                 SYSMEM2_MAX_HEAP_TYPE_LENGTH);
    memcpy(bs->heap.heap_type, heap->heap_type, bs->heap.heap_type_len);
    bs->heap.heap_type[bs->heap.heap_type_len] = 0;
    bs->heap.has_id = true;
    bs->heap.id = heap->id;

    for (i = 0; i < acc->image_format_constraints_count; i++) {
        const Ifc *f = &acc->image_format_constraints[i];

        if (m->secure_required &&
            sysmem_format_needs_cpu_access(f->pixel_format_modifier)) {
            continue;
        }
        if (!best || ifc_better(f, best)) {
            best = f;
        }
    }
    if (acc->image_format_constraints_count && !best) {
        return fail(why, "no pixel format usable with secure memory");
    }
    if (best) {
        images2_size_u_t zero = { 0, 0 };
        uint32_t nsizes = MAX(best->required_max_size_list_count, 1);

        for (i = 0; i < nsizes; i++) {
            const images2_size_u_t *e = best->required_max_size_list_count ?
                &best->required_max_size_list[i] : &zero;
            uint64_t w, h, bpr, img;

            w = round_up64(MAX(best->min_size.width, e->width),
                           best->size_alignment.width);
            h = round_up64(MAX(best->min_size.height, e->height),
                           best->size_alignment.height);
            if (w > best->max_size.width || h > best->max_size.height) {
                return fail(why, "%s: %" G_GUINT64_FORMAT "x%" G_GUINT64_FORMAT
                            " exceeds max_size",
                            sysmem_pixel_format_name(best->pixel_format), w, h);
            }
            bpr = round_up64(MAX(w * sysmem_format_bytes_per_pixel(best->pixel_format),
                                 best->min_bytes_per_row),
                             best->bytes_per_row_divisor);
            if (bpr > best->max_bytes_per_row) {
                return fail(why, "%s: bytes_per_row %" G_GUINT64_FORMAT
                            " > max_bytes_per_row %u",
                            sysmem_pixel_format_name(best->pixel_format), bpr,
                            best->max_bytes_per_row);
            }
            if (w * h > best->max_width_times_height) {
                return fail(why, "width*height > max_width_times_height");
            }
            img = sysmem_image_size(best->pixel_format,
                                    best->pixel_format_modifier, w, h, bpr);
            if (!img && w && h) {
                return fail(why, "image size overflow");
            }
            if (best->pad_for_block_size.height > 1 && bpr) {
                uint64_t ph = round_up64(h, best->pad_for_block_size.height);
                pad = MAX(pad, (ph - h) * bpr);
            }
            size = MAX(size, img);
        }
        out->has_image_format_constraints = true;
        out->image_format_constraints = *best;
        if (!sysmem_format_has_alpha(best->pixel_format)) {
            /* No A or X channel: the result does not carry the field. */
            out->image_format_constraints.has_is_alpha_present = false;
            out->image_format_constraints.is_alpha_present = false;
        }
    }
    if (!size) {
        return fail(why, "buffer size 0 (too unconstrained)");
    }
    if (size > m->max_size_bytes) {
        return fail(why, "size %" G_GUINT64_FORMAT " > max_size_bytes %"
                    G_GUINT64_FORMAT, size, m->max_size_bytes);
    }
    if (best) {
        pad += best->pad_beyond_image_size_bytes;
    }
    raw = round_up64(size + pad, env->page_size);
    if (raw < size || size > env->max_buffer_size ||
        count * raw > SYSMEM_MAX_COLLECTION_BYTES) {
        if (why) {
            g_string_append_printf(why, "%s%" G_GUINT64_FORMAT " buffers of %"
                                   G_GUINT64_FORMAT " bytes exceed the limits",
                                   why->len ? "; " : "", count, raw);
        }
        return SYSMEM2_ERROR_NO_MEMORY;
    }
    bs->has_size_bytes = true;
    bs->size_bytes = size;
    bs->has_raw_vmo_size = true;
    bs->raw_vmo_size = raw;
    out->has_buffer_settings = true;
    *buffer_count = count;
    return 0;
}

void sysmem_constraints_pin(const sysmem2_single_buffer_settings_t *s,
                            uint32_t buffer_count, SysmemConstraints *out)
{
    const sysmem2_buffer_memory_settings_t *bs = &s->buffer_settings;
    sysmem2_buffer_memory_constraints_t *m = &out->buffer_memory_constraints;

    memset(out, 0, sizeof(*out));
    out->has_usage = true;
    out->usage.has_none = true;
    out->usage.none = SYSMEM2_NONE_USAGE;
    out->has_min_buffer_count = true;
    out->min_buffer_count = buffer_count;
    out->has_max_buffer_count = true;
    out->max_buffer_count = buffer_count;
    out->has_buffer_memory_constraints = true;
    m->has_min_size_bytes = m->has_max_size_bytes = true;
    m->min_size_bytes = m->max_size_bytes = bs->size_bytes;
    m->has_physically_contiguous_required = true;
    m->physically_contiguous_required = bs->is_physically_contiguous;
    m->has_secure_required = true;
    m->secure_required = bs->is_secure;
    m->has_cpu_domain_supported = m->has_ram_domain_supported =
        m->has_inaccessible_domain_supported = true;
    m->cpu_domain_supported = bs->coherency_domain == SYSMEM2_COHERENCY_DOMAIN_CPU;
    m->ram_domain_supported = bs->coherency_domain == SYSMEM2_COHERENCY_DOMAIN_RAM;
    m->inaccessible_domain_supported =
        bs->coherency_domain == SYSMEM2_COHERENCY_DOMAIN_INACCESSIBLE;
    m->has_permitted_heaps = true;
    m->permitted_heaps_count = 1;
    m->permitted_heaps[0] = bs->heap;
    if (s->has_image_format_constraints) {
        out->has_image_format_constraints = true;
        out->image_format_constraints_count = 1;
        out->image_format_constraints[0] = s->image_format_constraints;
    }
}

bool sysmem_settings_equal(const sysmem2_single_buffer_settings_t *a,
                           const sysmem2_single_buffer_settings_t *b)
{
    const sysmem2_buffer_memory_settings_t *x = &a->buffer_settings;
    const sysmem2_buffer_memory_settings_t *y = &b->buffer_settings;
    const Ifc *f = &a->image_format_constraints, *g = &b->image_format_constraints;

    if (x->size_bytes != y->size_bytes || x->raw_vmo_size != y->raw_vmo_size ||
        x->is_physically_contiguous != y->is_physically_contiguous ||
        x->is_secure != y->is_secure ||
        x->coherency_domain != y->coherency_domain ||
        !heap_equal(&x->heap, &y->heap) ||
        a->has_image_format_constraints != b->has_image_format_constraints) {
        return false;
    }
    if (!a->has_image_format_constraints) {
        return true;
    }
    return f->pixel_format == g->pixel_format &&
           f->pixel_format_modifier == g->pixel_format_modifier &&
           f->color_spaces_count == g->color_spaces_count &&
           f->color_spaces[0] == g->color_spaces[0] &&
           f->min_size.width == g->min_size.width &&
           f->min_size.height == g->min_size.height &&
           f->min_bytes_per_row == g->min_bytes_per_row &&
           f->bytes_per_row_divisor == g->bytes_per_row_divisor &&
           f->size_alignment.width == g->size_alignment.width &&
           f->size_alignment.height == g->size_alignment.height;
}

/* ------------------------------------------------------------------ */
/* Names                                                                */

/* The names live with the codec (sysmem/status.h), shared with the guest. */
const char *sysmem_error_name(sysmem2_error_t err)
{
    const char *name = sysmem2_error_name(err);

    return name ? name : "UNKNOWN";
}

bool sysmem_error_from_name(const char *name, sysmem2_error_t *err)
{
    return sysmem2_error_from_name(name, err);
}

const char *sysmem_coherency_domain_name(sysmem2_coherency_domain_t d)
{
    return sysmem2_coherency_domain_name(d);
}
