#!/usr/bin/env bash
# NOT RUN HERE: this machine has no Xcode and no Apple Rust targets, so this
# script is checked by shellcheck only. Run it on a Mac with Xcode.
#
# Builds partcert's Swift bindings for iOS as an XCFramework plus the
# generated Swift source:
#
#   bash bindings/apple.sh [OUT]            # OUT defaults to target/apple
#
#   OUT/PartcertFFI.xcframework   ios-arm64 (device) and
#                                 ios-arm64_x86_64-simulator slices, each a
#                                 static libpartcert_uniffi.a with the
#                                 generated header and module map
#   OUT/Sources/Partcert/Partcert.swift       the generated Swift: the calls
#   OUT/Sources/Partcert/PartcertCore.swift   and the core's values (one module)
#   OUT/Sources/Partcert/BlocklistSync.swift  hand-written: the async sync
#   OUT/Sources/Partcert/ErrorsReadAsWords.swift  hand-written: errors as words (LocalizedError)
#   OUT/Sources/Partcert/ApplyInBackground.swift  hand-written: async applyInBackground
#   OUT/Sources/Partcert/CheckShards.swift  hand-written: the async shard check
#
# In a Package.swift: `.binaryTarget(name: "PartcertFFI", path: "PartcertFFI.xcframework")`
# and `.target(name: "Partcert", dependencies: ["PartcertFFI"])`.
# Needs: Xcode command-line tools and
# `rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/target/apple}
cd "$root"

command -v xcodebuild >/dev/null || { echo "apple.sh: needs Xcode (xcodebuild)" >&2; exit 1; }
command -v lipo >/dev/null || { echo "apple.sh: needs lipo (Xcode command-line tools)" >&2; exit 1; }

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
for target in "${targets[@]}"; do
    cargo build --release -p partcert-uniffi --target "$target"
done

# The generator runs on the host, reading the library's metadata.
cargo build --release -p partcert-uniffi --features cli --bin uniffi-bindgen
gen=$out/gen
rm -rf "$gen" "$out/PartcertFFI.xcframework"
mkdir -p "$gen" "$out/Sources/Partcert"
"$root/target/release/uniffi-bindgen" generate \
    --library "$root/target/aarch64-apple-ios/release/libpartcert_uniffi.a" \
    --config "$root/bindings/uniffi-bindgen.toml" \
    --language swift --out-dir "$gen" --no-format
mv "$gen/Partcert.swift" "$gen/PartcertCore.swift" "$out/Sources/Partcert/"
# The hand-written Swift shipped beside the generated code.
cp "$root"/bindings/swift/Sources/Partcert/*.swift "$out/Sources/Partcert/"

# The headers folder of each slice: both C headers and one module map,
# module.modulemap (what Xcode looks for), for the one PartcertFFI module
# both generated Swift files import.
headers=$gen/headers
mkdir -p "$headers"
cp "$gen/PartcertFFI.h" "$gen/PartcertCoreFFI.h" "$headers/"
awk '{ print } /header "PartcertFFI.h"/ { print "    header \"PartcertCoreFFI.h\"" }' \
    "$gen/PartcertFFI.modulemap" >"$headers/module.modulemap"

# The simulator slice holds both simulator architectures.
sim=$out/ios-simulator
mkdir -p "$sim"
lipo -create \
    "$root/target/aarch64-apple-ios-sim/release/libpartcert_uniffi.a" \
    "$root/target/x86_64-apple-ios/release/libpartcert_uniffi.a" \
    -output "$sim/libpartcert_uniffi.a"

xcodebuild -create-xcframework \
    -library "$root/target/aarch64-apple-ios/release/libpartcert_uniffi.a" -headers "$headers" \
    -library "$sim/libpartcert_uniffi.a" -headers "$headers" \
    -output "$out/PartcertFFI.xcframework"
echo "apple.sh: $out/PartcertFFI.xcframework and $out/Sources/Partcert/Partcert.swift"
