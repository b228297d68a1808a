/* A virtual-hosting server: the servername callback reads the name the client asked for and
 * switches the connection to the SSL_CTX holding that site's certificate (SSL_set_SSL_CTX);
 * unknown names keep the default site.
 * usage: sni_server CERTFILE KEYFILE ALT-NAME ALT-CERTFILE ALT-KEYFILE CONNECTIONS */
#include "legacy.h"
#include <signal.h>

struct sites {
    SSL_CTX *alt;
    const char *alt_name;
};

static int servername_cb(SSL *ssl, int *alert, void *arg)
{
    struct sites *sites = arg;
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

    (void)alert;
    printf("servername callback: %s\n", name ? name : "(none)");
    if (name && strcmp(name, sites->alt_name) == 0) {
        SSL_set_SSL_CTX(ssl, sites->alt);
        printf("switched to the %s site\n", sites->alt_name);
    }
    return SSL_TLSEXT_ERR_OK;
}

static SSL_CTX *site(const char *cert, const char *key)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    if (SSL_CTX_use_certificate_file(ctx, cert, SSL_FILETYPE_PEM) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        exit(2);
    }
    return ctx;
}

int main(int argc, char **argv)
{
    struct sites sites;
    SSL_CTX *ctx, *alt;
    SSL *ssl;
    int listener, fd, i, count;

    if (argc != 7) {
        fprintf(stderr, "usage: %s CERT KEY ALT-NAME ALT-CERT ALT-KEY CONNECTIONS\n", argv[0]);
        return 1;
    }
    count = atoi(argv[6]);
    SSL_library_init();
    SSL_load_error_strings();
    ctx = site(argv[1], argv[2]);
    alt = site(argv[4], argv[5]);
    /* The callback's table holds its own reference. */
    SSL_CTX_up_ref(alt);
    sites.alt = alt;
    sites.alt_name = argv[3];
    SSL_CTX_set_tlsext_servername_callback(ctx, servername_cb);
    SSL_CTX_set_tlsext_servername_arg(ctx, &sites);

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
            printf("connection %d: served %s from the %s context\n", i,
                   SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)
                       ? SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)
                       : "(no name)",
                   SSL_get_SSL_CTX(ssl) == sites.alt ? "alternative" : "default");
            if (read_request(ssl) && write_response(ssl, NULL))
                SSL_shutdown(ssl);
        }
        fflush(stdout);
        SSL_free(ssl);
        close(fd);
    }
    close(listener);
    SSL_CTX_free(sites.alt);
    SSL_CTX_free(alt);
    SSL_CTX_free(ctx);
    return 0;
}
