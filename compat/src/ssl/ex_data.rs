//! ex_data: the program's pointers attached to an object by index (SSL_set_ex_data...). Index
//! 0 is always valid (SSL_set_app_data uses it); others come from *_get_ex_new_index, which
//! counts per class. The new/dup/free callbacks of the index functions are not called: the
//! pointers are the program's own.

use std::collections::HashMap;
use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Mutex;

use crate::ffi::UserPtr;

#[derive(Default)]
pub struct ExData(Mutex<HashMap<c_int, UserPtr>>);

impl ExData {
    pub fn set(&self, index: c_int, data: *mut c_void) -> bool {
        if index < 0 {
            return false;
        }
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(index, UserPtr(data));
        true
    }

    pub fn get(&self, index: c_int) -> *mut c_void {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&index).map_or(std::ptr::null_mut(), |p| p.0)
    }
}

/// The next index of a class; 1 first (0 is the app-data slot every object has).
pub fn new_index(counter: &AtomicI32) -> c_int {
    counter.fetch_add(1, Ordering::Relaxed) + 1
}

pub static SSL_INDEXES: AtomicI32 = AtomicI32::new(0);
pub static SSL_CTX_INDEXES: AtomicI32 = AtomicI32::new(0);
pub static SSL_SESSION_INDEXES: AtomicI32 = AtomicI32::new(0);
