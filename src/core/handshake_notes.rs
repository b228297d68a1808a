//! What ftls code running inside rustls' handshake (certificate verifiers, identity resolvers)
//! tells the connection that drives it.
//!
//! rustls carries only its own error enum out of `process_new_packets`, and that enum decides
//! the alert the peer receives: `CertificateError::Revoked` must stay `Revoked` so that the peer
//! hears `certificate_revoked`. The detail that names the revoked certificate, and facts such
//! as the stapled OCSP response the verifier saw, travel here instead. rustls calls verifiers
//! and resolvers synchronously inside `process_new_packets`, on the thread that called it, and
//! a connection is driven by one thread at a time; so a slot of that thread, emptied right
//! before the call and taken right after it ([`Notes::around`]), belongs to exactly that call.
//! Nothing stays in it between calls: this is not the thread-local error state of OpenSSL.

use super::error::Error;
use std::cell::RefCell;

/// What one `process_new_packets` call learned besides rustls' result.
#[derive(Debug, Default)]
pub struct Notes {
    /// The full story of a failure that rustls reports with a bare error variant.
    pub failure: Option<Error>,
    /// The OCSP response the server stapled (client side), as the verifier saw it.
    pub ocsp_response: Option<Vec<u8>>,
    /// The client's hello carried TLS_FALLBACK_SCSV and this server supports TLS 1.3 (server
    /// side): if TLS 1.2 was negotiated, the client was downgraded.
    pub fallback_signalled: bool,
}

thread_local! {
    static CURRENT: RefCell<Option<Notes>> = const { RefCell::new(None) };
}

impl Notes {
    /// Runs `body` (a call into rustls) with an empty slot and returns what was noted meanwhile.
    /// Nested calls (a C callback driving another connection) keep their own notes.
    /// If `body` panics, the outer call's notes are put back all the same (the guard's drop),
    /// so that a panic caught further up cannot hand this call's notes to the outer one.
    pub fn around<T>(body: impl FnOnce() -> T) -> (T, Notes) {
        let mut guard = RestoreOuter {
            outer: Some(CURRENT.with(|slot| slot.replace(Some(Notes::default())))),
        };
        let result = body();
        let notes = guard.restore();
        (result, notes.unwrap_or_default())
    }
}

/// Puts the enclosing call's notes back in the slot, on return or on unwind.
struct RestoreOuter {
    /// None once restored.
    outer: Option<Option<Notes>>,
}

impl RestoreOuter {
    /// Restores the outer notes and returns what this call noted.
    fn restore(&mut self) -> Option<Notes> {
        let outer = self.outer.take()?;
        CURRENT.with(|slot| slot.replace(outer))
    }
}

impl Drop for RestoreOuter {
    fn drop(&mut self) {
        self.restore();
    }
}

/// Records why the handshake is about to fail; the first failure noted wins.
pub fn note_failure(err: Error) {
    CURRENT.with(|slot| {
        if let Some(notes) = slot.borrow_mut().as_mut() {
            notes.failure.get_or_insert(err);
        }
    });
}

/// Records that the client signalled a fallback to a server that supports TLS 1.3.
pub fn note_fallback_signalled() {
    CURRENT.with(|slot| {
        if let Some(notes) = slot.borrow_mut().as_mut() {
            notes.fallback_signalled = true;
        }
    });
}

/// Records the stapled OCSP response (empty means none was stapled).
pub fn note_ocsp_response(response: &[u8]) {
    if response.is_empty() {
        return;
    }
    CURRENT.with(|slot| {
        if let Some(notes) = slot.borrow_mut().as_mut() {
            notes.ocsp_response = Some(response.to_vec());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ResultCode;

    #[test]
    fn notes_belong_to_the_call_that_made_them() {
        note_failure(Error::invalid_state("outside any call: dropped"));
        let ((), outer) = Notes::around(|| {
            note_ocsp_response(b"outer");
            let ((), inner) = Notes::around(|| {
                note_failure(Error::new(ResultCode::FTLS_ERR_CERT_REVOKED, "inner"));
            });
            assert_eq!(inner.failure.unwrap().detail(), "inner");
            note_failure(Error::invalid_state("first"));
            note_failure(Error::invalid_state("second"));
        });
        assert_eq!(outer.ocsp_response.as_deref(), Some(&b"outer"[..]));
        assert_eq!(outer.failure.unwrap().detail(), "first");
        let ((), empty) = Notes::around(|| ());
        assert!(empty.failure.is_none() && empty.ocsp_response.is_none());
    }

    #[test]
    fn a_panic_inside_a_nested_call_leaves_the_outer_notes_alone() {
        let ((), outer) = Notes::around(|| {
            note_ocsp_response(b"outer");
            let caught = std::panic::catch_unwind(|| {
                Notes::around(|| {
                    note_failure(Error::invalid_state("inner"));
                    note_ocsp_response(b"inner");
                    panic!("a callback panicked");
                })
            });
            assert!(caught.is_err());
            note_failure(Error::invalid_state("outer"));
        });
        assert_eq!(outer.ocsp_response.as_deref(), Some(&b"outer"[..]));
        assert_eq!(outer.failure.unwrap().detail(), "outer");
        // And outside any call the slot is empty again: nothing is noted.
        note_failure(Error::invalid_state("outside"));
        let ((), empty) = Notes::around(|| ());
        assert!(empty.failure.is_none());
    }
}
