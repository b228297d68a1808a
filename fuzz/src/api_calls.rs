//! The C API driven by an arbitrary sequence of calls on a few handles, with arbitrary
//! arguments, callbacks that answer with garbage and callbacks that call back into their own
//! connection: what a careless C caller can do without
//! breaking the contract (it never frees a handle twice, never passes a freed one, and never
//! lies about the size of a buffer: those are the caller's undefined behaviour, not ftls').

use crate::calls::{check, checked, empty_bytes, empty_str};
use crate::inputs::Input;
use crate::memory::{read_incoming, write_into, Incoming};
use crate::pki::pki;
use ftls::capi::*;
use ftls::core::ResultCode::*;
use std::ffi::{c_char, c_int, c_void, CString};
use std::ptr::null_mut;

/// What the garbage callbacks answer; changed by the input between calls.
#[derive(Default)]
struct Answers {
    verify: c_int,
    hello: c_int,
    transport_result: c_int,
    /// What a transport callback claims it moved, beyond what it was asked to.
    transport_extra: usize,
}

/// Every handle the sequence can use; NULL where there is none.
struct World {
    client_builder: *mut ftls_client_config_builder,
    server_builder: *mut ftls_server_config_builder,
    client_config: *mut ftls_client_config,
    server_config: *mut ftls_server_config,
    client: *mut ftls_connection,
    server: *mut ftls_connection,
    ticketer: *mut ftls_ticketer,
    /// TLS bytes on their way, each to the side it names.
    to_server: Vec<u8>,
    to_client: Vec<u8>,
    answers: Box<Answers>,
}

unsafe extern "C" fn verify_garbage(
    userdata: *mut c_void,
    _request: *const ftls_verify_request,
    reason: *mut c_char,
    reason_len: usize,
) -> c_int {
    // SAFETY: `userdata` is the world's `Answers`, alive while the configs are; `reason` has
    // room for `reason_len` bytes. The reason is left without a NUL on purpose.
    unsafe {
        std::ptr::write_bytes(reason, b'x', reason_len);
        (*userdata.cast::<Answers>()).verify
    }
}

unsafe extern "C" fn hello_garbage(
    userdata: *mut c_void,
    _hello: *const ftls_client_hello,
) -> c_int {
    // SAFETY: as in `verify_garbage`.
    unsafe { (*userdata.cast::<Answers>()).hello }
}

unsafe extern "C" fn keylog_line(_userdata: *mut c_void, line: ftls_str) {
    std::hint::black_box(line);
}

/// A read callback that returns the world's answer, and claims more bytes than it was asked
/// for when told to (it writes only what fits).
unsafe extern "C" fn read_garbage(
    userdata: *mut c_void,
    buf: *mut u8,
    len: usize,
    out_n: *mut usize,
) -> c_int {
    // SAFETY: as in `verify_garbage`; `buf` has room for `len` bytes, `out_n` is writable.
    unsafe {
        let answers = &*userdata.cast::<Answers>();
        std::ptr::write_bytes(buf, 0x17, len.min(5));
        *out_n = len.min(5).saturating_add(answers.transport_extra);
        answers.transport_result
    }
}

/// A write callback that returns the world's answer and claims what it is told to.
unsafe extern "C" fn write_garbage(
    userdata: *mut c_void,
    _buf: *const u8,
    len: usize,
    out_n: *mut usize,
) -> c_int {
    // SAFETY: as in `read_garbage`.
    unsafe {
        let answers = &*userdata.cast::<Answers>();
        *out_n = (len / 2).saturating_add(answers.transport_extra);
        answers.transport_result
    }
}

/// A connection's own callback calling back into it, as a careless C program might: ftls must
/// refuse the nested call, or put a nested free off until the outer call returns.
struct Reentry {
    conn: *mut ftls_connection,
    /// The world's `Answers`, for the nested call's own callback (never run if ftls refuses).
    answers: *mut c_void,
    how: u8,
    freed: bool,
}

unsafe extern "C" fn read_reentering(
    userdata: *mut c_void,
    _buf: *mut u8,
    _len: usize,
    _out_n: *mut usize,
) -> c_int {
    // SAFETY: `userdata` is the `Reentry` the harness passed to this very call.
    let reentry = unsafe { &mut *userdata.cast::<Reentry>() };
    reenter(reentry);
    libc_eagain()
}

unsafe extern "C" fn write_reentering(
    userdata: *mut c_void,
    _buf: *const u8,
    _len: usize,
    _out_n: *mut usize,
) -> c_int {
    // SAFETY: as in `read_reentering`.
    let reentry = unsafe { &mut *userdata.cast::<Reentry>() };
    reenter(reentry);
    libc_eagain()
}

fn reenter(reentry: &mut Reentry) {
    let conn = reentry.conn;
    let mut n = 0;
    let mut buf = [0u8; 16];
    match reentry.how % 6 {
        0 => check(ftls_connection_read_tls(
            conn,
            Some(read_garbage),
            reentry.answers,
            &mut n,
        )),
        1 => check(ftls_connection_write_tls(
            conn,
            Some(write_garbage),
            reentry.answers,
            &mut n,
        )),
        2 => check(ftls_connection_process_new_packets(conn)),
        3 => check(ftls_connection_read(
            conn,
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
        )),
        4 => check(ftls_connection_write(conn, buf.as_ptr(), buf.len(), &mut n)),
        _ => {
            ftls_connection_free(conn);
            reentry.freed = true;
        }
    }
}

/// An errno-like value a callback may return: success, would-block, an error, or nonsense.
fn transport_answer(byte: u8) -> c_int {
    match byte % 6 {
        0 => 0,
        1 => libc_eagain(),
        2 => 5,  // EIO
        3 => 4,  // EINTR
        4 => -1, // not an errno at all
        _ => c_int::MAX,
    }
}

fn libc_eagain() -> c_int {
    11 // EAGAIN on Linux
}

impl World {
    fn new() -> Self {
        World {
            client_builder: null_mut(),
            server_builder: null_mut(),
            client_config: null_mut(),
            server_config: null_mut(),
            client: null_mut(),
            server: null_mut(),
            ticketer: null_mut(),
            to_server: Vec::new(),
            to_client: Vec::new(),
            answers: Box::default(),
        }
    }

    fn answers_ptr(&mut self) -> *mut c_void {
        (&mut *self.answers as *mut Answers).cast()
    }

    fn connection(&self, pick: u8) -> *mut ftls_connection {
        if pick & 1 == 0 {
            self.client
        } else {
            self.server
        }
    }

    fn free_connection(&mut self, pick: u8) {
        let conn = if pick & 1 == 0 {
            &mut self.client
        } else {
            &mut self.server
        };
        ftls_connection_free(std::mem::replace(conn, null_mut()));
    }

    fn free_configs(&mut self) {
        ftls_client_config_free(std::mem::replace(&mut self.client_config, null_mut()));
        ftls_server_config_free(std::mem::replace(&mut self.server_config, null_mut()));
    }

    fn free_builders(&mut self) {
        ftls_client_config_builder_free(std::mem::replace(&mut self.client_builder, null_mut()));
        ftls_server_config_builder_free(std::mem::replace(&mut self.server_builder, null_mut()));
    }

    /// Moves the TLS bytes one side has queued to the other and lets it process them.
    fn pump(&mut self, input: &mut Input) {
        let chunk = input.byte();
        for (from, to, buffer) in [
            (self.client, self.server, &mut self.to_server),
            (self.server, self.client, &mut self.to_client),
        ] {
            if !from.is_null() {
                let mut n = 0;
                let sent = (buffer as *mut Vec<u8>).cast::<c_void>();
                check(ftls_connection_write_tls(
                    from,
                    Some(write_into),
                    sent,
                    &mut n,
                ));
            }
            if !to.is_null() && !buffer.is_empty() {
                let mut data = vec![chunk];
                data.extend_from_slice(buffer);
                let mut incoming = Incoming::new(&data);
                let mut n = 0;
                let userdata = (&mut incoming as *mut Incoming).cast::<c_void>();
                check(ftls_connection_read_tls(
                    to,
                    Some(read_incoming),
                    userdata,
                    &mut n,
                ));
                let unread = incoming.data.len();
                buffer.drain(..buffer.len() - unread);
                check(ftls_connection_process_new_packets(to));
            }
        }
    }

    /// Every question a C program asks of a connection.
    fn ask(&self, conn: *mut ftls_connection, input: &mut Input) {
        let (mut id, mut text, mut bytes) = (0u16, empty_str(), empty_bytes());
        let mut version = 0u16;
        check(ftls_connection_protocol_version(
            conn,
            &mut version,
            &mut text,
        ));
        check(ftls_connection_cipher_suite(conn, &mut id, &mut text));
        check(ftls_connection_key_exchange_group(conn, &mut text));
        check(ftls_connection_alpn_protocol(conn, &mut bytes));
        check(ftls_connection_sni_server_name(conn, &mut text));
        std::hint::black_box(ftls_connection_peer_certificate_count(conn));
        let mut cert = std::ptr::null_mut();
        if checked(ftls_connection_peer_certificate(
            conn,
            input.length(),
            &mut cert,
        )) == FTLS_OK
        {
            ftls_certificate_free(cert);
        }
        check(ftls_connection_peer_ocsp_response(conn, &mut bytes));
        std::hint::black_box(ftls_connection_is_resumed(conn));
        std::hint::black_box(ftls_connection_wants_read(conn));
        std::hint::black_box(ftls_connection_wants_write(conn));
        let mut buf = vec![0 as c_char; usize::from(input.byte())];
        let mut full = 0;
        check(ftls_connection_last_error(
            conn,
            buf.as_mut_ptr(),
            buf.len(),
            &mut full,
        ));
    }

    fn step(&mut self, input: &mut Input) {
        let pki = pki();
        let answers = self.answers_ptr();
        match input.byte() % 33 {
            0 => {
                ftls_client_config_builder_free(self.client_builder);
                check(ftls_client_config_builder_new(&mut self.client_builder));
            }
            1 => {
                ftls_server_config_builder_free(self.server_builder);
                check(ftls_server_config_builder_new(&mut self.server_builder));
            }
            2 => {
                let trust = pki.trust("ca.pem");
                check(ftls_client_config_builder_set_trust(
                    self.client_builder,
                    trust,
                ));
                ftls_trust_free(trust);
            }
            3 => {
                let identity = pki.identity("server.pem", "server.key");
                check(ftls_server_config_builder_add_identity(
                    self.server_builder,
                    identity,
                ));
                ftls_identity_free(identity);
            }
            4 => {
                let identity = pki.identity("client.pem", "client.key");
                check(ftls_client_config_builder_add_identity(
                    self.client_builder,
                    identity,
                ));
                ftls_identity_free(identity);
            }
            5 => {
                let trust = pki.trust("ca.pem");
                check(ftls_server_config_builder_set_trust(
                    self.server_builder,
                    trust,
                ));
                ftls_trust_free(trust);
                check(ftls_server_config_builder_set_client_auth(
                    self.server_builder,
                    u32::from(input.byte() % 4),
                ));
            }
            6 => {
                let versions = input.u32();
                check(ftls_client_config_builder_set_versions(
                    self.client_builder,
                    versions,
                ));
                check(ftls_server_config_builder_set_versions(
                    self.server_builder,
                    versions,
                ));
            }
            7 => {
                let names: Vec<CString> = (0..input.byte() % 4).map(|_| input.c_string()).collect();
                let pointers: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
                if input.byte() & 1 == 0 {
                    check(ftls_client_config_builder_set_alpn(
                        self.client_builder,
                        pointers.as_ptr(),
                        pointers.len(),
                    ));
                } else {
                    check(ftls_server_config_builder_set_alpn(
                        self.server_builder,
                        pointers.as_ptr(),
                        pointers.len(),
                    ));
                }
            }
            8 => {
                let names: Vec<CString> = (0..input.byte() % 4).map(|_| input.c_string()).collect();
                let pointers: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
                check(ftls_client_config_builder_set_cipher_suites(
                    self.client_builder,
                    pointers.as_ptr(),
                    pointers.len(),
                ));
                check(ftls_server_config_builder_set_cipher_suites(
                    self.server_builder,
                    pointers.as_ptr(),
                    pointers.len(),
                ));
            }
            9 => {
                self.answers.verify = input.u32() as c_int;
                if input.byte() & 1 == 0 {
                    check(ftls_client_config_builder_set_verify_callback(
                        self.client_builder,
                        Some(verify_garbage),
                        answers,
                    ));
                    check(ftls_server_config_builder_set_verify_callback(
                        self.server_builder,
                        Some(verify_garbage),
                        answers,
                    ));
                } else {
                    check(ftls_client_config_builder_set_insecure_verifier(
                        self.client_builder,
                        Some(verify_garbage),
                        answers,
                    ));
                    check(ftls_server_config_builder_set_insecure_verifier(
                        self.server_builder,
                        Some(verify_garbage),
                        answers,
                    ));
                }
            }
            10 => {
                self.answers.hello = input.u32() as c_int;
                check(ftls_server_config_builder_set_client_hello_callback(
                    self.server_builder,
                    Some(hello_garbage),
                    answers,
                ));
            }
            11 => {
                check(ftls_client_config_builder_set_keylog_callback(
                    self.client_builder,
                    Some(keylog_line),
                    null_mut(),
                ));
                check(ftls_server_config_builder_set_keylog_callback(
                    self.server_builder,
                    Some(keylog_line),
                    null_mut(),
                ));
            }
            12 => {
                // ftls' own ticket keys, or no tickets.
                let mut own_keys = null_mut();
                if input.byte() & 1 == 1 {
                    check(ftls_ticketer_new(std::ptr::null(), 0, 0, 0, &mut own_keys));
                }
                check(ftls_server_config_builder_set_ticketer(
                    self.server_builder,
                    own_keys,
                ));
                ftls_ticketer_free(own_keys);
                check(ftls_server_config_builder_set_session_cache(
                    self.server_builder,
                    input.length(),
                ));
                check(ftls_client_config_builder_set_session_cache(
                    self.client_builder,
                    input.length(),
                ));
            }
            13 => {
                ftls_client_config_free(std::mem::replace(&mut self.client_config, null_mut()));
                check(ftls_client_config_builder_build(
                    self.client_builder,
                    &mut self.client_config,
                ));
            }
            14 => {
                ftls_server_config_free(std::mem::replace(&mut self.server_config, null_mut()));
                check(ftls_server_config_builder_build(
                    self.server_builder,
                    &mut self.server_config,
                ));
            }
            15 => {
                self.free_connection(0);
                self.to_client.clear();
                let name = if input.byte() & 1 == 0 {
                    c"localhost".to_owned()
                } else {
                    input.c_string()
                };
                check(ftls_client_connection_new(
                    self.client_config,
                    name.as_ptr(),
                    &mut self.client,
                ));
            }
            16 => {
                self.free_connection(1);
                self.to_server.clear();
                check(ftls_server_connection_new(
                    self.server_config,
                    &mut self.server,
                ));
            }
            17 => self.pump(input),
            18 => {
                let conn = self.connection(input.byte());
                let mut buf = vec![0u8; input.length().min(1 << 16)];
                let mut n = 0;
                check(ftls_connection_read(
                    conn,
                    buf.as_mut_ptr(),
                    buf.len(),
                    &mut n,
                ));
            }
            19 => {
                let conn = self.connection(input.byte());
                let data = input.bytes();
                let mut n = 0;
                check(ftls_connection_write(
                    conn,
                    data.as_ptr(),
                    data.len(),
                    &mut n,
                ));
            }
            20 => check(ftls_connection_send_close_notify(
                self.connection(input.byte()),
            )),
            21 => {
                let conn = self.connection(input.byte());
                let len = input.length();
                // A buffer as large as claimed, or none: a caller never lies about a size.
                let mut out = if len <= 1 << 20 {
                    vec![0u8; len]
                } else {
                    Vec::new()
                };
                let out_ptr = if out.is_empty() {
                    null_mut()
                } else {
                    out.as_mut_ptr()
                };
                let (label, context) = (input.bytes(), input.bytes());
                check(ftls_connection_export_keying_material(
                    conn,
                    out_ptr,
                    len,
                    label.as_ptr(),
                    label.len(),
                    context.as_ptr(),
                    context.len(),
                    input.byte() & 1 == 1,
                ));
            }
            22 => self.ask(self.connection(input.byte()), input),
            23 => self.free_connection(input.byte()),
            24 => self.free_configs(),
            25 => self.free_builders(),
            26 => {
                let conn = self.connection(input.byte());
                self.answers.transport_result = transport_answer(input.byte());
                self.answers.transport_extra = input.length();
                let mut n = 0;
                check(ftls_connection_read_tls(
                    conn,
                    Some(read_garbage),
                    answers,
                    &mut n,
                ));
                check(ftls_connection_process_new_packets(conn));
            }
            27 => {
                let conn = self.connection(input.byte());
                self.answers.transport_result = transport_answer(input.byte());
                self.answers.transport_extra = input.length();
                let mut n = 0;
                check(ftls_connection_write_tls(
                    conn,
                    Some(write_garbage),
                    answers,
                    &mut n,
                ));
            }
            28 => {
                let buffer = if input.byte() & 1 == 0 {
                    &mut self.to_server
                } else {
                    &mut self.to_client
                };
                let (at, value) = (usize::from(input.u16()), input.byte());
                if let Some(byte) = buffer.get_mut(at) {
                    *byte ^= value;
                }
            }
            29 => {
                let conn = self.connection(input.byte());
                let mut data = empty_bytes();
                if checked(ftls_connection_read_borrowed(conn, &mut data)) == FTLS_OK {
                    check(ftls_connection_consume(conn, input.length()));
                }
            }
            30 => {
                let keys = input.bytes();
                ftls_ticketer_free(std::mem::replace(&mut self.ticketer, null_mut()));
                check(ftls_ticketer_new(
                    keys.as_ptr(),
                    keys.len(),
                    usize::from(input.byte()),
                    input.u32(),
                    &mut self.ticketer,
                ));
                check(ftls_server_config_builder_set_ticketer(
                    self.server_builder,
                    self.ticketer,
                ));
                check(ftls_ticketer_rotate(
                    self.ticketer,
                    keys.as_ptr(),
                    keys.len(),
                ));
            }
            31 => {
                let pick = input.byte();
                let mut reentry = Reentry {
                    conn: self.connection(pick),
                    answers,
                    how: input.byte(),
                    freed: false,
                };
                let userdata = (&mut reentry as *mut Reentry).cast::<c_void>();
                let mut n = 0;
                if pick & 2 == 0 {
                    check(ftls_connection_read_tls(
                        reentry.conn,
                        Some(read_reentering),
                        userdata,
                        &mut n,
                    ));
                } else {
                    check(ftls_connection_write_tls(
                        reentry.conn,
                        Some(write_reentering),
                        userdata,
                        &mut n,
                    ));
                }
                if reentry.freed {
                    // Freed as the outer call returned: the handle is gone.
                    let conn = if pick & 1 == 0 {
                        &mut self.client
                    } else {
                        &mut self.server
                    };
                    *conn = null_mut();
                }
            }
            _ => {
                let mut n = 0;
                let early = input.bytes();
                check(ftls_connection_write_early_data(
                    self.client,
                    early.as_ptr(),
                    early.len(),
                    &mut n,
                ));
            }
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        self.free_connection(0);
        self.free_connection(1);
        self.free_configs();
        self.free_builders();
        ftls_ticketer_free(self.ticketer);
    }
}

/// Runs the calls the input spells, at most 200 of them, then frees every handle.
pub fn c_api_calls(data: &[u8]) {
    let mut input = Input::new(data);
    let mut world = World::new();
    for _ in 0..200 {
        if input.is_empty() {
            break;
        }
        world.step(&mut input);
    }
}
