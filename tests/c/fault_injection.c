/*
 * fault_injection.c: a transport or a callback that fails at the k-th call, for every k.
 *
 * A full handshake and a message each way, over TLS 1.2 and 1.3, with the fault on the
 * client's or the server's side: its read or write callback answers the k-th call with
 * would-block, EIO, end of stream, or a short read or write; then the same with a TCP reset
 * over a real socket (the server on the fd API), and with the verify, ClientHello, session
 * store, key log and vectored write callbacks failing at their k-th call. Each run either
 * completes, or ends with a clear error on the side that saw the fault (the right result and a
 * detail); nothing hangs (every loop is bounded) and nothing leaks (valgrind in CI). Would-block
 * and short transfers must always complete: the caller retries and the connection goes on.
 *
 * Usage: fault_injection CERT_DIR [CASE]
 */
#include "builders.h"
#include "sockets.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---------------------------------------------------------------------------------------------
 * A transport that fails once, at its k-th call
 * ------------------------------------------------------------------------------------------ */

typedef enum { FAULT_WOULD_BLOCK, FAULT_EIO, FAULT_EOF, FAULT_SHORT } fault_kind;

static const char *fault_name(fault_kind kind)
{
    switch (kind) {
    case FAULT_WOULD_BLOCK:
        return "would-block";
    case FAULT_EIO:
        return "EIO";
    case FAULT_EOF:
        return "end of stream";
    default:
        return "short transfer";
    }
}

typedef struct {
    mem_pipe *pipe;
    unsigned calls;
    unsigned fail_at; /* 0: never */
    fault_kind kind;
    bool fired;
} faulty;

static int faulty_read(void *userdata, uint8_t *buf, size_t len, size_t *out_n)
{
    faulty *f = (faulty *)userdata;
    if (++f->calls == f->fail_at) {
        f->fired = true;
        switch (f->kind) {
        case FAULT_WOULD_BLOCK:
            return EAGAIN;
        case FAULT_EIO:
            return EIO;
        case FAULT_EOF:
            *out_n = 0;
            return 0;
        case FAULT_SHORT:
            len = 1;
            break;
        }
    }
    return mem_pipe_read(f->pipe, buf, len, out_n);
}

static int faulty_write(void *userdata, const uint8_t *buf, size_t len, size_t *out_n)
{
    faulty *f = (faulty *)userdata;
    if (++f->calls == f->fail_at) {
        f->fired = true;
        switch (f->kind) {
        case FAULT_WOULD_BLOCK:
            return EAGAIN;
        case FAULT_EIO:
            return EIO;
        case FAULT_EOF: /* a writer has no end of stream: take nothing, as a full pipe would */
            *out_n = 0;
            return 0;
        case FAULT_SHORT:
            len = 1;
            break;
        }
    }
    return mem_pipe_write(f->pipe, buf, len, out_n);
}

/* ---------------------------------------------------------------------------------------------
 * One exchange: handshake, "ping" from the client, "pong" from the server
 * ------------------------------------------------------------------------------------------ */

enum { CLIENT = 0, SERVER = 1 };

typedef struct {
    ftls_connection *conn[2];
    mem_pipe inbox[2];      /* bytes on their way to each side */
    faulty reader[2];       /* each side's read callback state */
    faulty writer[2];       /* each side's write callback state (writes into the peer's inbox) */
    ftls_result failure[2]; /* the first failure each side reported */
    bool eof[2];            /* the side's transport reported end of stream */
    bool pinged, ponged, done;
} exchange;

static void note_failure(exchange *x, int side, ftls_result r)
{
    if (r != FTLS_OK && r != FTLS_WANT_READ && r != FTLS_WANT_WRITE &&
        x->failure[side] == FTLS_OK) {
        x->failure[side] = r;
    }
}

/* One round: each side sends what it has queued, then reads and processes what came. */
static void exchange_round(exchange *x)
{
    int side;
    for (side = CLIENT; side <= SERVER; side++) {
        ftls_connection *conn = x->conn[side];
        int guard;
        for (guard = 0; guard < 64 && ftls_connection_wants_write(conn); guard++) {
            size_t n = 0;
            ftls_result r = ftls_connection_write_tls(conn, faulty_write, &x->writer[side], &n);
            note_failure(x, side, r);
            if (r != FTLS_OK || n == 0) {
                break;
            }
        }
    }
    for (side = CLIENT; side <= SERVER; side++) {
        ftls_connection *conn = x->conn[side];
        size_t n = 0;
        ftls_result r;
        if (x->failure[side] != FTLS_OK || x->eof[side] || x->inbox[side].len == 0) {
            continue;
        }
        r = ftls_connection_read_tls(conn, faulty_read, &x->reader[side], &n);
        note_failure(x, side, r);
        if (r == FTLS_OK && n == 0) {
            x->eof[side] = true;
        }
        if (r == FTLS_OK) {
            note_failure(x, side, ftls_connection_process_new_packets(conn));
        }
    }
}

/* The application's part once both handshakes are done. */
static void exchange_talk(exchange *x)
{
    uint8_t buf[16];
    size_t n = 0;
    if (ftls_connection_is_handshaking(x->conn[CLIENT]) ||
        ftls_connection_is_handshaking(x->conn[SERVER])) {
        return;
    }
    if (!x->pinged) {
        x->pinged = ftls_connection_write(x->conn[CLIENT], (const uint8_t *)"ping", 4, &n) ==
                        FTLS_OK &&
                    n == 4;
    }
    if (!x->ponged && ftls_connection_read(x->conn[SERVER], buf, sizeof buf, &n) == FTLS_OK &&
        n == 4 && memcmp(buf, "ping", 4) == 0) {
        x->ponged =
            ftls_connection_write(x->conn[SERVER], (const uint8_t *)"pong", 4, &n) == FTLS_OK &&
            n == 4;
    }
    if (x->ponged && ftls_connection_read(x->conn[CLIENT], buf, sizeof buf, &n) == FTLS_OK &&
        n == 4 && memcmp(buf, "pong", 4) == 0) {
        x->done = true;
    }
}

/* What a side says when asked to read once its transport is gone: the end of stream
 * surfaces as a failure. */
static void exchange_settle(exchange *x)
{
    int side;
    for (side = CLIENT; side <= SERVER; side++) {
        uint8_t buf[16];
        size_t n = 0;
        if (x->eof[side] && x->failure[side] == FTLS_OK) {
            ftls_result r = ftls_connection_read(x->conn[side], buf, sizeof buf, &n);
            if (r == FTLS_OK) {
                r = ftls_connection_read(x->conn[side], buf, sizeof buf, &n);
            }
            note_failure(x, side, r);
        }
    }
}

static bool exchange_start(exchange *x, const ftls_client_config *cc,
                           const ftls_server_config *sc)
{
    int side;
    memset(x, 0, sizeof *x);
    if (ftls_client_connection_new(cc, "localhost", &x->conn[CLIENT]) != FTLS_OK ||
        ftls_server_connection_new(sc, &x->conn[SERVER]) != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "cannot make the connections");
        return false;
    }
    for (side = CLIENT; side <= SERVER; side++) {
        x->reader[side].pipe = &x->inbox[side];
        x->writer[side].pipe = &x->inbox[1 - side];
    }
    return true;
}

static void exchange_run(exchange *x)
{
    int round;
    for (round = 0; round < 200 && !x->done; round++) {
        exchange_round(x);
        exchange_talk(x);
        if (x->failure[CLIENT] != FTLS_OK || x->failure[SERVER] != FTLS_OK) {
            break;
        }
    }
    exchange_settle(x);
}

static void exchange_free(exchange *x)
{
    ftls_connection_free(x->conn[CLIENT]);
    ftls_connection_free(x->conn[SERVER]);
    mem_pipe_free(&x->inbox[CLIENT]);
    mem_pipe_free(&x->inbox[SERVER]);
}

/* ---------------------------------------------------------------------------------------------
 * Transport faults at every call
 * ------------------------------------------------------------------------------------------ */

/* The result a side must end with after `kind` unless the exchange completed anyway. */
static bool acceptable_failure(fault_kind kind, bool on_read, ftls_result r)
{
    switch (kind) {
    case FAULT_EIO:
        return r == FTLS_ERR_IO;
    case FAULT_EOF:
        /* The reader's stream ended early: a truncation, or (before the handshake finished) a
         * handshake that cannot finish. A writer that could not write stays able to retry. */
        return on_read && r == FTLS_ERR_UNEXPECTED_EOF;
    default:
        return false;
    }
}

/* Every k for one (version, side, direction, fault): k runs until a run finishes before its
 * k-th call. Returns how many runs there were. */
static unsigned fault_every_call(const ftls_client_config *cc, const ftls_server_config *sc,
                                 const char *version, int side, bool on_read, fault_kind kind)
{
    unsigned k, failed_runs = 0;
    for (k = 1; k < 500; k++) {
        exchange x;
        faulty *f;
        if (!exchange_start(&x, cc, sc)) {
            return k;
        }
        f = on_read ? &x.reader[side] : &x.writer[side];
        f->fail_at = k;
        f->kind = kind;
        exchange_run(&x);
        if (!f->fired) {
            CHECK(x.done && (kind != FAULT_EIO || failed_runs > 0),
                  "%s, %s %s, %s: every run completed or failed cleanly (%u runs, %u failed)",
                  version, side == CLIENT ? "client" : "server", on_read ? "read" : "write",
                  fault_name(kind), k - 1, failed_runs);
            exchange_free(&x);
            return k - 1;
        }
        if (!x.done) {
            ftls_result r = x.failure[side];
            failed_runs++;
            bool clean = acceptable_failure(kind, on_read, r) &&
                         strlen(detail_text(conn_last_error, x.conn[side])) > 0;
            if (kind == FAULT_WOULD_BLOCK || kind == FAULT_SHORT ||
                (kind == FAULT_EOF && !on_read)) {
                CHECK(false, "%s, %s %s, %s at call %u: the exchange should complete after a "
                             "retry (client %s, server %s)",
                      version, side == CLIENT ? "client" : "server", on_read ? "read" : "write",
                      fault_name(kind), k, ftls_result_name(x.failure[CLIENT]),
                      ftls_result_name(x.failure[SERVER]));
            } else if (!clean) {
                CHECK(false, "%s, %s %s, %s at call %u: expected a clear failure, got %s (%s)",
                      version, side == CLIENT ? "client" : "server", on_read ? "read" : "write",
                      fault_name(kind), k, ftls_result_name(r),
                      detail_text(conn_last_error, x.conn[side]));
            }
        }
        exchange_free(&x);
    }
    CHECK(false, "the exchange never ran out of calls to fail");
    return k;
}

static void transport_faults(uint32_t versions, const char *version)
{
    static const fault_kind kinds[] = {FAULT_WOULD_BLOCK, FAULT_EIO, FAULT_EOF, FAULT_SHORT};
    ftls_client_config *cc = build_client(client_builder(versions));
    ftls_server_config *sc = build_server(server_builder(versions, NULL, NULL));
    unsigned runs = 0;
    size_t i;
    int side;
    if (cc == NULL || sc == NULL) {
        goto done;
    }
    for (side = CLIENT; side <= SERVER; side++) {
        for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
            runs += fault_every_call(cc, sc, version, side, true, kinds[i]);
            runs += fault_every_call(cc, sc, version, side, false, kinds[i]);
        }
    }
    printf("info: %s: %u runs with a transport fault\n", version, runs);
done:
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void case_transport_faults_tls12(void)
{
    transport_faults(FTLS_PROTOCOL_TLS12, "TLS 1.2");
}

static void case_transport_faults_tls13(void)
{
    transport_faults(FTLS_PROTOCOL_TLS13, "TLS 1.3");
}

/* ---------------------------------------------------------------------------------------------
 * A TCP reset at every step, the server on the fd API
 * ------------------------------------------------------------------------------------------ */

/* The client's transport over a raw socket: each call does the I/O, except the k-th, which
 * resets the connection instead (SO_LINGER 0 and close: the peer gets an RST). */
typedef struct {
    int fd;
    unsigned calls, reset_at;
} resetting_socket;

/* Whether `fd` has something to read (or an error or end to report) right now. Over loopback,
 * what the server sent is there as soon as its send returned. */
static bool readable_now(int fd)
{
    struct pollfd p;
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    return poll(&p, 1, 0) > 0;
}

static int socket_step(resetting_socket *s)
{
    if (++s->calls == s->reset_at) {
        close_with_reset(&s->fd);
    }
    return s->fd < 0 ? EPIPE : 0;
}

static int socket_read(void *userdata, uint8_t *buf, size_t len, size_t *out_n)
{
    resetting_socket *s = (resetting_socket *)userdata;
    ssize_t n;
    int failed = socket_step(s);
    if (failed) {
        return failed;
    }
    n = recv(s->fd, buf, len, 0);
    if (n < 0) {
        return errno;
    }
    *out_n = (size_t)n;
    return 0;
}

static int socket_write(void *userdata, const uint8_t *buf, size_t len, size_t *out_n)
{
    resetting_socket *s = (resetting_socket *)userdata;
    ssize_t n;
    int failed = socket_step(s);
    if (failed) {
        return failed;
    }
    n = send(s->fd, buf, len, MSG_NOSIGNAL);
    if (n < 0) {
        return errno;
    }
    *out_n = (size_t)n;
    return 0;
}

/* The server's side of one step over its fd: the handshake, then read "ping", write "pong". */
static ftls_result server_step(ftls_connection *server, bool *ponged)
{
    uint8_t buf[16];
    size_t n = 0;
    ftls_result r;
    if (ftls_connection_is_handshaking(server)) {
        return ftls_connection_handshake(server);
    }
    if (*ponged) {
        return ftls_connection_flush(server);
    }
    r = ftls_connection_read(server, buf, sizeof buf, &n);
    if (r == FTLS_OK) {
        r = ftls_connection_write(server, (const uint8_t *)"pong", 4, &n);
        *ponged = r == FTLS_OK;
    }
    return r;
}

/* Waits (up to the deadline) until the client's or the server's socket has something to read;
 * false if neither does by then: the exchange has stalled. */
static bool wait_for_either(int client_fd, int server_fd)
{
    struct pollfd p[2];
    p[0].fd = client_fd;
    p[1].fd = server_fd;
    p[0].events = p[1].events = POLLIN;
    p[0].revents = p[1].revents = 0;
    return poll(p, 2, 10000) > 0;
}

/* One run: the client's transport resets the connection at its `reset_at`-th call (0: never).
 * Returns how many calls the client's transport made. */
static unsigned reset_run(const ftls_client_config *cc, const ftls_server_config *sc,
                          unsigned reset_at)
{
    int fds[2], nodelay = 1, round;
    resetting_socket client_socket;
    ftls_connection *client = NULL, *server = NULL;
    ftls_result server_result = FTLS_OK;
    bool pinged = false, ponged = false, finished = false;
    if (!tcp_pair(fds) || !set_nonblocking(fds[0]) || !set_nonblocking(fds[1])) {
        setup_failed(__FILE__, __LINE__, "a loopback TCP pair");
        return 0;
    }
    /* Every record goes out at once: nothing waits for an acknowledgement. */
    (void)setsockopt(fds[0], IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay);
    (void)setsockopt(fds[1], IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay);
    client_socket.fd = fds[0];
    client_socket.calls = 0;
    client_socket.reset_at = reset_at;
    if (ftls_client_connection_new(cc, "localhost", &client) != FTLS_OK ||
        ftls_server_connection_new(sc, &server) != FTLS_OK ||
        ftls_connection_set_fd(server, fds[1]) != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "the connections");
        goto done;
    }
    for (round = 0; round < 100 && !finished; round++) {
        uint8_t buf[16];
        size_t n = 0;
        ftls_result r;
        unsigned calls_before = client_socket.calls;
        while (client_socket.fd >= 0 && ftls_connection_wants_write(client) &&
               ftls_connection_write_tls(client, socket_write, &client_socket, &n) == FTLS_OK) {
        }
        if (client_socket.fd >= 0 && readable_now(client_socket.fd) &&
            ftls_connection_read_tls(client, socket_read, &client_socket, &n) == FTLS_OK &&
            n > 0) {
            (void)ftls_connection_process_new_packets(client);
        }
        if (!ftls_connection_is_handshaking(client) && !pinged) {
            pinged = ftls_connection_write(client, (const uint8_t *)"ping", 4, &n) == FTLS_OK;
        }
        finished = ftls_connection_read(client, buf, sizeof buf, &n) == FTLS_OK && n == 4;
        r = server_step(server, &ponged);
        if (r != FTLS_OK && r != FTLS_WANT_READ && r != FTLS_WANT_WRITE) {
            server_result = r;
            break;
        }
        if (!finished && client_socket.calls == calls_before && r == FTLS_WANT_READ &&
            !wait_for_either(client_socket.fd >= 0 ? client_socket.fd : -1, fds[1])) {
            CHECK(false, "reset at call %u: the exchange stalled", reset_at);
            break;
        }
    }
    if (client_socket.fd < 0) {
        CHECK(server_result == FTLS_ERR_IO || server_result == FTLS_ERR_UNEXPECTED_EOF ||
                  (ponged && server_result == FTLS_OK),
              "reset at the client's call %u: the server ends with a clear result: %s (%s, "
              "errno %d)",
              reset_at, ftls_result_name(server_result), detail_text(conn_last_error, server),
              (int)ftls_connection_last_os_error(server));
    } else {
        CHECK(finished, "no reset before the client's call %u: the exchange completes",
              reset_at);
    }
done:
    ftls_connection_free(client);
    ftls_connection_free(server);
    close_fd(&client_socket.fd);
    close_fd(&fds[1]);
    return client_socket.calls;
}

static void case_tcp_reset_at_every_step(void)
{
    ftls_client_config *cc = build_client(client_builder(0));
    ftls_server_config *sc = build_server(server_builder(0, NULL, NULL));
    unsigned k, calls = 0;
    if (cc != NULL && sc != NULL) {
        /* A clean run counts the client's transport calls; then a reset at each of them. */
        calls = reset_run(cc, sc, 0);
        for (k = 1; k <= calls; k++) {
            (void)reset_run(cc, sc, k);
        }
    }
    CHECK(calls > 3, "a reset at each of the client's %u transport calls", calls);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

/* ---------------------------------------------------------------------------------------------
 * Callbacks that fail at their k-th call
 * ------------------------------------------------------------------------------------------ */

typedef struct {
    unsigned calls, fail_at;
    bool fired;
} call_counter;

static bool counter_fails(call_counter *c)
{
    if (++c->calls == c->fail_at) {
        c->fired = true;
        return true;
    }
    return false;
}

static int verify_failing(void *userdata, const ftls_verify_request *request, char *reason,
                          size_t reason_len)
{
    (void)request;
    if (counter_fails((call_counter *)userdata)) {
        snprintf(reason, reason_len, "refused by the test at this call");
        return 1;
    }
    return 0;
}

static int hello_failing(void *userdata, const ftls_client_hello *hello)
{
    (void)hello;
    return counter_fails((call_counter *)userdata) ? FTLS_IDENTITY_NONE : FTLS_IDENTITY_AUTO;
}

static bool put_failing(void *userdata, ftls_bytes key, ftls_bytes value)
{
    (void)key;
    (void)value;
    return !counter_fails((call_counter *)userdata);
}

static bool get_failing(void *userdata, ftls_bytes key, ftls_session_value *value)
{
    (void)key;
    (void)value;
    (void)counter_fails((call_counter *)userdata);
    return false;
}

static void keylog_counting(void *userdata, ftls_str line)
{
    (void)line;
    (void)counter_fails((call_counter *)userdata);
}

static int vectored_failing(void *userdata, const ftls_bytes *bufs, size_t count, size_t *out_n)
{
    faulty *f = (faulty *)userdata;
    size_t i, total = 0;
    if (++f->calls == f->fail_at) {
        f->fired = true;
        return EIO;
    }
    for (i = 0; i < count; i++) {
        size_t n = 0;
        int failed = mem_pipe_write(f->pipe, bufs[i].data, bufs[i].len, &n);
        if (failed != 0) {
            return failed;
        }
        total += n;
    }
    *out_n = total;
    return 0;
}

typedef enum {
    HOOK_CLIENT_VERIFY,
    HOOK_SERVER_VERIFY,
    HOOK_CLIENT_HELLO,
    HOOK_SESSION_STORE,
    HOOK_KEY_LOG,
    HOOK_COUNT
} hook;

static const char *hook_name(hook h)
{
    static const char *const names[] = {"client verify", "server verify (client certificates)",
                                        "ClientHello", "session store", "key log"};
    return names[h];
}

/* The configs for one callback, failing at its k-th call. */
static bool hooked_configs(hook h, call_counter *counter, ftls_client_config **cc,
                           ftls_server_config **sc)
{
    ftls_client_config_builder *cb = client_builder(0);
    ftls_server_config_builder *sb = server_builder(0, NULL, NULL);
    if (cb == NULL || sb == NULL) {
        ftls_client_config_builder_free(cb);
        ftls_server_config_builder_free(sb);
        return false;
    }
    switch (h) {
    case HOOK_CLIENT_VERIFY:
        (void)ftls_client_config_builder_set_verify_callback(cb, verify_failing, counter);
        break;
    case HOOK_SERVER_VERIFY:
        (void)client_add_identity_files(cb, cert_path("client.pem"), cert_path("client.key"));
        (void)server_trust_ca_file(sb, cert_path("ca.pem"));
        (void)ftls_server_config_builder_set_client_auth(sb, FTLS_CLIENT_AUTH_REQUIRED);
        (void)ftls_server_config_builder_set_verify_callback(sb, verify_failing, counter);
        break;
    case HOOK_CLIENT_HELLO:
        (void)ftls_server_config_builder_set_client_hello_callback(sb, hello_failing, counter);
        break;
    case HOOK_SESSION_STORE:
        (void)ftls_server_config_builder_set_session_store(sb, put_failing, get_failing,
                                                           get_failing, counter);
        break;
    default:
        (void)ftls_client_config_builder_set_keylog_callback(cb, keylog_counting, counter);
        (void)ftls_server_config_builder_set_keylog_callback(sb, keylog_counting, counter);
        break;
    }
    *cc = build_client(cb);
    *sc = build_server(sb);
    return *cc != NULL && *sc != NULL;
}

static void case_callbacks_failing_at_every_call(void)
{
    hook h;
    for (h = HOOK_CLIENT_VERIFY; h < HOOK_COUNT; h++) {
        unsigned k;
        for (k = 1; k < 50; k++) {
            call_counter counter = {0, 0, false};
            ftls_client_config *cc = NULL;
            ftls_server_config *sc = NULL;
            exchange x;
            counter.fail_at = k;
            if (!hooked_configs(h, &counter, &cc, &sc) || !exchange_start(&x, cc, sc)) {
                ftls_client_config_free(cc);
                ftls_server_config_free(sc);
                break;
            }
            exchange_run(&x);
            if (counter.fired && !x.done) {
                /* A refusal is a clear failure on some side, with a detail. */
                int side = x.failure[CLIENT] != FTLS_OK ? CLIENT : SERVER;
                CHECK(x.failure[side] != FTLS_OK &&
                          strlen(detail_text(conn_last_error, x.conn[side])) > 0,
                      "%s callback failing at call %u: a clear failure (%s: %s)", hook_name(h),
                      k, ftls_result_name(x.failure[side]),
                      detail_text(conn_last_error, x.conn[side]));
            } else if (!counter.fired) {
                CHECK(x.done, "%s callback: the exchange completes (called %u times)",
                      hook_name(h), counter.calls);
            }
            exchange_free(&x);
            ftls_client_config_free(cc);
            ftls_server_config_free(sc);
            if (!counter.fired) {
                break;
            }
        }
    }
}

static void case_vectored_write_failing_at_every_call(void)
{
    ftls_client_config *cc = build_client(client_builder(0));
    ftls_server_config *sc = build_server(server_builder(0, NULL, NULL));
    unsigned k;
    if (cc == NULL || sc == NULL) {
        goto done;
    }
    for (k = 1; k < 50; k++) {
        exchange x;
        faulty f;
        int round;
        bool fired;
        if (!exchange_start(&x, cc, sc)) {
            break;
        }
        memset(&f, 0, sizeof f);
        f.pipe = &x.inbox[SERVER];
        f.fail_at = k;
        /* The client writes with the vectored call; the rest goes as usual. */
        for (round = 0; round < 200 && !x.done && x.failure[CLIENT] == FTLS_OK &&
                        x.failure[SERVER] == FTLS_OK;
             round++) {
            size_t n = 0;
            if (ftls_connection_wants_write(x.conn[CLIENT])) {
                note_failure(&x, CLIENT,
                             ftls_connection_write_tls_vectored(x.conn[CLIENT], vectored_failing,
                                                                &f, &n));
            }
            exchange_round(&x);
            exchange_talk(&x);
        }
        fired = f.fired;
        if (fired) {
            CHECK(x.failure[CLIENT] == FTLS_ERR_IO &&
                      strlen(detail_text(conn_last_error, x.conn[CLIENT])) > 0,
                  "vectored write failing at call %u: FTLS_ERR_IO with a detail (%s: %s)", k,
                  ftls_result_name(x.failure[CLIENT]),
                  detail_text(conn_last_error, x.conn[CLIENT]));
        } else {
            CHECK(x.done, "vectored writes: the exchange completes (%u calls)", f.calls);
        }
        exchange_free(&x);
        if (!fired) {
            break;
        }
    }
done:
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

int main(int argc, char **argv)
{
    static const test_case cases[] = {
        {"transport_faults_tls12", case_transport_faults_tls12},
        {"transport_faults_tls13", case_transport_faults_tls13},
        {"tcp_reset_at_every_step", case_tcp_reset_at_every_step},
        {"callbacks_failing_at_every_call", case_callbacks_failing_at_every_call},
        {"vectored_write_failing_at_every_call", case_vectored_write_failing_at_every_call},
    };
    return RUN_CASES_WITH_CERT_DIR(argc, argv, cases);
}
