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

static void info_cb(const SSL *ssl, int where, int ret)
{
    const char *side = (where & SSL_ST_CONNECT) ? "SSL_connect" :
                       (where & SSL_ST_ACCEPT) ? "SSL_accept" : "undefined";

    if (where & SSL_CB_LOOP)
        printf("%s:%s [%s]\n", side, SSL_state_string_long(ssl), SSL_state_string(ssl));
    else if (where & SSL_CB_ALERT)
        printf("SSL3 alert %s:%s:%s [%s:%s]\n", (where & SSL_CB_READ) ? "read" : "write",
               SSL_alert_type_string_long(ret), SSL_alert_desc_string_long(ret),
               SSL_alert_type_string(ret), SSL_alert_desc_string(ret));
    else if (where & SSL_CB_EXIT && ret <= 0)
        printf("%s:%s in %s\n", side, ret == 0 ? "failed" : "error",
               SSL_state_string_long(ssl));
    if (where & SSL_CB_HANDSHAKE_START)
        printf("handshake start\n");
    if (where & SSL_CB_HANDSHAKE_DONE)
        printf("handshake done\n");
}

static int record_layer_calls;

static void msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
                   SSL *ssl, void *arg)
{
    const unsigned char *b = buf;
    const char *dir = write_p ? "sent" : "received";

    (void)version;
    (void)ssl;
    if (arg != (void *)&keylog_lines)
        printf("msg callback: wrong arg\n");
    if (content_type == SSL3_RT_HANDSHAKE && len >= 4)
        /* Lengths vary with the library and the signatures: the header must match them. */
        printf("msg %s: handshake type %d, length %s\n", dir, b[0],
               len == 4 + (((size_t)b[1] << 16) | ((size_t)b[2] << 8) | b[3]) ? "as its header says"
                                                                             : "wrong");
    else if (content_type == SSL3_RT_ALERT && len == 2)
        printf("msg %s: alert level %d, description %d\n", dir, b[0], b[1]);
    else if (content_type == SSL3_RT_CHANGE_CIPHER_SPEC && len == 1)
        printf("msg %s: change cipher spec %d\n", dir, b[0]);
    else if (content_type == SSL3_RT_HEADER || content_type == SSL3_RT_INNER_CONTENT_TYPE)
        record_layer_calls++; /* record-layer detail: counted, not printed */
    else
        printf("msg %s: content type %d, %lu bytes\n", dir, content_type, (unsigned long)len);
}

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
    SSL_CTX_set_info_callback(ctx, info_cb);
    SSL_CTX_set_keylog_callback(ctx, keylog_cb);
    SSL_CTX_set_msg_callback(ctx, msg_cb);
    SSL_CTX_set_msg_callback_arg(ctx, &keylog_lines);
    if (argc == 5)
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);

    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return 1;
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (SSL_connect(ssl) != 1) {
        printf("record-layer message callbacks: %s\n", record_layer_calls ? "some" : "none");
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
    printf("record-layer message callbacks: %s\n", record_layer_calls ? "some" : "none");
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return 0;
}
