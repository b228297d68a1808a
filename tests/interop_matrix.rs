//! The interop matrix: ftls' example programs against other TLS implementations over loopback.
//!
//! Peers: OpenSSL (`openssl s_server` / `s_client`), GnuTLS (`gnutls-serv` / `gnutls-cli`),
//! Python's `ssl` module (tests/peers/python_tls.py) and curl (a client only). Every peer meets
//! ftls on both sides it has, over {TLS 1.2, TLS 1.3} x {ECDSA P-256, RSA-2048} x {server
//! authentication only, mutual}: an HTTP request goes one way and the answer, which names the
//! negotiated version (and the client certificate when there is one), comes back.
//!
//! Then the refusals: wrong server name, unknown CA, expired certificate, client certificate
//! missing where one is required, no common version. Each must end with the right
//! `ftls_result` on ftls' side, and an alert on the side that did not refuse: the peer reports
//! the alert ftls sent, or ftls reports (`FTLS_ERR_ALERT_RECEIVED` and the like) the one the
//! peer sent.
//!
//! It runs without the libtest harness so that the matrix is always printed: one line per
//! cell, then `N passed, M failed`. `make test` installs the peers (scripts/need-tools).

// Without the harness, the #[test] functions that tests/support carries are left out, and the
// imports they use would be reported unused.
#![allow(unused_imports)]

mod support;

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Instant;
use support::{cert, deadline, example, root, run_with_input, wrapped, Version};

const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Peer {
    OpenSsl,
    GnuTls,
    Python,
    Curl,
}

impl Peer {
    const ALL: [Peer; 4] = [Peer::OpenSsl, Peer::GnuTls, Peer::Python, Peer::Curl];

    fn has_server(self) -> bool {
        self != Peer::Curl
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum KeyType {
    EcdsaP256,
    Rsa2048,
}

impl KeyType {
    fn server(self) -> (&'static str, &'static str) {
        match self {
            KeyType::EcdsaP256 => ("server.pem", "server.key"),
            KeyType::Rsa2048 => ("server-rsa.pem", "server-rsa.key"),
        }
    }

    fn client(self) -> (&'static str, &'static str) {
        match self {
            KeyType::EcdsaP256 => ("client.pem", "client.key"),
            KeyType::Rsa2048 => ("client-rsa.pem", "client-rsa.key"),
        }
    }
}

/// Which side ftls plays: the other side is the peer.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Side {
    FtlsClient,
    FtlsServer,
}

/// What is wrong in a refusal cell.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Refusal {
    WrongName,
    UnknownCa,
    Expired,
    MissingClientCert,
    VersionMismatch,
}

impl Refusal {
    const ALL: [Refusal; 5] = [
        Refusal::WrongName,
        Refusal::UnknownCa,
        Refusal::Expired,
        Refusal::MissingClientCert,
        Refusal::VersionMismatch,
    ];
}

/// What the server and the client of one cell are given.
#[derive(Clone, Debug)]
struct Setup {
    version_server: Version,
    version_client: Version,
    server_chain: &'static str,
    server_key: &'static str,
    /// The server requires a client certificate issued by the test CA.
    require_client_cert: bool,
    /// The client's certificate and key, if it has one.
    client_identity: Option<(&'static str, &'static str)>,
    /// The CA file the client trusts.
    client_ca: &'static str,
    /// The name the client expects in the server's certificate.
    expected_name: &'static str,
}

impl Setup {
    fn working(version: Version, key: KeyType, mutual: bool) -> Setup {
        let (server_chain, server_key) = key.server();
        Setup {
            version_server: version,
            version_client: version,
            server_chain,
            server_key,
            require_client_cert: mutual,
            client_identity: mutual.then(|| key.client()),
            client_ca: "ca.pem",
            expected_name: "localhost",
        }
    }

    fn refused(refusal: Refusal) -> Setup {
        let mut setup = Setup::working(Version::Tls13, KeyType::EcdsaP256, false);
        match refusal {
            Refusal::WrongName => setup.expected_name = "wrong.example",
            Refusal::UnknownCa => setup.client_ca = "other-ca.pem",
            Refusal::Expired => {
                (setup.server_chain, setup.server_key) =
                    ("expired-server.pem", "expired-server.key");
            }
            Refusal::MissingClientCert => setup.require_client_cert = true,
            Refusal::VersionMismatch => setup.version_client = Version::Tls12,
        }
        setup
    }
}

/// The outcome of one cell, for the printed matrix.
struct Verdict {
    passed: bool,
    /// What was seen (the version negotiated, the error and the alert), or what went wrong.
    note: String,
}

// ---- running programs ---------------------------------------------------------------------

/// A program's stdout and stderr merged, read line by line by two threads.
struct MergedLines {
    rx: Receiver<String>,
    seen: Vec<String>,
}

impl MergedLines {
    fn read(child: &mut Child) -> MergedLines {
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout piped");
        let stderr = child.stderr.take().expect("stderr piped");
        for source in [Box::new(stdout) as Box<dyn Read + Send>, Box::new(stderr)] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(source).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        MergedLines {
            rx,
            seen: Vec::new(),
        }
    }

    /// Waits (up to the test deadline) for a line for which `wanted` gives a value.
    fn wait_for<T>(&mut self, wanted: impl Fn(&str) -> Option<T>) -> Option<T> {
        let end = Instant::now() + deadline();
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(line) => {
                    let found = wanted(&line);
                    self.seen.push(line);
                    if found.is_some() {
                        return found;
                    }
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    return None
                }
            }
        }
    }

    fn text(&self) -> String {
        self.seen.join("\n")
    }
}

/// A server of one cell: ftls' tls-server or a peer's, listening on a port it chose itself.
struct RunningServer {
    child: Child,
    port: u16,
    output: MergedLines,
}

impl RunningServer {
    /// Starts `cmd` and waits until it listens. Servers that print their port say
    /// `listening on ADDR:PORT` or `ACCEPT ADDR:PORT`; gnutls-serv, given port 0, says only
    /// `... listening on IPv4 ... done`, so its port is looked up in /proc.
    fn start(mut cmd: Command) -> Result<RunningServer, String> {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
        let pid = child.id();
        let mut output = MergedLines::read(&mut child);
        let port = output.wait_for(|line| {
            if line.contains("listening on IPv4") && line.ends_with("done") {
                return listening_port(pid);
            }
            ["listening on ", "ACCEPT "].iter().find_map(|prefix| {
                let rest = line.strip_prefix(prefix)?;
                rest.rsplit(':').next()?.trim().parse::<u16>().ok()
            })
        });
        let mut server = RunningServer {
            child,
            port: 0,
            output,
        };
        match port {
            Some(port) => {
                server.port = port;
                Ok(server)
            }
            None => Err(format!(
                "{cmd:?} never said where it listens:\n{}",
                server.finish()
            )),
        }
    }

    /// Stops the server (it may have exited by itself) and returns all it printed.
    fn finish(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        while let Ok(line) = self.output.rx.recv_timeout(deadline()) {
            self.output.seen.push(line);
        }
        self.output.text()
    }
}

/// The TCP port a process listens on over IPv4, from /proc: its socket inodes, looked up in
/// the kernel's table of listening sockets.
fn listening_port(pid: u32) -> Option<u16> {
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .ok()?
        .filter_map(|entry| {
            let link = std::fs::read_link(entry.ok()?.path()).ok()?;
            let link = link.to_str()?;
            Some(link.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned())
        })
        .collect();
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    table.lines().skip(1).find_map(|row| {
        let fields: Vec<&str> = row.split_whitespace().collect();
        let (local, state, inode) = (fields.get(1)?, fields.get(3)?, fields.get(9)?);
        if *state != "0A" || !inodes.iter().any(|own| own == inode) {
            return None;
        }
        u16::from_str_radix(local.rsplit(':').next()?, 16).ok()
    })
}

fn openssl() -> Command {
    let mut cmd = Command::new("openssl");
    // A fixed, minimal environment: no user openssl.cnf changes what is being tested.
    cmd.env_remove("OPENSSL_CONF").env_remove("SSL_CERT_FILE");
    cmd
}

fn python_peer() -> Command {
    let mut cmd = Command::new("python3");
    cmd.arg(root().join("tests/peers/python_tls.py"));
    cmd
}

// ---- the two sides ------------------------------------------------------------------------

fn start_tls_server(setup: &Setup) -> Result<RunningServer, String> {
    let mut cmd = wrapped(&example("tls-server"));
    cmd.args([
        "--cert",
        &cert(setup.server_chain),
        "--key",
        &cert(setup.server_key),
    ])
    .args([
        "--port",
        "0",
        "--max-conns",
        "1",
        setup.version_server.ftls_flag(),
    ]);
    if setup.require_client_cert {
        cmd.args(["--client-ca", &cert("ca.pem"), "--require-client-cert"]);
    }
    RunningServer::start(cmd)
}

fn start_peer_server(peer: Peer, setup: &Setup) -> Result<RunningServer, String> {
    let (chain, key) = (cert(setup.server_chain), cert(setup.server_key));
    let ca = cert("ca.pem");
    let cmd = match peer {
        Peer::OpenSsl => {
            let mut cmd = openssl();
            cmd.args(["s_server", "-accept", "0", "-naccept", "1", "-www"])
                .args([
                    "-cert",
                    &chain,
                    "-key",
                    &key,
                    setup.version_server.openssl_flag(),
                ]);
            if setup.require_client_cert {
                cmd.args(["-Verify", "1", "-verify_return_error", "-CAfile", &ca]);
            }
            cmd
        }
        Peer::GnuTls => {
            let mut cmd = Command::new("gnutls-serv");
            cmd.args(["--http", "--port", "0", "--x509certfile", &chain])
                .args(["--x509keyfile", &key])
                .args(["--priority", setup.version_server.gnutls_priority()]);
            if setup.require_client_cert {
                cmd.args(["--require-client-cert", "--verify-client-cert"])
                    .args(["--x509cafile", &ca]);
            }
            cmd
        }
        Peer::Python => {
            let mut cmd = python_peer();
            cmd.args(["server", "--cert", &chain, "--key", &key])
                .args(["--version", setup.version_server.python_arg()]);
            if setup.require_client_cert {
                cmd.args(["--client-ca", &ca]);
            }
            cmd
        }
        Peer::Curl => unreachable!("curl is only a client"),
    };
    RunningServer::start(cmd)
}

/// What a client run printed (stdout and stderr together) and whether it exited 0.
struct ClientRun {
    success: bool,
    code: Option<i32>,
    output: String,
}

fn run_client(cmd: &mut Command, input: &[u8]) -> ClientRun {
    let output = run_with_input(cmd, input.to_vec(), deadline());
    ClientRun {
        success: output.status.success(),
        code: output.status.code(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

fn run_tls_client(setup: &Setup, port: u16) -> ClientRun {
    let mut cmd = wrapped(&example("tls-client"));
    cmd.args([
        "--ca",
        &cert(setup.client_ca),
        setup.version_client.ftls_flag(),
    ])
    .args(["--servername", setup.expected_name]);
    if let Some((chain, key)) = setup.client_identity {
        cmd.args(["--cert", &cert(chain), "--key", &cert(key)]);
    }
    cmd.args(["127.0.0.1", &port.to_string(), "/"]);
    run_client(&mut cmd, b"")
}

fn run_peer_client(peer: Peer, setup: &Setup, port: u16) -> ClientRun {
    let ca = cert(setup.client_ca);
    let identity = setup
        .client_identity
        .map(|(chain, key)| (cert(chain), cert(key)));
    let version = setup.version_client;
    let mut cmd = match peer {
        Peer::OpenSsl => {
            let mut cmd = openssl();
            cmd.args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
                .args([
                    "-servername",
                    "localhost",
                    "-verify_hostname",
                    setup.expected_name,
                ])
                .args(["-CAfile", &ca, "-verify_return_error", "-ign_eof"])
                .arg(version.openssl_flag());
            if let Some((chain, key)) = &identity {
                cmd.args(["-cert", chain, "-key", key]);
            }
            cmd
        }
        Peer::GnuTls => {
            let mut cmd = Command::new("gnutls-cli");
            cmd.args(["--port", &port.to_string(), "--x509cafile", &ca])
                .args(["--sni-hostname", "localhost"])
                .args(["--verify-hostname", setup.expected_name])
                .args(["--priority", version.gnutls_priority()]);
            if let Some((chain, key)) = &identity {
                cmd.args(["--x509certfile", chain, "--x509keyfile", key]);
            }
            cmd.arg("127.0.0.1");
            cmd
        }
        Peer::Python => {
            let mut cmd = python_peer();
            cmd.args(["client", "--ca", &ca, "--version", version.python_arg()])
                .args(["--servername", setup.expected_name]);
            if let Some((chain, key)) = &identity {
                cmd.args(["--cert", chain, "--key", key]);
            }
            cmd.arg(port.to_string());
            cmd
        }
        Peer::Curl => {
            let name = setup.expected_name;
            let mut cmd = Command::new("curl");
            cmd.args(["--silent", "--show-error", "--cacert", &ca])
                .args(version.curl_args())
                .args(["--resolve", &format!("{name}:{port}:127.0.0.1")]);
            if let Some((chain, key)) = &identity {
                cmd.args(["--cert", chain, "--key", key]);
            }
            cmd.arg(format!("https://{name}:{port}/"));
            cmd
        }
    };
    run_client(&mut cmd, REQUEST)
}

// ---- the cells ----------------------------------------------------------------------------

fn fail(note: impl Into<String>) -> Verdict {
    Verdict {
        passed: false,
        note: note.into(),
    }
}

fn pass(note: impl Into<String>) -> Verdict {
    Verdict {
        passed: true,
        note: note.into(),
    }
}

/// A working cell: the request gets its answer, which shows the version (and, when mutual, that
/// the server saw the client's certificate).
fn working_cell(peer: Peer, side: Side, version: Version, key: KeyType, mutual: bool) -> Verdict {
    let setup = Setup::working(version, key, mutual);
    let (run, server) = match exchange(peer, side, &setup) {
        Ok(done) => done,
        Err(why) => return fail(why),
    };
    let server_output = server.finish();
    let context = || format!("client:\n{}\nserver:\n{server_output}", run.output);
    if !run.success {
        return fail(format!(
            "the client failed (exit {:?})\n{}",
            run.code,
            context()
        ));
    }
    // What the answer must contain: tls-server names the version and the client certificate;
    // the peers' pages do the same in their own words.
    let (shows_version, shows_client) = match (side, peer) {
        (Side::FtlsServer, _) => (
            format!("Protocol: {}", version.name()),
            "Client certificate: presented and verified",
        ),
        (Side::FtlsClient, Peer::OpenSsl) => (
            format!("New, {}, Cipher is", version.name()),
            "ftls test client",
        ),
        (Side::FtlsClient, Peer::GnuTls) => (
            format!(
                "Protocol version:</TD><TD>{}",
                version.name().replace("v", "")
            ),
            "ftls test client",
        ),
        (Side::FtlsClient, _) => (format!("version={}", version.name()), "client=ftls"),
    };
    if !run.output.contains(&shows_version) {
        return fail(format!(
            "the answer does not show {shows_version:?}\n{}",
            context()
        ));
    }
    if mutual != run.output.contains(shows_client) {
        return fail(format!(
            "the answer should {}show the client certificate ({shows_client:?})\n{}",
            if mutual { "" } else { "not " },
            context()
        ));
    }
    pass(version.name())
}

/// Starts the server of a cell (ftls' or the peer's) and runs the client against it.
fn exchange(peer: Peer, side: Side, setup: &Setup) -> Result<(ClientRun, RunningServer), String> {
    Ok(match side {
        Side::FtlsClient => {
            let server = start_peer_server(peer, setup)?;
            (run_tls_client(setup, server.port), server)
        }
        Side::FtlsServer => {
            let server = start_tls_server(setup)?;
            (run_peer_client(peer, setup, server.port), server)
        }
    })
}

/// An alert as the peers print it: OpenSSL, Python and curl in words ("tlsv1 alert unknown
/// ca"), gnutls-cli by number ("Received alert [48]"); gnutls-serv only says that one came.
#[derive(Clone, Copy)]
struct Alert {
    words: &'static str,
    number: u8,
}

const BAD_CERTIFICATE: Alert = Alert {
    words: "bad certificate",
    number: 42,
};
const UNKNOWN_CA: Alert = Alert {
    words: "unknown ca",
    number: 48,
};
const CERTIFICATE_EXPIRED: Alert = Alert {
    words: "certificate expired",
    number: 45,
};
const CERTIFICATE_REQUIRED: Alert = Alert {
    words: "certificate required",
    number: 116,
};
const PROTOCOL_VERSION: Alert = Alert {
    words: "protocol version",
    number: 70,
};

impl fmt::Display for Alert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.words.replace(' ', "_"), self.number)
    }
}

/// Letters and digits only, lower case: "SSLV3_ALERT_BAD_CERTIFICATE" and "sslv3 alert bad
/// certificate" compare equal.
fn squashed(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether a line a peer printed shows that it received `alert`.
fn peer_saw(peer: Peer, peer_is_server: bool, line: &str, alert: Alert) -> bool {
    match (peer, peer_is_server) {
        (Peer::GnuTls, true) => line.contains("A TLS fatal alert has been received"),
        (Peer::GnuTls, false) => line.contains(&format!("Received alert [{}]", alert.number)),
        _ => squashed(line).contains(&format!("alert{}", squashed(alert.words))),
    }
}

/// What a refusal cell must show: ftls' result and the words of its detail, and the alert the
/// peer must report when ftls is the side that refuses.
struct Expected {
    result: &'static str,
    detail: &'static str,
    peer_sees: Option<Alert>,
}

fn expected(peer: Peer, side: Side, refusal: Refusal) -> Expected {
    let ftls_refuses = |result, alert| Expected {
        result,
        detail: "",
        peer_sees: Some(alert),
    };
    // The peer refuses: each implementation picks its own alert for a certificate it rejects,
    // and ftls says that an alert came and which.
    let alert_received = Expected {
        result: "FTLS_ERR_ALERT_RECEIVED",
        detail: "the peer sent a fatal alert",
        peer_sees: None,
    };
    match (refusal, side) {
        (Refusal::WrongName, Side::FtlsClient) => {
            ftls_refuses("FTLS_ERR_CERT_NAME_MISMATCH", BAD_CERTIFICATE)
        }
        (Refusal::UnknownCa, Side::FtlsClient) => {
            ftls_refuses("FTLS_ERR_CERT_UNKNOWN_ISSUER", UNKNOWN_CA)
        }
        (Refusal::Expired, Side::FtlsClient) => {
            ftls_refuses("FTLS_ERR_CERT_EXPIRED", CERTIFICATE_EXPIRED)
        }
        (Refusal::MissingClientCert, Side::FtlsServer) => {
            ftls_refuses("FTLS_ERR_CLIENT_CERT_REQUIRED", CERTIFICATE_REQUIRED)
        }
        (Refusal::VersionMismatch, Side::FtlsServer) => {
            ftls_refuses("FTLS_ERR_NO_COMMON_VERSION", PROTOCOL_VERSION)
        }
        // curl checks the name only after the handshake and then closes without an alert.
        (Refusal::WrongName, Side::FtlsServer) if peer == Peer::Curl => Expected {
            result: "",
            detail: "the client closed before sending a complete request",
            peer_sees: None,
        },
        // The server's alert reaches tls-client, which names it and maps it to its meaning.
        (Refusal::MissingClientCert, Side::FtlsClient) => Expected {
            result: "FTLS_ERR_CLIENT_CERT_REQUIRED",
            ..alert_received
        },
        (Refusal::VersionMismatch, Side::FtlsClient) => Expected {
            result: "FTLS_ERR_NO_COMMON_VERSION",
            ..alert_received
        },
        _ => alert_received,
    }
}

/// A refusal cell. Where ftls refuses, it names the right `ftls_result` and the peer reports
/// the alert ftls sent; where the peer refuses, ftls reports the alert it received.
fn refusal_cell(peer: Peer, side: Side, refusal: Refusal) -> Verdict {
    let setup = Setup::refused(refusal);
    let want = expected(peer, side, refusal);
    let (run, mut server) = match exchange(peer, side, &setup) {
        Ok(done) => done,
        Err(why) => return fail(why),
    };
    // ftls' words: tls-client's last line, or tls-server's line about the connection.
    let (ftls_line, peer_saw_alert) = match side {
        Side::FtlsClient => {
            let line = run.output.lines().find(|l| l.starts_with("tls-client:"));
            let saw = want.peer_sees.is_some_and(|alert| {
                server
                    .output
                    .wait_for(|line| peer_saw(peer, true, line, alert).then_some(()))
                    .is_some()
            });
            (line.map(str::to_owned), saw)
        }
        Side::FtlsServer => {
            let line = server.output.wait_for(|line| {
                (line.starts_with("tls-server: [conn") && line.contains(want.result))
                    .then(|| line.to_owned())
            });
            let saw = want.peer_sees.is_some_and(|alert| {
                run.output
                    .lines()
                    .any(|line| peer_saw(peer, false, line, alert))
            });
            (line, saw)
        }
    };
    let server_output = server.finish();
    let context = || {
        format!(
            "client (exit {:?}):\n{}\nserver:\n{server_output}",
            run.code, run.output
        )
    };
    if run.success {
        return fail(format!("the client succeeded\n{}", context()));
    }
    let Some(ftls_line) = ftls_line else {
        return fail(format!(
            "ftls did not report {}\n{}",
            want.result,
            context()
        ));
    };
    if !ftls_line.contains(want.result) || !ftls_line.contains(want.detail) {
        return fail(format!(
            "ftls should report {} ({:?}): {ftls_line}\n{}",
            want.result,
            want.detail,
            context()
        ));
    }
    if let Some(alert) = want.peer_sees {
        if !peer_saw_alert {
            return fail(format!(
                "the peer did not report the alert {alert}\n{}",
                context()
            ));
        }
        return pass(format!("{}, peer saw {alert}", want.result));
    }
    let received = ftls_line
        .split("fatal alert: ")
        .nth(1)
        .and_then(|rest| rest.split(" (FTLS").next());
    match received {
        Some(alert) => pass(format!("{}, ftls saw {alert}", want.result)),
        None => pass(want.detail),
    }
}

// ---- the matrix ---------------------------------------------------------------------------

struct Row {
    label: String,
    verdict: Verdict,
}

/// Every cell of one peer, in order.
fn peer_rows(peer: Peer) -> Vec<Row> {
    let sides: &[Side] = if peer.has_server() {
        &[Side::FtlsClient, Side::FtlsServer]
    } else {
        &[Side::FtlsServer]
    };
    let mut rows = Vec::new();
    for &side in sides {
        let ftls = match side {
            Side::FtlsClient => "ftls client",
            Side::FtlsServer => "ftls server",
        };
        for version in [Version::Tls12, Version::Tls13] {
            for key in [KeyType::EcdsaP256, KeyType::Rsa2048] {
                for mutual in [false, true] {
                    rows.push(Row {
                        label: format!(
                            "{peer:?} / {ftls} / {} / {key:?} / {}",
                            version.name(),
                            if mutual { "mutual" } else { "server auth" }
                        ),
                        verdict: working_cell(peer, side, version, key, mutual),
                    });
                }
            }
        }
        for refusal in Refusal::ALL {
            rows.push(Row {
                label: format!("{peer:?} / {ftls} / refused: {refusal:?}"),
                verdict: refusal_cell(peer, side, refusal),
            });
        }
    }
    rows
}

fn main() {
    // Each peer's cells run in a thread of their own: four peers at once, one cell each.
    let peers: Vec<_> = Peer::ALL
        .iter()
        .map(|&peer| std::thread::spawn(move || peer_rows(peer)))
        .collect();
    let rows: Vec<Row> = peers
        .into_iter()
        .flat_map(|peer| peer.join().expect("a peer's cells panicked"))
        .collect();
    let width = rows.iter().map(|row| row.label.len()).max().unwrap_or(0);
    println!("interop matrix (peer / ftls side / version / key / authentication)");
    for row in &rows {
        let mark = if row.verdict.passed { "ok  " } else { "FAIL" };
        let first_line = row.verdict.note.lines().next().unwrap_or("");
        println!("{mark} {:width$}  {first_line}", row.label);
    }
    let failed: Vec<&Row> = rows.iter().filter(|row| !row.verdict.passed).collect();
    for row in &failed {
        println!("\n--- FAIL {} ---\n{}", row.label, row.verdict.note);
    }
    println!(
        "\n{} passed, {} failed",
        rows.len() - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        std::process::exit(1);
    }
}
