//! The OpenSSL-compatible library as an OpenSSL project takes it: tests/compat/consumers/app.c
//! built unchanged three ways — CMake's own FindOpenSSL (`-DOPENSSL_ROOT_DIR`), pkg-config
//! (`PKG_CONFIG_PATH`), a plain Makefile (`-I -L -rpath -lssl -lcrypto`) — against the build
//! tree's root (build/openssl/) and against the root `make install` puts at
//! PREFIX/lib/ftls-openssl/. Each binary must load the compatibility library, never the
//! system's OpenSSL, say it runs on ftls, and complete a request to tls-server.
//!
//! Needs cmake and pkg-config: `make test` installs them (scripts/need-tools).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use support::{build_dir, cert, deadline, root, run_tool, ExampleServer};

fn consumer_source() -> PathBuf {
    root().join("tests/compat/consumers")
}

/// The root in the build tree, as `make all` leaves it.
fn build_tree_root() -> PathBuf {
    support::ensure_built();
    present(build_dir().join("openssl"), "`make all`")
}

/// The root itself, or a failure naming what is missing and what should have made it (else
/// every tool would quietly fall back to the system's OpenSSL).
fn present(root: PathBuf, maker: &str) -> PathBuf {
    for needed in [
        "include/openssl/ssl.h",
        "lib/libssl.so",
        "lib/pkgconfig/openssl.pc",
    ] {
        assert!(
            root.join(needed).exists(),
            "{} is missing: {maker} should have made it",
            root.join(needed).display()
        );
    }
    root
}

/// The root `make install PREFIX=...` installs, once per test binary.
fn installed_root() -> PathBuf {
    static PREFIX: OnceLock<PathBuf> = OnceLock::new();
    let prefix = PREFIX.get_or_init(|| {
        support::ensure_built();
        let prefix = build_dir().join("compat-consumers").join("prefix");
        let _ = std::fs::remove_dir_all(&prefix);
        run_tool(
            Command::new("make")
                .args(["-s", "install"])
                .arg(format!("PROVIDER={}", support::provider()))
                .arg(format!("PREFIX={}", prefix.display()))
                .current_dir(root()),
            "make install",
        );
        prefix
    });
    present(
        prefix.join("lib").join("ftls-openssl"),
        "`make install PREFIX=...`",
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = build_dir().join("compat-consumers").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir a scratch directory");
    dir
}

/// Runs the built app against tls-server with `env` and checks what it says and what it loads.
fn run_app(app: &Path, root: &Path, env: &[(&str, &Path)]) {
    let lib = root.join("lib");
    let mut ldd = Command::new("ldd");
    ldd.arg(app);
    for (key, value) in env {
        ldd.env(key, value);
    }
    let loaded = run_tool(&mut ldd, "ldd");
    for line in loaded
        .lines()
        .filter(|line| line.contains("libssl") || line.contains("libcrypto"))
    {
        assert!(
            line.contains(&*lib.to_string_lossy()),
            "{} loads OpenSSL from outside {}: {line}\n{loaded}",
            app.display(),
            lib.display()
        );
    }

    let server = ExampleServer::start(&[
        "--cert",
        &cert("server.pem"),
        "--key",
        &cert("server.key"),
        "--max-conns",
        "1",
    ]);
    let mut cmd = Command::new(app);
    cmd.args(["127.0.0.1", &server.port(), &cert("ca.pem")]);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = support::run_with_timeout(&mut cmd, deadline());
    let stdout = support::stdout_text(&output);
    let context = format!("{stdout}\n{}", support::stderr_text(&output));
    assert!(output.status.success(), "{}: {context}", app.display());
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.contains("running on") && first.to_ascii_lowercase().contains("ftls"),
        "the app does not say it runs on ftls: {context}"
    );
    assert!(
        stdout.contains("connected: TLSv1.3") && stdout.contains("HTTP/1.1 200 OK"),
        "no complete request: {context}"
    );
    server.finish();
}

/// The unchanged CMake project, configured with -DOPENSSL_ROOT_DIR: FindOpenSSL must pick the
/// root's libraries and parse its version.
fn cmake_consumer(root_dir: &Path, name: &str) {
    let build = scratch(name);
    let configure = run_tool(
        Command::new("cmake")
            .arg("-S")
            .arg(consumer_source())
            .arg("-B")
            .arg(&build)
            .arg(format!("-DOPENSSL_ROOT_DIR={}", root_dir.display())),
        "cmake configure",
    );
    let lib = root_dir.join("lib");
    let found = configure
        .lines()
        .find(|line| line.contains("-- OpenSSL "))
        .unwrap_or_else(|| panic!("no OpenSSL status line:\n{configure}"));
    assert!(
        found.contains(&format!("{}/libssl", lib.display()))
            && found.contains(&format!("{}/libcrypto", lib.display())),
        "FindOpenSSL did not pick the root's libraries: {found}"
    );
    assert!(
        found.starts_with("-- OpenSSL 3."),
        "FindOpenSSL did not parse a 3.x version from the root's opensslv.h: {found}"
    );
    run_tool(
        Command::new("cmake").arg("--build").arg(&build),
        "cmake build",
    );
    run_app(&build.join("app"), root_dir, &[]);
}

/// The plain Makefile: -I, -L and -rpath into the root.
fn makefile_consumer(root_dir: &Path, name: &str) {
    let build = scratch(name);
    run_tool(
        Command::new("make")
            .arg("-f")
            .arg(consumer_source().join("Makefile"))
            .arg(format!("SRC={}", consumer_source().display()))
            .arg(format!("R={}", root_dir.display()))
            .arg("app-plain")
            .current_dir(&build),
        "make app-plain",
    );
    run_app(&build.join("app-plain"), root_dir, &[]);
}

/// pkg-config with PKG_CONFIG_PATH=ROOT/lib/pkgconfig; the program then runs as programs built
/// against a library outside the system's paths do, with LD_LIBRARY_PATH.
fn pkgconfig_consumer(root_dir: &Path, name: &str) {
    let build = scratch(name);
    let pc_path = root_dir.join("lib").join("pkgconfig");
    for module in ["openssl", "libssl", "libcrypto"] {
        let libs = run_tool(
            Command::new("pkg-config")
                .args(["--libs", module])
                .env("PKG_CONFIG_PATH", &pc_path),
            "pkg-config --libs",
        );
        assert!(
            libs.contains(&format!("-L{}", root_dir.join("lib").display())),
            "{module}.pc does not point into the root: {libs}"
        );
    }
    run_tool(
        Command::new("make")
            .arg("-f")
            .arg(consumer_source().join("Makefile"))
            .arg(format!("SRC={}", consumer_source().display()))
            .arg("app-pkgconfig")
            .env("PKG_CONFIG_PATH", &pc_path)
            .current_dir(&build),
        "make app-pkgconfig",
    );
    let lib = root_dir.join("lib");
    run_app(
        &build.join("app-pkgconfig"),
        root_dir,
        &[("LD_LIBRARY_PATH", &lib)],
    );
}

#[test]
fn cmake_find_package_against_the_build_tree_root() {
    cmake_consumer(&build_tree_root(), "cmake-build-tree");
}

#[test]
fn cmake_find_package_against_the_installed_root() {
    cmake_consumer(&installed_root(), "cmake-installed");
}

#[test]
fn plain_makefile_against_the_build_tree_root() {
    makefile_consumer(&build_tree_root(), "make-build-tree");
}

#[test]
fn plain_makefile_against_the_installed_root() {
    makefile_consumer(&installed_root(), "make-installed");
}

#[test]
fn pkg_config_against_the_build_tree_root() {
    pkgconfig_consumer(&build_tree_root(), "pkgconfig-build-tree");
}

#[test]
fn pkg_config_against_the_installed_root() {
    pkgconfig_consumer(&installed_root(), "pkgconfig-installed");
}
