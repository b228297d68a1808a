//! SSL_METHOD: which side a context serves and which protocol versions it pins. TLS 1.0 and
//! 1.1 methods exist so that old programs link, but a context made from them is refused.

use std::ffi::c_int;

/// Which side a method's connections play (TLS_method: decided by SSL_connect / SSL_accept or
/// SSL_set_connect_state / SSL_set_accept_state).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Either,
    Client,
    Server,
}

pub struct SSL_METHOD {
    pub role: Role,
    /// 0 for every version ftls speaks; otherwise the one version the method pins.
    pub version: c_int,
}

pub const TLS1_VERSION: c_int = 0x0301;
pub const TLS1_1_VERSION: c_int = 0x0302;
pub const TLS1_2_VERSION: c_int = 0x0303;
pub const TLS1_3_VERSION: c_int = 0x0304;

macro_rules! methods {
    ($($name:ident, $static:ident, $role:expr, $version:expr;)*) => {
        $(
            static $static: SSL_METHOD = SSL_METHOD { role: $role, version: $version };
            #[no_mangle]
            pub extern "C" fn $name() -> *const SSL_METHOD {
                &$static
            }
        )*
    };
}

methods! {
    TLS_method, TLS_ANY, Role::Either, 0;
    TLS_client_method, TLS_CLIENT, Role::Client, 0;
    TLS_server_method, TLS_SERVER, Role::Server, 0;
    TLSv1_2_method, TLS12_ANY, Role::Either, TLS1_2_VERSION;
    TLSv1_2_client_method, TLS12_CLIENT, Role::Client, TLS1_2_VERSION;
    TLSv1_2_server_method, TLS12_SERVER, Role::Server, TLS1_2_VERSION;
    TLSv1_method, TLS10_ANY, Role::Either, TLS1_VERSION;
    TLSv1_client_method, TLS10_CLIENT, Role::Client, TLS1_VERSION;
    TLSv1_server_method, TLS10_SERVER, Role::Server, TLS1_VERSION;
    TLSv1_1_method, TLS11_ANY, Role::Either, TLS1_1_VERSION;
    TLSv1_1_client_method, TLS11_CLIENT, Role::Client, TLS1_1_VERSION;
    TLSv1_1_server_method, TLS11_SERVER, Role::Server, TLS1_1_VERSION;
}
