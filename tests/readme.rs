//! The README's example is real code: its HTTPS GET block must be `c-examples/https-get.c`
//! itself, which `make` builds as strict C99 and this runs against `tls-server`, so the first
//! thing a new user copies always works. And the README and docs/ hold together: every link
//! between them leads to a file and a heading that exist.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
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

/// tls-server on a free port, exiting 0 by itself after `conns` connections.
fn tls_server(conns: &str) -> Server {
    let mut server = support::tls_server_command();
    server
        .args(["--cert", &cert("server.pem"), "--key", &cert("server.key")])
        .args(["--port", "0", "--max-conns", conns]);
    Server::start(server)
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

/// README.md and every page of docs/.
fn documentation_pages() -> Vec<PathBuf> {
    let root = support::root();
    let mut pages = vec![root.join("README.md")];
    let docs = std::fs::read_dir(root.join("docs")).expect("the docs/ directory");
    for entry in docs {
        let path = entry.expect("a docs/ entry").path();
        if path.extension().is_some_and(|ext| ext == "md") {
            pages.push(path);
        }
    }
    pages.sort();
    pages
}

/// The anchor a Markdown renderer (GitHub's) gives a heading: lower case, punctuation dropped,
/// spaces as hyphens.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The anchors of a page's headings (outside code blocks).
fn anchors(page: &str) -> BTreeSet<String> {
    let mut in_code = false;
    let mut found = BTreeSet::new();
    for line in page.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            found.insert(anchor(line.trim_start_matches('#')));
        }
    }
    found
}

/// The targets of a page's inline links `[text](target)` that stay inside the repository.
fn local_links(page: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = &rest[..end];
        if !target.contains("://") && !target.contains(' ') {
            links.push(target.to_owned());
        }
    }
    links
}

#[test]
fn every_link_between_the_readme_and_docs_leads_somewhere() {
    let pages = documentation_pages();
    let mut problems = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).expect("a documentation page");
        let dir = page.parent().expect("a page's directory");
        for link in local_links(&text) {
            let (file, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let target: &Path = if file.is_empty() {
                page
            } else {
                &dir.join(file)
            };
            let name = page.file_name().expect("a file name").to_string_lossy();
            let Ok(target_text) = std::fs::read_to_string(target) else {
                problems.push(format!("{name}: ({link}): no such file"));
                continue;
            };
            if !fragment.is_empty() && !anchors(&target_text).contains(fragment) {
                problems.push(format!("{name}: ({link}): no heading with that anchor"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_readme_leads_to_every_page_of_docs() {
    let readme = std::fs::read_to_string(support::root().join("README.md")).expect("README.md");
    let linked: BTreeSet<String> = local_links(&readme).into_iter().collect();
    for page in documentation_pages()
        .iter()
        .filter(|p| !p.ends_with("README.md"))
    {
        let name = page.file_name().expect("a file name").to_string_lossy();
        let target = format!("docs/{name}");
        assert!(
            linked
                .iter()
                .any(|link| link.split('#').next() == Some(&target)),
            "README.md does not link to {target}"
        );
    }
}

#[test]
fn anchors_are_made_as_markdown_renderers_make_them() {
    assert_eq!(
        anchor(" I/O: file descriptors or callbacks"),
        "io-file-descriptors-or-callbacks"
    );
    assert_eq!(anchor(" Fuzzing (`make fuzz`)"), "fuzzing-make-fuzz");
    assert_eq!(
        local_links("see [a](docs/a.md#x) and [b](https://example.com) and [c](#y)"),
        ["docs/a.md#x", "#y"]
    );
}
