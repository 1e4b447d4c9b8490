# lib.sh - shared by tools/run, tools/test and tools/bench: installs what is missing (Debian
# packages, with apt-get as root) and configures and builds a meson build directory.
# Sourced, not run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PACKAGES=(gcc pkg-config meson ninja-build python3 libgsl-dev libyaml-dev check libjansson-dev
          libjs-chart.js libmicrohttpd-dev)

log() { printf '%s\n' "$*" >&2; }
INSTALLED=0     # set to 1 by ensure_packages when it installed something

ensure_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null; then sudo=(sudo); else
            log "flowsim: these packages are missing and we are not root: ${missing[*]}"
            log "flowsim: install them with: apt-get install ${missing[*]}"
            return 1
        fi
    fi
    log "flowsim: installing ${missing[*]}"
    INSTALLED=1
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >&2 || return 1
}

# The build users run (tools/run, tools/test's main build, tools/bench): optimised, with
# link-time optimisation (also meson.build's default). The checking builds (sanitizers,
# invariants, MPI, fuzz, mutants) are debugoptimized without it: assertions on, quick links.
FAST=(-Dbuildtype=release -Db_lto=true)
CHECKING=(-Dbuildtype=debugoptimized -Db_lto=false)

# ensure_build DIR [MESON SETUP OPTIONS...]: configures DIR once (again when ensure_packages
# has just installed something, so that the build sees it), sets the options again when they
# differ from those it was last given (meson setup --reconfigure does not apply a changed
# b_lto; meson configure does), then builds it. The build's output goes to DIR/build.log and
# is shown only when something fails.
ensure_build() {
    local dir=$TOP/$1
    shift
    local stamp="$dir/.flowsim-options" log="$TOP/.meson-setup.log" rc=0
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$TOP" "$@" >"$log" 2>&1 || rc=1
    else
        [ "$INSTALLED" = 1 ] && { meson setup --reconfigure "$dir" "$TOP" "$@" >"$log" 2>&1 || rc=1; }
        [ $rc = 0 ] && [ "$(cat "$stamp" 2>/dev/null)" != "$*" ] && { meson configure "$dir" "$@" >"$log" 2>&1 || rc=1; }
    fi
    if [ $rc != 0 ]; then
        cat "$log" >&2
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
    printf '%s' "$*" >"$stamp"
    if ! ninja -C "$dir" >"$dir/build.log" 2>&1; then
        cat "$dir/build.log" >&2
        return 1
    fi
}
