/* Session reuse on the client, as legacy clients persist it: after an exchange it keeps the
 * session (SSL_get1_session), offers it on the next connection (SSL_set_session) and checks
 * SSL_session_reused; it also saves the session with i2d_SSL_SESSION to a file, and a later run
 * restores it with d2i_SSL_SESSION. With the client session cache on, a new-session callback
 * prints each session as it becomes available (a TLS 1.3 ticket, a TLS 1.2 session); "tls12"
 * keeps to TLS 1.2.
 * usage: session_client HOST PORT CAFILE SESSIONFILE save|restore [tls12] */
#include "legacy.h"
#include <time.h>

/* Does not keep the session: returns 0, so the library frees its reference. */
static int new_session(SSL *ssl, SSL_SESSION *session)
{
    unsigned int id_len;

    SSL_SESSION_get_id(session, &id_len);
    printf("new session callback: %s, resumable: %s, id of %u bytes, same SSL_CTX: %s\n",
           SSL_SESSION_get_protocol_version(session) == TLS1_3_VERSION ? "TLSv1.3" : "TLSv1.2",
           SSL_SESSION_is_resumable(session) ? "yes" : "no", id_len,
           SSL_get_SSL_CTX(ssl) != NULL ? "yes" : "no");
    return 0;
}

/* One connection offering `offer` (may be NULL); returns the session to keep, NULL on failure. */
static SSL_SESSION *exchange(SSL_CTX *ctx, const char *host, const char *port,
                             SSL_SESSION *offer, int n)
{
    SSL_SESSION *session;
    SSL *ssl;
    char buf[4096];
    int fd;

    fd = tcp_connect(host, port);
    if (fd < 0)
        exit(1);
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (offer != NULL && SSL_set_session(ssl, offer) != 1) {
        printf("connection %d: SSL_set_session failed\n", n);
        ERR_print_errors_fp(stderr);
    }
    if (SSL_connect(ssl) != 1) {
        printf("connection %d: handshake failed\n", n);
        ERR_print_errors_fp(stderr);
        exit(2);
    }
    SSL_write(ssl, HTTP_REQUEST, (int)strlen(HTTP_REQUEST));
    while (SSL_read(ssl, buf, sizeof(buf)) > 0)
        continue;
    printf("connection %d: %s, %s\n", n, SSL_get_version(ssl),
           SSL_session_reused(ssl) ? "reused" : "new session");
    session = SSL_get1_session(ssl);
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    return session;
}

int main(int argc, char **argv)
{
    SSL_SESSION *session, *next;
    SSL_CTX *ctx;
    unsigned char der[8192], *p;
    const unsigned char *q;
    unsigned int id_len;
    long len;
    FILE *f;

    if (argc != 6 && !(argc == 7 && strcmp(argv[6], "tls12") == 0)) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE SESSIONFILE save|restore [tls12]\n", argv[0]);
        return 1;
    }
    SSL_library_init();
    SSL_load_error_strings();
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, argv[3], NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (argc == 7)
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT);
    SSL_CTX_sess_set_new_cb(ctx, new_session);
    printf("new-session callback installed: %s\n",
           SSL_CTX_sess_get_new_cb(ctx) == new_session ? "yes" : "no");

    if (strcmp(argv[5], "save") == 0) {
        session = exchange(ctx, argv[1], argv[2], NULL, 1);
        SSL_SESSION_get_id(session, &id_len);
        printf("session: id of %u bytes, timeout %ld, time is current: %s\n", id_len,
               SSL_SESSION_get_timeout(session),
               labs((long)time(NULL) - SSL_SESSION_get_time(session)) < 120 ? "yes" : "no");
        next = exchange(ctx, argv[1], argv[2], session, 2);
        SSL_SESSION_free(session);
        len = i2d_SSL_SESSION(next, NULL);
        if (len <= 0 || len > (long)sizeof(der)) {
            printf("i2d_SSL_SESSION returned %ld\n", len);
            return 2;
        }
        p = der;
        i2d_SSL_SESSION(next, &p);
        printf("saved session: %s\n", p == der + len ? "complete" : "short");
        f = fopen(argv[4], "wb");
        fwrite(der, 1, (size_t)len, f);
        fclose(f);
        SSL_SESSION_free(next);
    } else {
        f = fopen(argv[4], "rb");
        if (f == NULL) {
            perror(argv[4]);
            return 1;
        }
        len = (long)fread(der, 1, sizeof(der), f);
        fclose(f);
        q = der;
        session = d2i_SSL_SESSION(NULL, &q, len);
        if (session == NULL) {
            printf("d2i_SSL_SESSION failed\n");
            ERR_print_errors_fp(stderr);
            return 2;
        }
        printf("restored session: %s\n", q == der + len ? "all bytes read" : "bytes left");
        next = exchange(ctx, argv[1], argv[2], session, 3);
        SSL_SESSION_free(session);
        SSL_SESSION_free(next);
    }
    SSL_CTX_free(ctx);
    return 0;
}
