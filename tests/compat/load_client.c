/* A load client: many connections at once, all non-blocking, driven by one poll loop; each
 * handshakes, sends a request, reads the answer to close_notify. Prints how many finished.
 * usage: load_client HOST PORT CAFILE CONNECTIONS */
#include "legacy.h"
#include <fcntl.h>
#include <poll.h>

enum stage { HANDSHAKE, REQUEST, RESPONSE, DONE, FAILED };

struct conn {
    SSL *ssl;
    int fd;
    enum stage stage;
    short events;
    size_t received;
};

/* One step; records what the connection waits for next. */
static void step(struct conn *c)
{
    char buf[4096];
    int ret, code;

    for (;;) {
        switch (c->stage) {
        case HANDSHAKE:
            ret = SSL_connect(c->ssl);
            break;
        case REQUEST:
            ret = SSL_write(c->ssl, HTTP_REQUEST, (int)strlen(HTTP_REQUEST));
            break;
        case RESPONSE:
            ret = SSL_read(c->ssl, buf, sizeof(buf));
            break;
        default:
            return;
        }
        if (ret > 0) {
            if (c->stage == RESPONSE)
                c->received += (size_t)ret;
            else
                c->stage++;
            continue;
        }
        code = SSL_get_error(c->ssl, ret);
        if (code == SSL_ERROR_WANT_READ) {
            c->events = POLLIN;
            return;
        }
        if (code == SSL_ERROR_WANT_WRITE) {
            c->events = POLLOUT;
            return;
        }
        if (code == SSL_ERROR_ZERO_RETURN && c->stage == RESPONSE) {
            SSL_shutdown(c->ssl);
            c->stage = DONE;
        } else {
            fprintf(stderr, "connection failed in stage %d: %s\n", (int)c->stage,
                    ssl_error_name(code));
            ERR_print_errors_fp(stderr);
            c->stage = FAILED;
        }
        return;
    }
}

int main(int argc, char **argv)
{
    struct conn *conns;
    struct pollfd *pfds;
    SSL_CTX *ctx;
    int i, n, active, done = 0, failed = 0;
    size_t smallest = (size_t)-1, largest = 0;

    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE CONNECTIONS\n", argv[0]);
        return 1;
    }
    n = atoi(argv[4]);
    SSL_library_init();
    SSL_load_error_strings();
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, argv[3], NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

    conns = calloc((size_t)n, sizeof(*conns));
    pfds = calloc((size_t)n, sizeof(*pfds));
    for (i = 0; i < n; i++) {
        conns[i].fd = tcp_connect(argv[1], argv[2]);
        if (conns[i].fd < 0)
            return 1;
        fcntl(conns[i].fd, F_SETFL, fcntl(conns[i].fd, F_GETFL) | O_NONBLOCK);
        conns[i].ssl = SSL_new(ctx);
        SSL_set_fd(conns[i].ssl, conns[i].fd);
        SSL_set_tlsext_host_name(conns[i].ssl, "localhost");
        step(&conns[i]);
    }
    for (;;) {
        active = 0;
        for (i = 0; i < n; i++) {
            pfds[i].fd = conns[i].stage < DONE ? conns[i].fd : -1;
            pfds[i].events = conns[i].events;
            pfds[i].revents = 0;
            active += conns[i].stage < DONE;
        }
        if (active == 0)
            break;
        if (poll(pfds, (nfds_t)n, 30000) <= 0) {
            printf("poll timed out with %d connections active\n", active);
            return 3;
        }
        for (i = 0; i < n; i++)
            if (pfds[i].revents)
                step(&conns[i]);
    }
    for (i = 0; i < n; i++) {
        if (conns[i].stage == DONE) {
            done++;
            if (conns[i].received < smallest)
                smallest = conns[i].received;
            if (conns[i].received > largest)
                largest = conns[i].received;
        } else {
            failed++;
        }
        SSL_free(conns[i].ssl);
        close(conns[i].fd);
    }
    printf("%d connections: %d completed, %d failed; every response the same size: %s\n", n,
           done, failed, done > 0 && smallest == largest ? "yes" : "no");
    free(conns);
    free(pfds);
    SSL_CTX_free(ctx);
    return failed == 0 ? 0 : 2;
}
