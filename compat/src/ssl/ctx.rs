//! SSL_CTX: the settings connections are made from. Setters change the context's state; the
//! ftls client or server config a connection needs is built from that state when the first
//! connection needs it, and rebuilt only after a change (a generation counter), so that every
//! connection of a busy server shares one config. What a connection holds for itself
//! ([`PerConnection`]: options, versions, cipher lists, groups, verify mode, and on a client
//! how it checks its server, as a config's sessions are offered to all its connections) goes
//! into the config it gets: connections that changed none of it share the context's, and those
//! that changed it alike share one of a few variants.

use std::ffi::{c_char, c_int, c_long, c_uint, c_void};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use ftls::core::{
    ClientAuth, ClientConfig, ClientConfigBuilder, ServerConfig, ServerConfigBuilder,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::ex_data::{self, ExData};
use super::method::{SSL_METHOD, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION, TLS1_VERSION};
use super::verify::{self, X509_STORE};
use super::*;
use crate::err::{self, *};
use crate::ffi::{self, guard, UserPtr};
use crate::x509::X509;

pub type VerifyCallback = unsafe extern "C" fn(c_int, *mut verify::X509_STORE_CTX) -> c_int;
pub type PasswordCallback = unsafe extern "C" fn(*mut c_char, c_int, c_int, *mut c_void) -> c_int;
pub type ServernameCallback = unsafe extern "C" fn(*mut SSL, *mut c_int, *mut c_void) -> c_int;
pub type AlpnSelectCallback = unsafe extern "C" fn(
    *mut SSL,
    *mut *const u8,
    *mut u8,
    *const u8,
    c_uint,
    *mut c_void,
) -> c_int;
pub type InfoCallback = unsafe extern "C" fn(*const SSL, c_int, c_int);
pub type KeylogCallback = unsafe extern "C" fn(*const SSL, *const c_char);
/// write_p, version, content_type, buf, len, ssl, arg.
pub type MsgCallback =
    unsafe extern "C" fn(c_int, c_int, c_int, *const c_void, usize, *mut SSL, *mut c_void);

/// What SSL_CTX_set_* set; connections copy the per-connection part when made. The lists
/// (certificates, suites, groups) are shared, not copied: each SSL_new copies the settings.
#[derive(Clone)]
pub struct CtxSettings {
    pub options: u64,
    pub mode: c_long,
    pub min_version: c_int,
    pub max_version: c_int,
    /// The one version a version-fixed method (TLSv1_2_method) allows, 0 for the others; kept
    /// apart from min/max, which such a context reports as 0, as OpenSSL does.
    pub pinned_version: c_int,
    pub verify_mode: c_int,
    pub verify_callback: Option<VerifyCallback>,
    pub verify_depth: c_int,
    pub chain: Arc<Vec<CertificateDer<'static>>>,
    pub key: Option<Arc<PrivateKeyDer<'static>>>,
    pub password_callback: Option<PasswordCallback>,
    pub password_userdata: UserPtr,
    pub alpn: Vec<Vec<u8>>,
    pub alpn_select: Option<(AlpnSelectCallback, UserPtr)>,
    pub servername: Option<ServernameCallback>,
    pub servername_arg: UserPtr,
    pub info_callback: Option<InfoCallback>,
    pub msg_callback: Option<MsgCallback>,
    pub msg_callback_arg: UserPtr,
    pub keylog_callback: Option<KeylogCallback>,
    pub cipher_suites: Option<Arc<[&'static str]>>,
    pub tls13_suites: Option<Arc<[&'static str]>>,
    pub groups: Option<Arc<[String]>>,
    pub session_cache_mode: c_long,
    pub session_cache_size: c_long,
    pub session_id_context: Vec<u8>,
    pub timeout: c_long,
    pub read_ahead: c_long,
    /// SSL_CTX_set_num_tickets: 0 turns TLS 1.3 tickets off.
    pub num_tickets: usize,
}

impl CtxSettings {
    /// A server with these settings reads the ClientHello before choosing its config.
    pub fn has_hello_callbacks(&self) -> bool {
        self.servername.is_some() || self.alpn_select.is_some()
    }
}

impl Default for CtxSettings {
    fn default() -> Self {
        CtxSettings {
            // OpenSSL 3.0's defaults; both are what ftls does anyway (rustls sends the
            // middlebox-compatibility messages and never compresses).
            options: SSL_OP_ENABLE_MIDDLEBOX_COMPAT | SSL_OP_NO_COMPRESSION,
            mode: SSL_MODE_AUTO_RETRY,
            min_version: 0,
            max_version: 0,
            pinned_version: 0,
            verify_mode: SSL_VERIFY_NONE,
            verify_callback: None,
            verify_depth: -1,
            chain: Arc::default(),
            key: None,
            password_callback: None,
            password_userdata: UserPtr::default(),
            alpn: Vec::new(),
            alpn_select: None,
            servername: None,
            servername_arg: UserPtr::default(),
            info_callback: None,
            msg_callback: None,
            msg_callback_arg: UserPtr::default(),
            keylog_callback: None,
            cipher_suites: None,
            tls13_suites: None,
            groups: None,
            session_cache_mode: SSL_SESS_CACHE_SERVER,
            session_cache_size: 1024 * 20,
            session_id_context: Vec::new(),
            // OpenSSL's TLS methods default to two hours.
            timeout: 7200,
            read_ahead: 0,
            // OpenSSL sends two tickets after a full TLS 1.3 handshake.
            num_tickets: 2,
        }
    }
}

/// What a connection holds for itself: copied from its context by SSL_new, changed by
/// SSL_set_options, SSL_set_min/max_proto_version, SSL_set_cipher_list, SSL_set_ciphersuites,
/// SSL_set1_groups_list and SSL_set_verify. OpenSSL keeps these in the SSL, so a later change
/// to the context, or a switch to another one (SSL_set_SSL_CTX), leaves them as they are; the
/// config a connection handshakes with is its context's with these in place.
#[derive(Clone, PartialEq)]
pub struct PerConnection {
    options: u64,
    min_version: c_int,
    max_version: c_int,
    pinned_version: c_int,
    verify_mode: c_int,
    cipher_suites: Option<Arc<[&'static str]>>,
    tls13_suites: Option<Arc<[&'static str]>>,
    groups: Option<Arc<[String]>>,
    /// A client's: how it verifies its server besides the mode (the default on servers).
    client_scope: ClientVerifyScope,
}

/// What a client's verification checks besides its mode. A client config offers its sessions
/// to every connection made with it (under the server name they were kept for), and a
/// resumed handshake checks no certificate: connections that would verify the server
/// differently get configs, and session stores, of their own.
#[derive(Clone, PartialEq, Default)]
pub struct ClientVerifyScope {
    /// The SSL_set1_host / SSL_add1_host names, unless they are the one name the sessions
    /// are kept under.
    pub hosts: Option<Arc<[String]>>,
    pub host_flags: c_uint,
    pub depth: c_int,
    /// The verify callback's address (0: none).
    pub callback: usize,
}

impl PerConnection {
    /// A connection's, from its settings and its verify mode (kept apart, with its callback).
    pub fn of(settings: &CtxSettings, verify_mode: c_int) -> Self {
        PerConnection {
            options: settings.options,
            min_version: settings.min_version,
            max_version: settings.max_version,
            pinned_version: settings.pinned_version,
            verify_mode,
            cipher_suites: settings.cipher_suites.clone(),
            tls13_suites: settings.tls13_suites.clone(),
            groups: settings.groups.clone(),
            client_scope: ClientVerifyScope::default(),
        }
    }

    /// The same for a client that verifies its server this way.
    pub fn with_client_scope(self, client_scope: ClientVerifyScope) -> Self {
        PerConnection {
            client_scope,
            ..self
        }
    }

    /// The same with another verify mode (the one a servername callback set meanwhile).
    pub fn with_verify_mode(self, verify_mode: c_int) -> Self {
        PerConnection {
            verify_mode,
            ..self
        }
    }

    /// `settings` (a context's) with this connection's own in place.
    fn applied_to(&self, settings: &CtxSettings) -> CtxSettings {
        CtxSettings {
            options: self.options,
            min_version: self.min_version,
            max_version: self.max_version,
            pinned_version: self.pinned_version,
            verify_mode: self.verify_mode,
            cipher_suites: self.cipher_suites.clone(),
            tls13_suites: self.tls13_suites.clone(),
            groups: self.groups.clone(),
            ..settings.clone()
        }
    }
}

/// The configs built from one state of the context (see the module doc), the most recently
/// used first.
#[derive(Default)]
struct Built {
    client: Vec<(ConfigKey, bool, ClientConfig)>,
    server: Vec<(ConfigKey, ServerConfig)>,
}

/// What a built config was made from: the context's state and the connection's own settings.
#[derive(PartialEq)]
struct ConfigKey {
    generation: u64,
    connection: PerConnection,
}

/// The configs a context keeps: its own and a few variants for connections with settings of
/// their own (one per kind of connection a program makes, in practice).
const BUILT_CONFIGS: usize = 4;

/// The entry `found` picks, moved to the front (the most recently used).
fn cached<T>(list: &mut [T], found: impl Fn(&T) -> bool) -> Option<&T> {
    let at = list.iter().position(found)?;
    list[..=at].rotate_right(1);
    list.first()
}

/// Keeps `entry` first, dropping the least recently used beyond `keep`.
fn remember<T>(list: &mut Vec<T>, entry: T, keep: usize) {
    list.insert(0, entry);
    list.truncate(keep);
}

/// The peer certificates a context keeps parsed: a leaf and its issuers, or those of a few
/// peers.
const PARSED_CERTIFICATES: usize = 4;

pub struct SSL_CTX {
    pub method: &'static SSL_METHOD,
    /// Shared with the connections made from this state (each copies them only when it
    /// changes one of its own); a change here makes a new copy for the context.
    settings: Mutex<Arc<CtxSettings>>,
    generation: AtomicU64,
    pub store: Arc<X509_STORE>,
    built: Mutex<Built>,
    pub ex_data: ExData,
    client_ca: Mutex<CaList>,
    /// The session callbacks, and the server's cache when they are set.
    pub sessions: Arc<super::session::SessionCache>,
    /// The peer certificates verification parsed last (see `parsed_certificate`).
    parsed: Mutex<Vec<Arc<X509>>>,
}

impl Drop for SSL_CTX {
    /// As OpenSSL's SSL_CTX_free: the cached sessions go to the remove-session callback.
    fn drop(&mut self) {
        self.sessions.flush(self);
    }
}

/// A stack of X509_NAME owned by its holder: SSL_CTX_set_client_CA_list's list, or the CA
/// names a server's CertificateRequest carried (kept by a client connection).
pub(crate) struct CaList(pub(crate) *mut crate::stack::OPENSSL_STACK);

// SAFETY: the stack is owned here, reached only through the context's lock.
unsafe impl Send for CaList {}

impl Drop for CaList {
    fn drop(&mut self) {
        free_names(self.0);
    }
}

fn free_names(list: *mut crate::stack::OPENSSL_STACK) {
    unsafe extern "C" fn free_name(name: *mut c_void) {
        crate::x509::name::X509_NAME_free(name.cast());
    }
    crate::stack::OPENSSL_sk_pop_free(list, Some(free_name));
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SSL_CTX {
    pub fn settings(&self) -> CtxSettings {
        CtxSettings::clone(&lock(&self.settings))
    }

    /// The settings as they are now, shared: what a new connection starts from.
    pub fn shared_settings(&self) -> Arc<CtxSettings> {
        Arc::clone(&lock(&self.settings))
    }

    /// A peer's certificate (`der`) parsed, for the checks verification makes in OpenSSL's
    /// way (host names, the chain's top). Kept for the next connections: a client that talks
    /// to the same server again, or a server that sees the same client, does not parse it
    /// again. None when it does not parse.
    pub fn parsed_certificate(&self, der: &[u8]) -> Option<Arc<X509>> {
        if let Some(known) = cached(&mut lock(&self.parsed), |x| x.der() == der) {
            return Some(Arc::clone(known));
        }
        let parsed = Arc::new(X509::from_der(der).ok()?);
        remember(
            &mut lock(&self.parsed),
            Arc::clone(&parsed),
            PARSED_CERTIFICATES,
        );
        Some(parsed)
    }

    /// CtxSettings::has_hello_callbacks of the current settings, without copying them.
    pub fn has_hello_callbacks(&self) -> bool {
        lock(&self.settings).has_hello_callbacks()
    }

    /// Changes the settings; the next connection gets a config built from the new state.
    pub fn update<R>(&self, change: impl FnOnce(&mut CtxSettings) -> R) -> R {
        let result = change(Arc::make_mut(&mut lock(&self.settings)));
        self.generation.fetch_add(1, Ordering::Relaxed);
        result
    }

    fn state_generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed) ^ (self.store.generation() << 32)
    }

    /// The client config for this state and a connection's own settings; `send_sni`: whether
    /// the ClientHello names the server; `alpn`: the connection's own protocol list (such a
    /// config is not kept).
    pub fn client_config(
        &self,
        connection: &PerConnection,
        send_sni: bool,
        alpn: Option<&[Vec<u8>]>,
    ) -> Result<ClientConfig, ftls::core::Error> {
        let key = ConfigKey {
            generation: self.state_generation(),
            connection: connection.clone(),
        };
        if alpn.is_none() {
            let mut built = lock(&self.built);
            let found = cached(&mut built.client, |(k, sni, _)| {
                *k == key && *sni == send_sni
            });
            if let Some((_, _, config)) = found {
                return Ok(config.clone());
            }
        }
        let settings = connection.applied_to(&self.settings());
        let mut builder = ClientConfigBuilder::new();
        self.store.apply_client(&mut builder)?;
        builder.set_check(Some((
            verify::bridge(),
            ftls::core::CheckMode::DangerousReplacement,
        )));
        builder.set_sni(send_sni);
        // Chooses nothing itself: it keeps the CA names for SSL_get_client_CA_list.
        builder.set_certificate_chooser(Some(verify::ca_names_recorder()));
        apply_negotiation(&settings, builder.negotiation_mut(), alpn)?;
        if let Some(identity) = identity_of(&settings)? {
            builder.add_identity(identity);
        }
        super::callbacks::apply_client_keylog(self, &settings, &mut builder);
        let observer = self.sessions.client_observer();
        builder.sessions_mut().set_observer(Some(observer));
        let config = builder.build()?;
        if alpn.is_none() {
            remember(
                &mut lock(&self.built).client,
                (key, send_sni, config.clone()),
                BUILT_CONFIGS,
            );
        }
        Ok(config)
    }

    /// The server config for this state and a connection's own settings.
    pub fn server_config(
        &self,
        connection: &PerConnection,
    ) -> Result<ServerConfig, ftls::core::Error> {
        let key = ConfigKey {
            generation: self.state_generation(),
            connection: connection.clone(),
        };
        if let Some((_, config)) = cached(&mut lock(&self.built).server, |(k, _)| *k == key) {
            return Ok(config.clone());
        }
        let settings = connection.applied_to(&self.settings());
        let mut builder = ServerConfigBuilder::new();
        match identity_of(&settings)? {
            Some(identity) => {
                builder.add_identity(identity);
            }
            None => {
                return Err(ftls::core::Error::new(
                    ftls::core::ResultCode::FTLS_ERR_NO_CERTIFICATE,
                    "no certificate assigned: load one with SSL_CTX_use_certificate_file (and \
                     its key with SSL_CTX_use_PrivateKey_file)",
                ))
            }
        }
        apply_negotiation(&settings, builder.negotiation_mut(), None)?;
        builder.set_prefer_server_order(settings.options & SSL_OP_CIPHER_SERVER_PREFERENCE != 0);
        if settings.verify_mode & SSL_VERIFY_PEER != 0 {
            let mode = if settings.verify_mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT != 0 {
                ClientAuth::Required
            } else {
                ClientAuth::Optional
            };
            builder.set_client_auth(mode);
            self.store.apply_server(&mut builder)?;
            builder.set_check(Some((
                verify::bridge(),
                ftls::core::CheckMode::DangerousReplacement,
            )));
            // A client whose certificate failed verification, tolerated by a verify callback,
            // gets no session: resumed, it would be reported verified.
            builder
                .sessions_mut()
                .set_approver(Some(self.sessions.server_approver()));
        }
        builder
            .sessions_mut()
            .set_tickets(settings.options & SSL_OP_NO_TICKET == 0 && settings.num_tickets > 0);
        // A session handed back by the get-session callback resumes only under its context.
        builder
            .sessions_mut()
            .set_context(&settings.session_id_context);
        if settings.session_cache_mode & SSL_SESS_CACHE_SERVER == 0 {
            builder.sessions_mut().set_cache_size(0)?;
        } else if let Some(store) = self.sessions.server_store(&settings) {
            builder.sessions_mut().set_store(store);
        }
        super::callbacks::apply_server(self, &settings, &mut builder);
        let config = builder.build()?;
        remember(
            &mut lock(&self.built).server,
            (key, config.clone()),
            BUILT_CONFIGS,
        );
        Ok(config)
    }
}

/// Versions, ALPN, cipher suites and groups, as the context says.
fn apply_negotiation(
    settings: &CtxSettings,
    negotiation: &mut ftls::core::Negotiation,
    alpn: Option<&[Vec<u8>]>,
) -> Result<(), ftls::core::Error> {
    negotiation.set_versions(versions_of(settings))?;
    negotiation.set_alpn(alpn.unwrap_or(&settings.alpn).to_vec())?;
    if settings.tls13_suites.is_some() || settings.cipher_suites.is_some() {
        negotiation.set_cipher_suites(&super::cipher::configured(settings))?;
    }
    // OpenSSL 3.0's default groups (no post-quantum hybrid unless the program asks for it).
    let groups: Vec<&str> = match &settings.groups {
        Some(groups) => groups.iter().map(String::as_str).collect(),
        None => ["X25519", "secp256r1", "secp521r1", "secp384r1"]
            .into_iter()
            .filter(|name| ftls::core::group_by_name(name).is_ok())
            .collect(),
    };
    negotiation.set_key_exchange_groups(&groups)?;
    Ok(())
}

/// The TLS versions the options and the min/max settings leave (an empty range fails the
/// handshake with "no protocols available").
pub fn versions_of(settings: &CtxSettings) -> ftls::core::Versions {
    let allowed = |version: c_int, option: u64| {
        settings.options & option == 0
            && (settings.min_version == 0 || settings.min_version <= version)
            && (settings.max_version == 0 || settings.max_version >= version)
            && (settings.pinned_version == 0 || settings.pinned_version == version)
    };
    ftls::core::Versions {
        tls12: allowed(TLS1_2_VERSION, SSL_OP_NO_TLSv1_2),
        tls13: allowed(TLS1_3_VERSION, SSL_OP_NO_TLSv1_3),
    }
}

/// The identity (chain + key) once both are loaded.
fn identity_of(settings: &CtxSettings) -> Result<Option<ftls::core::Identity>, ftls::core::Error> {
    match (&settings.key, settings.chain.is_empty()) {
        (Some(key), false) => Ok(Some(ftls::core::Identity::new(
            settings.chain.to_vec(),
            "the certificate",
            key.as_ref().clone_key(),
            "the private key",
            &ftls::core::default_provider(),
        )?)),
        _ => Ok(None),
    }
}

pub(crate) fn ctx<'a>(function: &'static str, ptr: *const SSL_CTX) -> Option<&'a SSL_CTX> {
    // SAFETY: C passes NULL or an SSL_CTX it holds (OpenSSL's contract).
    let ctx = unsafe { ffi::borrow(ptr) };
    if ctx.is_none() {
        ffi::null_argument(ERR_LIB_SSL, function, "the SSL_CTX");
    }
    ctx
}

#[no_mangle]
pub extern "C" fn SSL_CTX_new(method: *const SSL_METHOD) -> *mut SSL_CTX {
    guard("SSL_CTX_new", std::ptr::null_mut(), || {
        // SAFETY: methods are our statics (or NULL).
        let Some(method) = (unsafe { method.as_ref() }) else {
            err::raise(
                ERR_LIB_SSL,
                SSL_R_NULL_SSL_CTX,
                "SSL_CTX_new",
                "the method is NULL",
            );
            return std::ptr::null_mut();
        };
        // SAFETY: as above: a static, alive for the process.
        let method: &'static SSL_METHOD = unsafe { &*(method as *const SSL_METHOD) };
        if method.version == TLS1_VERSION || method.version == TLS1_1_VERSION {
            err::raise(
                ERR_LIB_SSL,
                SSL_R_UNSUPPORTED_PROTOCOL,
                "SSL_CTX_new",
                format!(
                    "TLS {} is refused by design: ftls speaks TLS 1.2 and 1.3 only (use TLS_method)",
                    if method.version == TLS1_VERSION { "1.0" } else { "1.1" }
                ),
            );
            return std::ptr::null_mut();
        }
        let settings = CtxSettings {
            pinned_version: method.version,
            ..CtxSettings::default()
        };
        ffi::into_c(SSL_CTX {
            method,
            settings: Mutex::new(Arc::new(settings)),
            generation: AtomicU64::new(0),
            store: Arc::new(X509_STORE::default()),
            built: Mutex::new(Built::default()),
            ex_data: ExData::default(),
            // An empty list, as OpenSSL's contexts start with (SSL_CTX_get_client_CA_list).
            client_ca: Mutex::new(CaList(crate::stack::OPENSSL_sk_new_null())),
            sessions: Default::default(),
            parsed: Mutex::default(),
        })
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_free(ctx: *mut SSL_CTX) {
    // SAFETY: C gives up its reference (NULL does nothing).
    guard("SSL_CTX_free", (), || unsafe { ffi::release(ctx) })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_up_ref(ctx: *mut SSL_CTX) -> c_int {
    // SAFETY: C passes NULL or a context it holds.
    guard("SSL_CTX_up_ref", 0, || unsafe { ffi::up_ref(ctx) })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_options(ctx: *mut SSL_CTX, op: u64) -> u64 {
    guard("SSL_CTX_set_options", 0, || {
        match self::ctx("SSL_CTX_set_options", ctx) {
            Some(ctx) => ctx.update(|s| {
                s.options |= op;
                s.options
            }),
            None => 0,
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_clear_options(ctx: *mut SSL_CTX, op: u64) -> u64 {
    guard("SSL_CTX_clear_options", 0, || {
        match self::ctx("SSL_CTX_clear_options", ctx) {
            Some(ctx) => ctx.update(|s| {
                s.options &= !op;
                s.options
            }),
            None => 0,
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_options(ctx: *const SSL_CTX) -> u64 {
    guard("SSL_CTX_get_options", 0, || {
        self::ctx("SSL_CTX_get_options", ctx).map_or(0, |ctx| ctx.settings().options)
    })
}

/// A protocol version for set_min/max_proto_version: 0 (no bound) or a TLS version.
fn proto_version_ok(function: &'static str, version: c_long) -> bool {
    let ok = version == 0
        || [TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION]
            .contains(&(version as c_int))
        || version == 0x0300;
    if !ok {
        err::raise(
            ERR_LIB_SSL,
            SSL_R_BAD_VALUE,
            function,
            format!("{version:#x} is not a TLS protocol version"),
        );
    }
    ok
}

/// The SSL_CTX_ctrl commands a context and a connection share; `None` for others.
pub fn common_ctrl(
    function: &'static str,
    settings: &mut CtxSettings,
    cmd: c_int,
    larg: c_long,
    parg: *mut c_void,
) -> Option<c_long> {
    Some(match cmd {
        SSL_CTRL_SET_MSG_CALLBACK_ARG => {
            settings.msg_callback_arg = UserPtr(parg);
            1
        }
        SSL_CTRL_MODE => {
            settings.mode |= larg;
            settings.mode
        }
        SSL_CTRL_CLEAR_MODE => {
            settings.mode &= !larg;
            settings.mode
        }
        SSL_CTRL_SET_MIN_PROTO_VERSION => {
            if !proto_version_ok(function, larg) {
                return Some(0);
            }
            settings.min_version = larg as c_int;
            1
        }
        SSL_CTRL_SET_MAX_PROTO_VERSION => {
            if !proto_version_ok(function, larg) {
                return Some(0);
            }
            settings.max_version = larg as c_int;
            1
        }
        SSL_CTRL_GET_MIN_PROTO_VERSION => settings.min_version as c_long,
        SSL_CTRL_GET_MAX_PROTO_VERSION => settings.max_version as c_long,
        SSL_CTRL_SET_GROUPS_LIST => {
            // SAFETY: the macro passes a C string.
            let Some(list) = (unsafe { ffi::str_arg(parg.cast()) }) else {
                ffi::null_argument(ERR_LIB_SSL, function, "the group list");
                return Some(0);
            };
            match super::cipher::groups_from_list(list) {
                Some(groups) => {
                    settings.groups = Some(groups.into());
                    1
                }
                None => {
                    // OpenSSL's code for a list naming a group it does not know.
                    err::raise(ERR_LIB_SSL, ERR_R_PASSED_INVALID_ARGUMENT, function, "");
                    0
                }
            }
        }
        // Signature algorithms: rustls chooses among the secure ones; a list is accepted.
        SSL_CTRL_SET_SIGALGS_LIST | SSL_CTRL_SET_CLIENT_SIGALGS_LIST => 1,
        SSL_CTRL_SET_DH_AUTO | SSL_CTRL_SET_TMP_ECDH_COMPAT => 1,
        SSL_CTRL_SET_READ_AHEAD => {
            let old = settings.read_ahead;
            settings.read_ahead = larg;
            old
        }
        SSL_CTRL_GET_READ_AHEAD => settings.read_ahead,
        SSL_CTRL_GET_RI_SUPPORT => 0,
        SSL_CTRL_GET_NUM_RENEGOTIATIONS
        | SSL_CTRL_CLEAR_NUM_RENEGOTIATIONS
        | SSL_CTRL_GET_TOTAL_RENEGOTIATIONS => 0,
        SSL_CTRL_SET_MAX_CERT_LIST | SSL_CTRL_SET_MAX_SEND_FRAGMENT => 1,
        _ => return None,
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_ctrl(
    ctx: *mut SSL_CTX,
    cmd: c_int,
    larg: c_long,
    parg: *mut c_void,
) -> c_long {
    guard("SSL_CTX_ctrl", 0, || {
        let Some(ctx) = self::ctx("SSL_CTX_ctrl", ctx) else {
            return 0;
        };
        if let Some(result) = ctx.update(|s| common_ctrl("SSL_CTX_ctrl", s, cmd, larg, parg)) {
            return result;
        }
        match cmd {
            SSL_CTRL_SET_SESS_CACHE_MODE => {
                ctx.update(|s| std::mem::replace(&mut s.session_cache_mode, larg))
            }
            SSL_CTRL_GET_SESS_CACHE_MODE => ctx.settings().session_cache_mode,
            SSL_CTRL_SET_SESS_CACHE_SIZE => {
                ctx.update(|s| std::mem::replace(&mut s.session_cache_size, larg))
            }
            SSL_CTRL_GET_SESS_CACHE_SIZE => ctx.settings().session_cache_size,
            SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG => {
                ctx.update(|s| s.servername_arg = UserPtr(parg));
                1
            }
            SSL_CTRL_SESS_NUMBER..=SSL_CTRL_SESS_CACHE_FULL => 0,
            _ => {
                err::raise(
                    ERR_LIB_SSL,
                    SSL_R_INVALID_COMMAND,
                    "SSL_CTX_ctrl",
                    format!("SSL_CTX_ctrl command {cmd} is not supported"),
                );
                0
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_callback_ctrl(
    ctx: *mut SSL_CTX,
    cmd: c_int,
    fp: Option<unsafe extern "C" fn()>,
) -> c_long {
    guard("SSL_CTX_callback_ctrl", 0, || {
        let Some(ctx) = self::ctx("SSL_CTX_callback_ctrl", ctx) else {
            return 0;
        };
        match cmd {
            SSL_CTRL_SET_TLSEXT_SERVERNAME_CB => {
                // SAFETY: the macro casts the program's int (*)(SSL *, int *, void *) to
                // void (*)(void); casting back gives the function it was.
                let callback = fp.map(|f| unsafe {
                    std::mem::transmute::<unsafe extern "C" fn(), ServernameCallback>(f)
                });
                ctx.update(|s| s.servername = callback);
                1
            }
            _ => {
                err::raise(
                    ERR_LIB_SSL,
                    SSL_R_INVALID_COMMAND,
                    "SSL_CTX_callback_ctrl",
                    format!("SSL_CTX_callback_ctrl command {cmd} is not supported"),
                );
                0
            }
        }
    })
}

/// The records after the system's when a file cannot be opened: the file BIO's reason and the
/// caller's library (each OpenSSL function queues its own).
pub(crate) struct FileRecords {
    pub bio_reason: c_int,
    pub caller_lib: c_int,
}

/// Reads a whole file; a failure queues the system's record, then the BIO's and the SSL
/// library's "system lib", as OpenSSL's SSL_CTX_use_* functions do.
pub(crate) fn read_file(function: &'static str, path: *const c_char) -> Option<(Vec<u8>, PathBuf)> {
    let records = FileRecords {
        bio_reason: ERR_R_SYS_LIB,
        caller_lib: ERR_LIB_SSL,
    };
    read_file_as(function, path, records)
}

/// As `read_file`, with the records of the caller's kind.
pub(crate) fn read_file_as(
    function: &'static str,
    path: *const c_char,
    records: FileRecords,
) -> Option<(Vec<u8>, PathBuf)> {
    // SAFETY: C passes a NUL-terminated path.
    let Some(path) = (unsafe { ffi::cstr_arg(path) }) else {
        ffi::null_argument(ERR_LIB_SSL, function, "the file name");
        return None;
    };
    let path = PathBuf::from(std::ffi::OsStr::from_encoded_bytes_checked_compat(
        path.to_bytes(),
    ));
    match std::fs::read(&path) {
        Ok(bytes) => Some((bytes, path)),
        Err(error) => {
            // The three records OpenSSL queues: the system's, the file BIO's, the caller's.
            err::raise_errno(
                error.raw_os_error().unwrap_or(0),
                function,
                format!("calling fopen({}, r)", path.display()),
            );
            err::raise(ERR_LIB_BIO, records.bio_reason, function, "");
            err::raise(records.caller_lib, ERR_R_SYS_LIB, function, "");
            None
        }
    }
}

trait OsStrFromBytes {
    fn from_encoded_bytes_checked_compat(bytes: &[u8]) -> &std::ffi::OsStr;
}

impl OsStrFromBytes for std::ffi::OsStr {
    fn from_encoded_bytes_checked_compat(bytes: &[u8]) -> &std::ffi::OsStr {
        std::os::unix::ffi::OsStrExt::from_bytes(bytes)
    }
}

const SSL_FILETYPE_PEM: c_int = 1;
const SSL_FILETYPE_ASN1: c_int = 2;

fn filetype_ok(function: &'static str, kind: c_int) -> bool {
    let ok = kind == SSL_FILETYPE_PEM || kind == SSL_FILETYPE_ASN1;
    if !ok {
        err::raise(
            ERR_LIB_SSL,
            SSL_R_BAD_SSL_FILETYPE,
            function,
            format!("file type {kind} is neither SSL_FILETYPE_PEM nor SSL_FILETYPE_ASN1"),
        );
    }
    ok
}

/// Reports a core error on the queue under `lib`/`reason`, with ftls' detail as the data.
pub(crate) fn raise_core(
    lib: c_int,
    reason: c_int,
    function: &'static str,
    error: &ftls::core::Error,
) {
    err::raise(lib, reason, function, error.detail().to_owned());
}

fn certificates(
    function: &'static str,
    bytes: &[u8],
    kind: c_int,
    what: &str,
) -> Option<Vec<CertificateDer<'static>>> {
    let parsed = if kind == SSL_FILETYPE_PEM {
        ftls::core::certificates_from_pem(bytes, what)
    } else {
        ftls::core::certificate_from_der(bytes, what).map(|c| vec![c])
    };
    match parsed {
        Ok(certs) if !certs.is_empty() => Some(certs),
        Ok(_) => {
            err::raise(
                ERR_LIB_PEM,
                PEM_R_NO_START_LINE,
                function,
                format!("{what}: no certificate"),
            );
            None
        }
        // A block whose body is not base64: OpenSSL's record, without data (as PEM_read_X509).
        Err(_) if kind == SSL_FILETYPE_PEM => {
            err::raise(ERR_LIB_PEM, PEM_R_BAD_BASE64_DECODE, function, "");
            None
        }
        Err(error) => {
            raise_core(ERR_LIB_ASN1, ASN1_R_HEADER_TOO_LONG, function, &error);
            None
        }
    }
}

/// SSL_CTX_use_certificate_file (chain: false) and _chain_file (chain: true, always PEM).
fn use_certificates(
    ctx: &SSL_CTX,
    function: &'static str,
    file: *const c_char,
    kind: c_int,
    chain: bool,
) -> c_int {
    if !filetype_ok(function, kind) {
        return 0;
    }
    let Some((bytes, path)) = read_file(function, file) else {
        return 0;
    };
    let what = format!("the certificate file {}", path.display());
    let Some(mut certs) = certificates(function, &bytes, kind, &what) else {
        // OpenSSL's own record follows the PEM one.
        if kind == SSL_FILETYPE_PEM {
            err::raise(ERR_LIB_SSL, ERR_R_PEM_LIB, function, "");
        }
        return 0;
    };
    ctx.update(|s| {
        if chain {
            s.chain = Arc::new(certs);
        } else if s.chain.is_empty() {
            certs.truncate(1);
            s.chain = Arc::new(certs);
        } else {
            Arc::make_mut(&mut s.chain)[0] = certs.swap_remove(0);
        }
    });
    1
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_certificate_file(
    ctx: *mut SSL_CTX,
    file: *const c_char,
    kind: c_int,
) -> c_int {
    guard("SSL_CTX_use_certificate_file", 0, || {
        match self::ctx("SSL_CTX_use_certificate_file", ctx) {
            Some(ctx) => use_certificates(ctx, "SSL_CTX_use_certificate_file", file, kind, false),
            None => 0,
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_certificate_chain_file(
    ctx: *mut SSL_CTX,
    file: *const c_char,
) -> c_int {
    guard("SSL_CTX_use_certificate_chain_file", 0, || match self::ctx(
        "SSL_CTX_use_certificate_chain_file",
        ctx,
    ) {
        Some(ctx) => use_certificates(
            ctx,
            "SSL_CTX_use_certificate_chain_file",
            file,
            SSL_FILETYPE_PEM,
            true,
        ),
        None => 0,
    })
}

/// The password for an encrypted key, from the context's callback (as OpenSSL asks it).
fn key_password(settings: &CtxSettings) -> Option<ftls::core::KeyPassword> {
    let callback = settings.password_callback?;
    let mut buf = [0 as c_char; 1024];
    // SAFETY: the program's callback, with a buffer of buf.len() bytes, rwflag 0 (reading), and
    // its userdata.
    let n = unsafe {
        callback(
            buf.as_mut_ptr(),
            buf.len() as c_int,
            0,
            settings.password_userdata.0,
        )
    };
    if n < 0 {
        return None;
    }
    let n = (n as usize).min(buf.len());
    let bytes: Vec<u8> = buf[..n].iter().map(|&c| c as u8).collect();
    buf.fill(0);
    Some(ftls::core::KeyPassword::new(&bytes))
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_PrivateKey_file(
    ctx: *mut SSL_CTX,
    file: *const c_char,
    kind: c_int,
) -> c_int {
    const F: &str = "SSL_CTX_use_PrivateKey_file";
    guard(F, 0, || {
        let Some(ctx) = self::ctx(F, ctx) else {
            return 0;
        };
        if !filetype_ok(F, kind) {
            return 0;
        }
        let Some((bytes, path)) = read_file(F, file) else {
            return 0;
        };
        let settings = ctx.settings();
        let encrypted = String::from_utf8_lossy(&bytes).contains("ENCRYPTED");
        let password = if encrypted {
            key_password(&settings)
        } else {
            None
        };
        let what = format!("the private key file {}", path.display());
        let key = match ftls::core::private_key_from_pem_or_der(&bytes, &what, password.as_ref()) {
            Ok(key) => key,
            Err(error) => {
                let reason = if error.code() == ftls::core::ResultCode::FTLS_ERR_BAD_PASSWORD {
                    PEM_R_BAD_DECRYPT
                } else {
                    PEM_R_NO_START_LINE
                };
                raise_core(ERR_LIB_PEM, reason, F, &error);
                err::raise(ERR_LIB_SSL, ERR_R_PEM_LIB, F, "");
                return 0;
            }
        };
        set_key(ctx, F, key)
    })
}

/// Installs a private key; when a certificate is loaded, it must match (as OpenSSL checks).
pub(crate) fn set_key(ctx: &SSL_CTX, function: &'static str, key: PrivateKeyDer<'static>) -> c_int {
    let chain = ctx.settings().chain;
    if !chain.is_empty() {
        let checked = ftls::core::Identity::new(
            chain.to_vec(),
            "the certificate",
            key.clone_key(),
            "the private key",
            &ftls::core::default_provider(),
        );
        if checked.is_err() {
            // No text: OpenSSL's record has none.
            err::raise(ERR_LIB_X509, X509_R_KEY_VALUES_MISMATCH, function, "");
            return 0;
        }
    }
    ctx.update(|s| s.key = Some(Arc::new(key)));
    1
}

#[no_mangle]
pub extern "C" fn SSL_CTX_check_private_key(ctx: *const SSL_CTX) -> c_int {
    const F: &str = "SSL_CTX_check_private_key";
    guard(F, 0, || {
        let Some(ctx) = self::ctx(F, ctx) else {
            return 0;
        };
        let settings = ctx.settings();
        if settings.chain.is_empty() {
            err::raise(ERR_LIB_SSL, SSL_R_NO_CERTIFICATE_ASSIGNED, F, "");
            return 0;
        }
        if settings.key.is_none() {
            err::raise(ERR_LIB_SSL, SSL_R_NO_PRIVATE_KEY_ASSIGNED, F, "");
            return 0;
        }
        match identity_of(&settings) {
            Ok(_) => 1,
            Err(_) => {
                err::raise(ERR_LIB_X509, X509_R_KEY_VALUES_MISMATCH, F, "");
                0
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_default_passwd_cb(ctx: *mut SSL_CTX, cb: Option<PasswordCallback>) {
    guard("SSL_CTX_set_default_passwd_cb", (), || {
        if let Some(ctx) = self::ctx("SSL_CTX_set_default_passwd_cb", ctx) {
            ctx.update(|s| s.password_callback = cb);
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_default_passwd_cb_userdata(ctx: *mut SSL_CTX, u: *mut c_void) {
    guard("SSL_CTX_set_default_passwd_cb_userdata", (), || {
        if let Some(ctx) = self::ctx("SSL_CTX_set_default_passwd_cb_userdata", ctx) {
            ctx.update(|s| s.password_userdata = UserPtr(u));
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_verify(
    ctx: *mut SSL_CTX,
    mode: c_int,
    callback: Option<VerifyCallback>,
) {
    guard("SSL_CTX_set_verify", (), || {
        if let Some(ctx) = self::ctx("SSL_CTX_set_verify", ctx) {
            ctx.update(|s| {
                s.verify_mode = mode;
                s.verify_callback = callback;
            });
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_verify_depth(ctx: *mut SSL_CTX, depth: c_int) {
    guard("SSL_CTX_set_verify_depth", (), || {
        if let Some(ctx) = self::ctx("SSL_CTX_set_verify_depth", ctx) {
            ctx.update(|s| s.verify_depth = depth);
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_verify_mode(ctx: *const SSL_CTX) -> c_int {
    guard("SSL_CTX_get_verify_mode", 0, || {
        self::ctx("SSL_CTX_get_verify_mode", ctx).map_or(0, |c| c.settings().verify_mode)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_verify_depth(ctx: *const SSL_CTX) -> c_int {
    guard("SSL_CTX_get_verify_depth", -1, || {
        self::ctx("SSL_CTX_get_verify_depth", ctx).map_or(-1, |c| c.settings().verify_depth)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_load_verify_locations(
    ctx: *mut SSL_CTX,
    file: *const c_char,
    dir: *const c_char,
) -> c_int {
    const F: &str = "SSL_CTX_load_verify_locations";
    guard(F, 0, || {
        let Some(ctx) = self::ctx(F, ctx) else {
            return 0;
        };
        if file.is_null() && dir.is_null() {
            err::raise(
                ERR_LIB_SSL,
                ERR_R_PASSED_NULL_PARAMETER,
                F,
                "both the file and the directory are NULL",
            );
            return 0;
        }
        if !file.is_null() && ctx.store.load_file(F, file) == 0 {
            return 0;
        }
        if !dir.is_null() && ctx.store.load_dir(F, dir) == 0 {
            return 0;
        }
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_load_verify_file(ctx: *mut SSL_CTX, file: *const c_char) -> c_int {
    guard("SSL_CTX_load_verify_file", 0, || {
        match self::ctx("SSL_CTX_load_verify_file", ctx) {
            Some(ctx) => ctx.store.load_file("SSL_CTX_load_verify_file", file),
            None => 0,
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_load_verify_dir(ctx: *mut SSL_CTX, dir: *const c_char) -> c_int {
    guard("SSL_CTX_load_verify_dir", 0, || {
        match self::ctx("SSL_CTX_load_verify_dir", ctx) {
            Some(ctx) => ctx.store.load_dir("SSL_CTX_load_verify_dir", dir),
            None => 0,
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_default_verify_paths(ctx: *mut SSL_CTX) -> c_int {
    guard("SSL_CTX_set_default_verify_paths", 0, || {
        match self::ctx("SSL_CTX_set_default_verify_paths", ctx) {
            Some(ctx) => ctx.store.use_default_paths(),
            None => 0,
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_cert_store(ctx: *const SSL_CTX) -> *mut X509_STORE {
    guard("SSL_CTX_get_cert_store", std::ptr::null_mut(), || {
        self::ctx("SSL_CTX_get_cert_store", ctx)
            .map_or(std::ptr::null_mut(), |c| Arc::as_ptr(&c.store).cast_mut())
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_cipher_list(ctx: *mut SSL_CTX, list: *const c_char) -> c_int {
    const F: &str = "SSL_CTX_set_cipher_list";
    guard(F, 0, || {
        let Some(ctx) = self::ctx(F, ctx) else {
            return 0;
        };
        match super::cipher::tls12_from_list(F, list) {
            Some(suites) => {
                ctx.update(|s| s.cipher_suites = Some(suites.into()));
                1
            }
            None => 0,
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_ciphersuites(ctx: *mut SSL_CTX, list: *const c_char) -> c_int {
    const F: &str = "SSL_CTX_set_ciphersuites";
    guard(F, 0, || {
        let Some(ctx) = self::ctx(F, ctx) else {
            return 0;
        };
        match super::cipher::tls13_from_list(F, list) {
            Some(suites) => {
                ctx.update(|s| s.tls13_suites = Some(suites.into()));
                1
            }
            None => 0,
        }
    })
}

/// Parses ALPN's wire format (length-prefixed names).
pub(crate) fn alpn_list(bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut list = Vec::new();
    let mut rest = bytes;
    while let Some((&len, tail)) = rest.split_first() {
        if len == 0 || tail.len() < len as usize {
            return None;
        }
        list.push(tail[..len as usize].to_vec());
        rest = &tail[len as usize..];
    }
    Some(list)
}

/// SSL_CTX_set_alpn_protos: 0 on success, 1 on failure (OpenSSL's inverted convention).
#[no_mangle]
pub extern "C" fn SSL_CTX_set_alpn_protos(
    ctx: *mut SSL_CTX,
    protos: *const u8,
    len: c_uint,
) -> c_int {
    const F: &str = "SSL_CTX_set_alpn_protos";
    guard(F, 1, || {
        let Some(ctx) = self::ctx(F, ctx) else {
            return 1;
        };
        // SAFETY: C passes len readable bytes.
        let Some(bytes) = (unsafe { ffi::bytes_arg(protos.cast(), len as usize) }) else {
            return 1;
        };
        match alpn_list(bytes) {
            Some(list) => {
                ctx.update(|s| s.alpn = list);
                0
            }
            None => {
                err::raise(
                    ERR_LIB_SSL,
                    SSL_R_BAD_VALUE,
                    F,
                    "the ALPN list is not in wire format (length-prefixed names)",
                );
                1
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_alpn_select_cb(
    ctx: *mut SSL_CTX,
    cb: Option<AlpnSelectCallback>,
    arg: *mut c_void,
) {
    guard("SSL_CTX_set_alpn_select_cb", (), || {
        if let Some(ctx) = self::ctx("SSL_CTX_set_alpn_select_cb", ctx) {
            ctx.update(|s| s.alpn_select = cb.map(|cb| (cb, UserPtr(arg))));
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_session_id_context(
    ctx: *mut SSL_CTX,
    sid_ctx: *const u8,
    len: c_uint,
) -> c_int {
    const F: &str = "SSL_CTX_set_session_id_context";
    guard(F, 0, || {
        let Some(ctx) = self::ctx(F, ctx) else {
            return 0;
        };
        if len as usize > 32 {
            err::raise(
                ERR_LIB_SSL,
                SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG,
                F,
                format!("{len} bytes; at most 32"),
            );
            return 0;
        }
        // SAFETY: C passes len readable bytes.
        let Some(bytes) = (unsafe { ffi::bytes_arg(sid_ctx.cast(), len as usize) }) else {
            return 0;
        };
        ctx.update(|s| s.session_id_context = bytes.to_vec());
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_timeout(ctx: *mut SSL_CTX, t: c_long) -> c_long {
    guard("SSL_CTX_set_timeout", 0, || {
        match self::ctx("SSL_CTX_set_timeout", ctx) {
            Some(ctx) => ctx.update(|s| std::mem::replace(&mut s.timeout, t)),
            None => 0,
        }
    })
}

/// How many TLS 1.3 tickets the server sends; 0 turns them off. 1 (0 for a NULL context).
#[no_mangle]
pub extern "C" fn SSL_CTX_set_num_tickets(ctx: *mut SSL_CTX, num_tickets: usize) -> c_int {
    guard("SSL_CTX_set_num_tickets", 0, || {
        match self::ctx("SSL_CTX_set_num_tickets", ctx) {
            Some(ctx) => {
                ctx.update(|s| s.num_tickets = num_tickets);
                1
            }
            None => 0,
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_num_tickets(ctx: *const SSL_CTX) -> usize {
    guard("SSL_CTX_get_num_tickets", 0, || {
        self::ctx("SSL_CTX_get_num_tickets", ctx).map_or(0, |c| c.settings().num_tickets)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_timeout(ctx: *const SSL_CTX) -> c_long {
    guard("SSL_CTX_get_timeout", 0, || {
        self::ctx("SSL_CTX_get_timeout", ctx).map_or(0, |c| c.settings().timeout)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_ex_data(ctx: *mut SSL_CTX, idx: c_int, data: *mut c_void) -> c_int {
    guard("SSL_CTX_set_ex_data", 0, || {
        self::ctx("SSL_CTX_set_ex_data", ctx).map_or(0, |c| c.ex_data.set(idx, data) as c_int)
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_ex_data(ctx: *const SSL_CTX, idx: c_int) -> *mut c_void {
    guard("SSL_CTX_get_ex_data", std::ptr::null_mut(), || {
        self::ctx("SSL_CTX_get_ex_data", ctx).map_or(std::ptr::null_mut(), |c| c.ex_data.get(idx))
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_get_ex_new_index(
    _argl: c_long,
    _argp: *mut c_void,
    _new: *mut c_void,
    _dup: *mut c_void,
    _free: *mut c_void,
) -> c_int {
    ex_data::new_index(&ex_data::SSL_CTX_INDEXES)
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_info_callback(ctx: *mut SSL_CTX, cb: Option<InfoCallback>) {
    guard("SSL_CTX_set_info_callback", (), || {
        if let Some(ctx) = self::ctx("SSL_CTX_set_info_callback", ctx) {
            ctx.update(|s| s.info_callback = cb);
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_msg_callback(ctx: *mut SSL_CTX, cb: Option<MsgCallback>) {
    guard("SSL_CTX_set_msg_callback", (), || {
        if let Some(ctx) = self::ctx("SSL_CTX_set_msg_callback", ctx) {
            ctx.update(|s| s.msg_callback = cb);
        }
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_set_keylog_callback(ctx: *mut SSL_CTX, cb: Option<KeylogCallback>) {
    guard("SSL_CTX_set_keylog_callback", (), || {
        if let Some(ctx) = self::ctx("SSL_CTX_set_keylog_callback", ctx) {
            ctx.update(|s| s.keylog_callback = cb);
        }
    })
}

/// Replaces the list of CA names a server sends when it asks for a client certificate; the
/// context takes over `list` (a STACK_OF(X509_NAME)). ftls sends the names of the CAs it
/// trusts for client certificates; the list is kept for SSL_CTX_get_client_CA_list.
#[no_mangle]
pub extern "C" fn SSL_CTX_set_client_CA_list(
    ctx: *mut SSL_CTX,
    list: *mut crate::stack::OPENSSL_STACK,
) {
    guard("SSL_CTX_set_client_CA_list", (), || {
        match self::ctx("SSL_CTX_set_client_CA_list", ctx) {
            Some(ctx) => {
                let old = std::mem::replace(&mut lock(&ctx.client_ca).0, list);
                free_names(old);
            }
            None => free_names(list),
        }
    })
}

/// The list SSL_CTX_set_client_CA_list / SSL_CTX_add_client_CA built (borrowed): empty at
/// first, NULL after SSL_CTX_set_client_CA_list(ctx, NULL).
#[no_mangle]
pub extern "C" fn SSL_CTX_get_client_CA_list(
    ctx: *const SSL_CTX,
) -> *mut crate::stack::OPENSSL_STACK {
    guard("SSL_CTX_get_client_CA_list", std::ptr::null_mut(), || {
        self::ctx("SSL_CTX_get_client_CA_list", ctx)
            .map_or(std::ptr::null_mut(), |c| lock(&c.client_ca).0)
    })
}

/// Adds a certificate's subject to the client CA list. 1, or 0.
#[no_mangle]
pub extern "C" fn SSL_CTX_add_client_CA(ctx: *mut SSL_CTX, x: *mut crate::x509::X509) -> c_int {
    guard("SSL_CTX_add_client_CA", 0, || {
        let Some(ctx) = self::ctx("SSL_CTX_add_client_CA", ctx) else {
            return 0;
        };
        // SAFETY: C passes NULL or a certificate it holds.
        let Some(cert) = (unsafe { ffi::borrow(x) }) else {
            return 0;
        };
        let name = crate::x509::name::X509_NAME_dup(cert.subject());
        let mut list = lock(&ctx.client_ca);
        if list.0.is_null() {
            list.0 = crate::stack::OPENSSL_sk_new_null();
        }
        (crate::stack::OPENSSL_sk_push(list.0, name.cast()) > 0) as c_int
    })
}

/// The subjects of the certificates in a PEM file, as a new STACK_OF(X509_NAME) the caller
/// owns (for SSL_CTX_set_client_CA_list); NULL with the reason queued when the file cannot be
/// read or holds no certificate.
#[no_mangle]
pub extern "C" fn SSL_load_client_CA_file(file: *const c_char) -> *mut crate::stack::OPENSSL_STACK {
    const F: &str = "SSL_load_client_CA_file";
    guard(F, std::ptr::null_mut(), || {
        let Some((bytes, path)) = read_file(F, file) else {
            return std::ptr::null_mut();
        };
        let what = format!("the CA file {}", path.display());
        let Some(certs) = certificates(F, &bytes, SSL_FILETYPE_PEM, &what) else {
            return std::ptr::null_mut();
        };
        let list = crate::stack::OPENSSL_sk_new_null();
        for der in certs {
            if let Ok(cert) = crate::x509::X509::from_der(&der) {
                let name = crate::x509::name::X509_NAME_dup(cert.subject());
                crate::stack::OPENSSL_sk_push(list, name.cast());
            }
        }
        list
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_certificate(ctx: *mut SSL_CTX, x: *mut crate::x509::X509) -> c_int {
    guard("SSL_CTX_use_certificate", 0, || {
        let Some(ctx) = self::ctx("SSL_CTX_use_certificate", ctx) else {
            return 0;
        };
        // SAFETY: C passes NULL or a certificate it holds.
        let Some(cert) = (unsafe { ffi::borrow(x) }) else {
            ffi::null_argument(ERR_LIB_SSL, "SSL_CTX_use_certificate", "the certificate");
            return 0;
        };
        let der = CertificateDer::from(cert.der().to_vec());
        ctx.update(|s| {
            if s.chain.is_empty() {
                s.chain = Arc::new(vec![der]);
            } else {
                Arc::make_mut(&mut s.chain)[0] = der;
            }
        });
        1
    })
}

#[no_mangle]
pub extern "C" fn SSL_CTX_use_PrivateKey(
    ctx: *mut SSL_CTX,
    pkey: *mut crate::evp::pkey::EVP_PKEY,
) -> c_int {
    const F: &str = "SSL_CTX_use_PrivateKey";
    guard(F, 0, || {
        let Some(ctx) = self::ctx(F, ctx) else {
            return 0;
        };
        let Some(key) = crate::evp::pkey::pkey(pkey).and_then(|k| k.private_key()) else {
            err::raise(
                ERR_LIB_SSL,
                SSL_R_NO_PRIVATE_KEY_ASSIGNED,
                F,
                "the EVP_PKEY holds no private key",
            );
            return 0;
        };
        set_key(ctx, F, key.clone_key())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssl::method::TLS_method;
    use rustls_pki_types::pem::PemObject;

    #[test]
    fn a_peer_certificate_is_parsed_once_and_the_last_few_are_kept() {
        let dir = std::env::temp_dir().join(format!("ftls-openssl-ctx-{}", std::process::id()));
        ftls_test_pki::generate(&dir).expect("make the test PKI");
        let der = |name: &str| {
            CertificateDer::from_pem_file(dir.join(name))
                .expect("a test certificate")
                .to_vec()
        };
        let ctx = SSL_CTX_new(TLS_method());
        // SAFETY: the context made here, freed at the end.
        let context = unsafe { ffi::borrow(ctx) }.expect("a context");

        let server = der("server.pem");
        let first = context.parsed_certificate(&server).expect("it parses");
        let again = context.parsed_certificate(&server).expect("it parses");
        assert!(Arc::ptr_eq(&first, &again), "parsed once");
        assert!(context.parsed_certificate(b"not a certificate").is_none());

        for other in ["ca.pem", "client.pem", "server-rsa.pem", "other-ca.pem"] {
            let parsed = context.parsed_certificate(&der(other)).expect("it parses");
            assert_eq!(parsed.der(), der(other));
        }
        let later = context.parsed_certificate(&server).expect("it parses");
        assert!(
            !Arc::ptr_eq(&first, &later),
            "four others since: parsed anew"
        );
        assert_eq!(later.der(), server);

        SSL_CTX_free(ctx);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
