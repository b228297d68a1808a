//! The SSL side of the compatibility library, through C programs written as OpenSSL programs
//! are (compat/tests/c): each runs against OpenSSL's own tools as peers, and the in-process
//! program is also built against the system's OpenSSL and must print the same.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use support::{
    build_c_program, build_c_program_with_openssl, certs_dir, ensure_tools, normalise, run,
};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Client and server in one process over memory BIOs: the same transcript as with OpenSSL
/// (SSL_get_error at each step, peek/pending, the two-step shutdown, unexpected EOF with and
/// without SSL_OP_IGNORE_UNEXPECTED_EOF, the error-queue lines, the verify depth limit
/// counting the trust anchor when no verify callback is set).
#[test]
fn memory_bios_behave_as_with_openssl() {
    let certs = certs_dir();
    let args = [
        certs.join("server.pem"),
        certs.join("server.key"),
        certs.join("ca.pem"),
        certs.join("inter-server-chain.pem"),
        certs.join("inter-server.key"),
    ];
    let args: Vec<&str> = args
        .iter()
        .map(|p| p.to_str().expect("UTF-8 path"))
        .collect();
    let ours = run(&build_c_program("mem_pair"), &args);
    let theirs = run(&build_c_program_with_openssl("mem_pair"), &args);
    let lines = |out: &[u8]| text(out).lines().map(normalise).collect::<Vec<_>>();
    assert_eq!(
        ours.status.code(),
        Some(0),
        "{}{}",
        text(&ours.stdout),
        text(&ours.stderr)
    );
    assert_eq!(theirs.status.code(), Some(0), "{}", text(&theirs.stderr));
    assert_eq!(lines(&ours.stdout), lines(&theirs.stdout));
    let out = text(&ours.stdout);
    for expected in [
        "server read before data: -1 WANT_READ",
        "server read after close_notify: 0 ZERO_RETURN, shutdown state 2",
        "truncated: read 0 SSL",
        "error:0A000126:SSL routines:",
        "truncated, ignored: read 0 ZERO_RETURN",
        "verify depth 0: handshake failed, verify result 22",
        "verify depth 1: handshake done, verify result 0",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
}

/// `openssl s_server -rev` on an ephemeral port; returns it with its port.
fn s_server(extra: &[&str]) -> (Child, u16) {
    ensure_tools(&["openssl"]);
    let certs = certs_dir();
    let mut child = Command::new("openssl")
        .args(["s_server", "-accept", "0", "-rev", "-naccept", "1"])
        .arg("-cert")
        .arg(certs.join("server.pem"))
        .arg("-key")
        .arg(certs.join("server.key"))
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .stdin(Stdio::null())
        .spawn()
        .expect("openssl s_server starts");
    let stdout = child.stdout.take().expect("piped");
    let mut lines = BufReader::new(stdout).lines();
    let port = loop {
        let line = lines
            .next()
            .expect("s_server says ACCEPT")
            .expect("readable");
        if let Some(rest) = line.strip_prefix("ACCEPT ") {
            break rest
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .expect("a port");
        }
    };
    // Keep draining its output so that it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, port)
}

fn client(port: u16, ca: &str, name: &str) -> std::process::Output {
    let certs = certs_dir();
    let ca = certs.join(ca);
    run(
        &build_c_program("client"),
        &[
            "127.0.0.1",
            &port.to_string(),
            ca.to_str().expect("UTF-8"),
            name,
            "hello\n",
        ],
    )
}

#[test]
fn blocking_client_talks_to_openssl_s_server() {
    let (mut server, port) = s_server(&["-alpn", "http/1.1"]);
    let out = client(port, "ca.pem", "localhost");
    let _ = server.kill();
    let _ = server.wait();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.starts_with("olleh\n"), "{stdout}");
    assert!(
        stdout.contains("version TLSv1.3 cipher TLS_AES_256_GCM_SHA384 alpn http/1.1 verify 0"),
        "{stdout}"
    );
}

#[test]
fn an_unknown_issuer_fails_as_openssl_reports_it() {
    let (mut server, port) = s_server(&[]);
    let out = client(port, "other-ca.pem", "localhost");
    let _ = server.kill();
    let _ = server.wait();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .contains("SSL_get_error 1, verify result 20 (unable to get local issuer certificate)"),
        "{stderr}"
    );
    let lines: Vec<String> = stderr.lines().map(normalise).collect();
    assert!(
        lines.contains(
            &"TID:error:0A000086:SSL routines:FUNC:certificate verify failed:FILE:LINE:".to_owned()
        ),
        "{stderr}"
    );
}

#[test]
fn a_wrong_host_name_fails_with_hostname_mismatch() {
    let (mut server, port) = s_server(&[]);
    let out = client(port, "ca.pem", "example.com");
    let _ = server.kill();
    let _ = server.wait();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("verify result 62 (hostname mismatch)"),
        "{stderr}"
    );
}

/// The 2003-style server: started, its port read from its first line.
fn server(connections: usize, ca: Option<&str>) -> (Child, u16) {
    let certs = certs_dir();
    let mut cmd = Command::new(build_c_program("server"));
    cmd.arg(certs.join("server.pem"))
        .arg(certs.join("server.key"))
        .arg(connections.to_string());
    if let Some(ca) = ca {
        cmd.arg(certs.join(ca));
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server starts");
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().expect("piped"))
        .read_line(&mut first)
        .expect("readable");
    let port = first
        .trim()
        .strip_prefix("listening on ")
        .and_then(|p| p.parse().ok());
    (
        child,
        port.unwrap_or_else(|| panic!("unexpected first line {first:?}")),
    )
}

fn s_client(port: u16, extra: &[&str], input: &[u8]) -> std::process::Output {
    let certs = certs_dir();
    let mut child = Command::new("openssl")
        .args([
            "s_client",
            "-quiet",
            "-connect",
            &format!("127.0.0.1:{port}"),
        ])
        .arg("-CAfile")
        .arg(certs.join("ca.pem"))
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl s_client starts");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(input)
        .expect("writable");
    child.wait_with_output().expect("s_client ends")
}

#[test]
fn openssl_s_client_talks_to_the_legacy_server() {
    ensure_tools(&["openssl"]);
    let (server, port) = server(1, None);
    let out = s_client(port, &["-verify_return_error"], b"shout\n");
    let served = server.wait_with_output().expect("server ends");
    assert_eq!(text(&out.stdout), "SHOUT\n", "{}", text(&out.stderr));
    let log = text(&served.stdout);
    assert!(log.contains("connection 0: read shout"), "{log}");
    assert!(
        log.contains("connection 0: TLSv1.3 TLS_AES_256_GCM_SHA384"),
        "{log}"
    );
    assert_eq!(
        served.status.code(),
        Some(0),
        "{log}{}",
        text(&served.stderr)
    );
}

#[test]
fn a_server_requiring_client_certificates_refuses_a_client_without_one() {
    ensure_tools(&["openssl"]);
    let certs = certs_dir();
    let (server, port) = server(2, Some("ca.pem"));
    let refused = s_client(port, &[], b"x\n");
    let accepted = s_client(
        port,
        &[
            "-cert",
            certs.join("client.pem").to_str().expect("UTF-8"),
            "-key",
            certs.join("client.key").to_str().expect("UTF-8"),
        ],
        b"with cert\n",
    );
    let served = server.wait_with_output().expect("server ends");
    let log = text(&served.stdout);
    assert!(
        log.contains("connection 0: SSL_accept failed: SSL_get_error 1"),
        "{log}"
    );
    assert!(
        log.lines().map(normalise).any(|l| l
            == "TID:error:0A0000C7:SSL routines:FUNC:peer did not return a certificate:FILE:LINE:"),
        "{log}"
    );
    assert!(
        text(&refused.stderr).contains("alert"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(
        text(&accepted.stdout),
        "WITH CERT\n",
        "{}",
        text(&accepted.stderr)
    );
    assert!(log.contains("connection 1: read with cert"), "{log}");
}

/// Refused-by-design methods and configuration errors: the same records as OpenSSL's (after the
/// version lines and the TLS 1.0/1.1 methods, which OpenSSL accepts and ftls refuses).
#[test]
fn refusals_and_configuration_errors_read_as_openssl_prints_them() {
    let ours = run(&build_c_program("refusals"), &[]);
    let theirs = run(&build_c_program_with_openssl("refusals"), &[]);
    assert_eq!(ours.status.code(), Some(0), "{}", text(&ours.stderr));
    let ours: Vec<String> = text(&ours.stdout).lines().map(normalise).collect();
    let theirs: Vec<String> = text(&theirs.stdout).lines().map(normalise).collect();
    assert_eq!(ours[0], "ftls 0.1.0 (OpenSSL 3.0.0 API)");
    assert_eq!(ours[1], "ftls 0.1.0 (OpenSSL 3.0.0 API) 30000000");
    assert_eq!(ours[2], "TLSv1_method: failed");
    assert!(ours[3].starts_with("TID:error:0A000102:SSL routines:FUNC:unsupported protocol:FILE:LINE:TLS 1.0 is refused by design"), "{}", ours[3]);
    assert_eq!(ours[4], "TLSv1_1_client_method: failed");
    assert!(
        ours[5].contains(":unsupported protocol:")
            && ours[5].contains("TLS 1.1 is refused by design"),
        "{}",
        ours[5]
    );
    let from = |lines: &[String]| {
        let at = lines
            .iter()
            .position(|l| l.starts_with("cipher list HIGH"))
            .expect("the cipher checks");
        lines[at..].to_vec()
    };
    assert_eq!(from(&ours), from(&theirs));
}
