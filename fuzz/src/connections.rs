//! A server fed arbitrary client bytes, a client fed arbitrary server flights after its
//! ClientHello: what a hostile peer can send.

use crate::calls::check;
use crate::memory::{feed, flush};
use crate::pki::pki;
use ftls::capi::*;
use std::ffi::{c_char, c_void};
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

/// A config shared by every input: configs are immutable and may be used from any thread
/// (the header's contract), so the pointer may be shared.
struct Shared<T>(*mut T);
// SAFETY: see above; the pointee is an ftls config, never freed, never mutated.
unsafe impl<T> Send for Shared<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for Shared<T> {}

const ALPN: [*const c_char; 2] = [c"h2".as_ptr(), c"http/1.1".as_ptr()];

/// The server every input talks to: the test CA's server certificate, client certificates
/// optional (so that a client's Certificate is parsed and verified), tickets, ALPN, TLS 1.2
/// and 1.3.
pub(crate) fn server_config() -> *const ftls_server_config {
    static CONFIG: OnceLock<Shared<ftls_server_config>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let (identity, trust) = (
                pki().identity("server.pem", "server.key"),
                pki().trust("ca.pem"),
            );
            let mut ticketer = null_mut();
            check(ftls_ticketer_new(null(), 0, 0, 0, &mut ticketer));
            let mut builder = null_mut();
            check(ftls_server_config_builder_new(&mut builder));
            check(ftls_server_config_builder_add_identity(builder, identity));
            check(ftls_server_config_builder_set_trust(builder, trust));
            check(ftls_server_config_builder_set_client_auth(builder, 1));
            check(ftls_server_config_builder_set_ticketer(builder, ticketer));
            ftls_identity_free(identity);
            ftls_trust_free(trust);
            ftls_ticketer_free(ticketer);
            check(ftls_server_config_builder_set_alpn(
                builder,
                ALPN.as_ptr(),
                ALPN.len(),
            ));
            let mut config = null_mut();
            let built = ftls_server_config_builder_build(builder, &mut config);
            ftls_server_config_builder_free(builder);
            assert_eq!(
                built,
                ftls::core::ResultCode::FTLS_OK,
                "the fuzz server config"
            );
            Shared(config)
        })
        .0
}

/// The client every input talks to: trusts the test CA, has a client certificate, ALPN.
pub(crate) fn client_config() -> *const ftls_client_config {
    static CONFIG: OnceLock<Shared<ftls_client_config>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let (identity, trust) = (
                pki().identity("client.pem", "client.key"),
                pki().trust("ca.pem"),
            );
            let mut builder = null_mut();
            check(ftls_client_config_builder_new(&mut builder));
            check(ftls_client_config_builder_set_trust(builder, trust));
            check(ftls_client_config_builder_add_identity(builder, identity));
            ftls_identity_free(identity);
            ftls_trust_free(trust);
            check(ftls_client_config_builder_set_alpn(
                builder,
                ALPN.as_ptr(),
                ALPN.len(),
            ));
            let mut config = null_mut();
            let built = ftls_client_config_builder_build(builder, &mut config);
            ftls_client_config_builder_free(builder);
            assert_eq!(
                built,
                ftls::core::ResultCode::FTLS_OK,
                "the fuzz client config"
            );
            Shared(config)
        })
        .0
}

/// A handshake callback that looks at every event, as `--trace` does.
unsafe extern "C" fn look_at_event(_userdata: *mut c_void, event: *const ftls_handshake_event) {
    // SAFETY: ftls passes an event valid for the call.
    let event = unsafe { &*event };
    std::hint::black_box(event);
}

/// A server connection fed arbitrary client bytes. The input's first byte chooses whether the
/// handshake is traced (the handshake observer then decodes the same bytes) and how the rest is
/// cut into reads.
pub fn server_connection(data: &[u8]) {
    let mut conn = null_mut();
    check(ftls_server_connection_new(server_config(), &mut conn));
    if data.first().is_some_and(|b| b & 0x80 != 0) {
        check(ftls_connection_set_handshake_callback(
            conn,
            Some(look_at_event),
            null_mut(),
        ));
    }
    feed(conn, data);
    ftls_connection_free(conn);
}

/// A client connection that has sent its ClientHello, fed arbitrary server bytes.
pub fn client_connection(data: &[u8]) {
    let mut conn = null_mut();
    check(ftls_client_connection_new(
        client_config(),
        c"localhost".as_ptr(),
        &mut conn,
    ));
    if data.first().is_some_and(|b| b & 0x80 != 0) {
        check(ftls_connection_set_handshake_callback(
            conn,
            Some(look_at_event),
            null_mut(),
        ));
    }
    flush(conn, &mut Vec::new());
    feed(conn, data);
    ftls_connection_free(conn);
}
