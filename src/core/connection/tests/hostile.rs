//! Hostile peers: inputs that must be refused with an alert the peer can read.

use super::*;
use crate::core::ResultCode;
use std::io::{Read, Write};

/// A record of `content_type` holding `payload`.
fn record(content_type: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![content_type, 3, 3];
    out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// The ClientHello of a fresh client built from `client`, as one handshake message, after
/// `edit` changed its cipher suites and extensions (type, body).
fn client_hello_edited(
    client: &ClientConfigBuilder,
    edit: impl FnOnce(&mut Vec<u16>, &mut Vec<(u16, Vec<u8>)>),
) -> Vec<u8> {
    let mut c = Connection::client(&client.build().unwrap(), "localhost").unwrap();
    let mut wire = Vec::new();
    while c.wants_write() {
        c.write_tls(&mut wire).unwrap();
    }
    assert_eq!(wire[0], 22);
    let len = u16::from_be_bytes([wire[3], wire[4]]) as usize;
    assert_eq!(wire.len(), 5 + len, "one record");
    let body = &wire[5 + 4..];
    let u16_at = |at: usize| u16::from_be_bytes([body[at], body[at + 1]]);
    // version, random, session id; suites; compression; extensions.
    let suites_at = 2 + 32 + 1 + body[2 + 32] as usize;
    let suites_len = u16_at(suites_at) as usize;
    let mut suites: Vec<u16> = (0..suites_len / 2)
        .map(|i| u16_at(suites_at + 2 + 2 * i))
        .collect();
    let compression_at = suites_at + 2 + suites_len;
    let extensions_at = compression_at + 1 + body[compression_at] as usize;
    let mut extensions = Vec::new();
    let mut at = extensions_at + 2;
    while at < body.len() {
        let (typ, len) = (u16_at(at), u16_at(at + 2) as usize);
        extensions.push((typ, body[at + 4..at + 4 + len].to_vec()));
        at += 4 + len;
    }
    edit(&mut suites, &mut extensions);
    let mut out = body[..suites_at].to_vec();
    out.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    suites
        .iter()
        .for_each(|s| out.extend_from_slice(&s.to_be_bytes()));
    out.extend_from_slice(&body[compression_at..extensions_at]);
    let encoded: Vec<u8> = extensions
        .iter()
        .flat_map(|(typ, data)| {
            let mut e = typ.to_be_bytes().to_vec();
            e.extend_from_slice(&(data.len() as u16).to_be_bytes());
            e.extend_from_slice(data);
            e
        })
        .collect();
    out.extend_from_slice(&(encoded.len() as u16).to_be_bytes());
    out.extend_from_slice(&encoded);
    let mut message = vec![1];
    message.extend_from_slice(&(out.len() as u32).to_be_bytes()[1..]);
    message.extend_from_slice(&out);
    message
}

/// The ClientHello with a padding extension of `padding` bytes appended.
fn client_hello_message(client: &ClientConfigBuilder, padding: usize) -> Vec<u8> {
    client_hello_edited(client, |_, extensions| {
        extensions.push((21, vec![0; padding]))
    })
}

fn tls12_client() -> ClientConfigBuilder {
    let mut client = client_builder();
    client
        .negotiation_mut()
        .set_versions(Versions {
            tls12: true,
            tls13: false,
        })
        .unwrap();
    client
}

/// `message` cut into handshake records of at most 16384 bytes.
fn handshake_records(message: &[u8]) -> Vec<u8> {
    handshake_records_of(message, 16384)
}

fn handshake_records_of(message: &[u8], size: usize) -> Vec<u8> {
    message
        .chunks(size)
        .flat_map(|chunk| record(22, chunk))
        .collect()
}

/// The first alert record among plaintext records: (level, description).
fn alert_in(mut wire: &[u8]) -> Option<(u8, u8)> {
    while wire.len() >= 5 {
        let len = u16::from_be_bytes([wire[3], wire[4]]) as usize;
        let payload = wire.get(5..5 + len)?;
        if wire[0] == 21 && len == 2 {
            return Some((payload[0], payload[1]));
        }
        wire = &wire[5 + len..];
    }
    None
}

/// What a server sends back to `wire` over the callback path (read_tls / write_tls), and how
/// it failed.
fn answer_in_memory(server: &ServerConfigBuilder, wire: &[u8]) -> (Vec<u8>, Result<(), Error>) {
    let mut s = Connection::server(&server.build().unwrap()).unwrap();
    let mut input = wire;
    let result = loop {
        if input.is_empty() {
            break Ok(());
        }
        if let Err(err) = s.read_tls(&mut input).and_then(|_| s.process_new_packets()) {
            break Err(err);
        }
    };
    let mut answer = Vec::new();
    while s.wants_write() {
        s.write_tls(&mut answer).expect("write to a Vec");
    }
    (answer, result)
}

/// The same over a socket with the fd calls: the peer sends `wire`, the server's handshake
/// fails; what did the peer receive?
fn answer_over_fd(server: &ServerConfigBuilder, wire: &[u8]) -> (Vec<u8>, Result<(), Error>) {
    use std::os::fd::AsRawFd;
    let (mut peer, ours) = std::os::unix::net::UnixStream::pair().expect("socketpair");
    peer.write_all(wire)
        .expect("the socket buffer takes the whole hello");
    peer.shutdown(std::net::Shutdown::Write).unwrap();
    let result = {
        let mut s = Connection::server(&server.build().unwrap()).unwrap();
        s.set_fds(ours.as_raw_fd(), ours.as_raw_fd()).unwrap();
        s.handshake()
    };
    // Everything the server sent is in the socket by now (the calls write synchronously):
    // read it before the server's socket closes with unread input, which would reset it.
    peer.set_nonblocking(true).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match peer.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => break,
            Err(err) => panic!("reading the answer: {err}"),
        }
    }
    drop(ours);
    (answer, result)
}

/// Both paths refuse `wire` with `code`, a detail containing `detail`, and send the peer a
/// fatal alert `description`.
fn refused_with_alert(
    server: &ServerConfigBuilder,
    wire: &[u8],
    code: ResultCode,
    detail: &str,
    description: u8,
) {
    for (path, (answer, result)) in [
        ("callbacks", answer_in_memory(server, wire)),
        ("fd", answer_over_fd(server, wire)),
    ] {
        let err = result.expect_err(path);
        assert_eq!(err.code(), code, "{path}: {err}");
        assert!(err.detail().contains(detail), "{path}: {err}");
        assert_eq!(
            alert_in(&answer),
            Some((2, description)),
            "{path}: {answer:?}"
        );
    }
}

fn server() -> ServerConfigBuilder {
    server_builder("server.pem", "server.key")
}

#[test]
fn a_client_hello_as_large_as_rustls_takes_is_answered() {
    let base = client_hello_message(&client_builder(), 0).len();
    for size in [65447, 65513] {
        let wire = handshake_records(&client_hello_message(&client_builder(), size - base));
        for (path, (answer, result)) in [
            ("callbacks", answer_in_memory(&server(), &wire)),
            ("fd", answer_over_fd(&server(), &wire)),
        ] {
            // The fd handshake then meets the end of stream: the hello itself was taken.
            if path == "callbacks" {
                result.expect("accepted");
            }
            assert_eq!(
                answer.first(),
                Some(&22),
                "{path} {size}: a ServerHello came back"
            );
        }
    }
}

#[test]
fn an_oversized_client_hello_is_refused_with_an_alert() {
    let base = client_hello_message(&client_builder(), 0).len();
    // Too large for rustls' buffer with its record headers; then too large a message outright.
    let in_small_records =
        handshake_records_of(&client_hello_message(&client_builder(), 65433 - base), 1000);
    refused_with_alert(
        &server(),
        &in_small_records,
        FTLS_ERR_BAD_MESSAGE,
        "handshake message is too large",
        50,
    );
    let too_large = handshake_records(&client_hello_message(&client_builder(), 70000 - base));
    refused_with_alert(
        &server(),
        &too_large,
        FTLS_ERR_BAD_MESSAGE,
        "larger than the 65535 bytes",
        50,
    );
}

#[test]
fn records_interleaved_with_a_fragmented_client_hello_are_refused_with_an_alert() {
    let message = client_hello_message(&client_builder(), 0);
    let (first, rest) = message.split_at(100);
    let mut wire = record(22, first);
    wire.extend(record(20, &[1]));
    wire.extend(record(22, rest));
    refused_with_alert(
        &server(),
        &wire,
        FTLS_ERR_PROTOCOL,
        "MessageInterleavedWithHandshakeMessage",
        10,
    );
}

#[test]
fn too_many_warning_alerts_are_refused_with_an_alert() {
    let mut wire = handshake_records(&client_hello_message(&tls12_client(), 0));
    for _ in 0..5 {
        wire.extend(record(21, &[1, 90]));
    }
    refused_with_alert(
        &server(),
        &wire,
        FTLS_ERR_PROTOCOL,
        "TooManyWarningAlertsReceived",
        10,
    );
}

/// An ftls server after a TLS 1.3 handshake with a plain rustls client whose traffic secrets
/// are extracted, and a function that encrypts a record as that client would send it next
/// (`typ` is the inner content type).
fn established_with_raw_client() -> (
    Connection,
    impl FnMut(rustls::ContentType, &[u8]) -> Vec<u8>,
) {
    use rustls::crypto::cipher::{OutboundChunks, OutboundPlainMessage};
    use rustls::ConnectionTrafficSecrets::*;
    let mut config = (*client_builder().build().unwrap().rustls).clone();
    config.enable_secret_extraction = true;
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut client = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let mut s = Connection::server(&server().build().unwrap()).unwrap();
    while client.is_handshaking() || client.wants_write() || s.wants_write() {
        let mut wire = Vec::new();
        while client.wants_write() {
            client.write_tls(&mut wire).unwrap();
        }
        let mut input = &wire[..];
        while !input.is_empty() {
            s.read_tls(&mut input).unwrap();
            s.process_new_packets().unwrap();
        }
        let mut back = Vec::new();
        while s.wants_write() {
            s.write_tls(&mut back).unwrap();
        }
        let mut input = &back[..];
        while !input.is_empty() {
            client.read_tls(&mut input).unwrap();
            client.process_new_packets().unwrap();
        }
    }
    let aead = client
        .negotiated_cipher_suite()
        .unwrap()
        .tls13()
        .unwrap()
        .aead_alg;
    let (mut seq, secrets) = client.dangerous_extract_secrets().unwrap().tx;
    let (Aes128Gcm { key, iv } | Aes256Gcm { key, iv } | Chacha20Poly1305 { key, iv }) = secrets
    else {
        unreachable!("a TLS 1.3 AEAD")
    };
    let mut encrypter = aead.encrypter(key, iv);
    let encrypt = move |typ, payload: &[u8]| {
        let message = OutboundPlainMessage {
            typ,
            version: rustls::ProtocolVersion::TLSv1_2,
            payload: OutboundChunks::Single(payload),
        };
        let record = encrypter.encrypt(message, seq).unwrap().encode();
        seq += 1;
        record
    };
    (s, encrypt)
}

#[test]
fn an_invalid_alert_level_after_the_handshake_is_named_as_such() {
    let (mut s, mut encrypt) = established_with_raw_client();
    // Level 3 (neither warning nor fatal), close_notify.
    let record = encrypt(rustls::ContentType::Alert, &[3, 0]);
    s.read_tls(&mut &record[..]).unwrap();
    let err = s.process_new_packets().unwrap_err();
    assert_eq!(err.code(), FTLS_ERR_BAD_MESSAGE, "{err}");
    assert!(
        err.detail()
            .contains("close_notify with an invalid alert level"),
        "{err}"
    );
    assert!(s.wants_write(), "rustls' illegal_parameter alert is queued");
}

/// The record is encrypted, so ftls cannot write the unexpected_message alert rustls omits
/// here (see `alerts`): the connection fails with a clear error.
#[test]
fn an_illegal_inner_content_type_fails_the_connection() {
    let (mut s, mut encrypt) = established_with_raw_client();
    // Inner plaintext all zeros: no content type at all.
    let record = encrypt(rustls::ContentType::Unknown(0), b"");
    s.read_tls(&mut &record[..]).unwrap();
    let err = s.process_new_packets().unwrap_err();
    assert_eq!(err.code(), FTLS_ERR_PROTOCOL, "{err}");
    assert!(err.detail().contains("IllegalTlsInnerPlaintext"), "{err}");
}

#[test]
fn a_fallback_to_tls12_is_refused_by_a_server_that_supports_tls13() {
    let with_scsv = |client: &ClientConfigBuilder| {
        handshake_records(&client_hello_edited(client, |suites, _| {
            suites.push(0x5600)
        }))
    };
    let downgraded = with_scsv(&tls12_client());
    for (path, (answer, result)) in [
        ("callbacks", answer_in_memory(&server(), &downgraded)),
        ("fd", answer_over_fd(&server(), &downgraded)),
    ] {
        let err = result.expect_err(path);
        assert_eq!(err.code(), FTLS_ERR_PROTOCOL, "{path}: {err}");
        assert!(err.detail().contains("TLS_FALLBACK_SCSV"), "{path}: {err}");
        assert!(
            err.detail().contains("inappropriate_fallback"),
            "{path}: {err}"
        );
        // The alert alone: no ServerHello before it.
        assert_eq!(answer, [21, 3, 3, 0, 2, 2, 86], "{path}");
    }
    // A server limited to TLS 1.2 is not downgraded: it answers.
    let mut tls12_server = server();
    tls12_server
        .negotiation_mut()
        .set_versions(Versions {
            tls12: true,
            tls13: false,
        })
        .unwrap();
    let (answer, result) = answer_in_memory(&tls12_server, &downgraded);
    result.expect("a TLS 1.2 server takes the fallback");
    assert_eq!(answer.first(), Some(&22), "a ServerHello");
    // Nor is a client that still offers TLS 1.3.
    let (answer, result) = answer_in_memory(&server(), &with_scsv(&client_builder()));
    result.expect("TLS 1.3 is negotiated");
    assert_eq!(answer.first(), Some(&22), "a ServerHello");
}

#[test]
fn a_tls12_client_whose_schemes_the_key_cannot_sign_with_gets_an_alert() {
    // server.key is P-256; the client offers only ecdsa_secp384r1_sha384 (0x0503).
    let hello = client_hello_edited(&tls12_client(), |_, extensions| {
        for (typ, data) in extensions.iter_mut() {
            if *typ == 13 {
                *data = vec![0, 2, 5, 3];
            }
        }
    });
    refused_with_alert(
        &server(),
        &handshake_records(&hello),
        FTLS_ERR_HANDSHAKE_FAILURE,
        "cannot sign with any signature scheme the client offered",
        40,
    );
}

#[test]
fn a_name_mismatch_detail_escapes_the_names_the_certificate_presents() {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair, SanType};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let mut leaf = CertificateParams::new(Vec::<String>::new()).unwrap();
    leaf.subject_alt_names = vec![
        SanType::DnsName("x\ny.example".try_into().unwrap()),
        SanType::DnsName("ok.example".try_into().unwrap()),
    ];
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = leaf.signed_by(&leaf_key, &ca).unwrap();
    let provider = crate::core::provider::default_provider();
    let identity = Identity::from_mem(
        leaf.pem().as_bytes(),
        leaf_key.serialize_pem().as_bytes(),
        None,
        &provider,
    )
    .unwrap();
    let mut server = ServerConfigBuilder::new();
    server.add_identity(identity);
    let mut client = ClientConfigBuilder::new();
    let mut trust = crate::core::trust::Trust::new();
    trust.add_ca_mem(ca.pem().as_bytes()).unwrap();
    client.set_trust(std::sync::Arc::new(trust));
    let (_, _, client_err, _) = connect(&client, &server, "localhost");
    let err = client_err.expect("the name does not match");
    assert_eq!(err.code(), FTLS_ERR_CERT_NAME_MISMATCH, "{err}");
    assert!(
        err.detail()
            .contains("valid for: x\\0ay.example, ok.example"),
        "{err}"
    );
    assert!(!err.detail().contains('\n'), "{err}");
}

#[test]
fn reading_more_before_processing_is_not_refused() {
    // rustls' buffer holds one record until the handshake message is known to span more:
    // reading on without processing used to fail with "message buffer full".
    let base = client_hello_message(&client_builder(), 0).len();
    let wire = handshake_records(&client_hello_message(&client_builder(), 40000 - base));
    let mut s = Connection::server(&server().build().unwrap()).unwrap();
    let mut input = &wire[..];
    while !input.is_empty() {
        s.read_tls(&mut input).expect("read on");
    }
    s.process_new_packets().expect("the hello is whole");
    assert!(s.wants_write(), "a ServerHello is ready");
}
