//! The libcrypto side of the compatibility library, checked against OpenSSL itself: each
//! tests/compat/unit_*.c program is built unchanged twice, against the system OpenSSL and
//! against the OpenSSL-shaped root, run on the same inputs, and the two outputs must be
//! identical (then a few lines are checked directly, so that two equally broken runs fail).
//! The inputs are made here with the openssl command: a CA, an RSA server certificate with
//! every kind of subjectAltName and a multi-valued, UTF-8, comma-holding subject, EC and
//! Ed25519 certificates, and private keys in each PEM form (PKCS#8, PKCS#1, SEC1 with its
//! parameters block, encrypted PKCS#8).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use support::{ensure_root, openssl_root, repo_root, run_tool};

/// Builds tests/compat/NAME.c against the system OpenSSL ("system") or the root ("ftls").
fn build(name: &str, against: &str) -> PathBuf {
    let out_dir = repo_root().join("target/compat-tests");
    std::fs::create_dir_all(&out_dir).expect("target/ is writable");
    let program = out_dir.join(format!("{name}-{against}-{}", support::provider()));
    let source = repo_root().join("tests/compat").join(format!("{name}.c"));
    let mut cc = Command::new("cc");
    cc.args([
        "-std=c99",
        "-Wall",
        "-Wextra",
        "-Wpedantic",
        "-Werror",
        "-g",
    ])
    .arg("-D_POSIX_C_SOURCE=200809L");
    if against == "system" {
        // Legacy programs use calls OpenSSL 3.0 marks deprecated (HMAC_CTX ...).
        cc.arg("-Wno-deprecated-declarations");
    } else {
        ensure_root();
        let root = openssl_root();
        let lib = root.join("lib");
        cc.arg(format!("-I{}", root.join("include").display()))
            .arg(format!("-L{}", lib.display()))
            .arg(format!("-Wl,-rpath,{}", lib.display()));
    }
    cc.arg(&source)
        .arg("-o")
        .arg(&program)
        .args(["-lssl", "-lcrypto"]);
    run_tool(&mut cc, &format!("cc for {name}.c against {against}"));
    program
}

/// The inputs, made once per test binary in target/compat-tests/crypto-inputs.
fn inputs() -> &'static Path {
    static MADE: OnceLock<PathBuf> = OnceLock::new();
    MADE.get_or_init(|| {
        let dir = repo_root().join("target/compat-tests/crypto-inputs");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("target/ is writable");
        std::fs::write(
            dir.join("ext.cnf"),
            "subjectAltName=DNS:localhost,DNS:*.example.com,DNS:f*.test,IP:127.0.0.1,IP:::1,\
             email:admin@unit.test,URI:https://unit.test/,RID:1.2.3.4\n\
             keyUsage=critical,digitalSignature,keyEncipherment\n\
             extendedKeyUsage=serverAuth,clientAuth\n",
        )
        .expect("write ext.cnf");
        let openssl = |args: &[&str]| {
            run_tool(
                Command::new("openssl").args(args).current_dir(&dir),
                &format!("openssl {}", args[0]),
            );
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-subj",
            "/C=FR/O=Unit Test CA/CN=Unit Root",
            "-days",
            "30",
            "-addext",
            "basicConstraints=critical,CA:TRUE,pathlen:1",
        ]);
        openssl(&[
            "req",
            "-new",
            "-newkey",
            "rsa:3072",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-utf8",
            "-multivalue-rdn",
            "-subj",
            "/C=FR/ST=Île-de-France/L=Paris/O=Unit Test, Inc/OU=Dev/OU=Ops+UID=42/CN=unit.test/\
             emailAddress=admin@unit.test",
            "-out",
            "leaf.csr",
        ]);
        openssl(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "0x00A1B2C3D4E5F60718",
            "-days",
            "10",
            "-extfile",
            "ext.cnf",
            "-out",
            "leaf.pem",
        ]);
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-384",
            "-nodes",
            "-keyout",
            "ec.key",
            "-out",
            "ec.pem",
            "-subj",
            "/CN= spaced #1/O=#hash;semi<angle>",
            "-days",
            "5",
        ]);
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ed25519",
            "-nodes",
            "-keyout",
            "ed.key",
            "-out",
            "ed.pem",
            "-subj",
            "/CN=ed.test",
            "-days",
            "5",
            "-set_serial",
            "1",
        ]);
        openssl(&[
            "ecparam",
            "-genkey",
            "-name",
            "prime256v1",
            "-out",
            "sec1.key",
        ]);
        openssl(&["genrsa", "-traditional", "-out", "pkcs1.key", "2048"]);
        openssl(&[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-in",
            "ec.key",
            "-passout",
            "pass:secret",
            "-out",
            "enc.key",
        ]);
        let bundle: Vec<u8> = ["leaf.pem", "ca.pem", "ec.pem", "ed.pem"]
            .iter()
            .flat_map(|name| std::fs::read(dir.join(name)).expect("a certificate was written"))
            .collect();
        std::fs::write(dir.join("bundle.pem"), bundle).expect("write bundle.pem");
        dir
    })
}

/// Runs NAME built both ways with `args` (relative to the inputs) and returns the common
/// stdout, failing with a diff when the two differ.
fn same_output(name: &str, args: &[&str]) -> String {
    same_stdout(name, args).stdout
}

/// What a program built both ways printed: the common stdout, and each build's stderr (where
/// a program puts what ftls does differently by design).
struct Outputs {
    stdout: String,
    openssl_stderr: String,
    ftls_stderr: String,
}

/// same_output, keeping each build's stderr.
fn same_stdout(name: &str, args: &[&str]) -> Outputs {
    let dir = inputs();
    let run = |program: PathBuf| {
        let output = Command::new(&program)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
        assert!(
            output.status.success(),
            "{} failed ({}):\n{}",
            program.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        (
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (system, openssl_stderr) = run(build(name, "system"));
    let (ftls, ftls_stderr) = run(build(name, "ftls"));
    if system != ftls {
        let mut report = String::new();
        for (line, (a, b)) in system.lines().zip(ftls.lines()).enumerate() {
            if a != b {
                report.push_str(&format!(
                    "line {}:\n  openssl: {a}\n  ftls:    {b}\n",
                    line + 1
                ));
            }
        }
        panic!(
            "{name}: the outputs differ ({} lines with OpenSSL, {} with ftls):\n{report}",
            system.lines().count(),
            ftls.lines().count()
        );
    }
    Outputs {
        stdout: system,
        openssl_stderr,
        ftls_stderr,
    }
}

#[test]
fn certificates_keys_digests_and_stacks_read_as_with_openssl() {
    let out = same_output(
        "unit_x509",
        &[
            "bundle.pem",
            "leaf.key",
            "sec1.key",
            "pkcs1.key",
            "ec.key",
            "ed.key",
            "--password",
            "secret",
            "enc.key",
            "--password",
            "wrong",
            "enc.key",
        ],
    );
    for expected in [
        "== certificate 4 (same object: 1)",
        "  oneline: /C=FR/ST=\\xC3\\x8Ele-de-France/L=Paris/O=Unit Test, Inc/OU=Dev/OU=Ops+UID=42/\
         CN=unit.test/emailAddress=admin@unit.test",
        "   type=2 '*.example.com' (13)",
        "  check_host www.example.com : 1 0 1 1 1 1",
        "  peername [1]: *.example.com",
        "  serial get=-1 hex=A1B2C3D4E5F60718 dec=11651590505119483672 bits=64 bytes=8",
        "  pubkey: id=408 base=408 bits=384 size=104 group=1:secp384r1 is_a(RSA)=0 is_a(EC)=1",
        "  private key: id=6 base=6 bits=2048 size=256 group=0:- is_a(RSA)=1 is_a(EC)=0",
        " HMAC:750c783e6ab0b503eaa86e310a5db738",
        "random differ: 1",
        "  error: lib=9 reason=100",
        " open ok=1 len=40 'forty bytes of a record to be protected.'",
        " tampered final=0",
        "stack: pushed=4 num=4 value(99)=NULL find(first)=0",
    ] {
        assert!(
            out.lines().any(|line| line == expected),
            "missing line {expected:?} in:\n{out}"
        );
    }
}

#[test]
fn bio_types_behave_as_with_openssl() {
    let out = same_output("unit_bio", &["scratch.txt"]);
    for expected in [
        "pair: write 100 -> 64, guarantee 0",
        "pair: empty read -> -1 retry=1 read=1 request=30",
        "pair: read after shutdown -> 0 retry=0 eof=1",
        "fd: gets 7 'line 2",
        "file: errors: lib=2 reason=2 lib=32 reason=128",
        "custom: read 19 'through the program'",
        "  callback after oper=3 len=3 argi=0 ret=1 processed=3 arg=arg",
        "buffer: flush 1, mem pending 8",
        "connect: done 1",
        "accept: read 13 'over loopback'",
        "socket: served read 3 'raw'",
        "read-only: reset 1 pending 23",
        "done",
    ] {
        assert!(
            out.lines().any(|line| line == expected),
            "missing line {expected:?} in:\n{out}"
        );
    }
}

#[test]
fn ssl_filter_bios_talk_as_with_openssl() {
    let out = same_output("unit_ssl_bio", &["leaf.pem", "leaf.key", "ca.pem"]);
    for expected in [
        "handshake: client 1 server 1 verify 0 version TLSv1.3",
        "server: gets 17 'Host: localhost'",
        "server: puts 42 wpending 42",
        "hello from the SSL BIO",
        "client: end of stream 0, shutdown state 1",
        "ssl_connect: next type=1292 host 127.0.0.1",
        "ssl_connect: handshake 1 1 verify 0",
        "ssl_connect: server read 4 'ping'",
        "done",
    ] {
        assert!(
            out.lines().any(|line| line == expected),
            "missing line {expected:?} in:\n{out}"
        );
    }
}

#[test]
fn the_smaller_libcrypto_calls_answer_as_with_openssl() {
    let out = same_output("unit_crypto_api", &["ec.pem", "ec.key"]);
    for expected in [
        "peek_error_line_data: lib=2 data='calling fopen(/nonexistent/unit-crypto-api, r)' text=1",
        "set_mark on an empty queue: 0",
        "clear_last_mark: 0, still queued 1",
        "find alpha 0, find_ex alpha 1, find_ex bz 3, find_ex aaa 0, find NULL -1",
        "new_reserve: 1 num 0, reserve 100: 1, reserve -1: 1",
        "deep copy: echo alpha bravo charlie delta",
        "numbers: read 13 written 13",
        "get_retry_BIO: itself 1 reason 0",
        "md reset 1, then sha1: init 1 update 1 final 1 len 20 first a9",
        "group param: 1 'secp384r1' (9)",
        "done",
    ] {
        assert!(
            out.lines().any(|line| line == expected),
            "missing line {expected:?} in:\n{out}"
        );
    }
}

/// What one SSL changes for itself (verify mode, versions, options, cipher lists) holds for
/// its handshake, and a context changed after SSL_new leaves the SSLs made before as they were.
#[test]
fn a_connections_own_settings_hold_as_with_openssl() {
    let out = same_output("unit_ssl_own_settings", &["leaf.pem", "leaf.key", "ca.pem"]);
    for expected in [
        "server requires a certificate, client has none: client done, server failed, client \
         certificate none",
        "server requires a certificate, client has one: client done, server done, TLSv1.3 \
         TLS_AES_256_GCM_SHA384, client certificate seen",
        "client max TLS 1.2: client done, server done, TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384, \
         client certificate none",
        "server without TLS 1.3: client done, server done, TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384, \
         client certificate none",
        "server min TLS 1.3, client max TLS 1.2: client waiting, server failed, client \
         certificate none",
        "client suite ChaCha20: client done, server done, TLSv1.3 TLS_CHACHA20_POLY1305_SHA256, \
         client certificate none",
        "client TLS 1.2 suite AES-128: client done, server done, TLSv1.2 \
         ECDHE-RSA-AES128-GCM-SHA256, client certificate none",
        "set_cipher_list nothing known: error lib=20 reason=185",
        "contexts changed after SSL_new: client done, server done, TLSv1.3 \
         TLS_AES_256_GCM_SHA384, client certificate none",
        "contexts changed before SSL_new: client waiting, server failed, client certificate none",
        "servername callback, verify set before: client done, server failed, client certificate \
         none",
        "verify set by the servername callback, client has none: client done, server failed, \
         client certificate none",
        "done",
    ] {
        assert!(
            out.lines().any(|line| line == expected),
            "missing line {expected:?} in:\n{out}"
        );
    }
}

/// A client reconnecting with the same context: each connection reports its server's
/// verification as OpenSSL does (which resumes only on SSL_set_session), although ftls resumes
/// from the context's cache: sessions of servers that failed verification are not kept, and a
/// session is offered only to connections that verify the same way (names, callback). A
/// server that tolerated a client certificate failing verification makes no session of it.
#[test]
fn reconnecting_peers_report_their_verification_as_with_openssl() {
    let out = same_stdout(
        "unit_ssl_resumed_verification",
        &["leaf.pem", "leaf.key", "ca.pem"],
    );
    let untrusted = "verify result 20 (unable to get local issuer certificate)";
    for version in ["TLS 1.3", "TLS 1.2"] {
        for expected in [
            format!("{version} untrusted, verify none, connection 3: client done, {untrusted}, server's 0"),
            format!("{version} trusted, verify none, connection 3: client done, verify result 0 (ok), server's 0"),
            format!(
                "{version} then other.test checked: client failed, verify result 62 (hostname \
                 mismatch), server's 0"
            ),
            format!("{version} then without the callback: client failed, {untrusted}, server's 0"),
            format!("{version} then that session again: client done, verify result 0 (ok), server's 21"),
            format!(
                "{version} then that verified session again: client done, verify result 0 (ok), \
                 server's 0"
            ),
        ] {
            assert!(
                out.stdout.lines().any(|line| line == expected),
                "missing line {expected:?} in:\n{}",
                out.stdout
            );
        }
        // ftls still resumes what it may.
        for resumed in [
            format!("{version} trusted, verify none, connection 3: resumed 1"),
            format!("{version} then localhost again: resumed 1"),
            format!("{version} then that verified session again: resumed 1"),
            format!("{version} untrusted, verify none, connection 3: resumed 0"),
            format!("{version} then that session again: resumed 0"),
        ] {
            assert!(
                out.ftls_stderr.lines().any(|line| line == resumed),
                "missing line {resumed:?} in:\n{}",
                out.ftls_stderr
            );
        }
    }
    assert!(out.stdout.ends_with("done\n"), "{}", out.stdout);
}

/// A server's sessions kept by the program as i2d_SSL_SESSION bytes in a file resume in a new
/// server process that reads them back, and not in one of another session ID context.
#[test]
fn serialised_server_sessions_resume_as_with_openssl() {
    let out = same_output(
        "unit_ssl_session_der",
        &[
            "leaf.pem",
            "leaf.key",
            "ca.pem",
            "unit_ssl_session_der.session",
        ],
    );
    for version in ["TLS 1.3", "TLS 1.2"] {
        for expected in [
            format!("{version} first server: resumed 0, server 0"),
            format!("{version} a new server process reading it back: resumed 1, server 1"),
            format!("{version} a server of another session ID context: resumed 0, server 0"),
        ] {
            assert!(
                out.lines().any(|line| line == expected),
                "missing line {expected:?} in:\n{out}"
            );
        }
    }
}

#[test]
fn ssl_and_ctx_calls_answer_as_with_openssl() {
    let out = same_stdout(
        "unit_ssl_api",
        &["leaf.pem", "leaf.key", "ca.pem", "pkcs1.key"],
    );
    for expected in [
        "use_PrivateKey other key: 0",
        "  errors: lib=11 reason=116",
        "use_PrivateKey own key: 1 check 1",
        "client CA list at first: 0 names",
        "  /C=FR/O=Unit Test CA/CN=Unit Root",
        "ex_data: set 1 get same 1 other index NULL app_data NULL",
        "store: load_locations missing file 0",
        "store: load_locations missing dir 1",
        "options: ssl 0x104000 set 0x504000 clear 0x100000 get 0x100000 ctx 0x104000",
        "verify: ssl mode 1 depth 4 -> mode 3 depth 2, ctx still 1 4",
        "default cipher list [3]: ECDHE-ECDSA-AES256-GCM-SHA384",
        "tls1.3: client first step -1 error 2 want 3 in_before 0 in_init 1",
        "tls1.3: done 1 1 in_before 0 0 in_init 0 0 verify 0",
        "tls1.3: cipher TLS_AES_256_GCM_SHA384 id 0x03001302 protocol id 0x1302",
        "tls1.3: peek_ex 1 n 5 'hello' pending 11",
        "tls1.3: session timeout 7200 set_timeout 1 -> 300",
        "tls1.3: verify result set 23",
        "tls1.3: up_ref 1, after one free still version 0x304",
        "tls1.3: quiet client shutdown 1 state 3 sent 0",
        "tls1.2: versions before 0x304 0x303",
        "ECDHE+AESGCM cipher list [6]: ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE+AESGCM cipher list [7]: NULL",
        "tls1.2: cipher ECDHE-RSA-AES256-GCM-SHA384 id 0x0300c030 protocol id 0xc030",
        "tls1.2: session protocol 0x303 up_ref 1",
        "filter: write 18 server read 18 'through the filter'",
        "accept: type 1293 name socket accept",
        "TLSv1_2_method: version TLSv1.2 0x303 0x303",
        "TLSv1_2_method: set_shutdown -> 3 shutdown 1 sent 0",
        "store: set_default_paths 1",
        "done",
    ] {
        assert!(
            out.stdout.lines().any(|line| line == expected),
            "missing line {expected:?} in:\n{}",
            out.stdout
        );
    }
    // TLS 1.0 and 1.1 methods: OpenSSL makes the context, ftls refuses it by design
    // (SSL_R_UNSUPPORTED_PROTOCOL; docs/openssl-compat.md, SSL_CTX_new).
    for method in [
        "TLSv1_method",
        "TLSv1_client_method",
        "TLSv1_server_method",
        "TLSv1_1_method",
        "TLSv1_1_server_method",
    ] {
        let made = format!("{method}: SSL_CTX_new made\n");
        let refused = format!("{method}: SSL_CTX_new NULL\n  errors: lib=20 reason=258\n");
        assert!(
            out.openssl_stderr.contains(&made),
            "OpenSSL, {method}:\n{}",
            out.openssl_stderr
        );
        assert!(
            out.ftls_stderr.contains(&refused),
            "ftls, {method}:\n{}",
            out.ftls_stderr
        );
    }
}
