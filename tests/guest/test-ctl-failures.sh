#!/bin/sh
# Guest test: vsysmemctl says why sysmem refused a request.  Requests sysmem
# must refuse print the participant, the call, the epitaph's name and the
# sysmem2 Error behind it, never a bare "Broken pipe", and exit 1.  TAP.
. /lib/tap.sh

# $1: description, $2: text the message must contain, then the arguments.
refused() {
    what=$1
    want=$2
    shift 2
    msg=$(vsysmemctl "$@" 2>&1 >/dev/null)
    rc=$?
    echo "# vsysmemctl $*: exit $rc: $msg"
    [ "$rc" = 1 ]
    ok $? "$what: exit status 1"
    case "$msg" in
    *"alloc: WaitForAllBuffersAllocated: collection failed: channel closed: $want"*) r=0 ;;
    *) r=1 ;;
    esac
    ok $r "$what: names the participant, the call and $want"
    case "$msg" in
    *"Broken pipe"*) r=1 ;;
    *) r=0 ;;
    esac
    ok $r "$what: no bare Broken pipe"
}

# More than 64 buffers: no allocation satisfies the constraints.
refused "100 buffers" "ZX_ERR_NOT_SUPPORTED (not supported), sysmem2 CONSTRAINTS_INTERSECTION_EMPTY" \
    alloc --count 100 --size 1M
# Larger than the 256 MiB region and the per-buffer limit.
refused "two 300 MiB buffers" "ZX_ERR_NO_MEMORY (out of memory), sysmem2 NO_MEMORY" \
    alloc --count 2 --size 300M

vsysmemctl alloc --count 2 --size 1M > /tmp/alloc.log 2>&1
ok $? "a request that fits still succeeds after the refusals"
grep -q "alloc: 2 buffers of 1048576 bytes" /tmp/alloc.log
ok $? "and gets its 2 buffers of 1 MiB"

echo "1..$n"
exit $failed
