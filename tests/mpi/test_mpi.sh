#!/usr/bin/env bash
# test_mpi.sh - with 2 MPI ranks, run (rounds and bed changes included), sweep (and its resume),
# compare and size give the same output, byte for byte, as one process. Usage: test_mpi.sh FLOWSIM SOURCE_ROOT
set -u
FLOWSIM=$1
ROOT=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
MPI=(mpirun --oversubscribe -n 2)
pass=0
fail=0
check() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $*"; fi; }

S="$ROOT/scenarios/example.yaml"
"$FLOWSIM" run "$S" --replications 5 --format json >"$TMP/one.json"
"${MPI[@]}" "$FLOWSIM" run "$S" --replications 5 --format json >"$TMP/two.json"
check cmp -s "$TMP/one.json" "$TMP/two.json"
"${MPI[@]}" "$FLOWSIM" run "$S" --replications 5 --threads 1 --format json --output "$TMP/file.json"
check cmp -s "$TMP/one.json" "$TMP/file.json"

SW=(sweep "$S" --vary wards.AMU.beds=30:36:2 --replications 3 --set horizon=200d --quiet)
"$FLOWSIM" "${SW[@]}" --output "$TMP/s1"
"${MPI[@]}" "$FLOWSIM" "${SW[@]}" --output "$TMP/s2"
check cmp -s "$TMP/s1/runs.csv" "$TMP/s2/runs.csv"
check cmp -s "$TMP/s1/summary.csv" "$TMP/s2/summary.csv"
head -c 1500 "$TMP/s1/runs.csv" >"$TMP/s2/runs.csv"
"${MPI[@]}" "$FLOWSIM" "${SW[@]}" --output "$TMP/s2" --resume
check cmp -s "$TMP/s1/runs.csv" "$TMP/s2/runs.csv"
check cmp -s "$TMP/s1/summary.csv" "$TMP/s2/summary.csv"

"$FLOWSIM" compare "$S" --set wards.AMU.beds=40 --replications 4 --format json >"$TMP/c1.json"
"${MPI[@]}" "$FLOWSIM" compare "$S" --set wards.AMU.beds=40 --replications 4 --format json >"$TMP/c2.json"
check cmp -s "$TMP/c1.json" "$TMP/c2.json"

# rounds, bed changes and escalation, with their hour-of-week and daily series gathered; the
# front door (patience, outliers, targets, waiting-list measures)
for f in safer-medicine winter-escalation emergency-department; do
    "$FLOWSIM" run "$ROOT/scenarios/$f.yaml" --replications 4 --set horizon=30d --csv "$TMP/$f-1" -q >/dev/null
    "${MPI[@]}" "$FLOWSIM" run "$ROOT/scenarios/$f.yaml" --replications 4 --set horizon=30d --csv "$TMP/$f-2" -q >/dev/null
    for c in replications daily hourly; do check cmp -s "$TMP/$f-1/$c.csv" "$TMP/$f-2/$c.csv"; done
done

EC="$ROOT/scenarios/erlang-c.yaml"
"$FLOWSIM" size "$EC" --vary wards.Ward.beds --target 'wards.Ward.p_wait <= 0.3' --format json >"$TMP/z1.json"
"${MPI[@]}" "$FLOWSIM" size "$EC" --vary wards.Ward.beds --target 'wards.Ward.p_wait <= 0.3' --format json >"$TMP/z2.json"
check cmp -s "$TMP/z1.json" "$TMP/z2.json"

echo "mpi: $pass passed, $fail failed"
[ "$fail" = 0 ]
