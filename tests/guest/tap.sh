# TAP helper for the guest shell tests (sourced; /lib/tap.sh in the guest).
# ok STATUS DESCRIPTION: one TAP line; a non-zero STATUS fails the test.
# End a test with: echo "1..$n"; exit $failed
n=0
failed=0
ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=1
    fi
}
