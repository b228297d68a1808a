/* STARTTLS, as mail clients do it: a plain-text dialogue first, then TLS on the same socket,
 * and the server's name checked on the peer certificate with X509_check_host by the
 * application itself (verification of the chain stays on). The CA goes into the context's
 * store as an X509 object; replies are peeked at before they are read.
 * usage: starttls_client HOST PORT CAFILE EXPECTED-NAME */
#include "legacy.h"
#include <openssl/pem.h>
#include <openssl/x509v3.h>

/* Reads one plain-text line from the socket, byte by byte (nothing of TLS is read ahead). */
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

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    X509 *peer, *ca;
    FILE *f;
    char line[512];
    int fd, rc, n;

    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE EXPECTED-NAME\n", argv[0]);
        return 1;
    }
    SSL_library_init();
    SSL_load_error_strings();
    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return 1;

    if (!plain_line(fd, line, sizeof(line)))
        return 2;
    printf("S: %s", line);
    dprintf(fd, "EHLO client.test\r\n");
    while (plain_line(fd, line, sizeof(line))) {
        printf("S: %s", line);
        if (strncmp(line, "250 ", 4) == 0)
            break;
    }
    dprintf(fd, "STARTTLS\r\n");
    if (!plain_line(fd, line, sizeof(line)) || strncmp(line, "220", 3) != 0) {
        printf("server refused STARTTLS\n");
        return 2;
    }
    printf("S: %s", line);

    ctx = SSL_CTX_new(TLS_client_method());
    f = fopen(argv[3], "r");
    ca = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (ca == NULL || X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca) != 1) {
        printf("cannot trust %s\n", argv[3]);
        ERR_print_errors_fp(stderr);
        return 2;
    }
    X509_free(ca);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
        printf("TLS negotiation failed\n");
        ERR_print_errors_fp(stderr);
        return 2;
    }
    peer = SSL_get1_peer_certificate(ssl);
    rc = X509_check_host(peer, argv[4], 0, 0, NULL);
    printf("TLS %s; certificate %s %s\n", SSL_get_version(ssl),
           rc == 1 ? "matches" : "does not match", argv[4]);
    X509_free(peer);
    if (rc == 1) {
        SSL_write(ssl, "EHLO client.test\r\n", 18);
        SSL_write(ssl, "QUIT\r\n", 6);
        /* A reply's code is peeked at first; what the peek brought in is then pending. */
        while ((n = SSL_peek(ssl, line, 3)) > 0) {
            printf("peeked %.*s; pending %s, has_pending %d\n", n, line,
                   SSL_pending(ssl) >= n ? "at least the peeked bytes" : "less",
                   SSL_has_pending(ssl));
            n = SSL_read(ssl, line, sizeof(line) - 1);
            if (n <= 0)
                break;
            line[n] = '\0';
            printf("S (TLS): %s", line);
        }
    }
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return rc == 1 ? 0 : 2;
}
