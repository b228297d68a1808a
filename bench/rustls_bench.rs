//! rustls used natively from Rust, with the provider ftls is built with (aws-lc-rs), measuring
//! what bench/ftls_bench.c and bench/openssl_bench.c measure: the reference ftls must match.
//! Also the raw AEAD rate of aws-lc (seal and open of 16 KiB records), the limit bulk
//! transfer is held against. Output and driver: bench/bench.h, bench/run.rs (`make bench`).
//!
//!   rustls-bench CERTDIR HANDSHAKES BULK_MIB CONNECTIONS

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use rustls::client::Resumption;
use rustls::crypto::{aws_lc_rs as provider, CryptoProvider, SupportedKxGroup};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{
    ClientConfig, ClientConnection, Connection, RootCertStore, ServerConfig, ServerConnection,
    SupportedCipherSuite, SupportedProtocolVersion,
};
use std::io::{self, IoSlice, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const IMPL: &str = "rustls";
const RECORD: usize = 16384;

type Failure = Box<dyn std::error::Error>;

struct Args {
    cert_dir: PathBuf,
    handshakes: u32,
    bulk_mib: u64,
    connections: usize,
}

/// One direction of the in-memory transport.
#[derive(Default)]
struct Pipe {
    data: Vec<u8>,
    start: usize,
}

impl Pipe {
    fn len(&self) -> usize {
        self.data.len() - self.start
    }
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.len() == 0 {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = self.len().min(buf.len());
        copy_in_pieces(&mut buf[..n], &self.data[self.start..self.start + n]);
        self.start += n;
        if self.start == self.data.len() {
            self.data.clear();
            self.start = 0;
        }
        Ok(n)
    }
}

impl Pipe {
    fn push(&mut self, buf: &[u8]) {
        self.data.reserve(buf.len());
        for piece in buf.chunks(COPY_PIECE) {
            self.data.extend_from_slice(piece);
        }
    }
}

/// The transport copies in pieces of this size, as the C programs' pipe does (bench.h,
/// `bench_copy`, says why).
const COPY_PIECE: usize = 2048;

fn copy_in_pieces(to: &mut [u8], from: &[u8]) {
    for (to, from) in to.chunks_mut(COPY_PIECE).zip(from.chunks(COPY_PIECE)) {
        to.copy_from_slice(from);
    }
}

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.push(buf);
        Ok(buf.len())
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let mut n = 0;
        for buf in bufs {
            self.push(buf);
            n += buf.len();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Each side's time over a measurement.
#[derive(Default, Clone, Copy)]
struct Sides {
    client: Duration,
    server: Duration,
}

/// While set, nothing is reported: the warm-up run at the start (the first scenario of a fresh
/// process otherwise ran measurably slower or faster, by up to 10 %).
static WARMING_UP: AtomicBool = AtomicBool::new(false);

fn report(scenario: &str, metric: &str, value: f64) {
    if WARMING_UP.load(Ordering::Relaxed) {
        return;
    }
    println!("{IMPL} {scenario} {metric} {value:.6}");
}

fn report_handshakes(scenario: &str, count: u32, total: Duration, sides: Sides) {
    report(scenario, "per_s", f64::from(count) / total.as_secs_f64());
    report(
        scenario,
        "client_us",
        sides.client.as_secs_f64() * 1e6 / f64::from(count),
    );
    report(
        scenario,
        "server_us",
        sides.server.as_secs_f64() * 1e6 / f64::from(count),
    );
}

fn report_bulk(scenario: &str, names: [&str; 3], bytes: u64, sides: Sides) {
    let mb = bytes as f64 / 1e6;
    report(scenario, names[0], mb / sides.server.as_secs_f64());
    report(scenario, names[1], mb / sides.client.as_secs_f64());
    report(
        scenario,
        names[2],
        mb / (sides.server + sides.client).as_secs_f64(),
    );
}

/// Whether to run `scenario`: all of them, unless BENCH_ONLY names a prefix (for profiling) or
/// BENCH_SKIP one to leave out (bench/run.rs measures memory in a run of its own).
fn wanted(scenario: &str) -> bool {
    std::env::var("BENCH_ONLY").map_or(true, |only| scenario.starts_with(&only))
        && std::env::var("BENCH_SKIP").map_or(true, |skip| !scenario.starts_with(&skip))
}

fn timed<T>(spent: &mut Duration, body: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = body();
    *spent += start.elapsed();
    result
}

// ---------------------------------------------------------------------------------------------
// Configs

fn suite(name: &str) -> SupportedCipherSuite {
    provider::ALL_CIPHER_SUITES
        .iter()
        .copied()
        .find(|suite| format!("{:?}", suite.suite()) == name)
        .unwrap_or_else(|| panic!("no suite {name}"))
}

fn group(name: &str) -> &'static dyn SupportedKxGroup {
    *provider::ALL_KX_GROUPS
        .iter()
        .find(|group| format!("{:?}", group.name()) == name)
        .unwrap_or_else(|| panic!("no group {name}"))
}

static TLS13_ONLY: [&SupportedProtocolVersion; 1] = [&rustls::version::TLS13];
static TLS12_ONLY: [&SupportedProtocolVersion; 1] = [&rustls::version::TLS12];

fn versions(tls13: bool) -> &'static [&'static SupportedProtocolVersion] {
    if tls13 {
        &TLS13_ONLY
    } else {
        &TLS12_ONLY
    }
}

fn client_config(
    args: &Args,
    tls13: bool,
    suite_name: &str,
    group_name: &str,
    resume: bool,
) -> Result<Arc<ClientConfig>, Failure> {
    let provider = CryptoProvider {
        cipher_suites: vec![suite(suite_name)],
        kx_groups: vec![group(group_name)],
        ..provider::default_provider()
    };
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(args.cert_dir.join("ca.pem"))? {
        roots.add(cert?)?;
    }
    let mut config = ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(versions(tls13))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    if !resume {
        config.resumption = Resumption::disabled();
    }
    Ok(Arc::new(config))
}

/// TLS 1.3: stateless tickets; TLS 1.2: session IDs, no tickets. For full handshakes
/// (`resume` false) neither: the server keeps no session and issues no ticket.
fn server_config(args: &Args, tls13: bool, resume: bool) -> Result<Arc<ServerConfig>, Failure> {
    let chain = CertificateDer::pem_file_iter(args.cert_dir.join("server.pem"))?
        .collect::<Result<Vec<_>, _>>()?;
    let key = PrivateKeyDer::from_pem_file(args.cert_dir.join("server.key"))?;
    let mut config = ServerConfig::builder_with_provider(Arc::new(provider::default_provider()))
        .with_protocol_versions(versions(tls13))?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    if !resume {
        config.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
        config.send_tls13_tickets = 0;
    } else if tls13 {
        config.ticketer = provider::Ticketer::new()?;
    }
    Ok(Arc::new(config))
}

// ---------------------------------------------------------------------------------------------
// A client and a server over two pipes

struct Pair {
    client: Connection,
    server: Connection,
    to_server: Pipe,
    to_client: Pipe,
}

fn flush_into(conn: &mut Connection, pipe: &mut Pipe) -> Result<bool, Failure> {
    let mut any = false;
    while conn.wants_write() {
        conn.write_tls(pipe)?;
        any = true;
    }
    Ok(any)
}

fn feed_from(conn: &mut Connection, pipe: &mut Pipe) -> Result<(), Failure> {
    while pipe.len() > 0 {
        conn.read_tls(pipe)?;
        conn.process_new_packets()?;
    }
    Ok(())
}

impl Pair {
    fn open(
        client: &Arc<ClientConfig>,
        server: &Arc<ServerConfig>,
        sides: &mut Sides,
    ) -> Result<Self, Failure> {
        let name = "localhost".try_into()?;
        let client = timed(&mut sides.client, || {
            ClientConnection::new(client.clone(), name)
        })?;
        let server = timed(&mut sides.server, || ServerConnection::new(server.clone()))?;
        let mut pair = Self {
            client: client.into(),
            server: server.into(),
            to_server: Pipe::default(),
            to_client: Pipe::default(),
        };
        pair.pump(sides)?;
        if pair.client.is_handshaking() || pair.server.is_handshaking() {
            return Err("the handshake did not complete".into());
        }
        Ok(pair)
    }

    /// Runs the handshake and what follows it (tickets) until neither side has more to say.
    fn pump(&mut self, sides: &mut Sides) -> Result<(), Failure> {
        loop {
            let client_sent = timed(&mut sides.client, || {
                feed_from(&mut self.client, &mut self.to_client)?;
                flush_into(&mut self.client, &mut self.to_server)
            })?;
            let server_sent = timed(&mut sides.server, || {
                feed_from(&mut self.server, &mut self.to_server)?;
                flush_into(&mut self.server, &mut self.to_client)
            })?;
            if !client_sent && !server_sent && self.to_client.len() == 0 {
                return Ok(());
            }
        }
    }

    fn close(self, sides: &mut Sides) {
        let Self { client, server, .. } = self;
        timed(&mut sides.client, || drop(client));
        timed(&mut sides.server, || drop(server));
    }
}

// ---------------------------------------------------------------------------------------------
// Measurements

fn handshakes(
    args: &Args,
    scenario: &str,
    tls13: bool,
    suite: &str,
    group: &str,
    resume: bool,
) -> Result<(), Failure> {
    if !wanted(scenario) {
        return Ok(());
    }
    let client = client_config(args, tls13, suite, group, resume)?;
    let server = server_config(args, tls13, resume)?;
    let mut warmup = Sides::default();
    for _ in 0..2 {
        Pair::open(&client, &server, &mut warmup)?.close(&mut warmup);
    }
    let mut sides = Sides::default();
    let mut resumed = 0;
    let start = Instant::now();
    for _ in 0..args.handshakes {
        let pair = Pair::open(&client, &server, &mut sides)?;
        resumed += u32::from(pair.client.handshake_kind() == Some(rustls::HandshakeKind::Resumed));
        pair.close(&mut sides);
    }
    report_handshakes(scenario, args.handshakes, start.elapsed(), sides);
    let expected = if resume { args.handshakes } else { 0 };
    if resumed != expected {
        return Err(format!("{scenario}: {resumed} of {} resumed", args.handshakes).into());
    }
    Ok(())
}

fn bulk(args: &Args, scenario: &str, suite: &str) -> Result<(), Failure> {
    if !wanted(scenario) {
        return Ok(());
    }
    let client = client_config(args, true, suite, "X25519", false)?;
    let server = server_config(args, true, true)?;
    let mut setup = Sides::default();
    let mut pair = Pair::open(&client, &server, &mut setup)?;
    let plaintext: Vec<u8> = (0..RECORD).map(|i| (i * 131 + 7) as u8).collect();
    let mut into = vec![0u8; RECORD];
    let total = args.bulk_mib << 20;
    let (mut sent, mut received) = (0u64, 0u64);
    let mut sides = Sides::default();
    while sent < total {
        timed(&mut sides.server, || -> Result<(), Failure> {
            pair.server.writer().write_all(&plaintext)?;
            flush_into(&mut pair.server, &mut pair.to_client)?;
            Ok(())
        })?;
        sent += RECORD as u64;
        timed(&mut sides.client, || -> Result<(), Failure> {
            while pair.to_client.len() > 0 {
                pair.client.read_tls(&mut pair.to_client)?;
                pair.client.process_new_packets()?;
                loop {
                    match pair.client.reader().read(&mut into) {
                        Ok(n) => received += n as u64,
                        Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
                        Err(err) => return Err(err.into()),
                    }
                }
            }
            Ok(())
        })?;
    }
    if received != sent {
        return Err("the client did not receive everything".into());
    }
    report_bulk(scenario, ["send_MBps", "recv_MBps", "MBps"], sent, sides);
    pair.close(&mut setup);
    Ok(())
}

/// The AEAD alone, as rustls' aws-lc-rs provider uses it: 16 KiB records sealed and opened in
/// place, a 13-byte header as additional data, a fresh nonce each.
fn aead(args: &Args, scenario: &str, algorithm: &'static aead::Algorithm) -> Result<(), Failure> {
    if !wanted(scenario) {
        return Ok(());
    }
    let key_bytes = vec![7u8; algorithm.key_len()];
    let sealing = LessSafeKey::new(UnboundKey::new(algorithm, &key_bytes)?);
    let opening = LessSafeKey::new(UnboundKey::new(algorithm, &key_bytes)?);
    let mut record: Vec<u8> = (0..RECORD + 16).map(|i| (i * 131 + 7) as u8).collect();
    let header = [23u8; 13];
    let total = args.bulk_mib << 20;
    let mut sides = Sides::default();
    let mut done = 0u64;
    let mut sequence = 0u64;
    while done < total {
        let mut nonce = [9u8; 12];
        nonce[4..].copy_from_slice(&sequence.to_be_bytes());
        sequence += 1;
        timed(&mut sides.server, || -> Result<(), Failure> {
            let (body, tag) = record.split_at_mut(RECORD);
            let sealed = sealing.seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(header),
                body,
            )?;
            tag.copy_from_slice(sealed.as_ref());
            Ok(())
        })?;
        timed(&mut sides.client, || {
            opening
                .open_in_place(
                    Nonce::assume_unique_for_key(nonce),
                    Aad::from(header),
                    &mut record,
                )
                .map(|_| ())
        })?;
        done += RECORD as u64;
    }
    report_bulk(scenario, ["seal_MBps", "open_MBps", "MBps"], done, sides);
    Ok(())
}

/// Bytes of heap in use (glibc's count, as the C programs read it).
fn heap_in_use() -> f64 {
    // SAFETY: mallinfo2 takes no arguments and only reads the allocator's statistics.
    let info = unsafe { libc::mallinfo2() };
    (info.uordblks + info.hblkhd) as f64
}

fn exchange(from: &mut Connection, wire: &mut Pipe, to: &mut Connection) -> Result<(), Failure> {
    from.writer().write_all(&[5u8; RECORD])?;
    flush_into(from, wire)?;
    feed_from(to, wire)?;
    let mut buf = vec![0u8; RECORD];
    let mut got = 0;
    while let Ok(n) = to.reader().read(&mut buf) {
        got += n;
    }
    if got != RECORD {
        return Err("exchange lost data".into());
    }
    Ok(())
}

fn memory(args: &Args) -> Result<(), Failure> {
    if !wanted("memory") {
        return Ok(());
    }
    let client = client_config(args, true, "TLS13_AES_128_GCM_SHA256", "X25519", false)?;
    let server = server_config(args, true, true)?;
    let mut ignored = Sides::default();
    Pair::open(&client, &server, &mut ignored)?.close(&mut ignored);
    let n = args.connections;
    let mut clients = Vec::with_capacity(n);
    let mut servers = Vec::with_capacity(n);
    let base = heap_in_use();
    for _ in 0..n {
        // Boxed, as a C program holds its connections: the connection itself counts.
        let pair = Pair::open(&client, &server, &mut ignored)?;
        clients.push(Box::new(pair.client));
        servers.push(Box::new(pair.server));
    }
    let established = heap_in_use();
    let mut wire = Pipe::default();
    for (client, server) in clients.iter_mut().zip(servers.iter_mut()) {
        exchange(client, &mut wire, server)?;
        exchange(server, &mut wire, client)?;
    }
    drop(wire);
    let after_traffic = heap_in_use();
    drop(servers);
    let clients_only = heap_in_use();
    let n = n as f64;
    report("memory", "client_B", (clients_only - base) / n);
    report("memory", "server_B", (after_traffic - clients_only) / n);
    report("memory", "pair_B", (established - base) / n);
    report("memory", "pair_idle_B", (after_traffic - base) / n);
    Ok(())
}

fn parse_args() -> Option<Args> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [cert_dir, handshakes, bulk_mib, connections] = &args[..] else {
        return None;
    };
    let args = Args {
        cert_dir: Path::new(cert_dir).to_path_buf(),
        handshakes: handshakes.parse().ok()?,
        bulk_mib: bulk_mib.parse().ok()?,
        connections: connections.parse().ok()?,
    };
    (args.handshakes > 0 && args.bulk_mib > 0 && args.connections > 0).then_some(args)
}

fn run(args: &Args) -> Result<(), Failure> {
    let aes128 = "TLS13_AES_128_GCM_SHA256";
    let tls12 = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
    let mlkem = "X25519MLKEM768";
    WARMING_UP.store(true, Ordering::Relaxed);
    handshakes(args, "hs13_full_x25519", true, aes128, "X25519", false)?;
    WARMING_UP.store(false, Ordering::Relaxed);
    handshakes(args, "hs13_full_x25519", true, aes128, "X25519", false)?;
    handshakes(args, "hs13_full_mlkem", true, aes128, mlkem, false)?;
    handshakes(args, "hs12_full_x25519", false, tls12, "X25519", false)?;
    handshakes(args, "hs13_resumed_x25519", true, aes128, "X25519", true)?;
    handshakes(args, "hs13_resumed_mlkem", true, aes128, mlkem, true)?;
    handshakes(args, "hs12_resumed_x25519", false, tls12, "X25519", true)?;

    bulk(args, "bulk_aes128", aes128)?;
    bulk(args, "bulk_aes256", "TLS13_AES_256_GCM_SHA384")?;
    bulk(args, "bulk_chacha20", "TLS13_CHACHA20_POLY1305_SHA256")?;

    aead(args, "aead_aes128", &aead::AES_128_GCM)?;
    aead(args, "aead_aes256", &aead::AES_256_GCM)?;
    aead(args, "aead_chacha20", &aead::CHACHA20_POLY1305)?;

    memory(args)
}

fn main() -> ExitCode {
    let Some(args) = parse_args() else {
        eprintln!("usage: rustls-bench CERTDIR HANDSHAKES BULK_MIB CONNECTIONS (counts >= 1)");
        return ExitCode::from(1);
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("rustls-bench: {err}");
            ExitCode::from(2)
        }
    }
}
