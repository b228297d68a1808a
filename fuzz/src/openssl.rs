//! The OpenSSL-compatible library (compat/) under the same pressure as ftls' own API: what a
//! corrupt file, a hostile peer or a careless legacy program hands to its decoders, its string
//! parsers and its connections. The library catches its own panics at each exported function
//! (they become an "internal error" on the error queue), so a harness counts them itself: any
//! panic inside the library during a run is a finding.

use crate::inputs::Input;
use crate::pki::pki;
use ftls_openssl::bio::mem::BIO_s_mem;
use ftls_openssl::bio::{
    BIO_ctrl_pending, BIO_free, BIO_new, BIO_read, BIO_up_ref, BIO_write, BIO,
};
use ftls_openssl::evp::pkey::{EVP_PKEY_free, EVP_PKEY_get_bits, EVP_PKEY_get_id};
use ftls_openssl::init::CRYPTO_free;
use ftls_openssl::obj::{OBJ_ln2nid, OBJ_obj2nid, OBJ_obj2txt, OBJ_sn2nid, OBJ_txt2nid};
use ftls_openssl::pem::{
    PEM_read_bio_PrivateKey, PEM_read_bio_X509, PEM_read_bio_X509_AUX, PEM_write_bio_X509,
};
use ftls_openssl::ssl::cipher::SSL_CIPHER_get_name;
use ftls_openssl::ssl::conn::*;
use ftls_openssl::ssl::ctx::*;
use ftls_openssl::ssl::method::{TLS_client_method, TLS_method, TLS_server_method};
use ftls_openssl::ssl::session::*;
use ftls_openssl::ssl::strings::{
    SSL_alert_desc_string_long, SSL_select_next_proto, SSL_state_string_long,
};
use ftls_openssl::ssl::verify::*;
use ftls_openssl::ssl::{SSL, SSL_CTX};
use ftls_openssl::x509::asn1::*;
use ftls_openssl::x509::bn::{BN_bn2dec, BN_bn2hex, BN_free};
use ftls_openssl::x509::ext::*;
use ftls_openssl::x509::name::*;
use ftls_openssl::x509::*;
use std::cell::Cell;
use std::ffi::{c_char, c_int, c_long, c_uint, c_void, CString};
use std::ptr::{null, null_mut};
use std::sync::Once;

// OpenSSL 3.0's values (ssl.h, objects.h, x509v3.h), as a C program passes them.
const SSL_CTRL_SET_TLSEXT_HOSTNAME: c_int = 55;
const SSL_CTRL_SET_GROUPS_LIST: c_int = 92;
const SSL_CTRL_SET_SIGALGS_LIST: c_int = 98;
const SSL_CTRL_SET_CLIENT_SIGALGS_LIST: c_int = 102;
const SSL_CTRL_SET_MAX_PROTO_VERSION: c_int = 124;
const TLS1_2_VERSION: c_long = 0x0303;
const SSL_FILETYPE_PEM: c_int = 1;
const SSL_VERIFY_PEER: c_int = 1;
const SSL_VERIFY_FAIL_IF_NO_PEER_CERT: c_int = 2;
const SSL_OP_NO_TLSV1_3: u64 = 0x2000_0000;
const SSL_OP_NO_TICKET: u64 = 0x0000_4000;
const SSL_ERROR_ZERO_RETURN: c_int = 6;
const NID_COMMON_NAME: c_int = 13;
const NID_SUBJECT_ALT_NAME: c_int = 85;
const X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS: c_uint = 4;

thread_local! {
    static PANICKED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `body`, then fails if the library caught a panic of its own meanwhile (a panic hook,
/// installed once, notes every panic of the thread before the library's guard catches it).
fn without_panics(body: impl FnOnce()) {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICKED.with(|panicked| panicked.set(true));
            previous(info);
        }));
    });
    PANICKED.with(|panicked| panicked.set(false));
    body();
    assert!(
        !PANICKED.with(Cell::get),
        "a panic inside the OpenSSL-compatible library (caught at its boundary)"
    );
}

/// What a file or a program hands to the decoders and string parsers. The first byte picks
/// one: a DER certificate (what follows it: names to check it against), PEM certificates, a
/// PEM private key (with a password callback), a serialised session, the configuration
/// strings of a context and a connection, or two ALPN lists to choose from.
pub fn openssl_decoders(data: &[u8]) {
    without_panics(|| {
        let mut input = Input::new(data);
        match input.byte() % 6 {
            0 => der_certificate(input.rest()),
            1 => pem_certificates(&mut input),
            2 => pem_private_key(&mut input),
            3 => der_session(input.rest()),
            4 => configuration_strings(&mut input),
            _ => alpn_choice(&mut input),
        }
    });
}

/// Frees a string (or buffer) the library allocated for the caller, as OPENSSL_free does;
/// NULL does nothing.
fn free_string(text: *mut c_char) {
    CRYPTO_free(text.cast(), null(), 0);
}

fn c_len(data: &[u8]) -> c_int {
    c_int::try_from(data.len()).unwrap_or(c_int::MAX)
}

/// A memory BIO holding a copy of `data`.
fn memory_bio(data: &[u8]) -> *mut BIO {
    let bio = BIO_new(BIO_s_mem());
    assert!(!bio.is_null());
    if !data.is_empty() {
        assert_eq!(
            BIO_write(bio, data.as_ptr().cast(), c_len(data)),
            c_len(data)
        );
    }
    bio
}

/// Reads whatever `bio` holds and drops it.
fn drain(bio: *mut BIO) {
    let mut buf = [0u8; 4096];
    while BIO_read(bio, buf.as_mut_ptr().cast(), buf.len() as c_int) > 0 {}
}

/// How far a d2i or i2d function moved `cursor` from `start`: never past `len` bytes.
fn moved(start: *const u8, cursor: *const u8, len: usize) -> usize {
    let moved = (cursor as usize).wrapping_sub(start as usize);
    assert!(
        moved <= len,
        "the cursor left the buffer ({moved} of {len} bytes)"
    );
    moved
}

fn der_certificate(data: &[u8]) {
    let mut cursor = data.as_ptr();
    let x = d2i_X509(null_mut(), &mut cursor, data.len() as c_long);
    let used = moved(data.as_ptr(), cursor, data.len());
    if !x.is_null() {
        inspect(x, Input::new(&data[used..]));
        X509_free(x);
    }
}

fn pem_certificates(input: &mut Input) {
    let aux = input.byte() & 1 == 1;
    let bio = memory_bio(input.rest());
    for _ in 0..8 {
        let x = if aux {
            PEM_read_bio_X509_AUX(bio, null_mut(), None, null_mut())
        } else {
            PEM_read_bio_X509(bio, null_mut(), None, null_mut())
        };
        if x.is_null() {
            break;
        }
        inspect(x, Input::new(b"\x09localhost\x0b*.localhost\x09127.0.0.1"));
        X509_free(x);
    }
    BIO_free(bio);
}

/// Every query a program makes of a certificate; `names` holds the host names, e-mail
/// addresses and IP addresses to check it against.
fn inspect(x: *mut X509, mut names: Input) {
    let out = memory_bio(&[]);
    for name in [X509_get_subject_name(x), X509_get_issuer_name(x)] {
        inspect_name(name, out);
    }
    for i in 0..X509_get_ext_count(x).min(32) {
        let ext = X509_get_ext(x, i);
        let mut text = [0 as c_char; 80];
        OBJ_obj2txt(text.as_mut_ptr(), 80, X509_EXTENSION_get_object(ext), 1);
        X509_EXTENSION_get_critical(ext);
        let value = X509_EXTENSION_get_data(ext);
        ASN1_STRING_length(value);
    }
    let alt_names = X509_get_ext_d2i(x, NID_SUBJECT_ALT_NAME, null_mut(), null_mut());
    GENERAL_NAMES_free(alt_names.cast());
    while !names.is_empty() {
        let name = names.c_string();
        let mut peer = null_mut();
        for flags in [0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS] {
            X509_check_host(x, name.as_ptr(), 0, flags, &mut peer);
            free_string(std::mem::replace(&mut peer, null_mut()));
        }
        X509_check_email(x, name.as_ptr(), 0, 0);
        X509_check_ip_asc(x, name.as_ptr(), 0);
    }
    let (before, after) = (X509_get0_notBefore(x), X509_get0_notAfter(x));
    ASN1_TIME_print(out, before);
    ASN1_TIME_print(out, after);
    // SAFETY: libc's tm is plain data; zeroes are a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    ASN1_TIME_to_tm(after, &mut tm);
    let (mut days, mut seconds) = (0, 0);
    ASN1_TIME_diff(&mut days, &mut seconds, before, after);
    let serial = X509_get0_serialNumber(x);
    ASN1_INTEGER_get(serial);
    let bn = ASN1_INTEGER_to_BN(serial, null_mut());
    free_string(BN_bn2hex(bn));
    free_string(BN_bn2dec(bn));
    BN_free(bn);
    let key = X509_get_pubkey(x);
    EVP_PKEY_get_bits(key);
    EVP_PKEY_get_id(key);
    EVP_PKEY_free(key);
    X509_get_signature_nid(x);
    X509_get_version(x);
    X509_check_ca(x);
    reencode(|out| i2d_X509(x, out));
    PEM_write_bio_X509(out, x);
    drain(out);
    BIO_free(out);
}

/// Calls an i2d function as a program does: once for the length, once to write that many
/// bytes; the second call must write exactly them and advance the cursor past them.
fn reencode(i2d: impl Fn(*mut *mut u8) -> c_int) -> Vec<u8> {
    let len = i2d(null_mut());
    if len <= 0 {
        return Vec::new();
    }
    let mut der = vec![0u8; len as usize];
    let mut cursor = der.as_mut_ptr();
    assert_eq!(i2d(&mut cursor), len);
    assert_eq!(moved(der.as_ptr(), cursor, der.len()), der.len());
    der
}

fn inspect_name(name: *mut X509_NAME, out: *mut BIO) {
    free_string(X509_NAME_oneline(name, null_mut(), 0));
    let mut short = [0 as c_char; 16];
    X509_NAME_oneline(name, short.as_mut_ptr(), short.len() as c_int);
    // XN_FLAG_COMPAT, XN_FLAG_RFC2253, XN_FLAG_ONELINE, XN_FLAG_MULTILINE.
    for flags in [0, 0x0111_0317, 0x0082_031f, 0x02a4_0006] {
        X509_NAME_print_ex(out, name, 2, flags);
    }
    drain(out);
    X509_NAME_get_text_by_NID(
        name,
        NID_COMMON_NAME,
        short.as_mut_ptr(),
        short.len() as c_int,
    );
    X509_NAME_get_text_by_NID(name, NID_COMMON_NAME, null_mut(), 0);
    for i in 0..X509_NAME_entry_count(name).min(32) {
        let entry = X509_NAME_get_entry(name, i);
        let mut text = [0 as c_char; 80];
        OBJ_obj2txt(text.as_mut_ptr(), 80, X509_NAME_ENTRY_get_object(entry), 0);
        OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
        let mut utf8 = null_mut();
        if ASN1_STRING_to_UTF8(&mut utf8, X509_NAME_ENTRY_get_data(entry)) >= 0 {
            free_string(utf8.cast());
        }
    }
}

/// The password a key's callback answers with, and how it lies about its length.
struct Password {
    text: Vec<u8>,
    /// Added to the length the callback returns (past the size it was given, a buggy
    /// callback's answer, which the library must not trust).
    overstate: c_int,
}

unsafe extern "C" fn password_callback(
    buf: *mut c_char,
    size: c_int,
    _rwflag: c_int,
    userdata: *mut c_void,
) -> c_int {
    // SAFETY: `userdata` is the harness's `Password`, alive for the call; `buf` has room for
    // `size` bytes.
    unsafe {
        let password = &*userdata.cast::<Password>();
        let n = password.text.len().min(usize::try_from(size).unwrap_or(0));
        std::ptr::copy_nonoverlapping(password.text.as_ptr(), buf.cast::<u8>(), n);
        n as c_int + password.overstate
    }
}

fn pem_private_key(input: &mut Input) {
    let choice = input.byte();
    let mut password = Password {
        text: input.bytes().to_vec(),
        overstate: c_int::from(input.byte() % 4) * 40 - 40,
    };
    let bio = memory_bio(input.rest());
    let key = PEM_read_bio_PrivateKey(
        bio,
        null_mut(),
        (choice & 1 == 1).then_some(password_callback as _),
        (&mut password as *mut Password).cast(),
    );
    BIO_free(bio);
    if key.is_null() {
        return;
    }
    EVP_PKEY_get_bits(key);
    EVP_PKEY_get_id(key);
    // Against the test server's certificate: whether the two match.
    let ctx = SSL_CTX_new(TLS_server_method());
    let chain = CString::new(pki().path("server.pem")).expect("a path without NUL");
    SSL_CTX_use_certificate_chain_file(ctx, chain.as_ptr());
    SSL_CTX_use_PrivateKey(ctx, key);
    SSL_CTX_check_private_key(ctx);
    SSL_CTX_free(ctx);
    EVP_PKEY_free(key);
}

fn der_session(data: &[u8]) {
    let mut cursor = data.as_ptr();
    let session = d2i_SSL_SESSION(null_mut(), &mut cursor, data.len() as c_long);
    moved(data.as_ptr(), cursor, data.len());
    if session.is_null() {
        return;
    }
    let mut id_len = 0;
    SSL_SESSION_get_id(session, &mut id_len);
    SSL_SESSION_get_protocol_version(session);
    SSL_SESSION_get_time(session);
    SSL_SESSION_get_timeout(session);
    SSL_SESSION_is_resumable(session);
    reencode(|out| i2d_SSL_SESSION(session, out));
    SSL_SESSION_free(session);
}

/// The strings a program configures a context and a connection with: OpenSSL cipher strings,
/// TLS 1.3 suites, groups, signature algorithms, ALPN wire lists, host names, object names.
fn configuration_strings(input: &mut Input) {
    let ctx = SSL_CTX_new(TLS_method());
    SSL_CTX_set_cipher_list(ctx, input.c_string().as_ptr());
    SSL_CTX_set_ciphersuites(ctx, input.c_string().as_ptr());
    for cmd in [
        SSL_CTRL_SET_GROUPS_LIST,
        SSL_CTRL_SET_SIGALGS_LIST,
        SSL_CTRL_SET_CLIENT_SIGALGS_LIST,
    ] {
        let list = input.c_string();
        SSL_CTX_ctrl(ctx, cmd, 0, list.as_ptr().cast_mut().cast());
    }
    let alpn = input.bytes();
    SSL_CTX_set_alpn_protos(ctx, alpn.as_ptr(), alpn.len() as c_uint);
    let ssl = SSL_new(ctx);
    if !ssl.is_null() {
        SSL_set_cipher_list(ssl, input.c_string().as_ptr());
        SSL_set_ciphersuites(ssl, input.c_string().as_ptr());
        SSL_set1_host(ssl, input.c_string().as_ptr());
        let name = input.c_string();
        SSL_ctrl(
            ssl,
            SSL_CTRL_SET_TLSEXT_HOSTNAME,
            0,
            name.as_ptr().cast_mut().cast(),
        );
        let alpn = input.bytes();
        SSL_set_alpn_protos(ssl, alpn.as_ptr(), alpn.len() as c_uint);
        SSL_free(ssl);
    }
    SSL_CTX_free(ctx);
    let object = input.c_string();
    OBJ_txt2nid(object.as_ptr());
    OBJ_sn2nid(object.as_ptr());
    OBJ_ln2nid(object.as_ptr());
}

/// SSL_select_next_proto over two arbitrary wire-format lists: the choice points into one
/// of them, its length within it.
fn alpn_choice(input: &mut Input) {
    let (server, client) = (input.bytes(), input.bytes());
    let (mut out, mut out_len) = (null_mut(), 0u8);
    SSL_select_next_proto(
        &mut out,
        &mut out_len,
        server.as_ptr(),
        server.len() as c_uint,
        client.as_ptr(),
        client.len() as c_uint,
    );
    if out_len > 0 {
        let (start, end) = (out as usize, out as usize + usize::from(out_len));
        let within = |list: &[u8]| {
            list.as_ptr() as usize <= start && end <= list.as_ptr() as usize + list.len()
        };
        assert!(
            within(server) || within(client),
            "SSL_select_next_proto chose bytes outside both lists"
        );
    }
}

/// A connection of the library, client or server (the first byte, with its options: 1 server,
/// 2 TLS 1.2 at most, 4 info and message callbacks, 8 verify callback, 16 and 32 the
/// connection's own verify mode and options), over
/// memory BIOs: the rest of the input is what the peer sends, in pieces, between the calls a
/// legacy event loop makes (SSL_do_handshake, SSL_read, SSL_peek, SSL_write, SSL_shutdown, each
/// followed by SSL_get_error). The info, message and verify callbacks are set when the options
/// say so, and look at what they are given.
pub fn openssl_connection(data: &[u8]) {
    without_panics(|| {
        let mut input = Input::new(data);
        let options = input.byte();
        let server = options & 1 == 1;
        let ctx = connection_context(server, options);
        let ssl = SSL_new(ctx);
        assert!(!ssl.is_null());
        // The connection's own settings, which give it a config of its own.
        if options & 16 != 0 {
            SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, None);
        }
        if options & 32 != 0 {
            SSL_set_options(ssl, SSL_OP_NO_TLSV1_3);
        }
        let (rbio, wbio) = (memory_bio(&[]), memory_bio(&[]));
        SSL_set_bio(ssl, rbio, wbio);
        if server {
            SSL_set_accept_state(ssl);
        } else {
            SSL_set1_host(ssl, c"localhost".as_ptr());
            SSL_ctrl(
                ssl,
                SSL_CTRL_SET_TLSEXT_HOSTNAME,
                0,
                c"localhost".as_ptr().cast_mut().cast(),
            );
            SSL_set_connect_state(ssl);
        }
        for _ in 0..64 {
            if input.is_empty() {
                break;
            }
            let len = usize::from(input.u16());
            let piece = input.take(len);
            if !piece.is_empty() {
                BIO_write(rbio, piece.as_ptr().cast(), c_len(piece));
            }
            let call = input.byte();
            connection_call(ssl, call);
            drain(wbio);
        }
        X509_free(SSL_get1_peer_certificate(ssl));
        SSL_get_verify_result(ssl);
        SSL_free(ssl);
        SSL_CTX_free(ctx);
    });
}

fn connection_context(server: bool, options: u8) -> *mut SSL_CTX {
    let ctx = SSL_CTX_new(if server {
        TLS_server_method()
    } else {
        TLS_client_method()
    });
    assert!(!ctx.is_null());
    if server {
        let chain = CString::new(pki().path("server.pem")).expect("a path without NUL");
        let key = CString::new(pki().path("server.key")).expect("a path without NUL");
        assert_eq!(SSL_CTX_use_certificate_chain_file(ctx, chain.as_ptr()), 1);
        assert_eq!(
            SSL_CTX_use_PrivateKey_file(ctx, key.as_ptr(), SSL_FILETYPE_PEM),
            1
        );
    } else {
        let ca = CString::new(pki().path("ca.pem")).expect("a path without NUL");
        assert_eq!(SSL_CTX_load_verify_locations(ctx, ca.as_ptr(), null()), 1);
    }
    if options & 2 != 0 {
        SSL_CTX_ctrl(
            ctx,
            SSL_CTRL_SET_MAX_PROTO_VERSION,
            TLS1_2_VERSION,
            null_mut(),
        );
    }
    if options & 4 != 0 {
        SSL_CTX_set_info_callback(ctx, Some(info_callback));
        SSL_CTX_set_msg_callback(ctx, Some(msg_callback));
    }
    if options & 8 != 0 {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, Some(verify_callback));
    }
    let alpn = b"\x02h2\x08http/1.1";
    SSL_CTX_set_alpn_protos(ctx, alpn.as_ptr(), alpn.len() as c_uint);
    ctx
}

fn connection_call(ssl: *mut SSL, call: u8) {
    let mut buf = [0u8; 512];
    let len = c_int::from(call >> 3) * 16;
    let ret = match call & 7 {
        0 | 1 => SSL_do_handshake(ssl),
        2 => SSL_read(ssl, buf.as_mut_ptr().cast(), len),
        3 => SSL_peek(ssl, buf.as_mut_ptr().cast(), len),
        4 => SSL_write(ssl, buf.as_ptr().cast(), len),
        5 => SSL_shutdown(ssl),
        6 => SSL_pending(ssl),
        _ => {
            let (mut data, mut data_len) = (null(), 0);
            SSL_get0_alpn_selected(ssl, &mut data, &mut data_len);
            SSL_get_version(ssl);
            SSL_CIPHER_get_name(SSL_get_current_cipher(ssl));
            0
        }
    };
    if SSL_get_error(ssl, ret) == SSL_ERROR_ZERO_RETURN {
        SSL_shutdown(ssl);
    }
    SSL_state_string_long(ssl);
    BIO_ctrl_pending(SSL_get_rbio(ssl));
}

unsafe extern "C" fn info_callback(ssl: *const SSL, _where: c_int, value: c_int) {
    SSL_state_string_long(ssl);
    SSL_alert_desc_string_long(value & 0xff);
}

unsafe extern "C" fn msg_callback(
    _write_p: c_int,
    _version: c_int,
    _content_type: c_int,
    buf: *const c_void,
    len: usize,
    _ssl: *mut SSL,
    _arg: *mut c_void,
) {
    // SAFETY: the library passes `len` readable bytes at `buf`; every byte is read, so that a
    // sanitizer sees a short buffer.
    let bytes = unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), len) };
    std::hint::black_box(bytes.iter().fold(0u8, |sum, b| sum.wrapping_add(*b)));
}

unsafe extern "C" fn verify_callback(preverify_ok: c_int, store: *mut X509_STORE_CTX) -> c_int {
    let cert = X509_STORE_CTX_get_current_cert(store);
    free_string(X509_NAME_oneline(
        X509_get_subject_name(cert.cast()),
        null_mut(),
        0,
    ));
    X509_STORE_CTX_get_error(store);
    X509_STORE_CTX_get_error_depth(store);
    preverify_ok
}

/// The sessions of the library's client and server, serialised (`i2d_SSL_SESSION`) after a
/// TLS 1.3 handshake between two of its connections (the server's, a stateful ticket, carries
/// rustls' encoded session): seeds for the session decoder.
pub(crate) fn serialised_sessions() -> [Vec<u8>; 2] {
    let (client_ctx, server_ctx) = (connection_context(false, 0), connection_context(true, 0));
    SSL_CTX_set_options(server_ctx, SSL_OP_NO_TICKET);
    SSL_CTX_sess_set_new_cb(server_ctx, Some(keep_server_session));
    let (client, server) = (SSL_new(client_ctx), SSL_new(server_ctx));
    let (to_server, to_client) = (memory_bio(&[]), memory_bio(&[]));
    // Each BIO is shared: the server reads what the client writes and the other way round.
    BIO_up_ref(to_server);
    BIO_up_ref(to_client);
    SSL_set_bio(client, to_client, to_server);
    SSL_set_bio(server, to_server, to_client);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    SSL_set1_host(client, c"localhost".as_ptr());
    let mut buf = [0u8; 64];
    for _ in 0..8 {
        SSL_do_handshake(client);
        SSL_do_handshake(server);
        // The server's tickets arrive with the client's next read.
        SSL_read(client, buf.as_mut_ptr().cast(), buf.len() as c_int);
    }
    let session = SSL_get1_session(client);
    let der = reencode(|out| i2d_SSL_SESSION(session, out));
    let server_der = SERVER_SESSION.with(|kept| kept.take());
    assert!(
        !der.is_empty() && !server_der.is_empty(),
        "the seed handshake left the client or the server without a session"
    );
    SSL_SESSION_free(session);
    SSL_free(client);
    SSL_free(server);
    SSL_CTX_free(client_ctx);
    SSL_CTX_free(server_ctx);
    [der, server_der]
}

thread_local! {
    /// The last session the seed server handed to its new-session callback, serialised.
    static SERVER_SESSION: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

unsafe extern "C" fn keep_server_session(_ssl: *mut SSL, session: *mut SSL_SESSION) -> c_int {
    SERVER_SESSION.with(|kept| kept.set(reencode(|out| i2d_SSL_SESSION(session, out))));
    0
}
