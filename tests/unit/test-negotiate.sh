#!/bin/sh
# vsysmem-negotiate over tests/unit/scenarios/: each NN-*.json must print
# exactly NN-*.expected (exit 0); each bad-*.json must exit 2 with the text
# of bad-*.err in its message.  Runs every tool binary given (plain and
# sanitized).  Generated from tests/unit/test-negotiate.sh by mk/core.mk.
set -u
dir=@SRCDIR@/tests/unit/scenarios
fail=0
for tool in @TOOLS@; do
    for json in "$dir"/[0-9]*.json; do
        exp=${json%.json}.expected
        out=$("$tool" "$json" 2>&1)
        rc=$?
        if [ $rc -ne 0 ] || [ "$out" != "$(cat "$exp")" ]; then
            echo "FAIL: $(basename "$tool") $(basename "$json") (exit $rc)"
            printf '%s\n' "$out" | diff "$exp" - | head -20
            fail=1
        fi
    done
    # stdin works too
    if ! "$tool" < "$dir/01-single.json" | cmp -s - "$dir/01-single.expected"; then
        echo "FAIL: $(basename "$tool") reading stdin"
        fail=1
    fi
    for json in "$dir"/bad-*.json; do
        want=$(cat "${json%.json}.err")
        err=$("$tool" "$json" 2>&1 >/dev/null)
        rc=$?
        case "$err" in
        *"$want"*) ;;
        *) echo "FAIL: $(basename "$json"): message '$err' lacks '$want'"; fail=1 ;;
        esac
        if [ $rc -ne 2 ]; then
            echo "FAIL: $(basename "$json"): exit $rc, want 2"
            fail=1
        fi
    done
done
exit $fail
