/*
 * rustls_ffi_bench: rustls-ffi (the other C binding of rustls, aws-lc-rs provider) through its
 * C API, client and server in one process over memory pipes: what bench/ftls_bench.c does,
 * call for call. See bench.h for the output and bench/run.rs for the driver (`make bench`).
 *
 *   rustls_ffi_bench CERTDIR HANDSHAKES BULK_MIB CONNECTIONS
 *
 * Where rustls-ffi (0.15) differs, the closest it offers:
 * - it cannot choose key-exchange groups: its default provider prefers X25519MLKEM768, so only
 *   the X25519MLKEM768 TLS 1.3 rows are measured (TLS 1.2 uses X25519 all the same);
 * - it has no ticketer: TLS 1.3 resumption uses its server's session cache (stateful tickets);
 * - a client always keeps sessions: full handshakes stay full because the server keeps no
 *   session and issues no ticket (as in every program);
 * - copy-free: it writes TLS records with rustls_connection_write_tls_vectored but has no
 *   borrowed read, so its copy-free rows read plaintext with rustls_connection_read.
 */
#include <rustls.h>

#include "bench.h"

#include <stdbool.h>
#include <sys/uio.h>

#define IMPL "rustls-ffi"

/* IANA numbers of the suites measured. */
enum {
    TLS13_AES_128_GCM_SHA256 = 0x1301,
    TLS13_AES_256_GCM_SHA384 = 0x1302,
    TLS13_CHACHA20_POLY1305_SHA256 = 0x1303,
    TLS12_ECDHE_ECDSA_AES128_GCM_SHA256 = 0xc02b
};

static void check(rustls_result r, const char *what)
{
    if (r != RUSTLS_RESULT_OK) {
        char message[512];
        size_t n = 0;
        rustls_error((unsigned)r, message, sizeof message - 1, &n);
        message[n] = '\0';
        fprintf(stderr, "rustls_ffi_bench: %s: %s (%u)\n", what, message, (unsigned)r);
        exit(2);
    }
}

static void check_io(rustls_io_result r, const char *what)
{
    if (r != 0) {
        fprintf(stderr, "rustls_ffi_bench: %s: %s\n", what, strerror(r));
        exit(2);
    }
}

/* A whole file in memory (the certificate chain and key). */
static uint8_t *read_file(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data;
    long len;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        bench_die("cannot read a certificate file");
    }
    data = (uint8_t *)bench_alloc((size_t)len + 1);
    if (fread(data, 1, (size_t)len, f) != (size_t)len) {
        bench_die("cannot read a certificate file");
    }
    fclose(f);
    *out_len = (size_t)len;
    return data;
}

/* ---------------------------------------------------------------------------------------------
 * Configs
 * ------------------------------------------------------------------------------------------ */

/* The default provider restricted to the suite with this IANA number. */
static const struct rustls_crypto_provider *provider_with_suite(uint16_t suite)
{
    struct rustls_crypto_provider_builder *b = NULL;
    const struct rustls_crypto_provider *provider = NULL;
    const struct rustls_supported_ciphersuite *chosen = NULL;
    size_t i;
    for (i = 0; i < rustls_default_crypto_provider_ciphersuites_len(); i++) {
        const struct rustls_supported_ciphersuite *s =
            rustls_default_crypto_provider_ciphersuites_get(i);
        if (rustls_supported_ciphersuite_get_suite(s) == suite) {
            chosen = s;
        }
    }
    if (chosen == NULL) {
        bench_die("rustls-ffi's default provider lacks a cipher suite");
    }
    check(rustls_crypto_provider_builder_new_from_default(&b), "provider builder");
    check(rustls_crypto_provider_builder_set_cipher_suites(b, &chosen, 1), "cipher suite");
    check(rustls_crypto_provider_builder_build(b, &provider), "provider");
    rustls_crypto_provider_builder_free(b);
    return provider;
}

static const struct rustls_client_config *client_config(const bench_args *args, uint16_t version,
                                                        uint16_t suite)
{
    const struct rustls_crypto_provider *provider = provider_with_suite(suite);
    struct rustls_root_cert_store_builder *roots = rustls_root_cert_store_builder_new();
    const struct rustls_root_cert_store *store = NULL;
    struct rustls_web_pki_server_cert_verifier_builder *vb;
    struct rustls_server_cert_verifier *verifier = NULL;
    struct rustls_client_config_builder *b = NULL;
    const struct rustls_client_config *config = NULL;
    char path[4096];
    bench_path(path, sizeof path, args->cert_dir, "ca.pem");
    check(rustls_root_cert_store_builder_load_roots_from_file(roots, path, true), "load ca.pem");
    check(rustls_root_cert_store_builder_build(roots, &store), "root store");
    vb = rustls_web_pki_server_cert_verifier_builder_new_with_provider(provider, store);
    check(rustls_web_pki_server_cert_verifier_builder_build(vb, &verifier), "verifier");
    check(rustls_client_config_builder_new_custom(provider, &version, 1, &b), "client builder");
    rustls_client_config_builder_set_server_verifier(b, verifier);
    check(rustls_client_config_builder_build(b, &config), "client build");
    rustls_server_cert_verifier_free(verifier);
    rustls_web_pki_server_cert_verifier_builder_free(vb);
    rustls_root_cert_store_free(store);
    rustls_root_cert_store_builder_free(roots);
    rustls_crypto_provider_free(provider);
    return config;
}

/* A session store that keeps nothing: full handshakes stay full. */
static uint32_t store_nothing_get(void *userdata, const struct rustls_slice_bytes *key,
                                  int remove_after, uint8_t *buf, size_t count, size_t *out_n)
{
    (void)userdata, (void)key, (void)remove_after, (void)buf, (void)count, (void)out_n;
    return RUSTLS_RESULT_NOT_FOUND;
}

static uint32_t store_nothing_put(void *userdata, const struct rustls_slice_bytes *key,
                                  const struct rustls_slice_bytes *val)
{
    (void)userdata, (void)key, (void)val;
    return RUSTLS_RESULT_OK;
}

static const struct rustls_server_config *server_config(const bench_args *args, uint16_t version,
                                                        bool resume)
{
    const struct rustls_crypto_provider *provider = rustls_crypto_provider_default();
    struct rustls_server_config_builder *b = NULL;
    const struct rustls_server_config *config = NULL;
    const struct rustls_certified_key *key = NULL;
    char cert_path[4096], key_path[4096];
    size_t cert_len, key_len;
    uint8_t *cert_pem, *key_pem;
    bench_path(cert_path, sizeof cert_path, args->cert_dir, "server.pem");
    bench_path(key_path, sizeof key_path, args->cert_dir, "server.key");
    cert_pem = read_file(cert_path, &cert_len);
    key_pem = read_file(key_path, &key_len);
    check(rustls_certified_key_build(cert_pem, cert_len, key_pem, key_len, &key),
          "server identity");
    check(rustls_server_config_builder_new_custom(provider, &version, 1, &b), "server builder");
    check(rustls_server_config_builder_set_certified_keys(b, &key, 1), "server key");
    if (!resume) {
        rustls_server_config_builder_set_persistence(b, store_nothing_get, store_nothing_put);
        check(rustls_server_config_builder_set_send_tls13_tickets(b, 0), "no tickets");
    }
    check(rustls_server_config_builder_build(b, &config), "server build");
    rustls_certified_key_free(key);
    free(cert_pem);
    free(key_pem);
    return config;
}

/* ---------------------------------------------------------------------------------------------
 * A client and a server over two memory pipes
 * ------------------------------------------------------------------------------------------ */

typedef struct {
    struct rustls_connection *client;
    struct rustls_connection *server;
    bench_pipe to_server;
    bench_pipe to_client;
} pair;

static rustls_io_result pipe_write(void *userdata, const uint8_t *buf, size_t len,
                                   size_t *out_n)
{
    bench_pipe_push((bench_pipe *)userdata, buf, len);
    *out_n = len;
    return 0;
}

/* rustls_iovec is Rust's IoSlice: a struct iovec on Unix. */
static rustls_io_result pipe_write_vectored(void *userdata, const struct rustls_iovec *iov,
                                            size_t count, size_t *out_n)
{
    const struct iovec *bufs = (const struct iovec *)(const void *)iov;
    bench_pipe *p = (bench_pipe *)userdata;
    size_t i, total = 0;
    uint8_t *to;
    for (i = 0; i < count; i++) {
        total += bufs[i].iov_len;
    }
    to = bench_pipe_reserve(p, total);
    for (i = 0; i < count; i++) {
        bench_copy(to, (const uint8_t *)bufs[i].iov_base, bufs[i].iov_len);
        to += bufs[i].iov_len;
    }
    p->end += total;
    *out_n = total;
    return 0;
}

static rustls_io_result pipe_read(void *userdata, uint8_t *buf, size_t len, size_t *out_n)
{
    bench_pipe *p = (bench_pipe *)userdata;
    if (bench_pipe_len(p) == 0) {
        return EAGAIN;
    }
    *out_n = bench_pipe_pull(p, buf, len);
    return 0;
}

/* Moves everything `conn` has queued into `p`; returns whether there was anything. */
static bool flush_into(struct rustls_connection *conn, bench_pipe *p, bool vectored)
{
    bool any = false;
    size_t n;
    while (rustls_connection_wants_write(conn)) {
        if (vectored) {
            check_io(rustls_connection_write_tls_vectored(conn, pipe_write_vectored, p, &n),
                     "write_tls_vectored");
        } else {
            check_io(rustls_connection_write_tls(conn, pipe_write, p, &n), "write_tls");
        }
        any = true;
    }
    return any;
}

/* Hands `conn` everything in `p`, processing as it goes. */
static void feed_from(struct rustls_connection *conn, bench_pipe *p)
{
    size_t n;
    while (bench_pipe_len(p) > 0) {
        check_io(rustls_connection_read_tls(conn, pipe_read, p, &n), "read_tls");
        check(rustls_connection_process_new_packets(conn), "process_new_packets");
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

static void pair_open(pair *p, const struct rustls_client_config *cc,
                      const struct rustls_server_config *sc, bench_sides *sides)
{
    uint64_t t0 = bench_now_ns(), t1, t2;
    check(rustls_client_connection_new(cc, "localhost", &p->client), "client connection");
    t1 = bench_now_ns();
    check(rustls_server_connection_new(sc, &p->server), "server connection");
    t2 = bench_now_ns();
    sides->client_ns += t1 - t0;
    sides->server_ns += t2 - t1;
    pump(p, sides);
    if (rustls_connection_is_handshaking(p->client) ||
        rustls_connection_is_handshaking(p->server)) {
        bench_die("the handshake did not complete");
    }
}

static void pair_close(pair *p, bench_sides *sides)
{
    uint64_t t0 = bench_now_ns(), t1, t2;
    rustls_connection_free(p->client);
    t1 = bench_now_ns();
    rustls_connection_free(p->server);
    t2 = bench_now_ns();
    sides->client_ns += t1 - t0;
    sides->server_ns += t2 - t1;
    p->client = p->server = NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Handshakes
 * ------------------------------------------------------------------------------------------ */

static void handshakes(const bench_args *args, const char *scenario, uint16_t version,
                       uint16_t suite, bool resume)
{
    if (!bench_wanted(scenario)) {
        return;
    }
    const struct rustls_client_config *cc = client_config(args, version, suite);
    const struct rustls_server_config *sc = server_config(args, version, resume);
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
        resumed += rustls_connection_handshake_kind(p.client) == RUSTLS_HANDSHAKE_KIND_RESUMED;
        pair_close(&p, &sides);
    }
    bench_report_handshakes(IMPL, scenario, args->handshakes, bench_now_ns() - start, sides);
    if (resumed != (resume ? args->handshakes : 0)) {
        fprintf(stderr, "rustls_ffi_bench: %s: %u of %u handshakes resumed\n", scenario,
                resumed, args->handshakes);
        exit(2);
    }
    bench_pipe_free(&p.to_server);
    bench_pipe_free(&p.to_client);
    rustls_client_config_free(cc);
    rustls_server_config_free(sc);
}

/* ---------------------------------------------------------------------------------------------
 * Bulk transfer, server to client
 * ------------------------------------------------------------------------------------------ */

static void bulk(const bench_args *args, const char *scenario, uint16_t suite, bool copy_free)
{
    if (!bench_wanted(scenario)) {
        return;
    }
    const struct rustls_client_config *cc =
        client_config(args, RUSTLS_TLS_VERSION_TLSV1_3, suite);
    const struct rustls_server_config *sc =
        server_config(args, RUSTLS_TLS_VERSION_TLSV1_3, true);
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
        check(rustls_connection_write(p.server, plaintext, BENCH_RECORD, &n), "write");
        if (n != BENCH_RECORD) {
            bench_die("short write");
        }
        sent += n;
        flush_into(p.server, &p.to_client, copy_free);
        t1 = bench_now_ns();
        while (bench_pipe_len(&p.to_client) > 0) {
            rustls_result r;
            check_io(rustls_connection_read_tls(p.client, pipe_read, &p.to_client, &n),
                     "read_tls");
            check(rustls_connection_process_new_packets(p.client), "process");
            while ((r = rustls_connection_read(p.client, into, BENCH_RECORD, &n)) ==
                       RUSTLS_RESULT_OK &&
                   n > 0) {
                received += n;
            }
            if (r != RUSTLS_RESULT_PLAINTEXT_EMPTY) {
                check(r == RUSTLS_RESULT_OK ? RUSTLS_RESULT_UNEXPECTED_EOF : r, "read");
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
    rustls_client_config_free(cc);
    rustls_server_config_free(sc);
}

/* ---------------------------------------------------------------------------------------------
 * Memory per connection
 * ------------------------------------------------------------------------------------------ */

/* Sends `len` bytes from `from` to `to` and reads them there. */
static void exchange(struct rustls_connection *from, bench_pipe *wire,
                     struct rustls_connection *to, size_t len)
{
    static uint8_t buf[BENCH_RECORD];
    size_t n, got = 0;
    bench_fill(buf, sizeof buf);
    check(rustls_connection_write(from, buf, len, &n), "write");
    flush_into(from, wire, false);
    feed_from(to, wire);
    while (rustls_connection_read(to, buf, sizeof buf, &n) == RUSTLS_RESULT_OK && n > 0) {
        got += n;
    }
    if (got != len) {
        bench_die("exchange lost data");
    }
}

/* With a server that issues no ticket: its tickets are stateful, and the server's cache and the
 * client's would be counted per connection (ftls' stateless tickets cost neither). */
static void memory(const bench_args *args)
{
    if (!bench_wanted("memory")) {
        return;
    }
    const struct rustls_client_config *cc =
        client_config(args, RUSTLS_TLS_VERSION_TLSV1_3, TLS13_AES_128_GCM_SHA256);
    const struct rustls_server_config *sc =
        server_config(args, RUSTLS_TLS_VERSION_TLSV1_3, false);
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
        rustls_connection_free(pairs[i].server);
    }
    clients_only = bench_heap_in_use();
    bench_report_memory(IMPL, n, base, established, after_traffic, clients_only);
    for (i = 0; i < n; i++) {
        rustls_connection_free(pairs[i].client);
    }
    free(pairs);
    rustls_client_config_free(cc);
    rustls_server_config_free(sc);
}

int main(int argc, char **argv)
{
    bench_args args = bench_parse_args(argc, argv, "rustls_ffi_bench");
    const uint16_t tls13 = RUSTLS_TLS_VERSION_TLSV1_3, tls12 = RUSTLS_TLS_VERSION_TLSV1_2;

    bench_warming_up = 1;
    handshakes(&args, "hs13_full_mlkem", tls13, TLS13_AES_128_GCM_SHA256, false);
    bench_warming_up = 0;
    handshakes(&args, "hs13_full_mlkem", tls13, TLS13_AES_128_GCM_SHA256, false);
    handshakes(&args, "hs12_full_x25519", tls12, TLS12_ECDHE_ECDSA_AES128_GCM_SHA256, false);
    handshakes(&args, "hs13_resumed_mlkem", tls13, TLS13_AES_128_GCM_SHA256, true);
    handshakes(&args, "hs12_resumed_x25519", tls12, TLS12_ECDHE_ECDSA_AES128_GCM_SHA256, true);

    bulk(&args, "bulk_aes128", TLS13_AES_128_GCM_SHA256, false);
    bulk(&args, "bulk_aes256", TLS13_AES_256_GCM_SHA384, false);
    bulk(&args, "bulk_chacha20", TLS13_CHACHA20_POLY1305_SHA256, false);
    bulk(&args, "bulk_aes128_copyfree", TLS13_AES_128_GCM_SHA256, true);
    bulk(&args, "bulk_aes256_copyfree", TLS13_AES_256_GCM_SHA384, true);
    bulk(&args, "bulk_chacha20_copyfree", TLS13_CHACHA20_POLY1305_SHA256, true);

    memory(&args);
    return 0;
}
