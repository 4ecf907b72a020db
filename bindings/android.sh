#!/usr/bin/env bash
# NOT RUN HERE: this machine has no Android NDK, no cargo-ndk and no Android
# Rust targets, so this script is checked by shellcheck only. Run it where
# they are installed.
#
# Builds partcert's Kotlin bindings for Android in the AAR source layout:
#
#   bash bindings/android.sh [OUT]          # OUT defaults to target/android
#
#   OUT/src/main/kotlin/org/partcert/partcert_uniffi.kt   generated Kotlin (objects, calls)
#   OUT/src/main/kotlin/org/partcert/core/partcert.kt     generated Kotlin (the core's values)
#   OUT/src/main/kotlin/org/partcert/BlocklistSync.kt     hand-written: the suspending sync
#   OUT/src/main/kotlin/org/partcert/ErrorCodes.kt        hand-written: e.code as an Int
#   OUT/src/main/kotlin/org/partcert/ApplyInBackground.kt hand-written: suspending applyInBackground
#   OUT/src/main/kotlin/org/partcert/CheckShards.kt       hand-written: the suspending shard check
#   OUT/src/main/jniLibs/arm64-v8a/libpartcert_uniffi.so
#   OUT/src/main/jniLibs/armeabi-v7a/libpartcert_uniffi.so
#   OUT/src/main/jniLibs/x86_64/libpartcert_uniffi.so
#
# Point an Android library module at OUT/src/main (or copy it in) and add
# `implementation("net.java.dev.jna:jna:5.14.0@aar")`; `./gradlew assembleRelease`
# then makes the AAR. Needs: ANDROID_NDK_HOME (NDK r26 or later), cargo-ndk
# (`cargo install cargo-ndk`), and
# `rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android`.
#
# 16 KB pages: devices from Android 15 may run with 16 KB memory pages, where a
# library whose segments are aligned for 4 KB pages does not load, and Google
# Play requires 16 KB alignment for apps targeting Android 15. NDK r28 and later
# link so by default; this script passes `-z max-page-size=16384` to the linker
# for older NDKs too, and fails unless every LOAD segment of every library is
# aligned to 16 KB (llvm-readelf). The libraries are release builds, stripped
# with the NDK's llvm-strip after the bindings are generated from them (the
# generator reads the interface from the symbol table).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/target/android}
api=${ANDROID_API:-24}
cd "$root"

[[ -n ${ANDROID_NDK_HOME:-} ]] || { echo "android.sh: set ANDROID_NDK_HOME to an NDK" >&2; exit 1; }
command -v cargo-ndk >/dev/null || { echo "android.sh: install cargo-ndk (cargo install cargo-ndk)" >&2; exit 1; }

mkdir -p "$out/src/main/jniLibs" "$out/src/main/kotlin"
for target in aarch64-linux-android armv7-linux-androideabi x86_64-linux-android; do
    flags_var=CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"$target")_RUSTFLAGS
    export "$flags_var=${!flags_var:-} -C link-arg=-Wl,-z,max-page-size=16384"
done
# One build per ABI, stripped, into jniLibs/<abi>/.
cargo ndk --platform "$api" \
    -t arm64-v8a -t armeabi-v7a -t x86_64 \
    -o "$out/src/main/jniLibs" \
    build --release -p partcert-uniffi

# The generator runs on the host and reads the metadata from any build of
# the library (the API is the same for every target).
cargo build --release -p partcert-uniffi --features cli --bin uniffi-bindgen
"$root/target/release/uniffi-bindgen" generate \
    --library "$out/src/main/jniLibs/arm64-v8a/libpartcert_uniffi.so" \
    --config "$root/bindings/uniffi-bindgen.toml" \
    --language kotlin --out-dir "$out/src/main/kotlin" --no-format
# The hand-written Kotlin shipped beside the generated code.
cp "$root"/bindings/kotlin/org/partcert/*.kt "$out/src/main/kotlin/org/partcert/"

for abi in arm64-v8a armeabi-v7a x86_64; do
    [[ -f $out/src/main/jniLibs/$abi/libpartcert_uniffi.so ]] || {
        echo "android.sh: missing $abi library" >&2
        exit 1
    }
done
llvm_bin=$(find "$ANDROID_NDK_HOME/toolchains/llvm/prebuilt" -maxdepth 2 -name bin -type d | head -n1)
[[ -x $llvm_bin/llvm-strip && -x $llvm_bin/llvm-readelf ]] || {
    echo "android.sh: no llvm-strip and llvm-readelf in the NDK's toolchains/llvm/prebuilt/*/bin" >&2
    exit 1
}
for abi in arm64-v8a armeabi-v7a x86_64; do
    so=$out/src/main/jniLibs/$abi/libpartcert_uniffi.so
    "$llvm_bin/llvm-strip" --strip-all "$so"
    # Every LOAD segment aligned to 2**14 (16 KB) or more (its Align, in hex, last).
    aligned=yes
    while read -r align; do
        ((align >= 16384)) || aligned=no
    done < <("$llvm_bin/llvm-readelf" -lW "$so" | awk '$1 == "LOAD" { print $NF }')
    if [[ $aligned == no ]]; then
        echo "android.sh: $abi library is not aligned for 16 KB pages:" >&2
        "$llvm_bin/llvm-readelf" -lW "$so" | grep LOAD >&2
        exit 1
    fi
    echo "android.sh: $abi: $(stat -c %s "$so") bytes, stripped, LOAD segments aligned to 16 KB"
done
echo "android.sh: AAR sources in $out/src/main"
