//! An in-memory transport, as a C program over a memory buffer would write it: a read callback
//! handing out the peer's bytes a few at a time, a write callback collecting what the
//! connection sends.

use crate::calls::{check, checked};
use ftls::capi::{
    ftls_connection, ftls_connection_is_handshaking, ftls_connection_process_new_packets,
    ftls_connection_read, ftls_connection_read_tls, ftls_connection_wants_write,
    ftls_connection_write, ftls_connection_write_tls,
};
use ftls::core::ResultCode::{self, *};
use std::ffi::{c_int, c_void};

/// The peer's bytes, handed out at most `chunk` at a time.
pub(crate) struct Incoming<'a> {
    pub(crate) data: &'a [u8],
    pub(crate) chunk: usize,
}

impl<'a> Incoming<'a> {
    /// The first byte of `data` picks how the rest is cut into reads: one byte at a time, a
    /// few, a record or more, everything at once.
    pub(crate) fn new(data: &'a [u8]) -> Self {
        const CHUNKS: [usize; 8] = [1, 5, 64, 300, 4096, 16_389, 70_000, usize::MAX];
        let (first, data) = data.split_first().map_or((0, data), |(b, rest)| (*b, rest));
        Incoming {
            data,
            chunk: CHUNKS[usize::from(first) % CHUNKS.len()],
        }
    }
}

/// An `ftls_read_callback` over an [`Incoming`].
pub(crate) unsafe extern "C" fn read_incoming(
    userdata: *mut c_void,
    buf: *mut u8,
    len: usize,
    out_n: *mut usize,
) -> c_int {
    // SAFETY: `userdata` is the `Incoming` the harness passed to this very call; `buf` has room
    // for `len` bytes and `out_n` is writable (the callback's contract).
    unsafe {
        let incoming = &mut *userdata.cast::<Incoming>();
        let n = len.min(incoming.chunk).min(incoming.data.len());
        std::ptr::copy_nonoverlapping(incoming.data.as_ptr(), buf, n);
        incoming.data = &incoming.data[n..];
        *out_n = n;
    }
    0
}

/// An `ftls_write_callback` appending to a `Vec<u8>`.
pub(crate) unsafe extern "C" fn write_into(
    userdata: *mut c_void,
    buf: *const u8,
    len: usize,
    out_n: *mut usize,
) -> c_int {
    // SAFETY: `userdata` is the `Vec<u8>` the harness passed to this very call; `buf` holds
    // `len` readable bytes and `out_n` is writable (the callback's contract).
    unsafe {
        let sent = &mut *userdata.cast::<Vec<u8>>();
        sent.extend_from_slice(std::slice::from_raw_parts(buf, len));
        *out_n = len;
    }
    0
}

/// Sends everything the connection has queued into `sent`.
pub(crate) fn flush(conn: *mut ftls_connection, sent: &mut Vec<u8>) {
    // A connection takes a bounded number of writes to empty its queue; more is a hang.
    for _ in 0..1000 {
        if !ftls_connection_wants_write(conn) {
            return;
        }
        let mut n = 0;
        let userdata = (sent as *mut Vec<u8>).cast::<c_void>();
        if checked(ftls_connection_write_tls(
            conn,
            Some(write_into),
            userdata,
            &mut n,
        )) != FTLS_OK
        {
            return;
        }
    }
    panic!("the connection still wants to write after 1000 writes");
}

/// Reads every decrypted byte waiting; true while the connection can go on.
fn drain_plaintext(conn: *mut ftls_connection) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        let mut n = 0;
        match checked(ftls_connection_read(
            conn,
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
        )) {
            FTLS_OK => continue,
            FTLS_WANT_READ => return true,
            _ => return false,
        }
    }
}

/// Feeds the peer's bytes to `conn` as a C event loop would: read, process, read the plaintext,
/// answer once connected, send what is queued; until the bytes run out or the connection fails.
pub(crate) fn feed(conn: *mut ftls_connection, data: &[u8]) {
    let mut incoming = Incoming::new(data);
    let mut sent = Vec::new();
    let mut answered = false;
    loop {
        flush(conn, &mut sent);
        sent.clear();
        let mut n = 0;
        let userdata = (&mut incoming as *mut Incoming).cast::<c_void>();
        let read: ResultCode = checked(ftls_connection_read_tls(
            conn,
            Some(read_incoming),
            userdata,
            &mut n,
        ));
        if read != FTLS_OK || n == 0 {
            break;
        }
        if checked(ftls_connection_process_new_packets(conn)) != FTLS_OK {
            break;
        }
        if !drain_plaintext(conn) {
            break;
        }
        if !answered && !ftls_connection_is_handshaking(conn) {
            answered = true;
            let mut written = 0;
            check(ftls_connection_write(
                conn,
                b"answer".as_ptr(),
                6,
                &mut written,
            ));
        }
    }
    // The alert (if it failed) or close_notify goes out too.
    flush(conn, &mut sent);
}
