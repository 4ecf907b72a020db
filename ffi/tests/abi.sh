#!/usr/bin/env bash
# The ABI check: what the C ABI is, written as text, and the rules for
# changing it (libsodium's promises; see "ABI policy" in the header).
#
#   abi.sh list HEADER LIBRARY.so WORKDIR   prints the ABI of a build:
#       version, soname, every function's prototype, every public struct's
#       size, alignment and fields' offsets and sizes, every enum value and
#       every constant. Fails if the library exports a partcert_ symbol the
#       header does not declare, or the header declares one it does not
#       export.
#   abi.sh rules BASELINE CURRENT            checks CURRENT may follow
#       BASELINE: the same version with any change is refused; a patch
#       version must not change anything; a minor version may only add
#       (functions, enum values, constants, structs, and fields at the end
#       of the structs the library hands out by pointer); a major version
#       may change anything, and its soname must carry it.
#
# ffi/tests/run.sh compares the committed ffi/abi/partcert.abi with the
# build's and fails on any difference, saying whether the version allows
# it (then `bash ffi/tests/run.sh --update-abi` records it) or not.
set -euo pipefail

# The structs the library hands out by pointer, which may grow at the end
# in a minor version.
growable=" partcert_list_info partcert_provenance partcert_listing partcert_list_checked partcert_fitted_part partcert_paired_part partcert_list_changes partcert_head_info partcert_file_ref partcert_shard_fetch "

list() {
    local header="$1" library="$2" work="$3"
    mkdir -p "$work"
    local version soname
    version="$(sed -n 's/^#define PARTCERT_VERSION_STRING "\(.*\)"/\1/p' "$header")"
    soname="$(readelf -d "$library" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
    echo "version $version"
    echo "soname $soname"

    # Prototypes, one per line, whitespace normalized.
    gcc -std=c11 -E -P -x c "$header" | tr '\n' ' ' | sed 's/;/;\n/g' |
        sed 's/  */ /g; s/^ //; s/ ;$/;/' |
        grep -E '[a-z_0-9]+ \**partcert_[a-z0-9_]+\(' | grep -v '^typedef' |
        sed 's/^/function /' | sort >"$work/functions"
    cat "$work/functions"
    sed -n 's/.*[ *]\(partcert_[a-z0-9_]*\)(.*/\1/p' "$work/functions" | sort -u >"$work/declared"
    nm -D --defined-only "$library" | awk '$2 == "T" && $3 ~ /^partcert_/ {print $3}' |
        sort -u >"$work/exported"
    if ! diff "$work/declared" "$work/exported" >"$work/symbols.diff"; then
        echo "abi.sh: the header's functions and the library's exported symbols differ:" >&2
        cat "$work/symbols.diff" >&2
        return 1
    fi

    # Struct layouts, measured by the C compiler from the header.
    {
        echo '#include <stdalign.h>'
        echo '#include <stddef.h>'
        echo '#include <stdio.h>'
        echo '#include "partcert.h"'
        echo 'int main(void) {'
        awk '
            /^typedef struct partcert_[a-z_]* \{/ { name = $3; inside = 1; next }
            inside && /^\}/ {
                printf "    printf(\"struct %s size=%%zu align=%%zu\\n\", sizeof(%s), alignof(%s));\n", name, name, name
                for (i = 1; i <= n; i++)
                    printf "    printf(\"field %s.%s offset=%%zu size=%%zu\\n\", offsetof(%s, %s), sizeof(((%s *)0)->%s));\n", name, f[i], name, f[i], name, f[i]
                inside = 0; n = 0; next
            }
            inside && /;[ \t]*$/ && $0 !~ /^[ \t]*\*/ && $0 !~ /\/\*/ {
                line = $0; sub(/\[.*$/, "", line); sub(/;.*$/, "", line)
                count = split(line, words, /[ \t*]+/)
                f[++n] = words[count]
            }
        ' "$header"
        echo '    return 0;'
        echo '}'
    } >"$work/layout.c"
    gcc -std=c11 -I "$(dirname "$header")" "$work/layout.c" -o "$work/layout"
    "$work/layout" | sort

    # Enum values and constants.
    gcc -std=c11 -E -P -x c "$header" | grep -oE 'PARTCERT_[A-Z0-9_]+ = [0-9]+' |
        sed 's/^/enum /' | sort
    gcc -std=c11 -dM -E -x c "$header" |
        awk '$1 == "#define" && $2 ~ /^PARTCERT_/ && $2 != "PARTCERT_H" && $2 !~ /^PARTCERT_VERSION_/ {
            v = $3; for (i = 4; i <= NF; i++) v = v " " $i; print "define " $2 " = " v }' | sort
}

# Splits "1.2.3" into three numbers.
version_of() { sed -n 's/^version //p' "$1"; }

rules() {
    local baseline="$1" current="$2"
    local old new
    old="$(version_of "$baseline")"
    new="$(version_of "$current")"
    local old_major old_minor old_patch new_major new_minor new_patch
    IFS=. read -r old_major old_minor old_patch <<<"$old"
    IFS=. read -r new_major new_minor new_patch <<<"$new"
    local body_old body_new
    body_old="$(grep -v '^version ' "$baseline")"
    body_new="$(grep -v '^version ' "$current")"

    if [ "$old" = "$new" ]; then
        if [ "$body_old" = "$body_new" ]; then
            return 0
        fi
        echo "the ABI changed without a version bump (still $new): bump ffi/VERSION" >&2
        diff <(echo "$body_old") <(echo "$body_new") >&2 || true
        return 1
    fi
    if [ "$new_major" -lt "$old_major" ] ||
        { [ "$new_major" -eq "$old_major" ] && [ "$new_minor" -lt "$old_minor" ]; } ||
        { [ "$new_major" -eq "$old_major" ] && [ "$new_minor" -eq "$old_minor" ] &&
            [ "$new_patch" -lt "$old_patch" ]; }; then
        echo "the version went back from $old to $new" >&2
        return 1
    fi
    if ! grep -qx "soname libpartcert.so.$new_major" "$current"; then
        echo "the soname is not libpartcert.so.$new_major" >&2
        return 1
    fi
    if [ "$new_major" -gt "$old_major" ]; then
        return 0 # a new major version may change anything
    fi
    if [ "$new_minor" -eq "$old_minor" ]; then
        if [ "$body_old" != "$body_new" ]; then
            echo "a patch version ($old -> $new) may not change the ABI: bump the minor version to add, the major to change" >&2
            diff <(echo "$body_old") <(echo "$body_new") >&2 || true
            return 1
        fi
        return 0
    fi
    # A minor version: everything there before is still there, except that
    # a growable struct may grow.
    local missing=0 line name
    while IFS= read -r line; do
        [ -z "$line" ] && continue
        if grep -qxF -- "$line" "$current"; then
            continue
        fi
        case "$line" in
            struct\ *)
                name="$(echo "$line" | cut -d' ' -f2)"
                if [[ "$growable" == *" $name "* ]] &&
                    grep -q "^struct $name " "$current"; then
                    continue
                fi
                ;;
        esac
        echo "removed or changed in a minor version: $line" >&2
        missing=1
    done <<<"$body_old"
    if [ "$missing" -ne 0 ]; then
        echo "a minor version ($old -> $new) may only add; removing or changing needs a major version" >&2
        return 1
    fi
    return 0
}

case "${1:-}" in
    list) shift; list "$@" ;;
    rules) shift; rules "$@" ;;
    *) echo "usage: $0 list HEADER LIBRARY WORKDIR | rules BASELINE CURRENT" >&2; exit 2 ;;
esac
