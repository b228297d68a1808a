/*
 * openssl/bio.h: BIOs, OpenSSL's I/O objects.
 *
 * A BIO has a method (its type), retry flags saying why an operation did not complete
 * (BIO_should_retry, BIO_should_read/_write), a close flag (BIO_CLOSE: freeing the BIO closes
 * or frees what it wraps), and an optional next BIO: a chain, made with BIO_push, taken apart
 * with BIO_pop, freed with BIO_free_all. A BIO is used by one thread at a time. Reference
 * counted: BIO_up_ref adds a reference, BIO_free drops one.
 *
 * Results follow OpenSSL: the I/O functions return the byte count (> 0), 0 at end of input,
 * -1 on failure (check BIO_should_retry), -2 when the BIO's type does not support the call.
 */
#ifndef FTLS_OPENSSL_BIO_H
#define FTLS_OPENSSL_BIO_H
#define OPENSSL_BIO_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <stdarg.h>
#include <stdio.h>
#include <openssl/crypto.h>
#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Type bits and types (BIO_method_type). */
#define BIO_TYPE_DESCRIPTOR 0x0100
#define BIO_TYPE_FILTER 0x0200
#define BIO_TYPE_SOURCE_SINK 0x0400
#define BIO_TYPE_NONE 0
#define BIO_TYPE_MEM (1 | BIO_TYPE_SOURCE_SINK)
#define BIO_TYPE_FILE (2 | BIO_TYPE_SOURCE_SINK)
#define BIO_TYPE_FD (4 | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR)
#define BIO_TYPE_SOCKET (5 | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR)
#define BIO_TYPE_NULL (6 | BIO_TYPE_SOURCE_SINK)
#define BIO_TYPE_SSL (7 | BIO_TYPE_FILTER)
#define BIO_TYPE_MD (8 | BIO_TYPE_FILTER)
#define BIO_TYPE_BUFFER (9 | BIO_TYPE_FILTER)
#define BIO_TYPE_CIPHER (10 | BIO_TYPE_FILTER)
#define BIO_TYPE_BASE64 (11 | BIO_TYPE_FILTER)
#define BIO_TYPE_CONNECT (12 | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR)
#define BIO_TYPE_ACCEPT (13 | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR)
#define BIO_TYPE_NULL_FILTER (17 | BIO_TYPE_FILTER)
#define BIO_TYPE_BIO (19 | BIO_TYPE_SOURCE_SINK)
#define BIO_TYPE_LINEBUFFER (20 | BIO_TYPE_FILTER)
#define BIO_TYPE_START 128

/* The close flag. */
#define BIO_NOCLOSE 0x00
#define BIO_CLOSE 0x01

/* BIO_ctrl commands every type may answer. */
#define BIO_CTRL_RESET 1
#define BIO_CTRL_EOF 2
#define BIO_CTRL_INFO 3
#define BIO_CTRL_SET 4
#define BIO_CTRL_GET 5
#define BIO_CTRL_PUSH 6
#define BIO_CTRL_POP 7
#define BIO_CTRL_GET_CLOSE 8
#define BIO_CTRL_SET_CLOSE 9
#define BIO_CTRL_PENDING 10
#define BIO_CTRL_FLUSH 11
#define BIO_CTRL_DUP 12
#define BIO_CTRL_WPENDING 13
#define BIO_CTRL_SET_CALLBACK 14
#define BIO_CTRL_GET_CALLBACK 15
#define BIO_CTRL_PEEK 29
#define BIO_CTRL_SET_FILENAME 30

/* Flags: the retry flags, and per-type flags. */
#define BIO_FLAGS_READ 0x01
#define BIO_FLAGS_WRITE 0x02
#define BIO_FLAGS_IO_SPECIAL 0x04
#define BIO_FLAGS_RWS (BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL)
#define BIO_FLAGS_SHOULD_RETRY 0x08
#define BIO_FLAGS_UPLINK 0
#define BIO_FLAGS_BASE64_NO_NL 0x100
#define BIO_FLAGS_MEM_RDONLY 0x200
#define BIO_FLAGS_NONCLEAR_RST 0x400
#define BIO_FLAGS_IN_EOF 0x800

#define BIO_set_retry_special(b) BIO_set_flags(b, (BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY))
#define BIO_set_retry_read(b) BIO_set_flags(b, (BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY))
#define BIO_set_retry_write(b) BIO_set_flags(b, (BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY))
#define BIO_clear_retry_flags(b) BIO_clear_flags(b, (BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY))
#define BIO_get_retry_flags(b) BIO_test_flags(b, (BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY))
#define BIO_should_read(a) BIO_test_flags(a, BIO_FLAGS_READ)
#define BIO_should_write(a) BIO_test_flags(a, BIO_FLAGS_WRITE)
#define BIO_should_io_special(a) BIO_test_flags(a, BIO_FLAGS_IO_SPECIAL)
#define BIO_retry_type(a) BIO_test_flags(a, BIO_FLAGS_RWS)
#define BIO_should_retry(a) BIO_test_flags(a, BIO_FLAGS_SHOULD_RETRY)

/* Why a BIO_FLAGS_IO_SPECIAL retry happened (BIO_get_retry_reason). */
#define BIO_RR_SSL_X509_LOOKUP 0x01
#define BIO_RR_CONNECT 0x02
#define BIO_RR_ACCEPT 0x03

/* Callback operations (BIO_set_callback_ex). */
#define BIO_CB_FREE 0x01
#define BIO_CB_READ 0x02
#define BIO_CB_WRITE 0x03
#define BIO_CB_PUTS 0x04
#define BIO_CB_GETS 0x05
#define BIO_CB_CTRL 0x06
#define BIO_CB_RETURN 0x80
#define BIO_CB_return(a) ((a) | BIO_CB_RETURN)
#define BIO_cb_pre(a) (!((a) & BIO_CB_RETURN))
#define BIO_cb_post(a) ((a) & BIO_CB_RETURN)

typedef long (*BIO_callback_fn_ex)(BIO *b, int oper, const char *argp, size_t len, int argi,
                                   long argl, int ret, size_t *processed);
typedef int BIO_info_cb(BIO *, int, int);
typedef BIO_info_cb bio_info_cb;

/* Type-specific ctrl commands. */
#define BIO_C_SET_CONNECT 100
#define BIO_C_DO_STATE_MACHINE 101
#define BIO_C_SET_NBIO 102
#define BIO_C_SET_FD 104
#define BIO_C_GET_FD 105
#define BIO_C_SET_FILE_PTR 106
#define BIO_C_GET_FILE_PTR 107
#define BIO_C_SET_FILENAME 108
#define BIO_C_SET_SSL 109
#define BIO_C_GET_SSL 110
#define BIO_C_SET_BUF_MEM 114
#define BIO_C_GET_BUF_MEM_PTR 115
#define BIO_C_GET_BUFF_NUM_LINES 116
#define BIO_C_SET_BUFF_SIZE 117
#define BIO_C_SET_ACCEPT 118
#define BIO_C_SSL_MODE 119
#define BIO_C_SET_BUFF_READ_DATA 122
#define BIO_C_GET_CONNECT 123
#define BIO_C_GET_ACCEPT 124
#define BIO_C_FILE_SEEK 128
#define BIO_C_SET_BUF_MEM_EOF_RETURN 130
#define BIO_C_SET_BIND_MODE 131
#define BIO_C_GET_BIND_MODE 132
#define BIO_C_FILE_TELL 133
#define BIO_C_GET_SOCKS 134
#define BIO_C_SET_SOCKS 135
#define BIO_C_SET_WRITE_BUF_SIZE 136
#define BIO_C_GET_WRITE_BUF_SIZE 137
#define BIO_C_MAKE_BIO_PAIR 138
#define BIO_C_DESTROY_BIO_PAIR 139
#define BIO_C_GET_WRITE_GUARANTEE 140
#define BIO_C_GET_READ_REQUEST 141
#define BIO_C_SHUTDOWN_WR 142
#define BIO_C_NREAD0 143
#define BIO_C_NREAD 144
#define BIO_C_NWRITE0 145
#define BIO_C_NWRITE 146
#define BIO_C_RESET_READ_REQUEST 147
#define BIO_C_SET_MD_CTX 148
#define BIO_C_SET_PREFIX 149
#define BIO_C_GET_PREFIX 150
#define BIO_C_SET_SUFFIX 151
#define BIO_C_GET_SUFFIX 152
#define BIO_C_SET_EX_ARG 153
#define BIO_C_GET_EX_ARG 154
#define BIO_C_SET_CONNECT_MODE 155

/* The ctrl macros of every BIO. */
#define BIO_reset(b) (int)BIO_ctrl(b, BIO_CTRL_RESET, 0, NULL)
#define BIO_eof(b) (int)BIO_ctrl(b, BIO_CTRL_EOF, 0, NULL)
#define BIO_set_close(b, c) (int)BIO_ctrl(b, BIO_CTRL_SET_CLOSE, (c), NULL)
#define BIO_get_close(b) (int)BIO_ctrl(b, BIO_CTRL_GET_CLOSE, 0, NULL)
#define BIO_pending(b) (int)BIO_ctrl(b, BIO_CTRL_PENDING, 0, NULL)
#define BIO_wpending(b) (int)BIO_ctrl(b, BIO_CTRL_WPENDING, 0, NULL)
#define BIO_flush(b) (int)BIO_ctrl(b, BIO_CTRL_FLUSH, 0, NULL)
#define BIO_set_fd(b, fd, c) BIO_int_ctrl(b, BIO_C_SET_FD, c, fd)
#define BIO_get_fd(b, c) BIO_ctrl(b, BIO_C_GET_FD, 0, (char *)(c))
#define BIO_get_mem_data(b, pp) BIO_ctrl(b, BIO_CTRL_INFO, 0, (char *)(pp))
#define BIO_set_mem_eof_return(b, v) BIO_ctrl(b, BIO_C_SET_BUF_MEM_EOF_RETURN, v, NULL)

/*
 * Creates a BIO of `type` (BIO_s_mem(), BIO_s_socket(), a program's BIO_meth_new method...).
 * Returns it with one reference, or NULL (error queued) when type is NULL or a program's
 * `create` function failed.
 */
BIO *BIO_new(const BIO_METHOD *type);

/* Drops a reference; the BIO is freed with its last one (a socket BIO with BIO_CLOSE closes its
 * descriptor). Returns 1, or 0 for NULL. BIO_vfree: the same, without a result. Freeing one
 * BIO does not free its chain: BIO_free_all frees each BIO of the chain from `a` on, stopping
 * after a BIO that still has other references. */
int BIO_free(BIO *a);
void BIO_vfree(BIO *a);
void BIO_free_all(BIO *a);
/* Adds a reference. Returns 1, or 0 for NULL. */
int BIO_up_ref(BIO *a);

/*
 * Reads up to dlen bytes into data. Returns the count (> 0), 0 at end of input, -1 on failure
 * or when nothing is available yet (BIO_should_retry tells the two apart), -2 when the type
 * cannot read. BIO_read_ex: 1 with *readbytes set when data was read, 0 otherwise.
 */
int BIO_read(BIO *b, void *data, int dlen);
int BIO_read_ex(BIO *b, void *data, size_t dlen, size_t *readbytes);
/* Reads one line (up to and including '\n', at most size - 1 bytes), NUL-terminated. Returns
 * its length, 0 at end of input, <= 0 on failure, -2 when the type cannot. */
int BIO_gets(BIO *bp, char *buf, int size);

/*
 * Writes dlen bytes of data. Returns the count written (which may be less than dlen), <= 0 on
 * failure or when the BIO cannot take data now (BIO_should_retry), -2 when the type cannot
 * write. BIO_write_ex: 1 with *written set when data was written (or dlen was 0), 0 otherwise.
 * BIO_puts writes a C string.
 */
int BIO_write(BIO *b, const void *data, int dlen);
int BIO_write_ex(BIO *b, const void *data, size_t dlen, size_t *written);
int BIO_puts(BIO *bp, const char *buf);

/*
 * The type-specific control call behind the BIO_* macros: cmd is a BIO_CTRL_* or BIO_C_*
 * command. Returns the command's result: 0 for a command the type does not know, -1 for a
 * NULL BIO, -2 when a program's method has no ctrl. BIO_int_ctrl passes &iarg as parg;
 * BIO_ptr_ctrl returns the pointer the command wrote (NULL on failure). BIO_callback_ctrl
 * passes a function (programs' methods only; -2 otherwise).
 */
long BIO_ctrl(BIO *bp, int cmd, long larg, void *parg);
long BIO_int_ctrl(BIO *bp, int cmd, long larg, int iarg);
void *BIO_ptr_ctrl(BIO *bp, int cmd, long larg);
long BIO_callback_ctrl(BIO *b, int cmd, BIO_info_cb *fp);
/* Bytes waiting to be read / to be written (BIO_CTRL_PENDING / _WPENDING), 0 when none. */
size_t BIO_ctrl_pending(BIO *b);
size_t BIO_ctrl_wpending(BIO *b);

/* The flags: test returns the bits of `flags` that are set. */
int BIO_test_flags(const BIO *b, int flags);
void BIO_set_flags(BIO *b, int flags);
void BIO_clear_flags(BIO *b, int flags);
/* Why the last BIO_FLAGS_IO_SPECIAL retry happened (BIO_RR_*). */
int BIO_get_retry_reason(BIO *bio);
void BIO_set_retry_reason(BIO *bio, int reason);
/* The BIO of bio's chain that caused the retry, and its reason in *reason (may be NULL). */
BIO *BIO_get_retry_BIO(BIO *bio, int *reason);

/* The type (BIO_TYPE_*) and the type's name ("memory buffer", "socket"...). */
int BIO_method_type(const BIO *b);
const char *BIO_method_name(const BIO *b);

/*
 * Chains: BIO_push appends `append` after the last BIO of b's chain and returns b (the chain
 * owns `append` from then on); BIO_pop takes b out of its chain, joins its neighbours, and
 * returns the BIO that followed b (b is not freed); BIO_next gives the next BIO (NULL at the
 * end); BIO_find_type the first BIO of the chain of that type (or, for a class bit such as
 * BIO_TYPE_SOURCE_SINK alone, of that class).
 */
BIO *BIO_push(BIO *b, BIO *append);
BIO *BIO_pop(BIO *b);
BIO *BIO_next(BIO *b);
BIO *BIO_find_type(BIO *b, int bio_type);

/* Bytes read from / written to this BIO so far. */
uint64_t BIO_number_read(BIO *bio);
uint64_t BIO_number_written(BIO *bio);

/*
 * A memory BIO: what is written is read back, in order. Reading an empty one fails with the
 * read-retry flag (more may come), or returns BIO_set_mem_eof_return's value (0: end of
 * input). BIO_get_mem_data sets *pp to the unread data (valid until the BIO is next used) and
 * returns its length. BIO_new_mem_buf: a read-only memory BIO holding a copy of len bytes at
 * buf (len -1: buf is a C string); it ends with end of input and refuses writes.
 */
const BIO_METHOD *BIO_s_mem(void);
BIO *BIO_new_mem_buf(const void *buf, int len);

/*
 * A socket BIO: reads and writes a connected socket. BIO_new_socket(sock, close_flag) makes one
 * (BIO_CLOSE: freeing it closes sock); BIO_new(BIO_s_socket()) makes one that BIO_set_fd
 * completes. Would-block and EINTR become retry flags. Writes never raise SIGPIPE.
 */
const BIO_METHOD *BIO_s_socket(void);
BIO *BIO_new_socket(int sock, int close_flag);
/* 1 when a socket call that returned i failed with an errno worth retrying
 * (EAGAIN/EWOULDBLOCK, EINTR, EINPROGRESS, EALREADY, ENOTCONN, EPROTO). */
int BIO_sock_should_retry(int i);
int BIO_sock_non_fatal_error(int error);

/* ---- The BIO types beyond memory and socket, and the socket helpers follow. ---- */

/*
 * Programs' own BIO types. BIO_get_new_index gives a type index (OR it with
 * BIO_TYPE_SOURCE_SINK or BIO_TYPE_FILTER; -1 once exhausted); BIO_meth_new makes a method
 * with no functions (NULL for a NULL name), freed with BIO_meth_free (its BIOs keep it alive).
 * Each setter installs one function (NULL removes it) and returns 1, or 0 for a NULL or
 * built-in method. The functions follow OpenSSL's contracts: read/write return the byte count
 * or <= 0 (with BIO_set_retry_read/_write when the caller should retry); the _ex forms return
 * 1/0 with the count in their last argument (preferred when both are set); create runs in
 * BIO_new (return 0 to fail it), destroy in the last BIO_free.
 */
int BIO_get_new_index(void);
BIO_METHOD *BIO_meth_new(int type, const char *name);
void BIO_meth_free(BIO_METHOD *biom);
int BIO_meth_set_write(BIO_METHOD *biom, int (*write)(BIO *, const char *, int));
int BIO_meth_set_write_ex(BIO_METHOD *biom, int (*bwrite)(BIO *, const char *, size_t, size_t *));
int BIO_meth_set_read(BIO_METHOD *biom, int (*read)(BIO *, char *, int));
int BIO_meth_set_read_ex(BIO_METHOD *biom, int (*bread)(BIO *, char *, size_t, size_t *));
int BIO_meth_set_puts(BIO_METHOD *biom, int (*puts)(BIO *, const char *));
int BIO_meth_set_gets(BIO_METHOD *biom, int (*gets)(BIO *, char *, int));
int BIO_meth_set_ctrl(BIO_METHOD *biom, long (*ctrl)(BIO *, int, long, void *));
int BIO_meth_set_create(BIO_METHOD *biom, int (*create)(BIO *));
int BIO_meth_set_destroy(BIO_METHOD *biom, int (*destroy)(BIO *));
int BIO_meth_set_callback_ctrl(BIO_METHOD *biom, long (*callback_ctrl)(BIO *, int, BIO_info_cb *));

/* A BIO's state for its method's functions: the program's pointer, whether it is ready for I/O
 * (BIO_set_init in create, or later), its close flag, and (for filters) its next BIO (no
 * reference is taken). NULL BIO: nothing / NULL / 0. */
void BIO_set_data(BIO *a, void *ptr);
void *BIO_get_data(BIO *a);
void BIO_set_init(BIO *a, int init);
int BIO_get_init(BIO *a);
void BIO_set_shutdown(BIO *a, int shut);
int BIO_get_shutdown(BIO *a);
void BIO_set_next(BIO *b, BIO *next);

/* The BIO's callback, called before each operation (a result <= 0 cancels it with that
 * result) and after (oper | BIO_CB_RETURN; its result replaces the operation's); NULL removes
 * it. The callback argument is the program's pointer, given back by BIO_get_callback_arg. */
void BIO_set_callback_ex(BIO *b, BIO_callback_fn_ex callback);
BIO_callback_fn_ex BIO_get_callback_ex(const BIO *b);
void BIO_set_callback_arg(BIO *b, char *arg);
char *BIO_get_callback_arg(const BIO *b);

/* Hex dumps in OpenSSL's layout ("0000 - 30 31 ...-... 0123..."), rows indented by indent
 * spaces (at most 64; fewer bytes a row as it grows). Return the characters written, -1 on
 * failure. */
int BIO_dump(BIO *b, const void *bytes, int len);
int BIO_dump_indent(BIO *b, const void *bytes, int len, int indent);
int BIO_dump_fp(FILE *fp, const void *s, int len);
int BIO_dump_indent_fp(FILE *fp, const void *s, int len, int indent);

/* Formatted output: the C library's vsnprintf, then BIO_write. Returns BIO_write's result, -1
 * on a formatting or allocation failure. (Inline here: a variadic function cannot be written in
 * the library's language.) BIO_snprintf returns -1 when the text did not fit. */
#if defined(__GNUC__)
#define FTLS_BIO_PRINTF_FORMAT(f, a) __attribute__((format(printf, f, a)))
#else
#define FTLS_BIO_PRINTF_FORMAT(f, a)
#endif
static ossl_unused ossl_inline int BIO_vprintf(BIO *bio, const char *format, va_list args)
{
    char small[512];
    char *text = small;
    int n;
    va_list again;
    va_copy(again, args);
    n = vsnprintf(small, sizeof small, format, args);
    if (n >= 0 && (size_t)n >= sizeof small) {
        text = (char *)OPENSSL_malloc((size_t)n + 1);
        if (text == NULL)
            n = -1;
        else
            n = vsnprintf(text, (size_t)n + 1, format, again);
    }
    va_end(again);
    if (n >= 0)
        n = BIO_write(bio, text, n);
    if (text != small)
        OPENSSL_free(text);
    return n;
}
static ossl_unused ossl_inline FTLS_BIO_PRINTF_FORMAT(2, 3) int BIO_printf(BIO *bio, const char *format, ...)
{
    va_list args;
    int n;
    va_start(args, format);
    n = BIO_vprintf(bio, format, args);
    va_end(args);
    return n;
}
static ossl_unused ossl_inline int BIO_vsnprintf(char *buf, size_t n, const char *format, va_list args)
{
    int len = vsnprintf(buf, n, format, args);
    return (len < 0 || (size_t)len >= n) ? -1 : len;
}
static ossl_unused ossl_inline FTLS_BIO_PRINTF_FORMAT(3, 4) int BIO_snprintf(char *buf, size_t n, const char *format, ...)
{
    va_list args;
    int len;
    va_start(args, format);
    len = BIO_vsnprintf(buf, n, format, args);
    va_end(args);
    return len;
}

/*
 * BIO pairs: two BIOs joined back to back; what one end writes (into its own buffer, default
 * 17 KiB) the other reads. Reading an empty end is a read retry, or end of input (0) once the
 * writer called BIO_shutdown_wr; writing a full buffer is a write retry. BIO_new_bio_pair makes
 * a joined pair (buffer sizes 0: the default): 1, or 0 with both set to NULL.
 * BIO_ctrl_get_write_guarantee: how many bytes may be written now; BIO_ctrl_get_read_request:
 * how many the peer's last read wanted and did not get. BIO_pending: bytes readable;
 * BIO_wpending: bytes written and not yet read.
 */
const BIO_METHOD *BIO_s_bio(void);
int BIO_new_bio_pair(BIO **bio1, size_t writebuf1, BIO **bio2, size_t writebuf2);
size_t BIO_ctrl_get_write_guarantee(BIO *b);
size_t BIO_ctrl_get_read_request(BIO *b);
int BIO_ctrl_reset_read_request(BIO *b);
#define BIO_set_write_buf_size(b, size) (int)BIO_ctrl(b, BIO_C_SET_WRITE_BUF_SIZE, size, NULL)
#define BIO_get_write_buf_size(b, size) (size_t)BIO_ctrl(b, BIO_C_GET_WRITE_BUF_SIZE, size, NULL)
#define BIO_make_bio_pair(b1, b2) (int)BIO_ctrl(b1, BIO_C_MAKE_BIO_PAIR, 0, b2)
#define BIO_destroy_bio_pair(b) (int)BIO_ctrl(b, BIO_C_DESTROY_BIO_PAIR, 0, NULL)
#define BIO_shutdown_wr(b) (int)BIO_ctrl(b, BIO_C_SHUTDOWN_WR, 0, NULL)
#define BIO_get_write_guarantee(b) (size_t)BIO_ctrl(b, BIO_C_GET_WRITE_GUARANTEE, 0, NULL)
#define BIO_get_read_request(b) (size_t)BIO_ctrl(b, BIO_C_GET_READ_REQUEST, 0, NULL)

/* A file descriptor BIO (read()/write(); BIO_set_fd / BIO_get_fd; with BIO_CLOSE freeing it
 * closes the descriptor). BIO_fd_should_retry: 1 when a call that returned i failed with an
 * errno worth retrying. */
const BIO_METHOD *BIO_s_fd(void);
BIO *BIO_new_fd(int fd, int close_flag);
int BIO_fd_should_retry(int i);
int BIO_fd_non_fatal_error(int error);

/* A stdio stream BIO. BIO_new_fp wraps the program's stream (BIO_CLOSE: freeing the BIO closes
 * it); BIO_new_file opens one (NULL on failure, with the system error and BIO "no such file"
 * or "system lib" queued). BIO_read_filename and its kin open a file in an existing BIO. */
#define BIO_FP_READ 0x02
#define BIO_FP_WRITE 0x04
#define BIO_FP_APPEND 0x08
const BIO_METHOD *BIO_s_file(void);
BIO *BIO_new_file(const char *filename, const char *mode);
BIO *BIO_new_fp(FILE *stream, int close_flag);
#define BIO_set_fp(b, fp, c) BIO_ctrl(b, BIO_C_SET_FILE_PTR, c, (char *)(fp))
#define BIO_get_fp(b, fpp) BIO_ctrl(b, BIO_C_GET_FILE_PTR, 0, (char *)(fpp))
#define BIO_seek(b, ofs) (int)BIO_ctrl(b, BIO_C_FILE_SEEK, ofs, NULL)
#define BIO_tell(b) (int)BIO_ctrl(b, BIO_C_FILE_TELL, 0, NULL)
#define BIO_read_filename(b, name) (int)BIO_ctrl(b, BIO_C_SET_FILENAME, BIO_CLOSE | BIO_FP_READ, (char *)(name))
#define BIO_write_filename(b, name) (int)BIO_ctrl(b, BIO_C_SET_FILENAME, BIO_CLOSE | BIO_FP_WRITE, name)
#define BIO_append_filename(b, name) (int)BIO_ctrl(b, BIO_C_SET_FILENAME, BIO_CLOSE | BIO_FP_APPEND, name)
#define BIO_rw_filename(b, name) (int)BIO_ctrl(b, BIO_C_SET_FILENAME, BIO_CLOSE | BIO_FP_READ | BIO_FP_WRITE, name)

/* Running a BIO's state machine: a connect BIO connects, an accept BIO binds or accepts, an
 * SSL BIO handshakes. Returns 1 when done, <= 0 otherwise (BIO_should_retry for a
 * non-blocking BIO not done yet). */
#define BIO_do_handshake(b) BIO_ctrl(b, BIO_C_DO_STATE_MACHINE, 0, NULL)
#define BIO_do_connect(b) BIO_do_handshake(b)
#define BIO_do_accept(b) BIO_do_handshake(b)
/* Non-blocking mode for a connect BIO (a connection in progress: retry, BIO_RR_CONNECT). */
#define BIO_set_nbio(b, n) BIO_ctrl(b, BIO_C_SET_NBIO, (n), NULL)

/* A client socket that connects itself, to "host:port" ("[v6]:port") or host and port; on
 * BIO_do_connect or the first read or write. The getters return the BIO's copy (NULL if
 * unset). BIO_set_conn_ip_family: 4, 6, or 0 for either. */
const BIO_METHOD *BIO_s_connect(void);
BIO *BIO_new_connect(const char *host_port);
#define BIO_set_conn_hostname(b, name) BIO_ctrl(b, BIO_C_SET_CONNECT, 0, (char *)(name))
#define BIO_set_conn_port(b, port) BIO_ctrl(b, BIO_C_SET_CONNECT, 1, (char *)(port))
#define BIO_set_conn_ip_family(b, f) BIO_int_ctrl(b, BIO_C_SET_CONNECT, 3, f)
#define BIO_get_conn_hostname(b) ((const char *)BIO_ptr_ctrl(b, BIO_C_GET_CONNECT, 0))
#define BIO_get_conn_port(b) ((const char *)BIO_ptr_ctrl(b, BIO_C_GET_CONNECT, 1))

/* A listening socket: the first BIO_do_accept binds ("host:port", "*:port" or a port alone;
 * port 0 picks a free one, which BIO_get_accept_port then gives) and listens; each later one
 * accepts a connection and appends a socket BIO for it after the accept BIO (BIO_pop takes
 * it). BIO_set_nbio_accept: non-blocking accept (nothing waiting: retry, BIO_RR_ACCEPT). */
#define BIO_BIND_NORMAL 0
#define BIO_BIND_REUSEADDR BIO_SOCK_REUSEADDR
#define BIO_BIND_REUSEADDR_IF_UNUSED BIO_SOCK_REUSEADDR
const BIO_METHOD *BIO_s_accept(void);
BIO *BIO_new_accept(const char *host_port);
#define BIO_set_accept_name(b, name) BIO_ctrl(b, BIO_C_SET_ACCEPT, 0, (char *)(name))
#define BIO_set_accept_port(b, port) BIO_ctrl(b, BIO_C_SET_ACCEPT, 1, (char *)(port))
#define BIO_get_accept_name(b) ((char *)BIO_ptr_ctrl(b, BIO_C_GET_ACCEPT, 0))
#define BIO_get_accept_port(b) ((char *)BIO_ptr_ctrl(b, BIO_C_GET_ACCEPT, 1))
#define BIO_set_nbio_accept(b, n) BIO_ctrl(b, BIO_C_SET_ACCEPT, 2, (n) ? (void *)"a" : NULL)
#define BIO_set_accept_ip_family(b, f) BIO_int_ctrl(b, BIO_C_SET_ACCEPT, 4, f)
#define BIO_set_bind_mode(b, mode) BIO_ctrl(b, BIO_C_SET_BIND_MODE, mode, NULL)
#define BIO_get_bind_mode(b) BIO_ctrl(b, BIO_C_GET_BIND_MODE, 0, NULL)

/* A buffering filter: writes wait for BIO_flush (or a full buffer, default 4096 bytes), reads
 * come from the next BIO in chunks, and BIO_gets reads lines. Other commands go to the next
 * BIO. */
const BIO_METHOD *BIO_f_buffer(void);
#define BIO_set_buffer_size(b, size) BIO_ctrl(b, BIO_C_SET_BUFF_SIZE, size, NULL)
#define BIO_get_buff_num_lines(b) BIO_ctrl(b, BIO_C_GET_BUFF_NUM_LINES, 0, NULL)

/* An SSL as a filter BIO: reads and writes are SSL_read / SSL_write, its own I/O goes through
 * the next BIO of the chain, SSL_get_error's answers become retry flags, BIO_do_handshake runs
 * the handshake, other commands go to the next BIO. BIO_new_ssl: with a new SSL from ctx,
 * client (non-zero) or server, freed with the BIO. BIO_new_ssl_connect: a client SSL BIO with
 * a connect BIO after it. BIO_ssl_shutdown: SSL_shutdown on the chain's SSL. */
const BIO_METHOD *BIO_f_ssl(void);
BIO *BIO_new_ssl(SSL_CTX *ctx, int client);
BIO *BIO_new_ssl_connect(SSL_CTX *ctx);
void BIO_ssl_shutdown(BIO *ssl_bio);
#define BIO_set_ssl(b, ssl, c) BIO_ctrl(b, BIO_C_SET_SSL, c, (char *)(ssl))
#define BIO_get_ssl(b, sslp) BIO_ctrl(b, BIO_C_GET_SSL, 0, (char *)(sslp))
#define BIO_set_ssl_mode(b, client) BIO_ctrl(b, BIO_C_SSL_MODE, client, NULL)

/*
 * OpenSSL 3.0's socket helpers. BIO_lookup_ex: host and service (either may be NULL) for a
 * client or a server to bind (a NULL host: any address), restricted to family (AF_INET,
 * AF_INET6, AF_UNSPEC), socktype and protocol (0: any); 1 with *res the list (free with
 * BIO_ADDRINFO_free), 0 with getaddrinfo's error queued. The list's entries are read with the
 * BIO_ADDRINFO_* getters (borrowed, valid as long as the list).
 */
enum BIO_lookup_type { BIO_LOOKUP_CLIENT, BIO_LOOKUP_SERVER };
#define BIO_SOCK_REUSEADDR 0x01
#define BIO_SOCK_V6_ONLY 0x02
#define BIO_SOCK_KEEPALIVE 0x04
#define BIO_SOCK_NONBLOCK 0x08
#define BIO_SOCK_NODELAY 0x10
int BIO_lookup_ex(const char *host, const char *service, int lookup_type, int family,
                  int socktype, int protocol, BIO_ADDRINFO **res);
int BIO_lookup(const char *host, const char *service, enum BIO_lookup_type lookup_type,
               int family, int socktype, BIO_ADDRINFO **res);
const BIO_ADDRINFO *BIO_ADDRINFO_next(const BIO_ADDRINFO *bai);
int BIO_ADDRINFO_family(const BIO_ADDRINFO *bai);
int BIO_ADDRINFO_socktype(const BIO_ADDRINFO *bai);
int BIO_ADDRINFO_protocol(const BIO_ADDRINFO *bai);
const BIO_ADDR *BIO_ADDRINFO_address(const BIO_ADDRINFO *bai);
void BIO_ADDRINFO_free(BIO_ADDRINFO *bai);
/* Addresses: new (for BIO_accept_ex) and free; family; port in network order; host and port as
 * text in new strings (OPENSSL_free; NULL on failure). */
BIO_ADDR *BIO_ADDR_new(void);
void BIO_ADDR_free(BIO_ADDR *ap);
int BIO_ADDR_family(const BIO_ADDR *ap);
unsigned short BIO_ADDR_rawport(const BIO_ADDR *ap);
char *BIO_ADDR_hostname_string(const BIO_ADDR *ap, int numeric);
char *BIO_ADDR_service_string(const BIO_ADDR *ap, int numeric);
/* BIO_socket: a new socket, -1 on failure (options unused). BIO_connect: 1 when connected; 0
 * when a non-blocking connect is in progress (nothing queued; BIO_sock_should_retry(-1) is 1)
 * or on failure (system error and "connect error" queued). BIO_listen: bind and listen, 1 or 0.
 * BIO_accept_ex: the accepted socket, -1 on failure or nothing waiting (non-blocking).
 * BIO_closesocket: 1 or 0. BIO_socket_nbio: non-blocking (mode 1) or blocking (0), 1 or 0. */
int BIO_socket(int domain, int socktype, int protocol, int options);
int BIO_connect(int sock, const BIO_ADDR *addr, int options);
int BIO_listen(int sock, const BIO_ADDR *addr, int options);
int BIO_accept_ex(int accept_sock, BIO_ADDR *addr, int options);
int BIO_closesocket(int sock);
int BIO_socket_nbio(int fd, int mode);

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_BIO_H */
