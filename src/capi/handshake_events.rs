//! The handshake callback: each handshake message sent or received, then the negotiated
//! parameters. The mechanism behind the examples' `--trace`.

use super::borrowed::{ftls_bytes, ftls_str};
use super::callback::CCallback;
use crate::core::Direction;
use crate::core::{HandshakeTrace, HandshakeTraceSink};
use std::ffi::c_void;

/// `ftls_handshake_event.kind`: a handshake message was sent or received.
pub const FTLS_HANDSHAKE_EVENT_MESSAGE: u32 = 1;
/// `ftls_handshake_event.kind`: the handshake is complete; the negotiated fields are set.
pub const FTLS_HANDSHAKE_EVENT_COMPLETE: u32 = 2;
/// `ftls_handshake_event.direction`: this endpoint sent the message.
pub const FTLS_DIRECTION_SENT: u32 = 1;
/// `ftls_handshake_event.direction`: this endpoint received the message.
pub const FTLS_DIRECTION_RECEIVED: u32 = 2;

/// One step of the handshake. All strings and bytes are valid only during the callback.
#[repr(C)]
pub struct ftls_handshake_event {
    /// `FTLS_HANDSHAKE_EVENT_MESSAGE` or `FTLS_HANDSHAKE_EVENT_COMPLETE`.
    pub kind: u32,
    /// MESSAGE: `FTLS_DIRECTION_SENT` or `FTLS_DIRECTION_RECEIVED`; COMPLETE: 0.
    pub direction: u32,
    /// MESSAGE: the TLS HandshakeType number (1 ClientHello, 2 ServerHello, 4
    /// NewSessionTicket, 5 EndOfEarlyData, 8 EncryptedExtensions, 11 Certificate,
    /// 12 ServerKeyExchange,
    /// 13 CertificateRequest, 14 ServerHelloDone, 15 CertificateVerify, 16 ClientKeyExchange,
    /// 20 Finished...), 254 for HelloRetryRequest, 255 for ChangeCipherSpec. COMPLETE: 0.
    pub message: u32,
    /// MESSAGE: the message's name, e.g. "ServerHello". COMPLETE: "handshake complete".
    pub name: ftls_str,
    /// MESSAGE: the message body's length in bytes. COMPLETE: 0.
    pub length: usize,
    /// COMPLETE: "TLSv1.2" or "TLSv1.3". MESSAGE: empty.
    pub protocol_version: ftls_str,
    /// COMPLETE: the cipher suite's IANA name. MESSAGE: empty.
    pub cipher_suite: ftls_str,
    /// COMPLETE: the key-exchange group, e.g. "X25519MLKEM768"; empty if none was used
    /// (TLS 1.2 resumption). MESSAGE: empty.
    pub key_exchange_group: ftls_str,
    /// COMPLETE: the ALPN protocol; empty if none. MESSAGE: empty.
    pub alpn_protocol: ftls_bytes,
    /// COMPLETE: whether an earlier session was resumed. MESSAGE: false.
    pub resumed: bool,
}

/// Called for each handshake event, in order, from inside `ftls_connection_write_tls()` or
/// `ftls_connection_process_new_packets()` on the calling thread. `event` is valid only during
/// the call. A call on that connection from inside it fails with `FTLS_ERR_INVALID_STATE` and
/// changes nothing (`ftls_connection_free()` is put off until the running call returns). It must
/// not throw a C++ exception or longjmp out.
pub type ftls_handshake_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const ftls_handshake_event)>;

type HandshakeFn = unsafe extern "C" fn(*mut c_void, *const ftls_handshake_event);

pub(crate) fn sink(callback: HandshakeFn, userdata: *mut c_void) -> HandshakeTraceSink {
    let target = CCallback::new(callback, userdata);
    Box::new(move |trace| {
        // Alerts are the compatibility library's concern: the C API reports messages.
        if !matches!(trace, HandshakeTrace::Alert(_)) {
            target.call(&to_c(&trace));
        }
    })
}

impl CCallback<HandshakeFn> {
    fn call(&self, event: &ftls_handshake_event) {
        // SAFETY: a non-NULL C function given by the caller; `event` and everything it points
        // to live until the call returns.
        unsafe { (self.function())(self.userdata(), event) }
    }
}

fn to_c(trace: &HandshakeTrace<'_>) -> ftls_handshake_event {
    let mut event = ftls_handshake_event {
        kind: 0,
        direction: 0,
        message: 0,
        name: ftls_str::empty(),
        length: 0,
        protocol_version: ftls_str::empty(),
        cipher_suite: ftls_str::empty(),
        key_exchange_group: ftls_str::empty(),
        alpn_protocol: ftls_bytes::empty(),
        resumed: false,
    };
    match trace {
        HandshakeTrace::Message(message) => {
            event.kind = FTLS_HANDSHAKE_EVENT_MESSAGE;
            event.direction = match message.direction {
                Direction::Sent => FTLS_DIRECTION_SENT,
                Direction::Received => FTLS_DIRECTION_RECEIVED,
            };
            event.message = u32::from(message.message.number());
            event.name = ftls_str::new(message.message.name());
            event.length = message.length;
        }
        HandshakeTrace::Complete(negotiated) => {
            event.kind = FTLS_HANDSHAKE_EVENT_COMPLETE;
            event.name = ftls_str::new("handshake complete");
            event.protocol_version = ftls_str::new(negotiated.version);
            event.cipher_suite = ftls_str::new(negotiated.cipher_suite);
            event.key_exchange_group = ftls_str::new(negotiated.key_exchange_group.unwrap_or(""));
            event.alpn_protocol = negotiated
                .alpn
                .as_deref()
                .map_or(ftls_bytes::empty(), ftls_bytes::new);
            event.resumed = negotiated.resumed;
        }
        HandshakeTrace::Alert(_) => {}
    }
    event
}
