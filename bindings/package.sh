#!/usr/bin/env bash
# Makes partcert's release artifacts for app developers, in one command:
#
#   bash bindings/package.sh [--kotlin | --swift] [OUT]   # OUT defaults to target/bindings/dist
#
# Both by default; --kotlin makes only the Maven folder (and needs no Swift),
# --swift only the Swift package (and needs no Kotlin toolchain).
#
# The native library is a release build (`cargo build --release -p
# partcert-uniffi`: optimised, thin LTO), stripped of its symbol table and
# debug information (`strip --strip-all`; the exported functions stay in the
# dynamic symbol table JNA and the linker use). Out come:
#
#   OUT/maven/org/partcert/partcert/<version>/       a Maven repository folder
#       partcert-<version>.jar           org.partcert and org.partcert.core, compiled,
#                                        the hand-written suspending sync, the native
#                                        library under JNA's resource path
#                                        (linux-x86-64/libpartcert_uniffi.so), R8 and
#                                        ProGuard keep rules (META-INF/proguard/partcert.pro,
#                                        read by R8 from the jar) and the POM
#                                        (META-INF/maven/org.partcert/partcert/)
#       partcert-<version>-sources.jar   the Kotlin sources (generated and hand-written)
#       partcert-<version>.pom           coordinates org.partcert:partcert:<version>;
#                                        depends on JNA 5.13 and the Kotlin standard library
#       *.sha1, *.sha256                 checksums, as Maven and Gradle read them
#   OUT/maven/org/partcert/partcert/maven-metadata.xml
#   OUT/libpartcert_uniffi.so            the stripped release library on its own
#   OUT/SIZES                            the library's and the jars' sizes in bytes
#
# and the SwiftPM package at its stable path in the repository,
# bindings/swift/Partcert/ (package identity `partcert`, product `Partcert`):
# Package.swift is committed; this script writes its Sources/ (the generated
# Swift and C headers, the hand-written async sync) and lib/libpartcert_uniffi.so
# (the same stripped release library), which Package.swift links with a run
# path, so apps built with it run without LD_LIBRARY_PATH. `cargo clean` does
# not remove it.
#
# The version is the workspace's (Cargo.toml, [workspace.package]). Needs the
# Kotlin toolchain bindings/tools/kotlin.sh provides (installed or reused; run
# as non-root it says what is missing instead) and `jar` and `strip`
# (a JDK and binutils). Prints each artifact with its size.
set -euo pipefail

kotlin=yes
swift=yes
case ${1:-} in
    --kotlin) swift=no; shift ;;
    --swift) kotlin=no; shift ;;
    -*) echo "usage: bash bindings/package.sh [--kotlin | --swift] [OUT]" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/target/bindings/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$root"
log() { printf 'package.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || die "no workspace version in Cargo.toml"
group=org.partcert
artifact=partcert
jna_version=5.13.0
command -v strip >/dev/null || die "strip is missing (binutils)"
if [[ $kotlin == yes ]]; then
    for tool in jar unzip sha1sum sha256sum; do
        command -v "$tool" >/dev/null || die "$tool is missing (a JDK, unzip, coreutils)"
    done
    if [[ -z ${KOTLINC:-} || -z ${KOTLIN_STDLIB:-} || -z ${JNA_JAR:-} ]]; then
        kotlin_env=$(bash bindings/tools/kotlin.sh)
        eval "$kotlin_env"
    fi
    kotlin_version=$(unzip -p "$KOTLIN_STDLIB" META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: *\([0-9.]*\).*/\1/p')
    [[ -n $kotlin_version ]] || die "cannot read the Kotlin standard library's version from $KOTLIN_STDLIB"
fi

repo_dir=$out/maven/${group//.//}/$artifact
base=$repo_dir/$version/$artifact-$version

log "cargo build --release -p partcert-uniffi (the library), the generator (debug)"
cargo build --release -p partcert-uniffi --lib
cargo build -p partcert-uniffi --features cli --bin uniffi-bindgen
release_lib=$root/target/release/libpartcert_uniffi.so
lib=$out/libpartcert_uniffi.so
strip --strip-all -o "$lib" "$release_lib"
sections=$(readelf -S "$lib")
! grep -q -E '\.debug_|\.symtab' <<<"$sections" || die "$lib still has debug information or a symbol table"

# The generator reads the interface from the unstripped library's metadata.
work=$out/work
rm -rf "$work" && mkdir -p "$work"
for language in kotlin swift; do
    "$root/target/debug/uniffi-bindgen" generate --library "$release_lib" --language "$language" \
        --config bindings/uniffi-bindgen.toml --out-dir "$work/gen/$language" --no-format
done

make_jar() {
    log "Kotlin: compiling org.partcert and org.partcert.core"
    sources=("$work/gen/kotlin/org/partcert/partcert_uniffi.kt" "$work/gen/kotlin/org/partcert/core/partcert.kt"
             bindings/kotlin/org/partcert/*.kt)
    classes=$out/classes
    stamp=$out/classes.stamp
    if ! [[ -f $stamp && "$(cat "${sources[@]}" | sha256sum)" == "$(cat "$stamp")" ]]; then
        rm -rf "$classes"
        "$KOTLINC" -nowarn -cp "$JNA_JAR" "${sources[@]}" -d "$classes"
        cat "${sources[@]}" | sha256sum >"$stamp"
    fi

    repo_dir=$out/maven/${group//.//}/$artifact
    rm -rf "$repo_dir" && mkdir -p "$(dirname "$base")"

    cat >"$base.pom" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>$group</groupId>
  <artifactId>$artifact</artifactId>
  <version>$version</version>
  <packaging>jar</packaging>
  <name>partcert</name>
  <description>Kotlin bindings for partcert: verify a phone part's certificate, pairing record and blocklists. The jar carries the native library for linux-x86-64.</description>
  <licenses>
    <license><name>Apache-2.0</name><url>https://www.apache.org/licenses/LICENSE-2.0</url></license>
    <license><name>MIT</name><url>https://opensource.org/licenses/MIT</url></license>
  </licenses>
  <dependencies>
    <dependency>
      <groupId>net.java.dev.jna</groupId>
      <artifactId>jna</artifactId>
      <version>$jna_version</version>
    </dependency>
    <dependency>
      <groupId>org.jetbrains.kotlin</groupId>
      <artifactId>kotlin-stdlib</artifactId>
      <version>$kotlin_version</version>
    </dependency>
  </dependencies>
</project>
POM

    log "Kotlin: $artifact-$version.jar"
    jar_dir=$work/jar
    mkdir -p "$jar_dir/linux-x86-64" "$jar_dir/META-INF/proguard" "$jar_dir/META-INF/maven/$group/$artifact"
    cp -r "$classes/." "$jar_dir/"
    cp "$lib" "$jar_dir/linux-x86-64/libpartcert_uniffi.so"
    # R8 (Android) reads META-INF/proguard/*.pro from every jar it shrinks; ProGuard
    # users pass the file with -include. JNA finds the generated classes' native
    # methods, structures and callbacks by reflection, by name.
    cat >"$jar_dir/META-INF/proguard/partcert.pro" <<'PRO'
# partcert: the generated bindings are called from native code through JNA,
# which looks classes, fields and methods up by name. Keep them as they are.
-keep class org.partcert.** { *; }
-keep class com.sun.jna.** { *; }
-keepclassmembers class * extends com.sun.jna.** { public *; }
-keepattributes *Annotation*,Signature,InnerClasses,EnclosingMethod
-dontwarn java.awt.**
-dontwarn com.sun.jna.**
PRO
    cp "$base.pom" "$jar_dir/META-INF/maven/$group/$artifact/pom.xml"
    printf 'groupId=%s\nartifactId=%s\nversion=%s\n' "$group" "$artifact" "$version" \
        >"$jar_dir/META-INF/maven/$group/$artifact/pom.properties"
    cat >"$work/MANIFEST.MF" <<MF
Implementation-Title: partcert
Implementation-Version: $version
Implementation-Vendor-Id: $group
Automatic-Module-Name: org.partcert
MF
    (cd "$jar_dir" && jar cfm "$base.jar" "$work/MANIFEST.MF" .)

    src_dir=$work/sources
    mkdir -p "$src_dir/org/partcert/core"
    cp "$work/gen/kotlin/org/partcert/partcert_uniffi.kt" bindings/kotlin/org/partcert/*.kt "$src_dir/org/partcert/"
    cp "$work/gen/kotlin/org/partcert/core/partcert.kt" "$src_dir/org/partcert/core/"
    (cd "$src_dir" && jar cf "$base-sources.jar" .)

    for file in "$base.jar" "$base-sources.jar" "$base.pom"; do
        sha1sum "$file" | cut -d' ' -f1 | tr -d '\n' >"$file.sha1"
        sha256sum "$file" | cut -d' ' -f1 | tr -d '\n' >"$file.sha256"
    done
    cat >"$repo_dir/maven-metadata.xml" <<META
<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>$group</groupId>
  <artifactId>$artifact</artifactId>
  <versioning>
    <latest>$version</latest>
    <release>$version</release>
    <versions><version>$version</version></versions>
    <lastUpdated>$(date -u +%Y%m%d%H%M%S)</lastUpdated>
  </versioning>
</metadata>
META
}

make_swift_package() {
    log "Swift: the package in bindings/swift/Partcert"
    pkg=$root/bindings/swift/Partcert
    rm -rf "${pkg:?}/Sources" "${pkg:?}/lib"
    mkdir -p "$pkg/Sources/Partcert" "$pkg/Sources/PartcertFFI" "$pkg/lib"
    # Both generated Swift files make the one `Partcert` module; both C headers
    # the one `PartcertFFI` module they import.
    for name in Partcert PartcertCore; do
        cp "$work/gen/swift/$name.swift" "$pkg/Sources/Partcert/"
        cp "$work/gen/swift/${name}FFI.h" "$pkg/Sources/PartcertFFI/"
    done
    cp bindings/swift/Sources/Partcert/*.swift "$pkg/Sources/Partcert/"
    cat >"$pkg/Sources/PartcertFFI/module.modulemap" <<'MAP'
module PartcertFFI {
    header "PartcertFFI.h"
    header "PartcertCoreFFI.h"
    link "partcert_uniffi"
    export *
}
MAP
    cp "$lib" "$pkg/lib/libpartcert_uniffi.so"
}

[[ $kotlin == yes ]] && make_jar
[[ $swift == yes ]] && make_swift_package
rm -rf "$work"

size() { stat -c %s "$1"; }
echo "libpartcert_uniffi.so $(size "$lib")" >"$out/SIZES"
echo "package.sh: $lib: $(size "$lib") bytes (release, stripped)"
if [[ $kotlin == yes ]]; then
    echo "$artifact-$version.jar $(size "$base.jar")" >>"$out/SIZES"
    echo "$artifact-$version-sources.jar $(size "$base-sources.jar")" >>"$out/SIZES"
    printf '%s\n' \
        "package.sh: Maven repository $out/maven, org.partcert:partcert:$version:" \
        "  $base.jar: $(size "$base.jar") bytes" \
        "  $base-sources.jar: $(size "$base-sources.jar") bytes" \
        "  $base.pom"
fi
if [[ $swift == yes ]]; then
    echo "package.sh: SwiftPM package $root/bindings/swift/Partcert (Sources/ and lib/ written now)"
fi
