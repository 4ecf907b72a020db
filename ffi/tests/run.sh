#!/usr/bin/env bash
# The C ABI's test: run from anywhere, on a bare Debian 12 machine too.
#
#   1. the committed header ffi/include/partcert.h must equal the one the
#      pinned cbindgen generates now, and compile as C99, C11, C2x, C++11;
#      the crates as packaged (`cargo package -p partcert -p partcert-ffi`,
#      built from the extracted .crate files outside this tree) must
#      generate the same header;
#   2. every function the library exports is called by a C test, and every
#      fallible one is shown to name a NULL argument in its error;
#   3. the ABI (ffi/tests/abi.sh: symbols, prototypes, struct layouts, enum
#      values, constants, soname) equals the committed ffi/abi/partcert.abi,
#      and the version in ffi/VERSION allows any difference;
#   4. freeing a borrowed handle does not compile (ffi/tests/compile_fail/);
#   5. every C test program (ffi/tests/c/test_*.c) and the examples in
#      examples/c/ are compiled with gcc -Wall -Wextra -Werror -Wpedantic
#      and run under AddressSanitizer + UndefinedBehaviorSanitizer (static
#      library), then under valgrind memcheck (shared library, through its
#      soname libpartcert.so.MAJOR) — the repository examples through
#      examples/c/run.sh, syncing with libcurl from nginx on 127.0.0.1, and
#      a boot self-check against a register's shards (boot_check_shards.c,
#      with the handsets test_story.c writes to the fixtures); the
#      threaded updater test (test_threads.c) also runs under
#      ThreadSanitizer with no suppressions file (shared and static) and
#      unsanitized, with its resident memory checked, and a caller's own
#      race (race_in_caller.c) must still be reported;
#   6. ffi/install.sh installs into a non-system prefix, and the examples
#      build against it with pkg-config (whose partcert.pc has no rpath)
#      and run without LD_LIBRARY_PATH; a package build stages it (--libdir
#      lib64, DESTDIR), builds a program against the stage
#      (PKG_CONFIG_SYSROOT_DIR), deletes the stage, installs for real, and
#      the program runs.
#
# Any sanitizer or valgrind report fails the run. The last line reads
# "N passed, 0 failed" (test cases, counted over every mode).
#
#   bash ffi/tests/run.sh                  # check and test
#   bash ffi/tests/run.sh --update-header  # rewrite the committed header first
#   bash ffi/tests/run.sh --update-abi     # record a changed ABI (after bumping
#                                          # ffi/VERSION as the change requires)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

update_header=0
update_abi=0
for arg in "$@"; do
    case "$arg" in
        --update-header) update_header=1 ;;
        --update-abi) update_abi=1 ;;
        *) echo "usage: $0 [--update-header] [--update-abi]" >&2; exit 2 ;;
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
command -v pkg-config >/dev/null || install_packages pkg-config
command -v readelf >/dev/null || install_packages binutils
# The repository examples fetch with libcurl (examples/c/sync_device.c).
pkg-config --exists libcurl || install_packages libcurl4-openssl-dev

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
target_dir="$(cd "$(dirname "$lib_so")/.." && pwd)"
work="$target_dir/ffi-c-tests"
rm -rf "$work"
mkdir -p "$work/asan" "$work/valgrind" "$work/tsan" "$work/plain" "$work/fixtures" "$work/lib"
# Work on a copy of what was built, under the names a program links and
# loads the library by: another build in the same target directory cannot
# change it under the tests.
version="$(tr -d '[:space:]' <ffi/VERSION)"
major="${version%%.*}"
cp "$lib_so" "$work/lib/libpartcert.so.$version"
cp "$lib_a" "$work/lib/libpartcert.a"
lib_so="$work/lib/libpartcert.so.$version"
lib_a="$work/lib/libpartcert.a"
ln -sf "libpartcert.so.$version" "$work/lib/libpartcert.so.$major"
ln -sf "libpartcert.so.$major" "$work/lib/libpartcert.so"
cp "$out_dir/partcert.h" "$work/partcert.generated.h"

# -- header ------------------------------------------------------------------
step "header: ffi/include/partcert.h must equal the generated one"
if [ "$update_header" -eq 1 ]; then
    cp "$work/partcert.generated.h" ffi/include/partcert.h
    echo "updated ffi/include/partcert.h"
fi
if ! diff -u ffi/include/partcert.h "$work/partcert.generated.h"; then
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

# -- package -----------------------------------------------------------------
step "package: the packaged crates build the same header (nothing read outside ffi/)"
# Both crates are packaged together (from the working tree: --allow-dirty),
# and the packaged partcert-ffi is built against the packaged core (a
# [patch] in a workspace made for the purpose) in a directory of its own,
# where no ../core exists. Its target directory is its own too (a build
# there must not replace this one's libpartcert_ffi), kept between runs:
# about a minute the first time, seconds after.
crate_version="$(cargo pkgid -p partcert-ffi | sed 's/.*[#@]//')"
package_dir="$work/package"
rm -rf "$package_dir"
mkdir -p "$package_dir"
cargo package -p partcert -p partcert-ffi --no-verify --allow-dirty --locked -q \
    --target-dir "$target_dir" 2>"$work/package.log" ||
    { cat "$work/package.log"; die "cargo package failed"; }
for crate in partcert partcert-ffi; do
    tar -xzf "$target_dir/package/$crate-$crate_version.crate" -C "$package_dir"
done
# A .crate keeps one fixed time for every file, so cargo, which compares
# times, would take changed sources for the ones it built last run: when
# the crates differ from last run's, their files are dated now.
package_stamp="$target_dir/ffi-package/crates.sha256"
package_sums="$(cd "$target_dir/package" &&
    sha256sum "partcert-$crate_version.crate" "partcert-ffi-$crate_version.crate")"
if [ "$(cat "$package_stamp" 2>/dev/null)" != "$package_sums" ]; then
    find "$package_dir" -type f -exec touch {} +
fi
printf '[workspace]\nmembers = ["partcert-ffi-%s"]\nresolver = "3"\n\n[patch.crates-io]\npartcert = { path = "partcert-%s" }\n' \
    "$crate_version" "$crate_version" >"$package_dir/Cargo.toml"
cp Cargo.lock "$package_dir/Cargo.lock"
cargo build --manifest-path "$package_dir/Cargo.toml" -p partcert-ffi --offline \
    --target-dir "$target_dir/ffi-package" --message-format=json-render-diagnostics \
    >"$work/package-build.log" 2>"$work/package-build.err" ||
    { cat "$work/package-build.err"; die "the packaged partcert-ffi does not build"; }
printf '%s\n' "$package_sums" >"$package_stamp"
packaged_out="$(grep '"reason":"build-script-executed"' "$work/package-build.log" |
    grep -F "$package_dir/partcert-ffi" |
    sed -n 's/.*"out_dir":"\([^"]*\)".*/\1/p' | tail -n 1)"
[ -n "$packaged_out" ] && [ -f "$packaged_out/partcert.h" ] ||
    die "cannot find the header the packaged crate generated"
diff -u ffi/include/partcert.h "$packaged_out/partcert.h" ||
    die "the packaged partcert-ffi generates another header than the tree"
echo "partcert and partcert-ffi $crate_version, packaged, generate the same header"

# -- coverage ----------------------------------------------------------------
step "coverage: every exported function is called by a C test; every fallible one names a NULL argument"
exported="$(nm -D --defined-only "$lib_so" | awk '$2 == "T" && $3 ~ /^partcert_/ {print $3}' | sort -u)"
[ -n "$exported" ] || die "the library exports no partcert_ function"
fallible="$(gcc -std=c11 -E -P -x c ffi/include/partcert.h | tr '\n' ' ' | sed 's/;/;\n/g' |
    sed -n 's/^ *partcert_result  *\(partcert_[a-z0-9_]*\)(.*error_out) *; *$/\1/p' | sort -u)"
[ -n "$fallible" ] || die "found no fallible function in the header"
null_checked="$(cat ffi/tests/c/test_*.c | tr '\n' ' ' | grep -o 'CHECK_NULL( *partcert_[a-z0-9_]*' |
    sed 's/CHECK_NULL( *//' | sort -u)"
uncovered=0
for function in $exported; do
    if ! grep -qw "$function" ffi/tests/c/*.c; then
        echo "not called by any C test: $function"
        uncovered=1
    fi
done
for function in $fallible; do
    if ! grep -qx "$function" <<<"$null_checked"; then
        echo "fallible but never shown to name a NULL argument (CHECK_NULL in a C test): $function"
        uncovered=1
    fi
done
[ "$uncovered" -eq 0 ] || die "some exported functions are not covered"
echo "$(wc -l <<<"$exported") exported functions, all called; $(wc -l <<<"$fallible") fallible, each naming its NULL argument"

# -- ABI ---------------------------------------------------------------------
step "ABI: soname, symbols, prototypes, struct layouts, enum values and constants against ffi/abi/partcert.abi"
soname="$(readelf -d "$lib_so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
[ "$soname" = "libpartcert.so.$major" ] ||
    die "the shared library's soname is '$soname', not libpartcert.so.$major"
echo "soname $soname"
host="$(rustc -vV | sed -n 's/^host: //p')"
baseline=ffi/abi/partcert.abi
current="$work/partcert.abi"
{
    echo "# The C ABI of libpartcert (ffi/tests/abi.sh list, $host)."
    echo "# Changed only with ffi/VERSION: bash ffi/tests/run.sh --update-abi"
    bash ffi/tests/abi.sh list ffi/include/partcert.h "$lib_so" "$work/abi"
} >"$current"
# The checker itself: a removed function, a moved field, or any change
# without a version bump is refused; an addition in a minor version is not.
grep -v '^#' "$current" >"$work/abi-base"
sed '/^function .*partcert_verify_part(/d' "$work/abi-base" >"$work/abi-removed"
sed 's/^\(field partcert_str.len offset=\)8/\116/' "$work/abi-base" >"$work/abi-moved"
minor_next="$major.$(($(cut -d. -f2 <<<"$version") + 1)).0"
{ sed "s/^version .*/version $minor_next/" "$work/abi-base"; echo "function void partcert_new_thing(void);"; } >"$work/abi-added"
sed "s/^version .*/version $minor_next/" "$work/abi-removed" >"$work/abi-removed-minor"
sed "s/^version .*/version $minor_next/" "$work/abi-moved" >"$work/abi-moved-minor"
bash ffi/tests/abi.sh rules "$work/abi-base" "$work/abi-removed" 2>/dev/null &&
    die "abi.sh accepted a removed function without a version bump"
bash ffi/tests/abi.sh rules "$work/abi-base" "$work/abi-removed-minor" 2>/dev/null &&
    die "abi.sh accepted a removed function in a minor version"
bash ffi/tests/abi.sh rules "$work/abi-base" "$work/abi-moved-minor" 2>/dev/null &&
    die "abi.sh accepted a moved struct field in a minor version"
bash ffi/tests/abi.sh rules "$work/abi-base" "$work/abi-added" ||
    die "abi.sh refused a function added in a minor version"
echo "the checker refuses removals, moves and unversioned changes, and accepts additions"
# The checker reads each file more than once: give it files, not pipes.
grep -v '^#' "$current" >"$work/abi-current"
[ ! -f "$baseline" ] || grep -v '^#' "$baseline" >"$work/abi-baseline"
if [ ! -f "$baseline" ] || ! diff -q "$baseline" "$current" >/dev/null; then
    if [ -f "$baseline" ] && ! grep -q "^# The C ABI of libpartcert (ffi/tests/abi.sh list, $host)" "$baseline"; then
        echo "the committed ABI is for another target than $host: not compared here"
    elif [ "$update_abi" -eq 1 ]; then
        if [ -f "$baseline" ]; then
            bash ffi/tests/abi.sh rules "$work/abi-baseline" "$work/abi-current" ||
                die "this ABI change is not allowed by the version in ffi/VERSION ($version)"
        fi
        mkdir -p "$(dirname "$baseline")"
        cp "$current" "$baseline"
        echo "recorded the ABI of $version in $baseline"
    else
        diff -u "$baseline" "$current" || true
        if bash ffi/tests/abi.sh rules "$work/abi-baseline" "$work/abi-current"; then
            die "the ABI changed as $version allows: record it with 'bash ffi/tests/run.sh --update-abi' and commit $baseline"
        fi
        die "the ABI changed in a way ffi/VERSION ($version) does not allow (see above)"
    fi
else
    echo "the ABI equals $baseline ($version)"
fi

# -- compile-fail ------------------------------------------------------------
step "ownership in the types: freeing a borrowed handle does not compile"
cf=ffi/tests/compile_fail/free_borrowed.c
gcc -std=c11 -Wall -Wextra -Werror -pedantic-errors -I ffi/include -c "$cf" -o "$work/cf.o" ||
    die "$cf does not compile even without a misuse"
cases=0
for case in 1 2 3 4 5 6 7; do
    if gcc -std=c11 -pedantic-errors -I ffi/include -DPARTCERT_CASE="$case" -c "$cf" \
        -o "$work/cf.o" 2>/dev/null; then
        die "$cf case $case compiles as C: a borrowed handle can be freed"
    fi
    if command -v g++ >/dev/null && g++ -std=c++11 -I ffi/include -DPARTCERT_CASE="$case" \
        -x c++ -c "$cf" -o "$work/cf.o" 2>/dev/null; then
        die "$cf case $case compiles as C++: a borrowed handle can be freed"
    fi
    cases=$((cases + 1))
done
echo "$cases misuses refused by the compiler (C with -pedantic-errors, and C++)"

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
cflags=(-std=c11 -Wall -Wextra -Werror -Wpedantic -g -pthread -I ffi/include -I ffi/tests/c)
sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
tests=(ffi/tests/c/test_*.c)
examples=(examples/c/*.c)
programs=("${tests[@]}" "${examples[@]}")

passed=0
failed=0

# What an example links beyond libpartcert: libcurl for the one that
# fetches with it.
extra_libs() {
    if grep -q '#include <curl/curl.h>' "$1"; then pkg-config --cflags --libs libcurl; fi
}

# Runs one program, counting its "ok - " and "not ok - " lines as cases; a
# non-zero exit with no failing case counts as one failed case.
run_program() {
    local label="$1"
    shift
    local log="$work/${label//[^a-zA-Z0-9_.-]/_}.log"
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
        grep '^# rss grew' "$log" | sed 's/^# /     /' || true
    fi
}

# Runs the examples on the fixtures the story test wrote; each expectation
# is one case: an exit status and a line the output must hold.
run_examples() {
    local mode="$1" bin="$2"
    shift 2
    local fx="$work/fixtures" cases="$work/examples-$mode.cases"
    local common=(--root "$fx/acme-root.pcrt" --blocklist-root "$fx/register-root.pcrt"
        --chain "$fx/acme-line.pcrt" --now 1701900000)
    local boot=("$fx/acme-root.pcrt" "$fx/register-root.pcrt" "$fx/acme-line.pcrt"
        "$fx/blocklist.pcbl" "$fx/donor-pairing.pcpr" 490154203237518 1701900000)
    local state="$work/example-$mode.state"
    : >"$cases"
    rm -f "$state"
    expect() {
        local what="$1" want_status="$2" want_text="$3" log="$work/example-$mode.log" status=0
        shift 3
        "$@" >"$log" 2>&1 || status=$?
        if [ "$status" -eq "$want_status" ] && grep -qF -- "$want_text" "$log"; then
            echo "ok - $what" >>"$cases"
        else
            echo "not ok - $what (exit $status, expected $want_status)" >>"$cases"
            cat "$log" >>"$cases"
        fi
    }
    local vp=("$@" "$bin/verify_part") bc=("$@" "$bin/boot_check")
    expect "verify_part: the stolen screen is blocked" 3 "BLOCKED: stolen" \
        "${vp[@]}" "${common[@]}" --blocklist "$fx/blocklist.pcbl" --state "$state" \
        --part "$fx/stolen-screen.pcrt"
    expect "verify_part: --json prints the verdict's shared JSON" 3 '"blocklist":{"state":"blocked"' \
        "${vp[@]}" "${common[@]}" --blocklist "$fx/blocklist.pcbl" --state "$state" \
        --part "$fx/stolen-screen.pcrt" --json
    expect "verify_part: the donor screen is genuine, used, clean" 0 \
        "genuine (serial-only), used, clean" \
        "${vp[@]}" "${common[@]}" --blocklist "$fx/blocklist.pcbl" --state "$state" \
        --part "$fx/donor-screen.pcrt" --pairing "$fx/donor-pairing.pcpr"
    expect "verify_part: the stolen screen with the donor's record stays blocked, the refusal shown" 3 \
        "pairing:    record refused: error 306 (PartNotInPairingRecord)" \
        "${vp[@]}" "${common[@]}" --blocklist "$fx/blocklist.pcbl" \
        --part "$fx/stolen-screen.pcrt" --pairing "$fx/donor-pairing.pcpr"
    expect "verify_part: the stolen handset's keyed battery is listed by its key too" 3 \
        "the part's key (from handset 356938035643809)" \
        "${vp[@]}" "${common[@]}" --blocklist "$fx/blocklist.pcbl" --part "$fx/battery.pcrt"
    expect "verify_part: an older blocklist is refused after a restart, saying why" 1 \
        "error 400 (Rollback): rollback refused: epoch 1 sequence 1" \
        "${vp[@]}" "${common[@]}" --blocklist "$fx/blocklist-old.pcbl" --state "$state" \
        --part "$fx/donor-screen.pcrt"
    expect "verify_part: a list withheld after a restart reads stale (missing)" 4 \
        "UK National Register: missing" \
        "${vp[@]}" "${common[@]}" --state "$state" --part "$fx/donor-screen.pcrt"
    expect "verify_part: a listed board whose modem reports another IMEI stays blocked" 3 \
        "modem IMEI: 490154203237518 is not signed into this board" \
        "${vp[@]}" "${common[@]}" --blocklist "$fx/blocklist.pcbl" \
        --part "$fx/stolen-board.pcrt" --imei 490154203237518
    expect "verify_part: each list the shop follows is shown with its standing" 0 \
        '"UK National Register" epoch 1 sequence 2: current' \
        "${vp[@]}" "${common[@]}" --blocklist "$fx/blocklist.pcbl" --state "$state" \
        --part "$fx/donor-screen.pcrt" --pairing "$fx/donor-pairing.pcpr"
    expect "verify_part: the keyed battery proves its key" 0 "genuine (key-proven)" \
        "${vp[@]}" "${common[@]}" --part "$fx/battery.pcrt" \
        --challenge "$fx/battery.challenge" --response "$fx/battery.response"
    { echo "partcert challenge v1"; echo "# written by partcert challenge new"; cat "$fx/battery.challenge"; } \
        >"$fx/battery-cli.challenge"
    expect "verify_part: reads a challenge file as the partcert tool writes it" 0 \
        "genuine (key-proven)" \
        "${vp[@]}" "${common[@]}" --part "$fx/battery.pcrt" \
        --challenge "$fx/battery-cli.challenge" --response "$fx/battery.response"
    expect "verify_part: a challenge answer for a part without a key is refused" 1 \
        "error 204 (NoPartKey): a challenge response was given, but the part's certificate names no key" \
        "${vp[@]}" "${common[@]}" --part "$fx/donor-screen.pcrt" \
        --challenge "$fx/battery.challenge" --response "$fx/battery.response"
    expect "verify_part: a counterfeit chain is untrusted" 1 \
        "error 201 (UnknownIssuer): unknown issuer" \
        "${vp[@]}" --root "$fx/acme-root.pcrt" --chain "$fx/counterfeit-line.pcrt" \
        --part "$fx/counterfeit-screen.pcrt" --now 1701900000
    expect "verify_part: usage without arguments" 2 "usage" "${vp[@]}"
    expect "boot_check: the donor as built is all original and clean" 0 \
        "all original and clean" \
        "${bc[@]}" "${boot[@]}" "$fx/donor-board.pcrt" "$fx/donor-screen.pcrt"
    expect "boot_check: a stolen screen fitted is replaced and blocked" 1 \
        "BLOCKED: stolen (replaced: not in this handset's record)" \
        "${bc[@]}" "${boot[@]}" "$fx/donor-board.pcrt" "$fx/stolen-screen.pcrt"
    expect "boot_check: a modem with another IMEI is refused, naming it" 1 \
        "boot check: IMEI mismatch: 350000000000006 is not signed into this pairing record" \
        "${bc[@]}" "${boot[@]:0:5}" 350000000000006 1701900000 "$fx/donor-board.pcrt"
    expect "boot_check: usage without arguments" 2 "usage" "${bc[@]}"
    run_program "examples [$mode]" cat "$cases"
}

step "compile and run under AddressSanitizer + UBSan (static library)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for source in "${programs[@]}"; do
    name="$(basename "$source" .c)"
    # shellcheck disable=SC2086,SC2046 # lists of linker flags
    gcc "${cflags[@]}" "${sanitize[@]}" "$source" -o "$work/asan/$name" "$lib_a" $native_libs \
        $(extra_libs "$source")
done
for source in "${tests[@]}"; do
    name="$(basename "$source" .c)"
    if [ "$name" = test_threads ]; then
        # A small quarantine, so that memory freed by one update is reused
        # by the next and resident memory measures what the library keeps.
        ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=1:thread_local_quarantine_size_kb=64" \
            PARTCERT_RSS_LIMIT_KB=8192 run_program "$name [asan]" "$work/asan/$name"
    else
        run_program "$name [asan]" "$work/asan/$name" "$work/fixtures"
    fi
done
run_examples asan "$work/asan"
PARTCERT_C_FIXTURES="$work/fixtures" \
    run_program "repository examples, served by nginx [asan]" bash examples/c/run.sh "$work/asan"

step "the threaded updater under ThreadSanitizer (no suppressions) and unsanitized"
# TSan instruments the C program, not the library; the library finds TSan's
# __tsan_acquire/__tsan_release in the process and tells it of its own
# synchronisation (the holders' swaps and loads, the trust store's cache,
# shared values dropped last: partcert::race). So this correct program runs
# with no suppressions file, linked shared and linked static, and any
# report fails it; without those hints it got about 40 false reports. A
# race in the caller's own code must still be reported: race_in_caller.c
# has one, and TSan must name it.
gcc "${cflags[@]}" -fsanitize=thread ffi/tests/c/test_threads.c -o "$work/tsan/test_threads" \
    -L "$work/lib" -lpartcert -Wl,-rpath,"$work/lib"
TSAN_OPTIONS="halt_on_error=1" PARTCERT_RSS_LIMIT_KB=8192 \
    run_program "test_threads [tsan, shared library]" "$work/tsan/test_threads"
gcc "${cflags[@]}" -fsanitize=thread ffi/tests/c/test_threads.c -o "$work/tsan/test_threads_static" \
    "$lib_a" $native_libs
TSAN_OPTIONS="halt_on_error=1" PARTCERT_RSS_LIMIT_KB=8192 \
    run_program "test_threads [tsan, static library]" "$work/tsan/test_threads_static"
gcc "${cflags[@]}" -fsanitize=thread ffi/tests/c/race_in_caller.c -o "$work/tsan/race_in_caller" \
    -L "$work/lib" -lpartcert -Wl,-rpath,"$work/lib"
race_log="$work/race_in_caller.log"
if TSAN_OPTIONS="halt_on_error=1" "$work/tsan/race_in_caller" >"$race_log" 2>&1; then
    failed=$((failed + 1))
    echo "FAIL race_in_caller [tsan]: the caller's own race was not reported"
    sed 's/^/    /' "$race_log"
elif grep -q 'WARNING: ThreadSanitizer: data race' "$race_log" &&
    grep -q 'till .*race_in_caller.c' "$race_log"; then
    passed=$((passed + 1))
    echo "ok   race_in_caller [tsan]: the caller's own race is reported"
else
    failed=$((failed + 1))
    echo "FAIL race_in_caller [tsan]: expected a data race report in till()"
    sed 's/^/    /' "$race_log"
fi
gcc "${cflags[@]}" -O1 ffi/tests/c/test_threads.c -o "$work/plain/test_threads" \
    -L "$work/lib" -lpartcert -Wl,-rpath,"$work/lib"
PARTCERT_RSS_LIMIT_KB=1024 run_program "test_threads [unsanitized]" "$work/plain/test_threads"

step "compile and run under valgrind memcheck (shared library, by its soname)"
unset ASAN_OPTIONS UBSAN_OPTIONS
valgrind=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --track-origins=yes)
for source in "${programs[@]}"; do
    name="$(basename "$source" .c)"
    # shellcheck disable=SC2046 # a list of linker flags
    gcc "${cflags[@]}" "$source" -o "$work/valgrind/$name" -L "$work/lib" -lpartcert \
        -Wl,-rpath,"$work/lib" $(extra_libs "$source")
done
readelf -d "$work/valgrind/test_story" | grep -q "Shared library: \[libpartcert.so.$major\]" ||
    die "a program linked with -lpartcert does not need libpartcert.so.$major"
for source in "${tests[@]}"; do
    name="$(basename "$source" .c)"
    if [ "$name" = test_threads ]; then
        PARTCERT_RSS_LIMIT_KB=0 run_program "$name [valgrind]" "${valgrind[@]}" "$work/valgrind/$name"
    else
        run_program "$name [valgrind]" "${valgrind[@]}" "$work/valgrind/$name" "$work/fixtures"
    fi
done
run_examples valgrind "$work/valgrind" "${valgrind[@]}"
PARTCERT_C_FIXTURES="$work/fixtures" run_program "repository examples, served by nginx [valgrind]" \
    bash examples/c/run.sh "$work/valgrind" "${valgrind[@]}"

step "install: ffi/install.sh, then build the examples with pkg-config alone"
install_cases="$work/install.cases"
: >"$install_cases"
record() { # record WHAT COMMAND...: one case, passing when COMMAND succeeds
    local what="$1"
    shift
    if "$@" >>"$work/install.log" 2>&1; then
        echo "ok - $what" >>"$install_cases"
    else
        echo "not ok - $what" >>"$install_cases"
        tail -n 20 "$work/install.log" >>"$install_cases"
    fi
}
example_args=(--root "$work/fixtures/acme-root.pcrt" --blocklist-root "$work/fixtures/register-root.pcrt"
    --blocklist "$work/fixtures/blocklist.pcbl" --chain "$work/fixtures/acme-line.pcrt"
    --now 1701900000 --part "$work/fixtures/stolen-screen.pcrt")
blocked() { # blocked PROGRAM: the stolen screen is reported blocked (exit 3)
    local status=0
    env -u LD_LIBRARY_PATH "$1" "${example_args[@]}" >"$work/install-run.log" 2>&1 || status=$?
    [ "$status" -eq 3 ] && grep -q 'BLOCKED: stolen' "$work/install-run.log"
}
# 1. A non-system prefix.
prefix="$work/prefix"
bash ffi/install.sh --debug --prefix "$prefix" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; die "ffi/install.sh failed"; }
record "the versioned library and its links are installed" \
    test -f "$prefix/lib/libpartcert.so.$version" -a -L "$prefix/lib/libpartcert.so.$major" \
    -a -L "$prefix/lib/libpartcert.so" -a -f "$prefix/lib/libpartcert.a" \
    -a -f "$prefix/include/partcert.h"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
record "partcert.pc carries no run-time search path (as cargo-c's)" \
    bash -c "! pkg-config --libs --static partcert | grep -q rpath && ! grep -q '^rpath=' '$prefix/lib/pkgconfig/partcert.pc'"
# shellcheck disable=SC2046 # pkg-config prints lists of flags
record "verify_part builds with pkg-config --cflags --libs, naming the libdir as its rpath" \
    gcc "${cflags[@]}" examples/c/verify_part.c $(pkg-config --cflags --libs partcert) \
    -Wl,-rpath,"$(pkg-config --variable=libdir partcert)" -o "$prefix/verify_part_shared"
record "... and runs without LD_LIBRARY_PATH" blocked "$prefix/verify_part_shared"
# shellcheck disable=SC2046
record "verify_part links statically" \
    gcc "${cflags[@]}" examples/c/verify_part.c $(pkg-config --cflags partcert) \
    "$(pkg-config --variable=libdir partcert)/libpartcert.a" \
    $(pkg-config --variable=native_static_libs partcert) -o "$prefix/verify_part_static"
record "... and runs" blocked "$prefix/verify_part_static"
record "the static build does not need libpartcert.so" \
    bash -c "! readelf -d '$prefix/verify_part_static' | grep -q 'libpartcert'"
record "Libs.private holds what a static link needs" \
    bash -c "pkg-config --static --libs partcert | grep -q -- '-lpthread'"
# 2. A package build: staged (DESTDIR) into PREFIX/lib64, a program built
# against the stage with the README's recipe (PKG_CONFIG_SYSROOT_DIR), the
# stage deleted, the package installed for real; the program must run.
final="$work/final-prefix"
stage="$work/destdir"
bash ffi/install.sh --debug --prefix "$final" --libdir lib64 DESTDIR="$stage" \
    >"$work/install.log" 2>&1 || { cat "$work/install.log"; die "ffi/install.sh with DESTDIR failed"; }
record "DESTDIR stages PREFIX/lib64 and PREFIX/include, nothing at PREFIX" \
    test -f "$stage$final/lib64/libpartcert.so.$version" -a -f "$stage$final/include/partcert.h" \
    -a ! -e "$final"
record "the staged partcert.pc names the final prefix" \
    grep -qx "prefix=$final" "$stage$final/lib64/pkgconfig/partcert.pc"
export PKG_CONFIG_PATH="$stage$final/lib64/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
# shellcheck disable=SC2046
record "boot_check builds against the staged tree with pkg-config (rpath: the final libdir)" \
    gcc "${cflags[@]}" examples/c/boot_check.c $(pkg-config --cflags --libs partcert) \
    -Wl,-rpath,"$final/lib64" -o "$work/boot_check_staged"
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_PATH
record "the staging folder is nowhere in the program (no RUNPATH into the stage)" \
    bash -c "! readelf -d '$work/boot_check_staged' | grep -F -q '$stage'"
rm -rf "$stage"
bash ffi/install.sh --debug --prefix "$final" --libdir lib64 >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; die "ffi/install.sh into the final prefix failed"; }
record "the stage is gone and the package is installed for real" \
    test ! -e "$stage" -a -f "$final/lib64/libpartcert.so.$version" \
    -a -L "$final/lib64/libpartcert.so.$major"
record "... and the program built against the stage runs, without LD_LIBRARY_PATH" \
    env -u LD_LIBRARY_PATH "$work/boot_check_staged" "$work/fixtures/acme-root.pcrt" \
    "$work/fixtures/register-root.pcrt" "$work/fixtures/acme-line.pcrt" \
    "$work/fixtures/blocklist.pcbl" "$work/fixtures/donor-pairing.pcpr" 490154203237518 \
    1701900000 "$work/fixtures/donor-board.pcrt" "$work/fixtures/donor-screen.pcrt"
run_program "install + pkg-config" cat "$install_cases"

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
