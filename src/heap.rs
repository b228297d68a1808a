//! The heap ftls' C libraries allocate from: the C library's `malloc`, with every block larger
//! than 4 KiB made 64 bytes longer.
//!
//! Why: rustls decrypts a record in place in its receive buffer and copies the plaintext into a
//! new block; the buffers grow to powers of two, so the new block often lands right after the
//! receive buffer, 16 bytes (one malloc header) past a 4 KiB multiple from it. glibc's
//! `memcpy` (2.36, Debian 12) copies such blocks with `rep movsb`, which on AMD Zen runs at a
//! twentieth of its speed when the destination lies 1 to 15 bytes past the source modulo
//! 4 KiB: the receive rate fell from 4.5 to 1.5 GB/s on that alone, depending on the order of
//! earlier allocations. The padding moves the next block 80 bytes on instead, away from that
//! window, for a few bytes per large buffer. Blocks of 4 KiB and less (an idle connection's
//! receive buffer among them) are left as they are.
//!
//! It is installed here, once, as the global allocator of whatever links the crate with its
//! `padded-heap` feature: the C library (the `capi` feature turns it on) and the
//! OpenSSL-compatible library (which asks for it). Defined in one place, so that a program
//! linking both (the fuzz targets do) has one allocator. A Rust program using the crate with
//! neither feature keeps its own.

use std::alloc::{GlobalAlloc, Layout, System};

/// The global allocator of ftls' C libraries (see the module's text).
pub struct Heap;

#[cfg(feature = "padded-heap")]
#[global_allocator]
static HEAP: Heap = Heap;

/// Blocks larger than this are padded.
const LARGE: usize = 4096;

/// What a large block gains: enough to leave the slow window (1 to 15 bytes modulo 4 KiB)
/// whatever the record header's offset, and a multiple of every alignment malloc gives.
const PADDING: usize = 64;

/// The layout asked of the system for `layout`; None when the padded size is not a valid
/// layout (then the allocation fails, as an impossible one would).
fn padded(layout: Layout) -> Option<Layout> {
    padded_size(layout.size()).and_then(|size| Layout::from_size_align(size, layout.align()).ok())
}

fn padded_size(size: usize) -> Option<usize> {
    if size > LARGE {
        size.checked_add(PADDING)
    } else {
        Some(size)
    }
}

// SAFETY: every block is allocated, resized and freed by `System` with the same padded layout
// (a pure function of the caller's layout), so `System`'s contract holds; the caller gets at
// least the size and the alignment it asked for.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match padded(layout) {
            // SAFETY: a non-zero size, as the caller's (padding only grows it).
            Some(padded) => unsafe { System.alloc(padded) },
            None => std::ptr::null_mut(),
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match padded(layout) {
            // SAFETY: as in `alloc`.
            Some(padded) => unsafe { System.alloc_zeroed(padded) },
            None => std::ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // The layout was valid when the block was allocated, so it still pads validly.
        if let Some(padded) = padded(layout) {
            // SAFETY: `ptr` came from `System` with exactly this padded layout.
            unsafe { System.dealloc(ptr, padded) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let (Some(old), Some(new_size)) = (padded(layout), padded_size(new_size)) else {
            return std::ptr::null_mut();
        };
        if Layout::from_size_align(new_size, layout.align()).is_err() {
            return std::ptr::null_mut();
        }
        // SAFETY: `ptr` came from `System` with layout `old`; `new_size` is non-zero and, with
        // the alignment, a valid layout (checked above).
        unsafe { System.realloc(ptr, old, new_size) }
    }
}

#[cfg(test)]
mod tests {
    use super::{padded_size, Heap, LARGE, PADDING};
    use std::alloc::{GlobalAlloc, Layout};

    #[test]
    fn only_large_blocks_are_padded() {
        assert_eq!(padded_size(1), Some(1));
        assert_eq!(padded_size(LARGE), Some(LARGE));
        assert_eq!(padded_size(LARGE + 1), Some(LARGE + 1 + PADDING));
        assert_eq!(padded_size(usize::MAX), None);
    }

    #[test]
    fn a_block_keeps_its_bytes_as_it_grows_past_the_threshold_and_shrinks_back() {
        let heap = Heap;
        let small = Layout::from_size_align(1000, 16).unwrap();
        // SAFETY: the block is used within its size and freed with its last layout.
        unsafe {
            let block = heap.alloc(small);
            assert!(!block.is_null());
            for i in 0..1000 {
                *block.add(i) = (i % 251) as u8;
            }
            let grown = heap.realloc(block, small, 20_000);
            assert!(!grown.is_null());
            *grown.add(19_999) = 7;
            let large = Layout::from_size_align(20_000, 16).unwrap();
            let shrunk = heap.realloc(grown, large, 500);
            assert!(!shrunk.is_null());
            for i in 0..500 {
                assert_eq!(*shrunk.add(i), (i % 251) as u8);
            }
            heap.dealloc(shrunk, Layout::from_size_align(500, 16).unwrap());
        }
    }

    #[test]
    fn an_impossible_size_fails_instead_of_wrapping() {
        let huge = Layout::from_size_align(isize::MAX as usize - 8, 1).unwrap();
        // SAFETY: a failed allocation returns null and allocates nothing.
        assert!(unsafe { Heap.alloc(huge) }.is_null());
    }
}
