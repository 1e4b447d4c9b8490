#!/usr/bin/env bash
# test_cli.sh - the flowsim command as a user runs it: help, version, exit codes, diagnostics,
# JSON paths, byte-for-byte reproducibility, atomic output and hostile input.
# Usage: test_cli.sh FLOWSIM SOURCE_ROOT
set -u
FLOWSIM=$1
ROOT=$2
source "$(dirname "$0")/harness.sh"

# Every stderr line is FILE:LINE:COLUMN: error: WHAT (or the 'more errors' line).
diag_format() {
    if grep -qvE '^[^:]+:[0-9]+:[0-9]+: error: .+$|^flowsim: [0-9]+ more errors not shown$' "$TMP/err" \
        || [ ! -s "$TMP/err" ]; then
        bad "$1: diagnostics not in FILE:LINE:COLUMN: error: form"; cat "$TMP/err"
    else ok; fi
}

# Two JSON results files say the same apart from the command recorded with them (report.as_run).
same_results() {
    python3 -c 'import json,sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.get("report", {}).pop("as_run", None)
sys.exit(a != b)' "$1" "$2" 2>/dev/null
}

one_line() {
    if [ "$(wc -l <"$TMP/err")" = 1 ]; then ok; else bad "$1: wanted one line on stderr"; cat "$TMP/err"; fi
}

# --- help, version, usage errors ---
expect_exit 0 "--version" -- "$FLOWSIM" --version
grep -q '^flowsim [0-9]' "$TMP/out" && ok || bad "--version output"
expect_exit 0 "--help" -- "$FLOWSIM" --help
grep -q 'usage: flowsim' "$TMP/out" && ok || bad "--help output"
for c in run validate selftest compare sweep size warmup report help; do
    expect_exit 0 "help $c" -- "$FLOWSIM" help "$c"
    expect_exit 0 "$c --help" -- "$FLOWSIM" "$c" --help
done
# One option table makes the parser, the help and the man page: every option a command's help
# lists is taken by that command (given a value, it is not an unknown option: the next one is,
# or the value's own error names it), the man page
# lists it under the command, and an option the help does not list is refused.
expect_exit 0 "man page" -- "$FLOWSIM" help --man
cp "$TMP/out" "$TMP/flowsim.1"
grep -q '^\.TH FLOWSIM 1' "$TMP/flowsim.1" && ok || bad "man page header"
if command -v man >/dev/null; then
    MANWIDTH=100 man --warnings -l "$TMP/flowsim.1" >"$TMP/man.txt" 2>"$TMP/man.err"
    [ -s "$TMP/man.txt" ] && [ ! -s "$TMP/man.err" ] && ok || { bad "man -l renders the page without warnings"; cat "$TMP/man.err"; }
fi
for c in run validate selftest compare sweep size warmup fit check report serve; do
    "$FLOWSIM" help "$c" >"$TMP/help.txt"
    opts=$(grep -oE '^  (-[a-z], )?--[a-z-]+( [^ ]+)?' "$TMP/help.txt" | sed -E 's/^  (-[a-z], )?//')
    [ -n "$opts" ] && ok || bad "help $c lists its options"
    while read -r name value; do
        [ "$name" = --help ] && continue
        "$FLOWSIM" "$c" "$name" ${value:+x} --frobnicate >/dev/null 2>"$TMP/err"
        grep -q "unknown option '--frobnicate'\|$name" "$TMP/err" && ! grep -q "unknown option '$name" "$TMP/err" && ok \
            || { bad "$c takes $name as its help says"; cat "$TMP/err"; }
        sed -n "/^\.SS flowsim $c /,/^\.SS /p" "$TMP/flowsim.1" | grep -q "^\.B .*${name//-/\\\\-}" && ok \
            || bad "the man page lists $name under $c"
    done <<<"$opts"
done
for bad_opt in "fit --threads 2" "report --set a=1" "warmup --strict" "validate --report x.html" "serve --seed 1" "check --lhs 3"; do
    expect_exit 2 "$bad_opt: an option its help does not list" -- "$FLOWSIM" $bad_opt
    grep -q "unknown option '--" "$TMP/err" && ok || bad "$bad_opt: says the option is unknown"
done
expect_exit 2 "no arguments" -- "$FLOWSIM"
expect_exit 2 "help for an unknown command" -- "$FLOWSIM" help nosuch
one_line "help nosuch"
expect_exit 2 "unknown command" -- "$FLOWSIM" frobnicate
one_line "unknown command"
expect_exit 2 "unknown option" -- "$FLOWSIM" run --frobnicate
one_line "unknown option"
expect_exit 2 "unknown top-level option" -- "$FLOWSIM" --frobnicate
expect_exit 2 "bad --format" -- "$FLOWSIM" run --format xml
one_line "bad --format"
expect_exit 2 "--set without =" -- "$FLOWSIM" run --set wards.AMU.beds
expect_exit 2 "--threads 0" -- "$FLOWSIM" run --threads 0
expect_exit 2 "--replications x" -- "$FLOWSIM" run --replications x
expect_exit 2 "option without value" -- "$FLOWSIM" run --output
expect_exit 2 "two scenarios" -- "$FLOWSIM" run a.yaml b.yaml
expect_exit 2 "validate without scenario" -- "$FLOWSIM" validate

# --- the built-in example ---
expect_exit 0 "run with no scenario" -- "$FLOWSIM" run --replications 2 --set horizon=60d
grep -q 'Example district general hospital' "$TMP/out" && ok || bad "example report"
grep -q 'Ward AMU' "$TMP/out" && ok || bad "example report shows wards"

# --- scenarios shipped in scenarios/ load and run ---
for f in "$ROOT"/scenarios/*.yaml; do
    expect_exit 0 "validate $(basename "$f")" -- "$FLOWSIM" validate "$f"
    expect_exit 0 "run $(basename "$f")" -- "$FLOWSIM" run "$f" --replications 2 --set horizon=30d --format json
done
# The built-in example is scenarios/example.yaml: the same results, byte for byte.
"$FLOWSIM" run --replications 2 --set horizon=30d --format json >"$TMP/builtin.json" 2>/dev/null
"$FLOWSIM" run "$ROOT/scenarios/example.yaml" --replications 2 --set horizon=30d --format json \
    >"$TMP/file.json" 2>/dev/null
[ -s "$TMP/builtin.json" ] && same_results "$TMP/builtin.json" "$TMP/file.json" && ok \
    || bad "the built-in example differs from scenarios/example.yaml"

# --- bad input: exit 3 and FILE:LINE:COLUMN diagnostics ---
for f in "$ROOT"/tests/data/bad/*.yaml; do
    sets=()
    while IFS= read -r line; do sets+=(--set "${line#\# set: }"); done < <(grep '^# set: ' "$f")
    expect_exit 3 "bad file $(basename "$f")" -- "$FLOWSIM" run "$f" "${sets[@]}"
    diag_format "bad file $(basename "$f")"
    [ ! -s "$TMP/out" ] && ok || bad "bad file $(basename "$f") printed a report"
done
expect_exit 3 "missing file" -- "$FLOWSIM" run "$TMP/no-such.yaml"
diag_format "missing file"
expect_exit 3 "a directory" -- "$FLOWSIM" validate "$TMP"
diag_format "a directory"

# Hostile files: random bytes, a 100 MB file, an alias bomb, deep nesting. Each must be refused
# quickly (timeout) with a diagnostic, never a crash.
head -c 65536 /dev/urandom >"$TMP/random.yaml"
expect_exit 3 "random bytes" -- limit 10 "$FLOWSIM" validate "$TMP/random.yaml"
diag_format "random bytes"
truncate -s 100M "$TMP/huge.yaml"
expect_exit 3 "100 MB file" -- limit 10 "$FLOWSIM" validate "$TMP/huge.yaml"
diag_format "100 MB file"
{
    echo 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
    for i in b c d e f g h i j; do echo "$i: &$i [*a,*a,*a,*a,*a,*a,*a,*a,*a]"; done
} >"$TMP/bomb.yaml"
expect_exit 3 "alias bomb" -- limit 10 "$FLOWSIM" validate "$TMP/bomb.yaml"
diag_format "alias bomb"
python3 -c "print('x: ' + '['*100000)" >"$TMP/deep.yaml"
expect_exit 3 "deep nesting" -- limit 10 "$FLOWSIM" validate "$TMP/deep.yaml"
diag_format "deep nesting"

# --- JSON: contract paths, reproducibility ---
S="$ROOT/scenarios/example.yaml"
common=(--replications 3 --set horizon=40d --set warmup=5d --format json)
expect_exit 0 "json run" -- "$FLOWSIM" run "$S" "${common[@]}" --threads 1
cp "$TMP/out" "$TMP/a.json"
python3 - "$TMP/a.json" <<'PY' && ok || bad "JSON contract paths"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ["scenario", "seed", "replications", "horizon_days", "warmup_days", "flowsim_version"]:
    assert k in d, k
m = ["mean", "sd", "ci_low", "ci_high"]
for k in ["arrivals_per_day", "throughput_per_day", "los_days", "los_days_p50", "los_days_p90",
          "los_days_p95", "cost_per_patient"]:
    assert list(d["system"][k]) == m, k
for w in d["wards"].values():
    for k in ["mean_occupied_beds", "occupancy", "p_full", "p_wait", "mean_wait_hours",
              "lost_fraction", "blocked_bed_days_per_day"]:
        assert list(w[k]) == m, k
for g in d["groups"].values():
    for k in ["arrivals_per_day", "los_days", "cost_per_patient"]:
        assert list(g[k]) == m, k
assert d["replications"] == 3 and d["horizon_days"] == 40
PY
expect_exit 0 "json run, 2 threads" -- "$FLOWSIM" run "$S" "${common[@]}" --threads 2
cmp -s "$TMP/out" "$TMP/a.json" && ok || bad "JSON differs between 1 and 2 threads"
expect_exit 0 "json run again" -- "$FLOWSIM" run "$S" "${common[@]}"
cmp -s "$TMP/out" "$TMP/a.json" && ok || bad "same seed gave different JSON"
expect_exit 0 "json run, other seed" -- "$FLOWSIM" run "$S" "${common[@]}" --seed 43
cmp -s "$TMP/out" "$TMP/a.json" && bad "a different seed gave the same JSON" || ok
# One seed range everywhere (0 to 2^53 - 1): the file, --set and --seed agree.
expect_exit 0 "--seed above 2^31" -- "$FLOWSIM" run "$S" "${common[@]}" --seed 3000000000
expect_exit 0 "--set seed above 2^31" -- "$FLOWSIM" run "$S" "${common[@]}" --set seed=3000000000
"$FLOWSIM" run "$S" "${common[@]}" --seed 3000000000 >"$TMP/seed.json" 2>/dev/null
same_results "$TMP/out" "$TMP/seed.json" && ok || bad "--seed and --set seed differ"
expect_exit 0 "--seed 2^53 - 1" -- "$FLOWSIM" run "$S" "${common[@]}" --seed 9007199254740991
expect_exit 2 "--seed 2^53" -- "$FLOWSIM" run "$S" "${common[@]}" --seed 9007199254740992
grep -q "from 0 to 9007199254740991" "$TMP/err" && ok || bad "--seed range message"
expect_exit 3 "--set seed 2^53" -- "$FLOWSIM" run "$S" "${common[@]}" --set seed=9007199254740992
grep -q "from 0 to 9007199254740991" "$TMP/err" && ok || bad "--set seed range message"

# --- theatres and elective groups: JSON paths ---
expect_exit 0 "elective json" -- "$FLOWSIM" run "$ROOT/scenarios/elective-orthopaedics.yaml" \
    --replications 2 --set horizon=28d --set warmup=7d --format json
python3 - "$TMP/out" <<'PY' && ok || bad "theatre and elective JSON paths"
import json, sys
d = json.load(open(sys.argv[1]))
m = ["mean", "sd", "ci_low", "ci_high"]
for t in d["theatres"].values():
    for k in ["lists_per_week", "utilisation", "p_list_underrun", "late_start_minutes",
              "overrun_minutes", "turnaround_minutes", "cases_per_list", "cancelled_no_bed_per_week",
              "cancelled_unfit_per_week", "cost_per_case"]:
        assert list(t[k]) == m, k
for k in ["waiting_list_size", "waiting_list_end", "wait_weeks", "wait_weeks_p92", "p_within_18_weeks"]:
    assert list(d["groups"]["hip_replacement"][k]) == m, k
assert "waiting_list_size" not in d["groups"]["trauma"]
PY

# --- discharge pathways and community services: JSON paths ---
expect_exit 0 "discharge json" -- "$FLOWSIM" run "$ROOT/scenarios/frailty-d2a.yaml" \
    --replications 2 --set horizon=28d --set warmup=7d --format json
python3 - "$TMP/out" <<'PY' && ok || bad "discharge and community JSON paths"
import json, sys
d = json.load(open(sys.argv[1]))
m = ["mean", "sd", "ci_low", "ci_high"]
for k in ["delayed_bed_days_per_day", "fit_to_leave_days", "p_same_or_next_day"]:
    assert list(d["discharge"][k]) == m, k
for p in ["P0", "P1", "P2", "P3"]:
    for k in ["patients_per_day", "fit_to_leave_days", "readmissions_per_day"]:
        assert list(d["pathways"][p][k]) == m, (p, k)
for c in ["reablement", "rehab_beds", "care_home"]:
    for k in ["mean_occupied", "occupancy", "mean_wait_days", "queue_in_hospital"]:
        assert list(d["community"][c][k]) == m, (c, k)
for k in ["cost_per_patient", "hospital_cost_per_patient", "community_cost_per_patient"]:
    assert list(d["system"][k]) == m, k
PY

# --- compare: a scenario against itself differs by exactly zero ---
expect_exit 0 "compare with itself" -- "$FLOWSIM" compare "$S" "$S" --replications 3 --format json
python3 - "$TMP/out" <<'PY' && ok || bad "self-comparison is not exactly zero"
import json, sys
d = json.load(open(sys.argv[1]))
n = 0
def walk(o):
    global n
    if isinstance(o, dict) and "diff" in o:
        assert o["diff"]["mean"] in (0, None) and o["diff"]["sd"] in (0, None), o
        assert o["base"] == o["whatif"]
        n += 1
    elif isinstance(o, dict):
        for v in o.values():
            walk(v)
walk(d)
assert n > 20
PY
expect_exit 0 "compare a what-if" -- "$FLOWSIM" compare "$S" --set wards.AMU.beds=40 --replications 3 --set horizon=60d
grep -q 'differences are significant' "$TMP/out" && ok || bad "compare text report"
expect_exit 2 "compare without a what-if" -- "$FLOWSIM" compare "$S"

# --- sweep: killed midway and resumed, the files are those of an uninterrupted run ---
SW=(sweep "$S" --vary wards.AMU.beds=30:41:1 --vary groups.emergency_surgical.arrivals.rate=5/d,6/d
    --replications 3 --set horizon=1500d --threads 2 --quiet)
expect_exit 0 "sweep" -- "$FLOWSIM" "${SW[@]}" --output "$TMP/sweep-a"
[ "$(wc -l <"$TMP/sweep-a/summary.csv")" = 25 ] && ok || bad "sweep summary rows"
[ "$(wc -l <"$TMP/sweep-a/runs.csv")" = 73 ] && ok || bad "sweep runs rows"
head -1 "$TMP/sweep-a/runs.csv" | grep -q '^point,replication,wards.AMU.beds,groups.emergency_surgical.arrivals.rate_per_day,system.arrivals_per_day,' \
    && ok || bad "runs.csv header"
head -1 "$TMP/sweep-a/summary.csv" | grep -q '^wards.AMU.beds,groups.emergency_surgical.arrivals.rate_per_day,system.arrivals_per_day_mean,system.arrivals_per_day_ci_low,' \
    && ok || bad "summary.csv header"
"$FLOWSIM" "${SW[@]}" --output "$TMP/sweep-b" &
pid=$!
for _ in $(seq 500); do
    [ "$(cat "$TMP/sweep-b/summary.csv" 2>/dev/null | wc -l)" -ge 4 ] && break
    sleep 0.01
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
expect_exit 0 "sweep --resume" -- "$FLOWSIM" "${SW[@]}" --output "$TMP/sweep-b" --resume
cmp -s "$TMP/sweep-a/runs.csv" "$TMP/sweep-b/runs.csv" && cmp -s "$TMP/sweep-a/summary.csv" "$TMP/sweep-b/summary.csv" \
    && ok || bad "resumed sweep differs from an uninterrupted one"
head -c 3000 "$TMP/sweep-a/runs.csv" >"$TMP/sweep-b/runs.csv"       # a torn write
expect_exit 0 "sweep --resume after a torn write" -- "$FLOWSIM" "${SW[@]}" --output "$TMP/sweep-b" --resume
cmp -s "$TMP/sweep-a/runs.csv" "$TMP/sweep-b/runs.csv" && cmp -s "$TMP/sweep-a/summary.csv" "$TMP/sweep-b/summary.csv" \
    && ok || bad "sweep resumed after a torn write differs"
expect_exit 2 "sweep into a used directory" -- "$FLOWSIM" "${SW[@]}" --output "$TMP/sweep-a"
expect_exit 2 "resume another sweep" -- "$FLOWSIM" sweep "$S" --vary wards.AMU.beds=30:31:1 --output "$TMP/sweep-a" --resume
expect_exit 3 "sweep with an invalid point" -- "$FLOWSIM" sweep "$S" --vary wards.AMU.beds=-1:1:1 --output "$TMP/sweep-c"
[ ! -e "$TMP/sweep-c/runs.csv" ] && ok || bad "an invalid sweep wrote files"
expect_exit 2 "sweep with a bad range" -- "$FLOWSIM" sweep "$S" --vary wards.AMU.beds=5:1:1 --output "$TMP/sweep-c"

# --- a sweep written in the scenario (sweep: block), and a Latin hypercube ---
mkdir -p "$TMP/sf"
cp "$S" "$TMP/sf/base.yaml"
printf 'extends: base.yaml\nsweep:\n  vary:\n    - wards.AMU.beds=30:36:3\n    - "groups.emergency_medical.arrivals.rate=18/d,20/d"\n  metrics: [wards.AMU]\n' >"$TMP/sf/sweep.yaml"
expect_exit 0 "sweep from a sweep: block" -- "$FLOWSIM" sweep "$TMP/sf/sweep.yaml" --replications 2 --set horizon=30d --output "$TMP/sf/out"
[ "$(wc -l <"$TMP/sf/out/summary.csv")" = 7 ] && ok || bad "sweep block grid size"
head -1 "$TMP/sf/out/runs.csv" | grep -q '^point,replication,wards.AMU.beds,groups.emergency_medical.arrivals.rate_per_day,wards.AMU.mean_occupied_beds,' \
    && ok || bad "sweep block metrics"
expect_exit 0 "Latin hypercube sweep" -- "$FLOWSIM" sweep "$S" --lhs 7 --vary wards.AMU.beds=30:40:1 \
    --vary groups.emergency_medical.arrivals.rate=18/d:22/d --replications 2 --set horizon=30d --output "$TMP/lhs"
python3 - "$TMP/lhs/summary.csv" <<'PY' && ok || bad "Latin hypercube strata"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 7
rates = sorted(float(r["groups.emergency_medical.arrivals.rate_per_day"]) for r in rows)   # numbers, per day
for k, x in enumerate(rates):           # one value in each seventh of [18, 22]
    assert 18 + 4 * k / 7 <= x <= 18 + 4 * (k + 1) / 7, rates
assert all(r["wards.AMU.beds"].isdigit() for r in rows)
PY
expect_exit 2 "a continuous range without --lhs" -- "$FLOWSIM" sweep "$S" --vary wards.AMU.beds=30:40 --output "$TMP/lhs2"

# --- size: Erlang C says 22 beds for p_wait <= 0.3 at 18 a day, 25 for p_wait <= 0.1 ---
EC="$ROOT/scenarios/erlang-c.yaml"
expect_exit 0 "size p_wait <= 0.3" -- "$FLOWSIM" size "$EC" --vary wards.Ward.beds --target 'wards.Ward.p_wait <= 0.3' --format json
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['answer'] == 22 and d['parameter'] == 'wards.Ward.beds' and d['targets'] == [{'metric': 'wards.Ward.p_wait', 'at_most': True, 'value': 0.3}], d['answer']" "$TMP/out" \
    && ok || bad "size answer for p_wait <= 0.3 is not 22"
expect_exit 0 "size p_wait <= 0.1" -- "$FLOWSIM" size "$EC" --vary wards.Ward.beds --target 'wards.Ward.p_wait <= 0.1' --format json
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['answer'] == 25, d['answer']" "$TMP/out" \
    && ok || bad "size answer for p_wait <= 0.1 is not 25"
expect_exit 0 "size a theatre session's length in hours" -- "$FLOWSIM" size "$ROOT/scenarios/elective-orthopaedics.yaml" \
    --vary theatres.Ortho1.sessions.1.length=4h:12h --target 'theatres.Ortho1.lists_per_week >= 5' --replications 2 --set horizon=30d
grep -q 'Answer: theatres.Ortho1.sessions.1.length = 4h' "$TMP/out" && ok || bad "size with a unit"
expect_exit 1 "size with no answer in range" -- "$FLOWSIM" size "$EC" --vary wards.Ward.beds=10:15 --target 'wards.Ward.p_wait <= 0.3'
expect_exit 2 "size with a bad target" -- "$FLOWSIM" size "$EC" --vary wards.Ward.beds --target 'wards.Ward.p_wait < 0.3'
expect_exit 3 "size with an unknown metric" -- "$FLOWSIM" size "$EC" --vary wards.Ward.beds --target 'wards.Ward.p_wiat <= 0.3'
# Goal-seeking a continuous value: the largest arrival rate with p_wait <= 0.3 (Erlang C: 16.37
# a day) lies in the interval reported, and so for the mean stay; errors name --vary.
expect_exit 0 "goal-seek an arrival rate" -- "$FLOWSIM" size "$EC" --vary groups.all.arrivals.rate=10/d:19/d \
    --target 'wards.Ward.p_wait <= 0.3' --resolution 0.1/d --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["seek"]
assert s["answer_is"] == "largest" and s["unit"] == "/d" and s["resolution"] == 0.1
lo, hi = s["interval"]; assert lo == d["answer"] and lo <= 16.372 <= hi and hi - lo < 0.5, s
assert all(isinstance(e["value"], float) for e in d["evaluated"])' "$TMP/out" && ok || bad "goal-seek JSON: $(head -c 400 "$TMP/out")"
expect_exit 0 "goal-seek a stay without --resolution" -- "$FLOWSIM" size "$EC" --vary groups.all.route.1.stay.mean=0.5d:1.5d \
    --target 'wards.Ward.p_wait <= 0.3'
grep -q '^Answer: groups.all.route.1.stay.mean = 0.8[0-9]*d, the largest value' "$TMP/out" && grep -q 'to within 0.01d' "$TMP/out" \
    && ok || bad "goal-seek of a stay: $(tail -4 "$TMP/out")"
expect_exit 1 "goal-seek met everywhere" -- "$FLOWSIM" size "$EC" --vary groups.all.arrivals.rate=10/d:12/d \
    --target 'wards.Ward.p_wait <= 0.9' --resolution 0.5/d
grep -q 'meets every target: widen the range' "$TMP/out" && ok || bad "goal-seek met everywhere: $(tail -2 "$TMP/out")"
expect_exit 2 "--resolution in another unit" -- "$FLOWSIM" size "$EC" --vary groups.all.arrivals.rate=10/d:19/d \
    --target 'wards.Ward.p_wait <= 0.3' --resolution 0.1
expect_exit 2 "--resolution on run" -- "$FLOWSIM" run "$EC" --resolution 0.1
expect_exit 3 "size of a rate written without its unit" -- "$FLOWSIM" size "$EC" --vary groups.all.arrivals.rate=10:19 \
    --target 'wards.Ward.p_wait <= 0.3'
grep -q "^--vary:1:26: error: 'rate' must be a rate" "$TMP/err" && ok || bad "the error does not name --vary: $(cat "$TMP/err")"
expect_exit 2 "size of a name" -- "$FLOWSIM" size "$EC" --vary name --target 'wards.Ward.p_wait <= 0.3'
grep -q "'name' is not a quantity that can be sized" "$TMP/err" && ok || bad "size of a name: $(cat "$TMP/err")"

# --- --precision: replications are added until the goal is met, and the result is exactly
# the run with that many replications ---
expect_exit 0 "--precision" -- "$FLOWSIM" run "$S" --set horizon=60d --precision wards.AMU.occupancy=0.01 --format json
cp "$TMP/out" "$TMP/p.json"
n=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); o=d['wards']['AMU']['occupancy']; assert (o['ci_high']-o['ci_low'])/2 <= 0.01; print(d['replications'])" "$TMP/p.json") \
    && ok || bad "--precision goal not met"
expect_exit 0 "run with as many replications" -- "$FLOWSIM" run "$S" --set horizon=60d --replications "${n:-10}" --format json
same_results "$TMP/out" "$TMP/p.json" && ok || bad "--precision result differs from a run with the same replications"
expect_exit 2 "--precision with a bad metric" -- "$FLOWSIM" run "$S" --precision wards.AMU.ocupancy=0.01
expect_exit 2 "--precision with a bad value" -- "$FLOWSIM" run "$S" --precision -1

# --- warmup: with fixed stays of L days an empty M/G/infinity ward fills in exactly L days;
# MSER on weekly batches must cut the first whole weeks that cover the ramp ---
printf 'name: ramp\nhorizon: 400d\nreplications: 20\nwards: [{name: W, beds: 1000}]\ngroups:\n  - name: g\n    arrivals: {rate: 20/d}\n    route: [{ward: W, stay: {dist: fixed, value: 10d}}]\n' >"$TMP/ramp.yaml"
for pair in 10d:14 40d:42; do
    expect_exit 0 "warmup, stays ${pair%%:*}" -- "$FLOWSIM" warmup "$TMP/ramp.yaml" --set "groups.g.route.1.stay.value=${pair%%:*}" --format json
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['recommended_days'] == float(sys.argv[2]), d['recommended_days']" \
        "$TMP/out" "${pair##*:}" && ok || bad "warmup estimate for stays of ${pair%%:*}"
done
expect_exit 0 "warmup text" -- "$FLOWSIM" warmup "$S" --replications 4
grep -q 'Recommended: warmup:' "$TMP/out" && ok || bad "warmup text report"

# --- --csv: per-replication metrics, daily series, group summaries; the daily series average
# to exactly the replication's own time-average over the measured days ---
expect_exit 0 "--csv" -- "$FLOWSIM" run "$ROOT/scenarios/frailty-d2a.yaml" --replications 2 --set horizon=60d --set warmup=10d --csv "$TMP/csv"
python3 - "$TMP/csv" <<'PY' && ok || bad "--csv files"
import csv, sys
d = sys.argv[1]
reps = list(csv.DictReader(open(d + "/replications.csv")))
daily = list(csv.DictReader(open(d + "/daily.csv")))
groups = list(csv.DictReader(open(d + "/groups.csv")))
assert len(reps) == 2 and len(daily) == 2 * 70 and groups[0]["group"] == "frail_elderly"
hourly = list(csv.DictReader(open(d + "/hourly.csv")))
assert len(hourly) == 2 * 2 * 168 and hourly[0]["weekday"] == "Mon"
# daily_summary.csv: each day's mean and percentiles across replications, computed here again
# from daily.csv (GSL's quantile of sorted data: linear between order statistics at (n - 1) p)
summary = list(csv.DictReader(open(d + "/daily_summary.csv")))
series = [c for c in daily[0] if c not in ("replication", "day")]
assert len(summary) == 70 * len(series) and "wards.Geriatrics.occupied" in series
assert "wards.Geriatrics.full_fraction" not in series           # the forecast's series: runs from a census only
def quantile(xs, p):
    xs = sorted(xs); h = (len(xs) - 1) * p; lo = int(h)
    return xs[lo] + (h - lo) * (xs[min(lo + 1, len(xs) - 1)] - xs[lo])
for row in summary:
    xs = [float(r[row["metric"]]) for r in daily if r["day"] == row["day"]]
    for key, want in (("mean", sum(xs) / len(xs)), ("p05", quantile(xs, 0.05)), ("p50", quantile(xs, 0.5)),
                      ("p95", quantile(xs, 0.95))):
        assert abs(float(row[key]) - want) <= 1e-9 * max(1, abs(want)), (row, key, want)
    assert row["date"] == ""
metrics = {m["metric"]: m for m in csv.DictReader(open(d + "/metrics.csv"))}
assert list(metrics) == list(reps[0])[1:]            # one row per column of replications.csv
assert metrics["wards.Geriatrics.p_wait"]["unit"] == "fraction" and metrics["wards.Geriatrics.p_wait"]["better"] == "lower"
assert metrics["discharge.p_same_or_next_day"]["better"] == "higher" and metrics["system.arrivals_per_day"]["better"] == "neither"
for rep in ("1", "2"):
    for ward in ("Frailty_unit", "Geriatrics"):
        days = [float(r["wards.%s.occupied" % ward]) for r in daily if r["replication"] == rep and int(r["day"]) >= 10]
        want = float([r for r in reps if r["replication"] == rep][0]["wards.%s.mean_occupied_beds" % ward])
        assert abs(sum(days) / len(days) - want) < 1e-6 * max(1, want), (ward, sum(days) / len(days), want)
PY

# --- --trace: every event of one replication, in time order; tracing changes no result ---
expect_exit 0 "--trace" -- "$FLOWSIM" run "$ROOT/scenarios/elective-orthopaedics.yaml" --replications 2 --set horizon=30d \
    --format json --trace "$TMP/trace.csv" --trace-replication 2
cp "$TMP/out" "$TMP/traced.json"
expect_exit 0 "the same run untraced" -- "$FLOWSIM" run "$ROOT/scenarios/elective-orthopaedics.yaml" --replications 2 --set horizon=30d --format json
cmp -s "$TMP/out" "$TMP/traced.json" && ok || bad "tracing changed the results"
python3 - "$TMP/trace.csv" <<'PY' && ok || bad "trace contents"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows and all(r["replication"] == "2" for r in rows)
times = [float(r["time_days"]) for r in rows]
assert times == sorted(times)
events = {r["event"] for r in rows}
assert {"referral", "booked", "operation_start", "operation_end", "bed", "bed_end", "leave_hospital"} <= events, events
inbed = {}
for r in rows:                        # a bed is never given to two patients at once
    key = (r["place"], r["resource"])
    if r["event"] == "bed":
        assert key not in inbed, key
        inbed[key] = r["patient"]
    elif r["event"] == "bed_end":
        assert inbed.pop(key) == r["patient"]
PY
expect_exit 0 "--trace-format vidigi" -- "$FLOWSIM" run "$ROOT/scenarios/frailty-d2a.yaml" --replications 1 --set horizon=20d \
    --trace "$TMP/vidigi.csv" --trace-format vidigi -q
head -1 "$TMP/vidigi.csv" | grep -q '^patient,event_type,event,time,resource_id,pathway$' && ok || bad "vidigi header"
cut -d, -f2 "$TMP/vidigi.csv" | sort -u | tr '\n' ' ' | grep -q 'arrival_departure event_type queue resource_use resource_use_end' \
    && ok || bad "vidigi event types"
expect_exit 2 "--trace-format bad" -- "$FLOWSIM" run "$S" --trace "$TMP/x.csv" --trace-format csv
expect_exit 4 "--trace into a missing directory" -- "$FLOWSIM" run "$S" --trace "$TMP/nodir/t.csv"

# --- flowsim report: bad inputs are one line and exit 3 ---
: >"$TMP/empty.json"
expect_exit 3 "report of a non-JSON file" -- "$FLOWSIM" report "$TMP/empty.json" -o "$TMP/bad.html"
one_line "report of a non-JSON file"
diag_format "report of a non-JSON file"
echo '{"a": 1}' >"$TMP/other.json"
expect_exit 3 "report of other JSON" -- "$FLOWSIM" report "$TMP/other.json" -o "$TMP/bad.html"
[ ! -e "$TMP/bad.html" ] && ok || bad "a failed report left a file"
# A sweep summary whose columns are not METRIC_mean, _ci_low, _ci_high after the parameters
# (a short cell read past its end before): one located line, exit 3, no file.
mkdir -p "$TMP/badsweep"
printf 'x,ab_mean,ab_ci_low,ab_ci_high,z\n1,2,3,4,5\n' >"$TMP/badsweep/summary.csv"
expect_exit 3 "report of a sweep with a stray column" -- "$FLOWSIM" report "$TMP/badsweep" -o "$TMP/bad.html"
one_line "report of a sweep with a stray column"
grep -q "summary.csv:1:32: error: column 5 ('z')" "$TMP/err" && ok || { bad "stray column message"; cat "$TMP/err"; }
printf 'x,a,b\n1,2,3\n' >"$TMP/badsweep/summary.csv"
expect_exit 3 "report of a sweep with no metric" -- "$FLOWSIM" report "$TMP/badsweep" -o "$TMP/bad.html"
diag_format "report of a sweep with no metric"
[ ! -e "$TMP/bad.html" ] && ok || bad "a failed report left a file"

# --- saved JSON rebuilds the same page: `report saved.json` == --report of the same run, for a
# run (with an extends overlay, whose base file is saved too), a comparison and a sizing ---
cat >"$TMP/overlay-saved.yaml" <<SAVED
extends: $ROOT/scenarios/frailty-d2a.yaml
name: Saved overlay
SAVED
expect_exit 0 "run with --report and JSON" -- "$FLOWSIM" run "$TMP/overlay-saved.yaml" --replications 3 \
    --set horizon=60d --format json -o "$TMP/saved.json" --report "$TMP/live.html" -q
head -2 "$TMP/saved.json" | grep -q '"format_version": 2' && ok || bad "saved JSON without format_version first"
grep -q 'frailty-d2a.yaml (extended by' "$TMP/saved.json" && ok || bad "saved JSON without the extended file"
grep -q '"hourly"' "$TMP/saved.json" && ok || bad "saved JSON without the hourly profile"
expect_exit 0 "report of saved run JSON" -- "$FLOWSIM" report "$TMP/saved.json" -o "$TMP/rebuilt.html"
cmp -s "$TMP/live.html" "$TMP/rebuilt.html" && ok || bad "report saved.json differs from --report (run)"
expect_exit 0 "compare with --report and JSON" -- "$FLOWSIM" compare "$ROOT/scenarios/frailty-traditional.yaml" \
    "$ROOT/scenarios/frailty-d2a.yaml" --replications 3 --set horizon=60d --format json -o "$TMP/savedc.json" \
    --report "$TMP/livec.html" -q
expect_exit 0 "report of saved compare JSON" -- "$FLOWSIM" report "$TMP/savedc.json" -o "$TMP/rebuiltc.html"
cmp -s "$TMP/livec.html" "$TMP/rebuiltc.html" && ok || bad "report saved.json differs from --report (compare)"
grep -q '# .*frailty-traditional.yaml:' "$TMP/savedc.json" && grep -q '# .*frailty-d2a.yaml:' "$TMP/savedc.json" \
    && ok || bad "saved compare JSON without both scenario files"
expect_exit 0 "size with --report and JSON" -- "$FLOWSIM" size "$ROOT/scenarios/erlang-b.yaml" --vary wards.Ward.beds \
    --target 'wards.Ward.p_wait <= 0.1' --replications 3 --format json -o "$TMP/saveds.json" --report "$TMP/lives.html" -q
expect_exit 0 "report of saved size JSON" -- "$FLOWSIM" report "$TMP/saveds.json" -o "$TMP/rebuilts.html"
cmp -s "$TMP/lives.html" "$TMP/rebuilts.html" && ok || bad "report saved.json differs from --report (size)"
sed 's/"format_version": 2/"format_version": 99/' "$TMP/saved.json" >"$TMP/future.json"
expect_exit 3 "report of a newer format" -- "$FLOWSIM" report "$TMP/future.json" -o "$TMP/bad.html"
diag_format "report of a newer format"
grep -q 'format_version is newer' "$TMP/err" && ok || { bad "newer format message"; cat "$TMP/err"; }
# A file saved before format_version (no "report") still gives a page.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["format_version"], d["report"]; json.dump(d, open(sys.argv[2], "w"))' \
    "$TMP/saved.json" "$TMP/v1.json"
expect_exit 0 "report of a version-1 file" -- "$FLOWSIM" report "$TMP/v1.json" -o "$TMP/v1.html"

# --- compare --csv DIR: comparison.csv (one row per metric, numbers a CSV reader takes as
# numbers, significant exactly when the interval excludes 0) and paired.csv (long form, one row
# per replication and metric, whose diffs average to diff_mean); the headline in words ---
expect_exit 0 "compare --csv" -- "$FLOWSIM" compare "$ROOT/scenarios/frailty-traditional.yaml" \
    "$ROOT/scenarios/frailty-d2a.yaml" --replications 4 --set horizon=60d --csv "$TMP/cmpcsv" --format json
cp "$TMP/out" "$TMP/cmp.json"
python3 - "$TMP/cmpcsv" "$TMP/cmp.json" <<'CSVCHECK' && ok || bad "compare --csv files"
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/comparison.csv")))
paired = list(csv.DictReader(open(d + "/paired.csv")))
j = json.load(open(sys.argv[2]))
assert len(rows) > 40 and len(paired) == 4 * len(rows)
zero = 0
for r in rows:
    lo, hi, mean = float(r["diff_ci_low"] or "nan"), float(r["diff_ci_high"] or "nan"), float(r["diff_mean"] or "nan")
    assert r["significant"] == ("1" if (lo > 0 or hi < 0) else "0"), r["metric"]
    assert r["better"] in ("higher", "lower", "neither") and r["unit"]
    diffs = [float(p["diff"]) for p in paired if p["metric"] == r["metric"] and p["diff"] != ""]
    if diffs:
        assert abs(sum(diffs) / len(diffs) - mean) <= 1e-9 * max(1, abs(mean)), r["metric"]
    node = j
    for part in r["metric"].split("."):
        node = node[part]
    assert abs(node["diff"]["mean"] - mean) <= 1e-9 * max(1, abs(mean))
    zero += mean == 0 and r["significant"] == "0"
assert zero > 0                    # pathway P0's fit-to-leave time: unchanged, never starred
assert j["headline"] and "length of stay, days (mean) falls from" in " ".join(j["headline"])
CSVCHECK
"$FLOWSIM" compare "$S" --set wards.AMU.beds=200 --replications 3 --set horizon=30d >"$TMP/out" 2>&1
grep -A2 '^Headline' "$TMP/out" | grep -q 'ward AMU: .* falls from' && ok || bad "compare headline sentence"
"$FLOWSIM" compare "$S" "$S" --replications 3 >"$TMP/out" 2>&1
grep -A1 '^Headline' "$TMP/out" | grep -q 'No difference is significant' && ok || bad "compare headline without differences"
expect_exit 2 "--csv on sweep" -- "$FLOWSIM" sweep "$S" --vary wards.AMU.beds=30:40:10 --csv "$TMP/x"

# --- a run from a census: the trace starts with it, an overlay replaces a ward's items and
# keeps the others', --set reaches items by position, and the text report forecasts ---
cp "$ROOT/tests/data/census.yaml" "$TMP/census.yaml"
cat >"$TMP/census-push.yaml" <<'CENSUS'
extends: census.yaml
name: Census after a discharge push
initial:
  - {ward: Medicine, group: medical, patients: 66}
CENSUS
expect_exit 0 "validate a census" -- "$FLOWSIM" validate "$TMP/census.yaml"
grep -q "ok: 'Census', 2 wards, 1 group, 2 route steps, 78 patients in the census$" "$TMP/out" && ok || bad "validate without the census: $(cat "$TMP/out")"
expect_exit 0 "a run from a census" -- "$FLOWSIM" run "$TMP/census.yaml" --replications 1 --trace "$TMP/census.csv"
[ "$(grep -c ',in_hospital_at_start,Medicine,' "$TMP/census.csv")" = 74 ] && [ "$(grep -c ',in_hospital_at_start,Rehab,' "$TMP/census.csv")" = 4 ] \
    && ok || bad "census trace"
grep -A3 '^Forecast from the census' "$TMP/out" | grep -q '  Medicine: day [0-9]* ([A-Z][a-z][a-z] 2027-01-' && ok || bad "no forecast in the text report"
expect_exit 0 "a census run's CSV" -- "$FLOWSIM" run "$TMP/census.yaml" --replications 3 --csv "$TMP/census-csv" -q
head -1 "$TMP/census-csv/daily.csv" | grep -q ',wards.Medicine.full_fraction,.*wards.Rehab.full_fraction' && grep -q '^3,2027-01-07,wards.Rehab.full_fraction,' \
    "$TMP/census-csv/daily_summary.csv" && ok || bad "a census run's daily series"
# the chance of being full at some point in the day, per ward and day, as the text report gives it
python3 - "$TMP/census-csv/daily.csv" "$TMP/census-csv/daily_summary.csv" <<'FULL' && ok || bad "p_full_some_time is not the share of replications full that day"
import csv, sys
daily = list(csv.DictReader(open(sys.argv[1])))
rows = {(r["day"], r["metric"]): r for r in csv.DictReader(open(sys.argv[2]))}
for ward in ("Medicine", "Rehab"):
    for day in ("0", "3", "9"):
        reps = [r for r in daily if r["day"] == day]
        want = sum(float(r["wards.%s.full_fraction" % ward]) > 0 for r in reps) / len(reps)
        got = rows[(day, "wards.%s.p_full_some_time" % ward)]
        assert abs(float(got["mean"]) - want) < 1e-12 and got["p05"] == "", (ward, day, got, want)
FULL
grep -A3 '^Forecast from the census' "$TMP/out" | grep -q 'day [0-9]* ([MTWFS][a-z][a-z] 2027-01-' && ok || bad "forecast dates without weekdays"
expect_exit 0 "an overlay's census" -- "$FLOWSIM" run "$TMP/census-push.yaml" --replications 1 --trace "$TMP/push.csv" -q
[ "$(grep -c ',in_hospital_at_start,Medicine,' "$TMP/push.csv")" = 66 ] && [ "$(grep -c ',in_hospital_at_start,Rehab,' "$TMP/push.csv")" = 4 ] \
    && ok || bad "an overlay's census is not ward by ward"
expect_exit 0 "--set on a census item" -- "$FLOWSIM" run "$TMP/census.yaml" --replications 1 --trace "$TMP/set.csv" -q \
    --set initial.1.patients=50
[ "$(grep -c ',in_hospital_at_start,Medicine,' "$TMP/set.csv")" = 50 ] && ok || bad "--set initial.1.patients"
expect_exit 0 "compare a census with itself" -- "$FLOWSIM" compare "$TMP/census.yaml" "$TMP/census.yaml" -q --format json
! grep -q '"diff": {[^}]*"mean": [1-9-]' "$TMP/out" && python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
def walk(o):
    if isinstance(o, dict):
        if "diff" in o: assert o["diff"]["mean"] in (0, None), o
        else: [walk(v) for v in o.values()]
walk(d)' "$TMP/out" && ok || bad "a census compared with itself differs"
# --- nothing changes by accident: every scenario gives the bytes in tests/golden (tools/golden
# rewrites them when a change is meant to move results) ---
for f in "$ROOT"/scenarios/*.yaml "$ROOT"/tests/bench/*.yaml; do
    name=$(basename "$f" .yaml)
    case $f in */tests/bench/*) name=bench-$name ;; esac
    (cd "$(dirname "$f")" && "$FLOWSIM" run "$(basename "$f")" --replications 3 --set horizon=120d \
        --threads 2 --quiet --format json >"$TMP/golden.json" 2>/dev/null)
    cmp -s "$TMP/golden.json" "$ROOT/tests/golden/$name.json" && ok \
        || bad "$name: results differ from tests/golden/$name.json"
done

# --- tools/mutate's mutants still apply to the source (each original text occurs once) ---
python3 "$ROOT/tools/mutate" --check >"$TMP/out" 2>&1 && ok || { bad "tools/mutate --check"; cat "$TMP/out"; }

# --- output files ---
expect_exit 0 "--output" -- "$FLOWSIM" run "$S" "${common[@]}" --output "$TMP/r.json"
cmp -s "$TMP/r.json" "$TMP/a.json" && ok || bad "--output file differs from stdout"
[ ! -s "$TMP/out" ] && ok || bad "--output also printed to stdout"
expect_exit 4 "--output into a missing directory" -- "$FLOWSIM" run "$S" "${common[@]}" --output "$TMP/nodir/r.json"
one_line "--output into a missing directory"
[ -z "$(ls "$TMP"/*.tmp.* 2>/dev/null)" ] && ok || bad "temporary files left behind"

# --- failures of the environment: a read-only or missing place, a full disk, signals ---
expect_exit 4 "--output on a read-only file system" -- "$FLOWSIM" run "$S" --replications 2 --set horizon=30d -o /proc/flowsim.json
one_line "--output on a read-only file system"
expect_exit 4 "file-size limit (a full disk)" -- bash -c "ulimit -f 2; exec '$FLOWSIM' run '$S' --replications 2 --set horizon=30d --format json -o '$TMP/full.json'"
[ ! -e "$TMP/full.json" ] && [ -z "$(ls "$TMP"/full.json.tmp.* 2>/dev/null)" ] && ok || bad "a full disk left a file behind"
SWF=(sweep "$S" --vary wards.AMU.beds=30:60:1 --replications 2 --set horizon=60d -q)
expect_exit 4 "sweep onto a full disk" -- bash -c "ulimit -f 20; exec '$FLOWSIM' ${SWF[*]} --output '$TMP/swfull'"
python3 -c "
import sys
runs = open(sys.argv[1] + '/runs.csv').read(); summary = open(sys.argv[1] + '/summary.csv').read()
assert runs.endswith('\n') and summary.endswith('\n')
assert (runs.count('\n') - 1) == 2 * (summary.count('\n') - 1)
" "$TMP/swfull" && ok || bad "a sweep on a full disk left a torn point"
expect_exit 0 "resume the sweep after the full disk" -- "$FLOWSIM" "${SWF[@]}" --output "$TMP/swfull" --resume
expect_exit 0 "the same sweep uninterrupted" -- "$FLOWSIM" "${SWF[@]}" --output "$TMP/swclean"
cmp -s "$TMP/swfull/runs.csv" "$TMP/swclean/runs.csv" && cmp -s "$TMP/swfull/summary.csv" "$TMP/swclean/summary.csv" \
    && ok || bad "the sweep resumed after a full disk differs"
"$FLOWSIM" run "$S" --set horizon=100000d --replications 2 --threads 1 -o "$TMP/int.json" 2>"$TMP/err" &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
[ $? = 130 ] && ok || bad "SIGINT: exit status"
grep -q 'interrupted' "$TMP/err" && [ ! -e "$TMP/int.json" ] && ok || bad "SIGINT: message or a file left"
"$FLOWSIM" sweep "$S" --vary wards.AMU.beds=30:60:1 --set horizon=3000d --replications 2 --output "$TMP/swint" -q 2>"$TMP/err" &
pid=$!
for _ in $(seq 300); do [ "$(cat "$TMP/swint/summary.csv" 2>/dev/null | wc -l)" -ge 3 ] && break; sleep 0.01; done
kill -TERM $pid
wait $pid
[ $? = 130 ] && ok || bad "SIGTERM: exit status of a sweep"
[ "$(wc -l <"$TMP/swint/summary.csv")" -ge 3 ] && ok || bad "SIGTERM: finished sweep points kept"

# --- memory is flat in the horizon: 10 years within 10% of 1 year (maximum resident set) ---
python3 - "$FLOWSIM" "$ROOT/scenarios/example.yaml" <<'PY' && ok || bad "memory grows with the horizon"
import resource, subprocess, sys
def peak(horizon):
    out = subprocess.run([sys.executable, "-c", "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
        sys.argv[1], "run", sys.argv[2], "--replications", "2", "--threads", "1",
        "--set", "horizon=" + horizon], capture_output=True, text=True, check=True)
    return int(out.stdout)
one, ten = peak("365d"), peak("3650d")
print("peak memory: 1 year %d kB, 10 years %d kB" % (one, ten))
assert ten <= one * 1.10, (one, ten)
PY

# --- dates: a start date shows in every output; none is changed without one ---
expect_exit 0 "a dated run" -- "$FLOWSIM" run "$S" --set horizon=20d --set start=2027-01-06 --replications 2 \
    --csv "$TMP/dated" --format json -o "$TMP/dated.json"
grep -q '"start": "2027-01-06"' "$TMP/dated.json" && ok || bad "JSON results without their start date"
head -1 "$TMP/dated/daily.csv" | grep -q '^replication,day,date,' && sed -n 2p "$TMP/dated/daily.csv" | grep -q '^1,0,2027-01-06,' \
    && ok || bad "daily.csv without dates"
"$FLOWSIM" run "$S" --set horizon=20d --set warmup=0d --set start=2027-01-06 --replications 2 2>/dev/null \
    | grep -q '^Time 0 is 00:00 on Wednesday 2027-01-06; the run ends on 2027-01-25\.$' && ok || bad "text report without dates"

# --- ward rounds, bed changes and escalation: in every output, the same on any thread count ---
SAFER="$ROOT/scenarios/safer-medicine.yaml" WINTER="$ROOT/scenarios/winter-escalation.yaml"
for f in "$SAFER" "$WINTER"; do
    "$FLOWSIM" run "$f" --replications 4 --set horizon=60d --threads 1 --format json -q >"$TMP/t1.json" 2>/dev/null
    "$FLOWSIM" run "$f" --replications 4 --set horizon=60d --threads 2 --format json -q >"$TMP/t2.json" 2>/dev/null
    [ -s "$TMP/t1.json" ] && cmp -s "$TMP/t1.json" "$TMP/t2.json" && ok || bad "$(basename "$f"): threads change the results"
done
expect_exit 0 "a run with rounds" -- "$FLOWSIM" run "$SAFER" --replications 2 --set horizon=28d \
    --csv "$TMP/rounds" --trace "$TMP/rounds.csv" --report "$TMP/rounds.html" -q
head -1 "$TMP/rounds/hourly.csv" | grep -q ',mean_occupied_beds,departures$' && ok || bad "hourly.csv without departures"
head -1 "$TMP/rounds/daily.csv" | grep -q ',wards.Medicine.ready$' && ok || bad "daily.csv without ready beds"
grep -q ',ready,Medicine,' "$TMP/rounds.csv" && grep -q ',ward_round,Medicine,' "$TMP/rounds.csv" \
    && ok || bad "trace without ready and ward_round events"
grep -q '"departures":' "$TMP/rounds.html" && ok || bad "HTML report without departures by hour"
"$FLOWSIM" run "$SAFER" --replications 2 --set horizon=28d --format json -q >"$TMP/r1.json" 2>/dev/null
"$FLOWSIM" run "$SAFER" --replications 2 --set horizon=28d --format json --trace "$TMP/r.csv" -q >"$TMP/r2.json" 2>/dev/null
[ -s "$TMP/r1.json" ] && cmp -s "$TMP/r1.json" "$TMP/r2.json" && ok || bad "tracing a ward with rounds changed its results"
expect_exit 0 "a run with bed changes" -- "$FLOWSIM" run "$WINTER" --replications 2 --set horizon=28d \
    --csv "$TMP/beds" --report "$TMP/beds.html" -q
head -1 "$TMP/beds/hourly.csv" | grep -q ',mean_occupied_beds,open_beds$' && ok || bad "hourly.csv without open beds"
head -1 "$TMP/beds/daily.csv" | grep -q ',wards.Medicine.open_beds$' && ok || bad "daily.csv without open beds"
grep -q '"open_beds":' "$TMP/beds.html" && ok || bad "HTML report without open beds"
"$FLOWSIM" run "$S" --replications 2 --set horizon=14d --csv "$TMP/plain" -q
head -1 "$TMP/plain/hourly.csv" | grep -q ',mean_occupied_beds$' && ! grep -q 'open_beds\|ready' "$TMP/plain/daily.csv" \
    && ok || bad "a scenario without rounds or bed changes gained columns"
# a round that almost never reviews anyone: the run still ends, with the ward full of ready patients
cat >"$TMP/tiny.yaml" <<'EOF'
name: tiny p_review
horizon: 3650d
replications: 2
wards:
  - {name: W, beds: 2000, when_full: divert, rounds: [{days: [mon, tue, wed, thu, fri, sat, sun], at: "09:00", p_review: 1e-12}]}
groups:
  - {name: g, arrivals: {rate: 600/d}, route: [{ward: W, stay: {dist: exponential, mean: 2d}}]}
EOF
limit 60 "$FLOWSIM" run "$TMP/tiny.yaml" -q >"$TMP/out" 2>&1 && grep -q 'arrivals diverted (fraction) *0\.999' "$TMP/out" \
    && ok || bad "a ward whose rounds almost never review: $(head -3 "$TMP/out")"

# --- warnings: an overloaded ward warns everywhere and --strict fails; a fine model is silent ---
EC="$ROOT/scenarios/erlang-c.yaml"
expect_exit 0 "an overloaded ward" -- "$FLOWSIM" run "$EC" --set groups.all.arrivals.rate=20/d --set wards.Ward.beds=10 \
    --replications 4 --set horizon=200d -q
grep -q "^flowsim: warning: ward 'Ward': the queue for its beds grew from" "$TMP/err" && ok || bad "no warning on stderr: $(cat "$TMP/err")"
sed -n 5,6p "$TMP/out" | tr '\n' ' ' | grep -q "^Warnings   ! ward 'Ward': the queue" && ok || bad "no warnings block at the top: $(head -8 "$TMP/out")"
expect_exit 5 "--strict with a warning" -- "$FLOWSIM" run "$EC" --set groups.all.arrivals.rate=20/d --set wards.Ward.beds=10 \
    --replications 4 --set horizon=200d -q --strict --format json -o "$TMP/strict.json"
[ ! -e "$TMP/strict.json" ] && ok || bad "--strict kept the output of a run that warned"
"$FLOWSIM" run "$EC" --set groups.all.arrivals.rate=20/d --set wards.Ward.beds=10 --replications 4 --set horizon=200d \
    -q --format json 2>/dev/null | grep -A3 '"warnings"' | grep -q '"code": "queue_growing"' && ok || bad "JSON without warnings"
expect_exit 0 "a fine model with --strict" -- "$FLOWSIM" run "$EC" --replications 4 --set horizon=200d -q --strict
[ ! -s "$TMP/err" ] && ! grep -q Warnings "$TMP/out" && ok || bad "a fine model warned: $(cat "$TMP/err")"
"$FLOWSIM" run "$EC" --replications 4 --set horizon=200d -q --format json | grep -q '"warnings"' && bad "a fine model has warnings in JSON" || ok
cat >"$TMP/unused.yaml" <<'EOF'
name: unused ward
horizon: 100d
replications: 3
wards: [{name: Frailty, beds: 10}, {name: Fraily, beds: 10}]
groups: [{name: g, arrivals: {rate: 2/d}, route: [{ward: Frailty, stay: {dist: exponential, mean: 2d}}]}]
EOF
expect_exit 0 "an unused ward" -- "$FLOWSIM" run "$TMP/unused.yaml" -q
grep -q "^flowsim: warning: ward 'Fraily' is in no group's route" "$TMP/err" && ok || bad "no warning for an unused ward: $(cat "$TMP/err")"
expect_exit 0 "too few assessors" -- "$FLOWSIM" run "$ROOT/scenarios/frailty-traditional.yaml" --set discharge.assessment_capacity=1 \
    --set wards.Frailty_unit.beds=100000 --set wards.Geriatrics.beds=100000 --replications 3 --set horizon=100d -q --format json
grep -q '"path": "discharge"' "$TMP/out" && grep -q "^flowsim: warning: the assessors: the queue for an assessment grew" "$TMP/err" \
    && ok || bad "no warning for an assessors' queue that grows: $(cat "$TMP/err")"
expect_exit 0 "compare with an overloaded what-if" -- "$FLOWSIM" compare "$EC" --set wards.Ward.beds=17 --replications 4 --set horizon=200d -q
grep -q "^flowsim: warning: what-if: ward 'Ward': the queue for its beds grew" "$TMP/err" && ! grep -q "warning: base:" "$TMP/err" \
    && grep -q '^Warnings (what-if)$' "$TMP/out" && ok || bad "compare without the what-if's warning: $(cat "$TMP/err")"
expect_exit 0 "one replication" -- "$FLOWSIM" run "$EC" --replications 1 --set horizon=20d -q
grep -q "^flowsim: warning: only 1 replication: " "$TMP/err" && ok || bad "no warning for one replication"
# A warm-up too short to fill Medicine from empty (its first quarter is below the rest) warns;
# the scenario's own warm-up does not; a model whose demand has a month profile is not judged so.
expect_exit 0 "no warm-up" -- "$FLOWSIM" run "$S" --set warmup=0d -q --format json
python3 -c 'import json,sys; w=[x for x in json.load(open(sys.argv[1])).get("warnings", []) if x["code"] == "warmup_short"]; assert [x["path"] for x in w] == ["wards.Medicine"], w' \
    "$TMP/out" && ok || bad "no warmup_short warning for a run without warm-up"
grep -q "warm-up of 0 days is too short. Run 'flowsim warmup'" "$TMP/err" && ok || bad "warmup_short on stderr"
expect_exit 5 "--strict without warm-up" -- "$FLOWSIM" run "$S" --set warmup=0d -q --strict
expect_exit 0 "the example's own warm-up" -- "$FLOWSIM" run "$S" -q --strict
expect_exit 0 "a month profile without warm-up" -- "$FLOWSIM" run "$ROOT/scenarios/seasonal-medicine.yaml" --set warmup=0d -q --format json
! grep -q warmup_short "$TMP/out" && ok || bad "warmup_short on a seasonal model"
# Patients still waiting at the end are counted, and the censored mean wait counts them.
"$FLOWSIM" run "$EC" --set groups.all.arrivals.rate=20/d --set wards.Ward.beds=10 --replications 4 --set horizon=200d \
    -q --format json >"$TMP/over.json" 2>/dev/null
python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["wards"]["Ward"]
assert w["still_waiting_end"]["mean"] > 1000, w["still_waiting_end"]
assert w["mean_wait_hours_censored"]["mean"] > 100 and w["mean_wait_hours_censored"]["mean"] != w["mean_wait_hours"]["mean"]' "$TMP/over.json" \
    && ok || bad "still_waiting_end / mean_wait_hours_censored of an overloaded ward"
# flowsim warmup reads each ward's own occupancy, also after a ward with rounds (more series).
expect_exit 0 "warmup of two wards" -- "$FLOWSIM" warmup "$ROOT/tests/data/warmup-two-wards.yaml" --format json
cp "$TMP/out" "$TMP/w2.json"
"$FLOWSIM" run "$ROOT/tests/data/warmup-two-wards.yaml" --format json -q >"$TMP/r2.json" 2>/dev/null
python3 -c 'import json,sys; w=json.load(open(sys.argv[1])); r=json.load(open(sys.argv[2]))
s={x["metric"]: x["steady_mean"] for x in w["series"]}
for ward in ("Medicine", "Rehab"):
    got, want = s["wards.%s.mean_occupied_beds" % ward], r["wards"][ward]["mean_occupied_beds"]["mean"]
    assert abs(got - want) < 0.1 * want, (ward, got, want)' "$TMP/w2.json" "$TMP/r2.json" \
    && ok || bad "flowsim warmup read another series than the ward's occupancy"
expect_exit 2 "--strict is not for validate" -- "$FLOWSIM" validate "$EC" --strict
# Sweeps warn point by point (with the point's values) and sum up; --strict then exits 5 with
# the finished points kept. A fine sweep is silent.
expect_exit 0 "a sweep into overload" -- "$FLOWSIM" sweep "$EC" --vary wards.Ward.beds=10,24 --replications 4 \
    --set horizon=200d --set groups.all.arrivals.rate=20/d --output "$TMP/sweep-warn" -q
grep -q "^flowsim: warning: sweep point 1 (wards.Ward.beds=10): ward 'Ward': the queue" "$TMP/err" \
    && ! grep -q "sweep point 2" "$TMP/err" && grep -q "^flowsim: 1 warning at 1 of 2 sweep points" "$TMP/err" \
    && ok || bad "sweep warnings: $(cat "$TMP/err")"
expect_exit 5 "sweep --strict" -- "$FLOWSIM" sweep "$EC" --vary wards.Ward.beds=10,20 --replications 4 \
    --set horizon=200d --set groups.all.arrivals.rate=20/d --output "$TMP/sweep-strict" -q --strict
[ "$(wc -l <"$TMP/sweep-strict/summary.csv")" = 3 ] && ok || bad "sweep --strict lost its points"
expect_exit 0 "a fine sweep with --strict" -- "$FLOWSIM" sweep "$EC" --vary wards.Ward.beds=20,21 --replications 4 \
    --set horizon=200d --output "$TMP/sweep-fine" -q --strict
[ ! -s "$TMP/err" ] && ok || bad "a fine sweep warned: $(cat "$TMP/err")"
expect_exit 5 "compare --strict with an overloaded what-if" -- "$FLOWSIM" compare "$EC" --set wards.Ward.beds=17 \
    --replications 4 --set horizon=200d -q --strict --format json -o "$TMP/cmp-strict.json"
[ ! -e "$TMP/cmp-strict.json" ] && ok || bad "compare --strict kept its output"
expect_exit 0 "size with a warning at the answer" -- "$FLOWSIM" size "$EC" --vary wards.Ward.beds \
    --target 'wards.Ward.occupancy <= 0.99' --replications 2 --set horizon=100d -q
grep -q "^flowsim: warning: at the answer (wards.Ward.beds = [0-9]*): only 2 replications" "$TMP/err" \
    && ok || bad "size without the answer's warning: $(cat "$TMP/err")"
expect_exit 5 "size --strict" -- "$FLOWSIM" size "$EC" --vary wards.Ward.beds \
    --target 'wards.Ward.occupancy <= 0.99' --replications 2 --set horizon=100d -q --strict

cat >"$TMP/typo.yaml" <<EOF
extends: $ROOT/scenarios/frailty-traditional.yaml
name: typo
wards:
  - {name: Geriatric, beds: 80}
EOF
expect_exit 0 "an overlay that adds a ward" -- "$FLOWSIM" validate "$TMP/typo.yaml"
grep -q "^$TMP/typo.yaml:4:12: warning: ward 'Geriatric' is not in the base scenario ($ROOT/scenarios/frailty-traditional.yaml), so this adds a new ward; did you mean 'Geriatrics'?\$" "$TMP/err" \
    && ok || bad "no warning for an overlay's new ward: $(cat "$TMP/err")"
expect_exit 5 "--strict with an overlay warning" -- "$FLOWSIM" run "$TMP/typo.yaml" --replications 3 --set horizon=10d -q --strict
expect_exit 0 "an overlay that changes a ward" -- "$FLOWSIM" run "$ROOT/scenarios/safer-medicine-seven-day.yaml" --replications 3 --set horizon=28d -q --strict

# --- compare says where each side came from and what only one side has ---
SW=(--replications 3 --set horizon=20d --seed 5 --set start=2027-10-04 -q)
expect_exit 0 "compare of different hospitals" -- "$FLOWSIM" compare "$ROOT/scenarios/safer-medicine.yaml" \
    "$ROOT/scenarios/winter-escalation.yaml" "${SW[@]}"
grep -q "^What-if: Winter escalation ($ROOT/scenarios/winter-escalation.yaml)\$" "$TMP/out" \
    && ok || bad "compare without its what-if's source: $(sed -n 2p "$TMP/out")"
grep -q "^flowsim [0-9.]*: both sides 3 paired replications, seed 5, 20 days measured after 28 days of warm-up, from 2027-10-04\$" \
    "$TMP/out" && ok || bad "compare header without both sides' settings: $(sed -n 3p "$TMP/out")"
tr '\n' ' ' <"$TMP/out" | grep -q "Only in the what-if, so not compared: wards.AMU (all)," && ok || bad "compare without what only one side has"
"$FLOWSIM" compare "$ROOT/scenarios/safer-medicine.yaml" "$ROOT/scenarios/winter-escalation.yaml" "${SW[@]}" \
    --format json 2>/dev/null | grep -q '"only_in_whatif": "wards.AMU (all), ' && ok || bad "compare JSON without only_in_whatif"

# --- compare refuses unlike runs: each run setting that differs, located in the what-if ---
expect_exit 3 "compare across different run settings" -- "$FLOWSIM" compare "$ROOT/scenarios/safer-medicine.yaml" \
    "$ROOT/scenarios/winter-escalation.yaml" --replications 3 -q
for want in "winter-escalation.yaml:18:1: error: the what-if's horizon (182 days) is not the base's (364 days" \
            "winter-escalation.yaml:21:1: error: the what-if's seed (1225) is not the base's (2027" \
            "winter-escalation.yaml:17:1: error: the what-if's start (2027-10-04) is not the base's (none"; do
    grep -qF "$want" "$TMP/err" && ok || bad "compare refusal without '$want': $(cat "$TMP/err")"
done
grep -q "warmup (\|replications (" "$TMP/err" && bad "compare refused a setting both sides share" || ok
[ -s "$TMP/out" ] && bad "a refused compare printed a report" || ok
printf 'extends: %s\nhorizon: 730d\n' "$S" >"$TMP/longer.yaml"
expect_exit 3 "compare with a longer what-if" -- "$FLOWSIM" compare "$S" "$TMP/longer.yaml" --replications 3
grep -q "longer.yaml:2:1: error: the what-if's horizon (730 days) is not the base's (365 days" "$TMP/err" \
    && ok || bad "compare with a longer what-if: $(cat "$TMP/err")"
# a run setting given with --set is both sides' (one file or two), and the header says so
expect_exit 0 "compare two files with --set horizon" -- "$FLOWSIM" compare "$S" "$TMP/longer.yaml" --replications 3 \
    --set horizon=20d -q
grep -q "both sides 3 paired replications, seed 42, 20 days measured" "$TMP/out" && ok || bad "--set horizon not on both sides"
expect_exit 0 "compare one file with --set warmup" -- "$FLOWSIM" compare "$S" --set wards.AMU.beds=40 --replications 3 \
    --set horizon=20d --set warmup=3d -q
grep -q "20 days measured after 3 days of warm-up" "$TMP/out" && ok || bad "--set warmup not on both sides"
expect_exit 2 "compare with only run settings" -- "$FLOWSIM" compare "$S" --set horizon=20d --seed 3
# unrelated hospitals: refused, or compared ungraded with --unrelated
UN=("$ROOT/scenarios/example.yaml" "$ROOT/scenarios/erlang-b.yaml" --replications 3 --set horizon=20d --seed 1 --set warmup=1d -q)
expect_exit 3 "compare of unrelated hospitals" -- "$FLOWSIM" compare "${UN[@]}"
grep -q "erlang-b.yaml:1:1: error: the what-if shares no ward and no group with the base" "$TMP/err" \
    && ok || bad "compare of unrelated hospitals: $(cat "$TMP/err")"
expect_exit 0 "compare --unrelated" -- "$FLOWSIM" compare "${UN[@]}" --unrelated
grep -q "differences are shown, not graded" "$TMP/out" && ! grep -q ": better\|: worse" "$TMP/out" \
    && ok || bad "compare --unrelated graded its differences"
"$FLOWSIM" compare "${UN[@]}" --unrelated --format json 2>/dev/null | grep -q '"ungraded": true' && ok || bad "compare JSON without ungraded"
"$FLOWSIM" compare "$ROOT/scenarios/example.yaml" --set wards.AMU.beds=40 --replications 3 --set horizon=20d -q 2>/dev/null \
    | grep -q '^Only in' && bad "compare of one hospital lists one-side metrics" || ok

# --- warnings that name the cause ---
# a ward at its limit warns though its queue does not surely grow; with beds to spare it does not
expect_exit 0 "a ward at its limit" -- "$FLOWSIM" run "$S" --set wards.AMU.beds=30 -q --format json
python3 -c '
import json, sys
w = json.load(open(sys.argv[1])).get("warnings", [])
assert [x["path"] for x in w if x["code"] in ("overloaded", "queue_growing")] == ["wards.AMU"], w
assert "Add beds" in w[0]["message"] and "offered load" in w[0]["message"], w
' "$TMP/out" && ok || bad "no overload warning for AMU at 30 beds: $(head -c 600 "$TMP/out")"
expect_exit 0 "a ward with beds to spare" -- "$FLOWSIM" run "$S" --set wards.AMU.beds=36 -q --format json
grep -q '"overloaded"\|"queue_growing"\|"bottleneck"' "$TMP/out" && bad "a ward with beds to spare warned" || ok
# a queue that grows because its patients cannot leave names the ward downstream first
expect_exit 0 "a bottleneck downstream" -- "$FLOWSIM" run "$S" --set wards.Medicine.beds=40 -q --format json
python3 -c '
import json, sys
w = json.load(open(sys.argv[1]))["warnings"]
assert (w[0]["code"], w[0]["path"]) == ("bottleneck", "wards.Medicine"), w
amu = [x for x in w if x["path"] == "wards.AMU"]
assert len(amu) == 1 and "Add beds to '"'"'Medicine'"'"', not '"'"'AMU'"'"'" in amu[0]["message"], amu
assert not any(x["code"] == "overloaded" and x["path"] == "wards.Medicine" for x in w), w
' "$TMP/out" && ok || bad "the bottleneck is not named first: $(head -c 900 "$TMP/out")"
"$FLOWSIM" run "$S" --set wards.Medicine.beds=90 -q --format json 2>/dev/null | grep -q '"bottleneck"' \
    && bad "Medicine at 90 beds named a bottleneck" || ok
# a census beyond a ward's beds warns, located, with the counts; a run from a census gets no
# advice about its warm-up
printf 'name: c\nhorizon: 60d\nwarmup: 0d\nreplications: 3\nwards: [{name: Medicine, beds: 76}]\ngroups:\n  - name: g\n    arrivals: {rate: 20/d}\n    route: [{ward: Medicine, stay: {dist: exponential, mean: 5d}}]\ninitial:\n  - {ward: Medicine, group: g, patients: 60}\n  - {ward: Medicine, group: g, patients: 54}\n' >"$TMP/over.yaml"
expect_exit 0 "a census beyond the beds" -- "$FLOWSIM" run "$TMP/over.yaml" -q
grep -q "over.yaml:12:5: warning: the census puts 114 patients in ward 'Medicine', which has 76 beds: 38 of them wait" "$TMP/err" \
    && ok || bad "no census warning: $(cat "$TMP/err")"
grep -q "flowsim warmup\|warm-up is too short" "$TMP/err" "$TMP/out" && bad "warm-up advice for a run from a census" || ok
grep -q "ward 'Medicine'" "$TMP/out" && ok || bad "an overloaded census run without its ward's warning"
sed -i 's/patients: 54/patients: 10/' "$TMP/over.yaml"
expect_exit 0 "a census within the beds" -- "$FLOWSIM" run "$TMP/over.yaml" -q --set groups.g.arrivals.rate=10/d
grep -q "census puts" "$TMP/err" && bad "a census within the beds warned" || ok


# --- size stops when more capacity stops helping (the bottleneck is elsewhere) ---
expect_exit 1 "sizing the wrong ward" -- "$FLOWSIM" size "$ROOT/scenarios/example.yaml" --vary wards.AMU.beds \
    --target 'groups.emergency_surgical.los_days <= 1' --replications 4 --set horizon=120d -q
grep -q "^Stopped: from 46 to 62, more wards.AMU.beds brought no target closer" "$TMP/out" && ok || bad "size climbed on: $(tail -2 "$TMP/out")"
[ "$(grep -c '  no  ' "$TMP/out")" -le 8 ] && ok || bad "size evaluated too many values before stopping"
"$FLOWSIM" size "$ROOT/scenarios/example.yaml" --vary wards.AMU.beds --target 'groups.emergency_surgical.los_days <= 1' \
    --replications 4 --set horizon=120d -q --format json 2>/dev/null | grep -q '"stalled": {' && ok || bad "size JSON without stalled"

# --- an output that cannot be written fails before the first replication (a run of minutes
# that got as far as its end would meet the timeout) ---
for opt in --report --output; do
    expect_exit 4 "$opt to a missing directory" -- limit 20 "$FLOWSIM" run "$ROOT/scenarios/whole-hospital.yaml" \
        --replications 100000 -q $opt "$TMP/no/such/dir/out"
    grep -q "^flowsim: error: cannot write $TMP/no/such/dir/out: No such file or directory\$" "$TMP/err" \
        && ok || bad "$opt: $(cat "$TMP/err")"
    one_line "$opt to a missing directory"
done
expect_exit 4 "a sweep's --report to a missing directory" -- limit 20 "$FLOWSIM" sweep "$ROOT/scenarios/example.yaml" \
    --vary wards.AMU.beds=30:40:1 --replications 1000 -q --output "$TMP/sweepdir" --report "$TMP/no/such/r.html"
[ ! -e "$TMP/sweepdir" ] && ok || bad "a sweep that could not write its report made its directory"
ls "$TMP"/no 2>/dev/null | grep -q . && bad "a probe left a file behind" || ok

# --- the front door: targets, patience, outliers, ring-fences, waiting-list measures ---
ED="$ROOT/scenarios/emergency-department.yaml"
"$FLOWSIM" run "$ED" --replications 4 --set horizon=60d --threads 1 --format json -q >"$TMP/t1.json" 2>/dev/null
"$FLOWSIM" run "$ED" --replications 4 --set horizon=60d --threads 2 --format json -q >"$TMP/t2.json" 2>/dev/null
[ -s "$TMP/t1.json" ] && cmp -s "$TMP/t1.json" "$TMP/t2.json" && ok || bad "emergency-department: threads change the results"
"$FLOWSIM" run "$ED" --replications 4 --set horizon=60d --threads 2 --format json -q --trace "$TMP/ed.csv" >"$TMP/t3.json" 2>/dev/null
cmp -s "$TMP/t1.json" "$TMP/t3.json" && ok || bad "tracing the front door changed its results"
grep -q ',renege,ED,' "$TMP/ed.csv" && grep -q ',outlie,Surgery,' "$TMP/ed.csv" && ok || bad "trace without renege and outlie events"
for k in within_4h within_12h time_in_ward_hours_p95 reneged_fraction outlied_fraction outliers_mean \
         wait_within_15m waiting_list_within_18_weeks waiting_list_over_52_weeks p_within_due; do
    grep -q "\"$k\"" "$TMP/t1.json" && ok || bad "JSON without $k"
done
"$FLOWSIM" run "$ED" --replications 2 --set horizon=28d --trace "$TMP/edv.csv" --trace-format vidigi -q >/dev/null 2>&1
reneged=$(grep -c ',queue,renege_ED,' "$TMP/edv.csv"); arrived=$(grep -c ',arrival_departure,arrival,' "$TMP/edv.csv")
departed=$(grep -c ",arrival_departure,depart," "$TMP/edv.csv")
[ "$reneged" -gt 0 ] && [ "$departed" -le "$arrived" ] && ok || bad "vidigi log: $reneged reneged, $arrived in, $departed out"
expect_exit 0 "an ED report" -- "$FLOWSIM" run "$ED" --replications 2 --set horizon=28d --report "$TMP/ed.html" --csv "$TMP/edcsv" -q
grep -q '"ward_times":' "$TMP/ed.html" && ok || bad "HTML report without time in the ED against its targets"
head -1 "$TMP/edcsv/replications.csv" | grep -q 'wards.ED.within_4h' && ok || bad "replications.csv without within_4h"
"$FLOWSIM" size "$ED" --set 'wards.Surgery.reserved={beds: 1, groups: [hip, hip_urgent]}' --vary wards.Surgery.reserved.beds=1:20 \
    --target 'theatres.Ortho.cancelled_no_bed_per_week <= 10' --replications 4 --set horizon=120d >"$TMP/out" 2>&1
grep -q '^Answer: wards.Surgery.reserved.beds = ' "$TMP/out" && ok || bad "sizing a ring-fence: $(tail -2 "$TMP/out")"
"$FLOWSIM" compare "$ED" --set wards.AMU.beds=46 --replications 4 --set horizon=60d >"$TMP/out" 2>&1
grep -q 'time in the ward within 4h' "$TMP/out" && ok || bad "compare without the 4-hour figure"
for f in "$ROOT"/scenarios/*.yaml; do
    case $f in *emergency-department*) continue ;; esac
    ! grep -q '"within_\|"wait_within_\|time_in_ward\|reneged\|outlie\|waiting_list_within' "$ROOT/tests/golden/$(basename "$f" .yaml).json" \
        && ok || bad "$(basename "$f"): front-door metrics without front-door keys"
done

# --- overload is a clear error, not memory exhaustion ---
expect_exit 4 "overloaded ward" -- limit 60 "$FLOWSIM" run "$S" --replications 1 \
    --set groups.emergency_surgical.arrivals.rate=200000/d --set horizon=20d
one_line "overloaded ward"

# A test whose tool is missing is skipped with its reason (exit 77, counted by meson and named by
# tools/test), never dropped: the browser and memcheck tests without Chromium or valgrind.
mkdir -p "$TMP/nopath"
ln -sf "$(command -v bash)" "$TMP/nopath/bash"
for t in report/test_html.sh valgrind/test_memcheck.sh; do
    PATH="$TMP/nopath" "$TMP/nopath/bash" "$ROOT/tests/$t" "$FLOWSIM" "$ROOT" "" "$TMP/shots" >"$TMP/out" 2>&1
    code=$?
    if [ "$code" = 77 ] && grep -q '^SKIP: .* is not installed' "$TMP/out"; then ok; else
        bad "$t without its tool: exit $code, wanted 77 with a SKIP line"; head -3 "$TMP/out"; fi
done
PATH="$TMP/nopath" "$(python3 -c "import sys; print(sys.executable)")" "$ROOT/tests/serve/test_page.py" "$FLOWSIM" "$ROOT" "" "$TMP/shots" >"$TMP/out" 2>&1
code=$?
[ "$code" = 77 ] && grep -q '^SKIP: chromium is not installed' "$TMP/out" && ok || bad "test_page.py without Chromium: exit $code"

harness_summary cli
