/*
 * Shared-memory region allocator (two-level segregated fit, page granular)
 *
 * Hands out page-aligned ranges of the device's shared memory region.  The
 * allocator keeps all of its metadata outside the region (the region may be
 * guest-visible, or not even mapped in this process), and every operation is
 * O(1): a two-level segregated-fit (TLSF) index finds a free block large
 * enough, and physical neighbours are coalesced on release.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_SYSMEM_REGION_H
#define HW_SYSMEM_REGION_H

#include <stdbool.h>
#include <stdint.h>

typedef struct SysmemRegion SysmemRegion;

typedef struct SysmemRegionStats {
    uint64_t size;              /* bytes managed */
    uint64_t used;              /* bytes in live allocations */
    uint64_t free;              /* size - used */
    uint64_t largest_free;      /* biggest single free block */
    uint32_t allocations;       /* live allocations */
    uint32_t free_blocks;       /* free extents (after coalescing) */
} SysmemRegionStats;

/*
 * Manage [base, base + size).  @granule is the page size: a power of two;
 * base and size must be multiples of it.  Returns NULL on bad arguments.
 */
SysmemRegion *sysmem_region_new(uint64_t base, uint64_t size, uint64_t granule);
void sysmem_region_destroy(SysmemRegion *r);

/*
 * Allocate @size bytes (rounded up to the granule) aligned to @align (0 or
 * any power of two; at least the granule is always used).  On success stores
 * the offset in *offset and returns true; returns false when no free block
 * can satisfy the request (out of memory or too fragmented).
 */
bool sysmem_region_alloc(SysmemRegion *r, uint64_t size, uint64_t align,
                         uint64_t *offset);

/*
 * The same, and *dirty (if not NULL) receives how many bytes from the start
 * of the allocation may hold old data; the rest is known to be zero (never
 * handed out since sysmem_region_assume_zeroed).  Without that call every
 * byte counts as dirty (*dirty = the rounded size).
 */
bool sysmem_region_alloc_ex(SysmemRegion *r, uint64_t size, uint64_t align,
                            uint64_t *offset, uint64_t *dirty);

/*
 * The owner promises that every byte of the region outside the live
 * allocations reads as zero now (a fresh anonymous or memfd mapping).  The
 * region then tracks a high-water mark: bytes never handed out since stay
 * known-zero, bytes that were handed out and released are dirty until the
 * owner zeroes them on their next allocation.  sysmem_region_reset keeps
 * the mark (released memory is still dirty); sysmem_region_import drops
 * the promise (all dirty), as the restored bytes come from elsewhere.
 */
void sysmem_region_assume_zeroed(SysmemRegion *r);

/* Return a range handed out by sysmem_region_alloc.  False if unknown. */
bool sysmem_region_release(SysmemRegion *r, uint64_t offset);

/* Size (rounded) of the live allocation at @offset, 0 if none. */
uint64_t sysmem_region_alloc_size(const SysmemRegion *r, uint64_t offset);

void sysmem_region_get_stats(const SysmemRegion *r, SysmemRegionStats *st);

/* Drop every allocation. */
void sysmem_region_reset(SysmemRegion *r);

/*
 * External fragmentation in per mille: 1000 * (1 - largest_free / free).
 * 0 when the free space is one block (or there is none).
 */
unsigned sysmem_region_fragmentation(const SysmemRegion *r);

/* Consistency check for tests: no overlap, neighbours coalesced, index ok. */
bool sysmem_region_check(const SysmemRegion *r);

/*
 * Migration.  Export calls @fn for every block: the allocations in address
 * order, then the free blocks in free-list order.  Import rebuilds exactly
 * that state from such a list (any order of the allocations); false if
 * the blocks do not tile the region (overlap, gap, misaligned, adjacent
 * free blocks), leaving the region empty (one free block).
 */
typedef struct SysmemRegionBlock {
    uint64_t offset;            /* absolute, like sysmem_region_alloc's */
    uint64_t size;
    bool free;
} SysmemRegionBlock;

void sysmem_region_export(const SysmemRegion *r,
                          void (*fn)(void *opaque,
                                     const SysmemRegionBlock *blk),
                          void *opaque);
bool sysmem_region_import(SysmemRegion *r, const SysmemRegionBlock *blocks,
                          size_t n);

#endif
