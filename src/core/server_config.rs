//! Server configuration: a mutable builder and the immutable, shareable config it builds.

use super::error::{Error, ResultCode::*};
use super::handshake_observer::ConfigKeyLog;
use super::identity::Identity;
use super::identity_choice::{HelloChooser, Identities, ServerIdentityResolver};
use super::key_log::KeyLog;
use super::key_password::KeyPassword;
use super::protocol::Negotiation;
use super::sessions::{PolicyDigest, PolicyEncoder, ServerSessions};
use super::trust::TrustAnchors;
use super::verify::PeerVerification;
use std::path::Path;
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
    /// 0 the default, then the added ones, chosen by SNI or the ClientHello callback.
    pub identities: Identities,
    /// Refuse a server name no identity names, instead of answering with the default.
    pub refuse_unknown_name: bool,
    hello_chooser: Option<Arc<dyn HelloChooser>>,
    /// Decrypts encrypted private keys loaded afterwards.
    pub key_password: Option<KeyPassword>,
    client_auth: ClientAuth,
    client_trust: TrustAnchors,
    /// Client certificates: CRLs, revocation policy, the application's check.
    pub client_verification: PeerVerification,
    /// Protocol versions, ALPN, cipher suites and key-exchange groups.
    pub negotiation: Negotiation,
    /// Choose the cipher suite by the server's order of preference, not the client's.
    prefer_server_order: bool,
    /// Session cache, tickets and early data.
    pub sessions: ServerSessions,
    /// Where secrets are logged (nowhere by default).
    pub key_log: KeyLog,
}

impl ServerConfigBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the certificate chain and key the server presents by default (identity 0).
    pub fn set_identity(&mut self, identity: Identity) {
        self.identities.set_default(identity);
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

    /// Trusts the CA certificates in a PEM file for verifying client certificates.
    pub fn add_client_trust_anchors_file(&mut self, path: &Path) -> Result<usize, Error> {
        self.client_trust.add_file(path)
    }

    /// Trusts the CA certificates in PEM text for verifying client certificates.
    pub fn add_client_trust_anchors_pem(&mut self, pem: &[u8]) -> Result<usize, Error> {
        self.client_trust.add_pem(pem, "the client CA PEM data")
    }

    /// Trusts one DER CA certificate for verifying client certificates.
    pub fn add_client_trust_anchor_der(&mut self, der: &[u8]) -> Result<usize, Error> {
        self.client_trust.add_der(der, "the client CA DER data")
    }

    /// Trusts the certificates of every PEM file in a directory for client certificates.
    pub fn add_client_trust_anchors_dir(&mut self, dir: &Path) -> Result<usize, Error> {
        self.client_trust.add_dir(dir)
    }

    pub fn build(&self) -> Result<ServerConfig, Error> {
        if self.identities.is_empty() {
            return Err(Error::new(
                FTLS_ERR_CONFIG,
                "a server needs a certificate chain and private key: load an identity first",
            ));
        }
        self.refuse_client_checks_without_client_auth()?;
        let provider = self.negotiation.provider()?;
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&self.negotiation.versions().to_rustls()?)
            .map_err(|err| Error::new(FTLS_ERR_CONFIG, err.to_string()))?;
        let builder = match self.client_auth {
            ClientAuth::None => builder.with_no_client_auth(),
            mode => builder.with_client_cert_verifier(self.client_verification.client_verifier(
                &self.client_trust,
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
        let mut set = self.client_verification.settings();
        if !self.client_trust.is_empty() {
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

    /// Everything that decides whether a client is accepted: sessions are bound to it.
    fn client_policy_digest(&self) -> PolicyDigest {
        let mut policy = PolicyEncoder::new();
        let mode: &[u8] = match self.client_auth {
            ClientAuth::None => b"none",
            ClientAuth::Optional => b"optional",
            ClientAuth::Required => b"required",
        };
        policy.field("client authentication", mode);
        policy.set("trust anchor", self.client_trust.policy_members());
        self.client_verification.encode_policy(&mut policy);
        policy.finish()
    }
}

/// An immutable server configuration, shared by any number of connections and threads.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub(crate) rustls: Arc<rustls::ServerConfig>,
}
