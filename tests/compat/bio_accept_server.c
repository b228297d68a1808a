/* A server built from BIOs, after OpenSSL's saccept demo: BIO_new_accept, the first
 * BIO_do_accept binds, each further one accepts a connection that BIO_pop detaches; it is
 * chained under a buffering BIO and an SSL BIO, and the request read line by line with
 * BIO_gets.
 * usage: bio_accept_server CERTFILE KEYFILE CONNECTIONS */
#include "legacy.h"
#include <signal.h>
#include <openssl/bio.h>

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *abio, *cbio, *sbio, *bbio;
    char line[512];
    int i, count, n;

    if (argc != 4) {
        fprintf(stderr, "usage: %s CERTFILE KEYFILE CONNECTIONS\n", argv[0]);
        return 1;
    }
    count = atoi(argv[3]);
    SSL_load_error_strings();
    OpenSSL_add_ssl_algorithms();

    ctx = SSL_CTX_new(TLS_server_method());
    if (!SSL_CTX_use_certificate_chain_file(ctx, argv[1])
        || !SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM)
        || !SSL_CTX_check_private_key(ctx)) {
        ERR_print_errors_fp(stderr);
        return 2;
    }

    signal(SIGPIPE, SIG_IGN); /* a client that leaves early must not kill the server */
    abio = BIO_new_accept("127.0.0.1:0");
    BIO_set_bind_mode(abio, BIO_BIND_REUSEADDR);
    if (BIO_do_accept(abio) <= 0) {
        fprintf(stderr, "Error setting up accept BIO\n");
        ERR_print_errors_fp(stderr);
        return 2;
    }
    printf("listening on 127.0.0.1:%s\n", BIO_get_accept_port(abio));
    fflush(stdout);

    for (i = 1; i <= count; i++) {
        if (BIO_do_accept(abio) <= 0) {
            fprintf(stderr, "Error accepting connection\n");
            ERR_print_errors_fp(stderr);
            return 2;
        }
        cbio = BIO_pop(abio);
        sbio = BIO_new_ssl(ctx, 0);
        BIO_get_ssl(sbio, &ssl);
        SSL_set_mode(ssl, SSL_MODE_AUTO_RETRY);
        bbio = BIO_new(BIO_f_buffer());
        sbio = BIO_push(bbio, sbio);
        BIO_push(sbio, cbio);

        if (BIO_do_handshake(sbio) <= 0) {
            printf("connection %d: handshake failed\n", i);
            ERR_print_errors_fp(stderr);
            BIO_free_all(sbio);
            continue;
        }
        printf("connection %d: %s\n", i, SSL_get_version(ssl));
        for (;;) {
            n = BIO_gets(sbio, line, sizeof(line));
            if (n <= 0) {
                printf("connection %d: BIO_gets returned %d\n", i, n);
                break;
            }
            printf("connection %d: request line of %d bytes\n", i, n);
            if (strcmp(line, "\r\n") == 0)
                break;
        }
        BIO_puts(sbio, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n");
        BIO_printf(sbio, "served by connection %d over %s\n", i, SSL_get_version(ssl));
        if (BIO_flush(sbio) <= 0)
            ERR_print_errors_fp(stderr);
        SSL_shutdown(ssl);
        BIO_free_all(sbio);
        fflush(stdout);
    }
    BIO_free_all(abio);
    SSL_CTX_free(ctx);
    return 0;
}
