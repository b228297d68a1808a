/*
 * threads.c: ftls under threads, as a busy server process uses it. Worker threads run
 * handshakes and exchange data over shared configs: a client config (its session cache shared
 * by every worker) and two server configs, one resuming by tickets under a ticketer that another
 * thread rotates meanwhile, one by an external session store (this program's, behind a mutex)
 * called from every worker at once. A third thread sets and clears the log callback while the
 * connections run.
 *
 * Every handshake must complete and exchange its data, some must resume on each server, and
 * every shared object must have been used concurrently. A race detector watches it in CI
 * (.ci/run) and in `make races` (see docs/testing.md, "Races").
 *
 * Usage: threads CERT_DIR [CASE] (THREADS_HANDSHAKES in the environment: handshakes per worker)
 */
#include "builders.h"

#include <pthread.h>
#include <sched.h>

#define WORKERS 4
#define STORE_SLOTS 512
#define STORE_KEY_MAX 128
#define STORE_VALUE_MAX 8192

static int handshakes_per_worker = 24;

/* ---------------------------------------------------------------------------------------------
 * An external session store: a fixed table behind a mutex, as a C server would keep one
 * ------------------------------------------------------------------------------------------ */

typedef struct {
    uint8_t key[STORE_KEY_MAX];
    size_t key_len;
    uint8_t value[STORE_VALUE_MAX];
    size_t value_len;
    bool used;
} store_slot;

typedef struct {
    pthread_mutex_t lock;
    store_slot slots[STORE_SLOTS];
    unsigned next;
    unsigned puts, gets, takes, hits;
} session_store;

static session_store store;

static store_slot *store_find(ftls_bytes key)
{
    unsigned i;
    for (i = 0; i < STORE_SLOTS; i++) {
        store_slot *s = &store.slots[i];
        if (s->used && s->key_len == key.len && memcmp(s->key, key.data, key.len) == 0) {
            return s;
        }
    }
    return NULL;
}

static bool store_put(void *userdata, ftls_bytes key, ftls_bytes value)
{
    store_slot *s;
    (void)userdata;
    if (key.len > STORE_KEY_MAX || value.len > STORE_VALUE_MAX) {
        return false;
    }
    pthread_mutex_lock(&store.lock);
    store.puts++;
    s = &store.slots[store.next++ % STORE_SLOTS];
    memcpy(s->key, key.data, key.len);
    s->key_len = key.len;
    memcpy(s->value, value.data, value.len);
    s->value_len = value.len;
    s->used = true;
    pthread_mutex_unlock(&store.lock);
    return true;
}

static bool store_lookup(ftls_bytes key, ftls_session_value *value, bool remove)
{
    store_slot *s;
    bool found = false;
    pthread_mutex_lock(&store.lock);
    if (remove) {
        store.takes++;
    } else {
        store.gets++;
    }
    s = store_find(key);
    if (s != NULL && ftls_session_value_set(value, s->value, s->value_len) == FTLS_OK) {
        found = true;
        store.hits++;
        s->used = !remove;
    }
    pthread_mutex_unlock(&store.lock);
    return found;
}

static bool store_get(void *userdata, ftls_bytes key, ftls_session_value *value)
{
    (void)userdata;
    return store_lookup(key, value, false);
}

static bool store_take(void *userdata, ftls_bytes key, ftls_session_value *value)
{
    (void)userdata;
    return store_lookup(key, value, true);
}

/* ---------------------------------------------------------------------------------------------
 * What the threads share, and what they report
 * ------------------------------------------------------------------------------------------ */

static ftls_client_config *client_config;
static ftls_server_config *ticket_server; /* resumes by tickets under `ticketer` */
static ftls_server_config *store_server;  /* resumes through `store` */
static ftls_ticketer *ticketer;

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static bool workers_done;
static unsigned rotations, log_toggles, log_lines;

static bool done(void)
{
    bool d;
    pthread_mutex_lock(&state_lock);
    d = workers_done;
    pthread_mutex_unlock(&state_lock);
    return d;
}

typedef struct {
    int index;
    unsigned completed;    /* handshakes that completed and echoed their data */
    unsigned resumed_ticket, resumed_store;
    char failure[512];     /* the first failure, if any */
} worker_report;

/* A connection's detail, into the worker's own buffer (check.h's buffers are not for threads). */
static const char *conn_detail(const ftls_connection *conn, char *buf, size_t len)
{
    size_t full = 0;
    buf[0] = '\0';
    if (conn != NULL) {
        (void)ftls_connection_last_error(conn, buf, len, &full);
    }
    return buf;
}

static void record_failure(worker_report *w, const char *what, const tls_pair *p)
{
    char client_detail[160], server_detail[160];
    if (w->failure[0] != '\0') {
        return;
    }
    snprintf(w->failure, sizeof w->failure, "worker %d: %s (client %s: %s; server %s: %s)",
             w->index, what, ftls_result_name(p->client_result),
             conn_detail(p->client, client_detail, sizeof client_detail),
             ftls_result_name(p->server_result),
             conn_detail(p->server, server_detail, sizeof server_detail));
}

/* One handshake and a message each way over `server`; true if all of it worked. */
static bool one_connection(worker_report *w, const ftls_server_config *server, const char *name,
                           unsigned *resumed)
{
    tls_pair p;
    char message[32], echo[32];
    size_t n = 0, got = 0;
    bool ok = false;
    int len = snprintf(message, sizeof message, "worker %d says hello", w->index);

    if (!pair_new(&p, client_config, name, server)) {
        snprintf(w->failure, sizeof w->failure, "worker %d: could not make a pair", w->index);
        return false;
    }
    if (!pair_handshake(&p)) {
        record_failure(w, "handshake failed", &p);
    } else if (ftls_connection_write(p.client, (const uint8_t *)message, (size_t)len, &n) !=
                   FTLS_OK ||
               n != (size_t)len) {
        record_failure(w, "client write failed", &p);
    } else {
        pair_pump(&p);
        if (ftls_connection_read(p.server, (uint8_t *)echo, sizeof echo, &got) != FTLS_OK ||
            got != (size_t)len || memcmp(echo, message, got) != 0) {
            record_failure(w, "the server did not read the client's message", &p);
        } else {
            ok = true;
            if (ftls_connection_is_resumed(p.client)) {
                (*resumed)++;
            }
        }
    }
    pair_free(&p);
    return ok;
}

static void *worker(void *arg)
{
    worker_report *w = (worker_report *)arg;
    int k;
    for (k = 0; k < handshakes_per_worker; k++) {
        /* The two servers are reached under different names, so that the client's shared
         * cache keeps a session for each. */
        bool ok = (k % 2 == 0)
                      ? one_connection(w, ticket_server, "localhost", &w->resumed_ticket)
                      : one_connection(w, store_server, "127.0.0.1", &w->resumed_store);
        if (ok) {
            w->completed++;
        }
    }
    return NULL;
}

/* Rotates the ticket keys while the workers run (the window keeps the last few valid, so a
 * ticket issued just before a rotation still resumes). */
static void *rotator(void *arg)
{
    uint8_t key[32];
    unsigned i = 0;
    (void)arg;
    while (!done()) {
        memset(key, (int)(++i & 0xff), sizeof key);
        key[0] = 0xa5;
        if (ftls_ticketer_rotate(ticketer, key, sizeof key) == FTLS_OK) {
            pthread_mutex_lock(&state_lock);
            rotations++;
            pthread_mutex_unlock(&state_lock);
        }
        sched_yield();
    }
    return NULL;
}

static void count_log_line(void *userdata, uint32_t level, ftls_str target, ftls_str message)
{
    (void)userdata;
    (void)level;
    (void)target;
    (void)message;
    pthread_mutex_lock(&state_lock);
    log_lines++;
    pthread_mutex_unlock(&state_lock);
}

/* Lets the other threads run a little: the callback stays set for a while. */
static void yield_a_few_times(void)
{
    int i;
    for (i = 0; i < 20; i++) {
        sched_yield();
    }
}

/* Sets, replaces and clears the process-wide log callback while the connections run. */
static void *log_toggler(void *arg)
{
    (void)arg;
    while (!done()) {
        bool ok = ftls_set_log_callback(count_log_line, NULL, FTLS_LOG_TRACE) == FTLS_OK;
        yield_a_few_times();
        ok = ftls_set_log_callback(count_log_line, &log_lines, FTLS_LOG_DEBUG) == FTLS_OK && ok;
        yield_a_few_times();
        ok = ftls_set_log_callback(NULL, NULL, FTLS_LOG_OFF) == FTLS_OK && ok;
        if (ok) {
            pthread_mutex_lock(&state_lock);
            log_toggles++;
            pthread_mutex_unlock(&state_lock);
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Setup and the checks
 * ------------------------------------------------------------------------------------------ */

static bool make_configs(void)
{
    static const uint8_t first_key[32] = {1, 2, 3};
    ftls_server_config_builder *b;
    client_config = build_client(client_builder(0));
    CHECK_RESULT(ftls_ticketer_new(first_key, sizeof first_key, 4, 3600, &ticketer), FTLS_OK);
    b = server_builder(0, NULL, NULL);
    if (b != NULL) {
        CHECK_RESULT_SB(b, ftls_server_config_builder_set_ticketer(b, ticketer), FTLS_OK);
    }
    ticket_server = build_server(b);
    b = server_builder(0, NULL, NULL);
    if (b != NULL) {
        CHECK_RESULT_SB(b,
                        ftls_server_config_builder_set_session_store(b, store_put, store_get,
                                                                     store_take, NULL),
                        FTLS_OK);
    }
    store_server = build_server(b);
    return client_config != NULL && ticket_server != NULL && store_server != NULL &&
           ticketer != NULL;
}

static void case_threads_share_configs_cache_ticketer_store_and_log(void)
{
    pthread_t workers[WORKERS], rotate_thread, log_thread;
    worker_report reports[WORKERS];
    unsigned completed = 0, resumed_ticket = 0, resumed_store = 0;
    int i;

    pthread_mutex_init(&store.lock, NULL);
    if (!make_configs()) {
        return;
    }
    memset(reports, 0, sizeof reports);
    CHECK(pthread_create(&rotate_thread, NULL, rotator, NULL) == 0, "the rotator starts");
    CHECK(pthread_create(&log_thread, NULL, log_toggler, NULL) == 0, "the log toggler starts");
    for (i = 0; i < WORKERS; i++) {
        reports[i].index = i;
        CHECK(pthread_create(&workers[i], NULL, worker, &reports[i]) == 0, "worker %d starts", i);
    }
    for (i = 0; i < WORKERS; i++) {
        pthread_join(workers[i], NULL);
        completed += reports[i].completed;
        resumed_ticket += reports[i].resumed_ticket;
        resumed_store += reports[i].resumed_store;
        CHECK(reports[i].failure[0] == '\0', "worker %d: every connection worked %s", i,
              reports[i].failure);
    }
    pthread_mutex_lock(&state_lock);
    workers_done = true;
    pthread_mutex_unlock(&state_lock);
    pthread_join(rotate_thread, NULL);
    pthread_join(log_thread, NULL);

    CHECK(completed == (unsigned)(WORKERS * handshakes_per_worker),
          "every handshake completed and carried its message (%u of %d)", completed,
          WORKERS * handshakes_per_worker);
    CHECK(resumed_ticket > 0, "some connections resumed by ticket (%u)", resumed_ticket);
    CHECK(resumed_store > 0, "some connections resumed through the store (%u)", resumed_store);
    CHECK(store.puts > 0 && store.gets + store.takes > 0,
          "the store was called (puts %u, gets %u, takes %u)", store.puts, store.gets,
          store.takes);
    CHECK(rotations > 0, "the ticketer rotated while handshakes ran (%u)", rotations);
    CHECK(log_toggles > 0 && log_lines > 0,
          "the log callback was set, replaced and cleared while connections ran and logged "
          "(%u times, %u lines)",
          log_toggles, log_lines);
    printf("info: %u handshakes (%u resumed by ticket, %u through the store), %u rotations, "
           "%u log callback toggles, %u log lines\n",
           completed, resumed_ticket, resumed_store, rotations, log_toggles, log_lines);

    ftls_client_config_free(client_config);
    ftls_server_config_free(ticket_server);
    ftls_server_config_free(store_server);
    ftls_ticketer_free(ticketer);
    pthread_mutex_destroy(&store.lock);
}

int main(int argc, char **argv)
{
    static const test_case cases[] = {
        {"threads_share_configs_cache_ticketer_store_and_log",
         case_threads_share_configs_cache_ticketer_store_and_log},
    };
    const char *count = getenv("THREADS_HANDSHAKES");
    if (count != NULL && atoi(count) > 0) {
        handshakes_per_worker = atoi(count);
    }
    return RUN_CASES_WITH_CERT_DIR(argc, argv, cases);
}
