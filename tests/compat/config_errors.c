/* Configuration as legacy programs do it, and the error queue as they read it: cipher strings,
 * TLS 1.3 suites, groups, signature algorithms, versions, options and modes, identities and
 * trust from files that are missing, broken or mismatched; every failure's queue drained with
 * ERR_get_error and printed the ways programs print it; the verify-result and alert texts.
 * usage: config_errors CERTDIR */
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

static char dir[512];

static const char *path(const char *name)
{
    static char buf[1024];

    snprintf(buf, sizeof(buf), "%s/%s", dir, name);
    return buf;
}

/* Drains the queue: each error by code, library and reason, and in OpenSSL's one-line form. */
static void drain(void)
{
    char text[256];
    unsigned long e;

    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, text, sizeof(text));
        printf("    %s\n    lib %d (%s), reason %d (%s)\n", text, ERR_GET_LIB(e),
               ERR_lib_error_string(e) ? ERR_lib_error_string(e) : "?", ERR_GET_REASON(e),
               ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "?");
    }
}

static void result(const char *what, long rc)
{
    printf("%s -> %ld\n", what, rc);
    drain();
}

int main(int argc, char **argv)
{
    static const long codes[] = { X509_V_OK, X509_V_ERR_CERT_SIGNATURE_FAILURE,
                                  X509_V_ERR_CERT_NOT_YET_VALID, X509_V_ERR_CERT_HAS_EXPIRED,
                                  X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
                                  X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
                                  X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                                  X509_V_ERR_CERT_CHAIN_TOO_LONG, X509_V_ERR_CERT_REVOKED,
                                  X509_V_ERR_INVALID_CA, X509_V_ERR_HOSTNAME_MISMATCH,
                                  X509_V_ERR_IP_ADDRESS_MISMATCH };
    static const int alerts[] = { 0, 10, 20, 40, 42, 45, 46, 48, 70, 80, 112, 116, 120 };
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *err_bio;
    unsigned long first, last;
    size_t i;

    if (argc != 2) {
        fprintf(stderr, "usage: %s CERTDIR\n", argv[0]);
        return 1;
    }
    snprintf(dir, sizeof(dir), "%s", argv[1]);
    SSL_library_init();
    SSL_load_error_strings();

    ctx = SSL_CTX_new(TLS_method());
    printf("default options 0x%lx, mode 0x%lx, min version 0x%lx, max version 0x%lx\n",
           (unsigned long)SSL_CTX_get_options(ctx), (unsigned long)SSL_CTX_get_mode(ctx),
           (unsigned long)SSL_CTX_get_min_proto_version(ctx),
           (unsigned long)SSL_CTX_get_max_proto_version(ctx));
    printf("options after NO_SSLv3|NO_TLSv1|NO_TLSv1_1|NO_TICKET|CIPHER_SERVER_PREFERENCE: 0x%lx\n",
           (unsigned long)SSL_CTX_set_options(ctx, SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1
                                                  | SSL_OP_NO_TLSv1_1 | SSL_OP_NO_TICKET
                                                  | SSL_OP_CIPHER_SERVER_PREFERENCE));
    printf("options after clearing NO_TICKET: 0x%lx\n",
           (unsigned long)SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET));
    printf("mode after ENABLE_PARTIAL_WRITE|ACCEPT_MOVING_WRITE_BUFFER|RELEASE_BUFFERS: 0x%lx\n",
           (unsigned long)SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE
                                                    | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                                                    | SSL_MODE_RELEASE_BUFFERS));
    result("set_min_proto_version(TLS1_2_VERSION)", SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION));
    printf("min version now 0x%lx\n", (unsigned long)SSL_CTX_get_min_proto_version(ctx));

    result("set_cipher_list(HIGH:!aNULL:!MD5)", SSL_CTX_set_cipher_list(ctx, "HIGH:!aNULL:!MD5"));
    result("set_cipher_list(DEFAULT)", SSL_CTX_set_cipher_list(ctx, "DEFAULT"));
    result("set_cipher_list(ECDHE+AESGCM)", SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM"));
    /* One name unknown or unavailable, one there: the list keeps what it can select. */
    result("set_cipher_list(RC4-MD5:ECDHE-RSA-AES128-GCM-SHA256)",
           SSL_CTX_set_cipher_list(ctx, "RC4-MD5:ECDHE-RSA-AES128-GCM-SHA256"));
    result("set_cipher_list(RC4-MD5)", SSL_CTX_set_cipher_list(ctx, "RC4-MD5"));
    result("set_ciphersuites(TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256)",
           SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"));
    result("set1_groups_list(X25519:P-256)", SSL_CTX_set1_groups_list(ctx, "X25519:P-256"));
    result("set1_curves_list(prime256v1:secp384r1)",
           SSL_CTX_set1_curves_list(ctx, "prime256v1:secp384r1"));
    result("set1_groups_list(no-such-group)", SSL_CTX_set1_groups_list(ctx, "no-such-group"));
    result("set1_sigalgs_list(ECDSA+SHA256:RSA-PSS+SHA256)",
           SSL_CTX_set1_sigalgs_list(ctx, "ECDSA+SHA256:RSA-PSS+SHA256"));
    result("set_ecdh_auto(1)", SSL_CTX_set_ecdh_auto(ctx, 1));

    result("use_certificate_file(missing.pem)",
           SSL_CTX_use_certificate_file(ctx, path("missing.pem"), SSL_FILETYPE_PEM));
    result("use_certificate_file(garbage.pem)",
           SSL_CTX_use_certificate_file(ctx, path("garbage.pem"), SSL_FILETYPE_PEM));
    result("use_certificate_file(server.der, ASN1)",
           SSL_CTX_use_certificate_file(ctx, path("server.der"), SSL_FILETYPE_ASN1));
    result("use_certificate_chain_file(server.pem)",
           SSL_CTX_use_certificate_chain_file(ctx, path("server.pem")));
    result("use_PrivateKey_file(mismatch.key)",
           SSL_CTX_use_PrivateKey_file(ctx, path("mismatch.key"), SSL_FILETYPE_PEM));
    result("check_private_key (no key yet)", SSL_CTX_check_private_key(ctx));
    result("use_PrivateKey_file(server.key)",
           SSL_CTX_use_PrivateKey_file(ctx, path("server.key"), SSL_FILETYPE_PEM));
    result("check_private_key", SSL_CTX_check_private_key(ctx));
    result("load_verify_locations(missing-ca.pem)",
           SSL_CTX_load_verify_locations(ctx, path("missing-ca.pem"), NULL));
    result("load_verify_locations(ca.pem)", SSL_CTX_load_verify_locations(ctx, path("ca.pem"), NULL));
    result("load_verify_dir(CERTDIR)", SSL_CTX_load_verify_dir(ctx, dir));

    /* Two failures queued, then looked at without and with removing them. */
    SSL_CTX_use_certificate_file(ctx, path("missing.pem"), SSL_FILETYPE_PEM);
    SSL_CTX_set_cipher_list(ctx, "RC4-MD5");
    first = ERR_peek_error();
    last = ERR_peek_last_error();
    printf("peek first %s\n", ERR_error_string(first, NULL));
    printf("peek last %s\n", ERR_error_string(last, NULL));
    err_bio = BIO_new_fp(stdout, BIO_NOCLOSE);
    ERR_print_errors(err_bio);
    BIO_free(err_bio);
    printf("queue after printing: 0x%lx\n", ERR_peek_error());
    SSL_CTX_set_cipher_list(ctx, "RC4-MD5");
    ERR_clear_error();
    printf("queue after clearing: 0x%lx\n", ERR_get_error());

    ssl = SSL_new(ctx);
    printf("SSL_is_server %d, same context %d, verify result before a handshake %ld\n",
           SSL_is_server(ssl), SSL_get_SSL_CTX(ssl) == ctx, SSL_get_verify_result(ssl));
    SSL_set_accept_state(ssl);
    printf("after set_accept_state: SSL_is_server %d\n", SSL_is_server(ssl));
    SSL_free(ssl);
    SSL_CTX_free(ctx);

    ctx = SSL_CTX_new(TLSv1_2_client_method());
    printf("TLSv1_2_client_method: min 0x%lx max 0x%lx\n",
           (unsigned long)SSL_CTX_get_min_proto_version(ctx),
           (unsigned long)SSL_CTX_get_max_proto_version(ctx));
    SSL_CTX_free(ctx);

    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        printf("verify %ld: %s\n", codes[i], X509_verify_cert_error_string(codes[i]));
    for (i = 0; i < sizeof(alerts) / sizeof(alerts[0]); i++)
        printf("alert %d: %s %s / %s %s\n", alerts[i],
               SSL_alert_type_string(2 << 8 | alerts[i]),
               SSL_alert_type_string_long(2 << 8 | alerts[i]),
               SSL_alert_desc_string(alerts[i]), SSL_alert_desc_string_long(alerts[i]));
    return 0;
}
