/*
 * pump.h: a client and a server connection talking to each other in one process through the
 * callback API (ftls_connection_write_tls into a memory pipe, ftls_connection_read_tls out of
 * it, ftls_connection_process_new_packets), plus helpers to build their configs (and the
 * identities and trust objects they are made of).
 *
 * A memory pipe can also misbehave on purpose: report end of stream, fail with an errno, claim
 * more bytes than it was given, or accept only a few bytes per write.
 */
#ifndef FTLS_TEST_PUMP_H
#define FTLS_TEST_PUMP_H

#include "check.h"

#include <errno.h>

/* ---------------------------------------------------------------------------------------------
 * Memory pipes and the transport callbacks over them
 * ------------------------------------------------------------------------------------------ */

typedef struct {
    uint8_t *data;          /* bytes written and not yet read, oldest first */
    size_t len;
    size_t cap;
    bool eof;               /* once empty, reads report end of stream (0 bytes) */
    bool eof_delivered;     /* the pump has handed the end of stream to the reader */
    int read_errno;         /* non-zero: reads fail with this errno */
    int write_errno;        /* non-zero: writes fail with this errno */
    bool overclaim;         /* reads report one byte more than the buffer holds */
    bool overclaim_write;   /* writes report one byte more than they were given */
    size_t max_write;       /* non-zero: a write takes at most this many bytes */
    unsigned read_calls;    /* callback invocations */
    unsigned write_calls;
} mem_pipe;

static inline void mem_pipe_free(mem_pipe *p)
{
    free(p->data);
    memset(p, 0, sizeof *p);
}

static inline int mem_pipe_read(void *userdata, uint8_t *buf, size_t len, size_t *out_n)
{
    mem_pipe *p = (mem_pipe *)userdata;
    size_t n;
    p->read_calls++;
    if (p->read_errno != 0) {
        return p->read_errno;
    }
    if (p->len == 0) {
        if (p->eof) {
            *out_n = 0;
            return 0;
        }
        return EAGAIN;
    }
    n = p->len < len ? p->len : len;
    memcpy(buf, p->data, n);
    memmove(p->data, p->data + n, p->len - n);
    p->len -= n;
    *out_n = p->overclaim ? len + 1 : n;
    return 0;
}

static inline int mem_pipe_write(void *userdata, const uint8_t *buf, size_t len, size_t *out_n)
{
    mem_pipe *p = (mem_pipe *)userdata;
    size_t n = len;
    p->write_calls++;
    if (p->write_errno != 0) {
        return p->write_errno;
    }
    if (p->max_write != 0 && n > p->max_write) {
        n = p->max_write;
    }
    if (p->len + n > p->cap) {
        size_t cap = p->cap ? p->cap : 4096;
        uint8_t *bigger;
        while (cap < p->len + n) {
            cap *= 2;
        }
        bigger = (uint8_t *)realloc(p->data, cap);
        if (bigger == NULL) {
            return ENOMEM;
        }
        p->data = bigger;
        p->cap = cap;
    }
    memcpy(p->data + p->len, buf, n);
    p->len += n;
    *out_n = p->overclaim_write ? len + 1 : n;
    return 0;
}

/* Appends raw bytes to a pipe, as if a peer had sent them. */
static inline void mem_pipe_put(mem_pipe *p, const void *bytes, size_t len)
{
    size_t n = 0;
    size_t saved_limit = p->max_write;
    p->max_write = 0;
    if (mem_pipe_write(p, (const uint8_t *)bytes, len, &n) != 0 || n != len) {
        setup_failed(__FILE__, __LINE__, "mem_pipe_put could not queue %zu bytes", len);
    }
    p->write_calls--;
    p->max_write = saved_limit;
}

/* ---------------------------------------------------------------------------------------------
 * Moving bytes
 * ------------------------------------------------------------------------------------------ */

/* Writes everything `from` has queued into `pipe`. Returns the first non-OK write_tls result
 * (FTLS_OK if all went out). */
static inline ftls_result pump_send(ftls_connection *from, mem_pipe *pipe)
{
    int guard = 0;
    while (ftls_connection_wants_write(from) && guard++ < 10000) {
        size_t n = 0;
        ftls_result r = ftls_connection_write_tls(from, mem_pipe_write, pipe, &n);
        if (r != FTLS_OK) {
            return r;
        }
        if (n == 0) {
            break;
        }
    }
    return FTLS_OK;
}

/* Feeds what is in `pipe` to `to` (read_tls + process_new_packets) until the pipe is empty,
 * delivering an end of stream once if the pipe has one. The first failure is stored in
 * `*first_error` (if still FTLS_OK) and stops the feeding: a failed side reads no more. */
static inline void pump_receive(ftls_connection *to, mem_pipe *pipe, ftls_result *first_error)
{
    int guard = 0;
    while (*first_error == FTLS_OK && guard++ < 10000 &&
           (pipe->len > 0 || (pipe->eof && !pipe->eof_delivered))) {
        size_t n = 0;
        ftls_result r = ftls_connection_read_tls(to, mem_pipe_read, pipe, &n);
        if (r == FTLS_OK && n == 0) {
            pipe->eof_delivered = true;
        }
        if (r == FTLS_OK) {
            r = ftls_connection_process_new_packets(to);
        }
        if (r != FTLS_OK) {
            *first_error = r;
        }
    }
}

typedef struct {
    ftls_connection *client;
    ftls_connection *server;
    mem_pipe to_server;         /* client -> server bytes */
    mem_pipe to_client;         /* server -> client bytes */
    ftls_result client_result;  /* the first failure each side reported (FTLS_OK if none) */
    ftls_result server_result;
} tls_pair;

/* Moves bytes both ways until neither side has anything more to say (alerts included: a side
 * that failed still sends, so its peer hears why). */
static inline void pair_pump(tls_pair *p)
{
    int rounds;
    for (rounds = 0; rounds < 1000; rounds++) {
        size_t before_to_server = p->to_server.len, before_to_client = p->to_client.len;
        bool moved;
        ftls_result r = pump_send(p->client, &p->to_server);
        if (r != FTLS_OK && p->client_result == FTLS_OK) {
            p->client_result = r;
        }
        moved = p->to_server.len > before_to_server;
        pump_receive(p->server, &p->to_server, &p->server_result);
        r = pump_send(p->server, &p->to_client);
        if (r != FTLS_OK && p->server_result == FTLS_OK) {
            p->server_result = r;
        }
        moved = moved || p->to_client.len > before_to_client;
        pump_receive(p->client, &p->to_client, &p->client_result);
        if (!moved) {
            return;
        }
    }
    setup_failed(__FILE__, __LINE__, "pair_pump: the peers never went quiet");
}

/* Makes both connections (checking each step); false if one could not be made. */
static inline bool pair_new(tls_pair *p, const ftls_client_config *client_config,
                            const char *server_name, const ftls_server_config *server_config)
{
    ftls_result r;
    memset(p, 0, sizeof *p);
    r = ftls_client_connection_new(client_config, server_name, &p->client);
    if (r != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "ftls_client_connection_new(\"%s\") -> %s", server_name,
                     ftls_result_name(r));
        return false;
    }
    r = ftls_server_connection_new(server_config, &p->server);
    if (r != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "ftls_server_connection_new -> %s", ftls_result_name(r));
        ftls_connection_free(p->client);
        p->client = NULL;
        return false;
    }
    return true;
}

static inline void pair_free(tls_pair *p)
{
    ftls_connection_free(p->client);
    ftls_connection_free(p->server);
    mem_pipe_free(&p->to_server);
    mem_pipe_free(&p->to_client);
    memset(p, 0, sizeof *p);
}

/* Pumps and reports whether the handshake completed on both sides without a failure. */
static inline bool pair_handshake(tls_pair *p)
{
    pair_pump(p);
    return p->client_result == FTLS_OK && p->server_result == FTLS_OK &&
           !ftls_connection_is_handshaking(p->client) &&
           !ftls_connection_is_handshaking(p->server);
}

/* ---------------------------------------------------------------------------------------------
 * Configs
 * ------------------------------------------------------------------------------------------ */

typedef struct {
    const char *ca;                 /* file in cert_dir; NULL: "ca.pem" */
    bool no_ca;                     /* load no trust anchors at all */
    const char *cert, *key;         /* client identity (files in cert_dir), or NULL */
    uint32_t versions;              /* 0: the default */
    const char *const *alpn;
    size_t alpn_count;
    bool no_sni;
} client_opts;

typedef struct {
    const char *cert, *key;         /* files in cert_dir; NULL: server.pem / server.key */
    uint32_t versions;              /* 0: the default */
    uint32_t client_auth;           /* FTLS_CLIENT_AUTH_* */
    const char *client_ca;          /* file in cert_dir, or NULL */
    const char *const *alpn;
    size_t alpn_count;
} server_opts;

/* An identity holding the chain and key of two files (paths), or NULL after a failed setup
 * line naming the identity's detail. */
static inline ftls_identity *identity_from_files(const char *cert_chain_path,
                                                 const char *key_path)
{
    ftls_identity *identity = NULL;
    ftls_result r = ftls_identity_new(&identity);
    if (r == FTLS_OK) {
        r = ftls_identity_set_file(identity, cert_chain_path, key_path);
    }
    if (r != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "identity from %s and %s: %s (%s)", cert_chain_path,
                     key_path, ftls_result_name(r), IDENTITY_DETAIL(identity));
        ftls_identity_free(identity);
        return NULL;
    }
    return identity;
}

/* A trust object holding the CA certificates of a file (path), or NULL after a failed setup
 * line naming the trust's detail. */
static inline ftls_trust *trust_from_ca_file(const char *ca_path)
{
    ftls_trust *trust = NULL;
    ftls_result r = ftls_trust_new(&trust);
    if (r == FTLS_OK) {
        r = ftls_trust_add_ca_file(trust, ca_path);
    }
    if (r != FTLS_OK) {
        setup_failed(__FILE__, __LINE__, "trust from %s: %s (%s)", ca_path, ftls_result_name(r),
                     TRUST_DETAIL(trust));
        ftls_trust_free(trust);
        return NULL;
    }
    return trust;
}

/* Setup shorthands: load the files into a new identity or trust, hand it to the builder and
 * free it again (the builder keeps its own snapshot). A loading failure is a failed setup line
 * and returns FTLS_ERR_INVALID_ARGUMENT; otherwise the builder call's result. */
static inline ftls_result client_add_identity_files(ftls_client_config_builder *b,
                                                    const char *cert_chain_path,
                                                    const char *key_path)
{
    ftls_identity *identity = identity_from_files(cert_chain_path, key_path);
    ftls_result r = identity ? ftls_client_config_builder_add_identity(b, identity)
                             : FTLS_ERR_INVALID_ARGUMENT;
    ftls_identity_free(identity);
    return r;
}

static inline ftls_result server_add_identity_files(ftls_server_config_builder *b,
                                                    const char *cert_chain_path,
                                                    const char *key_path)
{
    ftls_identity *identity = identity_from_files(cert_chain_path, key_path);
    ftls_result r = identity ? ftls_server_config_builder_add_identity(b, identity)
                             : FTLS_ERR_INVALID_ARGUMENT;
    ftls_identity_free(identity);
    return r;
}

static inline ftls_result client_trust_ca_file(ftls_client_config_builder *b, const char *ca_path)
{
    ftls_trust *trust = trust_from_ca_file(ca_path);
    ftls_result r =
        trust ? ftls_client_config_builder_set_trust(b, trust) : FTLS_ERR_INVALID_ARGUMENT;
    ftls_trust_free(trust);
    return r;
}

static inline ftls_result server_trust_ca_file(ftls_server_config_builder *b, const char *ca_path)
{
    ftls_trust *trust = trust_from_ca_file(ca_path);
    ftls_result r =
        trust ? ftls_server_config_builder_set_trust(b, trust) : FTLS_ERR_INVALID_ARGUMENT;
    ftls_trust_free(trust);
    return r;
}

#define SETUP_OK(builder_detail, call)                                                     \
    do {                                                                                   \
        ftls_result setup_r_ = (call);                                                     \
        if (setup_r_ != FTLS_OK) {                                                         \
            setup_failed(__FILE__, __LINE__, "setup: %s -> %s (%s)", #call,                \
                         ftls_result_name(setup_r_), builder_detail);                       \
            goto setup_fail;                                                               \
        }                                                                                  \
    } while (0)

/* A client config as `o` describes (NULL: all defaults), or NULL after a failed setup line. */
static inline ftls_client_config *make_client_config(const client_opts *o)
{
    static const client_opts defaults;
    ftls_client_config_builder *b = NULL;
    ftls_client_config *config = NULL;
    if (o == NULL) {
        o = &defaults;
    }
    SETUP_OK("", ftls_client_config_builder_new(&b));
    if (!o->no_ca) {
        SETUP_OK(CLIENT_BUILDER_DETAIL(b),
                 client_trust_ca_file(b, cert_path(o->ca ? o->ca : "ca.pem")));
    }
    if (o->cert != NULL) {
        SETUP_OK(CLIENT_BUILDER_DETAIL(b),
                 client_add_identity_files(b, cert_path(o->cert), cert_path(o->key)));
    }
    if (o->versions != 0) {
        SETUP_OK(CLIENT_BUILDER_DETAIL(b), ftls_client_config_builder_set_versions(b, o->versions));
    }
    if (o->alpn_count != 0) {
        SETUP_OK(CLIENT_BUILDER_DETAIL(b),
                 ftls_client_config_builder_set_alpn(b, o->alpn, o->alpn_count));
    }
    if (o->no_sni) {
        SETUP_OK(CLIENT_BUILDER_DETAIL(b), ftls_client_config_builder_set_sni(b, false));
    }
    SETUP_OK(CLIENT_BUILDER_DETAIL(b), ftls_client_config_builder_build(b, &config));
setup_fail:
    ftls_client_config_builder_free(b);
    return config;
}

/* A server config as `o` describes (NULL: server.pem/server.key, defaults), or NULL. */
static inline ftls_server_config *make_server_config(const server_opts *o)
{
    static const server_opts defaults;
    ftls_server_config_builder *b = NULL;
    ftls_server_config *config = NULL;
    if (o == NULL) {
        o = &defaults;
    }
    SETUP_OK("", ftls_server_config_builder_new(&b));
    SETUP_OK(SERVER_BUILDER_DETAIL(b),
             server_add_identity_files(b, cert_path(o->cert ? o->cert : "server.pem"),
                                       cert_path(o->key ? o->key : "server.key")));
    if (o->versions != 0) {
        SETUP_OK(SERVER_BUILDER_DETAIL(b), ftls_server_config_builder_set_versions(b, o->versions));
    }
    if (o->client_ca != NULL) {
        SETUP_OK(SERVER_BUILDER_DETAIL(b),
                 server_trust_ca_file(b, cert_path(o->client_ca)));
    }
    if (o->client_auth != FTLS_CLIENT_AUTH_NONE) {
        SETUP_OK(SERVER_BUILDER_DETAIL(b),
                 ftls_server_config_builder_set_client_auth(b, o->client_auth));
    }
    if (o->alpn_count != 0) {
        SETUP_OK(SERVER_BUILDER_DETAIL(b),
                 ftls_server_config_builder_set_alpn(b, o->alpn, o->alpn_count));
    }
    SETUP_OK(SERVER_BUILDER_DETAIL(b), ftls_server_config_builder_build(b, &config));
setup_fail:
    ftls_server_config_builder_free(b);
    return config;
}

/* Builds both configs, makes the two connections (client verifying `server_name`) and frees
 * the configs again (connections keep what they need). False after a failed setup line. */
static inline bool pair_setup(tls_pair *p, const client_opts *c, const char *server_name,
                              const server_opts *s)
{
    ftls_client_config *cc = make_client_config(c);
    ftls_server_config *sc = make_server_config(s);
    bool made = false;
    memset(p, 0, sizeof *p);
    if (cc != NULL && sc != NULL) {
        made = pair_new(p, cc, server_name, sc);
    }
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    return made;
}

#endif /* FTLS_TEST_PUMP_H */
