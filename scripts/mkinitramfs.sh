#!/bin/sh
# Build the guest test initramfs: busybox-static, the guest kernel's virtio
# modules plus virtio_sysmem.ko (and any other given modules) in a
# depmod'ed tree so that busybox modprobe loads them in dependency order,
# and statically linked test programs under /bin.
#
# usage: scripts/mkinitramfs.sh -o OUT.cpio.gz [-k KVER] [-m MODDIR]
#            [-M module.ko]... [-K module]... [-b program]... [-f src:dst]...
#   -k KVER     guest kernel version (default: newest /boot/vmlinuz-*)
#   -m MODDIR   the guest kernel's module tree (default /lib/modules/KVER)
#   -M file.ko  extra module, installed under extra/ and depmod'ed
#   -K module   a module of the guest kernel's own (e.g. vgem, vivid) and
#               what it depends on; installed but not loaded at boot (the
#               test that needs it runs modprobe)
#   -b program  static program copied to /bin
#   -f src:dst  any other file
#
# The init script mounts the usual filesystems, loads virtio_pci,
# virtio_mmio and every extra module, runs /run.sh (which run-guest.sh
# appends as a second cpio archive) and prints "VSYSMEM-EXIT <status>"
# before powering off.
set -eu

out=""
kver=""
moddir=""
mods=""
kmods=""
bins=""
files=""
while getopts "o:k:m:M:K:b:f:" opt; do
    case "$opt" in
    o) out=$OPTARG ;;
    k) kver=$OPTARG ;;
    m) moddir=$OPTARG ;;
    M) mods="$mods $OPTARG" ;;
    K) kmods="$kmods $OPTARG" ;;
    b) bins="$bins $OPTARG" ;;
    f) files="$files $OPTARG" ;;
    *) echo "usage: $0 -o OUT [-k KVER] [-m MODDIR] [-M mod.ko]... [-K module]... [-b prog]... [-f src:dst]..." >&2
       exit 2 ;;
    esac
done
[ -n "$out" ] || { echo "mkinitramfs: -o OUT is required" >&2; exit 2; }

if [ -z "$kver" ]; then
    k=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
    [ -n "$k" ] || { echo "mkinitramfs: no /boot/vmlinuz-*" >&2; exit 1; }
    kver=${k#/boot/vmlinuz-}
fi
moddir=${moddir:-/lib/modules/$kver}
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || { echo "mkinitramfs: busybox-static is not installed" >&2; exit 1; }
if ! file -L "$busybox" 2>/dev/null | grep -q "statically linked" &&
   ldd "$busybox" >/dev/null 2>&1; then
    echo "mkinitramfs: $busybox is not static (install busybox-static)" >&2
    exit 1
fi
command -v depmod >/dev/null || { echo "mkinitramfs: depmod missing (kmod)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/sbin" "$stage/proc" "$stage/sys" "$stage/dev" \
    "$stage/tmp" "$stage/run" "$stage/etc" "$stage/lib/modules/$kver/extra"
cp "$busybox" "$stage/bin/busybox"

# The virtio transport modules and what they depend on.  With 6.12 they
# are built in and none of these files exist, which is fine.
want="virtio virtio_ring virtio_pci virtio_pci_modern_dev
      virtio_pci_legacy_dev virtio_mmio virtio_dma_buf"
# Copy one module file of the kernel's tree into the stage, uncompressed:
# busybox modprobe loads only plain ELF modules (6.12 ships .ko.xz).
install_module() {
    rel=${1#"$moddir"/}
    mkdir -p "$stage/lib/modules/$kver/$(dirname "$rel")"
    case "$1" in
    *.ko.xz) xz -dc "$1" > "$stage/lib/modules/$kver/${rel%.xz}" ;;
    *.ko.zst) zstd -qdc "$1" > "$stage/lib/modules/$kver/${rel%.zst}" ;;
    *.ko.gz) gzip -dc "$1" > "$stage/lib/modules/$kver/${rel%.gz}" ;;
    *) cp "$1" "$stage/lib/modules/$kver/$rel" ;;
    esac
}
for m in $want; do
    f=$(find "$moddir/kernel" -name "$m.ko*" 2>/dev/null | head -1)
    [ -n "$f" ] || continue
    install_module "$f"
done
for m in $kmods; do
    deps=$(modprobe --show-depends -S "$kver" -d "${moddir%/lib/modules/"$kver"}/" "$m" 2>/dev/null |
           sed -n 's/^insmod \([^ ]*\).*/\1/p')
    [ -n "$deps" ] || { echo "mkinitramfs: no module $m in $moddir" >&2; exit 1; }
    for f in $deps; do
        install_module "$f"
    done
done
for f in "$moddir"/modules.order "$moddir"/modules.builtin \
         "$moddir"/modules.builtin.modinfo; do
    [ -f "$f" ] && cp "$f" "$stage/lib/modules/$kver/"
done
extra=""
for m in $mods; do
    cp "$m" "$stage/lib/modules/$kver/extra/"
    extra="$extra $(basename "$m" .ko)"
done
depmod -b "$stage" "$kver"

for b in $bins; do
    cp "$b" "$stage/bin/"
done
for spec in $files; do
    src=${spec%%:*}
    dst=${spec#*:}
    mkdir -p "$stage/$(dirname "$dst")"
    cp "$src" "$stage/$dst"
done

cat > "$stage/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
echo "VSYSMEM-BOOTED \$(cut -d' ' -f1 /proc/uptime)"
for m in virtio_pci virtio_mmio$extra; do
    modprobe \$m 2>/dev/null || true
done
status=0
if [ -x /run.sh ]; then
    /run.sh
    status=\$?
else
    echo "no /run.sh: nothing to do"
fi
# Whatever the test said, a warning or oops in the kernel log fails it.
bad='BUG:|WARNING:|Oops|UBSAN|refcount_t:|general protection|list_(add|del) corruption'
if dmesg | grep -qE "\$bad"; then
    echo "not ok - the guest kernel log is clean"
    dmesg | grep -E -A45 "\$bad" |
        grep -vE '^\[[ 0-9.]*\] (R[A-Z0-9]{2}|Code|FS|CS|CR2|Hardware|Tainted)' |
        head -60
    status=1
else
    echo "ok - the guest kernel log is clean"
fi
echo "VSYSMEM-EXIT \$status"
# The host looks at the device once the test is over (run-guest.sh).
sleep 1
sync
poweroff -f
EOF
chmod +x "$stage/init"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | sort | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
