/* The socket plumbing and small helpers every legacy-style program here shares: what such a
 * program keeps near its top. The programs include only OpenSSL's headers besides this one and
 * the C library's; they compile unchanged against the system OpenSSL and against ftls' root. */
#ifndef LEGACY_H
#define LEGACY_H

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/ssl.h>
#include <openssl/err.h>

/* A blocking TCP connection to HOST:PORT, or -1 (with a message on stderr). */
static inline int tcp_connect(const char *host, const char *port)
{
    struct addrinfo hints, *res, *ai;
    int fd = -1, rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo %s:%s: %s\n", host, port, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        fprintf(stderr, "connect %s:%s: %s\n", host, port, strerror(errno));
    return fd;
}

/* A listening socket on 127.0.0.1 and a free port; prints "listening on 127.0.0.1:PORT" (the
 * line the test harness waits for) once it accepts connections. */
static inline int tcp_listen(void)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    int fd, one = 1;

    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("socket");
        exit(1);
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = 0;
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 64) < 0
        || getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
        perror("bind/listen");
        exit(1);
    }
    printf("listening on 127.0.0.1:%d\n", ntohs(sin.sin_port));
    fflush(stdout);
    return fd;
}

static inline const char *ssl_error_name(int code)
{
    switch (code) {
    case SSL_ERROR_NONE: return "SSL_ERROR_NONE";
    case SSL_ERROR_SSL: return "SSL_ERROR_SSL";
    case SSL_ERROR_WANT_READ: return "SSL_ERROR_WANT_READ";
    case SSL_ERROR_WANT_WRITE: return "SSL_ERROR_WANT_WRITE";
    case SSL_ERROR_WANT_X509_LOOKUP: return "SSL_ERROR_WANT_X509_LOOKUP";
    case SSL_ERROR_SYSCALL: return "SSL_ERROR_SYSCALL";
    case SSL_ERROR_ZERO_RETURN: return "SSL_ERROR_ZERO_RETURN";
    case SSL_ERROR_WANT_CONNECT: return "SSL_ERROR_WANT_CONNECT";
    case SSL_ERROR_WANT_ACCEPT: return "SSL_ERROR_WANT_ACCEPT";
    default: return "SSL_ERROR_(other)";
    }
}

/* The request the clients send: the example tls-server and the servers here answer it. */
#define HTTP_REQUEST "GET /index.txt HTTP/1.0\r\nHost: localhost\r\n\r\n"

/* Sends the request and reads the answer to its end (printing it when `print`); returns the
 * SSL_get_error code that ended it: SSL_ERROR_ZERO_RETURN after the peer's close_notify. */
static inline int http_exchange(SSL *ssl, int print)
{
    char buf[4096];
    int n;

    if (SSL_write(ssl, HTTP_REQUEST, (int)strlen(HTTP_REQUEST)) <= 0)
        return SSL_get_error(ssl, -1);
    while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0)
        if (print)
            fwrite(buf, 1, (size_t)n, stdout);
    return SSL_get_error(ssl, n);
}

/* Reads a request up to its blank line; 1 when complete, 0 when the peer stopped first. */
static inline int read_request(SSL *ssl)
{
    char buf[2048];
    size_t have = 0;
    int n;

    while (have < sizeof(buf) - 1) {
        n = SSL_read(ssl, buf + have, (int)(sizeof(buf) - 1 - have));
        if (n <= 0)
            return 0;
        have += (size_t)n;
        buf[have] = '\0';
        if (strstr(buf, "\r\n\r\n") != NULL)
            return 1;
    }
    return 0;
}

/* The answer the servers here give: the protocol version and cipher they negotiated. */
static inline int write_response(SSL *ssl, const char *extra)
{
    char body[512], out[1024];
    int n;

    snprintf(body, sizeof(body), "%s %s%s\n", SSL_get_version(ssl), SSL_get_cipher(ssl),
             extra != NULL ? extra : "");
    n = snprintf(out, sizeof(out),
                 "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                 "Connection: close\r\n\r\n%s",
                 (int)strlen(body), body);
    return SSL_write(ssl, out, n) == n;
}

/* An info callback that prints what legacy programs print: each state (long and short name),
 * alerts, failed exits, the handshake's start and end. */
static inline void print_info_cb(const SSL *ssl, int where, int ret)
{
    const char *side = (where & SSL_ST_CONNECT) ? "SSL_connect" :
                       (where & SSL_ST_ACCEPT) ? "SSL_accept" : "undefined";

    if (where & SSL_CB_LOOP)
        printf("%s:%s [%s]\n", side, SSL_state_string_long(ssl), SSL_state_string(ssl));
    else if (where & SSL_CB_ALERT)
        printf("SSL3 alert %s:%s:%s [%s:%s]\n", (where & SSL_CB_READ) ? "read" : "write",
               SSL_alert_type_string_long(ret), SSL_alert_desc_string_long(ret),
               SSL_alert_type_string(ret), SSL_alert_desc_string(ret));
    else if (where & SSL_CB_EXIT && ret <= 0)
        printf("%s:%s in %s\n", side, ret == 0 ? "failed" : "error",
               SSL_state_string_long(ssl));
    if (where & SSL_CB_HANDSHAKE_START)
        printf("handshake start\n");
    if (where & SSL_CB_HANDSHAKE_DONE)
        printf("handshake done\n");
}

/* The argument of print_msg_cb (SSL_CTX_set_msg_callback_arg): it counts the record-layer
 * pseudo-messages instead of printing them. */
struct msg_log {
    int magic;
    int record_layer_calls;
};
#define MSG_LOG_MAGIC 0x6d736731

/* A message callback that prints each message: direction and content type, a handshake
 * message's type and whether its length is its header's (lengths vary with the library and
 * the signatures), an alert's level and description. */
static inline void print_msg_cb(int write_p, int version, int content_type, const void *buf,
                                size_t len, SSL *ssl, void *arg)
{
    const unsigned char *b = buf;
    const char *dir = write_p ? "sent" : "received";
    struct msg_log *log = arg;

    (void)version;
    (void)ssl;
    if (log == NULL || log->magic != MSG_LOG_MAGIC) {
        printf("msg callback: wrong arg\n");
        return;
    }
    if (content_type == SSL3_RT_HANDSHAKE && len >= 4)
        printf("msg %s: handshake type %d, length %s\n", dir, b[0],
               len == 4 + (((size_t)b[1] << 16) | ((size_t)b[2] << 8) | b[3]) ? "as its header says"
                                                                             : "wrong");
    else if (content_type == SSL3_RT_ALERT && len == 2)
        printf("msg %s: alert level %d, description %d\n", dir, b[0], b[1]);
    else if (content_type == SSL3_RT_CHANGE_CIPHER_SPEC && len == 1)
        printf("msg %s: change cipher spec %d\n", dir, b[0]);
    else if (content_type == SSL3_RT_HEADER || content_type == SSL3_RT_INNER_CONTENT_TYPE)
        log->record_layer_calls++;
    else
        printf("msg %s: content type %d, %lu bytes\n", dir, content_type, (unsigned long)len);
}

#endif
