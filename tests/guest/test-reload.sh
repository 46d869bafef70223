#!/bin/sh
# Guest test: unload and reload the driver.  rmmod must refuse while an fd
# is open, succeed afterwards, and a fresh driver must work and hold
# nothing.  TAP output.
. /lib/tap.sh

rmmod vsysmem_example 2>/dev/null
vsysmemctl info >/dev/null
ok $? "the device works before the reload"

exec 3</dev/vsysmem0
rmmod virtio_sysmem 2>/dev/null
[ $? != 0 ]
ok $? "rmmod is refused while /dev/vsysmem0 is open"
exec 3<&-

rmmod virtio_sysmem
ok $? "rmmod virtio_sysmem"
[ ! -e /dev/vsysmem0 ]
ok $? "/dev/vsysmem0 is gone"

cycles=0
for i in 1 2 3 4 5; do
    modprobe virtio_sysmem && vsysmemctl info >/dev/null &&
        rmmod virtio_sysmem && cycles=$((cycles + 1))
done
[ "$cycles" = 5 ]
ok $? "five load/use/unload cycles ($cycles)"

modprobe virtio_sysmem
ok $? "modprobe virtio_sysmem again"
vsysmemctl info | grep -q "guest holds:   0 channels, 0 buffers, 0 event pairs"
ok $? "a fresh driver holds nothing"
test-transport > /tmp/transport.log 2>&1
ok $? "the transport test passes after the reloads ($(grep -c '^ok' /tmp/transport.log) ok)"
grep '^not ok' /tmp/transport.log

echo "1..$n"
exit $failed
