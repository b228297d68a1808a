/* An event loop that does its own I/O, as libraries over libevent/libuv do: the SSL object
 * reads from and writes to memory BIOs; the loop polls the socket, feeds what arrives into the
 * read BIO (BIO_write) and sends what the write BIO holds (BIO_ctrl_pending, BIO_read).
 * usage: mem_bio_client HOST PORT CAFILE */
#include "legacy.h"
#include <poll.h>

static BIO *rbio, *wbio;
static int fd;

/* Sends whatever the SSL object queued. */
static void flush_out(void)
{
    char buf[4096];
    int n;

    while (BIO_ctrl_pending(wbio) > 0) {
        n = BIO_read(wbio, buf, sizeof(buf));
        if (n <= 0 || write(fd, buf, (size_t)n) != n) {
            perror("write");
            exit(3);
        }
    }
}

/* Waits for the socket and moves what came into the read BIO; 0 at the end of the stream. */
static int fill_in(void)
{
    struct pollfd pfd;
    char buf[4096];
    ssize_t n;

    pfd.fd = fd;
    pfd.events = POLLIN;
    if (poll(&pfd, 1, 30000) != 1) {
        printf("poll timed out\n");
        exit(3);
    }
    n = read(fd, buf, sizeof(buf));
    if (n <= 0)
        return 0;
    BIO_write(rbio, buf, (int)n);
    return 1;
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    char buf[4096];
    int ret, code, waits = 0;

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

    ssl = SSL_new(ctx);
    rbio = BIO_new(BIO_s_mem());
    wbio = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(rbio, -1);
    SSL_set_bio(ssl, rbio, wbio);
    SSL_set_connect_state(ssl);
    SSL_set_tlsext_host_name(ssl, "localhost");

    for (;;) {
        ret = SSL_do_handshake(ssl);
        flush_out();
        if (ret == 1)
            break;
        code = SSL_get_error(ssl, ret);
        if (code != SSL_ERROR_WANT_READ) {
            printf("handshake: %s\n", ssl_error_name(code));
            ERR_print_errors_fp(stderr);
            return 2;
        }
        waits++;
        if (!fill_in()) {
            printf("peer closed during the handshake\n");
            return 2;
        }
    }
    printf("handshake done after waiting for the peer: %s; in_init %d, finished %d\n",
           waits > 0 ? "yes" : "no", SSL_in_init(ssl), SSL_is_init_finished(ssl));

    SSL_write(ssl, HTTP_REQUEST, (int)strlen(HTTP_REQUEST));
    flush_out();
    for (;;) {
        ret = SSL_read(ssl, buf, sizeof(buf));
        if (ret > 0) {
            fwrite(buf, 1, (size_t)ret, stdout);
            continue;
        }
        code = SSL_get_error(ssl, ret);
        if (code == SSL_ERROR_WANT_READ) {
            flush_out();
            if (fill_in())
                continue;
            printf("transport closed without close_notify\n");
            break;
        }
        printf("read ended: %s\n", ssl_error_name(code));
        break;
    }
    SSL_shutdown(ssl);
    flush_out();
    printf("shutdown state: %d\n", SSL_get_shutdown(ssl));
    ERR_print_errors_fp(stderr);
    SSL_free(ssl); /* frees both memory BIOs */
    close(fd);
    SSL_CTX_free(ctx);
    return 0;
}
