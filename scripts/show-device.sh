#!/bin/sh
# Boot the built QEMU with -device virtio-sysmem (firmware only, no guest
# OS) and print what a guest sees: the PCI function with its BARs (mapped
# by SeaBIOS), the device's properties, its virtio status and where its
# shared memory region sits in the memory map.
set -eu
qemu=${1:-build/qemu-system-x86_64}
[ -x "$qemu" ] || { echo "show-device: $qemu not built (run make)" >&2; exit 1; }
dev=/machine/peripheral/sysmem0/virtio-backend

{
    sleep 3     # let SeaBIOS assign the BARs
    printf '%s\n' "info pci" "info qtree" "info virtio-status $dev" \
        "info mtree -f" "quit"
} | timeout 60 "$qemu" -M q35 -accel tcg -display none -nodefaults \
        -device virtio-sysmem,id=sysmem0 -monitor stdio 2>&1 |
    tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' |
    awk '
        /^\(qemu\) .*info pci$/            { section = "pci"; print "== info pci (virtio-sysmem function)"; next }
        /^\(qemu\) .*info qtree$/          { section = "qtree"; print "== info qtree (virtio-sysmem)"; next }
        /^\(qemu\) .*info virtio-status/   { section = "status"; print "== info virtio-status"; next }
        /^\(qemu\) .*info mtree -f$/       { section = "mtree"; print "== info mtree (shared memory region)"; next }
        /^\(qemu\)/                        { section = "" }
        section == "pci" && /1af4:1079/    { show = 8 }
        section == "qtree" && /dev: virtio-sysmem-pci/ { show = 14 }
        section == "status"                { print; next }
        section == "mtree" && /virtio-sysmem/ && !seen[$0]++ { print; next }
        show > 0 && section != ""          { print; show-- }
    '
