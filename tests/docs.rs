//! The documentation: `make docs` builds the reference from include/ftls.h without a warning,
//! and a warning fails it (CI runs it); the man page generator refuses what it cannot render
//! instead of dropping it; and nothing in the tree refers to an issue by its number (say what
//! a thing is for). `tests/packaging.rs` checks the man pages `make install` installs, one per
//! function.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{root, scratch_dir, stderr_text, stdout_text};

fn run(cmd: &mut Command) -> std::process::Output {
    support::run_with_timeout(cmd, support::deadline())
}

#[test]
fn make_docs_builds_html_and_a_man_page_per_function_without_a_warning() {
    let output = run(Command::new("make")
        .args(["-s", "docs"])
        .current_dir(root()));
    assert!(
        output.status.success(),
        "make docs failed:\n{}{}",
        stdout_text(&output),
        stderr_text(&output)
    );
    assert_eq!(stderr_text(&output), "", "make docs warned");
    let docs = root().join("build/docs");
    assert!(docs.join("html/index.html").is_file());
    let reference = fs::read_to_string(docs.join("html/ftls_8h.html")).expect("ftls.h's page");
    assert!(reference.contains("ftls_connection_read"));
    for page in [
        "ftls.h.3",
        "ftls_connection_read.3",
        "ftls_verify_request.3",
    ] {
        assert!(docs.join("man/man3").join(page).is_file(), "{page}");
    }
    // The header's page quotes the contract (docs/reference.dox, from the header's comment).
    let header_page = fs::read_to_string(docs.join("man/man3/ftls.h.3")).expect("ftls.h.3");
    for words in [
        "THE CONTRACT",
        "_free(NULL) does nothing",
        "Nothing is thread-local",
    ] {
        assert!(
            header_page.contains(words),
            "ftls.h(3) does not quote the contract ({words:?} missing): see docs/reference.dox"
        );
    }
}

/// A copy of what Doxygen reads (Doxyfile, docs/reference.dox, the header), with the header
/// changed by `edit`.
fn doc_sources(name: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    let dir = scratch_dir(name);
    fs::create_dir_all(dir.join("include")).expect("mkdir include");
    fs::create_dir_all(dir.join("docs")).expect("mkdir docs");
    for file in ["Doxyfile", "docs/reference.dox"] {
        fs::copy(root().join(file), dir.join(file)).expect("copy a doc source");
    }
    let header = fs::read_to_string(root().join("include/ftls.h")).expect("include/ftls.h");
    fs::write(dir.join("include/ftls.h"), edit(header)).expect("write the header");
    dir
}

fn doxygen(dir: &Path) -> std::process::Output {
    run(Command::new("doxygen")
        .arg("Doxyfile")
        .env("FTLS_DOCS_OUT", dir.join("out"))
        .env("FTLS_VERSION", "test")
        .current_dir(dir))
}

#[test]
fn a_warning_of_the_generator_fails_the_docs() {
    let field = "  size_t len;\n} ftls_bytes;";
    let dir = doc_sources("docs-warning", |header| {
        assert!(
            header.contains(field),
            "ftls_bytes has changed: update this test"
        );
        header.replace(field, "  size_t len;\n  int undocumented;\n} ftls_bytes;")
    });
    let output = doxygen(&dir);
    assert!(!output.status.success(), "an undocumented field must fail");
    assert!(
        stderr_text(&output).contains("undocumented"),
        "{}",
        stderr_text(&output)
    );

    // The same sources without the change build cleanly: the failure was the warning.
    let dir = doc_sources("docs-clean", |header| header);
    let output = doxygen(&dir);
    assert!(output.status.success(), "{}", stderr_text(&output));
}

/// The XML Doxygen writes for a header with one function, documented by `description`.
fn header_xml(description: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<doxygen><compounddef id="ftls_8h" kind="file"><sectiondef kind="func">
<memberdef kind="function" id="f1">
  <type>ftls_result</type><name>ftls_example</name>
  <param><type>ftls_connection *</type><declname>conn</declname></param>
  <briefdescription></briefdescription>
  <detaileddescription>{description}</detaileddescription>
</memberdef>
</sectiondef></compounddef></doxygen>"#
    )
}

fn man_pages(xml: &str, name: &str, options: &[&str]) -> (std::process::Output, PathBuf) {
    let dir = scratch_dir(name);
    fs::write(dir.join("ftls_8h.xml"), xml).expect("write the XML");
    let man3 = dir.join("man3");
    let output = run(Command::new(root().join("scripts/man-pages"))
        .args(options)
        .arg(&dir)
        .arg(&man3)
        .arg("9.9.9"));
    (output, man3)
}

#[test]
fn the_man_page_generator_writes_name_synopsis_and_results() {
    let (output, man3) = man_pages(
        &header_xml(
            "<para>Does one thing (e.g. this). Then more.</para>\
             <para>Returns <computeroutput>FTLS_OK</computeroutput>.</para>",
        ),
        "man-pages-ok",
        &[],
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
    let page = fs::read_to_string(man3.join("ftls_example.3")).expect("the page");
    for expected in [
        ".TH \"FTLS_EXAMPLE\" 3 \"\" \"ftls 9.9.9\"",
        ".SH NAME\nftls_example \\- does one thing (e.g. this)\n",
        "\\fBftls_result ftls_example\\fR(\\fBftls_connection *\\fR\\fIconn\\fR);",
        ".SH DESCRIPTION\n.PP\nDoes one thing (e.g. this). Then more.\n",
        ".SH RETURN VALUE\n.PP\nReturns \\fBFTLS_OK\\fR.\n",
    ] {
        assert!(page.contains(expected), "{expected:?} not in:\n{page}");
    }
}

#[test]
fn the_man_page_generator_refuses_markup_it_cannot_render() {
    let xml = header_xml("<para>A table:<table rows=\"1\" cols=\"1\">cell</table></para>");
    let (output, man3) = man_pages(&xml, "man-pages-unknown", &[]);
    assert!(!output.status.success());
    assert!(
        stderr_text(&output).contains("ftls_example: <table>"),
        "{}",
        stderr_text(&output)
    );
    assert!(!man3.join("ftls_example.3").exists());

    // What `make install` runs: the page is written, the markup as its text, with a warning.
    let (output, man3) = man_pages(&xml, "man-pages-lenient", &["--warnings-allowed"]);
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert!(
        stderr_text(&output).contains("warning: ftls_example: <table>"),
        "{}",
        stderr_text(&output)
    );
    let page = fs::read_to_string(man3.join("ftls_example.3")).expect("the page");
    assert!(page.contains("A table:cell"), "{page}");
}

/// Where `text` names an issue by its number (the word, then digits, perhaps after `#`): byte
/// offsets.
fn issue_numbers(text: &str) -> Vec<usize> {
    let lower = text.to_ascii_lowercase();
    lower
        .match_indices("issue")
        .filter(|(at, word)| {
            let after =
                lower[at + word.len()..].trim_start_matches([' ', '#', '\n', '\t', '/', '*']);
            after.starts_with(|c: char| c.is_ascii_digit())
        })
        .map(|(at, _)| at)
        .collect()
}

/// Every text file of the source tree: not the build outputs, not git's own files.
fn source_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        let name = path.file_name().expect("a name").to_string_lossy();
        if path.is_dir() {
            let generated = ["target", ".git", "corpus", "artifacts"].contains(&name.as_ref())
                || path == root().join("build");
            if !generated {
                source_files(&path, found);
            }
        } else if fs::read_to_string(&path).is_ok() {
            found.push(path);
        }
    }
}

#[test]
fn no_issue_numbers_in_code_docs_or_tests() {
    let mut files = Vec::new();
    source_files(root(), &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("src/lib.rs")) && files.len() > 100,
        "the walk found too few files: {}",
        files.len()
    );
    let mut found = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("a text file");
        for at in issue_numbers(&text) {
            let line = text[..at].matches('\n').count() + 1;
            let relative = file.strip_prefix(root()).unwrap_or(&file);
            let context = text[at..].lines().next().unwrap_or_default();
            found.push(format!("{}:{line}: {context}", relative.display()));
        }
    }
    assert!(
        found.is_empty(),
        "say what the thing is for instead of naming an issue:\n{}",
        found.join("\n")
    );
}

#[test]
fn issue_numbers_are_recognised() {
    let issue = "issue";
    assert_eq!(issue_numbers(&format!("the targets of {issue} 6")), [15]);
    assert_eq!(issue_numbers(&format!("see {}#12", "Issue ")).len(), 1);
    assert_eq!(issue_numbers(&format!("{issue}6 counts")).len(), 1);
    assert_eq!(issue_numbers(&format!("as {issue}\n/// 6 counts")).len(), 1);
    assert!(issue_numbers("a certificate issuer 5").is_empty());
    assert!(issue_numbers("issues TLS 1.3 tickets").is_empty());
    assert!(issue_numbers("a known issue, 3 ways around it").is_empty());
}
