//! `STACK_OF(T)`: OpenSSL's generic list of pointers. OpenSSL 3.0's safestack macros
//! (`sk_X509_num`, `sk_GENERAL_NAME_pop_free`, ...) are inline functions in safestack.h that
//! cast and call the `OPENSSL_sk_*` functions here, so one untyped implementation serves every
//! element type. The stack never owns its elements: `pop_free` is how a caller frees them.

use std::ffi::{c_int, c_void};

/// Orders two elements; each argument points at an element slot (OpenSSL's qsort convention).
pub type CompareFn = unsafe extern "C" fn(*const c_void, *const c_void) -> c_int;
pub type FreeFn = unsafe extern "C" fn(*mut c_void);
pub type CopyFn = unsafe extern "C" fn(*const c_void) -> *mut c_void;

/// The stack object behind every `STACK_OF(T) *`.
pub struct OPENSSL_STACK {
    items: Vec<*mut c_void>,
    compare: Option<CompareFn>,
    sorted: bool,
}

impl OPENSSL_STACK {
    pub fn new(items: Vec<*mut c_void>) -> Self {
        Self {
            items,
            compare: None,
            sorted: false,
        }
    }

    /// Hands the stack to C; `OPENSSL_sk_free` (or `sk_T_free`) releases it.
    pub fn into_raw(self) -> *mut OPENSSL_STACK {
        Box::into_raw(Box::new(self))
    }

    pub fn items(&self) -> &[*mut c_void] {
        &self.items
    }

    fn index(&self, index: c_int) -> Option<usize> {
        usize::try_from(index)
            .ok()
            .filter(|i| *i < self.items.len())
    }

    fn count(&self) -> c_int {
        c_int::try_from(self.items.len()).unwrap_or(c_int::MAX)
    }

    fn insert(&mut self, data: *mut c_void, position: c_int) -> c_int {
        if self.items.len() >= c_int::MAX as usize {
            return 0;
        }
        match usize::try_from(position)
            .ok()
            .filter(|p| *p <= self.items.len())
        {
            Some(at) => self.items.insert(at, data),
            None => self.items.push(data),
        }
        self.sorted = self.items.len() <= 1;
        self.count()
    }

    /// Sorts with the comparison function; an insertion sort, because a C comparator that is
    /// not a total order must not make the sort panic (std's sorts may).
    fn sort(&mut self) {
        let Some(compare) = self.compare else {
            return;
        };
        for i in 1..self.items.len() {
            let mut j = i;
            while j > 0 {
                let (a, b) = (&self.items[j - 1], &self.items[j]);
                let a = a as *const *mut c_void as *const c_void;
                let b = b as *const *mut c_void as *const c_void;
                // SAFETY: both arguments point at live slots of `items`; the comparator is the
                // caller's, given for this stack's elements.
                if unsafe { compare(a, b) } <= 0 {
                    break;
                }
                self.items.swap(j - 1, j);
                j -= 1;
            }
        }
        self.sorted = true;
    }

    /// Where `data` is, as OpenSSL's binary search finds it: by the comparator (after sorting,
    /// as OpenSSL does) or, without one, by pointer (the first equal element). With a
    /// comparator and no equal element, `nearest` gives the last element the search looked at
    /// (OPENSSL_sk_find_ex) instead of -1; with an equal one, `nearest` gives the one the
    /// search met and otherwise the first (OPENSSL_sk_find).
    fn search(&mut self, data: *const c_void, nearest: bool) -> c_int {
        let Some(compare) = self.compare else {
            return self
                .items
                .iter()
                .position(|item| item.cast_const() == data)
                .map_or(-1, |i| i as c_int);
        };
        if self.items.is_empty() {
            return -1;
        }
        if !self.sorted {
            self.sort();
        }
        if data.is_null() {
            return -1;
        }
        let key = &data as *const *const c_void as *const c_void;
        let items = &self.items;
        let compare_at = |i: usize| {
            let slot = &items[i] as *const *mut c_void as *const c_void;
            // SAFETY: both arguments point at live pointer slots for the caller's comparator.
            unsafe { compare(key, slot) }
        };
        let (mut low, mut high) = (0, items.len());
        let (mut probe, mut order) = (0, 0);
        while low < high {
            probe = (low + high) / 2;
            order = compare_at(probe);
            match order {
                o if o < 0 => high = probe,
                o if o > 0 => low = probe + 1,
                _ => break,
            }
        }
        if order != 0 {
            return if nearest { probe as c_int } else { -1 };
        }
        if !nearest {
            while probe > 0 && compare_at(probe - 1) == 0 {
                probe -= 1;
            }
        }
        probe as c_int
    }
}

/// Borrows a stack from C.
fn stack<'a>(sk: *const OPENSSL_STACK) -> Option<&'a OPENSSL_STACK> {
    // SAFETY: a non-NULL `sk` is a stack this library made and the caller has not freed.
    unsafe { sk.as_ref() }
}

fn stack_mut<'a>(sk: *mut OPENSSL_STACK) -> Option<&'a mut OPENSSL_STACK> {
    // SAFETY: as `stack`; OpenSSL's stacks are not thread-safe either, so the caller holds
    // the only reference during the call.
    unsafe { sk.as_mut() }
}

/// A new empty stack without a comparison function.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_new_null() -> *mut OPENSSL_STACK {
    OPENSSL_STACK::new(Vec::new()).into_raw()
}

/// A new empty stack ordered by `compare` (used by `find` and `sort`).
#[no_mangle]
pub extern "C" fn OPENSSL_sk_new(compare: Option<CompareFn>) -> *mut OPENSSL_STACK {
    let mut new = OPENSSL_STACK::new(Vec::new());
    new.compare = compare;
    new.into_raw()
}

/// As `OPENSSL_sk_new`, with room for `n` elements; NULL if `n` is negative.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_new_reserve(
    compare: Option<CompareFn>,
    n: c_int,
) -> *mut OPENSSL_STACK {
    let Ok(room) = usize::try_from(n) else {
        return std::ptr::null_mut();
    };
    let mut new = OPENSSL_STACK::new(Vec::with_capacity(room));
    new.compare = compare;
    new.into_raw()
}

/// Makes room for `n` more elements: 1, or 0 for a NULL stack or a negative `n`.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_reserve(sk: *mut OPENSSL_STACK, n: c_int) -> c_int {
    let Some(sk) = stack_mut(sk) else {
        return 0;
    };
    // A negative count asks for nothing, and succeeds (as in OpenSSL).
    if let Ok(room) = usize::try_from(n) {
        sk.items.reserve(room);
    }
    1
}

/// The number of elements, -1 for a NULL stack.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_num(sk: *const OPENSSL_STACK) -> c_int {
    stack(sk).map_or(-1, OPENSSL_STACK::count)
}

/// Element `i` (not a copy), NULL for a NULL stack or an index out of range.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_value(sk: *const OPENSSL_STACK, i: c_int) -> *mut c_void {
    stack(sk)
        .and_then(|sk| sk.index(i).map(|i| sk.items[i]))
        .unwrap_or(std::ptr::null_mut())
}

/// Replaces element `i`; returns `data`, or NULL (nothing changed) if `i` is out of range.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_set(
    sk: *mut OPENSSL_STACK,
    i: c_int,
    data: *const c_void,
) -> *mut c_void {
    let Some(sk) = stack_mut(sk) else {
        return std::ptr::null_mut();
    };
    match sk.index(i) {
        Some(i) => {
            sk.items[i] = data.cast_mut();
            sk.sorted = sk.items.len() <= 1;
            data.cast_mut()
        }
        None => std::ptr::null_mut(),
    }
}

/// Appends `data`; returns the new number of elements, 0 on failure (NULL stack).
#[no_mangle]
pub extern "C" fn OPENSSL_sk_push(sk: *mut OPENSSL_STACK, data: *const c_void) -> c_int {
    stack_mut(sk).map_or(0, |sk| sk.insert(data.cast_mut(), -1))
}

/// Prepends `data`; returns the new number of elements, 0 on failure.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_unshift(sk: *mut OPENSSL_STACK, data: *const c_void) -> c_int {
    stack_mut(sk).map_or(0, |sk| sk.insert(data.cast_mut(), 0))
}

/// Inserts `data` before index `position` (appends if `position` is out of range); returns the
/// new number of elements, 0 on failure.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_insert(
    sk: *mut OPENSSL_STACK,
    data: *const c_void,
    position: c_int,
) -> c_int {
    stack_mut(sk).map_or(0, |sk| sk.insert(data.cast_mut(), position))
}

/// Removes and returns the last element; NULL if the stack is empty or NULL.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_pop(sk: *mut OPENSSL_STACK) -> *mut c_void {
    stack_mut(sk)
        .and_then(|sk| sk.items.pop())
        .unwrap_or(std::ptr::null_mut())
}

/// Removes and returns the first element; NULL if the stack is empty or NULL.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_shift(sk: *mut OPENSSL_STACK) -> *mut c_void {
    OPENSSL_sk_delete(sk, 0)
}

/// Removes and returns element `i`; NULL if `i` is out of range.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_delete(sk: *mut OPENSSL_STACK, i: c_int) -> *mut c_void {
    stack_mut(sk)
        .and_then(|sk| sk.index(i).map(|i| sk.items.remove(i)))
        .unwrap_or(std::ptr::null_mut())
}

/// Removes the first element that is the pointer `p` and returns it; NULL if absent.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_delete_ptr(sk: *mut OPENSSL_STACK, p: *const c_void) -> *mut c_void {
    let Some(sk) = stack_mut(sk) else {
        return std::ptr::null_mut();
    };
    match sk.items.iter().position(|item| item.cast_const() == p) {
        Some(i) => sk.items.remove(i),
        None => std::ptr::null_mut(),
    }
}

/// The index of the first element equal to `data` (by the comparison function, else by
/// pointer); -1 if none. With a comparison function the stack is sorted first, as in OpenSSL.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_find(sk: *mut OPENSSL_STACK, data: *const c_void) -> c_int {
    stack_mut(sk).map_or(-1, |sk| sk.search(data, false))
}

/// As `OPENSSL_sk_find`, except that with a comparison function and no equal element it
/// returns the index of a nearby element (the last one the binary search compared, as
/// OpenSSL 3.0 does) rather than -1.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_find_ex(sk: *mut OPENSSL_STACK, data: *const c_void) -> c_int {
    stack_mut(sk).map_or(-1, |sk| sk.search(data, true))
}

/// Sorts the stack with its comparison function (nothing without one).
#[no_mangle]
pub extern "C" fn OPENSSL_sk_sort(sk: *mut OPENSSL_STACK) {
    if let Some(sk) = stack_mut(sk) {
        sk.sort();
    }
}

/// 1 if the stack is known to be sorted (or is NULL), else 0.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_is_sorted(sk: *const OPENSSL_STACK) -> c_int {
    stack(sk).map_or(1, |sk| c_int::from(sk.sorted))
}

/// Sets the comparison function and returns the previous one.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_set_cmp_func(
    sk: *mut OPENSSL_STACK,
    compare: Option<CompareFn>,
) -> Option<CompareFn> {
    let sk = stack_mut(sk)?;
    let old = std::mem::replace(&mut sk.compare, compare);
    if old.map(|f| f as usize) != compare.map(|f| f as usize) {
        sk.sorted = false;
    }
    old
}

/// Empties the stack without freeing the elements.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_zero(sk: *mut OPENSSL_STACK) {
    if let Some(sk) = stack_mut(sk) {
        sk.items.clear();
    }
}

/// A new stack holding the same pointers (the elements are shared, not copied).
#[no_mangle]
pub extern "C" fn OPENSSL_sk_dup(sk: *const OPENSSL_STACK) -> *mut OPENSSL_STACK {
    stack(sk).map_or(std::ptr::null_mut(), |sk| {
        OPENSSL_STACK {
            items: sk.items.clone(),
            compare: sk.compare,
            sorted: sk.sorted,
        }
        .into_raw()
    })
}

/// A new stack of copies made by `copy`; if a copy fails, the copies made so far are freed
/// with `free` and NULL is returned.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_deep_copy(
    sk: *const OPENSSL_STACK,
    copy: Option<CopyFn>,
    free: Option<FreeFn>,
) -> *mut OPENSSL_STACK {
    let (Some(sk), Some(copy)) = (stack(sk), copy) else {
        return std::ptr::null_mut();
    };
    let mut copies = Vec::with_capacity(sk.items.len());
    for item in &sk.items {
        if item.is_null() {
            copies.push(std::ptr::null_mut());
            continue;
        }
        // SAFETY: the caller's copy function, given an element of this stack.
        let copied = unsafe { copy(item.cast_const()) };
        if copied.is_null() {
            if let Some(free) = free {
                for done in copies.into_iter().filter(|p: &*mut c_void| !p.is_null()) {
                    // SAFETY: each was made by the caller's copy function just now.
                    unsafe { free(done) };
                }
            }
            return std::ptr::null_mut();
        }
        copies.push(copied);
    }
    OPENSSL_STACK {
        items: copies,
        compare: sk.compare,
        sorted: sk.sorted,
    }
    .into_raw()
}

/// Frees the stack, not its elements. NULL does nothing.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_free(sk: *mut OPENSSL_STACK) {
    if !sk.is_null() {
        // SAFETY: a non-NULL `sk` came from `into_raw` and is freed once, by its owner.
        drop(unsafe { Box::from_raw(sk) });
    }
}

/// Frees every non-NULL element with `free`, then the stack. NULL does nothing.
#[no_mangle]
pub extern "C" fn OPENSSL_sk_pop_free(sk: *mut OPENSSL_STACK, free: Option<FreeFn>) {
    if sk.is_null() {
        return;
    }
    // SAFETY: as in `OPENSSL_sk_free`.
    let owned = unsafe { Box::from_raw(sk) };
    if let Some(free) = free {
        for item in owned.items.iter().filter(|item| !item.is_null()) {
            // SAFETY: the caller's free function for this stack's elements.
            unsafe { free(*item) };
        }
    }
}
