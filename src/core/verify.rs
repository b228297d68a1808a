//! How a peer's certificate chain is judged, on either side: webpki against the trust anchors
//! (with CRLs and a revocation policy), or one of a few pinned certificates, then optionally an
//! application check — after the standard verification, or (dangerously) instead of it.
//!
//! One verifier type serves both rustls traits (servers verified by clients, clients verified by
//! servers), so every rule lives once. Failures keep rustls' own error variant (which picks the
//! alert the peer receives) and leave the full detail — which certificate was revoked, what the
//! application said — in the handshake notes.

use super::certificate::{describe_der, name_text, CertificateInfo};
use super::error::{escape_peer_text, Error, ResultCode, ResultCode::*};
use super::handshake_notes::{note_failure, note_ocsp_response};
use super::sessions::PolicyEncoder;
use super::trust::TrustAnchors;
use super::{pem, source};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, SignatureScheme};
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, ServerName, UnixTime};
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use x509_cert::crl::CertificateList;
use x509_cert::der::{Decode, Encode};

/// How CRLs are applied. The default checks the whole chain, refuses a certificate whose status
/// no CRL gives, and (as rustls) accepts CRLs past their nextUpdate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RevocationPolicy {
    /// Check only the peer's own certificate, not the CA certificates of its chain.
    pub end_entity_only: bool,
    /// Accept a certificate when no CRL covers it (its issuer published none that was loaded).
    pub allow_unknown_status: bool,
    /// Refuse a certificate whose CRL is past its nextUpdate time.
    pub enforce_crl_expiry: bool,
}

/// Where an application check sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckMode {
    /// Runs only after the standard verification succeeded; can only refuse more.
    AfterVerification,
    /// Replaces the standard verification: its verdict alone decides. Dangerous.
    DangerousReplacement,
}

/// What an application check sees.
pub struct CheckRequest<'a> {
    /// The peer's chain as sent, its own certificate first (DER).
    pub chain: &'a [CertificateDer<'a>],
    /// The name the client verifies the server as; None when a server verifies a client.
    pub server_name: Option<&'a str>,
    /// The OCSP response the server stapled; empty if none (and always for client certificates).
    pub ocsp_response: &'a [u8],
    /// What the standard verification concluded: always Ok after it, or its failure when the
    /// check replaces it.
    pub standard_result: Result<(), &'a Error>,
}

/// An application's own judgement of a peer's chain. Runs on whichever thread drives a
/// connection, possibly on several at once.
pub trait CertificateCheck: Send + Sync + fmt::Debug {
    /// `Ok` accepts; an error refuses, with an `FTLS_ERR_CERT_*` code and a detail.
    fn check(&self, request: &CheckRequest<'_>) -> Result<(), Error>;

    /// What tells this check from others: two checks with the same identity judge alike
    /// (e.g. a C callback's function and userdata). Sessions are bound to it, so a session
    /// made under one check never resumes under another.
    fn identity(&self) -> Vec<u8>;
}

/// A verdict reported as a number (as C callbacks do) turned into a result: 0 accepts, an
/// `FTLS_ERR_CERT_*` code refuses for that reason, anything else refuses as
/// `FTLS_ERR_CERT_REJECTED`.
pub fn verdict_from_number(number: i64, reason: &str, subject: &str) -> Result<(), Error> {
    let subject = escape_peer_text(subject);
    let reason = if reason.trim().is_empty() {
        "no reason given".to_owned()
    } else {
        reason.trim().to_owned()
    };
    match ResultCode::from_number(number) {
        Some(FTLS_OK) => Ok(()),
        Some(
            code @ (FTLS_ERR_CERT_INVALID
            | FTLS_ERR_CERT_UNKNOWN_ISSUER
            | FTLS_ERR_CERT_EXPIRED
            | FTLS_ERR_CERT_NOT_YET_VALID
            | FTLS_ERR_CERT_NAME_MISMATCH
            | FTLS_ERR_CERT_REVOKED
            | FTLS_ERR_CERT_BAD_USAGE
            | FTLS_ERR_CERT_REVOCATION_UNKNOWN
            | FTLS_ERR_CERT_REJECTED),
        ) => Err(Error::new(
            code,
            format!("the verification callback refused {subject}: {reason}"),
        )),
        _ => Err(Error::new(
            FTLS_ERR_CERT_REJECTED,
            format!(
                "the verification callback refused {subject}: {reason} (it returned {number}, \
                 which is not FTLS_OK or an FTLS_ERR_CERT_* code)"
            ),
        )),
    }
}

/// Everything about judging peers that a config builder collects, besides the trust anchors.
#[derive(Clone, Debug, Default)]
pub struct PeerVerification {
    pins: Vec<CertificateDer<'static>>,
    crls: Vec<CertificateRevocationListDer<'static>>,
    revocation: RevocationPolicy,
    check: Option<(Arc<dyn CertificateCheck>, CheckMode)>,
}

impl PeerVerification {
    /// Adds the CRLs of a file (PEM `X509 CRL` sections, or one DER CRL). All or nothing.
    pub fn add_crl_file(&mut self, path: &Path) -> Result<usize, Error> {
        let bytes = source::read_file(path)?;
        self.add_crls(pem::crls(&bytes, &path.display().to_string())?)
    }

    /// Adds the CRLs of PEM text.
    pub fn add_crl_pem(&mut self, input: &[u8]) -> Result<usize, Error> {
        if !pem::is_pem(input) {
            return Err(Error::new(
                FTLS_ERR_BAD_PEM,
                "the CRL PEM data is not PEM: no '-----BEGIN X509 CRL-----' line",
            ));
        }
        self.add_crls(pem::crls(input, "the CRL PEM data")?)
    }

    /// Adds one DER CRL.
    pub fn add_crl_der(&mut self, input: &[u8]) -> Result<usize, Error> {
        if pem::is_pem(input) || input.is_empty() {
            return Err(Error::new(
                FTLS_ERR_BAD_PEM,
                "the CRL DER data is not DER (empty, or PEM text)",
            ));
        }
        self.add_crls(pem::crls(input, "the CRL DER data")?)
    }

    fn add_crls(
        &mut self,
        crls: Vec<CertificateRevocationListDer<'static>>,
    ) -> Result<usize, Error> {
        let count = crls.len();
        self.crls.extend(crls);
        Ok(count)
    }

    pub fn set_revocation_policy(&mut self, policy: RevocationPolicy) {
        self.revocation = policy;
    }

    /// Trusts exactly this certificate (e.g. a self-signed one from `openssl req -x509`).
    fn pin_certificate(&mut self, cert: CertificateDer<'static>) {
        if !self.pins.contains(&cert) {
            self.pins.push(cert);
        }
    }

    /// Pins the certificates of a file (PEM, or DER: one or several concatenated).
    pub fn pin_file(&mut self, path: &Path) -> Result<usize, Error> {
        let bytes = source::read_file(path)?;
        self.pin_all(pem::certificates_pem_or_der(
            &bytes,
            &path.display().to_string(),
        )?)
    }

    /// Pins the certificates in memory (PEM, or DER: one or several concatenated).
    pub fn pin_mem(&mut self, input: &[u8]) -> Result<usize, Error> {
        self.pin_all(pem::certificates_pem_or_der(
            input,
            "the pinned certificate data",
        )?)
    }

    fn pin_all(&mut self, certs: Vec<CertificateDer<'static>>) -> Result<usize, Error> {
        let count = certs.len();
        certs
            .into_iter()
            .for_each(|cert| self.pin_certificate(cert));
        Ok(count)
    }

    /// Installs (or, with None, removes) the application check.
    pub fn set_check(&mut self, check: Option<(Arc<dyn CertificateCheck>, CheckMode)>) {
        self.check = check;
    }

    /// What is set here, named for a detail ("CRLs", "a verify callback"...).
    pub(crate) fn settings(&self) -> Vec<&'static str> {
        let mut set = Vec::new();
        if !self.pins.is_empty() {
            set.push("pinned certificates");
        }
        if !self.crls.is_empty() {
            set.push("CRLs");
        }
        if self.revocation != RevocationPolicy::default() {
            set.push("a revocation policy");
        }
        match &self.check {
            Some((_, CheckMode::AfterVerification)) => set.push("a verify callback"),
            Some((_, CheckMode::DangerousReplacement)) => set.push("a replacing verifier"),
            None => {}
        }
        set
    }

    /// Adds everything here that decides whether a peer is accepted to a policy digest.
    pub(crate) fn encode_policy(&self, policy: &mut PolicyEncoder) {
        policy.set(
            "pinned certificate",
            self.pins.iter().map(|pin| pin.to_vec()).collect(),
        );
        policy.set(
            "CRL",
            self.crls.iter().map(|crl| crl.as_ref().to_vec()).collect(),
        );
        let RevocationPolicy {
            end_entity_only,
            allow_unknown_status,
            enforce_crl_expiry,
        } = self.revocation;
        policy.field(
            "revocation policy",
            &[
                u8::from(end_entity_only),
                u8::from(allow_unknown_status),
                u8::from(enforce_crl_expiry),
            ],
        );
        match &self.check {
            None => policy.field("check", b"none"),
            Some((check, mode)) => {
                let mode: &[u8] = match mode {
                    CheckMode::AfterVerification => b"after verification",
                    CheckMode::DangerousReplacement => b"replacing verification",
                };
                policy.field("check", mode);
                policy.field("check identity", &check.identity());
            }
        }
    }

    fn replaces_standard(&self) -> bool {
        matches!(self.check, Some((_, CheckMode::DangerousReplacement)))
    }

    fn checked_against(&self, anchors: &TrustAnchors) -> Result<(), Error> {
        if !self.pins.is_empty() && !anchors.is_empty() {
            return Err(Error::new(
                FTLS_ERR_CONFIG,
                "pinned certificates are the only anchors: do not also load CA certificates",
            ));
        }
        if !self.crls.is_empty() && anchors.is_empty() {
            return Err(Error::new(
                FTLS_ERR_CONFIG,
                "CRLs need CA trust anchors to be checked against (pinned certificates or a \
                 replacing callback do not use them)",
            ));
        }
        Ok(())
    }

    /// The verifier a client uses for servers.
    pub fn server_verifier(
        &self,
        anchors: &TrustAnchors,
        provider: Arc<CryptoProvider>,
    ) -> Result<Arc<dyn ServerCertVerifier>, Error> {
        self.checked_against(anchors)?;
        let standard = if !self.pins.is_empty() {
            Standard::Pinned(self.pins.clone())
        } else if anchors.is_empty() {
            self.without_anchors(
                "no trust anchors: add CA certificates (a PEM file, a directory, the system \
                 store or the bundled webpki roots) or pin a certificate before building a \
                 client config",
            )?
        } else {
            let mut builder =
                WebPkiServerVerifier::builder_with_provider(anchors.root_store(), provider.clone())
                    .with_crls(self.crls.iter().cloned());
            let policy = self.revocation;
            if policy.end_entity_only {
                builder = builder.only_check_end_entity_revocation();
            }
            if policy.allow_unknown_status {
                builder = builder.allow_unknown_revocation_status();
            }
            if policy.enforce_crl_expiry {
                builder = builder.enforce_revocation_expiration();
            }
            Standard::Server(builder.build().map_err(verifier_build_error)?)
        };
        Ok(Arc::new(self.verifier(
            standard,
            provider,
            Vec::new(),
            true,
        )?))
    }

    /// The verifier a server uses for clients; `mandatory` refuses clients without a
    /// certificate.
    pub fn client_verifier(
        &self,
        anchors: &TrustAnchors,
        provider: Arc<CryptoProvider>,
        mandatory: bool,
    ) -> Result<Arc<dyn ClientCertVerifier>, Error> {
        self.checked_against(anchors)?;
        let standard = if !self.pins.is_empty() {
            Standard::Pinned(self.pins.clone())
        } else if anchors.is_empty() {
            self.without_anchors(
                "client authentication needs trust anchors: add the CA certificates that issue \
                 client certificates",
            )?
        } else {
            let mut builder =
                WebPkiClientVerifier::builder_with_provider(anchors.root_store(), provider.clone())
                    .with_crls(self.crls.iter().cloned());
            let policy = self.revocation;
            if policy.end_entity_only {
                builder = builder.only_check_end_entity_revocation();
            }
            if policy.allow_unknown_status {
                builder = builder.allow_unknown_revocation_status();
            }
            if policy.enforce_crl_expiry {
                builder = builder.enforce_revocation_expiration();
            }
            Standard::Client(builder.build().map_err(verifier_build_error)?)
        };
        Ok(Arc::new(self.verifier(
            standard,
            provider,
            anchors.root_store().subjects(),
            mandatory,
        )?))
    }

    /// No anchors: only a replacing check can judge, and it hears that the standard
    /// verification could not run.
    fn without_anchors(&self, config_error: &str) -> Result<Standard, Error> {
        if self.replaces_standard() {
            Ok(Standard::Unavailable(Error::new(
                FTLS_ERR_CERT_UNKNOWN_ISSUER,
                "no trust anchors are configured, so no certificate can be verified",
            )))
        } else {
            Err(Error::new(FTLS_ERR_CONFIG, config_error.to_owned()))
        }
    }

    fn verifier(
        &self,
        standard: Standard,
        provider: Arc<CryptoProvider>,
        hints: Vec<DistinguishedName>,
        mandatory: bool,
    ) -> Result<Verifier, Error> {
        Ok(Verifier {
            standard,
            check: self.check.clone(),
            revoked: RevocationIndex::new(&self.crls)?,
            end_entity_only: self.revocation.end_entity_only,
            provider,
            hints,
            mandatory,
        })
    }
}

fn verifier_build_error(err: rustls::client::VerifierBuilderError) -> Error {
    Error::new(FTLS_ERR_CONFIG, format!("certificate verifier: {err}"))
}

#[derive(Debug)]
enum Standard {
    Server(Arc<WebPkiServerVerifier>),
    Client(Arc<dyn ClientCertVerifier>),
    Pinned(Vec<CertificateDer<'static>>),
    /// No standard verification is possible; only a replacing check runs.
    Unavailable(Error),
}

/// A refusal: rustls' variant (for the alert) and ftls' detail.
struct Failure {
    rustls: CertificateError,
    detail: Error,
}

#[derive(Debug)]
struct Verifier {
    standard: Standard,
    check: Option<(Arc<dyn CertificateCheck>, CheckMode)>,
    revoked: RevocationIndex,
    end_entity_only: bool,
    provider: Arc<CryptoProvider>,
    /// Client verification: the CA names a CertificateRequest lists.
    hints: Vec<DistinguishedName>,
    mandatory: bool,
}

impl Verifier {
    fn verify(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: Option<&ServerName<'_>>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<(), rustls::Error> {
        note_ocsp_response(ocsp_response);
        let standard =
            self.standard_verdict(end_entity, intermediates, server_name, ocsp_response, now);
        let outcome = match &self.check {
            None => standard,
            Some((check, mode)) => {
                let run = |standard_result: Result<(), &Error>| {
                    let mut chain = vec![CertificateDer::from(end_entity.as_ref())];
                    chain.extend(
                        intermediates
                            .iter()
                            .map(|c| CertificateDer::from(c.as_ref())),
                    );
                    let name = server_name.map(|n| n.to_str().into_owned());
                    let request = CheckRequest {
                        chain: &chain,
                        server_name: name.as_deref(),
                        ocsp_response,
                        standard_result,
                    };
                    check.check(&request).map_err(|detail| Failure {
                        rustls: certificate_error_for(detail.code()),
                        detail,
                    })
                };
                match mode {
                    CheckMode::AfterVerification => standard.and_then(|()| run(Ok(()))),
                    CheckMode::DangerousReplacement => {
                        run(standard.as_ref().map(|_| ()).map_err(|f| &f.detail))
                    }
                }
            }
        };
        outcome.map_err(|failure| {
            note_failure(failure.detail);
            rustls::Error::InvalidCertificate(failure.rustls)
        })
    }

    fn standard_verdict(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: Option<&ServerName<'_>>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<(), Failure> {
        let webpki = match (&self.standard, server_name) {
            (Standard::Server(webpki), Some(name)) => webpki
                .verify_server_cert(end_entity, intermediates, name, ocsp_response, now)
                .map(drop),
            (Standard::Client(webpki), _) => webpki
                .verify_client_cert(end_entity, intermediates, now)
                .map(drop),
            (Standard::Server(_), None) => Err(rustls::Error::General(
                "a server verifier was asked to verify a client".to_owned(),
            )),
            (Standard::Pinned(pins), _) => return verify_pinned(pins, end_entity, now),
            (Standard::Unavailable(why), _) => {
                return Err(Failure {
                    rustls: CertificateError::UnknownIssuer,
                    detail: why.clone(),
                })
            }
        };
        webpki.map_err(|err| self.explain(err, end_entity, intermediates))
    }

    /// rustls' error with ftls' detail; a revocation names the revoked certificate.
    fn explain(
        &self,
        err: rustls::Error,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
    ) -> Failure {
        let mut detail = Error::from(err.clone());
        if let rustls::Error::InvalidCertificate(CertificateError::Revoked) = &err {
            let mut chain = vec![end_entity.as_ref()];
            if !self.end_entity_only {
                chain.extend(intermediates.iter().map(|c| c.as_ref()));
            }
            if let Some(named) = self.revoked.name_revoked(&chain) {
                detail = Error::new(FTLS_ERR_CERT_REVOKED, named);
            }
        }
        let rustls = match err {
            rustls::Error::InvalidCertificate(cert_err) => cert_err,
            _ => CertificateError::BadEncoding,
        };
        Failure { rustls, detail }
    }
}

fn verify_pinned(
    pins: &[CertificateDer<'static>],
    end_entity: &CertificateDer<'_>,
    now: UnixTime,
) -> Result<(), Failure> {
    if !pins.iter().any(|pin| pin.as_ref() == end_entity.as_ref()) {
        return Err(Failure {
            rustls: CertificateError::UnknownIssuer,
            detail: Error::new(
                FTLS_ERR_CERT_UNKNOWN_ISSUER,
                format!(
                    "the peer's certificate {} is not one of the {} pinned certificate(s)",
                    escape_peer_text(&describe_der(end_entity.as_ref())),
                    pins.len()
                ),
            ),
        });
    }
    let info = CertificateInfo::parse(end_entity.as_ref()).map_err(|detail| Failure {
        rustls: CertificateError::BadEncoding,
        detail,
    })?;
    let (not_before, not_after) = info.validity();
    let at =
        |secs: i64| UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs.max(0) as u64));
    let seconds = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    let date_error = if seconds < not_before {
        Some(CertificateError::NotValidYetContext {
            time: now,
            not_before: at(not_before),
        })
    } else if seconds > not_after {
        Some(CertificateError::ExpiredContext {
            time: now,
            not_after: at(not_after),
        })
    } else {
        None
    };
    match date_error {
        Some(err) => Err(Failure {
            detail: Error::from(rustls::Error::InvalidCertificate(err.clone())).context(format!(
                "pinned certificate {}",
                escape_peer_text(&info.describe())
            )),
            rustls: err,
        }),
        None => Ok(()),
    }
}

/// The rustls variant (hence the alert) for an application's refusal code.
fn certificate_error_for(code: ResultCode) -> CertificateError {
    match code {
        FTLS_ERR_CERT_EXPIRED => CertificateError::Expired,
        FTLS_ERR_CERT_NOT_YET_VALID => CertificateError::NotValidYet,
        FTLS_ERR_CERT_NAME_MISMATCH => CertificateError::NotValidForName,
        FTLS_ERR_CERT_REVOKED => CertificateError::Revoked,
        FTLS_ERR_CERT_UNKNOWN_ISSUER => CertificateError::UnknownIssuer,
        FTLS_ERR_CERT_BAD_USAGE => CertificateError::InvalidPurpose,
        FTLS_ERR_CERT_REVOCATION_UNKNOWN => CertificateError::UnknownRevocationStatus,
        _ => CertificateError::ApplicationVerificationFailure,
    }
}

/// The serials each loaded CRL lists, to name a revoked certificate (webpki only says that one
/// of the chain is).
#[derive(Debug, Default)]
struct RevocationIndex {
    /// (issuer Name DER, issuer as text, revoked serials as DER integer contents)
    lists: Vec<(Vec<u8>, String, Vec<Vec<u8>>)>,
}

impl RevocationIndex {
    fn new(crls: &[CertificateRevocationListDer<'static>]) -> Result<Self, Error> {
        let mut lists = Vec::new();
        for crl in crls {
            let parsed = CertificateList::from_der(crl.as_ref()).map_err(|err| {
                Error::new(FTLS_ERR_BAD_PEM, format!("a CRL is not valid: {err}"))
            })?;
            let tbs = parsed.tbs_cert_list;
            lists.push((
                tbs.issuer.to_der().unwrap_or_default(),
                name_text(&tbs.issuer),
                tbs.revoked_certificates
                    .iter()
                    .flatten()
                    .map(|revoked| revoked.serial_number.as_bytes().to_vec())
                    .collect(),
            ));
        }
        Ok(Self { lists })
    }

    /// "certificate revoked: the certificate CN=... (serial ...) is listed in the CRL of
    /// CN=..." for the first certificate of `chain` that a CRL lists.
    fn name_revoked(&self, chain: &[&[u8]]) -> Option<String> {
        chain.iter().enumerate().find_map(|(position, der)| {
            let cert = CertificateInfo::parse(der).ok()?;
            let (_, crl_issuer, _) = self.lists.iter().find(|(issuer, _, serials)| {
                issuer.as_slice() == cert.issuer_der()
                    && serials.iter().any(|s| s.as_slice() == cert.serial_der())
            })?;
            let which = if position == 0 {
                "certificate"
            } else {
                "CA certificate of the chain"
            };
            Some(format!(
                "certificate revoked: the {which} {} is listed in the CRL of {crl_issuer}",
                escape_peer_text(&cert.describe())
            ))
        })
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verify(
            end_entity,
            intermediates,
            Some(server_name),
            ocsp_response,
            now,
        )
        .map(|()| ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

impl ClientCertVerifier for Verifier {
    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.hints
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        self.verify(end_entity, intermediates, None, &[], now)
            .map(|()| ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::handshake_notes::Notes;
    use crate::core::provider::default_provider;
    use crate::core::test_pki::{cert_dir, certificates};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    fn anchors(files: &[&str]) -> TrustAnchors {
        let mut anchors = TrustAnchors::default();
        for file in files {
            anchors.add_file(&cert_dir().join(file)).expect("anchor");
        }
        anchors
    }

    fn with_crls(files: &[&str]) -> PeerVerification {
        let mut verification = PeerVerification::default();
        for file in files {
            verification
                .add_crl_file(&cert_dir().join(file))
                .expect("CRL");
        }
        verification
    }

    /// A refusal as the connection reports it: the code of rustls' error (which picks the
    /// alert) and the detail the verifier noted.
    type Refusal = (ResultCode, String);

    fn refusal(err: rustls::Error, notes: Notes) -> Refusal {
        let detail = notes.failure.expect("a refusal leaves its detail");
        (Error::from(err).code(), detail.detail().to_owned())
    }

    /// Verifies the chain of a test PKI file as a client verifies a server named `name`.
    fn judge_server(
        verification: &PeerVerification,
        anchors: &TrustAnchors,
        chain_file: &str,
        name: &str,
    ) -> Result<(), Refusal> {
        let verifier = verification
            .server_verifier(anchors, default_provider())
            .expect("verifier");
        let chain = certificates(chain_file);
        let name = ServerName::try_from(name.to_owned()).expect("name");
        let (result, notes) = Notes::around(|| {
            verifier.verify_server_cert(&chain[0], &chain[1..], &name, &[], UnixTime::now())
        });
        result.map(drop).map_err(|err| refusal(err, notes))
    }

    /// Verifies the chain of a test PKI file as a server verifies a client.
    fn judge_client(
        verification: &PeerVerification,
        anchors: &TrustAnchors,
        chain_file: &str,
    ) -> Result<(), Refusal> {
        let verifier = verification
            .client_verifier(anchors, default_provider(), true)
            .expect("verifier");
        let chain = certificates(chain_file);
        let (result, notes) =
            Notes::around(|| verifier.verify_client_cert(&chain[0], &chain[1..], UnixTime::now()));
        result.map(drop).map_err(|err| refusal(err, notes))
    }

    /// An application check that records what it saw and answers `verdict`.
    #[derive(Debug)]
    struct Recording {
        verdict: ResultCode,
        calls: AtomicUsize,
        standard_result: Mutex<Option<ResultCode>>,
    }

    impl Recording {
        fn answering(verdict: ResultCode) -> Arc<Self> {
            Arc::new(Self {
                verdict,
                calls: AtomicUsize::new(0),
                standard_result: Mutex::new(None),
            })
        }

        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }
    }

    impl CertificateCheck for Recording {
        fn check(&self, request: &CheckRequest<'_>) -> Result<(), Error> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let standard = request
                .standard_result
                .map_or_else(Error::code, |()| FTLS_OK);
            *self.standard_result.lock().unwrap() = Some(standard);
            match self.verdict {
                FTLS_OK => Ok(()),
                code => Err(Error::new(code, "the test check refused")),
            }
        }

        fn identity(&self) -> Vec<u8> {
            vec![self.verdict as u8]
        }
    }

    fn checked(check: Arc<Recording>, mode: CheckMode) -> PeerVerification {
        let mut verification = PeerVerification::default();
        verification.set_check(Some((check, mode)));
        verification
    }

    #[test]
    fn webpki_judges_chain_name_and_dates() {
        let standard = PeerVerification::default();
        let ca = anchors(&["ca.pem"]);
        assert_eq!(
            judge_server(&standard, &ca, "server.pem", "localhost"),
            Ok(())
        );
        assert_eq!(
            judge_server(&standard, &ca, "server-rsa.pem", "127.0.0.1"),
            Ok(())
        );
        let cases = [
            ("server.pem", "example.com", FTLS_ERR_CERT_NAME_MISMATCH),
            (
                "other-server.pem",
                "localhost",
                FTLS_ERR_CERT_UNKNOWN_ISSUER,
            ),
            ("expired-server.pem", "localhost", FTLS_ERR_CERT_EXPIRED),
            (
                "notyet-server.pem",
                "localhost",
                FTLS_ERR_CERT_NOT_YET_VALID,
            ),
        ];
        for (file, name, code) in cases {
            let (got, _) = judge_server(&standard, &ca, file, name).unwrap_err();
            assert_eq!(got, code, "{file} as {name}");
        }
        // An intermediate sent along with the leaf leads to the anchor.
        assert_eq!(
            judge_server(&standard, &ca, "inter-server-chain.pem", "localhost"),
            Ok(())
        );
        assert_eq!(judge_client(&standard, &ca, "client.pem"), Ok(()));
        let (code, _) = judge_client(&standard, &ca, "other-client.pem").unwrap_err();
        assert_eq!(code, FTLS_ERR_CERT_UNKNOWN_ISSUER);
    }

    #[test]
    fn a_revoked_certificate_is_named_in_the_detail() {
        let ca = anchors(&["ca.pem"]);
        let crl = with_crls(&["ca.crl.pem"]);
        assert_eq!(judge_server(&crl, &ca, "server.pem", "localhost"), Ok(()));
        let (code, detail) =
            judge_server(&crl, &ca, "revoked-server.pem", "localhost").unwrap_err();
        assert_eq!(code, FTLS_ERR_CERT_REVOKED);
        assert!(
            detail.starts_with("certificate revoked: the certificate "),
            "{detail}"
        );
        assert!(
            detail.contains(ftls_test_pki::REVOKED_SERVER_SERIAL),
            "{detail}"
        );
        assert!(detail.contains("ftls test CA"), "{detail}");
        let (code, detail) = judge_client(&crl, &ca, "revoked-client.pem").unwrap_err();
        assert_eq!(code, FTLS_ERR_CERT_REVOKED);
        assert!(
            detail.contains(ftls_test_pki::REVOKED_CLIENT_SERIAL),
            "{detail}"
        );
    }

    #[test]
    fn the_revocation_policy_decides_about_chains_and_unknown_status() {
        let ca = anchors(&["ca.pem"]);
        let chain = "inter-server-chain.pem";
        // The test CA revokes the intermediate: the whole chain is checked by default...
        let mut crls = with_crls(&["ca-revokes-inter.crl.pem", "inter-ca.crl.pem"]);
        let (code, detail) = judge_server(&crls, &ca, chain, "localhost").unwrap_err();
        assert_eq!(code, FTLS_ERR_CERT_REVOKED);
        assert!(
            detail.contains("the CA certificate of the chain"),
            "{detail}"
        );
        assert!(
            detail.contains(ftls_test_pki::REVOKED_INTERMEDIATE_SERIAL),
            "{detail}"
        );
        // ...or only the leaf, which the intermediate's own (empty) CRL covers.
        crls.set_revocation_policy(RevocationPolicy {
            end_entity_only: true,
            ..RevocationPolicy::default()
        });
        assert_eq!(judge_server(&crls, &ca, chain, "localhost"), Ok(()));

        // A CRL that covers no certificate of the chain: unknown status, refused by default.
        let mut unrelated = with_crls(&["other-ca.crl.pem"]);
        let (code, _) = judge_server(&unrelated, &ca, "server.pem", "localhost").unwrap_err();
        assert_eq!(code, FTLS_ERR_CERT_REVOCATION_UNKNOWN);
        unrelated.set_revocation_policy(RevocationPolicy {
            allow_unknown_status: true,
            ..RevocationPolicy::default()
        });
        assert_eq!(
            judge_server(&unrelated, &ca, "server.pem", "localhost"),
            Ok(())
        );

        // A CRL past its nextUpdate is accepted unless expiry is enforced.
        let mut stale = with_crls(&["ca-stale.crl.pem"]);
        assert_eq!(judge_server(&stale, &ca, "server.pem", "localhost"), Ok(()));
        stale.set_revocation_policy(RevocationPolicy {
            enforce_crl_expiry: true,
            ..RevocationPolicy::default()
        });
        assert!(judge_server(&stale, &ca, "server.pem", "localhost").is_err());
    }

    #[test]
    fn pinned_certificates_are_the_only_anchors_and_still_expire() {
        let mut pinned = PeerVerification::default();
        assert_eq!(pinned.pin_file(&cert_dir().join("server.pem")), Ok(1));
        assert_eq!(pinned.pin_file(&cert_dir().join("server.der")), Ok(1));
        assert_eq!(pinned.pins.len(), 1, "the same certificate is pinned once");
        pinned
            .pin_mem(&crate::core::test_pki::read("expired-server.pem"))
            .unwrap();
        let none = TrustAnchors::default();
        assert_eq!(
            judge_server(&pinned, &none, "server.pem", "localhost"),
            Ok(())
        );
        let (code, detail) =
            judge_server(&pinned, &none, "other-server.pem", "localhost").unwrap_err();
        assert_eq!(code, FTLS_ERR_CERT_UNKNOWN_ISSUER);
        assert!(
            detail.contains("is not one of the 2 pinned certificate(s)"),
            "{detail}"
        );
        let (code, detail) =
            judge_server(&pinned, &none, "expired-server.pem", "localhost").unwrap_err();
        assert_eq!(code, FTLS_ERR_CERT_EXPIRED);
        assert!(detail.contains("pinned certificate"), "{detail}");

        let err = pinned
            .server_verifier(&anchors(&["ca.pem"]), default_provider())
            .unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_CONFIG);
        assert!(err
            .detail()
            .contains("pinned certificates are the only anchors"));
    }

    #[test]
    fn a_verifier_needs_anchors_unless_a_check_replaces_it() {
        let none = TrustAnchors::default();
        let provider = default_provider;
        let err = PeerVerification::default()
            .server_verifier(&none, provider())
            .unwrap_err();
        assert_eq!(err.code(), FTLS_ERR_CONFIG);
        assert!(err.detail().starts_with("no trust anchors"), "{err}");
        let err = PeerVerification::default()
            .client_verifier(&none, provider(), true)
            .unwrap_err();
        assert!(err
            .detail()
            .starts_with("client authentication needs trust anchors"));
        let err = with_crls(&["ca.crl.pem"])
            .server_verifier(&none, provider())
            .unwrap_err();
        assert!(
            err.detail().starts_with("CRLs need CA trust anchors"),
            "{err}"
        );

        // A replacing check is told that the standard verification could not run, and decides.
        let accepting = Recording::answering(FTLS_OK);
        let replaced = checked(accepting.clone(), CheckMode::DangerousReplacement);
        assert_eq!(
            judge_server(&replaced, &none, "other-server.pem", "nobody"),
            Ok(())
        );
        assert_eq!(
            *accepting.standard_result.lock().unwrap(),
            Some(FTLS_ERR_CERT_UNKNOWN_ISSUER)
        );
        let refusing = Recording::answering(FTLS_ERR_CERT_REVOKED);
        let replaced = checked(refusing, CheckMode::DangerousReplacement);
        let (code, detail) = judge_server(&replaced, &none, "server.pem", "localhost").unwrap_err();
        assert_eq!(
            code, FTLS_ERR_CERT_REVOKED,
            "the check's code picks the alert"
        );
        assert_eq!(detail, "the test check refused");
    }

    #[test]
    fn a_check_after_verification_can_only_refuse_more() {
        let ca = anchors(&["ca.pem"]);
        let accepting = Recording::answering(FTLS_OK);
        let after = checked(accepting.clone(), CheckMode::AfterVerification);
        let (code, _) = judge_server(&after, &ca, "other-server.pem", "localhost").unwrap_err();
        assert_eq!(code, FTLS_ERR_CERT_UNKNOWN_ISSUER);
        assert_eq!(
            accepting.calls(),
            0,
            "not asked about a chain already refused"
        );
        assert_eq!(judge_server(&after, &ca, "server.pem", "localhost"), Ok(()));
        assert_eq!(accepting.calls(), 1);
        assert_eq!(*accepting.standard_result.lock().unwrap(), Some(FTLS_OK));

        let refusing = Recording::answering(FTLS_ERR_CERT_REJECTED);
        let after = checked(refusing, CheckMode::AfterVerification);
        let (code, detail) = judge_client(&after, &ca, "client.pem").unwrap_err();
        assert_eq!(code, FTLS_ERR_CERT_REJECTED);
        assert_eq!(detail, "the test check refused");
    }

    #[test]
    fn the_policy_digest_covers_every_setting_that_decides() {
        let digest = |verification: &PeerVerification| {
            let mut policy = PolicyEncoder::new();
            verification.encode_policy(&mut policy);
            policy.finish()
        };
        let base = digest(&PeerVerification::default());
        let mut revocation = PeerVerification::default();
        revocation.set_revocation_policy(RevocationPolicy {
            allow_unknown_status: true,
            ..RevocationPolicy::default()
        });
        let after = |verdict| checked(Recording::answering(verdict), CheckMode::AfterVerification);
        let replacing = checked(
            Recording::answering(FTLS_OK),
            CheckMode::DangerousReplacement,
        );
        let variants = [
            digest(&revocation),
            digest(&with_crls(&["ca.crl.pem"])),
            digest(&after(FTLS_OK)),
            digest(&after(FTLS_ERR_CERT_REJECTED)),
            digest(&replacing),
        ];
        for (index, variant) in variants.iter().enumerate() {
            assert_ne!(*variant, base, "variant #{index}");
            for other in &variants[index + 1..] {
                assert_ne!(variant, other);
            }
        }
        // The order CRLs were loaded in does not matter.
        assert_eq!(
            digest(&with_crls(&["ca.crl.pem", "other-ca.crl.pem"])),
            digest(&with_crls(&["other-ca.crl.pem", "ca.crl.pem"]))
        );
    }

    #[test]
    fn crl_inputs_are_checked_by_form() {
        let mut verification = PeerVerification::default();
        let pem_text = crate::core::test_pki::read("ca.crl.pem");
        let der = crate::core::test_pki::read("ca.crl.der");
        assert_eq!(verification.add_crl_pem(&pem_text), Ok(1));
        assert_eq!(verification.add_crl_der(&der), Ok(1));
        assert_eq!(
            verification.add_crl_pem(&der).unwrap_err().code(),
            FTLS_ERR_BAD_PEM
        );
        assert_eq!(
            verification.add_crl_der(&pem_text).unwrap_err().code(),
            FTLS_ERR_BAD_PEM
        );
        assert_eq!(
            verification.add_crl_der(b"").unwrap_err().code(),
            FTLS_ERR_BAD_PEM
        );
        assert_eq!(verification.settings(), ["CRLs"]);
    }

    #[test]
    fn callback_numbers_become_verdicts() {
        assert!(verdict_from_number(0, "", "X").is_ok());
        let revoked =
            verdict_from_number(FTLS_ERR_CERT_REVOKED as i64, " stolen key ", "CN=x").unwrap_err();
        assert_eq!(revoked.code(), FTLS_ERR_CERT_REVOKED);
        assert_eq!(
            revoked.detail(),
            "the verification callback refused CN=x: stolen key"
        );
        // The subject is the peer's: a C1 control (a terminal's CSI) is escaped as well.
        let err =
            verdict_from_number(FTLS_ERR_CERT_REJECTED as i64, "no", "CN=a\u{9b}2J").unwrap_err();
        assert_eq!(
            err.detail(),
            "the verification callback refused CN=a\\u{009b}2J: no"
        );
        for garbage in [-1, 1, 100, 12345, i64::from(i32::MIN)] {
            let err = verdict_from_number(garbage, "", "CN=x").unwrap_err();
            assert_eq!(err.code(), FTLS_ERR_CERT_REJECTED);
            assert!(err.detail().contains(&format!("it returned {garbage}")));
            assert!(err.detail().contains("no reason given"));
        }
        assert_eq!(
            certificate_error_for(FTLS_ERR_CERT_REJECTED),
            CertificateError::ApplicationVerificationFailure
        );
    }
}
