#!/usr/bin/env bash
# Builds the Kotlin and Swift bindings of partcert and runs their tests and
# examples. Every step is a failure if it fails, a missing toolchain too.
#
#   bash bindings/tests/run.sh            # both languages
#   bash bindings/tests/run.sh --kotlin   # Kotlin only
#   bash bindings/tests/run.sh --swift    # Swift only
#
# 0. shellcheck over the scripts (android.sh and apple.sh cannot run here), and
#    the non-root mode: a tool script run as a user who may not install names
#    what is missing and the apt-get command, and installs nothing.
# 1. `cargo build -p partcert-uniffi --features cli` (debug profile, the
#    crypto optimised as for every test build): libpartcert_uniffi.so and
#    the uniffi-bindgen generator; `vector-facts` prints what the Rust core
#    reads from every golden vector in core/tests/vectors/, and writes the
#    foreign pairing records a thief forges to target/bindings/forged/
#    (both languages show them; Swift on Linux has no Ed25519 signer). And
#    the CLI, whose `partcert demo --keep` writes the README's screens.
# 2. bindings/package.sh (--kotlin or --swift with this script's): the
#    release artifacts into target/bindings/dist (the Maven folder with the
#    versioned jar, sources jar and POM) and the SwiftPM package
#    bindings/swift/Partcert; checked: the shipped library has no debug
#    information and fits in 2.5 MB, the jar holds it, the keep rules and POM.
# 3. Kotlin (bindings/tools/kotlin.sh): uniffi-bindgen generates the Kotlin
#    into target/bindings/gen/ from the debug library (the packages
#    org.partcert and org.partcert.core, named by bindings/uniffi.toml and
#    bindings/uniffi-bindgen.toml); it is compiled and packed with the debug
#    library under JNA's resource path (linux-x86-64/) into
#    target/bindings/kotlin/partcert.jar, so `java -cp
#    partcert.jar:jna.jar:kotlin-stdlib.jar ...` needs no -Djna.library.path
#    (the hand-written suspending sync, bindings/kotlin/, is compiled into it);
#    then the tests in bindings/tests/kotlin/ and the examples
#    examples/kotlin/RepairShop.kt, RepairApp.kt (through shards) and
#    SyncFromServer.kt are compiled against
#    it and run. Then the app of docs/kotlin.md is built fresh, from the
#    guide's code and steps, against the Maven folder only, and run on the
#    demo's files; and the same verification is timed with the release jar
#    and the debug one (bindings/tests/bench/VerifyLoop.kt; printed only).
# 4. Swift (bindings/tools/swift.sh): the harness package
#    bindings/swift/Package.swift, laid out in target/bindings/swift-package,
#    depends on bindings/swift/Partcert (the release library); `swift
#    build`, `swift test` (the tests in bindings/swift/Tests/) and the
#    examples in examples/swift/: BootCheck, RepairApp (through shards) and
#    SyncFromServer, none with
#    linker flags or LD_LIBRARY_PATH. Then the package of docs/swift.md is
#    built fresh from the guide's Package.swift, code and steps, and run.
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

# shellcheck source=bindings/tools/system-packages.sh
source bindings/tools/system-packages.sh

log "shellcheck: the packaging scripts (android.sh and apple.sh: this machine has no NDK, no Xcode)"
command -v shellcheck >/dev/null || system_install shellcheck shellcheck
shellcheck -x bindings/android.sh bindings/apple.sh bindings/package.sh bindings/tools/*.sh bindings/tests/run.sh
echo "shellcheck: android.sh, apple.sh, package.sh, tools/*.sh, tests/run.sh clean"

log "non-root mode: a missing tool is named, not installed"
# kotlin.sh with no java on PATH, as a user who may not install it: it must
# fail, naming the package and the command, and install nothing.
no_java=$out/no-java-path
rm -rf "$no_java" && mkdir -p "$no_java"
for tool in dirname mkdir id; do ln -s "$(command -v "$tool")" "$no_java/$tool"; done
if PATH=$no_java PARTCERT_NO_INSTALL=1 "$BASH" bindings/tools/kotlin.sh >/dev/null 2>"$out/no-java.err"; then
    echo "bindings: kotlin.sh succeeded without java" >&2; exit 1
fi
grep -q 'missing: java (a JDK). Install it (as root: apt-get install -y default-jdk-headless)' "$out/no-java.err" ||
    { echo "bindings: kotlin.sh did not name what is missing:" >&2; cat "$out/no-java.err" >&2; exit 1; }
echo "kotlin.sh without java, PARTCERT_NO_INSTALL=1: $(cat "$out/no-java.err")"

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

log "cargo build -p partcert-uniffi --features cli (and the CLI, for the README's demo files)"
cargo build -p partcert-uniffi --features cli --bins --lib --example vector-facts
cargo build -p partcert-cli --bin partcert
libdir=$root/target/debug
lib=$libdir/libpartcert_uniffi.so
rm -rf "$out/forged"
"$root/target/debug/examples/vector-facts" core/tests/vectors "$out/forged" >"$out/vector-facts.txt"
echo "vector-facts: $(wc -l <"$out/vector-facts.txt") facts from core/tests/vectors; forged records in $out/forged"

log "uniffi-bindgen generate (Kotlin, from the debug library)"
rm -rf "$out/gen.new"
"$root/target/debug/uniffi-bindgen" generate --library "$lib" --language kotlin \
    --config bindings/uniffi-bindgen.toml --out-dir "$out/gen.new/kotlin" --no-format
rm -rf "$out/gen" && mv "$out/gen.new" "$out/gen"
gen=$out/gen

log "bindings/package.sh: the release artifacts an app developer uses"
package_only=()
[[ $swift == no ]] && package_only=(--kotlin)
[[ $kotlin == no ]] && package_only=(--swift)
dist=$out/dist
bash bindings/package.sh "${package_only[@]}" "$dist"
# The library shipped is the release build with no debug information and no
# symbol table, within its size budget for linux-x86-64.
shipped=$dist/libpartcert_uniffi.so
# (Each listing is read whole before it is searched: `grep -q` on a pipe may
# stop its writer early, and pipefail would report that.)
sections=$(readelf -S "$shipped")
if grep -q -E '\.debug_|\.symtab' <<<"$sections"; then
    echo "bindings: $shipped has debug information or a symbol table" >&2; exit 1
fi
size_budget=2500000
(($(stat -c %s "$shipped") <= size_budget)) ||
    { echo "bindings: $shipped is $(stat -c %s "$shipped") bytes, over $size_budget" >&2; exit 1; }
if [[ $kotlin == yes ]]; then
    # The Maven folder: the jar carries that library, the keep rules and the POM
    # of its coordinates; the sources jar the Kotlin; the checksums match.
    release_jar=$(find "$dist/maven" -name 'partcert-*[0-9].jar')
    pom=${release_jar%.jar}.pom
    unzip -p "$release_jar" linux-x86-64/libpartcert_uniffi.so | cmp - "$shipped"
    grep -q -- '-keep class org.partcert.\*\* { \*; }' <<<"$(unzip -p "$release_jar" META-INF/proguard/partcert.pro)"
    unzip -p "$release_jar" META-INF/maven/org.partcert/partcert/pom.xml | cmp - "$pom"
    grep -q '<groupId>org.partcert</groupId>' "$pom" && grep -q '<artifactId>partcert</artifactId>' "$pom"
    grep -q 'org/partcert/core/partcert.kt' <<<"$(unzip -l "${release_jar%.jar}-sources.jar")"
    for file in "$release_jar" "${release_jar%.jar}-sources.jar" "$pom"; do
        [[ $(sha1sum "$file" | cut -d' ' -f1) == "$(cat "$file.sha1")" ]] || { echo "bindings: $file.sha1 is wrong" >&2; exit 1; }
    done
    echo "$(basename "$release_jar"): $(stat -c %s "$release_jar") bytes, with the release library, keep rules and POM; sources jar; checksums"
fi
echo "release library: $(stat -c %s "$shipped") bytes stripped (budget $size_budget); debug library: $(stat -c %s "$lib") bytes, $(strip --strip-debug -o "$out/debug-stripped.so" "$lib" && stat -c %s "$out/debug-stripped.so") without debug information"

# The README's screens: the files `partcert demo --keep` writes (the London
# story), which the fresh apps built from docs/kotlin.md and docs/swift.md read.
demo=$out/demo
rm -rf "$demo"
"$root/target/debug/partcert" demo --keep "$demo" >"$out/demo.log"
echo "partcert demo --keep: $(find "$demo" -type f | wc -l) files in $demo"

# Prints the code blocks of the Markdown file $1 whose info string is exactly $2, in order.
doc_block() {
    awk -v tag="$2" '$0 == "```" tag { on = 1; next } on && /^```$/ { on = 0; next } on' "$1"
}
# Checks that the output file $2 ends with the lines of the `text` block of the guide $1.
expect_doc_output() {
    doc_block "$1" text >"$2.expected"
    [[ -s $2.expected ]] || { echo "bindings: $1 shows no output" >&2; exit 1; }
    if ! tail -n "$(wc -l <"$2.expected")" "$2" | diff -u "$2.expected" -; then
        echo "bindings: the app built from $1 does not print what the guide shows (diff above)" >&2
        exit 1
    fi
    echo "the app built from $1 printed what the guide shows:"
    sed 's/^/  /' "$2.expected"
}

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

    log "Kotlin: examples/kotlin (a repair app checking parts through shards of a list it never holds)"
    compile_kotlin "$kdir/repair-app.jar" examples/kotlin/RepairApp.kt
    fresh_folders "$out/repair-app/kotlin"
    "$JAVA" -cp "$kdir/repair-app.jar:$cp" RepairAppKt "$out/repair-app/kotlin"

    log "Kotlin: examples/kotlin (a shop's device syncing from nginx with java.net.http)"
    compile_kotlin "$kdir/sync-from-server.jar" examples/kotlin/SyncFromServer.kt
    fresh_folders "$served/kotlin" "$out/state/kotlin"
    "$JAVA" -cp "$kdir/sync-from-server.jar:$cp" SyncFromServerKt "$base_url/kotlin" "$served/kotlin" "$out/state/kotlin"

    log "Kotlin: a fresh app from docs/kotlin.md, built against the Maven folder only"
    # The guide's Kotlin blocks are the app; its build-and-run block the steps,
    # run in a clean environment with only what the guide names.
    local app=$out/fresh/kotlin
    rm -rf "$app" && mkdir -p "$app"
    doc_block docs/kotlin.md kotlin >"$app/App.kt"
    doc_block docs/kotlin.md "sh build-and-run" >"$app/build-and-run.sh"
    cp -r "$demo" "$app/demo"
    (cd "$app" && env -i PATH="$(dirname "$JAVA"):/usr/bin:/bin" HOME="$app" DIST="$dist" \
        KOTLINC="$KOTLINC" KOTLIN_STDLIB="$KOTLIN_STDLIB" JNA_JAR="$JNA_JAR" bash -eu build-and-run.sh) >"$app/out.txt"
    expect_doc_output docs/kotlin.md "$app/out.txt"

    log "Kotlin: the release library against the debug one (the same verification, N times, each jar)"
    local release_jar
    release_jar=$(find "$dist/maven" -name 'partcert-*[0-9].jar')
    compile_kotlin "$kdir/verify-loop.jar" bindings/tests/bench/VerifyLoop.kt
    local n=2000 release_ns debug_ns
    release_ns=$("$JAVA" -cp "$kdir/verify-loop.jar:$release_jar:$JNA_JAR:$KOTLIN_STDLIB" VerifyLoopKt "$demo" "$n")
    debug_ns=$("$JAVA" -cp "$kdir/verify-loop.jar:$cp" VerifyLoopKt "$demo" "$n")
    printf 'verifying Bob'"'"'s screen %d times: release %d µs, debug %d µs each; debug/release %s\n' "$n" \
        $((release_ns / 1000)) $((debug_ns / 1000)) "$(awk -v d="$debug_ns" -v r="$release_ns" 'BEGIN { printf "%.1f", d / r }')" |
        tee "$out/release-vs-debug.txt"
}

run_swift() {
    log "Swift: the harness in target/bindings/swift-package, over bindings/swift/Partcert"
    # The tests and examples build against the package apps use (filled by
    # package.sh above: the release library), with no linker flags and no
    # LD_LIBRARY_PATH. Sources the harness no longer holds are removed.
    local pkg=$out/swift-package
    rm -rf "$pkg/Sources"
    install_if_changed bindings/swift/Package.swift "$pkg/Package.swift"
    for source in bindings/swift/Tests/PartcertTests/*.swift; do
        install_if_changed "$source" "$pkg/Tests/PartcertTests/$(basename "$source")"
    done
    install_if_changed examples/swift/BootCheck.swift "$pkg/Examples/BootCheck/main.swift"
    install_if_changed examples/swift/SyncFromServer.swift "$pkg/Examples/SyncFromServer/main.swift"
    install_if_changed examples/swift/RepairApp.swift "$pkg/Examples/RepairApp/main.swift"
    (cd "$pkg" && "$SWIFT" build)

    log "Swift: swift test"
    (cd "$pkg" && PARTCERT_VECTORS=$root/core/tests/vectors PARTCERT_FACTS=$out/vector-facts.txt PARTCERT_FORGED=$out/forged \
        "$SWIFT" test 2>&1) | tee "$out/swift-test.log"
    grep -q '^[0-9]* passed, 0 failed$' "$out/swift-test.log" || { echo "bindings: Swift tests failed" >&2; exit 1; }

    log "Swift: examples/swift (an app checking its own parts at launch)"
    # shellcheck disable=SC2086 # SWIFT_RUN_PREFIX is empty or one path
    $SWIFT_RUN_PREFIX "$pkg/.build/debug/BootCheck"

    log "Swift: examples/swift (a repair app checking parts through shards of a list it never holds)"
    # shellcheck disable=SC2086 # SWIFT_RUN_PREFIX is empty or one path
    $SWIFT_RUN_PREFIX "$pkg/.build/debug/RepairApp"

    log "Swift: examples/swift (a phone syncing from nginx with URLSession)"
    fresh_folders "$served/swift" "$out/state/swift"
    # shellcheck disable=SC2086 # SWIFT_RUN_PREFIX is empty or one path
    $SWIFT_RUN_PREFIX "$pkg/.build/debug/SyncFromServer" "$base_url/swift" "$served/swift" "$out/state/swift"

    log "Swift: a fresh package from docs/swift.md, depending on bindings/swift/Partcert"
    # The guide's Package.swift (with this checkout's path) and Swift blocks
    # are the package; its build-and-run block the steps: `swift build` with
    # no linker flags, the app run with no LD_LIBRARY_PATH.
    local app=$out/fresh/swift
    rm -rf "$app" && mkdir -p "$app/Sources/ShopApp" "$app/bin"
    doc_block docs/swift.md "swift Package.swift" | sed "s|path/to/partcert|$root|" >"$app/Package.swift"
    doc_block docs/swift.md swift >"$app/Sources/ShopApp/main.swift"
    doc_block docs/swift.md "sh build-and-run" >"$app/build-and-run.sh"
    ln -s "$SWIFT" "$app/bin/swift"
    cp -r "$demo" "$app/demo"
    (cd "$app" && env -u LD_LIBRARY_PATH PATH="$app/bin:$PATH" bash -eu build-and-run.sh) >"$app/out.txt"
    expect_doc_output docs/swift.md "$app/out.txt"
    local runpath
    runpath=$(readelf -d "$app/.build/debug/ShopApp" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
    [[ :$runpath: == *":$root/bindings/swift/Partcert/lib:"* ]] ||
        { echo "bindings: ShopApp's run path ($runpath) does not name the package's lib/" >&2; exit 1; }
    echo "ShopApp ran without LD_LIBRARY_PATH; its run path has $root/bindings/swift/Partcert/lib"
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
