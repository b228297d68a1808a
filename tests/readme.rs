//! The README's minimal client is real code: it is compiled as strict C99 exactly as printed and
//! run against `tls-server`, so the first thing a new user copies always works.

mod support;

use std::process::Command;
use support::{cert, example, run_with_timeout, stderr_text, stdout_text, wrapped, Server};

/// The C block that follows the `<!-- readme-client` marker in README.md.
fn readme_client_source() -> String {
    let readme = std::fs::read_to_string(support::root().join("README.md")).expect("README.md");
    let marker = readme
        .find("<!-- readme-client")
        .expect("README.md marks its minimal client with <!-- readme-client ... -->");
    let after = &readme[marker..];
    let start = after.find("```c\n").expect("a ```c block after the marker") + "```c\n".len();
    let length = after[start..].find("```").expect("the block is closed");
    after[start..start + length].to_owned()
}

fn compile_readme_client() -> std::path::PathBuf {
    support::ensure_built();
    let dir = support::build_dir().join("tests");
    std::fs::create_dir_all(&dir).expect("mkdir build/tests");
    let source = dir.join("readme_client.c");
    std::fs::write(&source, readme_client_source()).expect("write readme_client.c");
    let binary = dir.join("readme_client");
    let lib = support::build_dir().join("lib");
    let output = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror"])
        // The snippet uses getaddrinfo: POSIX, as any networked C program.
        .arg("-D_POSIX_C_SOURCE=200809L")
        .arg("-I")
        .arg(support::root().join("include"))
        .arg(&source)
        .arg("-o")
        .arg(&binary)
        .arg("-L")
        .arg(&lib)
        .arg("-lftls")
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .output()
        .expect("a C compiler (cc) must be installed");
    assert!(
        output.status.success(),
        "the README's client does not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    binary
}

#[test]
fn the_readme_client_compiles_and_fetches_a_page() {
    let binary = compile_readme_client();
    let mut server = wrapped(&example("tls-server"));
    server
        .args(["--cert", &cert("server.pem"), "--key", &cert("server.key")])
        .args(["--port", "0", "--max-conns", "2"]);
    let server = Server::start(server);
    let port = server.port.to_string();

    let output = run_with_timeout(
        wrapped(&binary).args(["localhost", &port, &cert("ca.pem")]),
        support::deadline(),
    );
    assert!(
        output.status.success(),
        "the README client failed: {}",
        stderr_text(&output)
    );
    let page = stdout_text(&output);
    assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");

    // Its failure path, as a new user will meet it first: a CA that did not sign the server.
    let output = run_with_timeout(
        wrapped(&binary).args(["localhost", &port, &cert("other-ca.pem")]),
        support::deadline(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_text(&output).contains("FTLS_ERR_CERT_UNKNOWN_ISSUER"),
        "{}",
        stderr_text(&output)
    );
    assert!(server.wait().success());
}
