/*
 * SSL filter BIOs the way BIO-chain programs use them, client and server in one process over
 * a non-blocking socket pair: BIO_new_ssl on each end pushed on a socket BIO, the handshake
 * pumped with BIO_do_handshake and the retry flags, a buffering filter on the server for
 * BIO_gets, BIO_printf / BIO_puts / BIO_flush through the chains, BIO_get_ssl, BIO_pending,
 * and the close; then BIO_new_ssl_connect to an accept BIO on loopback (port 0), the connect
 * settings given through the SSL BIO. Built unchanged against the system OpenSSL and against ftls' root; the two
 * outputs must be identical.
 *
 *   unit_ssl_bio CERT.pem KEY.pem CA.pem
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int fail(const char *what)
{
    printf("FAILED: %s\n", what);
    ERR_print_errors_fp(stdout);
    return 1;
}

/* Waits (at most 200 ms) until one of the sockets has something to read (fd -1: none). */
static void wait_readable(int a, int b)
{
    struct pollfd p[2];
    p[0].fd = a;
    p[0].events = POLLIN;
    p[0].revents = 0;
    p[1].fd = b;
    p[1].events = POLLIN;
    p[1].revents = 0;
    (void)poll(p, 2, 200);
}

/* One step of a non-blocking operation: 1 done, 0 retry, -1 failure. */
static int step(BIO *b, long ret, const char *who, int *reported)
{
    if (ret > 0)
        return 1;
    if (!BIO_should_retry(b)) {
        printf("%s: failed (%ld)\n", who, ret);
        return -1;
    }
    if (!*reported) {
        printf("%s: retry read=%d write=%d\n", who, BIO_should_read(b) != 0,
               BIO_should_write(b) != 0);
        *reported = 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    SSL_CTX *sctx, *cctx;
    SSL *cssl = NULL, *sssl = NULL;
    BIO *client, *server, *buffered;
    int fds[2], rounds, cdone = 0, sdone = 0, creported = 0, sreported = 0, n;
    char line[128];

    if (argc != 4) {
        fprintf(stderr, "usage: %s CERT.pem KEY.pem CA.pem\n", argv[0]);
        return 1;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, SIG_IGN);
    sctx = SSL_CTX_new(TLS_server_method());
    cctx = SSL_CTX_new(TLS_client_method());
    if (SSL_CTX_use_certificate_file(sctx, argv[1], SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(sctx, argv[2], SSL_FILETYPE_PEM) != 1)
        return fail("server identity");
    if (SSL_CTX_load_verify_locations(cctx, argv[3], NULL) != 1)
        return fail("client trust");
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
        return fail("socketpair");
    BIO_socket_nbio(fds[0], 1);
    BIO_socket_nbio(fds[1], 1);

    client = BIO_new_ssl(cctx, 1);
    BIO_push(client, BIO_new_socket(fds[0], BIO_CLOSE));
    server = BIO_new_ssl(sctx, 0);
    BIO_push(server, BIO_new_socket(fds[1], BIO_CLOSE));
    BIO_get_ssl(client, &cssl);
    BIO_get_ssl(server, &sssl);
    printf("ssl bios: type=%d name=%s ssl set %d %d\n", BIO_method_type(client),
           BIO_method_name(client), cssl != NULL, sssl != NULL);
    SSL_set_tlsext_host_name(cssl, "localhost");
    SSL_set1_host(cssl, "localhost");

    for (rounds = 0; rounds < 200 && !(cdone && sdone); rounds++) {
        if (!cdone) {
            cdone = step(client, BIO_do_handshake(client), "client", &creported);
            if (cdone < 0)
                return fail("client handshake");
        }
        if (!sdone) {
            sdone = step(server, BIO_do_handshake(server), "server", &sreported);
            if (sdone < 0)
                return fail("server handshake");
        }
    }
    printf("handshake: client %d server %d verify %ld version %s\n", cdone, sdone,
           SSL_get_verify_result(cssl), SSL_get_version(cssl));

    buffered = BIO_push(BIO_new(BIO_f_buffer()), server);
    n = BIO_printf(client, "GET / HTTP/1.0\r\nHost: %s\r\n\r\n", "localhost");
    printf("client: printf %d\n", n);
    for (rounds = 0; rounds < 200; rounds++) {
        n = BIO_gets(buffered, line, sizeof line);
        if (n > 0) {
            printf("server: gets %d '%.*s'\n", n, n - 2, line);
            if (strcmp(line, "\r\n") == 0)
                break;
        } else if (!BIO_should_retry(buffered)) {
            return fail("server gets");
        }
    }
    n = BIO_puts(buffered, "HTTP/1.0 200 OK\r\n\r\nhello from the SSL BIO\n");
    printf("server: puts %d wpending %d\n", n, BIO_wpending(buffered));
    printf("server: flush %d\n", BIO_flush(buffered));
    for (rounds = 0; rounds < 200; rounds++) {
        n = BIO_read(client, line, sizeof line - 1);
        if (n > 0) {
            line[n] = '\0';
            printf("client: read %d pending after %d\n", n, BIO_pending(client));
            printf("%s", line);
            if (strstr(line, "SSL BIO\n"))
                break;
        } else if (!BIO_should_retry(client)) {
            return fail("client read");
        }
    }
    BIO_ssl_shutdown(buffered);
    for (rounds = 0; rounds < 200; rounds++) {
        n = BIO_read(client, line, sizeof line);
        if (n <= 0 && !BIO_should_retry(client))
            break;
    }
    printf("client: end of stream %d, shutdown state %d\n", n,
           (SSL_get_shutdown(cssl) & SSL_RECEIVED_SHUTDOWN) != 0);
    BIO_free_all(client);
    BIO_free_all(buffered);

    /* BIO_new_ssl_connect to an accept BIO: the connect settings go through the SSL BIO. */
    {
        BIO *acceptor = BIO_new_accept("127.0.0.1:0");
        BIO *chain, *served, *sserver;
        SSL *chain_ssl = NULL;
        char target[64];
        int first;
        if (BIO_do_accept(acceptor) <= 0)
            return fail("listen");
        sprintf(target, "127.0.0.1:%s", BIO_get_accept_port(acceptor));
        chain = BIO_new_ssl_connect(cctx);
        BIO_get_ssl(chain, &chain_ssl);
        SSL_set_tlsext_host_name(chain_ssl, "localhost");
        SSL_set1_host(chain_ssl, "localhost");
        BIO_set_conn_hostname(chain, target);
        BIO_set_nbio(chain, 1);
        printf("ssl_connect: next type=%d host %s\n", BIO_method_type(BIO_next(chain)),
               BIO_get_conn_hostname(chain));
        first = (int)BIO_do_connect(chain);
        printf("ssl_connect: first step %s\n", first > 0 ? "done" : BIO_should_retry(chain) ? "retry" : "failed");
        if (BIO_do_accept(acceptor) <= 0)
            return fail("accept");
        served = BIO_pop(acceptor);
        BIO_socket_nbio((int)BIO_get_fd(served, NULL), 1);
        sserver = BIO_new_ssl(sctx, 0);
        BIO_push(sserver, served);
        cdone = first > 0;
        sdone = 0;
        creported = sreported = 1;
        for (rounds = 0; rounds < 50 && !(cdone && sdone); rounds++) {
            if (!cdone && (cdone = step(chain, BIO_do_connect(chain), "ssl_connect", &creported)) < 0)
                return fail("ssl_connect handshake");
            if (!sdone && (sdone = step(sserver, BIO_do_handshake(sserver), "ssl_accept", &sreported)) < 0)
                return fail("ssl_accept handshake");
            if (!(cdone && sdone))
                wait_readable((int)BIO_get_fd(served, NULL), (int)BIO_get_fd(BIO_next(chain), NULL));
        }
        printf("ssl_connect: handshake %d %d verify %ld\n", cdone, sdone,
               SSL_get_verify_result(chain_ssl));
        BIO_puts(chain, "ping");
        for (rounds = 0; rounds < 50; rounds++) {
            wait_readable((int)BIO_get_fd(served, NULL), -1);
            n = BIO_read(sserver, line, sizeof line);
            if (n > 0 || !BIO_should_retry(sserver))
                break;
        }
        printf("ssl_connect: server read %d '%.*s'\n", n, n > 0 ? n : 0, line);
        BIO_free_all(chain);
        BIO_free_all(sserver);
        BIO_free(acceptor);
    }
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    printf("done\n");
    return 0;
}
