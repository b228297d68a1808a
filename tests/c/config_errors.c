/*
 * config_errors: loading credentials into identities and trust objects and building configs,
 * from files and from memory, with every kind of bad input; the exact ftls_result and a detail
 * naming the cause for each. A failed load must leave the object (and so the builder given it)
 * as it was. Also the _last_error() buffer rules of every object that has one.
 *
 * Usage: config_errors CERT_DIR [CASE]
 */
#include "check.h"
#include "pump.h"

#include <unistd.h>

/* A path that is not UTF-8. */
static const char not_utf8_path[] = "/tmp/\xff\xfe-not-utf8.pem";

static const char *missing_path(void)
{
    return cert_path("does-not-exist.pem");
}

/* A file of bytes that are not PEM at all, made by main() (and removed at exit). */
static char random_file[4096];
static uint8_t random_bytes[1024];

static void make_random_bytes(void)
{
    uint32_t x = 2463534242u;
    size_t i;
    for (i = 0; i < sizeof random_bytes; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        random_bytes[i] = (uint8_t)(x >> 24);
    }
}

static bool write_random_file(void)
{
    int fd;
    snprintf(random_file, sizeof random_file, "%s/random-XXXXXX", cert_dir);
    fd = mkstemp(random_file);
    if (fd < 0) {
        setup_failed(__FILE__, __LINE__, "mkstemp(%s) failed", random_file);
        random_file[0] = 0;
        return false;
    }
    if (write(fd, random_bytes, sizeof random_bytes) != (ssize_t)sizeof random_bytes) {
        setup_failed(__FILE__, __LINE__, "cannot write %s", random_file);
    }
    close(fd);
    return true;
}

/* File contents, read once by main(). */
typedef struct {
    uint8_t *data;
    size_t len;
} blob;

static blob server_pem, server_key, client_pem, client_key, mismatch_key, garbage_pem,
    no_cert_pem, ca_pem;

static void load_blob(blob *b, const char *name)
{
    b->data = read_whole_file(cert_path(name), &b->len);
}

/* -------------------------------------------------------------------------------------------- */

/* A new identity and a new trust object for a case (false after a failed check). */
static bool new_identity_and_trust(ftls_identity **id, ftls_trust **tr)
{
    *id = NULL;
    *tr = NULL;
    return CHECK_RESULT(ftls_identity_new(id), FTLS_OK) &&
           CHECK_RESULT(ftls_trust_new(tr), FTLS_OK);
}

static void case_missing_file(void)
{
    ftls_identity *id;
    ftls_trust *tr;
    const char *missing = missing_path();

    if (!new_identity_and_trust(&id, &tr)) {
        goto out;
    }
    if (CHECK_RESULT_TR(tr, ftls_trust_add_ca_file(tr, missing), FTLS_ERR_FILE)) {
        CHECK_TR_DETAIL(tr, missing);
        CHECK_TR_DETAIL(tr, "No such file or directory");
    }
    if (CHECK_RESULT_TR(tr, ftls_trust_add_crl_file(tr, missing), FTLS_ERR_FILE)) {
        CHECK_TR_DETAIL(tr, missing);
    }
    if (CHECK_RESULT_TR(tr, ftls_trust_add_pin_file(tr, missing), FTLS_ERR_FILE)) {
        CHECK_TR_DETAIL(tr, missing);
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, missing, cert_path("client.key")),
                        FTLS_ERR_FILE)) {
        CHECK_ID_DETAIL(id, missing);
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("client.pem"), missing),
                        FTLS_ERR_FILE)) {
        CHECK_ID_DETAIL(id, missing);
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, missing, cert_path("server.key")),
                        FTLS_ERR_FILE)) {
        CHECK_ID_DETAIL(id, missing);
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"), missing),
                        FTLS_ERR_FILE)) {
        CHECK_ID_DETAIL(id, missing);
    }
out:
    ftls_identity_free(id);
    ftls_trust_free(tr);
}

static void case_directory_as_file(void)
{
    ftls_identity *id;
    ftls_trust *tr;

    if (!new_identity_and_trust(&id, &tr)) {
        goto out;
    }
    if (CHECK_RESULT_TR(tr, ftls_trust_add_ca_file(tr, cert_dir), FTLS_ERR_FILE)) {
        CHECK_TR_DETAIL(tr, cert_dir);
        CHECK_TR_DETAIL(tr, "directory");
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"), cert_dir),
                        FTLS_ERR_FILE)) {
        CHECK_ID_DETAIL(id, "directory");
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_dir, cert_path("server.key")),
                        FTLS_ERR_FILE)) {
        CHECK_ID_DETAIL(id, "directory");
    }
out:
    ftls_identity_free(id);
    ftls_trust_free(tr);
}

static void case_garbage_pem(void)
{
    ftls_identity *id;
    ftls_trust *tr;
    const char *garbage = cert_path("garbage.pem");

    if (!new_identity_and_trust(&id, &tr)) {
        goto out;
    }
    /* Files. */
    if (CHECK_RESULT_TR(tr, ftls_trust_add_ca_file(tr, garbage), FTLS_ERR_BAD_PEM)) {
        CHECK_TR_DETAIL(tr, garbage);
        CHECK_TR_DETAIL(tr, "not valid PEM");
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, garbage, cert_path("server.key")),
                        FTLS_ERR_BAD_PEM)) {
        CHECK_ID_DETAIL(id, garbage);
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("client.pem"), garbage),
                        FTLS_ERR_BAD_PEM)) {
        CHECK_ID_DETAIL(id, garbage);
    }
    /* Memory. */
    if (CHECK_RESULT_TR(tr, ftls_trust_add_ca_mem(tr, garbage_pem.data, garbage_pem.len),
                        FTLS_ERR_BAD_PEM)) {
        CHECK_TR_DETAIL(tr, "not valid PEM");
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, garbage_pem.data, garbage_pem.len,
                                                  server_key.data, server_key.len),
                        FTLS_ERR_BAD_PEM)) {
        CHECK_ID_DETAIL(id, "the certificate chain is not valid PEM");
    }
out:
    ftls_identity_free(id);
    ftls_trust_free(tr);
}

static void case_random_bytes(void)
{
    ftls_identity *id;
    ftls_trust *tr;

    if (!new_identity_and_trust(&id, &tr)) {
        goto out;
    }
    if (random_file[0] != 0) {
        if (CHECK_RESULT_TR(tr, ftls_trust_add_ca_file(tr, random_file), FTLS_ERR_BAD_PEM)) {
            CHECK_TR_DETAIL(tr, random_file);
            CHECK_TR_DETAIL(tr, "is not PEM");
        }
        if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, random_file, cert_path("server.key")),
                            FTLS_ERR_BAD_PEM)) {
            CHECK_ID_DETAIL(id, random_file);
        }
        if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"), random_file),
                            FTLS_ERR_BAD_PEM)) {
            CHECK_ID_DETAIL(id, random_file);
        }
    }
    if (CHECK_RESULT_TR(tr, ftls_trust_add_ca_mem(tr, random_bytes, sizeof random_bytes),
                        FTLS_ERR_BAD_PEM)) {
        CHECK_TR_DETAIL(tr, "is not PEM");
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, client_pem.data, client_pem.len,
                                                  random_bytes, sizeof random_bytes),
                        FTLS_ERR_BAD_PEM)) {
        CHECK_ID_DETAIL(id, "the private key is not PEM");
    }
out:
    ftls_identity_free(id);
    ftls_trust_free(tr);
}

static void case_pem_without_certificate(void)
{
    ftls_identity *id;
    ftls_trust *tr;
    const char *no_cert = cert_path("no-cert.pem");

    if (!new_identity_and_trust(&id, &tr)) {
        goto out;
    }
    /* As a certificate chain. */
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, no_cert, cert_path("server.key")),
                        FTLS_ERR_NO_CERTIFICATE)) {
        CHECK_ID_DETAIL(id, no_cert);
        CHECK_ID_DETAIL(id, "holds no certificate");
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, no_cert_pem.data, no_cert_pem.len,
                                                  client_key.data, client_key.len),
                        FTLS_ERR_NO_CERTIFICATE)) {
        CHECK_ID_DETAIL(id, "holds no certificate");
    }
    /* As CA certificates. */
    if (CHECK_RESULT_TR(tr, ftls_trust_add_ca_file(tr, no_cert), FTLS_ERR_NO_CERTIFICATE)) {
        CHECK_TR_DETAIL(tr, no_cert);
        CHECK_TR_DETAIL(tr, "holds no certificate");
    }
    if (CHECK_RESULT_TR(tr, ftls_trust_add_ca_mem(tr, no_cert_pem.data, no_cert_pem.len),
                        FTLS_ERR_NO_CERTIFICATE)) {
        CHECK_TR_DETAIL(tr, "holds no certificate");
    }
out:
    ftls_identity_free(id);
    ftls_trust_free(tr);
}

static void case_file_without_private_key(void)
{
    ftls_identity *id = NULL;
    const char *cert_as_key = cert_path("server.pem");

    if (!CHECK_RESULT(ftls_identity_new(&id), FTLS_OK)) {
        return;
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"), cert_as_key),
                        FTLS_ERR_NO_PRIVATE_KEY)) {
        CHECK_ID_DETAIL(id, cert_as_key);
        CHECK_ID_DETAIL(id, "holds no private key");
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("client.pem"),
                                                   cert_path("ca.pem")),
                        FTLS_ERR_NO_PRIVATE_KEY)) {
        CHECK_ID_DETAIL(id, "holds no private key");
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, server_pem.data, server_pem.len,
                                                  ca_pem.data, ca_pem.len),
                        FTLS_ERR_NO_PRIVATE_KEY)) {
        CHECK_ID_DETAIL(id, "the private key holds no private key");
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, client_pem.data, client_pem.len,
                                                  client_pem.data, client_pem.len),
                        FTLS_ERR_NO_PRIVATE_KEY)) {
        CHECK_ID_DETAIL(id, "holds no private key");
    }
    ftls_identity_free(id);
}

static void case_key_mismatch(void)
{
    ftls_identity *id = NULL;

    if (!CHECK_RESULT(ftls_identity_new(&id), FTLS_OK)) {
        return;
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"),
                                                   cert_path("mismatch.key")),
                        FTLS_ERR_KEY_MISMATCH)) {
        CHECK_ID_DETAIL(id, "does not match");
        CHECK_ID_DETAIL(id, cert_path("mismatch.key"));
        CHECK_ID_DETAIL(id, cert_path("server.pem"));
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, server_pem.data, server_pem.len,
                                                  mismatch_key.data, mismatch_key.len),
                        FTLS_ERR_KEY_MISMATCH)) {
        CHECK_ID_DETAIL(id, "does not match");
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, client_pem.data, client_pem.len,
                                                  server_key.data, server_key.len),
                        FTLS_ERR_KEY_MISMATCH)) {
        CHECK_ID_DETAIL(id, "does not match");
    }
    /* An RSA key with an ECDSA certificate: a mismatch too. */
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"),
                                                   cert_path("server-pkcs1.key")),
                        FTLS_ERR_KEY_MISMATCH)) {
        CHECK_ID_DETAIL(id, "does not match");
    }
    ftls_identity_free(id);
}

/* A server with this identity completes a handshake with a default client. */
static void handshake_with_identity(const char *cert, const char *key)
{
    tls_pair p;
    server_opts so;
    memset(&so, 0, sizeof so);
    so.cert = cert;
    so.key = key;
    if (pair_setup(&p, NULL, "localhost", &so)) {
        CHECK(pair_handshake(&p), "a handshake with the %s / %s identity succeeds (client %s, "
              "server %s)", cert, key, ftls_result_name(p.client_result),
              ftls_result_name(p.server_result));
    }
    pair_free(&p);
}

static void case_key_formats(void)
{
    ftls_identity *id = NULL;

    if (!CHECK_RESULT(ftls_identity_new(&id), FTLS_OK)) {
        return;
    }
    /* PKCS#8 (ECDSA and RSA), PKCS#1 RSA, SEC1 EC. */
    CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"),
                                               cert_path("server.key")),
                    FTLS_OK);
    CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server-rsa.pem"),
                                               cert_path("server-rsa.key")),
                    FTLS_OK);
    CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server-rsa.pem"),
                                               cert_path("server-pkcs1.key")),
                    FTLS_OK);
    CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("server.pem"),
                                               cert_path("server-sec1.key")),
                    FTLS_OK);
    CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("client-rsa.pem"),
                                               cert_path("client-rsa.key")),
                    FTLS_OK);
    CHECK_RESULT_ID(id, ftls_identity_set_mem(id, server_pem.data, server_pem.len,
                                              server_key.data, server_key.len),
                    FTLS_OK);
    ftls_identity_free(id);
    /* The keys loaded from the older encodings actually sign. */
    handshake_with_identity("server-rsa.pem", "server-pkcs1.key");
    handshake_with_identity("server.pem", "server-sec1.key");
}

/* A CERTIFICATE block whose base64 is fine but whose bytes are no certificate. */
static const char not_der_certificate[] =
    "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGUgYXQgYWxs\n-----END CERTIFICATE-----\n";
/* Keys ftls cannot use. */
static const char encrypted_key[] = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                                    "TW9jayBlbmNyeXB0ZWQga2V5\n"
                                    "-----END ENCRYPTED PRIVATE KEY-----\n";
static const char not_der_key[] =
    "-----BEGIN PRIVATE KEY-----\nTm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n";

static void case_unusable_certificates_and_keys(void)
{
    ftls_identity *id;
    ftls_trust *tr;

    if (!new_identity_and_trust(&id, &tr)) {
        goto out;
    }
    /* A "certificate" that is not DER cannot be a trust anchor. */
    if (CHECK_RESULT_TR(tr, ftls_trust_add_ca_mem(tr, (const uint8_t *)not_der_certificate,
                                                  strlen(not_der_certificate)),
                        FTLS_ERR_CERT_INVALID)) {
        CHECK_TR_DETAIL(tr, "certificate #1 in the CA data cannot be a trust anchor");
    }
    /* ... nor the leaf of an identity. */
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, (const uint8_t *)not_der_certificate,
                                                  strlen(not_der_certificate), server_key.data,
                                                  server_key.len),
                        FTLS_ERR_CERT_INVALID)) {
        CHECK_ID_DETAIL(id, "the first certificate in the certificate chain cannot be used");
    }
    /* Encrypted keys (without a password) and keys that are not DER are unsupported. */
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, server_pem.data, server_pem.len,
                                                  (const uint8_t *)encrypted_key,
                                                  strlen(encrypted_key)),
                        FTLS_ERR_UNSUPPORTED_KEY)) {
        CHECK_ID_DETAIL(id, "encrypted private key");
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_mem(id, client_pem.data, client_pem.len,
                                                  (const uint8_t *)not_der_key,
                                                  strlen(not_der_key)),
                        FTLS_ERR_UNSUPPORTED_KEY)) {
        CHECK_ID_DETAIL(id, "cannot use the private key");
    }
out:
    ftls_identity_free(id);
    ftls_trust_free(tr);
}

static void case_builder_reuse(void)
{
    ftls_client_config_builder *cb = NULL;
    ftls_client_config *tls13 = NULL, *tls12 = NULL;
    ftls_server_config *sc = make_server_config(NULL);
    const ftls_client_config *configs[2];
    const char *want[2] = {"TLSv1.3", "TLSv1.2"};
    size_t i;

    if (sc == NULL || !CHECK_RESULT(ftls_client_config_builder_new(&cb), FTLS_OK)) {
        goto out;
    }
    CHECK_RESULT_CB(cb, client_trust_ca_file(cb, cert_path("ca.pem")), FTLS_OK);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_versions(cb, FTLS_PROTOCOL_TLS13), FTLS_OK);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &tls13), FTLS_OK);
    /* Change the builder and build again: the first config does not change. */
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_versions(cb, FTLS_PROTOCOL_TLS12), FTLS_OK);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &tls12), FTLS_OK);
    ftls_client_config_builder_free(cb);
    cb = NULL;
    configs[0] = tls13;
    configs[1] = tls12;
    for (i = 0; i < 2 && tls13 != NULL && tls12 != NULL; i++) {
        tls_pair p;
        ftls_str version = {NULL, 0};
        if (pair_new(&p, configs[i], "localhost", sc) &&
            CHECK(pair_handshake(&p), "handshake with config %zu after the builder was freed",
                  i + 1) &&
            CHECK_RESULT_CONN(p.client, ftls_connection_protocol_version(p.client, NULL, &version),
                              FTLS_OK)) {
            CHECK_STR("config built before/after changing the builder", version, want[i]);
        }
        pair_free(&p);
    }
out:
    ftls_client_config_builder_free(cb);
    ftls_client_config_free(tls13);
    ftls_client_config_free(tls12);
    ftls_server_config_free(sc);
}

static void case_incomplete_configs(void)
{
    ftls_client_config_builder *cb = NULL;
    ftls_server_config_builder *sb = NULL;
    ftls_client_config *cc = NULL;
    ftls_server_config *sc = NULL;
    ftls_trust *tr = NULL;

    if (!CHECK_RESULT(ftls_client_config_builder_new(&cb), FTLS_OK) ||
        !CHECK_RESULT(ftls_server_config_builder_new(&sb), FTLS_OK)) {
        goto out;
    }
    /* A client without trust anchors. */
    if (CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &cc), FTLS_ERR_CONFIG)) {
        CHECK_CB_DETAIL(cb, "no trust anchors");
    }
    CHECK(cc == NULL, "a failed client build left *out_config untouched");
    /* A server without an identity. */
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &sc), FTLS_ERR_CONFIG)) {
        CHECK_SB_DETAIL(sb, "a server needs a certificate chain and private key");
    }
    CHECK(sc == NULL, "a failed server build left *out_config untouched");
    /* Client authentication without client trust anchors: required, then optional. */
    CHECK_RESULT_SB(sb, server_add_identity_files(sb, cert_path("server.pem"),
                                                  cert_path("server.key")),
                    FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_client_auth(sb, FTLS_CLIENT_AUTH_REQUIRED),
                    FTLS_OK);
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &sc), FTLS_ERR_CONFIG)) {
        CHECK_SB_DETAIL(sb, "client authentication needs trust anchors");
    }
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_client_auth(sb, FTLS_CLIENT_AUTH_OPTIONAL),
                    FTLS_OK);
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &sc), FTLS_ERR_CONFIG)) {
        CHECK_SB_DETAIL(sb, "client authentication needs trust anchors");
    }
    CHECK(sc == NULL, "the failed builds left *out_config untouched");
    /* An empty trust object is no trust either. */
    if (CHECK_RESULT(ftls_trust_new(&tr), FTLS_OK)) {
        CHECK_RESULT_SB(sb, ftls_server_config_builder_set_trust(sb, tr), FTLS_OK);
        if (CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &sc), FTLS_ERR_CONFIG)) {
            CHECK_SB_DETAIL(sb, "client authentication needs trust anchors");
        }
        CHECK_RESULT_CB(cb, ftls_client_config_builder_set_trust(cb, tr), FTLS_OK);
        if (CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &cc), FTLS_ERR_CONFIG)) {
            CHECK_CB_DETAIL(cb, "no trust anchors");
        }
        /* Completing the configuration makes both builds work. */
        CHECK_RESULT_TR(tr, ftls_trust_add_ca_file(tr, cert_path("ca.pem")), FTLS_OK);
        CHECK_RESULT_SB(sb, ftls_server_config_builder_set_trust(sb, tr), FTLS_OK);
        CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &sc), FTLS_OK);
        CHECK_RESULT_TR(tr, ftls_trust_add_webpki_roots(tr), FTLS_OK);
        CHECK_RESULT_CB(cb, ftls_client_config_builder_set_trust(cb, tr), FTLS_OK);
        CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &cc), FTLS_OK);
    }
    CHECK(cc != NULL && sc != NULL, "successful builds wrote *out_config");
out:
    ftls_trust_free(tr);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
}

static void case_alpn_values(void)
{
    ftls_client_config_builder *cb = NULL;
    ftls_server_config_builder *sb = NULL;
    char long_name[257];
    const char *empty[] = {"h2", ""};
    const char *too_long[] = {long_name};
    const char *longest[] = {long_name + 1, "h2"};

    memset(long_name, 'a', 256);
    long_name[256] = 0; /* 256 bytes; long_name + 1 is 255 bytes */

    if (!CHECK_RESULT(ftls_client_config_builder_new(&cb), FTLS_OK) ||
        !CHECK_RESULT(ftls_server_config_builder_new(&sb), FTLS_OK)) {
        goto out;
    }
    if (CHECK_RESULT_CB(cb, ftls_client_config_builder_set_alpn(cb, empty, 2),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_CB_DETAIL(cb, "ALPN protocol #2 must be 1 to 255 bytes long, not 0");
    }
    if (CHECK_RESULT_CB(cb, ftls_client_config_builder_set_alpn(cb, too_long, 1),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_CB_DETAIL(cb, "not 256");
    }
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_set_alpn(sb, empty, 2),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_SB_DETAIL(sb, "ALPN protocol #2");
    }
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_set_alpn(sb, too_long, 1),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_SB_DETAIL(sb, "not 256");
    }
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_alpn(cb, longest, 2), FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_alpn(sb, longest, 2), FTLS_OK);
out:
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
}

static void case_server_names(void)
{
    static const char *const invalid[] = {"not a name!", "", "exa mple.com", "a..b", "-",
                                          "localhost:443", "[::1]"};
    static const char *const valid[] = {"localhost", "example.com", "127.0.0.1", "::1",
                                        "xn--bcher-kva.example"};
    ftls_client_config *cc = make_client_config(NULL);
    ftls_connection *conn = NULL;
    size_t i;

    if (cc == NULL) {
        return;
    }
    for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        conn = NULL;
        check_result_at(__FILE__, __LINE__, invalid[i],
                        (int)ftls_client_connection_new(cc, invalid[i], &conn),
                        FTLS_ERR_INVALID_SERVER_NAME, NULL, NULL);
        CHECK(conn == NULL, "no connection was made for \"%s\"", invalid[i]);
        ftls_connection_free(conn);
    }
    conn = NULL;
    CHECK_RESULT(ftls_client_connection_new(cc, "\xff\xfe.example", &conn),
                 FTLS_ERR_INVALID_ARGUMENT);
    CHECK(conn == NULL, "no connection was made for a name that is not UTF-8");
    for (i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        conn = NULL;
        check_result_at(__FILE__, __LINE__, valid[i],
                        (int)ftls_client_connection_new(cc, valid[i], &conn), FTLS_OK, NULL,
                        NULL);
        ftls_connection_free(conn);
    }
    ftls_client_config_free(cc);
}

static void case_path_not_utf8(void)
{
    ftls_identity *id;
    ftls_trust *tr;

    if (!new_identity_and_trust(&id, &tr)) {
        goto out;
    }
    if (CHECK_RESULT_TR(tr, ftls_trust_add_ca_file(tr, not_utf8_path),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_TR_DETAIL(tr, "argument 'path' is not valid UTF-8");
    }
    CHECK_RESULT_TR(tr, ftls_trust_add_ca_dir(tr, not_utf8_path), FTLS_ERR_INVALID_ARGUMENT);
    CHECK_RESULT_TR(tr, ftls_trust_add_crl_file(tr, not_utf8_path), FTLS_ERR_INVALID_ARGUMENT);
    CHECK_RESULT_TR(tr, ftls_trust_add_pin_file(tr, not_utf8_path), FTLS_ERR_INVALID_ARGUMENT);
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, not_utf8_path, cert_path("client.key")),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_ID_DETAIL(id, "argument 'cert_chain_path' is not valid UTF-8");
    }
    if (CHECK_RESULT_ID(id, ftls_identity_set_file(id, cert_path("client.pem"), not_utf8_path),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_ID_DETAIL(id, "argument 'private_key_path' is not valid UTF-8");
    }
out:
    ftls_identity_free(id);
    ftls_trust_free(tr);
}

/* The DER of the peer's first certificate equals that of the PEM file `name`. */
static void check_peer_is(ftls_connection *conn, const char *who, const char *name)
{
    size_t der_len = 0, count = ftls_connection_peer_certificate_count(conn);
    uint8_t *der = pem_file_first_cert_der(cert_path(name), &der_len);
    ftls_certificate *cert = NULL;
    ftls_bytes peer = {NULL, 0};
    if (der != NULL &&
        CHECK_RESULT_CONN(conn, ftls_connection_peer_certificate(conn, 0, &cert), FTLS_OK) &&
        CHECK_RESULT(ftls_certificate_der(cert, &peer), FTLS_OK)) {
        CHECK(count == 1 && peer.len == der_len && memcmp(peer.data, der, der_len) == 0,
              "the %s's peer certificate is %s (%zu certificate(s), %zu bytes vs %zu)", who, name,
              count, peer.len, der_len);
    }
    ftls_certificate_free(cert);
    free(der);
}

/* A failed set_file/set_mem or add_* leaves the identity or trust as it was, and so what a
 * builder takes from it. */
static void case_failed_load_keeps_earlier_state(void)
{
    ftls_server_config_builder *sb = NULL;
    ftls_client_config_builder *cb = NULL;
    ftls_server_config *sc = NULL;
    ftls_client_config *cc = NULL;
    ftls_identity *server_id = NULL, *client_id = NULL;
    ftls_trust *client_cas = NULL, *server_cas = NULL;
    tls_pair p;

    memset(&p, 0, sizeof p);
    if (!CHECK_RESULT(ftls_server_config_builder_new(&sb), FTLS_OK) ||
        !CHECK_RESULT(ftls_client_config_builder_new(&cb), FTLS_OK) ||
        !new_identity_and_trust(&server_id, &client_cas) ||
        !new_identity_and_trust(&client_id, &server_cas)) {
        goto out;
    }
    /* Server: a good identity, then three bad ones. */
    CHECK_RESULT_ID(server_id, ftls_identity_set_file(server_id, cert_path("server-rsa.pem"),
                                                      cert_path("server-rsa.key")),
                    FTLS_OK);
    CHECK_RESULT_ID(server_id, ftls_identity_set_file(server_id, cert_path("server.pem"),
                                                      cert_path("mismatch.key")),
                    FTLS_ERR_KEY_MISMATCH);
    CHECK_RESULT_ID(server_id, ftls_identity_set_file(server_id, cert_path("garbage.pem"),
                                                      cert_path("server.key")),
                    FTLS_ERR_BAD_PEM);
    CHECK_RESULT_ID(server_id,
                    ftls_identity_set_mem(server_id, server_pem.data, server_pem.len, NULL, 0),
                    FTLS_ERR_BAD_PEM);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_add_identity(sb, server_id), FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_client_auth(sb, FTLS_CLIENT_AUTH_REQUIRED),
                    FTLS_OK);
    /* Client CA: good, then garbage and a missing file. */
    CHECK_RESULT_TR(client_cas, ftls_trust_add_ca_file(client_cas, cert_path("ca.pem")), FTLS_OK);
    CHECK_RESULT_TR(client_cas, ftls_trust_add_ca_file(client_cas, cert_path("garbage.pem")),
                    FTLS_ERR_BAD_PEM);
    CHECK_RESULT_TR(client_cas, ftls_trust_add_ca_file(client_cas, missing_path()),
                    FTLS_ERR_FILE);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_trust(sb, client_cas), FTLS_OK);
    /* Client: trust, then bad trust; an identity, then bad identities. */
    CHECK_RESULT_TR(server_cas, ftls_trust_add_ca_file(server_cas, cert_path("ca.pem")), FTLS_OK);
    CHECK_RESULT_TR(server_cas, ftls_trust_add_ca_file(server_cas, cert_path("no-cert.pem")),
                    FTLS_ERR_NO_CERTIFICATE);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_trust(cb, server_cas), FTLS_OK);
    CHECK_RESULT_ID(client_id, ftls_identity_set_file(client_id, cert_path("client.pem"),
                                                      cert_path("client.key")),
                    FTLS_OK);
    CHECK_RESULT_ID(client_id, ftls_identity_set_file(client_id, cert_path("client.pem"),
                                                      cert_path("mismatch.key")),
                    FTLS_ERR_KEY_MISMATCH);
    CHECK_RESULT_ID(client_id,
                    ftls_identity_set_file(client_id, missing_path(), cert_path("client.key")),
                    FTLS_ERR_FILE);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_add_identity(cb, client_id), FTLS_OK);

    if (!CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &sc), FTLS_OK) ||
        !CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &cc), FTLS_OK) ||
        !pair_new(&p, cc, "localhost", sc)) {
        goto out;
    }
    if (CHECK(pair_handshake(&p), "handshake with the identities loaded before the failures "
              "(client %s, server %s)", ftls_result_name(p.client_result),
              ftls_result_name(p.server_result))) {
        check_peer_is(p.client, "client", "server-rsa.pem");
        check_peer_is(p.server, "server", "client.pem");
    }
out:
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
    ftls_identity_free(server_id);
    ftls_identity_free(client_id);
    ftls_trust_free(client_cas);
    ftls_trust_free(server_cas);
}

static void case_ca_loading_is_all_or_nothing(void)
{
    ftls_client_config_builder *cb = NULL;
    ftls_client_config *cc = NULL;
    ftls_trust *tr = NULL;
    uint8_t *bundle = NULL;
    size_t bundle_len = ca_pem.len + garbage_pem.len;

    if (!CHECK_RESULT(ftls_client_config_builder_new(&cb), FTLS_OK) ||
        !CHECK_RESULT(ftls_trust_new(&tr), FTLS_OK)) {
        goto out;
    }
    bundle = (uint8_t *)malloc(bundle_len);
    if (bundle == NULL) {
        goto out;
    }
    /* A good CA followed by a broken one: nothing may be added. */
    memcpy(bundle, ca_pem.data, ca_pem.len);
    memcpy(bundle + ca_pem.len, garbage_pem.data, garbage_pem.len);
    CHECK_RESULT_TR(tr, ftls_trust_add_ca_mem(tr, bundle, bundle_len), FTLS_ERR_BAD_PEM);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_trust(cb, tr), FTLS_OK);
    if (CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &cc), FTLS_ERR_CONFIG)) {
        CHECK_CB_DETAIL(cb, "no trust anchors");
    }
    /* The good one alone. */
    CHECK_RESULT_TR(tr, ftls_trust_add_ca_mem(tr, bundle, ca_pem.len), FTLS_OK);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_trust(cb, tr), FTLS_OK);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &cc), FTLS_OK);
out:
    free(bundle);
    ftls_trust_free(tr);
    ftls_client_config_free(cc);
    ftls_client_config_builder_free(cb);
}

/* The _last_error() buffer rules, on an object whose last call failed with a detail longer
 * than 16 bytes. */
static void check_buffer_rules(detail_getter get, const void *object, const char *what)
{
    char full[DETAIL_MAX];
    char small[16];
    size_t full_len = 0, len = 0;

    printf("# %s\n", what);
    if (!CHECK_RESULT(get(object, full, sizeof full, &full_len), FTLS_OK)) {
        return;
    }
    CHECK(full_len == strlen(full) && full_len > sizeof small,
          "out_len is the detail's length (%zu): \"%s\"", full_len, full);

    /* buf_len 0 with NULL buf: only the length. */
    len = 0;
    if (CHECK_RESULT(get(object, NULL, 0, &len), FTLS_OK)) {
        CHECK(len == full_len, "NULL buf, buf_len 0: out_len is the full length (%zu)", len);
    }
    /* buf_len 0 with a real buffer: nothing written. */
    memset(small, 'Z', sizeof small);
    if (CHECK_RESULT(get(object, small, 0, &len), FTLS_OK)) {
        CHECK(small[0] == 'Z', "buf_len 0: the buffer is not touched");
    }
    /* buf_len 1: just the NUL. */
    memset(small, 'Z', sizeof small);
    if (CHECK_RESULT(get(object, small, 1, &len), FTLS_OK)) {
        CHECK(small[0] == 0 && small[1] == 'Z' && len == full_len,
              "buf_len 1: an empty string, nothing beyond, out_len %zu", len);
    }
    /* buf_len 8: a NUL-terminated 7-byte prefix, nothing written beyond. */
    memset(small, 'Z', sizeof small);
    len = 0;
    if (CHECK_RESULT(get(object, small, 8, &len), FTLS_OK)) {
        CHECK(memcmp(small, full, 7) == 0 && small[7] == 0 && small[8] == 'Z' && len == full_len,
              "buf_len 8: \"%s\" is the first 7 bytes of the detail, NUL-terminated; out_len %zu",
              small, len);
    }
    /* Exactly full_len + 1: the whole detail. */
    {
        char *exact = (char *)malloc(full_len + 2);
        if (exact != NULL) {
            memset(exact, 'Z', full_len + 2);
            if (CHECK_RESULT(get(object, exact, full_len + 1, &len), FTLS_OK)) {
                CHECK(strcmp(exact, full) == 0 && exact[full_len + 1] == 'Z',
                      "buf_len full+1: the whole detail, nothing beyond");
            }
            free(exact);
        }
    }
}

/* Before any failure the detail is empty. */
static void check_empty_detail(detail_getter get, const void *object, const char *what)
{
    char small[16];
    size_t len = 99;
    memset(small, 'Z', sizeof small);
    if (CHECK_RESULT(get(object, small, sizeof small, &len), FTLS_OK)) {
        CHECK(small[0] == 0 && len == 0, "%s: before any failure the detail is empty (len %zu)",
              what, len);
    }
}

static void case_last_error_buffer_rules(void)
{
    ftls_server_config_builder *sb = NULL;
    ftls_client_config_builder *cb = NULL;
    ftls_identity *id = NULL;
    ftls_trust *tr = NULL;
    const char *empty[] = {"h2", ""};

    if (!CHECK_RESULT(ftls_server_config_builder_new(&sb), FTLS_OK) ||
        !CHECK_RESULT(ftls_client_config_builder_new(&cb), FTLS_OK) ||
        !new_identity_and_trust(&id, &tr)) {
        goto out;
    }
    check_empty_detail(client_builder_last_error, cb, "client builder");
    check_empty_detail(server_builder_last_error, sb, "server builder");
    check_empty_detail(identity_last_error, id, "identity");
    check_empty_detail(trust_last_error, tr, "trust");
    /* Failures with a long detail. */
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_alpn(sb, empty, 2),
                    FTLS_ERR_INVALID_ARGUMENT);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_alpn(cb, empty, 2),
                    FTLS_ERR_INVALID_ARGUMENT);
    CHECK_RESULT_ID(id, ftls_identity_set_file(id, missing_path(), cert_path("server.key")),
                    FTLS_ERR_FILE);
    CHECK_RESULT_TR(tr, ftls_trust_add_ca_file(tr, missing_path()), FTLS_ERR_FILE);
    check_buffer_rules(server_builder_last_error, sb, "server builder");
    check_buffer_rules(client_builder_last_error, cb, "client builder");
    check_buffer_rules(identity_last_error, id, "identity");
    check_buffer_rules(trust_last_error, tr, "trust");
out:
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
    ftls_identity_free(id);
    ftls_trust_free(tr);
}

static const test_case cases[] = {
    {"missing_file", case_missing_file},
    {"directory_as_file", case_directory_as_file},
    {"garbage_pem", case_garbage_pem},
    {"random_bytes", case_random_bytes},
    {"pem_without_certificate", case_pem_without_certificate},
    {"file_without_private_key", case_file_without_private_key},
    {"key_mismatch", case_key_mismatch},
    {"key_formats", case_key_formats},
    {"unusable_certificates_and_keys", case_unusable_certificates_and_keys},
    {"builder_reuse", case_builder_reuse},
    {"incomplete_configs", case_incomplete_configs},
    {"alpn_values", case_alpn_values},
    {"server_names", case_server_names},
    {"path_not_utf8", case_path_not_utf8},
    {"failed_load_keeps_earlier_state", case_failed_load_keeps_earlier_state},
    {"ca_loading_is_all_or_nothing", case_ca_loading_is_all_or_nothing},
    {"last_error_buffer_rules", case_last_error_buffer_rules},
};

int main(int argc, char **argv)
{
    blob *blobs[] = {&server_pem, &server_key, &client_pem, &client_key, &mismatch_key,
                     &garbage_pem, &no_cert_pem, &ca_pem};
    size_t i;
    int status;

    if (argc < 2) {
        fprintf(stderr, "usage: %s CERT_DIR [CASE]\n", argv[0]);
        return 2;
    }
    cert_dir = argv[1];
    load_blob(&server_pem, "server.pem");
    load_blob(&server_key, "server.key");
    load_blob(&client_pem, "client.pem");
    load_blob(&client_key, "client.key");
    load_blob(&mismatch_key, "mismatch.key");
    load_blob(&garbage_pem, "garbage.pem");
    load_blob(&no_cert_pem, "no-cert.pem");
    load_blob(&ca_pem, "ca.pem");
    make_random_bytes();
    write_random_file();

    status = RUN_CASES(cases, argc > 2 ? argv[2] : NULL);

    if (random_file[0] != 0) {
        unlink(random_file);
    }
    for (i = 0; i < sizeof blobs / sizeof blobs[0]; i++) {
        free(blobs[i]->data);
    }
    return status;
}
