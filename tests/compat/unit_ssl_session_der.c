/*
 * A server's sessions kept by the program as i2d_SSL_SESSION bytes, outside the library: the
 * context that made them is freed (as when its process ends), and a new context's get-session
 * callback reads them back with d2i_SSL_SESSION. The client reconnecting resumes, unless the
 * new context has another session ID context. TLS 1.2 session IDs and TLS 1.3 stateful tickets
 * (SSL_OP_NO_TICKET). Client and server in one process over memory BIOs. Built unchanged
 * against the system OpenSSL and against ftls' root; the two stdouts must be identical.
 *
 *   unit_ssl_session_der CERT.pem KEY.pem CA.pem
 */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory_pair.h"

/* The program's own cache: one serialised session. */
static unsigned char saved[4096];
static int saved_len;

static void die(const char *what)
{
    printf("FAILED: %s\n", what);
    exit(1);
}

static int save_session(SSL *ssl, SSL_SESSION *session)
{
    unsigned char *p = saved;
    (void)ssl;
    if (i2d_SSL_SESSION(session, NULL) <= (int)sizeof saved)
        saved_len = i2d_SSL_SESSION(session, &p);
    return 0; /* the library keeps its reference */
}

static SSL_SESSION *find_session(SSL *ssl, const unsigned char *id, int len, int *copy)
{
    const unsigned char *p = saved;
    (void)ssl;
    (void)id;
    (void)len;
    *copy = 0; /* the reference d2i made is handed over */
    return saved_len > 0 ? d2i_SSL_SESSION(NULL, &p, saved_len) : NULL;
}

/* A server context keeping no session itself: the callbacks above keep them. */
static SSL_CTX *server_ctx_of(const char *cert, const char *key, const char *id_context)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_set_session_id_context(ctx, (const unsigned char *)id_context,
                                       (unsigned int)strlen(id_context)) != 1)
        die("server context");
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
    SSL_CTX_sess_set_new_cb(ctx, save_session);
    SSL_CTX_sess_set_get_cb(ctx, find_session);
    return ctx;
}

/* One connection; the client's session is offered (SSL_set_session) when `session` is set,
 * and the new one kept there. Prints how it went. */
static void connect_once(const char *label, SSL_CTX *client_ctx, SSL_CTX *server_ctx,
                         SSL_SESSION **session)
{
    SSL *client = SSL_new(client_ctx), *server = SSL_new(server_ctx);
    struct handshake_end end;
    char byte;
    if (client == NULL || server == NULL)
        die("SSL_new");
    SSL_set_tlsext_host_name(client, "localhost");
    SSL_set1_host(client, "localhost");
    if (*session != NULL)
        SSL_set_session(client, *session);
    end = handshake_in_memory(client, server);
    /* One byte from the server brings the client its TLS 1.3 ticket. */
    if (end.client_done && end.server_done &&
        (SSL_write(server, "x", 1) != 1 || SSL_read(client, &byte, 1) != 1))
        die("one byte from server to client");
    printf("%s: client %s, server %s, resumed %d %d\n", label,
           handshake_word(end.client_done, end.client_failed),
           handshake_word(end.server_done, end.server_failed), SSL_session_reused(client),
           SSL_session_reused(server));
    SSL_SESSION_free(*session);
    *session = SSL_get1_session(client);
    /* Closed properly: OpenSSL does not resume the session of a connection freed without. */
    SSL_shutdown(client);
    SSL_shutdown(server);
    ERR_clear_error();
    SSL_free(client);
    SSL_free(server);
}

static void run(const char *version, int max_version, const char **argv)
{
    char label[128];
    SSL_SESSION *session = NULL;
    SSL_CTX *client_ctx = SSL_CTX_new(TLS_client_method()), *server_ctx;
    if (client_ctx == NULL || SSL_CTX_load_verify_locations(client_ctx, argv[3], NULL) != 1 ||
        SSL_CTX_set_max_proto_version(client_ctx, max_version) != 1)
        die("client context");
    SSL_CTX_set_verify(client_ctx, SSL_VERIFY_PEER, NULL);
    saved_len = 0;

    server_ctx = server_ctx_of(argv[1], argv[2], "unit");
    snprintf(label, sizeof label, "%s first server", version);
    connect_once(label, client_ctx, server_ctx, &session);
    printf("%s: a session was saved: %s\n", version, saved_len > 0 ? "yes" : "no");
    SSL_CTX_free(server_ctx);

    server_ctx = server_ctx_of(argv[1], argv[2], "unit");
    snprintf(label, sizeof label, "%s a new server reading it back", version);
    connect_once(label, client_ctx, server_ctx, &session);
    SSL_CTX_free(server_ctx);

    server_ctx = server_ctx_of(argv[1], argv[2], "other");
    snprintf(label, sizeof label, "%s a server of another session ID context", version);
    connect_once(label, client_ctx, server_ctx, &session);
    SSL_CTX_free(server_ctx);

    SSL_SESSION_free(session);
    SSL_CTX_free(client_ctx);
}

int main(int argc, char **argv)
{
    if (argc != 4)
        die("usage: unit_ssl_session_der CERT.pem KEY.pem CA.pem");
    run("TLS 1.3", TLS1_3_VERSION, (const char **)argv);
    run("TLS 1.2", TLS1_2_VERSION, (const char **)argv);
    printf("done\n");
    return 0;
}
