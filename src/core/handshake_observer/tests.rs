//! The observer on hand-made byte streams: reassembly, TLS 1.2 and 1.3 flows, HelloRetryRequest,
//! secret timing, and hostile input. Real handshakes are in `connection/tests/trace.rs`.

use super::hello::tests::server_hello_body;
use super::*;

/// A TLS record carrying `body`.
pub(super) fn record(content_type: u8, body: &[u8]) -> Vec<u8> {
    let mut bytes = vec![content_type, 3, 3];
    bytes.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
    bytes.extend_from_slice(body);
    bytes
}

/// A handshake message: type, 24-bit length, body.
pub(super) fn handshake(message_type: u8, body: &[u8]) -> Vec<u8> {
    let len = u32::try_from(body.len()).unwrap().to_be_bytes();
    let mut bytes = vec![message_type, len[1], len[2], len[3]];
    bytes.extend_from_slice(body);
    bytes
}

fn client_hello(random: [u8; 32]) -> Vec<u8> {
    let mut body = vec![3, 3];
    body.extend_from_slice(&random);
    body.extend_from_slice(&[0, 0, 2, 0x13, 0x01, 1, 0]);
    handshake(1, &body)
}

const CCS: [u8; 6] = [20, 3, 3, 0, 1, 1];
const CLIENT_HS: &str = "CLIENT_HANDSHAKE_TRAFFIC_SECRET";

/// An observer fed by a router of its own (the process's one sees every test's connections).
fn new_observer(is_client: bool) -> (HandshakeObserver, &'static SecretRouter) {
    let router: &'static SecretRouter = Box::leak(Box::new(SecretRouter::new()));
    (HandshakeObserver::with_router(is_client, router), router)
}

/// Feeds incoming bytes one at a time, decoding after each as a connection would.
fn trickle_in(observer: &mut HandshakeObserver, bytes: &[u8]) {
    for byte in bytes {
        observer.incoming(std::slice::from_ref(byte));
        observer.decode_incoming();
    }
}

fn trickle_out(observer: &mut HandshakeObserver, bytes: &[u8]) {
    for byte in bytes {
        observer.outgoing(std::slice::from_ref(byte));
    }
}

fn summary(events: &[HandshakeEvent]) -> Vec<(Direction, &'static str, usize)> {
    events
        .iter()
        .map(|e| (e.direction, e.message.name(), e.length))
        .collect()
}

use Direction::{Received as In, Sent as Out};

#[test]
fn tls12_full_handshake_seen_by_the_client_one_byte_at_a_time() {
    let (mut observer, _router) = new_observer(true);
    trickle_out(&mut observer, &record(22, &client_hello([1; 32])));

    let server_hello = handshake(2, &server_hello_body([2; 32], 0xc02f, None));
    let certificate = handshake(11, &[0xaa; 3000]);
    let (certificate_start, certificate_end) = certificate.split_at(1000);
    // ServerHello and the start of Certificate in one record; the rest and two more messages
    // in the next.
    let mut flight = record(22, &[&server_hello[..], certificate_start].concat());
    flight.extend(record(
        22,
        &[
            certificate_end,
            &handshake(12, &[0xbb; 100]),
            &handshake(14, &[]),
        ]
        .concat(),
    ));
    trickle_in(&mut observer, &flight);

    let mut second_flight = record(22, &handshake(16, &[0xcc; 33]));
    second_flight.extend(CCS);
    second_flight.extend(record(22, &[0xdd; 40])); // encrypted Finished
    observer.outgoing(&second_flight);
    assert!(!observer.is_done());

    let mut last_flight = CCS.to_vec();
    last_flight.extend(record(22, &[0xee; 40]));
    trickle_in(&mut observer, &last_flight);
    assert!(observer.is_done());

    assert_eq!(
        summary(&observer.take_events()),
        [
            (Out, "ClientHello", 41),
            (In, "ServerHello", 49),
            (In, "Certificate", 3000),
            (In, "ServerKeyExchange", 100),
            (In, "ServerHelloDone", 0),
            (Out, "ClientKeyExchange", 33),
            (Out, "ChangeCipherSpec", 0),
            (Out, "Finished", 12),
            (In, "ChangeCipherSpec", 0),
            (In, "Finished", 12),
        ]
    );
    observer.incoming(&record(23, &[0; 30]));
    observer.outgoing(&record(23, &[0; 30]));
    assert!(observer.take_events().is_empty());
}

#[test]
fn one_huge_write_with_the_last_flight_and_application_data() {
    let (mut observer, _router) = new_observer(true);
    observer.outgoing(&record(22, &client_hello([1; 32])));
    let mut flight = record(22, &handshake(2, &server_hello_body([2; 32], 0xc02f, None)));
    flight.extend(CCS);
    flight.extend(record(22, &[0; 40]));
    observer.incoming(&flight);
    observer.decode_incoming();
    let mut write = CCS.to_vec();
    write.extend(record(22, &[0; 40]));
    for _ in 0..20 {
        write.extend(record(23, &[0; 16_000]));
    }
    observer.outgoing(&write);
    assert!(observer.is_done());
    let events = observer.take_events();
    assert_eq!(
        events.last().map(|e| (e.direction, e.message)),
        Some((Out, HandshakeMessage::Finished))
    );
}

#[test]
fn tls12_resumption_server_finishes_first() {
    let (mut observer, router) = new_observer(false);
    observer.incoming(&record(22, &client_hello([1; 32])));
    assert!(router.wants(CLIENT_HS), "registered from the ClientHello");
    observer.decode_incoming();
    let mut flight = record(22, &handshake(2, &server_hello_body([2; 32], 0xc02f, None)));
    flight.extend(CCS);
    flight.extend(record(22, &[0; 40]));
    observer.outgoing(&flight);
    observer.incoming(&[&CCS[..], &record(22, &[0; 40])].concat());
    observer.decode_incoming();
    assert!(observer.is_done());
    assert!(!router.wants(CLIENT_HS), "registration dropped when done");
    let names: Vec<_> = observer
        .take_events()
        .iter()
        .map(|e| (e.direction, e.message))
        .collect();
    use HandshakeMessage::*;
    assert_eq!(
        names,
        [
            (In, ClientHello),
            (Out, ServerHello),
            (Out, ChangeCipherSpec),
            (Out, Finished),
            (In, ChangeCipherSpec),
            (In, Finished),
        ]
    );
}

/// RFC 8448 §3: the client's handshake traffic secret and its encrypted Finished record.
const RFC8448_CLIENT_HANDSHAKE_SECRET: [u8; 32] = [
    0xb3, 0xed, 0xdb, 0x12, 0x6e, 0x06, 0x7f, 0x35, 0xa7, 0x80, 0xb3, 0xab, 0xf4, 0x5e, 0x2d, 0x8f,
    0x3b, 0x1a, 0x95, 0x07, 0x38, 0xf5, 0x2e, 0x96, 0x00, 0x74, 0x6a, 0x0e, 0x27, 0xa5, 0x5a, 0x21,
];
const RFC8448_CLIENT_FINISHED_RECORD: [u8; 58] = [
    0x17, 0x03, 0x03, 0x00, 0x35, 0x75, 0xec, 0x4d, 0xc2, 0x38, 0xcc, 0xe6, 0x0b, 0x29, 0x80, 0x44,
    0xa7, 0x1e, 0x21, 0x9c, 0x56, 0xcc, 0x77, 0xb0, 0x51, 0x7f, 0xe9, 0xb9, 0x3c, 0x7a, 0x4b, 0xfc,
    0x44, 0xd8, 0x7f, 0x38, 0xf8, 0x03, 0x38, 0xac, 0x98, 0xfc, 0x46, 0xde, 0xb3, 0x84, 0xbd, 0x1c,
    0xae, 0xac, 0xab, 0x68, 0x67, 0xd7, 0x26, 0xc4, 0x05, 0x46,
];

/// A server that received the RFC 8448 client's ClientHello (random R) and sent a TLS 1.3
/// ServerHello; returns it with its router.
fn tls13_server_after_server_hello(random: [u8; 32]) -> (HandshakeObserver, &'static SecretRouter) {
    let (mut observer, router) = new_observer(false);
    observer.incoming(&record(22, &client_hello(random)));
    observer.decode_incoming();
    let server_hello = handshake(2, &server_hello_body([2; 32], 0x1301, Some(0x0304)));
    observer.outgoing(&[&record(22, &server_hello)[..], &CCS].concat());
    (observer, router)
}

#[test]
fn tls13_protected_records_wait_for_their_secret_until_rustls_processed_them() {
    let random = [7; 32];
    let (mut observer, router) = tls13_server_after_server_hello(random);
    observer.incoming(&[&CCS[..], &RFC8448_CLIENT_FINISHED_RECORD].concat());
    assert!(!observer.is_done(), "the secret may still come");
    // What rustls does while processing: log the secret under the client random.
    router.keep(
        Side::Server,
        CLIENT_HS,
        &random,
        &RFC8448_CLIENT_HANDSHAKE_SECRET,
    );
    observer.decode_incoming();
    assert_eq!(
        summary(&observer.take_events()),
        [
            (In, "ClientHello", 41),
            (Out, "ServerHello", 55),
            (Out, "ChangeCipherSpec", 0),
            (In, "ChangeCipherSpec", 0),
            (In, "Finished", 32),
        ]
    );
    assert!(
        !observer.is_done(),
        "the server's own Finished has not been seen"
    );
    drop(observer);
    assert!(
        !router.wants(CLIENT_HS),
        "registration dropped with the observer"
    );
}

#[test]
fn tls13_without_the_secret_the_observer_stops_quietly() {
    let (mut observer, router) = tls13_server_after_server_hello([7; 32]);
    observer.incoming(&RFC8448_CLIENT_FINISHED_RECORD);
    observer.decode_incoming();
    assert!(observer.is_done());
    assert_eq!(observer.take_events().len(), 3, "earlier events are kept");
    assert!(!router.wants(CLIENT_HS));

    // The wrong secret: the record does not decrypt.
    let (mut observer, router) = tls13_server_after_server_hello([7; 32]);
    router.keep(Side::Server, CLIENT_HS, &[7; 32], &[0x55; 32]);
    observer.incoming(&RFC8448_CLIENT_FINISHED_RECORD);
    assert!(observer.is_done());

    // Another connection's secret is not ours.
    let (mut observer, router) = tls13_server_after_server_hello([7; 32]);
    router.keep(
        Side::Server,
        CLIENT_HS,
        &[8; 32],
        &RFC8448_CLIENT_HANDSHAKE_SECRET,
    );
    observer.incoming(&RFC8448_CLIENT_FINISHED_RECORD);
    observer.decode_incoming();
    assert!(observer.is_done());
}

#[test]
fn hello_retry_request_is_reported_as_such() {
    let (mut observer, _router) = new_observer(true);
    observer.outgoing(&record(22, &client_hello([1; 32])));
    let retry_random = [
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8,
        0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8,
        0x33, 0x9c,
    ];
    let retry = handshake(2, &server_hello_body(retry_random, 0x1301, Some(0x0304)));
    observer.incoming(&[&record(22, &retry)[..], &CCS].concat());
    observer.decode_incoming();
    observer.outgoing(&[&CCS[..], &record(22, &client_hello([1; 32]))].concat());
    let server_hello = handshake(2, &server_hello_body([2; 32], 0x1301, Some(0x0304)));
    observer.incoming(&record(22, &server_hello));
    observer.decode_incoming();
    assert!(!observer.is_done());
    let events = observer.take_events();
    assert_eq!(
        summary(&events),
        [
            (Out, "ClientHello", 41),
            (In, "HelloRetryRequest", 55),
            (In, "ChangeCipherSpec", 0),
            (Out, "ChangeCipherSpec", 0),
            (Out, "ClientHello", 41),
            (In, "ServerHello", 55),
        ]
    );
    assert_eq!(events[1].message.number(), 254);
    assert_eq!(events[2].message.number(), 255);
}

/// xorshift64: reproducible noise without a dependency.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.max(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

#[test]
fn garbage_never_panics_and_the_observer_gives_up() {
    for is_client in [true, false] {
        let (mut observer, _) = new_observer(is_client);
        observer.incoming(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        observer.decode_incoming();
        assert!(observer.is_done());
        assert!(observer.take_events().is_empty());
    }
    for seed in 1..300 {
        let (mut observer, _) = new_observer(seed % 2 == 0);
        let bytes = noise(seed, (seed as usize * 37) % 3000);
        observer.incoming(&bytes);
        observer.decode_incoming();
        observer.outgoing(&bytes);
        // Plausible record headers around noise: messages of random types and lengths.
        let (mut observer, _) = new_observer(seed % 2 == 0);
        for chunk in noise(seed, 20_000).chunks(500) {
            observer.outgoing(&record(22, chunk));
            observer.incoming(&record(22, chunk));
            observer.decode_incoming();
        }
        assert!(observer.take_events().len() <= MAX_MESSAGES);
    }
}

#[test]
fn limits_stop_the_observer() {
    let cases: [(&str, Vec<u8>); 5] = [
        (
            "a handshake message longer than rustls accepts",
            record(22, &[11, 0x01, 0x00, 0x00]),
        ),
        (
            "endless tiny messages",
            record(22, &handshake(99, &[]).repeat(MAX_MESSAGES + 1)),
        ),
        (
            "application data before any ServerHello",
            record(23, &[0; 40]),
        ),
        ("an unknown content type", record(24, &[0; 4])),
        (
            "a TLS 1.3 suite the observer cannot decrypt",
            record(
                22,
                &handshake(2, &server_hello_body([2; 32], 0x1304, Some(0x0304))),
            ),
        ),
    ];
    for (what, bytes) in cases {
        let (mut observer, _) = new_observer(true);
        observer.incoming(&bytes);
        observer.decode_incoming();
        assert!(observer.is_done(), "{what}");
    }

    // Protected records waiting for a secret that never comes: buffering is bounded.
    let (mut observer, _) = tls13_server_after_server_hello([7; 32]);
    for _ in 0..10 {
        observer.incoming(&record(23, &[0; 16_000]));
    }
    assert!(observer.is_done());
}

#[test]
fn names_and_numbers() {
    for message in HANDSHAKE_TYPES {
        assert_eq!(
            HandshakeMessage::from_handshake_type(message.number()),
            message
        );
        assert_ne!(message.name(), "Unknown");
    }
    assert_eq!(HandshakeMessage::HelloRetryRequest.number(), 254);
    assert_eq!(HandshakeMessage::ChangeCipherSpec.number(), 255);
    assert_eq!(
        HandshakeMessage::ChangeCipherSpec.name(),
        "ChangeCipherSpec"
    );
    assert_eq!(
        HandshakeMessage::from_handshake_type(22),
        HandshakeMessage::Unknown(22)
    );
    assert_eq!(HandshakeMessage::Unknown(22).number(), 22);
    assert_eq!(
        HandshakeMessage::from_handshake_type(2),
        HandshakeMessage::ServerHello
    );
}
