#!/bin/sh
# Generate QEMU's include/standard-headers/linux/virtio_sysmem.h from the
# device ABI as a Linux uapi header, guest-driver/include/uapi/linux/
# virtio_sysmem.h, the way QEMU's scripts/update-linux-headers.sh imports a
# kernel's uapi headers:
#
#   1. the kernel's scripts/headers_install.sh (what "make headers_install"
#      runs on every uapi header: drops __KERNEL__ sections, __user, ...);
#   2. QEMU's cp_portable(), taken from the QEMU tree's
#      scripts/update-linux-headers.sh itself, not a copy of it: __le32
#      becomes uint32_t, <linux/x.h> becomes "standard-headers/linux/x.h".
#
# usage: scripts/update-standard-headers.sh [--check] QEMU_SRC KERNEL_DIR
#   QEMU_SRC    a QEMU source tree (the pristine one configure found, or
#               qemu-src/)
#   KERNEL_DIR  a kernel tree or Debian linux-headers directory with
#               scripts/headers_install.sh and scripts/unifdef
#   --check     write nothing; exit 1 (showing the diff) if the checked-in
#               copy is not what generation gives
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
check=no
if [ "${1:-}" = --check ]; then
    check=yes
    shift
fi
if [ $# -ne 2 ]; then
    sed -n '2,/^set -eu/{/^set/d;s/^# \{0,1\}//;p}' "$0" >&2
    exit 2
fi
qemu=$1
kdir=$2
uapi=$srcdir/guest-driver/include/uapi/linux/virtio_sysmem.h
copy=$srcdir/include/standard-headers/linux/virtio_sysmem.h
qscript=$qemu/scripts/update-linux-headers.sh

for f in "$qscript" "$kdir/scripts/headers_install.sh" "$kdir/scripts/unifdef"; do
    [ -e "$f" ] || { echo "update-standard-headers: no $f" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/installed" "$tmp/portable"

# 1. headers_install.sh calls scripts/unifdef relative to the cwd.
(cd "$kdir" && sh scripts/headers_install.sh "$uapi" \
    "$tmp/installed/virtio_sysmem.h")

# 2. QEMU's own function.  It reads $arch: empty means a linux/ header,
# whose <asm/...> includes are dropped.
sed -n '/^cp_portable() {$/,/^}$/p' "$qscript" > "$tmp/cp_portable.sh"
grep -q '__le' "$tmp/cp_portable.sh" ||
    { echo "update-standard-headers: no cp_portable() in $qscript" >&2; exit 2; }
arch=
. "$tmp/cp_portable.sh"
cp_portable "$tmp/installed/virtio_sysmem.h" "$tmp/portable"
out=$tmp/portable/virtio_sysmem.h

if [ $check = yes ]; then
    if ! diff -u "$copy" "$out"; then
        echo "update-standard-headers: $copy is not generated from" \
            "$uapi; run scripts/update-standard-headers.sh $qemu $kdir" >&2
        exit 1
    fi
    exit 0
fi
cp "$out" "$copy"
