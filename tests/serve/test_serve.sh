#!/usr/bin/env bash
# test_serve.sh - flowsim serve's API with curl: the page and the scenario's settings; /api/run
# and /api/compare give the numbers of `flowsim run` and `flowsim compare` with the same seed;
# the overlay of a what-if reruns as the what-if; bad values come back as 400 with the --set
# message and the path; hostile requests (huge bodies, malformed JSON, unknown paths, path
# traversal in the URL and in values, a foreign Host, the wrong content type) get 4xx and the
# server goes on serving; 100 parallel requests; one run at a time (429 beyond the queue),
# progress and cancel; the work limit; start-up errors; SIGTERM and SIGINT stop it cleanly.
# Usage: test_serve.sh FLOWSIM SOURCE_ROOT
set -u
FLOWSIM=$1
ROOT=$2
source "$ROOT/tests/cli/harness.sh"
EX="$ROOT/scenarios/example.yaml"
command -v curl >/dev/null || { echo "serve: curl is missing"; exit 1; }

# start_server NAME ARGS...: starts flowsim serve --port 0 in the background; sets URL and PID.
start_server() {
    local name=$1
    shift
    "$FLOWSIM" serve "$@" --port 0 >"$TMP/$name.out" 2>"$TMP/$name.err" &
    PID=$!
    URL=
    for _ in $(seq 100); do
        URL=$(grep -o 'http://[^ ]*' "$TMP/$name.out" 2>/dev/null)
        [ -n "$URL" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$URL" ] || { bad "$name: the server did not print its address"; cat "$TMP/$name.err"; }
}

# stop_server SIGNAL NAME: the server exits 0 and says so.
stop_server() {
    kill -"$1" "$PID"
    local rc=0
    limit 20 tail --pid="$PID" -f /dev/null || rc=1
    wait "$PID"
    local code=$?
    if [ "$rc" = 0 ] && [ "$code" = 0 ] && grep -q 'server stopped' "$TMP/$2.err"; then ok; else
        bad "$2: SIG$1 should stop the server with exit 0 (exit $code)"; cat "$TMP/$2.err"; fi
}

# req METHOD PATH [BODY] [CURL ARGS...]: the status in $CODE, the body in $TMP/body.
req() {
    local method=$1 path=$2 body=${3-}
    shift 3 2>/dev/null || shift $#
    local args=(-s -o "$TMP/body" -w '%{http_code}' -X "$method" --max-time 120 --path-as-is)
    [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
    CODE=$(curl "${args[@]}" "$@" "$URL${path#/}")
}

expect_code() {   # expect_code WANT WHAT
    if [ "$CODE" = "$1" ]; then ok; else bad "$2: HTTP $CODE, wanted $1"; head -c 400 "$TMP/body"; echo; fi
}

json_get() {      # json_get FILE EXPR: a Python expression over the JSON document d
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

# same_numbers A B: two flowsim JSON outputs agree on every number (their report parts, which
# name the command, aside).
same_numbers() {
    python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("report", None)
# the server names its files without their directories; the command line as given
fa, fb = a.pop("from", None), b.pop("from", None)
if fa is not None and "/" in fa["base"]:
    sys.exit(1)
sys.exit(0 if a == b else 1)
PY
}

start_server main "$EX"

# ---- the page and the scenario -----------------------------------------------------------
req GET / ""
expect_code 200 "the page"
if grep -q 'flowsim what-if' "$TMP/body" && ! grep -Eiq '(src|href)="(https?:)?//' "$TMP/body"; then ok; else bad "the page: title, or a script from the network"; fi
req GET /chart.js ""
expect_code 200 "Chart.js from the binary"
req GET /api/scenario ""
expect_code 200 "GET /api/scenario"
cp "$TMP/body" "$TMP/scenario.json"
if [ "$(json_get "$TMP/scenario.json" "[s['value'] for s in d['settings'] if s['path']=='wards.AMU.beds'][0]")" = 36 ]; then ok; else bad "settings: wards.AMU.beds should be 36"; fi
if [ "$(json_get "$TMP/scenario.json" "d['name'] + '|' + str(d['replications']) + '|' + str(d['seed'])")" = "Example district general hospital|10|42" ]; then ok; else bad "scenario: name, replications, seed"; fi
# Every setting the page offers is accepted by --set as it stands.
sets=$(json_get "$TMP/scenario.json" "' '.join(\"--set '%s=%s'\" % (s['path'], s['value']) for s in d['settings'])")
if eval "\"$FLOWSIM\" validate \"$EX\" $sets" >/dev/null 2>&1; then ok; else bad "every listed setting should be accepted by --set"; fi

# ---- compare and run: the command line's numbers -----------------------------------------
req POST /api/compare '{"set": {"wards.AMU.beds": "32"}}'
expect_code 200 "POST /api/compare"
cp "$TMP/body" "$TMP/api-compare.json"
"$FLOWSIM" compare "$EX" --set wards.AMU.beds=32 --format json -o "$TMP/cli-compare.json"
if same_numbers "$TMP/api-compare.json" "$TMP/cli-compare.json"; then ok; else bad "/api/compare should equal flowsim compare"; fi
if [ "$(json_get "$TMP/api-compare.json" "d['wards']['AMU']['p_wait']['diff']['mean'] > 0")" = True ]; then ok; else bad "fewer AMU beds: more wait"; fi

req POST /api/compare '{"set": {"groups.emergency_medical.arrivals.rate": "22/d", "wards.Medicine.beds": 84}, "replications": 3, "seed": 7}'
expect_code 200 "compare with replications and seed"
cp "$TMP/body" "$TMP/api-compare2.json"
"$FLOWSIM" compare "$EX" --set groups.emergency_medical.arrivals.rate=22/d --set wards.Medicine.beds=84 \
    --replications 3 --seed 7 --format json -o "$TMP/cli-compare2.json"
if same_numbers "$TMP/api-compare2.json" "$TMP/cli-compare2.json"; then ok; else bad "/api/compare with replications and seed"; fi

# a run setting in "set" is both sides', as on the command line
req POST /api/compare '{"set": {"horizon": "40d", "wards.AMU.beds": "33"}, "replications": 3}'
expect_code 200 "compare with a horizon"
cp "$TMP/body" "$TMP/api-compare3.json"
"$FLOWSIM" compare "$EX" --set horizon=40d --set wards.AMU.beds=33 --replications 3 --format json -o "$TMP/cli-compare3.json"
if same_numbers "$TMP/api-compare3.json" "$TMP/cli-compare3.json"; then ok; else bad "/api/compare with a horizon"; fi
if [ "$(json_get "$TMP/api-compare3.json" "d['base']['horizon_days'] if 'base' in d else d['horizon_days']")" = 40.0 ]; then ok; else bad "/api/compare: the base's horizon should be the set one"; head -c 400 "$TMP/api-compare3.json"; fi

req POST /api/run '{"set": {"wards.AMU.beds": "32"}, "replications": 3}'
expect_code 200 "POST /api/run"
cp "$TMP/body" "$TMP/api-run.json"
"$FLOWSIM" run "$EX" --set wards.AMU.beds=32 --replications 3 --format json -o "$TMP/cli-run.json"
if same_numbers "$TMP/api-run.json" "$TMP/cli-run.json"; then ok; else bad "/api/run should equal flowsim run --format json"; fi

# The report of the last run, for download.
id=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' --data '{"set": {}}' "${URL}api/compare" | tr -d '\r' | sed -n 's/^X-Flowsim-Report: //p')
req GET "/api/report/$id" ""
expect_code 200 "the comparison's HTML report"
if grep -q '<html' "$TMP/body"; then ok; else bad "report: not HTML"; fi
req GET /api/report/999999 ""
expect_code 404 "a report that is not kept"

# ---- the overlay: a what-if saved as a scenario reruns as the what-if ------------------------
req POST /api/overlay '{"set": {"wards.AMU.beds": "32", "groups.emergency_medical.route.Medicine.p": "0.5"}, "replications": 3}'
expect_code 200 "POST /api/overlay"
mkdir -p "$TMP/overlay"
cp "$EX" "$TMP/overlay/example.yaml"
cp "$TMP/body" "$TMP/overlay/whatif.yaml"
if grep -q '^extends: example.yaml' "$TMP/overlay/whatif.yaml"; then ok; else bad "overlay: extends the served file"; fi
"$FLOWSIM" run "$TMP/overlay/whatif.yaml" --format json -o "$TMP/overlay.json" 2>"$TMP/err"
"$FLOWSIM" run "$EX" --set wards.AMU.beds=32 --set groups.emergency_medical.route.Medicine.p=0.5 --replications 3 \
    --format json -o "$TMP/overlay-cli.json"
if python3 - "$TMP/overlay.json" "$TMP/overlay-cli.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
keep = lambda d: {k: v for k, v in d.items() if k in ("system", "wards", "groups", "replications", "seed")}
sys.exit(0 if keep(a) == keep(b) else 1)
PY
then ok; else bad "the overlay should run as the what-if"; cat "$TMP/overlay/whatif.yaml"; fi

# ---- bad values: --set's message, located, with the path -------------------------------------
req POST /api/compare '{"set": {"wards.AMU.beds": "abc"}}'
expect_code 400 "a bad value"
cli_err=$("$FLOWSIM" compare "$EX" --set wards.AMU.beds=abc 2>&1 >/dev/null | head -1)
want="\"set\" field \"wards.AMU.beds\", column 16: error: ${cli_err#--set:1:16: error: }"
if [ "$(json_get "$TMP/body" "d['error']")" = "$want" ]; then ok; else bad "400: the message should name the field ($want)"; cat "$TMP/body"; fi
if [ "$(json_get "$TMP/body" "d['path']")" = wards.AMU.beds ]; then ok; else bad "400: the path of the bad value"; fi
req POST /api/run '{"set": {"wards.NoSuchWard.beds": "3"}}'
expect_code 400 "an unknown ward"
req POST /api/run '{"set": {"horizon": "-3d"}}'
expect_code 400 "a negative horizon"
req POST /api/run '{"replications": 0}'
expect_code 400 "zero replications"
req POST /api/run '{"replications": 100000000}'
expect_code 400 "too many replications"
req POST /api/run '{"seed": -1}'
expect_code 400 "a negative seed"
req POST /api/compare '{"set": {"horizon": "36500d"}, "replications": 1000}'
expect_code 422 "more work than the limit"
grep -q 'max-work' "$TMP/body" && ok || bad "the work limit should name --max-work"

# ---- hostile requests ------------------------------------------------------------------------
req POST /api/run '{"set": '
expect_code 400 "malformed JSON"
req POST /api/run '[1, 2]'
expect_code 400 "JSON that is not an object"
req POST /api/run '{"set": {"wards.AMU.beds": {"x": 1}}}'
expect_code 400 "a value that is an object"
req POST /api/run '{"set": {"wards.AMU.beds": null}}'
expect_code 400 "a null value"
req POST /api/run '{"set": {"a=b": "1"}}'
expect_code 400 "a path with '='"
req POST /api/run '{"file": "/etc/passwd"}'
expect_code 400 "an unknown field"
req POST /api/run '{"set": {"wards.AMU.beds": "3\u0000"}}'
expect_code 400 "a NUL in a value"
req POST /api/run '{"set": {"extends": "/etc/passwd"}}'
expect_code 400 "extends: in a request"
req POST /api/run '{"set": {"groups.emergency_surgical.route.1.stay": "{dist: empirical, file: /etc/passwd}"}}'
expect_code 400 "an absolute file in a value"
grep -q 'not one of the files read' "$TMP/body" && ok || bad "a file in a value: the reason"
req POST /api/run '{"set": {"groups.emergency_surgical.route.1.stay": "{dist: empirical, file: ../../../../../etc/passwd}"}}'
expect_code 400 "path traversal in a value"
req POST /api/run '{"set": {"wards.AMU.beds": "32"}, "set": {}}'
expect_code 400 "a field given twice"
python3 -c "print('{\"set\": {\"name\": \"' + 'x' * 2000000 + '\"}}')" >"$TMP/huge.json"
CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$TMP/huge.json" "${URL}api/run")
expect_code 413 "a 2 MB body"
CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
    --data-binary @"$TMP/huge.json" "${URL}api/run")
expect_code 413 "a 2 MB chunked body"
CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -H 'Content-Type: text/plain' --data '{"set": {}}' "${URL}api/run")
expect_code 415 "a POST that is not application/json"
req GET /api/run ""
expect_code 405 "GET /api/run"
req DELETE /api/scenario ""
expect_code 405 "DELETE /api/scenario"
req GET /nothing-here ""
expect_code 404 "an unknown path"
req GET "/%ff%fe%c0%80" ""
expect_code 404 "a path of bytes that are not UTF-8"
json_get "$TMP/body" "d['error']" >/dev/null && ok || bad "the answer to a path that is not UTF-8 is JSON"
req GET "/api/report/%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff1" ""
expect_code 404 "a report id of bytes that are not UTF-8"
req GET /../../../../etc/passwd ""
expect_code 404 "path traversal in the URL"
req GET /api/report/../../../etc/passwd ""
expect_code 404 "path traversal in a report id"
req GET "/api/report/1%2f..%2f..%2fetc%2fpasswd" ""
expect_code 404 "an encoded path in a report id"
CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -H 'Host: evil.example.com' "${URL}api/scenario")
expect_code 403 "a foreign Host (DNS rebinding)"

# ---- 100 parallel requests: each gets an answer, 2xx or 4xx ------------------------------------
for i in $(seq 100); do
    case $((i % 4)) in
        0) curl -s -o /dev/null -w '%{http_code}\n' --max-time 120 -H 'Content-Type: application/json' \
               --data '{"set": {"wards.AMU.beds": "30"}, "replications": 40}' "${URL}api/compare" ;;
        1) curl -s -o /dev/null -w '%{http_code}\n' --max-time 120 "${URL}api/scenario" ;;
        2) curl -s -o /dev/null -w '%{http_code}\n' --max-time 120 -H 'Content-Type: application/json' \
               --data '{"set": ' "${URL}api/run" ;;
        3) curl -s -o /dev/null -w '%{http_code}\n' --max-time 120 "${URL}api/progress" ;;
    esac >"$TMP/par.$i" &
done
wait_for=0
for job in $(jobs -p); do [ "$job" != "$PID" ] && wait "$job"; done
cat "$TMP"/par.* | sort | uniq -c | sed 's/^/  parallel: /'
if cat "$TMP"/par.* | grep -Evq '^(200|400|429)$'; then bad "parallel: an answer that is not 200, 400 or 429"; else ok; fi
if [ "$(cat "$TMP"/par.* | wc -l)" = 100 ]; then ok; else bad "parallel: not every request was answered"; fi
if grep -q '^429$' "$TMP"/par.*; then ok; else bad "parallel: 25 runs at once should turn some away with 429"; fi
req GET /api/scenario ""
expect_code 200 "serving after 100 parallel requests"
kill -0 "$PID" 2>/dev/null && ok || bad "the server died"

# ---- progress and cancel ---------------------------------------------------------------------
curl -s -o "$TMP/long.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data '{"set": {"horizon": "3650d"}, "replications": 60}' "${URL}api/compare" >"$TMP/long.code" &
LONG=$!
running=no
for _ in $(seq 100); do
    req GET /api/progress ""
    if [ "$(json_get "$TMP/body" "d['running']")" = True ]; then running=yes; break; fi
    sleep 0.05
done
[ "$running" = yes ] && ok || bad "progress: a run in progress"
req POST /api/cancel '{}'
expect_code 200 "POST /api/cancel"
[ "$(json_get "$TMP/body" "d['cancelled']")" = True ] && ok || bad "cancel: the run in progress"
wait "$LONG"
[ "$(cat "$TMP/long.code")" = 409 ] && ok || bad "a cancelled run: HTTP $(cat "$TMP/long.code"), wanted 409"
req GET /api/progress ""
[ "$(json_get "$TMP/body" "d['running']")" = False ] && ok || bad "progress after cancel"
req POST /api/compare '{"set": {"wards.AMU.beds": "32"}}'
expect_code 200 "a run after a cancelled one"
same_numbers "$TMP/body" "$TMP/cli-compare.json" && ok || bad "a run after a cancelled one: same numbers"

stop_server TERM main

# ---- a scenario that names files: read at start-up, and no other file ---------------------------
start_server files "$ROOT/tests/data/serve/hospital.yaml" --queue 0 --max-work 200000
req POST /api/compare '{"set": {"wards.Surgery.beds": "28"}}'
expect_code 200 "a scenario with extends: and an empirical file"
"$FLOWSIM" compare "$ROOT/tests/data/serve/hospital.yaml" --set wards.Surgery.beds=28 --format json -o "$TMP/files-cli.json"
same_numbers "$TMP/body" "$TMP/files-cli.json" && ok || bad "files: same numbers as flowsim compare"
req POST /api/run '{"set": {"groups.emergency_surgical.route.1.stay": "{dist: empirical, file: stays.csv}"}}'
expect_code 200 "the file read at start-up, named again"
req POST /api/run '{"set": {"groups.emergency_surgical.route.1.stay": "{dist: empirical, file: ../extends/small.yaml}"}}'
expect_code 400 "another file beside it"
req POST /api/run '{"replications": 200}'
expect_code 422 "--max-work 200000"
stop_server INT files

# ---- start-up errors ---------------------------------------------------------------------------
expect_exit 3 "serve: a scenario that does not exist" -- "$FLOWSIM" serve "$TMP/none.yaml" --port 0
grep -q "none.yaml:1:1: error: cannot read" "$TMP/err" && ok || bad "serve: the missing scenario's message"
printf 'name: x\nwards: [{name: A, beds: -1}]\n' >"$TMP/bad.yaml"
expect_exit 3 "serve: a bad scenario" -- "$FLOWSIM" serve "$TMP/bad.yaml" --port 0
grep -q "bad.yaml:2:.*: error:" "$TMP/err" && ok || bad "serve: FILE:LINE:COL for a bad scenario"
expect_exit 2 "serve: --port abc" -- "$FLOWSIM" serve --port abc
expect_exit 2 "serve: --port 70000" -- "$FLOWSIM" serve --port 70000
expect_exit 2 "serve: an unknown option" -- "$FLOWSIM" serve --frobnicate
expect_exit 2 "serve: two scenarios" -- "$FLOWSIM" serve "$EX" "$EX"
expect_exit 2 "serve: --max-body 10" -- "$FLOWSIM" serve --max-body 10
expect_exit 4 "serve: --bind nonsense" -- "$FLOWSIM" serve --bind not-an-address --port 0
start_server busy "$EX"
port=${URL##*:}
port=${port%/}
expect_exit 4 "serve: a port in use" -- "$FLOWSIM" serve "$EX" --port "$port"
grep -q "cannot listen" "$TMP/err" && ok || bad "serve: the port in use's message"
stop_server TERM busy
# Listening beyond the loopback must be asked for, and is warned about.
start_server wide "$EX" --bind 0.0.0.0
grep -q "warning: listening on 0.0.0.0, not the loopback address" "$TMP/wide.err" && ok || bad "--bind 0.0.0.0 should warn"
CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -H 'Host: flowsim.example.org' "${URL}api/progress")
expect_code 200 "--bind 0.0.0.0: any Host"
stop_server TERM wide
start_server six "$EX" --bind ::1
req GET /api/progress ""
expect_code 200 "--bind ::1 (IPv6 loopback)"
stop_server TERM six
expect_exit 0 "serve --help" -- "$FLOWSIM" serve --help
grep -q -- '--max-work' "$TMP/out" && ok || bad "serve --help: the options"

harness_summary serve
