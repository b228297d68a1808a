//! The OpenSSL-shaped root (`make openssl-root`, the same tree `make install` puts under
//! PREFIX/lib/ftls-openssl): the library exports exactly the committed OpenSSL-named list
//! (abi/ftls-openssl.symbols) and no ftls_* function, depends on neither libssl nor libcrypto,
//! carries its soname, and the root has the links, headers and pkg-config files that legacy
//! builds look for.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::process::Command;

use support::{ensure_root, openssl_root, repo_root, run_tool};

fn exported_symbols() -> BTreeSet<String> {
    let library = openssl_root().join("lib/libssl.so");
    run_tool(
        Command::new("nm")
            .args(["-D", "--defined-only"])
            .arg(&library),
        "nm (binutils)",
    )
    .lines()
    .filter_map(|line| line.split_whitespace().last())
    .map(str::to_owned)
    .collect()
}

#[test]
fn the_exported_symbols_are_the_committed_list() {
    ensure_root();
    let path = repo_root().join("abi/ftls-openssl.symbols");
    let committed: BTreeSet<String> = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let exported = exported_symbols();
    let added: Vec<_> = exported.difference(&committed).collect();
    let removed: Vec<_> = committed.difference(&exported).collect();
    assert!(
        added.is_empty() && removed.is_empty(),
        "the compatibility library's exports differ from abi/ftls-openssl.symbols.\nexported, \
         not in the list: {added:?}\nin the list, no longer exported: {removed:?}\nA function \
         added or removed: update the list (and docs/openssl-compat.md) in the same commit."
    );
}

/// Every exported function is called by a test program: the C programs of the differential
/// suite and the unit programs (tests/compat), and those of compat/tests/c. Each is compiled
/// against the root and the functions it references are read back with `nm -u`.
#[test]
fn every_exported_function_is_called_by_a_test_program() {
    ensure_root();
    let out_dir = repo_root().join("target/compat-tests/references");
    fs::create_dir_all(&out_dir).expect("target/ is writable");
    let include = openssl_root().join("include");
    let mut referenced = BTreeSet::new();
    for dir in ["tests/compat", "compat/tests/c"] {
        let dir = repo_root().join(dir);
        let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for source in entries.map(|entry| entry.expect("a readable directory").path()) {
            if source.extension().is_none_or(|ext| ext != "c") {
                continue;
            }
            let object = out_dir
                .join(source.file_name().expect("a file"))
                .with_extension("o");
            run_tool(
                Command::new("cc")
                    .args(["-c", "-std=c99", "-D_POSIX_C_SOURCE=200809L", "-w"])
                    .arg(format!("-I{}", include.display()))
                    .arg(format!("-I{}", dir.display()))
                    .arg(&source)
                    .arg("-o")
                    .arg(&object),
                &format!("cc -c {}", source.display()),
            );
            let undefined = run_tool(Command::new("nm").arg("-u").arg(&object), "nm (binutils)");
            referenced.extend(
                undefined
                    .lines()
                    .filter_map(|line| line.split_whitespace().last())
                    .map(str::to_owned),
            );
        }
    }
    let uncalled: Vec<String> = exported_symbols()
        .into_iter()
        .filter(|function| !referenced.contains(function))
        .collect();
    assert!(
        uncalled.is_empty(),
        "exported functions no test program calls (a function without a test is not done; \
         call it from a program of tests/compat whose output is compared with OpenSSL's): \
         {uncalled:?}"
    );
}

#[test]
fn no_ftls_function_is_exported() {
    ensure_root();
    let exported = exported_symbols();
    assert!(exported.len() >= 50, "too few exports: {exported:?}");
    let ours: Vec<&String> = exported.iter().filter(|s| s.starts_with("ftls_")).collect();
    assert!(
        ours.is_empty(),
        "the compatibility library exports ftls' C API: {ours:?}"
    );
}

#[test]
fn neither_libssl_nor_libcrypto_of_the_system_is_a_dependency() {
    ensure_root();
    let library = openssl_root().join("lib/libftls-openssl.so.0");
    let needed = run_tool(
        Command::new("objdump").arg("-p").arg(&library),
        "objdump -p",
    );
    let needed: Vec<&str> = needed
        .lines()
        .filter(|l| l.trim_start().starts_with("NEEDED"))
        .collect();
    assert!(!needed.is_empty(), "objdump -p shows no NEEDED line at all");
    for line in &needed {
        assert!(
            !line.contains("libssl") && !line.contains("libcrypto"),
            "the compatibility library needs a system OpenSSL library: {line}"
        );
    }
    let ldd = run_tool(Command::new("ldd").arg(&library), "ldd");
    for line in ldd.lines() {
        assert!(
            !line.contains("libssl") && !line.contains("libcrypto"),
            "ldd shows a system OpenSSL library: {line}"
        );
    }
}

#[test]
fn the_root_has_the_soname_links_and_static_libraries() {
    ensure_root();
    let lib = openssl_root().join("lib");
    let headers = run_tool(
        Command::new("objdump")
            .arg("-p")
            .arg(lib.join("libftls-openssl.so.0.1.0")),
        "objdump -p",
    );
    let soname = headers
        .lines()
        .find_map(|line| line.trim().strip_prefix("SONAME"))
        .map(str::trim);
    assert_eq!(soname, Some("libftls-openssl.so.0"), "{headers}");
    for (link, target) in [
        ("libftls-openssl.so.0", "libftls-openssl.so.0.1.0"),
        ("libssl.so", "libftls-openssl.so.0"),
        ("libcrypto.so", "libftls-openssl.so.0"),
        ("libssl.a", "libftls-openssl.a"),
        ("libcrypto.a", "libftls-openssl.a"),
    ] {
        let found = fs::read_link(lib.join(link))
            .unwrap_or_else(|e| panic!("{link} should be a symlink: {e}"));
        assert_eq!(found.to_str(), Some(target), "{link}");
    }
    // readelf, not nm: binutils' nm tries the LTO plugin on rustc's objects and lists nothing.
    let archive = run_tool(
        Command::new("readelf").arg("-Ws").arg(lib.join("libssl.a")),
        "readelf",
    );
    let global_functions: Vec<&str> = archive
        .lines()
        .filter(|l| l.contains(" FUNC ") && l.contains(" GLOBAL ") && !l.contains(" UND "))
        .filter_map(|l| l.split_whitespace().last())
        .collect();
    assert!(
        global_functions.contains(&"ERR_get_error"),
        "the static library lacks the OpenSSL functions"
    );
    let ours: Vec<&&str> = global_functions
        .iter()
        .filter(|f| f.starts_with("ftls_"))
        .collect();
    assert!(
        ours.is_empty(),
        "the static library holds ftls' C API: {ours:?}"
    );
}

#[test]
fn the_root_has_the_headers_and_pkg_config_files() {
    ensure_root();
    let root = openssl_root();
    for header in [
        "ssl.h",
        "err.h",
        "bio.h",
        "crypto.h",
        "opensslv.h",
        "types.h",
        "tls1.h",
    ] {
        assert!(
            root.join("include/openssl").join(header).is_file(),
            "missing {header}"
        );
    }
    let pkg_config = |args: &[&str]| {
        run_tool(
            Command::new("pkg-config")
                .args(args)
                .env("PKG_CONFIG_PATH", root.join("lib/pkgconfig")),
            "pkg-config",
        )
    };
    let root_text = root.to_str().expect("UTF-8 path");
    let flags = pkg_config(&["--cflags", "--libs", "openssl"]);
    assert!(flags.contains(&format!("-I{root_text}/include")), "{flags}");
    assert!(flags.contains(&format!("-L{root_text}/lib")), "{flags}");
    assert!(
        flags.contains("-lssl") && flags.contains("-lcrypto"),
        "{flags}"
    );
    assert_eq!(pkg_config(&["--modversion", "libssl"]).trim(), "3.0.0");
    let static_libs = pkg_config(&["--static", "--libs", "libcrypto"]);
    assert!(
        static_libs.contains("-lpthread") || static_libs.contains("-ldl"),
        "{static_libs}"
    );
}

#[test]
fn cmake_reads_the_version_from_opensslv_h() {
    // FindOpenSSL parses these lines with regular expressions: one definition per line.
    let text = fs::read_to_string(repo_root().join("compat/include/openssl/opensslv.h"))
        .expect("opensslv.h");
    for line in [
        "# define OPENSSL_VERSION_MAJOR  3",
        "# define OPENSSL_VERSION_MINOR  0",
        "# define OPENSSL_VERSION_PATCH  0",
        "# define OPENSSL_VERSION_NUMBER 0x30000000L",
    ] {
        assert!(text.lines().any(|l| l == line), "opensslv.h lacks `{line}`");
    }
    assert!(
        text.contains("OPENSSL_VERSION_TEXT \"ftls"),
        "the version text names ftls"
    );
}

#[test]
fn the_reference_page_lists_every_exported_function() {
    ensure_root();
    let page = fs::read_to_string(repo_root().join("docs/openssl-compat.md"))
        .expect("docs/openssl-compat.md");
    let missing: Vec<String> = exported_symbols()
        .into_iter()
        .filter(|name| !page.contains(&format!("`{name}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/openssl-compat.md does not list: {missing:?}"
    );
}

/// `make install PREFIX=P` lays out P/lib/ftls-openssl as the build root, with pkg-config files
/// naming that prefix; a program built from them runs with the installed library.
#[test]
fn make_install_lays_out_the_openssl_shaped_root() {
    ensure_root();
    let prefix = std::env::temp_dir().join(format!("ftls-openssl-install-{}", std::process::id()));
    let _ = fs::remove_dir_all(&prefix);
    let output = Command::new("make")
        .args(["-s", "install"])
        .arg(format!("PREFIX={}", prefix.display()))
        .arg(format!("PROVIDER={}", support::provider()))
        .current_dir(repo_root())
        .output()
        .expect("make runs");
    assert!(
        output.status.success(),
        "make install failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let root = prefix.join("lib/ftls-openssl");
    assert!(root.join("include/openssl/ssl.h").is_file());
    assert_eq!(
        fs::read_link(root.join("lib/libssl.so"))
            .expect("a link")
            .to_str(),
        Some("libftls-openssl.so.0")
    );
    let pc = fs::read_to_string(root.join("lib/pkgconfig/libssl.pc")).expect("libssl.pc");
    assert!(pc.contains(&format!("prefix={}", root.display())), "{pc}");
    let flags = run_tool(
        Command::new("pkg-config")
            .args(["--cflags", "--libs", "openssl"])
            .env("PKG_CONFIG_PATH", root.join("lib/pkgconfig")),
        "pkg-config",
    );
    let program = prefix.join("refusals");
    let status = Command::new("cc")
        .args(["-std=c99", "-D_POSIX_C_SOURCE=200809L"])
        .arg(repo_root().join("compat/tests/c/refusals.c"))
        .arg("-o")
        .arg(&program)
        .args(flags.split_whitespace())
        .status()
        .expect("cc runs");
    assert!(
        status.success(),
        "building against the installed root failed ({flags})"
    );
    let out = Command::new(&program).output().expect("the program runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        stdout.starts_with("ftls 0.1.0 (OpenSSL 3.0.0 API)\n"),
        "{stdout}"
    );
    let ldd = run_tool(Command::new("ldd").arg(&program), "ldd");
    assert!(
        ldd.contains(&format!("{}/lib/libftls-openssl.so.0", root.display())),
        "{ldd}"
    );
    let _ = fs::remove_dir_all(&prefix);
}
