/*
 * A blocking TLS server in the 2003 style: SSL_library_init, SSLeay_add_ssl_algorithms,
 * SSLv23_server_method, use_certificate_file / use_PrivateKey_file / check_private_key,
 * ERR_print_errors_fp. Serves N connections one after the other: reads one message, answers
 * it upper-cased, closes with SSL_shutdown.
 *
 *   server CERT KEY N [CAFILE]     (with CAFILE: client certificates required)
 *
 * Prints "listening on PORT" (an ephemeral port) and, per connection, what it read, the
 * version and the cipher. Exit 0; 2 when setting up fails (errors printed).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    int listener, i, count, n, ret;
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    char buf[4096];

    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: server CERT KEY N [CAFILE]\n");
        return 1;
    }
    count = atoi(argv[3]);
    SSL_library_init();
    SSL_load_error_strings();
    SSLeay_add_ssl_algorithms();

    ctx = SSL_CTX_new(SSLv23_server_method());
    if (ctx == NULL) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    if (SSL_CTX_use_certificate_file(ctx, argv[1], SSL_FILETYPE_PEM) <= 0) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) <= 0) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    if (!SSL_CTX_check_private_key(ctx)) {
        fprintf(stderr, "Private key does not match the certificate public key\n");
        return 2;
    }
    if (argc == 5) {
        if (SSL_CTX_load_verify_locations(ctx, argv[4], NULL) != 1) {
            ERR_print_errors_fp(stderr);
            return 2;
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    }

    listener = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(listener, 5) != 0 ||
        getsockname(listener, (struct sockaddr *)&addr, &len) != 0) {
        perror("listen");
        return 2;
    }
    printf("listening on %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    for (i = 0; i < count; i++) {
        int fd = accept(listener, NULL, NULL);
        SSL *ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        ret = SSL_accept(ssl);
        if (ret <= 0) {
            printf("connection %d: SSL_accept failed: SSL_get_error %d\n", i,
                   SSL_get_error(ssl, ret));
            ERR_print_errors_fp(stdout);
        } else {
            n = SSL_read(ssl, buf, sizeof(buf) - 1);
            if (n > 0) {
                int k;
                buf[n] = '\0';
                printf("connection %d: read %s", i, buf);
                for (k = 0; k < n; k++)
                    buf[k] = (char)toupper((unsigned char)buf[k]);
                SSL_write(ssl, buf, n);
            } else {
                printf("connection %d: SSL_read: SSL_get_error %d\n", i, SSL_get_error(ssl, n));
                ERR_print_errors_fp(stdout);
            }
            printf("connection %d: %s %s\n", i, SSL_get_version(ssl), SSL_get_cipher(ssl));
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
