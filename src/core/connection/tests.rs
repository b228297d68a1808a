//! Client and server connections in one process over in-memory pipes.

use super::*;
use crate::core::test_pki::{cert_dir, identity};
use crate::core::trust::Trust;
use crate::core::{ClientAuth, ClientConfigBuilder, Identity, ServerConfigBuilder, Versions};
use std::sync::Arc;

/// Trusts the test CA.
fn ca_trust() -> Arc<Trust> {
    let mut trust = Trust::new();
    trust.add_ca_file(&cert_dir().join("ca.pem")).expect("ca");
    Arc::new(trust)
}

#[test]
fn a_der_chain_of_concatenated_certificates_loads_as_its_pem_does() {
    let pem = std::fs::read(cert_dir().join("inter-server-chain.pem")).unwrap();
    let certs = crate::core::pem::certificates(&pem, "the chain").unwrap();
    assert!(certs.len() > 1, "a chain with an intermediate");
    let der: Vec<u8> = certs.iter().flat_map(|c| c.as_ref().to_vec()).collect();
    assert_eq!(
        crate::core::pem::certificates_pem_or_der(&der, "the chain").unwrap(),
        certs
    );
    let key = std::fs::read(cert_dir().join("inter-server.key")).unwrap();
    let provider = crate::core::provider::default_provider();
    let identity = Identity::from_mem(&der, &key, None, &provider).unwrap();
    assert_eq!(identity.certified_key().cert, certs);
    let mut trust = Trust::new();
    assert_eq!(trust.add_ca_mem(&der).unwrap(), certs.len());
}

fn client_builder() -> ClientConfigBuilder {
    let mut builder = ClientConfigBuilder::new();
    builder.set_trust(ca_trust());
    builder
}

fn server_builder(chain: &str, key: &str) -> ServerConfigBuilder {
    let mut builder = ServerConfigBuilder::new();
    builder.add_identity(identity(chain, key));
    builder
}

/// Moves bytes between the two until neither has anything to say; returns the first error of
/// each side.
fn pump(client: &mut Connection, server: &mut Connection) -> (Option<Error>, Option<Error>) {
    let (mut client_err, mut server_err) = (None, None);
    loop {
        let to_server = transfer(client, server, &mut server_err);
        let to_client = transfer(server, client, &mut client_err);
        if !to_server && !to_client {
            return (client_err, server_err);
        }
    }
}

/// Sends everything `from` has queued to `to`; false if there was nothing to send.
fn transfer(from: &mut Connection, to: &mut Connection, to_err: &mut Option<Error>) -> bool {
    let mut wire = Vec::new();
    while from.wants_write() && from.write_tls(&mut wire).expect("write to a Vec") > 0 {}
    if wire.is_empty() || to_err.is_some() {
        return false;
    }
    let mut slice = &wire[..];
    while !slice.is_empty() && to_err.is_none() {
        if let Err(e) = to
            .read_tls(&mut slice)
            .and_then(|_| to.process_new_packets())
        {
            *to_err = Some(e);
        }
    }
    true
}

fn connect(
    client: &ClientConfigBuilder,
    server: &ServerConfigBuilder,
    name: &str,
) -> (Connection, Connection, Option<Error>, Option<Error>) {
    let mut c = Connection::client(&client.build().expect("client config"), name).expect("client");
    let mut s = Connection::server(&server.build().expect("server config")).expect("server");
    let (ce, se) = pump(&mut c, &mut s);
    (c, s, ce, se)
}

#[test]
fn tls13_handshake_then_data_both_ways_then_close_notify() {
    let (mut c, mut s, ce, se) = connect(
        &client_builder(),
        &server_builder("server.pem", "server.key"),
        "localhost",
    );
    assert_eq!((ce, se), (None, None));
    assert_eq!(c.protocol_version(), Some("TLSv1.3"));
    assert_eq!(s.sni_server_name().unwrap(), Some("localhost"));
    // The provider's most preferred group: X25519MLKEM768 with aws-lc-rs, X25519 with ring.
    let preferred = crate::core::provider::default_provider().kx_groups[0].name();
    assert_eq!(
        c.key_exchange_group(),
        Some(crate::core::algorithms::group_name(preferred))
    );
    assert_eq!(c.peer_certificates().len(), 1);
    assert_eq!(c.write(b"ping").unwrap(), 4);
    pump(&mut c, &mut s);
    let mut buf = [0u8; 16];
    assert_eq!(s.read(&mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"ping");
    assert_eq!(s.read(&mut buf).unwrap_err().code(), FTLS_WANT_READ);
    s.send_close_notify();
    assert_eq!(s.write(b"x").unwrap_err().code(), FTLS_ERR_INVALID_STATE);
    pump(&mut c, &mut s);
    assert_eq!(c.read(&mut buf).unwrap_err().code(), FTLS_CLOSED);
}

#[test]
fn tls12_only_client_and_eof_without_close_notify_is_truncation() {
    let mut client = client_builder();
    client
        .negotiation_mut()
        .set_versions(Versions {
            tls12: true,
            tls13: false,
        })
        .unwrap();
    let (mut c, _s, ce, se) = connect(
        &client,
        &server_builder("server-rsa.pem", "server-rsa.key"),
        "127.0.0.1",
    );
    assert_eq!((ce, se), (None, None));
    assert_eq!(c.protocol_version(), Some("TLSv1.2"));
    assert!(c
        .cipher_suite()
        .unwrap()
        .1
        .starts_with("TLS_ECDHE_RSA_WITH_"));
    assert_eq!(c.read_tls(&mut &[][..]).unwrap(), 0);
    c.process_new_packets().unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(
        c.read(&mut buf).unwrap_err().code(),
        FTLS_ERR_UNEXPECTED_EOF
    );
}

#[test]
fn certificate_failures_have_precise_codes() {
    let cases = [
        (
            "other-server.pem",
            "other-server.key",
            "localhost",
            FTLS_ERR_CERT_UNKNOWN_ISSUER,
        ),
        (
            "expired-server.pem",
            "expired-server.key",
            "localhost",
            FTLS_ERR_CERT_EXPIRED,
        ),
        (
            "notyet-server.pem",
            "notyet-server.key",
            "localhost",
            FTLS_ERR_CERT_NOT_YET_VALID,
        ),
        (
            "server.pem",
            "server.key",
            "wrong.example",
            FTLS_ERR_CERT_NAME_MISMATCH,
        ),
    ];
    for (chain, key, name, code) in cases {
        let (_c, _s, ce, se) = connect(&client_builder(), &server_builder(chain, key), name);
        let ce = ce.expect("client must fail");
        assert_eq!(ce.code(), code, "{chain} as {name}: {ce}");
        assert_eq!(
            se.expect("server hears the alert").code().category(),
            crate::core::ResultCategory::FTLS_CATEGORY_PROTOCOL
        );
    }
}

#[test]
fn required_client_auth_without_certificate_fails_on_both_sides() {
    let mut server = server_builder("server.pem", "server.key");
    server.set_client_auth(ClientAuth::Required);
    server.set_trust(ca_trust());
    let (_c, _s, ce, se) = connect(&client_builder(), &server, "localhost");
    assert_eq!(se.unwrap().code(), FTLS_ERR_CLIENT_CERT_REQUIRED);
    assert_eq!(ce.unwrap().code(), FTLS_ERR_CLIENT_CERT_REQUIRED);

    let mut client = client_builder();
    client.add_identity(identity("client.pem", "client.key"));
    let (_c, s, ce, se) = connect(&client, &server, "localhost");
    assert_eq!((ce, se), (None, None));
    assert_eq!(s.peer_certificates().len(), 1);
}

#[test]
fn no_common_alpn_or_version() {
    let mut client = client_builder();
    client
        .negotiation_mut()
        .set_alpn(vec![b"h2".to_vec()])
        .unwrap();
    let mut server = server_builder("server.pem", "server.key");
    server
        .negotiation_mut()
        .set_alpn(vec![b"http/1.1".to_vec()])
        .unwrap();
    let (_c, _s, ce, se) = connect(&client, &server, "localhost");
    assert_eq!(ce.unwrap().code(), FTLS_ERR_NO_COMMON_ALPN);
    assert_eq!(se.unwrap().code(), FTLS_ERR_NO_COMMON_ALPN);

    let mut client = client_builder();
    client
        .negotiation_mut()
        .set_versions(Versions {
            tls12: true,
            tls13: false,
        })
        .unwrap();
    let mut server = server_builder("server.pem", "server.key");
    server
        .negotiation_mut()
        .set_versions(Versions {
            tls12: false,
            tls13: true,
        })
        .unwrap();
    let (_c, _s, ce, se) = connect(&client, &server, "localhost");
    assert_eq!(ce.unwrap().code(), FTLS_ERR_NO_COMMON_VERSION);
    assert_eq!(se.unwrap().code(), FTLS_ERR_NO_COMMON_VERSION);
}

#[test]
fn garbage_from_the_peer_is_a_protocol_error_and_stays_failed() {
    let mut s =
        Connection::server(&server_builder("server.pem", "server.key").build().unwrap()).unwrap();
    s.read_tls(&mut &b"GET / HTTP/1.1\r\n\r\n"[..]).unwrap();
    let err = s.process_new_packets().unwrap_err();
    assert_eq!(err.code(), FTLS_ERR_BAD_MESSAGE, "{err}");
    assert_eq!(s.process_new_packets().unwrap_err(), err);
    assert!(s.wants_write(), "an alert is queued for the peer");
}

#[test]
fn eof_during_the_handshake_is_unexpected_eof() {
    let mut c = Connection::client(&client_builder().build().unwrap(), "localhost").unwrap();
    let mut wire = Vec::new();
    c.write_tls(&mut wire).unwrap();
    assert_eq!(c.read_tls(&mut &[][..]).unwrap(), 0);
    assert_eq!(
        c.process_new_packets().unwrap_err().code(),
        FTLS_ERR_UNEXPECTED_EOF
    );
}

/// Handshake traces, using the harness above.
mod hostile;
mod resumption;
mod trace;

#[test]
fn close_notify_during_the_handshake_follows_the_data_written_before_it() {
    for tls12 in [false, true] {
        let mut client = client_builder();
        client
            .negotiation_mut()
            .set_versions(Versions {
                tls12: true,
                tls13: !tls12,
            })
            .unwrap();
        let mut c = Connection::client(&client.build().unwrap(), "localhost").unwrap();
        let server = server_builder("server.pem", "server.key").build().unwrap();
        let mut s = Connection::server(&server).unwrap();
        assert_eq!(c.write(b"hello").unwrap(), 5);
        c.send_close_notify();
        assert_eq!(pump(&mut c, &mut s), (None, None), "tls12={tls12}");
        let mut buf = [0u8; 16];
        assert_eq!(s.read(&mut buf).unwrap(), 5, "tls12={tls12}");
        assert_eq!(&buf[..5], b"hello");
        assert_eq!(s.read(&mut buf).unwrap_err().code(), FTLS_CLOSED);
    }
}

#[test]
fn an_fd_read_makes_progress_while_its_own_output_is_blocked() {
    use std::os::fd::AsRawFd;
    let (a, b) = std::os::unix::net::UnixStream::pair().expect("socketpair");
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    let mut c = Connection::client(&client_builder().build().unwrap(), "localhost").unwrap();
    let server = server_builder("server.pem", "server.key").build().unwrap();
    let mut s = Connection::server(&server).unwrap();
    c.set_fds(a.as_raw_fd(), a.as_raw_fd()).unwrap();
    s.set_fds(b.as_raw_fd(), b.as_raw_fd()).unwrap();
    let would_block = |r: Result<(), Error>| match r {
        Err(e) if matches!(e.code(), FTLS_WANT_READ | FTLS_WANT_WRITE) => false,
        other => {
            other.expect("handshake");
            true
        }
    };
    let (mut client_done, mut server_done) = (false, false);
    while !(client_done && server_done) {
        client_done = client_done || would_block(c.handshake());
        server_done = server_done || would_block(s.handshake());
    }

    // Both sides write more than the sockets hold: each keeps some accepted bytes queued.
    let big = vec![0x42u8; 8 * 1024 * 1024];
    let client_accepted = c.write(&big).expect("client accepts some");
    let server_accepted = s.write(&big).expect("server accepts some");
    assert!(client_accepted < big.len() && server_accepted < big.len());
    assert!(
        c.wants_write() && s.wants_write(),
        "both have output queued"
    );

    // Reading must still work: the peer's data is in the socket even though ours cannot go.
    let mut buf = vec![0u8; 64 * 1024];
    let n = c
        .read(&mut buf)
        .expect("the client reads despite its blocked output");
    assert!(n > 0 && buf[..n].iter().all(|&byte| byte == 0x42));
}

#[test]
fn an_fd_flush_sends_a_whole_flight_in_one_system_call() {
    use std::os::fd::AsRawFd;
    // Over a datagram socket each sendmsg arrives as one datagram: counting datagrams counts
    // the system calls.
    let (ours, theirs) = std::os::unix::net::UnixDatagram::pair().expect("socketpair");
    let mut c = Connection::client(&client_builder().build().unwrap(), "localhost").unwrap();
    let server = server_builder("server.pem", "server.key").build().unwrap();
    let mut s = Connection::server(&server).unwrap();
    let mut hello = Vec::new();
    while c.wants_write() {
        c.write_tls(&mut hello).unwrap();
    }
    s.read_tls(&mut &hello[..]).unwrap();
    s.process_new_packets().unwrap();
    s.set_fds(ours.as_raw_fd(), ours.as_raw_fd()).unwrap();
    s.flush().expect("the server's first flight goes out");
    assert!(!s.wants_write());

    theirs.set_nonblocking(true).unwrap();
    let mut datagram = vec![0u8; 64 * 1024];
    let n = theirs.recv(&mut datagram).expect("one datagram");
    let more = theirs.recv(&mut [0u8; 1]);
    assert!(
        matches!(&more, Err(e) if e.kind() == io::ErrorKind::WouldBlock),
        "a second system call was made: {more:?}"
    );
    // The datagram holds several TLS records: ServerHello, ChangeCipherSpec, the encrypted rest.
    let (mut records, mut at) = (0, 0);
    while at + 5 <= n {
        at += 5 + usize::from(u16::from_be_bytes([datagram[at + 3], datagram[at + 4]]));
        records += 1;
    }
    assert_eq!(at, n, "whole records");
    assert!(records >= 3, "only {records} records in the flight");
}

/// Fails its first read with `errno`, then reports end of stream, as a reset socket does.
struct FailsOnce(Option<i32>);

impl std::io::Read for FailsOnce {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        match self.0.take() {
            Some(errno) => Err(std::io::Error::from_raw_os_error(errno)),
            None => Ok(0),
        }
    }
}

#[test]
fn a_transport_failure_sticks_but_an_interrupted_read_can_be_repeated() {
    let config = client_builder().build().unwrap();
    let mut c = Connection::client(&config, "localhost").unwrap();
    let err = c.read_tls(&mut FailsOnce(Some(libc::EINTR))).unwrap_err();
    assert_eq!((err.code(), err.errno()), (FTLS_ERR_IO, Some(libc::EINTR)));
    assert_eq!(
        c.read_tls(&mut FailsOnce(None)).unwrap(),
        0,
        "EINTR left it usable"
    );

    let mut c = Connection::client(&config, "localhost").unwrap();
    let reset = c
        .read_tls(&mut FailsOnce(Some(libc::ECONNRESET)))
        .unwrap_err();
    assert_eq!(reset.errno(), Some(libc::ECONNRESET));
    // The socket now reports a plain end of stream; the connection still knows it was reset.
    assert_eq!(c.read_tls(&mut FailsOnce(None)).unwrap_err(), reset);
    assert_eq!(c.process_new_packets().unwrap_err(), reset);
}

/// Every established connection pays for the handle's bytes: it stays this small (the rustls
/// connection and the seldom-used state, a handshake trace's included, live in allocations of
/// their own, and an untraced connection holds no reference to the trace machinery).
#[cfg(target_pointer_width = "64")]
#[test]
fn a_connection_takes_40_bytes_beside_its_rustls_state() {
    assert_eq!(std::mem::size_of::<Connection>(), 40);
    assert_eq!(std::mem::size_of::<Option<FdTransport>>(), 8);
}

/// A server that reads the ClientHello first (OpenSSL's servername and ALPN selection
/// callbacks): the name and the offered protocols are there before any config is chosen, the
/// connection continues from the hello, and the config's ALPN list can be replaced for it.
#[test]
fn a_hello_read_first_names_the_server_and_its_protocols_then_the_handshake_goes_on() {
    let mut client = client_builder();
    client
        .negotiation_mut()
        .set_alpn(vec![b"h2".to_vec(), b"http/1.1".to_vec()])
        .unwrap();
    let mut c = Connection::client(&client.build().unwrap(), "localhost").unwrap();
    let mut hello_bytes = Vec::new();
    while c.wants_write() && c.write_tls(&mut hello_bytes).unwrap() > 0 {}

    let mut reader = HelloReader::new();
    // One byte at a time: no hello until it is whole.
    let mut received = None;
    for byte in hello_bytes.chunks(1) {
        assert_eq!(reader.read_tls(&mut &byte[..]).unwrap(), 1);
        if let Some(hello) = reader.hello().unwrap() {
            received = Some(hello);
        }
    }
    let hello = received.expect("the whole ClientHello");
    assert_eq!(hello.server_name().as_deref(), Some("localhost"));
    assert_eq!(hello.alpn(), vec![b"h2".to_vec(), b"http/1.1".to_vec()]);

    let config = server_builder("server.pem", "server.key").build().unwrap();
    let chosen = config.with_alpn(vec![b"http/1.1".to_vec()]);
    let mut s = hello.into_connection(&chosen).map_err(|(e, _)| e).unwrap();
    assert_eq!(pump(&mut c, &mut s), (None, None));
    assert!(!c.is_handshaking() && !s.is_handshaking());
    assert_eq!(c.alpn_protocol(), Some(&b"http/1.1"[..]));
    assert_eq!(s.alpn_protocol(), Some(&b"http/1.1"[..]));
}

/// A ClientHello with no body: an error, and the alert that tells the peer (decode_error) waits
/// to be written; a refusal by the application writes the alert it names, once.
#[test]
fn a_hello_reader_answers_garbage_and_refusals_with_an_alert() {
    let mut reader = HelloReader::new();
    // A handshake record holding a ClientHello header that announces an empty body.
    let garbage = [22u8, 3, 3, 0, 4, 1, 0, 0, 0];
    reader.read_tls(&mut &garbage[..]).unwrap();
    assert!(reader.hello().is_err());
    let mut wire = Vec::new();
    reader.write_alert(&mut wire);
    assert_eq!(wire, [21, 3, 3, 0, 2, 2, 50], "decode_error");

    let mut refused = HelloReader::new();
    refused.refuse(112);
    let mut wire = Vec::new();
    refused.write_alert(&mut wire);
    assert_eq!(wire, [21, 3, 3, 0, 2, 2, 112]);
    let mut again = Vec::new();
    refused.write_alert(&mut again);
    assert!(again.is_empty(), "written once");

    // rustls' Acceptor queues no alert for a first message that is not a ClientHello: ftls
    // writes unexpected_message itself, so that the peer is told.
    for not_a_hello in [
        &[22u8, 3, 3, 0, 4, 99, 0, 0, 0][..],
        &[23u8, 3, 3, 0, 1, 0][..],
    ] {
        let mut reader = HelloReader::new();
        reader.read_tls(&mut &not_a_hello[..]).unwrap();
        let err = reader.hello().err().expect("not a ClientHello");
        assert_eq!(err.code(), FTLS_ERR_PROTOCOL);
        let mut wire = Vec::new();
        reader.write_alert(&mut wire);
        assert_eq!(
            wire,
            [21, 3, 3, 0, 2, 2, 10],
            "unexpected_message for {not_a_hello:?}"
        );
    }
}
