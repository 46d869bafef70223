/*
 * Constraint sanitizing, combining and choosing (pure functions)
 *
 * The decision half of Fuchsia's LogicalBufferCollection: per-participant
 * constraints are sanitized (defaults materialized, image formats flattened
 * to one (pixel_format, modifier) per entry), folded into one aggregate, and
 * the aggregate turned into the SingleBufferSettings every participant will
 * see.  Inputs in, result or fuchsia.sysmem2.Error out; the reason for a
 * failure is appended to @why (may be NULL).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_SYSMEM_CONSTRAINTS_H
#define HW_SYSMEM_CONSTRAINTS_H

#include <glib.h>
#include "sysmem/sysmem2.h"

typedef sysmem2_buffer_collection_constraints_t SysmemConstraints;

/* Most buffers in one collection (the v1 limit; Fuchsia applies it to v2). */
#define SYSMEM_MAX_BUFFERS 64
/* Largest buffer_count * size_bytes of one collection. */
#define SYSMEM_MAX_COLLECTION_BYTES (1ull << 30)

typedef struct SysmemHeapDesc {
    const char *heap_type;      /* bind string */
    uint64_t id;
    bool secure;
    bool cpu_domain;            /* coherency domains the heap supports */
    bool ram_domain;
    bool inaccessible_domain;
} SysmemHeapDesc;

typedef struct SysmemAllocEnv {
    const SysmemHeapDesc *heaps;
    unsigned nheaps;
    uint64_t page_size;
    uint64_t max_buffer_size;
} SysmemAllocEnv;

/*
 * Sanitize one participant's constraints (@in NULL: SetConstraints without
 * constraints).  @out is fully materialized: every field set, image formats
 * flattened, defaults applied.
 */
sysmem2_error_t sysmem_constraints_sanitize(const SysmemConstraints *in,
                                            SysmemConstraints *out,
                                            GString *why);

/*
 * Fold sanitized @p into @acc.  *have_acc false means @acc is empty: @p is
 * copied and *have_acc set.
 */
sysmem2_error_t sysmem_constraints_combine(SysmemConstraints *acc,
                                           bool *have_acc,
                                           const SysmemConstraints *p,
                                           GString *why);

/* True if some participant implies a non-zero buffer size. */
bool sysmem_constraints_imply_size(const SysmemConstraints *p);

/*
 * The "aggregated" stage: required_max_size folded into the list,
 * dominated sizes and DO_NOT_CARE entries removed, colour spaces collapsed
 * to the best one.
 */
sysmem2_error_t sysmem_constraints_finish(SysmemConstraints *acc, GString *why);

/*
 * Choose the buffer count and settings from a finished aggregate.
 * raw_vmo_size is the allocation size (page rounded, padding included).
 */
sysmem2_error_t sysmem_constraints_choose(const SysmemAllocEnv *env,
                                          const SysmemConstraints *acc,
                                          sysmem2_single_buffer_settings_t *out,
                                          uint32_t *buffer_count,
                                          GString *why);

/* The constraints that pin an existing allocation (late AttachToken). */
void sysmem_constraints_pin(const sysmem2_single_buffer_settings_t *s,
                            uint32_t buffer_count, SysmemConstraints *out);

/* Settings equal for the purpose of a late logical allocation. */
bool sysmem_settings_equal(const sysmem2_single_buffer_settings_t *a,
                           const sysmem2_single_buffer_settings_t *b);

/* Usage bits that let a participant write (it gets WRITE rights). */
bool sysmem_usage_writes(const sysmem2_buffer_usage_t *u);
/* Usage is "none" only: no buffer handles are handed out. */
bool sysmem_usage_is_none_only(const sysmem2_buffer_usage_t *u);

const char *sysmem_error_name(sysmem2_error_t err);
bool sysmem_error_from_name(const char *name, sysmem2_error_t *err);
const char *sysmem_coherency_domain_name(sysmem2_coherency_domain_t d);

#endif
