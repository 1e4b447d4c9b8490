#!/usr/bin/env bash
# test_memcheck.sh - valgrind memcheck on short runs that touch every part of the model (the
# whole-hospital scenario: emergency and elective groups, theatres, discharge pathways; ward
# rounds, bed changes and escalation), a report, a sweep, fit and check, and bad input: no leak
# and no memory error.
# Usage: test_memcheck.sh FLOWSIM SOURCE_ROOT
set -u
FLOWSIM=$1
ROOT=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed (tools/test installs it)"; exit 77; }
VG=(valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99)
pass=0
fail=0
run() {
    local want=$1
    shift
    "${VG[@]}" "$FLOWSIM" "$@" >/dev/null 2>"$TMP/err"
    local got=$?
    if [ "$got" = "$want" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL ($got): $*"; head -30 "$TMP/err"; fi
}
H="$ROOT/scenarios/whole-hospital.yaml"
run 0 run "$H" --replications 2 --threads 2 --set horizon=60d --set warmup=10d --report "$TMP/r.html" --csv "$TMP/csv"
run 0 run "$ROOT/scenarios/frailty-traditional.yaml" --replications 1 --set horizon=60d --trace "$TMP/t.csv"
run 0 compare "$ROOT/scenarios/major-surgery.yaml" "$ROOT/scenarios/major-surgery-eras.yaml" --replications 2 --set horizon=60d --format json
run 0 sweep "$ROOT/scenarios/example.yaml" --vary wards.AMU.beds=30:32:1 --replications 2 --set horizon=30d --output "$TMP/sw" -q
run 0 size "$ROOT/scenarios/erlang-c.yaml" --vary wards.Ward.beds=18:30 --target 'wards.Ward.p_wait <= 0.3' --replications 3 --set horizon=100d
run 0 warmup "$ROOT/scenarios/example.yaml" --replications 2 --set horizon=60d
# ward rounds, bed changes and escalation, with every output that reads them
run 0 run "$ROOT/scenarios/safer-medicine.yaml" --replications 2 --threads 2 --set horizon=30d --report "$TMP/s.html" --csv "$TMP/scsv" --trace "$TMP/s.csv"
run 0 run "$ROOT/scenarios/winter-escalation.yaml" --replications 2 --threads 2 --set horizon=30d --report "$TMP/w.html" --csv "$TMP/wcsv"
# the front door: targets, patience, outliers, waiting-list measures, with every output
run 0 run "$ROOT/scenarios/emergency-department.yaml" --replications 2 --threads 2 --set horizon=20d --report "$TMP/e.html" --csv "$TMP/ecsv" --trace "$TMP/e.csv"
run 0 run "$ROOT/scenarios/emergency-department.yaml" --replications 1 --set horizon=20d --set 'wards.Surgery.reserved={beds: 8, groups: [hip]}' --set 'groups.hip.leave_list={dist: exponential, mean: 20w}'
# fit and check: an extract of a few weeks, a poor fit's CSV, a check with its HTML and JSON,
# and bad extracts
head -2000 "$ROOT/scenarios/data/sample-extract.csv" >"$TMP/extract.csv"
run 0 fit "$TMP/extract.csv" -o "$TMP/fitted.yaml"
run 0 check "$TMP/fitted.yaml" --data "$TMP/extract.csv" --replications 2 --report "$TMP/c.html" --format json
run 3 fit "$ROOT/tests/data/bad-extracts/overlapping-stays.csv"
run 3 check "$TMP/fitted.yaml" --data "$ROOT/tests/data/bad-extracts/unclosed-quote.csv"
run 3 fit "$ROOT/tests/data/bad-extracts/wards-one-name.csv"
run 3 validate "$ROOT/tests/data/bad/reserved-unknown-group.yaml"
run 3 validate "$ROOT/tests/data/bad/outlie-to-itself.yaml"
run 3 validate "$ROOT/tests/data/bad/bed-change-below-zero-on-holiday.yaml"
run 3 run "$ROOT/tests/data/bad/discharge-readmission-unknown-group.yaml"
run 3 validate "$ROOT/tests/data/bad/theatre-sessions-overlap.yaml"
# --replications and --seed given twice (the first string was freed while the --set list still
# held it: a use after free).
run 0 run --replications 2 --replications 3 --seed 4 --seed 5 --set horizon=5d
run 0 compare "$ROOT/scenarios/example.yaml" --set wards.AMU.beds=40 --replications 2 --replications 2 --set horizon=5d
# flowsim report of a sweep summary with a short stray column (read past its end before).
mkdir -p "$TMP/badsweep"
printf 'x,ab_mean,ab_ci_low,ab_ci_high,z\n1,2,3,4,5\n' >"$TMP/badsweep/summary.csv"
run 3 report "$TMP/badsweep" -o "$TMP/bad.html"
echo "memcheck: $pass passed, $fail failed"
[ "$fail" = 0 ]
