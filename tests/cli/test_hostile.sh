#!/usr/bin/env bash
# test_hostile.sh - hostile input, round two: endless work, special files, signals in every
# phase, silent wrong results, outputs that must be all or nothing. Each case failed before its
# fix. Every command runs under a timeout, so a hang is a failure, not a stuck suite.
# Usage: test_hostile.sh FLOWSIM SOURCE_ROOT
set -u
FLOWSIM=$1
ROOT=$2
DATA=$ROOT/tests/data/hostile
EXPECT_TIMEOUT=60
source "$(dirname "$0")/harness.sh"
expect() { expect_exit "$@"; }

# says TEXT DESCRIPTION: stderr is one line containing TEXT
says() {
    if [ "$(wc -l <"$TMP/err")" = 1 ] && grep -qF -- "$1" "$TMP/err"; then ok; else
        bad "$2: wanted one line with '$1'"; head -5 "$TMP/err"; fi
}

S=$ROOT/scenarios/example.yaml

# --- no endless work ---
expect 4 "zero-time loop" -- "$FLOWSIM" run "$DATA/zero-time-loop.yaml"
says "time stopped advancing" "zero-time loop"

# did-you-mean is bounded: 1,000 wards and 10,000 steps naming unknown wards
python3 - "$TMP/unknown.yaml" <<'PY'
import sys
out = ["name: big", "horizon: 5d", "wards:"]
out += ["  - {name: w%04d_abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz01, beds: 5}" % i for i in range(1000)]
out.append("groups:")
for g in range(100):
    out += ["  - name: g%d" % g, "    arrivals: {rate: 1/d}", "    route:"]
    out += ["      - {ward: u%02d%02d_abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzZZ, "
            "stay: {dist: fixed, value: 1d}}" % (g, k) for k in range(100)]
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
limit 20 "$FLOWSIM" validate "$TMP/unknown.yaml" >/dev/null 2>"$TMP/err"
[ $? = 3 ] && grep -q '^flowsim: 9900 more errors not shown$' "$TMP/err" && ok \
    || bad "10,000 unknown ward names: not reported within 20 s"

# sparse demand along the calendar: 100 groups at 1 a millennium, growing, over 1000 years
# (arrivals skip whole days; hour by hour this took minutes)
python3 - "$TMP/sparse.yaml" <<'PY'
import sys
out = ["name: sparse", "horizon: 365000d", "warmup: 0d", "replications: 1", "start: 2000-01-01",
       "wards: [{name: w, beds: 5}]", "groups:"]
for i in range(100):
    out += ["  - name: g%d" % i, "    arrivals: {rate: 0.001/d, growth_per_year: 0.001}",
            "    route: [{ward: w, stay: {dist: fixed, value: 1h}}]"]
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
expect 0 "sparse calendar demand over 1000 years" -- "$FLOWSIM" run "$TMP/sparse.yaml" -q

# a million-point grid starts writing at once (values are checked one by one, not points)
RATES=$(python3 -c 'print(",".join("%d/d" % r for r in range(1, 1001)))')
"$FLOWSIM" sweep "$S" --vary wards.AMU.beds=1:1000:1 --vary "groups.emergency_medical.arrivals.rate=$RATES" \
    --set horizon=2d --set warmup=0d --replications 1 --output "$TMP/grid" -q 2>"$TMP/err" &
pid=$!
for _ in $(seq 200); do [ "$(cat "$TMP/grid/summary.csv" 2>/dev/null | wc -l)" -ge 3 ] && break; sleep 0.1; done
[ "$(cat "$TMP/grid/summary.csv" 2>/dev/null | wc -l)" -ge 3 ] && ok || bad "a 10^6-point sweep did not start within 20 s"
kill -INT $pid
wait $pid
[ $? = 130 ] && ok || bad "SIGINT during a sweep"

# --- signals in every phase: exit 130 within a second, nothing left behind ---
# interrupt CODE DESCRIPTION -- COMMAND...: SIGINT after 0.5 s (DELAY seconds when set); must
# exit 130 within 1 s
interrupt() {
    local what=$2
    shift 3
    "$@" >/dev/null 2>"$TMP/err" &
    local pid=$! t
    sleep "${DELAY:-0.5}"
    kill -INT $pid
    for t in $(seq 20); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
    if kill -0 $pid 2>/dev/null; then bad "$what: still running 1 s after SIGINT"; kill -9 $pid; fi
    wait $pid
    [ $? = 130 ] && ok || bad "$what: exit status after SIGINT"
}
mkfifo "$TMP/fifo"
interrupt 130 "a long run with a trace" -- "$FLOWSIM" run "$S" --set horizon=100000d --replications 1 \
    --trace "$TMP/t.csv" -o "$TMP/t.json"
ls "$TMP"/t.csv* "$TMP"/t.json* >/dev/null 2>&1 && bad "interrupted run left files" || ok
interrupt 130 "warmup" -- "$FLOWSIM" warmup "$S" --set horizon=100000d --replications 2
# The loop is stopped by the engine after 16,777,216 events at one instant: 0.45 s in the
# release build here, so the signal comes at 0.05 s, while it is surely still looping.
DELAY=0.05 interrupt 130 "zero-time loop" -- "$FLOWSIM" run "$DATA/zero-time-loop.yaml"

# --- special files are refused at once, never waited on ---
for f in "$TMP/fifo" /dev/zero "$TMP"; do
    expect 3 "scenario $f" -- "$FLOWSIM" validate "$f"
    says "cannot read the scenario" "scenario $f"
done
printf 'extends: %s\nname: x\n' "$TMP/fifo" >"$TMP/ext.yaml"
expect 3 "extends: a FIFO" -- "$FLOWSIM" validate "$TMP/ext.yaml"
says "not a regular file" "extends: a FIFO"
sed "s|stay: {dist: lognormal, mean: 4d, sd: 3d}|stay: {dist: empirical, file: $TMP/fifo}|" "$S" >"$TMP/emp.yaml"
expect 3 "empirical file: a FIFO" -- "$FLOWSIM" validate "$TMP/emp.yaml"
says "not a regular file" "empirical file: a FIFO"
for f in "$TMP/fifo" /dev/null; do
    expect 3 "report $f" -- "$FLOWSIM" report "$f" -o "$TMP/r.html"
    says "not a regular file" "report $f"
done
mkdir "$TMP/bigsweep" && truncate -s 70M "$TMP/bigsweep/summary.csv"
expect 3 "report of a 70 MB sweep summary" -- "$FLOWSIM" report "$TMP/bigsweep" -o "$TMP/r.html"
says "sweep summaries are read up to 64 MiB" "report of a 70 MB sweep summary"
mkdir "$TMP/sweepdir" && mkfifo "$TMP/sweepdir/summary.csv"
expect 3 "report of a sweep whose summary.csv is a FIFO" -- "$FLOWSIM" report "$TMP/sweepdir" -o "$TMP/r.html"
says "not a regular file" "report of a sweep whose summary.csv is a FIFO"

# --- memory limits hold: bounded before allocation, under a 1 GB address-space limit ---
python3 - "$TMP/thousand.yaml" <<'PY'
import sys
out = ["name: big", "horizon: 365000d", "warmup: 0d", "replications: 2", "wards:"]
out += ["  - {name: w%d, beds: 5}" % i for i in range(1000)]
out += ["groups:", "  - name: g", "    arrivals: {rate: 0.001/d}",
        "    route: [{ward: w0, stay: {dist: fixed, value: 1d}}]"]
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
LIMITED=(bash -c 'ulimit -v 1000000; exec "$@"' limited)
# The sanitizers reserve terabytes of address space: under them the bound is the check itself.
# They also run ten times slower: the two runs to 2,000,000 patients are left to the plain build.
ASAN=0
if ldd "$FLOWSIM" 2>/dev/null | grep -q 'lib[at]san'; then LIMITED=(env); ASAN=1; fi
expect 4 "warmup of 1,000 wards over 1,000 years" -- "${LIMITED[@]}" "$FLOWSIM" warmup "$TMP/thousand.yaml"
says "the results to keep pass the limit of 1e8 values" "warmup of 1,000 wards over 1,000 years"
expect 2 "--report with 1,000 wards x 4,500 replications" -- "${LIMITED[@]}" "$FLOWSIM" run "$TMP/thousand.yaml" \
    --set horizon=10d --set replications=4500 --report "$TMP/big.html" -q --threads 2
says "4500 replications would keep 8.01e+08 values in memory" "--report with 1,000 wards x 4,500 replications"
expect 2 "--precision up to 100,000 replications with --csv" -- "${LIMITED[@]}" "$FLOWSIM" run "$TMP/thousand.yaml" \
    --set horizon=100d --precision 0.01 --max-replications 100000 --csv "$TMP/bigcsv" -q
says "100000 replications would keep" "--precision up to 100,000 replications with --csv"
[ ! -e "$TMP/big.html" ] && [ ! -e "$TMP/bigcsv" ] && ok || bad "a refused run left output"
cat >"$TMP/due.yaml" <<'YAML'
name: readmissions due in 1000 years
horizon: 1000d
warmup: 0d
replications: 1
wards: [{name: A, beds: 100000}]
discharge:
  pathways: [{pathway: 0, share: 1, readmission: {p: 1, after: {dist: fixed, value: 365000d}, group: g}}]
groups:
  - name: g
    arrivals: {rate: 1000000/d}
    route: [{ward: A, stay: {dist: fixed, value: 1m}}]
YAML
if [ "$ASAN" = 0 ]; then
expect 4 "a waiting list that outgrows the cap" -- "${LIMITED[@]}" "$FLOWSIM" run "$ROOT/scenarios/elective-orthopaedics.yaml" \
    --set groups.hip_replacement.arrivals.referrals=1000000/d --set horizon=10d --replications 1 -q
says "counting beds, queues, waiting lists" "a waiting list that outgrows the cap"
expect 4 "readmissions due far ahead at 10^6 arrivals a day" -- "${LIMITED[@]}" "$FLOWSIM" run "$TMP/due.yaml" -q
says "too many patients present at once" "readmissions due far ahead"
fi

# --- sweeps cannot mix results ---
SWP=(sweep "$S" --set horizon=20d --set warmup=0d --replications 2 -q)
expect 2 "--vary twice on one path" -- "$FLOWSIM" "${SWP[@]}" --vary wards.AMU.beds=30,31 \
    --vary wards.AMU.beds=40,41 --output "$TMP/sw-twice"
says "wards.AMU.beds is varied twice" "--vary twice on one path"
[ ! -e "$TMP/sw-twice" ] && ok || bad "--vary twice: output created"
expect 0 "a sweep" -- "$FLOWSIM" "${SWP[@]}" --vary wards.AMU.beds=30:33:1 --output "$TMP/sw-whole"
cp "$S" "$TMP/changed.yaml"
mkdir "$TMP/sw-changed"
expect 0 "a sweep of a copy" -- "$FLOWSIM" sweep "$TMP/changed.yaml" --set horizon=20d --set warmup=0d \
    --replications 2 -q --vary wards.AMU.beds=30:33:1 --output "$TMP/sw-changed"
head -3 "$TMP/sw-changed/summary.csv" >"$TMP/cut" && mv "$TMP/cut" "$TMP/sw-changed/summary.csv"
sed -i 's/rate: 6\/d/rate: 7\/d/' "$TMP/changed.yaml"
expect 2 "--resume after the scenario changed" -- "$FLOWSIM" sweep "$TMP/changed.yaml" --set horizon=20d \
    --set warmup=0d --replications 2 -q --vary wards.AMU.beds=30:33:1 --output "$TMP/sw-changed" --resume
says "was started with other arguments or another scenario" "--resume after the scenario changed"
cp -r "$TMP/sw-whole" "$TMP/sw-deleted"
sed -i '4d' "$TMP/sw-deleted/runs.csv"        # point 2, replication 1
head -4 "$TMP/sw-deleted/summary.csv" >"$TMP/cut" && mv "$TMP/cut" "$TMP/sw-deleted/summary.csv"
expect 2 "--resume after a row was deleted from runs.csv" -- "$FLOWSIM" "${SWP[@]}" \
    --vary wards.AMU.beds=30:33:1 --output "$TMP/sw-deleted" --resume
says "do not hold point 2 where this sweep puts it" "--resume after a row was deleted"
cp -r "$TMP/sw-whole" "$TMP/sw-deleted2"
sed -i '3d' "$TMP/sw-deleted2/summary.csv"    # point 2's summary
expect 2 "--resume after a line was deleted from summary.csv" -- "$FLOWSIM" "${SWP[@]}" \
    --vary wards.AMU.beds=30:33:1 --output "$TMP/sw-deleted2" --resume
# varying a run setting: every point of a sweep shares horizon, warmup, replications, seed and start
for v in replications=3,1,4,2 horizon=10d,20d warmup=0d,5d seed=1,2 start=2027-01-04,2027-01-05; do
    expect 2 "a sweep varying ${v%%=*}" -- "$FLOWSIM" sweep "$S" --set horizon=20d -q --vary "$v" --output "$TMP/swr"
    says "every point of a sweep must share horizon, warmup, replications, seed and start" "a sweep varying ${v%%=*}"
    [ ! -e "$TMP/swr" ] && ok || bad "a refused sweep left $TMP/swr"
done
# a point's bad value names what the user wrote: --vary N, or the sweep: block's item
expect 3 "a bad --vary value" -- "$FLOWSIM" sweep "$S" --set horizon=5d -q --vary wards.Medicine.beds=70 \
    --vary wards.AMU.beds=30,3x --output "$TMP/swv"
head -1 "$TMP/err" | grep -q "^--vary:2:16: error: 'beds' must be a whole number" && ok || bad "a bad --vary value: $(cat "$TMP/err")"
printf 'extends: %s\nsweep:\n  vary:\n    - wards.Medicine.beds=70,80\n    - "wards.AMU.beds=30,3x"\n' "$S" >"$TMP/swblock.yaml"
expect 3 "a bad value in a sweep: block" -- "$FLOWSIM" sweep "$TMP/swblock.yaml" --set horizon=5d -q --output "$TMP/swb"
head -1 "$TMP/err" | grep -q "swblock.yaml:5:7: error: 'beds' must be a whole number" && ok || bad "a bad value in a sweep: block: $(cat "$TMP/err")"
[ ! -e "$TMP/swv" ] && [ ! -e "$TMP/swb" ] && ok || bad "a sweep with a bad value left its directory"
# two sweeps in one directory at once: the second refuses
"$FLOWSIM" "${SWP[@]}" --vary wards.AMU.beds=20:80:1 --set horizon=400d --output "$TMP/sw-lock" 2>/dev/null &
pid=$!
for _ in $(seq 200); do [ -s "$TMP/sw-lock/sweep.txt" ] && break; sleep 0.05; done
expect 2 "a second sweep in the same directory" -- "$FLOWSIM" "${SWP[@]}" --vary wards.AMU.beds=20:80:1 \
    --set horizon=400d --output "$TMP/sw-lock" --resume
says "another sweep is writing in" "a second sweep in the same directory"
kill -INT $pid; wait $pid

# --- all or nothing: a failed output leaves no other output, new or half-written ---
: >"$TMP/a-file"
expect 2 "--output with --csv naming a file" -- "$FLOWSIM" run "$S" --set horizon=10d --replications 2 \
    --output "$TMP/aon.json" --csv "$TMP/a-file"
[ ! -e "$TMP/aon.json" ] && ok || bad "--csv failed but --output was written"
expect 4 "--output with --report into a missing directory" -- "$FLOWSIM" run "$S" --set horizon=10d \
    --replications 2 --output "$TMP/aon2.json" --report "$TMP/no-such-dir/r.html"
[ ! -e "$TMP/aon2.json" ] && [ -z "$(ls "$TMP" | grep 'aon2.json')" ] && ok || bad "--report failed but --output was written"
expect 0 "--csv" -- "$FLOWSIM" run "$S" --set horizon=60d --replications 2 --csv "$TMP/csv-old" -q
cp -r "$TMP/csv-old" "$TMP/csv-before"
# a file-size limit (ulimit -f, in kB) as a full disk: replications.csv fits, daily.csv does not
expect 4 "--csv onto a full disk" -- bash -c 'ulimit -f 8; exec "$@"' x "$FLOWSIM" run "$S" --set horizon=400d \
    --replications 2 --seed 7 --csv "$TMP/csv-old" --output "$TMP/full.json" -q
diff -r "$TMP/csv-before" "$TMP/csv-old" >/dev/null && ok || bad "--csv on a full disk left a mix of old and new files"
[ ! -e "$TMP/full.json" ] && [ -z "$(ls "$TMP/csv-old" | grep tmp)" ] && ok || bad "--csv on a full disk left files"
expect 4 "--trace onto a full disk" -- bash -c 'ulimit -f 64; exec "$@"' x "$FLOWSIM" run "$S" \
    --set horizon=300000d --replications 1 --trace "$TMP/full.csv" -q
says "cannot write $TMP/full.csv: File too large; the run stopped" "--trace onto a full disk"
[ -z "$(ls "$TMP" | grep 'full\.csv')" ] && ok || bad "--trace on a full disk left a file"

# --- outputs onto special files are written through, never replaced ---
expect 0 "--output /dev/stdout" -- "$FLOWSIM" run "$S" --set horizon=5d --replications 2 -q --format json \
    --output /dev/stdout
grep -q '"scenario"' "$TMP/out" && ok || bad "--output /dev/stdout printed nothing"
expect 0 "--output /dev/null" -- "$FLOWSIM" run "$S" --set horizon=5d --replications 2 -q --output /dev/null
[ -c /dev/null ] && [ -z "$(ls /dev | grep '^null\.tmp')" ] && ok || bad "--output /dev/null replaced the device"
echo old >"$TMP/real.json" && ln -s real.json "$TMP/link.json"
expect 0 "--output a symbolic link" -- "$FLOWSIM" run "$S" --set horizon=5d --replications 2 -q --format json \
    --output "$TMP/link.json"
[ -L "$TMP/link.json" ] && grep -q '"scenario"' "$TMP/real.json" && ok || bad "--output replaced the link"
expect 2 "--output a directory" -- "$FLOWSIM" run "$S" --output "$TMP"
says "is a directory; name a file" "--output a directory"
expect 2 "--csv a file" -- "$FLOWSIM" run "$S" --csv "$TMP/real.json"
says "names a file, not a directory" "--csv a file"

# --- silent wrong results are refused ---
cd "$TMP"
emp() {   # emp NAME CSV-TEXT: a scenario whose surgical stays come from NAME.csv
    printf "$2" >"$1.csv"
    sed "s|stay: {dist: lognormal, mean: 4d, sd: 3d}|stay: {dist: empirical, file: $1.csv}|" "$S" >"$1.yaml"
}
emp long 'los\n2000000000000000000000000000000000000000000000000000000000000000junk\n'
expect 3 "a CSV cell longer than 63 characters" -- "$FLOWSIM" validate long.yaml
says "long.csv:2:1: error: expected a duration with a unit (m, h, d or w), such as 90m, 4h or 1.5d; found '200000000000000000000000000000000000000000000000000000000000...'" "a CSV cell longer than 60 characters, shown cut"
emp nul 'los\n2d\0garbage\n3d\n'
expect 3 "a CSV cell with a NUL" -- "$FLOWSIM" validate nul.yaml
says "nul.csv:2:3: error: a NUL byte: an empirical distribution's file must be a text (CSV) file" "a CSV cell with a NUL"

# ---- every CSV input through one reader: a byte-order mark, a NUL, invisible characters ----
emp bom '\xef\xbb\xbflos\n2d\n3d\n'
expect 0 "an empirical file with a byte-order mark (as Excel writes)" -- "$FLOWSIM" validate bom.yaml
emp tab 'los\n2d\n3\x01d\n'
expect 3 "a control character in an empirical file" -- "$FLOWSIM" validate tab.yaml
grep -qF "found '3\\x01d'" err && ok || { bad "a control character is shown escaped"; cat err; }
series() {   # series NAME CSV-TEXT: a scenario whose medical demand is the series NAME.csv
    printf "$2" >"$1.csv"
    printf 'name: s\nstart: 2024-01-01\nhorizon: 3d\nwards: [{name: A, beds: 5}]\ngroups: [{name: g, arrivals: {series: %s.csv}, route: [{ward: A, stay: {dist: fixed, value: 1d}}]}]\n' "$1" >"$1.yaml"
}
series sbom '\xef\xbb\xbfdate,rate\r\n2024-01-01,5\r\n2024-01-02,6\r\n2024-01-03,7\r\n'
expect 0 "a series with a byte-order mark and CRLF lines" -- "$FLOWSIM" validate sbom.yaml
series snul 'date,rate\n2024-01-01,5\n2024-01-02,6\0\n2024-01-03,7\n'
expect 3 "a series with a NUL" -- "$FLOWSIM" validate snul.yaml
says "snul.csv:3:13: error: a NUL byte: a series must be a text (CSV) file" "a series with a NUL: located, not a missing date"
series sblank 'date,rate\n2024-01-01,5\n\n\n2024-01-0x,6\n'
expect 3 "a series with blank lines before a bad date" -- "$FLOWSIM" validate sblank.yaml
says "sblank.csv:5:1: error: '2024-01-0x' is not a date YYYY-MM-DD" "blank lines still count in line numbers"
series shead 'date;rate\n2024-01-01;5\n'
expect 3 "a series with semicolons" -- "$FLOWSIM" validate shead.yaml
says "shead.csv:1:1: error: the header must be date,rate; found 'date;rate'" "the header as found"
series squote '"date","rate"\n"2024-01-01","5"\n2024-01-02,6\n2024-01-03,"7"\n'
expect 0 "a series with quoted fields" -- "$FLOWSIM" validate squote.yaml
printf '\xef\xbb\xbfward,group,elapsed\nAMU,emergency_medical,2d\n' >cbom.csv
sed 's|^groups:|initial: [{file: cbom.csv}]\ngroups:|' "$S" >cbom.yaml
expect 0 "a census file with a byte-order mark" -- "$FLOWSIM" validate cbom.yaml
printf '\xef\xbb\xbfpatient,ward,start,end\np1,AMU,2024-01-01 10:00,2024-01-03 10:00\np2,AMU,2024-01-02 10:00,2024-01-04 10:00\n' >xbom.csv
expect 0 "an extract with a byte-order mark" -- "$FLOWSIM" fit xbom.csv -o xbom.yaml
emp far 'los\n400000d\n'
expect 3 "a CSV value beyond the horizon limit" -- "$FLOWSIM" validate far.yaml
says "far.csv:2:1: error: expected a duration from 0d to 365250d (1000 years); found '400000d'" "a CSV value beyond the limit"
cp "$S" own.yaml
expect 2 "--output names the scenario" -- "$FLOWSIM" run own.yaml --output ./own.yaml
says "names the scenario file itself" "--output names the scenario"
cmp -s own.yaml "$S" && ok || bad "--output overwrote the scenario"
expect 2 "--report names the scenario" -- "$FLOWSIM" run own.yaml --report "$TMP/own.yaml"
expect 2 "--output and --report name one file" -- "$FLOWSIM" run own.yaml --output r.html --report ./r.html
says "name the same file" "--output and --report name one file"
# --- the hospital's clock cannot be made to hang: 20 wards with 50 bed changes each, the longest
# lengths and 100,000 holidays over 1000 years load at once, and a year of them runs (in the
# sanitizer build too, which checks every invariant after every event) ---
python3 - "$TMP/clock.yaml" <<'PY'
import sys, datetime, random
random.seed(1)
t0 = datetime.date(2027, 1, 4)
hol = sorted({t0 + datetime.timedelta(days=random.randrange(365000)) for _ in range(100000)})
out = ["name: clock", "horizon: 365000d", "replications: 1", "start: 2027-01-04",
       "holidays: [" + ", ".join(d.isoformat() for d in hol) + "]", "wards:"]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
for w in range(20):
    out.append("  - name: W%d\n    beds: 100\n    rounds: [{days: [mon, wed], at: \"09:00\", p_review: 1e-9}]\n    bed_changes:" % w)
    for k in range(48):
        out.append('      - {days: [%s], start: "%02d:%02d", length: %dh, change: -1}' % (days[k % 7], k % 24, k % 60, 120 + k))
    out.append("      - {from: 2027-03-01, to: 2100-01-01, change: 1}\n      - {from: 2200-03-01, to: 2300-01-01, change: -1}")
out.append("groups:\n  - {name: g, arrivals: {rate: 1/d}, route: [{ward: W0, stay: {dist: fixed, value: 1h}}]}")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
expect 0 "a crowded calendar validates" -- limit 20 "$FLOWSIM" validate clock.yaml
expect 0 "a crowded calendar runs for a year" -- limit 60 "$FLOWSIM" run clock.yaml --set horizon=365d -q -o clock.txt
cd - >/dev/null

# ---- parsers that do not recurse on input; one message per mistake ------------------------
python3 -c "print('--set=' + '.'.join(['a'] * 20000) + '=1')" >"$TMP/deep.arg"
expect 3 "a --set path of 20,000 parts on a 256 KB stack" -- bash -c 'ulimit -s 256; exec "$@"' x \
    "$FLOWSIM" validate "$S" "$(cat "$TMP/deep.arg")"
says "--set:1:1: error: the path has 20000 parts; a scenario nests at most 32 deep" "a --set path of 20,000 parts"
expect 3 "a path part with a leading space" -- "$FLOWSIM" validate "$S" --set 'wards. 1.beds=7'
says "--set:1:7: error: ' 1' in the path has a space at its start: names and positions are written without" \
    "a path part with a leading space"
expect 3 "a path part with a trailing space" -- "$FLOWSIM" validate "$S" --set 'wards.AMU .beds=7'
says "--set:1:10: error: 'AMU ' in the path has a space at its end: names and positions are written without" \
    "a path part with a trailing space"
expect 3 "a position with a sign" -- "$FLOWSIM" validate "$S" --set 'wards.+1.beds=7'
says "--set:1:7: error: no item named '+1' in wards" "a position with a sign"
printf 'initial: [{ward: AMU, group: emergency_medical, patients: 2000000}]\n' >"$TMP/census-big.yaml"
sed 's|^groups:|initial: [{ward: AMU, group: emergency_medical, patients: 2000000}]\ngroups:|' "$S" >"$TMP/census-big.yaml"
expect 3 "a census count over the limit" -- "$FLOWSIM" validate "$TMP/census-big.yaml"
says "error: 'patients' must be a whole number from 0 to 1000000; found '2000000'" "a census count over the limit: one message"
python3 -c "print('{\"a\":' * 2040 + '1' + '}' * 2040)" >"$TMP/deep.json"
if [ "$ASAN" = 0 ]; then stack=(bash -c 'ulimit -s 256; exec "$@"' x); else stack=(env); fi
expect 3 "a saved result nested 2,040 deep" -- "${stack[@]}" "$FLOWSIM" report "$TMP/deep.json" -o "$TMP/deep.html"
[ ! -e "$TMP/deep.html" ] && ok || bad "a saved result nested 2,040 deep: a report was written"

harness_summary hostile
