#!/bin/sh
# Compile the FIDL codec (codec/*.c) as part of an out-of-tree Linux kernel
# module against the installed headers, warnings as errors (exit status
# test).  Proves the codec stays freestanding enough for the guest driver.
set -eu

SRCDIR="@SRCDIR@"
KDIR="@KDIR@"
WORK="@WORKDIR@"

if [ -z "$KDIR" ] || [ ! -d "$KDIR" ]; then
    echo "no Linux headers found under /usr/src (install linux-headers-amd64)"
    exit 1
fi

rm -rf "$WORK"
mkdir -p "$WORK/include"
cp "$SRCDIR"/codec/*.c "$SRCDIR"/codec/*.h "$WORK/"
cp -r "$SRCDIR/include/sysmem" "$WORK/include/"

objs=""
for c in "$SRCDIR"/codec/*.c; do
    objs="$objs $(basename "$c" .c).o"
done

cat > "$WORK/codec-kbuild-main.c" <<'EOC'
// SPDX-License-Identifier: GPL-2.0-or-later
/* Module shell around the FIDL codec: decodes one sysmem message at load. */
#include <linux/module.h>
#include "sysmem/methods.h"

static int __init codec_kbuild_init(void)
{
	static const u8 sync_req[16] = {
		1, 0, 0, 0, 2, 0, 0x80, 1,
		0x54, 0x5b, 0x57, 0xcf, 0x55, 0x25, 0xac, 0x11,
	};
	const sysmem_method_t *m =
		sysmem_method_lookup(SYSMEM_PROTO_V2_TOKEN,
				     SYSMEM2_NODE_SYNC_ORDINAL);

	return sysmem_decode_request(m, sync_req, sizeof(sync_req), NULL, 0,
				     NULL, NULL) ? -EINVAL : 0;
}

static void __exit codec_kbuild_exit(void)
{
}

module_init(codec_kbuild_init);
module_exit(codec_kbuild_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("virtio-sysmem FIDL codec build check");
EOC

cat > "$WORK/Kbuild" <<EOK
obj-m := sysmem_codec_check.o
sysmem_codec_check-y := codec-kbuild-main.o $objs
ccflags-y := -I\$(src)/include -Werror
EOK

make -C "$KDIR" M="$WORK" modules
test -f "$WORK/sysmem_codec_check.ko"
echo "codec kbuild: $WORK/sysmem_codec_check.ko built against $KDIR"
