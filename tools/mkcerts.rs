//! Writes the throwaway test certificates: `cargo run --release --example mkcerts -- DIR`.
//!
//! The work is in the test PKI crate (tools/test-pki), which the tests use too.

use ftls_test_pki as certs;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let [dir] = &args[..] else {
        eprintln!("usage: mkcerts DIR");
        eprintln!("(re)writes the ftls test CA, server and client certificates and keys into DIR");
        return ExitCode::from(1);
    };
    let dir = PathBuf::from(dir);

    if let Err(e) = certs::generate(&dir) {
        eprintln!(
            "mkcerts: could not write certificates to {}: {e}",
            dir.display()
        );
        return ExitCode::from(2);
    }
    for name in certs::FILES {
        println!("{}", dir.join(name).display());
    }
    ExitCode::SUCCESS
}
