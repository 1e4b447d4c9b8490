#!/usr/bin/env bash
# test_html.sh - every kind of HTML report (run, compare, sweep, size, and one from saved JSON)
# opens in headless Chromium offline, draws all its charts with no script error, and asks for
# nothing from the network. Screenshots are kept in OUTDIR.
# Usage: test_html.sh FLOWSIM SOURCE_ROOT CHROMIUM OUTDIR
set -u
FLOWSIM=$1
ROOT=$2
CHROMIUM=${3:-}
# Found at configure time, or now (installed since); without it the test is skipped, and says why.
[ -n "$CHROMIUM" ] || CHROMIUM=$(command -v chromium || command -v chromium-browser)
[ -n "$CHROMIUM" ] || { echo "SKIP: chromium is not installed (tools/test installs it)"; exit 77; }
OUT=$4
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
check() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $*"; fi; }

S="$ROOT/scenarios/elective-orthopaedics.yaml"
"$FLOWSIM" run "$S" --replications 3 --set horizon=120d --report "$TMP/run.html" -q >/dev/null
"$FLOWSIM" run "$ROOT/scenarios/frailty-d2a.yaml" --replications 3 --set horizon=120d --format json -o "$TMP/frailty.json"
"$FLOWSIM" report "$TMP/frailty.json" -o "$TMP/saved.html"
"$FLOWSIM" compare "$ROOT/scenarios/example.yaml" --set wards.AMU.beds=40 --replications 3 --report "$TMP/compare.html" -q >/dev/null
"$FLOWSIM" sweep "$ROOT/scenarios/example.yaml" --vary wards.AMU.beds=30:40:5 --replications 2 --set horizon=60d \
    --metrics wards.AMU --output "$TMP/sweep" --report "$TMP/sweep.html" -q
"$FLOWSIM" size "$ROOT/scenarios/erlang-c.yaml" --vary wards.Ward.beds --target 'wards.Ward.p_wait <= 0.3' \
    --replications 8 --set horizon=500d --report "$TMP/size.html" -q >/dev/null

"$FLOWSIM" size "$ROOT/scenarios/erlang-c.yaml" --vary groups.all.arrivals.rate=10/d:19/d --target 'wards.Ward.p_wait <= 0.3' \
    --replications 4 --set horizon=300d --report "$TMP/seek.html" -q >/dev/null

# Names that would break a page if written into it raw: an HTML comment opener before a script
# tag (the JSON's script element would then never end), a closing script tag, quotes, '&'.
sed -e 's|^name: Elective orthopaedics|name: "<!--<script>x</script> & \\"q\\""|' \
    -e 's|Orthopaedics|</script><!--W|g' -e 's|hip_replacement|<!--<script>hip|' "$S" >"$TMP/hostile.yaml"
"$FLOWSIM" run "$TMP/hostile.yaml" --replications 3 --set horizon=120d --report "$TMP/hostile.html" -q >/dev/null

# A dated run: charts of days show dates.
"$FLOWSIM" run "$S" --replications 3 --set horizon=120d --set start=2027-01-06 --report "$TMP/dated.html" -q >/dev/null

# Rounds (a chart of departures by hour) and beds that change (open beds as a moving line).
"$FLOWSIM" run "$ROOT/scenarios/safer-medicine.yaml" --replications 3 --set horizon=56d --report "$TMP/rounds.html" -q >/dev/null
"$FLOWSIM" run "$ROOT/scenarios/winter-escalation.yaml" --replications 3 --set horizon=56d --report "$TMP/beds.html" -q >/dev/null
check grep -q '"departures":\[' "$TMP/rounds.html"
check grep -q '"open_beds":\[' "$TMP/beds.html"
# Time targets: the ED's time in the ward against its targets.
"$FLOWSIM" run "$ROOT/scenarios/emergency-department.yaml" --replications 3 --set horizon=56d --report "$TMP/ed.html" -q >/dev/null
check grep -q '"ward_times":{"ED":' "$TMP/ed.html"

# The new sections: discharge and pathways, theatres (cases, late starts, cancellations by cause),
# the comparison's headline in words and its charts by unit.
"$FLOWSIM" compare "$ROOT/scenarios/frailty-traditional.yaml" "$ROOT/scenarios/frailty-d2a.yaml" --replications 3 \
    --set horizon=120d --report "$TMP/d2a.html" -q >/dev/null

# A forecast from a census: fan charts and the chance of being full, day by day.
"$FLOWSIM" run "$ROOT/tests/data/census.yaml" --replications 10 --report "$TMP/forecast.html" -q >/dev/null

# A check of a fitted scenario against its extract: the table of lines and a chart per ward.
"$FLOWSIM" check "$ROOT/scenarios/sample-fitted.yaml" --data "$ROOT/scenarios/data/sample-extract.csv" \
    --replications 5 --report "$TMP/check.html" -q >/dev/null

# Expected minimum number of charts per kind.
for pair in check:3 run:8 saved:5 compare:1 d2a:3 sweep:6 size:1 seek:1 forecast:8 hostile:8 dated:8 rounds:8 beds:9 ed:17; do
    kind=${pair%%:*}
    want=${pair##*:}
    html="$TMP/$kind.html"
    check test -s "$html"
    # Nothing that a browser would fetch: no external script, style, image or frame.
    check bash -c "! grep -Eiq '(src|href)=\"(https?:)?//|url\\((https?:)?//|@import' '$html'"
    # The network is made unreachable, so a request could not succeed anyway.
    flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars
           --host-resolver-rules="MAP * ~NOTFOUND" --virtual-time-budget=10000)
    timeout 120 "$CHROMIUM" "${flags[@]}" --dump-dom "file://$html" >"$TMP/$kind.dom" 2>/dev/null
    body=$(grep -o '<body data-[^>]*>' "$TMP/$kind.dom" | head -1)
    charts=$(echo "$body" | sed -n 's/.*data-charts="\([0-9]*\)".*/\1/p')
    errors=$(echo "$body" | sed -n 's/.*data-errors="\([0-9]*\)".*/\1/p')
    check test "${charts:-0}" -ge "$want"
    check test "${errors:-1}" = 0
    # Every axis of every chart has a title (units on value axes).
    untitled=$(echo "$body" | sed -n 's/.*data-untitled="\([0-9]*\)".*/\1/p')
    check test "${untitled:-1}" = 0
    check grep -q 'data-done="yes"' "$TMP/$kind.dom"
    timeout 120 "$CHROMIUM" "${flags[@]}" --window-size=1280,2400 --screenshot="$OUT/$kind.png" \
        "file://$html" >/dev/null 2>&1
    check test -s "$OUT/$kind.png"
    echo "$kind: ${charts:-0} charts, ${errors:-?} errors, screenshot $OUT/$kind.png"
done
check grep -q '<h2>Discharge and pathways</h2>' "$TMP/saved.dom"
check grep -q 'Cancellations on the day by cause' "$TMP/run.html"
check grep -q '<h2>Headline</h2>' "$TMP/d2a.dom"
check grep -q 'length of stay, days (mean) falls from' "$TMP/d2a.dom"
check grep -q '<h2>Differences by unit</h2>' "$TMP/d2a.dom"
check grep -q 'Goal-seeking to within' "$TMP/seek.dom"
check grep -q '<h2>Forecast from the census</h2>' "$TMP/forecast.dom"
check grep -q 'Chance the ward is full at some point on the day' "$TMP/forecast.dom"
check grep -q '<h2>Observed against simulated</h2>' "$TMP/check.dom"
check grep -q 'Patients present by hour of the week' "$TMP/check.dom"
echo "html: $pass passed, $fail failed"
[ "$fail" = 0 ]
