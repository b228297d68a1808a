/* A client and a server SSL of one process joined over memory BIOs: how the focused programs
 * here run a handshake. Like them, it uses only OpenSSL's API, so that it compiles unchanged
 * against the system OpenSSL and against ftls' root. */
#ifndef MEMORY_PAIR_H
#define MEMORY_PAIR_H

#include <openssl/bio.h>
#include <openssl/ssl.h>

/* How each side of a handshake ended. */
struct handshake_end {
    int client_done, server_done, client_failed, server_failed;
};

/* Joins the two over memory BIOs (each SSL holds a reference to both) and runs the handshake
 * until both are done or one fails, 20 rounds at most. The error queue is left as it is. */
static inline struct handshake_end handshake_in_memory(SSL *client, SSL *server)
{
    BIO *c2s = BIO_new(BIO_s_mem()), *s2c = BIO_new(BIO_s_mem());
    struct handshake_end end = {0, 0, 0, 0};
    int rounds, r;
    BIO_up_ref(c2s);
    BIO_up_ref(s2c);
    SSL_set_bio(client, s2c, c2s);
    SSL_set_bio(server, c2s, s2c);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    for (rounds = 0; rounds < 20 && !(end.client_done && end.server_done) && !end.client_failed
                     && !end.server_failed;
         rounds++) {
        if (!end.client_done) {
            r = SSL_do_handshake(client);
            end.client_done = r == 1;
            end.client_failed = r <= 0 && SSL_get_error(client, r) != SSL_ERROR_WANT_READ;
        }
        if (!end.server_done && !end.client_failed) {
            r = SSL_do_handshake(server);
            end.server_done = r == 1;
            end.server_failed = r <= 0 && SSL_get_error(server, r) != SSL_ERROR_WANT_READ;
        }
    }
    return end;
}

/* How one side ended, in a word. */
static inline const char *handshake_word(int done, int failed)
{
    return failed ? "failed" : done ? "done" : "waiting";
}

#endif
