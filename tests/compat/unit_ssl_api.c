/*
 * The SSL and SSL_CTX calls a legacy program makes around its connections, client and server
 * in one process over memory BIOs: methods (the TLS 1.2 ones, the refused TLS 1.0 / 1.1
 * ones), options and verification settings at both levels, the identity from an EVP_PKEY,
 * client CA names, ex_data, a TLS 1.3 and a TLS 1.2 handshake with SSL_want / SSL_in_before
 * along the way, peek, the session and the cipher of each, the cipher list, the verify
 * result, quiet shutdown, reference counts, the SSL filter BIO on a memory-BIO SSL, the accept
 * BIO's type, X509_STORE loading. Built unchanged against the system OpenSSL and against
 * ftls' root; the two stdouts must be identical. What ftls does differently by design goes to
 * stderr (each build's is checked by compat/tests/crypto_units.rs).
 *
 *   unit_ssl_api CERT.pem KEY.pem CA.pem OTHER_RSA_KEY.pem
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_errors(FILE *out, const char *label)
{
    unsigned long e;
    fprintf(out, "%s:", label);
    while ((e = ERR_get_error()) != 0)
        fprintf(out, " lib=%d reason=%d", ERR_GET_LIB(e), ERR_GET_REASON(e));
    fprintf(out, "\n");
}

static void die(const char *what)
{
    printf("FAILED: %s\n", what);
    print_errors(stdout, "errors");
    exit(1);
}

static EVP_PKEY *read_key(const char *path)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *key;
    if (f == NULL)
        die(path);
    key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (key == NULL)
        die(path);
    return key;
}

static X509 *read_cert(const char *path)
{
    FILE *f = fopen(path, "r");
    X509 *cert;
    if (f == NULL)
        die(path);
    cert = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (cert == NULL)
        die(path);
    return cert;
}

/* A client and a server SSL joined by two memory BIOs, each BIO shared by both ends. */
static void join(SSL *client, SSL *server)
{
    BIO *c2s = BIO_new(BIO_s_mem()), *s2c = BIO_new(BIO_s_mem());
    BIO_up_ref(c2s);
    BIO_up_ref(s2c);
    SSL_set0_wbio(client, c2s);
    SSL_set0_rbio(client, s2c);
    SSL_set0_rbio(server, c2s);
    SSL_set0_wbio(server, s2c);
    printf("join: client rbio is server wbio %d, client wbio is server rbio %d\n",
           SSL_get_rbio(client) == SSL_get_wbio(server),
           SSL_get_wbio(client) == SSL_get_rbio(server));
}

/* Runs the handshake to its end, printing where each side stands after its first step. */
static void handshake(const char *label, SSL *client, SSL *server)
{
    int rounds, cdone = 0, sdone = 0, r;
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    printf("%s: before: in_before %d %d session %s\n", label, SSL_in_before(client),
           SSL_in_before(server), SSL_get_session(client) ? "set" : "NULL");
    r = SSL_do_handshake(client);
    printf("%s: client first step %d error %d want %d in_before %d in_init %d\n", label, r,
           SSL_get_error(client, r), SSL_want(client), SSL_in_before(client),
           SSL_in_init(client));
    r = SSL_do_handshake(server);
    printf("%s: server first step %d error %d want %d in_before %d\n", label, r,
           SSL_get_error(server, r), SSL_want(server), SSL_in_before(server));
    for (rounds = 0; rounds < 20 && !(cdone && sdone); rounds++) {
        if (!cdone) {
            r = SSL_do_handshake(client);
            cdone = r == 1;
            if (r <= 0 && SSL_get_error(client, r) != SSL_ERROR_WANT_READ)
                die("client handshake");
        }
        if (!sdone) {
            r = SSL_do_handshake(server);
            sdone = r == 1;
            if (r <= 0 && SSL_get_error(server, r) != SSL_ERROR_WANT_READ)
                die("server handshake");
        }
    }
    printf("%s: done %d %d in_before %d %d in_init %d %d verify %ld\n", label, cdone, sdone,
           SSL_in_before(client), SSL_in_before(server), SSL_in_init(client),
           SSL_in_init(server), SSL_get_verify_result(client));
    printf("%s: version %s 0x%x 0x%x\n", label, SSL_get_version(client), SSL_version(client),
           SSL_version(server));
    {
        const SSL_CIPHER *c = SSL_get_current_cipher(client);
        printf("%s: cipher %s id 0x%08lx protocol id 0x%04x\n", label, SSL_CIPHER_get_name(c),
               (unsigned long)SSL_CIPHER_get_id(c), (unsigned)SSL_CIPHER_get_protocol_id(c));
    }
}

/* Application data both ways, the server peeking before it reads. */
static void exchange(const char *label, SSL *client, SSL *server)
{
    char buf[64];
    size_t n = 0;
    int r;
    r = SSL_read(server, buf, sizeof buf);
    printf("%s: empty read %d error %d want %d\n", label, r, SSL_get_error(server, r),
           SSL_want(server));
    r = SSL_write(client, "hello, peek", 11);
    printf("%s: client write %d want %d\n", label, r, SSL_want(client));
    r = SSL_peek_ex(server, buf, 5, &n);
    printf("%s: peek_ex %d n %lu '%.*s' pending %d\n", label, r, (unsigned long)n, (int)n, buf,
           SSL_pending(server));
    r = SSL_peek_ex(server, buf, sizeof buf, &n);
    printf("%s: peek_ex again %d n %lu '%.*s'\n", label, r, (unsigned long)n, (int)n, buf);
    r = SSL_read_ex(server, buf, sizeof buf, &n);
    printf("%s: read_ex %d n %lu '%.*s' pending %d\n", label, r, (unsigned long)n, (int)n, buf,
           SSL_pending(server));
    r = SSL_write(server, "and back", 8);
    n = 0;
    r = SSL_read_ex(client, buf, sizeof buf, &n);
    printf("%s: client read_ex %d '%.*s' want %d\n", label, r, (int)n, buf, SSL_want(client));
}

/* The session of a finished connection: a borrowed pointer, given a reference of its own. */
static void session(const char *label, SSL *client)
{
    SSL_SESSION *sess = SSL_get_session(client);
    if (sess == NULL) {
        printf("%s: no session\n", label);
        return;
    }
    printf("%s: session protocol 0x%x", label, SSL_SESSION_get_protocol_version(sess));
    printf(" up_ref %d\n", SSL_SESSION_up_ref(sess));
    printf("%s: session timeout %ld", label, SSL_SESSION_get_timeout(sess));
    printf(" set_timeout %ld", SSL_SESSION_set_timeout(sess, 300));
    printf(" -> %ld\n", SSL_SESSION_get_timeout(sess));
    printf("%s: same session after up_ref %d\n", label, SSL_get_session(client) == sess);
    SSL_SESSION_free(sess);
}

/* Quiet shutdown on the client (nothing sent), a normal one on the server. */
static void shutdown_both(const char *label, SSL *client, SSL *server)
{
    BIO *c2s = SSL_get_wbio(client), *s2c = SSL_get_wbio(server);
    int r;
    printf("%s: quiet_shutdown %d", label, SSL_get_quiet_shutdown(client));
    SSL_set_quiet_shutdown(client, 1);
    printf(" -> %d (server %d)\n", SSL_get_quiet_shutdown(client),
           SSL_get_quiet_shutdown(server));
    r = SSL_shutdown(client);
    printf("%s: quiet client shutdown %d state %d sent %d\n", label, r, SSL_get_shutdown(client),
           (int)BIO_pending(c2s));
    r = SSL_shutdown(server);
    printf("%s: server shutdown %d state %d sent %d\n", label, r, SSL_get_shutdown(server),
           BIO_pending(s2c) > 0);
}

static void old_methods(void)
{
    struct {
        const char *name;
        const SSL_METHOD *method;
    } old[] = {
        {"TLSv1_method", TLSv1_method()},
        {"TLSv1_client_method", TLSv1_client_method()},
        {"TLSv1_server_method", TLSv1_server_method()},
        {"TLSv1_1_method", TLSv1_1_method()},
        {"TLSv1_1_server_method", TLSv1_1_server_method()},
    };
    size_t i;
    for (i = 0; i < sizeof old / sizeof old[0]; i++) {
        SSL_CTX *ctx;
        int usable = 0;
        ERR_clear_error();
        ctx = SSL_CTX_new(old[i].method);
        /* OpenSSL makes the context and refuses at the handshake (no protocol its security
         * level allows); ftls refuses at SSL_CTX_new, by design (docs/openssl-compat.md,
         * SSL_CTX_new): where it stops and why differ, so they go to stderr. */
        fprintf(stderr, "%s: SSL_CTX_new %s\n", old[i].name, ctx ? "made" : "NULL");
        print_errors(stderr, "  errors");
        if (ctx != NULL) {
            SSL *ssl = SSL_new(ctx);
            BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_mem());
            SSL_set_bio(ssl, in, out);
            if (strstr(old[i].name, "server"))
                usable = SSL_accept(ssl) > 0 || SSL_get_error(ssl, -1) == SSL_ERROR_WANT_READ;
            else
                usable = SSL_connect(ssl) > 0 || BIO_pending(out) > 0;
            print_errors(stderr, "  handshake errors");
            SSL_free(ssl);
            SSL_CTX_free(ctx);
        }
        fprintf(stderr, "%s: a handshake can start %d\n", old[i].name, usable);
        printf("%s: a method %d\n", old[i].name, old[i].method != NULL);
    }
}

static void print_names(const char *label, STACK_OF(X509_NAME) *names)
{
    int i;
    char buf[256];
    printf("%s: %d names\n", label, names ? sk_X509_NAME_num(names) : -1);
    for (i = 0; names && i < sk_X509_NAME_num(names); i++)
        printf("  %s\n", X509_NAME_oneline(sk_X509_NAME_value(names, i), buf, sizeof buf));
}

int main(int argc, char **argv)
{
    SSL_CTX *sctx, *cctx, *s12ctx, *c12ctx;
    SSL *client, *server;
    X509 *ca, *leaf;
    EVP_PKEY *key, *other;
    X509_STORE *store;
    static int marker;
    int idx, i;

    if (argc != 5) {
        fprintf(stderr, "usage: %s CERT.pem KEY.pem CA.pem OTHER_RSA_KEY.pem\n", argv[0]);
        return 1;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    old_methods();

    /* The server's identity: the certificate, then the key as an EVP_PKEY (a key of another
     * certificate first, refused). */
    sctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_file(sctx, argv[1], SSL_FILETYPE_PEM) != 1)
        die("server certificate");
    key = read_key(argv[2]);
    other = read_key(argv[4]);
    printf("use_PrivateKey other key: %d\n", SSL_CTX_use_PrivateKey(sctx, other));
    print_errors(stdout, "  errors");
    i = SSL_CTX_use_PrivateKey(sctx, key);
    printf("use_PrivateKey own key: %d check %d\n", i, SSL_CTX_check_private_key(sctx));
    print_errors(stdout, "  errors");

    /* Client CA names, read back. */
    ca = read_cert(argv[3]);
    leaf = read_cert(argv[1]);
    print_names("client CA list at first", SSL_CTX_get_client_CA_list(sctx));
    i = SSL_CTX_add_client_CA(sctx, ca);
    printf("add_client_CA %d %d\n", i, SSL_CTX_add_client_CA(sctx, leaf));
    print_names("client CA list", SSL_CTX_get_client_CA_list(sctx));

    /* ex_data on a context: a new index, a pointer stored and read back. */
    idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    i = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    printf("ex_data: index > 0 %d, next differs %d, unset %s\n", idx > 0, i != idx,
           SSL_CTX_get_ex_data(sctx, idx) ? "set" : "NULL");
    printf("ex_data: set %d", SSL_CTX_set_ex_data(sctx, idx, &marker));
    printf(" get same %d other index %s app_data %s\n", SSL_CTX_get_ex_data(sctx, idx) == &marker,
           SSL_CTX_get_ex_data(sctx, i) ? "set" : "NULL",
           SSL_CTX_get_app_data(sctx) ? "set" : "NULL");
    printf("num_tickets %lu", (unsigned long)SSL_CTX_get_num_tickets(sctx));
    SSL_CTX_set_num_tickets(sctx, 1);
    printf(" -> %lu\n", (unsigned long)SSL_CTX_get_num_tickets(sctx));

    /* The client trusts the CA through its store; verification settings at the context. */
    cctx = SSL_CTX_new(TLS_client_method());
    store = SSL_CTX_get_cert_store(cctx);
    printf("store: load_locations file %d\n", X509_STORE_load_locations(store, argv[3], NULL));
    printf("store: load_locations missing file %d\n",
           X509_STORE_load_locations(store, "/nonexistent/ca.pem", NULL));
    print_errors(stdout, "  errors");
    printf("store: load_locations missing dir %d\n",
           X509_STORE_load_locations(store, NULL, "/nonexistent/certs"));
    print_errors(stdout, "  errors");
    printf("verify at first: ctx mode %d depth %d, server ctx mode %d depth %d\n",
           SSL_CTX_get_verify_mode(cctx), SSL_CTX_get_verify_depth(cctx),
           SSL_CTX_get_verify_mode(sctx), SSL_CTX_get_verify_depth(sctx));
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_verify_depth(cctx, 4);
    printf("verify: ctx mode %d depth %d\n", SSL_CTX_get_verify_mode(cctx),
           SSL_CTX_get_verify_depth(cctx));

    /* Options at the context, then at a connection (which starts from the context's). */
    printf("options: ctx 0x%llx", (unsigned long long)SSL_CTX_get_options(cctx));
    printf(" set 0x%llx", (unsigned long long)SSL_CTX_set_options(cctx, SSL_OP_NO_TICKET));
    printf(" clear 0x%llx\n",
           (unsigned long long)SSL_CTX_clear_options(cctx, SSL_OP_NO_COMPRESSION));

    /* TLS 1.3. */
    client = SSL_new(cctx);
    server = SSL_new(sctx);
    printf("options: ssl 0x%llx", (unsigned long long)SSL_get_options(client));
    printf(" set 0x%llx",
           (unsigned long long)SSL_set_options(client, SSL_OP_CIPHER_SERVER_PREFERENCE));
    printf(" clear 0x%llx",
           (unsigned long long)SSL_clear_options(client, SSL_OP_NO_TICKET |
                                                             SSL_OP_CIPHER_SERVER_PREFERENCE));
    printf(" get 0x%llx ctx 0x%llx\n", (unsigned long long)SSL_get_options(client),
           (unsigned long long)SSL_CTX_get_options(cctx));
    printf("verify: ssl mode %d depth %d", SSL_get_verify_mode(client),
           SSL_get_verify_depth(client));
    SSL_set_verify(client, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    SSL_set_verify_depth(client, 2);
    printf(" -> mode %d depth %d, ctx still %d %d\n", SSL_get_verify_mode(client),
           SSL_get_verify_depth(client), SSL_CTX_get_verify_mode(cctx),
           SSL_CTX_get_verify_depth(cctx));
    SSL_set1_host(client, "localhost");
    for (i = 0; i < 5; i++)
        printf("default cipher list [%d]: %s\n", i, SSL_get_cipher_list(client, i));
    join(client, server);
    handshake("tls1.3", client, server);
    exchange("tls1.3", client, server);
    session("tls1.3", client);
    SSL_set_verify_result(client, X509_V_ERR_CERT_REVOKED);
    printf("tls1.3: verify result set %ld\n", SSL_get_verify_result(client));
    printf("tls1.3: up_ref %d", SSL_up_ref(client));
    SSL_free(client);
    printf(", after one free still version 0x%x\n", SSL_version(client));
    shutdown_both("tls1.3", client, server);
    SSL_free(client);
    SSL_free(server);

    /* TLS 1.2: a server context of the TLS 1.2 method, a client that turns TLS 1.3 off. */
    s12ctx = SSL_CTX_new(TLSv1_2_server_method());
    if (SSL_CTX_use_certificate_file(s12ctx, argv[1], SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey(s12ctx, key) != 1)
        die("TLS 1.2 server identity");
    if (SSL_CTX_set_cipher_list(cctx, "ECDHE+AESGCM") != 1)
        die("cipher list");
    client = SSL_new(cctx);
    server = SSL_new(s12ctx);
    printf("tls1.2: versions before 0x%x 0x%x\n", SSL_version(client), SSL_version(server));
    for (i = 0; i < 8; i++) {
        const char *name = SSL_get_cipher_list(client, i);
        printf("ECDHE+AESGCM cipher list [%d]: %s\n", i, name ? name : "NULL");
    }
    printf("tls1.2: set options 0x%llx\n",
           (unsigned long long)SSL_set_options(client, SSL_OP_NO_TLSv1_3));
    SSL_set1_host(client, "localhost");
    join(client, server);
    handshake("tls1.2", client, server);
    exchange("tls1.2", client, server);
    session("tls1.2", client);
    shutdown_both("tls1.2", client, server);

    /* The SSL filter BIO over a memory-BIO SSL: what goes through it reaches the peer. */
    {
        BIO *filter = BIO_new(BIO_f_ssl());
        SSL *inside = NULL;
        char buf[32];
        int n;
        SSL_free(client);
        SSL_free(server);
        client = SSL_new(cctx);
        server = SSL_new(s12ctx);
        SSL_set1_host(client, "localhost");
        join(client, server);
        handshake("filter", client, server);
        printf("filter: set_ssl %ld", BIO_set_ssl(filter, client, BIO_NOCLOSE));
        printf(" type %d name %s", BIO_method_type(filter), BIO_method_name(filter));
        BIO_get_ssl(filter, &inside);
        printf(" get_ssl same %d\n", inside == client);
        n = BIO_write(filter, "through the filter", 18);
        printf("filter: write %d", n);
        n = SSL_read(server, buf, sizeof buf);
        printf(" server read %d '%.*s'\n", n, n > 0 ? n : 0, buf);
        BIO_free(filter);
        printf("filter: client still usable after the BIO went: write %d\n",
               SSL_write(client, "x", 1));
    }
    {
        BIO *acceptor = BIO_new(BIO_s_accept());
        printf("accept: type %d name %s\n", BIO_method_type(acceptor), BIO_method_name(acceptor));
        BIO_free(acceptor);
    }
    {
        /* TLSv1_2_method serves either side. */
        c12ctx = SSL_CTX_new(TLSv1_2_method());
        printf("TLSv1_2_method: context %s", c12ctx ? "made" : "NULL");
        SSL_free(client);
        client = SSL_new(c12ctx);
        printf(" version before 0x%x\n", SSL_version(client));
        SSL_set_verify(client, SSL_VERIFY_NONE, NULL);
        SSL_free(server);
        server = SSL_new(s12ctx);
        join(client, server);
        handshake("TLSv1_2_method", client, server);
        /* Marking both directions closed: SSL_shutdown then sends nothing. */
        SSL_set_shutdown(client, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        printf("TLSv1_2_method: set_shutdown -> %d", SSL_get_shutdown(client));
        i = SSL_shutdown(client);
        printf(" shutdown %d sent %d\n", i, (int)BIO_pending(SSL_get_wbio(client)));
    }
    {
        SSL_CTX *fresh = SSL_CTX_new(TLS_client_method());
        printf("store: set_default_paths %d\n",
               X509_STORE_set_default_paths(SSL_CTX_get_cert_store(fresh)));
        print_errors(stdout, "  errors");
        SSL_CTX_free(fresh);
    }
    SSL_free(client);
    SSL_free(server);
    X509_free(ca);
    X509_free(leaf);
    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    SSL_CTX_free(s12ctx);
    SSL_CTX_free(c12ctx);
    printf("done\n");
    return 0;
}
