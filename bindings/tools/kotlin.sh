#!/usr/bin/env bash
# Ensures a Kotlin compiler (>= 2.0), java and JNA for the Kotlin binding
# tests, and prints shell `export` lines for them on stdout (progress goes to
# stderr):
#
#   tool_env=$(bash bindings/tools/kotlin.sh)   # a failure here stops a `set -e` caller;
#   eval "$tool_env"                            # `eval "$(bash ...)"` would hide it
#   "$KOTLINC" -cp "$JNA_JAR" gen/m.kt Test.kt -d t.jar
#   java -Djna.library.path="$LIBDIR" -cp "t.jar:$JNA_JAR:$KOTLIN_STDLIB" TestKt
#
# Exported variables: KOTLINC, KOTLIN_STDLIB (kotlin-stdlib.jar), KOTLINX_COROUTINES
# (kotlinx-coroutines-core-jvm.jar, beside the stdlib in the compiler's lib/: the tests and
# the sync example run suspending code with it), JNA_JAR, JAVA.
#
# kotlinc: the one on PATH if it is version >= 2.0 and its lib/ has
# kotlin-stdlib.jar and kotlinx-coroutines-core-jvm.jar; otherwise the npm
# package kotlin-compiler@2.4.20 (the full JetBrains compiler, ~90 MB), unpacked into
# $PARTCERT_TOOLS_DIR (default <project>/target/tools)/kotlin/package.
# Debian's `kotlin` package (1.3) is too old for uniffi's output and is never
# used. JNA: $JNA_JAR if set, else Debian's libjna-java (/usr/share/java/jna.jar).
# java: the one on PATH, else Debian's default-jdk-headless.
# What is missing from the system (java, JNA, npm) is installed with apt-get when
# run as root (CI); otherwise (or with PARTCERT_NO_INSTALL=1) the script names
# it and the apt-get command, and fails (bindings/tools/system-packages.sh).
# Where things land, as printed: KOTLINC=<tools>/kotlin/package/bin/kotlinc,
# KOTLIN_STDLIB and KOTLINX_COROUTINES in <tools>/kotlin/package/lib/,
# JNA_JAR=/usr/share/java/jna.jar.
# A stamp file marks a finished unpack, so a second run only checks files; an
# unfinished one is redone. Any failure exits non-zero.
set -euo pipefail

KOTLIN_VERSION=2.4.20

log() { printf 'kotlin.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

project_root=$(cd "$(dirname "$0")/../.." && pwd)
tools_dir=${PARTCERT_TOOLS_DIR:-$project_root/target/tools}
mkdir -p "$tools_dir"
tools_dir=$(cd "$tools_dir" && pwd)
kdir=$tools_dir/kotlin
home=$kdir/package
stamp=$kdir/complete.stamp
stamp_text="kotlin-compiler $KOTLIN_VERSION home=$home"

# shellcheck source=bindings/tools/system-packages.sh
source "$project_root/bindings/tools/system-packages.sh"

# java
if ! command -v java >/dev/null 2>&1; then
    system_install "java (a JDK)" default-jdk-headless || exit 1
fi
java_bin=$(command -v java) || die "java is missing"
"$java_bin" -version >/dev/null 2>&1 || die "$java_bin -version failed"

# JNA
jna_jar=${JNA_JAR:-/usr/share/java/jna.jar}
if [[ -n ${JNA_JAR:-} ]]; then
    [[ -f $jna_jar ]] || die "JNA_JAR=$jna_jar does not exist"
elif [[ ! -f $jna_jar ]]; then
    system_install "JNA ($jna_jar)" libjna-java || exit 1
    [[ -f $jna_jar ]] || die "$jna_jar is missing after installing libjna-java"
fi

# kotlinc
kotlinc=
stdlib=
if sys_kotlinc=$(command -v kotlinc 2>/dev/null); then
    sys_version=$("$sys_kotlinc" -version 2>&1 | sed -n 's/.*kotlinc-jvm \([0-9][0-9.]*\).*/\1/p' | head -n1 || true)
    sys_stdlib=$(dirname "$(readlink -f "$sys_kotlinc")")/../lib/kotlin-stdlib.jar
    if [[ ${sys_version%%.*} =~ ^[0-9]+$ ]] && ((${sys_version%%.*} >= 2)) && [[ -f $sys_stdlib ]] &&
        [[ -f $(dirname "$sys_stdlib")/kotlinx-coroutines-core-jvm.jar ]]; then
        kotlinc=$sys_kotlinc
        stdlib=$(readlink -f "$sys_stdlib")
        log "using $kotlinc (kotlinc-jvm $sys_version)"
    else
        log "ignoring $sys_kotlinc (version '${sys_version:-unknown}', need >= 2.0 with lib/kotlin-stdlib.jar and lib/kotlinx-coroutines-core-jvm.jar)"
    fi
fi

if [[ -z $kotlinc ]]; then
    if [[ -f $stamp && $(cat "$stamp") == "$stamp_text" && -x $home/bin/kotlinc && -f $home/lib/kotlin-stdlib.jar ]]; then
        log "using cached kotlin-compiler $KOTLIN_VERSION in $home"
    else
        rm -f "$stamp"
        if ! command -v npm >/dev/null 2>&1; then
            system_install "npm (to download the Kotlin compiler)" npm || exit 1
        fi
        work=$kdir/download.tmp
        rm -rf "$work"
        mkdir -p "$work"
        log "npm pack kotlin-compiler@$KOTLIN_VERSION (~90 MB)"
        (cd "$work" && npm pack "kotlin-compiler@$KOTLIN_VERSION" --cache "$work/npm-cache" --loglevel=error >&2) \
            || die "npm pack kotlin-compiler@$KOTLIN_VERSION failed"
        tgz=$work/kotlin-compiler-$KOTLIN_VERSION.tgz
        [[ -f $tgz ]] || die "npm pack did not produce $tgz"
        tar -xzf "$tgz" -C "$work" || die "cannot unpack $tgz"
        [[ -f $work/package/bin/kotlinc && -f $work/package/lib/kotlin-stdlib.jar ]] \
            || die "$tgz has no package/bin/kotlinc or package/lib/kotlin-stdlib.jar"
        chmod +x "$work"/package/bin/*
        rm -rf "$home"
        mv "$work/package" "$home"
        rm -rf "$work"
        got=$("$home/bin/kotlinc" -version 2>&1) || die "kotlinc -version failed: $got"
        log "$got"
        printf '%s' "$stamp_text" >"$stamp"
    fi
    kotlinc=$home/bin/kotlinc
    stdlib=$home/lib/kotlin-stdlib.jar
fi

coroutines=$(dirname "$stdlib")/kotlinx-coroutines-core-jvm.jar
[[ -f $coroutines ]] || die "$coroutines is missing (the Kotlin compiler's lib/ should have it)"

printf 'export KOTLINC=%q\n' "$kotlinc"
printf 'export KOTLIN_STDLIB=%q\n' "$stdlib"
printf 'export KOTLINX_COROUTINES=%q\n' "$coroutines"
printf 'export JNA_JAR=%q\n' "$jna_jar"
printf 'export JAVA=%q\n' "$java_bin"
