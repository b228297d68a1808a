/* consumer: a program that uses an installed ftls, as any C project would. tests/packaging.rs
 * builds it every supported way (pkg-config, CMake, plain cc; shared and static) and runs each
 * build against tls-server:
 *
 *   consumer HOST PORT CA.pem
 *
 * Prints the version of the header it was compiled with and of the library it runs with, the
 * negotiated protocol and suite, then the server's response; exits 0 after the server's
 * close_notify, 2 on any failure (one line naming it). */
#include <ftls.h>

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints, *found = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &found) != 0) {
        return -1;
    }
    int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(found);
    return fd;
}

/* Prints the failure and the connection's detail; returns the exit status. */
static int failed(const char *what, ftls_result r, const ftls_connection *conn)
{
    char detail[512] = "";
    if (conn != NULL) {
        ftls_connection_last_error(conn, detail, sizeof detail, NULL);
    }
    fprintf(stderr, "consumer: %s: %s (%s)\n", what, detail, ftls_result_name(r));
    return 2;
}

static int talk(ftls_connection *conn, const char *host)
{
    ftls_result r = ftls_connection_handshake(conn);
    if (r != FTLS_OK) {
        return failed("handshake", r, conn);
    }
    ftls_str version = {NULL, 0}, suite = {NULL, 0};
    ftls_connection_protocol_version(conn, NULL, &version);
    ftls_connection_cipher_suite(conn, NULL, &suite);
    printf("negotiated: %.*s %.*s\n", (int)version.len, version.data, (int)suite.len, suite.data);

    char request[256];
    snprintf(request, sizeof request, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
             host);
    size_t n = 0;
    r = ftls_connection_write(conn, (const uint8_t *)request, strlen(request), &n);
    if (r != FTLS_OK) {
        return failed("write", r, conn);
    }
    char buf[4096];
    while ((r = ftls_connection_read(conn, (uint8_t *)buf, sizeof buf, &n)) == FTLS_OK) {
        fwrite(buf, 1, n, stdout);
    }
    return r == FTLS_CLOSED ? 0 : failed("read", r, conn);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: consumer HOST PORT CA.pem\n");
        return 2;
    }
    const char *host = argv[1], *port = argv[2], *ca = argv[3];
    printf("header: %d.%d.%d\nlibrary: %s\n", FTLS_VERSION_MAJOR, FTLS_VERSION_MINOR,
           FTLS_VERSION_PATCH, ftls_version());

    ftls_trust *trust = NULL;
    ftls_client_config_builder *builder = NULL;
    ftls_client_config *config = NULL;
    ftls_result r = ftls_trust_new(&trust);
    if (r == FTLS_OK) {
        r = ftls_trust_add_ca_file(trust, ca);
    }
    if (r == FTLS_OK) {
        r = ftls_client_config_builder_new(&builder);
    }
    if (r == FTLS_OK) {
        r = ftls_client_config_builder_set_trust(builder, trust);
    }
    if (r == FTLS_OK) {
        r = ftls_client_config_builder_build(builder, &config);
    }
    ftls_trust_free(trust);
    ftls_client_config_builder_free(builder);
    if (r != FTLS_OK) {
        return failed("config", r, NULL);
    }

    ftls_connection *conn = NULL;
    r = ftls_client_connection_new(config, host, &conn);
    ftls_client_config_free(config);
    if (r != FTLS_OK) {
        return failed("connection", r, NULL);
    }
    int fd = connect_to(host, port);
    int status = 2;
    if (fd < 0) {
        fprintf(stderr, "consumer: cannot connect to %s:%s\n", host, port);
    } else if ((r = ftls_connection_set_fd(conn, fd)) != FTLS_OK) {
        status = failed("set_fd", r, conn);
    } else {
        status = talk(conn, host);
    }
    ftls_connection_free(conn);
    if (fd >= 0) {
        close(fd);
    }
    return status;
}
