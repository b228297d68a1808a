//! Copying decrypted data into the caller's buffer, as `read` does.
//!
//! glibc's `memcpy` (2.36, as on Debian 12) switches to `rep movsb` above about 2 KiB on CPUs
//! that announce fast string moves. On AMD Zen, `rep movsb` runs at a third of its speed when
//! source and destination sit at nearly the same offset within a 4 KiB page, which two heap
//! buffers of 16 KiB (rustls' record plaintext and a caller's read buffer) often do: the
//! benchmark's receive rate fell from 4.3 to 1.6 GB/s on that alone, in every rustls binding.
//! Copying in pieces below that threshold keeps `memcpy` on its vector loop, which is as fast
//! at any alignment and costs nothing measurable where `rep movsb` was fine.

/// Below glibc's `rep movsb` threshold on every x86-64 it selects (2112 bytes or more).
const PIECE: usize = 2048;

/// Copies all of `src` into the start of `dst` (which is at least as long).
pub(super) fn copy_plaintext(dst: &mut [u8], src: &[u8]) {
    let dst = &mut dst[..src.len()];
    for (to, from) in dst.chunks_mut(PIECE).zip(src.chunks(PIECE)) {
        to.copy_from_slice(from);
    }
}

#[cfg(test)]
mod tests {
    use super::copy_plaintext;

    #[test]
    fn copies_every_byte_whatever_the_length() {
        for len in [0, 1, 2047, 2048, 2049, 16384, 16401] {
            let src: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut dst = vec![0xAA; len + 3];
            copy_plaintext(&mut dst, &src);
            assert_eq!(&dst[..len], &src[..]);
            assert_eq!(&dst[len..], &[0xAA; 3]);
        }
    }
}
