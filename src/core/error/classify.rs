//! Turns rustls' errors into ftls codes, with a detail sentence a C programmer can act on.

use super::{Error, ResultCode, ResultCode::*};
use crate::core::time_text::format_unix_time;
use rustls::{AlertDescription, CertificateError, PeerIncompatible};

impl From<rustls::Error> for Error {
    fn from(err: rustls::Error) -> Self {
        match &err {
            rustls::Error::InvalidCertificate(cert) => certificate_error(cert),
            rustls::Error::AlertReceived(AlertDescription::CloseNotify) => Error::new(
                FTLS_ERR_ALERT_RECEIVED,
                "the peer ended the connection (close_notify) before the handshake completed",
            ),
            rustls::Error::AlertReceived(alert) => Error::new(
                alert_code(*alert),
                format!("the peer sent a fatal alert: {}", alert_name(*alert)),
            ),
            rustls::Error::PeerIncompatible(why) => incompatibility(why),
            rustls::Error::NoApplicationProtocol => Error::new(
                FTLS_ERR_NO_COMMON_ALPN,
                "the peers have no ALPN protocol in common",
            ),
            rustls::Error::NoCertificatesPresented => Error::new(
                FTLS_ERR_CLIENT_CERT_REQUIRED,
                "the peer sent no certificate, but one is required",
            ),
            rustls::Error::InconsistentKeys(_) => Error::new(
                FTLS_ERR_KEY_MISMATCH,
                format!("the private key does not match the certificate: {err}"),
            ),
            _ => Error::new(general_code(&err), err.to_string()),
        }
    }
}

impl Error {
    /// As `From<rustls::Error>`, knowing whether the handshake was still running: rustls
    /// reports a close_notify it refused the same way before the handshake completed (too
    /// early) and after it (only an invalid alert level is refused then, and rustls has
    /// answered it with illegal_parameter).
    pub(crate) fn from_rustls(err: rustls::Error, handshaking: bool) -> Self {
        match err {
            rustls::Error::AlertReceived(AlertDescription::CloseNotify) if !handshaking => {
                Error::new(
                    FTLS_ERR_BAD_MESSAGE,
                    "the peer sent close_notify with an invalid alert level (neither warning \
                     nor fatal): refused with an illegal_parameter alert",
                )
            }
            rustls::Error::InvalidMessage(rustls::InvalidMessage::HandshakePayloadTooLarge) => {
                Error::new(
                    FTLS_ERR_BAD_MESSAGE,
                    "the peer sent a handshake message larger than the 65535 bytes rustls \
                     accepts (HandshakePayloadTooLarge)",
                )
            }
            rustls::Error::General(text) if text == "incompatible signing key" => Error::new(
                FTLS_ERR_HANDSHAKE_FAILURE,
                "this server's private key cannot sign with any signature scheme the client \
                 offered for the chosen cipher suite (rustls: incompatible signing key)",
            ),
            err => err.into(),
        }
    }
}

fn general_code(err: &rustls::Error) -> ResultCode {
    match err {
        rustls::Error::InvalidMessage(_) | rustls::Error::PeerSentOversizedRecord => {
            FTLS_ERR_BAD_MESSAGE
        }
        rustls::Error::DecryptError => FTLS_ERR_DECRYPT,
        rustls::Error::HandshakeNotComplete => FTLS_ERR_INVALID_STATE,
        rustls::Error::InvalidCertRevocationList(_) => FTLS_ERR_CERT_INVALID,
        rustls::Error::FailedToGetCurrentTime
        | rustls::Error::FailedToGetRandomBytes
        | rustls::Error::EncryptError => FTLS_ERR_INTERNAL,
        _ => FTLS_ERR_PROTOCOL,
    }
}

fn incompatibility(why: &PeerIncompatible) -> Error {
    use PeerIncompatible::*;
    // rustls' own words for the reason (e.g. `Tls12NotOfferedOrEnabled`) follow the sentence.
    let (code, sentence) = match why {
        SupportedVersionsExtensionRequired
        | ServerDoesNotSupportTls12Or13
        | ServerTlsVersionIsDisabledByOurConfig
        | Tls12NotOffered
        | Tls12NotOfferedOrEnabled
        | Tls13RequiredForQuic => (
            FTLS_ERR_NO_COMMON_VERSION,
            "the peers have no TLS protocol version in common",
        ),
        NoCipherSuitesInCommon => (
            FTLS_ERR_NO_COMMON_CIPHER_SUITE,
            "the peers have no cipher suite in common",
        ),
        _ => (
            FTLS_ERR_HANDSHAKE_FAILURE,
            "the peers have no acceptable parameters in common",
        ),
    };
    Error::new(code, format!("{sentence} ({why:?})"))
}

/// Alerts whose meaning is the same on both sides get the code the sender chose; the rest
/// are reported as "alert received" with the alert named in the detail.
fn alert_code(alert: AlertDescription) -> ResultCode {
    match alert {
        AlertDescription::ProtocolVersion => FTLS_ERR_NO_COMMON_VERSION,
        AlertDescription::NoApplicationProtocol => FTLS_ERR_NO_COMMON_ALPN,
        AlertDescription::CertificateRequired => FTLS_ERR_CLIENT_CERT_REQUIRED,
        AlertDescription::HandshakeFailure => FTLS_ERR_HANDSHAKE_FAILURE,
        _ => FTLS_ERR_ALERT_RECEIVED,
    }
}

/// The alert's name as RFC 8446 spells it (`unknown_ca`), with its number.
pub(crate) fn alert_name(alert: AlertDescription) -> String {
    let camel = format!("{alert:?}");
    let mut snake = String::with_capacity(camel.len() + 4);
    let chars: Vec<char> = camel.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let prev_is_lower = i > 0 && chars[i - 1].is_lowercase();
        if i > 0 && c.is_uppercase() && (prev_is_lower || next_is_lower) {
            snake.push('_');
        }
        snake.extend(c.to_lowercase());
    }
    format!("{snake} ({})", u8::from(alert))
}

fn certificate_error(err: &CertificateError) -> Error {
    use CertificateError::*;
    let (code, detail) = match err {
        ExpiredContext { time, not_after } => (
            FTLS_ERR_CERT_EXPIRED,
            format!(
                "certificate expired: valid until {}, but the time is {}",
                format_unix_time(*not_after),
                format_unix_time(*time)
            ),
        ),
        Expired => (FTLS_ERR_CERT_EXPIRED, "certificate expired".to_owned()),
        NotValidYetContext { time, not_before } => (
            FTLS_ERR_CERT_NOT_YET_VALID,
            format!(
                "certificate not valid yet: valid from {}, but the time is {}",
                format_unix_time(*not_before),
                format_unix_time(*time)
            ),
        ),
        NotValidYet => (
            FTLS_ERR_CERT_NOT_YET_VALID,
            "certificate not valid yet".to_owned(),
        ),
        NotValidForNameContext {
            expected,
            presented,
        } => (
            FTLS_ERR_CERT_NAME_MISMATCH,
            format!(
                "certificate is not valid for the name {:?}; it is valid for: {}",
                expected.to_str(),
                if presented.is_empty() {
                    "no names".to_owned()
                } else {
                    let names: Vec<_> = presented.iter().map(|n| presented_name(n)).collect();
                    names.join(", ")
                }
            ),
        ),
        NotValidForName => (
            FTLS_ERR_CERT_NAME_MISMATCH,
            "certificate is not valid for the expected name".to_owned(),
        ),
        UnknownIssuer => (
            FTLS_ERR_CERT_UNKNOWN_ISSUER,
            "certificate is signed by an unknown issuer (no trusted CA found for its chain)"
                .to_owned(),
        ),
        Revoked => (
            FTLS_ERR_CERT_REVOKED,
            "certificate has been revoked".to_owned(),
        ),
        UnknownRevocationStatus => (
            FTLS_ERR_CERT_REVOCATION_UNKNOWN,
            "certificate revocation status is unknown".to_owned(),
        ),
        ExpiredRevocationList | ExpiredRevocationListContext { .. } => (
            FTLS_ERR_CERT_REVOCATION_UNKNOWN,
            format!("certificate revocation status is unknown: {err}"),
        ),
        ApplicationVerificationFailure => (
            FTLS_ERR_CERT_REJECTED,
            "the application's verification refused the certificate".to_owned(),
        ),
        InvalidPurpose | InvalidPurposeContext { .. } => (
            FTLS_ERR_CERT_BAD_USAGE,
            format!("certificate may not be used for this purpose: {err}"),
        ),
        _ => (FTLS_ERR_CERT_INVALID, format!("invalid certificate: {err}")),
    };
    Error::new(code, detail)
}

/// A name from the certificate as a person writes it, escaped (it is the peer's text). rustls
/// renders them in Rust debug form (`DnsName("localhost")`, `IpAddress(0::1)`) but copies the
/// name's bytes verbatim; anything else is kept as it is.
fn presented_name(name: &str) -> String {
    super::escape_peer_text(&unescaped_presented_name(name)).into_owned()
}

fn unescaped_presented_name(name: &str) -> String {
    if let Some(dns) = name
        .strip_prefix("DnsName(\"")
        .and_then(|rest| rest.strip_suffix("\")"))
    {
        return dns.to_owned();
    }
    if let Some(ip) = name
        .strip_prefix("IpAddress(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        return match ip.parse::<std::net::IpAddr>() {
            Ok(address) => address.to_string(),
            Err(_) => ip.to_owned(),
        };
    }
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_certificate_presents_are_escaped() {
        assert_eq!(
            presented_name("DnsName(\"x\ny.example\")"),
            "x\\0ay.example"
        );
        assert_eq!(
            presented_name("DnsName(\"a\u{1b}[31m\u{85}b\")"),
            "a\\1b[31m\\u{0085}b"
        );
        assert_eq!(
            presented_name("DnsName(\"plain.example\")"),
            "plain.example"
        );
    }

    #[test]
    fn alert_names_follow_the_rfc_spelling() {
        assert_eq!(alert_name(AlertDescription::UnknownCA), "unknown_ca (48)");
        assert_eq!(
            alert_name(AlertDescription::NoApplicationProtocol),
            "no_application_protocol (120)"
        );
        assert_eq!(
            alert_name(AlertDescription::BadCertificate),
            "bad_certificate (42)"
        );
    }

    #[test]
    fn expired_certificates_name_both_dates() {
        let err = Error::from(rustls::Error::InvalidCertificate(
            CertificateError::ExpiredContext {
                time: rustls_pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(
                    1_700_000_000,
                )),
                not_after: rustls_pki_types::UnixTime::since_unix_epoch(
                    std::time::Duration::from_secs(1_600_000_000),
                ),
            },
        ));
        assert_eq!(err.code(), FTLS_ERR_CERT_EXPIRED);
        assert!(
            err.detail().contains("2020-09-13 12:26:40 UTC"),
            "{}",
            err.detail()
        );
        assert!(
            err.detail().contains("2023-11-14 22:13:20 UTC"),
            "{}",
            err.detail()
        );
    }

    #[test]
    fn presented_names_read_as_people_write_them() {
        assert_eq!(presented_name("DnsName(\"localhost\")"), "localhost");
        assert_eq!(presented_name("IpAddress(0::1)"), "::1");
        assert_eq!(presented_name("IpAddress(127.0.0.1)"), "127.0.0.1");
        assert_eq!(presented_name("something else"), "something else");
    }

    #[test]
    fn no_common_version_on_both_sides() {
        let server = Error::from(rustls::Error::PeerIncompatible(
            PeerIncompatible::SupportedVersionsExtensionRequired,
        ));
        let client = Error::from(rustls::Error::AlertReceived(
            AlertDescription::ProtocolVersion,
        ));
        assert_eq!(server.code(), FTLS_ERR_NO_COMMON_VERSION);
        assert_eq!(client.code(), FTLS_ERR_NO_COMMON_VERSION);
        assert!(client.detail().contains("protocol_version"));
        assert_eq!(
            server.detail(),
            "the peers have no TLS protocol version in common (SupportedVersionsExtensionRequired)"
        );
    }

    #[test]
    fn io_errors_keep_their_errno_and_name_it() {
        let err = Error::io(
            "read callback",
            &std::io::Error::from_raw_os_error(libc::ECONNRESET),
        );
        assert_eq!(err.errno(), Some(libc::ECONNRESET));
        assert!(err
            .detail()
            .contains(&format!("errno {}", libc::ECONNRESET)));
        assert_eq!(
            err.clone().context("while reading").errno(),
            Some(libc::ECONNRESET)
        );
        assert_eq!(Error::invalid_state("x").errno(), None);
    }
}
