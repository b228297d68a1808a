/*
 * A connection's own settings against its context's: what SSL_set_verify, SSL_set_options,
 * SSL_set_min/max_proto_version, SSL_set_cipher_list and SSL_set_ciphersuites change on one
 * SSL holds for its handshake (also on a server whose servername callback switches contexts),
 * and a change to the context after SSL_new does not reach an SSL made before it (OpenSSL
 * copies these settings at SSL_new). Client and server in one process over memory BIOs.
 * Built unchanged against the system OpenSSL and against ftls' root; the two stdouts must be
 * identical.
 *
 *   unit_ssl_own_settings CERT.pem KEY.pem CA.pem
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory_pair.h"

static SSL_CTX *server_ctx, *client_ctx, *client_with_cert_ctx, *site_ctx;

/* A servername callback as nginx's: switches to the site's context, then sets the verify mode
 * on the connection (SSL_set_SSL_CTX does not copy it). */
static int switch_site(SSL *ssl, int *alert, void *arg)
{
    (void)alert;
    (void)arg;
    SSL_set_SSL_CTX(ssl, site_ctx);
    SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    return SSL_TLSEXT_ERR_OK;
}

/* A servername callback that only looks. */
static int look_only(SSL *ssl, int *alert, void *arg)
{
    (void)ssl;
    (void)alert;
    (void)arg;
    return SSL_TLSEXT_ERR_OK;
}

static void die(const char *what)
{
    printf("FAILED: %s\n", what);
    exit(1);
}

/* The first error queued since the last call (library and reason), then an empty queue. */
static void print_first_error(const char *label)
{
    unsigned long e = ERR_peek_error();
    printf("%s: error lib=%d reason=%d\n", label, ERR_GET_LIB(e), ERR_GET_REASON(e));
    ERR_clear_error();
}

static SSL *client_of(SSL_CTX *ctx)
{
    SSL *client = SSL_new(ctx);
    if (client == NULL)
        die("SSL_new client");
    SSL_set1_host(client, "localhost");
    SSL_set_tlsext_host_name(client, "localhost");
    return client;
}

/* Runs the handshake over memory BIOs; prints how each side ended, the version and suite,
 * and what the server saw of the client. */
static void handshake(const char *label, SSL *client, SSL *server)
{
    struct handshake_end end = handshake_in_memory(client, server);
    X509 *peer;
    ERR_clear_error();
    peer = SSL_get1_peer_certificate(server);
    printf("%s: client %s, server %s", label, handshake_word(end.client_done, end.client_failed),
           handshake_word(end.server_done, end.server_failed));
    if (end.client_done && end.server_done)
        printf(", %s %s", SSL_get_version(client),
               SSL_CIPHER_get_name(SSL_get_current_cipher(client)));
    printf(", client certificate %s\n", peer != NULL ? "seen" : "none");
    X509_free(peer);
    SSL_free(client);
    SSL_free(server);
}

int main(int argc, char **argv)
{
    SSL *client, *server;
    if (argc != 4)
        die("usage: unit_ssl_own_settings CERT.pem KEY.pem CA.pem");
    server_ctx = SSL_CTX_new(TLS_server_method());
    client_ctx = SSL_CTX_new(TLS_client_method());
    client_with_cert_ctx = SSL_CTX_new(TLS_client_method());
    if (server_ctx == NULL || client_ctx == NULL || client_with_cert_ctx == NULL)
        die("SSL_CTX_new");
    if (SSL_CTX_use_certificate_chain_file(server_ctx, argv[1]) != 1 ||
        SSL_CTX_use_PrivateKey_file(server_ctx, argv[2], SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_load_verify_locations(server_ctx, argv[3], NULL) != 1)
        die("server context");
    if (SSL_CTX_load_verify_locations(client_ctx, argv[3], NULL) != 1 ||
        SSL_CTX_load_verify_locations(client_with_cert_ctx, argv[3], NULL) != 1 ||
        SSL_CTX_use_certificate_chain_file(client_with_cert_ctx, argv[1]) != 1 ||
        SSL_CTX_use_PrivateKey_file(client_with_cert_ctx, argv[2], SSL_FILETYPE_PEM) != 1)
        die("client contexts");
    SSL_CTX_set_verify(client_ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_verify(client_with_cert_ctx, SSL_VERIFY_PEER, NULL);

    handshake("defaults", client_of(client_ctx), SSL_new(server_ctx));

    /* A server that asks for client certificates on one connection only. */
    server = SSL_new(server_ctx);
    SSL_set_verify(server, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    printf("server verify mode: ssl %d ctx %d\n", SSL_get_verify_mode(server),
           SSL_CTX_get_verify_mode(server_ctx));
    handshake("server requires a certificate, client has none", client_of(client_ctx), server);
    server = SSL_new(server_ctx);
    SSL_set_verify(server, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    handshake("server requires a certificate, client has one", client_of(client_with_cert_ctx),
              server);
    server = SSL_new(server_ctx);
    SSL_set_verify(server, SSL_VERIFY_PEER, NULL);
    handshake("server asks for a certificate", client_of(client_ctx), server);
    handshake("the next connection of that server", client_of(client_with_cert_ctx),
              SSL_new(server_ctx));

    /* Protocol versions and options on one side. */
    client = client_of(client_ctx);
    SSL_set_max_proto_version(client, TLS1_2_VERSION);
    printf("client max version: ssl 0x%x ctx 0x%x\n", (unsigned)SSL_get_max_proto_version(client),
           (unsigned)SSL_CTX_get_max_proto_version(client_ctx));
    handshake("client max TLS 1.2", client, SSL_new(server_ctx));
    client = client_of(client_ctx);
    SSL_set_options(client, SSL_OP_NO_TLSv1_3);
    handshake("client without TLS 1.3", client, SSL_new(server_ctx));
    server = SSL_new(server_ctx);
    SSL_set_options(server, SSL_OP_NO_TLSv1_3);
    handshake("server without TLS 1.3", client_of(client_ctx), server);
    server = SSL_new(server_ctx);
    SSL_set_min_proto_version(server, TLS1_3_VERSION);
    client = client_of(client_ctx);
    SSL_set_max_proto_version(client, TLS1_2_VERSION);
    handshake("server min TLS 1.3, client max TLS 1.2", client, server);

    /* Cipher suites on one connection. */
    client = client_of(client_ctx);
    printf("set_ciphersuites: %d\n", SSL_set_ciphersuites(client, "TLS_CHACHA20_POLY1305_SHA256"));
    handshake("client suite ChaCha20", client, SSL_new(server_ctx));
    client = client_of(client_ctx);
    printf("set_cipher_list: %d\n",
           SSL_set_cipher_list(client, "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256"));
    printf("set_cipher_list: list [3] %s [4] %s [5] %s\n",
           SSL_get_cipher_list(client, 3) ? SSL_get_cipher_list(client, 3) : "NULL",
           SSL_get_cipher_list(client, 4) ? SSL_get_cipher_list(client, 4) : "NULL",
           SSL_get_cipher_list(client, 5) ? SSL_get_cipher_list(client, 5) : "NULL");
    SSL_set_max_proto_version(client, TLS1_2_VERSION);
    handshake("client TLS 1.2 suite AES-128", client, SSL_new(server_ctx));
    client = client_of(client_ctx);
    printf("set_cipher_list nothing known: %d\n", SSL_set_cipher_list(client, "NO-SUCH-SUITE"));
    print_first_error("set_cipher_list nothing known");
    printf("set_ciphersuites unknown: %d\n", SSL_set_ciphersuites(client, "TLS_NO_SUCH_SUITE"));
    print_first_error("set_ciphersuites unknown");
    handshake("after refused lists", client, SSL_new(server_ctx));

    /* A change to the context after SSL_new: the SSLs made before keep what they copied. */
    client = client_of(client_ctx);
    server = SSL_new(server_ctx);
    SSL_CTX_set_max_proto_version(client_ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(server_ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    handshake("contexts changed after SSL_new", client, server);
    handshake("contexts changed before SSL_new", client_of(client_ctx), SSL_new(server_ctx));

    /* A server reading the ClientHello first (a servername callback): the verify mode set on
     * the connection before, or by the callback after switching contexts, holds. */
    site_ctx = SSL_CTX_new(TLS_server_method());
    if (site_ctx == NULL || SSL_CTX_use_certificate_chain_file(site_ctx, argv[1]) != 1 ||
        SSL_CTX_use_PrivateKey_file(site_ctx, argv[2], SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_load_verify_locations(site_ctx, argv[3], NULL) != 1)
        die("site context");
    SSL_CTX_set_max_proto_version(client_ctx, 0);
    SSL_CTX_set_verify(server_ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_tlsext_servername_callback(server_ctx, look_only);
    server = SSL_new(server_ctx);
    SSL_set_verify(server, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    handshake("servername callback, verify set before", client_of(client_ctx), server);
    SSL_CTX_set_tlsext_servername_callback(server_ctx, switch_site);
    handshake("verify set by the servername callback, client has none", client_of(client_ctx),
              SSL_new(server_ctx));
    handshake("verify set by the servername callback, client has one",
              client_of(client_with_cert_ctx), SSL_new(server_ctx));

    SSL_CTX_free(site_ctx);
    SSL_CTX_free(server_ctx);
    SSL_CTX_free(client_ctx);
    SSL_CTX_free(client_with_cert_ctx);
    printf("done\n");
    return 0;
}
