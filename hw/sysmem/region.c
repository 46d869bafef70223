/*
 * Shared-memory region allocator: two-level segregated fit (TLSF)
 *
 * Why TLSF and not a buddy allocator: buffer sizes are arbitrary page
 * multiples (an NV12 1080p frame is 3037 KiB), and a buddy allocator would
 * round each one up to a power of two, wasting up to half the region.  TLSF
 * allocates exact page multiples, is O(1) for both allocation and release,
 * and its good-fit policy keeps external fragmentation bounded in practice
 * (docs/core.md has the churn numbers).  The metadata lives outside the
 * region: the region may be guest-visible or not mapped here at all.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "hw/sysmem/region.h"

#define SL_LOG2 4
#define SL_COUNT (1u << SL_LOG2)
#define FL_COUNT 64

typedef struct RegionBlock RegionBlock;
struct RegionBlock {
    uint64_t start;             /* in granules; hash key for used blocks */
    uint64_t len;               /* in granules */
    bool free;
    RegionBlock *phys_prev, *phys_next;
    RegionBlock *free_prev, *free_next;
};

struct SysmemRegion {
    uint64_t base;
    uint64_t granule;
    unsigned granule_shift;
    uint64_t pages;
    uint64_t used_pages;
    uint32_t free_blocks;
    uint64_t fl_bitmap;
    uint32_t sl_bitmap[FL_COUNT];
    RegionBlock *heads[FL_COUNT][SL_COUNT];
    RegionBlock *first;         /* physical order */
    GHashTable *used;           /* start -> RegionBlock */
    /*
     * Never-used tracking: granules at or above clean_from have not been
     * handed out since the owner declared the region zero
     * (sysmem_region_assume_zeroed), so they still read as zero.  pages
     * (the default) means nothing is known to be zero.
     */
    uint64_t clean_from;
};

static unsigned fls64(uint64_t v)
{
    return 63 - __builtin_clzll(v);
}

static void mapping_insert(uint64_t len, unsigned *fl, unsigned *sl)
{
    if (len < SL_COUNT) {
        *fl = 0;
        *sl = len;
    } else {
        unsigned f = fls64(len);
        *sl = (len >> (f - SL_LOG2)) - SL_COUNT;
        *fl = f - SL_LOG2 + 1;
    }
}

/* Round up so that any block in the found list is large enough. */
static bool mapping_search(uint64_t len, unsigned *fl, unsigned *sl)
{
    if (len >= SL_COUNT) {
        uint64_t round = (1ull << (fls64(len) - SL_LOG2)) - 1;
        if (len + round < len) {
            return false;
        }
        len += round;
    }
    mapping_insert(len, fl, sl);
    return true;
}

static void free_list_insert(SysmemRegion *r, RegionBlock *b)
{
    unsigned fl, sl;

    mapping_insert(b->len, &fl, &sl);
    b->free = true;
    b->free_prev = NULL;
    b->free_next = r->heads[fl][sl];
    if (b->free_next) {
        b->free_next->free_prev = b;
    }
    r->heads[fl][sl] = b;
    r->fl_bitmap |= 1ull << fl;
    r->sl_bitmap[fl] |= 1u << sl;
    r->free_blocks++;
}

static void free_list_remove(SysmemRegion *r, RegionBlock *b)
{
    unsigned fl, sl;

    mapping_insert(b->len, &fl, &sl);
    if (b->free_prev) {
        b->free_prev->free_next = b->free_next;
    } else {
        r->heads[fl][sl] = b->free_next;
        if (!b->free_next) {
            r->sl_bitmap[fl] &= ~(1u << sl);
            if (!r->sl_bitmap[fl]) {
                r->fl_bitmap &= ~(1ull << fl);
            }
        }
    }
    if (b->free_next) {
        b->free_next->free_prev = b->free_prev;
    }
    b->free = false;
    b->free_prev = b->free_next = NULL;
    r->free_blocks--;
}

static RegionBlock *find_suitable(SysmemRegion *r, unsigned fl, unsigned sl)
{
    uint32_t sl_map;
    uint64_t fl_map;

    if (fl >= FL_COUNT) {
        return NULL;
    }
    sl_map = sl < 32 ? r->sl_bitmap[fl] & (~0u << sl) : 0;
    if (!sl_map) {
        fl_map = fl + 1 < 64 ? r->fl_bitmap & (~0ull << (fl + 1)) : 0;
        if (!fl_map) {
            return NULL;
        }
        fl = __builtin_ctzll(fl_map);
        sl_map = r->sl_bitmap[fl];
    }
    sl = __builtin_ctz(sl_map);
    return r->heads[fl][sl];
}

/*
 * Blocks a best-fit pass looks at in the request's own size class.  A class
 * spans 1/16 of a power of two, so its blocks differ by < 6.25%; the walk
 * stops at an exact fit, and is bounded so a class with many similar
 * blocks stays O(1).
 */
#define BEST_FIT_SCAN 16

/*
 * The smallest block of @want's own size class that holds @want.  Good
 * fit alone (find_suitable after rounding up) never looks here, so the
 * exact hole a freed buffer of the same size left would be skipped for a
 * split of a larger block: sysmem allocates the same frame sizes over and
 * over, and reusing those holes is what keeps big blocks intact.
 */
static RegionBlock *best_fit_in_class(SysmemRegion *r, uint64_t want)
{
    RegionBlock *b, *best = NULL;
    unsigned fl, sl, n = 0;

    mapping_insert(want, &fl, &sl);
    if (fl >= FL_COUNT) {
        return NULL;
    }
    for (b = r->heads[fl][sl]; b && n < BEST_FIT_SCAN; b = b->free_next, n++) {
        if (b->len >= want && (!best || b->len < best->len)) {
            best = b;
            if (b->len == want) {
                break;
            }
        }
    }
    return best;
}

/* Split @b so that it keeps the first @len granules; the rest becomes free. */
static void split_tail(SysmemRegion *r, RegionBlock *b, uint64_t len)
{
    RegionBlock *rest;

    if (b->len == len) {
        return;
    }
    rest = g_new0(RegionBlock, 1);
    rest->start = b->start + len;
    rest->len = b->len - len;
    rest->phys_prev = b;
    rest->phys_next = b->phys_next;
    if (rest->phys_next) {
        rest->phys_next->phys_prev = rest;
    }
    b->phys_next = rest;
    b->len = len;
    free_list_insert(r, rest);
}

static void init_blocks(SysmemRegion *r)
{
    RegionBlock *b;

    memset(r->heads, 0, sizeof(r->heads));
    memset(r->sl_bitmap, 0, sizeof(r->sl_bitmap));
    r->fl_bitmap = 0;
    r->free_blocks = 0;
    r->used_pages = 0;
    r->first = NULL;
    if (!r->pages) {
        return;
    }
    b = g_new0(RegionBlock, 1);
    b->len = r->pages;
    r->first = b;
    free_list_insert(r, b);
}

SysmemRegion *sysmem_region_new(uint64_t base, uint64_t size, uint64_t granule)
{
    SysmemRegion *r;

    if (!granule || (granule & (granule - 1)) || (base & (granule - 1)) ||
        (size & (granule - 1))) {
        return NULL;
    }
    r = g_new0(SysmemRegion, 1);
    r->base = base;
    r->granule = granule;
    r->granule_shift = __builtin_ctzll(granule);
    r->pages = size >> r->granule_shift;
    r->used = g_hash_table_new(g_int64_hash, g_int64_equal);
    r->clean_from = r->pages;
    init_blocks(r);
    return r;
}

static void free_all_blocks(SysmemRegion *r)
{
    RegionBlock *b = r->first, *next;

    while (b) {
        next = b->phys_next;
        g_free(b);
        b = next;
    }
    r->first = NULL;
    g_hash_table_remove_all(r->used);
}

void sysmem_region_destroy(SysmemRegion *r)
{
    if (!r) {
        return;
    }
    free_all_blocks(r);
    g_hash_table_destroy(r->used);
    g_free(r);
}

void sysmem_region_reset(SysmemRegion *r)
{
    free_all_blocks(r);
    init_blocks(r);
}

void sysmem_region_assume_zeroed(SysmemRegion *r)
{
    RegionBlock *b;
    uint64_t end = 0;

    /* Everything from the end of the last allocation on is free (zero). */
    for (b = r->first; b; b = b->phys_next) {
        if (!b->free) {
            end = b->start + b->len;
        }
    }
    r->clean_from = end;
}

bool sysmem_region_alloc(SysmemRegion *r, uint64_t size, uint64_t align,
                         uint64_t *offset)
{
    return sysmem_region_alloc_ex(r, size, align, offset, NULL);
}

bool sysmem_region_alloc_ex(SysmemRegion *r, uint64_t size, uint64_t align,
                            uint64_t *offset, uint64_t *dirty)
{
    uint64_t len, align_pages = 1, want, start, gap;
    unsigned fl, sl;
    RegionBlock *b;

    if (!size || (align & (align - 1))) {
        return false;
    }
    if (size > UINT64_MAX - r->granule) {
        return false;
    }
    len = (size + r->granule - 1) >> r->granule_shift;
    if (align > r->granule) {
        align_pages = align >> r->granule_shift;
    }
    if (len > r->pages || align_pages > r->pages) {
        return false;
    }
    want = len + align_pages - 1;
    b = best_fit_in_class(r, want);
    if (!b) {
        /* Good fit: any block of the next non-empty class is big enough. */
        if (!mapping_search(want, &fl, &sl)) {
            return false;
        }
        b = find_suitable(r, fl, sl);
    }
    if (!b) {
        /*
         * Near exhaustion: the bounded scan may have missed a fitting block
         * deeper in the request's own class; walk the whole list.
         */
        mapping_insert(want, &fl, &sl);
        for (b = fl < FL_COUNT ? r->heads[fl][sl] : NULL; b && b->len < want;
             b = b->free_next) {
        }
        if (!b) {
            return false;
        }
    }
    free_list_remove(r, b);
    /* The region base is granule-aligned; alignment is relative to offsets. */
    start = (b->start + align_pages - 1) & ~(align_pages - 1);
    gap = start - b->start;
    if (gap) {
        /* Carve the alignment gap off the front and keep it free. */
        RegionBlock *front = b;
        split_tail(r, front, gap);
        b = front->phys_next;
        free_list_remove(r, b);
        free_list_insert(r, front);
    }
    split_tail(r, b, len);
    g_hash_table_insert(r->used, &b->start, b);
    r->used_pages += len;
    *offset = r->base + (b->start << r->granule_shift);
    if (dirty) {
        /* Only the part below the high-water mark can hold old data. */
        *dirty = b->start >= r->clean_from ? 0 :
                 MIN(r->clean_from - b->start, len) << r->granule_shift;
    }
    r->clean_from = MAX(r->clean_from, b->start + len);
    return true;
}

static RegionBlock *lookup_used(const SysmemRegion *r, uint64_t offset)
{
    uint64_t start;

    if (offset < r->base || ((offset - r->base) & (r->granule - 1))) {
        return NULL;
    }
    start = (offset - r->base) >> r->granule_shift;
    return g_hash_table_lookup(r->used, &start);
}

uint64_t sysmem_region_alloc_size(const SysmemRegion *r, uint64_t offset)
{
    RegionBlock *b = lookup_used(r, offset);

    return b ? b->len << r->granule_shift : 0;
}

bool sysmem_region_release(SysmemRegion *r, uint64_t offset)
{
    RegionBlock *b = lookup_used(r, offset), *n;

    if (!b) {
        return false;
    }
    g_hash_table_remove(r->used, &b->start);
    r->used_pages -= b->len;
    n = b->phys_next;
    if (n && n->free) {
        free_list_remove(r, n);
        b->len += n->len;
        b->phys_next = n->phys_next;
        if (b->phys_next) {
            b->phys_next->phys_prev = b;
        }
        g_free(n);
    }
    n = b->phys_prev;
    if (n && n->free) {
        free_list_remove(r, n);
        n->len += b->len;
        n->phys_next = b->phys_next;
        if (n->phys_next) {
            n->phys_next->phys_prev = n;
        }
        g_free(b);
        b = n;
    }
    free_list_insert(r, b);
    return true;
}

static uint64_t largest_free_pages(const SysmemRegion *r)
{
    unsigned fl;
    int sl;
    uint64_t best = 0;
    RegionBlock *b;

    if (!r->fl_bitmap) {
        return 0;
    }
    fl = fls64(r->fl_bitmap);
    sl = 31 - __builtin_clz(r->sl_bitmap[fl]);
    /* The top list holds sizes in one range; scan it for the maximum. */
    for (b = r->heads[fl][sl]; b; b = b->free_next) {
        best = MAX(best, b->len);
    }
    return best;
}

void sysmem_region_get_stats(const SysmemRegion *r, SysmemRegionStats *st)
{
    st->size = r->pages << r->granule_shift;
    st->used = r->used_pages << r->granule_shift;
    st->free = st->size - st->used;
    st->largest_free = largest_free_pages(r) << r->granule_shift;
    st->allocations = g_hash_table_size(r->used);
    st->free_blocks = r->free_blocks;
}

unsigned sysmem_region_fragmentation(const SysmemRegion *r)
{
    SysmemRegionStats st;

    sysmem_region_get_stats(r, &st);
    if (!st.free) {
        return 0;
    }
    return 1000 - (unsigned)((st.largest_free * 1000) / st.free);
}

bool sysmem_region_check(const SysmemRegion *r)
{
    RegionBlock *b, *prev = NULL;
    uint64_t next_start = 0, used = 0;
    uint32_t nfree = 0, nused = 0;

    for (b = r->first; b; prev = b, b = b->phys_next) {
        if (b->start != next_start || !b->len || b->phys_prev != prev) {
            return false;
        }
        if (b->free) {
            unsigned fl, sl;
            RegionBlock *f;
            bool found = false;

            if (prev && prev->free) {
                return false;       /* missed coalescing */
            }
            mapping_insert(b->len, &fl, &sl);
            for (f = r->heads[fl][sl]; f; f = f->free_next) {
                if (f == b) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
            nfree++;
        } else {
            if (g_hash_table_lookup(r->used, &b->start) != b) {
                return false;
            }
            used += b->len;
            nused++;
        }
        next_start = b->start + b->len;
    }
    return next_start == r->pages && used == r->used_pages &&
           nfree == r->free_blocks && nused == g_hash_table_size(r->used);
}

/* ------------------------------------------------------------------ */
/* Migration (hw/sysmem/snapshot.c)                                     */

void sysmem_region_export(const SysmemRegion *r,
                          void (*fn)(void *opaque,
                                     const SysmemRegionBlock *blk),
                          void *opaque)
{
    SysmemRegionBlock blk;
    const RegionBlock *b;
    unsigned fl, sl;

    for (b = r->first; b; b = b->phys_next) {
        if (!b->free) {
            blk.offset = r->base + (b->start << r->granule_shift);
            blk.size = b->len << r->granule_shift;
            blk.free = false;
            fn(opaque, &blk);
        }
    }
    for (fl = 0; fl < FL_COUNT; fl++) {
        for (sl = 0; sl < SL_COUNT; sl++) {
            for (b = r->heads[fl][sl]; b; b = b->free_next) {
                blk.offset = r->base + (b->start << r->granule_shift);
                blk.size = b->len << r->granule_shift;
                blk.free = true;
                fn(opaque, &blk);
            }
        }
    }
}

static int block_cmp(const void *a, const void *b)
{
    const SysmemRegionBlock *x = *(const SysmemRegionBlock *const *)a;
    const SysmemRegionBlock *y = *(const SysmemRegionBlock *const *)b;

    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

bool sysmem_region_import(SysmemRegion *r, const SysmemRegionBlock *blocks,
                          size_t n)
{
    g_autofree const SysmemRegionBlock **sorted = NULL;
    RegionBlock **made = NULL;
    uint64_t next = 0, used = 0;
    size_t i;

    free_all_blocks(r);
    init_blocks(r);
    /*
     * The restored region's bytes come from elsewhere (the migration
     * source, a snapshot); the stream does not say which were never used,
     * so from now on none is assumed zero.
     */
    r->clean_from = r->pages;
    if (n > r->pages || (r->pages && !n)) {
        return false;
    }
    sorted = g_new(const SysmemRegionBlock *, n);
    for (i = 0; i < n; i++) {
        const SysmemRegionBlock *b = &blocks[i];

        if (b->offset < r->base || ((b->offset - r->base) & (r->granule - 1)) ||
            !b->size || (b->size & (r->granule - 1))) {
            return false;
        }
        sorted[i] = b;
    }
    qsort(sorted, n, sizeof(*sorted), block_cmp);
    /* The blocks must tile the region exactly, free ones coalesced. */
    for (i = 0; i < n; i++) {
        uint64_t start = (sorted[i]->offset - r->base) >> r->granule_shift;
        uint64_t len = sorted[i]->size >> r->granule_shift;

        if (start != next || len > r->pages - start ||
            (i && sorted[i]->free && sorted[i - 1]->free)) {
            return false;
        }
        next = start + len;
    }
    if (next != r->pages) {
        return false;
    }
    free_all_blocks(r);
    r->free_blocks = 0;
    memset(r->heads, 0, sizeof(r->heads));
    memset(r->sl_bitmap, 0, sizeof(r->sl_bitmap));
    r->fl_bitmap = 0;
    made = g_new0(RegionBlock *, n);
    for (i = 0; i < n; i++) {
        RegionBlock *b = g_new0(RegionBlock, 1);

        b->start = (sorted[i]->offset - r->base) >> r->granule_shift;
        b->len = sorted[i]->size >> r->granule_shift;
        if (i) {
            b->phys_prev = made[i - 1];
            made[i - 1]->phys_next = b;
        } else {
            r->first = b;
        }
        made[i] = b;
        if (!sorted[i]->free) {
            g_hash_table_insert(r->used, &b->start, b);
            used += b->len;
        }
    }
    r->used_pages = used;
    /* Free lists: insertion is at the head, so walk the input backwards. */
    for (i = n; i-- > 0;) {
        const SysmemRegionBlock *want = &blocks[i];
        size_t lo = 0, hi = n;

        if (!want->free) {
            continue;
        }
        while (lo + 1 < hi) {     /* made[] is sorted by start */
            size_t mid = (lo + hi) / 2;

            if (made[mid]->start << r->granule_shift <= want->offset - r->base) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        free_list_insert(r, made[lo]);
    }
    g_free(made);
    return true;
}
