//! The rustls connection behind a `Connection`, each side in an allocation of its own size.
//!
//! `rustls::Connection` is an enum as large as its larger variant: held inline, every client
//! would carry the 112 bytes by which a server connection is larger (the memory benchmark
//! counts the bytes of an established client+server pair). Only the calls `Connection` makes
//! are forwarded; the rest of rustls' common state is reached through `Deref`.

use rustls::{ClientConnection, CommonState, IoState, Reader, ServerConnection, Writer};
use std::io::{self, Read, Write};
use std::ops::Deref;

pub(super) enum Tls {
    Client(Box<ClientConnection>),
    Server(Box<ServerConnection>),
}

/// Forwards one call to whichever side this is.
macro_rules! either_side {
    ($tls:expr, $conn:ident => $call:expr) => {
        match $tls {
            Tls::Client($conn) => $call,
            Tls::Server($conn) => $call,
        }
    };
}

impl Tls {
    pub(super) fn read_tls(&mut self, transport: &mut dyn Read) -> io::Result<usize> {
        either_side!(self, conn => conn.read_tls(transport))
    }

    pub(super) fn write_tls(&mut self, transport: &mut dyn Write) -> io::Result<usize> {
        either_side!(self, conn => conn.write_tls(transport))
    }

    pub(super) fn process_new_packets(&mut self) -> Result<IoState, rustls::Error> {
        either_side!(self, conn => conn.process_new_packets())
    }

    pub(super) fn reader(&mut self) -> Reader<'_> {
        either_side!(self, conn => conn.reader())
    }

    pub(super) fn writer(&mut self) -> Writer<'_> {
        either_side!(self, conn => conn.writer())
    }

    pub(super) fn send_close_notify(&mut self) {
        either_side!(self, conn => conn.send_close_notify())
    }

    pub(super) fn export_keying_material<T: AsMut<[u8]>>(
        &self,
        output: T,
        label: &[u8],
        context: Option<&[u8]>,
    ) -> Result<T, rustls::Error> {
        either_side!(self, conn => conn.export_keying_material(output, label, context))
    }
}

impl Deref for Tls {
    type Target = CommonState;

    fn deref(&self) -> &CommonState {
        either_side!(self, conn => conn)
    }
}
