/*
 * openssl/opensslconf.h: what this build of the OpenSSL API provides.
 *
 * The OPENSSL_NO_* macros name what ftls refuses by design, so that programs that test them
 * leave those features out at compile time.
 */
#ifndef FTLS_OPENSSL_OPENSSLCONF_H
#define FTLS_OPENSSL_OPENSSLCONF_H
#define OPENSSL_OPENSSLCONF_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <openssl/opensslv.h>

#define OPENSSL_THREADS
#define OPENSSL_NO_SSL2
#define OPENSSL_NO_SSL3
#define OPENSSL_NO_SSL3_METHOD
#define OPENSSL_NO_TLS1
#define OPENSSL_NO_TLS1_METHOD
#define OPENSSL_NO_TLS1_1
#define OPENSSL_NO_TLS1_1_METHOD
#define OPENSSL_NO_DTLS
#define OPENSSL_NO_DTLS1
#define OPENSSL_NO_DTLS1_2
#define OPENSSL_NO_COMP
#define OPENSSL_NO_ENGINE
#define OPENSSL_NO_SRP
#define OPENSSL_NO_PSK
#define OPENSSL_NO_NEXTPROTONEG
#define OPENSSL_NO_HEARTBEATS
#define OPENSSL_NO_DEPRECATED_1_1_0_RENEGOTIATION

/* The API level the headers present: OpenSSL 3.0's. */
#ifndef OPENSSL_API_COMPAT
#define OPENSSL_API_COMPAT 30000
#endif
#define OPENSSL_API_LEVEL 30000
#define OPENSSL_CONFIGURED_API 30000

#endif /* FTLS_OPENSSL_OPENSSLCONF_H */
