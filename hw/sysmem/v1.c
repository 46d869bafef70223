/*
 * fuchsia.sysmem (v1) <-> the v2 model, as Fuchsia's sysmem-version does:
 * v1 constraints become v2 tables (0 means "unset"), v2 settings become the
 * v1 structs of BufferCollectionInfo_2.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "hw/sysmem/core-internal.h"

#define V1_GOLDFISH_OPTIMAL SYSMEM1_FORMAT_MODIFIER_GOOGLE_GOLDFISH_OPTIMAL

static const struct {
    uint64_t v1;
    const char *v2;
} heap_names[] = {
    { SYSMEM1_HEAP_TYPE_SYSTEM_RAM, SYSMEM2_HEAP_TYPE_SYSTEM_RAM },
    { SYSMEM1_HEAP_TYPE_FRAMEBUFFER, SYSMEM2_HEAP_TYPE_FRAMEBUFFER },
    { SYSMEM1_HEAP_TYPE_AMLOGIC_SECURE,
      "fuchsia.amlogic.platform.sysmem.heap.HEAP_TYPE.SECURE" },
    { SYSMEM1_HEAP_TYPE_AMLOGIC_SECURE_VDEC,
      "fuchsia.amlogic.platform.sysmem.heap.HEAP_TYPE.SECURE_VDEC" },
    { SYSMEM1_HEAP_TYPE_GOLDFISH_DEVICE_LOCAL,
      "fuchsia.goldfish.platform.sysmem.heap.HEAP_TYPE.DEVICE_LOCAL" },
    { SYSMEM1_HEAP_TYPE_GOLDFISH_HOST_VISIBLE,
      "fuchsia.goldfish.platform.sysmem.heap.HEAP_TYPE.HOST_VISIBLE" },
};

static void set_heap(sysmem2_heap_t *h, const char *type)
{
    h->has_heap_type = true;
    h->heap_type_len = MIN(strlen(type), SYSMEM2_MAX_HEAP_TYPE_LENGTH);
    memcpy(h->heap_type, type, h->heap_type_len);
    h->heap_type[h->heap_type_len] = 0;
    h->has_id = true;
    h->id = 0;
}

static uint64_t modifier_v1_to_v2(uint64_t m)
{
    return m == V1_GOLDFISH_OPTIMAL ?
           IMAGES2_FORMAT_MODIFIER_GOOGLE_GOLDFISH_OPTIMAL : m;
}

static uint64_t modifier_v2_to_v1(uint64_t m)
{
    return m == IMAGES2_FORMAT_MODIFIER_GOOGLE_GOLDFISH_OPTIMAL ?
           V1_GOLDFISH_OPTIMAL : m;
}

#define V1_SET(dst, field, val) \
    do { \
        if (val) { \
            (dst)->has_##field = true; \
            (dst)->field = (val); \
        } \
    } while (0)

static sysmem2_error_t ifc_v1_to_v2(const sysmem1_image_format_constraints_t *in,
                                    sysmem2_image_format_constraints_t *out,
                                    GString *why)
{
    uint32_t i;

    memset(out, 0, sizeof(*out));
    out->has_pixel_format = true;
    out->pixel_format = in->pixel_format.type;
    if (in->pixel_format.has_format_modifier) {
        out->has_pixel_format_modifier = true;
        out->pixel_format_modifier =
            modifier_v1_to_v2(in->pixel_format.format_modifier.value);
    }
    if (in->color_spaces_count > SYSMEM1_MAX_COUNT_IMAGE_FORMAT_CONSTRAINTS_COLOR_SPACES) {
        g_string_append(why, "v1 color_spaces_count too large");
        return SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY;
    }
    out->has_color_spaces = true;
    out->color_spaces_count = in->color_spaces_count;
    for (i = 0; i < in->color_spaces_count; i++) {
        out->color_spaces[i] = in->color_space[i].type;
    }
    if (in->min_coded_width || in->min_coded_height) {
        out->has_min_size = true;
        out->min_size.width = in->min_coded_width;
        out->min_size.height = in->min_coded_height;
    }
    if (in->max_coded_width || in->max_coded_height) {
        out->has_max_size = true;
        out->max_size.width = in->max_coded_width ?: UINT32_MAX;
        out->max_size.height = in->max_coded_height ?: UINT32_MAX;
    }
    V1_SET(out, min_bytes_per_row, in->min_bytes_per_row);
    V1_SET(out, max_bytes_per_row, in->max_bytes_per_row);
    if (in->max_coded_width_times_coded_height &&
        in->max_coded_width_times_coded_height != UINT32_MAX) {
        out->has_max_width_times_height = true;
        out->max_width_times_height = in->max_coded_width_times_coded_height;
    }
    if (in->layers > 1) {
        g_string_append(why, "v1 layers > 1");
        return SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY;
    }
    if (in->coded_width_divisor || in->coded_height_divisor) {
        out->has_size_alignment = true;
        out->size_alignment.width = in->coded_width_divisor ?: 1;
        out->size_alignment.height = in->coded_height_divisor ?: 1;
    }
    if (in->display_width_divisor || in->display_height_divisor) {
        out->has_display_rect_alignment = true;
        out->display_rect_alignment.width = in->display_width_divisor ?: 1;
        out->display_rect_alignment.height = in->display_height_divisor ?: 1;
    }
    V1_SET(out, bytes_per_row_divisor, in->bytes_per_row_divisor);
    V1_SET(out, start_offset_divisor, in->start_offset_divisor);
    if (!!in->required_min_coded_width != !!in->required_min_coded_height ||
        !!in->required_max_coded_width != !!in->required_max_coded_height) {
        g_string_append(why, "v1 required_*_coded_width/height must be set "
                        "together");
        return SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY;
    }
    if (in->required_min_coded_width) {
        out->has_required_min_size = true;
        out->required_min_size.width = in->required_min_coded_width;
        out->required_min_size.height = in->required_min_coded_height;
    }
    if (in->required_max_coded_width) {
        out->has_required_max_size = true;
        out->required_max_size.width = in->required_max_coded_width;
        out->required_max_size.height = in->required_max_coded_height;
    }
    return 0;
}

sysmem2_error_t sysmem_v1_constraints_to_v2(
    const sysmem1_buffer_collection_constraints_t *in, bool has_constraints,
    SysmemConstraints *out, GString *why)
{
    const sysmem1_buffer_memory_constraints_t *im = &in->buffer_memory_constraints;
    sysmem2_buffer_memory_constraints_t *om = &out->buffer_memory_constraints;
    sysmem2_buffer_usage_t *u = &out->usage;
    uint32_t i, j;
    sysmem2_error_t err;

    memset(out, 0, sizeof(*out));
    if (!has_constraints) {
        return 0;
    }
    out->has_usage = true;
    V1_SET(u, none, in->usage.none);
    V1_SET(u, cpu, in->usage.cpu);
    V1_SET(u, vulkan, in->usage.vulkan);
    V1_SET(u, display, in->usage.display);
    V1_SET(u, video, in->usage.video);
    V1_SET(out, min_buffer_count_for_camping, in->min_buffer_count_for_camping);
    V1_SET(out, min_buffer_count_for_dedicated_slack,
           in->min_buffer_count_for_dedicated_slack);
    V1_SET(out, min_buffer_count_for_shared_slack,
           in->min_buffer_count_for_shared_slack);
    V1_SET(out, min_buffer_count, in->min_buffer_count);
    V1_SET(out, max_buffer_count, in->max_buffer_count);
    if (in->has_buffer_memory_constraints) {
        out->has_buffer_memory_constraints = true;
        V1_SET(om, min_size_bytes, (uint64_t)im->min_size_bytes);
        V1_SET(om, max_size_bytes, (uint64_t)im->max_size_bytes);
        om->has_physically_contiguous_required = true;
        om->physically_contiguous_required = im->physically_contiguous_required;
        om->has_secure_required = true;
        om->secure_required = im->secure_required;
        om->has_cpu_domain_supported = true;
        om->cpu_domain_supported = im->cpu_domain_supported;
        om->has_ram_domain_supported = true;
        om->ram_domain_supported = im->ram_domain_supported;
        om->has_inaccessible_domain_supported = true;
        om->inaccessible_domain_supported = im->inaccessible_domain_supported;
        if (im->heap_permitted_count >
            SYSMEM1_MAX_COUNT_BUFFER_MEMORY_CONSTRAINTS_HEAP_PERMITTED) {
            g_string_append(why, "v1 heap_permitted_count too large");
            return SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY;
        }
        if (im->heap_permitted_count) {
            om->has_permitted_heaps = true;
            for (i = 0; i < im->heap_permitted_count; i++) {
                const char *name = NULL;

                for (j = 0; j < G_N_ELEMENTS(heap_names); j++) {
                    if (heap_names[j].v1 == im->heap_permitted[i]) {
                        name = heap_names[j].v2;
                    }
                }
                if (!name) {
                    g_string_append(why, "unknown v1 heap");
                    return SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY;
                }
                set_heap(&om->permitted_heaps[om->permitted_heaps_count++],
                         name);
            }
        }
    }
    if (in->image_format_constraints_count >
        SYSMEM1_MAX_COUNT_BUFFER_COLLECTION_CONSTRAINTS_IMAGE_FORMAT_CONSTRAINTS) {
        g_string_append(why, "v1 image_format_constraints_count too large");
        return SYSMEM2_ERROR_CONSTRAINTS_INTERSECTION_EMPTY;
    }
    if (in->image_format_constraints_count) {
        out->has_image_format_constraints = true;
        out->image_format_constraints_count = in->image_format_constraints_count;
        for (i = 0; i < in->image_format_constraints_count; i++) {
            err = ifc_v1_to_v2(&in->image_format_constraints[i],
                               &out->image_format_constraints[i], why);
            if (err) {
                return err;
            }
        }
    }
    return 0;
}

static uint32_t clamp32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : v;
}

void sysmem_v1_info_from_v2(const sysmem2_single_buffer_settings_t *s,
                            sysmem1_single_buffer_settings_t *out)
{
    const sysmem2_buffer_memory_settings_t *bs = &s->buffer_settings;
    const sysmem2_image_format_constraints_t *f = &s->image_format_constraints;
    sysmem1_image_format_constraints_t *o = &out->image_format_constraints;
    uint32_t i;

    memset(out, 0, sizeof(*out));
    out->buffer_settings.size_bytes = clamp32(bs->size_bytes);
    out->buffer_settings.is_physically_contiguous = bs->is_physically_contiguous;
    out->buffer_settings.is_secure = bs->is_secure;
    out->buffer_settings.coherency_domain = bs->coherency_domain;
    out->buffer_settings.heap = SYSMEM1_HEAP_TYPE_SYSTEM_RAM;
    for (i = 0; i < G_N_ELEMENTS(heap_names); i++) {
        if (!strcmp(heap_names[i].v2, bs->heap.heap_type)) {
            out->buffer_settings.heap = heap_names[i].v1;
        }
    }
    if (!s->has_image_format_constraints) {
        return;
    }
    out->has_image_format_constraints = true;
    o->pixel_format.type = f->pixel_format;
    o->pixel_format.has_format_modifier = true;
    o->pixel_format.format_modifier.value =
        modifier_v2_to_v1(f->pixel_format_modifier);
    o->color_spaces_count = MIN(f->color_spaces_count,
                                SYSMEM1_MAX_COUNT_IMAGE_FORMAT_CONSTRAINTS_COLOR_SPACES);
    for (i = 0; i < o->color_spaces_count; i++) {
        o->color_space[i].type = f->color_spaces[i];
    }
    o->min_coded_width = f->min_size.width;
    o->max_coded_width = f->max_size.width;
    o->min_coded_height = f->min_size.height;
    o->max_coded_height = f->max_size.height;
    o->min_bytes_per_row = f->min_bytes_per_row;
    o->max_bytes_per_row = f->max_bytes_per_row;
    o->max_coded_width_times_coded_height = clamp32(f->max_width_times_height);
    o->layers = 1;
    o->coded_width_divisor = f->size_alignment.width;
    o->coded_height_divisor = f->size_alignment.height;
    o->bytes_per_row_divisor = f->bytes_per_row_divisor;
    o->start_offset_divisor = f->start_offset_divisor;
    o->display_width_divisor = f->display_rect_alignment.width;
    o->display_height_divisor = f->display_rect_alignment.height;
    if (f->required_min_size.width != UINT32_MAX) {
        o->required_min_coded_width = f->required_min_size.width;
        o->required_min_coded_height = f->required_min_size.height;
    }
    o->required_max_coded_width = f->required_max_size.width;
    o->required_max_coded_height = f->required_max_size.height;
}

int32_t sysmem_v1_status_from_error(sysmem2_error_t err)
{
    return sysmem_error_to_status(err);
}
