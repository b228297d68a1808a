/*
 * copy_free.c: the copy-free data path. ftls_connection_write_tls_vectored hands every queued
 * record to the transport in one callback call; ftls_connection_read_borrowed lends decrypted
 * data in place and ftls_connection_consume says how much of it was used. Positive and
 * negative cases, over memory pipes and over a socket pair; the handshake trace on the
 * vectored path.
 *
 *   copy_free CERT_DIR [CASE]
 */
#include "check.h"
#include "pump.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

/* A vectored transport over a mem_pipe, counting calls and buffers; it can fail on purpose. */
typedef struct {
    mem_pipe pipe;
    unsigned calls;
    size_t bytes;       /* taken over all calls */
    size_t last_count;
    size_t max_bytes;   /* non-zero: takes at most this many bytes per call */
    int fail_errno;     /* non-zero: fails with this errno */
    bool overclaim;     /* reports one byte more than it was given */
} vectored_pipe;

static int vectored_write(void *userdata, const ftls_bytes *bufs, size_t count, size_t *out_n)
{
    vectored_pipe *v = (vectored_pipe *)userdata;
    size_t i, total = 0;
    v->calls++;
    v->last_count = count;
    if (v->fail_errno != 0) {
        return v->fail_errno;
    }
    for (i = 0; i < count; i++) {
        size_t take = bufs[i].len;
        size_t n = 0;
        if (v->max_bytes != 0 && total + take > v->max_bytes) {
            take = v->max_bytes - total;
        }
        if (bufs[i].len == 0) {
            return EINVAL; /* ftls promises non-empty buffers */
        }
        mem_pipe_put(&v->pipe, bufs[i].data, take);
        (void)n;
        total += take;
        if (take < bufs[i].len) {
            break;
        }
    }
    v->bytes += total;
    *out_n = v->overclaim ? total + 1 : total;
    return 0;
}

/* Sends everything `from` has queued through `v`, vectored; the first non-OK result. */
static ftls_result send_vectored(ftls_connection *from, vectored_pipe *v)
{
    int guard = 0;
    while (ftls_connection_wants_write(from) && guard++ < 1000) {
        size_t n = 0;
        ftls_result r = ftls_connection_write_tls_vectored(from, vectored_write, v, &n);
        if (r != FTLS_OK) {
            return r;
        }
    }
    return FTLS_OK;
}

static bool connected_pair(tls_pair *p)
{
    if (!pair_setup(p, NULL, "localhost", NULL)) {
        return false;
    }
    if (!pair_handshake(p)) {
        setup_failed(__FILE__, __LINE__, "handshake failed: %s / %s",
                     ftls_result_name(p->client_result), ftls_result_name(p->server_result));
        pair_free(p);
        return false;
    }
    return true;
}

/* Takes everything `conn` lends, consuming it, into `into`; the result that ended it. */
static ftls_result drain_borrowed(ftls_connection *conn, uint8_t *into, size_t cap, size_t *got)
{
    ftls_bytes lent;
    ftls_result r;
    while ((r = ftls_connection_read_borrowed(conn, &lent)) == FTLS_OK) {
        if (lent.len == 0 || *got + lent.len > cap) {
            return FTLS_ERR_INTERNAL;
        }
        memcpy(into + *got, lent.data, lent.len);
        *got += lent.len;
        r = ftls_connection_consume(conn, lent.len);
        if (r != FTLS_OK) {
            return r;
        }
    }
    return r;
}

static void case_vectored_write_sends_all_records_in_one_call(void)
{
    tls_pair p;
    vectored_pipe v;
    static uint8_t data[3 * 5000], received[sizeof data];
    size_t i, n = 0, got = 0;
    ftls_result r = FTLS_OK;
    if (!connected_pair(&p)) {
        return;
    }
    memset(&v, 0, sizeof v);
    for (i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i * 7u);
    }
    for (i = 0; i < 3; i++) {
        CHECK_RESULT_CONN(p.server, ftls_connection_write(p.server, data + i * 5000, 5000, &n),
                          FTLS_OK);
    }
    CHECK_RESULT_CONN(p.server, ftls_connection_write_tls_vectored(p.server, vectored_write, &v,
                                                                   &n),
                      FTLS_OK);
    CHECK(v.calls == 1, "one callback call for three records (got %u)", v.calls);
    CHECK(v.last_count == 3, "the call got three buffers, one per record (got %zu)",
          v.last_count);
    CHECK(n == v.pipe.len, "out_n counts every byte written (%zu of %zu)", n, v.pipe.len);
    CHECK(!ftls_connection_wants_write(p.server), "nothing is left to write");
    CHECK_RESULT_CONN(p.server,
                      ftls_connection_write_tls_vectored(p.server, vectored_write, &v, &n),
                      FTLS_OK);
    CHECK(n == 0 && v.calls == 1, "with nothing queued: out_n 0, no callback call");
    pump_receive(p.client, &v.pipe, &r);
    CHECK_CODE_CONN("feeding the client", p.client, r, FTLS_OK);
    CHECK_CODE_CONN("borrowing it all", p.client,
                    drain_borrowed(p.client, received, sizeof received, &got), FTLS_WANT_READ);
    CHECK(got == sizeof data && memcmp(received, data, sizeof data) == 0,
          "the client got the 15000 bytes in order (got %zu)", got);
    mem_pipe_free(&v.pipe);
    pair_free(&p);
}

static void case_vectored_handshake_and_partial_writes(void)
{
    tls_pair p;
    vectored_pipe to_server, to_client;
    int rounds;
    ftls_result cr = FTLS_OK, sr = FTLS_OK;
    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        return;
    }
    memset(&to_server, 0, sizeof to_server);
    memset(&to_client, 0, sizeof to_client);
    /* Every call takes at most 100 bytes: the rest is offered again by the next call. */
    to_server.max_bytes = to_client.max_bytes = 100;
    for (rounds = 0; rounds < 200 && cr == FTLS_OK && sr == FTLS_OK; rounds++) {
        cr = send_vectored(p.client, &to_server);
        pump_receive(p.server, &to_server.pipe, &sr);
        if (sr == FTLS_OK) {
            sr = send_vectored(p.server, &to_client);
        }
        pump_receive(p.client, &to_client.pipe, &cr);
        if (!ftls_connection_is_handshaking(p.client) &&
            !ftls_connection_is_handshaking(p.server) && !ftls_connection_wants_write(p.client) &&
            !ftls_connection_wants_write(p.server)) {
            break;
        }
    }
    CHECK_CODE_CONN("client over 100-byte vectored writes", p.client, cr, FTLS_OK);
    CHECK_CODE_CONN("server over 100-byte vectored writes", p.server, sr, FTLS_OK);
    CHECK(!ftls_connection_is_handshaking(p.client) && !ftls_connection_is_handshaking(p.server),
          "the handshake completed with partial vectored writes");
    /* The flight's size depends on the provider (ML-KEM key shares are large): at most 100
     * bytes per call means at least one call per 100 bytes. */
    CHECK(to_client.bytes > 500 && to_client.calls >= (to_client.bytes + 99) / 100,
          "the server's %zu bytes took one call per 100 bytes at least (%u calls)",
          to_client.bytes, to_client.calls);
    mem_pipe_free(&to_server.pipe);
    mem_pipe_free(&to_client.pipe);
    pair_free(&p);
}

static void case_vectored_write_errors(void)
{
    tls_pair p;
    vectored_pipe v;
    size_t n = 12345;
    uint8_t byte = 'x';
    if (!connected_pair(&p)) {
        return;
    }
    memset(&v, 0, sizeof v);
    CHECK_RESULT_CONN(p.server, ftls_connection_write(p.server, &byte, 1, &n), FTLS_OK);

    v.fail_errno = EAGAIN;
    n = 12345;
    CHECK_RESULT_CONN(p.server, ftls_connection_write_tls_vectored(p.server, vectored_write, &v,
                                                                   &n),
                      FTLS_WANT_WRITE);
    CHECK(n == 12345, "out_n untouched on FTLS_WANT_WRITE");
    CHECK(ftls_connection_wants_write(p.server), "the record is still queued after EAGAIN");

    v.fail_errno = 0;
    v.overclaim = true;
    CHECK_RESULT_CONN(p.server, ftls_connection_write_tls_vectored(p.server, vectored_write, &v,
                                                                   &n),
                      FTLS_ERR_IO);
    CHECK_CONN_DETAIL(p.server, "bytes");
    pair_free(&p);
    mem_pipe_free(&v.pipe);

    if (!connected_pair(&p)) {
        return;
    }
    memset(&v, 0, sizeof v);
    CHECK_RESULT_CONN(p.server, ftls_connection_write(p.server, &byte, 1, &n), FTLS_OK);
    v.fail_errno = EPIPE;
    CHECK_RESULT_CONN(p.server, ftls_connection_write_tls_vectored(p.server, vectored_write, &v,
                                                                   &n),
                      FTLS_ERR_IO);
    CHECK_CONN_DETAIL(p.server, "Broken pipe");
    CHECK_RESULT_CONN(p.server, ftls_connection_write(p.server, &byte, 1, &n), FTLS_ERR_IO);
    CHECK_RESULT(ftls_connection_write_tls_vectored(p.server, NULL, &v, &n),
                 FTLS_ERR_NULL_ARGUMENT);
    CHECK_RESULT(ftls_connection_write_tls_vectored(p.server, vectored_write, &v, NULL),
                 FTLS_ERR_NULL_ARGUMENT);
    CHECK_RESULT(ftls_connection_write_tls_vectored(NULL, vectored_write, &v, &n),
                 FTLS_ERR_NULL_ARGUMENT);
    pair_free(&p);
    mem_pipe_free(&v.pipe);
}

static unsigned trace_messages;
static bool trace_complete;

static void on_handshake_event(void *userdata, const ftls_handshake_event *event)
{
    (void)userdata;
    if (event->kind == FTLS_HANDSHAKE_EVENT_COMPLETE) {
        trace_complete = true;
    } else {
        trace_messages++;
    }
}

static void case_trace_sees_the_vectored_path(void)
{
    tls_pair p;
    vectored_pipe to_server, to_client;
    ftls_result cr = FTLS_OK, sr = FTLS_OK;
    int rounds;
    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        return;
    }
    memset(&to_server, 0, sizeof to_server);
    memset(&to_client, 0, sizeof to_client);
    trace_messages = 0;
    trace_complete = false;
    CHECK_RESULT_CONN(p.client, ftls_connection_set_handshake_callback(p.client,
                                                                       on_handshake_event, NULL),
                      FTLS_OK);
    for (rounds = 0; rounds < 20; rounds++) {
        cr = send_vectored(p.client, &to_server);
        pump_receive(p.server, &to_server.pipe, &sr);
        sr = sr == FTLS_OK ? send_vectored(p.server, &to_client) : sr;
        pump_receive(p.client, &to_client.pipe, &cr);
    }
    CHECK(cr == FTLS_OK && sr == FTLS_OK, "vectored handshake: %s / %s", ftls_result_name(cr),
          ftls_result_name(sr));
    CHECK(trace_messages >= 6, "the trace saw every handshake message (%u)", trace_messages);
    CHECK(trace_complete, "the trace reported completion");
    mem_pipe_free(&to_server.pipe);
    mem_pipe_free(&to_client.pipe);
    pair_free(&p);
}

static void case_borrowed_reads(void)
{
    tls_pair p;
    ftls_bytes lent = {NULL, 0};
    size_t n = 0, pending = 0;
    uint8_t copy[64];
    ftls_result r = FTLS_OK;
    if (!connected_pair(&p)) {
        return;
    }
    lent.len = 777;
    CHECK_RESULT_CONN(p.server, ftls_connection_read_borrowed(p.server, &lent), FTLS_WANT_READ);
    CHECK(lent.len == 777, "out_data untouched on FTLS_WANT_READ");
    CHECK_RESULT_CONN(p.server, ftls_connection_consume(p.server, 0), FTLS_OK);
    CHECK_RESULT_CONN(p.server, ftls_connection_consume(p.server, 1), FTLS_ERR_INVALID_ARGUMENT);
    CHECK_CONN_DETAIL(p.server, "only 0 were lent");

    CHECK_RESULT_CONN(p.client, ftls_connection_write(p.client, (const uint8_t *)"hello ", 6, &n),
                      FTLS_OK);
    CHECK_RESULT_CONN(p.client, ftls_connection_write(p.client, (const uint8_t *)"world", 5, &n),
                      FTLS_OK);
    CHECK_RESULT(pump_send(p.client, &p.to_server), FTLS_OK);
    pump_receive(p.server, &p.to_server, &r);
    CHECK_CODE_CONN("server receives", p.server, r, FTLS_OK);

    CHECK_RESULT_CONN(p.server, ftls_connection_read_borrowed(p.server, &lent), FTLS_OK);
    CHECK_BYTES_TEXT("the first record, lent", lent, "hello ");
    CHECK_RESULT_CONN(p.server, ftls_connection_read_borrowed(p.server, &lent), FTLS_OK);
    CHECK_BYTES_TEXT("lent again until consumed", lent, "hello ");
    CHECK_RESULT_CONN(p.server, ftls_connection_consume(p.server, 7), FTLS_ERR_INVALID_ARGUMENT);
    CHECK_CONN_DETAIL(p.server, "only 6 were lent");
    CHECK_RESULT_CONN(p.server, ftls_connection_consume(p.server, 2), FTLS_OK);
    pending = ftls_connection_pending(p.server);
    CHECK(pending == 9, "pending counts what is left (9, got %zu)", pending);
    CHECK_RESULT_CONN(p.server, ftls_connection_read_borrowed(p.server, &lent), FTLS_OK);
    CHECK_BYTES_TEXT("the rest of the record", lent, "llo ");
    CHECK_RESULT_CONN(p.server, ftls_connection_consume(p.server, lent.len), FTLS_OK);
    /* Mixing: read copies from where the borrowing left off. */
    CHECK_RESULT_CONN(p.server, ftls_connection_read(p.server, copy, 2, &n), FTLS_OK);
    CHECK(n == 2 && memcmp(copy, "wo", 2) == 0, "read continues where consume stopped");
    CHECK_RESULT_CONN(p.server, ftls_connection_read_borrowed(p.server, &lent), FTLS_OK);
    CHECK_BYTES_TEXT("and borrowing after read", lent, "rld");
    CHECK_RESULT_CONN(p.server, ftls_connection_consume(p.server, 3), FTLS_OK);
    CHECK_RESULT_CONN(p.server, ftls_connection_read_borrowed(p.server, &lent), FTLS_WANT_READ);

    /* The peer's close_notify ends the stream cleanly. */
    CHECK_RESULT_CONN(p.client, ftls_connection_send_close_notify(p.client), FTLS_OK);
    CHECK_RESULT(pump_send(p.client, &p.to_server), FTLS_OK);
    pump_receive(p.server, &p.to_server, &r);
    CHECK_RESULT_CONN(p.server, ftls_connection_read_borrowed(p.server, &lent), FTLS_CLOSED);

    CHECK_RESULT(ftls_connection_read_borrowed(p.server, NULL), FTLS_ERR_NULL_ARGUMENT);
    CHECK_RESULT(ftls_connection_read_borrowed(NULL, &lent), FTLS_ERR_NULL_ARGUMENT);
    CHECK_RESULT(ftls_connection_consume(NULL, 0), FTLS_ERR_NULL_ARGUMENT);
    pair_free(&p);
}

static void case_borrowed_read_of_a_truncated_stream(void)
{
    tls_pair p;
    ftls_bytes lent;
    size_t n = 0;
    ftls_result r = FTLS_OK;
    if (!connected_pair(&p)) {
        return;
    }
    CHECK_RESULT_CONN(p.client, ftls_connection_write(p.client, (const uint8_t *)"cut", 3, &n),
                      FTLS_OK);
    CHECK_RESULT(pump_send(p.client, &p.to_server), FTLS_OK);
    p.to_server.eof = true;
    pump_receive(p.server, &p.to_server, &r);
    CHECK_RESULT_CONN(p.server, ftls_connection_read_borrowed(p.server, &lent), FTLS_OK);
    CHECK_BYTES_TEXT("data before the cut", lent, "cut");
    CHECK_RESULT_CONN(p.server, ftls_connection_consume(p.server, 3), FTLS_OK);
    CHECK_RESULT_CONN(p.server, ftls_connection_read_borrowed(p.server, &lent),
                      FTLS_ERR_UNEXPECTED_EOF);
    CHECK_CONN_DETAIL(p.server, "without close_notify");
    CHECK_RESULT_CONN(p.server, ftls_connection_read_borrowed(p.server, &lent),
                      FTLS_ERR_UNEXPECTED_EOF);
    pair_free(&p);
}

static void case_large_transfer_both_calls(void)
{
    enum { TOTAL = 1 << 20 };
    tls_pair p;
    vectored_pipe v;
    uint8_t *data = (uint8_t *)malloc(TOTAL), *received = (uint8_t *)malloc(TOTAL);
    size_t i, sent = 0, got = 0, n = 0;
    ftls_result r = FTLS_OK, end = FTLS_WANT_READ;
    if (data == NULL || received == NULL || !connected_pair(&p)) {
        free(data);
        free(received);
        return;
    }
    memset(&v, 0, sizeof v);
    for (i = 0; i < TOTAL; i++) {
        data[i] = (uint8_t)(i ^ (i >> 8));
    }
    while (sent < TOTAL && r == FTLS_OK) {
        size_t chunk = TOTAL - sent < 40000 ? TOTAL - sent : 40000;
        r = ftls_connection_write(p.server, data + sent, chunk, &n);
        sent += r == FTLS_OK ? n : 0;
        if (r == FTLS_OK) {
            r = send_vectored(p.server, &v);
        }
        /* rustls holds at most 16 KiB of plaintext: borrow after each read_tls. */
        while (v.pipe.len > 0 && end == FTLS_WANT_READ) {
            end = ftls_connection_read_tls(p.client, mem_pipe_read, &v.pipe, &n);
            if (end == FTLS_OK) {
                end = ftls_connection_process_new_packets(p.client);
            }
            if (end == FTLS_OK) {
                end = drain_borrowed(p.client, received, TOTAL, &got);
            }
        }
        if (end != FTLS_WANT_READ) {
            break;
        }
    }
    CHECK_CODE_CONN("sending 1 MiB", p.server, r, FTLS_OK);
    CHECK_CODE_CONN("borrowing 1 MiB", p.client, end, FTLS_WANT_READ);
    CHECK(got == TOTAL && memcmp(received, data, TOTAL) == 0,
          "1 MiB arrived intact through the copy-free calls (got %zu)", got);
    mem_pipe_free(&v.pipe);
    pair_free(&p);
    free(data);
    free(received);
}

/* Over a socket pair: read_borrowed reads the fd as needed, like ftls_connection_read. */
static void case_borrowed_reads_over_an_fd(void)
{
    ftls_client_config *cc = make_client_config(NULL);
    ftls_server_config *sc = make_server_config(NULL);
    ftls_connection *client = NULL, *server = NULL;
    int fds[2] = {-1, -1}, rounds;
    ftls_result cr = FTLS_WANT_READ, sr = FTLS_WANT_READ;
    ftls_bytes lent;
    size_t n = 0;
    if (cc == NULL || sc == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
        setup_failed(__FILE__, __LINE__, "configs or socketpair");
        goto done;
    }
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    if (ftls_client_connection_new(cc, "localhost", &client) != FTLS_OK ||
        ftls_server_connection_new(sc, &server) != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "connections");
        goto done;
    }
    CHECK_RESULT_CONN(client, ftls_connection_set_fd(client, fds[0]), FTLS_OK);
    CHECK_RESULT_CONN(server, ftls_connection_set_fd(server, fds[1]), FTLS_OK);
    CHECK_RESULT_CONN(client, ftls_connection_read_borrowed(client, &lent), FTLS_WANT_READ);
    for (rounds = 0; rounds < 50 && (cr != FTLS_OK || sr != FTLS_OK); rounds++) {
        sr = ftls_connection_handshake(server);
        cr = ftls_connection_handshake(client);
    }
    CHECK(cr == FTLS_OK && sr == FTLS_OK, "handshake over the socket pair: %s / %s",
          ftls_result_name(cr), ftls_result_name(sr));
    CHECK_RESULT_CONN(client, ftls_connection_read_borrowed(client, &lent), FTLS_WANT_READ);
    CHECK_RESULT_CONN(server, ftls_connection_write(server, (const uint8_t *)"over the fd", 11, &n),
                      FTLS_OK);
    CHECK_RESULT_CONN(client, ftls_connection_read_borrowed(client, &lent), FTLS_OK);
    CHECK_BYTES_TEXT("lent after reading the fd", lent, "over the fd");
    CHECK_RESULT_CONN(client, ftls_connection_consume(client, lent.len), FTLS_OK);
    CHECK_RESULT_CONN(server, ftls_connection_shutdown(server, false), FTLS_OK);
    CHECK_RESULT_CONN(client, ftls_connection_read_borrowed(client, &lent), FTLS_CLOSED);
done:
    ftls_connection_free(client);
    ftls_connection_free(server);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    if (fds[0] >= 0) {
        close(fds[0]);
        close(fds[1]);
    }
}

static const test_case cases[] = {
    {"vectored_write_sends_all_records_in_one_call",
     case_vectored_write_sends_all_records_in_one_call},
    {"vectored_handshake_and_partial_writes", case_vectored_handshake_and_partial_writes},
    {"vectored_write_errors", case_vectored_write_errors},
    {"trace_sees_the_vectored_path", case_trace_sees_the_vectored_path},
    {"borrowed_reads", case_borrowed_reads},
    {"borrowed_read_of_a_truncated_stream", case_borrowed_read_of_a_truncated_stream},
    {"large_transfer_both_calls", case_large_transfer_both_calls},
    {"borrowed_reads_over_an_fd", case_borrowed_reads_over_an_fd},
};

int main(int argc, char **argv)
{
    return RUN_CASES_WITH_CERT_DIR(argc, argv, cases);
}
