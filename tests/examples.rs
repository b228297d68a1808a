//! The example programs (`c-examples/tls-server.c`, `c-examples/tls-client.c`) driven as a user
//! drives them: real processes over loopback, free ports, the test PKI from `tools/test-pki`.
//!
//! Every run of an example goes through `support::wrapped`, so under `FTLS_TEST_WRAPPER`
//! (valgrind in CI) each one is also checked for memory errors and leaks. That is why servers
//! are given `--max-conns` and must exit 0 by themselves: a killed server is never checked.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::{
    cert, deadline, example, key_log_lines, read_until_closed, run_with_input, run_with_timeout,
    scratch_dir, wrapped, ExampleServer,
};

// ---- running the examples ---------------------------------------------------------------

fn tls_client(args: &[&str]) -> Output {
    run_with_timeout(wrapped(&example("tls-client")).args(args), deadline())
}

/// `tls-client --ca ca.pem EXTRA... HOST PORT`.
fn fetch_from(host: &str, server: &ExampleServer, extra: &[&str]) -> Output {
    let ca = cert("ca.pem");
    let port = server.port();
    let mut args = vec!["--ca", ca.as_str()];
    args.extend_from_slice(extra);
    args.extend([host, port.as_str()]);
    tls_client(&args)
}

fn fetch(server: &ExampleServer, extra: &[&str]) -> Output {
    fetch_from("localhost", server, extra)
}

/// The lines a program wrote itself, without the wrapper's (valgrind's `==PID==` lines).
fn own_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| !line.starts_with("=="))
        .collect()
}

fn describe(output: &Output) -> String {
    format!(
        "status {}\n--- stdout:\n{}\n--- stderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Asserts a successful GET and returns the response.
fn assert_ok(output: &Output) -> String {
    let response = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success() && response.starts_with("HTTP/1.1 200 OK\r\n"),
        "expected a 200 response and exit 0; {}",
        describe(output)
    );
    response
}

/// Asserts exit status 2 with exactly one line on stderr that names `code` (an `FTLS_*`
/// name) and returns that line.
fn assert_failed(output: &Output, code: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines = own_lines(&stderr);
    assert!(
        output.status.code() == Some(2) && lines.len() == 1 && lines[0].contains(code),
        "expected exit 2 and one stderr line naming {code}; {}",
        describe(output)
    );
    assert!(output.stdout.is_empty(), "{}", describe(output));
    lines[0].to_owned()
}

/// Asserts exit status 1 (bad arguments or files), a message containing `needle`, and no
/// output on stdout.
fn assert_usage_error(output: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.code() == Some(1) && stderr.contains(needle) && output.stdout.is_empty(),
        "expected exit 1 and a message containing {needle:?}; {}",
        describe(output)
    );
}

/// The value of a "Name: value" line of the response body.
fn body_field<'a>(response: &'a str, name: &str) -> &'a str {
    let (_, body) = response
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no body in {response:?}"));
    body.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
        .unwrap_or_else(|| panic!("no {name:?} line in the body: {body:?}"))
}

fn server_args<'a>(cert_file: &'a str, key_file: &'a str) -> Vec<&'a str> {
    vec!["--cert", cert_file, "--key", key_file]
}

/// Certificate file paths that outlive the argument vectors borrowing them.
struct Pki {
    server_pem: String,
    server_key: String,
    ca: String,
}

fn pki() -> Pki {
    Pki {
        server_pem: cert("server.pem"),
        server_key: cert("server.key"),
        ca: cert("ca.pem"),
    }
}

// ---- protocol versions and cipher suites ------------------------------------------------

#[test]
fn tls13_is_negotiated_by_default() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--max-conns", "1"]);
    let server = ExampleServer::start(&args);

    let response = assert_ok(&fetch(&server, &[]));
    assert!(response.contains("Connection: close\r\n"), "{response}");
    assert_eq!(body_field(&response, "Protocol"), "TLSv1.3");
    let suite = body_field(&response, "Cipher suite");
    assert!(
        suite.starts_with("TLS_AES_") || suite.starts_with("TLS_CHACHA20_"),
        "not a TLS 1.3 suite: {suite}"
    );
    assert_eq!(body_field(&response, "ALPN"), "none");
    assert_eq!(body_field(&response, "Client certificate"), "none");
    // Content-Length must match the body exactly.
    let (head, body) = response.split_once("\r\n\r\n").expect("head and body");
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("Content-Length: "))
        .expect("Content-Length")
        .parse()
        .expect("a number");
    assert_eq!(length, body.len(), "{response}");
    server.finish();
}

#[test]
fn tls12_when_the_client_asks_for_it() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--max-conns", "1"]);
    let server = ExampleServer::start(&args);

    let response = assert_ok(&fetch(&server, &["--tls12"]));
    assert_eq!(body_field(&response, "Protocol"), "TLSv1.2");
    let suite = body_field(&response, "Cipher suite");
    assert!(
        suite.starts_with("TLS_ECDHE_ECDSA_WITH_"),
        "not a TLS 1.2 ECDSA suite: {suite}"
    );
    server.finish();
}

#[test]
fn tls12_when_the_server_insists_on_it() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--tls12", "--max-conns", "1"]);
    let server = ExampleServer::start(&args);

    let response = assert_ok(&fetch(&server, &[]));
    assert_eq!(body_field(&response, "Protocol"), "TLSv1.2");
    assert!(body_field(&response, "Cipher suite").starts_with("TLS_ECDHE_"));
    server.finish();
}

#[test]
fn no_common_version_fails_with_the_cause_named() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--tls13", "--max-conns", "1"]);
    let mut server = ExampleServer::start(&args);

    let line = assert_failed(&fetch(&server, &["--tls12"]), "FTLS_ERR_");
    assert!(
        line.contains("FTLS_ERR_NO_COMMON_VERSION") || line.contains("protocol_version"),
        "{line}"
    );
    server.wait_for_log("[conn 1]");
    server.finish();
}

// ---- client authentication ----------------------------------------------------------------

fn client_auth_server(p: &Pki, required: bool, max_conns: &str) -> ExampleServer {
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--client-ca", &p.ca, "--max-conns", max_conns]);
    if required {
        args.push("--require-client-cert");
    }
    ExampleServer::start(&args)
}

#[test]
fn a_required_client_certificate_is_accepted_and_reported() {
    let p = pki();
    let server = client_auth_server(&p, true, "2");
    let (client_pem, client_key) = (cert("client.pem"), cert("client.key"));
    for version in ["--tls13", "--tls12"] {
        let response = assert_ok(&fetch(
            &server,
            &[version, "--cert", &client_pem, "--key", &client_key],
        ));
        assert_eq!(
            body_field(&response, "Client certificate"),
            "presented and verified"
        );
    }
    server.finish();
}

#[test]
fn a_missing_client_certificate_is_refused_and_the_server_keeps_serving() {
    let p = pki();
    let mut server = client_auth_server(&p, true, "2");

    let line = assert_failed(&fetch(&server, &[]), "FTLS_ERR_");
    assert!(
        line.contains("FTLS_ERR_CLIENT_CERT_REQUIRED") || line.contains("certificate_required"),
        "{line}"
    );
    let logged = server.wait_for_log("[conn 1]");
    assert!(logged.contains("FTLS_ERR_CLIENT_CERT_REQUIRED"), "{logged}");

    // The next client, with a certificate, is served.
    let (client_pem, client_key) = (cert("client.pem"), cert("client.key"));
    assert_ok(&fetch(
        &server,
        &["--cert", &client_pem, "--key", &client_key],
    ));
    let log = server.finish();
    let conn1: Vec<&String> = log.iter().filter(|l| l.contains("[conn 1]")).collect();
    assert_eq!(conn1.len(), 1, "one line for the refused client: {log:#?}");
    assert!(
        !log.iter().any(|l| l.contains("[conn 2]")),
        "the good client was logged as a failure: {log:#?}"
    );
}

#[test]
fn a_client_certificate_from_an_untrusted_ca_is_refused() {
    let p = pki();
    let mut server = client_auth_server(&p, true, "2");
    let (other_pem, other_key) = (cert("other-client.pem"), cert("other-client.key"));
    for version in ["--tls13", "--tls12"] {
        let line = assert_failed(
            &fetch(
                &server,
                &[version, "--cert", &other_pem, "--key", &other_key],
            ),
            "FTLS_ERR_",
        );
        assert!(line.contains("unknown_ca"), "{line}");
    }
    let logged = server.wait_for_log("[conn 1]");
    assert!(logged.contains("FTLS_ERR_CERT_UNKNOWN_ISSUER"), "{logged}");
    server.finish();
}

#[test]
fn an_optional_client_certificate_may_be_omitted() {
    let p = pki();
    let server = client_auth_server(&p, false, "2");
    let response = assert_ok(&fetch(&server, &[]));
    assert_eq!(body_field(&response, "Client certificate"), "none");
    let (client_pem, client_key) = (cert("client-rsa.pem"), cert("client-rsa.key"));
    let response = assert_ok(&fetch(
        &server,
        &["--cert", &client_pem, "--key", &client_key],
    ));
    assert_eq!(
        body_field(&response, "Client certificate"),
        "presented and verified"
    );
    server.finish();
}

// ---- ALPN ---------------------------------------------------------------------------------

#[test]
fn alpn_negotiates_the_servers_preference() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--alpn", "h2,http/1.1", "--max-conns", "2"]);
    let server = ExampleServer::start(&args);

    let response = assert_ok(&fetch(&server, &["--alpn", "h2,http/1.1"]));
    assert_eq!(body_field(&response, "ALPN"), "h2");
    let response = assert_ok(&fetch(&server, &["--alpn", "http/1.1", "--tls12"]));
    assert_eq!(body_field(&response, "ALPN"), "http/1.1");
    server.finish();
}

#[test]
fn no_common_alpn_fails_with_the_cause_named() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--alpn", "h2", "--max-conns", "1"]);
    let mut server = ExampleServer::start(&args);

    let line = assert_failed(
        &fetch(&server, &["--alpn", "spdy/3"]),
        "FTLS_ERR_NO_COMMON_ALPN",
    );
    assert!(line.contains("no_application_protocol"), "{line}");
    let logged = server.wait_for_log("[conn 1]");
    assert!(logged.contains("FTLS_ERR_NO_COMMON_ALPN"), "{logged}");
    server.finish();
}

// ---- the server's certificate, as tls-client sees it ------------------------------------

/// Runs one client against a server presenting `pem`/`key` and returns its failure line.
fn server_cert_failure(pem: &str, key: &str, extra: &[&str], code: &str) -> String {
    let (pem, key) = (cert(pem), cert(key));
    let mut args = server_args(&pem, &key);
    args.extend(["--max-conns", "1"]);
    let server = ExampleServer::start(&args);
    let line = assert_failed(&fetch(&server, extra), code);
    assert!(line.starts_with("tls-client: handshake failed: "), "{line}");
    server.finish();
    line
}

fn contains_a_date(text: &str) -> bool {
    // "YYYY-MM-DD"
    text.as_bytes().windows(10).any(|w| {
        w.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
    })
}

#[test]
fn a_server_certificate_from_an_unknown_ca_is_refused() {
    let line = server_cert_failure(
        "other-server.pem",
        "other-server.key",
        &[],
        "FTLS_ERR_CERT_UNKNOWN_ISSUER",
    );
    assert!(line.contains("unknown issuer"), "{line}");
}

/// `tls-client --system-roots localhost PORT` with the environment OpenSSL reads.
fn fetch_with_system_roots(server: &ExampleServer, env: &[(&str, &str)]) -> Output {
    let port = server.port();
    let mut command = wrapped(&example("tls-client"));
    command
        .args(["--system-roots", "localhost", port.as_str()])
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR");
    for (name, value) in env {
        command.env(name, value);
    }
    run_with_timeout(&mut command, deadline())
}

#[test]
fn system_roots_follow_ssl_cert_file_and_the_platform_store() {
    let p = pki();
    let server = ExampleServer::start(&server_args(&p.server_pem, &p.server_key));
    // SSL_CERT_FILE names the test CA: trusted, as with OpenSSL.
    assert_ok(&fetch_with_system_roots(
        &server,
        &[("SSL_CERT_FILE", &p.ca)],
    ));
    // The platform's store (Debian's ca-certificates) does not know the test CA.
    let line = assert_failed(
        &fetch_with_system_roots(&server, &[]),
        "FTLS_ERR_CERT_UNKNOWN_ISSUER",
    );
    assert!(line.contains("unknown issuer"), "{line}");
    // A bundle that cannot be read: the client says which, before connecting.
    assert_usage_error(
        &fetch_with_system_roots(&server, &[("SSL_CERT_FILE", "/nonexistent/bundle.pem")]),
        "SSL_CERT_FILE=/nonexistent/bundle.pem",
    );
}

#[test]
fn an_expired_server_certificate_is_refused_with_its_dates() {
    let line = server_cert_failure(
        "expired-server.pem",
        "expired-server.key",
        &[],
        "FTLS_ERR_CERT_EXPIRED",
    );
    assert!(line.contains("expired") && contains_a_date(&line), "{line}");
}

#[test]
fn a_not_yet_valid_server_certificate_is_refused_with_its_dates() {
    let line = server_cert_failure(
        "notyet-server.pem",
        "notyet-server.key",
        &[],
        "FTLS_ERR_CERT_NOT_YET_VALID",
    );
    assert!(
        line.contains("not valid yet") && contains_a_date(&line),
        "{line}"
    );
}

#[test]
fn a_server_certificate_for_another_name_is_refused() {
    let line = server_cert_failure(
        "server.pem",
        "server.key",
        &["--servername", "wrong.example"],
        "FTLS_ERR_CERT_NAME_MISMATCH",
    );
    assert!(line.contains("wrong.example"), "{line}");
}

#[test]
fn an_ip_address_host_is_verified_against_the_ip_san() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--max-conns", "1"]);
    let server = ExampleServer::start(&args);
    assert_ok(&fetch_from("127.0.0.1", &server, &[]));
    server.finish();
}

// ---- key types and encodings ------------------------------------------------------------

fn serves_with(pem: &str, key: &str, expected_suite_part: &str) {
    let (pem, key) = (cert(pem), cert(key));
    let mut args = server_args(&pem, &key);
    args.extend(["--max-conns", "2"]);
    let server = ExampleServer::start(&args);
    assert_ok(&fetch(&server, &["--tls13"]));
    // TLS 1.2 suites name the signature algorithm: check the right key is really used.
    let response = assert_ok(&fetch(&server, &["--tls12"]));
    let suite = body_field(&response, "Cipher suite");
    assert!(suite.contains(expected_suite_part), "{suite}");
    server.finish();
}

#[test]
fn an_rsa_2048_server_certificate_works() {
    serves_with("server-rsa.pem", "server-rsa.key", "_RSA_");
}

#[test]
fn a_pkcs1_rsa_key_works() {
    serves_with("server-rsa.pem", "server-pkcs1.key", "_RSA_");
}

#[test]
fn a_sec1_ec_key_works() {
    serves_with("server.pem", "server-sec1.key", "_ECDSA_");
}

// ---- echo and --stdin ---------------------------------------------------------------------

/// Deterministic pseudo-random bytes (xorshift64*).
fn pseudo_random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        bytes.extend_from_slice(&seed.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// FNV-1a, 64 bits: enough to tell two byte streams apart in a test.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn echo_server(p: &Pki, max_conns: &str) -> ExampleServer {
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--echo", "--max-conns", max_conns]);
    ExampleServer::start(&args)
}

fn echo_through(server: &ExampleServer, extra: &[&str], input: Vec<u8>) -> Output {
    let (ca, port) = (cert("ca.pem"), server.port());
    let mut args = vec!["--ca", ca.as_str(), "--stdin"];
    args.extend_from_slice(extra);
    args.extend(["localhost", port.as_str()]);
    run_with_input(
        wrapped(&example("tls-client")).args(&args),
        input,
        deadline(),
    )
}

#[test]
fn echo_returns_64_mib_unchanged() {
    const LEN: usize = 64 << 20;
    let p = pki();
    let server = echo_server(&p, "1");
    let input = pseudo_random_bytes(LEN, 0x5eed_f00d_cafe_d00d);
    let expected = fnv1a64(&input);

    let started = Instant::now();
    let output = echo_through(&server, &[], input);
    let elapsed = started.elapsed();
    assert!(
        output.status.success() && own_lines(&String::from_utf8_lossy(&output.stderr)).is_empty(),
        "status {}; stderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout.len(), LEN, "echoed length");
    assert_eq!(fnv1a64(&output.stdout), expected, "echoed bytes differ");
    println!("64 MiB echoed through tls-client --stdin and tls-server --echo in {elapsed:.2?}");
    server.finish();
}

#[test]
fn echo_of_a_short_input_and_of_nothing_over_both_versions() {
    // Short inputs end before the handshake does: close_notify must still come after the data.
    let p = pki();
    let server = echo_server(&p, "4");
    for version in ["--tls13", "--tls12"] {
        let output = echo_through(&server, &[version], b"hello, echo\n".to_vec());
        assert!(output.status.success(), "{}", describe(&output));
        assert_eq!(output.stdout, b"hello, echo\n");
        let output = echo_through(&server, &[version], Vec::new());
        assert!(output.status.success(), "{}", describe(&output));
        assert!(output.stdout.is_empty());
    }
    server.finish();
}

#[test]
fn an_over_long_request_head_is_refused_with_431() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--max-conns", "1"]);
    let mut server = ExampleServer::start(&args);
    let output = echo_through(&server, &[], vec![b'A'; 100_000]);
    assert!(output.status.success(), "{}", describe(&output));
    assert!(
        output
            .stdout
            .starts_with(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        "{}",
        describe(&output)
    );
    server.wait_for_log("too long");
    server.finish();
}

// ---- --trace --------------------------------------------------------------------------------

/// The trace lines in `stderr` that carry `prefix` (e.g. "[conn 1] "), without it.
fn trace_of<'a>(stderr: &'a str, prefix: &str) -> Vec<&'a str> {
    stderr
        .lines()
        .filter_map(|line| line.strip_prefix(prefix))
        .filter(|line| {
            line.starts_with("-> ") || line.starts_with("<- ") || line.starts_with("handshake: ")
        })
        .collect()
}

/// Checks the shape of each message line and returns the messages as "-> Name", in order,
/// followed by the summary line (which must come last, exactly once).
fn parse_trace<'a>(trace: &[&'a str]) -> (Vec<String>, &'a str) {
    let (summary, messages) = trace
        .split_last()
        .unwrap_or_else(|| panic!("no trace lines at all"));
    assert!(
        summary.starts_with("handshake: "),
        "the summary line must come last: {trace:#?}"
    );
    let names = messages
        .iter()
        .map(|line| {
            let (arrow, rest) = line.split_at(3);
            if rest == "ChangeCipherSpec" {
                return format!("{arrow}{rest}");
            }
            let (name, length) = rest
                .split_once(" (")
                .unwrap_or_else(|| panic!("no length in {line:?}"));
            let bytes: usize = length
                .strip_suffix(" bytes)")
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("bad length in {line:?}"));
            assert!(
                bytes > 0 || name == "ServerHelloDone",
                "empty message: {line:?}"
            );
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
                "bad name in {line:?}"
            );
            format!("{arrow}{name}")
        })
        .collect();
    (names, summary)
}

fn tls13_client_view(client_auth: bool) -> Vec<&'static str> {
    let mut expected = vec!["-> ClientHello", "<- ServerHello", "<- EncryptedExtensions"];
    if client_auth {
        expected.push("<- CertificateRequest");
    }
    expected.extend(["<- Certificate", "<- CertificateVerify", "<- Finished"]);
    if client_auth {
        expected.extend(["-> Certificate", "-> CertificateVerify"]);
    }
    expected.push("-> Finished");
    expected
}

fn tls12_client_view(client_auth: bool) -> Vec<&'static str> {
    let mut expected = vec![
        "-> ClientHello",
        "<- ServerHello",
        "<- Certificate",
        "<- ServerKeyExchange",
    ];
    if client_auth {
        expected.push("<- CertificateRequest");
    }
    expected.push("<- ServerHelloDone");
    if client_auth {
        expected.push("-> Certificate");
    }
    expected.push("-> ClientKeyExchange");
    if client_auth {
        expected.push("-> CertificateVerify");
    }
    expected.extend(["-> ChangeCipherSpec", "-> Finished"]);
    expected.extend(["<- ChangeCipherSpec", "<- Finished"]);
    expected
}

/// The same handshake seen from the other end.
fn flipped(view: &[&str]) -> Vec<String> {
    view.iter()
        .map(|m| match m.split_at(3) {
            ("-> ", name) => format!("<- {name}"),
            (_, name) => format!("-> {name}"),
        })
        .collect()
}

/// TLS 1.3 middlebox-compatibility ChangeCipherSpec records may or may not appear.
fn without_ccs(messages: Vec<String>) -> Vec<String> {
    messages
        .into_iter()
        .filter(|m| !m.ends_with("ChangeCipherSpec"))
        .collect()
}

/// TLS 1.2: a NewSessionTicket may come just before the server's ChangeCipherSpec.
fn without_tls12_ticket(messages: Vec<String>) -> Vec<String> {
    messages
        .into_iter()
        .filter(|m| !m.ends_with(" NewSessionTicket"))
        .collect()
}

fn assert_summary(summary: &str, version: &str, response: &str, alpn: &str) {
    let words: Vec<&str> = summary.split(' ').collect();
    assert_eq!(words.len(), 6, "summary: {summary:?}");
    assert_eq!(words[0], "handshake:");
    assert_eq!(words[1], version, "summary: {summary:?}");
    assert_eq!(
        words[2],
        body_field(response, "Cipher suite"),
        "summary: {summary:?}"
    );
    assert_eq!(
        words[3],
        body_field(response, "Key exchange"),
        "summary: {summary:?}"
    );
    assert_eq!(words[4], format!("alpn={alpn}"), "summary: {summary:?}");
    assert_eq!(words[5], "resumed=no", "summary: {summary:?}");
}

fn traced_client(version: &str, client_auth: bool, alpn: &str) {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--alpn", "h2,http/1.1", "--max-conns", "1"]);
    if client_auth {
        args.extend(["--client-ca", &p.ca, "--require-client-cert"]);
    }
    let server = ExampleServer::start(&args);
    let (client_pem, client_key) = (cert("client.pem"), cert("client.key"));
    let mut extra = vec!["--trace", version];
    if client_auth {
        extra.extend(["--cert", &client_pem, "--key", &client_key]);
    }
    if alpn != "none" {
        extra.extend(["--alpn", alpn]);
    }
    let output = fetch(&server, &extra);
    let response = assert_ok(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let (messages, summary) = parse_trace(&trace_of(&stderr, ""));

    if version == "--tls13" {
        assert_eq!(without_ccs(messages), tls13_client_view(client_auth));
        assert_summary(summary, "TLSv1.3", &response, alpn);
    } else {
        assert_eq!(
            without_tls12_ticket(messages),
            tls12_client_view(client_auth)
        );
        assert_summary(summary, "TLSv1.2", &response, alpn);
    }
    server.finish();
}

#[test]
fn client_trace_tls13() {
    traced_client("--tls13", false, "h2");
}

#[test]
fn client_trace_tls13_with_client_certificate() {
    traced_client("--tls13", true, "none");
}

#[test]
fn client_trace_tls12() {
    traced_client("--tls12", false, "http/1.1");
}

#[test]
fn client_trace_tls12_with_client_certificate() {
    traced_client("--tls12", true, "none");
}

#[test]
fn server_trace_prefixes_each_line_with_the_connection() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--trace", "--max-conns", "2"]);
    let server = ExampleServer::start(&args);
    let tls13 = assert_ok(&fetch(&server, &["--tls13"]));
    let tls12 = assert_ok(&fetch(&server, &["--tls12"]));
    let log = server.finish().join("\n");

    for (conn, response, version) in [(1, &tls13, "TLSv1.3"), (2, &tls12, "TLSv1.2")] {
        let prefix = format!("[conn {conn}] ");
        let (messages, summary) = parse_trace(&trace_of(&log, &prefix));
        if version == "TLSv1.3" {
            // The tickets the server sends after the handshake, before the summary.
            let tickets = messages.iter().rev();
            let tickets = tickets.take_while(|m| *m == "-> NewSessionTicket").count();
            assert!(
                tickets > 0,
                "the server traces its TLS 1.3 tickets: {messages:#?}"
            );
            let handshake = messages[..messages.len() - tickets].to_vec();
            assert_eq!(without_ccs(handshake), flipped(&tls13_client_view(false)));
        } else {
            assert_eq!(
                without_tls12_ticket(messages),
                flipped(&tls12_client_view(false))
            );
        }
        assert_summary(summary, version, response, "none");
    }
    // Every trace line says which connection it belongs to.
    for line in own_lines(&log) {
        if line.contains("-> ") || line.contains("<- ") || line.contains("handshake: ") {
            assert!(
                line.starts_with("[conn "),
                "unprefixed trace line: {line:?}"
            );
        }
    }
}

// ---- --max-conns ----------------------------------------------------------------------------

#[test]
fn max_conns_makes_the_server_exit_0_after_that_many_connections() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--max-conns", "3"]);
    let server = ExampleServer::start(&args);
    let port = server.port;
    // Failed connections count too.
    assert_ok(&fetch(&server, &[]));
    assert_failed(
        &fetch(&server, &["--servername", "wrong.example"]),
        "FTLS_ERR_",
    );
    assert_ok(&fetch(&server, &[]));
    server.finish();
    // It has exited, so nobody listens there any more.
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

// ---- --resume and --keylog -----------------------------------------------------------------

/// The client's `connection K: ...` lines.
fn resume_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.starts_with("connection "))
        .map(str::to_owned)
        .collect()
}

fn resumes_against_tls_server(version: &str) {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--max-conns", "3"]);
    let server = ExampleServer::start(&args);
    let output = fetch(&server, &[version, "--resume", "2"]);
    let response = assert_ok(&output);
    assert_eq!(
        resume_lines(&output),
        [
            "connection 1: full handshake",
            "connection 2: resumed",
            "connection 3: resumed"
        ],
        "{}",
        describe(&output)
    );
    // One response per connection, each complete.
    assert_eq!(
        response.matches("HTTP/1.1 200 OK\r\n").count(),
        3,
        "{response}"
    );
    let expected = if version == "--tls12" {
        "TLSv1.2"
    } else {
        "TLSv1.3"
    };
    assert_eq!(body_field(&response, "Protocol"), expected);
    server.finish();
}

#[test]
fn resume_tls13_against_tls_server() {
    resumes_against_tls_server("--tls13");
}

#[test]
fn resume_tls12_against_tls_server() {
    resumes_against_tls_server("--tls12");
}

#[test]
fn resume_0_is_just_the_first_connection_and_resumption_shows_in_the_trace() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--max-conns", "4"]);
    let server = ExampleServer::start(&args);
    let output = fetch(&server, &["--resume", "0"]);
    assert_ok(&output);
    assert_eq!(resume_lines(&output), ["connection 1: full handshake"]);
    // Without --resume, no such line at all.
    let output = fetch(&server, &[]);
    assert_ok(&output);
    assert!(resume_lines(&output).is_empty(), "{}", describe(&output));

    // A resumed TLS 1.3 handshake has no certificate messages; the summary says so.
    let output = fetch(&server, &["--trace", "--resume", "1"]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{}", describe(&output));
    let trace = trace_of(&stderr, "");
    let split = trace
        .iter()
        .position(|line| line.starts_with("handshake: "))
        .expect("a first summary");
    let (first, second) = trace.split_at(split + 1);
    let (messages, summary) = parse_trace(first);
    assert!(summary.ends_with("resumed=no"), "{summary}");
    assert!(
        messages.contains(&"<- Certificate".to_owned()),
        "{messages:?}"
    );
    let (messages, summary) = parse_trace(second);
    assert!(summary.ends_with("resumed=yes"), "{summary}");
    assert_eq!(
        without_ccs(messages),
        [
            "-> ClientHello",
            "<- ServerHello",
            "<- EncryptedExtensions",
            "<- Finished",
            "-> Finished"
        ]
    );
    server.finish();
}

#[test]
fn keylog_files_of_client_and_server_hold_the_same_lines() {
    let dir = scratch_dir("keylog-examples");
    let (server_log, client_log) = (dir.join("server.log"), dir.join("client.log"));
    let (server_log_arg, client_log_arg) = (
        server_log.display().to_string(),
        client_log.display().to_string(),
    );
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--max-conns", "4", "--keylog", &server_log_arg]);
    let server = ExampleServer::start(&args);
    assert_ok(&fetch(&server, &["--tls13", "--keylog", &client_log_arg]));
    assert_ok(&fetch(&server, &["--tls12", "--keylog", &client_log_arg]));
    // A resumed TLS 1.3 connection logs the same five kinds of lines on both sides.
    let output = fetch(
        &server,
        &["--tls13", "--resume", "1", "--keylog", &client_log_arg],
    );
    server.finish();
    assert_ok(&output);
    let lines = key_log_lines(&client_log);
    assert_eq!(lines, key_log_lines(&server_log));
    let count = |label: &str| {
        lines
            .iter()
            .filter(|line| line.starts_with(&format!("{label} ")))
            .count()
    };
    assert_eq!(count("CLIENT_RANDOM"), 1, "{lines:#?}");
    for label in [
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_TRAFFIC_SECRET_0",
        "SERVER_TRAFFIC_SECRET_0",
        "EXPORTER_SECRET",
    ] {
        assert_eq!(count(label), 3, "{label}: {lines:#?}");
    }
    assert_eq!(lines.len(), 16, "{lines:#?}");
    for line in &lines {
        let words: Vec<&str> = line.split(' ').collect();
        assert!(
            words.len() == 3
                && words[1].len() == 64
                && [64, 96].contains(&words[2].len())
                && words[1..]
                    .iter()
                    .all(|w| w.chars().all(|c| c.is_ascii_hexdigit())),
            "not an NSS key-log line: {line}"
        );
    }
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&client_log).expect("stat").permissions(),
    );
    assert_eq!(
        mode & 0o777,
        0o600,
        "the key log is readable by its owner only"
    );
}

// ---- bad arguments and files ----------------------------------------------------------------

#[test]
fn client_bad_arguments_exit_1_with_a_clear_message() {
    let ca = cert("ca.pem");
    let client_pem = cert("client.pem");
    let cases: &[(&[&str], &str)] = &[
        (&["--bogus", "localhost", "1"], "unknown option --bogus"),
        (&["--ca", &ca], "missing HOST"),
        (&["--ca", &ca, "localhost"], "missing PORT"),
        (
            &["--ca", &ca, "--tls12", "--tls13", "localhost", "1"],
            "--tls12 and --tls13",
        ),
        (
            &["--ca", "/nonexistent/ca.pem", "localhost", "1"],
            "FTLS_ERR_FILE",
        ),
        (
            &["--ca", &ca, "--cert", &client_pem, "localhost", "1"],
            "--cert and --key",
        ),
        (
            &[
                "--ca",
                &ca,
                "--keylog",
                "/nonexistent/k.log",
                "localhost",
                "1",
            ],
            "cannot open --keylog: cannot open the key-log file /nonexistent/k.log",
        ),
        (
            &["--ca", &ca, "--resume", "many", "localhost", "1"],
            "--resume needs a number from 0 to 1000, not many",
        ),
        (
            &["--ca", &ca, "--resume", "-1", "localhost", "1"],
            "--resume needs a number",
        ),
        (
            &["--ca", &ca, "--resume", "1001", "localhost", "1"],
            "--resume needs a number",
        ),
        (
            &["--ca", &ca, "--resume", "1", "--stdin", "localhost", "1"],
            "--resume repeats the GET: it cannot be used with --stdin",
        ),
        (
            &["--ca", &ca, "localhost", "1", "--keylog"],
            "missing value after --keylog",
        ),
        (
            &["--system-roots", "--ca", &ca, "localhost", "1"],
            "--system-roots and --ca / --webpki-roots exclude each other",
        ),
        (
            &["--ca", &ca, "--webpki-roots", "localhost", "1"],
            "exclude each other",
        ),
        (
            &["--ca", &ca, "--servername"],
            "missing value after --servername",
        ),
        (
            &["--ca", &ca, "localhost", "1", "/", "extra"],
            "unexpected argument extra",
        ),
    ];
    for (args, needle) in cases {
        let output = tls_client(args);
        assert_usage_error(&output, needle);
    }
    // The detail names the file and the reason.
    let output = tls_client(&["--ca", "/nonexistent/ca.pem", "localhost", "1"]);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("/nonexistent/ca.pem"),
        "{}",
        describe(&output)
    );
}

#[test]
fn client_unusable_files_exit_1_naming_the_cause() {
    let ca = cert("ca.pem");
    let (garbage, client_pem, mismatch) = (
        cert("garbage.pem"),
        cert("client.pem"),
        cert("mismatch.key"),
    );
    let output = tls_client(&["--ca", &garbage, "localhost", "1"]);
    assert_usage_error(&output, "FTLS_ERR_BAD_PEM");
    let output = tls_client(&[
        "--ca",
        &ca,
        "--cert",
        &client_pem,
        "--key",
        &mismatch,
        "localhost",
        "1",
    ]);
    assert_usage_error(&output, "FTLS_ERR_KEY_MISMATCH");
}

#[test]
fn server_bad_arguments_and_files_exit_1_naming_the_cause() {
    let (pem, key) = (cert("server.pem"), cert("server.key"));
    let (mismatch, garbage, no_cert) = (
        cert("mismatch.key"),
        cert("garbage.pem"),
        cert("no-cert.pem"),
    );
    let cases: &[(&[&str], &str)] = &[
        (&["--key", &key], "--cert and --key are required"),
        (
            &["--cert", &pem, "--key", &key, "--bogus"],
            "unknown option --bogus",
        ),
        (
            &["--cert", &pem, "--key", &mismatch],
            "FTLS_ERR_KEY_MISMATCH",
        ),
        (&["--cert", &garbage, "--key", &key], "FTLS_ERR_BAD_PEM"),
        (
            &["--cert", &no_cert, "--key", &key],
            "FTLS_ERR_NO_CERTIFICATE",
        ),
        (
            &["--cert", "/nonexistent/server.pem", "--key", &key],
            "FTLS_ERR_FILE",
        ),
        (
            &[
                "--cert",
                &pem,
                "--key",
                &key,
                "--keylog",
                "/nonexistent/k.log",
            ],
            "cannot open --keylog: cannot open the key-log file /nonexistent/k.log: No such \
             file or directory (errno 2) (FTLS_ERR_FILE)",
        ),
        (
            &["--cert", &pem, "--key", &key, "--tls12", "--tls13"],
            "--tls12 and --tls13",
        ),
        (
            &["--cert", &pem, "--key", &key, "--port", "70000"],
            "--port",
        ),
        (
            &["--cert", &pem, "--key", &key, "--max-conns", "many"],
            "--max-conns",
        ),
        (
            &["--cert", &pem, "--key", &key, "--require-client-cert"],
            "--client-ca",
        ),
        (
            &["--cert", &pem, "--key", &key, "--alpn", "h2,,x"],
            "--alpn",
        ),
        (
            &["--cert", &pem, "--key", &key, "--handshake-timeout", "0"],
            "--handshake-timeout needs seconds from 0.001 to 86400, not 0",
        ),
        (
            &["--cert", &pem, "--key", &key, "--handshake-timeout", "nan"],
            "--handshake-timeout needs seconds",
        ),
        (
            &["--cert", &pem, "--key", &key, "--idle-timeout", "2s"],
            "--idle-timeout needs seconds from 0.001 to 86400, not 2s",
        ),
        (
            &["--cert", &pem, "--key", &key, "--idle-timeout", "1e9"],
            "--idle-timeout needs seconds",
        ),
    ];
    for (args, needle) in cases {
        let output = run_with_timeout(wrapped(&example("tls-server")).args(*args), deadline());
        assert_usage_error(&output, needle);
    }
}

// ---- network failures -----------------------------------------------------------------------

#[test]
fn connection_refused_exits_2_with_the_cause() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    }; // dropped: nobody listens there now
    let ca = cert("ca.pem");
    let output = tls_client(&["--ca", &ca, "127.0.0.1", &port.to_string()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines = own_lines(&stderr);
    assert!(
        output.status.code() == Some(2)
            && lines.len() == 1
            && lines[0].contains("cannot connect")
            && lines[0].contains("refused"),
        "{}",
        describe(&output)
    );
}

#[test]
fn a_stream_cut_without_close_notify_is_a_failure() {
    // A raw TCP "server" that completes nothing: it reads the ClientHello record whole (so
    // closing sends a plain FIN, not a reset) and hangs up.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let hangup = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        let mut header = [0u8; 5];
        stream.read_exact(&mut header).expect("a TLS record header");
        let mut body = vec![0u8; usize::from(u16::from_be_bytes([header[3], header[4]]))];
        stream.read_exact(&mut body).expect("the ClientHello");
    });
    let ca = cert("ca.pem");
    let output = tls_client(&["--ca", &ca, "localhost", &port.to_string()]);
    hangup.join().expect("the raw server");
    assert_failed(&output, "FTLS_ERR_UNEXPECTED_EOF");
}

#[test]
fn a_response_cut_without_close_notify_is_a_failure() {
    // A rustls server that answers, then closes the TCP stream without close_notify: what a
    // truncation attack looks like. The client must not call that a complete response.
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = CertificateDer::pem_file_iter(cert("server.pem"))
        .expect("server.pem")
        .collect::<Result<Vec<_>, _>>()
        .expect("certificates");
    let key = PrivateKeyDer::from_pem_file(cert("server.key")).expect("server.key");
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .expect("server config");

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let server = std::thread::spawn(move || {
        let (mut tcp, _) = listener.accept().expect("accept");
        let mut tls = rustls::ServerConnection::new(std::sync::Arc::new(config)).expect("conn");
        let mut request = Vec::new();
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            tls.complete_io(&mut tcp).expect("handshake and request");
            let mut buf = [0u8; 1024];
            if let Ok(n) = tls.reader().read(&mut buf) {
                request.extend_from_slice(&buf[..n]);
            }
        }
        tls.writer()
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
            .expect("response");
        while tls.wants_write() {
            tls.write_tls(&mut tcp).expect("send");
        }
        // Dropped without send_close_notify: a bare FIN.
    });

    let ca = cert("ca.pem");
    let output = tls_client(&["--ca", &ca, "localhost", &port.to_string()]);
    server.join().expect("the rustls server");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines = own_lines(&stderr);
    assert!(
        output.status.code() == Some(2)
            && lines.len() == 1
            && lines[0].contains("FTLS_ERR_UNEXPECTED_EOF"),
        "{}",
        describe(&output)
    );
    // What did arrive is passed on; the exit status says it is incomplete.
    assert!(output.stdout.ends_with(b"partial"), "{}", describe(&output));
}

// ---- robustness of the server ---------------------------------------------------------------

#[test]
fn plaintext_http_gets_an_alert_and_the_server_keeps_serving() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--max-conns", "2"]);
    let mut server = ExampleServer::start(&args);

    let mut raw = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    raw.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .expect("send");
    let answer = read_until_closed(&mut raw);
    assert_eq!(
        answer.first(),
        Some(&0x15),
        "expected a TLS alert record: {answer:?}"
    );
    let logged = server.wait_for_log("[conn 1]");
    assert!(
        logged.contains("handshake failed") && logged.contains("FTLS_ERR_"),
        "{logged}"
    );

    assert_ok(&fetch(&server, &[]));
    server.finish();
}

#[test]
fn a_client_closing_mid_handshake_does_not_stop_the_server() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--max-conns", "2"]);
    let mut server = ExampleServer::start(&args);

    // The start of a ClientHello record (announcing 512 bytes), then a hang-up.
    let mut raw = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    raw.write_all(&[
        0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03,
    ])
    .expect("send");
    drop(raw);
    let logged = server.wait_for_log("[conn 1]");
    assert!(logged.contains("FTLS_ERR_UNEXPECTED_EOF"), "{logged}");

    assert_ok(&fetch(&server, &[]));
    server.finish();
}

#[test]
fn stalled_clients_do_not_delay_others() {
    let p = pki();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--max-conns", "3"]);
    let server = ExampleServer::start(&args);

    // One stalls before the handshake (connected, silent)...
    let mut silent = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    // ...one mid-request: half a request on its stdin, which stays open. Its --trace summary
    // line says when the handshake is done, so the server is then waiting for the rest.
    let (ca, port) = (cert("ca.pem"), server.port());
    let mut half = wrapped(&example("tls-client"))
        .args(["--ca", &ca, "--trace", "--stdin", "localhost", &port])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tls-client");
    let mut half_stdin = half.stdin.take().expect("piped");
    half_stdin
        .write_all(b"GET /slow HTTP/1.1\r\nHost: localhost\r\n")
        .expect("half a request");
    let half_stderr = half.stderr.take().expect("piped");
    let (line_tx, half_lines) = mpsc::channel();
    let half_reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in BufReader::new(half_stderr).lines().map_while(Result::ok) {
            let _ = line_tx.send(line.clone());
            all.push(line);
        }
        all
    });
    let end = Instant::now() + deadline();
    loop {
        let left = end.saturating_duration_since(Instant::now());
        match half_lines.recv_timeout(left) {
            Ok(line) if line.starts_with("handshake: ") => break,
            Ok(_) => {}
            Err(e) => panic!("the half-request client never completed its handshake: {e}"),
        }
    }

    // A good client completes while both are stalled.
    assert_ok(&fetch(&server, &[]));
    assert!(
        half.try_wait().expect("wait").is_none(),
        "the half request ended early"
    );
    silent.set_nonblocking(true).expect("non-blocking");
    let mut byte = [0u8; 1];
    match silent.read(&mut byte) {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {} // still open, nothing sent
        other => panic!("the silent connection was not left alone: {other:?}"),
    }

    // Ending them is logged, one line each, and the server finishes.
    drop(silent);
    drop(half_stdin); // tls-client sends close_notify: the request ends unfinished
    let mut half_stdout = half.stdout.take().expect("piped");
    let stdout_reader = std::thread::spawn(move || {
        let mut response = Vec::new();
        let _ = half_stdout.read_to_end(&mut response);
        response
    });
    let end = Instant::now() + deadline();
    let status = loop {
        if let Some(status) = half.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > end {
            let _ = half.kill();
            panic!("the half-request client did not finish after its stdin closed");
        }
        std::thread::sleep(Duration::from_millis(5)); // polling a child, not synchronising
    };
    let response = stdout_reader.join().expect("stdout reader");
    let half_stderr = half_reader.join().expect("stderr reader").join("\n");
    assert!(
        status.success() && response.is_empty(),
        "status {status}:\n{half_stderr}"
    );
    let log = server.finish();
    assert!(
        log.iter().any(|l| l.contains("FTLS_ERR_UNEXPECTED_EOF")),
        "the silent client's end was not logged: {log:#?}"
    );
    assert!(
        log.iter()
            .any(|l| l.contains("before sending a complete request")),
        "the half request was not logged: {log:#?}"
    );
}

#[test]
fn serves_many_concurrent_connections() {
    const IDLE: usize = 300;
    let p = pki();
    let max_conns = (IDLE + 1).to_string();
    let mut args = server_args(&p.server_pem, &p.server_key);
    args.extend(["--max-conns", &max_conns]);
    let server = ExampleServer::start(&args);

    let idle: Vec<TcpStream> = (0..IDLE)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).expect("connect"))
        .collect();
    assert_ok(&fetch(&server, &[]));
    drop(idle);
    let log = server.finish();
    let dropped = log
        .iter()
        .filter(|l| l.contains("FTLS_ERR_UNEXPECTED_EOF"))
        .count();
    assert_eq!(dropped, IDLE, "one line per idle connection: {log:#?}");
}

// ---- memory-pipe: the callback API without a socket -----------------------------------------

fn memory_pipe(args: &[&str]) -> Output {
    run_with_timeout(wrapped(&example("memory-pipe")).args(args), deadline())
}

#[test]
fn memory_pipe_converses_through_in_memory_queues() {
    let p = pki();
    let output = memory_pipe(&[&p.ca, &p.server_pem, &p.server_key]);
    assert!(
        output.status.success() && own_lines(&String::from_utf8_lossy(&output.stderr)).is_empty(),
        "{}",
        describe(&output)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    assert!(
        lines[0].starts_with("handshake complete: TLSv1.3 TLS_"),
        "{stdout}"
    );
    assert_eq!(
        lines[1..5],
        [
            "server received: ping over memory",
            "client received: pong: ping over memory",
            "client: the server closed its side cleanly (close_notify)",
            "server: the client closed its side cleanly (close_notify)",
        ],
        "{stdout}"
    );
    // Both directions carried more than one 1 KiB queue holds: the callbacks said EAGAIN and
    // the conversation went on.
    let totals: Vec<usize> = lines[5]
        .strip_prefix("TLS bytes through memory: ")
        .unwrap_or_else(|| panic!("no byte counts: {stdout}"))
        .split(", ")
        .map(|part| {
            part.split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("not a count: {part:?}"))
        })
        .collect();
    assert!(
        totals.len() == 2 && totals.iter().all(|&n| n > 1024),
        "{stdout}"
    );
}

#[test]
fn memory_pipe_reports_both_sides_of_a_failed_handshake() {
    let p = pki();
    let output = memory_pipe(&[&cert("other-ca.pem"), &p.server_pem, &p.server_key]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines = own_lines(&stderr);
    assert!(
        output.status.code() == Some(2)
            && lines.len() == 2
            && lines[0].starts_with("memory-pipe: client: handshake failed: ")
            && lines[0].ends_with("(FTLS_ERR_CERT_UNKNOWN_ISSUER)")
            && lines[1].starts_with("memory-pipe: server: handshake failed: ")
            && lines[1].contains("unknown_ca"),
        "the client's failure and the alert the server heard; {}",
        describe(&output)
    );

    let output = memory_pipe(&[&p.ca, &p.server_pem, "/nonexistent/key.pem"]);
    assert_usage_error(&output, "FTLS_ERR_FILE");
    let output = memory_pipe(&[&p.ca]);
    assert_usage_error(&output, "usage: memory-pipe CA.pem CHAIN.pem KEY.pem");
}
