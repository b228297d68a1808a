/* https-get: the shortest correct HTTPS GET with ftls, over a blocking socket.
 *
 *   https-get HOST [PORT [PATH [CA.pem]]]     (defaults: 443, /, the Mozilla roots in ftls)
 *
 * Prints the response. Exits 0 only after the server's close_notify (a stream that just ends
 * may have been cut short), 2 when the fetch fails, 1 on bad arguments. */
#include <ftls.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A connected TCP socket, or -1. A name may have several addresses: the first that answers. */
static int connect_tcp(const char *host, const char *port) {
    struct addrinfo hints = {0}, *addrs;
    hints.ai_socktype = SOCK_STREAM;
    int fd = -1;
    if (getaddrinfo(host, port, &hints, &addrs) == 0) {
        for (struct addrinfo *a = addrs; a != NULL && fd < 0; a = a->ai_next) {
            fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
            if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) { close(fd); fd = -1; }
        }
        freeaddrinfo(addrs);
    }
    if (fd < 0) fprintf(stderr, "https-get: cannot connect to %s port %s\n", host, port);
    return fd;
}

static int fail(const char *what, ftls_result r, const char *detail) {
    fprintf(stderr, "https-get: %s: %s (%s)\n", what, detail[0] ? detail : ftls_result_message(r),
            ftls_result_name(r));
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 5) {
        fputs("usage: https-get HOST [PORT [PATH [CA.pem]]]\n", stderr);
        return 1;
    }
    const char *host = argv[1], *port = argc > 2 ? argv[2] : "443";
    const char *path = argc > 3 ? argv[3] : "/";
    int ipv6 = strchr(host, ':') != NULL; /* an IPv6 address goes in brackets in Host */
    char request[2048], detail[512] = "";
    int len = snprintf(request, sizeof request,
                       "GET %s HTTP/1.1\r\nHost: %s%s%s:%s\r\nConnection: close\r\n\r\n", path,
                       ipv6 ? "[" : "", host, ipv6 ? "]" : "", port);
    if (len < 0 || len >= (int)sizeof request) { fputs("https-get: too long\n", stderr); return 1; }

    ftls_trust *trust = NULL; /* what the server's certificate is checked against */
    ftls_client_config_builder *builder = NULL;
    ftls_client_config *config = NULL;
    ftls_result r = ftls_trust_new(&trust);
    if (r == FTLS_OK) r = argc > 4 ? ftls_trust_add_ca_file(trust, argv[4])
                                   : ftls_trust_add_webpki_roots(trust);
    if (r != FTLS_OK) ftls_trust_last_error(trust, detail, sizeof detail, NULL);
    if (r == FTLS_OK) r = ftls_client_config_builder_new(&builder);
    if (r == FTLS_OK) r = ftls_client_config_builder_set_trust(builder, trust);
    if (r == FTLS_OK) r = ftls_client_config_builder_build(builder, &config);
    if (r != FTLS_OK) ftls_client_config_builder_last_error(builder, detail, sizeof detail, NULL);
    ftls_trust_free(trust);                   /* the builder keeps a snapshot */
    ftls_client_config_builder_free(builder); /* the config keeps what it needs */
    if (r != FTLS_OK) return fail("config", r, detail);

    ftls_connection *conn = NULL;
    r = ftls_client_connection_new(config, host, &conn); /* it will verify the server as HOST */
    ftls_client_config_free(config);                     /* the connection keeps what it needs */
    if (r != FTLS_OK) return fail(host, r, detail);
    int fd = connect_tcp(host, port);
    if (fd < 0) { ftls_connection_free(conn); return 2; }

    ftls_connection_set_fd(conn, fd); /* now ftls does the socket I/O (and never raises SIGPIPE) */
    size_t n = 0;
    uint8_t buf[16384];
    /* Write handshakes first; on a blocking socket it returns once all is sent. */
    r = ftls_connection_write(conn, (const uint8_t *)request, (size_t)len, &n);
    while (r == FTLS_OK && (r = ftls_connection_read(conn, buf, sizeof buf, &n)) == FTLS_OK)
        fwrite(buf, 1, n, stdout);
    if (r == FTLS_CLOSED) ftls_connection_shutdown(conn, false); /* answer it (best effort) */
    else ftls_connection_last_error(conn, detail, sizeof detail, NULL);
    ftls_connection_free(conn);
    close(fd);
    if (r != FTLS_CLOSED) return fail(host, r, detail);
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
}
