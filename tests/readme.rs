//! The README's programs are real code. The minimal client is compiled as strict C99 exactly as
//! printed and run against `tls-server`, so the first thing a new user copies always works; the
//! HTTPS GET block must be `c-examples/https-get.c` itself, which `make` builds and this runs.

mod support;

use std::process::Command;
use support::{cert, example, run_with_timeout, stderr_text, stdout_text, wrapped, Server};

/// The C block that follows the `<!-- {marker}` comment in README.md.
fn readme_block(marker: &str) -> String {
    let readme = std::fs::read_to_string(support::root().join("README.md")).expect("README.md");
    let at = readme
        .find(&format!("<!-- {marker}"))
        .unwrap_or_else(|| panic!("README.md marks a C block with <!-- {marker} ... -->"));
    let after = &readme[at..];
    let start = after.find("```c\n").expect("a ```c block after the marker") + "```c\n".len();
    let length = after[start..].find("```").expect("the block is closed");
    after[start..start + length].to_owned()
}

fn compile_readme_client() -> std::path::PathBuf {
    support::ensure_built();
    let dir = support::build_dir().join("tests");
    std::fs::create_dir_all(&dir).expect("mkdir build/tests");
    let source = dir.join("readme_client.c");
    std::fs::write(&source, readme_block("readme-client")).expect("write readme_client.c");
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

/// tls-server on a free port, exiting 0 by itself after `conns` connections.
fn tls_server(conns: &str) -> Server {
    let mut server = support::tls_server_command();
    server
        .args(["--cert", &cert("server.pem"), "--key", &cert("server.key")])
        .args(["--port", "0", "--max-conns", conns]);
    Server::start(server)
}

#[test]
fn the_readme_client_compiles_and_fetches_a_page() {
    let binary = compile_readme_client();
    let server = tls_server("2");
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

#[test]
fn the_readme_https_get_is_c_examples_https_get() {
    let file = std::fs::read_to_string(support::root().join("c-examples/https-get.c"))
        .expect("c-examples/https-get.c");
    let block = readme_block("https-get");
    let first_difference = file
        .lines()
        .zip(block.lines())
        .position(|(a, b)| a != b)
        .map_or("the length".to_owned(), |line| format!("line {}", line + 1));
    assert!(
        block == file,
        "README.md's https-get block differs from c-examples/https-get.c at {first_difference}: \
         copy the file into the README"
    );
}

#[test]
fn https_get_fetches_a_page_and_names_what_went_wrong() {
    let server = tls_server("3");
    let port = server.port.to_string();
    let https_get = |args: &[&str]| {
        run_with_timeout(
            wrapped(&example("https-get")).args(args),
            support::deadline(),
        )
    };

    let output = https_get(&["localhost", &port, "/", &cert("ca.pem")]);
    let page = stdout_text(&output);
    assert!(
        output.status.success() && page.starts_with("HTTP/1.1 200 OK\r\n"),
        "status {}: {}\n{page}",
        output.status,
        stderr_text(&output)
    );
    assert!(page.contains("Protocol: TLSv1.3"), "{page}");

    // A CA that did not sign the server; then the default, the Mozilla roots, which do not know
    // the test CA either. Both fail with the certificate problem named.
    for args in [
        vec!["localhost", &port, "/", &cert("other-ca.pem")],
        vec!["localhost", &port],
    ] {
        let output = https_get(&args);
        let stderr = stderr_text(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("https-get: localhost: ")
                && stderr.contains("FTLS_ERR_CERT_UNKNOWN_ISSUER"),
            "{args:?}: {stderr}"
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
    assert!(server.wait().success());

    // Nobody listens there any more.
    let output = https_get(&["localhost", &port, "/", &cert("ca.pem")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_text(&output).contains("cannot connect to localhost port"),
        "{}",
        stderr_text(&output)
    );
    let output = https_get(&[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_text(&output).contains("usage: https-get HOST"));
}
