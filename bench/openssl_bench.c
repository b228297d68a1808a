/*
 * openssl_bench: the system's OpenSSL (libssl), client and server in one process over memory
 * BIOs, measuring what ftls_bench measures. See bench.h and bench/run.rs (`make bench`).
 *
 *   openssl_bench CERTDIR HANDSHAKES BULK_MIB CONNECTIONS
 *
 * OpenSSL 3.0 has no X25519MLKEM768: those scenarios are left out, and the table says n/a.
 */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "bench.h"

#include <stdbool.h>

#define IMPL "openssl"

static void die_ssl(const char *what)
{
    fprintf(stderr, "openssl_bench: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(2);
}

static void need(int ok, const char *what)
{
    if (!ok) {
        die_ssl(what);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Contexts
 * ------------------------------------------------------------------------------------------ */

static void set_version_and_suite(SSL_CTX *ctx, int version, const char *suite)
{
    need(SSL_CTX_set_min_proto_version(ctx, version), "min version");
    need(SSL_CTX_set_max_proto_version(ctx, version), "max version");
    if (version == TLS1_3_VERSION) {
        need(SSL_CTX_set_ciphersuites(ctx, suite), "TLS 1.3 suite");
    } else {
        need(SSL_CTX_set_cipher_list(ctx, suite), "TLS 1.2 suite");
    }
}

static SSL_CTX *client_ctx(const bench_args *args, int version, const char *suite)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    char ca[4096];
    need(ctx != NULL, "SSL_CTX_new");
    bench_path(ca, sizeof ca, args->cert_dir, "ca.pem");
    need(SSL_CTX_load_verify_locations(ctx, ca, NULL), "load ca.pem");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    set_version_and_suite(ctx, version, suite);
    /* X25519 for the key exchange; TLS 1.2 also needs the certificate's curve listed. */
    need(SSL_CTX_set1_groups_list(ctx, version == TLS1_2_VERSION ? "X25519:P-256" : "X25519"),
         "groups");
    return ctx;
}

/* TLS 1.3: stateless tickets (the default); TLS 1.2: session IDs, no tickets. For full
 * handshakes (`resume` false) neither: the server keeps no session and issues no ticket. */
static SSL_CTX *server_ctx(const bench_args *args, int version, const char *suite, bool resume)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    char cert[4096], key[4096];
    static const unsigned char context[] = "bench";
    need(ctx != NULL, "SSL_CTX_new");
    bench_path(cert, sizeof cert, args->cert_dir, "server.pem");
    bench_path(key, sizeof key, args->cert_dir, "server.key");
    need(SSL_CTX_use_certificate_chain_file(ctx, cert), "server.pem");
    need(SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM), "server.key");
    set_version_and_suite(ctx, version, suite);
    need(SSL_CTX_set1_groups_list(ctx, version == TLS1_2_VERSION ? "X25519:P-256" : "X25519"),
         "groups");
    need(SSL_CTX_set_session_id_context(ctx, context, sizeof context - 1), "id context");
    if (version == TLS1_2_VERSION) {
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    }
    if (!resume) {
        need(SSL_CTX_set_num_tickets(ctx, 0), "no tickets");
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    }
    return ctx;
}

/* ---------------------------------------------------------------------------------------------
 * A client and a server over two memory BIOs
 * ------------------------------------------------------------------------------------------ */

typedef struct {
    SSL *client;
    SSL *server;
    BIO *to_server;
    BIO *to_client;
} pair;

/* One step of a side: the handshake, or reading what followed it (tickets). */
static void step(SSL *ssl, BIO *incoming)
{
    int r;
    if (!SSL_is_init_finished(ssl)) {
        r = SSL_do_handshake(ssl);
    } else if (BIO_ctrl_pending(incoming) > 0) {
        unsigned char byte;
        r = SSL_read(ssl, &byte, 1);
        if (r > 0) {
            bench_die("unexpected application data");
        }
    } else {
        return;
    }
    if (r <= 0) {
        int err = SSL_get_error(ssl, r);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
            die_ssl("handshake");
        }
    }
}

static void pump(pair *p, bench_sides *sides)
{
    for (;;) {
        uint64_t t0 = bench_now_ns(), t1, t2;
        step(p->client, p->to_client);
        t1 = bench_now_ns();
        step(p->server, p->to_server);
        t2 = bench_now_ns();
        sides->client_ns += t1 - t0;
        sides->server_ns += t2 - t1;
        if (SSL_is_init_finished(p->client) && SSL_is_init_finished(p->server) &&
            BIO_ctrl_pending(p->to_server) == 0 && BIO_ctrl_pending(p->to_client) == 0) {
            return;
        }
    }
}

static void pair_open(pair *p, SSL_CTX *cc, SSL_CTX *sc, SSL_SESSION *session,
                      bench_sides *sides)
{
    uint64_t t0 = bench_now_ns(), t1, t2;
    p->to_server = BIO_new(BIO_s_mem());
    p->to_client = BIO_new(BIO_s_mem());
    need(p->to_server != NULL && p->to_client != NULL, "BIO_new");
    /* Each BIO belongs to both SSL objects. */
    need(BIO_up_ref(p->to_server) && BIO_up_ref(p->to_client), "BIO_up_ref");
    p->client = SSL_new(cc);
    need(p->client != NULL, "SSL_new");
    SSL_set_bio(p->client, p->to_client, p->to_server);
    need(SSL_set_tlsext_host_name(p->client, "localhost"), "SNI");
    need(SSL_set1_host(p->client, "localhost"), "host");
    if (session != NULL) {
        need(SSL_set_session(p->client, session), "SSL_set_session");
    }
    SSL_set_connect_state(p->client);
    t1 = bench_now_ns();
    p->server = SSL_new(sc);
    need(p->server != NULL, "SSL_new");
    SSL_set_bio(p->server, p->to_server, p->to_client);
    SSL_set_accept_state(p->server);
    t2 = bench_now_ns();
    sides->client_ns += t1 - t0;
    sides->server_ns += t2 - t1;
    pump(p, sides);
}

/* Without a shutdown, SSL_free marks the session unresumable; the other libraries send no
 * close_notify either, so none is sent here (a quiet shutdown). */
static void pair_close(pair *p, bench_sides *sides)
{
    uint64_t t0 = bench_now_ns(), t1, t2;
    SSL_set_shutdown(p->client, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_set_shutdown(p->server, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(p->client);
    t1 = bench_now_ns();
    SSL_free(p->server);
    t2 = bench_now_ns();
    sides->client_ns += t1 - t0;
    sides->server_ns += t2 - t1;
}

/* ---------------------------------------------------------------------------------------------
 * Handshakes
 * ------------------------------------------------------------------------------------------ */

static void handshakes(const bench_args *args, const char *scenario, int version,
                       const char *suite, bool resume)
{
    if (!bench_wanted(scenario)) {
        return;
    }
    SSL_CTX *cc = client_ctx(args, version, suite);
    SSL_CTX *sc = server_ctx(args, version, suite, resume);
    SSL_SESSION *session = NULL;
    bench_sides sides = {0, 0}, warmup = {0, 0};
    pair p;
    unsigned i, resumed = 0;
    uint64_t start = 0;
    for (i = 0; i < args->handshakes + 2; i++) {
        bool timed = i >= 2;
        if (i == 2) {
            start = bench_now_ns();
        }
        pair_open(&p, cc, sc, resume ? session : NULL, timed ? &sides : &warmup);
        if (timed) {
            resumed += SSL_session_reused(p.client);
        }
        if (resume) {
            /* The newest session (TLS 1.3: from the latest ticket). */
            SSL_SESSION_free(session);
            session = SSL_get1_session(p.client);
        }
        pair_close(&p, timed ? &sides : &warmup);
    }
    bench_report_handshakes(IMPL, scenario, args->handshakes, bench_now_ns() - start, sides);
    if (resumed != (resume ? args->handshakes : 0)) {
        fprintf(stderr, "openssl_bench: %s: %u of %u handshakes resumed\n", scenario, resumed,
                args->handshakes);
        exit(2);
    }
    SSL_SESSION_free(session);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}

/* ---------------------------------------------------------------------------------------------
 * Bulk transfer, server to client
 * ------------------------------------------------------------------------------------------ */

static void bulk(const bench_args *args, const char *scenario, const char *suite)
{
    if (!bench_wanted(scenario)) {
        return;
    }
    SSL_CTX *cc = client_ctx(args, TLS1_3_VERSION, suite);
    SSL_CTX *sc = server_ctx(args, TLS1_3_VERSION, suite, true);
    uint64_t total = (uint64_t)args->bulk_mib << 20, sent = 0, received = 0;
    bench_sides sides = {0, 0}, setup = {0, 0};
    uint8_t *plaintext = (uint8_t *)bench_alloc(BENCH_RECORD);
    uint8_t *into = (uint8_t *)bench_alloc(BENCH_RECORD);
    pair p;
    bench_fill(plaintext, BENCH_RECORD);
    pair_open(&p, cc, sc, NULL, &setup);
    while (sent < total) {
        uint64_t t0 = bench_now_ns(), t1, t2;
        int r = SSL_write(p.server, plaintext, BENCH_RECORD);
        if (r != (int)BENCH_RECORD) {
            die_ssl("SSL_write");
        }
        sent += (uint64_t)r;
        t1 = bench_now_ns();
        while ((r = SSL_read(p.client, into, BENCH_RECORD)) > 0) {
            received += (uint64_t)r;
        }
        if (SSL_get_error(p.client, r) != SSL_ERROR_WANT_READ) {
            die_ssl("SSL_read");
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
    free(plaintext);
    free(into);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}

/* The AEAD alone: seal and open 16 KiB records in place with libcrypto (the TLS 1.3 record
 * layout: 13-byte header as additional data, 16-byte tag, a fresh nonce each). */
static void aead(const bench_args *args, const char *scenario, const EVP_CIPHER *cipher)
{
    if (!bench_wanted(scenario)) {
        return;
    }
    EVP_CIPHER_CTX *seal = EVP_CIPHER_CTX_new(), *open = EVP_CIPHER_CTX_new();
    unsigned char key[32], iv[12], aad[13], tag[16];
    uint8_t *record = (uint8_t *)bench_alloc(BENCH_RECORD);
    uint64_t total = (uint64_t)args->bulk_mib << 20, done = 0, seq = 0;
    bench_sides sides = {0, 0};
    int n;
    memset(key, 7, sizeof key);
    memset(iv, 9, sizeof iv);
    memset(aad, 23, sizeof aad);
    bench_fill(record, BENCH_RECORD);
    need(seal != NULL && open != NULL, "EVP_CIPHER_CTX_new");
    need(EVP_EncryptInit_ex(seal, cipher, NULL, key, NULL), "seal init");
    need(EVP_DecryptInit_ex(open, cipher, NULL, key, NULL), "open init");
    while (done < total) {
        uint64_t t0 = bench_now_ns(), t1, t2;
        memcpy(iv + 4, &seq, sizeof seq);
        seq++;
        need(EVP_EncryptInit_ex(seal, NULL, NULL, NULL, iv), "seal iv");
        need(EVP_EncryptUpdate(seal, NULL, &n, aad, sizeof aad), "seal aad");
        need(EVP_EncryptUpdate(seal, record, &n, record, BENCH_RECORD), "seal");
        need(EVP_EncryptFinal_ex(seal, record + n, &n), "seal final");
        need(EVP_CIPHER_CTX_ctrl(seal, EVP_CTRL_AEAD_GET_TAG, 16, tag), "tag");
        t1 = bench_now_ns();
        need(EVP_DecryptInit_ex(open, NULL, NULL, NULL, iv), "open iv");
        need(EVP_DecryptUpdate(open, NULL, &n, aad, sizeof aad), "open aad");
        need(EVP_DecryptUpdate(open, record, &n, record, BENCH_RECORD), "open");
        need(EVP_CIPHER_CTX_ctrl(open, EVP_CTRL_AEAD_SET_TAG, 16, tag), "set tag");
        need(EVP_DecryptFinal_ex(open, record + n, &n) > 0, "open: tag mismatch");
        t2 = bench_now_ns();
        sides.server_ns += t1 - t0;
        sides.client_ns += t2 - t1;
        done += BENCH_RECORD;
    }
    bench_report(IMPL, scenario, "seal_MBps", done / 1e6 / (sides.server_ns / 1e9));
    bench_report(IMPL, scenario, "open_MBps", done / 1e6 / (sides.client_ns / 1e9));
    bench_report(IMPL, scenario, "MBps", done / 1e6 / ((sides.server_ns + sides.client_ns) / 1e9));
    free(record);
    EVP_CIPHER_CTX_free(seal);
    EVP_CIPHER_CTX_free(open);
}

/* ---------------------------------------------------------------------------------------------
 * Memory per connection
 * ------------------------------------------------------------------------------------------ */

static void exchange(SSL *from, SSL *to, size_t len)
{
    static uint8_t buf[BENCH_RECORD];
    size_t got = 0;
    int r;
    bench_fill(buf, sizeof buf);
    need(SSL_write(from, buf, (int)len) == (int)len, "SSL_write");
    while ((r = SSL_read(to, buf, sizeof buf)) > 0) {
        got += (size_t)r;
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
    const char *suite = "TLS_AES_128_GCM_SHA256";
    SSL_CTX *cc = client_ctx(args, TLS1_3_VERSION, suite);
    SSL_CTX *sc = server_ctx(args, TLS1_3_VERSION, suite, true);
    unsigned n = args->connections, i;
    pair *pairs = (pair *)calloc(n, sizeof *pairs);
    bench_sides ignored = {0, 0};
    size_t base, established, clients_only, after_traffic;
    if (pairs == NULL) {
        bench_die("out of memory");
    }
    pair_open(&pairs[0], cc, sc, NULL, &ignored);
    pair_close(&pairs[0], &ignored);

    base = bench_heap_in_use();
    for (i = 0; i < n; i++) {
        pair_open(&pairs[i], cc, sc, NULL, &ignored);
    }
    established = bench_heap_in_use();
    for (i = 0; i < n; i++) {
        exchange(pairs[i].client, pairs[i].server, BENCH_RECORD);
        exchange(pairs[i].server, pairs[i].client, BENCH_RECORD);
    }
    after_traffic = bench_heap_in_use();
    for (i = 0; i < n; i++) {
        SSL_free(pairs[i].server);
    }
    clients_only = bench_heap_in_use();
    /* The BIOs are shared by both sides: counted with the clients, which free them last. */
    bench_report_memory(IMPL, n, base, established, after_traffic, clients_only);
    for (i = 0; i < n; i++) {
        SSL_free(pairs[i].client);
    }
    free(pairs);
    SSL_CTX_free(cc);
    SSL_CTX_free(sc);
}

int main(int argc, char **argv)
{
    bench_args args = bench_parse_args(argc, argv, "openssl_bench");
    const char *aes128 = "TLS_AES_128_GCM_SHA256";
    const char *tls12 = "ECDHE-ECDSA-AES128-GCM-SHA256";

    bench_warming_up = 1;
    handshakes(&args, "hs13_full_x25519", TLS1_3_VERSION, aes128, false);
    bench_warming_up = 0;
    handshakes(&args, "hs13_full_x25519", TLS1_3_VERSION, aes128, false);
    handshakes(&args, "hs12_full_x25519", TLS1_2_VERSION, tls12, false);
    handshakes(&args, "hs13_resumed_x25519", TLS1_3_VERSION, aes128, true);
    handshakes(&args, "hs12_resumed_x25519", TLS1_2_VERSION, tls12, true);

    bulk(&args, "bulk_aes128", aes128);
    bulk(&args, "bulk_aes256", "TLS_AES_256_GCM_SHA384");
    bulk(&args, "bulk_chacha20", "TLS_CHACHA20_POLY1305_SHA256");

    aead(&args, "aead_aes128", EVP_aes_128_gcm());
    aead(&args, "aead_aes256", EVP_aes_256_gcm());
    aead(&args, "aead_chacha20", EVP_chacha20_poly1305());

    memory(&args);
    return 0;
}
