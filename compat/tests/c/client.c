/*
 * A blocking TLS client in the classic OpenSSL idiom: SSL_set_fd over a connected socket, SNI
 * and SSL_set1_host, verification on, the verify result printed on failure.
 *
 *   client HOST PORT CAFILE NAME MESSAGE
 *
 * Connects, sends MESSAGE, prints the first answer, then the protocol version, the cipher and
 * the ALPN protocol, and closes with SSL_shutdown. Exit 0; 2 with the reason on stderr (and the
 * error queue printed) when something fails.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static int tcp_connect(const char *host, const char *port)
{
    struct addrinfo hints, *res, *ai;
    int fd = -1;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return -1;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, n, ret, err;
    char buf[4096];
    const unsigned char *alpn;
    unsigned int alpn_len;
    static const unsigned char protos[] = "\x02h2\x08http/1.1";

    if (argc != 6) {
        fprintf(stderr, "usage: client HOST PORT CAFILE NAME MESSAGE\n");
        return 1;
    }
    SSL_library_init();
    SSL_load_error_strings();

    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    if (SSL_CTX_load_verify_locations(ctx, argv[3], NULL) != 1) {
        fprintf(stderr, "cannot load %s\n", argv[3]);
        ERR_print_errors_fp(stderr);
        return 2;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_alpn_protos(ctx, protos, sizeof(protos) - 1);

    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0) {
        perror("connect");
        return 2;
    }
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, argv[4]);
    SSL_set1_host(ssl, argv[4]);

    ret = SSL_connect(ssl);
    if (ret != 1) {
        err = SSL_get_error(ssl, ret);
        fprintf(stderr, "SSL_connect failed: SSL_get_error %d, verify result %ld (%s)\n", err,
                SSL_get_verify_result(ssl),
                X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
        ERR_print_errors_fp(stderr);
        return 2;
    }
    if (SSL_write(ssl, argv[5], (int)strlen(argv[5])) <= 0) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    n = SSL_read(ssl, buf, sizeof(buf));
    if (n <= 0) {
        err = SSL_get_error(ssl, n);
        fprintf(stderr, "SSL_read failed: SSL_get_error %d\n", err);
        ERR_print_errors_fp(stderr);
        return 2;
    }
    fwrite(buf, 1, (size_t)n, stdout);
    SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
    printf("\nversion %s cipher %s alpn %.*s verify %ld\n", SSL_get_version(ssl),
           SSL_get_cipher(ssl), (int)alpn_len, alpn_len ? (const char *)alpn : "",
           SSL_get_verify_result(ssl));
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return 0;
}
