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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::handshake_notes::Notes;
    use crate::core::test_pki::identity;

    /// The leaf certificate an identity presents.
    fn leaf(key: &CertifiedKey) -> Vec<u8> {
        key.cert[0].to_vec()
    }

    fn ecdsa() -> Identity {
        identity("server.pem", "server.key")
    }

    fn alt_rsa() -> Identity {
        identity("alt-server.pem", "alt-server.key")
    }

    const ECDSA: SignatureScheme = SignatureScheme::ECDSA_NISTP256_SHA256;
    const RSA: SignatureScheme = SignatureScheme::RSA_PSS_SHA256;

    #[test]
    fn identities_are_numbered_as_the_application_sees_them() {
        let mut identities = Identities::default();
        assert!(identities.is_empty());
        assert!(identities.default_identity().is_none());
        assert_eq!(identities.push(ecdsa()), 0);
        assert_eq!(identities.push(alt_rsa()), 1);
        let default = identities.default_identity().unwrap().certified_key();
        assert_eq!(leaf(&default), leaf(&ecdsa().certified_key()));
        let second = identities.get(1).unwrap().certified_key();
        assert_eq!(leaf(&second), leaf(&alt_rsa().certified_key()));
        assert!(identities.get(2).is_none());
    }

    #[test]
    fn what_a_chooser_answers_is_checked() {
        let mut identities = Identities::default();
        let who = "the callback";
        let err = identities
            .chosen(IdentityChoice::Number(0), who)
            .unwrap_err();
        assert_eq!(
            err.detail(),
            "the callback chose identity 0, but none is loaded"
        );
        identities.push(ecdsa());
        assert!(identities
            .chosen(IdentityChoice::Number(0), who)
            .unwrap()
            .is_some());
        assert!(identities
            .chosen(IdentityChoice::Nothing, who)
            .unwrap()
            .is_none());
        assert!(identities
            .chosen(IdentityChoice::Automatic, who)
            .unwrap()
            .is_none());
        let err = identities
            .chosen(IdentityChoice::Number(1), who)
            .unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_HANDSHAKE_FAILURE);
        assert_eq!(
            err.detail(),
            "the callback chose identity 1, but the loaded ones are 0"
        );
        let err = identities
            .chosen(IdentityChoice::Invalid(-7), who)
            .unwrap_err();
        assert!(
            err.detail().starts_with("the callback returned -7"),
            "{err}"
        );
    }

    #[test]
    fn the_identity_whose_key_the_peer_accepts_is_preferred() {
        let both = [ecdsa(), alt_rsa()];
        let pick = |schemes: &[SignatureScheme]| {
            leaf(&usable(both.iter(), schemes).unwrap().certified_key())
        };
        assert_eq!(pick(&[RSA]), leaf(&both[1].certified_key()));
        assert_eq!(pick(&[ECDSA, RSA]), leaf(&both[0].certified_key()));
        // None suits: the first, and the peer decides.
        assert_eq!(
            pick(&[SignatureScheme::ED448]),
            leaf(&both[0].certified_key())
        );
        assert!(usable(std::iter::empty(), &[RSA]).is_none());
    }

    fn server_resolver(refuse_unknown_name: bool) -> ServerIdentityResolver {
        let mut identities = Identities::default();
        identities.push(ecdsa());
        identities.push(alt_rsa());
        ServerIdentityResolver {
            identities,
            refuse_unknown_name,
            chooser: None,
            refuse_fallback: false,
        }
    }

    #[test]
    fn a_server_chooses_by_the_name_the_client_asked_for() {
        let resolver = server_resolver(false);
        let localhost = leaf(&ecdsa().certified_key());
        let alt = leaf(&alt_rsa().certified_key());
        let chosen = |name: Option<&str>| {
            resolver
                .by_name(name, &[ECDSA, RSA])
                .map(|id| leaf(&id.certified_key()))
        };
        assert_eq!(chosen(Some("ALT.test")), Some(alt.clone()));
        assert_eq!(chosen(Some("x.wild.test")), Some(alt));
        // A wildcard covers one label only; unknown names get the default.
        assert_eq!(chosen(Some("a.b.wild.test")), Some(localhost.clone()));
        assert_eq!(chosen(Some("unknown.test")), Some(localhost.clone()));
        assert_eq!(chosen(None), Some(localhost.clone()));

        let strict = server_resolver(true);
        let (chosen, notes) = Notes::around(|| strict.by_name(Some("unknown.test"), &[ECDSA]));
        assert!(chosen.is_none());
        let failure = notes.failure.expect("a refusal says why");
        assert_eq!(failure.code(), FTLS_ERR_HANDSHAKE_FAILURE);
        assert!(failure.detail().contains("\"unknown.test\""), "{failure}");
        // Without SNI there is nothing to refuse: the default serves.
        let default = strict
            .by_name(None, &[ECDSA])
            .map(|id| leaf(&id.certified_key()));
        assert_eq!(default, Some(localhost));
    }

    #[derive(Debug)]
    struct Fixed(IdentityChoice);

    impl CertificateRequestChooser for Fixed {
        fn choose(&self, _: &CertificateRequestSummary<'_>) -> IdentityChoice {
            self.0
        }
    }

    #[test]
    fn a_client_sends_the_chosen_identity_or_none() {
        let client = identity("client.pem", "client.key");
        let client_rsa = identity("client-rsa.pem", "client-rsa.key");
        let mut identities = Identities::default();
        identities.push(client.clone());
        identities.push(client_rsa.clone());
        let resolver = |chooser: Option<IdentityChoice>| ClientIdentityResolver {
            identities: identities.clone(),
            chooser: chooser.map(|choice| Arc::new(Fixed(choice)) as _),
        };
        let sent = |resolver: &ClientIdentityResolver, schemes: &[SignatureScheme]| {
            resolver.resolve(&[], schemes).map(|key| leaf(&key))
        };
        let automatic = resolver(None);
        assert_eq!(
            sent(&automatic, &[RSA]),
            Some(leaf(&client_rsa.certified_key()))
        );
        assert_eq!(
            sent(&automatic, &[ECDSA]),
            Some(leaf(&client.certified_key()))
        );
        let chosen = resolver(Some(IdentityChoice::Number(1)));
        assert_eq!(
            sent(&chosen, &[ECDSA]),
            Some(leaf(&client_rsa.certified_key()))
        );
        for refusal in [
            IdentityChoice::Nothing,
            IdentityChoice::Number(9),
            IdentityChoice::Invalid(-5),
        ] {
            assert_eq!(
                sent(&resolver(Some(refusal)), &[ECDSA]),
                None,
                "{refusal:?}"
            );
        }

        let nothing = ClientIdentityResolver {
            identities: Identities::default(),
            chooser: None,
        };
        assert!(!nothing.has_certs());
        let chooser_only = ClientIdentityResolver {
            identities: Identities::default(),
            chooser: Some(Arc::new(Fixed(IdentityChoice::Automatic))),
        };
        assert!(
            chooser_only.has_certs(),
            "a chooser may pick one at handshake time"
        );
    }
}
