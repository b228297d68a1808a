/*
 * fd_peers: ftls clients over non-blocking sockets in one poll() loop, against real servers
 * (tls-server, openssl s_server) and peers that misbehave on purpose. tests/fd_peers.rs starts
 * the servers and runs this program.
 *
 *   fd_peers CA.pem get PORT COUNT [--hold] [--stalled PORT2 handshake|response]
 *       COUNT clients GET / from 127.0.0.1:PORT at once, verifying the server as "localhost".
 *       Every response is checked: status 200, a body as long as Content-Length says (when it
 *       says), then the server's close_notify. --hold: no request goes out before every
 *       handshake is done, so the server holds COUNT connections at once. --stalled: first, a
 *       client to a peer at PORT2 that stops answering in the handshake or before the
 *       response; once it waits there, the others run in the same poll() loop, and when they
 *       are done it must still be waiting (FTLS_WANT_READ) at the same place.
 *   fd_peers CA.pem echo PORT BYTES
 *       sends BYTES pseudo-random bytes to an echo server while reading the echo; checks every
 *       byte and compares checksums. BYTES 0: keep sending until standard input closes.
 *   fd_peers CA.pem reset PORT
 *       completes a handshake, then resets the connection (SO_LINGER 0) without a word.
 *
 * Output: the lines of check.h and "SUMMARY: N checks, M failed"; exit 1 if a check failed.
 */
#include "check.h"
#include "sockets.h"

#include <stdint.h>
#include <time.h>

#define CHUNK 16384

static const char *ca_file;
static uint16_t port;

static bool parse_port(const char *text, uint16_t *out)
{
    char *end = NULL;
    unsigned long value = strtoul(text, &end, 10);
    if (end == text || *end != '\0' || value == 0 || value > 65535) {
        return false;
    }
    *out = (uint16_t)value;
    return true;
}

static ftls_client_config *make_config(void)
{
    ftls_client_config_builder *builder = NULL;
    ftls_client_config *config = NULL;
    ftls_trust *trust = NULL;
    ftls_result r = ftls_trust_new(&trust);
    if (r == FTLS_OK && (r = ftls_trust_add_ca_file(trust, ca_file)) != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "trust: %s (%s)", TRUST_DETAIL(trust),
                     ftls_result_name(r));
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
    if (r != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "client config: %s (%s)", CLIENT_BUILDER_DETAIL(builder),
                     ftls_result_name(r));
    }
    ftls_client_config_builder_free(builder);
    ftls_trust_free(trust);
    return config;
}

/* A client connection over a new socket to 127.0.0.1:to_port, non-blocking if asked; false
 * after a failed setup line (and nothing to free then). */
static bool open_client(const ftls_client_config *config, uint16_t to_port, bool nonblocking,
                        int *fd, ftls_connection **conn)
{
    *conn = NULL;
    *fd = connect_loopback(to_port);
    if (*fd < 0 || (nonblocking && !set_nonblocking(*fd))) {
        close_fd(fd);
        return false;
    }
    if (ftls_client_connection_new(config, "localhost", conn) != FTLS_OK ||
        ftls_connection_set_fd(*conn, *fd) != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "cannot make a client connection");
        ftls_connection_free(*conn);
        *conn = NULL;
        close_fd(fd);
        return false;
    }
    return true;
}

/* What to wait for after `r` (FTLS_WANT_READ or FTLS_WANT_WRITE), by the rule of
 * ftls_connection_set_fd(): also writability whenever output is queued. */
static short events_after(ftls_connection *conn, ftls_result r)
{
    short events = r == FTLS_WANT_WRITE ? POLLOUT : POLLIN;
    if (ftls_connection_wants_write(conn)) {
        events |= POLLOUT;
    }
    return events;
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* ---- get ---------------------------------------------------------------------------------- */

enum phase { HANDSHAKE, HELD, SENDING, RECEIVING, FINISHED };

struct client {
    int id;                     /* 1, 2, ...; 0 for the stalled one */
    bool hold;                  /* wait after the handshake until released */
    int fd;
    ftls_connection *conn;
    enum phase phase;
    ftls_result waiting;        /* why it waits: FTLS_WANT_READ or FTLS_WANT_WRITE */
    short events;               /* what poll() waits for */
    size_t sent;
    char *response;             /* what arrived so far (malloc'ed) */
    size_t response_len, response_cap;
};

static const char REQUEST[] = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

static bool append(struct client *c, const uint8_t *data, size_t n)
{
    if (c->response_len + n + 1 > c->response_cap) {
        size_t cap = c->response_cap ? c->response_cap * 2 : 4096;
        char *bigger;
        while (cap < c->response_len + n + 1) {
            cap *= 2;
        }
        if (cap > 1024 * 1024 || (bigger = (char *)realloc(c->response, cap)) == NULL) {
            return false;
        }
        c->response = bigger;
        c->response_cap = cap;
    }
    memcpy(c->response + c->response_len, data, n);
    c->response_len += n;
    c->response[c->response_len] = '\0';
    return true;
}

/* A complete response: status 200, and a body as long as Content-Length says if it says. */
static void check_response(const struct client *c)
{
    const char *text = c->response != NULL ? c->response : "";
    const char *body = strstr(text, "\r\n\r\n");
    const char *length = strstr(text, "\r\nContent-Length: ");
    bool status_ok = strncmp(text, "HTTP/1.", 7) == 0 && strncmp(text + 8, " 200 ", 5) == 0;
    bool length_ok = body != NULL &&
                     (length == NULL || length > body ||
                      strtoul(length + 18, NULL, 10) == strlen(body + 4));
    CHECK(status_ok && length_ok,
          "connection %d: a 200 response whose body has the announced length, then "
          "close_notify (%zu bytes: \"%.*s\")",
          c->id, c->response_len, (int)strcspn(text, "\r\n"), text);
}

static void fail_client(struct client *c, ftls_result r)
{
    CHECK_CODE_CONN(c->phase == HANDSHAKE ? "handshake" : "request", c->conn, r, FTLS_OK);
    printf("     (connection %d)\n", c->id);
    c->phase = FINISHED;
}

/* Runs a client as far as it can go without blocking; when it must wait, c->events says for
 * what. */
static void step(struct client *c)
{
    uint8_t buf[CHUNK];
    for (;;) {
        ftls_result r = FTLS_OK;
        size_t n = 0;
        switch (c->phase) {
        case HANDSHAKE:
            if ((r = ftls_connection_handshake(c->conn)) == FTLS_OK) {
                c->phase = c->hold ? HELD : SENDING;
            }
            break;
        case HELD:
        case FINISHED:
            c->events = 0;
            return;
        case SENDING:
            r = ftls_connection_write(c->conn, (const uint8_t *)REQUEST + c->sent,
                                      strlen(REQUEST) - c->sent, &n);
            if (r == FTLS_OK && (c->sent += n) == strlen(REQUEST)) {
                c->phase = RECEIVING;
            }
            break;
        case RECEIVING:
            r = ftls_connection_read(c->conn, buf, sizeof buf, &n);
            if (r == FTLS_OK && !append(c, buf, n)) {
                CHECK(false, "connection %d: the response fits in 1 MiB", c->id);
                c->phase = FINISHED;
            } else if (r == FTLS_CLOSED) {
                check_response(c);
                /* Answer with our close_notify (best effort: a non-blocking socket that is
                 * nearly empty takes it) and hang up: some servers wait for either. */
                (void)ftls_connection_shutdown(c->conn, false);
                close_fd(&c->fd);
                c->phase = FINISHED;
                r = FTLS_OK;
            }
            break;
        }
        if (r == FTLS_WANT_READ || r == FTLS_WANT_WRITE) {
            c->waiting = r;
            c->events = events_after(c->conn, r);
            return;
        }
        if (r != FTLS_OK) {
            fail_client(c, r);
        }
    }
}

static void close_client(struct client *c)
{
    ftls_connection_free(c->conn);
    close_fd(&c->fd);
    free(c->response);
}

/* Runs clients[first..total) until each has its response, and clients[0..first) (the
 * stalled one) alongside; with `hold`, releases the requests once every handshake is done. */
static void run_get(struct client *clients, size_t total, size_t first, bool hold)
{
    struct pollfd *polled = (struct pollfd *)calloc(total, sizeof *polled);
    size_t i, unfinished = total - first;
    bool released = !hold;
    struct timespec start;

    clock_gettime(CLOCK_MONOTONIC, &start);
    if (polled == NULL) {
        setup_failed(__FILE__, __LINE__, "out of memory");
        return;
    }
    for (i = 0; i < total; i++) {
        step(&clients[i]);
    }
    while (unfinished > 0) {
        size_t in_handshake = 0;
        unfinished = 0;
        for (i = first; i < total; i++) {
            in_handshake += clients[i].phase == HANDSHAKE;
            unfinished += clients[i].phase != FINISHED;
        }
        if (!released && in_handshake == 0) {
            size_t held = 0;
            for (i = first; i < total; i++) {
                held += clients[i].phase == HELD;
            }
            CHECK(held == total - first,
                  "all %zu handshakes complete, with all %zu connections open at once",
                  total - first, held);
            released = true;
            for (i = first; i < total; i++) {
                if (clients[i].phase == HELD) {
                    clients[i].phase = SENDING;
                    step(&clients[i]);
                }
            }
            continue;
        }
        if (unfinished == 0) {
            break;
        }
        for (i = 0; i < total; i++) {
            polled[i].fd = clients[i].events != 0 ? clients[i].fd : -1; /* -1: not polled */
            polled[i].events = clients[i].events;
            polled[i].revents = 0;
        }
        if (poll(polled, total, -1) < 0 && errno != EINTR) {
            setup_failed(__FILE__, __LINE__, "poll: %s", strerror(errno));
            break;
        }
        for (i = 0; i < total; i++) {
            if (polled[i].revents == 0) {
                continue;
            }
            if ((polled[i].revents & POLLOUT) && ftls_connection_wants_write(clients[i].conn)) {
                (void)ftls_connection_flush(clients[i].conn); /* the rule; step sees any error */
            }
            step(&clients[i]);
        }
    }
    printf("%zu connections done in %.3f s\n", total - first, seconds_since(&start));
    free(polled);
}

/* Runs one client alone until it waits to read in phase `until`; false if it finished. */
static bool drive_until_waiting(struct client *c, enum phase until)
{
    step(c);
    while (!(c->phase == until && c->waiting == FTLS_WANT_READ)) {
        if (c->phase == FINISHED) {
            return false;
        }
        wait_as_told(c->conn, c->fd, c->waiting);
        step(c);
    }
    return true;
}

static void case_get(int argc, char **argv)
{
    static const char *const stage_names[] = {"in the handshake", "for the response"};
    unsigned long count = 0;
    bool hold = false;
    uint16_t stalled_port = 0;
    enum phase stalled_phase = HANDSHAKE;
    ftls_client_config *config = NULL;
    struct client *clients = NULL;
    size_t total = 0, first, i;
    int a;

    if (argc < 2 || !parse_port(argv[0], &port) || (count = strtoul(argv[1], NULL, 10)) == 0) {
        setup_failed(__FILE__, __LINE__,
                     "usage: get PORT COUNT [--hold] [--stalled PORT2 handshake|response]");
        return;
    }
    for (a = 2; a < argc; a++) {
        if (strcmp(argv[a], "--hold") == 0) {
            hold = true;
        } else if (strcmp(argv[a], "--stalled") == 0 && a + 2 < argc &&
                   parse_port(argv[a + 1], &stalled_port) &&
                   (strcmp(argv[a + 2], "handshake") == 0 ||
                    strcmp(argv[a + 2], "response") == 0)) {
            stalled_phase = strcmp(argv[a + 2], "handshake") == 0 ? HANDSHAKE : RECEIVING;
            a += 2;
        } else {
            setup_failed(__FILE__, __LINE__, "unexpected argument %s", argv[a]);
            return;
        }
    }
    first = stalled_port != 0 ? 1 : 0;
    total = first + count;
    config = make_config();
    clients = (struct client *)calloc(total, sizeof *clients);
    if (config == NULL || clients == NULL) {
        setup_failed(__FILE__, __LINE__, "no config or out of memory");
        goto out;
    }
    for (i = 0; i < total; i++) {
        clients[i].id = (int)(i + 1 - first);
        clients[i].hold = hold && i >= first;
        if (!open_client(config, i < first ? stalled_port : port, true, &clients[i].fd,
                         &clients[i].conn)) {
            goto out;
        }
        if (i < first &&
            !CHECK(drive_until_waiting(&clients[i], stalled_phase),
                   "the connection to the stalled peer waits %s",
                   stage_names[stalled_phase == RECEIVING])) {
            goto out;
        }
    }
    run_get(clients, total, first, hold);
    if (first == 1) {
        const struct client *stalled = &clients[0];
        CHECK(stalled->phase == stalled_phase && stalled->waiting == FTLS_WANT_READ,
              "the others are done; the connection to the stalled peer still waits (%s) %s",
              ftls_result_name(stalled->waiting), stage_names[stalled->phase == RECEIVING]);
    }
out:
    for (i = 0; clients != NULL && i < total; i++) {
        close_client(&clients[i]);
    }
    free(clients);
    ftls_client_config_free(config);
}

/* ---- echo --------------------------------------------------------------------------------- */

/* The pseudo-random byte stream (xorshift64*), generated a chunk at a time, and an FNV-1a
 * checksum over 64-bit words (bytes at the end), so that a GiB is quick even unoptimised. */
struct stream {
    uint64_t state;
    uint64_t checksum;
};

static void stream_init(struct stream *s)
{
    s->state = 0x5eedf00dcafed00dULL;
    s->checksum = 0xcbf29ce484222325ULL;
}

static void stream_next_chunk(struct stream *s, uint8_t chunk[CHUNK])
{
    size_t i;
    for (i = 0; i < CHUNK; i += 8) {
        uint64_t word;
        s->state ^= s->state >> 12;
        s->state ^= s->state << 25;
        s->state ^= s->state >> 27;
        word = s->state * 0x2545f4914f6cdd1dULL;
        memcpy(chunk + i, &word, 8);
    }
}

static void checksum_add(struct stream *s, const uint8_t *data, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t word;
        memcpy(&word, data + i, 8);
        s->checksum = (s->checksum ^ word) * 0x100000001b3ULL;
    }
    for (; i < len; i++) {
        s->checksum = (s->checksum ^ data[i]) * 0x100000001b3ULL;
    }
}

struct echo {
    int fd;
    ftls_connection *conn;
    bool until_stdin_closes;
    uint64_t to_send;           /* UINT64_MAX until stdin closes, in that mode */
    uint64_t sent, received;
    struct stream out_stream, in_stream;
    uint8_t out[CHUNK], in[CHUNK], got[CHUNK], expected[CHUNK];
    size_t out_start, out_len;  /* the chunk being handed to ftls */
    size_t got_len;             /* what came back of the current chunk */
    int64_t first_difference;   /* offset of the first wrong byte, or -1 */
    bool close_notify_sent, closed, failed, announced;
};

static void echo_failed(struct echo *e, const char *what, ftls_result r)
{
    CHECK_CODE_CONN(what, e->conn, r, FTLS_OK);
    e->failed = true;
}

/* Hands the next bytes of the stream to ftls. Returns whether any were accepted. */
static bool echo_send(struct echo *e, short *events)
{
    size_t n = 0;
    ftls_result r;
    if (e->out_start == e->out_len && e->sent < e->to_send) {
        uint64_t left = e->to_send - e->sent;
        stream_next_chunk(&e->out_stream, e->out);
        e->out_start = 0;
        e->out_len = left < CHUNK ? (size_t)left : CHUNK;
        checksum_add(&e->out_stream, e->out, e->out_len);
    }
    if (e->out_start == e->out_len) {
        return false;
    }
    r = ftls_connection_write(e->conn, e->out + e->out_start, e->out_len - e->out_start, &n);
    if (r == FTLS_OK) {
        e->out_start += n;
        e->sent += n;
        return true;
    }
    if (r == FTLS_WANT_READ || r == FTLS_WANT_WRITE) {
        *events |= events_after(e->conn, r);
    } else {
        echo_failed(e, "sending", r);
    }
    return false;
}

/* Checks a chunk that came back (all of it, or the last, short one) against the stream. */
static void echo_check_chunk(struct echo *e)
{
    stream_next_chunk(&e->in_stream, e->expected);
    if (e->first_difference < 0 && memcmp(e->expected, e->got, e->got_len) != 0) {
        size_t i = 0;
        while (e->expected[i] == e->got[i]) {
            i++;
        }
        e->first_difference = (int64_t)(e->received - e->got_len + i);
    }
    checksum_add(&e->in_stream, e->got, e->got_len);
    e->got_len = 0;
}

/* Collects what came back into chunks like the sender's, checking each when complete. */
static void echo_collect(struct echo *e, const uint8_t *data, size_t len)
{
    while (len > 0) {
        size_t n = CHUNK - e->got_len < len ? CHUNK - e->got_len : len;
        memcpy(e->got + e->got_len, data, n);
        e->got_len += n;
        e->received += n;
        data += n;
        len -= n;
        if (e->got_len == CHUNK) {
            echo_check_chunk(e);
        }
    }
}

/* Reads what has arrived. Returns whether anything did. */
static bool echo_receive(struct echo *e, short *events)
{
    size_t n = 0;
    ftls_result r = ftls_connection_read(e->conn, e->in, sizeof e->in, &n);
    if (r == FTLS_OK) {
        echo_collect(e, e->in, n);
        if (!e->announced) {
            printf("echo: the first bytes came back\n");
            fflush(stdout);
            e->announced = true;
        }
        return true;
    }
    if (r == FTLS_CLOSED) {
        e->closed = true;
        if (e->got_len > 0) {
            echo_check_chunk(e);
        }
    } else if (r == FTLS_WANT_READ || r == FTLS_WANT_WRITE) {
        *events |= events_after(e->conn, r);
    } else {
        echo_failed(e, "receiving", r);
    }
    return false;
}

static void echo_loop(struct echo *e)
{
    while (!e->closed && !e->failed) {
        short events = 0;
        bool progress = echo_send(e, &events);
        struct pollfd polled[2];
        ftls_result r;

        if (!e->close_notify_sent && e->sent == e->to_send && e->out_start == e->out_len) {
            ftls_connection_send_close_notify(e->conn); /* all handed over: end our side */
            e->close_notify_sent = true;
        }
        if (ftls_connection_wants_write(e->conn)) {
            r = ftls_connection_flush(e->conn);
            if (r == FTLS_WANT_WRITE) {
                events |= POLLOUT;
            } else if (r != FTLS_OK) {
                echo_failed(e, "flushing", r);
            }
        }
        bool was_handshaking = ftls_connection_is_handshaking(e->conn);
        progress |= echo_receive(e, &events);
        /* A read that completed the handshake is progress: a write that waited for it
         * (FTLS_WANT_READ) goes again at once, as the socket may not become readable again. */
        progress |= was_handshaking && !ftls_connection_is_handshaking(e->conn);
        if (e->closed || e->failed) {
            break;
        }
        /* Wait for the socket when nothing moved; look at stdin either way (its end is the
         * signal to stop, and a stream that never waits must still notice it). */
        polled[0].fd = progress ? -1 : e->fd;
        polled[0].events = events;
        polled[1].fd = e->to_send == UINT64_MAX ? STDIN_FILENO : -1;
        polled[1].events = POLLIN;
        polled[0].revents = polled[1].revents = 0;
        if (progress && polled[1].fd < 0) {
            continue;
        }
        if (poll(polled, 2, progress ? 0 : -1) < 0 && errno != EINTR) {
            setup_failed(__FILE__, __LINE__, "poll: %s", strerror(errno));
            return;
        }
        if (polled[1].revents != 0) {
            char byte;
            if (read(STDIN_FILENO, &byte, 1) <= 0) {
                /* Stop after the chunk in hand. */
                e->to_send = e->sent + (e->out_len - e->out_start);
            }
        }
    }
}

static void case_echo(int argc, char **argv)
{
    ftls_client_config *config = make_config();
    struct echo *e = (struct echo *)calloc(1, sizeof *e);
    unsigned long long bytes;
    struct timespec start;
    double seconds;

    if (argc != 2 || !parse_port(argv[0], &port) || config == NULL || e == NULL) {
        setup_failed(__FILE__, __LINE__, "usage: echo PORT BYTES (or no config or memory)");
        goto out;
    }
    bytes = strtoull(argv[1], NULL, 10);
    e->to_send = bytes == 0 ? UINT64_MAX : (uint64_t)bytes;
    e->first_difference = -1;
    stream_init(&e->out_stream);
    stream_init(&e->in_stream);
    if (!open_client(config, port, true, &e->fd, &e->conn)) {
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &start);
    echo_loop(e);
    seconds = seconds_since(&start);
    CHECK(e->closed && !e->failed, "the echo ended with the server's close_notify");
    CHECK(e->received == e->sent && e->sent == e->to_send,
          "everything sent came back: %llu bytes sent, %llu received",
          (unsigned long long)e->sent, (unsigned long long)e->received);
    CHECK(e->first_difference < 0, "every byte came back unchanged (first wrong byte at offset %lld; -1: none)",
          (long long)e->first_difference);
    CHECK(e->out_stream.checksum == e->in_stream.checksum,
          "checksums: sent %016llx, received %016llx",
          (unsigned long long)e->out_stream.checksum,
          (unsigned long long)e->in_stream.checksum);
    printf("echoed %llu bytes in %.2f s (%.0f MiB/s each way)\n", (unsigned long long)e->received,
           seconds, seconds > 0 ? (double)e->received / (1024.0 * 1024.0) / seconds : 0.0);
out:
    if (e != NULL) {
        ftls_connection_free(e->conn);
        close_fd(&e->fd);
    }
    free(e);
    ftls_client_config_free(config);
}

/* ---- reset -------------------------------------------------------------------------------- */

static void case_reset(int argc, char **argv)
{
    ftls_client_config *config = make_config();
    ftls_connection *conn = NULL;
    int fd = -1;
    if (argc != 1 || !parse_port(argv[0], &port) || config == NULL) {
        setup_failed(__FILE__, __LINE__, "usage: reset PORT (or no config)");
    } else if (open_client(config, port, false, &fd, &conn)) {
        CHECK_RESULT_CONN(conn, ftls_connection_handshake(conn), FTLS_OK);
        close_with_reset(&fd); /* no request, no close_notify: a reset */
    }
    ftls_connection_free(conn);
    close_fd(&fd);
    ftls_client_config_free(config);
}

/* ------------------------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*run)(int argc, char **argv);
    } modes[] = {{"get", case_get}, {"echo", case_echo}, {"reset", case_reset}};
    size_t i;

    if (argc < 3) {
        fprintf(stderr, "usage: %s CA.pem get|echo|reset ARGS...\n", argv[0]);
        return 2;
    }
    ca_file = argv[1];
    check_case = argv[2];
    for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(argv[2], modes[i].name) == 0) {
            modes[i].run(argc - 3, argv + 3);
            printf("SUMMARY: %d checks, %d failed\n", check_count, check_failures);
            return check_failures == 0 && check_count > 0 ? 0 : 1;
        }
    }
    fprintf(stderr, "%s: unknown mode %s\n", argv[0], argv[2]);
    return 2;
}
