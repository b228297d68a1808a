/* The client side of mutual TLS, as legacy clients load their identity: certificate and key
 * read into objects (PEM_read_X509, the key through SSL_CTX_use_PrivateKey_file with a
 * password callback, as an encrypted key needs), checked with SSL_CTX_check_private_key; after
 * the handshake it lists the CA names the server asked for.
 * usage: mtls_client HOST PORT CAFILE CERTFILE KEYFILE [PASSWORD] */
#include "legacy.h"
#include <openssl/pem.h>
#include <openssl/x509.h>

static int password_calls;

static int password_cb(char *buf, int size, int rwflag, void *userdata)
{
    const char *password = userdata;
    int len = (int)strlen(password);

    (void)rwflag;
    password_calls++;
    if (len > size)
        len = size;
    memcpy(buf, password, (size_t)len);
    return len;
}

int main(int argc, char **argv)
{
    STACK_OF(X509_NAME) *names;
    char name[256];
    SSL_CTX *ctx;
    SSL *ssl;
    X509 *cert;
    FILE *f;
    int fd, i, ret;

    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE CERTFILE KEYFILE [PASSWORD]\n", argv[0]);
        return 1;
    }
    SSL_library_init();
    SSL_load_error_strings();
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, argv[3], NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

    f = fopen(argv[4], "r");
    cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (cert == NULL || SSL_CTX_use_certificate(ctx, cert) != 1) {
        printf("cannot use the certificate\n");
        ERR_print_errors_fp(stderr);
        return 2;
    }
    X509_free(cert);
    SSL_CTX_set_default_passwd_cb(ctx, password_cb);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, argc == 7 ? argv[6] : "");
    ret = SSL_CTX_use_PrivateKey_file(ctx, argv[5], SSL_FILETYPE_PEM);
    printf("key loaded: %d, password callback called: %s\n", ret,
           password_calls > 0 ? "yes" : "no");
    if (ret != 1 || SSL_CTX_check_private_key(ctx) != 1) {
        /* The outermost error says what failed; the ones below it are the decoder's detail. */
        printf("cannot load the key: %s\n", ERR_error_string(ERR_peek_last_error(), NULL));
        ERR_clear_error();
        SSL_CTX_free(ctx);
        return 2;
    }

    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return 1;
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    ret = SSL_connect(ssl);
    if (ret != 1) {
        printf("handshake failed: %s\n", ssl_error_name(SSL_get_error(ssl, ret)));
        ERR_print_errors_fp(stderr);
        return 2;
    }
    names = SSL_get_client_CA_list(ssl);
    printf("the server asked for certificates from %d CA(s)\n", names ? sk_X509_NAME_num(names) : 0);
    for (i = 0; names && i < sk_X509_NAME_num(names); i++) {
        X509_NAME_oneline(sk_X509_NAME_value(names, i), name, sizeof(name));
        printf("  %s\n", name);
    }
    printf("exchange ended with %s\n", ssl_error_name(http_exchange(ssl, 1)));
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return 0;
}
