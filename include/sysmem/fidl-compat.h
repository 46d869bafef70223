/*
 * Freestanding environment for the FIDL codec.
 *
 * The codec is compiled by QEMU, by guest user space and by the Linux
 * guest kernel module; this header is the only place that knows the
 * difference.  Nothing beyond fixed-width integers, bool, size_t and
 * memcpy/memset/memcmp is used.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef SYSMEM_FIDL_COMPAT_H
#define SYSMEM_FIDL_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#endif

#ifndef UINT64_C
#define UINT64_C(x) (x##ULL)
#endif
#ifndef UINT32_C
#define UINT32_C(x) (x##U)
#endif
#ifndef INT64_C
#define INT64_C(x) (x##LL)
#endif

#endif /* SYSMEM_FIDL_COMPAT_H */
