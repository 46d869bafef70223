/*
 * vsysmem-negotiate: "what will sysmem give these participants?"
 *
 * Runs a JSON scenario through the real sysmem core, by encoding real
 * fuchsia.sysmem2 FIDL messages and passing them through the core's host
 * interface exactly as the virtio device does, and prints the outcome as
 * JSON.  Usage: vsysmem-negotiate [SCENARIO.json]  (stdin without argument)
 *
 * Exit status: 0 when the scenario ran (whatever its outcome), 2 on bad
 * input (the message names the field), 1 on internal errors.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "tools/vsysmem-negotiate-host.h"
#include "hw/sysmem/constraints.h"
#include "hw/sysmem/image-format.h"

#define MAX_PARTICIPANTS 64

typedef enum Release {
    RELEASE_NONE,
    RELEASE_AFTER_CONSTRAINTS,
    RELEASE_BEFORE_CONSTRAINTS,
    RELEASE_CLOSE,
} Release;

typedef struct Participant {
    char *name;
    bool has_constraints;
    SysmemConstraints *constraints;
    bool dispensable;
    bool attach;
    Release release;
    uint32_t token, coll;
    VsCall *wait;
    bool closed_by_us;
} Participant;

/* Input line of every parsed value, for error messages. */
static GHashTable *node_lines;
static const char *input_name = "<stdin>";

static void record_member(JsonParser *parser, JsonObject *o, const char *name,
                          gpointer data)
{
    g_hash_table_insert(node_lines, json_object_get_member(o, name),
                        GINT_TO_POINTER(json_parser_get_current_line(parser)));
}

static void record_element(JsonParser *parser, JsonArray *a, gint index,
                           gpointer data)
{
    g_hash_table_insert(node_lines, json_array_get_element(a, index),
                        GINT_TO_POINTER(json_parser_get_current_line(parser)));
}

static G_NORETURN void input_error_at(JsonNode *n, const char *path,
                                      const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static G_NORETURN void input_error_at(JsonNode *n, const char *path,
                                      const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    int line = n && node_lines ?
               GPOINTER_TO_INT(g_hash_table_lookup(node_lines, n)) : 0;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (line > 0) {
        fprintf(stderr, "vsysmem-negotiate: %s:%d: %s: %s\n", input_name, line,
                path, msg);
    } else {
        fprintf(stderr, "vsysmem-negotiate: %s: %s: %s\n", input_name, path,
                msg);
    }
    /* Input errors end the run at once; nothing to clean up (or to leak-check). */
    fflush(stdout);
    _exit(2);
}

#define input_error(path, ...) input_error_at(NULL, path, __VA_ARGS__)

/* ------------------------------------------------------------------ */
/* Input                                                                */

static void check_keys(JsonObject *o, const char *path,
                       const char *const *allowed)
{
    g_autoptr(GList) members = json_object_get_members(o);
    GList *l;

    for (l = members; l; l = l->next) {
        const char *const *a;
        bool ok = false;

        for (a = allowed; *a && !ok; a++) {
            ok = !strcmp(*a, l->data);
        }
        if (!ok) {
            input_error_at(json_object_get_member(o, l->data), path,
                           "unknown field '%s'", (const char *)l->data);
        }
    }
}

static JsonObject *get_object(JsonNode *n, const char *path)
{
    if (!JSON_NODE_HOLDS_OBJECT(n)) {
        input_error_at(n, path, "expected an object");
    }
    return json_node_get_object(n);
}

static JsonArray *get_array(JsonNode *n, const char *path)
{
    if (!JSON_NODE_HOLDS_ARRAY(n)) {
        input_error_at(n, path, "expected an array");
    }
    return json_node_get_array(n);
}

static uint64_t get_uint(JsonNode *n, const char *path, uint64_t max)
{
    gint64 v;

    if (!JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_INT64) {
        input_error_at(n, path, "expected a non-negative integer");
    }
    v = json_node_get_int(n);
    if (v < 0 || (uint64_t)v > max) {
        input_error_at(n, path, "value %" G_GINT64_FORMAT " out of range (0..%"
                    G_GUINT64_FORMAT ")", v, max);
    }
    return v;
}

static bool get_bool(JsonNode *n, const char *path)
{
    if (!JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_BOOLEAN) {
        input_error_at(n, path, "expected true or false");
    }
    return json_node_get_boolean(n);
}

static const char *get_string(JsonNode *n, const char *path)
{
    if (!JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_STRING) {
        input_error_at(n, path, "expected a string");
    }
    return json_node_get_string(n);
}

/* An enum: a FIDL member name or a number. */
static uint64_t get_enum(JsonNode *n, const char *path, uint64_t max,
                         bool (*from_name)(const char *, uint64_t *))
{
    if (JSON_NODE_HOLDS_VALUE(n) &&
        json_node_get_value_type(n) == G_TYPE_STRING) {
        uint64_t v;

        if (!from_name(json_node_get_string(n), &v)) {
            input_error_at(n, path, "unknown name '%s'",
                           json_node_get_string(n));
        }
        return v;
    }
    return get_uint(n, path, max);
}

static bool fmt_from_name(const char *s, uint64_t *v)
{
    images2_pixel_format_t f;

    if (!sysmem_pixel_format_from_name(s, &f)) {
        return false;
    }
    *v = f;
    return true;
}

static bool cs_from_name(const char *s, uint64_t *v)
{
    images2_color_space_t c;

    if (!sysmem_color_space_from_name(s, &c)) {
        return false;
    }
    *v = c;
    return true;
}

static bool mod_from_name(const char *s, uint64_t *v)
{
    return sysmem_modifier_from_name(s, v);
}

#define SUB(path, key) g_autofree char *sub_##key = g_strdup_printf("%s.%s", path, #key)

static void parse_size(JsonObject *o, const char *key, const char *path,
                       bool *has, images2_size_u_t *s)
{
    g_autofree char *p = g_strdup_printf("%s.%s", path, key);
    JsonObject *so;
    static const char *const keys[] = { "width", "height", NULL };

    if (!json_object_has_member(o, key)) {
        return;
    }
    so = get_object(json_object_get_member(o, key), p);
    check_keys(so, p, keys);
    *has = true;
    if (json_object_has_member(so, "width")) {
        g_autofree char *pw = g_strdup_printf("%s.width", p);
        s->width = get_uint(json_object_get_member(so, "width"), pw, UINT32_MAX);
    }
    if (json_object_has_member(so, "height")) {
        g_autofree char *ph = g_strdup_printf("%s.height", p);
        s->height = get_uint(json_object_get_member(so, "height"), ph,
                             UINT32_MAX);
    }
}

#define U(obj, st, field, path, max) \
    do { \
        if (json_object_has_member(obj, #field)) { \
            g_autofree char *p_ = g_strdup_printf("%s.%s", path, #field); \
            (st)->has_##field = true; \
            (st)->field = get_uint(json_object_get_member(obj, #field), p_, max); \
        } \
    } while (0)

#define B(obj, st, field, path) \
    do { \
        if (json_object_has_member(obj, #field)) { \
            g_autofree char *p_ = g_strdup_printf("%s.%s", path, #field); \
            (st)->has_##field = true; \
            (st)->field = get_bool(json_object_get_member(obj, #field), p_); \
        } \
    } while (0)

static void parse_ifc(JsonObject *o, const char *path,
                      sysmem2_image_format_constraints_t *f)
{
    static const char *const keys[] = {
        "pixel_format", "pixel_format_modifier", "color_spaces", "min_size",
        "max_size", "min_bytes_per_row", "max_bytes_per_row",
        "max_width_times_height", "size_alignment", "display_rect_alignment",
        "required_min_size", "required_max_size", "bytes_per_row_divisor",
        "start_offset_divisor", "pixel_format_and_modifiers",
        "require_bytes_per_row_at_pixel_boundary", "is_alpha_present",
        "required_max_size_list", "pad_for_block_size",
        "pad_beyond_image_size_bytes", NULL,
    };
    guint i;

    check_keys(o, path, keys);
    if (json_object_has_member(o, "pixel_format")) {
        g_autofree char *p = g_strdup_printf("%s.pixel_format", path);
        f->has_pixel_format = true;
        f->pixel_format = get_enum(json_object_get_member(o, "pixel_format"), p,
                                   UINT32_MAX, fmt_from_name);
    }
    if (json_object_has_member(o, "pixel_format_modifier")) {
        g_autofree char *p = g_strdup_printf("%s.pixel_format_modifier", path);
        f->has_pixel_format_modifier = true;
        f->pixel_format_modifier =
            get_enum(json_object_get_member(o, "pixel_format_modifier"), p,
                     UINT64_MAX, mod_from_name);
    }
    if (json_object_has_member(o, "color_spaces")) {
        g_autofree char *p = g_strdup_printf("%s.color_spaces", path);
        JsonArray *a = get_array(json_object_get_member(o, "color_spaces"), p);

        if (json_array_get_length(a) >
            SYSMEM2_MAX_COUNT_IMAGE_FORMAT_CONSTRAINTS_COLOR_SPACES) {
            input_error(p, "too many entries");
        }
        f->has_color_spaces = true;
        f->color_spaces_count = json_array_get_length(a);
        for (i = 0; i < f->color_spaces_count; i++) {
            g_autofree char *pi = g_strdup_printf("%s[%u]", p, i);
            f->color_spaces[i] = get_enum(json_array_get_element(a, i), pi,
                                          UINT32_MAX, cs_from_name);
        }
    }
    parse_size(o, "min_size", path, &f->has_min_size, &f->min_size);
    parse_size(o, "max_size", path, &f->has_max_size, &f->max_size);
    U(o, f, min_bytes_per_row, path, UINT32_MAX);
    U(o, f, max_bytes_per_row, path, UINT32_MAX);
    U(o, f, max_width_times_height, path, UINT64_MAX);
    parse_size(o, "size_alignment", path, &f->has_size_alignment,
               &f->size_alignment);
    parse_size(o, "display_rect_alignment", path, &f->has_display_rect_alignment,
               &f->display_rect_alignment);
    parse_size(o, "required_min_size", path, &f->has_required_min_size,
               &f->required_min_size);
    parse_size(o, "required_max_size", path, &f->has_required_max_size,
               &f->required_max_size);
    U(o, f, bytes_per_row_divisor, path, UINT32_MAX);
    U(o, f, start_offset_divisor, path, UINT32_MAX);
    if (json_object_has_member(o, "pixel_format_and_modifiers")) {
        g_autofree char *p = g_strdup_printf("%s.pixel_format_and_modifiers",
                                             path);
        JsonArray *a = get_array(json_object_get_member(o,
                                 "pixel_format_and_modifiers"), p);
        static const char *const pk[] = { "pixel_format",
                                          "pixel_format_modifier", NULL };

        if (json_array_get_length(a) > SYSMEM2_MAX_COUNT_PIXEL_FORMAT_AND_MODIFIERS) {
            input_error(p, "too many entries");
        }
        f->has_pixel_format_and_modifiers = true;
        f->pixel_format_and_modifiers_count = json_array_get_length(a);
        for (i = 0; i < f->pixel_format_and_modifiers_count; i++) {
            g_autofree char *pi = g_strdup_printf("%s[%u]", p, i);
            g_autofree char *pf = g_strdup_printf("%s.pixel_format", pi);
            g_autofree char *pm = g_strdup_printf("%s.pixel_format_modifier", pi);
            JsonObject *e = get_object(json_array_get_element(a, i), pi);

            check_keys(e, pi, pk);
            if (!json_object_has_member(e, "pixel_format") ||
                !json_object_has_member(e, "pixel_format_modifier")) {
                input_error(pi, "needs pixel_format and pixel_format_modifier");
            }
            f->pixel_format_and_modifiers[i].pixel_format =
                get_enum(json_object_get_member(e, "pixel_format"), pf,
                         UINT32_MAX, fmt_from_name);
            f->pixel_format_and_modifiers[i].pixel_format_modifier =
                get_enum(json_object_get_member(e, "pixel_format_modifier"), pm,
                         UINT64_MAX, mod_from_name);
        }
    }
    B(o, f, require_bytes_per_row_at_pixel_boundary, path);
    B(o, f, is_alpha_present, path);
    if (json_object_has_member(o, "required_max_size_list")) {
        g_autofree char *p = g_strdup_printf("%s.required_max_size_list", path);
        JsonArray *a = get_array(json_object_get_member(o,
                                 "required_max_size_list"), p);
        static const char *const sk[] = { "width", "height", NULL };

        if (json_array_get_length(a) > SYSMEM2_MAX_COUNT_REQUIRED_MAX_SIZE_LIST) {
            input_error(p, "too many entries");
        }
        f->has_required_max_size_list = true;
        f->required_max_size_list_count = json_array_get_length(a);
        for (i = 0; i < f->required_max_size_list_count; i++) {
            g_autofree char *pi = g_strdup_printf("%s[%u]", p, i);
            JsonObject *e = get_object(json_array_get_element(a, i), pi);
            g_autofree char *pw = g_strdup_printf("%s.width", pi);
            g_autofree char *ph = g_strdup_printf("%s.height", pi);

            check_keys(e, pi, sk);
            if (json_object_has_member(e, "width")) {
                f->required_max_size_list[i].width =
                    get_uint(json_object_get_member(e, "width"), pw, UINT32_MAX);
            }
            if (json_object_has_member(e, "height")) {
                f->required_max_size_list[i].height =
                    get_uint(json_object_get_member(e, "height"), ph, UINT32_MAX);
            }
        }
    }
    parse_size(o, "pad_for_block_size", path, &f->has_pad_for_block_size,
               &f->pad_for_block_size);
    U(o, f, pad_beyond_image_size_bytes, path, UINT64_MAX);
}

static void parse_bmc(JsonObject *o, const char *path,
                      sysmem2_buffer_memory_constraints_t *m)
{
    static const char *const keys[] = {
        "min_size_bytes", "max_size_bytes", "physically_contiguous_required",
        "secure_required", "cpu_domain_supported", "ram_domain_supported",
        "inaccessible_domain_supported", "permitted_heaps",
        "min_physical_base_alignment", NULL,
    };
    guint i;

    check_keys(o, path, keys);
    U(o, m, min_size_bytes, path, UINT64_MAX);
    U(o, m, max_size_bytes, path, UINT64_MAX);
    B(o, m, physically_contiguous_required, path);
    B(o, m, secure_required, path);
    B(o, m, cpu_domain_supported, path);
    B(o, m, ram_domain_supported, path);
    B(o, m, inaccessible_domain_supported, path);
    U(o, m, min_physical_base_alignment, path, UINT64_MAX);
    if (json_object_has_member(o, "permitted_heaps")) {
        g_autofree char *p = g_strdup_printf("%s.permitted_heaps", path);
        JsonArray *a = get_array(json_object_get_member(o, "permitted_heaps"), p);
        static const char *const hk[] = { "heap_type", "id", NULL };

        if (json_array_get_length(a) >
            SYSMEM2_MAX_COUNT_BUFFER_MEMORY_CONSTRAINTS_PERMITTED_HEAPS) {
            input_error(p, "too many entries");
        }
        m->has_permitted_heaps = true;
        m->permitted_heaps_count = json_array_get_length(a);
        for (i = 0; i < m->permitted_heaps_count; i++) {
            g_autofree char *pi = g_strdup_printf("%s[%u]", p, i);
            JsonObject *e = get_object(json_array_get_element(a, i), pi);
            sysmem2_heap_t *hp = &m->permitted_heaps[i];

            check_keys(e, pi, hk);
            if (json_object_has_member(e, "heap_type")) {
                g_autofree char *pt = g_strdup_printf("%s.heap_type", pi);
                const char *s = get_string(json_object_get_member(e, "heap_type"),
                                           pt);

                if (strlen(s) > SYSMEM2_MAX_HEAP_TYPE_LENGTH) {
                    input_error(pt, "longer than %d bytes",
                                SYSMEM2_MAX_HEAP_TYPE_LENGTH);
                }
                hp->has_heap_type = true;
                hp->heap_type_len = strlen(s);
                memcpy(hp->heap_type, s, hp->heap_type_len + 1);
            }
            U(e, hp, id, pi, UINT64_MAX);
        }
    }
}

static void parse_constraints(JsonObject *o, const char *path,
                              SysmemConstraints *c)
{
    static const char *const keys[] = {
        "usage", "min_buffer_count_for_camping",
        "min_buffer_count_for_dedicated_slack",
        "min_buffer_count_for_shared_slack", "min_buffer_count",
        "max_buffer_count", "buffer_memory_constraints",
        "image_format_constraints", NULL,
    };
    static const char *const ukeys[] = { "none", "cpu", "vulkan", "display",
                                         "video", NULL };
    guint i;

    check_keys(o, path, keys);
    if (json_object_has_member(o, "usage")) {
        g_autofree char *p = g_strdup_printf("%s.usage", path);
        JsonObject *u = get_object(json_object_get_member(o, "usage"), p);

        check_keys(u, p, ukeys);
        c->has_usage = true;
        U(u, &c->usage, none, p, UINT32_MAX);
        U(u, &c->usage, cpu, p, UINT32_MAX);
        U(u, &c->usage, vulkan, p, UINT32_MAX);
        U(u, &c->usage, display, p, UINT32_MAX);
        U(u, &c->usage, video, p, UINT32_MAX);
    }
    U(o, c, min_buffer_count_for_camping, path, UINT32_MAX);
    U(o, c, min_buffer_count_for_dedicated_slack, path, UINT32_MAX);
    U(o, c, min_buffer_count_for_shared_slack, path, UINT32_MAX);
    U(o, c, min_buffer_count, path, UINT32_MAX);
    U(o, c, max_buffer_count, path, UINT32_MAX);
    if (json_object_has_member(o, "buffer_memory_constraints")) {
        g_autofree char *p = g_strdup_printf("%s.buffer_memory_constraints",
                                             path);

        c->has_buffer_memory_constraints = true;
        parse_bmc(get_object(json_object_get_member(o,
                  "buffer_memory_constraints"), p), p,
                  &c->buffer_memory_constraints);
    }
    if (json_object_has_member(o, "image_format_constraints")) {
        g_autofree char *p = g_strdup_printf("%s.image_format_constraints",
                                             path);
        JsonArray *a = get_array(json_object_get_member(o,
                                 "image_format_constraints"), p);

        if (json_array_get_length(a) >
            SYSMEM2_MAX_COUNT_BUFFER_COLLECTION_CONSTRAINTS_IMAGE_FORMAT_CONSTRAINTS) {
            input_error(p, "too many entries");
        }
        c->has_image_format_constraints = true;
        c->image_format_constraints_count = json_array_get_length(a);
        for (i = 0; i < c->image_format_constraints_count; i++) {
            g_autofree char *pi = g_strdup_printf("%s[%u]", p, i);

            parse_ifc(get_object(json_array_get_element(a, i), pi), pi,
                      &c->image_format_constraints[i]);
        }
    }
}

static GPtrArray *parse_scenario(JsonNode *root)
{
    static const char *const top[] = { "participants", NULL };
    static const char *const pkeys[] = {
        "name", "constraints", "dispensable", "attach_after_allocation",
        "release", NULL,
    };
    GPtrArray *ps = g_ptr_array_new();
    JsonObject *o = get_object(root, "(top level)");
    JsonArray *a;
    guint i;

    check_keys(o, "(top level)", top);
    if (!json_object_has_member(o, "participants")) {
        input_error("(top level)", "missing 'participants'");
    }
    a = get_array(json_object_get_member(o, "participants"), "participants");
    if (!json_array_get_length(a) ||
        json_array_get_length(a) > MAX_PARTICIPANTS) {
        input_error("participants", "needs 1..%d entries", MAX_PARTICIPANTS);
    }
    for (i = 0; i < json_array_get_length(a); i++) {
        g_autofree char *path = g_strdup_printf("participants[%u]", i);
        JsonObject *po = get_object(json_array_get_element(a, i), path);
        Participant *p = g_new0(Participant, 1);

        check_keys(po, path, pkeys);
        if (json_object_has_member(po, "name")) {
            g_autofree char *pn = g_strdup_printf("%s.name", path);
            p->name = g_strdup(get_string(json_object_get_member(po, "name"), pn));
        } else {
            p->name = g_strdup_printf("participant%u", i);
        }
        p->constraints = g_new0(SysmemConstraints, 1);
        if (json_object_has_member(po, "constraints")) {
            g_autofree char *pc = g_strdup_printf("%s.constraints", path);

            p->has_constraints = true;
            parse_constraints(get_object(json_object_get_member(po,
                              "constraints"), pc), pc, p->constraints);
        }
        if (json_object_has_member(po, "dispensable")) {
            g_autofree char *pd = g_strdup_printf("%s.dispensable", path);
            p->dispensable = get_bool(json_object_get_member(po, "dispensable"),
                                      pd);
        }
        if (json_object_has_member(po, "attach_after_allocation")) {
            g_autofree char *pd = g_strdup_printf("%s.attach_after_allocation",
                                                  path);
            p->attach = get_bool(json_object_get_member(po,
                                 "attach_after_allocation"), pd);
            if (p->attach && i == 0) {
                input_error(pd, "the first participant owns the root token "
                            "and cannot be attached");
            }
        }
        if (json_object_has_member(po, "release")) {
            g_autofree char *pr = g_strdup_printf("%s.release", path);
            const char *r = get_string(json_object_get_member(po, "release"), pr);

            if (!strcmp(r, "none")) {
                p->release = RELEASE_NONE;
            } else if (!strcmp(r, "after_constraints")) {
                p->release = RELEASE_AFTER_CONSTRAINTS;
            } else if (!strcmp(r, "before_constraints")) {
                p->release = RELEASE_BEFORE_CONSTRAINTS;
            } else if (!strcmp(r, "close_without_release")) {
                p->release = RELEASE_CLOSE;
            } else {
                input_error_at(json_object_get_member(po, "release"), pr,
                               "unknown value '%s' (none, after_constraints, "
                               "before_constraints, close_without_release)", r);
            }
        }
        g_ptr_array_add(ps, p);
    }
    return ps;
}

/* ------------------------------------------------------------------ */
/* Output                                                               */

static void out_size(JsonBuilder *b, const char *key, bool has,
                     const images2_size_u_t *s)
{
    if (!has) {
        return;
    }
    json_builder_set_member_name(b, key);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "width");
    json_builder_add_int_value(b, s->width);
    json_builder_set_member_name(b, "height");
    json_builder_add_int_value(b, s->height);
    json_builder_end_object(b);
}

static void out_uint(JsonBuilder *b, const char *key, bool has, uint64_t v)
{
    if (has) {
        json_builder_set_member_name(b, key);
        if (v > INT64_MAX) {
            /* JSON numbers here are int64: spell larger values out */
            g_autofree char *s = g_strdup_printf("%" G_GUINT64_FORMAT, v);
            json_builder_add_string_value(b, s);
        } else {
            json_builder_add_int_value(b, (gint64)v);
        }
    }
}

static void out_bool(JsonBuilder *b, const char *key, bool has, bool v)
{
    if (has) {
        json_builder_set_member_name(b, key);
        json_builder_add_boolean_value(b, v);
    }
}

static void out_enum(JsonBuilder *b, const char *name, uint64_t v)
{
    if (name) {
        json_builder_add_string_value(b, name);
    } else {
        json_builder_add_int_value(b, (gint64)v);
    }
}

#define OU(b, st, f) out_uint(b, #f, (st)->has_##f, (st)->f)
#define OB(b, st, f) out_bool(b, #f, (st)->has_##f, (st)->f)
#define OS(b, st, f) out_size(b, #f, (st)->has_##f, &(st)->f)

static void out_ifc(JsonBuilder *b, const sysmem2_image_format_constraints_t *f)
{
    uint32_t i;

    json_builder_begin_object(b);
    if (f->has_pixel_format) {
        json_builder_set_member_name(b, "pixel_format");
        out_enum(b, sysmem_pixel_format_name(f->pixel_format), f->pixel_format);
    }
    if (f->has_pixel_format_modifier) {
        json_builder_set_member_name(b, "pixel_format_modifier");
        out_enum(b, sysmem_modifier_name(f->pixel_format_modifier),
                 f->pixel_format_modifier);
    }
    if (f->has_color_spaces) {
        json_builder_set_member_name(b, "color_spaces");
        json_builder_begin_array(b);
        for (i = 0; i < f->color_spaces_count; i++) {
            out_enum(b, sysmem_color_space_name(f->color_spaces[i]),
                     f->color_spaces[i]);
        }
        json_builder_end_array(b);
    }
    OS(b, f, min_size);
    OS(b, f, max_size);
    OU(b, f, min_bytes_per_row);
    OU(b, f, max_bytes_per_row);
    OU(b, f, max_width_times_height);
    OS(b, f, size_alignment);
    OS(b, f, display_rect_alignment);
    OS(b, f, required_min_size);
    OS(b, f, required_max_size);
    OU(b, f, bytes_per_row_divisor);
    OU(b, f, start_offset_divisor);
    OB(b, f, require_bytes_per_row_at_pixel_boundary);
    OB(b, f, is_alpha_present);
    if (f->has_required_max_size_list) {
        json_builder_set_member_name(b, "required_max_size_list");
        json_builder_begin_array(b);
        for (i = 0; i < f->required_max_size_list_count; i++) {
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "width");
            json_builder_add_int_value(b, f->required_max_size_list[i].width);
            json_builder_set_member_name(b, "height");
            json_builder_add_int_value(b, f->required_max_size_list[i].height);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
    }
    OS(b, f, pad_for_block_size);
    OU(b, f, pad_beyond_image_size_bytes);
    json_builder_end_object(b);
}

static void out_rights(JsonBuilder *b, uint32_t rights)
{
    static const struct { uint32_t bit; const char *name; } names[] = {
        { FIDL_RIGHT_DUPLICATE, "DUPLICATE" }, { FIDL_RIGHT_TRANSFER, "TRANSFER" },
        { FIDL_RIGHT_READ, "READ" }, { FIDL_RIGHT_WRITE, "WRITE" },
        { FIDL_RIGHT_EXECUTE, "EXECUTE" }, { FIDL_RIGHT_MAP, "MAP" },
        { FIDL_RIGHT_GET_PROPERTY, "GET_PROPERTY" },
        { FIDL_RIGHT_SET_PROPERTY, "SET_PROPERTY" },
        { FIDL_RIGHT_SIGNAL, "SIGNAL" }, { FIDL_RIGHT_SIGNAL_PEER, "SIGNAL_PEER" },
        { FIDL_RIGHT_WAIT, "WAIT" }, { FIDL_RIGHT_INSPECT, "INSPECT" },
    };
    size_t i;

    json_builder_begin_array(b);
    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        if (rights & names[i].bit) {
            json_builder_add_string_value(b, names[i].name);
        }
    }
    json_builder_end_array(b);
}

static void out_info(JsonBuilder *b, const sysmem2_buffer_collection_info_t *info,
                     const VsCall *w)
{
    const sysmem2_buffer_memory_settings_t *bs = &info->settings.buffer_settings;
    uint32_t i;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "settings");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "buffer_settings");
    json_builder_begin_object(b);
    OU(b, bs, size_bytes);
    OB(b, bs, is_physically_contiguous);
    OB(b, bs, is_secure);
    if (bs->has_coherency_domain) {
        json_builder_set_member_name(b, "coherency_domain");
        out_enum(b, sysmem_coherency_domain_name(bs->coherency_domain),
                 bs->coherency_domain);
    }
    if (bs->has_heap) {
        json_builder_set_member_name(b, "heap");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "heap_type");
        json_builder_add_string_value(b, bs->heap.heap_type);
        json_builder_set_member_name(b, "id");
        json_builder_add_int_value(b, (gint64)bs->heap.id);
        json_builder_end_object(b);
    }
    OU(b, bs, raw_vmo_size);
    json_builder_end_object(b);
    if (info->settings.has_image_format_constraints) {
        json_builder_set_member_name(b, "image_format_constraints");
        out_ifc(b, &info->settings.image_format_constraints);
    }
    json_builder_end_object(b);
    json_builder_set_member_name(b, "buffers");
    json_builder_begin_array(b);
    for (i = 0; i < info->buffers_count; i++) {
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "vmo_usable_start");
        json_builder_add_int_value(b, (gint64)info->buffers[i].vmo_usable_start);
        if (i < w->nh) {
            json_builder_set_member_name(b, "rights");
            out_rights(b, w->handles[i].rights);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
}

/* ------------------------------------------------------------------ */
/* Running the scenario                                                 */

typedef struct Outcome {
    bool answered;
    sysmem2_error_t err;
} Outcome;

static Outcome outcome(Participant *p)
{
    Outcome o = { false, SYSMEM2_ERROR_UNSPECIFIED };

    if (p->wait && p->wait->answered) {
        o.answered = true;
        o.err = vs_wait_result(p->wait, NULL);
    }
    return o;
}

static void start_participant(VsHost *h, Participant *p)
{
    switch (p->release) {
    case RELEASE_BEFORE_CONSTRAINTS:
        vs_release(h, p->coll, false);
        vs_peer_close(h, p->coll);
        p->closed_by_us = true;
        return;
    case RELEASE_CLOSE:
        if (!p->has_constraints) {
            vs_peer_close(h, p->coll);
            p->closed_by_us = true;
            return;
        }
        break;
    default:
        break;
    }
    vs_set_constraints(h, p->coll, p->has_constraints ? p->constraints : NULL);
    p->wait = vs_wait(h, p->coll, false);
    if (p->release == RELEASE_AFTER_CONSTRAINTS) {
        vs_release(h, p->coll, false);
    }
}

/* After the (initial or late) allocation: the deferred closes. */
static void finish_participant(VsHost *h, Participant *p)
{
    if (p->closed_by_us) {
        return;
    }
    if (p->release == RELEASE_AFTER_CONSTRAINTS || p->release == RELEASE_CLOSE) {
        vs_peer_close(h, p->coll);
        p->closed_by_us = true;
    }
}

/* A held-back duplicate keeps allocation from running until every Wait
 * is queued, so that every participant hears the outcome as a value. */
static uint32_t hold(VsHost *h, uint32_t alloc, uint32_t token)
{
    uint32_t t = vs_duplicate(h, token, FIDL_RIGHT_SAME_RIGHTS, false);

    return vs_bind(h, alloc, t, false);
}

static void let_go(VsHost *h, uint32_t coll)
{
    vs_release(h, coll, false);
    vs_peer_close(h, coll);
}

int main(int argc, char **argv)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) out_root = NULL;
    g_autofree char *text = NULL;
    SysmemCoreConfig cfg = { .region_size = 1ull << 30,
                             .secure_heap_size = 256ull << 20 };
    g_autofree sysmem2_buffer_collection_info_t *info =
        g_new0(sysmem2_buffer_collection_info_t, 1);
    Participant *first_ok = NULL;
    sysmem2_error_t top_err = SYSMEM2_ERROR_UNSPECIFIED;
    bool have_top_err = false;
    GPtrArray *ps;
    VsHost *h;
    uint32_t alloc, helper;
    guint i;

    if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
        fprintf(stderr, "usage: vsysmem-negotiate [SCENARIO.json]\n"
                "Runs a JSON scenario through the sysmem core and prints "
                "what each participant gets.\n");
        return 2;
    }
    node_lines = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_signal_connect(parser, "object-member", G_CALLBACK(record_member), NULL);
    g_signal_connect(parser, "array-element", G_CALLBACK(record_element), NULL);
    if (argc == 2 && strcmp(argv[1], "-")) {
        input_name = argv[1];
        if (!json_parser_load_from_file(parser, argv[1], &error)) {
            fprintf(stderr, "vsysmem-negotiate: %s\n", error->message);
            return 2;
        }
    } else {
        g_autoptr(GString) in = g_string_new(NULL);
        char buf[4096];
        size_t n;

        while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
            g_string_append_len(in, buf, n);
        }
        if (!json_parser_load_from_data(parser, in->str, in->len, &error)) {
            fprintf(stderr, "vsysmem-negotiate: <stdin>: %s\n", error->message);
            return 2;
        }
    }
    if (!json_parser_get_root(parser)) {
        input_error("(top level)", "empty input");
    }
    ps = parse_scenario(json_parser_get_root(parser));

    h = vs_host_new(&cfg);
    alloc = vs_connect(h, false);
    for (i = 0; i < ps->len; i++) {
        Participant *p = g_ptr_array_index(ps, i);

        if (p->attach) {
            continue;
        }
        p->token = i == 0 ? vs_allocate_shared(h, alloc, false) :
                   vs_duplicate(h, ((Participant *)g_ptr_array_index(ps, 0))->token,
                                FIDL_RIGHT_SAME_RIGHTS, false);
        if (p->dispensable) {
            vs_set_dispensable(h, p->token);
        }
    }
    helper = hold(h, alloc, ((Participant *)g_ptr_array_index(ps, 0))->token);
    vs_sync(h, ((Participant *)g_ptr_array_index(ps, 0))->token, false);
    for (i = 0; i < ps->len; i++) {
        Participant *p = g_ptr_array_index(ps, i);

        if (!p->attach) {
            p->coll = vs_bind(h, alloc, p->token, false);
            vs_set_debug_info(h, p->coll, p->name);
        }
    }
    for (i = 0; i < ps->len; i++) {
        Participant *p = g_ptr_array_index(ps, i);

        if (!p->attach) {
            start_participant(h, p);
        }
    }
    let_go(h, helper);
    for (i = 0; i < ps->len; i++) {
        Participant *p = g_ptr_array_index(ps, i);
        Outcome o = outcome(p);

        if (p->attach) {
            continue;
        }
        if (o.answered && !o.err && !first_ok) {
            first_ok = p;
        } else if (o.answered && o.err && !have_top_err) {
            top_err = o.err;
            have_top_err = true;
        }
    }
    for (i = 0; i < ps->len; i++) {
        Participant *p = g_ptr_array_index(ps, i);

        if (!p->attach) {
            finish_participant(h, p);
        }
    }
    /* Attached participants join through AttachToken on a live collection. */
    for (i = 0; i < ps->len; i++) {
        Participant *p = g_ptr_array_index(ps, i), *anchor = NULL;
        guint j;

        if (!p->attach) {
            continue;
        }
        for (j = 0; j < ps->len && !anchor; j++) {
            Participant *q = g_ptr_array_index(ps, j);

            if (!q->attach && !q->closed_by_us && q->coll &&
                !vs_closed(h, q->coll, NULL) && q->release == RELEASE_NONE) {
                anchor = q;
            }
        }
        if (!anchor) {
            continue;
        }
        p->token = vs_attach_token(h, anchor->coll, FIDL_RIGHT_SAME_RIGHTS);
        if (p->dispensable) {
            vs_set_dispensable(h, p->token);
        }
        helper = hold(h, alloc, p->token);
        p->coll = vs_bind(h, alloc, p->token, false);
        vs_set_debug_info(h, p->coll, p->name);
        start_participant(h, p);
        let_go(h, helper);
        finish_participant(h, p);
    }

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "allocated");
    json_builder_add_boolean_value(b, first_ok != NULL);
    if (first_ok) {
        Participant *with_vmos = first_ok;

        for (i = 0; i < ps->len; i++) {
            Participant *p = g_ptr_array_index(ps, i);

            if (!p->attach && p->wait && p->wait->answered && p->wait->nh) {
                with_vmos = p;
                break;
            }
        }
        vs_wait_result(with_vmos->wait, info);
        json_builder_set_member_name(b, "buffer_collection_info");
        out_info(b, info, with_vmos->wait);
    } else {
        json_builder_set_member_name(b, "error");
        json_builder_add_string_value(b, sysmem_error_name(top_err));
    }
    json_builder_set_member_name(b, "participants");
    json_builder_begin_array(b);
    for (i = 0; i < ps->len; i++) {
        Participant *p = g_ptr_array_index(ps, i);
        Outcome o = outcome(p);
        bool ok;
        sysmem2_error_t err;

        if (o.answered) {
            ok = !o.err;
            err = o.err;
        } else if (p->release == RELEASE_BEFORE_CONSTRAINTS && !p->attach) {
            /* took part without constraints: shares the collection's fate */
            ok = first_ok != NULL;
            err = top_err;
        } else {
            ok = false;
            err = (!p->attach && have_top_err) ? top_err :
                  SYSMEM2_ERROR_UNSPECIFIED;
        }
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, p->name);
        json_builder_set_member_name(b, "status");
        json_builder_add_string_value(b, ok ? "allocated" : "failed");
        if (!ok) {
            json_builder_set_member_name(b, "error");
            json_builder_add_string_value(b, sysmem_error_name(err));
            if (!o.answered) {
                /* no Error value: the channel was closed (peer closed) */
                json_builder_set_member_name(b, "channel_closed");
                json_builder_add_boolean_value(b, true);
            }
        } else {
            json_builder_set_member_name(b, "buffers_with_vmo");
            json_builder_add_int_value(b, o.answered ? p->wait->nh : 0);
            if (o.answered && p->wait->nh) {
                json_builder_set_member_name(b, "vmo_rights");
                out_rights(b, p->wait->handles[0].rights);
            }
            if (!p->closed_by_us && p->coll && vs_closed(h, p->coll, NULL)) {
                /* the collection failed later (someone left without Release) */
                json_builder_set_member_name(b, "closed_after_allocation");
                json_builder_add_boolean_value(b, true);
            }
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);

    out_root = json_builder_get_root(b);
    json_generator_set_root(gen, out_root);
    json_generator_set_pretty(gen, true);
    text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);

    vs_drop_all(h);
    vs_host_free(h);
    for (i = 0; i < ps->len; i++) {
        Participant *p = g_ptr_array_index(ps, i);

        g_free(p->name);
        g_free(p->constraints);
        g_free(p);
    }
    g_ptr_array_free(ps, true);
    return 0;
}
