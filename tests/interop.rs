//! Real peers: `tls-client` against `openssl s_server` and `tls-server` against
//! `openssl s_client`, over loopback, TLS 1.2 and 1.3, ECDSA P-256 and RSA-2048 certificates,
//! with and without client certificates.
//!
//! OpenSSL is the reference implementation most C programs talk to; these tests fail if the
//! `openssl` command is missing (`.ci/run` installs it).

mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use support::{
    cert, example, key_log_lines, run_with_timeout, scratch_dir, stderr_text, stdout_text, wrapped,
    Server, Version,
};

/// Server and client credentials of one key type, all issued by the test CA.
#[derive(Clone, Copy, Debug)]
struct Credentials {
    server_chain: &'static str,
    server_key: &'static str,
    client_chain: &'static str,
    client_key: &'static str,
}

const ECDSA_P256: Credentials = Credentials {
    server_chain: "server.pem",
    server_key: "server.key",
    client_chain: "client.pem",
    client_key: "client.key",
};

const RSA_2048: Credentials = Credentials {
    server_chain: "server-rsa.pem",
    server_key: "server-rsa.key",
    client_chain: "client-rsa.pem",
    client_key: "client-rsa.key",
};

fn openssl() -> Command {
    let mut cmd = Command::new("openssl");
    // A fixed, minimal environment: no user openssl.cnf changes what is being tested.
    cmd.env_remove("OPENSSL_CONF").env_remove("SSL_CERT_FILE");
    cmd
}

/// `openssl s_server -www` for one connection: it answers a GET with a status page naming the
/// protocol version and cipher, and (when asked for one) the client certificate.
fn start_openssl_server(version: Version, creds: Credentials, client_auth: bool) -> Server {
    let mut cmd = openssl();
    cmd.args(["s_server", "-accept", "0", "-naccept", "1", "-www"])
        .args(["-cert", &cert(creds.server_chain)])
        .args(["-key", &cert(creds.server_key)])
        .arg(version.openssl_flag());
    if client_auth {
        // -Verify (capital): a client certificate is required and must verify.
        cmd.args(["-Verify", "1", "-verify_return_error"])
            .args(["-CAfile", &cert("ca.pem")]);
    }
    Server::start(cmd)
}

fn run_tls_client(port: u16, version: Version, creds: Credentials, client_auth: bool) {
    let mut cmd = wrapped(&example("tls-client"));
    cmd.args(["--ca", &cert("ca.pem"), version.ftls_flag()]);
    if client_auth {
        cmd.args(["--cert", &cert(creds.client_chain)])
            .args(["--key", &cert(creds.client_key)]);
    }
    cmd.args(["localhost", &port.to_string(), "/"]);
    let output = run_with_timeout(&mut cmd, support::deadline());
    let (stdout, stderr) = (stdout_text(&output), stderr_text(&output));
    let context = format!("{version:?} {creds:?} client_auth={client_auth}\n{stderr}");
    assert!(output.status.success(), "tls-client failed: {context}");
    assert!(
        stdout.starts_with("HTTP/1.0 200 ok"),
        "not s_server's page: {context}\n{stdout}"
    );
    // s_server -www reports what it negotiated, e.g. "New, TLSv1.3, Cipher is TLS_AES_...".
    assert!(
        stdout.contains(&format!("New, {}, Cipher is ", version.name())),
        "s_server did not report {}: {context}\n{stdout}",
        version.name()
    );
    if client_auth {
        assert!(
            stdout.contains("Client certificate") && stdout.contains("ftls test client"),
            "s_server did not see our client certificate: {context}\n{stdout}"
        );
    } else {
        assert!(
            stdout.contains("no client certificate available"),
            "{stdout}"
        );
    }
}

fn tls_client_against_openssl_server(version: Version) {
    for creds in [ECDSA_P256, RSA_2048] {
        for client_auth in [false, true] {
            let server = start_openssl_server(version, creds, client_auth);
            run_tls_client(server.port, version, creds, client_auth);
            let status = server.wait();
            assert!(status.success(), "s_server exited with {status}");
        }
    }
}

#[test]
fn tls_client_against_openssl_s_server_tls12() {
    tls_client_against_openssl_server(Version::Tls12);
}

#[test]
fn tls_client_against_openssl_s_server_tls13() {
    tls_client_against_openssl_server(Version::Tls13);
}

fn start_tls_server(
    version: Version,
    creds: Credentials,
    client_auth: bool,
    max_conns: &str,
    extra: &[&str],
) -> Server {
    let mut cmd = support::tls_server_command();
    cmd.args(["--cert", &cert(creds.server_chain)])
        .args(["--key", &cert(creds.server_key)])
        .args(["--port", "0", "--max-conns", max_conns, version.ftls_flag()])
        .args(extra);
    if client_auth {
        cmd.args(["--client-ca", &cert("ca.pem"), "--require-client-cert"]);
    }
    Server::start(cmd)
}

/// `openssl s_client` sends one request and prints everything: the handshake summary, the
/// verification result and the server's response.
fn run_openssl_client(port: u16, version: Version, creds: Credentials, client_auth: bool) {
    let mut cmd = openssl();
    cmd.args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .args(["-servername", "localhost", "-verify_hostname", "localhost"])
        .args(["-CAfile", &cert("ca.pem"), "-verify_return_error"])
        // Keep reading after our request is sent, until the server closes.
        .arg("-ign_eof")
        .arg(version.openssl_flag());
    if client_auth {
        cmd.args(["-cert", &cert(creds.client_chain)])
            .args(["-key", &cert(creds.client_key)]);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl must be installed");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .expect("send the request to s_client");
    let output = support::wait_with_timeout(child, support::deadline());
    let (stdout, stderr) = (stdout_text(&output), stderr_text(&output));
    let context = format!("{version:?} {creds:?} client_auth={client_auth}\n{stderr}\n{stdout}");
    assert!(output.status.success(), "s_client failed: {context}");
    assert!(
        stdout.contains("Verify return code: 0 (ok)"),
        "s_client did not verify tls-server's certificate: {context}"
    );
    assert!(
        stdout.contains(&format!("Protocol  : {}", version.name()))
            || stdout.contains(&format!("New, {}, Cipher is", version.name())),
        "not {}: {context}",
        version.name()
    );
    assert!(stdout.contains("HTTP/1.1 200 OK"), "no response: {context}");
    assert!(
        stdout.contains(version.name()),
        "the response body should name {}: {context}",
        version.name()
    );
}

fn tls_server_against_openssl_client(version: Version) {
    for creds in [ECDSA_P256, RSA_2048] {
        for client_auth in [false, true] {
            let server = start_tls_server(version, creds, client_auth, "1", &[]);
            run_openssl_client(server.port, version, creds, client_auth);
            let status = server.wait();
            assert!(status.success(), "tls-server exited with {status}");
        }
    }
}

#[test]
fn tls_server_against_openssl_s_client_tls12() {
    tls_server_against_openssl_client(Version::Tls12);
}

#[test]
fn tls_server_against_openssl_s_client_tls13() {
    tls_server_against_openssl_client(Version::Tls13);
}

#[test]
fn tls_server_refuses_an_openssl_client_without_a_certificate_when_one_is_required() {
    let server = start_tls_server(Version::Tls13, ECDSA_P256, true, "1", &[]);
    let mut cmd = openssl();
    cmd.args([
        "s_client",
        "-connect",
        &format!("127.0.0.1:{}", server.port),
    ])
    .args(["-CAfile", &cert("ca.pem"), "-tls1_3", "-ign_eof"]);
    let output = run_with_timeout(&mut cmd, support::deadline());
    let all = format!("{}{}", stdout_text(&output), stderr_text(&output));
    assert!(
        all.contains("certificate required"),
        "s_client should report the certificate_required alert:\n{all}"
    );
    assert!(!all.contains("HTTP/1.1 200 OK"), "{all}");
    server.wait();
}

#[test]
fn tls_client_refuses_an_openssl_server_below_tls12() {
    // s_server limited to TLS 1.1 and below (which OpenSSL 3 only allows at security level 0).
    let mut cmd = openssl();
    cmd.args(["s_server", "-accept", "0", "-naccept", "1", "-www"])
        .args([
            "-cert",
            &cert("server-rsa.pem"),
            "-key",
            &cert("server-rsa.key"),
        ])
        .args(["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"]);
    let server = Server::start(cmd);
    let mut client = wrapped(&example("tls-client"));
    client.args([
        "--ca",
        &cert("ca.pem"),
        "localhost",
        &server.port.to_string(),
    ]);
    let output = run_with_timeout(&mut client, support::deadline());
    let stderr = stderr_text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("FTLS_ERR_NO_COMMON_VERSION"),
        "the failure should name the version problem: {stderr}"
    );
}

// ---- resumption ---------------------------------------------------------------------------

/// `tls-client --resume 2` against `openssl s_server`: the second and third connections resume
/// the first one's session, and s_server agrees ("Reused" on its status page).
fn tls_client_resumes_with_openssl_server(version: Version) {
    let mut cmd = openssl();
    cmd.args(["s_server", "-accept", "0", "-naccept", "3", "-www"])
        .args(["-cert", &cert("server.pem"), "-key", &cert("server.key")])
        .arg(version.openssl_flag());
    let server = Server::start(cmd);
    let mut client = wrapped(&example("tls-client"));
    client
        .args([
            "--ca",
            &cert("ca.pem"),
            version.ftls_flag(),
            "--resume",
            "2",
        ])
        .args(["localhost", &server.port.to_string(), "/"]);
    let output = run_with_timeout(&mut client, support::deadline());
    let (stdout, stderr) = (stdout_text(&output), stderr_text(&output));
    assert!(output.status.success(), "tls-client failed: {stderr}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("connection "))
        .collect();
    assert_eq!(
        lines,
        [
            "connection 1: full handshake",
            "connection 2: resumed",
            "connection 3: resumed"
        ],
        "{version:?}: {stderr}"
    );
    let name = version.name();
    assert_eq!(
        stdout.matches(&format!("New, {name}, Cipher is ")).count(),
        1,
        "{stdout}"
    );
    assert_eq!(
        stdout
            .matches(&format!("Reused, {name}, Cipher is "))
            .count(),
        2,
        "s_server should report both later sessions reused: {stdout}"
    );
    assert!(server.wait().success());
}

#[test]
fn tls_client_resume_against_openssl_s_server_tls12() {
    tls_client_resumes_with_openssl_server(Version::Tls12);
}

#[test]
fn tls_client_resume_against_openssl_s_server_tls13() {
    tls_client_resumes_with_openssl_server(Version::Tls13);
}

/// One `openssl s_client` GET against tls-server, with extra arguments; returns its stdout.
fn openssl_client_get(port: u16, version: Version, extra: &[&str]) -> String {
    let mut cmd = openssl();
    cmd.args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .args(["-servername", "localhost", "-CAfile", &cert("ca.pem")])
        .args(["-verify_return_error", "-ign_eof", version.openssl_flag()])
        .args(extra);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl must be installed");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .expect("send the request to s_client");
    let output = support::wait_with_timeout(child, support::deadline());
    let stdout = stdout_text(&output);
    assert!(
        output.status.success() && stdout.contains("HTTP/1.1 200 OK"),
        "s_client {extra:?} failed: {}\n{stdout}",
        stderr_text(&output)
    );
    stdout
}

/// `openssl s_client -sess_out` then `-sess_in` against tls-server: the second connection
/// reuses the first one's session.
fn openssl_client_resumes_with_tls_server(version: Version) {
    let dir = scratch_dir(&format!("interop-sess-{version:?}"));
    let session = dir.join("session.pem").display().to_string();
    let server = start_tls_server(version, ECDSA_P256, false, "2", &[]);
    let first = openssl_client_get(server.port, version, &["-sess_out", &session]);
    let name = version.name();
    assert!(
        first.contains(&format!("New, {name}, Cipher is ")),
        "{first}"
    );
    let second = openssl_client_get(server.port, version, &["-sess_in", &session]);
    assert!(
        second.contains(&format!("Reused, {name}, Cipher is ")),
        "s_client should report the session reused: {second}"
    );
    assert!(server.wait().success());
}

#[test]
fn openssl_s_client_sess_in_resumes_with_tls_server_tls12() {
    openssl_client_resumes_with_tls_server(Version::Tls12);
}

#[test]
fn openssl_s_client_sess_in_resumes_with_tls_server_tls13() {
    openssl_client_resumes_with_tls_server(Version::Tls13);
}

// ---- key logs -----------------------------------------------------------------------------

fn assert_same_key_logs(
    ours: &std::path::Path,
    openssl: &std::path::Path,
    version: Version,
    connections: usize,
) {
    let (ours, theirs) = (key_log_lines(ours), key_log_lines(openssl));
    assert_eq!(
        ours, theirs,
        "ftls' key log (left) differs from OpenSSL's (right)"
    );
    // TLS 1.3 logs five secrets per connection, TLS 1.2 one (CLIENT_RANDOM).
    let per_connection = match version {
        Version::Tls12 => 1,
        Version::Tls13 => 5,
    };
    assert_eq!(ours.len(), per_connection * connections, "{ours:#?}");
}

/// tls-client --keylog against openssl s_server -keylogfile, a full and a resumed connection:
/// the same lines.
fn tls_client_keylog_matches_openssl(version: Version) {
    let dir = scratch_dir(&format!("interop-keylog-client-{version:?}"));
    let (ours, theirs) = (dir.join("ftls.log"), dir.join("openssl.log"));
    let mut cmd = openssl();
    cmd.args(["s_server", "-accept", "0", "-naccept", "2", "-www"])
        .args(["-cert", &cert("server.pem"), "-key", &cert("server.key")])
        .args(["-keylogfile", theirs.to_str().expect("UTF-8 path")])
        .arg(version.openssl_flag());
    let server = Server::start(cmd);
    let mut client = wrapped(&example("tls-client"));
    client
        .args([
            "--ca",
            &cert("ca.pem"),
            version.ftls_flag(),
            "--resume",
            "1",
        ])
        .args(["--keylog", ours.to_str().expect("UTF-8 path")])
        .args(["localhost", &server.port.to_string(), "/"]);
    let output = run_with_timeout(&mut client, support::deadline());
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert!(server.wait().success());
    assert_same_key_logs(&ours, &theirs, version, 2);
}

#[test]
fn tls_client_keylog_equals_openssl_s_server_keylogfile_tls12() {
    tls_client_keylog_matches_openssl(Version::Tls12);
}

#[test]
fn tls_client_keylog_equals_openssl_s_server_keylogfile_tls13() {
    tls_client_keylog_matches_openssl(Version::Tls13);
}

/// tls-server --keylog against openssl s_client -keylogfile, a full and a resumed connection.
fn tls_server_keylog_matches_openssl(version: Version) {
    let dir = scratch_dir(&format!("interop-keylog-server-{version:?}"));
    let (ours, theirs) = (dir.join("ftls.log"), dir.join("openssl.log"));
    let session = dir.join("session.pem").display().to_string();
    let ours_arg = ours.display().to_string();
    let theirs_arg = theirs.display().to_string();
    let server = start_tls_server(version, ECDSA_P256, false, "2", &["--keylog", &ours_arg]);
    openssl_client_get(
        server.port,
        version,
        &["-keylogfile", &theirs_arg, "-sess_out", &session],
    );
    let second = openssl_client_get(
        server.port,
        version,
        &["-keylogfile", &theirs_arg, "-sess_in", &session],
    );
    assert!(second.contains("Reused, "), "{second}");
    assert!(server.wait().success());
    assert_same_key_logs(&ours, &theirs, version, 2);
}

#[test]
fn tls_server_keylog_equals_openssl_s_client_keylogfile_tls12() {
    tls_server_keylog_matches_openssl(Version::Tls12);
}

#[test]
fn tls_server_keylog_equals_openssl_s_client_keylogfile_tls13() {
    tls_server_keylog_matches_openssl(Version::Tls13);
}
