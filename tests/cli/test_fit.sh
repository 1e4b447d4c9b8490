#!/usr/bin/env bash
# test_fit.sh - flowsim fit and flowsim check as a user runs them: the shipped fitted scenario is
# what fit makes of the shipped sample extract, byte for byte; check of it finds every line
# inside; stays 20% longer are flagged in length of stay and occupancy; a poor fit offers its
# stays as an empirical CSV that loads; every bad extract gives its exact located message and
# exit 3, and no output file.
# Usage: test_fit.sh FLOWSIM SOURCE_ROOT
set -u
FLOWSIM=$1
ROOT=$2
source "$(dirname "$0")/harness.sh"

EXTRACT=scenarios/data/sample-extract.csv
FITTED=scenarios/sample-fitted.yaml

# --- fit: the shipped scenario is current; stdout and --output agree; it validates ---
(cd "$ROOT" && "$FLOWSIM" fit "$EXTRACT") >"$TMP/fitted.yaml" 2>"$TMP/err"
cmp -s "$TMP/fitted.yaml" "$ROOT/$FITTED" && ok || bad "$FITTED is not what fit makes of $EXTRACT"
grep -q '^flowsim: fitted 15622 stays of 10737 patients' "$TMP/err" && ok || bad "fit summary: $(cat "$TMP/err")"
(cd "$ROOT" && "$FLOWSIM" fit "$EXTRACT" -o "$TMP/again.yaml" -q) 2>"$TMP/err"
cmp -s "$TMP/again.yaml" "$TMP/fitted.yaml" && ok || bad "fit -o differs from fit to stdout"
[ ! -s "$TMP/err" ] && ok || bad "fit -q printed: $(cat "$TMP/err")"
expect_exit 0 "validate the fitted scenario" -- "$FLOWSIM" validate "$ROOT/$FITTED"
# What the sample was generated from (tools/make-extract): the families, and the shares.
grep -A7 -- '- ward: "AMU"' "$TMP/fitted.yaml" | grep -q 'stay: {dist: lognormal' && ok || bad "AMU not lognormal"
grep -A8 -- '- ward: "Medicine"' "$TMP/fitted.yaml" | grep -q 'stay: {dist: gamma' && ok || bad "Medicine not gamma"
grep -A7 -- '- ward: "Surgery"' "$TMP/fitted.yaml" | grep -q 'stay: {dist: weibull, shape: 1.5' && ok || bad "Surgery not Weibull 1.5"
grep -q '^        p: 0.600' "$TMP/fitted.yaml" && ok || bad "Medicine's share is not 0.60"

# --- check: the fitted scenario reproduces its extract ---
expect_exit 0 "check the fitted scenario" -- "$FLOWSIM" check "$ROOT/$FITTED" --data "$ROOT/$EXTRACT"
grep -q '^0 of 27 lines outside their interval.$' "$TMP/out" && ok || bad "check of the fitted scenario: $(grep '<<\|outside' "$TMP/out")"
expect_exit 0 "check as JSON" -- "$FLOWSIM" check "$ROOT/$FITTED" --data "$ROOT/$EXTRACT" --format json -o "$TMP/check.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["outside"] == 0 and len(d["lines"]) == 24 and d["replications"] == 20))' \
    "$TMP/check.json" && ok || bad "check JSON"
# Reproducible: the same bytes again.
"$FLOWSIM" check "$ROOT/$FITTED" --data "$ROOT/$EXTRACT" --format json >"$TMP/check2.json" 2>/dev/null
cmp -s "$TMP/check.json" "$TMP/check2.json" && ok || bad "check is not reproducible"

# Stays 20% longer: every length-of-stay line and every occupancy line is flagged.
python3 - "$ROOT/$FITTED" "$TMP/longer.yaml" <<'PY'
import re, sys
out = []
for line in open(sys.argv[1]):
    if line.strip().startswith("stay:"):
        line = re.sub(r"((?:mean|sd|scale): )([0-9.]+)d", lambda m: "%s%.6gd" % (m.group(1), float(m.group(2)) * 1.2), line)
    out.append(line)
open(sys.argv[2], "w").write("".join(out))
PY
cp "$ROOT/$EXTRACT" "$TMP/extract.csv"
expect_exit 0 "check stays 20% longer" -- "$FLOWSIM" check "$TMP/longer.yaml" --data "$TMP/extract.csv" --format json
python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
flag = {l["path"]: l["outside"] for l in d["lines"]}
want = [p for p in flag if p.startswith("los.") and p.endswith(".mean") or p.startswith("occupancy.")]
missed = [p for p in want if not flag[p]]
routes = [p for p in flag if p.startswith("routes.") and flag[p]]
print(" ".join(missed + routes)); sys.exit(bool(missed or routes) or len(want) != 7)' "$TMP/out" >"$TMP/missed" \
    && ok || bad "stays 20% longer not flagged (or routes flagged): $(cat "$TMP/missed")"

# --- a poor fit: bimodal stays; their CSV is written beside the scenario and loads ---
python3 - "$TMP/bimodal.csv" <<'PY'
import random, sys, datetime
r = random.Random(3)
t0 = datetime.datetime(2027, 1, 4)
with open(sys.argv[1], "w") as f:
    f.write("patient,ward,start,end\n")
    for i in range(3000):
        a = t0 + datetime.timedelta(minutes=r.randrange(0, 200 * 1440))
        stay = r.gauss(1, 0.1) if r.random() < 0.5 else r.gauss(8, 0.5)
        b = a + datetime.timedelta(minutes=max(1, round(stay * 1440)))
        f.write("p%d,W,%s,%s\n" % (i, a.strftime("%Y-%m-%d %H:%M"), b.strftime("%Y-%m-%d %H:%M")))
PY
mkdir -p "$TMP/poor"
expect_exit 0 "fit a poor fit" -- "$FLOWSIM" fit "$TMP/bimodal.csv" -o "$TMP/poor/bimodal.yaml"
grep -q 'warning: no family fits 1 step well' "$TMP/err" && ok || bad "no warning of a poor fit: $(cat "$TMP/err")"
[ -s "$TMP/poor/bimodal-all-1.csv" ] && ok || bad "no empirical CSV beside the scenario: $(ls "$TMP/poor")"
[ "$(wc -l <"$TMP/poor/bimodal-all-1.csv")" = 3001 ] && ok || bad "the empirical CSV lacks stays"
grep -q '#   stay: {dist: empirical, file: bimodal-all-1.csv, unit: d}' "$TMP/poor/bimodal.yaml" && ok || bad "no empirical alternative offered"
sed -e 's|^        stay: .*|        stay: {dist: empirical, file: bimodal-all-1.csv, unit: d}|' "$TMP/poor/bimodal.yaml" >"$TMP/poor/empirical.yaml"
expect_exit 0 "the empirical alternative loads" -- "$FLOWSIM" validate "$TMP/poor/empirical.yaml"

# --- routes no independent steps reproduce: one group per route, matched back by check ---
python3 - "$TMP/routes.csv" <<'PY'
import random, sys, datetime
r = random.Random(4)
t0 = datetime.datetime(2027, 1, 4)
fmt = lambda t: t.strftime("%Y-%m-%d %H:%M")
with open(sys.argv[1], "w") as f:
    f.write("patient,group,ward,start,end\n")
    for i in range(4000):
        a = t0 + datetime.timedelta(minutes=r.randrange(0, 300 * 1440))
        b = a + datetime.timedelta(minutes=max(1, round(r.expovariate(1 / 2) * 1440)))
        if r.random() < 0.5:
            c = b + datetime.timedelta(minutes=max(1, round(r.expovariate(1 / 5) * 1440)))
            f.write("p%d,m,AMU,%s,%s\np%d,m,Medicine,%s,%s\n" % (i, fmt(a), fmt(b), i, fmt(b), fmt(c)))
        else:
            f.write("p%d,m,Surgery,%s,%s\n" % (i, fmt(a), fmt(b)))
PY
expect_exit 0 "fit split routes" -- "$FLOWSIM" fit "$TMP/routes.csv" -o "$TMP/routes.yaml"
grep -q '^  - name: "m_route2"' "$TMP/routes.yaml" && ok || bad "no second route group"
expect_exit 0 "check split routes" -- "$FLOWSIM" check "$TMP/routes.yaml" --data "$TMP/routes.csv" --format json
python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
l = {x["path"]: x for x in d["lines"]}
a = l["arrivals.m"]; r = l["routes.m.Surgery"]
sys.exit(not (abs(a["mean"] - a["observed"]) < 0.05 * a["observed"] and abs(r["mean"] - r["observed"]) < 0.03))' "$TMP/out" \
    && ok || bad "check does not count NAME_route2 as NAME"

# --- bad extracts: exact located messages, exit 3, nothing written ---
for f in "$ROOT"/tests/data/bad-extracts/*.csv; do
    name=$(basename "$f" .csv)
    want="$f:$(cat "${f%.csv}.expect")"
    expect_exit 3 "fit $name" -- "$FLOWSIM" fit "$f" -o "$TMP/bad.yaml"
    [ "$(head -1 "$TMP/err")" = "$want" ] && ok || bad "fit $name: $(head -1 "$TMP/err" | cat -v), wanted $want"
    [ ! -e "$TMP/bad.yaml" ] && ok || bad "fit $name wrote a scenario"
    case $name in nothing-ended | wards-one-name | before-1900 | spans-too-long | spells-too-long) continue ;; esac  # fit only
    expect_exit 3 "check --data $name" -- "$FLOWSIM" check "$ROOT/$FITTED" --data "$f" -o "$TMP/bad.txt"
    [ "$(head -1 "$TMP/err")" = "$want" ] && ok || bad "check $name: $(head -1 "$TMP/err" | cat -v)"
    [ ! -e "$TMP/bad.txt" ] && ok || bad "check $name wrote a report"
done

# --- fit writes only what loads: the round trip on generated extremes ---
python3 - "$TMP" <<'PY'
import datetime, os, random, sys
d = sys.argv[1]
t0 = datetime.datetime(2024, 1, 1)
def row(p, w, a, b):
    return "%s,%s,%s,%s\n" % (p, w, a.strftime("%Y-%m-%d %H:%M"), b.strftime("%Y-%m-%d %H:%M"))
def normal(rows, n, seed):
    rng = random.Random(seed)
    for i in range(n):
        a = t0 + datetime.timedelta(hours=rng.randrange(24 * 300))
        rows.append(row("n%d" % i, "AMU", a, a + datetime.timedelta(hours=1 + rng.randrange(200))))
# one patient with 100,000 stays among 200 ordinary patients
rows = ["patient,ward,start,end\n"]
for i in range(100000):
    a = t0 + datetime.timedelta(minutes=5 * i)
    rows.append(row("long", "AB"[i % 2], a, a + datetime.timedelta(minutes=5)))
normal(rows, 200, 1)
open(os.path.join(d, "x-long.csv"), "w").writelines(rows)
# eight common routes of 40 distinct wards each, in different orders: their merge would pass 100 steps
rows = ["patient,ward,start,end\n"]
rng = random.Random(2)
orders = [rng.sample(range(60), 40) for _ in range(8)]
for k, order in enumerate(orders):
    for p in range(30):
        a = t0 + datetime.timedelta(days=rng.randrange(300))
        for j, w in enumerate(order):
            rows.append(row("r%d_%d" % (k, p), "W%d" % w, a + datetime.timedelta(hours=j), a + datetime.timedelta(hours=j + 1)))
open(os.path.join(d, "x-routes.csv"), "w").writelines(rows)
# the earliest and longest a scenario can hold: 1900 (after the warm-up) to 999 years on
rows = ["patient,ward,start,end\n", row("e", "AMU", datetime.datetime(1900, 2, 1), datetime.datetime(1900, 2, 2))]
rows.append(row("f", "AMU", datetime.datetime(2899, 1, 1), datetime.datetime(2899, 1, 2)))
normal(rows, 20, 3)
open(os.path.join(d, "x-edges.csv"), "w").writelines(rows)
# stays all alike (two days each): no Weibull shape in the millions
rows = ["patient,ward,start,end\n"] + [row("a%d" % i, "AMU", t0 + datetime.timedelta(days=i),
                                            t0 + datetime.timedelta(days=i + 2)) for i in range(30)]
open(os.path.join(d, "x-alike.csv"), "w").writelines(rows)
PY
for x in long routes edges alike; do
    expect_exit 0 "fit the extreme extract $x" -- "$FLOWSIM" fit "$TMP/x-$x.csv" -o "$TMP/x-$x.yaml"
    expect_exit 0 "what fit wrote of $x validates" -- "$FLOWSIM" validate "$TMP/x-$x.yaml"
done
"$FLOWSIM" fit "$TMP/x-long.csv" -o "$TMP/x-long.yaml" 2>"$TMP/err"
grep -q "warning: 1 spell of more than 100 stays is left out of the routes (a route has at most 100 steps), the first starting at line 2" "$TMP/err" \
    && ok || bad "fit: the spell too long for a route is said: $(cat "$TMP/err")"
for f in "$ROOT"/tests/data/*.csv "$ROOT"/tests/data/*/*.csv "$TMP"/bimodal.csv "$TMP"/routes.csv; do
    [ -f "$f" ] || continue
    "$FLOWSIM" fit "$f" -o "$TMP/rt.yaml" -q 2>/dev/null || continue    # refused: nothing to load
    expect_exit 0 "what fit wrote of $(basename "$f") validates" -- "$FLOWSIM" validate "$TMP/rt.yaml"
done

# --- the command line ---
expect_exit 2 "check without --data" -- "$FLOWSIM" check "$ROOT/$FITTED"
expect_exit 2 "fit without an extract" -- "$FLOWSIM" fit
expect_exit 2 "fit with --set" -- "$FLOWSIM" fit "$TMP/extract.csv" --set horizon=1d
expect_exit 2 "fit over its own extract" -- "$FLOWSIM" fit "$TMP/extract.csv" -o "$TMP/extract.csv"
grep -q "names the extract itself" "$TMP/err" && ok || bad "fit -o EXTRACT: $(cat "$TMP/err")"
expect_exit 3 "check a bad scenario" -- "$FLOWSIM" check "$TMP/extract.csv" --data "$TMP/extract.csv"
expect_exit 3 "check a missing extract" -- "$FLOWSIM" check "$ROOT/$FITTED" --data "$TMP/no-such.csv"
for c in fit check; do
    expect_exit 0 "help $c" -- "$FLOWSIM" help "$c"
done

harness_summary fit
