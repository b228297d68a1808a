/*
 * openssl/bn.h: BIGNUM, only as far as certificates need it: a serial number turned into
 * text (ASN1_INTEGER_to_BN, then BN_bn2hex or BN_bn2dec). No arithmetic is offered.
 */
#ifndef FTLS_OPENSSL_BN_H
#define FTLS_OPENSSL_BN_H
#define OPENSSL_BN_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A new BIGNUM holding zero; BN_free (or BN_clear_free) frees one. NULL does nothing. */
BIGNUM *BN_new(void);
void BN_free(BIGNUM *a);
void BN_clear_free(BIGNUM *a);
/* The value as upper-case hex by whole bytes ("0" for zero) / as decimal, "-" before a
 * negative value, in a new string to free with OPENSSL_free; NULL for NULL. */
char *BN_bn2hex(const BIGNUM *a);
char *BN_bn2dec(const BIGNUM *a);
/* Significant bits of the magnitude (0 for zero or NULL). */
int BN_num_bits(const BIGNUM *a);
#define BN_num_bytes(a) ((BN_num_bits(a) + 7) / 8)
/* Writes the magnitude big-endian to to (BN_num_bytes(a) bytes); returns its length, -1 for
 * NULL. */
int BN_bn2bin(const BIGNUM *a, unsigned char *to);
/* 1 if zero (or NULL) / negative, else 0. */
int BN_is_zero(const BIGNUM *a);
int BN_is_negative(const BIGNUM *b);

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_BN_H */
