//! The public header as a C user and a reviewer see it: committed and up to date, every function
//! documented with the results it can return, and exactly the functions the library exports.

mod support;

use std::collections::BTreeSet;
use std::process::Command;

fn header_text() -> String {
    let path = support::root().join("include/ftls.h");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One function declaration of the header, with the doc comment just above it.
struct Declaration {
    name: String,
    returns_result: bool,
    has_pointer_parameter: bool,
    doc: String,
}

/// Every `ftls_*` function prototype. cbindgen writes each on one line, right after its
/// doc comment (`/** ... */`).
fn declarations(header: &str) -> Vec<Declaration> {
    let lines: Vec<&str> = header.lines().collect();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let is_prototype =
            line.ends_with(");") && !line.starts_with([' ', '#']) && !line.starts_with("typedef");
        if !is_prototype {
            continue;
        }
        let Some(paren) = line.find('(') else {
            continue;
        };
        // `ftls_result ftls_connection_read(...)`: the name is the word before the parenthesis.
        let Some(name) = line[..paren]
            .split(|c: char| c.is_whitespace() || c == '*')
            .next_back()
            .filter(|word| word.starts_with("ftls_"))
        else {
            continue;
        };
        let name = name.to_owned();
        let parameters = &line[paren..];
        let mut doc_lines = Vec::new();
        if index > 0 && lines[index - 1].trim() == "*/" {
            for above in lines[..index - 1].iter().rev() {
                if above.starts_with("/**") {
                    break;
                }
                doc_lines.push(above.trim_start_matches(" *").trim());
            }
        }
        doc_lines.reverse();
        found.push(Declaration {
            returns_result: line.starts_with("ftls_result "),
            has_pointer_parameter: parameters.contains('*'),
            name,
            doc: doc_lines.join(" "),
        });
    }
    found
}

/// Every `FTLS_...` identifier the header defines: result codes, categories and constants.
fn defined_names(header: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in header.lines() {
        let trimmed = line.trim();
        let candidate = trimmed
            .strip_prefix("#define ")
            .unwrap_or(trimmed)
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        let is_definition =
            trimmed.starts_with("#define ") || trimmed.ends_with(',') && trimmed.contains(" = ");
        if is_definition && candidate.starts_with("FTLS_") {
            names.insert(candidate.to_owned());
        }
    }
    names
}

/// The `FTLS_...` identifiers a doc comment names; quoted ones (`"FTLS_UNKNOWN_RESULT"`) are
/// string values, not identifiers.
fn ftls_identifiers(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '"'))
        .filter(|word| word.starts_with("FTLS_"))
}

#[test]
fn the_committed_header_is_the_generated_one() {
    let generated = ftls_header::generate(support::root()).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        generated == header_text().into_bytes(),
        "include/ftls.h is not what src/capi generates: run `make header` (`make` does) and \
         commit the result with the change to src/capi"
    );
    let output = Command::new("git")
        .args(["diff", "--exit-code", "--stat", "--", "include/ftls.h"])
        .current_dir(support::root())
        .output()
        .expect("git must be installed: the header check compares with the committed copy");
    assert!(
        output.status.success(),
        "include/ftls.h was regenerated but the change is not staged or committed:\n{}\n\
         Run `git add include/ftls.h` (and commit it with the change to src/capi).",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn the_header_opens_with_the_contract_and_is_usable_from_cxx() {
    let header = header_text();
    let contract = header
        .find("THE CONTRACT")
        .expect("the contract is printed");
    let first_declaration = header.find("typedef").expect("declarations");
    assert!(contract < first_declaration, "the contract comes first");
    for rule in [
        "exactly one _free",
        "written only on success",
        "reference-counted",
        "one thread at a time",
        "Borrowed results",
        "never keeps a caller's pointer",
        "FTLS_ERR_PANIC",
    ] {
        assert!(header.contains(rule), "the contract should state: {rule}");
    }
    assert!(header.contains("#ifndef FTLS_H\n#define FTLS_H"));
    assert!(header.contains("#ifdef __cplusplus\nextern \"C\" {"));
    assert!(
        !header.contains("#if defined(") && !header.contains("#ifdef FTLS_"),
        "the header must not depend on a macro the user defines"
    );
}

#[test]
fn every_function_is_documented_with_the_results_it_returns() {
    let header = header_text();
    let known = defined_names(&header);
    let declarations = declarations(&header);
    assert!(
        declarations.len() >= 50,
        "found only {} declarations: is the parser still right?",
        declarations.len()
    );
    let mut problems = Vec::new();
    for decl in &declarations {
        let name = &decl.name;
        if decl.doc.split_whitespace().count() < 8 {
            problems.push(format!("{name}: no real doc comment"));
            continue;
        }
        for identifier in ftls_identifiers(&decl.doc) {
            if !known.contains(identifier) {
                problems.push(format!(
                    "{name}: its doc names {identifier}, which does not exist"
                ));
            }
        }
        if !decl.returns_result {
            continue;
        }
        if !decl.doc.contains("Returns") {
            problems.push(format!("{name}: the doc does not say what it returns"));
        }
        let mut required = vec!["FTLS_OK", "FTLS_ERR_PANIC"];
        if decl.has_pointer_parameter {
            required.push("FTLS_ERR_NULL_ARGUMENT");
        }
        for code in required {
            if !ftls_identifiers(&decl.doc).any(|id| id == code) {
                problems.push(format!("{name}: the doc does not list {code}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_shared_library_exports_exactly_the_header_functions() {
    support::ensure_built();
    let library = support::build_dir().join("lib/libftls.so");
    let output = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&library)
        .output()
        .expect("nm (binutils) must be installed");
    assert!(
        output.status.success(),
        "nm failed on {}",
        library.display()
    );
    let exported: BTreeSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().last())
        .filter(|symbol| symbol.starts_with("ftls_"))
        .map(str::to_owned)
        .collect();
    let declared: BTreeSet<String> = declarations(&header_text())
        .into_iter()
        .map(|d| d.name)
        .collect();
    let undeclared: Vec<_> = exported.difference(&declared).collect();
    let missing: Vec<_> = declared.difference(&exported).collect();
    assert!(
        undeclared.is_empty() && missing.is_empty(),
        "exported but not in the header: {undeclared:?}\nin the header but not exported: {missing:?}"
    );
}
