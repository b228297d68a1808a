/*
 * What a client reconnecting to a server learns of its verification. OpenSSL resumes only the
 * sessions a program hands to SSL_set_session and reports their recorded result; ftls resumes
 * from the context's own cache, so it must offer a session only to connections that would have
 * verified the server the same way, and only when the verification passed: a resumed
 * handshake checks no certificate. Each connection prints how its handshake ended and its
 * SSL_get_verify_result; whether it resumed goes to stderr (OpenSSL, without SSL_set_session,
 * never does). Client and server in one process over memory BIOs. Built unchanged against the
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

/* Runs the handshake over memory BIOs, then one byte from server to client (which brings the
 * client its TLS 1.3 tickets); prints how the client ended and its verify result. */
static void connect_once(const char *label, SSL *client, SSL_CTX *server_ctx)
{
    SSL *server = SSL_new(server_ctx);
    BIO *c2s = BIO_new(BIO_s_mem()), *s2c = BIO_new(BIO_s_mem());
    int rounds, cdone = 0, sdone = 0, cfailed = 0, sfailed = 0, r;
    char byte;
    long result;
    if (server == NULL || c2s == NULL || s2c == NULL)
        die("SSL_new server or BIO_new");
    BIO_up_ref(c2s);
    BIO_up_ref(s2c);
    SSL_set_bio(client, s2c, c2s);
    SSL_set_bio(server, c2s, s2c);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    for (rounds = 0; rounds < 20 && !(cdone && sdone) && !cfailed && !sfailed; rounds++) {
        if (!cdone) {
            r = SSL_do_handshake(client);
            cdone = r == 1;
            cfailed = r <= 0 && SSL_get_error(client, r) != SSL_ERROR_WANT_READ;
        }
        if (!sdone && !cfailed) {
            r = SSL_do_handshake(server);
            sdone = r == 1;
            sfailed = r <= 0 && SSL_get_error(server, r) != SSL_ERROR_WANT_READ;
        }
    }
    if (cdone && sdone && (SSL_write(server, "x", 1) != 1 || SSL_read(client, &byte, 1) != 1))
        die("one byte from server to client");
    ERR_clear_error();
    result = SSL_get_verify_result(client);
    printf("%s: client %s, verify result %ld (%s)\n", label,
           cfailed ? "failed" : cdone ? "done" : "waiting", result,
           X509_verify_cert_error_string(result));
    fprintf(stderr, "%s: resumed %d\n", label, SSL_session_reused(client));
    SSL_shutdown(client);
    SSL_shutdown(server);
    ERR_clear_error();
    SSL_free(client);
    SSL_free(server);
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
}

int main(int argc, char **argv)
{
    SSL_CTX *server_ctx;
    if (argc != 4)
        die("usage: unit_ssl_resumed_verification CERT.pem KEY.pem CA.pem");
    server_ctx = SSL_CTX_new(TLS_server_method());
    if (server_ctx == NULL || SSL_CTX_use_certificate_chain_file(server_ctx, argv[1]) != 1 ||
        SSL_CTX_use_PrivateKey_file(server_ctx, argv[2], SSL_FILETYPE_PEM) != 1)
        die("server context");
    run("TLS 1.3", TLS1_3_VERSION, server_ctx, argv[3]);
    run("TLS 1.2", TLS1_2_VERSION, server_ctx, argv[3]);
    SSL_CTX_free(server_ctx);
    printf("done\n");
    return 0;
}
