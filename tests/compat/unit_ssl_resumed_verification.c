/*
 * What a client reconnecting to a server learns of its verification. OpenSSL resumes only the
 * sessions a program hands to SSL_set_session and reports their recorded result; ftls resumes
 * from the context's own cache, so it must offer a session only to connections that would have
 * verified the server the same way, and only when the verification passed: a resumed
 * handshake checks no certificate. Each connection prints how its handshake ended and its
 * SSL_get_verify_result, and the server's; whether it resumed goes to stderr (OpenSSL,
 * without SSL_set_session, never does). A server that tolerated a client certificate it could
 * not verify must, too, report that again on a resumed connection. Client and server in one process over memory BIOs. Built unchanged against the
 * system OpenSSL and against ftls' root; the two stdouts must be identical.
 *
 *   unit_ssl_resumed_verification CERT.pem KEY.pem CA.pem
 *
 * CERT must name localhost, and not other.test.
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>

#include "memory_pair.h"

static void die(const char *what)
{
    printf("FAILED: %s\n", what);
    exit(1);
}

/* A verify callback that accepts any certificate and clears its error. */
static int accept_any(int preverify_ok, X509_STORE_CTX *store)
{
    (void)preverify_ok;
    X509_STORE_CTX_set_error(store, X509_V_OK);
    return 1;
}

/* A client connection to localhost; `host` is checked against the certificate unless NULL. */
static SSL *client_of(SSL_CTX *ctx, const char *host)
{
    SSL *client = SSL_new(ctx);
    if (client == NULL)
        die("SSL_new client");
    SSL_set_tlsext_host_name(client, "localhost");
    if (host != NULL)
        SSL_set1_host(client, host);
    return client;
}

/* A verify callback that accepts any certificate and leaves its error (recorded). */
static int tolerate_any(int preverify_ok, X509_STORE_CTX *store)
{
    (void)preverify_ok;
    (void)store;
    return 1;
}

/* Runs the handshake over memory BIOs, then one byte from server to client (which brings the
 * client its TLS 1.3 tickets); prints how the client ended and each side's verify result.
 * With `keep`, the client's session is kept there. */
static void connect_kept(const char *label, SSL *client, SSL_CTX *server_ctx, SSL_SESSION **keep)
{
    SSL *server = SSL_new(server_ctx);
    struct handshake_end end;
    char byte;
    long result;
    if (server == NULL)
        die("SSL_new server");
    end = handshake_in_memory(client, server);
    if (end.client_done && end.server_done
        && (SSL_write(server, "x", 1) != 1 || SSL_read(client, &byte, 1) != 1))
        die("one byte from server to client");
    ERR_clear_error();
    result = SSL_get_verify_result(client);
    printf("%s: client %s, verify result %ld (%s), server's %ld\n", label,
           handshake_word(end.client_done, end.client_failed), result,
           X509_verify_cert_error_string(result), SSL_get_verify_result(server));
    fprintf(stderr, "%s: resumed %d\n", label, SSL_session_reused(client));
    if (keep != NULL)
        *keep = SSL_get1_session(client);
    SSL_shutdown(client);
    SSL_shutdown(server);
    ERR_clear_error();
    SSL_free(client);
    SSL_free(server);
}

static void connect_once(const char *label, SSL *client, SSL_CTX *server_ctx)
{
    connect_kept(label, client, server_ctx, NULL);
}

/* A connection, then one offering its session as OpenSSL resumes (SSL_set_session). */
static void connect_twice(const char *version, const char *first, const char *again,
                          SSL_CTX *client_ctx, SSL_CTX *server_ctx)
{
    char label[128];
    SSL_SESSION *session = NULL;
    SSL *client;
    snprintf(label, sizeof label, "%s %s", version, first);
    connect_kept(label, client_of(client_ctx, "localhost"), server_ctx, &session);
    client = client_of(client_ctx, "localhost");
    SSL_set_session(client, session);
    SSL_SESSION_free(session);
    snprintf(label, sizeof label, "%s %s", version, again);
    connect_once(label, client, server_ctx);
}

/* A client context verifying with `mode`, trusting `ca` (none when NULL), up to `max_version`. */
static SSL_CTX *client_ctx_of(int mode, const char *ca, int max_version)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || SSL_CTX_set_max_proto_version(ctx, max_version) != 1)
        die("client context");
    if (ca != NULL && SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
        die("client trust");
    SSL_CTX_set_verify(ctx, mode, NULL);
    return ctx;
}

static const char *cert, *key;
static SSL_CTX *tolerant_server_ctx, *trusting_server_ctx;

static void run(const char *version, int max_version, SSL_CTX *server_ctx, const char *ca)
{
    char label[128];
    SSL_CTX *ctx;
    SSL *client;
    int i;

    /* An untrusted server tolerated by SSL_VERIFY_NONE: each connection reports it again. */
    ctx = client_ctx_of(SSL_VERIFY_NONE, NULL, max_version);
    for (i = 1; i <= 3; i++) {
        snprintf(label, sizeof label, "%s untrusted, verify none, connection %d", version, i);
        connect_once(label, client_of(ctx, "localhost"), server_ctx);
    }
    SSL_CTX_free(ctx);

    /* A trusted server under SSL_VERIFY_NONE: its sessions may be resumed. */
    ctx = client_ctx_of(SSL_VERIFY_NONE, ca, max_version);
    for (i = 1; i <= 3; i++) {
        snprintf(label, sizeof label, "%s trusted, verify none, connection %d", version, i);
        connect_once(label, client_of(ctx, "localhost"), server_ctx);
    }
    SSL_CTX_free(ctx);

    /* A session of a connection that checked no name, then connections that check one. */
    ctx = client_ctx_of(SSL_VERIFY_PEER, ca, max_version);
    snprintf(label, sizeof label, "%s no name checked", version);
    connect_once(label, client_of(ctx, NULL), server_ctx);
    snprintf(label, sizeof label, "%s then other.test checked", version);
    connect_once(label, client_of(ctx, "other.test"), server_ctx);
    snprintf(label, sizeof label, "%s then localhost checked", version);
    connect_once(label, client_of(ctx, "localhost"), server_ctx);
    snprintf(label, sizeof label, "%s then localhost again", version);
    connect_once(label, client_of(ctx, "localhost"), server_ctx);
    SSL_CTX_free(ctx);

    /* An untrusted server accepted by one connection's callback, then one without it. */
    ctx = client_ctx_of(SSL_VERIFY_PEER, NULL, max_version);
    client = client_of(ctx, "localhost");
    SSL_set_verify(client, SSL_VERIFY_PEER, accept_any);
    snprintf(label, sizeof label, "%s untrusted, accepted by a callback", version);
    connect_once(label, client, server_ctx);
    snprintf(label, sizeof label, "%s then without the callback", version);
    connect_once(label, client_of(ctx, "localhost"), server_ctx);
    SSL_CTX_free(ctx);

    /* A server that asks for a certificate it cannot verify and tolerates it (its callback
     * leaves the error): the client resuming that session, as OpenSSL resumes it (with
     * SSL_set_session), is reported the same again. */
    ctx = client_ctx_of(SSL_VERIFY_PEER, ca, max_version);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        die("client certificate");
    /* The certificate alone, as ftls sends it (OpenSSL would add the CA it trusts). */
    SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
    connect_twice(version, "client certificate tolerated", "then that session again", ctx,
                  tolerant_server_ctx);
    /* The same server trusting the client's CA: its sessions resume. */
    connect_twice(version, "client certificate verified", "then that verified session again", ctx,
                  trusting_server_ctx);
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv)
{
    SSL_CTX *server_ctx;
    if (argc != 4)
        die("usage: unit_ssl_resumed_verification CERT.pem KEY.pem CA.pem");
    cert = argv[1];
    key = argv[2];
    server_ctx = SSL_CTX_new(TLS_server_method());
    tolerant_server_ctx = SSL_CTX_new(TLS_server_method());
    if (server_ctx == NULL || SSL_CTX_use_certificate_chain_file(server_ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(server_ctx, key, SSL_FILETYPE_PEM) != 1)
        die("server context");
    /* Trusts nothing: the client's certificate fails verification. */
    if (tolerant_server_ctx == NULL ||
        SSL_CTX_use_certificate_chain_file(tolerant_server_ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(tolerant_server_ctx, key, SSL_FILETYPE_PEM) != 1)
        die("tolerant server context");
    trusting_server_ctx = SSL_CTX_new(TLS_server_method());
    if (trusting_server_ctx == NULL ||
        SSL_CTX_use_certificate_chain_file(trusting_server_ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(trusting_server_ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_load_verify_locations(trusting_server_ctx, argv[3], NULL) != 1)
        die("trusting server context");
    SSL_CTX_set_verify(tolerant_server_ctx, SSL_VERIFY_PEER, tolerate_any);
    SSL_CTX_set_verify(trusting_server_ctx, SSL_VERIFY_PEER, tolerate_any);
    if (SSL_CTX_set_session_id_context(tolerant_server_ctx, (const unsigned char *)"unit", 4) != 1 ||
        SSL_CTX_set_session_id_context(trusting_server_ctx, (const unsigned char *)"unit", 4) != 1)
        die("session ID context");
    run("TLS 1.3", TLS1_3_VERSION, server_ctx, argv[3]);
    run("TLS 1.2", TLS1_2_VERSION, server_ctx, argv[3]);
    SSL_CTX_free(server_ctx);
    SSL_CTX_free(tolerant_server_ctx);
    SSL_CTX_free(trusting_server_ctx);
    printf("done\n");
    return 0;
}
