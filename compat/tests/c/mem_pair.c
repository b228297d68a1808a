/*
 * A client and a server in one process, each over a pair of memory BIOs that the program
 * shuttles bytes between (what event loops doing their own I/O do). Prints, step by step,
 * what SSL_get_error said, then checks the data path, the two-step shutdown, and OpenSSL 3.0's
 * unexpected-EOF rule with and without SSL_OP_IGNORE_UNEXPECTED_EOF; given a server chain with
 * an intermediate CA, the verify depth limit without a verify callback.
 *
 *   mem_pair CERT KEY CAFILE [CHAIN-CERT CHAIN-KEY]
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static int keylog_lines;
/* Whether handshake() prints each step. */
static int print_steps = 1;
static int keylog_named_ok;

/* Counts the key-log lines and checks each starts with a secret's label. */
static void keylog(const SSL *ssl, const char *line)
{
    (void)ssl;
    keylog_lines++;
    if (strncmp(line, "CLIENT_", 7) == 0 || strncmp(line, "SERVER_", 7) == 0 ||
        strncmp(line, "EXPORTER_SECRET ", 16) == 0)
        keylog_named_ok++;
}

struct end {
    SSL *ssl;
    BIO *in;  /* what the peer sent, for this end to read */
    BIO *out; /* what this end wrote, for the peer */
};

static void make_end(struct end *e, SSL_CTX *ctx, int server)
{
    e->ssl = SSL_new(ctx);
    e->in = BIO_new(BIO_s_mem());
    e->out = BIO_new(BIO_s_mem());
    SSL_set_bio(e->ssl, e->in, e->out);
    if (server)
        SSL_set_accept_state(e->ssl);
    else
        SSL_set_connect_state(e->ssl);
}

/* Moves what one end wrote to the other's input; returns the bytes moved. */
static int shuttle(struct end *from, struct end *to)
{
    char buf[16384];
    int n, moved = 0;
    while ((n = BIO_read(from->out, buf, sizeof(buf))) > 0) {
        BIO_write(to->in, buf, n);
        moved += n;
    }
    return moved;
}

static const char *error_name(int e)
{
    switch (e) {
    case SSL_ERROR_NONE: return "NONE";
    case SSL_ERROR_SSL: return "SSL";
    case SSL_ERROR_WANT_READ: return "WANT_READ";
    case SSL_ERROR_WANT_WRITE: return "WANT_WRITE";
    case SSL_ERROR_SYSCALL: return "SYSCALL";
    case SSL_ERROR_ZERO_RETURN: return "ZERO_RETURN";
    default: return "other";
    }
}

static int handshake(struct end *c, struct end *s)
{
    int round, cd = 0, sd = 0, r;
    for (round = 0; round < 10 && !(cd && sd); round++) {
        if (!cd) {
            r = SSL_do_handshake(c->ssl);
            cd = r == 1;
            if (print_steps)
                printf("client handshake: %s\n", error_name(SSL_get_error(c->ssl, r)));
        }
        shuttle(c, s);
        if (!sd) {
            r = SSL_do_handshake(s->ssl);
            sd = r == 1;
            if (print_steps)
                printf("server handshake: %s\n", error_name(SSL_get_error(s->ssl, r)));
        }
        shuttle(s, c);
    }
    return cd && sd;
}

int main(int argc, char **argv)
{
    SSL_CTX *cctx, *sctx;
    struct end c, s;
    char buf[256];
    int n;

    if (argc != 4 && argc != 6) {
        fprintf(stderr, "usage: mem_pair CERT KEY CAFILE [CHAIN-CERT CHAIN-KEY]\n");
        return 1;
    }
    sctx = SSL_CTX_new(TLS_server_method());
    cctx = SSL_CTX_new(TLS_client_method());
    if (SSL_CTX_use_certificate_chain_file(sctx, argv[1]) != 1 ||
        SSL_CTX_use_PrivateKey_file(sctx, argv[2], SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_load_verify_locations(cctx, argv[3], NULL) != 1) {
        ERR_print_errors_fp(stdout);
        return 2;
    }
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_keylog_callback(cctx, keylog);

    /* 1: handshake, data both ways, two-step shutdown. */
    make_end(&c, cctx, 0);
    make_end(&s, sctx, 1);
    SSL_set_tlsext_host_name(c.ssl, "localhost");
    SSL_set1_host(c.ssl, "localhost");
    if (!handshake(&c, &s)) {
        ERR_print_errors_fp(stdout);
        return 2;
    }
    printf("key log: %d lines, %d labelled\n", keylog_lines, keylog_named_ok);
    printf("verify result %ld, in init %d/%d, server %d/%d\n", SSL_get_verify_result(c.ssl),
           SSL_in_init(c.ssl), SSL_in_init(s.ssl), SSL_is_server(c.ssl), SSL_is_server(s.ssl));
    n = SSL_read(s.ssl, buf, sizeof(buf));
    printf("server read before data: %d %s\n", n, error_name(SSL_get_error(s.ssl, n)));
    SSL_write(c.ssl, "ping", 4);
    shuttle(&c, &s);
    n = SSL_peek(s.ssl, buf, sizeof(buf));
    printf("server peeked %d, pending %d\n", n, SSL_pending(s.ssl));
    n = SSL_read(s.ssl, buf, sizeof(buf));
    printf("server read %.*s\n", n, buf);
    SSL_write(s.ssl, "pong", 4);
    shuttle(&s, &c);
    n = SSL_read(c.ssl, buf, sizeof(buf));
    printf("client read %.*s\n", n, buf);
    printf("client shutdown: %d\n", SSL_shutdown(c.ssl));
    shuttle(&c, &s);
    n = SSL_read(s.ssl, buf, sizeof(buf));
    printf("server read after close_notify: %d %s, shutdown state %d\n", n,
           error_name(SSL_get_error(s.ssl, n)), SSL_get_shutdown(s.ssl));
    printf("server shutdown: %d\n", SSL_shutdown(s.ssl));
    shuttle(&s, &c);
    printf("client shutdown again: %d\n", SSL_shutdown(c.ssl));
    SSL_free(c.ssl);
    SSL_free(s.ssl);

    /* 2: the peer's transport ends without close_notify. */
    make_end(&c, cctx, 0);
    make_end(&s, sctx, 1);
    if (!handshake(&c, &s))
        return 2;
    BIO_set_mem_eof_return(s.in, 0);
    n = SSL_read(s.ssl, buf, sizeof(buf));
    printf("truncated: read %d %s\n", n, error_name(SSL_get_error(s.ssl, n)));
    ERR_print_errors_fp(stdout);
    SSL_free(c.ssl);
    SSL_free(s.ssl);

    /* 3: the same with SSL_OP_IGNORE_UNEXPECTED_EOF. */
    SSL_CTX_set_options(sctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    make_end(&c, cctx, 0);
    make_end(&s, sctx, 1);
    if (!handshake(&c, &s))
        return 2;
    BIO_set_mem_eof_return(s.in, 0);
    n = SSL_read(s.ssl, buf, sizeof(buf));
    printf("truncated, ignored: read %d %s\n", n, error_name(SSL_get_error(s.ssl, n)));
    SSL_free(c.ssl);
    SSL_free(s.ssl);

    /* 4: the verify depth limit, no verify callback. The chain counted includes the trust
     * anchor, which the server does not send: leaf, intermediate and root are too long for
     * depth 0 (X509_V_ERR_CERT_CHAIN_TOO_LONG), within depth 1. */
    if (argc == 6) {
        SSL_CTX *chain_ctx = SSL_CTX_new(TLS_server_method());
        int depth, done;
        if (SSL_CTX_use_certificate_chain_file(chain_ctx, argv[4]) != 1 ||
            SSL_CTX_use_PrivateKey_file(chain_ctx, argv[5], SSL_FILETYPE_PEM) != 1) {
            ERR_print_errors_fp(stdout);
            return 2;
        }
        print_steps = 0;
        for (depth = 0; depth <= 1; depth++) {
            SSL_CTX_set_verify_depth(cctx, depth);
            make_end(&c, cctx, 0);
            make_end(&s, chain_ctx, 1);
            SSL_set1_host(c.ssl, "localhost");
            done = handshake(&c, &s);
            printf("verify depth %d: handshake %s, verify result %ld\n", depth,
                   done ? "done" : "failed", SSL_get_verify_result(c.ssl));
            ERR_clear_error();
            SSL_free(c.ssl);
            SSL_free(s.ssl);
        }
        SSL_CTX_free(chain_ctx);
    }

    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return 0;
}
