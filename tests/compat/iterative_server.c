/* An iterative server in the 2003 style: one connection at a time, SSLv23_server_method,
 * certificate and key from files, check_private_key, ERR_print_errors_fp on every failure.
 * usage: iterative_server CERTFILE KEYFILE CONNECTIONS */
#include "legacy.h"
#include <signal.h>

int main(int argc, char **argv)
{
    SSL_METHOD *meth;
    SSL_CTX *ctx;
    SSL *ssl;
    int listener, fd, i, count, ret;

    if (argc != 4) {
        fprintf(stderr, "usage: %s CERTFILE KEYFILE CONNECTIONS\n", argv[0]);
        return 1;
    }
    count = atoi(argv[3]);

    SSL_library_init();
    SSL_load_error_strings();
    SSLeay_add_ssl_algorithms();
    meth = (SSL_METHOD *)SSLv23_server_method();
    ctx = SSL_CTX_new(meth);
    if (!ctx) {
        ERR_print_errors_fp(stderr);
        exit(2);
    }
    if (SSL_CTX_use_certificate_file(ctx, argv[1], SSL_FILETYPE_PEM) <= 0) {
        ERR_print_errors_fp(stderr);
        exit(3);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) <= 0) {
        ERR_print_errors_fp(stderr);
        exit(4);
    }
    if (!SSL_CTX_check_private_key(ctx)) {
        fprintf(stderr, "Private key does not match the certificate public key\n");
        ERR_print_errors_fp(stderr);
        exit(5);
    }

    signal(SIGPIPE, SIG_IGN); /* a client that leaves early must not kill the server */
    listener = tcp_listen();
    ssl = SSL_new(ctx);
    for (i = 1; i <= count; i++) {
        fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            perror("accept");
            exit(1);
        }
        SSL_set_fd(ssl, fd);
        ret = SSL_accept(ssl);
        if (ret <= 0) {
            printf("connection %d: SSL_accept returned %d: %s\n", i, ret,
                   ssl_error_name(SSL_get_error(ssl, ret)));
            ERR_print_errors_fp(stderr);
        } else {
            printf("connection %d: %s %s\n", i, SSL_get_version(ssl), SSL_get_cipher(ssl));
            if (read_request(ssl) && write_response(ssl, NULL)) {
                ret = SSL_shutdown(ssl);
                if (ret == 0)
                    ret = SSL_shutdown(ssl);
                printf("connection %d: shutdown %d\n", i, ret);
            } else {
                ERR_print_errors_fp(stderr);
            }
        }
        fflush(stdout);
        /* The same object serves the next client. */
        if (!SSL_clear(ssl)) {
            ERR_print_errors_fp(stderr);
            exit(6);
        }
        close(fd);
    }
    SSL_free(ssl);
    close(listener);
    SSL_CTX_free(ctx);
    return 0;
}
