//! ftls as another project takes it: the shared library's ABI (only `ftls_` symbols, exactly
//! the committed list in abi/ftls.symbols, the documented soname), `make install` (the tree,
//! with DESTDIR too), and tests/consumer/consumer.c built every supported way — pkg-config
//! (shared and static), CMake `find_package` (both targets), plain `cc`, and `add_subdirectory`
//! of the source tree — each binary completing a real handshake with `tls-server`.
//!
//! Needs cmake, pkg-config and binutils: `make test` installs them (scripts/need-tools).

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::*;

// ---- helpers --------------------------------------------------------------------------------

/// A fresh, empty directory under the build directory, for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = build_dir().join("packaging").join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("rm -r {}: {e}", dir.display()));
    }
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
    dir
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

fn soname() -> String {
    format!("libftls.so.{}", env!("CARGO_PKG_VERSION_MAJOR"))
}

/// The system libraries rustc said libftls.a needs (written by scripts/build-lib).
fn native_static_libs() -> String {
    ensure_built();
    let path = build_dir().join("lib/libftls.native-static-libs");
    let libs = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        libs.contains("-l"),
        "{} should list libraries: {libs:?}",
        path.display()
    );
    libs.trim().to_owned()
}

/// `make install PREFIX=... [DESTDIR=...]` for the provider under test.
fn make_install(prefix: &Path, destdir: Option<&Path>) {
    let mut make = Command::new("make");
    make.args(["-s", "install"])
        .arg(format!("PROVIDER={}", provider()))
        .arg(format!("PREFIX={}", prefix.display()))
        .current_dir(root());
    if let Some(destdir) = destdir {
        make.arg(format!("DESTDIR={}", destdir.display()));
    }
    run_tool(&mut make, "make install");
}

/// One installed prefix shared by the consumer tests of this binary.
fn installed_prefix() -> &'static Path {
    static PREFIX: OnceLock<PathBuf> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let prefix = scratch("prefix");
        make_install(&prefix, None);
        prefix
    })
}

/// Every file and symlink under `dir`, as paths relative to it (directories left out).
fn tree(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).unwrap_or_else(|e| panic!("{current:?}: {e}")) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() && !path.is_symlink() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("under dir");
                found.insert(relative.display().to_string());
            }
        }
    }
    found
}

/// The shared libraries a binary names as its dependencies (ELF DT_NEEDED).
fn needed_libraries(binary: &Path) -> Vec<String> {
    let dynamic = run_tool(
        Command::new("readelf").arg("-d").arg(binary),
        "readelf -d (binutils)",
    );
    dynamic
        .lines()
        .filter(|line| line.contains("(NEEDED)"))
        .filter_map(|line| Some(line.split_once('[')?.1.trim_end_matches(']').to_owned()))
        .collect()
}

fn c_compiler() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".into())
}

/// `cc` with the flags every C file of the project compiles with, on tests/consumer/consumer.c.
fn compile_consumer(output: &Path) -> Command {
    let mut cc = Command::new(c_compiler());
    cc.args(["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror"])
        .arg("-D_POSIX_C_SOURCE=200809L")
        .arg(root().join("tests/consumer/consumer.c"))
        .arg("-o")
        .arg(output);
    cc
}

/// Splits a pkg-config answer into arguments (its output is plain words separated by spaces).
fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

fn pkg_config(prefix: &Path, args: &[&str]) -> String {
    run_tool(
        Command::new("pkg-config")
            .args(args)
            .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig")),
        "pkg-config",
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Linkage {
    Shared,
    Static,
}

/// Checks how `binary` was linked, then runs it against a fresh tls-server: it must complete
/// the handshake, get the page and end on the server's close_notify. `library_dir`: where a
/// shared build finds libftls.so.MAJOR at run time when the binary carries no rpath.
fn check_consumer(binary: &Path, linkage: Linkage, library_dir: Option<&Path>) {
    check_consumer_against(binary, linkage, library_dir, &example("tls-server"));
}

fn check_consumer_against(
    binary: &Path,
    linkage: Linkage,
    library_dir: Option<&Path>,
    tls_server: &Path,
) {
    let needed = needed_libraries(binary);
    match linkage {
        Linkage::Shared => assert!(
            needed.contains(&soname()),
            "{} should load {} (the soname), needs {needed:?}",
            binary.display(),
            soname()
        ),
        Linkage::Static => assert!(
            !needed.iter().any(|lib| lib.starts_with("libftls")),
            "{} should contain libftls.a, yet needs {needed:?}",
            binary.display()
        ),
    }

    let mut server = Command::new(tls_server);
    server.args(["--cert", &cert("server.pem"), "--key", &cert("server.key")]);
    server.args(["--port", "0"]);
    let server = Server::start(server);
    let mut consumer = Command::new(binary);
    consumer.args(["localhost", &server.port.to_string(), &cert("ca.pem")]);
    if let Some(dir) = library_dir {
        consumer.env("LD_LIBRARY_PATH", dir);
    }
    let output = run_with_timeout(&mut consumer, deadline());
    let stdout = stdout_text(&output);
    assert!(
        output.status.success(),
        "{} {linkage:?}: {}\n{stdout}\n{}",
        binary.display(),
        output.status,
        stderr_text(&output)
    );
    let library = format!("library: ftls {} (rustls ", version());
    for expected in [
        format!("header: {}", version()),
        library,
        format!(", {} ", provider()),
        "negotiated: TLSv1.3 ".to_owned(),
        "HTTP/1.1 200 OK".to_owned(),
    ] {
        assert!(
            stdout.contains(&expected),
            "{}: the output lacks {expected:?}:\n{stdout}",
            binary.display()
        );
    }
}

/// The cargo target directory the Makefile uses for this provider, so that a CMake build of
/// the source tree finds the library already built (see the Makefile's PROVIDER).
fn cargo_target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None if provider() == "aws-lc-rs" => root().join("target"),
        None => root().join("target").join(provider()),
    }
}

/// Configures and builds tests/consumer/CMakeLists.txt in a fresh directory.
fn cmake_consumer(name: &str, definitions: &[String]) -> PathBuf {
    let build = scratch(name);
    run_tool(
        Command::new("cmake")
            .arg("-S")
            .arg(root().join("tests/consumer"))
            .arg("-B")
            .arg(&build)
            .args(definitions),
        "cmake configure",
    );
    run_tool(
        Command::new("cmake")
            .arg("--build")
            .arg(&build)
            .args(["--parallel", "2"]),
        "cmake --build",
    );
    build
}

// ---- the shared library's ABI ---------------------------------------------------------------

fn exported_symbols() -> BTreeSet<String> {
    ensure_built();
    let library = build_dir().join("lib/libftls.so");
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
fn the_shared_library_exports_only_ftls_symbols() {
    let exported = exported_symbols();
    assert!(exported.len() >= 50, "too few exports: {exported:?}");
    let foreign: Vec<&String> = exported
        .iter()
        .filter(|symbol| !symbol.starts_with("ftls_"))
        .collect();
    assert!(
        foreign.is_empty(),
        "libftls.so exports symbols outside the ftls_ namespace: {foreign:?}"
    );
}

#[test]
fn the_exported_symbols_are_the_committed_abi() {
    let path = root().join("abi/ftls.symbols");
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
        "the library's ABI differs from abi/ftls.symbols.\nexported, not in the list: \
         {added:?}\nin the list, no longer exported: {removed:?}\nIf the change is meant, update \
         abi/ftls.symbols in the same commit; a removal breaks programs already linked (see \
         docs/guide.md, Install, for the soname rule)."
    );
}

#[test]
fn the_shared_library_carries_the_soname_and_its_links() {
    ensure_built();
    let lib = build_dir().join("lib");
    let headers = run_tool(
        Command::new("objdump")
            .arg("-p")
            .arg(lib.join(format!("libftls.so.{}", version()))),
        "objdump -p (binutils)",
    );
    let recorded = headers
        .lines()
        .find_map(|line| line.trim().strip_prefix("SONAME"))
        .map(str::trim);
    assert_eq!(recorded, Some(soname().as_str()), "the library's SONAME");
    let link = |name: &str| {
        fs::read_link(lib.join(name))
            .unwrap_or_else(|e| panic!("{name} should be a symlink: {e}"))
            .display()
            .to_string()
    };
    assert_eq!(link("libftls.so"), soname());
    assert_eq!(link(&soname()), format!("libftls.so.{}", version()));
}

// ---- make install ---------------------------------------------------------------------------

#[test]
fn install_lays_out_the_documented_tree() {
    let prefix = installed_prefix();
    let version = version();
    let soname = soname();
    let expected: BTreeSet<String> = [
        "include/ftls.h".to_owned(),
        "include/ftls.hpp".to_owned(),
        "lib/libftls.a".to_owned(),
        format!("lib/libftls.so.{version}"),
        format!("lib/{soname}"),
        "lib/libftls.so".to_owned(),
        "lib/pkgconfig/ftls.pc".to_owned(),
        "lib/pkgconfig/ftls-static.pc".to_owned(),
        "lib/cmake/ftls/ftlsConfig.cmake".to_owned(),
        "lib/cmake/ftls/ftlsConfigVersion.cmake".to_owned(),
    ]
    .into_iter()
    // The OpenSSL-shaped root of the compatibility library: the build root's tree, as is
    // (compat/tests/root.rs checks its contents).
    .chain(
        tree(&build_dir().join("openssl"))
            .into_iter()
            .map(|file| format!("lib/ftls-openssl/{file}")),
    )
    .collect();
    let installed = tree(prefix);
    let (documentation, rest): (BTreeSet<String>, BTreeSet<String>) = installed
        .into_iter()
        .partition(|file| file.starts_with("share/"));
    assert_eq!(rest, expected, "the installed tree");
    // The documentation: man pages in section 3 and the HTML reference, nothing else (each
    // page is checked by install_gives_every_header_function_a_man_page).
    let stray: Vec<&String> = documentation
        .iter()
        .filter(|file| {
            let man_page = file.starts_with("share/man/man3/") && file.ends_with(".3");
            !man_page && !file.starts_with("share/doc/ftls/html/")
        })
        .collect();
    assert!(stray.is_empty(), "unexpected files under share/: {stray:?}");
    assert!(documentation.contains("share/doc/ftls/html/index.html"));

    let lib = prefix.join("lib");
    assert_eq!(
        fs::read_link(lib.join("libftls.so")).expect("symlink"),
        Path::new(&soname)
    );
    assert_eq!(
        fs::read_link(lib.join(&soname)).expect("symlink"),
        Path::new(&format!("libftls.so.{version}"))
    );
    for header in ["ftls.h", "ftls.hpp"] {
        assert_eq!(
            fs::read(prefix.join("include").join(header)).expect("installed header"),
            fs::read(root().join("include").join(header)).expect("source header"),
            "{header} is installed as is"
        );
    }
    let config = fs::read_to_string(lib.join("cmake/ftls/ftlsConfig.cmake")).expect("config");
    assert!(
        !config.contains('@'),
        "ftlsConfig.cmake has an unsubstituted @VARIABLE@:\n{config}"
    );
    assert!(config.contains(&native_static_libs()));
}

/// The functions declared in include/ftls.h (one declaration per line, as cbindgen writes them).
fn header_functions() -> Vec<String> {
    let header = fs::read_to_string(root().join("include/ftls.h")).expect("include/ftls.h");
    let functions: Vec<String> = header
        .lines()
        .filter(|line| !line.starts_with([' ', '*', '/', '#', '}']) && !line.starts_with("typedef"))
        .filter(|line| line.ends_with(");"))
        .filter_map(|line| {
            let name = line.split('(').next()?.rsplit([' ', '*']).next()?;
            name.starts_with("ftls_").then(|| name.to_owned())
        })
        .collect();
    assert!(
        functions.len() >= 50 && functions.iter().any(|f| f == "ftls_connection_read"),
        "parsing include/ftls.h found too few functions: {functions:?}"
    );
    functions
}

#[test]
fn install_gives_every_header_function_a_man_page() {
    let prefix = installed_prefix();
    let man3 = prefix.join("share/man/man3");
    let mut problems = Vec::new();
    for function in header_functions() {
        let Ok(page) = fs::read_to_string(man3.join(format!("{function}.3"))) else {
            problems.push(format!("{function}: no man page"));
            continue;
        };
        // NAME is what whatis and apropos read: "name \- what it does".
        let name_line = page
            .lines()
            .skip_while(|line| *line != ".SH NAME")
            .nth(1)
            .unwrap_or_default();
        if !name_line.starts_with(&format!("{function} \\- ")) {
            problems.push(format!("{function}: NAME says {name_line:?}"));
        }
        for section in [".SH SYNOPSIS", ".SH DESCRIPTION", ".SH SEE ALSO"] {
            if !page.contains(section) {
                problems.push(format!("{function}: no {section}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // As a user reads them: `man NAME` with MANPATH=PREFIX/share/man.
    for (function, expected) in [
        (
            "ftls_connection_read",
            "ftls_connection_read(ftls_connection *conn",
        ),
        ("ftls_client_config_builder_build", "RETURN VALUE"),
        ("ftls_result_name", "SYNOPSIS"),
    ] {
        let output = run_tool(
            Command::new("man")
                .arg(function)
                .env("MANPATH", prefix.join("share/man"))
                .env("MANWIDTH", "200")
                // Plain ASCII text: no formatting, `\-` as "-".
                .env("LC_ALL", "C")
                .env_remove("MAN_KEEP_FORMATTING")
                .env_remove("MANPAGER")
                .env_remove("PAGER"),
            "man (man-db)",
        );
        assert!(
            output.contains(&format!("{function} - ")) && output.contains(expected),
            "man {function}:\n{output}"
        );
    }
    // The whole header on one page, and a struct's page.
    for page in ["ftls.h", "ftls_verify_request"] {
        let output = run_tool(
            Command::new("man")
                .args(["-w", page])
                .env("MANPATH", prefix.join("share/man")),
            "man -w",
        );
        assert!(
            output.trim().starts_with(&prefix.display().to_string()),
            "man -w {page}: {output}"
        );
    }
}

#[test]
fn pkg_config_describes_the_installed_library() {
    let prefix = installed_prefix();
    let native = native_static_libs();
    let include = prefix.join("include").display().to_string();
    let lib = prefix.join("lib").display().to_string();
    assert_eq!(
        pkg_config(prefix, &["--modversion", "ftls"]).trim(),
        version()
    );
    assert_eq!(
        words(&pkg_config(prefix, &["--cflags", "--libs", "ftls"])),
        words(&format!("-I{include} -L{lib} -lftls"))
    );
    // Libs.private: what rustc said libftls.a needs, added by --static.
    assert_eq!(
        words(&pkg_config(prefix, &["--static", "--libs", "ftls"])),
        words(&format!("-L{lib} -lftls {native}"))
    );
    assert_eq!(
        words(&pkg_config(prefix, &["--cflags", "--libs", "ftls-static"])),
        words(&format!("-I{include} {lib}/libftls.a {native}"))
    );
}

#[test]
fn destdir_stages_the_tree_for_its_final_prefix() {
    let stage = scratch("destdir");
    make_install(Path::new("/opt/ftls"), Some(&stage));
    let staged = tree(&stage);
    assert!(
        staged.iter().all(|file| file.starts_with("opt/ftls/")),
        "everything goes under DESTDIR/PREFIX: {staged:?}"
    );
    assert!(staged.contains("opt/ftls/lib/libftls.a"), "{staged:?}");
    let pc = fs::read_to_string(stage.join("opt/ftls/lib/pkgconfig/ftls.pc")).expect("ftls.pc");
    assert!(
        pc.lines().any(|line| line == "prefix=/opt/ftls"),
        "ftls.pc names the final prefix, not DESTDIR:\n{pc}"
    );
}

// ---- consumers of the installed tree ---------------------------------------------------------

#[test]
fn a_consumer_links_through_pkg_config_shared_and_static() {
    let prefix = installed_prefix();
    let out = scratch("pkg-config");
    for (module, linkage) in [("ftls", Linkage::Shared), ("ftls-static", Linkage::Static)] {
        let binary = out.join(module);
        let flags = words(&pkg_config(prefix, &["--cflags", "--libs", module]));
        // Flags after the source, as a Makefile writes them: libraries must follow their users.
        run_tool(compile_consumer(&binary).args(&flags), "cc with pkg-config");
        let library_dir = prefix.join("lib");
        check_consumer(&binary, linkage, Some(&library_dir));
    }
}

#[test]
fn a_consumer_links_with_plain_cc_flags() {
    let prefix = installed_prefix();
    let binary = scratch("plain-cc").join("consumer");
    let include = format!("-I{}", prefix.join("include").display());
    let lib = format!("-L{}", prefix.join("lib").display());
    run_tool(
        compile_consumer(&binary).args([include, lib, "-lftls".to_owned()]),
        "cc -I... -L... -lftls",
    );
    check_consumer(&binary, Linkage::Shared, Some(&prefix.join("lib")));
}

#[test]
fn a_cmake_project_finds_the_package_and_links_both_targets() {
    let prefix = installed_prefix();
    let build = cmake_consumer(
        "cmake-find-package",
        &[format!("-DCMAKE_PREFIX_PATH={}", prefix.display())],
    );
    // CMake records the library's directory as the binary's run path: no LD_LIBRARY_PATH.
    check_consumer(&build.join("consumer_shared"), Linkage::Shared, None);
    check_consumer(&build.join("consumer_static"), Linkage::Static, None);
}

// ---- the source tree as a CMake subproject ---------------------------------------------------

#[test]
fn a_cmake_project_adds_the_source_tree_and_links_both_targets() {
    // The subproject builds the library with cargo into the target directory the rest of the
    // tests use, so it finds it built; its own tls-server (an example it builds) is the peer.
    let build = cmake_consumer(
        "cmake-add-subdirectory",
        &[
            format!("-DFTLS_SOURCE_DIR={}", root().display()),
            format!("-DFTLS_CARGO_TARGET_DIR={}", cargo_target_dir().display()),
            format!("-DFTLS_PROVIDER={}", provider()),
            "-DFTLS_BUILD_EXAMPLES=ON".to_owned(),
        ],
    );
    let staged = build.join("ftls/lib");
    assert!(
        fs::read_link(staged.join(soname())).is_ok(),
        "the subproject stages the library as make does: {:?}",
        tree(&staged)
    );
    let tls_server = build.join("ftls/bin/tls-server");
    check_consumer_against(
        &build.join("consumer_shared"),
        Linkage::Shared,
        None,
        &tls_server,
    );
    check_consumer_against(
        &build.join("consumer_static"),
        Linkage::Static,
        None,
        &tls_server,
    );
}
