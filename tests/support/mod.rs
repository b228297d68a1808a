//! Shared by the integration tests: builds what they need (library, examples, C test
//! programs, certificates), runs programs (under valgrind when `FTLS_TEST_WRAPPER` says so),
//! and starts servers on free ports.
//!
//! Every helper panics with a clear message when something it needs is missing: a test that
//! cannot run its check fails, it never skips.

#![allow(dead_code)] // each test binary uses a different subset

mod example_server;
mod tls_version;

#[allow(unused_imports)] // each test binary uses a different subset
pub use example_server::{ExampleServer, Lines};
#[allow(unused_imports)] // each test binary uses a different subset
pub use tls_version::Version;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The crypto provider these tests were built with (`--features ring` or the default): the
/// library, examples and C programs they run are built with the same one.
pub fn provider() -> &'static str {
    if cfg!(feature = "ring") {
        "ring"
    } else {
        "aws-lc-rs"
    }
}

/// Where `make PROVIDER=...` puts the library and programs (see the Makefile).
pub fn build_dir() -> PathBuf {
    match provider() {
        "aws-lc-rs" => root().join("build"),
        other => root().join("build").join(other),
    }
}

/// Runs `make all` once per test binary (a no-op under `make test`, which already did it).
pub fn ensure_built() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let output = Command::new("make")
            .arg("-s")
            .arg("all")
            .arg(format!("PROVIDER={}", provider()))
            .current_dir(root())
            .output()
            .expect("make must be installed to build the library and examples");
        assert!(
            output.status.success(),
            "make all failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    });
}

/// A directory of fresh test certificates (see tools/test-pki), made once per test binary.
pub fn cert_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("test binary path");
        let name = exe.file_stem().and_then(|s| s.to_str()).unwrap_or("test");
        let dir = root().join("target").join("test-certs").join(name);
        ftls_test_pki::generate(&dir).expect("generate test certificates");
        dir
    })
}

pub fn cert(name: &str) -> String {
    cert_dir().join(name).display().to_string()
}

pub fn example(name: &str) -> PathBuf {
    ensure_built();
    build_dir().join("bin").join(name)
}

/// Extra flags for compiling the C test programs, from `FTLS_TEST_CFLAGS`: CI builds them with
/// AddressSanitizer and UndefinedBehaviorSanitizer this way.
fn extra_cflags() -> Vec<String> {
    std::env::var("FTLS_TEST_CFLAGS")
        .map(|flags| flags.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Compiles `tests/c/<name>.c` as strict C99 against the built library, once per binary (with
/// `FTLS_TEST_CFLAGS`, into `build/tests-cflags`, beside the plain build).
pub fn c_test_program(name: &str) -> PathBuf {
    ensure_built();
    static COMPILED: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let compiled = COMPILED.get_or_init(Default::default);
    let mut compiled = compiled.lock().unwrap_or_else(|e| e.into_inner());
    let extra = extra_cflags();
    let dir = if extra.is_empty() {
        "tests"
    } else {
        "tests-cflags"
    };
    let out = build_dir().join(dir).join(name);
    if compiled.insert(name.to_owned()) {
        std::fs::create_dir_all(out.parent().expect("has parent")).expect("mkdir build/tests");
        let source = root().join("tests/c").join(format!("{name}.c"));
        let output = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
            .args([
                "-std=c99",
                "-Wall",
                "-Wextra",
                "-Wpedantic",
                "-Werror",
                "-g",
            ])
            .arg("-D_POSIX_C_SOURCE=200809L")
            .args(&extra)
            .arg("-I")
            .arg(root().join("include"))
            .arg(&source)
            .arg("-o")
            .arg(&out)
            .arg("-L")
            .arg(build_dir().join("lib"))
            .args(["-lftls", "-lpthread"])
            .arg(format!("-Wl,-rpath,{}", build_dir().join("lib").display()))
            .output()
            .expect("a C compiler (cc) must be installed");
        assert!(
            output.status.success(),
            "compiling {} failed:\n{}",
            source.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    out
}

/// Reads the output of a C test program (see tests/c/check.h) and fails with a readable report
/// (the FAIL lines first, then everything) unless it exited 0, every check passed and at least
/// `min_checks` ran. `what` names the run. Returns the program's stdout.
pub fn assert_checks_passed(what: &str, output: &Output, min_checks: usize) -> String {
    let stdout = stdout_text(output);
    let stderr = stderr_text(output);
    let summary = stdout
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("SUMMARY: "))
        .and_then(|rest| {
            let (checks, failed) = rest.split_once(" checks, ")?;
            Some((
                checks.parse::<usize>().ok()?,
                failed.strip_suffix(" failed")?.parse::<usize>().ok()?,
            ))
        });
    let failures: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("FAIL") || line.starts_with("     detail:"))
        .collect();
    let passed = matches!(summary, Some((checks, 0)) if checks >= min_checks);
    if !output.status.success() || !passed {
        const WRAPPER_ERRORS: &str = "; every check passed, but the wrapper (valgrind \
                                      --error-exitcode=99) reported memory errors or leaks: \
                                      see stderr";
        let wrapper_verdict = if passed && output.status.code() == Some(99) {
            WRAPPER_ERRORS
        } else {
            ""
        };
        panic!(
            "{what}: {status}{wrapper_verdict}, summary {summary:?} (at least \
             {min_checks} checks expected)\n\n{fails}\n\n--- stdout ---\n{stdout}\n--- stderr \
             (valgrind reports land here) ---\n{stderr}",
            status = output.status,
            fails = if failures.is_empty() {
                "(no FAIL line: see the exit status and stderr)".to_owned()
            } else {
                failures.join("\n")
            },
        );
    }
    stdout
}

/// Whether our programs run under `$FTLS_TEST_WRAPPER` (valgrind in CI, many times slower).
pub fn under_wrapper() -> bool {
    std::env::var("FTLS_TEST_WRAPPER").is_ok_and(|w| !w.trim().is_empty())
}

/// `tls-server` as [`wrapped`] runs it. Under the wrapper its handshake deadline (10 s by
/// default, from accept) is stretched to 120 s: valgrind makes a handshake many times slower,
/// and tests run in parallel. A `--handshake-timeout` given after this one wins.
pub fn tls_server_command() -> Command {
    let mut cmd = wrapped(&example("tls-server"));
    if under_wrapper() {
        cmd.args(["--handshake-timeout", "120"]);
    }
    cmd
}

/// A command for one of our C programs, run under `$FTLS_TEST_WRAPPER` (e.g.
/// `valgrind --error-exitcode=99 --leak-check=full`) when CI sets it.
pub fn wrapped(program: &Path) -> Command {
    match std::env::var("FTLS_TEST_WRAPPER") {
        Ok(wrapper) if !wrapper.trim().is_empty() => {
            let mut words = wrapper.split_whitespace();
            let mut cmd = Command::new(words.next().expect("non-empty wrapper"));
            cmd.args(words).arg(program);
            cmd
        }
        _ => Command::new(program),
    }
}

/// Runs a tool (a compiler, make, cmake...) to completion; panics with its output unless it
/// succeeds. Returns its stdout. `what` says what it was doing, for the message.
pub fn run_tool(cmd: &mut Command, what: &str) -> String {
    let output = run_with_timeout(cmd, deadline());
    assert!(
        output.status.success(),
        "{what} failed ({cmd:?}): {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        stdout_text(&output),
        stderr_text(&output)
    );
    stdout_text(&output)
}

/// Runs a command to completion with a deadline; panics (killing it) if it hangs.
pub fn run_with_timeout(cmd: &mut Command, limit: Duration) -> Output {
    run_with_input(cmd, Vec::new(), limit)
}

/// As [`run_with_timeout`], writing `input` to the program's standard input (then closing it).
/// A thread feeds it, so a program that answers while it reads cannot deadlock against us.
pub fn run_with_input(cmd: &mut Command, input: Vec<u8>, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let mut stdin = child.stdin.take().expect("piped");
    // A program that exits without reading all of its input is not our failure to report here.
    let feeder = std::thread::spawn(move || {
        let _ = std::io::Write::write_all(&mut stdin, &input);
    });
    let output = wait_with_timeout(child, limit);
    let _ = feeder.join();
    output
}

/// Collects a started child's output (its stdout/stderr must be piped) and waits for it to
/// exit; panics (killing it) if it is still running after `limit`.
pub fn wait_with_timeout(mut child: Child, limit: Duration) -> Output {
    let stdout = child.stdout.take().expect("stdout must be piped");
    let stderr = child.stderr.take().expect("stderr must be piped");
    let out_reader = std::thread::spawn(move || read_all(stdout));
    let err_reader = std::thread::spawn(move || read_all(stderr));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "process {} did not finish within {limit:?}; stderr so far:\n{}",
                child.id(),
                String::from_utf8_lossy(&err_reader.join().unwrap_or_default())
            );
        }
        std::thread::sleep(Duration::from_millis(5)); // polling a child, not synchronising
    };
    Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

fn read_all(mut source: impl std::io::Read) -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = source.read_to_end(&mut bytes);
    bytes
}

/// Reads until the peer closes the connection (end of stream or reset); returns what it sent.
/// Panics if it is still open after [`deadline`].
pub fn read_until_closed(stream: &mut std::net::TcpStream) -> Vec<u8> {
    use std::io::Read;
    stream.set_read_timeout(Some(deadline())).expect("timeout");
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return received,
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return received,
            Err(e) => panic!("the server did not close the connection: {e}"),
        }
    }
}

/// The default deadline for one program run; generous for valgrind.
pub fn deadline() -> Duration {
    if under_wrapper() {
        Duration::from_secs(600)
    } else {
        Duration::from_secs(120)
    }
}

/// A server process started on a free port; killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Server {
    /// Starts `cmd` (which must listen on port 0) and waits for the line that names its port:
    /// `listening on ADDR:PORT` (tls-server) or `ACCEPT ADDR:PORT` (openssl s_server).
    pub fn start(mut cmd: Command) -> Server {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref().map_while(Result::ok) {
                let port = ["listening on ", "ACCEPT "].iter().find_map(|prefix| {
                    let rest = line.strip_prefix(prefix)?;
                    rest.rsplit(':').next()?.trim().parse::<u16>().ok()
                });
                if let Some(port) = port {
                    let _ = tx.send(port);
                    break;
                }
            }
            // Keep draining so the server never blocks on a full stdout pipe.
            for _ in lines {}
        });
        match rx.recv_timeout(deadline()) {
            Ok(port) => Server { child, port },
            Err(_) => {
                let _ = child.kill();
                panic!("{cmd:?} never printed its listening port");
            }
        }
    }

    /// Waits for the server to exit by itself (e.g. `--max-conns`).
    pub fn wait(mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + deadline();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh, empty directory for one test's files, under target/test-scratch.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = root().join("target").join("test-scratch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// The lines of an NSS key-log file, sorted, without comments (OpenSSL starts its file with
/// one).
pub fn key_log_lines(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines: Vec<String> = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

pub fn stdout_text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr_text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
