/*
 * openssl/hmac.h: HMAC with the digests of evp.h (HMAC-MD5 for CRAM-MD5, HMAC-SHA-1/-2).
 */
#ifndef FTLS_OPENSSL_HMAC_H
#define FTLS_OPENSSL_HMAC_H
#define OPENSSL_HMAC_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include <stddef.h>
#include <openssl/evp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One-shot HMAC of n bytes at d with key (key_len bytes) into md (EVP_MAX_MD_SIZE bytes), its
 * length in *md_len if not NULL. Returns md; NULL for a NULL digest, key or data with a
 * non-zero length, or md NULL (OpenSSL's shared static buffer is not offered: it is not
 * thread-safe). */
unsigned char *HMAC(const EVP_MD *evp_md, const void *key, int key_len, const unsigned char *d,
                    size_t n, unsigned char *md, unsigned int *md_len);

/* An HMAC in progress, used by one thread at a time. _new makes one, _free frees it (NULL does
 * nothing) wiping the key, _reset empties it (1, or 0 for NULL). */
HMAC_CTX *HMAC_CTX_new(void);
void HMAC_CTX_free(HMAC_CTX *ctx);
int HMAC_CTX_reset(HMAC_CTX *ctx);
/* Starts an HMAC with key (len bytes) and md. A NULL key with md NULL or unchanged restarts with
 * the previous key. 1; 0 for NULL ctx, no digest, no key, a new digest without a key, or an
 * engine. */
int HMAC_Init_ex(HMAC_CTX *ctx, const void *key, int len, const EVP_MD *md, ENGINE *impl);
/* Adds len bytes: 1; 0 if not started. */
int HMAC_Update(HMAC_CTX *ctx, const unsigned char *data, size_t len);
/* Finishes into md (EVP_MAX_MD_SIZE bytes), its length in *len if not NULL: 1; 0 if not
 * started or md is NULL. */
int HMAC_Final(HMAC_CTX *ctx, unsigned char *md, unsigned int *len);
/* The HMAC's length in bytes (0 without a digest, "message digest is null" queued); the digest
 * (NULL without one). */
size_t HMAC_size(const HMAC_CTX *e);
const EVP_MD *HMAC_CTX_get_md(const HMAC_CTX *ctx);

#ifdef __cplusplus
}
#endif
#endif /* FTLS_OPENSSL_HMAC_H */
