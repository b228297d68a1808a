//! `tls-server` against slow and hostile clients: the absolute handshake deadline, the idle
//! deadline after it, refusal when out of file descriptors, requests ending in a bare LF, and
//! the alert a hostile client reads before the server closes.
//!
//! The deadlines are set short through the server's options. Nothing here sleeps to let time
//! pass: the tests wait for the server to close (reading until end of stream, with a generous
//! limit), and the only pauses are a trickling client's own pacing between its bytes, derived
//! from the deadline under test. Servers exit 0 by themselves (`--max-conns`), so that under
//! `FTLS_TEST_WRAPPER` (valgrind) every run is checked for memory errors and leaks (except the
//! one under a descriptor limit, which valgrind would distort: see `start_with_fd_limit`).

mod support;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};
use support::{
    cert, deadline, example, read_until_closed, run_with_input, run_with_timeout, under_wrapper,
    wrapped, ExampleServer, Lines,
};

// ---- helpers ------------------------------------------------------------------------------

/// A server deadline: `seconds`, or ten times that under valgrind, where a handshake alone
/// takes about a second.
fn server_timeout(seconds: f64) -> Duration {
    Duration::from_secs_f64(if under_wrapper() {
        seconds * 10.0
    } else {
        seconds
    })
}

/// A duration as tls-server's options take it: seconds, fractions allowed.
fn seconds(duration: Duration) -> String {
    duration.as_secs_f64().to_string()
}

/// `tls-server --cert server.pem --key server.key EXTRA...`.
fn start_server(extra: &[&str]) -> ExampleServer {
    let (pem, key) = (cert("server.pem"), cert("server.key"));
    let mut args = vec!["--cert", pem.as_str(), "--key", key.as_str()];
    args.extend_from_slice(extra);
    ExampleServer::start(&args)
}

/// `tls-client --ca ca.pem EXTRA... localhost PORT`, not yet started.
fn tls_client(program: &std::path::Path, server: &ExampleServer, extra: &[&str]) -> Command {
    let mut cmd = wrapped(program);
    cmd.args(["--ca", &cert("ca.pem")])
        .args(extra)
        .args(["localhost", &server.port()]);
    cmd
}

fn describe(output: &Output) -> String {
    format!(
        "status {}\n--- stdout:\n{}\n--- stderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A GET from a well-behaved client, which must be answered.
fn assert_served(server: &ExampleServer) {
    let output = run_with_timeout(
        &mut tls_client(&example("tls-client"), server, &[]),
        deadline(),
    );
    assert!(
        output.status.success() && output.stdout.starts_with(b"HTTP/1.1 200 OK\r\n"),
        "a well-behaved client was not served: {}",
        describe(&output)
    );
}

/// Waits up to `limit` for `child` to exit. Polling a child, not synchronising: it is also the
/// pacing of a trickling client, which checks between two bytes whether it was cut off.
fn exited_within(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let end = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return Some(status);
        }
        if Instant::now() >= end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Reads a child's output line by line into a channel.
fn lines_of(source: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(source).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

// ---- the handshake deadline -----------------------------------------------------------------

#[test]
fn a_silent_client_is_cut_off_at_the_handshake_deadline_while_others_are_served() {
    let limit = server_timeout(1.0);
    let mut server = start_server(&["--handshake-timeout", &seconds(limit), "--max-conns", "2"]);

    let connected = Instant::now(); // before the server's accept, where its deadline starts
    let mut silent = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    assert_served(&server);
    let received = read_until_closed(&mut silent);
    let cut_after = connected.elapsed();

    assert!(received.is_empty(), "the server sent {received:?}");
    assert!(
        cut_after + Duration::from_millis(10) >= limit,
        "cut off after {cut_after:?}, before the {limit:?} deadline"
    );
    let logged = server.wait_for_log("[conn 1]");
    assert!(
        logged.contains("closed: handshake not complete")
            && logged.contains("(--handshake-timeout)"),
        "{logged}"
    );
    server.finish();
}

#[test]
fn a_client_trickling_its_hello_is_cut_off_at_the_handshake_deadline() {
    let limit = server_timeout(1.0);
    let mut server = start_server(&["--handshake-timeout", &seconds(limit), "--max-conns", "2"]);

    let connected = Instant::now();
    let mut raw = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    // A ClientHello record announcing 512 bytes and its first few; then one more byte every
    // fifth of the deadline. Each byte is activity; none completes the hello.
    raw.write_all(&[
        0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03,
    ])
    .expect("send");
    let pace = limit / 5;
    raw.set_read_timeout(Some(pace)).expect("timeout");
    let mut trickled = 0;
    let mut buf = [0u8; 64];
    loop {
        assert!(
            connected.elapsed() < deadline(),
            "still connected after {:?}, {trickled} bytes trickled",
            connected.elapsed()
        );
        match raw.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => panic!("the server answered {:?} instead of closing", &buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
            Err(e) => panic!("reading failed: {e}"),
        }
        match raw.write_all(&[0x5a]) {
            Ok(_) => trickled += 1,
            Err(_) => break, // closed under us
        }
    }
    let cut_after = connected.elapsed();

    assert!(
        cut_after + Duration::from_millis(10) >= limit && trickled >= 2,
        "cut off after {cut_after:?} (deadline {limit:?}), {trickled} bytes trickled"
    );
    let logged = server.wait_for_log("[conn 1]");
    assert!(
        logged.contains("closed: handshake not complete"),
        "{logged}"
    );
    assert_served(&server);
    server.finish();
}

// ---- the idle deadline ----------------------------------------------------------------------

#[test]
fn an_idle_established_connection_is_closed_with_close_notify() {
    let idle = server_timeout(1.0);
    let mut server = start_server(&[
        "--echo",
        "--idle-timeout",
        &seconds(idle),
        "--max-conns",
        "1",
    ]);

    let mut client = tls_client(&example("tls-client"), &server, &["--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tls-client");
    // stdin stays open to the end: only the server can end this connection.
    let mut stdin: ChildStdin = client.stdin.take().expect("piped");
    let echoed = lines_of(client.stdout.take().expect("piped"));
    let mut errors = Lines::read("tls-client's stderr", client.stderr.take().expect("piped"));
    let last_data = Instant::now(); // the server's idle deadline starts after this
    stdin.write_all(b"ping\n").expect("write to tls-client");
    let echo = echoed.recv_timeout(deadline());
    assert!(
        echo.as_deref() == Ok("ping"),
        "no echo ({echo:?}); tls-client said {:?}; the server: {}",
        errors.so_far(),
        server.log_so_far()
    );

    let status = exited_within(&mut client, deadline());
    let closed_after = last_data.elapsed();
    let stderr = errors.rest();
    assert!(
        matches!(status, Some(s) if s.success()),
        "tls-client did not end cleanly ({status:?}) when the server closed: {stderr:?}"
    );
    assert!(
        closed_after + Duration::from_millis(10) >= idle,
        "closed after {closed_after:?}, before the {idle:?} idle deadline"
    );
    assert_eq!(echoed.iter().collect::<Vec<_>>(), Vec::<String>::new());
    drop(stdin);
    let log = server.finish();
    assert!(
        log.iter()
            .any(|l| l.contains("[conn 1]") && l.contains("closed: no data moved for")),
        "{log:#?}"
    );
}

/// A rustls client connected to `server` with its handshake done (the test CA trusted).
fn rustls_client(server: &ExampleServer) -> (rustls::ClientConnection, TcpStream) {
    let mut roots = rustls::RootCertStore::empty();
    let ca = std::fs::read(cert("ca.der")).expect("ca.der");
    roots.add(ca.into()).expect("the test CA");
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let mut tls = rustls::ClientConnection::new(std::sync::Arc::new(config), name).expect("conn");
    let mut tcp = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    tcp.set_read_timeout(Some(deadline())).expect("timeout");
    while tls.is_handshaking() {
        tls.complete_io(&mut tcp).expect("handshake");
    }
    (tls, tcp)
}

#[test]
fn a_client_that_never_reads_cannot_hold_the_connection() {
    let idle = server_timeout(0.5);
    let mut server = start_server(&[
        "--echo",
        "--idle-timeout",
        &seconds(idle),
        "--max-conns",
        "1",
    ]);

    // Data to echo, pushed for as long as the connection lasts, and never a byte read: the
    // server's echo backs up, then it stops reading, and nothing moves. Only the server can
    // end this, by closing the socket (we see a reset), within the idle deadline plus the
    // short one it gives its close_notify.
    let (mut tls, mut tcp) = rustls_client(&server);
    tcp.set_write_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    let chunk = vec![0x5a; 16384];
    let started = Instant::now();
    'sending: loop {
        tls.writer().write_all(&chunk).expect("plaintext");
        while tls.wants_write() {
            assert!(
                started.elapsed() < deadline(),
                "the server never closed the connection: {}",
                server.log_so_far()
            );
            match tls.write_tls(&mut tcp) {
                Ok(_) => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => break 'sending, // closed by the server
            }
        }
    }

    // Idle: the server said so and closed. (Its close_notify may or may not have found room
    // in the socket; either way the close was bounded.)
    let log = server.finish();
    assert!(
        log.iter()
            .any(|l| l.contains("[conn 1]") && l.contains("closed: no data moved for")),
        "{log:#?}"
    );
}

#[test]
fn a_request_trickled_after_the_handshake_is_cut_off_at_the_idle_deadline() {
    let idle = server_timeout(1.0);
    let server = start_server(&["--idle-timeout", &seconds(idle), "--max-conns", "1"]);

    let started = Instant::now(); // before the handshake, which starts the request's deadline
    let mut client = tls_client(&example("tls-client"), &server, &["--stdin", "--trace"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tls-client");
    let mut stdin = client.stdin.take().expect("piped");
    let mut response = Lines::read("tls-client", client.stdout.take().expect("piped"));
    let mut trace = Lines::read("tls-client's trace", client.stderr.take().expect("piped"));
    trace.wait_for("handshake: ");

    // One byte of a never-ending header every fifth of the deadline; each goes out at once in
    // a record of its own.
    let request = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
    let pace = idle / 5;
    let mut trickled = 0;
    let status = loop {
        assert!(
            started.elapsed() < deadline(),
            "still connected after {:?}, {trickled} bytes trickled",
            started.elapsed()
        );
        let byte = request.get(trickled).copied().unwrap_or(b'a');
        if stdin
            .write_all(&[byte])
            .and_then(|()| stdin.flush())
            .is_ok()
        {
            trickled += 1;
        }
        if let Some(status) = exited_within(&mut client, pace) {
            break status;
        }
    };
    let cut_after = started.elapsed();
    let client_trace = trace.rest();
    assert!(status.success(), "tls-client: {status}, {client_trace:#?}");
    assert!(
        cut_after + Duration::from_millis(10) >= idle && trickled >= 2,
        "cut off after {cut_after:?} (deadline {idle:?}), {trickled} bytes trickled"
    );
    assert!(
        response.rest().is_empty(),
        "an unfinished request got an answer"
    );
    drop(stdin);
    let log = server.finish();
    assert!(
        log.iter().any(|l| l.contains("[conn 1]")
            && l.contains("closed: no complete request")
            && l.contains("(--idle-timeout)")),
        "{log:#?}"
    );
}

// ---- requests ---------------------------------------------------------------------------------

#[test]
fn a_request_ending_in_a_bare_lf_is_answered() {
    let requests: [&[u8]; 3] = [
        b"GET / HTTP/1.0\n\n",
        b"GET / HTTP/1.1\nHost: localhost\n\r\n",
        b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
    ];
    let mut server = start_server(&["--max-conns", &requests.len().to_string()]);
    for request in requests {
        let output = run_with_input(
            &mut tls_client(&example("tls-client"), &server, &["--stdin"]),
            request.to_vec(),
            deadline(),
        );
        assert!(
            output.status.success() && output.stdout.starts_with(b"HTTP/1.1 200 OK\r\n"),
            "{:?} was not answered: {}\n--- the server:\n{}",
            String::from_utf8_lossy(request),
            describe(&output),
            server.log_so_far()
        );
    }
    server.finish();
}

// ---- out of file descriptors ----------------------------------------------------------------

/// A tls-client in `--stdin` mode against an echo server, started unwrapped: the test holds
/// many at once, and the server is what is under test (and under valgrind).
struct EchoClient {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Receiver<String>,
}

enum Outcome {
    Served(EchoClient),
    Refused(Output),
}

impl EchoClient {
    /// Connects and sends `line`: served if it comes back, refused if the client fails first.
    /// Either must happen promptly: a client left hanging fails the test.
    fn try_connect(server: &ExampleServer, line: &str) -> Outcome {
        let mut child = Command::new(example("tls-client"))
            .args([
                "--ca",
                &cert("ca.pem"),
                "--stdin",
                "localhost",
                &server.port(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tls-client");
        let mut stdin = child.stdin.take().expect("piped");
        let stdout = lines_of(child.stdout.take().expect("piped"));
        // Fails only if the client has already gone: its exit status says why.
        let _ = writeln!(stdin, "{line}");
        let mut client = EchoClient {
            child,
            stdin: Some(stdin),
            stdout,
        };
        match client.stdout.recv_timeout(Duration::from_secs(30)) {
            Ok(echoed) => {
                assert_eq!(echoed, line);
                Outcome::Served(client)
            }
            Err(RecvTimeoutError::Disconnected) => {
                drop(client.stdin.take());
                let stderr = client.child.stderr.take().expect("piped");
                let mut text = Vec::new();
                let _ = BufReader::new(stderr).read_to_end(&mut text);
                let status = client.child.wait().expect("wait");
                Outcome::Refused(Output {
                    status,
                    stdout: Vec::new(),
                    stderr: text,
                })
            }
            Err(RecvTimeoutError::Timeout) => {
                let _ = client.child.kill();
                panic!("a client was neither served nor refused within 30 s: it hangs");
            }
        }
    }

    fn echo(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("open");
        writeln!(stdin, "{line}").expect("write to tls-client");
        let echoed = self
            .stdout
            .recv_timeout(deadline())
            .expect("an established connection was not served");
        assert_eq!(echoed, line);
    }

    /// Ends the input: tls-client sends close_notify and exits 0 after the server's.
    fn close(mut self) {
        drop(self.stdin.take());
        let status = exited_within(&mut self.child, deadline());
        assert!(
            matches!(status, Some(s) if s.success()),
            "tls-client did not close cleanly: {status:?}"
        );
    }
}

impl Drop for EchoClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn out_of_file_descriptors_new_clients_are_refused_promptly_and_established_ones_served() {
    // The server gets 24 descriptors: its own few, then one per connection. The clients come
    // one after another until well past that, so the last ones find none left.
    const ATTEMPTS: usize = 40;
    let (pem, key) = (cert("server.pem"), cert("server.key"));
    let max_conns = ATTEMPTS.to_string();
    let mut server = ExampleServer::start_with_fd_limit(
        &[
            "--cert",
            &pem,
            "--key",
            &key,
            "--echo",
            "--max-conns",
            &max_conns,
        ],
        24,
    );

    let mut served = Vec::new();
    let mut refused = Vec::new();
    for attempt in 0..ATTEMPTS {
        match EchoClient::try_connect(&server, &format!("hello {attempt}")) {
            Outcome::Served(client) => {
                assert!(
                    refused.is_empty(),
                    "client {attempt} was served after a refusal, with no descriptor freed"
                );
                served.push(client);
            }
            Outcome::Refused(output) => {
                assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
                refused.push(output);
            }
        }
    }
    assert!(
        !served.is_empty() && refused.len() >= 10,
        "{} served, {} refused: the descriptor limit did not bite",
        served.len(),
        refused.len()
    );
    let log = server.wait_for_log("refused: out of file descriptors");
    assert!(log.contains("[conn "), "{log}");

    // Established connections are served on, then end cleanly.
    for (i, client) in served.iter_mut().enumerate() {
        client.echo(&format!("still here {i}"));
    }
    for client in served {
        client.close();
    }
    let log = server.finish();
    let refusals = log
        .iter()
        .filter(|l| l.contains("refused: out of file descriptors"))
        .count();
    assert_eq!(
        refusals,
        refused.len(),
        "one line per refused client: {log:#?}"
    );
}

// ---- hostile clients get an alert before the end ----------------------------------------------

fn u16_list(values: &[u16]) -> Vec<u8> {
    let mut out = ((values.len() * 2) as u16).to_be_bytes().to_vec();
    for value in values {
        out.extend(value.to_be_bytes());
    }
    out
}

fn extension(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_be_bytes().to_vec();
    out.extend((data.len() as u16).to_be_bytes());
    out.extend(data);
    out
}

/// A handshake message of `kind` in one TLS plaintext record.
fn handshake_record(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend(((body.len() + 4) as u16).to_be_bytes());
    record.push(kind);
    record.extend(&(body.len() as u32).to_be_bytes()[1..]);
    record.extend(body);
    record
}

/// A ClientHello of a TLS 1.2 client (no supported_versions extension) offering `suites` and
/// `signature_schemes`, with X25519 and P-256 for the key exchange.
fn tls12_client_hello(suites: &[u16], signature_schemes: &[u16]) -> Vec<u8> {
    let mut extensions = Vec::new();
    extensions.extend(extension(0x000a, &u16_list(&[0x001d, 0x0017]))); // supported_groups
    extensions.extend(extension(0x000b, &[1, 0])); // ec_point_formats: uncompressed
    extensions.extend(extension(0x000d, &u16_list(signature_schemes)));
    extensions.extend(extension(0x0017, &[])); // extended_master_secret
    extensions.extend(extension(0xff01, &[0])); // renegotiation_info: initial handshake
    let mut body = vec![0x03, 0x03]; // legacy_version: TLS 1.2
    body.extend([0x5a; 32]); // random
    body.push(0); // no session id
    body.extend(u16_list(suites));
    body.extend([1, 0]); // compression methods: null
    body.extend((extensions.len() as u16).to_be_bytes());
    body.extend(extensions);
    handshake_record(1, &body)
}

/// Sends `hello` and reads until the server closes; returns the first alert record's level
/// and description.
fn alert_before_end(server: &ExampleServer, what: &str, hello: &[u8]) -> (u8, u8) {
    let mut raw = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    raw.write_all(hello).expect("send");
    let answer = read_until_closed(&mut raw);
    let mut rest = answer.as_slice();
    while rest.len() >= 5 {
        let length = u16::from_be_bytes([rest[3], rest[4]]) as usize;
        let Some(payload) = rest.get(5..5 + length) else {
            break;
        };
        if rest[0] == 21 && payload.len() == 2 {
            return (payload[0], payload[1]);
        }
        rest = &rest[5 + length..];
    }
    panic!("{what}: no alert record before the end; the server sent {answer:02x?}");
}

const ECDHE_ECDSA_AES128_GCM_SHA256: u16 = 0xc02b;
const ECDHE_ECDSA_AES256_GCM_SHA384: u16 = 0xc02c;
const RSA_RC4_128_SHA: u16 = 0x0005;
const ECDSA_SECP256R1_SHA256: u16 = 0x0403;
const ECDSA_SECP384R1_SHA384: u16 = 0x0503;

/// Each hostile hello against one server, then a well-behaved client, which must be served:
/// every hostile client reads a fatal alert before the end, and the server logs its failure.
fn assert_alerted(cases: &[(&str, Vec<u8>)]) {
    let max_conns = (cases.len() + 1).to_string();
    let mut server = start_server(&["--max-conns", &max_conns]);
    for (i, (what, hello)) in cases.iter().enumerate() {
        let (level, description) = alert_before_end(&server, what, hello);
        let logged = server.wait_for_log(&format!("[conn {}]", i + 1));
        assert_eq!(
            level, 2,
            "{what}: a warning alert ({description}) instead of a fatal one; server: {logged}"
        );
        assert!(logged.contains("handshake failed"), "{what}: {logged}");
    }
    assert_served(&server);
    server.finish();
}

#[test]
fn hostile_clients_read_a_fatal_alert_before_the_end() {
    assert_alerted(&[
        (
            "a ClientHello record whose body is garbage",
            handshake_record(1, &[0xde, 0xad, 0xbe, 0xef]),
        ),
        (
            "no cipher suite in common",
            tls12_client_hello(&[RSA_RC4_128_SHA], &[ECDSA_SECP256R1_SHA256]),
        ),
        (
            "a record of an unknown content type after a valid ClientHello",
            [
                tls12_client_hello(&[ECDHE_ECDSA_AES128_GCM_SHA256], &[ECDSA_SECP256R1_SHA256]),
                vec![0x99, 0x03, 0x03, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef],
            ]
            .concat(),
        ),
    ]);
}

/// rustls fails this one with a general error ("incompatible signing key") for which it queues
/// no alert: the library has to send one itself.
#[test]
fn a_tls12_client_whose_only_signature_scheme_does_not_fit_the_key_reads_an_alert() {
    assert_alerted(&[(
        "a TLS 1.2 client whose only signature scheme does not fit the P-256 key",
        tls12_client_hello(
            &[ECDHE_ECDSA_AES128_GCM_SHA256, ECDHE_ECDSA_AES256_GCM_SHA384],
            &[ECDSA_SECP384R1_SHA384],
        ),
    )]);
}
