#!/usr/bin/env bash
# test_install.sh BUILD_DIR SOURCE_DIR - the house's shape and what `meson install` puts in
# place: tools/layout finds no cycle between a folder's files, no exported symbol outside the
# public headers or the flow__ prefix, no repeated base name and no long function; the README
# stays short; and an install into a staging directory holds the binary, the man page (which
# man renders), the scenario library, the user guide, the reference pages and CITATION.cff.
BUILD=$1
ROOT=$2
source "$ROOT/tests/cli/harness.sh"

if python3 "$ROOT/tools/layout" "$BUILD" >"$TMP/layout" 2>&1; then ok; else bad "tools/layout"; cat "$TMP/layout"; fi
grep -q '^cycles: 0 in the call graph (nm), 0 in the include graph$' "$TMP/layout" && ok || bad "no cycle in a folder"
grep -q '^exports: 0 ' "$TMP/layout" && ok || bad "every export declared or flow__"
grep -q '^names: 0 ' "$TMP/layout" && ok || bad "no repeated base name"
lines=$(wc -l <"$ROOT/README.md")
[ "$lines" -le 400 ] && ok || bad "README.md has $lines lines (at most 400)"

DEST=$TMP/stage
if meson install -C "$BUILD" --destdir "$DEST" --no-rebuild --quiet >"$TMP/install.log" 2>&1; then ok; else
    bad "meson install --destdir"; cat "$TMP/install.log"; fi
prefix=$(meson introspect "$BUILD" --buildoptions | python3 -c \
    'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
for f in bin/flowsim share/man/man1/flowsim.1 share/flowsim/scenarios/example.yaml \
         share/flowsim/scenarios/data/sample-extract.csv share/doc/flowsim/README.md \
         share/doc/flowsim/CITATION.cff share/doc/flowsim/docs/guide/flow-coach.md \
         share/doc/flowsim/docs/reference/commands.md share/doc/flowsim/docs/design.md; do
    [ -f "$DEST$prefix/$f" ] && ok || bad "meson install puts $f in place"
done
"$DEST$prefix/bin/flowsim" --version >/dev/null && ok || bad "the installed flowsim runs"
# libmicrohttpd (and the GnuTLS it brings) is loaded by flowsim serve, not by every command
if ldd "$DEST$prefix/bin/flowsim" | grep -q -e microhttpd -e gnutls; then bad "flowsim links libmicrohttpd"; else ok; fi
if command -v man >/dev/null; then
    MANWIDTH=100 man --warnings -l "$DEST$prefix/share/man/man1/flowsim.1" >"$TMP/man.txt" 2>"$TMP/man.err"
    grep -q -- '--max-replications' "$TMP/man.txt" && [ ! -s "$TMP/man.err" ] && ok \
        || { bad "man renders the installed page"; cat "$TMP/man.err"; }
fi
harness_summary install
