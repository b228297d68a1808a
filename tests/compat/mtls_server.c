/* A server that requires client certificates: the CA names it sends come from
 * SSL_load_client_CA_file, the mode is VERIFY_PEER | FAIL_IF_NO_PEER_CERT, and it prints who
 * connected or why the handshake failed.
 * usage: mtls_server CERTFILE KEYFILE CLIENT-CAFILE CONNECTIONS */
#include "legacy.h"
#include <signal.h>
#include <openssl/x509.h>

int main(int argc, char **argv)
{
    STACK_OF(X509_NAME) *names;
    SSL_CTX *ctx;
    SSL *ssl;
    X509 *peer;
    char subject[256];
    int listener, fd, i, count, ret;

    if (argc != 5) {
        fprintf(stderr, "usage: %s CERTFILE KEYFILE CLIENT-CAFILE CONNECTIONS\n", argv[0]);
        return 1;
    }
    count = atoi(argv[4]);
    SSL_library_init();
    SSL_load_error_strings();

    ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_file(ctx, argv[1], SSL_FILETYPE_PEM) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1
        || SSL_CTX_load_verify_locations(ctx, argv[3], NULL) != 1) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    names = SSL_load_client_CA_file(argv[3]);
    if (names == NULL) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    printf("client CA names: %d\n", sk_X509_NAME_num(names));
    SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"mtls", 4);

    signal(SIGPIPE, SIG_IGN); /* a client that leaves early must not kill the server */
    listener = tcp_listen();
    for (i = 1; i <= count; i++) {
        fd = accept(listener, NULL, NULL);
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        ret = SSL_accept(ssl);
        if (ret != 1) {
            printf("connection %d: refused (%s), verify result %ld\n", i,
                   ssl_error_name(SSL_get_error(ssl, ret)), SSL_get_verify_result(ssl));
            ERR_print_errors_fp(stderr);
        } else {
            peer = SSL_get_peer_certificate(ssl);
            X509_NAME_oneline(X509_get_subject_name(peer), subject, sizeof(subject));
            printf("connection %d: client %s, verify result %ld\n", i, subject,
                   SSL_get_verify_result(ssl));
            X509_free(peer);
            if (read_request(ssl) && write_response(ssl, NULL))
                SSL_shutdown(ssl);
        }
        fflush(stdout);
        SSL_free(ssl);
        close(fd);
    }
    close(listener);
    SSL_CTX_free(ctx);
    return 0;
}
