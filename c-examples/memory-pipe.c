/*
 * memory-pipe: a TLS client and a TLS server in one process and one thread, talking through
 * two small in-memory byte queues with ftls' callback API: no socket at all.
 *
 *   memory-pipe CA.pem CHAIN.pem KEY.pem
 *
 * The client trusts CA.pem and verifies the server as "localhost"; the server presents
 * CHAIN.pem and KEY.pem. They shake hands, the client sends a line, the server answers it,
 * and both close with close_notify. Exit status: 0 success, 1 bad arguments or files, 2 the
 * TLS conversation failed (each side's failure on stderr, with the ftls_result name).
 *
 * When to choose callbacks rather than the fd API (ftls_connection_set_fd, then _read and
 * _write on a socket, as https-get.c and tls-client.c do):
 *   - the TLS bytes do not travel over a file descriptor you may read and write yourself: an
 *     event library owns the socket and hands you buffers (libuv, libevent, io_uring
 *     completions), TLS runs inside another protocol (a WebSocket, an SSH channel, a proxy
 *     tunnel, a serial line with its own framing), or a fuzzer or a test feeds the bytes;
 *   - you want every byte in your hands: to count, log, throttle or batch it.
 * Otherwise use the fd API: it makes the system calls and handles EINTR, SIGPIPE, partial
 * writes and would-block for you.
 *
 * The callback API in four rules, all used below:
 *   1. ftls_connection_write_tls() hands TLS bytes to your write callback; call it while
 *      ftls_connection_wants_write() is true.
 *   2. ftls_connection_read_tls() asks your read callback for TLS bytes, and
 *      ftls_connection_process_new_packets() digests them (handshake, decryption, alerts).
 *   3. A callback returns 0 with a count, or an errno: EAGAIN means "not now" and becomes
 *      FTLS_WANT_WRITE / FTLS_WANT_READ (a write count of 0 does too); a read count of 0
 *      means the transport has ended.
 *   4. Application data goes in with ftls_connection_write() and comes out with
 *      ftls_connection_read(), as over an fd, but nothing moves until you move it.
 */

#include <ftls.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PROGRAM "memory-pipe"
/* Smaller than one handshake flight, on purpose: the queues fill up and the callbacks say
 * EAGAIN, as a real transport does. */
#define QUEUE_CAPACITY 1024

/* One direction of the transport: bytes written by one side, not yet read by the other. */
struct queue {
    uint8_t data[QUEUE_CAPACITY];
    size_t len;
    size_t total; /* everything that ever went through */
};

/* ftls_write_callback: take what fits, or EAGAIN when full. */
static int queue_write(void *userdata, const uint8_t *buf, size_t len, size_t *out_n) {
    struct queue *q = userdata;
    size_t room = QUEUE_CAPACITY - q->len;
    if (room == 0) {
        return EAGAIN;
    }
    size_t n = len < room ? len : room;
    memcpy(q->data + q->len, buf, n);
    q->len += n;
    q->total += n;
    *out_n = n;
    return 0;
}

/* ftls_read_callback: give what is there, or EAGAIN when empty. (These queues never end; a
 * transport that does would return 0 with *out_n = 0 then.) */
static int queue_read(void *userdata, uint8_t *buf, size_t len, size_t *out_n) {
    struct queue *q = userdata;
    if (q->len == 0) {
        return EAGAIN;
    }
    size_t n = len < q->len ? len : q->len;
    memcpy(buf, q->data, n);
    memmove(q->data, q->data + n, q->len - n);
    q->len -= n;
    *out_n = n;
    return 0;
}

/* A connection and its two ends of the transport. */
struct side {
    const char *name;
    ftls_connection *conn;
    struct queue *in, *out;
    ftls_result failure; /* FTLS_OK until the first failure */
};

/* Reports a side's failure (with its detail) and returns the exit status for it. */
static int side_failed(struct side *s, const char *what, ftls_result r) {
    char detail[512];
    if (ftls_connection_last_error(s->conn, detail, sizeof detail, NULL) != FTLS_OK) {
        detail[0] = '\0';
    }
    fprintf(stderr, PROGRAM ": %s: %s failed: %s (%s)\n", s->name, what,
            detail[0] ? detail : ftls_result_message(r), ftls_result_name(r));
    s->failure = r;
    return 2;
}

/* Rule 1: writes this side's pending TLS bytes into its outgoing queue, as far as they fit.
 * Returns whether any moved. Works after a failure too: that is how the alert goes out. */
static bool send_tls(struct side *s) {
    bool moved = false;
    while (ftls_connection_wants_write(s->conn)) {
        size_t n = 0;
        ftls_result r = ftls_connection_write_tls(s->conn, queue_write, s->out, &n);
        if (r == FTLS_WANT_WRITE) {
            break; /* the queue is full: the peer has to read first */
        }
        if (r != FTLS_OK) {
            side_failed(s, "sending", r);
            break;
        }
        moved = true;
    }
    return moved;
}

/* Rule 2: feeds this side what its incoming queue holds. Returns whether any moved. */
static bool receive_tls(struct side *s) {
    bool moved = false;
    while (s->failure == FTLS_OK) {
        size_t n = 0;
        ftls_result r = ftls_connection_read_tls(s->conn, queue_read, s->in, &n);
        if (r == FTLS_WANT_READ) {
            break; /* the queue is empty */
        }
        if (r == FTLS_OK) {
            r = ftls_connection_process_new_packets(s->conn);
        }
        if (r != FTLS_OK) {
            side_failed(s, ftls_connection_is_handshaking(s->conn) ? "handshake" : "receiving",
                        r);
            send_tls(s); /* tell the peer why, with an alert */
            break;
        }
        if (n == 0) {
            break; /* the end of the stream (or, after close_notify, nothing more to read) */
        }
        moved = true;
    }
    return moved;
}

/* Moves bytes both ways until neither side has anything more to say. Over a network this is
 * your event loop; here it is a loop. */
static void pump(struct side *a, struct side *b) {
    bool moved;
    do {
        moved = send_tls(a);
        moved |= receive_tls(b);
        moved |= send_tls(b);
        moved |= receive_tls(a);
    } while (moved);
}

/* Rule 4: reads what has been decrypted (after a pump, all of it is there). Returns the
 * ftls_result: FTLS_OK, FTLS_WANT_READ (nothing yet), FTLS_CLOSED (close_notify)... */
static ftls_result read_text(struct side *s, char *text, size_t size) {
    size_t n = 0;
    ftls_result r = ftls_connection_read(s->conn, (uint8_t *)text, size - 1, &n);
    text[r == FTLS_OK ? n : 0] = '\0';
    return r;
}

/* ---- configs ---------------------------------------------------------------------------- */

static ftls_client_config *client_config(const char *ca) {
    ftls_trust *trust = NULL; /* what the server's certificate is checked against */
    ftls_client_config_builder *builder = NULL;
    ftls_client_config *config = NULL;
    char detail[512] = "";
    ftls_result r = ftls_trust_new(&trust);
    if (r == FTLS_OK) r = ftls_trust_add_ca_file(trust, ca);
    if (r != FTLS_OK) ftls_trust_last_error(trust, detail, sizeof detail, NULL);
    if (r == FTLS_OK) r = ftls_client_config_builder_new(&builder);
    if (r == FTLS_OK) r = ftls_client_config_builder_set_trust(builder, trust);
    if (r == FTLS_OK) r = ftls_client_config_builder_build(builder, &config);
    if (r != FTLS_OK) {
        ftls_client_config_builder_last_error(builder, detail, sizeof detail, NULL);
        fprintf(stderr, PROGRAM ": client config: %s (%s)\n", detail, ftls_result_name(r));
    }
    ftls_trust_free(trust);                   /* the builder keeps a snapshot */
    ftls_client_config_builder_free(builder); /* the config keeps what it needs */
    return config;
}

static ftls_server_config *server_config(const char *chain, const char *key) {
    ftls_identity *identity = NULL; /* the certificate chain and key the server presents */
    ftls_server_config_builder *builder = NULL;
    ftls_server_config *config = NULL;
    char detail[512] = "";
    ftls_result r = ftls_identity_new(&identity);
    if (r == FTLS_OK) r = ftls_identity_set_file(identity, chain, key);
    if (r != FTLS_OK) ftls_identity_last_error(identity, detail, sizeof detail, NULL);
    if (r == FTLS_OK) r = ftls_server_config_builder_new(&builder);
    if (r == FTLS_OK) r = ftls_server_config_builder_add_identity(builder, identity);
    if (r == FTLS_OK) r = ftls_server_config_builder_build(builder, &config);
    if (r != FTLS_OK) {
        ftls_server_config_builder_last_error(builder, detail, sizeof detail, NULL);
        fprintf(stderr, PROGRAM ": server config: %s (%s)\n", detail, ftls_result_name(r));
    }
    ftls_identity_free(identity);
    ftls_server_config_builder_free(builder);
    return config;
}

/* ---- the conversation ------------------------------------------------------------------- */

static int converse(struct side *client, struct side *server) {
    static const char line[] = "ping over memory";
    char text[256], reply[300];
    size_t n = 0;
    ftls_result r;

    /* Written before the handshake: ftls holds it until the handshake completes. */
    r = ftls_connection_write(client->conn, (const uint8_t *)line, strlen(line), &n);
    if (r != FTLS_OK) {
        return side_failed(client, "writing", r);
    }
    pump(client, server);
    if (client->failure != FTLS_OK || server->failure != FTLS_OK) {
        return 2;
    }
    ftls_str version = {"?", 1}, suite = {"?", 1};
    (void)ftls_connection_protocol_version(client->conn, NULL, &version);
    (void)ftls_connection_cipher_suite(client->conn, NULL, &suite);
    printf("handshake complete: %.*s %.*s\n", (int)version.len, version.data, (int)suite.len,
           suite.data);

    if ((r = read_text(server, text, sizeof text)) != FTLS_OK) {
        return side_failed(server, "reading", r);
    }
    printf("server received: %s\n", text);
    snprintf(reply, sizeof reply, "pong: %s", text);
    r = ftls_connection_write(server->conn, (const uint8_t *)reply, strlen(reply), &n);
    if (r == FTLS_OK) {
        r = ftls_connection_send_close_notify(server->conn); /* the server's last word */
    }
    if (r != FTLS_OK) {
        return side_failed(server, "answering", r);
    }
    pump(client, server);

    if ((r = read_text(client, text, sizeof text)) != FTLS_OK) {
        return side_failed(client, "reading", r);
    }
    printf("client received: %s\n", text);
    if ((r = read_text(client, text, sizeof text)) != FTLS_CLOSED) {
        return side_failed(client, "waiting for close_notify", r);
    }
    printf("client: the server closed its side cleanly (close_notify)\n");
    (void)ftls_connection_send_close_notify(client->conn);
    pump(client, server);
    if ((r = read_text(server, text, sizeof text)) != FTLS_CLOSED) {
        return side_failed(server, "waiting for close_notify", r);
    }
    printf("server: the client closed its side cleanly (close_notify)\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: " PROGRAM " CA.pem CHAIN.pem KEY.pem\n");
        return 1;
    }
    struct queue to_server = {{0}, 0, 0}, to_client = {{0}, 0, 0};
    struct side client = {"client", NULL, &to_client, &to_server, FTLS_OK};
    struct side server = {"server", NULL, &to_server, &to_client, FTLS_OK};
    ftls_client_config *cc = client_config(argv[1]);
    ftls_server_config *sc = server_config(argv[2], argv[3]);
    int status = 1;
    ftls_result r;

    if (cc != NULL && sc != NULL) {
        if ((r = ftls_client_connection_new(cc, "localhost", &client.conn)) != FTLS_OK ||
            (r = ftls_server_connection_new(sc, &server.conn)) != FTLS_OK) {
            fprintf(stderr, PROGRAM ": cannot make the connections (%s)\n", ftls_result_name(r));
        } else {
            status = converse(&client, &server);
            printf("TLS bytes through memory: %zu client to server, %zu server to client\n",
                   to_server.total, to_client.total);
        }
    }
    ftls_connection_free(client.conn);
    ftls_connection_free(server.conn);
    ftls_client_config_free(cc);
    ftls_server_config_free(sc);
    return status;
}
