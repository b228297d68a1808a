/* A blocking client in the common legacy shape: a connected socket handed over with SSL_set_fd,
 * SNI and SSL_set1_host, verification on, and on failure the verify result in words.
 * SERVERNAME goes in SNI ("-": no SNI); the certificate is checked against HOSTNAMES (default
 * SERVERNAME; a comma-separated list: the first with SSL_set1_host, the others with
 * SSL_add1_host; "-": no name check), with X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, and
 * X509_CHECK_FLAG_NO_WILDCARDS too when "no-wildcards" follows.
 * usage: blocking_client HOST PORT CAFILE SERVERNAME [HOSTNAMES [no-wildcards]] */
#include "legacy.h"
#include <openssl/x509v3.h>

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    char buf[4096];
    const char *servername, *hostnames;
    char names[1024], *name;
    unsigned int flags = X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
    long verify;
    int fd, ret, n;

    if (argc < 5 || argc > 7 || (argc == 7 && strcmp(argv[6], "no-wildcards") != 0)) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE SERVERNAME [HOSTNAMES [no-wildcards]]\n",
                argv[0]);
        return 1;
    }
    servername = argv[4];
    hostnames = argc >= 6 ? argv[5] : argv[4];
    if (argc == 7)
        flags |= X509_CHECK_FLAG_NO_WILDCARDS;
    SSL_library_init();
    SSL_load_error_strings();
    OpenSSL_add_all_algorithms();

    ctx = SSL_CTX_new(SSLv23_client_method());
    if (ctx == NULL) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
    if (SSL_CTX_load_verify_locations(ctx, argv[3], NULL) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return 1;
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (strcmp(servername, "-") != 0)
        SSL_set_tlsext_host_name(ssl, servername);
    SSL_set_hostflags(ssl, flags);
    if (strcmp(hostnames, "-") != 0) {
        snprintf(names, sizeof(names), "%s", hostnames);
        for (name = strtok(names, ","); name != NULL; name = strtok(NULL, ",")) {
            if ((name == names ? SSL_set1_host(ssl, name) : SSL_add1_host(ssl, name)) != 1) {
                ERR_print_errors_fp(stderr);
                return 1;
            }
        }
    }

    ret = SSL_connect(ssl);
    if (ret != 1) {
        printf("SSL_connect returned %d: %s\n", ret, ssl_error_name(SSL_get_error(ssl, ret)));
        verify = SSL_get_verify_result(ssl);
        if (verify != X509_V_OK)
            printf("certificate verification failed: %ld (%s)\n", verify,
                   X509_verify_cert_error_string(verify));
        ERR_print_errors_fp(stderr);
        SSL_free(ssl);
        close(fd);
        SSL_CTX_free(ctx);
        return 2;
    }
    printf("descriptor %s; one socket BIO both ways: %s\n", SSL_get_fd(ssl) == fd ? "kept" : "lost",
           SSL_get_rbio(ssl) == SSL_get_wbio(ssl) ? "yes" : "no");
    printf("connected with %s, %s; verify result %ld (%s)\n", SSL_get_version(ssl),
           SSL_get_cipher_name(ssl), SSL_get_verify_result(ssl),
           X509_verify_cert_error_string(SSL_get_verify_result(ssl)));

    if (SSL_write(ssl, HTTP_REQUEST, (int)strlen(HTTP_REQUEST)) <= 0) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    for (;;) {
        n = SSL_read(ssl, buf, sizeof(buf) - 1);
        if (n <= 0) {
            printf("SSL_read returned %d: %s\n", n, ssl_error_name(SSL_get_error(ssl, n)));
            break;
        }
        fwrite(buf, 1, (size_t)n, stdout);
    }
    ret = SSL_shutdown(ssl);
    printf("SSL_shutdown returned %d, shutdown state %d\n", ret, SSL_get_shutdown(ssl));
    ERR_print_errors_fp(stderr);
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return 0;
}
