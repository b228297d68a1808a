/* The diagnostics legacy clients print: an info callback tracing the handshake and alerts, a
 * message callback (direction, content type, handshake type and length of each message), a
 * keylog callback (its lines counted by label, never printed), then the peer's chain with
 * names, validity dates and key sizes, the cipher and the protocol version.
 * usage: info_client HOST PORT CAFILE [tls1.2]
 * (tls1.2: at most TLS 1.2; a CAFILE that does not sign the server's certificate makes the
 * handshake fail with a fatal alert) */
#include "legacy.h"
#include <openssl/x509.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

static int keylog_lines, keylog_traffic;

static void keylog_cb(const SSL *ssl, const char *line)
{
    (void)ssl;
    keylog_lines++;
    if (strncmp(line, "CLIENT_TRAFFIC_SECRET_0 ", 24) == 0)
        keylog_traffic++;
}

static void print_cert(int i, X509 *cert)
{
    char name[256];
    BIO *out = BIO_new_fp(stdout, BIO_NOCLOSE);
    EVP_PKEY *key = X509_get_pubkey(cert);

    X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof(name));
    BIO_printf(out, " %d s:%s\n", i, name);
    X509_NAME_oneline(X509_get_issuer_name(cert), name, sizeof(name));
    BIO_printf(out, "   i:%s\n", name);
    BIO_printf(out, "   key: %d bits\n", EVP_PKEY_bits(key));
    BIO_printf(out, "   valid from ");
    ASN1_TIME_print(out, X509_get0_notBefore(cert));
    BIO_printf(out, " until ");
    ASN1_TIME_print(out, X509_get0_notAfter(cert));
    BIO_printf(out, "\n");
    EVP_PKEY_free(key);
    BIO_free(out);
}

int main(int argc, char **argv)
{
    struct msg_log msg_log = { MSG_LOG_MAGIC, 0 };
    STACK_OF(X509) *chain;
    const SSL_CIPHER *cipher;
    EVP_PKEY *tmp_key;
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, i;

    if (argc != 4 && !(argc == 5 && strcmp(argv[4], "tls1.2") == 0)) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE [tls1.2]\n", argv[0]);
        return 1;
    }
    SSL_library_init();
    SSL_load_error_strings();
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, argv[3], NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_info_callback(ctx, print_info_cb);
    SSL_CTX_set_keylog_callback(ctx, keylog_cb);
    SSL_CTX_set_msg_callback(ctx, print_msg_cb);
    SSL_CTX_set_msg_callback_arg(ctx, &msg_log);
    if (argc == 5)
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);

    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return 1;
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (SSL_connect(ssl) != 1) {
        printf("record-layer message callbacks: %s\n",
               msg_log.record_layer_calls ? "some" : "none");
        fflush(stdout);
        ERR_print_errors_fp(stderr);
        SSL_free(ssl);
        close(fd);
        SSL_CTX_free(ctx);
        return 2;
    }
    /* The log is flushed before the callbacks' lines are compared with the chain below. */
    fflush(stdout);

    chain = SSL_get_peer_cert_chain(ssl);
    printf("---\nCertificate chain (%d)\n", chain ? sk_X509_num(chain) : 0);
    for (i = 0; chain && i < sk_X509_num(chain); i++)
        print_cert(i, sk_X509_value(chain, i));
    printf("leaf is the chain's first: %s\n",
           chain && sk_X509_num(chain) > 0 && X509_cmp(SSL_get0_peer_certificate(ssl),
                                                        sk_X509_value(chain, 0)) == 0
               ? "yes" : "no");
    if (SSL_get_server_tmp_key(ssl, &tmp_key)) {
        printf("Server Temp Key: %s, %d bits\n", OBJ_nid2sn(EVP_PKEY_id(tmp_key)),
               EVP_PKEY_bits(tmp_key));
        EVP_PKEY_free(tmp_key);
    }
    cipher = SSL_get_current_cipher(ssl);
    printf("---\nProtocol: %s\nCipher: %s (%s), %d bits, since %s\n", SSL_get_version(ssl),
           SSL_CIPHER_get_name(cipher), SSL_CIPHER_standard_name(cipher),
           SSL_CIPHER_get_bits(cipher, NULL), SSL_CIPHER_get_version(cipher));
    printf("keylog: %s lines, client traffic secret logged: %s\n",
           keylog_lines >= 4 ? "4 or more" : "fewer than 4", keylog_traffic == 1 ? "yes" : "no");
    printf("exchange ended with %s\n", ssl_error_name(http_exchange(ssl, 0)));
    SSL_shutdown(ssl);
    printf("record-layer message callbacks: %s\n",
               msg_log.record_layer_calls ? "some" : "none");
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return 0;
}
