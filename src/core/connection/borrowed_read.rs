//! Reading decrypted data without copying it: the connection lends the plaintext of the next
//! record where rustls keeps it, and the caller says how much of it it used.
//!
//! rustls 0.23 decrypts each record in place in its receive buffer and then moves the plaintext
//! into a buffer of its own (one copy inside rustls, in the buffered and the unbuffered API
//! alike); lending that buffer saves the second copy, into the caller's memory, that `read`
//! makes.

use super::Connection;
use crate::core::error::{Error, ResultCode::*};
use crate::core::fd_transport::FdTransport;
use std::io::{self, BufRead};

impl Connection {
    /// Lends the next decrypted bytes (at least one) without copying them; the same bytes come
    /// back until [`Connection::consume`] says they were used. Results as `read`: with fds set
    /// it reads the fd as needed.
    pub fn read_borrowed(&mut self) -> Result<&[u8], Error> {
        match self.fds {
            Some(fds) => self.alerting_on_failure(fds, Self::wait_for_plaintext_over_fd)?,
            None => self.check_plaintext_available()?,
        }
        self.tls.reader().into_first_chunk().map_err(|err| {
            Error::new(
                FTLS_ERR_INTERNAL,
                format!("lending plaintext that was there a moment ago: {err}"),
            )
        })
    }

    /// Marks the first `n` lent bytes as read.
    pub fn consume(&mut self, n: usize) -> Result<(), Error> {
        let mut reader = self.tls.reader();
        let lent = reader.fill_buf().map(<[u8]>::len).unwrap_or(0);
        if n > lent {
            return Err(Error::invalid_argument(format!(
                "cannot consume {n} bytes: only {lent} were lent"
            )));
        }
        reader.consume(n);
        self.note_plaintext_read(n);
        Ok(())
    }

    /// `Ok` when decrypted bytes are buffered, else why not (as `read` says it).
    fn check_plaintext_available(&mut self) -> Result<(), Error> {
        self.check_not_failed()?;
        let available = self
            .tls
            .reader()
            .fill_buf()
            .map(<[u8]>::len)
            .map_err(|err| err.kind());
        match available {
            Ok(0) => Err(Error::new(
                FTLS_CLOSED,
                "the peer sent close_notify: no more data will arrive",
            )),
            Ok(_) => Ok(()),
            Err(io::ErrorKind::WouldBlock) => Err(Error::new(
                FTLS_WANT_READ,
                "no application data is buffered yet",
            )),
            Err(io::ErrorKind::UnexpectedEof) => Err(self.fail(Error::new(
                FTLS_ERR_UNEXPECTED_EOF,
                "the peer closed the transport without close_notify: the data may be truncated",
            ))),
            Err(kind) => Err(Error::new(
                FTLS_ERR_INTERNAL,
                format!("reading plaintext: {kind}"),
            )),
        }
    }

    /// As `read_over_fd`, up to the point where plaintext is there to lend.
    fn wait_for_plaintext_over_fd(&mut self, mut fds: FdTransport) -> Result<(), Error> {
        loop {
            match self.check_plaintext_available() {
                Err(err) if err.code() == FTLS_WANT_READ => {}
                done => return done,
            }
            self.flush_ignoring_would_block(&mut fds)?;
            self.fill_from(&mut fds)?;
        }
    }
}
