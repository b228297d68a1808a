/*
 * A server's sessions kept by the program as i2d_SSL_SESSION bytes in a file, outside the
 * library: each connection is served by a new process (this program again, with --serve),
 * whose get-session callback reads the file back with d2i_SSL_SESSION. The client, in the
 * first process, reconnects and resumes, unless the new server has another session ID
 * context. TLS 1.2 session IDs and TLS 1.3 stateful tickets (SSL_OP_NO_TICKET). Built
 * unchanged against the system OpenSSL and against ftls' root; the two stdouts must be
 * identical.
 *
 *   unit_ssl_session_der CERT.pem KEY.pem CA.pem SESSION-FILE
 *   unit_ssl_session_der --serve FD CERT.pem KEY.pem ID-CONTEXT SESSION-FILE
 *     (one connection on socket FD; exit status: 1 resumed, 0 not, 2 failed)
 */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *session_file;

static void die(const char *what)
{
    printf("FAILED: %s\n", what);
    exit(2);
}

/* The new-session callback: the session's bytes replace the file's. */
static int save_session(SSL *ssl, SSL_SESSION *session)
{
    unsigned char der[4096], *p = der;
    FILE *file;
    int len = i2d_SSL_SESSION(session, NULL);
    (void)ssl;
    if (len <= 0 || len > (int)sizeof der || i2d_SSL_SESSION(session, &p) != len)
        return 0;
    file = fopen(session_file, "wb");
    if (file != NULL) {
        fwrite(der, 1, (size_t)len, file);
        fclose(file);
    }
    return 0; /* the library keeps its reference */
}

/* The get-session callback: the session in the file, whatever the ID asked for. */
static SSL_SESSION *find_session(SSL *ssl, const unsigned char *id, int len, int *copy)
{
    unsigned char der[4096];
    const unsigned char *p = der;
    FILE *file = fopen(session_file, "rb");
    size_t read_len = 0;
    (void)ssl;
    (void)id;
    (void)len;
    *copy = 0; /* the reference d2i makes is handed over */
    if (file == NULL)
        return NULL;
    read_len = fread(der, 1, sizeof der, file);
    fclose(file);
    return d2i_SSL_SESSION(NULL, &p, (long)read_len);
}

/* The server process: one connection on `fd`, its sessions in the file only. */
static int serve(int fd, const char *cert, const char *key, const char *id_context)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL *ssl;
    char byte;
    int resumed;
    if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_set_session_id_context(ctx, (const unsigned char *)id_context,
                                       (unsigned int)strlen(id_context)) != 1)
        die("server context");
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
    SSL_CTX_sess_set_new_cb(ctx, save_session);
    SSL_CTX_sess_set_get_cb(ctx, find_session);
    ssl = SSL_new(ctx);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1 || SSL_accept(ssl) != 1 ||
        SSL_write(ssl, "x", 1) != 1)
        die("serving");
    resumed = SSL_session_reused(ssl);
    /* The client's close_notify, then ours. */
    if (SSL_read(ssl, &byte, 1) != 0 || SSL_shutdown(ssl) < 0)
        die("closing");
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return resumed;
}

/* One connection to a new server process of `id_context`; the client's session is offered
 * (SSL_set_session) when `session` is set, and the new one kept there. */
static void connect_once(const char *label, char **argv, SSL_CTX *client_ctx,
                         const char *id_context, SSL_SESSION **session)
{
    int pair[2], status;
    char fd_text[16], byte;
    pid_t server;
    SSL *client = SSL_new(client_ctx);
    if (client == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0)
        die("SSL_new or socketpair");
    snprintf(fd_text, sizeof fd_text, "%d", pair[1]);
    fflush(stdout);
    server = fork();
    if (server < 0)
        die("fork");
    if (server == 0) {
        char *args[] = {argv[0], "--serve", fd_text, argv[1], argv[2], (char *)id_context,
                        argv[4], NULL};
        close(pair[0]);
        execv(argv[0], args);
        _exit(2);
    }
    close(pair[1]);
    SSL_set_tlsext_host_name(client, "localhost");
    SSL_set1_host(client, "localhost");
    if (*session != NULL)
        SSL_set_session(client, *session);
    if (SSL_set_fd(client, pair[0]) != 1 || SSL_connect(client) != 1 ||
        SSL_read(client, &byte, 1) != 1)
        die("connecting");
    SSL_SESSION_free(*session);
    *session = SSL_get1_session(client);
    SSL_shutdown(client);
    if (waitpid(server, &status, 0) != server || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
        die("the server process");
    printf("%s: resumed %d, server %d\n", label, SSL_session_reused(client),
           WEXITSTATUS(status));
    ERR_clear_error();
    SSL_free(client);
    close(pair[0]);
}

static void run(const char *version, int max_version, char **argv)
{
    char label[128];
    SSL_SESSION *session = NULL;
    SSL_CTX *client_ctx = SSL_CTX_new(TLS_client_method());
    if (client_ctx == NULL || SSL_CTX_load_verify_locations(client_ctx, argv[3], NULL) != 1 ||
        SSL_CTX_set_max_proto_version(client_ctx, max_version) != 1)
        die("client context");
    SSL_CTX_set_verify(client_ctx, SSL_VERIFY_PEER, NULL);
    remove(argv[4]);

    snprintf(label, sizeof label, "%s first server", version);
    connect_once(label, argv, client_ctx, "unit", &session);
    snprintf(label, sizeof label, "%s a new server process reading it back", version);
    connect_once(label, argv, client_ctx, "unit", &session);
    snprintf(label, sizeof label, "%s a server of another session ID context", version);
    connect_once(label, argv, client_ctx, "other", &session);

    SSL_SESSION_free(session);
    SSL_CTX_free(client_ctx);
}

int main(int argc, char **argv)
{
    if (argc == 7 && strcmp(argv[1], "--serve") == 0) {
        session_file = argv[6];
        return serve(atoi(argv[2]), argv[3], argv[4], argv[5]);
    }
    if (argc != 5)
        die("usage: unit_ssl_session_der CERT.pem KEY.pem CA.pem SESSION-FILE");
    run("TLS 1.3", TLS1_3_VERSION, argv);
    run("TLS 1.2", TLS1_2_VERSION, argv);
    printf("done\n");
    return 0;
}
