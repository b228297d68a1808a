/*
 * hostile_peers: a raw peer sends an ftls server what a hostile client sends (a ClientHello
 * too large for the handshake buffer, records interleaved with a fragmented ClientHello, a
 * flood of warning alerts, a TLS 1.2 ClientHello with TLS_FALLBACK_SCSV), over the callback
 * API and over a socketpair with the fd API, and reads back what the server answered: the
 * connection fails with a clear result and detail, and the peer receives a fatal alert record
 * (content type 21, level 2, the expected description) instead of a bare end of stream.
 *
 * Usage: hostile_peers CERT_DIR [CASE]
 */
#include "builders.h"
#include "sockets.h"

#include <sys/socket.h>

/* Appends a TLS record of `type` holding `payload`. */
static void put_record(mem_pipe *out, uint8_t type, const uint8_t *payload, size_t len)
{
    uint8_t header[5];
    header[0] = type;
    header[1] = 3;
    header[2] = 3;
    header[3] = (uint8_t)(len >> 8);
    header[4] = (uint8_t)len;
    mem_pipe_put(out, header, sizeof header);
    mem_pipe_put(out, payload, len);
}

/* The ClientHello handshake message (without its record header) of a new client offering
 * `versions`; in `out`. False after a failed setup line. */
static bool client_hello(uint32_t versions, mem_pipe *out)
{
    ftls_client_config *cc = build_client(client_builder(versions));
    ftls_connection *client = NULL;
    mem_pipe wire;
    bool ok = false;
    memset(&wire, 0, sizeof wire);
    if (cc != NULL && ftls_client_connection_new(cc, "localhost", &client) == FTLS_OK &&
        pump_send(client, &wire) == FTLS_OK && wire.len > 5 && wire.data[0] == 22) {
        mem_pipe_put(out, wire.data + 5, wire.len - 5);
        ok = true;
    } else {
        setup_failed(__FILE__, __LINE__, "no ClientHello");
    }
    mem_pipe_free(&wire);
    ftls_connection_free(client);
    ftls_client_config_free(cc);
    return ok;
}

/* The first alert record in `answer`: level * 256 + description, or -1. */
static int first_alert(const mem_pipe *answer)
{
    size_t at = 0;
    while (at + 5 <= answer->len) {
        size_t len = ((size_t)answer->data[at + 3] << 8) | answer->data[at + 4];
        if (at + 5 + len > answer->len) {
            break;
        }
        if (answer->data[at] == 21 && len == 2) {
            return answer->data[at + 5] * 256 + answer->data[at + 6];
        }
        at += 5 + len;
    }
    return -1;
}

/* What a server of `sc` answers to `wire` over the callback API; its result in `*result`. */
static ftls_connection *answer_by_callbacks(const ftls_server_config *sc, const mem_pipe *wire,
                                            mem_pipe *answer, ftls_result *result)
{
    ftls_connection *server = NULL;
    mem_pipe input;
    memset(&input, 0, sizeof input);
    *result = FTLS_OK;
    if (ftls_server_connection_new(sc, &server) != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "server connection");
        return NULL;
    }
    mem_pipe_put(&input, wire->data, wire->len);
    pump_receive(server, &input, result);
    /* After a failure, write_tls sends the alert. */
    CHECK_RESULT_CONN(server, pump_send(server, answer), FTLS_OK);
    mem_pipe_free(&input);
    return server;
}

/* The same over a socketpair with the fd API: the peer sends `wire` and ends its stream, the
 * server runs ftls_connection_handshake(), then the peer reads everything the server sent. */
static ftls_connection *answer_over_fd(const ftls_server_config *sc, const mem_pipe *wire,
                                       mem_pipe *answer, ftls_result *result)
{
    ftls_connection *server = NULL;
    int fds[2] = {-1, -1};
    uint8_t buf[4096];
    ssize_t n;
    *result = FTLS_OK;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0 ||
        ftls_server_connection_new(sc, &server) != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "socketpair or server connection");
        close_fd(&fds[0]);
        close_fd(&fds[1]);
        return NULL;
    }
    /* The whole hello fits in the socket buffer: no thread needed. */
    if (write(fds[0], wire->data, wire->len) != (ssize_t)wire->len ||
        shutdown(fds[0], SHUT_WR) != 0) {
        setup_failed(__FILE__, __LINE__, "the peer could not send its %zu bytes", wire->len);
    }
    CHECK_RESULT_CONN(server, ftls_connection_set_fd(server, fds[1]), FTLS_OK);
    *result = ftls_connection_handshake(server);
    /* Everything the server sent is in the socket once the call returned. Read it before the
     * server's side closes with unread input (which would reset the connection). */
    set_nonblocking(fds[0]);
    while ((n = read(fds[0], buf, sizeof buf)) > 0) {
        mem_pipe_put(answer, buf, (size_t)n);
    }
    close_fd(&fds[1]);
    close_fd(&fds[0]);
    return server;
}

/* Both paths: the server fails with `want` and a detail containing `detail`, and the peer
 * receives the fatal alert `description`. */
static void refused_with_alert(const char *label, const ftls_server_config *sc,
                               const mem_pipe *wire, ftls_result want, const char *detail,
                               int description)
{
    int path;
    for (path = 0; path < 2; path++) {
        mem_pipe answer;
        ftls_result r = FTLS_OK;
        ftls_connection *server;
        memset(&answer, 0, sizeof answer);
        server = path == 0 ? answer_by_callbacks(sc, wire, &answer, &r)
                           : answer_over_fd(sc, wire, &answer, &r);
        if (server != NULL && CHECK_CODE_CONN(label, server, r, want)) {
            CHECK_CONN_DETAIL(server, detail);
            CHECK(first_alert(&answer) == 2 * 256 + description,
                  "%s (%s): the peer got the fatal alert %d (got %d, %zu bytes)", label,
                  path == 0 ? "callbacks" : "fd", description, first_alert(&answer), answer.len);
        }
        ftls_connection_free(server);
        mem_pipe_free(&answer);
    }
}

static ftls_server_config *default_server(void)
{
    return build_server(server_builder(0, NULL, NULL));
}

/* ---- cases -------------------------------------------------------------------------------- */

static void case_oversized_client_hello(void)
{
    /* A ClientHello announcing 65536 bytes: more than rustls holds for one handshake message. */
    static const uint8_t header[] = {1, 0x01, 0x00, 0x00};
    ftls_server_config *sc = default_server();
    mem_pipe wire;
    memset(&wire, 0, sizeof wire);
    put_record(&wire, 22, header, sizeof header);
    if (sc != NULL) {
        refused_with_alert("oversized ClientHello", sc, &wire, FTLS_ERR_BAD_MESSAGE,
                           "larger than the 65535 bytes", 50 /* decode_error */);
    }
    mem_pipe_free(&wire);
    ftls_server_config_free(sc);
}

static void case_records_interleaved_with_a_fragmented_client_hello(void)
{
    static const uint8_t ccs[] = {1};
    ftls_server_config *sc = default_server();
    mem_pipe hello, wire;
    memset(&hello, 0, sizeof hello);
    memset(&wire, 0, sizeof wire);
    if (sc != NULL && client_hello(0, &hello)) {
        put_record(&wire, 22, hello.data, 100);
        put_record(&wire, 20, ccs, sizeof ccs);
        put_record(&wire, 22, hello.data + 100, hello.len - 100);
        refused_with_alert("interleaved ClientHello", sc, &wire, FTLS_ERR_PROTOCOL,
                           "MessageInterleavedWithHandshakeMessage", 10 /* unexpected_message */);
    }
    mem_pipe_free(&hello);
    mem_pipe_free(&wire);
    ftls_server_config_free(sc);
}

static void case_too_many_warning_alerts(void)
{
    static const uint8_t user_canceled[] = {1, 90};
    ftls_server_config *sc = default_server();
    mem_pipe hello, wire;
    int i;
    memset(&hello, 0, sizeof hello);
    memset(&wire, 0, sizeof wire);
    if (sc != NULL && client_hello(FTLS_PROTOCOL_TLS12, &hello)) {
        put_record(&wire, 22, hello.data, hello.len);
        for (i = 0; i < 5; i++) {
            put_record(&wire, 21, user_canceled, sizeof user_canceled);
        }
        refused_with_alert("warning alert flood", sc, &wire, FTLS_ERR_PROTOCOL,
                           "TooManyWarningAlertsReceived", 10 /* unexpected_message */);
    }
    mem_pipe_free(&hello);
    mem_pipe_free(&wire);
    ftls_server_config_free(sc);
}

/* A TLS 1.2 ClientHello with TLS_FALLBACK_SCSV (0x5600) added to its cipher suites. */
static bool fallback_hello(mem_pipe *wire)
{
    static const uint8_t scsv[] = {0x56, 0x00};
    mem_pipe hello, edited;
    size_t suites_at, suites_len, body_len;
    uint8_t len_bytes[2];
    bool ok = false;
    memset(&hello, 0, sizeof hello);
    memset(&edited, 0, sizeof edited);
    if (client_hello(FTLS_PROTOCOL_TLS12, &hello)) {
        /* type, length (3), version (2), random (32), session id (1 + n), suites (2 + n) */
        suites_at = 4 + 2 + 32 + 1 + hello.data[4 + 2 + 32];
        suites_len = ((size_t)hello.data[suites_at] << 8) | hello.data[suites_at + 1];
        mem_pipe_put(&edited, hello.data, suites_at);
        len_bytes[0] = (uint8_t)((suites_len + 2) >> 8);
        len_bytes[1] = (uint8_t)(suites_len + 2);
        mem_pipe_put(&edited, len_bytes, 2);
        mem_pipe_put(&edited, hello.data + suites_at + 2, suites_len);
        mem_pipe_put(&edited, scsv, sizeof scsv);
        mem_pipe_put(&edited, hello.data + suites_at + 2 + suites_len,
                     hello.len - suites_at - 2 - suites_len);
        body_len = edited.len - 4;
        edited.data[1] = (uint8_t)(body_len >> 16);
        edited.data[2] = (uint8_t)(body_len >> 8);
        edited.data[3] = (uint8_t)body_len;
        put_record(wire, 22, edited.data, edited.len);
        ok = true;
    }
    mem_pipe_free(&hello);
    mem_pipe_free(&edited);
    return ok;
}

static void case_fallback_scsv(void)
{
    static const uint8_t alert_alone[] = {21, 3, 3, 0, 2, 2, 86};
    ftls_server_config *sc = default_server();
    ftls_server_config *tls12_only = build_server(server_builder(FTLS_PROTOCOL_TLS12, NULL, NULL));
    mem_pipe wire;
    int path;
    memset(&wire, 0, sizeof wire);
    if (sc == NULL || tls12_only == NULL || !fallback_hello(&wire)) {
        goto out;
    }
    /* A server that supports TLS 1.3 sees a downgrade: inappropriate_fallback (86), alone. */
    for (path = 0; path < 2; path++) {
        mem_pipe answer;
        ftls_result r = FTLS_OK;
        ftls_connection *server;
        memset(&answer, 0, sizeof answer);
        server = path == 0 ? answer_by_callbacks(sc, &wire, &answer, &r)
                           : answer_over_fd(sc, &wire, &answer, &r);
        if (server != NULL && CHECK_CODE_CONN("fallback to TLS 1.2", server, r, FTLS_ERR_PROTOCOL)) {
            CHECK_CONN_DETAIL(server, "TLS_FALLBACK_SCSV");
            CHECK_CONN_DETAIL(server, "inappropriate_fallback");
            CHECK(answer.len == sizeof alert_alone &&
                      memcmp(answer.data, alert_alone, sizeof alert_alone) == 0,
                  "%s: the peer got inappropriate_fallback and nothing else (%zu bytes)",
                  path == 0 ? "callbacks" : "fd", answer.len);
        }
        ftls_connection_free(server);
        mem_pipe_free(&answer);
    }
    /* A server limited to TLS 1.2 is where the client fell back to: it answers. */
    {
        mem_pipe answer;
        ftls_result r = FTLS_OK;
        ftls_connection *server;
        memset(&answer, 0, sizeof answer);
        server = answer_by_callbacks(tls12_only, &wire, &answer, &r);
        if (server != NULL) {
            CHECK_CODE_CONN("fallback to a TLS 1.2 server", server, r, FTLS_OK);
            CHECK(answer.len > 0 && answer.data[0] == 22, "a TLS 1.2 server sends its ServerHello");
        }
        ftls_connection_free(server);
        mem_pipe_free(&answer);
    }
out:
    mem_pipe_free(&wire);
    ftls_server_config_free(sc);
    ftls_server_config_free(tls12_only);
}

static const test_case cases[] = {
    {"oversized_client_hello", case_oversized_client_hello},
    {"records_interleaved_with_a_fragmented_client_hello",
     case_records_interleaved_with_a_fragmented_client_hello},
    {"too_many_warning_alerts", case_too_many_warning_alerts},
    {"fallback_scsv", case_fallback_scsv},
};

int main(int argc, char **argv)
{
    return RUN_CASES_WITH_CERT_DIR(argc, argv, cases);
}
