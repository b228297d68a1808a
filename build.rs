//! Generates `include/ftls.h` from the `extern "C"` functions in `src/capi` with cbindgen.
//! The header is committed; CI checks the committed copy equals what this script writes.

use std::{env, fs, path::Path};

fn main() {
    let crate_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=Cargo.lock");
    export_dependency_versions(Path::new(&crate_dir));

    let config = cbindgen::Config::from_file(Path::new(&crate_dir).join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    let header = match cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
    {
        Ok(bindings) => {
            let mut out = Vec::new();
            bindings.write(&mut out);
            out
        }
        // A syntax error in src/ is reported better by rustc than by cbindgen: let it fail there.
        Err(err) => {
            println!("cargo:warning=ftls.h not regenerated: {err}");
            return;
        }
    };

    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out_dir).join("ftls.h"), &header).expect("OUT_DIR is writable");

    // Rewrite the committed header only when it changed, so its timestamp (and make) stay calm.
    let committed = Path::new(&crate_dir).join("include/ftls.h");
    if fs::read(&committed).ok().as_deref() != Some(&header[..]) {
        let tmp = committed.with_extension(format!("h.{}", std::process::id()));
        fs::write(&tmp, &header).expect("include/ is writable");
        fs::rename(&tmp, &committed).expect("include/ is writable");
    }
}

/// Makes the versions of rustls and the crypto provider, as locked, available to
/// `ftls_version()` through `env!`.
fn export_dependency_versions(crate_dir: &Path) {
    let lock = fs::read_to_string(crate_dir.join("Cargo.lock")).unwrap_or_default();
    for (krate, var) in [
        ("rustls", "FTLS_RUSTLS_VERSION"),
        ("aws-lc-rs", "FTLS_AWS_LC_RS_VERSION"),
    ] {
        println!("cargo:rustc-env={var}={}", locked_version(&lock, krate));
    }
}

fn locked_version(lock: &str, krate: &str) -> String {
    let marker = format!("name = \"{krate}\"\nversion = \"");
    lock.find(&marker)
        .and_then(|at| lock[at + marker.len()..].split('"').next())
        .unwrap_or("unknown")
        .to_owned()
}
