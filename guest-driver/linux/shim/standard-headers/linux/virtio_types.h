/* SPDX-License-Identifier: GPL-2.0 */
/* See types.h beside this file. */
#include <linux/virtio_types.h>
