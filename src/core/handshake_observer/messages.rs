//! Handshake message framing: joins the handshake bytes of successive records into whole
//! messages (one message may span records; one record may hold several messages).

use super::GiveUp;

/// msg_type (1) ‖ length (3).
const HEADER_LEN: usize = 4;

/// rustls refuses handshake messages longer than this, so a longer one will never complete.
const MAX_BODY_LEN: usize = 0xffff;

/// One whole handshake message.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Message {
    /// The HandshakeType byte.
    pub(super) message_type: u8,
    pub(super) body: Vec<u8>,
}

/// Collects handshake record bodies and hands them back as whole messages.
#[derive(Debug, Default)]
pub(super) struct MessageJoiner {
    pending: Vec<u8>,
}

impl MessageJoiner {
    /// Appends the body of a handshake record (decrypted first, if it was protected).
    pub(super) fn push(&mut self, fragment: &[u8]) {
        self.pending.extend_from_slice(fragment);
    }

    /// The next whole message, if it has arrived.
    pub(super) fn next_message(&mut self) -> Result<Option<Message>, GiveUp> {
        let Some(&[message_type, a, b, c]) = self.pending.first_chunk::<HEADER_LEN>() else {
            return Ok(None);
        };
        let body_len = usize::from(a) << 16 | usize::from(b) << 8 | usize::from(c);
        if body_len > MAX_BODY_LEN {
            return Err(GiveUp("handshake message too long"));
        }
        let Some(body) = self.pending.get(HEADER_LEN..HEADER_LEN + body_len) else {
            return Ok(None);
        };
        let message = Message {
            message_type,
            body: body.to_vec(),
        };
        self.pending.drain(..HEADER_LEN + body_len);
        Ok(Some(message))
    }

    /// True when no partial message is waiting.
    pub(super) fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::handshake as message;
    use super::*;

    fn drain(joiner: &mut MessageJoiner) -> Vec<Message> {
        std::iter::from_fn(|| joiner.next_message().unwrap()).collect()
    }

    #[test]
    fn several_messages_in_one_fragment() {
        let mut joiner = MessageJoiner::default();
        let mut fragment = message(8, &[0, 0]);
        fragment.extend(message(11, &[1; 300]));
        fragment.extend(message(20, &[]));
        joiner.push(&fragment);
        let messages = drain(&mut joiner);
        let summary: Vec<_> = messages
            .iter()
            .map(|m| (m.message_type, m.body.len()))
            .collect();
        assert_eq!(summary, [(8, 2), (11, 300), (20, 0)]);
        assert!(joiner.is_empty());
    }

    #[test]
    fn one_message_across_fragments_including_its_header() {
        let bytes = message(11, &[7; 1000]);
        let mut joiner = MessageJoiner::default();
        for piece in [&bytes[..2], &bytes[2..3], &bytes[3..500], &bytes[500..]] {
            assert!(drain(&mut joiner).is_empty());
            joiner.push(piece);
        }
        let messages = drain(&mut joiner);
        assert_eq!(
            messages,
            [Message {
                message_type: 11,
                body: vec![7; 1000]
            }]
        );
    }

    #[test]
    fn oversized_messages_are_refused_before_they_are_buffered() {
        let mut joiner = MessageJoiner::default();
        joiner.push(&[11, 0x01, 0x00, 0x00]);
        assert!(joiner.next_message().is_err());
    }
}
