/*
 * fd_io: the file-descriptor API over socketpair(), loopback TCP and pipes: handshake, data
 * both ways (a large blocking write included), "pending", shutdown both ways, truncation, a
 * peer that closes during the handshake, a peer that resets the connection, non-blocking
 * would-block results, no SIGPIPE, and a signal interrupting a blocking read or write.
 *
 * Most cases are a session: a client connection in the main thread, which makes the checks,
 * and a server connection in a thread that follows a small script (server_job) and reports
 * what it saw.
 *
 * Usage: fd_io CERT_DIR [CASE]
 */
#include "check.h"
#include "pump.h"
#include "sockets.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>

/* How the server thread ends its side. */
typedef enum {
    END_SHUTDOWN_WAIT,        /* ftls_connection_shutdown(conn, true) */
    END_CLOSE_WITHOUT_NOTIFY, /* close() the fds: no close_notify */
    END_HALF_CLOSE,           /* shutdown(fd, SHUT_WR): end of stream, no close_notify */
    END_RESET                 /* close() with SO_LINGER 0: a TCP reset (TCP sockets only) */
} server_ending;

/* What the server thread does, and what it saw. */
typedef struct server_job {
    /* in */
    const ftls_server_config *config;
    int read_fd, write_fd;      /* the same socket, or two pipes; -1 once the thread closed them */
    int go_fd;                  /* >= 0: after the handshake, wait for a byte on it */
    void (*after_handshake)(struct server_job *job); /* if set, called after the handshake */
    void *hook_arg;             /* for after_handshake */
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

/* A server script: read `request_len` bytes, answer `reply`, end as `ending`. */
static server_job job_for(const ftls_server_config *config, size_t request_len, const char *reply,
                          server_ending ending)
{
    server_job job;
    memset(&job, 0, sizeof job);
    job.config = config;
    job.read_fd = job.write_fd = job.go_fd = -1;
    job.request_len = request_len;
    job.reply = reply;
    job.ending = ending;
    return job;
}

/* Reads with ftls_connection_read, waiting as told on `fd` whenever it would block: the same
 * code serves blocking fds (which never say "would block") and non-blocking ones. */
static ftls_result read_as_told(ftls_connection *conn, int fd, uint8_t *buf, size_t len,
                                size_t *n)
{
    ftls_result r;
    while ((r = ftls_connection_read(conn, buf, len, n)) == FTLS_WANT_READ ||
           r == FTLS_WANT_WRITE) {
        wait_as_told(conn, fd, r);
    }
    return r;
}

/* Reads exactly `len` bytes (the fd API may return fewer per call). */
static ftls_result read_exactly(ftls_connection *conn, int fd, uint8_t *buf, size_t len,
                                size_t *got)
{
    *got = 0;
    while (*got < len) {
        size_t n = 0;
        ftls_result r = read_as_told(conn, fd, buf + *got, len - *got, &n);
        if (r != FTLS_OK) {
            return r;
        }
        *got += n;
    }
    return FTLS_OK;
}

/* Writes all of `data`, waiting as told whenever the fd would block. */
static ftls_result write_as_told(ftls_connection *conn, int fd, const void *data, size_t len)
{
    size_t sent = 0, n = 0;
    while (sent < len) {
        ftls_result r = ftls_connection_write(conn, (const uint8_t *)data + sent, len - sent, &n);
        if (r == FTLS_WANT_READ || r == FTLS_WANT_WRITE) {
            wait_as_told(conn, fd, r);
        } else if (r != FTLS_OK) {
            return r;
        } else {
            sent += n;
        }
    }
    return FTLS_OK;
}

static ftls_result shutdown_as_told(ftls_connection *conn, int fd, bool wait_for_peer)
{
    ftls_result r;
    while ((r = ftls_connection_shutdown(conn, wait_for_peer)) == FTLS_WANT_READ ||
           r == FTLS_WANT_WRITE) {
        wait_as_told(conn, fd, r);
    }
    return r;
}

static void end_server_side(server_job *job, ftls_connection *conn)
{
    switch (job->ending) {
    case END_SHUTDOWN_WAIT:
        job->end = ftls_connection_shutdown(conn, true);
        return;
    case END_HALF_CLOSE:
        job->end = shutdown(job->write_fd, SHUT_WR) == 0 ? FTLS_OK : FTLS_ERR_IO;
        return;
    case END_RESET:
        close_with_reset(&job->read_fd);
        job->write_fd = -1;
        job->end = FTLS_OK;
        return;
    case END_CLOSE_WITHOUT_NOTIFY:
        if (job->write_fd != job->read_fd) {
            close_fd(&job->write_fd);
        }
        close_fd(&job->read_fd);
        job->write_fd = -1;
        job->end = FTLS_OK;
        return;
    }
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
        ftls_connection_protocol_version(conn, NULL, &version) == FTLS_OK && version.len < 16) {
        memcpy(job->version, version.data, version.len);
        job->version[version.len] = 0;
    }
    if (job->go_fd >= 0) {
        char go;
        if (read(job->go_fd, &go, 1) != 1) {
            job->handshake = FTLS_ERR_IO;
        }
    }
    if (job->handshake == FTLS_OK && job->after_handshake != NULL) {
        job->after_handshake(job);
    }
    job->read = FTLS_OK;
    if (job->handshake == FTLS_OK && job->request_len > 0) {
        job->request = (uint8_t *)malloc(job->request_len);
        job->read = job->request == NULL ? FTLS_ERR_INTERNAL
                                         : read_exactly(conn, job->read_fd, job->request,
                                                        job->request_len, &job->request_got);
    }
    job->write = FTLS_OK;
    if (job->read == FTLS_OK && job->reply != NULL) {
        job->write = ftls_connection_write(conn, (const uint8_t *)job->reply,
                                           strlen(job->reply), &n);
        if (job->write == FTLS_OK && n != strlen(job->reply)) {
            job->write = FTLS_ERR_INTERNAL; /* a blocking fd must take it all */
        }
    }
    end_server_side(job, conn);
    ftls_connection_last_error(conn, job->detail, sizeof job->detail, NULL);
    ftls_connection_free(conn);
    return NULL;
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

/* A client connection (made and checked by the main thread) and a server_job (run by a
 * thread) over a pair of connected fds. */
typedef struct {
    ftls_connection *conn;      /* the client */
    int fd;                     /* the client's socket (its read fd, over pipes) */
    int client_fds[2];          /* read, write: the same socket, or two pipes */
    server_job job;
    int server_fds[2];          /* as given to the job, for closing */
    pthread_t thread;
    bool running;               /* the server thread runs and has not been joined */
} session;

enum transport { OVER_SOCKETPAIR, OVER_TCP, OVER_PIPES };

/* An empty session, safe to end. */
static void init_session(session *s)
{
    memset(s, 0, sizeof *s);
    s->fd = s->client_fds[0] = s->client_fds[1] = s->server_fds[0] = s->server_fds[1] = -1;
}

/* Connects a client and the server `job` over `transport` and starts the server thread.
 * False (after a failed setup line) if any of it failed; end_session() cleans up either way. */
static bool start_session(session *s, server_job job, enum transport transport)
{
    int a[2] = {-1, -1}, b[2] = {-1, -1};
    bool connected;

    init_session(s);
    s->job = job;
    if (transport == OVER_PIPES) {
        connected = pipe(a) == 0 && pipe(b) == 0;
        if (!connected) {
            setup_failed(__FILE__, __LINE__, "pipe failed: %s", strerror(errno));
        }
        /* Client -> server over a, server -> client over b. */
        s->client_fds[0] = b[0];
        s->client_fds[1] = a[1];
        s->server_fds[0] = a[0];
        s->server_fds[1] = b[1];
    } else {
        if (transport == OVER_TCP) {
            connected = tcp_pair(a);
        } else if (!(connected = socketpair(AF_UNIX, SOCK_STREAM, 0, a) == 0)) {
            setup_failed(__FILE__, __LINE__, "socketpair failed: %s", strerror(errno));
        }
        s->client_fds[0] = s->client_fds[1] = a[0];
        s->server_fds[0] = s->server_fds[1] = a[1];
    }
    s->fd = s->client_fds[0];
    s->job.read_fd = s->server_fds[0];
    s->job.write_fd = s->server_fds[1];
    if (!connected) {
        return false;
    }
    s->conn = client_on_fds(client_config, s->client_fds[0], s->client_fds[1]);
    if (s->conn == NULL) {
        return false;
    }
    if (pthread_create(&s->thread, NULL, server_thread, &s->job) != 0) {
        setup_failed(__FILE__, __LINE__, "pthread_create failed");
        return false;
    }
    s->running = true;
    return true;
}

/* Waits for the server thread to finish its script; its results are in s->job then. */
static void join_server(session *s)
{
    if (s->running) {
        pthread_join(s->thread, NULL);
        s->running = false;
    }
    if (s->job.read_fd < 0) {
        s->server_fds[0] = s->server_fds[1] = -1; /* the thread closed them */
    }
}

static void close_pair(int fds[2])
{
    if (fds[1] != fds[0]) {
        close_fd(&fds[1]);
    }
    close_fd(&fds[0]);
    fds[1] = -1;
}

/* Frees and closes everything; a server thread still running is unblocked first (the client
 * side of the connection goes away) and joined. */
static void end_session(session *s)
{
    if (s->running) {
        shutdown(s->client_fds[0], SHUT_RDWR);
        close_pair(s->client_fds);
    }
    join_server(s);
    ftls_connection_free(s->conn);
    free(s->job.request);
    close_pair(s->client_fds);
    close_pair(s->server_fds);
}

/* -------------------------------------------------------------------------------------------- */

static void case_handshake_data_and_shutdown(void)
{
    static const char request[] = "GET / over a socketpair";
    static const char reply[] = "reply from the server thread";
    session s;
    uint8_t buf[128];
    size_t n = 0, got = 0, pending = 0;
    ftls_str version = {NULL, 0};

    if (!start_session(&s, job_for(server_config, strlen(request), reply, END_SHUTDOWN_WAIT),
                       OVER_SOCKETPAIR)) {
        end_session(&s);
        return;
    }
    CHECK_RESULT_CONN(s.conn, ftls_connection_handshake(s.conn), FTLS_OK);
    if (CHECK_RESULT_CONN(s.conn, ftls_connection_protocol_version(s.conn, NULL, &version),
                          FTLS_OK)) {
        CHECK_STR("the fd connection's version", version, "TLSv1.3");
    }
    if (CHECK_RESULT_CONN(s.conn, ftls_connection_write(s.conn, (const uint8_t *)request,
                                                        strlen(request), &n),
                          FTLS_OK)) {
        CHECK(n == strlen(request), "a blocking write sent all %zu bytes (got %zu)",
              strlen(request), n);
    }
    /* The reply is one record: reading 4 bytes decrypts it all, and the rest is pending. */
    if (CHECK_RESULT_CONN(s.conn, ftls_connection_read(s.conn, buf, 4, &n), FTLS_OK)) {
        pending = ftls_connection_pending(s.conn);
        CHECK(n == 4 && pending == strlen(reply) - 4,
              "after reading 4 bytes, the other %zu are pending (read %zu, pending %zu)",
              strlen(reply) - 4, n, pending);
    }
    if (CHECK_RESULT_CONN(s.conn, read_exactly(s.conn, s.fd, buf + 4, strlen(reply) - 4, &got),
                          FTLS_OK)) {
        CHECK(got + 4 == strlen(reply) && memcmp(buf, reply, got + 4) == 0,
              "the client read the server's reply");
    }
    pending = ftls_connection_pending(s.conn);
    CHECK(pending == 0, "nothing is pending once all was read (%zu)", pending);
    /* The server shuts down (waiting for ours); then we do, waiting for theirs. */
    CHECK_RESULT_CONN(s.conn, ftls_connection_shutdown(s.conn, true), FTLS_OK);
    join_server(&s);
    CHECK_CODE("server: handshake over the fd", s.job.handshake, FTLS_OK);
    CHECK_CODE("server: reading the request", s.job.read, FTLS_OK);
    CHECK(s.job.request_got == strlen(request) &&
              memcmp(s.job.request, request, s.job.request_got) == 0,
          "the server read the client's request");
    CHECK_CODE("server: writing the reply", s.job.write, FTLS_OK);
    CHECK_CODE("server: shutdown(wait_for_peer)", s.job.end, FTLS_OK);
    CHECK(strcmp(s.job.version, "TLSv1.3") == 0, "the server negotiated TLSv1.3 (%s)",
          s.job.version);
    /* Both sides have closed cleanly. */
    CHECK_RESULT_CONN(s.conn, ftls_connection_read(s.conn, buf, sizeof buf, &n), FTLS_CLOSED);
    CHECK_RESULT_CONN(s.conn, ftls_connection_write(s.conn, (const uint8_t *)"x", 1, &n),
                      FTLS_ERR_INVALID_STATE);
    end_session(&s);
}

static void case_large_blocking_write(void)
{
    size_t len = 1024 * 1024 + 17, n = 0, i;
    uint8_t *data = (uint8_t *)malloc(len);
    session s;

    if (data == NULL) {
        setup_failed(__FILE__, __LINE__, "out of memory");
        return;
    }
    for (i = 0; i < len; i++) {
        data[i] = (uint8_t)(i % 253);
    }
    if (start_session(&s, job_for(server_config, len, NULL, END_SHUTDOWN_WAIT),
                      OVER_SOCKETPAIR)) {
        /* No explicit handshake: write runs it. A blocking fd takes everything in one call. */
        if (CHECK_RESULT_CONN(s.conn, ftls_connection_write(s.conn, data, len, &n), FTLS_OK)) {
            CHECK(n == len, "one blocking write sent all %zu bytes (got %zu)", len, n);
        }
        CHECK_RESULT_CONN(s.conn, ftls_connection_shutdown(s.conn, true), FTLS_OK);
        join_server(&s);
        CHECK_CODE("server: reading 1 MiB", s.job.read, FTLS_OK);
        CHECK(s.job.request_got == len && memcmp(s.job.request, data, len) == 0,
              "the server received all %zu bytes intact (%zu)", len, s.job.request_got);
        CHECK_CODE("server: shutdown(wait_for_peer)", s.job.end, FTLS_OK);
    }
    end_session(&s);
    free(data);
}

static void case_shutdown_without_waiting(void)
{
    session s;
    uint8_t buf[16];
    size_t n = 0;

    if (start_session(&s, job_for(server_config, 0, NULL, END_SHUTDOWN_WAIT), OVER_SOCKETPAIR)) {
        CHECK_RESULT_CONN(s.conn, ftls_connection_handshake(s.conn), FTLS_OK);
        /* Send ours and return at once; the server's shutdown waits for it, then sends its own. */
        CHECK_RESULT_CONN(s.conn, ftls_connection_shutdown(s.conn, false), FTLS_OK);
        join_server(&s);
        CHECK_CODE("server: shutdown(wait_for_peer) saw the client's close_notify", s.job.end,
                   FTLS_OK);
        CHECK_RESULT_CONN(s.conn, ftls_connection_read(s.conn, buf, sizeof buf, &n), FTLS_CLOSED);
        /* Shutting down again is harmless. */
        CHECK_RESULT_CONN(s.conn, ftls_connection_shutdown(s.conn, true), FTLS_OK);
    }
    end_session(&s);
}

/* The server writes, then closes its socket without close_notify; the client, blocking or
 * not, gets the data, then FTLS_ERR_UNEXPECTED_EOF. */
static void peer_closes_without_close_notify(bool nonblocking)
{
    static const char reply[] = "the last words";
    session s;
    uint8_t buf[64];
    size_t n = 0, got = 0;

    printf("---- %s client\n", nonblocking ? "non-blocking" : "blocking");
    if (!start_session(&s, job_for(server_config, 0, reply, END_CLOSE_WITHOUT_NOTIFY),
                       OVER_SOCKETPAIR) ||
        !CHECK_RESULT_CONN(s.conn, ftls_connection_handshake(s.conn), FTLS_OK) ||
        (nonblocking && !set_nonblocking(s.fd))) {
        end_session(&s);
        return;
    }
    join_server(&s);
    CHECK_CODE("server: write, then close without close_notify", s.job.write, FTLS_OK);
    if (CHECK_RESULT_CONN(s.conn, read_exactly(s.conn, s.fd, buf, strlen(reply), &got),
                          FTLS_OK)) {
        CHECK(got == strlen(reply) && memcmp(buf, reply, got) == 0,
              "the data sent before the close arrived");
    }
    if (CHECK_RESULT_CONN(s.conn, read_as_told(s.conn, s.fd, buf, sizeof buf, &n),
                          FTLS_ERR_UNEXPECTED_EOF)) {
        CHECK_CONN_DETAIL(s.conn, "without close_notify");
    }
    CHECK_RESULT_CONN(s.conn, ftls_connection_read(s.conn, buf, sizeof buf, &n),
                      FTLS_ERR_UNEXPECTED_EOF);
    /* Our close_notify cannot go out: the socket's other end is closed. */
    if (CHECK_RESULT_CONN(s.conn, shutdown_as_told(s.conn, s.fd, true), FTLS_ERR_IO)) {
        CHECK(ftls_connection_last_os_error(s.conn) == EPIPE,
              "the shutdown failed with EPIPE (%d)", (int)ftls_connection_last_os_error(s.conn));
    }
    end_session(&s);
}

static void case_peer_closes_without_close_notify(void)
{
    peer_closes_without_close_notify(false);
    peer_closes_without_close_notify(true);
}

static void case_peer_half_closes_without_close_notify(void)
{
    session s;
    uint8_t buf[64];
    size_t n = 0;

    if (start_session(&s, job_for(server_config, 0, NULL, END_HALF_CLOSE), OVER_SOCKETPAIR)) {
        CHECK_RESULT_CONN(s.conn, ftls_connection_handshake(s.conn), FTLS_OK);
        join_server(&s);
        CHECK_CODE("server: shutdown(SHUT_WR) without close_notify", s.job.end, FTLS_OK);
        /* Our close_notify goes out, but the peer's never comes: the wait ends in truncation. */
        if (CHECK_RESULT_CONN(s.conn, ftls_connection_shutdown(s.conn, true),
                              FTLS_ERR_UNEXPECTED_EOF)) {
            CHECK_CONN_DETAIL(s.conn, "without close_notify");
        }
        CHECK_RESULT_CONN(s.conn, ftls_connection_read(s.conn, buf, sizeof buf, &n),
                          FTLS_ERR_UNEXPECTED_EOF);
    }
    end_session(&s);
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
    bool received;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0 || !set_nonblocking(fds[0])) {
        setup_failed(__FILE__, __LINE__, "no non-blocking socketpair");
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
    received = read_raw_record(fds[1], &record_len);
    CHECK(received, "the peer received a ClientHello record (%zu bytes)", record_len);
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

/* A TCP peer reads the ClientHello, then resets the connection: the waiting handshake fails
 * with FTLS_ERR_IO and ECONNRESET, and so does nothing worse on later calls. */
static void case_peer_resets_during_the_handshake(void)
{
    int fds[2] = {-1, -1};
    ftls_connection *conn = NULL;
    size_t record_len = 0;
    bool received;
    ftls_result again;

    if (!tcp_pair(fds) || !set_nonblocking(fds[0]) ||
        (conn = client_on_fds(client_config, fds[0], fds[0])) == NULL) {
        goto out;
    }
    CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_WANT_READ);
    received = read_raw_record(fds[1], &record_len);
    CHECK(received, "the peer received a ClientHello record (%zu bytes)", record_len);
    close_with_reset(&fds[1]);
    wait_for(fds[0], POLLIN);
    if (CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_ERR_IO)) {
        CHECK(ftls_connection_last_os_error(conn) == ECONNRESET,
              "last_os_error is ECONNRESET (%d), got %d", ECONNRESET,
              (int)ftls_connection_last_os_error(conn));
        CHECK_CONN_DETAIL(conn, "reset");
    }
    /* The socket reports the reset once; after it, the stream has simply ended. */
    again = ftls_connection_handshake(conn);
    CHECK(again == FTLS_ERR_UNEXPECTED_EOF || again == FTLS_ERR_IO,
          "calling again fails too, without hanging (%s)", ftls_result_name(again));
out:
    ftls_connection_free(conn);
    close_fd(&fds[0]);
    close_fd(&fds[1]);
}

/* After the handshake the client sends a request, which the server reads; then the server
 * resets the connection. The client, blocked (or polling) for the reply, gets FTLS_ERR_IO with
 * ECONNRESET. */
static void peer_resets_after_the_handshake(bool nonblocking)
{
    static const char request[] = "reset me";
    session s;
    uint8_t buf[64];
    size_t n = 0;

    printf("---- %s client\n", nonblocking ? "non-blocking" : "blocking");
    if (start_session(&s, job_for(server_config, strlen(request), NULL, END_RESET), OVER_TCP) &&
        CHECK_RESULT_CONN(s.conn, ftls_connection_handshake(s.conn), FTLS_OK) &&
        (!nonblocking || set_nonblocking(s.fd))) {
        CHECK_RESULT_CONN(s.conn, write_as_told(s.conn, s.fd, request, strlen(request)), FTLS_OK);
        if (CHECK_RESULT_CONN(s.conn, read_as_told(s.conn, s.fd, buf, sizeof buf, &n),
                              FTLS_ERR_IO)) {
            CHECK(ftls_connection_last_os_error(s.conn) == ECONNRESET,
                  "last_os_error is ECONNRESET (%d), got %d", ECONNRESET,
                  (int)ftls_connection_last_os_error(s.conn));
            CHECK_CONN_DETAIL(s.conn, "reset");
        }
        join_server(&s);
        CHECK_CODE("server: read the request before the reset", s.job.read, FTLS_OK);
    }
    end_session(&s);
}

static void case_peer_resets_after_the_handshake(void)
{
    peer_resets_after_the_handshake(false);
    peer_resets_after_the_handshake(true);
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
    session s;
    uint8_t data[4096];
    size_t n = 0;
    int i;
    ftls_result r = FTLS_OK;

    memset(data, 'x', sizeof data);
    if (start_session(&s, job_for(server_config, 0, NULL, END_CLOSE_WITHOUT_NOTIFY),
                      OVER_SOCKETPAIR)) {
        CHECK_RESULT_CONN(s.conn, ftls_connection_handshake(s.conn), FTLS_OK);
        join_server(&s);
        for (i = 0; i < 100 && r == FTLS_OK; i++) {
            r = ftls_connection_write(s.conn, data, sizeof data, &n);
        }
        if (CHECK_CODE_CONN("writing to a socket whose peer is gone", s.conn, r, FTLS_ERR_IO)) {
            CHECK(ftls_connection_last_os_error(s.conn) == EPIPE,
                  "last_os_error is EPIPE (%d), got %d; and no SIGPIPE killed us", EPIPE,
                  (int)ftls_connection_last_os_error(s.conn));
        }
    }
    end_session(&s);
}

static void case_separate_fds_over_pipes(void)
{
    static const char request[] = "over two pipes";
    static const char reply[] = "and back";
    session s;
    uint8_t buf[64];
    size_t n = 0, got = 0;
    int i;
    ftls_result r = FTLS_OK;
    ftls_connection *orphan = NULL;

    if (start_session(&s, job_for(server_config, strlen(request), reply, END_SHUTDOWN_WAIT),
                      OVER_PIPES)) {
        CHECK_RESULT_CONN(s.conn, ftls_connection_write(s.conn, (const uint8_t *)request,
                                                        strlen(request), &n),
                          FTLS_OK);
        if (CHECK_RESULT_CONN(s.conn, read_exactly(s.conn, s.fd, buf, strlen(reply), &got),
                              FTLS_OK)) {
            CHECK(got == strlen(reply) && memcmp(buf, reply, got) == 0, "the reply came back");
        }
        CHECK_RESULT_CONN(s.conn, ftls_connection_shutdown(s.conn, true), FTLS_OK);
        join_server(&s);
        CHECK_CODE("server over pipes: handshake", s.job.handshake, FTLS_OK);
        CHECK(s.job.request_got == strlen(request) &&
                  memcmp(s.job.request, request, s.job.request_got) == 0,
              "the server read the request from its pipe");
        CHECK_CODE("server over pipes: shutdown", s.job.end, FTLS_OK);

        /* Writing into a pipe nobody reads: EPIPE, not SIGPIPE. */
        close_fd(&s.server_fds[0]);
        orphan = client_on_fds(client_config, s.client_fds[0], s.client_fds[1]);
        for (i = 0; orphan != NULL && i < 10 && r == FTLS_OK; i++) {
            r = ftls_connection_handshake(orphan);
        }
        if (orphan != NULL && CHECK_CODE_CONN("a handshake into a pipe without a reader", orphan,
                                              r, FTLS_ERR_IO)) {
            CHECK(ftls_connection_last_os_error(orphan) == EPIPE,
                  "last_os_error is EPIPE (%d), got %d; and no SIGPIPE killed us", EPIPE,
                  (int)ftls_connection_last_os_error(orphan));
        }
        ftls_connection_free(orphan);
    }
    end_session(&s);
}

static void case_certificate_error_over_fd(void)
{
    server_opts so = {0};
    ftls_server_config *expired;
    session s;
    size_t n = 0;

    so.cert = "expired-server.pem";
    so.key = "expired-server.key";
    expired = make_server_config(&so);
    if (expired == NULL) {
        return;
    }
    if (start_session(&s, job_for(expired, 0, NULL, END_CLOSE_WITHOUT_NOTIFY), OVER_SOCKETPAIR)) {
        if (CHECK_RESULT_CONN(s.conn, ftls_connection_handshake(s.conn), FTLS_ERR_CERT_EXPIRED)) {
            CHECK_CONN_DETAIL(s.conn, "certificate expired");
        }
        /* Over an fd, ftls does the transport I/O: the alert telling the server why should be
         * on its way already (an SSL_do_handshake-like call sends it before reporting the
         * failure). */
        CHECK(!ftls_connection_wants_write(s.conn),
              "the failed fd handshake sent its alert (nothing left to write)");
        /* Otherwise the server would wait for it forever: flush what is left (a no-op when the
         * alert went out), so that the server thread can finish either way. */
        CHECK_RESULT_CONN(s.conn, ftls_connection_flush(s.conn), FTLS_OK);
        join_server(&s);
        CHECK_CODE("the server over its fd hears the alert", s.job.handshake,
                   FTLS_ERR_ALERT_RECEIVED);
        CHECK(strstr(s.job.detail, "certificate_expired") != NULL,
              "the server's detail names it: \"%s\"", s.job.detail);
        /* The failure sticks. */
        CHECK_RESULT_CONN(s.conn, ftls_connection_write(s.conn, (const uint8_t *)"x", 1, &n),
                          FTLS_ERR_CERT_EXPIRED);
        CHECK_RESULT_CONN(s.conn, ftls_connection_handshake(s.conn), FTLS_ERR_CERT_EXPIRED);
    }
    end_session(&s);
    ftls_server_config_free(expired);
}

static void release(int go_fd)
{
    if (write(go_fd, "g", 1) != 1) {
        setup_failed(__FILE__, __LINE__, "cannot release the server thread");
    }
}

static void case_nonblocking_short_writes(void)
{
    size_t len = 4 * 1024 * 1024, sent = 0, n = 0, i, first = 0;
    uint8_t *data = (uint8_t *)malloc(len);
    int go[2] = {-1, -1};
    session s;
    server_job job = job_for(server_config, len, NULL, END_SHUTDOWN_WAIT);
    ftls_result r;
    int rounds = 0;

    if (data == NULL || pipe(go) != 0) {
        setup_failed(__FILE__, __LINE__, "out of memory or pipes");
        free(data);
        return;
    }
    for (i = 0; i < len; i++) {
        data[i] = (uint8_t)(i * 31 + (i >> 12));
    }
    job.go_fd = go[0];
    if (!start_session(&s, job, OVER_SOCKETPAIR) ||
        !CHECK_RESULT_CONN(s.conn, ftls_connection_handshake(s.conn), FTLS_OK) ||
        !set_nonblocking(s.fd)) {
        release(go[1]);
        goto out;
    }
    /* Nobody reads yet: the socket fills up. */
    if (CHECK_RESULT_CONN(s.conn, ftls_connection_write(s.conn, data, len, &first), FTLS_OK)) {
        CHECK(first >= 1 && first < len,
              "a non-blocking write into a full socket accepts a part (%zu of %zu bytes)", first,
              len);
        sent = first;
    }
    r = ftls_connection_write(s.conn, data + sent, len - sent, &n);
    CHECK_CODE_CONN("the next write, with the socket still full", s.conn, r, FTLS_WANT_WRITE);
    CHECK(ftls_connection_wants_write(s.conn), "accepted bytes wait to be sent (wants_write)");
    CHECK_RESULT_CONN(s.conn, ftls_connection_flush(s.conn), FTLS_WANT_WRITE);
    /* Let the server read, and send the rest as the socket drains. */
    release(go[1]);
    while (sent < len && rounds++ < 1000000) {
        r = ftls_connection_write(s.conn, data + sent, len - sent, &n);
        if (r == FTLS_OK) {
            sent += n;
        } else if (r == FTLS_WANT_WRITE) {
            wait_for(s.fd, POLLOUT);
        } else {
            CHECK_CODE_CONN("writing the rest", s.conn, r, FTLS_OK);
            break;
        }
    }
    while ((r = ftls_connection_flush(s.conn)) == FTLS_WANT_WRITE) {
        wait_for(s.fd, POLLOUT);
    }
    CHECK_CODE_CONN("flush sent every accepted byte", s.conn, r, FTLS_OK);
    CHECK_RESULT_CONN(s.conn, shutdown_as_told(s.conn, s.fd, true), FTLS_OK);
    join_server(&s);
    CHECK(sent == len, "the writes accepted all %zu bytes in the end (%zu)", len, sent);
    CHECK(s.job.request_got == len && memcmp(s.job.request, data, len) == 0,
          "the server received all %zu bytes intact: no accepted byte was lost (%zu)", len,
          s.job.request_got);
    CHECK_CODE("server: shutdown(wait_for_peer)", s.job.end, FTLS_OK);
out:
    end_session(&s);
    free(data);
    close_fd(&go[0]);
    close_fd(&go[1]);
}

/* ---- a signal interrupting a blocking call ------------------------------------------------ */

/* The handler of SIGUSR1 (installed without SA_RESTART, so a blocked read or write returns
 * EINTR, or a short count) says that it ran by writing a byte here. */
static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    int saved_errno = errno;
    (void)sig;
    if (write(signal_pipe[1], "!", 1) != 1) {
        /* Nothing to do in a handler; the waiting thread would hang and the test fail. */
    }
    errno = saved_errno;
}

/* What the server thread's after_handshake hook needs to interrupt the client thread. */
typedef struct {
    pthread_t client;
    char syscall_file[64];      /* /proc/<pid>/task/<tid>/syscall of the client thread */
    long syscall_nr;            /* interrupt it while it is blocked in this system call */
    int returned_fd;            /* readable once the client's call has returned */
    int interrupted;            /* times the signal reached the client while it was blocked */
    int resumed;                /* times the client was blocked in the call again after that */
} interruption;

/* The system call the thread is blocked in (its number), -1 if it is running. */
static long blocked_in(const char *syscall_file)
{
    char text[64] = "";
    FILE *f = fopen(syscall_file, "r");
    if (f == NULL) {
        return -1;
    }
    if (fgets(text, sizeof text, f) == NULL || strncmp(text, "running", 7) == 0) {
        text[0] = '\0';
    }
    fclose(f);
    return text[0] == '\0' ? -1 : strtol(text, NULL, 10);
}

/* Waits until the client thread is blocked in the system call; false if its call returned
 * first. Polls the kernel's view of the thread: no guessed delays. */
static bool wait_until_blocked(const interruption *in)
{
    struct pollfd returned;
    returned.fd = in->returned_fd;
    returned.events = POLLIN;
    while (blocked_in(in->syscall_file) != in->syscall_nr) {
        returned.revents = 0;
        if (poll(&returned, 1, 0) > 0) {
            return false;
        }
        sched_yield();
    }
    return true;
}

/* server_job.after_handshake: twice, signal the client while it is blocked, wait for the
 * handler, and see the client blocked again (the call went on rather than failing with
 * EINTR). Twice, because a blocking write interrupted after sending part of its data returns
 * that count rather than EINTR; the second time it has sent nothing (the socket is still
 * full), so the kernel does return EINTR. */
static void interrupt_client(server_job *job)
{
    interruption *in = (interruption *)job->hook_arg;
    char byte;
    while (in->interrupted < 2) {
        if (!wait_until_blocked(in) || pthread_kill(in->client, SIGUSR1) != 0 ||
            read(signal_pipe[0], &byte, 1) != 1) {
            return;
        }
        in->interrupted++;
        if (!wait_until_blocked(in)) {
            return;
        }
        in->resumed++;
    }
}

/* A session whose server thread, after the handshake, interrupts the client's blocking
 * call twice (see interrupt_client). */
typedef struct {
    session s;
    interruption in;
    int returned[2];            /* the client writes here once its call has returned */
    struct sigaction previous;
} interrupted_session;

/* Installs the handler (without SA_RESTART: the kernel does not retry for us), starts the
 * session and completes the handshake. The caller then makes its blocking call, and calls
 * call_returned(). */
static bool start_interrupted_session(interrupted_session *is, server_job job, long syscall_nr)
{
    struct sigaction action;
    char self[48];
    ssize_t len;

    memset(is, 0, sizeof *is);
    init_session(&is->s);
    is->returned[0] = is->returned[1] = -1;
    is->in.client = pthread_self();
    is->in.syscall_nr = syscall_nr;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    len = readlink("/proc/thread-self", self, sizeof self - 1);
    if (len <= 0 || pipe(signal_pipe) != 0 || pipe(is->returned) != 0 ||
        sigaction(SIGUSR1, &action, &is->previous) != 0) {
        setup_failed(__FILE__, __LINE__, "need /proc/thread-self, pipes and sigaction: %s",
                     strerror(errno));
        return false;
    }
    self[len] = '\0';
    snprintf(is->in.syscall_file, sizeof is->in.syscall_file, "/proc/%s/syscall", self);
    is->in.returned_fd = is->returned[0];
    job.after_handshake = interrupt_client;
    job.hook_arg = &is->in;
    return start_session(&is->s, job, OVER_SOCKETPAIR) &&
           CHECK_RESULT_CONN(is->s.conn, ftls_connection_handshake(is->s.conn), FTLS_OK);
}

/* After the blocking call: stops the server thread's waiting, ends the connection and checks
 * that both signals interrupted the call while it was blocked and that it went on. */
static void call_returned(interrupted_session *is, const char *call)
{
    release(is->returned[1]);
    CHECK_RESULT_CONN(is->s.conn, ftls_connection_shutdown(is->s.conn, true), FTLS_OK);
    join_server(&is->s);
    CHECK(is->in.interrupted == 2 && is->in.resumed == 2,
          "twice a signal arrived while the %s was blocked, was handled, and the %s blocked "
          "again: EINTR was retried, not reported (%d signals, %d resumed)",
          call, call, is->in.interrupted, is->in.resumed);
    CHECK_CODE("server: shutdown(wait_for_peer)", is->s.job.end, FTLS_OK);
}

static void end_interrupted_session(interrupted_session *is)
{
    if (is->returned[1] >= 0) {
        release(is->returned[1]); /* a server thread still waiting for the client stops */
    }
    end_session(&is->s);
    sigaction(SIGUSR1, &is->previous, NULL);
    close_fd(&signal_pipe[0]);
    close_fd(&signal_pipe[1]);
    close_fd(&is->returned[0]);
    close_fd(&is->returned[1]);
}

/* The client blocks in ftls_connection_read; the server thread interrupts it with signals
 * and only then sends the data. The read must go on and return the data. */
static void case_signal_during_a_blocking_read(void)
{
    static const char reply[] = "sent after the signal";
    interrupted_session is;
    uint8_t buf[64];
    size_t got = 0;
    ftls_result r;

    if (start_interrupted_session(&is, job_for(server_config, 0, reply, END_SHUTDOWN_WAIT),
                                  SYS_read)) {
        r = read_exactly(is.s.conn, is.s.fd, buf, strlen(reply), &got);
        if (CHECK_CODE_CONN("a blocking read interrupted by signals", is.s.conn, r, FTLS_OK)) {
            CHECK(got == strlen(reply) && memcmp(buf, reply, got) == 0,
                  "it returned the data that came after the signals");
        }
        call_returned(&is, "read");
    }
    end_interrupted_session(&is);
}

/* The client blocks in a large ftls_connection_write into a full socket; the server thread
 * interrupts it with signals and only then starts reading. The write must complete. */
static void case_signal_during_a_blocking_write(void)
{
    size_t len = 8 * 1024 * 1024, n = 0, i;
    uint8_t *data = (uint8_t *)malloc(len);
    interrupted_session is;
    ftls_result r;

    if (data == NULL) {
        setup_failed(__FILE__, __LINE__, "out of memory");
        return;
    }
    for (i = 0; i < len; i++) {
        data[i] = (uint8_t)(i * 7 + (i >> 16));
    }
    if (start_interrupted_session(&is, job_for(server_config, len, NULL, END_SHUTDOWN_WAIT),
                                  SYS_sendmsg)) {
        r = ftls_connection_write(is.s.conn, data, len, &n);
        if (CHECK_CODE_CONN("a blocking write interrupted by signals", is.s.conn, r, FTLS_OK)) {
            CHECK(n == len, "it sent all %zu bytes (%zu)", len, n);
        }
        call_returned(&is, "write");
        CHECK(is.s.job.request_got == len && memcmp(is.s.job.request, data, len) == 0,
              "the server received all %zu bytes intact (%zu)", len, is.s.job.request_got);
    }
    end_interrupted_session(&is);
    free(data);
}

/* ---- many threads ------------------------------------------------------------------------- */

/* A client connection made by the main thread, driven by another one. */
typedef struct {
    ftls_connection *conn;
    int fd;
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
    job->read = len <= sizeof buf ? read_exactly(job->conn, job->fd, buf, len, &got)
                                  : FTLS_ERR_INTERNAL;
    job->reply_ok = job->read == FTLS_OK && got == len && memcmp(buf, job->reply, len) == 0;
    job->end = ftls_connection_shutdown(job->conn, true);
    return NULL;
}

#define PAIRS 3

static void case_shared_configs_across_threads(void)
{
    static const char *const requests[PAIRS] = {"request one", "request two", "request three"};
    static const char reply[] = "one server config, many threads";
    session sessions[PAIRS];
    pthread_t clients[PAIRS];
    bool client_started[PAIRS] = {false};
    client_job cjobs[PAIRS];
    size_t i;

    memset(cjobs, 0, sizeof cjobs);
    for (i = 0; i < PAIRS; i++) {
        session *s = &sessions[i];
        if (!start_session(s, job_for(server_config, strlen(requests[i]), reply,
                                      END_SHUTDOWN_WAIT),
                           OVER_SOCKETPAIR)) {
            continue; /* end_session unblocks its server */
        }
        cjobs[i].conn = s->conn;
        cjobs[i].fd = s->fd;
        cjobs[i].request = requests[i];
        cjobs[i].reply = reply;
        client_started[i] = pthread_create(&clients[i], NULL, client_thread, &cjobs[i]) == 0;
        if (!client_started[i]) {
            setup_failed(__FILE__, __LINE__, "pthread_create failed");
        }
    }
    for (i = 0; i < PAIRS; i++) {
        session *s = &sessions[i];
        if (client_started[i]) {
            pthread_join(clients[i], NULL);
            join_server(s);
            printf("---- connection %zu\n", i + 1);
            CHECK_CODE("client thread: handshake", cjobs[i].handshake, FTLS_OK);
            CHECK_CODE("client thread: write", cjobs[i].write, FTLS_OK);
            CHECK_CODE("client thread: read", cjobs[i].read, FTLS_OK);
            CHECK(cjobs[i].reply_ok, "client thread %zu got the reply", i + 1);
            CHECK_CODE("client thread: shutdown", cjobs[i].end, FTLS_OK);
            CHECK_CODE("server thread: handshake", s->job.handshake, FTLS_OK);
            CHECK(s->job.request_got == strlen(requests[i]) &&
                      memcmp(s->job.request, requests[i], s->job.request_got) == 0,
                  "server thread %zu read \"%s\"", i + 1, requests[i]);
            CHECK_CODE("server thread: shutdown", s->job.end, FTLS_OK);
        }
        end_session(s);
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
    {"peer_resets_during_the_handshake", case_peer_resets_during_the_handshake},
    {"peer_resets_after_the_handshake", case_peer_resets_after_the_handshake},
    {"without_an_fd", case_without_an_fd},
    {"certificate_error_over_fd", case_certificate_error_over_fd},
    {"nonblocking_short_writes", case_nonblocking_short_writes},
    {"no_sigpipe_on_a_closed_socket", case_no_sigpipe_on_a_closed_socket},
    {"separate_fds_over_pipes", case_separate_fds_over_pipes},
    {"signal_during_a_blocking_read", case_signal_during_a_blocking_read},
    {"signal_during_a_blocking_write", case_signal_during_a_blocking_write},
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
