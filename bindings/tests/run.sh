#!/usr/bin/env bash
# Builds the Kotlin and Swift bindings of partcert and runs their tests and
# examples. Every step is a failure if it fails, a missing toolchain too.
#
#   bash bindings/tests/run.sh            # both languages
#   bash bindings/tests/run.sh --kotlin   # Kotlin only
#   bash bindings/tests/run.sh --swift    # Swift only
#
# 1. `cargo build -p partcert-uniffi --features cli` (debug profile, the
#    crypto optimised as for every test build): libpartcert_uniffi.so and
#    the uniffi-bindgen generator; `vector-facts` prints what the Rust core
#    reads from every golden vector in core/tests/vectors/, and writes the
#    foreign pairing records a thief forges to target/bindings/forged/
#    (both languages show them; Swift on Linux has no Ed25519 signer).
# 2. uniffi-bindgen generates Kotlin and Swift into target/bindings/gen/:
#    the bindings crate's part (org.partcert, Partcert.swift) and the
#    core's values (org.partcert.core, PartcertCore.swift), named by
#    bindings/uniffi.toml and bindings/uniffi-bindgen.toml.
# 3. Kotlin (bindings/tools/kotlin.sh): the generated code is compiled and
#    packed with the native library under JNA's resource path
#    (linux-x86-64/) into target/bindings/kotlin/partcert.jar, so
#    `java -cp partcert.jar:jna.jar:kotlin-stdlib.jar ...` needs no
#    -Djna.library.path (the hand-written suspending sync, bindings/kotlin/, is
#    compiled into it); then the tests in bindings/tests/kotlin/ and the
#    examples examples/kotlin/RepairShop.kt and SyncFromServer.kt are compiled
#    against it and run.
# 4. Swift (bindings/tools/swift.sh): the SwiftPM package
#    bindings/swift/Package.swift is laid out with the generated sources in
#    target/bindings/swift-package (with the hand-written async sync from
#    bindings/swift/Sources/); `swift build`, `swift test` (the tests in
#    bindings/swift/Tests/) and the examples in examples/swift/: BootCheck and
#    SyncFromServer.
# The two sync examples fetch from nginx on 127.0.0.1 (scripts/serve.sh,
# installed when missing), serving target/bindings/served/, stopped on exit.
# Each language's tests end with "N passed, 0 failed".
set -euo pipefail

kotlin=yes
swift=yes
case ${1:-} in
    "") ;;
    --kotlin) swift=no ;;
    --swift) kotlin=no ;;
    *) echo "usage: bash bindings/tests/run.sh [--kotlin | --swift]" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=$root/target/bindings
mkdir -p "$out"
log() { printf '\n== bindings: %s\n' "$*"; }

# Copies $1 to $2 only when it differs, so incremental builds stay warm.
install_if_changed() {
    mkdir -p "$(dirname "$2")"
    cmp -s "$1" "$2" || cp "$1" "$2"
}

# Succeeds when the stamp $1 holds the hash of the files after it.
fresh() {
    local stamp=$1
    shift
    [[ -f $stamp ]] && [[ "$(cat "$@" | sha256sum)" == "$(cat "$stamp")" ]]
}
stamp() {
    local stamp=$1
    shift
    cat "$@" | sha256sum >"$stamp"
}

log "shellcheck: the packaging scripts this machine cannot run (no NDK, no Xcode)"
if ! command -v shellcheck >/dev/null; then
    apt-get install -y -qq shellcheck >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null && apt-get install -y -qq shellcheck >/dev/null; }
fi
shellcheck bindings/android.sh bindings/apple.sh bindings/tools/*.sh bindings/tests/run.sh
echo "shellcheck: android.sh, apple.sh, tools/*.sh, tests/run.sh clean"

log "toolchains"
if [[ $kotlin == yes ]]; then
    kotlin_env=$(bash bindings/tools/kotlin.sh)
    eval "$kotlin_env"
fi
if [[ $swift == yes ]]; then
    swift_env=$(bash bindings/tools/swift.sh)
    eval "$swift_env"
    [[ -n ${SWIFT:-} ]] || { echo "bindings: no swift driver for SwiftPM" >&2; exit 1; }
fi

log "cargo build -p partcert-uniffi --features cli"
cargo build -p partcert-uniffi --features cli --bins --lib --example vector-facts
libdir=$root/target/debug
lib=$libdir/libpartcert_uniffi.so
rm -rf "$out/forged"
"$root/target/debug/examples/vector-facts" core/tests/vectors "$out/forged" >"$out/vector-facts.txt"
echo "vector-facts: $(wc -l <"$out/vector-facts.txt") facts from core/tests/vectors; forged records in $out/forged"

log "uniffi-bindgen generate (Kotlin, Swift)"
rm -rf "$out/gen.new"
for language in kotlin swift; do
    "$root/target/debug/uniffi-bindgen" generate --library "$lib" --language "$language" \
        --config bindings/uniffi-bindgen.toml --out-dir "$out/gen.new/$language" --no-format
done
rm -rf "$out/gen" && mv "$out/gen.new" "$out/gen"
gen=$out/gen

run_kotlin() {
    local kt_gen=("$gen/kotlin/org/partcert/partcert_uniffi.kt" "$gen/kotlin/org/partcert/core/partcert.kt")
    # Hand-written Kotlin shipped beside the generated code (the suspending sync).
    local kt_shipped=(bindings/kotlin/org/partcert/*.kt)
    log "Kotlin: partcert.jar"
    local kdir=$out/kotlin
    mkdir -p "$kdir"
    if ! fresh "$kdir/classes.stamp" "${kt_gen[@]}" "${kt_shipped[@]}"; then
        rm -rf "$kdir/classes"
        "$KOTLINC" -nowarn -cp "$JNA_JAR" "${kt_gen[@]}" "${kt_shipped[@]}" -d "$kdir/classes"
        stamp "$kdir/classes.stamp" "${kt_gen[@]}" "${kt_shipped[@]}"
    fi
    rm -rf "$kdir/jar" && mkdir -p "$kdir/jar/linux-x86-64"
    cp -r "$kdir/classes/." "$kdir/jar/"
    # Debug information stripped: the jar carries only what runs.
    strip --strip-debug -o "$kdir/jar/linux-x86-64/libpartcert_uniffi.so" "$lib"
    rm -f "$kdir/partcert.jar"
    (cd "$kdir/jar" && jar cf "$kdir/partcert.jar" .)
    echo "partcert.jar: $(du -h "$kdir/partcert.jar" | cut -f1), $(unzip -l "$kdir/partcert.jar" | grep -c 'linux-x86-64/libpartcert_uniffi.so') native library"
    local cp=$kdir/partcert.jar:$JNA_JAR:$KOTLIN_STDLIB:$KOTLINX_COROUTINES

    compile_kotlin() { # jar source...
        local jar=$1
        shift
        if ! fresh "$jar.stamp" "$@" "${kt_gen[@]}" "${kt_shipped[@]}"; then
            "$KOTLINC" -nowarn -cp "$kdir/partcert.jar:$JNA_JAR:$KOTLINX_COROUTINES" "$@" -d "$jar"
            stamp "$jar.stamp" "$@" "${kt_gen[@]}" "${kt_shipped[@]}"
        fi
    }

    log "Kotlin: tests (no -Djna.library.path: the library comes from partcert.jar)"
    compile_kotlin "$kdir/tests.jar" bindings/tests/kotlin/*.kt
    # A small fixed heap, so the resident-memory check measures leaks, not heap growth.
    "$JAVA" -Xms64m -Xmx64m -cp "$kdir/tests.jar:$cp" PartcertTestsKt core/tests/vectors "$out/vector-facts.txt" "$out/forged"

    log "Kotlin: examples/kotlin (a repair shop)"
    compile_kotlin "$kdir/repair-shop.jar" examples/kotlin/RepairShop.kt
    "$JAVA" -cp "$kdir/repair-shop.jar:$cp" RepairShopKt

    log "Kotlin: examples/kotlin (a shop's device syncing from nginx with java.net.http)"
    compile_kotlin "$kdir/sync-from-server.jar" examples/kotlin/SyncFromServer.kt
    fresh_folders "$served/kotlin" "$out/state/kotlin"
    "$JAVA" -cp "$kdir/sync-from-server.jar:$cp" SyncFromServerKt "$base_url/kotlin" "$served/kotlin" "$out/state/kotlin"
}

run_swift() {
    log "Swift: SwiftPM package in target/bindings/swift-package"
    local pkg=$out/swift-package
    install_if_changed bindings/swift/Package.swift "$pkg/Package.swift"
    # Both generated Swift files make the one `Partcert` module; both C
    # headers the one `PartcertFFI` module they import.
    for name in Partcert PartcertCore; do
        install_if_changed "$gen/swift/$name.swift" "$pkg/Sources/Partcert/$name.swift"
        install_if_changed "$gen/swift/${name}FFI.h" "$pkg/Sources/PartcertFFI/${name}FFI.h"
    done
    cat >"$out/module.modulemap" <<'MAP'
module PartcertFFI {
    header "PartcertFFI.h"
    header "PartcertCoreFFI.h"
    link "partcert_uniffi"
    export *
}
MAP
    install_if_changed "$out/module.modulemap" "$pkg/Sources/PartcertFFI/module.modulemap"
    # Hand-written Swift shipped beside the generated code (the async sync).
    for source in bindings/swift/Sources/Partcert/*.swift; do
        install_if_changed "$source" "$pkg/Sources/Partcert/$(basename "$source")"
    done
    for source in bindings/swift/Tests/PartcertTests/*.swift; do
        install_if_changed "$source" "$pkg/Tests/PartcertTests/$(basename "$source")"
    done
    install_if_changed examples/swift/BootCheck.swift "$pkg/Examples/BootCheck/main.swift"
    install_if_changed examples/swift/SyncFromServer.swift "$pkg/Examples/SyncFromServer/main.swift"

    export LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    (cd "$pkg" && "$SWIFT" build -Xlinker -L"$libdir")

    log "Swift: swift test"
    (cd "$pkg" && PARTCERT_VECTORS=$root/core/tests/vectors PARTCERT_FACTS=$out/vector-facts.txt PARTCERT_FORGED=$out/forged \
        "$SWIFT" test -Xlinker -L"$libdir" 2>&1) | tee "$out/swift-test.log"
    grep -q '^[0-9]* passed, 0 failed$' "$out/swift-test.log" || { echo "bindings: Swift tests failed" >&2; exit 1; }

    log "Swift: examples/swift (an app checking its own parts at launch)"
    # shellcheck disable=SC2086 # SWIFT_RUN_PREFIX is empty or one path
    $SWIFT_RUN_PREFIX "$pkg/.build/debug/BootCheck"

    log "Swift: examples/swift (a phone syncing from nginx with URLSession)"
    fresh_folders "$served/swift" "$out/state/swift"
    # shellcheck disable=SC2086 # SWIFT_RUN_PREFIX is empty or one path
    $SWIFT_RUN_PREFIX "$pkg/.build/debug/SyncFromServer" "$base_url/swift" "$served/swift" "$out/state/swift"
}

# The sync examples' repositories: each example plays the register, writing into its own
# folder under $served, which one nginx on 127.0.0.1 serves (scripts/serve.sh) until this
# script exits.
fresh_folders() {
    rm -rf "$@" && mkdir -p "$@"
}
served=$out/served
serve_run=$out/serve
fresh_folders "$served"
trap 'bash scripts/serve.sh stop "$serve_run"' EXIT
base_url=$(bash scripts/serve.sh start "$served" "$serve_run")
echo "nginx serving $served at $base_url"

[[ $kotlin == yes ]] && run_kotlin
[[ $swift == yes ]] && run_swift
log "all $([[ $kotlin == yes ]] && echo Kotlin)$([[ $kotlin$swift == yesyes ]] && echo ' and ')$([[ $swift == yes ]] && echo Swift) binding tests passed"
