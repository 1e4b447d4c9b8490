#!/usr/bin/env bash
# test_shards.sh FLOWSIM SOURCE_DIR - job arrays: a run and a sweep split into 3 shards, run as
# 3 processes at once (as a job array's tasks would be), merged, give the bytes of the single
# run (text, JSON, CSV, HTML report; a sweep's runs.csv, summary.csv and sweep.txt); shards
# that are not one command's N slices, each once, are refused with a located message; and
# --shard refuses what belongs to the merge.
FLOWSIM=$1
ROOT=$2
source "$ROOT/tests/cli/harness.sh"
cd "$TMP" || exit 1
cp "$ROOT/scenarios/example.yaml" "$ROOT/scenarios/frailty-d2a.yaml" .
RUN=(example.yaml --replications 7 --set horizon=90d --seed 3)

# ---- a run: 3 tasks at once, then one merge per output form ---------------------------------
mkdir shards
for k in 1 2 3; do
    limit 60 "$FLOWSIM" run "${RUN[@]}" --shard "$k/3" --threads 1 -q -o "shards/task$k.shard" &
done
wait
[ "$(ls shards | wc -l)" = 3 ] && ok || bad "3 tasks write 3 shards"
for fmt in text json; do
    mkdir -p "single-$fmt" "merged-$fmt"
    expect_exit 0 "the single run ($fmt)" -- limit 60 "$FLOWSIM" run "${RUN[@]}" --format "$fmt" -q \
        -o "single-$fmt/out" --csv "single-$fmt/csv" --report "single-$fmt/report.html"
    expect_exit 0 "merge of a directory ($fmt)" -- limit 60 "$FLOWSIM" merge shards --format "$fmt" -q \
        -o "merged-$fmt/out" --csv "merged-$fmt/csv" --report "merged-$fmt/report.html"
    diff -r "single-$fmt" "merged-$fmt" >/dev/null && ok || bad "merged $fmt, CSV and report are the single run's bytes"
done
# standard output, shards named one by one in any order
"$FLOWSIM" run "${RUN[@]}" -q >single.txt 2>/dev/null
expect_exit 0 "merge of files" -- "$FLOWSIM" merge shards/task3.shard shards/task1.shard shards/task2.shard -q
cmp -s "$TMP/out" single.txt && ok || bad "merged report on standard output is the single run's"
# a run without --csv keeps fewer daily series: the merge keeps the same
"$FLOWSIM" run "${RUN[@]}" --format json -q -o single-plain.json 2>/dev/null
"$FLOWSIM" merge shards --format json -q -o merged-plain.json 2>/dev/null
cmp -s single-plain.json merged-plain.json && ok || bad "merged JSON without --csv is the single run's"
# more shards than replications: the empty ones merge too
for k in 1 2 3 4 5 6 7 8 9; do "$FLOWSIM" run "${RUN[@]}" --shard "$k/9" -q -o "nine$k.shard"; done
"$FLOWSIM" merge nine?.shard --format json -q -o merged-nine.json
cmp -s single-plain.json merged-nine.json && ok || bad "9 shards of 7 replications merge to the same bytes"

# ---- a sweep: points and their replications over 3 tasks ------------------------------------
SWEEP=(frailty-d2a.yaml --vary wards.Frailty_unit.beds=20:24:2 --replications 3 --set horizon=60d)
if "$FLOWSIM" validate frailty-d2a.yaml --set wards.Frailty_unit.beds=20 -q; then
    mkdir sweep-shards single merged
    for k in 1 2 3; do
        limit 60 "$FLOWSIM" sweep "${SWEEP[@]}" --shard "$k/3" --threads 1 -q -o "sweep-shards/t$k.shard" &
    done
    wait
    expect_exit 0 "the single sweep" -- limit 60 "$FLOWSIM" sweep "${SWEEP[@]}" -q -o single/out
    expect_exit 0 "merge of a sweep" -- limit 60 "$FLOWSIM" merge sweep-shards -q -o merged/out
    diff -r single merged >/dev/null && ok || bad "merged sweep files are the single sweep's bytes"
    grep -q 'wards.Frailty_unit.beds' merged/out/summary.csv && ok || bad "the merged summary has the varied column"
else
    bad "frailty-d2a.yaml has no ward Frailty_unit (the sweep test needs one)"
fi

# ---- what merge refuses, each at the shard at fault ------------------------------------------
"$FLOWSIM" run example.yaml --replications 7 --set horizon=90d --seed 4 --shard 2/3 -q -o seed4.shard
expect_exit 3 "a shard of another seed" -- "$FLOWSIM" merge shards/task1.shard seed4.shard shards/task3.shard
grep -q '^seed4.shard:2:1: error: a shard of another command line' "$TMP/err" && ok || bad "another seed is named"
expect_exit 3 "a missing shard" -- "$FLOWSIM" merge shards/task1.shard shards/task2.shard -o merged-refused.json
grep -q '^shards/task1.shard:2:1: error: shard 3 of 3 is missing' "$TMP/err" && ok || bad "the missing shard is named"
expect_exit 3 "a shard twice" -- "$FLOWSIM" merge shards/task1.shard shards/task2.shard shards/task2.shard
grep -q '^shards/task2.shard:2:1: error: shard 2 of 3 is also shards/task2.shard' "$TMP/err" && ok \
    || bad "the repeated shard is named"
expect_exit 3 "shards of 3 with one of 9" -- "$FLOWSIM" merge shards/task1.shard shards/task2.shard nine3.shard
grep -q '^nine3.shard:2:1: error: a shard of another number of shards' "$TMP/err" && ok || bad "another N is named"
expect_exit 3 "a sweep's shard with a run's" -- "$FLOWSIM" merge shards/task1.shard sweep-shards/t2.shard \
    shards/task3.shard
grep -q ':2:1: error: a shard of another' "$TMP/err" && ok || bad "a sweep's shard among a run's is refused"
sed 's/^name: .*/name: Changed after the shards/' example.yaml >changed.yaml && mv changed.yaml example.yaml
expect_exit 3 "a scenario changed since" -- "$FLOWSIM" merge shards
grep -q '^shards/task1.shard:2:1: error: the scenario, or a file it reads, has changed' "$TMP/err" && ok \
    || bad "a changed scenario is named"
cp "$ROOT/scenarios/example.yaml" .
sed 's/"flowsim_version":"[^"]*"/"flowsim_version":"0.0.0-other"/' shards/task2.shard >old.shard
expect_exit 3 "another version" -- "$FLOWSIM" merge shards/task1.shard old.shard shards/task3.shard
grep -q '^old.shard:2:1: error: a shard written by another flowsim version' "$TMP/err" && ok || bad "another version is named"
head -c "$(($(stat -c %s shards/task3.shard) - 8))" shards/task3.shard >cut.shard
expect_exit 3 "a shard cut short" -- "$FLOWSIM" merge shards/task1.shard shards/task2.shard cut.shard \
    -o merged-refused.json --csv refused-csv
grep -q '^cut.shard:3:1: error: the shard is cut short' "$TMP/err" && ok || bad "a cut shard is named"
head -c 700 shards/task3.shard >cut2.shard
expect_exit 3 "a header cut short" -- "$FLOWSIM" merge shards/task1.shard shards/task2.shard cut2.shard
grep -q '^cut2.shard:2:[0-9]*: error: ' "$TMP/err" && ok || bad "a cut header is located"
sed '2s/"args":\["example.yaml",/"args":["example.yaml","--csv","evil",/' shards/task2.shard >forged.shard
expect_exit 3 "a shard whose command line writes files" -- "$FLOWSIM" merge shards/task1.shard forged.shard shards/task3.shard
grep -q '^forged.shard:2:1: error: ' "$TMP/err" && [ ! -e evil ] && ok || bad "a forged output option is refused"
sed '2s/"rows":[0-9]*/"rows":99999999999/' shards/task2.shard >huge.shard
expect_exit 3 "a header asking for more rows than the file holds" -- limit 10 "$FLOWSIM" merge shards/task1.shard \
    huge.shard shards/task3.shard
grep -q '^huge.shard:3:1: error: the shard is cut short' "$TMP/err" && ok || bad "a header's row count is checked"
sed '2s/"shards":3/"shards":2000000000/' shards/task1.shard >manyN.shard
expect_exit 3 "a header claiming two billion shards" -- limit 10 bash -c 'ulimit -v 1000000; exec "$@"' limited \
    "$FLOWSIM" merge manyN.shard
grep -q "^manyN.shard:2:1: error: the shard's header lacks a member, or one is of the wrong type or out of range" "$TMP/err" && ok \
    || bad "a shard count beyond --shard's limit is refused"
echo 'name: not a shard' >bad.shard
expect_exit 3 "not a shard" -- "$FLOWSIM" merge shards/task1.shard bad.shard
grep -q '^bad.shard:1:1: error: not a shard file' "$TMP/err" && ok || bad "a file that is no shard is named"
[ ! -e merged-refused.json ] && [ ! -e refused-csv ] && ok || bad "a refused merge writes nothing"

# ---- what --shard refuses --------------------------------------------------------------------
expect_exit 2 "--shard without --output" -- "$FLOWSIM" run example.yaml --shard 1/2 -q
expect_exit 2 "--shard 3/2" -- "$FLOWSIM" run example.yaml --shard 3/2 -o x.shard
expect_exit 2 "--shard 0/2" -- "$FLOWSIM" run example.yaml --shard 0/2 -o x.shard
expect_exit 2 "--shard 1/2x" -- "$FLOWSIM" run example.yaml --shard 1/2x -o x.shard
expect_exit 2 "--shard with --csv" -- "$FLOWSIM" run example.yaml --shard 1/2 -o x.shard --csv d
expect_exit 2 "--shard with --precision" -- "$FLOWSIM" run example.yaml --shard 1/2 -o x.shard --precision 0.1
expect_exit 2 "--shard with --trace" -- "$FLOWSIM" run example.yaml --shard 1/2 -o x.shard --trace t.csv
expect_exit 2 "sweep --shard with --report" -- "$FLOWSIM" sweep "${SWEEP[@]}" --shard 1/2 -o x.shard --report r.html
expect_exit 2 "merge without shards" -- "$FLOWSIM" merge
mkdir empty
expect_exit 2 "merge of a directory without shards" -- "$FLOWSIM" merge empty
[ ! -e x.shard ] && ok || bad "a refused --shard writes no shard"
harness_summary shards
