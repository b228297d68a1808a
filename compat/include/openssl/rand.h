/*
 * openssl/rand.h: random bytes from the crypto provider's secure generator, which seeds
 * itself: seeding calls are accepted and change nothing.
 */
#ifndef FTLS_OPENSSL_RAND_H
#define FTLS_OPENSSL_RAND_H
#define OPENSSL_RAND_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <openssl/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fills buf with num random bytes: 1; 0 (with an error queued) for a negative num or NULL buf
 * with num > 0, or if the generator fails. RAND_priv_bytes is the same generator. */
int RAND_bytes(unsigned char *buf, int num);
int RAND_priv_bytes(unsigned char *buf, int num);
/* Accepted for compatibility; the generator needs no seeding. */
void RAND_seed(const void *buf, int num);
void RAND_add(const void *buf, int num, double randomness);
/* 1: the generator is always seeded. */
int RAND_status(void);
int RAND_poll(void);

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_RAND_H */
