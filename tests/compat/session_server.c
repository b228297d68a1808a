/* A server with OpenSSL's session cache: SESS_CACHE_SERVER, a bounded cache, a timeout and a
 * session ID context (without which resumption with client certificates fails); prints whether
 * each connection resumed, and how many sessions the new-session and remove-session callbacks
 * saw. "external" keeps the sessions in the program's own cache instead (the new-session
 * callback keeps them, the get-session callback finds them; the internal lookup is off);
 * "external-der" keeps them as i2d_SSL_SESSION bytes, which the get-session callback reads back
 * with d2i_SSL_SESSION (how a cache shared between processes holds them).
 * usage: session_server CERTFILE KEYFILE CONNECTIONS [no-ticket] [external|external-der] */
#include "legacy.h"
#include <signal.h>

#define EXTERNAL_MAX 16
static SSL_SESSION *external[EXTERNAL_MAX];
static unsigned char external_der[EXTERNAL_MAX][1024];
static long external_der_len[EXTERNAL_MAX];
static int external_count, keep_sessions, keep_der;
static int new_count, remove_count, get_count, get_found;

static int new_session(SSL *ssl, SSL_SESSION *session)
{
    (void)ssl;
    unsigned char *p;

    new_count++;
    if (keep_der && external_count < EXTERNAL_MAX && i2d_SSL_SESSION(session, NULL) <= 1024) {
        p = external_der[external_count];
        external_der_len[external_count++] = i2d_SSL_SESSION(session, &p);
        return 0;
    }
    if (keep_sessions && external_count < EXTERNAL_MAX) {
        external[external_count++] = session;
        return 1; /* the reference is the cache's now */
    }
    return 0;
}

static void remove_session(SSL_CTX *ctx, SSL_SESSION *session)
{
    (void)ctx;
    (void)session;
    remove_count++;
}

static SSL_SESSION *get_session(SSL *ssl, const unsigned char *id, int len, int *copy)
{
    const unsigned char *known, *der;
    unsigned int known_len;
    SSL_SESSION *session;
    int i;

    (void)ssl;
    get_count++;
    for (i = 0; keep_der && i < external_count; i++) {
        der = external_der[i];
        session = d2i_SSL_SESSION(NULL, &der, external_der_len[i]);
        known = SSL_SESSION_get_id(session, &known_len);
        if ((int)known_len == len && memcmp(known, id, (size_t)len) == 0) {
            get_found++;
            *copy = 0; /* the new session's reference is the library's */
            return session;
        }
        SSL_SESSION_free(session);
    }
    for (i = 0; !keep_der && i < external_count; i++) {
        known = SSL_SESSION_get_id(external[i], &known_len);
        if ((int)known_len == len && memcmp(known, id, (size_t)len) == 0) {
            get_found++;
            *copy = 1; /* the cache keeps its reference */
            return external[i];
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static const unsigned char sid_ctx[] = "legacy-session-server";
    SSL_CTX *ctx;
    SSL *ssl;
    int listener, fd, i, count;

    if (argc < 4 || argc > 6) {
        fprintf(stderr, "usage: %s CERTFILE KEYFILE CONNECTIONS [no-ticket] [external]\n",
                argv[0]);
        return 1;
    }
    count = atoi(argv[3]);
    SSL_library_init();
    SSL_load_error_strings();
    ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_file(ctx, argv[1], SSL_FILETYPE_PEM) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    for (i = 4; i < argc; i++) {
        if (strcmp(argv[i], "no-ticket") == 0)
            SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
        else if (strcmp(argv[i], "external") == 0)
            keep_sessions = 1;
        else if (strcmp(argv[i], "external-der") == 0)
            keep_sessions = keep_der = 1;
    }
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER
                                            | (keep_sessions ? SSL_SESS_CACHE_NO_INTERNAL : 0));
    SSL_CTX_sess_set_new_cb(ctx, new_session);
    SSL_CTX_sess_set_remove_cb(ctx, remove_session);
    SSL_CTX_sess_set_get_cb(ctx, get_session);
    printf("callbacks installed: %s\n",
           SSL_CTX_sess_get_new_cb(ctx) == new_session
                   && SSL_CTX_sess_get_remove_cb(ctx) == remove_session
                   && SSL_CTX_sess_get_get_cb(ctx) == get_session
               ? "yes"
               : "no");
    SSL_CTX_sess_set_cache_size(ctx, 128);
    SSL_CTX_set_timeout(ctx, 300);
    SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx) - 1);
    printf("cache size %ld, timeout %ld\n", SSL_CTX_sess_get_cache_size(ctx),
           SSL_CTX_get_timeout(ctx));

    signal(SIGPIPE, SIG_IGN); /* a client that leaves early must not kill the server */
    listener = tcp_listen();
    for (i = 1; i <= count; i++) {
        fd = accept(listener, NULL, NULL);
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) != 1) {
            printf("connection %d: handshake failed\n", i);
            ERR_print_errors_fp(stderr);
        } else {
            printf("connection %d: %s, %s\n", i, SSL_get_version(ssl),
                   SSL_session_reused(ssl) ? "resumed" : "full handshake");
            printf("sessions so far: %d new, %d removed, %d looked up (%d found)\n", new_count,
                   remove_count, get_count, get_found);
            if (read_request(ssl) && write_response(ssl, NULL) && SSL_shutdown(ssl) == 0)
                SSL_shutdown(ssl);
        }
        fflush(stdout);
        SSL_free(ssl);
        close(fd);
    }
    close(listener);
    SSL_CTX_free(ctx);
    printf("after SSL_CTX_free: %d new, %d removed\n", new_count, remove_count);
    for (i = 0; !keep_der && i < external_count; i++)
        SSL_SESSION_free(external[i]);
    return 0;
}
