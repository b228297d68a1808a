/*
 * handshake_ok: the successful paths, in memory (pump.h): TLS 1.3 and 1.2 with ECDSA and RSA
 * certificates, what each side reports about the negotiation, data both ways (a large write
 * included, by the documented short-write rule), ALPN, SNI, the peer's certificates, queries
 * before the handshake, close_notify, configs freed early and shared by several connections.
 *
 * Usage: handshake_ok CERT_DIR [CASE]
 */
#include "check.h"
#include "pump.h"

typedef struct {
    uint32_t versions;
    const char *cert, *key;
    uint16_t version;
    const char *version_name;
    uint16_t suite_id;
    const char *suite_name;
    const char *group;
} expected_handshake;

/* TLS 1.3's group is the provider's first choice: X25519MLKEM768 with aws-lc-rs; ring has no
 * ML-KEM and starts with X25519. Set by main() from ftls_version(), whose provider name
 * tests/c_api.rs checks against the build. */
static const char *tls13_group = "X25519MLKEM768";

static expected_handshake handshakes[] = {
    {FTLS_PROTOCOL_TLS13, "server.pem", "server.key", 0x0304, "TLSv1.3", 0x1302,
     "TLS_AES_256_GCM_SHA384", NULL},
    {FTLS_PROTOCOL_TLS13, "server-rsa.pem", "server-rsa.key", 0x0304, "TLSv1.3", 0x1302,
     "TLS_AES_256_GCM_SHA384", NULL},
    {FTLS_PROTOCOL_TLS12, "server.pem", "server.key", 0x0303, "TLSv1.2", 0xc02c,
     "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "X25519"},
    {FTLS_PROTOCOL_TLS12, "server-rsa.pem", "server-rsa.key", 0x0303, "TLSv1.2", 0xc030,
     "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "X25519"},
};

/* What `conn` (a side of a finished handshake) reports about the negotiation. */
static void check_negotiated(ftls_connection *conn, const char *side, const expected_handshake *e)
{
    uint16_t version = 0, id = 0;
    ftls_str name = {NULL, 0}, suite = {NULL, 0}, group = {NULL, 0};

    if (CHECK_RESULT_CONN(conn, ftls_connection_protocol_version(conn, &version, &name),
                          FTLS_OK)) {
        CHECK(version == e->version, "%s: protocol version 0x%04x (got 0x%04x)", side,
              e->version, version);
        CHECK_STR(side, name, e->version_name);
    }
    version = 0;
    name.len = 0;
    if (CHECK_RESULT_CONN(conn, ftls_connection_protocol_version(conn, NULL, &name), FTLS_OK)) {
        CHECK_STR("the name alone (out_id NULL)", name, e->version_name);
    }
    if (CHECK_RESULT_CONN(conn, ftls_connection_protocol_version(conn, &version, NULL), FTLS_OK)) {
        CHECK(version == e->version, "%s: the number alone (out_name NULL): 0x%04x", side,
              version);
    }
    if (CHECK_RESULT_CONN(conn, ftls_connection_cipher_suite(conn, &id, &suite), FTLS_OK)) {
        CHECK(id == e->suite_id, "%s: cipher suite 0x%04x (got 0x%04x)", side, e->suite_id, id);
        CHECK_STR(side, suite, e->suite_name);
    }
    if (CHECK_RESULT_CONN(conn, ftls_connection_key_exchange_group(conn, &group), FTLS_OK)) {
        CHECK_STR(side, group, e->group);
    }
    CHECK(!ftls_connection_is_handshaking(conn), "%s: no longer handshaking", side);
    CHECK(!ftls_connection_is_resumed(conn), "%s: a full handshake, not resumed", side);
}

/* The peer's certificate chain is exactly the leaf in the PEM file `name`; index 1 is out of
 * range. Each call makes a certificate object of its own, freed here. */
static void check_peer_certificate(ftls_connection *conn, const char *side, const char *name)
{
    static char sentinel;
    size_t count, der_len = 0;
    ftls_bytes der = {NULL, 0};
    ftls_certificate *cert = NULL;
    ftls_certificate *untouched = (ftls_certificate *)(void *)&sentinel;
    uint8_t *expected = pem_file_first_cert_der(cert_path(name), &der_len);

    count = ftls_connection_peer_certificate_count(conn);
    CHECK(count == 1, "%s: the peer presented 1 certificate (got %zu)", side, count);
    if (CHECK_RESULT_CONN(conn, ftls_connection_peer_certificate(conn, 0, &cert), FTLS_OK) &&
        CHECK(cert != NULL, "%s: certificate 0 is an object", side) &&
        CHECK_RESULT(ftls_certificate_der(cert, &der), FTLS_OK) && expected != NULL) {
        CHECK(der.len > 4 && der.data[0] == 0x30 && der.data[1] == 0x82 &&
                  (size_t)((der.data[2] << 8) | der.data[3]) + 4 == der.len,
              "%s: certificate 0 is one DER SEQUENCE (%zu bytes)", side, der.len);
        CHECK(der.len == der_len && memcmp(der.data, expected, der_len) == 0,
              "%s: certificate 0 is the DER of %s (%zu bytes; the file's: %zu)", side, name,
              der.len, der_len);
    }
    ftls_certificate_free(cert);
    if (CHECK_RESULT_CONN(conn, ftls_connection_peer_certificate(conn, 1, &untouched),
                          FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_CONN_DETAIL(conn, "certificate index 1 is out of range");
        CHECK(untouched == (ftls_certificate *)(void *)&sentinel,
              "%s: the out-of-range call left *out_cert untouched", side);
    }
    CHECK_RESULT_CONN(conn, ftls_connection_peer_certificate(conn, (size_t)-1, &untouched),
                      FTLS_ERR_INVALID_ARGUMENT);
    free(expected);
}

/* `from` writes `text`; after pumping, `to` reads exactly that. */
static void check_message(tls_pair *p, ftls_connection *from, ftls_connection *to,
                          const char *text)
{
    uint8_t buf[256];
    size_t n = 0, len = strlen(text);
    if (CHECK_RESULT_CONN(from, ftls_connection_write(from, (const uint8_t *)text, len, &n),
                          FTLS_OK)) {
        CHECK(n == len, "write accepted all %zu bytes (got %zu)", len, n);
    }
    pair_pump(p);
    if (CHECK_RESULT_CONN(to, ftls_connection_read(to, buf, sizeof buf, &n), FTLS_OK)) {
        CHECK(n == len && memcmp(buf, text, len) == 0, "the peer read \"%s\" (%zu bytes)", text, n);
    }
    CHECK_RESULT_CONN(to, ftls_connection_read(to, buf, sizeof buf, &n), FTLS_WANT_READ);
}

static unsigned handshake_callback_calls;

static void count_handshake_events(void *userdata, const ftls_handshake_event *event)
{
    (void)userdata;
    (void)event;
    handshake_callback_calls++;
}

/* Things that only make sense once the handshake is over. */
static void check_after_the_handshake(tls_pair *p)
{
    size_t n = 99;
    mem_pipe sink;
    memset(&sink, 0, sizeof sink);
    /* Nothing is pending: write_tls writes nothing. */
    if (CHECK_RESULT_CONN(p->client, ftls_connection_write_tls(p->client, mem_pipe_write, &sink,
                                                               &n),
                          FTLS_OK)) {
        CHECK(n == 0 && sink.len == 0, "write_tls with nothing pending wrote 0 bytes (%zu)", n);
    }
    /* Too late for a handshake callback: TLS bytes have moved, it would miss the start. */
    handshake_callback_calls = 0;
    if (CHECK_RESULT_CONN(p->client,
                          ftls_connection_set_handshake_callback(p->client, count_handshake_events,
                                                                 NULL),
                          FTLS_ERR_INVALID_STATE)) {
        CHECK_CONN_DETAIL(p->client, "set the handshake callback before");
        CHECK(handshake_callback_calls == 0, "the refused callback was never called");
    }
    mem_pipe_free(&sink);
}

static void case_handshakes(void)
{
    size_t i;
    for (i = 0; i < sizeof handshakes / sizeof handshakes[0]; i++) {
        const expected_handshake *e = &handshakes[i];
        client_opts co = {0};
        server_opts so = {0};
        tls_pair p;
        ftls_str name = {NULL, 0}, suite = {NULL, 0}, group = {NULL, 0};
        co.versions = e->versions;
        so.cert = e->cert;
        so.key = e->key;
        printf("---- %s with %s\n", e->version_name, e->cert);
        if (pair_setup(&p, &co, "localhost", &so) &&
            CHECK(pair_handshake(&p), "%s handshake with %s (client %s: %s; server %s: %s)",
                  e->version_name, e->cert, ftls_result_name(p.client_result),
                  CONN_DETAIL(p.client), ftls_result_name(p.server_result),
                  CONN_DETAIL(p.server))) {
            check_negotiated(p.client, "client", e);
            check_negotiated(p.server, "server", e);
            check_peer_certificate(p.client, "client", e->cert);
            check_message(&p, p.client, p.server, "ping from the client");
            check_message(&p, p.server, p.client, "pong from the server");
            check_after_the_handshake(&p);
            /* The names are documented as static: they outlive the connection. */
            ftls_connection_protocol_version(p.client, NULL, &name);
            ftls_connection_cipher_suite(p.client, NULL, &suite);
            ftls_connection_key_exchange_group(p.client, &group);
        }
        pair_free(&p);
        if (name.data != NULL && suite.data != NULL && group.data != NULL) {
            CHECK(str_equals(name, e->version_name) && str_equals(suite, e->suite_name) &&
                      str_equals(group, e->group),
                  "the version, suite and group names are still readable after the connection "
                  "was freed");
        }
    }
}

static void case_client_certificates(void)
{
    static const char *const certs[][2] = {{"client.pem", "client.key"},
                                           {"client-rsa.pem", "client-rsa.key"}};
    size_t i;
    for (i = 0; i < 2; i++) {
        client_opts co = {0};
        server_opts so = {0};
        tls_pair p;
        co.cert = certs[i][0];
        co.key = certs[i][1];
        so.client_auth = FTLS_CLIENT_AUTH_REQUIRED;
        so.client_ca = "ca.pem";
        if (pair_setup(&p, &co, "localhost", &so) &&
            CHECK(pair_handshake(&p), "required client auth with %s (client %s, server %s)",
                  certs[i][0], ftls_result_name(p.client_result),
                  ftls_result_name(p.server_result))) {
            check_peer_certificate(p.server, "server", certs[i][0]);
        }
        pair_free(&p);
    }
}

/* Reads all plaintext `conn` has buffered into received[*got...]. */
static bool drain_plaintext(ftls_connection *conn, uint8_t *received, size_t cap, size_t *got)
{
    for (;;) {
        size_t n = 0;
        ftls_result r;
        if (*got == cap) {
            return true;
        }
        r = ftls_connection_read(conn, received + *got, cap - *got, &n);
        if (r == FTLS_WANT_READ) {
            return true;
        }
        if (r != FTLS_OK) {
            return CHECK_CODE_CONN("reading the large transfer", conn, r, FTLS_OK);
        }
        if (n == 0 || n > cap - *got) {
            return CHECK(false, "read returned FTLS_OK with %zu bytes for a %zu-byte buffer", n,
                         cap - *got);
        }
        *got += n;
    }
}

/* Sends `len` bytes from `from` to `to` by the documented rule for connections without an fd
 * (a short write means: send what is pending with write_tls, then write the rest), reading on
 * the other side as records arrive. */
static void large_transfer(ftls_connection *from, mem_pipe *wire, ftls_connection *to,
                           const char *label, size_t len)
{
    uint8_t *data = (uint8_t *)malloc(len);
    uint8_t *received = (uint8_t *)malloc(len);
    size_t sent = 0, got = 0, i, short_writes = 0, first_accepted = 0, rounds = 0;
    bool ok = data != NULL && received != NULL;

    for (i = 0; ok && i < len; i++) {
        data[i] = (uint8_t)(i * 7 + i / 251);
    }
    while (ok && got < len && rounds++ < 100000) {
        if (sent < len) {
            size_t n = 0;
            ftls_result r = ftls_connection_write(from, data + sent, len - sent, &n);
            if (r == FTLS_OK) {
                if (first_accepted == 0) {
                    first_accepted = n;
                }
                if (n < len - sent) {
                    short_writes++;
                }
                sent += n;
            } else if (r != FTLS_WANT_WRITE) {
                ok = CHECK_CODE_CONN("writing the large transfer", from, r, FTLS_OK);
            }
        }
        if (ok && pump_send(from, wire) != FTLS_OK) {
            ok = CHECK(false, "%s: write_tls failed", label);
        }
        while (ok && wire->len > 0) {
            size_t n = 0;
            ftls_result r = ftls_connection_read_tls(to, mem_pipe_read, wire, &n);
            if (r == FTLS_ERR_INVALID_STATE) {
                /* Its plaintext buffer is full: read first (the documented rule). */
                ok = drain_plaintext(to, received, len, &got);
                continue;
            }
            if (r == FTLS_OK) {
                r = ftls_connection_process_new_packets(to);
            }
            ok = ok && (r == FTLS_OK || CHECK_CODE_CONN("receiving the large transfer", to, r,
                                                        FTLS_OK));
            ok = ok && drain_plaintext(to, received, len, &got);
        }
    }
    if (ok) {
        CHECK(got == len && memcmp(data, received, len) == 0,
              "%s: all %zu bytes arrived intact (%zu received)", label, len, got);
        CHECK(short_writes > 0 && first_accepted > 0 && first_accepted <= 65536,
              "%s: the first write accepted %zu bytes (at most 64 KiB), %zu writes were short",
              label, first_accepted, short_writes);
    }
    free(data);
    free(received);
}

static void case_large_writes(void)
{
    tls_pair p;
    if (pair_setup(&p, NULL, "localhost", NULL) && CHECK(pair_handshake(&p), "handshake")) {
        large_transfer(p.client, &p.to_server, p.server, "client -> server, 300 KiB",
                       300 * 1024);
        large_transfer(p.server, &p.to_client, p.client, "server -> client, 1 MiB + 1",
                       1024 * 1024 + 1);
    }
    pair_free(&p);
}

static void case_read_tls_refuses_while_plaintext_waits(void)
{
    tls_pair p;
    static uint8_t chunk[16384];
    size_t n = 0, pending = 0, total = 0, i;
    ftls_result r = FTLS_OK;

    if (!pair_setup(&p, NULL, "localhost", NULL) || !CHECK(pair_handshake(&p), "handshake")) {
        pair_free(&p);
        return;
    }
    /* 48 KiB of records for the client, which does not read its plaintext. */
    for (i = 0; i < 3; i++) {
        CHECK_RESULT_CONN(p.server, ftls_connection_write(p.server, chunk, sizeof chunk, &n),
                          FTLS_OK);
        pump_send(p.server, &p.to_client);
    }
    for (i = 0; i < 100 && r == FTLS_OK && p.to_client.len > 0; i++) {
        r = ftls_connection_read_tls(p.client, mem_pipe_read, &p.to_client, &n);
        if (r == FTLS_OK) {
            r = ftls_connection_process_new_packets(p.client);
        }
    }
    if (CHECK_CODE_CONN("read_tls while 16 KiB+ of plaintext waits", p.client, r,
                        FTLS_ERR_INVALID_STATE)) {
        CHECK_CONN_DETAIL(p.client, "read the pending plaintext first");
        CHECK(!ftls_connection_wants_read(p.client),
              "wants_read is false while decrypted data waits");
    }
    pending = ftls_connection_pending(p.client);
    CHECK(pending >= sizeof chunk, "pending reports the decrypted bytes (%zu)", pending);
    /* Reading the plaintext lets the rest in. */
    for (i = 0; i < 1000 && total < 3 * sizeof chunk; i++) {
        r = ftls_connection_read(p.client, chunk, sizeof chunk, &n);
        if (r == FTLS_OK) {
            total += n;
        } else if (r == FTLS_WANT_READ) {
            pump_receive(p.client, &p.to_client, &p.client_result);
        } else {
            break;
        }
    }
    CHECK(total == 3 * sizeof chunk, "all %zu bytes were read in the end (got %zu, last %s)",
          3 * sizeof chunk, total, ftls_result_name(r));
    pending = ftls_connection_pending(p.client);
    CHECK(pending == 0, "nothing is pending afterwards (%zu)", pending);
    pair_free(&p);
}

static void case_data_written_during_the_handshake(void)
{
    tls_pair p;
    uint8_t buf[64];
    size_t n = 0;
    if (pair_setup(&p, NULL, "localhost", NULL)) {
        CHECK(ftls_connection_is_handshaking(p.client), "the new client is handshaking");
        if (CHECK_RESULT_CONN(p.client, ftls_connection_write(p.client, (const uint8_t *)"early",
                                                              5, &n),
                              FTLS_OK)) {
            CHECK(n == 5, "write during the handshake accepted 5 bytes (got %zu)", n);
        }
        if (CHECK(pair_handshake(&p), "handshake") &&
            CHECK_RESULT_CONN(p.server, ftls_connection_read(p.server, buf, sizeof buf, &n),
                              FTLS_OK)) {
            CHECK(n == 5 && memcmp(buf, "early", 5) == 0,
                  "the server read \"early\" once the handshake completed (%zu bytes)", n);
        }
    }
    pair_free(&p);
}

static void alpn_case(const char *const *client, size_t client_count, const char *const *server,
                      size_t server_count, const char *want)
{
    client_opts co = {0};
    server_opts so = {0};
    tls_pair p;
    ftls_bytes c = {(const uint8_t *)"?", 1}, s = {(const uint8_t *)"?", 1};
    co.alpn = client;
    co.alpn_count = client_count;
    so.alpn = server;
    so.alpn_count = server_count;
    if (pair_setup(&p, &co, "localhost", &so) && CHECK(pair_handshake(&p), "handshake") &&
        CHECK_RESULT_CONN(p.client, ftls_connection_alpn_protocol(p.client, &c), FTLS_OK) &&
        CHECK_RESULT_CONN(p.server, ftls_connection_alpn_protocol(p.server, &s), FTLS_OK)) {
        CHECK_BYTES_TEXT("the client's ALPN protocol", c, want);
        CHECK_BYTES_TEXT("the server's ALPN protocol", s, want);
    }
    pair_free(&p);
}

static void case_alpn(void)
{
    static const char *const h2_http11[] = {"h2", "http/1.1"};
    static const char *const http11_h2[] = {"http/1.1", "h2"};
    static const char *const h2[] = {"h2"};
    /* The server's preference wins. */
    alpn_case(h2_http11, 2, http11_h2, 2, "http/1.1");
    alpn_case(h2, 1, http11_h2, 2, "h2");
    /* Nobody, or only one side, asks: none. */
    alpn_case(NULL, 0, NULL, 0, "");
    alpn_case(NULL, 0, h2_http11, 2, "");
    alpn_case(h2, 1, NULL, 0, "");
}

static void sni_case(const client_opts *co, const char *server_name, const char *want)
{
    tls_pair p;
    ftls_str sni = {"?", 1};
    if (pair_setup(&p, co, server_name, NULL)) {
        if (CHECK_RESULT_CONN(p.server, ftls_connection_sni_server_name(p.server, &sni),
                              FTLS_OK)) {
            CHECK_STR("SNI before the ClientHello arrived", sni, "");
        }
        if (CHECK(pair_handshake(&p), "handshake with \"%s\"", server_name) &&
            CHECK_RESULT_CONN(p.server, ftls_connection_sni_server_name(p.server, &sni),
                              FTLS_OK)) {
            CHECK_STR("the server's SNI", sni, want);
        }
        sni.len = 777;
        if (CHECK_RESULT_CONN(p.client, ftls_connection_sni_server_name(p.client, &sni),
                              FTLS_ERR_INVALID_STATE)) {
            CHECK_CONN_DETAIL(p.client, "only on server connections");
            CHECK(sni.len == 777, "the failed call left *out_name untouched");
        }
    }
    pair_free(&p);
}

static void case_sni(void)
{
    client_opts no_sni = {0};
    no_sni.no_sni = true;
    sni_case(NULL, "localhost", "localhost");
    sni_case(NULL, "127.0.0.1", "");
    sni_case(NULL, "::1", "");
    sni_case(&no_sni, "localhost", "");
}

static void case_queries_before_the_handshake(void)
{
    tls_pair p;
    uint16_t version = 0x5e5e, id = 0x5e5e;
    ftls_str s = {"sentinel", 8};
    ftls_bytes alpn = {(const uint8_t *)"?", 1};
    ftls_certificate *cert = NULL;
    size_t count, pending;
    ftls_connection *conns[2];
    const char *names[2] = {"client", "server"};
    size_t i;

    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        pair_free(&p);
        return;
    }
    conns[0] = p.client;
    conns[1] = p.server;
    for (i = 0; i < 2; i++) {
        ftls_connection *c = conns[i];
        printf("---- %s\n", names[i]);
        if (CHECK_RESULT_CONN(c, ftls_connection_protocol_version(c, &version, &s),
                              FTLS_ERR_INVALID_STATE)) {
            CHECK_CONN_DETAIL(c, "not been negotiated yet");
        }
        CHECK_RESULT_CONN(c, ftls_connection_protocol_version(c, NULL, NULL),
                          FTLS_ERR_INVALID_STATE);
        CHECK_RESULT_CONN(c, ftls_connection_cipher_suite(c, &id, &s), FTLS_ERR_INVALID_STATE);
        CHECK_RESULT_CONN(c, ftls_connection_cipher_suite(c, NULL, NULL), FTLS_ERR_INVALID_STATE);
        if (CHECK_RESULT_CONN(c, ftls_connection_key_exchange_group(c, &s),
                              FTLS_ERR_INVALID_STATE)) {
            CHECK_CONN_DETAIL(c, "key-exchange group");
        }
        CHECK(version == 0x5e5e && id == 0x5e5e && s.len == 8,
              "%s: the refused queries left their out-parameters untouched", names[i]);
        if (CHECK_RESULT_CONN(c, ftls_connection_alpn_protocol(c, &alpn), FTLS_OK)) {
            CHECK(alpn.len == 0, "%s: no ALPN protocol yet (len %zu)", names[i], alpn.len);
        }
        count = ftls_connection_peer_certificate_count(c);
        CHECK(count == 0, "%s: no peer certificate yet (%zu)", names[i], count);
        if (CHECK_RESULT_CONN(c, ftls_connection_peer_certificate(c, 0, &cert),
                              FTLS_ERR_INVALID_ARGUMENT)) {
            CHECK(cert == NULL, "%s: no certificate object was made", names[i]);
        }
        pending = ftls_connection_pending(c);
        CHECK(pending == 0, "%s: nothing pending (%zu)", names[i], pending);
        CHECK(ftls_connection_tls13_tickets_received(c) == 0, "%s: no tickets received yet",
              names[i]);
        CHECK(!ftls_connection_is_early_data_accepted(c), "%s: no early data accepted",
              names[i]);
        CHECK(ftls_connection_is_handshaking(c), "%s: handshaking", names[i]);
        CHECK(!ftls_connection_is_resumed(c), "%s: not resumed", names[i]);
    }
    CHECK(ftls_connection_wants_write(p.client), "the client wants to send its ClientHello");
    CHECK(!ftls_connection_wants_read(p.client) || ftls_connection_wants_write(p.client),
          "the client has its ClientHello to send first");
    CHECK(ftls_connection_wants_read(p.server) && !ftls_connection_wants_write(p.server),
          "the server waits to read, with nothing to write");
    pair_free(&p);
}

static void case_close_notify_and_half_close(void)
{
    tls_pair p;
    uint8_t buf[64];
    size_t n = 99;
    if (!pair_setup(&p, NULL, "localhost", NULL) || !CHECK(pair_handshake(&p), "handshake")) {
        pair_free(&p);
        return;
    }
    CHECK_RESULT_CONN(p.client, ftls_connection_send_close_notify(p.client), FTLS_OK);
    if (CHECK_RESULT_CONN(p.client, ftls_connection_write(p.client, (const uint8_t *)"x", 1, &n),
                          FTLS_ERR_INVALID_STATE)) {
        CHECK_CONN_DETAIL(p.client, "close_notify was already sent");
        CHECK(n == 99, "the refused write left *out_n untouched");
    }
    /* Sending it twice is harmless. */
    CHECK_RESULT_CONN(p.client, ftls_connection_send_close_notify(p.client), FTLS_OK);
    pair_pump(&p);
    CHECK_RESULT_CONN(p.server, ftls_connection_read(p.server, buf, sizeof buf, &n), FTLS_CLOSED);
    /* The other direction still works: the server answers, the client reads it. */
    check_message(&p, p.server, p.client, "a last word from the server");
    CHECK_RESULT_CONN(p.server, ftls_connection_send_close_notify(p.server), FTLS_OK);
    pair_pump(&p);
    CHECK_RESULT_CONN(p.client, ftls_connection_read(p.client, buf, sizeof buf, &n), FTLS_CLOSED);
    CHECK_CODE("client, no failure", p.client_result, FTLS_OK);
    CHECK_CODE("server, no failure", p.server_result, FTLS_OK);
    pair_free(&p);
}

static void case_configs_freed_right_after_creating_connections(void)
{
    ftls_client_config *cc = make_client_config(NULL);
    ftls_server_config *sc = make_server_config(NULL);
    tls_pair p;
    memset(&p, 0, sizeof p);
    if (cc == NULL || sc == NULL || !pair_new(&p, cc, "localhost", sc)) {
        ftls_client_config_free(cc);
        ftls_server_config_free(sc);
        pair_free(&p);
        return;
    }
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    if (CHECK(pair_handshake(&p), "the handshake works after both configs were freed")) {
        check_message(&p, p.client, p.server, "still here");
        check_message(&p, p.server, p.client, "me too");
    }
    pair_free(&p);
}

static void shared_configs(uint32_t versions, const char *label)
{
    client_opts co = {0};
    ftls_client_config *cc;
    ftls_server_config *sc;
    tls_pair first, p[3];
    size_t i;
    int round;

    co.versions = versions;
    cc = make_client_config(&co);
    sc = make_server_config(NULL);
    memset(&first, 0, sizeof first);
    memset(p, 0, sizeof p);
    if (cc == NULL || sc == NULL) {
        goto out;
    }
    /* One full handshake first, so there is a session to resume. */
    if (pair_new(&first, cc, "localhost", sc)) {
        CHECK(pair_handshake(&first), "%s: first connection", label);
        CHECK(!ftls_connection_is_resumed(first.client), "%s: the first is a full handshake",
              label);
        check_message(&first, first.server, first.client, "session tickets delivered");
    }
    /* Three more from the same configs, their handshakes interleaved. */
    for (i = 0; i < 3; i++) {
        if (!pair_new(&p[i], cc, "localhost", sc)) {
            goto out;
        }
    }
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    cc = NULL;
    sc = NULL;
    for (round = 0; round < 20; round++) {
        for (i = 0; i < 3; i++) {
            pump_send(p[i].client, &p[i].to_server);
            pump_receive(p[i].server, &p[i].to_server, &p[i].server_result);
        }
        for (i = 0; i < 3; i++) {
            pump_send(p[i].server, &p[i].to_client);
            pump_receive(p[i].client, &p[i].to_client, &p[i].client_result);
        }
    }
    for (i = 0; i < 3; i++) {
        ftls_str group = {NULL, 0};
        if (!CHECK(pair_handshake(&p[i]), "%s: shared-config connection %zu (client %s, server "
                   "%s)", label, i + 1, ftls_result_name(p[i].client_result),
                   ftls_result_name(p[i].server_result))) {
            continue;
        }
        CHECK(ftls_connection_is_resumed(p[i].client) == ftls_connection_is_resumed(p[i].server),
              "%s: connection %zu: both sides agree whether it was resumed", label, i + 1);
        /* TLS 1.3 tickets are single-use and the server sends two per connection: the first
         * connections resume; TLS 1.2 sessions can be resumed again and again. */
        if (i == 0 || versions == FTLS_PROTOCOL_TLS12) {
            CHECK(ftls_connection_is_resumed(p[i].client),
                  "%s: connection %zu resumed the first one's session", label, i + 1);
        }
        if (versions == FTLS_PROTOCOL_TLS12) {
            /* A resumed TLS 1.2 session does no key exchange. */
            CHECK_RESULT_CONN(p[i].client, ftls_connection_key_exchange_group(p[i].client, &group),
                              FTLS_ERR_INVALID_STATE);
        } else {
            CHECK_RESULT_CONN(p[i].client, ftls_connection_key_exchange_group(p[i].client, &group),
                              FTLS_OK);
        }
        check_message(&p[i], p[i].client, p[i].server, "hello over a shared config");
    }
out:
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    pair_free(&first);
    for (i = 0; i < 3; i++) {
        pair_free(&p[i]);
    }
}

static void case_shared_configs(void)
{
    shared_configs(FTLS_PROTOCOL_TLS13, "TLS 1.3");
    shared_configs(FTLS_PROTOCOL_TLS12, "TLS 1.2");
}

static const test_case cases[] = {
    {"handshakes", case_handshakes},
    {"client_certificates", case_client_certificates},
    {"large_writes", case_large_writes},
    {"read_tls_refuses_while_plaintext_waits", case_read_tls_refuses_while_plaintext_waits},
    {"data_written_during_the_handshake", case_data_written_during_the_handshake},
    {"alpn", case_alpn},
    {"sni", case_sni},
    {"queries_before_the_handshake", case_queries_before_the_handshake},
    {"close_notify_and_half_close", case_close_notify_and_half_close},
    {"configs_freed_right_after_creating_connections",
     case_configs_freed_right_after_creating_connections},
    {"shared_configs", case_shared_configs},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CERT_DIR [CASE]\n", argv[0]);
        return 2;
    }
    cert_dir = argv[1];
    if (strstr(ftls_version(), " ring ") != NULL) {
        tls13_group = "X25519";
    }
    handshakes[0].group = handshakes[1].group = tls13_group;
    return RUN_CASES(cases, argc > 2 ? argv[2] : NULL);
}
