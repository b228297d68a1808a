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
/// loader takes two (a certificate chain and a key). Every builder that loaded something is
/// built, so that what was loaded is used too.
pub fn key_and_certificate_loaders(data: &[u8]) {
    let mut input = Input::new(data);
    let loader = input.byte();
    let split = usize::from(input.u16());
    let rest = input.rest();
    let (first, second) = rest.split_at(split.min(rest.len()));
    let (p1, l1, p2, l2) = (first.as_ptr(), first.len(), second.as_ptr(), second.len());
    let ca = pki().file("ca.pem");

    let mut server = null_mut();
    check(ftls_server_config_builder_new(&mut server));
    let mut client = null_mut();
    check(ftls_client_config_builder_new(&mut client));
    if loader & 0x80 != 0 {
        check(ftls_server_config_builder_set_private_key_password(
            server,
            SEED_KEY_PASSWORD.as_ptr(),
        ));
        check(ftls_client_config_builder_set_private_key_password(
            client,
            SEED_KEY_PASSWORD.as_ptr(),
        ));
    }
    match loader & 0x7f {
        0 => check(ftls_server_config_builder_load_identity_pem(
            server, p1, l1, p2, l2,
        )),
        1 => check(ftls_server_config_builder_load_identity_der(
            server,
            &ftls_bytes { data: p1, len: l1 },
            1,
            p2,
            l2,
        )),
        2 => check(ftls_client_config_builder_load_identity_pem(
            client, p1, l1, p2, l2,
        )),
        3 => check(ftls_client_config_builder_load_ca_pem(
            client,
            rest.as_ptr(),
            rest.len(),
        )),
        4 => check(ftls_client_config_builder_load_ca_der(
            client,
            rest.as_ptr(),
            rest.len(),
        )),
        5 => check(ftls_server_config_builder_load_client_ca_pem(
            server,
            rest.as_ptr(),
            rest.len(),
        )),
        6 => {
            check(ftls_client_config_builder_load_ca_pem(
                client,
                ca.as_ptr(),
                ca.len(),
            ));
            check(ftls_client_config_builder_load_crl_pem(
                client,
                rest.as_ptr(),
                rest.len(),
            ));
        }
        7 => {
            check(ftls_client_config_builder_load_ca_pem(
                client,
                ca.as_ptr(),
                ca.len(),
            ));
            check(ftls_client_config_builder_load_crl_der(
                client,
                rest.as_ptr(),
                rest.len(),
            ));
        }
        8 => check(ftls_client_config_builder_pin_certificate_pem(
            client,
            rest.as_ptr(),
            rest.len(),
        )),
        9 => check(ftls_server_config_builder_add_identity_pem(
            server, p1, l1, p2, l2,
        )),
        _ => check(ftls_server_config_builder_set_ocsp_response(
            server,
            0,
            rest.as_ptr(),
            rest.len(),
        )),
    }
    let mut server_config = null_mut();
    let _ = ftls_server_config_builder_build(server, &mut server_config);
    let mut client_config = null_mut();
    let _ = ftls_client_config_builder_build(client, &mut client_config);
    ftls_server_config_free(server_config);
    ftls_client_config_free(client_config);
    ftls_server_config_builder_free(server);
    ftls_client_config_builder_free(client);
}

/// Arbitrary bytes as a certificate (DER, or PEM when the first byte says so), then every
/// question ftls answers about one.
pub fn certificate_inspection(data: &[u8]) {
    let Some((&form, bytes)) = data.split_first() else {
        return;
    };
    let mut cert = null_mut();
    let parsed = if form & 1 == 0 {
        ftls_certificate_new_from_der(bytes.as_ptr(), bytes.len(), &mut cert)
    } else {
        ftls_certificate_new_from_pem(bytes.as_ptr(), bytes.len(), &mut cert)
    };
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
    check(ftls_certificate_check_private_key(
        cert,
        key.as_ptr(),
        key.len(),
    ));
    ftls_certificate_free(cert);
}
