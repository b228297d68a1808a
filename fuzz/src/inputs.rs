//! Reading a fuzz input as a sequence of choices: numbers, lengths, byte strings. Past the end
//! every read gives zeros or empty strings, so any input is a complete program.

use std::ffi::CString;

pub(crate) struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Input(data)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn byte(&mut self) -> u8 {
        let (&first, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        first
    }

    pub(crate) fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }

    pub(crate) fn u32(&mut self) -> u32 {
        u32::from_be_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    /// A length that is usually small, sometimes huge: what careless callers pass.
    pub(crate) fn length(&mut self) -> usize {
        match self.byte() {
            0xff => usize::MAX,
            0xfe => 1 << 36,
            0xfd => u32::MAX as usize,
            0xf0..=0xfc => usize::from(self.u16()),
            small => usize::from(small),
        }
    }

    /// Up to 255 bytes, their count read first.
    pub(crate) fn bytes(&mut self) -> &'a [u8] {
        let len = usize::from(self.byte());
        self.take(len)
    }

    /// Up to `len` bytes (fewer at the end of the input).
    pub(crate) fn take(&mut self, len: usize) -> &'a [u8] {
        let (taken, rest) = self.0.split_at(len.min(self.0.len()));
        self.0 = rest;
        taken
    }

    /// The rest of the input.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        self.take(self.0.len())
    }

    /// A C string (up to 255 bytes, NULs dropped): names, protocols, passwords.
    pub(crate) fn c_string(&mut self) -> CString {
        let bytes: Vec<u8> = self.bytes().iter().copied().filter(|b| *b != 0).collect();
        CString::new(bytes).expect("NULs were dropped")
    }
}
