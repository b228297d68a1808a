/*
 * tls-server: a small TLS server over ftls, one thread, many connections.
 *
 *   tls-server --cert CHAIN.pem --key KEY.pem [--host ADDR] [--port N]
 *              [--client-ca CA.pem [--require-client-cert]] [--alpn P1,P2]
 *              [--tls12 | --tls13] [--echo] [--max-conns N] [--keylog FILE] [--trace]
 *              [--handshake-timeout S] [--idle-timeout S]
 *
 * Every socket is non-blocking and one poll() loop serves them all, so a client that stalls
 * never delays another. Each connection is a small state machine driven by ftls' fd calls
 * (ftls_connection_handshake / _read / _write / _shutdown): when one says FTLS_WANT_READ or
 * FTLS_WANT_WRITE, the connection waits for POLLIN or POLLOUT (and for POLLOUT too while
 * ftls_connection_wants_write() is true) and is resumed from where it stopped. A connection
 * that never has to wait (its client sends without pause) yields after STEPS_PER_TURN steps,
 * so it cannot starve the others either. The connection table grows as needed.
 *
 * Slow and hostile clients: every connection has one deadline at a time. The handshake must be
 * complete --handshake-timeout seconds after accept, however the client paces its bytes; an
 * HTTP request must be complete --idle-timeout seconds after the handshake; an established
 * connection on which no plaintext moves for --idle-timeout seconds is closed. Out of file
 * descriptors, new clients are refused at once (a spare descriptor is kept for that) while
 * established ones are served on. The last bytes of a connection (the response, close_notify,
 * or the alert that tells a failed client why) are sent before the socket is shut, within a
 * short deadline, so a client that never reads cannot hold the connection either.
 *
 * HTTP mode (default): read a request head, answer 200 OK with a text body that names the
 * negotiated version, cipher suite and ALPN, send close_notify, close.
 * Echo mode (--echo): send back every byte until the client's close_notify, then close_notify.
 *
 * Exit status: 0 after --max-conns connections (or never, without it); 1 for bad arguments,
 * unreadable files and a failure to listen.
 */

#include <ftls.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROGRAM "tls-server"
#define DEFAULT_HOST "127.0.0.1"
#define DEFAULT_PORT "8443"

/* A request head longer than this is refused (431): a client cannot make us buffer more. */
#define MAX_REQUEST 8192
/* Echo mode: bytes received but not yet sent back. When full, the connection stops reading
 * until the client reads some of its echo: the client's own flow control, not our memory,
 * absorbs a client that writes faster than it reads. */
#define ECHO_BACKLOG 65536
/* Defaults of --handshake-timeout and --idle-timeout, in seconds, as the usage text shows
 * them: stalled or trickling clients cannot hold resources forever. */
#define HANDSHAKE_TIMEOUT_TEXT "10"
#define IDLE_TIMEOUT_TEXT "60"
/* The longest timeout the options take: one day, in seconds. */
#define MAX_TIMEOUT_S 86400.0
/* How long a connection's last words (close_notify after a timeout, the alert after a failure)
 * may take to go out, and after them how long we keep draining the client before closing
 * (see linger). */
#define LINGER_TIMEOUT_MS 2000
/* The most steps a connection takes per turn of the loop: one whose client never stops sending
 * (so never blocks) must let the others run too. */
#define STEPS_PER_TURN 64
/* How long to wait before accepting again when out of file descriptors and memory (the spare
 * descriptor refuses clients promptly; this is the fallback when even that fails). */
#define ACCEPT_RETRY_MS 1000
/* The most clients accepted (or refused) per turn of the loop: a flood of connections must not
 * keep the established ones from being served. */
#define ACCEPTS_PER_TURN 64
#define MAX_ALPN 16
#define DETAIL_SIZE 512
/* "[IPv6 address]:port" */
#define ADDRESS_SIZE (INET6_ADDRSTRLEN + 16)

static const char USAGE[] =
    "usage: " PROGRAM " --cert CHAIN.pem --key KEY.pem [--host ADDR] [--port N]\n"
    "                  [--client-ca CA.pem [--require-client-cert]] [--alpn P1,P2]\n"
    "                  [--tls12 | --tls13] [--echo] [--max-conns N] [--keylog FILE] [--trace]\n"
    "                  [--handshake-timeout S] [--idle-timeout S]\n"
    "\n"
    "  --cert, --key          the server's certificate chain and private key (PEM)\n"
    "  --host ADDR            address to listen on (default " DEFAULT_HOST "; IPv6 works)\n"
    "  --port N               port to listen on (default " DEFAULT_PORT "; 0 picks a free one)\n"
    "  --client-ca CA.pem     ask clients for a certificate issued by these CAs\n"
    "  --require-client-cert  ... and refuse clients without one\n"
    "  --alpn P1,P2           accepted ALPN protocols, most preferred first\n"
    "  --tls12, --tls13       accept only this protocol version\n"
    "  --echo                 echo every byte back instead of answering HTTP\n"
    "  --max-conns N          exit after N connections have finished\n"
    "  --keylog FILE          append the TLS secrets to FILE (NSS key log format, as\n"
    "                         Wireshark reads): anyone with the file can decrypt the traffic\n"
    "  --trace                print each handshake step to stderr\n"
    "  --handshake-timeout S  close a connection whose handshake is not complete S seconds\n"
    "                         after it was accepted, however it paces its bytes (default\n"
    "                         " HANDSHAKE_TIMEOUT_TEXT "; fractions such as 0.5 work)\n"
    "  --idle-timeout S       after the handshake, close a connection on which no data moves\n"
    "                         for S seconds; in HTTP mode the whole request must also arrive\n"
    "                         within S seconds of the handshake (default " IDLE_TIMEOUT_TEXT ")\n"
    "\n"
    "When ready it prints one line, \"listening on ADDR:PORT\", to stdout.\n";

struct options {
    const char *cert;
    const char *key;
    const char *host;
    const char *port;
    const char *client_ca;
    const char *keylog;
    bool require_client_cert;
    bool echo;
    bool trace;
    uint32_t versions;
    unsigned long max_conns; /* 0: serve forever */
    int64_t handshake_timeout_ms;
    int64_t idle_timeout_ms;
    const char *handshake_timeout_text; /* the option's value, for log lines */
    const char *idle_timeout_text;
    char *alpn_storage;      /* the --alpn argument, split in place */
    const char *alpn[MAX_ALPN];
    size_t alpn_count;
};

/* Where a connection is in its life. Each phase has one step function below. */
enum phase {
    PHASE_HANDSHAKE,
    PHASE_READ_REQUEST,
    PHASE_SEND_RESPONSE,
    PHASE_ECHO,
    PHASE_CLOSE_NOTIFY,
    PHASE_FLUSH, /* after a failure: the alert ftls still holds goes out */
    PHASE_LINGER,
};

struct conn {
    unsigned long id; /* 1, 2, 3... in accept order: "[conn N]" in logs */
    int fd;
    char peer[ADDRESS_SIZE];
    ftls_connection *tls;
    enum phase phase;
    short events;        /* what poll() should wait for */
    int64_t deadline_ms; /* the current phase's deadline, on the monotonic clock */
    /* HTTP: the request, then the response. Echo: the backlog, bytes [start, end). */
    uint8_t *buf;
    size_t cap, start, end;
    bool peer_closed; /* echo: the client's close_notify arrived */
    bool runnable;    /* its turn ended with work left: run it next turn without waiting */
};

struct server {
    const struct options *opts;
    ftls_server_config *config;
    int listen_fd;           /* -1 once --max-conns connections were accepted */
    struct conn **conns;     /* pointers, so a conn's address (the trace userdata) is stable */
    struct pollfd *pollfds;  /* [0] the listener, [1 + i] conns[i] */
    size_t count, capacity;
    unsigned long accepted, finished;
    int64_t accept_resume_ms; /* non-zero: accepting is paused until then (out of fds) */
    int spare_fd;             /* given up to refuse a client when out of fds; -1 if none */
};

/* What a step function tells the driver. */
enum step {
    STEP_AGAIN, /* progress was made: run the connection again */
    STEP_WAIT,  /* blocked: wait for conn->events */
    STEP_DONE,  /* finished: close and free it */
};

/* ---- small helpers ---------------------------------------------------------------------- */

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The descriptor kept in reserve to refuse clients when all others are in use. */
static int open_spare_fd(void) {
    return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static bool set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 &&
           fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

/* "ADDR:PORT", with IPv6 addresses in brackets. */
static void format_address(const struct sockaddr *addr, socklen_t len, char *out, size_t size) {
    char host[INET6_ADDRSTRLEN], port[8];
    if (getnameinfo(addr, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(out, size, "?");
    } else if (addr->sa_family == AF_INET6) {
        snprintf(out, size, "[%s]:%s", host, port);
    } else {
        snprintf(out, size, "%s:%s", host, port);
    }
}

/* A request head ends with an empty line. Lines end with CRLF, or with a bare LF, which
 * HTTP/1.1 allows recipients to accept (RFC 9112, section 2.2): "\n\n" or "\n\r\n". */
static bool contains_request_end(const uint8_t *buf, size_t from, size_t end) {
    for (size_t i = from; i + 2 <= end; i++) {
        if (buf[i] == '\n' &&
            (buf[i + 1] == '\n' || (buf[i + 1] == '\r' && i + 3 <= end && buf[i + 2] == '\n'))) {
            return true;
        }
    }
    return false;
}

/* ---- command line ----------------------------------------------------------------------- */

static int usage_error(const char *problem, const char *arg) {
    fprintf(stderr, PROGRAM ": %s%s\nTry '" PROGRAM " --help'.\n", problem, arg ? arg : "");
    return 1;
}

/* Splits "h2,http/1.1" in place into opts->alpn. */
static int parse_alpn(struct options *opts, const char *arg) {
    free(opts->alpn_storage);
    opts->alpn_count = 0;
    opts->alpn_storage = malloc(strlen(arg) + 1);
    if (opts->alpn_storage == NULL) {
        return usage_error("out of memory", NULL);
    }
    strcpy(opts->alpn_storage, arg);
    char *p = opts->alpn_storage;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma != NULL) {
            *comma = '\0';
        }
        if (*p == '\0') {
            return usage_error("--alpn: empty protocol name in ", arg);
        }
        if (opts->alpn_count == MAX_ALPN) {
            return usage_error("--alpn: too many protocols in ", arg);
        }
        opts->alpn[opts->alpn_count++] = p;
        if (comma == NULL) {
            return 0;
        }
        p = comma + 1;
    }
}

static bool parse_count(const char *arg, unsigned long max, unsigned long *out) {
    char *end = NULL;
    errno = 0;
    unsigned long value = strtoul(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' || value > max) {
        return false;
    }
    *out = value;
    return true;
}

/* A timeout in seconds, fractions allowed ("0.5"), from 1 ms to MAX_TIMEOUT_S. */
static bool parse_seconds(const char *arg, int64_t *out_ms) {
    char *end = NULL;
    errno = 0;
    double seconds = strtod(arg, &end);
    /* The comparisons are false for NaN, so it is refused too. */
    if (errno != 0 || end == arg || *end != '\0' ||
        !(seconds >= 0.001 && seconds <= MAX_TIMEOUT_S)) {
        return false;
    }
    *out_ms = (int64_t)(seconds * 1000.0 + 0.5);
    return true;
}

/* Returns -1 to go on, or the exit status (0 after --help). */
static int parse_options(int argc, char **argv, struct options *opts) {
    opts->host = DEFAULT_HOST;
    opts->port = DEFAULT_PORT;
    opts->versions = FTLS_PROTOCOL_ALL;
    opts->handshake_timeout_text = HANDSHAKE_TIMEOUT_TEXT;
    opts->idle_timeout_text = IDLE_TIMEOUT_TEXT;
    bool tls12 = false, tls13 = false;

    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        /* Flags that take a value. */
        const char **value_of = NULL;
        if (strcmp(flag, "--cert") == 0) value_of = &opts->cert;
        else if (strcmp(flag, "--key") == 0) value_of = &opts->key;
        else if (strcmp(flag, "--host") == 0) value_of = &opts->host;
        else if (strcmp(flag, "--port") == 0) value_of = &opts->port;
        else if (strcmp(flag, "--client-ca") == 0) value_of = &opts->client_ca;
        else if (strcmp(flag, "--keylog") == 0) value_of = &opts->keylog;
        else if (strcmp(flag, "--handshake-timeout") == 0) value_of = &opts->handshake_timeout_text;
        else if (strcmp(flag, "--idle-timeout") == 0) value_of = &opts->idle_timeout_text;
        bool takes_value = value_of != NULL || strcmp(flag, "--alpn") == 0 ||
                           strcmp(flag, "--max-conns") == 0;
        if (takes_value && i + 1 == argc) {
            return usage_error("missing value after ", flag);
        }

        if (value_of != NULL) {
            *value_of = argv[++i];
        } else if (strcmp(flag, "--alpn") == 0) {
            int status = parse_alpn(opts, argv[++i]);
            if (status != 0) {
                return status;
            }
        } else if (strcmp(flag, "--max-conns") == 0) {
            const char *arg = argv[++i];
            if (!parse_count(arg, ULONG_MAX, &opts->max_conns) || opts->max_conns == 0) {
                return usage_error("--max-conns needs a positive number, not ", arg);
            }
        } else if (strcmp(flag, "--require-client-cert") == 0) {
            opts->require_client_cert = true;
        } else if (strcmp(flag, "--tls12") == 0) {
            tls12 = true;
        } else if (strcmp(flag, "--tls13") == 0) {
            tls13 = true;
        } else if (strcmp(flag, "--echo") == 0) {
            opts->echo = true;
        } else if (strcmp(flag, "--trace") == 0) {
            opts->trace = true;
        } else if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) {
            fputs(USAGE, stdout);
            return 0;
        } else if (flag[0] == '-') {
            return usage_error("unknown option ", flag);
        } else {
            return usage_error("unexpected argument ", flag);
        }
    }

    unsigned long port;
    if (opts->cert == NULL || opts->key == NULL) {
        return usage_error("--cert and --key are required", NULL);
    }
    if (tls12 && tls13) {
        return usage_error("--tls12 and --tls13 exclude each other", NULL);
    }
    if (tls12) opts->versions = FTLS_PROTOCOL_TLS12;
    if (tls13) opts->versions = FTLS_PROTOCOL_TLS13;
    if (opts->require_client_cert && opts->client_ca == NULL) {
        return usage_error("--require-client-cert needs --client-ca", NULL);
    }
    if (!parse_count(opts->port, 65535, &port)) {
        return usage_error("--port needs a number from 0 to 65535, not ", opts->port);
    }
    if (!parse_seconds(opts->handshake_timeout_text, &opts->handshake_timeout_ms)) {
        return usage_error("--handshake-timeout needs seconds from 0.001 to 86400, not ",
                           opts->handshake_timeout_text);
    }
    if (!parse_seconds(opts->idle_timeout_text, &opts->idle_timeout_ms)) {
        return usage_error("--idle-timeout needs seconds from 0.001 to 86400, not ",
                           opts->idle_timeout_text);
    }
    return -1;
}

/* ---- configuration and listening -------------------------------------------------------- */

/* Prints what went wrong (WHAT, the detail the failing object recorded, e.g. the file and the
 * reason, and the result's name) and returns false. */
static bool config_failed(const char *what, ftls_result result, const char *detail) {
    fprintf(stderr, PROGRAM ": %s: %s (%s)\n", what,
            detail[0] != '\0' ? detail : ftls_result_message(result), ftls_result_name(result));
    return false;
}

static bool builder_failed(ftls_server_config_builder *builder, const char *what,
                           ftls_result result) {
    char detail[DETAIL_SIZE] = "";
    ftls_server_config_builder_last_error(builder, detail, sizeof detail, NULL);
    return config_failed(what, result, detail);
}

/* The certificate chain and key of --cert and --key, or NULL after printing why they cannot be
 * loaded. */
static ftls_identity *load_identity(const struct options *opts) {
    ftls_identity *identity = NULL;
    ftls_result r = ftls_identity_new(&identity);
    if (r == FTLS_OK) {
        r = ftls_identity_set_file(identity, opts->cert, opts->key);
    }
    if (r != FTLS_OK) {
        char detail[DETAIL_SIZE] = "";
        ftls_identity_last_error(identity, detail, sizeof detail, NULL);
        config_failed("cannot load --cert/--key", r, detail);
        ftls_identity_free(identity);
        return NULL;
    }
    return identity;
}

/* What client certificates are checked against: the CAs of --client-ca. Returns NULL after
 * printing why they cannot be loaded. */
static ftls_trust *load_client_trust(const struct options *opts) {
    ftls_trust *trust = NULL;
    ftls_result r = ftls_trust_new(&trust);
    if (r == FTLS_OK) {
        r = ftls_trust_add_ca_file(trust, opts->client_ca);
    }
    if (r != FTLS_OK) {
        char detail[DETAIL_SIZE] = "";
        ftls_trust_last_error(trust, detail, sizeof detail, NULL);
        config_failed("cannot load --client-ca", r, detail);
        ftls_trust_free(trust);
        return NULL;
    }
    return trust;
}

static ftls_server_config *build_config(const struct options *opts) {
    ftls_identity *identity = load_identity(opts);
    ftls_trust *client_trust = opts->client_ca != NULL ? load_client_trust(opts) : NULL;
    if (identity == NULL || (opts->client_ca != NULL && client_trust == NULL)) {
        ftls_identity_free(identity);
        ftls_trust_free(client_trust);
        return NULL;
    }
    ftls_server_config_builder *builder = NULL;
    ftls_server_config *config = NULL;
    ftls_result r = ftls_server_config_builder_new(&builder);
    bool ok = r == FTLS_OK || config_failed("cannot create a config builder", r, "");
    if (ok && (r = ftls_server_config_builder_add_identity(builder, identity)) != FTLS_OK) {
        ok = builder_failed(builder, "cannot use --cert/--key", r);
    }
    if (ok && client_trust != NULL) {
        r = ftls_server_config_builder_set_trust(builder, client_trust);
        if (r == FTLS_OK) {
            r = ftls_server_config_builder_set_client_auth(
                builder, opts->require_client_cert ? FTLS_CLIENT_AUTH_REQUIRED
                                                   : FTLS_CLIENT_AUTH_OPTIONAL);
        }
        if (r != FTLS_OK) {
            ok = builder_failed(builder, "cannot use --client-ca", r);
        }
    }
    if (ok && (r = ftls_server_config_builder_set_versions(builder, opts->versions)) != FTLS_OK) {
        ok = builder_failed(builder, "cannot set the protocol versions", r);
    }
    if (ok && opts->alpn_count > 0 &&
        (r = ftls_server_config_builder_set_alpn(builder, opts->alpn, opts->alpn_count)) !=
            FTLS_OK) {
        ok = builder_failed(builder, "invalid --alpn", r);
    }
    if (ok && opts->keylog != NULL &&
        (r = ftls_server_config_builder_set_keylog_file(builder, opts->keylog)) != FTLS_OK) {
        ok = builder_failed(builder, "cannot open --keylog", r);
    }
    if (ok && (r = ftls_server_config_builder_build(builder, &config)) != FTLS_OK) {
        ok = builder_failed(builder, "invalid configuration", r);
    }
    /* The builder keeps snapshots of the identity and trust, the config what it needs. */
    ftls_identity_free(identity);
    ftls_trust_free(client_trust);
    ftls_server_config_builder_free(builder);
    return ok ? config : NULL;
}

/* Returns a non-blocking listening socket, or -1 after printing why. */
static int open_listener(const char *host, const char *port) {
    struct addrinfo hints, *addrs = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int gai = getaddrinfo(host, port, &hints, &addrs);
    if (gai != 0) {
        fprintf(stderr, PROGRAM ": cannot resolve --host %s: %s\n", host, gai_strerror(gai));
        return -1;
    }

    int fd = -1, last_errno = 0;
    for (struct addrinfo *a = addrs; a != NULL && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        int one = 1; /* restart at once on the same port, without waiting for TIME_WAIT */
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
            bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0 ||
            !set_nonblocking(fd)) {
            last_errno = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(addrs);
    if (fd < 0) {
        fprintf(stderr, PROGRAM ": cannot listen on %s port %s: %s\n", host, port,
                strerror(last_errno));
    }
    return fd;
}

/* ---- per-connection logging and tracing ------------------------------------------------- */

/* One line per failed connection: which one, what it was doing, ftls' detail and the code. */
static void log_failure(const struct conn *c, const char *what, ftls_result result) {
    char detail[DETAIL_SIZE];
    if (ftls_connection_last_error(c->tls, detail, sizeof detail, NULL) != FTLS_OK ||
        detail[0] == '\0') {
        snprintf(detail, sizeof detail, "%s", ftls_result_message(result));
    }
    fprintf(stderr, PROGRAM ": [conn %lu] %s: %s failed: %s (%s)\n", c->id, c->peer, what,
            detail, ftls_result_name(result));
}

static void log_problem(const struct conn *c, const char *problem) {
    fprintf(stderr, PROGRAM ": [conn %lu] %s: %s\n", c->id, c->peer, problem);
}

/* --trace: "[conn N] -> ServerHello (122 bytes)", then the summary line. */
static void trace_event(void *userdata, const ftls_handshake_event *event) {
    const struct conn *c = userdata;
    if (event->kind == FTLS_HANDSHAKE_EVENT_MESSAGE) {
        const char *arrow = event->direction == FTLS_DIRECTION_SENT ? "->" : "<-";
        if (event->message == 255) { /* ChangeCipherSpec is a record, not a sized message */
            fprintf(stderr, "[conn %lu] %s %.*s\n", c->id, arrow, (int)event->name.len,
                    event->name.data);
        } else {
            fprintf(stderr, "[conn %lu] %s %.*s (%zu bytes)\n", c->id, arrow,
                    (int)event->name.len, event->name.data, event->length);
        }
    } else if (event->kind == FTLS_HANDSHAKE_EVENT_COMPLETE) {
        ftls_str group = event->key_exchange_group;
        ftls_bytes alpn = event->alpn_protocol;
        fprintf(stderr, "[conn %lu] handshake: %.*s %.*s %.*s alpn=%.*s resumed=%s\n", c->id,
                (int)event->protocol_version.len, event->protocol_version.data,
                (int)event->cipher_suite.len, event->cipher_suite.data,
                group.len ? (int)group.len : 4, group.len ? group.data : "none",
                alpn.len ? (int)alpn.len : 4, alpn.len ? (const char *)alpn.data : "none",
                event->resumed ? "yes" : "no");
    }
}

/* ---- the connection state machine ------------------------------------------------------- */

/* Turns an ftls would-block into the poll events to wait for; false for anything else. */
static bool want(ftls_result r, short *events) {
    if (r == FTLS_WANT_READ) {
        *events |= POLLIN;
        return true;
    }
    if (r == FTLS_WANT_WRITE) {
        *events |= POLLOUT;
        return true;
    }
    return false;
}

/* Moves a connection to `phase`, which must be over within `timeout_ms` from now. */
static void enter(struct conn *c, enum phase phase, int64_t timeout_ms) {
    c->phase = phase;
    c->deadline_ms = now_ms() + timeout_ms;
}

/* Data moved: an established connection is not idle, its deadline moves on. */
static void made_progress(const struct options *opts, struct conn *c) {
    c->deadline_ms = now_ms() + opts->idle_timeout_ms;
}

/*
 * The last phase of every connection. Closing a socket that still has unread input makes
 * the kernel send a reset, and a reset can destroy our last bytes (the response, the
 * close_notify, or the alert telling the client why it was refused) before the client reads
 * them. So we half-close, then read and discard until the client closes too or a short
 * deadline passes, as web servers do ("lingering close").
 */
static void start_linger(struct conn *c) {
    shutdown(c->fd, SHUT_WR);
    enter(c, PHASE_LINGER, LINGER_TIMEOUT_MS);
}

/* Logs a failed connection and moves on to closing it. The fd calls send the alert that tells
 * the client why as the error happens, if the socket takes it; if it does not (the client is
 * not reading), ftls still holds it, and it goes out first (PHASE_FLUSH), within a short
 * deadline. Lingering then makes sure it is not lost to a reset. */
static enum step fail(struct conn *c, const char *what, ftls_result result) {
    log_failure(c, what, result);
    if (ftls_connection_wants_write(c->tls)) {
        enter(c, PHASE_FLUSH, LINGER_TIMEOUT_MS);
    } else {
        start_linger(c);
    }
    return STEP_AGAIN;
}

/* Waits as ftls asks, or fails the connection. While ftls holds output the socket could not
 * take (say, the session tickets after the handshake), it waits for writability too: the next
 * call sends it first. */
static enum step wait_or_fail(struct conn *c, ftls_result r, const char *what) {
    c->events = 0;
    if (!want(r, &c->events)) {
        return fail(c, what, r);
    }
    if (ftls_connection_wants_write(c->tls)) {
        c->events |= POLLOUT;
    }
    return STEP_WAIT;
}

static void prepare_response(const struct options *opts, struct conn *c) {
    ftls_str version = {"?", 1}, suite = {"?", 1}, group = {"none", 4};
    ftls_bytes alpn = {NULL, 0};
    /* Each query can only fail if asked too early; the handshake is complete here, and the
     * defaults above are what a failed query leaves. */
    (void)ftls_connection_protocol_version(c->tls, NULL, &version);
    (void)ftls_connection_cipher_suite(c->tls, NULL, &suite);
    (void)ftls_connection_key_exchange_group(c->tls, &group); /* none for TLS 1.2 resumption */
    (void)ftls_connection_alpn_protocol(c->tls, &alpn);
    size_t peer_certs = ftls_connection_peer_certificate_count(c->tls);

    char body[1024];
    int body_len = snprintf(
        body, sizeof body,
        "Hello from ftls tls-server.\n"
        "Protocol: %.*s\n"
        "Cipher suite: %.*s\n"
        "Key exchange: %.*s\n"
        "ALPN: %.*s\n"
        "Client certificate: %s\n",
        (int)version.len, version.data, (int)suite.len, suite.data, (int)group.len, group.data,
        alpn.len ? (int)alpn.len : 4, alpn.len ? (const char *)alpn.data : "none",
        peer_certs > 0 ? "presented and verified" : "none");
    if (body_len < 0 || (size_t)body_len >= sizeof body) {
        body_len = snprintf(body, sizeof body, "Hello from ftls tls-server.\n");
    }
    /* The response replaces the request in the buffer (MAX_REQUEST bytes: it fits). */
    int n = snprintf((char *)c->buf, c->cap,
                     "HTTP/1.1 200 OK\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n"
                     "Content-Length: %d\r\n"
                     "Connection: close\r\n"
                     "\r\n"
                     "%s",
                     body_len, body);
    c->start = 0;
    c->end = n > 0 && (size_t)n < c->cap ? (size_t)n : 0;
    enter(c, PHASE_SEND_RESPONSE, opts->idle_timeout_ms);
}

static void prepare_refusal(const struct options *opts, struct conn *c) {
    static const char refusal[] = "HTTP/1.1 431 Request Header Fields Too Large\r\n"
                                  "Content-Length: 0\r\n"
                                  "Connection: close\r\n"
                                  "\r\n";
    memcpy(c->buf, refusal, sizeof refusal - 1);
    c->start = 0;
    c->end = sizeof refusal - 1;
    enter(c, PHASE_SEND_RESPONSE, opts->idle_timeout_ms);
}

static enum step step_handshake(const struct options *opts, struct conn *c) {
    ftls_result r = ftls_connection_handshake(c->tls);
    if (r != FTLS_OK) {
        return wait_or_fail(c, r, "handshake");
    }
    /* In HTTP mode the whole request must arrive by this deadline: a client that trickles it
     * byte by byte does not extend it. */
    enter(c, opts->echo ? PHASE_ECHO : PHASE_READ_REQUEST, opts->idle_timeout_ms);
    return STEP_AGAIN;
}

static enum step step_read_request(const struct options *opts, struct conn *c) {
    size_t n = 0;
    ftls_result r = ftls_connection_read(c->tls, c->buf + c->end, c->cap - c->end, &n);
    if (r == FTLS_CLOSED) {
        log_problem(c, "the client closed before sending a complete request");
        enter(c, PHASE_CLOSE_NOTIFY, opts->idle_timeout_ms);
        return STEP_AGAIN;
    }
    if (r != FTLS_OK) {
        return wait_or_fail(c, r, "reading the request");
    }
    /* The terminator may straddle two reads: look back three bytes. */
    size_t from = c->end >= 3 ? c->end - 3 : 0;
    c->end += n;
    if (contains_request_end(c->buf, from, c->end)) {
        prepare_response(opts, c);
    } else if (c->end == c->cap) {
        log_problem(c, "request head too long: refused with 431");
        prepare_refusal(opts, c);
    }
    return STEP_AGAIN;
}

static enum step step_send_response(const struct options *opts, struct conn *c) {
    size_t n = 0;
    ftls_result r = ftls_connection_write(c->tls, c->buf + c->start, c->end - c->start, &n);
    if (r != FTLS_OK) {
        return wait_or_fail(c, r, "sending the response");
    }
    c->start += n;
    made_progress(opts, c);
    if (c->start == c->end) {
        c->phase = PHASE_CLOSE_NOTIFY; /* with the same deadline: the client must read it */
    }
    return STEP_AGAIN;
}

/* Sends the backlog and reads more while there is room; waits on whatever blocked both. */
static enum step step_echo(const struct options *opts, struct conn *c) {
    short events = 0;
    bool progress = false;
    size_t n = 0;
    ftls_result r;

    if (c->start < c->end) {
        r = ftls_connection_write(c->tls, c->buf + c->start, c->end - c->start, &n);
        if (r == FTLS_OK) {
            c->start += n;
            progress = true;
        } else if (!want(r, &events)) {
            return fail(c, "echoing", r);
        }
    } else if (ftls_connection_wants_write(c->tls)) {
        /* A short write left accepted bytes queued inside ftls: push them out. */
        r = ftls_connection_flush(c->tls);
        if (r == FTLS_OK) {
            progress = true;
        } else if (!want(r, &events)) {
            return fail(c, "echoing", r);
        }
    }
    if (c->start == c->end) {
        c->start = c->end = 0;
    } else if (c->end == c->cap && c->start > 0) {
        memmove(c->buf, c->buf + c->start, c->end - c->start);
        c->end -= c->start;
        c->start = 0;
    }

    /* Read only while the backlog has room: this is the back-pressure. Decrypted data
     * buffered inside ftls does not make the fd readable, so we never wait for POLLIN
     * before ftls itself has said FTLS_WANT_READ. */
    if (!c->peer_closed && c->end < c->cap) {
        r = ftls_connection_read(c->tls, c->buf + c->end, c->cap - c->end, &n);
        if (r == FTLS_OK) {
            c->end += n;
            progress = true;
        } else if (r == FTLS_CLOSED) {
            c->peer_closed = true;
            progress = true;
        } else if (!want(r, &events)) {
            return fail(c, "echoing", r);
        }
    }

    if (progress) {
        made_progress(opts, c);
    }
    if (c->peer_closed && c->start == c->end) {
        c->phase = PHASE_CLOSE_NOTIFY;
        return STEP_AGAIN;
    }
    if (progress) {
        return STEP_AGAIN;
    }
    c->events = events;
    return STEP_WAIT;
}

static enum step step_close_notify(struct conn *c) {
    ftls_result r = ftls_connection_shutdown(c->tls, false);
    if (r != FTLS_OK) {
        return wait_or_fail(c, r, "sending close_notify");
    }
    start_linger(c);
    return STEP_AGAIN;
}

/* Sends what ftls still holds after a failure; whatever the outcome, then closes. */
static enum step step_flush(struct conn *c) {
    if (ftls_connection_flush(c->tls) == FTLS_WANT_WRITE) {
        c->events = POLLOUT;
        return STEP_WAIT;
    }
    start_linger(c); /* all sent, or the socket broke: nothing more can go out */
    return STEP_AGAIN;
}

static enum step step_linger(struct conn *c) {
    for (;;) {
        ssize_t n = read(c->fd, c->buf, c->cap);
        if (n > 0) {
            continue; /* discarded: we have said our last word */
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            c->events = POLLIN;
            return STEP_WAIT;
        }
        return STEP_DONE; /* end of stream, or an error: either way, the end */
    }
}

/* Runs a connection as far as it can go without blocking, for one turn at most. */
static enum step drive(const struct options *opts, struct conn *c) {
    for (int steps = 0; steps < STEPS_PER_TURN; steps++) {
        enum step step = STEP_DONE;
        switch (c->phase) {
        case PHASE_HANDSHAKE: step = step_handshake(opts, c); break;
        case PHASE_READ_REQUEST: step = step_read_request(opts, c); break;
        case PHASE_SEND_RESPONSE: step = step_send_response(opts, c); break;
        case PHASE_ECHO: step = step_echo(opts, c); break;
        case PHASE_CLOSE_NOTIFY: step = step_close_notify(c); break;
        case PHASE_FLUSH: step = step_flush(c); break;
        case PHASE_LINGER: step = step_linger(c); break;
        }
        if (step != STEP_AGAIN) {
            c->runnable = false;
            return step;
        }
    }
    c->runnable = true; /* its turn is over: the others run, then it goes on without waiting */
    return STEP_WAIT;
}

/* The connection's deadline has passed: what that means depends on its phase. */
static enum step expire(const struct options *opts, struct conn *c) {
    char problem[160] = "";
    switch (c->phase) {
    case PHASE_HANDSHAKE:
        /* Nothing to say goodbye with: TLS is not set up. */
        snprintf(problem, sizeof problem,
                 "closed: handshake not complete %s s after accept (--handshake-timeout)",
                 opts->handshake_timeout_text);
        log_problem(c, problem);
        return STEP_DONE;
    case PHASE_READ_REQUEST:
        snprintf(problem, sizeof problem,
                 "closed: no complete request %s s after the handshake (--idle-timeout)",
                 opts->idle_timeout_text);
        break;
    case PHASE_SEND_RESPONSE:
    case PHASE_ECHO:
        snprintf(problem, sizeof problem, "closed: no data moved for %s s (--idle-timeout)",
                 opts->idle_timeout_text);
        break;
    case PHASE_CLOSE_NOTIFY:
        log_problem(c, "closed before close_notify could be sent: the client does not read");
        return STEP_DONE;
    case PHASE_FLUSH:
        log_problem(c, "closed before the alert could be sent: the client does not read");
        return STEP_DONE;
    case PHASE_LINGER:
        return STEP_DONE;
    }
    /* Established: close_notify tells the client that we ended the connection on purpose (it
     * was not cut). It gets a short deadline of its own, and is sent at once. */
    log_problem(c, problem);
    enter(c, PHASE_CLOSE_NOTIFY, LINGER_TIMEOUT_MS);
    return drive(opts, c);
}

/* ---- the connection table --------------------------------------------------------------- */

static void free_conn(struct conn *c) {
    ftls_connection_free(c->tls);
    close(c->fd);
    free(c->buf);
    free(c);
}

/* Makes room for one more connection (the table doubles as needed). */
static bool reserve(struct server *s) {
    if (s->count < s->capacity) {
        return true;
    }
    size_t capacity = s->capacity ? s->capacity * 2 : 64;
    struct conn **conns = realloc(s->conns, capacity * sizeof *conns);
    if (conns == NULL) {
        return false;
    }
    s->conns = conns;
    struct pollfd *pollfds = realloc(s->pollfds, (capacity + 1) * sizeof *pollfds);
    if (pollfds == NULL) {
        return false; /* the larger conns array is kept: harmless */
    }
    s->pollfds = pollfds;
    s->capacity = capacity;
    return true;
}

/* Takes ownership of an accepted socket: either it becomes a connection, or it is closed. */
static void add_conn(struct server *s, int fd, const struct sockaddr *addr, socklen_t len) {
    unsigned long id = ++s->accepted;
    struct conn *c = calloc(1, sizeof *c);
    size_t cap = s->opts->echo ? ECHO_BACKLOG : MAX_REQUEST;
    uint8_t *buf = malloc(cap);
    if (c == NULL || buf == NULL || !reserve(s) || !set_nonblocking(fd)) {
        fprintf(stderr, PROGRAM ": [conn %lu] cannot set up the connection: %s\n", id,
                c == NULL || buf == NULL ? "out of memory" : strerror(errno));
        goto refuse;
    }
    c->id = id;
    c->fd = fd;
    c->buf = buf;
    c->cap = cap;
    /* The handshake's deadline is absolute: bytes that trickle in do not move it. */
    enter(c, PHASE_HANDSHAKE, s->opts->handshake_timeout_ms);
    format_address(addr, len, c->peer, sizeof c->peer);

    ftls_result r = ftls_server_connection_new(s->config, &c->tls);
    if (r != FTLS_OK) {
        fprintf(stderr, PROGRAM ": [conn %lu] cannot create a connection (%s)\n", id,
                ftls_result_name(r));
        goto refuse;
    }
    /* Set the trace callback first, so that it sees the whole handshake. */
    if (s->opts->trace &&
        (r = ftls_connection_set_handshake_callback(c->tls, trace_event, c)) != FTLS_OK) {
        log_failure(c, "setting up --trace", r);
        ftls_connection_free(c->tls);
        goto refuse;
    }
    if ((r = ftls_connection_set_fd(c->tls, fd)) != FTLS_OK) {
        log_failure(c, "binding the socket", r);
        ftls_connection_free(c->tls);
        goto refuse;
    }
    s->conns[s->count++] = c; /* serve() runs it at once: the ClientHello may be here */
    return;

refuse:
    free(buf);
    free(c);
    close(fd);
    s->finished++;
}

/* Removes conns[i] (the last one takes its place) and counts it as finished. */
static void remove_conn(struct server *s, size_t i) {
    free_conn(s->conns[i]);
    s->conns[i] = s->conns[--s->count];
    s->finished++;
    s->accept_resume_ms = 0; /* a file descriptor was freed */
    if (s->spare_fd < 0) {
        s->spare_fd = open_spare_fd();
    }
}

/* With --max-conns, once that many clients were accepted, later ones are refused at once
 * rather than left waiting. */
static void stop_accepting_if_enough(struct server *s) {
    if (s->opts->max_conns != 0 && s->accepted == s->opts->max_conns) {
        close(s->listen_fd);
        s->listen_fd = -1;
    }
}

/*
 * Out of file descriptors, the client at the head of the listen queue would wait unanswered
 * until one is freed, and every client after it too. Instead the spare descriptor kept for
 * this is given up for a moment: the client is accepted and its socket closed at once, so it
 * learns promptly that it was refused (end of stream, or a reset if it had sent something),
 * while the established connections are served on. It counts as a finished connection.
 * Returns false, with errno set, if no client was refused.
 */
static bool refuse_for_lack_of_fds(struct server *s) {
    if (s->spare_fd < 0) {
        return false;
    }
    close(s->spare_fd);
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    int fd = accept(s->listen_fd, (struct sockaddr *)&addr, &len);
    int accept_errno = errno;
    if (fd >= 0) {
        char peer[ADDRESS_SIZE];
        format_address((struct sockaddr *)&addr, len, peer, sizeof peer);
        close(fd);
        unsigned long id = ++s->accepted;
        s->finished++;
        fprintf(stderr, PROGRAM ": [conn %lu] %s: refused: out of file descriptors\n", id, peer);
    }
    s->spare_fd = open_spare_fd();
    errno = accept_errno;
    return fd >= 0;
}

static void accept_clients(struct server *s) {
    for (int n = 0; n < ACCEPTS_PER_TURN && s->listen_fd >= 0; n++) {
        struct sockaddr_storage addr;
        socklen_t len = sizeof addr;
        int fd = accept(s->listen_fd, (struct sockaddr *)&addr, &len);
        if (fd < 0 && (errno == EMFILE || errno == ENFILE) && refuse_for_lack_of_fds(s)) {
            stop_accepting_if_enough(s);
            continue;
        }
        if (fd < 0) {
            switch (errno) {
            case EAGAIN:
#if EWOULDBLOCK != EAGAIN
            case EWOULDBLOCK:
#endif
                return;
            case EINTR:
            case ECONNABORTED: /* the client gave up while queued: next */
                continue;
            case EMFILE:
            case ENFILE:
            case ENOBUFS:
            case ENOMEM:
                /* No spare descriptor, or no memory: the pending client stays queued; retry
                 * when a connection closes, or soon. */
                fprintf(stderr, PROGRAM ": accept: %s (pausing)\n", strerror(errno));
                s->accept_resume_ms = now_ms() + ACCEPT_RETRY_MS;
                return;
            default:
                fprintf(stderr, PROGRAM ": accept: %s\n", strerror(errno));
                return;
            }
        }
        add_conn(s, fd, (struct sockaddr *)&addr, len);
        stop_accepting_if_enough(s);
    }
}

/* The poll() timeout: until the earliest deadline, or forever. */
static int poll_timeout(const struct server *s, int64_t now) {
    int64_t earliest = s->accept_resume_ms ? s->accept_resume_ms : INT64_MAX;
    for (size_t i = 0; i < s->count; i++) {
        if (s->conns[i]->runnable) {
            return 0;
        }
        if (s->conns[i]->deadline_ms < earliest) {
            earliest = s->conns[i]->deadline_ms;
        }
    }
    if (earliest == INT64_MAX) {
        return -1;
    }
    return earliest <= now ? 0 : earliest - now > INT_MAX ? INT_MAX : (int)(earliest - now);
}

static int serve(struct server *s) {
    const struct options *opts = s->opts;
    while (opts->max_conns == 0 || s->finished < opts->max_conns) {
        int64_t now = now_ms();
        bool accepting =
            s->listen_fd >= 0 && (s->accept_resume_ms == 0 || now >= s->accept_resume_ms);
        if (accepting) {
            s->accept_resume_ms = 0;
        }
        s->pollfds[0].fd = accepting ? s->listen_fd : -1; /* a negative fd is ignored */
        s->pollfds[0].events = POLLIN;
        for (size_t i = 0; i < s->count; i++) {
            s->pollfds[1 + i].fd = s->conns[i]->fd;
            s->pollfds[1 + i].events = s->conns[i]->events;
        }

        int ready = poll(s->pollfds, 1 + s->count, poll_timeout(s, now));
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, PROGRAM ": poll: %s\n", strerror(errno));
            return 1;
        }

        /* Backwards, so that removing conns[i] (the last one moves into its slot) never
         * skips one: the one that moves has been handled already. */
        now = now_ms();
        for (size_t i = s->count; i-- > 0;) {
            struct conn *c = s->conns[i];
            enum step step = STEP_WAIT;
            /* The deadline first: a client that keeps sending must not outrun it. */
            if (now >= c->deadline_ms) {
                step = expire(opts, c);
            } else if (s->pollfds[1 + i].revents != 0 || c->runnable) {
                step = drive(opts, c);
            }
            if (step == STEP_DONE) {
                remove_conn(s, i);
            }
        }

        if (s->pollfds[0].fd >= 0 && (s->pollfds[0].revents & POLLIN)) {
            size_t first_new = s->count;
            accept_clients(s);
            /* New connections run at once: the ClientHello may already be here. */
            for (size_t i = s->count; i-- > first_new;) {
                if (drive(opts, s->conns[i]) == STEP_DONE) {
                    remove_conn(s, i);
                }
            }
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    /* SIGPIPE is left at its default. ftls never raises it (MSG_NOSIGNAL on sockets) and we
     * never write to a socket ourselves, so the only way to get one is our own stdout or
     * stderr going away, and then dying quietly is the usual Unix behaviour. */
    struct options opts;
    memset(&opts, 0, sizeof opts);
    int status = parse_options(argc, argv, &opts);
    if (status >= 0) {
        free(opts.alpn_storage);
        return status;
    }

    struct server s;
    memset(&s, 0, sizeof s);
    s.opts = &opts;
    s.listen_fd = -1;
    s.spare_fd = -1;
    status = 1;
    if ((s.config = build_config(&opts)) == NULL || !reserve(&s) ||
        (s.listen_fd = open_listener(opts.host, opts.port)) < 0) {
        goto out;
    }
    s.spare_fd = open_spare_fd(); /* without it, accept pauses when out of descriptors */

    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    char where[ADDRESS_SIZE];
    if (getsockname(s.listen_fd, (struct sockaddr *)&addr, &len) != 0) {
        fprintf(stderr, PROGRAM ": getsockname: %s\n", strerror(errno));
        goto out;
    }
    format_address((struct sockaddr *)&addr, len, where, sizeof where);
    /* Scripts and tests wait for this line to learn the port (with --port 0). */
    printf("listening on %s\n", where);
    fflush(stdout);

    status = serve(&s);

out:
    while (s.count > 0) {
        free_conn(s.conns[--s.count]);
    }
    free(s.conns);
    free(s.pollfds);
    if (s.listen_fd >= 0) {
        close(s.listen_fd);
    }
    if (s.spare_fd >= 0) {
        close(s.spare_fd);
    }
    ftls_server_config_free(s.config);
    free(opts.alpn_storage);
    return status;
}
