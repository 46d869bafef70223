/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device ABI header includes "standard-headers/linux/types.h", QEMU's
 * copy of the uapi types.  In the kernel the real ones serve, and
 * <linux/types.h> also provides uint32_t and friends.
 */
#include <linux/types.h>
