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

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_BIO_H */
