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
    let lib = root.join("lib");
    compile(
        name,
        &format!("ftls-{}", provider()),
        &[format!("-I{}", root.join("include").display())],
        &[
            format!("-L{}", lib.display()),
            format!("-Wl,-rpath,{}", lib.display()),
        ],
    )
}

/// The same program built against the system's OpenSSL (libssl-dev), for comparisons.
pub fn build_c_program_with_openssl(name: &str) -> PathBuf {
    ensure_tools(&["cc", "openssl/ssl.h"]);
    compile(name, "openssl", &[], &[])
}

/// Installs what the tests need (scripts/need-tools).
pub fn ensure_tools(tools: &[&str]) {
    let output = Command::new(repo_root().join("scripts/need-tools"))
        .args(tools)
        .output()
        .expect("scripts/need-tools runs");
    assert!(
        output.status.success(),
        "scripts/need-tools {tools:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Compiles once per test process (tests run in parallel and share programs); the binary is
/// written under a temporary name and renamed, so that no test runs a half-written file.
fn compile(name: &str, flavour: &str, includes: &[String], libs: &[String]) -> PathBuf {
    static BUILT: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|p| p.into_inner());
    let out_dir = repo_root().join("target/compat-tests");
    std::fs::create_dir_all(&out_dir).expect("target/ is writable");
    let program = out_dir.join(format!("{name}-{flavour}"));
    if built.contains(&program) {
        return program;
    }
    let partial = out_dir.join(format!("{name}-{flavour}.{}", std::process::id()));
    let source = repo_root().join("compat/tests/c").join(format!("{name}.c"));
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
        .args(includes)
        .arg(&source)
        .arg("-o")
        .arg(&partial)
        .args(libs)
        .args(["-lssl", "-lcrypto", "-lpthread"])
        .output()
        .expect("cc must be installed (make tools)");
    assert!(
        output.status.success(),
        "compiling {} failed:\n{}",
        source.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::rename(&partial, &program).expect("target/ is writable");
    built.push(program.clone());
    program
}

/// Runs a program, returning its output (status unchecked).
pub fn run(program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()))
}

/// The test certificates (tools/mkcerts.rs, made by `make build/certs/server.pem`).
pub fn certs_dir() -> PathBuf {
    static MADE: OnceLock<()> = OnceLock::new();
    let dir = match provider() {
        "aws-lc-rs" => repo_root().join("build/certs"),
        other => repo_root().join("build").join(other).join("certs"),
    };
    MADE.get_or_init(|| {
        let target = dir.join("server.pem");
        let relative = target
            .strip_prefix(repo_root())
            .expect("inside the repository");
        let output = Command::new("make")
            .arg("-s")
            .arg(relative)
            .arg(format!("PROVIDER={}", provider()))
            .current_dir(repo_root())
            .output()
            .expect("make runs");
        assert!(
            output.status.success(),
            "making the test certificates failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    });
    dir
}

/// An error-queue line with what OpenSSL itself varies masked: the thread id, the function,
/// the source file and line. Other lines are unchanged.
pub fn normalise(line: &str) -> String {
    let fields: Vec<&str> = line.splitn(9, ':').collect();
    if fields.len() == 9 && fields[1] == "error" {
        format!(
            "TID:error:{}:{}:FUNC:{}:FILE:LINE:{}",
            fields[2], fields[3], fields[5], fields[8]
        )
    } else {
        line.to_owned()
    }
}
