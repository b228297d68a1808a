/*
 * The BIO types beyond memory and socket, the way legacy programs drive them: a BIO pair
 * (sizes, retries, read requests, shutdown), descriptor and stdio BIOs (lines, files, the
 * errors of a missing file), hex dumps, formatted output, a program's own method, callbacks,
 * the buffering filter, connect and accept BIOs on loopback (port 0), and the 3.0 socket
 * helpers. Built unchanged against the system OpenSSL and against ftls' root; the two outputs
 * must be identical.
 *
 *   unit_bio SCRATCH_FILE
 */
#include <openssl/bio.h>
#include <openssl/err.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void print_errors(const char *label)
{
    unsigned long e;
    printf("%s:", label);
    while ((e = ERR_get_error()) != 0)
        printf(" lib=%d reason=%d", ERR_GET_LIB(e), ERR_GET_REASON(e));
    printf("\n");
}

static void print_mem(const char *label, BIO *mem)
{
    char *data = NULL;
    long len = BIO_get_mem_data(mem, &data);
    printf("%s (%ld): %.*s|\n", label, len, (int)len, data ? data : "");
    (void)BIO_reset(mem);
}

static void pair(void)
{
    BIO *b1 = NULL, *b2 = NULL;
    char buf[128];
    int n;
    memset(buf, 'x', sizeof buf);
    n = BIO_new_bio_pair(&b1, 64, &b2, 0);
    printf("pair: %d type=%d name=%s\n", n, BIO_method_type(b1), BIO_method_name(b1));
    printf("pair: guarantee %d/%d bufsize %d\n", (int)BIO_ctrl_get_write_guarantee(b1),
           (int)BIO_ctrl_get_write_guarantee(b2), (int)BIO_get_write_buf_size(b1, 0));
    n = BIO_write(b1, buf, 100);
    printf("pair: write 100 -> %d, guarantee %d\n", n, (int)BIO_ctrl_get_write_guarantee(b1));
    n = BIO_write(b1, buf, 10);
    printf("pair: full write -> %d retry=%d write=%d\n", n, BIO_should_retry(b1) != 0,
           BIO_should_write(b1) != 0);
    printf("pair: pending b2=%d wpending b1=%d\n", BIO_pending(b2), BIO_wpending(b1));
    n = BIO_read(b2, buf, 50);
    printf("pair: read 50 -> %d, guarantee b1 %d\n", n, (int)BIO_ctrl_get_write_guarantee(b1));
    n = BIO_read(b2, buf, 100);
    printf("pair: read 100 -> %d\n", n);
    n = BIO_read(b2, buf, 30);
    printf("pair: empty read -> %d retry=%d read=%d request=%d\n", n, BIO_should_retry(b2) != 0,
           BIO_should_read(b2) != 0, (int)BIO_ctrl_get_read_request(b1));
    BIO_write(b2, "pong", 4);
    n = BIO_read(b1, buf, sizeof buf);
    printf("pair: other way -> %d %.4s\n", n, buf);
    n = BIO_ctrl_reset_read_request(b1);
    printf("pair: reset request %d -> %d\n", n, (int)BIO_ctrl_get_read_request(b1));
    n = BIO_shutdown_wr(b1);
    printf("pair: shutdown_wr %d eof=%d\n", n, BIO_eof(b2));
    n = BIO_read(b2, buf, 10);
    printf("pair: read after shutdown -> %d retry=%d eof=%d\n", n, BIO_should_retry(b2) != 0,
           BIO_eof(b2));
    n = BIO_write(b1, "late", 4);
    printf("pair: write after shutdown -> %d guarantee %d\n", n,
           (int)BIO_ctrl_get_write_guarantee(b1));
    ERR_clear_error();
    BIO_free(b1);
    BIO_free(b2);
}

static void descriptors(void)
{
    int fds[2];
    BIO *w, *r;
    char line[64];
    int n;
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(2);
    }
    w = BIO_new_fd(fds[1], BIO_CLOSE);
    r = BIO_new_fd(fds[0], BIO_CLOSE);
    printf("fd: type=%d name=%s get_fd=%d\n", BIO_method_type(w), BIO_method_name(w),
           BIO_get_fd(r, NULL) == fds[0]);
    n = BIO_printf(w, "hello %s\nline %d\nno newline", "world", 2);
    printf("fd: printf -> %d\n", n);
    BIO_free(w);
    while ((n = BIO_gets(r, line, sizeof line)) > 0)
        printf("fd: gets %d '%s'\n", n, line);
    printf("fd: end %d\n", n);
    BIO_free(r);
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(2);
    }
    BIO_socket_nbio(fds[0], 1);
    r = BIO_new(BIO_s_fd());
    BIO_set_fd(r, fds[0], BIO_CLOSE);
    n = BIO_read(r, line, sizeof line);
    printf("fd: empty non-blocking read %d retry=%d should_retry(fd)=%d shutdown=%d\n", n,
           BIO_should_retry(r) != 0, BIO_fd_should_retry(n), BIO_get_shutdown(r));
    BIO_set_shutdown(r, BIO_NOCLOSE);
    printf("fd: shutdown now %d\n", BIO_get_shutdown(r));
    BIO_free(r);
    close(fds[0]);
    close(fds[1]);
}

static void files(const char *path)
{
    BIO *b = BIO_new_file(path, "w");
    char line[64], big[2000];
    int n;
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    printf("file: type=%d name=%s\n", BIO_method_type(b), BIO_method_name(b));
    n = BIO_puts(b, "first line\n");
    printf("file: puts %d", n);
    n = BIO_printf(b, "%s|%05d\n", big, 42);
    printf(" printf %d", n);
    n = BIO_tell(b);
    printf(" tell %d flush %d\n", n, BIO_flush(b));
    BIO_free(b);
    b = BIO_new(BIO_s_file());
    printf("file: read_filename %d\n", BIO_read_filename(b, path));
    n = BIO_gets(b, line, sizeof line);
    printf("file: gets %d '%s'\n", n, line);
    n = BIO_read(b, line, 10);
    printf("file: read %d '%.10s' eof=%d\n", n, line, BIO_eof(b));
    n = BIO_seek(b, 3);
    printf("file: seek %d tell %d\n", n, BIO_tell(b));
    n = BIO_read(b, line, 5);
    printf("file: read after seek %d '%.5s'\n", n, line);
    BIO_free(b);
    b = BIO_new_file("/nonexistent/dir/file", "r");
    printf("file: missing -> %s\n", b ? "opened" : "NULL");
    print_errors("file: errors");
    b = BIO_new_fp(stdout, BIO_NOCLOSE);
    BIO_printf(b, "file: through stdout %d\n", 7);
    BIO_free(b);
}

static void dumps(void)
{
    BIO *mem = BIO_new(BIO_s_mem());
    unsigned char bytes[40];
    int i;
    for (i = 0; i < (int)sizeof bytes; i++)
        bytes[i] = (unsigned char)(i * 7 + 30);
    printf("dump: %d\n", BIO_dump(mem, bytes, sizeof bytes));
    print_mem("dump", mem);
    printf("dump indent 4: %d\n", BIO_dump_indent(mem, bytes, sizeof bytes, 4));
    print_mem("dump", mem);
    printf("dump indent 10: %d\n", BIO_dump_indent(mem, bytes, 20, 10));
    print_mem("dump", mem);
    printf("dump empty: %d\n", BIO_dump(mem, bytes, 0));
    fflush(stdout);
    printf("dump_fp: %d\n", BIO_dump_fp(stdout, "short", 5));
    printf("dump_indent_fp: %d\n", BIO_dump_indent_fp(stdout, bytes, 20, 2));
    BIO_free(mem);
}

/* A transport of the program's own: a byte buffer held in the BIO's data. */
struct transport {
    char data[256];
    int len;
    int created;
};

static int t_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

static int t_destroy(BIO *b)
{
    struct transport *t = BIO_get_data(b);
    printf("custom: destroy (%d bytes left)\n", t ? t->len : -1);
    return 1;
}

static int t_write(BIO *b, const char *data, int len)
{
    struct transport *t = BIO_get_data(b);
    int room = (int)sizeof t->data - t->len;
    BIO_clear_retry_flags(b);
    if (room == 0) {
        BIO_set_retry_write(b);
        return -1;
    }
    if (len > room)
        len = room;
    memcpy(t->data + t->len, data, (size_t)len);
    t->len += len;
    return len;
}

static int t_read(BIO *b, char *out, int len)
{
    struct transport *t = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    if (t->len == 0) {
        BIO_set_retry_read(b);
        return -1;
    }
    if (len > t->len)
        len = t->len;
    memcpy(out, t->data, (size_t)len);
    memmove(t->data, t->data + len, (size_t)(t->len - len));
    t->len -= len;
    return len;
}

static long t_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    struct transport *t = BIO_get_data(b);
    (void)num;
    (void)ptr;
    switch (cmd) {
    case BIO_CTRL_PENDING:
        return t->len;
    case BIO_CTRL_FLUSH:
        return 1;
    default:
        return 0;
    }
}

static int t_write_ex(BIO *b, const char *data, size_t len, size_t *written)
{
    int n = t_write(b, data, (int)len);
    if (n <= 0)
        return 0;
    *written = (size_t)n;
    return 1;
}

static int t_read_ex(BIO *b, char *out, size_t len, size_t *readbytes)
{
    int n = t_read(b, out, (int)len);
    if (n <= 0)
        return 0;
    *readbytes = (size_t)n;
    return 1;
}

static int t_puts(BIO *b, const char *text)
{
    return t_write(b, text, (int)strlen(text));
}

static int t_gets(BIO *b, char *out, int size)
{
    struct transport *t = BIO_get_data(b);
    int n = 0;
    while (n < size - 1 && n < t->len && t->data[n] != '\n')
        n++;
    if (n < t->len && n < size - 1)
        n++;
    memcpy(out, t->data, (size_t)n);
    out[n] = '\0';
    memmove(t->data, t->data + n, (size_t)(t->len - n));
    t->len -= n;
    return n;
}

static long t_callback_ctrl(BIO *b, int cmd, BIO_info_cb *fp)
{
    (void)b;
    return cmd == 14 && fp != NULL ? 42 : 0;
}

static int info_cb(BIO *b, int state, int res)
{
    (void)b;
    return state + res;
}

static long logging_callback(BIO *b, int oper, const char *argp, size_t len, int argi, long argl,
                             int ret, size_t *processed)
{
    (void)b;
    (void)argp;
    (void)argl;
    printf("  callback %s oper=%d len=%d argi=%d ret=%d processed=%d arg=%s\n",
           (oper & BIO_CB_RETURN) ? "after" : "before", oper & ~BIO_CB_RETURN, (int)len, argi, ret,
           processed ? (int)*processed : -1, BIO_get_callback_arg(b));
    return (oper & BIO_CB_RETURN) ? ret : 1;
}

static void custom(void)
{
    int index = BIO_get_new_index();
    BIO_METHOD *method = BIO_meth_new(index | BIO_TYPE_SOURCE_SINK, "program transport");
    struct transport t;
    BIO *b;
    char buf[64];
    int n;
    memset(&t, 0, sizeof t);
    printf("custom: index>=128 %d setters %d%d%d%d%d\n", index >= 128,
           BIO_meth_set_write(method, t_write), BIO_meth_set_read(method, t_read),
           BIO_meth_set_ctrl(method, t_ctrl), BIO_meth_set_create(method, t_create),
           BIO_meth_set_destroy(method, t_destroy));
    b = BIO_new(method);
    BIO_set_data(b, &t);
    printf("custom: type ok %d name=%s init=%d data ok %d\n",
           BIO_method_type(b) == (index | BIO_TYPE_SOURCE_SINK), BIO_method_name(b),
           BIO_get_init(b), BIO_get_data(b) == &t);
    n = BIO_write(b, "through the program", 19);
    printf("custom: write %d pending %d\n", n, BIO_pending(b));
    n = BIO_read(b, buf, sizeof buf);
    printf("custom: read %d '%.*s'\n", n, n, buf);
    n = BIO_read(b, buf, sizeof buf);
    printf("custom: empty read %d retry=%d read=%d\n", n, BIO_should_retry(b) != 0,
           BIO_should_read(b) != 0);
    BIO_set_callback_arg(b, (char *)"arg");
    BIO_set_callback_ex(b, logging_callback);
    printf("custom: callback set %d\n", BIO_get_callback_ex(b) == logging_callback);
    BIO_write(b, "abc", 3);
    BIO_read(b, buf, 2);
    BIO_set_callback_ex(b, NULL);
    BIO_free(b);
    printf("custom: _ex setters %d%d%d%d%d\n", BIO_meth_set_write_ex(method, t_write_ex),
           BIO_meth_set_read_ex(method, t_read_ex), BIO_meth_set_puts(method, t_puts),
           BIO_meth_set_gets(method, t_gets), BIO_meth_set_callback_ctrl(method, t_callback_ctrl));
    memset(&t, 0, sizeof t);
    b = BIO_new(method);
    BIO_set_data(b, &t);
    n = BIO_write(b, "ex", 2);
    printf("custom: write_ex %d", n);
    n = BIO_puts(b, "line one\nline two\n");
    printf(" puts %d", n);
    n = BIO_gets(b, buf, sizeof buf);
    printf(" gets %d '%.*s'", n, n > 0 ? n - 1 : 0, buf);
    n = BIO_read(b, buf, 4);
    printf(" read_ex %d '%.4s'", n, buf);
    printf(" callback_ctrl %ld\n", BIO_callback_ctrl(b, 14, info_cb));
    BIO_free(b);
    BIO_meth_free(method);
}

static void buffering(void)
{
    BIO *mem = BIO_new(BIO_s_mem());
    BIO *buffer = BIO_new(BIO_f_buffer());
    BIO *chain = BIO_push(buffer, mem);
    char line[16];
    int n;
    printf("buffer: type=%d name=%s\n", BIO_method_type(buffer), BIO_method_name(buffer));
    n = BIO_write(chain, "one\ntwo\n", 8);
    printf("buffer: write %d, mem pending %d, wpending %d\n", n, BIO_pending(mem),
           BIO_wpending(chain));
    n = BIO_flush(chain);
    printf("buffer: flush %d, mem pending %d\n", n, BIO_pending(mem));
    BIO_puts(chain, "a much longer third line\nfour");
    (void)BIO_flush(chain);
    while ((n = BIO_gets(chain, line, sizeof line)) > 0)
        printf("buffer: gets %d '%s'\n", n, line);
    printf("buffer: end %d retry=%d\n", n, BIO_should_retry(chain) != 0);
    BIO_free_all(chain);
}

static void sockets(void)
{
    BIO *acceptor = BIO_new_accept("127.0.0.1:0");
    BIO *client, *served;
    BIO_ADDRINFO *res = NULL;
    const BIO_ADDRINFO *ai;
    const char *port;
    char buf[64];
    int n, sock, rounds;

    printf("accept: type=%d name=%s\n", BIO_method_type(acceptor), BIO_method_name(acceptor));
    BIO_set_bind_mode(acceptor, BIO_BIND_REUSEADDR);
    printf("accept: bind mode %ld\n", BIO_get_bind_mode(acceptor));
    printf("accept: listen %ld\n", (long)BIO_do_accept(acceptor));
    port = BIO_get_accept_port(acceptor);
    printf("accept: port assigned %d\n", port != NULL && atoi(port) > 0);

    client = BIO_new_connect("127.0.0.1");
    BIO_set_conn_port(client, port);
    printf("connect: type=%d name=%s host=%s\n", BIO_method_type(client), BIO_method_name(client),
           BIO_get_conn_hostname(client));
    BIO_set_nbio(client, 1);
    for (rounds = 0; rounds < 1000; rounds++) {
        n = (int)BIO_do_connect(client);
        if (n > 0 || !BIO_should_retry(client))
            break;
        if (!BIO_should_io_special(client) || BIO_get_retry_reason(client) != BIO_RR_CONNECT) {
            printf("connect: unexpected retry kind\n");
            break;
        }
        {
            struct pollfd pfd;
            pfd.fd = (int)BIO_get_fd(client, NULL);
            pfd.events = POLLOUT;
            pfd.revents = 0;
            (void)poll(&pfd, 1, 1000);
        }
    }
    printf("connect: done %d\n", n);
    printf("accept: accept %ld\n", (long)BIO_do_accept(acceptor));
    served = BIO_pop(acceptor);
    printf("accept: popped %s type=%d next now %s\n", served ? "a BIO" : "NULL",
           BIO_method_type(served), BIO_next(acceptor) ? "set" : "NULL");
    BIO_write(client, "over loopback", 13);
    n = BIO_read(served, buf, sizeof buf);
    printf("accept: read %d '%.*s'\n", n, n, buf);
    BIO_free(client);
    n = BIO_read(served, buf, sizeof buf);
    printf("accept: read after close %d eof=%d\n", n, BIO_eof(served));
    BIO_free(served);

    printf("lookup: %d\n", BIO_lookup_ex("127.0.0.1", port, BIO_LOOKUP_CLIENT, AF_INET, SOCK_STREAM,
                                         0, &res));
    for (ai = res; ai != NULL; ai = BIO_ADDRINFO_next(ai)) {
        char *host = BIO_ADDR_hostname_string(BIO_ADDRINFO_address(ai), 1);
        char *service = BIO_ADDR_service_string(BIO_ADDRINFO_address(ai), 1);
        printf("lookup: family=%d socktype=%d protocol=%d addr family=%d host=%s port ok %d\n",
               BIO_ADDRINFO_family(ai), BIO_ADDRINFO_socktype(ai), BIO_ADDRINFO_protocol(ai),
               BIO_ADDR_family(BIO_ADDRINFO_address(ai)), host, strcmp(service, port) == 0);
        OPENSSL_free(host);
        OPENSSL_free(service);
    }
    sock = BIO_socket(BIO_ADDRINFO_family(res), BIO_ADDRINFO_socktype(res),
                      BIO_ADDRINFO_protocol(res), 0);
    printf("socket: %d\n", sock >= 0);
    printf("socket: connect %d\n", BIO_connect(sock, BIO_ADDRINFO_address(res), BIO_SOCK_NODELAY));
    printf("accept: accept %ld\n", (long)BIO_do_accept(acceptor));
    served = BIO_pop(acceptor);
    send(sock, "raw", 3, 0);
    n = BIO_read(served, buf, sizeof buf);
    printf("socket: served read %d '%.*s'\n", n, n, buf);
    n = BIO_socket_nbio(sock, 1);
    printf("socket: nbio %d closesocket %d\n", n, BIO_closesocket(sock));
    BIO_free(served);
    BIO_ADDRINFO_free(res);
    res = NULL;
    {
        BIO_ADDRINFO *server_res = NULL;
        BIO_ADDR *peer = BIO_ADDR_new();
        int listener, fd, client_fd;
        printf("lookup server: %d\n", BIO_lookup("127.0.0.1", "0", BIO_LOOKUP_SERVER, AF_INET,
                                                  SOCK_STREAM, &server_res));
        listener = BIO_socket(AF_INET, SOCK_STREAM, 0, 0);
        printf("listen: %d\n", BIO_listen(listener, BIO_ADDRINFO_address(server_res),
                                           BIO_SOCK_REUSEADDR));
        {
            struct sockaddr_in bound;
            socklen_t bound_len = sizeof bound;
            BIO_ADDRINFO *to = NULL;
            char service[16];
            getsockname(listener, (struct sockaddr *)&bound, &bound_len);
            sprintf(service, "%d", ntohs(bound.sin_port));
            BIO_lookup_ex("127.0.0.1", service, BIO_LOOKUP_CLIENT, AF_INET, SOCK_STREAM, 0, &to);
            client_fd = BIO_socket(AF_INET, SOCK_STREAM, 0, 0);
            printf("listen: connect %d\n", BIO_connect(client_fd, BIO_ADDRINFO_address(to), 0));
            fd = BIO_accept_ex(listener, peer, 0);
            printf("listen: accepted %d family=%d port>0 %d\n", fd >= 0, BIO_ADDR_family(peer),
                   BIO_ADDR_rawport(peer) != 0);
            BIO_ADDRINFO_free(to);
        }
        BIO_closesocket(fd);
        BIO_closesocket(client_fd);
        BIO_closesocket(listener);
        BIO_ADDR_free(peer);
        BIO_ADDRINFO_free(server_res);
    }
    printf("lookup: bad host %d\n", BIO_lookup_ex("no such host.invalid", "1", BIO_LOOKUP_CLIENT,
                                                  AF_INET, SOCK_STREAM, 0, &res));
    ERR_clear_error();
    BIO_free(acceptor);
}

/* A read-only memory BIO (BIO_new_mem_buf): read to the end, then reset rewinds it to the
 * start, however it was read; writes are refused. */
static void read_only_memory(void)
{
    static const char text[] = "first line\nsecond line\n";
    char buf[64];
    BIO *mem = BIO_new_mem_buf(text, -1);
    int n = BIO_read(mem, buf, sizeof buf);
    printf("read-only: read %d: %.*s|\n", n, n > 0 ? n : 0, buf);
    n = BIO_read(mem, buf, sizeof buf);
    printf("read-only: at end read %d", n);
    printf(" eof %d", (int)BIO_eof(mem));
    printf(" pending %d\n", (int)BIO_pending(mem));
    printf("read-only: reset %d", (int)BIO_reset(mem));
    printf(" pending %d\n", (int)BIO_pending(mem));
    n = BIO_gets(mem, buf, sizeof buf);
    printf("read-only: gets %d: %.*s|\n", n, n > 0 ? n : 0, buf);
    printf("read-only: reset after part %d", (int)BIO_reset(mem));
    printf(" pending %d\n", (int)BIO_pending(mem));
    n = BIO_read(mem, buf, 5);
    printf("read-only: read 5 %d: %.*s|\n", n, n > 0 ? n : 0, buf);
    printf("read-only: write %d\n", BIO_write(mem, "x", 1));
    print_errors("read-only: write errors");
    n = BIO_read(mem, buf, sizeof buf);
    printf("read-only: rest %d: %.*s|\n", n, n > 0 ? n : 0, buf);
    BIO_free(mem);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s SCRATCH_FILE\n", argv[0]);
        return 1;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    pair();
    descriptors();
    files(argv[1]);
    dumps();
    custom();
    buffering();
    sockets();
    read_only_memory();
    printf("done\n");
    return 0;
}
