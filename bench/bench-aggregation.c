/*
 * Benchmark 1 (issue 7): core aggregation cost for 2, 4, 16 and 64
 * participants, raw buffers and NV12 1920x1080 with several formats and
 * color spaces per participant, and the slope per added participant.
 *
 * Baseline in the same run: decoding those participants' SetConstraints
 * messages with the codec (the floor for touching the input once).
 *
 *   aggregate   sanitize every participant + combine + finish + choose
 *               (what the core does once all constraints are in)
 *   negotiate   the whole negotiation through the core's message interface
 *               (tokens, Bind, SetConstraints encode+decode, Wait, teardown)
 *
 * usage: bench-aggregation [ROUNDS]    (JSON under $BENCH_DIR/build/bench)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "bench/bench-util.h"
#include "tests/unit/test-core-util.h"

static const SysmemHeapDesc heaps[] = {
    { SYSMEM2_HEAP_TYPE_SYSTEM_RAM, 0, false, true, true, true },
};
static const SysmemAllocEnv env = {
    .heaps = heaps, .nheaps = 1, .page_size = 4096,
    .max_buffer_size = 256u << 20,
};

/* Raw: CPU usage, camping 1, 64 KiB + i pages, both CPU-visible domains. */
static void participant_raw(SysmemConstraints *c, unsigned i)
{
    memset(c, 0, sizeof(*c));
    c_cpu(c, i % 2 ? SYSMEM2_CPU_USAGE_READ_OFTEN : CPU_RW);
    c_camping(c, 1);
    c_size(c, 65536 + 4096 * i, 0);
    c_domains(c, true, true, false);
}

/*
 * NV12 1920x1080: every participant lists four pixel formats with two to
 * four color spaces each (NV12/REC709 is the one they all share), and its
 * own row alignment.
 */
static void participant_nv12(SysmemConstraints *c, unsigned i)
{
    static const uint32_t yuv_cs[] = {
        IMAGES2_COLOR_SPACE_REC601_NTSC, IMAGES2_COLOR_SPACE_REC601_PAL,
        IMAGES2_COLOR_SPACE_REC601_NTSC_FULL_RANGE,
        IMAGES2_COLOR_SPACE_REC601_PAL_FULL_RANGE,
    };
    sysmem2_image_format_constraints_t *f;

    memset(c, 0, sizeof(*c));
    c_cpu(c, SYSMEM2_CPU_USAGE_READ_OFTEN);
    c_camping(c, 1);
    f = c_image(c, IMAGES2_PIXEL_FORMAT_NV12, IMAGES2_COLOR_SPACE_REC709);
    f->color_spaces[f->color_spaces_count++] = yuv_cs[i % 4];
    f->color_spaces[f->color_spaces_count++] = yuv_cs[(i + 1) % 4];
    f->color_spaces[f->color_spaces_count++] = yuv_cs[(i + 2) % 4];
    ifc_min_size(f, 1920, 1080);
    f->has_bytes_per_row_divisor = true;
    f->bytes_per_row_divisor = 16u << (i % 3);
    f = c_image(c, IMAGES2_PIXEL_FORMAT_I420, IMAGES2_COLOR_SPACE_REC709);
    f->color_spaces[f->color_spaces_count++] = yuv_cs[i % 4];
    ifc_min_size(f, 1920, 1080);
    f = c_image(c, IMAGES2_PIXEL_FORMAT_YV12, IMAGES2_COLOR_SPACE_REC601_PAL);
    f->color_spaces[f->color_spaces_count++] = IMAGES2_COLOR_SPACE_REC709;
    ifc_min_size(f, 1920, 1080);
    f = c_image(c, IMAGES2_PIXEL_FORMAT_B8G8R8A8, IMAGES2_COLOR_SPACE_SRGB);
    ifc_min_size(f, 1920, 1080);
}

typedef struct Input {
    unsigned n;
    SysmemConstraints **raw;        /* as built */
    uint8_t **msg;                  /* encoded SetConstraints requests */
    uint32_t *len;
    SysmemConstraints **san;        /* scratch */
    sysmem2_buffer_collection_set_constraints_request_t *dec;  /* scratch */
} Input;

static const sysmem_method_t *set_constraints_method(void)
{
    return sysmem_method_by_id(
        SYSMEM_M_SYSMEM2_BUFFER_COLLECTION_SET_CONSTRAINTS);
}

static void input_init(Input *in, unsigned n, bool nv12)
{
    const sysmem_method_t *m = set_constraints_method();
    g_autofree sysmem2_buffer_collection_set_constraints_request_t *r =
        g_new0(sysmem2_buffer_collection_set_constraints_request_t, 1);
    g_autofree uint8_t *buf = g_malloc(FIDL_MAX_MSG_BYTES);
    fidl_handle_info_t hinfo[FIDL_MAX_MSG_HANDLES];
    uint32_t nh;
    unsigned i;

    in->n = n;
    in->raw = g_new(SysmemConstraints *, n);
    in->san = g_new(SysmemConstraints *, n);
    in->msg = g_new(uint8_t *, n);
    in->len = g_new(uint32_t, n);
    in->dec = g_new0(sysmem2_buffer_collection_set_constraints_request_t, 1);
    for (i = 0; i < n; i++) {
        in->raw[i] = g_new(SysmemConstraints, 1);
        in->san[i] = g_new(SysmemConstraints, 1);
        (nv12 ? participant_nv12 : participant_raw)(in->raw[i], i);
        r->has_constraints = true;
        r->constraints = *in->raw[i];
        if (sysmem_encode_request(m, 0, r, buf, FIDL_MAX_MSG_BYTES,
                                  &in->len[i], hinfo, FIDL_MAX_MSG_HANDLES,
                                  &nh)) {
            abort();
        }
        in->msg[i] = g_memdup2(buf, in->len[i]);
    }
}

static void input_free(Input *in)
{
    unsigned i;

    for (i = 0; i < in->n; i++) {
        g_free(in->raw[i]);
        g_free(in->san[i]);
        g_free(in->msg[i]);
    }
    g_free(in->raw);
    g_free(in->san);
    g_free(in->msg);
    g_free(in->len);
    g_free(in->dec);
}

/* Baseline: decode every participant's SetConstraints message once. */
static void decode_all(Input *in)
{
    const sysmem_method_t *m = set_constraints_method();
    fidl_message_header_t hdr;
    unsigned i;

    for (i = 0; i < in->n; i++) {
        if (sysmem_decode_request(m, in->msg[i], in->len[i], NULL, 0, &hdr,
                                  in->dec) || !in->dec->has_constraints) {
            abort();
        }
    }
}

static G_NORETURN void fail(const char *what, GString *why)
{
    fprintf(stderr, "bench-aggregation: %s: %s\n", what, why->str);
    abort();
}

static void aggregate(Input *in, SysmemConstraints *acc)
{
    static GString *why;
    sysmem2_single_buffer_settings_t out;
    bool have = false;
    uint32_t count;
    unsigned i;

    if (!why) {
        why = g_string_new(NULL);
    }
    for (i = 0; i < in->n; i++) {
        if (sysmem_constraints_sanitize(in->raw[i], in->san[i], why)) {
            fail("sanitize", why);
        }
    }
    for (i = 0; i < in->n; i++) {
        if (sysmem_constraints_combine(acc, &have, in->san[i], why)) {
            fail("combine", why);
        }
    }
    if (sysmem_constraints_finish(acc, why) ||
        sysmem_constraints_choose(&env, acc, &out, &count, why)) {
        fail("finish/choose", why);
    }
}

static void negotiate(Input *in)
{
    VsHost *h = test_host(1ull << 30, 0);
    TestCollection tc;
    unsigned i;
    VsCall *w;

    test_collection(h, &tc, in->n);
    for (i = 0; i < in->n; i++) {
        vs_set_constraints(h, tc.colls[i], in->raw[i]);
    }
    w = vs_wait(h, tc.colls[0], false);
    if (!w->answered || vs_wait_result(w, NULL)) {
        abort();
    }
    vs_host_free(h);
}

enum { OP_DECODE, OP_AGGREGATE, OP_NEGOTIATE };

/* Mean microseconds of one op over enough repetitions for >= 5 ms. */
static double time_op(Input *in, int op, SysmemConstraints *acc)
{
    unsigned reps = 0;
    double t0 = bench_now_us(), t;

    do {
        switch (op) {
        case OP_DECODE:
            decode_all(in);
            break;
        case OP_AGGREGATE:
            aggregate(in, acc);
            break;
        default:
            negotiate(in);
        }
        reps++;
        t = bench_now_us() - t0;
    } while (t < 5000);
    return t / reps;
}

int main(int argc, char **argv)
{
    static const unsigned ns[] = { 2, 4, 16, 64 };
    static const char *const kinds[] = { "raw", "nv12-1080p" };
    unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 15;
    g_autofree SysmemConstraints *acc = g_new(SysmemConstraints, 1);
    BenchReport rep = { .benchmark = "core-aggregation" };
    double *v[3];
    unsigned k, j, r, op;

    if (rounds < 1) {
        fprintf(stderr, "usage: %s [ROUNDS]\n", argv[0]);
        return 2;
    }
    for (op = 0; op < 3; op++) {
        v[op] = g_new(double, rounds);
    }
    for (k = 0; k < 2; k++) {
        double x[4], agg[4], dec[4], neg[4];

        for (j = 0; j < G_N_ELEMENTS(ns); j++) {
            char name[96];
            BenchMetric *base;
            Input in;

            input_init(&in, ns[j], k == 1);
            for (op = 0; op < 3; op++) {
                time_op(&in, op, acc);          /* warm up */
            }
            /* Interleave so every round sees the same machine load. */
            for (r = 0; r < rounds; r++) {
                for (op = 0; op < 3; op++) {
                    v[op][r] = time_op(&in, op, acc);
                }
            }
            snprintf(name, sizeof(name), "%s decode x%u", kinds[k], ns[j]);
            base = bench_add(&rep, name, "us", v[OP_DECODE], rounds, NULL);
            dec[j] = base->median;
            snprintf(name, sizeof(name), "%s aggregate %u", kinds[k], ns[j]);
            agg[j] = bench_add(&rep, name, "us", v[OP_AGGREGATE], rounds,
                               base)->median;
            snprintf(name, sizeof(name), "%s negotiate %u", kinds[k], ns[j]);
            neg[j] = bench_add(&rep, name, "us", v[OP_NEGOTIATE], rounds,
                               base)->median;
            x[j] = ns[j];
            input_free(&in);
        }
        {
            char name[96], bname[96];
            double ds = bench_slope(x, dec, 4);

            snprintf(bname, sizeof(bname), "%s decode slope", kinds[k]);
            snprintf(name, sizeof(name), "%s aggregate slope/participant",
                     kinds[k]);
            bench_add1(&rep, name, "us", bench_slope(x, agg, 4), bname, ds);
            snprintf(name, sizeof(name), "%s negotiate slope/participant",
                     kinds[k]);
            bench_add1(&rep, name, "us", bench_slope(x, neg, 4), bname, ds);
        }
    }
    bench_print(&rep, "time per aggregation vs decoding the inputs "
                "(ratio = x decode)");
    for (op = 0; op < 3; op++) {
        g_free(v[op]);
    }
    return bench_write_json(&rep, NULL) ? 1 : 0;
}
