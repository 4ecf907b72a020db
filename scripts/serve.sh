#!/usr/bin/env bash
# Serves a folder over HTTP on 127.0.0.1 with nginx, as any static web
# server or CDN serves a register's repository: for the tests and examples
# that sync from one. nginx is installed from Debian when missing
# (nginx-light). It runs in the foreground of a background job with its own
# configuration and every file it writes in a folder of its own; nothing
# listens beyond loopback.
#
#   url="$(bash scripts/serve.sh start DIR RUN [EXTRA.conf])"
#       serve DIR; RUN is a new folder for nginx's files (config, pid,
#       logs); EXTRA.conf, if given, is included in the server block (for
#       example `location /slow/ { limit_rate 20; }` to trickle bytes).
#       Prints the base URL, http://127.0.0.1:PORT
#   bash scripts/serve.sh stop RUN
#       stops it (and waits until it has exited).
set -euo pipefail

die() { echo "serve.sh: $*" >&2; exit 1; }

nginx_bin() {
    local bin
    for bin in "$(command -v nginx 2>/dev/null || true)" /usr/sbin/nginx; do
        [ -n "$bin" ] && [ -x "$bin" ] && { echo "$bin"; return; }
    done
    return 1
}

install_nginx() {
    echo "serve.sh: installing nginx-light (Debian)" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >&2
}

start() {
    local dir="$1" run="$2" extra="${3:-}"
    [ -d "$dir" ] || die "no folder to serve: $dir"
    [ -z "$extra" ] || [ -f "$extra" ] || die "no such config snippet: $extra"
    local bin
    bin="$(nginx_bin)" || { install_nginx; bin="$(nginx_bin)"; } || die "nginx did not install"
    mkdir -p "$run"
    run="$(cd "$run" && pwd)"
    dir="$(cd "$dir" && pwd)"
    [ -z "$extra" ] || extra="$(cd "$(dirname "$extra")" && pwd)/$(basename "$extra")"
    local attempt port
    for attempt in $(seq 1 20); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        rm -f "$run/nginx.pid" "$run/error.log"
        cat >"$run/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $run/nginx.pid;
error_log $run/error.log warn;
events { worker_connections 64; }
http {
    access_log $run/access.log;
    client_body_temp_path $run/client_body;
    proxy_temp_path $run/proxy;
    fastcgi_temp_path $run/fastcgi;
    uwsgi_temp_path $run/uwsgi;
    scgi_temp_path $run/scgi;
    types { application/octet-stream pcbl pccs pcbd pchd; }
    default_type application/octet-stream;
    sendfile on;
    server {
        listen 127.0.0.1:$port;
        root $dir;
        autoindex off;
        $( [ -n "$extra" ] && echo "include $extra;" )
    }
}
EOF
        "$bin" -c "$run/nginx.conf" -e "$run/error.log" >"$run/stdout.log" 2>&1 &
        local job=$!
        echo "$job" >"$run/job.pid"
        local waited
        for waited in $(seq 1 50); do
            if [ -s "$run/nginx.pid" ] && kill -0 "$job" 2>/dev/null; then
                echo "http://127.0.0.1:$port"
                return
            fi
            kill -0 "$job" 2>/dev/null || break
            sleep 0.1
        done
        kill "$job" 2>/dev/null || true
        wait "$job" 2>/dev/null || true
        grep -q "Address already in use" "$run/error.log" "$run/stdout.log" 2>/dev/null ||
            { cat "$run/error.log" "$run/stdout.log" >&2 2>/dev/null; die "nginx did not start"; }
    done
    die "no free port on 127.0.0.1 after 20 tries"
}

stop() {
    local run="$1" pid=""
    [ -f "$run/nginx.pid" ] && pid="$(cat "$run/nginx.pid")"
    [ -n "$pid" ] || { [ -f "$run/job.pid" ] && pid="$(cat "$run/job.pid")"; }
    [ -n "$pid" ] || return 0
    kill -QUIT "$pid" 2>/dev/null || true
    local waited
    for waited in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
    start) [ $# -ge 3 ] || die "usage: serve.sh start DIR RUN [EXTRA.conf]"; start "$2" "$3" "${4:-}" ;;
    stop) [ $# -eq 2 ] || die "usage: serve.sh stop RUN"; stop "$2" ;;
    *) die "usage: serve.sh start DIR RUN [EXTRA.conf] | stop RUN" ;;
esac
