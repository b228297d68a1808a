/* A forking server in the 2003 style: the parent accepts, a child per connection does the TLS
 * work and exits; the parent reaps the children after the last connection.
 * usage: forking_server CERTFILE KEYFILE CONNECTIONS */
#include "legacy.h"
#include <signal.h>
#include <sys/wait.h>

static void serve(SSL_CTX *ctx, int fd, int n)
{
    SSL *ssl = SSL_new(ctx);
    int ret;

    SSL_set_fd(ssl, fd);
    ret = SSL_accept(ssl);
    if (ret <= 0) {
        printf("child %d: SSL_accept returned %d: %s\n", n, ret,
               ssl_error_name(SSL_get_error(ssl, ret)));
        fflush(stdout);
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    printf("child %d: %s %s\n", n, SSL_get_version(ssl), SSL_get_cipher(ssl));
    fflush(stdout);
    if (!read_request(ssl) || !write_response(ssl, NULL)) {
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    if (SSL_shutdown(ssl) == 0)
        SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    exit(0);
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    int listener, fd, i, count, status, failed = 0;
    pid_t pid;

    if (argc != 4) {
        fprintf(stderr, "usage: %s CERTFILE KEYFILE CONNECTIONS\n", argv[0]);
        return 1;
    }
    count = atoi(argv[3]);

    SSL_library_init();
    SSL_load_error_strings();
    SSLeay_add_ssl_algorithms();
    ctx = SSL_CTX_new(SSLv23_server_method());
    if (!ctx || SSL_CTX_use_certificate_file(ctx, argv[1], SSL_FILETYPE_PEM) <= 0
        || SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) <= 0
        || !SSL_CTX_check_private_key(ctx)) {
        ERR_print_errors_fp(stderr);
        exit(2);
    }

    signal(SIGPIPE, SIG_IGN);
    listener = tcp_listen();
    for (i = 1; i <= count; i++) {
        fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            perror("accept");
            exit(1);
        }
        fflush(stdout);
        pid = fork();
        if (pid == 0) {
            close(listener);
            serve(ctx, fd, i);
        }
        close(fd);
        /* One at a time, so that the children's lines come out in order. */
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;
    }
    printf("children failed: %d\n", failed);
    close(listener);
    SSL_CTX_free(ctx);
    return 0;
}
