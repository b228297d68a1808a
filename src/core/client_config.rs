//! Client configuration: a mutable builder and the immutable, shareable config it builds.

use super::error::{Error, ResultCode::*};
use super::handshake_observer::ConfigKeyLog;
use super::identity::Identity;
use super::identity_choice::{CertificateRequestChooser, ClientIdentityResolver, Identities};
use super::key_log::KeyLog;
use super::protocol::Negotiation;
use super::sessions::ClientSessions;
use super::trust::Trust;
use super::verify::{CertificateCheck, CheckMode};
use std::sync::Arc;

/// Collects client settings; [`Self::build`] checks them and makes a [`ClientConfig`].
#[derive(Clone, Debug)]
pub struct ClientConfigBuilder {
    /// What the server's certificate is checked against (a snapshot, shared).
    trust: Arc<Trust>,
    /// The application's check of the server's certificate, after or instead of the standard
    /// verification.
    check: Option<(Arc<dyn CertificateCheck>, CheckMode)>,
    /// Client certificates, numbered in the order added.
    identities: Identities,
    certificate_chooser: Option<Arc<dyn CertificateRequestChooser>>,
    /// Protocol versions, ALPN, cipher suites and key-exchange groups.
    negotiation: Negotiation,
    enable_sni: bool,
    /// Session resumption and early data.
    sessions: ClientSessions,
    /// Where secrets are logged (nowhere by default).
    key_log: KeyLog,
}

impl Default for ClientConfigBuilder {
    fn default() -> Self {
        Self {
            trust: Arc::default(),
            check: None,
            identities: Identities::default(),
            certificate_chooser: None,
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

    /// Sets what the server's certificate is checked against, replacing the earlier trust.
    pub fn set_trust(&mut self, trust: Arc<Trust>) {
        self.trust = trust;
    }

    /// Installs (or, with None, removes) the application's check of the server's certificate.
    pub fn set_check(&mut self, check: Option<(Arc<dyn CertificateCheck>, CheckMode)>) {
        self.check = check;
    }

    /// Adds a client certificate and key; returns its number (0 for the first).
    pub fn add_identity(&mut self, identity: Identity) -> usize {
        self.identities.push(identity)
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

    /// Protocol versions, ALPN, cipher suites and key-exchange groups.
    pub fn negotiation_mut(&mut self) -> &mut Negotiation {
        &mut self.negotiation
    }

    /// Session resumption and early data.
    pub fn sessions_mut(&mut self) -> &mut ClientSessions {
        &mut self.sessions
    }

    /// Where the secrets of connections made from the configs built are logged.
    pub fn key_log_mut(&mut self) -> &mut KeyLog {
        &mut self.key_log
    }

    pub fn build(&self) -> Result<ClientConfig, Error> {
        let provider = self.negotiation.provider()?;
        let verifier = self
            .trust
            .verification(self.check.clone())
            .server_verifier(self.trust.anchors(), provider.clone())?;
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
