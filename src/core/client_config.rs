//! Client configuration: a mutable builder and the immutable, shareable config it builds.

use super::error::{Error, ResultCode::*};
use super::handshake_observer::SecretRouter;
use super::identity::Identity;
use super::key_log::KeyLog;
use super::protocol::Negotiation;
use super::sessions::ClientSessions;
use super::trust::TrustAnchors;
use rustls::client::WebPkiServerVerifier;
use rustls::sign::SingleCertAndKey;
use std::path::Path;
use std::sync::Arc;

/// Collects client settings; [`Self::build`] checks them and makes a [`ClientConfig`].
#[derive(Clone, Debug)]
pub struct ClientConfigBuilder {
    trust: TrustAnchors,
    identity: Option<Identity>,
    /// Protocol versions, ALPN, cipher suites and key-exchange groups.
    pub negotiation: Negotiation,
    enable_sni: bool,
    /// Session resumption and early data.
    pub sessions: ClientSessions,
    /// Where secrets are logged (nowhere by default).
    pub key_log: KeyLog,
}

impl Default for ClientConfigBuilder {
    fn default() -> Self {
        Self {
            trust: TrustAnchors::default(),
            identity: None,
            negotiation: Negotiation::default(),
            enable_sni: true,
            sessions: ClientSessions::default(),
            key_log: KeyLog::default(),
        }
    }
}

impl ClientConfigBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts every CA certificate in a PEM file. Returns how many were added.
    pub fn add_trust_anchors_file(&mut self, path: &Path) -> Result<usize, Error> {
        self.trust.add_file(path)
    }

    /// Trusts every CA certificate in PEM text. Returns how many were added.
    pub fn add_trust_anchors_pem(&mut self, pem: &[u8]) -> Result<usize, Error> {
        self.trust.add_pem(pem, "the CA PEM data")
    }

    /// Trusts the Mozilla CA set bundled with ftls (webpki-roots).
    pub fn add_webpki_roots(&mut self) -> usize {
        self.trust.add_webpki_roots()
    }

    /// Sets the certificate and key sent when a server asks for client authentication.
    pub fn set_identity(&mut self, identity: Identity) {
        self.identity = Some(identity);
    }

    /// Whether to send the server name (SNI) in the ClientHello. On by default; never sent
    /// for an IP address.
    pub fn set_sni(&mut self, enable: bool) {
        self.enable_sni = enable;
    }

    pub fn build(&self) -> Result<ClientConfig, Error> {
        if self.trust.is_empty() {
            return Err(Error::new(
                FTLS_ERR_CONFIG,
                "no trust anchors: add CA certificates (a PEM file or data) or the bundled \
                 webpki roots before building a client config",
            ));
        }
        let provider = self.negotiation.provider()?;
        let verifier =
            WebPkiServerVerifier::builder_with_provider(self.trust.root_store(), provider.clone())
                .build()
                .map_err(|err| Error::new(FTLS_ERR_CONFIG, format!("server verifier: {err}")))?;
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&self.negotiation.versions().to_rustls()?)
            .map_err(|err| Error::new(FTLS_ERR_CONFIG, err.to_string()))?
            .with_webpki_verifier(verifier);
        let mut config = match &self.identity {
            Some(identity) => builder.with_client_cert_resolver(Arc::new(SingleCertAndKey::from(
                identity.certified_key(),
            ))),
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = self.negotiation.alpn().to_vec();
        config.enable_sni = self.enable_sni;
        self.sessions.apply(&mut config)?;
        let secrets = Arc::new(SecretRouter::with_key_log(self.key_log.clone()));
        config.key_log = secrets.clone();
        Ok(ClientConfig {
            rustls: Arc::new(config),
            secrets,
        })
    }
}

/// An immutable client configuration, shared by any number of connections and threads.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub(crate) rustls: Arc<rustls::ClientConfig>,
    pub(crate) secrets: Arc<SecretRouter>,
}
