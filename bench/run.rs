//! `make bench`: runs the benchmark programs (ftls through its C API, OpenSSL's libssl, rustls
//! natively, rustls-ffi through its C API, and openssl_bench.c again built against the
//! OpenSSL-compatible library) round after round, interleaved, and prints one table of medians
//! with the ratios ftls/OpenSSL, ftls/rustls, ftls/rustls-ffi, bulk/AEAD limit and
//! OpenSSL-API-on-ftls/ftls.
//!
//!   bench [--rounds N] [--handshakes N] [--bulk-mib N] [--connections N] [--jemalloc LIB] BUILD
//!
//! BUILD holds bench/ftls_bench, bench/openssl_bench, bench/rustls_ffi_bench,
//! bench/openssl_on_ftls_bench and certs/ (the Makefile builds them);
//! rustls-bench sits beside this program. With `--jemalloc`, ftls_bench also runs with that
//! allocator preloaded, for the bulk rows of the allocator comparison.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Failure = Box<dyn std::error::Error>;

struct Options {
    rounds: usize,
    handshakes: u32,
    bulk_mib: u32,
    connections: u32,
    jemalloc: Option<PathBuf>,
    build: PathBuf,
}

/// (implementation, scenario, metric) -> one value per round.
type Samples = BTreeMap<(String, String, String), Vec<f64>>;

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        rounds: 5,
        handshakes: 2000,
        bulk_mib: 1024,
        connections: 1000,
        jemalloc: None,
        build: PathBuf::new(),
    };
    let mut build = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        let number = |text: &String| {
            text.parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("{arg}: {text:?} is not a positive number"))
        };
        match arg.as_str() {
            "--rounds" => options.rounds = number(value()?)? as usize,
            "--handshakes" => options.handshakes = number(value()?)?,
            "--bulk-mib" => options.bulk_mib = number(value()?)?,
            "--connections" => options.connections = number(value()?)?,
            "--jemalloc" => options.jemalloc = Some(PathBuf::from(value()?)),
            _ if build.is_none() && !arg.starts_with('-') => build = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    options.build = build.ok_or("missing BUILD directory")?;
    Ok(options)
}

/// Which scenarios one run of a program covers.
#[derive(Clone, Copy)]
enum Part {
    /// Everything but the memory scenario, with the allocator as it is.
    Speed,
    /// The memory scenario alone, with glibc's per-thread cache (tcache) off: `mallinfo2`
    /// counts the freed chunks parked there (up to 7 of each size) as in use. They hold
    /// whatever the program freed last, not what its connections keep, and at 1000
    /// connections they swing the per-pair figure by about a hundred bytes from run to run.
    Memory,
}

/// Runs one program and adds its `IMPL SCENARIO METRIC VALUE` lines to `samples`, the
/// implementation renamed to `name`.
fn run(
    program: &Path,
    name: &str,
    preload: Option<&Path>,
    part: Part,
    options: &Options,
    samples: &mut Samples,
) -> Result<(), Failure> {
    let mut command = Command::new(program);
    match part {
        Part::Speed => command.env("BENCH_SKIP", "memory"),
        Part::Memory => command
            .env("BENCH_ONLY", "memory")
            .env("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0"),
    };
    command.arg(options.build.join("certs")).args([
        options.handshakes.to_string(),
        options.bulk_mib.to_string(),
        options.connections.to_string(),
    ]);
    if let Some(library) = preload {
        command.env("LD_PRELOAD", library);
    }
    let output = command
        .output()
        .map_err(|err| format!("{}: {err}", program.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed ({}):\n{}",
            program.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [_, scenario, metric, value] = fields[..] else {
            return Err(format!("{}: unexpected line {line:?}", program.display()).into());
        };
        let value: f64 = value.parse()?;
        samples
            .entry((name.to_string(), scenario.to_string(), metric.to_string()))
            .or_default()
            .push(value);
    }
    Ok(())
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 0 {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

struct Table<'a> {
    samples: &'a Samples,
}

impl Table<'_> {
    fn get(&self, implementation: &str, scenario: &str, metric: &str) -> Option<f64> {
        let key = (
            implementation.to_string(),
            scenario.to_string(),
            metric.to_string(),
        );
        self.samples.get(&key).map(|values| median(values))
    }

    fn header(&self, title: &str) {
        println!();
        println!(
            "{title:<40} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9} {:>9}",
            "ftls", "openssl", "rustls", "rustls-ffi", "f/ossl", "f/rustls", "f/rffi"
        );
    }

    /// One row: ftls (from `ftls_scenario`), OpenSSL and rustls (from `scenario`), rustls-ffi
    /// (from `ftls_scenario` too: it runs the same C calls, copy-free ones included), the
    /// ratios.
    fn row(&self, label: &str, ftls_scenario: &str, scenario: &str, metric: &str) {
        let ftls = self.get("ftls", ftls_scenario, metric);
        let openssl = self.get("openssl", scenario, metric);
        let rustls = self.get("rustls", scenario, metric);
        let rustls_ffi = self.get("rustls-ffi", ftls_scenario, metric);
        let ratio = |other: Option<f64>| match (ftls, other) {
            (Some(a), Some(b)) if b != 0.0 => format!("{:.2}", a / b),
            _ => "n/a".to_string(),
        };
        println!(
            "{label:<40} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9} {:>9}",
            value(ftls),
            value(openssl),
            value(rustls),
            value(rustls_ffi),
            ratio(openssl),
            ratio(rustls),
            ratio(rustls_ffi)
        );
    }
}

fn value(v: Option<f64>) -> String {
    match v {
        Some(v) if v >= 100.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.2}"),
        None => "n/a".to_string(),
    }
}

const HANDSHAKES: [(&str, &str); 6] = [
    ("TLS 1.3 full, X25519", "hs13_full_x25519"),
    ("TLS 1.3 full, X25519MLKEM768", "hs13_full_mlkem"),
    ("TLS 1.2 full, X25519", "hs12_full_x25519"),
    ("TLS 1.3 resumed (ticket), X25519", "hs13_resumed_x25519"),
    (
        "TLS 1.3 resumed (ticket), X25519MLKEM768",
        "hs13_resumed_mlkem",
    ),
    ("TLS 1.2 resumed (session ID)", "hs12_resumed_x25519"),
];

const CIPHERS: [(&str, &str); 3] = [
    ("AES-128-GCM", "aes128"),
    ("AES-256-GCM", "aes256"),
    ("ChaCha20-Poly1305", "chacha20"),
];

fn print_table(options: &Options, samples: &Samples) {
    let table = Table { samples };
    println!(
        "Medians of {} interleaved rounds ({} handshakes per kind, {} MiB per cipher in 16 KiB \
         writes, {} connections for memory); one process, one thread, in-memory transport.",
        options.rounds, options.handshakes, options.bulk_mib, options.connections
    );

    table.header("Handshakes per second");
    for (label, scenario) in HANDSHAKES {
        table.row(label, scenario, scenario, "per_s");
        table.row(
            "  client CPU us per handshake",
            scenario,
            scenario,
            "client_us",
        );
        table.row(
            "  server CPU us per handshake",
            scenario,
            scenario,
            "server_us",
        );
    }

    table.header("Bulk server->client, MB/s");
    for (label, cipher) in CIPHERS {
        let bulk = format!("bulk_{cipher}");
        let copy_free = format!("bulk_{cipher}_copyfree");
        for (what, metric) in [("send", "send_MBps"), ("receive", "recv_MBps")] {
            table.row(&format!("{label} {what}"), &bulk, &bulk, metric);
        }
        table.row(&format!("{label} send+receive"), &bulk, &bulk, "MBps");
        table.row(
            &format!("{label} copy-free send+receive"),
            &copy_free,
            &bulk,
            "MBps",
        );
    }

    table.header("AEAD limit (seal+open 16 KiB), MB/s");
    for (label, cipher) in CIPHERS {
        let aead = format!("aead_{cipher}");
        // ftls, rustls and rustls-ffi share aws-lc: their limit is the one rustls-bench
        // measured.
        let aws_lc = table.get("rustls", &aead, "MBps");
        let openssl = table.get("openssl", &aead, "MBps");
        println!(
            "{:<40} {:>10} {:>10} {:>10} {:>10}",
            label,
            value(aws_lc),
            value(openssl),
            value(aws_lc),
            value(aws_lc)
        );
    }

    table.header("Bulk send+receive / AEAD limit");
    for (label, cipher) in CIPHERS {
        let aead = format!("aead_{cipher}");
        let fraction = |implementation: &str, scenario: &str, limit_of: &str| match (
            table.get(implementation, scenario, "MBps"),
            table.get(limit_of, &aead, "MBps"),
        ) {
            (Some(bulk), Some(limit)) => format!("{:.2}", bulk / limit),
            _ => "n/a".to_string(),
        };
        let bulk = format!("bulk_{cipher}");
        let copy_free = format!("bulk_{cipher}_copyfree");
        println!(
            "{:<40} {:>10} {:>10} {:>10} {:>10}",
            label,
            fraction("ftls", &bulk, "rustls"),
            fraction("openssl", &bulk, "openssl"),
            fraction("rustls", &bulk, "rustls"),
            fraction("rustls-ffi", &bulk, "rustls")
        );
        println!(
            "{:<40} {:>10} {:>10} {:>10} {:>10}",
            format!("{label} copy-free"),
            fraction("ftls", &copy_free, "rustls"),
            "",
            "",
            fraction("rustls-ffi", &copy_free, "rustls")
        );
    }

    table.header("Memory per connection, bytes");
    for (label, metric) in [
        ("client (after traffic)", "client_B"),
        ("server (after traffic)", "server_B"),
        ("client+server, after the handshake", "pair_B"),
        ("client+server, idle after 16 KiB each way", "pair_idle_B"),
    ] {
        table.row(label, "memory", "memory", metric);
    }

    println!();
    println!("Threads (ftls, full TLS 1.3 X25519 handshakes, one config shared)");
    for (label, metric) in [
        ("  1 thread, handshakes/s", "one_per_s"),
        ("  2 threads, handshakes/s", "two_per_s"),
        ("  2 threads / 1 thread", "scaling"),
    ] {
        println!(
            "{label:<40} {:>10}",
            value(table.get("ftls", "threads", metric))
        );
    }

    print_openssl_on_ftls(&table);

    if options.jemalloc.is_some() {
        println!();
        println!(
            "{:<40} {:>10} {:>10} {:>9}",
            "Allocator (ftls bulk send+receive, MB/s)", "glibc", "jemalloc", "je/glibc"
        );
        for (label, cipher) in CIPHERS {
            for (suffix, kind) in [("", ""), ("_copyfree", " copy-free")] {
                let scenario = format!("bulk_{cipher}{suffix}");
                let glibc = table.get("ftls", &scenario, "MBps");
                let jemalloc = table.get("ftls-jemalloc", &scenario, "MBps");
                let ratio = match (glibc, jemalloc) {
                    (Some(g), Some(j)) => format!("{:.2}", j / g),
                    _ => "n/a".to_string(),
                };
                println!(
                    "{:<40} {:>10} {:>10} {:>9}",
                    format!("{label}{kind}"),
                    value(glibc),
                    value(jemalloc),
                    ratio
                );
            }
        }
    }
}

/// bench/openssl_bench.c built unchanged against the OpenSSL-compatible library, beside ftls'
/// own C API: the target is at least 0.95 of ftls on every handshake kind and on bulk, and at
/// most 1.25 of its memory per connection.
fn print_openssl_on_ftls(table: &Table) {
    println!();
    println!(
        "{:<40} {:>10} {:>10} {:>9}",
        "OpenSSL API on ftls (per s, MB/s, bytes)", "ossl-api", "ftls", "api/ftls"
    );
    let row = |label: &str, scenario: &str, metric: &str| {
        let api = table.get("openssl-on-ftls", scenario, metric);
        let ftls = table.get("ftls", scenario, metric);
        let ratio = match (api, ftls) {
            (Some(a), Some(f)) if f != 0.0 => format!("{:.2}", a / f),
            _ => "n/a".to_string(),
        };
        println!(
            "{label:<40} {:>10} {:>10} {:>9}",
            value(api),
            value(ftls),
            ratio
        );
    };
    for (label, scenario) in HANDSHAKES {
        row(label, scenario, "per_s");
    }
    for (label, cipher) in CIPHERS {
        row(
            &format!("{label} send+receive"),
            &format!("bulk_{cipher}"),
            "MBps",
        );
    }
    row("client+server, after the handshake", "memory", "pair_B");
    row(
        "client+server, idle after 16 KiB each way",
        "memory",
        "pair_idle_B",
    );
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("bench: {err}");
            eprintln!(
                "usage: bench [--rounds N] [--handshakes N] [--bulk-mib N] [--connections N] \
                 [--jemalloc LIB] BUILD"
            );
            return ExitCode::from(1);
        }
    };
    match measure(&options) {
        Ok(samples) => {
            print_table(&options, &samples);
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("bench: {err}");
            ExitCode::from(2)
        }
    }
}

fn measure(options: &Options) -> Result<Samples, Failure> {
    let here = std::env::current_exe()?;
    let rustls = here.with_file_name("rustls-bench");
    let ftls = options.build.join("bench/ftls_bench");
    let openssl = options.build.join("bench/openssl_bench");
    let rustls_ffi = options.build.join("bench/rustls_ffi_bench");
    let openssl_on_ftls = options.build.join("bench/openssl_on_ftls_bench");
    let mut programs: Vec<(&Path, &str, Option<&Path>)> = vec![
        (&ftls, "ftls", None),
        (&openssl, "openssl", None),
        (&rustls, "rustls", None),
        (&rustls_ffi, "rustls-ffi", None),
        (&openssl_on_ftls, "openssl-on-ftls", None),
    ];
    if let Some(jemalloc) = &options.jemalloc {
        programs.push((&ftls, "ftls-jemalloc", Some(jemalloc)));
    }
    let mut samples = Samples::new();
    for round in 0..options.rounds {
        eprintln!("bench: round {} of {}", round + 1, options.rounds);
        // Interleaved, each round starting with the next program: drift on the machine
        // spreads over all of them.
        for i in 0..programs.len() {
            let (program, name, preload) = programs[(round + i) % programs.len()];
            run(program, name, preload, Part::Speed, options, &mut samples)?;
            if preload.is_none() {
                run(program, name, None, Part::Memory, options, &mut samples)?;
            }
        }
    }
    Ok(samples)
}
