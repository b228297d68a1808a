/* The server side of the diagnostics legacy programs print: an info callback set on the SSL
 * (SSL_set_info_callback) tracing each handshake and its alerts, and a message callback set on
 * the SSL (direction, content type, handshake type and length of each message). It answers one
 * request per connection, then closes with close_notify.
 * usage: info_server CERTFILE KEYFILE CONNECTIONS */
#include "legacy.h"
#include <signal.h>

int main(int argc, char **argv)
{
    struct msg_log msg_log = { MSG_LOG_MAGIC, 0 };
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

    ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_file(ctx, argv[1], SSL_FILETYPE_PEM) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 2;
    }

    signal(SIGPIPE, SIG_IGN); /* a client that leaves early must not kill the server */
    listener = tcp_listen();
    for (i = 1; i <= count; i++) {
        fd = accept(listener, NULL, NULL);
        printf("== connection %d\n", i);
        ssl = SSL_new(ctx);
        SSL_set_info_callback(ssl, print_info_cb);
        SSL_set_msg_callback(ssl, print_msg_cb);
        SSL_set_msg_callback_arg(ssl, &msg_log);
        SSL_set_fd(ssl, fd);
        ret = SSL_accept(ssl);
        if (ret != 1) {
            printf("connection %d: refused (%s)\n", i, ssl_error_name(SSL_get_error(ssl, ret)));
            fflush(stdout);
            ERR_print_errors_fp(stderr);
        } else {
            printf("connection %d: %s\n", i, SSL_get_version(ssl));
            if (read_request(ssl) && write_response(ssl, NULL))
                SSL_shutdown(ssl);
        }
        fflush(stdout);
        SSL_free(ssl);
        close(fd);
    }
    printf("record-layer message callbacks: %s\n",
               msg_log.record_layer_calls ? "some" : "none");
    close(listener);
    SSL_CTX_free(ctx);
    return 0;
}
