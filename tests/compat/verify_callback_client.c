/* A verify callback as legacy clients write it: it prints the depth, the error and the subject
 * of each certificate it is shown, and lets one chosen error through (a site whose certificate
 * expired, accepted by policy), so the connection goes on with that result recorded.
 * usage: verify_callback_client HOST PORT CAFILE SERVERNAME [ERROR-TO-ACCEPT] */
#include "legacy.h"
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

static int accepted_error = -1;
static int app_index = -1;

static int verify_cb(int preverify_ok, X509_STORE_CTX *store)
{
    char subject[256];
    X509 *cert = X509_STORE_CTX_get_current_cert(store);
    int err = X509_STORE_CTX_get_error(store);
    int depth = X509_STORE_CTX_get_error_depth(store);
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    const char *tag = SSL_get_ex_data(ssl, app_index);

    X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof(subject));
    printf("%s: depth=%d preverify=%d err=%d (%s) subject=%s\n", tag, depth, preverify_ok, err,
           X509_verify_cert_error_string(err), subject);
    if (!preverify_ok && err == accepted_error) {
        printf("%s: accepting error %d by policy\n", tag, err);
        X509_STORE_CTX_set_error(store, X509_V_OK);
        return 1;
    }
    return preverify_ok;
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    long verify;
    int fd, ret;

    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE SERVERNAME [ERROR-TO-ACCEPT]\n", argv[0]);
        return 1;
    }
    if (argc == 6)
        accepted_error = atoi(argv[5]);
    SSL_library_init();
    SSL_load_error_strings();

    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, argv[3], NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
    SSL_CTX_set_verify_depth(ctx, 4);
    app_index = SSL_get_ex_new_index(0, "tag", NULL, NULL, NULL);

    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return 1;
    ssl = SSL_new(ctx);
    SSL_set_ex_data(ssl, app_index, "verify");
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, argv[4]);
    SSL_set1_host(ssl, argv[4]);

    ret = SSL_connect(ssl);
    verify = SSL_get_verify_result(ssl);
    printf("SSL_connect returned %d; verify result %ld (%s)\n", ret, verify,
           X509_verify_cert_error_string(verify));
    if (ret != 1) {
        printf("%s\n", ssl_error_name(SSL_get_error(ssl, ret)));
        ERR_print_errors_fp(stderr);
    } else {
        printf("exchange ended with %s\n", ssl_error_name(http_exchange(ssl, 0)));
        SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return ret == 1 ? 0 : 2;
}
