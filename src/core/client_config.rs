//! Client configuration: a mutable builder and the immutable, shareable config it builds.

use super::error::{Error, ResultCode::*};
use super::handshake_observer::ConfigKeyLog;
use super::identity::Identity;
use super::identity_choice::{CertificateRequestChooser, ClientIdentityResolver, Identities};
use super::key_log::KeyLog;
use super::key_password::KeyPassword;
use super::protocol::Negotiation;
use super::sessions::ClientSessions;
use super::trust::TrustAnchors;
use super::verify::PeerVerification;
use std::path::Path;
use std::sync::Arc;

/// Collects client settings; [`Self::build`] checks them and makes a [`ClientConfig`].
#[derive(Clone, Debug)]
pub struct ClientConfigBuilder {
    trust: TrustAnchors,
    /// Pins, CRLs, revocation policy, the application's check.
    pub verification: PeerVerification,
    /// Client certificates: 0 the default, then the added ones.
    pub identities: Identities,
    certificate_chooser: Option<Arc<dyn CertificateRequestChooser>>,
    /// Decrypts encrypted private keys loaded afterwards.
    pub key_password: Option<KeyPassword>,
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
            verification: PeerVerification::default(),
            identities: Identities::default(),
            certificate_chooser: None,
            key_password: None,
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

    /// Trusts one DER CA certificate.
    pub fn add_trust_anchor_der(&mut self, der: &[u8]) -> Result<usize, Error> {
        self.trust.add_der(der, "the CA DER data")
    }

    /// Trusts the certificates of every PEM file in a directory (OpenSSL's hashed layout too).
    pub fn add_trust_anchors_dir(&mut self, dir: &Path) -> Result<usize, Error> {
        self.trust.add_dir(dir)
    }

    /// Trusts the platform's store (honouring `SSL_CERT_FILE` / `SSL_CERT_DIR`).
    pub fn add_system_roots(&mut self) -> Result<usize, Error> {
        self.trust.add_system_roots()
    }

    /// Sets the certificate and key sent when a server asks for client authentication
    /// (identity 0).
    pub fn set_identity(&mut self, identity: Identity) {
        self.identities.set_default(identity);
    }

    /// Lets an application choose the client identity when a server asks for one.
    pub fn set_certificate_chooser(&mut self, chooser: Option<Arc<dyn CertificateRequestChooser>>) {
        self.certificate_chooser = chooser;
    }

    /// Whether to send the server name (SNI) in the ClientHello. On by default; never sent
    /// for an IP address.
    pub fn set_sni(&mut self, enable: bool) {
        self.enable_sni = enable;
    }

    pub fn build(&self) -> Result<ClientConfig, Error> {
        let provider = self.negotiation.provider()?;
        let verifier = self
            .verification
            .server_verifier(&self.trust, provider.clone())?;
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&self.negotiation.versions().to_rustls()?)
            .map_err(|err| Error::new(FTLS_ERR_CONFIG, err.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let mut config = if self.identities.is_empty() && self.certificate_chooser.is_none() {
            builder.with_no_client_auth()
        } else {
            builder.with_client_cert_resolver(Arc::new(ClientIdentityResolver {
                identities: self.identities.clone(),
                chooser: self.certificate_chooser.clone(),
            }))
        };
        config.alpn_protocols = self.negotiation.alpn().to_vec();
        config.enable_sni = self.enable_sni;
        self.sessions.apply(&mut config)?;
        config.key_log = Arc::new(ConfigKeyLog::client(
            self.key_log.clone(),
            config.enable_early_data,
        ));
        Ok(ClientConfig {
            rustls: Arc::new(config),
        })
    }
}

/// An immutable client configuration, shared by any number of connections and threads.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub(crate) rustls: Arc<rustls::ClientConfig>,
}
