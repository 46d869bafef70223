/*
 * libFuzzer target for the sysmem core: the input is a program of
 * operations (connect, structured requests with fuzzed constraints, raw
 * messages with fuzzed bodies and handles, peer closes, buffer releases)
 * run against one core instance.  Afterwards every object is closed and
 * the core must hold no buffer, no region byte and no collection.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "tools/vsysmem-negotiate-host.h"
#include "hw/sysmem/constraints.h"

typedef struct Input {
    const uint8_t *p;
    size_t n;
} Input;

static uint8_t u8(Input *in)
{
    uint8_t v = 0;

    if (in->n) {
        v = *in->p++;
        in->n--;
    }
    return v;
}

static uint32_t u16(Input *in)
{
    return u8(in) | (uint32_t)u8(in) << 8;
}

typedef struct Ids {
    uint32_t v[64];
    unsigned n;
} Ids;

static void ids_add(Ids *ids, uint32_t id)
{
    ids->v[ids->n++ % 64] = id;
}

static uint32_t ids_pick(Ids *ids, Input *in)
{
    if (!ids->n) {
        return 1 + u8(in) % 8;
    }
    return ids->v[u8(in) % MIN(ids->n, 64)];
}

static const uint32_t formats[] = {
    IMAGES2_PIXEL_FORMAT_NV12, IMAGES2_PIXEL_FORMAT_R8G8B8A8,
    IMAGES2_PIXEL_FORMAT_B8G8R8A8, IMAGES2_PIXEL_FORMAT_I420,
    IMAGES2_PIXEL_FORMAT_YUY2, IMAGES2_PIXEL_FORMAT_DO_NOT_CARE,
    IMAGES2_PIXEL_FORMAT_L8, 12345,
};
static const uint32_t spaces[] = {
    IMAGES2_COLOR_SPACE_REC709, IMAGES2_COLOR_SPACE_SRGB,
    IMAGES2_COLOR_SPACE_DO_NOT_CARE, IMAGES2_COLOR_SPACE_PASSTHROUGH, 77,
};
static const uint64_t modifiers[] = {
    IMAGES2_FORMAT_MODIFIER_LINEAR, IMAGES2_FORMAT_MODIFIER_DO_NOT_CARE,
    IMAGES2_FORMAT_MODIFIER_INTEL_I915_X_TILED,
    IMAGES2_FORMAT_MODIFIER_INTEL_I915_Y_TILED_CCS, 0x42,
};

static void fuzz_constraints(Input *in, SysmemConstraints *c)
{
    uint8_t flags = u8(in);
    unsigned i, nf;

    memset(c, 0, sizeof(*c));
    if (flags & 1) {
        c->has_usage = true;
        c->usage.has_cpu = !!(flags & 2);
        c->usage.cpu = u8(in) & 0xf;
        c->usage.has_none = !!(flags & 4);
        c->usage.none = u8(in) & 1;
        c->usage.has_display = !!(flags & 8);
        c->usage.display = 1;
    }
    c->has_min_buffer_count_for_camping = true;
    c->min_buffer_count_for_camping = u8(in) % 8;
    if (flags & 0x10) {
        c->has_max_buffer_count = true;
        c->max_buffer_count = u8(in) % 16;
        c->has_min_buffer_count = true;
        c->min_buffer_count = u8(in) % 16;
    }
    if (flags & 0x20) {
        sysmem2_buffer_memory_constraints_t *m = &c->buffer_memory_constraints;

        c->has_buffer_memory_constraints = true;
        m->has_min_size_bytes = true;
        m->min_size_bytes = (uint64_t)u16(in) * 64;
        if (u8(in) & 1) {
            m->has_max_size_bytes = true;
            m->max_size_bytes = (uint64_t)u16(in) * 128;
        }
        m->has_secure_required = !!(u8(in) & 1);
        m->secure_required = m->has_secure_required;
        m->has_cpu_domain_supported = true;
        m->cpu_domain_supported = u8(in) & 1;
        m->has_ram_domain_supported = true;
        m->ram_domain_supported = u8(in) & 1;
        m->has_inaccessible_domain_supported = true;
        m->inaccessible_domain_supported = u8(in) & 1;
        if (u8(in) & 1) {
            m->has_permitted_heaps = true;
            m->permitted_heaps_count = u8(in) % 3;
            for (i = 0; i < m->permitted_heaps_count; i++) {
                const char *name = (u8(in) & 1) ? SYSMEM2_HEAP_TYPE_SYSTEM_RAM :
                                   "virtio.sysmem.heap.HEAP_TYPE.SECURE";
                m->permitted_heaps[i].has_heap_type = true;
                m->permitted_heaps[i].heap_type_len = strlen(name);
                strcpy(m->permitted_heaps[i].heap_type, name);
            }
        }
    }
    nf = (flags & 0x40) ? u8(in) % 4 : 0;
    c->has_image_format_constraints = nf > 0;
    c->image_format_constraints_count = nf;
    for (i = 0; i < nf; i++) {
        sysmem2_image_format_constraints_t *f = &c->image_format_constraints[i];
        uint8_t ff = u8(in);

        f->has_pixel_format = !!(ff & 1);
        f->pixel_format = formats[u8(in) % G_N_ELEMENTS(formats)];
        f->has_pixel_format_modifier = !!(ff & 2);
        f->pixel_format_modifier = modifiers[u8(in) % G_N_ELEMENTS(modifiers)];
        f->has_color_spaces = !!(ff & 4);
        f->color_spaces_count = 1 + (u8(in) & 1);
        f->color_spaces[0] = spaces[u8(in) % G_N_ELEMENTS(spaces)];
        f->color_spaces[1] = spaces[u8(in) % G_N_ELEMENTS(spaces)];
        f->has_min_size = !!(ff & 8);
        f->min_size.width = u16(in) % 2048;
        f->min_size.height = u16(in) % 2048;
        if (ff & 0x10) {
            f->has_max_size = true;
            f->max_size.width = u16(in);
            f->max_size.height = u16(in);
        }
        if (ff & 0x20) {
            f->has_bytes_per_row_divisor = true;
            f->bytes_per_row_divisor = u8(in);
            f->has_size_alignment = true;
            f->size_alignment.width = u8(in) % 9;
            f->size_alignment.height = 1 << (u8(in) % 4);
        }
        if (ff & 0x40) {
            f->has_required_max_size_list = true;
            f->required_max_size_list_count = u8(in) % 3;
            f->required_max_size_list[0].width = u16(in) % 4096;
            f->required_max_size_list[0].height = u16(in) % 4096;
            f->required_max_size_list[1] = f->required_max_size_list[0];
        }
        if (ff & 0x80) {
            f->has_pixel_format_and_modifiers = true;
            f->pixel_format_and_modifiers_count = 1;
            f->pixel_format_and_modifiers[0].pixel_format =
                formats[u8(in) % G_N_ELEMENTS(formats)];
            f->pixel_format_and_modifiers[0].pixel_format_modifier =
                modifiers[u8(in) % G_N_ELEMENTS(modifiers)];
        }
    }
}

static void raw_message(VsHost *h, Input *in, Ids *chans, Ids *all)
{
    const sysmem_method_t *m =
        &sysmem_methods_base[u8(in) % sysmem_method_count];
    uint8_t buf[512];
    SysmemHandle hs[3];
    uint32_t n = 16 + (u8(in) % 12) * 8, nh = u8(in) % 4, i;
    fidl_message_header_t hdr;

    fidl_header_init(&hdr, (m->flags & SYSMEM_METHOD_TWO_WAY) ? 7 : 0,
                     m->ordinal, m->flags & SYSMEM_METHOD_FLEXIBLE);
    fidl_header_encode(&hdr, buf);
    for (i = 16; i < n; i++) {
        buf[i] = u8(in);
    }
    if (u8(in) == 0xff) {
        buf[u8(in) % 16] ^= u8(in);   /* break the header too */
    }
    nh = MIN(nh, 3);
    for (i = 0; i < nh; i++) {
        hs[i].kind = 1 + u8(in) % 4;
        hs[i].id = (u8(in) & 1) ? vs_new_id(h) : ids_pick(all, in);
        hs[i].rights = 0;
        hs[i].flags = 0;
        hs[i].offset = hs[i].size = 0;
        ids_add(all, hs[i].id);
    }
    vs_send_raw(h, ids_pick(chans, in), buf, n, hs, nh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SysmemCoreConfig cfg = { .region_size = 4 << 20,
                             .secure_heap_size = 1 << 20 };
    VsHost *h = vs_host_new(&cfg);
    Input in = { data, size };
    Ids allocs = { .n = 0 }, nodes = { .n = 0 }, all = { .n = 0 };
    g_autofree SysmemConstraints *c = g_new(SysmemConstraints, 1);
    SysmemCoreStats st;
    unsigned steps = 0;
    uint32_t id;
    guint i;

    while (in.n && steps++ < 200) {
        uint8_t op = u8(&in);
        bool v1 = op & 0x80;

        switch (op % 16) {
        case 0:
            id = vs_connect(h, v1);
            ids_add(&allocs, id);
            ids_add(&all, id);
            break;
        case 1:
            id = vs_allocate_shared(h, ids_pick(&allocs, &in), v1);
            ids_add(&nodes, id);
            ids_add(&all, id);
            break;
        case 2:
            id = vs_duplicate(h, ids_pick(&nodes, &in), u8(&in) ? 0xffffffffu : 0,
                              v1);
            ids_add(&nodes, id);
            ids_add(&all, id);
            break;
        case 3:
            id = vs_bind(h, ids_pick(&allocs, &in), ids_pick(&nodes, &in), v1);
            ids_add(&nodes, id);
            ids_add(&all, id);
            break;
        case 4:
            fuzz_constraints(&in, c);
            vs_set_constraints(h, ids_pick(&nodes, &in), (op & 0x40) ? NULL : c);
            break;
        case 5:
            vs_wait(h, ids_pick(&nodes, &in), v1);
            break;
        case 6:
            vs_release(h, ids_pick(&nodes, &in), v1);
            break;
        case 7:
            vs_peer_close(h, ids_pick(&all, &in));
            break;
        case 8:
            id = vs_attach_token(h, ids_pick(&nodes, &in), u8(&in) ? ~0u : 0);
            ids_add(&nodes, id);
            ids_add(&all, id);
            break;
        case 9:
            id = vs_create_group(h, ids_pick(&nodes, &in));
            ids_add(&nodes, id);
            ids_add(&all, id);
            break;
        case 10:
            id = vs_group_create_child(h, ids_pick(&nodes, &in), u8(&in) % 4 ?
                                       FIDL_RIGHT_SAME_RIGHTS : 0);
            ids_add(&nodes, id);
            ids_add(&all, id);
            break;
        case 11:
            vs_all_children_present(h, ids_pick(&nodes, &in));
            break;
        case 12:
            raw_message(h, &in, (op & 0x40) ? &allocs : &nodes, &all);
            break;
        case 13:
            id = vs_attach_lifetime(h, ids_pick(&nodes, &in), u8(&in) % 5);
            ids_add(&all, id);
            break;
        case 14: {
            uint32_t masks[3] = { FIDL_RIGHT_SAME_RIGHTS, ~FIDL_RIGHT_WRITE,
                                  u8(&in) };
            uint32_t out[3];
            int nt = vs_duplicate_sync(h, ids_pick(&nodes, &in), masks,
                                       1 + u8(&in) % 3, out);

            for (i = 0; nt > 0 && i < (guint)nt; i++) {
                ids_add(&nodes, out[i]);
            }
            break;
        }
        case 15:
            if (op & 0x40) {
                sysmem_core_reset(vs_host_core(h));
            } else {
                vs_check(h, ids_pick(&nodes, &in), v1);
                vs_sync(h, ids_pick(&nodes, &in), v1);
            }
            break;
        }
        /* Sometimes release buffers the host got along the way. */
        if ((op & 0x30) == 0x30) {
            vs_release_buffers(h);
        }
    }
    vs_drop_all(h);
    sysmem_core_get_stats(vs_host_core(h), &st);
    if (st.buffers || st.region_used || st.collections || st.buffer_handles ||
        st.channels) {
        g_autoptr(GString) dump = g_string_new(NULL);

        sysmem_core_dump(vs_host_core(h), dump);
        g_printerr("leak after closing everything:\n%s", dump->str);
        abort();
    }
    vs_host_free(h);
    return 0;
}
