//! What a corrupt or hostile file can do: PEM, DER, PKCS#8 (encrypted too) and CRL loaders, and
//! certificate inspection on arbitrary DER.

use crate::calls::{check, empty_bytes, empty_str};
use crate::inputs::Input;
use crate::pki::pki;
use ftls::capi::*;
use std::ptr::null_mut;

/// The password the seeds' encrypted keys use (`make fuzz` writes them with `openssl pkcs8`).
pub const SEED_KEY_PASSWORD: &std::ffi::CStr = c"fuzz";

/// The first byte picks a loader; the second, where the input splits into two parts where a
/// loader takes two (a certificate chain and a key). The identity or trust loaded is handed to
/// a builder, and every builder is built, so that what was loaded is used too.
pub fn key_and_certificate_loaders(data: &[u8]) {
    let mut input = Input::new(data);
    let loader = input.byte();
    let split = usize::from(input.u16());
    let rest = input.rest();
    let (first, second) = rest.split_at(split.min(rest.len()));
    let (p1, l1, p2, l2) = (first.as_ptr(), first.len(), second.as_ptr(), second.len());
    let (data, len) = (rest.as_ptr(), rest.len());

    let mut identity = null_mut();
    check(ftls_identity_new(&mut identity));
    if loader & 0x80 != 0 {
        check(ftls_identity_set_password(
            identity,
            SEED_KEY_PASSWORD.as_ptr(),
        ));
    }
    let mut trust = null_mut();
    check(ftls_trust_new(&mut trust));
    let mut server = null_mut();
    check(ftls_server_config_builder_new(&mut server));
    let mut client = null_mut();
    check(ftls_client_config_builder_new(&mut client));
    match loader & 0x7f {
        // A chain and key, PEM or DER, presented by a server or a client.
        0 | 1 | 9 => {
            check(ftls_identity_set_mem(identity, p1, l1, p2, l2));
            if loader & 0x7f == 9 {
                // After a good default identity, as a name-based second one.
                let default = pki().identity("server.pem", "server.key");
                check(ftls_server_config_builder_add_identity(server, default));
                ftls_identity_free(default);
            }
            check(ftls_server_config_builder_add_identity(server, identity));
        }
        2 => {
            check(ftls_identity_set_mem(identity, p1, l1, p2, l2));
            check(ftls_client_config_builder_add_identity(client, identity));
        }
        // CA certificates, PEM or DER, for a client or (with client authentication) a server.
        3 | 4 => {
            check(ftls_trust_add_ca_mem(trust, data, len));
            check(ftls_client_config_builder_set_trust(client, trust));
        }
        5 => {
            check(ftls_trust_add_ca_mem(trust, data, len));
            check(ftls_server_config_builder_set_trust(server, trust));
            check(ftls_server_config_builder_set_client_auth(
                server,
                FTLS_CLIENT_AUTH_OPTIONAL,
            ));
        }
        // CRLs, PEM or DER, beside the test CA.
        6 | 7 => {
            let ca = pki().file("ca.pem");
            check(ftls_trust_add_ca_mem(trust, ca.as_ptr(), ca.len()));
            check(ftls_trust_add_crl_mem(trust, data, len));
            check(ftls_client_config_builder_set_trust(client, trust));
        }
        8 => {
            check(ftls_trust_add_pin_mem(trust, data, len));
            check(ftls_client_config_builder_set_trust(client, trust));
        }
        // An OCSP response stapled to a good identity.
        _ => {
            let stapled = pki().identity("server.pem", "server.key");
            check(ftls_identity_set_ocsp_response(stapled, data, len));
            check(ftls_server_config_builder_add_identity(server, stapled));
            ftls_identity_free(stapled);
        }
    }
    ftls_identity_free(identity);
    ftls_trust_free(trust);
    let mut server_config = null_mut();
    let _ = ftls_server_config_builder_build(server, &mut server_config);
    let mut client_config = null_mut();
    let _ = ftls_client_config_builder_build(client, &mut client_config);
    ftls_server_config_free(server_config);
    ftls_client_config_free(client_config);
    ftls_server_config_builder_free(server);
    ftls_client_config_builder_free(client);
}

/// Arbitrary bytes as a certificate (PEM or DER: the form is detected), then every question
/// ftls answers about one, and whether the test server's key belongs to it (as an identity).
pub fn certificate_inspection(data: &[u8]) {
    // The first byte once chose the form; it is kept so that the corpus stays valid.
    let Some((_, bytes)) = data.split_first() else {
        return;
    };
    let mut cert = null_mut();
    let parsed = ftls_certificate_new_mem(bytes.as_ptr(), bytes.len(), &mut cert);
    if crate::calls::checked(parsed) != ftls::core::ResultCode::FTLS_OK {
        return;
    }
    let (mut text, mut der) = (empty_str(), empty_bytes());
    check(ftls_certificate_der(cert, &mut der));
    check(ftls_certificate_subject(cert, &mut text));
    check(ftls_certificate_issuer(cert, &mut text));
    check(ftls_certificate_serial(cert, &mut text));
    let (mut not_before, mut not_after) = (0, 0);
    check(ftls_certificate_validity(
        cert,
        &mut not_before,
        &mut not_after,
    ));
    let mut count = 0;
    check(ftls_certificate_san_count(cert, &mut count));
    for index in 0..=count {
        let mut kind = 0;
        check(ftls_certificate_san(cert, index, &mut kind, &mut text));
    }
    check(ftls_certificate_sha256_fingerprint(cert, &mut der));
    let mut bits = 0;
    check(ftls_certificate_public_key(cert, &mut text, &mut bits));
    let key = pki().file("server.key");
    let mut identity = null_mut();
    check(ftls_identity_new(&mut identity));
    check(ftls_identity_set_mem(
        identity,
        bytes.as_ptr(),
        bytes.len(),
        key.as_ptr(),
        key.len(),
    ));
    ftls_identity_free(identity);
    ftls_certificate_free(cert);
}
