//! The C API as a C (and C++) user sees it: the programs in tests/c/, compiled as strict C99
//! against the built library and run (under `$FTLS_TEST_WRAPPER`, i.e. valgrind, in CI).
//!
//! Each C program runs many named checks, prints one line per check and a final
//! `SUMMARY: N checks, M failed`. A failing test here shows the FAIL lines (expected and actual
//! result names, and the object's detail) first, then the whole output.
//!
//! Besides running them, this file keeps them honest: every function and every result code the
//! header declares must appear in the C programs, and the header's version macros must match
//! Cargo.toml.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

/// Runs tests/c/<name>.c with `args` and fails with a readable report unless every check passed
/// and at least `min_checks` ran. Returns the program's stdout.
fn run_checks(name: &str, args: &[&str], min_checks: usize) -> String {
    let program = c_test_program(name);
    let output = run_with_timeout(wrapped(&program).args(args), deadline());
    assert_checks_passed(&format!("tests/c/{name}.c {args:?}"), &output, min_checks)
}

fn certs() -> String {
    cert_dir().display().to_string()
}

/// The test certificates plus, in `openssl/` beside them, what users make with the openssl
/// command and rcgen does not: a self-signed certificate from `openssl req -x509` (to pin),
/// encrypted private keys as `openssl pkcs8` writes them, CA directories in OpenSSL's hashed
/// layout, and what `openssl x509` says about san-all.pem (to compare ftls' inspection with);
/// and encrypted keys with hostile parameters that openssl would not write.
fn certs_with_openssl_files() -> String {
    static MADE: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    MADE.get_or_init(|| {
        let certs = cert_dir();
        let dir = certs.join("openssl");
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["hashed", "rehashed", "notes", "broken"] {
            std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
        }
        let openssl = |args: &[&str]| -> String {
            let output = Command::new("openssl")
                .args(args)
                .current_dir(&dir)
                .output()
                .expect("the openssl command must be installed (scripts/need-tools installs it)");
            assert!(
                output.status.success(),
                "openssl {args:?} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout).into_owned()
        };
        let cert = |name: &str| certs.join(name).display().to_string();
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "selfsigned.key",
            "-out",
            "selfsigned.pem",
            "-days",
            "30",
            "-subj",
            "/CN=pinned.test",
            "-addext",
            "subjectAltName=DNS:pinned.test",
        ]);
        let password = "pass:correct horse battery";
        for (out, scheme) in [
            ("server-enc.key", &["-v2", "aes-256-cbc"][..]),
            ("server-scrypt.key", &["-scrypt"][..]),
            ("server-pbes1.key", &["-v1", "PBE-SHA1-3DES"][..]),
        ] {
            let mut args = vec!["pkcs8", "-topk8", "-in"];
            let input = cert("server.key");
            args.push(&input);
            args.extend_from_slice(scheme);
            args.extend_from_slice(&["-passout", password, "-out", out]);
            openssl(&args);
        }
        let input = cert("server.key");
        openssl(&[
            "pkcs8",
            "-topk8",
            "-in",
            &input,
            "-v2",
            "aes-256-cbc",
            "-passout",
            password,
            "-outform",
            "DER",
            "-out",
            "server-enc-key.der",
        ]);
        write_hostile_encrypted_keys(&dir);
        let hash = openssl(&["x509", "-hash", "-noout", "-in", &cert("ca.pem")]);
        let hash = hash.trim();
        let copy = |from: &str, to: &str| {
            std::fs::copy(certs.join(from), dir.join(to)).expect("copy a test file");
        };
        copy("ca.pem", &format!("hashed/{hash}.0"));
        copy("ca.crl.pem", &format!("hashed/{hash}.r0"));
        std::fs::write(
            dir.join("hashed/README"),
            "CA certificates, by subject hash\n",
        )
        .expect("write");
        copy("ca.pem", "rehashed/ca.pem");
        copy("other-ca.pem", "rehashed/other-ca.pem");
        openssl(&["rehash", "rehashed"]);
        std::fs::write(dir.join("notes/README"), "no certificates here\n").expect("write");
        copy("garbage.pem", "broken/garbage.pem");
        let facts = openssl(&[
            "x509",
            "-in",
            &cert("san-all.pem"),
            "-noout",
            "-serial",
            "-fingerprint",
            "-sha256",
        ]);
        std::fs::write(dir.join("san-all.facts"), facts).expect("write");
    });
    certs()
}

/// Encrypted keys whose key-derivation parameters would abort the process or burn minutes of
/// CPU if they were obeyed (openssl refuses to write them: made with the pkcs8 crate). The
/// ciphertext is junk: derivation must be refused before it is reached.
fn write_hostile_encrypted_keys(dir: &Path) {
    use pkcs8::der::{pem::LineEnding, EncodePem};
    use pkcs8::pkcs5::pbes2::{EncryptionScheme, Kdf, Parameters, Pbkdf2Params, ScryptParams};
    let iv = [7u8; 16];
    let scrypt = |n, r, p| {
        Kdf::Scrypt(ScryptParams {
            salt: b"saltsalt",
            cost_parameter: n,
            block_size: r,
            parallelization: p,
            key_length: None,
        })
    };
    let mut pbkdf2 = Pbkdf2Params::hmac_with_sha256(2048, b"saltsalt").expect("params");
    pbkdf2.iteration_count = 2_000_000_000;
    for (name, kdf) in [
        ("hostile-scrypt-memory.key", scrypt(1 << 30, 8, 1)),
        ("hostile-scrypt-work.key", scrypt(1024, 127, 127)),
        ("hostile-pbkdf2.key", Kdf::Pbkdf2(pbkdf2)),
    ] {
        let pem = pkcs8::EncryptedPrivateKeyInfo {
            encryption_algorithm: Parameters {
                kdf,
                encryption: EncryptionScheme::Aes256Cbc { iv: &iv },
            }
            .into(),
            encrypted_data: &[0x55; 48],
        }
        .to_pem(LineEnding::LF)
        .expect("encode");
        std::fs::write(dir.join(name), pem).expect("write");
    }
}

fn read(path: impl AsRef<Path>) -> String {
    let path = root().join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `text` without its C comments (block and line), string literals kept.
fn strip_c_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("/*") {
            rest = rest[2..].split_once("*/").map_or("", |(_, after)| after);
            out.push(' ');
        } else if rest.starts_with("//") {
            rest = rest.find('\n').map_or("", |at| &rest[at..]);
        } else if c == '"' {
            // Keep string literals whole, so a "/*" inside one is not a comment.
            let end = rest[1..]
                .char_indices()
                .scan(false, |escaped, (i, ch)| {
                    let done = ch == '"' && !*escaped;
                    *escaped = ch == '\\' && !*escaped;
                    Some((i, done))
                })
                .find(|(_, done)| *done)
                .map_or(rest.len(), |(i, _)| i + 2);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every identifier starting with `prefix` that is directly followed by `(` (spaces allowed):
/// function declarations in a header, calls in a C file.
fn identifiers_before_paren(code: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        if code[..at].chars().next_back().is_some_and(is_ident_char) {
            continue;
        }
        let ident: String = code[at..]
            .chars()
            .take_while(|c| is_ident_char(*c))
            .collect();
        if code[at + ident.len()..].trim_start().starts_with('(') && !found.contains(&ident) {
            found.push(ident);
        }
    }
    found
}

fn header_functions() -> Vec<String> {
    let functions = identifiers_before_paren(&strip_c_comments(&read("include/ftls.h")), "ftls_");
    assert!(
        functions.len() >= 50 && functions.iter().any(|f| f == "ftls_connection_pending"),
        "parsing include/ftls.h found too few functions: {functions:?}"
    );
    functions
}

/// The `NAME = number` entries of the `typedef enum { ... } <type>;` block in the header.
fn header_enum(type_name: &str) -> Vec<(String, i64)> {
    let header = strip_c_comments(&read("include/ftls.h"));
    let end = header
        .find(&format!("}} {type_name};"))
        .unwrap_or_else(|| panic!("no enum {type_name} in include/ftls.h"));
    let start = header[..end]
        .rfind("typedef enum {")
        .expect("typedef enum before the type name");
    let entries: Vec<(String, i64)> = header[start + "typedef enum {".len()..end]
        .split(',')
        .filter_map(|entry| {
            let (name, value) = entry.split_once('=')?;
            Some((name.trim().to_owned(), value.trim().parse().ok()?))
        })
        .collect();
    assert!(!entries.is_empty(), "no values parsed in enum {type_name}");
    entries
}

/// The `#define NAME <integer>` macros of the header.
fn header_define(name: &str) -> u64 {
    let header = read("include/ftls.h");
    header
        .lines()
        .find_map(|line| {
            let rest = line.strip_prefix("#define ")?.strip_prefix(name)?;
            rest.starts_with(' ')
                .then(|| rest.trim().parse().ok())
                .flatten()
        })
        .unwrap_or_else(|| panic!("no integer #define {name} in include/ftls.h"))
}

/// The `version = "..."` of the `[package]` table, read from the file itself.
fn cargo_toml_version() -> String {
    let manifest = read("Cargo.toml");
    let package = manifest
        .split("\n[")
        .find(|table| table.starts_with("[package]") || table.starts_with("package]"))
        .expect("a [package] table in Cargo.toml");
    package
        .lines()
        .find_map(|line| {
            let value = line.trim().strip_prefix("version")?.trim_start();
            Some(value.strip_prefix('=')?.trim().trim_matches('"').to_owned())
        })
        .expect("a version in [package]")
}

fn locked_version(krate: &str) -> String {
    let lock = read("Cargo.lock");
    let marker = format!("name = \"{krate}\"\nversion = \"");
    let at = lock
        .find(&marker)
        .unwrap_or_else(|| panic!("{krate} is not in Cargo.lock"));
    lock[at + marker.len()..]
        .split('"')
        .next()
        .expect("version")
        .to_owned()
}

// ------------------------------------------------------------------------------------------
// The C programs
// ------------------------------------------------------------------------------------------

#[test]
fn null_arguments_and_out_of_range_values() {
    run_checks("null_args", &[&certs()], 200);
}

#[test]
fn null_args_program_calls_every_exported_function() {
    let calls = identifiers_before_paren(&strip_c_comments(&read("tests/c/null_args.c")), "ftls_");
    let missing: Vec<String> = header_functions()
        .into_iter()
        .filter(|function| !calls.contains(function))
        .collect();
    assert!(
        missing.is_empty(),
        "tests/c/null_args.c never calls these functions of include/ftls.h; add their NULL \
         cases: {missing:?}"
    );
}

#[test]
fn result_names_messages_and_categories() {
    run_checks("results", &[], 250);
}

#[test]
fn results_program_knows_every_result_code_of_the_header() {
    let table = strip_c_comments(&read("tests/c/results.c"));
    let codes = header_enum("ftls_result");
    assert!(
        codes.len() >= 30,
        "too few ftls_result values parsed: {codes:?}"
    );
    let missing: Vec<&str> = codes
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !table.contains(&format!("RESULT({name},")))
        .collect();
    assert!(
        missing.is_empty(),
        "tests/c/results.c has no RESULT(...) row for {missing:?}"
    );
    assert!(
        table.contains(&format!("KNOWN_COUNT == {}", codes.len())),
        "tests/c/results.c should check that its table holds all {} codes",
        codes.len()
    );
    // The categories are what the C program compares against: all of them must be known.
    let categories = header_enum("ftls_category");
    for (name, _) in &categories {
        assert!(
            table.contains(&format!("case {name}:")),
            "tests/c/results.c does not name the category {name}"
        );
    }
}

#[test]
fn version_macros_match_cargo_toml() {
    let from_file = cargo_toml_version();
    assert_eq!(
        from_file,
        env!("CARGO_PKG_VERSION"),
        "Cargo.toml as read from the file"
    );
    let parts: Vec<u64> = from_file
        .split(['.', '-', '+'])
        .take(3)
        .map(|p| p.parse().expect("numeric version"))
        .collect();
    let (major, minor, patch) = (
        header_define("FTLS_VERSION_MAJOR"),
        header_define("FTLS_VERSION_MINOR"),
        header_define("FTLS_VERSION_PATCH"),
    );
    assert_eq!(
        vec![major, minor, patch],
        parts,
        "include/ftls.h's FTLS_VERSION_* macros vs Cargo.toml's version {from_file}"
    );

    // The library's own text, from C, names the same version and the locked dependencies.
    let stdout = run_checks("results", &["version"], 5);
    let text = stdout
        .lines()
        .find_map(|line| line.strip_prefix("version text: "))
        .expect("the results program prints the version text");
    let expected = format!(
        "ftls {from_file} (rustls {}, {} {})",
        locked_version("rustls"),
        provider(),
        locked_version(provider())
    );
    assert_eq!(
        text, expected,
        "ftls_version() vs Cargo.toml and Cargo.lock"
    );
}

#[test]
fn config_errors_from_files_and_memory() {
    run_checks("config_errors", &[&certs()], 200);
}

#[test]
fn handshake_errors_in_memory() {
    run_checks("handshake_errors", &[&certs()], 230);
}

#[test]
fn successful_handshakes_in_memory() {
    run_checks("handshake_ok", &[&certs()], 380);
}

#[test]
fn sessions_tickets_and_early_data() {
    run_checks("sessions", &[&certs()], 150);
}

#[test]
fn negotiation_of_suites_and_groups() {
    run_checks("negotiation", &[&certs()], 150);
}

#[test]
fn key_log_log_callback_and_exporter() {
    run_checks("observability", &[&certs()], 100);
}

#[test]
fn trust_stores_crls_verify_callbacks_and_pins() {
    run_checks("trust", &[&certs_with_openssl_files()], 220);
}

#[test]
fn identities_by_name_callbacks_der_ocsp_encrypted_keys_and_inspection() {
    run_checks("identities", &[&certs_with_openssl_files()], 220);
}

#[test]
fn copy_free_vectored_writes_and_borrowed_reads() {
    run_checks("copy_free", &[&certs()], 85);
}

#[test]
fn threads_sharing_configs_cache_ticketer_store_and_log_callback() {
    run_checks("threads", &[&certs()], 19);
}

#[test]
fn transport_and_callback_faults_at_every_call() {
    run_checks("fault_injection", &[&certs()], 50);
}

#[test]
fn reentrant_calls_from_every_callback_kind() {
    run_checks("reentrancy", &[&certs()], 250);
}

#[test]
fn fd_api_over_socketpairs_and_pipes() {
    run_checks("fd_io", &[&certs()], 60);
}

// ------------------------------------------------------------------------------------------
// The header on its own
// ------------------------------------------------------------------------------------------

#[test]
fn hostile_peers_get_a_fatal_alert() {
    run_checks("hostile_peers", &[&certs()], 35);
}

fn compile(compiler: &str, args: &[&str], what: &str) {
    run_tool(Command::new(compiler).args(args).current_dir(root()), what);
}

#[test]
fn header_alone_is_strict_c99() {
    ensure_built();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    // No -D of any kind: the header must stand on its own.
    compile(
        &cc,
        &[
            "-std=c99",
            "-Wall",
            "-Wextra",
            "-Wpedantic",
            "-Werror",
            "-fsyntax-only",
            "-x",
            "c",
            "include/ftls.h",
        ],
        "compiling include/ftls.h alone as C99",
    );
}

/// The header from C++, as each standard a C++ user may pick sees it.
#[test]
fn header_works_from_cpp11_and_cpp17() {
    ensure_built();
    for standard in ["c++11", "c++17"] {
        let out: PathBuf = build_dir().join("tests").join(format!("header_{standard}"));
        std::fs::create_dir_all(out.parent().expect("parent")).expect("mkdir build/tests");
        let lib = build_dir().join("lib");
        let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".into());
        compile(
            &cxx,
            &[
                &format!("-std={standard}"),
                "-Wall",
                "-Wextra",
                "-Werror",
                "-x",
                "c++",
                "-I",
                "include",
                "tests/c/header_cxx.cpp",
                "-x",
                "none",
                "-o",
                out.to_str().expect("UTF-8 path"),
                "-L",
                lib.to_str().expect("UTF-8 path"),
                "-lftls",
                &format!("-Wl,-rpath,{}", lib.display()),
            ],
            &format!("compiling tests/c/header_cxx.cpp as {standard}"),
        );
        let stdout = run_tool(&mut wrapped(&out), &format!("header_cxx ({standard})"));
        assert!(stdout.contains("SUMMARY: 0 failed"), "{stdout}");
    }
}
