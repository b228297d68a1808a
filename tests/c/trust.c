/*
 * trust: where trust comes from and how a peer's certificate is judged. A trust object
 * (ftls_trust) holds it all and is handed to either builder: the system store (through
 * SSL_CERT_FILE / SSL_CERT_DIR and the platform's bundle), CA directories (every PEM file,
 * OpenSSL's hashed layout), DER anchors, CRLs on both sides with every revocation policy,
 * and pinning a self-signed certificate made by `openssl req -x509`; one trust object serves
 * a client and a server builder, and the builders keep a snapshot of it. Then verification
 * callbacks (an extra check, and the insecure replacement). Handshakes run in memory (pump.h);
 * each case asserts the exact ftls_result on both sides and what the detail says.
 *
 * Usage: trust CERT_DIR [CASE]
 *   CERT_DIR/openssl holds what tests/c_api.rs made with the openssl command:
 *   selfsigned.pem/.key (openssl req -x509), hashed/ (a <hash>.0 copy of ca.pem, a <hash>.r0
 *   CRL, a README), rehashed/ (ca.pem, other-ca.pem and the links of `openssl rehash`), notes/
 *   (a README only) and broken/ (garbage.pem).
 */
#include "check.h"
#include "pump.h"

#define SENTINEL_COUNT ((size_t)0x5e57e1u)

/* A file or directory tests/c_api.rs made with openssl, in CERT_DIR/openssl. */
static const char *openssl_path(const char *name)
{
    static char buffers[4][4096];
    static unsigned next;
    char *buf = buffers[next++ % 4];
    snprintf(buf, sizeof buffers[0], "%s/openssl/%s", cert_dir, name);
    return buf;
}

/* ------------------------------------------------------------------------------------------ */
/* Helpers */

static ftls_client_config_builder *new_client_builder(void)
{
    ftls_client_config_builder *b = NULL;
    if (ftls_client_config_builder_new(&b) != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "ftls_client_config_builder_new failed");
    }
    return b;
}

static ftls_trust *new_trust(void)
{
    ftls_trust *t = NULL;
    if (ftls_trust_new(&t) != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "ftls_trust_new failed");
    }
    return t;
}

/* A new client builder given `trust`, which is freed here (the builder keeps its own
 * snapshot); NULL after a failed setup line. */
static ftls_client_config_builder *client_builder_trusting(ftls_trust *trust)
{
    ftls_client_config_builder *b = new_client_builder();
    ftls_result r;
    if (b != NULL && trust != NULL &&
        (r = ftls_client_config_builder_set_trust(b, trust)) != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "set_trust -> %s (%s)", ftls_result_name(r),
                     CLIENT_BUILDER_DETAIL(b));
        ftls_client_config_builder_free(b);
        b = NULL;
    }
    ftls_trust_free(trust);
    return b;
}

/* Builds and frees the builder; NULL (after a failed setup line) if the build fails. */
static ftls_client_config *build_client(ftls_client_config_builder *b)
{
    ftls_client_config *config = NULL;
    ftls_result r;
    if (b == NULL) {
        return NULL;
    }
    r = ftls_client_config_builder_build(b, &config);
    if (r != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "client build -> %s (%s)", ftls_result_name(r),
                     CLIENT_BUILDER_DETAIL(b));
    }
    ftls_client_config_builder_free(b);
    return config;
}

static ftls_server_config *server_for(const char *cert, const char *key)
{
    server_opts o;
    memset(&o, 0, sizeof o);
    o.cert = cert;
    o.key = key;
    return make_server_config(&o);
}

/* Runs a handshake between the two configs (the client verifying `name`), frees both configs,
 * and leaves the pumped pair in `p` (free it with pair_free). False if it could not start. */
static bool run_pair(tls_pair *p, ftls_client_config *cc, const char *name,
                     ftls_server_config *sc)
{
    bool made = false;
    memset(p, 0, sizeof *p);
    if (cc != NULL && sc != NULL) {
        made = pair_new(p, cc, name, sc);
    } else {
        setup_failed(__FILE__, __LINE__, "a config for the pair is missing");
    }
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    if (made) {
        pair_pump(p);
    }
    return made;
}

static void expect_pair(tls_pair *p, ftls_result client_want, const char *client_detail,
                        ftls_result server_want, const char *server_detail)
{
    if (CHECK_CODE_CONN("client", p->client, p->client_result, client_want) &&
        client_detail != NULL) {
        CHECK_CONN_DETAIL(p->client, client_detail);
    }
    if (CHECK_CODE_CONN("server", p->server, p->server_result, server_want) &&
        server_detail != NULL) {
        CHECK_CONN_DETAIL(p->server, server_detail);
    }
    if (client_want == FTLS_OK && server_want == FTLS_OK) {
        CHECK(!ftls_connection_is_handshaking(p->client) &&
                  !ftls_connection_is_handshaking(p->server),
              "the handshake completed on both sides");
    }
}

/* A client trusting ca.pem plus `crl` (a file in cert_dir, or NULL) with revocation `flags`. */
static ftls_client_config *client_with_crl(const char *crl, uint32_t flags)
{
    ftls_trust *t = new_trust();
    if (t == NULL) {
        return NULL;
    }
    SETUP_OK(TRUST_DETAIL(t), ftls_trust_add_ca_file(t, cert_path("ca.pem")));
    if (crl != NULL) {
        SETUP_OK(TRUST_DETAIL(t), ftls_trust_add_crl_file(t, cert_path(crl)));
    }
    SETUP_OK(TRUST_DETAIL(t), ftls_trust_set_revocation_policy(t, flags));
    return build_client(client_builder_trusting(t));
setup_fail:
    ftls_trust_free(t);
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* The system store */

static ftls_client_config *system_client(size_t *count, ftls_result *result)
{
    ftls_trust *t = new_trust();
    *result = ftls_trust_add_system_roots(t, count);
    if (*result == FTLS_OK) {
        return build_client(client_builder_trusting(t));
    }
    ftls_trust_free(t);
    return NULL;
}

static void case_system_roots_from_ssl_cert_file(void)
{
    tls_pair p;
    size_t count = 0;
    ftls_result r;
    ftls_client_config *cc;

    setenv("SSL_CERT_FILE", cert_path("ca.pem"), 1);
    unsetenv("SSL_CERT_DIR");
    cc = system_client(&count, &r);
    if (CHECK_CODE("add_system_roots with SSL_CERT_FILE=ca.pem", r, FTLS_OK)) {
        CHECK(count == 1, "it added the one CA of the file (%zu)", count);
    }
    if (run_pair(&p, cc, "localhost", make_server_config(NULL))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }

    /* The variable names a CA that did not sign the server: refused. */
    setenv("SSL_CERT_FILE", cert_path("other-ca.pem"), 1);
    cc = system_client(&count, &r);
    CHECK_CODE("add_system_roots with SSL_CERT_FILE=other-ca.pem", r, FTLS_OK);
    if (run_pair(&p, cc, "localhost", make_server_config(NULL))) {
        expect_pair(&p, FTLS_ERR_CERT_UNKNOWN_ISSUER, "unknown issuer", FTLS_ERR_ALERT_RECEIVED,
                    "unknown_ca");
        pair_free(&p);
    }
    unsetenv("SSL_CERT_FILE");
}

static void case_system_roots_from_ssl_cert_dir(void)
{
    tls_pair p;
    size_t count = 0;
    ftls_result r;
    ftls_client_config *cc;
    char dirs[8192];

    unsetenv("SSL_CERT_FILE");
    /* A ':'-separated list, as OpenSSL takes it; the missing directory is skipped. */
    snprintf(dirs, sizeof dirs, "/nonexistent/ftls-dir:%s", openssl_path("hashed"));
    setenv("SSL_CERT_DIR", dirs, 1);
    cc = system_client(&count, &r);
    if (CHECK_CODE("add_system_roots with SSL_CERT_DIR=<hashed dir>", r, FTLS_OK)) {
        CHECK(count == 1, "it added the CA of the hashed directory (%zu)", count);
    }
    if (run_pair(&p, cc, "localhost", make_server_config(NULL))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
    unsetenv("SSL_CERT_DIR");
}

static void case_system_roots_missing_file(void)
{
    ftls_trust *t = new_trust();
    ftls_client_config_builder *b;
    size_t count = SENTINEL_COUNT;

    setenv("SSL_CERT_FILE", "/nonexistent/ftls-bundle.pem", 1);
    unsetenv("SSL_CERT_DIR");
    if (CHECK_RESULT_TR(t, ftls_trust_add_system_roots(t, &count), FTLS_ERR_FILE)) {
        CHECK_TR_DETAIL(t, "SSL_CERT_FILE=/nonexistent/ftls-bundle.pem");
        CHECK_TR_DETAIL(t, "No such file");
        CHECK(count == SENTINEL_COUNT, "count untouched on failure");
    }
    /* Nothing was added: a builder given the trust still has no anchors. */
    b = client_builder_trusting(t);
    if (b != NULL) {
        ftls_client_config *config = NULL;
        if (CHECK_RESULT_CB(b, ftls_client_config_builder_build(b, &config), FTLS_ERR_CONFIG)) {
            CHECK_CB_DETAIL(b, "no trust anchors");
        }
    }
    ftls_client_config_builder_free(b);

    /* A directory without certificates. */
    t = new_trust();
    unsetenv("SSL_CERT_FILE");
    setenv("SSL_CERT_DIR", openssl_path("notes"), 1);
    if (CHECK_RESULT_TR(t, ftls_trust_add_system_roots(t, NULL), FTLS_ERR_NO_CERTIFICATE)) {
        CHECK_TR_DETAIL(t, "no CA certificate found");
    }
    unsetenv("SSL_CERT_DIR");
    ftls_trust_free(t);
}

static void case_system_roots_of_the_platform(void)
{
    tls_pair p;
    size_t count = 0;
    ftls_result r;
    ftls_client_config *cc;

    unsetenv("SSL_CERT_FILE");
    unsetenv("SSL_CERT_DIR");
    cc = system_client(&count, &r);
    if (CHECK_CODE("add_system_roots (the platform's bundle)", r, FTLS_OK)) {
        CHECK(count >= 50, "the platform's bundle holds many CAs (%zu)", count);
    }
    /* Public CAs did not sign the test server. */
    if (run_pair(&p, cc, "localhost", make_server_config(NULL))) {
        expect_pair(&p, FTLS_ERR_CERT_UNKNOWN_ISSUER, NULL, FTLS_ERR_ALERT_RECEIVED, NULL);
        pair_free(&p);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* CA directories and DER anchors */

static void expect_dir(const char *dir, ftls_result want, const char *detail)
{
    ftls_trust *t = new_trust();
    if (CHECK_RESULT_TR(t, ftls_trust_add_ca_dir(t, dir), want) && detail != NULL) {
        CHECK_TR_DETAIL(t, detail);
    }
    ftls_trust_free(t);
}

static void case_ca_directories(void)
{
    tls_pair p;
    ftls_trust *t = new_trust();

    /* OpenSSL's hashed layout: <hash>.0 (the CA), <hash>.r0 (a CRL, skipped), a README. */
    CHECK_RESULT_TR(t, ftls_trust_add_ca_dir(t, openssl_path("hashed")), FTLS_OK);
    if (run_pair(&p, build_client(client_builder_trusting(t)), "localhost",
                 make_server_config(NULL))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
    /* PEM files plus the links `openssl rehash` made: both CAs, the duplicates once. */
    t = new_trust();
    CHECK_RESULT_TR(t, ftls_trust_add_ca_dir(t, openssl_path("rehashed")), FTLS_OK);
    if (run_pair(&p, build_client(client_builder_trusting(t)), "localhost",
                 server_for("other-server.pem", "other-server.key"))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }

    expect_dir(openssl_path("notes"), FTLS_ERR_NO_CERTIFICATE, "holds a certificate");
    expect_dir(openssl_path("broken"), FTLS_ERR_BAD_PEM, "garbage.pem");
    expect_dir("/nonexistent/ftls-ca-dir", FTLS_ERR_FILE, "/nonexistent/ftls-ca-dir");
    expect_dir(cert_path("ca.pem"), FTLS_ERR_FILE, "Not a directory");
}

static void case_anchors_from_memory_pem_and_der(void)
{
    tls_pair p;
    size_t der_len = 0, pem_len = 0;
    uint8_t *der = read_whole_file(cert_path("ca.der"), &der_len);
    uint8_t *pem = read_whole_file(cert_path("ca.pem"), &pem_len);
    ftls_trust *t;
    int round;

    if (der == NULL || pem == NULL) {
        free(der);
        free(pem);
        return;
    }
    for (round = 0; round < 2; round++) {
        printf("# %s in memory\n", round == 0 ? "DER" : "PEM");
        t = new_trust();
        CHECK_RESULT_TR(t, ftls_trust_add_ca_mem(t, round == 0 ? der : pem,
                                                 round == 0 ? der_len : pem_len),
                        FTLS_OK);
        if (run_pair(&p, build_client(client_builder_trusting(t)), "localhost",
                     make_server_config(NULL))) {
            expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
            pair_free(&p);
        }
    }
    /* A DER file where a PEM one is usual. */
    t = new_trust();
    CHECK_RESULT_TR(t, ftls_trust_add_ca_file(t, cert_path("ca.der")), FTLS_OK);
    if (run_pair(&p, build_client(client_builder_trusting(t)), "localhost",
                 make_server_config(NULL))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
    /* Bad input: truncated DER, a PEM header alone, nothing, DER missing its first byte. */
    t = new_trust();
    if (CHECK_RESULT_TR(t, ftls_trust_add_ca_mem(t, der, der_len - 1), FTLS_ERR_BAD_PEM)) {
        CHECK_TR_DETAIL(t, "not DER either");
    }
    CHECK_RESULT_TR(t, ftls_trust_add_ca_mem(t, (const uint8_t *)"-----BEGIN ", 11),
                    FTLS_ERR_BAD_PEM);
    if (CHECK_RESULT_TR(t, ftls_trust_add_ca_mem(t, NULL, 0), FTLS_ERR_BAD_PEM)) {
        CHECK_TR_DETAIL(t, "is empty");
    }
    CHECK_RESULT_TR(t, ftls_trust_add_ca_mem(t, der + 1, der_len - 1), FTLS_ERR_BAD_PEM);
    ftls_trust_free(t);
    free(der);
    free(pem);
}

/* ------------------------------------------------------------------------------------------ */
/* CRLs */

static void case_crl_revokes_the_server(void)
{
    tls_pair p;
    if (run_pair(&p, client_with_crl("ca.crl.pem", 0), "localhost",
                 server_for("revoked-server.pem", "revoked-server.key"))) {
        expect_pair(&p, FTLS_ERR_CERT_REVOKED, "certificate revoked", FTLS_ERR_ALERT_RECEIVED,
                    "certificate_revoked");
        CHECK_CONN_DETAIL(p.client, "the certificate CN=localhost (serial 7E570001)");
        CHECK_CONN_DETAIL(p.client, "listed in the CRL of CN=ftls test CA");
        pair_free(&p);
    }
    /* The same CRL lets an unrevoked certificate through. */
    if (run_pair(&p, client_with_crl("ca.crl.pem", 0), "localhost", make_server_config(NULL))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
    /* DER file. */
    if (run_pair(&p, client_with_crl("ca.crl.der", 0), "localhost",
                 server_for("revoked-server.pem", "revoked-server.key"))) {
        expect_pair(&p, FTLS_ERR_CERT_REVOKED, "7E570001", FTLS_ERR_ALERT_RECEIVED, NULL);
        pair_free(&p);
    }
}

static void case_crl_from_memory(void)
{
    tls_pair p;
    size_t pem_len = 0, der_len = 0;
    uint8_t *pem = read_whole_file(cert_path("ca.crl.pem"), &pem_len);
    uint8_t *der = read_whole_file(cert_path("ca.crl.der"), &der_len);
    int round;

    for (round = 0; pem != NULL && der != NULL && round < 2; round++) {
        ftls_trust *t = new_trust();
        CHECK_RESULT_TR(t, ftls_trust_add_ca_file(t, cert_path("ca.pem")), FTLS_OK);
        if (round == 0) {
            CHECK_RESULT_TR(t, ftls_trust_add_crl_mem(t, pem, pem_len), FTLS_OK);
        } else {
            CHECK_RESULT_TR(t, ftls_trust_add_crl_mem(t, der, der_len), FTLS_OK);
        }
        if (run_pair(&p, build_client(client_builder_trusting(t)), "localhost",
                     server_for("revoked-server.pem", "revoked-server.key"))) {
            expect_pair(&p, FTLS_ERR_CERT_REVOKED, "revoked", FTLS_ERR_ALERT_RECEIVED,
                        "certificate_revoked");
            pair_free(&p);
        }
    }
    free(pem);
    free(der);
}

static void case_crl_unknown_status(void)
{
    tls_pair p;
    /* Only the other CA's CRL: nothing says whether the server's certificate is revoked. */
    if (run_pair(&p, client_with_crl("other-ca.crl.pem", 0), "localhost",
                 make_server_config(NULL))) {
        expect_pair(&p, FTLS_ERR_CERT_REVOCATION_UNKNOWN, "revocation status is unknown",
                    FTLS_ERR_ALERT_RECEIVED, "unknown_ca");
        pair_free(&p);
    }
    if (run_pair(&p, client_with_crl("other-ca.crl.pem", FTLS_REVOCATION_ALLOW_UNKNOWN),
                 "localhost", make_server_config(NULL))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
}

static void case_crl_whole_chain_or_end_entity(void)
{
    tls_pair p;
    int only_leaf;
    for (only_leaf = 0; only_leaf < 2; only_leaf++) {
        ftls_trust *t = new_trust();
        SETUP_OK(TRUST_DETAIL(t), ftls_trust_add_ca_file(t, cert_path("ca.pem")));
        SETUP_OK(TRUST_DETAIL(t),
                 ftls_trust_add_crl_file(t, cert_path("ca-revokes-inter.crl.pem")));
        SETUP_OK(TRUST_DETAIL(t), ftls_trust_add_crl_file(t, cert_path("inter-ca.crl.pem")));
        SETUP_OK(TRUST_DETAIL(t), ftls_trust_set_revocation_policy(
                                      t, only_leaf ? FTLS_REVOCATION_END_ENTITY_ONLY : 0));
        if (!run_pair(&p, build_client(client_builder_trusting(t)), "localhost",
                      server_for("inter-server-chain.pem", "inter-server.key"))) {
            continue;
        }
        if (only_leaf) {
            /* The leaf is not revoked; its revoked intermediate is not checked. */
            expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        } else {
            expect_pair(&p, FTLS_ERR_CERT_REVOKED, "certificate revoked", FTLS_ERR_ALERT_RECEIVED,
                        "certificate_revoked");
            CHECK_CONN_DETAIL(p.client, "the CA certificate of the chain CN=ftls test "
                                        "intermediate CA (serial 7E570003)");
        }
        pair_free(&p);
        continue;
    setup_fail:
        ftls_trust_free(t);
    }
}

static void case_crl_expiry(void)
{
    tls_pair p;
    /* A stale CRL is accepted by default (as rustls does)... */
    if (run_pair(&p, client_with_crl("ca-stale.crl.pem", 0), "localhost",
                 make_server_config(NULL))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
    /* ...and refused when expiry is enforced. */
    if (run_pair(&p, client_with_crl("ca-stale.crl.pem", FTLS_REVOCATION_ENFORCE_EXPIRY),
                 "localhost", make_server_config(NULL))) {
        expect_pair(&p, FTLS_ERR_CERT_REVOCATION_UNKNOWN, "revocation status is unknown",
                    FTLS_ERR_ALERT_RECEIVED, NULL);
        pair_free(&p);
    }
}

static ftls_server_config *server_checking_clients(const char *crl, ftls_verify_callback cb,
                                                   void *userdata, bool replace)
{
    ftls_server_config_builder *b = NULL;
    ftls_server_config *config = NULL;
    ftls_trust *t = NULL;
    SETUP_OK("", ftls_server_config_builder_new(&b));
    SETUP_OK(SERVER_BUILDER_DETAIL(b), server_add_identity_files(b, cert_path("server.pem"),
                                                                 cert_path("server.key")));
    if (!replace) {
        SETUP_OK("", ftls_trust_new(&t));
        SETUP_OK(TRUST_DETAIL(t), ftls_trust_add_ca_file(t, cert_path("ca.pem")));
        if (crl != NULL) {
            SETUP_OK(TRUST_DETAIL(t), ftls_trust_add_crl_file(t, cert_path(crl)));
        }
        SETUP_OK(SERVER_BUILDER_DETAIL(b), ftls_server_config_builder_set_trust(b, t));
    }
    if (replace) {
        SETUP_OK(SERVER_BUILDER_DETAIL(b),
                 ftls_server_config_builder_set_insecure_verifier(b, cb, userdata));
    } else if (cb != NULL) {
        SETUP_OK(SERVER_BUILDER_DETAIL(b),
                 ftls_server_config_builder_set_verify_callback(b, cb, userdata));
    }
    SETUP_OK(SERVER_BUILDER_DETAIL(b),
             ftls_server_config_builder_set_client_auth(b, FTLS_CLIENT_AUTH_REQUIRED));
    SETUP_OK(SERVER_BUILDER_DETAIL(b), ftls_server_config_builder_build(b, &config));
setup_fail:
    ftls_server_config_builder_free(b);
    ftls_trust_free(t);
    return config;
}

static ftls_client_config *client_with_identity(const char *cert, const char *key)
{
    client_opts o;
    memset(&o, 0, sizeof o);
    o.cert = cert;
    o.key = key;
    return make_client_config(&o);
}

static void case_crl_revokes_a_client(void)
{
    tls_pair p;
    if (run_pair(&p, client_with_identity("revoked-client.pem", "revoked-client.key"), "localhost",
                 server_checking_clients("ca.crl.pem", NULL, NULL, false))) {
        expect_pair(&p, FTLS_ERR_ALERT_RECEIVED, "certificate_revoked", FTLS_ERR_CERT_REVOKED,
                    "certificate revoked: the certificate CN=ftls revoked client (serial "
                    "7E570002)");
        pair_free(&p);
    }
    if (run_pair(&p, client_with_identity("client.pem", "client.key"), "localhost",
                 server_checking_clients("ca.crl.pem", NULL, NULL, false))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
}

static void case_crl_bad_inputs(void)
{
    ftls_trust *t = new_trust();
    ftls_client_config_builder *b;
    ftls_server_config_builder *sb = NULL;
    ftls_client_config *config = NULL;
    ftls_server_config *server_config = NULL;
    size_t ca_len = 0, ca_der_len = 0;
    uint8_t *ca = read_whole_file(cert_path("ca.pem"), &ca_len);
    uint8_t *ca_der = read_whole_file(cert_path("ca.der"), &ca_der_len);
    static const uint8_t random_bytes[] = {0x30, 0x82, 0x01, 0x00, 0xde, 0xad};

    if (CHECK_RESULT_TR(t, ftls_trust_add_crl_file(t, cert_path("garbage.pem")),
                        FTLS_ERR_BAD_PEM)) {
        CHECK_TR_DETAIL(t, "garbage.pem");
    }
    /* A certificate is not a CRL. */
    if (CHECK_RESULT_TR(t, ftls_trust_add_crl_file(t, cert_path("ca.pem")), FTLS_ERR_BAD_PEM)) {
        CHECK_TR_DETAIL(t, "holds no CRL");
    }
    CHECK_RESULT_TR(t, ftls_trust_add_crl_file(t, "/nonexistent/x.crl"), FTLS_ERR_FILE);
    if (ca != NULL && ca_der != NULL) {
        CHECK_RESULT_TR(t, ftls_trust_add_crl_mem(t, ca, ca_len), FTLS_ERR_BAD_PEM);
        if (CHECK_RESULT_TR(t, ftls_trust_add_crl_mem(t, ca_der, ca_der_len), FTLS_ERR_BAD_PEM)) {
            CHECK_TR_DETAIL(t, "not a valid X.509 CRL");
        }
    }
    if (CHECK_RESULT_TR(t, ftls_trust_add_crl_mem(t, random_bytes, sizeof random_bytes),
                        FTLS_ERR_BAD_PEM)) {
        CHECK_TR_DETAIL(t, "not a valid X.509 CRL");
    }
    if (CHECK_RESULT_TR(t, ftls_trust_add_crl_mem(t, NULL, 0), FTLS_ERR_BAD_PEM)) {
        CHECK_TR_DETAIL(t, "empty");
    }
    if (CHECK_RESULT_TR(t, ftls_trust_set_revocation_policy(t, 8), FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_TR_DETAIL(t, "revocation flags 0x8");
    }
    CHECK_RESULT_TR(t, ftls_trust_set_revocation_policy(t, 0xffffffffu),
                    FTLS_ERR_INVALID_ARGUMENT);
    CHECK_RESULT_TR(t, ftls_trust_set_revocation_policy(t, 16), FTLS_ERR_INVALID_ARGUMENT);
    CHECK_RESULT_TR(t, ftls_trust_set_revocation_policy(
                           t, FTLS_REVOCATION_END_ENTITY_ONLY | FTLS_REVOCATION_ALLOW_UNKNOWN |
                                  FTLS_REVOCATION_ENFORCE_EXPIRY),
                    FTLS_OK);
    /* CRLs without CA anchors (only a pin) cannot be checked, by either side. */
    CHECK_RESULT_TR(t, ftls_trust_add_crl_file(t, cert_path("ca.crl.pem")), FTLS_OK);
    CHECK_RESULT_TR(t, ftls_trust_add_pin_file(t, openssl_path("selfsigned.pem")), FTLS_OK);
    b = new_client_builder();
    if (b != NULL && CHECK_RESULT_CB(b, ftls_client_config_builder_set_trust(b, t), FTLS_OK) &&
        CHECK_RESULT_CB(b, ftls_client_config_builder_build(b, &config), FTLS_ERR_CONFIG)) {
        CHECK_CB_DETAIL(b, "CRLs need CA trust anchors");
    }
    ftls_client_config_builder_free(b);
    sb = NULL;
    if (CHECK_RESULT(ftls_server_config_builder_new(&sb), FTLS_OK) &&
        CHECK_RESULT_SB(sb, server_add_identity_files(sb, cert_path("server.pem"),
                                                      cert_path("server.key")),
                        FTLS_OK) &&
        CHECK_RESULT_SB(sb, ftls_server_config_builder_set_trust(sb, t), FTLS_OK) &&
        CHECK_RESULT_SB(sb, ftls_server_config_builder_set_client_auth(sb,
                                                                       FTLS_CLIENT_AUTH_REQUIRED),
                        FTLS_OK)) {
        CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &server_config), FTLS_ERR_CONFIG);
    }
    CHECK(config == NULL && server_config == NULL, "no config was made");
    ftls_server_config_builder_free(sb);
    ftls_trust_free(t);
    free(ca);
    free(ca_der);
}

/* ------------------------------------------------------------------------------------------ */
/* One trust object, two builders, snapshots */

/* One trust object checks the server for a client builder and the client for a server
 * builder; it is freed before either config is built or used. */
static void case_one_trust_for_client_and_server(void)
{
    tls_pair p;
    ftls_trust *t = new_trust();
    ftls_client_config_builder *cb = new_client_builder();
    ftls_server_config_builder *sb = NULL;
    ftls_client_config *cc = NULL;
    ftls_server_config *sc = NULL;

    if (t == NULL || cb == NULL || !CHECK_RESULT(ftls_server_config_builder_new(&sb), FTLS_OK)) {
        goto out;
    }
    CHECK_RESULT_TR(t, ftls_trust_add_ca_dir(t, openssl_path("hashed")), FTLS_OK);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_trust(cb, t), FTLS_OK);
    CHECK_RESULT_CB(cb, client_add_identity_files(cb, cert_path("client.pem"),
                                                  cert_path("client.key")),
                    FTLS_OK);
    CHECK_RESULT_SB(sb, server_add_identity_files(sb, cert_path("server.pem"),
                                                  cert_path("server.key")),
                    FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_trust(sb, t), FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_client_auth(sb, FTLS_CLIENT_AUTH_REQUIRED),
                    FTLS_OK);
    ftls_trust_free(t);
    t = NULL;
    CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &cc), FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &sc), FTLS_OK);
    if (run_pair(&p, cc, "localhost", sc)) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        CHECK(ftls_connection_peer_certificate_count(p.server) == 1,
              "the server checked the client's certificate against the shared trust");
        pair_free(&p);
    }
    cc = NULL;
    sc = NULL;
    /* The same trust refuses what it does not cover, on both sides. */
    if (run_pair(&p, client_with_identity("other-client.pem", "other-client.key"), "localhost",
                 server_checking_clients(NULL, NULL, NULL, false))) {
        expect_pair(&p, FTLS_ERR_ALERT_RECEIVED, NULL, FTLS_ERR_CERT_UNKNOWN_ISSUER, NULL);
        pair_free(&p);
    }
out:
    ftls_trust_free(t);
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

/* set_trust takes a snapshot: what is added to the trust afterwards reaches neither a config
 * already built nor the builder, until set_trust is called again; freeing the trust changes
 * nothing either. */
static void case_trust_changes_after_set_trust(void)
{
    tls_pair p;
    ftls_trust *t = new_trust();
    ftls_client_config_builder *b = new_client_builder();
    ftls_client_config *before = NULL, *unchanged = NULL, *after = NULL;

    if (t == NULL || b == NULL) {
        goto out;
    }
    CHECK_RESULT_TR(t, ftls_trust_add_ca_file(t, cert_path("ca.pem")), FTLS_OK);
    CHECK_RESULT_CB(b, ftls_client_config_builder_set_trust(b, t), FTLS_OK);
    CHECK_RESULT_CB(b, ftls_client_config_builder_build(b, &before), FTLS_OK);
    CHECK_RESULT_TR(t, ftls_trust_add_crl_file(t, cert_path("ca.crl.pem")), FTLS_OK);
    CHECK_RESULT_CB(b, ftls_client_config_builder_build(b, &unchanged), FTLS_OK);
    CHECK_RESULT_CB(b, ftls_client_config_builder_set_trust(b, t), FTLS_OK);
    CHECK_RESULT_CB(b, ftls_client_config_builder_build(b, &after), FTLS_OK);
    ftls_trust_free(t);
    t = NULL;
    /* run_pair frees the configs it is given. */
    if (run_pair(&p, before, "localhost", server_for("revoked-server.pem", "revoked-server.key"))) {
        printf("# built before the CRL was added to the trust\n");
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
    before = NULL;
    if (run_pair(&p, unchanged, "localhost",
                 server_for("revoked-server.pem", "revoked-server.key"))) {
        printf("# built from the builder's snapshot, after the CRL was added to the trust\n");
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
    unchanged = NULL;
    if (run_pair(&p, after, "localhost", server_for("revoked-server.pem", "revoked-server.key"))) {
        printf("# set_trust again: the CRL applies, after the trust was freed\n");
        expect_pair(&p, FTLS_ERR_CERT_REVOKED, "certificate revoked", FTLS_ERR_ALERT_RECEIVED,
                    "certificate_revoked");
        pair_free(&p);
    }
    after = NULL;
out:
    ftls_trust_free(t);
    ftls_client_config_builder_free(b);
    ftls_client_config_free(before);
    ftls_client_config_free(unchanged);
    ftls_client_config_free(after);
}

/* ------------------------------------------------------------------------------------------ */
/* Verification callbacks */

typedef struct {
    int calls;
    int verdict;               /* what the callback returns */
    const char *reason;        /* written into the reason buffer, or NULL */
    bool fill_reason;          /* fill the whole buffer, no NUL */
    /* What it saw on its last call. */
    size_t chain_len;
    bool leaf_matches;         /* chain[0] equals expected_leaf */
    char server_name[256];
    int standard_result;
    char standard_detail[512];
    size_t ocsp_len;
    const uint8_t *expected_leaf;
    size_t expected_leaf_len;
} verify_probe;

static int probing_verify(void *userdata, const ftls_verify_request *request, char *reason,
                          size_t reason_len)
{
    verify_probe *probe = (verify_probe *)userdata;
    size_t n;
    probe->calls++;
    probe->chain_len = request->chain_len;
    probe->leaf_matches = request->chain_len > 0 && probe->expected_leaf != NULL &&
                          request->chain[0].len == probe->expected_leaf_len &&
                          memcmp(request->chain[0].data, probe->expected_leaf,
                                 probe->expected_leaf_len) == 0;
    n = request->server_name.len < sizeof probe->server_name - 1 ? request->server_name.len
                                                                  : sizeof probe->server_name - 1;
    if (n > 0) {
        memcpy(probe->server_name, request->server_name.data, n);
    }
    probe->server_name[n] = 0;
    probe->standard_result = (int)request->standard_result;
    n = request->standard_detail.len < sizeof probe->standard_detail - 1
            ? request->standard_detail.len
            : sizeof probe->standard_detail - 1;
    if (n > 0) {
        memcpy(probe->standard_detail, request->standard_detail.data, n);
    }
    probe->standard_detail[n] = 0;
    probe->ocsp_len = request->ocsp_response.len;
    if (probe->fill_reason) {
        memset(reason, 'A', reason_len);
    } else if (probe->reason != NULL) {
        snprintf(reason, reason_len, "%s", probe->reason);
    }
    return probe->verdict;
}

static ftls_client_config *client_with_callback(verify_probe *probe, bool replace, bool with_ca)
{
    ftls_client_config_builder *b = new_client_builder();
    if (with_ca) {
        SETUP_OK(CLIENT_BUILDER_DETAIL(b), client_trust_ca_file(b, cert_path("ca.pem")));
    }
    if (replace) {
        SETUP_OK(CLIENT_BUILDER_DETAIL(b),
                 ftls_client_config_builder_set_insecure_verifier(b, probing_verify, probe));
    } else {
        SETUP_OK(CLIENT_BUILDER_DETAIL(b),
                 ftls_client_config_builder_set_verify_callback(b, probing_verify, probe));
    }
    return build_client(b);
setup_fail:
    ftls_client_config_builder_free(b);
    return NULL;
}

static uint8_t *server_der;
static size_t server_der_len;

static void case_verify_callback_after_verification(void)
{
    tls_pair p;
    verify_probe probe;

    memset(&probe, 0, sizeof probe);
    probe.verdict = FTLS_OK;
    probe.expected_leaf = server_der;
    probe.expected_leaf_len = server_der_len;
    if (run_pair(&p, client_with_callback(&probe, false, true), "localhost",
                 make_server_config(NULL))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        CHECK(probe.calls == 1, "the callback ran once (%d)", probe.calls);
        CHECK(probe.chain_len == 1 && probe.leaf_matches,
              "it saw the server's chain: one certificate, server.der (%zu)", probe.chain_len);
        CHECK(strcmp(probe.server_name, "localhost") == 0, "it saw the expected name (%s)",
              probe.server_name);
        CHECK(probe.standard_result == FTLS_OK && probe.standard_detail[0] == 0,
              "standard_result is FTLS_OK after verification (%s)",
              ftls_result_name(probe.standard_result));
        CHECK(probe.ocsp_len == 0, "no OCSP response was stapled");
        pair_free(&p);
    }

    /* Standard verification fails first: the callback never runs. */
    memset(&probe, 0, sizeof probe);
    if (run_pair(&p, client_with_callback(&probe, false, true), "localhost",
                 server_for("other-server.pem", "other-server.key"))) {
        expect_pair(&p, FTLS_ERR_CERT_UNKNOWN_ISSUER, NULL, FTLS_ERR_ALERT_RECEIVED, NULL);
        CHECK(probe.calls == 0, "the callback did not run (%d)", probe.calls);
        pair_free(&p);
    }
}

static void case_verify_callback_refusals(void)
{
    tls_pair p;
    verify_probe probe;

    /* A reason and a certificate code: that code, that alert. */
    memset(&probe, 0, sizeof probe);
    probe.verdict = FTLS_ERR_CERT_REVOKED;
    probe.reason = "its key is on our blocklist";
    if (run_pair(&p, client_with_callback(&probe, false, true), "localhost",
                 make_server_config(NULL))) {
        expect_pair(&p, FTLS_ERR_CERT_REVOKED,
                    "the verification callback refused CN=localhost (serial ",
                    FTLS_ERR_ALERT_RECEIVED, "certificate_revoked");
        CHECK_CONN_DETAIL(p.client, "): its key is on our blocklist");
        pair_free(&p);
    }
    /* FTLS_ERR_CERT_REJECTED: access_denied for the peer. */
    memset(&probe, 0, sizeof probe);
    probe.verdict = FTLS_ERR_CERT_REJECTED;
    if (run_pair(&p, client_with_callback(&probe, false, true), "localhost",
                 make_server_config(NULL))) {
        expect_pair(&p, FTLS_ERR_CERT_REJECTED, "no reason given", FTLS_ERR_ALERT_RECEIVED,
                    "access_denied");
        pair_free(&p);
    }
    /* Garbage: a number that is no result code, a reason without a NUL. */
    memset(&probe, 0, sizeof probe);
    probe.verdict = 12345;
    probe.fill_reason = true;
    if (run_pair(&p, client_with_callback(&probe, false, true), "localhost",
                 make_server_config(NULL))) {
        expect_pair(&p, FTLS_ERR_CERT_REJECTED, "(it returned 12345, which is not FTLS_OK",
                    FTLS_ERR_ALERT_RECEIVED, "access_denied");
        CHECK_CONN_DETAIL(p.client, "AAAAAAAAAAAAAAAA");
        pair_free(&p);
    }
    /* A non-certificate ftls_result is no valid refusal code either. */
    memset(&probe, 0, sizeof probe);
    probe.verdict = FTLS_WANT_READ;
    probe.reason = "\xff\xfe not UTF-8";
    if (run_pair(&p, client_with_callback(&probe, false, true), "localhost",
                 make_server_config(NULL))) {
        expect_pair(&p, FTLS_ERR_CERT_REJECTED, "it returned 1,", FTLS_ERR_ALERT_RECEIVED, NULL);
        CHECK_CONN_DETAIL(p.client, "not UTF-8");
        pair_free(&p);
    }
}

static void case_insecure_replacement(void)
{
    tls_pair p;
    verify_probe probe;
    ftls_client_config_builder *b;
    ftls_client_config *config = NULL;

    /* No anchors at all: the callback hears why and accepts an untrusted server. */
    memset(&probe, 0, sizeof probe);
    probe.verdict = FTLS_OK;
    if (run_pair(&p, client_with_callback(&probe, true, false), "localhost",
                 server_for("other-server.pem", "other-server.key"))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        CHECK(probe.calls == 1, "the replacing callback ran once (%d)", probe.calls);
        CHECK(probe.standard_result == FTLS_ERR_CERT_UNKNOWN_ISSUER,
              "standard_result says UNKNOWN_ISSUER (%s)", ftls_result_name(probe.standard_result));
        CHECK(strstr(probe.standard_detail, "no trust anchors") != NULL,
              "standard_detail says why: \"%s\"", probe.standard_detail);
        pair_free(&p);
    }
    /* With anchors: it sees the real failure (expired) and may overrule it... */
    memset(&probe, 0, sizeof probe);
    probe.verdict = FTLS_OK;
    if (run_pair(&p, client_with_callback(&probe, true, true), "localhost",
                 server_for("expired-server.pem", "expired-server.key"))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        CHECK(probe.standard_result == FTLS_ERR_CERT_EXPIRED, "standard_result says EXPIRED (%s)",
              ftls_result_name(probe.standard_result));
        CHECK(strstr(probe.standard_detail, "certificate expired: valid until") != NULL,
              "standard_detail names the dates: \"%s\"", probe.standard_detail);
        pair_free(&p);
    }
    /* ...or refuse a certificate ftls would accept. */
    memset(&probe, 0, sizeof probe);
    probe.verdict = FTLS_ERR_CERT_NAME_MISMATCH;
    probe.reason = "not our host";
    if (run_pair(&p, client_with_callback(&probe, true, true), "localhost",
                 make_server_config(NULL))) {
        expect_pair(&p, FTLS_ERR_CERT_NAME_MISMATCH, "not our host", FTLS_ERR_ALERT_RECEIVED,
                    "bad_certificate");
        CHECK(probe.standard_result == FTLS_OK, "standard_result was FTLS_OK");
        pair_free(&p);
    }
    /* set_verify_callback(NULL) removes the replacement: no anchors again. */
    b = new_client_builder();
    CHECK_RESULT_CB(b, ftls_client_config_builder_set_insecure_verifier(b, probing_verify, &probe),
                    FTLS_OK);
    CHECK_RESULT_CB(b, ftls_client_config_builder_set_verify_callback(b, NULL, NULL), FTLS_OK);
    if (CHECK_RESULT_CB(b, ftls_client_config_builder_build(b, &config), FTLS_ERR_CONFIG)) {
        CHECK_CB_DETAIL(b, "no trust anchors");
    }
    ftls_client_config_builder_free(b);
}

static void case_client_verify_callbacks(void)
{
    tls_pair p;
    verify_probe probe;
    size_t client_der_len = 0;
    uint8_t *client_der = pem_file_first_cert_der(cert_path("client.pem"), &client_der_len);

    memset(&probe, 0, sizeof probe);
    probe.verdict = FTLS_ERR_CERT_REJECTED;
    probe.reason = "not on the guest list";
    probe.expected_leaf = client_der;
    probe.expected_leaf_len = client_der_len;
    if (run_pair(&p, client_with_identity("client.pem", "client.key"), "localhost",
                 server_checking_clients(NULL, probing_verify, &probe, false))) {
        expect_pair(&p, FTLS_ERR_ALERT_RECEIVED, "access_denied", FTLS_ERR_CERT_REJECTED,
                    "CN=ftls test client");
        CHECK_CONN_DETAIL(p.server, "not on the guest list");
        CHECK(probe.calls == 1 && probe.leaf_matches && probe.chain_len == 1,
              "the server's callback saw the client's certificate");
        CHECK(probe.server_name[0] == 0, "server side: no server name (\"%s\")", probe.server_name);
        pair_free(&p);
    }
    /* Insecure replacement without client CAs: an untrusted client gets in. */
    memset(&probe, 0, sizeof probe);
    probe.verdict = FTLS_OK;
    if (run_pair(&p, client_with_identity("other-client.pem", "other-client.key"), "localhost",
                 server_checking_clients(NULL, probing_verify, &probe, true))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        CHECK(probe.standard_result == FTLS_ERR_CERT_UNKNOWN_ISSUER,
              "standard_result was UNKNOWN_ISSUER (%s)", ftls_result_name(probe.standard_result));
        pair_free(&p);
    }
    free(client_der);
}

/* ------------------------------------------------------------------------------------------ */
/* Pinning a self-signed certificate */

static ftls_client_config *pinned_client(const char *path)
{
    ftls_trust *t = new_trust();
    SETUP_OK(TRUST_DETAIL(t), ftls_trust_add_pin_file(t, path));
    return build_client(client_builder_trusting(t));
setup_fail:
    ftls_trust_free(t);
    return NULL;
}

static void case_pinned_self_signed_certificate(void)
{
    tls_pair p;
    ftls_client_config_builder *b;
    ftls_trust *t;
    ftls_client_config *config = NULL;
    size_t pem_len = 0, der_len = 0;
    uint8_t *pem = read_whole_file(openssl_path("selfsigned.pem"), &pem_len);
    uint8_t *der = pem_file_first_cert_der(openssl_path("selfsigned.pem"), &der_len);
    const char *names[] = {"pinned.test", "localhost"};
    size_t i;

    /* The pin is the identity: any name the client uses. */
    for (i = 0; i < 2; i++) {
        if (run_pair(&p, pinned_client(openssl_path("selfsigned.pem")), names[i],
                     server_for("openssl/selfsigned.pem", "openssl/selfsigned.key"))) {
            expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
            pair_free(&p);
        }
    }
    /* A CA-signed certificate is not the pin. */
    if (run_pair(&p, pinned_client(openssl_path("selfsigned.pem")), "localhost",
                 make_server_config(NULL))) {
        expect_pair(&p, FTLS_ERR_CERT_UNKNOWN_ISSUER,
                    "the peer's certificate CN=localhost (serial ", FTLS_ERR_ALERT_RECEIVED,
                    "unknown_ca");
        CHECK_CONN_DETAIL(p.client, "is not one of the 1 pinned certificate(s)");
        pair_free(&p);
    }
    /* Without the pin, a CA-based client refuses the self-signed server. */
    if (run_pair(&p, make_client_config(NULL), "pinned.test",
                 server_for("openssl/selfsigned.pem", "openssl/selfsigned.key"))) {
        CHECK(p.client_result != FTLS_OK &&
                  ftls_result_category(p.client_result) == FTLS_CATEGORY_CERTIFICATE,
              "a CA-based client refuses the self-signed server (%s)",
              ftls_result_name(p.client_result));
        pair_free(&p);
    }
    /* A pinned certificate past its dates is refused for that. */
    if (run_pair(&p, pinned_client(cert_path("expired-server.pem")), "localhost",
                 server_for("expired-server.pem", "expired-server.key"))) {
        expect_pair(&p, FTLS_ERR_CERT_EXPIRED, "pinned certificate CN=localhost",
                    FTLS_ERR_ALERT_RECEIVED, "certificate_expired");
        CHECK_CONN_DETAIL(p.client, "certificate expired: valid until");
        pair_free(&p);
    }
    /* From memory, PEM and DER. */
    if (pem != NULL && der != NULL) {
        int round;
        for (round = 0; round < 2; round++) {
            printf("# a pin from memory, %s\n", round == 0 ? "PEM" : "DER");
            t = new_trust();
            CHECK_RESULT_TR(t, ftls_trust_add_pin_mem(t, round == 0 ? pem : der,
                                                      round == 0 ? pem_len : der_len),
                            FTLS_OK);
            if (run_pair(&p, build_client(client_builder_trusting(t)), "pinned.test",
                         server_for("openssl/selfsigned.pem", "openssl/selfsigned.key"))) {
                expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
                pair_free(&p);
            }
        }
    }
    /* Bad pins, and pins with CA anchors. */
    t = new_trust();
    CHECK_RESULT_TR(t, ftls_trust_add_pin_file(t, "/nonexistent/pin.pem"), FTLS_ERR_FILE);
    CHECK_RESULT_TR(t, ftls_trust_add_pin_file(t, cert_path("no-cert.pem")),
                    FTLS_ERR_NO_CERTIFICATE);
    if (der != NULL) {
        CHECK_RESULT_TR(t, ftls_trust_add_pin_mem(t, der, der_len - 1), FTLS_ERR_BAD_PEM);
    }
    CHECK_RESULT_TR(t, ftls_trust_add_pin_mem(t, (const uint8_t *)"-----BEGIN ", 11),
                    FTLS_ERR_BAD_PEM);
    CHECK_RESULT_TR(t, ftls_trust_add_pin_file(t, openssl_path("selfsigned.pem")), FTLS_OK);
    CHECK_RESULT_TR(t, ftls_trust_add_ca_file(t, cert_path("ca.pem")), FTLS_OK);
    b = client_builder_trusting(t);
    if (b != NULL &&
        CHECK_RESULT_CB(b, ftls_client_config_builder_build(b, &config), FTLS_ERR_CONFIG)) {
        CHECK_CB_DETAIL(b, "do not also load CA certificates");
    }
    ftls_client_config_builder_free(b);
    free(pem);
    free(der);
}

static const test_case cases[] = {
    {"system_roots_from_ssl_cert_file", case_system_roots_from_ssl_cert_file},
    {"system_roots_from_ssl_cert_dir", case_system_roots_from_ssl_cert_dir},
    {"system_roots_missing_file", case_system_roots_missing_file},
    {"system_roots_of_the_platform", case_system_roots_of_the_platform},
    {"ca_directories", case_ca_directories},
    {"anchors_from_memory_pem_and_der", case_anchors_from_memory_pem_and_der},
    {"crl_revokes_the_server", case_crl_revokes_the_server},
    {"crl_from_memory", case_crl_from_memory},
    {"crl_unknown_status", case_crl_unknown_status},
    {"crl_whole_chain_or_end_entity", case_crl_whole_chain_or_end_entity},
    {"crl_expiry", case_crl_expiry},
    {"crl_revokes_a_client", case_crl_revokes_a_client},
    {"crl_bad_inputs", case_crl_bad_inputs},
    {"one_trust_for_client_and_server", case_one_trust_for_client_and_server},
    {"trust_changes_after_set_trust", case_trust_changes_after_set_trust},
    {"verify_callback_after_verification", case_verify_callback_after_verification},
    {"verify_callback_refusals", case_verify_callback_refusals},
    {"insecure_replacement", case_insecure_replacement},
    {"client_verify_callbacks", case_client_verify_callbacks},
    {"pinned_self_signed_certificate", case_pinned_self_signed_certificate},
};

int main(int argc, char **argv)
{
    int status;
    if (argc < 2) {
        fprintf(stderr, "usage: %s CERT_DIR [CASE]\n", argv[0]);
        return 2;
    }
    cert_dir = argv[1];
    server_der = read_whole_file(cert_path("server.der"), &server_der_len);
    status = RUN_CASES(cases, argc > 2 ? argv[2] : NULL);
    free(server_der);
    return status;
}
