#!/bin/sh
# Boot a Linux guest with -device virtio-sysmem, run a command in it, print
# the guest's console output and exit with the command's status.
#
# usage: scripts/run-guest.sh -i INITRAMFS [-k KERNEL] [-q QEMU]
#            [-c 'command'] [-d 'device options'] [-o 'qemu args'] [-t SECS]
#            [-M SIZE] [-P DIR] [-H]
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
#   -P  with -M: write each frame a "VSYSMEM-HOSTPNG offset width height
#       stride YUYV name" line names, read from the memory backend file at
#       that region offset, as DIR/name.png
#   -H  hot-plug: the device goes behind a PCIe root port (q35's root bus
#       takes no hot-plug) with id vsysmem0 and QEMU gets a QMP socket;
#       the guest's "VSYSMEM-UNPLUG" line makes the host device_del it and
#       wait for DEVICE_DELETED, "VSYSMEM-REPLUG" device_adds a fresh one
#       with the same options (TAP lines)
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
hotplug=""
pngdir=""
while getopts "i:k:q:c:d:o:t:M:P:H" opt; do
    case "$opt" in
    i) initrd=$OPTARG ;;
    k) kernel=$OPTARG ;;
    q) qemu=$OPTARG ;;
    c) cmd=$OPTARG ;;
    d) devopts=$OPTARG ;;
    o) qemuopts=$OPTARG ;;
    t) timeout_s=$OPTARG ;;
    M) memsize=$OPTARG ;;
    P) pngdir=$OPTARG ;;
    H) hotplug=1 ;;
    *) sed -n '2,31p' "$0" >&2; exit 2 ;;
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
if [ -n "$hotplug" ]; then
    qemuopts="$qemuopts -device pcie-root-port,id=vsysmem-rp,chassis=1,slot=1"
    qemuopts="$qemuopts -qmp unix:$tmp/qmp.sock,server=on,wait=off"
    devopts="$devopts,bus=vsysmem-rp,id=vsysmem0"
fi

# The host's view, from a watcher that follows the console while the guest
# runs (the guest waits a moment after each request):
#   VSYSMEM-HOSTCHECK offset length seed: the bytes the test wrote must be
#       in the memory backend file at that region offset (needs -M);
#   VSYSMEM-HOSTSHOW label: print the device's introspection (HMP "info
#       virtio-sysmem") at that moment;
#   VSYSMEM-UNPLUG / VSYSMEM-REPLUG (with -H): device_del the device and
#       wait for QEMU's DEVICE_DELETED / device_add a new one;
#   VSYSMEM-EXIT n: once the guest test is done, the device must hold no
#       channels, objects or buffers.
# Results are TAP lines printed after the console.
watch_guest() {
    python3 - "$tmp/console" "$tmp/mem" "$tmp/mon.sock" "$1" "$memsize" \
        "$tmp/qmp.sock" "$devopts" "$pngdir" <<'PY' > "$tmp/host" 2>&1
import json, os, re, socket, struct, sys, time, zlib
console, mem, mon, qpid, memsize, qmp, devopts, pngdir = sys.argv[1:9]
qpid = int(qpid)

def device_del(dev_id, timeout=60):
    """device_del over QMP; seconds until DEVICE_DELETED, or None."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(qmp)
    f = s.makefile("rw")
    f.readline()                                    # greeting
    for cmd in ({"execute": "qmp_capabilities"},
                {"execute": "device_del", "arguments": {"id": dev_id}}):
        f.write(json.dumps(cmd) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "error" in r:
                raise Exception(r["error"].get("desc"))
            if "return" in r:
                break
    t0 = time.time()
    try:
        while time.time() - t0 < timeout:
            r = json.loads(f.readline())
            if (r.get("event") == "DEVICE_DELETED" and
                    r.get("data", {}).get("device") == dev_id):
                return time.time() - t0
    except socket.timeout:
        pass
    finally:
        s.close()
    return None

def hmp(cmd):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(mon)
    buf = b""
    while b"(qemu)" not in buf:
        buf += s.recv(65536)
    s.sendall(cmd.encode() + b"\n")
    buf = b""
    while buf.count(b"(qemu)") < 1:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    s.close()
    text = buf.decode(errors="replace").replace("\r", "")
    # Drop the monitor's echo of the command (with its cursor escapes).
    lines = [l for l in text.split("\n")
             if "\x1b" not in l and not l.startswith(cmd) and "(qemu)" not in l]
    return "\n".join(l for l in lines if l.strip())

def hostcheck(off, n, seed):
    with open(mem, "rb") as f:
        f.seek(off)
        data = f.read(n)
    want = bytes((seed + i * 7 + (i >> 12)) & 0xff for i in range(n))
    return data == want

def yuyv_to_rgb(data, width, height, stride):
    """BT.601 limited-range Y'CbCr 4:2:2 to 8-bit RGB rows."""
    clamp = lambda v: 0 if v < 0 else 255 if v > 255 else int(v)
    rows = []
    for y in range(height):
        line = data[y * stride:y * stride + width * 2]
        out = bytearray()
        for x in range(0, width * 2, 4):
            y0, u, y1, v = line[x], line[x + 1], line[x + 2], line[x + 3]
            for luma in (y0, y1):
                c, d, e = 1.164 * (luma - 16), u - 128, v - 128
                out += bytes((clamp(c + 1.596 * e),
                              clamp(c - 0.392 * d - 0.813 * e),
                              clamp(c + 2.017 * d)))
        rows.append(bytes(out))
    return rows

def write_png(path, width, height, rows):
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    raw = b"".join(b"\0" + r for r in rows)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                           0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))

def hostpng(off, width, height, stride, fmt, name):
    if fmt != "YUYV":
        raise Exception("frame format %s: only YUYV is written" % fmt)
    if not pngdir or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise Exception("no -P directory, or a bad name %r" % name)
    with open(mem, "rb") as f:
        f.seek(off)
        data = f.read(stride * height)
    if len(data) < stride * height:
        raise Exception("the frame runs past the memory backend")
    path = os.path.join(pngdir, name + ".png")
    write_png(path, width, height, yuyv_to_rgb(data, width, height, stride))
    return path

done = 0
exited = False
while True:
    alive = os.path.exists("/proc/%d" % qpid)
    try:
        lines = open(console, "rb").read().decode(errors="replace").replace("\r", "").split("\n")
    except OSError:
        lines = []
    for line in lines[done:-1]:
        f = line.split()
        try:
            if f and f[0] == "VSYSMEM-HOSTCHECK" and memsize:
                off, n, seed = int(f[1]), int(f[2]), int(f[3])
                ok = hostcheck(off, n, seed)
                print("%sok - host sees the guest's %d bytes at region offset %#x"
                      % ("" if ok else "not ", n, off))
            elif f and f[0] == "VSYSMEM-HOSTPNG" and memsize:
                off, w, h, stride = (int(v) for v in f[1:5])
                path = hostpng(off, w, h, stride, f[5], f[6])
                print("# host: read the %dx%d %s frame at region offset %#x "
                      "from the memory backend; look at it: %s"
                      % (w, h, f[5], off, path))
            elif f and f[0] == "VSYSMEM-HOSTSHOW":
                print("# host view (info virtio-sysmem) at '%s':" % " ".join(f[1:]))
                for l in hmp("info virtio-sysmem").split("\n"):
                    print("#   " + l)
            elif f and f[0] == "VSYSMEM-UNPLUG":
                t = device_del("vsysmem0")
                print("%sok - host: device_del of the virtio-sysmem PCI device"
                      " completed (%s)" % ("" if t is not None else "not ",
                      "DEVICE_DELETED after %.2f s" % t if t is not None
                      else "no DEVICE_DELETED"))
            elif f and f[0] == "VSYSMEM-REPLUG":
                out = hmp("device_add virtio-sysmem" + devopts)
                print("%sok - host: device_add of a fresh virtio-sysmem%s"
                      % ("not " if out else "", " (%s)" % out if out else ""))
            elif f and f[0] == "VSYSMEM-EXIT" and not exited:
                exited = True
                out = hmp("info virtio-sysmem")
                m = re.search(r"channels (\d+), objects (\d+), buffers (\d+)", out)
                ok = m is not None and m.groups() == ("0", "0", "0")
                print("%sok - host: the device holds no channels, objects or "
                      "buffers after the guest test (%s)"
                      % ("" if ok else "not ", m.group(0) if m else "no answer"))
                if not ok:
                    for l in out.split("\n"):
                        print("#   " + l)
        except Exception as e:
            print("not ok - host-side check of '%s': %s" % (line, e))
        sys.stdout.flush()
    done = max(done, len(lines) - 1)
    if not alive:
        break
    time.sleep(0.05)
PY
}

start=$(date +%s.%N)
# no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer
# probe can miss its window and panic ("IO-APIC + timer doesn't work").
# shellcheck disable=SC2086
timeout "$timeout_s" "$qemu" -M q35 $accel -m 512M -smp 1 -nographic \
    -no-reboot -nodefaults -serial stdio $fw \
    -monitor "unix:$tmp/mon.sock,server=on,wait=off" \
    -kernel "$kernel" -initrd "$tmp/initrd.img" \
    -append "console=ttyS0 panic=-1 loglevel=4 quiet no_timer_check" \
    $qemuopts -device "virtio-sysmem$devopts" </dev/null >"$tmp/console" 2>&1 &
qpid=$!
watch_guest "$qpid" &
wpid=$!
wait "$qpid"
rc=$?
wait "$wpid"
end=$(date +%s.%N)
# Without the firmware's terminal escapes.
tr -d '\r' < "$tmp/console" | sed -e 's/\x1bc/\n/g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g'
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

if [ -s "$tmp/host" ]; then
    cat "$tmp/host"
    grep -q '^not ok' "$tmp/host" && [ "$status" = 0 ] && status=1
fi
exit "$status"
