/*
 * openssl/crypto.h: library initialisation, version, memory, and the old thread-callback
 * macros (which do nothing: the library is thread-safe by itself).
 */
#ifndef FTLS_OPENSSL_CRYPTO_H
#define FTLS_OPENSSL_CRYPTO_H
#define OPENSSL_CRYPTO_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <stdlib.h>
#include <openssl/opensslconf.h>
#include <openssl/opensslv.h>
#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* OPENSSL_init_crypto / OPENSSL_init_ssl options: accepted; everything is always loaded. */
#define OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS 0x00000001L
#define OPENSSL_INIT_LOAD_CRYPTO_STRINGS 0x00000002L
#define OPENSSL_INIT_ADD_ALL_CIPHERS 0x00000004L
#define OPENSSL_INIT_ADD_ALL_DIGESTS 0x00000008L
#define OPENSSL_INIT_NO_ADD_ALL_CIPHERS 0x00000010L
#define OPENSSL_INIT_NO_ADD_ALL_DIGESTS 0x00000020L
#define OPENSSL_INIT_LOAD_CONFIG 0x00000040L
#define OPENSSL_INIT_NO_LOAD_CONFIG 0x00000080L
#define OPENSSL_INIT_ASYNC 0x00000100L
#define OPENSSL_INIT_ATFORK 0x00020000L
#define OPENSSL_INIT_NO_ATEXIT 0x00080000L

/*
 * Initialises the library. Nothing needs initialising (every table is static), so this only
 * checks that settings is NULL. Returns 1; 0 with an error queued when settings is not NULL
 * (configuration files are not read). Thread-safe; any number of calls.
 */
int OPENSSL_init_crypto(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings);

/* Does nothing: the library frees what it holds when the process ends. */
void OPENSSL_cleanup(void);
void OPENSSL_thread_stop(void);

/* OpenSSL_version's selectors. */
#define OPENSSL_VERSION 0
#define OPENSSL_CFLAGS 1
#define OPENSSL_BUILT_ON 2
#define OPENSSL_PLATFORM 3
#define OPENSSL_DIR 4
#define OPENSSL_ENGINES_DIR 5
#define OPENSSL_VERSION_STRING 6
#define OPENSSL_FULL_VERSION_STRING 7
#define OPENSSL_MODULES_DIR 8
#define OPENSSL_CPU_INFO 9

/*
 * A static text about the library: OPENSSL_VERSION gives OPENSSL_VERSION_TEXT (it names ftls,
 * rustls and the crypto provider); OPENSSL_VERSION_STRING "3.0.0"; OPENSSL_FULL_VERSION_STRING
 * "3.0.0+ftls"; the other selectors "not available"; an unknown selector "not available".
 */
const char *OpenSSL_version(int type);

/* OPENSSL_VERSION_NUMBER, as the library was built. */
unsigned long OpenSSL_version_num(void);
unsigned int OPENSSL_version_major(void);
unsigned int OPENSSL_version_minor(void);
unsigned int OPENSSL_version_patch(void);

#define SSLeay OpenSSL_version_num
#define SSLeay_version OpenSSL_version
#define SSLEAY_VERSION OPENSSL_VERSION

/*
 * Memory for objects the program frees with OPENSSL_free (e.g. X509_NAME_oneline's result) and
 * that it hands to the library: the C library's malloc underneath, so free() works too.
 * file and line are ignored.
 */
void *CRYPTO_malloc(size_t num, const char *file, int line);
void *CRYPTO_zalloc(size_t num, const char *file, int line);
void *CRYPTO_realloc(void *addr, size_t num, const char *file, int line);
void CRYPTO_free(void *ptr, const char *file, int line);
char *CRYPTO_strdup(const char *str, const char *file, int line);
char *CRYPTO_strndup(const char *str, size_t s, const char *file, int line);
void *CRYPTO_memdup(const void *data, size_t siz, const char *file, int line);
/* Zeroes len bytes at ptr, in a way the compiler cannot optimise away. */
void OPENSSL_cleanse(void *ptr, size_t len);

#define OPENSSL_malloc_init() while (0) continue
#define OPENSSL_malloc(num) CRYPTO_malloc(num, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_zalloc(num) CRYPTO_zalloc(num, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_realloc(addr, num) CRYPTO_realloc(addr, num, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_free(addr) CRYPTO_free(addr, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_strdup(str) CRYPTO_strdup(str, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_strndup(str, n) CRYPTO_strndup(str, n, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_memdup(str, s) CRYPTO_memdup((str), s, OPENSSL_FILE, OPENSSL_LINE)

/* ex_data classes (CRYPTO_get_ex_new_index). */
#define CRYPTO_EX_INDEX_SSL 0
#define CRYPTO_EX_INDEX_SSL_CTX 1
#define CRYPTO_EX_INDEX_SSL_SESSION 2
#define CRYPTO_EX_INDEX_X509 3
#define CRYPTO_EX_INDEX_X509_STORE 4
#define CRYPTO_EX_INDEX_X509_STORE_CTX 5
#define CRYPTO_EX_INDEX_BIO 12
#define CRYPTO_EX_INDEX_APP 13

typedef void CRYPTO_EX_new(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                           void *argp);
typedef void CRYPTO_EX_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                            void *argp);
typedef int CRYPTO_EX_dup(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from, void **from_d,
                          int idx, long argl, void *argp);

/* The thread callbacks of OpenSSL before 1.1.0: the library needs none. */
#define CRYPTO_num_locks() (1)
#define CRYPTO_set_locking_callback(func)
#define CRYPTO_get_locking_callback() (NULL)
#define CRYPTO_set_add_lock_callback(func)
#define CRYPTO_get_add_lock_callback() (NULL)
#define CRYPTO_set_id_callback(func)
#define CRYPTO_get_id_callback() (NULL)
#define CRYPTO_set_dynlock_create_callback(dyn_create_function)
#define CRYPTO_set_dynlock_lock_callback(dyn_lock_function)
#define CRYPTO_set_dynlock_destroy_callback(dyn_destroy_function)
#define CRYPTO_THREADID_set_callback(threadid_func) (0)
#define CRYPTO_THREADID_set_numeric(id, val)
#define CRYPTO_THREADID_set_pointer(id, ptr)
#define CRYPTO_LOCK 1
#define CRYPTO_UNLOCK 2
#define CRYPTO_READ 4
#define CRYPTO_WRITE 8
#define CRYPTO_cleanup_all_ex_data() while (0) continue
#define OPENSSL_no_config() OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL)
#define OPENSSL_config(name) OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL)

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_CRYPTO_H */
