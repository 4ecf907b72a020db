#!/usr/bin/env bash
# Ensures a Swift compiler for the Swift binding tests and prints shell
# `export` lines for it on stdout (progress goes to stderr):
#
#   tool_env=$(bash bindings/tools/swift.sh)   # a failure here stops a `set -e` caller;
#   eval "$tool_env"                            # `eval "$(bash ...)"` would hide it
#   "$SWIFTC" -module-name m -Xcc -fmodule-map-file=gen/mFFI.modulemap -I gen \
#       gen/m.swift Tests.swift -L "$LIBDIR" -lm_ffi -o t
#   LD_LIBRARY_PATH="$LIBDIR" $SWIFT_RUN_PREFIX ./t     # prefix unquoted: may be empty
#   # SwiftPM (package with a .systemLibrary target for the modulemap):
#   LD_LIBRARY_PATH="$LIBDIR" "$SWIFT" test --package-path pkg -Xlinker -L"$LIBDIR"
#
# Exported variables:
#   SWIFTC            the swiftc to use.
#   SWIFT             the swift driver (`$SWIFT build`, `$SWIFT test`); may be
#                     empty where only a swiftc is on PATH.
#   SWIFT_RUN_PREFIX  empty where a real Swift is installed; otherwise the path
#                     of a small wrapper (swift-run, in the cache) that runs a
#                     program through the private glibc loader with the private
#                     libraries plus $LD_LIBRARY_PATH on its library path. So
#                     callers put their own library folders in LD_LIBRARY_PATH
#                     either way. (Programs linked by this $SWIFTC also run
#                     directly: they name the private loader as interpreter.)
#   SWIFT_LOADER      empty, or the private loader (R/usr/lib64/ld-linux-x86-64.so.2);
#   SWIFT_LIBS        empty, or the private library folder. For callers who
#                     prefer it explicit:
#                     "$SWIFT_LOADER" --library-path "$SWIFT_LIBS:$LIBDIR" ./t
#   SWIFT_ROOT        empty, or the private root R.
#
# Where `swiftc` on PATH works (macOS, a Linux Swift install), it is used as is.
# Otherwise, on Debian 12: Swift 6.0.3 from Debian trixie (`swiftlang`), which
# needs glibc >= 2.38 (Debian 12 has 2.36), is unpacked into a private root
# R=$TOOLS/swift/root with trixie's own glibc, libstdc++ and friends, using a
# private apt configuration (the system's apt setup and libraries are not
# touched), and every executable and toolchain library in R is pointed at R's
# loader and libraries with trixie's patchelf. Linking still uses the system's
# ld.gold, crt files and libc6-dev (binutils, gcc, libc6-dev). Cache:
# $PARTCERT_TOOLS_DIR (default <project>/target/tools)/swift, ~2.2 GB; the
# paths are absolute, so moving it means a reinstall (done automatically).
# Only the system packages (binutils, gcc, libc6-dev, debian-archive-keyring)
# are installed with apt-get, and only when run as root; otherwise (or with
# PARTCERT_NO_INSTALL=1) the script names what is missing and fails. The
# private root is downloaded with apt-get's download command into the cache,
# as any user.
# A stamp file marks a finished install, so a second run is instant; an
# unfinished one is redone from scratch (downloaded .debs are reused).
# Any failure exits non-zero.
set -euo pipefail

log() { printf 'swift.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

project_root=$(cd "$(dirname "$0")/../.." && pwd)
tools_dir=${PARTCERT_TOOLS_DIR:-$project_root/target/tools}
mkdir -p "$tools_dir"
tools_dir=$(cd "$tools_dir" && pwd)
cache=$tools_dir/swift
R=$cache/root
stamp=$cache/complete.stamp
stamp_text="swiftlang-route v3 root=$R"
loader=$R/usr/lib64/ld-linux-x86-64.so.2
libs=$R/usr/lib/x86_64-linux-gnu

emit() { # swiftc run_prefix loader libs root swift
    printf 'export SWIFTC=%q\n' "$1"
    printf 'export SWIFT=%q\n' "$6"
    printf 'export SWIFT_RUN_PREFIX=%q\n' "$2"
    printf 'export SWIFT_LOADER=%q\n' "$3"
    printf 'export SWIFT_LIBS=%q\n' "$4"
    printf 'export SWIFT_ROOT=%q\n' "$5"
}

# 1. A working swiftc on PATH wins.
if sys_swiftc=$(command -v swiftc) && "$sys_swiftc" --version >/dev/null 2>&1; then
    log "using $sys_swiftc ($("$sys_swiftc" --version 2>&1 | head -n1))"
    emit "$sys_swiftc" "" "" "" "" "$(command -v swift || true)"
    exit 0
fi

# 2. Cached private install.
if [[ -f $stamp && $(cat "$stamp") == "$stamp_text" && -x $R/usr/bin/swiftc ]]; then
    log "using cached Swift in $R"
    emit "$R/usr/bin/swiftc" "$cache/swift-run" "$loader" "$libs" "$R" "$R/usr/libexec/swift/bin/swift"
    exit 0
fi

# 3. Install. Everything below is redone on a retry, except downloads.
[[ $(uname -m) == x86_64 ]] || die "the private trixie route is only for x86-64 (found $(uname -m)); install Swift and put swiftc on PATH"
[[ -r /etc/debian_version ]] || die "no swiftc on PATH and this is not Debian; install Swift and put swiftc on PATH"
rm -f "$stamp"

need_cmd() { command -v "$1" >/dev/null 2>&1; }
# shellcheck source=bindings/tools/system-packages.sh
source "$project_root/bindings/tools/system-packages.sh"
for c in apt-get dpkg; do
    need_cmd "$c" || die "$c is missing"
done
# swiftc links through clang, which runs the system's ld.gold with gcc's crt
# files and libc6-dev.
if ! need_cmd ld.gold || ! need_cmd gcc || ! [[ -e /usr/lib/x86_64-linux-gnu/crti.o ]]; then
    system_install "ld.gold, gcc and libc6-dev (the linker swiftc uses)" binutils gcc libc6-dev || exit 1
fi

# 3a. Private apt configuration: the system's Debian source with suite trixie.
apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$cache/debs"

codename=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release 2>/dev/null | tr -d '"' || true)
[[ -n $codename ]] || codename=bookworm
# Prints "URI KEYRING" for the first enabled Debian entry (main archive, not
# -security/-updates) in the system's sources; KEYRING may be empty.
find_debian_source() {
    local f
    shopt -s nullglob
    for f in /etc/apt/sources.list.d/*.sources; do
        awk -v want="$codename" '
            function flush() {
                if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^[Nn][Oo]/ && uris != "") {
                    n = split(suites, s, /[ \t]+/)
                    for (i = 1; i <= n; i++) if (s[i] == want) {
                        split(uris, u, /[ \t]+/); print u[1], (key ~ /^\// ? key : ""); found = 1; exit
                    }
                }
                types = uris = suites = key = enabled = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            /^[A-Za-z-]+:/ {
                field = tolower(substr($0, 1, index($0, ":") - 1))
                value = substr($0, index($0, ":") + 1); gsub(/^[ \t]+|[ \t]+$/, "", value)
                if (field == "types") types = value
                else if (field == "uris") uris = value
                else if (field == "suites") suites = value
                else if (field == "signed-by") key = value
                else if (field == "enabled") enabled = value
            }
            END { if (!found) flush() }
        ' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        awk -v want="$codename" '
            $1 != "deb" { next }
            {
                key = ""; i = 2
                if ($2 ~ /^\[/) {
                    for (; i <= NF; i++) {
                        if ($i ~ /^\[?signed-by=/) { key = $i; sub(/^\[?signed-by=/, "", key); sub(/\]$/, "", key) }
                        if ($i ~ /\]$/) { i++; break }
                    }
                }
                if ($(i + 1) == want) { print $i, key; exit }
            }
        ' "$f"
    done
}
read -r uri keyring < <(find_debian_source | head -n1) || true
if [[ -z ${uri:-} ]]; then
    uri=http://deb.debian.org/debian
    log "no Debian $codename entry found in the apt sources; using $uri"
fi
[[ -n ${keyring:-} && -r ${keyring:-} ]] || keyring=/usr/share/keyrings/debian-archive-keyring.gpg
if ! [[ -r $keyring ]] || ! grep -q 'trixie' <(gpg --show-keys "$keyring" 2>/dev/null || true); then
    # No key for trixie (or no gpg to tell): get the current archive keyring.
    # Debian 12's debian-archive-keyring (2023.3+deb12u1 and later) has it.
    log "making sure debian-archive-keyring has the trixie keys"
    system_install "Debian's archive keys for trixie" debian-archive-keyring || exit 1
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
fi
printf 'deb [signed-by=%s] %s trixie main\n' "$keyring" "$uri" >"$apt_dir/sources.list"
log "private apt source: $(cat "$apt_dir/sources.list")"

apt_opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o Dir::Etc::SourceParts=/dev/null
    -o Dir::Etc::Preferences=/dev/null
    -o Dir::Etc::PreferencesParts=/dev/null
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o Dir::State::status=/var/lib/dpkg/status
    -o APT::Sandbox::User=root
    -o Acquire::Retries=3
)
log "apt-get update (private, trixie)"
apt-get "${apt_opts[@]}" -q update >&2 || die "private apt-get update for trixie failed"

# 3b. Download. Files already complete in debs/ are kept by apt-get download;
# .debs of other versions (left by an earlier, unfinished run) are removed.
pkgs=(swiftlang libswiftlang libc6 libstdc++6 libgcc-s1 libpython3.13
      libpython3.13-stdlib libpython3.13-minimal libzstd1 patchelf)
wanted=$(apt-get "${apt_opts[@]}" -q download --print-uris "${pkgs[@]}" | awk '{print $2}') \
    || die "apt-get download --print-uris failed"
for deb in "$cache"/debs/*.deb; do
    [[ -e $deb ]] || continue
    grep -qxF "$(basename "$deb")" <<<"$wanted" || rm -f "$deb"
done
log "downloading ${pkgs[*]} (~450 MB cold)"
(cd "$cache/debs" && apt-get "${apt_opts[@]}" -q download "${pkgs[@]}" >&2) \
    || die "apt-get download failed"

# 3c. Unpack into a fresh private root.
rm -rf "$R"
mkdir -p "$R"
for deb in "$cache"/debs/*.deb; do
    log "unpacking $(basename "$deb")"
    dpkg -x "$deb" "$R"
done
[[ -x $loader && -x $R/usr/bin/patchelf ]] || die "private loader or patchelf missing after unpacking"

# 3d. Point every dynamically linked executable at the private loader, and put
# the private library folder first on the run path of every executable and of
# every shared library of the toolchain: a library's own dependencies are looked
# up through its own run path, then the system's ld.so.cache, so without this
# e.g. lib_FoundationICU.so would get Debian 12's too old libstdc++.
run_patchelf() { "$loader" --library-path "$libs" "$R/usr/bin/patchelf" "$@"; }
n_exe=0 n_lib=0
while IFS= read -r -d '' f; do
    [[ $f == "$R/usr/bin/patchelf" ]] && continue # runs through the loader; patching itself crashes
    old=$(run_patchelf --print-rpath "$f" 2>/dev/null) || continue # not ELF
    if interp=$(run_patchelf --print-interpreter "$f" 2>/dev/null); then
        [[ $interp == "$loader" ]] || run_patchelf --set-interpreter "$loader" "$f" \
            || die "patchelf --set-interpreter failed on $f"
        n_exe=$((n_exe + 1))
    else
        n_lib=$((n_lib + 1))
    fi
    case ":$old:" in *":$libs:"*) continue ;; esac
    run_patchelf --set-rpath "$libs${old:+:$old}" "$f" || die "patchelf --set-rpath failed on $f"
done < <(find "$R/usr/bin" "$R/usr/libexec/swift/bin" -type f -perm -u+x -print0
         find "$R/usr/libexec/swift/lib" -type f -name '*.so*' -print0)
log "patched $n_exe executables and $n_lib shared libraries"

# Every toolchain executable must now find all its libraries. The compiler
# and SwiftPM tools are required; the rest (lldb, docc, ...) only warned about.
bad=0
while IFS= read -r -d '' f; do
    run_patchelf --print-interpreter "$f" >/dev/null 2>&1 || continue
    if ! out=$("$loader" --list "$f" 2>&1) || grep -qE 'not found|version .* not found' <<<"$out"; then
        case $(basename "$f") in
            swift-frontend | swift-driver | clang* | lld | swift-build | swift-package | swift-test | swift-run | swift-autolink-extract)
                log "missing libraries for $f:"; grep -E 'not found|error' <<<"$out" >&2 || true; bad=1 ;;
            *) log "warning: $(basename "$f") will not run: $(grep -m1 -E 'not found|error' <<<"$out")" ;;
        esac
    fi
done < <(find "$R/usr/libexec/swift/bin" -type f -print0)
[[ $bad == 0 ]] || die "some toolchain executables cannot find their libraries (see above); add the trixie packages that have them to pkgs"

# 3e. Programs linked by this toolchain (including SwiftPM's manifests and
# test bundles, which SwiftPM runs itself) need glibc >= 2.38, so they must
# start with the private loader: the swift driver links through R's clang,
# which reads clang.cfg beside itself, so every link gets the private loader as
# its interpreter and the private libraries on its run path. (The flags are
# unused, and not warned about, when clang only compiles.)
cat >"$R/usr/libexec/swift/bin/clang.cfg" <<EOF
-Wl,--dynamic-linker=$loader
-Wl,-rpath,$libs
-Wno-unused-command-line-argument
EOF

# The run wrapper: runs a program through the private loader whatever its
# interpreter (programs built by $SWIFTC also run directly).
cat >"$cache/swift-run" <<EOF
#!/bin/sh
# Runs a program built by $R/usr/bin/swiftc through the private loader.
# Extra library folders: LD_LIBRARY_PATH. Generated by bindings/tools/swift.sh.
exec "$loader" --library-path "$libs\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" "\$@"
EOF
chmod +x "$cache/swift-run"

# 3f. Prove it: the version, and a program compiled and run both ways.
version=$("$R/usr/bin/swiftc" --version 2>&1) || die "swiftc --version failed: $version"
log "$(printf '%s' "$version" | head -n1)"
probe=$cache/probe
rm -rf "$probe" && mkdir -p "$probe"
printf 'print("swift toolchain ok")\n' >"$probe/main.swift"
"$R/usr/bin/swiftc" -module-name Probe "$probe/main.swift" -o "$probe/probe" >&2 \
    || die "swiftc could not compile and link a hello world"
[[ $("$probe/probe") == "swift toolchain ok" ]] || die "a compiled program does not run directly"
[[ $("$cache/swift-run" "$probe/probe") == "swift toolchain ok" ]] || die "a compiled program does not run through swift-run"
rm -rf "$probe"
printf '%s' "$stamp_text" >"$stamp"
rm -f "$cache"/debs/*.deb "$apt_dir"/cache/*.bin
emit "$R/usr/bin/swiftc" "$cache/swift-run" "$loader" "$libs" "$R" "$R/usr/libexec/swift/bin/swift"
