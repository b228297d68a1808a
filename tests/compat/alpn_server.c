/* ALPN on the server side: a selection callback over SSL_select_next_proto with the server's
 * own preference list; a client offering nothing in common gets no protocol (the callback
 * returns SSL_TLSEXT_ERR_NOACK) rather than a failed handshake.
 * usage: alpn_server CERTFILE KEYFILE CONNECTIONS */
#include "legacy.h"
#include <signal.h>

static const unsigned char server_protos[] = "\x02h2\x08http/1.1";

static int select_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                     const unsigned char *in, unsigned int inlen, void *arg)
{
    unsigned char *chosen;
    int *calls = arg;

    (void)ssl;
    (*calls)++;
    if (SSL_select_next_proto(&chosen, outlen, server_protos, sizeof(server_protos) - 1, in,
                              inlen)
        != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

int main(int argc, char **argv)
{
    const unsigned char *selected;
    unsigned int selected_len;
    SSL_CTX *ctx;
    SSL *ssl;
    char alpn[300];
    int listener, fd, i, count, calls = 0;

    if (argc != 4) {
        fprintf(stderr, "usage: %s CERTFILE KEYFILE CONNECTIONS\n", argv[0]);
        return 1;
    }
    count = atoi(argv[3]);
    SSL_library_init();
    SSL_load_error_strings();
    ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, argv[1]) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    SSL_CTX_set_alpn_select_cb(ctx, select_cb, &calls);

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
            SSL_get0_alpn_selected(ssl, &selected, &selected_len);
            snprintf(alpn, sizeof(alpn), " alpn %.*s", selected_len ? (int)selected_len : 4,
                     selected_len ? (const char *)selected : "none");
            printf("connection %d: callback calls so far %d, protocol%s\n", i, calls, alpn + 5);
            if (read_request(ssl) && write_response(ssl, alpn))
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
