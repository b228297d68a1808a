//! TLS 1.3 handshake record protection, decrypting side only: from a traffic secret to the
//! record key and IV (RFC 8446 §7.1, §7.3), and opening one protected record (§5.2, §5.3).

use super::crypto::{hkdf_expand, Aead, Hash, OpeningKey};
use super::records::RecordHeader;

/// A TLS 1.3 cipher suite the observer can decrypt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Tls13Suite {
    hash: Hash,
    aead: Aead,
}

impl Tls13Suite {
    /// The suite with this IANA number, if it is one rustls offers.
    pub(super) fn from_id(id: u16) -> Option<Self> {
        let (hash, aead) = match id {
            0x1301 => (Hash::Sha256, Aead::Aes128Gcm),
            0x1302 => (Hash::Sha384, Aead::Aes256Gcm),
            0x1303 => (Hash::Sha256, Aead::Chacha20Poly1305),
            _ => return None,
        };
        Some(Self { hash, aead })
    }

    fn key_len(self) -> usize {
        match self.aead {
            Aead::Aes128Gcm => 16,
            Aead::Aes256Gcm | Aead::Chacha20Poly1305 => 32,
        }
    }
}

const IV_LEN: usize = 12;
const MAX_KEY_LEN: usize = 32;

/// HKDF-Expand-Label(secret, label, context, out.len()) of RFC 8446 §7.1.
pub(super) fn hkdf_expand_label(
    hash: Hash,
    secret: &[u8],
    label: &str,
    context: &[u8],
    out: &mut [u8],
) -> Option<()> {
    const PREFIX: &[u8] = b"tls13 ";
    // struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } HkdfLabel;
    let mut info = Vec::with_capacity(4 + PREFIX.len() + label.len() + context.len());
    info.extend_from_slice(&u16::try_from(out.len()).ok()?.to_be_bytes());
    info.push(u8::try_from(PREFIX.len() + label.len()).ok()?);
    info.extend_from_slice(PREFIX);
    info.extend_from_slice(label.as_bytes());
    info.push(u8::try_from(context.len()).ok()?);
    info.extend_from_slice(context);
    hkdf_expand(hash, secret, &info, out)
}

/// The content of one opened record.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Opened {
    /// The real content type, hidden inside the encryption (the outer one says 23).
    pub(super) content_type: u8,
    pub(super) content: Vec<u8>,
}

/// Opens one direction's protected records, in order.
pub(super) struct RecordDecrypter {
    key: OpeningKey,
    iv: [u8; IV_LEN],
    /// Records opened so far with this key: the per-record nonce input.
    sequence: u64,
}

impl RecordDecrypter {
    /// Keys for the records protected by `traffic_secret` (RFC 8446 §7.3).
    pub(super) fn new(suite: Tls13Suite, traffic_secret: &[u8]) -> Option<Self> {
        let mut key = [0u8; MAX_KEY_LEN];
        let key = key.get_mut(..suite.key_len())?;
        hkdf_expand_label(suite.hash, traffic_secret, "key", &[], key)?;
        let mut iv = [0u8; IV_LEN];
        hkdf_expand_label(suite.hash, traffic_secret, "iv", &[], &mut iv)?;
        let key = OpeningKey::new(suite.aead, key);
        Some(Self {
            key: key?,
            iv,
            sequence: 0,
        })
    }

    /// Accounts for records protected with this key that went by unopened.
    pub(super) fn skip(&mut self, records: u64) -> Option<()> {
        self.sequence = self.sequence.checked_add(records)?;
        Some(())
    }

    /// Decrypts the next record of this direction; None if it does not authenticate.
    pub(super) fn open(&mut self, header: &RecordHeader, mut body: Vec<u8>) -> Option<Opened> {
        // RFC 8446 §5.3: the IV XOR the sequence number, left-padded to the IV length.
        let mut nonce = self.iv;
        for (byte, sequence_byte) in nonce[IV_LEN - 8..]
            .iter_mut()
            .zip(self.sequence.to_be_bytes())
        {
            *byte ^= sequence_byte;
        }
        let plaintext_len = self
            .key
            .open_in_place(nonce, header.as_bytes(), &mut body)?;
        self.sequence = self.sequence.checked_add(1)?;
        body.truncate(plaintext_len);
        // TLSInnerPlaintext: content ‖ content type (never 0) ‖ zero padding.
        let type_at = body.iter().rposition(|&byte| byte != 0)?;
        let content_type = body[type_at];
        body.truncate(type_at);
        Some(Opened {
            content_type,
            content: body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        let digits: Vec<u8> = text
            .bytes()
            .filter(u8::is_ascii_hexdigit)
            .map(|digit| (digit as char).to_digit(16).unwrap() as u8)
            .collect();
        digits
            .chunks(2)
            .map(|pair| pair[0] << 4 | pair[1])
            .collect()
    }

    fn expand(secret: &[u8], label: &str, len: usize) -> Vec<u8> {
        let mut out = vec![0; len];
        hkdf_expand_label(Hash::Sha256, secret, label, &[], &mut out).unwrap();
        out
    }

    // RFC 8448 §3 "Simple 1-RTT Handshake" (TLS_AES_128_GCM_SHA256).
    const SERVER_HANDSHAKE_SECRET: &str = "b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4
        e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38";
    const CLIENT_HANDSHAKE_SECRET: &str = "b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f
        3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21";
    /// The client's Finished, the first record protected by the client handshake key.
    const CLIENT_FINISHED_RECORD: &str = "17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44
        a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9 3c 7a 4b fc 44 d8 7f 38 f8 03 38 ac 98 fc 46 de
        b3 84 bd 1c ae ac ab 68 67 d7 26 c4 05 46";
    const CLIENT_FINISHED: &str = "14 00 00 20 a8 ec 43 6d 67 76 34 ae 52 5a c1 fc eb e1 1a
        03 9e c1 76 94 fa c6 e9 85 27 b6 42 f2 ed d5 ce 61";

    #[test]
    fn hkdf_expand_label_matches_rfc8448() {
        let server = hex(SERVER_HANDSHAKE_SECRET);
        assert_eq!(
            expand(&server, "key", 16),
            hex("3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc")
        );
        assert_eq!(
            expand(&server, "iv", 12),
            hex("5d 31 3e b2 67 12 76 ee 13 00 0b 30")
        );
        let client = hex(CLIENT_HANDSHAKE_SECRET);
        assert_eq!(
            expand(&client, "key", 16),
            hex("db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50 25 8d 01")
        );
        assert_eq!(
            expand(&client, "iv", 12),
            hex("5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f")
        );
    }

    fn client_finished_record() -> (RecordHeader, Vec<u8>) {
        let record = hex(CLIENT_FINISHED_RECORD);
        let mut reader = super::super::records::RecordReader::default();
        reader.push(&record);
        let header = reader.next_complete().unwrap().unwrap();
        let body = reader.take_body(&header);
        (header, body)
    }

    #[test]
    fn opens_the_rfc8448_client_finished_record() {
        let suite = Tls13Suite::from_id(0x1301).unwrap();
        let mut decrypter = RecordDecrypter::new(suite, &hex(CLIENT_HANDSHAKE_SECRET)).unwrap();
        let (header, body) = client_finished_record();
        assert_eq!(
            decrypter.open(&header, body),
            Some(Opened {
                content_type: 22,
                content: hex(CLIENT_FINISHED)
            })
        );
    }

    #[test]
    fn wrong_key_wrong_sequence_or_tampering_fail() {
        let suite = Tls13Suite::from_id(0x1301).unwrap();
        let (header, body) = client_finished_record();

        let mut wrong_key = RecordDecrypter::new(suite, &hex(SERVER_HANDSHAKE_SECRET)).unwrap();
        assert_eq!(wrong_key.open(&header, body.clone()), None);

        let mut second_record = RecordDecrypter::new(suite, &hex(CLIENT_HANDSHAKE_SECRET)).unwrap();
        second_record.sequence = 1;
        assert_eq!(second_record.open(&header, body.clone()), None);

        let mut tampered = body.clone();
        tampered[3] ^= 1;
        let mut decrypter = RecordDecrypter::new(suite, &hex(CLIENT_HANDSHAKE_SECRET)).unwrap();
        assert_eq!(decrypter.open(&header, tampered), None);
        assert_eq!(decrypter.open(&header, body[..10].to_vec()), None);
    }

    #[test]
    fn suites() {
        for id in [0x1301, 0x1302, 0x1303] {
            let suite = Tls13Suite::from_id(id).unwrap();
            let secret = vec![1; if id == 0x1302 { 48 } else { 32 }];
            assert!(RecordDecrypter::new(suite, &secret).is_some(), "{id:#06x}");
        }
        assert_eq!(Tls13Suite::from_id(0x1304), None);
        assert_eq!(Tls13Suite::from_id(0xc02f), None);
    }
}
