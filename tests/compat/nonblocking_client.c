/* A non-blocking client: the socket is O_NONBLOCK, every SSL call is retried from a poll loop
 * on SSL_get_error's WANT_READ/WANT_WRITE, and the end of the stream is told apart as legacy
 * loops do: ZERO_RETURN (close_notify), SYSCALL (errno), SSL (the error queue). Prints the
 * other codes it saw, consecutive repeats collapsed.
 * usage: nonblocking_client HOST PORT CAFILE [ignore-eof] */
#include "legacy.h"
#include <fcntl.h>
#include <poll.h>

static char last[64];

/* Prints a code unless it repeats the previous one. How often a call must be retried depends
 * on how the peer's records arrive, so the retry codes are handled but not listed. */
static void saw(const char *phase, int code)
{
    char line[64];

    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE)
        return;
    snprintf(line, sizeof(line), "%s %s", phase, ssl_error_name(code));
    if (strcmp(line, last) != 0)
        printf("%s\n", line);
    snprintf(last, sizeof(last), "%s", line);
}

/* Waits for the socket as SSL_get_error asks; 0 when the code is not a retry. */
static int wait_for(int fd, int code)
{
    struct pollfd pfd;

    if (code != SSL_ERROR_WANT_READ && code != SSL_ERROR_WANT_WRITE)
        return 0;
    pfd.fd = fd;
    pfd.events = code == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
    pfd.revents = 0;
    if (poll(&pfd, 1, 30000) != 1) {
        printf("poll timed out\n");
        exit(3);
    }
    return 1;
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    char buf[4096];
    size_t total = 0;
    int fd, ret, code, sent = 0;

    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE [ignore-eof]\n", argv[0]);
        return 1;
    }
    SSL_library_init();
    SSL_load_error_strings();
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, argv[3], NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (argc == 5 && strcmp(argv[4], "ignore-eof") == 0)
        SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);

    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return 1;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");

    do {
        ret = SSL_connect(ssl);
        code = SSL_get_error(ssl, ret);
        saw("connect", code);
    } while (ret != 1 && wait_for(fd, code));
    if (ret != 1) {
        printf("handshake failed, verify result %ld\n", SSL_get_verify_result(ssl));
        ERR_print_errors_fp(stderr);
        return 2;
    }
    printf("handshake done: %s\n", SSL_get_version(ssl));

    do {
        ret = SSL_write(ssl, HTTP_REQUEST + sent, (int)(strlen(HTTP_REQUEST) - sent));
        code = SSL_get_error(ssl, ret);
        saw("write", code);
        if (ret > 0)
            sent += ret;
    } while ((ret > 0 && sent < (int)strlen(HTTP_REQUEST)) || wait_for(fd, code));

    for (;;) {
        errno = 0;
        ret = SSL_read(ssl, buf, sizeof(buf));
        code = SSL_get_error(ssl, ret);
        saw("read", code);
        if (ret > 0) {
            total += (size_t)ret;
            continue;
        }
        if (!wait_for(fd, code))
            break;
    }
    printf("received %lu bytes\n", (unsigned long)total);
    switch (code) {
    case SSL_ERROR_ZERO_RETURN:
        printf("peer closed the connection with close_notify\n");
        ret = SSL_shutdown(ssl);
        printf("SSL_shutdown returned %d\n", ret);
        break;
    case SSL_ERROR_SYSCALL:
        printf("SSL_ERROR_SYSCALL, errno %s\n", errno == 0 ? "0 (eof)" : strerror(errno));
        break;
    default:
        printf("%s\n", ssl_error_name(code));
        break;
    }
    ERR_print_errors_fp(stderr);
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return code == SSL_ERROR_ZERO_RETURN ? 0 : 2;
}
