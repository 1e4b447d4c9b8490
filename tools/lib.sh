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

# ensure_build DIR [MESON SETUP OPTIONS...]: configures DIR once (again when ensure_packages
# has just installed something, so that the build sees it), then builds it. The build's
# output goes to DIR/build.log and is shown only when something fails.
ensure_build() {
    local dir=$TOP/$1
    shift
    local again=()
    [ -f "$dir/build.ninja" ] && [ "$INSTALLED" = 1 ] && again=(--reconfigure)
    if [ ! -f "$dir/build.ninja" ] || [ ${#again[@]} -gt 0 ]; then
        if ! meson setup "${again[@]}" "$dir" "$TOP" "$@" >"$TOP/.meson-setup.log" 2>&1; then
            cat "$TOP/.meson-setup.log" >&2
            rm -f "$TOP/.meson-setup.log"
            return 1
        fi
        rm -f "$TOP/.meson-setup.log"
    fi
    if ! ninja -C "$dir" >"$dir/build.log" 2>&1; then
        cat "$dir/build.log" >&2
        return 1
    fi
}
