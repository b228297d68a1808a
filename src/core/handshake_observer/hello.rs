//! The few fields the observer reads from the hellos: the client random (which names the
//! connection's secrets), whether the client sends early data, and the server's choice of
//! version and cipher suite.

use super::secret_router::ClientRandom;
use super::GiveUp;

/// ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3).
const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

const TLS12: u16 = 0x0303;
const TLS13: u16 = 0x0304;
const SUPPORTED_VERSIONS: u16 = 43;
const EARLY_DATA: u16 = 42;

/// The protocol version the server chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Version {
    Tls12,
    Tls13,
}

/// What a ServerHello (or HelloRetryRequest) says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ServerHello {
    pub(super) is_retry_request: bool,
    pub(super) version: Version,
    pub(super) cipher_suite: u16,
}

/// ClientHello.random: after legacy_version (2 bytes).
pub(super) fn client_random(client_hello: &[u8]) -> Result<ClientRandom, GiveUp> {
    let mut reader = Reader(client_hello);
    reader.take(2)?;
    reader.array()
}

/// Whether a ClientHello carries the early_data extension (RFC 8446 §4.2.10): the client then
/// sends early data, protected under its early traffic secret, right after it.
pub(super) fn offers_early_data(client_hello: &[u8]) -> Result<bool, GiveUp> {
    let mut reader = Reader(client_hello);
    reader.take(2 + 32)?; // legacy_version, random
    let session_id_len = reader.u8()?;
    reader.take(usize::from(session_id_len))?;
    reader.vec_u16()?; // cipher_suites
    let compression_len = reader.u8()?;
    reader.take(usize::from(compression_len))?;
    if reader.0.is_empty() {
        return Ok(false);
    }
    let mut extensions = Reader(reader.vec_u16()?);
    while !extensions.0.is_empty() {
        let extension_type = extensions.u16()?;
        extensions.vec_u16()?;
        if extension_type == EARLY_DATA {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Reads a ServerHello body (RFC 8446 §4.1.3; the TLS 1.2 form of RFC 5246 §7.4.1.3 is the
/// same with extensions optional).
pub(super) fn server_hello(body: &[u8]) -> Result<ServerHello, GiveUp> {
    let mut reader = Reader(body);
    let legacy_version = reader.u16()?;
    let random: [u8; 32] = reader.array()?;
    let session_id_len = reader.u8()?;
    reader.take(usize::from(session_id_len))?;
    let cipher_suite = reader.u16()?;
    let _compression = reader.u8()?;
    let mut selected_version = None;
    if !reader.0.is_empty() {
        let mut extensions = Reader(reader.vec_u16()?);
        while !extensions.0.is_empty() {
            let extension_type = extensions.u16()?;
            let data = extensions.vec_u16()?;
            if extension_type == SUPPORTED_VERSIONS {
                selected_version = Some(Reader(data).u16()?);
            }
        }
    }
    let version = match selected_version.unwrap_or(legacy_version) {
        TLS13 => Version::Tls13,
        TLS12 => Version::Tls12,
        _ => {
            return Err(GiveUp(
                "ServerHello chose a version other than TLS 1.2 or 1.3",
            ))
        }
    };
    Ok(ServerHello {
        is_retry_request: random == HELLO_RETRY_REQUEST_RANDOM,
        version,
        cipher_suite,
    })
}

/// Checked big-endian reads from a message body.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], GiveUp> {
        if len > self.0.len() {
            return Err(GiveUp("hello message too short"));
        }
        let (taken, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], GiveUp> {
        let bytes = self.take(N)?;
        Ok(bytes.try_into().unwrap_or([0; N]))
    }

    fn u8(&mut self) -> Result<u8, GiveUp> {
        Ok(u8::from_be_bytes(self.array()?))
    }

    fn u16(&mut self) -> Result<u16, GiveUp> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    /// A vector with a 2-byte length prefix.
    fn vec_u16(&mut self) -> Result<&'a [u8], GiveUp> {
        let len = self.u16()?;
        self.take(usize::from(len))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A ServerHello body with the given random, suite and (if any) supported_versions.
    pub(in super::super) fn server_hello_body(
        random: [u8; 32],
        cipher_suite: u16,
        selected_version: Option<u16>,
    ) -> Vec<u8> {
        let mut body = vec![0x03, 0x03];
        body.extend_from_slice(&random);
        body.extend_from_slice(&[4, 1, 2, 3, 4]); // session id
        body.extend_from_slice(&cipher_suite.to_be_bytes());
        body.push(0); // compression
        let mut extensions = vec![0xff, 0x01, 0x00, 0x01, 0x00]; // renegotiation_info
        if let Some(version) = selected_version {
            extensions.extend_from_slice(&[0x00, 0x2b, 0x00, 0x02]);
            extensions.extend_from_slice(&version.to_be_bytes());
        }
        body.extend_from_slice(&u16::try_from(extensions.len()).unwrap().to_be_bytes());
        body.extend_from_slice(&extensions);
        body
    }

    #[test]
    fn version_comes_from_supported_versions_when_present() {
        let tls13 = server_hello(&server_hello_body([9; 32], 0x1302, Some(TLS13))).unwrap();
        assert_eq!(
            tls13,
            ServerHello {
                is_retry_request: false,
                version: Version::Tls13,
                cipher_suite: 0x1302
            }
        );
        let tls12 = server_hello(&server_hello_body([9; 32], 0xc02f, None)).unwrap();
        assert_eq!(tls12.version, Version::Tls12);
        assert_eq!(tls12.cipher_suite, 0xc02f);
    }

    #[test]
    fn tls12_server_hello_without_extensions() {
        let mut body = server_hello_body([9; 32], 0xc02f, None);
        body.truncate(2 + 32 + 5 + 2 + 1); // version, random, session id, suite, compression
        assert_eq!(server_hello(&body).unwrap().version, Version::Tls12);
    }

    #[test]
    fn hello_retry_request_is_recognised_by_its_random() {
        let body = server_hello_body(HELLO_RETRY_REQUEST_RANDOM, 0x1301, Some(TLS13));
        assert!(server_hello(&body).unwrap().is_retry_request);
    }

    /// A ClientHello body with the given extensions (type, data).
    fn client_hello_body(extensions: &[(u16, &[u8])]) -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[5; 32]);
        body.extend_from_slice(&[0]); // session id
        body.extend_from_slice(&[0, 2, 0x13, 0x01]); // cipher suites
        body.extend_from_slice(&[1, 0]); // compression methods
        let mut encoded = Vec::new();
        for (extension_type, data) in extensions {
            encoded.extend_from_slice(&extension_type.to_be_bytes());
            encoded.extend_from_slice(&u16::try_from(data.len()).unwrap().to_be_bytes());
            encoded.extend_from_slice(data);
        }
        body.extend_from_slice(&u16::try_from(encoded.len()).unwrap().to_be_bytes());
        body.extend_from_slice(&encoded);
        body
    }

    #[test]
    fn early_data_is_seen_among_the_client_hello_extensions() {
        let with = client_hello_body(&[(0, b"\x00\x00"), (EARLY_DATA, b""), (41, b"\x01")]);
        assert!(offers_early_data(&with).unwrap());
        let without = client_hello_body(&[(0, b"\x00\x00"), (SUPPORTED_VERSIONS, b"\x02\x03\x04")]);
        assert!(!offers_early_data(&without).unwrap());
        assert!(!offers_early_data(&with[..2 + 32 + 1 + 4 + 2]).unwrap());
        assert!(offers_early_data(&with[..with.len() - 3]).is_err());
        assert!(offers_early_data(&with[..20]).is_err());
    }

    #[test]
    fn truncated_or_odd_hellos_are_refused() {
        let body = server_hello_body([9; 32], 0x1301, Some(TLS13));
        let without_extensions = 2 + 32 + 5 + 2 + 1;
        for len in (0..body.len()).filter(|&len| len != without_extensions) {
            assert!(server_hello(&body[..len]).is_err(), "length {len}");
        }
        assert!(server_hello(&server_hello_body([9; 32], 0x1301, Some(0x0302))).is_err());
        assert!(client_random(&[3, 3, 1]).is_err());
        let mut client_hello = vec![3, 3];
        client_hello.extend_from_slice(&[5; 32]);
        assert_eq!(client_random(&client_hello).unwrap(), [5; 32]);
    }
}
