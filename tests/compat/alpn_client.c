/* ALPN on the client side: the protocols offered in wire format with SSL_CTX_set_alpn_protos
 * (overridden per connection with SSL_set_alpn_protos), the choice read with
 * SSL_get0_alpn_selected.
 * usage: alpn_client HOST PORT CAFILE PROTO[,PROTO...] */
#include "legacy.h"

/* "h2,http/1.1" -> "\x02h2\x08http/1.1" */
static unsigned int wire_format(const char *list, unsigned char *out)
{
    unsigned int len = 0;
    const char *p = list, *comma;
    size_t n;

    while (*p) {
        comma = strchr(p, ',');
        n = comma ? (size_t)(comma - p) : strlen(p);
        out[len++] = (unsigned char)n;
        memcpy(out + len, p, n);
        len += (unsigned int)n;
        p += n + (comma ? 1 : 0);
    }
    return len;
}

int main(int argc, char **argv)
{
    static const unsigned char fallback[] = "\x08http/1.1";
    unsigned char protos[256];
    const unsigned char *selected;
    unsigned int protos_len, selected_len;
    SSL_CTX *ctx;
    SSL *ssl;
    int fd;

    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE PROTO[,PROTO...]\n", argv[0]);
        return 1;
    }
    SSL_library_init();
    SSL_load_error_strings();
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, argv[3], NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    /* Note the inverted result: 0 is success for the ALPN setters. */
    if (SSL_CTX_set_alpn_protos(ctx, fallback, sizeof(fallback) - 1) != 0) {
        printf("SSL_CTX_set_alpn_protos failed\n");
        return 2;
    }
    protos_len = wire_format(argv[4], protos);

    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return 1;
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (SSL_set_alpn_protos(ssl, protos, protos_len) != 0) {
        printf("SSL_set_alpn_protos failed\n");
        goto fail;
    }
    if (SSL_connect(ssl) != 1) {
        printf("handshake failed\n");
        ERR_print_errors_fp(stderr);
        goto fail;
    }
    SSL_get0_alpn_selected(ssl, &selected, &selected_len);
    if (selected_len == 0)
        printf("no protocol negotiated\n");
    else
        printf("negotiated protocol: %.*s\n", (int)selected_len, (const char *)selected);
    printf("exchange ended with %s\n", ssl_error_name(http_exchange(ssl, 1)));
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return 0;

fail:
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return 2;
}
