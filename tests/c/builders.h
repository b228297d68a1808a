/*
 * builders.h: config builders with the test PKI loaded, for tests that set more than pump.h's
 * client_opts / server_opts describe (sessions, tickets, suites, key logs...), and a handshake
 * over pump.h's memory pipes between two given configs.
 *
 * Everything is `static inline`, so a program may use any subset of it.
 */
#ifndef FTLS_TEST_BUILDERS_H
#define FTLS_TEST_BUILDERS_H

#include "pump.h"

/* A client builder trusting the test CA, offering `versions` (0: the default); NULL after a
 * failed setup line. */
static inline ftls_client_config_builder *client_builder(uint32_t versions)
{
    ftls_client_config_builder *b = NULL;
    ftls_result r = ftls_client_config_builder_new(&b);
    if (r == FTLS_OK) {
        r = client_trust_ca_file(b, cert_path("ca.pem"));
    }
    if (r == FTLS_OK && versions != 0) {
        r = ftls_client_config_builder_set_versions(b, versions);
    }
    if (r != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "client builder: %s (%s)", ftls_result_name(r),
                     CLIENT_BUILDER_DETAIL(b));
        ftls_client_config_builder_free(b);
        return NULL;
    }
    return b;
}

/* A server builder presenting `cert` / `key` (NULL: server.pem / server.key), accepting
 * `versions` (0: the default); NULL after a failed setup line. */
static inline ftls_server_config_builder *server_builder(uint32_t versions, const char *cert,
                                                         const char *key)
{
    ftls_server_config_builder *b = NULL;
    ftls_result r = ftls_server_config_builder_new(&b);
    if (r == FTLS_OK) {
        r = server_add_identity_files(b, cert_path(cert ? cert : "server.pem"),
                                      cert_path(key ? key : "server.key"));
    }
    if (r == FTLS_OK && versions != 0) {
        r = ftls_server_config_builder_set_versions(b, versions);
    }
    if (r != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "server builder: %s (%s)", ftls_result_name(r),
                     SERVER_BUILDER_DETAIL(b));
        ftls_server_config_builder_free(b);
        return NULL;
    }
    return b;
}

/* Stateless tickets under ftls' own random, self-rotating keys: a ticketer made with no keys,
 * handed to the builder and freed again. Returns the first failure. */
static inline ftls_result server_set_own_tickets(ftls_server_config_builder *b)
{
    ftls_ticketer *ticketer = NULL;
    ftls_result r = ftls_ticketer_new(NULL, 0, 0, 0, &ticketer);
    if (r == FTLS_OK) {
        r = ftls_server_config_builder_set_ticketer(b, ticketer);
    }
    ftls_ticketer_free(ticketer);
    return r;
}

/* Builds (a failure is a failed setup line) and frees the builder. NULL builder: NULL. */
static inline ftls_client_config *build_client(ftls_client_config_builder *b)
{
    ftls_client_config *config = NULL;
    ftls_result r;
    if (b == NULL) {
        return NULL;
    }
    r = ftls_client_config_builder_build(b, &config);
    if (r != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "client build: %s (%s)", ftls_result_name(r),
                     CLIENT_BUILDER_DETAIL(b));
    }
    ftls_client_config_builder_free(b);
    return config;
}

static inline ftls_server_config *build_server(ftls_server_config_builder *b)
{
    ftls_server_config *config = NULL;
    ftls_result r;
    if (b == NULL) {
        return NULL;
    }
    r = ftls_server_config_builder_build(b, &config);
    if (r != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "server build: %s (%s)", ftls_result_name(r),
                     SERVER_BUILDER_DETAIL(b));
    }
    ftls_server_config_builder_free(b);
    return config;
}

/* A full conversation between new connections of the two configs, verifying "localhost":
 * the handshake and whatever follows it (TLS 1.3 tickets). False (with a failed check) if a
 * side failed; the pair is set up either way when the configs exist: free it. */
static inline bool pair_connect(tls_pair *p, const ftls_client_config *cc,
                                const ftls_server_config *sc, const char *label)
{
    memset(p, 0, sizeof *p);
    if (cc == NULL || sc == NULL || !pair_new(p, cc, "localhost", sc)) {
        setup_failed(__FILE__, __LINE__, "%s: no configs or connections", label);
        return false;
    }
    if (!pair_handshake(p)) {
        check_code_at(__FILE__, __LINE__, "client result", (int)p->client_result, FTLS_OK,
                      conn_last_error, p->client);
        check_code_at(__FILE__, __LINE__, "server result", (int)p->server_result, FTLS_OK,
                      conn_last_error, p->server);
        setup_failed(__FILE__, __LINE__, "%s: the handshake did not complete", label);
        return false;
    }
    return true;
}

#endif /* FTLS_TEST_BUILDERS_H */
