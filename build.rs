//! Generates `include/ftls.h` from the `extern "C"` functions in `src/capi` with cbindgen.
//! The header is committed; CI checks the committed copy equals what this script writes.
//! It is the same for every crypto provider: nothing in `src/capi` depends on the choice.
//!
//! Also: checks that exactly one crypto provider is chosen, tells `ftls_version()` which one
//! and the locked versions, and gives the shared library its soname.

use std::{env, fs, path::Path};

fn main() {
    let crate_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=Cargo.lock");
    export_dependency_versions(Path::new(&crate_dir), provider());
    // Without its C API, ftls is only a Rust dependency (of the OpenSSL-compatible library,
    // which names its own shared library): cargo passes a dependency's cdylib link arguments
    // on to the dependent's link, so the soname is set only when ftls is the C library.
    if env::var_os("CARGO_FEATURE_CAPI").is_some() {
        set_soname();
    }

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

/// The crypto provider's crate, from the cargo features: exactly one of them, or the build
/// stops here with a message saying how to choose (rather than with a rustc error deep inside).
fn provider() -> &'static str {
    let chosen: Vec<&str> = [
        ("aws-lc-rs", "CARGO_FEATURE_AWS_LC_RS"),
        ("ring", "CARGO_FEATURE_RING"),
    ]
    .into_iter()
    .filter(|(_, var)| env::var_os(var).is_some())
    .map(|(krate, _)| krate)
    .collect();
    match chosen[..] {
        [krate] => krate,
        _ => panic!(
            "ftls needs exactly one crypto provider feature, got {chosen:?}: `aws-lc-rs` (the \
             default) or `ring` (`--no-default-features --features ring`)"
        ),
    }
}

/// Makes the names and versions of rustls and the crypto provider, as locked, available to
/// `ftls_version()` through `env!`.
fn export_dependency_versions(crate_dir: &Path, provider: &str) {
    let lock = fs::read_to_string(crate_dir.join("Cargo.lock")).unwrap_or_default();
    let rustls = locked_version(&lock, "rustls");
    println!("cargo:rustc-env=FTLS_RUSTLS_VERSION={rustls}");
    println!("cargo:rustc-env=FTLS_PROVIDER={provider}");
    let provider_version = locked_version(&lock, provider);
    println!("cargo:rustc-env=FTLS_PROVIDER_VERSION={provider_version}");
}

/// The soname is `libftls.so.MAJOR` (`libftls.so.0` for every 0.x release): what programs
/// record as their dependency. Set here, at link time, so the library cargo builds, the one
/// `make` stages in build/lib and the installed one all carry it. README.md ("Install") gives
/// the rule for when it changes.
fn set_soname() {
    let is_elf = env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|family| family == "unix")
        && env::var("CARGO_CFG_TARGET_VENDOR").is_ok_and(|vendor| vendor != "apple");
    if is_elf {
        let major =
            env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libftls.so.{major}");
    }
}

fn locked_version(lock: &str, krate: &str) -> String {
    let marker = format!("name = \"{krate}\"\nversion = \"");
    lock.find(&marker)
        .and_then(|at| lock[at + marker.len()..].split('"').next())
        .unwrap_or("unknown")
        .to_owned()
}
