#!/usr/bin/env python3
"""A TLS peer built on Python's ssl module, for ftls' interop tests.

    python_tls.py server --cert C --key K --version 1.2|1.3 [--client-ca CA]
    python_tls.py client --ca CA --version 1.2|1.3 [--cert C --key K] [--servername N] PORT

The server listens on 127.0.0.1, port 0, prints `listening on 127.0.0.1:PORT`, serves one
connection: it reads an HTTP request up to its blank line and answers `HTTP/1.0 200 OK` with a
body naming the version, the cipher and the client certificate's common name, then closes with
close_notify. With --client-ca a client certificate is required and verified.

The client connects, verifies the server as N (default localhost), sends a GET, prints the
whole response and exits 0 after the server's close_notify.

Either side, on failure, prints one line `error: REASON` (OpenSSL's reason, e.g.
TLSV1_ALERT_UNKNOWN_CA for an alert received) to stderr and exits 2.
"""

import argparse
import socket
import ssl
import sys

VERSIONS = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


def fail(err):
    reason = getattr(err, "reason", None) or type(err).__name__
    print(f"error: {reason}: {err}", file=sys.stderr, flush=True)
    sys.exit(2)


def pin_version(context, version):
    context.minimum_version = VERSIONS[version]
    context.maximum_version = VERSIONS[version]


def common_name(cert):
    for rdn in (cert or {}).get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return value
    return "none"


def serve(args):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    pin_version(context, args.version)
    context.load_cert_chain(args.cert, args.key)
    if args.client_ca:
        context.load_verify_locations(args.client_ca)
        context.verify_mode = ssl.CERT_REQUIRED
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    print(f"listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)
    raw, _ = listener.accept()
    try:
        conn = context.wrap_socket(raw, server_side=True)
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = conn.recv(4096)
            if not chunk:
                raise ConnectionError("the client closed before its request ended")
            request += chunk
        name, _, bits = conn.cipher()
        body = (f"python peer: version={conn.version()} cipher={name} "
                f"client={common_name(conn.getpeercert())}\n")
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body.encode())
        conn.unwrap()
    except (ssl.SSLError, OSError) as err:
        fail(err)


def connect(args):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    pin_version(context, args.version)
    context.load_verify_locations(args.ca)
    if args.cert:
        context.load_cert_chain(args.cert, args.key)
    try:
        raw = socket.create_connection(("127.0.0.1", args.port))
        conn = context.wrap_socket(raw, server_hostname=args.servername)
        conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        response = b""
        while True:
            chunk = conn.recv(4096)
            if not chunk:
                break
            response += chunk
        sys.stdout.write(response.decode("utf-8", "replace"))
        print(f"python peer: version={conn.version()} cipher={conn.cipher()[0]}", flush=True)
    except (ssl.SSLError, OSError) as err:
        fail(err)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    server = sub.add_parser("server")
    server.add_argument("--cert", required=True)
    server.add_argument("--key", required=True)
    server.add_argument("--version", choices=VERSIONS, required=True)
    server.add_argument("--client-ca")
    client = sub.add_parser("client")
    client.add_argument("--ca", required=True)
    client.add_argument("--version", choices=VERSIONS, required=True)
    client.add_argument("--cert")
    client.add_argument("--key")
    client.add_argument("--servername", default="localhost")
    client.add_argument("port", type=int)
    args = parser.parse_args()
    serve(args) if args.mode == "server" else connect(args)


if __name__ == "__main__":
    main()
