# harness.sh - what the shell test scripts share: a temporary directory removed on exit, pass
# and fail counts, and expect_exit. Sourced; the script ends with harness_summary NAME.

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
EXPECT_TIMEOUT=${EXPECT_TIMEOUT:-600}   # seconds: a hang fails its case instead of the suite

# Limits on how long a command may take catch hangs, not slowness: each is scaled by
# FLOWSIM_TIMEOUT_SCALE (default 10), so that a busy machine or a sanitizer build passes.
TIMEOUT_SCALE=${FLOWSIM_TIMEOUT_SCALE:-10}
limit() { local s=$1; shift; timeout -s KILL $((s * TIMEOUT_SCALE)) "$@"; }

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_exit CODE DESCRIPTION -- COMMAND...: the command's exit status is CODE (stdout and
# stderr kept in $TMP/out and $TMP/err).
expect_exit() {
    local want=$1 what=$2
    shift 3
    local t=$EXPECT_TIMEOUT
    if [ "$1" = limit ]; then t=$(($2 * TIMEOUT_SCALE)); shift 2; fi   # expect_exit ... -- limit S CMD
    timeout -s KILL "$t" "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$?
    if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, wanted $want"; head -20 "$TMP/err"; fi
}

harness_summary() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" = 0 ]
}
