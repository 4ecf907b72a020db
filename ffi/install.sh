#!/usr/bin/env bash
# Builds the partcert C library and installs it the way cargo-c does:
#
#   DESTDIR PREFIX/include/partcert.h
#   DESTDIR LIBDIR/libpartcert.so.M.m.p      the shared library (soname libpartcert.so.M)
#   DESTDIR LIBDIR/libpartcert.so.M  ->  libpartcert.so.M.m.p
#   DESTDIR LIBDIR/libpartcert.so    ->  libpartcert.so.M   (for -lpartcert)
#   DESTDIR LIBDIR/libpartcert.a             the static library
#   DESTDIR LIBDIR/pkgconfig/partcert.pc     pkg-config (Libs.private: what a static link needs;
#                                            no rpath)
#
# (On Apple targets: libpartcert.M.m.p.dylib, libpartcert.M.dylib, libpartcert.dylib.)
#
# Usage: bash ffi/install.sh [--prefix DIR] [--libdir DIR] [--includedir DIR]
#                            [--target TRIPLE] [--debug] [DESTDIR=DIR]
#   --prefix DIR      where the library will live (default /usr/local)
#   --libdir DIR      relative to the prefix (lib, lib64, lib/x86_64-linux-gnu …)
#                     or absolute (default: lib)
#   --includedir DIR  relative to the prefix or absolute (default: include)
#   --target TRIPLE   cross-compile with cargo --target TRIPLE (set the linker
#                     as cargo needs it, e.g. CARGO_TARGET_<TRIPLE>_LINKER)
#   --debug           install the debug build instead of the release build
#   DESTDIR=DIR       (or the DESTDIR environment variable) stage the files
#                     under DIR, as packagers do; every path written into the
#                     files (partcert.pc) is the final one.
#   (--no-rpath, of 1.6, is still accepted and changes nothing: partcert.pc
#   carries no rpath since 1.7.)
#
# The crate is compiled once: one `cargo rustc` makes the shared and the
# static library and prints what a static link needs (Libs.private).
#
# partcert.pc carries no run-time search path (as cargo-c's): a path in its
# Libs would be rewritten by PKG_CONFIG_SYSROOT_DIR into the staging
# folder, and a program built against a DESTDIR stage would fail once the
# stage is gone. When LIBDIR is one the system loader searches (/usr/lib,
# /usr/lib64, their multiarch directories, or one in /etc/ld.so.conf), a
# program finds libpartcert.so.M there; for another prefix, the program's
# own build names it: -Wl,-rpath,LIBDIR (the final LIBDIR, never the
# stage's), or run ldconfig LIBDIR.
#
# Then, in a C project (PKG_CONFIG_PATH=LIBDIR/pkgconfig when LIBDIR is not
# where pkg-config looks; PKG_CONFIG_SYSROOT_DIR=DESTDIR, with
# PKG_CONFIG_PATH=DESTDIR/LIBDIR/pkgconfig, to build against a staged tree):
#   shared: cc app.c $(pkg-config --cflags --libs partcert) [-Wl,-rpath,LIBDIR]
#   static: cc app.c $(pkg-config --cflags partcert) \
#             "$(pkg-config --variable=libdir partcert)/libpartcert.a" \
#             $(pkg-config --variable=native_static_libs partcert)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

prefix=/usr/local
libdir=lib
includedir=include
target=""
profile=release
destdir="${DESTDIR:-}"
usage() {
    echo "usage: $0 [--prefix DIR] [--libdir DIR] [--includedir DIR] [--target TRIPLE] [--debug] [DESTDIR=DIR]" >&2
    exit 2
}
need() { [ $# -ge 2 ] || { echo "$0: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) need "$@"; prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#*=}"; shift ;;
        --libdir) need "$@"; libdir="$2"; shift 2 ;;
        --libdir=*) libdir="${1#*=}"; shift ;;
        --includedir) need "$@"; includedir="$2"; shift 2 ;;
        --includedir=*) includedir="${1#*=}"; shift ;;
        --target) need "$@"; target="$2"; shift 2 ;;
        --target=*) target="${1#*=}"; shift ;;
        --debug) profile=debug; shift ;;
        --no-rpath) shift ;; # 1.6's option: partcert.pc has no rpath to leave out

        DESTDIR=*) destdir="${1#DESTDIR=}"; shift ;;
        -h | --help) usage ;;
        *) usage ;;
    esac
done
case "$prefix" in /*) ;; *) echo "$0: --prefix must be absolute" >&2; exit 2 ;; esac
case "$libdir" in /*) ;; *) libdir="$prefix/$libdir" ;; esac
case "$includedir" in /*) ;; *) includedir="$prefix/$includedir" ;; esac

version="$(tr -d '[:space:]' <ffi/VERSION)"
major="${version%%.*}"

build_flags=(-p partcert-ffi --locked)
[ "$profile" = release ] && build_flags+=(--release)
[ -n "$target" ] && build_flags+=(--target "$target")
log="$(mktemp)"
diagnostics="$(mktemp)"
trap 'rm -f "$log" "$diagnostics"' EXIT
# One compile: the crate's own types (cdylib, staticlib, rlib), and rustc
# says what the static library needs (a note cargo replays when the crate
# is already built).
if ! cargo rustc "${build_flags[@]}" --lib --message-format=json-render-diagnostics \
    -- --print native-static-libs >"$log" 2>"$diagnostics"; then
    cat "$diagnostics" >&2
    exit 1
fi
artifact() {
    grep '"reason":"compiler-artifact"' "$log" | grep -o "\"[^\"]*/libpartcert_ffi\\.$1\"" |
        tr -d '"' | tail -n 1
}
lib_a="$(artifact a)"
lib_so="$(artifact so)"
lib_suffix=so
if [ -z "$lib_so" ]; then
    lib_so="$(artifact dylib)"
    lib_suffix=dylib
fi
if [ ! -f "$lib_so" ] || [ ! -f "$lib_a" ]; then
    echo "install.sh: cannot find the built libraries" >&2
    exit 1
fi
# The system libraries the static library needs (Libs.private).
native_libs="$(sed -n 's/.*native-static-libs: //p' "$diagnostics" | tail -n 1)"
if [ -z "$native_libs" ]; then
    cat "$diagnostics" >&2
    echo "install.sh: rustc did not say what the static library needs" >&2
    exit 1
fi

# Paths inside the prefix are written relative to it in partcert.pc.
pc_path() {
    case "$1" in
        "$prefix"/*) echo "\${prefix}/${1#"$prefix"/}" ;;
        *) echo "$1" ;;
    esac
}

if [ "$lib_suffix" = dylib ]; then
    real="libpartcert.$version.dylib"
    soname="libpartcert.$major.dylib"
    devlink="libpartcert.dylib"
else
    real="libpartcert.so.$version"
    soname="libpartcert.so.$major"
    devlink="libpartcert.so"
fi

stage_lib="$destdir$libdir"
stage_include="$destdir$includedir"
mkdir -p "$stage_include" "$stage_lib/pkgconfig"
install -m 0644 ffi/include/partcert.h "$stage_include/partcert.h"
install -m 0755 "$lib_so" "$stage_lib/$real"
ln -sfn "$real" "$stage_lib/$soname"
ln -sfn "$soname" "$stage_lib/$devlink"
install -m 0644 "$lib_a" "$stage_lib/libpartcert.a"
sed -e "s|@PREFIX@|$prefix|" \
    -e "s|@LIBDIR@|$(pc_path "$libdir")|" \
    -e "s|@INCLUDEDIR@|$(pc_path "$includedir")|" \
    -e "s|@VERSION@|$version|" \
    -e "s|@NATIVE_STATIC_LIBS@|$native_libs|g" \
    ffi/partcert.pc.in >"$stage_lib/pkgconfig/partcert.pc"
echo "installed partcert $version ($profile${target:+, $target}) for $prefix${destdir:+ under DESTDIR $destdir}:"
echo "  $stage_include/partcert.h"
echo "  $stage_lib/{$real,$soname,$devlink,libpartcert.a,pkgconfig/partcert.pc}"
