/*
 * openssl/err.h: the error queue.
 *
 * Each thread has its own queue of error records (the one per-thread state of this library).
 * A failing call appends records; the program reads them oldest first with ERR_get_error, or
 * prints them with ERR_print_errors_fp. A record packs a library code and a reason code as
 * OpenSSL 3.0 does, with OpenSSL's numbers, and prints in OpenSSL's format, e.g.
 *     error:0A000086:SSL routines::certificate verify failed
 * The queue keeps the newest 16 records, as OpenSSL's does.
 */
#ifndef FTLS_OPENSSL_ERR_H
#define FTLS_OPENSSL_ERR_H
#define OPENSSL_ERR_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <stdio.h>
#include <openssl/types.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Library codes (the upper byte of a packed error). */
#define ERR_LIB_NONE 1
#define ERR_LIB_SYS 2
#define ERR_LIB_BN 3
#define ERR_LIB_RSA 4
#define ERR_LIB_DH 5
#define ERR_LIB_EVP 6
#define ERR_LIB_BUF 7
#define ERR_LIB_OBJ 8
#define ERR_LIB_PEM 9
#define ERR_LIB_DSA 10
#define ERR_LIB_X509 11
#define ERR_LIB_ASN1 13
#define ERR_LIB_CONF 14
#define ERR_LIB_CRYPTO 15
#define ERR_LIB_EC 16
#define ERR_LIB_SSL 20
#define ERR_LIB_BIO 32
#define ERR_LIB_PKCS7 33
#define ERR_LIB_X509V3 34
#define ERR_LIB_PKCS12 35
#define ERR_LIB_RAND 36
#define ERR_LIB_DSO 37
#define ERR_LIB_ENGINE 38
#define ERR_LIB_OCSP 39
#define ERR_LIB_UI 40
#define ERR_LIB_COMP 41
#define ERR_LIB_ECDSA 42
#define ERR_LIB_ECDH 43
#define ERR_LIB_OSSL_STORE 44
#define ERR_LIB_HMAC 48
#define ERR_LIB_PROV 57
#define ERR_LIB_OSSL_ENCODER 59
#define ERR_LIB_OSSL_DECODER 60
#define ERR_LIB_USER 128

/* How a packed error is laid out. */
#define ERR_SYSTEM_FLAG ((unsigned int)INT_MAX + 1)
#define ERR_SYSTEM_MASK ((unsigned int)INT_MAX)
#define ERR_LIB_OFFSET 23L
#define ERR_LIB_MASK 0xFF
#define ERR_RFLAGS_OFFSET 18L
#define ERR_RFLAGS_MASK 0x1F
#define ERR_REASON_MASK 0X7FFFFF
#define ERR_RFLAG_FATAL (0x1 << ERR_RFLAGS_OFFSET)
#define ERR_RFLAG_COMMON (0x2 << ERR_RFLAGS_OFFSET)

#define ERR_SYSTEM_ERROR(errcode) (((errcode) & ERR_SYSTEM_FLAG) != 0)

/* The library of a packed error; ERR_LIB_SYS for an operating-system error (errno). */
static ossl_unused ossl_inline int ERR_GET_LIB(unsigned long errcode)
{
    if (ERR_SYSTEM_ERROR(errcode))
        return ERR_LIB_SYS;
    return (int)((errcode >> ERR_LIB_OFFSET) & ERR_LIB_MASK);
}

/* The reason flags (ERR_RFLAG_*) of a packed error. */
static ossl_unused ossl_inline int ERR_GET_RFLAGS(unsigned long errcode)
{
    if (ERR_SYSTEM_ERROR(errcode))
        return 0;
    return (int)(errcode & (ERR_RFLAGS_MASK << ERR_RFLAGS_OFFSET));
}

/* The reason of a packed error (with its flags); the errno value for a system error. */
static ossl_unused ossl_inline int ERR_GET_REASON(unsigned long errcode)
{
    if (ERR_SYSTEM_ERROR(errcode))
        return (int)(errcode & ERR_SYSTEM_MASK);
    return (int)(errcode & ERR_REASON_MASK);
}

static ossl_unused ossl_inline int ERR_FATAL_ERROR(unsigned long errcode)
{
    return (ERR_GET_RFLAGS(errcode) & ERR_RFLAG_FATAL) != 0;
}

static ossl_unused ossl_inline int ERR_COMMON_ERROR(unsigned long errcode)
{
    return (ERR_GET_RFLAGS(errcode) & ERR_RFLAG_COMMON) != 0;
}

/* Packs a library and a reason into an error code (the function code is ignored, as in 3.0). */
#define ERR_PACK(lib, func, reason) \
    ((((unsigned long)(lib) & ERR_LIB_MASK) << ERR_LIB_OFFSET) | \
     (((unsigned long)(reason) & ERR_REASON_MASK)))

/* Reasons common to every library. */
#define ERR_R_SYS_LIB (ERR_LIB_SYS | ERR_RFLAG_COMMON)
#define ERR_R_EVP_LIB (ERR_LIB_EVP | ERR_RFLAG_COMMON)
#define ERR_R_PEM_LIB (ERR_LIB_PEM | ERR_RFLAG_COMMON)
#define ERR_R_X509_LIB (ERR_LIB_X509 | ERR_RFLAG_COMMON)
#define ERR_R_ASN1_LIB (ERR_LIB_ASN1 | ERR_RFLAG_COMMON)
#define ERR_R_SSL_LIB (ERR_LIB_SSL | ERR_RFLAG_COMMON)
#define ERR_R_BIO_LIB (ERR_LIB_BIO | ERR_RFLAG_COMMON)
#define ERR_R_FATAL (ERR_RFLAG_FATAL | ERR_RFLAG_COMMON)
#define ERR_R_MALLOC_FAILURE (256 | ERR_R_FATAL)
#define ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED (257 | ERR_R_FATAL)
#define ERR_R_PASSED_NULL_PARAMETER (258 | ERR_R_FATAL)
#define ERR_R_INTERNAL_ERROR (259 | ERR_R_FATAL)
#define ERR_R_DISABLED (260 | ERR_R_FATAL)
#define ERR_R_INIT_FAIL (261 | ERR_R_FATAL)
#define ERR_R_PASSED_INVALID_ARGUMENT (262 | ERR_RFLAG_COMMON)
#define ERR_R_OPERATION_FAIL (263 | ERR_R_FATAL)
#define ERR_R_UNSUPPORTED (268 | ERR_RFLAG_COMMON)

/* ERR_get_error_line_data's flags: the record carries a text, a C string. */
#define ERR_TXT_MALLOCED 0x01
#define ERR_TXT_STRING 0x02

/* The longest text a record carries. */
#define ERR_MAX_DATA_SIZE 1024

/*
 * Takes the oldest record off this thread's queue and returns its packed code; 0 when the
 * queue is empty. The _line forms also give the source file and line the error was raised at
 * (ftls' own, e.g. "ssl/connection.rs"); _data gives the record's text (valid until the next
 * ERR_* call on this thread, NUL-terminated, "" when none) and ERR_TXT_STRING in *flags;
 * ERR_get_error_all gives the function name as well. Any out-pointer may be NULL.
 */
unsigned long ERR_get_error(void);
unsigned long ERR_get_error_line(const char **file, int *line);
unsigned long ERR_get_error_line_data(const char **file, int *line, const char **data,
                                      int *flags);
unsigned long ERR_get_error_all(const char **file, int *line, const char **func,
                                const char **data, int *flags);

/* As ERR_get_error and its forms, leaving the record on the queue. */
unsigned long ERR_peek_error(void);
unsigned long ERR_peek_error_line(const char **file, int *line);
unsigned long ERR_peek_error_line_data(const char **file, int *line, const char **data,
                                       int *flags);
unsigned long ERR_peek_error_all(const char **file, int *line, const char **func,
                                 const char **data, int *flags);

/* The newest record's code (and details), left on the queue; 0 when the queue is empty. */
unsigned long ERR_peek_last_error(void);
unsigned long ERR_peek_last_error_line(const char **file, int *line);
unsigned long ERR_peek_last_error_line_data(const char **file, int *line, const char **data,
                                            int *flags);
unsigned long ERR_peek_last_error_all(const char **file, int *line, const char **func,
                                      const char **data, int *flags);

/* Empties this thread's queue. */
void ERR_clear_error(void);

/*
 * Writes "error:XXXXXXXX:LIBRARY:FUNCTION:REASON" for code into buf (len bytes, always
 * NUL-terminated, truncated to fit; nothing when len is 0). The function part is empty, as in
 * OpenSSL 3.0; unknown libraries and reasons print as "lib(N)" and "reason(N)".
 */
void ERR_error_string_n(unsigned long e, char *buf, size_t len);

/*
 * As ERR_error_string_n into buf, which must hold 256 bytes; with buf NULL, into a buffer of
 * this thread's, valid until the next such call on the thread. Returns the text.
 */
char *ERR_error_string(unsigned long e, char *buf);

/* The library's name ("SSL routines"), the reason's text ("certificate verify failed"), or
 * NULL when unknown. Static strings. ERR_func_error_string always returns NULL, as in 3.0. */
const char *ERR_lib_error_string(unsigned long e);
const char *ERR_reason_error_string(unsigned long e);
const char *ERR_func_error_string(unsigned long e);

/*
 * Takes every record off this thread's queue, oldest first, and prints each as one line in
 * OpenSSL 3.0's format:
 *     THREADID:error:XXXXXXXX:LIBRARY:FUNCTION:REASON:FILE:LINE:DATA
 * to fp, to bp, or through cb (called with the line, its length including the newline, and u;
 * a non-positive return stops the printing).
 */
void ERR_print_errors_fp(FILE *fp);
void ERR_print_errors(BIO *bp);
void ERR_print_errors_cb(int (*cb)(const char *str, size_t len, void *u), void *u);

/* Marks the queue's current state; ERR_pop_to_mark removes the records added since. Return
 * 1, or 0 when no mark was set (ERR_pop_to_mark then empties the queue). As in OpenSSL, a mark
 * sits on the newest record: ERR_set_mark on an empty queue sets none and returns 0. */
int ERR_set_mark(void);
int ERR_pop_to_mark(void);
int ERR_clear_last_mark(void);

/* The strings are always loaded: these are kept for old programs and do nothing. */
#define ERR_load_crypto_strings() \
    OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL)
#define ERR_load_ERR_strings() OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL)
#define ERR_load_SSL_strings() OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL)
#define ERR_load_BIO_strings() OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL)
#define ERR_load_X509_strings() OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL)
#define ERR_load_PEM_strings() OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL)
#define ERR_load_EVP_strings() OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL)
#define ERR_load_ASN1_strings() OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL)
#define ERR_free_strings() while (0) continue
#define ERR_remove_state(pid) while (0) continue
#define ERR_remove_thread_state(tid) while (0) continue

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_ERR_H */
