/* The server side of STARTTLS (an SMTP-like dialogue): greeting and EHLO in plain text; after
 * STARTTLS it accepts TLS on the same socket and answers the commands that follow over TLS.
 * usage: starttls_server CERTFILE KEYFILE CONNECTIONS */
#include "legacy.h"
#include <signal.h>

static int plain_line(int fd, char *line, size_t size)
{
    size_t n = 0;
    char c;

    while (n + 1 < size && read(fd, &c, 1) == 1) {
        line[n++] = c;
        if (c == '\n')
            break;
    }
    line[n] = '\0';
    return n > 0;
}

static void session(SSL_CTX *ctx, int fd, int n)
{
    char line[512], reply[600];
    SSL *ssl;
    int len, ret;

    dprintf(fd, "220 legacy.test ESMTP\r\n");
    while (plain_line(fd, line, sizeof(line))) {
        if (strncmp(line, "EHLO", 4) == 0) {
            dprintf(fd, "250-legacy.test\r\n250 STARTTLS\r\n");
        } else if (strncmp(line, "STARTTLS", 8) == 0) {
            dprintf(fd, "220 Ready to start TLS\r\n");
            break;
        } else {
            dprintf(fd, "502 command not implemented\r\n");
        }
    }
    ssl = SSL_new(ctx);
    /* inetd-style code hands over its input and output descriptors separately. */
    SSL_set_rfd(ssl, fd);
    SSL_set_wfd(ssl, fd);
    ret = SSL_accept(ssl);
    if (ret != 1) {
        printf("session %d: TLS failed: %s\n", n, ssl_error_name(SSL_get_error(ssl, ret)));
        ERR_print_errors_fp(stderr);
        SSL_free(ssl);
        return;
    }
    printf("session %d: TLS %s, descriptor %s\n", n, SSL_get_version(ssl),
           SSL_get_fd(ssl) == fd && SSL_get_rfd(ssl) == fd && SSL_get_wfd(ssl) == fd ? "kept" : "lost");
    while ((len = SSL_read(ssl, line, sizeof(line) - 1)) > 0) {
        line[len] = '\0';
        if (strstr(line, "EHLO") != NULL) {
            snprintf(reply, sizeof(reply), "250 legacy.test over %s\r\n", SSL_get_version(ssl));
            SSL_write(ssl, reply, (int)strlen(reply));
        }
        if (strstr(line, "QUIT") != NULL) {
            SSL_write(ssl, "221 bye\r\n", 9);
            break;
        }
    }
    if (SSL_shutdown(ssl) == 0)
        SSL_shutdown(ssl);
    SSL_free(ssl);
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    int listener, fd, i, count;

    if (argc != 4) {
        fprintf(stderr, "usage: %s CERTFILE KEYFILE CONNECTIONS\n", argv[0]);
        return 1;
    }
    count = atoi(argv[3]);
    SSL_library_init();
    SSL_load_error_strings();
    ctx = SSL_CTX_new(SSLv23_server_method());
    if (SSL_CTX_use_certificate_file(ctx, argv[1], SSL_FILETYPE_PEM) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN); /* a client that leaves early must not kill the server */
    listener = tcp_listen();
    for (i = 1; i <= count; i++) {
        fd = accept(listener, NULL, NULL);
        session(ctx, fd, i);
        fflush(stdout);
        close(fd);
    }
    close(listener);
    SSL_CTX_free(ctx);
    return 0;
}
