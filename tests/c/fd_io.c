/*
 * fd_io: the file-descriptor API over socketpair() and pipes: handshake, data both ways (a
 * large blocking write included), shutdown both ways, truncation, a peer that closes during
 * the handshake, non-blocking would-block results, and no SIGPIPE. The server side runs in a
 * pthread; the main thread is the client and makes the checks after joining it.
 *
 * Usage: fd_io CERT_DIR [CASE]
 */
#include "check.h"
#include "pump.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

/* What the server thread does, and what it saw. */
typedef enum {
    END_SHUTDOWN_WAIT,        /* ftls_connection_shutdown(conn, true) */
    END_CLOSE_WITHOUT_NOTIFY, /* close() the fds: no close_notify */
    END_HALF_CLOSE            /* shutdown(fd, SHUT_WR): end of stream, no close_notify */
} server_ending;

typedef struct {
    /* in */
    const ftls_server_config *config;
    int read_fd, write_fd;      /* the same socket, or two pipes */
    int go_fd;                  /* >= 0: after the handshake, wait for a byte on it */
    size_t request_len;         /* read exactly this many bytes (0: none) */
    const char *reply;          /* then write this (NULL: nothing) */
    server_ending ending;
    /* out */
    ftls_result handshake, read, write, end;
    uint8_t *request;           /* the bytes read (malloc'ed) */
    size_t request_got;
    char version[16];
    char detail[256];
} server_job;

/* Reads exactly `len` bytes (the fd API may return fewer per call). */
static ftls_result read_exactly(ftls_connection *conn, uint8_t *buf, size_t len, size_t *got)
{
    *got = 0;
    while (*got < len) {
        size_t n = 0;
        ftls_result r = ftls_connection_read(conn, buf + *got, len - *got, &n);
        if (r != FTLS_OK) {
            return r;
        }
        *got += n;
    }
    return FTLS_OK;
}

static void *server_thread(void *arg)
{
    server_job *job = (server_job *)arg;
    ftls_connection *conn = NULL;
    ftls_str version = {NULL, 0};
    size_t n = 0;

    job->handshake = job->read = job->write = job->end = FTLS_ERR_INTERNAL;
    if (ftls_server_connection_new(job->config, &conn) != FTLS_OK ||
        ftls_connection_set_fds(conn, job->read_fd, job->write_fd) != FTLS_OK) {
        ftls_connection_free(conn);
        return NULL;
    }
    job->handshake = ftls_connection_handshake(conn);
    if (job->handshake == FTLS_OK &&
        ftls_connection_protocol_version_name(conn, &version) == FTLS_OK && version.len < 16) {
        memcpy(job->version, version.data, version.len);
        job->version[version.len] = 0;
    }
    if (job->go_fd >= 0) {
        char go;
        if (read(job->go_fd, &go, 1) != 1) {
            job->handshake = FTLS_ERR_IO;
        }
    }
    job->read = FTLS_OK;
    if (job->handshake == FTLS_OK && job->request_len > 0) {
        job->request = (uint8_t *)malloc(job->request_len);
        job->read = job->request == NULL ? FTLS_ERR_INTERNAL
                                         : read_exactly(conn, job->request, job->request_len,
                                                        &job->request_got);
    }
    job->write = FTLS_OK;
    if (job->read == FTLS_OK && job->reply != NULL) {
        job->write = ftls_connection_write(conn, (const uint8_t *)job->reply,
                                           strlen(job->reply), &n);
        if (job->write == FTLS_OK && n != strlen(job->reply)) {
            job->write = FTLS_ERR_INTERNAL; /* a blocking fd must take it all */
        }
    }
    if (job->ending == END_SHUTDOWN_WAIT) {
        job->end = ftls_connection_shutdown(conn, true);
    } else if (job->ending == END_HALF_CLOSE) {
        job->end = shutdown(job->write_fd, SHUT_WR) == 0 ? FTLS_OK : FTLS_ERR_IO;
    } else {
        close(job->read_fd);
        if (job->write_fd != job->read_fd) {
            close(job->write_fd);
        }
        job->read_fd = job->write_fd = -1;
        job->end = FTLS_OK;
    }
    ftls_connection_last_error(conn, job->detail, sizeof job->detail, NULL);
    ftls_connection_free(conn);
    return NULL;
}

static bool start_server(pthread_t *thread, server_job *job)
{
    if (pthread_create(thread, NULL, server_thread, job) != 0) {
        setup_failed(__FILE__, __LINE__, "pthread_create failed");
        return false;
    }
    return true;
}

static bool make_socketpair(int fds[2])
{
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
        setup_failed(__FILE__, __LINE__, "socketpair failed");
        return false;
    }
    return true;
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

static ftls_connection *client_on_fds(const ftls_client_config *cc, int read_fd, int write_fd)
{
    ftls_connection *conn = NULL;
    if (ftls_client_connection_new(cc, "localhost", &conn) != FTLS_OK ||
        ftls_connection_set_fds(conn, read_fd, write_fd) != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "cannot make a client connection on fds %d/%d", read_fd,
                     write_fd);
        ftls_connection_free(conn);
        return NULL;
    }
    return conn;
}

/* -------------------------------------------------------------------------------------------- */

static ftls_client_config *client_config;
static ftls_server_config *server_config;

static void case_handshake_data_and_shutdown(void)
{
    static const char request[] = "GET / over a socketpair";
    static const char reply[] = "reply from the server thread";
    int fds[2] = {-1, -1};
    pthread_t thread;
    server_job job;
    ftls_connection *conn = NULL;
    uint8_t buf[128];
    size_t n = 0, got = 0;
    ftls_str version = {NULL, 0};

    memset(&job, 0, sizeof job);
    job.go_fd = -1;
    if (!make_socketpair(fds)) {
        return;
    }
    job.config = server_config;
    job.read_fd = job.write_fd = fds[1];
    job.request_len = strlen(request);
    job.reply = reply;
    job.ending = END_SHUTDOWN_WAIT;
    conn = client_on_fds(client_config, fds[0], fds[0]);
    if (conn == NULL || !start_server(&thread, &job)) {
        goto out;
    }
    CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_OK);
    if (CHECK_RESULT_CONN(conn, ftls_connection_protocol_version_name(conn, &version), FTLS_OK)) {
        CHECK_STR("the fd connection's version", version, "TLSv1.3");
    }
    if (CHECK_RESULT_CONN(conn, ftls_connection_write(conn, (const uint8_t *)request,
                                                      strlen(request), &n),
                          FTLS_OK)) {
        CHECK(n == strlen(request), "a blocking write sent all %zu bytes (got %zu)",
              strlen(request), n);
    }
    if (CHECK_RESULT_CONN(conn, read_exactly(conn, buf, strlen(reply), &got), FTLS_OK)) {
        CHECK(got == strlen(reply) && memcmp(buf, reply, got) == 0,
              "the client read the server's reply");
    }
    /* The server shuts down (waiting for ours); then we do, waiting for theirs. */
    CHECK_RESULT_CONN(conn, ftls_connection_shutdown(conn, true), FTLS_OK);
    pthread_join(thread, NULL);
    CHECK_CODE("server: handshake over the fd", job.handshake, FTLS_OK);
    CHECK_CODE("server: reading the request", job.read, FTLS_OK);
    CHECK(job.request_got == strlen(request) && memcmp(job.request, request, job.request_got) == 0,
          "the server read the client's request");
    CHECK_CODE("server: writing the reply", job.write, FTLS_OK);
    CHECK_CODE("server: shutdown(wait_for_peer)", job.end, FTLS_OK);
    CHECK(strcmp(job.version, "TLSv1.3") == 0, "the server negotiated TLSv1.3 (%s)", job.version);
    /* Both sides have closed cleanly. */
    CHECK_RESULT_CONN(conn, ftls_connection_read(conn, buf, sizeof buf, &n), FTLS_CLOSED);
    CHECK_RESULT_CONN(conn, ftls_connection_write(conn, (const uint8_t *)"x", 1, &n),
                      FTLS_ERR_INVALID_STATE);
out:
    ftls_connection_free(conn);
    free(job.request);
    close_fd(&fds[0]);
    close_fd(&fds[1]);
}

static void case_large_blocking_write(void)
{
    size_t len = 1024 * 1024 + 17, n = 0, i;
    uint8_t *data = (uint8_t *)malloc(len);
    int fds[2] = {-1, -1};
    pthread_t thread;
    server_job job;
    ftls_connection *conn = NULL;

    memset(&job, 0, sizeof job);
    job.go_fd = -1;
    if (data == NULL || !make_socketpair(fds)) {
        free(data);
        return;
    }
    for (i = 0; i < len; i++) {
        data[i] = (uint8_t)(i % 253);
    }
    job.config = server_config;
    job.read_fd = job.write_fd = fds[1];
    job.request_len = len;
    job.ending = END_SHUTDOWN_WAIT;
    conn = client_on_fds(client_config, fds[0], fds[0]);
    if (conn == NULL || !start_server(&thread, &job)) {
        goto out;
    }
    /* No explicit handshake: write runs it. A blocking fd takes everything in one call. */
    if (CHECK_RESULT_CONN(conn, ftls_connection_write(conn, data, len, &n), FTLS_OK)) {
        CHECK(n == len, "one blocking write sent all %zu bytes (got %zu)", len, n);
    }
    CHECK_RESULT_CONN(conn, ftls_connection_shutdown(conn, true), FTLS_OK);
    pthread_join(thread, NULL);
    CHECK_CODE("server: reading 1 MiB", job.read, FTLS_OK);
    CHECK(job.request_got == len && memcmp(job.request, data, len) == 0,
          "the server received all %zu bytes intact (%zu)", len, job.request_got);
    CHECK_CODE("server: shutdown(wait_for_peer)", job.end, FTLS_OK);
out:
    ftls_connection_free(conn);
    free(job.request);
    free(data);
    close_fd(&fds[0]);
    close_fd(&fds[1]);
}

static void case_shutdown_without_waiting(void)
{
    int fds[2] = {-1, -1};
    pthread_t thread;
    server_job job;
    ftls_connection *conn = NULL;
    uint8_t buf[16];
    size_t n = 0;

    memset(&job, 0, sizeof job);
    job.go_fd = -1;
    if (!make_socketpair(fds)) {
        return;
    }
    job.config = server_config;
    job.read_fd = job.write_fd = fds[1];
    job.ending = END_SHUTDOWN_WAIT;
    conn = client_on_fds(client_config, fds[0], fds[0]);
    if (conn == NULL || !start_server(&thread, &job)) {
        goto out;
    }
    CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_OK);
    /* Send ours and return at once; the server's shutdown waits for it, then sends its own. */
    CHECK_RESULT_CONN(conn, ftls_connection_shutdown(conn, false), FTLS_OK);
    pthread_join(thread, NULL);
    CHECK_CODE("server: shutdown(wait_for_peer) saw the client's close_notify", job.end, FTLS_OK);
    CHECK_RESULT_CONN(conn, ftls_connection_read(conn, buf, sizeof buf, &n), FTLS_CLOSED);
    /* Shutting down again is harmless. */
    CHECK_RESULT_CONN(conn, ftls_connection_shutdown(conn, true), FTLS_OK);
out:
    ftls_connection_free(conn);
    close_fd(&fds[0]);
    close_fd(&fds[1]);
}

static void case_peer_closes_without_close_notify(void)
{
    static const char reply[] = "the last words";
    int fds[2] = {-1, -1};
    pthread_t thread;
    server_job job;
    ftls_connection *conn = NULL;
    uint8_t buf[64];
    size_t n = 0, got = 0;

    memset(&job, 0, sizeof job);
    job.go_fd = -1;
    if (!make_socketpair(fds)) {
        return;
    }
    job.config = server_config;
    job.read_fd = job.write_fd = fds[1];
    job.reply = reply;
    job.ending = END_CLOSE_WITHOUT_NOTIFY;
    conn = client_on_fds(client_config, fds[0], fds[0]);
    if (conn == NULL || !start_server(&thread, &job)) {
        goto out;
    }
    CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_OK);
    pthread_join(thread, NULL);
    fds[1] = -1; /* the thread closed it */
    CHECK_CODE("server: write, then close without close_notify", job.write, FTLS_OK);
    if (CHECK_RESULT_CONN(conn, read_exactly(conn, buf, strlen(reply), &got), FTLS_OK)) {
        CHECK(got == strlen(reply) && memcmp(buf, reply, got) == 0,
              "the data sent before the close arrived");
    }
    if (CHECK_RESULT_CONN(conn, ftls_connection_read(conn, buf, sizeof buf, &n),
                          FTLS_ERR_UNEXPECTED_EOF)) {
        CHECK_CONN_DETAIL(conn, "without close_notify");
    }
    CHECK_RESULT_CONN(conn, ftls_connection_read(conn, buf, sizeof buf, &n),
                      FTLS_ERR_UNEXPECTED_EOF);
    /* Our close_notify cannot go out: the socket's other end is closed. */
    if (CHECK_RESULT_CONN(conn, ftls_connection_shutdown(conn, true), FTLS_ERR_IO)) {
        CHECK(ftls_connection_last_os_error(conn) == EPIPE, "the shutdown failed with EPIPE (%d)",
              (int)ftls_connection_last_os_error(conn));
    }
out:
    ftls_connection_free(conn);
    close_fd(&fds[0]);
    close_fd(&fds[1]);
}

static void case_peer_half_closes_without_close_notify(void)
{
    int fds[2] = {-1, -1};
    pthread_t thread;
    server_job job;
    ftls_connection *conn = NULL;
    uint8_t buf[64];
    size_t n = 0;

    memset(&job, 0, sizeof job);
    job.go_fd = -1;
    if (!make_socketpair(fds)) {
        return;
    }
    job.config = server_config;
    job.read_fd = job.write_fd = fds[1];
    job.ending = END_HALF_CLOSE;
    conn = client_on_fds(client_config, fds[0], fds[0]);
    if (conn == NULL || !start_server(&thread, &job)) {
        goto out;
    }
    CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_OK);
    pthread_join(thread, NULL);
    CHECK_CODE("server: shutdown(SHUT_WR) without close_notify", job.end, FTLS_OK);
    /* Our close_notify goes out, but the peer's never comes: the wait ends in truncation. */
    if (CHECK_RESULT_CONN(conn, ftls_connection_shutdown(conn, true), FTLS_ERR_UNEXPECTED_EOF)) {
        CHECK_CONN_DETAIL(conn, "without close_notify");
    }
    CHECK_RESULT_CONN(conn, ftls_connection_read(conn, buf, sizeof buf, &n),
                      FTLS_ERR_UNEXPECTED_EOF);
out:
    ftls_connection_free(conn);
    close_fd(&fds[0]);
    close_fd(&fds[1]);
}

static bool set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        setup_failed(__FILE__, __LINE__, "fcntl(O_NONBLOCK) failed");
        return false;
    }
    return true;
}

/* Reads one whole TLS record from a raw fd (blocking). */
static bool read_raw_record(int fd, size_t *record_len)
{
    uint8_t header[5], body[16384 + 2048];
    size_t have = 0, len;
    while (have < 5) {
        ssize_t r = read(fd, header + have, 5 - have);
        if (r <= 0) {
            return false;
        }
        have += (size_t)r;
    }
    len = ((size_t)header[3] << 8) | header[4];
    if (len > sizeof body) {
        return false;
    }
    have = 0;
    while (have < len) {
        ssize_t r = read(fd, body + have, len - have);
        if (r <= 0) {
            return false;
        }
        have += (size_t)r;
    }
    *record_len = 5 + len;
    return header[0] == 22; /* a handshake record */
}

static void case_nonblocking_would_block_then_eof_during_handshake(void)
{
    int fds[2] = {-1, -1};
    ftls_connection *conn = NULL;
    uint8_t buf[16];
    size_t n = 99, record_len = 0;

    if (!make_socketpair(fds) || !set_nonblocking(fds[0])) {
        goto out;
    }
    conn = client_on_fds(client_config, fds[0], fds[0]);
    if (conn == NULL) {
        goto out;
    }
    /* The ClientHello goes out; no answer yet. */
    CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_WANT_READ);
    CHECK_RESULT_CONN(conn, ftls_connection_read(conn, buf, sizeof buf, &n), FTLS_WANT_READ);
    CHECK_RESULT_CONN(conn, ftls_connection_write(conn, (const uint8_t *)"x", 1, &n),
                      FTLS_WANT_READ);
    CHECK(n == 99, "would-block results left *out_n untouched");
    CHECK(ftls_connection_last_os_error(conn) == 0, "EAGAIN is not reported as an OS error");
    /* The "server" reads the ClientHello and hangs up. */
    CHECK(read_raw_record(fds[1], &record_len), "the peer received a ClientHello record (%zu "
          "bytes)", record_len);
    shutdown(fds[1], SHUT_WR);
    if (CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_ERR_UNEXPECTED_EOF)) {
        CHECK_CONN_DETAIL(conn, "during the handshake");
    }
    CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_ERR_UNEXPECTED_EOF);
out:
    ftls_connection_free(conn);
    close_fd(&fds[0]);
    close_fd(&fds[1]);
}

static void case_without_an_fd(void)
{
    ftls_connection *conn = NULL;
    if (!CHECK_RESULT(ftls_client_connection_new(client_config, "localhost", &conn), FTLS_OK)) {
        return;
    }
    if (CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_ERR_INVALID_STATE)) {
        CHECK_CONN_DETAIL(conn, "no file descriptor is set");
    }
    CHECK_RESULT_CONN(conn, ftls_connection_flush(conn), FTLS_ERR_INVALID_STATE);
    CHECK_RESULT_CONN(conn, ftls_connection_shutdown(conn, false), FTLS_ERR_INVALID_STATE);
    CHECK_RESULT_CONN(conn, ftls_connection_shutdown(conn, true), FTLS_ERR_INVALID_STATE);
    ftls_connection_free(conn);
}

static void case_no_sigpipe_on_a_closed_socket(void)
{
    int fds[2] = {-1, -1};
    pthread_t thread;
    server_job job;
    ftls_connection *conn = NULL;
    uint8_t data[4096];
    size_t n = 0;
    int i;
    ftls_result r = FTLS_OK;

    memset(&job, 0, sizeof job);
    job.go_fd = -1;
    memset(data, 'x', sizeof data);
    if (!make_socketpair(fds)) {
        return;
    }
    job.config = server_config;
    job.read_fd = job.write_fd = fds[1];
    job.ending = END_CLOSE_WITHOUT_NOTIFY;
    conn = client_on_fds(client_config, fds[0], fds[0]);
    if (conn == NULL || !start_server(&thread, &job)) {
        goto out;
    }
    CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_OK);
    pthread_join(thread, NULL);
    fds[1] = -1;
    for (i = 0; i < 100 && r == FTLS_OK; i++) {
        r = ftls_connection_write(conn, data, sizeof data, &n);
    }
    if (CHECK_CODE_CONN("writing to a socket whose peer is gone", conn, r, FTLS_ERR_IO)) {
        CHECK(ftls_connection_last_os_error(conn) == EPIPE,
              "last_os_error is EPIPE (%d), got %d; and no SIGPIPE killed us", EPIPE,
              (int)ftls_connection_last_os_error(conn));
    }
out:
    ftls_connection_free(conn);
    close_fd(&fds[0]);
    close_fd(&fds[1]);
}

static void case_separate_fds_over_pipes(void)
{
    static const char request[] = "over two pipes";
    static const char reply[] = "and back";
    int to_server[2] = {-1, -1}, to_client[2] = {-1, -1};
    pthread_t thread;
    server_job job;
    ftls_connection *conn = NULL;
    uint8_t buf[64];
    size_t n = 0, got = 0;
    int i;
    ftls_result r = FTLS_OK;

    memset(&job, 0, sizeof job);
    job.go_fd = -1;
    if (pipe(to_server) != 0 || pipe(to_client) != 0) {
        setup_failed(__FILE__, __LINE__, "pipe failed");
        goto out;
    }
    job.config = server_config;
    job.read_fd = to_server[0];
    job.write_fd = to_client[1];
    job.request_len = strlen(request);
    job.reply = reply;
    job.ending = END_SHUTDOWN_WAIT;
    conn = client_on_fds(client_config, to_client[0], to_server[1]);
    if (conn == NULL || !start_server(&thread, &job)) {
        goto out;
    }
    CHECK_RESULT_CONN(conn, ftls_connection_write(conn, (const uint8_t *)request,
                                                  strlen(request), &n),
                      FTLS_OK);
    if (CHECK_RESULT_CONN(conn, read_exactly(conn, buf, strlen(reply), &got), FTLS_OK)) {
        CHECK(got == strlen(reply) && memcmp(buf, reply, got) == 0, "the reply came back");
    }
    CHECK_RESULT_CONN(conn, ftls_connection_shutdown(conn, true), FTLS_OK);
    pthread_join(thread, NULL);
    CHECK_CODE("server over pipes: handshake", job.handshake, FTLS_OK);
    CHECK(job.request_got == strlen(request) &&
              memcmp(job.request, request, job.request_got) == 0,
          "the server read the request from its pipe");
    CHECK_CODE("server over pipes: shutdown", job.end, FTLS_OK);

    /* Writing into a pipe nobody reads: EPIPE, not SIGPIPE. */
    close_fd(&to_server[0]);
    ftls_connection_free(conn);
    conn = client_on_fds(client_config, to_client[0], to_server[1]);
    for (i = 0; conn != NULL && i < 10 && r == FTLS_OK; i++) {
        r = ftls_connection_handshake(conn);
    }
    if (conn != NULL && CHECK_CODE_CONN("a handshake into a pipe without a reader", conn, r,
                                        FTLS_ERR_IO)) {
        CHECK(ftls_connection_last_os_error(conn) == EPIPE,
              "last_os_error is EPIPE (%d), got %d; and no SIGPIPE killed us", EPIPE,
              (int)ftls_connection_last_os_error(conn));
    }
out:
    ftls_connection_free(conn);
    free(job.request);
    close_fd(&to_server[0]);
    close_fd(&to_server[1]);
    close_fd(&to_client[0]);
    close_fd(&to_client[1]);
}

static void case_certificate_error_over_fd(void)
{
    server_opts so = {0};
    ftls_server_config *expired;
    int fds[2] = {-1, -1};
    pthread_t thread;
    server_job job;
    ftls_connection *conn = NULL;
    size_t n = 0;

    memset(&job, 0, sizeof job);
    job.go_fd = -1;
    so.cert = "expired-server.pem";
    so.key = "expired-server.key";
    expired = make_server_config(&so);
    if (expired == NULL || !make_socketpair(fds)) {
        ftls_server_config_free(expired);
        return;
    }
    job.config = expired;
    job.read_fd = job.write_fd = fds[1];
    job.ending = END_CLOSE_WITHOUT_NOTIFY;
    conn = client_on_fds(client_config, fds[0], fds[0]);
    if (conn == NULL || !start_server(&thread, &job)) {
        goto out;
    }
    if (CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_ERR_CERT_EXPIRED)) {
        CHECK_CONN_DETAIL(conn, "certificate expired");
    }
    /* Over an fd, ftls does the transport I/O: the alert telling the server why should be on
     * its way already (an SSL_do_handshake-like call sends it before reporting the failure). */
    CHECK(!ftls_connection_wants_write(conn),
          "the failed fd handshake sent its alert (nothing left to write)");
    /* Otherwise the server would wait for it forever: flush what is left (a no-op when the
     * alert went out), so that the server thread can finish either way. */
    CHECK_RESULT_CONN(conn, ftls_connection_flush(conn), FTLS_OK);
    pthread_join(thread, NULL);
    fds[1] = -1;
    CHECK_CODE("the server over its fd hears the alert", job.handshake, FTLS_ERR_ALERT_RECEIVED);
    CHECK(strstr(job.detail, "certificate_expired") != NULL, "the server's detail names it: \"%s\"",
          job.detail);
    /* The failure sticks. */
    CHECK_RESULT_CONN(conn, ftls_connection_write(conn, (const uint8_t *)"x", 1, &n),
                      FTLS_ERR_CERT_EXPIRED);
    CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_ERR_CERT_EXPIRED);
out:
    ftls_connection_free(conn);
    ftls_server_config_free(expired);
    close_fd(&fds[0]);
    close_fd(&fds[1]);
}

/* Waits until `fd` is ready for `events` (no timeout: the peer is a thread we control). */
static void wait_for(int fd, short events)
{
    struct pollfd p;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
}

static void case_nonblocking_short_writes(void)
{
    size_t len = 4 * 1024 * 1024, sent = 0, n = 0, i, first = 0;
    uint8_t *data = (uint8_t *)malloc(len);
    int fds[2] = {-1, -1}, go[2] = {-1, -1};
    pthread_t thread;
    server_job job;
    ftls_connection *conn = NULL;
    ftls_result r;
    int rounds = 0;

    memset(&job, 0, sizeof job);
    job.go_fd = -1;
    if (data == NULL || !make_socketpair(fds) || pipe(go) != 0) {
        free(data);
        close_fd(&fds[0]);
        close_fd(&fds[1]);
        return;
    }
    for (i = 0; i < len; i++) {
        data[i] = (uint8_t)(i * 31 + (i >> 12));
    }
    job.config = server_config;
    job.read_fd = job.write_fd = fds[1];
    job.go_fd = go[0];
    job.request_len = len;
    job.ending = END_SHUTDOWN_WAIT;
    conn = client_on_fds(client_config, fds[0], fds[0]);
    if (conn == NULL || !start_server(&thread, &job)) {
        goto out;
    }
    if (!CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_OK) ||
        !set_nonblocking(fds[0])) {
        if (write(go[1], "g", 1) != 1) {
            setup_failed(__FILE__, __LINE__, "cannot release the server thread");
        }
        pthread_join(thread, NULL);
        goto out;
    }
    /* Nobody reads yet: the socket fills up. */
    if (CHECK_RESULT_CONN(conn, ftls_connection_write(conn, data, len, &first), FTLS_OK)) {
        CHECK(first >= 1 && first < len,
              "a non-blocking write into a full socket accepts a part (%zu of %zu bytes)", first,
              len);
        sent = first;
    }
    r = ftls_connection_write(conn, data + sent, len - sent, &n);
    CHECK_CODE_CONN("the next write, with the socket still full", conn, r, FTLS_WANT_WRITE);
    CHECK(ftls_connection_wants_write(conn), "accepted bytes wait to be sent (wants_write)");
    CHECK_RESULT_CONN(conn, ftls_connection_flush(conn), FTLS_WANT_WRITE);
    /* Let the server read, and send the rest as the socket drains. */
    if (write(go[1], "g", 1) != 1) {
        setup_failed(__FILE__, __LINE__, "cannot release the server thread");
    }
    while (sent < len && rounds++ < 1000000) {
        r = ftls_connection_write(conn, data + sent, len - sent, &n);
        if (r == FTLS_OK) {
            sent += n;
        } else if (r == FTLS_WANT_WRITE) {
            wait_for(fds[0], POLLOUT);
        } else {
            CHECK_CODE_CONN("writing the rest", conn, r, FTLS_OK);
            break;
        }
    }
    while ((r = ftls_connection_flush(conn)) == FTLS_WANT_WRITE) {
        wait_for(fds[0], POLLOUT);
    }
    CHECK_CODE_CONN("flush sent every accepted byte", conn, r, FTLS_OK);
    while ((r = ftls_connection_shutdown(conn, true)) == FTLS_WANT_READ ||
           r == FTLS_WANT_WRITE) {
        wait_for(fds[0], r == FTLS_WANT_READ ? POLLIN : POLLOUT);
    }
    CHECK_CODE_CONN("non-blocking shutdown(wait_for_peer), retried as told", conn, r, FTLS_OK);
    pthread_join(thread, NULL);
    CHECK(sent == len, "the writes accepted all %zu bytes in the end (%zu)", len, sent);
    CHECK(job.request_got == len && memcmp(job.request, data, len) == 0,
          "the server received all %zu bytes intact: no accepted byte was lost (%zu)", len,
          job.request_got);
    CHECK_CODE("server: shutdown(wait_for_peer)", job.end, FTLS_OK);
out:
    ftls_connection_free(conn);
    free(job.request);
    free(data);
    close_fd(&fds[0]);
    close_fd(&fds[1]);
    close_fd(&go[0]);
    close_fd(&go[1]);
}

/* A client connection made by the main thread, driven by another one. */
typedef struct {
    ftls_connection *conn;
    const char *request;
    const char *reply;
    ftls_result handshake, write, read, end;
    bool reply_ok;
} client_job;

static void *client_thread(void *arg)
{
    client_job *job = (client_job *)arg;
    uint8_t buf[128];
    size_t n = 0, got = 0, len = strlen(job->reply);
    job->handshake = ftls_connection_handshake(job->conn);
    job->write = ftls_connection_write(job->conn, (const uint8_t *)job->request,
                                       strlen(job->request), &n);
    job->read = len <= sizeof buf ? read_exactly(job->conn, buf, len, &got) : FTLS_ERR_INTERNAL;
    job->reply_ok = job->read == FTLS_OK && got == len && memcmp(buf, job->reply, len) == 0;
    job->end = ftls_connection_shutdown(job->conn, true);
    return NULL;
}

#define PAIRS 3

static void case_shared_configs_across_threads(void)
{
    static const char *const requests[PAIRS] = {"request one", "request two", "request three"};
    static const char reply[] = "one server config, many threads";
    int fds[PAIRS][2];
    pthread_t servers[PAIRS], clients[PAIRS];
    bool server_started[PAIRS] = {false}, client_started[PAIRS] = {false};
    server_job sjobs[PAIRS];
    client_job cjobs[PAIRS];
    size_t i;

    memset(sjobs, 0, sizeof sjobs);
    memset(cjobs, 0, sizeof cjobs);
    for (i = 0; i < PAIRS; i++) {
        fds[i][0] = fds[i][1] = -1;
    }
    for (i = 0; i < PAIRS; i++) {
        if (!make_socketpair(fds[i])) {
            goto join;
        }
        sjobs[i].config = server_config;
        sjobs[i].read_fd = sjobs[i].write_fd = fds[i][1];
        sjobs[i].go_fd = -1;
        sjobs[i].request_len = strlen(requests[i]);
        sjobs[i].reply = reply;
        sjobs[i].ending = END_SHUTDOWN_WAIT;
        cjobs[i].conn = client_on_fds(client_config, fds[i][0], fds[i][0]);
        cjobs[i].request = requests[i];
        cjobs[i].reply = reply;
        if (cjobs[i].conn == NULL) {
            goto join;
        }
        server_started[i] = start_server(&servers[i], &sjobs[i]);
        client_started[i] = server_started[i] &&
                            pthread_create(&clients[i], NULL, client_thread, &cjobs[i]) == 0;
        if (!client_started[i]) {
            /* Unblock the server: its client will never come. */
            shutdown(fds[i][0], SHUT_RDWR);
            goto join;
        }
    }
join:
    for (i = 0; i < PAIRS; i++) {
        if (client_started[i]) {
            pthread_join(clients[i], NULL);
        }
        if (server_started[i]) {
            pthread_join(servers[i], NULL);
        }
        if (client_started[i] && server_started[i]) {
            printf("---- connection %zu\n", i + 1);
            CHECK_CODE("client thread: handshake", cjobs[i].handshake, FTLS_OK);
            CHECK_CODE("client thread: write", cjobs[i].write, FTLS_OK);
            CHECK_CODE("client thread: read", cjobs[i].read, FTLS_OK);
            CHECK(cjobs[i].reply_ok, "client thread %zu got the reply", i + 1);
            CHECK_CODE("client thread: shutdown", cjobs[i].end, FTLS_OK);
            CHECK_CODE("server thread: handshake", sjobs[i].handshake, FTLS_OK);
            CHECK(sjobs[i].request_got == strlen(requests[i]) &&
                      memcmp(sjobs[i].request, requests[i], sjobs[i].request_got) == 0,
                  "server thread %zu read \"%s\"", i + 1, requests[i]);
            CHECK_CODE("server thread: shutdown", sjobs[i].end, FTLS_OK);
        }
        ftls_connection_free(cjobs[i].conn);
        free(sjobs[i].request);
        close_fd(&fds[i][0]);
        close_fd(&fds[i][1]);
    }
}

static const test_case cases[] = {
    {"handshake_data_and_shutdown", case_handshake_data_and_shutdown},
    {"large_blocking_write", case_large_blocking_write},
    {"shutdown_without_waiting", case_shutdown_without_waiting},
    {"peer_closes_without_close_notify", case_peer_closes_without_close_notify},
    {"peer_half_closes_without_close_notify", case_peer_half_closes_without_close_notify},
    {"nonblocking_would_block_then_eof_during_handshake",
     case_nonblocking_would_block_then_eof_during_handshake},
    {"without_an_fd", case_without_an_fd},
    {"certificate_error_over_fd", case_certificate_error_over_fd},
    {"nonblocking_short_writes", case_nonblocking_short_writes},
    {"no_sigpipe_on_a_closed_socket", case_no_sigpipe_on_a_closed_socket},
    {"separate_fds_over_pipes", case_separate_fds_over_pipes},
    {"shared_configs_across_threads", case_shared_configs_across_threads},
};

int main(int argc, char **argv)
{
    int status;
    if (argc < 2) {
        fprintf(stderr, "usage: %s CERT_DIR [CASE]\n", argv[0]);
        return 2;
    }
    cert_dir = argv[1];
    client_config = make_client_config(NULL);
    server_config = make_server_config(NULL);
    if (client_config == NULL || server_config == NULL) {
        status = 1;
    } else {
        status = RUN_CASES(cases, argc > 2 ? argv[2] : NULL);
    }
    ftls_client_config_free(client_config);
    ftls_server_config_free(server_config);
    return status;
}
