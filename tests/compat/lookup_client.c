/* A client in OpenSSL 3.0's own socket idiom: BIO_lookup_ex resolves, BIO_socket and
 * BIO_connect open the connection, BIO_new_socket wraps it for SSL_set_bio, and the _ex
 * read/write calls move the data. CAFILE "default" trusts the default paths (SSL_CERT_FILE).
 * usage: lookup_client HOST PORT CAFILE|default */
#include "legacy.h"
#include <openssl/bio.h>

int main(int argc, char **argv)
{
    BIO_ADDRINFO *res = NULL;
    const BIO_ADDRINFO *ai;
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *bio;
    char buf[2048];
    size_t n;
    int sock = -1, ok;

    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE\n", argv[0]);
        return 1;
    }
    OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL);

    if (!BIO_lookup_ex(argv[1], argv[2], BIO_LOOKUP_CLIENT, AF_UNSPEC, SOCK_STREAM, 0, &res)) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    for (ai = res; ai != NULL; ai = BIO_ADDRINFO_next(ai)) {
        sock = BIO_socket(BIO_ADDRINFO_family(ai), BIO_ADDRINFO_socktype(ai),
                          BIO_ADDRINFO_protocol(ai), 0);
        if (sock == -1)
            continue;
        if (BIO_connect(sock, BIO_ADDRINFO_address(ai), BIO_SOCK_NODELAY))
            break;
        BIO_closesocket(sock);
        sock = -1;
    }
    BIO_ADDRINFO_free(res);
    if (sock == -1) {
        printf("could not connect\n");
        ERR_print_errors_fp(stderr);
        return 2;
    }

    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (strcmp(argv[3], "default") == 0)
        printf("default verify paths: %d\n", SSL_CTX_set_default_verify_paths(ctx));
    else
        SSL_CTX_load_verify_file(ctx, argv[3]);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    ssl = SSL_new(ctx);
    bio = BIO_new_socket(sock, BIO_CLOSE);
    SSL_set_bio(ssl, bio, bio);
    SSL_set_tlsext_host_name(ssl, argv[1]);
    SSL_set1_host(ssl, argv[1]);
    if (SSL_connect(ssl) != 1) {
        printf("handshake failed: %s\n", X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
        ERR_print_errors_fp(stderr);
        goto fail;
    }
    printf("connected: %s %s\n", SSL_get_version(ssl), SSL_get_cipher(ssl));
    if (!SSL_write_ex(ssl, HTTP_REQUEST, strlen(HTTP_REQUEST), &n) || n != strlen(HTTP_REQUEST)) {
        ERR_print_errors_fp(stderr);
        goto fail;
    }
    while ((ok = SSL_read_ex(ssl, buf, sizeof(buf), &n)) == 1)
        fwrite(buf, 1, n, stdout);
    printf("end: %s\n", ssl_error_name(SSL_get_error(ssl, ok)));
    SSL_shutdown(ssl);
    SSL_free(ssl); /* frees the socket BIO, which closes the socket */
    SSL_CTX_free(ctx);
    return 0;

fail:
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return 2;
}
