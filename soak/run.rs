//! `make soak`: tls-server under hostile load for a while, and what it did.
//!
//!   soak [--seconds N] [--clients N] [--hostile N] BUILD
//!
//! Two tls-server processes (one answering HTTP, one echoing) take load from many client
//! processes on loopback for `--seconds` (default 600). Well-behaved clients (`--clients`
//! threads, default 8, each running `tls-client` over and over) do full and resumed handshakes,
//! mutual authentication, ALPN, tiny and large transfers; hostile clients (`--hostile` threads,
//! default 8) stall, trickle, send garbage, reset in the middle of a record, truncate without
//! close_notify, or connect and never speak. Meanwhile both servers' resident memory and open
//! descriptors are sampled every second.
//!
//! It prints handshakes per second, the failures of well-behaved clients (there must be none),
//! the memory and descriptors over time with the end compared to the steady state after the
//! warm-up (within 5 %: no leak), and the longest time a well-behaved client waited. Exits 1 if
//! a well-behaved client failed, a server died, or memory or descriptors grew.
//!
//! BUILD holds bin/tls-server, bin/tls-client and certs/ (the Makefile makes them).

use rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Failure = Box<dyn std::error::Error>;

/// Short deadlines, so that hostile clients are cut off many times during a run.
const HANDSHAKE_TIMEOUT: &str = "2";
const IDLE_TIMEOUT: &str = "5";

struct Options {
    seconds: u64,
    clients: usize,
    hostile: usize,
    build: PathBuf,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        seconds: 600,
        clients: 8,
        hostile: 8,
        build: PathBuf::new(),
    };
    let mut build = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut number = || -> Result<u64, String> {
            let text = it.next().ok_or(format!("{arg} needs a value"))?;
            text.parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("{arg}: {text:?} is not a positive number"))
        };
        match arg.as_str() {
            "--seconds" => options.seconds = number()?,
            "--clients" => options.clients = number()? as usize,
            "--hostile" => options.hostile = number()? as usize,
            _ if build.is_none() && !arg.starts_with('-') => build = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    options.build = build.ok_or("missing BUILD directory")?;
    Ok(options)
}

// ---- the servers --------------------------------------------------------------------------

struct Server {
    name: &'static str,
    child: Child,
    port: u16,
}

impl Server {
    fn start(build: &Path, name: &'static str, extra: &[&str]) -> Result<Server, Failure> {
        let certs = build.join("certs");
        let cert = |file: &str| certs.join(file).display().to_string();
        let mut child = Command::new(build.join("bin/tls-server"))
            .args(["--cert", &cert("server.pem"), "--key", &cert("server.key")])
            .args(["--client-ca", &cert("ca.pem"), "--alpn", "h2,http/1.1"])
            .args(["--port", "0", "--handshake-timeout", HANDSHAKE_TIMEOUT])
            .args(["--idle-timeout", IDLE_TIMEOUT])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("tls-server's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let line = lines.next().ok_or("tls-server said nothing")??;
        let port = line
            .strip_prefix("listening on ")
            .and_then(|rest| rest.rsplit(':').next())
            .and_then(|port| port.parse().ok())
            .ok_or_else(|| format!("tls-server said {line:?}"))?;
        // Keep draining, so a full pipe never blocks the server.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Server { name, child, port })
    }

    /// Resident memory (KiB) and open descriptors, from /proc; None once the process is gone.
    fn sample(&self) -> Option<(u64, usize)> {
        let pid = self.child.id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let rss = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count();
        Some((rss, fds))
    }
}

impl Server {
    /// Open descriptors once every connection has ended: sampled until they are back to
    /// `baseline` (what the idle server had), or the deadlines that end any connection have
    /// passed.
    fn idle_descriptors(&self, baseline: usize) -> usize {
        let seconds = |text: &str| text.parse::<f64>().unwrap_or(60.0);
        let give_up = Instant::now()
            + Duration::from_secs_f64(seconds(HANDSHAKE_TIMEOUT) + seconds(IDLE_TIMEOUT) + 2.0);
        let mut fewest = usize::MAX;
        while Instant::now() < give_up {
            let Some((_, fds)) = self.sample() else {
                break;
            };
            fewest = fewest.min(fds);
            if fewest <= baseline {
                break;
            }
            std::thread::sleep(Duration::from_millis(100)); // polling the server's state
        }
        fewest
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- well-behaved clients -----------------------------------------------------------------

/// What the well-behaved clients did.
#[derive(Default)]
struct Outcomes {
    connections: AtomicU64,
    runs: AtomicU64,
    failures: AtomicU64,
    longest_wait_ms: AtomicU64,
    first_failures: Mutex<Vec<String>>,
}

impl Outcomes {
    fn failed(&self, what: String) {
        self.failures.fetch_add(1, Relaxed);
        let mut first = self
            .first_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if first.len() < 5 {
            first.push(what);
        }
    }
}

/// One kind of well-behaved client run.
#[derive(Clone, Copy, Debug)]
enum Behaved {
    /// A GET, then 3 resumed GETs (HTTP server).
    Resumed,
    /// A GET with a client certificate and ALPN (HTTP server).
    MutualAlpn,
    /// 10 bytes echoed (echo server), TLS 1.2.
    Tiny,
    /// 1 MiB echoed (echo server).
    Large,
}

const BEHAVED: [Behaved; 4] = [
    Behaved::Resumed,
    Behaved::MutualAlpn,
    Behaved::Tiny,
    Behaved::Large,
];

/// Runs one well-behaved client to completion and checks what it got.
fn behaved_run(
    build: &Path,
    kind: Behaved,
    http: u16,
    echo: u16,
    seed: u64,
) -> Result<u64, String> {
    let certs = build.join("certs");
    let cert = |file: &str| certs.join(file).display().to_string();
    let mut cmd = Command::new(build.join("bin/tls-client"));
    cmd.args(["--ca", &cert("ca.pem"), "--servername", "localhost"]);
    let (port, input, connections): (u16, Vec<u8>, u64) = match kind {
        Behaved::Resumed => {
            cmd.args(["--resume", "3"]);
            (http, Vec::new(), 4)
        }
        Behaved::MutualAlpn => {
            cmd.args(["--cert", &cert("client.pem"), "--key", &cert("client.key")])
                .args(["--alpn", "h2"]);
            (http, Vec::new(), 1)
        }
        Behaved::Tiny => {
            cmd.args(["--tls12", "--stdin"]);
            (echo, b"tiny hello".to_vec(), 1)
        }
        Behaved::Large => {
            cmd.arg("--stdin");
            (echo, pseudo_random(1 << 20, seed), 1)
        }
    };
    cmd.args(["127.0.0.1", &port.to_string()]);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start tls-client: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("stdin")?;
    let feeder = std::thread::spawn({
        let input = input.clone();
        move || {
            let _ = stdin.write_all(&input);
        }
    });
    let output = child
        .wait_with_output()
        .map_err(|e| format!("tls-client: {e}"))?;
    let _ = feeder.join();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("{kind:?}: tls-client {}: {stderr}", output.status));
    }
    let stdout = &output.stdout;
    let right = match kind {
        Behaved::Resumed => {
            stdout.starts_with(b"HTTP/1.1 200 OK") && stderr.matches("resumed").count() == 3
        }
        Behaved::MutualAlpn => {
            let text = String::from_utf8_lossy(stdout);
            text.contains("ALPN: h2") && text.contains("Client certificate: presented")
        }
        Behaved::Tiny | Behaved::Large => *stdout == input,
    };
    if !right {
        return Err(format!(
            "{kind:?}: unexpected answer ({} bytes): {}",
            stdout.len(),
            String::from_utf8_lossy(&stdout[..stdout.len().min(200)])
        ));
    }
    Ok(connections)
}

/// Deterministic filler for the large transfers (xorshift).
fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

// ---- hostile clients ----------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Hostile {
    /// Half a ClientHello, then nothing.
    Stall,
    /// A ClientHello one byte every 100 ms.
    Trickle,
    /// 4 KiB of garbage.
    Garbage,
    /// A ClientHello and the start of a next record, then a TCP reset.
    ResetMidRecord,
    /// A full handshake and some data, then the TCP connection closed without close_notify.
    Truncate,
    /// Connects and says nothing.
    Silent,
}

const HOSTILE: [Hostile; 6] = [
    Hostile::Stall,
    Hostile::Trickle,
    Hostile::Garbage,
    Hostile::ResetMidRecord,
    Hostile::Truncate,
    Hostile::Silent,
];

/// A real ClientHello (from rustls), for the clients that send part of one.
fn client_hello(config: &Arc<rustls::ClientConfig>) -> Vec<u8> {
    let name = ServerName::try_from("localhost").expect("a valid name");
    let mut conn = rustls::ClientConnection::new(config.clone(), name).expect("a client");
    let mut hello = Vec::new();
    let _ = conn.write_tls(&mut hello);
    hello
}

/// Reads until the server closes (or resets) the connection.
fn until_closed(stream: &mut TcpStream) {
    let mut sink = [0u8; 4096];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
}

fn hostile_run(
    kind: Hostile,
    port: u16,
    config: &Arc<rustls::ClientConfig>,
) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let hello = client_hello(config);
    match kind {
        Hostile::Stall => {
            stream.write_all(&hello[..hello.len() / 2])?;
            until_closed(&mut stream);
        }
        Hostile::Trickle => {
            stream.set_nonblocking(false)?;
            for byte in &hello {
                if stream.write_all(std::slice::from_ref(byte)).is_err() {
                    break; // the server cut us off
                }
                std::thread::sleep(Duration::from_millis(100)); // the trickle itself
            }
        }
        Hostile::Garbage => {
            stream.write_all(&pseudo_random(4096, port as u64))?;
            until_closed(&mut stream);
        }
        Hostile::ResetMidRecord => {
            // Closing a socket with unread data makes the kernel reset the connection: wait
            // for the server's answer, leave it unread, and close.
            stream.write_all(&hello)?;
            stream.write_all(&[0x14, 0x03, 0x03])?;
            let _ = stream.peek(&mut [0u8; 1]);
            drop(stream);
        }
        Hostile::Truncate => {
            let name = ServerName::try_from("localhost").expect("a valid name");
            let mut conn = rustls::ClientConnection::new(config.clone(), name)
                .map_err(std::io::Error::other)?;
            let mut tls = rustls::Stream::new(&mut conn, &mut stream);
            tls.write_all(b"some data, then the connection is cut")?;
            let mut echo = [0u8; 16];
            let _ = tls.read(&mut echo);
            let _ = stream.shutdown(Shutdown::Both);
        }
        Hostile::Silent => until_closed(&mut stream),
    }
    Ok(())
}

fn rustls_client(build: &Path) -> Result<Arc<rustls::ClientConfig>, Failure> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(build.join("certs/ca.pem"))? {
        roots.add(cert?)?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

// ---- the run ------------------------------------------------------------------------------

struct Sample {
    at: Duration,
    rss_kib: [u64; 2],
    fds: [usize; 2],
}

fn run(options: &Options) -> Result<bool, Failure> {
    let build = options.build.canonicalize()?;
    let http = Server::start(&build, "http", &[])?;
    let echo = Server::start(&build, "echo", &["--echo"])?;
    let (http_port, echo_port) = (http.port, echo.port);
    let idle_before = [&http, &echo].map(|server| server.sample().map_or(0, |(_, fds)| fds));
    let rustls = rustls_client(&build)?;
    let outcomes = Arc::new(Outcomes::default());
    let hostile_runs = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut threads = Vec::new();

    for index in 0..options.clients {
        let (build, outcomes, stop) = (build.clone(), outcomes.clone(), stop.clone());
        threads.push(std::thread::spawn(move || {
            let mut round = index;
            while !stop.load(Relaxed) {
                let kind = BEHAVED[round % BEHAVED.len()];
                let began = Instant::now();
                match behaved_run(&build, kind, http_port, echo_port, round as u64) {
                    Ok(connections) => {
                        outcomes.connections.fetch_add(connections, Relaxed);
                    }
                    Err(what) => outcomes.failed(what),
                }
                outcomes.runs.fetch_add(1, Relaxed);
                let waited = began.elapsed().as_millis() as u64;
                outcomes.longest_wait_ms.fetch_max(waited, Relaxed);
                round += 1;
            }
        }));
    }
    for index in 0..options.hostile {
        let (rustls, runs, stop) = (rustls.clone(), hostile_runs.clone(), stop.clone());
        threads.push(std::thread::spawn(move || {
            let mut round = index;
            while !stop.load(Relaxed) {
                let kind = HOSTILE[round % HOSTILE.len()];
                let port = if round % 2 == 0 { http_port } else { echo_port };
                let _ = hostile_run(kind, port, &rustls);
                runs.fetch_add(1, Relaxed);
                round += 1;
            }
        }));
    }

    let mut samples = Vec::new();
    let deadline = started + Duration::from_secs(options.seconds);
    let mut alive = true;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_secs(1)); // the sampling period
        match (http.sample(), echo.sample()) {
            (Some((rss_http, fds_http)), Some((rss_echo, fds_echo))) => samples.push(Sample {
                at: started.elapsed(),
                rss_kib: [rss_http, rss_echo],
                fds: [fds_http, fds_echo],
            }),
            _ => {
                alive = false;
                break;
            }
        }
    }
    stop.store(true, Relaxed);
    for thread in threads {
        let _ = thread.join();
    }
    let elapsed = started.elapsed();
    // Once the load is gone, every connection ends within the deadlines: the descriptors must
    // come back to what the idle servers had before.
    let idle_after = [
        http.idle_descriptors(idle_before[0]),
        echo.idle_descriptors(idle_before[1]),
    ];
    Ok(report(&Observed {
        options,
        outcomes: &outcomes,
        hostile_runs: hostile_runs.load(Relaxed),
        samples: &samples,
        elapsed,
        alive,
        names: [http.name, echo.name],
        idle_before,
        idle_after,
    }))
}

/// What a run saw, for the report.
struct Observed<'a> {
    options: &'a Options,
    outcomes: &'a Outcomes,
    hostile_runs: u64,
    samples: &'a [Sample],
    elapsed: Duration,
    alive: bool,
    names: [&'static str; 2],
    /// Each server's open descriptors when idle, before and after the load.
    idle_before: [usize; 2],
    idle_after: [usize; 2],
}

/// The mean of some samples of one series.
fn mean(values: impl Iterator<Item = u64>) -> f64 {
    let (sum, count) = values.fold((0u64, 0u64), |(sum, count), v| (sum + v, count + 1));
    if count == 0 {
        0.0
    } else {
        sum as f64 / count as f64
    }
}

fn report(run: &Observed) -> bool {
    let Observed {
        options,
        outcomes,
        samples,
        elapsed,
        alive,
        names,
        ..
    } = *run;
    let seconds = elapsed.as_secs_f64();
    let connections = outcomes.connections.load(Relaxed);
    let failures = outcomes.failures.load(Relaxed);
    println!(
        "Soak: {:.0} s, {} well-behaved client threads, {} hostile client threads",
        seconds, options.clients, options.hostile
    );
    println!(
        "Handshakes per second (well-behaved, full and resumed): {:.1} ({connections} in {} runs)",
        connections as f64 / seconds,
        outcomes.runs.load(Relaxed)
    );
    println!("Hostile connections: {}", run.hostile_runs);
    println!("Failures of well-behaved clients: {failures}");
    for failure in outcomes
        .first_failures
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
    {
        println!("  {failure}");
    }
    println!(
        "Longest wait of a well-behaved client: {} ms",
        outcomes.longest_wait_ms.load(Relaxed)
    );

    // The steady state: after the first fifth (warm-up), up to the middle; the end: the last
    // fifth. Neither memory nor descriptors may end more than 5 % above the steady state.
    let n = samples.len();
    let warm_up = n / 5;
    let steady = &samples[warm_up..(n / 2).max(warm_up + 1).min(n)];
    let end = &samples[n.saturating_sub((n / 5).max(1))..];
    println!(
        "\n{:>8} {:>12} {:>8} {:>12} {:>8}",
        "time", "rss KiB", "fds", "rss KiB", "fds"
    );
    println!("{:>8} {:>21} {:>21}", "", names[0], names[1]);
    let step = (n / 10).max(1);
    let shown = (0..n)
        .step_by(step)
        .chain((n > 0 && (n - 1) % step != 0).then(|| n - 1));
    for sample in shown.map(|index| &samples[index]) {
        println!(
            "{:>7.0}s {:>12} {:>8} {:>12} {:>8}",
            sample.at.as_secs_f64(),
            sample.rss_kib[0],
            sample.fds[0],
            sample.rss_kib[1],
            sample.fds[1]
        );
    }
    let mut leak_free = true;
    for (index, name) in names.iter().enumerate() {
        let steady_rss = mean(steady.iter().map(|s| s.rss_kib[index]));
        let end_rss = mean(end.iter().map(|s| s.rss_kib[index]));
        let (before, after) = (run.idle_before[index], run.idle_after[index]);
        let grew = steady_rss > 0.0 && end_rss > steady_rss * 1.05 || after > before;
        leak_free &= !grew;
        println!(
            "{name}: rss {:.0} KiB steady, {:.0} KiB at the end ({:+.1} %); open fds when idle: \
             {before} before the load, {after} after it: {}",
            steady_rss,
            end_rss,
            if steady_rss > 0.0 {
                (end_rss / steady_rss - 1.0) * 100.0
            } else {
                0.0
            },
            if grew { "GREW" } else { "no leak" }
        );
    }
    if !alive {
        println!("A server died during the run.");
    }
    failures == 0 && alive && leak_free && n > 0
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(options) => options,
        Err(why) => {
            eprintln!("soak: {why}");
            eprintln!("usage: soak [--seconds N] [--clients N] [--hostile N] BUILD");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(err) => {
            eprintln!("soak: {err}");
            ExitCode::from(2)
        }
    }
}
