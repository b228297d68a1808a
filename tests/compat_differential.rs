//! The OpenSSL-compatible library, tested differentially against OpenSSL itself.
//!
//! Each legacy-style program of tests/compat/ is built twice, unchanged: against the system
//! OpenSSL (libssl-dev) and against ftls' OpenSSL-shaped root (build/openssl/). Both builds run
//! the same scenario against the same peers (the example tls-server and tls-client, `openssl
//! s_server` / `s_client`, rustls peers that misbehave on purpose, the system build of a
//! partner program), and what a user sees must be the same: stdout, stderr (error-queue lines
//! with only what OpenSSL itself varies normalised away: thread id, function, file:line), exit
//! codes, and the peers' own output (the alert a peer received, the response a client got).
//!
//! Each scenario also asserts a few facts of the OpenSSL run, so that a scenario which stopped
//! exercising its pattern fails instead of comparing two identical failures.
//!
//! A program that does not compile or link against the ftls root is a failing test (the
//! compatibility library lacks something it uses): never a skip.

mod support;

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use support::{cert, root, scratch_dir, Lines};

/// Which library a program is built against.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Build {
    /// The system's libssl/libcrypto and its headers.
    System,
    /// The compatibility library's root, build/openssl/.
    Ftls,
}

impl Build {
    fn name(self) -> &'static str {
        match self {
            Build::System => "system OpenSSL",
            Build::Ftls => "ftls",
        }
    }

    fn dir(self) -> &'static str {
        match self {
            Build::System => "system",
            Build::Ftls => "ftls",
        }
    }
}

/// The OpenSSL-shaped root the Makefile builds (`make all`).
fn ftls_root() -> PathBuf {
    support::build_dir().join("openssl")
}

/// Compiles tests/compat/NAME.c against `build`, once per test binary; a failure is returned
/// as the compiler's own words, for every test that needs the program.
fn program(name: &str, build: Build) -> Result<PathBuf, String> {
    type Compiled = HashMap<(String, Build), Result<PathBuf, String>>;
    static COMPILED: OnceLock<Mutex<Compiled>> = OnceLock::new();
    let compiled = COMPILED.get_or_init(Default::default);
    let mut compiled = compiled.lock().unwrap_or_else(|e| e.into_inner());
    compiled
        .entry((name.to_owned(), build))
        .or_insert_with(|| compile(name, build))
        .clone()
}

fn compile(name: &str, build: Build) -> Result<PathBuf, String> {
    support::ensure_built();
    let source = root().join("tests/compat").join(format!("{name}.c"));
    let out = support::build_dir()
        .join("compat")
        .join(build.dir())
        .join(name);
    std::fs::create_dir_all(out.parent().expect("has a parent")).expect("mkdir build/compat");
    let mut cmd = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    // What a legacy build uses: C99 with GNU extensions, warnings as errors; OpenSSL 3.0
    // deprecates much of what such programs call, and that is not what is tested here.
    cmd.args(["-std=gnu99", "-Wall", "-Wextra", "-Werror"])
        .arg("-Wno-deprecated-declarations")
        .arg("-g")
        .arg(&source)
        .arg("-o")
        .arg(&out);
    if build == Build::Ftls {
        let root = ftls_root();
        // Without the root, -I and -L would silently fall back to the system OpenSSL.
        for needed in ["include/openssl/ssl.h", "lib/libssl.so", "lib/libcrypto.so"] {
            if !root.join(needed).exists() {
                return Err(format!(
                    "building {name}.c against ftls: {} is missing (`make all` builds the \
                     OpenSSL-shaped root)",
                    root.join(needed).display()
                ));
            }
        }
        cmd.arg(format!("-I{}", root.join("include").display()))
            .arg(format!("-I{}", absent_headers().display()))
            .arg(format!("-L{}", root.join("lib").display()))
            .arg(format!("-Wl,-rpath,{}", root.join("lib").display()));
    }
    cmd.args(["-lssl", "-lcrypto"]);
    let output = support::run_with_timeout(&mut cmd, deadline());
    if !output.status.success() {
        // The first errors say what is missing; the rest follow from them.
        let stderr = support::stderr_text(&output);
        let head: Vec<&str> = stderr.lines().take(40).collect();
        return Err(format!(
            "building {name}.c against {} failed ({cmd:?}):\n{}{}",
            build.name(),
            head.join("\n"),
            if stderr.lines().count() > head.len() {
                "\n[...]"
            } else {
                ""
            }
        ));
    }
    if build == Build::Ftls {
        linked_to_root(name, &out)?;
    }
    Ok(out)
}

/// A directory with one stand-in for every header of the system's OpenSSL, each an `#error`
/// naming it, searched after the root: a header the root lacks stops the build with its name,
/// instead of the system's header being used in its place.
fn absent_headers() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = support::build_dir().join("compat").join("absent-headers");
        let openssl = dir.join("openssl");
        std::fs::create_dir_all(&openssl).expect("mkdir absent-headers");
        // /usr/include/openssl, and the multiarch directories' (opensslconf.h, configuration.h).
        let mut systems = vec![PathBuf::from("/usr/include/openssl")];
        for entry in std::fs::read_dir("/usr/include")
            .expect("/usr/include")
            .flatten()
        {
            if entry.path().join("openssl").is_dir() && entry.file_name() != "openssl" {
                systems.push(entry.path().join("openssl"));
            }
        }
        for system in systems {
            let entries = std::fs::read_dir(&system).unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (libssl-dev: `make tools` installs it)",
                    system.display()
                )
            });
            for entry in entries {
                let name = entry.expect("a directory entry").file_name();
                let name = name.to_string_lossy();
                let text =
                    format!("#error \"<openssl/{name}> is not in ftls' OpenSSL-shaped root\"\n");
                std::fs::write(openssl.join(&*name), text).expect("write a stand-in header");
            }
        }
        dir
    })
    .clone()
}

/// Checks that the ftls build of a program loads libssl and libcrypto from the root, never the
/// system's.
fn linked_to_root(name: &str, program: &std::path::Path) -> Result<(), String> {
    let ldd = support::run_tool(Command::new("ldd").arg(program), "ldd");
    let lib = ftls_root().join("lib");
    let strays: Vec<&str> = ldd
        .lines()
        .filter(|line| line.contains("libssl") || line.contains("libcrypto"))
        .filter(|line| !line.contains(&*lib.to_string_lossy()))
        .collect();
    if strays.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the ftls build of {name} loads OpenSSL from outside {}:\n{}",
            lib.display(),
            strays.join("\n")
        ))
    }
}

/// The programs of one build, as a scenario asks for them.
struct Programs {
    build: Build,
}

impl Programs {
    fn path(&self, name: &str) -> PathBuf {
        match program(name, self.build) {
            Ok(path) => path,
            Err(message) => panic!("{message}"),
        }
    }

    /// The program in a fixed environment: no user configuration or trust paths change what is
    /// compared (a scenario sets them where it tests them). The ftls build runs under valgrind
    /// when `FTLS_COMPAT_VALGRIND` asks for it (CI), else under `$FTLS_TEST_WRAPPER`, whose
    /// reports land in the transcript as a difference; the system's OpenSSL is not what is
    /// checked there.
    fn command(&self, name: &str) -> Command {
        let path = self.path(name);
        let mut cmd = match self.build {
            Build::Ftls if valgrind() => valgrind_command(name, &path),
            Build::Ftls => support::wrapped(&path),
            Build::System => Command::new(&path),
        };
        for variable in ["OPENSSL_CONF", "SSL_CERT_FILE", "SSL_CERT_DIR"] {
            cmd.env_remove(variable);
        }
        cmd
    }
}

// ---------------------------------------------------------------------------------------------
// The ftls builds under valgrind

/// `FTLS_COMPAT_VALGRIND=1` (set by .ci/run): every run of a program's ftls build goes through
/// valgrind's memcheck, and a scenario fails on any error or definite leak it reports. The
/// peers, the system builds and the Rust side of this harness run natively.
fn valgrind() -> bool {
    std::env::var("FTLS_COMPAT_VALGRIND").is_ok_and(|v| !v.trim().is_empty() && v.trim() != "0")
}

/// The deadline for one program run: valgrind makes the ftls builds many times slower.
fn deadline() -> Duration {
    if valgrind() {
        Duration::from_secs(600)
    } else {
        support::deadline()
    }
}

thread_local! {
    /// Where the valgrind logs of the scenario running on this thread go (each test runs its
    /// scenario on its own thread).
    static VALGRIND_LOGS: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

/// `valgrind ... PROGRAM`, logging to a file of its own in the running scenario's directory
/// (`%p`: a forked child logs apart from its parent). With `--quiet` a clean run leaves its log
/// empty; valgrind's words never enter the transcript, and its exit code 99 says an error.
fn valgrind_command(name: &str, program: &Path) -> Command {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let dir = VALGRIND_LOGS
        .with(|logs| logs.borrow().clone())
        .unwrap_or_else(|| panic!("{name}: an ftls build started outside a scenario"));
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let mut cmd = Command::new("valgrind");
    cmd.args([
        "--tool=memcheck",
        "--quiet",
        "--error-exitcode=99",
        "--leak-check=full",
        "--show-leak-kinds=definite",
        "--errors-for-leak-kinds=definite",
    ])
    .arg(format!(
        "--log-file={}",
        dir.join(format!("{name}-{run}.%p.log")).display()
    ))
    .arg(program);
    cmd
}

/// Runs `scenario`, under [`valgrind_checked`] when `FTLS_COMPAT_VALGRIND` asks for it.
fn with_valgrind_logs(pattern: &str, scenario: impl FnOnce() -> Transcript) -> Transcript {
    if valgrind() {
        valgrind_checked(pattern, scenario)
    } else {
        scenario()
    }
}

/// Runs `scenario` with the valgrind logs of the programs it starts ([`valgrind_command`]) in a
/// directory of their own, then fails on any log that is not empty (an error or a definite
/// leak), naming the program.
fn valgrind_checked(pattern: &str, scenario: impl FnOnce() -> Transcript) -> Transcript {
    let dir = scratch_dir(&format!("compat-valgrind-{pattern}"));
    VALGRIND_LOGS.with(|logs| *logs.borrow_mut() = Some(dir.clone()));
    let transcript = scenario();
    VALGRIND_LOGS.with(|logs| *logs.borrow_mut() = None);
    let mut logs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the valgrind log directory")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    assert!(
        !logs.is_empty(),
        "{pattern}: no ftls build ran under valgrind"
    );
    logs.sort();
    let reports: Vec<String> = logs
        .iter()
        .filter_map(|log| {
            let text = std::fs::read_to_string(log).expect("a valgrind log");
            (!text.trim().is_empty()).then(|| format!("--- {}\n{text}", log.display()))
        })
        .collect();
    assert!(
        reports.is_empty(),
        "{pattern}: valgrind found errors in the ftls build:\n{}\ntranscript:\n{}",
        reports.join("\n"),
        transcript.lines.join("\n")
    );
    transcript
}

/// What a user sees of one scenario run, line by line, each line tagged with who printed it.
#[derive(Default)]
struct Transcript {
    lines: Vec<String>,
}

impl Transcript {
    fn note(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    /// A finished program: its exit, then its stdout and stderr lines.
    fn output(&mut self, who: &str, output: &Output) {
        self.status(who, output.status);
        self.text(&format!("{who} out"), &support::stdout_text(output));
        self.text(&format!("{who} err"), &support::stderr_text(output));
    }

    fn status(&mut self, who: &str, status: ExitStatus) {
        match status.code() {
            Some(code) => self.note(format!("{who}: exit {code}")),
            None => self.note(format!("{who}: {status}")),
        }
    }

    fn text(&mut self, who: &str, text: &str) {
        for line in text.lines() {
            self.note(format!("[{who}] {}", normalise(line)));
        }
    }

    /// Only the lines of a chatty peer (s_server, s_client) that report errors and alerts.
    fn errors(&mut self, who: &str, text: &str) {
        for line in text.lines() {
            let lower = line.to_ascii_lowercase();
            if lower.contains("error") || lower.contains("alert") {
                self.note(format!("[{who}] {}", normalise(line)));
            }
        }
    }

    fn contains(&self, needle: &str) -> bool {
        self.lines.iter().any(|line| line.contains(needle))
    }
}

/// What differs between two runs whatever the library: the ports the system picked, and in
/// error-queue lines (OpenSSL 3.0's `TID:error:CODE:LIB:FUNC:REASON:FILE:LINE:DATA`) the
/// thread id, the function and the source position.
fn normalise(line: &str) -> String {
    let line = mask_ports(line);
    let fields: Vec<&str> = line.splitn(9, ':').collect();
    let is_hex = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit());
    if fields.len() == 9 && is_hex(fields[0]) && fields[1] == "error" && is_hex(fields[2]) {
        let (code, lib, reason, data) = (fields[2], fields[3], fields[5], fields[8]);
        return format!("TID:error:{code}:{lib}:FUNC:{reason}:FILE:LINE:{data}");
    }
    line
}

/// `127.0.0.1:43127` -> `127.0.0.1:PORT`.
fn mask_ports(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("127.0.0.1:") {
        let (before, after) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(before);
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            out.push_str("PORT");
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// A difference from OpenSSL that ftls has today and docs/openssl-compat.md states: in the
/// OpenSSL transcript, the consecutive lines `openssl` stand where ftls prints `ftls`. Each one
/// is asserted exactly: once ftls behaves as OpenSSL does (or differs in any other way), the
/// test fails and the entry goes.
struct Known {
    openssl: &'static [&'static str],
    ftls: &'static [&'static str],
}

/// Runs `scenario` with both builds and compares the transcripts. `expected` are substrings the
/// OpenSSL run must contain: the scenario really exercises what it is about.
fn differential(pattern: &str, expected: &[&str], scenario: impl Fn(&Programs) -> Transcript) {
    differential_known(pattern, expected, &[], scenario)
}

/// `differential`, with the documented differences `known` expected in the ftls transcript.
fn differential_known(
    pattern: &str,
    expected: &[&str],
    known: &[Known],
    scenario: impl Fn(&Programs) -> Transcript,
) {
    let mut reference = scenario(&Programs {
        build: Build::System,
    });
    let missing: Vec<&&str> = expected
        .iter()
        .filter(|needle| !reference.contains(needle))
        .collect();
    assert!(
        missing.is_empty(),
        "{pattern}: the scenario itself is broken: the system OpenSSL run lacks {missing:?}:\n{}",
        reference.lines.join("\n")
    );
    // FTLS_COMPAT_SELF_CHECK=1 compares the system build with itself: a new scenario must pass
    // that way, run after run, before it says anything about ftls.
    let build = if std::env::var_os("FTLS_COMPAT_SELF_CHECK").is_some() {
        Build::System
    } else {
        Build::Ftls
    };
    if build == Build::Ftls {
        for difference in known {
            let block: Vec<String> = difference.openssl.iter().map(|l| l.to_string()).collect();
            let at = reference
                .lines
                .windows(block.len())
                .position(|window| window == block.as_slice())
                .unwrap_or_else(|| {
                    panic!(
                        "{pattern}: a known difference no longer matches the OpenSSL run: \
                         {block:?} is not in:\n{}",
                        reference.lines.join("\n")
                    )
                });
            let replacement = difference.ftls.iter().map(|l| l.to_string());
            reference.lines.splice(at..at + block.len(), replacement);
        }
    }
    let ours = match build {
        Build::Ftls => with_valgrind_logs(pattern, || scenario(&Programs { build })),
        Build::System => scenario(&Programs { build }),
    };
    if reference.lines != ours.lines {
        panic!(
            "{pattern}: the {} build differs from the system OpenSSL build \
             (- OpenSSL, + {}):\n{}",
            build.name(),
            build.name(),
            diff(&reference.lines, &ours.lines)
        );
    }
}

/// A line diff (longest common subsequence): ` ` common, `-` only OpenSSL's, `+` only ours.
fn diff(a: &[String], b: &[String]) -> String {
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out += &format!("  {}\n", a[i]);
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out += &format!("+ {}\n", b[j]);
            j += 1;
        } else {
            out += &format!("- {}\n", a[i]);
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Processes and peers

/// A server process (ours, tls-server or s_server) on a free port, its output collected.
struct Peer {
    who: String,
    child: Child,
    port: u16,
    out: Lines,
    err: Lines,
}

impl Peer {
    /// Starts `cmd` and waits for the line naming its port: `listening on ADDR:PORT` (our
    /// programs, tls-server).
    fn start(who: &str, cmd: Command) -> Peer {
        Self::start_with(who, cmd, "listening on ")
    }

    /// As [`Peer::start`], waiting for the line that begins with `ready` and ends with the port.
    fn start_with(who: &str, mut cmd: Command, ready: &str) -> Peer {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        let mut out = Lines::read(who, child.stdout.take().expect("piped"));
        let err = Lines::read(who, child.stderr.take().expect("piped"));
        let line = out.wait_for(ready);
        let port = line
            .rsplit(':')
            .next()
            .and_then(|port| port.trim().parse().ok())
            .unwrap_or_else(|| panic!("{who}: no port in {line:?}"));
        Peer {
            who: who.to_owned(),
            child,
            port,
            out,
            err,
        }
    }

    fn port(&self) -> String {
        self.port.to_string()
    }

    /// Waits for the server to exit by itself (after its last connection); its output goes to
    /// the transcript whole (`chatty` false) or only its error and alert lines.
    fn finish(mut self, transcript: &mut Transcript, chatty: bool) {
        let end = Instant::now() + deadline();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > end {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "{} did not exit by itself; output so far:\n{}\n{}",
                    self.who,
                    self.out.so_far(),
                    self.err.so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(5)); // polling a child, not synchronising
        };
        let who = self.who.clone();
        transcript.status(&who, status);
        let (out, err) = (self.out.rest().join("\n"), self.err.rest().join("\n"));
        if chatty {
            transcript.errors(&format!("{who} out"), &out);
            transcript.errors(&format!("{who} err"), &err);
        } else {
            transcript.text(&format!("{who} out"), &out);
            transcript.text(&format!("{who} err"), &err);
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `tls-server --max-conns N` with the given certificate and key names and extra arguments.
fn tls_server(connections: usize, cert_name: &str, key_name: &str, extra: &[&str]) -> Peer {
    let mut cmd = support::tls_server_command();
    cmd.args(["--cert", &cert(cert_name), "--key", &cert(key_name)])
        .args(["--port", "0", "--max-conns", &connections.to_string()]);
    if valgrind() {
        // A client under valgrind may need longer than the default 10 s for its handshake.
        cmd.args(["--handshake-timeout", "120"]);
    }
    cmd.args(extra);
    Peer::start("tls-server", cmd)
}

fn openssl() -> Command {
    let mut cmd = Command::new("openssl");
    // A fixed environment: no user openssl.cnf changes what is compared.
    cmd.env_remove("OPENSSL_CONF").env_remove("SSL_CERT_FILE");
    cmd
}

/// `openssl s_server -WWW` with the given certificate and key, serving the one file the
/// clients here ask for (HTTP_REQUEST in tests/compat/legacy.h).
fn s_server(cert_name: &str, key_name: &str) -> Peer {
    let dir = scratch_dir(&format!("compat-s-server-{cert_name}"));
    std::fs::write(dir.join("index.txt"), "hello from s_server\n").expect("write index.txt");
    let mut cmd = openssl();
    cmd.args(["s_server", "-accept", "127.0.0.1:0", "-WWW"])
        .args(["-cert", &cert(cert_name), "-key", &cert(key_name)])
        .current_dir(dir);
    Peer::start_with("s_server", cmd, "ACCEPT ")
}

/// `tls-client ARGS 127.0.0.1 PORT`, trusting the test CA.
fn tls_client(transcript: &mut Transcript, port: u16, args: &[&str]) {
    let mut cmd = support::wrapped(&support::example("tls-client"));
    cmd.args(["--ca", &cert("ca.pem")])
        .args(args)
        .args(["127.0.0.1", &port.to_string()]);
    let output = support::run_with_timeout(&mut cmd, deadline());
    transcript.output("tls-client", &output);
}

/// `openssl s_client -quiet` sending `input`; only its exit, the data it received and its
/// error lines are kept (the rest is session detail that differs from run to run).
fn s_client(transcript: &mut Transcript, port: u16, args: &[&str], input: &[u8]) {
    let mut cmd = openssl();
    cmd.args([
        "s_client",
        "-connect",
        &format!("127.0.0.1:{port}"),
        "-quiet",
    ])
    .args(["-CAfile", &cert("ca.pem"), "-verify_return_error"])
    .args(args);
    let output = support::run_with_input(&mut cmd, input.to_vec(), deadline());
    transcript.status("s_client", output.status);
    transcript.text("s_client out", &support::stdout_text(&output));
    transcript.errors("s_client err", &support::stderr_text(&output));
}

/// Runs one of our programs to completion and records it.
fn run(transcript: &mut Transcript, who: &str, mut cmd: Command) {
    let output = support::run_with_timeout(&mut cmd, deadline());
    transcript.output(who, &output);
}

/// How a misbehaving rustls peer ends the connection after answering one request.
#[derive(Clone, Copy)]
enum Ending {
    /// A bare FIN, no close_notify: a truncated stream.
    Eof,
    /// The request left unread when the socket closes, so the kernel resets the connection.
    Reset,
}

/// A rustls server for one connection that answers and then ends as `ending` says.
fn rustls_peer(ending: Ending) -> (u16, std::thread::JoinHandle<Result<(), String>>) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = CertificateDer::pem_file_iter(cert("server.pem"))
        .expect("server.pem")
        .collect::<Result<Vec<_>, _>>()
        .expect("certificates");
    let key = PrivateKeyDer::from_pem_file(cert("server.key")).expect("server.key");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .expect("server config");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let thread = std::thread::spawn(move || serve_once(&listener, config, ending));
    (port, thread)
}

/// The rustls peer's one connection. A client that misbehaves ends it with an error, which the
/// scenario records: the peer's view is part of what is compared.
fn serve_once(
    listener: &TcpListener,
    config: rustls::ServerConfig,
    ending: Ending,
) -> Result<(), String> {
    let (mut tcp, _) = listener.accept().map_err(context("accept"))?;
    let mut tls = rustls::ServerConnection::new(Arc::new(config)).map_err(context("connection"))?;
    // One record at a time, so that nothing sent after the handshake is read with it.
    let mut records = RecordReader {
        tcp: &mut tcp,
        pending: Vec::new(),
    };
    while tls.is_handshaking() {
        if tls.wants_write() {
            tls.write_tls(records.tcp)
                .map_err(context("sending the handshake"))?;
            continue;
        }
        tls.read_tls(&mut records)
            .map_err(context("reading the handshake"))?;
        tls.process_new_packets()
            .map_err(context("the handshake"))?;
    }
    if !records.pending.is_empty() {
        return Err("the handshake ended inside a record".into());
    }
    let send = |tls: &mut rustls::ServerConnection, tcp: &mut TcpStream| {
        while tls.wants_write() {
            tls.write_tls(tcp).map_err(context("sending"))?;
        }
        Ok::<(), String>(())
    };
    send(&mut tls, &mut tcp)?;
    if let Ending::Eof = ending {
        read_request(&mut tls, &mut tcp)?;
    }
    tls.writer()
        .write_all(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nno ending\n")
        .map_err(context("the response"))?;
    send(&mut tls, &mut tcp)?;
    match ending {
        Ending::Eof => {
            // FIN without close_notify; then wait for the client to go, so that nothing it
            // sends meanwhile meets a closed socket.
            tcp.shutdown(Shutdown::Write).map_err(context("shutdown"))?;
            let _ = tcp.read_to_end(&mut Vec::new());
        }
        Ending::Reset => {
            // Wait (blocking) until the request has arrived and close without reading it.
            let _ = tcp.peek(&mut [0u8; 1]);
        }
    }
    Ok(())
}

/// Turns an error into a line saying what was being done.
fn context<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> String {
    move |e| format!("{what}: {e}")
}

/// Reads, through rustls, a request up to its blank line (or the end of the stream).
fn read_request(tls: &mut rustls::ServerConnection, tcp: &mut TcpStream) -> Result<(), String> {
    let mut request = Vec::new();
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let mut buf = [0u8; 1024];
        match tls.reader().read(&mut buf) {
            Ok(n) => request.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                match tls.read_tls(tcp) {
                    Ok(0) => return Ok(()),
                    Ok(_) => {}
                    Err(e) => return Err(format!("reading the request: {e}")),
                }
                tls.process_new_packets()
                    .map_err(|e| format!("the request's records: {e}"))?;
            }
            Err(e) => return Err(format!("reading the request: {e}")),
        }
    }
    Ok(())
}

/// A reader that takes one TLS record at a time from the socket, never more.
struct RecordReader<'a> {
    tcp: &'a mut TcpStream,
    pending: Vec<u8>,
}

impl Read for RecordReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            let mut header = [0u8; 5];
            self.tcp.read_exact(&mut header)?;
            let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
            self.pending = header.to_vec();
            self.pending.resize(5 + len, 0);
            self.tcp.read_exact(&mut self.pending[5..])?;
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

// ---------------------------------------------------------------------------------------------
// The patterns

fn client_cmd(programs: &Programs, name: &str, port: u16, args: &[&str]) -> Command {
    let mut cmd = programs.command(name);
    cmd.args(["127.0.0.1", &port.to_string(), &cert("ca.pem")])
        .args(args);
    cmd
}

/// A blocking client over SSL_set_fd with SNI, SSL_set1_host and verification: a good server,
/// an expired certificate, a certificate from an unknown CA, a name mismatch.
#[test]
fn blocking_client() {
    differential(
        "blocking_client",
        &[
            "connected with TLSv1.3",
            "descriptor kept; one socket BIO both ways: yes",
            "hello from s_server",
            "certificate verification failed: 10 (certificate has expired)",
            "certificate verification failed: 20 (unable to get local issuer certificate)",
            "certificate verification failed: 62 (hostname mismatch)",
            "error:0A000086:SSL routines:FUNC:certificate verify failed",
        ],
        |programs| {
            let mut t = Transcript::default();
            for (cert_name, key_name, name) in [
                ("server.pem", "server.key", "localhost"),
                ("expired-server.pem", "expired-server.key", "localhost"),
                ("server.pem", "server.key", "wrong.test"),
            ] {
                t.note(format!("== tls-server with {cert_name}, name {name}"));
                let server = tls_server(1, cert_name, key_name, &[]);
                let client = client_cmd(programs, "blocking_client", server.port, &[name]);
                run(&mut t, "blocking_client", client);
                server.finish(&mut t, false);
            }
            // s_server serves until it is killed: only the client's side is compared.
            for (cert_name, key_name) in [
                ("server-rsa.pem", "server-rsa.key"),
                ("other-server.pem", "other-server.key"),
            ] {
                t.note(format!("== s_server with {cert_name}"));
                let server = s_server(cert_name, key_name);
                let client = client_cmd(programs, "blocking_client", server.port, &["localhost"]);
                run(&mut t, "blocking_client", client);
            }
            t
        },
    );
}

/// SNI and the verified names apart, as OpenSSL keeps them: SNI goes out only when set, the
/// certificate is checked against the SSL_set1_host / SSL_add1_host names only (none set: no
/// check), with SSL_set_hostflags. The peer, the system build of sni_server, prints the name
/// each ClientHello carried.
#[test]
fn blocking_client_names() {
    let cases: &[&[&str]] = &[
        &["wrong.test", "localhost"],
        &["localhost", "wrong.test"],
        &["-", "localhost"],
        &["-", "-"],
        &["alt.test", "-"],
        &["alt.test", "wrong.test,x.wild.test"],
        &["alt.test", "x.wild.test", "no-wildcards"],
    ];
    differential(
        "blocking_client_names",
        &[
            "servername callback: wrong.test",
            "servername callback: (none)",
            "switched to the alt.test site",
            "certificate verification failed: 62 (hostname mismatch)",
            "connected with TLSv1.3, TLS_AES_256_GCM_SHA384; verify result 0 (ok)",
        ],
        |programs| {
            let mut t = Transcript::default();
            let peer = program("sni_server", Build::System).unwrap_or_else(|e| panic!("{e}"));
            let mut cmd = Command::new(peer);
            cmd.args([&cert("server.pem"), &cert("server.key"), "alt.test"])
                .args([&cert("alt-server.pem"), &cert("alt-server.key")])
                .arg(cases.len().to_string());
            let server = Peer::start("sni_server", cmd);
            for args in cases {
                t.note(format!("== SNI and names {args:?}"));
                let client = client_cmd(programs, "blocking_client", server.port, args);
                run(&mut t, "blocking_client", client);
            }
            server.finish(&mut t, false);
            t
        },
    );
}

/// A 2003-style iterative server: tls-client over TLS 1.3 and 1.2, s_client; then a key that
/// does not match its certificate.
#[test]
fn iterative_server() {
    differential(
        "iterative_server",
        &[
            "connection 1: TLSv1.3 TLS_AES_256_GCM_SHA384",
            "connection 2: TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384",
            "connection 3: shutdown 1",
            "error:05800074:x509 certificate routines:FUNC:key values mismatch",
        ],
        |programs| {
            let mut t = Transcript::default();
            let mut cmd = programs.command("iterative_server");
            cmd.args([&cert("server.pem"), &cert("server.key"), "3"]);
            let server = Peer::start("iterative_server", cmd);
            tls_client(&mut t, server.port, &[]);
            tls_client(&mut t, server.port, &["--tls12"]);
            s_client(
                &mut t,
                server.port,
                &["-servername", "localhost"],
                b"GET / HTTP/1.0\r\n\r\n",
            );
            server.finish(&mut t, false);

            t.note("== a key that does not match the certificate");
            let mut cmd = programs.command("iterative_server");
            cmd.args([&cert("server.pem"), &cert("mismatch.key"), "1"]);
            run(&mut t, "iterative_server", cmd);
            t
        },
    );
}

/// A 2003-style forking server, a child per connection.
#[test]
fn forking_server() {
    differential(
        "forking_server",
        &["child 1: TLSv1.3", "child 2: TLSv1.2", "children failed: 0"],
        |programs| {
            let mut t = Transcript::default();
            let mut cmd = programs.command("forking_server");
            cmd.args([&cert("server-rsa.pem"), &cert("server-rsa.key"), "2"]);
            let server = Peer::start("forking_server", cmd);
            tls_client(&mut t, server.port, &[]);
            tls_client(&mut t, server.port, &["--tls12"]);
            server.finish(&mut t, false);
            t
        },
    );
}

/// A non-blocking client's SSL_get_error codes: close_notify (ZERO_RETURN), a truncated stream
/// (an error in OpenSSL 3.0; ZERO_RETURN with SSL_OP_IGNORE_UNEXPECTED_EOF), a reset
/// (SYSCALL with errno).
#[test]
fn nonblocking_client() {
    differential(
        "nonblocking_client",
        &[
            "connect SSL_ERROR_NONE",
            "read SSL_ERROR_ZERO_RETURN",
            "unexpected eof while reading",
            "SSL_ERROR_SYSCALL, errno Connection reset by peer",
        ],
        |programs| {
            let mut t = Transcript::default();
            t.note("== tls-server (close_notify)");
            let server = tls_server(1, "server.pem", "server.key", &[]);
            run(
                &mut t,
                "nonblocking_client",
                client_cmd(programs, "nonblocking_client", server.port, &[]),
            );
            server.finish(&mut t, false);
            for (ending, args, label) in [
                (Ending::Eof, &[][..], "a truncating peer"),
                (
                    Ending::Eof,
                    &["ignore-eof"][..],
                    "a truncating peer, IGNORE_UNEXPECTED_EOF",
                ),
                (Ending::Reset, &[][..], "a resetting peer"),
            ] {
                t.note(format!("== {label}"));
                let (port, peer) = rustls_peer(ending);
                let client = client_cmd(programs, "nonblocking_client", port, args);
                run(&mut t, "nonblocking_client", client);
                match peer.join().expect("the rustls peer thread") {
                    Ok(()) => t.note("rustls peer: done"),
                    Err(e) => t.note(format!("rustls peer: {e}")),
                }
            }
            t
        },
    );
}

/// BIO_new_ssl_connect over BIO_s_connect.
#[test]
fn bio_connect_client() {
    differential(
        "bio_connect_client",
        &["connected: TLSv1.3, verify 0", "BIO_read returned 0"],
        |programs| {
            let mut t = Transcript::default();
            let server = tls_server(1, "server.pem", "server.key", &[]);
            let mut cmd = programs.command("bio_connect_client");
            cmd.args([&format!("127.0.0.1:{}", server.port), &cert("ca.pem")]);
            run(&mut t, "bio_connect_client", cmd);
            server.finish(&mut t, false);
            t
        },
    );
}

/// BIO_new_accept, BIO_pop, an SSL BIO under a buffering BIO.
#[test]
fn bio_accept_server() {
    differential(
        "bio_accept_server",
        &[
            "connection 1: request line of 16 bytes",
            "served by connection 2 over TLSv1.2",
        ],
        |programs| {
            let mut t = Transcript::default();
            let mut cmd = programs.command("bio_accept_server");
            cmd.args([&cert("server.pem"), &cert("server.key"), "2"]);
            let server = Peer::start("bio_accept_server", cmd);
            tls_client(&mut t, server.port, &[]);
            tls_client(&mut t, server.port, &["--tls12"]);
            server.finish(&mut t, false);
            t
        },
    );
}

/// OpenSSL 3.0's BIO_lookup_ex + BIO_socket + BIO_connect; a good and an expired server.
#[test]
fn lookup_client() {
    differential(
        "lookup_client",
        &[
            "connected: TLSv1.3",
            "handshake failed: certificate has expired",
            "default verify paths: 1",
            "end: SSL_ERROR_ZERO_RETURN",
        ],
        |programs| {
            let mut t = Transcript::default();
            for (cert_name, key_name) in [
                ("server.pem", "server.key"),
                ("expired-server.pem", "expired-server.key"),
            ] {
                let server = tls_server(1, cert_name, key_name, &[]);
                let mut cmd = programs.command("lookup_client");
                cmd.args(["localhost", &server.port(), &cert("ca.pem")]);
                run(&mut t, "lookup_client", cmd);
                server.finish(&mut t, false);
            }
            t.note("== the default verify paths, SSL_CERT_FILE naming the test CA");
            let server = tls_server(1, "server.pem", "server.key", &[]);
            let mut cmd = programs.command("lookup_client");
            cmd.args(["localhost", &server.port(), "default"])
                .env("SSL_CERT_FILE", cert("ca.pem"));
            run(&mut t, "lookup_client", cmd);
            server.finish(&mut t, false);
            t
        },
    );
}

/// Event loops doing their own I/O: memory BIOs, a BIO pair, a custom BIO_METHOD.
#[test]
fn event_loop_clients() {
    differential(
        "event_loop_clients",
        &[
            "handshake done after waiting for the peer: yes; in_init 0, finished 1",
            "write guarantee before the handshake: 17408",
            "custom BIO type is a source/sink",
            "the transport was used both ways: yes",
        ],
        |programs| {
            let mut t = Transcript::default();
            for name in ["mem_bio_client", "bio_pair_client", "custom_bio_client"] {
                t.note(format!("== {name}"));
                let server = tls_server(1, "server.pem", "server.key", &[]);
                run(&mut t, name, client_cmd(programs, name, server.port, &[]));
                server.finish(&mut t, false);
            }
            t
        },
    );
}

/// A verify callback printing depth, error and subject, overriding "expired"; and one that
/// does not override an unknown CA.
#[test]
fn verify_callback() {
    differential(
        "verify_callback",
        &[
            "verify: depth=0 preverify=0 err=10 (certificate has expired)",
            "verify: accepting error 10 by policy",
            "SSL_connect returned 1; verify result 0 (ok)",
            "err=20 (unable to get local issuer certificate) subject=/CN=",
            "SSL_connect returned -1; verify result 20",
        ],
        |programs| {
            let mut t = Transcript::default();
            for (cert_name, key_name) in [
                ("server.pem", "server.key"),
                ("expired-server.pem", "expired-server.key"),
                ("other-server.pem", "other-server.key"),
            ] {
                t.note(format!("== tls-server with {cert_name}"));
                let server = tls_server(1, cert_name, key_name, &[]);
                let client = client_cmd(
                    programs,
                    "verify_callback_client",
                    server.port,
                    &["localhost", "10"],
                );
                run(&mut t, "verify_callback_client", client);
                server.finish(&mut t, false);
            }
            t
        },
    );
}

/// mTLS: client CA list from a file, FAIL_IF_NO_PEER_CERT; a client with a certificate, one
/// without, one with a certificate of another CA.
#[test]
fn mtls_server() {
    differential(
        "mtls_server",
        &[
            "client CA names: 1",
            "connection 1: client /CN=ftls test client",
            "connection 2: refused (SSL_ERROR_SSL)",
            "peer did not return a certificate",
            "connection 3: refused (SSL_ERROR_SSL)",
        ],
        |programs| {
            let mut t = Transcript::default();
            let mut cmd = programs.command("mtls_server");
            cmd.args([
                &cert("server.pem"),
                &cert("server.key"),
                &cert("ca.pem"),
                "3",
            ]);
            let server = Peer::start("mtls_server", cmd);
            let (client, client_key) = (cert("client.pem"), cert("client.key"));
            tls_client(
                &mut t,
                server.port,
                &["--cert", &client, "--key", &client_key],
            );
            tls_client(&mut t, server.port, &[]);
            let (other, other_key) = (cert("other-client.pem"), cert("other-client.key"));
            s_client(
                &mut t,
                server.port,
                &["-cert", &other, "-key", &other_key],
                b"GET / HTTP/1.0\r\n\r\n",
            );
            server.finish(&mut t, false);
            t
        },
    );
}

/// mTLS, client side: identity loaded as objects, an encrypted key through the password
/// callback (a wrong password too), the CA names the server asked for; against the system build
/// of mtls_server and against tls-server requiring a client certificate.
#[test]
fn mtls_client() {
    differential(
        "mtls_client",
        &[
            "key loaded: 1, password callback called: yes",
            "key loaded: 1, password callback called: no",
            "key loaded: 0, password callback called: yes",
            "the server asked for certificates from 1 CA(s)",
            "[mtls_server out] connection 1: client /CN=ftls test client, verify result 0",
            "Client certificate: presented and verified",
            "cannot load the key: error:0A080009:SSL routines::PEM lib",
        ],
        |programs| {
            let mut t = Transcript::default();
            // An encrypted copy of the client key, made here: PKCS#8, AES-256-CBC.
            let dir = scratch_dir(&format!("compat-mtls-client-{}", programs.build.dir()));
            let encrypted = dir.join("client-encrypted.key");
            support::run_tool(
                openssl()
                    .args(["pkcs8", "-topk8", "-v2", "aes-256-cbc"])
                    .args(["-passout", "pass:legacy-secret", "-in", &cert("client.key")])
                    .arg("-out")
                    .arg(&encrypted),
                "openssl pkcs8",
            );
            let encrypted = encrypted.to_str().expect("a UTF-8 path").to_owned();
            let client = |port: u16, cert_name: &str, key: &str, password: Option<&str>| {
                let mut args = vec![cert(cert_name), key.to_owned()];
                args.extend(password.map(str::to_owned));
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                client_cmd(programs, "mtls_client", port, &args)
            };

            t.note("== the system build of mtls_server");
            let reference = Programs {
                build: Build::System,
            };
            let mut cmd = reference.command("mtls_server");
            cmd.args([
                &cert("server.pem"),
                &cert("server.key"),
                &cert("ca.pem"),
                "2",
            ]);
            let server = Peer::start("mtls_server", cmd);
            let port = server.port;
            run(
                &mut t,
                "mtls_client",
                client(port, "client.pem", &encrypted, Some("legacy-secret")),
            );
            run(
                &mut t,
                "mtls_client",
                client(port, "client-rsa.pem", &cert("client-rsa.key"), None),
            );
            server.finish(&mut t, false);

            t.note("== tls-server requiring a client certificate");
            let ca = cert("ca.pem");
            let server = tls_server(
                1,
                "server.pem",
                "server.key",
                &["--client-ca", &ca, "--require-client-cert"],
            );
            run(
                &mut t,
                "mtls_client",
                client(server.port, "client.pem", &encrypted, Some("legacy-secret")),
            );
            server.finish(&mut t, false);

            t.note("== a wrong password");
            run(
                &mut t,
                "mtls_client",
                client(1, "client.pem", &encrypted, Some("not-the-password")),
            );
            t
        },
    );
}

/// ALPN, client side: a protocol in common, and none in common (the server refuses).
#[test]
fn alpn_client() {
    differential(
        "alpn_client",
        &[
            "negotiated protocol: h2",
            "tlsv1 alert no application protocol",
        ],
        |programs| {
            let mut t = Transcript::default();
            for offer in ["h2,http/1.1", "spdy/1"] {
                t.note(format!("== offering {offer}"));
                let server = tls_server(1, "server.pem", "server.key", &["--alpn", "h2"]);
                run(
                    &mut t,
                    "alpn_client",
                    client_cmd(programs, "alpn_client", server.port, &[offer]),
                );
                server.finish(&mut t, false);
            }
            t
        },
    );
}

/// ALPN, server side: the selection callback with SSL_select_next_proto.
#[test]
fn alpn_server() {
    differential(
        "alpn_server",
        &[
            "connection 1: callback calls so far 1, protocol http/1.1",
            "connection 2: callback calls so far 2, protocol none",
            "connection 3: callback calls so far 3, protocol h2",
        ],
        |programs| {
            let mut t = Transcript::default();
            let mut cmd = programs.command("alpn_server");
            cmd.args([&cert("server.pem"), &cert("server.key"), "3"]);
            let server = Peer::start("alpn_server", cmd);
            tls_client(&mut t, server.port, &["--alpn", "http/1.1"]);
            tls_client(&mut t, server.port, &["--alpn", "imap"]);
            s_client(
                &mut t,
                server.port,
                &["-alpn", "h2,http/1.1"],
                b"GET / HTTP/1.0\r\n\r\n",
            );
            server.finish(&mut t, false);
            t
        },
    );
}

/// An SNI server switching SSL_CTX in the servername callback.
#[test]
fn sni_server() {
    differential(
        "sni_server",
        &[
            "servername callback: alt.test",
            "connection 1: served alt.test from the alternative context",
            "connection 2: served localhost from the default context",
        ],
        |programs| {
            let mut t = Transcript::default();
            let mut cmd = programs.command("sni_server");
            cmd.args([&cert("server.pem"), &cert("server.key"), "alt.test"])
                .args([&cert("alt-server.pem"), &cert("alt-server.key"), "3"]);
            let server = Peer::start("sni_server", cmd);
            tls_client(&mut t, server.port, &["--servername", "alt.test"]);
            tls_client(&mut t, server.port, &["--servername", "localhost"]);
            // s_client checks the chain, not the name: the default site serves unknown names.
            s_client(
                &mut t,
                server.port,
                &["-servername", "unknown.test"],
                b"GET / HTTP/1.0\r\n\r\n",
            );
            server.finish(&mut t, false);
            t
        },
    );
}

/// Client sessions: get1_session / set_session / session_reused, then i2d to a file and d2i
/// in a second run; the new-session callback's sessions (TLS 1.3 tickets, a TLS 1.2 session).
#[test]
fn session_client() {
    // rustls keeps a client's sessions as values it never encodes (docs/openssl-compat.md,
    // "Sessions"): a session restored from its i2d_SSL_SESSION bytes in another process is
    // accepted but cannot resume.
    differential_known(
        "session_client",
        &[
            "connection 1: TLSv1.3, new session",
            "connection 2: TLSv1.3, reused",
            "saved session: complete",
            "restored session: all bytes read",
            "connection 3: TLSv1.3, reused",
            "new-session callback installed: yes",
            "new session callback: TLSv1.3, resumable: yes, id of 32 bytes, same SSL_CTX: yes",
            "new session callback: TLSv1.2, resumable: yes, id of 32 bytes, same SSL_CTX: yes",
            "connection 2: TLSv1.2, reused",
        ],
        &[Known {
            openssl: &["[session_client out] connection 3: TLSv1.3, reused"],
            ftls: &["[session_client out] connection 3: TLSv1.3, new session"],
        }],
        |programs| {
            let mut t = Transcript::default();
            let dir = scratch_dir(&format!("compat-session-client-{}", programs.build.dir()));
            let file = dir.join("session.der");
            let file = file.to_str().expect("a UTF-8 path");
            let server = tls_server(3, "server.pem", "server.key", &[]);
            for mode in ["save", "restore"] {
                let client = client_cmd(programs, "session_client", server.port, &[file, mode]);
                run(&mut t, "session_client", client);
            }
            server.finish(&mut t, false);
            t.note("== TLS 1.2");
            let server = tls_server(2, "server.pem", "server.key", &[]);
            let args = [file, "save", "tls12"];
            let client = client_cmd(programs, "session_client", server.port, &args);
            run(&mut t, "session_client", client);
            server.finish(&mut t, false);
            t
        },
    );
}

/// The server session cache with a session ID context: TLS 1.3 tickets, and TLS 1.2 session
/// IDs and TLS 1.3 stateful tickets with tickets off; the new- and remove-session callbacks
/// counted (SSL_CTX_free empties the cache); an external cache of the program's own (the
/// new-session callback keeps each session, the get-session callback finds it).
#[test]
fn session_server() {
    // OpenSSL hands each stateless TLS 1.3 ticket's session to the new-session callback (and,
    // with a remove-session callback set, keeps it in its cache); ftls' stateless tickets never
    // enter the cache, so the callbacks hear of none (docs/openssl-compat.md,
    // SSL_CTX_sess_set_new_cb). A TLS 1.2 full handshake that issues a ticket still caches (and announces) a session ID
    // in ftls (rustls allocates one); OpenSSL leaves the ID empty then and caches nothing.
    const NONE_SO_FAR: &str =
        "[session_server out] sessions so far: 0 new, 0 removed, 0 looked up (0 found)";
    differential_known(
        "session_server",
        &[
            "connection 2: TLSv1.3, resumed",
            "connection 3: TLSv1.3, resumed",
            "connection 2: TLSv1.2, resumed",
            "callbacks installed: yes",
            "connection 3: TLSv1.3, full handshake",
            "sessions so far: 3 new, 0 removed, 0 looked up (0 found)",
            "after SSL_CTX_free: 3 new, 3 removed",
            "sessions so far: 1 new, 0 removed, 2 looked up (2 found)",
            "after SSL_CTX_free: 1 new, 0 removed",
        ],
        &[
            Known {
                openssl: &[
                    "[session_server out] connection 1: TLSv1.2, full handshake",
                    "[session_server out] sessions so far: 0 new, 0 removed, 0 looked up (0 found)",
                    "[session_server out] connection 2: TLSv1.2, resumed",
                    "[session_server out] sessions so far: 0 new, 0 removed, 0 looked up (0 found)",
                    "[session_server out] after SSL_CTX_free: 0 new, 0 removed",
                ],
                ftls: &[
                    "[session_server out] connection 1: TLSv1.2, full handshake",
                    "[session_server out] sessions so far: 1 new, 0 removed, 0 looked up (0 found)",
                    "[session_server out] connection 2: TLSv1.2, resumed",
                    "[session_server out] sessions so far: 1 new, 0 removed, 0 looked up (0 found)",
                    "[session_server out] after SSL_CTX_free: 1 new, 1 removed",
                ],
            },
            Known {
                openssl: &[
                    "[session_server out] sessions so far: 2 new, 0 removed, 0 looked up (0 found)",
                ],
                ftls: &[NONE_SO_FAR],
            },
            Known {
                openssl: &[
                    "[session_server out] sessions so far: 3 new, 0 removed, 0 looked up (0 found)",
                ],
                ftls: &[NONE_SO_FAR],
            },
            Known {
                openssl: &[
                    "[session_server out] sessions so far: 4 new, 0 removed, 0 looked up (0 found)",
                ],
                ftls: &[NONE_SO_FAR],
            },
            Known {
                openssl: &["[session_server out] after SSL_CTX_free: 4 new, 4 removed"],
                ftls: &["[session_server out] after SSL_CTX_free: 0 new, 0 removed"],
            },
        ],
        |programs| {
            let mut t = Transcript::default();
            // The server's arguments, the client's, and whether a TLS 1.3 client follows.
            for (server_args, client_args, then_tls13) in [
                (&["tickets"][..], &["--resume", "2"][..], false),
                (&["no-ticket"][..], &["--tls12", "--resume", "1"][..], true),
                (
                    &["no-ticket", "external"][..],
                    &["--tls12", "--resume", "2"][..],
                    false,
                ),
                (
                    &["no-ticket", "external-der"][..],
                    &["--tls12", "--resume", "1"][..],
                    false,
                ),
                (&["tickets"][..], &["--tls12", "--resume", "1"][..], false),
            ] {
                t.note(format!("== {server_args:?} {client_args:?}"));
                let resumptions: usize =
                    client_args.last().and_then(|n| n.parse().ok()).unwrap_or(0);
                let connections = (1 + resumptions + usize::from(then_tls13)).to_string();
                let mut cmd = programs.command("session_server");
                cmd.args([&cert("server.pem"), &cert("server.key"), &connections])
                    .args(server_args);
                let server = Peer::start("session_server", cmd);
                tls_client(&mut t, server.port, client_args);
                if then_tls13 {
                    tls_client(&mut t, server.port, &["--tls13"]);
                }
                server.finish(&mut t, false);
            }
            t
        },
    );
}

/// The info callback as OpenSSL 3.0 calls it, client side (a state per handshake message, the
/// TLS 1.3 tickets read after the handshake, alerts read and written), with a message callback;
/// against tls-server in TLS 1.3, in TLS 1.2, and trusting another CA (the handshake fails with
/// a fatal alert).
#[test]
fn info_client() {
    // What ftls' message callback does not report (docs/openssl-compat.md,
    // SSL_CTX_set_msg_callback): the record-layer pseudo-messages, the TLS 1.3 tickets a client
    // reads after the handshake, the TLS 1.2 Finished (encrypted). And its handshake observer
    // reports the server's whole flight, decoded before the failure, and the ChangeCipherSpec
    // rustls sends before its alert.
    const TICKET: Known = Known {
        openssl: &[
            "[info_client out] SSL_connect:SSL negotiation finished successfully [SSLOK]",
            "[info_client out] msg received: handshake type 4, length as its header says",
            "[info_client out] SSL_connect:SSLv3/TLS read server session ticket [TRST]",
        ],
        ftls: &[
            "[info_client out] SSL_connect:SSL negotiation finished successfully [SSLOK]",
            "[info_client out] SSL_connect:SSLv3/TLS read server session ticket [TRST]",
        ],
    };
    const RECORD_LAYER: Known = Known {
        openssl: &["[info_client out] record-layer message callbacks: some"],
        ftls: &["[info_client out] record-layer message callbacks: none"],
    };
    differential_known(
        "info_client",
        &[
            "handshake start",
            "handshake done",
            "SSL_connect:SSLv3/TLS write client hello [TWCH]",
            "SSL_connect:TLSv1.3 read encrypted extensions [TREE]",
            "SSL_connect:SSLv3/TLS read server key exchange [TRSKE]",
            "SSL_connect:SSLv3/TLS read server session ticket [TRST]",
            "SSL_connect:SSLv3/TLS write finished [TWFIN]",
            "msg sent: handshake type 1, length as its header says",
            "msg sent: change cipher spec 1",
            "Certificate chain (1)",
            "key: 256 bits",
            "Cipher: TLS_AES_256_GCM_SHA384 (TLS_AES_256_GCM_SHA384), 256 bits, since TLSv1.3",
            "Protocol: TLSv1.2",
            "client traffic secret logged: yes",
            "leaf is the chain's first: yes",
            "Server Temp Key: X25519, 253 bits",
            "SSL3 alert read:warning:close notify [W:CN]",
            "SSL3 alert write:warning:close notify [W:CN]",
            "msg sent: alert level 2, description 48",
            "SSL3 alert write:fatal:unknown CA [F:CA]",
            "SSL_connect:error in error",
        ],
        &[
            TICKET,
            TICKET,
            RECORD_LAYER,
            Known {
                openssl: &[
                    "[info_client out] msg sent: handshake type 20, length as its header says",
                    "[info_client out] SSL_connect:SSLv3/TLS write finished [TWFIN]",
                    "[info_client out] SSL_connect:SSLv3/TLS write finished [TWFIN]",
                ],
                ftls: &[
                    "[info_client out] SSL_connect:SSLv3/TLS write finished [TWFIN]",
                    "[info_client out] SSL_connect:SSLv3/TLS write finished [TWFIN]",
                ],
            },
            Known {
                openssl: &[
                    "[info_client out] SSL_connect:SSLv3/TLS read change cipher spec [TRCCS]",
                    "[info_client out] msg received: handshake type 20, length as its header says",
                    "[info_client out] SSL_connect:SSLv3/TLS read finished [TRFIN]",
                ],
                ftls: &[
                    "[info_client out] SSL_connect:SSLv3/TLS read change cipher spec [TRCCS]",
                    "[info_client out] SSL_connect:SSLv3/TLS read finished [TRFIN]",
                ],
            },
            RECORD_LAYER,
            Known {
                openssl: &[
                    "[info_client out] msg received: handshake type 11, length as its header says",
                    "[info_client out] msg sent: alert level 2, description 48",
                ],
                ftls: &[
                    "[info_client out] msg received: handshake type 11, length as its header says",
                    "[info_client out] SSL_connect:SSLv3/TLS read server certificate [TRSC]",
                    "[info_client out] msg received: handshake type 15, length as its header says",
                    "[info_client out] SSL_connect:TLSv1.3 read server certificate verify [TRSCV]",
                    "[info_client out] msg received: handshake type 20, length as its header says",
                    "[info_client out] SSL_connect:SSLv3/TLS read finished [TRFIN]",
                    "[info_client out] msg sent: change cipher spec 1",
                    "[info_client out] msg sent: alert level 2, description 48",
                ],
            },
            RECORD_LAYER,
        ],
        |programs| {
            let mut t = Transcript::default();
            let server = tls_server(3, "server.pem", "server.key", &[]);
            for (ca, args) in [
                ("ca.pem", &[][..]),
                ("ca.pem", &["tls1.2"]),
                ("other-ca.pem", &[]),
            ] {
                t.note(format!("== trusting {ca} {args:?}"));
                let mut cmd = programs.command("info_client");
                cmd.args(["127.0.0.1", &server.port(), &cert(ca)])
                    .args(args);
                run(&mut t, "info_client", cmd);
            }
            server.finish(&mut t, false);
            t
        },
    );
}

/// The info and message callbacks set on the SSL, server side: TLS 1.3 (the tickets written
/// after the handshake), TLS 1.2, and a client that rejects the certificate (the fatal alert
/// read); the client is the system build of info_client.
#[test]
fn info_server() {
    differential_known(
        "info_server",
        &[
            "SSL_accept:before SSL initialization [PINIT]",
            "SSL_accept:SSLv3/TLS read client hello [TRCH]",
            "SSL_accept:TLSv1.3 write encrypted extensions [TWEE]",
            "SSL_accept:TLSv1.3 early data [TED]",
            "SSL_accept:SSLv3/TLS write session ticket [TWST]",
            "SSL_accept:SSLv3/TLS write server done [TWSD]",
            "SSL_accept:SSLv3/TLS read change cipher spec [TRCCS]",
            "[info_server out] SSL3 alert write:warning:close notify [W:CN]",
            "[info_server out] msg received: alert level 2, description 48",
            "[info_server out] SSL3 alert read:fatal:unknown CA [F:CA]",
            "[info_server out] SSL_accept:error in error",
            "connection 3: refused (SSL_ERROR_SSL)",
        ],
        &[
            Known {
                openssl: &[
                    "[info_server out] SSL_accept:SSLv3/TLS read change cipher spec [TRCCS]",
                    "[info_server out] msg received: handshake type 20, length as its header says",
                    "[info_server out] SSL_accept:SSLv3/TLS read finished [TRFIN]",
                ],
                ftls: &[
                    "[info_server out] SSL_accept:SSLv3/TLS read change cipher spec [TRCCS]",
                    "[info_server out] SSL_accept:SSLv3/TLS read finished [TRFIN]",
                ],
            },
            Known {
                openssl: &[
                    "[info_server out] msg sent: handshake type 20, length as its header says",
                    "[info_server out] SSL_accept:SSLv3/TLS write finished [TWFIN]",
                    "[info_server out] handshake done",
                ],
                ftls: &[
                    "[info_server out] SSL_accept:SSLv3/TLS write finished [TWFIN]",
                    "[info_server out] handshake done",
                ],
            },
            Known {
                openssl: &["[info_server out] record-layer message callbacks: some"],
                ftls: &["[info_server out] record-layer message callbacks: none"],
            },
        ],
        |programs| {
            let mut t = Transcript::default();
            let mut cmd = programs.command("info_server");
            cmd.args([&cert("server.pem"), &cert("server.key"), "3"]);
            let server = Peer::start("info_server", cmd);
            let reference = Programs {
                build: Build::System,
            };
            for (ca, args) in [
                ("ca.pem", &[][..]),
                ("ca.pem", &["tls1.2"]),
                ("other-ca.pem", &[]),
            ] {
                let mut client = reference.command("info_client");
                client
                    .args(["127.0.0.1", &server.port(), &cert(ca)])
                    .args(args);
                run(&mut t, "info_client", client);
            }
            server.finish(&mut t, false);
            t
        },
    );
}

/// Many concurrent non-blocking connections from one poll loop.
#[test]
fn load_client() {
    const CONNECTIONS: usize = 40;
    differential(
        "load_client",
        &["40 connections: 40 completed, 0 failed; every response the same size: yes"],
        |programs| {
            let mut t = Transcript::default();
            let server = tls_server(CONNECTIONS, "server.pem", "server.key", &[]);
            let count = CONNECTIONS.to_string();
            run(
                &mut t,
                "load_client",
                client_cmd(programs, "load_client", server.port, &[&count]),
            );
            server.finish(&mut t, false);
            t
        },
    );
}

/// STARTTLS, client side, against the system build of the STARTTLS server: the name that
/// matches and one that does not (X509_check_host).
#[test]
fn starttls_client() {
    differential(
        "starttls_client",
        &[
            "S: 250 STARTTLS",
            "certificate matches localhost",
            "S (TLS): 250 legacy.test over TLSv1.3",
            "peeked 221; pending at least the peeked bytes, has_pending 1",
            "certificate does not match mail.test",
        ],
        |programs| {
            let mut t = Transcript::default();
            let reference = Programs {
                build: Build::System,
            };
            let mut cmd = reference.command("starttls_server");
            cmd.args([&cert("server.pem"), &cert("server.key"), "2"]);
            let server = Peer::start("starttls_server", cmd);
            for name in ["localhost", "mail.test"] {
                let client = client_cmd(programs, "starttls_client", server.port, &[name]);
                run(&mut t, "starttls_client", client);
            }
            server.finish(&mut t, false);
            t
        },
    );
}

/// STARTTLS, server side, against `openssl s_client -starttls smtp` and the system build of
/// the STARTTLS client.
#[test]
fn starttls_server() {
    differential(
        "starttls_server",
        &[
            "session 1: TLS TLSv1.3, descriptor kept",
            "221 bye",
            "session 2: TLS TLSv1.3",
        ],
        |programs| {
            let mut t = Transcript::default();
            let mut cmd = programs.command("starttls_server");
            cmd.args([&cert("server.pem"), &cert("server.key"), "2"]);
            let server = Peer::start("starttls_server", cmd);
            s_client(
                &mut t,
                server.port,
                &["-starttls", "smtp"],
                b"EHLO s-client.test\r\nQUIT\r\n",
            );
            let reference = Programs {
                build: Build::System,
            };
            let mut client = reference.command("starttls_client");
            client.args(["127.0.0.1", &server.port(), &cert("ca.pem"), "localhost"]);
            run(&mut t, "starttls_client (system)", client);
            server.finish(&mut t, false);
            t
        },
    );
}

/// Certificates and keys read-only (PEM, DER, names, serial, dates, subject alternative
/// names, host and address checks, fingerprint, keys), digests, HMAC, random bytes, BIO_dump.
#[test]
fn cert_tool() {
    differential(
        "cert_tool",
        &[
            "subject: C = FR, O = ftls tests, CN = all.test",
            "entry 2: CN (commonName) = all.test",
            "URI:https://all.test/id",
            "host localhost: 0, all.test: 1, www.all.test: 0; ip 127.0.0.1: 0, 192.0.2.7: 1",
            "public key: id-ecPublicKey, 256 bits, group prime256v1",
            "error:04800064:PEM routines:FUNC:bad base64 decode",
            "same as server.pem: yes; re-encoded identically: yes",
            "server-pkcs1.key: rsaEncryption (rsaEncryption), 2048 bits",
            "CRAM-MD5 response: tim 3dbc88f0624776a737b39093f6eb6427",
            "RAND_status 1, RAND_bytes 1, bytes changed: yes",
            "0020 - 6c 65 2e 6e 65 74 3e",
        ],
        |programs| {
            let mut t = Transcript::default();
            let mut cmd = programs.command("cert_tool");
            cmd.arg(support::cert_dir());
            run(&mut t, "cert_tool", cmd);
            t
        },
    );
}

/// Context configuration and the error queue: cipher strings, suites, groups, sigalgs,
/// versions, options and modes; identities and trust from missing, broken, mismatched files;
/// the queue drained, peeked, printed and cleared; verify-result and alert texts.
#[test]
fn config_errors() {
    differential(
        "config_errors",
        &[
            "default options 0x120000, mode 0x4",
            "set_cipher_list(HIGH:!aNULL:!MD5) -> 1",
            "error:0A080106:SSL routines::passed invalid argument",
            "error:80000002:system library::No such file or directory",
            "error:0A080009:SSL routines::PEM lib",
            "error:05800074:x509 certificate routines::key values mismatch",
            "error:0A0000BE:SSL routines::no private key assigned",
            "peek last error:0A0000B9:SSL routines::no cipher match",
            "TID:error:0A0000B9:SSL routines:FUNC:no cipher match:FILE:LINE:",
            "queue after clearing: 0x0",
            "verify 62: hostname mismatch",
            "alert 120: F fatal / UK no application protocol",
        ],
        |programs| {
            let mut t = Transcript::default();
            let mut cmd = programs.command("config_errors");
            cmd.arg(support::cert_dir());
            run(&mut t, "config_errors", cmd);
            t
        },
    );
}

/// The valgrind check itself: a program that loses a block fails its scenario with valgrind's
/// report; one that frees what it allocates passes.
#[test]
fn valgrind_check_fails_on_a_definite_leak() {
    let dir = scratch_dir("compat-valgrind-check");
    let build = |name: &str, body: &str| {
        let source = dir.join(format!("{name}.c"));
        let text = format!(
            "#include <stdlib.h>\n#include <string.h>\n\nstatic void *block;\n\n\
             int main(void)\n{{\n    block = malloc(64);\n    memset(block, 1, 64);\n{body}\
             \n    return 0;\n}}\n"
        );
        std::fs::write(&source, text).expect("write a C program");
        let program = dir.join(name);
        support::run_tool(
            Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
                .args(["-g", "-O0"])
                .arg(&source)
                .arg("-o")
                .arg(&program),
            "cc",
        );
        program
    };
    let run_checked = |name: &str, program: &Path| {
        valgrind_checked(name, || {
            let mut t = Transcript::default();
            run(&mut t, name, valgrind_command(name, program));
            t
        })
    };

    let frees = build("frees", "    free(block);");
    let clean = run_checked("frees", &frees);
    assert_eq!(clean.lines, ["frees: exit 0"]);

    let loses = build("loses", "    block = NULL;");
    let Err(failed) = std::panic::catch_unwind(|| run_checked("loses", &loses)) else {
        panic!("a definite leak did not fail the scenario");
    };
    let message = failed
        .downcast_ref::<String>()
        .expect("a formatted message");
    for expected in [
        "loses: valgrind found errors in the ftls build",
        "64 bytes in 1 blocks are definitely lost",
        "loses.c:",
        "loses: exit 99",
    ] {
        assert!(
            message.contains(expected),
            "{expected:?} missing in:\n{message}"
        );
    }
}

#[test]
fn normalise_masks_only_what_openssl_varies() {
    assert_eq!(
        normalise(
            "40B7C1F2E07F0000:error:0A000086:SSL routines:tls_post_process_server_certificate:\
             certificate verify failed:../ssl/statem/statem_clnt.c:1889:"
        ),
        "TID:error:0A000086:SSL routines:FUNC:certificate verify failed:FILE:LINE:"
    );
    assert_eq!(
        normalise("connection from 127.0.0.1:40312 failed; listening on 127.0.0.1:8443"),
        "connection from 127.0.0.1:PORT failed; listening on 127.0.0.1:PORT"
    );
    assert_eq!(
        normalise("error: not an error-queue line"),
        "error: not an error-queue line"
    );
}

#[test]
fn diff_marks_both_sides() {
    let a: Vec<String> = ["x", "y", "z"].iter().map(|s| s.to_string()).collect();
    let b: Vec<String> = ["x", "w", "z"].iter().map(|s| s.to_string()).collect();
    assert_eq!(diff(&a, &b), "  x\n+ w\n- y\n  z\n");
}
