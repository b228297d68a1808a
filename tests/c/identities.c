/*
 * identities: what a server or client presents, and what C can read of a peer's certificate.
 * Identity objects (ftls_identity: a chain and its key, loaded from files or memory, PEM or
 * DER) shared by client and server builders, which keep a snapshot; several server identities
 * chosen by SNI (with wildcards, a default, or refusal of unknown names), the ClientHello
 * callback, OCSP stapling, the key check, encrypted PKCS#8 keys as openssl writes them, the
 * client certificate callback, and the ftls_certificate accessors compared with what
 * `openssl x509` says. Handshakes run in memory
 * (pump.h); each case asserts exact results and details.
 *
 * Usage: identities CERT_DIR [CASE]
 *   CERT_DIR/openssl holds what tests/c_api.rs made with openssl: server-enc.key (PBES2,
 *   AES-256-CBC), server-scrypt.key, server-pbes1.key (PBE-SHA1-3DES, unsupported),
 *   server-enc-key.der (encrypted DER), all with the password below, and san-all.facts
 *   (`openssl x509 -serial -fingerprint -sha256` of san-all.pem); and hostile-*.key, encrypted
 *   keys whose scrypt or PBKDF2 parameters ask for a TiB or minutes of CPU.
 */
#include "check.h"
#include "pump.h"

#include <pthread.h>
#include <time.h>

#define PASSWORD "correct horse battery"

static const char *const h2_and_http11[] = {"h2", "http/1.1"};

/* ------------------------------------------------------------------------------------------ */
/* Helpers */

static ftls_result cert_last_error(const void *object, char *buf, size_t buf_len, size_t *out_len)
{
    return ftls_certificate_last_error((const ftls_certificate *)object, buf, buf_len, out_len);
}
#define CERT_DETAIL(cert) detail_text(cert_last_error, (cert))
#define CHECK_CERT_DETAIL(cert, needle) \
    check_detail_at(__FILE__, __LINE__, #cert, cert_last_error, (cert), (needle))

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
}

/* The subject of certificate `index` the connection's peer presented, in a static buffer. */
static const char *peer_subject(ftls_connection *conn, size_t index)
{
    static char text[512];
    ftls_certificate *cert = NULL;
    ftls_str s;
    if (ftls_connection_peer_certificate(conn, index, &cert) != FTLS_OK ||
        ftls_certificate_subject(cert, &s) != FTLS_OK) {
        ftls_certificate_free(cert);
        return "(none)";
    }
    snprintf(text, sizeof text, "%.*s", (int)s.len, s.data);
    ftls_certificate_free(cert);
    return text;
}

/* The server: server.pem (identity 0, unless `no_default`), alt-server.pem (identity 1, or 0
 * without the default). */
static ftls_server_config *sni_server(bool no_default, uint32_t unknown_mode,
                                      ftls_client_hello_callback hello, void *userdata)
{
    ftls_server_config_builder *b = NULL;
    ftls_server_config *config = NULL;
    SETUP_OK("", ftls_server_config_builder_new(&b));
    if (!no_default) {
        SETUP_OK(SERVER_BUILDER_DETAIL(b), server_add_identity_files(b, cert_path("server.pem"),
                                                                     cert_path("server.key")));
    }
    SETUP_OK(SERVER_BUILDER_DETAIL(b), server_add_identity_files(b, cert_path("alt-server.pem"),
                                                                 cert_path("alt-server.key")));
    SETUP_OK(SERVER_BUILDER_DETAIL(b),
             ftls_server_config_builder_set_unknown_server_name(b, unknown_mode));
    SETUP_OK(SERVER_BUILDER_DETAIL(b),
             ftls_server_config_builder_set_client_hello_callback(b, hello, userdata));
    SETUP_OK(SERVER_BUILDER_DETAIL(b), ftls_server_config_builder_build(b, &config));
setup_fail:
    ftls_server_config_builder_free(b);
    return config;
}

static ftls_client_config *alpn_client(void)
{
    client_opts o;
    memset(&o, 0, sizeof o);
    o.alpn = h2_and_http11;
    o.alpn_count = 2;
    return make_client_config(&o);
}

/* ------------------------------------------------------------------------------------------ */
/* Several identities chosen by name */

static void case_sni_chooses_the_identity(void)
{
    static const struct {
        const char *name;
        const char *subject;
        ftls_result client;
    } rows[] = {
        {"localhost", "CN=localhost", FTLS_OK},
        {"alt.test", "CN=alt.test", FTLS_OK},
        {"ALT.Test", "CN=alt.test", FTLS_OK},
        {"www.wild.test", "CN=alt.test", FTLS_OK},
        /* The wildcard covers one label only: the default (localhost) answers, wrongly. */
        {"a.b.wild.test", "CN=localhost", FTLS_ERR_CERT_NAME_MISMATCH},
        {"unknown.test", "CN=localhost", FTLS_ERR_CERT_NAME_MISMATCH},
    };
    size_t i;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tls_pair p;
        if (!run_pair(&p, make_client_config(NULL), rows[i].name,
                      sni_server(false, FTLS_UNKNOWN_NAME_USE_DEFAULT, NULL, NULL))) {
            continue;
        }
        CHECK_CODE_CONN(rows[i].name, p.client, p.client_result, rows[i].client);
        if (rows[i].client == FTLS_OK) {
            CHECK(strcmp(peer_subject(p.client, 0), rows[i].subject) == 0,
                  "for %s the server presented %s (got %s)", rows[i].name, rows[i].subject,
                  peer_subject(p.client, 0));
        } else {
            /* A refused certificate is not kept; the detail shows which one came. */
            CHECK_CONN_DETAIL(p.client, "it is valid for: localhost, 127.0.0.1, ::1");
        }
        pair_free(&p);
    }
    /* Only alt-server.pem: the first added is the default, whatever the name. */
    {
        tls_pair p;
        if (run_pair(&p, make_client_config(NULL), "alt.test",
                     sni_server(true, FTLS_UNKNOWN_NAME_USE_DEFAULT, NULL, NULL))) {
            expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
            pair_free(&p);
        }
    }
}

static void case_sni_refuses_unknown_names(void)
{
    tls_pair p;
    ftls_server_config_builder *b = NULL;
    ftls_client_config *no_sni;
    client_opts o;

    if (run_pair(&p, make_client_config(NULL), "unknown.test",
                 sni_server(false, FTLS_UNKNOWN_NAME_REFUSE, NULL, NULL))) {
        expect_pair(&p, FTLS_ERR_ALERT_RECEIVED, "access_denied", FTLS_ERR_HANDSHAKE_FAILURE,
                    "no identity's certificate names the server name \"unknown.test\"");
        pair_free(&p);
    }
    if (run_pair(&p, make_client_config(NULL), "www.wild.test",
                 sni_server(false, FTLS_UNKNOWN_NAME_REFUSE, NULL, NULL))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
    /* No SNI at all (an IP address): the default. */
    if (run_pair(&p, make_client_config(NULL), "127.0.0.1",
                 sni_server(false, FTLS_UNKNOWN_NAME_REFUSE, NULL, NULL))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        CHECK(strcmp(peer_subject(p.client, 0), "CN=localhost") == 0, "the default answered");
        pair_free(&p);
    }
    memset(&o, 0, sizeof o);
    o.no_sni = true;
    no_sni = make_client_config(&o);
    if (run_pair(&p, no_sni, "localhost", sni_server(false, FTLS_UNKNOWN_NAME_REFUSE, NULL, NULL))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
    if (CHECK_RESULT(ftls_server_config_builder_new(&b), FTLS_OK)) {
        if (CHECK_RESULT_SB(b, ftls_server_config_builder_set_unknown_server_name(b, 2),
                            FTLS_ERR_INVALID_ARGUMENT)) {
            CHECK_SB_DETAIL(b, "unknown-name mode 2");
        }
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_unknown_server_name(b, 0xffffffffu),
                        FTLS_ERR_INVALID_ARGUMENT);
        /* No identity at all. */
        {
            ftls_server_config *config = NULL;
            if (CHECK_RESULT_SB(b, ftls_server_config_builder_build(b, &config), FTLS_ERR_CONFIG)) {
                CHECK_SB_DETAIL(b, "a server needs a certificate chain and private key");
            }
        }
    }
    ftls_server_config_builder_free(b);
}

/* ------------------------------------------------------------------------------------------ */
/* The ClientHello callback */

typedef struct {
    int calls;
    int choice;
    char server_name[256];
    size_t alpn_len;
    bool alpn_h2_first;
    bool offers_p256_sha256;   /* signature scheme 0x0403 */
    bool offers_aes128_gcm;    /* cipher suite 0x1301 */
    size_t suites_len;
} hello_probe;

static int probing_hello(void *userdata, const ftls_client_hello *hello)
{
    hello_probe *probe = (hello_probe *)userdata;
    size_t i, n;
    probe->calls++;
    n = hello->server_name.len < sizeof probe->server_name - 1 ? hello->server_name.len
                                                               : sizeof probe->server_name - 1;
    if (n > 0) {
        memcpy(probe->server_name, hello->server_name.data, n);
    }
    probe->server_name[n] = 0;
    probe->alpn_len = hello->alpn_len;
    probe->alpn_h2_first = hello->alpn_len > 0 && hello->alpn[0].len == 2 &&
                           memcmp(hello->alpn[0].data, "h2", 2) == 0;
    for (i = 0; i < hello->signature_schemes_len; i++) {
        probe->offers_p256_sha256 |= hello->signature_schemes[i] == 0x0403;
    }
    for (i = 0; i < hello->cipher_suites_len; i++) {
        probe->offers_aes128_gcm |= hello->cipher_suites[i] == 0x1301;
    }
    probe->suites_len = hello->cipher_suites_len;
    return probe->choice;
}

static void case_client_hello_callback(void)
{
    tls_pair p;
    hello_probe probe;
    static const struct {
        int choice;
        const char *name;
        ftls_result client, server;
        const char *server_detail;
    } rows[] = {
        {1, "alt.test", FTLS_OK, FTLS_OK, NULL},
        {0, "localhost", FTLS_OK, FTLS_OK, NULL},
        {FTLS_IDENTITY_AUTO, "alt.test", FTLS_OK, FTLS_OK, NULL},
        {FTLS_IDENTITY_NONE, "alt.test", FTLS_ERR_ALERT_RECEIVED, FTLS_ERR_HANDSHAKE_FAILURE,
         "the ClientHello callback refused the handshake (server name \"alt.test\")"},
        {7, "alt.test", FTLS_ERR_ALERT_RECEIVED, FTLS_ERR_HANDSHAKE_FAILURE,
         "the ClientHello callback chose identity 7, but the loaded ones are 0, 1"},
        {-99, "alt.test", FTLS_ERR_ALERT_RECEIVED, FTLS_ERR_HANDSHAKE_FAILURE,
         "the ClientHello callback returned -99, which is neither an identity number nor"},
    };
    size_t i;

    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        memset(&probe, 0, sizeof probe);
        probe.choice = rows[i].choice;
        if (!run_pair(&p, alpn_client(), rows[i].name,
                      sni_server(false, FTLS_UNKNOWN_NAME_USE_DEFAULT, probing_hello, &probe))) {
            continue;
        }
        expect_pair(&p, rows[i].client, rows[i].client == FTLS_OK ? NULL : "access_denied",
                    rows[i].server, rows[i].server_detail);
        CHECK(probe.calls == 1, "the callback ran once (%d)", probe.calls);
        if (i == 0) {
            CHECK(strcmp(probe.server_name, "alt.test") == 0, "it saw the server name (%s)",
                  probe.server_name);
            CHECK(probe.alpn_len == 2 && probe.alpn_h2_first,
                  "it saw the ALPN offers h2, http/1.1 (%zu)", probe.alpn_len);
            CHECK(probe.offers_p256_sha256, "it saw ecdsa_secp256r1_sha256 among the schemes");
            CHECK(probe.offers_aes128_gcm && probe.suites_len >= 3,
                  "it saw TLS_AES_128_GCM_SHA256 among %zu suites", probe.suites_len);
            CHECK(strcmp(peer_subject(p.client, 0), "CN=alt.test") == 0,
                  "identity 1 answered (%s)", peer_subject(p.client, 0));
        }
        pair_free(&p);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Identities from files and memory, PEM and DER */

static ftls_identity *new_identity(void)
{
    ftls_identity *id = NULL;
    if (ftls_identity_new(&id) != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "ftls_identity_new failed");
    }
    return id;
}

/* A server config presenting `id` (NULL after a failed check). */
static ftls_server_config *server_presenting(const ftls_identity *id)
{
    ftls_server_config_builder *b = NULL;
    ftls_server_config *config = NULL;
    if (CHECK_RESULT(ftls_server_config_builder_new(&b), FTLS_OK) &&
        CHECK_RESULT_SB(b, ftls_server_config_builder_add_identity(b, id), FTLS_OK)) {
        CHECK_RESULT_SB(b, ftls_server_config_builder_build(b, &config), FTLS_OK);
    }
    ftls_server_config_builder_free(b);
    return config;
}

/* The DER of every certificate of a PEM file, concatenated (malloc'ed; free it), or NULL. */
static uint8_t *pem_file_chain_der(const char *path, size_t *out_len)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    size_t text_len = 0, n = 0;
    uint8_t *text = read_whole_file(path, &text_len);
    uint8_t *der, *copy;
    const char *p;
    unsigned bits = 0, nbits = 0;
    bool inside = false;

    if (text == NULL) {
        return NULL;
    }
    copy = (uint8_t *)malloc(text_len + 1);
    der = (uint8_t *)malloc(text_len);
    if (copy == NULL || der == NULL) {
        free(copy);
        free(der);
        free(text);
        return NULL;
    }
    memcpy(copy, text, text_len);
    copy[text_len] = 0;
    free(text);
    for (p = (const char *)copy; *p != 0; p++) {
        if (strncmp(p, begin, sizeof begin - 1) == 0) {
            inside = true;
            bits = nbits = 0;
            p += sizeof begin - 2;
        } else if (*p == '-') {
            inside = false;
            while (*p != 0 && *p != '\n') {
                p++;
            }
            if (*p == 0) {
                break;
            }
        } else if (inside && base64_value((unsigned char)*p) >= 0) {
            bits = (bits << 6) | (unsigned)base64_value((unsigned char)*p);
            nbits += 6;
            if (nbits >= 8) {
                nbits -= 8;
                der[n++] = (uint8_t)(bits >> nbits);
                bits &= (1u << nbits) - 1;
            }
        }
    }
    free(copy);
    *out_len = n;
    return der;
}

static void case_identities_from_memory_pem_and_der(void)
{
    tls_pair p;
    size_t cert_len = 0, key_len = 0, cert_pem_len = 0, key_pem_len = 0;
    size_t chain_len = 0, chain_key_len = 0, other_len = 0;
    uint8_t *cert = read_whole_file(cert_path("server.der"), &cert_len);
    uint8_t *key = read_whole_file(cert_path("server-key.der"), &key_len);
    uint8_t *cert_pem = read_whole_file(cert_path("server.pem"), &cert_pem_len);
    uint8_t *key_pem = read_whole_file(cert_path("server.key"), &key_pem_len);
    uint8_t *chain = pem_file_chain_der(cert_path("inter-server-chain.pem"), &chain_len);
    uint8_t *chain_key = read_whole_file(cert_path("inter-server.key"), &chain_key_len);
    uint8_t *other = pem_file_first_cert_der(cert_path("client.pem"), &other_len);
    uint8_t *two = NULL;
    ftls_identity *id = new_identity();
    int round;

    if (cert == NULL || key == NULL || cert_pem == NULL || key_pem == NULL || chain == NULL ||
        chain_key == NULL || other == NULL || id == NULL) {
        goto out;
    }
    /* DER, PEM, and each with the other's key form: the form is detected per input. */
    for (round = 0; round < 4; round++) {
        const uint8_t *c = round % 2 == 0 ? cert : cert_pem;
        size_t c_len = round % 2 == 0 ? cert_len : cert_pem_len;
        const uint8_t *k = round < 2 ? key : key_pem;
        size_t k_len = round < 2 ? key_len : key_pem_len;
        printf("# certificate %s, key %s\n", round % 2 == 0 ? "DER" : "PEM",
               round < 2 ? "DER" : "PEM");
        if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, c, c_len, k, k_len), FTLS_OK) &&
            run_pair(&p, make_client_config(NULL), "localhost", server_presenting(id))) {
            expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
            pair_free(&p);
        }
    }
    /* A DER chain is the certificates' DER concatenated: the intermediate goes along. */
    if (CHECK(chain_len > 0, "inter-server-chain.pem decoded (%zu bytes)", chain_len) &&
        CHECK_RESULT_ID(id, ftls_identity_set_mem(id, chain, chain_len, chain_key, chain_key_len),
                        FTLS_OK) &&
        run_pair(&p, make_client_config(NULL), "localhost", server_presenting(id))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        CHECK(ftls_connection_peer_certificate_count(p.client) == 2,
              "the client received the leaf and the intermediate (%zu)",
              ftls_connection_peer_certificate_count(p.client));
        pair_free(&p);
    }
    /* DER files where PEM ones are usual. */
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.der"),
                                                   cert_path("server-key.der")),
                        FTLS_OK) &&
        run_pair(&p, make_client_config(NULL), "localhost", server_presenting(id))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
    /* Errors: each leaves the identity as it was (server.der, usable). */
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, cert, 0, key, key_len),
                        FTLS_ERR_NO_CERTIFICATE)) {
        CHECK_ID_DETAIL(id, "empty");
    }
    /* Truncated: it still looks like PKCS#8, but the key cannot be read. */
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, cert, cert_len, key, key_len / 2),
                        FTLS_ERR_UNSUPPORTED_KEY)) {
        CHECK_ID_DETAIL(id, "cannot use the private key");
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, cert, cert_len,
                                                  (const uint8_t *)"\x01\x02\x03", 3),
                        FTLS_ERR_BAD_PEM)) {
        CHECK_ID_DETAIL(id, "not a DER private key either");
    }
    /* A chain whose second certificate is cut short. */
    two = (uint8_t *)malloc(2 * cert_len);
    if (two != NULL) {
        memcpy(two, cert, cert_len);
        memcpy(two + cert_len, cert, cert_len);
        if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, two, 2 * cert_len - 5, key, key_len),
                            FTLS_ERR_BAD_PEM)) {
            CHECK_ID_DETAIL(id, "not DER either");
        }
    }
    /* A key that is not the certificate's. */
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, other, other_len, key, key_len),
                        FTLS_ERR_KEY_MISMATCH)) {
        CHECK_ID_DETAIL(id, "does not match");
    }
    if (run_pair(&p, make_client_config(NULL), "localhost", server_presenting(id))) {
        printf("# after the failed calls\n");
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
out:
    ftls_identity_free(id);
    free(cert);
    free(key);
    free(cert_pem);
    free(key_pem);
    free(chain);
    free(chain_key);
    free(other);
    free(two);
}

/* One identity, loaded once, presented by a server and by a client (server.pem: the server
 * checks the client with an accepting callback, since its certificate is for servers), in
 * configs built after the identity was freed. */
static int accept_any(void *userdata, const ftls_verify_request *request, char *reason,
                      size_t reason_len)
{
    (void)reason;
    (void)reason_len;
    *(size_t *)userdata = request->chain_len > 0 ? request->chain[0].len : 0;
    return FTLS_OK;
}

static void case_one_identity_for_client_and_server(void)
{
    tls_pair p;
    ftls_identity *id = identity_from_files(cert_path("server.pem"), cert_path("server.key"));
    ftls_client_config_builder *cb = NULL;
    ftls_server_config_builder *sb = NULL;
    ftls_client_config *cc = NULL;
    ftls_server_config *sc = NULL;
    size_t der_len = 0, seen_len = 0;
    uint8_t *der = read_whole_file(cert_path("server.der"), &der_len);

    if (id == NULL || der == NULL || !CHECK_RESULT(ftls_client_config_builder_new(&cb), FTLS_OK) ||
        !CHECK_RESULT(ftls_server_config_builder_new(&sb), FTLS_OK)) {
        goto out;
    }
    CHECK_RESULT_CB(cb, client_trust_ca_file(cb, cert_path("ca.pem")), FTLS_OK);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_add_identity(cb, id), FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_add_identity(sb, id), FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_client_auth(sb, FTLS_CLIENT_AUTH_REQUIRED),
                    FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_insecure_verifier(sb, accept_any,
                                                                         &seen_len),
                    FTLS_OK);
    /* Changing, then freeing the identity reaches neither builder. */
    CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("alt-server.pem"),
                                               cert_path("alt-server.key")),
                    FTLS_OK);
    ftls_identity_free(id);
    id = NULL;
    CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &cc), FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &sc), FTLS_OK);
    if (cc != NULL && sc != NULL && pair_new(&p, cc, "localhost", sc)) {
        pair_pump(&p);
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        CHECK(strcmp(peer_subject(p.client, 0), "CN=localhost") == 0,
              "the server presented the identity as it was when added (%s)",
              peer_subject(p.client, 0));
        CHECK(strcmp(peer_subject(p.server, 0), "CN=localhost") == 0,
              "the client presented the same identity (%s)", peer_subject(p.server, 0));
        CHECK(seen_len == der_len, "the server's callback saw server.der (%zu bytes)", seen_len);
        pair_free(&p);
    }
out:
    ftls_identity_free(id);
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    free(der);
}

/* An identity that holds nothing is refused by both builders, with a detail. */
static void case_empty_identity_is_refused(void)
{
    ftls_identity *id = new_identity();
    ftls_client_config_builder *cb = NULL;
    ftls_server_config_builder *sb = NULL;
    ftls_server_config *sc = NULL;

    if (id == NULL || !CHECK_RESULT(ftls_client_config_builder_new(&cb), FTLS_OK) ||
        !CHECK_RESULT(ftls_server_config_builder_new(&sb), FTLS_OK)) {
        goto out;
    }
    if (CHECK_RESULT_CB(cb, ftls_client_config_builder_add_identity(cb, id),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_CB_DETAIL(cb, "identity");
        CHECK_CB_DETAIL(cb, "holds no certificate");
    }
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_add_identity(sb, id),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_SB_DETAIL(sb, "holds no certificate");
    }
    /* A failed load leaves it empty. */
    CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"),
                                               cert_path("mismatch.key")),
                    FTLS_ERR_KEY_MISMATCH);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_add_identity(sb, id), FTLS_ERR_INVALID_ARGUMENT);
    /* Nothing was added. */
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &sc), FTLS_ERR_CONFIG)) {
        CHECK_SB_DETAIL(sb, "identity");
    }
out:
    ftls_identity_free(id);
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
    ftls_server_config_free(sc);
}

/* ------------------------------------------------------------------------------------------ */
/* OCSP stapling */

static void case_ocsp_stapling(void)
{
    size_t ocsp_len = 0;
    uint8_t *ocsp = read_whole_file(cert_path("ocsp-response.der"), &ocsp_len);
    uint32_t versions[] = {FTLS_PROTOCOL_TLS13, FTLS_PROTOCOL_TLS12};
    size_t v;

    for (v = 0; ocsp != NULL && v < 2; v++) {
        ftls_identity *id = identity_from_files(cert_path("server.pem"), cert_path("server.key"));
        client_opts co;
        tls_pair p;
        ftls_bytes stapled;

        memset(&co, 0, sizeof co);
        co.versions = versions[v];
        if (id == NULL) {
            continue;
        }
        CHECK_RESULT_ID(id, ftls_identity_set_ocsp_response(id, ocsp, ocsp_len), FTLS_OK);
        if (run_pair(&p, make_client_config(&co), "localhost", server_presenting(id))) {
            expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
            if (CHECK_RESULT_CONN(p.client, ftls_connection_peer_ocsp_response(p.client, &stapled),
                                  FTLS_OK)) {
                CHECK(stapled.len == ocsp_len && memcmp(stapled.data, ocsp, ocsp_len) == 0,
                      "%s: the client reads the stapled response (%zu bytes)",
                      v == 0 ? "TLS 1.3" : "TLS 1.2", stapled.len);
            }
            CHECK_RESULT_CONN(p.server, ftls_connection_peer_ocsp_response(p.server, &stapled),
                              FTLS_OK);
            CHECK(stapled.len == 0, "a server connection reads none");
            pair_free(&p);
        }
        /* Loading a chain again drops it (it was for the earlier certificate)... */
        CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"),
                                                   cert_path("server.key")),
                        FTLS_OK);
        if (run_pair(&p, make_client_config(&co), "localhost", server_presenting(id))) {
            expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
            CHECK_RESULT_CONN(p.client, ftls_connection_peer_ocsp_response(p.client, &stapled),
                              FTLS_OK);
            CHECK(stapled.len == 0, "after reloading the chain nothing is stapled (%zu)",
                  stapled.len);
            pair_free(&p);
        }
        /* ...and zero bytes remove it. */
        CHECK_RESULT_ID(id, ftls_identity_set_ocsp_response(id, ocsp, ocsp_len), FTLS_OK);
        CHECK_RESULT_ID(id, ftls_identity_set_ocsp_response(id, NULL, 0), FTLS_OK);
        if (run_pair(&p, make_client_config(&co), "localhost", server_presenting(id))) {
            expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
            CHECK_RESULT_CONN(p.client, ftls_connection_peer_ocsp_response(p.client, &stapled),
                              FTLS_OK);
            CHECK(stapled.len == 0, "without stapling the client reads none (%zu)", stapled.len);
            pair_free(&p);
        }
        ftls_identity_free(id);
    }
    free(ocsp);
}

/* ------------------------------------------------------------------------------------------ */
/* The key check */

/* ftls_identity_set_file checks that the key is the leaf's (what a separate key check did). */
static void case_key_matches_certificate(void)
{
    ftls_identity *id = new_identity();
    static const struct {
        const char *file;
        ftls_result want;
        const char *detail;
    } rows[] = {
        {"server.key", FTLS_OK, NULL},
        {"server-key.der", FTLS_OK, NULL},
        {"server-sec1.key", FTLS_OK, NULL},
        {"mismatch.key", FTLS_ERR_KEY_MISMATCH,
         "does not match the public key of the first certificate"},
        {"server-rsa.key", FTLS_ERR_KEY_MISMATCH, "does not match"},
        {"server.pem", FTLS_ERR_NO_PRIVATE_KEY, "holds no private key"},
        {"garbage.pem", FTLS_ERR_BAD_PEM, "not valid PEM"},
        {"openssl/server-enc.key", FTLS_ERR_UNSUPPORTED_KEY, "encrypted private key"},
    };
    size_t i;

    for (i = 0; id != NULL && i < sizeof rows / sizeof rows[0]; i++) {
        if (check_result_at(__FILE__, __LINE__, rows[i].file,
                            (int)ftls_identity_set_file(id, cert_path("server.pem"),
                                                        cert_path(rows[i].file)),
                            rows[i].want, identity_last_error, id) &&
            rows[i].detail != NULL) {
            CHECK_ID_DETAIL(id, rows[i].detail);
        }
    }
    if (id != NULL) {
        CHECK_RESULT_ID(id, ftls_identity_set_mem(id, (const uint8_t *)"x", 1, NULL, 0),
                        FTLS_ERR_BAD_PEM);
    }
    ftls_identity_free(id);
}

/* ------------------------------------------------------------------------------------------ */
/* Encrypted private keys */

static void case_encrypted_private_keys(void)
{
    ftls_identity *id = new_identity();
    ftls_client_config_builder *cb = NULL;
    tls_pair p;
    size_t len = 0, cert_len = 0, der_len = 0;
    uint8_t *enc = read_whole_file(cert_path("openssl/server-enc.key"), &len);
    uint8_t *cert = read_whole_file(cert_path("server.pem"), &cert_len);
    uint8_t *enc_der = read_whole_file(cert_path("openssl/server-enc-key.der"), &der_len);
    uint8_t *cert_der = NULL;
    size_t cert_der_len = 0;
    static const char bad_utf8[] = {(char)0xff, (char)0xfe, 0};

    if (id == NULL || enc == NULL || cert == NULL || enc_der == NULL) {
        goto out;
    }
    cert_der = read_whole_file(cert_path("server.der"), &cert_der_len);
    /* No password yet. */
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"),
                                                   cert_path("openssl/server-enc.key")),
                        FTLS_ERR_UNSUPPORTED_KEY)) {
        CHECK_ID_DETAIL(id, "holds an encrypted private key: give its password first");
    }
    /* A wrong one. */
    CHECK_RESULT_ID(id, ftls_identity_set_password(id, "wrong"), FTLS_OK);
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, cert, cert_len, enc, len),
                        FTLS_ERR_BAD_PASSWORD)) {
        CHECK_ID_DETAIL(id, "cannot decrypt the private key: wrong password?");
    }
    /* The right one: PBES2 with AES-256-CBC, scrypt, DER; the identity works. */
    CHECK_RESULT_ID(id, ftls_identity_set_password(id, PASSWORD), FTLS_OK);
    CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"),
                                               cert_path("openssl/server-scrypt.key")),
                    FTLS_OK);
    if (cert_der != NULL) {
        CHECK_RESULT_ID(id, ftls_identity_set_mem(id, cert_der, cert_der_len, enc_der, der_len),
                        FTLS_OK);
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, cert, cert_len, enc, len), FTLS_OK) &&
        run_pair(&p, make_client_config(NULL), "localhost", server_presenting(id))) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        pair_free(&p);
    }
    /* PBES1 (PBE-SHA1-3DES): an old scheme ftls does not decrypt. */
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"),
                                                   cert_path("openssl/server-pbes1.key")),
                        FTLS_ERR_UNSUPPORTED_KEY)) {
        CHECK_ID_DETAIL(id, "unsupported scheme");
    }
    /* Key derivation parameters come from the file: costly ones are refused before deriving
     * (N = 2^30 aborted the process; r = p = 127 or 2e9 PBKDF2 iterations ran for minutes). */
    {
        static const struct {
            const char *file, *detail;
        } hostile[] = {
            {"openssl/hostile-scrypt-memory.key",
             "scrypt N=1073741824, r=8, p=1 needs 1099511630848 bytes of memory, more than the "
             "limit of 33554432 (32 MiB, as OpenSSL)"},
            {"openssl/hostile-scrypt-work.key",
             "scrypt N=1024, r=127, p=127: N*r*p is more than the limit of 1048576"},
            {"openssl/hostile-pbkdf2.key",
             "2000000000 PBKDF2 iterations, more than the limit of 10000000"},
        };
        size_t i;
        for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
            if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"),
                                                           cert_path(hostile[i].file)),
                                FTLS_ERR_UNSUPPORTED_KEY)) {
                CHECK_ID_DETAIL(id, "key derivation parameters ftls refuses");
                CHECK_ID_DETAIL(id, hostile[i].detail);
            }
        }
    }
    /* NULL forgets the password; a password must be UTF-8. */
    CHECK_RESULT_ID(id, ftls_identity_set_password(id, NULL), FTLS_OK);
    CHECK_RESULT_ID(id, ftls_identity_set_mem(id, cert, cert_len, enc, len),
                    FTLS_ERR_UNSUPPORTED_KEY);
    if (CHECK_RESULT_ID(id, ftls_identity_set_password(id, bad_utf8), FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_ID_DETAIL(id, "not valid UTF-8");
    }
    /* The failures kept the last good chain and key: a client presents it. */
    if (CHECK_RESULT(ftls_client_config_builder_new(&cb), FTLS_OK)) {
        CHECK_RESULT_CB(cb, ftls_client_config_builder_add_identity(cb, id), FTLS_OK);
    }
out:
    ftls_client_config_builder_free(cb);
    ftls_identity_free(id);
    free(enc);
    free(cert);
    free(enc_der);
    free(cert_der);
}

/* ------------------------------------------------------------------------------------------ */
/* The client certificate callback */

typedef struct {
    int calls;
    int choice;
    size_t ca_names;
    bool names_the_test_ca;
    size_t schemes;
} certificate_probe;

static bool contains_bytes(const uint8_t *hay, size_t hay_len, const char *needle)
{
    size_t n = strlen(needle), i;
    for (i = 0; i + n <= hay_len; i++) {
        if (memcmp(hay + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

static int probing_certificate(void *userdata, const ftls_certificate_request *request)
{
    certificate_probe *probe = (certificate_probe *)userdata;
    size_t i;
    probe->calls++;
    probe->ca_names = request->ca_names_len;
    for (i = 0; i < request->ca_names_len; i++) {
        probe->names_the_test_ca |=
            contains_bytes(request->ca_names[i].data, request->ca_names[i].len, "ftls test CA");
    }
    probe->schemes = request->signature_schemes_len;
    return probe->choice;
}

/* A client with client.pem (0, ECDSA) and client-rsa.pem (1), and the callback if given. */
static ftls_client_config *two_identity_client(ftls_client_certificate_callback cb, void *userdata)
{
    ftls_client_config_builder *b = NULL;
    ftls_client_config *config = NULL;
    SETUP_OK("", ftls_client_config_builder_new(&b));
    SETUP_OK(CLIENT_BUILDER_DETAIL(b), client_trust_ca_file(b, cert_path("ca.pem")));
    SETUP_OK(CLIENT_BUILDER_DETAIL(b), client_add_identity_files(b, cert_path("client.pem"),
                                                                 cert_path("client.key")));
    SETUP_OK(CLIENT_BUILDER_DETAIL(b), client_add_identity_files(b, cert_path("client-rsa.pem"),
                                                                 cert_path("client-rsa.key")));
    SETUP_OK(CLIENT_BUILDER_DETAIL(b),
             ftls_client_config_builder_set_client_certificate_callback(b, cb, userdata));
    SETUP_OK(CLIENT_BUILDER_DETAIL(b), ftls_client_config_builder_build(b, &config));
setup_fail:
    ftls_client_config_builder_free(b);
    return config;
}

static ftls_server_config *client_auth_server(void)
{
    server_opts o;
    memset(&o, 0, sizeof o);
    o.client_ca = "ca.pem";
    o.client_auth = FTLS_CLIENT_AUTH_REQUIRED;
    return make_server_config(&o);
}

/* The key type of the client certificate the server received. */
static const char *received_key_type(ftls_connection *server)
{
    static char text[64];
    ftls_certificate *cert = NULL;
    ftls_str type;
    if (ftls_connection_peer_certificate(server, 0, &cert) != FTLS_OK ||
        ftls_certificate_public_key(cert, &type, NULL) != FTLS_OK) {
        ftls_certificate_free(cert);
        return "(none)";
    }
    snprintf(text, sizeof text, "%.*s", (int)type.len, type.data);
    ftls_certificate_free(cert);
    return text;
}

static void case_client_certificate_callback(void)
{
    static const struct {
        int choice;
        ftls_result client, server;
        const char *key_type;
    } rows[] = {
        {1, FTLS_OK, FTLS_OK, "RSA"},
        {0, FTLS_OK, FTLS_OK, "EC"},
        {FTLS_IDENTITY_AUTO, FTLS_OK, FTLS_OK, "EC"},
        /* No certificate: the server's certificate_required alert reaches the client. */
        {FTLS_IDENTITY_NONE, FTLS_ERR_CLIENT_CERT_REQUIRED, FTLS_ERR_CLIENT_CERT_REQUIRED, NULL},
        {42, FTLS_ERR_CLIENT_CERT_REQUIRED, FTLS_ERR_CLIENT_CERT_REQUIRED, NULL},
        {-7, FTLS_ERR_CLIENT_CERT_REQUIRED, FTLS_ERR_CLIENT_CERT_REQUIRED, NULL},
    };
    size_t i;
    tls_pair p;

    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        certificate_probe probe;
        memset(&probe, 0, sizeof probe);
        probe.choice = rows[i].choice;
        if (!run_pair(&p, two_identity_client(probing_certificate, &probe), "localhost",
                      client_auth_server())) {
            continue;
        }
        expect_pair(&p, rows[i].client, NULL, rows[i].server, NULL);
        CHECK(probe.calls == 1, "choice %d: the callback ran once (%d)", rows[i].choice,
              probe.calls);
        if (rows[i].key_type != NULL) {
            CHECK(strcmp(received_key_type(p.server), rows[i].key_type) == 0,
                  "choice %d: the server received the %s certificate (got %s)", rows[i].choice,
                  rows[i].key_type, received_key_type(p.server));
        }
        if (i == 0) {
            CHECK(probe.ca_names == 1 && probe.names_the_test_ca,
                  "the callback saw the server's one acceptable CA, ftls test CA (%zu)",
                  probe.ca_names);
            CHECK(probe.schemes > 0, "and its signature schemes (%zu)", probe.schemes);
        }
        pair_free(&p);
    }
    /* No callback: the first identity. */
    if (run_pair(&p, two_identity_client(NULL, NULL), "localhost", client_auth_server())) {
        expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
        CHECK(strcmp(received_key_type(p.server), "EC") == 0, "without a callback: identity 0");
        pair_free(&p);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Inspection */

/* "KEY=value" from san-all.facts (what openssl x509 printed), in a static buffer. */
static const char *openssl_fact(const char *key)
{
    static char value[256];
    size_t len = 0;
    uint8_t *text = read_whole_file(cert_path("openssl/san-all.facts"), &len);
    char *copy, *line, *found = NULL;
    value[0] = 0;
    if (text == NULL) {
        return value;
    }
    copy = (char *)malloc(len + 1);
    if (copy != NULL) {
        memcpy(copy, text, len);
        copy[len] = 0;
        for (line = strtok(copy, "\n"); line != NULL; line = strtok(NULL, "\n")) {
            if (strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == '=') {
                found = line + strlen(key) + 1;
                snprintf(value, sizeof value, "%s", found);
            }
        }
    }
    free(copy);
    free(text);
    return value;
}

static void case_peer_certificate_fields(void)
{
    tls_pair p;
    ftls_certificate *cert = NULL;
    ftls_str s;
    ftls_bytes b;
    int64_t not_before = 0, not_after = 0;
    uint32_t type = 0, bits = 0;
    size_t count = 0, i;
    char hex[3 * 32 + 1];
    static const struct {
        uint32_t type;
        const char *value;
    } sans[] = {
        {FTLS_SAN_DNS, "all.test"},
        {FTLS_SAN_IP, "192.0.2.7"},
        {FTLS_SAN_IP, "2001:db8::7"},
        {FTLS_SAN_EMAIL, "admin@all.test"},
        {FTLS_SAN_URI, "https://all.test/id"},
    };
    server_opts so;

    memset(&so, 0, sizeof so);
    so.cert = "san-all.pem";
    so.key = "san-all.key";
    if (!run_pair(&p, make_client_config(NULL), "all.test", make_server_config(&so))) {
        return;
    }
    expect_pair(&p, FTLS_OK, NULL, FTLS_OK, NULL);
    /* Index 1 does not exist: only the leaf was sent. */
    if (CHECK_RESULT_CONN(p.client, ftls_connection_peer_certificate(p.client, 1, &cert),
                          FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_CONN_DETAIL(p.client, "certificate index 1 is out of range: the peer presented 1");
    }
    /* The server has no peer certificate (no client authentication). */
    CHECK_RESULT_CONN(p.server, ftls_connection_peer_certificate(p.server, 0, &cert),
                      FTLS_ERR_INVALID_ARGUMENT);
    if (!CHECK_RESULT_CONN(p.client, ftls_connection_peer_certificate(p.client, 0, &cert),
                           FTLS_OK)) {
        pair_free(&p);
        return;
    }
    /* The certificate owns its data: it outlives the connection. */
    pair_free(&p);

    CHECK_RESULT(ftls_certificate_subject(cert, &s), FTLS_OK);
    CHECK_STR("subject", s, "C=FR, O=ftls tests, CN=all.test");
    CHECK_RESULT(ftls_certificate_issuer(cert, &s), FTLS_OK);
    CHECK_STR("issuer", s, "CN=ftls test CA");
    CHECK_RESULT(ftls_certificate_serial(cert, &s), FTLS_OK);
    CHECK_STR("serial (as openssl x509 -serial)", s, openssl_fact("serial"));
    CHECK_RESULT(ftls_certificate_sha256_fingerprint(cert, &b), FTLS_OK);
    for (i = 0; i < b.len && i < 32; i++) {
        snprintf(hex + 3 * i, 4, "%02X%s", b.data[i], i + 1 < b.len ? ":" : "");
    }
    hex[b.len == 32 ? 3 * 32 - 1 : 0] = 0;
    CHECK(b.len == 32 && strcmp(hex, openssl_fact("sha256 Fingerprint")) == 0,
          "the SHA-256 fingerprint is openssl's %s (got %s)", openssl_fact("sha256 Fingerprint"),
          hex);
    CHECK_RESULT(ftls_certificate_validity(cert, &not_before, &not_after), FTLS_OK);
    CHECK(not_after - not_before == 3651LL * 86400,
          "valid for 3651 days, as tools/certs.rs made it (%lld s)",
          (long long)(not_after - not_before));
    CHECK(not_before < (int64_t)time(NULL) && (int64_t)time(NULL) - not_before < 3 * 86400,
          "valid since about a day ago");
    CHECK_RESULT(ftls_certificate_san_count(cert, &count), FTLS_OK);
    CHECK(count == 5, "five subjectAltNames (%zu)", count);
    for (i = 0; i < 5 && i < count; i++) {
        CHECK_RESULT(ftls_certificate_san(cert, i, &type, &s), FTLS_OK);
        CHECK(type == sans[i].type, "SAN %zu has type %u (got %u)", i, sans[i].type, type);
        CHECK_STR("SAN value", s, sans[i].value);
    }
    if (check_result_at(__FILE__, __LINE__, "san(5)", (int)ftls_certificate_san(cert, 5, &type, &s),
                        FTLS_ERR_INVALID_ARGUMENT, cert_last_error, cert)) {
        CHECK_CERT_DETAIL(cert, "subjectAltName index 5 is out of range: the certificate has 5");
    }
    CHECK_RESULT(ftls_certificate_public_key(cert, &s, &bits), FTLS_OK);
    CHECK_STR("key type", s, "EC");
    CHECK(bits == 256, "a P-256 key has 256 bits (%u)", bits);
    ftls_certificate_free(cert);
}

static void case_certificates_from_files_and_memory(void)
{
    ftls_certificate *cert = NULL;
    ftls_str s;
    ftls_bytes b;
    uint32_t bits = 0;
    size_t len = 0, der_len = 0, count = 9;
    uint8_t *rsa = read_whole_file(cert_path("server-rsa.pem"), &len);
    uint8_t *der = read_whole_file(cert_path("server.der"), &der_len);
    uint8_t *no_cert = NULL;
    size_t no_cert_len = 0;
    int round;

    /* PEM in memory. */
    if (rsa != NULL && CHECK_RESULT(ftls_certificate_new_mem(rsa, len, &cert), FTLS_OK)) {
        CHECK_RESULT(ftls_certificate_public_key(cert, &s, &bits), FTLS_OK);
        CHECK(str_equals(s, "RSA") && bits == 2048, "server-rsa.pem: RSA 2048 (%u)", bits);
        CHECK_RESULT(ftls_certificate_san_count(cert, &count), FTLS_OK);
        CHECK(count == 3, "localhost, 127.0.0.1, ::1 (%zu)", count);
        ftls_certificate_free(cert);
        cert = NULL;
    }
    /* DER in memory, and both files: the same certificate. */
    for (round = 0; der != NULL && round < 3; round++) {
        static const char *const how[] = {"DER in memory", "DER file", "PEM file"};
        ftls_result r = round == 0   ? ftls_certificate_new_mem(der, der_len, &cert)
                        : round == 1 ? ftls_certificate_new_file(cert_path("server.der"), &cert)
                                     : ftls_certificate_new_file(cert_path("server.pem"), &cert);
        if (!CHECK_CODE(how[round], r, FTLS_OK)) {
            continue;
        }
        CHECK_RESULT(ftls_certificate_der(cert, &b), FTLS_OK);
        CHECK(b.len == der_len && memcmp(b.data, der, der_len) == 0, "%s: the DER round-trips",
              how[round]);
        CHECK_RESULT(ftls_certificate_subject(cert, &s), FTLS_OK);
        CHECK_STR("subject", s, "CN=localhost");
        ftls_certificate_free(cert);
        cert = NULL;
    }
    if (der != NULL) {
        CHECK_RESULT(ftls_certificate_new_mem(der, der_len - 1, &cert), FTLS_ERR_BAD_PEM);
        CHECK_RESULT(ftls_certificate_new_mem(der, der_len, NULL), FTLS_ERR_NULL_ARGUMENT);
    }
    CHECK_RESULT(ftls_certificate_new_mem(NULL, 0, &cert), FTLS_ERR_BAD_PEM);
    CHECK_RESULT(ftls_certificate_new_mem((const uint8_t *)"hello", 5, &cert), FTLS_ERR_BAD_PEM);
    no_cert = read_whole_file(cert_path("no-cert.pem"), &no_cert_len);
    if (no_cert != NULL) {
        CHECK_RESULT(ftls_certificate_new_mem(no_cert, no_cert_len, &cert),
                     FTLS_ERR_NO_CERTIFICATE);
    }
    CHECK_RESULT(ftls_certificate_new_file(cert_path("no-cert.pem"), &cert),
                 FTLS_ERR_NO_CERTIFICATE);
    CHECK_RESULT(ftls_certificate_new_file(cert_path("garbage.pem"), &cert), FTLS_ERR_BAD_PEM);
    CHECK_RESULT(ftls_certificate_new_file("/nonexistent/cert.pem", &cert), FTLS_ERR_FILE);
    CHECK(cert == NULL, "failed constructors wrote nothing");
    free(rsa);
    free(der);
    free(no_cert);
}

/* ------------------------------------------------------------------------------------------ */
/* Callbacks of shared configs, on several threads at once */

#define THREADS 4
#define HANDSHAKES_PER_THREAD 5

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct {
    int verify_server, verify_client, hello, certificate;
} shared_counts;

static void count(int *counter)
{
    pthread_mutex_lock(&counter_lock);
    (*counter)++;
    pthread_mutex_unlock(&counter_lock);
}

static int threaded_verify_server(void *userdata, const ftls_verify_request *request,
                                  char *reason, size_t reason_len)
{
    (void)reason;
    (void)reason_len;
    count(&((shared_counts *)userdata)->verify_server);
    return request->chain_len == 1 ? FTLS_OK : FTLS_ERR_CERT_REJECTED;
}

static int threaded_verify_client(void *userdata, const ftls_verify_request *request,
                                  char *reason, size_t reason_len)
{
    (void)reason;
    (void)reason_len;
    count(&((shared_counts *)userdata)->verify_client);
    return request->server_name.len == 0 ? FTLS_OK : FTLS_ERR_CERT_REJECTED;
}

static int threaded_hello(void *userdata, const ftls_client_hello *hello)
{
    count(&((shared_counts *)userdata)->hello);
    return hello->server_name.len > 0 ? FTLS_IDENTITY_AUTO : FTLS_IDENTITY_NONE;
}

static int threaded_certificate(void *userdata, const ftls_certificate_request *request)
{
    count(&((shared_counts *)userdata)->certificate);
    return request->ca_names_len == 1 ? 0 : FTLS_IDENTITY_NONE;
}

typedef struct {
    const ftls_client_config *client;
    const ftls_server_config *server;
    int completed;
    int full;   /* not resumed: certificates were exchanged */
} thread_job;

/* No CHECK here: the counters of check.h belong to the main thread. */
static void *handshakes_in_a_thread(void *arg)
{
    thread_job *job = (thread_job *)arg;
    int i;
    for (i = 0; i < HANDSHAKES_PER_THREAD; i++) {
        tls_pair p;
        memset(&p, 0, sizeof p);
        if (ftls_client_connection_new(job->client, "localhost", &p.client) != FTLS_OK ||
            ftls_server_connection_new(job->server, &p.server) != FTLS_OK) {
            pair_free(&p);
            continue;
        }
        pair_pump(&p);
        if (p.client_result == FTLS_OK && p.server_result == FTLS_OK &&
            !ftls_connection_is_handshaking(p.client) && !ftls_connection_is_handshaking(p.server)) {
            job->completed++;
            job->full += !ftls_connection_is_resumed(p.client);
        }
        pair_free(&p);
    }
    return NULL;
}

static void case_callbacks_of_shared_configs_on_several_threads(void)
{
    shared_counts counts;
    ftls_client_config_builder *cb = NULL;
    ftls_server_config_builder *sb = NULL;
    ftls_client_config *client = NULL;
    ftls_server_config *server = NULL;
    pthread_t threads[THREADS];
    thread_job jobs[THREADS];
    int i, total = 0, full = 0, started = 0;

    memset(&counts, 0, sizeof counts);
    SETUP_OK("", ftls_client_config_builder_new(&cb));
    SETUP_OK(CLIENT_BUILDER_DETAIL(cb), client_trust_ca_file(cb, cert_path("ca.pem")));
    SETUP_OK(CLIENT_BUILDER_DETAIL(cb), client_add_identity_files(cb, cert_path("client.pem"),
                                                                  cert_path("client.key")));
    SETUP_OK(CLIENT_BUILDER_DETAIL(cb),
             ftls_client_config_builder_set_verify_callback(cb, threaded_verify_server, &counts));
    SETUP_OK(CLIENT_BUILDER_DETAIL(cb), ftls_client_config_builder_set_client_certificate_callback(
                                            cb, threaded_certificate, &counts));
    SETUP_OK(CLIENT_BUILDER_DETAIL(cb), ftls_client_config_builder_build(cb, &client));
    SETUP_OK("", ftls_server_config_builder_new(&sb));
    SETUP_OK(SERVER_BUILDER_DETAIL(sb), server_add_identity_files(sb, cert_path("server.pem"),
                                                                  cert_path("server.key")));
    SETUP_OK(SERVER_BUILDER_DETAIL(sb), server_trust_ca_file(sb, cert_path("ca.pem")));
    SETUP_OK(SERVER_BUILDER_DETAIL(sb),
             ftls_server_config_builder_set_client_auth(sb, FTLS_CLIENT_AUTH_REQUIRED));
    SETUP_OK(SERVER_BUILDER_DETAIL(sb), ftls_server_config_builder_set_verify_callback(
                                            sb, threaded_verify_client, &counts));
    SETUP_OK(SERVER_BUILDER_DETAIL(sb),
             ftls_server_config_builder_set_client_hello_callback(sb, threaded_hello, &counts));
    SETUP_OK(SERVER_BUILDER_DETAIL(sb), ftls_server_config_builder_build(sb, &server));
    /* The builders go first: the configs keep what they need. */
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
    cb = NULL;
    sb = NULL;

    for (i = 0; i < THREADS; i++) {
        jobs[i].client = client;
        jobs[i].server = server;
        jobs[i].completed = 0;
        jobs[i].full = 0;
        if (pthread_create(&threads[i], NULL, handshakes_in_a_thread, &jobs[i]) != 0) {
            setup_failed(__FILE__, __LINE__, "pthread_create failed");
            break;
        }
        started++;
    }
    for (i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
        total += jobs[i].completed;
        full += jobs[i].full;
    }
    CHECK(started == THREADS && total == THREADS * HANDSHAKES_PER_THREAD,
          "%d threads completed %d mutually authenticated handshakes on two shared configs",
          started, total);
    /* Resumed sessions exchange no certificates: only the ClientHello callback runs for them. */
    CHECK(full >= 1 && counts.verify_server == full && counts.verify_client == full &&
              counts.certificate == full,
          "the certificate callbacks ran once per full handshake (%d of %d): %d %d %d", full,
          total, counts.verify_server, counts.verify_client, counts.certificate);
    CHECK(counts.hello == total, "the ClientHello callback ran once per handshake (%d)",
          counts.hello);
setup_fail:
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
    ftls_client_config_free(client);
    ftls_server_config_free(server);
}

static const test_case cases[] = {
    {"sni_chooses_the_identity", case_sni_chooses_the_identity},
    {"sni_refuses_unknown_names", case_sni_refuses_unknown_names},
    {"client_hello_callback", case_client_hello_callback},
    {"identities_from_memory_pem_and_der", case_identities_from_memory_pem_and_der},
    {"one_identity_for_client_and_server", case_one_identity_for_client_and_server},
    {"empty_identity_is_refused", case_empty_identity_is_refused},
    {"ocsp_stapling", case_ocsp_stapling},
    {"key_matches_certificate", case_key_matches_certificate},
    {"encrypted_private_keys", case_encrypted_private_keys},
    {"client_certificate_callback", case_client_certificate_callback},
    {"peer_certificate_fields", case_peer_certificate_fields},
    {"certificates_from_files_and_memory", case_certificates_from_files_and_memory},
    {"callbacks_of_shared_configs_on_several_threads",
     case_callbacks_of_shared_configs_on_several_threads},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CERT_DIR [CASE]\n", argv[0]);
        return 2;
    }
    cert_dir = argv[1];
    return RUN_CASES(cases, argc > 2 ? argv[2] : NULL);
}
