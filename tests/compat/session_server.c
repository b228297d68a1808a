/* A server with OpenSSL's session cache: SESS_CACHE_SERVER, a bounded cache, a timeout and a
 * session ID context (without which resumption with client certificates fails); prints whether
 * each connection resumed.
 * usage: session_server CERTFILE KEYFILE CONNECTIONS [no-ticket] */
#include "legacy.h"
#include <signal.h>

int main(int argc, char **argv)
{
    static const unsigned char sid_ctx[] = "legacy-session-server";
    SSL_CTX *ctx;
    SSL *ssl;
    int listener, fd, i, count;

    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s CERTFILE KEYFILE CONNECTIONS [no-ticket]\n", argv[0]);
        return 1;
    }
    count = atoi(argv[3]);
    SSL_library_init();
    SSL_load_error_strings();
    ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_file(ctx, argv[1], SSL_FILETYPE_PEM) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    if (argc == 5 && strcmp(argv[4], "no-ticket") == 0)
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, 128);
    SSL_CTX_set_timeout(ctx, 300);
    SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx) - 1);
    printf("cache size %ld, timeout %ld\n", SSL_CTX_sess_get_cache_size(ctx),
           SSL_CTX_get_timeout(ctx));

    signal(SIGPIPE, SIG_IGN); /* a client that leaves early must not kill the server */
    listener = tcp_listen();
    for (i = 1; i <= count; i++) {
        fd = accept(listener, NULL, NULL);
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) != 1) {
            printf("connection %d: handshake failed\n", i);
            ERR_print_errors_fp(stderr);
        } else {
            printf("connection %d: %s, %s\n", i, SSL_get_version(ssl),
                   SSL_session_reused(ssl) ? "resumed" : "full handshake");
            if (read_request(ssl) && write_response(ssl, NULL) && SSL_shutdown(ssl) == 0)
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
