#!/bin/sh
# Guest test: every reference scenario (tests/unit/scenarios/, in the
# initramfs under /scenarios) run on the device by `vsysmemctl negotiate`,
# one process per participant, prints exactly what the host tool
# vsysmem-negotiate prints for it (the .expected files, which
# tests/unit/test-negotiate holds the host tool to).  Bad input names the
# field and exits 2 in the guest as on the host.  TAP output.
. /lib/tap.sh

for json in /scenarios/[0-9]*.json; do
    name=$(basename "$json" .json)
    vsysmemctl negotiate "$json" > /tmp/out.json 2> /tmp/err.txt
    rc=$?
    if [ "$rc" = 0 ] && cmp -s /tmp/out.json "/scenarios/$name.expected"; then
        ok 0 "$name: the device's outcome is the host tool's"
    else
        ok 1 "$name: the device's outcome is the host tool's (exit $rc)"
        sed 's/^/# /' /tmp/err.txt
        diff "/scenarios/$name.expected" /tmp/out.json | head -40 | sed 's/^/# /'
    fi
done

vsysmemctl negotiate - < /scenarios/01-single.json > /tmp/out.json
cmp -s /tmp/out.json /scenarios/01-single.expected
ok $? "a scenario on stdin"

for json in /scenarios/bad-*.json; do
    name=$(basename "$json" .json)
    want=$(cat "/scenarios/$name.err")
    err=$(vsysmemctl negotiate "$json" 2>&1 >/dev/null)
    rc=$?
    case "$err" in
    *"$want"*) r=0 ;;
    *) r=1; echo "# got: $err" ;;
    esac
    [ "$rc" = 2 ] || r=1
    ok $r "$name: exit 2 naming the field ($want)"
done

vsysmemctl info | grep -q "guest holds:   0 channels, 0 buffers, 0 event pairs"
ok $? "every scenario left nothing behind in the guest"

echo "1..$n"
exit $failed
