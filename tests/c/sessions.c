/*
 * sessions: resumption as a C program sees it, in memory (pump.h): the client's session cache
 * (on by default, size 0 turns it off), the server's cache, stateless tickets with ftls' keys
 * and with the application's (two server configs sharing keys resume each other's sessions,
 * until the key rotates out of the window), an external session store over callbacks, TLS 1.3
 * tickets counted, early data (0-RTT) with its refusals and a replay, and sessions bound to
 * the client-authentication policy they were made under (configs sharing a ticketer or a store
 * resume each other's sessions only when their policies are the same).
 *
 * Usage: sessions CERT_DIR [CASE]
 */
#include "builders.h"

static const struct {
    uint32_t versions;
    const char *name;
} both_versions[] = {
    {FTLS_PROTOCOL_TLS13, "TLS 1.3"},
    {FTLS_PROTOCOL_TLS12, "TLS 1.2"},
};

#define FOR_EACH_VERSION(i) for ((i) = 0; (i) < 2; (i)++)

/* Connects once more and reports whether both sides resumed; a check each. Returns the
 * client's view (false when the handshake failed). */
static bool resumes(const ftls_client_config *cc, const ftls_server_config *sc, bool expected,
                    const char *label)
{
    tls_pair p;
    bool client_resumed = false;
    if (pair_connect(&p, cc, sc, label)) {
        client_resumed = ftls_connection_is_resumed(p.client);
        CHECK(client_resumed == expected, "%s: the client %s", label,
              expected ? "resumed" : "did a full handshake");
        CHECK(ftls_connection_is_resumed(p.server) == expected, "%s: the server %s", label,
              expected ? "resumed" : "did a full handshake");
    }
    pair_free(&p);
    return client_resumed;
}

static uint32_t tickets_of_one_connection(const ftls_client_config *cc,
                                          const ftls_server_config *sc, const char *label)
{
    tls_pair p;
    uint32_t count = 0xffff;
    if (pair_connect(&p, cc, sc, label)) {
        count = ftls_connection_tls13_tickets_received(p.client);
        CHECK(ftls_connection_tls13_tickets_received(p.server) == 0,
              "%s: a server receives no tickets (%u)", label,
              (unsigned)ftls_connection_tls13_tickets_received(p.server));
    }
    pair_free(&p);
    return count;
}

/* ---- caches --------------------------------------------------------------------------- */

static void case_resumption_is_on_by_default(void)
{
    size_t i;
    FOR_EACH_VERSION(i)
    {
        const char *v = both_versions[i].name;
        ftls_client_config *cc = build_client(client_builder(both_versions[i].versions));
        ftls_server_config *sc = build_server(server_builder(0, NULL, NULL));
        uint32_t tickets = tickets_of_one_connection(cc, sc, v);
        CHECK(tickets == (both_versions[i].versions == FTLS_PROTOCOL_TLS13 ? 2u : 0u),
              "%s: the first connection received %u TLS 1.3 tickets", v, tickets);
        resumes(cc, sc, true, v);
        resumes(cc, sc, true, v);
        ftls_client_config_free(cc);
        ftls_server_config_free(sc);
    }
}

static void case_each_client_config_has_its_own_cache(void)
{
    ftls_client_config_builder *b = client_builder(0);
    ftls_client_config *first = NULL, *second = NULL;
    ftls_server_config *sc = build_server(server_builder(0, NULL, NULL));
    if (b == NULL || !CHECK_RESULT_CB(b, ftls_client_config_builder_build(b, &first), FTLS_OK) ||
        !CHECK_RESULT_CB(b, ftls_client_config_builder_build(b, &second), FTLS_OK)) {
        goto out;
    }
    resumes(first, sc, false, "first config, first connection");
    resumes(second, sc, false, "second config from the same builder: its own empty cache");
    resumes(first, sc, true, "first config again");
out:
    ftls_client_config_builder_free(b);
    ftls_client_config_free(first);
    ftls_client_config_free(second);
    ftls_server_config_free(sc);
}

static void case_client_cache_off(void)
{
    size_t i;
    FOR_EACH_VERSION(i)
    {
        const char *v = both_versions[i].name;
        ftls_client_config_builder *b = client_builder(both_versions[i].versions);
        ftls_client_config *cc = NULL;
        ftls_server_config *sc = build_server(server_builder(0, NULL, NULL));
        if (b != NULL) {
            CHECK_RESULT_CB(b, ftls_client_config_builder_set_session_cache(b, 0), FTLS_OK);
            cc = build_client(b);
        }
        resumes(cc, sc, false, v);
        resumes(cc, sc, false, v);
        ftls_client_config_free(cc);
        ftls_server_config_free(sc);
    }
}

static void case_client_cache_of_one_server(void)
{
    /* A cache of 1 holds one server name: connecting to another evicts the first. */
    ftls_client_config_builder *b = client_builder(FTLS_PROTOCOL_TLS12);
    ftls_client_config *cc = NULL;
    ftls_server_config *sc = build_server(server_builder(0, NULL, NULL));
    tls_pair p;
    if (b != NULL) {
        CHECK_RESULT_CB(b, ftls_client_config_builder_set_session_cache(b, 1), FTLS_OK);
        cc = build_client(b);
    }
    resumes(cc, sc, false, "localhost, first");
    resumes(cc, sc, true, "localhost, again");
    /* 127.0.0.1 is another server name (the test certificate covers it). */
    memset(&p, 0, sizeof p);
    if (cc != NULL && sc != NULL && pair_new(&p, cc, "127.0.0.1", sc) &&
        CHECK(pair_handshake(&p), "127.0.0.1: handshake")) {
        CHECK(!ftls_connection_is_resumed(p.client), "127.0.0.1: full handshake");
    }
    pair_free(&p);
    resumes(cc, sc, false, "localhost after 127.0.0.1 took the only place");
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void case_server_cache_off(void)
{
    size_t i;
    FOR_EACH_VERSION(i)
    {
        const char *v = both_versions[i].name;
        ftls_client_config *cc = build_client(client_builder(both_versions[i].versions));
        ftls_server_config_builder *b = server_builder(0, NULL, NULL);
        ftls_server_config *sc = NULL;
        if (b != NULL) {
            CHECK_RESULT_SB(b, ftls_server_config_builder_set_session_cache(b, 0), FTLS_OK);
            sc = build_server(b);
        }
        CHECK(tickets_of_one_connection(cc, sc, v) == 0,
              "%s: a server that cannot resume sends no tickets", v);
        resumes(cc, sc, false, v);
        ftls_client_config_free(cc);
        ftls_server_config_free(sc);
    }
}

/* ---- stateless tickets ------------------------------------------------------------------ */

/* A server config with no session cache and the given tickets: ftls' own keys (`ticketer`
 * NULL) or the ticketer's. */
static ftls_server_config *ticket_server(uint32_t versions, const ftls_ticketer *ticketer)
{
    ftls_server_config_builder *b = server_builder(versions, NULL, NULL);
    if (b == NULL) {
        return NULL;
    }
    CHECK_RESULT_SB(b, ftls_server_config_builder_set_session_cache(b, 0), FTLS_OK);
    if (ticketer == NULL) {
        CHECK_RESULT_SB(b, server_set_own_tickets(b), FTLS_OK);
    } else {
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_ticketer(b, ticketer), FTLS_OK);
    }
    return build_server(b);
}

static void case_stateless_tickets_with_ftls_keys(void)
{
    size_t i;
    FOR_EACH_VERSION(i)
    {
        const char *v = both_versions[i].name;
        ftls_client_config *cc = build_client(client_builder(both_versions[i].versions));
        ftls_server_config *sc = ticket_server(both_versions[i].versions, NULL);
        ftls_server_config *other = ticket_server(both_versions[i].versions, NULL);
        if (both_versions[i].versions == FTLS_PROTOCOL_TLS13) {
            CHECK(tickets_of_one_connection(cc, sc, v) == 2, "%s: 2 stateless tickets", v);
        } else {
            resumes(cc, sc, false, v);
        }
        resumes(cc, sc, true, "stateless ticket, same config");
        resumes(cc, other, false, "another config has other keys");
        ftls_client_config_free(cc);
        ftls_server_config_free(sc);
        ftls_server_config_free(other);
    }
}

static void case_tickets_off_again(void)
{
    /* set_ticketer(NULL) drops a ticketer set before: no cache and no tickets, no resumption. */
    static const uint8_t key[FTLS_TICKET_KEY_LEN] = {7};
    ftls_ticketer *t = NULL;
    ftls_server_config_builder *b = server_builder(FTLS_PROTOCOL_TLS13, NULL, NULL);
    ftls_server_config *sc = NULL;
    ftls_client_config *cc = build_client(client_builder(0));
    if (b == NULL || !CHECK_RESULT(ftls_ticketer_new(key, sizeof key, 0, 60, &t), FTLS_OK)) {
        ftls_server_config_builder_free(b);
        goto out;
    }
    CHECK_RESULT_SB(b, ftls_server_config_builder_set_session_cache(b, 0), FTLS_OK);
    CHECK_RESULT_SB(b, ftls_server_config_builder_set_ticketer(b, t), FTLS_OK);
    CHECK_RESULT_SB(b, ftls_server_config_builder_set_ticketer(b, NULL), FTLS_OK);
    sc = build_server(b);
    CHECK(tickets_of_one_connection(cc, sc, "tickets off") == 0, "no tickets once turned off");
    resumes(cc, sc, false, "tickets off");
out:
    ftls_ticketer_free(t);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void fill_key(uint8_t *key, uint8_t seed)
{
    size_t i;
    for (i = 0; i < FTLS_TICKET_KEY_LEN; i++) {
        key[i] = (uint8_t)(seed * 31 + i * 7);
    }
}

static bool rotate_both(ftls_ticketer *a, ftls_ticketer *b, uint8_t seed)
{
    uint8_t key[FTLS_TICKET_KEY_LEN];
    fill_key(key, seed);
    return CHECK_RESULT(ftls_ticketer_rotate(a, key, sizeof key), FTLS_OK) &&
           CHECK_RESULT(ftls_ticketer_rotate(b, key, sizeof key), FTLS_OK);
}

static void case_servers_sharing_ticket_keys(void)
{
    size_t i;
    FOR_EACH_VERSION(i)
    {
        const char *v = both_versions[i].name;
        uint32_t versions = both_versions[i].versions;
        uint8_t key1[FTLS_TICKET_KEY_LEN];
        ftls_ticketer *ta = NULL, *tb = NULL;
        ftls_server_config *a = NULL, *b = NULL;
        ftls_client_config *early = build_client(client_builder(versions));
        ftls_client_config *late = build_client(client_builder(versions));

        /* Two "servers", each with its own ticketer made from the same key, window of 1. */
        fill_key(key1, 1);
        if (!CHECK_RESULT(ftls_ticketer_new(key1, sizeof key1, 1, 3600, &ta), FTLS_OK) ||
            !CHECK_RESULT(ftls_ticketer_new(key1, sizeof key1, 1, 3600, &tb), FTLS_OK)) {
            goto next;
        }
        a = ticket_server(versions, ta);
        b = ticket_server(versions, tb);
        /* The configs keep the ticketers: ours may go once rotation is done (below). */
        resumes(early, a, false, "client 1 on server A: full");
        printf("---- %s: client 1's session (key 1) resumes on server B\n", v);
        resumes(early, b, true, "client 1 on server B: resumed with A's ticket");
        resumes(late, b, false, "client 2 on server B: full");
        if (!rotate_both(ta, tb, 2)) {
            goto next;
        }
        printf("---- %s: rotated to key 2; key 1 is still in the window\n", v);
        resumes(late, a, true, "client 2 on server A: B's key-1 ticket still resumes");
        if (!rotate_both(ta, tb, 3)) {
            goto next;
        }
        printf("---- %s: rotated to key 3; key 1 left the window\n", v);
        /* Client 1's tickets all date from key 1: none opens any more. */
        resumes(early, a, false, "client 1 on server A: key 1 is gone, full handshake");
        /* Client 2's latest tickets came from server A under key 2: still in the window. */
        resumes(late, b, true, "client 2 on server B: key 2 still decrypts");
    next:
        ftls_ticketer_free(ta);
        ftls_ticketer_free(tb);
        ftls_server_config_free(a);
        ftls_server_config_free(b);
        ftls_client_config_free(early);
        ftls_client_config_free(late);
    }
}

static void case_ticketer_starts_with_earlier_keys(void)
{
    /* A server that starts late gets the current key and the earlier one still in the window:
     * it resumes tickets issued under either. */
    uint8_t old_key[FTLS_TICKET_KEY_LEN], keys[2 * FTLS_TICKET_KEY_LEN];
    ftls_ticketer *first = NULL, *late = NULL;
    ftls_server_config *a = NULL, *b = NULL;
    ftls_client_config *cc = build_client(client_builder(FTLS_PROTOCOL_TLS13));
    fill_key(old_key, 1);
    fill_key(keys, 2);
    fill_key(keys + FTLS_TICKET_KEY_LEN, 1);
    if (!CHECK_RESULT(ftls_ticketer_new(old_key, sizeof old_key, 1, 3600, &first), FTLS_OK) ||
        !CHECK_RESULT(ftls_ticketer_new(keys, sizeof keys, 1, 3600, &late), FTLS_OK)) {
        goto out;
    }
    a = ticket_server(FTLS_PROTOCOL_TLS13, first);
    b = ticket_server(FTLS_PROTOCOL_TLS13, late);
    resumes(cc, a, false, "a ticket under the old key");
    resumes(cc, b, true, "the late server opens it with its previous key");
out:
    ftls_ticketer_free(first);
    ftls_ticketer_free(late);
    ftls_server_config_free(a);
    ftls_server_config_free(b);
    ftls_client_config_free(cc);
}

static const char *ticketer_detail(const ftls_ticketer *t)
{
    static char buf[512];
    if (ftls_ticketer_last_error(t, buf, sizeof buf, NULL) != FTLS_OK) {
        snprintf(buf, sizeof buf, "(_last_error failed)");
    }
    return buf;
}

static void case_ticketer_refusals(void)
{
    uint8_t keys[3 * FTLS_TICKET_KEY_LEN], key[FTLS_TICKET_KEY_LEN];
    ftls_ticketer *t = NULL;
    char buf[8];
    size_t full = 0;
    fill_key(keys, 1);
    fill_key(keys + FTLS_TICKET_KEY_LEN, 2);
    fill_key(keys + 2 * FTLS_TICKET_KEY_LEN, 1);

    CHECK_RESULT(ftls_ticketer_new(keys, 3 * FTLS_TICKET_KEY_LEN, 1, 60, &t),
                 FTLS_ERR_INVALID_ARGUMENT);
    CHECK_RESULT(ftls_ticketer_new(keys, 3 * FTLS_TICKET_KEY_LEN, 2, 60, &t),
                 FTLS_ERR_INVALID_ARGUMENT); /* key 1 twice */
    CHECK_RESULT(ftls_ticketer_new(keys, 2 * FTLS_TICKET_KEY_LEN + 1, 2, 60, &t),
                 FTLS_ERR_INVALID_ARGUMENT);
    CHECK(t == NULL, "failed ftls_ticketer_new calls made no ticketer");
    if (!CHECK_RESULT(ftls_ticketer_new(keys, 2 * FTLS_TICKET_KEY_LEN, 1, 60, &t), FTLS_OK)) {
        return;
    }
    CHECK(strcmp(ticketer_detail(t), "") == 0, "a new ticketer has no error detail");
    if (CHECK_RESULT(ftls_ticketer_rotate(t, keys, FTLS_TICKET_KEY_LEN - 1),
                     FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK(strcmp(ticketer_detail(t), "a ticket key is 32 bytes, not 31") == 0,
              "detail: \"%s\"", ticketer_detail(t));
    }
    if (CHECK_RESULT(ftls_ticketer_rotate(t, keys + FTLS_TICKET_KEY_LEN, FTLS_TICKET_KEY_LEN),
                     FTLS_ERR_INVALID_ARGUMENT)) {
        CHECK(strstr(ticketer_detail(t), "already in use") != NULL, "detail: \"%s\"",
              ticketer_detail(t));
    }
    fill_key(key, 9);
    CHECK_RESULT(ftls_ticketer_rotate(t, key, sizeof key), FTLS_OK);
    /* The detail of the last failure stays after a success, like every _last_error(). */
    if (CHECK_RESULT(ftls_ticketer_last_error(t, buf, sizeof buf, &full), FTLS_OK)) {
        CHECK(full == strlen(ticketer_detail(t)) && strlen(buf) == sizeof buf - 1,
              "_last_error truncates to the buffer and reports the full length (%zu)", full);
    }
    ftls_ticketer_free(t);
}

/* ---- external session store ------------------------------------------------------------- */

#define STORE_SLOTS 16

typedef struct {
    struct {
        bool used;
        uint8_t key[64];
        size_t key_len;
        uint8_t *value;
        size_t value_len;
    } slot[STORE_SLOTS];
    unsigned puts, gets, takes, hits;
    bool refuse_puts;     /* put returns false */
    bool found_but_unset; /* get/take claim success without handing a value over */
} memory_store;

static int store_find(memory_store *s, ftls_bytes key)
{
    int i;
    for (i = 0; i < STORE_SLOTS; i++) {
        if (s->slot[i].used && s->slot[i].key_len == key.len &&
            memcmp(s->slot[i].key, key.data, key.len) == 0) {
            return i;
        }
    }
    return -1;
}

static void store_clear_slot(memory_store *s, int i)
{
    free(s->slot[i].value);
    memset(&s->slot[i], 0, sizeof s->slot[i]);
}

static unsigned store_count(const memory_store *s)
{
    unsigned n = 0;
    int i;
    for (i = 0; i < STORE_SLOTS; i++) {
        n += s->slot[i].used ? 1u : 0u;
    }
    return n;
}

static void store_free(memory_store *s)
{
    int i;
    for (i = 0; i < STORE_SLOTS; i++) {
        store_clear_slot(s, i);
    }
}

static bool store_put(void *userdata, ftls_bytes key, ftls_bytes value)
{
    memory_store *s = (memory_store *)userdata;
    int i = store_find(s, key);
    s->puts++;
    if (s->refuse_puts || key.len > sizeof s->slot[0].key) {
        return false;
    }
    if (i < 0) {
        for (i = 0; i < STORE_SLOTS && s->slot[i].used; i++) {
        }
        if (i == STORE_SLOTS) {
            return false;
        }
    }
    store_clear_slot(s, i);
    s->slot[i].value = (uint8_t *)malloc(value.len);
    if (s->slot[i].value == NULL) {
        return false;
    }
    s->slot[i].used = true;
    memcpy(s->slot[i].key, key.data, key.len);
    s->slot[i].key_len = key.len;
    memcpy(s->slot[i].value, value.data, value.len);
    s->slot[i].value_len = value.len;
    return true;
}

static bool store_lookup(memory_store *s, ftls_bytes key, ftls_session_value *value, bool take)
{
    int i = store_find(s, key);
    if (i < 0) {
        return false;
    }
    s->hits++;
    if (s->found_but_unset) {
        return true;
    }
    if (ftls_session_value_set(value, s->slot[i].value, s->slot[i].value_len) != FTLS_OK) {
        return false;
    }
    if (take) {
        store_clear_slot(s, i);
    }
    return true;
}

static bool store_get(void *userdata, ftls_bytes key, ftls_session_value *value)
{
    ((memory_store *)userdata)->gets++;
    return store_lookup((memory_store *)userdata, key, value, false);
}

static bool store_take(void *userdata, ftls_bytes key, ftls_session_value *value)
{
    ((memory_store *)userdata)->takes++;
    return store_lookup((memory_store *)userdata, key, value, true);
}

static ftls_server_config *store_server(uint32_t versions, memory_store *store)
{
    ftls_server_config_builder *b = server_builder(versions, NULL, NULL);
    if (b != NULL) {
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_session_store(b, store_put, store_get,
                                                                        store_take, store),
                        FTLS_OK);
    }
    return build_server(b);
}

static void case_external_session_store(void)
{
    size_t i;
    FOR_EACH_VERSION(i)
    {
        const char *v = both_versions[i].name;
        bool tls13 = both_versions[i].versions == FTLS_PROTOCOL_TLS13;
        memory_store store;
        ftls_client_config *cc = build_client(client_builder(both_versions[i].versions));
        ftls_server_config *sc, *other;
        memset(&store, 0, sizeof store);
        sc = store_server(both_versions[i].versions, &store);
        other = store_server(both_versions[i].versions, &store);

        resumes(cc, sc, false, v);
        CHECK(store.puts == (tls13 ? 2u : 1u) && store_count(&store) == store.puts,
              "%s: a full handshake stored %u session(s) (%u puts, %u held)", v,
              tls13 ? 2u : 1u, store.puts, store_count(&store));
        CHECK(store.gets == 0 && store.takes == 0, "%s: nothing was looked up yet", v);
        /* Another config over the same store: like another server process. */
        resumes(cc, other, true, "resumed by another config sharing the store");
        if (tls13) {
            CHECK(store.takes == 1 && store.hits == 1 && store.gets == 0,
                  "TLS 1.3: the ticket was taken once (takes %u, hits %u, gets %u)", store.takes,
                  store.hits, store.gets);
            CHECK(store_count(&store) == 3, "TLS 1.3: one ticket used up, two new ones stored "
                  "(%u held)", store_count(&store));
        } else {
            CHECK(store.gets == 1 && store.hits == 1 && store.takes == 0,
                  "TLS 1.2: the session was looked up by ID once (gets %u, hits %u, takes %u)",
                  store.gets, store.hits, store.takes);
        }
        store_free(&store);
        resumes(cc, sc, false, "the store was emptied: full handshake");
        ftls_client_config_free(cc);
        ftls_server_config_free(sc);
        ftls_server_config_free(other);
        store_free(&store);
    }
}

static void case_session_store_that_misbehaves(void)
{
    memory_store store;
    ftls_client_config *cc = build_client(client_builder(FTLS_PROTOCOL_TLS13));
    ftls_server_config *sc;
    memset(&store, 0, sizeof store);
    sc = store_server(FTLS_PROTOCOL_TLS13, &store);

    store.refuse_puts = true;
    CHECK(tickets_of_one_connection(cc, sc, "puts refused") == 0,
          "no ticket is issued for a session the store did not keep");
    store.refuse_puts = false;
    resumes(cc, sc, false, "stored now");
    store.found_but_unset = true;
    resumes(cc, sc, false, "take returned true without ftls_session_value_set(): not found");
    CHECK(store.hits == 1, "the store did find the ticket (%u hits)", store.hits);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    store_free(&store);
}

static void case_back_to_the_memory_cache(void)
{
    memory_store store;
    ftls_client_config *cc = build_client(client_builder(0));
    ftls_server_config_builder *b = server_builder(0, NULL, NULL);
    ftls_server_config *sc = NULL;
    memset(&store, 0, sizeof store);
    if (b != NULL) {
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_session_store(b, store_put, store_get,
                                                                        store_take, &store),
                        FTLS_OK);
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_session_cache(b, 8), FTLS_OK);
        sc = build_server(b);
    }
    resumes(cc, sc, false, "first");
    resumes(cc, sc, true, "the memory cache replaced the store");
    CHECK(store.puts == 0, "the replaced store was never called (%u puts)", store.puts);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

/* ---- early data ---------------------------------------------------------------------------- */

static ftls_client_config *early_client(void)
{
    ftls_client_config_builder *b = client_builder(0);
    if (b != NULL) {
        CHECK_RESULT_CB(b, ftls_client_config_builder_set_early_data(b, true), FTLS_OK);
    }
    return build_client(b);
}

static ftls_server_config *early_server(uint32_t max_early_data)
{
    ftls_server_config_builder *b = server_builder(0, NULL, NULL);
    if (b != NULL) {
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_max_early_data(b, max_early_data),
                        FTLS_OK);
    }
    return build_server(b);
}

static const char early_request[] = "GET /idempotent HTTP/1.1\r\n\r\n";

/* Counts EndOfEarlyData (HandshakeType 5) messages in a handshake trace. */
static void count_end_of_early_data(void *userdata, const ftls_handshake_event *event)
{
    if (event->kind == FTLS_HANDSHAKE_EVENT_MESSAGE && event->message == 5) {
        (*(unsigned *)userdata)++;
    }
}

static void case_early_data(void)
{
    ftls_client_config *cc = early_client();
    ftls_server_config *sc = early_server(1024);
    tls_pair p;
    uint8_t buf[128];
    size_t n = 0;
    unsigned client_eoed = 0, server_eoed = 0;

    /* Without a session there is nothing to send early data under. */
    memset(&p, 0, sizeof p);
    if (cc == NULL || sc == NULL || !pair_new(&p, cc, "localhost", sc)) {
        goto out;
    }
    if (CHECK_RESULT_CONN(p.client,
                          ftls_connection_write_early_data(p.client, (const uint8_t *)"x", 1, &n),
                          FTLS_ERR_INVALID_STATE)) {
        CHECK_CONN_DETAIL(p.client, "early data cannot be sent on this connection");
    }
    CHECK(pair_handshake(&p), "first handshake");
    CHECK(!ftls_connection_is_early_data_accepted(p.client) &&
              !ftls_connection_is_early_data_accepted(p.server),
          "no early data on a full handshake");
    if (CHECK_RESULT_CONN(p.server, ftls_connection_read_early_data(p.server, buf, sizeof buf, &n),
                          FTLS_ERR_INVALID_STATE)) {
        CHECK_CONN_DETAIL(p.server, "no early data was accepted on this connection");
    }
    CHECK_RESULT_CONN(p.server,
                      ftls_connection_write_early_data(p.server, (const uint8_t *)"x", 1, &n),
                      FTLS_ERR_INVALID_STATE);
    CHECK_RESULT_CONN(p.client, ftls_connection_read_early_data(p.client, buf, sizeof buf, &n),
                      FTLS_ERR_INVALID_STATE);
    pair_free(&p);

    /* Resuming: the request goes with the ClientHello. */
    if (!pair_new(&p, cc, "localhost", sc)) {
        goto out;
    }
    CHECK_RESULT_CONN(p.client,
                      ftls_connection_set_handshake_callback(p.client, count_end_of_early_data,
                                                             &client_eoed),
                      FTLS_OK);
    CHECK_RESULT_CONN(p.server,
                      ftls_connection_set_handshake_callback(p.server, count_end_of_early_data,
                                                             &server_eoed),
                      FTLS_OK);
    if (CHECK_RESULT_CONN(p.client,
                          ftls_connection_write_early_data(p.client,
                                                           (const uint8_t *)early_request,
                                                           strlen(early_request), &n),
                          FTLS_OK)) {
        CHECK(n == strlen(early_request), "all %zu bytes of early data accepted (%zu)",
              strlen(early_request), n);
    }
    /* Only the client's first flight: the server has the early data before any answer. */
    CHECK_RESULT(pump_send(p.client, &p.to_server), FTLS_OK);
    pump_receive(p.server, &p.to_server, &p.server_result);
    CHECK_CODE_CONN("server after the first flight", p.server, p.server_result, FTLS_OK);
    CHECK(ftls_connection_is_handshaking(p.server), "the server is still handshaking");
    CHECK(ftls_connection_is_early_data_accepted(p.server), "the server accepted early data");
    n = 0;
    if (CHECK_RESULT_CONN(p.server, ftls_connection_read_early_data(p.server, buf, sizeof buf, &n),
                          FTLS_OK)) {
        CHECK(n == strlen(early_request) && memcmp(buf, early_request, n) == 0,
              "the server read the early request before the handshake completed (%zu bytes)", n);
    }
    CHECK_RESULT_CONN(p.server, ftls_connection_read_early_data(p.server, buf, sizeof buf, &n),
                      FTLS_WANT_READ);
    /* Not part of the ordinary stream. */
    CHECK_RESULT_CONN(p.server, ftls_connection_read(p.server, buf, sizeof buf, &n),
                      FTLS_WANT_READ);
    CHECK(pair_handshake(&p), "the resumed handshake completes");
    CHECK(ftls_connection_is_resumed(p.client), "resumed");
    CHECK(ftls_connection_is_early_data_accepted(p.client), "the client learns it was accepted");
    CHECK(client_eoed == 1 && server_eoed == 1,
          "both handshake traces show the client's EndOfEarlyData (%u, %u)", client_eoed,
          server_eoed);
    n = 99;
    if (CHECK_RESULT_CONN(p.server, ftls_connection_read_early_data(p.server, buf, sizeof buf, &n),
                          FTLS_OK)) {
        CHECK(n == 0, "after the handshake: no more early data (0 bytes, got %zu)", n);
    }
    /* Too late for more. */
    CHECK_RESULT_CONN(p.client,
                      ftls_connection_write_early_data(p.client, (const uint8_t *)"x", 1, &n),
                      FTLS_ERR_INVALID_STATE);
out:
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void case_early_data_is_capped_by_the_server(void)
{
    ftls_client_config *cc = early_client();
    ftls_server_config *sc = early_server(10);
    tls_pair p;
    uint8_t buf[64];
    size_t n = 0;

    if (!pair_connect(&p, cc, sc, "first")) {
        goto out;
    }
    pair_free(&p);
    if (!pair_new(&p, cc, "localhost", sc)) {
        goto out;
    }
    if (CHECK_RESULT_CONN(p.client,
                          ftls_connection_write_early_data(p.client,
                                                           (const uint8_t *)early_request,
                                                           strlen(early_request), &n),
                          FTLS_OK)) {
        CHECK(n == 10, "the server's limit of 10 bytes cut the early data short (%zu)", n);
    }
    if (CHECK_RESULT_CONN(p.client,
                          ftls_connection_write_early_data(p.client, (const uint8_t *)"more", 4,
                                                           &n),
                          FTLS_OK)) {
        CHECK(n == 0, "nothing more is accepted at the limit (%zu)", n);
    }
    CHECK(pair_handshake(&p), "handshake");
    if (CHECK_RESULT_CONN(p.server, ftls_connection_read_early_data(p.server, buf, sizeof buf, &n),
                          FTLS_OK)) {
        CHECK(n == 10 && memcmp(buf, early_request, 10) == 0, "the server read 10 bytes (%zu)",
              n);
    }
out:
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void case_early_data_refused(void)
{
    ftls_client_config *cc = early_client();
    ftls_client_config *plain_client = build_client(client_builder(0));
    ftls_server_config *willing = early_server(1024);
    ftls_server_config *unwilling = early_server(0);
    tls_pair p;
    uint8_t buf[64];
    size_t n = 0;

    /* A server that accepts no early data issues tickets that allow none. */
    if (!pair_connect(&p, cc, unwilling, "unwilling, first")) {
        goto out;
    }
    pair_free(&p);
    if (pair_new(&p, cc, "localhost", unwilling)) {
        CHECK_RESULT_CONN(p.client,
                          ftls_connection_write_early_data(p.client, (const uint8_t *)"x", 1, &n),
                          FTLS_ERR_INVALID_STATE);
        CHECK(pair_handshake(&p) && ftls_connection_is_resumed(p.client),
              "resumed without early data");
    }
    pair_free(&p);

    /* A client config without early data never sends any. */
    if (pair_connect(&p, plain_client, willing, "plain client, first")) {
        pair_free(&p);
        if (pair_new(&p, plain_client, "localhost", willing)) {
            CHECK_RESULT_CONN(p.client,
                              ftls_connection_write_early_data(p.client, (const uint8_t *)"x",
                                                               1, &n),
                              FTLS_ERR_INVALID_STATE);
        }
    }
    pair_free(&p);

    /* A ticket that allows early data, used with a server that cannot resume it (another
     * config: another cache): the early data is rejected and must be sent again. */
    if (!pair_connect(&p, cc, willing, "willing, first")) {
        goto out;
    }
    pair_free(&p);
    if (!pair_new(&p, cc, "localhost", unwilling)) {
        goto out;
    }
    CHECK_RESULT_CONN(p.client,
                      ftls_connection_write_early_data(p.client, (const uint8_t *)early_request,
                                                       strlen(early_request), &n),
                      FTLS_OK);
    CHECK(pair_handshake(&p), "the handshake completes without the early data");
    CHECK(!ftls_connection_is_resumed(p.client), "full handshake");
    CHECK(!ftls_connection_is_early_data_accepted(p.client),
          "the client learns its early data was rejected");
    CHECK_RESULT_CONN(p.server, ftls_connection_read_early_data(p.server, buf, sizeof buf, &n),
                      FTLS_ERR_INVALID_STATE);
    /* Resent as ordinary data, it arrives. */
    CHECK_RESULT_CONN(p.client,
                      ftls_connection_write(p.client, (const uint8_t *)early_request,
                                            strlen(early_request), &n),
                      FTLS_OK);
    pair_pump(&p);
    if (CHECK_RESULT_CONN(p.server, ftls_connection_read(p.server, buf, sizeof buf, &n), FTLS_OK)) {
        CHECK(n == strlen(early_request) && memcmp(buf, early_request, n) == 0,
              "the resent request arrived as ordinary data");
    }
out:
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_client_config_free(plain_client);
    ftls_server_config_free(willing);
    ftls_server_config_free(unwilling);
}

static void case_replayed_early_data_is_refused(void)
{
    ftls_client_config *cc = early_client();
    ftls_server_config *sc = early_server(1024);
    tls_pair p;
    mem_pipe replay;
    ftls_connection *second = NULL;
    ftls_result r = FTLS_OK;
    uint8_t buf[64];
    size_t n = 0;

    memset(&replay, 0, sizeof replay);
    if (!pair_connect(&p, cc, sc, "first")) {
        goto out;
    }
    pair_free(&p);
    if (!pair_new(&p, cc, "localhost", sc)) {
        goto out;
    }
    CHECK_RESULT_CONN(p.client,
                      ftls_connection_write_early_data(p.client, (const uint8_t *)early_request,
                                                       strlen(early_request), &n),
                      FTLS_OK);
    /* An attacker records the client's first flight... */
    CHECK_RESULT(pump_send(p.client, &replay), FTLS_OK);
    CHECK(replay.len > 0, "the first flight was recorded (%zu bytes)", replay.len);
    mem_pipe_put(&p.to_server, replay.data, replay.len);
    CHECK(pair_handshake(&p) && ftls_connection_is_early_data_accepted(p.server),
          "the genuine connection's early data is accepted");
    /* ... and replays it to the same server. */
    if (!CHECK_RESULT(ftls_server_connection_new(sc, &second), FTLS_OK)) {
        goto out;
    }
    pump_receive(second, &replay, &r);
    CHECK_CODE_CONN("the replayed flight", second, r, FTLS_OK);
    CHECK(!ftls_connection_is_early_data_accepted(second),
          "the replayed early data is not accepted: the ticket was single use");
    CHECK_RESULT_CONN(second, ftls_connection_read_early_data(second, buf, sizeof buf, &n),
                      FTLS_ERR_INVALID_STATE);
out:
    ftls_connection_free(second);
    mem_pipe_free(&replay);
    pair_free(&p);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void case_early_data_config_errors(void)
{
    ftls_client_config_builder *cb = client_builder(0);
    ftls_server_config_builder *sb = server_builder(0, NULL, NULL);
    ftls_client_config *cc = NULL;
    ftls_server_config *sc = NULL;
    if (cb == NULL || sb == NULL) {
        goto out;
    }
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_early_data(cb, true), FTLS_OK);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_session_cache(cb, 0), FTLS_OK);
    if (CHECK_RESULT_CB(cb, ftls_client_config_builder_build(cb, &cc), FTLS_ERR_CONFIG)) {
        CHECK_CB_DETAIL(cb, "early data needs session resumption, but the session cache size "
                            "is 0");
    }
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_max_early_data(sb, 100), FTLS_OK);
    CHECK_RESULT_SB(sb, server_set_own_tickets(sb), FTLS_OK);
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &sc), FTLS_ERR_CONFIG)) {
        CHECK_SB_DETAIL(sb, "stateless tickets are on");
    }
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_ticketer(sb, NULL), FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_session_cache(sb, 0), FTLS_OK);
    if (CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &sc), FTLS_ERR_CONFIG)) {
        CHECK_SB_DETAIL(sb, "early data needs stateful resumption, but the session cache size "
                            "is 0");
    }
    CHECK(cc == NULL && sc == NULL, "no config was made");
    /* Fixed, it builds. */
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_session_cache(sb, 1), FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_build(sb, &sc), FTLS_OK);
out:
    ftls_client_config_builder_free(cb);
    ftls_server_config_builder_free(sb);
    ftls_server_config_free(sc);
}

/* ---- sessions bound to the client-authentication policy --------------------------------- */

/* How the server configs of a policy case share resumption state. */
typedef enum { SHARE_TICKETER, SHARE_STORE } sharing;

static const char *const sharing_names[] = {"shared ticketer", "shared store"};

#define FOR_EACH_SHARING(h) for ((h) = SHARE_TICKETER; (h) <= SHARE_STORE; (h)++)

typedef struct {
    ftls_ticketer *ticketer;
    memory_store store;
} shared_state;

/* What decides whether a client is accepted. */
typedef struct {
    uint32_t client_auth;
    const char *client_ca; /* file in cert_dir, or NULL */
    const char *crl;       /* file in cert_dir, or NULL */
    unsigned *verify_calls; /* non-NULL: a client verify callback counting its calls here */
    const char *extra_ca;  /* another CA file the trust holds too, or NULL */
} client_policy;

static int count_verify_calls(void *userdata, const ftls_verify_request *request, char *reason,
                              size_t reason_len)
{
    (void)request;
    (void)reason;
    (void)reason_len;
    (*(unsigned *)userdata)++;
    return FTLS_OK;
}

static bool shared_state_init(shared_state *s)
{
    static const uint8_t key[FTLS_TICKET_KEY_LEN] = {42, 1, 2, 3};
    memset(s, 0, sizeof *s);
    return CHECK_RESULT(ftls_ticketer_new(key, sizeof key, 0, 3600, &s->ticketer), FTLS_OK);
}

static void shared_state_free(shared_state *s)
{
    ftls_ticketer_free(s->ticketer);
    store_free(&s->store);
}

/* A new trust object holding the policy's CA certificates and CRL (NULL if it has none, or
 * after a failed check). */
static ftls_trust *policy_trust(const client_policy *policy)
{
    ftls_trust *trust = NULL;
    if (policy->client_ca == NULL || !CHECK_RESULT(ftls_trust_new(&trust), FTLS_OK)) {
        return NULL;
    }
    CHECK_RESULT_TR(trust, ftls_trust_add_ca_file(trust, cert_path(policy->client_ca)), FTLS_OK);
    if (policy->extra_ca != NULL) {
        CHECK_RESULT_TR(trust, ftls_trust_add_ca_file(trust, cert_path(policy->extra_ca)),
                        FTLS_OK);
    }
    if (policy->crl != NULL) {
        CHECK_RESULT_TR(trust, ftls_trust_add_crl_file(trust, cert_path(policy->crl)), FTLS_OK);
    }
    return trust;
}

/* Sets `policy` on the builder (through a trust object of its own, freed again: the builder
 * keeps a snapshot), and the resumption state it shares with other configs. */
static void set_policy_and_sharing(ftls_server_config_builder *b, const client_policy *policy,
                                   sharing how, shared_state *shared)
{
    ftls_trust *trust = policy_trust(policy);
    if (trust != NULL) {
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_trust(b, trust), FTLS_OK);
        ftls_trust_free(trust);
    }
    if (policy->verify_calls != NULL) {
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_verify_callback(
                               b, count_verify_calls, policy->verify_calls),
                        FTLS_OK);
    }
    CHECK_RESULT_SB(b, ftls_server_config_builder_set_client_auth(b, policy->client_auth),
                    FTLS_OK);
    if (how == SHARE_TICKETER) {
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_session_cache(b, 0), FTLS_OK);
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_ticketer(b, shared->ticketer), FTLS_OK);
    } else {
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_session_store(
                               b, store_put, store_get, store_take, &shared->store),
                        FTLS_OK);
    }
}

static ftls_server_config *policy_server(uint32_t versions, const client_policy *policy,
                                         sharing how, shared_state *shared)
{
    ftls_server_config_builder *b = server_builder(versions, NULL, NULL);
    if (b != NULL) {
        set_policy_and_sharing(b, policy, how, shared);
    }
    return build_server(b);
}

/* A client offering `versions`, with the identity in `cert` / `key` (NULL: anonymous). */
static ftls_client_config *client_with(uint32_t versions, const char *cert, const char *key)
{
    ftls_client_config_builder *b = client_builder(versions);
    if (b != NULL && cert != NULL) {
        CHECK_RESULT_CB(b, client_add_identity_files(b, cert_path(cert), cert_path(key)),
                        FTLS_OK);
    }
    return build_client(b);
}

/* As resumes(), and the server saw `certs` client certificates. */
static void resumes_with_certs(const ftls_client_config *cc, const ftls_server_config *sc,
                               bool expected, size_t certs, const char *label)
{
    tls_pair p;
    if (pair_connect(&p, cc, sc, label)) {
        size_t count = ftls_connection_peer_certificate_count(p.server);
        CHECK(ftls_connection_is_resumed(p.client) == expected &&
                  ftls_connection_is_resumed(p.server) == expected,
              "%s: %s", label, expected ? "resumed" : "full handshake");
        CHECK(count == certs, "%s: the server saw %zu client certificate(s) (%zu)", label, certs,
              count);
    }
    pair_free(&p);
}

/* Connects once: the server refuses the client in a full handshake. */
static void refused(const ftls_client_config *cc, const ftls_server_config *sc,
                    ftls_result client_want, ftls_result server_want, const char *server_detail,
                    const char *label)
{
    tls_pair p;
    memset(&p, 0, sizeof p);
    if (cc == NULL || sc == NULL || !pair_new(&p, cc, "localhost", sc)) {
        setup_failed(__FILE__, __LINE__, "%s: no configs or connections", label);
        return;
    }
    pair_pump(&p);
    CHECK_CODE_CONN(label, p.client, p.client_result, client_want);
    CHECK_CODE_CONN(label, p.server, p.server_result, server_want);
    CHECK_CONN_DETAIL(p.server, server_detail);
    CHECK(!ftls_connection_is_resumed(p.server), "%s: the server did not resume", label);
    pair_free(&p);
}

static void case_anonymous_session_meets_client_auth(void)
{
    size_t i;
    sharing how;
    FOR_EACH_VERSION(i)
    FOR_EACH_SHARING(how)
    {
        uint32_t v = both_versions[i].versions;
        unsigned calls = 0;
        client_policy open = {FTLS_CLIENT_AUTH_NONE, NULL, NULL, NULL, NULL};
        client_policy required = {FTLS_CLIENT_AUTH_REQUIRED, "ca.pem", NULL, NULL, NULL};
        shared_state shared;
        ftls_server_config *sc_open = NULL, *sc_required = NULL;
        ftls_client_config *anonymous = client_with(v, NULL, NULL);
        ftls_client_config *certified = client_with(v, "client.pem", "client.key");
        printf("# %s, %s\n", both_versions[i].name, sharing_names[how]);
        required.verify_calls = &calls;
        if (shared_state_init(&shared)) {
            sc_open = policy_server(v, &open, how, &shared);
            sc_required = policy_server(v, &required, how, &shared);
        }
        resumes_with_certs(anonymous, sc_open, false, 0, "anonymous, no client auth");
        resumes_with_certs(anonymous, sc_open, true, 0, "anonymous, same config again");
        refused(anonymous, sc_required, FTLS_ERR_CLIENT_CERT_REQUIRED,
                FTLS_ERR_CLIENT_CERT_REQUIRED, "the peer sent no certificate",
                "anonymous session offered where a client certificate is required");
        CHECK(calls == 0, "no certificate, so no verify callback (%u calls)", calls);
        resumes_with_certs(certified, sc_open, false, 0, "certified client, no client auth");
        resumes_with_certs(certified, sc_required, false, 1,
                           "its session offered where a certificate is required: full handshake "
                           "with the certificate");
        CHECK(calls == 1, "the verify callback judged the certificate (%u calls)", calls);
        resumes_with_certs(certified, sc_required, true, 1,
                           "a session made under client auth resumes under it, with its "
                           "certificate");
        CHECK(calls == 1, "a resumption calls no verify callback (%u calls)", calls);
        ftls_client_config_free(anonymous);
        ftls_client_config_free(certified);
        ftls_server_config_free(sc_open);
        ftls_server_config_free(sc_required);
        shared_state_free(&shared);
    }
}

static void case_session_under_one_ca_meets_another(void)
{
    size_t i;
    sharing how;
    FOR_EACH_VERSION(i)
    FOR_EACH_SHARING(how)
    {
        uint32_t v = both_versions[i].versions;
        client_policy ca = {FTLS_CLIENT_AUTH_REQUIRED, "ca.pem", NULL, NULL, NULL};
        client_policy other_ca = {FTLS_CLIENT_AUTH_REQUIRED, "other-ca.pem", NULL, NULL, NULL};
        shared_state shared;
        ftls_server_config *sc_ca = NULL, *sc_other = NULL;
        ftls_client_config *cc = client_with(v, "client.pem", "client.key");
        printf("# %s, %s\n", both_versions[i].name, sharing_names[how]);
        if (shared_state_init(&shared)) {
            sc_ca = policy_server(v, &ca, how, &shared);
            sc_other = policy_server(v, &other_ca, how, &shared);
        }
        resumes_with_certs(cc, sc_ca, false, 1, "client certified by ca.pem, trusted");
        refused(cc, sc_other, FTLS_ERR_ALERT_RECEIVED, FTLS_ERR_CERT_UNKNOWN_ISSUER,
                "unknown issuer", "its session offered to a server trusting only other-ca.pem");
        ftls_client_config_free(cc);
        ftls_server_config_free(sc_ca);
        ftls_server_config_free(sc_other);
        shared_state_free(&shared);
    }
}

static void case_crl_reload_ends_revoked_sessions(void)
{
    size_t i;
    sharing how;
    FOR_EACH_VERSION(i)
    FOR_EACH_SHARING(how)
    {
        uint32_t v = both_versions[i].versions;
        client_policy policy = {FTLS_CLIENT_AUTH_REQUIRED, "ca.pem", NULL, NULL, NULL};
        shared_state shared;
        ftls_server_config_builder *b = server_builder(v, NULL, NULL);
        ftls_trust *trust = policy_trust(&policy);
        ftls_server_config *before = NULL, *unchanged = NULL, *after = NULL;
        ftls_client_config *revoked = client_with(v, "revoked-client.pem", "revoked-client.key");
        ftls_client_config *good = client_with(v, "client.pem", "client.key");
        ftls_client_config *fresh = NULL;
        printf("# %s, %s\n", both_versions[i].name, sharing_names[how]);
        if (b == NULL || trust == NULL || !shared_state_init(&shared)) {
            ftls_server_config_builder_free(b);
            b = NULL;
        } else {
            set_policy_and_sharing(b, &policy, how, &shared);
            CHECK_RESULT_SB(b, ftls_server_config_builder_set_trust(b, trust), FTLS_OK);
            CHECK_RESULT_SB(b, ftls_server_config_builder_build(b, &before), FTLS_OK);
            resumes_with_certs(revoked, before, false, 1, "not revoked yet");
            resumes_with_certs(revoked, before, true, 1, "not revoked yet, resumed");
            resumes_with_certs(good, before, false, 1, "a good client");
            /* The CRL added to the trust object after set_trust changes neither the config
             * built nor the builder's snapshot. */
            CHECK_RESULT_TR(trust, ftls_trust_add_crl_file(trust, cert_path("ca.crl.pem")),
                            FTLS_OK);
            fresh = client_with(v, "revoked-client.pem", "revoked-client.key");
            resumes_with_certs(fresh, before, false, 1,
                               "the CRL added to the trust later does not reach a built config: "
                               "a full handshake still accepts the client");
            CHECK_RESULT_SB(b, ftls_server_config_builder_build(b, &unchanged), FTLS_OK);
            resumes_with_certs(revoked, unchanged, true, 1,
                               "nor the builder, until set_trust again: same policy, resumed");
            /* The usual reload: the same builder, the trust with one more CRL, a new config. */
            CHECK_RESULT_SB(b, ftls_server_config_builder_set_trust(b, trust), FTLS_OK);
            CHECK_RESULT_SB(b, ftls_server_config_builder_build(b, &after), FTLS_OK);
            refused(revoked, after, FTLS_ERR_ALERT_RECEIVED, FTLS_ERR_CERT_REVOKED,
                    "certificate revoked", "the revoked client's old session after the reload");
            resumes_with_certs(good, after, false, 1,
                               "the good client's old session: full handshake under the new CRL");
            resumes_with_certs(good, after, true, 1, "then it resumes under the new config");
            ftls_server_config_builder_free(b);
            shared_state_free(&shared);
        }
        ftls_trust_free(trust);
        ftls_client_config_free(revoked);
        ftls_client_config_free(fresh);
        ftls_client_config_free(good);
        ftls_server_config_free(before);
        ftls_server_config_free(unchanged);
        ftls_server_config_free(after);
    }
}

static void case_same_policy_shares_sessions(void)
{
    size_t i;
    sharing how;
    FOR_EACH_VERSION(i)
    FOR_EACH_SHARING(how)
    {
        uint32_t v = both_versions[i].versions;
        unsigned calls = 0, other_calls = 0;
        client_policy policy = {FTLS_CLIENT_AUTH_REQUIRED, "ca.pem", "ca.crl.pem", NULL, NULL};
        client_policy other_userdata = {FTLS_CLIENT_AUTH_REQUIRED, "ca.pem", "ca.crl.pem", NULL,
                                        NULL};
        client_policy wider = {FTLS_CLIENT_AUTH_REQUIRED, "ca.pem", "ca.crl.pem", NULL,
                               "other-ca.pem"};
        shared_state shared;
        ftls_server_config_builder *b = server_builder(v, NULL, NULL);
        ftls_server_config *first = NULL, *again = NULL, *twin = NULL, *other = NULL;
        ftls_server_config *wider_trust = NULL;
        ftls_client_config *cc = client_with(v, "client.pem", "client.key");
        printf("# %s, %s\n", both_versions[i].name, sharing_names[how]);
        policy.verify_calls = &calls;
        other_userdata.verify_calls = &other_calls;
        if (b != NULL && shared_state_init(&shared)) {
            set_policy_and_sharing(b, &policy, how, &shared);
            CHECK_RESULT_SB(b, ftls_server_config_builder_build(b, &first), FTLS_OK);
            CHECK_RESULT_SB(b, ftls_server_config_builder_build(b, &again), FTLS_OK);
            twin = policy_server(v, &policy, how, &shared);
            other = policy_server(v, &other_userdata, how, &shared);
            wider.verify_calls = &calls;
            wider_trust = policy_server(v, &wider, how, &shared);
            resumes_with_certs(cc, first, false, 1, "first config");
            resumes_with_certs(cc, again, true, 1, "a second config from the same builder");
            resumes_with_certs(cc, twin, true, 1, "a config of another builder, same policy");
            CHECK(calls == 1, "the verify callback ran once, in the full handshake (%u)", calls);
            resumes_with_certs(cc, wider_trust, false, 1,
                               "a trust holding one more CA is another policy: full handshake");
            CHECK(calls == 2, "the callback judged the client again (%u)", calls);
            resumes_with_certs(cc, other, false, 1,
                               "the same callback with other userdata is another policy");
            CHECK(other_calls == 1, "its callback judged the client (%u calls)", other_calls);
            shared_state_free(&shared);
        }
        ftls_server_config_builder_free(b);
        ftls_client_config_free(cc);
        ftls_server_config_free(first);
        ftls_server_config_free(again);
        ftls_server_config_free(twin);
        ftls_server_config_free(other);
        ftls_server_config_free(wider_trust);
    }
}

static void case_client_config_rebuilt_with_other_trust(void)
{
    ftls_client_config_builder *b = client_builder(0);
    ftls_client_config *before = NULL, *after = NULL;
    ftls_trust *trust = NULL;
    ftls_server_config *sc = build_server(server_builder(0, NULL, NULL));
    if (b == NULL) {
        goto out;
    }
    CHECK_RESULT_CB(b, ftls_client_config_builder_build(b, &before), FTLS_OK);
    resumes(before, sc, false, "first connection");
    resumes(before, sc, true, "same client config: resumed");
    if (CHECK_RESULT(ftls_trust_new(&trust), FTLS_OK)) {
        CHECK_RESULT_TR(trust, ftls_trust_add_ca_file(trust, cert_path("ca.pem")), FTLS_OK);
        CHECK_RESULT_TR(trust, ftls_trust_add_ca_file(trust, cert_path("other-ca.pem")), FTLS_OK);
        CHECK_RESULT_CB(b, ftls_client_config_builder_set_trust(b, trust), FTLS_OK);
        ftls_trust_free(trust);
    }
    CHECK_RESULT_CB(b, ftls_client_config_builder_build(b, &after), FTLS_OK);
    resumes(after, sc, false, "rebuilt with another trust policy: its sessions are not offered");
out:
    ftls_client_config_builder_free(b);
    ftls_client_config_free(before);
    ftls_client_config_free(after);
    ftls_server_config_free(sc);
}

/* A session cache is allocated whole when the config is built: a size beyond
 * FTLS_SESSION_CACHE_MAX is refused by the setter, and nothing changes. */
static void case_session_cache_size_is_bounded(void)
{
    ftls_client_config_builder *cb = client_builder(0);
    ftls_server_config_builder *sb = server_builder(0, NULL, NULL);
    ftls_client_config *cc = NULL;
    ftls_server_config *sc = NULL;
    tls_pair p;
    if (cb == NULL || sb == NULL) {
        ftls_client_config_builder_free(cb);
        ftls_server_config_builder_free(sb);
        return;
    }
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_session_cache(cb, (size_t)1 << 40),
                    FTLS_ERR_INVALID_ARGUMENT);
    CHECK_CB_DETAIL(cb, "above the limit of 1048576");
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_session_cache(sb, SIZE_MAX),
                    FTLS_ERR_INVALID_ARGUMENT);
    CHECK_SB_DETAIL(sb, "above the limit of 1048576");
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_session_cache(cb, FTLS_SESSION_CACHE_MAX + 1),
                    FTLS_ERR_INVALID_ARGUMENT);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_session_cache(cb, FTLS_SESSION_CACHE_MAX),
                    FTLS_OK);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_session_cache(sb, FTLS_SESSION_CACHE_MAX),
                    FTLS_OK);
    /* The default caches are still what the refused calls left: resumption works. */
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_session_cache(cb, 16), FTLS_OK);
    CHECK_RESULT_CB(cb, ftls_client_config_builder_set_session_cache(cb, SIZE_MAX),
                    FTLS_ERR_INVALID_ARGUMENT);
    CHECK_RESULT_SB(sb, ftls_server_config_builder_set_session_cache(sb, 16), FTLS_OK);
    cc = build_client(cb);
    sc = build_server(sb);
    if (cc != NULL && sc != NULL && pair_new(&p, cc, "localhost", sc)) {
        CHECK(pair_handshake(&p), "a handshake with the bounded caches");
        pair_free(&p);
        if (pair_new(&p, cc, "localhost", sc)) {
            CHECK(pair_handshake(&p) && ftls_connection_is_resumed(p.client),
                  "the second connection resumes");
            pair_free(&p);
        }
    }
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
}

static void case_client_checks_need_client_auth(void)
{
    static const char *const settings[] = {"client CA", "CRL", "revocation policy",
                                           "verify callback", "replacing verifier"};
    unsigned calls = 0;
    size_t i;
    for (i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        ftls_server_config_builder *b = server_builder(0, NULL, NULL);
        ftls_server_config *sc = NULL;
        ftls_trust *trust = NULL;
        const char *named = NULL;
        if (b == NULL || !CHECK_RESULT(ftls_trust_new(&trust), FTLS_OK)) {
            ftls_server_config_builder_free(b);
            continue;
        }
        switch (i) {
        case 0:
            CHECK_RESULT_TR(trust, ftls_trust_add_ca_file(trust, cert_path("ca.pem")), FTLS_OK);
            named = "client CA certificates";
            break;
        case 1:
            CHECK_RESULT_TR(trust, ftls_trust_add_crl_file(trust, cert_path("ca.crl.pem")),
                            FTLS_OK);
            named = "CRLs";
            break;
        case 2:
            CHECK_RESULT_TR(trust,
                            ftls_trust_set_revocation_policy(trust, FTLS_REVOCATION_ALLOW_UNKNOWN),
                            FTLS_OK);
            named = "a revocation policy";
            break;
        case 3:
            CHECK_RESULT_SB(b, ftls_server_config_builder_set_verify_callback(
                                   b, count_verify_calls, &calls),
                            FTLS_OK);
            named = "a verify callback";
            break;
        default:
            CHECK_RESULT_SB(b, ftls_server_config_builder_set_insecure_verifier(
                                   b, count_verify_calls, &calls),
                            FTLS_OK);
            named = "a replacing verifier";
            break;
        }
        if (i <= 2) {
            CHECK_RESULT_SB(b, ftls_server_config_builder_set_trust(b, trust), FTLS_OK);
        }
        printf("# %s without client authentication\n", settings[i]);
        if (CHECK_RESULT_SB(b, ftls_server_config_builder_build(b, &sc), FTLS_ERR_CONFIG)) {
            CHECK_SB_DETAIL(b, "client authentication is off");
            CHECK_SB_DETAIL(b, named);
        }
        CHECK(sc == NULL, "%s: no config was made", settings[i]);
        ftls_server_config_free(sc);
        sc = NULL;
        /* With client authentication on (and anchors, unless the verifier is replaced), it builds. */
        if (i != 4) {
            CHECK_RESULT_TR(trust, ftls_trust_add_ca_file(trust, cert_path("ca.pem")), FTLS_OK);
            CHECK_RESULT_SB(b, ftls_server_config_builder_set_trust(b, trust), FTLS_OK);
        }
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_client_auth(b, FTLS_CLIENT_AUTH_OPTIONAL),
                        FTLS_OK);
        CHECK_RESULT_SB(b, ftls_server_config_builder_build(b, &sc), FTLS_OK);
        ftls_server_config_free(sc);
        ftls_server_config_builder_free(b);
        ftls_trust_free(trust);
    }
    CHECK(calls == 0, "no callback ran (%u)", calls);
}

static const test_case cases[] = {
    {"resumption_is_on_by_default", case_resumption_is_on_by_default},
    {"session_cache_size_is_bounded", case_session_cache_size_is_bounded},
    {"each_client_config_has_its_own_cache", case_each_client_config_has_its_own_cache},
    {"client_cache_off", case_client_cache_off},
    {"client_cache_of_one_server", case_client_cache_of_one_server},
    {"server_cache_off", case_server_cache_off},
    {"stateless_tickets_with_ftls_keys", case_stateless_tickets_with_ftls_keys},
    {"tickets_off_again", case_tickets_off_again},
    {"servers_sharing_ticket_keys", case_servers_sharing_ticket_keys},
    {"ticketer_starts_with_earlier_keys", case_ticketer_starts_with_earlier_keys},
    {"ticketer_refusals", case_ticketer_refusals},
    {"external_session_store", case_external_session_store},
    {"session_store_that_misbehaves", case_session_store_that_misbehaves},
    {"back_to_the_memory_cache", case_back_to_the_memory_cache},
    {"early_data", case_early_data},
    {"early_data_is_capped_by_the_server", case_early_data_is_capped_by_the_server},
    {"early_data_refused", case_early_data_refused},
    {"replayed_early_data_is_refused", case_replayed_early_data_is_refused},
    {"early_data_config_errors", case_early_data_config_errors},
    {"anonymous_session_meets_client_auth", case_anonymous_session_meets_client_auth},
    {"session_under_one_ca_meets_another", case_session_under_one_ca_meets_another},
    {"crl_reload_ends_revoked_sessions", case_crl_reload_ends_revoked_sessions},
    {"same_policy_shares_sessions", case_same_policy_shares_sessions},
    {"client_config_rebuilt_with_other_trust", case_client_config_rebuilt_with_other_trust},
    {"client_checks_need_client_auth", case_client_checks_need_client_auth},
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
