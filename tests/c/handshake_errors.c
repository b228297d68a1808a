/*
 * handshake_errors: a client and a server in memory (pump.h) failing in every way the header
 * names: certificate problems, client authentication, nothing in common, garbage from the
 * peer, truncation, transport callbacks that fail or lie, a tampered record. Each case asserts
 * the exact ftls_result on both sides where both see one, and that the detail names the cause.
 *
 * Usage: handshake_errors CERT_DIR [CASE]
 */
#include "check.h"
#include "pump.h"

#include <ctype.h>

static const char *const h2_only[] = {"h2"};
static const char *const http11_only[] = {"http/1.1"};

/* "YYYY-MM-DD HH:MM:SS UTC" somewhere in `text`. */
static bool has_utc_date(const char *text)
{
    static const char shape[] = "0000-00-00 00:00:00 UTC";
    size_t n = strlen(shape), i, j;
    size_t len = strlen(text);
    for (i = 0; i + n <= len; i++) {
        for (j = 0; j < n; j++) {
            char want = shape[j], got = text[i + j];
            if (want == '0' ? !isdigit((unsigned char)got) : want != got) {
                break;
            }
        }
        if (j == n) {
            return true;
        }
    }
    return false;
}

/* Both sides' first failure after pumping a handshake to its end; the failure sticks (the
 * next process_new_packets gives it again). `*_detail` (may be NULL) must be in the detail. */
static void check_outcome(tls_pair *p, ftls_result client_want, const char *client_detail,
                          ftls_result server_want, const char *server_detail)
{
    if (CHECK_CODE_CONN("client's first failure", p->client, p->client_result, client_want) &&
        client_want != FTLS_OK) {
        if (client_detail != NULL) {
            CHECK_CONN_DETAIL(p->client, client_detail);
        }
        CHECK_RESULT_CONN(p->client, ftls_connection_process_new_packets(p->client), client_want);
    }
    if (CHECK_CODE_CONN("server's first failure", p->server, p->server_result, server_want) &&
        server_want != FTLS_OK) {
        if (server_detail != NULL) {
            CHECK_CONN_DETAIL(p->server, server_detail);
        }
        CHECK_RESULT_CONN(p->server, ftls_connection_process_new_packets(p->server), server_want);
    }
}

/* Sets up a pair, pumps the handshake and checks the outcome. */
static void handshake_expecting(const client_opts *co, const char *server_name,
                                const server_opts *so, ftls_result client_want,
                                const char *client_detail, ftls_result server_want,
                                const char *server_detail)
{
    tls_pair p;
    if (pair_setup(&p, co, server_name, so)) {
        pair_pump(&p);
        check_outcome(&p, client_want, client_detail, server_want, server_detail);
    }
    pair_free(&p);
}

/* -------------------------------------------------------------------------------------------- */

static void case_unknown_issuer(void)
{
    server_opts so = {0};
    so.cert = "other-server.pem";
    so.key = "other-server.key";
    handshake_expecting(NULL, "localhost", &so, FTLS_ERR_CERT_UNKNOWN_ISSUER, "unknown issuer",
                        FTLS_ERR_ALERT_RECEIVED, "unknown_ca");
}

static void case_expired(void)
{
    server_opts so = {0};
    tls_pair p;
    so.cert = "expired-server.pem";
    so.key = "expired-server.key";
    if (pair_setup(&p, NULL, "localhost", &so)) {
        pair_pump(&p);
        check_outcome(&p, FTLS_ERR_CERT_EXPIRED, "certificate expired: valid until",
                      FTLS_ERR_ALERT_RECEIVED, "certificate_expired");
        CHECK(has_utc_date(CONN_DETAIL(p.client)), "the client's detail has a date: \"%s\"",
              CONN_DETAIL(p.client));
    }
    pair_free(&p);
}

static void case_not_yet_valid(void)
{
    server_opts so = {0};
    tls_pair p;
    so.cert = "notyet-server.pem";
    so.key = "notyet-server.key";
    if (pair_setup(&p, NULL, "localhost", &so)) {
        pair_pump(&p);
        check_outcome(&p, FTLS_ERR_CERT_NOT_YET_VALID, "certificate not valid yet: valid from",
                      FTLS_ERR_ALERT_RECEIVED, "certificate_expired");
        CHECK(has_utc_date(CONN_DETAIL(p.client)), "the client's detail has a date: \"%s\"",
              CONN_DETAIL(p.client));
    }
    pair_free(&p);
}

static void case_name_mismatch(void)
{
    tls_pair p;
    if (pair_setup(&p, NULL, "www.example.com", NULL)) {
        pair_pump(&p);
        check_outcome(&p, FTLS_ERR_CERT_NAME_MISMATCH, "www.example.com",
                      FTLS_ERR_ALERT_RECEIVED, "bad_certificate");
        /* The detail names the expected name and the names the certificate has. */
        CHECK_CONN_DETAIL(p.client, "localhost");
        CHECK_CONN_DETAIL(p.client, "127.0.0.1");
    }
    pair_free(&p);
    /* An IP address the certificate does not have. */
    if (pair_setup(&p, NULL, "10.1.2.3", NULL)) {
        pair_pump(&p);
        check_outcome(&p, FTLS_ERR_CERT_NAME_MISMATCH, "10.1.2.3", FTLS_ERR_ALERT_RECEIVED,
                      "bad_certificate");
    }
    pair_free(&p);
}

static void case_ip_address_names(void)
{
    static const char *const names[] = {"127.0.0.1", "::1"};
    size_t i;
    for (i = 0; i < 2; i++) {
        tls_pair p;
        if (pair_setup(&p, NULL, names[i], NULL)) {
            CHECK(pair_handshake(&p), "a server certificate with IP SAN %s is accepted (client %s: "
                  "%s)", names[i], ftls_result_name(p.client_result), CONN_DETAIL(p.client));
        }
        pair_free(&p);
    }
}

static void case_client_certificate_required_but_absent(void)
{
    server_opts so = {0};
    client_opts co = {0};
    so.client_auth = FTLS_CLIENT_AUTH_REQUIRED;
    so.client_ca = "ca.pem";

    /* TLS 1.3: the server refuses with a certificate_required alert. */
    co.versions = FTLS_PROTOCOL_TLS13;
    handshake_expecting(&co, "localhost", &so, FTLS_ERR_CLIENT_CERT_REQUIRED,
                        "certificate_required", FTLS_ERR_CLIENT_CERT_REQUIRED,
                        "the peer sent no certificate");
    /* TLS 1.2 has no certificate_required alert. */
    co.versions = FTLS_PROTOCOL_TLS12;
    handshake_expecting(&co, "localhost", &so, FTLS_ERR_CLIENT_CERT_REQUIRED,
                        "certificate_required", FTLS_ERR_CLIENT_CERT_REQUIRED,
                        "the peer sent no certificate");
}

static void case_client_certificate_optional(void)
{
    server_opts so = {0};
    client_opts co = {0};
    tls_pair p;
    size_t count = 99;

    so.client_auth = FTLS_CLIENT_AUTH_OPTIONAL;
    so.client_ca = "ca.pem";
    /* Without a certificate. */
    if (pair_setup(&p, NULL, "localhost", &so)) {
        if (CHECK(pair_handshake(&p), "optional client auth, no client certificate: handshake "
                  "completes (client %s, server %s)", ftls_result_name(p.client_result),
                  ftls_result_name(p.server_result))) {
            count = ftls_connection_peer_certificate_count(p.server);
            CHECK(count == 0, "the server saw no client certificate (count %zu)", count);
        }
    }
    pair_free(&p);
    /* With one. */
    co.cert = "client-rsa.pem";
    co.key = "client-rsa.key";
    if (pair_setup(&p, &co, "localhost", &so)) {
        if (CHECK(pair_handshake(&p), "optional client auth with a client certificate: handshake "
                  "completes")) {
            count = ftls_connection_peer_certificate_count(p.server);
            CHECK(count == 1, "the server saw the client certificate (count %zu)", count);
        }
    }
    pair_free(&p);
}

static void case_client_certificate_untrusted(void)
{
    server_opts so = {0};
    client_opts co = {0};
    so.client_auth = FTLS_CLIENT_AUTH_REQUIRED;
    so.client_ca = "ca.pem";
    co.cert = "other-client.pem";
    co.key = "other-client.key";
    co.versions = FTLS_PROTOCOL_TLS13;
    handshake_expecting(&co, "localhost", &so, FTLS_ERR_ALERT_RECEIVED, "unknown_ca",
                        FTLS_ERR_CERT_UNKNOWN_ISSUER, "unknown issuer");
    co.versions = FTLS_PROTOCOL_TLS12;
    handshake_expecting(&co, "localhost", &so, FTLS_ERR_ALERT_RECEIVED, "unknown_ca",
                        FTLS_ERR_CERT_UNKNOWN_ISSUER, "unknown issuer");
}

static void case_no_common_version(void)
{
    client_opts co = {0};
    server_opts so = {0};
    co.versions = FTLS_PROTOCOL_TLS12;
    so.versions = FTLS_PROTOCOL_TLS13;
    handshake_expecting(&co, "localhost", &so, FTLS_ERR_NO_COMMON_VERSION, "protocol_version",
                        FTLS_ERR_NO_COMMON_VERSION, "no TLS protocol version in common");
    co.versions = FTLS_PROTOCOL_TLS13;
    so.versions = FTLS_PROTOCOL_TLS12;
    handshake_expecting(&co, "localhost", &so, FTLS_ERR_NO_COMMON_VERSION, "protocol_version",
                        FTLS_ERR_NO_COMMON_VERSION, "no TLS protocol version in common");
}

static void case_no_common_alpn(void)
{
    client_opts co = {0};
    server_opts so = {0};
    co.alpn = h2_only;
    co.alpn_count = 1;
    so.alpn = http11_only;
    so.alpn_count = 1;
    handshake_expecting(&co, "localhost", &so, FTLS_ERR_NO_COMMON_ALPN,
                        "no_application_protocol", FTLS_ERR_NO_COMMON_ALPN, "ALPN");
    /* A server without ALPN ignores the client's offer. */
    so.alpn_count = 0;
    handshake_expecting(&co, "localhost", &so, FTLS_OK, NULL, FTLS_OK, NULL);
}

/* After `want` was reported, every later call on `conn` reports it again, and the alert still
 * goes out through write_tls (into `to_peer`). */
static void check_stays_failed(ftls_connection *conn, ftls_result want, mem_pipe *to_peer)
{
    uint8_t buf[64];
    size_t n = 12345, before = to_peer->len;
    mem_pipe more;

    memset(&more, 0, sizeof more);
    mem_pipe_put(&more, "\x16\x03\x01\x00\x01\x01", 6);

    CHECK_RESULT_CONN(conn, ftls_connection_process_new_packets(conn), want);
    CHECK_RESULT_CONN(conn, ftls_connection_read_tls(conn, mem_pipe_read, &more, &n), want);
    CHECK_RESULT_CONN(conn, ftls_connection_read(conn, buf, sizeof buf, &n), want);
    CHECK_RESULT_CONN(conn, ftls_connection_write(conn, (const uint8_t *)"hi", 2, &n), want);
    CHECK(n == 12345, "the failed calls left *out_n untouched");
    CHECK(more.len == 6, "read_tls on a failed connection did not read the transport");
    CHECK(!ftls_connection_wants_read(conn), "a failed connection does not want to read");
    CHECK(ftls_connection_wants_write(conn), "a failed connection wants to write its alert");
    if (CHECK_RESULT_CONN(conn, ftls_connection_write_tls(conn, mem_pipe_write, to_peer, &n),
                          FTLS_OK)) {
        /* An alert record is type 21; TLS 1.3 disguises encrypted ones as type 23. */
        CHECK(n >= 7 && to_peer->len == before + n &&
                  (to_peer->data[before] == 21 || to_peer->data[before] == 23),
              "write_tls sent the alert record (%zu bytes, content type %d)", n,
              to_peer->len > before ? to_peer->data[before] : -1);
    }
    mem_pipe_free(&more);
}

static const char http_request[] = "GET / HTTP/1.1\r\n\r\n";
static uint8_t noise[512];

static void make_noise(void)
{
    uint32_t x = 88172645u;
    size_t i;
    for (i = 0; i < sizeof noise; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise[i] = (uint8_t)x;
    }
    noise[0] = 0xde; /* not a TLS content type */
}

/* A fresh server fed `bytes` instead of a ClientHello. */
static void server_fed(const void *bytes, size_t len, const char *what)
{
    ftls_server_config *sc = make_server_config(NULL);
    ftls_connection *server = NULL;
    mem_pipe in, out;
    ftls_result r = FTLS_OK;

    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    if (sc != NULL && ftls_server_connection_new(sc, &server) == FTLS_OK) {
        mem_pipe_put(&in, bytes, len);
        pump_receive(server, &in, &r);
        if (CHECK_CODE_CONN(what, server, r, FTLS_ERR_BAD_MESSAGE)) {
            CHECK_CONN_DETAIL(server, "corrupt message");
            check_stays_failed(server, FTLS_ERR_BAD_MESSAGE, &out);
        }
    }
    ftls_connection_free(server);
    ftls_server_config_free(sc);
    mem_pipe_free(&in);
    mem_pipe_free(&out);
}

static void case_garbage_to_server(void)
{
    server_fed(http_request, strlen(http_request), "server fed an HTTP request");
    server_fed(noise, sizeof noise, "server fed random bytes");
}

/* A client that sent its ClientHello and gets `bytes` back. */
static void client_fed(const void *bytes, size_t len, const char *what)
{
    tls_pair p;
    ftls_result r = FTLS_OK;
    if (pair_setup(&p, NULL, "localhost", NULL)) {
        CHECK_RESULT_CONN(p.client, pump_send(p.client, &p.to_server), FTLS_OK);
        mem_pipe_put(&p.to_client, bytes, len);
        pump_receive(p.client, &p.to_client, &r);
        if (CHECK_CODE_CONN(what, p.client, r, FTLS_ERR_BAD_MESSAGE)) {
            CHECK_CONN_DETAIL(p.client, "corrupt message");
            check_stays_failed(p.client, FTLS_ERR_BAD_MESSAGE, &p.to_server);
        }
    }
    pair_free(&p);
}

static void case_garbage_to_client(void)
{
    client_fed(http_request, strlen(http_request), "client fed an HTTP request");
    client_fed(noise, sizeof noise, "client fed random bytes");
}

static void case_garbage_mid_handshake_to_server(void)
{
    tls_pair p;
    ftls_result r = FTLS_OK;
    if (pair_setup(&p, NULL, "localhost", NULL)) {
        /* ClientHello in, ServerHello... out; then garbage instead of the client's Finished. */
        pump_send(p.client, &p.to_server);
        pump_receive(p.server, &p.to_server, &r);
        CHECK_CODE_CONN("server after the ClientHello", p.server, r, FTLS_OK);
        CHECK_CODE_CONN("server sends its flight", p.server, pump_send(p.server, &p.to_client),
                        FTLS_OK);
        mem_pipe_put(&p.to_server, noise, sizeof noise);
        pump_receive(p.server, &p.to_server, &r);
        if (CHECK_CODE_CONN("server fed random bytes mid-handshake", p.server, r,
                            FTLS_ERR_BAD_MESSAGE)) {
            CHECK_CONN_DETAIL(p.server, "corrupt message");
            check_stays_failed(p.server, FTLS_ERR_BAD_MESSAGE, &p.to_client);
        }
        /* The client hears why. */
        pump_receive(p.client, &p.to_client, &p.client_result);
        if (CHECK_CODE_CONN("the client hears the alert", p.client, p.client_result,
                            FTLS_ERR_ALERT_RECEIVED)) {
            CHECK_CONN_DETAIL(p.client, "decode_error");
        }
    }
    pair_free(&p);
}

static void case_eof_during_handshake(void)
{
    tls_pair p;
    ftls_result r = FTLS_OK;

    /* The client closes before saying anything. */
    if (pair_setup(&p, NULL, "localhost", NULL)) {
        p.to_server.eof = true;
        pump_receive(p.server, &p.to_server, &r);
        if (CHECK_CODE_CONN("server, client closed at once", p.server, r,
                            FTLS_ERR_UNEXPECTED_EOF)) {
            CHECK_CONN_DETAIL(p.server, "closed the connection during the handshake");
        }
    }
    pair_free(&p);

    /* The client closes after its ClientHello. */
    r = FTLS_OK;
    if (pair_setup(&p, NULL, "localhost", NULL)) {
        pump_send(p.client, &p.to_server);
        p.to_server.eof = true;
        pump_receive(p.server, &p.to_server, &r);
        if (CHECK_CODE_CONN("server, client closed after its ClientHello", p.server, r,
                            FTLS_ERR_UNEXPECTED_EOF)) {
            CHECK_CONN_DETAIL(p.server, "during the handshake");
            CHECK_RESULT_CONN(p.server, ftls_connection_process_new_packets(p.server),
                              FTLS_ERR_UNEXPECTED_EOF);
        }
    }
    pair_free(&p);

    /* The server closes instead of answering the ClientHello. */
    r = FTLS_OK;
    if (pair_setup(&p, NULL, "localhost", NULL)) {
        pump_send(p.client, &p.to_server);
        p.to_client.eof = true;
        pump_receive(p.client, &p.to_client, &r);
        if (CHECK_CODE_CONN("client, server closed instead of answering", p.client, r,
                            FTLS_ERR_UNEXPECTED_EOF)) {
            CHECK_CONN_DETAIL(p.client, "during the handshake");
        }
    }
    pair_free(&p);

    /* The server closes half-way through its flight. */
    r = FTLS_OK;
    if (pair_setup(&p, NULL, "localhost", NULL)) {
        pump_send(p.client, &p.to_server);
        pump_receive(p.server, &p.to_server, &r);
        pump_send(p.server, &p.to_client);
        p.to_client.len /= 2;
        p.to_client.eof = true;
        pump_receive(p.client, &p.to_client, &r);
        CHECK_CODE_CONN("client, server closed half-way through its first flight", p.client, r,
                        FTLS_ERR_UNEXPECTED_EOF);
    }
    pair_free(&p);
}

static void case_eof_after_handshake_without_close_notify(void)
{
    tls_pair p;
    uint8_t buf[64];
    size_t n = 0;
    if (pair_setup(&p, NULL, "localhost", NULL) && CHECK(pair_handshake(&p), "handshake")) {
        CHECK_RESULT_CONN(p.server, ftls_connection_write(p.server, (const uint8_t *)"last", 4, &n),
                          FTLS_OK);
        pump_send(p.server, &p.to_client);
        p.to_client.eof = true;
        pump_receive(p.client, &p.to_client, &p.client_result);
        CHECK_CODE_CONN("client after the data and the end of stream", p.client, p.client_result,
                        FTLS_OK);
        /* The data that did arrive is readable, then the truncation is reported. */
        if (CHECK_RESULT_CONN(p.client, ftls_connection_read(p.client, buf, sizeof buf, &n),
                              FTLS_OK)) {
            CHECK(n == 4 && memcmp(buf, "last", 4) == 0, "the client read \"last\" (%zu bytes)", n);
        }
        if (CHECK_RESULT_CONN(p.client, ftls_connection_read(p.client, buf, sizeof buf, &n),
                              FTLS_ERR_UNEXPECTED_EOF)) {
            CHECK_CONN_DETAIL(p.client, "without close_notify");
            CHECK(ftls_result_category(FTLS_ERR_UNEXPECTED_EOF) == FTLS_CATEGORY_IO,
                  "FTLS_ERR_UNEXPECTED_EOF is an I/O error");
        }
        CHECK_RESULT_CONN(p.client, ftls_connection_read(p.client, buf, sizeof buf, &n),
                          FTLS_ERR_UNEXPECTED_EOF);
    }
    pair_free(&p);
}

static void case_close_notify(void)
{
    tls_pair p;
    uint8_t buf[64];
    size_t n = 0, len = 99;
    if (pair_setup(&p, NULL, "localhost", NULL) && CHECK(pair_handshake(&p), "handshake")) {
        CHECK_RESULT_CONN(p.server, ftls_connection_write(p.server, (const uint8_t *)"bye", 3, &n),
                          FTLS_OK);
        CHECK_RESULT_CONN(p.server, ftls_connection_send_close_notify(p.server), FTLS_OK);
        pair_pump(&p);
        CHECK_CODE_CONN("client after the close_notify", p.client, p.client_result, FTLS_OK);
        if (CHECK_RESULT_CONN(p.client, ftls_connection_read(p.client, buf, sizeof buf, &n),
                              FTLS_OK)) {
            CHECK(n == 3 && memcmp(buf, "bye", 3) == 0, "the client read \"bye\" (%zu bytes)", n);
        }
        CHECK_RESULT_CONN(p.client, ftls_connection_read(p.client, buf, sizeof buf, &n),
                          FTLS_CLOSED);
        CHECK_RESULT_CONN(p.client, ftls_connection_read(p.client, buf, sizeof buf, &n),
                          FTLS_CLOSED);
        CHECK(ftls_result_category(FTLS_CLOSED) == FTLS_CATEGORY_CLOSED,
              "FTLS_CLOSED's category is CLOSED, not an error");
        CHECK(!ftls_connection_wants_read(p.client),
              "after the peer's close_notify the client wants no more TLS data");
        /* A clean close is not a failure: nothing was recorded. */
        if (CHECK_RESULT(ftls_connection_last_error(p.client, NULL, 0, &len), FTLS_OK)) {
            CHECK(len == 0, "the client has no failure detail after a clean close (\"%s\")",
                  CONN_DETAIL(p.client));
        }
        /* An end of stream after close_notify is still a clean close. */
        p.to_client.eof = true;
        pump_receive(p.client, &p.to_client, &p.client_result);
        CHECK_RESULT_CONN(p.client, ftls_connection_read(p.client, buf, sizeof buf, &n),
                          FTLS_CLOSED);
    }
    pair_free(&p);
}

static void case_transport_errno(void)
{
    tls_pair p;
    size_t n = 777;
    char errno_text[32];

    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        pair_free(&p);
        return;
    }
    /* The read callback fails with ECONNRESET. */
    p.to_client.read_errno = ECONNRESET;
    if (CHECK_RESULT_CONN(p.client, ftls_connection_read_tls(p.client, mem_pipe_read,
                                                             &p.to_client, &n),
                          FTLS_ERR_IO)) {
        CHECK(ftls_connection_last_os_error(p.client) == ECONNRESET,
              "ftls_connection_last_os_error() is ECONNRESET (%d), got %d", ECONNRESET,
              (int)ftls_connection_last_os_error(p.client));
        snprintf(errno_text, sizeof errno_text, "errno %d", ECONNRESET);
        CHECK_CONN_DETAIL(p.client, errno_text);
        CHECK_CONN_DETAIL(p.client, "reading from the transport");
    }
    CHECK(n == 777, "a failed read_tls left *out_n untouched");

    /* The write callback fails with EPIPE. */
    p.to_server.write_errno = EPIPE;
    if (CHECK_RESULT_CONN(p.client, ftls_connection_write_tls(p.client, mem_pipe_write,
                                                              &p.to_server, &n),
                          FTLS_ERR_IO)) {
        CHECK(ftls_connection_last_os_error(p.client) == EPIPE,
              "ftls_connection_last_os_error() is EPIPE (%d), got %d", EPIPE,
              (int)ftls_connection_last_os_error(p.client));
        CHECK_CONN_DETAIL(p.client, "writing to the transport");
    }
    CHECK(n == 777, "a failed write_tls left *out_n untouched");

    /* A later failure that is not an OS error resets it. */
    CHECK_RESULT_CONN(p.client, ftls_connection_alpn_protocol(p.client, NULL),
                      FTLS_ERR_NULL_ARGUMENT);
    CHECK(ftls_connection_last_os_error(p.client) == 0,
          "after a non-OS failure, last_os_error is 0 again (got %d)",
          (int)ftls_connection_last_os_error(p.client));
    pair_free(&p);
}

static void case_transport_would_block(void)
{
    tls_pair p;
    size_t n = 777, len = 99;

    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        pair_free(&p);
        return;
    }
    /* Nothing to read yet: the memory pipe says EAGAIN. */
    CHECK_RESULT_CONN(p.client, ftls_connection_read_tls(p.client, mem_pipe_read, &p.to_client, &n),
                      FTLS_WANT_READ);
    p.to_client.read_errno = EWOULDBLOCK;
    CHECK_RESULT_CONN(p.client, ftls_connection_read_tls(p.client, mem_pipe_read, &p.to_client, &n),
                      FTLS_WANT_READ);
    p.to_client.read_errno = 0;
    p.to_server.write_errno = EAGAIN;
    CHECK_RESULT_CONN(p.client, ftls_connection_write_tls(p.client, mem_pipe_write, &p.to_server,
                                                          &n),
                      FTLS_WANT_WRITE);
    p.to_server.write_errno = EWOULDBLOCK;
    CHECK_RESULT_CONN(p.client, ftls_connection_write_tls(p.client, mem_pipe_write, &p.to_server,
                                                          &n),
                      FTLS_WANT_WRITE);
    p.to_server.write_errno = 0;
    CHECK(n == 777, "would-block results left *out_n untouched");
    CHECK(ftls_connection_last_os_error(p.client) == 0, "would-block is not an OS error (%d)",
          (int)ftls_connection_last_os_error(p.client));
    if (CHECK_RESULT(ftls_connection_last_error(p.client, NULL, 0, &len), FTLS_OK)) {
        CHECK(len == 0, "would-block recorded no failure detail (\"%s\")", CONN_DETAIL(p.client));
    }
    /* Nothing was lost: the handshake still completes, a few bytes per write call. */
    p.to_server.max_write = 7;
    p.to_client.max_write = 7;
    CHECK(pair_handshake(&p), "after the would-blocks, the handshake completes 7 bytes at a time "
          "(client %s, server %s)", ftls_result_name(p.client_result),
          ftls_result_name(p.server_result));
    pair_free(&p);
}

static void case_callback_claims_too_many_bytes(void)
{
    tls_pair p;
    size_t n = 777;

    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        pair_free(&p);
        return;
    }
    p.to_server.overclaim_write = true;
    if (CHECK_RESULT_CONN(p.client, ftls_connection_write_tls(p.client, mem_pipe_write,
                                                              &p.to_server, &n),
                          FTLS_ERR_IO)) {
        CHECK_CONN_DETAIL(p.client, "the callback reported");
        CHECK(ftls_connection_last_os_error(p.client) == 0,
              "a lying callback is not an OS error (%d)",
              (int)ftls_connection_last_os_error(p.client));
    }
    p.to_server.overclaim_write = false;
    pump_send(p.client, &p.to_server);
    pump_receive(p.server, &p.to_server, &p.server_result);
    pump_send(p.server, &p.to_client);

    p.to_client.overclaim = true;
    if (CHECK_RESULT_CONN(p.client, ftls_connection_read_tls(p.client, mem_pipe_read,
                                                             &p.to_client, &n),
                          FTLS_ERR_IO)) {
        CHECK_CONN_DETAIL(p.client, "the callback reported");
        CHECK(ftls_connection_last_os_error(p.client) == 0,
              "a lying callback is not an OS error (%d)",
              (int)ftls_connection_last_os_error(p.client));
    }
    CHECK(n == 777, "the failed calls left *out_n untouched");
    pair_free(&p);
}

static void tampered_record(uint32_t versions, const char *label)
{
    tls_pair p;
    client_opts co = {0};
    size_t n = 0;
    co.versions = versions;
    if (pair_setup(&p, &co, "localhost", NULL) && CHECK(pair_handshake(&p), "%s handshake", label)) {
        static const char secret[] = "this record will be tampered with";
        CHECK_RESULT_CONN(p.client, ftls_connection_write(p.client, (const uint8_t *)secret,
                                                          sizeof secret, &n),
                          FTLS_OK);
        pump_send(p.client, &p.to_server);
        if (CHECK(p.to_server.len > 5 + sizeof secret, "%s: the record is in the pipe (%zu bytes)",
                  label, p.to_server.len)) {
            p.to_server.data[p.to_server.len - 3] ^= 0x01;
        }
        pump_receive(p.server, &p.to_server, &p.server_result);
        if (CHECK_CODE_CONN(label, p.server, p.server_result, FTLS_ERR_DECRYPT)) {
            CHECK_CONN_DETAIL(p.server, "decrypt");
            check_stays_failed(p.server, FTLS_ERR_DECRYPT, &p.to_client);
        }
        pump_receive(p.client, &p.to_client, &p.client_result);
        if (CHECK_CODE_CONN("the client hears the alert", p.client, p.client_result,
                            FTLS_ERR_ALERT_RECEIVED)) {
            CHECK_CONN_DETAIL(p.client, "bad_record_mac");
        }
    }
    pair_free(&p);
}

static void case_tampered_record(void)
{
    tampered_record(FTLS_PROTOCOL_TLS13, "TLS 1.3");
    tampered_record(FTLS_PROTOCOL_TLS12, "TLS 1.2");
}

static void case_connection_last_error_truncation(void)
{
    tls_pair p;
    char small[10];
    size_t len = 0;
    if (pair_setup(&p, NULL, "www.example.com", NULL)) {
        pair_pump(&p);
        memset(small, 'Z', sizeof small);
        if (CHECK_RESULT(ftls_connection_last_error(p.client, small, 6, &len), FTLS_OK)) {
            const char *full = CONN_DETAIL(p.client);
            CHECK(len == strlen(full) && len > 6 && memcmp(small, full, 5) == 0 &&
                      small[5] == 0 && small[6] == 'Z',
                  "a 6-byte buffer gets \"%s\" + NUL and out_len %zu (full: \"%s\")", small, len,
                  full);
        }
    }
    pair_free(&p);
}

static const test_case cases[] = {
    {"unknown_issuer", case_unknown_issuer},
    {"expired", case_expired},
    {"not_yet_valid", case_not_yet_valid},
    {"name_mismatch", case_name_mismatch},
    {"ip_address_names", case_ip_address_names},
    {"client_certificate_required_but_absent", case_client_certificate_required_but_absent},
    {"client_certificate_optional", case_client_certificate_optional},
    {"client_certificate_untrusted", case_client_certificate_untrusted},
    {"no_common_version", case_no_common_version},
    {"no_common_alpn", case_no_common_alpn},
    {"garbage_to_server", case_garbage_to_server},
    {"garbage_to_client", case_garbage_to_client},
    {"garbage_mid_handshake_to_server", case_garbage_mid_handshake_to_server},
    {"eof_during_handshake", case_eof_during_handshake},
    {"eof_after_handshake_without_close_notify", case_eof_after_handshake_without_close_notify},
    {"close_notify", case_close_notify},
    {"transport_errno", case_transport_errno},
    {"transport_would_block", case_transport_would_block},
    {"callback_claims_too_many_bytes", case_callback_claims_too_many_bytes},
    {"tampered_record", case_tampered_record},
    {"connection_last_error_truncation", case_connection_last_error_truncation},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CERT_DIR [CASE]\n", argv[0]);
        return 2;
    }
    cert_dir = argv[1];
    make_noise();
    return RUN_CASES(cases, argc > 2 ? argv[2] : NULL);
}
