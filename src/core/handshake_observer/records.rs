//! TLS record framing: turns one direction's byte stream, split anywhere, into whole records.

use super::GiveUp;

/// The TLS record content types of TLS 1.2 and 1.3 (RFC 8446 §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ContentType {
    ChangeCipherSpec = 20,
    Alert = 21,
    Handshake = 22,
    ApplicationData = 23,
}

impl ContentType {
    pub(super) fn from_byte(byte: u8) -> Option<Self> {
        Some(match byte {
            20 => Self::ChangeCipherSpec,
            21 => Self::Alert,
            22 => Self::Handshake,
            23 => Self::ApplicationData,
            _ => return None,
        })
    }
}

/// type (1) ‖ legacy version (2) ‖ length (2).
const HEADER_LEN: usize = 5;

/// The largest record body TLS 1.2 allows (2^14 + 2048, ciphertext); TLS 1.3's limit is lower.
const MAX_BODY_LEN: usize = (1 << 14) + 2048;

/// How many bytes may wait undecoded: enough for what rustls itself buffers before processing
/// (a 64 KiB handshake message plus a read), with a whole record to spare.
const MAX_BUFFERED: usize = 0x1_0000 + 4096 + HEADER_LEN + MAX_BODY_LEN;

/// A record header, checked for plausibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct RecordHeader {
    content_type: ContentType,
    bytes: [u8; HEADER_LEN],
}

impl RecordHeader {
    pub(super) fn content_type(&self) -> ContentType {
        self.content_type
    }

    pub(super) fn body_len(&self) -> usize {
        usize::from(u16::from_be_bytes([self.bytes[3], self.bytes[4]]))
    }

    /// The header as sent: TLS 1.3 authenticates it as the record's additional data.
    pub(super) fn as_bytes(&self) -> &[u8; HEADER_LEN] {
        &self.bytes
    }

    fn parse(bytes: [u8; HEADER_LEN]) -> Result<Self, GiveUp> {
        let content_type = ContentType::from_byte(bytes[0]);
        // Record versions are 3.x (the SSL 3.0 to TLS 1.2 spellings); anything else is not TLS.
        let (Some(content_type), 3) = (content_type, bytes[1]) else {
            return Err(GiveUp("not a TLS record"));
        };
        let header = Self {
            content_type,
            bytes,
        };
        if header.body_len() > MAX_BODY_LEN {
            return Err(GiveUp("record longer than TLS allows"));
        }
        Ok(header)
    }
}

/// Collects bytes and hands them back as whole records.
#[derive(Debug, Default)]
pub(super) struct RecordReader {
    buffer: Vec<u8>,
}

impl RecordReader {
    /// Appends bytes as they travelled, as many as the buffer limit allows; returns how many.
    pub(super) fn push(&mut self, bytes: &[u8]) -> usize {
        let room = MAX_BUFFERED.saturating_sub(self.buffer.len());
        let accepted = bytes.len().min(room);
        self.buffer.extend_from_slice(&bytes[..accepted]);
        accepted
    }

    /// The header of the next record, once all of that record has arrived.
    pub(super) fn next_complete(&self) -> Result<Option<RecordHeader>, GiveUp> {
        let Some(header) = self.buffer.first_chunk::<HEADER_LEN>() else {
            return Ok(None);
        };
        let header = RecordHeader::parse(*header)?;
        let complete = self.buffer.len() - HEADER_LEN >= header.body_len();
        Ok(complete.then_some(header))
    }

    /// Removes the record [`Self::next_complete`] announced and returns its body.
    pub(super) fn take_body(&mut self, header: &RecordHeader) -> Vec<u8> {
        let end = (HEADER_LEN + header.body_len()).min(self.buffer.len());
        let body = self
            .buffer
            .get(HEADER_LEN..end)
            .unwrap_or_default()
            .to_vec();
        self.buffer.drain(..end);
        body
    }

    /// Forgets everything buffered.
    pub(super) fn clear(&mut self) {
        self.buffer = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::record;
    use super::*;

    fn drain(reader: &mut RecordReader) -> Vec<(u8, Vec<u8>)> {
        let mut out = Vec::new();
        while let Some(header) = reader.next_complete().unwrap() {
            out.push((header.content_type() as u8, reader.take_body(&header)));
        }
        out
    }

    #[test]
    fn records_split_anywhere_come_out_whole() {
        let mut wire = record(22, b"hello");
        wire.extend(record(20, &[1]));
        wire.extend(record(23, &[]));
        let expected = vec![(22, b"hello".to_vec()), (20, vec![1]), (23, vec![])];

        let mut reader = RecordReader::default();
        let mut seen = Vec::new();
        for byte in &wire {
            assert_eq!(reader.push(std::slice::from_ref(byte)), 1);
            seen.extend(drain(&mut reader));
        }
        assert_eq!(seen, expected);

        let mut reader = RecordReader::default();
        assert_eq!(reader.push(&wire), wire.len());
        assert_eq!(drain(&mut reader), expected);
    }

    #[test]
    fn implausible_headers_are_refused() {
        for bad in [
            &b"GET / HTTP/1.1\r\n"[..],
            &[22, 2, 0, 0, 1],
            &[24, 3, 3, 0, 1],
            &[22, 3, 3, 0xff, 0xff],
        ] {
            let mut reader = RecordReader::default();
            reader.push(bad);
            assert!(reader.next_complete().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn buffering_is_bounded() {
        let mut reader = RecordReader::default();
        let accepted = reader.push(&vec![0; 2 * MAX_BUFFERED]);
        assert_eq!(accepted, MAX_BUFFERED);
        assert_eq!(reader.push(&[0]), 0);
    }
}
