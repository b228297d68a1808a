//! The one holder for a C callback kept beyond the call that registered it: its function
//! pointer(s) and the `userdata` C gave with them.

use std::ffi::c_void;
use std::fmt;

/// A C callback as ftls keeps it: `function` (one function pointer, or a small struct of them
/// for a set of callbacks that share one `userdata`) and `userdata`, which ftls never
/// dereferences, only hands back to `function`.
#[derive(Clone, Copy)]
pub(crate) struct CCallback<F> {
    function: F,
    userdata: *mut c_void,
}

// SAFETY: the raw `userdata` is all that keeps the compiler from deriving these. ftls never
// dereferences it: it only passes it back to the functions C registered with it, and the header
// states for each callback the threads it runs on and how long `userdata` must stay valid.
// Callbacks of a config or of the process (verification, ClientHello, client certificate,
// session store, key log, log) may run on several threads at once, and their documentation
// requires them and their `userdata` to be thread-safe; a connection's callbacks (handshake
// events) run only on the thread driving the connection, one call at a time, so sharing the
// holder between threads never leads to concurrent calls there.
unsafe impl<F: Send> Send for CCallback<F> {}
// SAFETY: as for Send.
unsafe impl<F: Sync> Sync for CCallback<F> {}

impl<F: Copy> CCallback<F> {
    pub(crate) fn new(function: F, userdata: *mut c_void) -> Self {
        Self { function, userdata }
    }

    pub(crate) fn function(&self) -> F {
        self.function
    }

    pub(crate) fn userdata(&self) -> *mut c_void {
        self.userdata
    }
}

impl<F> fmt::Debug for CCallback<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CCallback").finish_non_exhaustive()
    }
}
