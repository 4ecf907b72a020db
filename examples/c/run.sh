#!/usr/bin/env bash
# The C repository examples, played against a real web server: a register
# written in C (make_repository.c) publishes a repository of static files,
# nginx serves it on 127.0.0.1 (scripts/serve.sh, stopped on exit), and a
# device (sync_device.c, with libcurl) keeps its list current from it —
# and from mirrors that replay an old head, serve another day's file or
# one cut short, or freeze. Then the register also publishes its list as
# shards (make_repository --shards), and a phone that never held the list
# runs its boot self-check against the few shards its keys lie in
# (boot_check_shards.c): Bob's handset clean, Bob's with Alice's harvested
# screen fitted BLOCKED, and mirrors serving altered or cut shards, or no
# shards at all, refused. The handsets are the C tests' world
# (ffi/tests/c/test_story.c writes their certificates and records).
# libcurl's headers (Debian's libcurl4-openssl-dev) are installed when
# missing.
#
#   bash examples/c/run.sh                  # build the examples, then run
#   bash examples/c/run.sh BIN [WRAPPER...] # run BIN/make_repository,
#                                           # BIN/sync_device and
#                                           # BIN/boot_check_shards, each under
#                                           # WRAPPER (ffi/tests/run.sh: ASan
#                                           # builds, and valgrind), with the
#                                           # handsets in $PARTCERT_C_FIXTURES
#
# One line a case, "ok - ..." or "not ok - ..."; exit 1 if any failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

install_packages() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}
command -v gcc >/dev/null || install_packages gcc libc6-dev
command -v pkg-config >/dev/null || install_packages pkg-config
pkg-config --exists libcurl || install_packages libcurl4-openssl-dev

work="$(mktemp -d)"
chmod 755 "$work" # nginx's worker reads what it serves as another user
served="$work/served"
cleanup() {
    bash scripts/serve.sh stop "$work/nginx" || true
    rm -rf "$work"
}
trap cleanup EXIT

if [ $# -ge 1 ]; then
    bin="$1"
    shift
else
    # Built here against the workspace's library, loaded by its soname.
    cargo build -p partcert-ffi --locked -q
    target="$(cargo metadata --format-version 1 --no-deps |
        sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
    version="$(tr -d '[:space:]' <ffi/VERSION)"
    bin="$target/c-examples"
    mkdir -p "$bin/lib"
    cp "$target/debug/libpartcert_ffi.so" "$bin/lib/libpartcert.so.$version"
    ln -sf "libpartcert.so.$version" "$bin/lib/libpartcert.so.${version%%.*}"
    ln -sf "libpartcert.so.${version%%.*}" "$bin/lib/libpartcert.so"
    for program in make_repository sync_device boot_check_shards; do
        # shellcheck disable=SC2046 # pkg-config prints a list of flags
        gcc -std=c11 -Wall -Wextra -Werror -Wpedantic -g -I ffi/include "examples/c/$program.c" \
            -o "$bin/$program" -L "$bin/lib" -lpartcert -Wl,-rpath,"$bin/lib" \
            $(pkg-config --cflags --libs libcurl)
    done
    # The handsets: the C tests' world, written by its story test.
    gcc -std=c11 -Wall -Wextra -Werror -Wpedantic -g -I ffi/include -I ffi/tests/c \
        ffi/tests/c/test_story.c -o "$bin/test_story" -L "$bin/lib" -lpartcert -Wl,-rpath,"$bin/lib"
    mkdir -p "$work/fixtures"
    "$bin/test_story" "$work/fixtures" >"$work/fixtures.log" 2>&1 ||
        { cat "$work/fixtures.log"; exit 1; }
    PARTCERT_C_FIXTURES="$work/fixtures"
fi
fx="${PARTCERT_C_FIXTURES:?set PARTCERT_C_FIXTURES to the folder test_story.c wrote, with BIN}"
make_repository=("$@" "$bin/make_repository")
sync_device=("$@" "$bin/sync_device")
boot_check_shards=("$@" "$bin/boot_check_shards")

failed=0
# expect WHAT STATUS TEXT COMMAND...: one case, passing when COMMAND exits
# with STATUS and its output holds TEXT.
expect() {
    local what="$1" want_status="$2" want_text="$3" status=0
    shift 3
    "$@" >"$work/out.log" 2>&1 || status=$?
    if [ "$status" -eq "$want_status" ] && grep -qF -- "$want_text" "$work/out.log"; then
        echo "ok - $what"
    else
        echo "not ok - $what (exit $status, expected $want_status and \"$want_text\")"
        sed 's/^/    /' "$work/out.log"
        failed=1
    fi
}
# same WHAT FILE SUM: a case passing when FILE's checksum is still SUM.
sum() { sha256sum <"$1" 2>/dev/null || echo "no file $1"; }
same() {
    if [ "$(sum "$2")" = "$3" ]; then echo "ok - $1"; else echo "not ok - $1"; failed=1; fi
}
day() { echo $((1767225600 + $1 * 86400 + 3600)); } # an hour after day N's head
file_of() { sed -n "s/^day $2: \(lists\/[^ ]*\) .*/\1/p" "$1"; }

mkdir -p "$served"
register=("${make_repository[@]}" "$work/register-root.pcrt")
device=("$work/register-root.pcrt" "$work/device.state")
expect "a register in C publishes three days: a snapshot and two deltas under a signed head" 0 \
    "head.pchd: epoch 1 sequence 3, 3 files" "${register[@]}" "$served/repo" 3
url="$(bash scripts/serve.sh start "$served" "$work/nginx")"
expect "a new device fetches the snapshot and both deltas with libcurl, and is current" 0 \
    "epoch 1 sequence 3, current" "${sync_device[@]}" "$url/repo" "${device[@]}" "$(day 3)"
expect "the register publishes four more days (the head replaced last, atomically)" 0 \
    "head.pchd: epoch 1 sequence 7, 7 files" "${register[@]}" "$served/repo" 7
expect "four days later the device fetches only the four deltas it lacks" 0 \
    "expires 1767916800, files to fetch: 4" "${sync_device[@]}" "$url/repo" "${device[@]}" "$(day 7)"
state="$(sum "$work/device.state")"

# Mirrors gone wrong: day 3's head replayed; day 8 with another day's file
# under its name, cut short by a byte, or 100 kB too long.
"${register[@]}" "$served/old" 3 >/dev/null
"${register[@]}" "$served/next" 8 >"$work/next.log"
cp -r "$served/next" "$served/mixed"
cp -r "$served/next" "$served/cut"
cp -r "$served/next" "$served/long"
cp "$served/next/$(file_of "$work/next.log" 7)" "$served/mixed/$(file_of "$work/next.log" 8)"
truncate -s -1 "$served/cut/$(file_of "$work/next.log" 8)"
head -c 100000 /dev/zero >>"$served/long/$(file_of "$work/next.log" 8)"
expect "a mirror replaying day 3's head is refused (rollback)" 20 "error 400 (Rollback)" \
    "${sync_device[@]}" "$url/old" "${device[@]}" "$(day 8)"
expect "a mirror serving another day's file under day 8's name is refused before decoding" 20 \
    "error 206 (FileMismatch)" "${sync_device[@]}" "$url/mixed" "${device[@]}" "$(day 8)"
expect "a file cut short by a byte is refused by its size" 20 "its size differs" \
    "${sync_device[@]}" "$url/cut" "${device[@]}" "$(day 8)"
expect "an overlong file is read no further than the head's size, and refused" 20 \
    "its size differs" "${sync_device[@]}" "$url/long" "${device[@]}" "$(day 8)"
expect "a server that is not there is a network error" 1 "head.pchd" \
    "${sync_device[@]}" "http://127.0.0.1:9/repo" "${device[@]}" "$(day 8)"
same "... and after every refusal the saved state is the one it was" "$work/device.state" "$state"

expect "a frozen mirror: once day 7's head expires the list reads stale, never current" 11 \
    "stale: no fresh head from its repository since 1767830400" \
    "${sync_device[@]}" "$url/repo" "${device[@]}" "$(day 9)"
head_sum="$(sum "$served/repo/head.pchd")"
expect "an export cut short to nothing is refused at the register before it is signed" 1 \
    "error 407 (MassDelisting)" "${register[@]}" "$served/repo" 8 --empty-export
same "... and the head served is the one it was" "$served/repo/head.pchd" "$head_sum"
"${register[@]}" "$served/repo" 9 >/dev/null
expect "the register's next days reach the device: current again" 0 "epoch 1 sequence 9, current" \
    "${sync_device[@]}" "$url/repo" "${device[@]}" "$(day 9)"

# Shards: the register publishes three days, handset A (Alice's, stolen)
# reported on day 1 with its record, and its newest list cut into 256
# shards. A phone that never held the list checks itself against them.
expect "the register publishes its list as shards beside it, the head naming them" 0 \
    "shards: 256 of the newest list" \
    "${register[@]}" "$served/sharded" 3 --shards --report "$fx/stolen-pairing.pcpr"
phone=("$fx/acme-root.pcrt" "$work/register-root.pcrt" "$fx/acme-line.pcrt"
    "$fx/donor-pairing.pcpr" 490154203237518 "$(day 3)")
expect "Bob's phone, as built, fetches only its own keys' shards and is clean" 0 \
    "OK — every part is this handset's own, and nothing is reported stolen or lost" \
    "${boot_check_shards[@]}" "$url/sharded" "${phone[@]}" "$fx/donor-board.pcrt" \
    "$fx/donor-screen.pcrt"
expect "... with Alice's harvested screen fitted, it reads BLOCKED, never having held the list" 1 \
    "part 1: BLOCKED — Acme screen SCR-A is listed as stolen" \
    "${boot_check_shards[@]}" "$url/sharded" "${phone[@]}" "$fx/donor-board.pcrt" \
    "$fx/stolen-screen.pcrt"
cp -r "$served/sharded" "$served/altered-shards"
cp -r "$served/sharded" "$served/cut-shards"
for shard in "$served"/altered-shards/shards/*/*.pcsh; do
    size="$(stat -c %s "$shard")"
    dd if=/dev/zero of="$shard" bs=1 seek=$((size - 32)) count=32 conv=notrunc status=none
done
for shard in "$served"/cut-shards/shards/*/*.pcsh; do truncate -s -1 "$shard"; done
expect "a mirror serving shards whose proofs were altered is refused: nothing concluded" 20 \
    "error 206 (FileMismatch)" \
    "${boot_check_shards[@]}" "$url/altered-shards" "${phone[@]}" "$fx/donor-board.pcrt" \
    "$fx/stolen-screen.pcrt"
expect "a mirror serving shards cut short by a byte is refused" 20 "error 100 (Truncated)" \
    "${boot_check_shards[@]}" "$url/cut-shards" "${phone[@]}" "$fx/donor-board.pcrt" \
    "$fx/donor-screen.pcrt"
expect "a repository that serves no shards is refused by name (sync the whole list instead)" 20 \
    "error 111 (InvalidField)" \
    "${boot_check_shards[@]}" "$url/repo" "${phone[@]}" "$fx/donor-board.pcrt" \
    "$fx/donor-screen.pcrt"
exit "$failed"
