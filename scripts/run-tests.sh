#!/bin/sh
# Run test programs and print one summary line: "N passed, N failed".
#
# Each argument is a test program, optionally with arguments after a '::'
# separator given as one word (e.g. "build/fuzz/codec-fuzz::-runs=2000").
# GLib test programs are run with --tap and every "ok"/"not ok" line counts
# as one test; any other program counts as a single test decided by its exit
# status.  A GLib program that exits non-zero after its last "ok" (a crash,
# a sanitizer report) adds one failure, so nothing fails silently.
set -u

passed=0
failed=0
failures=""
log_dir=${TEST_LOG_DIR:-build/test-logs}
mkdir -p "$log_dir"

for spec in "$@"; do
    prog=${spec%%::*}
    args=""
    [ "$prog" != "$spec" ] && args=$(echo "${spec#*::}" | tr ',' ' ')
    name=$(basename "$prog")-$(echo "$spec" | cksum | cut -d' ' -f1)
    log="$log_dir/$name.log"
    if [ ! -x "$prog" ]; then
        echo "MISSING $prog"
        failed=$((failed + 1))
        failures="$failures $prog"
        continue
    fi
    tap=""
    if grep -q "g_test_init\|--tap" "$prog" 2>/dev/null; then
        tap="--tap"
    fi
    # shellcheck disable=SC2086
    "$prog" $tap $args >"$log" 2>&1
    rc=$?
    if [ -n "$tap" ]; then
        ok=$(grep -c '^ok ' "$log")
        bad=$(grep -c '^not ok ' "$log")
        skipped=$(grep -c '^ok .*# SKIP' "$log")
        if [ "$skipped" -gt 0 ]; then
            echo "SKIPPED tests in $prog count as failures:"
            grep '^ok .*# SKIP' "$log"
            ok=$((ok - skipped))
            bad=$((bad + skipped))
        fi
        if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
            bad=1
        fi
        passed=$((passed + ok))
        failed=$((failed + bad))
        if [ "$bad" -gt 0 ]; then
            failures="$failures $prog"
            echo "FAIL $prog ($ok passed, $bad failed; log: $log)"
            grep -E '^not ok |ERROR|Assertion|Sanitizer' "$log" | head -20
        else
            echo "PASS $prog ($ok tests)"
        fi
    else
        if [ "$rc" -eq 0 ]; then
            passed=$((passed + 1))
            echo "PASS $prog"
        else
            failed=$((failed + 1))
            failures="$failures $prog"
            echo "FAIL $prog (exit $rc; log: $log)"
            tail -20 "$log"
        fi
    fi
done

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
