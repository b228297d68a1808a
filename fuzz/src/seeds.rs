//! Seed inputs, made from real handshakes and the test PKI: what `make fuzz` starts each
//! target's corpus with, and what the replay test runs besides the committed regressions.

use crate::calls::check;
use crate::connections::{client_config, server_config};
use crate::loaders::SEED_KEY_PASSWORD;
use crate::memory::{flush, read_incoming, Incoming};
use crate::pki::pki;
use ftls::capi::*;
use std::ptr::null_mut;

/// A client's first flight (its ClientHello) and the server's answer to it, over the fuzz
/// configs; `tls12_only` makes the client offer TLS 1.2 alone (the server's Certificate then
/// travels in the clear).
fn first_flights(tls12_only: bool) -> (Vec<u8>, Vec<u8>) {
    let config = if tls12_only {
        let trust = pki().trust("ca.pem");
        let mut builder = null_mut();
        check(ftls_client_config_builder_new(&mut builder));
        check(ftls_client_config_builder_set_trust(builder, trust));
        ftls_trust_free(trust);
        check(ftls_client_config_builder_set_versions(
            builder,
            FTLS_PROTOCOL_TLS12,
        ));
        let mut config = null_mut();
        check(ftls_client_config_builder_build(builder, &mut config));
        ftls_client_config_builder_free(builder);
        config.cast_const()
    } else {
        client_config()
    };
    let (mut client, mut server) = (null_mut(), null_mut());
    check(ftls_client_connection_new(
        config,
        c"localhost".as_ptr(),
        &mut client,
    ));
    check(ftls_server_connection_new(server_config(), &mut server));
    let (mut hello, mut answer) = (Vec::new(), Vec::new());
    flush(client, &mut hello);
    // Everything at once (chunk choice 7), then what the server queued in answer.
    let mut whole = vec![7];
    whole.extend_from_slice(&hello);
    feed_collecting(server, &whole, &mut answer);
    ftls_connection_free(client);
    ftls_connection_free(server);
    if tls12_only {
        ftls_client_config_free(config.cast_mut());
    }
    (hello, answer)
}

/// Gives `data` to `conn` and keeps what it sends in answer.
fn feed_collecting(conn: *mut ftls_connection, data: &[u8], sent: &mut Vec<u8>) {
    let mut n = 0;
    let mut incoming = Incoming::new(data);
    let userdata = (&mut incoming as *mut Incoming).cast();
    check(ftls_connection_read_tls(
        conn,
        Some(read_incoming),
        userdata,
        &mut n,
    ));
    check(ftls_connection_process_new_packets(conn));
    flush(conn, sent);
}

/// `key` (PEM) encrypted by `openssl pkcs8` with `scheme` under the seeds' password.
fn encrypted(key: &[u8], scheme: &[&str]) -> Vec<u8> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let password = format!("pass:{}", SEED_KEY_PASSWORD.to_str().expect("ASCII"));
    let mut child = Command::new("openssl")
        .args(["pkcs8", "-topk8"])
        .args(scheme)
        .args(["-passout", &password])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the openssl command makes the encrypted-key seeds");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(key)
        .expect("give openssl the key");
    let output = child.wait_with_output().expect("openssl pkcs8");
    assert!(output.status.success(), "openssl pkcs8 {scheme:?} failed");
    output.stdout
}

fn prefixed(prefix: &[u8], body: &[u8]) -> Vec<u8> {
    [prefix, body].concat()
}

/// A length-prefixed segment of the observer's input: direction, two bytes of length, bytes.
fn segment(outgoing: bool, bytes: &[u8]) -> Vec<u8> {
    let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
    let mut out = vec![u8::from(outgoing)];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&bytes[..usize::from(len)]);
    out
}

/// The seed inputs of one target, named.
pub fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let pki = pki();
    let (hello13, answer13) = first_flights(false);
    let (hello12, answer12) = first_flights(true);
    let named = |name: &str, data: Vec<u8>| (name.to_owned(), data);
    match target {
        "server_connection" => vec![
            named("hello13-whole", prefixed(&[7], &hello13)),
            named("hello13-traced-bytewise", prefixed(&[0x80], &hello13)),
            named("hello12-records", prefixed(&[4], &hello12)),
            named("hello12-traced", prefixed(&[0x87], &hello12)),
        ],
        "client_connection" => vec![
            named("answer13-whole", prefixed(&[7], &answer13)),
            named("answer13-traced-bytewise", prefixed(&[0x80], &answer13)),
            named("answer12-records", prefixed(&[4], &answer12)),
            named("answer12-traced", prefixed(&[0x87], &answer12)),
        ],
        "key_and_certificate_loaders" => {
            let (chain, key) = (pki.file("server.pem"), pki.file("server.key"));
            let split = u16::try_from(chain.len())
                .expect("a small chain")
                .to_be_bytes();
            let (der, key_der) = (pki.file("server.der"), pki.file("server-key.der"));
            let der_split = u16::try_from(der.len())
                .expect("a small certificate")
                .to_be_bytes();
            vec![
                named(
                    "server-identity-pem",
                    [&[0, split[0], split[1]][..], &chain, &key].concat(),
                ),
                named(
                    "server-identity-der",
                    [&[1, der_split[0], der_split[1]][..], &der, &key_der].concat(),
                ),
                named(
                    "client-identity-pem",
                    [&[2, split[0], split[1]][..], &chain, &key].concat(),
                ),
                named("ca-pem", prefixed(&[3, 0, 0], &pki.file("ca.pem"))),
                named("ca-der", prefixed(&[4, 0, 0], &pki.file("ca.der"))),
                named("crl-pem", prefixed(&[6, 0, 0], &pki.file("ca.crl.pem"))),
                named("crl-der", prefixed(&[7, 0, 0], &pki.file("ca.crl.der"))),
                named(
                    "pkcs1-key",
                    [
                        &[0, split[0], split[1]][..],
                        &chain,
                        &pki.file("server-pkcs1.key"),
                    ]
                    .concat(),
                ),
                named(
                    "sec1-key",
                    [
                        &[0, split[0], split[1]][..],
                        &chain,
                        &pki.file("server-sec1.key"),
                    ]
                    .concat(),
                ),
                named(
                    "ocsp",
                    prefixed(&[10, 0, 0], &pki.file("ocsp-response.der")),
                ),
                // Encrypted keys (0x80: the loader is given the password first).
                named(
                    "pbes2-key",
                    [
                        &[0x80, split[0], split[1]][..],
                        &chain,
                        &encrypted(&key, &["-v2", "aes-256-cbc"]),
                    ]
                    .concat(),
                ),
                named(
                    "scrypt-key",
                    [
                        &[0x80, split[0], split[1]][..],
                        &chain,
                        &encrypted(&key, &["-scrypt"]),
                    ]
                    .concat(),
                ),
            ]
        }
        "certificate_inspection" => vec![
            named("server-der", prefixed(&[0], &pki.file("server.der"))),
            named("san-all-pem", prefixed(&[1], &pki.file("san-all.pem"))),
            named("rsa-pem", prefixed(&[1], &pki.file("server-rsa.pem"))),
        ],
        "handshake_observer" => vec![
            named(
                "client13",
                [
                    &[1][..],
                    &segment(true, &hello13),
                    &segment(false, &answer13),
                ]
                .concat(),
            ),
            named(
                "server13",
                [
                    &[0][..],
                    &segment(false, &hello13),
                    &segment(true, &answer13),
                ]
                .concat(),
            ),
            named(
                "client12",
                [
                    &[1][..],
                    &segment(true, &hello12),
                    &segment(false, &answer12),
                ]
                .concat(),
            ),
        ],
        "c_api_calls" => vec![
            // Builders, the test PKI, both configs, both connections, four pumps, a write, a
            // pump, a read, the questions, close_notify, a last pump.
            named(
                "handshake-and-data",
                vec![
                    0, 1, 2, 3, 13, 14, 15, 0, 16, 17, 7, 17, 7, 17, 7, 17, 7, 19, 0, 5, b'h',
                    b'e', b'l', b'l', b'o', 17, 7, 18, 1, 64, 22, 1, 0, 0, 20, 0, 17, 7,
                ],
            ),
            // A handshake, then callbacks calling back into their own connection: a nested
            // read, write, process and free, on both sides.
            named(
                "reentering-callbacks",
                vec![
                    0, 1, 2, 3, 13, 14, 15, 0, 16, 17, 7, 17, 7, 17, 7, 17, 7, 31, 0, 0, 31, 1, 2,
                    31, 2, 1, 31, 3, 3, 31, 0, 4, 31, 1, 5, 31, 0, 5, 17, 7,
                ],
            ),
            // The same with mutual authentication and tickets.
            named(
                "mutual-with-tickets",
                vec![
                    0, 1, 2, 3, 4, 5, 2, 12, 1, 8, 8, 13, 14, 15, 0, 16, 17, 7, 17, 7, 17, 7, 17,
                    7, 17, 7, 22, 0, 0, 0, 22, 1, 0, 0,
                ],
            ),
        ],
        "openssl_decoders" => {
            let key = pki.file("server.key");
            let [client_session, server_session] = crate::openssl::serialised_sessions();
            vec![
                named(
                    "certificate-der-with-names",
                    [&[0][..], &pki.file("server.der"), b"\x09localhost\x03::1"].concat(),
                ),
                named(
                    "certificates-pem",
                    prefixed(&[1, 0], &pki.file("server.pem")),
                ),
                named(
                    "san-all-pem-aux",
                    prefixed(&[1, 1], &pki.file("san-all.pem")),
                ),
                named("key-pem", prefixed(&[2, 0, 0, 1], &key)),
                named(
                    "key-encrypted",
                    prefixed(
                        &[2, 1, 4, b'f', b'u', b'z', b'z', 1],
                        &encrypted(&key, &["-v2", "aes-256-cbc"]),
                    ),
                ),
                // The password callback claims 80 bytes more than it wrote.
                named(
                    "key-encrypted-overstated-password",
                    prefixed(
                        &[2, 1, 4, b'f', b'u', b'z', b'z', 3],
                        &encrypted(&key, &["-v2", "aes-256-cbc"]),
                    ),
                ),
                named("client-session", prefixed(&[3], &client_session)),
                named("server-session", prefixed(&[3], &server_session)),
                named(
                    "configuration-strings",
                    [
                        &[4][..],
                        &counted(b"HIGH:!aNULL:!MD5:@STRENGTH"),
                        &counted(b"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"),
                        &counted(b"X25519:P-256:X25519MLKEM768"),
                        &counted(b"ECDSA+SHA256:RSA-PSS+SHA256"),
                        &counted(b"rsa_pss_rsae_sha256:ed25519"),
                        &counted(b"\x02h2\x08http/1.1"),
                        &counted(b"ECDHE+AESGCM"),
                        &counted(b"TLS_AES_256_GCM_SHA384"),
                        &counted(b"localhost"),
                        &counted(b"www.example.com"),
                        &counted(b"\x08http/1.1"),
                        &counted(b"2.5.4.3"),
                    ]
                    .concat(),
                ),
                named(
                    "alpn-lists",
                    [
                        &[5][..],
                        &counted(b"\x02h2\x08http/1.1"),
                        &counted(b"\x08http/1.1\x02h2"),
                    ]
                    .concat(),
                ),
                named(
                    "alpn-empty-client-list",
                    [&[5][..], &counted(b"\x02h2"), &[0]].concat(),
                ),
            ]
        }
        // Options (see the harness), then pieces of the peer's bytes, each followed by a call
        // (0: handshake, 2: read, 3: peek, 4: write, 5: shutdown).
        "openssl_connection" => vec![
            named(
                "server13-callbacks",
                [
                    &[1 | 4][..],
                    &piece(&hello13, 0),
                    &piece(&[], 0x42),
                    &piece(&[], 5),
                ]
                .concat(),
            ),
            named(
                "server12",
                [&[1 | 2][..], &piece(&hello12, 0), &piece(&[], 0x43)].concat(),
            ),
            named(
                "server13-own-verify-and-options",
                [&[1 | 16 | 32][..], &piece(&hello13, 0), &piece(&[], 0x42)].concat(),
            ),
            named(
                "client13-callbacks-verify",
                [
                    &[4 | 8][..],
                    &piece(&[], 0),
                    &piece(&answer13, 0),
                    &piece(&[], 0x44),
                ]
                .concat(),
            ),
            named(
                "client12-callbacks",
                [
                    &[2 | 4][..],
                    &piece(&[], 0),
                    &piece(&answer12, 0),
                    &piece(&[], 5),
                ]
                .concat(),
            ),
        ],
        _ => Vec::new(),
    }
}

/// A byte string as `Input::bytes` reads it: its length (up to 255), then the bytes.
fn counted(bytes: &[u8]) -> Vec<u8> {
    let len = u8::try_from(bytes.len()).expect("a short string");
    prefixed(&[len], bytes)
}

/// One step of the OpenSSL connection harness: the peer's bytes, two bytes of length first,
/// then the call to make.
fn piece(bytes: &[u8], call: u8) -> Vec<u8> {
    let len = u16::try_from(bytes.len()).expect("a flight under 64 KiB");
    [&len.to_be_bytes()[..], bytes, &[call]].concat()
}
