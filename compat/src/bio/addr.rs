//! OpenSSL 3.0's socket helpers: name lookup into a BIO_ADDRINFO list (`BIO_lookup_ex`), the
//! BIO_ADDR values in it, and `BIO_socket` / `BIO_connect` / `BIO_listen` / `BIO_accept_ex` /
//! `BIO_closesocket` / `BIO_socket_nbio` over the system calls.

use std::ffi::{c_char, c_int, CStr};

use super::socket::is_retryable;
use crate::err::{self, ERR_LIB_BIO};
use crate::ffi::{self, guard};
use crate::init::malloc_c_string;

pub const BIO_LOOKUP_CLIENT: c_int = 0;
pub const BIO_LOOKUP_SERVER: c_int = 1;
pub const BIO_SOCK_REUSEADDR: c_int = 0x01;
pub const BIO_SOCK_V6_ONLY: c_int = 0x02;
pub const BIO_SOCK_KEEPALIVE: c_int = 0x04;
pub const BIO_SOCK_NONBLOCK: c_int = 0x08;
pub const BIO_SOCK_NODELAY: c_int = 0x10;

/// A socket address (IPv4, IPv6 or Unix).
#[derive(Clone, Copy)]
pub struct BIO_ADDR {
    storage: libc::sockaddr_storage,
    len: libc::socklen_t,
}

impl BIO_ADDR {
    fn empty() -> Self {
        // SAFETY: sockaddr_storage is plain data; all zeroes is AF_UNSPEC.
        Self {
            storage: unsafe { std::mem::zeroed() },
            len: 0,
        }
    }

    pub fn family(&self) -> c_int {
        c_int::from(self.storage.ss_family)
    }

    /// The local address socket `fd` is bound to.
    pub fn of_socket(fd: c_int) -> Option<Self> {
        let mut address = Self::empty();
        address.len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        let storage = (&mut address.storage as *mut libc::sockaddr_storage).cast();
        // SAFETY: getsockname writes at most `len` bytes into the storage.
        let ok = unsafe { libc::getsockname(fd, storage, &mut address.len) } == 0;
        ok.then_some(address)
    }

    /// The address and port as numbers in text ("127.0.0.1", "4433").
    pub fn numeric_host_port(&self) -> Option<(String, String)> {
        self.numeric(libc::NI_NUMERICHOST | libc::NI_NUMERICSERV)
    }

    fn as_sockaddr(&self) -> *const libc::sockaddr {
        (&self.storage as *const libc::sockaddr_storage).cast()
    }

    /// The address and port in numeric text (getnameinfo), or None.
    fn numeric(&self, flags: c_int) -> Option<(String, String)> {
        let mut host = [0 as c_char; 1025];
        let mut service = [0 as c_char; 32];
        // SAFETY: a valid address of `len` bytes; both buffers with their sizes.
        let rc = unsafe {
            libc::getnameinfo(
                self.as_sockaddr(),
                self.len,
                host.as_mut_ptr(),
                host.len() as libc::socklen_t,
                service.as_mut_ptr(),
                service.len() as libc::socklen_t,
                flags,
            )
        };
        if rc != 0 {
            return None;
        }
        // SAFETY: getnameinfo NUL-terminated both on success.
        let text = |buf: &[c_char]| {
            unsafe { CStr::from_ptr(buf.as_ptr()) }
                .to_string_lossy()
                .into_owned()
        };
        Some((text(&host), text(&service)))
    }

    fn port(&self) -> u16 {
        match self.family() {
            libc::AF_INET => {
                // SAFETY: an AF_INET address is a sockaddr_in.
                let v4 = unsafe { &*(self.as_sockaddr().cast::<libc::sockaddr_in>()) };
                v4.sin_port
            }
            libc::AF_INET6 => {
                // SAFETY: an AF_INET6 address is a sockaddr_in6.
                let v6 = unsafe { &*(self.as_sockaddr().cast::<libc::sockaddr_in6>()) };
                v6.sin6_port
            }
            _ => 0,
        }
    }
}

/// One result of a lookup; `next` continues the list.
pub struct BIO_ADDRINFO {
    family: c_int,
    socktype: c_int,
    protocol: c_int,
    address: BIO_ADDR,
    next: Option<Box<BIO_ADDRINFO>>,
}

impl BIO_ADDRINFO {
    pub fn address(&self) -> &BIO_ADDR {
        &self.address
    }
    pub fn next(&self) -> Option<&BIO_ADDRINFO> {
        self.next.as_deref()
    }
    pub fn family(&self) -> c_int {
        self.family
    }
    pub fn socktype(&self) -> c_int {
        self.socktype
    }
    pub fn protocol(&self) -> c_int {
        self.protocol
    }
}

/// getaddrinfo into a list; Err(detail) after queuing OpenSSL's records.
pub fn lookup(
    function: &'static str,
    host: Option<&CStr>,
    service: Option<&CStr>,
    server: bool,
    family: c_int,
    socktype: c_int,
    protocol: c_int,
) -> Option<Box<BIO_ADDRINFO>> {
    // SAFETY: addrinfo is plain data; zeroes are its "no hint" values.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_protocol = protocol;
    if server {
        hints.ai_flags |= libc::AI_PASSIVE;
    }
    let mut found: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: NULL or NUL-terminated strings, valid hints, a place for the result.
    let rc = unsafe {
        libc::getaddrinfo(
            host.map_or(std::ptr::null(), CStr::as_ptr),
            service.map_or(std::ptr::null(), CStr::as_ptr),
            &hints,
            &mut found,
        )
    };
    if rc != 0 {
        // SAFETY: gai_strerror returns a static string.
        let text = unsafe { CStr::from_ptr(libc::gai_strerror(rc)) }
            .to_string_lossy()
            .into_owned();
        err::raise(
            crate::err::ERR_LIB_SYS,
            rc.abs(),
            function,
            format!(
                "calling getaddrinfo({}, {}): {text}",
                host.map_or("NULL".into(), |h| h.to_string_lossy()),
                service.map_or("NULL".into(), |s| s.to_string_lossy())
            ),
        );
        err::raise(ERR_LIB_BIO, err::ERR_R_SYS_LIB, function, "");
        return None;
    }
    let mut entries = Vec::new();
    let mut cursor = found;
    // SAFETY: walking the list getaddrinfo returned, then freeing it once.
    unsafe {
        while let Some(entry) = cursor.as_ref() {
            let mut address = BIO_ADDR::empty();
            let len =
                (entry.ai_addrlen as usize).min(std::mem::size_of::<libc::sockaddr_storage>());
            std::ptr::copy_nonoverlapping(
                entry.ai_addr.cast::<u8>(),
                (&mut address.storage as *mut libc::sockaddr_storage).cast::<u8>(),
                len,
            );
            address.len = len as libc::socklen_t;
            entries.push((
                entry.ai_family,
                entry.ai_socktype,
                entry.ai_protocol,
                address,
            ));
            cursor = entry.ai_next;
        }
        libc::freeaddrinfo(found);
    }
    let mut list = None;
    for (family, socktype, protocol, address) in entries.into_iter().rev() {
        list = Some(Box::new(BIO_ADDRINFO {
            family,
            socktype,
            protocol,
            address,
            next: list,
        }));
    }
    if list.is_none() {
        err::raise(
            ERR_LIB_BIO,
            err::BIO_R_LOOKUP_RETURNED_NOTHING,
            function,
            "",
        );
    }
    list
}

/// Looks up `host` and `service` (either may be NULL) for a client (BIO_LOOKUP_CLIENT) or a
/// server to bind (BIO_LOOKUP_SERVER: a NULL host means any address), restricted to `family`
/// (AF_INET, AF_INET6, AF_UNSPEC), `socktype` and `protocol` (0: any). On success `*res` is the
/// list (BIO_ADDRINFO_free) and 1 is returned; 0 on failure with the system's getaddrinfo
/// error queued.
#[no_mangle]
pub extern "C" fn BIO_lookup_ex(
    host: *const c_char,
    service: *const c_char,
    lookup_type: c_int,
    family: c_int,
    socktype: c_int,
    protocol: c_int,
    res: *mut *mut BIO_ADDRINFO,
) -> c_int {
    guard("BIO_lookup_ex", 0, || {
        if res.is_null() {
            ffi::null_argument(ERR_LIB_BIO, "BIO_lookup_ex", "res");
            return 0;
        }
        // SAFETY: NULL or NUL-terminated strings from the caller.
        let (host, service) = unsafe { (ffi::cstr_arg(host), ffi::cstr_arg(service)) };
        let server = lookup_type == BIO_LOOKUP_SERVER;
        match lookup(
            "BIO_lookup_ex",
            host,
            service,
            server,
            family,
            socktype,
            protocol,
        ) {
            Some(list) => {
                // SAFETY: `res` is non-NULL (checked), the caller's place for the list.
                unsafe { *res = Box::into_raw(list) };
                1
            }
            None => 0,
        }
    })
}

/// As `BIO_lookup_ex` with protocol 0.
#[no_mangle]
pub extern "C" fn BIO_lookup(
    host: *const c_char,
    service: *const c_char,
    lookup_type: c_int,
    family: c_int,
    socktype: c_int,
    res: *mut *mut BIO_ADDRINFO,
) -> c_int {
    BIO_lookup_ex(host, service, lookup_type, family, socktype, 0, res)
}

fn info<'a>(bai: *const BIO_ADDRINFO) -> Option<&'a BIO_ADDRINFO> {
    // SAFETY: NULL or an entry of a list from BIO_lookup_ex, not yet freed.
    unsafe { ffi::borrow(bai) }
}

/// The next entry of the list, NULL at its end.
#[no_mangle]
pub extern "C" fn BIO_ADDRINFO_next(bai: *const BIO_ADDRINFO) -> *const BIO_ADDRINFO {
    info(bai)
        .and_then(BIO_ADDRINFO::next)
        .map_or(std::ptr::null(), |next| next as *const BIO_ADDRINFO)
}

/// The entry's address family (AF_INET, AF_INET6...), 0 for NULL.
#[no_mangle]
pub extern "C" fn BIO_ADDRINFO_family(bai: *const BIO_ADDRINFO) -> c_int {
    info(bai).map_or(0, |i| i.family)
}

/// The entry's socket type (SOCK_STREAM...), 0 for NULL.
#[no_mangle]
pub extern "C" fn BIO_ADDRINFO_socktype(bai: *const BIO_ADDRINFO) -> c_int {
    info(bai).map_or(0, |i| i.socktype)
}

/// The entry's protocol (IPPROTO_TCP...), 0 for NULL.
#[no_mangle]
pub extern "C" fn BIO_ADDRINFO_protocol(bai: *const BIO_ADDRINFO) -> c_int {
    info(bai).map_or(0, |i| i.protocol)
}

/// The entry's address (borrowed, valid as long as the list); NULL for NULL.
#[no_mangle]
pub extern "C" fn BIO_ADDRINFO_address(bai: *const BIO_ADDRINFO) -> *const BIO_ADDR {
    info(bai).map_or(std::ptr::null(), |i| &i.address as *const BIO_ADDR)
}

/// Frees a whole list (from its first entry). NULL does nothing.
#[no_mangle]
pub extern "C" fn BIO_ADDRINFO_free(bai: *mut BIO_ADDRINFO) {
    if !bai.is_null() {
        // SAFETY: the head of a list from BIO_lookup_ex (Box::into_raw), freed once.
        drop(unsafe { Box::from_raw(bai) });
    }
}

fn addr<'a>(ap: *const BIO_ADDR) -> Option<&'a BIO_ADDR> {
    // SAFETY: NULL or an address from BIO_ADDR_new or a lookup list, alive.
    unsafe { ffi::borrow(ap) }
}

/// A new empty address (for BIO_accept_ex); free with BIO_ADDR_free.
#[no_mangle]
pub extern "C" fn BIO_ADDR_new() -> *mut BIO_ADDR {
    Box::into_raw(Box::new(BIO_ADDR::empty()))
}

/// Frees an address from BIO_ADDR_new. NULL does nothing.
#[no_mangle]
pub extern "C" fn BIO_ADDR_free(ap: *mut BIO_ADDR) {
    if !ap.is_null() {
        // SAFETY: made by BIO_ADDR_new, freed once.
        drop(unsafe { Box::from_raw(ap) });
    }
}

/// The address family; AF_UNSPEC (0) for an empty address or NULL.
#[no_mangle]
pub extern "C" fn BIO_ADDR_family(ap: *const BIO_ADDR) -> c_int {
    addr(ap).map_or(0, BIO_ADDR::family)
}

/// The port in network byte order (0 without one).
#[no_mangle]
pub extern "C" fn BIO_ADDR_rawport(ap: *const BIO_ADDR) -> u16 {
    addr(ap).map_or(0, BIO_ADDR::port)
}

/// The host as text (numeric form when `numeric` is non-zero, else a name if the system finds
/// one), in a new string to free with OPENSSL_free; NULL on failure.
#[no_mangle]
pub extern "C" fn BIO_ADDR_hostname_string(ap: *const BIO_ADDR, numeric: c_int) -> *mut c_char {
    let flags = if numeric != 0 {
        libc::NI_NUMERICHOST | libc::NI_NUMERICSERV
    } else {
        libc::NI_NUMERICSERV
    };
    addr(ap)
        .and_then(|a| a.numeric(flags))
        .map_or(std::ptr::null_mut(), |(host, _)| {
            malloc_c_string(host.as_bytes())
        })
}

/// The port as text, in a new string to free with OPENSSL_free; NULL on failure.
#[no_mangle]
pub extern "C" fn BIO_ADDR_service_string(ap: *const BIO_ADDR, _numeric: c_int) -> *mut c_char {
    addr(ap)
        .and_then(|a| a.numeric(libc::NI_NUMERICHOST | libc::NI_NUMERICSERV))
        .map_or(std::ptr::null_mut(), |(_, service)| {
            malloc_c_string(service.as_bytes())
        })
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn sys_error(function: &'static str, call: &str, reason: c_int) {
    err::raise_errno(errno(), function, format!("calling {call}()"));
    err::raise(ERR_LIB_BIO, reason, function, "");
}

/// A new socket (`options` is unused, as in OpenSSL 3.0); -1 on failure with the system error
/// queued.
#[no_mangle]
pub extern "C" fn BIO_socket(
    domain: c_int,
    socktype: c_int,
    protocol: c_int,
    _options: c_int,
) -> c_int {
    // SAFETY: socket() takes plain integers.
    let fd = unsafe { libc::socket(domain, socktype | libc::SOCK_CLOEXEC, protocol) };
    if fd < 0 {
        sys_error("BIO_socket", "socket", err::BIO_R_UNABLE_TO_CREATE_SOCKET);
    }
    fd
}

/// Sets the BIO_SOCK_* options that apply before connecting or listening.
fn apply_options(function: &'static str, sock: c_int, options: c_int) -> bool {
    let set = |level: c_int, name: c_int| {
        let on: c_int = 1;
        // SAFETY: setsockopt with a pointer to an int and its size.
        unsafe {
            libc::setsockopt(
                sock,
                level,
                name,
                (&on as *const c_int).cast(),
                std::mem::size_of::<c_int>() as libc::socklen_t,
            ) == 0
        }
    };
    let ok = (options & BIO_SOCK_KEEPALIVE == 0 || set(libc::SOL_SOCKET, libc::SO_KEEPALIVE))
        && (options & BIO_SOCK_NODELAY == 0 || set(libc::IPPROTO_TCP, libc::TCP_NODELAY))
        && (options & BIO_SOCK_REUSEADDR == 0 || set(libc::SOL_SOCKET, libc::SO_REUSEADDR))
        && (options & BIO_SOCK_NONBLOCK == 0 || BIO_socket_nbio(sock, 1) == 1);
    if !ok {
        sys_error(function, "setsockopt", err::ERR_R_SYS_LIB);
    }
    ok
}

/// Connects `sock` to `addr` with BIO_SOCK_* `options`. 1 when connected; 0 otherwise: for a
/// non-blocking socket (BIO_SOCK_NONBLOCK) still connecting, with nothing queued
/// (BIO_sock_should_retry(-1) is then 1); on failure with the system error and BIO "connect
/// error" queued.
#[no_mangle]
pub extern "C" fn BIO_connect(sock: c_int, addr_: *const BIO_ADDR, options: c_int) -> c_int {
    guard("BIO_connect", 0, || {
        let Some(address) = addr(addr_) else {
            ffi::null_argument(ERR_LIB_BIO, "BIO_connect", "addr");
            return 0;
        };
        if sock < 0 {
            err::raise(
                ERR_LIB_BIO,
                err::BIO_R_INVALID_ARGUMENT,
                "BIO_connect",
                format!("invalid socket {sock}"),
            );
            return 0;
        }
        if !apply_options("BIO_connect", sock, options) {
            return 0;
        }
        // SAFETY: connect with a valid address of `len` bytes.
        if unsafe { libc::connect(sock, address.as_sockaddr(), address.len) } == 0 {
            return 1;
        }
        if !is_retryable(errno()) {
            sys_error("BIO_connect", "connect", err::BIO_R_CONNECT_ERROR);
        }
        0
    })
}

/// Binds `sock` to `addr` and listens, with BIO_SOCK_* `options` (BIO_SOCK_REUSEADDR,
/// BIO_SOCK_V6_ONLY...). 1 on success; 0 with the system error queued.
#[no_mangle]
pub extern "C" fn BIO_listen(sock: c_int, addr_: *const BIO_ADDR, options: c_int) -> c_int {
    guard("BIO_listen", 0, || {
        let Some(address) = addr(addr_) else {
            ffi::null_argument(ERR_LIB_BIO, "BIO_listen", "addr");
            return 0;
        };
        if !apply_options("BIO_listen", sock, options) {
            return 0;
        }
        if address.family() == libc::AF_INET6 {
            let only: c_int = c_int::from(options & BIO_SOCK_V6_ONLY != 0);
            // SAFETY: setsockopt with a pointer to an int and its size.
            unsafe {
                libc::setsockopt(
                    sock,
                    libc::IPPROTO_IPV6,
                    libc::IPV6_V6ONLY,
                    (&only as *const c_int).cast(),
                    std::mem::size_of::<c_int>() as libc::socklen_t,
                )
            };
        }
        // SAFETY: bind with a valid address, then listen.
        if unsafe { libc::bind(sock, address.as_sockaddr(), address.len) } != 0 {
            sys_error("BIO_listen", "bind", err::BIO_R_UNABLE_TO_BIND_SOCKET);
            return 0;
        }
        // SAFETY: listen takes plain integers.
        if unsafe { libc::listen(sock, libc::SOMAXCONN) } != 0 {
            sys_error("BIO_listen", "listen", err::BIO_R_UNABLE_TO_LISTEN_SOCKET);
            return 0;
        }
        1
    })
}

/// Accepts a connection on listening socket `accept_sock`; the peer's address goes to `*addr`
/// if `addr` is not NULL; BIO_SOCK_NONBLOCK makes the new socket non-blocking. Returns the new
/// socket, or -1 (nothing queued when the listening socket is non-blocking and no connection
/// is waiting; else the system error).
#[no_mangle]
pub extern "C" fn BIO_accept_ex(accept_sock: c_int, addr_: *mut BIO_ADDR, options: c_int) -> c_int {
    guard("BIO_accept_ex", -1, || {
        let mut peer = BIO_ADDR::empty();
        peer.len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: accept4 writes at most `len` bytes of address into `peer`.
        let fd = unsafe {
            libc::accept4(
                accept_sock,
                (&mut peer.storage as *mut libc::sockaddr_storage).cast(),
                &mut peer.len,
                libc::SOCK_CLOEXEC,
            )
        };
        if fd < 0 {
            if !is_retryable(errno()) {
                sys_error("BIO_accept_ex", "accept", err::BIO_R_ACCEPT_ERROR);
            }
            return -1;
        }
        if options & BIO_SOCK_NONBLOCK != 0 && BIO_socket_nbio(fd, 1) != 1 {
            // SAFETY: closing the socket just accepted.
            unsafe { libc::close(fd) };
            return -1;
        }
        // SAFETY: NULL or the caller's address object.
        if let Some(out) = unsafe { addr_.as_mut() } {
            *out = peer;
        }
        fd
    })
}

/// Closes a socket: 1, or 0 with the system error queued.
#[no_mangle]
pub extern "C" fn BIO_closesocket(sock: c_int) -> c_int {
    // SAFETY: close takes a plain integer.
    if unsafe { libc::close(sock) } != 0 {
        sys_error("BIO_closesocket", "close", err::ERR_R_SYS_LIB);
        return 0;
    }
    1
}

/// Makes `fd` non-blocking (`mode` non-zero) or blocking: 1, or 0 with the system error queued.
#[no_mangle]
pub extern "C" fn BIO_socket_nbio(fd: c_int, mode: c_int) -> c_int {
    // SAFETY: fcntl on a descriptor with integer arguments.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        sys_error("BIO_socket_nbio", "fcntl", err::ERR_R_SYS_LIB);
        return 0;
    }
    let flags = if mode != 0 {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags) } < 0 {
        sys_error("BIO_socket_nbio", "fcntl", err::ERR_R_SYS_LIB);
        return 0;
    }
    1
}
