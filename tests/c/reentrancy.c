/*
 * reentrancy.c: calls made from inside a connection's own callbacks. ftls refuses a call on a
 * connection while another call on it is running (FTLS_ERR_INVALID_STATE, a detail naming the
 * call, nothing changed), queries give their fallback, _last_error keeps working, and
 * ftls_connection_free() is put off until the running call returns. Every callback kind is
 * tried: transport read / write / vectored write, handshake events, verify (client and server),
 * ClientHello, client certificate, session store, key log and log. Also: a write callback that
 * takes none of the pending bytes gives FTLS_WANT_WRITE.
 *
 * Run under valgrind by CI: a nested call must not touch freed or aliased memory.
 *
 * Usage: reentrancy CERT_DIR [CASE]
 */
#include "builders.h"

#define REENTERED "called from inside a callback of this connection"

/* What a callback does to its connection, once (the first time it runs). */
typedef enum {
    DO_NOTHING,
    DO_READ_TLS,
    DO_WRITE_TLS,
    DO_WRITE_TLS_VECTORED,
    DO_PROCESS,
    DO_READ,
    DO_WRITE,
    DO_QUERY,
    DO_VALUE_QUERIES,
    DO_FREE,
    DO_FREE_CONFIG
} action;

typedef struct {
    ftls_connection *conn;          /* the connection whose callback runs */
    action what;
    mem_pipe *pipe;                 /* transport callbacks: the real transport */
    ftls_client_config *config;     /* DO_FREE_CONFIG: freed from inside the callback */
    unsigned calls;                 /* how often the callback ran */
    ftls_result nested;             /* what the nested call returned */
    ftls_result nested_last_error;  /* what _last_error returned from inside the callback */
    char detail[DETAIL_MAX];        /* the connection's detail, read from inside */
    bool wants_write, handshaking;  /* DO_QUERY: what the queries answered from inside */
    size_t pending, peer_certificates;  /* DO_VALUE_QUERIES: likewise */
    uint32_t tickets;
    bool early_data_accepted;
    ftls_certificate *peer_certificate;
    ftls_result log_replaced;       /* log callback: ftls_set_log_callback from inside */
    bool freed;
} nest;

static unsigned inner_callback_calls; /* callbacks given to nested calls: must never run */

static int inner_read(void *userdata, uint8_t *buf, size_t len, size_t *out_n)
{
    (void)userdata, (void)buf, (void)len, (void)out_n;
    inner_callback_calls++;
    return EAGAIN;
}

static int inner_write(void *userdata, const uint8_t *buf, size_t len, size_t *out_n)
{
    (void)userdata, (void)buf;
    inner_callback_calls++;
    *out_n = len;
    return 0;
}

static int inner_write_vectored(void *userdata, const ftls_bytes *bufs, size_t count,
                                size_t *out_n)
{
    (void)userdata, (void)bufs, (void)count;
    inner_callback_calls++;
    *out_n = 0;
    return 0;
}

/* The nested call: done once per nest, on the connection whose callback is running. */
static void reenter(nest *n)
{
    uint8_t byte = 'x';
    size_t count = 0;
    n->calls++;
    if (n->conn == NULL || n->what == DO_NOTHING || n->calls > 1) {
        return;
    }
    switch (n->what) {
    case DO_READ_TLS:
        n->nested = ftls_connection_read_tls(n->conn, inner_read, NULL, &count);
        break;
    case DO_WRITE_TLS:
        n->nested = ftls_connection_write_tls(n->conn, inner_write, NULL, &count);
        break;
    case DO_WRITE_TLS_VECTORED:
        n->nested = ftls_connection_write_tls_vectored(n->conn, inner_write_vectored, NULL, &count);
        break;
    case DO_PROCESS:
        n->nested = ftls_connection_process_new_packets(n->conn);
        break;
    case DO_READ:
        n->nested = ftls_connection_read(n->conn, &byte, 1, &count);
        break;
    case DO_WRITE:
        n->nested = ftls_connection_write(n->conn, &byte, 1, &count);
        break;
    case DO_QUERY:
        n->wants_write = ftls_connection_wants_write(n->conn);
        n->handshaking = ftls_connection_is_handshaking(n->conn);
        n->nested = ftls_connection_protocol_version(n->conn, &(uint16_t){0}, NULL);
        break;
    case DO_VALUE_QUERIES:
        n->pending = ftls_connection_pending(n->conn);
        n->peer_certificates = ftls_connection_peer_certificate_count(n->conn);
        n->tickets = ftls_connection_tls13_tickets_received(n->conn);
        n->early_data_accepted = ftls_connection_is_early_data_accepted(n->conn);
        n->nested = ftls_connection_peer_certificate(n->conn, 0, &n->peer_certificate);
        break;
    case DO_FREE:
        /* Twice: the second call must be as harmless as the first. */
        ftls_connection_free(n->conn);
        ftls_connection_free(n->conn);
        n->freed = true;
        return;
    case DO_FREE_CONFIG:
        ftls_client_config_free(n->config);
        n->config = NULL;
        n->freed = true;
        return;
    case DO_NOTHING:
        return;
    }
    n->nested_last_error = ftls_connection_last_error(n->conn, n->detail, sizeof n->detail, NULL);
}

/* The nested call was refused as it should be: the code, the detail naming `call`, read from
 * inside the callback, and no callback given to the nested call ran. */
static void check_refused(const nest *n, const char *call)
{
    CHECK(n->calls > 0, "the callback ran (%u times)", n->calls);
    CHECK_CODE("the nested call", n->nested, FTLS_ERR_INVALID_STATE);
    CHECK_CODE("_last_error from inside the callback", n->nested_last_error, FTLS_OK);
    CHECK(strstr(n->detail, call) != NULL && strstr(n->detail, REENTERED) != NULL,
          "the detail names %s: \"%s\"", call, n->detail);
    CHECK(inner_callback_calls == 0, "the nested call's callback never ran (%u)",
          inner_callback_calls);
    inner_callback_calls = 0;
}

/* ---- callbacks ---------------------------------------------------------------------------- */

static int nest_read(void *userdata, uint8_t *buf, size_t len, size_t *out_n)
{
    nest *n = (nest *)userdata;
    reenter(n);
    return mem_pipe_read(n->pipe, buf, len, out_n);
}

static int nest_write(void *userdata, const uint8_t *buf, size_t len, size_t *out_n)
{
    nest *n = (nest *)userdata;
    reenter(n);
    return mem_pipe_write(n->pipe, buf, len, out_n);
}

static int nest_write_vectored(void *userdata, const ftls_bytes *bufs, size_t count,
                               size_t *out_n)
{
    nest *n = (nest *)userdata;
    size_t i, total = 0;
    reenter(n);
    for (i = 0; i < count; i++) {
        size_t written = 0;
        int status = mem_pipe_write(n->pipe, bufs[i].data, bufs[i].len, &written);
        if (status != 0) {
            return status;
        }
        total += written;
    }
    *out_n = total;
    return 0;
}

static void nest_handshake(void *userdata, const ftls_handshake_event *event)
{
    (void)event;
    reenter((nest *)userdata);
}

static int nest_verify(void *userdata, const ftls_verify_request *request, char *reason,
                       size_t reason_len)
{
    (void)request, (void)reason, (void)reason_len;
    reenter((nest *)userdata);
    return FTLS_OK;
}

static int nest_hello(void *userdata, const ftls_client_hello *hello)
{
    (void)hello;
    reenter((nest *)userdata);
    return FTLS_IDENTITY_AUTO;
}

static int nest_client_certificate(void *userdata, const ftls_certificate_request *request)
{
    (void)request;
    reenter((nest *)userdata);
    return FTLS_IDENTITY_AUTO;
}

static bool nest_put(void *userdata, ftls_bytes key, ftls_bytes value)
{
    (void)key, (void)value;
    reenter((nest *)userdata);
    return false;
}

static bool nest_get(void *userdata, ftls_bytes key, ftls_session_value *value)
{
    (void)userdata, (void)key, (void)value;
    return false;
}

static void nest_keylog(void *userdata, ftls_str line)
{
    (void)line;
    reenter((nest *)userdata);
}

static void nest_log(void *userdata, uint32_t level, ftls_str target, ftls_str message)
{
    nest *n = (nest *)userdata;
    (void)level, (void)target, (void)message;
    if (n->conn == NULL) {
        return; /* a message from a call on the other connection */
    }
    if (n->calls == 0) {
        n->log_replaced = ftls_set_log_callback(NULL, NULL, FTLS_LOG_OFF);
    }
    reenter(n);
}

/* ---- helpers ------------------------------------------------------------------------------ */

static nest nest_on(ftls_connection *conn, action what, mem_pipe *pipe)
{
    nest n;
    memset(&n, 0, sizeof n);
    n.conn = conn;
    n.what = what;
    n.pipe = pipe;
    return n;
}

/* After the nested call: the handshake still completes and data still flows. */
static void check_still_works(tls_pair *p)
{
    uint8_t buf[8];
    size_t n = 0;
    if (!CHECK(pair_handshake(p), "the handshake completes afterwards (client %s, server %s)",
               ftls_result_name(p->client_result), ftls_result_name(p->server_result))) {
        return;
    }
    CHECK_RESULT_CONN(p->client, ftls_connection_write(p->client, (const uint8_t *)"ping", 4, &n),
                      FTLS_OK);
    pair_pump(p);
    CHECK_RESULT_CONN(p->server, ftls_connection_read(p->server, buf, sizeof buf, &n), FTLS_OK);
    CHECK(n == 4 && memcmp(buf, "ping", 4) == 0, "the server reads what the client wrote");
}

/* Sends the client's first flight and the server's answer, leaving it in the client's pipe. */
static void drive_to_server_answer(tls_pair *p)
{
    pump_send(p->client, &p->to_server);
    pump_receive(p->server, &p->to_server, &p->server_result);
    pump_send(p->server, &p->to_client);
}

/* Feeds the client's pipe to it until it is empty or the client was freed (then stops). */
static ftls_result feed_until_freed(ftls_connection *conn, mem_pipe *pipe, const nest *n)
{
    ftls_result r = FTLS_OK;
    while (r == FTLS_OK && pipe->len > 0 && !n->freed) {
        size_t count = 0;
        r = ftls_connection_read_tls(conn, mem_pipe_read, pipe, &count);
        if (r == FTLS_OK) {
            r = ftls_connection_process_new_packets(conn);
        }
    }
    return r;
}

/* ---- transport callbacks ------------------------------------------------------------------ */

static void read_callback(void)
{
    static const struct {
        action what;
        const char *call;
    } cases[] = {
        {DO_READ_TLS, "ftls_connection_read_tls"},
        {DO_PROCESS, "ftls_connection_process_new_packets"},
        {DO_WRITE_TLS, "ftls_connection_write_tls"},
        {DO_WRITE, "ftls_connection_write"},
        {DO_READ, "ftls_connection_read"},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tls_pair p;
        nest n;
        size_t count = 0;
        if (!pair_setup(&p, NULL, "localhost", NULL)) {
            continue;
        }
        pump_send(p.client, &p.to_server);
        n = nest_on(p.server, cases[i].what, &p.to_server);
        CHECK_RESULT_CONN(p.server, ftls_connection_read_tls(p.server, nest_read, &n, &count),
                          FTLS_OK);
        CHECK(count > 0, "the outer read_tls read the ClientHello (%zu bytes)", count);
        check_refused(&n, cases[i].call);
        CHECK_RESULT_CONN(p.server, ftls_connection_process_new_packets(p.server), FTLS_OK);
        check_still_works(&p);
        pair_free(&p);
    }
}

static void write_callback(void)
{
    static const struct {
        action what;
        const char *call;
    } cases[] = {
        {DO_WRITE_TLS, "ftls_connection_write_tls"},
        {DO_WRITE_TLS_VECTORED, "ftls_connection_write_tls_vectored"},
        {DO_READ_TLS, "ftls_connection_read_tls"},
        {DO_PROCESS, "ftls_connection_process_new_packets"},
        {DO_WRITE, "ftls_connection_write"},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tls_pair p;
        nest n;
        size_t count = 0;
        if (!pair_setup(&p, NULL, "localhost", NULL)) {
            continue;
        }
        n = nest_on(p.client, cases[i].what, &p.to_server);
        CHECK_RESULT_CONN(p.client, ftls_connection_write_tls(p.client, nest_write, &n, &count),
                          FTLS_OK);
        CHECK(count > 0 && count == p.to_server.len,
              "the outer write_tls wrote the ClientHello (%zu bytes)", count);
        check_refused(&n, cases[i].call);
        check_still_works(&p);
        pair_free(&p);
    }
}

static void vectored_write_callback(void)
{
    tls_pair p;
    nest n;
    size_t count = 0;
    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        return;
    }
    n = nest_on(p.client, DO_WRITE_TLS_VECTORED, &p.to_server);
    CHECK_RESULT_CONN(p.client,
                      ftls_connection_write_tls_vectored(p.client, nest_write_vectored, &n, &count),
                      FTLS_OK);
    CHECK(count > 0 && count == p.to_server.len, "the outer call wrote the ClientHello (%zu)",
          count);
    check_refused(&n, "ftls_connection_write_tls_vectored");
    check_still_works(&p);
    pair_free(&p);
}

/* Queries give their fallback from inside; the connection's real state is unchanged. */
static void queries_inside_a_callback(void)
{
    tls_pair p;
    nest n;
    size_t count = 0;
    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        return;
    }
    n = nest_on(p.client, DO_QUERY, &p.to_server);
    CHECK_RESULT_CONN(p.client, ftls_connection_write_tls(p.client, nest_write, &n, &count),
                      FTLS_OK);
    CHECK(!n.wants_write, "wants_write from inside gives its fallback, false");
    CHECK(!n.handshaking, "is_handshaking from inside gives its fallback, false");
    check_refused(&n, "ftls_connection_protocol_version");
    CHECK(ftls_connection_is_handshaking(p.client), "outside, is_handshaking is true again");
    check_still_works(&p);
    pair_free(&p);
}

/* The value-returning queries give their fallback (0, false) from inside a callback, on a
 * connection where each has something to say outside; peer_certificate is refused. */
static void value_queries_inside_a_callback(void)
{
    tls_pair p;
    nest n;
    size_t count = 0, pending, certificates;
    uint32_t tickets;
    static const char first[] = "first record", second[] = "second record";
    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        return;
    }
    if (!CHECK(pair_handshake(&p), "handshake") ||
        !CHECK_RESULT_CONN(p.server, ftls_connection_write(p.server, (const uint8_t *)first,
                                                           sizeof first, &count),
                           FTLS_OK)) {
        pair_free(&p);
        return;
    }
    /* The first record is decrypted and waits; the second waits in the pipe. */
    CHECK_RESULT(pump_send(p.server, &p.to_client), FTLS_OK);
    pump_receive(p.client, &p.to_client, &p.client_result);
    CHECK_RESULT_CONN(p.server, ftls_connection_write(p.server, (const uint8_t *)second,
                                                      sizeof second, &count),
                      FTLS_OK);
    CHECK_RESULT(pump_send(p.server, &p.to_client), FTLS_OK);
    pending = ftls_connection_pending(p.client);
    certificates = ftls_connection_peer_certificate_count(p.client);
    tickets = ftls_connection_tls13_tickets_received(p.client);
    CHECK(pending == sizeof first && certificates == 1 && tickets == 2,
          "outside: %zu bytes pending, %zu peer certificate, %u tickets", pending, certificates,
          (unsigned)tickets);
    n = nest_on(p.client, DO_VALUE_QUERIES, &p.to_client);
    CHECK_RESULT_CONN(p.client, ftls_connection_read_tls(p.client, nest_read, &n, &count),
                      FTLS_OK);
    CHECK(n.pending == 0 && n.peer_certificates == 0 && n.tickets == 0 &&
              !n.early_data_accepted,
          "inside: pending, peer_certificate_count, tls13_tickets_received and "
          "is_early_data_accepted give their fallbacks (%zu, %zu, %u, %d)",
          n.pending, n.peer_certificates, (unsigned)n.tickets, (int)n.early_data_accepted);
    CHECK(n.peer_certificate == NULL, "the refused peer_certificate made no certificate");
    check_refused(&n, "ftls_connection_peer_certificate");
    CHECK(ftls_connection_pending(p.client) == pending &&
              ftls_connection_peer_certificate_count(p.client) == 1 &&
              ftls_connection_tls13_tickets_received(p.client) == 2,
          "outside again, the queries answer as before");
    ftls_certificate_free(n.peer_certificate);
    check_still_works(&p);
    pair_free(&p);
}

/* ---- deferred frees ----------------------------------------------------------------------- */

static void free_in_write_callback(void)
{
    tls_pair p;
    nest n;
    size_t count = 0;
    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        return;
    }
    n = nest_on(p.client, DO_FREE, &p.to_server);
    CHECK_RESULT(ftls_connection_write_tls(p.client, nest_write, &n, &count), FTLS_OK);
    CHECK(n.freed && count > 0 && count == p.to_server.len,
          "the outer write_tls finished its work (%zu bytes) before the free took effect", count);
    p.client = NULL; /* freed when write_tls returned */
    pair_free(&p);
}

static void free_in_read_callback(void)
{
    tls_pair p;
    nest n;
    size_t count = 0;
    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        return;
    }
    pump_send(p.client, &p.to_server);
    n = nest_on(p.server, DO_FREE, &p.to_server);
    CHECK_RESULT(ftls_connection_read_tls(p.server, nest_read, &n, &count), FTLS_OK);
    CHECK(n.freed && count > 0, "the outer read_tls read %zu bytes, then freed", count);
    p.server = NULL;
    pair_free(&p);
}

static void free_in_handshake_callback(void)
{
    tls_pair p;
    nest n;
    size_t count = 0;
    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        return;
    }
    n = nest_on(p.client, DO_FREE, NULL);
    CHECK_RESULT_CONN(p.client, ftls_connection_set_handshake_callback(p.client, nest_handshake, &n),
                      FTLS_OK);
    CHECK_RESULT(ftls_connection_write_tls(p.client, mem_pipe_write, &p.to_server, &count),
                 FTLS_OK);
    CHECK(n.freed, "the handshake callback ran and freed the connection");
    p.client = NULL;
    pair_free(&p);
}

static void free_in_verify_callback(void)
{
    ftls_client_config_builder *b = client_builder(0);
    ftls_client_config *cc;
    ftls_server_config *sc = make_server_config(NULL);
    tls_pair p;
    nest n = nest_on(NULL, DO_FREE, NULL);
    if (b != NULL) {
        CHECK_RESULT_CB(b, ftls_client_config_builder_set_verify_callback(b, nest_verify, &n),
                        FTLS_OK);
    }
    cc = build_client(b);
    if (cc == NULL || sc == NULL || !pair_new(&p, cc, "localhost", sc)) {
        ftls_client_config_free(cc);
        ftls_server_config_free(sc);
        return;
    }
    n.conn = p.client;
    drive_to_server_answer(&p);
    CHECK_RESULT(feed_until_freed(p.client, &p.to_client, &n), FTLS_OK);
    CHECK(n.freed, "the verify callback ran and freed the connection");
    p.client = NULL;
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void free_in_client_hello_callback(void)
{
    ftls_server_config_builder *b = server_builder(0, NULL, NULL);
    ftls_server_config *sc;
    ftls_client_config *cc = make_client_config(NULL);
    tls_pair p;
    nest n = nest_on(NULL, DO_FREE, NULL);
    if (b != NULL) {
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_client_hello_callback(b, nest_hello, &n),
                        FTLS_OK);
    }
    sc = build_server(b);
    if (cc == NULL || sc == NULL || !pair_new(&p, cc, "localhost", sc)) {
        ftls_client_config_free(cc);
        ftls_server_config_free(sc);
        return;
    }
    n.conn = p.server;
    pump_send(p.client, &p.to_server);
    CHECK_RESULT(feed_until_freed(p.server, &p.to_server, &n), FTLS_OK);
    CHECK(n.freed, "the ClientHello callback ran and freed the connection");
    p.server = NULL;
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

/* A config is reference-counted: freeing the one a connection came from, from inside that
 * connection's callback, is safe and the handshake completes. */
static void config_freed_in_verify_callback(void)
{
    ftls_client_config_builder *b = client_builder(0);
    ftls_server_config *sc = make_server_config(NULL);
    tls_pair p;
    nest n = nest_on(NULL, DO_FREE_CONFIG, NULL);
    if (b != NULL) {
        CHECK_RESULT_CB(b, ftls_client_config_builder_set_verify_callback(b, nest_verify, &n),
                        FTLS_OK);
    }
    n.config = build_client(b);
    if (n.config == NULL || sc == NULL || !pair_new(&p, n.config, "localhost", sc)) {
        ftls_client_config_free(n.config);
        ftls_server_config_free(sc);
        return;
    }
    n.conn = p.client;
    check_still_works(&p);
    CHECK(n.freed && n.config == NULL, "the verify callback freed the client config");
    pair_free(&p);
    ftls_server_config_free(sc);
}

/* ---- config and connection callbacks ------------------------------------------------------ */

static void handshake_callback(void)
{
    tls_pair p;
    nest n;
    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        return;
    }
    n = nest_on(p.server, DO_WRITE_TLS, NULL);
    CHECK_RESULT_CONN(p.server, ftls_connection_set_handshake_callback(p.server, nest_handshake, &n),
                      FTLS_OK);
    check_still_works(&p);
    check_refused(&n, "ftls_connection_write_tls");
    pair_free(&p);
}

static void client_verify_callback(void)
{
    ftls_client_config_builder *b = client_builder(0);
    ftls_client_config *cc;
    ftls_server_config *sc = make_server_config(NULL);
    tls_pair p;
    nest n = nest_on(NULL, DO_PROCESS, NULL);
    if (b != NULL) {
        CHECK_RESULT_CB(b, ftls_client_config_builder_set_verify_callback(b, nest_verify, &n),
                        FTLS_OK);
    }
    cc = build_client(b);
    if (cc != NULL && sc != NULL && pair_new(&p, cc, "localhost", sc)) {
        n.conn = p.client;
        check_still_works(&p);
        check_refused(&n, "ftls_connection_process_new_packets");
        pair_free(&p);
    }
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

/* A server asking for client certificates (CA ca.pem), with `setup` applied to its builder. */
static ftls_server_config *client_auth_server(ftls_server_config_builder *b)
{
    if (b != NULL) {
        CHECK_RESULT_SB(b, server_trust_ca_file(b, cert_path("ca.pem")), FTLS_OK);
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_client_auth(b, FTLS_CLIENT_AUTH_REQUIRED),
                        FTLS_OK);
    }
    return build_server(b);
}

static ftls_client_config_builder *certified_client(void)
{
    ftls_client_config_builder *b = client_builder(0);
    if (b != NULL) {
        CHECK_RESULT_CB(
            b, client_add_identity_files(b, cert_path("client.pem"), cert_path("client.key")),
            FTLS_OK);
    }
    return b;
}

static void server_verify_callback(void)
{
    ftls_server_config_builder *b = server_builder(0, NULL, NULL);
    ftls_server_config *sc;
    ftls_client_config *cc = build_client(certified_client());
    tls_pair p;
    nest n = nest_on(NULL, DO_READ_TLS, NULL);
    if (b != NULL) {
        CHECK_RESULT_SB(b,
                        ftls_server_config_builder_set_verify_callback(b, nest_verify, &n),
                        FTLS_OK);
    }
    sc = client_auth_server(b);
    if (cc != NULL && sc != NULL && pair_new(&p, cc, "localhost", sc)) {
        n.conn = p.server;
        check_still_works(&p);
        check_refused(&n, "ftls_connection_read_tls");
        CHECK(ftls_connection_peer_certificate_count(p.server) > 0,
              "the server still answers queries: it has the client's certificate");
        pair_free(&p);
    }
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void client_hello_callback(void)
{
    ftls_server_config_builder *b = server_builder(0, NULL, NULL);
    ftls_server_config *sc;
    ftls_client_config *cc = make_client_config(NULL);
    tls_pair p;
    nest n = nest_on(NULL, DO_PROCESS, NULL);
    if (b != NULL) {
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_client_hello_callback(b, nest_hello, &n),
                        FTLS_OK);
    }
    sc = build_server(b);
    if (cc != NULL && sc != NULL && pair_new(&p, cc, "localhost", sc)) {
        n.conn = p.server;
        check_still_works(&p);
        check_refused(&n, "ftls_connection_process_new_packets");
        pair_free(&p);
    }
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void client_certificate_callback(void)
{
    ftls_client_config_builder *b = certified_client();
    ftls_client_config *cc;
    ftls_server_config *sc = client_auth_server(server_builder(0, NULL, NULL));
    tls_pair p;
    nest n = nest_on(NULL, DO_WRITE, NULL);
    if (b != NULL) {
        CHECK_RESULT_CB(b,
                        ftls_client_config_builder_set_client_certificate_callback(
                            b, nest_client_certificate, &n),
                        FTLS_OK);
    }
    cc = build_client(b);
    if (cc != NULL && sc != NULL && pair_new(&p, cc, "localhost", sc)) {
        n.conn = p.client;
        check_still_works(&p);
        check_refused(&n, "ftls_connection_write");
        pair_free(&p);
    }
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void session_store_callback(void)
{
    ftls_server_config_builder *b = server_builder(0, NULL, NULL);
    ftls_server_config *sc;
    ftls_client_config *cc = make_client_config(NULL);
    tls_pair p;
    nest n = nest_on(NULL, DO_WRITE_TLS, NULL);
    if (b != NULL) {
        CHECK_RESULT_SB(b,
                        ftls_server_config_builder_set_session_store(b, nest_put, nest_get,
                                                                     nest_get, &n),
                        FTLS_OK);
    }
    sc = build_server(b);
    if (cc != NULL && sc != NULL && pair_new(&p, cc, "localhost", sc)) {
        n.conn = p.server;
        check_still_works(&p);
        check_refused(&n, "ftls_connection_write_tls");
        pair_free(&p);
    }
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void keylog_callback(void)
{
    ftls_client_config_builder *b = client_builder(0);
    ftls_client_config *cc;
    ftls_server_config *sc = make_server_config(NULL);
    tls_pair p;
    nest n = nest_on(NULL, DO_READ, NULL);
    if (b != NULL) {
        CHECK_RESULT_CB(b, ftls_client_config_builder_set_keylog_callback(b, nest_keylog, &n),
                        FTLS_OK);
    }
    cc = build_client(b);
    if (cc != NULL && sc != NULL && pair_new(&p, cc, "localhost", sc)) {
        n.conn = p.client;
        check_still_works(&p);
        check_refused(&n, "ftls_connection_read");
        pair_free(&p);
    }
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

/* The log callback runs inside whichever call logs: the nest points at the client only while
 * a call on the client runs, so the nested call always meets a busy connection. Replacing the
 * log callback from inside it is refused instead of waiting for itself forever. */
static void log_callback(void)
{
    tls_pair p;
    nest n = nest_on(NULL, DO_PROCESS, NULL);
    ftls_result r = FTLS_OK;
    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        return;
    }
    CHECK_RESULT(ftls_set_log_callback(nest_log, &n, FTLS_LOG_TRACE), FTLS_OK);
    drive_to_server_answer(&p);
    while (r == FTLS_OK && p.to_client.len > 0) {
        size_t count = 0;
        r = ftls_connection_read_tls(p.client, mem_pipe_read, &p.to_client, &count);
        if (r == FTLS_OK) {
            n.conn = p.client;
            r = ftls_connection_process_new_packets(p.client);
            n.conn = NULL;
        }
    }
    CHECK_CODE("the client's processing", r, FTLS_OK);
    CHECK_CODE("ftls_set_log_callback from inside the log callback", n.log_replaced,
               FTLS_ERR_INVALID_STATE);
    n.conn = p.client; /* for check_refused's detail */
    check_refused(&n, "ftls_connection_process_new_packets");
    n.conn = NULL;
    CHECK_RESULT(ftls_set_log_callback(NULL, NULL, FTLS_LOG_OFF), FTLS_OK);
    check_still_works(&p);
    pair_free(&p);
}

/* ---- a write callback that takes nothing -------------------------------------------------- */

static int zero_write(void *userdata, const uint8_t *buf, size_t len, size_t *out_n)
{
    (void)userdata, (void)buf, (void)len;
    *out_n = 0;
    return 0;
}

static int zero_write_vectored(void *userdata, const ftls_bytes *bufs, size_t count,
                               size_t *out_n)
{
    (void)userdata, (void)bufs, (void)count;
    *out_n = 0;
    return 0;
}

static void zero_byte_writes_want_write(void)
{
    tls_pair p;
    size_t count = 99;
    if (!pair_setup(&p, NULL, "localhost", NULL)) {
        return;
    }
    CHECK(ftls_connection_wants_write(p.client), "the ClientHello is pending");
    CHECK_RESULT_CONN(p.client, ftls_connection_write_tls(p.client, zero_write, NULL, &count),
                      FTLS_WANT_WRITE);
    CHECK(count == 99, "*out_n untouched on FTLS_WANT_WRITE (%zu)", count);
    CHECK_RESULT_CONN(p.client,
                      ftls_connection_write_tls_vectored(p.client, zero_write_vectored, NULL,
                                                         &count),
                      FTLS_WANT_WRITE);
    CHECK(ftls_connection_wants_write(p.client), "the ClientHello is still pending");
    check_still_works(&p);
    CHECK(!ftls_connection_wants_write(p.client), "nothing pending after the handshake");
    CHECK_RESULT_CONN(p.client, ftls_connection_write_tls(p.client, zero_write, NULL, &count),
                      FTLS_OK);
    CHECK(count == 0, "with nothing pending, a write reports 0 bytes and FTLS_OK (%zu)", count);
    pair_free(&p);
}

int main(int argc, char **argv)
{
    static const test_case cases[] = {
        {"read_callback", read_callback},
        {"write_callback", write_callback},
        {"vectored_write_callback", vectored_write_callback},
        {"queries_inside_a_callback", queries_inside_a_callback},
        {"value_queries_inside_a_callback", value_queries_inside_a_callback},
        {"free_in_write_callback", free_in_write_callback},
        {"free_in_read_callback", free_in_read_callback},
        {"free_in_handshake_callback", free_in_handshake_callback},
        {"free_in_verify_callback", free_in_verify_callback},
        {"free_in_client_hello_callback", free_in_client_hello_callback},
        {"config_freed_in_verify_callback", config_freed_in_verify_callback},
        {"handshake_callback", handshake_callback},
        {"client_verify_callback", client_verify_callback},
        {"server_verify_callback", server_verify_callback},
        {"client_hello_callback", client_hello_callback},
        {"client_certificate_callback", client_certificate_callback},
        {"session_store_callback", session_store_callback},
        {"keylog_callback", keylog_callback},
        {"log_callback", log_callback},
        {"zero_byte_writes_want_write", zero_byte_writes_want_write},
    };
    return RUN_CASES_WITH_CERT_DIR(argc, argv, cases);
}
