#!/bin/sh
# `make demo`: start tls-server on a free port, then run tls-client --trace against it over
# TLS 1.3, over TLS 1.2, and with a client certificate. Certificates come from `make certs`.
set -eu

build=${1:-build}
bin=$build/bin
certs=$build/certs
work=$(mktemp -d)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Optional client authentication: clients may present a certificate from the demo CA.
"$bin/tls-server" --cert "$certs/server.pem" --key "$certs/server.key" \
    --client-ca "$certs/ca.pem" --alpn h2,http/1.1 --port 0 --max-conns 3 \
    >"$work/server.out" 2>"$work/server.err" &
server_pid=$!

# Wait (up to 10 s) for the one line that names the port.
tries=0
until grep -q '^listening on ' "$work/server.out" 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$server_pid" 2>/dev/null; then
        echo "demo: tls-server did not start:" >&2
        cat "$work/server.err" >&2
        exit 1
    fi
    sleep 0.1
done
port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/server.out")
echo "== tls-server is $(cat "$work/server.out")"

run() {
    title=$1
    shift
    echo
    echo "== $title"
    echo "\$ tls-client $*"
    "$bin/tls-client" "$@"
}

run "TLS 1.3, server authenticated by the demo CA" \
    --ca "$certs/ca.pem" --alpn h2,http/1.1 --tls13 --trace localhost "$port" /hello
run "TLS 1.2, same server" \
    --ca "$certs/ca.pem" --tls12 --trace localhost "$port" /hello
run "TLS 1.3 with a client certificate (mutual authentication)" \
    --ca "$certs/ca.pem" --cert "$certs/client.pem" --key "$certs/client.key" --trace \
    localhost "$port" /whoami

wait "$server_pid"
server_pid=
echo
echo "== tls-server handled 3 connections and exited."
