/*
 * negotiation: what the build supports (cipher suites, key-exchange groups, signature schemes)
 * and choosing among them from C, in memory (pump.h): every suite by its IANA name and by
 * OpenSSL's, in any case; unknown names, repeats and empty lists refused with the name in the
 * detail; suites that fit no enabled version refused at build time; no suite or group in
 * common; the server's order of preference on and off; groups by name and alias, the
 * post-quantum hybrid preferred by default and turned off by leaving it out.
 *
 * Usage: negotiation CERT_DIR [CASE]
 */
#include "builders.h"

typedef struct {
    uint16_t id;
    const char *iana;
    const char *openssl;  /* NULL: OpenSSL uses the IANA name */
    uint32_t version;     /* FTLS_PROTOCOL_TLS12 or _TLS13 */
    bool rsa;             /* needs an RSA server certificate (TLS 1.2 ECDHE_RSA) */
} suite_info;

static const suite_info suites[] = {
    {0x1301, "TLS_AES_128_GCM_SHA256", NULL, FTLS_PROTOCOL_TLS13, false},
    {0x1302, "TLS_AES_256_GCM_SHA384", NULL, FTLS_PROTOCOL_TLS13, false},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", NULL, FTLS_PROTOCOL_TLS13, false},
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256",
     FTLS_PROTOCOL_TLS12, false},
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384",
     FTLS_PROTOCOL_TLS12, false},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305",
     FTLS_PROTOCOL_TLS12, false},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
     FTLS_PROTOCOL_TLS12, true},
    {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
     FTLS_PROTOCOL_TLS12, true},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305",
     FTLS_PROTOCOL_TLS12, true},
};
#define SUITE_COUNT (sizeof suites / sizeof suites[0])

/* Whether the build lists this group (ring builds have no ML-KEM). */
static bool group_supported(const char *name)
{
    size_t i;
    for (i = 0; i < ftls_supported_group_count(); i++) {
        ftls_str s;
        if (ftls_supported_group(i, NULL, &s) == FTLS_OK && str_equals(s, name)) {
            return true;
        }
    }
    return false;
}

static void case_supported_cipher_suites(void)
{
    size_t count = ftls_supported_cipher_suite_count(), i, j;
    CHECK(count == SUITE_COUNT, "the build has %zu cipher suites (expected %zu)", count,
          (size_t)SUITE_COUNT);
    for (i = 0; i < count; i++) {
        uint16_t id = 0;
        ftls_str name = {NULL, 0};
        bool known = false;
        if (!CHECK_RESULT(ftls_supported_cipher_suite(i, &id, &name), FTLS_OK)) {
            continue;
        }
        for (j = 0; j < SUITE_COUNT; j++) {
            known = known || (suites[j].id == id && str_equals(name, suites[j].iana));
        }
        CHECK(known, "suite %zu is 0x%04x \"%.*s\", a known IANA pair", i, id, (int)name.len,
              name.data);
        /* TLS 1.3 suites come first. */
        CHECK((i < 3) == (id >> 8 == 0x13), "suite %zu (0x%04x) is in the TLS 1.3 block: %s", i,
              id, i < 3 ? "yes" : "no");
    }
}

static void case_supported_groups_and_signature_schemes(void)
{
    static const struct {
        uint16_t id;
        const char *name;
    } groups[] = {{0x001d, "X25519"}, {0x0017, "secp256r1"}, {0x0018, "secp384r1"}},
      schemes[] = {{0x0403, "ecdsa_secp256r1_sha256"},
                   {0x0503, "ecdsa_secp384r1_sha384"},
                   {0x0804, "rsa_pss_rsae_sha256"},
                   {0x0401, "rsa_pkcs1_sha256"},
                   {0x0807, "ed25519"}};
    size_t i, j;
    uint16_t id = 0;
    ftls_str name = {NULL, 0};

    for (j = 0; j < sizeof groups / sizeof groups[0]; j++) {
        bool found = false;
        for (i = 0; i < ftls_supported_group_count(); i++) {
            if (ftls_supported_group(i, &id, &name) == FTLS_OK && id == groups[j].id) {
                found = str_equals(name, groups[j].name);
            }
        }
        CHECK(found, "group 0x%04x is listed as \"%s\"", groups[j].id, groups[j].name);
    }
    if (group_supported("X25519MLKEM768")) {
        if (CHECK_RESULT(ftls_supported_group(0, &id, &name), FTLS_OK)) {
            CHECK(id == 0x11ec && str_equals(name, "X25519MLKEM768"),
                  "the post-quantum hybrid X25519MLKEM768 (0x11ec) is preferred (first: "
                  "0x%04x)", id);
        }
    } else {
        printf("(this build has no X25519MLKEM768)\n");
    }
    for (j = 0; j < sizeof schemes / sizeof schemes[0]; j++) {
        bool found = false;
        for (i = 0; i < ftls_supported_signature_scheme_count(); i++) {
            if (ftls_supported_signature_scheme(i, &id, &name) == FTLS_OK &&
                id == schemes[j].id) {
                found = str_equals(name, schemes[j].name);
            }
        }
        CHECK(found, "signature scheme 0x%04x is listed as \"%s\"", schemes[j].id,
              schemes[j].name);
    }
}

/* A handshake where the client offers only `name` (and the version of its suite); returns the
 * negotiated suite id, 0 on failure. */
static uint16_t negotiate_one(const suite_info *suite, const char *name)
{
    ftls_client_config_builder *cb = client_builder(suite->version);
    ftls_server_config *sc = build_server(
        server_builder(0, suite->rsa ? "server-rsa.pem" : NULL, suite->rsa ? "server-rsa.key" : NULL));
    ftls_client_config *cc = NULL;
    tls_pair p;
    uint16_t id = 0;
    if (cb != NULL &&
        CHECK_RESULT_CB(cb, ftls_client_config_builder_set_cipher_suites(cb, &name, 1), FTLS_OK)) {
        cc = build_client(cb);
        cb = NULL;
    }
    if (pair_connect(&p, cc, sc, name)) {
        CHECK_RESULT_CONN(p.server, ftls_connection_cipher_suite(p.server, &id, NULL), FTLS_OK);
    }
    pair_free(&p);
    ftls_client_config_builder_free(cb);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    return id;
}

static void case_every_suite_by_iana_and_openssl_name(void)
{
    size_t i;
    for (i = 0; i < SUITE_COUNT; i++) {
        uint16_t id = negotiate_one(&suites[i], suites[i].iana);
        CHECK(id == suites[i].id, "%s negotiates 0x%04x (got 0x%04x)", suites[i].iana,
              suites[i].id, id);
        if (suites[i].openssl != NULL) {
            id = negotiate_one(&suites[i], suites[i].openssl);
            CHECK(id == suites[i].id, "OpenSSL's %s negotiates %s (got 0x%04x)",
                  suites[i].openssl, suites[i].iana, id);
        }
    }
    /* Any case. */
    CHECK(negotiate_one(&suites[3], "ecdhe-ecdsa-aes128-gcm-sha256") == 0xc02b,
          "OpenSSL names in lower case");
    CHECK(negotiate_one(&suites[2], "tls_chacha20_poly1305_sha256") == 0x1303,
          "IANA names in lower case");
}

static void case_server_chooses_suites_too(void)
{
    const char *server_suites[] = {"TLS_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"};
    size_t v;
    for (v = 0; v < 2; v++) {
        uint32_t version = v == 0 ? FTLS_PROTOCOL_TLS13 : FTLS_PROTOCOL_TLS12;
        ftls_server_config_builder *sb = server_builder(0, NULL, NULL);
        ftls_server_config *sc = NULL;
        ftls_client_config *cc = build_client(client_builder(version));
        tls_pair p;
        uint16_t id = 0;
        if (sb != NULL) {
            CHECK_RESULT_SB(sb, ftls_server_config_builder_set_cipher_suites(sb, server_suites, 2),
                            FTLS_OK);
            sc = build_server(sb);
        }
        if (pair_connect(&p, cc, sc, "server's suites")) {
            CHECK_RESULT_CONN(p.client, ftls_connection_cipher_suite(p.client, &id, NULL),
                              FTLS_OK);
            CHECK(id == (v == 0 ? 0x1303 : 0xc02b),
                  "the server's only suite of the version is used (0x%04x)", id);
        }
        pair_free(&p);
        ftls_client_config_free(cc);
        ftls_server_config_free(sc);
    }
}

static void case_bad_suite_names(void)
{
    ftls_client_config_builder *cb = client_builder(0);
    ftls_server_config_builder *sb = server_builder(0, NULL, NULL);
    const char *unknown[] = {"TLS_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"};
    const char *twice[] = {"TLS_AES_128_GCM_SHA256", "tls_aes_128_gcm_sha256"};
    const char *alias_twice[] = {"ECDHE-RSA-AES128-GCM-SHA256",
                                 "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"};
    const char *empty[] = {""};
    const char *chacha[] = {"TLS_CHACHA20_POLY1305_SHA256"};
    ftls_client_config *cc = NULL;
    ftls_server_config *sc = build_server(server_builder(0, NULL, NULL));
    tls_pair p;
    uint16_t id = 0;

    if (cb == NULL || sb == NULL) {
        goto out;
    }
    if (CHECK_RESULT_CB(cb, ftls_client_config_builder_set_cipher_suites(cb, unknown, 2),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_CB_DETAIL(cb, "unknown cipher suite \"TLS_RSA_WITH_AES_128_CBC_SHA\"");
        CHECK_CB_DETAIL(cb, "this build supports TLS_AES_256_GCM_SHA384, ");
    }
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_set_cipher_suites(sb, twice, 2),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_SB_DETAIL(sb, "the cipher suite \"tls_aes_128_gcm_sha256\" is listed twice");
    }
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_set_cipher_suites(sb, alias_twice, 2),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_SB_DETAIL(sb, "listed twice");
    }
    if (CHECK_RESULT_CB(cb, ftls_client_config_builder_set_cipher_suites(cb, empty, 1),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_CB_DETAIL(cb, "unknown cipher suite \"\"");
    }
    /* All or nothing: a failure keeps the earlier choice. */
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_versions(cb, FTLS_PROTOCOL_TLS13), FTLS_OK);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_cipher_suites(cb, chacha, 1), FTLS_OK);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_cipher_suites(cb, unknown, 2),
                    FTLS_ERR_INVALID_ARGUMENT);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &cc), FTLS_OK);
    if (pair_connect(&p, cc, sc, "after a refused list")) {
        CHECK_RESULT_CONN(p.client, ftls_connection_cipher_suite(p.client, &id, NULL), FTLS_OK);
        CHECK(id == 0x1303, "the earlier choice (ChaCha20) still holds (0x%04x)", id);
    }
    pair_free(&p);
out:
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void case_suites_that_fit_no_enabled_version(void)
{
    ftls_client_config_builder *cb = client_builder(FTLS_PROTOCOL_TLS12);
    ftls_server_config_builder *sb = server_builder(FTLS_PROTOCOL_TLS13, NULL, NULL);
    const char *tls13_only[] = {"TLS_AES_128_GCM_SHA256"};
    const char *tls12_only[] = {"ECDHE-ECDSA-AES128-GCM-SHA256"};
    ftls_client_config *cc = NULL;
    ftls_server_config *sc = NULL;
    if (cb == NULL || sb == NULL) {
        goto out;
    }
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_cipher_suites(cb, tls13_only, 1), FTLS_OK);
    if (CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &cc), FTLS_ERR_CONFIG)) {
        CHECK_CB_DETAIL(cb, "none of the chosen cipher suites (TLS_AES_128_GCM_SHA256) is for an "
                            "enabled protocol version");
    }
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_cipher_suites(sb, tls12_only, 1), FTLS_OK);
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &sc), FTLS_ERR_CONFIG)) {
        CHECK_SB_DETAIL(sb, "(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256) is for an enabled "
                            "protocol version");
    }
    /* Enabling the version the suite needs fixes it. */
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_versions(cb, FTLS_PROTOCOL_ALL), FTLS_OK);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &cc), FTLS_OK);
out:
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void case_no_suite_in_common(void)
{
    const char *client_suites[] = {"TLS_CHACHA20_POLY1305_SHA256"};
    const char *server_suites[] = {"TLS_AES_128_GCM_SHA256"};
    ftls_client_config_builder *cb = client_builder(0);
    ftls_server_config_builder *sb = server_builder(0, NULL, NULL);
    ftls_client_config *cc = NULL;
    ftls_server_config *sc = NULL;
    tls_pair p;
    if (cb != NULL) {
        CHECK_RESULT_CB(cb, ftls_client_config_builder_set_cipher_suites(cb, client_suites, 1),
                        FTLS_OK);
    }
    if (sb != NULL) {
        CHECK_RESULT_SB(sb, ftls_server_config_builder_set_cipher_suites(sb, server_suites, 1),
                        FTLS_OK);
    }
    cc = build_client(cb);
    sc = build_server(sb);
    memset(&p, 0, sizeof p);
    if (cc != NULL && sc != NULL && pair_new(&p, cc, "localhost", sc)) {
        pair_pump(&p);
        if (CHECK_CODE_CONN("server", p.server, p.server_result,
                            FTLS_ERR_NO_COMMON_CIPHER_SUITE)) {
            CHECK_CONN_DETAIL(p.server, "no cipher suite in common");
        }
        if (CHECK_CODE_CONN("client", p.client, p.client_result, FTLS_ERR_HANDSHAKE_FAILURE)) {
            CHECK_CONN_DETAIL(p.client, "handshake_failure");
        }
    }
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

/* The suite chosen when the client prefers AES-128 and the server AES-256. */
static uint16_t chosen_by_order(uint32_t version, bool prefer_server_order)
{
    const char *client13[] = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"};
    const char *server13[] = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"};
    const char *client12[] = {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"};
    const char *server12[] = {"ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES128-GCM-SHA256"};
    bool tls13 = version == FTLS_PROTOCOL_TLS13;
    ftls_client_config_builder *cb = client_builder(version);
    ftls_server_config_builder *sb = server_builder(0, NULL, NULL);
    ftls_client_config *cc;
    ftls_server_config *sc;
    tls_pair p;
    uint16_t id = 0;
    if (cb != NULL) {
        CHECK_RESULT_CB(cb, ftls_client_config_builder_set_cipher_suites(
                                cb, tls13 ? client13 : client12, 2),
                        FTLS_OK);
    }
    if (sb != NULL) {
        CHECK_RESULT_SB(sb, ftls_server_config_builder_set_cipher_suites(
                                sb, tls13 ? server13 : server12, 2),
                        FTLS_OK);
        CHECK_RESULT_SB(sb, ftls_server_config_builder_set_prefer_server_order(
                                sb, prefer_server_order),
                        FTLS_OK);
    }
    cc = build_client(cb);
    sc = build_server(sb);
    if (pair_connect(&p, cc, sc, "order")) {
        CHECK_RESULT_CONN(p.server, ftls_connection_cipher_suite(p.server, &id, NULL), FTLS_OK);
    }
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    return id;
}

static void case_server_preference_order(void)
{
    uint16_t id;
    id = chosen_by_order(FTLS_PROTOCOL_TLS13, false);
    CHECK(id == 0x1301, "TLS 1.3, client's order (default): AES-128 (0x%04x)", id);
    id = chosen_by_order(FTLS_PROTOCOL_TLS13, true);
    CHECK(id == 0x1302, "TLS 1.3, server's order: AES-256 (0x%04x)", id);
    id = chosen_by_order(FTLS_PROTOCOL_TLS12, false);
    CHECK(id == 0xc02b, "TLS 1.2, client's order: ECDHE-ECDSA-AES128 (0x%04x)", id);
    id = chosen_by_order(FTLS_PROTOCOL_TLS12, true);
    CHECK(id == 0xc02c, "TLS 1.2, server's order: ECDHE-ECDSA-AES256 (0x%04x)", id);
}

/* The group a handshake settles on when the client offers `client` and the server accepts
 * `server` (either NULL: the default); "" when it failed. */
static const char *negotiated_group(const char *const *client, size_t client_count,
                                    const char *const *server, size_t server_count,
                                    uint32_t version)
{
    static char name[64];
    ftls_client_config_builder *cb = client_builder(version);
    ftls_server_config_builder *sb = server_builder(0, NULL, NULL);
    ftls_client_config *cc;
    ftls_server_config *sc;
    tls_pair p;
    ftls_str group = {NULL, 0};
    name[0] = '\0';
    if (cb != NULL && client != NULL) {
        CHECK_RESULT_CB(cb,
                        ftls_client_config_builder_set_key_exchange_groups(cb, client,
                                                                           client_count),
                        FTLS_OK);
    }
    if (sb != NULL && server != NULL) {
        CHECK_RESULT_SB(sb,
                        ftls_server_config_builder_set_key_exchange_groups(sb, server,
                                                                           server_count),
                        FTLS_OK);
    }
    cc = build_client(cb);
    sc = build_server(sb);
    if (pair_connect(&p, cc, sc, "groups") &&
        CHECK_RESULT_CONN(p.client, ftls_connection_key_exchange_group(p.client, &group),
                          FTLS_OK)) {
        snprintf(name, sizeof name, "%.*s", (int)group.len, group.data);
    }
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    return name;
}

static void case_key_exchange_groups(void)
{
    const char *p384[] = {"secp384r1"};
    const char *p256_alias[] = {"P-256"};
    const char *prime256v1[] = {"prime256v1"};
    const char *classical[] = {"X25519", "secp256r1"};
    const char *x25519_lower[] = {"x25519"};
    const char *server_p256[] = {"secp256r1"};
    const char *g;

    g = negotiated_group(NULL, 0, NULL, 0, FTLS_PROTOCOL_TLS13);
    if (group_supported("X25519MLKEM768")) {
        CHECK(strcmp(g, "X25519MLKEM768") == 0,
              "by default TLS 1.3 uses the post-quantum hybrid X25519MLKEM768 (%s)", g);
        g = negotiated_group(classical, 2, NULL, 0, FTLS_PROTOCOL_TLS13);
        CHECK(strcmp(g, "X25519") == 0,
              "post-quantum off: a client listing only X25519, secp256r1 gets X25519 (%s)", g);
    } else {
        CHECK(strcmp(g, "X25519") == 0, "by default (no ML-KEM in this build): X25519 (%s)", g);
    }
    g = negotiated_group(NULL, 0, NULL, 0, FTLS_PROTOCOL_TLS12);
    CHECK(strcmp(g, "X25519") == 0, "TLS 1.2 by default: X25519 (%s)", g);
    g = negotiated_group(p384, 1, NULL, 0, FTLS_PROTOCOL_TLS13);
    CHECK(strcmp(g, "secp384r1") == 0, "a client offering secp384r1 gets it (%s)", g);
    g = negotiated_group(p256_alias, 1, NULL, 0, FTLS_PROTOCOL_TLS12);
    CHECK(strcmp(g, "secp256r1") == 0, "\"P-256\" is secp256r1, TLS 1.2 (%s)", g);
    g = negotiated_group(prime256v1, 1, NULL, 0, FTLS_PROTOCOL_TLS13);
    CHECK(strcmp(g, "secp256r1") == 0, "\"prime256v1\" is secp256r1 (%s)", g);
    g = negotiated_group(x25519_lower, 1, NULL, 0, FTLS_PROTOCOL_TLS13);
    CHECK(strcmp(g, "X25519") == 0, "\"x25519\" in lower case (%s)", g);
    /* The server accepts only secp256r1: the client's first key share does not fit, and a
     * HelloRetryRequest asks for one that does. */
    g = negotiated_group(NULL, 0, server_p256, 1, FTLS_PROTOCOL_TLS13);
    CHECK(strcmp(g, "secp256r1") == 0, "the server's only group, after a retry (%s)", g);
}

static void case_bad_group_names_and_no_group_in_common(void)
{
    const char *unknown[] = {"X25519", "ffdhe2048"};
    const char *twice[] = {"secp256r1", "P-256"};
    const char *client_groups[] = {"X25519"};
    const char *server_groups[] = {"secp384r1"};
    ftls_client_config_builder *cb = client_builder(0);
    ftls_server_config_builder *sb = server_builder(0, NULL, NULL);
    ftls_client_config *cc = NULL;
    ftls_server_config *sc = NULL;
    tls_pair p;

    if (cb == NULL || sb == NULL) {
        goto out;
    }
    if (CHECK_RESULT_CB(cb, ftls_client_config_builder_set_key_exchange_groups(cb, unknown, 2),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_CB_DETAIL(cb, "unknown key-exchange group \"ffdhe2048\": this build supports ");
    }
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_set_key_exchange_groups(sb, twice, 2),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_SB_DETAIL(sb, "the key-exchange group \"P-256\" is listed twice");
    }
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_key_exchange_groups(cb, client_groups, 1),
                    FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_key_exchange_groups(sb, server_groups, 1),
                    FTLS_OK);
    cc = build_client(cb);
    sc = build_server(sb);
    cb = NULL;
    sb = NULL;
    memset(&p, 0, sizeof p);
    if (cc != NULL && sc != NULL && pair_new(&p, cc, "localhost", sc)) {
        pair_pump(&p);
        if (CHECK_CODE_CONN("server", p.server, p.server_result, FTLS_ERR_HANDSHAKE_FAILURE)) {
            CHECK_CONN_DETAIL(p.server, "NoKxGroupsInCommon");
        }
        if (CHECK_CODE_CONN("client", p.client, p.client_result, FTLS_ERR_HANDSHAKE_FAILURE)) {
            CHECK_CONN_DETAIL(p.client, "handshake_failure");
        }
    }
    pair_free(&p);
out:
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static const test_case cases[] = {
    {"supported_cipher_suites", case_supported_cipher_suites},
    {"supported_groups_and_signature_schemes", case_supported_groups_and_signature_schemes},
    {"every_suite_by_iana_and_openssl_name", case_every_suite_by_iana_and_openssl_name},
    {"server_chooses_suites_too", case_server_chooses_suites_too},
    {"bad_suite_names", case_bad_suite_names},
    {"suites_that_fit_no_enabled_version", case_suites_that_fit_no_enabled_version},
    {"no_suite_in_common", case_no_suite_in_common},
    {"server_preference_order", case_server_preference_order},
    {"key_exchange_groups", case_key_exchange_groups},
    {"bad_group_names_and_no_group_in_common", case_bad_group_names_and_no_group_in_common},
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
