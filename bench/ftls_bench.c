/*
 * ftls_bench: ftls through its C API, client and server in one process over memory pipes.
 * See bench.h for the output and bench/run.rs for the driver (`make bench`).
 *
 *   ftls_bench CERTDIR HANDSHAKES BULK_MIB CONNECTIONS
 *
 * Measures, as the other two programs do: full and resumed handshakes (TLS 1.3 with X25519 and
 * X25519MLKEM768, TLS 1.2), bulk transfer server to client for three AEADs, memory per
 * connection. ftls only: the bulk transfer once more over the copy-free calls
 * (ftls_connection_write_tls_vectored, ftls_connection_read_borrowed / _consume), and
 * handshakes on two threads sharing one config against one thread.
 */
#include <ftls.h>

#include "bench.h"

#include <pthread.h>
#include <stdbool.h>

#define IMPL "ftls"

static void check(ftls_result r, const char *what)
{
    if (r != FTLS_OK) {
        fprintf(stderr, "ftls_bench: %s: %s (%s)\n", what, ftls_result_message(r),
                ftls_result_name(r));
        exit(2);
    }
}

static void check_conn(ftls_connection *conn, ftls_result r, const char *what)
{
    if (r != FTLS_OK) {
        char detail[512];
        ftls_connection_last_error(conn, detail, sizeof detail, NULL);
        fprintf(stderr, "ftls_bench: %s: %s (%s)\n", what, detail, ftls_result_name(r));
        exit(2);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Configs
 * ------------------------------------------------------------------------------------------ */

static ftls_client_config *client_config(const bench_args *args, uint32_t versions,
                                         const char *suite, const char *group, bool resume)
{
    ftls_trust *trust = NULL;
    ftls_client_config_builder *b = NULL;
    ftls_client_config *config = NULL;
    char path[4096];
    bench_path(path, sizeof path, args->cert_dir, "ca.pem");
    check(ftls_trust_new(&trust), "trust");
    check(ftls_trust_add_ca_file(trust, path), "load ca.pem");
    check(ftls_client_config_builder_new(&b), "client builder");
    check(ftls_client_config_builder_set_trust(b, trust), "client trust");
    check(ftls_client_config_builder_set_versions(b, versions), "client versions");
    check(ftls_client_config_builder_set_cipher_suites(b, &suite, 1), "client suite");
    check(ftls_client_config_builder_set_key_exchange_groups(b, &group, 1), "client group");
    check(ftls_client_config_builder_set_session_cache(b, resume ? 256 : 0), "session cache");
    check(ftls_client_config_builder_build(b, &config), "client build");
    ftls_trust_free(trust);
    ftls_client_config_builder_free(b);
    return config;
}

/* TLS 1.3: stateless tickets (as OpenSSL's default); TLS 1.2: session IDs, no tickets. For
 * full handshakes (`resume` false) neither: the server keeps no session and issues no ticket,
 * as in every program (rustls-ffi's client keeps whatever it is given). */
static ftls_server_config *server_config(const bench_args *args, uint32_t versions, bool resume)
{
    ftls_identity *identity = NULL;
    ftls_ticketer *ticketer = NULL;
    ftls_server_config_builder *b = NULL;
    ftls_server_config *config = NULL;
    char cert[4096], key[4096];
    bench_path(cert, sizeof cert, args->cert_dir, "server.pem");
    bench_path(key, sizeof key, args->cert_dir, "server.key");
    check(ftls_identity_new(&identity), "identity");
    check(ftls_identity_set_file(identity, cert, key), "server identity");
    check(ftls_server_config_builder_new(&b), "server builder");
    check(ftls_server_config_builder_add_identity(b, identity), "server identity");
    check(ftls_server_config_builder_set_versions(b, versions), "server versions");
    if (resume && versions == FTLS_PROTOCOL_TLS13) {
        check(ftls_ticketer_new(NULL, 0, 0, 0, &ticketer), "ticketer");
    }
    check(ftls_server_config_builder_set_ticketer(b, ticketer), "server tickets");
    if (!resume) {
        check(ftls_server_config_builder_set_session_cache(b, 0), "server session cache");
    }
    check(ftls_server_config_builder_build(b, &config), "server build");
    ftls_identity_free(identity);
    ftls_ticketer_free(ticketer);
    ftls_server_config_builder_free(b);
    return config;
}

/* ---------------------------------------------------------------------------------------------
 * A client and a server over two memory pipes
 * ------------------------------------------------------------------------------------------ */

typedef struct {
    ftls_connection *client;
    ftls_connection *server;
    bench_pipe to_server;
    bench_pipe to_client;
} pair;

static int pipe_write(void *userdata, const uint8_t *buf, size_t len, size_t *out_n)
{
    bench_pipe_push((bench_pipe *)userdata, buf, len);
    *out_n = len;
    return 0;
}

static int pipe_write_vectored(void *userdata, const ftls_bytes *bufs, size_t count,
                               size_t *out_n)
{
    bench_pipe *p = (bench_pipe *)userdata;
    size_t i, total = 0;
    uint8_t *to;
    for (i = 0; i < count; i++) {
        total += bufs[i].len;
    }
    to = bench_pipe_reserve(p, total);
    for (i = 0; i < count; i++) {
        bench_copy(to, bufs[i].data, bufs[i].len);
        to += bufs[i].len;
    }
    p->end += total;
    *out_n = total;
    return 0;
}

static int pipe_read(void *userdata, uint8_t *buf, size_t len, size_t *out_n)
{
    bench_pipe *p = (bench_pipe *)userdata;
    if (bench_pipe_len(p) == 0) {
        return EAGAIN;
    }
    *out_n = bench_pipe_pull(p, buf, len);
    return 0;
}

/* Moves everything `conn` has queued into `p`; returns whether there was anything. */
static bool flush_into(ftls_connection *conn, bench_pipe *p, bool vectored)
{
    bool any = false;
    size_t n;
    while (ftls_connection_wants_write(conn)) {
        if (vectored) {
            check_conn(conn, ftls_connection_write_tls_vectored(conn, pipe_write_vectored, p, &n),
                       "write_tls_vectored");
        } else {
            check_conn(conn, ftls_connection_write_tls(conn, pipe_write, p, &n), "write_tls");
        }
        any = true;
    }
    return any;
}

/* Hands `conn` everything in `p`, processing as it goes. */
static void feed_from(ftls_connection *conn, bench_pipe *p)
{
    size_t n;
    while (bench_pipe_len(p) > 0) {
        check_conn(conn, ftls_connection_read_tls(conn, pipe_read, p, &n), "read_tls");
        check_conn(conn, ftls_connection_process_new_packets(conn), "process_new_packets");
    }
}

/* Runs the handshake and whatever follows it (tickets) until neither side has more to say,
 * adding each side's time to `sides`. */
static void pump(pair *p, bench_sides *sides)
{
    for (;;) {
        uint64_t t0 = bench_now_ns(), t1, t2;
        bool client_sent, server_sent;
        feed_from(p->client, &p->to_client);
        client_sent = flush_into(p->client, &p->to_server, true);
        t1 = bench_now_ns();
        feed_from(p->server, &p->to_server);
        server_sent = flush_into(p->server, &p->to_client, true);
        t2 = bench_now_ns();
        sides->client_ns += t1 - t0;
        sides->server_ns += t2 - t1;
        if (!client_sent && !server_sent && bench_pipe_len(&p->to_client) == 0) {
            return;
        }
    }
}

static void pair_open(pair *p, const ftls_client_config *cc, const ftls_server_config *sc,
                      bench_sides *sides)
{
    uint64_t t0 = bench_now_ns(), t1, t2;
    check(ftls_client_connection_new(cc, "localhost", &p->client), "client connection");
    t1 = bench_now_ns();
    check(ftls_server_connection_new(sc, &p->server), "server connection");
    t2 = bench_now_ns();
    sides->client_ns += t1 - t0;
    sides->server_ns += t2 - t1;
    pump(p, sides);
    if (ftls_connection_is_handshaking(p->client) || ftls_connection_is_handshaking(p->server)) {
        bench_die("the handshake did not complete");
    }
}

static void pair_close(pair *p, bench_sides *sides)
{
    uint64_t t0 = bench_now_ns(), t1, t2;
    ftls_connection_free(p->client);
    t1 = bench_now_ns();
    ftls_connection_free(p->server);
    t2 = bench_now_ns();
    sides->client_ns += t1 - t0;
    sides->server_ns += t2 - t1;
    p->client = p->server = NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Handshakes
 * ------------------------------------------------------------------------------------------ */

static void handshakes(const bench_args *args, const char *scenario, uint32_t versions,
                       const char *suite, const char *group, bool resume)
{
    if (!bench_wanted(scenario)) {
        return;
    }
    ftls_client_config *cc = client_config(args, versions, suite, group, resume);
    ftls_server_config *sc = server_config(args, versions, resume);
    bench_sides sides = {0, 0}, warmup = {0, 0};
    pair p;
    unsigned i, resumed = 0;
    uint64_t start;
    memset(&p, 0, sizeof p);
    /* Warm up (and, resuming, get the first session). */
    for (i = 0; i < 2; i++) {
        pair_open(&p, cc, sc, &warmup);
        pair_close(&p, &warmup);
    }
    start = bench_now_ns();
    for (i = 0; i < args->handshakes; i++) {
        pair_open(&p, cc, sc, &sides);
        resumed += ftls_connection_is_resumed(p.client);
        pair_close(&p, &sides);
    }
    bench_report_handshakes(IMPL, scenario, args->handshakes, bench_now_ns() - start, sides);
    if (resumed != (resume ? args->handshakes : 0)) {
        fprintf(stderr, "ftls_bench: %s: %u of %u handshakes resumed\n", scenario, resumed,
                args->handshakes);
        exit(2);
    }
    bench_pipe_free(&p.to_server);
    bench_pipe_free(&p.to_client);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

/* ---------------------------------------------------------------------------------------------
 * Bulk transfer, server to client
 * ------------------------------------------------------------------------------------------ */

static void bulk(const bench_args *args, const char *scenario, const char *suite, bool copy_free)
{
    if (!bench_wanted(scenario)) {
        return;
    }
    ftls_client_config *cc =
        client_config(args, FTLS_PROTOCOL_TLS13, suite, "X25519", false);
    ftls_server_config *sc = server_config(args, FTLS_PROTOCOL_TLS13, true);
    uint64_t total = (uint64_t)args->bulk_mib << 20, sent = 0, received = 0;
    bench_sides sides = {0, 0}, setup = {0, 0};
    uint8_t *plaintext = (uint8_t *)bench_alloc(BENCH_RECORD);
    uint8_t *into = (uint8_t *)bench_alloc(BENCH_RECORD);
    pair p;
    memset(&p, 0, sizeof p);
    bench_fill(plaintext, BENCH_RECORD);
    pair_open(&p, cc, sc, &setup);
    while (sent < total) {
        uint64_t t0 = bench_now_ns(), t1, t2;
        size_t n;
        check_conn(p.server, ftls_connection_write(p.server, plaintext, BENCH_RECORD, &n),
                   "write");
        if (n != BENCH_RECORD) {
            bench_die("short write");
        }
        sent += n;
        flush_into(p.server, &p.to_client, copy_free);
        t1 = bench_now_ns();
        while (bench_pipe_len(&p.to_client) > 0) {
            ftls_result r;
            check_conn(p.client, ftls_connection_read_tls(p.client, pipe_read, &p.to_client, &n),
                       "read_tls");
            check_conn(p.client, ftls_connection_process_new_packets(p.client), "process");
            if (copy_free) {
                ftls_bytes lent;
                while ((r = ftls_connection_read_borrowed(p.client, &lent)) == FTLS_OK) {
                    received += lent.len;
                    check_conn(p.client, ftls_connection_consume(p.client, lent.len), "consume");
                }
            } else {
                while ((r = ftls_connection_read(p.client, into, BENCH_RECORD, &n)) == FTLS_OK) {
                    received += n;
                }
            }
            if (r != FTLS_WANT_READ) {
                check_conn(p.client, r, "read");
            }
        }
        t2 = bench_now_ns();
        sides.server_ns += t1 - t0;
        sides.client_ns += t2 - t1;
    }
    if (received != sent) {
        bench_die("the client did not receive everything");
    }
    bench_report_bulk(IMPL, scenario, sent, sides);
    pair_close(&p, &setup);
    bench_pipe_free(&p.to_server);
    bench_pipe_free(&p.to_client);
    free(plaintext);
    free(into);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

/* ---------------------------------------------------------------------------------------------
 * Memory per connection
 * ------------------------------------------------------------------------------------------ */

/* Sends `len` bytes from `from` to `to` and reads them there. */
static void exchange(ftls_connection *from, bench_pipe *wire, ftls_connection *to, size_t len)
{
    static uint8_t buf[BENCH_RECORD];
    size_t n, got = 0;
    bench_fill(buf, sizeof buf);
    check_conn(from, ftls_connection_write(from, buf, len, &n), "write");
    flush_into(from, wire, false);
    feed_from(to, wire);
    while (ftls_connection_read(to, buf, sizeof buf, &n) == FTLS_OK) {
        got += n;
    }
    if (got != len) {
        bench_die("exchange lost data");
    }
}

static void memory(const bench_args *args)
{
    if (!bench_wanted("memory")) {
        return;
    }
    ftls_client_config *cc = client_config(args, FTLS_PROTOCOL_TLS13, "TLS_AES_128_GCM_SHA256",
                                           "X25519", false);
    ftls_server_config *sc = server_config(args, FTLS_PROTOCOL_TLS13, true);
    unsigned n = args->connections, i;
    pair *pairs = (pair *)calloc(n, sizeof *pairs);
    bench_sides ignored = {0, 0};
    size_t base, established, clients_only, after_traffic;
    if (pairs == NULL) {
        bench_die("out of memory");
    }
    /* One connection first, so that lazily made shared state is not counted per connection. */
    pair_open(&pairs[0], cc, sc, &ignored);
    pair_close(&pairs[0], &ignored);
    bench_pipe_free(&pairs[0].to_server);
    bench_pipe_free(&pairs[0].to_client);

    base = bench_heap_in_use();
    for (i = 0; i < n; i++) {
        pair_open(&pairs[i], cc, sc, &ignored);
        bench_pipe_free(&pairs[i].to_server);
        bench_pipe_free(&pairs[i].to_client);
    }
    established = bench_heap_in_use();
    for (i = 0; i < n; i++) {
        exchange(pairs[i].client, &pairs[i].to_server, pairs[i].server, BENCH_RECORD);
        exchange(pairs[i].server, &pairs[i].to_client, pairs[i].client, BENCH_RECORD);
        bench_pipe_free(&pairs[i].to_server);
        bench_pipe_free(&pairs[i].to_client);
    }
    after_traffic = bench_heap_in_use();
    for (i = 0; i < n; i++) {
        ftls_connection_free(pairs[i].server);
    }
    clients_only = bench_heap_in_use();
    bench_report_memory(IMPL, n, base, established, after_traffic, clients_only);
    for (i = 0; i < n; i++) {
        ftls_connection_free(pairs[i].client);
    }
    free(pairs);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

/* ---------------------------------------------------------------------------------------------
 * Threads: full TLS 1.3 handshakes on one thread, then on two sharing the configs
 * ------------------------------------------------------------------------------------------ */

typedef struct {
    const ftls_client_config *cc;
    const ftls_server_config *sc;
    unsigned count;
} thread_work;

static void *handshake_thread(void *arg)
{
    const thread_work *work = (const thread_work *)arg;
    bench_sides ignored = {0, 0};
    pair p;
    unsigned i;
    memset(&p, 0, sizeof p);
    for (i = 0; i < work->count; i++) {
        pair_open(&p, work->cc, work->sc, &ignored);
        pair_close(&p, &ignored);
    }
    bench_pipe_free(&p.to_server);
    bench_pipe_free(&p.to_client);
    return NULL;
}

static void threads(const bench_args *args)
{
    if (!bench_wanted("threads")) {
        return;
    }
    thread_work work;
    pthread_t tid[2];
    uint64_t start, one, two;
    int i;
    work.cc = client_config(args, FTLS_PROTOCOL_TLS13, "TLS_AES_128_GCM_SHA256", "X25519",
                            false);
    work.sc = server_config(args, FTLS_PROTOCOL_TLS13, true);
    work.count = args->handshakes;

    /* One thread before and after the two, averaged: drift on the machine hits both alike. */
    start = bench_now_ns();
    handshake_thread(&work);
    one = bench_now_ns() - start;

    start = bench_now_ns();
    for (i = 0; i < 2; i++) {
        if (pthread_create(&tid[i], NULL, handshake_thread, &work) != 0) {
            bench_die("pthread_create");
        }
    }
    for (i = 0; i < 2; i++) {
        pthread_join(tid[i], NULL);
    }
    two = bench_now_ns() - start;

    start = bench_now_ns();
    handshake_thread(&work);
    one = (one + (bench_now_ns() - start)) / 2;
    bench_report(IMPL, "threads", "one_per_s", work.count / (one / 1e9));
    bench_report(IMPL, "threads", "two_per_s", 2.0 * work.count / (two / 1e9));
    bench_report(IMPL, "threads", "scaling", (2.0 * work.count / two) / (work.count / (double)one));
    ftls_client_config_free((ftls_client_config *)work.cc);
    ftls_server_config_free((ftls_server_config *)work.sc);
}

int main(int argc, char **argv)
{
    bench_args args = bench_parse_args(argc, argv, "ftls_bench");
    const char *aes128 = "TLS_AES_128_GCM_SHA256";
    const char *tls12 = "ECDHE-ECDSA-AES128-GCM-SHA256";

    bench_warming_up = 1;
    handshakes(&args, "hs13_full_x25519", FTLS_PROTOCOL_TLS13, aes128, "X25519", false);
    bench_warming_up = 0;
    handshakes(&args, "hs13_full_x25519", FTLS_PROTOCOL_TLS13, aes128, "X25519", false);
    handshakes(&args, "hs13_full_mlkem", FTLS_PROTOCOL_TLS13, aes128, "X25519MLKEM768", false);
    handshakes(&args, "hs12_full_x25519", FTLS_PROTOCOL_TLS12, tls12, "X25519", false);
    handshakes(&args, "hs13_resumed_x25519", FTLS_PROTOCOL_TLS13, aes128, "X25519", true);
    handshakes(&args, "hs13_resumed_mlkem", FTLS_PROTOCOL_TLS13, aes128, "X25519MLKEM768",
               true);
    handshakes(&args, "hs12_resumed_x25519", FTLS_PROTOCOL_TLS12, tls12, "X25519", true);

    bulk(&args, "bulk_aes128", aes128, false);
    bulk(&args, "bulk_aes256", "TLS_AES_256_GCM_SHA384", false);
    bulk(&args, "bulk_chacha20", "TLS_CHACHA20_POLY1305_SHA256", false);
    bulk(&args, "bulk_aes128_copyfree", aes128, true);
    bulk(&args, "bulk_aes256_copyfree", "TLS_AES_256_GCM_SHA384", true);
    bulk(&args, "bulk_chacha20_copyfree", "TLS_CHACHA20_POLY1305_SHA256", true);

    memory(&args);
    threads(&args);
    return 0;
}
