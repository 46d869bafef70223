/*
 * sysmem core snapshots (live migration): internals shared with the tests
 * and the fuzzer.  The host API is sysmem_core_save/sysmem_core_load in
 * sysmem-core.h; the format is described in snapshot.c and docs/core.md.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_SYSMEM_SNAPSHOT_H
#define HW_SYSMEM_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#define SYSMEM_SNAPSHOT_MAGIC "VSYSMEMS"    /* 8 bytes, no NUL */
/* 2: buffers held only weakly; 3: and closed ids (OBJ_CLOSED) */
#define SYSMEM_SNAPSHOT_VERSION 3u
/* Bytes after the magic that hold the version (little-endian u32). */
#define SYSMEM_SNAPSHOT_VERSION_OFFSET 8
/* The last 4 bytes: CRC-32 (IEEE) of everything before them. */
#define SYSMEM_SNAPSHOT_CRC_BYTES 4

uint32_t sysmem_snapshot_crc32(const uint8_t *data, size_t len);

/*
 * Recompute the trailing CRC of a snapshot of @len bytes in place (for
 * tests and the fuzzer, which edit snapshots on purpose).  No-op when
 * @len is too short to hold one.
 */
void sysmem_snapshot_reseal(uint8_t *data, size_t len);

#endif
