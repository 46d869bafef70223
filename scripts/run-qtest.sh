#!/bin/sh
# Run QEMU's qos-test against a given QEMU binary (plain or sanitizer
# build).  scripts/run-tests.sh passes --tap through to qos-test.
#
# usage: scripts/run-qtest.sh [--tap] QEMU_BINARY QOS_TEST [qos-test args]
set -eu
tap=""
if [ "${1:-}" = "--tap" ]; then
    tap="--tap"
    shift
fi
qemu=$1
qos_test=$2
shift 2
[ -x "$qemu" ] || { echo "run-qtest: $qemu is not built" >&2; exit 1; }
[ -x "$qos_test" ] || { echo "run-qtest: $qos_test is not built" >&2; exit 1; }
QTEST_QEMU_BINARY=$(cd "$(dirname "$qemu")" && pwd)/$(basename "$qemu")
export QTEST_QEMU_BINARY
# Sanitizer builds: fail on the first report; QEMU's own exit-time leaks
# (RCU, main-loop singletons) are not this device's and are not checked.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
exec "$qos_test" $tap "$@"
