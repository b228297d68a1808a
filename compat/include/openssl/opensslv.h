/*
 * openssl/opensslv.h: the version of the OpenSSL API this library presents.
 *
 * ftls' compatibility library implements (a subset of) OpenSSL 3.0's API, so the numbers say
 * 3.0.0: build systems and `#if OPENSSL_VERSION_NUMBER >= ...` tests pick the 3.0 code paths.
 * The texts say ftls, so that a program printing its TLS library tells the truth. Build tools
 * (CMake's FindOpenSSL among them) read this file as text: keep one definition per line.
 */
#ifndef FTLS_OPENSSL_OPENSSLV_H
#define FTLS_OPENSSL_OPENSSLV_H
#define OPENSSL_OPENSSLV_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

# define OPENSSL_VERSION_MAJOR  3
# define OPENSSL_VERSION_MINOR  0
# define OPENSSL_VERSION_PATCH  0
# define OPENSSL_VERSION_PRE_RELEASE ""
# define OPENSSL_VERSION_BUILD_METADATA "+ftls"
# define OPENSSL_SHLIB_VERSION 3

# define OPENSSL_VERSION_PREREQ(maj, min) \
    ((OPENSSL_VERSION_MAJOR << 16) + OPENSSL_VERSION_MINOR >= ((maj) << 16) + (min))

# define OPENSSL_VERSION_STR "3.0.0"
# define OPENSSL_FULL_VERSION_STR "3.0.0+ftls"
# define OPENSSL_RELEASE_DATE ""
# define OPENSSL_VERSION_TEXT "ftls 0.1.0 (OpenSSL 3.0.0 API)"

/* 0xMNN00PP0L: major 3, minor 0, patch 0, as OpenSSL 3.0 encodes it. */
# define OPENSSL_VERSION_NUMBER 0x30000000L

#endif /* FTLS_OPENSSL_OPENSSLV_H */
