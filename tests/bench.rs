//! `make bench` still works: the four benchmark programs build and run with tiny counts, and
//! the driver prints the whole table. A smoke test, not a measurement: no figure is checked
//! (speed is measured by running `make bench` on a quiet machine, see docs/performance.md).

mod support;

/// The table's columns after the label.
const COLUMNS: [&str; 7] = [
    "ftls",
    "openssl",
    "rustls",
    "rustls-ffi",
    "f/ossl",
    "f/rustls",
    "f/rffi",
];

use std::process::Command;
use std::time::Duration;
use support::*;

#[test]
fn benchmark_runs_with_tiny_counts_and_prints_the_table() {
    // The default provider always: the native rustls program uses aws-lc-rs directly. Release
    // builds with LTO of the library, the driver, the native rustls program and rustls-ffi:
    // minutes on a busy 2-core machine, longer than a tool's usual deadline.
    let build = run_with_timeout(
        Command::new("make")
            .args(["-s", "bench-build"])
            .current_dir(root()),
        Duration::from_secs(1200),
    );
    assert!(
        build.status.success(),
        "make bench-build failed:\n{}\n{}",
        stdout_text(&build),
        stderr_text(&build)
    );
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let driver = root().join(target).join("release/examples/bench");
    let output = run_with_timeout(
        Command::new(&driver)
            .args(["--rounds", "2", "--handshakes", "3", "--bulk-mib", "1"])
            .args(["--connections", "3"])
            .arg(root().join("build"))
            .current_dir(root()),
        deadline(),
    );
    let table = stdout_text(&output);
    assert!(
        output.status.success(),
        "the benchmark failed:\n{table}\n{}",
        stderr_text(&output)
    );
    for heading in [
        "Medians of 2 interleaved rounds",
        "Handshakes per second",
        "Bulk server->client, MB/s",
        "AEAD limit (seal+open 16 KiB), MB/s",
        "Bulk send+receive / AEAD limit",
        "Memory per connection, bytes",
        "Threads (ftls",
        "OpenSSL API on ftls",
    ] {
        assert!(table.contains(heading), "no {heading:?} in:\n{table}");
    }
    // Every row of every implementation has a number, except OpenSSL 3.0's missing
    // X25519MLKEM768 and rustls-ffi's TLS 1.3 X25519 rows (it cannot choose a key-exchange
    // group: its TLS 1.3 handshakes use X25519MLKEM768).
    for (row, missing) in [
        ("TLS 1.3 full, X25519 ", &["rustls-ffi", "f/rffi"][..]),
        ("TLS 1.2 full, X25519 ", &[]),
        (
            "TLS 1.3 resumed (ticket), X25519 ",
            &["rustls-ffi", "f/rffi"],
        ),
        ("TLS 1.2 resumed (session ID)", &[]),
        ("AES-128-GCM send+receive", &[]),
        ("ChaCha20-Poly1305 copy-free send+receive", &[]),
        ("client+server, after the handshake", &[]),
    ] {
        let line = table
            .lines()
            .find(|line| line.starts_with(row))
            .unwrap_or_else(|| panic!("no row {row:?} in:\n{table}"));
        let fields: Vec<&str> = line[40..].split_whitespace().collect();
        assert_eq!(
            fields.len(),
            COLUMNS.len(),
            "one field per column in {line:?}"
        );
        for (column, field) in COLUMNS.iter().zip(&fields) {
            assert_eq!(
                field.parse::<f64>().is_err(),
                missing.contains(column),
                "{column} in {line:?}"
            );
        }
    }
    // rustls-ffi's own TLS 1.3 rows are measured.
    for row in [
        "TLS 1.3 full, X25519MLKEM768",
        "TLS 1.3 resumed (ticket), X25519MLKEM768",
    ] {
        let line = table
            .lines()
            .find(|line| line.starts_with(row))
            .unwrap_or_else(|| panic!("no row {row:?} in:\n{table}"));
        let fields: Vec<&str> = line[40..].split_whitespace().collect();
        let at = |column| fields[COLUMNS.iter().position(|c| *c == column).unwrap()];
        assert!(
            at("rustls-ffi").parse::<f64>().is_ok(),
            "rustls-ffi in {line:?}"
        );
        assert!(at("f/rffi").parse::<f64>().is_ok(), "f/rffi in {line:?}");
    }
    // openssl_bench.c on the compatibility library: a figure and a ratio to ftls.
    let api = table
        .lines()
        .skip_while(|line| !line.starts_with("OpenSSL API on ftls"))
        .find(|line| line.starts_with("TLS 1.3 full, X25519 "))
        .unwrap_or_else(|| panic!("no OpenSSL-API-on-ftls handshake row in:\n{table}"));
    let fields: Vec<&str> = api[40..].split_whitespace().collect();
    assert!(
        fields.len() == 3 && fields.iter().all(|field| field.parse::<f64>().is_ok()),
        "three numbers in {api:?}"
    );
    let mlkem = table
        .lines()
        .find(|line| line.starts_with("TLS 1.3 full, X25519MLKEM768"))
        .expect("the X25519MLKEM768 row");
    assert!(
        mlkem.contains("n/a"),
        "OpenSSL has no X25519MLKEM768: {mlkem:?}"
    );
}
