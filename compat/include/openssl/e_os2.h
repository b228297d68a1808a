/*
 * openssl/e_os2.h: portability macros that OpenSSL's headers (and some programs) use.
 */
#ifndef FTLS_OPENSSL_E_OS2_H
#define FTLS_OPENSSL_E_OS2_H
#define OPENSSL_E_OS2_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <openssl/opensslconf.h>
#include <stdint.h>
#include <sys/types.h>

#define OPENSSL_SYS_UNIX
#define OPENSSL_EXPORT extern
#define OPENSSL_EXTERN extern
#define ossl_ssize_t ssize_t
#define OSSL_SSIZE_MAX SSIZE_MAX

#if defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L)
#define ossl_inline inline
#elif defined(__GNUC__)
#define ossl_inline __inline__
#else
#define ossl_inline
#endif

#if defined(__GNUC__)
#define ossl_unused __attribute__((unused))
#define ossl_noreturn __attribute__((noreturn))
#else
#define ossl_unused
#define ossl_noreturn
#endif

#define OPENSSL_FILE __FILE__
#define OPENSSL_LINE __LINE__
#define OPENSSL_FUNC __func__

#endif /* FTLS_OPENSSL_E_OS2_H */
