//! Server configuration: a mutable builder and the immutable, shareable config it builds.

use super::error::{Error, ResultCode::*};
use super::handshake_observer::ConfigKeyLog;
use super::identity::Identity;
use super::identity_choice::{HelloChooser, Identities, ServerIdentityResolver};
use super::key_log::KeyLog;
use super::protocol::Negotiation;
use super::sessions::{PolicyDigest, PolicyEncoder, ServerSessions};
use super::trust::Trust;
use super::verify::{CertificateCheck, CheckMode, PeerVerification};
use std::sync::Arc;

/// Whether the server asks clients for a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// Never ask (the default).
    #[default]
    None,
    /// Ask; accept clients that send none, verify those that send one.
    Optional,
    /// Ask, and refuse clients without a valid certificate.
    Required,
}

/// Collects server settings; [`Self::build`] checks them and makes a [`ServerConfig`].
#[derive(Clone, Debug, Default)]
pub struct ServerConfigBuilder {
    /// 0 the default, then the others, chosen by SNI or the ClientHello callback.
    identities: Identities,
    /// Refuse a server name no identity names, instead of answering with the default.
    refuse_unknown_name: bool,
    hello_chooser: Option<Arc<dyn HelloChooser>>,
    client_auth: ClientAuth,
    /// What client certificates are checked against (a snapshot, shared); the CA names sent
    /// to clients come from it.
    client_trust: Arc<Trust>,
    /// The application's check of client certificates, after or instead of the standard
    /// verification.
    client_check: Option<(Arc<dyn CertificateCheck>, CheckMode)>,
    /// Protocol versions, ALPN, cipher suites and key-exchange groups.
    negotiation: Negotiation,
    /// Choose the cipher suite by the server's order of preference, not the client's.
    prefer_server_order: bool,
    /// Session cache, tickets and early data.
    sessions: ServerSessions,
    /// Where secrets are logged (nowhere by default).
    key_log: KeyLog,
}

impl ServerConfigBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Lets an application choose the identity from the ClientHello.
    pub fn set_hello_chooser(&mut self, chooser: Option<Arc<dyn HelloChooser>>) {
        self.hello_chooser = chooser;
    }

    /// Picks the cipher suite by the server's order of preference (on) or the client's (off,
    /// the default). Key-exchange groups always follow the client's order.
    pub fn set_prefer_server_order(&mut self, enable: bool) {
        self.prefer_server_order = enable;
    }

    pub fn set_client_auth(&mut self, mode: ClientAuth) {
        self.client_auth = mode;
    }

    /// Sets what client certificates are checked against, replacing the earlier trust.
    pub fn set_trust(&mut self, trust: Arc<Trust>) {
        self.client_trust = trust;
    }

    /// Installs (or, with None, removes) the application's check of client certificates.
    pub fn set_check(&mut self, check: Option<(Arc<dyn CertificateCheck>, CheckMode)>) {
        self.client_check = check;
    }

    /// Adds an identity the server may present; returns its number (0 for the first, the
    /// default).
    pub fn add_identity(&mut self, identity: Identity) -> usize {
        self.identities.push(identity)
    }

    /// Refuses a server name no identity's certificate names (on), or answers it with the
    /// default identity (off, the default).
    pub fn set_refuse_unknown_name(&mut self, refuse: bool) {
        self.refuse_unknown_name = refuse;
    }

    /// Protocol versions, ALPN, cipher suites and key-exchange groups.
    pub fn negotiation_mut(&mut self) -> &mut Negotiation {
        &mut self.negotiation
    }

    /// Session cache, tickets and early data.
    pub fn sessions_mut(&mut self) -> &mut ServerSessions {
        &mut self.sessions
    }

    /// Where the secrets of connections made from the configs built are logged.
    pub fn key_log_mut(&mut self) -> &mut KeyLog {
        &mut self.key_log
    }

    pub fn build(&self) -> Result<ServerConfig, Error> {
        if self.identities.is_empty() {
            return Err(Error::new(
                FTLS_ERR_CONFIG,
                "a server needs a certificate chain and private key: add an identity first",
            ));
        }
        self.refuse_client_checks_without_client_auth()?;
        let provider = self.negotiation.provider()?;
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&self.negotiation.versions().to_rustls()?)
            .map_err(|err| Error::new(FTLS_ERR_CONFIG, err.to_string()))?;
        let builder = match self.client_auth {
            ClientAuth::None => builder.with_no_client_auth(),
            mode => builder.with_client_cert_verifier(self.client_verification().client_verifier(
                self.client_trust.anchors(),
                provider,
                mode == ClientAuth::Required,
            )?),
        };
        let mut config = builder.with_cert_resolver(Arc::new(ServerIdentityResolver {
            identities: self.identities.clone(),
            refuse_unknown_name: self.refuse_unknown_name,
            chooser: self.hello_chooser.clone(),
            refuse_fallback: self.negotiation.versions().tls13,
        }));
        config.alpn_protocols = self.negotiation.alpn().to_vec();
        config.ignore_client_order = self.prefer_server_order;
        self.sessions
            .apply(&mut config, self.client_policy_digest())?;
        let key_log = self.key_log.for_server(self.sessions.accepts_early_data());
        config.key_log = Arc::new(ConfigKeyLog::server(key_log));
        Ok(ServerConfig {
            rustls: Arc::new(config),
        })
    }

    /// Client CAs, CRLs or a verify callback with client authentication off would never be
    /// used: anonymous clients would be accepted by a config that looks as if it checked them.
    fn refuse_client_checks_without_client_auth(&self) -> Result<(), Error> {
        if self.client_auth != ClientAuth::None {
            return Ok(());
        }
        let mut set = self.client_verification().settings();
        if !self.client_trust.anchors().is_empty() {
            set.insert(0, "client CA certificates");
        }
        if set.is_empty() {
            return Ok(());
        }
        Err(Error::new(
            FTLS_ERR_CONFIG,
            format!(
                "client authentication is off, so what was set for verifying client \
                 certificates would never be used ({}): set the client authentication mode to \
                 optional or required, or remove it",
                set.join(", ")
            ),
        ))
    }

    /// Everything that decides whether a client is accepted, and the sessions' own context:
    /// sessions are bound to it.
    fn client_policy_digest(&self) -> PolicyDigest {
        let mut policy = PolicyEncoder::new();
        let mode: &[u8] = match self.client_auth {
            ClientAuth::None => b"none",
            ClientAuth::Optional => b"optional",
            ClientAuth::Required => b"required",
        };
        policy.field("client authentication", mode);
        policy.set("trust anchor", self.client_trust.anchors().policy_members());
        self.client_verification().encode_policy(&mut policy);
        policy.field("session context", self.sessions.context());
        policy.finish()
    }

    fn client_verification(&self) -> PeerVerification {
        self.client_trust.verification(self.client_check.clone())
    }
}

/// An immutable server configuration, shared by any number of connections and threads.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub(crate) rustls: Arc<rustls::ServerConfig>,
}
