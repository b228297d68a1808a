//! Replays the fuzz targets' inputs through their harnesses on the stable toolchain, in
//! `make test`: the seeds (made here, as `make fuzz` makes them) and every committed
//! regression input (`regressions/<target>/`, one file per input a campaign found crashing,
//! hanging or leaking). Any panic, abort or sanitizer report fails it.

use std::path::Path;

fn replay(target: &str) {
    let (_, harness) = ftls_fuzz::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .expect("a known target");
    let seeds = ftls_fuzz::seeds::seeds(target);
    assert!(!seeds.is_empty(), "{target} has no seeds");
    for (name, input) in &seeds {
        eprintln!("{target}: seed {name} ({} bytes)", input.len());
        harness(input);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // no regression input yet
    };
    for entry in entries {
        let path = entry.expect("list the regression inputs").path();
        let input = std::fs::read(&path).expect("read a regression input");
        eprintln!("{target}: regression {}", path.display());
        harness(&input);
    }
}

#[test]
fn server_connection() {
    replay("server_connection");
}

#[test]
fn client_connection() {
    replay("client_connection");
}

#[test]
fn key_and_certificate_loaders() {
    replay("key_and_certificate_loaders");
}

#[test]
fn certificate_inspection() {
    replay("certificate_inspection");
}

#[test]
fn handshake_observer() {
    replay("handshake_observer");
}

#[test]
fn c_api_calls() {
    replay("c_api_calls");
}

#[test]
fn openssl_decoders() {
    replay("openssl_decoders");
}

#[test]
fn openssl_connection() {
    replay("openssl_connection");
}

#[test]
fn every_target_is_replayed() {
    let names: Vec<&str> = ftls_fuzz::TARGETS.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        [
            "server_connection",
            "client_connection",
            "key_and_certificate_loaders",
            "certificate_inspection",
            "handshake_observer",
            "c_api_calls",
            "openssl_decoders",
            "openssl_connection"
        ]
    );
}
