//! The fd layer against real peers, and against peers that misbehave on purpose: C programs
//! using ftls (`tls-client` with blocking fd calls, `tls-server` and `tests/c/fd_peers.c` with
//! non-blocking ones in a poll() loop) against each other and against `openssl s_server` /
//! `openssl s_client`, over loopback TCP on free ports:
//!
//! - one byte at a time: a relay forwards every byte in its own write(2), both ways;
//! - stalls: a peer that stops answering in the handshake, or before its response, while the
//!   same poll() loop serves others; a client that never stops sending, while others are served;
//! - resets, and streams that end without close_notify;
//! - volume: 1 GiB echoed and checked, 256 clients at once with every response checked.
//!
//! No sleeps: every wait is for an event (a line of output, a log line, an exit). The
//! signal-during-a-blocking-call and socketpair cases are in `tests/c/fd_io.c` (tests/c_api.rs).
//! Under `FTLS_TEST_WRAPPER` (valgrind in CI) every C program here is checked for memory errors
//! and leaks on all these paths; only the echo is smaller there (see its test).

mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::thread::JoinHandle;
use support::*;

const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

// ---- the programs -----------------------------------------------------------------------------

/// Runs `tests/c/fd_peers.c` with the test CA and `args`; asserts that every check passed (at
/// least `min_checks`) and returns its output.
fn fd_peers(args: &[&str], min_checks: usize) -> String {
    let mut cmd = wrapped(&c_test_program("fd_peers"));
    cmd.arg(cert("ca.pem")).args(args);
    let output = run_with_timeout(&mut cmd, deadline());
    assert_checks_passed(&format!("fd_peers {args:?}"), &output, min_checks)
}

/// `tls-server` with the test certificate and `extra` arguments (which must include
/// `--max-conns`: it has to exit by itself, see `ExampleServer::finish`).
fn tls_server(extra: &[&str]) -> ExampleServer {
    let (pem, key) = (cert("server.pem"), cert("server.key"));
    let mut args = vec!["--cert", pem.as_str(), "--key", key.as_str()];
    args.extend_from_slice(extra);
    ExampleServer::start(&args)
}

/// `tls-client --ca ca.pem EXTRA... localhost PORT`, with `input` on its standard input.
fn tls_client(port: u16, extra: &[&str], input: &[u8]) -> Output {
    let mut cmd = wrapped(&example("tls-client"));
    cmd.args(["--ca", &cert("ca.pem")])
        .args(extra)
        .args(["localhost", &port.to_string()]);
    run_with_input(&mut cmd, input.to_vec(), deadline())
}

fn describe(output: &Output) -> String {
    format!(
        "status {}\n--- stdout:\n{}\n--- stderr:\n{}",
        output.status,
        stdout_text(output),
        stderr_text(output)
    )
}

fn assert_page(output: &Output, status_line: &str) -> String {
    let page = stdout_text(output);
    assert!(
        output.status.success() && page.starts_with(status_line),
        "expected {status_line:?} and exit 0; {}",
        describe(output)
    );
    page
}

/// Shows the line of a report that starts with `prefix` (a measured figure) in the test output.
fn print_figure(report: &str, prefix: &str) {
    if let Some(line) = report.lines().find(|line| line.starts_with(prefix)) {
        println!("{line}");
    }
}

fn openssl() -> Command {
    let mut cmd = Command::new("openssl");
    // A fixed environment: no user openssl.cnf changes what is being tested.
    cmd.env_remove("OPENSSL_CONF").env_remove("SSL_CERT_FILE");
    cmd
}

/// `openssl s_server` on a free loopback port for `conns` connections. With `-www` it answers a
/// GET with a status page; without, it prints what it receives and sends what its standard input
/// says, so with its input left open it never answers.
fn openssl_server(www: bool, conns: usize, extra: &[&str]) -> Command {
    let mut cmd = openssl();
    cmd.args(["s_server", "-accept", "127.0.0.1:0"])
        .args(["-naccept", &conns.to_string()])
        .args(["-cert", &cert("server.pem"), "-key", &cert("server.key")])
        .args(extra);
    if www {
        cmd.arg("-www");
    }
    cmd
}

/// `openssl s_client` to 127.0.0.1:`port`, verifying the server as localhost with the test CA.
fn openssl_client(port: u16, extra: &[&str]) -> Command {
    let mut cmd = openssl();
    cmd.args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .args(["-servername", "localhost", "-verify_hostname", "localhost"])
        .args(["-CAfile", &cert("ca.pem"), "-verify_return_error"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

// ---- a relay that sends one byte at a time --------------------------------------------------

/// A relay between clients and the server at `upstream` that forwards every byte in its own
/// write(2), both ways, with TCP_NODELAY so that each leaves as its own segment. It serves
/// `connections` clients, at the same time if they come so.
struct Trickle {
    port: u16,
    relay: JoinHandle<Vec<(usize, usize)>>,
}

impl Trickle {
    fn start(upstream: u16, connections: usize) -> Trickle {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the relay");
        let port = listener.local_addr().expect("relay address").port();
        let relay = std::thread::spawn(move || {
            let directions: Vec<_> = (0..connections)
                .map(|_| {
                    let (client, _) = listener.accept().expect("accept at the relay");
                    let server = TcpStream::connect(("127.0.0.1", upstream)).expect("upstream");
                    let (client2, server2) = (client.try_clone(), server.try_clone());
                    let (client2, server2) = (client2.expect("clone"), server2.expect("clone"));
                    (
                        std::thread::spawn(move || one_byte_at_a_time(client, server)),
                        std::thread::spawn(move || one_byte_at_a_time(server2, client2)),
                    )
                })
                .collect();
            directions
                .into_iter()
                .map(|(up, down)| {
                    (
                        up.join().expect("relay up"),
                        down.join().expect("relay down"),
                    )
                })
                .collect()
        });
        Trickle { port, relay }
    }

    /// Waits until every connection has ended both ways, and asserts that each carried at least
    /// a handshake's worth of bytes each way (every one in its own write).
    fn finish(self) {
        for (i, (up, down)) in self
            .relay
            .join()
            .expect("the relay")
            .into_iter()
            .enumerate()
        {
            assert!(
                up > 200 && down > 1000,
                "connection {i} through the relay: only {up} bytes up and {down} down"
            );
        }
    }
}

/// Copies `from` to `to` one byte per write; when `from` ends, ends `to`'s direction too.
/// Returns how many bytes went through.
fn one_byte_at_a_time(mut from: TcpStream, mut to: TcpStream) -> usize {
    to.set_nodelay(true).expect("TCP_NODELAY");
    let mut buf = [0u8; 4096];
    let mut forwarded = 0;
    'copy: while let Ok(n @ 1..) = from.read(&mut buf) {
        for byte in &buf[..n] {
            if to.write_all(std::slice::from_ref(byte)).is_err() {
                break 'copy;
            }
            forwarded += 1;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
    forwarded
}

#[test]
fn blocking_tls_client_and_tls_server_one_byte_at_a_time() {
    let server = tls_server(&["--max-conns", "2"]);
    let relay = Trickle::start(server.port, 2);
    for (flag, version) in [("--tls13", "TLSv1.3"), ("--tls12", "TLSv1.2")] {
        let page = assert_page(&tls_client(relay.port, &[flag], b""), "HTTP/1.1 200 OK\r\n");
        assert!(page.contains(&format!("Protocol: {version}\n")), "{page}");
    }
    relay.finish();
    server.finish();
}

#[test]
fn nonblocking_clients_one_byte_at_a_time() {
    // Four clients in one poll() loop, each trickled, against tls-server.
    let server = tls_server(&["--max-conns", "4"]);
    let relay = Trickle::start(server.port, 4);
    fd_peers(&["get", &relay.port.to_string(), "4"], 4);
    relay.finish();
    server.finish();

    // tls-client --stdin (non-blocking, reading and writing at once) against the echo server.
    let server = tls_server(&["--echo", "--max-conns", "1"]);
    let relay = Trickle::start(server.port, 1);
    let input: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    let output = tls_client(relay.port, &["--stdin"], &input);
    assert!(
        output.status.success() && output.stdout == input,
        "the echo differs; {}",
        describe(&output)
    );
    relay.finish();
    server.finish();
}

#[test]
fn openssl_s_server_one_byte_at_a_time() {
    let server = Server::start(openssl_server(true, 2, &[]));
    let relay = Trickle::start(server.port, 2);
    assert_page(&tls_client(relay.port, &[], b""), "HTTP/1.0 200 ok\r\n");
    fd_peers(&["get", &relay.port.to_string(), "1"], 1);
    relay.finish();
    assert!(server.wait().success(), "s_server failed");
}

#[test]
fn openssl_s_client_to_tls_server_one_byte_at_a_time() {
    let server = tls_server(&["--max-conns", "1"]);
    let relay = Trickle::start(server.port, 1);
    let mut s_client = openssl_client(relay.port, &["-tls1_3", "-ign_eof"])
        .spawn()
        .expect("openssl must be installed");
    let mut stdin = s_client.stdin.take().expect("piped");
    stdin.write_all(REQUEST).expect("the request to s_client");
    drop(stdin);
    let output = wait_with_timeout(s_client, deadline());
    let stdout = stdout_text(&output);
    assert!(
        output.status.success()
            && stdout.contains("Verify return code: 0 (ok)")
            && stdout.contains("HTTP/1.1 200 OK\r\n")
            && stdout.contains("Protocol: TLSv1.3\n"),
        "{}",
        describe(&output)
    );
    relay.finish();
    server.finish();
}

// ---- stalls -------------------------------------------------------------------------------------

/// Two clients of tls-server in one poll() loop with another, started first, whose peer (at
/// `stalled_port`) stops answering at `stage` ("handshake" or "response"): the two are served,
/// and the other still waits (FTLS_WANT_READ) at the same place, `waiting`.
fn poll_loop_with_a_stalled_peer(stalled_port: u16, stage: &str, waiting: &str) {
    let server = tls_server(&["--max-conns", "2"]);
    let stalled_port = stalled_port.to_string();
    let stalled = ["--stalled", stalled_port.as_str(), stage];
    let stdout = fd_peers(&[&["get", &server.port(), "2"][..], &stalled].concat(), 4);
    let expected =
        format!("the connection to the stalled peer still waits (FTLS_WANT_READ) {waiting}");
    assert!(stdout.contains(&expected), "{stdout}");
    server.finish();
}

#[test]
fn a_peer_stalled_in_the_handshake_does_not_hold_up_the_poll_loop() {
    // Connections to this listener complete in the kernel; nobody ever reads or answers.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("address").port();
    poll_loop_with_a_stalled_peer(port, "handshake", "in the handshake");
}

#[test]
fn a_server_stalled_before_its_response_does_not_hold_up_the_poll_loop() {
    // s_server without -www completes the handshake, reads the request and never answers.
    let stalled = Server::start(openssl_server(false, 1, &[]));
    poll_loop_with_a_stalled_peer(stalled.port, "response", "for the response");
}

#[test]
fn a_client_that_never_stops_sending_does_not_starve_the_others() {
    let server = tls_server(&["--echo", "--max-conns", "2"]);
    // fd_peers echo with BYTES 0 streams until its standard input closes.
    let mut greedy = wrapped(&c_test_program("fd_peers"))
        .args([&cert("ca.pem"), "echo", &server.port(), "0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start fd_peers");
    let mut lines = Lines::read("fd_peers echo", greedy.stdout.take().expect("piped"));
    lines.wait_for("echo: the first bytes came back");

    let line = b"served while another client streams\n";
    let output = tls_client(server.port, &["--stdin"], line);
    assert!(
        output.status.success() && output.stdout == line,
        "{}",
        describe(&output)
    );

    drop(greedy.stdin.take()); // it stops, and checks everything it got back
    let stdout = lines.rest().join("\n");
    let mut output = greedy.wait_with_output().expect("wait for fd_peers"); // its stdout closed
    output.stdout = stdout.into_bytes();
    let report = assert_checks_passed("fd_peers echo (until stdin closes)", &output, 4);
    print_figure(&report, "echoed ");
    server.finish();
}

// ---- resets and truncation ----------------------------------------------------------------------

#[test]
fn tls_server_logs_a_client_that_resets_and_keeps_serving() {
    let mut server = tls_server(&["--max-conns", "2"]);
    fd_peers(&["reset", &server.port()], 1);
    let logged = server.wait_for_log("[conn 1]");
    assert!(
        logged.contains("FTLS_ERR_IO") && logged.contains("reset"),
        "{logged}"
    );
    assert_page(&tls_client(server.port, &[], b""), "HTTP/1.1 200 OK\r\n");
    server.finish();
}

#[test]
fn tls_client_reports_a_server_that_resets() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let resetter = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        let mut byte = [0u8; 1];
        stream.peek(&mut byte).expect("the ClientHello arrives");
        // Closed with the ClientHello unread: the kernel answers with a reset, not a FIN.
    });
    let output = tls_client(port, &[], b"");
    resetter.join().expect("the resetting server");
    let stderr = stderr_text(&output);
    assert!(
        output.status.code() == Some(2)
            && stderr.contains("handshake failed")
            && stderr.contains("reset")
            && stderr.contains("FTLS_ERR_IO"),
        "{}",
        describe(&output)
    );
}

#[test]
fn tls_server_reports_an_openssl_client_that_vanishes_without_close_notify() {
    let mut server = tls_server(&["--max-conns", "1"]);
    // TLS 1.2: nothing follows the handshake, so once s_client reports it, it has read
    // everything, and its socket closes with a plain FIN when it dies.
    let mut s_client = openssl_client(server.port, &["-tls1_2"])
        .spawn()
        .expect("openssl must be installed");
    let mut lines = Lines::read("s_client", s_client.stdout.take().expect("piped"));
    lines.wait_for("Verify return code: 0 (ok)");
    s_client.kill().expect("kill s_client");
    s_client.wait().expect("wait for s_client");
    let logged = server.wait_for_log("[conn 1]");
    assert!(
        logged.contains("reading the request failed") && logged.contains("FTLS_ERR_UNEXPECTED_EOF"),
        "{logged}"
    );
    server.finish();
}

#[test]
fn tls_client_reports_an_openssl_server_that_hangs_up_without_close_notify() {
    // s_server without -www sends what its standard input says; at the end of that input it
    // closes the socket without close_notify.
    let mut s_server = openssl_server(false, 1, &["-tls1_2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl must be installed");
    let mut lines = Lines::read("s_server", s_server.stdout.take().expect("piped"));
    let accept = lines.wait_for("ACCEPT");
    let port: u16 = accept
        .rsplit(':')
        .next()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("no port in {accept:?}"));
    let client = std::thread::spawn(move || tls_client(port, &[], b""));
    // s_server prints the request as it reads it; its last header line means all of it is in.
    lines.wait_for("Connection: close");
    let mut stdin = s_server.stdin.take().expect("piped");
    stdin
        .write_all(b"HTTP/1.1 200 OK\r\n\r\npartial")
        .expect("s_server's input");
    drop(stdin);
    let output = client.join().expect("tls-client");
    let _ = s_server.wait();
    let stderr = stderr_text(&output);
    assert!(
        output.status.code() == Some(2)
            && stderr.contains("FTLS_ERR_UNEXPECTED_EOF")
            && output.stdout.ends_with(b"partial"),
        "what arrived is printed, and the exit status says it is incomplete; {}",
        describe(&output)
    );
}

// ---- volume ---------------------------------------------------------------------------------

/// 1 GiB through `tls-server --echo` and back, checked byte for byte and by checksum. Under
/// valgrind (`FTLS_TEST_WRAPPER`), which runs both programs dozens of times slower, 16 MiB: the
/// paths are the same, only the count differs.
#[test]
fn a_gibibyte_echoed_through_tls_server_comes_back_intact() {
    let bytes: u64 = if under_wrapper() { 16 << 20 } else { 1 << 30 };
    let server = tls_server(&["--echo", "--max-conns", "1"]);
    let report = fd_peers(&["echo", &server.port(), &bytes.to_string()], 4);
    assert!(
        report.contains(&format!("{bytes} bytes sent, {bytes} received")),
        "{report}"
    );
    print_figure(&report, "echoed ");
    server.finish();
}

#[test]
fn two_hundred_fifty_six_clients_at_once_each_get_their_answer() {
    let server = tls_server(&["--max-conns", "256"]);
    // --hold: every handshake completes before any request goes out, so tls-server holds all
    // 256 connections at once.
    let report = fd_peers(&["get", &server.port(), "256", "--hold"], 257);
    assert!(
        report.contains("all 256 handshakes complete, with all 256 connections open at once"),
        "{report}"
    );
    print_figure(&report, "256 connections done in ");
    server.finish();
}

#[test]
fn nonblocking_clients_against_openssl_s_server() {
    // s_server serves one connection at a time; the others wait in the same poll() loop.
    let server = Server::start(openssl_server(true, 3, &[]));
    fd_peers(&["get", &server.port.to_string(), "3"], 3);
    assert!(server.wait().success(), "s_server failed");
}
