/*
 * What ftls refuses by design and the configuration errors legacy programs print, with
 * OpenSSL's codes: prints one line per check, and the error queue after each failure.
 */
/* TLSv1_method is deprecated in OpenSSL 3.0: this program calls it on purpose. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "ok" : "failed");
    ERR_print_errors_fp(stdout);
}

int main(void)
{
    SSL_CTX *ctx;
    SSL *ssl;
    char buf[256];
    unsigned long e;

    printf("%s\n", OpenSSL_version(OPENSSL_VERSION));
    printf("%s %lx\n", OPENSSL_VERSION_TEXT, (unsigned long)OPENSSL_VERSION_NUMBER);
    SSL_library_init();
    SSL_load_error_strings();

    check("TLSv1_method", SSL_CTX_new(TLSv1_method()) != NULL);
    check("TLSv1_1_client_method", SSL_CTX_new(TLSv1_1_client_method()) != NULL);

    ctx = SSL_CTX_new(TLS_method());
    check("cipher list HIGH:!aNULL:!MD5", SSL_CTX_set_cipher_list(ctx, "HIGH:!aNULL:!MD5"));
    check("cipher list ECDHE+AESGCM", SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM"));
    check("cipher list RC4-MD5", SSL_CTX_set_cipher_list(ctx, "RC4-MD5"));
    check("ciphersuites", SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256"));
    check("groups", (int)SSL_CTX_set1_groups_list(ctx, "X25519:P-256"));
    check("missing certificate file",
          SSL_CTX_use_certificate_file(ctx, "/nonexistent/cert.pem", SSL_FILETYPE_PEM));
    check("check_private_key without a key", SSL_CTX_check_private_key(ctx));
    check("min version TLS 1.2", (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION));
    printf("options %d\n",
           (SSL_CTX_set_options(ctx, SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1) &
            (SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1)) != 0);

    ssl = SSL_new(ctx);
    check("SSL_connect without a BIO", SSL_connect(ssl) == 1);
    printf("SSL_get_error %d\n", SSL_get_error(ssl, -1));
    SSL_free(ssl);

    ERR_clear_error();
    SSL_CTX_set_cipher_list(ctx, "NOTHING-AT-ALL");
    e = ERR_peek_error();
    ERR_error_string_n(e, buf, sizeof(buf));
    printf("%s | lib %d reason %d | %s | %s\n", buf, ERR_GET_LIB(e), ERR_GET_REASON(e),
           ERR_lib_error_string(e), ERR_reason_error_string(e));
    printf("%s\n", ERR_error_string(ERR_get_error(), NULL));
    printf("queue empty: %d\n", ERR_get_error() == 0);
    printf("%s / %s / %s\n", X509_verify_cert_error_string(X509_V_ERR_CERT_HAS_EXPIRED),
           X509_verify_cert_error_string(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT),
           X509_verify_cert_error_string(X509_V_ERR_HOSTNAME_MISMATCH));
    SSL_CTX_free(ctx);
    return 0;
}
