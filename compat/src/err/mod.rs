//! OpenSSL's error queue: one per thread, the only per-thread state of this library (legacy
//! programs read errors that way: a failing call queues records, the program takes them with
//! `ERR_get_error` or prints them). Records carry OpenSSL 3.0's library and reason codes and
//! print in its format; `reasons` holds the strings.

mod api;
mod reasons;

pub use reasons::*;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::ffi::{c_int, CString};

/// OpenSSL keeps the newest 16 records; older ones are dropped.
const QUEUE_CAPACITY: usize = 16;

pub const ERR_SYSTEM_FLAG: u64 = 0x8000_0000;
const ERR_LIB_OFFSET: u32 = 23;
const ERR_LIB_MASK: u64 = 0xff;
const ERR_REASON_MASK: u64 = 0x7f_ffff;

/// One queued error.
#[derive(Clone, Debug)]
pub struct Record {
    pub code: u64,
    pub file: CString,
    pub line: c_int,
    pub function: CString,
    pub data: CString,
}

struct Queue {
    records: VecDeque<Record>,
    /// Lengths of `records` at each ERR_set_mark.
    marks: Vec<usize>,
    /// The record most recently taken off, kept so that the pointers ERR_get_error_line_data
    /// returned stay valid until the next ERR call.
    taken: Option<Record>,
    /// ERR_error_string's buffer when the caller passes none.
    string_buffer: [u8; 256],
}

thread_local! {
    static QUEUE: RefCell<Queue> = const {
        RefCell::new(Queue {
            records: VecDeque::new(),
            marks: Vec::new(),
            taken: None,
            string_buffer: [0; 256],
        })
    };
}

/// OpenSSL 3.0's packing: library in bits 23..30, reason (with its flags) below.
pub fn pack(lib: c_int, reason: c_int) -> u64 {
    if lib == ERR_LIB_SYS {
        return ERR_SYSTEM_FLAG | (reason as u64 & 0x7fff_ffff);
    }
    ((lib as u64 & ERR_LIB_MASK) << ERR_LIB_OFFSET) | (reason as u64 & ERR_REASON_MASK)
}

pub fn lib_of(code: u64) -> c_int {
    if code & ERR_SYSTEM_FLAG != 0 {
        return ERR_LIB_SYS;
    }
    ((code >> ERR_LIB_OFFSET) & ERR_LIB_MASK) as c_int
}

pub fn reason_of(code: u64) -> c_int {
    if code & ERR_SYSTEM_FLAG != 0 {
        return (code & 0x7fff_ffff) as c_int;
    }
    (code & ERR_REASON_MASK) as c_int
}

fn c_text(text: impl Into<Vec<u8>>) -> CString {
    let mut bytes = text.into();
    bytes.retain(|&b| b != 0);
    CString::new(bytes).expect("NUL bytes were removed")
}

/// Queues an error for this thread: library and reason codes (OpenSSL's), the exported
/// function that failed, and a text saying what happened (OpenSSL's "data", printed last).
#[track_caller]
pub fn raise(lib: c_int, reason: c_int, function: &str, data: impl Into<String>) {
    let location = std::panic::Location::caller();
    let record = Record {
        code: pack(lib, reason),
        file: c_text(location.file()),
        line: location.line() as c_int,
        function: c_text(function),
        data: c_text(data.into()),
    };
    QUEUE.with(|queue| {
        let mut queue = queue.borrow_mut();
        if queue.records.len() == QUEUE_CAPACITY {
            queue.records.pop_front();
            for mark in &mut queue.marks {
                *mark = mark.saturating_sub(1);
            }
        }
        queue.records.push_back(record);
    });
}

/// Queues an operating-system error (ERR_LIB_SYS, the errno value as reason).
#[track_caller]
pub fn raise_errno(errno: c_int, function: &str, data: impl Into<String>) {
    raise(ERR_LIB_SYS, errno, function, data);
}

/// Which record an ERR_get/peek call looks at.
#[derive(Clone, Copy)]
pub(crate) enum Pick {
    TakeOldest,
    PeekOldest,
    PeekNewest,
}

/// Runs `read` on the picked record (None when the queue is empty); a taken record is kept as
/// `taken` so the pointers handed out stay valid.
pub(crate) fn with_record<R>(pick: Pick, read: impl FnOnce(Option<&Record>) -> R) -> R {
    QUEUE.with(|queue| {
        let mut queue = queue.borrow_mut();
        match pick {
            Pick::TakeOldest => {
                let Some(record) = queue.records.pop_front() else {
                    return read(None);
                };
                for mark in &mut queue.marks {
                    *mark = mark.saturating_sub(1);
                }
                queue.taken = Some(record);
                read(queue.taken.as_ref())
            }
            Pick::PeekOldest => read(queue.records.front()),
            Pick::PeekNewest => read(queue.records.back()),
        }
    })
}

/// Empties this thread's queue (ERR_clear_error).
pub fn clear() {
    QUEUE.with(|queue| {
        let mut queue = queue.borrow_mut();
        queue.records.clear();
        queue.marks.clear();
    });
}

/// ERR_set_mark: false, setting none, when the queue is empty (OpenSSL sets a mark on the
/// newest record, so an empty queue has nowhere to hold one).
pub(crate) fn set_mark() -> bool {
    QUEUE.with(|queue| {
        let mut queue = queue.borrow_mut();
        let len = queue.records.len();
        if len > 0 {
            queue.marks.push(len);
        }
        len > 0
    })
}

/// ERR_pop_to_mark: drops the records added since the last mark and the mark; false (after
/// emptying the queue) when there was no mark.
pub(crate) fn pop_to_mark() -> bool {
    QUEUE.with(|queue| {
        let mut queue = queue.borrow_mut();
        let mark = queue.marks.pop();
        queue.records.truncate(mark.unwrap_or(0));
        mark.is_some()
    })
}

/// ERR_clear_last_mark: forgets the last mark, keeping the records.
pub(crate) fn clear_last_mark() -> bool {
    QUEUE.with(|queue| queue.borrow_mut().marks.pop().is_some())
}

/// Runs `write` with this thread's ERR_error_string buffer.
pub(crate) fn with_string_buffer<R>(write: impl FnOnce(&mut [u8; 256]) -> R) -> R {
    QUEUE.with(|queue| write(&mut queue.borrow_mut().string_buffer))
}

/// The newest record's code, 0 when none: lets the library check what it just queued.
pub fn last_code() -> u64 {
    with_record(Pick::PeekNewest, |record| record.map_or(0, |r| r.code))
}

/// "error:0A000086:SSL routines:FUNCTION:certificate verify failed": OpenSSL 3.0's text for a
/// code (FUNCTION is empty except in ERR_print_errors' lines).
pub fn error_text(code: u64, function: &str) -> String {
    let lib = match lib_string(code) {
        Some(name) => name.to_str().unwrap_or_default().to_owned(),
        None => format!("lib({})", lib_of(code)),
    };
    let reason = match reason_string(code) {
        Some(text) => text,
        None => format!("reason({})", reason_of(code)),
    };
    format!("error:{code:08X}:{lib}:{function}:{reason}")
}

/// The identifier OpenSSL prints first on each ERR_print_errors line: the bytes of the
/// thread's id, in hex.
fn thread_id_hex() -> String {
    // SAFETY: pthread_self has no preconditions.
    let id = unsafe { libc::pthread_self() } as u64;
    id.to_ne_bytes()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// Takes every record off the queue, oldest first, as OpenSSL 3.0's printed lines (each
/// ending in a newline).
pub(crate) fn drain_lines() -> Vec<String> {
    let thread = thread_id_hex();
    let mut lines = Vec::new();
    loop {
        let line = with_record(Pick::TakeOldest, |record| {
            record.map(|r| {
                format!(
                    "{thread}:{}:{}:{}:{}\n",
                    error_text(r.code, &r.function.to_string_lossy()),
                    r.file.to_string_lossy(),
                    r.line,
                    r.data.to_string_lossy()
                )
            })
        });
        match line {
            Some(line) => lines.push(line),
            None => return lines,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_pack_and_print_as_openssl_3() {
        let code = pack(ERR_LIB_SSL, SSL_R_CERTIFICATE_VERIFY_FAILED);
        assert_eq!(code, 0x0A00_0086);
        assert_eq!(
            error_text(code, ""),
            "error:0A000086:SSL routines::certificate verify failed"
        );
        let system = pack(ERR_LIB_SYS, libc::ENOENT);
        assert_eq!(system, 0x8000_0002);
        assert_eq!(lib_of(system), ERR_LIB_SYS);
        assert_eq!(
            error_text(system, "fopen"),
            "error:80000002:system library:fopen:No such file or directory"
        );
        assert_eq!(
            error_text(pack(99, 7), ""),
            "error:31800007:lib(99)::reason(7)"
        );
    }

    #[test]
    fn the_queue_keeps_the_newest_sixteen_and_marks_work() {
        clear();
        for reason in 1..=20 {
            raise(ERR_LIB_SSL, reason, "test", "");
        }
        let first = with_record(Pick::PeekOldest, |r| r.map(|r| reason_of(r.code)));
        assert_eq!(first, Some(5));
        clear();
        assert!(!set_mark(), "an empty queue holds no mark");
        assert!(!pop_to_mark());
        raise(ERR_LIB_SSL, 1, "test", "");
        assert!(set_mark());
        raise(ERR_LIB_SSL, 2, "test", "");
        assert!(pop_to_mark());
        assert_eq!(last_code(), pack(ERR_LIB_SSL, 1));
        clear();
        assert_eq!(last_code(), 0);
    }
}
