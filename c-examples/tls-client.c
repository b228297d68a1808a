/*
 * tls-client: fetch a page over TLS with ftls, or pipe stdin through a TLS connection.
 *
 *   tls-client [--ca CA.pem | --webpki-roots | --system-roots] [--cert CHAIN.pem --key KEY.pem]
 *              [--servername NAME] [--alpn P1,P2] [--tls12 | --tls13] [--keylog FILE]
 *              [--trace] [--resume N] [--stdin] HOST PORT [PATH]
 *
 * Default: connect, verify the server as NAME (default HOST), send "GET PATH HTTP/1.1" with
 * Connection: close, copy the response to stdout, and exit 0 once the server has sent
 * close_notify. This mode uses ftls' blocking fd calls: the simplest way to use ftls.
 *
 * --stdin: send standard input instead, then close_notify, while copying whatever arrives to
 * stdout, until the server's close_notify. This mode uses the same fd calls on a non-blocking
 * socket with poll() (see run_stdin_mode for why).
 *
 * --resume N: after the first GET, N more with the same config, each on a new connection; the
 * config's session cache lets them resume the first one's session. One stderr line per
 * connection says which: "connection K: resumed" or "connection K: full handshake".
 *
 * Exit status: 0 success; 1 bad arguments or unreadable files; 2 the connection failed (one
 * line on stderr names the cause, with the ftls_result name).
 */

#include <ftls.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROGRAM "tls-client"
#define EXIT_USAGE 1
#define EXIT_FAILED 2
#define MAX_ALPN 16
#define DETAIL_SIZE 512
#define CHUNK 16384
#define MAX_RESUME 1000
#define MAX_RESUME_TEXT "1000"

static const char USAGE[] =
    "usage: " PROGRAM " [--ca CA.pem | --webpki-roots | --system-roots]\n"
    "                  [--cert CHAIN.pem --key KEY.pem] [--servername NAME] [--alpn P1,P2]\n"
    "                  [--tls12 | --tls13] [--keylog FILE] [--trace] [--resume N] [--stdin]\n"
    "                  HOST PORT [PATH]\n"
    "\n"
    "Sends \"GET PATH HTTP/1.1\" (PATH defaults to /) and writes the response to stdout.\n"
    "\n"
    "  --ca CA.pem         trust these CAs (default: --webpki-roots)\n"
    "  --webpki-roots      trust the Mozilla root CAs built into ftls\n"
    "  --system-roots      trust the operating system's CAs (SSL_CERT_FILE and\n"
    "                      SSL_CERT_DIR name other ones, as for OpenSSL)\n"
    "  --cert, --key       present this client certificate chain and key (PEM)\n"
    "  --servername NAME   verify the server as NAME (default HOST); sent as SNI\n"
    "  --alpn P1,P2        offer these ALPN protocols, most preferred first\n"
    "  --tls12, --tls13    offer only this protocol version\n"
    "  --keylog FILE       append the TLS secrets to FILE (NSS key log format, as\n"
    "                      Wireshark reads): anyone with the file can decrypt the traffic\n"
    "  --trace             print each handshake step to stderr\n"
    "  --resume N          N more GETs after the first, each on a new connection that\n"
    "                      resumes the session if the server allows; prints\n"
    "                      \"connection K: resumed\" or \"... full handshake\" on stderr\n"
    "  --stdin             instead of GET, send standard input (binary-safe), then\n"
    "                      close_notify, while writing what the server sends to stdout\n"
    "                      until its close_notify (for echo servers)\n"
    "\n"
    "Exit status: 0 success, 1 bad arguments or files, 2 the connection failed.\n";

struct options {
    const char *ca;
    bool webpki_roots;
    bool system_roots;
    const char *cert;
    const char *key;
    const char *servername;
    const char *keylog;
    unsigned long resume; /* more connections after the first */
    bool resume_given;
    uint32_t versions;
    bool trace;
    bool stdin_mode;
    const char *host;
    const char *port;
    const char *path;
    char *alpn_storage; /* the --alpn argument, split in place */
    const char *alpn[MAX_ALPN];
    size_t alpn_count;
};

/* ---- command line ----------------------------------------------------------------------- */

static int usage_error(const char *problem, const char *arg) {
    fprintf(stderr, PROGRAM ": %s%s\nTry '" PROGRAM " --help'.\n", problem, arg ? arg : "");
    return EXIT_USAGE;
}

/* A whole decimal number from 0 to max. */
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

/* A path goes into the request line verbatim: no spaces or control characters. */
static bool valid_path(const char *path) {
    for (const char *p = path; *p != '\0'; p++) {
        if ((unsigned char)*p <= ' ' || *p == 0x7f) {
            return false;
        }
    }
    return *path != '\0';
}

/* Returns -1 to go on, or the exit status (0 after --help). */
static int parse_options(int argc, char **argv, struct options *opts) {
    opts->versions = FTLS_PROTOCOL_ALL;
    bool tls12 = false, tls13 = false;
    const char *positional[3];
    int npositional = 0;

    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        /* Flags that take a value. */
        const char **value_of = NULL;
        if (strcmp(flag, "--ca") == 0) value_of = &opts->ca;
        else if (strcmp(flag, "--cert") == 0) value_of = &opts->cert;
        else if (strcmp(flag, "--key") == 0) value_of = &opts->key;
        else if (strcmp(flag, "--servername") == 0) value_of = &opts->servername;
        else if (strcmp(flag, "--keylog") == 0) value_of = &opts->keylog;
        bool takes_value = value_of != NULL || strcmp(flag, "--alpn") == 0 ||
                           strcmp(flag, "--resume") == 0;
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
        } else if (strcmp(flag, "--resume") == 0) {
            const char *arg = argv[++i];
            if (!parse_count(arg, MAX_RESUME, &opts->resume)) {
                return usage_error("--resume needs a number from 0 to " MAX_RESUME_TEXT ", not ",
                                   arg);
            }
            opts->resume_given = true;
        } else if (strcmp(flag, "--system-roots") == 0) {
            opts->system_roots = true;
        } else if (strcmp(flag, "--webpki-roots") == 0) {
            opts->webpki_roots = true;
        } else if (strcmp(flag, "--tls12") == 0) {
            tls12 = true;
        } else if (strcmp(flag, "--tls13") == 0) {
            tls13 = true;
        } else if (strcmp(flag, "--trace") == 0) {
            opts->trace = true;
        } else if (strcmp(flag, "--stdin") == 0) {
            opts->stdin_mode = true;
        } else if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) {
            fputs(USAGE, stdout);
            return 0;
        } else if (flag[0] == '-' && flag[1] != '\0') {
            return usage_error("unknown option ", flag);
        } else if (npositional == 3) {
            return usage_error("unexpected argument ", flag);
        } else {
            positional[npositional++] = flag;
        }
    }

    if (npositional < 2) {
        return usage_error(npositional == 0 ? "missing HOST and PORT" : "missing PORT", NULL);
    }
    opts->host = positional[0];
    opts->port = positional[1];
    opts->path = npositional == 3 ? positional[2] : "/";
    if (opts->servername == NULL) {
        opts->servername = opts->host;
    }
    if (opts->ca != NULL && opts->webpki_roots) {
        return usage_error("--ca and --webpki-roots exclude each other", NULL);
    }
    if (opts->system_roots && (opts->ca != NULL || opts->webpki_roots)) {
        return usage_error("--system-roots and --ca / --webpki-roots exclude each other", NULL);
    }
    if ((opts->cert == NULL) != (opts->key == NULL)) {
        return usage_error("--cert and --key go together", NULL);
    }
    if (tls12 && tls13) {
        return usage_error("--tls12 and --tls13 exclude each other", NULL);
    }
    if (tls12) opts->versions = FTLS_PROTOCOL_TLS12;
    if (tls13) opts->versions = FTLS_PROTOCOL_TLS13;
    if (opts->stdin_mode && opts->resume_given) {
        return usage_error("--resume repeats the GET: it cannot be used with --stdin", NULL);
    }
    if (opts->stdin_mode && npositional == 3) {
        return usage_error("--stdin sends no request: PATH makes no sense with it", NULL);
    }
    if (!valid_path(opts->path)) {
        return usage_error("PATH must not contain spaces or control characters: ", opts->path);
    }
    return -1;
}

/* ---- configuration ---------------------------------------------------------------------- */

/* Prints what went wrong (WHAT, the detail the failing object recorded, e.g. the file and the
 * reason, and the result's name) and returns false. */
static bool config_failed(const char *what, ftls_result result, const char *detail) {
    fprintf(stderr, PROGRAM ": %s: %s (%s)\n", what,
            detail[0] != '\0' ? detail : ftls_result_message(result), ftls_result_name(result));
    return false;
}

static bool builder_failed(ftls_client_config_builder *builder, const char *what,
                           ftls_result result) {
    char detail[DETAIL_SIZE] = "";
    ftls_client_config_builder_last_error(builder, detail, sizeof detail, NULL);
    return config_failed(what, result, detail);
}

/* What the server's certificate is checked against: --ca, --system-roots or the webpki roots.
 * Returns NULL after printing why it cannot be loaded. */
static ftls_trust *load_trust(const struct options *opts) {
    ftls_trust *trust = NULL;
    ftls_result r = ftls_trust_new(&trust);
    const char *what = "cannot use the webpki roots";
    if (r == FTLS_OK && opts->ca != NULL) {
        what = "cannot load --ca";
        r = ftls_trust_add_ca_file(trust, opts->ca);
    } else if (r == FTLS_OK && opts->system_roots) {
        what = "cannot load the system trust store";
        r = ftls_trust_add_system_roots(trust, NULL);
    } else if (r == FTLS_OK) {
        r = ftls_trust_add_webpki_roots(trust);
    }
    if (r != FTLS_OK) {
        char detail[DETAIL_SIZE] = "";
        ftls_trust_last_error(trust, detail, sizeof detail, NULL);
        config_failed(what, r, detail);
        ftls_trust_free(trust);
        return NULL;
    }
    return trust;
}

/* The client certificate of --cert and --key, or NULL after printing why it cannot be loaded. */
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

static ftls_client_config *build_config(const struct options *opts) {
    ftls_trust *trust = load_trust(opts);
    ftls_identity *identity = opts->cert != NULL ? load_identity(opts) : NULL;
    if (trust == NULL || (opts->cert != NULL && identity == NULL)) {
        ftls_trust_free(trust);
        ftls_identity_free(identity);
        return NULL;
    }
    ftls_client_config_builder *builder = NULL;
    ftls_client_config *config = NULL;
    ftls_result r = ftls_client_config_builder_new(&builder);
    bool ok = r == FTLS_OK || config_failed("cannot create a config builder", r, "");
    if (ok && (r = ftls_client_config_builder_set_trust(builder, trust)) != FTLS_OK) {
        ok = builder_failed(builder, "cannot use the trust", r);
    }
    if (ok && identity != NULL &&
        (r = ftls_client_config_builder_add_identity(builder, identity)) != FTLS_OK) {
        ok = builder_failed(builder, "cannot use --cert/--key", r);
    }
    if (ok && (r = ftls_client_config_builder_set_versions(builder, opts->versions)) != FTLS_OK) {
        ok = builder_failed(builder, "cannot set the protocol versions", r);
    }
    if (ok && opts->alpn_count > 0 &&
        (r = ftls_client_config_builder_set_alpn(builder, opts->alpn, opts->alpn_count)) !=
            FTLS_OK) {
        ok = builder_failed(builder, "invalid --alpn", r);
    }
    if (ok && opts->keylog != NULL &&
        (r = ftls_client_config_builder_set_keylog_file(builder, opts->keylog)) != FTLS_OK) {
        ok = builder_failed(builder, "cannot open --keylog", r);
    }
    if (ok && (r = ftls_client_config_builder_build(builder, &config)) != FTLS_OK) {
        ok = builder_failed(builder, "invalid configuration", r);
    }
    /* The builder keeps snapshots of the trust and identity, the config what it needs. */
    ftls_trust_free(trust);
    ftls_identity_free(identity);
    ftls_client_config_builder_free(builder);
    return ok ? config : NULL;
}

/* ---- connection helpers ----------------------------------------------------------------- */

/* Returns a connected blocking socket, or -1 after printing why. */
static int connect_to(const char *host, const char *port) {
    struct addrinfo hints, *addrs = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int gai = getaddrinfo(host, port, &hints, &addrs);
    if (gai != 0) {
        fprintf(stderr, PROGRAM ": cannot resolve %s port %s: %s\n", host, port,
                gai_strerror(gai));
        return -1;
    }
    /* A name may have several addresses (IPv6 and IPv4): take the first that answers. */
    int fd = -1, last_errno = 0;
    for (struct addrinfo *a = addrs; a != NULL && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
        } else if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            last_errno = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(addrs);
    if (fd < 0) {
        fprintf(stderr, PROGRAM ": cannot connect to %s port %s: %s\n", host, port,
                strerror(last_errno));
    }
    return fd;
}

/* The one line that explains a failed connection. Returns the exit status. */
static int connection_failed(ftls_connection *conn, const char *what, ftls_result result) {
    char detail[DETAIL_SIZE];
    if (ftls_connection_last_error(conn, detail, sizeof detail, NULL) != FTLS_OK ||
        detail[0] == '\0') {
        snprintf(detail, sizeof detail, "%s", ftls_result_message(result));
    }
    fprintf(stderr, PROGRAM ": %s failed: %s (%s)\n", what, detail, ftls_result_name(result));
    return EXIT_FAILED;
}

/* --trace: "-> ClientHello (512 bytes)" ... then the summary line. */
static void trace_event(void *userdata, const ftls_handshake_event *event) {
    (void)userdata;
    if (event->kind == FTLS_HANDSHAKE_EVENT_MESSAGE) {
        const char *arrow = event->direction == FTLS_DIRECTION_SENT ? "->" : "<-";
        if (event->message == 255) { /* ChangeCipherSpec is a record, not a sized message */
            fprintf(stderr, "%s %.*s\n", arrow, (int)event->name.len, event->name.data);
        } else {
            fprintf(stderr, "%s %.*s (%zu bytes)\n", arrow, (int)event->name.len,
                    event->name.data, event->length);
        }
    } else if (event->kind == FTLS_HANDSHAKE_EVENT_COMPLETE) {
        ftls_str group = event->key_exchange_group;
        ftls_bytes alpn = event->alpn_protocol;
        fprintf(stderr, "handshake: %.*s %.*s %.*s alpn=%.*s resumed=%s\n",
                (int)event->protocol_version.len, event->protocol_version.data,
                (int)event->cipher_suite.len, event->cipher_suite.data,
                group.len ? (int)group.len : 4, group.len ? group.data : "none",
                alpn.len ? (int)alpn.len : 4, alpn.len ? (const char *)alpn.data : "none",
                event->resumed ? "yes" : "no");
    }
}

static bool write_all(int fd, const uint8_t *data, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        data += n;
        len -= (size_t)n;
    }
    return true;
}

static int stdout_failed(void) {
    fprintf(stderr, PROGRAM ": writing to stdout failed: %s\n", strerror(errno));
    return EXIT_FAILED;
}

/* ---- GET mode: blocking fd calls -------------------------------------------------------- */

static int run_get(const struct options *opts, ftls_connection *conn, int fd) {
    ftls_result r = ftls_connection_set_fd(conn, fd);
    if (r != FTLS_OK) {
        return connection_failed(conn, "binding the socket", r);
    }
    /* Optional (write would do it), but it lets a failure be called a handshake failure. */
    r = ftls_connection_handshake(conn);
    if (r != FTLS_OK) {
        return connection_failed(conn, "handshake", r); /* the server got an alert saying why */
    }

    /* An IPv6 literal needs brackets in Host; a port other than 443 is spelled out. */
    char request[2048];
    bool ipv6 = strchr(opts->servername, ':') != NULL;
    bool https_port = strcmp(opts->port, "443") == 0 || strcmp(opts->port, "https") == 0;
    int len = snprintf(request, sizeof request,
                       "GET %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\nConnection: close\r\n\r\n",
                       opts->path, ipv6 ? "[" : "", opts->servername, ipv6 ? "]" : "",
                       https_port ? "" : ":", https_port ? "" : opts->port);
    if (len < 0 || (size_t)len >= sizeof request) {
        fprintf(stderr, PROGRAM ": the request is too long\n");
        return EXIT_USAGE;
    }
    /* On a blocking fd, write returns only once everything has been sent. */
    size_t n = 0;
    r = ftls_connection_write(conn, (const uint8_t *)request, (size_t)len, &n);
    if (r != FTLS_OK) {
        return connection_failed(conn, "sending the request", r);
    }

    uint8_t buf[CHUNK];
    while ((r = ftls_connection_read(conn, buf, sizeof buf, &n)) == FTLS_OK) {
        if (fwrite(buf, 1, n, stdout) != n) {
            return stdout_failed();
        }
    }
    if (fflush(stdout) != 0) {
        return stdout_failed();
    }
    /* Only the server's close_notify proves the response is complete; a bare end of stream
     * (FTLS_ERR_UNEXPECTED_EOF) may be a truncation attack. */
    if (r != FTLS_CLOSED) {
        return connection_failed(conn, "reading the response", r);
    }
    /* Answer with our own close_notify. Best effort: the server may be gone already, and the
     * response is complete either way. */
    (void)ftls_connection_shutdown(conn, false);
    return 0;
}

/* ---- --stdin mode: non-blocking socket and poll() ------------------------------------- */

/*
 * Why not the blocking style: an echo server sends data back while we are still sending.
 * A blocking write would wait for the server to read, while the server waits for us to read
 * its echo (its backlog is full): both stuck. So the socket is non-blocking and poll() waits
 * for whichever of stdin and the socket can move, using the same fd calls as GET mode:
 * FTLS_WANT_READ / FTLS_WANT_WRITE say what to wait for, and while
 * ftls_connection_wants_write() is true we also wait for POLLOUT and flush.
 */
static int run_stdin_mode(ftls_connection *conn, int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        fprintf(stderr, PROGRAM ": cannot make the socket non-blocking: %s\n", strerror(errno));
        return EXIT_FAILED;
    }
    /* stdin stays blocking: it is shared with our parent, and poll() says when a read will
     * not block anyway. */
    ftls_result r = ftls_connection_set_fd(conn, fd);
    if (r != FTLS_OK) {
        return connection_failed(conn, "binding the socket", r);
    }

    uint8_t outgoing[CHUNK], incoming[CHUNK];
    size_t out_start = 0, out_end = 0; /* read from stdin, not yet accepted by ftls */
    bool stdin_open = true, close_notify_sent = false;
    size_t n = 0;

    for (;;) {
        /* 1. Hand stdin data to ftls (the first write also drives the handshake). */
        bool write_waits_for_handshake = false;
        while (out_start < out_end) {
            r = ftls_connection_write(conn, outgoing + out_start, out_end - out_start, &n);
            if (r == FTLS_WANT_READ || r == FTLS_WANT_WRITE) {
                write_waits_for_handshake = r == FTLS_WANT_READ;
                break; /* poll below says when to try again */
            }
            if (r != FTLS_OK) {
                return connection_failed(conn, ftls_connection_is_handshaking(conn)
                                                   ? "handshake" : "sending", r);
            }
            out_start += n;
        }
        if (out_start == out_end) {
            out_start = out_end = 0;
        }
        /* 2. All of stdin handed over: end our direction cleanly. (During the handshake ftls
         * holds the close_notify back until the data written before it has gone.) */
        if (!stdin_open && out_end == 0 && !close_notify_sent) {
            if ((r = ftls_connection_send_close_notify(conn)) != FTLS_OK) {
                return connection_failed(conn, "sending close_notify", r);
            }
            close_notify_sent = true;
        }
        /* 3. Everything that arrived goes to stdout. */
        while ((r = ftls_connection_read(conn, incoming, sizeof incoming, &n)) == FTLS_OK) {
            if (!write_all(STDOUT_FILENO, incoming, n)) {
                return stdout_failed();
            }
        }
        if (r == FTLS_CLOSED) {
            return 0; /* the server's close_notify: the clean end */
        }
        if (r != FTLS_WANT_READ) {
            return connection_failed(conn, ftls_connection_is_handshaking(conn)
                                               ? "handshake" : "receiving", r);
        }
        /* 4. Send what ftls has queued (accepted data, close_notify) as far as the socket takes
         * it now. */
        if (ftls_connection_wants_write(conn) &&
            (r = ftls_connection_flush(conn)) != FTLS_OK && r != FTLS_WANT_WRITE) {
            return connection_failed(conn, "sending", r);
        }

        /* A write that waited for the handshake goes again at once when the read above
         * completed it: the socket may not become readable again (the server waits for our
         * data), so polling for that would wait until the server gives up. */
        if (write_waits_for_handshake && !ftls_connection_is_handshaking(conn)) {
            continue;
        }

        /* 5. Wait until the socket or stdin can move. */
        struct pollfd pfd[2];
        pfd[0].fd = fd;
        pfd[0].events = (short)(POLLIN | (ftls_connection_wants_write(conn) ? POLLOUT : 0));
        pfd[1].fd = stdin_open && out_end == 0 ? STDIN_FILENO : -1; /* -1: not polled */
        pfd[1].events = POLLIN;
        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, PROGRAM ": poll: %s\n", strerror(errno));
            return EXIT_FAILED;
        }
        /* 6. Read more of stdin once the previous chunk is handed over. The socket needs no
         * work here: the next round's calls read and write it. */
        if (pfd[1].revents != 0) {
            ssize_t got = read(STDIN_FILENO, outgoing, sizeof outgoing);
            if (got > 0) {
                out_end = (size_t)got;
            } else if (got == 0) {
                stdin_open = false;
            } else if (errno != EINTR && errno != EAGAIN) {
                fprintf(stderr, PROGRAM ": reading stdin failed: %s\n", strerror(errno));
                return EXIT_FAILED;
            }
        }
    }
}

/* Connection number `k`: connect, verify, run the mode. Returns the exit status. */
static int run_connection(const struct options *opts, const ftls_client_config *config,
                          unsigned long k) {
    ftls_connection *conn = NULL;
    int fd = -1, status = EXIT_FAILED;
    /* Before connecting, so that a bad --servername is an argument error. */
    ftls_result r = ftls_client_connection_new(config, opts->servername, &conn);
    if (r != FTLS_OK) {
        fprintf(stderr, PROGRAM ": cannot verify a server as \"%s\": %s (%s)\n",
                opts->servername, ftls_result_message(r), ftls_result_name(r));
        return EXIT_USAGE;
    }
    /* Set the trace callback first, so that it sees the whole handshake. */
    if (opts->trace &&
        (r = ftls_connection_set_handshake_callback(conn, trace_event, NULL)) != FTLS_OK) {
        status = connection_failed(conn, "setting up --trace", r);
    } else if ((fd = connect_to(opts->host, opts->port)) >= 0) {
        status = opts->stdin_mode ? run_stdin_mode(conn, fd) : run_get(opts, conn, fd);
        if (status == 0 && opts->resume_given) {
            fprintf(stderr, "connection %lu: %s\n", k,
                    ftls_connection_is_resumed(conn) ? "resumed" : "full handshake");
        }
    }
    ftls_connection_free(conn);
    if (fd >= 0) {
        close(fd);
    }
    return status;
}

int main(int argc, char **argv) {
    /* SIGPIPE is left at its default. ftls never raises it on the socket (MSG_NOSIGNAL), so the only way to get one is our stdout going away (as with
     * "tls-client ... | head"), where dying quietly is the usual Unix behaviour. */
    struct options opts;
    memset(&opts, 0, sizeof opts);
    int status = parse_options(argc, argv, &opts);
    if (status >= 0) {
        free(opts.alpn_storage);
        return status;
    }

    ftls_client_config *config = build_config(&opts);
    status = EXIT_USAGE;
    /* With --resume, every connection shares the config, and so its session cache. */
    for (unsigned long k = 1; config != NULL && k <= 1 + opts.resume; k++) {
        status = run_connection(&opts, config, k);
        if (status != 0) {
            break;
        }
    }
    ftls_client_config_free(config);
    free(opts.alpn_storage);
    return status;
}
