/*
 * Negotiation scenarios as JSON (see scenario.h): a small JSON reader
 * that remembers the line of every value, the scenario parser, and the
 * outcome printer with json-glib's pretty layout (the layout the expected
 * outputs in tests/unit/scenarios/ were written in).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/sysmem/image-format.h"
#include "sysmem/status.h"
#include "tools/scenario.h"

/* ------------------------------------------------------------------ */
/* Errors                                                               */

static const char *err_prog = "vsysmem-negotiate";
static const char *err_input = "<stdin>";

static void input_error_line(int line, const char *path, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

static void input_error_line(int line, const char *path, const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    if (line > 0) {
        fprintf(stderr, "%s: %s:%d: %s: ", err_prog, err_input, line, path);
    } else {
        fprintf(stderr, "%s: %s: %s: ", err_prog, err_input, path);
    }
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    /* Input errors end the run at once; nothing to clean up. */
    _exit(2);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (!p) {
        fprintf(stderr, "%s: out of memory\n", err_prog);
        exit(1);
    }
    return p;
}

static void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (!p) {
        fprintf(stderr, "%s: out of memory\n", err_prog);
        exit(1);
    }
    return p;
}

/* ------------------------------------------------------------------ */
/* JSON values                                                          */

typedef enum jkind {
    J_NULL, J_BOOL, J_INT, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT,
} jkind_t;

typedef struct jval {
    jkind_t kind;
    int line;               /* where the value starts */
    bool b;
    int64_t i;              /* J_INT */
    char *s;                /* J_STRING (NUL-terminated), J_NUMBER text */
    size_t n;               /* J_ARRAY / J_OBJECT entries */
    struct jval **v;
    char **k;               /* J_OBJECT keys */
} jval_t;

typedef struct jparser {
    const char *p, *end;
    int line;
    int depth;
} jparser_t;

#define JSON_MAX_DEPTH 64

static void jfree(jval_t *v)
{
    size_t i;

    if (!v) {
        return;
    }
    for (i = 0; i < v->n; i++) {
        jfree(v->v[i]);
        if (v->k) {
            free(v->k[i]);
        }
    }
    free(v->v);
    free(v->k);
    free(v->s);
    free(v);
}

static void jsyntax(jparser_t *jp, const char *what)
    __attribute__((noreturn));

static void jsyntax(jparser_t *jp, const char *what)
{
    input_error_line(jp->line, "(top level)", "invalid JSON: %s", what);
}

static void jskip_ws(jparser_t *jp)
{
    while (jp->p < jp->end) {
        char c = *jp->p;

        if (c == '\n') {
            jp->line++;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        jp->p++;
    }
}

static bool jlit(jparser_t *jp, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t)(jp->end - jp->p) >= n && !memcmp(jp->p, lit, n)) {
        jp->p += n;
        return true;
    }
    return false;
}

static unsigned jhex4(jparser_t *jp)
{
    unsigned v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        char c = jp->p < jp->end ? *jp->p++ : 0;

        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= c - '0';
        } else if (c >= 'a' && c <= 'f') {
            v |= c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            v |= c - 'A' + 10;
        } else {
            jsyntax(jp, "bad \\u escape");
        }
    }
    return v;
}

static void put_utf8(char **buf, size_t *len, size_t *cap, unsigned cp)
{
    char tmp[4];
    size_t n, i;

    if (cp < 0x80) {
        tmp[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        tmp[0] = (char)(0xc0 | cp >> 6);
        tmp[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        tmp[0] = (char)(0xe0 | cp >> 12);
        tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        tmp[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        tmp[0] = (char)(0xf0 | cp >> 18);
        tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        tmp[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = xrealloc(*buf, *cap);
    }
    for (i = 0; i < n; i++) {
        (*buf)[(*len)++] = tmp[i];
    }
}

/* A string; jp->p is at the opening quote. */
static char *jstring(jparser_t *jp)
{
    size_t len = 0, cap = 16;
    char *buf = xcalloc(1, cap);

    jp->p++;
    for (;;) {
        unsigned char c;

        if (jp->p >= jp->end) {
            jsyntax(jp, "unterminated string");
        }
        c = (unsigned char)*jp->p++;
        if (c == '"') {
            break;
        }
        if (c < 0x20) {
            jsyntax(jp, "control character in a string");
        }
        if (c == '\\') {
            char e = jp->p < jp->end ? *jp->p++ : 0;
            unsigned cp;

            switch (e) {
            case '"': case '\\': case '/': cp = (unsigned char)e; break;
            case 'b': cp = '\b'; break;
            case 'f': cp = '\f'; break;
            case 'n': cp = '\n'; break;
            case 'r': cp = '\r'; break;
            case 't': cp = '\t'; break;
            case 'u':
                cp = jhex4(jp);
                if (cp >= 0xd800 && cp < 0xdc00) {
                    unsigned lo;

                    if (!jlit(jp, "\\u")) {
                        jsyntax(jp, "lone surrogate in \\u escape");
                    }
                    lo = jhex4(jp);
                    if (lo < 0xdc00 || lo >= 0xe000) {
                        jsyntax(jp, "bad surrogate pair in \\u escape");
                    }
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                } else if (cp >= 0xdc00 && cp < 0xe000) {
                    jsyntax(jp, "lone surrogate in \\u escape");
                } else if (cp == 0) {
                    jsyntax(jp, "NUL in a string");
                }
                break;
            default:
                jsyntax(jp, "bad escape in a string");
            }
            put_utf8(&buf, &len, &cap, cp);
            continue;
        }
        if (len + 2 > cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        buf[len++] = (char)c;
    }
    buf[len] = 0;
    return buf;
}

static jval_t *jvalue(jparser_t *jp);

static void jappend(jval_t *v, char *key, jval_t *item)
{
    v->v = xrealloc(v->v, (v->n + 1) * sizeof(*v->v));
    if (v->kind == J_OBJECT) {
        v->k = xrealloc(v->k, (v->n + 1) * sizeof(*v->k));
        v->k[v->n] = key;
    }
    v->v[v->n++] = item;
}

static void jcontainer(jparser_t *jp, jval_t *v)
{
    char close = v->kind == J_OBJECT ? '}' : ']';

    if (++jp->depth > JSON_MAX_DEPTH) {
        jsyntax(jp, "nested too deeply");
    }
    jp->p++;
    jskip_ws(jp);
    if (jp->p < jp->end && *jp->p == close) {
        jp->p++;
        jp->depth--;
        return;
    }
    for (;;) {
        char *key = NULL;
        size_t i;

        jskip_ws(jp);
        if (v->kind == J_OBJECT) {
            if (jp->p >= jp->end || *jp->p != '"') {
                jsyntax(jp, jp->p >= jp->end ? "unexpected end of input" :
                        "expected a member name");
            }
            key = jstring(jp);
            for (i = 0; i < v->n; i++) {
                if (!strcmp(v->k[i], key)) {
                    input_error_line(jp->line, "(top level)",
                                     "invalid JSON: duplicate member '%s'",
                                     key);
                }
            }
            jskip_ws(jp);
            if (jp->p >= jp->end || *jp->p != ':') {
                jsyntax(jp, "expected ':'");
            }
            jp->p++;
        }
        jappend(v, key, jvalue(jp));
        jskip_ws(jp);
        if (jp->p >= jp->end) {
            jsyntax(jp, "unexpected end of input");
        }
        if (*jp->p == ',') {
            jp->p++;
            continue;
        }
        if (*jp->p == close) {
            jp->p++;
            jp->depth--;
            return;
        }
        jsyntax(jp, v->kind == J_OBJECT ? "expected ',' or '}'" :
                "expected ',' or ']'");
    }
}

static void jnumber(jparser_t *jp, jval_t *v)
{
    const char *start = jp->p;
    bool integer = true;
    size_t n;

    if (jp->p < jp->end && *jp->p == '-') {
        jp->p++;
    }
    if (jp->p >= jp->end || *jp->p < '0' || *jp->p > '9') {
        jsyntax(jp, "bad number");
    }
    if (*jp->p == '0' && jp->p + 1 < jp->end && jp->p[1] >= '0' &&
        jp->p[1] <= '9') {
        jsyntax(jp, "number with a leading zero");
    }
    while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9') {
        jp->p++;
    }
    if (jp->p < jp->end && *jp->p == '.') {
        integer = false;
        jp->p++;
        if (jp->p >= jp->end || *jp->p < '0' || *jp->p > '9') {
            jsyntax(jp, "bad number");
        }
        while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9') {
            jp->p++;
        }
    }
    if (jp->p < jp->end && (*jp->p == 'e' || *jp->p == 'E')) {
        integer = false;
        jp->p++;
        if (jp->p < jp->end && (*jp->p == '+' || *jp->p == '-')) {
            jp->p++;
        }
        if (jp->p >= jp->end || *jp->p < '0' || *jp->p > '9') {
            jsyntax(jp, "bad number");
        }
        while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9') {
            jp->p++;
        }
    }
    n = (size_t)(jp->p - start);
    v->s = xcalloc(1, n + 1);
    memcpy(v->s, start, n);
    v->kind = J_NUMBER;
    if (integer) {
        errno = 0;
        v->i = strtoll(v->s, NULL, 10);
        if (!errno) {
            v->kind = J_INT;
        }
    }
}

static jval_t *jvalue(jparser_t *jp)
{
    jval_t *v;

    jskip_ws(jp);
    if (jp->p >= jp->end) {
        jsyntax(jp, "unexpected end of input");
    }
    v = xcalloc(1, sizeof(*v));
    v->line = jp->line;
    switch (*jp->p) {
    case '{':
        v->kind = J_OBJECT;
        jcontainer(jp, v);
        break;
    case '[':
        v->kind = J_ARRAY;
        jcontainer(jp, v);
        break;
    case '"':
        v->kind = J_STRING;
        v->s = jstring(jp);
        break;
    default:
        if (jlit(jp, "true")) {
            v->kind = J_BOOL;
            v->b = true;
        } else if (jlit(jp, "false")) {
            v->kind = J_BOOL;
        } else if (jlit(jp, "null")) {
            v->kind = J_NULL;
        } else if (*jp->p == '-' || (*jp->p >= '0' && *jp->p <= '9')) {
            jnumber(jp, v);
        } else {
            jsyntax(jp, "unexpected character");
        }
    }
    return v;
}

static jval_t *jmember(const jval_t *o, const char *key)
{
    size_t i;

    for (i = 0; i < o->n; i++) {
        if (!strcmp(o->k[i], key)) {
            return o->v[i];
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Typed access with json paths in messages                             */

#define PATH_MAX_LEN 512

static void check_keys(const jval_t *o, const char *path,
                       const char *const *allowed)
{
    size_t i;

    for (i = 0; i < o->n; i++) {
        const char *const *a;
        bool ok = false;

        for (a = allowed; *a && !ok; a++) {
            ok = !strcmp(*a, o->k[i]);
        }
        if (!ok) {
            input_error_line(o->v[i]->line, path, "unknown field '%s'",
                             o->k[i]);
        }
    }
}

static const jval_t *get_object(const jval_t *v, const char *path)
{
    if (v->kind != J_OBJECT) {
        input_error_line(v->line, path, "expected an object");
    }
    return v;
}

static const jval_t *get_array(const jval_t *v, const char *path,
                               size_t max)
{
    if (v->kind != J_ARRAY) {
        input_error_line(v->line, path, "expected an array");
    }
    if (v->n > max) {
        input_error_line(v->line, path, "too many entries");
    }
    return v;
}

static uint64_t get_uint(const jval_t *v, const char *path, uint64_t max)
{
    if (v->kind == J_NUMBER && v->s && !strpbrk(v->s, ".eE")) {
        input_error_line(v->line, path, "value %s out of range (0..%" PRIu64
                         ")", v->s, max);
    }
    if (v->kind != J_INT) {
        input_error_line(v->line, path, "expected a non-negative integer");
    }
    if (v->i < 0 || (uint64_t)v->i > max) {
        input_error_line(v->line, path, "value %" PRId64 " out of range (0..%"
                         PRIu64 ")", v->i, max);
    }
    return (uint64_t)v->i;
}

static bool get_bool(const jval_t *v, const char *path)
{
    if (v->kind != J_BOOL) {
        input_error_line(v->line, path, "expected true or false");
    }
    return v->b;
}

static const char *get_string(const jval_t *v, const char *path)
{
    if (v->kind != J_STRING) {
        input_error_line(v->line, path, "expected a string");
    }
    return v->s;
}

/* An enum: a FIDL member name or a number. */
static uint64_t get_enum(const jval_t *v, const char *path, uint64_t max,
                         bool (*from_name)(const char *, uint64_t *))
{
    uint64_t r;

    if (v->kind == J_STRING) {
        if (!from_name(v->s, &r)) {
            input_error_line(v->line, path, "unknown name '%s'", v->s);
        }
        return r;
    }
    return get_uint(v, path, max);
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

/* buf = path followed by fmt's expansion (paths are short; cut if not). */
static void subpath(char *buf, size_t size, const char *path,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void subpath(char *buf, size_t size, const char *path,
                    const char *fmt, ...)
{
    size_t n = strlen(path);
    va_list ap;

    if (n >= size) {
        n = size - 1;
    }
    memcpy(buf, path, n);
    va_start(ap, fmt);
    vsnprintf(buf + n, size - n, fmt, ap);
    va_end(ap);
}

#define SUBPATH(buf, path, fmt, ...) \
    char buf[PATH_MAX_LEN]; \
    subpath(buf, sizeof(buf), path, fmt, ##__VA_ARGS__)

#define U(obj, st, field, path, max) \
    do { \
        const jval_t *m_ = jmember(obj, #field); \
        if (m_) { \
            SUBPATH(p_, path, ".%s", #field); \
            (st)->has_##field = true; \
            (st)->field = get_uint(m_, p_, max); \
        } \
    } while (0)

#define B(obj, st, field, path) \
    do { \
        const jval_t *m_ = jmember(obj, #field); \
        if (m_) { \
            SUBPATH(p_, path, ".%s", #field); \
            (st)->has_##field = true; \
            (st)->field = get_bool(m_, p_); \
        } \
    } while (0)

static void parse_size_fields(const jval_t *so, const char *p,
                              images2_size_u_t *s)
{
    static const char *const keys[] = { "width", "height", NULL };
    const jval_t *m;

    check_keys(so, p, keys);
    if ((m = jmember(so, "width"))) {
        SUBPATH(pw, p, ".width");
        s->width = get_uint(m, pw, UINT32_MAX);
    }
    if ((m = jmember(so, "height"))) {
        SUBPATH(ph, p, ".height");
        s->height = get_uint(m, ph, UINT32_MAX);
    }
}

static void parse_size(const jval_t *o, const char *key, const char *path,
                       bool *has, images2_size_u_t *s)
{
    const jval_t *m = jmember(o, key);

    if (!m) {
        return;
    }
    SUBPATH(p, path, ".%s", key);
    *has = true;
    parse_size_fields(get_object(m, p), p, s);
}

static void parse_ifc(const jval_t *o, const char *path,
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
    const jval_t *m;
    uint32_t i;

    check_keys(o, path, keys);
    if ((m = jmember(o, "pixel_format"))) {
        SUBPATH(p, path, ".pixel_format");
        f->has_pixel_format = true;
        f->pixel_format = get_enum(m, p, UINT32_MAX, fmt_from_name);
    }
    if ((m = jmember(o, "pixel_format_modifier"))) {
        SUBPATH(p, path, ".pixel_format_modifier");
        f->has_pixel_format_modifier = true;
        f->pixel_format_modifier = get_enum(m, p, UINT64_MAX, mod_from_name);
    }
    if ((m = jmember(o, "color_spaces"))) {
        SUBPATH(p, path, ".color_spaces");
        const jval_t *a = get_array(m, p,
            SYSMEM2_MAX_COUNT_IMAGE_FORMAT_CONSTRAINTS_COLOR_SPACES);

        f->has_color_spaces = true;
        f->color_spaces_count = (uint32_t)a->n;
        for (i = 0; i < f->color_spaces_count; i++) {
            SUBPATH(pi, p, "[%u]", i);
            f->color_spaces[i] = get_enum(a->v[i], pi, UINT32_MAX,
                                          cs_from_name);
        }
    }
    parse_size(o, "min_size", path, &f->has_min_size, &f->min_size);
    parse_size(o, "max_size", path, &f->has_max_size, &f->max_size);
    U(o, f, min_bytes_per_row, path, UINT32_MAX);
    U(o, f, max_bytes_per_row, path, UINT32_MAX);
    U(o, f, max_width_times_height, path, UINT64_MAX);
    parse_size(o, "size_alignment", path, &f->has_size_alignment,
               &f->size_alignment);
    parse_size(o, "display_rect_alignment", path,
               &f->has_display_rect_alignment, &f->display_rect_alignment);
    parse_size(o, "required_min_size", path, &f->has_required_min_size,
               &f->required_min_size);
    parse_size(o, "required_max_size", path, &f->has_required_max_size,
               &f->required_max_size);
    U(o, f, bytes_per_row_divisor, path, UINT32_MAX);
    U(o, f, start_offset_divisor, path, UINT32_MAX);
    if ((m = jmember(o, "pixel_format_and_modifiers"))) {
        static const char *const pk[] = { "pixel_format",
                                          "pixel_format_modifier", NULL };
        SUBPATH(p, path, ".pixel_format_and_modifiers");
        const jval_t *a = get_array(m, p,
                                    SYSMEM2_MAX_COUNT_PIXEL_FORMAT_AND_MODIFIERS);

        f->has_pixel_format_and_modifiers = true;
        f->pixel_format_and_modifiers_count = (uint32_t)a->n;
        for (i = 0; i < f->pixel_format_and_modifiers_count; i++) {
            SUBPATH(pi, p, "[%u]", i);
            SUBPATH(pf, pi, ".pixel_format");
            SUBPATH(pm, pi, ".pixel_format_modifier");
            const jval_t *e = get_object(a->v[i], pi);
            const jval_t *ef = jmember(e, "pixel_format");
            const jval_t *em = jmember(e, "pixel_format_modifier");

            check_keys(e, pi, pk);
            if (!ef || !em) {
                input_error_line(e->line, pi, "needs pixel_format and "
                                 "pixel_format_modifier");
            }
            f->pixel_format_and_modifiers[i].pixel_format =
                get_enum(ef, pf, UINT32_MAX, fmt_from_name);
            f->pixel_format_and_modifiers[i].pixel_format_modifier =
                get_enum(em, pm, UINT64_MAX, mod_from_name);
        }
    }
    B(o, f, require_bytes_per_row_at_pixel_boundary, path);
    B(o, f, is_alpha_present, path);
    if ((m = jmember(o, "required_max_size_list"))) {
        SUBPATH(p, path, ".required_max_size_list");
        const jval_t *a = get_array(m, p,
                                    SYSMEM2_MAX_COUNT_REQUIRED_MAX_SIZE_LIST);

        f->has_required_max_size_list = true;
        f->required_max_size_list_count = (uint32_t)a->n;
        for (i = 0; i < f->required_max_size_list_count; i++) {
            SUBPATH(pi, p, "[%u]", i);
            parse_size_fields(get_object(a->v[i], pi), pi,
                              &f->required_max_size_list[i]);
        }
    }
    parse_size(o, "pad_for_block_size", path, &f->has_pad_for_block_size,
               &f->pad_for_block_size);
    U(o, f, pad_beyond_image_size_bytes, path, UINT64_MAX);
}

static void parse_bmc(const jval_t *o, const char *path,
                      sysmem2_buffer_memory_constraints_t *m)
{
    static const char *const keys[] = {
        "min_size_bytes", "max_size_bytes", "physically_contiguous_required",
        "secure_required", "cpu_domain_supported", "ram_domain_supported",
        "inaccessible_domain_supported", "permitted_heaps",
        "min_physical_base_alignment", NULL,
    };
    const jval_t *ph;
    uint32_t i;

    check_keys(o, path, keys);
    U(o, m, min_size_bytes, path, UINT64_MAX);
    U(o, m, max_size_bytes, path, UINT64_MAX);
    B(o, m, physically_contiguous_required, path);
    B(o, m, secure_required, path);
    B(o, m, cpu_domain_supported, path);
    B(o, m, ram_domain_supported, path);
    B(o, m, inaccessible_domain_supported, path);
    U(o, m, min_physical_base_alignment, path, UINT64_MAX);
    if ((ph = jmember(o, "permitted_heaps"))) {
        static const char *const hk[] = { "heap_type", "id", NULL };
        SUBPATH(p, path, ".permitted_heaps");
        const jval_t *a = get_array(ph, p,
            SYSMEM2_MAX_COUNT_BUFFER_MEMORY_CONSTRAINTS_PERMITTED_HEAPS);

        m->has_permitted_heaps = true;
        m->permitted_heaps_count = (uint32_t)a->n;
        for (i = 0; i < m->permitted_heaps_count; i++) {
            SUBPATH(pi, p, "[%u]", i);
            const jval_t *e = get_object(a->v[i], pi);
            const jval_t *t = jmember(e, "heap_type");
            sysmem2_heap_t *hp = &m->permitted_heaps[i];

            check_keys(e, pi, hk);
            if (t) {
                SUBPATH(pt, pi, ".heap_type");
                const char *s = get_string(t, pt);

                if (strlen(s) > SYSMEM2_MAX_HEAP_TYPE_LENGTH) {
                    input_error_line(t->line, pt, "longer than %d bytes",
                                     SYSMEM2_MAX_HEAP_TYPE_LENGTH);
                }
                hp->has_heap_type = true;
                hp->heap_type_len = (uint32_t)strlen(s);
                memcpy(hp->heap_type, s, hp->heap_type_len + 1);
            }
            U(e, hp, id, pi, UINT64_MAX);
        }
    }
}

static void parse_constraints(const jval_t *o, const char *path,
                              sysmem2_buffer_collection_constraints_t *c)
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
    const jval_t *m;
    uint32_t i;

    check_keys(o, path, keys);
    if ((m = jmember(o, "usage"))) {
        SUBPATH(p, path, ".usage");
        const jval_t *u = get_object(m, p);

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
    if ((m = jmember(o, "buffer_memory_constraints"))) {
        SUBPATH(p, path, ".buffer_memory_constraints");

        c->has_buffer_memory_constraints = true;
        parse_bmc(get_object(m, p), p, &c->buffer_memory_constraints);
    }
    if ((m = jmember(o, "image_format_constraints"))) {
        SUBPATH(p, path, ".image_format_constraints");
        const jval_t *a = get_array(m, p,
            SYSMEM2_MAX_COUNT_BUFFER_COLLECTION_CONSTRAINTS_IMAGE_FORMAT_CONSTRAINTS);

        c->has_image_format_constraints = true;
        c->image_format_constraints_count = (uint32_t)a->n;
        for (i = 0; i < c->image_format_constraints_count; i++) {
            SUBPATH(pi, p, "[%u]", i);
            parse_ifc(get_object(a->v[i], pi), pi,
                      &c->image_format_constraints[i]);
        }
    }
}

static void parse_participant(const jval_t *po, uint32_t i, const char *path,
                              scn_participant_t *p)
{
    static const char *const pkeys[] = {
        "name", "constraints", "dispensable", "attach_after_allocation",
        "release", NULL,
    };
    static const struct { const char *name; scn_release_t r; } releases[] = {
        { "none", SCN_RELEASE_NONE },
        { "after_constraints", SCN_RELEASE_AFTER_CONSTRAINTS },
        { "before_constraints", SCN_RELEASE_BEFORE_CONSTRAINTS },
        { "close_without_release", SCN_RELEASE_CLOSE },
    };
    const jval_t *m;
    size_t r;

    check_keys(po, path, pkeys);
    if ((m = jmember(po, "name"))) {
        SUBPATH(pn, path, ".name");
        p->name = strdup(get_string(m, pn));
    } else {
        p->name = xcalloc(1, 24);
        snprintf(p->name, 24, "participant%u", i);
    }
    p->constraints = xcalloc(1, sizeof(*p->constraints));
    if ((m = jmember(po, "constraints"))) {
        SUBPATH(pc, path, ".constraints");

        p->has_constraints = true;
        parse_constraints(get_object(m, pc), pc, p->constraints);
    }
    if ((m = jmember(po, "dispensable"))) {
        SUBPATH(pd, path, ".dispensable");
        p->dispensable = get_bool(m, pd);
    }
    if ((m = jmember(po, "attach_after_allocation"))) {
        SUBPATH(pa, path, ".attach_after_allocation");
        p->attach = get_bool(m, pa);
        if (p->attach && i == 0) {
            input_error_line(m->line, pa, "the first participant owns the "
                             "root token and cannot be attached");
        }
    }
    if ((m = jmember(po, "release"))) {
        SUBPATH(pr, path, ".release");
        const char *s = get_string(m, pr);

        for (r = 0; r < sizeof(releases) / sizeof(releases[0]); r++) {
            if (!strcmp(s, releases[r].name)) {
                break;
            }
        }
        if (r == sizeof(releases) / sizeof(releases[0])) {
            input_error_line(m->line, pr, "unknown value '%s' (none, "
                             "after_constraints, before_constraints, "
                             "close_without_release)", s);
        }
        p->release = releases[r].r;
    }
}

scn_scenario_t *scn_parse(const char *prog, const char *name,
                          const char *text, size_t len)
{
    static const char *const top[] = { "participants", NULL };
    jparser_t jp = { .p = text, .end = text + len, .line = 1 };
    scn_scenario_t *s;
    const jval_t *a, *m;
    jval_t *root;
    uint32_t i;

    err_prog = prog;
    err_input = name;
    jskip_ws(&jp);
    if (jp.p >= jp.end) {
        input_error_line(0, "(top level)", "empty input");
    }
    root = jvalue(&jp);
    jskip_ws(&jp);
    if (jp.p < jp.end) {
        jsyntax(&jp, "trailing characters after the top-level value");
    }
    get_object(root, "(top level)");
    check_keys(root, "(top level)", top);
    m = jmember(root, "participants");
    if (!m) {
        input_error_line(0, "(top level)", "missing 'participants'");
    }
    a = get_array(m, "participants", SIZE_MAX);
    if (!a->n || a->n > SCN_MAX_PARTICIPANTS) {
        input_error_line(a->line, "participants", "needs 1..%d entries",
                         SCN_MAX_PARTICIPANTS);
    }
    s = xcalloc(1, sizeof(*s));
    s->count = (uint32_t)a->n;
    for (i = 0; i < s->count; i++) {
        SUBPATH(path, "", "participants[%u]", i);

        parse_participant(get_object(a->v[i], path), i, path, &s->p[i]);
    }
    jfree(root);
    return s;
}

scn_scenario_t *scn_read(const char *prog, const char *path)
{
    bool from_stdin = !path || !strcmp(path, "-");
    FILE *f = from_stdin ? stdin : fopen(path, "r");
    size_t len = 0, cap = 4096, n;
    scn_scenario_t *s;
    char *text;

    if (!f) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        exit(2);
    }
    text = xcalloc(1, cap);
    while ((n = fread(text + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            cap *= 2;
            text = xrealloc(text, cap);
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "%s: %s: read error\n", prog,
                from_stdin ? "<stdin>" : path);
        exit(2);
    }
    if (!from_stdin) {
        fclose(f);
    }
    /* Messages name the file as given, as json-glib's did. */
    s = scn_parse(prog, from_stdin ? "<stdin>" : path, text, len);
    free(text);
    return s;
}

void scn_free(scn_scenario_t *s)
{
    uint32_t i;

    if (!s) {
        return;
    }
    for (i = 0; i < s->count; i++) {
        free(s->p[i].name);
        free(s->p[i].constraints);
    }
    free(s);
}

/* ------------------------------------------------------------------ */
/* JSON output, laid out as json-glib's pretty generator does           */

typedef struct jwriter {
    FILE *f;
    int depth;
    bool first[JSON_MAX_DEPTH + 1];
    bool after_key;
} jwriter_t;

static void jw_prefix(jwriter_t *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        fputs(w->first[w->depth] ? "\n" : ",\n", w->f);
        fprintf(w->f, "%*s", 2 * w->depth, "");
        w->first[w->depth] = false;
    }
}

static void jw_string(jwriter_t *w, const char *s)
{
    jw_prefix(w);
    fputc('"', w->f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        switch (c) {
        case '"': fputs("\\\"", w->f); break;
        case '\\': fputs("\\\\", w->f); break;
        case '\b': fputs("\\b", w->f); break;
        case '\f': fputs("\\f", w->f); break;
        case '\n': fputs("\\n", w->f); break;
        case '\r': fputs("\\r", w->f); break;
        case '\t': fputs("\\t", w->f); break;
        default:
            if (c < 0x20) {
                fprintf(w->f, "\\u%04x", c);
            } else {
                fputc(c, w->f);
            }
        }
    }
    fputc('"', w->f);
}

static void jw_key(jwriter_t *w, const char *key)
{
    jw_string(w, key);
    fputs(" : ", w->f);
    w->after_key = true;
}

static void jw_int(jwriter_t *w, int64_t v)
{
    jw_prefix(w);
    fprintf(w->f, "%" PRId64, v);
}

/* JSON numbers here are int64: larger values are spelled out as strings. */
static void jw_uint(jwriter_t *w, uint64_t v)
{
    if (v > INT64_MAX) {
        char s[24];

        snprintf(s, sizeof(s), "%" PRIu64, v);
        jw_string(w, s);
    } else {
        jw_int(w, (int64_t)v);
    }
}

static void jw_bool(jwriter_t *w, bool v)
{
    jw_prefix(w);
    fputs(v ? "true" : "false", w->f);
}

static void jw_begin(jwriter_t *w, char open)
{
    jw_prefix(w);
    fputc(open, w->f);
    w->first[++w->depth] = true;
}

static void jw_end(jwriter_t *w, char close)
{
    if (!w->first[w->depth--]) {
        fprintf(w->f, "\n%*s", 2 * w->depth, "");
    }
    fputc(close, w->f);
}

/* ------------------------------------------------------------------ */
/* The outcome                                                          */

static void out_size(jwriter_t *w, const char *key, bool has,
                     const images2_size_u_t *s)
{
    if (!has) {
        return;
    }
    jw_key(w, key);
    jw_begin(w, '{');
    jw_key(w, "width");
    jw_int(w, s->width);
    jw_key(w, "height");
    jw_int(w, s->height);
    jw_end(w, '}');
}

static void out_uint(jwriter_t *w, const char *key, bool has, uint64_t v)
{
    if (has) {
        jw_key(w, key);
        jw_uint(w, v);
    }
}

static void out_bool(jwriter_t *w, const char *key, bool has, bool v)
{
    if (has) {
        jw_key(w, key);
        jw_bool(w, v);
    }
}

static void out_enum(jwriter_t *w, const char *name, uint64_t v)
{
    if (name) {
        jw_string(w, name);
    } else {
        jw_uint(w, v);
    }
}

#define OU(w, st, f) out_uint(w, #f, (st)->has_##f, (st)->f)
#define OB(w, st, f) out_bool(w, #f, (st)->has_##f, (st)->f)
#define OS(w, st, f) out_size(w, #f, (st)->has_##f, &(st)->f)

static void out_ifc(jwriter_t *w, const sysmem2_image_format_constraints_t *f)
{
    uint32_t i;

    jw_begin(w, '{');
    if (f->has_pixel_format) {
        jw_key(w, "pixel_format");
        out_enum(w, sysmem_pixel_format_name(f->pixel_format), f->pixel_format);
    }
    if (f->has_pixel_format_modifier) {
        jw_key(w, "pixel_format_modifier");
        out_enum(w, sysmem_modifier_name(f->pixel_format_modifier),
                 f->pixel_format_modifier);
    }
    if (f->has_color_spaces) {
        jw_key(w, "color_spaces");
        jw_begin(w, '[');
        for (i = 0; i < f->color_spaces_count; i++) {
            out_enum(w, sysmem_color_space_name(f->color_spaces[i]),
                     f->color_spaces[i]);
        }
        jw_end(w, ']');
    }
    OS(w, f, min_size);
    OS(w, f, max_size);
    OU(w, f, min_bytes_per_row);
    OU(w, f, max_bytes_per_row);
    OU(w, f, max_width_times_height);
    OS(w, f, size_alignment);
    OS(w, f, display_rect_alignment);
    OS(w, f, required_min_size);
    OS(w, f, required_max_size);
    OU(w, f, bytes_per_row_divisor);
    OU(w, f, start_offset_divisor);
    OB(w, f, require_bytes_per_row_at_pixel_boundary);
    OB(w, f, is_alpha_present);
    if (f->has_required_max_size_list) {
        jw_key(w, "required_max_size_list");
        jw_begin(w, '[');
        for (i = 0; i < f->required_max_size_list_count; i++) {
            jw_begin(w, '{');
            jw_key(w, "width");
            jw_int(w, f->required_max_size_list[i].width);
            jw_key(w, "height");
            jw_int(w, f->required_max_size_list[i].height);
            jw_end(w, '}');
        }
        jw_end(w, ']');
    }
    OS(w, f, pad_for_block_size);
    OU(w, f, pad_beyond_image_size_bytes);
    jw_end(w, '}');
}

static void out_rights(jwriter_t *w, uint32_t rights)
{
    static const struct { uint32_t bit; const char *name; } names[] = {
        { FIDL_RIGHT_DUPLICATE, "DUPLICATE" },
        { FIDL_RIGHT_TRANSFER, "TRANSFER" },
        { FIDL_RIGHT_READ, "READ" }, { FIDL_RIGHT_WRITE, "WRITE" },
        { FIDL_RIGHT_EXECUTE, "EXECUTE" }, { FIDL_RIGHT_MAP, "MAP" },
        { FIDL_RIGHT_GET_PROPERTY, "GET_PROPERTY" },
        { FIDL_RIGHT_SET_PROPERTY, "SET_PROPERTY" },
        { FIDL_RIGHT_SIGNAL, "SIGNAL" },
        { FIDL_RIGHT_SIGNAL_PEER, "SIGNAL_PEER" },
        { FIDL_RIGHT_WAIT, "WAIT" }, { FIDL_RIGHT_INSPECT, "INSPECT" },
    };
    size_t i;

    jw_begin(w, '[');
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (rights & names[i].bit) {
            jw_string(w, names[i].name);
        }
    }
    jw_end(w, ']');
}

static void out_info(jwriter_t *w, const sysmem2_buffer_collection_info_t *info,
                     const scn_seen_t *seen)
{
    const sysmem2_buffer_memory_settings_t *bs = &info->settings.buffer_settings;
    uint32_t i;

    jw_begin(w, '{');
    jw_key(w, "settings");
    jw_begin(w, '{');
    jw_key(w, "buffer_settings");
    jw_begin(w, '{');
    OU(w, bs, size_bytes);
    OB(w, bs, is_physically_contiguous);
    OB(w, bs, is_secure);
    if (bs->has_coherency_domain) {
        jw_key(w, "coherency_domain");
        out_enum(w, sysmem2_coherency_domain_name(bs->coherency_domain),
                 bs->coherency_domain);
    }
    if (bs->has_heap) {
        jw_key(w, "heap");
        jw_begin(w, '{');
        jw_key(w, "heap_type");
        jw_string(w, bs->heap.heap_type);
        jw_key(w, "id");
        jw_int(w, (int64_t)bs->heap.id);
        jw_end(w, '}');
    }
    OU(w, bs, raw_vmo_size);
    jw_end(w, '}');
    if (info->settings.has_image_format_constraints) {
        jw_key(w, "image_format_constraints");
        out_ifc(w, &info->settings.image_format_constraints);
    }
    jw_end(w, '}');
    jw_key(w, "buffers");
    jw_begin(w, '[');
    for (i = 0; i < info->buffers_count; i++) {
        jw_begin(w, '{');
        jw_key(w, "vmo_usable_start");
        jw_int(w, (int64_t)info->buffers[i].vmo_usable_start);
        if (i < seen->num_handles) {
            jw_key(w, "rights");
            out_rights(w, seen->rights[i]);
        }
        jw_end(w, '}');
    }
    jw_end(w, ']');
    jw_end(w, '}');
}

bool scn_can_anchor(const scn_scenario_t *s, uint32_t i,
                    const scn_seen_t *seen, bool alive)
{
    return !s->p[i].attach && !seen[i].closed_by_us && seen[i].bound &&
           alive && s->p[i].release == SCN_RELEASE_NONE;
}

void scn_print_outcome(FILE *out, const scn_scenario_t *s,
                       const scn_seen_t *seen)
{
    jwriter_t w = { .f = out };
    int first_ok = -1, with_vmos = -1;
    sysmem2_error_t top_err = SYSMEM2_ERROR_UNSPECIFIED;
    bool have_top_err = false;
    uint32_t i;

    /* The collection's outcome: what the initial participants heard. */
    for (i = 0; i < s->count; i++) {
        if (s->p[i].attach || !seen[i].answered) {
            continue;
        }
        if (!seen[i].error && first_ok < 0) {
            first_ok = (int)i;
        } else if (seen[i].error && !have_top_err) {
            top_err = seen[i].error;
            have_top_err = true;
        }
        if (!seen[i].error && seen[i].num_handles && with_vmos < 0) {
            with_vmos = (int)i;
        }
    }
    if (with_vmos < 0) {
        with_vmos = first_ok;
    }

    jw_begin(&w, '{');
    jw_key(&w, "allocated");
    jw_bool(&w, first_ok >= 0);
    if (first_ok >= 0) {
        jw_key(&w, "buffer_collection_info");
        out_info(&w, seen[with_vmos].info, &seen[with_vmos]);
    } else {
        jw_key(&w, "error");
        jw_string(&w, sysmem2_error_name(top_err) ?: "UNKNOWN");
    }
    jw_key(&w, "participants");
    jw_begin(&w, '[');
    for (i = 0; i < s->count; i++) {
        const scn_participant_t *p = &s->p[i];
        const scn_seen_t *o = &seen[i];
        sysmem2_error_t err;
        bool ok;

        if (o->answered) {
            ok = !o->error;
            err = o->error;
        } else if (p->release == SCN_RELEASE_BEFORE_CONSTRAINTS && !p->attach) {
            /* took part without constraints: shares the collection's fate */
            ok = first_ok >= 0;
            err = top_err;
        } else {
            ok = false;
            err = (!p->attach && have_top_err) ? top_err :
                  SYSMEM2_ERROR_UNSPECIFIED;
        }
        jw_begin(&w, '{');
        jw_key(&w, "name");
        jw_string(&w, p->name);
        jw_key(&w, "status");
        jw_string(&w, ok ? "allocated" : "failed");
        if (!ok) {
            jw_key(&w, "error");
            jw_string(&w, sysmem2_error_name(err) ?: "UNKNOWN");
            if (!o->answered) {
                /* no Error value: the channel was closed (peer closed) */
                jw_key(&w, "channel_closed");
                jw_bool(&w, true);
            }
        } else {
            jw_key(&w, "buffers_with_vmo");
            jw_int(&w, o->answered ? o->num_handles : 0);
            if (o->answered && o->num_handles) {
                jw_key(&w, "vmo_rights");
                out_rights(&w, o->rights[0]);
            }
            if (!o->closed_by_us && o->bound && o->closed_by_sysmem) {
                /* the collection failed later (someone left without Release) */
                jw_key(&w, "closed_after_allocation");
                jw_bool(&w, true);
            }
        }
        jw_end(&w, '}');
    }
    jw_end(&w, ']');
    jw_end(&w, '}');
    fputc('\n', out);
}
