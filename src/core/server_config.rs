//! Server configuration: a mutable builder and the immutable, shareable config it builds.

use super::error::{Error, ResultCode::*};
use super::handshake_observer::SecretRouter;
use super::identity::Identity;
use super::key_log::KeyLog;
use super::protocol::Negotiation;
use super::sessions::ServerSessions;
use super::trust::TrustAnchors;
use rustls::server::WebPkiClientVerifier;
use rustls::sign::SingleCertAndKey;
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
    identity: Option<Identity>,
    client_auth: ClientAuth,
    client_trust: TrustAnchors,
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

    /// Sets the certificate chain and key the server presents.
    pub fn set_identity(&mut self, identity: Identity) {
        self.identity = Some(identity);
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

    pub fn build(&self) -> Result<ServerConfig, Error> {
        let identity = self.identity.as_ref().ok_or_else(|| {
            Error::new(
                FTLS_ERR_CONFIG,
                "a server needs a certificate chain and private key: load an identity first",
            )
        })?;
        let provider = self.negotiation.provider()?;
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&self.negotiation.versions().to_rustls()?)
            .map_err(|err| Error::new(FTLS_ERR_CONFIG, err.to_string()))?;
        let builder = match self.client_auth {
            ClientAuth::None => builder.with_no_client_auth(),
            mode => {
                if self.client_trust.is_empty() {
                    return Err(Error::new(
                        FTLS_ERR_CONFIG,
                        "client authentication needs trust anchors: add the CA certificates \
                         that issue client certificates",
                    ));
                }
                let verifier = WebPkiClientVerifier::builder_with_provider(
                    self.client_trust.root_store(),
                    provider,
                );
                let verifier = if mode == ClientAuth::Optional {
                    verifier.allow_unauthenticated()
                } else {
                    verifier
                };
                let verifier = verifier.build().map_err(|err| {
                    Error::new(FTLS_ERR_CONFIG, format!("client verifier: {err}"))
                })?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut config =
            builder.with_cert_resolver(Arc::new(SingleCertAndKey::from(identity.certified_key())));
        config.alpn_protocols = self.negotiation.alpn().to_vec();
        config.ignore_client_order = self.prefer_server_order;
        self.sessions.apply(&mut config)?;
        let key_log = self.key_log.for_server(self.sessions.accepts_early_data());
        let secrets = Arc::new(SecretRouter::with_key_log(key_log));
        config.key_log = secrets.clone();
        Ok(ServerConfig {
            rustls: Arc::new(config),
            secrets,
        })
    }
}

/// An immutable server configuration, shared by any number of connections and threads.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub(crate) rustls: Arc<rustls::ServerConfig>,
    pub(crate) secrets: Arc<SecretRouter>,
}
