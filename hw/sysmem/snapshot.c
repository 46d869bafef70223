/*
 * sysmem core: save/restore of the whole core state for live migration.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib.h>
#include "hw/sysmem/core-internal.h"

void sysmem_core_save(SysmemCore *core, GByteArray *out)
{
    (void)core;
    (void)out;
}

bool sysmem_core_load(SysmemCore *core, const uint8_t *data, size_t len,
                      char **errmsg)
{
    (void)core;
    (void)data;
    (void)len;
    if (errmsg) {
        *errmsg = g_strdup("sysmem core migration: not implemented");
    }
    return false;
}
