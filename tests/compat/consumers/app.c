/* The program the build-integration tests build three ways (CMake's FindOpenSSL, pkg-config,
 * a plain Makefile), unchanged: it says which library it runs on and completes one request.
 * usage: app HOST PORT CAFILE */
#include <stdio.h>
#include <string.h>

#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>

int main(int argc, char **argv)
{
    char target[256], buf[1024];
    SSL_CTX *ctx;
    SSL *ssl = NULL;
    BIO *bio;
    int n;

    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE\n", argv[0]);
        return 1;
    }
    printf("built against %s (0x%lx), running on %s\n", OPENSSL_VERSION_TEXT,
           (unsigned long)OPENSSL_VERSION_NUMBER, OpenSSL_version(OPENSSL_VERSION));

    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || SSL_CTX_load_verify_locations(ctx, argv[3], NULL) != 1) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    snprintf(target, sizeof(target), "%s:%s", argv[1], argv[2]);
    bio = BIO_new_ssl_connect(ctx);
    BIO_get_ssl(bio, &ssl);
    SSL_set_tlsext_host_name(ssl, "localhost");
    BIO_set_conn_hostname(bio, target);
    if (BIO_do_handshake(bio) <= 0) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    printf("connected: %s\n", SSL_get_version(ssl));
    BIO_puts(bio, "GET / HTTP/1.0\r\n\r\n");
    while ((n = BIO_read(bio, buf, sizeof(buf))) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    BIO_free_all(bio);
    SSL_CTX_free(ctx);
    return 0;
}
