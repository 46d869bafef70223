#!/bin/sh
# Boot a Linux guest with -device virtio-sysmem, run a command in it, print
# the guest's console output and exit with the command's status.
#
# usage: scripts/run-guest.sh -i INITRAMFS [-k KERNEL] [-q QEMU]
#            [-c 'command'] [-d 'device options'] [-o 'qemu args'] [-t SECS]
#   -i  initramfs from scripts/mkinitramfs.sh
#   -k  guest kernel (default: newest /boot/vmlinuz-*)
#   -q  QEMU binary (default: build/qemu-system-x86_64)
#   -c  shell command run in the guest as /run.sh (default: true)
#   -d  extra options for -device virtio-sysmem (e.g. ",memdev=mem0")
#   -o  extra QEMU arguments (e.g. an -object for a memdev)
#   -t  timeout in seconds (default: $VSYSMEM_TIMEOUT or 300)
#   -M  back the region with a memory-backend-file of this size (e.g. 64M)
#       and, after the guest exits, check every "VSYSMEM-HOSTCHECK offset
#       length seed" line the guest printed against the file: the host
#       must see the bytes the guest wrote (TAP lines, status 1 if not)
#
# TCG by default (KVM hangs on some hosts); VSYSMEM_KVM=1 uses KVM.
# Exit status: the guest command's, 124 on timeout, 125 if the guest never
# reported one (crash, panic).
set -u

initrd=""
kernel=""
qemu=${QEMU:-build/qemu-system-x86_64}
cmd="true"
devopts=""
qemuopts=""
timeout_s=${VSYSMEM_TIMEOUT:-300}
memsize=""
while getopts "i:k:q:c:d:o:t:M:" opt; do
    case "$opt" in
    i) initrd=$OPTARG ;;
    k) kernel=$OPTARG ;;
    q) qemu=$OPTARG ;;
    c) cmd=$OPTARG ;;
    d) devopts=$OPTARG ;;
    o) qemuopts=$OPTARG ;;
    t) timeout_s=$OPTARG ;;
    M) memsize=$OPTARG ;;
    *) sed -n '2,22p' "$0" >&2; exit 2 ;;
    esac
done
[ -n "$initrd" ] && [ -f "$initrd" ] || { echo "run-guest: -i INITRAMFS missing" >&2; exit 2; }
[ -x "$qemu" ] || { echo "run-guest: no QEMU at $qemu (make qemu)" >&2; exit 2; }
if [ -z "$kernel" ]; then
    kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
fi
[ -n "$kernel" ] && [ -r "$kernel" ] || { echo "run-guest: no readable guest kernel" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The command goes in as a second cpio archive: the kernel unpacks
# concatenated archives in order, so /run.sh lands beside the base image.
mkdir -p "$tmp/root"
printf '#!/bin/sh\n%s\n' "$cmd" > "$tmp/root/run.sh"
chmod +x "$tmp/root/run.sh"
(cd "$tmp/root" && echo run.sh | cpio -o -H newc --quiet) | gzip -1 > "$tmp/run.cpio.gz"
cat "$initrd" "$tmp/run.cpio.gz" > "$tmp/initrd.img"

accel="-accel tcg"
if [ "${VSYSMEM_KVM:-0}" = 1 ]; then
    accel="-accel kvm -cpu host"
fi
# Firmware: the build tree's bundle, else the system's.
fw=""
for d in /usr/share/seabios /usr/share/qemu /usr/lib/ipxe/qemu; do
    [ -d "$d" ] && fw="$fw -L $d"
done

if [ -n "$memsize" ]; then
    : > "$tmp/mem"
    qemuopts="$qemuopts -object memory-backend-file,id=vsysmem-mem,mem-path=$tmp/mem,size=$memsize,share=on"
    devopts="$devopts,memdev=vsysmem-mem"
fi

# The host's view: a test prints "VSYSMEM-HOSTCHECK offset length seed"
# while it still holds the buffer (and waits a moment); the bytes it wrote
# must be in the backend file at that offset.
hostcheck() {
    python3 - "$tmp/mem" "$1" "$2" "$3" <<'PY'
import sys
path, off, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
with open(path, "rb") as f:
    f.seek(off)
    data = f.read(n)
want = bytes((seed + i * 7 + (i >> 12)) & 0xff for i in range(n))
sys.exit(0 if data == want else 1)
PY
}
checked=0
check_new_lines() {
    [ -n "$memsize" ] || return 0
    tr -d '\r' < "$tmp/console" | grep '^VSYSMEM-HOSTCHECK ' > "$tmp/hc" || return 0
    total=$(wc -l < "$tmp/hc")
    while [ "$checked" -lt "$total" ]; do
        checked=$((checked + 1))
        # shellcheck disable=SC2046
        set -- $(sed -n "${checked}p" "$tmp/hc")
        if hostcheck "$2" "$3" "$4"; then
            echo "ok - host sees the guest's $3 bytes at region offset $2" >> "$tmp/hostcheck"
        else
            echo "not ok - host sees the guest's $3 bytes at region offset $2" >> "$tmp/hostcheck"
        fi
    done
}

start=$(date +%s.%N)
# shellcheck disable=SC2086
timeout "$timeout_s" "$qemu" -M q35 $accel -m 512M -smp 1 -nographic \
    -no-reboot -nodefaults -serial stdio $fw \
    -kernel "$kernel" -initrd "$tmp/initrd.img" \
    -append "console=ttyS0 panic=-1 loglevel=4 quiet" \
    $qemuopts -device "virtio-sysmem$devopts" </dev/null >"$tmp/console" 2>&1 &
qpid=$!
while kill -0 "$qpid" 2>/dev/null; do
    check_new_lines
    sleep 0.1
done
wait "$qpid"
rc=$?
check_new_lines
end=$(date +%s.%N)
tr -d '\r' < "$tmp/console"
awk -v a="$start" -v b="$end" 'BEGIN { printf "# guest wall time: %.2f s\n", b - a }'

if [ "$rc" = 124 ]; then
    echo "run-guest: timed out after ${timeout_s}s" >&2
    exit 124
fi
status=$(tr -d '\r' < "$tmp/console" | sed -n 's/^VSYSMEM-EXIT \([0-9]*\)$/\1/p' | tail -1)
if [ -z "$status" ]; then
    echo "run-guest: the guest reported no status (QEMU exit $rc)" >&2
    exit 125
fi

if [ -f "$tmp/hostcheck" ]; then
    cat "$tmp/hostcheck"
    grep -q '^not ok' "$tmp/hostcheck" && [ "$status" = 0 ] && status=1
fi
exit "$status"
