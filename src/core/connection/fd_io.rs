//! Driving a connection over file descriptors, with `SSL_get_error`-like results: a thin user
//! of the sans-I/O calls (`read_tls`, `process_new_packets`, `write_tls`).
//!
//! Works on blocking and non-blocking fds alike: a call that would block returns
//! `FTLS_WANT_READ` or `FTLS_WANT_WRITE`, and the caller waits on the fd and calls again (the
//! same call or any other). The handshake happens implicitly in `read` and `write`.
//!
//! Short writes (the documented rule): `write` accepts the whole buffer unless the fd would
//! block; then it returns how many bytes it accepted so far (at least one), like OpenSSL with
//! `SSL_MODE_ENABLE_PARTIAL_WRITE`, or `FTLS_WANT_WRITE` if it accepted none. On a blocking fd
//! it therefore returns only when everything has been sent. Accepted bytes are never lost:
//! what could not be sent yet goes out with the next call (or `flush`).
//!
//! Full duplex: `read` sends what is queued when the fd takes it, but does not stop reading
//! when it does not (else a peer that writes while we write would deadlock us both). So an
//! event loop waits for writability too whenever `wants_write` is true, whatever the last call
//! returned, and then calls `flush` (or `write`).

use super::Connection;
use crate::core::error::{Error, ResultCode::*};
use crate::core::fd_transport::FdTransport;
use std::os::fd::RawFd;

impl Connection {
    /// Binds the connection to a read fd and a write fd (the same socket, usually). ftls
    /// never closes them.
    pub fn set_fds(&mut self, read_fd: RawFd, write_fd: RawFd) -> Result<(), Error> {
        let fds = FdTransport::new(read_fd, write_fd).ok_or_else(|| {
            Error::invalid_argument(format!(
                "file descriptors must not be negative (got {read_fd} and {write_fd})"
            ))
        })?;
        self.fds = Some(fds);
        Ok(())
    }

    fn bound_fds(&self) -> Result<FdTransport, Error> {
        self.fds.ok_or_else(|| {
            Error::invalid_state("no file descriptor is set: call set_fd first (or use read_tls)")
        })
    }

    /// Runs the handshake to completion over the fds.
    pub fn handshake(&mut self) -> Result<(), Error> {
        let fds = self.bound_fds()?;
        self.alerting_on_failure(fds, |conn, mut fds| {
            conn.check_not_failed()?;
            loop {
                conn.flush_to(&mut fds)?;
                if !conn.tls.is_handshaking() {
                    return Ok(());
                }
                conn.fill_from(&mut fds)?;
            }
        })
    }

    /// Sends every queued TLS byte; `FTLS_WANT_WRITE` if the fd would block first.
    pub fn flush(&mut self) -> Result<(), Error> {
        let mut fds = self.bound_fds()?;
        self.flush_to(&mut fds)
    }

    /// Sends close_notify (once) and, if `wait_for_peer`, reads until the peer's close_notify,
    /// discarding data that arrives meanwhile. Call again after a would-block.
    pub fn shutdown(&mut self, wait_for_peer: bool) -> Result<(), Error> {
        let fds = self.bound_fds()?;
        self.alerting_on_failure(fds, |conn, fds| conn.shutdown_over_fd(fds, wait_for_peer))
    }

    fn shutdown_over_fd(&mut self, mut fds: FdTransport, wait_for_peer: bool) -> Result<(), Error> {
        self.send_close_notify();
        if self.tls.is_handshaking() {
            // The close_notify waits for the handshake (see `send_close_notify`): finish it.
            self.handshake()?;
        }
        self.flush_to(&mut fds)?;
        if !wait_for_peer {
            return Ok(());
        }
        let mut discard = [0u8; 4096];
        loop {
            match self.read_over_fd(fds, &mut discard) {
                Ok(_) => continue,
                Err(err) if err.code() == FTLS_CLOSED => return Ok(()),
                Err(err) => return Err(err),
            }
        }
    }

    pub(super) fn read_over_fd(
        &mut self,
        mut fds: FdTransport,
        buf: &mut [u8],
    ) -> Result<usize, Error> {
        loop {
            match self.read_buffered(buf) {
                Err(err) if err.code() == FTLS_WANT_READ => {}
                done => return done,
            }
            self.flush_ignoring_would_block(&mut fds)?;
            self.fill_from(&mut fds)?;
        }
    }

    pub(super) fn write_over_fd(
        &mut self,
        mut fds: FdTransport,
        data: &[u8],
    ) -> Result<usize, Error> {
        if self.tls.is_handshaking() {
            self.handshake()?;
        }
        let mut accepted = 0;
        loop {
            match self.flush_to(&mut fds) {
                Err(err) if err.code() == FTLS_WANT_WRITE && accepted > 0 => return Ok(accepted),
                result => result?,
            }
            if accepted == data.len() {
                return Ok(accepted);
            }
            accepted += self.write_buffered(&data[accepted..])?;
        }
    }

    /// Handshake messages or alerts may be waiting to go out before the peer answers; if the
    /// fd cannot take them now, the caller reads anyway (see "Full duplex" above).
    pub(super) fn flush_ignoring_would_block(
        &mut self,
        fds: &mut FdTransport,
    ) -> Result<(), Error> {
        match self.flush_to(fds) {
            Err(err) if err.code() == FTLS_WANT_WRITE => Ok(()),
            result => result,
        }
    }

    fn flush_to(&mut self, fds: &mut FdTransport) -> Result<(), Error> {
        while self.wants_write() {
            self.write_tls(fds)?;
        }
        Ok(())
    }

    /// Reads once from the fd and processes what arrived. End of stream is recorded; the
    /// caller then sees close_notify, truncation or a handshake cut short.
    pub(super) fn fill_from(&mut self, fds: &mut FdTransport) -> Result<(), Error> {
        if !self.transport_eof {
            self.read_tls(fds)?;
        }
        self.process_new_packets()
    }

    /// Runs one fd call; once the connection has failed, the alert that tells the peer why
    /// goes out before the error is reported (again on every later call, until the fd took
    /// it), so the peer does not see a bare end of stream.
    pub(super) fn alerting_on_failure<T>(
        &mut self,
        mut fds: FdTransport,
        call: impl FnOnce(&mut Self, FdTransport) -> Result<T, Error>,
    ) -> Result<T, Error> {
        call(self, fds).inspect_err(|_| {
            if self.failure().is_some() {
                // Best effort: a full or broken socket must not hide the real error.
                let _ = self.flush_to(&mut fds);
            }
        })
    }
}
