/*
 * observability: the NSS key log (callback, file, $SSLKEYLOGFILE; both sides log the same
 * lines; the handshake trace still works beside it), the process-wide log callback and its
 * levels, and the keying-material exporter (equal on both sides, different for another label
 * or context, refused before the handshake and for impossible lengths), in memory (pump.h).
 *
 * Usage: observability CERT_DIR [CASE]
 */
#include "builders.h"

#include <sys/stat.h>
#include <unistd.h>

/* ---- key log ---------------------------------------------------------------------------- */

#define MAX_LINES 32
#define LINE_MAX_LEN 256

typedef struct {
    char line[MAX_LINES][LINE_MAX_LEN];
    size_t count;
    bool overflow;
} line_set;

static void collect_line(void *userdata, ftls_str line)
{
    line_set *set = (line_set *)userdata;
    if (set->count == MAX_LINES || line.len >= LINE_MAX_LEN) {
        set->overflow = true;
        return;
    }
    memcpy(set->line[set->count], line.data, line.len);
    set->line[set->count][line.len] = '\0';
    set->count++;
}

static int compare_lines(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void sort_lines(line_set *set)
{
    qsort(set->line, set->count, LINE_MAX_LEN, compare_lines);
}

static bool same_lines(line_set *a, line_set *b)
{
    size_t i;
    sort_lines(a);
    sort_lines(b);
    if (a->count != b->count) {
        return false;
    }
    for (i = 0; i < a->count; i++) {
        if (strcmp(a->line[i], b->line[i]) != 0) {
            return false;
        }
    }
    return true;
}

static bool is_hex(const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return false;
        }
    }
    return true;
}

/* "LABEL <64 hex> <secret hex>" with a known label and a 32- or 48-byte secret (TLS 1.2's
 * master secret: 48). */
static bool is_nss_line(const char *line, const char *label)
{
    size_t label_len = strlen(label), rest;
    const char *random = line + label_len + 1, *secret = random + 65;
    if (strncmp(line, label, label_len) != 0 || line[label_len] != ' ') {
        return false;
    }
    if (strlen(random) < 66 || !is_hex(random, 64) || random[64] != ' ') {
        return false;
    }
    rest = strlen(secret);
    return (rest == 64 || rest == 96) && is_hex(secret, rest);
}

static size_t count_label(const line_set *set, const char *label)
{
    size_t i, n = 0;
    for (i = 0; i < set->count; i++) {
        n += is_nss_line(set->line[i], label) ? 1 : 0;
    }
    return n;
}

/* A handshake between configs logging to `client_lines` / `server_lines` (either NULL: no
 * callback), with `client_file` set on the client (NULL: none). */
static void logged_handshake(uint32_t versions, line_set *client_lines, line_set *server_lines,
                             const char *client_file)
{
    ftls_client_config_builder *cb = client_builder(versions);
    ftls_server_config_builder *sb = server_builder(0, NULL, NULL);
    ftls_client_config *cc;
    ftls_server_config *sc;
    tls_pair p;
    if (cb != NULL && client_lines != NULL) {
        CHECK_RESULT_CB(cb, ftls_client_config_builder_set_keylog_callback(cb, collect_line,
                                                                            client_lines),
                        FTLS_OK);
    }
    if (cb != NULL && client_file != NULL) {
        CHECK_RESULT_CB(cb, ftls_client_config_builder_set_keylog_file(cb, client_file), FTLS_OK);
    }
    if (sb != NULL && server_lines != NULL) {
        CHECK_RESULT_SB(sb, ftls_server_config_builder_set_keylog_callback(sb, collect_line,
                                                                            server_lines),
                        FTLS_OK);
    }
    cc = build_client(cb);
    sc = build_server(sb);
    pair_connect(&p, cc, sc, "logged handshake");
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void case_keylog_callback_tls13(void)
{
    static const char *labels[] = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                                   "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                                   "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"};
    line_set client, server;
    size_t i;
    memset(&client, 0, sizeof client);
    memset(&server, 0, sizeof server);
    logged_handshake(FTLS_PROTOCOL_TLS13, &client, &server, NULL);
    CHECK(client.count == 5 && !client.overflow, "the client logged 5 lines (%zu)", client.count);
    for (i = 0; i < 5; i++) {
        CHECK(count_label(&client, labels[i]) == 1, "one well-formed %s line", labels[i]);
    }
    CHECK(same_lines(&client, &server), "the server logged the same %zu lines", server.count);
    /* One connection: one client random in every line. */
    for (i = 1; i < client.count; i++) {
        const char *a = strchr(client.line[0], ' '), *b = strchr(client.line[i], ' ');
        CHECK(a != NULL && b != NULL && strncmp(a, b, 65) == 0,
              "line %zu names the same client random", i);
    }
}

static void case_keylog_callback_tls12(void)
{
    line_set client, server;
    memset(&client, 0, sizeof client);
    memset(&server, 0, sizeof server);
    logged_handshake(FTLS_PROTOCOL_TLS12, &client, &server, NULL);
    CHECK(client.count == 1 && count_label(&client, "CLIENT_RANDOM") == 1,
          "TLS 1.2: one CLIENT_RANDOM line with the 48-byte master secret (%zu lines: %s)",
          client.count, client.count ? client.line[0] : "");
    CHECK(strlen(client.line[0]) == strlen("CLIENT_RANDOM ") + 64 + 1 + 96,
          "the master secret is 48 bytes");
    CHECK(same_lines(&client, &server), "the server logged the same line");
}

static char temp_dir[64];

static const char *temp_path(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", temp_dir, name);
    return path;
}

/* The lines of a file, into `set`; false if it cannot be read. */
static bool read_lines(const char *path, line_set *set)
{
    FILE *f = fopen(path, "r");
    char buf[LINE_MAX_LEN + 2];
    memset(set, 0, sizeof *set);
    if (f == NULL) {
        return false;
    }
    while (fgets(buf, sizeof buf, f) != NULL) {
        size_t len = strlen(buf);
        ftls_str line;
        if (len > 0 && buf[len - 1] == '\n') {
            buf[--len] = '\0';
        } else {
            set->overflow = true; /* every line ends in a newline */
        }
        line.data = buf;
        line.len = len;
        collect_line(set, line);
    }
    fclose(f);
    return true;
}

static void case_keylog_file(void)
{
    const char *path = temp_path("keys.log");
    line_set from_callback, from_file, again;
    struct stat st;
    memset(&from_callback, 0, sizeof from_callback);
    unlink(path);

    logged_handshake(FTLS_PROTOCOL_TLS13, &from_callback, NULL, path);
    if (CHECK(read_lines(path, &from_file), "the key-log file %s exists", path)) {
        CHECK(!from_file.overflow && same_lines(&from_file, &from_callback),
              "the file holds exactly the callback's %zu lines, one per line (%zu)",
              from_callback.count, from_file.count);
    }
    if (CHECK(stat(path, &st) == 0, "stat the key-log file")) {
        CHECK((st.st_mode & 0777) == 0600, "created readable by its owner only (mode %o)",
              (unsigned)(st.st_mode & 0777));
    }
    /* Appended to, never truncated. */
    logged_handshake(FTLS_PROTOCOL_TLS12, NULL, NULL, path);
    if (CHECK(read_lines(path, &again), "read the file again")) {
        CHECK(again.count == from_file.count + 1 && count_label(&again, "CLIENT_RANDOM") == 1,
              "a second config appended its TLS 1.2 line (%zu lines)", again.count);
    }
    unlink(path);
}

static void case_keylog_file_errors(void)
{
    ftls_client_config_builder *cb = client_builder(0);
    ftls_server_config_builder *sb = server_builder(0, NULL, NULL);
    if (cb == NULL || sb == NULL) {
        goto out;
    }
    if (CHECK_RESULT_CB(cb, ftls_client_config_builder_set_keylog_file(cb, "/nonexistent-dir/k.log"),
                        FTLS_ERR_FILE)) {
        CHECK_CB_DETAIL(cb, "cannot open the key-log file /nonexistent-dir/k.log: ");
        CHECK_CB_DETAIL(cb, "(errno 2)");
    }
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_set_keylog_file(sb, temp_dir),
                        FTLS_ERR_FILE)) {
        CHECK_SB_DETAIL(sb, "(errno 21)"); /* EISDIR */
    }
    if (CHECK_RESULT_CB(cb, ftls_client_config_builder_set_keylog_file(cb, "\xff\xfe"),
                        FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_CB_DETAIL(cb, "argument 'path' is not valid UTF-8");
    }
out:
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
}

static void case_keylog_from_env(void)
{
    const char *path = temp_path("env.log");
    ftls_client_config_builder *cb = client_builder(0);
    ftls_server_config_builder *sb = server_builder(0, NULL, NULL);
    ftls_client_config *cc = NULL;
    ftls_server_config *sc = NULL;
    tls_pair p;
    line_set lines;
    unlink(path);
    if (cb == NULL || sb == NULL) {
        goto out;
    }
    /* Not set: nothing happens, no file appears. */
    unsetenv("SSLKEYLOGFILE");
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_keylog_file(cb, NULL), FTLS_OK);
    setenv("SSLKEYLOGFILE", "", 1);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_keylog_file(sb, NULL), FTLS_OK);
    /* Set to an unusable file: a file error naming the variable. */
    setenv("SSLKEYLOGFILE", "/nonexistent-dir/k.log", 1);
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_set_keylog_file(sb, NULL), FTLS_ERR_FILE)) {
        CHECK_SB_DETAIL(sb, "SSLKEYLOGFILE is set: cannot open the key-log file "
                            "/nonexistent-dir/k.log");
    }
    /* Set: the server logs there (the variable is read by the call, not later). */
    setenv("SSLKEYLOGFILE", path, 1);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_keylog_file(sb, NULL), FTLS_OK);
    unsetenv("SSLKEYLOGFILE");
    cc = build_client(cb);
    sc = build_server(sb);
    cb = NULL;
    sb = NULL;
    pair_connect(&p, cc, sc, "env");
    pair_free(&p);
    if (CHECK(read_lines(path, &lines), "$SSLKEYLOGFILE's file was written")) {
        CHECK(lines.count == 5 && count_label(&lines, "EXPORTER_SECRET") == 1,
              "the server's 5 TLS 1.3 lines (%zu)", lines.count);
    }
    unlink(path);
out:
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static unsigned trace_events;

static void count_event(void *userdata, const ftls_handshake_event *event)
{
    (void)userdata;
    if (event->kind == FTLS_HANDSHAKE_EVENT_MESSAGE && event->message == 20) {
        trace_events++; /* Finished, decrypted with the handshake keys */
    }
}

static void case_keylog_beside_the_handshake_trace(void)
{
    ftls_client_config_builder *cb = client_builder(FTLS_PROTOCOL_TLS13);
    ftls_client_config *cc;
    ftls_server_config *sc = build_server(server_builder(0, NULL, NULL));
    line_set lines;
    tls_pair p;
    memset(&lines, 0, sizeof lines);
    if (cb != NULL) {
        CHECK_RESULT_CB(cb, ftls_client_config_builder_set_keylog_callback(cb, collect_line,
                                                                            &lines),
                        FTLS_OK);
    }
    cc = build_client(cb);
    memset(&p, 0, sizeof p);
    trace_events = 0;
    if (cc != NULL && sc != NULL && pair_new(&p, cc, "localhost", sc)) {
        CHECK_RESULT_CONN(p.client, ftls_connection_set_handshake_callback(p.client, count_event,
                                                                           NULL),
                          FTLS_OK);
        CHECK(pair_handshake(&p), "handshake");
    }
    CHECK(trace_events == 2, "the trace still decodes both encrypted Finished messages (%u)",
          trace_events);
    CHECK(lines.count == 5, "and the key log got all 5 lines (%zu)", lines.count);
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

/* ---- log callback ------------------------------------------------------------------------ */

typedef struct {
    unsigned by_level[6];
    unsigned from_rustls;
    unsigned bad;
} log_counts;

static void count_log(void *userdata, uint32_t level, ftls_str target, ftls_str message)
{
    log_counts *counts = (log_counts *)userdata;
    if (level < FTLS_LOG_ERROR || level > FTLS_LOG_TRACE || target.len == 0 ||
        message.data == NULL) {
        counts->bad++;
        return;
    }
    counts->by_level[level]++;
    if (target.len >= 6 && memcmp(target.data, "rustls", 6) == 0) {
        counts->from_rustls++;
    }
}

static void default_handshake(void)
{
    ftls_client_config *cc = build_client(client_builder(0));
    ftls_server_config *sc = build_server(server_builder(0, NULL, NULL));
    tls_pair p;
    pair_connect(&p, cc, sc, "logged");
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void case_log_callback_levels(void)
{
    log_counts debug, warn, replaced;
    memset(&debug, 0, sizeof debug);
    memset(&warn, 0, sizeof warn);
    memset(&replaced, 0, sizeof replaced);

    CHECK_RESULT(ftls_set_log_callback(count_log, &debug, FTLS_LOG_DEBUG), FTLS_OK);
    default_handshake();
    CHECK(debug.by_level[FTLS_LOG_DEBUG] > 0 && debug.from_rustls > 0,
          "at DEBUG, a handshake logs debug messages from rustls (%u debug, %u from rustls)",
          debug.by_level[FTLS_LOG_DEBUG], debug.from_rustls);
    CHECK(debug.by_level[FTLS_LOG_TRACE] == 0 && debug.bad == 0,
          "nothing above DEBUG, nothing malformed (%u trace, %u bad)",
          debug.by_level[FTLS_LOG_TRACE], debug.bad);

    /* Replacing the callback: the old one is no longer called. */
    CHECK_RESULT(ftls_set_log_callback(count_log, &warn, FTLS_LOG_WARN), FTLS_OK);
    memset(&replaced, 0, sizeof replaced);
    replaced = debug;
    default_handshake();
    CHECK(memcmp(&replaced, &debug, sizeof debug) == 0, "the replaced callback got nothing more");
    CHECK(warn.by_level[FTLS_LOG_DEBUG] == 0 && warn.by_level[FTLS_LOG_INFO] == 0 &&
              warn.by_level[FTLS_LOG_TRACE] == 0,
          "at WARN, no info, debug or trace message (%u, %u, %u)", warn.by_level[FTLS_LOG_INFO],
          warn.by_level[FTLS_LOG_DEBUG], warn.by_level[FTLS_LOG_TRACE]);

    /* TRACE is everything. */
    memset(&debug, 0, sizeof debug);
    CHECK_RESULT(ftls_set_log_callback(count_log, &debug, FTLS_LOG_TRACE), FTLS_OK);
    default_handshake();
    CHECK(debug.by_level[FTLS_LOG_TRACE] > 0, "at TRACE, trace messages arrive (%u)",
          debug.by_level[FTLS_LOG_TRACE]);

    /* Off, two ways. */
    CHECK_RESULT(ftls_set_log_callback(count_log, &debug, FTLS_LOG_OFF), FTLS_OK);
    replaced = debug;
    default_handshake();
    CHECK(memcmp(&replaced, &debug, sizeof debug) == 0, "FTLS_LOG_OFF: no call");
    CHECK_RESULT(ftls_set_log_callback(NULL, &debug, FTLS_LOG_TRACE), FTLS_OK);
    default_handshake();
    CHECK(memcmp(&replaced, &debug, sizeof debug) == 0, "NULL callback: no call");

    /* A bad level changes nothing. */
    CHECK_RESULT(ftls_set_log_callback(count_log, &debug, 6), FTLS_ERR_INVALID_ARGUMENT);
    default_handshake();
    CHECK(memcmp(&replaced, &debug, sizeof debug) == 0,
          "a refused call did not install its callback");
}

/* ---- exporter ---------------------------------------------------------------------------- */

#define LABEL "EXPERIMENTAL-ftls-test"

static ftls_result export_into(ftls_connection *conn, uint8_t *out, size_t len,
                               const char *label, const char *context, bool use_context)
{
    return ftls_connection_export_keying_material(conn, out, len, (const uint8_t *)label,
                                                  strlen(label), (const uint8_t *)context,
                                                  context ? strlen(context) : 0, use_context);
}

static void exporter_for(uint32_t versions, const char *name)
{
    ftls_client_config *cc = build_client(client_builder(versions));
    ftls_server_config *sc = build_server(server_builder(0, NULL, NULL));
    tls_pair p;
    uint8_t client[32], server[32], other[32], none[32], empty[32];
    bool tls13 = versions == FTLS_PROTOCOL_TLS13;

    memset(&p, 0, sizeof p);
    if (cc == NULL || sc == NULL || !pair_new(&p, cc, "localhost", sc)) {
        goto out;
    }
    memset(client, 0xaa, sizeof client);
    if (CHECK_RESULT_CONN(p.client, export_into(p.client, client, 32, LABEL, "ctx", true),
                          FTLS_ERR_INVALID_STATE)) {
        CHECK_CONN_DETAIL(p.client, "only once the handshake is complete");
        CHECK(client[0] == 0xaa && client[31] == 0xaa, "%s: out untouched on failure", name);
    }
    if (!CHECK(pair_handshake(&p), "%s: handshake", name)) {
        goto out;
    }
    CHECK_RESULT_CONN(p.client, export_into(p.client, client, 32, LABEL, "ctx", true), FTLS_OK);
    CHECK_RESULT_CONN(p.server, export_into(p.server, server, 32, LABEL, "ctx", true), FTLS_OK);
    CHECK(memcmp(client, server, 32) == 0, "%s: both sides export the same 32 bytes", name);
    CHECK_RESULT_CONN(p.client, export_into(p.client, other, 32, LABEL "2", "ctx", true), FTLS_OK);
    CHECK(memcmp(client, other, 32) != 0, "%s: another label gives other bytes", name);
    CHECK_RESULT_CONN(p.client, export_into(p.client, other, 32, LABEL, "ctx2", true), FTLS_OK);
    CHECK(memcmp(client, other, 32) != 0, "%s: another context gives other bytes", name);
    CHECK_RESULT_CONN(p.client, export_into(p.client, none, 32, LABEL, NULL, false), FTLS_OK);
    CHECK_RESULT_CONN(p.server, export_into(p.server, server, 32, LABEL, NULL, false), FTLS_OK);
    CHECK(memcmp(none, server, 32) == 0, "%s: without context, both sides agree too", name);
    CHECK_RESULT_CONN(p.client, export_into(p.client, empty, 32, LABEL, NULL, true), FTLS_OK);
    CHECK((memcmp(none, empty, 32) == 0) == tls13,
          "%s: no context and an empty context give %s bytes", name,
          tls13 ? "the same (RFC 8446)" : "different (RFC 5705)");
    /* A shorter export is not a prefix in TLS 1.3 (the length is part of the derivation), and
     * is in TLS 1.2 (a PRF stream). */
    CHECK_RESULT_CONN(p.client, export_into(p.client, other, 16, LABEL, "ctx", true), FTLS_OK);
    CHECK((memcmp(other, client, 16) == 0) == !tls13, "%s: 16 bytes %s the first 16 of 32", name,
          tls13 ? "are not" : "are");

    memset(other, 0xaa, sizeof other);
    if (CHECK_RESULT_CONN(p.client, export_into(p.client, other, 0, LABEL, NULL, false),
                          FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK_CONN_DETAIL(p.client, "the output length is 0");
    }
    if (tls13) {
        /* HKDF-Expand gives at most 255 hash lengths: 255 * 48 with TLS_AES_256_GCM_SHA384. */
        size_t too_long = 255 * 48 + 1;
        uint8_t *big = (uint8_t *)malloc(too_long);
        if (big != NULL) {
            memset(big, 0xaa, too_long);
            if (CHECK_RESULT_CONN(p.client, export_into(p.client, big, too_long, LABEL, NULL, false),
                                  FTLS_ERR_INVALID_ARGUMENT)) {
                CHECK_CONN_DETAIL(p.client, "cannot export 12241 bytes of keying material");
                CHECK(big[0] == 0xaa && big[too_long - 1] == 0xaa, "out untouched on failure");
            }
            CHECK_RESULT_CONN(p.client,
                              export_into(p.client, big, too_long - 1, LABEL, NULL, false),
                              FTLS_OK);
            free(big);
        }
    }
    {
        /* A length far beyond the limit is refused before anything is allocated (it used to
         * abort the process): `other` is only 32 bytes, and is not touched. */
        size_t huge = (size_t)1 << (sizeof(size_t) > 4 ? 36 : 30);
        memset(other, 0xaa, sizeof other);
        if (CHECK_RESULT_CONN(p.client, export_into(p.client, other, huge, LABEL, NULL, false),
                              FTLS_ERR_INVALID_ARGUMENT)) {
            CHECK_CONN_DETAIL(p.client, "at most 12240");
            CHECK_CONN_DETAIL(p.client, "255 hash lengths of TLS_");
            CHECK(other[0] == 0xaa && other[31] == 0xaa, "%s: out untouched", name);
        }
    }
    /* A failed export does not fail the connection. */
    CHECK(!ftls_connection_is_handshaking(p.client) &&
              export_into(p.client, other, 32, LABEL, "ctx", true) == FTLS_OK &&
              memcmp(other, client, 32) == 0,
          "%s: the connection still exports after refusals", name);
out:
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void case_exporter(void)
{
    exporter_for(FTLS_PROTOCOL_TLS13, "TLS 1.3");
    exporter_for(FTLS_PROTOCOL_TLS12, "TLS 1.2");
}

static const test_case cases[] = {
    {"keylog_callback_tls13", case_keylog_callback_tls13},
    {"keylog_callback_tls12", case_keylog_callback_tls12},
    {"keylog_file", case_keylog_file},
    {"keylog_file_errors", case_keylog_file_errors},
    {"keylog_from_env", case_keylog_from_env},
    {"keylog_beside_the_handshake_trace", case_keylog_beside_the_handshake_trace},
    {"log_callback_levels", case_log_callback_levels},
    {"exporter", case_exporter},
};

int main(int argc, char **argv)
{
    int status;
    if (argc < 2) {
        fprintf(stderr, "usage: %s CERT_DIR [CASE]\n", argv[0]);
        return 2;
    }
    cert_dir = argv[1];
    snprintf(temp_dir, sizeof temp_dir, "/tmp/ftls-observability-XXXXXX");
    if (mkdtemp(temp_dir) == NULL) {
        fprintf(stderr, "mkdtemp failed\n");
        return 2;
    }
    status = RUN_CASES(cases, argc > 2 ? argv[2] : NULL);
    rmdir(temp_dir);
    return status;
}
