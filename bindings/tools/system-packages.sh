# shellcheck shell=bash
# Sourced by bindings/tools/*.sh and bindings/tests/run.sh: installs the Debian
# packages a tool needs, or says what is missing.
#
#   system_install WHAT PACKAGE...
#
# Run as root with apt-get (CI's clean Debian machine), it runs
# `apt-get install -y PACKAGE...` (after `apt-get update` if that fails).
# Run as another user, or with PARTCERT_NO_INSTALL=1, it installs nothing: it
# prints which tool is missing and the command that installs it, and fails,
# so the calling script stops there.
system_install() {
    local what=$1
    shift
    if [[ $(id -u) != 0 || -n ${PARTCERT_NO_INSTALL:-} ]] || ! command -v apt-get >/dev/null 2>&1; then
        printf '%s: missing: %s. Install it (as root: apt-get install -y %s), or put it on PATH, and run again.\n' \
            "${0##*/}" "$what" "$*" >&2
        return 1
    fi
    printf '%s: %s is missing: apt-get install -y %s\n' "${0##*/}" "$what" "$*" >&2
    apt-get install -y "$@" >&2 && return 0
    printf '%s: install failed; apt-get update and retry\n' "${0##*/}" >&2
    apt-get update >&2 && apt-get install -y "$@" >&2
}
