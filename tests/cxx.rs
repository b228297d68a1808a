//! The C++ side: include/ftls.hpp compiled as C++11 and C++17 (-Wall -Wextra -Wpedantic
//! -Werror) into tests/cxx/wrapper.cpp, which checks the error model, ownership, a real
//! handshake and callbacks that throw; the C++ example, cpp-examples/tls-get.cpp, against
//! tls-server; and the user's guide's C++ snippet (docs/guide.md).

mod support;

use std::process::{Command, Output};
use support::*;

fn cxx() -> String {
    std::env::var("CXX").unwrap_or_else(|_| "c++".into())
}

/// Compiles tests/cxx/wrapper.cpp as `standard` against the built library and runs it; every
/// check must pass.
fn wrapper_passes_as(standard: &str) {
    ensure_built();
    let out = build_dir()
        .join("tests")
        .join(format!("wrapper-{standard}"));
    std::fs::create_dir_all(out.parent().expect("parent")).expect("mkdir build/tests");
    let lib = build_dir().join("lib");
    run_tool(
        Command::new(cxx())
            .arg(format!("-std={standard}"))
            .args([
                "-Wall",
                "-Wextra",
                "-Wpedantic",
                "-Werror",
                "-pthread",
                "-g",
            ])
            .arg("-I")
            .arg(root().join("include"))
            .arg(root().join("tests/cxx/wrapper.cpp"))
            .arg("-o")
            .arg(&out)
            .arg("-L")
            .arg(&lib)
            .arg("-lftls")
            .arg(format!("-Wl,-rpath,{}", lib.display())),
        &format!("compiling tests/cxx/wrapper.cpp as {standard}"),
    );

    let output = run_with_timeout(wrapped(&out).arg(cert_dir()), deadline());
    let stdout = stdout_text(&output);
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(
        output.status.success() && stdout.contains(" checks, 0 failed"),
        "wrapper ({standard}): {}\n{}\n--- stdout ---\n{stdout}\n--- stderr ---\n{}",
        output.status,
        failures.join("\n"),
        stderr_text(&output)
    );
}

#[test]
fn the_wrapper_works_as_cpp11() {
    wrapper_passes_as("c++11");
}

#[test]
fn the_wrapper_works_as_cpp17() {
    wrapper_passes_as("c++17");
}

/// Runs `tls-get --ca CA localhost PORT` against a fresh tls-server.
fn tls_get(ca: &str) -> Output {
    let mut server = Command::new(example("tls-server"));
    server.args(["--cert", &cert("server.pem"), "--key", &cert("server.key")]);
    server.args(["--port", "0"]);
    let server = Server::start(server);
    run_with_timeout(
        wrapped(&example("tls-get"))
            .args(["--ca", &cert(ca), "localhost"])
            .arg(server.port.to_string()),
        deadline(),
    )
}

#[test]
fn the_cpp_example_fetches_a_page() {
    let output = tls_get("ca.pem");
    let stderr = stderr_text(&output);
    assert!(
        output.status.success(),
        "tls-get: {}\n{stderr}",
        output.status
    );
    assert!(stdout_text(&output).starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(
        stderr.starts_with("handshake: TLSv1.3 TLS_"),
        "the negotiated parameters: {stderr}"
    );
}

#[test]
fn the_cpp_example_reports_an_untrusted_server_and_exits_2() {
    let output = tls_get("other-ca.pem");
    let stderr = stderr_text(&output);
    assert_eq!(output.status.code(), Some(2), "tls-get: {stderr}");
    assert!(stdout_text(&output).is_empty());
    assert!(
        stderr.starts_with("tls-get: the certificate is not issued by a trusted CA: ")
            && stderr
                .trim_end()
                .ends_with("(FTLS_ERR_CERT_UNKNOWN_ISSUER)")
            && stderr.lines().count() == 1,
        "one line naming the cause and its ftls_result: {stderr}"
    );
}

#[test]
fn the_cpp_example_refuses_bad_arguments_with_exit_1() {
    let output = run_with_timeout(
        wrapped(&example("tls-get")).args(["localhost", "443"]),
        deadline(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_text(&output).starts_with("usage: tls-get --ca CA.pem HOST PORT [PATH]"));
}

/// The C++ example of the user's guide (docs/guide.md, "C++"), marked `<!-- guide-cxx ... -->`.
fn guide_cxx_block() -> String {
    let guide = std::fs::read_to_string(root().join("docs/guide.md")).expect("docs/guide.md");
    let after_marker = guide
        .split_once("<!-- guide-cxx")
        .expect("docs/guide.md has a <!-- guide-cxx --> block")
        .1;
    let block = after_marker
        .split_once("```cpp\n")
        .expect("a ```cpp block follows the marker")
        .1;
    block
        .split_once("\n```")
        .expect("the block ends")
        .0
        .to_owned()
}

#[test]
fn the_guide_cpp_snippet_compiles_as_cpp11() {
    let source = build_dir().join("tests").join("guide-snippet.cpp");
    std::fs::create_dir_all(source.parent().expect("parent")).expect("mkdir build/tests");
    std::fs::write(&source, guide_cxx_block()).expect("write the snippet");
    run_tool(
        Command::new(cxx())
            .args(["-std=c++11", "-Wall", "-Wextra", "-Wpedantic", "-Werror"])
            .arg("-fsyntax-only")
            .arg("-I")
            .arg(root().join("include"))
            .arg(&source),
        "compiling docs/guide.md's C++ snippet",
    );
}
