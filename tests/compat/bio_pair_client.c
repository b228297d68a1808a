/* The BIO pair pattern from OpenSSL's documentation: the SSL object owns one half of a pair,
 * the application moves bytes between the other half and the socket, asking how much the pair
 * can take (BIO_ctrl_get_write_guarantee) and how much it holds (BIO_ctrl_pending).
 * usage: bio_pair_client HOST PORT CAFILE */
#include "legacy.h"
#include <poll.h>

static BIO *network;
static int fd;

/* Moves bytes both ways once; waits for the socket when `block` and nothing was pending. */
static int pump(int block)
{
    char buf[4096];
    size_t want;
    int n, moved = 0;
    struct pollfd pfd;

    while ((n = (int)BIO_ctrl_pending(network)) > 0) {
        n = BIO_read(network, buf, n > (int)sizeof(buf) ? (int)sizeof(buf) : n);
        if (n <= 0 || write(fd, buf, (size_t)n) != n)
            return -1;
        moved = 1;
    }
    if (!block)
        return moved;
    want = BIO_ctrl_get_write_guarantee(network);
    if (want == 0)
        return moved;
    pfd.fd = fd;
    pfd.events = POLLIN;
    if (poll(&pfd, 1, 30000) != 1)
        return -1;
    n = (int)read(fd, buf, want < sizeof(buf) ? want : sizeof(buf));
    if (n <= 0)
        return -1;
    if (BIO_write(network, buf, n) != n)
        return -1;
    return 1;
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *internal;
    char buf[4096];
    int ret, code;

    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE\n", argv[0]);
        return 1;
    }
    SSL_library_init();
    SSL_load_error_strings();
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, argv[3], NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return 1;

    if (!BIO_new_bio_pair(&internal, 0, &network, 0)) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    ssl = SSL_new(ctx);
    SSL_set_bio(ssl, internal, internal);
    SSL_set_connect_state(ssl);
    SSL_set_tlsext_host_name(ssl, "localhost");
    printf("write guarantee before the handshake: %d\n",
           (int)BIO_ctrl_get_write_guarantee(network));

    while ((ret = SSL_do_handshake(ssl)) != 1) {
        code = SSL_get_error(ssl, ret);
        if (code != SSL_ERROR_WANT_READ && code != SSL_ERROR_WANT_WRITE) {
            printf("handshake: %s\n", ssl_error_name(code));
            ERR_print_errors_fp(stderr);
            return 2;
        }
        if (pump(code == SSL_ERROR_WANT_READ) < 0) {
            printf("transport failed during the handshake\n");
            return 2;
        }
    }
    printf("handshake: %s %s\n", SSL_get_version(ssl), SSL_get_cipher(ssl));

    SSL_write(ssl, HTTP_REQUEST, (int)strlen(HTTP_REQUEST));
    pump(0);
    for (;;) {
        ret = SSL_read(ssl, buf, sizeof(buf));
        if (ret > 0) {
            fwrite(buf, 1, (size_t)ret, stdout);
            continue;
        }
        code = SSL_get_error(ssl, ret);
        if (code == SSL_ERROR_WANT_READ && pump(1) > 0)
            continue;
        printf("read ended: %s\n", ssl_error_name(code));
        break;
    }
    ret = SSL_shutdown(ssl);
    pump(0);
    printf("SSL_shutdown returned %d\n", ret);
    ERR_print_errors_fp(stderr);
    SSL_free(ssl);
    BIO_free(network);
    close(fd);
    SSL_CTX_free(ctx);
    return 0;
}
