//! The handshake observer (behind `--trace`) on arbitrary records, in both directions.

use crate::inputs::Input;
use ftls::core::HandshakeObserver;

/// The first byte says which side observes; then segments, each a direction byte, a length
/// and that many bytes, decoded as they arrive.
pub fn handshake_observer(data: &[u8]) {
    let mut input = Input::new(data);
    let is_client = input.byte() & 1 == 1;
    let mut observer = HandshakeObserver::new(is_client);
    while !input.is_empty() {
        let outgoing = input.byte() & 1 == 1;
        let len = usize::from(input.u16());
        let bytes = input.take(len);
        if outgoing {
            observer.outgoing(bytes);
        } else {
            observer.incoming(bytes);
            observer.decode_incoming();
        }
        std::hint::black_box(observer.take_events());
        std::hint::black_box(observer.take_alerts());
        if observer.is_done() {
            break;
        }
    }
}
