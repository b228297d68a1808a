//! Shared by the compatibility library's tests: builds the OpenSSL-shaped root once per test
//! binary, compiles C programs against it, runs tools with clear failures (never a skip).

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The repository (the workspace root).
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("compat/ is inside the repository")
}

pub fn provider() -> &'static str {
    if cfg!(feature = "ring") {
        "ring"
    } else {
        "aws-lc-rs"
    }
}

/// The build root `make openssl-root PROVIDER=...` lays out.
pub fn openssl_root() -> PathBuf {
    match provider() {
        "aws-lc-rs" => repo_root().join("build/openssl"),
        other => repo_root().join("build").join(other).join("openssl"),
    }
}

/// Runs `make openssl-root` once per test binary (cargo does nothing when it is current).
pub fn ensure_root() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let output = Command::new("make")
            .args(["-s", "openssl-root"])
            .arg(format!("PROVIDER={}", provider()))
            .current_dir(repo_root())
            .output()
            .expect("make must be installed to build the OpenSSL-shaped root");
        assert!(
            output.status.success(),
            "make openssl-root failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    });
}

/// Runs a tool and returns its stdout; panics with the tool's stderr when it fails.
pub fn run_tool(command: &mut Command, what: &str) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what} must be installed (make tools): {e}"));
    assert!(
        output.status.success(),
        "{what} failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Compiles compat/tests/c/NAME.c (strict C99) against the root into the target directory;
/// returns the program's path.
pub fn build_c_program(name: &str) -> PathBuf {
    ensure_root();
    let root = openssl_root();
    let out_dir = repo_root().join("target/compat-tests");
    std::fs::create_dir_all(&out_dir).expect("target/ is writable");
    let program = out_dir.join(format!("{name}-{}", provider()));
    let source = repo_root().join("compat/tests/c").join(format!("{name}.c"));
    let lib = root.join("lib");
    let output = Command::new("cc")
        .args([
            "-std=c99",
            "-Wall",
            "-Wextra",
            "-Wpedantic",
            "-Werror",
            "-g",
        ])
        .arg("-D_POSIX_C_SOURCE=200809L")
        .arg(format!("-I{}", root.join("include").display()))
        .arg(&source)
        .arg("-o")
        .arg(&program)
        .arg(format!("-L{}", lib.display()))
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .args(["-lssl", "-lcrypto", "-lpthread"])
        .output()
        .expect("cc must be installed (make tools)");
    assert!(
        output.status.success(),
        "compiling {} failed:\n{}",
        source.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    program
}

/// Runs a program, returning its output (status unchecked).
pub fn run(program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()))
}
