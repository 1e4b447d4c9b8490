#!/usr/bin/env bash
# test_threads.sh - the threaded paths give the bytes of one thread: replications (run, with
# the JSON report's profiles and daily series), a paired comparison, a sweep's pool of points,
# size's run-ahead and goal-seek, and a check against an extract, each with 1 and 4 threads. In
# the ThreadSanitizer build (tools/test: build-tsan) the same commands are its race detector's
# workload: any race it sees fails the command (TSAN_OPTIONS halt_on_error=1). A thread that
# cannot start (too little address space for its stack) is said once and the run gives the same
# numbers with those that did (the plain build only: sanitizers need the address space).
# Usage: test_threads.sh FLOWSIM SOURCE_ROOT
set -u
FLOWSIM=$1
ROOT=$2
source "$ROOT/tests/cli/harness.sh"
EX="$ROOT/scenarios/example.yaml"
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}"

# same_bytes WHAT ARGS...: flowsim ARGS --threads 1 and --threads 4 exit 0 with the same output.
same_bytes() {
    local what=$1
    shift
    expect_exit 0 "$what, 1 thread" -- "$FLOWSIM" "$@" --threads 1 -o "$TMP/one"
    expect_exit 0 "$what, 4 threads" -- "$FLOWSIM" "$@" --threads 4 -o "$TMP/four"
    if cmp -s "$TMP/one" "$TMP/four"; then ok; else bad "$what: 4 threads differ from 1"; fi
}

same_bytes "run" run "$EX" --replications 8 --set horizon=60d --format json
same_bytes "run, text" run "$ROOT/scenarios/whole-hospital.yaml" --replications 6 --set horizon=30d
same_bytes "compare" compare "$EX" --set wards.AMU.beds=30 --replications 6 --set horizon=60d --format json
same_bytes "size" size "$EX" --vary wards.AMU.beds=20:60 --target 'wards.AMU.p_wait <= 0.2' \
    --replications 4 --set horizon=60d --format json
same_bytes "goal-seek" size "$EX" --vary groups.emergency_medical.arrivals.rate=10/d:30/d \
    --target 'wards.AMU.p_wait <= 0.2' --replications 4 --set horizon=60d --format json

for n in 1 4; do
    expect_exit 0 "sweep, $n threads" -- "$FLOWSIM" sweep "$EX" --vary wards.AMU.beds=30,34,38 \
        --replications 3 --set horizon=60d --threads $n --output "$TMP/sweep$n"
done
if cmp -s "$TMP/sweep1/runs.csv" "$TMP/sweep4/runs.csv" && cmp -s "$TMP/sweep1/summary.csv" "$TMP/sweep4/summary.csv"
then ok; else bad "sweep: 4 threads differ from 1"; fi

if ldd "$FLOWSIM" 2>/dev/null | grep -q 'lib[at]san'; then
    echo "threads: the thread-start test is for the plain build (sanitizers need the address space)"
else
    "$FLOWSIM" run "$EX" --replications 32 --set horizon=30d --threads 1 >"$TMP/t1.txt"
    (ulimit -v 200000; "$FLOWSIM" run "$EX" --replications 32 --set horizon=30d --threads 64 >"$TMP/t64.txt" 2>"$TMP/t64.err")
    code=$?
    [ "$code" = 0 ] && ok || bad "threads that cannot start: exit $code"
    grep -q 'warning: [0-9]* of [0-9]* threads could be started' "$TMP/t64.err" && ok || {
        bad "threads that cannot start: said"; cat "$TMP/t64.err"; }
    cmp -s "$TMP/t1.txt" "$TMP/t64.txt" && ok || bad "threads that cannot start: the same numbers"
fi

harness_summary threads
