#!/usr/bin/env bash
# Builds the partcert C library and installs it where a C project finds it:
#
#   PREFIX/include/partcert.h
#   PREFIX/lib/libpartcert_ffi.so      (shared)
#   PREFIX/lib/libpartcert_ffi.a       (static)
#   PREFIX/lib/pkgconfig/partcert.pc   (pkg-config)
#
# Usage: bash ffi/install.sh [--prefix DIR] [--debug]
#   --prefix DIR  where to install (default /usr/local)
#   --debug       install the debug build instead of the release build
#
# Then, in a C project (with PKG_CONFIG_PATH=DIR/lib/pkgconfig if DIR is not
# a prefix pkg-config searches):
#   shared: cc app.c $(pkg-config --cflags --libs partcert)
#   static: cc app.c $(pkg-config --cflags partcert) \
#             "$(pkg-config --variable=libdir partcert)/libpartcert_ffi.a" \
#             $(pkg-config --variable=native_static_libs partcert)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

prefix=/usr/local
profile=release
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix)
            [ $# -ge 2 ] || { echo "$0: --prefix needs a directory" >&2; exit 2; }
            prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --debug) profile=debug; shift ;;
        *) echo "usage: $0 [--prefix DIR] [--debug]" >&2; exit 2 ;;
    esac
done

build_flags=(-p partcert-ffi --locked)
[ "$profile" = release ] && build_flags+=(--release)
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo build "${build_flags[@]}" --message-format=json-render-diagnostics >"$log"
lib_so="$(grep '"reason":"compiler-artifact"' "$log" |
    grep -o '"[^"]*/libpartcert_ffi\.so"' | tr -d '"' | tail -n 1)"
lib_a="$(grep '"reason":"compiler-artifact"' "$log" |
    grep -o '"[^"]*/libpartcert_ffi\.a"' | tr -d '"' | tail -n 1)"
if [ ! -f "$lib_so" ] || [ ! -f "$lib_a" ]; then
    echo "install.sh: cannot find the built libraries" >&2
    exit 1
fi

# The system libraries the static library needs (for Libs.private).
native_libs="$(cargo rustc "${build_flags[@]}" --lib --crate-type staticlib \
    -- --print native-static-libs 2>&1 | sed -n 's/.*native-static-libs: //p' | tail -n 1)"
# Printing them rebuilt the library with other flags; build it as before.
cargo build "${build_flags[@]}" -q
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"

mkdir -p "$prefix/include" "$prefix/lib/pkgconfig"
install -m 0644 ffi/include/partcert.h "$prefix/include/partcert.h"
install -m 0755 "$lib_so" "$prefix/lib/libpartcert_ffi.so"
install -m 0644 "$lib_a" "$prefix/lib/libpartcert_ffi.a"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" \
    -e "s|@NATIVE_STATIC_LIBS@|$native_libs|" ffi/partcert.pc.in \
    >"$prefix/lib/pkgconfig/partcert.pc"
echo "installed partcert $version ($profile) to $prefix"
