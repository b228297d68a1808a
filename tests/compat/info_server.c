/* The server side of the diagnostics legacy programs print: an info callback set on the SSL
 * (SSL_set_info_callback) tracing each handshake and its alerts, and a message callback set on
 * the SSL (direction, content type, handshake type and length of each message). It answers one
 * request per connection, then closes with close_notify.
 * usage: info_server CERTFILE KEYFILE CONNECTIONS */
#include "legacy.h"
#include <signal.h>

static void info_cb(const SSL *ssl, int where, int ret)
{
    const char *side = (where & SSL_ST_CONNECT) ? "SSL_connect" :
                       (where & SSL_ST_ACCEPT) ? "SSL_accept" : "undefined";

    if (where & SSL_CB_LOOP)
        printf("%s:%s [%s]\n", side, SSL_state_string_long(ssl), SSL_state_string(ssl));
    else if (where & SSL_CB_ALERT)
        printf("SSL3 alert %s:%s:%s [%s:%s]\n", (where & SSL_CB_READ) ? "read" : "write",
               SSL_alert_type_string_long(ret), SSL_alert_desc_string_long(ret),
               SSL_alert_type_string(ret), SSL_alert_desc_string(ret));
    else if (where & SSL_CB_EXIT && ret <= 0)
        printf("%s:%s in %s\n", side, ret == 0 ? "failed" : "error",
               SSL_state_string_long(ssl));
    if (where & SSL_CB_HANDSHAKE_START)
        printf("handshake start\n");
    if (where & SSL_CB_HANDSHAKE_DONE)
        printf("handshake done\n");
}

static int msg_arg;

static int record_layer_calls;

static void msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
                   SSL *ssl, void *arg)
{
    const unsigned char *b = buf;
    const char *dir = write_p ? "sent" : "received";

    (void)version;
    (void)ssl;
    if (arg != (void *)&msg_arg)
        printf("msg callback: wrong arg\n");
    if (content_type == SSL3_RT_HANDSHAKE && len >= 4)
        /* Lengths vary with the library and the signatures: the header must match them. */
        printf("msg %s: handshake type %d, length %s\n", dir, b[0],
               len == 4 + (((size_t)b[1] << 16) | ((size_t)b[2] << 8) | b[3]) ? "as its header says"
                                                                             : "wrong");
    else if (content_type == SSL3_RT_ALERT && len == 2)
        printf("msg %s: alert level %d, description %d\n", dir, b[0], b[1]);
    else if (content_type == SSL3_RT_CHANGE_CIPHER_SPEC && len == 1)
        printf("msg %s: change cipher spec %d\n", dir, b[0]);
    else if (content_type == SSL3_RT_HEADER || content_type == SSL3_RT_INNER_CONTENT_TYPE)
        record_layer_calls++; /* record-layer detail: counted, not printed */
    else
        printf("msg %s: content type %d, %lu bytes\n", dir, content_type, (unsigned long)len);
}

int main(int argc, char **argv)
{
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
        SSL_set_info_callback(ssl, info_cb);
        SSL_set_msg_callback(ssl, msg_cb);
        SSL_set_msg_callback_arg(ssl, &msg_arg);
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
    printf("record-layer message callbacks: %s\n", record_layer_calls ? "some" : "none");
    close(listener);
    SSL_CTX_free(ctx);
    return 0;
}
