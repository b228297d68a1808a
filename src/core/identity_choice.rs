//! Choosing among several identities: a server by the name the client asks for (SNI) or by an
//! application's ClientHello callback; a client by an application's callback when the server
//! asks for a certificate.
//!
//! Identities are numbered as the application sees them: 0, 1, 2... in the order they were
//! added; 0 is the default.

use super::error::{Error, ResultCode::*};
use super::handshake_notes::{note_failure, note_fallback_signalled};
use super::identity::Identity;
use rustls::client::ResolvesClientCert;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{CipherSuite, SignatureScheme};
use std::fmt;
use std::sync::Arc;

/// What a chooser decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityChoice {
    /// As if there were no chooser: by name (server) or the first usable identity (client).
    Automatic,
    /// The identity with this number.
    Number(usize),
    /// None: the server refuses the handshake; the client sends no certificate.
    Nothing,
    /// A value that means none of the above (the number it was), treated as `Nothing`.
    Invalid(i64),
}

/// What a server's chooser sees of the ClientHello.
pub struct HelloSummary<'a> {
    pub server_name: Option<&'a str>,
    /// The ALPN protocols offered, in the client's order.
    pub alpn: Vec<&'a [u8]>,
    pub signature_schemes: Vec<u16>,
    pub cipher_suites: Vec<u16>,
}

/// An application's choice of server identity. Runs on whichever thread drives a connection,
/// possibly on several at once.
pub trait HelloChooser: Send + Sync + fmt::Debug {
    fn choose(&self, hello: &HelloSummary<'_>) -> IdentityChoice;
}

/// What a client's chooser sees of the server's CertificateRequest.
pub struct CertificateRequestSummary<'a> {
    /// The DER Names of the CAs the server accepts (may be empty: any).
    pub ca_names: &'a [&'a [u8]],
    pub signature_schemes: Vec<u16>,
}

/// An application's choice of client identity.
pub trait CertificateRequestChooser: Send + Sync + fmt::Debug {
    fn choose(&self, request: &CertificateRequestSummary<'_>) -> IdentityChoice;
}

/// The numbered identities of a builder.
#[derive(Clone, Debug, Default)]
pub struct Identities {
    /// In the order added: number 0 (the default) first.
    all: Vec<Identity>,
}

impl Identities {
    /// Appends an identity; returns its number: 0 for the first, then 1, 2...
    pub fn push(&mut self, identity: Identity) -> usize {
        self.all.push(identity);
        self.all.len() - 1
    }

    pub fn get(&self, number: usize) -> Option<&Identity> {
        self.all.get(number)
    }

    fn describe_numbers(&self) -> String {
        match self.all.len() {
            0 => "none is loaded".to_owned(),
            count => format!(
                "the loaded ones are {}",
                (0..count)
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    fn all(&self) -> impl Iterator<Item = &Identity> {
        self.all.iter()
    }

    /// Identity 0, the first added.
    fn default_identity(&self) -> Option<&Identity> {
        self.all.first()
    }

    fn chosen(&self, choice: IdentityChoice, who: &str) -> Result<Option<&Identity>, Error> {
        match choice {
            IdentityChoice::Number(n) => self.get(n).map(Some).ok_or_else(|| {
                Error::new(
                    FTLS_ERR_HANDSHAKE_FAILURE,
                    format!("{who} chose identity {n}, but {}", self.describe_numbers()),
                )
            }),
            IdentityChoice::Invalid(value) => Err(Error::new(
                FTLS_ERR_HANDSHAKE_FAILURE,
                format!(
                    "{who} returned {value}, which is neither an identity number nor \
                     FTLS_IDENTITY_AUTO / FTLS_IDENTITY_NONE"
                ),
            )),
            IdentityChoice::Nothing | IdentityChoice::Automatic => Ok(None),
        }
    }
}

/// Picks the identity that can sign with one of the peer's schemes, else the first.
fn usable<'a>(
    candidates: impl Iterator<Item = &'a Identity>,
    schemes: &[SignatureScheme],
) -> Option<&'a Identity> {
    // Probing a key makes a signer (an allocation): with one candidate there is nothing to
    // choose, and this runs on every handshake, resumed ones included.
    let mut candidates = candidates.peekable();
    let first = candidates.next()?;
    let supports = |id: &&Identity| id.certified_key().key.choose_scheme(schemes).is_some();
    if candidates.peek().is_none() || supports(&first) {
        return Some(first);
    }
    candidates.find(supports).or(Some(first))
}

/// RFC 7507's signalling cipher suite value: the client is retrying with a lower version.
const TLS_FALLBACK_SCSV: u16 = 0x5600;

/// The server's certificate resolver.
#[derive(Debug)]
pub struct ServerIdentityResolver {
    pub identities: Identities,
    /// Refuse a server name that no identity's certificate names (instead of the default).
    pub refuse_unknown_name: bool,
    pub chooser: Option<Arc<dyn HelloChooser>>,
    /// The server supports TLS 1.3: a client that signals a fallback (TLS_FALLBACK_SCSV,
    /// RFC 7507) and then negotiates TLS 1.2 was downgraded, and is refused.
    pub refuse_fallback: bool,
}

impl ServerIdentityResolver {
    fn by_name(&self, server_name: Option<&str>, schemes: &[SignatureScheme]) -> Option<&Identity> {
        let Some(name) = server_name else {
            return self.identities.default_identity();
        };
        let named = self.identities.all().filter(|id| id.serves_name(name));
        if let Some(identity) = usable(named, schemes) {
            return Some(identity);
        }
        if self.refuse_unknown_name {
            note_failure(Error::new(
                FTLS_ERR_HANDSHAKE_FAILURE,
                format!(
                    "no identity's certificate names the server name {name:?} the client asked \
                     for, and unknown names are refused"
                ),
            ));
            return None;
        }
        self.identities.default_identity()
    }
}

impl ResolvesServerCert for ServerIdentityResolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let fallback = |suite: &CipherSuite| u16::from(*suite) == TLS_FALLBACK_SCSV;
        if self.refuse_fallback && hello.cipher_suites().iter().any(fallback) {
            // The version is not known here: the connection checks it (see `Notes`).
            note_fallback_signalled();
        }
        let schemes = hello.signature_schemes();
        let choice = match &self.chooser {
            None => IdentityChoice::Automatic,
            Some(chooser) => chooser.choose(&HelloSummary {
                server_name: hello.server_name(),
                alpn: hello
                    .alpn()
                    .map(|offers| offers.collect())
                    .unwrap_or_default(),
                signature_schemes: schemes.iter().map(|s| u16::from(*s)).collect(),
                cipher_suites: hello
                    .cipher_suites()
                    .iter()
                    .map(|s| u16::from(*s))
                    .collect(),
            }),
        };
        let identity = match choice {
            IdentityChoice::Automatic => self.by_name(hello.server_name(), schemes),
            IdentityChoice::Nothing => {
                note_failure(Error::new(
                    FTLS_ERR_HANDSHAKE_FAILURE,
                    format!(
                        "the ClientHello callback refused the handshake (server name {:?})",
                        hello.server_name().unwrap_or("")
                    ),
                ));
                None
            }
            choice => match self.identities.chosen(choice, "the ClientHello callback") {
                Ok(identity) => identity,
                Err(err) => {
                    note_failure(err);
                    None
                }
            },
        };
        identity.map(Identity::certified_key)
    }
}

/// The client's certificate resolver.
#[derive(Debug)]
pub struct ClientIdentityResolver {
    pub identities: Identities,
    pub chooser: Option<Arc<dyn CertificateRequestChooser>>,
}

impl ResolvesClientCert for ClientIdentityResolver {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        let choice = match &self.chooser {
            None => IdentityChoice::Automatic,
            Some(chooser) => chooser.choose(&CertificateRequestSummary {
                ca_names: root_hint_subjects,
                signature_schemes: sigschemes.iter().map(|s| u16::from(*s)).collect(),
            }),
        };
        let identity = match choice {
            IdentityChoice::Automatic => usable(self.identities.all(), sigschemes),
            // The handshake goes on without a certificate; the server decides what that means.
            choice => self
                .identities
                .chosen(choice, "the client certificate callback")
                .ok()
                .flatten(),
        };
        identity.map(Identity::certified_key)
    }

    fn has_certs(&self) -> bool {
        !self.identities.is_empty() || self.chooser.is_some()
    }
}
