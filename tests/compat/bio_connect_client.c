/* A client built from a BIO chain, as OpenSSL's own examples taught: BIO_new_ssl_connect
 * (BIO_f_ssl over BIO_s_connect), BIO_set_conn_hostname, BIO_do_connect, BIO_do_handshake,
 * BIO_puts, then BIO_read until the end.
 * usage: bio_connect_client HOST:PORT CAFILE */
#include "legacy.h"
#include <openssl/bio.h>

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl = NULL;
    BIO *sbio;
    char buf[1024];
    int n;

    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST:PORT CAFILE\n", argv[0]);
        return 1;
    }
    SSL_load_error_strings();
    ERR_load_BIO_strings();
    OpenSSL_add_all_algorithms();

    ctx = SSL_CTX_new(SSLv23_client_method());
    if (!SSL_CTX_load_verify_locations(ctx, argv[2], NULL)) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

    sbio = BIO_new_ssl_connect(ctx);
    BIO_get_ssl(sbio, &ssl);
    if (!ssl) {
        fprintf(stderr, "Can't locate SSL pointer\n");
        return 1;
    }
    SSL_set_mode(ssl, SSL_MODE_AUTO_RETRY);
    SSL_set_tlsext_host_name(ssl, "localhost");
    BIO_set_conn_hostname(sbio, argv[1]);

    if (BIO_do_connect(sbio) <= 0) {
        fprintf(stderr, "Error connecting to server\n");
        ERR_print_errors_fp(stderr);
        return 2;
    }
    if (BIO_do_handshake(sbio) <= 0) {
        fprintf(stderr, "Error establishing SSL connection\n");
        ERR_print_errors_fp(stderr);
        return 2;
    }
    printf("connected: %s, verify %ld\n", SSL_get_version(ssl), SSL_get_verify_result(ssl));

    BIO_puts(sbio, HTTP_REQUEST);
    for (;;) {
        n = BIO_read(sbio, buf, sizeof(buf));
        if (n <= 0) {
            printf("BIO_read returned %d, should_retry %d\n", n, BIO_should_retry(sbio));
            break;
        }
        fwrite(buf, 1, (size_t)n, stdout);
    }
    ERR_print_errors_fp(stderr);
    BIO_free_all(sbio);
    SSL_CTX_free(ctx);
    return 0;
}
