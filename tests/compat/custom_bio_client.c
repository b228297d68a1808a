/* A transport plugged in as a custom BIO method, as event-loop libraries do: BIO_meth_new with
 * read/write/ctrl/create/destroy, the descriptor kept with BIO_set_data, retry flags set and
 * cleared the way BIO_s_socket does.
 * usage: custom_bio_client HOST PORT CAFILE */
#include "legacy.h"
#include <openssl/bio.h>

static int reads, writes;

static int transport_write(BIO *b, const char *data, int len)
{
    int *fd = BIO_get_data(b);
    ssize_t n;

    BIO_clear_retry_flags(b);
    writes++;
    n = write(*fd, data, (size_t)len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        BIO_set_retry_write(b);
    return (int)n;
}

static int transport_read(BIO *b, char *data, int len)
{
    int *fd = BIO_get_data(b);
    ssize_t n;

    BIO_clear_retry_flags(b);
    reads++;
    n = read(*fd, data, (size_t)len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        BIO_set_retry_read(b);
    return (int)n;
}

static long transport_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)b;
    (void)num;
    (void)ptr;
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    default:
        return 0;
    }
}

static int transport_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

static int transport_destroy(BIO *b)
{
    int *fd = BIO_get_data(b);

    if (fd != NULL) {
        close(*fd);
        free(fd);
        BIO_set_data(b, NULL);
    }
    return 1;
}

int main(int argc, char **argv)
{
    BIO_METHOD *meth;
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *bio;
    int *fd;
    char buf[4096];
    int n;

    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE\n", argv[0]);
        return 1;
    }
    meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "legacy transport");
    BIO_meth_set_write(meth, transport_write);
    BIO_meth_set_read(meth, transport_read);
    BIO_meth_set_ctrl(meth, transport_ctrl);
    BIO_meth_set_create(meth, transport_create);
    BIO_meth_set_destroy(meth, transport_destroy);

    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, argv[3], NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

    fd = malloc(sizeof(*fd));
    *fd = tcp_connect(argv[1], argv[2]);
    if (*fd < 0)
        return 1;
    bio = BIO_new(meth);
    BIO_set_data(bio, fd);
    printf("custom BIO type %s a source/sink\n",
           (BIO_method_type(bio) & BIO_TYPE_SOURCE_SINK) == BIO_TYPE_SOURCE_SINK ? "is" : "is not");

    ssl = SSL_new(ctx);
    SSL_set_bio(ssl, bio, bio);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (SSL_connect(ssl) != 1) {
        printf("handshake failed\n");
        ERR_print_errors_fp(stderr);
        return 2;
    }
    printf("connected: %s; the transport was used both ways: %s\n", SSL_get_version(ssl),
           reads > 0 && writes > 0 ? "yes" : "no");
    SSL_write(ssl, HTTP_REQUEST, (int)strlen(HTTP_REQUEST));
    while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    printf("end: %s\n", ssl_error_name(SSL_get_error(ssl, n)));
    SSL_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    BIO_meth_free(meth);
    return 0;
}
