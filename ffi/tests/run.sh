#!/usr/bin/env bash
# The C ABI's test: run from anywhere, on a bare Debian 12 machine too.
#
#   1. the committed header ffi/include/partcert.h must equal the one the
#      pinned cbindgen generates now (fails on any difference);
#   2. every C test program (ffi/tests/c/test_*.c) and examples/c/verify_part.c
#      are compiled with gcc -Wall -Wextra -Werror under AddressSanitizer and
#      UndefinedBehaviorSanitizer, linked against the static library, and run;
#   3. the same programs are compiled without sanitizers, linked against the
#      shared library, and run under valgrind memcheck (leak check on).
#
# Any sanitizer or valgrind report fails the run. The last line reads
# "N passed, 0 failed" (test cases, counted over both modes).
#
#   bash ffi/tests/run.sh                  # check and test
#   bash ffi/tests/run.sh --update-header  # rewrite the committed header first
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

update_header=0
for arg in "$@"; do
    case "$arg" in
        --update-header) update_header=1 ;;
        *) echo "usage: $0 [--update-header]" >&2; exit 2 ;;
    esac
done

step() { printf '\n--> %s\n' "$*"; }
die() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

# -- tools -------------------------------------------------------------------
install_packages() {
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
    fi
}
command -v gcc >/dev/null || install_packages gcc libc6-dev
command -v valgrind >/dev/null || install_packages valgrind

# -- build -------------------------------------------------------------------
step "build partcert-ffi (cdylib, staticlib) and generate the header"
build_log="$(mktemp)"
trap 'rm -f "$build_log"' EXIT
cargo build -p partcert-ffi --locked --message-format=json-render-diagnostics >"$build_log"
out_dir="$(grep '"reason":"build-script-executed"' "$build_log" |
    grep '/ffi#\|partcert-ffi' |
    sed -n 's/.*"out_dir":"\([^"]*\)".*/\1/p' | tail -n 1)"
[ -n "$out_dir" ] && [ -f "$out_dir/partcert.h" ] || die "cannot find the generated header"
lib_so="$(grep '"reason":"compiler-artifact"' "$build_log" |
    grep -o '"[^"]*/libpartcert_ffi\.so"' | tr -d '"' | tail -n 1)"
lib_a="$(grep '"reason":"compiler-artifact"' "$build_log" |
    grep -o '"[^"]*/libpartcert_ffi\.a"' | tr -d '"' | tail -n 1)"
[ -f "$lib_so" ] && [ -f "$lib_a" ] || die "cannot find libpartcert_ffi.so and .a"
lib_dir="$(dirname "$lib_so")"
target_dir="$(cd "$lib_dir/.." && pwd)"

# -- header ------------------------------------------------------------------
step "header: ffi/include/partcert.h must equal the generated one"
if [ "$update_header" -eq 1 ]; then
    cp "$out_dir/partcert.h" ffi/include/partcert.h
    echo "updated ffi/include/partcert.h"
fi
if ! diff -u ffi/include/partcert.h "$out_dir/partcert.h"; then
    die "ffi/include/partcert.h is out of date: run 'bash ffi/tests/run.sh --update-header' and commit it"
fi
echo "header up to date"
for std in c99 c11 c2x; do
    gcc -std="$std" -Wall -Wextra -Werror -Wpedantic -fsyntax-only -x c ffi/include/partcert.h ||
        die "the header does not compile as $std"
done
if command -v g++ >/dev/null; then
    g++ -std=c++11 -Wall -Wextra -Werror -Wpedantic -fsyntax-only -x c++ ffi/include/partcert.h ||
        die "the header does not compile as C++11"
    echo "the header compiles as C99, C11, C2x and C++11"
else
    echo "the header compiles as C99, C11 and C2x (no g++ here to try C++)"
fi

step "coverage: every function the header exports is called by a C test"
exported="$(sed -n 's/^\(partcert_result\|void\|const char \*\)\(partcert_[a-z0-9_]*\)(.*/\2/p;s/^\(partcert_result\|void\|const char\) \**\(partcert_[a-z0-9_]*\)(.*/\2/p' ffi/include/partcert.h | sort -u)"
[ -n "$exported" ] || die "found no functions in the header"
uncovered=0
for function in $exported; do
    if ! grep -qw "$function" ffi/tests/c/*.c; then
        echo "not called by any C test: $function"
        uncovered=1
    fi
done
[ "$uncovered" -eq 0 ] || die "some exported functions have no C test"
echo "$(echo "$exported" | wc -l) exported functions, all called"

# The system libraries the static library needs, asked of rustc once per
# toolchain (asking rebuilds the crate, so the answer is cached).
native_libs_file="$target_dir/partcert-ffi-native-static-libs.$(rustc -vV | cksum | cut -d' ' -f1)"
if [ ! -s "$native_libs_file" ]; then
    cargo rustc -p partcert-ffi --lib --locked --crate-type staticlib -- --print native-static-libs 2>&1 |
        sed -n 's/.*native-static-libs: //p' | tail -n 1 >"$native_libs_file.tmp"
    mv "$native_libs_file.tmp" "$native_libs_file"
    # Leave the artifacts as a plain build made them.
    cargo build -p partcert-ffi --locked -q
fi
native_libs="$(cat "$native_libs_file")"
[ -n "$native_libs" ] || die "rustc printed no native-static-libs"

# -- C programs --------------------------------------------------------------
work="$target_dir/ffi-c-tests"
rm -rf "$work"
mkdir -p "$work/asan" "$work/valgrind" "$work/fixtures"

cflags=(-std=c11 -Wall -Wextra -Werror -Wpedantic -g -pthread -I ffi/include -I ffi/tests/c)
sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
tests=(ffi/tests/c/test_*.c)
programs=("${tests[@]}" examples/c/verify_part.c)

passed=0
failed=0

# Runs one program, counting its "ok - " and "not ok - " lines as cases; a
# non-zero exit with no failing case counts as one failed case.
run_program() {
    local label="$1"
    shift
    local log="$work/$label.log"
    local status=0
    "$@" >"$log" 2>&1 || status=$?
    local ok bad
    ok="$(grep -c '^ok - ' "$log" || true)"
    bad="$(grep -c '^not ok - ' "$log" || true)"
    if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
        bad=1
    fi
    passed=$((passed + ok))
    failed=$((failed + bad))
    if [ "$bad" -ne 0 ]; then
        echo "FAIL $label (exit $status):"
        sed 's/^/    /' "$log"
    else
        echo "ok   $label: $ok cases"
    fi
}

# Runs the repair-shop example on the fixtures the story test wrote; each
# expectation is one case: an exit status and a line the output must hold.
run_example() {
    local mode="$1"
    shift
    local fx="$work/fixtures" cases="$work/example-$mode.cases"
    local common=(--root "$fx/acme-root.pcrt" --blocklist-root "$fx/register-root.pcrt"
        --chain "$fx/acme-line.pcrt" --now 1701900000)
    local state="$work/example-$mode.state"
    : >"$cases"
    rm -f "$state"
    expect() {
        local what="$1" want_status="$2" want_text="$3" log="$work/example-$mode.log" status=0
        shift 3
        "$@" >"$log" 2>&1 || status=$?
        if [ "$status" -eq "$want_status" ] && grep -qF -- "$want_text" "$log"; then
            echo "ok - verify_part: $what" >>"$cases"
        else
            echo "not ok - verify_part: $what (exit $status, expected $want_status)" >>"$cases"
            cat "$log" >>"$cases"
        fi
    }
    expect "the stolen screen is blocked" 3 "BLOCKED: stolen" \
        "$@" "${common[@]}" --blocklist "$fx/blocklist.pcbl" --state "$state" \
        --part "$fx/stolen-screen.pcrt"
    expect "--json prints the verdict's shared JSON" 3 '"blocklist":{"state":"blocked"' \
        "$@" "${common[@]}" --blocklist "$fx/blocklist.pcbl" --state "$state" \
        --part "$fx/stolen-screen.pcrt" --json
    expect "the donor screen is genuine, used, clean" 0 "genuine (serial-only), used, clean" \
        "$@" "${common[@]}" --blocklist "$fx/blocklist.pcbl" --state "$state" \
        --part "$fx/donor-screen.pcrt" --pairing "$fx/donor-pairing.pcpr"
    expect "an older blocklist is refused after a restart" 1 "error 400 (Rollback)" \
        "$@" "${common[@]}" --blocklist "$fx/blocklist-old.pcbl" --state "$state" \
        --part "$fx/donor-screen.pcrt"
    expect "a list withheld after a restart reads stale (missing)" 4 \
        "UK National Register: missing" \
        "$@" "${common[@]}" --state "$state" --part "$fx/donor-screen.pcrt"
    expect "a listed board whose modem reports another IMEI stays blocked" 3 \
        "modem IMEI: 490154203237518 is not signed into this board" \
        "$@" "${common[@]}" --blocklist "$fx/blocklist.pcbl" --part "$fx/stolen-board.pcrt" \
        --imei 490154203237518
    expect "each list the shop follows is shown with its standing" 0 \
        '"UK National Register" epoch 1 sequence 2: current' \
        "$@" "${common[@]}" --blocklist "$fx/blocklist.pcbl" --state "$state" \
        --part "$fx/donor-screen.pcrt" --pairing "$fx/donor-pairing.pcpr"
    expect "the keyed battery proves its key" 0 "genuine (key-proven)" \
        "$@" "${common[@]}" --part "$fx/battery.pcrt" \
        --challenge "$fx/battery.challenge" --response "$fx/battery.response"
    expect "a challenge answer for a part without a key is refused" 1 "error 204" \
        "$@" "${common[@]}" --part "$fx/donor-screen.pcrt" \
        --challenge "$fx/battery.challenge" --response "$fx/battery.response"
    expect "a counterfeit chain is untrusted" 1 "error 201 (UnknownIssuer)" \
        "$@" --root "$fx/acme-root.pcrt" --chain "$fx/counterfeit-line.pcrt" \
        --part "$fx/counterfeit-screen.pcrt" --now 1701900000
    expect "usage without arguments" 2 "usage" "$@"
    run_program "verify_part [$mode]" cat "$cases"
}

step "compile and run under AddressSanitizer + UBSan (static library)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for source in "${programs[@]}"; do
    name="$(basename "$source" .c)"
    # shellcheck disable=SC2086 # native_libs is a list of linker flags
    gcc "${cflags[@]}" "${sanitize[@]}" "$source" -o "$work/asan/$name" "$lib_a" $native_libs
done
for source in "${tests[@]}"; do
    name="$(basename "$source" .c)"
    run_program "$name [asan]" "$work/asan/$name" "$work/fixtures"
done
run_example asan "$work/asan/verify_part"

step "compile and run under valgrind memcheck (shared library)"
unset ASAN_OPTIONS UBSAN_OPTIONS
valgrind=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --track-origins=yes)
for source in "${programs[@]}"; do
    name="$(basename "$source" .c)"
    gcc "${cflags[@]}" "$source" -o "$work/valgrind/$name" -L "$lib_dir" -lpartcert_ffi \
        -Wl,-rpath,"$lib_dir"
done
for source in "${tests[@]}"; do
    name="$(basename "$source" .c)"
    run_program "$name [valgrind]" "${valgrind[@]}" "$work/valgrind/$name" "$work/fixtures"
done
run_example valgrind "${valgrind[@]}" "$work/valgrind/verify_part"

step "install: ffi/install.sh, then build the example as a C project would, with pkg-config"
command -v pkg-config >/dev/null || install_packages pkg-config
prefix="$work/install"
bash ffi/install.sh --debug --prefix "$prefix" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; die "ffi/install.sh failed"; }
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
fx="$work/fixtures"
example_args=(--root "$fx/acme-root.pcrt" --blocklist-root "$fx/register-root.pcrt"
    --blocklist "$fx/blocklist.pcbl" --chain "$fx/acme-line.pcrt" --now 1701900000
    --part "$fx/stolen-screen.pcrt")
: >"$work/install.cases"
# shellcheck disable=SC2046 # pkg-config prints lists of flags
gcc "${cflags[@]}" examples/c/verify_part.c $(pkg-config --cflags --libs partcert) \
    -Wl,-rpath,"$prefix/lib" -o "$prefix/verify_part_shared"
# shellcheck disable=SC2046
gcc "${cflags[@]}" examples/c/verify_part.c $(pkg-config --cflags partcert) \
    "$(pkg-config --variable=libdir partcert)/libpartcert_ffi.a" \
    $(pkg-config --variable=native_static_libs partcert) -o "$prefix/verify_part_static"
for kind in shared static; do
    status=0
    "$prefix/verify_part_$kind" "${example_args[@]}" >"$work/install-$kind.log" 2>&1 || status=$?
    if [ "$status" -eq 3 ] && grep -q 'BLOCKED: stolen' "$work/install-$kind.log"; then
        echo "ok - verify_part linked via pkg-config ($kind)" >>"$work/install.cases"
    else
        echo "not ok - verify_part linked via pkg-config ($kind), exit $status" >>"$work/install.cases"
        cat "$work/install-$kind.log" >>"$work/install.cases"
    fi
done
if ldd "$prefix/verify_part_static" | grep -q libpartcert_ffi; then
    echo "not ok - the static build does not need libpartcert_ffi.so" >>"$work/install.cases"
else
    echo "ok - the static build does not need libpartcert_ffi.so" >>"$work/install.cases"
fi
run_program "install + pkg-config" cat "$work/install.cases"

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
