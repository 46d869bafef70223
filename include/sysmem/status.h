/*
 * Names and meanings of zx_status_t values and fuchsia.sysmem2/Error, and
 * sysmem's mapping between the two: one table for the device's core, the
 * host tools, libvsysmem and vsysmemctl.  The coherency domain's names,
 * which the same tools print, live here too.
 *
 * A channel sysmem closes carries an epitaph: a zx_status_t only.  Sysmem
 * picks it from the sysmem2 Error that failed the collection with
 * sysmem2_error_to_status(); sysmem2_error_from_status() reads it back
 * where the status names one Error (ZX_ERR_NOT_SUPPORTED is
 * CONSTRAINTS_INTERSECTION_EMPTY, ...).  ZX_ERR_PEER_CLOSED names none:
 * the collection was torn down because a participant closed its channel
 * without Release.
 *
 * Freestanding like the rest of the codec (no allocation, no stdio).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SYSMEM_STATUS_H
#define SYSMEM_STATUS_H

#include "sysmem/fidl.h"
#include "sysmem/sysmem2.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "ZX_ERR_NOT_SUPPORTED", "ZX_OK", ...; NULL for a value Zircon lacks. */
const char *fidl_zx_status_name(int32_t status);
/* What the status means, in a few words; NULL for an unknown value. */
const char *fidl_zx_status_meaning(int32_t status);

/* "CONSTRAINTS_INTERSECTION_EMPTY", ...; NULL for an unknown value. */
const char *sysmem2_error_name(sysmem2_error_t err);
/* What the error means for the participants; NULL for an unknown value. */
const char *sysmem2_error_meaning(sysmem2_error_t err);
bool sysmem2_error_from_name(const char *name, sysmem2_error_t *err);

/* "CPU", "RAM", "INACCESSIBLE"; NULL for an unknown value. */
const char *sysmem2_coherency_domain_name(sysmem2_coherency_domain_t d);

/* The epitaph sysmem closes a failed collection's channels with. */
int32_t sysmem2_error_to_status(sysmem2_error_t err);
/* The Error an epitaph stands for; false when it names none. */
bool sysmem2_error_from_status(int32_t status, sysmem2_error_t *err);

#ifdef __cplusplus
}
#endif

#endif /* SYSMEM_STATUS_H */
